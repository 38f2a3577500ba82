/* Bank card number validation (Luhn); see bankcard.h. */
#include "domain/bankcard.h"

#include <string.h>

#include "domain/textcheck.h"

/* Luhn sum of digits[0..n) where the rightmost digit is doubled when double_last. */
static int luhn_sum(const char *digits, size_t n, int double_last, int *sum)
{
    int s = 0, dbl = double_last;
    for (size_t i = n; i-- > 0;) {
        if (digits[i] < '0' || digits[i] > '9') return -1;
        int v = digits[i] - '0';
        if (dbl) {
            v *= 2;
            if (v > 9) v -= 9;
        }
        s += v;
        dbl = !dbl;
    }
    *sum = s;
    return 0;
}

char jy_luhn_digit(const char *digits, size_t n)
{
    int sum;
    if (!digits || luhn_sum(digits, n, 1, &sum) != 0) return '\0';
    return (char)('0' + (10 - sum % 10) % 10);
}

int jy_luhn_valid(const char *digits, size_t n)
{
    int sum;
    if (!digits || n < 2 || luhn_sum(digits, n, 0, &sum) != 0) return 0;
    return sum % 10 == 0;
}

int jy_bankcard_check_n(const char *s, size_t n, jy_bankcard *out, jy_err *err)
{
    char buf[40], digits[20];
    size_t k = 0;
    if (!s || n == 0) return jy_err_set2(err, JY_EINVAL, "bankcard.empty", "card number is empty", "银行卡号为空");
    int rc = jy_tc_reject_fullwidth(s, n, "card number", err);
    if (rc) return rc;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == ' ' || c == '-') continue; /* group separators */
        if (c < '0' || c > '9') {
            jy_tc_describe(s + i, n - i, buf, sizeof buf);
            return jy_err_set2(err, JY_EINVAL, "bankcard.not_digit", "card number has %s: only digits are allowed", "银行卡号含有%s：只能填写数字", buf);
        }
        if (k == sizeof digits - 1)
            return jy_err_set2(err, JY_EINVAL, "bankcard.too_long", "card number is longer than 19 digits", "银行卡号超过19位");
        digits[k++] = c;
    }
    if (k < 12)
        return jy_err_set2(err, JY_EINVAL, "bankcard.length", "card number must be 12-19 digits, found %zu", "银行卡号应为12至19位数字，实际为%zu位", k);
    if (!jy_luhn_valid(digits, k))
        return jy_err_set2(err, JY_EINVAL, "bankcard.check_digit", "check digit should be %c (Luhn)", "银行卡号校验位（末位，Luhn算法）有误，应为 %c",
                          jy_luhn_digit(digits, k - 1));
    if (out) {
        memcpy(out->number, digits, k);
        out->number[k] = '\0';
        out->length = (int)k;
    }
    return 0;
}

int jy_bankcard_check(const char *s, jy_bankcard *out, jy_err *err)
{
    return jy_bankcard_check_n(s, s ? strlen(s) : 0, out, err);
}
