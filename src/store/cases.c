/* cases.c — the public store.h functions for users, cases and case history (issue 5): argument
 * checks, the transaction that makes a change land with its history row and its audit entry,
 * and the JSON renderings. The SQL is in cases_sqlite.c / cases_pg.c (jy_case_ops), picked by
 * the handle's backend.
 *
 * County scope (jy_store_set_scope, store_scope.c): a scoped handle inserts and updates only
 * cases of its area (JY_ECONFLICT naming the case's county otherwise), reads a case or its
 * history rows only in its area (JY_ENOTFOUND otherwise) and lists only its area's cases. The
 * batch reads for the conflict checks (jy_store_case_history, persons_by_idcards,
 * statuses_of) stay region-wide on purpose: a person may not draw the same subsidy twice by
 * applying in two counties, so the checks must see every county's cases. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/jscan.h"
#include "store/ledger_db.h"
#include "store/store_impl.h"

static const jy_case_ops *cops(jy_store *st)
{
    return strcmp(st->ops->name, "postgresql") == 0 ? &jy_pg_case_ops : &jy_sqlite_case_ops;
}

static int need(const void *p, const char *what, jy_err *err)
{
    return p ? 0 : jy_err_set2(err, JY_EINVAL, "store.arg.required", "%s is required", "缺少必需的参数：%s", what);
}

/* Runs the failure path of a change made inside its own transaction. */
static int abort_txn(jy_store *st, int rc)
{
    jy_store_rollback(st, NULL);
    return rc;
}

/* ---------------------------------------------------------------- JSON */

static void kv_id(jy_sb *sb, const char *key, int64_t v)
{
    jy_sb_json_key(sb, key);
    if (v) jy_sb_append_i64(sb, v);
    else jy_sb_append(sb, "null");
}

static void kv_day(jy_sb *sb, const char *key, jy_date d)
{
    char b[JY_DATE_BUFSZ];
    jy_sb_json_key(sb, key);
    if (d) jy_sb_json_str(sb, jy_date_format(d, b));
    else jy_sb_append(sb, "null");
}

/* Embeds a JSON text the service wrote (or def when absent/empty). */
static void kv_raw(jy_sb *sb, const char *key, const char *json, const char *def)
{
    jy_sb_json_key(sb, key);
    jy_sb_append(sb, json && *json ? json : def);
}

void jy_user_json(jy_sb *sb, const jy_user *u)
{
    jy_sb_appendc(sb, '{');
    jy_sb_json_kv_i64(sb, "id", u->id);
    jy_sb_json_kv_str(sb, "name", u->name);
    jy_sb_json_kv_str(sb, "role", u->role);
    jy_sb_json_kv_str(sb, "area", u->area);
    kv_id(sb, "org_id", u->org_id);
    if (u->person_id) kv_id(sb, "person_id", u->person_id); /* issue 11: an applicant's own person */
    jy_sb_json_kv_str(sb, "display", u->display);
    jy_sb_appendc(sb, '}');
}

