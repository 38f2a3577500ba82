/* placement_store.c — the store functions of placements, monthly attendance and payroll runs
 * and lines (placement_store.h), for both backends.
 *
 * Like ledger_store.c, every statement is one SQL text valid in SQLite and PostgreSQL ($n
 * parameters, CAST, RETURNING) and runs through the ledger's statement runners (ledger_db.h) on
 * the handle's own connection, so it joins the handle's transactions. Each change runs inside
 * jy_store_begin/commit (a savepoint inside a caller's transaction) and appends its audit entry
 * through the backend's audit_append in the same transaction. */
#include "store/placement_store.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/money.h"
#include "store/ledger_db.h"

/* ---------------------------------------------------------------- plumbing */

static jy_date date_of(const char *s)
{
    jy_date d = 0;
    jy_err e;
    if (s && *s && jy_date_parse(s, &d, &e)) d = 0;
    return d;
}

/* "" for 0, else YYYY-MM-DD (buf ≥ JY_DATE_BUFSZ). */
static const char *date_text(jy_date d, char *buf)
{
    if (!d) {
        buf[0] = 0;
        return buf;
    }
    return jy_date_format(d, buf);
}

static int get_id(void *ctx, int ncol, const char *const *col)
{
    (void)ncol;
    *(int64_t *)ctx = jl_i64(col[0]);
    return 1;
}

static void money_kv(jy_sb *sb, const char *key, int64_t fen)
{
    char buf[JY_MONEY_BUFSZ];
    jy_sb_json_kv_str(sb, key, jy_money_format_plain(fen, buf));
}

static void date_kv(jy_sb *sb, const char *key, jy_date d)
{
    char buf[JY_DATE_BUFSZ];
    jy_sb_json_key(sb, key);
    jy_sb_json_str(sb, d ? jy_date_format(d, buf) : NULL);
}

static const char *const claim_names[JY_CLAIM__COUNT] = {"monthly", "settling_in", "social_insurance"};

const char *jy_payroll_claim_name(int c)
{
    return c >= 0 && c < JY_CLAIM__COUNT ? claim_names[c] : "";
}

int jy_payroll_claim_of(const char *s)
{
    for (int i = 0; s && i < JY_CLAIM__COUNT; i++)
        if (strcmp(s, claim_names[i]) == 0) return i;
    return -1;
}

/* ---------------------------------------------------------------- JSON */

void jy_placement_json(jy_sb *sb, const jy_placement *p)
{
    jy_sb_appendc(sb, '{');
    jy_sb_json_kv_i64(sb, "id", p->id);
    jy_sb_json_kv_str(sb, "county", p->county);
    jy_sb_json_key(sb, "case_id");
    if (p->case_id) jy_sb_append_i64(sb, p->case_id);
    else jy_sb_append(sb, "null");
    jy_sb_json_kv_str(sb, "program", p->program);
    jy_sb_json_kv_i64(sb, "person_id", p->person_id);
    if (p->idcard[0]) jy_sb_json_kv_str(sb, "idcard", p->idcard);
    if (p->person_name[0]) jy_sb_json_kv_str(sb, "name", p->person_name);
    jy_sb_json_kv_i64(sb, "host_org_id", p->host_org_id);
    if (p->host_name[0]) jy_sb_json_kv_str(sb, "host", p->host_name);
    date_kv(sb, "start", p->start_on);
    date_kv(sb, "planned_end", p->planned_end);
    date_kv(sb, "actual_end", p->actual_end);
    jy_sb_json_kv_str(sb, "end_reason", p->end_reason);
    jy_sb_json_kv_str(sb, "status", p->status);
    jy_sb_json_kv_bool(sb, "new_recruit", p->new_recruit);
    jy_sb_json_kv_str(sb, "created_by", p->created_by);
    jy_sb_json_kv_str(sb, "created_at", p->created_at);
    jy_sb_appendc(sb, '}');
}

void jy_attendance_json(jy_sb *sb, const jy_attendance *a)
{
    jy_sb_appendc(sb, '{');
    jy_sb_json_kv_i64(sb, "placement_id", a->placement_id);
    jy_sb_json_kv_str(sb, "month", a->month);
    jy_sb_json_kv_str(sb, "county", a->county);
    jy_sb_json_kv_i64(sb, "duty_days", a->duty_days);
    jy_sb_json_kv_i64(sb, "personal_leave", a->personal_leave);
    jy_sb_json_kv_i64(sb, "sick_leave", a->sick_leave);
    jy_sb_json_kv_bool(sb, "sick_certificate", a->sick_certificate);
    jy_sb_json_kv_bool(sb, "contract_with_host", a->contract_with_host);
    money_kv(sb, "si_paid", a->si_paid);
    jy_sb_json_kv_i64(sb, "si_months", a->si_months);
    jy_sb_json_kv_str(sb, "reported_at", a->reported_at);
    jy_sb_json_kv_str(sb, "reported_by", a->reported_by);
    jy_sb_appendc(sb, '}');
}

void jy_payroll_run_json(jy_sb *sb, const jy_payroll_run *r)
{
    jy_sb_appendc(sb, '{');
    jy_sb_json_kv_i64(sb, "id", r->id);
    jy_sb_json_kv_str(sb, "county", r->county);
    jy_sb_json_kv_str(sb, "program", r->program);
    jy_sb_json_kv_str(sb, "month", r->month);
    jy_sb_json_kv_str(sb, "ruleset", r->ruleset);
    jy_sb_json_kv_i64(sb, "runs", r->runs);
    jy_sb_json_kv_str(sb, "created_by", r->created_by);
    jy_sb_json_kv_str(sb, "created_at", r->created_at);
    jy_sb_json_kv_str(sb, "updated_at", r->updated_at);
    jy_sb_appendc(sb, '}');
}

