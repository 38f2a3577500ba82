/* placement.c — placements with monthly pay and their monthly attendance (placement.h): start
 * (the placement case filed and approved with the conflict checks, then the placement row, in
 * one transaction), end, show, attendance entry and the CSV attendance sheet import. */
#include "service/placement.h"

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

int jy_placement_start(jy_cases *cs, const jy_placement_start_in *in, const char *actor, jy_placement *out,
                       jy_err *err)
{
    jy_sb facts = JY_SB_INIT, text = JY_SB_INIT;
    jy_org host;
    jy_case c;
    char d[JY_DATE_BUFSZ];
    int rc;
    memset(out, 0, sizeof *out);
    if (!is_placement_program(in->program))
        return jy_err_set(err, JY_EINVAL, "--program %s: placements belong to P10, P12, P13, P14 or P24",
                          in->program ? in->program : "");
    if (!in->start) return jy_err_set(err, JY_EINVAL, "--start: the first day in post is required");
    if (in->planned_end && in->planned_end < in->start)
        return jy_err_set(err, JY_EINVAL, "--end %s is before --start", jy_date_format(in->planned_end, d));
    if ((rc = jy_store_org_get_by_uscc(cs->st, in->host_uscc ? in->host_uscc : "", &host, err))) {
        if (rc == JY_ENOTFOUND)
            jy_err_set(err, JY_ENOTFOUND, "--host %s is not registered: add the organisation first (jiuye org add)",
                       in->host_uscc ? in->host_uscc : "");
        return rc;
    }
    /* the case's facts: the period, plus whatever the caller gives */
    jy_sb_appendc(&facts, '{');
    jy_sb_json_kv_str(&facts, "start", jy_date_format(in->start, d));
    if (in->planned_end) jy_sb_json_kv_str(&facts, "end", jy_date_format(in->planned_end, d));
    if (in->facts_json && *in->facts_json) {
        const char *f = in->facts_json;
        while (*f == ' ') f++;
        if (*f != '{') {
            rc = jy_err_set(err, JY_EINVAL, "--facts: expected a JSON object");
            goto out;
        }
        f++;
        while (*f == ' ') f++;
        if (*f != '}') {
            jy_sb_appendc(&facts, ',');
            jy_sb_append(&facts, f);
        } else {
            jy_sb_appendc(&facts, '}');
        }
    } else {
        jy_sb_appendc(&facts, '}');
    }
    if ((rc = jy_store_begin(cs->st, err))) goto out;
    jy_case_filing f = {.program = in->program,
                        .kind = "placement",
                        .idcard = in->idcard,
                        .uscc = in->host_uscc,
                        .facts_json = jy_sb_cstr(&facts),
                        .on = in->start};
    int64_t case_id = 0;
    if ((rc = jy_case_file(cs, &f, actor, &case_id, err))) goto done;
    if ((rc = jy_store_case_get(cs->st, case_id, &c, &text, err))) goto done;
    if (strcmp(c.decision, "ineligible") == 0) {
        rc = jy_err_set(err, JY_ECONFLICT, "%s placement of %s refused: conflicts %s; reasons %s", in->program,
                        in->idcard, c.conflicts ? c.conflicts : "[]", c.reasons ? c.reasons : "[]");
        goto done;
    }
    if ((rc = jy_case_advance(cs, case_id, "county_approve", in->start, "安置上岗（jiuye placement start）", actor, err)))
        goto done;
    memset(out, 0, sizeof *out);
    memcpy(out->county, c.county, sizeof out->county);
    out->case_id = case_id;
    snprintf(out->program, sizeof out->program, "%s", in->program);
    out->person_id = c.person_id;
    out->host_org_id = host.id;
    out->start_on = in->start;
    out->planned_end = in->planned_end;
    out->new_recruit = in->new_recruit;
    memcpy(out->status, "active", 7);
    if ((rc = jy_store_placement_add(cs->st, out, actor, err))) goto done;
done:
    if (rc == 0) rc = jy_store_commit(cs->st, err);
    else jy_store_rollback(cs->st, NULL);
    if (rc == 0) rc = jy_store_placement_get(cs->st, out->id, out, err);
out:
    jy_sb_free(&facts);
    jy_sb_free(&text);
    return rc;
}

