/* store_scope.c — county scoping of a store handle (issue 3: multi-county deployments).
 *
 * jy_store_set_scope restricts a handle to the records of one county ("640522"), a city ("6405")
 * or a region ("64"). store.c hands every public call on a scoped handle to the functions here,
 * which enforce the scope on top of the backend's ops, the same way on every backend:
 *  - reads of one record outside the scope answer JY_ENOTFOUND, as if it did not exist;
 *  - writes of a record outside the scope, or of an ID number / USCC already registered in a
 *    county outside it, answer JY_ECONFLICT (a transfer between counties is a city or region
 *    user's job). The check and the write run in one write transaction, and write transactions
 *    are serialised on both backends, so no other writer slips in between;
 *  - lists, counts and grouped counts cover the scope only. A backend whose ops filter natively
 *    (ops->scope_native: PostgreSQL, in SQL with an index range on county) is trusted for counts
 *    and still double-checked for lists; otherwise lists are filtered here and counts are made
 *    by walking the records (correct, and fine for one county's SQLite file);
 *  - the audit list shows the entries of the scope's records (not the global ones); verification
 *    always walks the whole chain, which is what makes it a chain;
 *  - the case, ledger, placement/payroll and report stores (cases.c, ledger_store.c,
 *    placement_store.c, report_store.c) keep to the scope with jy_store_scope_refuse / _hide
 *    below: a write or a read naming a county outside it is a conflict, a record read by id
 *    outside it is "not found", and their lists skip foreign rows. */
#include "store/store_impl.h"

#include <inttypes.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 1 when the handle has a transaction open (the caller's, e.g. an import's batch). Inside one the
 * write lock is held already, so a put's scope check and its write need no savepoint of their own
 * — and on PostgreSQL a savepoint per row flushed the backend's deferred 500-row inserts at every
 * row: an import of 20,000 persons on a county-scoped handle took 20.8 s against 2.3 s unscoped
 * (issue 11, bench/api_import.py). A failed put then leaves the transaction as an unscoped put
 * does (the scope refusals themselves run no SQL). */
static int in_transaction(jy_store *st)
{
    if (strcmp(st->ops->name, "postgresql") == 0) return jy_store_pg_in_transaction(st);
    return !sqlite3_get_autocommit(jy_store_sqlite_db(st));
}

int jy_store_in_scope(const char *scope, const char *county)
{
    size_t n = strlen(scope);
    return n == 0 || strncmp(county, scope, n) == 0;
}

int jy_store_set_scope(jy_store *st, const char *prefix, jy_err *err)
{
    size_t n = prefix ? strlen(prefix) : 0;
    if (n != 0 && n != 2 && n != 4 && n != 6)
        return jy_err_set2(err, JY_EINVAL, "store.scope.code",
                          "scope \"%.20s\": give a region (2 digits, e.g. 64), a city (4, e.g. 6405) or a county "
                          "(6, e.g. 640522) division code, or nothing for all", "辖区“%.20s”：请给出自治区（2 位，如 64）、市（4 位，如 6405）或县（6 位，如 640522）的区划代码，" "不给则为全部",
                          prefix);
    for (size_t i = 0; i < n; i++)
        if (prefix[i] < '0' || prefix[i] > '9')
            return jy_err_set2(err, JY_EINVAL, "store.scope.digits", "scope \"%.20s\": a division code has only digits",
                               "辖区“%.20s”：区划代码只能由数字组成", prefix);
    if (n) memcpy(st->scope, prefix, n);
    st->scope[n] = '\0';
    return 0;
}

const char *jy_store_scope(const jy_store *st)
{
    return st->scope;
}

/* The Chinese noun of a refusal's or a hiding's `what` (the English words the callers pass), for
 * the messages' Chinese texts: "placement in" P13 → 岗位安置（P13）. */
