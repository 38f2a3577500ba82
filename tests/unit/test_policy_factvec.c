/* Fact vectors (jy_policy_factvec_make / _read, src/policy/reader.c; issue 14 item 4, the budget
 * simulation's stored reading of a case's facts, migration 15):
 *  - a vector read back gives exactly what jy_policy_reader_parse_parts gives on the same parts
 *    (programme, date, facts present, values, unrecognised name), on plain facts, on facts the
 *    fast reading leaves to the reference reader (escapes), on random facts;
 *  - parts the reader refuses (unknown fact, bad JSON) have no vector;
 *  - a vector is refused — never used — when anything it was made under differs: the date, the
 *    programme, the rule set (another content hash), the inputs list; and
 *    when it is damaged (cut, lengthened, any one bit flipped anywhere, a fact index past the
 *    catalogue, a fact twice, a value running past the end);
 *  - a rule set without a content hash (compiled from text) makes no vectors;
 *  - the facts are not checked by the read (the store keeps a vector its row's: migration 15's
 *    trigger, tests/cli/policy_simulate_factvec.sh): facts read differently give another vector. */
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

#include "base/sb.h"
#include "policy/policy.h"

/* policy/internal.h (which cannot be included beside unistd.h: R_OK) */
int jp_load_text(const char *name, const char *src, size_t len, jy_policy **out, jy_err *err);

#include "policy_reader_fixture.h"

static const char *const INPUTS[] = {"start", "end", "site", "teachers", NULL};
static const char *const INPUTS2[] = {"start", "end", "site", NULL};

static jy_date D(const char *s)
{
    jy_date d = 0;
    assert_int_equal(jy_date_parse(s, &d, NULL), 0);
    return d;
}

static int vread(jy_policy_reader *r, const jy_sb *v, const char *prog, jy_date d, const char *facts,
                 const char *const *inputs, jy_policy_case *c)
{
    (void)facts; /* the vector is not checked against the facts: the store keeps it theirs (migration 15) */
    return jy_policy_factvec_read(r, v->buf, v->len, prog, strlen(prog), d, inputs, c);
}

/* The vector of (prog, d, facts) read back equals the reader's reading; returns the vector. */
static void roundtrip(const char *prog, jy_date d, const char *facts, jy_sb *v)
{
    static jy_policy_case want, got;
    jy_err e;
    assert_int_equal(jy_policy_reader_parse_parts(rd, prog, strlen(prog), d, facts, strlen(facts), INPUTS, &want, &e), 0);
    assert_int_equal(jy_policy_factvec_make(rd, prog, strlen(prog), d, facts, strlen(facts), INPUTS, v), 0);
    assert_true(v->len > 0 && v->len <= JY_FACTVEC_MAX);
    memset(&got, 0xA5, sizeof got); /* whatever was in the slot before */
    assert_int_equal(vread(rd, v, prog, d, facts, INPUTS, &got), 0);
    same(&want, &got, facts);
}

static const char *const P1 =
    "{\"route\":\"institution\",\"certificate\":\"level5\",\"exam\":\"pass\",\"occupation\":\"中式烹调师\",\"level\":5,"
    "\"class_size\":30,\"hours_total\":120,\"hours_practical\":95,\"start\":\"2024-01-10\",\"end\":\"2024-02-10\","
    "\"statuses\":[\"employer_insured\"],\"hukou_division\":\"640522103\",\"hukou_ningxia\":true,\"hukou_urban\":false,"
    "\"age\":37,\"prior_trainings\":[{\"occupation\":\"中式烹调\",\"level\":\"五级\",\"date\":\"2023-05-01\"}],"
    "\"key_group\":true}";

static void same_reading(void **state)
{
    (void)state;
    jy_sb v = JY_SB_INIT;
    jy_date d = D("2024-03-15");
    roundtrip("P1", d, P1, &v);
    roundtrip("P2", d, P1, &v);
    roundtrip("P23", D("2023-12-31"), "{\"route\":\"institution\",\"certificate\":\"training_pass\",\"target_group\":\"veteran\"}", &v);
    roundtrip("P13", d, "{}", &v);
    roundtrip("P1", d, "{\"occupation\":\"一个不认识的工种\",\"level\":4}", &v); /* the name kept */
    roundtrip("P1", d, "{\"occupation\":\"\\u4e2d\\u5f0f\\u70f9\\u8c03\\u5e08\",\"level\":5}", &v); /* the reference reads it */
    /* random facts of the bench's shape */
    uint64_t x = 88172645463325252ull;
    for (int i = 0; i < 500; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        char f[512];
        snprintf(f, sizeof f,
                 "{\"certificate\":\"%s\",\"occupation\":\"%s\",\"class_size\":%u,\"hours_total\":%u,"
                 "\"age\":%u,\"hukou_urban\":%s,\"statuses\":%s}",
                 (const char *[]){"level5", "level4", "training_pass", "special_operation"}[x % 4],
                 (const char *[]){"中式烹调师", "育婴员", "电工", "焊工", "无名工种"}[(x >> 8) % 5], (unsigned)(x >> 16) % 60,
                 (unsigned)(x >> 24) % 300, 16 + (unsigned)(x >> 32) % 50, (x >> 40) & 1 ? "true" : "false",
                 (x >> 41) & 1 ? "[\"retired\"]" : "[]");
        roundtrip((const char *[]){"P1", "P2", "P23"}[(x >> 44) % 3], d + (jy_date)((x >> 48) % 700) - 350, f, &v);
    }
    jy_sb_free(&v);
}

