/* ledger_guard.c — the money safeguards' store functions (ledger_guard.h): claim keys, the tracks
 * a budget line funds, idempotency keys, payroll runners and the payroll's commit step. One SQL
 * text for both backends, run through ledger_db.h's runners inside the handle's transactions. */
#include "store/ledger_guard.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "store/ledger_db.h"

static int get_id(void *ctx, int ncol, const char *const *col)
{
    (void)ncol;
    *(int64_t *)ctx = jl_i64(col[0]);
    return 1;
}

/* ---------------------------------------------------------------- claim keys */

int jy_store_payable_by_claim_key(jy_store *st, const char *county, const char *program, const char *key,
                                  jy_payable *out, jy_err *err)
{
    int64_t id = 0;
    jl_val v[3] = {JL_S(county), JL_S(program), JL_S(key)};
    int rc = jl_run(st,
                    "SELECT id FROM payables WHERE county = $1 AND program = $2 AND claim_key = $3"
                    " AND status <> 'cancelled' ORDER BY id LIMIT 1",
                    v, 3, get_id, &id, NULL, "looking up a payable by its claim", err);
    if (rc) return rc;
    if (!id)
        return jy_err_set2(err, JY_ENOTFOUND, "store.payable.no_live", "no live payable for claim %s",
                           "申领 %s 没有有效的应付款", key);
    return jy_store_payable_get(st, id, out, err);
}

typedef struct key_walk {
    int (*fn)(void *ctx, int64_t id, const char *key);
    void *ctx;
} key_walk;

static int on_key(void *ctx, int ncol, const char *const *col)
{
    key_walk *w = ctx;
    (void)ncol;
    return w->fn(w->ctx, jl_i64(col[0]), col[1] ? col[1] : "");
}

int jy_store_payable_claim_keys(jy_store *st, const char *county, const char *program, const char *month,
                                int (*fn)(void *ctx, int64_t id, const char *key), void *ctx, jy_err *err)
{
    key_walk w = {fn, ctx};
    jl_val v[3] = {JL_S(county), JL_S(program), JL_S(month ? month : "")};
    return jl_run(st,
                  "SELECT id, claim_key FROM payables WHERE county = $1 AND program = $2 AND month = $3"
                  " AND claim_key IS NOT NULL AND status <> 'cancelled' ORDER BY id",
                  v, 3, on_key, &w, NULL, "reading the claims of a month", err);
}

typedef struct ident_walk {
    int (*fn)(void *ctx, const jy_payable *p);
    void *ctx;
} ident_walk;

static int on_ident(void *ctx, int ncol, const char *const *col)
{
    ident_walk *w = ctx;
    jy_payable p;
    (void)ncol;
    memset(&p, 0, sizeof p);
    p.id = jl_i64(col[0]);
    jl_cp(p.county, sizeof p.county, col[1]);
    jl_cp(p.program, sizeof p.program, col[2]);
    p.year = (int)jl_i64(col[3]);
    jl_cp(p.month, sizeof p.month, col[4]);
    p.case_id = jl_i64(col[5]);
    p.payee_kind = col[6] && strcmp(col[6], "org") == 0 ? JY_PAYEE_ORG : JY_PAYEE_PERSON;
    p.person_id = jl_i64(col[7]);
    p.org_id = jl_i64(col[8]);
    jl_cp(p.claim, sizeof p.claim, col[9]);
    jl_cp(p.claim_key, sizeof p.claim_key, col[10]);
    jl_cp(p.status, sizeof p.status, col[11]);
    p.amount = jl_i64(col[12]);
    return w->fn(w->ctx, &p);
}

int jy_store_payable_identities(jy_store *st, const char *county, const char *program,
                                int (*fn)(void *ctx, const jy_payable *p), void *ctx, jy_err *err)
{
    ident_walk w = {fn, ctx};
    jl_val v[2] = {JL_S(county), JL_S(program)};
    return jl_run(st,
                  "SELECT id, county, program, year, month, case_id, payee_kind, person_id, org_id, claim,"
                  " coalesce(claim_key, ''), status, amount FROM payables WHERE county = $1 AND program = $2"
                  " AND status <> 'cancelled' ORDER BY id",
                  v, 2, on_ident, &w, NULL, "reading what the payables pay", err);
}

/* ---------------------------------------------------------------- line tracks */

typedef struct two_text {
    int found;
    char a[JY_TRACKS_SZ], b[128];
} two_text;

static int get_two(void *ctx, int ncol, const char *const *col)
{
    two_text *t = ctx;
    (void)ncol;
    t->found = 1;
    jl_cp(t->a, sizeof t->a, col[0]);
    jl_cp(t->b, sizeof t->b, col[1]);
    return 1;
}

