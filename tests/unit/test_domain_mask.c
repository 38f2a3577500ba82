/* Unit tests of the masking of personal data (src/domain/mask.h): each form, idempotence, the
 * token boundaries of free text (hex hashes and USCCs are left alone), and the JSON masking by
 * key, including the disability status and JSON escapes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "domain/mask.h"

typedef void (*mask_fn)(const char *in, char *out, size_t cap);

static void check(mask_fn f, const char *in, const char *want)
{
    char out[128], again[128];
    f(in, out, sizeof out);
    if (strcmp(out, want) != 0) fail_msg("mask(\"%s\") = \"%s\", want \"%s\"", in, out, want);
    f(out, again, sizeof again); /* idempotent */
    if (strcmp(again, out) != 0) fail_msg("mask(mask(\"%s\")) = \"%s\", want \"%s\"", in, again, out);
}

static void idcard_form(void **state)
{
    (void)state;
    check(jy_mask_idcard, "640522199001011234", "640522********1234");
    check(jy_mask_idcard, "64052219900101123X", "640522********123X");
    check(jy_mask_idcard, "640522900101123", "640522*****1123"); /* first-generation, 15 digits */
    check(jy_mask_idcard, "6405221", "*****21");
    check(jy_mask_idcard, "1234", "****");
    check(jy_mask_idcard, "", "");
    char small[8];
    jy_mask_idcard("640522199001011234", small, sizeof small); /* does not fit: nothing shown */
    assert_string_equal(small, "*******");
}

static void bankcard_form(void **state)
{
    (void)state;
    check(jy_mask_bankcard, "6217000010000000011", "6217***********0011");
    check(jy_mask_bankcard, "6217000012341234", "6217********1234");
    check(jy_mask_bankcard, "104500001234", "1045****1234"); /* a 12-digit basic account */
    check(jy_mask_bankcard, "6217 0000 1234 5678", "6217 **** **** 5678");
    check(jy_mask_bankcard, "12345678", "****5678");
    check(jy_mask_bankcard, "123", "***");
    check(jy_mask_bankcard, "committed", "committed"); /* no digits: a ledger account's name */
}

static void phone_form(void **state)
{
    (void)state;
    check(jy_mask_phone, "13912345678", "139****5678");
    check(jy_mask_phone, "+86 139 1234 5678", "+86 139 **** 5678");
    check(jy_mask_phone, "0954-4012345", "095*-***2345");
    check(jy_mask_phone, "4012345", "***2345");
    check(jy_mask_phone, "", "");
}

static void birth_form(void **state)
{
    (void)state;
    check(jy_mask_birth, "1990-01-01", "1990-**-**");
    check(jy_mask_birth, "19900101", "1990****");
    check(jy_mask_birth, "", "");
}

static void name_form(void **state)
{
    (void)state;
    check(jy_mask_name, "张三", "张*");
    check(jy_mask_name, "张三丰", "张*丰");
    check(jy_mask_name, "欧阳娜娜", "欧**娜");
    check(jy_mask_name, "马", "*");
    check(jy_mask_name, "Li Na", "L***a");
    char out[16];
    jy_mask_name("", out, sizeof out);
    assert_string_equal(out, "");
}

static void text(const char *in, const char *want)
{
    jy_sb sb = JY_SB_INIT;
    jy_mask_text(&sb, in, strlen(in));
    if (strcmp(jy_sb_cstr(&sb), want) != 0) fail_msg("text(\"%s\") = \"%s\", want \"%s\"", in, jy_sb_cstr(&sb), want);
    jy_sb_free(&sb);
}

static void free_text_tokens(void **state)
{
    (void)state;
    text("杨帆 (64052219900101123X) has no card", "杨帆 (640522********123X) has no card");
    text("身份证号640522199001011234重复", "身份证号640522********1234重复");
    text("card 6217000010000000011, phone 13912345678.", "card 6217***********0011, phone 139****5678.");
    text("+8613912345678", "+86139****5678");
    /* not identifiers: hashes, USCCs, division codes, dates, amounts, short ids */
    text("a3f0123456789012345678bc", "a3f0123456789012345678bc");
    text("91640522MA76XYW1X3 640522105201 2024-12-01 1750.00 id 12",
         "91640522MA76XYW1X3 640522105201 2024-12-01 1750.00 id 12");
    text("12345678901", "12345678901"); /* 11 digits, not 1[3-9]: not a mobile */
    text("640522199001011234,640522199001011234", "640522********1234,640522********1234");
    text("0000000000000000000000000000000000000000000000000000000000000000",
         "0000000000000000000000000000000000000000000000000000000000000000"); /* the genesis hash */
    text("123456789012345678901234567890", "123456789012345678901234567890");
    text("教民164052270000123", "教民164052270000123"); /* a school licence (15 digits) */
    text("6217000012341234567", "6217***********4567");
}

