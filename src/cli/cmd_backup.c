/* jiuye backup FILE / jiuye restore FILE: copies the database (--db / JIUYE_DB, either backend)
 * to a file while it stays in use, and loads such a file into a fresh database (store.h:
 * jy_store_backup, jy_store_restore). A restore then walks the audit chain of what it restored
 * and reports the counts, so "every row came back and the chain is intact" is one command.
 *
 *   jiuye backup FILE    → {"backup":FILE,"backend":…,"persons":…,"orgs":…,"audit_entries":…,
 *                           "audit_head_seq":…,"audit_head":…}
 *   jiuye restore FILE   → {"restored":FILE,"backend":…,"persons":…,…,"audit_verified":N}
 * Exit 0 on success, 1 on failure (a restore into a database holding records, a broken chain),
 * 2 on usage errors. */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

#include "store/store.h"

/* Appends the database's counts and audit head to an open JSON object. */
static int describe(jy_sb *sb, jy_store *st, jy_err *err)
{
    jy_store_counts c;
    int64_t seq;
    char head[65];
    int rc = jy_store_counts_get(st, &c, err);
    if (rc == 0) rc = jy_store_audit_head(st, &seq, head, err);
    if (rc) return rc;
    jy_sb_json_kv_str(sb, "backend", jy_store_backend(st));
    jy_sb_json_kv_i64(sb, "persons", c.persons);
    jy_sb_json_kv_i64(sb, "orgs", c.orgs);
    jy_sb_json_kv_i64(sb, "statuses", c.statuses);
    jy_sb_json_kv_i64(sb, "licences", c.licences);
    jy_sb_json_kv_i64(sb, "audit_entries", c.audit_entries);
    jy_sb_json_kv_i64(sb, "audit_head_seq", seq);
    jy_sb_json_kv_str(sb, "audit_head", head);
    return 0;
}

static int backup_or_restore(const jy_cli *cli, int argc, char **argv, int restore)
{
    const char *usage = restore ? "jiuye [--db URL] restore FILE   (into a fresh, empty database)"
                                : "jiuye [--db URL] backup FILE";
    const char *usage_zh = restore ? "jiuye [--db 数据库] restore 备份文件   （恢复到新建的空数据库）"
                                   : "jiuye [--db 数据库] backup 备份文件";
    if (argc != 2 || argv[1][0] == '-') return jy_cli_usage2(usage, usage_zh);
    const char *file = argv[1];
    jy_err err = {0};
    jy_store *st = NULL;
    jy_sb sb = JY_SB_INIT;
    int rc = restore ? jy_store_restore(cli->db_url, file, &err) : jy_store_backup(cli->db_url, file, &err);
    if (rc) goto done;
    if ((rc = jy_cli_store_open(cli, &st, &err))) goto done;
    jy_sb_appendc(&sb, '{');
    jy_sb_json_kv_str(&sb, restore ? "restored" : "backup", file);
    if ((rc = describe(&sb, st, &err))) goto done;
    if (restore) {
        int64_t checked = 0;
        if ((rc = jy_store_audit_verify(st, &checked, &err))) {
            jy_err_prefix2(&err, "restored, but the audit chain does not verify: ", "已恢复，但审计链校验未通过：");
            goto done;
        }
        jy_sb_json_kv_i64(&sb, "audit_verified", checked);
    }
    jy_sb_appendc(&sb, '}');
    jy_cli_print(&sb);
done:
    jy_store_close(st);
    jy_sb_free(&sb);
    return rc ? jy_cli_fail(&err) : JY_EXIT_OK;
}

int jy_cmd_backup(const jy_cli *cli, int argc, char **argv)
{
    return backup_or_restore(cli, argc, argv, 0);
}

int jy_cmd_restore(const jy_cli *cli, int argc, char **argv)
{
    return backup_or_restore(cli, argc, argv, 1);
}
