/* placement_store.h — the store functions of placements with monthly pay (P10, P12, P13, P14,
 * P24), their monthly attendance (考勤) and the monthly payroll runs and lines (issue 5,
 * migration 4: placement_schema.h). The same contract as store.h: 0 or a negative JY_E* with a
 * message; every change writes its audit entry in the same transaction; a change outside a
 * caller's transaction runs in its own. Implemented once for both backends in
 * placement_store.c (one SQL text per statement, run by the ledger's runners, ledger_db.h).
 * docs/payroll.md describes the rules. */
#ifndef JY_PLACEMENT_STORE_H
#define JY_PLACEMENT_STORE_H

#include <stdint.h>

#include "base/date.h"
#include "base/err.h"
#include "base/sb.h"
#include "store/store.h"

/* One post / internship / traineeship. Dates 0 when absent. */
typedef struct jy_placement {
    int64_t id;
    char county[7];
    int64_t case_id;      /* the placement case (kind "placement"); 0: none */
    char program[4];      /* P10, P12, P13, P14, P24 */
    int64_t person_id;
    int64_t host_org_id;
    jy_date start_on, planned_end, actual_end;
    char end_reason[256];
    char status[12];      /* active | ended | cancelled */
    int new_recruit;      /* P12: a newly recruited person (the settling-in grant) */
    char created_by[64], created_at[32];
    /* filled on reads from the registry */
    char idcard[19];
    char person_name[64];
    char host_name[128];
} jy_placement;

/* Inserts p (id, created_at, created_by filled) with an audit entry placement/start. */
int jy_store_placement_add(jy_store *st, jy_placement *p, const char *actor, jy_err *err);
/* JY_ENOTFOUND when there is no such placement. */
int jy_store_placement_get(jy_store *st, int64_t id, jy_placement *out, jy_err *err);
/* Sets status, actual_end and end_reason if the status is still expect_status (JY_ECONFLICT
 * naming the current one otherwise), with an audit entry placement/<action> (before/after). */
int jy_store_placement_close(jy_store *st, int64_t id, const char *expect_status, const char *status,
                             jy_date actual_end, const char *reason, const char *action, const char *actor,
                             jy_err *err);

typedef struct jy_placement_filter {
    const char *county;  /* NULL: all */
    const char *program; /* NULL: all */
    const char *status;  /* NULL: all */
    int64_t person_id;   /* 0: any */
    int64_t host_org_id; /* 0: any */
    int limit;           /* 0: all */
} jy_placement_filter;
int jy_store_placement_list(jy_store *st, const jy_placement_filter *f,
                            int (*fn)(void *ctx, const jy_placement *p), void *ctx, jy_err *err);

/* One placement's month of attendance (考勤). */
typedef struct jy_attendance {
    int64_t placement_id;
    char month[8];        /* "YYYY-MM" */
    char county[7];
    int duty_days;        /* working days on duty */
    int personal_leave;   /* 事假 working days */
    int sick_leave;       /* 病假 working days */
    int sick_certificate; /* 1: a certificate from a hospital at county level or above */
    int contract_with_host; /* 1: a labour/employment contract with the host was signed */
    int64_t si_paid;      /* fen of flexible-worker social insurance paid (the subsidy claim); 0: none */
    int si_months;        /* months those contributions cover */
    char reported_at[32], reported_by[64];
} jy_attendance;

/* Inserts or replaces the month (identical → *result JY_PUT_UNCHANGED, no audit entry), with an
 * audit entry attendance/set (before/after). reported_at/by filled. */
int jy_store_attendance_put(jy_store *st, jy_attendance *a, const char *actor, int *result, jy_err *err);
int jy_store_attendance_get(jy_store *st, int64_t placement_id, const char *month, jy_attendance *out,
                            jy_err *err);
int jy_store_attendance_list(jy_store *st, int64_t placement_id, int (*fn)(void *ctx, const jy_attendance *a),
                             void *ctx, jy_err *err);

/* A payroll run: one per county × programme × month. */
typedef struct jy_payroll_run {
    int64_t id;
    char county[7];
    char program[4];
    char month[8];
    char ruleset[24];
    int runs;             /* how many times the month was run */
    char created_by[64], created_at[32], updated_at[32];
} jy_payroll_run;

/* Finds the run of (county, program, month) and counts one more run (ruleset updated), or
 * creates it; audit entry payroll_run/run. r->id … filled. */
int jy_store_payroll_run_begin(jy_store *st, jy_payroll_run *r, const char *actor, jy_err *err);
/* JY_ENOTFOUND when absent. id 0: look up by county, program, month of out. */
int jy_store_payroll_run_get(jy_store *st, int64_t id, jy_payroll_run *out, jy_err *err);

