/* conflict.h — conflict checks across programmes (issue 5 §3), at filing, at approval and again
 * before a payment (the ledger calls jy_conflicts_check_case), and for whole rosters.
 *
 * Whether a finding refuses the case (hard) or sends it to a person (soft) is data:
 * policy/conflicts.tsv, read through the rule set (jy_policy_conflict_hard); the defaults
 * shipped there are the ones below.
 * Kinds (each finding names its clause and says why in Chinese):
 *   one_training_per_year     another subsidised training the same year: soft (needs_review) in
 *                             P1/P23/P4 (原则上, §八(二)), hard in P2 (§八(二))
 *   repeat_occupation_level   the same occupation (工种) at the same level trained before (hard, §二)
 *   two_bodies_same_training  the same training (occupation, level, year) claimed by two training
 *                             bodies (hard)
 *   excluded_status           a status that excludes subsidised training on the case date: public-
 *                             welfare post (also a live P24 placement), enrolled student, fiscal
 *                             payroll, disability grade 1–2, employer-paid insurance, retired (hard, §二)
 *   two_internship_hosts      a second concurrent P13/P14 placement with another host (hard, P13 二(四)3)
 *   p24_and_p13               a P24 post and a P13 internship at the same time (hard)
 *   duplicate_in_roster       the same ID number twice in one roster (hard)
 *
 * Cases on record count unless rejected, withdrawn or cancelled, or decided ineligible; a
 * training counts against a claim only when it is prior to it (dated before the claim, or the same
 * day and filed before it): jy_conflict_case_counts, jy_conflict_is_prior.
 * A roster is checked with one query per table (persons, cases, statuses) whatever its size. */
#ifndef JY_CONFLICT_H
#define JY_CONFLICT_H

#include <stddef.h>
#include <stdint.h>

#include "base/date.h"
#include "base/err.h"
#include "base/sb.h"
#include "policy/policy.h"
#include "store/store.h"

typedef struct jy_conflict {
    char kind[32];
    int hard;            /* 1: refuses; 0: needs a person's review */
    char clause[48];
    char reason[400];    /* Chinese, names the other case */
    int64_t other_case;  /* the case on record it collides with; 0 for roster duplicates / statuses */
    long row;            /* roster data row (1 = first data row), 0 for a single case */
    char idcard[19];
} jy_conflict;

typedef struct jy_conflict_report {
    jy_conflict *items;
    size_t n, cap;
    int nhard, nsoft;
    /* roster checks: */
    long rows;           /* rows checked */
    long registered;     /* rows whose person is registered */
} jy_conflict_report;

void jy_conflict_report_free(jy_conflict_report *r);
/* The findings as a JSON array of {kind, hard, clause, reason, other_case, row, idcard}. */
void jy_conflict_report_json(jy_sb *sb, const jy_conflict_report *r);

/* What is about to be claimed for one person (a roster row, or a case being filed). */
typedef struct jy_conflict_subject {
    char idcard[19];     /* used to find the person when person_id is 0 */
    int64_t person_id;   /* 0: look up by idcard */
    char occupation[64];
    int level;
    int64_t org_id;      /* training body / host */
    jy_date start_on, end_on;
    long row;
} jy_conflict_subject;

typedef struct jy_conflict_query {
    const char *program; /* "P1" … */
    const char *kind;    /* case kind (trainee_claim, placement …) */
    int year;
    jy_date on;          /* date statuses are judged on */
    int64_t exclude_case; /* the case itself (and, for a placement, nothing else) */
    const jy_conflict_subject *rows;
    size_t n;
    int roster;          /* 1: also report duplicate ID numbers among rows */
    const jy_policy *pol; /* the rules: policy/conflicts.tsv says hard or soft (required) */
} jy_conflict_query;

/* Checks every row against everything on record (and, for a roster, against each other);
 * appends findings to rep (which the caller zero-initialises and frees). */
int jy_conflicts_check(jy_store *st, const jy_conflict_query *q, jy_conflict_report *rep, jy_err *err);

/* Checks a case on record as it stands (the payment-time check): a monthly payment is checked
 * through its placement. JY_ENOTFOUND when there is no such case. */
int jy_conflicts_check_case(jy_store *st, const jy_policy *pol, int64_t case_id, jy_conflict_report *rep, jy_err *err);

/* 1 when a case on record counts in the conflict and history checks: not rejected, withdrawn or
 * cancelled, and not decided ineligible. */
int jy_conflict_case_counts(const jy_case *c);
/* 1 when a case on record dated `date` (id `id`) is prior to the case being decided, dated `on`
 * (id `self`, 0 while it is being filed): dated before it, or the same day and filed before it. */
int jy_conflict_is_prior(jy_date date, int64_t id, jy_date on, int64_t self);

/* 1 when the programme's subsidised-training rules apply to this kind of case. */
int jy_conflict_is_training(const char *program, const char *kind);

/* A registered status that on its own excludes a person from subsidised training (P1/P2/P23 二,
 * P4 三): its code in the rules' `statuses` fact ("fiscal_payroll", "disability_grade_1_2" …;
 * the facts a filing gets from the registry) with its Chinese label for a finding in *label (may
 * be NULL); NULL when the status excludes nothing (registered unemployment, a disability of grade
 * three or below). A disability's grade is its detail: "1" or "2", or "一级" / "二级". One table
 * for the filing's facts and the conflict check, so the two never disagree. */
const char *jy_training_exclusion(jy_status_kind kind, const char *detail, const char **label);

#endif
