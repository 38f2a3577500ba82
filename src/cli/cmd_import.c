/* jiuye person import / jiuye org import: reads a roster (花名册), CSV or XLSX, into the registry.
 *
 *   jiuye person|org import FILE [--report ERRFILE.csv] [--format auto|csv|xlsx] [--sheet NAME]
 *                               [--encoding auto|utf-8|gb18030|utf-16le|utf-16be]
 *                               [--delimiter comma|tab|semicolon] [--batch N] [--dry-run]
 *
 * --dry-run validates every row and writes the error report, but stores nothing.
 * Prints the summary JSON (service/import.h) on stdout; ignored columns and, on a terminal,
 * progress on stderr. Exit 0 when every row was imported, 1 when a row was rejected or the
 * import failed, 2 on usage errors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"

/* the summary lines on stderr follow --lang (docs/messages.md) */
#define EN (jy_lang() == JY_LANG_EN)
#include "domain/division.h"
#include "service/import.h"
#include "service/workflow.h"
#include "store/store.h"

#define USAGE_TAIL " import FILE [--report ERRFILE.csv] [--format auto|csv|xlsx] [--sheet NAME] [--encoding auto|utf-8|gb18030] " \
                   "[--delimiter comma|tab|semicolon] [--batch N] [--dry-run]"
#define USAGE_TAIL_ZH " import 文件 [--report 错误报告.csv] [--format auto|csv|xlsx] [--sheet 工作表] [--encoding auto|utf-8|gb18030] " \
                      "[--delimiter comma|tab|semicolon] [--batch 每批行数] [--dry-run]"

typedef struct progress {
    struct timespec start, last;
    int shown;
} progress;