void jy_case_json(jy_sb *sb, const jy_case *c)
{
    char money[JY_MONEY_BUFSZ];
    jy_sb_appendc(sb, '{');
    jy_sb_json_kv_i64(sb, "id", c->id);
    jy_sb_json_kv_str(sb, "program", c->program);
    jy_sb_json_kv_str(sb, "kind", c->kind);
    jy_sb_json_kv_str(sb, "county", c->county);
    kv_id(sb, "person_id", c->person_id);
    kv_id(sb, "org_id", c->org_id);
    kv_id(sb, "parent_id", c->parent_id);
    jy_sb_json_kv_i64(sb, "year", c->year);
    kv_day(sb, "filed_on", c->filed_on);
    if (c->occupation[0]) {
        jy_sb_json_kv_str(sb, "occupation", c->occupation);
    }
    if (c->level) {
        jy_sb_json_kv_i64(sb, "level", c->level);
    }
    if (c->start_on) {
        kv_day(sb, "start_on", c->start_on);
    }
    if (c->end_on) {
        kv_day(sb, "end_on", c->end_on);
    }
    jy_sb_json_kv_str(sb, "state", c->state);
    kv_day(sb, "due_on", c->due_on);
    kv_day(sb, "publicity_end", c->publicity_end);
    jy_sb_json_kv_str(sb, "decision", c->decision);
    jy_sb_json_key(sb, "amount");
    if (c->has_amount) jy_sb_json_str(sb, jy_money_format_plain(c->amount, money));
    else jy_sb_append(sb, "null");
    jy_sb_json_kv_str(sb, "ruleset", c->ruleset);
    if (c->policy_version) kv_id(sb, "policy_version", c->policy_version); /* issue 14: shown when set */
    kv_raw(sb, "facts", c->facts, "{}");
    kv_raw(sb, "reasons", c->reasons, "[]");
    kv_raw(sb, "conflicts", c->conflicts, "[]");
    jy_sb_json_kv_str(sb, "created_at", c->created_at);
    jy_sb_json_kv_str(sb, "updated_at", c->updated_at);
    jy_sb_appendc(sb, '}');
}

void jy_case_event_json(jy_sb *sb, const jy_case_event *e)
{
    jy_sb_appendc(sb, '{');
    jy_sb_json_kv_str(sb, "step", e->step);
    jy_sb_json_kv_str(sb, "from", e->from_state);
    jy_sb_json_kv_str(sb, "to", e->to_state);
    kv_day(sb, "on", e->on);
    jy_sb_json_kv_str(sb, "actor", e->actor);
    jy_sb_json_kv_str(sb, "reason", e->reason ? e->reason : "");
    jy_sb_json_kv_str(sb, "at", e->at);
    jy_sb_appendc(sb, '}');
}

/* ---------------------------------------------------------------- users */

int jy_store_user_put(jy_store *st, jy_user *u, const char *actor, int *result, jy_err *err)
{
    int rc;
    if ((rc = need(u, "user", err)) || (rc = need(actor, "actor", err))) return rc;
    if (!u->name[0]) return jy_err_set2(err, JY_EINVAL, "store.user.name_empty", "user: name is empty", "用户：用户名为空");
    if (!u->role[0])
        return jy_err_set2(err, JY_EINVAL, "store.user.role_empty", "user %s: role is empty", "用户 %s：角色为空",
                           u->name);
    if ((rc = jy_store_begin(st, err))) return rc;
    jy_user old;
    jy_sb before = JY_SB_INIT, after = JY_SB_INIT;
    int exists = 0;
    rc = cops(st)->user_get(st, u->name, &old, err);
    if (rc == 0) exists = 1;
    else if (rc != JY_ENOTFOUND) goto done;
    rc = 0;
    if (u->org_id) {
        jy_org o;
        if ((rc = jy_store_org_get(st, u->org_id, &o, err))) goto done;
    }
    if (u->person_id) {
        jy_person p;
        if ((rc = jy_store_person_get(st, u->person_id, &p, err))) goto done;
    }
    if (exists) {
        u->id = old.id;
        memcpy(u->created_at, old.created_at, sizeof u->created_at);
        if (strcmp(old.role, u->role) == 0 && strcmp(old.area, u->area) == 0 && old.org_id == u->org_id &&
            old.person_id == u->person_id && strcmp(old.display, u->display) == 0) {
            if (result) *result = JY_PUT_UNCHANGED;
            goto done;
        }
        if ((rc = cops(st)->user_update(st, u, err))) goto done;
        jy_user_json(&before, &old);
        if (result) *result = JY_PUT_UPDATED;
    } else {
        jy_store_now(u->created_at, sizeof u->created_at);
        if ((rc = cops(st)->user_insert(st, u, err))) goto done;
        if (result) *result = JY_PUT_CREATED;
    }
    jy_user_json(&after, u);
    rc = st->ops->audit_append(st, actor, "", "user", u->id, exists ? "update" : "create",
                               exists ? jy_sb_cstr(&before) : NULL, jy_sb_cstr(&after), err);
done:
    jy_sb_free(&before);
    jy_sb_free(&after);
    if (rc) return abort_txn(st, rc);
    return jy_store_commit(st, err);
}