static const char *what_zh(const char *what)
{
    static const struct {
        const char *en, *zh;
    } words[] = {
        {"person", "人员"},
        {"organisation", "单位"},
        {"county", "县"},
        {"setting", "设置项"},
        {"case", "案件"},
        {"placement", "岗位安置"},
        {"placement in", "岗位安置"},
        {"the placements of", "岗位安置"},
        {"attendance in", "考勤"},
        {"payroll run", "工资核发批次"},
        {"payroll run of", "工资核发批次"},
        {"payroll line", "工资明细"},
        {"payroll line of", "工资明细"},
        {"payable", "应付款"},
        {"payable of", "应付款"},
        {"the payables of", "应付款"},
        {"payment batch", "拨付批次"},
        {"payment batch of", "拨付批次"},
        {"the budget line of", "预算额度"},
        {"new case of", "新案件"},
        {"ledger entry of", "台账分录"},
        {"the ledger of", "台账"},
        {"the report of", "报表"},
        {"the simulation of", "政策测算"},
        {"the access log entry of", "访问日志条目"},
    };
    for (size_t i = 0; what && i < sizeof words / sizeof *words; i++)
        if (strcmp(what, words[i].en) == 0) return words[i].zh;
    return what ? what : "";
}

static int outside(const jy_store *st, const char *what, const char *key, const char *county, jy_err *err)
{
    return jy_err_set2(err, JY_ECONFLICT, "store.scope.outside",
                       "%s %s belongs to county %s, outside this user's area %s (a transfer between counties is "
                       "done by a city or region user)%.0s",
                       "%5$s（%2$s）属于县 %3$s，不在本用户的辖区 %4$s 内（跨县转移须由市级或自治区级用户办理）%1$.0s",
                       what, key, county, st->scope, what_zh(what));
}

/* Ends a scoped write: nothing more when the caller's transaction was open before (own 0: the
 * caller ends it); else commits on rc 0 and rolls back otherwise. Returns rc, or the commit's error. */
static int tx_end(jy_store *st, int own, int rc, jy_err *err)
{
    if (!own) return rc;
    if (rc) {
        st->ops->rollback(st, NULL);
        return rc;
    }
    return st->ops->commit(st, err);
}

/* A scoped walk's gate for one row of county: -1 skip it (outside the area), 1 stop (the limit
 * *left is spent), 0 hand it on (one less left; *left < 0: no limit). */
static int walk_gate(const jy_store *st, const char *county, int64_t *left)
{
    if (!jy_store_in_scope(st->scope, county)) return -1;
    if (*left == 0) return 1;
    if (*left > 0) (*left)--;
    return 0;
}

int jy_store_scope_refuse(const jy_store *st, const char *what, const char *key, const char *county, jy_err *err)
{
    if (jy_store_in_scope(st->scope, county)) return 0;
    return outside(st, what, key, county, err);
}

int jy_store_scope_hide(const jy_store *st, const char *what, int64_t id, const char *county, jy_err *err)
{
    if (jy_store_in_scope(st->scope, county)) return 0;
    return jy_err_set2(err, JY_ENOTFOUND, "store.scope.hidden", "no %s with id %" PRId64 " in this user's area %s%.0s",
                       "本用户的辖区 %3$s 内没有编号为 %2$" PRId64 " 的%4$s%1$.0s", what, id, st->scope, what_zh(what));
}

/* ---------------------------------------------------------------- persons */

int jy_store_scoped_person_get(jy_store *st, int64_t id, const char *idcard, jy_person *out, jy_err *err)
{
    int rc = st->ops->person_get(st, id, idcard, out, err);
    if (rc == 0 && !jy_store_in_scope(st->scope, out->county)) {
        if (idcard)
            return jy_err_set2(err, JY_ENOTFOUND, "store.person.not_found_idcard", "no person with ID number %s",
                               "没有身份证号码为 %s 的人员", idcard);
        return jy_err_set2(err, JY_ENOTFOUND, "store.person.not_found_id", "no person with id %" PRId64,
                           "没有编号为 %" PRId64 " 的人员", id);
    }
    return rc;
}

