/* jiuye audit: the append-only audit log (审计日志) and its anchors (docs/audit.md).
 *
 *   jiuye audit verify [--expect-head [SEQ:]HASH] [--checkpoints FILE] [--keyed-from SEQ]
 *       → {"ok":true,"entries":N,"head_seq":N,"head":"<hash>", …}, exit 0; or
 *         {"ok":false,"entries_checked":N,"error":"entry 17: …"}, exit 1 (also logged).
 *       --expect-head: a head written down earlier must still be in the chain (at SEQ when
 *       given); --checkpoints (default $JIUYE_AUDIT_CHECKPOINTS): every checkpoint of the file
 *       must still be in the chain; with an audit key (--audit-key FILE or
 *       $JIUYE_AUDIT_KEY_FILE) every entry's MAC is checked, and entries from --keyed-from on
 *       (default: the first) must carry one.
 *   jiuye audit checkpoint [--to FILE] [--keyed-from SEQ]
 *       verifies the chain against FILE's earlier checkpoints (default $JIUYE_AUDIT_CHECKPOINTS)
 *       and, when intact, appends {"at":…,"seq":…,"hash":…} to FILE (created 0600) and logs
 *       it (stderr and syslog, facility authpriv). A failed verification is logged as an alert
 *       and nothing is appended (exit 1). For a systemd timer or cron (docs/audit.md).
 *   jiuye audit keygen --to FILE
 *       a new audit key in a new file (0600; never overwrites) → {"key_file":…,"key_id":…}
 *   jiuye audit list [--after SEQ] [--limit N] [--unmask --reason WHY]
 *       → JSON lines, one entry per line in seq order (--limit defaults to 100, 0 = all),
 *         before/after embedded as JSON, "mac" null for entries written without a key. The
 *         images hold personal data at rest: masked on output (docs/privacy.md) unless --unmask
 *         --reason by a role that may, which the access log records first. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "cli/cli.h"
#include "cli/cli_privacy.h"
#include "store/store.h"

#define USAGE                                                                                                  \
    "jiuye audit verify [--expect-head [SEQ:]HASH] [--checkpoints FILE] [--keyed-from SEQ] | "                 \
    "jiuye audit checkpoint [--to FILE] [--keyed-from SEQ] | jiuye audit keygen --to FILE | "                  \
    "jiuye audit list [--after SEQ] [--limit N] [--unmask --reason WHY]"
#define USAGE_ZH "jiuye audit verify [--expect-head [序号:]哈希值] [--checkpoints 文件] [--keyed-from 序号] | " \
    "jiuye audit checkpoint [--to 文件] [--keyed-from 序号] | jiuye audit keygen --to 文件 | " \
    "jiuye audit list [--after 序号] [--limit 条数] [--unmask --reason 理由]"

/* One line to syslog (authpriv: security events, kept apart from the general log). */
static void log_line(int prio, const char *msg)
{
    openlog("jiuye", LOG_PID, LOG_AUTHPRIV);
    syslog(prio, "%s", msg);
    closelog();
}

/* Parses [SEQ:]HASH into o (the hash lower-cased into buf). */
static int parse_expect(const char *v, jy_audit_verify_opts *o, char buf[65], jy_err *err)
{
    const char *colon = strchr(v, ':'), *h = v;
    o->expect_seq = 0;
    if (colon) {
        char seq[24];
        size_t n = (size_t)(colon - v);
        if (n == 0 || n >= sizeof seq) return jy_err_set2(err, JY_EUSAGE, "cli.expect_head", "--expect-head %s: expected [SEQ:]HASH", "--expect-head %s：应为 [序号:]哈希值", v);
        memcpy(seq, v, n);
        seq[n] = '\0';
        if (jy_cli_parse_int(seq, "--expect-head SEQ", 0, INT64_MAX, &o->expect_seq, err)) return err->code;
        h = colon + 1;
    }
    size_t n = strlen(h);
    if (n != 64) return jy_err_set2(err, JY_EUSAGE, "cli.expect_head_len", "--expect-head %s: the hash has 64 hex digits (as `audit verify` prints it)", "--expect-head %s：哈希值应为64位十六进制数（与 `audit verify` 的输出相同）", v);
    for (size_t i = 0; i < n; i++) {
        char c = h[i];
        if (c >= 'A' && c <= 'F') c = (char)(c - 'A' + 'a');
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return jy_err_set2(err, JY_EUSAGE, "cli.expect_head_hex", "--expect-head %s: the hash has 64 hex digits", "--expect-head %s：哈希值应为64位十六进制数", v);
        buf[i] = c;
    }
    buf[64] = '\0';
    o->expect_hash = buf;
    return 0;
}

