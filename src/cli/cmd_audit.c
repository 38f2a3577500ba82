/* jiuye audit: the append-only audit log (审计日志).
 *
 *   jiuye audit verify   → {"ok":true,"entries":N,"head_seq":N,"head":"<hash>"}, exit 0; or
 *                          {"ok":false,"entries_checked":N,"error":"entry 17: …"}, exit 1
 *   jiuye audit list [--after SEQ] [--limit N] [--unmask --reason WHY]
 *                        → JSON lines, one entry per line in seq order (--limit defaults to
 *                          100, 0 = all), before/after embedded as JSON. The images hold
 *                          personal data at rest: they are masked on output (jy_cli_print;
 *                          docs/privacy.md) unless --unmask --reason by a role that may, which
 *                          the access log records first (service/privacy.h).
 *
 * The head hash printed by verify is what an operator writes down elsewhere: with it, removing
 * entries from the end of the log is detectable too (docs/store.md). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_privacy.h"
#include "store/store.h"

#define USAGE "jiuye audit verify | jiuye audit list [--after SEQ] [--limit N] [--unmask --reason WHY]"

static int cmd_verify(const jy_cli *cli, int argc, char **argv)
{
    if (argc != 1) return jy_cli_usage("jiuye audit verify");
    jy_err err = {0}, verr = {0};
    jy_store *st = NULL;
    if (jy_cli_store_open(cli, &st, &err) != 0) return jy_cli_fail(&err);
    int64_t checked = 0, head_seq = 0;
    char head[65] = "";
    int rc = jy_store_audit_verify(st, &checked, &verr);
    jy_sb sb = JY_SB_INIT;
    int exit_code;
    if (rc == 0) {
        if (jy_store_audit_head(st, &head_seq, head, &err) != 0) {
            jy_store_close(st);
            jy_sb_free(&sb);
            return jy_cli_fail(&err);
        }
        jy_sb_appendc(&sb, '{');
        jy_sb_json_kv_bool(&sb, "ok", 1);
        jy_sb_json_kv_i64(&sb, "entries", checked);
        jy_sb_json_kv_i64(&sb, "head_seq", head_seq);
        jy_sb_json_kv_str(&sb, "head", head);
        jy_sb_appendc(&sb, '}');
        exit_code = JY_EXIT_OK;
    } else if (rc == JY_ETAMPER) {
        jy_sb_appendc(&sb, '{');
        jy_sb_json_kv_bool(&sb, "ok", 0);
        jy_sb_json_kv_i64(&sb, "entries_checked", checked);
        jy_sb_json_kv_str(&sb, "error", verr.msg);
        jy_sb_appendc(&sb, '}');
        fprintf(stderr, "jiuye: 审计日志校验失败: %s\n", verr.msg);
        exit_code = JY_EXIT_FAIL;
    } else {
        jy_store_close(st);
        jy_sb_free(&sb);
        return jy_cli_fail(&verr);
    }
    jy_cli_print(&sb);
    jy_sb_free(&sb);
    jy_store_close(st);
    return exit_code;
}

typedef struct list_ctx {
    jy_sb sb;
    int unmasked;
} list_ctx;

static int print_entry(void *ctx, const jy_audit_entry *e)
{
    list_ctx *c = ctx;
    jy_sb_reset(&c->sb);
    jy_audit_entry_json(&c->sb, e);
    if (c->unmasked) jy_cli_print_unmasked(&c->sb);
    else jy_cli_print(&c->sb); /* masks the images */
    return 0;
}

static int parse_count(const char *s, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end || v < 0) return JY_EINVAL;
    *out = v;
    return 0;
}

static int cmd_list(const jy_cli *cli, int argc, char **argv, const jy_cli_privacy *pv)
{
    static const char usage[] = "jiuye audit list [--after SEQ] [--limit N] [--unmask --reason WHY]";
    int64_t after = 0, limit = 100, n;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v) return jy_cli_usage(usage);
        i++;
        if (strcmp(a, "--after") == 0 && parse_count(v, &n) == 0) after = n;
        else if (strcmp(a, "--limit") == 0 && parse_count(v, &n) == 0 && n <= 100000000) limit = n;
        else return jy_cli_usage(usage);
    }
    jy_err err = {0};
    jy_access_req rq = jy_cli_access_req(cli, pv);
    if (jy_privacy_req_check(&rq, &err) != 0) return jy_cli_fail(&err);
    jy_store *st = NULL;
    list_ctx c = {JY_SB_INIT, rq.unmask};
    int rc = JY_EXIT_OK;
    char target[64];
    snprintf(target, sizeof target, "after=%lld limit=%lld", (long long)after, (long long)limit);
    if (jy_cli_store_open(cli, &st, &err) != 0 ||
        /* the images hold payees' accounts as well as persons: the bank permission (whose roles
         * hold the person one too) */
        (rq.unmask && jy_privacy_grant(st, &rq, JY_PRIV_BANK, "view", "audit_log", "", target, &err) != 0) ||
        jy_store_audit_list(st, after, (int)limit, print_entry, &c, &err) != 0)
        rc = jy_cli_fail(&err);
    jy_sb_free(&c.sb);
    jy_store_close(st);
    return rc;
}

int jy_cmd_audit(const jy_cli *cli, int argc, char **argv)
{
    jy_cli_privacy pv;
    jy_err err = {0};
    if (jy_cli_privacy_take(&argc, argv, &pv, &err) != 0) return jy_cli_fail(&err);
    if (argc < 2) return jy_cli_usage(USAGE);
    if (strcmp(argv[1], "list") == 0) return cmd_list(cli, argc - 1, argv + 1, &pv);
    if (jy_cli_privacy_none(&pv, "audit verify", &err) != 0) return jy_cli_fail(&err);
    if (strcmp(argv[1], "verify") == 0) return cmd_verify(cli, argc - 1, argv + 1);
    if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        printf("usage: %s\n", USAGE);
        return JY_EXIT_OK;
    }
    fprintf(stderr, "jiuye: unknown audit command \"%s\"\n", argv[1]);
    return jy_cli_usage(USAGE);
}
