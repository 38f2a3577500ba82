/* Unit tests of accounts, sessions, the second factor and the permission table (issue 11),
 * straight through service/auth.h and service/users.h with an injected clock (`now`):
 * lockout and its end after 15 minutes, the address lockout, idle and absolute expiry, logout,
 * password change ending sessions, sessions surviving a reopen of the store, tokens stored only
 * hashed, the password policy (common refused, 64 characters accepted), must-change at first
 * login, TOTP (RFC 6238 / RFC 4226 vectors, replay refused), recovery codes used once, the
 * three-way separation, the hashing pool's refusal when full, CSRF, and the permission × role
 * table with areas and ownership.
 *
 * Backend: PostgreSQL when JY_TEST_BACKEND=postgresql (JY_TEST_PG_URL), else SQLite; a fresh
 * database per test (test_db.h). */
#define _GNU_SOURCE /* memmem */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <libpq-fe.h>
#include <sodium.h>
#include <sqlite3.h>

#include "service/auth.h"
#include "service/users.h"
#include "store/auth_store.h"
#include "store/store.h"
#include "test_db.h"

#define T0 ((int64_t)1717200000) /* 2024-06-01T00:00:00Z */
#define GOOD_PW "Haiyuan-Ledger-Spring-42"

static char url[700];
static char key_path[600];

typedef struct fx {
    jy_store *st;
    jy_auth *auth;
    jy_principal sec; /* a security administrator, as account management needs one */
    jy_auth_ctx ctx;
} fx;

static jy_auth *new_auth(int slots, int queue)
{
    jy_auth_config c;
    jy_auth_config_default(&c);
    c.key_file = key_path;
    c.hash_slots = slots;
    c.hash_queue = queue;
    jy_auth *a = NULL;
    jy_err err = {0};
    if (jy_auth_new(&c, &a, &err)) fail_msg("jy_auth_new: %s", err.msg);
    return a;
}

static int open_fx(void **state)
{
    fx *f = calloc(1, sizeof *f);
    f->st = test_db_open_fresh(url, sizeof url);
    f->auth = new_auth(0, 0);
    f->sec.role = JY_ROLE_SECURITY;
    snprintf(f->sec.name, sizeof f->sec.name, "sec-test");
    f->sec.second_factor_done = 1;
    f->sec.roles_present = 1u << JY_ROLE_SECURITY;
    f->ctx.by = &f->sec;
    f->ctx.address = "";
    f->ctx.now = T0;
    *state = f;
    return 0;
}

static int close_fx(void **state)
{
    fx *f = *state;
    jy_store_close(f->st);
    jy_auth_free(f->auth);
    free(f);
    return 0;
}

