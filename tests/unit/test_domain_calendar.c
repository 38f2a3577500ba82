/* Unit tests of the working-day calendar (policy/calendar.txt): the State Council arrangements
 * of 2023-2026 (CALENDAR.md facts and yearly totals), counting across National Day, the refusal
 * to guess a year without data, consistency of the precomputed counts with day-by-day counting,
 * and the parser's file:line errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "base/date.h"
#include "domain/calendar.h"

static jy_calendar *cal;

static int setup(void **state)
{
    (void)state;
    const char *dir = getenv("JY_POLICY_DIR");
    jy_err err;
    if (jy_calendar_load(dir && *dir ? dir : JY_POLICY_DIR, &cal, &err) != 0) {
        fprintf(stderr, "cannot load the calendar: %s\n", err.msg);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    jy_calendar_free(cal);
    return 0;
}

static jy_date D(const char *s)
{
    jy_date d;
    jy_err err;
    if (jy_date_parse(s, &d, &err) != 0) fail_msg("%s", err.msg);
    return d;
}

static int workday(const char *s)
{
    int w = -1;
    jy_err err;
    if (jy_calendar_is_workday(cal, D(s), &w, &err) != 0) fail_msg("%s: %s", s, err.msg);
    return w;
}

static void issue_facts(void **state)
{
    (void)state;
    assert_int_equal(workday("2023-10-07"), 1); /* Saturday, 国庆调休 */
    assert_int_equal(workday("2024-02-04"), 1); /* Sunday, 春节调休 */
    assert_int_equal(workday("2024-02-12"), 0); /* Monday, 春节 */
    assert_int_equal(workday("2025-05-05"), 0); /* Monday, 劳动节 */
    assert_int_equal(workday("2024-10-12"), 1);
    assert_int_equal(workday("2024-10-08"), 1);
    assert_int_equal(workday("2024-06-10"), 0); /* 端午 Monday */
    assert_int_equal(workday("2024-06-11"), 1);
    assert_int_equal(workday("2026-01-04"), 1);
    assert_int_equal(workday("2026-02-23"), 0);
    assert_int_equal(workday("2023-01-02"), 0);
    assert_int_equal(workday("2025-03-15"), 0); /* an ordinary Saturday */
    assert_int_equal(workday("2025-03-14"), 1); /* an ordinary Friday */
    assert_string_equal(jy_calendar_day_label(cal, D("2024-02-12")), "春节");
    assert_string_equal(jy_calendar_day_label(cal, D("2024-02-04")), "春节调休");
    assert_null(jy_calendar_day_label(cal, D("2024-03-12")));
    assert_null(jy_calendar_day_label(cal, D("2030-03-12")));
}

static void yearly_totals_match_the_notices(void **state)
{
    (void)state;
    static const struct { int year, total; } want[] = {{2023, 249}, {2024, 251}, {2025, 248}, {2026, 248}};
    jy_err err;
    for (size_t i = 0; i < 4; i++) {
        int n = -1;
        assert_int_equal(jy_calendar_workdays(cal, jy_date_from_ymd(want[i].year, 1, 1),
                                              jy_date_from_ymd(want[i].year, 12, 31), &n, &err),
                         0);
        assert_int_equal(n, want[i].total);
        int sum = 0;
        for (int m = 1; m <= 12; m++) {
            int c;
            assert_int_equal(jy_calendar_workdays_in_month(cal, jy_month_from_ym(want[i].year, m), &c, &err), 0);
            sum += c;
        }
        assert_int_equal(sum, want[i].total);
        assert_true(jy_calendar_has_year(cal, want[i].year));
    }
    int first, last;
    jy_calendar_years(cal, &first, &last);
    assert_int_equal(first, 2023);
    assert_int_equal(last, 2026);
}

