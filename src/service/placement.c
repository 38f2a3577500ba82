/* placement.c — placements with monthly pay and their monthly attendance (placement.h): start
 * (the placement case filed and approved with the conflict checks, then the placement row, in
 * one transaction), end, show, attendance entry and the CSV attendance sheet import. */
#include "service/placement.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/csv.h"
#include "base/money.h"
#include "base/text.h"

static int is_placement_program(const char *p)
{
    return p && (strcmp(p, "P10") == 0 || strcmp(p, "P12") == 0 || strcmp(p, "P13") == 0 || strcmp(p, "P14") == 0 ||
                 strcmp(p, "P24") == 0);
}

/* ---------------------------------------------------------------- intake */

/* The date the person left school by a 高校毕业生 status: its since date, else July 1 of the
 * year in its detail; 0 when neither. */
static jy_date left_school(const jy_person_status *s)
{
    if (s->since) return s->since;
    char *end;
    long y = strtol(s->detail, &end, 10);
    if (end != s->detail && *end == 0 && y >= 1950 && y <= 2100) return jy_date_from_ymd((int)y, 7, 1);
    return 0;
}

/* Whole years from `from` to `on`, a part of a year counting as one (离校2年内 = 2 以内). */
static int years_started(jy_date from, jy_date on)
{
    if (on <= from) return 0;
    int y = jy_age_on(from, on);
    return jy_date_add_months(from, 12 * y) < on ? y + 1 : y;
}

static int is_below_tertiary(const char *education)
{
    static const char *const low[] = {"文盲", "半文盲", "小学", "初中", "高中", "文盲或半文盲"};
    for (size_t i = 0; i < sizeof low / sizeof *low; i++)
        if (strcmp(education, low[i]) == 0) return 1;
    return 0;
}

typedef struct prior_ctx {
    int64_t n;
} prior_ctx;

static int on_prior_placement(void *ctx, const jy_placement *p)
{
    (void)p;
    ((prior_ctx *)ctx)->n++;
    return 0;
}

static void set_if_absent(json_t *facts, const char *key, json_t *v)
{
    if (!json_object_get(facts, key)) json_object_set(facts, key, v);
    json_decref(v);
}

/* Adds to facts what the registry says about the intake (docs/payroll.md "Intake"): claim =
 * intake, the host's kinds, graduate and graduation_years (高校毕业生 status, 文化程度),
 * placed_before, haiyuan_origin, enrolled, pension_age, new_recruit. Facts the caller gave win.
 * Age, hukou, statuses and registered unemployment are added by the case filing itself. A fact
 * the registry cannot decide is left out: the rules then hold the placement for review. */
static int intake_facts(jy_cases *cs, const jy_placement_start_in *in, const jy_org *host, json_t *facts, jy_err *err)
{
    jy_person p;
    jy_person_status st[64];
    int n = 0, rc;
    json_t *claim = json_object_get(facts, "claim");
    if (claim && !(json_is_string(claim) && strcmp(json_string_value(claim), "intake") == 0))
        return jy_err_set2(err, JY_EINVAL, "placement.claim_intake", "--facts: claim is \"intake\" when a placement starts (the monthly claims come "
                                          "from the payroll)", "--facts：岗位安置开始时 claim 应为“intake”（每月的申领来自工资发放）");
    set_if_absent(facts, "claim", json_string("intake"));
    json_t *kinds = json_array();
    for (int i = 0; i < JY_ORG__KIND_COUNT; i++)
        if (host->kinds & (1u << i)) json_array_append_new(kinds, json_string(jy_org_kind_name(1 << i)));
    set_if_absent(facts, "host_kinds", kinds);
    if (in->new_recruit) set_if_absent(facts, "new_recruit", json_true());
    rc = jy_store_person_get_by_idcard(cs->st, in->idcard ? in->idcard : "", &p, err);
    if (rc == JY_ENOTFOUND) return 0; /* the filing names it */
    if (rc) return rc;
    if ((rc = jy_store_person_statuses(cs->st, p.id, st, 64, &n, err))) return rc;
    jy_date left = 0;
    int enrolled = 0, retired = 0;
    for (int i = 0; i < n; i++) {
        int active = (!st[i].since || st[i].since <= in->start) && (!st[i].until || st[i].until >= in->start);
        if (st[i].kind == JY_ST_GRADUATE) {
            jy_date d = left_school(&st[i]);
            if (d && d <= in->start && d > left) left = d;
            else if (!d && !left) left = -1; /* a graduate, leaving date unknown */
        } else if (st[i].kind == JY_ST_ENROLLED_STUDENT && active) {
            enrolled = 1;
        } else if (st[i].kind == JY_ST_RETIRED && active) {
            retired = 1;
        }
    }
    if (left) {
        set_if_absent(facts, "graduate", json_true());
        if (left > 0) set_if_absent(facts, "graduation_years", json_integer(years_started(left, in->start)));
    } else if (p.education[0] && is_below_tertiary(p.education)) {
        set_if_absent(facts, "graduate", json_false());
    }
    if (enrolled) set_if_absent(facts, "enrolled", json_true());
    if (strncmp(p.hukou_division, "640522", 6) == 0 || strncmp(p.hukou_division, "642222", 6) == 0)
        set_if_absent(facts, "haiyuan_origin", json_true());
    if (retired) set_if_absent(facts, "pension_age", json_true());
    else if (p.birth && jy_age_on(p.birth, in->start) < 50) set_if_absent(facts, "pension_age", json_false());
    prior_ctx P = {0};
    jy_placement_filter pf = {.program = in->program, .person_id = p.id};
    if ((rc = jy_store_placement_list(cs->st, &pf, on_prior_placement, &P, err))) return rc;
    set_if_absent(facts, "placed_before", json_boolean(P.n > 0));
    return 0;
}

