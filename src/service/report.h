/* report.h — the reports the county and city ask for (issue 5 item 6), as one model rendered
 * three ways: JSON, CSV (UTF-8 with a BOM, or GB18030) and XLSX (libxlsxwriter).
 *
 * A report is a title (the seed form's title, e.g. 劳动力转移就业花名册), its form number
 * (附件 5-19-2), a few heading lines (填报单位：…), Chinese column headers as in the form, rows of
 * typed cells and an optional 合计 row. Cells are typed so that no figure passes through a
 * double before the renderer: integers, money in fen, dates, and percentages in hundredths of a
 * percent computed with integer arithmetic (jy_report_pct). docs/reports.md lists every report's
 * columns and where each figure comes from.
 *
 * Ownership: a jy_report owns every string in it (an arena); jy_report_free releases it all. */
#ifndef JY_SERVICE_REPORT_H
#define JY_SERVICE_REPORT_H

#include <stdint.h>

#include "base/arena.h"
#include "base/date.h"
#include "base/err.h"
#include "base/money.h"
#include "base/sb.h"
#include "policy/policy.h"
#include "store/store.h"

enum jy_cell_type {
    JY_CELL_EMPTY = 0,
    JY_CELL_TEXT,    /* s; also ID numbers and accounts, so a spreadsheet keeps every digit */
    JY_CELL_INT,     /* v */
    JY_CELL_MONEY,   /* v in fen */
    JY_CELL_DATE,    /* v as jy_date */
    JY_CELL_PERCENT, /* v in hundredths of a percent: 9876 = 98.76% */
};

typedef struct jy_cell {
    int type;
    int64_t v;
    const char *s;
} jy_cell;

typedef struct jy_report_col {
    const char *key;   /* JSON key, ASCII ("idcard") */
    const char *title; /* header as in the seed form ("身份证号") */
    int width;         /* XLSX column width in characters */
} jy_report_col;

#define JY_REPORT_MAX_COLS 24
#define JY_REPORT_MAX_HEADS 6

typedef struct jy_report {
    jy_arena *arena;
    const char *name;  /* "targets", "budget", "roster", "publicity", "p4-acceptance" */
    const char *title; /* the form's title line */
    const char *form;  /* "附件 5-19-2" or "" */
    int nheads;
    const char *heads[JY_REPORT_MAX_HEADS]; /* lines between title and header: 填报单位：… */
    int ncols;
    jy_report_col cols[JY_REPORT_MAX_COLS];
    size_t nrows, cap;
    jy_cell *cells;    /* nrows × ncols */
    int has_total;
    jy_cell total[JY_REPORT_MAX_COLS];
    const char *note;  /* a line under the table ("" or NULL: none) */
    /* issue 13: the signature and stamp line under the table (填报人、审核人、单位（盖章）、日期),
     * in CSV and XLSX; on for every report (jy_report_new), off for tests of the bare table. */
    int sign;
} jy_report;

/* The labels of the signature line, NULL-ended. */
extern const char *const jy_report_sign_labels[];

jy_report *jy_report_new(const char *name, const char *title, const char *form);
void jy_report_free(jy_report *r);
void jy_report_head(jy_report *r, const char *line);
void jy_report_col_add(jy_report *r, const char *key, const char *title, int width);
/* Appends an empty row and returns its cells (ncols of them, JY_CELL_EMPTY). */
jy_cell *jy_report_row(jy_report *r);
/* Cell setters: text is copied into the report's arena. */
void jy_cell_text(jy_report *r, jy_cell *c, const char *s);
void jy_cell_int(jy_cell *c, int64_t v);
void jy_cell_money(jy_cell *c, jy_fen v);
void jy_cell_date(jy_cell *c, jy_date d); /* 0 leaves the cell empty */
void jy_cell_pct(jy_cell *c, int64_t num, int64_t den); /* den 0 leaves the cell empty */

/* num/den as hundredths of a percent, rounded half up (num, den ≥ 0, den > 0). */
int64_t jy_report_pct(int64_t num, int64_t den);

/* ---- renderers ---- */
/* {"report","title","form","heads":[…],"columns":[{"key","title"}…],"rows":[{key:value…}…],
 * "total":{…}|null,"signatures":["填报人：",…]}: text and dates as strings, integers as numbers,
 * money as "1234.56", percentages as "98.76%". */
void jy_report_json(const jy_report *r, jy_sb *out);
/* The form as a sheet: the form number, the title, the heading lines (填报单位：…), the header
 * row, the rows, the 合计 row, the note and the signature line (填报人：,,审核人：,,…), CRLF,
 * RFC 4180 quoting. UTF-8 with a BOM (gb18030 = 0) or GB18030 without one (gb18030 = 1). */
