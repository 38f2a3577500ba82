/* Unit tests of the other identifier validators: 统一社会信用代码 (GB 32100-2015, with published
 * companies' codes as real vectors), bank card numbers (Luhn) and mainland mobile numbers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "domain/bankcard.h"
#include "domain/division.h"
#include "domain/mobile.h"
#include "domain/uscc.h"

static jy_divisions *divs;

static int setup(void **state)
{
    (void)state;
    const char *dir = getenv("JY_POLICY_DIR");
    jy_err err;
    if (jy_divisions_load(dir && *dir ? dir : JY_POLICY_DIR, &divs, &err) != 0) {
        fprintf(stderr, "cannot load divisions: %s\n", err.msg);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    jy_divisions_free(divs);
    return 0;
}

#define EXPECT_REASON(call, needle)                                                            \
    do {                                                                                       \
        jy_err err_;                                                                           \
        jy_err_clear(&err_);                                                                   \
        jy_err *err = &err_;                                                                   \
        int rc_ = (call);                                                                      \
        if (rc_ == 0) fail_msg("%s should fail (%s)", #call, needle);                         \
        assert_int_equal(rc_, JY_EINVAL);                                                      \
        if (!strstr(err_.msg, needle))                                                         \
            fail_msg("%s: reason \"%s\" lacks \"%s\"", #call, err_.msg, needle);              \
    } while (0)

/* ---- 统一社会信用代码 ---- */

/* Builds a code from a 17-character prefix with the right check character. */
static void make_uscc(char out[19], const char *first17)
{
    memcpy(out, first17, 17);
    out[17] = jy_uscc_check_char(out);
    out[18] = '\0';
}

static void uscc_published_codes_are_valid(void **state)
{
    (void)state;
    /* codes printed on public business licences / disclosure documents */
    static const char *real[] = {"91350100M000100Y43", "91110000802100433B", "91440300708461136T",
                                 "91110108551385082Q"};
    jy_err err;
    jy_uscc u;
    for (size_t i = 0; i < sizeof real / sizeof real[0]; i++) {
        if (jy_uscc_check(real[i], divs, &u, &err) != 0) fail_msg("%s: %s", real[i], err.msg);
        assert_string_equal(u.code, real[i]);
        assert_string_equal(u.authority, "工商");
        assert_string_equal(u.type, "企业");
        assert_int_equal(u.orgcode_ok, 1);
    }
    assert_int_equal(jy_uscc_check("91350100M000100Y43", divs, &u, &err), 0);
    assert_string_equal(u.division, "350100");
    assert_string_equal(u.orgcode, "M000100Y4");
    /* lower case is normalised */
    assert_int_equal(jy_uscc_check("91350100m000100y43", divs, &u, &err), 0);
    assert_string_equal(u.code, "91350100M000100Y43");
}

static void uscc_check_weights_are_powers_of_three(void **state)
{
    (void)state;
    /* a single 1 in position i has sum 3^i mod 31, so the check value is 31 - that */
    static const char alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    int w = 1;
    for (int i = 0; i < 17; i++) {
        char s[18];
        memset(s, '0', 17);
        s[i] = '1';
        s[17] = '\0';
        assert_int_equal(jy_uscc_check_char(s), alphabet[31 - w]);
        w = w * 3 % 31;
    }
    assert_int_equal(jy_uscc_check_char("00000000000000000"), '0'); /* 31 -> 0 */
    assert_int_equal(jy_uscc_check_char("9164052200000000I"), '\0');
    assert_int_equal(jy_uscc_orgcode_check_char("M000100Y"), '4');
    assert_int_equal(jy_uscc_orgcode_check_char("80210043"), '3');
}