static void none_when_unreadable(void **state)
{
    (void)state;
    jy_sb v = JY_SB_INIT;
    jy_date d = D("2024-03-15");
    assert_int_equal(jy_policy_factvec_make(rd, "P1", 2, d, "{\"agee\":3}", 10, INPUTS, &v), -1);
    assert_int_equal((int)v.len, 0);
    assert_int_equal(jy_policy_factvec_make(rd, "P1", 2, d, "{\"age\":", 7, INPUTS, &v), -1);
    assert_int_equal(jy_policy_factvec_make(rd, "P99", 3, d, "{}", 2, INPUTS, &v), -1);
    jy_sb_free(&v);
}

static void refused_when_anything_differs(void **state)
{
    (void)state;
    static jy_policy_case c;
    jy_sb v = JY_SB_INIT, w = JY_SB_INIT;
    jy_date d = D("2024-03-15");
    roundtrip("P1", d, P1, &v);
    /* the facts changed by one byte (age 37 → 38): the vector of those facts is another one (so
     * the application's update writes a new vector with them, and migration 15's trigger, which
     * clears a vector left unchanged by a facts change, never clears a good one for this); a
     * trailing space reads the same, so its vector is the same bytes */
    char f[1024];
    snprintf(f, sizeof f, "%s", P1);
    char *a = strstr(f, "\"age\":37");
    assert_non_null(a);
    a[7] = '8';
    assert_int_equal(jy_policy_factvec_make(rd, "P1", 2, d, f, strlen(f), INPUTS, &w), 0);
    assert_true(w.len != v.len || memcmp(w.buf, v.buf, v.len) != 0);
    snprintf(f, sizeof f, "%s ", P1);
    assert_int_equal(jy_policy_factvec_make(rd, "P1", 2, d, f, strlen(f), INPUTS, &w), 0);
    assert_true(w.len == v.len && memcmp(w.buf, v.buf, v.len) == 0);
    /* another date, another programme, another inputs list */
    assert_int_equal(vread(rd, &v, "P1", d + 1, P1, INPUTS, &c), -1);
    assert_int_equal(vread(rd, &v, "P2", d, P1, INPUTS, &c), -1);
    assert_int_equal(vread(rd, &v, "P1", 0, P1, INPUTS, &c), -1);
    assert_int_equal(vread(rd, &v, "P1", d, P1, INPUTS2, &c), -1);
    assert_int_equal(vread(rd, &v, "P1", d, P1, INPUTS, &c), 0); /* and the same parts still read */
    /* damaged: cut, lengthened, each byte of the head flipped, a fact index past the catalogue,
     * a fact twice */
    assert_int_equal(jy_policy_factvec_read(rd, v.buf, v.len - 1, "P1", 2, d, INPUTS, &c), -1);
    assert_int_equal(jy_policy_factvec_read(rd, v.buf, 10, "P1", 2, d, INPUTS, &c), -1);
    assert_int_equal(jy_policy_factvec_read(rd, NULL, 0, "P1", 2, d, INPUTS, &c), -1);
    jy_sb_reset(&w);
    jy_sb_appendn(&w, v.buf, v.len);
    jy_sb_appendc(&w, 0);
    assert_int_equal(vread(rd, &w, "P1", d, P1, INPUTS, &c), -1);
    for (size_t i = 0; i < 27; i++) {
        jy_sb_reset(&w);
        jy_sb_appendn(&w, v.buf, v.len);
        w.buf[i] ^= 0x10;
        assert_int_equal(vread(rd, &w, "P1", d, P1, INPUTS, &c), -1);
    }
    size_t first = 27 + (unsigned char)v.buf[26]; /* the first fact's index byte */
    jy_sb_reset(&w);
    jy_sb_appendn(&w, v.buf, v.len);
    w.buf[first] = (char)0xff;
    assert_int_equal(vread(rd, &w, "P1", d, P1, INPUTS, &c), -1);
    size_t second = first + 1;
    while ((unsigned char)v.buf[second] & 0x80) second++; /* past the first value (LEB128) */
    second++;
    jy_sb_reset(&w);
    jy_sb_appendn(&w, v.buf, v.len);
    w.buf[second] = w.buf[first];
    assert_int_equal(vread(rd, &w, "P1", d, P1, INPUTS, &c), -1);
    /* one bit of the last value, and of the name's length */
    for (size_t i = 24; i < v.len; i++) {
        jy_sb_reset(&w);
        jy_sb_appendn(&w, v.buf, v.len);
        w.buf[i] ^= 0x01;
        assert_int_equal(vread(rd, &w, "P1", d, P1, INPUTS, &c), -1);
    }
    /* a value's last byte marked as continued: the value runs into the next fact, the count is off */
    jy_sb_reset(&w);
    jy_sb_appendn(&w, v.buf, v.len);
    w.buf[v.len - 1] = (char)((unsigned char)w.buf[v.len - 1] | 0x80);
    assert_int_equal(vread(rd, &w, "P1", d, P1, INPUTS, &c), -1);
    jy_sb_free(&v);
    jy_sb_free(&w);
}