int jy_report_csv(const jy_report *r, int gb18030, jy_sb *out, jy_err *err);
/* One sheet: title line (merged, bold), form number, heading lines, bold header row, rows,
 * 合计 row, note, the signature line; money as numbers in "#,##0.00", percentages in "0.00%", dates as dates, text cells
 * as strings (ID numbers keep their 18 digits). JY_ENODATA when built without libxlsxwriter. */
int jy_report_xlsx(const jy_report *r, const char *path, jy_err *err);

/* ---- the reports (county: 6 digits; pol: the loaded rule set for targets and titles) ---- */

/* Targets against achievements per programme and year (2023, 2024, the period) and per
 * sub-target. year 0: every year; program NULL: every programme. */
int jy_report_targets(jy_store *st, const jy_policy *pol, const char *county, int year, const char *program,
                      jy_report **out, jy_err *err);
/* jy_report_targets with the policy directory whose periods.txt gives the programmes' own
 * periods (实施期: P13 2023-09-01 — 2024-08-31): a programme with a period shows its target for
 * every year the period touches and counts the cases of the whole period (NULL: $JIUYE_POLICY,
 * else the built-in directory). A 合计 row adds the main rows. */
int jy_report_targets_in(jy_store *st, const jy_policy *pol, const char *policy_dir, const char *county, int year,
                         const char *program, jy_report **out, jy_err *err);
/* The same with the choice of how the cases are counted: recount 0 reads the counters kept as
 * cases move (case_counters, migration 14: milliseconds at any size; what the two calls above
 * do), 1 recounts every case of the county (seconds at 500,000 cases; the check of the
 * counters). Both give the same report. */
int jy_report_targets_from(jy_store *st, const jy_policy *pol, const char *policy_dir, const char *county, int year,
                           const char *program, int recount, jy_report **out, jy_err *err);
/* Recounts the county's cases and compares the groups with its counters, in one snapshot:
 * appends {"county","groups","recounted_groups","differences":[{group…, counted_cases,
 * recounted_cases, counted_amount_fen, recounted_amount_fen}]} to out and sets *differences
 * (0: the counters are right). `jiuye report counters check`, after a restore say. */
int jy_report_counters_check(jy_store *st, const char *county, jy_sb *out, int64_t *differences, jy_err *err);
/* Budget against committed and paid per programme, year and funding source, with totals per
 * source. year 0 / program NULL: all. */
int jy_report_budget(jy_store *st, const jy_policy *pol, const char *county, int year, const char *program,
                     jy_report **out, jy_err *err);

typedef struct jy_roster_query {
    const char *county;
    const char *program; /* required */
    const char *form;    /* "5-19-2" …; NULL: the programme's default form */
    int year;            /* 0: all */
    const char *state;   /* NULL: every state except rejected / withdrawn / cancelled */
    int64_t parent_id;   /* 0: any */
    int64_t org_id;      /* 0: any */
    const char *unit;    /* 填报单位 for the heading, or NULL: the organisation of org_id */
    const struct jy_divisions *divisions; /* names for 户籍所在地; NULL: the division code */
    const char *month;   /* "YYYY-MM": the month of a 发放表 (form p13-pay); NULL otherwise */
} jy_roster_query;
/* A roster (花名册) or list (名单) in one of the seed's forms. JY_EINVAL naming the forms when
 * the form is unknown or belongs to another programme. */
int jy_report_roster(jy_store *st, const jy_policy *pol, const jy_roster_query *q, jy_report **out, jy_err *err);
/* Issue 14: 5-15-4 (P15, 推荐名单汇总表: 见习人数 trainees, 期满留用数 retained_count, 留用率
 * computed, 见习终止或期满就业率 employment_rate, 评价分值 score, the base's 开户行 and 账号) is a
 * list of the programme's cases; 5-22-1 (充分就业社区认定申请表) and 5-22-2 (评分表, its 22 items
 * scored from facts.score_items) are one P22 case's papers: q->parent_id names the case itself. */
/* The 22 items of 附件 5-22-2: how many, and item no's (1…22) base points (0 when out of range). */
int jy_report_p22_items(void);
int jy_report_p22_item_base(int no);
/* The forms jy_report_roster knows, as JSON [{"form","program","title"[,"one_case":true]}…]. */
void jy_report_forms_json(jy_sb *out);

/* The publicity list (公示名单): the cases ids[0..n) (n > 0), else the county's cases of
 * program in state (NULL: "publicity"). A published list: persons' names and ID numbers are
 * always masked (张*丰, 640522********123X; domain/mask.h), organisations shown whole. */
int jy_report_publicity(jy_store *st, const jy_policy *pol, const char *county, const int64_t *ids, size_t n,
                        const char *program, const char *state, jy_report **out, jy_err *err);
/* P4's acceptance report figures (附件 5-4-2 (四) 项目完成数据情况统计) of one project case. */
int jy_report_p4_acceptance(jy_store *st, const char *county, int64_t case_id, jy_report **out, jy_err *err);

#endif