/* The options verify and checkpoint share; *file: --checkpoints/--to, else the environment. */
static int parse_anchor_opts(const jy_cli_opts *co, const char *file_opt, jy_audit_verify_opts *o, char expect[65],
                             const char **file, jy_err *err)
{
    memset(o, 0, sizeof *o);
    const char *v;
    if ((v = jy_cli_opt(co, "keyed-from")) && jy_cli_parse_int(v, "--keyed-from", 1, INT64_MAX, &o->keyed_from, err))
        return err->code;
    if ((v = jy_cli_opt(co, "expect-head")) && parse_expect(v, o, expect, err)) return err->code;
    *file = jy_cli_opt(co, file_opt);
    if (!*file) {
        const char *env = getenv(JY_AUDIT_CHECKPOINTS_ENV);
        *file = env && *env ? env : NULL;
    }
    return 0;
}

/* The fields of a successful verification (after "ok":true). */
static void result_json(jy_sb *sb, const jy_store *st, const jy_audit_verify_opts *o, const jy_audit_verify_result *r,
                        const char *cp_file)
{
    jy_sb_json_kv_i64(sb, "entries", r->checked);
    jy_sb_json_kv_i64(sb, "head_seq", r->head_seq);
    jy_sb_json_kv_str(sb, "head", r->head);
    if (r->keyed) {
        char id[17];
        jy_store_audit_keyed(st, id);
        jy_sb_json_kv_str(sb, "key_id", id);
        jy_sb_json_kv_i64(sb, "macs_checked", r->macs);
        jy_sb_json_kv_i64(sb, "keyed_from", o->keyed_from > 1 ? o->keyed_from : 1);
        jy_sb_json_kv_i64(sb, "unkeyed", r->unkeyed);
    }
    if (o->expect_hash) jy_sb_json_kv_i64(sb, "expected_head_seq", r->expect_seq);
    if (cp_file) {
        jy_sb_json_kv_str(sb, "checkpoints", cp_file);
        jy_sb_json_kv_i64(sb, "checkpoints_checked", r->checkpoints);
    }
}

/* A tamper finding: the failure object on stdout, the message on stderr and in syslog. */
static int tamper(const char *what, const jy_audit_verify_result *r, const jy_err *verr)
{
    jy_sb sb = JY_SB_INIT;
    jy_sb_appendc(&sb, '{');
    jy_sb_json_kv_bool(&sb, "ok", 0);
    jy_sb_json_kv_i64(&sb, "entries_checked", r->checked);
    jy_sb_json_kv_str(&sb, "error", jy_err_text(verr));
    jy_sb_appendc(&sb, '}');
    jy_cli_print(&sb);
    fprintf(stderr, "jiuye: 审计日志校验失败: %s\n", jy_err_text(verr));
    jy_sb_reset(&sb);
    jy_sb_appendf(&sb, "audit %s FAILED: %s", what, verr->msg); /* syslog: English */
    log_line(LOG_ALERT, jy_sb_cstr(&sb));
    jy_sb_free(&sb);
    return JY_EXIT_FAIL;
}

