/* bench/scale: the same workload on SQLite and PostgreSQL in one run, for docs/scale.md (issue 3).
 *
 *   bench_scale [--persons N] [--roster M] [--pg URL] [--dir DIR] [--no-prefetch] [--per-person]
 *     N persons (default 1,000,000) imported through jy_store_person_put in transactions of
 *     10,000 (one audit entry each), each batch announced first with jy_store_person_prefetch as
 *     an importer does (--no-prefetch: bare puts); then the conflict check of a roster of M
 *     persons (default 100,000, half registered, half not) by ID number, as service/conflict.c
 *     does it: one jy_store_persons_by_idcards call (--per-person: one
 *     jy_store_person_get_by_idcard per row instead); then the dashboard (counts, persons per
 *     township, persons per status). Each step's time per backend and the ratio
 *     PostgreSQL / SQLite. --pg (or JY_BENCH_PG_URL) names a PostgreSQL server's maintenance
 *     database; the bench creates a database of its own there and drops it. Without it, SQLite only.
 *
 * Claims, placements and the monthly payroll (issue 5) do not exist yet: their steps join here
 * when they do (5,000,000 claims, a payroll of 100,000 placements). A benchmark, never a test. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "domain/idcard.h"
#include "store/store.h"

enum { STEPS = 3, BATCH = 10000 };
static int prefetch = 1;   /* --no-prefetch: puts without jy_store_person_prefetch */
static int per_person = 0; /* --per-person: the conflict check as one lookup per roster row */
static const char *const step_name[STEPS] = {"import", "conflict check", "dashboard"};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The i-th synthetic person: 10 counties of 宁夏, births spread over 40 years. */
static void person(jy_person *p, long i)
{
    static const char *const county[] = {"640522", "640521", "640502", "640402", "640423",
                                         "640424", "640425", "640302", "640323", "640181"};
    memset(p, 0, sizeof *p);
    char first[18];
    snprintf(first, sizeof first, "%s%04ld%02ld%02ld%03ld", county[i % 10], 1960 + (i / 10) % 40,
             1 + (i / 400) % 12, 1 + (i / 4800) % 28, (i / 134400) % 1000);
    memcpy(p->idcard, first, 17);
    p->idcard[17] = jy_idcard_check_char(first);
    snprintf(p->name, sizeof p->name, "测试%ld", i);
    snprintf(p->hukou_division, sizeof p->hukou_division, "%s1%02ld", county[i % 10], (i / 10) % 12);
    p->hukou_kind = i % 3 ? JY_HUKOU_RURAL : JY_HUKOU_URBAN;
    snprintf(p->phone, sizeof p->phone, "139%08ld", i);
}

static int count_cb(void *ctx, const jy_person *p)
{
    (void)p;
    ++*(long *)ctx;
    return 0;
}

static int sum_cb(void *ctx, const char *key, int64_t n)
{
    (void)key;
    *(int64_t *)ctx += n;
    return 0;
}

/* Runs the steps on the database at url; fills secs[STEPS]. */
static int run(const char *url, long n, long m, double secs[STEPS])
{
    jy_err err = {0};
    jy_store *st = NULL;
    if (jy_store_open(url, &st, &err)) {
        fprintf(stderr, "open %s: %s\n", url, err.msg);
        return 1;
    }
    int rc = 0;
    double t = now();
    static jy_person batch[BATCH];
    static const char *cards[BATCH];
    for (long i = 0; i < n && rc == 0; i += BATCH) {
        if ((rc = jy_store_begin(st, &err))) break;
        long nb = i + BATCH <= n ? BATCH : n - i;
        for (long k = 0; k < nb; k++) {
            person(&batch[k], i + k);
            cards[k] = batch[k].idcard;
        }
        /* what an importer does with a batch: one read of the batch's stored rows, then the puts */
        if (prefetch) rc = jy_store_person_prefetch(st, cards, (size_t)nb, &err);
        for (long k = 0; k < nb && rc == 0; k++) rc = jy_store_person_put(st, &batch[k], "bench", NULL, &err);
        if (rc == 0) rc = jy_store_commit(st, &err);
        else jy_store_rollback(st, NULL);
        if (i % 100000 == 0) fprintf(stderr, "\r  %s: %ld", jy_store_backend(st), i);
    }
    fprintf(stderr, "\r");
    secs[0] = now() - t;

    /* the roster: odd rows registered, even rows not */
    jy_person *roster = calloc((size_t)m, sizeof *roster);
    const char **rcards = calloc((size_t)m, sizeof *rcards);
    if (!roster || !rcards) rc = 1;
    for (long j = 0; j < m && rc == 0; j++) {
        person(&roster[j], j % 2 ? j * 7 % n : n + j);
        rcards[j] = roster[j].idcard;
    }
    t = now();
    long found = 0;
    if (rc == 0 && per_person) { /* one lookup per roster row */
        for (long j = 0; j < m && rc == 0; j++) {
            jy_person got;
            int r = jy_store_person_get_by_idcard(st, rcards[j], &got, &err);
            if (r == 0) found++;
            else if (r != JY_ENOTFOUND) rc = r;
        }
    } else if (rc == 0) { /* what the conflict check does (service/conflict.c): one batch read */
        rc = jy_store_persons_by_idcards(st, rcards, (size_t)m, count_cb, &found, &err);
    }
    secs[1] = now() - t;
    free(roster);
    free(rcards);

    t = now();
    jy_store_counts c;
    int64_t towns = 0, statuses = 0;
    if (rc == 0) rc = jy_store_counts_get(st, &c, &err);
    if (rc == 0) rc = jy_store_group_counts(st, JY_GROUP_PERSON_TOWNSHIP, 20000, sum_cb, &towns, &err);
    if (rc == 0) rc = jy_store_group_counts(st, JY_GROUP_PERSON_STATUS, 20000, sum_cb, &statuses, &err);
    secs[2] = now() - t;
    if (rc) fprintf(stderr, "%s: %s\n", jy_store_backend(st), err.msg);
    else if (c.persons != n || towns != n || found != m / 2)
        fprintf(stderr, "%s: wrong answers: %lld persons, %lld by township, %ld found\n", jy_store_backend(st),
                (long long)c.persons, (long long)towns, found), rc = 1;
    jy_store_close(st);
    return rc;
}

