/* jiuye serve [--port N] [--bind ADDR] [--threads N] [--county CODE] [--quiet]:
 * runs the HTTP server until SIGINT or SIGTERM, then stops cleanly (requests in flight finish,
 * workers are joined, store handles closed) and exits 0.
 *
 * On start it prints one JSON line on stdout, e.g.
 *   {"listening":"http://127.0.0.1:8080/","port":8080,"threads":4,"db":"sqlite"}
 * so that scripts using --port 0 (any free port) learn the port.
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

#include "cli/cli.h"
#include "domain/division.h"
#include "http/http.h"

static const char usage_text[] =
    "jiuye serve [--port N] [--bind 127.0.0.1] [--threads N] [--county 640522] [--quiet]";

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
    jy_divisions *divs = NULL;
    jy_http_server *srv = NULL;
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
        if (i + 1 >= argc) return jy_cli_usage(usage_text);
        const char *v = argv[++i];
        if (strcmp(a, "--port") == 0) {
            if (parse_int(v, 0, 65535, &cfg.port)) {
                fprintf(stderr, "jiuye: --port %s: give a port number 0-65535 (0: any free port)\n", v);
                return JY_EXIT_USAGE;
            }
        } else if (strcmp(a, "--bind") == 0) {
            cfg.bind = v;
        } else if (strcmp(a, "--threads") == 0) {
            if (parse_int(v, 1, 64, &cfg.threads)) {
                fprintf(stderr, "jiuye: --threads %s: give 1 to 64\n", v);
                return JY_EXIT_USAGE;
            }
        } else if (strcmp(a, "--county") == 0) {
            if (strlen(v) != 6 || strspn(v, "0123456789") != 6) {
                fprintf(stderr, "jiuye: --county %s: give a 6-digit county code such as 640522\n", v);
                return JY_EXIT_USAGE;
            }
            memcpy(app.county, v, 7);
            cfg.scope = app.county; /* the handles see this county's records only */
        } else {
            return jy_cli_usage(usage_text);
        }
    }

    /* Division names are a nicety for the pages: serve without them if the file is missing. */
    if (jy_divisions_load(cli->policy_dir, &divs, &err) == 0) app.divs = divs;
    else fprintf(stderr, "jiuye serve: division names unavailable (%s)\n", err.msg);
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
        fprintf(stderr, "jiuye serve: --county %s is outside user %s's area %s\n", cfg.scope, cli->actor, area);
        pthread_sigmask(SIG_SETMASK, &old, NULL);
        jy_divisions_free(divs);
        return JY_EXIT_FAIL;
    }
    if (area[0] && !cfg.scope) {
        cfg.scope = area;
        if (strlen(area) == 6) memcpy(app.county, area, 7); /* a county user's server shows their county */
    }

    size_t nroutes;
    cfg.routes = jy_http_app_routes(&nroutes);
    cfg.nroutes = nroutes;
    if (jy_http_start(&cfg, &srv, &err)) {
        rc = jy_cli_fail(&err);
        goto done;
    }
    const char *backend = jy_http_backend(srv);
    char bind_host[80];
    snprintf(bind_host, sizeof bind_host, strchr(cfg.bind, ':') ? "[%s]" : "%s", cfg.bind);
    printf("{\"listening\":\"http://%s:%d/\",\"port\":%d,\"threads\":%d,\"db\":\"%s\"}\n",
           bind_host, jy_http_port(srv), jy_http_port(srv), cfg.threads, backend);
    fflush(stdout);

    int sig = 0;
    while (sigwait(&stop, &sig) != 0) {
    }
    fprintf(stderr, "jiuye serve: %s received, stopping\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
done:
    jy_http_stop(srv);
    jy_divisions_free(divs);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return rc;
}
