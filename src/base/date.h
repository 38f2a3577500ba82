/* Dates as days since 1970-01-01 (int32_t, proleptic Gregorian), and months as
 * months since 1970-01. No time_t in the domain.
 *
 * jy_date_parse is strict ISO ("2024-03-07"). jy_date_parse_loose also takes the forms found in
 * rosters: "2024/3/7", "2024.3.7", "2024年3月7日", "20240307". Both reject impossible dates
 * (1999-02-29) with a message naming the reason. */
#ifndef JY_DATE_H
#define JY_DATE_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

typedef int32_t jy_date;  /* days since 1970-01-01 */
typedef int32_t jy_month; /* months since 1970-01: (year - 1970) * 12 + (month - 1) */

#define JY_DATE_BUFSZ 11  /* "YYYY-MM-DD" + NUL */
#define JY_MONTH_BUFSZ 8  /* "YYYY-MM" + NUL */

int jy_is_leap(int year);
int jy_days_in_month(int year, int month);
int jy_ymd_valid(int year, int month, int day);
jy_date jy_date_from_ymd(int year, int month, int day); /* caller ensures validity */
void jy_date_to_ymd(jy_date d, int *year, int *month, int *day);
int jy_date_weekday(jy_date d); /* 1 = Monday … 7 = Sunday (ISO 8601) */

int jy_date_parse(const char *s, jy_date *out, jy_err *err);
int jy_date_parse_n(const char *s, size_t n, jy_date *out, jy_err *err);
int jy_date_parse_loose(const char *s, jy_date *out, jy_err *err);
char *jy_date_format(jy_date d, char *buf); /* buf ≥ JY_DATE_BUFSZ; returns buf */

/* Today in UTC+8 (China Standard Time); JIUYE_TODAY=YYYY-MM-DD overrides it (tests, replays). */
jy_date jy_date_today(void);

/* Adds n months, clamping the day to the target month's length (01-31 + 1 month = 02-28/29). */
jy_date jy_date_add_months(jy_date d, int n);

jy_month jy_month_of(jy_date d);
jy_month jy_month_from_ym(int year, int month);
void jy_month_to_ym(jy_month m, int *year, int *month);
jy_date jy_month_first_day(jy_month m);
jy_date jy_month_last_day(jy_month m);
int jy_month_parse(const char *s, jy_month *out, jy_err *err); /* "2024-03" */
char *jy_month_format(jy_month m, char *buf);                  /* buf ≥ JY_MONTH_BUFSZ */

/* Whole years between birth and on (age on a date), counting a 02-29 birthday as 02-28 in
 * common years. */
int jy_age_on(jy_date birth, jy_date on);

#endif