/* "clause text; clause text" of the reasons of kind kind1 or kind2 (the failed checks, the
 * review points) of a case's reasons JSON. */
static void reasons_text(const char *reasons, const char *kind1, const char *kind2, jy_sb *out)
{
    json_t *rj = json_loads(reasons && *reasons ? reasons : "[]", 0, NULL);
    size_t i;
    json_t *r;
    json_array_foreach(rj, i, r) {
        const char *k = json_string_value(json_object_get(r, "kind"));
        if (!k || (strcmp(k, kind1) != 0 && (!kind2 || strcmp(k, kind2) != 0))) continue;
        const char *c = json_string_value(json_object_get(r, "clause"));
        const char *t = json_string_value(json_object_get(r, "text"));
        jy_sb_appendf(out, "%s%s %s", out->len ? "; " : "", c ? c : "", t ? t : "");
    }
    json_decref(rj);
}

/* The placement row of an approved placement case c (inside the caller's transaction). */
static int add_row(jy_cases *cs, const jy_case *c, int new_recruit, const char *actor, jy_placement *out, jy_err *err)
{
    memset(out, 0, sizeof *out);
    memcpy(out->county, c->county, sizeof out->county);
    out->case_id = c->id;
    snprintf(out->program, sizeof out->program, "%s", c->program);
    out->person_id = c->person_id;
    out->host_org_id = c->org_id;
    out->start_on = c->start_on;
    out->planned_end = c->end_on;
    out->new_recruit = new_recruit;
    memcpy(out->status, "active", 7);
    return jy_store_placement_add(cs->st, out, actor, err);
}