static void months(void **state)
{
    (void)state;
    jy_err err;
    int n;
    assert_int_equal(jy_calendar_workdays_in_month(cal, jy_month_from_ym(2024, 10), &n, &err), 0);
    assert_int_equal(n, 19); /* 23 weekdays - 5 off + Saturday 10-12 */
    assert_int_equal(jy_calendar_workdays_in_month(cal, jy_month_from_ym(2024, 2), &n, &err), 0);
    assert_int_equal(n, 18); /* 21 weekdays - 5 off + Sundays 02-04, 02-18 */
    assert_int_equal(jy_calendar_workdays_in_month(cal, jy_month_from_ym(2025, 7), &n, &err), 0);
    assert_int_equal(n, 23);
}

static void publicity_across_national_day(void **state)
{
    (void)state;
    jy_date r;
    jy_err err;
    char b[JY_DATE_BUFSZ];
    /* 5 working days from Friday 2024-09-27: 27, 29 (Sunday 调休), 30, then 10-08, 10-09 */
    assert_int_equal(jy_calendar_nth_workday(cal, D("2024-09-27"), 5, &r, &err), 0);
    assert_string_equal(jy_date_format(r, b), "2024-10-09");
    /* from a rest day the next working day is the first */
    assert_int_equal(jy_calendar_nth_workday(cal, D("2024-10-01"), 1, &r, &err), 0);
    assert_string_equal(jy_date_format(r, b), "2024-10-08");
    assert_int_equal(jy_calendar_nth_workday(cal, D("2024-09-27"), 1, &r, &err), 0);
    assert_string_equal(jy_date_format(r, b), "2024-09-27");
    /* 2023: 9-29 .. 10-06 off, 10-07 and 10-08 worked */
    assert_int_equal(jy_calendar_nth_workday(cal, D("2023-09-28"), 3, &r, &err), 0);
    assert_string_equal(jy_date_format(r, b), "2023-10-08");
    /* 2025: 10-01 .. 10-08 off, 09-28 and 10-11 worked: 26, 28, 29, 30, then 10-09 */
    assert_int_equal(jy_calendar_nth_workday(cal, D("2025-09-26"), 5, &r, &err), 0);
    assert_string_equal(jy_date_format(r, b), "2025-10-09");
    int n;
    assert_int_equal(jy_calendar_workdays(cal, D("2024-09-27"), D("2024-10-09"), &n, &err), 0);
    assert_int_equal(n, 5);
    assert_int_equal(jy_calendar_workdays(cal, D("2024-10-01"), D("2024-10-07"), &n, &err), 0);
    assert_int_equal(n, 0);
    assert_int_equal(jy_calendar_workdays(cal, D("2024-10-09"), D("2024-10-01"), &n, &err), 0);
    assert_int_equal(n, 0);
    assert_int_equal(jy_calendar_workdays(cal, D("2023-01-01"), D("2026-12-31"), &n, &err), 0);
    assert_int_equal(n, 249 + 251 + 248 + 248);
    /* a year boundary: 2025-12-31 Wednesday, 2026-01-01..03 off, 01-04 Sunday worked */
    assert_int_equal(jy_calendar_nth_workday(cal, D("2025-12-31"), 2, &r, &err), 0);
    assert_string_equal(jy_date_format(r, b), "2026-01-04");
    assert_int_equal(jy_calendar_nth_workday(cal, D("2024-01-01"), 0, &r, &err), JY_EINVAL);
}