static int setup(void **state)
{
    (void)state;
    if (test_db_setup("auth")) return -1;
    snprintf(key_path, sizeof key_path, "%s/totp.key", test_db.tmpdir);
    jy_err err = {0};
    if (jy_auth_keygen(key_path, &err)) {
        fprintf(stderr, "keygen: %s\n", err.msg);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return test_db_teardown();
}

/* An account with password pw (set by an administrator: must change). */
static int64_t add_account(fx *f, const char *name, const char *role, const char *area, const char *pw)
{
    jy_user u;
    memset(&u, 0, sizeof u);
    snprintf(u.name, sizeof u.name, "%s", name);
    snprintf(u.role, sizeof u.role, "%s", role);
    snprintf(u.area, sizeof u.area, "%s", area);
    jy_err err = {0};
    char gen[32];
    int result = 0;
    if (jy_account_put(f->auth, f->st, &f->ctx, &u, pw, gen, &result, &err)) fail_msg("account %s: %s", name, err.msg);
    assert_int_equal(result, JY_PUT_CREATED);
    return u.id;
}

static int login(fx *f, const char *name, const char *pw, const char *addr, int64_t now, jy_login *out)
{
    jy_err err = {0};
    return jy_auth_login(f->auth, f->st, name, pw, addr, now, out, &err);
}

static int resolve(fx *f, const char *token, int64_t now, jy_principal *p)
{
    jy_err err = {0};
    return jy_auth_resolve(f->auth, f->st, token, now, p, &err);
}

/* Counts the audit entries with that action (and, when outcome is given, that outcome). */
typedef struct audit_count {
    const char *action, *needle;
    int n;
} audit_count;

static int on_audit(void *ctx, const jy_audit_entry *e)
{
    audit_count *c = ctx;
    if (strcmp(e->action, c->action) == 0 && (!c->needle || (e->after_json && strstr(e->after_json, c->needle))))
        c->n++;
    return 0;
}

static int audits(fx *f, const char *action, const char *needle)
{
    audit_count c = {action, needle, 0};
    jy_err err = {0};
    assert_int_equal(jy_store_audit_list(f->st, 0, 0, on_audit, &c, &err), 0);
    return c.n;
}

/* ---------------------------------------------------------------- lockout */

static void test_lockout_five_failures_then_unlock_after_15_minutes(void **state)
{
    fx *f = *state;
    add_account(f, "rev", "county_reviewer", "640522", GOOD_PW);
    jy_login L;
    for (int i = 0; i < 4; i++) {
        assert_int_equal(login(f, "rev", "wrong-password-123", "10.0.0.1", T0 + i, &L), JY_EAUTH);
        assert_int_equal(L.refusal, JY_REFUSED_CREDENTIALS);
    }
    assert_int_equal(login(f, "rev", "wrong-password-123", "10.0.0.1", T0 + 4, &L), JY_EAUTH);
    assert_int_equal(L.refusal, JY_REFUSED_ACCOUNT_LOCKED);
    assert_int_equal(L.retry_after, 900);
    /* locked: even the right password is refused, for 15 minutes */
    assert_int_equal(login(f, "rev", GOOD_PW, "10.0.0.2", T0 + 10, &L), JY_EAUTH);
    assert_int_equal(L.refusal, JY_REFUSED_ACCOUNT_LOCKED);
    assert_int_equal(login(f, "rev", GOOD_PW, "10.0.0.2", T0 + 4 + 899, &L), JY_EAUTH);
    assert_int_equal(L.refusal, JY_REFUSED_ACCOUNT_LOCKED);
    /* after 15 minutes the right password opens a session */
    assert_int_equal(login(f, "rev", GOOD_PW, "10.0.0.2", T0 + 4 + 900, &L), 0);
    assert_int_equal(L.state, JY_LOGIN_OPEN);
    /* each event is in the audit log with user, address and outcome */
    assert_int_equal(audits(f, "login_failed", "\"outcome\":\"wrong_password\""), 5);
    assert_int_equal(audits(f, "lock", "\"user\":\"rev\""), 1);
    assert_int_equal(audits(f, "login_refused", "\"outcome\":\"locked\""), 2);
    assert_int_equal(audits(f, "login", "\"address\":\"10.0.0.2\""), 1);
    /* success resets the count: four more failures do not lock */
    for (int i = 0; i < 4; i++) assert_int_equal(login(f, "rev", "wrong-password-123", "10.0.0.3", T0 + 1000 + i, &L), JY_EAUTH);
    assert_int_equal(L.refusal, JY_REFUSED_CREDENTIALS);
    jy_err err = {0};
    int64_t checked = 0;
    assert_int_equal(jy_store_audit_verify(f->st, &checked, &err), 0);
    assert_true(checked >= 14);
}

static void test_admin_lock_and_unlock(void **state)
{
    fx *f = *state;
    add_account(f, "rev", "county_reviewer", "640522", GOOD_PW);
    jy_login L;
    assert_int_equal(login(f, "rev", GOOD_PW, "10.0.0.1", T0, &L), 0);
    jy_err err = {0};
    assert_int_equal(jy_account_lock(f->auth, f->st, &f->ctx, "rev", 1, &err), 0);
    jy_principal p;
    assert_int_equal(resolve(f, L.token, T0 + 1, &p), JY_EAUTH); /* the lock ended the session */
    assert_int_equal(login(f, "rev", GOOD_PW, "10.0.0.1", T0 + 2, &L), JY_EAUTH);
    assert_int_equal(L.refusal, JY_REFUSED_DISABLED);
    assert_int_equal(jy_account_lock(f->auth, f->st, &f->ctx, "rev", 0, &err), 0);
    assert_int_equal(login(f, "rev", GOOD_PW, "10.0.0.1", T0 + 3, &L), 0);
    assert_int_equal(audits(f, "unlock", "\"user\":\"rev\""), 1);
    /* nobody locks their own account */
    add_account(f, "sec-test", "security", "", GOOD_PW);
    assert_int_equal(jy_account_lock(f->auth, f->st, &f->ctx, "sec-test", 1, &err), JY_EDENIED);
}

static void test_address_lockout(void **state)
{
    fx *f = *state;
    add_account(f, "rev", "county_reviewer", "640522", GOOD_PW);
    jy_login L;
    /* twenty failures from one address, over many names (a spray): the address is locked */
    for (int i = 0; i < 20; i++) {
        char name[32];
        snprintf(name, sizeof name, "guess%d", i);
        assert_int_equal(login(f, name, "whatever-it-is-1", "203.0.113.9", T0 + i, &L), JY_EAUTH);
    }
    assert_int_equal(audits(f, "lock", "\"outcome\":\"address_locked\""), 1);
    /* the right password from that address is refused now, without hashing */
    assert_int_equal(login(f, "rev", GOOD_PW, "203.0.113.9", T0 + 30, &L), JY_EAUTH);
    assert_int_equal(L.refusal, JY_REFUSED_ADDRESS_LOCKED);
    assert_true(L.retry_after > 0 && L.retry_after <= 900);
    /* another address is not affected, and the account itself is not locked */
    assert_int_equal(login(f, "rev", GOOD_PW, "198.51.100.7", T0 + 31, &L), 0);
    /* after 15 minutes the address may try again */
    assert_int_equal(login(f, "rev", GOOD_PW, "203.0.113.9", T0 + 19 + 901, &L), 0);
    /* IPv6 counts by /64: two addresses of one /64 are one address */
    char k1[64], k2[64];
    jy_auth_address_key("2001:db8:1:2::1", k1);
    jy_auth_address_key("2001:db8:1:2:ffff::9", k2);
    assert_string_equal(k1, "2001:db8:1:2::/64");
    assert_string_equal(k1, k2);
    jy_auth_address_key("::ffff:192.0.2.1", k1);
    assert_string_equal(k1, "192.0.2.1");
}

/* ---------------------------------------------------------------- sessions */

static void test_idle_and_absolute_expiry(void **state)
{
    fx *f = *state;
    add_account(f, "rev", "county_reviewer", "640522", GOOD_PW);
    jy_login L;
    jy_principal p;
    /* idle: 30 minutes without a request ends it */
    assert_int_equal(login(f, "rev", GOOD_PW, "10.0.0.1", T0, &L), 0);
    assert_int_equal(resolve(f, L.token, T0 + 1799, &p), 0);
    assert_string_equal(p.name, "rev");
    assert_int_equal(resolve(f, L.token, T0 + 1799 + 1799, &p), 0); /* the request above kept it alive */
    assert_int_equal(resolve(f, L.token, T0 + 1799 + 1799 + 1800, &p), JY_EAUTH);
    assert_int_equal(resolve(f, L.token, T0 + 1799 + 1799 + 1801, &p), JY_EAUTH); /* and it stays ended */
    assert_int_equal(audits(f, "session_expired", "\"outcome\":\"idle\""), 1);
    /* absolute: 12 hours after login, however busy */
    assert_int_equal(login(f, "rev", GOOD_PW, "10.0.0.1", T0 + 10000, &L), 0);
    int64_t t = T0 + 10000;
    for (; t < T0 + 10000 + 43200 - 600; t += 600) assert_int_equal(resolve(f, L.token, t, &p), 0);
    assert_int_equal(resolve(f, L.token, T0 + 10000 + 43200, &p), JY_EAUTH);
    assert_int_equal(audits(f, "session_expired", "\"outcome\":\"lifetime\""), 1);
    /* both limits are configuration */
    jy_auth_config c;
    jy_auth_config_default(&c);
    c.idle_seconds = 60;
    c.lifetime_seconds = 120;
    jy_auth *short_auth = NULL;
    jy_err err = {0};
    assert_int_equal(jy_auth_new(&c, &short_auth, &err), 0);
    assert_int_equal(jy_auth_login(short_auth, f->st, "rev", GOOD_PW, "10.0.0.1", T0 + 90000, &L, &err), 0);
    assert_int_equal(jy_auth_resolve(short_auth, f->st, L.token, T0 + 90059, &p, &err), 0);
    assert_int_equal(jy_auth_resolve(short_auth, f->st, L.token, T0 + 90118, &p, &err), 0);
    assert_int_equal(jy_auth_resolve(short_auth, f->st, L.token, T0 + 90120, &p, &err), JY_EAUTH);
    assert_non_null(strstr(err.msg, "120 s"));
    jy_auth_free(short_auth);
}

static void test_logout_ends_session(void **state)
{
    fx *f = *state;
    add_account(f, "rev", "county_reviewer", "640522", GOOD_PW);
    jy_login a, b;
    assert_int_equal(login(f, "rev", GOOD_PW, "10.0.0.1", T0, &a), 0);
    assert_int_equal(login(f, "rev", GOOD_PW, "10.0.0.2", T0 + 1, &b), 0);
    jy_err err = {0};
    assert_int_equal(jy_auth_logout(f->auth, f->st, a.token, "10.0.0.1", T0 + 2, &err), 0);
    jy_principal p;
    assert_int_equal(resolve(f, a.token, T0 + 3, &p), JY_EAUTH); /* replayed after logout */
    assert_int_equal(resolve(f, b.token, T0 + 3, &p), 0);         /* the other session lives */
    assert_int_equal(jy_auth_logout(f->auth, f->st, a.token, "10.0.0.1", T0 + 4, &err), JY_EAUTH);
    assert_int_equal(audits(f, "logout", "\"address\":\"10.0.0.1\""), 1);
}

static void test_password_change_ends_sessions(void **state)
{
    fx *f = *state;
    add_account(f, "rev", "county_reviewer", "640522", GOOD_PW);
    jy_login a, b, fresh;
    assert_int_equal(login(f, "rev", GOOD_PW, "10.0.0.1", T0, &a), 0);
    assert_int_equal(login(f, "rev", GOOD_PW, "10.0.0.2", T0 + 1, &b), 0);
    jy_err err = {0};
    /* a wrong current password changes nothing */
    assert_int_equal(jy_auth_change_password(f->auth, f->st, a.token, "not-the-password", "Another-Good-Pass-77",
                                             "10.0.0.1", T0 + 2, &fresh, &err),
                     JY_EAUTH);
    jy_principal p;
    assert_int_equal(resolve(f, b.token, T0 + 3, &p), 0);
    assert_int_equal(jy_auth_change_password(f->auth, f->st, a.token, GOOD_PW, "Another-Good-Pass-77", "10.0.0.1",
                                             T0 + 4, &fresh, &err),
                     0);
    assert_int_equal(resolve(f, a.token, T0 + 5, &p), JY_EAUTH);
    assert_int_equal(resolve(f, b.token, T0 + 5, &p), JY_EAUTH);
    assert_int_equal(resolve(f, fresh.token, T0 + 5, &p), 0);
    assert_int_equal(p.must_change, 0);
    assert_int_equal(login(f, "rev", GOOD_PW, "10.0.0.1", T0 + 6, &a), JY_EAUTH);
    assert_int_equal(login(f, "rev", "Another-Good-Pass-77", "10.0.0.1", T0 + 7, &a), 0);
    /* an administrator's reset ends sessions too, and must be changed again */
    assert_int_equal(jy_account_set_password(f->auth, f->st, &f->ctx, "rev", "Reset-By-Security-99", NULL, &err), 0);
    assert_int_equal(resolve(f, a.token, T0 + 8, &p), JY_EAUTH);
    assert_int_equal(login(f, "rev", "Reset-By-Security-99", "10.0.0.1", T0 + 9, &a), 0);
    assert_int_equal(a.who.must_change, 1);
}

static void test_session_survives_reopen(void **state)
{
    fx *f = *state;
    add_account(f, "rev", "county_reviewer", "640522", GOOD_PW);
    jy_login L;
    assert_int_equal(login(f, "rev", GOOD_PW, "10.0.0.1", T0, &L), 0);
    /* a restart: the store and the service are made anew */
    jy_store_close(f->st);
    jy_auth_free(f->auth);
    f->st = test_db_open(url);
    f->auth = new_auth(0, 0);
    jy_principal p;
    assert_int_equal(resolve(f, L.token, T0 + 60, &p), 0);
    assert_string_equal(p.name, "rev");
    assert_int_equal(p.role, JY_ROLE_COUNTY_REVIEWER);
    assert_string_equal(p.area, "640522");
    /* and a second process (another handle on the same database) sees it too */
    jy_store *other = test_db_open(url);
    jy_err err = {0};
    assert_int_equal(jy_auth_resolve(f->auth, other, L.token, T0 + 61, &p, &err), 0);
    jy_store_close(other);
}

/* The texts one query returns, one per line (what someone reading the database sees). */
static void table_dump(const char *sql, char *out, size_t cap)
{
    out[0] = '\0';
    if (test_db.use_pg) {
        PGconn *c = PQconnectdb(url);
        PGresult *r = PQexec(c, sql);
        assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
        for (int i = 0; i < PQntuples(r); i++) {
            strncat(out, PQgetvalue(r, i, 0), cap - strlen(out) - 1);
            strncat(out, "\n", cap - strlen(out) - 1);
        }
        PQclear(r);
        PQfinish(c);
    } else {
        sqlite3 *db = NULL;
        assert_int_equal(sqlite3_open(url, &db), SQLITE_OK);
        sqlite3_stmt *s = NULL;
        assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
        while (sqlite3_step(s) == SQLITE_ROW) {
            strncat(out, (const char *)sqlite3_column_text(s, 0), cap - strlen(out) - 1);
            strncat(out, "\n", cap - strlen(out) - 1);
        }
        sqlite3_finalize(s);
        sqlite3_close(db);
    }
}

/* 1 when the bytes of needle occur in the file (the SQLite database and its WAL). */
static int file_contains(const char *path, const char *needle)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) return 0;
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    size_t got = fread(buf, 1, (size_t)n, fp);
    fclose(fp);
    int found = memmem(buf, got, needle, strlen(needle)) != NULL;
    free(buf);
    return found;
}