int jy_placement_start(jy_cases *cs, const jy_placement_start_in *in, const char *actor, jy_placement *out,
                       jy_err *err)
{
    jy_sb text = JY_SB_INIT, why = JY_SB_INIT;
    jy_org host;
    jy_case c;
    char d[JY_DATE_BUFSZ];
    json_t *facts = NULL;
    char *facts_s = NULL;
    int rc, began = 0;
    memset(out, 0, sizeof *out);
    if (!is_placement_program(in->program))
        return jy_err_set2(err, JY_EINVAL, "placement.program", "--program %s: placements belong to P10, P12, P13, P14 or P24", "--program %s：岗位安置只属于 P10、P12、P13、P14 或 P24",
                          in->program ? in->program : "");
    if (!in->start) return jy_err_set2(err, JY_EINVAL, "placement.start_required", "--start: the first day in post is required", "--start：须填写上岗第一天");
    if (in->planned_end && in->planned_end < in->start)
        return jy_err_set2(err, JY_EINVAL, "placement.end_before_start", "--end %s is before --start", "--end %s 早于 --start", jy_date_format(in->planned_end, d));
    if ((rc = jy_store_org_get_by_uscc(cs->st, in->host_uscc ? in->host_uscc : "", &host, err))) {
        if (rc == JY_ENOTFOUND)
            jy_err_set2(err, JY_ENOTFOUND, "placement.host_unregistered", "--host %s is not registered: add the organisation first (jiuye org add)", "--host %s 尚未登记：请先登记该单位（jiuye org add）",
                       in->host_uscc ? in->host_uscc : "");
        return rc;
    }
    /* the case's facts: the period, whatever the caller gives, and what the registry says */
    json_error_t je;
    facts = in->facts_json && *in->facts_json ? json_loads(in->facts_json, 0, &je) : json_object();
    if (!json_is_object(facts)) {
        rc = jy_err_set2(err, JY_EINVAL, "placement.facts_object", "--facts: expected a JSON object", "--facts：应为 JSON 对象");
        goto out;
    }
    json_object_set_new(facts, "start", json_string(jy_date_format(in->start, d)));
    if (in->planned_end) json_object_set_new(facts, "end", json_string(jy_date_format(in->planned_end, d)));
    else json_object_del(facts, "end");
    if ((rc = jy_store_begin(cs->st, err))) goto out;
    began = 1;
    if ((rc = intake_facts(cs, in, &host, facts, err))) goto out;
    if (!(facts_s = json_dumps(facts, JSON_COMPACT))) {
        rc = jy_err_set2(err, JY_ENOMEM, "sys.out_of_memory", "out of memory", "内存不足");
        goto out;
    }
    jy_case_filing f = {.program = in->program,
                        .kind = "placement",
                        .idcard = in->idcard,
                        .uscc = in->host_uscc,
                        .facts_json = facts_s,
                        .on = in->start};
    int64_t case_id = 0;
    if ((rc = jy_case_file(cs, &f, actor, &case_id, err))) goto out;
    if ((rc = jy_store_case_get(cs->st, case_id, &c, &text, err))) goto out;
    if (strcmp(c.decision, "ineligible") == 0) {
        reasons_text(c.reasons, "fail", NULL, &why);
        rc = jy_err_set2(err, JY_ECONFLICT, "placement.ineligible",
                         "%1$s placement of %2$s refused (ineligible): %3$s; conflicts %5$s%4$.0s",
                         "%1$s 岗位安置 %2$s 不予办理（不符合条件）：%4$s；冲突 %5$s%3$.0s", in->program, in->idcard,
                         why.len ? jy_sb_cstr(&why) : "a hard conflict", why.len ? jy_sb_cstr(&why) : "存在刚性冲突",
                         c.conflicts ? c.conflicts : "[]");
        goto out;
    }
    if (strcmp(c.decision, "eligible") != 0) {
        /* held for review: the case stays filed; a reviewer approves it with jy_placement_approve
         * (or rejects it: jiuye case advance ID reject) */
        memset(out, 0, sizeof *out);
        memcpy(out->county, c.county, sizeof out->county);
        out->case_id = case_id;
        snprintf(out->program, sizeof out->program, "%s", in->program);
        out->person_id = c.person_id;
        out->host_org_id = host.id;
        out->start_on = in->start;
        out->planned_end = in->planned_end;
        out->new_recruit = in->new_recruit;
        memcpy(out->status, "held", 5);
        rc = 0;
        goto out;
    }
    if ((rc = jy_case_advance(cs, case_id, "county_approve", in->start, "安置上岗（jiuye placement start）", actor, err)))
        goto out;
    if ((rc = jy_store_case_get(cs->st, case_id, &c, &text, err))) goto out;
    rc = add_row(cs, &c, in->new_recruit, actor, out, err);
out:
    if (began) {
        if (rc == 0) rc = jy_store_commit(cs->st, err);
        else jy_store_rollback(cs->st, NULL);
    }
    if (rc == 0 && out->id) rc = jy_store_placement_get(cs->st, out->id, out, err);
    json_decref(facts);
    free(facts_s);
    jy_sb_free(&text);
    jy_sb_free(&why);
    return rc;
}

int jy_placement_approve(jy_cases *cs, int64_t case_id, jy_date on, const char *reason, const char *actor,
                         jy_placement *out, jy_err *err)
{
    jy_case c;
    jy_sb text = JY_SB_INIT;
    json_t *facts = NULL;
    memset(out, 0, sizeof *out);
    if (!reason || !*reason) return jy_err_set2(err, JY_EINVAL, "placement.review_reason", "--reason: say what the review found", "--reason：请写明审核发现了什么");
    int rc = jy_store_begin(cs->st, err);
    if (rc) return rc;
    if ((rc = jy_store_case_get(cs->st, case_id, &c, &text, err))) goto done;
    if (strcmp(c.kind, "placement") != 0 || !is_placement_program(c.program)) {
        rc = jy_err_set2(err, JY_EINVAL, "placement.not_placement", "case %lld is a %s %s case, not a placement", "案件 %lld 是 %s %s 类案件，不是岗位安置", (long long)case_id, c.program,
                        c.kind);
        goto done;
    }
    if (!on) on = jy_date_today();
    if (on < c.filed_on) on = c.filed_on; /* approved before the first day: in post from the start */
    facts = json_loads(c.facts && *c.facts ? c.facts : "{}", 0, NULL);
    int new_recruit = json_is_true(json_object_get(facts, "new_recruit"));
    if ((rc = jy_case_advance(cs, case_id, "county_approve", on, reason, actor, err))) goto done;
    if ((rc = jy_store_case_get(cs->st, case_id, &c, &text, err))) goto done;
    rc = add_row(cs, &c, new_recruit, actor, out, err);
done:
    if (rc == 0) rc = jy_store_commit(cs->st, err);
    else jy_store_rollback(cs->st, NULL);
    if (rc == 0) rc = jy_store_placement_get(cs->st, out->id, out, err);
    json_decref(facts);
    jy_sb_free(&text);
    return rc;
}

