/* simulate_store.c — the reads behind the budget simulation (simulate_store.h).
 *
 * One statement text per read for both backends (ledger_db.h's runners: $n parameters, CAST,
 * bound values only). The cases and the payroll lines are read in pages of PAGE rows by id
 * (keyset: id > the last one seen), so neither backend holds more than a page in memory — the
 * PostgreSQL runner fetches a statement's whole result — and a page is one round trip. */
#define _GNU_SOURCE /* memmem */
#include "store/simulate_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/policy.h" /* JY_FACTVEC_MAX */
#include "store/ledger_db.h"

enum { PAGE = 20000 };

/* The subject's finest division: the person's 户籍, else the organisation's, else the county
 * (for a case: CASE_DIV, computed in on_case from the maps below). */
#define LINE_DIV "COALESCE(NULLIF(p.hukou_division, ''), pl.county)"

/* The cases, without joins: the subject's division and the parent's facts come from maps read
 * once before (a join per row cost three B-tree look-ups per case). The area, programme and
 * period filters are applied in C to the same values the SQL compared (the division the joins
 * gave; the programme's text; the filing date's text against the bounds' text, compared as
 * SQLite's BINARY collation compares — bytes, then length), so the statement does no work per
 * row but the county's and the kind's tests. */
static const char cases_sql[] =
    "SELECT c.id, c.program, c.kind, CAST(c.filed_on AS TEXT), c.year, c.person_id, c.org_id, c.parent_id, "
    "c.county, c.facts, c.conflicts, c.fact_vec "
    "FROM cases c "
    "WHERE c.county = $1 AND c.id > CAST($2 AS BIGINT) AND c.kind <> 'training_class' "
    "ORDER BY c.id LIMIT 20000";

/* The same rows for SQLite in the table's own (rowid) order, the county tested on each row
 * instead of found through cases_county_id (`+c.county`: no index for it): chosen when the county
 * holds at least half of the cases (case_counters), where a look-up in the table for every
 * index entry costs more than skipping the other counties' rows. PostgreSQL plans for itself
 * (and has no unary + for text). */
static const char cases_scan_sql[] =
    "SELECT c.id, c.program, c.kind, CAST(c.filed_on AS TEXT), c.year, c.person_id, c.org_id, c.parent_id, "
    "c.county, c.facts, c.conflicts, c.fact_vec "
    "FROM cases c "
    "WHERE +c.county = $1 AND c.id > CAST($2 AS BIGINT) AND c.kind <> 'training_class' "
    "ORDER BY c.id LIMIT 20000";
static const char county_share_sql[] =
    "SELECT COALESCE(SUM(CASE WHEN county = $1 THEN n_cases END), 0), COALESCE(SUM(n_cases), 0) FROM case_counters";

static int on_share(void *ctx, int ncol, const char *const *col)
{
    int64_t *v = ctx;
    if (ncol < 2) return 1;
    v[0] = jl_i64(col[0]);
    v[1] = jl_i64(col[1]);
    return 0;
}

/* id → text maps read once: persons' 户籍 and organisations' divisions (non-empty ones), and the
 * facts of every case that is some case's parent (a class, for its track). */
static const char persons_div_sql[] = "SELECT id, hukou_division FROM persons WHERE hukou_division <> '' ORDER BY id";
static const char orgs_div_sql[] = "SELECT id, division FROM orgs WHERE division <> '' ORDER BY id";
static const char parents_sql[] =
    "SELECT id, facts FROM cases WHERE id IN (SELECT parent_id FROM cases WHERE parent_id IS NOT NULL) ORDER BY id";

typedef struct idmap {
    int64_t *id;
    size_t *off;
    size_t n, cap;
    char *pool;
    size_t plen, pcap;
    int oom;
    uint32_t *dense; /* when the ids are dense enough: dense[id] = the text's offset in pool + 1 (0: none),
                      * ids ≤ ndense (one look-up a row, in a table of 4 bytes an id) */
    int64_t ndense;
    size_t *seen;    /* texts kept once: seen[hash] = offset + 1 of a text in pool (open addressing, SEEN
                      * slots); 20,000 persons of a few hundred villages share a few KiB of pool that
                      * stays in the cache instead of 20,000 copies read at random, one per row */
} idmap;

