/* The fund ledger (资金台账): budget lines per programme × year × funding source, and the
 * postings of each money event — allocate (budget → available), commit on approval
 * (available → committed), release on cancellation (committed → available), pay
 * (committed → paid), recover 追回 (paid → available). docs/ledger.md has the rules.
 *
 * Every function that changes money runs in one store transaction (a savepoint inside the
 * caller's), so the payable, the journal entry and their audit entries land together. */
#ifndef JY_SERVICE_LEDGER_H
#define JY_SERVICE_LEDGER_H

#include "base/err.h"
#include "base/money.h"
#include "base/sb.h"
#include "policy/policy.h"
#include "store/store.h"

/* The county whose books a command keeps when none is given (the seed's 海原县). */
#define JY_LEDGER_DEFAULT_COUNTY "640522"

/* The funding source a policy source label names (docs/ledger.md): 中央… → central, 自治区… →
 * region, 市县…/县级…/市级… → city_county, 公共就业服务能力提升示范项目资金 → central (the
 * demonstration project is paid from the central 就业补助资金), anything else → other. */
int jy_ledger_source_of_label(const char *label);

/* Sets a budget line to amount: allocates the difference (budget → available) or, when
 * lower, reduces it (available → budget; JY_ECONFLICT with the figures when the available
 * balance cannot give it back). *changed (may be NULL) is 1 when an entry was posted. */
int jy_ledger_budget_set(jy_store *st, const char *county, const char *program, int year, int source, jy_fen amount,
                         const char *actor, int *changed, jy_err *err);

/* Loads every programme's funding sources from the policy engine into year's budget lines
 * (sources of the same category add up; a programme without sources gets its budget total as
 * "other"). Appends one JSON line per line touched to report: {"program","year","source",
 * "amount","result":"allocated|reduced|unchanged"}. All or nothing. */
int jy_ledger_budget_load(jy_store *st, const jy_policy *pol, const char *county, int year, const char *actor,
                          jy_sb *report, jy_err *err);

/* How a commitment of amount draws on the programme's budget lines: source ≥ 0 takes it all
 * from that source; source < 0 splits it by the lines' allocated budgets (largest remainder,
 * to the fen, ties to the earlier source). JY_ECONFLICT with the figures ("P13 2024 中央:
 * available 1,000.00, requested 1,750.00") when a part exceeds its line's available balance,
 * or naming the programme and year when it has no budget. */
int jy_ledger_split(jy_store *st, const char *county, const char *program, int year, jy_fen amount, int source,
                    jy_fen out[JY_FUND__COUNT], jy_err *err);

/* The splits of n payables committed one after another (the payroll's bulk approval): fills
 * p[i]->split as n calls of jy_ledger_split(source -1) would, each after the commitments of
 * the ones before it, reading each budget line once. The payables share one county, programme
 * and year (JY_EINVAL otherwise); entries that are NULL are skipped. On a
 * refusal (jy_ledger_split's message) *failed (may be NULL) is the index of the payable. */
int jy_ledger_split_many(jy_store *st, jy_payable *const *p, size_t n, size_t *failed, jy_err *err);

/* Approval: records the payable (p: county, program, year, payee, amount, optional case,
 * month, account, memo) and commits its money (available → committed) per jy_ledger_split.
 * p->id and p->split are filled. */
int jy_ledger_approve(jy_store *st, jy_payable *p, int source, const char *actor, jy_err *err);

/* Cancellation of an approved, unbatched payable: releases its commitment. */
int jy_ledger_cancel(jy_store *st, int64_t payable_id, const char *reason, const char *actor, jy_err *err);

/* Payment of one batched payable through batch line l (inside the caller's transaction):
 * committed → paid with the line's idempotency key, payable batched → paid. JY_ECONFLICT
 * when the key was posted already. */
int jy_ledger_pay(jy_store *st, const jy_payable *p, const jy_batch_line *l, const char *actor, jy_err *err);

/* Recovery (追回) of amount (0: all not yet recovered) of a paid payable: paid → available,
 * split in proportion to what each source paid. */
int jy_ledger_recover(jy_store *st, int64_t payable_id, jy_fen amount, const char *reason, const char *actor,
                      jy_err *err);

#endif
