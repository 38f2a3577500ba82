/* Calendar arithmetic on day numbers; see date.h. Algorithms after Howard Hinnant's
 * days_from_civil / civil_from_days (public domain), written out here. */
#include "base/date.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int jy_is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int jy_days_in_month(int y, int m)
{
    static const int len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12) return 0;
    return m == 2 && jy_is_leap(y) ? 29 : len[m - 1];
}

int jy_ymd_valid(int y, int m, int d)
{
    return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= jy_days_in_month(y, m);
}

jy_date jy_date_from_ymd(int y, int m, int d)
{
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (jy_date)(era * 146097 + doe - 719468);
}

void jy_date_to_ymd(jy_date z0, int *year, int *month, int *day)
{
    int z = z0 + 719468;
    int era = (z >= 0 ? z : z - 146096) / 146097;
    int doe = z - era * 146097;
    int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int y = yoe + era * 400;
    int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int mp = (5 * doy + 2) / 153;
    int d = doy - (153 * mp + 2) / 5 + 1;
    int m = mp + (mp < 10 ? 3 : -9);
    *year = y + (m <= 2);
    *month = m;
    *day = d;
}

int jy_date_weekday(jy_date d)
{
    int w = (int)((d % 7 + 7 + 3) % 7); /* 1970-01-01 was a Thursday */
    return w + 1;
}

static int read_int(const char *s, size_t n, size_t *i, int maxdigits, int *out)
{
    int v = 0, k = 0;
    while (*i < n && k < maxdigits && s[*i] >= '0' && s[*i] <= '9') {
        v = v * 10 + (s[*i] - '0');
        (*i)++;
        k++;
    }
    *out = v;
    return k;
}

static int finish(int y, int m, int d, const char *s, size_t n, jy_date *out, jy_err *err)
{
    if (m < 1 || m > 12)
        return jy_err_set2(err, JY_EINVAL, "date.no_such_month", "date \"%.*s\": month %d does not exist", "日期“%.*s”有误：没有%d月", (int)n, s, m);
    if (!jy_ymd_valid(y, m, d))
        return jy_err_set2(err, JY_EINVAL, "date.no_such_day", "date \"%.*s\": %04d-%02d has no day %d", "日期“%.*s”不存在：%d年%d月没有%d日", (int)n, s, y,
                          m, d);
    *out = jy_date_from_ymd(y, m, d);
    return 0;
}

int jy_date_parse_n(const char *s, size_t n, jy_date *out, jy_err *err)
{
    size_t i = 0;
    int y, m, d;
    if (n != 10 || read_int(s, n, &i, 4, &y) != 4 || s[i++] != '-' ||
        read_int(s, n, &i, 2, &m) != 2 || s[i++] != '-' || read_int(s, n, &i, 2, &d) != 2)
        return jy_err_set2(err, JY_EINVAL, "date.format", "date \"%.*s\" is not YYYY-MM-DD", "日期“%.*s”格式有误，应为 YYYY-MM-DD（如 2024-03-01）", (int)(n > 40 ? 40 : n),
                          s);
    return finish(y, m, d, s, n, out, err);
}

int jy_date_parse(const char *s, jy_date *out, jy_err *err)
{
    if (!s) return jy_err_set2(err, JY_EINVAL, "date.missing", "date is missing", "缺少日期");
    return jy_date_parse_n(s, strlen(s), out, err);
}

int jy_date_parse_loose(const char *s, jy_date *out, jy_err *err)
{
    if (!s) return jy_err_set2(err, JY_EINVAL, "date.missing", "date is missing", "缺少日期");
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
    while (n > 0 && (*s == ' ' || *s == '\t')) { s++; n--; }
    size_t i = 0;
    int y, m, d;
    if (n == 8 && read_int(s, n, &i, 8, &y) == 8) { /* 20240307 */
        d = y % 100; m = y / 100 % 100; y /= 10000;
        return finish(y, m, d, s, n, out, err);
    }
    i = 0;
    if (read_int(s, n, &i, 4, &y) != 4) goto bad;
    /* separator: '-', '/', '.', or 年 (E5 B9 B4) */
    if (i < n && (s[i] == '-' || s[i] == '/' || s[i] == '.')) i++;
    else if (i + 3 <= n && memcmp(s + i, "\xE5\xB9\xB4", 3) == 0) i += 3;
    else goto bad;
    if (read_int(s, n, &i, 2, &m) < 1) goto bad;
    if (i < n && (s[i] == '-' || s[i] == '/' || s[i] == '.')) i++;
    else if (i + 3 <= n && memcmp(s + i, "\xE6\x9C\x88", 3) == 0) i += 3; /* 月 */
    else goto bad;
    if (read_int(s, n, &i, 2, &d) < 1) goto bad;
    if (i + 3 <= n && memcmp(s + i, "\xE6\x97\xA5", 3) == 0) i += 3; /* 日 */
    if (i != n) goto bad;
    return finish(y, m, d, s, n, out, err);
bad:
    return jy_err_set2(err, JY_EINVAL, "date.not_a_date", "\"%.*s\" is not a date (expected YYYY-MM-DD)", "“%.*s”不是日期（应为 YYYY-MM-DD）",
                      (int)(n > 40 ? 40 : n), s);
}