int jy_store_line_tracks_get(jy_store *st, const char *county, const char *program, int year, int source,
                             char tracks[JY_TRACKS_SZ], char clause[128], jy_err *err)
{
    two_text t = {0};
    jl_val v[4] = {JL_S(county), JL_S(program), JL_I(year), JL_S(jy_fund_source_name(source))};
    int rc = jl_run(st,
                    "SELECT tracks, clause FROM ledger_line_tracks WHERE county = $1 AND program = $2 AND year = $3"
                    " AND source = $4",
                    v, 4, get_two, &t, NULL, "reading the tracks a budget line funds", err);
    if (rc) return rc;
    snprintf(tracks, JY_TRACKS_SZ, "%s", t.a);
    snprintf(clause, 128, "%s", t.b);
    return 0;
}

static void tracks_json(jy_sb *sb, const char *county, const char *program, int year, int source, const char *tracks,
                        const char *clause)
{
    jy_sb_appendc(sb, '{');
    jy_sb_json_kv_str(sb, "county", county);
    jy_sb_json_kv_str(sb, "program", program);
    jy_sb_json_kv_i64(sb, "year", year);
    jy_sb_json_kv_str(sb, "source", jy_fund_source_name(source));
    jy_sb_json_kv_str(sb, "tracks", tracks);
    jy_sb_json_kv_str(sb, "clause", clause);
    jy_sb_appendc(sb, '}');
}