int jy_store_scoped_person_put(jy_store *st, jy_person *p, const char *actor, int *result, jy_err *err)
{
    if (!jy_store_in_scope(st->scope, p->county)) return outside(st, "person", p->idcard, p->county, err);
    int own = !in_transaction(st); /* a transaction of its own only when none is open */
    int rc = own ? st->ops->begin(st, err) : 0;
    if (rc) return rc;
    jy_person old;
    jy_err e;
    rc = st->ops->person_get(st, 0, p->idcard, &old, &e);
    if (rc == 0 && !jy_store_in_scope(st->scope, old.county)) rc = outside(st, "person", p->idcard, old.county, err);
    else if (rc == JY_ENOTFOUND || rc == 0) rc = st->ops->person_put(st, p, actor, result, err);
    else *err = e;
    return tx_end(st, own, rc, err);
}

typedef struct person_walk {
    const jy_store *st;
    int (*fn)(void *ctx, const jy_person *p);
    void *ctx;
    int64_t left; /* < 0: no limit */
} person_walk;

static int person_walk_one(void *vctx, const jy_person *p)
{
    person_walk *w = vctx;
    int g = walk_gate(w->st, p->county, &w->left);
    return g ? g > 0 : w->fn(w->ctx, p);
}

int jy_store_scoped_person_list(jy_store *st, const jy_person_filter *f,
                                int (*fn)(void *ctx, const jy_person *p), void *ctx, jy_err *err)
{
    person_walk w = {st, fn, ctx, f->limit > 0 ? f->limit : -1};
    jy_person_filter g = *f;
    if (!st->ops->scope_native) g.limit = 0; /* the backend's limit would count foreign rows */
    return st->ops->person_list(st, &g, person_walk_one, &w, err);
}

int jy_store_scoped_person_status_add(jy_store *st, int64_t person_id, jy_person_status *s, const char *actor,
                                      jy_err *err)
{
    int rc = st->ops->begin(st, err);
    if (rc) return rc;
    jy_person p;
    rc = jy_store_scoped_person_get(st, person_id, NULL, &p, err);
    if (rc == 0) rc = st->ops->person_status_add(st, person_id, s, actor, err);
    return tx_end(st, 1, rc, err);
}

int jy_store_scoped_person_status_update(jy_store *st, int64_t person_id, jy_person_status *s, const char *actor,
                                         jy_err *err)
{
    int rc = st->ops->begin(st, err);
    if (rc) return rc;
    jy_person p;
    rc = jy_store_scoped_person_get(st, person_id, NULL, &p, err);
    if (rc == 0) rc = st->ops->person_status_update(st, person_id, s, actor, err);
    if (rc) {
        st->ops->rollback(st, NULL);
        return rc;
    }
    return st->ops->commit(st, err);
}

int jy_store_scoped_person_statuses(jy_store *st, int64_t person_id, jy_person_status *out, int max, int *n,
                                    jy_err *err)
{
    jy_person p;
    *n = 0;
    int rc = jy_store_scoped_person_get(st, person_id, NULL, &p, err);
    if (rc) return rc;
    return st->ops->person_statuses(st, person_id, out, max, n, err);
}

/* ---------------------------------------------------------------- organisations */

int jy_store_org_row(jy_store *st, int64_t id, const char *uscc, jy_org *out, jy_err *err)
{
    if (uscc) return st->ops->org_get(st, id, uscc, out, err);
    jy_rcache_ticket ticket;
    if (jy_rcache_org_get(st, id, out, &ticket)) return 0;
    int rc = st->ops->org_get(st, id, NULL, out, err);
    if (rc == 0) jy_rcache_org_put(st, &ticket, out);
    return rc;
}

