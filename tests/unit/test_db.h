/* test_db.h — fresh databases for the unit tests (included by a test file; header only, so it
 * is not a test of its own). One group of tests shares:
 *   - a temporary directory under $JY_TEST_TMP (default /tmp), removed at the end;
 *   - the backend under test: JY_TEST_BACKEND=postgresql selects PostgreSQL on the test server
 *     JY_TEST_PG_URL (scripts/pg-test-server.sh start prints it), anything else SQLite;
 *   - fresh databases: a new SQLite file in the directory, or a new PostgreSQL database that is
 *     dropped at the end.
 * Include it after <cmocka.h> (it fails a test with fail_msg). Call test_db_setup from the
 * group setup and test_db_teardown from the group teardown. */
#ifndef JY_TEST_DB_H
#define JY_TEST_DB_H

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/store.h"

static struct {
    char tag[24];          /* names the directory and the databases */
    char tmpdir[512];      /* this group's temporary directory */
    int use_pg;            /* JY_TEST_BACKEND=postgresql */
    char pg_admin[512];    /* JY_TEST_PG_URL: the server's maintenance database */
    char created[64][64];  /* PostgreSQL databases to drop at the end */
    int ncreated, n;
} test_db;

/* Makes the directory and reads the backend; -1 (with a message) when it cannot. */
static inline int test_db_setup(const char *tag)
{
    snprintf(test_db.tag, sizeof test_db.tag, "%s", tag);
    const char *base = getenv("JY_TEST_TMP");
    if (!base || !*base) base = "/tmp";
    mkdir(base, 0777);
    snprintf(test_db.tmpdir, sizeof test_db.tmpdir, "%s/%s.XXXXXX", base, tag);
    if (!mkdtemp(test_db.tmpdir)) {
        perror(test_db.tmpdir);
        return -1;
    }
    const char *backend = getenv("JY_TEST_BACKEND"), *url = getenv("JY_TEST_PG_URL");
    if (backend && strcmp(backend, "postgresql") == 0) {
        if (!url || !*url) {
            fprintf(stderr, "JY_TEST_BACKEND=postgresql needs JY_TEST_PG_URL (scripts/pg-test-server.sh start)\n");
            return -1;
        }
        test_db.use_pg = 1;
        snprintf(test_db.pg_admin, sizeof test_db.pg_admin, "%s", url);
    }
    return 0;
}

/* Runs one administrative command on the test server (CREATE/DROP DATABASE: identifiers
 * cannot be bound; every name here is letters and digits the tests made). */
static inline void test_db_admin_exec(const char *sql)
{
    PGconn *c = PQconnectdb(test_db.pg_admin);
    if (PQstatus(c) != CONNECTION_OK) fail_msg("connect %s: %s", test_db.pg_admin, PQerrorMessage(c));
    PGresult *r = PQexec(c, sql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) fail_msg("%s: %s", sql, PQerrorMessage(c));
    PQclear(r);
    PQfinish(c);
}

/* A URL naming database db on the test server: the admin URL with its path replaced. */
static inline void test_db_pg_url(char *buf, size_t n, const char *db)
{
    const char *admin = test_db.pg_admin, *scheme_end = strstr(admin, "://");
    const char *slash = strchr(scheme_end ? scheme_end + 3 : admin, '/');
    const char *query = strchr(admin, '?');
    int host_len = slash ? (int)(slash - admin) : (query ? (int)(query - admin) : (int)strlen(admin));
    snprintf(buf, n, "%.*s/%s%s", host_len, admin, db, query ? query : "");
}

/* The URL of a fresh database: a new PostgreSQL database when pg (which needs the backend to be
 * PostgreSQL), else a new SQLite file. */
static inline void test_db_fresh_url(char *buf, size_t n, int pg)
{
    test_db.n++;
    if (!pg) {
        if ((size_t)snprintf(buf, n, "%s/%s%d.db", test_db.tmpdir, test_db.tag, test_db.n) >= n)
            fail_msg("database path longer than %zu bytes", n);
        unlink(buf);
        return;
    }
    if (test_db.ncreated >= 64) fail_msg("more than 64 fresh databases in one test group");
    char name[64], sql[160];
    snprintf(name, sizeof name, "jy_u_%.20s_%d_%d", test_db.tag, (int)getpid(), test_db.n);
    snprintf(sql, sizeof sql, "CREATE DATABASE %s", name);
    test_db_admin_exec(sql);
    snprintf(test_db.created[test_db.ncreated++], sizeof test_db.created[0], "%s", name);
    test_db_pg_url(buf, n, name);
}

static inline jy_store *test_db_open(const char *url)
{
    jy_err err = {0};
    jy_store *st = NULL;
    if (jy_store_open(url, &st, &err) != 0) fail_msg("open %s: %s", url, err.msg);
    return st;
}

/* Opens a fresh database (as test_db_fresh_url); its URL goes to buf. */
static inline jy_store *test_db_open_new(char *buf, size_t n, int pg)
{
    test_db_fresh_url(buf, n, pg);
    return test_db_open(buf);
}

/* Opens a fresh database of the backend under test; its URL goes to buf. */
static inline jy_store *test_db_open_fresh(char *buf, size_t n)
{
    return test_db_open_new(buf, n, test_db.use_pg);
}

/* Drops the PostgreSQL databases made and removes the directory; -1 when that failed. */
static inline int test_db_teardown(void)
{
    for (int i = 0; i < test_db.ncreated; i++) {
        char sql[160];
        snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", test_db.created[i]);
        test_db_admin_exec(sql);
    }
    test_db.ncreated = 0;
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", test_db.tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

#endif