int jy_store_line_tracks_set(jy_store *st, const char *county, const char *program, int year, int source,
                             const char *tracks, const char *clause, const char *actor, int *changed, jy_err *err)
{
    if (changed) *changed = 0;
    if (source < 0 || source >= JY_FUND__COUNT)
        return jy_err_set2(err, JY_EINVAL, "store.ledger.source_unknown", "unknown funding source", "资金来源未知");
    if (!tracks) tracks = "";
    if (!clause) clause = "";
    if (strlen(tracks) >= JY_TRACKS_SZ)
        return jy_err_set2(err, JY_EINVAL, "store.ledger.tracks_long", "tracks \"%s\": too long",
                           "所跟踪的对象“%s”过长", tracks);
    if (jy_store_scope_refuse(st, "the budget line of", program, county, err)) return JY_ECONFLICT;
    char old_t[JY_TRACKS_SZ], old_c[128], now[32];
    int rc = jy_store_begin(st, err);
    if (rc) return rc;
    if ((rc = jy_store_line_tracks_get(st, county, program, year, source, old_t, old_c, err))) goto done;
    if (strcmp(old_t, tracks) == 0 && (!*tracks || strcmp(old_c, clause) == 0)) goto done;
    jy_store_now(now, sizeof now);
    jl_val k[4] = {JL_S(county), JL_S(program), JL_I(year), JL_S(jy_fund_source_name(source))};
    if ((rc = jl_run(st, "DELETE FROM ledger_line_tracks WHERE county = $1 AND program = $2 AND year = $3 AND source = $4",
                     k, 4, NULL, NULL, NULL, "changing the tracks a budget line funds", err)))
        goto done;
    if (*tracks) {
        jl_val v[8] = {JL_S(county), JL_S(program), JL_I(year), JL_S(jy_fund_source_name(source)),
                       JL_S(tracks), JL_S(clause), JL_S(jl_actor(actor)), JL_S(now)};
        if ((rc = jl_run(st,
                         "INSERT INTO ledger_line_tracks(county, program, year, source, tracks, clause, updated_by,"
                         " updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                         v, 8, NULL, NULL, NULL, "recording the tracks a budget line funds", err)))
            goto done;
    }
    jy_sb before = JY_SB_INIT, after = JY_SB_INIT;
    tracks_json(&before, county, program, year, source, old_t, old_c);
    tracks_json(&after, county, program, year, source, tracks, *tracks ? clause : "");
    rc = jl_audit(st, actor, county, "ledger_line_tracks", 0, "set", jy_sb_cstr(&before), jy_sb_cstr(&after), err);
    jy_sb_free(&before);
    jy_sb_free(&after);
    if (rc == 0 && changed) *changed = 1;
done:
    return jl_leave(st, rc, err);
}

/* ---------------------------------------------------------------- idempotency keys */

typedef struct idem_ctx {
    int found;
    jy_idem_rec *rec;
    jy_sb *request, *response;
} idem_ctx;

static int on_idem(void *ctx, int ncol, const char *const *col)
{
    idem_ctx *c = ctx;
    (void)ncol;
    c->found = 1;
    jl_cp(c->rec->county, sizeof c->rec->county, col[0]);
    jl_cp(c->rec->operation, sizeof c->rec->operation, col[1]);
    jl_cp(c->rec->actor, sizeof c->rec->actor, col[2]);
    jl_cp(c->rec->created_at, sizeof c->rec->created_at, col[3]);
    jy_sb_append(c->request, col[4] ? col[4] : "");
    jy_sb_append(c->response, col[5] ? col[5] : "");
    return 1;
}

int jy_store_idem_get(jy_store *st, const char *key, jy_idem_rec *rec, jy_sb *request, jy_sb *response, jy_err *err)
{
    memset(rec, 0, sizeof *rec);
    jy_sb_reset(request);
    jy_sb_reset(response);
    idem_ctx c = {0, rec, request, response};
    jl_val v[1] = {JL_S(key)};
    int rc = jl_run(st,
                    "SELECT county, operation, actor, created_at, request, response FROM idempotency_keys"
                    " WHERE idem_key = $1",
                    v, 1, on_idem, &c, NULL, "reading an idempotency key", err);
    if (rc) return rc;
    return c.found ? 0
                   : jy_err_set2(err, JY_ENOTFOUND, "store.ledger.idem_new", "idempotency key %s is new",
                                 "幂等键 %s 尚未使用过", key);
}

int jy_store_idem_put(jy_store *st, const char *key, const char *county, const char *operation, const char *request,
                      const char *actor, const char *response, jy_err *err)
{
    char now[32];
    jy_store_now(now, sizeof now);
    jl_val v[7] = {JL_S(key), JL_S(county ? county : ""), JL_S(operation), JL_S(request), JL_S(jl_actor(actor)),
                   JL_S(response), JL_S(now)};
    return jl_run(st,
                  "INSERT INTO idempotency_keys(idem_key, county, operation, request, actor, response, created_at)"
                  " VALUES ($1, $2, $3, $4, $5, $6, $7)",
                  v, 7, NULL, NULL, NULL, "recording an idempotency key", err);
}

/* ---------------------------------------------------------------- payroll runners and commit */

int jy_store_payroll_runner_add(jy_store *st, int64_t run_id, const char *actor, jy_err *err)
{
    char now[32];
    jy_store_now(now, sizeof now);
    jl_val v[3] = {JL_I(run_id), JL_S(jl_actor(actor)), JL_S(now)};
    return jl_run(st,
                  "INSERT INTO payroll_run_actors(run_id, actor, first_at) VALUES ($1, $2, $3)"
                  " ON CONFLICT (run_id, actor) DO NOTHING",
                  v, 3, NULL, NULL, NULL, "recording who ran a payroll", err);
}

typedef struct runner_walk {
    int (*fn)(void *ctx, const char *actor);
    void *ctx;
} runner_walk;

static int on_runner(void *ctx, int ncol, const char *const *col)
{
    runner_walk *w = ctx;
    (void)ncol;
    return w->fn(w->ctx, col[0] ? col[0] : "");
}

int jy_store_payroll_runners(jy_store *st, int64_t run_id, int (*fn)(void *ctx, const char *actor), void *ctx,
                             jy_err *err)
{
    runner_walk w = {fn, ctx};
    jl_val v[1] = {JL_I(run_id)};
    return jl_run(st, "SELECT actor FROM payroll_run_actors WHERE run_id = $1 ORDER BY first_at, actor", v, 1,
                  on_runner, &w, NULL, "reading who ran a payroll", err);
}

typedef struct by_at {
    char by[64], at[32];
} by_at;

static int get_by_at(void *ctx, int ncol, const char *const *col)
{
    by_at *b = ctx;
    (void)ncol;
    jl_cp(b->by, sizeof b->by, col[0]);
    jl_cp(b->at, sizeof b->at, col[1]);
    return 1;
}

int jy_store_payroll_run_committed(jy_store *st, int64_t run_id, char by[64], char at[32], jy_err *err)
{
    by_at b = {"", ""};
    jl_val v[1] = {JL_I(run_id)};
    int rc = jl_run(st, "SELECT committed_by, committed_at FROM payroll_runs WHERE id = $1", v, 1, get_by_at, &b, NULL,
                    "reading a payroll run's commit", err);
    snprintf(by, 64, "%s", b.by);
    snprintf(at, 32, "%s", b.at);
    return rc;
}

/* Lines linked per statement. */
#define COMMIT_ROWS 500

/* Links the collected lines ([[line id, payable id, updated_at], …]) to their payables; every
 * one must still be approved without a payable. */
static int link_lines(jy_store *st, jl_rows *rows, jy_err *err)
{
    static const char *const sql[2] = {
        "UPDATE payroll_lines SET payable_id = CAST(r.v ->> 1 AS bigint), updated_at = r.v ->> 2"
        " FROM json_array_elements(CAST($1 AS json)) AS r(v)"
        " WHERE payroll_lines.id = CAST(r.v ->> 0 AS bigint) AND payroll_lines.status = 'approved'"
        " AND payroll_lines.payable_id IS NULL RETURNING payroll_lines.id",
        "UPDATE payroll_lines SET payable_id = CAST(r.v ->> 1 AS bigint), updated_at = r.v ->> 2"
        " FROM (SELECT value AS v FROM json_each($1)) AS r"
        " WHERE payroll_lines.id = CAST(r.v ->> 0 AS bigint) AND payroll_lines.status = 'approved'"
        " AND payroll_lines.payable_id IS NULL RETURNING payroll_lines.id"};
    if (rows->n == 0) return 0;
    size_t want = rows->n;
    jy_sb_appendc(&rows->json, ']');
    jl_val v[1] = {JL_S(jy_sb_cstr(&rows->json))};
    int64_t n = 0;
    int rc = jl_run(st, sql[jl_is_pg(st) ? 0 : 1], v, 1, NULL, NULL, &n, "linking payroll lines to their payables", err);
    jy_sb_reset(&rows->json);
    rows->n = 0;
    if (rc == 0 && (size_t)n != want)
        rc = jy_err_set2(err, JY_ECONFLICT, "store.payroll.lines_changed",
                         "%zu of %zu payroll lines changed meanwhile (no longer approved and uncommitted)",
                         "%2$zu 条工资明细中有 %1$zu 条已被他人同时修改（不再是已审核且未计入应付款的状态）",
                         want - (size_t)n, want);
    return rc;
}

int jy_store_payroll_lines_commit_bulk(jy_store *st, int64_t run_id, jy_payroll_line *l, jy_payable *const *pay,
                                       size_t n, const char *actor, jy_err *err)
{
    jl_ledger_bulk b;
    jl_rows rows;
    jy_sb js = JY_SB_INIT;
    char now[32];
    int rc = jy_store_begin(st, err);
    if (rc) return rc;
    jl_rows_init(&rows);
    if ((rc = jl_ledger_bulk_start(st, &b, err))) goto done;
    for (size_t i = 0; i < n; i++) {
        jy_payroll_line *x = &l[i];
        if (x->run_id != run_id || strcmp(x->status, "approved") != 0 || x->payable_id) {
            rc = jy_err_set2(err, JY_ECONFLICT, "store.payroll.line_not_in_run",
                             "payroll line %lld is not an approved, uncommitted line of run %lld",
                             "工资明细 %lld 不是核发批次 %lld 中已审核且未计入应付款的明细", (long long)x->id,
                             (long long)run_id);
            goto done;
        }
        if (jy_store_scope_refuse(st, "payroll line of", x->month, x->county, err)) {
            rc = JY_ECONFLICT;
            goto done;
        }
        if ((rc = jl_ledger_bulk_commit(&b, pay[i], actor, err))) {
            jy_err_prefix2(err, "payroll line %lld (placement %lld): ", "工资明细 %lld（岗位安置 %lld）：", (long long)x->id,
                           (long long)x->placement_id);
            goto done;
        }
        x->payable_id = pay[i]->id;
        jl_cp(x->payable_status, sizeof x->payable_status, "approved");
        jy_store_now(now, sizeof now);
        jl_cp(x->updated_at, sizeof x->updated_at, now);
        jl_row_begin(&rows);
        jl_row_i64(&rows, x->id);
        jl_row_i64(&rows, x->payable_id);
        jl_row_str(&rows, x->updated_at);
        jl_row_end(&rows);
        jy_sb_reset(&js);
        jy_payroll_line_json(&js, x);
        if ((rc = jl_audit(st, actor, x->county, "payroll_line", x->id, "commit", NULL, jy_sb_cstr(&js), err))) goto done;
        if (rows.n == COMMIT_ROWS) { /* the payables first: the lines refer to them */
            if ((rc = jl_ledger_bulk_flush(&b, err)) || (rc = link_lines(st, &rows, err))) goto done;
        }
    }
    if ((rc = jl_ledger_bulk_finish(&b, err)) || (rc = link_lines(st, &rows, err))) goto done;
    jy_store_now(now, sizeof now);
    jl_val v[3] = {JL_I(run_id), JL_S(jl_actor(actor)), JL_S(now)};
    rc = jl_run(st, "UPDATE payroll_runs SET committed_by = $2, committed_at = $3 WHERE id = $1", v, 3, NULL, NULL, NULL,
                "recording a payroll commit", err);
done:
    jl_ledger_bulk_free(&b);
    jl_rows_free(&rows);
    jy_sb_free(&js);
    return jl_leave(st, rc, err);
}
