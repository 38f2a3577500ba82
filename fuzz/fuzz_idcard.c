/* Fuzz target for the identifier validators: every input is checked as a 身份证号, a 统一社会信用代码,
 * a bank card number and a mobile number, and parsed as calendar text. Besides memory errors
 * (ASan/UBSan) it checks the validators' promises and aborts when one is broken: a valid result
 * re-validates from its normalised form, and its check character is the one the exported
 * check-character function computes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "domain/bankcard.h"
#include "domain/calendar.h"
#include "domain/division.h"
#include "domain/idcard.h"
#include "domain/mobile.h"
#include "domain/uscc.h"

static jy_divisions *divs;

static void promise(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "broken promise: %s\n", what);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!divs) {
        const char *dir = getenv("JY_POLICY_DIR");
        if (jy_divisions_load(dir && *dir ? dir : JY_POLICY_DIR, &divs, NULL) != 0) divs = NULL;
    }
    const char *s = (const char *)data;
    jy_err err;
    jy_date today = jy_date_from_ymd(2025, 6, 15);

    jy_idcard id;
    if (jy_idcard_check_n(s, size, divs, today, &id, &err) == 0) {
        promise(strlen(id.number) == 18, "idcard number has 18 characters");
        promise(jy_idcard_check_char(id.number) == id.number[17], "idcard check character");
        promise(id.sex == 'M' || id.sex == 'F', "idcard sex");
        promise(id.birth <= today, "idcard birth not in the future");
        jy_idcard again;
        promise(jy_idcard_check_n(id.number, 18, divs, today, &again, NULL) == 0 &&
                    memcmp(&again.number, &id.number, sizeof id.number) == 0,
                "idcard normalised form re-validates");
    } else {
        promise(err.code == JY_EINVAL && err.msg[0], "idcard failure has a reason");
    }

    jy_uscc u;
    if (jy_uscc_check_n(s, size, divs, &u, &err) == 0) {
        promise(jy_uscc_check_char(u.code) == u.code[17], "uscc check character");
        promise(jy_uscc_check_n(u.code, 18, divs, NULL, NULL) == 0, "uscc re-validates");
    } else {
        promise(err.code == JY_EINVAL && err.msg[0], "uscc failure has a reason");
    }

    jy_bankcard c;
    if (jy_bankcard_check_n(s, size, &c, &err) == 0) {
        promise(c.length >= 12 && c.length <= 19, "bank card length");
        promise(jy_luhn_digit(c.number, (size_t)c.length - 1) == c.number[c.length - 1],
                "Luhn digit");
    }

    jy_mobile m;
    if (jy_mobile_check_n(s, size, &m, &err) == 0)
        promise(strlen(m.number) == 11 && m.number[0] == '1', "mobile number form");

    if (divs) (void)jy_division_find_n(divs, s, size);

    jy_calendar *cal = NULL;
    if (jy_calendar_parse(s, size, "fuzz", &cal, &err) == 0) {
        int first, last, n;
        jy_calendar_years(cal, &first, &last);
        jy_date a = jy_date_from_ymd(first, 1, 1), b = jy_date_from_ymd(last, 12, 31);
        if (jy_calendar_workdays(cal, a, b, &n, NULL) == 0 && n > 0) {
            jy_date r;
            promise(jy_calendar_nth_workday(cal, a, n, &r, NULL) == 0 && r <= b,
                    "the n-th working day lies within the span");
        }
        jy_calendar_free(cal);
    }
    return 0;
}
