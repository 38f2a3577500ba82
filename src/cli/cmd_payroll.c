/* jiuye payroll: monthly payroll runs of placements (docs/payroll.md).
 *
 *   jiuye payroll run P13 2024-03 [--county CODE]                  compute the month (proposes)
 *   jiuye payroll commit P13 2024-03 [--county CODE] [--idempotency-key K]
 *                                                                 commit its approved lines (not
 *                                                                 by whoever ran the month)
 *   jiuye payroll show P13 2024-03 [--county CODE]
 *   jiuye payroll review LINE (--approve AMOUNT | --reject) --reason TEXT [--idempotency-key K]
 *
 * The county is --county, else jy_cli_county's default (cli.h: $JIUYE_COUNTY, the --as user's
 * county, else 640522). Who may run, review and commit comes from the operations block of
 * policy/workflows.txt (payroll_run, payroll_review, payroll_commit). JSON on stdout. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "service/ledger.h"
#include "service/payroll.h"

int jy_cmd_payroll(const jy_cli *cli, int argc, char **argv)
{
    static const char usage[] = "jiuye payroll run|commit|show PROGRAM YYYY-MM [--county CODE] [--idempotency-key K] | "
                                "payroll review LINE (--approve AMOUNT | --reject) --reason TEXT [--idempotency-key K]";
    static const char usage_zh[] = "jiuye payroll run|commit|show 项目 YYYY-MM [--county 区划代码] [--idempotency-key 幂等键] | "
                                   "payroll review 明细行 (--approve 金额 | --reject) --reason 理由 [--idempotency-key 幂等键]";
    if (argc < 3) return jy_cli_usage2(usage, usage_zh);
    const char *sub = argv[1];
    const char *pos[2] = {NULL, NULL}, *county = NULL, *reason = NULL, *amount = NULL, *idem = NULL;
    int npos = 0, reject = 0;
    jy_err err = {0};
    jy_store *st = NULL;
    jy_cases *cs = NULL;
    jy_sb sb = JY_SB_INIT;
    int rc = 0;
    for (int i = 2; i < argc && rc == 0; i++) {
        if (strcmp(argv[i], "--reject") == 0) reject = 1;
        else if (strcmp(argv[i], "--county") == 0 && i + 1 < argc) county = argv[++i];
        else if (strcmp(argv[i], "--reason") == 0 && i + 1 < argc) reason = argv[++i];
        else if (strcmp(argv[i], "--approve") == 0 && i + 1 < argc) amount = argv[++i];
        else if (strcmp(argv[i], "--idempotency-key") == 0 && i + 1 < argc) idem = argv[++i];
        else if (argv[i][0] != '-' && npos < 2) pos[npos++] = argv[i];
        else rc = jy_err_set2(&err, JY_EUSAGE, "cli.unexpected_arg_usage", "unexpected argument %1$s (%2$s)%3$.0s", "多余的参数 %1$s（用法：%3$s）%2$.0s", argv[i], usage, usage_zh);
    }
    if (rc) goto done;
    if (strcmp(sub, "run") == 0 || strcmp(sub, "show") == 0 || strcmp(sub, "commit") == 0) {
        if (npos != 2 || (idem && strcmp(sub, "commit") != 0)) {
            rc = jy_err_set2(&err, JY_EUSAGE, "cli.usage_text_zh", "%1$s%2$.0s", "用法：%2$s%1$.0s", usage, usage_zh);
            goto done;
        }
        if ((rc = jy_cli_store_open(cli, &st, &err)) || (rc = jy_cases_open(st, cli->policy_dir, &cs, &err))) goto done;
        jy_cli_calendar_warn(cs->cal);
        if ((rc = jy_cli_county(county, st, &county, &err))) goto done;
        if (strcmp(sub, "run") == 0) rc = jy_payroll_run_month(cs, county, pos[0], pos[1], cli->actor, &sb, &err);
        else if (strcmp(sub, "commit") == 0)
            rc = jy_payroll_commit(cs, county, pos[0], pos[1], idem, cli->actor, &sb, NULL, &err);
        else rc = jy_payroll_show_json(cs, county, pos[0], pos[1], &sb, &err);
        if (rc == 0) jy_cli_print(&sb);
    } else if (strcmp(sub, "review") == 0) {
        char *end;
        errno = 0;
        long long id = npos == 1 ? strtoll(pos[0], &end, 10) : 0;
        if (npos != 1 || errno || *end || id <= 0 || (reject == (amount != NULL))) {
            rc = jy_err_set2(&err, JY_EUSAGE, "cli.usage_payroll_review", "usage: jiuye payroll review LINE (--approve AMOUNT | --reject) --reason TEXT", "用法：jiuye payroll review 明细行 (--approve 金额 | --reject) --reason 理由");
            goto done;
        }
        jy_fen fen = 0;
        if (amount && (rc = jy_money_parse(amount, &fen, &err))) {
            jy_err_prefix2(&err, "--approve: ", "--approve：");
            goto done;
        }
        if ((rc = jy_cli_store_open(cli, &st, &err)) || (rc = jy_cases_open(st, cli->policy_dir, &cs, &err))) goto done;
        jy_cli_calendar_warn(cs->cal);
        if ((rc = jy_payroll_review(cs, id, !reject, fen, reason, idem, cli->actor, &sb, NULL, &err))) goto done;
        jy_cli_print(&sb);
    } else {
        rc = jy_err_set2(&err, JY_EUSAGE, "cli.usage_text_zh", "%1$s%2$.0s", "用法：%2$s%1$.0s", usage, usage_zh);
    }
done:
    jy_sb_free(&sb);
    jy_cases_close(cs);
    jy_store_close(st);
    return rc ? jy_cli_fail(&err) : JY_EXIT_OK;
}
