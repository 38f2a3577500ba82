/* Unit tests of the 居民身份证号 validator (GB 11643-1999) against real-format vectors: the
 * standard's own example, generated numbers for every province and Haiyuan, wrong check
 * characters, impossible and future birth dates, lower-case x, wrong lengths, full-width digits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/date.h"
#include "domain/division.h"
#include "domain/idcard.h"

static jy_divisions *divs;
static jy_date today; /* fixed: 2025-06-15 */

static int setup(void **state)
{
    (void)state;
    const char *dir = getenv("JY_POLICY_DIR");
    jy_err err;
    if (jy_divisions_load(dir && *dir ? dir : JY_POLICY_DIR, &divs, &err) != 0) {
        fprintf(stderr, "cannot load divisions: %s\n", err.msg);
        return -1;
    }
    today = jy_date_from_ymd(2025, 6, 15);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    jy_divisions_free(divs);
    return 0;
}

/* Builds an 18-character number from its parts with the right check character. */
static void make_id(char out[19], const char *div6, const char *birth8, const char *seq3)
{
    memcpy(out, div6, 6);
    memcpy(out + 6, birth8, 8);
    memcpy(out + 14, seq3, 3);
    out[17] = jy_idcard_check_char(out);
    out[18] = '\0';
}

static int check(const char *s, jy_idcard *id, jy_err *err)
{
    return jy_idcard_check_n(s, strlen(s), divs, today, id, err);
}

static void expect_valid(const char *s, jy_idcard *id)
{
    jy_err err;
    jy_err_clear(&err);
    if (check(s, id, &err) != 0) fail_msg("%s should be valid: %s", s, err.msg);
}

static void expect_reason(const char *s, const char *needle)
{
    jy_err err;
    jy_err_clear(&err);
    jy_idcard id;
    int rc = check(s, &id, &err);
    if (rc == 0) fail_msg("%s should be invalid (%s)", s, needle);
    assert_int_equal(rc, JY_EINVAL);
    if (!strstr(err.msg, needle)) fail_msg("%s: reason \"%s\" lacks \"%s\"", s, err.msg, needle);
}

static void standard_example_is_valid(void **state)
{
    (void)state;
    jy_idcard id;
    assert_int_equal(jy_idcard_check_char("11010519491231002"), 'X');
    expect_valid("11010519491231002X", &id);
    assert_string_equal(id.number, "11010519491231002X");
    assert_string_equal(id.division, "110105");
    assert_int_equal(id.birth, jy_date_from_ymd(1949, 12, 31));
    assert_int_equal(id.sex, 'F');
    assert_int_equal(id.lower_x, 0);
    /* the standard's second example has the right check character but a birth in 1880 */
    assert_int_equal(jy_idcard_check_char("44052418800101001"), '4');
    expect_reason("440524188001010014", "before 1900");
}

static void lower_case_x_is_normalised(void **state)
{
    (void)state;
    jy_idcard id;
    expect_valid("11010519491231002x", &id);
    assert_string_equal(id.number, "11010519491231002X");
    assert_int_equal(id.lower_x, 1);
    /* a lower-case x where a digit belongs is still wrong */
    expect_reason("11010519491231003x", "check character should be");
}

static void haiyuan_numbers_give_birth_sex_division(void **state)
{
    (void)state;
    char s[19];
    jy_idcard id;
    make_id(s, "640522", "19900307", "002");
    expect_valid(s, &id);
    assert_int_equal(id.birth, jy_date_from_ymd(1990, 3, 7));
    assert_int_equal(id.sex, 'F');
    assert_string_equal(id.division, "640522");
    make_id(s, "640522", "20000229", "013"); /* leap day in a leap year */
    expect_valid(s, &id);
    assert_int_equal(id.sex, 'M');
    /* every sequence number: sex alternates with the 17th digit */
    for (int seq = 0; seq < 1000; seq++) {
        char q[4];
        snprintf(q, sizeof q, "%03d", seq);
        make_id(s, "640522", "19851120", q);
        expect_valid(s, &id);
        assert_int_equal(id.sex, seq % 2 ? 'M' : 'F');
    }
}