int jy_placement_end(jy_cases *cs, int64_t id, jy_date on, const char *reason, const char *actor, jy_err *err)
{
    jy_placement p;
    jy_case c;
    jy_sb text = JY_SB_INIT;
    char d[JY_DATE_BUFSZ];
    if (!reason || !*reason) return jy_err_set2(err, JY_EINVAL, "placement.end_reason", "--reason: say why the placement ends", "--reason：请写明岗位安置结束的原因");
    int rc = jy_store_begin(cs->st, err);
    if (rc) return rc;
    if ((rc = jy_store_placement_get(cs->st, id, &p, err))) goto done;
    if (on < p.start_on) {
        rc = jy_err_set2(err, JY_EINVAL, "placement.date_before_start", "--date %s is before the placement's start", "--date %s 早于岗位安置的开始日期", jy_date_format(on, d));
        goto done;
    }
    if ((rc = jy_store_placement_close(cs->st, id, "active", "ended", on, reason, "end", actor, err))) goto done;
    if (p.case_id && (rc = jy_store_case_get(cs->st, p.case_id, &c, &text, err)) == 0 && strcmp(c.state, "active") == 0)
        rc = jy_case_advance(cs, p.case_id, "end", on, reason, actor, err);
done:
    jy_sb_free(&text);
    if (rc == 0) return jy_store_commit(cs->st, err);
    jy_store_rollback(cs->st, NULL);
    return rc;
}

typedef struct show_ctx {
    jy_sb *sb;
    int n;
} show_ctx;

static int on_att_json(void *ctx, const jy_attendance *a)
{
    show_ctx *s = ctx;
    if (s->n++) jy_sb_appendc(s->sb, ',');
    jy_attendance_json(s->sb, a);
    return 0;
}

static int on_line_json(void *ctx, const jy_payroll_line *l)
{
    show_ctx *s = ctx;
    if (s->n++) jy_sb_appendc(s->sb, ',');
    jy_payroll_line_json(s->sb, l);
    return 0;
}

int jy_placement_show_json(jy_cases *cs, int64_t id, jy_sb *out, jy_err *err)
{
    jy_placement p;
    int rc = jy_store_placement_get(cs->st, id, &p, err);
    if (rc) return rc;
    jy_placement_json(out, &p);
    out->len--; /* reopen the object */
    jy_sb_json_key(out, "attendance");
    jy_sb_appendc(out, '[');
    show_ctx s = {out, 0};
    if ((rc = jy_store_attendance_list(cs->st, id, on_att_json, &s, err))) return rc;
    jy_sb_appendc(out, ']');
    jy_sb_json_key(out, "lines");
    jy_sb_appendc(out, '[');
    s.n = 0;
    jy_payroll_line_filter f = {.placement_id = id, .claim = -1};
    if ((rc = jy_store_payroll_lines(cs->st, &f, on_line_json, &s, err))) return rc;
    jy_sb_append(out, "]}");
    return 0;
}

/* The last day in post: the actual end, else the planned end; 0 when open. */
static jy_date last_day(const jy_placement *p)
{
    return p->actual_end ? p->actual_end : p->planned_end;
}

/* The placement's months in post: [start's month, end's month]. */
static int in_post(const jy_placement *p, jy_month m)
{
    if (m < jy_month_of(p->start_on)) return 0;
    jy_date end = last_day(p);
    if (end && m > jy_month_of(end)) return 0;
    return 1;
}

/* Checks a month of attendance against the placement and the calendar (see placement.h); *field
 * names the attendance field at fault (duty_days, personal_leave, sick_leave, si_paid,
 * si_months, month). */
