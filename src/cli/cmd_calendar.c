/* jiuye calendar is-workday|nth-workday|workdays|month|status: questions to the working-day
 * calendar (policy/calendar.txt). JSON on stdout; a bad date or a year without data prints
 * {"error": …} and exits 1; wrong usage exits 2. A date in a year after the last one with data
 * (not yet published) is answered by the weekend rule with "provisional":true (issue 10 item 16).
 * Contract in docs/domain.md. */
#include "cli/cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "domain/calendar.h"

static const char *usage_text =
    "jiuye calendar is-workday DATE | nth-workday DATE N | workdays FROM TO | month YYYY-MM | status";
static const char *usage_zh =
    "jiuye calendar is-workday 日期 | nth-workday 日期 N | workdays 起始日期 截止日期 | month YYYY-MM | status";

void jy_cli_calendar_warn(const jy_calendar *cal)
{
    static int warned;
    if (warned || !cal) return;
    jy_date today = jy_date_today();
    int y = jy_calendar_missing_year(cal, today);
    if (!y) return;
    char msg[512];
    jy_calendar_missing_warning(y, today, msg, sizeof msg);
    fprintf(stderr, "jiuye: %s%s\n", jy_lang() == JY_LANG_EN ? "warning: " : "警告：", msg);
    warned = 1;
}

static int fail_json(const jy_err *err)
{
    jy_sb sb = JY_SB_INIT;
    jy_sb_appendc(&sb, '{');
    jy_sb_json_kv_str(&sb, "error", jy_err_text(err));
    jy_sb_appendc(&sb, '}');
    jy_cli_print(&sb);
    jy_sb_free(&sb);
    return jy_cli_fail(err);
}

/* {"today","first_year","last_year","years":[…],"missing_year","provisional_from","warning"}:
 * what the API and the dashboard show (missing_year null and no warning when all is well). */
static void status_json(const jy_calendar *cal, jy_sb *sb)
{
    jy_date today = jy_date_today();
    char b[JY_DATE_BUFSZ], msg[512];
    int first = 0, last = 0;
    jy_calendar_years(cal, &first, &last);
    int missing = jy_calendar_missing_year(cal, today);
    jy_sb_json_kv_str(sb, "today", jy_date_format(today, b));
    jy_sb_json_kv_i64(sb, "first_year", first);
    jy_sb_json_kv_i64(sb, "last_year", last);
    jy_sb_append(sb, ",\"years\":[");
    int n = 0;
    for (int y = first; y <= last; y++)
        if (jy_calendar_has_year(cal, y)) {
            if (n++) jy_sb_appendc(sb, ',');
            jy_sb_append_i64(sb, y);
        }
    jy_sb_appendc(sb, ']');
    jy_sb_json_key(sb, "missing_year");
    if (missing) jy_sb_append_i64(sb, missing);
    else jy_sb_append(sb, "null");
    jy_sb_json_kv_str(sb, "provisional_from", jy_date_format(jy_date_from_ymd(last + 1, 1, 1), b));
    jy_sb_json_key(sb, "warning");
    if (missing) {
        jy_calendar_missing_warning(missing, today, msg, sizeof msg);
        jy_sb_json_str(sb, msg);
    } else {
        jy_sb_append(sb, "null");
    }
}