static void every_province_validates(void **state)
{
    (void)state;
    static const char *prov[] = {"11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33",
                                 "34", "35", "36", "37", "41", "42", "43", "44", "45", "46", "50",
                                 "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81",
                                 "82"};
    assert_int_equal(sizeof prov / sizeof prov[0], 34);
    char s[19], div[7];
    jy_idcard id;
    for (size_t i = 0; i < 34; i++) {
        snprintf(div, sizeof div, "%s%s", prov[i], strcmp(prov[i], "64") == 0 ? "0104" : "0102");
        make_id(s, div, "19760815", "123");
        expect_valid(s, &id);
    }
    make_id(s, "990102", "19760815", "123");
    expect_reason(s, "province 99 does not exist");
    make_id(s, "000102", "19760815", "123");
    expect_reason(s, "province 00 does not exist");
}

static void ningxia_counties_are_checked_against_the_table(void **state)
{
    (void)state;
    char s[19];
    jy_idcard id;
    static const char *ok[] = {"640104", "640181", "640205", "640303", "640425", "640502",
                               "640521", "640522", "642222" /* former Haiyuan code */};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        make_id(s, ok[i], "19700101", "451");
        expect_valid(s, &id);
    }
    make_id(s, "640599", "19700101", "451");
    expect_reason(s, "640599 is not a county of 宁夏");
    make_id(s, "640500", "19700101", "451");
    expect_reason(s, "not a county");
    /* without a division table only the format is checked */
    jy_err err;
    assert_int_equal(jy_idcard_check_n(s, 18, NULL, today, &id, &err), 0);
}

static void wrong_check_characters_name_the_right_one(void **state)
{
    (void)state;
    char s[19], want[40];
    make_id(s, "640522", "19900307", "002");
    char right = s[17];
    const char *all = "0123456789X";
    for (const char *c = all; *c; c++) {
        if (*c == right) continue;
        s[17] = *c;
        snprintf(want, sizeof want, "check character should be %c", right);
        expect_reason(s, want);
    }
    /* a transposition of two digits is caught */
    make_id(s, "640522", "19900307", "002");
    char t = s[15];
    s[15] = s[16];
    s[16] = t;
    if (s[15] != s[16]) expect_reason(s, "check character should be");
    s[17] = 'A';
    expect_reason(s, "must be a digit or X");
}

static void exactly_one_check_character_fits(void **state)
{
    (void)state;
    uint32_t x = 12345;
    char s[19];
    for (int k = 0; k < 2000; k++) {
        for (int i = 6; i < 17; i++) {
            x = x * 1103515245u + 12345u;
            s[i] = (char)('0' + (x >> 16) % 10);
        }
        memcpy(s, "640522", 6);
        memcpy(s + 6, "19881012", 8);
        s[18] = '\0';
        int fits = 0;
        for (const char *c = "0123456789X"; *c; c++) {
            s[17] = *c;
            if (check(s, NULL, NULL) == 0) fits++;
        }
        assert_int_equal(fits, 1);
    }
}

static void impossible_birth_dates_are_rejected(void **state)
{
    (void)state;
    char s[19];
    make_id(s, "640522", "19990229", "002");
    expect_reason(s, "birth date 1999-02-29 does not exist");
    make_id(s, "640522", "19000229", "002");
    expect_reason(s, "birth date 1900-02-29 does not exist");
    make_id(s, "640522", "19991301", "002");
    expect_reason(s, "birth date 1999-13-01 does not exist");
    make_id(s, "640522", "19990431", "002");
    expect_reason(s, "does not exist");
    make_id(s, "640522", "19990100", "002");
    expect_reason(s, "does not exist");
}

static void future_birth_dates_are_rejected(void **state)
{
    (void)state;
    char s[19];
    jy_idcard id;
    make_id(s, "640522", "20250615", "002"); /* born today */
    expect_valid(s, &id);
    make_id(s, "640522", "20250616", "002");
    expect_reason(s, "birth date 2025-06-16 is in the future");
    make_id(s, "640522", "20990101", "002");
    expect_reason(s, "in the future");
    /* jy_idcard_check uses jy_date_today(), which honours JIUYE_TODAY */
    jy_err err;
    setenv("JIUYE_TODAY", "2025-06-15", 1);
    make_id(s, "640522", "20250616", "002");
    assert_int_equal(jy_idcard_check(s, divs, &id, &err), JY_EINVAL);
    setenv("JIUYE_TODAY", "2025-06-16", 1);
    assert_int_equal(jy_idcard_check(s, divs, &id, &err), 0);
    unsetenv("JIUYE_TODAY");
}

