/* jiuye policy eval|explain|check|list|facts: the policy engine's command line (contract in
 * docs/policy.md). eval and explain read JSON Lines cases on stdin; a malformed line gets an
 * {"id":…,"error":…} line and the next lines are still evaluated. eval is jy_policy_eval_stream
 * (blocks of up to 1,024 lines evaluated grouped by programme, written in input order; the fast
 * reader, or with --reference the jansson reader it is tested against: the same bytes out). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "policy/policy.h"
#include "service/simulate.h"
#include "service/versions.h"
#include "store/store.h"

static const char *USAGE =
    "jiuye policy eval [--policy DIR] [--no-reasons] [--reference] < cases.jsonl\n"
    "       jiuye policy explain [--policy DIR] < cases.jsonl\n"
    "       jiuye policy check [--strict] [DIR]\n"
    "       jiuye policy list [--policy DIR]\n"
    "       jiuye policy facts [--policy DIR]   (the fact catalogue as Markdown)\n"
    "       jiuye policy simulate (--set NAME=VALUE [from DATE] … | --policy-dir DIR) [--county C] [--area DIVISION]\n"
    "                             [--program P] [--from DATE] [--to DATE] [--year Y] [--cases]\n"
    "       jiuye policy load DIR --enacted DATE --from DATE [--note TEXT]   (register the rules as a version)\n"
    "       jiuye policy versions [--policy DIR]\n"
    "       jiuye policy diff A B [--format text|json]\n"
    "       jiuye policy redecide --version N [--county C] [--program P]            (dry run: the changes)\n"
    "       jiuye policy redecide --version N [--county C] [--program P] --commit PLAN --reviewer NAME";
static const char *USAGE_ZH =
    "jiuye policy eval [--policy 规则目录] [--no-reasons] [--reference] < cases.jsonl\n"
    "       jiuye policy explain [--policy 规则目录] < cases.jsonl\n"
    "       jiuye policy check [--strict] [规则目录]\n"
    "       jiuye policy list [--policy 规则目录]\n"
    "       jiuye policy facts [--policy 规则目录]   （信息项目录，Markdown 格式）\n"
    "       jiuye policy simulate (--set 名称=值 [from 日期] … | --policy-dir 规则目录) [--county 县] [--area 辖区]\n"
    "                             [--program 项目] [--from 日期] [--to 日期] [--year 年度] [--cases]\n"
    "       jiuye policy load 规则目录 --enacted 日期 --from 日期 [--note 说明]   （将规则登记为一个版本）\n"
    "       jiuye policy versions [--policy 规则目录]\n"
    "       jiuye policy diff 版本A 版本B [--format text|json]\n"
    "       jiuye policy redecide --version N [--county 县] [--program 项目]            （试算：列出变化）\n"
    "       jiuye policy redecide --version N [--county 县] [--program 项目] --commit 方案 --reviewer 复核人";

/* explain: one case at a time, each traced (eval: jy_policy_eval_stream). */
static int run_explain(const jy_policy *pol)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    jy_sb out = JY_SB_INIT;
    jy_policy_case *c = malloc(sizeof *c);
    jy_policy_step *steps = malloc(sizeof *steps * 512);
    if (!c || !steps) abort();
    while ((n = getline(&line, &cap, stdin)) > 0) {
        size_t len = (size_t)n;
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r' || line[len - 1] == ' ')) len--;
        if (len == 0) continue;
        char id[256];
        int has_id;
        jy_err err;
        jy_sb_reset(&out);
        if (jy_policy_case_parse(pol, line, len, c, id, sizeof id, &has_id, &err) != 0) {
            jy_sb_appendf(&out, "案例 %s：输入有误：%s\n", has_id ? id : "（无 id）", jy_err_text(&err));
        } else {
            jy_decision dec;
            jy_policy_trace tr = {0, 512, steps};
            jy_policy_eval_trace(pol, c, &dec, &tr);
            jy_sb_appendf(&out, "案例 %s\n", has_id ? id : "（无 id）");
            jy_policy_explain_text(pol, c, &dec, &tr, &out);
            jy_sb_appendc(&out, '\n');
        }
        fwrite(out.buf ? out.buf : "", 1, out.len, stdout);
    }
    free(line);
    free(c);
    free(steps);
    jy_sb_free(&out);
    return JY_EXIT_OK;
}

