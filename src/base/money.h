/* Money as int64 fen (分, 1/100 yuan). Never a double anywhere in jiuye.
 *
 * jy_money_parse accepts what rosters and forms contain: "2745.05", "1,750", "1750元", "1750.5",
 * "￥1,750.00", "-30", with surrounding spaces; at most two decimals (a third is an error, not
 * rounded). jy_money_format writes "2,745.05" (grouped) and jy_money_format_plain "2745.05". */
#ifndef JY_MONEY_H
#define JY_MONEY_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

typedef int64_t jy_fen;

#define JY_YUAN(y) ((jy_fen)(y) * 100)
#define JY_MONEY_BUFSZ 32 /* enough for any formatted int64 amount */

int jy_money_parse(const char *s, jy_fen *out, jy_err *err);
int jy_money_parse_n(const char *s, size_t n, jy_fen *out, jy_err *err);

/* Writes into buf (at least JY_MONEY_BUFSZ bytes); returns buf. */
char *jy_money_format(jy_fen v, char *buf);       /* "2,745.05" */
char *jy_money_format_plain(jy_fen v, char *buf); /* "2745.05"  */

/* v × num / den rounded half away from zero to the fen (round half up for positive amounts).
 * Fails (JY_EINVAL) when den is 0 or the result does not fit in int64. */
int jy_money_mul_ratio(jy_fen v, int64_t num, int64_t den, jy_fen *out, jy_err *err);

#endif
