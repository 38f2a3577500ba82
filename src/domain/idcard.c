/* 居民身份证号 validation (GB 11643-1999); see idcard.h for the decisions taken. */
#include "domain/idcard.h"

#include <string.h>

#include "domain/textcheck.h"

/* ISO 7064 MOD 11-2 weights 2^(17-i) mod 11 and the check character for sum % 11. */
static const int weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
static const char check_of[11] = {'1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'};

char jy_idcard_check_char(const char *first17)
{
    if (!first17) return '\0';
    int sum = 0;
    for (int i = 0; i < 17; i++) {
        if (first17[i] < '0' || first17[i] > '9') return '\0';
        sum += (first17[i] - '0') * weights[i];
    }
    return check_of[sum % 11];
}

static int num(const char *s, int k)
{
    int v = 0;
    for (int i = 0; i < k; i++) v = v * 10 + (s[i] - '0');
    return v;
}

static int check_division(const char *s, const jy_divisions *divs, jy_err *err)
{
    if (memcmp(s, "00", 2) == 0)
        return jy_err_set2(err, JY_EINVAL, "idcard.province_00", "division code %.6s: province 00 does not exist",
                           "身份证号码前6位行政区划代码 %.6s 有误：不存在省级代码 00", s);
    if (!divs) return 0;
    if (!jy_division_province_known(divs, s))
        return jy_err_set2(err, JY_EINVAL, "idcard.province_unknown",
                           "division code %.6s: province %.2s does not exist",
                           "身份证号码前6位行政区划代码 %.6s 有误：不存在省级代码 %.2s", s, s);
    if (memcmp(s, "64", 2) == 0) { /* Ningxia: the county must be in the table */
        const jy_division *dv = jy_division_find_n(divs, s, 6);
        if (!dv)
            return jy_err_set2(err, JY_EINVAL, "idcard.county_unknown",
                               "division code %.6s is not a county of 宁夏 in the division table "
                               "(policy/divisions.tsv)",
                               "身份证号码前6位 %.6s 不是行政区划代码表（policy/divisions.tsv）中宁夏的县（区）",
                               s);
        if (dv->level != JY_DIV_COUNTY)
            return jy_err_set2(err, JY_EINVAL, "idcard.not_county",
                               "division code %.6s is %s, not a county: an ID number starts with "
                               "the county's code",
                               "身份证号码前6位 %.6s 是%s，不是县级代码：身份证号码应以县（区）的行政区划代码开头",
                               s, dv->name);
    }
    return 0;
}

int jy_idcard_check_n(const char *s, size_t n, const jy_divisions *divs, jy_date today,
                      jy_idcard *out, jy_err *err)
{
    char buf[40];
    if (!s || n == 0) return jy_err_set2(err, JY_EINVAL, "idcard.empty", "ID number is empty", "身份证号码为空");
    int rc = jy_tc_reject_fullwidth(s, n, "ID number", err);
    if (rc) return rc;
    size_t chars = jy_tc_count_chars(s, n);
    if (chars != 18) {
        int digits15 = n == 15;
        for (size_t i = 0; digits15 && i < n; i++) digits15 = s[i] >= '0' && s[i] <= '9';
        if (digits15)
            return jy_err_set2(err, JY_EINVAL, "idcard.fifteen_digits",
                               "15-digit first-generation ID numbers are not accepted: ask for "
                               "the 18-digit number",
                               "不受理15位的第一代身份证号码：请提供18位身份证号码");
        return jy_err_set2(err, JY_EINVAL, "idcard.length", "ID number must be 18 characters, found %zu",
                           "身份证号码应为18位，实际为%zu位", chars);
    }
    /* 18 characters; the first 17 must be ASCII digits (so they are 17 bytes). */
    for (size_t i = 0, pos = 1; pos <= 17; pos++) {
        if (s[i] < '0' || s[i] > '9') {
            jy_tc_describe(s + i, n - i, buf, sizeof buf);
            return jy_err_set2(err, JY_EINVAL, "idcard.not_digit", "character %zu (%s) is not a digit",
                               "身份证号码第%zu位（%s）不是数字", pos, buf);
        }
        i++;
    }
    if (n != 18) { /* the 18th character is multi-byte */
        jy_tc_describe(s + 17, n - 17, buf, sizeof buf);
        return jy_err_set2(err, JY_EINVAL, "idcard.check_char_form", "check character %s must be a digit or X",
                           "身份证号码校验位（第18位）%s 应为数字或 X", buf);
    }
    char last = s[17];
    int lower_x = last == 'x';
    if (lower_x) last = 'X';
    if (!((last >= '0' && last <= '9') || last == 'X')) {
        jy_tc_describe(s + 17, 1, buf, sizeof buf);
        return jy_err_set2(err, JY_EINVAL, "idcard.check_char_form", "check character %s must be a digit or X",
                           "身份证号码校验位（第18位）%s 应为数字或 X", buf);
    }

    int y = num(s + 6, 4), m = num(s + 10, 2), d = num(s + 12, 2);
    if (!jy_ymd_valid(y, m, d))
        return jy_err_set2(err, JY_EINVAL, "idcard.birth_no_such_day", "birth date %.4s-%.2s-%.2s does not exist",
                           "身份证号码中的出生日期 %.4s-%.2s-%.2s 不存在", s + 6, s + 10, s + 12);
    if (y < 1900)
        return jy_err_set2(err, JY_EINVAL, "idcard.birth_before_1900", "birth date %.4s-%.2s-%.2s is before 1900",
                           "身份证号码中的出生日期 %.4s-%.2s-%.2s 早于1900年", s + 6, s + 10, s + 12);
    jy_date birth = jy_date_from_ymd(y, m, d);
    if (birth > today)
        return jy_err_set2(err, JY_EINVAL, "idcard.birth_future", "birth date %.4s-%.2s-%.2s is in the future",
                           "身份证号码中的出生日期 %.4s-%.2s-%.2s 晚于今天", s + 6, s + 10, s + 12);
    rc = check_division(s, divs, err);
    if (rc) return rc;
    char want = jy_idcard_check_char(s);
    if (want != last)
        return jy_err_set2(err, JY_EINVAL, "idcard.check_char", "check character should be %c",
                           "身份证号码校验位（第18位）有误，应为 %c", want);

    if (out) {
        memcpy(out->number, s, 17);
        out->number[17] = last;
        out->number[18] = '\0';
        memcpy(out->division, s, 6);
        out->division[6] = '\0';
        out->birth = birth;
        out->sex = (s[16] - '0') % 2 ? 'M' : 'F';
        out->lower_x = lower_x;
    }
    return 0;
}

int jy_idcard_check(const char *s, const jy_divisions *divs, jy_idcard *out, jy_err *err)
{
    return jy_idcard_check_n(s, s ? strlen(s) : 0, divs, jy_date_today(), out, err);
}