static int cmd_verify(const jy_cli *cli, int argc, char **argv)
{
    static const char usage[] = "jiuye audit verify [--expect-head [SEQ:]HASH] [--checkpoints FILE] [--keyed-from SEQ]";
    static const char usage_zh[] = "jiuye audit verify [--expect-head [序号:]哈希值] [--checkpoints 文件] [--keyed-from 序号]";
    static const char *const allowed[] = {"expect-head", "checkpoints", "keyed-from", NULL};
    jy_cli_opts co;
    jy_err err = {0}, verr = {0};
    jy_audit_verify_opts o;
    char expect[65];
    const char *cp_file = NULL;
    if (jy_cli_opts_parse(argc - 1, argv + 1, &co, &err) || jy_cli_opts_only(&co, allowed, NULL, &err) ||
        parse_anchor_opts(&co, "checkpoints", &o, expect, &cp_file, &err)) {
        fprintf(stderr, "jiuye: %s\n", jy_err_text(&err));
        return jy_cli_usage2(usage, usage_zh);
    }
    if (co.npos) return jy_cli_usage2(usage, usage_zh);
    o.checkpoints = cp_file;
    jy_store *st = NULL;
    if (jy_cli_store_open(cli, &st, &err) != 0) return jy_cli_fail(&err);
    jy_audit_verify_result r;
    int rc = jy_store_audit_verify_ex(st, &o, &r, &verr), exit_code;
    if (rc == 0) {
        jy_sb sb = JY_SB_INIT;
        jy_sb_appendc(&sb, '{');
        jy_sb_json_kv_bool(&sb, "ok", 1);
        result_json(&sb, st, &o, &r, cp_file);
        jy_sb_appendc(&sb, '}');
        jy_cli_print(&sb);
        jy_sb_free(&sb);
        exit_code = JY_EXIT_OK;
    } else if (rc == JY_ETAMPER) {
        exit_code = tamper("verify", &r, &verr);
    } else {
        exit_code = jy_cli_fail(&verr);
    }
    jy_store_close(st);
    return exit_code;
}

static int cmd_checkpoint(const jy_cli *cli, int argc, char **argv)
{
    static const char usage[] = "jiuye audit checkpoint [--to FILE] [--keyed-from SEQ]";
    static const char usage_zh[] = "jiuye audit checkpoint [--to 文件] [--keyed-from 序号]";
    static const char *const allowed[] = {"to", "keyed-from", NULL};
    jy_cli_opts co;
    jy_err err = {0}, verr = {0};
    jy_audit_verify_opts o;
    char expect[65], at[32];
    const char *file = NULL;
    if (jy_cli_opts_parse(argc - 1, argv + 1, &co, &err) || jy_cli_opts_only(&co, allowed, NULL, &err) ||
        parse_anchor_opts(&co, "to", &o, expect, &file, &err)) {
        fprintf(stderr, "jiuye: %s\n", jy_err_text(&err));
        return jy_cli_usage2(usage, usage_zh);
    }
    if (co.npos) return jy_cli_usage2(usage, usage_zh);
    jy_store *st = NULL;
    if (jy_cli_store_open(cli, &st, &err) != 0) return jy_cli_fail(&err);
    jy_audit_verify_result r;
    int rc = jy_store_audit_checkpoint(st, file, &o, &r, at, &verr), exit_code;
    if (rc == 0) {
        jy_sb sb = JY_SB_INIT;
        jy_sb_appendf(&sb, "audit checkpoint: entry %lld, hash %s, at %s%s%s", (long long)r.head_seq, r.head, at,
                      file ? ", appended to " : " (no file: this log line is the checkpoint)", file ? file : "");
        fprintf(stderr, "jiuye: %s\n", jy_sb_cstr(&sb));
        log_line(LOG_NOTICE, jy_sb_cstr(&sb));
        jy_sb_reset(&sb);
        jy_sb_appendc(&sb, '{');
        jy_sb_json_kv_bool(&sb, "ok", 1);
        jy_sb_json_key(&sb, "checkpoint");
        jy_sb_appendc(&sb, '{');
        jy_sb_json_kv_str(&sb, "at", at);
        jy_sb_json_kv_i64(&sb, "seq", r.head_seq);
        jy_sb_json_kv_str(&sb, "hash", r.head);
        jy_sb_appendc(&sb, '}');
        o.checkpoints = file;
        result_json(&sb, st, &o, &r, file);
        jy_sb_appendc(&sb, '}');
        jy_cli_print(&sb);
        jy_sb_free(&sb);
        exit_code = JY_EXIT_OK;
    } else if (rc == JY_ETAMPER) {
        exit_code = tamper("checkpoint", &r, &verr);
    } else {
        exit_code = jy_cli_fail(&verr);
    }
    jy_store_close(st);
    return exit_code;
}