/* A copy of the rules with one comment added: another content hash, so another key. */
static void refused_under_other_rules(void **state)
{
    (void)state;
    static jy_policy_case c;
    jy_sb v = JY_SB_INIT;
    jy_date d = D("2024-03-15");
    roundtrip("P1", d, P1, &v);
    const char *tmp = getenv("JY_TEST_TMP");
    char copy[1024], cmd[8192];
    snprintf(copy, sizeof copy, "%s/factvec-policy.%d", tmp && *tmp ? tmp : "/tmp", (int)getpid());
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s' && cp -r '%s'/. '%s'/ && echo '# another version' >> '%s'/p01-key-industry-training.rules",
             copy, copy, dir, copy, copy);
    assert_int_equal(system(cmd), 0);
    jy_policy *other = NULL;
    jy_err err;
    assert_int_equal(jy_policy_load(copy, &other, &err), 0);
    jy_policy_reader *r2 = jy_policy_reader_new(other);
    assert_int_equal(vread(r2, &v, "P1", d, P1, INPUTS, &c), -1);
    /* its own vector reads under it, and not under the first rules */
    jy_sb w = JY_SB_INIT;
    assert_int_equal(jy_policy_factvec_make(r2, "P1", 2, d, P1, strlen(P1), INPUTS, &w), 0);
    assert_int_equal(vread(r2, &w, "P1", d, P1, INPUTS, &c), 0);
    assert_int_equal(vread(rd, &w, "P1", d, P1, INPUTS, &c), -1);
    jy_policy_reader_free(r2);
    jy_policy_free(other);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", copy);
    assert_int_equal(system(cmd), 0);
    jy_sb_free(&v);
    jy_sb_free(&w);
}

static void none_without_content_hash(void **state)
{
    (void)state;
    /* every rules file of the directory as one text: the same catalogue, hash "text" */
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "cat '%s'/*.rules", dir);
    FILE *f = popen(cmd, "r");
    assert_non_null(f);
    jy_sb src = JY_SB_INIT;
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) jy_sb_appendn(&src, buf, n);
    pclose(f);
    jy_policy *tp = NULL;
    jy_err err;
    if (jp_load_text("all.rules", src.buf, src.len, &tp, &err) != 0) fail_msg("the rules as one text: %s", err.msg);
    assert_string_equal(jy_policy_hash(tp), "text");
    jy_policy_reader *r = jy_policy_reader_new(tp);
    jy_sb v = JY_SB_INIT;
    assert_int_equal(jy_policy_factvec_make(r, "P13", 3, D("2024-01-01"), "{}", 2, INPUTS, &v), -1);
    static jy_policy_case c;
    jy_sb w = JY_SB_INIT;
    assert_int_equal(jy_policy_factvec_make(rd, "P13", 3, D("2024-01-01"), "{}", 2, INPUTS, &w), 0);
    assert_int_equal(vread(r, &w, "P13", D("2024-01-01"), "{}", INPUTS, &c), -1);
    jy_sb_free(&v);
    jy_sb_free(&w);
    jy_sb_free(&src);
    jy_policy_reader_free(r);
    jy_policy_free(tp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(same_reading),
        cmocka_unit_test(none_when_unreadable),
        cmocka_unit_test(refused_when_anything_differs),
        cmocka_unit_test(refused_under_other_rules),
        cmocka_unit_test(none_without_content_hash),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