void jy_payroll_line_json(jy_sb *sb, const jy_payroll_line *l)
{
    jy_sb_appendc(sb, '{');
    jy_sb_json_kv_i64(sb, "id", l->id);
    jy_sb_json_kv_i64(sb, "run_id", l->run_id);
    if (l->program[0]) jy_sb_json_kv_str(sb, "program", l->program);
    if (l->month[0]) jy_sb_json_kv_str(sb, "month", l->month);
    jy_sb_json_kv_i64(sb, "placement_id", l->placement_id);
    if (l->person_id) jy_sb_json_kv_i64(sb, "person_id", l->person_id);
    jy_sb_json_kv_str(sb, "claim", jy_payroll_claim_name(l->claim));
    jy_sb_json_kv_str(sb, "decision", l->decision);
    jy_sb_json_key(sb, "amount");
    if (l->amount) {
        char buf[JY_MONEY_BUFSZ];
        jy_sb_json_str(sb, jy_money_format_plain(l->amount, buf));
    } else {
        jy_sb_append(sb, "null");
    }
    jy_sb_json_kv_str(sb, "status", l->status);
    jy_sb_json_key(sb, "payable_id");
    if (l->payable_id) jy_sb_append_i64(sb, l->payable_id);
    else jy_sb_append(sb, "null");
    jy_sb_json_key(sb, "payable_status");
    jy_sb_json_str(sb, l->payable_status[0] ? l->payable_status : NULL);
    jy_sb_json_kv_str(sb, "ruleset", l->ruleset);
    jy_sb_json_kv_str(sb, "reviewed_by", l->reviewed_by);
    jy_sb_json_kv_str(sb, "review_reason", l->review_reason);
    jy_sb_json_kv_str(sb, "updated_at", l->updated_at);
    jy_sb_json_key(sb, "facts");
    jy_sb_append(sb, l->facts && *l->facts ? l->facts : "{}");
    jy_sb_json_key(sb, "result");
    jy_sb_append(sb, l->decision_json && *l->decision_json ? l->decision_json : "null");
    jy_sb_appendc(sb, '}');
}

/* ---------------------------------------------------------------- placements */

#define PLACEMENT_COLS                                                                                        \
    "p.id, p.county, p.case_id, p.program, p.person_id, p.host_org_id, p.start_on, p.planned_end, "         \
    "p.actual_end, p.end_reason, p.status, p.new_recruit, p.created_by, p.created_at, pe.idcard, pe.name, "   \
    "o.name"
#define PLACEMENT_FROM " FROM placements p JOIN persons pe ON pe.id = p.person_id JOIN orgs o ON o.id = p.host_org_id"

static void placement_row(jy_placement *p, const char *const *c)
{
    memset(p, 0, sizeof *p);
    p->id = jl_i64(c[0]);
    jl_cp(p->county, sizeof p->county, c[1]);
    p->case_id = jl_i64(c[2]);
    jl_cp(p->program, sizeof p->program, c[3]);
    p->person_id = jl_i64(c[4]);
    p->host_org_id = jl_i64(c[5]);
    p->start_on = date_of(c[6]);
    p->planned_end = date_of(c[7]);
    p->actual_end = date_of(c[8]);
    jl_cp(p->end_reason, sizeof p->end_reason, c[9]);
    jl_cp(p->status, sizeof p->status, c[10]);
    p->new_recruit = (int)jl_i64(c[11]);
    jl_cp(p->created_by, sizeof p->created_by, c[12]);
    jl_cp(p->created_at, sizeof p->created_at, c[13]);
    jl_cp(p->idcard, sizeof p->idcard, c[14]);
    jl_cp(p->person_name, sizeof p->person_name, c[15]);
    jl_cp(p->host_name, sizeof p->host_name, c[16]);
}

typedef struct placement_one {
    int found;
    jy_placement *out;
} placement_one;

static int on_placement_one(void *ctx, int ncol, const char *const *col)
{
    placement_one *o = ctx;
    (void)ncol;
    placement_row(o->out, col);
    o->found = 1;
    return 1;
}

int jy_store_placement_get(jy_store *st, int64_t id, jy_placement *out, jy_err *err)
{
    placement_one o = {0, out};
    jl_val p[1] = {JL_I(id)};
    int rc = jl_run(st, "SELECT " PLACEMENT_COLS PLACEMENT_FROM " WHERE p.id = $1", p, 1, on_placement_one, &o, NULL,
                 "reading a placement", err);
    if (rc) return rc;
    if (!o.found)
        return jy_err_set2(err, JY_ENOTFOUND, "store.placement.not_found", "placement %lld: no such placement",
                           "岗位安置 %lld：不存在", (long long)id);
    return jy_store_scope_hide(st, "placement", id, out->county, err);
}

