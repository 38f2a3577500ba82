/* Unit tests of the audit log's compact person image (jy_person_audit_image, store.c) and of
 * bulk mode's background checkpointer (jy_store_bulk, store_sqlite.c):
 * - the image, shown by jy_audit_entry_json, is byte for byte the object jy_person_json writes,
 *   for random persons with every kind of character (quotes, backslashes, control characters,
 *   Chinese, empty fields, no birth date); a text that is not such an image is shown as stored;
 * - person entries store the image (a JSON array), verify, and an edit of one is caught;
 * - in bulk mode committed WAL frames reach the database file while bulk mode is still on
 *   (the checkpointer runs), everything committed is there after bulk mode ends, and a handle
 *   closed in bulk mode stops its checkpointer (the sanitizers see no leak). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "domain/idcard.h"
#include "store/store.h"
#include "store/store_impl.h"
#include "test_db.h"

/* A fresh SQLite database for each test (test_db.h); its path goes to path. */
static jy_store *open_fresh(char *path, size_t n)
{
    return test_db_open_new(path, n, 0);
}

static void make_idcard(char out[19], int seq)
{
    char first[24];
    snprintf(first, sizeof first, "64052219900307%03d", seq % 1000);
    memcpy(out, first, 17);
    out[17] = jy_idcard_check_char(first);
    out[18] = '\0';
}

/* Random text of up to cap-1 bytes drawn from pieces that need escaping and pieces that do not. */
static void random_text(char *dst, size_t cap, unsigned *seed)
{
    static const char *const pieces[] = {"马", "海原县", "a", "Z", "0", " ", "\"", "\\", "\n", "\t", "\x01",
                                         "\x1f", "/", "{", "]", ",", "族", "号"};
    size_t n = 0;
    int k = (int)(rand_r(seed) % 8);
    for (int i = 0; i < k; i++) {
        const char *p = pieces[rand_r(seed) % (sizeof pieces / sizeof *pieces)];
        size_t l = strlen(p);
        if (n + l >= cap) break;
        memcpy(dst + n, p, l);
        n += l;
    }
    dst[n] = '\0';
}

static void random_person(jy_person *p, unsigned *seed)
{
    memset(p, 0, sizeof *p);
    p->id = (int64_t)(rand_r(seed) % 3000000);
    make_idcard(p->idcard, (int)(rand_r(seed) % 1000));
    random_text(p->name, sizeof p->name, seed);
    p->sex = rand_r(seed) % 3 == 0 ? 0 : rand_r(seed) % 2 ? 'M' : 'F';
    p->birth = rand_r(seed) % 4 == 0 ? 0 : (jy_date)(rand_r(seed) % 30000);
    random_text(p->ethnicity, sizeof p->ethnicity, seed);
    random_text(p->education, sizeof p->education, seed);
    snprintf(p->hukou_division, sizeof p->hukou_division, "%s", rand_r(seed) % 2 ? "640522105" : "");
    p->hukou_kind = (int)(rand_r(seed) % 3);
    snprintf(p->county, sizeof p->county, "640522");
    random_text(p->phone, sizeof p->phone, seed);
    random_text(p->address, sizeof p->address, seed);
}

/* jy_audit_entry_json of a person entry whose after is `after`. */
static void entry_json(jy_sb *sb, int64_t id, const char *before, const char *after)
{
    jy_audit_entry e;
    memset(&e, 0, sizeof e);
    e.seq = 9;
    snprintf(e.at, sizeof e.at, "2025-06-01T08:00:00.000Z");
    snprintf(e.county, sizeof e.county, "640522");
    snprintf(e.actor, sizeof e.actor, "t");
    snprintf(e.entity, sizeof e.entity, "person");
    e.entity_id = id;
    snprintf(e.action, sizeof e.action, "update");
    e.before_json = before;
    e.after_json = after;
    snprintf(e.prev_hash, sizeof e.prev_hash, "%s", jy_store_genesis_hash);
    snprintf(e.hash, sizeof e.hash, "%s", jy_store_genesis_hash);
    jy_sb_reset(sb);
    jy_audit_entry_json(sb, &e);
}