/* jiuye policy simulate: re-decides the stored cases under changed rules (service/simulate.h,
 * docs/policy.md "Budget simulation"); prints the report as JSON, writes nothing. A --set takes
 * one argument "NAME=VALUE [from DATE]", or NAME=VALUE followed by the two arguments from DATE. */
static int cmd_simulate(const jy_cli *cli, int argc, char **argv)
{
    jy_sim_set sets[JY_SIM_MAX_SETS];
    jy_sim_request rq;
    jy_sim_stats ss = {0};
    memset(&rq, 0, sizeof rq);
    rq.policy_dir = cli->policy_dir;
    const char *county = NULL;
    jy_err err;
    int nsets = 0;
    int64_t year = 0;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--cases") == 0) {
            rq.list_cases = 1;
            continue;
        }
        if (!v) return jy_cli_usage2(USAGE, USAGE_ZH);
        i++;
        if (strcmp(a, "--set") == 0) {
            if (nsets == JY_SIM_MAX_SETS) {
                jy_err_set2(&err, JY_EUSAGE, "cli.sim_max_sets", "--set: at most %d changes", "--set：最多%d项改动", JY_SIM_MAX_SETS);
                return jy_cli_fail(&err);
            }
            char text[256];
            if (i + 2 < argc && strcmp(argv[i + 1], "from") == 0) {
                snprintf(text, sizeof text, "%s from %s", v, argv[i + 2]);
                i += 2;
            } else {
                snprintf(text, sizeof text, "%s", v);
            }
            if (jy_sim_set_parse(text, &sets[nsets], &err)) return jy_cli_fail(&err);
            nsets++;
        } else if (strcmp(a, "--policy-dir") == 0) {
            rq.new_dir = v;
        } else if (strcmp(a, "--policy") == 0) {
            rq.policy_dir = v;
        } else if (strcmp(a, "--county") == 0) {
            county = v;
        } else if (strcmp(a, "--area") == 0) {
            rq.area = v;
        } else if (strcmp(a, "--program") == 0) {
            rq.program = v;
        } else if (strcmp(a, "--from") == 0 || strcmp(a, "--to") == 0) {
            jy_date d;
            if (jy_date_parse(v, &d, &err)) {
                jy_err_prefix2(&err, "%s: ", "%s：", a);
                return jy_cli_fail(&err);
            }
            if (a[2] == 'f') rq.from = d;
            else rq.to = d;
        } else if (strcmp(a, "--year") == 0) {
            if (jy_cli_parse_int(v, "--year", 2000, 2100, &year, &err)) return jy_cli_fail(&err);
            rq.from = jy_date_from_ymd((int)year, 1, 1);
            rq.to = jy_date_from_ymd((int)year, 12, 31);
        } else {
            return jy_cli_usage2(USAGE, USAGE_ZH);
        }
    }
    rq.sets = sets;
    rq.nsets = nsets;
    jy_store *st = NULL;
    jy_sb out = JY_SB_INIT;
    int rc = jy_cli_store_open(cli, &st, &err);
    if (rc == 0) rc = jy_cli_county(county, st, &county, &err);
    if (rc == 0) {
        rq.county = county;
        rc = jy_simulate(st, NULL, &rq, &out, &ss, &err);
    }
    if (rc == 0) jy_cli_print(&out);
    /* JY_SIM_STATS=1: how the rows' facts were read, on stderr (tests/cli/policy_simulate_factvec.sh) */
    const char *stats = getenv("JY_SIM_STATS");
    if (rc == 0 && stats && strcmp(stats, "1") == 0)
        fprintf(stderr, "simulate: %ld rows, %ld read by the fast reader, %ld from stored fact vectors, %ld checked\n",
                ss.rows, ss.fast_rows, ss.vec_rows, ss.checked);
    jy_sb_free(&out);
    if (st) jy_store_close(st);
    return rc ? jy_cli_fail(&err) : JY_EXIT_OK;
}