int jy_cmd_calendar(const jy_cli *cli, int argc, char **argv)
{
    if (argc < 2) return jy_cli_usage2(usage_text, usage_zh);
    const char *sub = argv[1];
    int want;
    if (strcmp(sub, "status") == 0) want = 2;
    else if (strcmp(sub, "is-workday") == 0 || strcmp(sub, "month") == 0) want = 3;
    else if (strcmp(sub, "nth-workday") == 0 || strcmp(sub, "workdays") == 0) want = 4;
    else {
        jy_cli_say2("jiuye: ", "cli.calendar_unknown_sub", "calendar: unknown subcommand \"%s\"", "calendar：未知的子命令“%s”", sub);
        return jy_cli_usage2(usage_text, usage_zh);
    }
    if (argc != want) return jy_cli_usage2(usage_text, usage_zh);

    long n = 0;
    if (strcmp(sub, "nth-workday") == 0) {
        char *end;
        errno = 0;
        n = strtol(argv[3], &end, 10);
        if (errno || end == argv[3] || *end || n < 1 || n > 100000) {
            jy_cli_say2("jiuye: ", "cli.calendar_nth", "calendar nth-workday: N must be a whole number from 1, not \"%s\"",
                        "calendar nth-workday：N 应为从1起的整数，而不是“%s”", argv[3]);
            return jy_cli_usage2(usage_text, usage_zh);
        }
    }

    jy_err err;
    jy_err_clear(&err);
    jy_calendar *cal = NULL;
    jy_sb sb = JY_SB_INIT;
    char b1[JY_DATE_BUFSZ], b2[JY_DATE_BUFSZ];
    int rc = JY_EXIT_OK, prov = 0;
    jy_date d1, d2;
    if (jy_calendar_load(cli->policy_dir, &cal, &err) != 0) goto fail;
    if (strcmp(sub, "status") != 0) jy_cli_calendar_warn(cal);
    jy_sb_appendc(&sb, '{');
    if (strcmp(sub, "status") == 0) {
        status_json(cal, &sb);
    } else if (strcmp(sub, "is-workday") == 0) {
        int w;
        if (jy_date_parse(argv[2], &d1, &err) || jy_calendar_is_workday_prov(cal, d1, &w, &prov, &err))
            goto fail;
        jy_sb_json_kv_str(&sb, "date", jy_date_format(d1, b1));
        jy_sb_json_kv_bool(&sb, "workday", w);
    } else if (strcmp(sub, "nth-workday") == 0) {
        if (jy_date_parse(argv[2], &d1, &err) ||
            jy_calendar_nth_workday_prov(cal, d1, (int)n, &d2, &prov, &err))
            goto fail;
        jy_sb_json_kv_str(&sb, "date", jy_date_format(d1, b1));
        jy_sb_json_kv_i64(&sb, "n", n);
        jy_sb_json_kv_str(&sb, "result", jy_date_format(d2, b2));
    } else if (strcmp(sub, "workdays") == 0) {
        int count;
        if (jy_date_parse(argv[2], &d1, &err) || jy_date_parse(argv[3], &d2, &err)) goto fail;
        if (d2 < d1) {
            jy_err_set2(&err, JY_EINVAL, "cli.calendar_from_after_to", "FROM %s is after TO %s", "起始日期 %s 晚于截止日期 %s", argv[2], argv[3]);
            goto fail;
        }
        if (jy_calendar_workdays_prov(cal, d1, d2, &count, &prov, &err)) goto fail;
        jy_sb_json_kv_str(&sb, "from", jy_date_format(d1, b1));
        jy_sb_json_kv_str(&sb, "to", jy_date_format(d2, b2));
        jy_sb_json_kv_i64(&sb, "workdays", count);
    } else {
        jy_month m;
        int count;
        char mb[JY_MONTH_BUFSZ];
        if (jy_month_parse(argv[2], &m, &err) || jy_calendar_workdays_in_month_prov(cal, m, &count, &prov, &err))
            goto fail;
        jy_sb_json_kv_str(&sb, "month", jy_month_format(m, mb));
        jy_sb_json_kv_i64(&sb, "workdays", count);
    }
    if (prov) {
        /* counted by the weekend rule in a year whose arrangements are not published yet */
        int first = 0, last = 0;
        jy_calendar_years(cal, &first, &last);
        jy_sb_json_kv_bool(&sb, "provisional", 1);
        jy_sb_json_kv_i64(&sb, "provisional_year", last + 1);
    }
    jy_sb_appendc(&sb, '}');
    jy_cli_print(&sb);
    goto done;
fail:
    rc = fail_json(&err);
done:
    jy_sb_free(&sb);
    jy_calendar_free(cal);
    return rc;
}