int jy_store_user_get(jy_store *st, const char *name, jy_user *out, jy_err *err)
{
    int rc;
    if ((rc = need(name, "user name", err))) return rc;
    return cops(st)->user_get(st, name, out, err);
}

int jy_store_user_list(jy_store *st, int (*fn)(void *ctx, const jy_user *u), void *ctx, jy_err *err)
{
    return cops(st)->user_list(st, fn, ctx, err);
}

int jy_store_user_count(jy_store *st, int64_t *n, jy_err *err)
{
    *n = 0;
    return cops(st)->user_count(st, n, err);
}

/* ---------------------------------------------------------------- cases */

static int check_case(const jy_case *c, jy_err *err)
{
    if (!c->program[0])
        return jy_err_set2(err, JY_EINVAL, "store.case.program_empty", "case: program is empty", "案件：项目为空");
    if (!c->kind[0]) return jy_err_set2(err, JY_EINVAL, "store.case.kind_empty", "case: kind is empty", "案件：类别为空");
    if (!c->state[0]) return jy_err_set2(err, JY_EINVAL, "store.case.state_empty", "case: state is empty", "案件：状态为空");
    if (!c->filed_on)
        return jy_err_set2(err, JY_EINVAL, "store.case.filed_missing", "case: filing date is missing",
                           "案件：缺少申报日期");
    if (strlen(c->county) != 6)
        return jy_err_set2(err, JY_EINVAL, "store.case.county", "case: county \"%s\" is not 6 digits",
                           "案件：县“%s”不是 6 位数字", c->county);
    return 0;
}

int jy_store_case_insert(jy_store *st, jy_case *c, jy_case_event *ev, const char *actor, jy_err *err)
{
    int rc;
    if ((rc = need(c, "case", err)) || (rc = need(ev, "case event", err)) || (rc = need(actor, "actor", err)) ||
        (rc = check_case(c, err)) || (rc = jy_store_scope_refuse(st, "new case of", c->program, c->county, err)))
        return rc;
    jy_store_now(c->created_at, sizeof c->created_at);
    memcpy(c->updated_at, c->created_at, sizeof c->updated_at);
    if ((rc = jy_store_begin(st, err))) return rc;
    jy_sb after = JY_SB_INIT;
    if ((rc = cops(st)->case_insert(st, c, err))) goto done;
    ev->case_id = c->id;
    ev->from_state[0] = '\0';
    jy_store_copy_utf8(ev->to_state, sizeof ev->to_state, c->state);
    jy_store_copy_utf8(ev->actor, sizeof ev->actor, actor);
    memcpy(ev->at, c->created_at, sizeof ev->at);
    if ((rc = cops(st)->event_insert(st, ev, c->county, err))) goto done;
    jy_case_json(&after, c);
    rc = st->ops->audit_append(st, actor, c->county, "case", c->id, ev->step, NULL, jy_sb_cstr(&after), err);
done:
    jy_sb_free(&after);
    if (rc) return abort_txn(st, rc);
    return jy_store_commit(st, err);
}

