/* report_township.c — the township tally of report_township.h: the case subject's township from a
 * join with persons and organisations, grouped. One text for SQLite and PostgreSQL (SUBSTR,
 * COALESCE, NULLIF and CAST mean the same in both). */
#include "store/report_township.h"

#include <string.h>

#include "store/ledger_db.h"

static const char township_sql[] =
    "SELECT SUBSTR(COALESCE(NULLIF(p.hukou_division, ''), NULLIF(o.division, ''), c.county), 1, 9), c.program, "
    "c.state, COUNT(*), COALESCE(SUM(c.amount), 0) "
    "FROM cases c LEFT JOIN cases pc ON pc.id = c.parent_id "
    "LEFT JOIN persons p ON p.id = c.person_id "
    "LEFT JOIN orgs o ON o.id = c.org_id AND c.person_id IS NULL "
    "WHERE c.county = $1 AND (CAST($2 AS INTEGER) = 0 OR c.year = CAST($2 AS INTEGER)) "
    "AND (CAST($3 AS TEXT) = '' OR c.program = CAST($3 AS TEXT)) "
    "AND c.kind <> 'training_class' AND c.kind <> 'monthly_payment' "
    "AND (c.parent_id IS NULL OR pc.kind = 'training_class') "
    "GROUP BY 1, 2, 3 ORDER BY 1, 2, 3";

typedef struct township_ctx {
    int (*fn)(void *ctx, const jy_township_tally *t);
    void *ctx;
    int rc;
} township_ctx;

static int on_row(void *ctx, int ncol, const char *const *col)
{
    township_ctx *t = ctx;
    if (ncol < 5) return 1;
    jy_township_tally r;
    memset(&r, 0, sizeof r);
    jl_cp(r.township, sizeof r.township, col[0]);
    jl_cp(r.program, sizeof r.program, col[1]);
    jl_cp(r.state, sizeof r.state, col[2]);
    r.cases = jl_i64(col[3]);
    r.amount = jl_i64(col[4]);
    t->rc = t->fn(t->ctx, &r);
    return t->rc != 0;
}

int jy_store_report_township_tally(jy_store *st, const char *county, int year, const char *program,
                                   int (*fn)(void *ctx, const jy_township_tally *t), void *ctx, jy_err *err)
{
    if (jy_store_scope_refuse(st, "the report of", county ? county : "", county ? county : "", err))
        return JY_ECONFLICT;
    jl_val p[3] = {JL_S(county ? county : ""), JL_I(year), JL_S(program ? program : "")};
    township_ctx t = {fn, ctx, 0};
    int rc = strcmp(st->ops->name, "postgresql") == 0
                 ? jy_ledger_pg_run(st, township_sql, p, 3, on_row, &t, NULL, "report township tally", err)
                 : jy_ledger_sqlite_run(st, township_sql, p, 3, on_row, &t, NULL, "report township tally", err);
    return rc ? rc : t.rc;
}
