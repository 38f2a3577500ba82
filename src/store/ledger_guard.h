/* ledger_guard.h — the store side of the money safeguards of issue 10 (migration 5,
 * ledger_schema.h; ledger_guard.c): the payable a claim key already has, the tracks a budget
 * line funds, idempotency keys, who ran a payroll month, and the payroll's commit step. One SQL
 * text for both backends (ledger_db.h). docs/ledger.md and docs/payroll.md have the rules. */
#ifndef JY_LEDGER_GUARD_H
#define JY_LEDGER_GUARD_H

#include <stddef.h>

#include "store/placement_store.h"
#include "store/store.h"

/* ---- one payable per claim (payables.claim_key, a partial UNIQUE index) ---- */

/* The live (approved, batched or paid) payable of county × program with claim_key key;
 * JY_ENOTFOUND when there is none. */
int jy_store_payable_by_claim_key(jy_store *st, const char *county, const char *program, const char *key,
                                  jy_payable *out, jy_err *err);
/* Calls fn(ctx, payable id, claim key) for each live payable of county × program × month that
 * has a claim key (one query). */
int jy_store_payable_claim_keys(jy_store *st, const char *county, const char *program, const char *month,
                                int (*fn)(void *ctx, int64_t id, const char *key), void *ctx, jy_err *err);

/* Calls fn for every live (not cancelled) payable of county × program, in id order, with the
 * fields that say what it pays (id, county, program, year, month, case, payee, claim,
 * claim_key, status; no split): one query, for the batch build's duplicate check. */
int jy_store_payable_identities(jy_store *st, const char *county, const char *program,
                                int (*fn)(void *ctx, const jy_payable *p), void *ctx, jy_err *err);

/* ---- which claims a budget line funds (ledger_line_tracks) ---- */

#define JY_TRACKS_SZ 128
/* The tracks (comma-separated) county × program × year × source funds and the clause that says
 * so; both "" when the line funds every claim of its programme. */
int jy_store_line_tracks_get(jy_store *st, const char *county, const char *program, int year, int source,
                             char tracks[JY_TRACKS_SZ], char clause[128], jy_err *err);
/* Sets them ("" tracks: the line funds every claim again), with an audit entry
 * ledger_line_tracks/set naming the line. *changed (may be NULL) is 1 when anything changed. */
int jy_store_line_tracks_set(jy_store *st, const char *county, const char *program, int year, int source,
                             const char *tracks, const char *clause, const char *actor, int *changed, jy_err *err);

/* ---- idempotency keys ---- */

typedef struct jy_idem_rec {
    char county[7];
    char operation[32];
    char actor[64];
    char created_at[32];
} jy_idem_rec;
/* The stored request and answer of key (request and response reset first); JY_ENOTFOUND when
 * the key is new. */
int jy_store_idem_get(jy_store *st, const char *key, jy_idem_rec *rec, jy_sb *request, jy_sb *response, jy_err *err);
/* Records key (inside the caller's transaction); JY_ECONFLICT when it exists. */
int jy_store_idem_put(jy_store *st, const char *key, const char *county, const char *operation, const char *request,
                      const char *actor, const char *response, jy_err *err);

/* ---- payroll: who ran a month, and its commit ---- */

/* Records that actor ran payroll run run_id (once per actor). */
int jy_store_payroll_runner_add(jy_store *st, int64_t run_id, const char *actor, jy_err *err);
/* Everyone who ran run_id, in the order they first did. */
int jy_store_payroll_runners(jy_store *st, int64_t run_id, int (*fn)(void *ctx, const char *actor), void *ctx,
                             jy_err *err);
/* Who committed run_id last and when ("" when never). */
int jy_store_payroll_run_committed(jy_store *st, int64_t run_id, char by[64], char at[32], jy_err *err);

/* The payroll's commit step: for i = 0 … n-1, approves pay[i] in the fund ledger (pay[i]->split
 * filled; the payable and its commit entry, as jy_store_payroll_lines_add_bulk writes them) and
 * links line l[i] to it (l[i] approved without a payable: JY_ECONFLICT otherwise), with an audit
 * entry payroll_line/commit; then records actor as the run's committer. Inside one transaction
 * (a savepoint inside the caller's); on any error nothing is kept. l[i].payable_id filled. */
int jy_store_payroll_lines_commit_bulk(jy_store *st, int64_t run_id, jy_payroll_line *l, jy_payable *const *pay,
                                       size_t n, const char *actor, jy_err *err);

#endif