static double since(const struct timespec *a, const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

/* Progress line on a terminal: at most five updates a second, a final line with a newline. */
static void show_progress(void *ctx, const jy_import_stats *s, int done)
{
    progress *pg = ctx;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (!done && pg->shown && since(&pg->last, &now) < 0.2) return;
    if (done && !pg->shown) return; /* a short import needs no progress line */
    double secs = since(&pg->start, &now);
    fprintf(stderr, "\r已读 %lld 行：新增 %lld，更新 %lld，未变 %lld，有误 %lld（%.0f 行/秒）%s",
            (long long)s->rows, (long long)s->created, (long long)s->updated,
            (long long)s->unchanged, (long long)s->rejected, secs > 0 ? (double)s->rows / secs : 0.0,
            done ? "\n" : "");
    fflush(stderr);
    pg->last = now;
    pg->shown = 1;
}

/* issue 13: a roster's 社保卡号 column is recorded only by an actor the ledger_card operation of
 * policy/workflows.txt allows on the person's county (as `jiuye ledger card`). */
typedef struct card_gate_ctx {
    jy_store *st;
    jy_workflows *wf;
    const char *actor;
} card_gate_ctx;

static int card_gate(void *ctx, const char *county, jy_err *err)
{
    card_gate_ctx *g = ctx;
    char record[64];
    snprintf(record, sizeof record, "the cards of county %s", county);
    return jy_wf_op_check(g->wf, g->st, "ledger_card", record, g->actor, county, NULL, 0, err);
}

int jy_cli_import(const jy_cli *cli, const char *what, int argc, char **argv)
{
    char usage[512];
    snprintf(usage, sizeof usage, "jiuye %s" USAGE_TAIL, what);
    char usage_zh[640];
    snprintf(usage_zh, sizeof usage_zh, "jiuye %s" USAGE_TAIL_ZH, what);
    jy_import_opts o;
    memset(&o, 0, sizeof o);
    if (strcmp(what, "person") == 0) o.kind = JY_IMPORT_PERSONS;
    else if (strcmp(what, "org") == 0) o.kind = JY_IMPORT_ORGS;
    else return jy_cli_usage2("jiuye person|org import FILE …", "jiuye person|org import 文件 …");
    o.actor = cli->actor;

    /* argv[0] is "import" (or, when handed the whole command line, "person" then "import") */
    int i = 1;
    if (argc > 1 && strcmp(argv[0], what) == 0 && strcmp(argv[1], "import") == 0) i = 2;
    for (; i < argc; i++) {
        const char *a = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            printf("%s%s\n", jy_cli_usage_word(), jy_cli_usage_text(usage, usage_zh));
            return JY_EXIT_OK;
        }
        if (strcmp(a, "--dry-run") == 0) {
            o.dry_run = 1;
            continue;
        }
        if (a[0] == '-' && a[1] == '-') {
            if (!val) return jy_cli_usage2(usage, usage_zh);
            i++;
            if (strcmp(a, "--report") == 0) {
                o.report_path = val;
            } else if (strcmp(a, "--format") == 0) {
                if (strcmp(val, "csv") == 0) o.format = JY_IMPORT_CSV;
                else if (strcmp(val, "xlsx") == 0) o.format = JY_IMPORT_XLSX;
                else if (strcmp(val, "auto") == 0) o.format = JY_IMPORT_AUTO;
                else {
                    jy_cli_say2("jiuye: ", "cli.import_format", "--format %s: use csv, xlsx or auto (by the file name and contents)", "--format %s：应为 csv、xlsx 或 auto（按文件名和内容判断）", val);
                    return JY_EXIT_USAGE;
                }
            } else if (strcmp(a, "--sheet") == 0) {
                o.sheet = val;
            } else if (strcmp(a, "--encoding") == 0) {
                jy_err err;
                if (jy_encoding_parse(val, &o.encoding, &err) != 0) return jy_cli_fail(&err);
            } else if (strcmp(a, "--delimiter") == 0) {
                if (strcmp(val, "comma") == 0 || strcmp(val, ",") == 0) o.delim = ',';
                else if (strcmp(val, "tab") == 0 || strcmp(val, "\t") == 0) o.delim = '\t';
                else if (strcmp(val, "semicolon") == 0 || strcmp(val, ";") == 0) o.delim = ';';
                else return jy_cli_usage2(usage, usage_zh);
            } else if (strcmp(a, "--batch") == 0) {
                char *end;
                long n = strtol(val, &end, 10);
                if (*end || n < 1 || n > 1000000) {
                    jy_cli_say2("jiuye: ", "cli.import_batch", "--batch wants a number of rows from 1 to 1000000", "--batch 应为 1 至 1000000 的行数");
                    return JY_EXIT_USAGE;
                }
                o.batch_rows = (int)n;
            } else {
                jy_cli_say2("jiuye: ", "cli.unknown_option_plain", "unknown option %s", "未知的选项 %s", a);
                return jy_cli_usage2(usage, usage_zh);
            }
            continue;
        }
        if (o.path) return jy_cli_usage2(usage, usage_zh);
        o.path = a;
    }
    if (!o.path) return jy_cli_usage2(usage, usage_zh);

    jy_err err = {0};
    jy_divisions *divs = NULL;
    jy_store *st = NULL;
    jy_import_result res;
    jy_import_result_init(&res);
    int code = JY_EXIT_FAIL;
    progress pg;
    memset(&pg, 0, sizeof pg);
    clock_gettime(CLOCK_MONOTONIC, &pg.start);
    if (isatty(STDERR_FILENO)) {
        o.progress = show_progress;
        o.progress_ctx = &pg;
    }

    if (jy_divisions_load(cli->policy_dir, &divs, &err) != 0) {
        code = jy_cli_fail(&err);
        goto done;
    }
    o.divs = divs;
    if (jy_cli_store_open(cli, &st, &err) != 0) {
        code = jy_cli_fail(&err);
        goto done;
    }
    /* cards in the roster (社保卡号) are recorded by whoever may `ledger card` (issue 13) */
    card_gate_ctx gate = {st, NULL, cli->actor};
    if (jy_workflows_load(cli->policy_dir, &gate.wf, &err) != 0) {
        code = jy_cli_fail(&err);
        goto done;
    }
    o.card_gate = card_gate;
    o.card_gate_ctx = &gate;
    int rc = jy_import_run(st, &o, &res, &err);
    jy_workflows_free(gate.wf);
    if (res.ignored.len > 2)
        fprintf(stderr, EN ? "jiuye: warning: columns not imported: %s\n" : "jiuye: 注意：以下列未导入：%s\n",
                jy_sb_cstr(&res.ignored));
    if (rc != 0) {
        if (res.stats.committed)
            fprintf(stderr, EN ? "jiuye: %lld rows were imported before the failure\n" : "jiuye: 出错前已导入 %lld 行\n",
                    (long long)res.stats.committed);
        code = jy_cli_fail(&err);
        goto done;
    }
    jy_sb out = JY_SB_INIT;
    jy_import_result_json_opts(&out, o.path, &res, o.dry_run);
    jy_cli_print(&out);
    jy_sb_free(&out);
    if (res.stopped[0]) fprintf(stderr, EN ? "jiuye: reading stopped early: %s\n" : "jiuye: 读取提前停止：%s\n", res.stopped);
    if (res.stats.rejected)
        fprintf(stderr, EN ? "jiuye: %lld of %lld rows rejected; see %s\n" : "jiuye: %lld 行有误未导入（共 %lld 行），详见 %s\n",
                (long long)res.stats.rejected,
                (long long)res.stats.rows, res.report_path);
    code = res.stats.rejected ? JY_EXIT_FAIL : JY_EXIT_OK;

done:
    jy_import_result_free(&res);
    if (st) jy_store_close(st);
    jy_divisions_free(divs);
    return code;
}