static void test_token_stored_hashed(void **state)
{
    fx *f = *state;
    add_account(f, "rev", "county_reviewer", "640522", GOOD_PW);
    jy_login L;
    assert_int_equal(login(f, "rev", GOOD_PW, "10.0.0.1", T0, &L), 0);
    assert_int_equal(strlen(L.token), JY_TOKEN_LEN);
    assert_int_equal(strlen(L.csrf), JY_TOKEN_LEN);
    /* 256 bits: 32 bytes in base64url */
    unsigned char raw[40];
    size_t n = 0;
    assert_int_equal(sodium_base642bin(raw, sizeof raw, L.token, strlen(L.token), NULL, &n, NULL,
                                       sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                     0);
    assert_int_equal(n, 32);
    char dump[4096];
    table_dump("SELECT token_hash || '|' || csrf_hash || '|' || address FROM sessions", dump, sizeof dump);
    assert_non_null(strstr(dump, "10.0.0.1"));         /* the dump works */
    assert_null(strstr(dump, L.token));                /* the token is not there */
    assert_null(strstr(dump, L.csrf));                 /* nor the CSRF token */
    unsigned char h[32];
    char hex[65];
    crypto_hash_sha256(h, (const unsigned char *)L.token, strlen(L.token));
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);
    assert_non_null(strstr(dump, hex)); /* its SHA-256 is */
    if (!test_db.use_pg) {
        char wal[720];
        snprintf(wal, sizeof wal, "%s-wal", url);
        assert_false(file_contains(url, L.token));
        assert_false(file_contains(wal, L.token));
        assert_false(file_contains(url, GOOD_PW));
        assert_false(file_contains(wal, GOOD_PW));
    }
    /* a token that differs in one character is no session */
    char bad[JY_TOKEN_LEN + 1];
    memcpy(bad, L.token, sizeof bad);
    bad[5] = bad[5] == 'A' ? 'B' : 'A';
    jy_principal p;
    assert_int_equal(resolve(f, bad, T0 + 1, &p), JY_EAUTH);
    assert_int_equal(resolve(f, "", T0 + 1, &p), JY_EAUTH);
    assert_int_equal(resolve(f, "short", T0 + 1, &p), JY_EAUTH);
}

