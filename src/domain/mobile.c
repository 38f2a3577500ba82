/* Mainland mobile number validation; see mobile.h. */
#include "domain/mobile.h"

#include <string.h>

#include "domain/textcheck.h"

int jy_mobile_check_n(const char *s, size_t n, jy_mobile *out, jy_err *err)
{
    char buf[40], digits[16];
    size_t k = 0, i = 0;
    int plus = 0;
    if (!s || n == 0) return jy_err_set2(err, JY_EINVAL, "mobile.empty", "mobile number is empty", "手机号码为空");
    int rc = jy_tc_reject_fullwidth(s, n, "mobile number", err);
    if (rc) return rc;
    if (s[0] == '+') {
        plus = 1;
        i = 1;
    }
    for (; i < n; i++) {
        char c = s[i];
        if (c == ' ' || c == '-') continue;
        if (c < '0' || c > '9') {
            jy_tc_describe(s + i, n - i, buf, sizeof buf);
            return jy_err_set2(err, JY_EINVAL, "mobile.not_digit", "mobile number has %s: only digits are allowed", "手机号码含有%s：只能填写数字",
                              buf);
        }
        if (k == sizeof digits - 1)
            return jy_err_set2(err, JY_EINVAL, "mobile.too_long", "mobile number is too long", "手机号码位数过多");
        digits[k++] = c;
    }
    const char *d = digits;
    if (plus) {
        if (k < 2 || memcmp(d, "86", 2) != 0)
            return jy_err_set2(err, JY_EINVAL, "mobile.not_mainland",
                              "mobile number must be a mainland number (+86), not +%.*s", "手机号码应为中国大陆号码（+86），不是 +%.*s",
                              (int)(k < 3 ? k : 3), d);
        d += 2;
        k -= 2;
    } else if (k == 15 && memcmp(d, "0086", 4) == 0) {
        d += 4;
        k -= 4;
    } else if (k == 13 && memcmp(d, "86", 2) == 0) {
        d += 2;
        k -= 2;
    }
    if (k != 11)
        return jy_err_set2(err, JY_EINVAL, "mobile.length", "mobile number must be 11 digits, found %zu", "手机号码应为11位，实际为%zu位", k);
    if (d[0] != '1' || d[1] < '3')
        return jy_err_set2(err, JY_EINVAL, "mobile.prefix",
                          "mobile number must start with 13-19, not %.2s (a landline needs its "
                          "area code and is not a mobile number)", "手机号码应以13至19开头，不是 %.2s（固定电话需加区号，且不是手机号码）",
                          d);
    if (out) {
        memcpy(out->number, d, 11);
        out->number[11] = '\0';
    }
    return 0;
}

int jy_mobile_check(const char *s, jy_mobile *out, jy_err *err)
{
    return jy_mobile_check_n(s, s ? strlen(s) : 0, out, err);
}