static void a_year_without_data_fails_clearly(void **state)
{
    (void)state;
    jy_err err;
    int w, n;
    jy_date r;
    assert_int_equal(jy_calendar_is_workday(cal, D("2027-01-04"), &w, &err), JY_ENODATA);
    assert_string_equal(err.msg, "no holiday calendar for 2027: add the State Council notice for "
                                 "2027 to policy/calendar.txt");
    assert_int_equal(jy_calendar_workdays(cal, D("2026-12-01"), D("2027-01-31"), &n, &err), JY_ENODATA);
    assert_non_null(strstr(err.msg, "for 2027"));
    assert_int_equal(jy_calendar_nth_workday(cal, D("2026-12-28"), 5, &r, &err), JY_ENODATA);
    assert_non_null(strstr(err.msg, "for 2027"));
    assert_int_equal(jy_calendar_nth_workday(cal, D("2026-12-28"), 4, &r, &err), 0); /* 31st */
    assert_int_equal(jy_calendar_is_workday(cal, D("2022-06-01"), &w, &err), JY_ENODATA);
    assert_non_null(strstr(err.msg, "for 2022"));
    assert_int_equal(jy_calendar_nth_workday(cal, D("2025-01-02"), 100000, &r, &err), JY_ENODATA);
    assert_int_equal(jy_calendar_workdays_in_month(cal, jy_month_from_ym(2027, 1), &n, &err), JY_ENODATA);
    assert_false(jy_calendar_has_year(cal, 2027));
}

static void fast_counts_agree_with_day_by_day(void **state)
{
    (void)state;
    jy_date lo = D("2023-01-01"), hi = D("2026-12-31");
    uint32_t x = 7;
    jy_err err;
    for (int k = 0; k < 3000; k++) {
        x = x * 1103515245u + 12345u;
        jy_date a = lo + (jy_date)((x >> 8) % (uint32_t)(hi - lo + 1));
        x = x * 1103515245u + 12345u;
        jy_date b = a + (jy_date)((x >> 8) % 200);
        if (b > hi) b = hi;
        int slow = 0, w, fast;
        for (jy_date d = a; d <= b; d++) {
            assert_int_equal(jy_calendar_is_workday(cal, d, &w, &err), 0);
            slow += w;
        }
        assert_int_equal(jy_calendar_workdays(cal, a, b, &fast, &err), 0);
        assert_int_equal(fast, slow);
        if (slow > 0) { /* the slow-th working day from a is the last working day up to b */
            jy_date r, last = b;
            while (jy_calendar_is_workday(cal, last, &w, &err) == 0 && !w) last--;
            assert_int_equal(jy_calendar_nth_workday(cal, a, slow, &r, &err), 0);
            assert_int_equal(r, last);
        }
    }
    /* speed, for the record (the policy engine and payroll ask millions of times) */
    clock_t t0 = clock();
    long total = 0;
    for (int i = 0; i < 2000000; i++) {
        int c;
        jy_calendar_workdays(cal, lo + i % 1000, lo + i % 1000 + 30, &c, NULL);
        total += c;
    }
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    printf("# 2,000,000 workdays() queries in %.3f s (%.0f ns each; checksum %ld)\n", secs,
           secs * 1e9 / 2e6, total);
}

static int parse(const char *text, jy_calendar **out, jy_err *err)
{
    return jy_calendar_parse(text, strlen(text), "cal.txt", out, err);
}

