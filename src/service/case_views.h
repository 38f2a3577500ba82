/* case_views.h — pieces of `jiuye case` that the CLI and the HTTP API share (issue 11): the
 * alias steps (approve → the approve step the state allows), the overdue view of a case, the
 * objections (异议) of a case and their resolution, and the roster reader of a class check
 * (CSV → conflict subjects). Moved out of src/cli/cmd_case.c; the CLI's behaviour is unchanged. */
#ifndef JY_CASE_VIEWS_H
#define JY_CASE_VIEWS_H

#include "base/date.h"
#include "base/err.h"
#include "base/sb.h"
#include "service/case.h"
#include "service/conflict.h"

/* The step an alias names for a case of workflow wf in state: "approve" is whichever approve step
 * leaves state (county_approve, city_approve, government_approve …; county_approve when none),
 * any other alias names a step itself. */
const char *jy_case_step_alias(const jy_workflow *wf, const char *state, const char *alias);

/* A case as it stood on a day (jy_case_overdue_on): the state it was in, the day it entered it,
 * that state's deadline counted from that day as the workflow counts it (working days by the
 * holiday calendar), and the deadline rule. */
typedef struct jy_case_then {
    char state[24];
    jy_date entered_on;
    jy_date due_on;
    int provisional;       /* the deadline reaches into a year whose calendar is not published */
    const jy_wf_due *rule;
} jy_case_then;

/* The cases overdue on day `on` (超期), judged by the state each was in ON that day, replayed from
 * its history (jy_store_case_states_on, one query): a case that was overdue on `on` and has moved
 * on since is listed; a case filed after `on` is not. f's program, kind, person_id, org_id,
 * parent_id, county, after_id and limit select the cases; f->state, when set, is matched against
 * the state on `on`. fn gets the case as it is now and t (a non-zero return stops the walk). A
 * deadline the calendar cannot count (a gap before its first year) is no deadline: the case is
 * not listed, as filing sets none. */
int jy_case_overdue_on(jy_cases *cs, const jy_case_filter *f, jy_date on,
                       int (*fn)(void *ctx, const jy_case *c, const jy_case_then *t), void *ctx, jy_err *err);

/* The case as jy_case_json, plus "days_overdue" counted to `on` from t's deadline, the deadline
 * rule of t's state ("deadline": "15 workdays", "deadline_clause") and "as_of": {"date": on,
 * "state", "since" (the day the state was entered), "due_on"} — the case's own state and due_on
 * are today's. */
void jy_case_overdue_json(jy_sb *sb, const jy_case *c, const jy_case_then *t, jy_date on);

/* Objections (异议): the `object` steps of a case's history, each with its outcome, as a JSON
 * array [{"n","on","actor","reason","at","from","status":"open"|"upheld"|"dismissed"|"withdrawn",
 * "resolved_on","resolved_by","resolution","resolution_step"}] (n = 1 for the first). An
 * objection is open while the case waits in the state it sent the case back to; the next step
 * resolves it: a rejection upholds it, an approval dismisses it (the case goes through review and
 * a new publicity), a withdrawal closes it. JY_ENOTFOUND when there is no such case. */
int jy_case_objections_json(jy_cases *cs, int64_t id, jy_sb *out, jy_err *err);

/* Resolves the open objection of case id: outcome "upheld" takes the reject step, "dismissed" the
 * approve step the state allows (the review starts again; publicity follows as the workflow says).
 * JY_ECONFLICT when the case has no open objection (naming its state), JY_EINVAL for another
 * outcome or an empty reason; the step's own checks (role, decision, conflicts) apply. */
int jy_case_objection_resolve(jy_cases *cs, int64_t id, const char *outcome, jy_date on, const char *reason,
                              const char *actor, jy_err *err);

/* A class roster to check (`case check-roster`, POST /api/v1/cases/check-roster): the CSV text
 * (any encoding the readers detect) with a header naming 身份证号/idcard and optionally 工种/
 * occupation, 等级/level, 统一社会信用代码/uscc, 开始日期/start, 结束日期/end. Rows without an
 * occupation, level or organisation take occupation, level and default_org. name is the file's
 * name in messages. *rows (malloc'd, the caller frees) and *n receive the subjects. JY_EINVAL
 * naming the row and column for a bad date or an unknown organisation, or a missing ID column. */
int jy_roster_read(jy_store *st, const char *name, const char *text, size_t len, const char *occupation, int level,
                   int64_t default_org, jy_conflict_subject **rows, size_t *n, jy_err *err);
/* "五级", "level5", "5", "初级" … → 5 … 1; 0 when not a level. */
int jy_roster_level(const char *s);
/* Rows name the occupation as people write it; the cases on record carry the catalogue's name
 * (service/case.c, policy/synonyms.tsv): each row's occupation becomes the catalogue's name when
 * the rules know it (pol NULL: left as written). */
void jy_roster_normalise(const jy_policy *pol, jy_conflict_subject *rows, size_t n);

/* The work list (待办): the steps a case waits for from a role — the steps leaving its state in
 * its workflow that name the role (admin: every one) and move the case on: not the undoing steps
 * (flags release, recovery: reject, withdraw, object, cancel, 追回) and not steps open to "*"
 * alone. keys gets the JSON array of "PROGRAM|KIND|STATE" texts for which one exists (for
 * jy_case_filter.waiting), states the JSON array of their states (waiting_states); the separated
 * roles get empty arrays. */
void jy_case_waiting_keys(const jy_cases *cs, int role, jy_sb *keys, jy_sb *states);
/* The names of those steps for one case, appended to out as a JSON array. */
void jy_case_waiting_steps(const jy_cases *cs, int role, const jy_case *c, jy_sb *out);

#endif
