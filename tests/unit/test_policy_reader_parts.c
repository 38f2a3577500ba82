/* The fast reader's in-place reading of a stored row (jy_policy_reader_parse_parts, the budget
 * simulation's path: programme, date and facts given apart, the line not written) answers exactly
 * as the reference reader (jy_policy_case_parse_inputs, jansson) and the fast line reader
 * (jy_policy_reader_parse) on the line {"program":P,"date":"D","facts":F} — the same return code,
 * error text, programme, date, facts present and their values, unrecognised name — on plain
 * facts and on everything the fast reading leaves to the reference: escapes, unknown and
 * duplicate names, bytes after the object, a NUL inside the facts, an unknown programme, no date.
 * Also the reader's shortcuts of this round against the reference: YYYY-MM-DD dates read
 * strictly (every day of a span, and dates that do not exist), decimals divided exactly instead
 * of strtod (random ratios of up to 15 digits and longer ones), integers and codes given as
 * strings, short fact names hashed by words, and the inputs' names of a static list. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/sb.h"
#include "policy/policy.h"

#include "policy_reader_fixture.h"

static long compared;

static const char *const INPUTS[] = {"start", "end", "site", "teachers", NULL};

/* One row: facts are n bytes (may hold a NUL), program and date as the simulation gives them. */
static void check_n(const char *program, jy_date date, const char *facts, size_t n, const char *const *inputs)
{
    jy_sb line = JY_SB_INIT;
    char ds[JY_DATE_BUFSZ];
    jy_sb_append(&line, "{\"program\":");
    jy_sb_json_str(&line, program);
    jy_sb_append(&line, ",\"date\":\"");
    jy_sb_append(&line, date ? jy_date_format(date, ds) : "");
    jy_sb_append(&line, "\",\"facts\":");
    jy_sb_appendn(&line, facts, strnlen(facts, n));
    jy_sb_appendc(&line, '}');
    static jy_policy_case ref, fast, parts;
    jy_err e1, e2, e3;
    memset(&e1, 0, sizeof e1);
    memset(&e2, 0, sizeof e2);
    memset(&e3, 0, sizeof e3);
    int has_id = 0;
    int r1 = jy_policy_case_parse_inputs(pol, line.buf, line.len, inputs, &ref, NULL, 0, &has_id, &e1);
    int r2 = jy_policy_reader_parse(rd, line.buf, line.len, inputs, &fast, NULL, 0, &has_id, &e2);
    int r3 = jy_policy_reader_parse_parts(rd, program, strlen(program), date, facts, n, inputs, &parts, &e3);
    if (r1 != r2 || r1 != r3)
        fail_msg("%s: return codes %d (reference), %d (line), %d (parts)", jy_sb_cstr(&line), r1, r2, r3);
    if (r1 != 0) {
        if (strcmp(e1.msg, e3.msg) != 0 || strcmp(e1.msg, e2.msg) != 0)
            fail_msg("%s: errors differ: \"%s\" / \"%s\" / \"%s\"", jy_sb_cstr(&line), e1.msg, e2.msg, e3.msg);
    } else {
        same(&ref, &fast, jy_sb_cstr(&line));
        same(&ref, &parts, jy_sb_cstr(&line));
    }
    compared++;
    jy_sb_free(&line);
}

static void check(const char *program, jy_date date, const char *facts, const char *const *inputs)
{
    check_n(program, date, facts, strlen(facts), inputs);
}

static jy_date D(const char *s)
{
    jy_date d = 0;
    assert_int_equal(jy_date_parse(s, &d, NULL), 0);
    return d;
}

static const char *const P1 =
    "{\"route\":\"institution\",\"certificate\":\"level5\",\"exam\":\"pass\",\"occupation\":\"中式烹调师\",\"level\":5,"
    "\"class_size\":30,\"hours_total\":120,\"hours_practical\":95,\"start\":\"2024-01-10\",\"end\":\"2024-02-10\","
    "\"statuses\":[\"employer_insured\"],\"hukou_division\":\"640522103\",\"hukou_ningxia\":true,\"hukou_urban\":false,"
    "\"age\":37,\"prior_trainings\":[{\"occupation\":\"中式烹调\",\"level\":\"五级\",\"date\":\"2023-05-01\"}],"
    "\"key_group\":true}";

static void plain_rows(void **state)
{
    (void)state;
    jy_date d = D("2024-03-15");
    check("P1", d, P1, INPUTS);
    check("P2", d, P1, INPUTS);
    check("P23", D("2023-12-31"), "{\"route\":\"institution\",\"certificate\":\"training_pass\",\"target_group\":\"veteran\"}", INPUTS);
    check("P13", d, "{}", INPUTS);
    check("P13", d, "  {\n \"month_index\" : 3 ,\"days_on_duty\":21 }\t\n", INPUTS);
    check("P1", d, "{\"occupation\":\"养老护理\",\"level\":\"五级\",\"track\":\"general\"}", INPUTS);
    check("P1", d, "{\"occupation\":\"一个不认识的工种\",\"level\":4}", INPUTS);
    check("P1", d, "{\"occupation\":\"枸杞技工\",\"certificate\":\"training_pass\"}", INPUTS);
    /* the start/end of a form: inputs of the list, and unknown without it (the reference names them) */
    check("P1", d, "{\"start\":\"2024-01-10\",\"end\":\"2024-02-10\",\"age\":30}", INPUTS);
    check("P1", d, "{\"start\":\"2024-01-10\",\"age\":30}", NULL);
}