static void image_shows_as_person_json(void **state)
{
    (void)state;
    unsigned seed = 20261129;
    jy_sb img = JY_SB_INIT, full = JY_SB_INIT, a = JY_SB_INIT, b = JY_SB_INIT;
    for (int i = 0; i < 20000; i++) {
        jy_person p;
        random_person(&p, &seed);
        jy_sb_reset(&img);
        jy_sb_reset(&full);
        jy_person_audit_image(&img, &p);
        jy_person_json(&full, &p);
        assert_int_equal(jy_sb_cstr(&img)[0], '[');
        entry_json(&a, p.id, jy_sb_cstr(&img), jy_sb_cstr(&img)); /* expanded */
        entry_json(&b, p.id, jy_sb_cstr(&full), jy_sb_cstr(&full)); /* embedded as stored */
        if (strcmp(jy_sb_cstr(&a), jy_sb_cstr(&b)) != 0)
            fail_msg("person %d: image %s shows as\n%s\nwant\n%s", i, jy_sb_cstr(&img), jy_sb_cstr(&a), jy_sb_cstr(&b));
    }
    /* a typical roster person: the image is much shorter than the object */
    jy_person p;
    memset(&p, 0, sizeof p);
    p.id = 123456;
    make_idcard(p.idcard, 11);
    snprintf(p.name, sizeof p.name, "马小明");
    p.sex = 'M';
    p.birth = jy_date_from_ymd(1990, 3, 7);
    snprintf(p.ethnicity, sizeof p.ethnicity, "回族");
    snprintf(p.education, sizeof p.education, "初中");
    snprintf(p.hukou_division, sizeof p.hukou_division, "640522105");
    p.hukou_kind = JY_HUKOU_RURAL;
    snprintf(p.county, sizeof p.county, "640522");
    snprintf(p.phone, sizeof p.phone, "13995512345");
    snprintf(p.address, sizeof p.address, "海原县七营镇张堡村12号");
    jy_sb_reset(&img);
    jy_sb_reset(&full);
    jy_person_audit_image(&img, &p);
    jy_person_json(&full, &p);
    char want[400];
    snprintf(want, sizeof want, "[\"%s\",\"马小明\",\"M\",\"1990-03-07\",\"回族\",\"初中\",\"640522105\",\"rural\","
             "\"640522\",\"13995512345\",\"海原县七营镇张堡村12号\"]", p.idcard);
    assert_string_equal(jy_sb_cstr(&img), want);
    assert_true(img.len + 120 < full.len);
    jy_sb_free(&img);
    jy_sb_free(&full);
    jy_sb_free(&a);
    jy_sb_free(&b);
}

static void other_text_shows_as_stored(void **state)
{
    (void)state;
    static const char *const odd[] = {"[]", "[\"a\"]", "[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\",\"i\",\"j\"]",
                                      "[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\",\"i\",\"j\",\"k\",\"l\"]",
                                      "[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\",\"i\",\"j\",\"k\"] ",
                                      "[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\",\"i\",\"j\",\"k\\",
                                      "[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\",\"i\",\"j\",1]", "{\"x\":1}"};
    jy_sb sb = JY_SB_INIT;
    for (size_t i = 0; i < sizeof odd / sizeof *odd; i++) {
        entry_json(&sb, 5, NULL, odd[i]);
        char want[300];
        snprintf(want, sizeof want, "\"before\":null,\"after\":%s,\"prev_hash\"", odd[i]);
        if (!strstr(jy_sb_cstr(&sb), want)) fail_msg("%s: shown as %s", odd[i], jy_sb_cstr(&sb));
    }
    /* eleven strings: expanded, with the entry's id */
    entry_json(&sb, 5, NULL, "[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\",\"i\",\"j\",\"k\\\"\"]");
    assert_non_null(strstr(jy_sb_cstr(&sb), "\"after\":{\"id\":5,\"idcard\":\"a\",\"name\":\"b\",\"sex\":\"c\","
                                            "\"birth\":\"d\",\"ethnicity\":\"e\",\"education\":\"f\",\"hukou_division\":\"g\","
                                            "\"hukou_kind\":\"h\",\"county\":\"i\",\"phone\":\"j\",\"address\":\"k\\\"\"}"));
    jy_sb_free(&sb);
}

typedef struct seen {
    int n;
    char after[8][512], before[8][512];
} seen;

static int collect(void *ctx, const jy_audit_entry *e)
{
    seen *s = ctx;
    if (s->n < 8) {
        snprintf(s->after[s->n], sizeof s->after[0], "%s", e->after_json ? e->after_json : "");
        snprintf(s->before[s->n], sizeof s->before[0], "%s", e->before_json ? e->before_json : "");
    }
    s->n++;
    return 0;
}

