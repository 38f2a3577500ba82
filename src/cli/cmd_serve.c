/* jiuye serve [--port N] [--bind ADDR] [--threads N] [--county CODE] [--quiet] [TLS and limits]:
 * runs the HTTP server until SIGINT or SIGTERM, then stops cleanly (requests in flight finish,
 * workers are joined, store handles closed) and exits 0.
 *
 * TLS: --tls-cert FILE --tls-key FILE terminate TLS in the server (GnuTLS); --behind-tls says a
 * TLS proxy is in front (Secure __Host- cookies, HSTS, https origin; X-Forwarded-For from
 * 127.0.0.1/::1 or --trusted-proxy ADDR names the client). Limits: --max-conns,
 * --max-conns-per-addr (0: none), --max-body BYTES, --head-timeout/--body-timeout/--idle-timeout
 * SECONDS, --rate and --user-rate requests per second (0: off), --origin URL (docs/http.md).
 *
 * On start it prints one JSON line on stdout, e.g.
 *   {"listening":"http://127.0.0.1:8080/","port":8080,"threads":4,"db":"sqlite"}
 * so that scripts using --port 0 (any free port) learn the port.
 *
 * --web DIR serves the built staff pages (issue 12; docs/web.md) from DIR (index.html and assets/,
 * made by `make web`); without it, web/dist under the current directory when it holds index.html
 * (`make run` starts there). "--web none", or no built folder: "/" is the start page, which says
 * how to build the pages; the API works either way.
 *
 * --county CODE scopes every store handle to that county (jy_store_set_scope): the start page,
 * the summary and every read see that county's records only. Without it, a registered --as
 * user's area scopes the handles (as for every command, jy_cli_store_open); else all counties. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "domain/division.h"
#include "http/api.h"
#include "http/http.h"
#include "service/auth.h"
#include "service/workflow.h"

static const char usage_text[] =
    "jiuye serve [--port N] [--bind 127.0.0.1] [--threads N] [--county 640522] [--quiet] [--web DIR|none]\n"
    "            [--tls-cert FILE --tls-key FILE | --behind-tls] [--trusted-proxy ADDR]\n"
    "            [--origin https://HOST] [--max-conns N] [--max-conns-per-addr N] [--max-body BYTES]\n"
    "            [--head-timeout S] [--body-timeout S] [--idle-timeout S] [--rate R] [--user-rate R]\n"
    "            [--write-batch N]";
static const char usage_zh[] =
    "jiuye serve [--port 端口] [--bind 127.0.0.1] [--threads N] [--county 640522] [--quiet] [--web 目录|none]\n"
    "            [--tls-cert 证书文件 --tls-key 私钥文件 | --behind-tls] [--trusted-proxy 代理地址]\n"
    "            [--origin https://主机] [--max-conns N] [--max-conns-per-addr N] [--max-body 字节数]\n"
    "            [--head-timeout 秒] [--body-timeout 秒] [--idle-timeout 秒] [--rate 每秒请求数] [--user-rate 每秒请求数]\n"
    "            [--write-batch N]";

/* seconds (decimals allowed, "2.5") into milliseconds, 0.05 to 3600 s */
static int parse_seconds(const char *s, int *ms)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !(v >= 0.05 && v <= 3600)) return -1;
    *ms = (int)(v * 1000 + 0.5);
    return 0;
}

/* requests per second, 0 (off) to 1e6 */
static int parse_rate(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !(v >= 0 && v <= 1e6)) return -1;
    *out = v > 0 ? v : -1; /* the config's "off" is negative */
    return 0;
}

static int parse_int(const char *s, int lo, int hi, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi) return -1;
    *out = (int)v;
    return 0;
}