int jy_store_case_update(jy_store *st, jy_case *c, const char *expect_state, jy_case_event *ev, const char *actor,
                         jy_err *err)
{
    int rc;
    if ((rc = need(c, "case", err)) || (rc = need(ev, "case event", err)) || (rc = need(actor, "actor", err)) ||
        (rc = need(expect_state, "expected state", err)) || (rc = check_case(c, err)))
        return rc;
    char key[24];
    snprintf(key, sizeof key, "%lld", (long long)c->id);
    if ((rc = jy_store_scope_refuse(st, "case", key, c->county, err))) return rc;
    if ((rc = jy_store_begin(st, err))) return rc;
    jy_sb before = JY_SB_INIT, after = JY_SB_INIT, text = JY_SB_INIT;
    jy_case old;
    int changed = 0;
    if ((rc = cops(st)->case_get(st, c->id, &old, &text, err))) goto done;
    if ((rc = jy_store_scope_refuse(st, "case", key, old.county, err))) goto done;
    jy_store_now(c->updated_at, sizeof c->updated_at);
    if ((rc = cops(st)->case_update(st, c, expect_state, &changed, err))) goto done;
    if (!changed) {
        rc = jy_err_set2(err, JY_ECONFLICT, "store.case.moved",
                         "case %lld is now %s, not %s: someone moved it meanwhile; look again",
                         "案件 %lld 现在的状态为 %s，而不是 %s：已有人同时办理了它，请重新查看", (long long)c->id,
                         old.state, expect_state);
        goto done;
    }
    ev->case_id = c->id;
    jy_store_copy_utf8(ev->from_state, sizeof ev->from_state, expect_state);
    jy_store_copy_utf8(ev->to_state, sizeof ev->to_state, c->state);
    jy_store_copy_utf8(ev->actor, sizeof ev->actor, actor);
    memcpy(ev->at, c->updated_at, sizeof ev->at);
    if ((rc = cops(st)->event_insert(st, ev, c->county, err))) goto done;
    jy_case_json(&before, &old);
    jy_case_json(&after, c);
    rc = st->ops->audit_append(st, actor, c->county, "case", c->id, ev->step, jy_sb_cstr(&before),
                               jy_sb_cstr(&after), err);
done:
    jy_sb_free(&before);
    jy_sb_free(&after);
    jy_sb_free(&text);
    if (rc) return abort_txn(st, rc);
    return jy_store_commit(st, err);
}

int jy_store_case_get(jy_store *st, int64_t id, jy_case *out, jy_sb *text, jy_err *err)
{
    int rc;
    if ((rc = need(out, "case", err)) || (rc = need(text, "text buffer", err))) return rc;
    if ((rc = cops(st)->case_get(st, id, out, text, err))) return rc;
    return jy_store_scope_hide(st, "case", id, out->county, err);
}

/* The area a case list covers: the narrower of the filter's county prefix and the handle's
 * scope ("" = every county). 0 when they do not overlap (the list is empty). */
static int list_area(const char *scope, const char *want, const char **area)
{
    if (!want) want = "";
    size_t ns = strlen(scope), nw = strlen(want);
    if (strncmp(scope, want, ns < nw ? ns : nw) != 0) return 0;
    *area = nw > ns ? want : scope;
    return 1;
}

int jy_store_case_list(jy_store *st, const jy_case_filter *f, int (*fn)(void *ctx, const jy_case *c), void *ctx,
                       jy_err *err)
{
    jy_case_filter g = {0};
    if (f) g = *f;
    const char *area = "";
    if (!list_area(st->scope, g.county, &area)) return 0;
    /* the backends filter by the prefix in SQL, on the county-leading index */
    g.county = area[0] ? area : NULL;
    return cops(st)->case_list(st, &g, fn, ctx, err);
}

int jy_store_case_states_on(jy_store *st, const jy_case_filter *f, jy_date on, const char *states_json,
                            int (*fn)(void *ctx, const jy_case *c, const char *state, jy_date entered), void *ctx,
                            jy_err *err)
{
    jy_case_filter g = {0};
    if (f) g = *f;
    const char *area = "";
    if (!list_area(st->scope, g.county, &area)) return 0;
    g.county = area[0] ? area : NULL;
    return cops(st)->case_states_on(st, &g, on, states_json ? states_json : "[]", fn, ctx, err);
}

typedef struct trainee_walk {
    jy_store *st;
    int (*fn)(void *ctx, const jy_trainee_row *r);
    void *ctx;
} trainee_walk;

