/* The working-day calendar: parses policy/calendar.txt and precomputes, for every day of the
 * years it covers, a working-day flag and a running count; see calendar.h. */
#include "domain/calendar.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/sb.h"

enum { DAY_REST = 0, DAY_WORK = 1, DAY_NODATA = 2 };

struct jy_calendar {
    jy_arena *arena;
    int first_year, last_year; /* span of years with a block (gaps allowed inside) */
    unsigned char *has_year;   /* [last_year - first_year + 1] */
    jy_date start;             /* first_year-01-01 */
    int32_t ndays;
    unsigned char *state;      /* per day: DAY_* */
    int32_t *cum;              /* [ndays + 1]: working days in [start, start + i) */
    int32_t *gaps;             /* [ndays + 1]: days without data in [start, start + i) */
    const char **label;        /* per day: holiday label or NULL */
};

typedef struct override {
    jy_date day;
    int off; /* 1 off (放假), 0 work (调休上班) */
    int line;
    const char *label;
} override;

typedef struct year_decl {
    int year, line, expect_workdays; /* expect_workdays -1 when not given */
} year_decl;

static int year_of(jy_date d)
{
    int y, m, dd;
    jy_date_to_ymd(d, &y, &m, &dd);
    return y;
}

static int nodata(int year, jy_err *err)
{
    return jy_err_set2(err, JY_ENODATA, "calendar.year_missing",
                      "no holiday calendar for %d: add the State Council notice for %d to "
                      "policy/calendar.txt", "缺少%d年的节假日安排：请把国务院办公厅%d年的放假通知录入 policy/calendar.txt",
                      year, year);
}

int jy_calendar_has_year(const jy_calendar *cal, int year)
{
    return cal && year >= cal->first_year && year <= cal->last_year &&
           cal->has_year[year - cal->first_year];
}

void jy_calendar_years(const jy_calendar *cal, int *first, int *last)
{
    *first = cal ? cal->first_year : 0;
    *last = cal ? cal->last_year : -1;
}

/* The first year in [year(from), year(to)] without data (to >= from), or 0 when all have data. */
static int first_missing_year(const jy_calendar *cal, jy_date from, jy_date to)
{
    for (int y = year_of(from), ly = year_of(to); y <= ly; y++)
        if (!jy_calendar_has_year(cal, y)) return y;
    return 0;
}

/* ---- parsing ---- */

static const char *skip_ws(const char *p, const char *e)
{
    while (p < e && (*p == ' ' || *p == '\t')) p++;
    return p;
}

/* Next whitespace-delimited token of [*p, e) into tok/len; 0 when the line has no more. */
static int next_token(const char **p, const char *e, const char **tok, size_t *len)
{
    const char *s = skip_ws(*p, e);
    if (s == e) return 0;
    const char *t = s;
    while (t < e && *t != ' ' && *t != '\t') t++;
    *tok = s;
    *len = (size_t)(t - s);
    *p = t;
    return 1;
}

typedef struct parser {
    const char *name;
    int line;
    jy_err *err;
    jy_arena *arena;
    override *ov;
    size_t nov, cap_ov;
    year_decl years[256];
    size_t nyears;
} parser;

