/* report_store.c — the reads behind the reports (report_store.h): a grouped tally of cases for
 * targets against achievements, and case rows joined with their subject person for rosters
 * (花名册) and publicity lists (公示名单).
 *
 * Statements run through the ledger's runners (ledger_db.h) on the handle's connection, so they
 * see the handle's transaction. Each text is valid in both dialects; only the tally's JSON field
 * extraction differs (SQLite json_extract, PostgreSQL jsonb ->>), so that statement is one
 * template expanded twice. */
#include "store/report_store.h"

#include <stdlib.h>
#include <string.h>

#include "store/counters_sql.h"
#include "store/ledger_db.h"

static int is_pg(jy_store *st)
{
    return strcmp(st->ops->name, "postgresql") == 0;
}

static int run(jy_store *st, const char *sql, const jl_val *p, int n, jl_row_fn fn, void *ctx, const char *what,
               jy_err *err)
{
    if (is_pg(st)) return jy_ledger_pg_run(st, sql, p, n, fn, ctx, NULL, what, err);
    return jy_ledger_sqlite_run(st, sql, p, n, fn, ctx, NULL, what, err);
}

static jy_date date_or_0(const char *s)
{
    jy_date d = 0;
    if (s && *s && jy_date_parse_n(s, strlen(s) >= 10 ? 10 : strlen(s), &d, NULL) != 0) d = 0;
    return d;
}

/* ---------------------------------------------------------------- tally */

/* F(k): the fact k of the case, else of its parent, else "". X: what the dialect joins in to read
 * the facts (PostgreSQL parses each row's JSON once there). */
#define TALLY_SQL(F, X)                                                                                           \
    "SELECT c.program, c.year, c.kind, c.state, c.occupation, " F("track") ", " F("p2_group") ", "            \
    F("entrepreneurship") ", " F("target_group") ", COUNT(*), "                                             \
    "COALESCE(SUM(c.amount), 0) "                                                                               \
    "FROM cases c LEFT JOIN cases pc ON pc.id = c.parent_id " X                                                 \
    "WHERE c.county = $1 AND (CAST($2 AS INTEGER) = 0 OR c.year = CAST($2 AS INTEGER)) "                        \
    "AND (CAST($3 AS TEXT) = '' OR c.program = CAST($3 AS TEXT)) "                                              \
    "AND c.kind <> 'training_class' AND c.kind <> 'monthly_payment' "                                           \
    "AND (c.parent_id IS NULL OR pc.kind = 'training_class') "                                                  \
    "GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9 ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9"

/* the counters' expressions (counters_sql.h): facts that are not valid JSON count as none */
#define SQLITE_FACT(k) JY_SQ_FACT("c", "pc.facts", k)
/* PostgreSQL: each CAST(… AS jsonb) parses the text again, so the case's and its parent's facts
 * are parsed once per row in a LATERAL subquery that OFFSET 0 keeps from being inlined (four
 * casts per row were most of `report targets` at 500,000 cases a county). */
#define PG_FACT(k) "COALESCE(x.f ->> '" k "', x.pf ->> '" k "', '')"
#define PG_FACTS_ONCE \
    "CROSS JOIN LATERAL (SELECT jy_jsonb_or_null(c.facts) AS f, jy_jsonb_or_null(pc.facts) AS pf OFFSET 0) x "

static const char tally_sqlite[] = TALLY_SQL(SQLITE_FACT, "");
static const char tally_pg[] = TALLY_SQL(PG_FACT, PG_FACTS_ONCE);

typedef struct tally_ctx {
    int (*fn)(void *ctx, const jy_report_tally *t);
    void *ctx;
    int rc;
} tally_ctx;

static int on_tally(void *ctx, int ncol, const char *const *col)
{
    tally_ctx *t = ctx;
    if (ncol < 11) return 1;
    jy_report_tally r;
    memset(&r, 0, sizeof r);
    jl_cp(r.program, sizeof r.program, col[0]);
    r.year = (int)jl_i64(col[1]);
    jl_cp(r.kind, sizeof r.kind, col[2]);
    jl_cp(r.state, sizeof r.state, col[3]);
    jl_cp(r.occupation, sizeof r.occupation, col[4]);
    jl_cp(r.track, sizeof r.track, col[5]);
    jl_cp(r.p2_group, sizeof r.p2_group, col[6]);
    jl_cp(r.entrepreneurship, sizeof r.entrepreneurship, col[7]);
    jl_cp(r.target_group, sizeof r.target_group, col[8]);
    r.cases = jl_i64(col[9]);
    r.amount = jl_i64(col[10]);
    t->rc = t->fn(t->ctx, &r);
    return t->rc != 0;
}

