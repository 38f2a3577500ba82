/* payroll.h — the monthly payroll of placements (P10, P12, P13, P14, P24), issue 5.
 *
 * A run computes one programme's month for every placement in post that month: the month's
 * facts (month index, the month's working days from the calendar, duty days, leave, contract
 * with the host, final month) go to the policy engine in batch mode (jy_policy_eval_columns);
 * eligible lines are approved (proposed: no money moves yet), needs_review lines are held for a
 * person, ineligible lines are refused. A second person commits the approved lines
 * (jy_payroll_commit: payables in the fund ledger, an overspend refuses the commit with the
 * figures) or reviews a held one (jy_payroll_review): nobody who ran the month may do either
 * (four-eyes; roles from the operations block of policy/workflows.txt, issue 10 item 11). The same run also decides the claims that fall due: P12's settling-in
 * grant after 6 months in post (new recruits, once) and the P13/P14 social-insurance subsidy
 * (2/3 of the flexible-worker contributions reported with the attendance). The placements'
 * conflicts are checked again for the whole run (one query per table); a hard finding holds the
 * line for review.
 *
 * Idempotent: re-running a month keeps every line whose facts and ruleset did not change, never
 * touches a line whose payable is batched or paid, and replaces an unbatched payable (cancel +
 * approve) only when the facts changed. docs/payroll.md. */
#ifndef JY_SERVICE_PAYROLL_H
#define JY_SERVICE_PAYROLL_H

#include "base/err.h"
#include "base/money.h"
#include "base/sb.h"
#include "service/case.h"
#include "store/placement_store.h"

/* Runs program's month ("YYYY-MM") for county (operation payroll_run); appends the summary JSON
 * to out ("uncommitted": the approved lines waiting for jy_payroll_commit). All or nothing. */
int jy_payroll_run_month(jy_cases *cs, const char *county, const char *program, const char *month, const char *actor,
                   jy_sb *out, jy_err *err);

/* Commits the run's approved lines that have no payable yet (operation payroll_commit, by nobody
 * who ran the month): a payable per line in the fund ledger (available → committed, split over
 * the lines that fund it), written in bulk. A line whose person already has a live payable for
 * the same programme, month and claim — or a second line of this commit for them — is held for
 * review instead, naming the other (one payable per payee × programme × period). An overspend
 * refuses the whole commit with the ledger's figures. idem_key: idempotency.h (NULL: none).
 * out: {"run","committed","committed_amount","committed_by","held":[…]}. */
int jy_payroll_commit(jy_cases *cs, const char *county, const char *program, const char *month, const char *idem_key,
                      const char *actor, jy_sb *out, int *replayed, jy_err *err);

/* A person's review of a held line (operation payroll_review, by nobody who ran the month):
 * approve (with the amount to pay, > 0: a payable is approved at once — the reviewer is the
 * second person) or reject; reason required. JY_ECONFLICT when the line is not held. out: the
 * line. */
int jy_payroll_review(jy_cases *cs, int64_t line_id, int approve, jy_fen amount, const char *reason,
                      const char *idem_key, const char *actor, jy_sb *out, int *replayed, jy_err *err);

/* The run of (county, program, month) with its lines and totals, as JSON. */
int jy_payroll_show_json(jy_cases *cs, const char *county, const char *program, const char *month, jy_sb *out,
                         jy_err *err);

/* Recovery (追回) after an event that voids a placement's pay (P13 二(四)3: a second concurrent
 * internship; 追回补贴并取消实习资格): every paid line of the placement for months ≥ since
 * (NULL: all) is recovered in the ledger (paid → available), approved unbatched payables (and
 * approved lines never committed) are cancelled, held lines rejected; the placement is cancelled
 * (its case takes the cancel step when active). Lines in a batch not yet paid are listed as "in_batch" (recover them after
 * payment). out: {"placement","recovered":[…],"cancelled":[…],"rejected":[…],"in_batch":[…],
 * "amount_recovered"}. */
int jy_payroll_recover(jy_cases *cs, int64_t placement_id, const char *since, const char *reason, const char *actor,
                       jy_sb *out, jy_err *err);

#endif
