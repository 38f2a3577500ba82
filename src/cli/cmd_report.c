/* jiuye report: the reports of issue 5 item 6 (docs/reports.md), as JSON, CSV or XLSX.
 *
 *   jiuye report targets [--year Y] [--program P] [--count counters|recount]
 *                                                            targets against achievements (from the
 *                                                            counters kept as cases move; recount: every case)
 *   jiuye report counters check|rebuild                      the counters against a recount (exit 1 on
 *                                                            a difference) | recounted into the counters
 *   jiuye report budget [--year Y] [--program P]             budget against committed and paid
 *   jiuye report roster P [--form F] [--year Y] [--state S] [--case ID] [--org USCC] [--unit TEXT]
 *                         [--month YYYY-MM]   (P13: --form p13-roster, the default, or p13-pay, the month's 发放表)
 *                         (P22: --form 5-22-1|5-22-2 --case ID, one community's papers: --case names the case)
 *   jiuye report forms                                       the roster forms known
 *   jiuye report publicity CASE… | --program P [--state S]   公示名单
 *   jiuye report p4-acceptance CASE                          附件 5-4-2 figures
 *
 * Every report takes --format json|csv|xlsx|pdf (default json), --out FILE (required for xlsx
 * and pdf — an A4 form to print, sign and stamp, service/report_pdf.h; else
 * stdout), --encoding utf-8|gb18030 (CSV only; utf-8 carries a BOM) and --county CODE (else
 * cli.h jy_cli_county: $JIUYE_COUNTY, the --as user's county, else 640522).
 *
 * Personal data in a roster is masked (ID numbers, phones, the disability category; docs/
 * privacy.md) unless `roster … --unmask --reason WHY` by a role that may (service/privacy.h):
 * the access log records it (export when written to --out, else view) before it is written.
 * The publicity list is published: names and ID numbers are always masked there. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/file.h"
#include "cli/cli.h"
#include "cli/cli_privacy.h"
#include "domain/division.h"
#include "policy/policy.h"
#include "service/ledger.h"
#include "service/report.h"
#include "service/report_pdf.h"
#include "store/report_store.h"
#include "store/store.h"

#define USAGE                                                                                                   \
    "jiuye report targets|budget|roster P|forms|publicity CASE…|p4-acceptance CASE|counters check|rebuild " \
    "[--format json|csv|xlsx|pdf] "                                                                               \
    "[--out FILE] [--encoding utf-8|gb18030] [--county CODE] …"
#define USAGE_ZH "jiuye report targets|budget|roster 项目|forms|publicity 案件…|p4-acceptance 案件 [--format json|csv|xlsx|pdf] " \
    "[--out 文件] [--encoding utf-8|gb18030] [--county 区划代码] …"

/* The output options every report takes besides its own. */
static const char *const output_opts[] = {"county", "format", "out", "encoding", NULL};

static int program_ok(const char *p, jy_err *err)
{
    int n = p && p[0] == 'P' ? atoi(p + 1) : 0;
    char canon[8];
    snprintf(canon, sizeof canon, "P%d", n);
    if (n < 1 || n > 26 || strcmp(canon, p) != 0)
        return jy_err_set2(err, JY_EUSAGE, "cli.programme_expected", "programme %s: expected P1 … P26", "项目 %s：应为 P1 … P26", p ? p : "");
    return 0;
}