static void test_csrf_check(void **state)
{
    fx *f = *state;
    add_account(f, "rev", "county_reviewer", "640522", GOOD_PW);
    jy_login L, M;
    assert_int_equal(login(f, "rev", GOOD_PW, "10.0.0.1", T0, &L), 0);
    assert_int_equal(login(f, "rev", GOOD_PW, "10.0.0.1", T0, &M), 0);
    jy_principal p;
    assert_int_equal(resolve(f, L.token, T0 + 1, &p), 0);
    jy_err err = {0};
    assert_int_equal(jy_auth_csrf_check(&p, L.csrf, &err), 0);
    assert_int_equal(jy_auth_csrf_check(&p, M.csrf, &err), JY_EDENIED); /* another session's */
    assert_int_equal(jy_auth_csrf_check(&p, NULL, &err), JY_EDENIED);
    assert_int_equal(jy_auth_csrf_check(&p, L.token, &err), JY_EDENIED); /* the session token is not it */
    jy_principal cli;
    memset(&cli, 0, sizeof cli);
    assert_int_equal(jy_auth_csrf_check(&cli, L.csrf, &err), JY_EDENIED);
}

/* ---------------------------------------------------------------- passwords */

static void test_password_policy(void **state)
{
    fx *f = *state;
    jy_err err = {0};
    const char *refused[] = {"123456",          "password",        "woaini1314",     "Woaini1314!",
                             "88888888",        "1234567890",      "qwertyuiop",     "1qaz2wsx3edc",
                             "zhangwei123456",  "Password2024!",   "5201314520",     "aaaaaaaaaaaa",
                             "abcabcabcabc",    "short-1",         "Haiyuan2024!!",  "Jiuye@123456",
                             "0123456789",      "qq123456789",     "iloveyou520"};
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
        if (jy_auth_password_check(f->auth, "rev", refused[i], &err) != JY_EINVAL)
            fail_msg("accepted a common or short password: %s", refused[i]);
    }
    assert_int_equal(jy_auth_password_check(f->auth, "zhaoliying", "zhaoliying-2024-x", &err), JY_EINVAL);
    assert_non_null(strstr(err.msg, "用户名"));
    assert_int_equal(jy_auth_password_check(f->auth, "rev", "bad\ttab-password", &err), JY_EINVAL);
    assert_int_equal(jy_auth_password_check(f->auth, "rev", GOOD_PW, &err), 0);
    assert_int_equal(jy_auth_password_check(f->auth, "rev", "马海原的就业密码很长的", &err), 0); /* 11 characters */
    assert_int_equal(jy_auth_password_check(f->auth, "rev", "短密码", &err), JY_EINVAL);
    /* 64 characters are accepted, stored and logged in with; 128 too; 129 are not */
    char p64[65], p128[129], p129[130];
    for (int i = 0; i < 64; i++) p64[i] = "Kx7-qPz2"[i % 8] + (char)(i / 8 % 2);
    p64[64] = '\0';
    for (int i = 0; i < 128; i++) p128[i] = (char)('a' + (i * 7) % 26);
    p128[128] = '\0';
    memcpy(p129, p128, 128);
    p129[128] = 'z';
    p129[129] = '\0';
    assert_int_equal(jy_auth_password_check(f->auth, "rev", p64, &err), 0);
    assert_int_equal(jy_auth_password_check(f->auth, "rev", p128, &err), 0);
    assert_int_equal(jy_auth_password_check(f->auth, "rev", p129, &err), JY_EINVAL);
    add_account(f, "rev", "county_reviewer", "640522", p64);
    jy_login L;
    assert_int_equal(login(f, "rev", p64, "10.0.0.1", T0, &L), 0);
    p64[63] ^= 1;
    assert_int_equal(login(f, "rev", p64, "10.0.0.1", T0, &L), JY_EAUTH);
    /* an account cannot be given a common password */
    jy_user u;
    memset(&u, 0, sizeof u);
    memcpy(u.name, "weak", 5);
    memcpy(u.role, "county_reviewer", 16);
    assert_int_equal(jy_account_put(f->auth, f->st, &f->ctx, &u, "woaini1314", NULL, NULL, &err), JY_EINVAL);
    jy_account ac;
    assert_int_equal(jy_store_account_get(f->st, "weak", &ac, &err), JY_ENOTFOUND);
    /* a generated password passes the policy and is stored as argon2id with ≥ 19 MiB, ≥ 2 passes */
    char gen[32];
    jy_auth_password_generate(gen);
    assert_int_equal(strlen(gen), 20);
    assert_int_equal(jy_auth_password_check(f->auth, "rev", gen, &err), 0);
    assert_int_equal(jy_store_account_get(f->st, "rev", &ac, &err), 0);
    assert_non_null(strstr(ac.cred.password_hash, "$argon2id$v=19$m=19456,t=2,p=1$"));
}

static void test_must_change_at_first_login(void **state)
{
    fx *f = *state;
    add_account(f, "rev", "county_reviewer", "640522", GOOD_PW);
    jy_login L;
    assert_int_equal(login(f, "rev", GOOD_PW, "10.0.0.1", T0, &L), 0);
    assert_int_equal(L.state, JY_LOGIN_OPEN);
    assert_int_equal(L.who.must_change, 1);
    jy_principal p;
    assert_int_equal(resolve(f, L.token, T0 + 1, &p), 0);
    assert_int_equal(p.must_change, 1);
    jy_err err = {0};
    jy_perm_target t = {"640522101", 0, 0};
    assert_int_equal(jy_perm_check(&p, JY_PERM_CASE_READ, &t, &err), JY_EDENIED);
    assert_non_null(strstr(err.msg, "password must be changed"));
    /* the same new password as the old one is refused */
    assert_int_equal(jy_auth_change_password(f->auth, f->st, L.token, GOOD_PW, GOOD_PW, "10.0.0.1", T0 + 2, NULL, &err),
                     JY_EINVAL);
    jy_login fresh;
    assert_int_equal(jy_auth_change_password(f->auth, f->st, L.token, GOOD_PW, "My-Own-Choice-2024x", "10.0.0.1",
                                             T0 + 3, &fresh, &err),
                     0);
    assert_int_equal(resolve(f, fresh.token, T0 + 4, &p), 0);
    assert_int_equal(p.must_change, 0);
    assert_int_equal(jy_perm_check(&p, JY_PERM_CASE_READ, &t, &err), 0);
}

/* ---------------------------------------------------------------- the hashing pool */

static void test_pool_full_answers_busy(void **state)
{
    fx *f = *state;
    add_account(f, "rev", "county_reviewer", "640522", GOOD_PW);
    jy_auth *tight = new_auth(1, -1); /* one slot, no queue */
    jy_err err = {0};
    assert_int_equal(jy_auth_pool_enter(tight, &err), 0); /* someone is hashing */
    jy_login L;
    assert_int_equal(jy_auth_login(tight, f->st, "rev", GOOD_PW, "10.0.0.1", T0, &L, &err), JY_EBUSY);
    assert_int_equal(L.refusal, JY_REFUSED_BUSY);
    assert_non_null(strstr(err.msg, "busy"));
    /* a busy answer is not a failure: nothing counted */
    jy_account ac;
    assert_int_equal(jy_store_account_get(f->st, "rev", &ac, &err), 0);
    assert_int_equal(ac.cred.failures, 0);
    int busy = 0, waiting = 0, slots = 0, queue = 0;
    jy_auth_pool_stats(tight, &busy, &waiting, &slots, &queue);
    assert_int_equal(busy, 1);
    assert_int_equal(slots, 1);
    assert_int_equal(queue, 0);
    jy_auth_pool_leave(tight);
    assert_int_equal(jy_auth_login(tight, f->st, "rev", GOOD_PW, "10.0.0.1", T0, &L, &err), 0);
    jy_auth_free(tight);
}