/* Fails with JY_EINVAL and "FILE:LINE: <message>" ("FILE第N行：…" in Chinese): perr2(ps, key, en, zh, …). */
#define perr2(ps, key, en, zh, ...)                                                                 \
    (jy_err_set2((ps)->err, JY_EINVAL, key, en, zh, ##__VA_ARGS__),                                 \
     jy_err_prefix2((ps)->err, "%s:%d: ", "%s第%d行：", (ps)->name, (ps)->line), JY_EINVAL)

static int parse_date_tok(parser *ps, const char *tok, size_t len, jy_date *out)
{
    jy_err e;
    if (jy_date_parse_n(tok, len, out, &e) != 0)
        return jy_err_wrap2(ps->err, JY_EINVAL, &e, "%s:%d: ", "%s第%d行：", ps->name, ps->line);
    return 0;
}

static void push_override(parser *ps, jy_date day, int off, const char *label)
{
    if (ps->nov == ps->cap_ov) {
        size_t ncap = ps->cap_ov ? ps->cap_ov * 2 : 128;
        override *nv = jy_arena_alloc(ps->arena, ncap * sizeof *nv);
        if (ps->nov) memcpy(nv, ps->ov, ps->nov * sizeof *nv);
        ps->ov = nv;
        ps->cap_ov = ncap;
    }
    ps->ov[ps->nov++] = (override){day, off, ps->line, label};
}

static int parse_line(parser *ps, const char *p, const char *e)
{
    char dbuf[JY_DATE_BUFSZ], dbuf2[JY_DATE_BUFSZ];
    const char *tok;
    size_t len;
    if (!next_token(&p, e, &tok, &len)) return 0;
    if (len == 4 && memcmp(tok, "year", 4) == 0) {
        const char *yt;
        size_t yl;
        if (!next_token(&p, e, &yt, &yl) || yl != 4 || yt[0] < '1' || yt[0] > '9' ||
            yt[1] < '0' || yt[1] > '9' || yt[2] < '0' || yt[2] > '9' || yt[3] < '0' ||
            yt[3] > '9')
            return perr2(ps, "calendar.year_syntax", "\"year\" needs a four-digit year (year 2027 国办发明电…)", "“year”后应为四位年份（如 year 2027 国办发明电…）");
        int y = (yt[0] - '0') * 1000 + (yt[1] - '0') * 100 + (yt[2] - '0') * 10 + (yt[3] - '0');
        for (size_t i = 0; i < ps->nyears; i++)
            if (ps->years[i].year == y) {
                return perr2(ps, "calendar.year_twice", "year %d already has a block (line %d)", "%d年已有一段（第%d行）", y, ps->years[i].line);
            }
        if (ps->nyears == sizeof ps->years / sizeof ps->years[0])
            return perr2(ps, "calendar.too_many_years", "too many years (at most 256)", "年份过多（最多256个）");
        if (ps->nyears && y < ps->years[0].year - 200)
            return perr2(ps, "calendar.year_far", "year is too far from the others", "该年份与其他年份相距过远");
        ps->years[ps->nyears++] = (year_decl){y, ps->line, -1};
        return 0; /* the rest of the line is the source, free text */
    }
    int is_off = len == 3 && memcmp(tok, "off", 3) == 0;
    int is_work = len == 4 && memcmp(tok, "work", 4) == 0;
    int is_total = len == 8 && memcmp(tok, "workdays", 8) == 0;
    if (!is_off && !is_work && !is_total) {
        char kw[48];
        snprintf(kw, sizeof kw, "%.*s", (int)(len > 40 ? 40 : len), tok);
        return perr2(ps, "calendar.keyword", "unknown keyword \"%s\": expected year, off, work or workdays", "未知的关键字“%s”：应为 year、off、work 或 workdays", kw);
    }
    if (ps->nyears == 0)
        return perr2(ps, "calendar.before_year", "\"%s\" before the first \"year\" line", "“%s”出现在第一个“year”行之前",
                    is_off ? "off" : is_work ? "work" : "workdays");
    year_decl *yd = &ps->years[ps->nyears - 1];
    if (is_total) {
        const char *nt;
        size_t nl;
        int v = 0;
        if (!next_token(&p, e, &nt, &nl) || nl > 3)
            return perr2(ps, "calendar.workdays_missing", "\"workdays\" needs the year's number of working days", "“workdays”后应写该年的工作日天数");
        for (size_t i = 0; i < nl; i++) {
            if (nt[i] < '0' || nt[i] > '9')
                return perr2(ps, "calendar.workdays_number", "\"workdays\" needs a number", "“workdays”后应为数字");
            v = v * 10 + (nt[i] - '0');
        }
        if (next_token(&p, e, &nt, &nl))
            return perr2(ps, "calendar.workdays_extra", "unexpected text after the number of working days", "工作日天数后有多余的文字");
        yd->expect_workdays = v;
        return 0;
    }
    const char *dt;
    size_t dl;
    if (!next_token(&p, e, &dt, &dl))
        return perr2(ps, "calendar.date_missing", "\"%s\" needs a date (YYYY-MM-DD%s)", "“%s”后应为日期（YYYY-MM-DD%s）", is_off ? "off" : "work",
                    is_off ? " or YYYY-MM-DD..YYYY-MM-DD" : "");
    jy_date from, to;
    const char *dots = dl > 2 ? memchr(dt, '.', dl) : NULL;
    if (dots) {
        if (!is_off) return perr2(ps, "calendar.work_range", "\"work\" takes one date, not a range", "“work”只写一个日期，不能写日期范围");
        if ((size_t)(dots - dt) + 2 > dl || dots[1] != '.')
            return perr2(ps, "calendar.range_syntax", "a range is written YYYY-MM-DD..YYYY-MM-DD", "日期范围应写作 YYYY-MM-DD..YYYY-MM-DD");
        if (parse_date_tok(ps, dt, (size_t)(dots - dt), &from) ||
            parse_date_tok(ps, dots + 2, dl - (size_t)(dots - dt) - 2, &to))
            return JY_EINVAL;
        if (to < from)
            return perr2(ps, "calendar.range_backwards", "range %s..%s ends before it starts", "日期范围 %s..%s 的结束日早于开始日", jy_date_format(from, dbuf),
                        jy_date_format(to, dbuf2));
        if (to - from > 31)
            return perr2(ps, "calendar.range_long", "range %s..%s is longer than a month: a typo?", "日期范围 %s..%s 超过一个月：是否写错？",
                        jy_date_format(from, dbuf), jy_date_format(to, dbuf2));
    } else {
        if (parse_date_tok(ps, dt, dl, &from)) return JY_EINVAL;
        to = from;
    }
    if (year_of(from) < yd->year - 1 || year_of(to) > yd->year + 1)
        return perr2(ps, "calendar.date_far", "date %s is far from the block's year: a typo?", "日期 %s 与本段年份相距过远：是否写错？",
                    jy_date_format(from < jy_date_from_ymd(yd->year, 1, 1) ? from : to, dbuf));
    if (is_work && jy_date_weekday(from) < 6)
        return perr2(ps, "calendar.work_weekday",
                    "%s is a weekday, already a working day: \"work\" names a Saturday or "
                    "Sunday that becomes a working day (调休上班)", "%s 是周一至周五，本来就是工作日：“work”用于调休上班的周六或周日",
                    jy_date_format(from, dbuf));
    p = skip_ws(p, e);
    const char *le = e;
    while (le > p && (le[-1] == ' ' || le[-1] == '\t')) le--;
    const char *label = le > p ? jy_arena_strndup(ps->arena, p, (size_t)(le - p)) : NULL;
    for (jy_date d = from; d <= to; d++) push_override(ps, d, is_off, label);
    return 0;
}

static int cmp_override(const void *a, const void *b)
{
    const override *x = a, *y = b;
    if (x->day != y->day) return x->day < y->day ? -1 : 1;
    return x->line < y->line ? -1 : x->line > y->line;
}

static int build(parser *ps, jy_calendar *cal)
{
    char dbuf[JY_DATE_BUFSZ];
    if (ps->nyears == 0)
        return jy_err_set2(ps->err, JY_EINVAL, "calendar.empty", "%s: no \"year\" block: the calendar is empty", "%s：没有“year”段，节假日日历为空",
                          ps->name);
    int fy = ps->years[0].year, ly = fy;
    for (size_t i = 1; i < ps->nyears; i++) {
        if (ps->years[i].year < fy) fy = ps->years[i].year;
        if (ps->years[i].year > ly) ly = ps->years[i].year;
    }
    cal->first_year = fy;
    cal->last_year = ly;
    cal->has_year = jy_arena_zalloc(cal->arena, (size_t)(ly - fy + 1));
    for (size_t i = 0; i < ps->nyears; i++) cal->has_year[ps->years[i].year - fy] = 1;
    cal->start = jy_date_from_ymd(fy, 1, 1);
    cal->ndays = jy_date_from_ymd(ly, 12, 31) - cal->start + 1;
    size_t nd = (size_t)cal->ndays;
    cal->state = jy_arena_alloc(cal->arena, nd);
    cal->cum = jy_arena_alloc(cal->arena, (nd + 1) * sizeof *cal->cum);
    cal->gaps = jy_arena_alloc(cal->arena, (nd + 1) * sizeof *cal->gaps);
    cal->label = jy_arena_zalloc(cal->arena, nd * sizeof *cal->label);
    for (int32_t i = 0; i < cal->ndays; i++) {
        jy_date d = cal->start + i;
        cal->state[i] = !jy_calendar_has_year(cal, year_of(d)) ? DAY_NODATA
                        : jy_date_weekday(d) >= 6             ? DAY_REST
                                                              : DAY_WORK;
    }
    if (ps->nov) qsort(ps->ov, ps->nov, sizeof *ps->ov, cmp_override);
    for (size_t i = 0; i < ps->nov; i++) {
        const override *o = &ps->ov[i];
        if (i > 0 && ps->ov[i - 1].day == o->day && ps->ov[i - 1].off != o->off) {
            ps->line = o->line;
            return perr2(ps, "calendar.off_and_work", "%s is both a day off and a working day (see line %d)", "%s 既是放假日又是工作日（见第%d行）",
                        jy_date_format(o->day, dbuf), ps->ov[i - 1].line);
        }
        int32_t idx = o->day - cal->start;
        if (idx < 0 || idx >= cal->ndays || cal->state[idx] == DAY_NODATA) continue;
        cal->state[idx] = o->off ? DAY_REST : DAY_WORK;
        if (o->label) cal->label[idx] = o->label;
    }
    cal->cum[0] = cal->gaps[0] = 0;
    for (int32_t i = 0; i < cal->ndays; i++) {
        cal->cum[i + 1] = cal->cum[i] + (cal->state[i] == DAY_WORK);
        cal->gaps[i + 1] = cal->gaps[i] + (cal->state[i] == DAY_NODATA);
    }
    for (size_t i = 0; i < ps->nyears; i++) {
        const year_decl *yd = &ps->years[i];
        if (yd->expect_workdays < 0) continue;
        int32_t a = jy_date_from_ymd(yd->year, 1, 1) - cal->start;
        int32_t b = jy_date_from_ymd(yd->year, 12, 31) - cal->start;
        int got = cal->cum[b + 1] - cal->cum[a];
        if (got != yd->expect_workdays)
            return jy_err_set2(ps->err, JY_EINVAL, "calendar.workdays_mismatch",
                              "%s:%d: year %d has %d working days by its off/work lines, but its "
                              "\"workdays\" line says %d: check the lines against the notice", "%s第%d行：按放假（off）和调休上班（work）各行计算，%d年有%d个工作日，但“workdays”行写的是%d：请对照通知核对各行",
                              ps->name, yd->line, yd->year, got, yd->expect_workdays);
    }
    return 0;
}

int jy_calendar_parse(const char *text, size_t len, const char *name, jy_calendar **out,
                      jy_err *err)
{
    int rc = 0;
    jy_calendar *cal = calloc(1, sizeof *cal);
    if (!cal) return jy_err_set2(err, JY_ENOMEM, "sys.out_of_memory", "out of memory", "内存不足");
    cal->arena = jy_arena_new(0);
    parser ps = {.name = name ? name : "calendar", .err = err, .arena = cal->arena};
    const char *p = text, *end = text + len;
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) p += 3;
    while (p < end) {
        ps.line++;
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end;
        const char *next = nl ? nl + 1 : end;
        if (e > p && e[-1] == '\r') e--;
        /* a comment starts at '#' at the line start or after whitespace */
        for (const char *q = p; q < e; q++)
            if (*q == '#' && (q == p || q[-1] == ' ' || q[-1] == '\t')) {
                e = q;
                break;
            }
        if (memchr(p, '\0', (size_t)(e - p))) {
            rc = perr2(&ps, "calendar.nul", "NUL byte in the line", "该行含有 NUL 字节");
            goto done;
        }
        rc = parse_line(&ps, p, e);
        if (rc) goto done;
        p = next;
    }
    rc = build(&ps, cal);
done:
    if (rc) {
        jy_calendar_free(cal);
        return rc;
    }
    *out = cal;
    return 0;
}