static void wrong_lengths_are_rejected(void **state)
{
    (void)state;
    expect_reason("", "empty");
    expect_reason("6405221990030700", "must be 18 characters, found 16");
    expect_reason("64052219900307002", "must be 18 characters, found 17");
    expect_reason("6405221990030700211", "must be 18 characters, found 19");
    expect_reason("640522900307002", "15-digit first-generation");
    expect_reason(" 11010519491231002X", "found 19");
    jy_err err;
    assert_int_equal(jy_idcard_check(NULL, divs, NULL, &err), JY_EINVAL);
}

static void full_width_digits_are_named(void **state)
{
    (void)state;
    /* ６４０５２２１９９００３０７００２Ｘ: every character full-width */
    expect_reason("６４０５２２１９９００３０７００２Ｘ", "full-width characters \"６４０５２２…\"");
    /* one full-width digit in the middle of an otherwise ASCII number */
    char s[19], mixed[40];
    make_id(s, "640522", "19900307", "002");
    snprintf(mixed, sizeof mixed, "%.9s９%s", s, s + 10);
    expect_reason(mixed, "full-width characters \"９\"");
    /* a full-width check character */
    snprintf(mixed, sizeof mixed, "11010519491231002Ｘ");
    expect_reason(mixed, "full-width characters \"Ｘ\"");
}

static void other_characters_are_named(void **state)
{
    (void)state;
    expect_reason("64052219900307A02X", "character 15 (\"A\") is not a digit");
    expect_reason("640522 1990030702X", "character 7 (a space) is not a digit");
    expect_reason("64052219900307中02X", "character 15 (\"中\") is not a digit");
    expect_reason("64052219900307002中", "check character \"中\" must be a digit or X");
    char bad[19];
    memcpy(bad, "6405221990030700\xff", 17);
    bad[17] = 'X';
    bad[18] = '\0';
    expect_reason(bad, "character 17 (byte 0xFF) is not a digit");
    /* an embedded NUL is a character like any other */
    jy_err err;
    assert_int_equal(jy_idcard_check_n("640522\0" "1990030700X", 18, divs, today, NULL, &err),
                     JY_EINVAL);
    assert_non_null(strstr(err.msg, "control character 0x00"));
}

static void check_char_matches_independent_values(void **state)
{
    (void)state;
    assert_int_equal(jy_idcard_check_char("1101051949123100A"), '\0');
    assert_int_equal(jy_idcard_check_char(NULL), '\0');
    /* values computed independently (Python, ISO 7064 MOD 11-2) */
    assert_int_equal(jy_idcard_check_char("64052219900307002"), '7');
    assert_int_equal(jy_idcard_check_char("64052220000229013"), '8');
    assert_int_equal(jy_idcard_check_char("11010119800101001"), '0');
    assert_int_equal(jy_idcard_check_char("00000000000000000"), '1');
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(standard_example_is_valid),
        cmocka_unit_test(lower_case_x_is_normalised),
        cmocka_unit_test(haiyuan_numbers_give_birth_sex_division),
        cmocka_unit_test(every_province_validates),
        cmocka_unit_test(ningxia_counties_are_checked_against_the_table),
        cmocka_unit_test(wrong_check_characters_name_the_right_one),
        cmocka_unit_test(exactly_one_check_character_fits),
        cmocka_unit_test(impossible_birth_dates_are_rejected),
        cmocka_unit_test(future_birth_dates_are_rejected),
        cmocka_unit_test(wrong_lengths_are_rejected),
        cmocka_unit_test(full_width_digits_are_named),
        cmocka_unit_test(other_characters_are_named),
        cmocka_unit_test(check_char_matches_independent_values),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