static int attendance_check(jy_cases *cs, jy_attendance *a, jy_placement *p, const char **field, jy_err *err)
{
    jy_month m;
    jy_err e;
    char d1[JY_DATE_BUFSZ], d2[JY_DATE_BUFSZ];
    int wd = 0, prov = 0, rc;
    *field = "month";
    if (jy_month_parse(a->month, &m, &e)) return jy_err_set2(err, JY_EINVAL, "month.format_ym", "month %s: expected YYYY-MM", "月份 %s：应为 YYYY-MM", a->month);
    *field = "placement";
    if ((rc = jy_store_placement_get(cs->st, a->placement_id, p, err))) return rc;
    if (strcmp(p->status, "cancelled") == 0)
        return jy_err_set2(err, JY_ECONFLICT, "placement.cancelled", "placement %lld is cancelled: no attendance can be recorded", "岗位安置 %lld 已取消：不能再记录考勤",
                          (long long)p->id);
    *field = "month";
    if (!in_post(p, m)) {
        jy_date end = last_day(p);
        return jy_err_set2(err, JY_EINVAL, "placement.not_in_post",
                           "person %1$s (%2$s), month %3$s: placement %4$lld is not in post that month (%5$s..%6$s)%7$.0s",
                           "%1$s（%2$s），月份 %3$s：岗位安置 %4$lld 当月不在岗（在岗期间 %5$s..%7$s）%6$.0s", p->idcard,
                           p->person_name, a->month, (long long)p->id, jy_date_format(p->start_on, d1),
                           end ? jy_date_format(end, d2) : "open", end ? d2 : "至今");
    }
    static const char *const names[5] = {"duty_days", "personal_leave", "sick_leave", "si_paid", "si_months"};
    int64_t vals[5] = {a->duty_days, a->personal_leave, a->sick_leave, a->si_paid, a->si_months};
    for (int i = 0; i < 5; i++)
        if (vals[i] < 0) {
            *field = names[i];
            return jy_err_set2(err, JY_EINVAL, "attendance.negative", "person %s (%s), month %s, field %s: %lld cannot be negative", "%s（%s），月份 %s，%s：%lld 不能为负数", p->idcard,
                              p->person_name, a->month, names[i], (long long)vals[i]);
        }
    /* the working days of the month within the placement: from its start, to its end */
    jy_date from = jy_month_first_day(m), to = jy_month_last_day(m), end = last_day(p);
    if (p->start_on > from) from = p->start_on;
    if (end && end < to) to = end;
    if ((rc = jy_calendar_workdays_prov(cs->cal, from, to, &wd, &prov, err))) return rc;
    int whole = from == jy_month_first_day(m) && to == jy_month_last_day(m);
    char span[96], span_zh[128];
    if (whole) {
        snprintf(span, sizeof span, "the month's %d working days", wd);
        snprintf(span_zh, sizeof span_zh, "当月的 %d 个工作日", wd);
    } else {
        snprintf(span, sizeof span, "the %d working days in post that month (%s..%s)", wd, jy_date_format(from, d1),
                 jy_date_format(to, d2));
        snprintf(span_zh, sizeof span_zh, "当月在岗的 %d 个工作日（%s..%s）", wd, d1, d2);
    }
    const char *pv = prov ? "; provisional: that year's holiday calendar is not in policy/calendar.txt, weekends only" : "";
    const char *pv_zh = prov ? "；暂按周末计算：policy/calendar.txt 中没有该年的节假日安排" : "";
    if (a->duty_days > wd) {
        *field = "duty_days";
        return jy_err_set2(err, JY_EINVAL, "placement.duty_over",
                           "person %1$s (%2$s), month %3$s, field duty_days: %4$d days on duty exceed %5$s: at most %6$d%7$s"
                           "%8$.0s%9$.0s",
                           "%1$s（%2$s），月份 %3$s，出勤天数（duty_days）：出勤 %4$d 天，超过%8$s：最多 %6$d 天%9$s%5$.0s%7$.0s",
                           p->idcard, p->person_name, a->month, a->duty_days, span, wd, pv, span_zh, pv_zh);
    }
    if (a->duty_days + a->personal_leave + a->sick_leave > wd) {
        *field = a->sick_leave ? "sick_leave" : "personal_leave";
        return jy_err_set2(err, JY_EINVAL, "placement.leave_over",
                           "person %1$s (%2$s), month %3$s, field %4$s: duty %5$d + personal leave %6$d + sick leave %7$d days exceed "
                           "%8$s: at most %9$d leave days with %10$d on duty%11$s%12$.0s%13$.0s",
                           "%1$s（%2$s），月份 %3$s，%4$s：出勤 %5$d 天 + 事假 %6$d 天 + 病假 %7$d 天，超过%12$s：出勤 %10$d 天时最多请假 %9$d 天%13$s"
                           "%8$.0s%11$.0s",
                           p->idcard, p->person_name, a->month, *field, a->duty_days, a->personal_leave, a->sick_leave,
                           span, wd - a->duty_days, a->duty_days, pv, span_zh, pv_zh);
    }
    *field = NULL;
    memcpy(a->county, p->county, sizeof a->county);
    return 0;
}

