/* money.h — the money requests the command line and the HTTP API share (issue 11): what used to
 * sit in src/cli/cmd_placement.c, cmd_ledger.c and cmd_batch.c (checks, transactions, the JSON
 * answers), moved here so that `jiuye placement|attendance|ledger|batch …` and the /api/v1 money
 * routes (src/http/api_money.c) call the same functions and print the same answers.
 *
 * Roles: each request keeps the checks of the service it calls (policy/workflows.txt's operations
 * block through ledger.h / payment.h / payroll.h / placement.h). The JSON is unmasked; callers
 * mask it for display (cli.h jy_cli_print, privacy.h jy_privacy_mask_json). */
#ifndef JY_SERVICE_MONEY_H
#define JY_SERVICE_MONEY_H

#include "base/err.h"
#include "base/money.h"
#include "base/sb.h"
#include "service/case.h"
#include "service/placement.h"
#include "store/store.h"

/* ---- placements ---- */

/* jy_placement_start, answered as JSON: the placement when it started (*held 0), or, when the
 * intake rules left it for a reviewer (needs_review), {"status":"held","case_id","program",
 * "idcard","decision","reasons","next"} (*held 1; no placement yet). */
int jy_placement_start_json(jy_cases *cs, const jy_placement_start_in *in, const char *actor, jy_sb *out, int *held,
                            int64_t *case_id, jy_err *err);

/* jy_attendance_set, answered as the attendance JSON with "result": created|updated|unchanged.
 * *field (may be NULL) names the attendance field at fault on a refusal (duty_days,
 * personal_leave, sick_leave, si_paid, si_months, month, placement), NULL when none. */
int jy_attendance_set_json(jy_cases *cs, jy_attendance *a, const char *actor, jy_sb *out, const char **field,
                           jy_err *err);

/* ---- ledger ---- */

/* One budget line as JSON, with "tracks" and "tracks_clause" when the line is restricted to
 * tracks (policy/funding.txt). */
int jy_ledger_line_full_json(jy_store *st, const jy_ledger_line *l, jy_sb *out, jy_err *err);

/* Sets a budget line (operation ledger_budget): the amount and, when tracks is not NULL, the
 * tracks it funds (clause NULL: none), in one transaction. out: the line as
 * jy_ledger_line_full_json with "result": changed|unchanged. */
int jy_ledger_budget_set_request(jy_cases *cs, const char *county, const char *program, int year, int source,
                                 jy_fen amount, const char *tracks, const char *clause, const char *actor, jy_sb *out,
                                 jy_err *err);

/* Loads year's budget lines from the policy data (operation ledger_budget): jy_ledger_budget_load
 * with the role check. out: one JSON line per line touched (newline-terminated). */
int jy_ledger_budget_load_request(jy_cases *cs, const char *policy_dir, const char *county, int year,
                                  const char *actor, jy_sb *out, jy_err *err);

/* Do the books balance? out: {"ok","entries","postings","accounts"[,"error"]}; *res (may be
 * NULL) receives the check. */
int jy_ledger_check_json(jy_store *st, jy_sb *out, jy_ledger_check *res, jy_err *err);

/* ---- payment batches ---- */

/* The batch with its lines {batch…,"lines":[…]}: the payees' ID numbers and accounts masked
 * unless unmasked (the caller has checked and logged the unmasked view: privacy.h
 * jy_privacy_grant with JY_PRIV_BANK). */
int jy_batch_show_json(jy_store *st, int64_t id, int unmasked, jy_sb *out, jy_err *err);

/* jy_batch_mark_paid_on (paid_on: the bank's value date, 0: now), answered as the batch with
 * "paid_now","already_paid","failed","pending". */
int jy_batch_mark_paid_json(jy_cases *cs, int64_t id, int line, jy_date paid_on, const char *actor, jy_sb *out,
                            jy_err *err);

#endif
