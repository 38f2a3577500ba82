/* jiuye access-log: the access log (查询日志) of unmasked views and exports of personal data, and
 * of refused requests for them (issue 11 item 6; docs/privacy.md).
 *
 *   jiuye access-log list [--user NAME] [--since YYYY-MM-DD] [--after ID] [--limit N]
 *        → JSON lines, one entry per line in id order: {"id","at","county","actor","role",
 *          "origin","action","entity","target","reason"}; --limit defaults to 100 (0 = all),
 *          the last id seen is the --after of the next page.
 *
 * Only an auditor or an administrator reads it (service/privacy.h JY_PRIV_ACCESS_LOG); a user
 * with an area sees the entries of that area. Nobody changes it: there is no command for that,
 * and the database refuses UPDATE and DELETE on the table. */
#include <stdio.h>
#include <string.h>

#include "base/date.h"
#include "cli/cli.h"
#include "cli/cli_privacy.h"
#include "service/privacy.h"
#include "store/access_log.h"

#define USAGE "jiuye access-log list [--user NAME] [--since YYYY-MM-DD] [--after ID] [--limit N]"
#define USAGE_ZH "jiuye access-log list [--user 用户] [--since YYYY-MM-DD] [--after 编号] [--limit 条数]"

static int print_entry(void *ctx, const jy_access_entry *e)
{
    jy_sb *sb = ctx;
    jy_sb_reset(sb);
    jy_access_entry_json(sb, e);
    jy_cli_print(sb);
    return 0;
}

static int cmd_list(const jy_cli *cli, const jy_cli_opts *o)
{
    static const char *const allowed[] = {"user", "since", "after", "limit", NULL};
    jy_err err = {0};
    jy_access_filter f = {.actor = jy_cli_opt(o, "user"), .since = jy_cli_opt(o, "since"), .limit = 100};
    int64_t n = 0;
    int rc = jy_cli_opts_only(o, allowed, NULL, &err);
    if (!rc && o->npos != 1) rc = jy_err_set2(&err, JY_EUSAGE, "cli.access_log_no_args", "access-log list takes no arguments", "access-log list 不带参数");
    if (!rc && f.since) {
        jy_date d;
        if (strlen(f.since) != 10 || jy_date_parse_n(f.since, 10, &d, NULL) != 0)
            rc = jy_err_set2(&err, JY_EUSAGE, "cli.since_date", "--since %s: expected a date YYYY-MM-DD", "--since %s：应为日期 YYYY-MM-DD", f.since);
    }
    if (!rc && jy_cli_opt(o, "after") && !(rc = jy_cli_parse_int(jy_cli_opt(o, "after"), "--after", 0, INT64_MAX, &n, &err)))
        f.after_id = n;
    if (!rc && jy_cli_opt(o, "limit") &&
        !(rc = jy_cli_parse_int(jy_cli_opt(o, "limit"), "--limit", 0, 100000000, &n, &err)))
        f.limit = (int)n;
    if (rc) {
        jy_cli_fail(&err);
        return jy_cli_usage2(USAGE, USAGE_ZH);
    }
    jy_store *st = NULL;
    jy_sb sb = JY_SB_INIT;
    if (jy_cli_store_open(cli, &st, &err) != 0 || jy_privacy_may_read_log(st, cli->actor, &err) != 0 ||
        jy_store_access_log_list(st, &f, print_entry, &sb, &err) != 0)
        rc = jy_cli_fail(&err);
    else
        rc = JY_EXIT_OK;
    jy_sb_free(&sb);
    jy_store_close(st);
    return rc;
}

int jy_cmd_access_log(const jy_cli *cli, int argc, char **argv)
{
    jy_err err = {0};
    jy_cli_opts o;
    if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
        printf("%s%s\n", jy_cli_usage_word(), jy_cli_usage_text(USAGE, USAGE_ZH));
        return JY_EXIT_OK;
    }
    if (jy_cli_opts_parse(argc - 1, argv + 1, &o, &err)) return jy_cli_fail(&err);
    if (o.npos == 0) return jy_cli_usage2(USAGE, USAGE_ZH);
    if (strcmp(o.pos[0], "list") == 0) return cmd_list(cli, &o);
    jy_cli_say2("jiuye: ", "cli.unknown_access_log_cmd", "unknown access-log command \"%s\"", "未知的 access-log 命令“%s”", o.pos[0]);
    return jy_cli_usage2(USAGE, USAGE_ZH);
}