int jy_calendar_load_file(const char *path, jy_calendar **out, jy_err *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) return jy_err_set2(err, JY_EIO, "file.open", "cannot open %s: %s", "无法打开 %s：%s", path, strerror(errno));
    jy_sb sb = JY_SB_INIT;
    char buf[8192];
    size_t got;
    while ((got = fread(buf, 1, sizeof buf, f)) > 0) jy_sb_appendn(&sb, buf, got);
    int bad = ferror(f);
    fclose(f);
    int rc = bad ? jy_err_set2(err, JY_EIO, "file.read", "cannot read %s", "无法读取 %s", path)
                 : jy_calendar_parse(jy_sb_cstr(&sb), sb.len, path, out, err);
    jy_sb_free(&sb);
    return rc;
}

int jy_calendar_load(const char *policy_dir, jy_calendar **out, jy_err *err)
{
    char path[4096];
    int n = snprintf(path, sizeof path, "%s/%s", policy_dir ? policy_dir : ".", JY_CALENDAR_FILE);
    if (n < 0 || (size_t)n >= sizeof path)
        return jy_err_set2(err, JY_EINVAL, "policy.dir_too_long", "policy directory path is too long", "政策目录路径过长");
    return jy_calendar_load_file(path, out, err);
}

void jy_calendar_free(jy_calendar *cal)
{
    if (!cal) return;
    jy_arena_free(cal->arena);
    free(cal);
}

