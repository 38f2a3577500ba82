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
#include "service/case.h"
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
 * "other"), and which tracks each line funds from <policy_dir>/funding.txt (jy_funding_load;
 * policy_dir NULL: the restrictions are left as they are). Appends one JSON line per line
 * touched to report: {"program","year","source","amount","tracks","result":"allocated|reduced|
 * unchanged"}. All or nothing. */
int jy_ledger_budget_load(jy_store *st, const jy_policy *pol, const char *policy_dir, const char *county, int year,
                          const char *actor, jy_sb *report, jy_err *err);

/* ---- which claims a budget line funds (issue 10 item 12; policy/funding.txt) ----
 * A claim's track is the `track` fact of its case (or of the case's parent, a training class),
 * or the payable's own track; a claim without one is track "general". A budget line restricted
 * to tracks (ledger_line_tracks) is charged only for claims of those tracks; an unrestricted
 * line for every claim of its programme. */
#define JY_FUNDING_FILE "funding.txt"
#define JY_FUNDING_MAX 64
typedef struct jy_funding_rule {
    char program[4];
    unsigned sources;    /* 1u << enum jy_fund_source */
    char tracks[128];    /* "gouqi,driver" */
    char clause[128];
    int line;
} jy_funding_rule;
typedef struct jy_funding {
    int n;
    jy_funding_rule rule[JY_FUNDING_MAX];
} jy_funding;
/* Reads <policy_dir>/funding.txt ("funds PROGRAM SOURCE[,SOURCE] track VALUE[,VALUE] \"clause\"",
 * # comments). JY_EIO when it cannot be read, JY_EINVAL "FILE:LINE: reason". */
int jy_funding_load(const char *policy_dir, jy_funding *out, jy_err *err);
int jy_funding_parse(const char *text, const char *name, jy_funding *out, jy_err *err);
/* Non-zero when a line restricted to tracks (comma-separated; "" = unrestricted) funds track
 * ("" = general). */
int jy_ledger_tracks_fund(const char *tracks, const char *track);
/* Sets which tracks a budget line funds ("" or "*": every claim) by hand, with the clause that
 * says so. *changed (may be NULL) is 1 when anything changed. */
int jy_ledger_tracks_set(jy_store *st, const char *county, const char *program, int year, int source,
                         const char *tracks, const char *clause, const char *actor, int *changed, jy_err *err);

/* How a commitment of amount draws on the programme's budget lines: source ≥ 0 takes it all
 * from that source; source < 0 splits it by the lines' allocated budgets (largest remainder,
 * to the fen, ties to the earlier source). JY_ECONFLICT with the figures ("P13 2024 中央:
 * available 1,000.00, requested 1,750.00") when a part exceeds its line's available balance,
 * or naming the programme and year when it has no budget. */
int jy_ledger_split(jy_store *st, const char *county, const char *program, int year, jy_fen amount, int source,
                    jy_fen out[JY_FUND__COUNT], jy_err *err);
/* jy_ledger_split for a claim of track ("" or NULL: general): only the lines that fund it are
 * charged (the shares among them); JY_ECONFLICT naming the lines and their tracks when none does
 * (or when source names one that does not). */
int jy_ledger_split_track(jy_store *st, const char *county, const char *program, int year, jy_fen amount,
                          int source, const char *track, jy_fen out[JY_FUND__COUNT], jy_err *err);

/* The splits of n payables committed one after another (the payroll's bulk approval): fills
 * p[i]->split as n calls of jy_ledger_split_track(source -1, p[i]->track) would, each after the
 * commitments of the ones before it, reading each budget line once. The payables share one county, programme
 * and year (JY_EINVAL otherwise); entries that are NULL are skipped. On a
 * refusal (jy_ledger_split's message) *failed (may be NULL) is the index of the payable. */
int jy_ledger_split_many(jy_store *st, jy_payable *const *p, size_t n, size_t *failed, jy_err *err);

/* ---- one payable per payee × programme × period (issue 10 item 6) ----
 * A payable's claim key says what it pays: with a month, "<payee>|<month>|<claim>" (payee
 * "p<person id>" or "o<org id>"; claim "" is the programme's main payment — the monthly
 * allowance, a manual approval — and the rules' other claims name themselves: settling_in,
 * social_insurance); a case's one-off amount "case<id>|<claim>" (each case is its own claim);
 * otherwise "<payee>|<year>|<claim>". The store keeps one live (not cancelled) payable per
 * county × programme × key (a partial UNIQUE index on both backends). */
void jy_ledger_claim_key(const jy_payable *p, char out[96]);

/* Who payable p pays, for a message or a finding: "马小军 (640522…)" or "某公司 (9164…)" from the
 * registry; "person 12" / "organisation 3" when the record cannot be read. Into buf[0..n). */
void jy_ledger_payee_text(jy_store *st, const jy_payable *p, char *buf, size_t n);

/* Approval: records the payable (p: county, program, year, payee, amount, optional case,
 * month, account, memo, claim, track) and commits its money (available → committed) per
 * jy_ledger_split_track. p->id, p->split, p->claim_key and (from the case when empty) p->track
 * are filled. JY_ECONFLICT naming the live payable that already pays the same claim (cancel it
 * first, or give the rules' other claim). */
int jy_ledger_approve(jy_store *st, jy_payable *p, int source, const char *actor, jy_err *err);
/* Fills p->track from its case's (or the case's parent's) `track` fact ("" when none: general);
 * JY_EINVAL when p->track was given and differs from the case's. */
int jy_ledger_claim_track(jy_store *st, jy_payable *p, jy_err *err);

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

/* ---- requests: what a user asks through the CLI (and later the HTTP API) ----
 * Each checks the actor's role for its operation in policy/workflows.txt (the operations block:
 * ledger_budget, ledger_approve, ledger_cancel, ledger_recover, ledger_card) on the county's
 * books, then does the work above; approve takes an idempotency key (NULL: none;
 * idempotency.h). out receives the answer printed (a payable as JSON). The functions above
 * stay the building blocks that cases and payroll call after their own checks. */
int jy_ledger_approve_request(jy_cases *cs, jy_payable *p, int source, const char *idem_key, const char *actor,
                              jy_sb *out, int *replayed, jy_err *err);
int jy_ledger_cancel_request(jy_cases *cs, int64_t payable_id, const char *reason, const char *actor, jy_err *err);
int jy_ledger_recover_request(jy_cases *cs, int64_t payable_id, jy_fen amount, const char *reason, const char *actor,
                              jy_err *err);
/* May actor change county's budget lines (operation ledger_budget), or the social security cards
 * of a division's residents (ledger_card: county is then the person's division)? 0 or
 * JY_ECONFLICT naming what is missing. */
int jy_ledger_may(jy_cases *cs, const char *operation, const char *county, const char *actor, jy_err *err);

#endif
