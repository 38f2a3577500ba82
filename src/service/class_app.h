/* class_app.h — the application forms behind two case kinds (issue 5 item 1):
 *  - the training class application (开班申请) of P1, P2, P23: occupation, level, hours, practical
 *    hours, teachers, site, dates, planned trainees; its roster (trainee claims filed with
 *    --parent) with each trainee's hours, exam and certificate;
 *  - the P4 project application (form 5-4-1): teachers, sites, equipment, examiners, budget lines
 *    summed exactly in fen, the question bank (五(四)8: 原则理论不少于300题，实操不少于3套试卷).
 * The class limits (≤50 trainees, ≥140 hours, practical ≥2/3) are NOT here: they are the
 * programmes' rules (policy/p01…, p02…, p23…), evaluated with class_size/hours_total/
 * hours_practical; this module only shapes the facts and reads the decision for a class.
 * docs/cases.md "Class applications and P4 forms" is the user-facing description. */
#ifndef JY_CLASS_APP_H
#define JY_CLASS_APP_H

#include <jansson.h>

#include "base/date.h"
#include "base/err.h"
#include "base/sb.h"
#include "store/store.h"

/* Validates a class application's facts (filed on `on`) and completes them: planned_trainees
 * becomes class_size (the rules' fact; both given and different → refused), the class's
 * certificate is taken from its level when not given (so the hours rule applies; a class for
 * special_operation/special_equipment gives it and the hours rule steps aside per 八(二)).
 * JY_EINVAL naming the field for a malformed value (wrong type, end before start, start outside
 * the filing year, a teacher without a name). A missing form field is not refused: a reason
 * {"kind":"missing"} naming it is appended to form_reasons (the class goes to a person's review). */
int jy_class_app_check(json_t *facts, const char *program, jy_date on, json_t *form_reasons, jy_err *err);
/* Issue 14: the missing-field reasons cite the programme's 八(四) (严格执行开班申请…明确培训大纲、
 * 授课教师资质、教学培训场地条件和实训设备、培训课时). The teaching plan `schedule` [{"from","to",
 * "content","hours","practical_hours"?,"teacher"}] is checked against the application (hours and
 * practical hours add up to hours_total / hours_practical, every teacher is on the teachers list,
 * dates inside start…end): each mismatch a "review" reason. `documents`, the list of documents
 * handed in, must hold every one of jy_class_app_documents (each one missing is a "missing"
 * reason; no list at all is a note). */
extern const char *const jy_class_app_documents[];
extern const char *const jy_project_app_documents[];

/* The review's check (workflow flag `form`, issue 14): the application form of a class
 * (P1/P2/P23 training_class) or a P4 project checked again on its stored facts. Returns the
 * number of missing items (0: complete, or not a form case) with their texts joined by "；" in
 * out and the clause they cite in clause; a negative JY_E* when the stored facts no longer
 * pass the form's checks. */
int jy_app_form_missing(const char *program, const char *kind, json_t *facts, jy_date on, jy_sb *out, char *clause,
                        size_t cap, jy_err *err);

/* The decision of a class application from the policy's reasons: a "fail" → ineligible, a
 * "review" (原则上 rules) or a form "missing" reason → needs_review, else eligible. A class
 * carries no money (the caller clears the amount). Per-trainee facts the rules missed (certificate
 * obtained, statuses …) are turned into notes: they are checked on each trainee's claim. */
void jy_class_app_decide(json_t *reasons, char *decision, size_t cap);

/* Admits one trainee to a class's roster (a trainee claim with --parent): the class must be
 * approved, running or finished; the seat (enrolled + 1, the class's live claims) must be within
 * the class's planned trainees; the trainee's facts hours_attended, hours_practical_attended
 * (≤ the class's hours), exam (pass/fail/absent) and certificate (only with exam pass) are
 * checked, and the class's hours are recorded as class_hours_total/class_hours_practical (not
 * re-decided per trainee: the class approval settled them) and its start/end added. JY_ECONFLICT (roster full, class not open) / JY_EINVAL. */
int jy_class_roster_admit(const jy_case *cls, json_t *class_facts, int enrolled, json_t *facts, jy_err *err);

/* Number of live trainee claims (not rejected, withdrawn or cancelled) of class cls_id. */
int jy_class_enrolled(jy_store *st, int64_t cls_id, int *n, jy_err *err);

/* The roster summary of a class, appended as ,"roster":{trainees, examined, passed,
 * certificates, claims_paid, amount_paid, planned} to out. */
int jy_class_roster_json(jy_store *st, const jy_case *cls, jy_sb *out, jy_err *err);

/* Validates a P4 application's form 5-4-1 facts and completes them: budget_lines
 * [{item, amount | unit_price+quantity}] are summed exactly in fen; the sum becomes `budget`
 * (a stated budget that differs is refused with both figures); teachers, sites, equipment and
 * examiners must be non-empty lists when given (teachers and sites missing: a "missing" reason
 * each, 5-4-1 三 — the review cannot approve without them; equipment and examiners: a note);
 * schedule as for a class (clause 5-4-1 五(四)2); documents against jy_project_app_documents
 * (each one missing a "review" reason: the panel judges the training standard); question_bank {theory, practical_papers}
 * below 300 / 3 adds a "review" reason (原则 = in principle, clause 5-4-1 五(四)8); a form list
 * not given adds a "note" (the expert panel's approval score judges the form). JY_EINVAL naming the field for a malformed value. */
int jy_project_app_check(json_t *facts, json_t *form_reasons, jy_err *err);

/* A copy of facts for the policy engine: list-shaped form fields whose names the rules use
 * for a count (teachers) become that count. Returns a new reference. */
json_t *jy_form_policy_facts(json_t *facts);

#endif