int jy_placement_end(jy_cases *cs, int64_t id, jy_date on, const char *reason, const char *actor, jy_err *err)
{
    jy_placement p;
    jy_case c;
    jy_sb text = JY_SB_INIT;
    char d[JY_DATE_BUFSZ];
    if (!reason || !*reason) return jy_err_set(err, JY_EINVAL, "--reason: say why the placement ends");
    int rc = jy_store_begin(cs->st, err);
    if (rc) return rc;
    if ((rc = jy_store_placement_get(cs->st, id, &p, err))) goto done;
    if (on < p.start_on) {
        rc = jy_err_set(err, JY_EINVAL, "--date %s is before the placement's start", jy_date_format(on, d));
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

/* The placement's months in post: [start's month, end's month]. */
static int in_post(const jy_placement *p, jy_month m)
{
    if (m < jy_month_of(p->start_on)) return 0;
    jy_date end = p->actual_end;
    if (end && m > jy_month_of(end)) return 0;
    return 1;
}

int jy_attendance_set(jy_cases *cs, jy_attendance *a, const char *actor, int *result, jy_err *err)
{
    jy_placement p;
    jy_month m;
    jy_err e;
    int wd = 0, rc;
    if (jy_month_parse(a->month, &m, &e)) return jy_err_set(err, JY_EINVAL, "month %s: expected YYYY-MM", a->month);
    if ((rc = jy_store_placement_get(cs->st, a->placement_id, &p, err))) return rc;
    if (strcmp(p.status, "cancelled") == 0)
        return jy_err_set(err, JY_ECONFLICT, "placement %lld is cancelled: no attendance can be recorded",
                          (long long)p.id);
    if (!in_post(&p, m))
        return jy_err_set(err, JY_EINVAL, "placement %lld (%s) is not in post in %s", (long long)p.id, p.idcard,
                          a->month);
    if ((rc = jy_calendar_workdays_in_month(cs->cal, m, &wd, err))) return rc;
    if (a->duty_days < 0 || a->personal_leave < 0 || a->sick_leave < 0 || a->si_paid < 0 || a->si_months < 0)
        return jy_err_set(err, JY_EINVAL, "placement %lld %s: days and amounts cannot be negative", (long long)p.id,
                          a->month);
    if (a->duty_days + a->personal_leave + a->sick_leave > wd)
        return jy_err_set(err, JY_EINVAL,
                          "placement %lld %s: duty %d + personal leave %d + sick leave %d days exceed the month's %d "
                          "working days",
                          (long long)p.id, a->month, a->duty_days, a->personal_leave, a->sick_leave, wd);
    memcpy(a->county, p.county, sizeof a->county);
    return jy_store_attendance_put(cs->st, a, actor, result, err);
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

int jy_attendance_import(jy_cases *cs, const char *program, const char *month, const char *path, const char *actor,
                         jy_sb *report, jy_err *err)
{
    jy_text_reader *tr = NULL;
    jy_csv *csv = NULL;
    jy_sb bad = JY_SB_INIT;
    int col[COL__N], rc, nbad = 0, began = 0;
    long rows = 0, counts[4] = {0};
    jy_month m;
    jy_err e;
    if (jy_month_parse(month ? month : "", &m, &e)) return jy_err_set(err, JY_EINVAL, "--month: expected YYYY-MM");
    if (!is_placement_program(program))
        return jy_err_set(err, JY_EINVAL, "--program %s: P10, P12, P13, P14 or P24", program ? program : "");
    for (int i = 0; i < COL__N; i++) col[i] = -1;
    if ((rc = jy_text_reader_open_file(path, JY_ENC_AUTO, &tr, err))) return rc;
    csv = jy_csv_new(jy_text_reader_read_cb, tr, 0);
    if (!csv) {
        rc = jy_err_set(err, JY_ENOMEM, "out of memory");
        goto done;
    }
    /* header: the first row naming an ID-number column (form titles above it are skipped) */
    while ((rc = jy_csv_next(csv, err)) == 1) {
        for (size_t i = 0; i < jy_csv_nfields(csv); i++) {
            int c = header_col(jy_csv_field(csv, i, NULL));
            if (c >= 0 && col[c] < 0) col[c] = (int)i;
        }
        if (col[COL_ID] >= 0) break;
    }
    if (rc < 0) goto done;
    if (col[COL_ID] < 0 || col[COL_DUTY] < 0) {
        rc = jy_err_set(err, JY_EINVAL, "%s: no header with 身份证号 and 出勤天数 (or 在岗天数) columns", path);
        goto done;
    }
    if ((rc = jy_store_begin(cs->st, err))) goto done;
    began = 1;
    while ((rc = jy_csv_next(csv, err)) == 1) {
        if (jy_csv_blank(csv)) continue;
        rows++;
        long line = (long)jy_csv_line_no(csv);
        const char *v[COL__N];
        for (int i = 0; i < COL__N; i++)
            v[i] = col[i] >= 0 && (size_t)col[i] < jy_csv_nfields(csv) ? jy_csv_field(csv, (size_t)col[i], NULL) : "";
        if (strcmp(v[COL_ID], "合计") == 0 || v[COL_ID][0] == 0) {
            rows--;
            continue;
        }
        jy_attendance a;
        memset(&a, 0, sizeof a);
        snprintf(a.month, sizeof a.month, "%s", month);
        const char *why = NULL;
        if (parse_int(v[COL_DUTY], &a.duty_days) || !*v[COL_DUTY]) why = "出勤天数 must be a whole number of days";
        else if (parse_int(v[COL_PL], &a.personal_leave)) why = "事假天数 must be a whole number of days";
        else if (parse_int(v[COL_SL], &a.sick_leave)) why = "病假天数 must be a whole number of days";
        else if (parse_yes(v[COL_CERT], &a.sick_certificate)) why = "病假证明 must be 是 or 否";
        else if (parse_yes(v[COL_CONTRACT], &a.contract_with_host)) why = "签订合同 must be 是 or 否";
        else if (parse_int(v[COL_SIM], &a.si_months)) why = "缴费月数 must be a whole number";
        else if (*v[COL_SI] && jy_money_parse(v[COL_SI], &a.si_paid, &e)) why = "灵活就业缴费 must be an amount in yuan";
        if (!why) {
            jy_person p;
            find_ctx fc = {.m = m};
            if (jy_store_person_get_by_idcard(cs->st, v[COL_ID], &p, &e)) {
                why = "the person is not registered";
            } else {
                jy_placement_filter pf = {.program = program, .person_id = p.id};
                if ((rc = jy_store_placement_list(cs->st, &pf, on_candidate, &fc, err))) goto done;
                if (fc.n == 0) why = "the person has no placement of this programme in post this month";
                else if (fc.n > 1) why = "the person has several placements of this programme this month";
            }
            if (!why) {
                a.placement_id = fc.found.id;
                int result = 0;
                rc = jy_attendance_set(cs, &a, actor, &result, &e);
                if (rc == JY_EINVAL || rc == JY_ECONFLICT) {
                    rc = 0;
                    if (nbad < 20) jy_sb_appendf(&bad, "%sline %ld (%s): %s", nbad ? "; " : "", line, v[COL_ID], e.msg);
                    nbad++;
                    continue;
                }
                if (rc) {
                    *err = e;
                    goto done;
                }
                counts[result]++;
            }
        }
        if (why) {
            if (nbad < 20) jy_sb_appendf(&bad, "%sline %ld (%s): %s", nbad ? "; " : "", line, v[COL_ID], why);
            nbad++;
        }
    }
    if (rc < 0) goto done;
    rc = 0;
    if (nbad) {
        rc = jy_err_set(err, JY_EINVAL, "%s: %d bad row(s), nothing imported: %s", path, nbad, jy_sb_cstr(&bad));
        goto done;
    }
    jy_sb_appendc(report, '{');
    jy_sb_json_kv_str(report, "program", program);
    jy_sb_json_kv_str(report, "month", month);
    jy_sb_json_kv_i64(report, "rows", rows);
    jy_sb_json_kv_i64(report, "created", counts[JY_PUT_CREATED]);
    jy_sb_json_kv_i64(report, "updated", counts[JY_PUT_UPDATED]);
    jy_sb_json_kv_i64(report, "unchanged", counts[JY_PUT_UNCHANGED]);
    jy_sb_appendc(report, '}');
done:
    if (began) {
        if (rc == 0) rc = jy_store_commit(cs->st, err);
        else jy_store_rollback(cs->st, NULL);
    }
    jy_csv_free(csv);
    jy_text_reader_free(tr);
    jy_sb_free(&bad);
    return rc;
}