static void person_entries_store_the_image(void **state)
{
    (void)state;
    char path[600];
    jy_err err = {0};
    jy_store *st = open_fresh(path, sizeof path);
    jy_person p;
    memset(&p, 0, sizeof p);
    make_idcard(p.idcard, 21);
    snprintf(p.name, sizeof p.name, "田\"引号\"");
    snprintf(p.phone, sizeof p.phone, "13995512345");
    int result;
    assert_int_equal(jy_store_person_put(st, &p, "t", &result, &err), 0);
    assert_int_equal(result, JY_PUT_CREATED);
    snprintf(p.phone, sizeof p.phone, "18009551234");
    assert_int_equal(jy_store_person_put(st, &p, "t", &result, &err), 0);
    assert_int_equal(result, JY_PUT_UPDATED);
    seen s = {0};
    assert_int_equal(jy_store_audit_list(st, 0, 0, collect, &s, &err), 0);
    assert_int_equal(s.n, 2);
    assert_string_equal(s.before[0], "");
    char want[400];
    snprintf(want, sizeof want, "[\"%s\",\"田\\\"引号\\\"\",\"M\",\"1990-03-07\",\"\",\"\",\"\",\"\",\"640522\","
             "\"13995512345\",\"\"]", p.idcard);
    assert_string_equal(s.after[0], want);
    assert_non_null(strstr(s.before[1], "\"13995512345\""));
    assert_non_null(strstr(s.after[1], "\"18009551234\""));
    int64_t n = 0;
    assert_int_equal(jy_store_audit_verify(st, &n, &err), 0);
    assert_int_equal(n, 2);
    jy_store_close(st);

    /* an edit of the stored image is caught */
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET after_json = "
                                      "replace(after_json, '18009551234', '18009550000') WHERE seq = 2",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(jy_store_open(path, &st, &err), 0);
    assert_int_equal(jy_store_audit_verify(st, &n, &err), JY_ETAMPER);
    assert_non_null(strstr(err.msg, "entry 2: content does not match its hash"));
    jy_store_close(st);
}

static off_t file_size(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? sb.st_size : -1;
}

static void bulk_checkpoints_in_the_background(void **state)
{
    (void)state;
    char path[600];
    jy_err err = {0};
    jy_store *st = open_fresh(path, sizeof path);
    off_t start = file_size(path);
    assert_int_equal(jy_store_bulk(st, 1, &err), 0);
    assert_int_equal(jy_store_bulk(st, 1, &err), 0); /* on twice: still one checkpointer */
    /* ~12 MB of entries in three commits: over the 1,000-frame threshold */
    size_t big = 100000;
    char *after = malloc(big + 16);
    assert_non_null(after);
    for (int c = 0; c < 3; c++) {
        assert_int_equal(jy_store_begin(st, &err), 0);
        for (int i = 0; i < 40; i++) {
            int k = snprintf(after, 16, "{\"n\":\"%d", c * 100 + i);
            memset(after + k, 'x', big);
            memcpy(after + k + big, "\"}", 3);
            assert_int_equal(jy_store_audit_append(st, "t", "blob", c * 100 + i, "create", NULL, after, &err), 0);
        }
        assert_int_equal(jy_store_commit(st, &err), 0);
    }
    free(after);
    /* the checkpointer copies the frames into the database file while bulk mode is on */
    off_t grown = start;
    for (int wait = 0; wait < 200 && grown < 10000000; wait++) {
        struct timespec ts = {0, 50 * 1000 * 1000};
        nanosleep(&ts, NULL);
        grown = file_size(path);
    }
    if (grown < 10000000) fail_msg("database file %lld bytes after 10 s in bulk mode: no background checkpoint", (long long)grown);
    assert_int_equal(jy_store_bulk(st, 0, &err), 0);
    jy_store_counts c;
    assert_int_equal(jy_store_counts_get(st, &c, &err), 0);
    assert_int_equal(c.audit_entries, 120);
    int64_t n = 0;
    assert_int_equal(jy_store_audit_verify(st, &n, &err), 0);
    assert_int_equal(n, 120);
    /* bulk mode again, then closed without leaving it: the checkpointer stops with the handle */
    assert_int_equal(jy_store_bulk(st, 1, &err), 0);
    assert_int_equal(jy_store_audit_append(st, "t", "blob", 999, "create", NULL, "{}", &err), 0);
    jy_store_close(st);
    assert_int_equal(jy_store_open(path, &st, &err), 0);
    assert_int_equal(jy_store_counts_get(st, &c, &err), 0);
    assert_int_equal(c.audit_entries, 121);
    jy_store_close(st);
}

static int setup(void **state)
{
    (void)state;
    return test_db_setup("auditimage");
}

static int teardown(void **state)
{
    (void)state;
    return test_db_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(image_shows_as_person_json),
        cmocka_unit_test(other_text_shows_as_stored),
        cmocka_unit_test(person_entries_store_the_image),
        cmocka_unit_test(bulk_checkpoints_in_the_background),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