/* ---------------------------------------------------------------- TOTP */

static void test_totp_rfc_vectors(void **state)
{
    (void)state;
    const unsigned char *key = (const unsigned char *)"12345678901234567890";
    /* RFC 4226 appendix D: HOTP, 6 digits, counters 0..9 */
    static const uint32_t hotp[10] = {755224, 287082, 359152, 969429, 338314, 254676, 287922, 162583, 399871, 520489};
    for (uint64_t c = 0; c < 10; c++) assert_int_equal(jy_totp_code(key, 20, c, 6), hotp[c]);
    /* RFC 6238 appendix B, the SHA-1 rows: time → 8-digit code */
    static const struct {
        uint64_t t;
        uint32_t code;
    } v[] = {{59, 94287082},         {1111111109, 7081804},  {1111111111, 14050471},
             {1234567890, 89005924}, {2000000000, 69279037}, {20000000000ULL, 65353130}};
    for (size_t i = 0; i < sizeof v / sizeof *v; i++) assert_int_equal(jy_totp_code(key, 20, v[i].t / 30, 8), v[i].code);
    /* RFC 4648 base32 */
    char b32[64];
    jy_base32_encode((const unsigned char *)"foobar", 6, b32, sizeof b32);
    assert_string_equal(b32, "MZXW6YTBOI");
    jy_base32_encode(key, 20, b32, sizeof b32);
    assert_string_equal(b32, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
}

static int b32val(char c)
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= '2' && c <= '7') return c - '2' + 26;
    return -1;
}

/* The secret of an otpauth:// URI. */
static size_t uri_secret(const char *uri, unsigned char *out)
{
    const char *s = strstr(uri, "secret=");
    assert_non_null(s);
    s += 7;
    size_t n = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (; *s && *s != '&'; s++) {
        int v = b32val(*s);
        assert_true(v >= 0);
        acc = (acc << 5) | (uint32_t)v;
        bits += 5;
        if (bits >= 8) {
            out[n++] = (unsigned char)(acc >> (bits - 8));
            bits -= 8;
        }
    }
    return n;
}

static void code_at(const unsigned char *secret, size_t n, int64_t t, char out[8])
{
    snprintf(out, 8, "%06u", (unsigned)jy_totp_code(secret, n, (uint64_t)(t / 30), 6));
}

static void test_totp_second_factor_and_replay(void **state)
{
    fx *f = *state;
    add_account(f, "fin", "finance", "640522", GOOD_PW);
    jy_login L;
    jy_err err = {0};
    /* a role that needs a second factor cannot log in without one enrolled */
    assert_int_equal(login(f, "fin", GOOD_PW, "10.0.0.1", T0, &L), JY_EAUTH);
    assert_int_equal(L.refusal, JY_REFUSED_NO_SECOND_FACTOR);
    char uri[512];
    assert_int_equal(jy_account_totp_enroll(f->auth, f->st, &f->ctx, "fin", uri, &err), 0);
    assert_non_null(strstr(uri, "otpauth://totp/jiuye:fin?secret="));
    unsigned char secret[32];
    size_t sn = uri_secret(uri, secret);
    assert_int_equal(sn, 20);
    /* the secret is sealed at rest: its base32 is nowhere in the row */
    jy_account ac;
    assert_int_equal(jy_store_account_get(f->st, "fin", &ac, &err), 0);
    assert_int_equal(strncmp(ac.cred.totp_secret, "v1.", 3), 0);
    /* login: half-open until the code */
    int64_t t = T0 + 100;
    assert_int_equal(login(f, "fin", GOOD_PW, "10.0.0.1", t, &L), 0);
    assert_int_equal(L.state, JY_LOGIN_SECOND_FACTOR);
    jy_principal p;
    assert_int_equal(resolve(f, L.token, t + 1, &p), 0);
    assert_int_equal(p.second_factor_done, 0);
    jy_perm_target tg = {"640522", 0, 0};
    assert_int_equal(jy_perm_check(&p, JY_PERM_BATCH_READ, &tg, &err), JY_EAUTH);
    /* a wrong code is refused and counted */
    char code[8];
    code_at(secret, sn, t, code);
    char wrong[8];
    snprintf(wrong, sizeof wrong, "%06d", (atoi(code) + 1) % 1000000);
    assert_int_equal(jy_auth_second_factor(f->auth, f->st, L.token, wrong, "10.0.0.1", t + 2, &p, &err), JY_EAUTH);
    assert_int_equal(jy_store_account_get(f->st, "fin", &ac, &err), 0);
    assert_int_equal(ac.cred.failures, 1);
    /* the right one completes the session (and clears the count) */
    assert_int_equal(jy_auth_second_factor(f->auth, f->st, L.token, code, "10.0.0.1", t + 3, &p, &err), 0);
    assert_int_equal(p.second_factor_done, 1);
    assert_int_equal(resolve(f, L.token, t + 4, &p), 0);
    assert_int_equal(p.second_factor_done, 1);
    assert_int_equal(jy_perm_check(&p, JY_PERM_BATCH_READ, &tg, &err), JY_EDENIED); /* must change first */
    /* the same code in another login within its step: refused as reused */
    jy_login M;
    assert_int_equal(login(f, "fin", GOOD_PW, "10.0.0.1", t + 5, &M), 0);
    assert_int_equal(jy_auth_second_factor(f->auth, f->st, M.token, code, "10.0.0.1", t + 6, &p, &err), JY_EAUTH);
    assert_non_null(strstr(err.msg, "used already"));
    /* the previous step's code (within the window) is older than the used one: refused as well */
    char prev[8];
    code_at(secret, sn, t - 30, prev);
    if (strcmp(prev, code) != 0)
        assert_int_equal(jy_auth_second_factor(f->auth, f->st, M.token, prev, "10.0.0.1", t + 7, &p, &err), JY_EAUTH);
    /* the next step's code is good (one step of clock drift either side is accepted) */
    char next[8];
    code_at(secret, sn, t + 30, next);
    assert_int_equal(jy_auth_second_factor(f->auth, f->st, M.token, next, "10.0.0.1", t + 8, &p, &err), 0);
    /* two steps away is not */
    jy_login N;
    assert_int_equal(login(f, "fin", GOOD_PW, "10.0.0.1", t + 200, &N), 0);
    char far[8];
    code_at(secret, sn, t + 200 + 90, far);
    assert_int_equal(jy_auth_second_factor(f->auth, f->st, N.token, far, "10.0.0.1", t + 201, &p, &err), JY_EAUTH);
    /* a half-open session not completed within 5 minutes ends */
    assert_int_equal(resolve(f, N.token, t + 200 + 300, &p), JY_EAUTH);
    assert_true(audits(f, "second_factor", "\"detail\":\"totp\"") == 2);
    assert_true(audits(f, "second_factor_failed", NULL) >= 3);
    /* a key file that is not the one that sealed it cannot open the secret */
    char other_key[640];
    snprintf(other_key, sizeof other_key, "%s/other.key", test_db.tmpdir);
    unlink(other_key);
    assert_int_equal(jy_auth_keygen(other_key, &err), 0);
    assert_int_equal(jy_auth_keygen(other_key, &err), JY_ECONFLICT); /* never overwritten */
    jy_auth_config c;
    jy_auth_config_default(&c);
    c.key_file = other_key;
    jy_auth *wrong_key = NULL;
    assert_int_equal(jy_auth_new(&c, &wrong_key, &err), 0);
    assert_int_equal(jy_account_totp_uri(wrong_key, f->st, &f->ctx, "fin", uri, &err), JY_ETAMPER);
    jy_auth_free(wrong_key);
    assert_int_equal(jy_account_totp_uri(f->auth, f->st, &f->ctx, "fin", uri, &err), 0);
    assert_int_equal(uri_secret(uri, secret + 0), 20);
}

