/* jiuye policy eval|explain|check|list|facts: the policy engine's command line (contract in
 * docs/policy.md). eval and explain read JSON Lines cases on stdin; a malformed line gets an
 * {"id":…,"error":…} line and the next lines are still evaluated. eval takes its input in blocks
 * of up to 1,024 lines (evaluated grouped by programme, written in input order). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "policy/policy.h"
#include "service/simulate.h"
#include "store/store.h"

static const char *USAGE =
    "jiuye policy eval [--policy DIR] [--no-reasons] < cases.jsonl\n"
    "       jiuye policy explain [--policy DIR] < cases.jsonl\n"
    "       jiuye policy check [--strict] [DIR]\n"
    "       jiuye policy list [--policy DIR]\n"
    "       jiuye policy facts [--policy DIR]   (the fact catalogue as Markdown)\n"
    "       jiuye policy simulate (--set NAME=VALUE [from DATE] … | --policy-dir DIR) [--county C] [--area DIVISION]\n"
    "                             [--program P] [--from DATE] [--to DATE] [--year Y] [--cases]";

/* eval reads its input in blocks of up to BLOCK lines and evaluates each block with
 * jy_policy_eval_many (cases grouped by programme), then writes the lines in input order. */
enum { BLOCK = 1024 };

typedef struct block_line {
    char id[256];
    int has_id, bad;
    char error[512];
} block_line;

static void write_error_json(jy_sb *out, const char *id, int has_id, const char *msg)
{
    jy_sb_appendc(out, '{');
    jy_sb_json_key(out, "id");
    if (has_id) jy_sb_json_str(out, id);
    else jy_sb_append(out, "null");
    jy_sb_json_kv_str(out, "error", msg);
    jy_sb_append(out, "}\n");
}

static int run_cases(const jy_policy *pol, int explain, int with_reasons)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    jy_sb out = JY_SB_INIT;
    int nblk = explain ? 1 : BLOCK;
    jy_policy_case *cases = malloc(sizeof *cases * (size_t)nblk);
    block_line *meta = malloc(sizeof *meta * (size_t)nblk);
    jy_decision *dec = malloc(sizeof *dec * (size_t)nblk);
    uint32_t *order = malloc(sizeof *order * (size_t)nblk);
    jy_policy_step *steps = malloc(sizeof *steps * 512);
    if (!cases || !meta || !dec || !order || !steps) abort();
    int eof = 0;
    while (!eof) {
        /* 1. read and parse up to nblk non-empty lines */
        int m = 0, ngood = 0;
        while (m < nblk) {
            if ((n = getline(&line, &cap, stdin)) <= 0) { eof = 1; break; }
            size_t len = (size_t)n;
            while (len && (line[len - 1] == '\n' || line[len - 1] == '\r' || line[len - 1] == ' ')) len--;
            if (len == 0) continue;
            block_line *bl = &meta[m];
            jy_err err;
            bl->bad = jy_policy_case_parse(pol, line, len, &cases[ngood], bl->id, sizeof bl->id, &bl->has_id, &err) != 0;
            if (bl->bad) snprintf(bl->error, sizeof bl->error, "%s", jy_err_text(&err));
            else ngood++;
            m++;
        }
        if (m == 0) break;
        /* 2. evaluate (eval: the block's good cases grouped by programme) and 3. write in order */
        if (!explain) jy_policy_eval_many(pol, cases, (size_t)ngood, dec, order);
        jy_sb_reset(&out);
        for (int i = 0, g = 0; i < m; i++) {
            block_line *bl = &meta[i];
            if (bl->bad) {
                if (explain) jy_sb_appendf(&out, "案例 %s：输入有误：%s\n", bl->has_id ? bl->id : "（无 id）", bl->error);
                else write_error_json(&out, bl->id, bl->has_id, bl->error);
                continue;
            }
            if (explain) {
                jy_policy_trace tr = {0, 512, steps};
                jy_policy_eval_trace(pol, &cases[g], &dec[g], &tr);
                jy_sb_appendf(&out, "案例 %s\n", bl->has_id ? bl->id : "（无 id）");
                jy_policy_explain_text(pol, &cases[g], &dec[g], &tr, &out);
            } else {
                jy_policy_decision_json(pol, bl->id, bl->has_id, &dec[g], with_reasons, &out);
            }
            jy_sb_appendc(&out, '\n');
            g++;
        }
        fwrite(out.buf ? out.buf : "", 1, out.len, stdout);
    }
    free(line);
    free(cases);
    free(meta);
    free(dec);
    free(order);
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
        if (!v) return jy_cli_usage(USAGE);
        i++;
        if (strcmp(a, "--set") == 0) {
            if (nsets == JY_SIM_MAX_SETS) {
                jy_err_set(&err, JY_EUSAGE, "--set: at most %d changes", JY_SIM_MAX_SETS);
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
                jy_err_prefix(&err, "%s: ", a);
                return jy_cli_fail(&err);
            }
            if (a[2] == 'f') rq.from = d;
            else rq.to = d;
        } else if (strcmp(a, "--year") == 0) {
            if (jy_cli_parse_int(v, "--year", 2000, 2100, &year, &err)) return jy_cli_fail(&err);
            rq.from = jy_date_from_ymd((int)year, 1, 1);
            rq.to = jy_date_from_ymd((int)year, 12, 31);
        } else {
            return jy_cli_usage(USAGE);
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
        rc = jy_simulate(st, NULL, &rq, &out, NULL, &err);
    }
    if (rc == 0) jy_cli_print(&out);
    jy_sb_free(&out);
    if (st) jy_store_close(st);
    return rc ? jy_cli_fail(&err) : JY_EXIT_OK;
}

int jy_cmd_policy(const jy_cli *cli, int argc, char **argv)
{
    if (argc < 2) return jy_cli_usage(USAGE);
    if (strcmp(argv[1], "simulate") == 0) return cmd_simulate(cli, argc, argv);
    const char *sub = argv[1];
    const char *dir = cli->policy_dir;
    const char *pos = NULL;
    int with_reasons = 1, strict = 0;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--policy") == 0 && i + 1 < argc) dir = argv[++i];
        else if (strcmp(argv[i], "--no-reasons") == 0) with_reasons = 0;
        else if (strcmp(argv[i], "--strict") == 0) strict = 1;
        else if (argv[i][0] != '-' && !pos) pos = argv[i];
        else return jy_cli_usage(USAGE);
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
    if (pos) return jy_cli_usage(USAGE);
    int is_eval = strcmp(sub, "eval") == 0, is_explain = strcmp(sub, "explain") == 0;
    int is_list = strcmp(sub, "list") == 0, is_facts = strcmp(sub, "facts") == 0;
    if (!is_eval && !is_explain && !is_list && !is_facts) return jy_cli_usage(USAGE);
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
    } else {
        rc = run_cases(pol, is_explain, with_reasons);
    }
    jy_policy_free(pol);
    return rc;
}