enum { SEEN = 4096 };

static int on_idmap(void *ctx, int ncol, const char *const *col)
{
    idmap *M = ctx;
    if (ncol < 2) return 1;
    const char *v = col[1] ? col[1] : "";
    size_t vl = strlen(v) + 1;
    if (M->n == M->cap) {
        size_t nc = M->cap ? M->cap * 2 : 1024;
        int64_t *ni = realloc(M->id, sizeof *ni * nc);
        if (ni) M->id = ni;
        size_t *no = realloc(M->off, sizeof *no * nc);
        if (no) M->off = no;
        if (!ni || !no) {
            M->oom = 1;
            return 1;
        }
        M->cap = nc;
    }
    size_t *slot = NULL;
    if (vl <= 64) { /* short texts (divisions): the same text kept once */
        if (!M->seen && !(M->seen = calloc(SEEN, sizeof *M->seen))) {
            M->oom = 1;
            return 1;
        }
        uint32_t h = 2166136261u;
        for (size_t i = 0; i < vl; i++) h = (h ^ (unsigned char)v[i]) * 16777619u;
        for (size_t k = 0; k < 16; k++) { /* a bounded probe: past it the text is simply stored again */
            size_t *e = &M->seen[(h + k) & (SEEN - 1)];
            if (!*e) {
                slot = e;
                break;
            }
            const char *t = M->pool + *e - 1;
            if (strlen(t) + 1 == vl && memcmp(t, v, vl) == 0) {
                M->id[M->n] = jl_i64(col[0]);
                M->off[M->n++] = *e - 1;
                return 0;
            }
        }
    }
    if (M->plen + vl > M->pcap) {
        size_t nc = M->pcap ? M->pcap * 2 : 65536;
        while (nc < M->plen + vl) nc *= 2;
        char *np = realloc(M->pool, nc);
        if (!np) {
            M->oom = 1;
            return 1;
        }
        M->pool = np;
        M->pcap = nc;
    }
    memcpy(M->pool + M->plen, v, vl);
    M->id[M->n] = jl_i64(col[0]);
    M->off[M->n++] = M->plen;
    if (slot) *slot = M->plen + 1;
    M->plen += vl;
    return 0;
}

/* After the read: a direct table when the largest id is at most 4 × the count + 65,536. */
static void idmap_index(idmap *M)
{
    if (M->n == 0 || M->id[M->n - 1] < 0 || M->id[0] < 0) return;
    int64_t max = M->id[M->n - 1];
    if (max > (int64_t)M->n * 4 + 65536 || M->plen >= UINT32_MAX) return;
    M->dense = calloc((size_t)max + 1, sizeof *M->dense);
    if (!M->dense) return; /* the binary search answers */
    for (size_t i = 0; i < M->n; i++) M->dense[M->id[i]] = (uint32_t)(M->off[i] + 1);
    M->ndense = max;
}

/* The text of id, or NULL (ids are sorted: ORDER BY id). */
static const char *idmap_get(const idmap *M, int64_t id)
{
    if (M->dense) {
        if (id < 0 || id > M->ndense || !M->dense[id]) return NULL;
        return M->pool + M->dense[id] - 1;
    }
    size_t lo = 0, hi = M->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (M->id[mid] < id) lo = mid + 1;
        else hi = mid;
    }
    return lo < M->n && M->id[lo] == id ? M->pool + M->off[lo] : NULL;
}

static void idmap_free(idmap *M)
{
    free(M->seen);
    free(M->dense);
    free(M->id);
    free(M->off);
    free(M->pool);
}

/* What was paid on each case (less recoveries), read once before the cases: a lookup per case
 * row in memory instead of a correlated subquery per row. A placement's monthly payables carry
 * the placement's case too: they are counted with their payroll lines, not with the case. */
static const char paid_sql[] =
    "SELECT case_id, SUM(amount - recovered) FROM payables WHERE county = $1 AND status = 'paid' "
    "AND case_id IS NOT NULL AND id NOT IN (SELECT payable_id FROM payroll_lines WHERE payable_id IS NOT NULL) "
    "GROUP BY case_id ORDER BY case_id";

