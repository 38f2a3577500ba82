/* bench/payroll — (1) a monthly payroll for N placements (default 100,000) of P13: read the
 * month's attendance from SQLite, decide every line with the policy engine in batch mode
 * (jy_policy_eval_columns, full decisions), write the lines back; against the same work done as
 * one INSERT … SELECT with the P13 rules written as a SQL CASE. (2) a roster of R persons
 * (default 100,000) checked against C past claims (default 1,000,000) for the training
 * conflicts (repeat of an occupation and level; another subsidised training the same year):
 * the claims read with one query and indexed in memory (as service/conflict.c does) against a
 * SQL join. Both pairs run in the same process on the same data; their totals must agree.
 *
 * Usage: bench_payroll [placements [roster [claims]]]. Prints times and ratios; never fails on
 * a time (exit 1 only when the two methods disagree). docs/payroll.md has figures. */
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "policy/policy.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void exec(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        fprintf(stderr, "sqlite: %s\n  in: %.200s\n", msg ? msg : "?", sql);
        exit(2);
    }
}

static uint64_t rng = 88172645463325252ull;
static unsigned rnd(unsigned n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng % n);
}

#define W 21 /* working days of March 2024 */

/* The P13 monthly rules (policy/p13-internship.rules) as SQL: outcome 0 eligible, 1 ineligible,
 * 2 needs_review; amount in fen for eligible lines. */
static const char sql_run[] =
    "INSERT INTO lines_sql(placement_id, outcome, amount) "
    "SELECT id, o, CASE WHEN o = 0 THEN 175000 ELSE 0 END FROM ("
    " SELECT id, CASE"
    "  WHEN contract = 1 THEN 1"
    "  WHEN pl > 5 THEN 1"
    "  WHEN (mi = 1 OR final = 1) AND duty < 21 AND duty < 10 THEN 1"
    "  WHEN (pl > 0 AND sl > 0) OR (sl > 0 AND cert = 0) OR ((mi = 1 OR final = 1) AND duty < 21) OR sl > 7 THEN 2"
    "  ELSE 0 END AS o FROM att)";

