/* case.h — cases from filing to payment (issue 5): filing evaluates the policy engine with the
 * case's facts plus what the registry knows, and runs the conflict checks; steps follow the
 * programme's workflow (policy/workflows.txt), checked against the actor's role, the decision,
 * the publicity period and the conflicts; every step is recorded with actor, date and reason
 * (case history + audit log). docs/cases.md is the user-facing description.
 *
 * Case kinds: individual_claim (直补个人, skill evaluation), training_class (开班申请),
 * trainee_claim (one trainee of a class, paid to the training body), placement (P10/P12/P13/P14/
 * P24 post, internship, traineeship), monthly_payment (one month of a placement), employer_reward
 * (P3/P9/P21 per person), broker_award (P19), org_award (P7/P8/P15–P18/P20/P22/P25), project (P4),
 * event (P5/P11/P26), infrastructure (P6). */
#ifndef JY_CASE_H
#define JY_CASE_H

#include "base/date.h"
#include "base/err.h"
#include "base/sb.h"
#include "domain/calendar.h"
#include "policy/policy.h"
#include "service/workflow.h"
#include "store/store.h"

typedef struct jy_cases {
    jy_store *st;           /* borrowed */
    jy_policy *pol;         /* owned: loaded from the policy directory */
    jy_calendar *cal;       /* owned */
    jy_workflows *wf;       /* owned */
    /* rule versions (service/versions.h): the content hash of the directory's rule files, and
     * the rules of the stored versions decided by so far (compiled on first use) */
    char dir_hash[65];
    struct jy_cases_vpol {
        int64_t id;
        jy_policy *pol; /* owned; cs->pol itself when the version holds the directory's content */
    } vpol[8];
    int nvpol;
    struct jy_scoring *scoring; /* owned: policy/scoring-forms.tsv (service/scoring.h), checked on filing */
    jy_policy_reader *vec_reader; /* owned, made on first use: the fact vector of a filed case
                                   * (jy_policy_factvec_make; the budget simulation reads it) */
} jy_cases;

/* Loads the rules, the calendar and the workflows from policy_dir; st stays the caller's. */
int jy_cases_open(jy_store *st, const char *policy_dir, jy_cases **out, jy_err *err);
void jy_cases_close(jy_cases *cs);

/* The kind a programme's case has when none is given (has_parent: a child of a class or a
 * placement). NULL for an unknown programme. */
const char *jy_case_default_kind(const char *program, int has_parent);
/* 1 when kind is one of the kinds above. */
int jy_case_kind_known(const char *kind);
/* The i-th kind above (0, 1, …), NULL past the last. */
const char *jy_case_kind_at(size_t i);

/* The names a case's facts may hold besides the declared facts (the forms' fields); NULL-ended. */
extern const char *const jy_case_form_inputs[];

typedef struct jy_case_filing {
    const char *program;    /* "P10" */
    const char *kind;       /* NULL: jy_case_default_kind */
    const char *idcard;     /* subject person (registered), or NULL */
    const char *uscc;       /* subject organisation (registered), or NULL */
    int64_t parent_id;      /* 0: none */
    const char *facts_json; /* a JSON object of facts (docs/facts.md), or NULL */
    jy_date on;             /* filing date (decides parameter periods) */
} jy_case_filing;

/* Files a case: *id receives its id. JY_EINVAL (unknown programme or kind, bad facts, no
 * subject), JY_ENOTFOUND (person/org/parent not registered, actor unknown), JY_ECONFLICT (the
 * actor may not file here). The decision (eligible / ineligible / needs_review) is stored with
 * its reasons, not returned as an error. */
int jy_case_file(jy_cases *cs, const jy_case_filing *f, const char *actor, int64_t *id, jy_err *err);

/* Takes one workflow step on date `on` with a reason. JY_ECONFLICT with a message naming the
 * current state and the allowed next steps (illegal transition), the roles allowed (role
 * refusal), the publicity dates, the decision's reasons or the hard conflicts; JY_EINVAL for an
 * unknown step or an empty reason. */
int jy_case_advance(jy_cases *cs, int64_t id, const char *step, jy_date on, const char *reason, const char *actor,
                    jy_err *err);

