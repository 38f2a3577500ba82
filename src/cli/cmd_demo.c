/* jiuye demo [--persons 20000] [--orgs 300] [--seed N] [--as-of DATE] [--force]:
 * fills a fresh database with the synthetic demo county (src/service/demo.c) and prints a JSON
 * summary on stdout. Progress goes to stderr, and only when stderr is a terminal. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "domain/division.h"
#include "service/demo.h"
#include "store/store.h"

static const char usage_text[] =
    "jiuye demo [--persons 20000] [--orgs 300] [--seed N] [--as-of 2024-12-31] [--county 640522] "
    "[--year-cases full|small|none] [--force]";

static void on_progress(void *ctx, const char *stage, int64_t done, int64_t total)
{
    fprintf(stderr, "\r演示数据 %s: %" PRId64 "/%" PRId64 "   ", stage, done, total);
    if (done == total) fputc('\n', stderr);
    fflush(stderr);
}

static int parse_count(const char *opt, const char *s, long max, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < 1 || v > max) {
        fprintf(stderr, "jiuye: %s %s: give a whole number from 1 to %ld\n", opt, s, max);
        return -1;
    }
    *out = (int)v;
    return 0;
}

int jy_cmd_demo(const jy_cli *cli, int argc, char **argv)
{
    jy_err err = {0};
    jy_demo_opts o = {.persons = 20000, .orgs = 300, .seed = 20240101, .actor = cli->actor};
    char county[7] = "640522";
    o.county = county;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--force") == 0) {
            o.force = 1;
            continue;
        }
        if (i + 1 >= argc) return jy_cli_usage(usage_text);
        const char *v = argv[++i];
        if (strcmp(a, "--persons") == 0) {
            if (parse_count(a, v, 10000000, &o.persons)) return JY_EXIT_USAGE;
        } else if (strcmp(a, "--orgs") == 0) {
            if (parse_count(a, v, 1000000, &o.orgs)) return JY_EXIT_USAGE;
        } else if (strcmp(a, "--batch") == 0) {
            if (parse_count(a, v, 1000000, &o.batch)) return JY_EXIT_USAGE;
        } else if (strcmp(a, "--seed") == 0) {
            char *end;
            errno = 0;
            unsigned long long s = strtoull(v, &end, 10);
            if (errno || end == v || *end || v[0] == '-') {
                fprintf(stderr, "jiuye: --seed %s: give a non-negative whole number\n", v);
                return JY_EXIT_USAGE;
            }
            o.seed = (uint64_t)s;
        } else if (strcmp(a, "--as-of") == 0) {
            if (jy_date_parse(v, &o.as_of, &err)) {
                fprintf(stderr, "jiuye: --as-of %s: %s\n", v, err.msg);
                return JY_EXIT_USAGE;
            }
        } else if (strcmp(a, "--year-cases") == 0) {
            if (strcmp(v, "full") == 0) o.year_cases = JY_DEMO_YEAR_FULL;
            else if (strcmp(v, "small") == 0) o.year_cases = JY_DEMO_YEAR_SMALL;
            else if (strcmp(v, "none") == 0) o.year_cases = JY_DEMO_YEAR_NONE;
            else {
                fprintf(stderr, "jiuye: --year-cases %s: give full, small or none\n", v);
                return JY_EXIT_USAGE;
            }
        } else if (strcmp(a, "--county") == 0) {
            if (strlen(v) != 6 || strspn(v, "0123456789") != 6) {
                fprintf(stderr, "jiuye: --county %s: give a 6-digit county code such as 640522\n", v);
                return JY_EXIT_USAGE;
            }
            memcpy(county, v, 7);
        } else {
            return jy_cli_usage(usage_text);
        }
    }
    if (isatty(STDERR_FILENO)) o.progress = on_progress;

    int rc = JY_EXIT_OK;
    jy_divisions *divs = NULL;
    jy_store *st = NULL;
    jy_demo_summary sum;
    if (jy_divisions_load(cli->policy_dir, &divs, &err)) {
        rc = jy_cli_fail(&err);
        goto done;
    }
    o.divs = divs;
    o.policy_dir = cli->policy_dir;
    if (jy_cli_store_open(cli, &st, &err)) {
        rc = jy_cli_fail(&err);
        goto done;
    }
    if (jy_demo_run(st, &o, &sum, &err)) {
        rc = jy_cli_fail(&err);
        goto done;
    }
    jy_sb sb = JY_SB_INIT;
    jy_demo_summary_json(&sum, &sb);
    jy_cli_print(&sb);
    jy_sb_free(&sb);
done:
    jy_store_close(st);
    jy_divisions_free(divs);
    return rc;
}