typedef struct paid_t {
    int64_t (*v)[2];
    size_t n, cap;
    int oom;
} paid_t;

static int on_paid(void *ctx, int ncol, const char *const *col)
{
    paid_t *P = ctx;
    if (ncol < 2) return 1;
    if (P->n == P->cap) {
        size_t nc = P->cap ? P->cap * 2 : 1024;
        int64_t(*nv)[2] = realloc(P->v, sizeof *nv * nc);
        if (!nv) {
            P->oom = 1;
            return 1;
        }
        P->v = nv;
        P->cap = nc;
    }
    P->v[P->n][0] = jl_i64(col[0]);
    P->v[P->n][1] = jl_i64(col[1]);
    P->n++;
    return 0;
}

static int64_t paid_of(const paid_t *P, int64_t id)
{
    size_t lo = 0, hi = P->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (P->v[mid][0] < id) lo = mid + 1;
        else hi = mid;
    }
    return lo < P->n && P->v[lo][0] == id ? P->v[lo][1] : 0;
}

static const char lines_sql[] =
    "SELECT l.id, r.program, l.claim, r.month, substr(l.updated_at, 1, 10), " LINE_DIV ", l.facts, "
    "CASE WHEN y.status = 'paid' THEN y.amount - y.recovered END "
    "FROM payroll_lines l JOIN payroll_runs r ON r.id = l.run_id JOIN placements pl ON pl.id = l.placement_id "
    "LEFT JOIN persons p ON p.id = pl.person_id LEFT JOIN payables y ON y.id = l.payable_id "
    "WHERE l.county = $1 AND l.id > CAST($2 AS BIGINT) AND l.status <> 'cancelled' "
    "AND (CAST($3 AS TEXT) = '' OR r.program = CAST($3 AS TEXT)) "
    "AND r.month >= CAST($4 AS TEXT) AND r.month <= CAST($5 AS TEXT) "
    "AND (CAST($6 AS TEXT) = '' OR substr(" LINE_DIV ", 1, length(CAST($6 AS TEXT))) = CAST($6 AS TEXT)) "
    "ORDER BY l.id LIMIT 20000";

typedef struct rows_ctx {
    int (*fn)(void *ctx, const jy_sim_row *r);
    void *ctx;
    int rc;
    int64_t last;
    long n;
    const paid_t *paid;
    const idmap *persons, *orgs, *parents;
    const char *area;
    size_t area_len;
    const char *program;  /* "" : every programme */
    size_t program_len;
    const char *from, *to; /* the period's bounds as text (YYYY-MM-DD) */
    unsigned char vec[JY_FACTVEC_MAX]; /* PostgreSQL: a fact vector decoded from its hex */
} rows_ctx;

/* a's n bytes against the string b, as SQLite's BINARY collation orders text */
static int text_cmp(const char *a, size_t n, const char *b)
{
    size_t m = strlen(b);
    int c = memcmp(a, b, n < m ? n : m);
    return c ? c : n < m ? -1 : n > m;
}

static jy_date date_of(const char *s, size_t len)
{
    jy_date d = 0;
    if (!s || strlen(s) < len || jy_date_parse_n(s, len, &d, NULL) != 0) d = 0;
    return d;
}