static int pg_admin(const char *admin, const char *sql)
{
    PGconn *c = PQconnectdb(admin);
    int ok = PQstatus(c) == CONNECTION_OK;
    if (ok) {
        PGresult *r = PQexec(c, sql); /* CREATE/DROP DATABASE: identifiers cannot be bound */
        ok = PQresultStatus(r) == PGRES_COMMAND_OK;
        PQclear(r);
    }
    if (!ok) fprintf(stderr, "%s: %s", sql, PQerrorMessage(c));
    PQfinish(c);
    return ok ? 0 : 1;
}

int main(int argc, char **argv)
{
    long n = 1000000, m = 100000;
    const char *pg = getenv("JY_BENCH_PG_URL"), *dir = "/tmp";
    for (int i = 1; i < argc; i += 2) {
        if (strcmp(argv[i], "--no-prefetch") == 0) prefetch = 0, i--;
        else if (strcmp(argv[i], "--per-person") == 0) per_person = 1, i--;
        else if (i + 1 >= argc) n = 0; /* an option without its value: usage */
        else if (strcmp(argv[i], "--persons") == 0) n = atol(argv[i + 1]);
        else if (strcmp(argv[i], "--roster") == 0) m = atol(argv[i + 1]);
        else if (strcmp(argv[i], "--pg") == 0) pg = argv[i + 1];
        else if (strcmp(argv[i], "--dir") == 0) dir = argv[i + 1];
        else {
            fprintf(stderr, "usage: bench_scale [--persons N] [--roster M] [--pg URL] [--dir DIR] [--no-prefetch] [--per-person]\n");
            return 2;
        }
    }
    if (n < 2 || m < 2) {
        fprintf(stderr, "usage: bench_scale [--persons N] [--roster M] [--pg URL] [--dir DIR] [--no-prefetch] [--per-person]\n");
        return 2;
    }
    double sq[STEPS] = {0}, ps[STEPS] = {0};
    char path[512], url[640], name[64];
    snprintf(path, sizeof path, "%s/bench_scale_%d.db", dir, (int)getpid());
    printf("bench_scale: %ld persons, roster of %ld%s%s\n", n, m, prefetch ? "" : ", puts without prefetch",
           per_person ? ", conflict check one lookup per person" : "");
    int rc = run(path, n, m, sq);
    char wal[530];
    unlink(path);
    snprintf(wal, sizeof wal, "%s-wal", path);
    unlink(wal);
    snprintf(wal, sizeof wal, "%s-shm", path);
    unlink(wal);
    int have_pg = pg && *pg;
    if (rc == 0 && have_pg) {
        snprintf(name, sizeof name, "jy_bench_%d", (int)getpid());
        char sql[128];
        snprintf(sql, sizeof sql, "CREATE DATABASE %s", name);
        const char *slash = strrchr(pg, '/');
        snprintf(url, sizeof url, "%.*s/%s", slash ? (int)(slash - pg) : (int)strlen(pg), pg, name);
        if ((rc = pg_admin(pg, sql)) == 0) {
            rc = run(url, n, m, ps);
            snprintf(sql, sizeof sql, "DROP DATABASE %s WITH (FORCE)", name);
            pg_admin(pg, sql);
        }
    }
    printf("%-16s %12s %12s %8s\n", "step", "sqlite s", "postgresql s", "pg/sq");
    for (int s = 0; s < STEPS; s++) {
        if (have_pg) printf("%-16s %12.3f %12.3f %8.2f\n", step_name[s], sq[s], ps[s], sq[s] > 0 ? ps[s] / sq[s] : 0);
        else printf("%-16s %12.3f %12s %8s\n", step_name[s], sq[s], "-", "-");
    }
    printf("import rate: sqlite %.0f persons/s", (double)n / sq[0]);
    if (have_pg) printf(", postgresql %.0f persons/s", (double)n / ps[0]);
    printf("\n");
    return rc;
}