/* ---- queries ---- */

/* Fails with JY_ENODATA unless every day of [from, to] (to >= from) has data. */
static int covered(const jy_calendar *cal, jy_date from, jy_date to, jy_err *err)
{
    int64_t a = (int64_t)from - cal->start, b = (int64_t)to - cal->start;
    if (a >= 0 && b < cal->ndays && cal->gaps[b + 1] == cal->gaps[a]) return 0;
    int y = first_missing_year(cal, from, to);
    return nodata(y ? y : year_of(from), err);
}

int jy_calendar_is_workday(const jy_calendar *cal, jy_date d, int *workday, jy_err *err)
{
    int rc = covered(cal, d, d, err);
    if (rc) return rc;
    *workday = cal->state[d - cal->start] == DAY_WORK;
    return 0;
}

int jy_calendar_workdays(const jy_calendar *cal, jy_date from, jy_date to, int *count,
                         jy_err *err)
{
    if (to < from) {
        *count = 0;
        return 0;
    }
    int rc = covered(cal, from, to, err);
    if (rc) return rc;
    *count = cal->cum[to - cal->start + 1] - cal->cum[from - cal->start];
    return 0;
}

int jy_calendar_workdays_in_month(const jy_calendar *cal, jy_month m, int *count, jy_err *err)
{
    return jy_calendar_workdays(cal, jy_month_first_day(m), jy_month_last_day(m), count, err);
}