static void uscc_haiyuan_kinds(void **state)
{
    (void)state;
    char s[19], body[18];
    jy_err e;
    jy_uscc u;
    struct { const char *prefix; const char *authority; const char *type; } kinds[] = {
        {"11", "机构编制", "机关"},      {"12", "机构编制", "事业单位"},
        {"51", "民政", "社会团体"},      {"52", "民政", "民办非企业单位"},
        {"91", "工商", "企业"},          {"92", "工商", "个体工商户"},
        {"93", "工商", "农民专业合作社"}, {"N2", "农业", "村级集体经济组织"},
        {"Y1", "其他", "其他"},
    };
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        /* 2 kind + 6 division + 8 organisation-code body + its check character */
        snprintf(body, sizeof body, "%s640522MA7%c3K2P?", kinds[i].prefix, '0' + (int)i);
        char org8[9];
        memcpy(org8, body + 8, 8);
        org8[8] = '\0';
        body[16] = jy_uscc_orgcode_check_char(org8);
        make_uscc(s, body);
        if (jy_uscc_check(s, divs, &u, &e) != 0) fail_msg("%s: %s", s, e.msg);
        assert_string_equal(u.authority, kinds[i].authority);
        assert_string_equal(u.type, kinds[i].type);
        assert_string_equal(u.division, "640522");
        assert_int_equal(u.orgcode_ok, 1);
    }
    /* a wrong embedded organisation-code check is a warning, not invalid */
    make_uscc(s, "91640522MA7039K2P");
    body[0] = jy_uscc_orgcode_check_char("MA7039K2") == '5' ? '6' : '5';
    s[16] = body[0];
    s[17] = jy_uscc_check_char(s);
    assert_int_equal(jy_uscc_check(s, divs, &u, &e), 0);
    assert_int_equal(u.orgcode_ok, 0);
}

static void uscc_rejections_name_the_reason(void **state)
{
    (void)state;
    char s[19];
    EXPECT_REASON(jy_uscc_check("91350100M000100Y44", divs, NULL, err), "check character should be 3");
    EXPECT_REASON(jy_uscc_check("91350100M000100Y4", divs, NULL, err), "18 characters, found 17");
    EXPECT_REASON(jy_uscc_check("91350100M000100Y433", divs, NULL, err), "18 characters, found 19");
    EXPECT_REASON(jy_uscc_check("", divs, NULL, err), "empty");
    EXPECT_REASON(jy_uscc_check("91350100M000100I43", divs, NULL, err),
                  "character 16 (\"I\"): the letters I, O, S, V and Z");
    EXPECT_REASON(jy_uscc_check("91350100M00010-Y43", divs, NULL, err), "character 15 (\"-\")");
    EXPECT_REASON(jy_uscc_check("９１350100M000100Y43", divs, NULL, err),
                  "full-width characters \"９１\"");
    EXPECT_REASON(jy_uscc_check("91350100M000100Y4中", divs, NULL, err), "character 18 (\"中\")");
    make_uscc(s, "B1350100M000100Y4");
    EXPECT_REASON(jy_uscc_check(s, divs, NULL, err), "registration authority code B");
    make_uscc(s, "94350100M000100Y4");
    EXPECT_REASON(jy_uscc_check(s, divs, NULL, err), "organisation type 4 (character 2)");
    make_uscc(s, "9199010000000100Y");
    EXPECT_REASON(jy_uscc_check(s, divs, NULL, err), "province 99 does not exist");
    make_uscc(s, "913501A0M000100Y4");
    EXPECT_REASON(jy_uscc_check(s, divs, NULL, err), "must be 6 digits");
    make_uscc(s, "1110000000001312X"); /* national level: division 100000 */
    jy_err e;
    assert_int_equal(jy_uscc_check(s, divs, NULL, &e), 0);
    /* every wrong check character names the right one */
    for (const char *c = "0123456789ABCDEFGHJKLMNPQRTUWXY"; *c; c++) {
        char t[19];
        memcpy(t, "91350100M000100Y43", 19);
        if (*c == '3') continue;
        t[17] = *c;
        EXPECT_REASON(jy_uscc_check(t, divs, NULL, err), "check character should be 3");
    }
}

/* ---- bank cards ---- */

