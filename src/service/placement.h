/* placement.h — placements with monthly pay (P10, P12, P13, P14, P24) and their monthly
 * attendance (考勤), issue 5. A placement is also a case of kind "placement" (case.h), filed
 * and approved when the placement starts, so the conflict checks of conflict.h see it: one
 * internship host at a time (P13 二(四)3), no P24 post together with a P13 internship.
 * docs/payroll.md describes the rules and the attendance sheet. */
#ifndef JY_SERVICE_PLACEMENT_H
#define JY_SERVICE_PLACEMENT_H

#include "base/date.h"
#include "base/err.h"
#include "base/sb.h"
#include "service/case.h"
#include "store/placement_store.h"

typedef struct jy_placement_start_in {
    const char *program;     /* P10, P12, P13, P14, P24 */
    const char *idcard;      /* the person (registered) */
    const char *host_uscc;   /* the host organisation (registered) */
    jy_date start;           /* first day in post */
    jy_date planned_end;     /* 0: open */
    int new_recruit;         /* P12: newly recruited (settling-in grant) */
    const char *facts_json;  /* extra facts for the placement case, or NULL */
} jy_placement_start_in;

/* Starts a placement: files its case (kind placement) with the programme's intake rules (facts
 * "claim":"intake" plus what the registry says: the host's kinds, graduate and years since
 * leaving school, enrolment, age, hukou, statuses, an earlier placement of the programme; docs/
 * payroll.md "Intake") and the conflict checks, all in one transaction:
 * - eligible: the case takes county_approve on the start date and the placement is recorded
 *   (out->status "active");
 * - ineligible (a rule or a hard conflict): JY_ECONFLICT naming the failed clauses and the
 *   conflicts, nothing written;
 * - needs_review: the case is filed and waits (state filed); no placement yet: returns 0 with
 *   out->id 0, out->case_id the case and out->status "held". A reviewer then approves it with
 *   jy_placement_approve or rejects the case (jiuye case advance ID reject).
 * JY_ENOTFOUND for an unregistered person or host. */
int jy_placement_start(jy_cases *cs, const jy_placement_start_in *in, const char *actor, jy_placement *out,
                       jy_err *err);

/* Approves a placement held for review (its case, state filed, decision needs_review): the case
 * takes county_approve on `on` (0: today; never before the filing) with the reviewer's reason —
 * the workflow's roles and conflict checks apply — and the placement is recorded from the case
 * (person, host, start, planned end, new recruit). One transaction. */
int jy_placement_approve(jy_cases *cs, int64_t case_id, jy_date on, const char *reason, const char *actor,
                         jy_placement *out, jy_err *err);

/* Ends an active placement early or on time (actual end on `on`, with the reason): the
 * placement becomes "ended" and its case takes the "end" step. The month of `on` is then the
 * final month (P13 二(四)5: fewer than 10 working days in post that month pays nothing). */
int jy_placement_end(jy_cases *cs, int64_t id, jy_date on, const char *reason, const char *actor, jy_err *err);

/* The placement with its attendance months and payroll lines, as JSON. */
int jy_placement_show_json(jy_cases *cs, int64_t id, jy_sb *out, jy_err *err);

/* Records one month of attendance. Checked: the placement is not cancelled and in post that month
 * (from its start month to the month of its actual end, else its planned end), no figure is
 * negative, and duty + personal + sick leave days ≤ the working days of the month that lie within
 * the placement (from its start, up to its end; calendar.h, a year without a published calendar
 * counting weekends only). A refusal (JY_EINVAL) names the person (ID number and name), the
 * month, the field and the maximum. *result as store.h's put. */
int jy_attendance_set(jy_cases *cs, jy_attendance *a, const char *actor, int *result, jy_err *err);
/* The same; on a refusal *field (may be NULL) names the attendance field at fault (duty_days,
 * personal_leave, sick_leave, si_paid, si_months, month, placement), NULL otherwise. */
int jy_attendance_set_field(jy_cases *cs, jy_attendance *a, const char *actor, int *result, const char **field,
                            jy_err *err);

/* Imports a month's attendance sheet (CSV, form 5-10-2 style): one row per person with the
 * columns 身份证号 (required), 出勤天数/在岗天数 (required), 事假天数, 病假天数, 病假证明 (是/否),
 * 签订合同 (是/否), 灵活就业缴费 (yuan), 缴费月数. Each row is matched to the person's placement
 * of program in post that month and checked as jy_attendance_set checks it. A bad row is
 * reported and skipped; the good rows are kept (one transaction). report receives {"program",
 * "month","rows","created","updated","unchanged","rejected","errors":[{"line","idcard","column",
 * "reason"}…]}; *rejected the number of bad rows. JY_EINVAL only when the sheet cannot be read
 * (no header, …): then nothing is written. */
int jy_attendance_import(jy_cases *cs, const char *program, const char *month, const char *path, const char *actor,
                         jy_sb *report, int *rejected, jy_err *err);
/* The same over a sheet in memory (the API's uploads: nothing is written to disk); name is the
 * file's name in messages. */
int jy_attendance_import_mem(jy_cases *cs, const char *program, const char *month, const char *name, const void *data,
                             size_t len, const char *actor, jy_sb *report, int *rejected, jy_err *err);

#endif