/* Money (docs/cases.md "Filing to payment"): a step flagged `commit` in the workflow commits the
 * decided amount in the fund ledger (jy_ledger_approve, payable linked to the case; refused with
 * the ledger's figures on overspend, and then nothing is written); `release` cancels the unpaid
 * commitment; `payment` is refused by hand while the money is committed and unpaid — the payment
 * batch takes it; `recovery` (追回) recovers what was paid. A programme-year without any budget
 * in the books commits nothing (the history line says so).
 *
 * 1 when the case may be paid now (its workflow's payment step can leave its state, or its
 * workflow has no payment step: a placement paid by the payroll); 0 with why filled otherwise. */
int jy_case_payment_ready(jy_cases *cs, int64_t id, char *why, size_t cap, jy_err *err);

/* The payment step taken by a payment batch when the case's payable was paid (inside the
 * caller's transaction): no role check (the batch was reviewed), the conflict checks still run.
 * Does nothing when the case's workflow has no payment step from its state (e.g. a placement
 * whose months the payroll pays). on 0: today. */
int jy_case_paid_by_batch(jy_cases *cs, int64_t id, const char *reason, jy_date on, const char *actor, jy_err *err);

/* The case as JSON with "workflow", "next_steps", "overdue", "provisional" (the fields whose
 * dates are provisional, see below) and "history" (every step). */
int jy_case_show_json(jy_cases *cs, int64_t id, jy_date today, jy_sb *out, jy_err *err);
/* The same for a case c the caller has just read with jy_store_case_get on cs's store (facts and
 * reasons loaded): a page that checked the case's permission from that row needs no second read. */
int jy_case_show_json_of(jy_cases *cs, const jy_case *c, jy_date today, jy_sb *out, jy_err *err);
/* The stored case c (its facts loaded) as the rules' input: its programme, filing date and facts
 * (the form's inputs folded in as at filing), parsed by the rules of the version that decided it
 * (*pol). For explaining a stored case (POST /api/v1/policy/explain {"case_id"}). */
int jy_case_policy_case(jy_cases *cs, const jy_case *c, const jy_policy **pol, jy_policy_case *pc, jy_err *err);

/* Provisional dates (issue 10 item 16; docs/cases.md "The turn of the year"). A deadline or a
 * publicity counted in working days into a year whose holiday calendar is not yet in
 * policy/calendar.txt is counted by the weekend rule (calendar.h, *_prov), the step is taken, and
 * the case carries a reason of kind "provisional" per such date (field, date, from, n, year).
 * jy_cases_settle_dates recounts every such date with the calendar as it now is: a date whose
 * year is now published replaces the provisional one (publicity_end also in the facts, and the
 * case is decided again on it), with a history row "settle_dates"; a date still in an
 * unpublished year stays provisional. dry_run: report only. out receives
 * {"cases":N,"provisional":K,"settled":[{"case","field","provisional","settled","review"}…],
 * "still_provisional":[…]}; "review" is true when a settled publicity ends later than the
 * provisional one and the case has already moved on (a step may have been taken inside the
 * real publicity). Only admin or a county reviewer may settle. */
int jy_cases_settle_dates(jy_cases *cs, int dry_run, const char *actor, jy_sb *out, jy_err *err);

/* Rule versions (service/versions.h, docs/versions.md). The version a new decision on date d is
 * made by: the version in force on d, else (none applies yet) the stored version holding the
 * directory's content, else 0 (the directory's rules, no version). */
int jy_cases_version_for(jy_cases *cs, jy_date d, int64_t *version, jy_err *err);
/* The compiled rules of version id (0: the directory's), borrowed from cs (compiled once). */
int jy_cases_policy_of(jy_cases *cs, int64_t version, const jy_policy **pol, jy_err *err);

/* Decides case id again under version (its stored facts, the application form's findings, its
 * stored conflict findings; provisional-date marks kept). before/after receive the case as it
 * is and as re-decided (their JSON texts are not kept: NULL), the reasons go to reasons_before /
 * reasons_after. commit_reason NULL: nothing is written; else the re-decided case is stored
 * (policy_version, decision, amount, reasons, ruleset) with a history row "redecide" on `on`
 * carrying that reason and an audit entry, unless nothing of it changed (*written 0). */
int jy_case_redecide(jy_cases *cs, int64_t id, int64_t version, const char *commit_reason, jy_date on,
                     const char *actor, jy_case *before, jy_case *after, jy_sb *reasons_before, jy_sb *reasons_after,
                     int *written, jy_err *err);

#endif
