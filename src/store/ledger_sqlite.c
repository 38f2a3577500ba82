/* ledger_sqlite.c — the SQLite statement runner of the ledger's store functions (ledger_db.h).
 *
 * Statements are prepared on the handle's own connection, so they join its transaction; the
 * $n parameters are bound by name. Statements are prepared once per handle and kept
 * (jy_store_sqlite_prepare): the account and session reads run here on every HTTP request. */
#include "store/ledger_db.h"
#include "store/store_impl.h"

#include <stdio.h>

#include <sqlite3.h>

static int fail(sqlite3 *db, int src, const char *what, jy_err *err)
{
    int prim = src & 0xff;
    int code = (prim == SQLITE_BUSY || prim == SQLITE_LOCKED || src == SQLITE_CONSTRAINT_UNIQUE ||
                src == SQLITE_CONSTRAINT_PRIMARYKEY)
                   ? JY_ECONFLICT
                   : JY_EDB;
    return jy_err_set2(err, code, "store.db.error", "database: %s (%s)", "数据库操作失败（%2$s）：%1$s",
                       sqlite3_errmsg(db), what);
}

/* Prepares sql and binds params ($1..$n by name). */
static int prepare_bind(jy_store *st, const char *sql, const jl_val *params, int n, sqlite3_stmt **out,
                        const char *what, jy_err *err)
{
    sqlite3 *db = jy_store_sqlite_db(st);
    sqlite3_stmt *s = NULL;
    int src = jy_store_sqlite_prepare(st, sql, &s);
    *out = s;
    if (src != SQLITE_OK) return fail(db, sqlite3_extended_errcode(db), what, err);
    for (int i = 0; i < n; i++) {
        char name[16];
        snprintf(name, sizeof name, "$%d", i + 1);
        int idx = sqlite3_bind_parameter_index(s, name);
        if (idx == 0) continue; /* parameter not used by this statement */
        if (params[i].kind == JL_INT) sqlite3_bind_int64(s, idx, params[i].i);
        else if (params[i].kind == JL_TEXT && params[i].s) sqlite3_bind_text(s, idx, params[i].s, -1, SQLITE_STATIC);
        else sqlite3_bind_null(s, idx);
    }
    return 0;
}

int jy_ledger_sqlite_run(jy_store *st, const char *sql, const jl_val *params, int n, jl_row_fn fn, void *ctx,
                         int64_t *nrows, const char *what, jy_err *err)
{
    sqlite3 *db = jy_store_sqlite_db(st);
    sqlite3_stmt *s = NULL;
    int64_t rows = 0;
    int src, rc = prepare_bind(st, sql, params, n, &s, what, err);
    if (rc) goto done;
    int stop = 0;
    while ((src = sqlite3_step(s)) == SQLITE_ROW) {
        rows++;
        if (!fn || stop) continue; /* keep stepping: an UPDATE … RETURNING finishes its rows */
        int nc = sqlite3_column_count(s);
        if (nc > JL_MAX_COLS) nc = JL_MAX_COLS;
        const char *col[JL_MAX_COLS];
        for (int c = 0; c < nc; c++) col[c] = (const char *)sqlite3_column_text(s, c);
        stop = fn(ctx, nc, col) != 0;
    }
    if (src != SQLITE_DONE) rc = fail(db, sqlite3_extended_errcode(db), what, err);
done:
    jy_store_sqlite_release(st, s);
    if (nrows) *nrows = rows;
    return rc;
}

int jy_ledger_sqlite_scan(jy_store *st, const char *sql, const jl_val *params, int n, jl_cols_fn fn, void *ctx,
                          const char *what, jy_err *err)
{
    sqlite3 *db = jy_store_sqlite_db(st);
    sqlite3_stmt *s = NULL;
    int src, rc = prepare_bind(st, sql, params, n, &s, what, err);
    if (rc) goto done;
    jl_cols row = {0, s, 0, sqlite3_column_count(s)};
    int stop = 0;
    while ((src = sqlite3_step(s)) == SQLITE_ROW) {
        if (stop) continue; /* as jy_ledger_sqlite_run: the statement runs to its end */
        stop = fn(ctx, &row) != 0;
        row.row++;
    }
    if (src != SQLITE_DONE) rc = fail(db, sqlite3_extended_errcode(db), what, err);
done:
    jy_store_sqlite_release(st, s);
    return rc;
}

int64_t jy_ledger_sqlite_col_i64(const jl_cols *r, int c)
{
    return sqlite3_column_int64((sqlite3_stmt *)r->h, c);
}

int jy_ledger_sqlite_col_null(const jl_cols *r, int c)
{
    return sqlite3_column_type((sqlite3_stmt *)r->h, c) == SQLITE_NULL;
}

const unsigned char *jy_ledger_sqlite_col_blob(const jl_cols *r, int c, unsigned char *buf, size_t cap, size_t *len)
{
    (void)buf;
    (void)cap;
    sqlite3_stmt *s = r->h;
    const unsigned char *b = sqlite3_column_blob(s, c); /* then its length */
    *len = b ? (size_t)sqlite3_column_bytes(s, c) : 0;
    return b;
}

const char *jy_ledger_sqlite_col_text(const jl_cols *r, int c, size_t *len)
{
    sqlite3_stmt *s = r->h;
    const char *t = (const char *)sqlite3_column_text(s, c); /* then its length (the order SQLite asks for) */
    if (len) *len = t ? (size_t)sqlite3_column_bytes(s, c) : 0;
    return t;
}