/* Writes the report in the chosen format to --out or stdout. */
static int emit(const jy_cli_opts *o, const jy_report *r, jy_err *err)
{
    const char *format = jy_cli_opt(o, "format");
    const char *path = jy_cli_opt(o, "out");
    const char *enc = jy_cli_opt(o, "encoding");
    if (!format) format = "json";
    int gb = 0;
    if (enc) {
        if (strcmp(enc, "gb18030") == 0 || strcmp(enc, "GB18030") == 0) gb = 1;
        else if (strcmp(enc, "utf-8") != 0 && strcmp(enc, "utf8") != 0 && strcmp(enc, "UTF-8") != 0)
            return jy_err_set2(err, JY_EUSAGE, "cli.report_encoding", "--encoding %s: expected utf-8 or gb18030", "--encoding %s：应为 utf-8 或 gb18030", enc);
        if (strcmp(format, "csv") != 0) return jy_err_set2(err, JY_EUSAGE, "cli.encoding_csv_only", "--encoding applies to --format csv only", "--encoding 只适用于 --format csv");
    }
    if (strcmp(format, "xlsx") == 0) {
        if (!path) return jy_err_set2(err, JY_EUSAGE, "cli.xlsx_needs_out", "--format xlsx needs --out FILE", "--format xlsx 须给出 --out 文件");
        int rc = jy_report_xlsx(r, path, err);
        if (rc) return rc;
        printf("{\"report\":\"%s\",\"format\":\"xlsx\",\"rows\":%zu}\n", r->name, r->nrows);
        return 0;
    }
    jy_sb out;
    jy_sb_init(&out);
    int rc = 0;
    if (strcmp(format, "json") == 0) {
        jy_report_json(r, &out);
        jy_sb_appendc(&out, '\n');
    } else if (strcmp(format, "csv") == 0) {
        rc = jy_report_csv(r, gb, &out, err);
    } else if (strcmp(format, "pdf") == 0) {
        rc = path ? jy_report_pdf(r, &out, err) : jy_err_set2(err, JY_EUSAGE, "cli.pdf_needs_out", "--format pdf needs --out FILE", "--format pdf 须给出 --out 文件");
    } else {
        rc = jy_err_set2(err, JY_EUSAGE, "cli.report_format", "--format %s: expected json, csv, xlsx or pdf", "--format %s：应为 json、csv、xlsx 或 pdf", format);
    }
    if (rc == 0) {
        FILE *f = path ? jy_fopen_private(path, "wb") : stdout;
        if (!f) {
            rc = jy_err_set2(err, JY_EIO, "cli.file_create", "%s: %s", "无法写入文件 %s：%s", path, strerror(errno));
        } else {
            size_t n = fwrite(jy_sb_cstr(&out), 1, out.len, f);
            int bad = n != out.len;
            if (path) bad |= fclose(f) != 0;
            else bad |= fflush(f) != 0;
            if (bad) rc = jy_err_set2(err, JY_EIO, "cli.write_failed", "%s: write failed", "%s：写入失败", path ? path : "stdout");
            else if (path) printf("{\"report\":\"%s\",\"format\":\"%s\",\"rows\":%zu}\n", r->name, format, r->nrows);
        }
    }
    jy_sb_free(&out);
    return rc;
}

static int year_of(const jy_cli_opts *o, int *year, jy_err *err)
{
    int64_t y = 0;
    *year = 0;
    if (jy_cli_opt(o, "year") && jy_cli_parse_int(jy_cli_opt(o, "year"), "--year", 2000, 2100, &y, err)) return err->code;
    *year = (int)y;
    return 0;
}

static int parse_ids(const jy_cli_opts *o, int from, int64_t *ids, size_t *n, jy_err *err)
{
    *n = 0;
    for (int i = from; i < o->npos; i++) {
        if (jy_cli_parse_int(o->pos[i], "case", 1, INT64_MAX, &ids[*n], err)) return err->code;
        (*n)++;
    }
    return 0;
}

/* The access-log target of a roster: the query that chose its rows. */
static void roster_target(jy_sb *t, const jy_cli_opts *o)
{
    static const char *const keys[] = {"form", "year", "state", "case", "org", "format", "out", NULL};
    jy_sb_appendf(t, "roster %s", o->pos[1]);
    for (int i = 0; keys[i]; i++)
        if (jy_cli_opt(o, keys[i])) jy_sb_appendf(t, " %s=%s", keys[i], jy_cli_opt(o, keys[i]));
}

