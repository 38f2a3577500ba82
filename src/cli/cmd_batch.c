/* jiuye batch: payment batches (拨付批次).
 *
 *   jiuye batch build --program P [--month YYYY-MM] [--year Y] [--idempotency-key K]
 *                                                               gather approved payables
 *   jiuye batch show ID [--unmask --reason WHY]                 the batch and its lines
 *   jiuye batch list [--program P]                              batches (JSON lines)
 *   jiuye batch approve ID [--idempotency-key K]                review (not by the builder)
 *   jiuye batch export ID [--csv FILE] [--xlsx FILE] [--layout NAME] [--encoding gb18030|utf-8-bom]
 *                         [--unmask --reason WHY]               the bank file: one row per transfer
 *                                                               (policy/bank-layouts/NAME.layout)
 *   jiuye batch mark-paid ID [--transfer N | --line N] [--failed REASON] [--date YYYY-MM-DD]
 *                                                               bank result (per transfer; the date paid)
 *   jiuye batch retry ID --transfer N | --line N                a failed transfer (line) back to pending
 *
 * The payees' ID numbers and accounts are masked in show and in the exported file; the bank file
 * for payment is `export --unmask --reason WHY` by a role that may (finance, admin), logged in
 * the access log before it is written (service/privacy.h, docs/privacy.md).
 * Every subcommand takes --county CODE (else cli.h jy_cli_county: $JIUYE_COUNTY, the --as user's county, else 640522); the actor is --as,
 * whose role the operations block of policy/workflows.txt must allow (batch_build, batch_approve,
 * batch_export, batch_pay).
 * Test hook: JIUYE_TEST_DELAY_MS=N makes mark-paid sleep N ms inside each line's transaction
 * (tests/cli/batch_kill9.sh kills it there). docs/ledger.md. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "base/money.h"
#include "cli/cli_privacy.h"
#include "service/ledger.h"
#include "service/money.h"
#include "service/payment.h"
#include "store/store.h"

#define USAGE "jiuye batch build|show|list|approve|export|mark-paid|retry …"
#define USAGE_ZH "jiuye batch build|show|list|approve|export|mark-paid|retry …（拨付批次：生成、查看、列出、审核、导出银行文件、登记支付、重新支付）"

/* Options every subcommand takes besides its own. */
static const char *const county_opt[] = {"county", NULL};

static int batch_id(const jy_cli_opts *o, int64_t *id, jy_err *err)
{
    if (o->npos != 2) return jy_err_set2(err, JY_EUSAGE, "cli.usage_batch_id", "usage: jiuye batch %s ID", "用法：jiuye batch %s 批次编号", o->pos[0]);
    return jy_cli_parse_int(o->pos[1], "batch id", 1, INT64_MAX, id, err);
}

/* Prints {batch…, "lines":[…], "transfers":[…]} (jy_batch_show_json); the lines unmasked when rq
 * asks and jy_privacy_grant allows. */
static int show(jy_store *st, int64_t id, const jy_access_req *rq, jy_sb *out, jy_err *err)
{
    jy_batch b;
    int rc = jy_store_batch_get(st, id, &b, err);
    if (rc) return rc;
    int unmasked = rq && rq->unmask;
    if ((rc = jy_cli_unmask_record(st, rq, JY_PRIV_BANK, "pay_batch", b.county, id, err))) return rc;
    jy_sb_reset(out);
    if ((rc = jy_batch_show_json(st, id, unmasked, out, err))) return rc;
    jy_cli_print_as(out, unmasked);
    return 0;
}

static int print_batch(void *ctx, const jy_batch *b)
{
    jy_sb *sb = ctx;
    jy_sb_reset(sb);
    jy_batch_json(sb, b);
    jy_cli_print(sb);
    return 0;
}