/* jiuye policy load|versions|diff|redecide: rule versions (service/versions.h, docs/versions.md). */
static int cmd_versions(const jy_cli *cli, int argc, char **argv)
{
    const char *sub = argv[1];
    jy_cli_opts o;
    jy_err err;
    if (jy_cli_opts_parse(argc - 2, argv + 2, &o, &err)) return jy_cli_fail(&err);
    static const char *const load_opts[] = {"enacted", "from", "note", "policy", NULL};
    static const char *const list_opts[] = {"policy", NULL};
    static const char *const diff_opts[] = {"format", NULL};
    static const char *const red_opts[] = {"version", "county", "program", "commit", "reviewer", "policy", NULL};
    int is_load = strcmp(sub, "load") == 0, is_list = strcmp(sub, "versions") == 0, is_diff = strcmp(sub, "diff") == 0;
    const char *const *allowed = is_load ? load_opts : is_list ? list_opts : is_diff ? diff_opts : red_opts;
    int want_pos = is_load ? 1 : is_diff ? 2 : 0;
    if (jy_cli_opts_only(&o, allowed, NULL, &err)) return jy_cli_fail(&err);
    if (o.npos != want_pos) return jy_cli_usage2(USAGE, USAGE_ZH);
    const char *dir = jy_cli_opt(&o, "policy") ? jy_cli_opt(&o, "policy") : cli->policy_dir;
    jy_store *st = NULL;
    jy_cases *cs = NULL;
    jy_sb out = JY_SB_INIT, text = JY_SB_INIT;
    int rc = 0, as_text = 0;
    if (is_load) {
        jy_date enacted = 0, from = 0;
        const char *e = jy_cli_opt(&o, "enacted"), *f = jy_cli_opt(&o, "from");
        if (e && jy_date_parse_loose(e, &enacted, &err)) rc = jy_err_prefix2(&err, "--enacted %s: ", "--enacted %s：", e);
        if (rc == 0 && f && jy_date_parse_loose(f, &from, &err)) rc = jy_err_prefix2(&err, "--from %s: ", "--from %s：", f);
        if (rc == 0) rc = jy_cli_store_open(cli, &st, &err);
        if (rc == 0)
            rc = jy_versions_load(st, o.pos[0], enacted, from, jy_cli_opt(&o, "note"), cli->actor, &out, &err);
    } else if (is_list) {
        rc = jy_cli_store_open(cli, &st, &err);
        if (rc == 0) rc = jy_versions_list_json(st, dir, &out, &err);
    } else if (is_diff) {
        int64_t a = 0, b = 0;
        const char *fmt = jy_cli_opt(&o, "format");
        if (fmt && strcmp(fmt, "text") != 0 && strcmp(fmt, "json") != 0)
            rc = jy_err_set2(&err, JY_EUSAGE, "cli.format_text_json", "--format %s: expected text or json", "--format %s：应为 text 或 json", fmt);
        as_text = !fmt || strcmp(fmt, "text") == 0;
        if (rc == 0) rc = jy_cli_parse_int(o.pos[0], "version A", 1, INT64_MAX, &a, &err);
        if (rc == 0) rc = jy_cli_parse_int(o.pos[1], "version B", 1, INT64_MAX, &b, &err);
        if (rc == 0) rc = jy_cli_store_open(cli, &st, &err);
        if (rc == 0) rc = jy_versions_diff(st, a, b, as_text ? NULL : &out, as_text ? &text : NULL, &err);
    } else {
        jy_redecide_request rq;
        memset(&rq, 0, sizeof rq);
        int64_t v = 0;
        const char *vs = jy_cli_opt(&o, "version");
        if (!vs) rc = jy_err_set2(&err, JY_EUSAGE, "cli.redecide_version", "--version N: the version to re-decide under is required", "--version N：须给出据以重新审核的规则版本");
        if (rc == 0) rc = jy_cli_parse_int(vs, "--version", 1, INT64_MAX, &v, &err);
        rq.version = v;
        rq.program = jy_cli_opt(&o, "program");
        rq.plan = jy_cli_opt(&o, "commit");
        rq.commit = rq.plan != NULL;
        rq.reviewer = jy_cli_opt(&o, "reviewer");
        if (rc == 0 && rq.reviewer && !rq.commit)
            rc = jy_err_set2(&err, JY_EUSAGE, "cli.reviewer_with_commit", "--reviewer goes with --commit PLAN (the dry run needs no reviewer)", "--reviewer 须与 --commit 方案 一起使用（试算不需要复核人）");
        if (rc == 0) rc = jy_cli_store_open(cli, &st, &err);
        if (rc == 0) rc = jy_cli_county(jy_cli_opt(&o, "county"), st, &rq.county, &err);
        if (rc == 0) rc = jy_cases_open(st, dir, &cs, &err);
        if (rc == 0) rc = jy_versions_redecide(cs, &rq, cli->actor, &out, &err);
    }
    if (rc == 0) {
        if (as_text) fputs(jy_sb_cstr(&text), stdout);
        else jy_cli_print(&out);
    }
    jy_sb_free(&out);
    jy_sb_free(&text);
    jy_cases_close(cs);
    if (st) jy_store_close(st);
    return rc ? jy_cli_fail(&err) : JY_EXIT_OK;
}

