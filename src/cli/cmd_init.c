/* jiuye init: creates the database (or migrates an existing one to this build's schema) and
 * prints {"db":URL,"backend":"sqlite","schema_version":N}.
 *
 *   jiuye --db postgresql://OWNER@… init --app-role NAME
 * PostgreSQL: run as the owner role (it runs the migrations and owns the tables and the audit
 * log's triggers), then grants the application role NAME what the application needs and no
 * more: no UPDATE or DELETE on the audit log and the ledger's journal, no ownership, so it can
 * drop no trigger (store.h jy_store_grant_app_role; docs/audit.md). Run it again after every
 * upgrade. Adds "app_role":NAME to the output. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "store/store.h"

#define USAGE "jiuye [--db URL] init [--app-role NAME]"
#define USAGE_ZH "jiuye [--db 数据库] init [--app-role 角色名]"

int jy_cmd_init(const jy_cli *cli, int argc, char **argv)
{
    static const char *const allowed[] = {"app-role", NULL};
    if (argc > 1 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
        printf("%s%s\n", jy_cli_usage_word(), jy_cli_usage_text(USAGE, USAGE_ZH));
        return JY_EXIT_OK;
    }
    jy_cli_opts o;
    jy_err err = {0};
    if (jy_cli_opts_parse(argc - 1, argv + 1, &o, &err) || jy_cli_opts_only(&o, allowed, NULL, &err)) {
        fprintf(stderr, "jiuye: %s\n", jy_err_text(&err));
        return jy_cli_usage2(USAGE, USAGE_ZH);
    }
    if (o.npos) return jy_cli_usage2(USAGE, USAGE_ZH);
    const char *app_role = jy_cli_opt(&o, "app-role");
    jy_store *st = NULL;
    int version = 0;
    if (jy_cli_store_open(cli, &st, &err) != 0 || jy_store_schema_version(st, &version, &err) != 0 ||
        (app_role && jy_store_grant_app_role(st, app_role, &err) != 0)) {
        jy_store_close(st);
        return jy_cli_fail(&err);
    }
    jy_sb sb = JY_SB_INIT;
    jy_sb_appendc(&sb, '{');
    jy_sb_json_kv_str(&sb, "db", cli->db_url);
    jy_sb_json_kv_str(&sb, "backend", jy_store_backend(st));
    jy_sb_json_kv_i64(&sb, "schema_version", version);
    if (app_role) jy_sb_json_kv_str(&sb, "app_role", app_role);
    jy_sb_appendc(&sb, '}');
    jy_cli_print(&sb);
    jy_sb_free(&sb);
    jy_store_close(st);
    return JY_EXIT_OK;
}