int jy_attendance_set_field(jy_cases *cs, jy_attendance *a, const char *actor, int *result, const char **field,
                            jy_err *err)
{
    jy_placement p;
    const char *f = NULL;
    int rc = attendance_check(cs, a, &p, &f, err);
    if (field) *field = rc ? f : NULL;
    if (rc) return rc;
    return jy_store_attendance_put(cs->st, a, actor, result, err);
}

int jy_attendance_set(jy_cases *cs, jy_attendance *a, const char *actor, int *result, jy_err *err)
{
    return jy_attendance_set_field(cs, a, actor, result, NULL, err);
}

/* ---------------------------------------------------------------- the sheet */

enum { COL_ID, COL_DUTY, COL_PL, COL_SL, COL_CERT, COL_CONTRACT, COL_SI, COL_SIM, COL__N };

static int header_col(const char *h)
{
    static const struct {
        const char *name;
        int col;
    } names[] = {
        {"身份证号", COL_ID},        {"身份证号码", COL_ID},     {"公民身份号码", COL_ID},  {"idcard", COL_ID},
        {"出勤天数", COL_DUTY},      {"在岗天数", COL_DUTY},     {"出勤工作日", COL_DUTY},  {"duty_days", COL_DUTY},
        {"事假天数", COL_PL},        {"事假", COL_PL},           {"personal_leave", COL_PL},
        {"病假天数", COL_SL},        {"病假", COL_SL},           {"sick_leave", COL_SL},
        {"病假证明", COL_CERT},      {"诊断证明", COL_CERT},     {"sick_certificate", COL_CERT},
        {"签订合同", COL_CONTRACT},  {"签订劳动合同", COL_CONTRACT}, {"contract_with_host", COL_CONTRACT},
        {"灵活就业缴费", COL_SI},    {"社保缴费金额", COL_SI},   {"si_paid", COL_SI},
        {"缴费月数", COL_SIM},       {"si_months", COL_SIM},
    };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strcmp(h, names[i].name) == 0) return names[i].col;
    return -1;
}

static int parse_int(const char *s, int *out)
{
    char *end;
    if (!s || !*s) {
        *out = 0;
        return 0;
    }
    long v = strtol(s, &end, 10);
    if (*end || v < 0 || v > 1000) return -1;
    *out = (int)v;
    return 0;
}

static int parse_yes(const char *s, int *out)
{
    if (!s || !*s || strcmp(s, "否") == 0 || strcmp(s, "无") == 0 || strcmp(s, "0") == 0 || strcmp(s, "false") == 0 ||
        strcmp(s, "no") == 0) {
        *out = 0;
        return 0;
    }
    if (strcmp(s, "是") == 0 || strcmp(s, "有") == 0 || strcmp(s, "1") == 0 || strcmp(s, "true") == 0 ||
        strcmp(s, "yes") == 0) {
        *out = 1;
        return 0;
    }
    return -1;
}

typedef struct find_ctx {
    jy_month m;
    jy_placement found;
    int n;
} find_ctx;

static int on_candidate(void *ctx, const jy_placement *p)
{
    find_ctx *f = ctx;
    if (strcmp(p->status, "cancelled") == 0 || !in_post(p, f->m)) return 0;
    f->found = *p;
    f->n++;
    return 0;
}

/* One bad row of the sheet into the report's "errors" array. */
static void bad_row(jy_sb *errs, int *nbad, long line, const char *idcard, const char *column, const char *reason)
{
    if ((*nbad)++) jy_sb_appendc(errs, ',');
    jy_sb_appendc(errs, '{');
    jy_sb_json_kv_i64(errs, "line", line);
    jy_sb_json_kv_str(errs, "idcard", idcard);
    jy_sb_json_kv_str(errs, "column", column);
    jy_sb_json_kv_str(errs, "reason", reason);
    jy_sb_appendc(errs, '}');
}

static int attendance_import(jy_cases *cs, const char *program, const char *month, const char *path, const void *data,
                             size_t len, const char *actor, jy_sb *report, int *rejected, jy_err *err);

