/* ledger_pg.c — the PostgreSQL statement runner of the ledger's store functions (ledger_db.h).
 *
 * Runs on the handle's own connection (jy_store_pg_conn), so statements join its transaction
 * and its writer lock; parameters travel as text through PQexecParams (the extended protocol:
 * bound, never spliced into the SQL). A failed statement inside a transaction aborts it in
 * PostgreSQL, so the handle is told (jy_store_pg_failed) and its commit will refuse. */
#include "store/ledger_db.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

/* Runs sql with params: 0 and *out the result (PGRES_COMMAND_OK or PGRES_TUPLES_OK), or an error
 * code with err filled (*out NULL). */
static int exec(jy_store *st, const char *sql, const jl_val *params, int n, PGresult **out, const char *what,
                jy_err *err)
{
    *out = NULL;
    PGconn *conn = jy_store_pg_conn(st);
    char ibuf[JL_MAX_PARAMS][24];
    const char *vals[JL_MAX_PARAMS];
    if (n > JL_MAX_PARAMS)
        return jy_err_set2(err, JY_EINVAL, "store.ledger.too_many_params", "ledger: too many parameters (%s)",
                           "台账：参数过多（%s）", what);
    if (PQtransactionStatus(conn) == PQTRANS_INERROR)
        return jy_err_set2(err, JY_EDB, "store.db.txn_aborted_what",
                           "database: the transaction was aborted by an earlier error; roll it back (%s)",
                           "数据库：事务已因先前的错误中止，请回滚（%s）", what);
    for (int i = 0; i < n; i++) {
        if (params[i].kind == JL_INT) {
            snprintf(ibuf[i], sizeof ibuf[i], "%" PRId64, params[i].i);
            vals[i] = ibuf[i];
        } else {
            vals[i] = params[i].kind == JL_TEXT ? params[i].s : NULL;
        }
    }
    PGresult *r = PQexecParams(conn, sql, n, NULL, vals, NULL, NULL, 0);
    ExecStatusType s = PQresultStatus(r);
    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
        const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
        const char *msg = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
        if (!msg || !*msg) msg = PQerrorMessage(conn);
        int code = JY_EDB;
        if (state && (strcmp(state, "23505") == 0 || strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 ||
                      strcmp(state, "55P03") == 0))
            code = JY_ECONFLICT;
        size_t len = strlen(msg);
        while (len > 0 && (msg[len - 1] == '\n' || msg[len - 1] == ' ')) len--;
        int rc = jy_err_set2(err, code, "store.db.error_pg", "database: %.*s (%s%s%s)", "数据库操作失败：%.*s（%s%s%s）",
                             (int)(len > 300 ? 300 : len), msg, what, state ? ", SQLSTATE " : "", state ? state : "");
        jy_store_pg_failed(st);
        PQclear(r);
        return rc;
    }
    *out = r;
    return 0;
}

int jy_ledger_pg_run(jy_store *st, const char *sql, const jl_val *params, int n, jl_row_fn fn, void *ctx,
                     int64_t *nrows, const char *what, jy_err *err)
{
    if (nrows) *nrows = 0;
    PGresult *r;
    int rc = exec(st, sql, params, n, &r, what, err);
    if (rc) return rc;
    int rows = PQntuples(r), nc = PQnfields(r);
    if (nc > JL_MAX_COLS) nc = JL_MAX_COLS;
    if (nrows) *nrows = rows;
    for (int i = 0; i < rows && fn; i++) {
        const char *col[JL_MAX_COLS];
        for (int c = 0; c < nc; c++) col[c] = PQgetisnull(r, i, c) ? NULL : PQgetvalue(r, i, c);
        if (fn(ctx, nc, col)) break;
    }
    PQclear(r);
    return 0;
}

int jy_ledger_pg_scan(jy_store *st, const char *sql, const jl_val *params, int n, jl_cols_fn fn, void *ctx,
                      const char *what, jy_err *err)
{
    PGresult *r;
    int rc = exec(st, sql, params, n, &r, what, err);
    if (rc) return rc;
    int rows = PQntuples(r);
    jl_cols row = {1, r, 0, PQnfields(r)};
    for (; row.row < rows; row.row++)
        if (fn(ctx, &row)) break;
    PQclear(r);
    return 0;
}

int64_t jy_ledger_pg_col_i64(const jl_cols *r, int c)
{
    if (PQgetisnull(r->h, r->row, c)) return 0;
    return strtoll(PQgetvalue(r->h, r->row, c), NULL, 10);
}

int jy_ledger_pg_col_null(const jl_cols *r, int c)
{
    return PQgetisnull(r->h, r->row, c);
}

static int hexval(unsigned char ch)
{
    return ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : -1;
}

const unsigned char *jy_ledger_pg_col_blob(const jl_cols *r, int c, unsigned char *buf, size_t cap, size_t *len)
{
    *len = 0;
    if (PQgetisnull(r->h, r->row, c)) return NULL;
    const unsigned char *t = (const unsigned char *)PQgetvalue(r->h, r->row, c);
    size_t n = (size_t)PQgetlength(r->h, r->row, c);
    if (n < 2 || t[0] != '\\' || t[1] != 'x' || n % 2 || (n - 2) / 2 > cap) return NULL;
    for (size_t i = 2; i < n; i += 2) {
        int a = hexval(t[i]), b = hexval(t[i + 1]);
        if (a < 0 || b < 0) return NULL;
        buf[(i - 2) / 2] = (unsigned char)(a << 4 | b);
    }
    *len = (n - 2) / 2;
    return buf;
}

const char *jy_ledger_pg_col_text(const jl_cols *r, int c, size_t *len)
{
    if (PQgetisnull(r->h, r->row, c)) {
        if (len) *len = 0;
        return NULL;
    }
    if (len) *len = (size_t)PQgetlength(r->h, r->row, c);
    return PQgetvalue(r->h, r->row, c);
}