int jy_calendar_nth_workday(const jy_calendar *cal, jy_date from, int n, jy_date *out,
                            jy_err *err)
{
    if (n < 1) return jy_err_set2(err, JY_EINVAL, "calendar.workdays_n", "the number of working days must be 1 or more, not %d", "工作日数应为1或以上，不是%d", n);
    int rc = covered(cal, from, from, err);
    if (rc) return rc;
    int32_t fi = from - cal->start;
    int64_t target = (int64_t)cal->cum[fi] + n;
    /* the smallest j in [fi + 1, ndays] with cum[j] >= target; the answer is day j - 1 */
    if (cal->cum[cal->ndays] < target) {
        int y = first_missing_year(cal, from, cal->start + cal->ndays - 1);
        return nodata(y ? y : cal->last_year + 1, err);
    }
    int32_t lo = fi + 1, hi = cal->ndays;
    while (lo < hi) {
        int32_t mid = lo + (hi - lo) / 2;
        if (cal->cum[mid] >= target) hi = mid;
        else lo = mid + 1;
    }
    jy_date result = cal->start + lo - 1;
    rc = covered(cal, from, result, err);
    if (rc) return rc;
    *out = result;
    return 0;
}

const char *jy_calendar_day_label(const jy_calendar *cal, jy_date d)
{
    if (!cal) return NULL;
    int64_t i = (int64_t)d - cal->start;
    if (i < 0 || i >= cal->ndays) return NULL;
    return cal->label[i];
}

/* ---- provisional answers (calendar.h) ---- */

/* The last day with data. */
static jy_date data_end(const jy_calendar *cal)
{
    return cal->start + cal->ndays - 1;
}

/* Fails with JY_ENODATA when d lies beyond the year after the last one with data: only the next
 * year is "not yet published"; two years ahead is missing data (or a typo), not the turn of the
 * year. */
static int within_next_year(const jy_calendar *cal, jy_date from, jy_date d, jy_err *err)
{
    if (year_of(d) <= cal->last_year + 1) return 0;
    int y = year_of(from);
    return nodata(y > cal->last_year + 2 ? y : cal->last_year + 2, err);
}

