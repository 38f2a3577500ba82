/* simulate.h — budget simulation (预算测算, issue 14 item 4; docs/policy.md "Budget simulation").
 *
 * Re-decides the stored cases and payroll lines of a county (optionally one area of it, one
 * programme, a period of filing dates / payroll months) under the current rules and under
 * changed rules — parameter changes (`--set p13.monthly=1800元 from 2024-01-01`) or another rules
 * directory — and reports per programme × township the decisions that change (which way, with an
 * example each), per programme × funding source × township the money decided (committed) and still
 * to pay before and after, and per budget line the month it would run out. It writes nothing: the
 * store is only read (jy_store_sim_rows, jy_store_sim_lines), the changed rules are compiled from
 * a private temporary copy of the rules directory that is removed before returning.
 *
 * What "decided" means here: the policy engine's decision on the row's stored facts (a case: its
 * filing date; a payroll line: its month), with the case's stored conflict findings folded in as
 * filing does (hard → ineligible, soft → at least needs_review). Class applications carry no money
 * and are not re-decided; application-form findings and reviewers' decisions on held lines are not
 * replayed. */
#ifndef JY_SIMULATE_H
#define JY_SIMULATE_H

#include "base/date.h"
#include "base/err.h"
#include "base/sb.h"
#include "policy/policy.h"
#include "store/store.h"

/* One parameter change: "NAME=VALUE" or "NAME=VALUE from YYYY-MM-DD" (VALUE in the rule
 * language's own notation: 1800元, 30%, 12, true, 2024-12-31). */
#define JY_SIM_MAX_SETS 16
typedef struct jy_sim_set {
    char param[64];
    char value[64];
    jy_date from; /* 0: the new value replaces the old on every date */
} jy_sim_set;

/* Parses one --set text. JY_EINVAL naming the text and what is wrong (no '=', empty name or
 * value, a value with a quote or line break, a date that does not exist). */
int jy_sim_set_parse(const char *text, jy_sim_set *out, jy_err *err);

typedef struct jy_sim_request {
    const char *county;     /* required: 6 digits */
    const char *area;       /* a division prefix within the county ("" or NULL: all of it) */
    const char *program;    /* "" or NULL: every programme */
    jy_date from, to;       /* filing dates / payroll months, inclusive; 0: open */
    const char *policy_dir; /* the current rules (and the base of --set changes) */
    const char *new_dir;    /* another rules directory to compare with, or NULL */
    const jy_sim_set *sets; /* applied to new_dir if given, else to policy_dir */
    int nsets;
    int list_cases;         /* 1: also list every row whose decision or amount changes */
} jy_sim_request;

/* Figures of one run, for benchmarks and tests (jy_simulate fills them when stats != NULL). */
typedef struct jy_sim_stats {
    long rows, cases, lines, unreadable, changed;
    long fast_rows, checked; /* rows read by the fast reader (jy_policy_reader_parse); of them checked by the jansson reader */
    long vec_rows;           /* of the fast rows, those whose stored fact vector was used (jy_policy_factvec_read) */
    jy_fen committed_before, committed_after;
    double secs_read, secs_decide; /* reading + parsing facts, deciding (both rule sets) */
} jy_sim_stats;

/* Runs the simulation; appends the report as one JSON object to out. cur: the current rules
 * loaded from rq->policy_dir (borrowed; NULL: loaded here). JY_EINVAL naming the --set (an
 * unknown parameter, a value the rules refuse, a date after every period of the parameter), or
 * the rules directory that does not load; store errors as the store gives them. */
int jy_simulate(jy_store *st, const jy_policy *cur, const jy_sim_request *rq, jy_sb *out, jy_sim_stats *stats,
                jy_err *err);

/* Writes policy_dir with the changes applied into a new private directory under $TMPDIR (or
 * /tmp); its path goes to dir (cap ≥ 64). The caller removes it with jy_sim_rules_remove. */
int jy_sim_rules_write(const char *policy_dir, const jy_sim_set *sets, int nsets, char *dir, size_t cap, jy_err *err);
void jy_sim_rules_remove(const char *dir);

#endif
