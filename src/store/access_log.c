/* access_log.c — the access log's store functions (access_log.h): one INSERT and one SELECT,
 * each one text for both backends, run on the handle's connection through the ledger's runners
 * (ledger_db.h), so an append joins the caller's transaction when there is one. */
#include "store/access_log.h"

#include <stdint.h>
#include <string.h>

#include "store/ledger_db.h"

static int check_field(const char *v, const char *name, jy_err *err)
{
    if (!v[0])
        return jy_err_set2(err, JY_EINVAL, "store.access_log.empty", "access log entry: %s is empty",
                           "访问日志条目：%s 为空", name);
    return 0;
}

static int on_id(void *ctx, int ncol, const char *const *col)
{
    if (ncol > 0) *(int64_t *)ctx = jl_i64(col[0]);
    return 0;
}

int jy_store_access_log_append(jy_store *st, jy_access_entry *e, jy_err *err)
{
    int rc;
    if ((rc = check_field(e->actor, "actor (who)", err)) || (rc = check_field(e->origin, "origin (from where)", err)) ||
        (rc = check_field(e->entity, "entity (what)", err)) || (rc = check_field(e->reason, "reason (why)", err)))
        return rc;
    if (strcmp(e->action, "view") != 0 && strcmp(e->action, "export") != 0 && strcmp(e->action, "refused") != 0)
        return jy_err_set2(err, JY_EINVAL, "store.access_log.action",
                           "access log entry: action \"%s\": expected view, export or refused",
                           "访问日志条目：操作“%s”无效，应为 view（查看）、export（导出）或 refused（拒绝）",
                           e->action);
    const char *scope = jy_store_scope(st);
    if (!e->county[0] && strlen(scope) == 6) memcpy(e->county, scope, 7);
    if (e->county[0] && jy_store_scope_refuse(st, "the access log entry of", e->target, e->county, err))
        return JY_ECONFLICT;
    if (!e->county[0] && scope[0]) /* a city or region user's list: recorded under its area */
        jl_cp(e->county, sizeof e->county, scope);
    jy_store_now(e->at, sizeof e->at);
    if ((rc = jy_store_begin(st, err))) return rc;
    jl_val v[9] = {JL_S(e->at),     JL_S(e->county), JL_S(e->actor),  JL_S(e->role),  JL_S(e->origin),
                   JL_S(e->action), JL_S(e->entity), JL_S(e->target), JL_S(e->reason)};
    rc = jl_run(st,
                "INSERT INTO access_log(at, county, actor, role, origin, action, entity, target, reason)"
                " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                v, 9, on_id, &e->id, NULL, "writing the access log", err);
    return jl_leave(st, rc, err);
}

typedef struct list_ctx {
    int (*fn)(void *ctx, const jy_access_entry *e);
    void *ctx;
    int rc;
} list_ctx;

static int on_row(void *ctx, int ncol, const char *const *col)
{
    list_ctx *c = ctx;
    if (ncol < 10) return 1;
    jy_access_entry e;
    memset(&e, 0, sizeof e);
    e.id = jl_i64(col[0]);
    jl_cp(e.at, sizeof e.at, col[1]);
    jl_cp(e.county, sizeof e.county, col[2]);
    jl_cp(e.actor, sizeof e.actor, col[3]);
    jl_cp(e.role, sizeof e.role, col[4]);
    jl_cp(e.origin, sizeof e.origin, col[5]);
    jl_cp(e.action, sizeof e.action, col[6]);
    jl_cp(e.entity, sizeof e.entity, col[7]);
    jl_cp(e.target, sizeof e.target, col[8]);
    jl_cp(e.reason, sizeof e.reason, col[9]);
    c->rc = c->fn(c->ctx, &e);
    return c->rc != 0;
}

int jy_store_access_log_list(jy_store *st, const jy_access_filter *f,
                             int (*fn)(void *ctx, const jy_access_entry *e), void *ctx, jy_err *err)
{
    const char *scope = jy_store_scope(st);
    jl_val v[5] = {JL_S(scope), JL_S(f && f->actor ? f->actor : ""), JL_S(f && f->since ? f->since : ""),
                   JL_I(f ? f->after_id : 0), JL_I(f && f->limit > 0 ? f->limit : INT64_MAX)};
    list_ctx c = {fn, ctx, 0};
    int rc = jl_run(st,
                    "SELECT id, at, county, actor, role, origin, action, entity, target, reason FROM access_log"
                    " WHERE (CAST($1 AS TEXT) = '' OR substr(county, 1, length(CAST($1 AS TEXT))) = CAST($1 AS TEXT))"
                    " AND (CAST($2 AS TEXT) = '' OR actor = CAST($2 AS TEXT))"
                    " AND (CAST($3 AS TEXT) = '' OR at >= CAST($3 AS TEXT))"
                    " AND id > CAST($4 AS BIGINT)"
                    " ORDER BY id LIMIT CAST($5 AS BIGINT)",
                    v, 5, on_row, &c, NULL, "reading the access log", err);
    return rc ? rc : c.rc;
}

void jy_access_entry_json(jy_sb *sb, const jy_access_entry *e)
{
    jy_sb_appendc(sb, '{');
    jy_sb_json_kv_i64(sb, "id", e->id);
    jy_sb_json_kv_str(sb, "at", e->at);
    jy_sb_json_kv_str(sb, "county", e->county);
    jy_sb_json_kv_str(sb, "actor", e->actor);
    jy_sb_json_kv_str(sb, "role", e->role);
    jy_sb_json_kv_str(sb, "origin", e->origin);
    jy_sb_json_kv_str(sb, "action", e->action);
    jy_sb_json_kv_str(sb, "entity", e->entity);
    jy_sb_json_kv_str(sb, "target", e->target);
    jy_sb_json_kv_str(sb, "reason", e->reason);
    jy_sb_appendc(sb, '}');
}