static void luhn_known_numbers(void **state)
{
    (void)state;
    /* the classic Luhn example and the card networks' published test numbers */
    assert_true(jy_luhn_valid("79927398713", 11));
    assert_false(jy_luhn_valid("79927398710", 11));
    assert_int_equal(jy_luhn_digit("7992739871", 10), '3');
    jy_bankcard c;
    jy_err err;
    static const char *ok[] = {"4111111111111111", "5555555555554444", "378282246310005",
                               "6011111111111117", "6222 0212 3456 7890 128" /* see below */};
    for (size_t i = 0; i < 4; i++) {
        if (jy_bankcard_check(ok[i], &c, &err) != 0) fail_msg("%s: %s", ok[i], err.msg);
        assert_int_equal(c.length, (int)strlen(ok[i]));
    }
    /* a 19-digit UnionPay-style number built with the Luhn digit, written in groups */
    char n19[20] = "622202123456789012";
    n19[18] = jy_luhn_digit(n19, 18);
    n19[19] = '\0';
    char grouped[40];
    snprintf(grouped, sizeof grouped, "%.4s %.4s %.4s %.4s-%.3s", n19, n19 + 4, n19 + 8, n19 + 12,
             n19 + 16);
    assert_int_equal(jy_bankcard_check(grouped, &c, &err), 0);
    assert_string_equal(c.number, n19);
    assert_int_equal(c.length, 19);
}

static void bankcard_rejections(void **state)
{
    (void)state;
    EXPECT_REASON(jy_bankcard_check("4111111111111112", NULL, err), "check digit should be 1");
    EXPECT_REASON(jy_bankcard_check("79927398713", NULL, err), "12-19 digits, found 11");
    EXPECT_REASON(jy_bankcard_check("41111111111111111111", NULL, err), "longer than 19");
    EXPECT_REASON(jy_bankcard_check("4111a11111111111", NULL, err), "has \"a\"");
    EXPECT_REASON(jy_bankcard_check("４１１１111111111111", NULL, err), "full-width characters");
    EXPECT_REASON(jy_bankcard_check("", NULL, err), "empty");
    /* every single-digit error is caught */
    char s[17];
    for (int pos = 0; pos < 16; pos++)
        for (char d = '0'; d <= '9'; d++) {
            memcpy(s, "4111111111111111", 17);
            if (s[pos] == d) continue;
            s[pos] = d;
            assert_false(jy_luhn_valid(s, 16));
        }
}

/* ---- mobile numbers ---- */

static void mobile_forms(void **state)
{
    (void)state;
    jy_mobile m;
    jy_err e;
    static const char *ok[] = {"13912345678", "+86 139 1234 5678", "+8613912345678",
                               "8613912345678", "008613912345678", "139-1234-5678"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        if (jy_mobile_check(ok[i], &m, &e) != 0) fail_msg("%s: %s", ok[i], e.msg);
        assert_string_equal(m.number, "13912345678");
    }
    for (char p = '3'; p <= '9'; p++) {
        char s[12] = "10012345678";
        s[1] = p;
        assert_int_equal(jy_mobile_check(s, &m, &e), 0);
    }
    EXPECT_REASON(jy_mobile_check("12012345678", NULL, err), "must start with 13-19");
    EXPECT_REASON(jy_mobile_check("09554012345", NULL, err), "must start with 13-19");
    EXPECT_REASON(jy_mobile_check("1391234567", NULL, err), "11 digits, found 10");
    EXPECT_REASON(jy_mobile_check("139123456789", NULL, err), "11 digits, found 12");
    EXPECT_REASON(jy_mobile_check("+85291234567", NULL, err), "mainland number (+86)");
    EXPECT_REASON(jy_mobile_check("１３９12345678", NULL, err), "full-width characters \"１３９\"");
    EXPECT_REASON(jy_mobile_check("139 1234 567x", NULL, err), "has \"x\"");
    EXPECT_REASON(jy_mobile_check("", NULL, err), "empty");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(uscc_published_codes_are_valid),
        cmocka_unit_test(uscc_check_weights_are_powers_of_three),
        cmocka_unit_test(uscc_haiyuan_kinds),
        cmocka_unit_test(uscc_rejections_name_the_reason),
        cmocka_unit_test(luhn_known_numbers),
        cmocka_unit_test(bankcard_rejections),
        cmocka_unit_test(mobile_forms),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
