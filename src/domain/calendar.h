/* The working-day calendar (工作日): weekends are rest days and weekdays working days, except for
 * the State Council's holiday arrangements (国务院办公厅关于部分节假日安排的通知): "off" days (放假)
 * and make-up working days (调休上班) on weekends. The arrangements are data in
 * <policy_dir>/calendar.txt, one block per year, which an administrator extends each year (format
 * in docs/domain.md and the file's header). A year without a block has no data: every question
 * of the strict functions touching it fails with JY_ENODATA rather than guessing; the *_prov
 * functions answer for a year not yet published by the weekend rule and say so (provisional).
 *
 * Loading precomputes a working-day flag and a running count per day, so every query is O(1)
 * (nth_workday O(log days)). A jy_calendar is immutable after loading; share it freely. */
#ifndef JY_CALENDAR_H
#define JY_CALENDAR_H

#include <stddef.h>

#include "base/date.h"
#include "base/err.h"

typedef struct jy_calendar jy_calendar;

#define JY_CALENDAR_FILE "calendar.txt"

/* Loads <policy_dir>/calendar.txt. Errors: JY_EIO (cannot read), JY_EINVAL "FILE:LINE: reason". */
int jy_calendar_load(const char *policy_dir, jy_calendar **out, jy_err *err);
int jy_calendar_load_file(const char *path, jy_calendar **out, jy_err *err);
/* Parses calendar text held in memory; name is used in error messages ("FILE:LINE: …"). */
int jy_calendar_parse(const char *text, size_t len, const char *name, jy_calendar **out,
                      jy_err *err);
void jy_calendar_free(jy_calendar *cal);

/* 1 when the year has a block in the data. first/last: the range of years with data. */
int jy_calendar_has_year(const jy_calendar *cal, int year);
void jy_calendar_years(const jy_calendar *cal, int *first, int *last);

/* Every query below fails with JY_ENODATA ("no holiday calendar for 2027: add the State Council
 * notice for 2027 to policy/calendar.txt") when a day it must look at lies in a year without
 * data. */

/* *workday = 1 when d is a working day, else 0. */
int jy_calendar_is_workday(const jy_calendar *cal, jy_date d, int *workday, jy_err *err);
/* The n-th working day (n >= 1) counted from `from`, which counts as the first when it is a
 * working day: five working days of publicity starting on from end on the result. */
int jy_calendar_nth_workday(const jy_calendar *cal, jy_date from, int n, jy_date *out,
                            jy_err *err);
/* Number of working days in [from, to], both included (0 when to < from). */
int jy_calendar_workdays(const jy_calendar *cal, jy_date from, jy_date to, int *count,
                         jy_err *err);
int jy_calendar_workdays_in_month(const jy_calendar *cal, jy_month m, int *count, jy_err *err);
/* ---- provisional answers (issue 10 item 16: the turn of the year) ----
 * The State Council publishes next year's arrangements in November or December, so from late
 * December publicity periods and deadlines reach into a year without data. The functions below
 * answer anyway: a day in the year AFTER the last year with data (the unpublished year) counts by
 * the weekend rule alone (Monday to Friday working, no holidays, no 调休) and *provisional is set
 * to 1; otherwise they answer exactly as the strict functions above and set it to 0. Days before
 * the first year with data, or in a gap between years with data, still fail with JY_ENODATA
 * (that notice was published: add it), and so do days two or more years after the last one
 * (missing data or a typo, not the turn of the year). A provisional date is to be recomputed with the strict
 * functions once the year is added (docs/domain.md, "Provisional dates"). */
int jy_calendar_is_workday_prov(const jy_calendar *cal, jy_date d, int *workday, int *provisional, jy_err *err);
int jy_calendar_nth_workday_prov(const jy_calendar *cal, jy_date from, int n, jy_date *out, int *provisional,
                                 jy_err *err);
int jy_calendar_workdays_prov(const jy_calendar *cal, jy_date from, jy_date to, int *count, int *provisional,
                              jy_err *err);
int jy_calendar_workdays_in_month_prov(const jy_calendar *cal, jy_month m, int *count, int *provisional,
                                       jy_err *err);

/* The year whose arrangements should be known on `today` but are not: today's year when it has
 * no data, else — from 1 November on — next year when it has none; 0 when nothing is missing.
 * Callers warn with jy_calendar_missing_warning. */
int jy_calendar_missing_year(const jy_calendar *cal, jy_date today);
/* The warning text for jy_calendar_missing_year's answer (year != 0) into buf. */
void jy_calendar_missing_warning(int year, jy_date today, char *buf, size_t cap);

/* The holiday name of an off day or make-up working day ("春节", "春节调休"), or NULL for an
 * ordinary day or a day without data. */
const char *jy_calendar_day_label(const jy_calendar *cal, jy_date d);

#endif
