/* Bank card numbers (银行卡号): 12-19 digits with a Luhn (ISO/IEC 7812-1) check digit last.
 * Spaces and hyphens between digit groups ("6222 0210 …") are removed; anything else that is
 * not an ASCII digit (full-width digits included) is rejected, naming the character. */
#ifndef JY_BANKCARD_H
#define JY_BANKCARD_H

#include <stddef.h>

#include "base/err.h"

typedef struct jy_bankcard {
    char number[20]; /* digits only */
    int length;
} jy_bankcard;

/* The Luhn check digit ('0'..'9') to append to the n ASCII digits at digits, or '\0' when one
 * of them is not a digit. */
char jy_luhn_digit(const char *digits, size_t n);
/* 1 when the n digits (check digit last) pass the Luhn test. */
int jy_luhn_valid(const char *digits, size_t n);

int jy_bankcard_check(const char *s, jy_bankcard *out, jy_err *err);
int jy_bankcard_check_n(const char *s, size_t n, jy_bankcard *out, jy_err *err);

#endif