int jy_store_placement_add(jy_store *st, jy_placement *p, const char *actor, jy_err *err)
{
    char now[32], d1[JY_DATE_BUFSZ], d2[JY_DATE_BUFSZ], d3[JY_DATE_BUFSZ];
    jy_sb js = JY_SB_INIT;
    jy_store_now(now, sizeof now);
    if (jy_store_scope_refuse(st, "placement in", p->program, p->county, err)) return JY_ECONFLICT;
    int rc = jy_store_begin(st, err);
    if (rc) return rc;
    jl_cp(p->created_at, sizeof p->created_at, now);
    jl_cp(p->created_by, sizeof p->created_by, jl_actor(actor));
    if (!p->status[0]) memcpy(p->status, "active", 7);
    jl_val v[13] = {JL_S(p->county), p->case_id ? JL_I(p->case_id) : JL_N, JL_S(p->program), JL_I(p->person_id),
                    JL_I(p->host_org_id), JL_S(date_text(p->start_on, d1)), JL_S(date_text(p->planned_end, d2)),
                    JL_S(date_text(p->actual_end, d3)), JL_S(p->end_reason), JL_S(p->status),
                    JL_I(p->new_recruit), JL_S(p->created_by), JL_S(p->created_at)};
    p->id = 0;
    rc = jl_run(st,
             "INSERT INTO placements(county, case_id, program, person_id, host_org_id, start_on, planned_end, "
             "actual_end, end_reason, status, new_recruit, created_by, created_at) "
             "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
             v, 13, get_id, &p->id, NULL, "adding a placement", err);
    if (rc == 0) {
        jy_placement_json(&js, p);
        rc = jl_audit(st, actor, p->county, "placement", p->id, "start", NULL, jy_sb_cstr(&js), err);
    }
    jy_sb_free(&js);
    return jl_leave(st, rc, err);
}

int jy_store_placement_close(jy_store *st, int64_t id, const char *expect_status, const char *status,
                             jy_date actual_end, const char *reason, const char *action, const char *actor,
                             jy_err *err)
{
    jy_placement before, after;
    jy_sb b = JY_SB_INIT, a = JY_SB_INIT;
    char d[JY_DATE_BUFSZ];
    int64_t n = 0;
    int rc = jy_store_begin(st, err);
    if (rc) return rc;
    if ((rc = jy_store_placement_get(st, id, &before, err))) goto done;
    if (strcmp(before.status, expect_status) != 0) {
        rc = jy_err_set2(err, JY_ECONFLICT, "store.placement.status", "placement %lld is %s, not %s",
                         "岗位安置 %lld 的状态为 %s，而不是 %s", (long long)id, before.status, expect_status);
        goto done;
    }
    jl_val v[5] = {JL_I(id), JL_S(status), JL_S(date_text(actual_end, d)), JL_S(reason ? reason : ""),
                   JL_S(expect_status)};
    rc = jl_run(st,
             "UPDATE placements SET status = $2, actual_end = $3, end_reason = $4 WHERE id = $1 AND status = $5 "
             "RETURNING id",
             v, 5, NULL, NULL, &n, "closing a placement", err);
    if (rc == 0 && n != 1)
        rc = jy_err_set2(err, JY_ECONFLICT, "store.placement.changed", "placement %lld changed meanwhile",
                         "岗位安置 %lld 已被他人同时修改，请重新查看", (long long)id);
    if (rc == 0) rc = jy_store_placement_get(st, id, &after, err);
    if (rc == 0) {
        jy_placement_json(&b, &before);
        jy_placement_json(&a, &after);
        rc = jl_audit(st, actor, before.county, "placement", id, action, jy_sb_cstr(&b), jy_sb_cstr(&a), err);
    }
done:
    jy_sb_free(&b);
    jy_sb_free(&a);
    return jl_leave(st, rc, err);
}

typedef struct placement_walk {
    int (*fn)(void *ctx, const jy_placement *p);
    void *ctx;
    int stopped;
} placement_walk;

static int on_placement(void *ctx, int ncol, const char *const *col)
{
    placement_walk *w = ctx;
    jy_placement p;
    (void)ncol;
    placement_row(&p, col);
    if (w->fn(w->ctx, &p)) {
        w->stopped = 1;
        return 1;
    }
    return 0;
}

int jy_store_placement_list(jy_store *st, const jy_placement_filter *f,
                            int (*fn)(void *ctx, const jy_placement *p), void *ctx, jy_err *err)
{
    placement_walk w = {fn, ctx, 0};
    if (f->county && *f->county && jy_store_scope_refuse(st, "the placements of", f->county, f->county, err))
        return JY_ECONFLICT;
    jl_val v[7] = {f->county ? JL_S(f->county) : JL_N,           f->program ? JL_S(f->program) : JL_N,
                   f->status ? JL_S(f->status) : JL_N,           JL_I(f->person_id),
                   JL_I(f->host_org_id),                         JL_I(f->limit > 0 ? f->limit : INT64_MAX / 2),
                   st->scope[0] ? JL_S(st->scope) : JL_N};
    return jl_run(st,
               "SELECT " PLACEMENT_COLS PLACEMENT_FROM
               " WHERE (CAST($1 AS text) IS NULL OR p.county = $1) AND (CAST($2 AS text) IS NULL OR p.program = $2)"
               " AND (CAST($3 AS text) IS NULL OR p.status = $3) AND (CAST($4 AS bigint) = 0 OR p.person_id = $4)"
               " AND (CAST($5 AS bigint) = 0 OR p.host_org_id = $5)"
               " AND (CAST($7 AS text) IS NULL OR p.county LIKE CAST($7 AS text) || '%') ORDER BY p.id LIMIT $6",
               v, 7, on_placement, &w, NULL, "listing placements", err);
}

/* ---------------------------------------------------------------- attendance */

#define ATT_COLS                                                                                              \
    "placement_id, month, county, duty_days, personal_leave, sick_leave, sick_certificate, contract_with_host, " \
    "si_paid, si_months, reported_at, reported_by"