/* Weekdays (Monday to Friday) in [anchor, x) for a Monday anchor <= x: whole weeks give 5 each. */
static int64_t weekdays_before(jy_date x)
{
    /* 1900-01-01 was a Monday; floor division keeps earlier dates right too */
    const int64_t anchor = jy_date_from_ymd(1900, 1, 1);
    int64_t k = (int64_t)x - anchor;
    int64_t weeks = k >= 0 ? k / 7 : -((-k + 6) / 7);
    int64_t rest = k - weeks * 7; /* 0..6: Monday .. Sunday */
    return weeks * 5 + (rest < 5 ? rest : 5);
}

/* Weekdays in [a, b] (0 when b < a). */
static int weekdays_in(jy_date a, jy_date b)
{
    return b < a ? 0 : (int)(weekdays_before(b + 1) - weekdays_before(a));
}

int jy_calendar_is_workday_prov(const jy_calendar *cal, jy_date d, int *workday, int *provisional, jy_err *err)
{
    *provisional = 0;
    if (d > data_end(cal)) {
        int rc = within_next_year(cal, d, d, err);
        if (rc) return rc;
        *workday = jy_date_weekday(d) < 6;
        *provisional = 1;
        return 0;
    }
    return jy_calendar_is_workday(cal, d, workday, err);
}

int jy_calendar_workdays_prov(const jy_calendar *cal, jy_date from, jy_date to, int *count, int *provisional,
                              jy_err *err)
{
    *provisional = 0;
    if (to < from) {
        *count = 0;
        return 0;
    }
    jy_date end = data_end(cal);
    if (to <= end) return jy_calendar_workdays(cal, from, to, count, err);
    int known = 0, rc = within_next_year(cal, from, to, err);
    if (rc) return rc;
    if (from <= end && (rc = jy_calendar_workdays(cal, from, end, &known, err))) return rc;
    jy_date a = from > end ? from : end + 1;
    *count = known + weekdays_in(a, to);
    *provisional = 1;
    return 0;
}

int jy_calendar_workdays_in_month_prov(const jy_calendar *cal, jy_month m, int *count, int *provisional,
                                       jy_err *err)
{
    return jy_calendar_workdays_prov(cal, jy_month_first_day(m), jy_month_last_day(m), count, provisional, err);
}

int jy_calendar_nth_workday_prov(const jy_calendar *cal, jy_date from, int n, jy_date *out, int *provisional,
                                 jy_err *err)
{
    *provisional = 0;
    if (n < 1) return jy_err_set2(err, JY_EINVAL, "calendar.workdays_n", "the number of working days must be 1 or more, not %d", "工作日数应为1或以上，不是%d", n);
    jy_date end = data_end(cal);
    int rc, left = n;
    jy_date d = from;
    if (from <= end) {
        /* the days with data first: fully answered there, or all of them used up */
        int known = 0;
        if ((rc = jy_calendar_workdays(cal, from, end, &known, err))) return rc;
        if (known >= n) return jy_calendar_nth_workday(cal, from, n, out, err);
        left = n - known;
        d = end + 1;
    }
    /* the rest by the weekend rule: 7 days from any day hold exactly 5 weekdays */
    int weeks = (left - 1) / 5;
    d += 7 * weeks;
    left -= 5 * weeks;
    for (;; d++)
        if (jy_date_weekday(d) < 6 && --left == 0) break;
    if ((rc = within_next_year(cal, from, d, err))) return rc;
    *out = d;
    *provisional = 1;
    return 0;
}

int jy_calendar_missing_year(const jy_calendar *cal, jy_date today)
{
    int y, m, d;
    jy_date_to_ymd(today, &y, &m, &d);
    if (!jy_calendar_has_year(cal, y)) return y;
    if (m >= 11 && !jy_calendar_has_year(cal, y + 1)) return y + 1;
    return 0;
}

void jy_calendar_missing_warning(int year, jy_date today, char *buf, size_t cap)
{
    char t[JY_DATE_BUFSZ];
    snprintf(buf, cap,
             "no holiday calendar for %d in policy/calendar.txt (today is %s): working days in %d count "
             "weekends only and every such date is provisional until the State Council notice for %d is "
             "added (then run jiuye case settle-dates and re-run the payroll months of %d)",
             year, jy_date_format(today, t), year, year, year);
}
