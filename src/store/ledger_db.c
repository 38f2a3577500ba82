/* ledger_db.c — plumbing shared by the store files that run one SQL text on either backend
 * (ledger_db.h): dispatch to the dialect's runner, transaction end, audit entry, column helpers. */
#include <stdlib.h>
#include <string.h>

#include "store/ledger_db.h"
#include "store/store_impl.h"

int jl_is_pg(const jy_store *st)
{
    return strcmp(st->ops->name, "postgresql") == 0;
}

int jl_run(jy_store *st, const char *sql, const jl_val *p, int n, jl_row_fn fn, void *ctx, int64_t *nrows,
           const char *what, jy_err *err)
{
    if (jl_is_pg(st)) return jy_ledger_pg_run(st, sql, p, n, fn, ctx, nrows, what, err);
    return jy_ledger_sqlite_run(st, sql, p, n, fn, ctx, nrows, what, err);
}

int jl_scan(jy_store *st, const char *sql, const jl_val *p, int n, jl_cols_fn fn, void *ctx, const char *what,
            jy_err *err)
{
    if (jl_is_pg(st)) return jy_ledger_pg_scan(st, sql, p, n, fn, ctx, what, err);
    return jy_ledger_sqlite_scan(st, sql, p, n, fn, ctx, what, err);
}

int jl_leave(jy_store *st, int rc, jy_err *err)
{
    if (rc == 0) return jy_store_commit(st, err);
    jy_store_rollback(st, NULL);
    return rc;
}

const char *jl_actor(const char *actor)
{
    return actor && *actor ? actor : "system";
}

int jl_audit(jy_store *st, const char *actor, const char *county, const char *entity, int64_t id,
             const char *action, const char *before, const char *after, jy_err *err)
{
    return st->ops->audit_append(st, jl_actor(actor), county ? county : "", entity, id, action, before, after, err);
}

int64_t jl_i64(const char *s)
{
    return s ? strtoll(s, NULL, 10) : 0;
}

void jl_cp(char *dst, size_t cap, const char *s)
{
    jy_store_copy_utf8(dst, cap, s ? s : "");
}

/* ---------------------------------------------------------------- bulk rows */

void jl_rows_init(jl_rows *r)
{
    jy_sb_init(&r->json);
    r->n = 0;
    r->cols = 0;
}

void jl_rows_free(jl_rows *r)
{
    jy_sb_free(&r->json);
    r->n = 0;
}

void jl_row_begin(jl_rows *r)
{
    jy_sb_append(&r->json, r->n ? ",[" : "[[");
    r->cols = 0;
}

static void row_sep(jl_rows *r)
{
    if (r->cols++) jy_sb_appendc(&r->json, ',');
}

void jl_row_i64(jl_rows *r, int64_t v)
{
    row_sep(r);
    jy_sb_append_i64(&r->json, v);
}

void jl_row_str(jl_rows *r, const char *s)
{
    row_sep(r);
    jy_sb_json_str(&r->json, s);
}

void jl_row_null(jl_rows *r)
{
    row_sep(r);
    jy_sb_append(&r->json, "null");
}

void jl_row_end(jl_rows *r)
{
    jy_sb_appendc(&r->json, ']');
    r->n++;
}

int jl_rows_insert(jy_store *st, jl_rows *r, const char *const sql[2], const char *what, jy_err *err)
{
    if (r->n == 0) return 0;
    jy_sb_appendc(&r->json, ']');
    jl_val v[1] = {JL_S(jy_sb_cstr(&r->json))};
    int rc = jl_run(st, sql[jl_is_pg(st) ? 0 : 1], v, 1, NULL, NULL, NULL, what, err);
    jy_sb_reset(&r->json);
    r->n = 0;
    return rc;
}