static void att_row(jy_attendance *a, const char *const *c)
{
    memset(a, 0, sizeof *a);
    a->placement_id = jl_i64(c[0]);
    jl_cp(a->month, sizeof a->month, c[1]);
    jl_cp(a->county, sizeof a->county, c[2]);
    a->duty_days = (int)jl_i64(c[3]);
    a->personal_leave = (int)jl_i64(c[4]);
    a->sick_leave = (int)jl_i64(c[5]);
    a->sick_certificate = (int)jl_i64(c[6]);
    a->contract_with_host = (int)jl_i64(c[7]);
    a->si_paid = jl_i64(c[8]);
    a->si_months = (int)jl_i64(c[9]);
    jl_cp(a->reported_at, sizeof a->reported_at, c[10]);
    jl_cp(a->reported_by, sizeof a->reported_by, c[11]);
}

typedef struct att_one {
    int found;
    jy_attendance *out;
} att_one;

static int on_att_one(void *ctx, int ncol, const char *const *col)
{
    att_one *o = ctx;
    (void)ncol;
    att_row(o->out, col);
    o->found = 1;
    return 1;
}

int jy_store_attendance_get(jy_store *st, int64_t placement_id, const char *month, jy_attendance *out,
                            jy_err *err)
{
    att_one o = {0, out};
    jy_placement pl;
    int rc0 = st->scope[0] ? jy_store_placement_get(st, placement_id, &pl, err) : 0;
    if (rc0) return rc0;
    jl_val v[2] = {JL_I(placement_id), JL_S(month)};
    int rc = jl_run(st, "SELECT " ATT_COLS " FROM attendance WHERE placement_id = $1 AND month = $2", v, 2, on_att_one,
                 &o, NULL, "reading attendance", err);
    if (rc) return rc;
    if (!o.found)
        return jy_err_set2(err, JY_ENOTFOUND, "store.placement.no_attendance",
                           "placement %lld has no attendance for %s", "岗位安置 %lld 没有 %s 的考勤",
                           (long long)placement_id, month);
    return 0;
}

static int att_same(const jy_attendance *x, const jy_attendance *y)
{
    return x->duty_days == y->duty_days && x->personal_leave == y->personal_leave && x->sick_leave == y->sick_leave &&
           x->sick_certificate == y->sick_certificate && x->contract_with_host == y->contract_with_host &&
           x->si_paid == y->si_paid && x->si_months == y->si_months;
}

int jy_store_attendance_put(jy_store *st, jy_attendance *a, const char *actor, int *result, jy_err *err)
{
    jy_attendance before;
    jy_sb b = JY_SB_INIT, js = JY_SB_INIT;
    char now[32];
    if (jy_store_scope_refuse(st, "attendance in", a->month, a->county, err)) return JY_ECONFLICT;
    int rc = jy_store_begin(st, err);
    if (rc) return rc;
    int had = 0;
    rc = jy_store_attendance_get(st, a->placement_id, a->month, &before, err);
    if (rc == 0) had = 1;
    else if (rc == JY_ENOTFOUND) rc = 0;
    if (rc) goto done;
    if (had && att_same(&before, a)) {
        *a = before;
        if (result) *result = JY_PUT_UNCHANGED;
        goto done;
    }
    jy_store_now(now, sizeof now);
    jl_cp(a->reported_at, sizeof a->reported_at, now);
    jl_cp(a->reported_by, sizeof a->reported_by, jl_actor(actor));
    jl_val v[12] = {JL_I(a->placement_id), JL_S(a->month),          JL_S(a->county),
                    JL_I(a->duty_days),    JL_I(a->personal_leave), JL_I(a->sick_leave),
                    JL_I(a->sick_certificate), JL_I(a->contract_with_host), JL_I(a->si_paid),
                    JL_I(a->si_months),    JL_S(a->reported_at),    JL_S(a->reported_by)};
    if (had)
        rc = jl_run(st,
                 "UPDATE attendance SET county = $3, duty_days = $4, personal_leave = $5, sick_leave = $6, sick_certificate = $7, "
                 "contract_with_host = $8, si_paid = $9, si_months = $10, reported_at = $11, reported_by = $12 "
                 "WHERE placement_id = $1 AND month = $2",
                 v, 12, NULL, NULL, NULL, "updating attendance", err);
    else
        rc = jl_run(st, "INSERT INTO attendance(" ATT_COLS ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                 v, 12, NULL, NULL, NULL, "adding attendance", err);
    if (rc) goto done;
    if (had) jy_attendance_json(&b, &before);
    jy_attendance_json(&js, a);
    rc = jl_audit(st, actor, a->county, "attendance", a->placement_id, "set", had ? jy_sb_cstr(&b) : NULL,
               jy_sb_cstr(&js), err);
    if (rc == 0 && result) *result = had ? JY_PUT_UPDATED : JY_PUT_CREATED;
done:
    jy_sb_free(&b);
    jy_sb_free(&js);
    return jl_leave(st, rc, err);
}

typedef struct att_walk {
    int (*fn)(void *ctx, const jy_attendance *a);
    void *ctx;
} att_walk;

static int on_att(void *ctx, int ncol, const char *const *col)
{
    att_walk *w = ctx;
    jy_attendance a;
    (void)ncol;
    att_row(&a, col);
    return w->fn(w->ctx, &a);
}