static void test_recovery_code_single_use(void **state)
{
    fx *f = *state;
    add_account(f, "aud", "auditor", "", GOOD_PW);
    jy_err err = {0};
    char uri[512], codes[JY_RECOVERY_CODES][24];
    assert_int_equal(jy_account_totp_enroll(f->auth, f->st, &f->ctx, "aud", uri, &err), 0);
    assert_int_equal(jy_account_recovery_codes(f->auth, f->st, &f->ctx, "aud", codes, &err), 0);
    for (int i = 0; i < JY_RECOVERY_CODES; i++) {
        assert_int_equal(strlen(codes[i]), 19);
        for (int k = 0; k < i; k++) assert_string_not_equal(codes[i], codes[k]);
    }
    jy_account ac;
    assert_int_equal(jy_store_account_get(f->st, "aud", &ac, &err), 0);
    assert_int_equal(ac.recovery_left, 10);
    jy_login L, M;
    jy_principal p;
    assert_int_equal(login(f, "aud", GOOD_PW, "10.0.0.1", T0, &L), 0);
    assert_int_equal(L.state, JY_LOGIN_SECOND_FACTOR);
    /* typed in upper case without dashes: still the code */
    char typed[24];
    size_t o = 0;
    for (const char *s = codes[3]; *s; s++)
        if (*s != '-') typed[o++] = (char)toupper((unsigned char)*s);
    typed[o] = '\0';
    assert_int_equal(jy_auth_second_factor(f->auth, f->st, L.token, typed, "10.0.0.1", T0 + 1, &p, &err), 0);
    assert_int_equal(p.second_factor_done, 1);
    /* used once: refused the second time */
    assert_int_equal(login(f, "aud", GOOD_PW, "10.0.0.1", T0 + 2, &M), 0);
    assert_int_equal(jy_auth_second_factor(f->auth, f->st, M.token, codes[3], "10.0.0.1", T0 + 3, &p, &err), JY_EAUTH);
    assert_int_equal(jy_auth_second_factor(f->auth, f->st, M.token, codes[4], "10.0.0.1", T0 + 4, &p, &err), 0);
    assert_int_equal(jy_store_account_get(f->st, "aud", &ac, &err), 0);
    assert_int_equal(ac.recovery_left, 8);
    /* new codes replace the old ones */
    char again[JY_RECOVERY_CODES][24];
    assert_int_equal(jy_account_recovery_codes(f->auth, f->st, &f->ctx, "aud", again, &err), 0);
    jy_login N;
    assert_int_equal(login(f, "aud", GOOD_PW, "10.0.0.1", T0 + 5, &N), 0);
    assert_int_equal(jy_auth_second_factor(f->auth, f->st, N.token, codes[5], "10.0.0.1", T0 + 6, &p, &err), JY_EAUTH);
    /* codes are stored hashed */
    char dump[4096], plain[24];
    table_dump("SELECT code_hash FROM user_recovery_codes", dump, sizeof dump);
    assert_int_equal(strlen(dump), 10 * 65);
    o = 0;
    for (const char *s = again[0]; *s; s++)
        if (*s != '-') plain[o++] = *s;
    plain[o] = '\0';
    assert_null(strstr(dump, plain));
    assert_int_equal(jy_auth_second_factor(f->auth, f->st, N.token, again[0], "10.0.0.1", T0 + 7, &p, &err), 0);
}

/* ---------------------------------------------------------------- roles */