static void fallbacks(void **state)
{
    (void)state;
    jy_date d = D("2024-03-15");
    check("P1", d, "{\"occupation\":\"\\u4e2d\\u5f0f\\u70f9\\u8c03\\u5e08\",\"level\":5}", INPUTS); /* escapes */
    check("P1", d, "{\"age\":30,\"agee\":31}", INPUTS);           /* unknown fact */
    check("P1", d, "{\"age\":30,\"age\":31}", INPUTS);            /* duplicate */
    check("P1", d, "{\"age\":30} x", INPUTS);                     /* after the object */
    check("P1", d, "{\"age\":30}}", INPUTS);
    check("P1", d, "[]", INPUTS);
    check("P1", d, "", INPUTS);
    check("P1", d, "null", INPUTS);
    check("P1", d, "{\"age\":1e3}", INPUTS);                      /* exponent */
    check("P1", d, "{\"age\":\"thirty\"}", INPUTS);
    check("P1", d, "{\"age\":200}", INPUTS);                      /* out of range */
    check("P1", d, "{\"age\":30,", INPUTS);                       /* cut short */
    check("P99", d, "{\"age\":30}", INPUTS);                      /* unknown programme */
    check("P\"1", d, "{\"age\":30}", INPUTS);                     /* a programme written escaped */
    check("", d, "{\"age\":30}", INPUTS);
    check("P1", 0, "{\"age\":30}", INPUTS);                       /* no date */
    static const char nul[] = "{\"age\":30}\0{\"age\":31}";       /* a NUL: the facts end there */
    check_n("P1", d, nul, sizeof nul - 1, INPUTS);
    static const char nul2[] = "{\"age\":30,\0\"age\":31}";
    check_n("P1", d, nul2, sizeof nul2 - 1, INPUTS);
    static const char nul3[] = "{\"occupation\":\"焊\0工\"}";
    check_n("P1", d, nul3, sizeof nul3 - 1, INPUTS);
}

static void dates(void **state)
{
    (void)state;
    jy_date d = D("2024-03-15");
    char facts[128];
    /* every day of a span (a leap February), read from the memo and not */
    for (int k = 0; k < 2; k++)
        for (jy_date x = D("2023-12-20"); x <= D("2024-03-10"); x++) {
            char ds[JY_DATE_BUFSZ];
            snprintf(facts, sizeof facts, "{\"publicity_start\":\"%s\",\"publicity_end\":\"%s\"}", jy_date_format(x, ds), ds);
            check("P15", d, facts, INPUTS);
        }
    static const char *const odd[] = {"2024-02-30", "2023-02-29", "2024-13-01", "2024-00-10", "2024-06-00",
                                      "2024/6/28",  "2024/06/28", "2024.06.28", "20240628",   " 2024-06-28",
                                      "2024-06-28 ", "2024-6-28", "2024-06-2x", "0000-01-01", "9999-12-31",
                                      "2024年6月28日", "2024-06-281", "24-06-28"};
    for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++) {
        snprintf(facts, sizeof facts, "{\"publicity_start\":\"%s\"}", odd[i]);
        check("P15", d, facts, INPUTS);
        snprintf(facts, sizeof facts, "{\"publicity_start\":\"%s\"}", odd[i]);
        check("P15", d, facts, NULL);
    }
}

static uint64_t rng = 0x9E3779B97F4A7C15u;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static void numbers(void **state)
{
    (void)state;
    jy_date d = D("2024-03-15");
    char facts[160];
    /* ratios as decimals: up to 15 digits divided exactly, longer ones through strtod */
    for (int i = 0; i < 20000; i++) {
        int frac = 1 + (int)(rnd() % 17), ip = (int)(rnd() % 3);
        char digits[32];
        for (int k = 0; k < frac; k++) digits[k] = (char)('0' + rnd() % 10);
        digits[frac] = 0;
        snprintf(facts, sizeof facts, "{\"employment_rate\":%s%d.%s}", rnd() % 16 == 0 ? "-" : "", ip == 2 ? 0 : ip, digits);
        check("P22", d, facts, INPUTS);
    }
    static const char *const odd[] = {"0.5", "-0.0", "0.0", "1.0", "0.999999999999999", "0.9999999999999999",
                                      "0.00005", "0.00004999", "123456789012.345", "1234567890123456.5", "0.1e1",
                                      "\"85%\"", "\"0.85\"", "85", "0", "-1"};
    for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++) {
        snprintf(facts, sizeof facts, "{\"employment_rate\":%s,\"reemployment_rate\":%s}", odd[i], odd[i]);
        check("P22", d, facts, INPUTS);
    }
    /* integers and codes given as strings */
    static const char *const ints[] = {"\"30\"", "\"030\"", "\"-5\"", "\"\"", "\"3x\"", "\"999999999999999999999\"", "30",
                                       "-0", "\"150\"", "\"151\""};
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
        snprintf(facts, sizeof facts, "{\"age\":%s,\"hukou_division\":%s}", ints[i], ints[i]);
        check("P1", d, facts, INPUTS);
    }
    /* short names (hashed by words) next to long ones */
    check("P1", d, "{\"age\":30,\"exam\":\"pass\",\"level\":5,\"track\":\"driver\",\"route\":\"institution\"}", INPUTS);
    check("P1", d, "{\"ag\":30}", INPUTS);
    check("P1", d, "{\"a\":30}", INPUTS);
    check("P1", d, "{\"\":30}", INPUTS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(plain_rows),
        cmocka_unit_test(fallbacks),
        cmocka_unit_test(dates),
        cmocka_unit_test(numbers),
    };
    int rc = cmocka_run_group_tests(tests, setup, teardown);
    fprintf(stderr, "test_policy_reader_parts: %ld rows compared\n", compared);
    return rc;
}