static void parser_errors_name_file_and_line(void **state)
{
    (void)state;
    jy_calendar *c = NULL;
    jy_err err;
    static const struct { const char *text, *want; } bad[] = {
        {"year 2024\nholiday 2024-01-01\n", "cal.txt:2: unknown keyword \"holiday\""},
        {"off 2024-01-01 元旦\n", "cal.txt:1: \"off\" before the first \"year\" line"},
        {"year 2024\nwork 2024-02-05 调休\n", "cal.txt:2: 2024-02-05 is a weekday"},
        {"year 2024\n\n# x\noff 2024-02-30\n", "cal.txt:4: date \"2024-02-30\": 2024-02 has no day 30"},
        {"year 2024\noff 2024-02-17..2024-02-10\n", "cal.txt:2: range 2024-02-17..2024-02-10 ends before it starts"},
        {"year 2024\noff 2024-02-10..2024-04-10\n", "longer than a month"},
        {"year 2024\noff 2024-02-10..\n", "cal.txt:2: date \"\" is not YYYY-MM-DD"},
        {"year 2024\nwork 2024-02-04..2024-02-05\n", "cal.txt:2: \"work\" takes one date"},
        {"year 2024\noff 2024-02-04\nwork 2024-02-04\n", "cal.txt:3: 2024-02-04 is both a day off and a working day (see line 2)"},
        {"year 2024\nyear 2024\n", "cal.txt:2: year 2024 already has a block (line 1)"},
        {"year 2024\noff 2027-01-01\n", "cal.txt:2: date 2027-01-01 is far from the block's year"},
        {"year 2024\nworkdays 250\n", "cal.txt:1: year 2024 has 262 working days by its off/work lines, but its \"workdays\" line says 250"},
        {"year 24\n", "cal.txt:1: \"year\" needs a four-digit year"},
        {"year 2024\nworkdays x\n", "cal.txt:2: \"workdays\" needs a number"},
        {"year 2024\noff\n", "cal.txt:2: \"off\" needs a date"},
        {"# nothing\n", "cal.txt: no \"year\" block"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        jy_err_clear(&err);
        int rc = parse(bad[i].text, &c, &err);
        if (rc != JY_EINVAL) fail_msg("case %zu should fail with JY_EINVAL, got %d", i, rc);
        if (!strstr(err.msg, bad[i].want))
            fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err.msg, bad[i].want);
    }
    assert_int_equal(jy_calendar_load("/nonexistent-dir", &c, &err), JY_EIO);
    assert_non_null(strstr(err.msg, "/nonexistent-dir/calendar.txt"));
}

static void parser_accepts_a_new_year_and_gaps(void **state)
{
    (void)state;
    jy_calendar *c = NULL;
    jy_err err;
    /* an administrator adds 2027 after 2025, skipping 2026: 2026 has no data */
    const char *text = "\xEF\xBB\xBFyear 2025 通知\r\noff 2025-01-01 元旦 # comment\r\n"
                       "year 2027   国办发明电〔2026〕x号\noff 2026-12-31..2027-01-01 元旦\n"
                       "work 2027-01-02 元旦调休\n";
    if (parse(text, &c, &err) != 0) fail_msg("%s", err.msg);
    int w, n;
    assert_int_equal(jy_calendar_is_workday(c, D("2025-01-01"), &w, &err), 0);
    assert_int_equal(w, 0);
    assert_int_equal(jy_calendar_is_workday(c, D("2027-01-01"), &w, &err), 0);
    assert_int_equal(w, 0);
    assert_int_equal(jy_calendar_is_workday(c, D("2027-01-02"), &w, &err), 0);
    assert_int_equal(w, 1);
    assert_string_equal(jy_calendar_day_label(c, D("2025-01-01")), "元旦");
    assert_int_equal(jy_calendar_is_workday(c, D("2026-05-06"), &w, &err), JY_ENODATA);
    assert_non_null(strstr(err.msg, "for 2026"));
    assert_int_equal(jy_calendar_workdays(c, D("2025-12-01"), D("2027-01-31"), &n, &err), JY_ENODATA);
    assert_non_null(strstr(err.msg, "for 2026"));
    jy_date r;
    assert_int_equal(jy_calendar_nth_workday(c, D("2025-12-30"), 3, &r, &err), JY_ENODATA);
    assert_non_null(strstr(err.msg, "for 2026"));
    assert_false(jy_calendar_has_year(c, 2026));
    jy_calendar_free(c);
}

/* The shipped calendar cut before its last year: that year is "not yet published" (the state
 * of every December before the notice). Independent of which years the file holds. */
static jy_calendar *cut_before_last_year(int *missing)
{
    const char *dir = getenv("JY_POLICY_DIR");
    char path[1024];
    snprintf(path, sizeof path, "%s/calendar.txt", dir && *dir ? dir : JY_POLICY_DIR);
    FILE *f = fopen(path, "rb");
    if (!f) fail_msg("cannot open %s", path);
    static char text[1 << 16];
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = 0;
    char *last = NULL;
    for (char *p = strstr(text, "\nyear "); p; p = strstr(p + 1, "\nyear ")) last = p;
    if (!last) fail_msg("no year block in %s", path);
    *missing = atoi(last + 6);
    last[1] = 0;
    jy_calendar *c = NULL;
    jy_err err;
    if (jy_calendar_parse(text, strlen(text), "cut.txt", &c, &err) != 0) fail_msg("%s", err.msg);
    return c;
}