int jy_cmd_serve(const jy_cli *cli, int argc, char **argv)
{
    jy_err err = {0};
    int rc = JY_EXIT_OK;
    jy_http_app app = {.county = "640522"};
    const char *web = NULL; /* --web */
    jy_divisions *divs = NULL;
    jy_http_server *srv = NULL;
    jy_auth *auth = NULL;
    jy_api api;
    memset(&api, 0, sizeof api);
    int api_ready = 0;
    jy_http_config cfg = {
        .bind = "127.0.0.1",
        .port = 8080,
        .threads = 4,
        .db_url = cli->db_url,
        .policy_dir = cli->policy_dir,
        .access_log = 1,
        .app = &app,
    };

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--quiet") == 0) {
            cfg.access_log = 0;
            continue;
        }
        if (strcmp(a, "--behind-tls") == 0) {
            cfg.behind_tls = 1;
            continue;
        }
        if (i + 1 >= argc) return jy_cli_usage2(usage_text, usage_zh);
        const char *v = argv[++i];
        if (strcmp(a, "--port") == 0) {
            if (parse_int(v, 0, 65535, &cfg.port)) {
                jy_cli_say2("jiuye: ", "cli.serve_port", "--port %s: give a port number 0-65535 (0: any free port)", "--port %s：应为 0-65535 的端口号（0：任一空闲端口）", v);
                return JY_EXIT_USAGE;
            }
        } else if (strcmp(a, "--bind") == 0) {
            cfg.bind = v;
        } else if (strcmp(a, "--tls-cert") == 0) {
            cfg.tls_cert = v;
        } else if (strcmp(a, "--tls-key") == 0) {
            cfg.tls_key = v;
        } else if (strcmp(a, "--trusted-proxy") == 0) {
            cfg.trusted_proxy = v;
        } else if (strcmp(a, "--origin") == 0) {
            if (strncmp(v, "https://", 8) != 0 && strncmp(v, "http://", 7) != 0) {
                jy_cli_say2("jiuye: ", "cli.serve_origin", "--origin %s: give the site's origin, e.g. https://jiuye.example.cn", "--origin %s：应为网站的源地址，如 https://jiuye.example.cn", v);
                return JY_EXIT_USAGE;
            }
            cfg.origin = v;
        } else if (strcmp(a, "--max-conns") == 0) {
            if (parse_int(v, 16, 1000000, &cfg.max_conns)) {
                jy_cli_say2("jiuye: ", "cli.serve_max_conns", "--max-conns %s: give 16 to 1000000", "--max-conns %s：应为 16 至 1000000", v);
                return JY_EXIT_USAGE;
            }
        } else if (strcmp(a, "--max-conns-per-addr") == 0) {
            if (parse_int(v, 0, 1000000, &cfg.max_conns_per_addr)) {
                jy_cli_say2("jiuye: ", "cli.serve_max_conns_addr", "--max-conns-per-addr %s: give 0 (no limit) to 1000000", "--max-conns-per-addr %s：应为 0（不限）至 1000000", v);
                return JY_EXIT_USAGE;
            }
            if (cfg.max_conns_per_addr == 0) cfg.max_conns_per_addr = -1;
        } else if (strcmp(a, "--max-body") == 0) {
            int mb = 0;
            if (parse_int(v, 1024, 1 << 30, &mb)) {
                jy_cli_say2("jiuye: ", "cli.serve_max_body", "--max-body %s: give bytes, 1024 to 1073741824", "--max-body %s：应为字节数，1024 至 1073741824", v);
                return JY_EXIT_USAGE;
            }
            cfg.max_body = (size_t)mb;
        } else if (strcmp(a, "--head-timeout") == 0 || strcmp(a, "--body-timeout") == 0 ||
                   strcmp(a, "--idle-timeout") == 0) {
            int *ms = a[2] == 'h' ? &cfg.head_timeout_ms : a[2] == 'b' ? &cfg.body_timeout_ms : &cfg.idle_timeout_ms;
            if (parse_seconds(v, ms)) {
                jy_cli_say2("jiuye: ", "cli.serve_seconds", "%s %s: give seconds, 0.05 to 3600", "%s %s：应为秒数，0.05 至 3600", a, v);
                return JY_EXIT_USAGE;
            }
        } else if (strcmp(a, "--rate") == 0 || strcmp(a, "--user-rate") == 0) {
            if (parse_rate(v, a[2] == 'r' ? &cfg.rate_addr : &cfg.rate_user)) {
                jy_cli_say2("jiuye: ", "cli.serve_rate", "%s %s: give requests per second (0: no limit)", "%s %s：应为每秒请求数（0：不限）", a, v);
                return JY_EXIT_USAGE;
            }
        } else if (strcmp(a, "--write-batch") == 0) {
            /* filings per group commit on SQLite (docs/http.md "The write lane"); 0: off */
            if (parse_int(v, 0, 1000, &cfg.write_batch)) {
                jy_cli_say2("jiuye: ", "cli.serve_write_batch", "--write-batch %s: give 0 (off) to 1000",
                            "--write-batch %s：应为 0（关闭）至 1000", v);
                return JY_EXIT_USAGE;
            }
            if (cfg.write_batch == 0) cfg.write_batch = -1;
        } else if (strcmp(a, "--threads") == 0) {
            if (parse_int(v, 1, 64, &cfg.threads)) {
                jy_cli_say2("jiuye: ", "cli.serve_threads", "--threads %s: give 1 to 64", "--threads %s：应为 1 至 64", v);
                return JY_EXIT_USAGE;
            }
        } else if (strcmp(a, "--web") == 0) {
            web = v;
        } else if (strcmp(a, "--county") == 0) {
            if (strlen(v) != 6 || strspn(v, "0123456789") != 6) {
                jy_cli_say2("jiuye: ", "cli.county_code", "--county %s: give a 6-digit county code such as 640522", "--county %s：应为6位县级行政区划代码，如 640522", v);
                return JY_EXIT_USAGE;
            }
            memcpy(app.county, v, 7);
            cfg.scope = app.county; /* the handles see this county's records only */
        } else {
            return jy_cli_usage2(usage_text, usage_zh);
        }
    }

    /* The built pages: --web DIR, else web/dist here when built. Missing pages are no reason not
     * to serve the API: say so and go on. */
    {
        const char *dir = web ? web : "web/dist";
        char index[4096];
        snprintf(index, sizeof index, "%s/index.html", dir);
        if (strcmp(dir, "none") == 0) app.web_dir = NULL;
        else if (access(index, R_OK) == 0) app.web_dir = dir;
        else if (web) jy_cli_say2("jiuye serve: ", "cli.serve_no_web", "--web %s: no index.html there (run `make web`); serving the API only", "--web %s：该目录下没有 index.html（请运行 `make web`）；只提供 API", web);
    }

    /* Division names are a nicety for the pages: serve without them if the file is missing. */
    if (jy_divisions_load(cli->policy_dir, &divs, &err) == 0) app.divs = divs;
    else jy_cli_say2("jiuye serve: ", "cli.serve_no_divisions", "division names unavailable (%1$s)%2$.0s", "行政区划名称不可用（%2$s）%1$.0s", err.msg, jy_err_zh(&err));
    jy_err_clear(&err);

    /* Block the stop signals before the worker threads exist, so they inherit the mask and
     * only this thread receives them (in sigwait). */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    sigset_t old;
    pthread_sigmask(SIG_BLOCK, &stop, &old);
    signal(SIGPIPE, SIG_IGN);

    /* the actor's area (a registered --as user) bounds what the server may show */
    char area[8] = "";
    {
        jy_store *st = NULL;
        if (jy_cli_store_open(cli, &st, &err)) {
            rc = jy_cli_fail(&err);
            pthread_sigmask(SIG_SETMASK, &old, NULL);
            jy_divisions_free(divs);
            return rc;
        }
        snprintf(area, sizeof area, "%s", jy_store_scope(st));
        jy_store_close(st);
    }
    if (area[0] && cfg.scope && strncmp(cfg.scope, area, strlen(area)) != 0) {
        jy_cli_say2("jiuye serve: ", "cli.serve_county_outside", "--county %s is outside user %s's area %s", "--county %s 不在用户 %s 的辖区 %s 内", cfg.scope, cli->actor, area);
        pthread_sigmask(SIG_SETMASK, &old, NULL);
        jy_divisions_free(divs);
        return JY_EXIT_FAIL;
    }
    if (area[0] && !cfg.scope) {
        cfg.scope = area;
        if (strlen(area) == 6) memcpy(app.county, area, 7); /* a county user's server shows their county */
    }

    /* The money permissions of the API (ledger.write, batch.*, payroll.*) are the operations
     * block of policy/workflows.txt, as on the command line: bound before any thread starts.
     * Without a loadable file the money operations fail closed on both sides (the services
     * load the same file), so the server still serves everything else. */
    {
        jy_workflows *wf = NULL;
        if (jy_workflows_load(cli->policy_dir, &wf, &err) == 0) {
            int brc = jy_wf_ops_bind_perms(wf, &err);
            jy_workflows_free(wf);
            if (brc) {
                rc = jy_cli_fail(&err);
                goto done;
            }
        } else {
            fprintf(stderr, "jiuye serve: money operations unavailable (%s)\n", jy_err_text(&err));
        }
        jy_err_clear(&err);
    }

    /* the API: accounts and sessions (service/auth.h), the case service per handle */
    jy_auth_config acfg;
    jy_auth_config_default(&acfg);
    if (jy_auth_config_env(&acfg, &err) || jy_auth_new(&acfg, &auth, &err)) {
        rc = jy_cli_fail(&err);
        goto done;
    }
    api.auth = auth;
    api.policy_dir = cli->policy_dir;
    jy_api_init(&api, &err);
    api_ready = 1;
    app.api = &api;
    cfg.auth = jy_api_auth_hooks(&api);
    /* logins and password changes run on their own workers, one per hashing slot: a flood of
     * them waits or is refused there and never holds the workers of the other requests */
    int busy, waiting, slots, queue;
    jy_auth_pool_stats(auth, &busy, &waiting, &slots, &queue);
    cfg.slow_threads = slots;

    size_t nroutes;
    cfg.routes = jy_http_app_routes(&nroutes);
    cfg.nroutes = nroutes;
    /* cfg.auth: the accounts service's session/permission/CSRF hooks (jy_http_auth) are wired
     * here; until then every route in the table is JY_HTTP_PUBLIC and jy_http_start refuses
     * any that is not. */
    if (jy_http_start(&cfg, &srv, &err)) {
        rc = jy_cli_fail(&err);
        goto done;
    }
    const char *backend = jy_http_backend(srv);
    char bind_host[80];
    snprintf(bind_host, sizeof bind_host, strchr(cfg.bind, ':') ? "[%s]" : "%s", cfg.bind);
    printf("{\"listening\":\"%s://%s:%d/\",\"port\":%d,\"threads\":%d,\"db\":\"%s\",\"tls\":%s}\n",
           cfg.tls_cert ? "https" : "http", bind_host, jy_http_port(srv), jy_http_port(srv), cfg.threads,
           backend, cfg.tls_cert ? "true" : "false");
    fflush(stdout);

    int sig = 0;
    while (sigwait(&stop, &sig) != 0) {
    }
    jy_cli_say2("jiuye serve: ", "cli.serve_stopping", "%s received, stopping", "收到 %s，正在停止", sig == SIGINT ? "SIGINT" : "SIGTERM");
done:
    if (srv) {
        long long lreq = 0, lgroups = 0;
        int llargest = 0;
        jy_http_lane_stats(srv, &lreq, &lgroups, &llargest);
        if (lgroups)
            jy_cli_say2("jiuye serve: ", "cli.serve_lane_stats",
                        "write lane: %lld requests in %lld group commits (largest %d)",
                        "写入通道：%lld 个请求，分 %lld 次成组提交（最大一组 %d 个）", lreq, lgroups, llargest);
    }
    jy_http_stop(srv);
    if (api_ready) jy_api_close(&api);
    jy_auth_free(auth);
    jy_divisions_free(divs);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return rc;
}
