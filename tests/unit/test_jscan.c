/* Unit tests of base/jscan.h (the top-level member scan the class roster uses instead of a
 * jansson parse per trainee): on every input it either agrees with jansson (json_loads +
 * json_object_get: the last duplicate wins, nested members do not count) or answers -1 so the
 * caller parses with jansson. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "base/jscan.h"

/* The value jansson finds for key, serialised compactly ("" when absent); -1 when the text
 * is not a JSON object. */
static int jansson_member(const char *text, const char *key, char *out, size_t cap)
{
    json_t *j = json_loads(text, JSON_DECODE_ANY, NULL);
    if (!json_is_object(j)) {
        json_decref(j);
        return -1;
    }
    json_t *v = json_object_get(j, key);
    out[0] = '\0';
    if (v) {
        char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
        snprintf(out, cap, "%s", s);
        free(s);
    }
    json_decref(j);
    return v ? 1 : 0;
}

/* The scan's value for key re-serialised through jansson, so white space does not matter. */
static int scan_member(const char *text, const char *key, char *out, size_t cap)
{
    const char *v;
    size_t n;
    int rc = jy_json_top_member(text, key, &v, &n);
    out[0] = '\0';
    if (rc == 1) {
        char raw[512];
        assert_true(n < sizeof raw);
        memcpy(raw, v, n);
        raw[n] = '\0';
        json_t *j = json_loads(raw, JSON_DECODE_ANY, NULL);
        assert_non_null(j); /* the span is exactly one value */
        char *s = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
        snprintf(out, cap, "%s", s);
        free(s);
        json_decref(j);
    }
    return rc;
}

static const char *const inputs[] = {
    "{}",
    " { } ",
    "{\"exam\":\"pass\",\"certificate\":\"level5\"}",
    "{\"certificate\":null}",
    "{ \"exam\" : \"absent\" ,\n\t\"age\": 42 }",
    "{\"prior_trainings\":[{\"certificate\":\"x\",\"exam\":\"pass\"}],\"statuses\":[]}",
    "{\"a\":{\"exam\":\"pass\"},\"exam\":\"fail\"}",
    "{\"exam\":\"pass\",\"exam\":\"fail\"}",
    "{\"note\":\"he said \\\"exam\\\":\\\"pass\\\" {[\",\"exam\":\"absent\"}",
    "{\"name\":\"张三\",\"exam\":\"pass\",\"hours\":[1,2,{\"x\":[]}],\"ok\":true,\"n\":-1.5e3}",
    "{\"exam\":12,\"certificate\":false}",
    "{\"exam\":{\"certificate\":1}}",
    "{\"ex\\u0061m\":\"pass\"}",      /* a key with an escape: -1 */
    "{\"exam\":\"p\\u0061ss\"}",      /* a value with an escape */
    "[\"exam\"]",                      /* not an object: -1 */
    "{\"exam\":\"pass\"",              /* cut off: -1 */
    "{\"exam\":\"pass\"} x",           /* trailing text: -1 */
    "{\"exam\" \"pass\"}",             /* no colon: -1 */
    "",
    "{\"exam\":\"pass\",}",            /* trailing comma: -1 */
};

static void agrees_with_jansson_or_declines(void **state)
{
    (void)state;
    const char *keys[] = {"exam", "certificate", "age", "missing"};
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
            char a[512], b[512];
            int ra = jansson_member(inputs[i], keys[k], a, sizeof a);
            int rb = scan_member(inputs[i], keys[k], b, sizeof b);
            if (rb < 0) continue; /* declined: the caller parses with jansson */
            if (ra != rb || strcmp(a, b) != 0)
                fail_msg("input %zu key %s: jansson %d \"%s\", scan %d \"%s\"", i, keys[k], ra, a, rb, b);
        }
    }
}

static void declines_what_it_cannot_read_plainly(void **state)
{
    (void)state;
    const char *v;
    size_t n;
    assert_int_equal(jy_json_top_member("{\"ex\\u0061m\":\"pass\"}", "exam", &v, &n), -1);
    assert_int_equal(jy_json_top_member("[1]", "exam", &v, &n), -1);
    assert_int_equal(jy_json_top_member("{\"exam\":\"pass\"", "exam", &v, &n), -1);
    assert_int_equal(jy_json_top_member("{\"exam\":\"pass\"} x", "exam", &v, &n), -1);
    assert_int_equal(jy_json_top_member(NULL, "exam", &v, &n), -1);
    const char *s;
    assert_int_equal(jy_json_top_string("{\"exam\":\"p\\u0061ss\"}", "exam", &s, &n), -1);
    assert_int_equal(jy_json_top_string("{\"exam\":12}", "exam", &s, &n), 0);
    assert_int_equal(jy_json_top_string("{\"x\":{\"exam\":\"pass\"}}", "exam", &s, &n), 0);
    assert_int_equal(jy_json_top_string("{\"exam\":\"fail\",\"exam\":\"pass\"}", "exam", &s, &n), 1);
    assert_int_equal((int)n, 4);
    assert_memory_equal(s, "pass", 4);
}

static void several_keys_in_one_pass(void **state)
{
    (void)state;
    const char *keys[3] = {"exam", "certificate", "nope"};
    const char *v[3];
    size_t n[3];
    int rc = jy_json_top_members("{\"prior\":[{\"certificate\":1}],\"exam\":\"absent\",\"certificate\":null}", 3, keys,
                                 v, n);
    assert_int_equal(rc, 2);
    assert_int_equal((int)n[0], 8);
    assert_memory_equal(v[0], "\"absent\"", 8);
    assert_int_equal((int)n[1], 4);
    assert_memory_equal(v[1], "null", 4);
    assert_null(v[2]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(agrees_with_jansson_or_declines),
        cmocka_unit_test(declines_what_it_cannot_read_plainly),
        cmocka_unit_test(several_keys_in_one_pass),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
