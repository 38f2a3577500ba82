/* Unit tests of the store contract on the backend under test, PostgreSQL above all (issue 3):
 * round-trips, idempotent puts, nested transactions, several processes importing the same
 * roster at once (each person once, one unforked audit chain), several handles at once (the
 * HTTP server's pool), county scoping, backup and restore, and — on PostgreSQL — an audit chain
 * byte-identical to SQLite's for the same changes.
 *
 * Backend: PostgreSQL when JY_TEST_BACKEND=postgresql, with JY_TEST_PG_URL naming the test
 * server (scripts/pg-test-server.sh start prints it); every test gets a fresh database created
 * there and dropped afterwards. Otherwise SQLite, a fresh file per test. The assertions are the
 * same on both: that is the point. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <libpq-fe.h>

#include "domain/idcard.h"
#include "store/store.h"
#include "store/store_impl.h" /* JY_STORE_SCHEMA_VERSION */
#include "test_db.h"

/* ---------------------------------------------------------------- sample data */

static void make_idcard(char out[19], const char *div, const char *ymd, int seq)
{
    char first[24];
    snprintf(first, sizeof first, "%.6s%.8s%03d", div, ymd, seq % 1000);
    memcpy(out, first, 17);
    out[17] = jy_idcard_check_char(first);
    out[18] = '\0';
}

static void sample_person(jy_person *p, const char *county, int seq)
{
    memset(p, 0, sizeof *p);
    char ymd[9];
    snprintf(ymd, sizeof ymd, "19%02u0307", (unsigned)(60 + seq / 1000 % 40) % 100u);
    make_idcard(p->idcard, county, ymd, seq);
    snprintf(p->name, sizeof p->name, "马%s%d", seq % 2 ? "小军" : "玉兰", seq);
    snprintf(p->ethnicity, sizeof p->ethnicity, "回族");
    snprintf(p->education, sizeof p->education, "高中");
    snprintf(p->hukou_division, sizeof p->hukou_division, "%s105", county);
    p->hukou_kind = JY_HUKOU_RURAL;
    snprintf(p->phone, sizeof p->phone, "13995%06u", (unsigned)seq % 1000000u);
    snprintf(p->address, sizeof p->address, "七营镇张堡村%d号", seq);
}

static void sample_org(jy_org *o, const char *county, int seq)
{
    memset(o, 0, sizeof o[0]);
    snprintf(o->uscc, sizeof o->uscc, "91%.6s%09dX", county, seq);
    snprintf(o->name, sizeof o->name, "海原县劳务公司%d", seq);
    o->kinds = JY_ORG_EMPLOYER | JY_ORG_LABOUR_AGENCY;
    o->size_class = JY_SIZE_SMALL;
    snprintf(o->division, sizeof o->division, "%s", county);
    snprintf(o->bank_account, sizeof o->bank_account, "6228480%09d", seq);
}

static jy_store_counts counts(jy_store *st)
{
    jy_store_counts c;
    jy_err err = {0};
    if (jy_store_counts_get(st, &c, &err)) fail_msg("counts: %s", err.msg);
    return c;
}

static void verify_ok(jy_store *st, int64_t want_entries)
{
    jy_err err = {0};
    int64_t n = -1;
    if (jy_store_audit_verify(st, &n, &err) != 0) fail_msg("audit verify: %s", err.msg);
    assert_int_equal(n, want_entries);
}

/* ---------------------------------------------------------------- tests */

static void opens_migrates_and_reopens(void **state)
{
    (void)state;
    char url[600];
    jy_err err = {0};
    jy_store *st = test_db_open_fresh(url, sizeof url);
    int v = 0;
    assert_int_equal(jy_store_schema_version(st, &v, &err), 0);
    assert_int_equal(v, JY_STORE_SCHEMA_VERSION);
    assert_string_equal(jy_store_backend(st), test_db.use_pg ? "postgresql" : "sqlite");
    jy_store_close(st);
    st = test_db_open(url); /* already migrated: nothing re-applied, no error */
    assert_int_equal(jy_store_schema_version(st, &v, &err), 0);
    assert_int_equal(v, JY_STORE_SCHEMA_VERSION);
    jy_store_close(st);
}

