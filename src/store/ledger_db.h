/* ledger_db.h — private to src/store/: how the ledger's store functions (ledger_store.c) run
 * their SQL on either backend.
 *
 * The ledger and batch tables (migration 3) are the same in both dialects, and so is every
 * statement ledger_store.c runs: parameters are written $1, $2 … (SQLite binds them by name,
 * PostgreSQL by position), casts are CAST(… AS …), upserts are ON CONFLICT … DO NOTHING and
 * RETURNING is used instead of "rows changed". So one text serves both, and each backend only
 * needs a statement runner: ledger_sqlite.c and ledger_pg.c. They run on the backend's own
 * connection (store_impl.h's jy_store_sqlite_db / jy_store_pg_conn), so they join the handle's
 * transactions, and ledger_store.c appends to the audit chain through st->ops->audit_append. */
#ifndef JY_LEDGER_DB_H
#define JY_LEDGER_DB_H

#include <stdint.h>

#include "store/store_impl.h"

enum { JL_NULL = 0, JL_INT, JL_TEXT };

/* One bound parameter: an int64, a UTF-8 text (copied by nobody: valid for the call) or NULL. */
typedef struct jl_val {
    int kind;
    int64_t i;
    const char *s;
} jl_val;

#define JL_I(v) ((jl_val){JL_INT, (int64_t)(v), NULL})
#define JL_S(v) ((jl_val){JL_TEXT, 0, (v)})
#define JL_N ((jl_val){JL_NULL, 0, NULL})
#define JL_MAX_COLS 24

/* Row callback: ncol columns as text (NULL for SQL NULL), valid for the call only; returning
 * non-zero stops the walk (the query still returns 0). */
typedef int (*jl_row_fn)(void *ctx, int ncol, const char *const *col);

/* Runs sql with params ($1..$n), calling fn for each row (fn may be NULL). *nrows (may be
 * NULL) receives the number of rows returned. On failure fills err (JY_ECONFLICT for a
 * uniqueness or serialisation conflict, else JY_EDB) naming what; on PostgreSQL a failure
 * inside a transaction marks it aborted (commit will refuse). */
int jy_ledger_sqlite_run(jy_store *st, const char *sql, const jl_val *params, int n, jl_row_fn fn, void *ctx,
                         int64_t *nrows, const char *what, jy_err *err);
int jy_ledger_pg_run(jy_store *st, const char *sql, const jl_val *params, int n, jl_row_fn fn, void *ctx,
                     int64_t *nrows, const char *what, jy_err *err);

/* Plumbing shared by the store files that run their SQL through these runners (ledger_store.c,
 * placement_store.c, report_store.c); ledger_db.c. */

/* Runs sql on the handle's backend (the runner of its dialect). */
int jl_run(jy_store *st, const char *sql, const jl_val *p, int n, jl_row_fn fn, void *ctx, int64_t *nrows,
           const char *what, jy_err *err);
/* Ends the caller's jy_store_begin: commit when rc is 0, else roll back and return rc. */
int jl_leave(jy_store *st, int rc, jy_err *err);
/* "system" when actor is NULL or empty. */
const char *jl_actor(const char *actor);
/* Appends one audit entry on the handle's backend (in its open transaction). */
int jl_audit(jy_store *st, const char *actor, const char *county, const char *entity, int64_t id,
             const char *action, const char *before, const char *after, jy_err *err);
/* A column's text as an integer (0 for NULL), and copied into a fixed buffer (UTF-8 safe). */
int64_t jl_i64(const char *s);
void jl_cp(char *dst, size_t cap, const char *s);

#endif