int jy_store_attendance_list(jy_store *st, int64_t placement_id, int (*fn)(void *ctx, const jy_attendance *a),
                             void *ctx, jy_err *err)
{
    att_walk w = {fn, ctx};
    jy_placement pl;
    int rc0 = st->scope[0] ? jy_store_placement_get(st, placement_id, &pl, err) : 0;
    if (rc0) return rc0;
    jl_val v[1] = {JL_I(placement_id)};
    return jl_run(st, "SELECT " ATT_COLS " FROM attendance WHERE placement_id = $1 ORDER BY month", v, 1, on_att, &w,
               NULL, "listing attendance", err);
}

/* ---------------------------------------------------------------- runs */

#define RUN_COLS "id, county, program, month, ruleset, runs, created_by, created_at, updated_at"

typedef struct run_one {
    int found;
    jy_payroll_run *out;
} run_one;

static int on_run_one(void *ctx, int ncol, const char *const *c)
{
    run_one *o = ctx;
    jy_payroll_run *r = o->out;
    (void)ncol;
    memset(r, 0, sizeof *r);
    r->id = jl_i64(c[0]);
    jl_cp(r->county, sizeof r->county, c[1]);
    jl_cp(r->program, sizeof r->program, c[2]);
    jl_cp(r->month, sizeof r->month, c[3]);
    jl_cp(r->ruleset, sizeof r->ruleset, c[4]);
    r->runs = (int)jl_i64(c[5]);
    jl_cp(r->created_by, sizeof r->created_by, c[6]);
    jl_cp(r->created_at, sizeof r->created_at, c[7]);
    jl_cp(r->updated_at, sizeof r->updated_at, c[8]);
    o->found = 1;
    return 1;
}

int jy_store_payroll_run_get(jy_store *st, int64_t id, jy_payroll_run *out, jy_err *err)
{
    jy_payroll_run key = *out;
    run_one o = {0, out};
    int rc;
    if (id) {
        jl_val v[1] = {JL_I(id)};
        rc = jl_run(st, "SELECT " RUN_COLS " FROM payroll_runs WHERE id = $1", v, 1, on_run_one, &o, NULL,
                 "reading a payroll run", err);
    } else {
        jl_val v[3] = {JL_S(key.county), JL_S(key.program), JL_S(key.month)};
        rc = jl_run(st, "SELECT " RUN_COLS " FROM payroll_runs WHERE county = $1 AND program = $2 AND month = $3", v, 3,
                 on_run_one, &o, NULL, "reading a payroll run", err);
    }
    if (rc) return rc;
    if (!o.found) {
        if (id)
            return jy_err_set2(err, JY_ENOTFOUND, "store.payroll.run_not_found", "payroll run %lld: no such run",
                               "工资核发批次 %lld：不存在", (long long)id);
        return jy_err_set2(err, JY_ENOTFOUND, "store.payroll.no_run",
                           "no payroll run for %s %s (county %s): run it first (jiuye payroll run)",
                           "%s %s（县 %s）还没有工资核发批次：请先运行 jiuye payroll run", key.program, key.month,
                           key.county);
    }
    return jy_store_scope_hide(st, "payroll run", out->id, out->county, err);
}

int jy_store_payroll_run_begin(jy_store *st, jy_payroll_run *r, const char *actor, jy_err *err)
{
    char now[32];
    jy_sb js = JY_SB_INIT;
    jy_payroll_run found = *r;
    if (jy_store_scope_refuse(st, "payroll run of", r->program, r->county, err)) return JY_ECONFLICT;
    int rc = jy_store_begin(st, err);
    if (rc) return rc;
    jy_store_now(now, sizeof now);
    rc = jy_store_payroll_run_get(st, 0, &found, err);
    if (rc == 0) {
        jl_val v[3] = {JL_I(found.id), JL_S(r->ruleset), JL_S(now)};
        rc = jl_run(st, "UPDATE payroll_runs SET runs = runs + 1, ruleset = $2, updated_at = $3 WHERE id = $1", v, 3,
                 NULL, NULL, NULL, "updating a payroll run", err);
        if (rc == 0) rc = jy_store_payroll_run_get(st, found.id, r, err);
    } else if (rc == JY_ENOTFOUND) {
        jl_cp(r->created_by, sizeof r->created_by, jl_actor(actor));
        jl_cp(r->created_at, sizeof r->created_at, now);
        jl_cp(r->updated_at, sizeof r->updated_at, now);
        r->runs = 1;
        jl_val v[7] = {JL_S(r->county),     JL_S(r->program),    JL_S(r->month),     JL_S(r->ruleset),
                       JL_S(r->created_by), JL_S(r->created_at), JL_S(r->updated_at)};
        rc = jl_run(st,
                 "INSERT INTO payroll_runs(county, program, month, ruleset, runs, created_by, created_at, updated_at) "
                 "VALUES ($1, $2, $3, $4, 1, $5, $6, $7) RETURNING id",
                 v, 7, get_id, &r->id, NULL, "adding a payroll run", err);
    }
    if (rc == 0) {
        jy_payroll_run_json(&js, r);
        rc = jl_audit(st, actor, r->county, "payroll_run", r->id, "run", NULL, jy_sb_cstr(&js), err);
    }
    jy_sb_free(&js);
    return jl_leave(st, rc, err);
}

/* ---------------------------------------------------------------- sources */

typedef struct src_walk {
    int (*fn)(void *ctx, const jy_payroll_src *s);
    void *ctx;
} src_walk;