int jy_store_scoped_org_get(jy_store *st, int64_t id, const char *uscc, jy_org *out, jy_err *err)
{
    int rc = jy_store_org_row(st, id, uscc, out, err);
    if (rc == 0 && !jy_store_in_scope(st->scope, out->county)) {
        if (uscc)
            return jy_err_set2(err, JY_ENOTFOUND, "store.org.not_found_uscc", "no organisation with USCC %s",
                               "没有统一社会信用代码为 %s 的单位", uscc);
        return jy_err_set2(err, JY_ENOTFOUND, "store.org.not_found_id", "no organisation with id %" PRId64,
                           "没有编号为 %" PRId64 " 的单位", id);
    }
    return rc;
}

int jy_store_scoped_org_put(jy_store *st, jy_org *o, const char *actor, int *result, jy_err *err)
{
    if (!jy_store_in_scope(st->scope, o->county)) return outside(st, "organisation", o->uscc, o->county, err);
    int own = !in_transaction(st); /* a transaction of its own only when none is open */
    int rc = own ? st->ops->begin(st, err) : 0;
    if (rc) return rc;
    jy_org old;
    jy_err e;
    rc = st->ops->org_get(st, 0, o->uscc, &old, &e);
    if (rc == 0 && !jy_store_in_scope(st->scope, old.county)) rc = outside(st, "organisation", o->uscc, old.county, err);
    else if (rc == JY_ENOTFOUND || rc == 0) rc = st->ops->org_put(st, o, actor, result, err);
    else *err = e;
    return tx_end(st, own, rc, err);
}

typedef struct org_walk {
    const jy_store *st;
    int (*fn)(void *ctx, const jy_org *o);
    void *ctx;
    int64_t left;
} org_walk;

static int org_walk_one(void *vctx, const jy_org *o)
{
    org_walk *w = vctx;
    int g = walk_gate(w->st, o->county, &w->left);
    return g ? g > 0 : w->fn(w->ctx, o);
}

int jy_store_scoped_org_list(jy_store *st, const jy_org_filter *f, int (*fn)(void *ctx, const jy_org *o),
                             void *ctx, jy_err *err)
{
    org_walk w = {st, fn, ctx, f->limit > 0 ? f->limit : -1};
    jy_org_filter g = *f;
    if (!st->ops->scope_native) g.limit = 0;
    return st->ops->org_list(st, &g, org_walk_one, &w, err);
}

int jy_store_scoped_org_licence_add(jy_store *st, int64_t org_id, jy_licence *l, const char *actor, jy_err *err)
{
    int rc = st->ops->begin(st, err);
    if (rc) return rc;
    jy_org o;
    rc = jy_store_scoped_org_get(st, org_id, NULL, &o, err);
    if (rc == 0) rc = st->ops->org_licence_add(st, org_id, l, actor, err);
    return tx_end(st, 1, rc, err);
}

int jy_store_scoped_org_licences(jy_store *st, int64_t org_id, jy_licence *out, int max, int *n, jy_err *err)
{
    jy_org o;
    *n = 0;
    int rc = jy_store_scoped_org_get(st, org_id, NULL, &o, err);
    if (rc) return rc;
    return st->ops->org_licences(st, org_id, out, max, n, err);
}

/* An organisation's dated status added or edited inside the scope: the organisation read through
 * the scope first (another county's is "not found"), in one transaction. */
static int scoped_org_status_write(jy_store *st, int64_t org_id, jy_org_status *s, const char *actor, int update,
                                   jy_err *err)
{
    int rc = st->ops->begin(st, err);
    if (rc) return rc;
    jy_org o;
    rc = jy_store_scoped_org_get(st, org_id, NULL, &o, err);
    if (rc == 0)
        rc = update ? st->ops->org_status_update(st, org_id, s, actor, err) : st->ops->org_status_add(st, org_id, s, actor, err);
    if (rc) {
        st->ops->rollback(st, NULL);
        return rc;
    }
    return st->ops->commit(st, err);
}

