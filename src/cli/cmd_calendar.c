/* jiuye calendar is-workday|nth-workday|workdays|month: questions to the working-day calendar
 * (policy/calendar.txt). JSON on stdout; a bad date or a year without data prints
 * {"error": …} and exits 1; wrong usage exits 2. Contract in docs/domain.md. */
#include "cli/cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "domain/calendar.h"

static const char *usage_text =
    "jiuye calendar is-workday DATE | nth-workday DATE N | workdays FROM TO | month YYYY-MM";

static int fail_json(const jy_err *err)
{
    jy_sb sb = JY_SB_INIT;
    jy_sb_appendc(&sb, '{');
    jy_sb_json_kv_str(&sb, "error", err->msg);
    jy_sb_appendc(&sb, '}');
    jy_cli_print(&sb);
    jy_sb_free(&sb);
    return jy_cli_fail(err);
}

int jy_cmd_calendar(const jy_cli *cli, int argc, char **argv)
{
    if (argc < 2) return jy_cli_usage(usage_text);
    const char *sub = argv[1];
    int want;
    if (strcmp(sub, "is-workday") == 0 || strcmp(sub, "month") == 0) want = 3;
    else if (strcmp(sub, "nth-workday") == 0 || strcmp(sub, "workdays") == 0) want = 4;
    else {
        fprintf(stderr, "jiuye: calendar: unknown subcommand \"%s\"\n", sub);
        return jy_cli_usage(usage_text);
    }
    if (argc != want) return jy_cli_usage(usage_text);

    long n = 0;
    if (strcmp(sub, "nth-workday") == 0) {
        char *end;
        errno = 0;
        n = strtol(argv[3], &end, 10);
        if (errno || end == argv[3] || *end || n < 1 || n > 100000) {
            fprintf(stderr, "jiuye: calendar nth-workday: N must be a whole number from 1, not "
                            "\"%s\"\n",
                    argv[3]);
            return jy_cli_usage(usage_text);
        }
    }

    jy_err err;
    jy_err_clear(&err);
    jy_calendar *cal = NULL;
    jy_sb sb = JY_SB_INIT;
    char b1[JY_DATE_BUFSZ], b2[JY_DATE_BUFSZ];
    int rc = JY_EXIT_OK;
    jy_date d1, d2;
    if (jy_calendar_load(cli->policy_dir, &cal, &err) != 0) goto fail;
    jy_sb_appendc(&sb, '{');
    if (strcmp(sub, "is-workday") == 0) {
        int w;
        if (jy_date_parse(argv[2], &d1, &err) || jy_calendar_is_workday(cal, d1, &w, &err))
            goto fail;
        jy_sb_json_kv_str(&sb, "date", jy_date_format(d1, b1));
        jy_sb_json_kv_bool(&sb, "workday", w);
    } else if (strcmp(sub, "nth-workday") == 0) {
        if (jy_date_parse(argv[2], &d1, &err) ||
            jy_calendar_nth_workday(cal, d1, (int)n, &d2, &err))
            goto fail;
        jy_sb_json_kv_str(&sb, "date", jy_date_format(d1, b1));
        jy_sb_json_kv_i64(&sb, "n", n);
        jy_sb_json_kv_str(&sb, "result", jy_date_format(d2, b2));
    } else if (strcmp(sub, "workdays") == 0) {
        int count;
        if (jy_date_parse(argv[2], &d1, &err) || jy_date_parse(argv[3], &d2, &err)) goto fail;
        if (d2 < d1) {
            jy_err_set(&err, JY_EINVAL, "FROM %s is after TO %s", argv[2], argv[3]);
            goto fail;
        }
        if (jy_calendar_workdays(cal, d1, d2, &count, &err)) goto fail;
        jy_sb_json_kv_str(&sb, "from", jy_date_format(d1, b1));
        jy_sb_json_kv_str(&sb, "to", jy_date_format(d2, b2));
        jy_sb_json_kv_i64(&sb, "workdays", count);
    } else {
        jy_month m;
        int count;
        char mb[JY_MONTH_BUFSZ];
        if (jy_month_parse(argv[2], &m, &err) || jy_calendar_workdays_in_month(cal, m, &count, &err))
            goto fail;
        jy_sb_json_kv_str(&sb, "month", jy_month_format(m, mb));
        jy_sb_json_kv_i64(&sb, "workdays", count);
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