static int on_src(void *ctx, int ncol, const char *const *c)
{
    src_walk *w = ctx;
    jy_payroll_src s;
    (void)ncol;
    memset(&s, 0, sizeof s);
    s.placement_id = jl_i64(c[0]);
    s.case_id = jl_i64(c[1]);
    s.person_id = jl_i64(c[2]);
    s.start_on = date_of(c[3]);
    s.planned_end = date_of(c[4]);
    s.actual_end = date_of(c[5]);
    jl_cp(s.status, sizeof s.status, c[6]);
    s.new_recruit = (int)jl_i64(c[7]);
    s.has_attendance = c[8] != NULL;
    s.duty_days = (int)jl_i64(c[8]);
    s.personal_leave = (int)jl_i64(c[9]);
    s.sick_leave = (int)jl_i64(c[10]);
    s.sick_certificate = (int)jl_i64(c[11]);
    s.contract_with_host = (int)jl_i64(c[12]);
    s.si_paid = jl_i64(c[13]);
    s.si_months = (int)jl_i64(c[14]);
    jl_cp(s.idcard, sizeof s.idcard, c[15]);
    s.host_org_id = jl_i64(c[16]);
    return w->fn(w->ctx, &s);
}

int jy_store_payroll_sources(jy_store *st, const char *county, const char *program, const char *month,
                             int (*fn)(void *ctx, const jy_payroll_src *s), void *ctx, jy_err *err)
{
    jy_month m;
    jy_err e;
    if (jy_month_parse(month, &m, &e))
        return jy_err_set2(err, JY_EINVAL, "month.format_ym", "month %s: expected YYYY-MM", "月份 %s：应为 YYYY-MM",
                           month);
    char first[JY_DATE_BUFSZ], last[JY_DATE_BUFSZ];
    jy_date_format(jy_month_first_day(m), first);
    jy_date_format(jy_month_last_day(m), last);
    src_walk w = {fn, ctx};
    if (jy_store_scope_refuse(st, "the placements of", county, county, err)) return JY_ECONFLICT;
    jl_val v[5] = {JL_S(county), JL_S(program), JL_S(month), JL_S(first), JL_S(last)};
    return jl_run(st,
               "SELECT p.id, p.case_id, p.person_id, p.start_on, p.planned_end, p.actual_end, p.status, p.new_recruit,"
               " a.duty_days, a.personal_leave, a.sick_leave, a.sick_certificate,"
               " (SELECT max(a2.contract_with_host) FROM attendance a2 WHERE a2.placement_id = p.id"
               " AND a2.month <= $3), a.si_paid, a.si_months, pe.idcard, p.host_org_id"
               " FROM placements p JOIN persons pe ON pe.id = p.person_id"
               " LEFT JOIN attendance a ON a.placement_id = p.id AND a.month = $3"
               " WHERE p.county = $1 AND p.program = $2 AND p.status <> 'cancelled' AND p.start_on <= $5"
               " AND (p.actual_end = '' OR p.actual_end >= $4) ORDER BY p.id",
               v, 5, on_src, &w, NULL, "reading the month's placements and attendance", err);
}

/* ---------------------------------------------------------------- lines */

#define LINE_COLS                                                                                              \
    "l.id, l.run_id, l.county, l.placement_id, l.claim, l.decision, l.amount, l.status, l.payable_id, l.facts, " \
    "l.decision_json, l.ruleset, l.reviewed_by, l.review_reason, l.updated_at, r.program, r.month, "             \
    "coalesce(py.status, ''), p.person_id"
#define LINE_FROM                                                                                              \
    " FROM payroll_lines l JOIN payroll_runs r ON r.id = l.run_id JOIN placements p ON p.id = l.placement_id"   \
    " LEFT JOIN payables py ON py.id = l.payable_id"

static void line_row(jy_payroll_line *l, const char *const *c)
{
    memset(l, 0, sizeof *l);
    l->id = jl_i64(c[0]);
    l->run_id = jl_i64(c[1]);
    jl_cp(l->county, sizeof l->county, c[2]);
    l->placement_id = jl_i64(c[3]);
    l->claim = jy_payroll_claim_of(c[4]);
    jl_cp(l->decision, sizeof l->decision, c[5]);
    l->amount = jl_i64(c[6]);
    jl_cp(l->status, sizeof l->status, c[7]);
    l->payable_id = jl_i64(c[8]);
    l->facts = c[9];
    l->decision_json = c[10];
    jl_cp(l->ruleset, sizeof l->ruleset, c[11]);
    jl_cp(l->reviewed_by, sizeof l->reviewed_by, c[12]);
    jl_cp(l->review_reason, sizeof l->review_reason, c[13]);
    jl_cp(l->updated_at, sizeof l->updated_at, c[14]);
    jl_cp(l->program, sizeof l->program, c[15]);
    jl_cp(l->month, sizeof l->month, c[16]);
    jl_cp(l->payable_status, sizeof l->payable_status, c[17]);
    l->person_id = jl_i64(c[18]);
}

typedef struct line_one {
    int found;
    jy_payroll_line *out;
    jy_sb *text;
} line_one;

static int on_line_one(void *ctx, int ncol, const char *const *col)
{
    line_one *o = ctx;
    (void)ncol;
    line_row(o->out, col);
    /* keep both texts in one buffer: facts, NUL, decision JSON */
    jy_sb_reset(o->text);
    jy_sb_append(o->text, col[9] ? col[9] : "");
    size_t at = o->text->len + 1;
    jy_sb_appendc(o->text, 0);
    jy_sb_append(o->text, col[10] ? col[10] : "");
    o->out->facts = o->text->buf;
    o->out->decision_json = o->text->buf + at;
    o->found = 1;
    return 1;
}