static void test_three_way_separation(void **state)
{
    fx *f = *state;
    jy_err err = {0};
    /* bootstrap: the first actor is admin and may register accounts … */
    jy_principal boot;
    assert_int_equal(jy_principal_for_actor(f->st, "first", &boot, &err), 0);
    assert_int_equal(boot.bootstrap, 1);
    assert_int_equal(boot.role, JY_ROLE_ADMIN);
    jy_auth_ctx bc = f->ctx;
    bc.by = &boot;
    jy_user u;
    memset(&u, 0, sizeof u);
    memcpy(u.name, "boss", 5);
    memcpy(u.role, "admin", 6);
    assert_int_equal(jy_account_put(f->auth, f->st, &bc, &u, GOOD_PW, NULL, NULL, &err), 0);
    jy_principal admin;
    assert_int_equal(jy_principal_for_actor(f->st, "boss", &admin, &err), 0);
    bc.by = &admin;
    assert_true(jy_role_holds(&admin, JY_PERM_USER_MANAGE));
    assert_true(jy_role_holds(&admin, JY_PERM_AUDIT_READ));
    assert_true(jy_role_holds(&admin, JY_PERM_BACKUP_RUN));
    memset(&u, 0, sizeof u);
    memcpy(u.name, "sec", 4);
    memcpy(u.role, "security", 9);
    assert_int_equal(jy_account_put(f->auth, f->st, &bc, &u, GOOD_PW, NULL, NULL, &err), 0);
    /* … until a security administrator exists: then accounts are theirs alone */
    assert_int_equal(jy_principal_for_actor(f->st, "boss", &admin, &err), 0);
    assert_false(jy_role_holds(&admin, JY_PERM_USER_MANAGE));
    assert_true(jy_role_holds(&admin, JY_PERM_AUDIT_READ)); /* no auditor yet */
    memset(&u, 0, sizeof u);
    memcpy(u.name, "aud", 4);
    memcpy(u.role, "auditor", 8);
    assert_int_equal(jy_account_put(f->auth, f->st, &bc, &u, GOOD_PW, NULL, NULL, &err), JY_EDENIED);
    assert_non_null(strstr(err.msg, "三员分立"));
    jy_principal sec;
    assert_int_equal(jy_principal_for_actor(f->st, "sec", &sec, &err), 0);
    jy_auth_ctx sc = f->ctx;
    sc.by = &sec;
    assert_int_equal(jy_account_put(f->auth, f->st, &sc, &u, GOOD_PW, NULL, NULL, &err), 0);
    memset(&u, 0, sizeof u);
    memcpy(u.name, "sys", 4);
    memcpy(u.role, "sysadmin", 9);
    assert_int_equal(jy_account_put(f->auth, f->st, &sc, &u, GOOD_PW, NULL, NULL, &err), 0);
    assert_int_equal(jy_principal_for_actor(f->st, "boss", &admin, &err), 0);
    assert_false(jy_role_holds(&admin, JY_PERM_AUDIT_READ));
    assert_false(jy_role_holds(&admin, JY_PERM_BACKUP_RUN));
    assert_true(jy_role_holds(&admin, JY_PERM_BATCH_APPROVE)); /* business stays */
    /* no account moves into, out of or between the three roles */
    memset(&u, 0, sizeof u);
    memcpy(u.name, "aud", 4);
    memcpy(u.role, "security", 9);
    assert_int_equal(jy_account_put(f->auth, f->st, &sc, &u, NULL, NULL, NULL, &err), JY_EDENIED);
    assert_non_null(strstr(err.msg, "三员分立"));
    memcpy(u.role, "county_reviewer", 16);
    assert_int_equal(jy_account_put(f->auth, f->st, &sc, &u, NULL, NULL, NULL, &err), JY_EDENIED);
    memset(&u, 0, sizeof u);
    memcpy(u.name, "boss", 5);
    memcpy(u.role, "sysadmin", 9);
    assert_int_equal(jy_account_put(f->auth, f->st, &sc, &u, NULL, NULL, NULL, &err), JY_EDENIED);
    /* the security administrator cannot change its own role */
    memset(&u, 0, sizeof u);
    memcpy(u.name, "sec", 4);
    memcpy(u.role, "auditor", 8);
    assert_int_equal(jy_account_put(f->auth, f->st, &sc, &u, NULL, NULL, NULL, &err), JY_EDENIED);
    jy_account ac;
    assert_int_equal(jy_store_account_get(f->st, "aud", &ac, &err), 0);
    assert_string_equal(ac.user.role, "auditor");
    /* a business role may change to another business role */
    memset(&u, 0, sizeof u);
    memcpy(u.name, "boss", 5);
    memcpy(u.role, "county_reviewer", 16);
    memcpy(u.area, "640522", 7);
    assert_int_equal(jy_account_put(f->auth, f->st, &sc, &u, NULL, NULL, NULL, &err), 0);
    /* the auditor changes nothing and the separated roles take no workflow step, not even "*" */
    jy_principal aud;
    assert_int_equal(jy_principal_for_actor(f->st, "aud", &aud, &err), 0);
    for (int p = 0; p < JY_PERM__COUNT; p++) {
        int holds = jy_role_holds(&aud, p);
        int reads = p == JY_PERM_AUDIT_READ || p == JY_PERM_AUDIT_VERIFY || p == JY_PERM_ACCESS_LOG_READ ||
                    p == JY_PERM_SYSTEM_STATUS;
        if (holds != reads) fail_msg("auditor and %s: holds %d", jy_perm_name(p), holds);
    }
    jy_actor act;
    assert_int_equal(jy_actor_resolve(f->st, "aud", &act, &err), 0);
    assert_int_equal(jy_actor_may(&act, JY_ROLE_ANY, "640522", "申报", &err), JY_ECONFLICT);
    assert_int_equal(jy_actor_resolve(f->st, "sys", &act, &err), 0);
    assert_int_equal(jy_actor_may(&act, JY_ROLE_ANY, "640522", "申报", &err), JY_ECONFLICT);
    assert_int_equal(jy_actor_resolve(f->st, "sec", &act, &err), 0);
    assert_int_equal(jy_actor_may(&act, 1u << JY_ROLE_COUNTY_REVIEWER, "640522", "审核", &err), JY_ECONFLICT);
}

/* ---------------------------------------------------------------- the permission table */

/* The table as the docs state it (docs/security.md): for each permission the roles that hold
 * it. Written out here independently of src/service/users.c, so a change there shows. */
static const struct {
    const char *perm, *roles;
} want_tab[] = {
    {"person.read", "admin county_reviewer city_reviewer township_staff training_body employer applicant station finance"},
    {"person.read_unmasked", "admin county_reviewer city_reviewer finance applicant"},
    {"person.write", "admin county_reviewer city_reviewer township_staff"},
    {"org.read", "admin county_reviewer city_reviewer township_staff training_body employer applicant station finance"},
    {"org.write", "admin county_reviewer city_reviewer"},
    {"import.run", "admin county_reviewer township_staff"},
    {"policy.read", "admin county_reviewer city_reviewer township_staff training_body employer applicant station finance"},
    {"policy.eval", "admin county_reviewer city_reviewer township_staff"},
    {"policy.redecide", "admin county_reviewer"},
    {"case.read", "admin county_reviewer city_reviewer township_staff training_body employer applicant station finance"},
    {"case.file", "admin county_reviewer city_reviewer township_staff training_body employer applicant station"},
    {"case.step", "admin county_reviewer city_reviewer township_staff training_body employer applicant station"},
    {"placement.read", "admin county_reviewer city_reviewer township_staff employer finance"},
    {"placement.write", "admin county_reviewer"},
    {"attendance.write", "admin county_reviewer township_staff employer"},
    {"payroll.run", "admin county_reviewer"},
    {"payroll.review", "admin county_reviewer"},
    {"ledger.read", "admin county_reviewer city_reviewer finance"},
    {"ledger.write", "admin finance"},
    {"batch.read", "admin county_reviewer finance"},
    {"batch.build", "admin finance"},
    {"batch.approve", "admin finance"},
    {"batch.export", "admin finance"},
    {"batch.pay", "admin finance"},
    {"report.read", "admin county_reviewer city_reviewer township_staff finance"},
    {"audit.read", "auditor"},
    {"audit.verify", "auditor"},
    {"access_log.read", "auditor"},
    {"user.read", "security"},
    {"user.manage", "security"},
    {"backup.run", "sysadmin"},
    {"config.manage", "sysadmin"},
    {"system.status", "admin auditor security sysadmin"},
};

static int listed(const char *roles, const char *role)
{
    size_t n = strlen(role);
    for (const char *p = roles; (p = strstr(p, role)) != NULL; p += n)
        if ((p == roles || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' ')) return 1;
    return 0;
}