int jy_store_scoped_org_status_add(jy_store *st, int64_t org_id, jy_org_status *s, const char *actor, jy_err *err)
{
    return scoped_org_status_write(st, org_id, s, actor, 0, err);
}

int jy_store_scoped_org_status_update(jy_store *st, int64_t org_id, jy_org_status *s, const char *actor, jy_err *err)
{
    return scoped_org_status_write(st, org_id, s, actor, 1, err);
}

int jy_store_scoped_org_statuses(jy_store *st, int64_t org_id, jy_org_status *out, int max, int *n, jy_err *err)
{
    jy_org o;
    *n = 0;
    int rc = jy_store_scoped_org_get(st, org_id, NULL, &o, err);
    if (rc) return rc;
    return st->ops->org_statuses(st, org_id, out, max, n, err);
}

/* ---------------------------------------------------------------- counts by walking */

/* A small key → count table, sorted by key (bytewise, as the backends' ORDER BY) at the end. */
typedef struct tally {
    struct tally_row {
        char key[24];
        int64_t n;
    } *rows;
    size_t n, cap;
    int oom;
} tally;

static void tally_add(tally *t, const char *key, int64_t n)
{
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->rows[i].key, key) == 0) {
            t->rows[i].n += n;
            return;
        }
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 32;
        struct tally_row *r = realloc(t->rows, cap * sizeof *r);
        if (!r) {
            t->oom = 1;
            return;
        }
        t->rows = r;
        t->cap = cap;
    }
    jy_store_copy_utf8(t->rows[t->n].key, sizeof t->rows[t->n].key, key);
    t->rows[t->n++].n = n;
}

static int tally_cmp(const void *a, const void *b)
{
    return strcmp(((const struct tally_row *)a)->key, ((const struct tally_row *)b)->key);
}

typedef struct walk_ctx {
    jy_store *st;
    int by;
    jy_date on;
    jy_store_counts *counts; /* counts_get */
    tally *t;                /* group_counts */
    jy_err *err;
    int rc;
} walk_ctx;

enum { WALK_STATUSES_MAX = 256 };

static int count_person(void *vctx, const jy_person *p)
{
    walk_ctx *c = vctx;
    if (!jy_store_in_scope(c->st->scope, p->county)) return 0;
    if (c->t && c->by == JY_GROUP_PERSON_TOWNSHIP) {
        char key[10];
        jy_store_copy_utf8(key, sizeof key, p->hukou_division);
        tally_add(c->t, key, 1);
        return 0;
    }
    jy_person_status *s = malloc(WALK_STATUSES_MAX * sizeof *s);
    int n = 0;
    if (!s) {
        c->rc = jy_err_set2(c->err, JY_ENOMEM, "store.scope.oom_statuses", "out of memory counting statuses",
                            "统计人员状态时内存不足");
        return 1;
    }
    if ((c->rc = c->st->ops->person_statuses(c->st, p->id, s, WALK_STATUSES_MAX, &n, c->err))) {
        free(s);
        return 1;
    }
    if (c->counts) {
        c->counts->persons++;
        c->counts->statuses += n;
    } else {
        unsigned seen = 0; /* count a person once per kind */
        for (int i = 0; i < n; i++) {
            if ((s[i].since == 0 || s[i].since <= c->on) && (s[i].until == 0 || s[i].until >= c->on) &&
                s[i].kind > 0 && s[i].kind < JY_ST__COUNT && !(seen & (1u << s[i].kind))) {
                seen |= 1u << s[i].kind;
                tally_add(c->t, jy_status_kind_name(s[i].kind), 1);
            }
        }
    }
    free(s);
    return 0;
}

static int count_org(void *vctx, const jy_org *o)
{
    walk_ctx *c = vctx;
    if (!jy_store_in_scope(c->st->scope, o->county)) return 0;
    if (c->t) {
        char key[24];
        snprintf(key, sizeof key, "%u", o->kinds);
        tally_add(c->t, key, 1);
        return 0;
    }
    jy_licence l[64];
    int n = 0;
    if ((c->rc = c->st->ops->org_licences(c->st, o->id, l, 64, &n, c->err))) return 1;
    c->counts->orgs++;
    c->counts->licences += n;
    return 0;
}