char *jy_date_format(jy_date d, char *buf)
{
    int y, m, dd;
    jy_date_to_ymd(d, &y, &m, &dd);
    unsigned yy = (unsigned)y % 10000u, mm = (unsigned)m % 100u, d2 = (unsigned)dd % 100u;
    buf[0] = (char)('0' + yy / 1000); buf[1] = (char)('0' + yy / 100 % 10);
    buf[2] = (char)('0' + yy / 10 % 10); buf[3] = (char)('0' + yy % 10);
    buf[4] = '-'; buf[5] = (char)('0' + mm / 10); buf[6] = (char)('0' + mm % 10);
    buf[7] = '-'; buf[8] = (char)('0' + d2 / 10); buf[9] = (char)('0' + d2 % 10);
    buf[10] = '\0';
    return buf;
}

jy_date jy_date_today(void)
{
    const char *fixed = getenv("JIUYE_TODAY");
    jy_date d;
    if (fixed && jy_date_parse(fixed, &d, NULL) == 0) return d;
    time_t now = time(NULL) + 8 * 3600;
    return (jy_date)(now / 86400);
}

jy_date jy_date_add_months(jy_date d, int n)
{
    int y, m, dd;
    jy_date_to_ymd(d, &y, &m, &dd);
    int total = y * 12 + (m - 1) + n;
    int ny = total / 12, nm = total % 12 + 1;
    int len = jy_days_in_month(ny, nm);
    return jy_date_from_ymd(ny, nm, dd > len ? len : dd);
}

jy_month jy_month_from_ym(int year, int month)
{
    return (jy_month)((year - 1970) * 12 + (month - 1));
}

void jy_month_to_ym(jy_month mo, int *year, int *month)
{
    int total = mo + 1970 * 12;
    *year = total / 12;
    *month = total % 12 + 1;
}

jy_month jy_month_of(jy_date d)
{
    int y, m, dd;
    jy_date_to_ymd(d, &y, &m, &dd);
    return jy_month_from_ym(y, m);
}

jy_date jy_month_first_day(jy_month mo)
{
    int y, m;
    jy_month_to_ym(mo, &y, &m);
    return jy_date_from_ymd(y, m, 1);
}

jy_date jy_month_last_day(jy_month mo)
{
    int y, m;
    jy_month_to_ym(mo, &y, &m);
    return jy_date_from_ymd(y, m, jy_days_in_month(y, m));
}

int jy_month_parse(const char *s, jy_month *out, jy_err *err)
{
    size_t n = s ? strlen(s) : 0, i = 0;
    int y, m;
    if (n != 7 || read_int(s, n, &i, 4, &y) != 4 || s[i++] != '-' ||
        read_int(s, n, &i, 2, &m) != 2)
        return jy_err_set2(err, JY_EINVAL, "month.format", "month \"%.*s\" is not YYYY-MM", "月份“%.*s”格式有误，应为 YYYY-MM（如 2024-03）", (int)(n > 40 ? 40 : n),
                          s ? s : "");
    if (m < 1 || m > 12 || y < 1)
        return jy_err_set2(err, JY_EINVAL, "month.no_such_month", "month \"%s\" does not exist", "月份“%s”不存在", s);
    *out = jy_month_from_ym(y, m);
    return 0;
}

char *jy_month_format(jy_month mo, char *buf)
{
    int y, m;
    jy_month_to_ym(mo, &y, &m);
    unsigned yy = (unsigned)y % 10000u, mm = (unsigned)m % 100u;
    buf[0] = (char)('0' + yy / 1000); buf[1] = (char)('0' + yy / 100 % 10);
    buf[2] = (char)('0' + yy / 10 % 10); buf[3] = (char)('0' + yy % 10);
    buf[4] = '-'; buf[5] = (char)('0' + mm / 10); buf[6] = (char)('0' + mm % 10);
    buf[7] = '\0';
    return buf;
}

int jy_age_on(jy_date birth, jy_date on)
{
    int by, bm, bd, y, m, d;
    jy_date_to_ymd(birth, &by, &bm, &bd);
    jy_date_to_ymd(on, &y, &m, &d);
    if (bm == 2 && bd == 29 && !jy_is_leap(y)) bd = 28;
    int age = y - by;
    if (m < bm || (m == bm && d < bd)) age--;
    return age;
}