int jy_store_payroll_line_get(jy_store *st, int64_t id, jy_payroll_line *out, jy_sb *text, jy_err *err)
{
    line_one o = {0, out, text};
    jl_val v[1] = {JL_I(id)};
    int rc = jl_run(st, "SELECT " LINE_COLS LINE_FROM " WHERE l.id = $1", v, 1, on_line_one, &o, NULL,
                 "reading a payroll line", err);
    if (rc) return rc;
    if (!o.found)
        return jy_err_set2(err, JY_ENOTFOUND, "store.payroll.line_not_found", "payroll line %lld: no such line",
                           "工资明细 %lld：不存在", (long long)id);
    return jy_store_scope_hide(st, "payroll line", id, out->county, err);
}

int jy_store_payroll_line_add(jy_store *st, jy_payroll_line *l, const char *actor, jy_err *err)
{
    char now[32];
    jy_sb js = JY_SB_INIT;
    jy_store_now(now, sizeof now);
    if (jy_store_scope_refuse(st, "payroll line of", l->month, l->county, err)) return JY_ECONFLICT;
    int rc = jy_store_begin(st, err);
    if (rc) return rc;
    jl_cp(l->updated_at, sizeof l->updated_at, now);
    jl_val v[14] = {JL_I(l->run_id),
                    JL_S(l->county),
                    JL_I(l->placement_id),
                    JL_S(jy_payroll_claim_name(l->claim)),
                    JL_S(l->decision),
                    JL_I(l->amount),
                    JL_S(l->status),
                    l->payable_id ? JL_I(l->payable_id) : JL_N,
                    JL_S(l->facts ? l->facts : "{}"),
                    JL_S(l->decision_json ? l->decision_json : "null"),
                    JL_S(l->ruleset),
                    JL_S(l->reviewed_by),
                    JL_S(l->review_reason),
                    JL_S(l->updated_at)};
    l->id = 0;
    rc = jl_run(st,
             "INSERT INTO payroll_lines(run_id, county, placement_id, claim, decision, amount, status, payable_id, "
             "facts, decision_json, ruleset, reviewed_by, review_reason, updated_at) "
             "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
             v, 14, get_id, &l->id, NULL, "adding a payroll line", err);
    if (rc == 0) {
        jy_payroll_line_json(&js, l);
        rc = jl_audit(st, actor, l->county, "payroll_line", l->id, "compute", NULL, jy_sb_cstr(&js), err);
    }
    jy_sb_free(&js);
    return jl_leave(st, rc, err);
}

static const char *const bulk_lines_sql[2] = JL_BULK_SQL(
    "payroll_lines",
    "id, run_id, county, placement_id, claim, decision, amount, status, payable_id, facts, decision_json, ruleset,"
    " reviewed_by, review_reason, updated_at",
    "CAST(v ->> 0 AS bigint), CAST(v ->> 1 AS bigint), v ->> 2, CAST(v ->> 3 AS bigint), v ->> 4, v ->> 5,"
    " CAST(v ->> 6 AS bigint), v ->> 7, CAST(v ->> 8 AS bigint), v ->> 9, v ->> 10, v ->> 11, v ->> 12, v ->> 13,"
    " v ->> 14");

/* Rows per statement of the bulk write. */
#define BULK_ROWS 500

int jy_store_payroll_lines_add_bulk(jy_store *st, jy_payroll_line *l, jy_payable *const *pay, size_t n,
                                    const char *actor, jy_err *err)
{
    if (n == 0) return 0;
    jl_ledger_bulk b;
    jl_rows rows;
    jy_sb js = JY_SB_INIT;
    int64_t next = 0;
    int rc = jy_store_begin(st, err);
    if (rc) return rc;
    jl_rows_init(&rows);
    if ((rc = jl_ledger_bulk_start(st, &b, err))) goto done;
    if ((rc = jl_run(st, "SELECT coalesce(max(id), 0) FROM payroll_lines", NULL, 0, get_id, &next, NULL,
                     "reading the last payroll line id", err)))
        goto done;
    next++;
    for (size_t i = 0; i < n; i++) {
        jy_payroll_line *x = &l[i];
        if (jy_store_scope_refuse(st, "payroll line of", x->month, x->county, err)) {
            rc = JY_ECONFLICT;
            goto done;
        }
        if (pay[i]) {
            if ((rc = jl_ledger_bulk_commit(&b, pay[i], actor, err))) {
                jy_err_prefix2(err, "payroll line %zu of %zu (placement %lld): ",
                               "第 %zu 条工资明细（共 %zu 条，岗位安置 %lld）：", i + 1, n, (long long)x->placement_id);
                goto done;
            }
            x->payable_id = pay[i]->id;
        }
        char now[32];
        jy_store_now(now, sizeof now);
        jl_cp(x->updated_at, sizeof x->updated_at, now);
        x->id = next++;
        jl_row_begin(&rows);
        jl_row_i64(&rows, x->id);
        jl_row_i64(&rows, x->run_id);
        jl_row_str(&rows, x->county);
        jl_row_i64(&rows, x->placement_id);
        jl_row_str(&rows, jy_payroll_claim_name(x->claim));
        jl_row_str(&rows, x->decision);
        jl_row_i64(&rows, x->amount);
        jl_row_str(&rows, x->status);
        if (x->payable_id) jl_row_i64(&rows, x->payable_id);
        else jl_row_null(&rows);
        jl_row_str(&rows, x->facts ? x->facts : "{}");
        jl_row_str(&rows, x->decision_json ? x->decision_json : "null");
        jl_row_str(&rows, x->ruleset);
        jl_row_str(&rows, x->reviewed_by);
        jl_row_str(&rows, x->review_reason);
        jl_row_str(&rows, x->updated_at);
        jl_row_end(&rows);
        jy_sb_reset(&js);
        jy_payroll_line_json(&js, x);
        if ((rc = jl_audit(st, actor, x->county, "payroll_line", x->id, "compute", NULL, jy_sb_cstr(&js), err)))
            goto done;
        if (rows.n == BULK_ROWS) { /* the payables first: the lines refer to them */
            if ((rc = jl_ledger_bulk_flush(&b, err)) ||
                (rc = jl_rows_insert(st, &rows, bulk_lines_sql, "adding payroll lines", err)))
                goto done;
        }
    }
    if ((rc = jl_ledger_bulk_finish(&b, err)) ||
        (rc = jl_rows_insert(st, &rows, bulk_lines_sql, "adding payroll lines", err)))
        goto done;
    if (jl_is_pg(st))
        rc = jl_run(st, "SELECT setval(pg_get_serial_sequence('payroll_lines', 'id'), (SELECT max(id) FROM payroll_lines))",
                    NULL, 0, NULL, NULL, NULL, "moving the payroll line id sequence", err);
done:
    jl_ledger_bulk_free(&b);
    jl_rows_free(&rows);
    jy_sb_free(&js);
    return jl_leave(st, rc, err);
}