static int on_case(void *ctx, const jl_cols *row)
{
    rows_ctx *t = ctx;
    if (row->ncol < 12) return 1;
    jy_sim_row r;
    memset(&r, 0, sizeof r);
    r.id = jl_col_i64(row, 0);
    t->last = r.id;
    t->n++; /* rows of the page, taken or not (the paging counts them) */
    /* CASE_DIV: the person's 户籍, else the organisation's division, else the county */
    const char *div = jl_col_null(row, 5) ? NULL : idmap_get(t->persons, jl_col_i64(row, 5));
    if (!div && !jl_col_null(row, 6)) div = idmap_get(t->orgs, jl_col_i64(row, 6));
    if (!div) div = jl_col_text(row, 8, NULL);
    if (!div) div = "";
    if (t->area_len && strncmp(div, t->area, t->area_len) != 0) return 0; /* outside the area */
    size_t n;
    const char *s = jl_col_text(row, 1, &n);
    if (t->program_len && (!s || n != t->program_len || memcmp(s, t->program, n) != 0)) return 0; /* another programme */
    r.program = s ? s : "";
    r.program_len = s ? n : 0;
    s = jl_col_text(row, 3, &n);
    if (!s || text_cmp(s, n, t->from) < 0 || text_cmp(s, n, t->to) > 0) return 0; /* outside the period */
    if (n >= 10 && strlen(s) >= 10 && jy_date_parse_n(s, 10, &r.on, NULL) != 0) r.on = 0;
    s = jl_col_text(row, 2, NULL);
    r.kind = s ? s : "";
    r.year = (int)jl_col_i64(row, 4);
    r.division = div;
    s = jl_col_text(row, 9, &n);
    r.facts = s ? s : "{}";
    r.facts_len = s ? n : 2;
    /* the parent's facts when the case names no track (as the join's CASE gave them) */
    r.parent_facts = !jl_col_null(row, 7) && !memmem(r.facts, r.facts_len, "\"track\"", 7)
                         ? idmap_get(t->parents, jl_col_i64(row, 7))
                         : NULL;
    s = jl_col_text(row, 10, NULL);
    r.conflicts = s ? s : "[]";
    r.paid = paid_of(t->paid, r.id);
    r.fact_vec = jl_col_blob(row, 11, t->vec, sizeof t->vec, &r.fact_vec_len);
    t->rc = t->fn(t->ctx, &r);
    return t->rc != 0;
}

static int on_line(void *ctx, int ncol, const char *const *col)
{
    rows_ctx *t = ctx;
    if (ncol < 8) return 1;
    jy_sim_row r;
    memset(&r, 0, sizeof r);
    r.id = jl_i64(col[0]);
    r.is_line = 1;
    r.program = col[1] ? col[1] : "";
    r.kind = col[2] ? col[2] : "";
    char first[11];
    snprintf(first, sizeof first, "%.7s-01", col[3] ? col[3] : "");
    r.on = date_of(first, 10);
    int y, m, d;
    jy_date_to_ymd(r.on, &y, &m, &d);
    r.year = r.on ? y : 0;
    r.claim_date = date_of(col[4], 10);
    r.division = col[5] ? col[5] : "";
    r.facts = col[6] ? col[6] : "{}";
    r.facts_len = strlen(r.facts);
    r.program_len = strlen(r.program);
    r.conflicts = "[]";
    r.paid = jl_i64(col[7]);
    t->last = r.id;
    t->n++;
    t->rc = t->fn(t->ctx, &r);
    return t->rc != 0;
}

static int pages(jy_store *st, const char *sql, int np, jl_row_fn on, jl_cols_fn on_cols, jl_val *p, rows_ctx *t,
                 const char *what, jy_err *err)
{
    t->last = 0;
    for (;;) {
        t->n = 0;
        p[1] = JL_I(t->last);
        int rc = on_cols ? jl_scan(st, sql, p, np, on_cols, t, what, err) : jl_run(st, sql, p, np, on, t, NULL, what, err);
        if (rc) return rc;
        if (t->rc) return t->rc;
        if (t->n < PAGE) return 0;
    }
}