int jy_cmd_report(const jy_cli *cli, int argc, char **argv)
{
    jy_err err = {0};
    jy_cli_opts o;
    jy_cli_privacy pv;
    if (jy_cli_privacy_take(&argc, argv, &pv, &err)) return jy_cli_fail(&err);
    if (jy_cli_opts_parse(argc - 1, argv + 1, &o, &err)) return jy_cli_fail(&err);
    if (o.npos == 0) return jy_cli_usage2(USAGE, USAGE_ZH);
    const char *sub = o.pos[0];
    jy_access_req rq = jy_cli_access_req(cli, &pv);
    if (strcmp(sub, "roster") == 0) {
        if (jy_privacy_req_check(&rq, &err)) return jy_cli_fail(&err);
    } else if (jy_cli_privacy_none(&pv,
                                   strcmp(sub, "publicity") == 0
                                       ? "report publicity (a published list is always masked; report roster "
                                         "--unmask shows the values whole)"
                                       : "this report",
                                   &err)) {
        return jy_cli_fail(&err);
    }
    jy_store *st = NULL;
    jy_policy *pol = NULL;
    jy_divisions *divs = NULL;
    jy_report *r = NULL;
    const char *county = NULL;
    int year = 0;
    int rc = 0;
    if (strcmp(sub, "forms") == 0) {
        jy_sb out;
        jy_sb_init(&out);
        jy_report_forms_json(&out);
        jy_cli_print(&out);
        jy_sb_free(&out);
        return JY_EXIT_OK;
    }
    if ((rc = jy_cli_store_open(cli, &st, &err)) || (rc = jy_cli_county(jy_cli_opt(&o, "county"), st, &county, &err))) goto done;
    if (strcmp(sub, "counters") == 0) {
        static const char *const allowed[] = {"county", NULL};
        if ((rc = jy_cli_opts_only(&o, allowed, NULL, &err))) goto done;
        const char *what = o.npos == 2 ? o.pos[1] : "";
        jy_sb out = JY_SB_INIT;
        if (strcmp(what, "check") == 0) {
            int64_t nd = 0;
            if ((rc = jy_report_counters_check(st, county, &out, &nd, &err)) == 0) {
                jy_cli_print(&out);
                if (nd)
                    rc = jy_err_set2(&err, JY_ECONFLICT, "counters.differ",
                                     "the counters of county %s differ from a recount in %lld groups (listed above); "
                                     "`jiuye report counters rebuild` recounts them",
                                     "县 %s 的统计计数与重新统计不一致，共 %lld 组（见上）；"
                                     "可用 `jiuye report counters rebuild` 重新统计",
                                     county, (long long)nd);
            }
        } else if (strcmp(what, "rebuild") == 0) {
            int64_t groups = 0;
            if ((rc = jy_store_report_counters_rebuild(st, county, &groups, &err)) == 0) {
                jy_sb_appendc(&out, '{');
                jy_sb_json_kv_str(&out, "county", county);
                jy_sb_json_kv_i64(&out, "groups", groups);
                jy_sb_appendc(&out, '}');
                jy_cli_print(&out);
            }
        } else {
            rc = jy_err_set2(&err, JY_EUSAGE, "counters.usage", "report counters check|rebuild [--county CODE]",
                             "用法：report counters check|rebuild [--county 县代码]");
        }
        jy_sb_free(&out);
        goto done;
    }
    if (strcmp(sub, "targets") == 0 || strcmp(sub, "budget") == 0) {
        static const char *const allowed[] = {"year", "program", "count", NULL};
        if ((rc = jy_cli_opts_only(&o, allowed, output_opts, &err)) || (rc = year_of(&o, &year, &err))) goto done;
        if (o.npos > 1) {
            rc = jy_err_set2(&err, JY_EUSAGE, "cli.report_no_args", "report %s takes no arguments (use --program, --year)", "report %s 不带参数（请用 --program、--year）", sub);
            goto done;
        }
        const char *count = jy_cli_opt(&o, "count");
        if (count && (strcmp(sub, "targets") != 0 || (strcmp(count, "counters") != 0 && strcmp(count, "recount") != 0))) {
            rc = jy_err_set2(&err, JY_EUSAGE, "report.count", "--count: counters or recount (report targets only)",
                             "--count 应为 counters（计数）或 recount（重新统计），仅用于 report targets");
            goto done;
        }
        if (jy_cli_opt(&o, "program") && (rc = program_ok(jy_cli_opt(&o, "program"), &err))) goto done;
        if ((rc = jy_policy_load(cli->policy_dir, &pol, &err))) goto done;
        if (strcmp(sub, "targets") == 0)
            rc = jy_report_targets_from(st, pol, cli->policy_dir, county, year, jy_cli_opt(&o, "program"),
                                        count && strcmp(count, "recount") == 0, &r, &err);
        else rc = jy_report_budget(st, pol, county, year, jy_cli_opt(&o, "program"), &r, &err);
    } else if (strcmp(sub, "roster") == 0) {
        static const char *const allowed[] = {"form", "year", "state", "case", "org", "unit", "month", NULL};
        if ((rc = jy_cli_opts_only(&o, allowed, output_opts, &err)) || (rc = year_of(&o, &year, &err))) goto done;
        if (o.npos != 2) {
            rc = jy_err_set2(&err, JY_EUSAGE, "cli.report_roster_one", "report roster P [--form F]: one programme expected", "report roster 项目 [--form 表式]：应给出一个项目");
            goto done;
        }
        if ((rc = program_ok(o.pos[1], &err))) goto done;
        jy_roster_query q = {.county = county, .program = o.pos[1], .form = jy_cli_opt(&o, "form"), .year = year,
                             .month = jy_cli_opt(&o, "month"),
                             .state = jy_cli_opt(&o, "state"), .unit = jy_cli_opt(&o, "unit")};
        if (jy_cli_opt(&o, "case") && (rc = jy_cli_parse_int(jy_cli_opt(&o, "case"), "--case", 1, INT64_MAX, &q.parent_id, &err))) goto done;
        if (jy_cli_opt(&o, "org")) {
            jy_org org;
            if ((rc = jy_store_org_get_by_uscc(st, jy_cli_opt(&o, "org"), &org, &err))) goto done;
            q.org_id = org.id;
        }
        if (jy_divisions_load(cli->policy_dir, &divs, NULL) == 0) q.divisions = divs;
        if ((rc = jy_policy_load(cli->policy_dir, &pol, &err))) goto done;
        if ((rc = jy_report_roster(st, pol, &q, &r, &err))) goto done;
        if (rq.unmask) {
            jy_sb t = JY_SB_INIT;
            roster_target(&t, &o);
            rc = jy_privacy_grant(st, &rq, JY_PRIV_UNMASK, jy_cli_opt(&o, "out") ? "export" : "view", "report", county,
                                  jy_sb_cstr(&t), &err);
            jy_sb_free(&t);
        } else {
            jy_privacy_mask_report(r);
        }
    } else if (strcmp(sub, "publicity") == 0) {
        static const char *const allowed[] = {"program", "state", NULL};
        static int64_t ids[JY_CLI_MAX_POS];
        size_t n = 0;
        if ((rc = jy_cli_opts_only(&o, allowed, output_opts, &err)) || (rc = parse_ids(&o, 1, ids, &n, &err))) goto done;
        if (n == 0 && !jy_cli_opt(&o, "program")) {
            rc = jy_err_set2(&err, JY_EUSAGE, "cli.report_publicity_args", "report publicity: give case numbers or --program P [--state S]", "report publicity：请给出案件编号，或 --program 项目 [--state 状态]");
            goto done;
        }
        if (jy_cli_opt(&o, "program") && (rc = program_ok(jy_cli_opt(&o, "program"), &err))) goto done;
        if ((rc = jy_policy_load(cli->policy_dir, &pol, &err))) goto done;
        rc = jy_report_publicity(st, pol, county, ids, n, jy_cli_opt(&o, "program"), jy_cli_opt(&o, "state"), &r, &err);
        if (rc == 0) jy_privacy_mask_report(r); /* names and ID numbers are masked already; facts' free text too */
    } else if (strcmp(sub, "p4-acceptance") == 0) {
        static const char *const allowed[] = {NULL};
        int64_t id = 0;
        if ((rc = jy_cli_opts_only(&o, allowed, output_opts, &err))) goto done;
        if (o.npos != 2) {
            rc = jy_err_set2(&err, JY_EUSAGE, "cli.report_p4_one", "report p4-acceptance CASE: one case number expected", "report p4-acceptance 案件：应给出一个案件编号");
            goto done;
        }
        if ((rc = jy_cli_parse_int(o.pos[1], "case", 1, INT64_MAX, &id, &err))) goto done;
        rc = jy_report_p4_acceptance(st, county, id, &r, &err);
    } else {
        jy_store_close(st);
        return jy_cli_usage2(USAGE, USAGE_ZH);
    }
    if (rc == 0) rc = emit(&o, r, &err);
done:
    jy_report_free(r);
    jy_policy_free(pol);
    jy_divisions_free(divs);
    jy_store_close(st);
    if (rc) return jy_cli_fail(&err);
    return JY_EXIT_OK;
}
