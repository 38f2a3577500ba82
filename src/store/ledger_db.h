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
#define JL_MAX_COLS 32
#define JL_MAX_PARAMS 24 /* bound parameters of one statement */

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

/* Typed rows (jl_scan; the budget simulation's stream of 500,000 cases): a row's columns read by
 * type — an integer column as an integer, not converted to text by the backend and back by
 * strtoll; a text column with its length, pointing into the backend's row (no copy). Valid for
 * the callback only. On PostgreSQL the row is the text result (integers read from their text). */
typedef struct jl_cols {
    int pg;    /* 1: h is a PGresult, row its row; 0: h is the sqlite3_stmt on the row */
    void *h;
    int row;
    int ncol;
} jl_cols;
/* Row callback of jl_scan: returning non-zero stops the walk (jl_scan still returns 0). */
typedef int (*jl_cols_fn)(void *ctx, const jl_cols *row);
int jy_ledger_sqlite_scan(jy_store *st, const char *sql, const jl_val *params, int n, jl_cols_fn fn, void *ctx,
                          const char *what, jy_err *err);
int jy_ledger_pg_scan(jy_store *st, const char *sql, const jl_val *params, int n, jl_cols_fn fn, void *ctx,
                      const char *what, jy_err *err);
int64_t jy_ledger_sqlite_col_i64(const jl_cols *r, int c);
int jy_ledger_sqlite_col_null(const jl_cols *r, int c);
const char *jy_ledger_sqlite_col_text(const jl_cols *r, int c, size_t *len);
int64_t jy_ledger_pg_col_i64(const jl_cols *r, int c);
int jy_ledger_pg_col_null(const jl_cols *r, int c);
const char *jy_ledger_pg_col_text(const jl_cols *r, int c, size_t *len);
const unsigned char *jy_ledger_sqlite_col_blob(const jl_cols *r, int c, unsigned char *buf, size_t cap, size_t *len);
const unsigned char *jy_ledger_pg_col_blob(const jl_cols *r, int c, unsigned char *buf, size_t cap, size_t *len);
/* A BLOB (bytea) column's bytes and their count, or NULL for SQL NULL (or, on PostgreSQL, a value
 * longer than cap bytes or not in bytea's hex form): on SQLite pointing into the row, on
 * PostgreSQL decoded from the text result into buf. */
static inline const unsigned char *jl_col_blob(const jl_cols *r, int c, unsigned char *buf, size_t cap, size_t *len)
{
    return r->pg ? jy_ledger_pg_col_blob(r, c, buf, cap, len) : jy_ledger_sqlite_col_blob(r, c, buf, cap, len);
}
/* The column as an integer (0 for NULL). */
static inline int64_t jl_col_i64(const jl_cols *r, int c)
{
    return r->pg ? jy_ledger_pg_col_i64(r, c) : jy_ledger_sqlite_col_i64(r, c);
}
/* Non-zero when the column is SQL NULL. */
static inline int jl_col_null(const jl_cols *r, int c)
{
    return r->pg ? jy_ledger_pg_col_null(r, c) : jy_ledger_sqlite_col_null(r, c);
}
/* The column's text and its length in bytes (*len may be NULL), or NULL for SQL NULL. */
static inline const char *jl_col_text(const jl_cols *r, int c, size_t *len)
{
    return r->pg ? jy_ledger_pg_col_text(r, c, len) : jy_ledger_sqlite_col_text(r, c, len);
}

/* Plumbing shared by the store files that run their SQL through these runners (ledger_store.c,
 * placement_store.c, report_store.c); ledger_db.c. */

/* Runs sql on the handle's backend (the runner of its dialect). */
int jl_run(jy_store *st, const char *sql, const jl_val *p, int n, jl_row_fn fn, void *ctx, int64_t *nrows,
           const char *what, jy_err *err);
/* jl_run with typed rows (jl_cols above). */
int jl_scan(jy_store *st, const char *sql, const jl_val *p, int n, jl_cols_fn fn, void *ctx, const char *what,
            jy_err *err);
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
/* Non-zero when the handle is a PostgreSQL one. */
int jl_is_pg(const jy_store *st);