int jy_store_sim_rows(jy_store *st, const jy_sim_filter *f, int (*fn)(void *ctx, const jy_sim_row *r), void *ctx,
                      jy_err *err)
{
    const char *county = f->county ? f->county : "";
    if (jy_store_scope_refuse(st, "the simulation of", county, county, err)) return JY_ECONFLICT;
    char from[JY_DATE_BUFSZ] = "0000-01-01", to[JY_DATE_BUFSZ] = "9999-12-31", mfrom[8], mto[8];
    if (f->from) jy_date_format(f->from, from);
    if (f->to) jy_date_format(f->to, to);
    snprintf(mfrom, sizeof mfrom, "%.7s", from);
    snprintf(mto, sizeof mto, "%.7s", to);
    paid_t paid = {0};
    idmap persons = {0}, orgs = {0}, parents = {0};
    const char *area = f->area ? f->area : "";
    const char *prog = f->program ? f->program : "";
    rows_ctx t = {.fn = fn, .ctx = ctx, .paid = &paid, .persons = &persons, .orgs = &orgs, .parents = &parents,
                  .area = area, .area_len = strlen(area), .program = prog, .program_len = strlen(prog),
                  .from = from, .to = to};
    jl_val p[6] = {JL_S(county), JL_I(0), JL_S(f->program ? f->program : ""), JL_S(from), JL_S(to),
                   JL_S(area)};
    int rc = jl_run(st, paid_sql, p, 1, on_paid, &paid, NULL, "simulation: paid per case", err);
    if (rc == 0) rc = jl_run(st, persons_div_sql, NULL, 0, on_idmap, &persons, NULL, "simulation: persons", err);
    if (rc == 0) rc = jl_run(st, orgs_div_sql, NULL, 0, on_idmap, &orgs, NULL, "simulation: organisations", err);
    if (rc == 0) rc = jl_run(st, parents_sql, NULL, 0, on_idmap, &parents, NULL, "simulation: parent cases", err);
    if (rc == 0 && (paid.oom || persons.oom || orgs.oom || parents.oom))
        rc = jy_err_set2(err, JY_ENOMEM, "sys.out_of_memory", "out of memory", "内存不足");
    if (rc == 0) {
        idmap_index(&persons);
        idmap_index(&orgs);
        idmap_index(&parents);
    }
    int64_t share[2] = {0, 0};
    if (rc == 0 && !jl_is_pg(st))
        rc = jl_run(st, county_share_sql, p, 1, on_share, share, NULL, "simulation: the county's share", err);
    const char *csql = !jl_is_pg(st) && share[0] > 0 && share[0] * 2 >= share[1] ? cases_scan_sql : cases_sql;
    if (getenv("JY_SIM_INDEX")) csql = cases_sql; /* JY_SIM_INDEX=1: the index plan always (tests compare the two) */
    if (rc == 0) rc = pages(st, csql, 2, NULL, on_case, p, &t, "simulation: cases", err);
    free(paid.v);
    idmap_free(&persons);
    idmap_free(&orgs);
    idmap_free(&parents);
    if (rc) return rc;
    p[3] = JL_S(mfrom);
    p[4] = JL_S(mto);
    return pages(st, lines_sql, 6, on_line, NULL, p, &t, "simulation: payroll lines", err);
}

/* ---------------------------------------------------------------- budget lines */

static const char lines_budget_sql[] =
    "SELECT a.program, a.year, a.source, -a.balance, COALESCE(t.tracks, '') "
    "FROM ledger_accounts a LEFT JOIN ledger_line_tracks t ON t.county = a.county AND t.program = a.program "
    "AND t.year = a.year AND t.source = a.source "
    "WHERE a.county = $1 AND a.kind = 'budget' ORDER BY a.program, a.year, a.source";

typedef struct lines_ctx {
    int (*fn)(void *ctx, const jy_sim_line *l);
    void *ctx;
    int rc;
} lines_ctx;

static int on_budget(void *ctx, int ncol, const char *const *col)
{
    lines_ctx *t = ctx;
    if (ncol < 5) return 1;
    jy_sim_line l;
    memset(&l, 0, sizeof l);
    jl_cp(l.program, sizeof l.program, col[0]);
    l.year = (int)jl_i64(col[1]);
    l.source = -1;
    for (int s = 0; s < 4; s++)
        if (col[2] && strcmp(col[2], jy_fund_source_name(s)) == 0) l.source = s;
    l.budget = jl_i64(col[3]);
    jl_cp(l.tracks, sizeof l.tracks, col[4]);
    if (l.source < 0) return 0;
    t->rc = t->fn(t->ctx, &l);
    return t->rc != 0;
}

int jy_store_sim_lines(jy_store *st, const char *county, int (*fn)(void *ctx, const jy_sim_line *l), void *ctx,
                       jy_err *err)
{
    if (jy_store_scope_refuse(st, "the simulation of", county ? county : "", county ? county : "", err))
        return JY_ECONFLICT;
    jl_val p[1] = {JL_S(county ? county : "")};
    lines_ctx t = {fn, ctx, 0};
    int rc = jl_run(st, lines_budget_sql, p, 1, on_budget, &t, NULL, "simulation: budget lines", err);
    return rc ? rc : t.rc;
}