int jy_cmd_policy(const jy_cli *cli, int argc, char **argv)
{
    if (argc < 2) return jy_cli_usage2(USAGE, USAGE_ZH);
    if (strcmp(argv[1], "simulate") == 0) return cmd_simulate(cli, argc, argv);
    if (strcmp(argv[1], "load") == 0 || strcmp(argv[1], "versions") == 0 || strcmp(argv[1], "diff") == 0 ||
        strcmp(argv[1], "redecide") == 0)
        return cmd_versions(cli, argc, argv);
    const char *sub = argv[1];
    const char *dir = cli->policy_dir;
    const char *pos = NULL;
    int with_reasons = 1, strict = 0, reference = 0;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--policy") == 0 && i + 1 < argc) dir = argv[++i];
        else if (strcmp(argv[i], "--no-reasons") == 0) with_reasons = 0;
        else if (strcmp(argv[i], "--strict") == 0) strict = 1;
        else if (strcmp(argv[i], "--reference") == 0) reference = 1;
        else if (argv[i][0] != '-' && !pos) pos = argv[i];
        else return jy_cli_usage2(USAGE, USAGE_ZH);
    }
    if (strcmp(sub, "check") == 0) {
        if (pos) dir = pos;
        jy_sb rep = JY_SB_INIT;
        int ne = 0, nw = 0;
        jy_policy_check(dir, &rep, &ne, &nw);
        fputs(jy_sb_cstr(&rep), stdout);
        printf("%s: %d error(s), %d warning(s)\n", dir, ne, nw);
        jy_sb_free(&rep);
        return ne > 0 || (strict && nw > 0) ? JY_EXIT_FAIL : JY_EXIT_OK;
    }
    if (pos) return jy_cli_usage2(USAGE, USAGE_ZH);
    int is_eval = strcmp(sub, "eval") == 0, is_explain = strcmp(sub, "explain") == 0;
    int is_list = strcmp(sub, "list") == 0, is_facts = strcmp(sub, "facts") == 0;
    if (!is_eval && !is_explain && !is_list && !is_facts) return jy_cli_usage2(USAGE, USAGE_ZH);
    jy_policy *pol = NULL;
    jy_err err;
    if (jy_policy_load(dir, &pol, &err) != 0) return jy_cli_fail(&err);
    int rc = JY_EXIT_OK;
    if (is_list || is_facts) {
        jy_sb sb = JY_SB_INIT;
        if (is_list) jy_policy_list_json(pol, &sb);
        else jy_policy_facts_md(pol, &sb);
        if (is_list) jy_cli_print(&sb);
        else fputs(jy_sb_cstr(&sb), stdout);
        jy_sb_free(&sb);
    } else if (is_explain) {
        rc = run_explain(pol);
    } else if (jy_policy_eval_stream(pol, stdin, stdout, (with_reasons ? JY_EVAL_REASONS : 0) | (reference ? JY_EVAL_REFERENCE : 0),
                                     &err) != 0) {
        rc = jy_cli_fail(&err);
    }
    jy_policy_free(pol);
    return rc;
}