static int bench_payroll(sqlite3 *db, jy_policy *pol, long n)
{
    exec(db, "CREATE TABLE att(id INTEGER PRIMARY KEY, mi INT, duty INT, pl INT, sl INT, cert INT, contract INT, final INT);"
             "CREATE TABLE lines(placement_id INTEGER PRIMARY KEY, outcome INT, amount INT, decision TEXT);"
             "CREATE TABLE lines_sql(placement_id INTEGER PRIMARY KEY, outcome INT, amount INT);");
    sqlite3_stmt *ins;
    exec(db, "BEGIN");
    sqlite3_prepare_v2(db, "INSERT INTO att VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)", -1, &ins, NULL);
    for (long i = 1; i <= n; i++) {
        int mi = 1 + (int)rnd(12), pl = rnd(10) < 8 ? 0 : (int)rnd(9), sl = rnd(10) < 8 ? 0 : (int)rnd(11);
        int duty = W - pl - sl;
        if (mi == 1 && rnd(3) == 0) duty = (int)rnd((unsigned)duty + 1);
        int fin = rnd(20) == 0;
        if (fin) duty = (int)rnd((unsigned)duty + 1);
        int vals[7] = {mi, duty, pl, sl, (int)(rnd(4) != 0), rnd(50) == 0, fin};
        sqlite3_bind_int64(ins, 1, i);
        for (int k = 0; k < 7; k++) sqlite3_bind_int(ins, k + 2, vals[k]);
        sqlite3_step(ins);
        sqlite3_reset(ins);
    }
    sqlite3_finalize(ins);
    exec(db, "COMMIT");

    /* the engine: one query, batch evaluation with full decisions, lines written back */
    double t0 = now();
    size_t cap = (size_t)n;
    int64_t *cols = malloc(sizeof(int64_t) * cap * 8);
    int64_t *ids = malloc(sizeof(int64_t) * cap);
    jy_decision *dec = malloc(sizeof(jy_decision) * cap);
    jy_fen *amount = malloc(sizeof(jy_fen) * cap);
    uint8_t *outcome = malloc(cap);
    if (!cols || !ids || !dec || !amount || !outcome) return 2;
    sqlite3_stmt *q;
    sqlite3_prepare_v2(db, "SELECT id, mi, duty, pl, sl, cert, contract, final FROM att ORDER BY id", -1, &q, NULL);
    size_t rows = 0;
    while (sqlite3_step(q) == SQLITE_ROW) {
        ids[rows] = sqlite3_column_int64(q, 0);
        for (int k = 0; k < 7; k++) cols[(size_t)k * cap + rows] = sqlite3_column_int64(q, k + 1);
        cols[(size_t)7 * cap + rows] = cols[rows]; /* months_in_post = month_index */
        rows++;
    }
    sqlite3_finalize(q);
    double t_read = now() - t0;
    static const char *const names[8] = {"month_index", "days_on_duty", "personal_leave_days", "sick_leave_days",
                                         "sick_certificate", "contract_with_host", "final_month", "months_in_post"};
    const char base_json[] = "{\"program\":\"P13\",\"date\":\"2024-03-01\",\"facts\":{\"month_workdays\":21}}";
    jy_policy_case base;
    jy_err err;
    int has_id = 0;
    if (jy_policy_case_parse(pol, base_json, strlen(base_json), &base, NULL, 0, &has_id, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        return 2;
    }
    jy_policy_columns b;
    memset(&b, 0, sizeof b);
    b.base = &base;
    b.n = rows;
    for (int k = 0; k < 8; k++) {
        b.fact[k] = jy_policy_fact_index(pol, names[k]);
        b.col[k] = cols + (size_t)k * cap;
    }
    b.ncols = 8;
    jy_policy_totals tot;
    memset(&tot, 0, sizeof tot);
    double t1 = now();
    if (jy_policy_eval_columns(pol, &b, outcome, amount, dec, &tot, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        return 2;
    }
    double t_eval = now() - t1;
    t1 = now();
    exec(db, "BEGIN");
    sqlite3_prepare_v2(db, "INSERT INTO lines VALUES (?1, ?2, ?3, ?4)", -1, &ins, NULL);
    jy_sb js = JY_SB_INIT;
    for (size_t i = 0; i < rows; i++) {
        jy_sb_reset(&js);
        jy_policy_decision_json(pol, NULL, 0, &dec[i], 1, &js);
        sqlite3_bind_int64(ins, 1, ids[i]);
        sqlite3_bind_int(ins, 2, outcome[i]);
        sqlite3_bind_int64(ins, 3, outcome[i] == JY_ELIGIBLE ? amount[i] : 0);
        sqlite3_bind_text(ins, 4, jy_sb_cstr(&js), (int)js.len, SQLITE_STATIC);
        sqlite3_step(ins);
        sqlite3_reset(ins);
    }
    sqlite3_finalize(ins);
    exec(db, "COMMIT");
    jy_sb_free(&js);
    double t_write = now() - t1, t_engine = now() - t0;

    /* the same as SQL (no reasons: SQL has none to give) */
    t0 = now();
    exec(db, "BEGIN");
    exec(db, sql_run);
    exec(db, "COMMIT");
    double t_sql = now() - t0;

    /* agreement */
    long cnt[2][3] = {{0}};
    int64_t paid[2] = {0};
    const char *sums[2] = {"SELECT outcome, count(*), sum(amount) FROM lines GROUP BY outcome",
                           "SELECT outcome, count(*), sum(amount) FROM lines_sql GROUP BY outcome"};
    for (int s = 0; s < 2; s++) {
        sqlite3_prepare_v2(db, sums[s], -1, &q, NULL);
        while (sqlite3_step(q) == SQLITE_ROW) {
            int o = sqlite3_column_int(q, 0);
            if (o >= 0 && o < 3) cnt[s][o] = sqlite3_column_int64(q, 1);
            paid[s] += sqlite3_column_int64(q, 2);
        }
        sqlite3_finalize(q);
    }
    sqlite3_prepare_v2(db, "SELECT count(*) FROM lines l JOIN lines_sql s USING (placement_id) "
                           "WHERE l.outcome <> s.outcome OR l.amount <> s.amount", -1, &q, NULL);
    sqlite3_step(q);
    long differ = (long)sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    printf("payroll, %ld placements of P13 (2024-03)\n", n);
    printf("  engine: read %.3f s, decide %.3f s (%.1f M lines/s, full reasons), write %.3f s (decision JSON per "
           "line): %.3f s\n",
           t_read, t_eval, (double)rows / t_eval / 1e6, t_write, t_engine);
    printf("  sqlite INSERT … SELECT CASE (outcome and amount only): %.3f s\n", t_sql);
    printf("  eligible %ld ineligible %ld needs_review %ld, paid %lld fen; sql: %ld %ld %ld, %lld fen; rows differing %ld\n",
           cnt[0][0], cnt[0][1], cnt[0][2], (long long)paid[0], cnt[1][0], cnt[1][1], cnt[1][2], (long long)paid[1],
           differ);
    printf("  ratio sql/engine: whole run %.2fx, decision step alone %.1fx\n", t_sql / t_engine, t_sql / t_eval);
    free(cols);
    free(ids);
    free(dec);
    free(amount);
    free(outcome);
    return differ != 0 || memcmp(cnt[0], cnt[1], sizeof cnt[0]) != 0 || paid[0] != paid[1];
}

/* ---------------------------------------------------------------- roster */

typedef struct claim {
    int64_t person;
    int32_t year, occ, level;
} claim;

static int claim_cmp(const void *a, const void *b)
{
    const claim *x = a, *y = b;
    return (x->person > y->person) - (x->person < y->person);
}

static int bench_roster(sqlite3 *db, long nroster, long nclaims)
{
    long npersons = nclaims / 2; /* past claims spread over half as many persons */
    exec(db, "CREATE TABLE claims(id INTEGER PRIMARY KEY, person INT, year INT, occ INT, level INT, live INT);"
             "CREATE TABLE roster(row INTEGER PRIMARY KEY, person INT, occ INT, level INT);");
    sqlite3_stmt *ins;
    exec(db, "BEGIN");
    sqlite3_prepare_v2(db, "INSERT INTO claims VALUES (?1, ?2, ?3, ?4, ?5, ?6)", -1, &ins, NULL);
    for (long i = 1; i <= nclaims; i++) {
        int v[5] = {(int)(1 + rnd((unsigned)npersons)), 2019 + (int)rnd(6), (int)rnd(200), 3 + (int)rnd(3),
                    rnd(10) != 0};
        sqlite3_bind_int64(ins, 1, i);
        for (int k = 0; k < 5; k++) sqlite3_bind_int(ins, k + 2, v[k]);
        sqlite3_step(ins);
        sqlite3_reset(ins);
    }
    sqlite3_finalize(ins);
    sqlite3_prepare_v2(db, "INSERT INTO roster VALUES (?1, ?2, ?3, ?4)", -1, &ins, NULL);
    for (long i = 1; i <= nroster; i++) {
        sqlite3_bind_int64(ins, 1, i);
        sqlite3_bind_int(ins, 2, (int)(1 + rnd((unsigned)(npersons * 2))));
        sqlite3_bind_int(ins, 3, (int)rnd(200));
        sqlite3_bind_int(ins, 4, 3 + (int)rnd(3));
        sqlite3_step(ins);
        sqlite3_reset(ins);
    }
    sqlite3_finalize(ins);
    exec(db, "CREATE INDEX claims_person ON claims(person); COMMIT");

    /* engine: the roster and the live claims of its persons, one query each; sorted, then each
     * row looks up its person's claims (as service/conflict.c does with the store's batch reads) */
    double t0 = now();
    sqlite3_stmt *q;
    long *rperson = malloc(sizeof(long) * (size_t)nroster), *rocc = malloc(sizeof(long) * (size_t)nroster),
         *rlevel = malloc(sizeof(long) * (size_t)nroster);
    claim *cl = malloc(sizeof(claim) * (size_t)nclaims);
    if (!rperson || !rocc || !rlevel || !cl) return 2;
    long nr = 0, nc = 0;
    sqlite3_prepare_v2(db, "SELECT person, occ, level FROM roster ORDER BY row", -1, &q, NULL);
    while (sqlite3_step(q) == SQLITE_ROW) {
        rperson[nr] = (long)sqlite3_column_int64(q, 0);
        rocc[nr] = sqlite3_column_int(q, 1);
        rlevel[nr++] = sqlite3_column_int(q, 2);
    }
    sqlite3_finalize(q);
    sqlite3_prepare_v2(db, "SELECT person, year, occ, level FROM claims WHERE live = 1 AND person IN "
                           "(SELECT person FROM roster)", -1, &q, NULL);
    while (sqlite3_step(q) == SQLITE_ROW) {
        cl[nc].person = sqlite3_column_int64(q, 0);
        cl[nc].year = sqlite3_column_int(q, 1);
        cl[nc].occ = sqlite3_column_int(q, 2);
        cl[nc++].level = sqlite3_column_int(q, 3);
    }
    sqlite3_finalize(q);
    double t_read = now() - t0;
    qsort(cl, (size_t)nc, sizeof *cl, claim_cmp);
    long repeat = 0, same_year = 0;
    for (long i = 0; i < nr; i++) {
        /* first claim of the person */
        long lo = 0, hi = nc;
        while (lo < hi) {
            long mid = (lo + hi) / 2;
            if (cl[mid].person < rperson[i]) lo = mid + 1;
            else hi = mid;
        }
        for (long k = lo; k < nc && cl[k].person == rperson[i]; k++) {
            if (cl[k].occ == rocc[i] && cl[k].level == rlevel[i]) repeat++;
            else if (cl[k].year == 2024) same_year++;
        }
    }
    double t_engine = now() - t0;

    t0 = now();
    sqlite3_prepare_v2(db,
                       "SELECT sum(c.occ = r.occ AND c.level = r.level), "
                       "sum(NOT (c.occ = r.occ AND c.level = r.level) AND c.year = 2024) "
                       "FROM roster r JOIN claims c ON c.person = r.person AND c.live = 1",
                       -1, &q, NULL);
    sqlite3_step(q);
    long s_repeat = (long)sqlite3_column_int64(q, 0), s_year = (long)sqlite3_column_int64(q, 1);
    sqlite3_finalize(q);
    double t_sql = now() - t0;
    printf("roster check, %ld rows against %ld past claims (%ld live claims of roster persons read)\n", nroster,
           nclaims, nc);
    printf("  engine: read %.3f s, check %.3f s: %.3f s; findings: repeat %ld, same year %ld\n", t_read,
           t_engine - t_read, t_engine, repeat, same_year);
    printf("  sqlite join: %.3f s; findings: repeat %ld, same year %ld\n", t_sql, s_repeat, s_year);
    printf("  ratio sql/engine %.2fx\n", t_sql / t_engine);
    free(rperson);
    free(rocc);
    free(rlevel);
    free(cl);
    return repeat != s_repeat || same_year != s_year;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 100000, nroster = argc > 2 ? atol(argv[2]) : 100000,
         nclaims = argc > 3 ? atol(argv[3]) : 1000000;
    jy_policy *pol = NULL;
    jy_err err;
    if (jy_policy_load(JY_POLICY_DIR, &pol, &err) != 0) {
        fprintf(stderr, "policy: %s\n", err.msg);
        return 2;
    }
    sqlite3 *db;
    if (sqlite3_open(":memory:", &db) != SQLITE_OK) return 2;
    int bad = bench_payroll(db, pol, n);
    bad |= bench_roster(db, nroster, nclaims);
    if (bad) fprintf(stderr, "the engine and SQL disagree\n");
    sqlite3_close(db);
    jy_policy_free(pol);
    return bad ? 1 : 0;
}
