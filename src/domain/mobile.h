/* Mainland China mobile numbers (手机号码): 11 digits, 1 then 3-9. A country prefix "+86",
 * "0086" or "86" (when 13 digits) and separators (space, hyphen) are removed first; the
 * normalised number is the bare 11 digits. Full-width digits are rejected, naming them. */
#ifndef JY_MOBILE_H
#define JY_MOBILE_H

#include <stddef.h>

#include "base/err.h"

typedef struct jy_mobile {
    char number[12]; /* 11 digits */
} jy_mobile;

int jy_mobile_check(const char *s, jy_mobile *out, jy_err *err);
int jy_mobile_check_n(const char *s, size_t n, jy_mobile *out, jy_err *err);

#endif