int jy_attendance_import(jy_cases *cs, const char *program, const char *month, const char *path, const char *actor,
                         jy_sb *report, int *rejected, jy_err *err)
{
    return attendance_import(cs, program, month, path, NULL, 0, actor, report, rejected, err);
}

int jy_attendance_import_mem(jy_cases *cs, const char *program, const char *month, const char *name, const void *data,
                             size_t len, const char *actor, jy_sb *report, int *rejected, jy_err *err)
{
    return attendance_import(cs, program, month, name, data ? data : "", len, actor, report, rejected, err);
}

static int attendance_import(jy_cases *cs, const char *program, const char *month, const char *path, const void *data,
                             size_t len, const char *actor, jy_sb *report, int *rejected, jy_err *err)
{
    jy_text_reader *tr = NULL;
    jy_csv *csv = NULL;
    jy_sb errs = JY_SB_INIT;
    int col[COL__N], rc, nbad = 0, began = 0;
    char head[COL__N][64];
    long rows = 0, counts[4] = {0};
    jy_month m;
    jy_err e;
    *rejected = 0;
    if (jy_month_parse(month ? month : "", &m, &e)) return jy_err_set2(err, JY_EINVAL, "placement.month_opt", "--month: expected YYYY-MM", "--month：应为 YYYY-MM");
    if (!is_placement_program(program))
        return jy_err_set2(err, JY_EINVAL, "placement.program_opt", "--program %s: P10, P12, P13, P14 or P24", "--program %s：应为 P10、P12、P13、P14 或 P24", program ? program : "");
    for (int i = 0; i < COL__N; i++) {
        col[i] = -1;
        head[i][0] = 0;
    }
    if ((rc = data ? jy_text_reader_open_mem(data, len, JY_ENC_AUTO, &tr, err)
                   : jy_text_reader_open_file(path, JY_ENC_AUTO, &tr, err)))
        return rc;
    csv = jy_csv_new(jy_text_reader_read_cb, tr, 0);
    if (!csv) {
        rc = jy_err_set2(err, JY_ENOMEM, "sys.out_of_memory", "out of memory", "内存不足");
        goto done;
    }
    /* header: the first row naming an ID-number column (form titles above it are skipped) */
    while ((rc = jy_csv_next(csv, err)) == 1) {
        for (size_t i = 0; i < jy_csv_nfields(csv); i++) {
            const char *h = jy_csv_field(csv, i, NULL);
            int c = header_col(h);
            if (c >= 0 && col[c] < 0) {
                col[c] = (int)i;
                snprintf(head[c], sizeof head[c], "%s", h);
            }
        }
        if (col[COL_ID] >= 0) break;
    }
    if (rc < 0) goto done;
    if (col[COL_ID] < 0 || col[COL_DUTY] < 0) {
        rc = jy_err_set2(err, JY_EINVAL, "attendance.no_header", "%s: no header with 身份证号 and 出勤天数 (or 在岗天数) columns", "%s：没有含“身份证号”和“出勤天数”（或“在岗天数”）列的表头", path);
        goto done;
    }
    /* one transaction for the good rows; a bad row is checked before anything is written, so it
     * is reported and skipped while the others are kept */
    if ((rc = jy_store_begin(cs->st, err))) goto done;
    began = 1;
    while ((rc = jy_csv_next(csv, err)) == 1) {
        if (jy_csv_blank(csv)) continue;
        long line = (long)jy_csv_line_no(csv);
        const char *v[COL__N];
        for (int i = 0; i < COL__N; i++)
            v[i] = col[i] >= 0 && (size_t)col[i] < jy_csv_nfields(csv) ? jy_csv_field(csv, (size_t)col[i], NULL) : "";
        if (strcmp(v[COL_ID], "合计") == 0 || v[COL_ID][0] == 0) continue;
        rows++;
        jy_attendance a;
        memset(&a, 0, sizeof a);
        snprintf(a.month, sizeof a.month, "%s", month);
        /* the reasons of the report (its reason column) are in the process's language */
        const char *why = NULL, *why_zh = NULL;
        int bad_col = COL_ID;
        if (parse_int(v[COL_DUTY], &a.duty_days) || !*v[COL_DUTY])
            why = "must be a whole number of days", why_zh = "应为整数天数", bad_col = COL_DUTY;
        else if (parse_int(v[COL_PL], &a.personal_leave))
            why = "must be a whole number of days", why_zh = "应为整数天数", bad_col = COL_PL;
        else if (parse_int(v[COL_SL], &a.sick_leave))
            why = "must be a whole number of days", why_zh = "应为整数天数", bad_col = COL_SL;
        else if (parse_yes(v[COL_CERT], &a.sick_certificate))
            why = "must be 是 or 否", why_zh = "应为“是”或“否”", bad_col = COL_CERT;
        else if (parse_yes(v[COL_CONTRACT], &a.contract_with_host))
            why = "must be 是 or 否", why_zh = "应为“是”或“否”", bad_col = COL_CONTRACT;
        else if (parse_int(v[COL_SIM], &a.si_months)) why = "must be a whole number", why_zh = "应为整数", bad_col = COL_SIM;
        else if (*v[COL_SI] && jy_money_parse(v[COL_SI], &a.si_paid, &e))
            why = "must be an amount in yuan", why_zh = "应为以元为单位的金额", bad_col = COL_SI;
        jy_err be;
        if (why) {
            jy_err_set2(&be, JY_EINVAL, "placement.att_cell", "%1$s %2$s (\"%3$.60s\")%4$.0s", "%1$s%4$s（填写的是“%3$.60s”）%2$.0s",
                        head[bad_col], why, v[bad_col], why_zh);
            bad_row(&errs, &nbad, line, v[COL_ID], head[bad_col], jy_err_text(&be));
            continue;
        }
        jy_person p;
        find_ctx fc = {.m = m};
        if (jy_store_person_get_by_idcard(cs->st, v[COL_ID], &p, &e)) {
            jy_err_set2(&be, JY_ENOTFOUND, "placement.att_unregistered", "the person is not registered", "此人未登记");
            bad_row(&errs, &nbad, line, v[COL_ID], head[COL_ID], jy_err_text(&be));
            continue;
        }
        jy_placement_filter pf = {.program = program, .person_id = p.id};
        if ((rc = jy_store_placement_list(cs->st, &pf, on_candidate, &fc, err))) goto done;
        if (fc.n != 1) {
            if (fc.n)
                jy_err_set2(&be, JY_ECONFLICT, "placement.att_several", "the person has several placements of this programme this month",
                            "此人当月在该项目有多个岗位安置");
            else
                jy_err_set2(&be, JY_ENOTFOUND, "placement.att_none", "the person has no placement of this programme in post this month",
                            "此人当月在该项目没有在岗的岗位安置");
            bad_row(&errs, &nbad, line, v[COL_ID], head[COL_ID], jy_err_text(&be));
            continue;
        }
        a.placement_id = fc.found.id;
        jy_placement pl;
        const char *field = NULL;
        rc = attendance_check(cs, &a, &pl, &field, &e);
        if (rc == JY_EINVAL || rc == JY_ECONFLICT) {
            int c = field && strcmp(field, "duty_days") == 0        ? COL_DUTY
                    : field && strcmp(field, "personal_leave") == 0 ? COL_PL
                    : field && strcmp(field, "sick_leave") == 0     ? COL_SL
                    : field && strcmp(field, "si_paid") == 0        ? COL_SI
                    : field && strcmp(field, "si_months") == 0      ? COL_SIM
                                                                    : -1;
            bad_row(&errs, &nbad, line, v[COL_ID], c >= 0 && head[c][0] ? head[c] : field ? field : "", jy_err_text(&e));
            rc = 0;
            continue;
        }
        if (rc) {
            *err = e;
            goto done;
        }
        int result = 0;
        if ((rc = jy_store_attendance_put(cs->st, &a, actor, &result, err))) goto done;
        counts[result]++;
    }
    if (rc < 0) goto done;
    rc = 0;
    *rejected = nbad;
    jy_sb_appendc(report, '{');
    jy_sb_json_kv_str(report, "program", program);
    jy_sb_json_kv_str(report, "month", month);
    jy_sb_json_kv_i64(report, "rows", rows);
    jy_sb_json_kv_i64(report, "created", counts[JY_PUT_CREATED]);
    jy_sb_json_kv_i64(report, "updated", counts[JY_PUT_UPDATED]);
    jy_sb_json_kv_i64(report, "unchanged", counts[JY_PUT_UNCHANGED]);
    jy_sb_json_kv_i64(report, "rejected", nbad);
    jy_sb_append(report, ",\"errors\":[");
    jy_sb_appendn(report, errs.buf ? errs.buf : "", errs.len);
    jy_sb_append(report, "]}");
done:
    if (began) {
        if (rc == 0) rc = jy_store_commit(cs->st, err);
        else jy_store_rollback(cs->st, NULL);
    }
    jy_csv_free(csv);
    jy_text_reader_free(tr);
    jy_sb_free(&errs);
    return rc;
}
