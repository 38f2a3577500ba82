/* server.c — the HTTP server: listening socket, libmicrohttpd thread pool, route dispatch,
 * per-request state, the store-handle pool and the reply helpers. See http.h for the contract. */
#include "http/http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_EXTRA_HEADERS 8

struct jy_http_server {
    struct MHD_Daemon *daemon;
    jy_http_config cfg;
    int port;
    int listen_fd;

    /* store-handle pool: pool[0..nfree) are free */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    jy_store **pool;
    int npool, nfree;
};

struct jy_http_req {
    jy_http_server *srv;
    struct MHD_Connection *conn;
    const char *method, *path, *rest;
    jy_arena *arena;
    jy_sb body;
    int body_too_large;
    jy_store *store;
    int replied;
    enum MHD_Result queued;
    unsigned status;
    struct timespec t0;
    int nhdr;
    const char *hdr_name[MAX_EXTRA_HEADERS], *hdr_value[MAX_EXTRA_HEADERS];
};

/* ---- store-handle pool ---- */

static jy_store *pool_take(jy_http_server *srv)
{
    pthread_mutex_lock(&srv->mu);
    while (srv->nfree == 0) pthread_cond_wait(&srv->cv, &srv->mu);
    jy_store *st = srv->pool[--srv->nfree];
    pthread_mutex_unlock(&srv->mu);
    return st;
}

static void pool_give(jy_http_server *srv, jy_store *st)
{
    pthread_mutex_lock(&srv->mu);
    srv->pool[srv->nfree++] = st;
    pthread_cond_signal(&srv->cv);
    pthread_mutex_unlock(&srv->mu);
}

/* ---- accessors ---- */

const char *jy_http_req_method(const jy_http_req *req) { return req->method; }
const char *jy_http_req_path(const jy_http_req *req) { return req->path; }
const char *jy_http_req_rest(const jy_http_req *req) { return req->rest ? req->rest : ""; }
jy_arena *jy_http_req_arena(jy_http_req *req) { return req->arena; }
const jy_http_config *jy_http_req_config(const jy_http_req *req) { return &req->srv->cfg; }
void *jy_http_req_app(const jy_http_req *req) { return req->srv->cfg.app; }

