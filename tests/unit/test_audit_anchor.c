/* Unit tests of the audit chain's anchors (issue 10 items 14 and 15; audit_anchor.c,
 * docs/audit.md) on the backend under test, through store.h only:
 *  - the keyed chain: entries written with a key carry a MAC that verify checks, also for puts
 *    buffered inside a transaction (PostgreSQL's bulk path); a writer without the key after
 *    keyed entries, and a different key, are named; --keyed-from;
 *  - on PostgreSQL, the same changes with the same key at the same time give the same hashes
 *    and MACs as on SQLite (the MAC is outside the hash: the chain stays byte-identical);
 *  - checkpoint files: appended and checked, malformed ones refused naming the line, a
 *    checkpoint the log no longer reaches or holds differently is a finding;
 *  - expected heads;
 *  - files made by the library are 0600 whatever the process umask (the CLI also sets 077). */
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

#include "base/file.h"
#include "domain/idcard.h"
#include "service/report.h"
#include "store/store.h"
#include "test_db.h"

static void sample_person(jy_person *p, int seq)
{
    memset(p, 0, sizeof *p);
    char first[24];
    snprintf(first, sizeof first, "640522198%01d0307%03d", seq / 1000 % 10, seq % 1000);
    memcpy(p->idcard, first, 17);
    p->idcard[17] = jy_idcard_check_char(first);
    snprintf(p->name, sizeof p->name, "马小军%d", seq);
    snprintf(p->hukou_division, sizeof p->hukou_division, "640522105");
    p->hukou_kind = JY_HUKOU_RURAL;
}

static void put_persons(jy_store *st, int from, int n, int in_one_transaction)
{
    jy_err err = {0};
    if (in_one_transaction && jy_store_begin(st, &err)) fail_msg("begin: %s", err.msg);
    for (int i = from; i < from + n; i++) {
        jy_person p;
        sample_person(&p, i);
        if (jy_store_person_put(st, &p, "tester", NULL, &err)) fail_msg("put %d: %s", i, err.msg);
    }
    if (in_one_transaction && jy_store_commit(st, &err)) fail_msg("commit: %s", err.msg);
}

static void path_in_tmp(char *buf, size_t n, const char *name)
{
    snprintf(buf, n, "%s/%s", test_db.tmpdir, name);
    unlink(buf);
}

static void keygen(char *path, size_t n, const char *name)
{
    jy_err err = {0};
    char id[17];
    path_in_tmp(path, n, name);
    if (jy_audit_keygen(path, id, &err)) fail_msg("keygen: %s", err.msg);
    assert_int_equal(strlen(id), 16);
}

static int mode_of(const char *path)
{
    struct stat sb;
    if (stat(path, &sb) != 0) fail_msg("%s was not created", path);
    return (int)(sb.st_mode & 0777);
}

/* ---------------------------------------------------------------- the keyed chain */

static int count_macs(void *ctx, const jy_audit_entry *e)
{
    int *n = ctx;
    if (e->mac[0]) {
        assert_int_equal(strlen(e->mac), 64);
        n[0]++;
    } else {
        n[1]++;
    }
    return 0;
}

