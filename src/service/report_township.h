/* report_township.h — the targets report by township (目标任务完成情况 分乡镇): the dashboard's
 * township breakdown (issue 12; GET /api/v1/reports/targets?by=township, docs/reports.md). Kept
 * apart from report_build.c's county report so either changes alone. */
#ifndef JY_REPORT_TOWNSHIP_SVC_H
#define JY_REPORT_TOWNSHIP_SVC_H

#include "domain/division.h"
#include "service/report.h"

/* One row per township of the county (every current township in divs, with zeros where nothing
 * was filed; a row for the county itself when some cases' subjects have no township): filed,
 * achieved, paid, the amount paid and the township's share of the county's achieved, for year
 * (0: all years) and program (NULL or "": every programme), counted as the county report counts
 * (申报数 without rejected, withdrawn or cancelled cases; 完成数 recognised, in post, held or paid).
 * area NULL, "" or 6 digits: every township; 9 or 12 digits: that township's row only (its
 * share still of the whole county). Targets are set per county (the programmes' rules files) and are not
 * split by township: the report has no target column. */
int jy_report_targets_by_township(jy_store *st, const jy_divisions *divs, const char *county, const char *area,
                                  int year, const char *program, jy_report **out, jy_err *err);

/* The county report's state rules (report_build.c), shared. */
int jy_report_state_dropped(const char *state);
int jy_report_state_achieved(const char *state);

/* The figures of a set of cases as the targets reports count them (report_build.c, shared with
 * the township report): 申报数, 完成数（已认定）, 已拨付数 and the amount paid (fen). */
typedef struct jy_report_counts {
    int64_t filed, achieved, paid;
    jy_fen paid_amount;
} jy_report_counts;

/* Adds cases cases in state (with amount their sum paid or payable) to c: nothing for a dropped
 * state (rejected, withdrawn, cancelled); filed otherwise; achieved as well for an achieved state
 * (recognised, in post, held, paid); paid and the amount for paid. */
void jy_report_counts_add(jy_report_counts *c, const char *state, int64_t cases, jy_fen amount);
/* to += c, figure by figure. */
void jy_report_counts_sum(jy_report_counts *to, const jy_report_counts *c);
/* The five columns jy_report_counts_cells fills, added to r in its order: 申报数, 完成数（已认定）,
 * 已拨付数, the percentage column (key, title and width: 完成率 of a target, 占全县完成数 of the
 * county), 已拨付金额（元）. */
void jy_report_counts_cols(jy_report *r, const char *pct_key, const char *pct_title, int pct_width);
/* c into the five cells row[col] … row[col + 4]: filed, achieved, paid, achieved as a percentage
 * of base (empty when base is 0), the amount paid (yuan). */
void jy_report_counts_cells(jy_cell *row, int col, const jy_report_counts *c, int64_t base);

/* The report's first heading line "LABEL：unit name of county (settings)REST" (填报单位：海原县人力资源
 * 和社会保障局    统计范围：2024年); label NULL: 填报单位. */
void jy_report_unit_head(jy_report *r, jy_store *st, const char *county, const char *label, const char *rest);

#endif
