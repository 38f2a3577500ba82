/* jiuye (就业): entry point. Reads the global options, then hands over to one command. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"

static const struct {
    const char *name;
    jy_cli_fn fn;
    const char *help;
    const char *help_zh;
} commands[] = {
    {"check", jy_cmd_check, "check idcard|uscc|bankcard|mobile VALUE   validate an identifier",
     "check idcard|uscc|bankcard|mobile 号码   校验身份证号码、统一社会信用代码、银行卡号、手机号码"},
    {"calendar", jy_cmd_calendar, "calendar is-workday|nth-workday|workdays|month|status …   working-day calendar",
     "calendar is-workday|nth-workday|workdays|month|status …   工作日日历"},
    {"init", jy_cmd_init, "init   create or migrate the database",
     "init   创建或升级数据库"},
    {"person", jy_cmd_person, "person add|show|list|import …   the registry of persons",
     "person add|show|list|import …   人员信息库"},
    {"org", jy_cmd_org, "org add|show|list|import …   the registry of organisations",
     "org add|show|list|import …   单位信息库"},
    {"audit", jy_cmd_audit, "audit verify|list|checkpoint|keygen   the append-only audit log and its anchors",
     "audit verify|list|checkpoint|keygen   只增不改的审计日志及其锚点"},
    {"serve", jy_cmd_serve, "serve [--port N]   HTTP server on 127.0.0.1:8080",
     "serve [--port 端口]   HTTP 服务（127.0.0.1:8080）"},
    {"demo", jy_cmd_demo, "demo   fill a fresh database with a synthetic county",
     "demo   在新数据库中生成一个模拟县的数据"},
    {"policy", jy_cmd_policy, "policy eval|explain|check|list   the policy engine",
     "policy eval|explain|check|list   政策规则引擎"},
    {"backup", jy_cmd_backup, "backup FILE   copy the database to FILE while in use (SQLite backup API / pg_dump)",
     "backup 文件   在用状态下将数据库备份到文件（SQLite 备份接口 / pg_dump）"},
    {"restore", jy_cmd_restore, "restore FILE   load a backup into a fresh database and verify its audit chain",
     "restore 文件   将备份恢复到新数据库并校验审计链"},
    {"case", jy_cmd_case, "case file|show|list|advance|approve|reject|publish|object|recognise|pay|overdue|check-roster|settle-dates   cases and their workflow",
     "case file|show|list|advance|approve|reject|publish|object|recognise|pay|overdue|check-roster|settle-dates   案件及其办理流程"},
    {"user", jy_cmd_user, "user add|passwd|list|lock|unlock|totp|recovery-codes|keygen|roles   accounts, roles, passwords, second factor",
     "user add|passwd|list|lock|unlock|totp|recovery-codes|keygen|roles   账户、角色、密码、第二认证因素"},
    {"ledger", jy_cmd_ledger, "ledger budget|show|approve|cancel|recover|payables|journal|check|card …   the fund ledger (资金台账)",
     "ledger budget|show|approve|cancel|recover|payables|journal|check|card …   资金台账"},
    {"batch", jy_cmd_batch, "batch build|show|list|approve|export|mark-paid|retry …   payment batches (拨付批次)",
     "batch build|show|list|approve|export|mark-paid|retry …   拨付批次"},
    {"placement", jy_cmd_placement, "placement start|approve|end|recover|show|list …   placements with monthly pay (P10/P12/P13/P14/P24)",
     "placement start|approve|end|recover|show|list …   按月发放的岗位（P10/P12/P13/P14/P24）"},
    {"attendance", jy_cmd_attendance, "attendance set|import …   monthly attendance (考勤) of placements",
     "attendance set|import …   岗位的月度考勤"},
    {"payroll", jy_cmd_payroll, "payroll run|show|review …   monthly payroll runs of placements",
     "payroll run|show|review …   岗位的月度发放"},
    {"report", jy_cmd_report, "report targets|budget|roster|forms|publicity|p4-acceptance|counters …   reports as JSON, CSV or XLSX",
     "report targets|budget|roster|forms|publicity|p4-acceptance|counters …   报表（JSON、CSV、XLSX）"},
    {"settings", jy_cmd_settings, "settings show | set KEY VALUE   the county's settings (填报单位, bank-file encoding and layout)",
     "settings show | set 键 值   本县设置（填报单位、银行文件编码和格式）"},
    {"messages", jy_cmd_messages, "messages [--key PREFIX]   the catalogue of message keys with their English and Chinese texts",
     "messages [--key 前缀]   消息键目录及其英文和中文文本"},
    {"access-log", jy_cmd_access_log, "access-log list [--user U] [--since DATE]   who saw personal data unmasked (auditor)",
     "access-log list [--user 用户] [--since 日期]   查看未脱敏个人信息的记录（审计员）"},
};

static void usage(FILE *out)
{
    fputs(jy_lang() == JY_LANG_EN
              ? "usage: jiuye [--db URL] [--policy DIR] [--as ACTOR] [--audit-key FILE] [--lang zh|en] COMMAND [ARGS]\n\ncommands:\n"
              : "用法：jiuye [--db 数据库] [--policy 规则目录] [--as 操作人] [--audit-key 密钥文件] [--lang zh|en] 命令 [参数]\n\n命令：\n",
          out);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %s\n", jy_lang() == JY_LANG_EN ? commands[i].help : commands[i].help_zh);
}

int main(int argc, char **argv)
{
    /* Everything jiuye writes (the database, backups, exports, bank files, error reports,
     * audit checkpoints and keys) holds ID numbers or bank accounts: owner only, whatever the
     * shell's umask (issue 10 item 15; the files are also opened 0600 where they are made). */
    umask(077);
    jy_cli cli = {
        .db_url = getenv("JIUYE_DB"),
        .policy_dir = getenv("JIUYE_POLICY"),
        .actor = getenv("JIUYE_ACTOR"),
    };
    if (!cli.db_url || !*cli.db_url) cli.db_url = "jiuye.db";
    if (!cli.policy_dir || !*cli.policy_dir) cli.policy_dir = JY_POLICY_DIR;
    if (!cli.actor || !*cli.actor) cli.actor = getenv("USER");
    if (!cli.actor || !*cli.actor) cli.actor = "cli";
    /* Messages in Chinese by default; --lang en or JIUYE_LANG=en for English (docs/messages.md) */
    const char *lang_env = getenv("JIUYE_LANG");
    if (lang_env && *lang_env) {
        int l = jy_lang_parse(lang_env);
        if (l < 0) {
            fprintf(stderr, "jiuye: JIUYE_LANG=%s：应为 zh 或 en (expected zh or en)\n", lang_env);
            return JY_EXIT_USAGE;
        }
        jy_lang_set(l);
    }

    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *opt = argv[i];
        if (strcmp(opt, "-h") == 0 || strcmp(opt, "--help") == 0) {
            usage(stdout);
            return JY_EXIT_OK;
        }
        if (i + 1 >= argc) {
            jy_cli_say2("jiuye: ", "cli.option_value", "option %s needs a value", "选项 %s 需要一个值", opt);
            return JY_EXIT_USAGE;
        }
        if (strcmp(opt, "--db") == 0) cli.db_url = argv[++i];
        else if (strcmp(opt, "--policy") == 0) cli.policy_dir = argv[++i];
        else if (strcmp(opt, "--as") == 0) cli.actor = argv[++i];
        else if (strcmp(opt, "--lang") == 0) {
            int l = jy_lang_parse(argv[++i]);
            if (l < 0) {
                fprintf(stderr, "jiuye: --lang %s：应为 zh 或 en (expected zh or en)\n", argv[i]);
                return JY_EXIT_USAGE;
            }
            jy_lang_set(l);
        }
        else if (strcmp(opt, "--audit-key") == 0) {
            /* the store reads the key file named by JIUYE_AUDIT_KEY_FILE at every open
             * (docs/audit.md), so the option is that variable for this process */
            if (!*argv[++i] || setenv("JIUYE_AUDIT_KEY_FILE", argv[i], 1) != 0) {
                jy_cli_say2("jiuye: ", "cli.audit_key_file", "--audit-key needs a file name", "--audit-key 需要一个文件名");
                return JY_EXIT_USAGE;
            }
        }
        else {
            jy_cli_say2("jiuye: ", "cli.unknown_option_plain", "unknown option %s", "未知的选项 %s", opt);
            usage(stderr);
            return JY_EXIT_USAGE;
        }
    }
    if (i >= argc) {
        usage(stderr);
        return JY_EXIT_USAGE;
    }
    for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++)
        if (strcmp(argv[i], commands[k].name) == 0)
            return commands[k].fn(&cli, argc - i, argv + i);
    jy_cli_say2("jiuye: ", "cli.unknown_command", "unknown command \"%s\"", "未知的命令“%s”", argv[i]);
    usage(stderr);
    return JY_EXIT_USAGE;
}