static void json(const char *in, const char *want)
{
    jy_sb sb = JY_SB_INIT;
    jy_mask_json(&sb, in, strlen(in));
    if (strcmp(jy_sb_cstr(&sb), want) != 0) fail_msg("json:\n  in   %s\n  got  %s\n  want %s", in, jy_sb_cstr(&sb), want);
    /* idempotent */
    jy_sb again = JY_SB_INIT;
    jy_mask_json(&again, sb.buf, sb.len);
    assert_string_equal(jy_sb_cstr(&again), jy_sb_cstr(&sb));
    jy_sb_free(&again);
    jy_sb_free(&sb);
}

/* A value's identifiers are found wherever they sit: runs of 1 to 20 digits (mobile numbers,
 * cards, ID numbers among them) at every offset 0 to 40 of a value, alone and in pairs, come out
 * of jy_mask_json exactly as jy_mask_text masks the same text (the JSON walk looks only at every
 * eleventh byte until it meets a digit, so this checks it never steps over a run). */
static void json_digit_runs_at_every_offset(void **state)
{
    (void)state;
    static const char digits[] = "64052219900101123413800138000621700001234123456";
    for (size_t len = 1; len <= 20; len++)
        for (size_t off = 0; off <= 40; off++)
            for (int pair = 0; pair < 2; pair++) {
                char v[160];
                size_t n = 0;
                for (size_t i = 0; i < off; i++) v[n++] = (char)(i % 3 == 0 ? ' ' : i % 3 == 1 ? '-' : 'x');
                v[n++] = ' ';
                memcpy(v + n, len == 11 ? "13800138000" : len == 18 ? "640522199001011234" : digits, len);
                n += len;
                if (pair) {
                    memcpy(v + n, " 2024-01-02 ", 12);
                    n += 12;
                    memcpy(v + n, "13912345678", 11);
                    n += 11;
                }
                v[n++] = '.';
                v[n] = '\0';
                jy_sb want = JY_SB_INIT, in = JY_SB_INIT, got = JY_SB_INIT;
                jy_sb_append(&want, "{\"note\":\"");
                jy_mask_text(&want, v, n);
                jy_sb_append(&want, "\"}");
                jy_sb_append(&in, "{\"note\":\"");
                jy_sb_append(&in, v);
                jy_sb_append(&in, "\"}");
                jy_mask_json(&got, in.buf, in.len);
                if (strcmp(jy_sb_cstr(&got), jy_sb_cstr(&want)) != 0)
                    fail_msg("len %zu off %zu pair %d:\n  got  %s\n  want %s", len, off, pair, jy_sb_cstr(&got),
                             jy_sb_cstr(&want));
                jy_sb_free(&want);
                jy_sb_free(&in);
                jy_sb_free(&got);
            }
    json("{\"note\":\"电话13800138000\"}", "{\"note\":\"电话138****8000\"}");
}

static void json_by_key(void **state)
{
    (void)state;
    json("{\"id\":7,\"idcard\":\"640522199001011234\",\"name\":\"马小军\",\"birth\":\"1990-01-01\",\"phone\":\"0954-4012345\",\"county\":\"640522\"}",
         "{\"id\":7,\"idcard\":\"640522********1234\",\"name\":\"马小军\",\"birth\":\"1990-**-**\",\"phone\":\"095*-***2345\",\"county\":\"640522\"}");
    /* an organisation's 12-digit account is masked by its key, a USCC payee id is not */
    json("{\"payee_id\":\"91640522MA76XYW1X3\",\"account\":\"104500001234\",\"amount\":\"3000.50\"}",
         "{\"payee_id\":\"91640522MA76XYW1X3\",\"account\":\"1045****1234\",\"amount\":\"3000.50\"}");
    /* a person payee id by its shape */
    json("{\"payee_id\":\"64052219900101123X\",\"sscard\":\"6217000010000000011\"}",
         "{\"payee_id\":\"640522********123X\",\"sscard\":\"6217***********0011\"}");
    /* free text in any other value; escapes separate tokens */
    json("{\"reason\":\"dup\\n640522199001011234\\u00e9\",\"hash\":\"00ab640522199001011234cd\"}",
         "{\"reason\":\"dup\\n640522********1234\\u00e9\",\"hash\":\"00ab640522199001011234cd\"}");
    /* escaped quotes stay inside their string; an escaped backslash before a quote ends it */
    json("{\"reason\":\"a \\\"640522199001011234\\\" b\",\"phone\":\"13912345678\"}",
         "{\"reason\":\"a \\\"640522********1234\\\" b\",\"phone\":\"139****5678\"}");
    json("{\"a\":\"x\\\\\",\"phone\":\"13912345678\"}", "{\"a\":\"x\\\\\",\"phone\":\"139****5678\"}");
    /* numbers and keys are not touched */
    json("{\"640522199001011234\":1,\"n\":640522199001011234}", "{\"640522199001011234\":1,\"n\":640522199001011234}");
    /* an array takes its key's rule */
    json("{\"phones\":[\"13912345678\"],\"phone\":[\"0954-4012345\",\"13912345678\"]}",
         "{\"phones\":[\"139****5678\"],\"phone\":[\"095*-***2345\",\"139****5678\"]}");
    /* JSON lines */
    json("{\"idcard\":\"640522199001011234\"}\n{\"idcard\":\"64052219900101123X\"}\n",
         "{\"idcard\":\"640522********1234\"}\n{\"idcard\":\"640522********123X\"}\n");
}