static int count_audit(void *vctx, const jy_audit_entry *e)
{
    walk_ctx *c = vctx;
    if (e->county[0] && jy_store_in_scope(c->st->scope, e->county)) c->counts->audit_entries++;
    return 0;
}

int jy_store_scoped_counts_get(jy_store *st, jy_store_counts *out, jy_err *err)
{
    if (st->ops->scope_native) return st->ops->counts_get(st, out, err);
    walk_ctx c = {.st = st, .counts = out, .err = err};
    jy_person_filter pf = {0};
    jy_org_filter of = {0};
    int rc = st->ops->person_list(st, &pf, count_person, &c, err);
    if (rc == 0) rc = c.rc;
    if (rc == 0) rc = st->ops->org_list(st, &of, count_org, &c, err);
    if (rc == 0) rc = c.rc;
    if (rc == 0) rc = st->ops->audit_list(st, 0, 0, count_audit, &c, err);
    return rc;
}

int jy_store_scoped_group_counts(jy_store *st, int by, jy_date on,
                                 int (*fn)(void *ctx, const char *key, int64_t n), void *ctx, jy_err *err)
{
    if (st->ops->scope_native) return st->ops->group_counts(st, by, on, fn, ctx, err);
    tally t = {0};
    walk_ctx c = {.st = st, .by = by, .on = on, .t = &t, .err = err};
    jy_person_filter pf = {0};
    jy_org_filter of = {0};
    int rc = by == JY_GROUP_ORG_KINDS ? st->ops->org_list(st, &of, count_org, &c, err)
                                      : st->ops->person_list(st, &pf, count_person, &c, err);
    if (rc == 0) rc = c.rc;
    if (rc == 0 && t.oom)
        rc = jy_err_set2(err, JY_ENOMEM, "store.scope.oom_groups", "out of memory grouping counts",
                         "分组统计时内存不足");
    if (rc == 0 && by == JY_GROUP_ORG_KINDS) {
        /* numeric order of the kind sets, as the backends' ORDER BY kinds */
        for (size_t i = 1; i < t.n; i++)
            for (size_t j = i; j > 0 && strtoull(t.rows[j - 1].key, NULL, 10) > strtoull(t.rows[j].key, NULL, 10); j--) {
                struct tally_row tmp = t.rows[j];
                t.rows[j] = t.rows[j - 1];
                t.rows[j - 1] = tmp;
            }
    } else if (rc == 0 && t.n > 1) {
        qsort(t.rows, t.n, sizeof *t.rows, tally_cmp);
    }
    for (size_t i = 0; rc == 0 && i < t.n; i++)
        if (fn(ctx, t.rows[i].key, t.rows[i].n)) break;
    free(t.rows);
    return rc;
}

/* ---------------------------------------------------------------- audit */

typedef struct audit_walk {
    const jy_store *st;
    int (*fn)(void *ctx, const jy_audit_entry *e);
    void *ctx;
    int64_t left;
} audit_walk;

static int audit_walk_one(void *vctx, const jy_audit_entry *e)
{
    audit_walk *w = vctx;
    if (!e->county[0]) return 0;
    int g = walk_gate(w->st, e->county, &w->left);
    return g ? g > 0 : w->fn(w->ctx, e);
}

int jy_store_scoped_audit_list(jy_store *st, int64_t after_seq, int limit,
                               int (*fn)(void *ctx, const jy_audit_entry *e), void *ctx, jy_err *err)
{
    audit_walk w = {st, fn, ctx, limit > 0 ? limit : -1};
    return st->ops->audit_list(st, after_seq, 0, audit_walk_one, &w, err);
}