static int cmd_keygen(int argc, char **argv)
{
    static const char usage[] = "jiuye audit keygen --to FILE";
    static const char usage_zh[] = "jiuye audit keygen --to 文件";
    static const char *const allowed[] = {"to", NULL};
    jy_cli_opts co;
    jy_err err = {0};
    if (jy_cli_opts_parse(argc - 1, argv + 1, &co, &err) || jy_cli_opts_only(&co, allowed, NULL, &err)) {
        fprintf(stderr, "jiuye: %s\n", jy_err_text(&err));
        return jy_cli_usage2(usage, usage_zh);
    }
    const char *file = jy_cli_opt(&co, "to");
    if (!file || co.npos) return jy_cli_usage2(usage, usage_zh);
    char id[17];
    if (jy_audit_keygen(file, id, &err)) return jy_cli_fail(&err);
    jy_sb sb = JY_SB_INIT;
    jy_sb_appendc(&sb, '{');
    jy_sb_json_kv_str(&sb, "key_file", file);
    jy_sb_json_kv_str(&sb, "key_id", id);
    jy_sb_appendc(&sb, '}');
    jy_cli_print(&sb);
    jy_sb_free(&sb);
    jy_cli_say2("jiuye: ", "cli.audit_key_made",
                "审计密钥已生成 (key %s). Give it to every jiuye process (%s=%s or --audit-key %s) "
                "and keep a copy off the database host: without it the entries' MACs cannot be checked.",
                "审计密钥已生成（密钥 %s）。请交给每个 jiuye 进程（%s=%s 或 --audit-key %s），并在数据库主机之外另存一份："
                "没有它就无法核对审计条目的 MAC。",
                id, JY_AUDIT_KEY_ENV, file, file);
    return JY_EXIT_OK;
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
    jy_cli_print_as(&c->sb, c->unmasked); /* masked: the images' personal data */
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
    static const char usage_zh[] = "jiuye audit list [--after 序号] [--limit 条数] [--unmask --reason 理由]";
    int64_t after = 0, limit = 100, n;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v) return jy_cli_usage2(usage, usage_zh);
        i++;
        if (strcmp(a, "--after") == 0 && parse_count(v, &n) == 0) after = n;
        else if (strcmp(a, "--limit") == 0 && parse_count(v, &n) == 0 && n <= 100000000) limit = n;
        else return jy_cli_usage2(usage, usage_zh);
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
    if (argc < 2) return jy_cli_usage2(USAGE, USAGE_ZH);
    if (strcmp(argv[1], "list") == 0) return cmd_list(cli, argc - 1, argv + 1, &pv);
    if (jy_cli_privacy_none(&pv, "audit verify, checkpoint or keygen", &err) != 0) return jy_cli_fail(&err);
    if (strcmp(argv[1], "verify") == 0) return cmd_verify(cli, argc - 1, argv + 1);
    if (strcmp(argv[1], "checkpoint") == 0) return cmd_checkpoint(cli, argc - 1, argv + 1);
    if (strcmp(argv[1], "keygen") == 0) return cmd_keygen(argc - 1, argv + 1);
    if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        printf("%s%s\n", jy_cli_usage_word(), jy_cli_usage_text(USAGE, USAGE_ZH));
        return JY_EXIT_OK;
    }
    jy_cli_say2("jiuye: ", "cli.unknown_audit_cmd", "unknown audit command \"%s\"", "未知的 audit 命令“%s”", argv[1]);
    return jy_cli_usage2(USAGE, USAGE_ZH);
}
