/* jiuye init: creates the database (or migrates an existing one to this build's schema) and
 * prints {"db":URL,"backend":"sqlite","schema_version":N}. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "store/store.h"

int jy_cmd_init(const jy_cli *cli, int argc, char **argv)
{
    if (argc > 1) {
        if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
            puts("usage: jiuye [--db URL] init");
            return JY_EXIT_OK;
        }
        return jy_cli_usage("jiuye [--db URL] init");
    }
    jy_err err = {0};
    jy_store *st = NULL;
    int version = 0;
    if (jy_cli_store_open(cli, &st, &err) != 0 || jy_store_schema_version(st, &version, &err) != 0) {
        jy_store_close(st);
        return jy_cli_fail(&err);
    }
    jy_sb sb = JY_SB_INIT;
    jy_sb_appendc(&sb, '{');
    jy_sb_json_kv_str(&sb, "db", cli->db_url);
    jy_sb_json_kv_str(&sb, "backend", jy_store_backend(st));
    jy_sb_json_kv_i64(&sb, "schema_version", version);
    jy_sb_appendc(&sb, '}');
    jy_cli_print(&sb);
    jy_sb_free(&sb);
    jy_store_close(st);
    return JY_EXIT_OK;
}