static void keyed_chain_is_verified_and_names_gaps(void **state)
{
    (void)state;
    char url[600], key[600], other[600];
    jy_err err = {0};
    keygen(key, sizeof key, "k1.key");
    keygen(other, sizeof other, "k2.key");
    jy_store *st = test_db_open_fresh(url, sizeof url);
    put_persons(st, 1, 3, 0); /* entries 1-3 unkeyed */
    char id[17];
    assert_int_equal(jy_store_audit_keyed(st, id), 0);
    assert_string_equal(id, "");
    assert_int_equal(jy_store_set_audit_key_file(st, key, id, &err), 0);
    assert_int_equal(jy_store_audit_keyed(st, NULL), 1);
    put_persons(st, 4, 40, 1); /* entries 4-43, in one transaction: the buffered path */
    put_persons(st, 44, 2, 0); /* 44-45, one transaction each */
    assert_int_equal(jy_store_audit_append(st, "tester", "case", 9, "approve", "{\"a\":1}", NULL, &err), 0);
    int n[2] = {0, 0};
    assert_int_equal(jy_store_audit_list(st, 0, 0, count_macs, n, &err), 0);
    assert_int_equal(n[0], 43);
    assert_int_equal(n[1], 3);

    jy_audit_verify_result r;
    jy_audit_verify_opts o = {.keyed_from = 4};
    assert_int_equal(jy_store_audit_verify_ex(st, &o, &r, &err), 0);
    assert_int_equal(r.checked, 46);
    assert_int_equal(r.keyed, 1);
    assert_int_equal(r.macs, 43);
    assert_int_equal(r.unkeyed, 3);
    /* the default: every entry must carry one */
    assert_int_equal(jy_store_audit_verify_ex(st, NULL, &r, &err), JY_ETAMPER);
    assert_non_null(strstr(err.msg, "entry 1: has no MAC"));
    /* another key */
    assert_int_equal(jy_store_set_audit_key_file(st, other, NULL, &err), 0);
    assert_int_equal(jy_store_audit_verify_ex(st, &o, &r, &err), JY_ETAMPER);
    assert_non_null(strstr(err.msg, "entry 4: its MAC does not match"));
    assert_int_equal(r.checked, 3);
    /* a writer without the key after keyed entries */
    assert_int_equal(jy_store_set_audit_key_file(st, NULL, NULL, &err), 0);
    put_persons(st, 50, 1, 0); /* entry 47 */
    int64_t checked = 0;
    assert_int_equal(jy_store_audit_verify(st, &checked, &err), 0); /* without a key: the bare chain */
    assert_int_equal(checked, 47);
    assert_int_equal(jy_store_set_audit_key_file(st, key, NULL, &err), 0);
    assert_int_equal(jy_store_audit_verify_ex(st, &o, &r, &err), JY_ETAMPER);
    assert_non_null(strstr(err.msg, "entry 47: has no MAC"));
    assert_int_equal(r.checked, 46);
    jy_store_close(st);

    /* key files others may read are refused; so is junk */
    chmod(key, 0640);
    st = test_db_open(url);
    assert_int_equal(jy_store_set_audit_key_file(st, key, NULL, &err), JY_EINVAL);
    assert_non_null(strstr(err.msg, "may be read by others (mode 0640)"));
    assert_int_equal(jy_store_audit_keyed(st, NULL), 0);
    chmod(key, 0600);
    /* keygen never overwrites */
    assert_int_equal(jy_audit_keygen(key, id, &err), JY_ECONFLICT);
    jy_store_close(st);
}

/* On PostgreSQL: the same changes with the same key at the same time give the same hashes and
 * MACs as on SQLite. */
typedef struct chain_copy {
    char hash[64][65], mac[64][65];
    int n;
} chain_copy;

static int copy_entry(void *ctx, const jy_audit_entry *e)
{
    chain_copy *c = ctx;
    if (c->n < 64) {
        memcpy(c->hash[c->n], e->hash, 65);
        memcpy(c->mac[c->n], e->mac, 65);
        c->n++;
    }
    return 0;
}

static void keyed_chain_is_byte_identical_across_backends(void **state)
{
    (void)state;
    if (!test_db.use_pg) skip();
    char url[600], path[600], key[600];
    jy_err err = {0};
    keygen(key, sizeof key, "same.key");
    setenv("JIUYE_NOW", "2025-06-01T08:00:00.000Z", 1);
    setenv(JY_AUDIT_KEY_ENV, key, 1);
    jy_store *pg = test_db_open_fresh(url, sizeof url);
    path_in_tmp(path, sizeof path, "same.db");
    jy_store *sq = test_db_open(path);
    unsetenv(JY_AUDIT_KEY_ENV);
    jy_store *both[2] = {pg, sq};
    static chain_copy copies[2];
    for (int b = 0; b < 2; b++) {
        assert_int_equal(jy_store_audit_keyed(both[b], NULL), 1);
        put_persons(both[b], 1, 20, 1);
        put_persons(both[b], 21, 3, 0);
        assert_int_equal(jy_store_audit_append(both[b], "same", "case", 7, "approve", "{\"a\":1}", NULL, &err), 0);
        copies[b].n = 0;
        assert_int_equal(jy_store_audit_list(both[b], 0, 0, copy_entry, &copies[b], &err), 0);
        assert_int_equal(copies[b].n, 24);
    }
    for (int i = 0; i < 24; i++) {
        assert_string_equal(copies[0].hash[i], copies[1].hash[i]);
        assert_string_equal(copies[0].mac[i], copies[1].mac[i]);
        assert_int_equal(strlen(copies[0].mac[i]), 64);
    }
    unsetenv("JIUYE_NOW");
    jy_store_close(pg);
    jy_store_close(sq);
}