static void person_and_org_round_trip_idempotent_and_audited(void **state)
{
    (void)state;
    char url[600];
    jy_err err = {0};
    jy_store *st = test_db_open_fresh(url, sizeof url);
    jy_person p, got;
    sample_person(&p, "640522", 7);
    int result = 0;
    if (jy_store_person_put(st, &p, "tester", &result, &err)) fail_msg("%s", err.msg);
    assert_int_equal(result, JY_PUT_CREATED);
    assert_true(p.id > 0);
    assert_int_equal(jy_store_person_get(st, p.id, &got, &err), 0);
    assert_string_equal(got.idcard, p.idcard);
    assert_string_equal(got.name, p.name);
    assert_string_equal(got.address, p.address);
    assert_string_equal(got.county, "640522");
    assert_int_equal(got.birth, p.birth);
    assert_int_equal(got.hukou_kind, JY_HUKOU_RURAL);
    assert_int_equal(got.sex, p.sex);
    assert_int_equal(jy_store_person_put(st, &p, "tester", &result, &err), 0);
    assert_int_equal(result, JY_PUT_UNCHANGED);
    snprintf(p.phone, sizeof p.phone, "13800000000");
    assert_int_equal(jy_store_person_put(st, &p, "tester", &result, &err), 0);
    assert_int_equal(result, JY_PUT_UPDATED);
    assert_int_equal(jy_store_person_get_by_idcard(st, p.idcard, &got, &err), 0);
    assert_string_equal(got.phone, "13800000000");
    assert_int_equal(jy_store_person_get(st, 999999, &got, &err), JY_ENOTFOUND);

    jy_person_status s = {.kind = JY_ST_REGISTERED_UNEMPLOYED, .since = 19000, .detail = "x"}, ss[4];
    assert_int_equal(jy_store_person_status_add(st, p.id, &s, "tester", &err), 0);
    int64_t sid = s.id;
    s.id = 0;
    assert_int_equal(jy_store_person_status_add(st, p.id, &s, "tester", &err), 0); /* same: not again */
    assert_int_equal(s.id, sid);
    int n = 0;
    assert_int_equal(jy_store_person_statuses(st, p.id, ss, 4, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_int_equal(ss[0].since, 19000);
    assert_int_equal(ss[0].until, 0);
    assert_int_equal(jy_store_person_status_add(st, 424242, &s, "tester", &err), JY_ENOTFOUND);

    jy_org o, og;
    sample_org(&o, "640522", 3);
    assert_int_equal(jy_store_org_put(st, &o, "tester", &result, &err), 0);
    assert_int_equal(result, JY_PUT_CREATED);
    assert_int_equal(jy_store_org_put(st, &o, "tester", &result, &err), 0);
    assert_int_equal(result, JY_PUT_UNCHANGED);
    assert_int_equal(jy_store_org_get_by_uscc(st, o.uscc, &og, &err), 0);
    assert_int_equal(og.kinds, o.kinds);
    assert_int_equal(og.size_class, JY_SIZE_SMALL);
    jy_licence l = {.valid_from = 19000}, ls[2];
    snprintf(l.kind, sizeof l.kind, "人力资源服务许可证");
    snprintf(l.number, sizeof l.number, "NX-001");
    assert_int_equal(jy_store_org_licence_add(st, o.id, &l, "tester", &err), 0);
    assert_int_equal(jy_store_org_licence_add(st, o.id, &l, "tester", &err), 0);
    assert_int_equal(jy_store_org_licences(st, o.id, ls, 2, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_string_equal(ls[0].kind, "人力资源服务许可证");

    jy_store_counts c = counts(st);
    assert_int_equal(c.persons, 1);
    assert_int_equal(c.orgs, 1);
    assert_int_equal(c.statuses, 1);
    assert_int_equal(c.licences, 1);
    assert_int_equal(c.audit_entries, 5); /* person create+update, status, org, licence */
    verify_ok(st, 5);
    jy_store_close(st);
}

static void nested_transactions_roll_back_what_they_did(void **state)
{
    (void)state;
    char url[600];
    jy_err err = {0};
    jy_store *st = test_db_open_fresh(url, sizeof url);
    jy_person a, b;
    sample_person(&a, "640522", 1);
    sample_person(&b, "640522", 2);
    assert_int_equal(jy_store_begin(st, &err), 0);
    assert_int_equal(jy_store_person_put(st, &a, "t", NULL, &err), 0);
    assert_int_equal(jy_store_begin(st, &err), 0); /* savepoint */
    assert_int_equal(jy_store_person_put(st, &b, "t", NULL, &err), 0);
    assert_int_equal(jy_store_rollback(st, &err), 0); /* b only */
    assert_int_equal(jy_store_commit(st, &err), 0);
    assert_int_equal(jy_store_person_get_by_idcard(st, b.idcard, &b, &err), JY_ENOTFOUND);
    assert_int_equal(counts(st).persons, 1);
    verify_ok(st, 1);

    assert_int_equal(jy_store_begin(st, &err), 0);
    assert_int_equal(jy_store_person_put(st, &b, "t", NULL, &err), 0);
    assert_int_equal(jy_store_rollback(st, &err), 0);
    assert_int_equal(counts(st).persons, 1);
    assert_int_equal(counts(st).audit_entries, 1);
    assert_int_equal(jy_store_commit(st, &err), JY_EINVAL); /* nothing open */
    verify_ok(st, 1);
    jy_store_close(st);
}

/* Child of the concurrency test: puts persons 0..n-1, starting at `from` and wrapping round, in
 * batches, one transaction per batch (different starts make the children's writes cross). */
static int import_roster(const char *url, int n, int batch, int from)
{
    jy_err err = {0};
    jy_store *st = NULL;
    if (jy_store_open(url, &st, &err)) {
        fprintf(stderr, "child open: %s\n", err.msg);
        return 1;
    }
    int rc = 0;
    for (int i = 0; i < n && rc == 0; i += batch) {
        if ((rc = jy_store_begin(st, &err))) break;
        for (int k = i; k < i + batch && k < n && rc == 0; k++) {
            jy_person p;
            sample_person(&p, "640522", (k + from) % n);
            rc = jy_store_person_put(st, &p, "importer", NULL, &err);
        }
        if (rc) jy_store_rollback(st, NULL);
        else rc = jy_store_commit(st, &err);
    }
    if (rc) fprintf(stderr, "child import: %s\n", err.msg);
    jy_store_close(st);
    return rc ? 1 : 0;
}

static void two_processes_import_the_same_roster_once(void **state)
{
    (void)state;
    char url[600];
    jy_store *st = test_db_open_fresh(url, sizeof url); /* migrated before the race starts */
    jy_store_close(st);
    enum { KIDS = 3, N = 600, BATCH = 20 };
    pid_t pid[KIDS];
    int gate[2]; /* the children start together when the parent closes the gate's write end */
    assert_int_equal(pipe(gate), 0);
    for (int k = 0; k < KIDS; k++) {
        fflush(NULL);
        pid[k] = fork();
        assert_true(pid[k] >= 0);
        if (pid[k] == 0) {
            char c;
            close(gate[1]);
            while (read(gate[0], &c, 1) > 0) {}
            _exit(import_roster(url, N, BATCH, k * N / KIDS / 2));
        }
    }
    close(gate[0]);
    close(gate[1]);
    for (int k = 0; k < KIDS; k++) {
        int status = 0;
        assert_int_equal(waitpid(pid[k], &status, 0), pid[k]);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
    }
    st = test_db_open(url);
    jy_store_counts c = counts(st);
    assert_int_equal(c.persons, N);
    assert_int_equal(c.audit_entries, N); /* one create each; the losers found them UNCHANGED */
    verify_ok(st, N);
    jy_store_close(st);
}

static void many_handles_at_once_like_the_server_pool(void **state)
{
    (void)state;
    char url[600];
    enum { H = 8 };
    jy_store *h[H];
    test_db_fresh_url(url, sizeof url, test_db.use_pg);
    for (int i = 0; i < H; i++) h[i] = test_db_open(url);
    jy_err err = {0};
    for (int i = 0; i < 40; i++) {
        jy_person p;
        sample_person(&p, "640522", i);
        if (jy_store_person_put(h[i % H], &p, "pool", NULL, &err)) fail_msg("%s", err.msg);
    }
    /* a transaction open on one handle holds the writer lock; others still read */
    assert_int_equal(jy_store_begin(h[0], &err), 0);
    jy_person p;
    sample_person(&p, "640522", 99);
    assert_int_equal(jy_store_person_put(h[0], &p, "pool", NULL, &err), 0);
    assert_int_equal(counts(h[1]).persons, 40);
    assert_int_equal(jy_store_commit(h[0], &err), 0);
    assert_int_equal(counts(h[1]).persons, 41);
    verify_ok(h[H - 1], 41);
    for (int i = 0; i < H; i++) jy_store_close(h[i]);
}

static int count_person_cb(void *ctx, const jy_person *p)
{
    (void)p;
    ++*(int *)ctx;
    return 0;
}

static int count_audit_cb(void *ctx, const jy_audit_entry *e)
{
    (void)e;
    ++*(int *)ctx;
    return 0;
}

typedef struct groups {
    char keys[8][24];
    int64_t n[8];
    int count;
} groups;

static int group_cb(void *ctx, const char *key, int64_t n)
{
    groups *g = ctx;
    if (g->count < 8) {
        snprintf(g->keys[g->count], sizeof g->keys[0], "%s", key);
        g->n[g->count++] = n;
    }
    return 0;
}

static void county_scope_hides_other_counties(void **state)
{
    (void)state;
    char url[600];
    jy_err err = {0};
    jy_store *st = test_db_open_fresh(url, sizeof url);
    static const char *const county[] = {"640522", "640522", "640521", "640402"}; /* 海原县 ×2, 中宁县, 原州区 (another city) */
    jy_person p[4];
    for (int i = 0; i < 4; i++) {
        sample_person(&p[i], county[i], i + 1);
        assert_int_equal(jy_store_person_put(st, &p[i], "admin", NULL, &err), 0);
        jy_person_status s = {.kind = JY_ST_POVERTY_ALLEVIATED};
        assert_int_equal(jy_store_person_status_add(st, p[i].id, &s, "admin", &err), 0);
    }
    jy_org o;
    sample_org(&o, "640521", 1);
    assert_int_equal(jy_store_org_put(st, &o, "admin", NULL, &err), 0);

    assert_int_equal(jy_store_set_scope(st, "6405x", &err), JY_EINVAL);
    assert_int_equal(jy_store_set_scope(st, "640522", &err), 0);
    assert_string_equal(jy_store_scope(st), "640522");
    jy_person got;
    assert_int_equal(jy_store_person_get(st, p[0].id, &got, &err), 0);
    assert_int_equal(jy_store_person_get(st, p[2].id, &got, &err), JY_ENOTFOUND);
    assert_int_equal(jy_store_person_get_by_idcard(st, p[3].idcard, &got, &err), JY_ENOTFOUND);
    int n = 0;
    assert_int_equal(jy_store_person_list(st, NULL, count_person_cb, &n, &err), 0);
    assert_int_equal(n, 2);
    jy_person_filter lim = {.limit = 1};
    n = 0;
    assert_int_equal(jy_store_person_list(st, &lim, count_person_cb, &n, &err), 0);
    assert_int_equal(n, 1);
    jy_store_counts c = counts(st);
    assert_int_equal(c.persons, 2);
    assert_int_equal(c.statuses, 2);
    assert_int_equal(c.orgs, 0);
    assert_int_equal(c.audit_entries, 4);
    groups g = {0};
    assert_int_equal(jy_store_group_counts(st, JY_GROUP_PERSON_STATUS, 20000, group_cb, &g, &err), 0);
    assert_int_equal(g.count, 1);
    assert_string_equal(g.keys[0], "poverty_alleviated");
    assert_int_equal(g.n[0], 2);
    memset(&g, 0, sizeof g);
    assert_int_equal(jy_store_group_counts(st, JY_GROUP_PERSON_TOWNSHIP, 20000, group_cb, &g, &err), 0);
    assert_int_equal(g.count, 1);
    assert_string_equal(g.keys[0], "640522105");
    n = 0;
    assert_int_equal(jy_store_audit_list(st, 0, 0, count_audit_cb, &n, &err), 0);
    assert_int_equal(n, 4);
    /* writes: not outside the scope, not over another county's record */
    jy_person q;
    sample_person(&q, "640521", 50);
    assert_int_equal(jy_store_person_put(st, &q, "county", NULL, &err), JY_ECONFLICT);
    assert_non_null(strstr(err.msg, "640521"));
    q = p[2];
    snprintf(q.county, sizeof q.county, "640522");
    snprintf(q.hukou_division, sizeof q.hukou_division, "640522");
    assert_int_equal(jy_store_person_put(st, &q, "county", NULL, &err), JY_ECONFLICT);
    jy_person_status s = {.kind = JY_ST_DIBAO};
    assert_int_equal(jy_store_person_status_add(st, p[2].id, &s, "county", &err), JY_ENOTFOUND);
    jy_org og;
    assert_int_equal(jy_store_org_get(st, o.id, &og, &err), JY_ENOTFOUND);
    /* in scope: allowed */
    sample_person(&q, "640522", 60);
    assert_int_equal(jy_store_person_put(st, &q, "county", NULL, &err), 0);

    assert_int_equal(jy_store_set_scope(st, "6405", &err), 0); /* the city sees its counties */
    c = counts(st);
    assert_int_equal(c.persons, 4);
    assert_int_equal(c.orgs, 1);
    assert_int_equal(jy_store_set_scope(st, "64", &err), 0);
    assert_int_equal(counts(st).persons, 5);
    assert_int_equal(jy_store_set_scope(st, NULL, &err), 0);
    assert_int_equal(counts(st).persons, 5);
    verify_ok(st, 10);
    jy_store_close(st);
}

static void backup_then_restore_into_a_fresh_database(void **state)
{
    (void)state;
    char url[600], url2[600], file[600];
    jy_err err = {0};
    jy_store *st = test_db_open_fresh(url, sizeof url);
    for (int i = 0; i < 50; i++) {
        jy_person p;
        sample_person(&p, "640522", i);
        assert_int_equal(jy_store_person_put(st, &p, "t", NULL, &err), 0);
    }
    int64_t seq;
    char head[65];
    assert_int_equal(jy_store_audit_head(st, &seq, head, &err), 0);
    snprintf(file, sizeof file, "%s/backup%d.bak", test_db.tmpdir, test_db.n);
    if (jy_store_backup(url, file, &err)) fail_msg("backup: %s", err.msg);
    /* into a fresh database */
    test_db_fresh_url(url2, sizeof url2, test_db.use_pg);
    if (jy_store_restore(url2, file, &err)) fail_msg("restore: %s", err.msg);
    jy_store *r = test_db_open(url2);
    assert_int_equal(counts(r).persons, 50);
    verify_ok(r, 50);
    int64_t seq2;
    char head2[65];
    assert_int_equal(jy_store_audit_head(r, &seq2, head2, &err), 0);
    assert_int_equal(seq2, seq);
    assert_string_equal(head2, head);
    /* writing goes on after the restore: ids and the chain continue */
    jy_person p;
    sample_person(&p, "640522", 500);
    assert_int_equal(jy_store_person_put(r, &p, "t", NULL, &err), 0);
    verify_ok(r, 51);
    jy_store_close(r);
    /* a restore never overwrites a database holding records */
    assert_int_equal(jy_store_restore(url, file, &err), JY_ECONFLICT);
    jy_store_close(st);
}

/* The same changes at the same fixed time give the same chain on both backends. */
static void audit_chain_is_byte_identical_across_backends(void **state)
{
    (void)state;
    if (!test_db.use_pg) skip();
    char url[600], path[600];
    jy_err err = {0};
    setenv("JIUYE_NOW", "2025-06-01T08:00:00.000Z", 1);
    jy_store *pg = test_db_open_fresh(url, sizeof url);
    snprintf(path, sizeof path, "%s/identical.db", test_db.tmpdir);
    unlink(path);
    jy_store *sq = test_db_open(path);
    jy_store *both[2] = {pg, sq};
    char heads[2][65];
    for (int b = 0; b < 2; b++) {
        for (int i = 0; i < 5; i++) {
            jy_person p;
            sample_person(&p, "640522", i);
            assert_int_equal(jy_store_person_put(both[b], &p, "same", NULL, &err), 0);
            jy_person_status s = {.kind = JY_ST_GRADUATE, .since = 19500, .detail = "2023"};
            assert_int_equal(jy_store_person_status_add(both[b], p.id, &s, "same", &err), 0);
        }
        jy_org o;
        sample_org(&o, "640522", 1);
        assert_int_equal(jy_store_org_put(both[b], &o, "same", NULL, &err), 0);
        assert_int_equal(jy_store_audit_append(both[b], "same", "case", 7, "approve", "{\"a\":1}", NULL, &err), 0);
        int64_t seq;
        assert_int_equal(jy_store_audit_head(both[b], &seq, heads[b], &err), 0);
        assert_int_equal(seq, 12);
    }
    assert_string_equal(heads[0], heads[1]);
    unsetenv("JIUYE_NOW");
    jy_store_close(pg);
    jy_store_close(sq);
}

static int setup(void **state)
{
    (void)state;
    if (test_db_setup("storepg")) return -1;
    fprintf(stderr, "store contract on %s\n", test_db.use_pg ? "postgresql" : "sqlite");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return test_db_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(opens_migrates_and_reopens),
        cmocka_unit_test(person_and_org_round_trip_idempotent_and_audited),
        cmocka_unit_test(nested_transactions_roll_back_what_they_did),
        cmocka_unit_test(two_processes_import_the_same_roster_once),
        cmocka_unit_test(many_handles_at_once_like_the_server_pool),
        cmocka_unit_test(county_scope_hides_other_counties),
        cmocka_unit_test(backup_then_restore_into_a_fresh_database),
        cmocka_unit_test(audit_chain_is_byte_identical_across_backends),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
