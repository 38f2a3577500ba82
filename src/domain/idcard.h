/* 居民身份证号码 (citizen identity number, GB 11643-1999): 6-digit division code (address code),
 * 8-digit birth date YYYYMMDD, 3-digit sequence (odd 17th digit: male, even: female) and an
 * ISO 7064 MOD 11-2 check character (0-9 or X).
 *
 * Decisions (see docs/domain.md):
 *  - a lower-case x as check character is accepted and normalised to upper-case X (people type
 *    it; the card shows X); the normalised number is in jy_idcard.number and lower_x is set;
 *  - full-width digits (０-９, Ｘ) and any other non-ASCII character are rejected with a reason
 *    naming the character and its position: convert the text before checking;
 *  - no whitespace trimming: the caller trims cells; a space is "character N is not a digit";
 *  - 15-digit first-generation numbers are rejected with a reason saying so;
 *  - birth date must exist, be 1900-01-01 or later and not after today;
 *  - the division prefix: the province (2 digits) must be a province-level code of the division
 *    table; for Ningxia (64) the whole 6-digit code must be a county-level (or former) entry of
 *    the table. With divs == NULL only the format is checked (6 digits, province not 00). */
#ifndef JY_IDCARD_H
#define JY_IDCARD_H

#include <stddef.h>

#include "base/date.h"
#include "base/err.h"
#include "domain/division.h"

typedef struct jy_idcard {
    char number[19];  /* normalised: 18 chars, upper-case X */
    char division[7]; /* the 6-digit address code */
    jy_date birth;
    char sex;         /* 'M' or 'F' */
    int lower_x;      /* 1 when the input had a lower-case x that was normalised */
} jy_idcard;

/* The check character ('0'..'9' or 'X') for the first 17 characters, or '\0' when first17 is
 * not 17 ASCII digits. */
char jy_idcard_check_char(const char *first17);

/* Checks a NUL-terminated number against today's date (jy_date_today, so JIUYE_TODAY applies).
 * Returns 0 and fills out (may be NULL), or JY_EINVAL with the exact reason in err. */
int jy_idcard_check(const char *s, const jy_divisions *divs, jy_idcard *out, jy_err *err);
/* Same for n bytes (any bytes, NUL included) with an explicit today (for bulk imports). */
int jy_idcard_check_n(const char *s, size_t n, const jy_divisions *divs, jy_date today,
                      jy_idcard *out, jy_err *err);

#endif
