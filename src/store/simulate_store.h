/* simulate_store.h — the reads behind the budget simulation (issue 14 item 4; service:
 * src/service/simulate.c, docs/policy.md "Budget simulation"). Store layer: all SQL is in
 * simulate_store.c, one statement text per read for both backends (ledger_db.h's runners), every
 * value bound. Nothing here writes.
 *
 * Like the ledger and the reports, these reads take the county explicitly; on a scoped handle a
 * county outside the scope is refused (JY_ECONFLICT naming it). */
#ifndef JY_SIMULATE_STORE_H
#define JY_SIMULATE_STORE_H

#include <stdint.h>

#include "base/date.h"
#include "base/err.h"
#include "base/money.h"
#include "store/store.h"

/* One stored decision to re-decide: a case (not a class application: those carry no money) or
 * one line of a payroll month (P10/P12/P13/P14/P24 monthly pay, settling-in grant, social
 * insurance). The strings point into buffers valid for the callback only. */
typedef struct jy_sim_row {
    int64_t id;             /* case id, or payroll line id */
    int is_line;            /* 0: a case; 1: a payroll line */
    const char *program;    /* "P13" */
    size_t program_len;     /* its length in bytes */
    const char *kind;       /* case kind, or the line's claim (monthly, settling_in, social_insurance) */
    jy_date on;             /* the date it is decided on: the filing date; a line: its month's first day */
    jy_date claim_date;     /* a line: the day its run was made (the claim date of a social-insurance claim) */
    int year;               /* the year whose budget lines pay it */
    const char *division;   /* the subject's finest division: person's 户籍, else the org's, else the county */
    const char *facts;      /* JSON object text as stored */
    size_t facts_len;       /* its length in bytes */
    const char *parent_facts; /* the parent case's facts when the case has no track of its own, else NULL */
    const char *conflicts;  /* the case's stored conflict findings (JSON array text; "[]" for a line) */
    jy_fen paid;            /* paid on its payables, less recoveries */
    const unsigned char *fact_vec; /* a case's stored fact vector (migration 15), or NULL */
    size_t fact_vec_len;
} jy_sim_row;

typedef struct jy_sim_filter {
    const char *county;  /* required */
    const char *area;    /* division prefix of the subjects ("" or NULL: the whole county) */
    const char *program; /* "" or NULL: all */
    jy_date from, to;    /* inclusive; 0: open */
} jy_sim_filter;

/* Streams the rows in one pass: the cases (ordered by id), then the payroll lines (by id). fn
 * returning non-zero stops the walk and is returned. */
int jy_store_sim_rows(jy_store *st, const jy_sim_filter *f, int (*fn)(void *ctx, const jy_sim_row *r), void *ctx,
                      jy_err *err);

/* One budget line of the county: its allocation (the budget account's credit, as a positive
 * amount) and the tracks it funds ("" = every claim of its programme). */
typedef struct jy_sim_line {
    char program[8];
    int year;
    int source; /* 0 central, 1 region, 2 city_county, 3 other (jy_fund_source_name) */
    jy_fen budget;
    char tracks[96];
} jy_sim_line;

int jy_store_sim_lines(jy_store *st, const char *county, int (*fn)(void *ctx, const jy_sim_line *l), void *ctx,
                       jy_err *err);

#endif