/* ---- bulk rows (the payroll's bulk write, jy_store_payroll_lines_add_bulk) ----
 * Rows for one table collected as a JSON array of arrays (one array per row, its columns in
 * order) and inserted with one statement per batch: INSERT … SELECT over the array, bound as
 * the one parameter $1 (json_array_elements on PostgreSQL, json_each on SQLite). The two texts
 * come from JL_BULK_SQL(table, columns, expressions), where the expressions read the row `v`
 * (v ->> 0, CAST(v ->> 1 AS bigint), …), which both dialects understand. */
#define JL_BULK_SQL(table, cols, exprs)                                                                   \
    {"INSERT INTO " table "(" cols ") SELECT " exprs " FROM json_array_elements(CAST($1 AS json)) AS r(v)", \
     "INSERT INTO " table "(" cols ") SELECT " exprs " FROM (SELECT value AS v FROM json_each($1)) AS r"}

typedef struct jl_rows {
    jy_sb json; /* "[[…],[…]" while rows are open */
    size_t n;   /* rows */
    int cols;   /* columns in the open row */
} jl_rows;

void jl_rows_init(jl_rows *r);
void jl_rows_free(jl_rows *r);
void jl_row_begin(jl_rows *r);
void jl_row_i64(jl_rows *r, int64_t v);
void jl_row_str(jl_rows *r, const char *s); /* NULL: SQL NULL */
void jl_row_null(jl_rows *r);
void jl_row_end(jl_rows *r);
/* Inserts the collected rows (sql[0] PostgreSQL, sql[1] SQLite) and empties r; nothing when
 * there are none. */
int jl_rows_insert(jy_store *st, jl_rows *r, const char *const sql[2], const char *what, jy_err *err);

/* ---- the ledger half of the payroll's bulk write (ledger_store.c) ----
 * Inside the caller's transaction (the writer lock held, so nobody else writes the ledger):
 * payables and their commitment entries written as jy_ledger_approve writes them — the same
 * rows, ids, balances and audit entries in the same order — but the ids are handed out from
 * max(id) + 1 (as SQLite assigns them), the rows are inserted in bulk (jl_rows) and each
 * account's balance is moved once per flush instead of once per posting. */
typedef struct jl_acct {
    char county[7], program[8];
    int year, source, account;
    int64_t id, balance; /* balance: as moved so far, in memory */
    int64_t moved;       /* not yet written to the row */
} jl_acct;

#define JL_BULK_ACCTS 64
typedef struct jl_ledger_bulk {
    jy_store *st;
    int64_t next_payable, next_entry, next_posting; /* the next ids to hand out */
    int64_t added;                                  /* payables added */
    jl_acct acct[JL_BULK_ACCTS];
    int nacct;
    jl_rows payables, splits, entries, postings;
    jy_sb js;
} jl_ledger_bulk;

/* Reads the highest ids (call inside a transaction). */
int jl_ledger_bulk_start(jy_store *st, jl_ledger_bulk *b, jy_err *err);
/* Adds payable p (p->split filled, summing to p->amount) with status approved and its commit
 * entry (available → committed per source, memo "approval of payable N"), as jy_ledger_approve
 * after jy_ledger_split: p->id, approved_by and created_at filled; the audit entries payable/
 * create and ledger_entry/commit appended. JY_ECONFLICT with jy_store_ledger_post's message
 * when an account would cross zero (nothing of this payable is kept; the caller rolls back). */
int jl_ledger_bulk_commit(jl_ledger_bulk *b, jy_payable *p, const char *actor, jy_err *err);
/* Inserts the rows collected so far (payables, splits, entries, postings, in that order). */
int jl_ledger_bulk_flush(jl_ledger_bulk *b, jy_err *err);
/* Flushes, writes the accounts' moved balances and, on PostgreSQL, moves the identity
 * sequences past the ids handed out. */
int jl_ledger_bulk_finish(jl_ledger_bulk *b, jy_err *err);
void jl_ledger_bulk_free(jl_ledger_bulk *b);

#endif
