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

int jy_ledger_sqlite_run(jy_store *st, const char *sql, const jl_val *params, int n, jl_row_fn fn, void *ctx,
                         int64_t *nrows, const char *what, jy_err *err)
{
    sqlite3 *db = jy_store_sqlite_db(st);
    sqlite3_stmt *s = NULL;
    int64_t rows = 0;
    int rc = 0, src = jy_store_sqlite_prepare(st, sql, &s);
    if (src != SQLITE_OK) {
        rc = fail(db, sqlite3_extended_errcode(db), what, err);
        goto done;
    }
    for (int i = 0; i < n; i++) {
        char name[16];
        snprintf(name, sizeof name, "$%d", i + 1);
        int idx = sqlite3_bind_parameter_index(s, name);
        if (idx == 0) continue; /* parameter not used by this statement */
        if (params[i].kind == JL_INT) sqlite3_bind_int64(s, idx, params[i].i);
        else if (params[i].kind == JL_TEXT && params[i].s) sqlite3_bind_text(s, idx, params[i].s, -1, SQLITE_STATIC);
        else sqlite3_bind_null(s, idx);
    }
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