int jy_store_report_tally(jy_store *st, const char *county, int year, const char *program,
                          int (*fn)(void *ctx, const jy_report_tally *t), void *ctx, jy_err *err)
{
    if (jy_store_scope_refuse(st, "the report of", county ? county : "", county ? county : "", err))
        return JY_ECONFLICT;
    jl_val p[3] = {JL_S(county ? county : ""), JL_I(year), JL_S(program ? program : "")};
    tally_ctx t = {fn, ctx, 0};
    int rc = run(st, is_pg(st) ? tally_pg : tally_sqlite, p, 3, on_tally, &t, "report tally", err);
    return rc ? rc : t.rc;
}

/* ---------------------------------------------------------------- counters */

/* The groups as the tally gives them, from case_counters (migration 14). */
static const char counters_sql[] =
    "SELECT program, year, kind, state, occupation, track, p2_group, entrepreneurship, target_group, n_cases, amount "
    "FROM case_counters WHERE county = $1 AND (CAST($2 AS INTEGER) = 0 OR year = CAST($2 AS INTEGER)) "
    "AND (CAST($3 AS TEXT) = '' OR program = CAST($3 AS TEXT)) AND n_cases <> 0 "
    "ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9";

int jy_store_report_counters(jy_store *st, const char *county, int year, const char *program,
                             int (*fn)(void *ctx, const jy_report_tally *t), void *ctx, jy_err *err)
{
    if (jy_store_scope_refuse(st, "the report of", county ? county : "", county ? county : "", err))
        return JY_ECONFLICT;
    jl_val p[3] = {JL_S(county ? county : ""), JL_I(year), JL_S(program ? program : "")};
    tally_ctx t = {fn, ctx, 0};
    int rc = run(st, counters_sql, p, 3, on_tally, &t, "report counters", err);
    return rc ? rc : t.rc;
}

/* The county's groups recounted into case_counters: the migration's backfill for one county. */
static const char rebuild_sqlite[] =
    "INSERT INTO case_counters(" JY_COUNTER_COLS ", n_cases, amount) SELECT " JY_SQ_KEY("c", "pc.facts")
    ", COUNT(*), COALESCE(SUM(c.amount), 0) FROM cases c LEFT JOIN cases pc ON pc.id = c.parent_id"
    " WHERE c.county = $1 AND c.kind <> 'training_class' AND c.kind <> 'monthly_payment'"
    " AND (c.parent_id IS NULL OR pc.kind = 'training_class') GROUP BY " JY_COUNTER_GROUP;
static const char rebuild_pg[] =
    "INSERT INTO case_counters(" JY_COUNTER_COLS ", n_cases, amount) SELECT " JY_COUNTER_COLS
    ", SUM(n), SUM(a) FROM (" JY_PG_ROWS("cases", "1") " AND c.county = $1) d GROUP BY " JY_COUNTER_GROUP;

static int count_row(void *ctx, int ncol, const char *const *col)
{
    (void)ncol;
    *(int64_t *)ctx = jl_i64(col[0]);
    return 0;
}

int jy_store_report_counters_rebuild(jy_store *st, const char *county, int64_t *groups, jy_err *err)
{
    if (jy_store_scope_refuse(st, "the counters of", county ? county : "", county ? county : "", err))
        return JY_ECONFLICT;
    jl_val p[1] = {JL_S(county ? county : "")};
    int64_t n = 0;
    int rc = jy_store_begin(st, err);
    if (rc) return rc;
    if ((rc = run(st, "DELETE FROM case_counters WHERE county = $1", p, 1, NULL, NULL, "clearing the counters", err)) ||
        (rc = run(st, is_pg(st) ? rebuild_pg : rebuild_sqlite, p, 1, NULL, NULL, "recounting the counters", err)) ||
        (rc = run(st, "SELECT COUNT(*) FROM case_counters WHERE county = $1", p, 1, count_row, &n, "counting the counters",
                  err))) {
        jy_store_rollback(st, NULL);
        return rc;
    }
    if ((rc = jy_store_commit(st, err))) return rc;
    if (groups) *groups = n;
    return 0;
}

/* ---------------------------------------------------------------- case rows */