/* ---------------------------------------------------------------- checkpoints and heads */

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f) fail_msg("cannot write %s", path);
    fputs(text, f);
    fclose(f);
}

static void checkpoints_and_expected_heads(void **state)
{
    (void)state;
    char url[600], cp[600], bad[600];
    jy_err err = {0};
    jy_store *st = test_db_open_fresh(url, sizeof url);
    path_in_tmp(cp, sizeof cp, "cp.jsonl");
    jy_audit_verify_result r;
    char at[32];
    /* the empty log can be checkpointed (entry 0, the genesis hash) */
    assert_int_equal(jy_store_audit_checkpoint(st, cp, NULL, &r, at, &err), 0);
    assert_int_equal(r.head_seq, 0);
    put_persons(st, 1, 5, 0);
    assert_int_equal(jy_store_audit_checkpoint(st, cp, NULL, &r, at, &err), 0);
    assert_int_equal(r.head_seq, 5);
    assert_int_equal(r.checkpoints, 1);
    char h5[65];
    memcpy(h5, r.head, 65);
    put_persons(st, 6, 2, 0);
    jy_audit_verify_opts o = {.checkpoints = cp};
    assert_int_equal(jy_store_audit_verify_ex(st, &o, &r, &err), 0);
    assert_int_equal(r.checkpoints, 2);
    assert_int_equal(r.head_seq, 7);

    /* expected heads */
    jy_audit_verify_opts e = {.expect_hash = h5};
    assert_int_equal(jy_store_audit_verify_ex(st, &e, &r, &err), 0);
    assert_int_equal(r.expect_seq, 5);
    e.expect_seq = 5;
    assert_int_equal(jy_store_audit_verify_ex(st, &e, &r, &err), 0);
    e.expect_seq = 4;
    assert_int_equal(jy_store_audit_verify_ex(st, &e, &r, &err), JY_ETAMPER);
    assert_non_null(strstr(err.msg, "entry 4: its hash"));
    e.expect_seq = 9;
    assert_int_equal(jy_store_audit_verify_ex(st, &e, &r, &err), JY_ETAMPER);
    assert_non_null(strstr(err.msg, "the expected head, entry 9"));
    assert_non_null(strstr(err.msg, "entries 8 to 9 deleted"));
    e.expect_seq = 0;
    e.expect_hash = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    assert_int_equal(jy_store_audit_verify_ex(st, &e, &r, &err), JY_ETAMPER);
    assert_non_null(strstr(err.msg, "is not in the log, which ends at entry 7"));
    e.expect_hash = "not hex";
    assert_int_equal(jy_store_audit_verify_ex(st, &e, &r, &err), JY_EUSAGE);

    /* checkpoints the log no longer holds as recorded */
    char text[512];
    path_in_tmp(bad, sizeof bad, "ahead.jsonl");
    snprintf(text, sizeof text, "{\"at\":\"2025-01-01T00:00:00.000Z\",\"seq\":9,\"hash\":\"%s\"}\n", h5);
    write_file(bad, text);
    o.checkpoints = bad;
    assert_int_equal(jy_store_audit_verify_ex(st, &o, &r, &err), JY_ETAMPER);
    assert_non_null(strstr(err.msg, "the log has shrunk"));
    assert_non_null(strstr(err.msg, "line 1) recorded entry 9"));
    assert_non_null(strstr(err.msg, "entries 8 to 9 deleted"));
    /* the same refusal from a checkpoint, which then appends nothing */
    assert_int_equal(jy_store_audit_checkpoint(st, bad, NULL, &r, at, &err), JY_ETAMPER);
    struct stat sb;
    assert_int_equal(stat(bad, &sb), 0);
    assert_int_equal((long)sb.st_size, (long)strlen(text));
    snprintf(text, sizeof text, "\n{\"at\":\"x\",\"seq\":4,\"hash\":\"%s\"}\n", h5);
    write_file(bad, text);
    assert_int_equal(jy_store_audit_verify_ex(st, &o, &r, &err), JY_ETAMPER);
    assert_non_null(strstr(err.msg, "entry 4: its hash"));
    assert_non_null(strstr(err.msg, "line 2: "));
    /* malformed files */
    write_file(bad, "{\"seq\":1}\n");
    assert_int_equal(jy_store_audit_verify_ex(st, &o, &r, &err), JY_EINVAL);
    assert_non_null(strstr(err.msg, "line 1: not a checkpoint"));
    snprintf(text, sizeof text, "{\"seq\":1,\"hash\":\"%s\"}", h5);
    write_file(bad, text); /* no newline: an interrupted write */
    assert_int_equal(jy_store_audit_verify_ex(st, &o, &r, &err), JY_EINVAL);
    assert_non_null(strstr(err.msg, "incomplete"));
    snprintf(text, sizeof text, "{\"seq\":0,\"hash\":\"%s\"}\n", h5);
    write_file(bad, text);
    assert_int_equal(jy_store_audit_verify_ex(st, &o, &r, &err), JY_EINVAL);
    assert_non_null(strstr(err.msg, "genesis"));
    o.checkpoints = "/nonexistent/cp.jsonl";
    assert_int_equal(jy_store_audit_verify_ex(st, &o, &r, &err), JY_EIO);
    jy_store_close(st);
}