/* What a run reads per placement: the placement and its attendance of the month. */
typedef struct jy_payroll_src {
    int64_t placement_id, case_id, person_id, host_org_id;
    char idcard[19];
    jy_date start_on, planned_end, actual_end;
    char status[12];
    int new_recruit;
    int has_attendance;
    int duty_days, personal_leave, sick_leave, sick_certificate;
    int contract_with_host; /* 1 when any month up to this one reported a contract */
    int64_t si_paid;
    int si_months;
} jy_payroll_src;

/* The county's placements of program that are in post during month (started on or before its
 * last day, not ended before its first day, not cancelled), with the month's attendance, in
 * placement order: one query. */
int jy_store_payroll_sources(jy_store *st, const char *county, const char *program, const char *month,
                             int (*fn)(void *ctx, const jy_payroll_src *s), void *ctx, jy_err *err);

enum jy_payroll_claim { JY_CLAIM_MONTHLY = 0, JY_CLAIM_SETTLING_IN, JY_CLAIM_SOCIAL_INSURANCE, JY_CLAIM__COUNT };
const char *jy_payroll_claim_name(int c); /* "monthly", "settling_in", "social_insurance" */
int jy_payroll_claim_of(const char *s);   /* -1 when unknown */

/* One line: a placement's claim in a run. facts and decision_json are JSON texts: handed in on
 * writes; on reads valid for the callback (lists) or held in the caller's text buffer (get). */
typedef struct jy_payroll_line {
    int64_t id, run_id;
    char county[7];
    int64_t placement_id;
    int claim;            /* enum jy_payroll_claim */
    char decision[16];    /* eligible | ineligible | needs_review */
    int64_t amount;       /* fen: the decided (or reviewed) amount, 0 when none */
    char status[12];      /* approved | held | refused | rejected | cancelled | recovered */
    int64_t payable_id;   /* 0: none */
    const char *facts;
    const char *decision_json;
    char ruleset[24];
    char reviewed_by[64];
    char review_reason[256];
    char updated_at[32];
    /* filled on reads */
    char program[4];
    char month[8];
    char payable_status[12]; /* "" when no payable */
    int64_t person_id;
} jy_payroll_line;

/* Inserts l (id, updated_at filled) with an audit entry payroll_line/compute. */
int jy_store_payroll_line_add(jy_store *st, jy_payroll_line *l, const char *actor, jy_err *err);
/* The payroll's bulk write: the same as, for i = 0 … n-1 in order, approving pay[i] in the fund
 * ledger when it is not NULL (jy_ledger_approve with pay[i]->split already filled, as
 * jy_ledger_split computes it: the payable with status approved and its commit entry) with
 * l[i].payable_id set to it, then jy_store_payroll_line_add(&l[i]) — the same rows, ids,
 * balances and audit entries in the same order, in one transaction (a savepoint inside the
 * caller's) — but the rows are inserted in batches of 500 (one statement per table), ids are
 * handed out from max(id) + 1 under the writer lock (SQLite's own rule; PostgreSQL's identity
 * sequences are moved past them) and each ledger account's balance is moved once per batch.
 * JY_ECONFLICT with jy_store_ledger_post's message when an account would go below zero; on
 * any error nothing is kept. l[i].id, updated_at and the payables' ids are filled. */
int jy_store_payroll_lines_add_bulk(jy_store *st, jy_payroll_line *l, jy_payable *const *pay, size_t n,
                                    const char *actor, jy_err *err);
/* Replaces decision, amount, status, payable, facts, decision_json, ruleset, review fields of
 * line l->id if its status is still expect_status (JY_ECONFLICT naming the current status
 * otherwise), with an audit entry payroll_line/<action> (before/after). */
int jy_store_payroll_line_update(jy_store *st, jy_payroll_line *l, const char *expect_status, const char *action,
                                 const char *actor, jy_err *err);
/* JY_ENOTFOUND when absent; the JSON texts are kept in *text (reset first). */
int jy_store_payroll_line_get(jy_store *st, int64_t id, jy_payroll_line *out, jy_sb *text, jy_err *err);

typedef struct jy_payroll_line_filter {
    int64_t run_id;       /* 0: any */
    int64_t placement_id; /* 0: any */
    int claim;            /* -1: any */
    const char *status;   /* NULL: any */
    int64_t exclude_run;  /* 0: none */
} jy_payroll_line_filter;
/* Lines in id order, JSON texts and the payable's status included. */
int jy_store_payroll_lines(jy_store *st, const jy_payroll_line_filter *f,
                           int (*fn)(void *ctx, const jy_payroll_line *l), void *ctx, jy_err *err);

void jy_placement_json(jy_sb *sb, const jy_placement *p);
void jy_attendance_json(jy_sb *sb, const jy_attendance *a);
void jy_payroll_run_json(jy_sb *sb, const jy_payroll_run *r);
void jy_payroll_line_json(jy_sb *sb, const jy_payroll_line *l);

#endif
