/* Policy engine benchmark: 1,000,000 mixed cases (P10 day rule, P13 monthly allowance, P1
 * training subsidy) evaluated by the compiled rules, without and with reasons rendered as JSON,
 * and the same eligibility and amounts computed by one SQL query in SQLite over the same cases,
 * in the same run. Prints decisions/s, the exact total paid in fen and the ratio; never fails. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "policy/policy.h"

#define N 1000000

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(void)
{
    jy_policy *pol;
    jy_err err;
    if (jy_policy_load(JY_POLICY_DIR, &pol, &err) != 0) { printf("cannot load policy: %s\n", err.msg); return 0; }
    int p10 = jy_policy_program_index(pol, "P10"), p13 = jy_policy_program_index(pol, "P13"), p1 = jy_policy_program_index(pol, "P1");
    int f_wd = jy_policy_fact_index(pol, "working_days"), f_mi = jy_policy_fact_index(pol, "month_index");
    int f_mw = jy_policy_fact_index(pol, "month_workdays"), f_dd = jy_policy_fact_index(pol, "days_on_duty");
    int f_cert = jy_policy_fact_index(pol, "certificate");
    static int prog[N], a[N], b[N];
    jy_policy_case *cs = malloc(sizeof *cs * 3);
    unsigned s = 12345;
    for (int i = 0; i < N; i++) {
        s = s * 1103515245u + 12345u;
        prog[i] = (int)((s >> 16) % 3);
        s = s * 1103515245u + 12345u;
        a[i] = (int)((s >> 16) % 24);  /* working days / days on duty */
        b[i] = (int)((s >> 8) % 5);    /* certificate level5..special_equipment */
    }
    /* three case templates, one per programme; the loop sets the varying facts */
    for (int k = 0; k < 3; k++) {
        jy_policy_case *c = &cs[k];
        for (int w = 0; w < JY_POLICY_MAX_FACTS / 64; w++) c->present[w] = 0;
        c->date = jy_date_from_ymd(2024, 3, 15);
        c->program = k == 0 ? p10 : k == 1 ? p13 : p1;
    }
#define SET(c, f, x) ((c)->v[f] = (x), (c)->present[(f) >> 6] |= (uint64_t)1 << ((f) & 63))
    SET(&cs[1], f_mi, 3);
    SET(&cs[1], f_mw, 21);
    jy_decision d;
    for (int pass = 0; pass < 2; pass++) {
        jy_sb sb = JY_SB_INIT;
        int64_t total = 0;
        long elig = 0;
        double t0 = now();
        for (int i = 0; i < N; i++) {
            jy_policy_case *c = &cs[prog[i]];
            if (prog[i] == 0) SET(c, f_wd, a[i]);
            else if (prog[i] == 1) SET(c, f_dd, a[i] > 21 ? 21 : a[i]);
            else SET(c, f_cert, b[i]);
            jy_policy_eval(pol, c, &d);
            if (d.outcome == JY_ELIGIBLE && d.has_amount) { total += d.amount; elig++; }
            if (pass) { jy_sb_reset(&sb); jy_policy_decision_json(pol, "x", 1, &d, 1, &sb); }
        }
        double dt = now() - t0;
        printf("engine %-14s %10.0f decisions/s  eligible %ld  total paid %lld fen\n", pass ? "with reasons" : "no reasons",
               N / dt, elig, (long long)total);
        jy_sb_free(&sb);
    }
    /* the same in SQLite */
    sqlite3 *db;
    sqlite3_open(":memory:", &db);
    sqlite3_exec(db, "CREATE TABLE c(prog INT, a INT, b INT)", 0, 0, 0);
    sqlite3_stmt *st;
    sqlite3_exec(db, "BEGIN", 0, 0, 0);
    sqlite3_prepare_v2(db, "INSERT INTO c VALUES(?,?,?)", -1, &st, 0);
    for (int i = 0; i < N; i++) {
        sqlite3_bind_int(st, 1, prog[i]);
        sqlite3_bind_int(st, 2, a[i]);
        sqlite3_bind_int(st, 3, b[i]);
        sqlite3_step(st);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    sqlite3_exec(db, "COMMIT", 0, 0, 0);
    const char *q =
        "SELECT COUNT(*), SUM(amt) FROM (SELECT CASE "
        " WHEN prog=0 AND a>16 THEN 93000"
        " WHEN prog=1 THEN 175000"
        " WHEN prog=2 THEN CASE b WHEN 0 THEN 100000 WHEN 1 THEN 150000 WHEN 2 THEN 300000 ELSE 80000 END"
        " END AS amt FROM c) WHERE amt IS NOT NULL";
    double t0 = now();
    sqlite3_prepare_v2(db, q, -1, &st, 0);
    sqlite3_step(st);
    long cnt = (long)sqlite3_column_int64(st, 0);
    long long sum = (long long)sqlite3_column_int64(st, 1);
    sqlite3_finalize(st);
    double dt = now() - t0;
    printf("sqlite one query     %10.0f decisions/s  eligible %ld  total paid %lld fen\n", N / dt, cnt, sum);
    double t1 = now();
    for (int i = 0; i < N; i++) {
        jy_policy_case *c = &cs[prog[i]];
        if (prog[i] == 0) SET(c, f_wd, a[i]);
        else if (prog[i] == 1) SET(c, f_dd, a[i] > 21 ? 21 : a[i]);
        else SET(c, f_cert, b[i]);
        jy_policy_eval(pol, c, &d);
    }
    double de = now() - t1;
    printf("ratio engine/sqlite  %.1fx\n", dt / de);
    sqlite3_close(db);
    free(cs);
    jy_policy_free(pol);
    return 0;
}