int jy_store_payroll_line_update(jy_store *st, jy_payroll_line *l, const char *expect_status, const char *action,
                                 const char *actor, jy_err *err)
{
    char now[32];
    jy_sb b = JY_SB_INIT, a = JY_SB_INIT, text = JY_SB_INIT;
    jy_payroll_line before;
    int64_t n = 0;
    jy_store_now(now, sizeof now);
    int rc = jy_store_begin(st, err);
    if (rc) return rc;
    if ((rc = jy_store_payroll_line_get(st, l->id, &before, &text, err))) goto done;
    if (strcmp(before.status, expect_status) != 0) {
        rc = jy_err_set2(err, JY_ECONFLICT, "store.payroll.line_status", "payroll line %lld is %s, not %s",
                         "工资明细 %lld 的状态为 %s，而不是 %s", (long long)l->id, before.status, expect_status);
        goto done;
    }
    jl_cp(l->updated_at, sizeof l->updated_at, now);
    jl_val v[12] = {JL_I(l->id),
                    JL_S(l->decision),
                    JL_I(l->amount),
                    JL_S(l->status),
                    l->payable_id ? JL_I(l->payable_id) : JL_N,
                    JL_S(l->facts ? l->facts : "{}"),
                    JL_S(l->decision_json ? l->decision_json : "null"),
                    JL_S(l->ruleset),
                    JL_S(l->reviewed_by),
                    JL_S(l->review_reason),
                    JL_S(l->updated_at),
                    JL_S(expect_status)};
    rc = jl_run(st,
             "UPDATE payroll_lines SET decision = $2, amount = $3, status = $4, payable_id = $5, facts = $6, "
             "decision_json = $7, ruleset = $8, reviewed_by = $9, review_reason = $10, updated_at = $11 "
             "WHERE id = $1 AND status = $12 RETURNING id",
             v, 12, NULL, NULL, &n, "updating a payroll line", err);
    if (rc == 0 && n != 1)
        rc = jy_err_set2(err, JY_ECONFLICT, "store.payroll.line_changed", "payroll line %lld changed meanwhile",
                         "工资明细 %lld 已被他人同时修改，请重新查看", (long long)l->id);
    if (rc == 0) {
        jy_payroll_line_json(&b, &before);
        jy_payroll_line_json(&a, l);
        rc = jl_audit(st, actor, l->county, "payroll_line", l->id, action, jy_sb_cstr(&b), jy_sb_cstr(&a), err);
    }
done:
    jy_sb_free(&b);
    jy_sb_free(&a);
    jy_sb_free(&text);
    return jl_leave(st, rc, err);
}

typedef struct line_walk {
    int (*fn)(void *ctx, const jy_payroll_line *l);
    void *ctx;
} line_walk;

static int on_line(void *ctx, int ncol, const char *const *col)
{
    line_walk *w = ctx;
    jy_payroll_line l;
    (void)ncol;
    line_row(&l, col);
    return w->fn(w->ctx, &l);
}

int jy_store_payroll_lines(jy_store *st, const jy_payroll_line_filter *f,
                           int (*fn)(void *ctx, const jy_payroll_line *l), void *ctx, jy_err *err)
{
    line_walk w = {fn, ctx};
    jl_val v[6] = {JL_I(f->run_id), JL_I(f->placement_id), f->claim >= 0 ? JL_S(jy_payroll_claim_name(f->claim)) : JL_N,
                   f->status ? JL_S(f->status) : JL_N, JL_I(f->exclude_run), st->scope[0] ? JL_S(st->scope) : JL_N};
    return jl_run(st,
               "SELECT " LINE_COLS LINE_FROM
               " WHERE (CAST($1 AS bigint) = 0 OR l.run_id = $1) AND (CAST($2 AS bigint) = 0 OR l.placement_id = $2)"
               " AND (CAST($3 AS text) IS NULL OR l.claim = $3) AND (CAST($4 AS text) IS NULL OR l.status = $4)"
               " AND (CAST($5 AS bigint) = 0 OR l.run_id <> $5)"
               " AND (CAST($6 AS text) IS NULL OR l.county LIKE CAST($6 AS text) || '%') ORDER BY l.id",
               v, 6, on_line, &w, NULL, "listing payroll lines", err);
}