const char *jy_http_req_query(const jy_http_req *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *jy_http_req_header(const jy_http_req *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *jy_http_req_body(const jy_http_req *req, size_t *len)
{
    if (len) *len = req->body.len;
    return jy_sb_cstr(&req->body);
}

jy_store *jy_http_store_or_reply(jy_http_req *req)
{
    if (!req->store) req->store = pool_take(req->srv);
    if (!req->store) {
        jy_http_reply_error(req, 503, "unavailable", "数据库暂不可用");
        return NULL;
    }
    return req->store;
}

/* ---- replies ---- */

static double ms_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

void jy_http_req_set_header(jy_http_req *req, const char *name, const char *value)
{
    if (req->nhdr >= MAX_EXTRA_HEADERS) return;
    req->hdr_name[req->nhdr] = jy_arena_strdup(req->arena, name);
    req->hdr_value[req->nhdr] = jy_arena_strdup(req->arena, value);
    req->nhdr++;
}

void jy_http_reply(jy_http_req *req, unsigned status, const char *content_type, jy_sb *body)
{
    if (req->replied) {
        fprintf(stderr, "jiuye serve: %s %s: second reply ignored\n", req->method, req->path);
        if (body) jy_sb_free(body);
        return;
    }
    req->replied = 1;
    req->status = status;
    size_t len = body ? body->len : 0;
    char *buf = body && body->len ? jy_sb_take(body) : NULL;
    if (body) jy_sb_free(body);
    struct MHD_Response *resp =
        buf ? MHD_create_response_from_buffer(len, buf, MHD_RESPMEM_MUST_FREE)
            : MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    if (!resp) {
        free(buf);
        req->queued = MHD_NO;
        return;
    }
    if (content_type) MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    for (int i = 0; i < req->nhdr; i++)
        MHD_add_response_header(resp, req->hdr_name[i], req->hdr_value[i]);
    req->queued = MHD_queue_response(req->conn, status, resp);
    MHD_destroy_response(resp);
    if (req->srv->cfg.access_log)
        fprintf(stderr, "%s %s %u %zu %.1fms\n", req->method, req->path, status, len,
                ms_since(&req->t0));
}

void jy_http_reply_json(jy_http_req *req, unsigned status, jy_sb *body)
{
    jy_http_reply(req, status, "application/json; charset=utf-8", body);
}

void jy_http_reply_html(jy_http_req *req, unsigned status, jy_sb *body)
{
    jy_http_req_set_header(req, "Content-Security-Policy",
                           "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; "
                           "base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
    jy_http_reply(req, status, "text/html; charset=utf-8", body);
}

void jy_http_reply_error(jy_http_req *req, unsigned status, const char *code, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    jy_sb sb = JY_SB_INIT;
    jy_sb_append(&sb, "{\"error\":{");
    jy_sb_json_kv_i64(&sb, "status", status);
    jy_sb_json_kv_str(&sb, "code", code);
    jy_sb_json_kv_str(&sb, "message", msg);
    jy_sb_append(&sb, "}}");
    jy_http_reply_json(req, status, &sb);
}

void jy_http_reply_err(jy_http_req *req, const jy_err *err)
{
    unsigned status = 500;
    switch (err->code) {
    case JY_EINVAL: case JY_EUSAGE: status = 400; break;
    case JY_ENOTFOUND: status = 404; break;
    case JY_ECONFLICT: status = 409; break;
    case JY_ENODATA: status = 422; break;
    default: break;
    }
    char code[32];
    snprintf(code, sizeof code, "%s", jy_err_name(err->code));
    for (char *p = code; *p; p++)
        if (*p == ' ') *p = '_';
    jy_http_reply_error(req, status, code, "%s", err->msg[0] ? err->msg : jy_err_name(err->code));
}

void jy_http_html_escape(jy_sb *sb, const char *s)
{
    if (!s) return;
    const char *run = s;
    for (const char *p = s; *p; p++) {
        const char *rep = NULL;
        switch (*p) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        default: break;
        }
        if (rep) {
            jy_sb_appendn(sb, run, (size_t)(p - run));
            jy_sb_append(sb, rep);
            run = p + 1;
        }
    }
    jy_sb_append(sb, run);
}

/* ---- dispatch ---- */

/* Does route path rp match path? Sets *rest for prefix routes. */
static int path_matches(const char *rp, const char *path, const char **rest)
{
    size_t n = strlen(rp);
    if (n >= 2 && rp[n - 2] == '/' && rp[n - 1] == '*') {
        if (strncmp(rp, path, n - 1) != 0) return 0;
        *rest = path + n - 1;
        return 1;
    }
    *rest = NULL;
    return strcmp(rp, path) == 0;
}

static void dispatch(jy_http_req *req)
{
    const jy_http_config *cfg = &req->srv->cfg;
    if (req->body_too_large) {
        jy_http_reply_error(req, 413, "too_large", "请求体超过 %zu 字节", cfg->max_body);
        return;
    }
    int path_known = 0;
    char allow[128] = "";
    size_t alen = 0;
    for (size_t i = 0; i < cfg->nroutes; i++) {
        const jy_http_route *r = &cfg->routes[i];
        const char *rest;
        if (!path_matches(r->path, req->path, &rest)) continue;
        int method_ok = strcmp(r->method, req->method) == 0 ||
                        (strcmp(r->method, "GET") == 0 && strcmp(req->method, "HEAD") == 0);
        if (method_ok) {
            req->rest = rest;
            r->fn(req);
            if (!req->replied)
                jy_http_reply_error(req, 500, "internal", "处理程序未返回结果: %s %s", req->method,
                                    req->path);
            return;
        }
        path_known = 1;
        int w = snprintf(allow + alen, sizeof allow - alen, "%s%s", alen ? ", " : "", r->method);
        if (w > 0 && (size_t)w < sizeof allow - alen) alen += (size_t)w;
    }
    if (path_known) {
        jy_http_req_set_header(req, MHD_HTTP_HEADER_ALLOW, allow);
        jy_http_reply_error(req, 405, "method_not_allowed", "%s 不支持方法 %s", req->path,
                            req->method);
        return;
    }
    jy_http_reply_error(req, 404, "not_found", "没有这个地址: %s", req->path);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
    jy_http_server *srv = cls;
    jy_http_req *req = *con_cls;
    if (!req) {
        req = calloc(1, sizeof *req);
        if (!req) return MHD_NO;
        req->srv = srv;
        req->conn = conn;
        req->arena = jy_arena_new(0);
        req->method = jy_arena_strdup(req->arena, method);
        req->path = jy_arena_strdup(req->arena, url);
        jy_sb_init(&req->body);
        clock_gettime(CLOCK_MONOTONIC, &req->t0);
        *con_cls = req;
        return MHD_YES;
    }
    if (*upload_data_size) {
        if (req->body.len + *upload_data_size > srv->cfg.max_body) req->body_too_large = 1;
        else jy_sb_appendn(&req->body, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (req->replied) return req->queued;
    dispatch(req);
    /* The handler is done with the store: give the handle back now rather than when the
     * response has been sent, so a worker never holds more than one handle. */
    if (req->store) {
        pool_give(srv, req->store);
        req->store = NULL;
    }
    return req->queued;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    jy_http_server *srv = cls;
    jy_http_req *req = *con_cls;
    if (!req) return;
    if (req->store) pool_give(srv, req->store);
    jy_sb_free(&req->body);
    jy_arena_free(req->arena);
    free(req);
    *con_cls = NULL;
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    fputs("jiuye serve: ", stderr);
    vfprintf(stderr, fmt, ap);
}

/* ---- lifetime ---- */

static int open_listener(const char *bind_addr, int port, int *fd_out, int *is_v6, jy_err *err)
{
    struct sockaddr_storage ss;
    socklen_t sl;
    memset(&ss, 0, sizeof ss);
    struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
    if (port < 0 || port > 65535)
        return jy_err_set(err, JY_EUSAGE, "--port %d: a port is 0 to 65535", port);
    if (inet_pton(AF_INET, bind_addr, &a4->sin_addr) == 1) {
        a4->sin_family = AF_INET;
        a4->sin_port = htons((uint16_t)port);
        sl = sizeof *a4;
        *is_v6 = 0;
    } else if (inet_pton(AF_INET6, bind_addr, &a6->sin6_addr) == 1) {
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((uint16_t)port);
        sl = sizeof *a6;
        *is_v6 = 1;
    } else {
        return jy_err_set(err, JY_EUSAGE,
                          "--bind %s: give an IPv4 or IPv6 address such as 127.0.0.1 or ::1",
                          bind_addr);
    }
    int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return jy_err_set(err, JY_EIO, "socket: %s", strerror(errno));
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (*is_v6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    if (bind(fd, (struct sockaddr *)&ss, sl) != 0) {
        int e = errno;
        close(fd);
        return jy_err_set(err, JY_EIO, "cannot listen on %s port %d: %s%s", bind_addr, port,
                          strerror(e),
                          e == EADDRINUSE ? " (another program uses it; choose --port)" : "");
    }
    if (listen(fd, 128) != 0) {
        int e = errno;
        close(fd);
        return jy_err_set(err, JY_EIO, "listen on %s port %d: %s", bind_addr, port, strerror(e));
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0) fcntl(fd, F_SETFL, fl | O_NONBLOCK);
    *fd_out = fd;
    return 0;
}

int jy_http_start(const jy_http_config *cfg, jy_http_server **out, jy_err *err)
{
    int rc = 0;
    *out = NULL;
    jy_http_server *srv = calloc(1, sizeof *srv);
    if (!srv) return jy_err_set(err, JY_ENOMEM, "out of memory");
    srv->cfg = *cfg;
    srv->listen_fd = -1;
    if (!srv->cfg.bind || !*srv->cfg.bind) srv->cfg.bind = "127.0.0.1";
    if (srv->cfg.threads <= 0) srv->cfg.threads = 4;
    if (srv->cfg.threads > 64) srv->cfg.threads = 64;
    if (!srv->cfg.max_body) srv->cfg.max_body = 1u << 20;
    pthread_mutex_init(&srv->mu, NULL);
    pthread_cond_init(&srv->cv, NULL);

    srv->pool = calloc((size_t)srv->cfg.threads, sizeof *srv->pool);
    if (!srv->pool) {
        rc = jy_err_set(err, JY_ENOMEM, "out of memory");
        goto done;
    }
    for (int i = 0; i < srv->cfg.threads; i++) {
        rc = jy_store_open(srv->cfg.db_url, &srv->pool[i], err);
        if (rc) goto done; /* the store's message names the database */
        srv->npool++;
        /* every handle sees the served area only (issue 3: a county's users see their county) */
        if (srv->cfg.scope && *srv->cfg.scope && (rc = jy_store_set_scope(srv->pool[i], srv->cfg.scope, err)))
            goto done;
    }
    srv->nfree = srv->npool;

    int is_v6 = 0;
    rc = open_listener(srv->cfg.bind, srv->cfg.port, &srv->listen_fd, &is_v6, err);
    if (rc) goto done;

    unsigned flags = MHD_USE_AUTO | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
    if (is_v6) flags |= MHD_USE_IPv6;
    srv->daemon = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, srv,
        MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, (void *)NULL,
        MHD_OPTION_LISTEN_SOCKET, (MHD_socket)srv->listen_fd,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)srv->cfg.threads,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)30,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned int)1000,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
        MHD_OPTION_END);
    if (!srv->daemon) {
        rc = jy_err_set(err, JY_EIO, "cannot start the HTTP server on %s port %d",
                        srv->cfg.bind, srv->cfg.port);
        goto done;
    }
    srv->listen_fd = -1; /* owned by the daemon now; closed by MHD_stop_daemon */
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
    srv->port = di && di->port ? di->port : srv->cfg.port;
    *out = srv;
    srv = NULL;
done:
    if (srv) jy_http_stop(srv);
    return rc;
}

int jy_http_port(const jy_http_server *srv) { return srv->port; }

const char *jy_http_backend(const jy_http_server *srv)
{
    return srv->npool ? jy_store_backend(srv->pool[0]) : "none";
}

void jy_http_stop(jy_http_server *srv)
{
    if (!srv) return;
    if (srv->daemon) MHD_stop_daemon(srv->daemon);
    if (srv->listen_fd >= 0) close(srv->listen_fd);
    for (int i = 0; i < srv->npool; i++) jy_store_close(srv->pool[i]);
    free(srv->pool);
    pthread_cond_destroy(&srv->cv);
    pthread_mutex_destroy(&srv->mu);
    free(srv);
}