static void json_disability(void **state)
{
    (void)state;
    json("{\"id\":3,\"person_id\":7,\"kind\":\"disability\",\"label\":\"残疾人\",\"since\":\"2020-01-01\",\"until\":null,"
         "\"detail\":\"2\"}",
         "{\"id\":3,\"person_id\":7,\"kind\":\"***\",\"label\":\"***\",\"since\":\"2020-01-01\",\"until\":null,"
         "\"detail\":\"***\"}");
    /* other statuses keep their detail */
    json("{\"kind\":\"graduate\",\"label\":\"高校毕业生\",\"detail\":\"2023\"}",
         "{\"kind\":\"graduate\",\"label\":\"高校毕业生\",\"detail\":\"2023\"}");
    /* facts: P23's target group, the training exclusions, a P24 category */
    json("{\"facts\":{\"target_group\":\"disabled\",\"statuses\":[\"retired\",\"disability_grade_1_2\"],"
         "\"p24_category\":\"disabled\"}}",
         "{\"facts\":{\"target_group\":\"***\",\"statuses\":[\"retired\",\"***\"],\"p24_category\":\"***\"}}");
    /* a sibling object after a disability one is not affected */
    json("[{\"kind\":\"disability\",\"detail\":\"1\"},{\"kind\":\"dibao\",\"detail\":\"1\"}]",
         "[{\"kind\":\"***\",\"detail\":\"***\"},{\"kind\":\"dibao\",\"detail\":\"1\"}]");
}

static void json_not_json(void **state)
{
    (void)state;
    /* white space between a key and its colon (the walk looks for the colon first) */
    json("{\"phone\" :\"13912345678\", \"idcard\"\n\t: \"640522199001011234\" , \"n\" : \"13912345678\"}",
         "{\"phone\" :\"139****5678\", \"idcard\"\n\t: \"640522********1234\" , \"n\" : \"139****5678\"}");
    /* cut texts and deep nesting never read past the end */
    json("{\"idcard\":\"640522199001011234", "{\"idcard\":\"640522********1234");
    json("\"", "\"");
    json("\"\\", "\"\\");
    jy_sb deep = JY_SB_INIT, out = JY_SB_INIT;
    for (int i = 0; i < 200; i++) jy_sb_append(&deep, "{\"a\":[");
    jy_sb_append(&deep, "\"640522199001011234\"");
    for (int i = 0; i < 200; i++) jy_sb_append(&deep, "]}");
    jy_sb_append(&deep, "{\"phone\":\"13912345678\"}");
    jy_mask_json(&out, deep.buf, deep.len);
    assert_non_null(strstr(jy_sb_cstr(&out), "\"640522********1234\""));
    assert_non_null(strstr(jy_sb_cstr(&out), "{\"phone\":\"139****5678\"}")); /* back in step after the depth */
    jy_sb_free(&deep);
    jy_sb_free(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(idcard_form),      cmocka_unit_test(bankcard_form),    cmocka_unit_test(phone_form),
        cmocka_unit_test(birth_form),
        cmocka_unit_test(name_form),        cmocka_unit_test(free_text_tokens), cmocka_unit_test(json_by_key),
        cmocka_unit_test(json_disability),  cmocka_unit_test(json_not_json),
        cmocka_unit_test(json_digit_runs_at_every_offset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
