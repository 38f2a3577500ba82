/* bench/auth — what the accounts service costs (issue 11): (1) one argon2id hash at the
 * service's parameters (19 MiB, 2 passes); (2) logins per second through the bounded hashing
 * pool with as many threads as slots, each with its own store handle on one SQLite file (every
 * login also writes its session and audit entry); (3) a flood: 4 × (slots + queue) threads
 * logging in at once, counting the logins served and the ones answered "busy" at once, and the
 * longest wait of a served one; (4) resolving a session (what every request pays), per second.
 *
 * Usage: bench_auth [seconds per phase (default 3)]. Prints figures; never fails on a time.
 * docs/security.md quotes them. */
#include <pthread.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "service/auth.h"
#include "store/store.h"

#define PW "Timing-Password-Haiyuan-2024"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char db_path[256];
static jy_auth *auth;
static double phase_seconds = 3;

typedef struct worker {
    pthread_t th;
    int ok, busy, other;
    double max_wait;
} worker;

static void *login_loop(void *arg)
{
    worker *w = arg;
    jy_store *st = NULL;
    jy_err err = {0};
    if (jy_store_open(db_path, &st, &err)) {
        fprintf(stderr, "open: %s\n", err.msg);
        return NULL;
    }
    double end = now_s() + phase_seconds;
    while (now_s() < end) {
        jy_login L;
        double t0 = now_s();
        int rc = jy_auth_login(auth, st, "bench", PW, "10.9.8.7", (int64_t)time(NULL), &L, &err);
        double dt = now_s() - t0;
        if (rc == 0) {
            w->ok++;
            if (dt > w->max_wait) w->max_wait = dt;
            jy_auth_logout(auth, st, L.token, "10.9.8.7", (int64_t)time(NULL), &err);
        } else if (rc == JY_EBUSY) {
            w->busy++;
            usleep(20000); /* a client told "retry" comes back later */
        } else {
            w->other++;
        }
    }
    jy_store_close(st);
    return NULL;
}

static void run_phase(const char *title, int threads)
{
    worker *w = calloc((size_t)threads, sizeof *w);
    double t0 = now_s();
    for (int i = 0; i < threads; i++) pthread_create(&w[i].th, NULL, login_loop, &w[i]);
    int ok = 0, busy = 0, other = 0;
    double max_wait = 0;
    for (int i = 0; i < threads; i++) {
        pthread_join(w[i].th, NULL);
        ok += w[i].ok;
        busy += w[i].busy;
        other += w[i].other;
        if (w[i].max_wait > max_wait) max_wait = w[i].max_wait;
    }
    double dt = now_s() - t0;
    printf("%-34s threads %3d: %6.1f logins/s served, %5d answered busy, %d failed, longest served login %.0f ms\n",
           title, threads, ok / dt, busy, other, max_wait * 1000);
    free(w);
}

int main(int argc, char **argv)
{
    if (argc > 1) phase_seconds = atof(argv[1]);
    if (sodium_init() < 0) return 2;
    snprintf(db_path, sizeof db_path, "/tmp/jy_bench_auth_%d.db", (int)getpid());
    jy_auth_config c;
    jy_auth_config_default(&c);
    jy_err err = {0};
    if (jy_auth_new(&c, &auth, &err)) {
        fprintf(stderr, "auth: %s\n", err.msg);
        return 2;
    }
    int slots = 0, queue = 0;
    jy_auth_pool_stats(auth, NULL, NULL, &slots, &queue);
    /* (1) one hash */
    char hash[128];
    double t0 = now_s();
    int n = 0;
    while (now_s() - t0 < 1.0 && n < 50) {
        jy_auth_hash_password(auth, PW, hash, &err);
        n++;
    }
    double per = (now_s() - t0) / n;
    printf("argon2id (m=19 MiB, t=2, p=1): %.1f ms a hash on one core (%d hashes); pool: %d slots, queue %d\n",
           per * 1000, n, slots, queue);
    /* the account */
    jy_store *st = NULL;
    if (jy_store_open(db_path, &st, &err)) {
        fprintf(stderr, "open: %s\n", err.msg);
        return 2;
    }
    jy_principal boot;
    jy_principal_for_actor(st, "bench-admin", &boot, &err);
    jy_auth_ctx ctx = {&boot, "", NULL, (int64_t)time(NULL)};
    jy_user u;
    memset(&u, 0, sizeof u);
    memcpy(u.name, "bench", 6);
    memcpy(u.role, "county_reviewer", 16);
    memcpy(u.area, "640522", 7);
    if (jy_account_put(auth, st, &ctx, &u, PW, NULL, NULL, &err)) {
        fprintf(stderr, "account: %s\n", err.msg);
        return 2;
    }
    /* (2) as many clients as slots; (3) a flood */
    run_phase("logins, one client per slot", slots);
    run_phase("flood, 4 × (slots + queue) clients", 4 * (slots + queue));
    /* (4) resolve */
    jy_login L;
    if (jy_auth_login(auth, st, "bench", PW, "10.9.8.7", (int64_t)time(NULL), &L, &err)) {
        fprintf(stderr, "login: %s\n", err.msg);
        return 2;
    }
    jy_principal p;
    t0 = now_s();
    n = 0;
    while (now_s() - t0 < phase_seconds) {
        for (int i = 0; i < 1000; i++) jy_auth_resolve(auth, st, L.token, (int64_t)time(NULL), &p, &err);
        n += 1000;
    }
    double dt = now_s() - t0;
    printf("session resolve (SQLite, one handle): %.0f /s, %.1f µs each\n", n / dt, dt / n * 1e6);
    jy_store_close(st);
    jy_auth_free(auth);
    char side[300];
    unlink(db_path);
    snprintf(side, sizeof side, "%s-wal", db_path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", db_path);
    unlink(side);
    return 0;
}
