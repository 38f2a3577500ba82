/* jiuye settings: the county's settings (设置) that shape the papers jiuye hands out (issue 13).
 *
 *   jiuye settings show [--county C]                 every known key, its value and whether it is the default
 *   jiuye settings set KEY VALUE [--county C]        e.g. unit_name 海原县就业创业和人才服务局
 *
 * Keys (service/settings.h): unit_name (填报单位 on reports), bank_encoding (gb18030 | utf-8-bom,
 * the bank file's CSV), bank_layout (the default layout of policy/bank-layouts/). Setting one is
 * the `settings` operation of policy/workflows.txt; every change is audited. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "service/settings.h"

#define USAGE "jiuye settings show | set KEY VALUE   [--county C]"
#define USAGE_ZH "jiuye settings show | set 键 值   [--county 区划代码]"

int jy_cmd_settings(const jy_cli *cli, int argc, char **argv)
{
    jy_err err = {0};
    jy_cli_opts o;
    if (jy_cli_opts_parse(argc - 1, argv + 1, &o, &err)) return jy_cli_fail(&err);
    if (o.npos == 0) return jy_cli_usage2(USAGE, USAGE_ZH);
    static const char *const allowed[] = {"county", NULL};
    if (jy_cli_opts_only(&o, allowed, NULL, &err)) {
        fprintf(stderr, "jiuye: %s\n%s%s\n", jy_err_text(&err), jy_cli_usage_word(), jy_cli_usage_text(USAGE, USAGE_ZH));
        return JY_EXIT_USAGE;
    }
    const char *sub = o.pos[0];
    int set = strcmp(sub, "set") == 0;
    if ((!set && strcmp(sub, "show") != 0) || (set && o.npos != 3) || (!set && o.npos != 1)) return jy_cli_usage2(USAGE, USAGE_ZH);
    jy_store *st = NULL;
    jy_cases *cs = NULL;
    jy_sb out = JY_SB_INIT;
    const char *county = NULL;
    int rc = jy_cli_store_open(cli, &st, &err);
    if (rc == 0) rc = jy_cli_county(jy_cli_opt(&o, "county"), st, &county, &err);
    if (rc == 0 && set) {
        rc = jy_cases_open(st, cli->policy_dir, &cs, &err);
        if (rc == 0) rc = jy_settings_set(cs, county, o.pos[1], o.pos[2], cli->actor, &err);
    }
    if (rc == 0) rc = jy_settings_show_json(st, county, &out, &err);
    if (rc == 0) jy_cli_print(&out);
    jy_sb_free(&out);
    jy_cases_close(cs);
    jy_store_close(st);
    if (rc == JY_EUSAGE) {
        fprintf(stderr, "jiuye: %s\n%s%s\n", jy_err_text(&err), jy_cli_usage_word(), jy_cli_usage_text(USAGE, USAGE_ZH));
        return JY_EXIT_USAGE;
    }
    return rc ? jy_cli_fail(&err) : JY_EXIT_OK;
}
