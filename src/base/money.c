/* Money parsing, formatting and rational multiplication; see money.h. */
#include "base/money.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int jy_money_parse_n(const char *s, size_t n, jy_fen *out, jy_err *err)
{
    size_t i = 0, end = n;
    while (i < end && is_space((unsigned char)s[i])) i++;
    while (end > i && is_space((unsigned char)s[end - 1])) end--;
    /* optional currency marks: "￥" (EF BF A5), "¥" (C2 A5) before, "元" (E5 85 83) after */
    if (end - i >= 3 && memcmp(s + i, "\xEF\xBF\xA5", 3) == 0) i += 3;
    else if (end - i >= 2 && memcmp(s + i, "\xC2\xA5", 2) == 0) i += 2;
    if (end - i >= 3 && memcmp(s + end - 3, "\xE5\x85\x83", 3) == 0) end -= 3;
    while (i < end && is_space((unsigned char)s[i])) i++;
    while (end > i && is_space((unsigned char)s[end - 1])) end--;

    int neg = 0;
    if (i < end && (s[i] == '-' || s[i] == '+')) {
        neg = s[i] == '-';
        i++;
    }
    if (i >= end)
        return jy_err_set2(err, JY_EINVAL, "money.empty", "amount is empty", "金额为空");

    int64_t yuan = 0, fen = 0;
    int digits = 0, decimals = -1, last_comma = -1;
    for (size_t k = i; k < end; k++) {
        char c = s[k];
        if (c >= '0' && c <= '9') {
            if (decimals >= 0) {
                if (decimals == 2)
                    return jy_err_set2(err, JY_EINVAL, "money.decimals",
                                      "amount \"%.*s\" has more than two decimals", "金额“%.*s”的小数超过两位（最小单位为分）", (int)n, s);
                fen = fen * 10 + (c - '0');
                decimals++;
            } else {
                if (yuan > (INT64_MAX / 100 - 9) / 10)
                    return jy_err_set2(err, JY_EINVAL, "money.too_large", "amount \"%.*s\" is too large", "金额“%.*s”过大", (int)n, s);
                yuan = yuan * 10 + (c - '0');
                digits++;
            }
        } else if (c == ',' && decimals < 0 && digits > 0) {
            if (last_comma >= 0 && digits - last_comma != 3)
                return jy_err_set2(err, JY_EINVAL, "money.comma", "amount \"%.*s\" has a misplaced comma", "金额“%.*s”中的千位分隔逗号位置有误", (int)n, s);
            if (last_comma < 0 && digits > 3)
                return jy_err_set2(err, JY_EINVAL, "money.comma", "amount \"%.*s\" has a misplaced comma", "金额“%.*s”中的千位分隔逗号位置有误", (int)n, s);
            last_comma = digits;
        } else if (c == '.' && decimals < 0) {
            decimals = 0;
        } else {
            return jy_err_set2(err, JY_EINVAL, "money.not_number", "amount \"%.*s\" is not a number of yuan", "金额“%.*s”不是以元为单位的数字", (int)n, s);
        }
    }
    if (last_comma >= 0 && digits - last_comma != 3)
        return jy_err_set2(err, JY_EINVAL, "money.comma", "amount \"%.*s\" has a misplaced comma", "金额“%.*s”中的千位分隔逗号位置有误", (int)n, s);
    if (digits == 0)
        return jy_err_set2(err, JY_EINVAL, "money.no_yuan", "amount \"%.*s\" has no yuan digits", "金额“%.*s”缺少元的整数部分", (int)n, s);
    if (decimals == 0)
        return jy_err_set2(err, JY_EINVAL, "money.trailing_point", "amount \"%.*s\" ends with a decimal point", "金额“%.*s”以小数点结尾", (int)n, s);
    if (decimals == 1) fen *= 10;
    int64_t v = yuan * 100 + fen;
    *out = neg ? -v : v;
    return 0;
}

int jy_money_parse(const char *s, jy_fen *out, jy_err *err)
{
    if (!s) return jy_err_set2(err, JY_EINVAL, "money.missing", "amount is missing", "缺少金额");
    return jy_money_parse_n(s, strlen(s), out, err);
}

static char *format(jy_fen v, char *buf, int grouped)
{
    uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    uint64_t yuan = mag / 100, fen = mag % 100;
    char digits[24];
    int nd = snprintf(digits, sizeof digits, "%" PRIu64, yuan);
    char *p = buf;
    if (v < 0) *p++ = '-';
    for (int k = 0; k < nd; k++) {
        if (grouped && k > 0 && (nd - k) % 3 == 0) *p++ = ',';
        *p++ = digits[k];
    }
    *p++ = '.';
    *p++ = (char)('0' + fen / 10);
    *p++ = (char)('0' + fen % 10);
    *p = '\0';
    return buf;
}

char *jy_money_format(jy_fen v, char *buf)
{
    return format(v, buf, 1);
}

char *jy_money_format_plain(jy_fen v, char *buf)
{
    return format(v, buf, 0);
}

int jy_money_mul_ratio(jy_fen v, int64_t num, int64_t den, jy_fen *out, jy_err *err)
{
    if (den == 0) return jy_err_set2(err, JY_EINVAL, "money.zero_denominator", "ratio with a zero denominator", "比例的分母为零");
    __int128 p = (__int128)v * num;
    __int128 d = den;
    if (d < 0) { d = -d; p = -p; }
    __int128 q = p / d, r = p % d;
    if (r < 0) r = -r;
    if (2 * r >= d) q += p < 0 ? -1 : 1;
    if (q > INT64_MAX || q < INT64_MIN)
        return jy_err_set2(err, JY_EINVAL, "money.overflow", "amount out of range after multiplication", "金额相乘后超出范围");
    *out = (jy_fen)q;
    return 0;
}