/* ---------------------------------------------------------------- 0600 */

static void files_are_owner_only_whatever_the_umask(void **state)
{
    (void)state;
    mode_t old = umask(022);
    char path[600], url[600];
    jy_err err = {0};

    path_in_tmp(path, sizeof path, "private.txt");
    FILE *f = jy_fopen_private(path, "w");
    assert_non_null(f);
    fputs("x\n", f);
    fclose(f);
    assert_int_equal(mode_of(path), 0600);
    chmod(path, 0644);
    f = jy_fopen_private(path, "a");
    assert_non_null(f);
    fclose(f);
    assert_int_equal(mode_of(path), 0600);
    chmod(path, 0644);
    assert_int_equal(jy_file_make_private(path), 0);
    assert_int_equal(mode_of(path), 0600);
    assert_null(jy_fopen_private(path, "r"));

    jy_store *st = test_db_open_fresh(url, sizeof url);
    if (!test_db.use_pg) assert_int_equal(mode_of(url), 0600);
    put_persons(st, 1, 2, 0);
    path_in_tmp(path, sizeof path, "backup.bak");
    if (jy_store_backup(url, path, &err)) fail_msg("backup: %s", err.msg);
    assert_int_equal(mode_of(path), 0600);
    jy_audit_verify_result r;
    char at[32];
    path_in_tmp(path, sizeof path, "cp.jsonl");
    assert_int_equal(jy_store_audit_checkpoint(st, path, NULL, &r, at, &err), 0);
    assert_int_equal(mode_of(path), 0600);
    jy_store_close(st);
    keygen(path, sizeof path, "mode.key");
    assert_int_equal(mode_of(path), 0600);

    jy_report *rep = jy_report_new("t", "测试", "");
    jy_report_col_add(rep, "a", "甲", 10);
    path_in_tmp(path, sizeof path, "r.xlsx");
    int rc = jy_report_xlsx(rep, path, &err);
    if (rc != JY_ENODATA) { /* built without libxlsxwriter */
        assert_int_equal(rc, 0);
        assert_int_equal(mode_of(path), 0600);
    }
    jy_report_free(rep);
    umask(old);
}

static int setup(void **state)
{
    (void)state;
    unsetenv(JY_AUDIT_KEY_ENV);
    return test_db_setup("anchor");
}

static int teardown(void **state)
{
    (void)state;
    return test_db_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(keyed_chain_is_verified_and_names_gaps),
        cmocka_unit_test(keyed_chain_is_byte_identical_across_backends),
        cmocka_unit_test(checkpoints_and_expected_heads),
        cmocka_unit_test(files_are_owner_only_whatever_the_umask),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
