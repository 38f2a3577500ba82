/* report_store.h — the aggregate and roster reads behind the reports (issue 5 item 6; service:
 * src/service/report.c, docs/reports.md). Store layer: all SQL is in report_store.c, one
 * statement text per query for both backends (ledger_db.h's runners), except that the JSON
 * field extraction of the tally is spelled per dialect from one template.
 *
 * Like the ledger, these reads take the county explicitly; on a scoped handle (jy_store_set_scope)
 * a county outside the scope is refused (JY_ECONFLICT naming it). */
#ifndef JY_REPORT_STORE_H
#define JY_REPORT_STORE_H

#include <stdint.h>

#include "base/date.h"
#include "base/err.h"
#include "base/money.h"
#include "store/store.h"

/* One group of cases for the targets report: cases of one programme, year, kind, state and
 * occupation with the same sub-target facts (taken from the case's facts, else its parent's:
 * a trainee claim inherits its class's track). Container and per-month kinds (training_class,
 * monthly_payment) are not counted: a class is counted through its trainees, a placement once;
 * nor are the persons registered under an award case (a broker's placed workers, 花名册 rows). */
typedef struct jy_report_tally {
    char program[8];
    int year;
    char kind[24];
    char state[24];
    char occupation[64];
    char track[24];            /* P1: general | gouqi | driver | "" */
    char p2_group[24];         /* P2: rural | unemployed | hard_to_employ | new_forms | entrepreneur | "" */
    char entrepreneurship[16]; /* P2: GYB | SYB | IYB | online | "" */
    char target_group[16];     /* P23: veteran | disabled | "" */
    int64_t cases;
    jy_fen amount;             /* sum of the decided amounts */
} jy_report_tally;

/* Groups of the county's cases (year 0: all years; program NULL or "": all), in program, year
 * order: the RECOUNT, a grouped read of every case of the county (seconds at 500,000 cases). */
int jy_store_report_tally(jy_store *st, const char *county, int year, const char *program,
                          int (*fn)(void *ctx, const jy_report_tally *t), void *ctx, jy_err *err);
/* The same groups from the counters kept as cases move (migration 14, case_counters: triggers
 * on cases keep them in the transaction of every insert, bulk load, COPY and transition), in
 * the same order; groups with no cases left are skipped. Milliseconds at any size. */
int jy_store_report_counters(jy_store *st, const char *county, int year, const char *program,
                             int (*fn)(void *ctx, const jy_report_tally *t), void *ctx, jy_err *err);
/* Replaces the county's counters by a recount, in one transaction of its own (after a repair of
 * the database by hand; `jiuye report counters rebuild`). *groups: the groups written. */
int jy_store_report_counters_rebuild(jy_store *st, const char *county, int64_t *groups, jy_err *err);

/* One case with its subject person, for rosters (花名册) and publicity lists (公示名单). The
 * strings point into buffers valid for the callback only; person fields are "" when the case
 * has no person subject. */
typedef struct jy_report_case_row {
    int64_t id, parent_id, org_id;
    const char *program, *kind, *state, *occupation;
    int year, level;
    jy_date start_on, end_on;       /* 0 when absent */
    jy_date publicity_start;        /* the date of the latest step into a publicity state; 0 none */
    jy_date publicity_end;
    int has_amount;
    jy_fen amount;
    const char *facts;              /* JSON object text */
    const char *idcard, *name, *sex, *ethnicity, *education, *hukou_division, *hukou_kind, *phone, *address;
} jy_report_case_row;

typedef struct jy_report_case_filter {
    const char *county;  /* required */
    const char *program; /* NULL or "": all */
    const char *kind;    /* NULL or "": all */
    const char *state;   /* NULL or "": all */
    int year;            /* 0: all */
    int64_t parent_id;   /* 0: any; -1: only cases that have a parent */
    int64_t org_id;      /* 0: any */
    int64_t id;          /* 0: any; else that case only */
    int with_person;     /* 1: only cases with a person subject */
} jy_report_case_filter;

/* Cases matching f in id order. */
int jy_store_report_cases(jy_store *st, const jy_report_case_filter *f,
                          int (*fn)(void *ctx, const jy_report_case_row *r), void *ctx, jy_err *err);

#endif