static void test_permission_table(void **state)
{
    (void)state;
    assert_int_equal(sizeof want_tab / sizeof *want_tab, JY_PERM__COUNT);
    jy_err err = {0};
    int walked = 0;
    for (size_t i = 0; i < sizeof want_tab / sizeof *want_tab; i++) {
        int perm = -1;
        assert_int_equal(jy_perm_parse(want_tab[i].perm, &perm, &err), 0);
        assert_string_equal(jy_perm_name(perm), want_tab[i].perm);
        for (int r = 0; r < JY_ROLE__COUNT; r++) {
            /* every separated role has an account: no fallback */
            jy_principal p;
            memset(&p, 0, sizeof p);
            p.role = r;
            snprintf(p.name, sizeof p.name, "u-%s", jy_role_name(r));
            memcpy(p.area, "640522", 7);
            p.org_id = 7;
            p.person_id = 9;
            p.second_factor_required = 1;
            p.second_factor_done = 1;
            p.roles_present = JY_ROLES_SEPARATED;
            jy_perm_target own = {"640522101", 7, 9};
            int want = listed(want_tab[i].roles, jy_role_name(r));
            int got = jy_perm_check(&p, perm, &own, &err);
            if ((got == 0) != want)
                fail_msg("%s × %s: want %s, got %d (%s)", want_tab[i].perm, jy_role_name(r), want ? "allow" : "deny",
                         got, err.msg);
            if (!want) assert_int_equal(got, JY_EDENIED);
            /* admin holds a separated role's permission while no account of that role exists */
            p.roles_present = 0;
            int fb_want = want || (r == JY_ROLE_ADMIN && jy_perm_fallback_role(perm) >= 0);
            got = jy_perm_check(&p, perm, &own, &err);
            if ((got == 0) != fb_want)
                fail_msg("%s × %s without separated accounts: want %s, got %d", want_tab[i].perm, jy_role_name(r),
                         fb_want ? "allow" : "deny", got);
            p.roles_present = JY_ROLES_SEPARATED;
            if (!want || !jy_perm_is_scoped(perm)) {
                walked++;
                continue;
            }
            /* outside the area: denied */
            jy_perm_target other = {"640521001", 7, 9};
            assert_int_equal(jy_perm_check(&p, perm, &other, &err), JY_EDENIED);
            /* an owner-bound role and a record of someone else: denied; officers don't care */
            jy_perm_target theirs = {"640522101", 8, 10};
            int owner_bound = ((1u << r) & JY_ROLES_OWNER_BOUND) != 0;
            assert_int_equal(jy_perm_check(&p, perm, &theirs, &err), owner_bound ? JY_EDENIED : 0);
            /* second factor pending: not authenticated yet */
            p.second_factor_done = 0;
            assert_int_equal(jy_perm_check(&p, perm, &own, &err), JY_EAUTH);
            walked++;
        }
    }
    assert_int_equal(walked, JY_PERM__COUNT * JY_ROLE__COUNT);
    assert_int_equal(jy_perm_check(NULL, JY_PERM_CASE_READ, NULL, &err), JY_EAUTH);
}

static void test_areas_and_ownership(void **state)
{
    (void)state;
    jy_err err = {0};
    jy_principal town;
    memset(&town, 0, sizeof town);
    town.role = JY_ROLE_TOWNSHIP_STAFF;
    memcpy(town.name, "town", 5);
    memcpy(town.area, "640522101", 10); /* a township: 9 digits */
    town.second_factor_done = 1;
    jy_perm_target in = {"640522101203", 0, 0}, sibling = {"640522102001", 0, 0}, county = {"640522", 0, 0};
    assert_int_equal(jy_perm_check(&town, JY_PERM_PERSON_WRITE, &in, &err), 0);
    assert_int_equal(jy_perm_check(&town, JY_PERM_PERSON_WRITE, &sibling, &err), JY_EDENIED);
    assert_int_equal(jy_perm_check(&town, JY_PERM_PERSON_WRITE, &county, &err), JY_EDENIED); /* coarser: outside */
    jy_perm_target unknown = {"", 0, 0};
    assert_int_equal(jy_perm_check(&town, JY_PERM_PERSON_WRITE, &unknown, &err), JY_EDENIED);
    assert_int_equal(jy_perm_check(&town, JY_PERM_PERSON_WRITE, NULL, &err), 0); /* a list: the caller scopes */
    jy_principal city = town;
    city.role = JY_ROLE_CITY_REVIEWER;
    memcpy(city.area, "6405", 5);
    assert_int_equal(jy_perm_check(&city, JY_PERM_CASE_STEP, &in, &err), 0);
    assert_int_equal(jy_perm_check(&city, JY_PERM_CASE_STEP, &county, &err), 0);
    jy_perm_target other_city = {"640100", 0, 0};
    assert_int_equal(jy_perm_check(&city, JY_PERM_CASE_STEP, &other_city, &err), JY_EDENIED);
    /* a training body sees its own classes and trainees only */
    jy_principal body = town;
    body.role = JY_ROLE_TRAINING_BODY;
    memcpy(body.area, "640522", 7);
    body.org_id = 42;
    jy_perm_target own_class = {"640522", 42, 0}, other_class = {"640522", 43, 0};
    assert_int_equal(jy_perm_check(&body, JY_PERM_CASE_READ, &own_class, &err), 0);
    assert_int_equal(jy_perm_check(&body, JY_PERM_CASE_READ, &other_class, &err), JY_EDENIED);
    assert_int_equal(jy_perm_check(&body, JY_PERM_LEDGER_READ, &own_class, &err), JY_EDENIED);
    /* an applicant their own cases */
    jy_principal me = town;
    me.role = JY_ROLE_APPLICANT;
    memcpy(me.area, "640522", 7);
    me.person_id = 77;
    jy_perm_target mine = {"640522101", 0, 77}, yours = {"640522101", 0, 78};
    assert_int_equal(jy_perm_check(&me, JY_PERM_CASE_READ, &mine, &err), 0);
    assert_int_equal(jy_perm_check(&me, JY_PERM_PERSON_READ_UNMASKED, &mine, &err), 0);
    assert_int_equal(jy_perm_check(&me, JY_PERM_CASE_READ, &yours, &err), JY_EDENIED);
    /* an owner-bound account without an org or person owns nothing */
    me.person_id = 0;
    jy_perm_target none = {"640522101", 0, 0};
    assert_int_equal(jy_perm_check(&me, JY_PERM_CASE_READ, &none, &err), JY_EDENIED);
    /* areas: 2, 4, 6, 9, 12 digits */
    assert_int_equal(jy_area_check("640522101", &err), 0);
    assert_int_equal(jy_area_check("640522101203", &err), 0);
    assert_int_equal(jy_area_check("6405221", &err), JY_EINVAL);
    assert_int_equal(jy_area_check("64x522", &err), JY_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_lockout_five_failures_then_unlock_after_15_minutes, open_fx, close_fx),
        cmocka_unit_test_setup_teardown(test_admin_lock_and_unlock, open_fx, close_fx),
        cmocka_unit_test_setup_teardown(test_address_lockout, open_fx, close_fx),
        cmocka_unit_test_setup_teardown(test_idle_and_absolute_expiry, open_fx, close_fx),
        cmocka_unit_test_setup_teardown(test_logout_ends_session, open_fx, close_fx),
        cmocka_unit_test_setup_teardown(test_password_change_ends_sessions, open_fx, close_fx),
        cmocka_unit_test_setup_teardown(test_session_survives_reopen, open_fx, close_fx),
        cmocka_unit_test_setup_teardown(test_token_stored_hashed, open_fx, close_fx),
        cmocka_unit_test_setup_teardown(test_csrf_check, open_fx, close_fx),
        cmocka_unit_test_setup_teardown(test_password_policy, open_fx, close_fx),
        cmocka_unit_test_setup_teardown(test_must_change_at_first_login, open_fx, close_fx),
        cmocka_unit_test_setup_teardown(test_pool_full_answers_busy, open_fx, close_fx),
        cmocka_unit_test(test_totp_rfc_vectors),
        cmocka_unit_test_setup_teardown(test_totp_second_factor_and_replay, open_fx, close_fx),
        cmocka_unit_test_setup_teardown(test_recovery_code_single_use, open_fx, close_fx),
        cmocka_unit_test_setup_teardown(test_three_way_separation, open_fx, close_fx),
        cmocka_unit_test(test_permission_table),
        cmocka_unit_test(test_areas_and_ownership),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
