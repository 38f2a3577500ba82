/* jiuye demo [--persons 20000] [--orgs 300] [--seed N] [--as-of DATE] [--force] [--accounts FILE]:
 * fills a fresh database with the synthetic demo county (src/service/demo.c) and prints a JSON
 * summary on stdout. Progress goes to stderr, and only when stderr is a terminal.
 *
 * --accounts FILE also makes one login account per role (service/demo_accounts.h) and writes
 * their names, generated passwords and TOTP secrets to FILE (created with mode 0600; an existing
 * FILE is refused, so nothing is overwritten). The passwords exist nowhere else but, hashed, in
 * the database. The second-factor roles need JIUYE_KEY_FILE (`jiuye user keygen FILE`). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "cli/cli.h"
#include "domain/division.h"
#include "service/auth.h"
#include "service/demo.h"
#include "service/demo_accounts.h"
#include "store/store.h"

static const char usage_text[] =
    "jiuye demo [--persons 20000] [--orgs 300] [--seed N] [--as-of 2024-12-31] [--county 640522] "
    "[--year-cases full|small|none] [--force] [--accounts FILE]";
static const char usage_zh[] =
    "jiuye demo [--persons 20000] [--orgs 300] [--seed N] [--as-of 2024-12-31] [--county 640522] "
    "[--year-cases full|small|none] [--force] [--accounts 文件]（在新数据库中生成一个模拟县）";

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
        jy_cli_say2("jiuye: ", "cli.demo_count", "%s %s: give a whole number from 1 to %ld", "%s %s：应为 1 至 %ld 之间的整数", opt, s, max);
        return -1;
    }
    *out = (int)v;
    return 0;
}

/* Makes the demo accounts and writes FILE (0600, never over an existing file). */
static int demo_accounts(const jy_cli *cli, jy_store *st, const jy_divisions *divs, const char *county,
                         const char *path, jy_err *err)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return jy_err_set2(err, JY_EIO, "cli.demo_accounts_create", "--accounts %s: %s (the file is never overwritten)", "--accounts %s：%s（不会覆盖已有文件）", path, strerror(errno));
    FILE *f = fdopen(fd, "w");
    if (!f) {
        close(fd);
        return jy_err_set2(err, JY_EIO, "cli.demo_accounts_io", "--accounts %s: %s", "--accounts %s：无法写入账户文件：%s", path, strerror(errno));
    }
    jy_auth_config acfg;
    jy_auth_config_default(&acfg);
    jy_auth *auth = NULL;
    jy_demo_account acc[JY_DEMO_ACCOUNTS];
    int n = 0, rc;
    if (!(rc = jy_auth_config_env(&acfg, err)) && !(rc = jy_auth_new(&acfg, &auth, err)))
        rc = jy_demo_accounts(auth, st, divs, county, cli->actor ? cli->actor : "demo", acc, &n, err);
    jy_auth_free(auth);
    if (rc == 0) {
        fprintf(f, "# jiuye demo accounts (演示账户), one per role. The passwords exist only here and, hashed, in\n"
                   "# the demo database. Roles marked TOTP ask for a 6-digit code after the password: add the\n"
                   "# secret to an authenticator app, or run `oathtool --totp -b SECRET`.\n"
                   "# role\tname\tpassword\ttotp_secret\tarea\n");
        for (int i = 0; i < n; i++)
            fprintf(f, "%s\t%s\t%s\t%s\t%s\n", acc[i].role, acc[i].name, acc[i].password,
                    acc[i].totp_secret[0] ? acc[i].totp_secret : "-", acc[i].area[0] ? acc[i].area : "*");
        sodium_memzero(acc, sizeof acc);
    }
    if (fclose(f) != 0 && rc == 0) rc = jy_err_set2(err, JY_EIO, "cli.demo_accounts_io", "--accounts %s: %s", "--accounts %s：无法写入账户文件：%s", path, strerror(errno));
    if (rc) unlink(path);
    return rc;
}

int jy_cmd_demo(const jy_cli *cli, int argc, char **argv)
{
    jy_err err = {0};
    jy_demo_opts o = {.persons = 20000, .orgs = 300, .seed = 20240101, .actor = cli->actor};
    char county[7] = "640522";
    o.county = county;
    const char *accounts = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--force") == 0) {
            o.force = 1;
            continue;
        }
        if (i + 1 >= argc) return jy_cli_usage2(usage_text, usage_zh);
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
                jy_cli_say2("jiuye: ", "cli.demo_seed", "--seed %s: give a non-negative whole number", "--seed %s：应为非负整数", v);
                return JY_EXIT_USAGE;
            }
            o.seed = (uint64_t)s;
        } else if (strcmp(a, "--as-of") == 0) {
            if (jy_date_parse(v, &o.as_of, &err)) {
                jy_cli_say2("jiuye: ", "cli.demo_as_of", "--as-of %1$s: %2$s%3$.0s", "--as-of %1$s：日期有误：%3$s%2$.0s", v, err.msg, jy_err_zh(&err));
                return JY_EXIT_USAGE;
            }
        } else if (strcmp(a, "--year-cases") == 0) {
            if (strcmp(v, "full") == 0) o.year_cases = JY_DEMO_YEAR_FULL;
            else if (strcmp(v, "small") == 0) o.year_cases = JY_DEMO_YEAR_SMALL;
            else if (strcmp(v, "none") == 0) o.year_cases = JY_DEMO_YEAR_NONE;
            else {
                jy_cli_say2("jiuye: ", "cli.demo_year_cases", "--year-cases %s: give full, small or none", "--year-cases %s：应为 full、small 或 none", v);
                return JY_EXIT_USAGE;
            }
        } else if (strcmp(a, "--accounts") == 0) {
            accounts = v;
        } else if (strcmp(a, "--county") == 0) {
            if (strlen(v) != 6 || strspn(v, "0123456789") != 6) {
                jy_cli_say2("jiuye: ", "cli.county_code", "--county %s: give a 6-digit county code such as 640522", "--county %s：应为6位县级行政区划代码，如 640522", v);
                return JY_EXIT_USAGE;
            }
            memcpy(county, v, 7);
        } else {
            return jy_cli_usage2(usage_text, usage_zh);
        }
    }
    if (isatty(STDERR_FILENO)) o.progress = on_progress;
    /* the second-factor roles' accounts need the key: say so before generating anything */
    if (accounts && (!getenv("JIUYE_KEY_FILE") || !*getenv("JIUYE_KEY_FILE"))) {
        jy_cli_say2("jiuye: ", "cli.demo_accounts_key",
                    "--accounts needs JIUYE_KEY_FILE (the key that seals the TOTP secrets of the roles "
                    "with a second factor): jiuye user keygen FILE, then export JIUYE_KEY_FILE=FILE",
                    "--accounts 需要 JIUYE_KEY_FILE（加密双因素角色 TOTP 密钥的密钥文件）：先运行 jiuye user keygen 文件，"
                    "再 export JIUYE_KEY_FILE=文件");
        return JY_EXIT_USAGE;
    }

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
    if (accounts && demo_accounts(cli, st, divs, county, accounts, &err)) {
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