/* The reference: day by day, the full calendar before the missing year, Monday–Friday in it. */
static int ref_workday(jy_date d, int missing)
{
    int y, m, dd, w = 0;
    jy_err err;
    jy_date_to_ymd(d, &y, &m, &dd);
    if (y >= missing) return jy_date_weekday(d) < 6;
    if (jy_calendar_is_workday(cal, d, &w, &err) != 0) fail_msg("%s", err.msg);
    return w;
}

static void an_unpublished_year_counts_weekends_and_says_so(void **state)
{
    (void)state;
    int Y = 0;
    jy_calendar *c = cut_before_last_year(&Y);
    jy_err err;
    int first, last;
    jy_calendar_years(c, &first, &last);
    assert_int_equal(last, Y - 1);
    /* the strict functions still refuse the year */
    jy_date r;
    int n, w, prov;
    assert_int_equal(jy_calendar_nth_workday(c, jy_date_from_ymd(Y - 1, 12, 28), 5, &r, &err), JY_ENODATA);
    /* the provisional ones agree with the day-by-day reference for every start in the last
     * month of data and the first months of the missing year, and flag exactly the answers
     * that needed the missing year */
    for (jy_date d = jy_date_from_ymd(Y - 1, 11, 1); d <= jy_date_from_ymd(Y, 3, 31); d++) {
        static const int ns[] = {1, 5, 10, 15, 40};
        for (size_t k = 0; k < sizeof ns / sizeof *ns; k++) {
            if (jy_calendar_nth_workday_prov(c, d, ns[k], &r, &prov, &err) != 0) fail_msg("%s", err.msg);
            jy_date want = d;
            for (int left = ns[k];; want++)
                if (ref_workday(want, Y) && --left == 0) break;
            assert_int_equal(r, want);
            int ry, rm, rd;
            jy_date_to_ymd(r, &ry, &rm, &rd);
            assert_int_equal(prov, ry >= Y);
        }
        jy_date to = d + 45;
        if (jy_calendar_workdays_prov(c, d, to, &n, &prov, &err) != 0) fail_msg("%s", err.msg);
        int want = 0;
        for (jy_date x = d; x <= to; x++) want += ref_workday(x, Y);
        assert_int_equal(n, want);
        int ty, tm, td;
        jy_date_to_ymd(to, &ty, &tm, &td);
        assert_int_equal(prov, ty >= Y);
        if (jy_calendar_is_workday_prov(c, d, &w, &prov, &err) != 0) fail_msg("%s", err.msg);
        assert_int_equal(w, ref_workday(d, Y));
    }
    /* a whole month of the missing year: its weekdays, provisional */
    assert_int_equal(jy_calendar_workdays_in_month_prov(c, jy_month_from_ym(Y, 1), &n, &prov, &err), 0);
    int wd = 0;
    for (jy_date x = jy_date_from_ymd(Y, 1, 1); x <= jy_date_from_ymd(Y, 1, 31); x++) wd += jy_date_weekday(x) < 6;
    assert_int_equal(n, wd);
    assert_int_equal(prov, 1);
    /* a count that starts in the missing year */
    assert_int_equal(jy_calendar_nth_workday_prov(c, jy_date_from_ymd(Y, 6, 6), 1, &r, &prov, &err), 0);
    assert_true(jy_date_weekday(r) < 6 && r >= jy_date_from_ymd(Y, 6, 6) && r <= jy_date_from_ymd(Y, 6, 8));
    assert_int_equal(prov, 1);
    /* only the next year is unpublished: two years ahead is missing data, as before */
    char want2[64];
    snprintf(want2, sizeof want2, "for %d", Y + 1);
    assert_int_equal(jy_calendar_nth_workday_prov(c, jy_date_from_ymd(Y, 12, 28), 5, &r, &prov, &err), JY_ENODATA);
    assert_non_null(strstr(err.msg, want2));
    assert_int_equal(jy_calendar_workdays_prov(c, jy_date_from_ymd(Y, 12, 1), jy_date_from_ymd(Y + 1, 1, 5), &n, &prov, &err),
                     JY_ENODATA);
    assert_int_equal(jy_calendar_is_workday_prov(c, jy_date_from_ymd(Y + 3, 6, 6), &w, &prov, &err), JY_ENODATA);
    snprintf(want2, sizeof want2, "for %d", Y + 3);
    assert_non_null(strstr(err.msg, want2));
    /* before the first year with data, the data is missing, not unpublished: refused */
    assert_int_equal(jy_calendar_is_workday_prov(c, jy_date_from_ymd(first - 1, 6, 3), &w, &prov, &err), JY_ENODATA);
    assert_int_equal(jy_calendar_nth_workday_prov(c, jy_date_from_ymd(first - 1, 12, 30), 5, &r, &prov, &err),
                     JY_ENODATA);
    /* the warning: from 1 November of the last year with data, and all through the missing year */
    assert_int_equal(jy_calendar_missing_year(c, jy_date_from_ymd(Y - 1, 10, 31)), 0);
    assert_int_equal(jy_calendar_missing_year(c, jy_date_from_ymd(Y - 1, 11, 1)), Y);
    assert_int_equal(jy_calendar_missing_year(c, jy_date_from_ymd(Y, 3, 1)), Y);
    assert_int_equal(jy_calendar_missing_year(cal, jy_date_from_ymd(Y - 1, 11, 1)), 0);
    char msg[512];
    jy_calendar_missing_warning(Y, jy_date_from_ymd(Y - 1, 11, 1), msg, sizeof msg);
    char want[64];
    snprintf(want, sizeof want, "no holiday calendar for %d", Y);
    assert_non_null(strstr(msg, want));
    jy_calendar_free(c);
}