int jy_cmd_batch(const jy_cli *cli, int argc, char **argv)
{
    jy_err err = {0};
    jy_cli_opts o;
    jy_cli_privacy pv;
    if (jy_cli_privacy_take(&argc, argv, &pv, &err)) return jy_cli_fail(&err);
    if (jy_cli_opts_parse(argc - 1, argv + 1, &o, &err)) return jy_cli_fail(&err);
    if (o.npos == 0) return jy_cli_usage2(USAGE, USAGE_ZH);
    const char *sub = o.pos[0];
    jy_access_req rq = jy_cli_access_req(cli, &pv);
    if (strcmp(sub, "show") == 0 || strcmp(sub, "export") == 0) {
        if (jy_privacy_req_check(&rq, &err)) return jy_cli_fail(&err);
    } else if (jy_cli_privacy_none(&pv, "this batch command", &err)) {
        return jy_cli_fail(&err);
    }
    jy_store *st = NULL;
    jy_cases *cs = NULL;
    jy_sb out = JY_SB_INIT;
    int64_t id = 0;
    int rc = jy_cli_store_open(cli, &st, &err);
    if (rc) goto done;
    if (strcmp(sub, "show") != 0 && strcmp(sub, "list") != 0 && (rc = jy_cases_open(st, cli->policy_dir, &cs, &err)))
        goto done;
    if (strcmp(sub, "build") == 0) {
        static const char *const allowed[] = {"program", "month", "year", "idempotency-key", NULL};
        int64_t year = 0;
        if ((rc = jy_cli_opts_only(&o, allowed, county_opt, &err))) goto done;
        if (jy_cli_opt(&o, "year") && (rc = jy_cli_parse_int(jy_cli_opt(&o, "year"), "--year", 2000, 2100, &year, &err))) goto done;
        if (jy_cli_opt(&o, "month")) {
            jy_month m;
            if ((rc = jy_month_parse(jy_cli_opt(&o, "month"), &m, &err))) goto done;
        }
        const char *county = NULL;
        if ((rc = jy_cli_county(jy_cli_opt(&o, "county"), st, &county, &err))) goto done;
        if (!(rc = jy_batch_build_request(cs, county, jy_cli_opt(&o, "program"), jy_cli_opt(&o, "month"), (int)year,
                                          jy_cli_opt(&o, "idempotency-key"), cli->actor, &out, NULL, &err)))
            jy_cli_print(&out);
    } else if (strcmp(sub, "show") == 0) {
        static const char *const allowed[] = {NULL};
        if (!(rc = jy_cli_opts_only(&o, allowed, county_opt, &err)) && !(rc = batch_id(&o, &id, &err))) rc = show(st, id, &rq, &out, &err);
    } else if (strcmp(sub, "list") == 0) {
        static const char *const allowed[] = {"program", NULL};
        if (!(rc = jy_cli_opts_only(&o, allowed, county_opt, &err))) rc = jy_store_batch_list(st, jy_cli_opt(&o, "program"), print_batch, &out, &err);
    } else if (strcmp(sub, "approve") == 0) {
        static const char *const allowed[] = {"idempotency-key", NULL};
        if (!(rc = jy_cli_opts_only(&o, allowed, county_opt, &err)) && !(rc = batch_id(&o, &id, &err)) &&
            !(rc = jy_batch_approve_request(cs, id, jy_cli_opt(&o, "idempotency-key"), cli->actor, &out, NULL, &err)))
            jy_cli_print(&out);
    } else if (strcmp(sub, "export") == 0) {
        static const char *const allowed[] = {"csv", "xlsx", "layout", "encoding", NULL};
        if ((rc = jy_cli_opts_only(&o, allowed, county_opt, &err)) || (rc = batch_id(&o, &id, &err))) goto done;
        if (!jy_cli_opt(&o, "csv") && !jy_cli_opt(&o, "xlsx")) {
            rc = jy_err_set2(&err, JY_EUSAGE, "cli.batch_export_files", "give --csv FILE and/or --xlsx FILE", "请给出 --csv 文件 和/或 --xlsx 文件");
            goto done;
        }
        const char *enc = jy_cli_opt(&o, "encoding");
        if (enc && strcmp(enc, "gb18030") != 0 && strcmp(enc, "utf-8-bom") != 0) {
            rc = jy_err_set2(&err, JY_EUSAGE, "cli.batch_encoding", "--encoding %s: give gb18030 or utf-8-bom", "--encoding %s：应为 gb18030 或 utf-8-bom", enc);
            goto done;
        }
        jy_bank_export x = {.csv_path = jy_cli_opt(&o, "csv"), .xlsx_path = jy_cli_opt(&o, "xlsx"),
                            .layout = jy_cli_opt(&o, "layout"), .encoding = enc, .policy_dir = cli->policy_dir};
        jy_bank_export_info info;
        if ((rc = jy_batch_export_bank(cs, id, &x, rq.unmask ? &rq : NULL, cli->actor, &info, &err))) goto done;
        jy_batch b;
        if ((rc = jy_store_batch_get(st, id, &b, &err))) goto done;
        jy_batch_json(&out, &b);
        out.len--;
        jy_sb_json_kv_str(&out, "csv", jy_cli_opt(&o, "csv"));
        jy_sb_json_kv_str(&out, "xlsx", jy_cli_opt(&o, "xlsx"));
        jy_sb_json_kv_str(&out, "layout", info.layout);
        jy_sb_json_kv_str(&out, "layout_title", info.layout_title);
        jy_sb_json_kv_str(&out, "encoding", info.encoding);
        jy_sb_json_kv_i64(&out, "transfers", info.transfers);
        jy_sb_json_kv_bool(&out, "masked", !rq.unmask);
        jy_sb_appendc(&out, '}');
        jy_cli_print(&out);
    } else if (strcmp(sub, "mark-paid") == 0) {
        static const char *const allowed[] = {"line", "transfer", "failed", "date", NULL};
        int64_t line = 0, transfer = 0;
        if ((rc = jy_cli_opts_only(&o, allowed, county_opt, &err)) || (rc = batch_id(&o, &id, &err))) goto done;
        if (jy_cli_opt(&o, "line") && (rc = jy_cli_parse_int(jy_cli_opt(&o, "line"), "--line", 1, INT32_MAX, &line, &err))) goto done;
        if (jy_cli_opt(&o, "transfer") &&
            (rc = jy_cli_parse_int(jy_cli_opt(&o, "transfer"), "--transfer", 1, INT32_MAX, &transfer, &err)))
            goto done;
        if (line && transfer) {
            rc = jy_err_set2(&err, JY_EUSAGE, "cli.batch_transfer_or_line", "give --transfer N or --line N, not both", "请给出 --transfer N 或 --line N，不能同时给出");
            goto done;
        }
        if (jy_cli_opt(&o, "failed")) {
            if (!line && !transfer) {
                rc = jy_err_set2(&err, JY_EUSAGE, "cli.batch_failed_needs", "--failed needs --transfer N (or --line N)", "--failed 须与 --transfer N（或 --line N）一起使用");
                goto done;
            }
            if (jy_cli_opt(&o, "date")) {
                rc = jy_err_set2(&err, JY_EUSAGE, "cli.batch_date_failed", "--date is the day the bank paid: not with --failed", "--date 是银行支付的日期，不能与 --failed 同用");
                goto done;
            }
            if (transfer) rc = jy_batch_mark_failed_transfer(cs, id, (int)transfer, jy_cli_opt(&o, "failed"), cli->actor, &err);
            else rc = jy_batch_mark_failed(cs, id, (int)line, jy_cli_opt(&o, "failed"), cli->actor, &err);
            if (rc) goto done;
            rc = show(st, id, NULL, &out, &err);
            goto done;
        }
        jy_batch_run run;
        if (line && jy_cli_opt(&o, "date")) {
            rc = jy_err_set2(&err, JY_EUSAGE, "cli.batch_date_with", "--date goes with a whole batch or --transfer N", "--date 只能用于整个批次或 --transfer N");
            goto done;
        }
        if (line) rc = jy_batch_mark_paid_cases(cs, id, (int)line, cli->actor, &run, &err);
        else rc = jy_batch_mark_paid_transfer(cs, id, (int)transfer, jy_cli_opt(&o, "date"), cli->actor, &run, &err);
        if (rc == 0) {
            jy_batch b;
            if ((rc = jy_store_batch_get(st, id, &b, &err))) goto done;
            jy_batch_json(&out, &b);
            out.len--;
            jy_sb_json_kv_i64(&out, "paid_now", run.paid);
            jy_sb_json_kv_i64(&out, "already_paid", run.already_paid);
            jy_sb_json_kv_i64(&out, "failed", run.failed);
            jy_sb_json_kv_i64(&out, "pending", run.pending);
            jy_sb_appendc(&out, '}');
            jy_cli_print(&out);
        }
    } else if (strcmp(sub, "retry") == 0) {
        static const char *const allowed[] = {"line", "transfer", NULL};
        int64_t line = 0, transfer = 0;
        if ((rc = jy_cli_opts_only(&o, allowed, county_opt, &err)) || (rc = batch_id(&o, &id, &err))) goto done;
        if (jy_cli_opt(&o, "transfer")) {
            if ((rc = jy_cli_parse_int(jy_cli_opt(&o, "transfer"), "--transfer", 1, INT32_MAX, &transfer, &err))) goto done;
            int n = 0;
            if ((rc = jy_batch_retry_transfer(cs, id, (int)transfer, cli->actor, &n, &err))) goto done;
            rc = show(st, id, NULL, &out, &err);
            goto done;
        }
        if (!jy_cli_opt(&o, "line") || (rc = jy_cli_parse_int(jy_cli_opt(&o, "line"), "--line", 1, INT32_MAX, &line, &err))) {
            if (!rc) rc = jy_err_set2(&err, JY_EUSAGE, "cli.batch_retry_needs", "retry needs --transfer N (or --line N)", "retry 须给出 --transfer N（或 --line N）");
            goto done;
        }
        jy_batch_line l;
        if (!(rc = jy_batch_retry(cs, id, (int)line, cli->actor, &l, &err))) {
            jy_batch_line_json(&out, &l);
            jy_cli_print(&out);
        }
    } else {
        rc = jy_err_set2(&err, JY_EUSAGE, "cli.unknown_subcommand", "unknown subcommand \"%s\"", "未知的子命令“%s”", sub);
    }
done:
    jy_sb_free(&out);
    jy_cases_close(cs);
    jy_store_close(st);
    if (rc == JY_EUSAGE) {
        fprintf(stderr, "jiuye: %s\n%s%s\n", jy_err_text(&err), jy_cli_usage_word(), jy_cli_usage_text(USAGE, USAGE_ZH));
        return JY_EXIT_USAGE;
    }
    if (rc) return jy_cli_fail(&err);
    return JY_EXIT_OK;
}