static int on_trainee(void *ctx, int ncol, const char *const *col)
{
    trainee_walk *w = ctx;
    if (ncol < 4 || !jy_store_in_scope(w->st->scope, col[3] ? col[3] : "")) return 0;
    jy_trainee_row r = {.state = col[0] ? col[0] : "", .has_amount = col[1] != NULL, .amount = jl_i64(col[1]),
                        .facts = col[2] ? col[2] : "{}"};
    return w->fn(w->ctx, &r);
}

void jy_store_roster_marks(const jy_case *c, jy_roster_marks *m)
{
    memset(m, 0, sizeof *m);
    const char *facts = c->facts ? c->facts : "{}";
    if (strcmp(c->kind, "trainee_claim") != 0) return;
    /* the facts' top level by a plain scan (jscan.h), or with jansson when the scan cannot read
     * the text plainly (a key or the exam spelt with escapes) */
    static const char *const keys[2] = {"exam", "certificate"};
    const char *v[2];
    size_t n[2];
    if (jy_json_top_members(facts, 2, keys, v, n) >= 0 && !(v[0] && memchr(v[0], '\\', n[0]))) {
        if (v[0] && v[0][0] == '"') {
            m->has_exam = 1;
            if (n[0] - 2 < sizeof m->exam) {
                memcpy(m->exam, v[0] + 1, n[0] - 2);
                m->exam[n[0] - 2] = '\0';
            } else {
                snprintf(m->exam, sizeof m->exam, "%s", "other");
            }
        }
        m->cert = v[1] != NULL;
        return;
    }
    json_t *f = json_loads(facts, 0, NULL);
    const char *e = json_string_value(json_object_get(f, "exam"));
    if (e) {
        m->has_exam = 1;
        snprintf(m->exam, sizeof m->exam, "%s", strlen(e) < sizeof m->exam ? e : "other");
    }
    m->cert = json_object_get(f, "certificate") != NULL;
    json_decref(f);
}

typedef struct summary_walk {
    jy_store *st;
    jy_class_summary *out;
} summary_walk;

/* One group of a class's trainee claims: state, county, roster_exam, roster_cert, count, the sum
 * of their amounts. */
static int on_summary(void *ctx, int ncol, const char *const *col)
{
    summary_walk *w = ctx;
    jy_class_summary *s = w->out;
    if (ncol < 6 || !col[0]) return 1;
    const char *state = col[0], *exam = col[2];
    if (strcmp(state, "rejected") == 0 || strcmp(state, "withdrawn") == 0 || strcmp(state, "cancelled") == 0 ||
        !jy_store_in_scope(w->st->scope, col[1] ? col[1] : ""))
        return 0;
    int n = (int)jl_i64(col[4]);
    s->trainees += n;
    if (exam && strcmp(exam, "absent") != 0) s->examined += n;
    if (exam && strcmp(exam, "pass") == 0) s->passed += n;
    if (jl_i64(col[3])) s->certificates += n;
    if (strcmp(state, "paid") == 0) {
        s->paid += n;
        if (col[5]) s->amount_paid += jl_i64(col[5]);
    }
    return 0;
}

int jy_store_class_summary(jy_store *st, int64_t class_id, jy_class_summary *out, jy_err *err)
{
    memset(out, 0, sizeof *out);
    /* the handle's read cache (per class and scope): only while nothing was committed anywhere
     * since it was read — a trainee filed, stepped or paid moves the epoch (store_rcache.c) */
    jy_rcache_ticket ticket;
    if (jy_rcache_summary_get(st, class_id, out, &ticket)) return 0;
    /* the groups of the class's trainee claims, read from the covering index cases_roster alone
     * (migration 13); the states that do not count and the handle's scope are left out here, as
     * jy_store_class_trainees's callers did */
    summary_walk w = {st, out};
    jl_val p[1] = {JL_I(class_id)};
    int rc = jl_run(st,
                    "SELECT state, county, roster_exam, roster_cert, count(*), sum(amount) FROM cases"
                    " WHERE parent_id = $1 AND kind = 'trainee_claim' GROUP BY state, county, roster_exam, roster_cert",
                    p, 1, on_summary, &w, NULL, "reading a class's roster summary", err);
    if (rc == 0) jy_rcache_summary_put(st, &ticket, class_id, out);
    return rc;
}