static const char cases_sql[] =
    "SELECT c.id, c.program, c.kind, c.year, c.state, c.parent_id, c.org_id, c.occupation, c.level, "
    "CAST(c.start_on AS TEXT), CAST(c.end_on AS TEXT), CAST(c.publicity_end AS TEXT), "
    "(SELECT CAST(MAX(e.on_date) AS TEXT) FROM case_events e WHERE e.case_id = c.id "
    "  AND (e.to_state = 'publicity' OR e.to_state = 'bureau_publicity' OR e.to_state = 'acceptance_publicity')), "
    "c.amount, c.facts, p.idcard, p.name, p.sex, p.ethnicity, p.education, p.hukou_division, p.hukou_kind, "
    "p.phone, p.address "
    "FROM cases c LEFT JOIN persons p ON p.id = c.person_id "
    "WHERE c.county = $1 "
    "AND (CAST($2 AS TEXT) = '' OR c.program = CAST($2 AS TEXT)) "
    "AND (CAST($3 AS TEXT) = '' OR c.kind = CAST($3 AS TEXT)) "
    "AND (CAST($4 AS TEXT) = '' OR c.state = CAST($4 AS TEXT)) "
    "AND (CAST($5 AS INTEGER) = 0 OR c.year = CAST($5 AS INTEGER)) "
    "AND (CAST($6 AS BIGINT) = 0 OR c.parent_id = CAST($6 AS BIGINT) "
    "  OR (CAST($6 AS BIGINT) = -1 AND c.parent_id IS NOT NULL)) "
    "AND (CAST($7 AS BIGINT) = 0 OR c.org_id = CAST($7 AS BIGINT)) "
    "AND (CAST($8 AS BIGINT) = 0 OR c.id = CAST($8 AS BIGINT)) "
    "AND (CAST($9 AS INTEGER) = 0 OR c.person_id IS NOT NULL) "
    "ORDER BY c.id";

typedef struct rows_ctx {
    int (*fn)(void *ctx, const jy_report_case_row *r);
    void *ctx;
    int rc;
} rows_ctx;

static const char *s_or_empty(const char *s)
{
    return s ? s : "";
}

static int on_case(void *ctx, int ncol, const char *const *col)
{
    rows_ctx *t = ctx;
    if (ncol < 24) return 1;
    jy_report_case_row r;
    memset(&r, 0, sizeof r);
    r.id = jl_i64(col[0]);
    r.program = s_or_empty(col[1]);
    r.kind = s_or_empty(col[2]);
    r.year = (int)jl_i64(col[3]);
    r.state = s_or_empty(col[4]);
    r.parent_id = jl_i64(col[5]);
    r.org_id = jl_i64(col[6]);
    r.occupation = s_or_empty(col[7]);
    r.level = (int)jl_i64(col[8]);
    r.start_on = date_or_0(col[9]);
    r.end_on = date_or_0(col[10]);
    r.publicity_end = date_or_0(col[11]);
    r.publicity_start = date_or_0(col[12]);
    r.has_amount = col[13] != NULL;
    r.amount = jl_i64(col[13]);
    r.facts = col[14] ? col[14] : "{}";
    r.idcard = s_or_empty(col[15]);
    r.name = s_or_empty(col[16]);
    r.sex = s_or_empty(col[17]);
    r.ethnicity = s_or_empty(col[18]);
    r.education = s_or_empty(col[19]);
    r.hukou_division = s_or_empty(col[20]);
    r.hukou_kind = s_or_empty(col[21]);
    r.phone = s_or_empty(col[22]);
    r.address = s_or_empty(col[23]);
    t->rc = t->fn(t->ctx, &r);
    return t->rc != 0;
}

int jy_store_report_cases(jy_store *st, const jy_report_case_filter *f,
                          int (*fn)(void *ctx, const jy_report_case_row *r), void *ctx, jy_err *err)
{
    if (jy_store_scope_refuse(st, "the report of", f->county ? f->county : "", f->county ? f->county : "", err))
        return JY_ECONFLICT;
    jl_val p[9] = {JL_S(f->county ? f->county : ""), JL_S(f->program ? f->program : ""),
                   JL_S(f->kind ? f->kind : ""),     JL_S(f->state ? f->state : ""),
                   JL_I(f->year),                    JL_I(f->parent_id),
                   JL_I(f->org_id),                  JL_I(f->id),
                   JL_I(f->with_person ? 1 : 0)};
    rows_ctx t = {fn, ctx, 0};
    int rc = run(st, cases_sql, p, 9, on_case, &t, "report cases", err);
    return rc ? rc : t.rc;
}
