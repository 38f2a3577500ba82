/* Internal helpers shared by the identifier validators (idcard, uscc, bankcard, mobile): walking
 * UTF-8 input one character at a time and naming offending characters in messages. Not part of
 * the public domain API. */
#ifndef JY_DOMAIN_TEXTCHECK_H
#define JY_DOMAIN_TEXTCHECK_H

#include <stddef.h>

#include "base/err.h"

/* Length of the well-formed UTF-8 sequence at s[0..n) (1-4), or 0 when it is malformed. */
size_t jy_tc_utf8_len(const unsigned char *s, size_t n);

/* If s[0..n) contains a full-width digit or letter (U+FF10-U+FF19, U+FF21-U+FF3A,
 * U+FF41-U+FF5A), fails with JY_EINVAL naming the first run of them and the field ("ID number"),
 * e.g. `ID number has full-width characters "６４０５…": type ASCII digits 0-9`; else returns 0. */
int jy_tc_reject_fullwidth(const char *s, size_t n, const char *field, jy_err *err);

/* Describes the character at s[0..n) for a message: "\"A\"", "\"中\"", "byte 0xFF", "a space",
 * "a tab", "control character 0x01" into buf (≥ 32 bytes); returns the bytes it spans (≥ 1). */
size_t jy_tc_describe(const char *s, size_t n, char *buf, size_t bufsz);

/* Number of characters (UTF-8 code points; a malformed byte counts as one) in s[0..n). */
size_t jy_tc_count_chars(const char *s, size_t n);

#endif