int jy_store_class_trainees(jy_store *st, int64_t class_id, int (*fn)(void *ctx, const jy_trainee_row *r), void *ctx,
                            jy_err *err)
{
    trainee_walk w = {st, fn, ctx};
    jl_val p[1] = {JL_I(class_id)};
    return jl_run(st,
                  "SELECT state, amount, facts, county FROM cases WHERE parent_id = $1 AND kind = 'trainee_claim'"
                  " ORDER BY id",
                  p, 1, on_trainee, &w, NULL, "reading a class's trainees", err);
}

int jy_store_case_events(jy_store *st, int64_t case_id, int (*fn)(void *ctx, const jy_case_event *e), void *ctx,
                         jy_err *err)
{
    if (st->scope[0]) { /* the history of a case outside the scope is not shown */
        jy_case c;
        jy_sb text = JY_SB_INIT;
        int rc = jy_store_case_get(st, case_id, &c, &text, err);
        jy_sb_free(&text);
        if (rc) return rc;
    }
    return cops(st)->events(st, case_id, fn, ctx, err);
}

int jy_store_case_events_of(jy_store *st, const jy_case *c, int (*fn)(void *ctx, const jy_case_event *e),
                            void *ctx, jy_err *err)
{
    int rc;
    if ((rc = need(c, "case", err)) || (rc = jy_store_scope_hide(st, "case", c->id, c->county, err))) return rc;
    return cops(st)->events(st, c->id, fn, ctx, err);
}

/* ---------------------------------------------------------------- batch reads */

static void ids_json(jy_sb *sb, const int64_t *ids, size_t n)
{
    jy_sb_appendc(sb, '[');
    for (size_t i = 0; i < n; i++) {
        if (i) jy_sb_appendc(sb, ',');
        jy_sb_append_i64(sb, ids[i]);
    }
    jy_sb_appendc(sb, ']');
}

int jy_store_case_history(jy_store *st, const int64_t *person_ids, size_t n, int (*fn)(void *ctx, const jy_case *c),
                          void *ctx, jy_err *err)
{
    if (n == 0) return 0;
    jy_sb sb = JY_SB_INIT;
    ids_json(&sb, person_ids, n);
    int rc = cops(st)->case_history(st, jy_sb_cstr(&sb), fn, ctx, err);
    jy_sb_free(&sb);
    return rc;
}

int jy_store_persons_by_idcards(jy_store *st, const char *const *idcards, size_t n,
                                int (*fn)(void *ctx, const jy_person *p), void *ctx, jy_err *err)
{
    if (n == 0) return 0;
    jy_sb sb = JY_SB_INIT;
    jy_sb_appendc(&sb, '[');
    for (size_t i = 0; i < n; i++) {
        if (i) jy_sb_appendc(&sb, ',');
        jy_sb_json_str(&sb, idcards[i]);
    }
    jy_sb_appendc(&sb, ']');
    int rc = cops(st)->persons_by_idcards(st, jy_sb_cstr(&sb), fn, ctx, err);
    jy_sb_free(&sb);
    return rc;
}

int jy_store_statuses_of(jy_store *st, const int64_t *person_ids, size_t n,
                         int (*fn)(void *ctx, const jy_person_status *s), void *ctx, jy_err *err)
{
    if (n == 0) return 0;
    jy_sb sb = JY_SB_INIT;
    ids_json(&sb, person_ids, n);
    int rc = cops(st)->statuses_of(st, jy_sb_cstr(&sb), fn, ctx, err);
    jy_sb_free(&sb);
    return rc;
}