static void a_gap_year_is_not_provisional(void **state)
{
    (void)state;
    jy_calendar *c = NULL;
    jy_err err;
    const char *text = "year 2025 通知\noff 2025-01-01 元旦\nyear 2027 通知\noff 2027-01-01 元旦\n";
    if (parse(text, &c, &err) != 0) fail_msg("%s", err.msg);
    int w, prov;
    jy_date r;
    /* 2026 lies between years with data: its notice was published, add it */
    assert_int_equal(jy_calendar_is_workday_prov(c, jy_date_from_ymd(2026, 5, 6), &w, &prov, &err), JY_ENODATA);
    assert_non_null(strstr(err.msg, "for 2026"));
    assert_int_equal(jy_calendar_nth_workday_prov(c, jy_date_from_ymd(2025, 12, 30), 3, &r, &prov, &err), JY_ENODATA);
    /* after the last year: provisional (2028-01-03 is a Monday) */
    assert_int_equal(jy_calendar_nth_workday_prov(c, jy_date_from_ymd(2027, 12, 31), 2, &r, &prov, &err), 0);
    assert_int_equal(r, jy_date_from_ymd(2028, 1, 3));
    assert_int_equal(prov, 1);
    assert_int_equal(jy_calendar_missing_year(c, jy_date_from_ymd(2026, 2, 1)), 2026);
    jy_calendar_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(issue_facts),
        cmocka_unit_test(yearly_totals_match_the_notices),
        cmocka_unit_test(months),
        cmocka_unit_test(publicity_across_national_day),
        cmocka_unit_test(a_year_without_data_fails_clearly),
        cmocka_unit_test(fast_counts_agree_with_day_by_day),
        cmocka_unit_test(parser_errors_name_file_and_line),
        cmocka_unit_test(parser_accepts_a_new_year_and_gaps),
        cmocka_unit_test(an_unpublished_year_counts_weekends_and_says_so),
        cmocka_unit_test(a_gap_year_is_not_provisional),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
