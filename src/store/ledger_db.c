/* ledger_db.c — plumbing shared by the store files that run one SQL text on either backend
 * (ledger_db.h): dispatch to the dialect's runner, transaction end, audit entry, column helpers. */
#include <stdlib.h>
#include <string.h>

#include "store/ledger_db.h"
#include "store/store_impl.h"

int jl_run(jy_store *st, const char *sql, const jl_val *p, int n, jl_row_fn fn, void *ctx, int64_t *nrows,
           const char *what, jy_err *err)
{
    if (strcmp(st->ops->name, "postgresql") == 0) return jy_ledger_pg_run(st, sql, p, n, fn, ctx, nrows, what, err);
    return jy_ledger_sqlite_run(st, sql, p, n, fn, ctx, nrows, what, err);
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
