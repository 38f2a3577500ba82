/* server.c — jiuye's HTTP/1.1 server: one epoll I/O thread (accept, TLS, reading and checking
 * requests, writing answers, deadlines), a queue to cfg.threads handler workers (sessions,
 * permissions, handlers, the store-handle pool), and the reply helpers. See http.h for the
 * contract, parse.h for the parser and docs/http.md for the limits and why they are what they are.
 *
 * Ownership: a connection (struct conn) belongs to the I/O thread alone. A request (jy_http_req)
 * is built by the I/O thread, handed to one worker through the work queue, and handed back through
 * the done queue with its answer serialised; the worker never touches the connection. A
 * connection whose request is with a worker (C_HANDLING) is never freed until the request comes
 * back. One request at a time per connection: pipelined requests wait in the buffer (or the
 * socket) until the answer before them has been written. */
#define _GNU_SOURCE /* accept4 */
#include "http/http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <gnutls/gnutls.h>
#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "http/parse.h"

#define MAX_OUT_HEADERS 16
#define MAX_QUERY_ARGS 64
#define BODY_READ_CHUNK 65536
#define LINGER_MS 2000
#define STOP_GRACE_MS 5000
#define TICK_MS 200
#define ADDR_LEN 48

/* ---- clocks ---- */

static int64_t now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static double ms_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

/* "Sun, 06 Nov 1994 08:49:37 GMT" (RFC 9110 §5.6.7), without the locale. */
static void http_date(char out[32])
{
    static const char *const wd[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const mo[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    /* formatted once a second per thread (each worker and the I/O thread keep their own copy, so
     * nothing is shared): gmtime_r and snprintf were ~1,500 instructions of every answer */
    static __thread time_t last = -1;
    static __thread char text[32];
    time_t t = time(NULL);
    if (t != last) {
        struct tm tm;
        gmtime_r(&t, &tm);
        snprintf(text, sizeof text, "%s, %02d %s %04d %02d:%02d:%02d GMT", wd[tm.tm_wday % 7], tm.tm_mday,
                 mo[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
        last = t;
    }
    memcpy(out, text, 32);
}

/* ---- token buckets (rate limits) ---- */

#define BUCKETS 4096 /* power of two */
#define BUCKET_PROBES 16

typedef struct bucket {
    char key[ADDR_LEN];
    double tokens;
    int64_t last_ms;
} bucket;

typedef struct bucket_table {
    pthread_mutex_t mu;
    double rate, burst; /* rate <= 0: off */
    bucket *b;          /* BUCKETS entries */
} bucket_table;

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

/* Takes a token for key; 0 when allowed, else the seconds to wait (>= 1). A full table evicts the
 * stalest entry among the probed ones (that client starts again with a full bucket). */
static int bucket_take(bucket_table *t, const char *key)
{
    if (t->rate <= 0 || !t->b) return 0;
    int64_t now = now_ms();
    pthread_mutex_lock(&t->mu);
    uint64_t h = hash_str(key);
    bucket *hit = NULL, *victim = NULL; /* victim: the first empty slot, else the stalest */
    for (int i = 0; i < BUCKET_PROBES; i++) {
        bucket *b = &t->b[(h + (uint64_t)i) & (BUCKETS - 1)];
        if (!b->key[0]) {
            if (!victim || victim->key[0]) victim = b;
            continue;
        }
        if (strcmp(b->key, key) == 0) {
            hit = b;
            break;
        }
        if (!victim || (victim->key[0] && b->last_ms < victim->last_ms)) victim = b;
    }
    if (!hit) {
        hit = victim;
        snprintf(hit->key, sizeof hit->key, "%s", key);
        hit->tokens = t->burst;
        hit->last_ms = now;
    }
    hit->tokens += (double)(now - hit->last_ms) * t->rate / 1000.0;
    if (hit->tokens > t->burst) hit->tokens = t->burst;
    hit->last_ms = now;
    int wait = 0;
    if (hit->tokens >= 1.0) hit->tokens -= 1.0;
    else wait = (int)ceil((1.0 - hit->tokens) / t->rate);
    pthread_mutex_unlock(&t->mu);
    return wait > 0 ? wait : 0;
}

/* ---- connections per address (I/O thread only) ---- */

typedef struct addr_count {
    char addr[ADDR_LEN];
    int n;
    struct addr_count *next;
} addr_count;

#define ADDR_SLOTS 1024

/* ---- the server ---- */

enum { C_HANDSHAKE, C_HEAD, C_BODY, C_HANDLING, C_WRITING, C_LINGER };

typedef struct conn {
    int fd;
    int slot;              /* index in srv->conns */
    int state;
    uint32_t events;       /* current epoll interest */
    int registered;        /* in the epoll set */
    int dead;              /* peer gone while a worker had the request */
    int closed;            /* closed; freed at the end of the loop iteration */
    struct conn *next_dead;
    gnutls_session_t tls;
    char addr[ADDR_LEN];   /* the socket peer */
    char *in;              /* received, not yet consumed */
    size_t in_len, in_cap;
    jy_http_scan scan;
    int64_t deadline;      /* ms; 0: none */
    int64_t idle_since;    /* HEAD state with nothing received: when it started */
    unsigned requests;
    jy_http_req *req;      /* the request being read (C_BODY) or handled */
    uint64_t body_need;    /* Content-Length bytes still to read */
    int body_chunked;
    jy_http_chunked ck;
    jy_sb out;             /* bytes to write */
    size_t out_off;
    int close_after;       /* close once out is written */
} conn;

struct jy_http_server {
    jy_http_config cfg;
    int port;
    int listen_fd, epfd, wake_fd, spare_fd;
    size_t *route_lit; /* per route: the length of its path before the first '{' or '*' */
    pthread_t io_thread;
    int io_started;
    pthread_t *workers;
    int nworkers;
    atomic_int stopping;

    /* connections (I/O thread) */
    conn **conns;
    int nconns, max_conns;
    conn *graveyard;       /* closed in this loop iteration, freed at its end */
    addr_count *addr_slots[ADDR_SLOTS];
    char trusted[2][ADDR_LEN];
    int ntrusted;

    /* TLS */
    int tls;
    gnutls_certificate_credentials_t cred;
    gnutls_priority_t prio;

    /* work and done queues */
    pthread_mutex_t qmu;
    pthread_cond_t qcv;
    jy_http_req *work_head, *work_tail;
    pthread_cond_t slow_cv;             /* the JY_HTTP_SLOW routes' own lane (same qmu) */
    jy_http_req *slow_head, *slow_tail;
    int slow_queued;
    jy_http_req *done_head, *done_tail;
    int workers_exit;

    /* the write lane (group commit, lane_main): JY_HTTP_BATCH requests after their checks; the
     * queue and the counts are under qmu, the handle is the lane thread's alone */
    pthread_t lane_thread;
    int lane_started;
    int lane_max;                       /* requests per group; 0: the lane is off */
    pthread_cond_t lane_cv;
    jy_http_req *lane_head, *lane_tail;
    int lane_exit;
    jy_store *lane_store;
    long lane_gather_ms;                /* tests only (JIUYE_TEST_LANE_GATHER_MS, read at start) */
    long long lane_reqs, lane_groups;
    int lane_largest;

    /* store-handle pool: pool[0..nfree) are free */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    jy_store **pool;
    int npool, nfree;

    bucket_table rl_addr, rl_user;
    jy_http_limits lim;
};

#define MAX_PARAMS 4
#define MAX_ON_END 8
struct jy_http_req {
    jy_http_server *srv;
    conn *c;                      /* I/O thread only */
    jy_http_req *next;            /* queue link */
    const jy_http_route *route;
    const char *method, *path, *rest;
    jy_arena *arena;
    jy_sb body;
    const char **hname, **hvalue; /* request headers */
    size_t nhdr;
    const char **qname, **qvalue; /* query arguments */
    size_t nq;
    char addr[ADDR_LEN];          /* the client (peer or X-Forwarded-For) */
    const char *authority;        /* Host, for the same-origin check */
    int secure;
    int minor, keep_alive, head_only, state_change;
    jy_http_principal principal;
    int has_principal;
    int nparam;                   /* "{name}" segments of the route's path */
    const char *pname[MAX_PARAMS], *pvalue[MAX_PARAMS];
    size_t pname_len[MAX_PARAMS];
    int nend;                     /* jy_http_req_on_end callbacks */
    void (*end_fn[MAX_ON_END])(void *);
    void *end_arg[MAX_ON_END];
    jy_store *store;
    char lane_scope[8];           /* the write lane: the store scope the session check gave */
    int replied;
    unsigned status;
    size_t body_bytes;            /* of the answer, for the log */
    jy_sb resp;                   /* the serialised answer */
    struct timespec t0;
    int nout;
    const char *out_name[MAX_OUT_HEADERS], *out_value[MAX_OUT_HEADERS];
};

/* ---- store-handle pool ---- */

static jy_store *pool_take(jy_http_server *srv)
{
    pthread_mutex_lock(&srv->mu);
    while (srv->nfree == 0) pthread_cond_wait(&srv->cv, &srv->mu);
    jy_store *st = srv->pool[--srv->nfree];
    pthread_mutex_unlock(&srv->mu);
    jy_store_request_epoch(st, 1); /* one data-version read for the request's cached lookups */
    return st;
}

static void pool_give(jy_http_server *srv, jy_store *st)
{
    /* a request may have narrowed the handle to its user's area: back to the server's scope */
    if (jy_store_set_scope(st, srv->cfg.scope ? srv->cfg.scope : "", NULL) != 0) abort();
    jy_store_request_epoch(st, 0);
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
const char *jy_http_req_client_addr(const jy_http_req *req) { return req->addr; }
const jy_http_route *jy_http_req_route(const jy_http_req *req) { return req->route; }
int jy_http_req_secure(const jy_http_req *req) { return req->secure; }

const jy_http_principal *jy_http_req_principal(const jy_http_req *req)
{
    return req->has_principal ? &req->principal : NULL;
}

const char *jy_http_req_query(const jy_http_req *req, const char *name)
{
    for (size_t i = 0; i < req->nq; i++)
        if (strcmp(req->qname[i], name) == 0) return req->qvalue[i];
    return NULL;
}

const char *jy_http_req_header(const jy_http_req *req, const char *name)
{
    for (size_t i = 0; i < req->nhdr; i++)
        if (jy_http_ieq(req->hname[i], strlen(req->hname[i]), name)) return req->hvalue[i];
    return NULL;
}

const char *jy_http_req_cookie(const jy_http_req *req, const char *name)
{
    const char *h = jy_http_req_header(req, "cookie");
    if (!h) return NULL;
    size_t nl = strlen(name);
    const char *p = h;
    while (*p) {
        while (*p == ' ' || *p == ';') p++;
        const char *e = strchr(p, ';');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len > nl && p[nl] == '=' && memcmp(p, name, nl) == 0)
            return jy_arena_strndup(req->arena, p + nl + 1, len - nl - 1);
        if (!e) break;
        p = e + 1;
    }
    return NULL;
}

const char *jy_http_req_body(const jy_http_req *req, size_t *len)
{
    if (len) *len = req->body.len;
    return jy_sb_cstr(&req->body);
}

jy_store *jy_http_req_store(jy_http_req *req)
{
    if (!req->store && req->srv->npool) req->store = pool_take(req->srv);
    return req->store;
}

jy_store *jy_http_store_or_reply(jy_http_req *req)
{
    jy_store *st = jy_http_req_store(req);
    if (!st) jy_http_reply_error2(req, 503, "unavailable", NULL, "http.db_unavailable", "the database is not available now", "数据库暂不可用");
    return st;
}

const char *jy_http_session_cookie_name(const jy_http_req *req)
{
    return req->secure ? "__Host-jiuye_session" : "jiuye_session";
}

/* ---- replies ---- */

static int header_text_ok(const char *s, int is_name)
{
    if (!s || !*s) return !is_name;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (is_name && !((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                         (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'))
            return 0;
        if (*p < 0x20 && *p != '\t') return 0;
        if (*p == 0x7f) return 0;
    }
    return 1;
}

void jy_http_req_set_header(jy_http_req *req, const char *name, const char *value)
{
    if (!header_text_ok(name, 1) || !header_text_ok(value, 0)) {
        fprintf(stderr, "jiuye serve: response header %s refused (bad characters)\n", name ? name : "?");
        return;
    }
    if (req->nout >= MAX_OUT_HEADERS) {
        fprintf(stderr, "jiuye serve: more than %d response headers, %s dropped\n", MAX_OUT_HEADERS, name);
        return;
    }
    req->out_name[req->nout] = jy_arena_strdup(req->arena, name);
    req->out_value[req->nout] = jy_arena_strdup(req->arena, value);
    req->nout++;
}

void jy_http_set_session_cookie(jy_http_req *req, const char *token, int max_age)
{
    if (max_age <= 0) token = "";
    for (const char *p = token; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '-' || *p == '_' || *p == '.')) {
            fprintf(stderr, "jiuye serve: session token with a byte a cookie cannot carry; not set\n");
            return;
        }
    jy_sb sb = JY_SB_INIT;
    jy_sb_appendf(&sb, "%s=%s; Path=/; Max-Age=%d; HttpOnly; SameSite=Strict%s",
                  jy_http_session_cookie_name(req), token, max_age > 0 ? max_age : 0,
                  req->secure ? "; Secure" : "");
    jy_http_req_set_header(req, "Set-Cookie", jy_sb_cstr(&sb));
    jy_sb_free(&sb);
}

static int has_out_header(const jy_http_req *req, const char *name)
{
    for (int i = 0; i < req->nout; i++)
        if (jy_http_ieq(req->out_name[i], strlen(req->out_name[i]), name)) return 1;
    return 0;
}

/* Serialises status line, headers and body into out. req may carry extra headers. */
static void serialise(jy_sb *out, const jy_http_req *req, int secure, unsigned status,
                      const char *content_type, const char *body, size_t len, int head_only,
                      int keep_alive, int minor)
{
    char date[32];
    http_date(date);
    jy_sb_reserve(out, 640 + (head_only ? 0 : len));
    /* appended piece by piece: the printf machinery was ~3,000 instructions an answer */
    jy_sb_append(out, "HTTP/1.1 ");
    jy_sb_append_i64(out, status);
    jy_sb_appendc(out, ' ');
    jy_sb_append(out, jy_http_reason((int)status));
    jy_sb_append(out, "\r\nDate: ");
    jy_sb_append(out, date);
    jy_sb_append(out, "\r\n");
    if (content_type) {
        jy_sb_append(out, "Content-Type: ");
        jy_sb_append(out, content_type);
        jy_sb_append(out, "\r\n");
    }
    jy_sb_append(out, "Content-Length: ");
    jy_sb_append_i64(out, (int64_t)len);
    jy_sb_append(out, "\r\n");
    if (!keep_alive) jy_sb_append(out, "Connection: close\r\n");
    else if (minor == 0) jy_sb_append(out, "Connection: keep-alive\r\n");
    if (!req || !has_out_header(req, "Content-Security-Policy"))
        jy_sb_append(out, "Content-Security-Policy: default-src 'self'; frame-ancestors 'none'\r\n");
    if (!req || !has_out_header(req, "Cache-Control")) jy_sb_append(out, "Cache-Control: no-store\r\n");
    jy_sb_append(out, "X-Content-Type-Options: nosniff\r\n"
                      "X-Frame-Options: DENY\r\n"
                      "Referrer-Policy: no-referrer\r\n"
                      "Cross-Origin-Resource-Policy: same-origin\r\n");
    if (secure) jy_sb_append(out, "Strict-Transport-Security: max-age=31536000\r\n");
    if (req)
        for (int i = 0; i < req->nout; i++) {
            jy_sb_append(out, req->out_name[i]);
            jy_sb_append(out, ": ");
            jy_sb_append(out, req->out_value[i]);
            jy_sb_append(out, "\r\n");
        }
    jy_sb_append(out, "\r\n");
    if (!head_only && len) jy_sb_appendn(out, body, len);
}

static void access_log(const jy_http_server *srv, const char *method, const char *path, unsigned status,
                       size_t len, double ms, const char *addr)
{
    if (!srv->cfg.access_log) return;
    fprintf(stderr, "%s %s %u %zu %.1fms %s\n", method ? method : "-", path ? path : "-", status, len, ms,
            addr ? addr : "-");
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
    req->body_bytes = len;
    jy_sb_reset(&req->resp);
    serialise(&req->resp, req, req->secure, status, content_type, body ? jy_sb_cstr(body) : "", len,
              req->head_only, req->keep_alive, req->minor);
    if (body) jy_sb_free(body);
}

void jy_http_reply_json(jy_http_req *req, unsigned status, jy_sb *body)
{
    jy_http_reply(req, status, "application/json; charset=utf-8", body);
}

void jy_http_reply_html(jy_http_req *req, unsigned status, jy_sb *body)
{
    if (!has_out_header(req, "Content-Security-Policy"))
        jy_http_req_set_header(req, "Content-Security-Policy",
                               "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; "
                               "base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
    jy_http_reply(req, status, "text/html; charset=utf-8", body);
}

/* msg_zh: the Chinese text, NULL when the message has none (then the English one stands in);
 * key: the message's stable key (base/err.h), or NULL (docs/api.md "Errors"). */
static void error_body(jy_sb *sb, unsigned status, const char *code, const char *field, const char *msg,
                       const char *msg_zh, const char *key)
{
    jy_sb_append(sb, "{\"error\":{");
    jy_sb_json_kv_i64(sb, "status", status);
    jy_sb_json_kv_str(sb, "code", code);
    jy_sb_json_kv_str(sb, "message", msg);
    jy_sb_json_kv_str(sb, "message_zh", msg_zh && *msg_zh ? msg_zh : msg);
    jy_sb_json_key(sb, "key");
    jy_sb_json_str(sb, key);
    jy_sb_json_key(sb, "field");
    jy_sb_json_str(sb, field);
    jy_sb_append(sb, "}}");
}

void jy_http_reply_error_e(jy_http_req *req, unsigned status, const char *code, const char *field, const jy_err *e)
{
    jy_sb sb = JY_SB_INIT;
    error_body(&sb, status, code, field, e->msg[0] ? e->msg : jy_err_name(e->code),
               e->zh[0] ? e->zh : e->msg[0] ? NULL : jy_err_name_zh(e->code), e->key);
    jy_http_reply_json(req, status, &sb);
}

static void reply_error_v(jy_http_req *req, unsigned status, const char *code, const char *field,
                          const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));

static void reply_error_v(jy_http_req *req, unsigned status, const char *code, const char *field,
                          const char *fmt, va_list ap)
{
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    jy_sb sb = JY_SB_INIT;
    error_body(&sb, status, code, field, msg, NULL, NULL);
    jy_http_reply_json(req, status, &sb);
}

void jy_http_reply_error(jy_http_req *req, unsigned status, const char *code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    reply_error_v(req, status, code, NULL, fmt, ap);
    va_end(ap);
}

void jy_http_reply_error_field(jy_http_req *req, unsigned status, const char *code, const char *field,
                               const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    reply_error_v(req, status, code, field, fmt, ap);
    va_end(ap);
}

void jy_http_reply_err_field(jy_http_req *req, const jy_err *err, const char *field)
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
    jy_http_reply_error_e(req, status, code, field, err);
}

void jy_http_reply_err(jy_http_req *req, const jy_err *err) { jy_http_reply_err_field(req, err, NULL); }

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

/* ---- requests ---- */

static jy_http_req *req_new(jy_http_server *srv, conn *c)
{
    jy_http_req *req = calloc(1, sizeof *req);
    if (!req) abort();
    req->srv = srv;
    req->c = c;
    req->arena = jy_arena_new(0);
    jy_sb_init(&req->body);
    jy_sb_init(&req->resp);
    clock_gettime(CLOCK_MONOTONIC, &req->t0);
    snprintf(req->addr, sizeof req->addr, "%s", c->addr);
    req->secure = srv->tls || srv->cfg.behind_tls;
    req->keep_alive = 0;
    req->minor = 1;
    return req;
}

static void req_free(jy_http_req *req)
{
    if (!req) return;
    for (int i = req->nend; i-- > 0;) req->end_fn[i](req->end_arg[i]);
    if (req->store) pool_give(req->srv, req->store);
    jy_sb_free(&req->body);
    jy_sb_free(&req->resp);
    jy_arena_free(req->arena);
    free(req);
}

static int is_state_change(const char *m)
{
    return strcmp(m, "POST") == 0 || strcmp(m, "PUT") == 0 || strcmp(m, "PATCH") == 0 ||
           strcmp(m, "DELETE") == 0;
}

/* Does route path rp match path? Sets *rest for prefix routes ("/a/" then "*") and captures the
 * "{name}" segments of a template ("/api/v1/cases/{id}") into req (each matches one non-empty
 * segment without a slash). */
static int path_matches(jy_http_req *req, const char *rp, const char *path, const char **rest)
{
    size_t n = strlen(rp);
    *rest = NULL;
    req->nparam = 0;
    if (n >= 2 && rp[n - 2] == '/' && rp[n - 1] == '*') {
        if (strncmp(rp, path, n - 1) != 0) return 0;
        *rest = path + n - 1;
        return 1;
    }
    if (!strchr(rp, '{')) return strcmp(rp, path) == 0;
    const char *r = rp, *p = path;
    while (*r) {
        if (*r == '{') {
            const char *close = strchr(r, '}');
            size_t seg = strcspn(p, "/");
            if (!close || seg == 0 || req->nparam == MAX_PARAMS) return 0;
            req->pname[req->nparam] = r + 1;
            req->pname_len[req->nparam] = (size_t)(close - r - 1);
            char *v = jy_arena_alloc(req->arena, seg + 1);
            memcpy(v, p, seg);
            v[seg] = '\0';
            req->pvalue[req->nparam++] = v;
            r = close + 1;
            p += seg;
            continue;
        }
        if (*r != *p) return 0;
        r++;
        p++;
    }
    return *p == '\0';
}

const char *jy_http_req_param(const jy_http_req *req, const char *name)
{
    size_t n = strlen(name);
    for (int i = 0; i < req->nparam; i++)
        if (req->pname_len[i] == n && memcmp(req->pname[i], name, n) == 0) return req->pvalue[i];
    return NULL;
}

void jy_http_req_on_end(jy_http_req *req, void (*fn)(void *), void *arg)
{
    if (req->nend == MAX_ON_END) abort(); /* a programming error: a handler registers a fixed few */
    req->end_fn[req->nend] = fn;
    req->end_arg[req->nend++] = arg;
}

/* ---- the worker side: session, permission, CSRF, handler ---- */

static int csrf_default(const jy_http_principal *p, const char *token, jy_err *err)
{
    if (!p->has_csrf_hash) return jy_err_set2(err, JY_ECONFLICT, "csrf.no_token", "session has no CSRF token", "会话没有 CSRF 令牌");
    if (!token || !*token) return jy_err_set2(err, JY_ECONFLICT, "csrf.header_missing", "X-CSRF-Token header missing", "缺少 X-CSRF-Token 请求头");
    unsigned char h[32];
    crypto_hash_sha256(h, (const unsigned char *)token, strlen(token));
    if (sodium_memcmp(h, p->csrf_hash, sizeof h) != 0)
        return jy_err_set2(err, JY_ECONFLICT, "csrf.mismatch", "X-CSRF-Token does not match the session", "X-CSRF-Token 与会话不符");
    return 0;
}

/* 0 when the handler may run; otherwise the refusal has been queued. */
static int authorise(jy_http_req *req)
{
    jy_http_server *srv = req->srv;
    const jy_http_route *r = req->route;
    const jy_http_auth *a = srv->cfg.auth;
    jy_err err = {0};
    const char *token = jy_http_req_cookie(req, jy_http_session_cookie_name(req));
    if (r->flags & JY_HTTP_PUBLIC) {
        /* a public page that shows who is signed in: a session if there is a valid one */
        if ((r->flags & JY_HTTP_SESSION_OPTIONAL) && a && a->resolve && token &&
            a->resolve(a->ctx, req, token, req->addr, &req->principal, &err) == 0)
            req->has_principal = 1;
        else
            memset(&req->principal, 0, sizeof req->principal);
        return 0;
    }
    int rc = a->resolve(a->ctx, req, token, req->addr, &req->principal, &err);
    if (rc) {
        memset(&req->principal, 0, sizeof req->principal);
        if (rc == JY_ENOTFOUND) {
            jy_http_reply_error2(req, 401, "unauthenticated", NULL, "http.sign_in_first", "sign in first (%1$s)%2$.0s",
                                 "请先登录（%2$s）%1$.0s", err.msg[0] ? err.msg : "no session",
                                 err.msg[0] ? jy_err_zh(&err) : "没有会话");
        } else if (rc == JY_EDB || rc == JY_EIO) {
            jy_http_reply_error2(req, 503, "unavailable", NULL, "http.session_unavailable",
                                 "the session cannot be checked now: %1$s%2$.0s", "会话暂无法核对：%2$s%1$.0s", err.msg,
                                 jy_err_zh(&err));
        } else {
            jy_http_reply_error2(req, 500, "internal", NULL, "http.session_failed", "checking the session failed: %1$s%2$.0s",
                                 "会话核对失败：%2$s%1$.0s", err.msg, jy_err_zh(&err));
        }
        return -1;
    }
    req->has_principal = 1;
    if (!(r->flags & JY_HTTP_NO_RATE_LIMIT) && srv->rl_user.rate > 0) {
        char key[ADDR_LEN];
        snprintf(key, sizeof key, "u%lld", (long long)req->principal.user_id);
        int wait = bucket_take(&srv->rl_user, key);
        if (wait) {
            char ra[16];
            snprintf(ra, sizeof ra, "%d", wait);
            jy_http_req_set_header(req, "Retry-After", ra);
            jy_http_reply_error2(req, 429, "rate_limited", NULL, "http.rate_limited",
                                 "too many requests: try again in %d seconds", "请求过于频繁，请 %d 秒后再试", wait);
            return -1;
        }
    }
    if (a->permit && (rc = a->permit(a->ctx, req, &req->principal, r, &err))) {
        jy_http_reply_error2(req, 403, "forbidden", NULL, "http.forbidden", "not permitted: %1$s%2$.0s", "无权访问：%2$s%1$.0s",
                             err.msg[0] ? err.msg : "not permitted", err.msg[0] ? jy_err_zh(&err) : "未获授权");
        return -1;
    }
    if (req->state_change && !(r->flags & JY_HTTP_NO_CSRF)) {
        const char *tok = jy_http_req_header(req, "x-csrf-token");
        rc = a->csrf ? a->csrf(a->ctx, req, &req->principal, tok, &err) : csrf_default(&req->principal, tok, &err);
        if (rc) {
            jy_http_reply_error2(req, 403, "csrf", NULL, "http.csrf", "the CSRF token is not valid: %1$s%2$.0s",
                                 "CSRF 令牌无效：%2$s%1$.0s", err.msg[0] ? err.msg : "refused",
                                 err.msg[0] ? jy_err_zh(&err) : "已拒绝");
            return -1;
        }
    }
    return 0;
}

static int lane_take(jy_http_req *req);

/* 1 when the request went to the write lane, which answers it (lane_main); 0 when answered. */
static int run_request(jy_http_req *req)
{
    if (authorise(req) == 0) {
        if (lane_take(req)) return 1;
        req->route->fn(req);
        if (!req->replied)
            jy_http_reply_error2(req, 500, "internal", NULL, "http.no_reply", "处理程序未返回结果: %s %s", "处理程序未返回结果：%s %s", req->method, req->path);
    }
    /* the handler is done with the store: give the handle back before the answer is written */
    if (req->store) {
        pool_give(req->srv, req->store);
        req->store = NULL;
    }
    access_log(req->srv, req->method, req->path, req->status, req->body_bytes, ms_since(&req->t0), req->addr);
    return 0;
}

/* A worker of the ordinary lane (slow = 0) or of the JY_HTTP_SLOW lane (slow = 1): a handler
 * that waits for the password-hashing pool only ever holds a slow-lane worker, so a flood of
 * logins cannot take the workers every other request needs. */
static void worker_loop(jy_http_server *srv, int slow)
{
    jy_http_req **head = slow ? &srv->slow_head : &srv->work_head;
    jy_http_req **tail = slow ? &srv->slow_tail : &srv->work_tail;
    pthread_cond_t *cv = slow ? &srv->slow_cv : &srv->qcv;
    for (;;) {
        pthread_mutex_lock(&srv->qmu);
        while (!*head && !srv->workers_exit) pthread_cond_wait(cv, &srv->qmu);
        jy_http_req *req = *head;
        if (!req) {
            pthread_mutex_unlock(&srv->qmu);
            return;
        }
        *head = req->next;
        if (!*head) *tail = NULL;
        if (slow) srv->slow_queued--;
        pthread_mutex_unlock(&srv->qmu);
        req->next = NULL;

        if (run_request(req)) continue; /* the write lane answers it */

        /* The I/O thread is woken only when the done queue was empty: a worker that finds
         * answers already waiting knows that the worker which queued the first of them has
         * written (or is about to write) the eventfd, and on_done reads the eventfd before it
         * takes the whole queue under qmu, so this answer goes with that batch or, when the
         * queue was taken in between, finds it empty and wakes the thread itself. Under load this
         * saves a write, an epoll wake-up and a read per answer. */
        pthread_mutex_lock(&srv->qmu);
        int was_empty = srv->done_head == NULL;
        if (srv->done_tail) srv->done_tail->next = req;
        else srv->done_head = req;
        srv->done_tail = req;
        pthread_mutex_unlock(&srv->qmu);
        if (was_empty) {
            uint64_t one = 1;
            ssize_t w = write(srv->wake_fd, &one, sizeof one);
            (void)w;
        }
    }
}

/* ---- the write lane: group commit of the JY_HTTP_BATCH routes (docs/http.md "The write lane")
 *
 * Why: on SQLite every commit writes a WAL frame for every page it changed (a filing: the case
 * row, its indexes, its history row, the audit chain's row — about 12 pages of 8 KiB), takes and
 * drops the write lock, updates the wal-index and leaves the other handles' cached pages stale.
 * Filings committed together share most of those pages (the right-most leaves of the id-ordered
 * tables and indexes, the counters), so one commit for a group writes far fewer pages a filing.
 *
 * Synchronisation. A request belongs to one thread at a time, and every hand-over is made under
 * srv->qmu: the I/O thread until dispatch queues it; an ordinary worker, which checks the session,
 * permission and CSRF token (authorise) as for any request, notes the store scope the session
 * check gave the handle (lane_scope), gives its pool handle back and appends the request to the
 * lane's queue (lane_take); the lane's one thread (lane_main), which takes every request waiting,
 * up to lane_max, and puts them on the done queue when they are answered; then the I/O thread
 * again (on_done). The lane's store handle (lane_store) is used by the lane thread alone, so it
 * needs no lock (the backend's handles are NOMUTEX). The counts (lane_reqs …) are under qmu.
 *
 * A group (lane_run): BEGIN; for each request a savepoint, the request's scope on the handle, the
 * handler on that handle (req->store, so jy_http_req_store gives it; the handler's own
 * jy_store_begin/commit nest as savepoints), then RELEASE — or ROLLBACK TO the savepoint when the
 * answer is a server error (5xx), so that nothing of that request is written, as when its own
 * transaction fails alone; COMMIT. Answers are serialised into req->resp by the handler but sent
 * only after COMMIT has returned; when COMMIT fails (or the database ended the transaction on its
 * own, jy_store_txn_open) every answer of the group is replaced by the same 503 and nothing of
 * the group is written. While a group is open, the process's other writers wait at the store's
 * writer gate as for any other transaction. On other backends than SQLite the lane is off. */
static int lane_take(jy_http_req *req)
{
    jy_http_server *srv = req->srv;
    if (!srv->lane_max || !(req->route->flags & JY_HTTP_BATCH)) return 0;
    const char *scope = req->store ? jy_store_scope(req->store) : srv->cfg.scope ? srv->cfg.scope : "";
    snprintf(req->lane_scope, sizeof req->lane_scope, "%s", scope);
    if (req->store) {
        pool_give(srv, req->store);
        req->store = NULL;
    }
    pthread_mutex_lock(&srv->qmu);
    if (srv->lane_tail) srv->lane_tail->next = req;
    else srv->lane_head = req;
    srv->lane_tail = req;
    pthread_cond_signal(&srv->lane_cv);
    pthread_mutex_unlock(&srv->qmu);
    return 1;
}

/* The group's commit failed: the answer given is replaced by a 503 (nothing was written). */
static void lane_reanswer(jy_http_req *req, const jy_err *e)
{
    req->replied = 0;
    req->nout = 0; /* Location, Idempotent-Replayed …: they described the answer withdrawn */
    jy_http_req_set_header(req, "Retry-After", "1");
    jy_http_reply_error2(req, 503, "unavailable", NULL, "http.group_commit_failed",
                         "not saved: the database could not commit this request with the others "
                         "committed at the same moment (%1$s); nothing of it was written: send it again%2$.0s",
                         "未保存：数据库未能将本请求与同时提交的其他请求一并提交（%2$s）；本请求的内容均未写入，请重新发送%1$.0s",
                         e->msg[0] ? e->msg : "commit failed", e->msg[0] ? jy_err_zh(e) : "提交失败");
}

static void lane_run(jy_http_server *srv, jy_http_req **v, int n)
{
    jy_store *st = srv->lane_store;
    int i = 0;
    while (i < n) {
        int g0 = i;
        jy_err err = {0};
        if (jy_store_begin(st, &err)) {
            for (; i < n; i++) lane_reanswer(v[i], &err); /* nothing ran */
            break;
        }
        int lost = 0;
        for (; i < n && !lost; i++) {
            jy_http_req *req = v[i];
            jy_err e = {0};
            if (jy_store_set_scope(st, req->lane_scope, &e) || jy_store_begin(st, &e)) {
                lane_reanswer(req, &e);
                lost = jy_store_txn_open(st) != 1;
                continue;
            }
            req->store = st;
            req->route->fn(req);
            if (!req->replied)
                jy_http_reply_error2(req, 500, "internal", NULL, "http.no_reply", "处理程序未返回结果: %s %s",
                                     "处理程序未返回结果：%s %s", req->method, req->path);
            req->store = NULL;
            if (req->status >= 500) {
                if (jy_store_rollback(st, &e)) lost = 1;
            } else if (jy_store_commit(st, &e)) {
                lost = 1;
            }
            if (jy_store_txn_open(st) != 1) lost = 1;
        }
        int rc;
        if (lost) {
            jy_store_rollback(st, NULL);
            rc = jy_err_set2(&err, JY_EDB, "http.group_lost",
                             "the database ended the transaction of the group", "数据库中止了该组的事务");
        } else {
            rc = jy_store_commit(st, &err);
        }
        if (rc && err.key && strcmp(err.key, "store.db.sync") == 0) {
            /* committed, but a durable group's WAL sync failed (docs/store.md "Durable commits";
             * no filing is durable): the answers cannot stand, and "nothing written" would be false */
            for (int k = g0; k < i; k++) {
                v[k]->replied = 0;
                v[k]->nout = 0;
                jy_http_reply_error2(v[k], 500, "internal", NULL, "http.group_sync_failed",
                                     "committed with the requests of the same moment, but syncing them to disk failed "
                                     "(%1$s): look before sending it again%2$.0s",
                                     "已与同时提交的请求一并提交，但写入磁盘失败（%2$s）：请先查看再决定是否重新发送%1$.0s",
                                     err.msg, jy_err_zh(&err));
            }
        } else if (rc) {
            for (int k = g0; k < i; k++) lane_reanswer(v[k], &err);
        }
        pthread_mutex_lock(&srv->qmu);
        srv->lane_groups++;
        srv->lane_reqs += i - g0;
        if (i - g0 > srv->lane_largest) srv->lane_largest = i - g0;
        pthread_mutex_unlock(&srv->qmu);
    }
    jy_err e = {0};
    if (jy_store_set_scope(st, srv->cfg.scope ? srv->cfg.scope : "", &e)) abort(); /* as pool_give */
}

static void *lane_main(void *arg)
{
    jy_http_server *srv = arg;
    jy_http_req **v = calloc((size_t)srv->lane_max, sizeof *v);
    if (!v) abort();
    long gather_ms = srv->lane_gather_ms;
    for (;;) {
        pthread_mutex_lock(&srv->qmu);
        while (!srv->lane_head && !srv->lane_exit) pthread_cond_wait(&srv->lane_cv, &srv->qmu);
        if (gather_ms > 0 && gather_ms < 10000 && srv->lane_head && !srv->lane_exit) {
            pthread_mutex_unlock(&srv->qmu);
            struct timespec ts = {gather_ms / 1000, (gather_ms % 1000) * 1000000L};
            while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
            }
            pthread_mutex_lock(&srv->qmu);
        }
        int n = 0;
        while (srv->lane_head && n < srv->lane_max) {
            v[n++] = srv->lane_head;
            srv->lane_head = srv->lane_head->next;
        }
        if (!srv->lane_head) srv->lane_tail = NULL;
        pthread_mutex_unlock(&srv->qmu);
        if (n == 0) break; /* lane_exit and nothing left */
        for (int k = 0; k < n; k++) v[k]->next = NULL;

        lane_run(srv, v, n);

        for (int k = 0; k < n; k++)
            access_log(srv, v[k]->method, v[k]->path, v[k]->status, v[k]->body_bytes, ms_since(&v[k]->t0), v[k]->addr);
        pthread_mutex_lock(&srv->qmu);
        for (int k = 0; k < n; k++) {
            if (srv->done_tail) srv->done_tail->next = v[k];
            else srv->done_head = v[k];
            srv->done_tail = v[k];
        }
        pthread_mutex_unlock(&srv->qmu);
        uint64_t one = 1;
        ssize_t w = write(srv->wake_fd, &one, sizeof one);
        (void)w;
    }
    free(v);
    return NULL;
}

void jy_http_lane_stats(jy_http_server *srv, long long *requests, long long *groups, int *largest)
{
    pthread_mutex_lock(&srv->qmu);
    *requests = srv->lane_reqs;
    *groups = srv->lane_groups;
    *largest = srv->lane_largest;
    pthread_mutex_unlock(&srv->qmu);
}

static void *worker_main(void *arg)
{
    worker_loop(arg, 0);
    return NULL;
}

static void *slow_worker_main(void *arg)
{
    worker_loop(arg, 1);
    return NULL;
}

/* ---- the I/O side ---- */

static int addr_inc(jy_http_server *srv, const char *addr, int delta)
{
    addr_count **pp = &srv->addr_slots[hash_str(addr) % ADDR_SLOTS];
    for (; *pp; pp = &(*pp)->next)
        if (strcmp((*pp)->addr, addr) == 0) break;
    if (!*pp) {
        if (delta <= 0) return 0;
        addr_count *a = calloc(1, sizeof *a);
        if (!a) abort();
        snprintf(a->addr, sizeof a->addr, "%s", addr);
        *pp = a;
    }
    addr_count *a = *pp;
    a->n += delta;
    int n = a->n;
    if (n <= 0) {
        *pp = a->next;
        free(a);
        n = 0;
    }
    return n;
}

static int is_trusted(const jy_http_server *srv, const char *addr)
{
    for (int i = 0; i < srv->ntrusted; i++)
        if (strcmp(srv->trusted[i], addr) == 0) return 1;
    return 0;
}

static void set_events(jy_http_server *srv, conn *c)
{
    if (c->dead || c->closed) return;
    uint32_t ev = 0;
    switch (c->state) {
    case C_HANDSHAKE:
        ev = gnutls_record_get_direction(c->tls) ? EPOLLOUT : EPOLLIN;
        break;
    case C_HEAD: case C_BODY: case C_LINGER:
        ev = EPOLLIN;
        if (c->out.len > c->out_off) ev |= EPOLLOUT;
        break;
    case C_WRITING:
        ev = EPOLLOUT;
        break;
    case C_HANDLING:
        /* With a worker: the EPOLLIN the request was read with is left armed (a client waiting
         * for its answer sends nothing, so nothing fires), which saves taking it off here and
         * putting it back after the answer (two epoll_ctl calls a request). When something does
         * fire meanwhile (a pipelined request, the peer's close), io_main disarms it at once. */
        if (c->registered && !(c->events & EPOLLOUT)) return;
        ev = 0;
        break;
    default:
        ev = 0;
        break;
    }
    if (c->registered && ev == c->events) return;
    struct epoll_event e = {.events = ev, .data.ptr = c};
    if (epoll_ctl(srv->epfd, c->registered ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, c->fd, &e) == 0) {
        c->registered = 1;
        c->events = ev;
    }
}

static void conn_close(jy_http_server *srv, conn *c)
{
    if (c->state == C_HANDLING) { /* a worker has the request: close when it comes back */
        c->dead = 1;
        if (c->registered) epoll_ctl(srv->epfd, EPOLL_CTL_DEL, c->fd, NULL);
        c->registered = 0;
        return;
    }
    if (c->closed) return;
    c->closed = 1;
    if (c->registered) epoll_ctl(srv->epfd, EPOLL_CTL_DEL, c->fd, NULL);
    c->registered = 0;
    if (c->tls) gnutls_deinit(c->tls);
    c->tls = NULL;
    close(c->fd);
    addr_inc(srv, c->addr, -1);
    int s = c->slot;
    srv->conns[s] = srv->conns[--srv->nconns];
    srv->conns[s]->slot = s;
    if (c->req) req_free(c->req);
    c->req = NULL;
    c->next_dead = srv->graveyard;
    srv->graveyard = c;
}

static void bury(jy_http_server *srv)
{
    while (srv->graveyard) {
        conn *c = srv->graveyard;
        srv->graveyard = c->next_dead;
        free(c->in);
        jy_sb_free(&c->out);
        free(c);
    }
}

/* Reads what the socket has into c->in (room permitting). >0 bytes read, 0 would block or no room,
 * -1 end of stream or error. */
static long conn_read(conn *c, size_t max_cap)
{
    if (c->in_len >= max_cap) return 0;
    if (c->in_cap < max_cap) {
        size_t cap = c->in_cap ? c->in_cap * 2 : 4096;
        if (cap > max_cap) cap = max_cap;
        if (cap < c->in_len + 1024 && cap < max_cap) cap = max_cap;
        char *n = realloc(c->in, cap);
        if (!n) abort();
        c->in = n;
        c->in_cap = cap;
    }
    size_t room = c->in_cap - c->in_len;
    if (c->tls) {
        ssize_t n = gnutls_record_recv(c->tls, c->in + c->in_len, room);
        if (n > 0) {
            c->in_len += (size_t)n;
            return n;
        }
        if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED) return 0;
        return -1; /* EOF, a fatal alert, a renegotiation attempt: done */
    }
    ssize_t n = recv(c->fd, c->in + c->in_len, room, 0);
    if (n > 0) {
        c->in_len += (size_t)n;
        return n;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return 0;
    return -1;
}

static void consume_in(conn *c, size_t n)
{
    if (n >= c->in_len) {
        c->in_len = 0;
        return;
    }
    memmove(c->in, c->in + n, c->in_len - n);
    c->in_len -= n;
}

static void conn_process(jy_http_server *srv, conn *c);
static void conn_after_write(jy_http_server *srv, conn *c);

/* Writes c->out. 1: all written; 0: would block; -1: the connection failed (closed). */
static int conn_flush(jy_http_server *srv, conn *c)
{
    if (c->closed) return -1;
    while (c->out_off < c->out.len) {
        ssize_t n;
        if (c->tls) {
            n = gnutls_record_send(c->tls, c->out.buf + c->out_off, c->out.len - c->out_off);
            if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED) return 0;
            if (n < 0) {
                conn_close(srv, c);
                return -1;
            }
        } else {
            n = send(c->fd, c->out.buf + c->out_off, c->out.len - c->out_off, MSG_NOSIGNAL);
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return 0;
            if (n <= 0) {
                conn_close(srv, c);
                return -1;
            }
        }
        c->out_off += (size_t)n;
        if (c->state == C_WRITING) c->deadline = now_ms() + srv->cfg.write_timeout_ms;
    }
    jy_sb_reset(&c->out);
    c->out_off = 0;
    return 1;
}

/* Puts c into the lingering close: answer written, our side shut, the rest of the client's data
 * read and dropped for a moment so that the kernel does not reset the connection (and lose the
 * answer) because of unread bytes. */
static void conn_linger(jy_http_server *srv, conn *c)
{
    if (c->tls) gnutls_bye(c->tls, GNUTLS_SHUT_WR);
    shutdown(c->fd, SHUT_WR);
    c->state = C_LINGER;
    c->in_len = 0;
    c->deadline = now_ms() + LINGER_MS;
    set_events(srv, c);
}

/* Starts writing the answer in c->out; what follows depends on close_after. */
static void conn_start_write(jy_http_server *srv, conn *c)
{
    c->state = C_WRITING;
    c->deadline = now_ms() + srv->cfg.write_timeout_ms;
    int r = conn_flush(srv, c);
    if (r < 0) return;
    if (r == 1) conn_after_write(srv, c);
    else set_events(srv, c);
}

/* An answer made by the I/O thread (refusals before a handler runs). */
static void early_reply(jy_http_server *srv, conn *c, jy_http_req *req, unsigned status, const char *code,
                        const char *msg, int keep_alive)
{
    jy_sb body = JY_SB_INIT;
    error_body(&body, status, code, NULL, msg, NULL, NULL);
    int secure = srv->tls || srv->cfg.behind_tls;
    jy_sb_reset(&c->out);
    c->out_off = 0;
    serialise(&c->out, req, secure, status, "application/json; charset=utf-8", body.buf, body.len,
              req ? req->head_only : 0, keep_alive, req ? req->minor : 1);
    access_log(srv, req ? req->method : NULL, req ? req->path : NULL, status, body.len,
               req ? ms_since(&req->t0) : 0.0, req ? req->addr : c->addr);
    jy_sb_free(&body);
    if (c->req) {
        req_free(c->req);
        c->req = NULL;
    }
    c->close_after = !keep_alive;
    conn_start_write(srv, c);
}

/* Hands the complete request to the workers. */
static void dispatch(jy_http_server *srv, conn *c)
{
    jy_http_req *req = c->req;
    int slow = req->route && (req->route->flags & JY_HTTP_SLOW);
    if (slow) {
        /* only this thread adds to the lane, so the count can only have dropped since */
        pthread_mutex_lock(&srv->qmu);
        int full = srv->slow_queued >= srv->cfg.slow_threads;
        pthread_mutex_unlock(&srv->qmu);
        if (full) {
            /* every slow worker busy and as many waiting: shed at once; the other lane is untouched */
            jy_http_req_set_header(req, "Retry-After", "1");
            early_reply(srv, c, req, 429, "busy", "登录请求过多，请稍后再试 (too many logins at once; retry)",
                        req->keep_alive);
            return;
        }
    }
    c->state = C_HANDLING;
    c->deadline = 0;
    set_events(srv, c);
    pthread_mutex_lock(&srv->qmu);
    if (slow) {
        if (srv->slow_tail) srv->slow_tail->next = req;
        else srv->slow_head = req;
        srv->slow_tail = req;
        srv->slow_queued++;
        pthread_cond_signal(&srv->slow_cv);
    } else {
        if (srv->work_tail) srv->work_tail->next = req;
        else srv->work_head = req;
        srv->work_tail = req;
        pthread_cond_signal(&srv->qcv);
    }
    pthread_mutex_unlock(&srv->qmu);
}

/* Content-Type allowed for this route's body? */
static int content_type_ok(const jy_http_route *r, const char *ct)
{
    if (!ct) return 0;
    size_t n = 0;
    while (ct[n] && ct[n] != ';' && ct[n] != ' ' && ct[n] != '\t') n++;
    if (!(r->flags & JY_HTTP_NOT_JSON) && jy_http_ieq(ct, n, "application/json")) return 1;
    if ((r->flags & JY_HTTP_MULTIPART) && jy_http_ieq(ct, n, "multipart/form-data")) return 1;
    if ((r->flags & JY_HTTP_CSV) && jy_http_ieq(ct, n, "text/csv")) return 1;
    if ((r->flags & JY_HTTP_XLSX) &&
        (jy_http_ieq(ct, n, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet") ||
         jy_http_ieq(ct, n, "application/octet-stream")))
        return 1;
    return 0;
}

/* Same-origin check for a state change: Origin must be the configured origin, or the scheme and
 * Host of this very request. */
static int origin_ok(const jy_http_server *srv, const jy_http_req *req, const char *origin)
{
    if (!origin || !*origin) return 0;
    size_t on = strlen(origin);
    if (srv->cfg.origin && *srv->cfg.origin) {
        size_t cn = strlen(srv->cfg.origin);
        while (cn && srv->cfg.origin[cn - 1] == '/') cn--;
        return on == cn && strncasecmp(origin, srv->cfg.origin, cn) == 0;
    }
    if (!req->authority || !*req->authority) return 0;
    const char *scheme = req->secure ? "https://" : "http://";
    size_t sn = strlen(scheme), an = strlen(req->authority);
    return on == sn + an && strncasecmp(origin, scheme, sn) == 0 &&
           strncasecmp(origin + sn, req->authority, an) == 0;
}

typedef struct qcollect {
    jy_http_req *req;
} qcollect;

static int on_query_arg(void *ctx, const char *name, const char *value)
{
    jy_http_req *req = ((qcollect *)ctx)->req;
    req->qname[req->nq] = jy_arena_strdup(req->arena, name);
    req->qvalue[req->nq] = jy_arena_strdup(req->arena, value);
    req->nq++;
    return 0;
}

/* The head c->in[scan.start .. end) is complete: parse it, build the request, apply the rules that
 * need no session, and go on to the body or the workers. */
static void on_head(jy_http_server *srv, conn *c, size_t end)
{
    jy_http_head *h = malloc(sizeof *h);
    if (!h) abort();
    jy_http_perr perr = {0};
    int st = jy_http_parse_head(c->in + c->scan.start, end - c->scan.start, &srv->lim, h, &perr);
    jy_http_req *req = req_new(srv, c);
    c->req = req;
    if (st) {
        free(h);
        early_reply(srv, c, req, (unsigned)st, st == 431 || st == 413 ? "too_large" : st == 414 ? "uri_too_long" :
                                                  st == 501 ? "not_implemented" : st == 505 ? "bad_version" :
                                                  st == 417 ? "expectation_failed" : "bad_request",
                    perr.msg, 0);
        return;
    }
    req->minor = h->minor;
    req->method = jy_arena_strndup(req->arena, h->method, h->method_len);
    req->head_only = strcmp(req->method, "HEAD") == 0;
    req->state_change = is_state_change(req->method);
    req->keep_alive = h->keep_alive && !atomic_load(&srv->stopping);
    if (h->authority) req->authority = jy_arena_strndup(req->arena, h->authority, h->authority_len);

    /* path, query, headers into the request's arena (the connection buffer moves on) */
    char *path = jy_arena_alloc(req->arena, h->path_len + 1);
    if (jy_http_path_decode(h->path, h->path_len, path, &perr) < 0) {
        req->path = "-";
        free(h);
        early_reply(srv, c, req, 400, "bad_request", perr.msg, 0);
        return;
    }
    req->path = path;
    if (h->query_len) {
        req->qname = jy_arena_alloc(req->arena, MAX_QUERY_ARGS * sizeof *req->qname);
        req->qvalue = jy_arena_alloc(req->arena, MAX_QUERY_ARGS * sizeof *req->qvalue);
        char *scratch = jy_arena_alloc(req->arena, h->query_len + 2);
        qcollect qc = {req};
        if (jy_http_query_each(h->query, h->query_len, MAX_QUERY_ARGS, scratch, on_query_arg, &qc, &perr)) {
            free(h);
            early_reply(srv, c, req, 400, "bad_request", perr.msg, 0);
            return;
        }
    }
    req->nhdr = h->nheaders;
    req->hname = jy_arena_alloc(req->arena, (h->nheaders + 1) * sizeof *req->hname);
    req->hvalue = jy_arena_alloc(req->arena, (h->nheaders + 1) * sizeof *req->hvalue);
    for (size_t i = 0; i < h->nheaders; i++) {
        req->hname[i] = jy_arena_strndup(req->arena, h->headers[i].name, h->headers[i].name_len);
        req->hvalue[i] = jy_arena_strndup(req->arena, h->headers[i].value, h->headers[i].value_len);
    }
    int64_t content_length = h->content_length;
    int chunked = h->chunked, expect_continue = h->expect_continue;
    free(h);
    consume_in(c, end);
    c->scan = (jy_http_scan){0};
    int has_body = chunked || content_length > 0;
    /* A refusal before the body has been read closes the connection: the unread body must never
     * be taken for the next request. */
    int ka_early = req->keep_alive && !has_body;

    /* the client: the peer, or what the trusted proxy says */
    if (is_trusted(srv, c->addr)) {
        const char *xff = jy_http_req_header(req, "x-forwarded-for");
        if (xff && *xff) {
            const char *last = strrchr(xff, ',');
            last = last ? last + 1 : xff;
            while (*last == ' ' || *last == '\t') last++;
            unsigned char bin[16];
            char canon[ADDR_LEN];
            int fam = strchr(last, ':') ? AF_INET6 : AF_INET;
            if (inet_pton(fam, last, bin) != 1 || !inet_ntop(fam, bin, canon, sizeof canon)) {
                early_reply(srv, c, req, 400, "bad_request", "X-Forwarded-For from the proxy is not an address", 0);
                return;
            }
            snprintf(req->addr, sizeof req->addr, "%s", canon);
        }
    }

    /* route */
    const jy_http_route *route = NULL;
    char allow[128] = "";
    size_t alen = 0;
    for (size_t i = 0; i < srv->cfg.nroutes; i++) {
        const jy_http_route *r = &srv->cfg.routes[i];
        const char *rest;
        if (strncmp(r->path, req->path, srv->route_lit[i]) != 0) continue; /* path_matches would say no */
        if (!path_matches(req, r->path, req->path, &rest)) continue;
        int method_ok = strcmp(r->method, req->method) == 0 ||
                        (strcmp(r->method, "GET") == 0 && req->head_only);
        if (method_ok) {
            route = r;
            req->rest = rest;
            break;
        }
        if (!strstr(allow, r->method)) {
            int w = snprintf(allow + alen, sizeof allow - alen, "%s%s", alen ? ", " : "", r->method);
            if (w > 0 && (size_t)w < sizeof allow - alen) alen += (size_t)w;
        }
    }
    if (!route || !(route->flags & JY_HTTP_NO_RATE_LIMIT)) {
        int wait = bucket_take(&srv->rl_addr, req->addr);
        if (wait) {
            char ra[16], msg[96];
            snprintf(ra, sizeof ra, "%d", wait);
            snprintf(msg, sizeof msg, "请求过于频繁，请 %d 秒后再试", wait);
            jy_http_req_set_header(req, "Retry-After", ra);
            early_reply(srv, c, req, 429, "rate_limited", msg, ka_early);
            return;
        }
    }
    if (!route) {
        char msg[600];
        if (alen) {
            jy_http_req_set_header(req, "Allow", allow);
            snprintf(msg, sizeof msg, "%.200s 不支持方法 %s", req->path, req->method);
            early_reply(srv, c, req, 405, "method_not_allowed", msg, ka_early);
        } else {
            snprintf(msg, sizeof msg, "没有这个地址: %.400s", req->path);
            early_reply(srv, c, req, 404, "not_found", msg, ka_early);
        }
        return;
    }
    req->route = route;

    if (req->state_change) {
        if (!origin_ok(srv, req, jy_http_req_header(req, "origin"))) {
            early_reply(srv, c, req, 403, "forbidden_origin",
                        jy_http_req_header(req, "origin") ? "Origin 不是本站 (cross-origin request refused)"
                                                          : "缺少 Origin 头 (Origin header required)",
                        ka_early);
            return;
        }
        if (has_body && !content_type_ok(route, jy_http_req_header(req, "content-type"))) {
            early_reply(srv, c, req, 415, "unsupported_media_type",
                        route->flags & JY_HTTP_NOT_JSON ? "请求体类型不受支持 (Content-Type not accepted here)"
                                                        : "请求体须为 JSON (Content-Type: application/json)",
                        0);
            return;
        }
    }

    size_t max_body = route->max_body ? route->max_body : srv->cfg.max_body;
    if (content_length > 0 && (uint64_t)content_length > max_body) {
        char msg[96];
        snprintf(msg, sizeof msg, "请求体超过 %zu 字节", max_body);
        early_reply(srv, c, req, 413, "too_large", msg, 0);
        return;
    }
    if (!has_body) {
        dispatch(srv, c);
        return;
    }
    c->state = C_BODY;
    c->deadline = now_ms() + srv->cfg.body_timeout_ms;
    c->body_chunked = chunked;
    c->body_need = chunked ? 0 : (uint64_t)content_length;
    if (chunked) jy_http_chunked_init(&c->ck, max_body);
    if (expect_continue && c->in_len == 0) {
        jy_sb_append(&c->out, "HTTP/1.1 100 Continue\r\n\r\n");
        if (conn_flush(srv, c) < 0) return;
    }
    conn_process(srv, c);
}

/* Moves body bytes from c->in to the request. */
static void on_body_bytes(jy_http_server *srv, conn *c)
{
    jy_http_req *req = c->req;
    if (!c->body_chunked) {
        size_t take = c->in_len < c->body_need ? c->in_len : (size_t)c->body_need;
        jy_sb_appendn(&req->body, c->in, take);
        consume_in(c, take);
        c->body_need -= take;
        if (c->body_need == 0) dispatch(srv, c);
        return;
    }
    size_t out_len = 0, used = 0;
    jy_http_perr perr = {0};
    int r = jy_http_chunked_decode(&c->ck, c->in, c->in_len, c->in, &out_len, &used, &perr);
    if (r < 0) {
        early_reply(srv, c, req, (unsigned)-r, -r == 413 ? "too_large" : "bad_request", perr.msg, 0);
        return;
    }
    jy_sb_appendn(&req->body, c->in, out_len);
    consume_in(c, used);
    if (r == 1) dispatch(srv, c);
}

/* Works through what c->in holds, as far as the state allows. */
static void conn_process(jy_http_server *srv, conn *c)
{
    for (int guard = 0; guard < 4 && !c->closed; guard++) {
        if (c->state == C_HEAD) {
            if (c->in_len == 0) return;
            if (c->idle_since) { /* the first byte of a request: its head deadline starts */
                c->idle_since = 0;
                c->deadline = now_ms() + srv->cfg.head_timeout_ms;
            }
            jy_http_perr perr = {0};
            long end = jy_http_scan_head(&c->scan, c->in, c->in_len, srv->lim.max_head, &perr);
            if (end == 0) return;
            if (end < 0) {
                jy_http_req *req = req_new(srv, c);
                c->req = req;
                early_reply(srv, c, req, (unsigned)-end, -end == 431 ? "too_large" : "bad_request", perr.msg, 0);
                return;
            }
            on_head(srv, c, (size_t)end);
            continue; /* the state changed */
        }
        if (c->state == C_BODY) {
            if (c->in_len == 0 && !(c->body_chunked == 0 && c->body_need == 0)) return;
            on_body_bytes(srv, c);
            continue;
        }
        return;
    }
}

/* After an answer has been written: close, linger, or wait for the next request. */
static void conn_after_write(jy_http_server *srv, conn *c)
{
    if (c->close_after) {
        if (c->in_len || c->state == C_WRITING) {
            conn_linger(srv, c);
            return;
        }
        conn_close(srv, c);
        return;
    }
    if (c->state != C_WRITING) { /* a 100 Continue went out; keep reading the body */
        set_events(srv, c);
        return;
    }
    c->requests++;
    c->state = C_HEAD;
    c->scan = (jy_http_scan){0};
    if (c->in_cap > 16384 && c->in_len == 0) {
        free(c->in);
        c->in = NULL;
        c->in_cap = 0;
    }
    if (c->in_len == 0) {
        c->idle_since = now_ms();
        c->deadline = c->idle_since + srv->cfg.idle_timeout_ms;
    } else {
        c->idle_since = 0;
        c->deadline = now_ms() + srv->cfg.head_timeout_ms;
    }
    set_events(srv, c);
    conn_process(srv, c);
    /* TLS may hold decrypted bytes that epoll cannot see: read once now */
    if (c->state == C_HEAD && c->tls && gnutls_record_check_pending(c->tls)) {
        long n = conn_read(c, c->scan.start + srv->lim.max_head + 1);
        if (n < 0) conn_close(srv, c);
        else conn_process(srv, c);
    }
}

static void conn_on_readable(jy_http_server *srv, conn *c)
{
    for (int rounds = 0; rounds < 64 && !c->closed; rounds++) {
        if (c->state == C_LINGER) {
            char sink[4096];
            ssize_t n = c->tls ? gnutls_record_recv(c->tls, sink, sizeof sink) : recv(c->fd, sink, sizeof sink, 0);
            if (n > 0) continue;
            if (n < 0 && (c->tls ? (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED)
                                 : (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)))
                return;
            conn_close(srv, c);
            return;
        }
        if (c->state != C_HEAD && c->state != C_BODY) return;
        /* room for max_head bytes after the skipped empty lines: the scanner refuses a head that
         * fills it, so a full buffer never leaves a readable socket unread (a busy loop) */
        size_t cap = c->state == C_HEAD ? c->scan.start + srv->lim.max_head + 1 : BODY_READ_CHUNK;
        if (c->state == C_HEAD && c->in_len >= cap) return;
        long n = conn_read(c, cap);
        if (n < 0) {
            conn_close(srv, c);
            return;
        }
        if (n == 0) {
            if (!(c->tls && gnutls_record_check_pending(c->tls))) return;
            continue;
        }
        conn_process(srv, c);
    }
}

static void conn_handshake(jy_http_server *srv, conn *c)
{
    int rc = gnutls_handshake(c->tls);
    if (rc == GNUTLS_E_SUCCESS) {
        c->state = C_HEAD;
        c->idle_since = 0; /* the head deadline still counts from the accept */
        set_events(srv, c);
        conn_on_readable(srv, c);
        return;
    }
    if (rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED || !gnutls_error_is_fatal(rc)) {
        set_events(srv, c);
        return;
    }
    conn_close(srv, c);
}

static void conn_on_writable(jy_http_server *srv, conn *c)
{
    if (c->state == C_HANDSHAKE) {
        conn_handshake(srv, c);
        return;
    }
    int r = conn_flush(srv, c);
    if (r < 0) return;
    if (r == 1) {
        if (c->state == C_WRITING) conn_after_write(srv, c);
        else set_events(srv, c);
    }
}

/* Closes the connection that has waited longest for a request without sending a byte; 0 when
 * there is none. Used when the server is full. */
static int evict_idle(jy_http_server *srv)
{
    conn *victim = NULL;
    for (int i = 0; i < srv->nconns; i++) {
        conn *c = srv->conns[i];
        if ((c->state == C_HEAD || c->state == C_HANDSHAKE) && c->in_len == 0 &&
            (!victim || c->deadline < victim->deadline))
            victim = c;
    }
    if (!victim) return 0;
    conn_close(srv, victim);
    return 1;
}

static void on_accept(jy_http_server *srv)
{
    for (int i = 0; i < 64; i++) {
        struct sockaddr_storage ss;
        socklen_t sl = sizeof ss;
        int fd = accept4(srv->listen_fd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if ((errno == EMFILE || errno == ENFILE) && srv->spare_fd >= 0) {
                /* out of descriptors: take the connection with the spare one and drop it, so the
                 * listening socket does not stay readable forever */
                close(srv->spare_fd);
                fd = accept(srv->listen_fd, NULL, NULL);
                if (fd >= 0) close(fd);
                srv->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
                continue;
            }
            return;
        }
        char addr[ADDR_LEN] = "?";
        if (ss.ss_family == AF_INET)
            inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, addr, sizeof addr);
        else if (ss.ss_family == AF_INET6)
            inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, addr, sizeof addr);
        if (atomic_load(&srv->stopping)) {
            close(fd);
            continue;
        }
        if (srv->cfg.max_conns_per_addr > 0 && !is_trusted(srv, addr) &&
            addr_inc(srv, addr, 0) >= srv->cfg.max_conns_per_addr) {
            close(fd); /* this address has enough: the others are served */
            continue;
        }
        if (srv->nconns >= srv->max_conns && !evict_idle(srv)) {
            close(fd);
            continue;
        }
        conn *c = calloc(1, sizeof *c);
        if (!c) abort();
        c->fd = fd;
        snprintf(c->addr, sizeof c->addr, "%s", addr);
        jy_sb_init(&c->out);
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        c->slot = srv->nconns;
        srv->conns[srv->nconns++] = c;
        addr_inc(srv, addr, 1);
        c->deadline = now_ms() + srv->cfg.head_timeout_ms;
        c->idle_since = 0;
        if (srv->tls) {
            c->state = C_HANDSHAKE;
            if (gnutls_init(&c->tls, GNUTLS_SERVER | GNUTLS_NONBLOCK | GNUTLS_NO_SIGNAL) != GNUTLS_E_SUCCESS) {
                c->tls = NULL;
                conn_close(srv, c);
                continue;
            }
            static const gnutls_datum_t alpn = {(unsigned char *)"http/1.1", 8};
            gnutls_priority_set(c->tls, srv->prio);
            gnutls_credentials_set(c->tls, GNUTLS_CRD_CERTIFICATE, srv->cred);
            gnutls_certificate_server_set_request(c->tls, GNUTLS_CERT_IGNORE);
            gnutls_alpn_set_protocols(c->tls, &alpn, 1, 0);
            gnutls_transport_set_int(c->tls, fd);
            conn_handshake(srv, c);
        } else {
            c->state = C_HEAD;
            set_events(srv, c);
        }
    }
}

/* Answers that came back from the workers. */
static void on_done(jy_http_server *srv)
{
    uint64_t v;
    ssize_t r = read(srv->wake_fd, &v, sizeof v);
    (void)r;
    pthread_mutex_lock(&srv->qmu);
    jy_http_req *list = srv->done_head;
    srv->done_head = srv->done_tail = NULL;
    pthread_mutex_unlock(&srv->qmu);
    while (list) {
        jy_http_req *req = list;
        list = req->next;
        conn *c = req->c;
        c->req = NULL;
        c->state = C_WRITING; /* no longer with a worker: may be closed now */
        if (c->dead) {
            req_free(req);
            conn_close(srv, c);
            continue;
        }
        if (c->out_off < c->out.len) { /* an interim 100 Continue not fully written yet */
            jy_sb_appendn(&c->out, req->resp.buf, req->resp.len);
        } else {
            jy_sb_free(&c->out);
            c->out = req->resp;
            jy_sb_init(&req->resp);
            c->out_off = 0;
        }
        c->close_after = !req->keep_alive || atomic_load(&srv->stopping);
        req_free(req);
        conn_start_write(srv, c);
    }
}

/* Deadlines: a head or body too slow, an idle keep-alive, a stalled write, a finished linger. */
static void on_tick(jy_http_server *srv, int64_t now)
{
    for (int i = srv->nconns - 1; i >= 0; i--) {
        if (i >= srv->nconns) continue;
        conn *c = srv->conns[i];
        if (!c->deadline || now < c->deadline || c->state == C_HANDLING) continue;
        if ((c->state == C_HEAD && c->in_len > 0) || c->state == C_BODY) {
            if (!c->req) c->req = req_new(srv, c);
            early_reply(srv, c, c->req, 408, "timeout",
                        c->state == C_BODY ? "请求体未在时限内收完 (body deadline)"
                                           : "请求头未在时限内收完 (head deadline)",
                        0);
            /* the answer is written or waiting: give it a short write deadline */
            continue;
        }
        conn_close(srv, c);
    }
}

static void *io_main(void *arg)
{
    jy_http_server *srv = arg;
    struct epoll_event evs[128];
    int64_t last_tick = now_ms(), stop_at = 0;
    int listening = 1;
    for (;;) {
        int n = epoll_wait(srv->epfd, evs, 128, TICK_MS);
        int64_t now = now_ms();
        for (int i = 0; i < n; i++) {
            void *p = evs[i].data.ptr;
            if (p == &srv->listen_fd) {
                on_accept(srv);
                continue;
            }
            if (p == &srv->wake_fd) {
                on_done(srv);
                continue;
            }
            conn *c = p;
            /* closed earlier in this batch (evicted, or closed by another event): still allocated
             * until bury() below */
            if (c->closed) continue;
            uint32_t e = evs[i].events;
            if (c->state == C_HANDLING) {
                if (e & (EPOLLHUP | EPOLLERR)) {
                    conn_close(srv, c); /* marks it dead */
                } else if (c->registered && c->events) { /* readable while with a worker: wait */
                    struct epoll_event none = {.events = 0, .data.ptr = c};
                    if (epoll_ctl(srv->epfd, EPOLL_CTL_MOD, c->fd, &none) == 0) c->events = 0;
                }
                continue;
            }
            if (c->state == C_HANDSHAKE) {
                conn_handshake(srv, c);
                continue;
            }
            if (e & (EPOLLOUT)) {
                conn_on_writable(srv, c);
                if (c->closed) continue;
            }
            if (e & (EPOLLIN | EPOLLHUP | EPOLLERR)) conn_on_readable(srv, c);
        }
        if (atomic_load(&srv->stopping)) {
            if (listening) {
                epoll_ctl(srv->epfd, EPOLL_CTL_DEL, srv->listen_fd, NULL);
                close(srv->listen_fd);
                srv->listen_fd = -1;
                listening = 0;
                stop_at = now + STOP_GRACE_MS;
            }
            /* close everything that is not a request in flight */
            int busy = 0;
            for (int i = srv->nconns - 1; i >= 0; i--) {
                if (i >= srv->nconns) continue;
                conn *c = srv->conns[i];
                if (c->state == C_HANDLING) {
                    busy++;
                    continue;
                }
                if (c->state == C_WRITING && now < stop_at) {
                    busy++;
                    continue;
                }
                conn_close(srv, c);
            }
            if (!busy) break;
        }
        if (now - last_tick >= TICK_MS) {
            on_tick(srv, now);
            last_tick = now;
        }
        bury(srv);
    }
    bury(srv);
    return NULL;
}

/* ---- lifetime ---- */

static int open_listener(const char *bind_addr, int port, int *fd_out, jy_err *err)
{
    struct sockaddr_storage ss;
    socklen_t sl;
    memset(&ss, 0, sizeof ss);
    struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
    int is_v6 = 0;
    if (port < 0 || port > 65535)
        return jy_err_set2(err, JY_EUSAGE, "http.port_range", "--port %d: a port is 0 to 65535", "--port %d：端口号应为 0 至 65535", port);
    if (inet_pton(AF_INET, bind_addr, &a4->sin_addr) == 1) {
        a4->sin_family = AF_INET;
        a4->sin_port = htons((uint16_t)port);
        sl = sizeof *a4;
    } else if (inet_pton(AF_INET6, bind_addr, &a6->sin6_addr) == 1) {
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((uint16_t)port);
        sl = sizeof *a6;
        is_v6 = 1;
    } else {
        return jy_err_set2(err, JY_EUSAGE, "http.bind_address",
                           "--bind %s: give an IPv4 or IPv6 address such as 127.0.0.1 or ::1",
                           "--bind %s：请给出 IPv4 或 IPv6 地址，如 127.0.0.1 或 ::1", bind_addr);
    }
    int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) return jy_err_set2(err, JY_EIO, "http.socket", "socket: %s", "无法创建套接字：%s", strerror(errno));
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (is_v6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    if (bind(fd, (struct sockaddr *)&ss, sl) != 0) {
        int e = errno;
        close(fd);
        return jy_err_set2(err, JY_EIO, "http.cannot_listen", "cannot listen on %1$s port %2$d: %3$s%4$s%5$.0s",
                           "无法在 %1$s 的 %2$d 端口监听：%3$s%5$s%4$.0s", bind_addr, port, strerror(e),
                           e == EADDRINUSE ? " (another program uses it; choose --port)" : "",
                           e == EADDRINUSE ? "（该端口已被其他程序占用，请另选 --port）" : "");
    }
    if (listen(fd, 1024) != 0) {
        int e = errno;
        close(fd);
        return jy_err_set2(err, JY_EIO, "http.listen", "listen on %s port %d: %s", "在 %s 的 %d 端口监听失败：%s", bind_addr, port, strerror(e));
    }
    *fd_out = fd;
    return 0;
}

static int bound_port(int fd)
{
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    if (getsockname(fd, (struct sockaddr *)&ss, &sl) != 0) return 0;
    if (ss.ss_family == AF_INET) return ntohs(((struct sockaddr_in *)&ss)->sin_port);
    if (ss.ss_family == AF_INET6) return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    return 0;
}

static int tls_setup(jy_http_server *srv, jy_err *err)
{
    const jy_http_config *cfg = &srv->cfg;
    if (!cfg->tls_cert || !cfg->tls_key)
        return jy_err_set2(err, JY_EUSAGE, "http.tls_pair", "TLS needs both --tls-cert and --tls-key", "启用 TLS 须同时给出 --tls-cert 和 --tls-key");
    int rc = gnutls_global_init();
    if (rc != GNUTLS_E_SUCCESS) return jy_err_set2(err, JY_EIO, "http.gnutls", "GnuTLS: %s", "GnuTLS 出错：%s", gnutls_strerror(rc));
    srv->tls = 1;
    if ((rc = gnutls_certificate_allocate_credentials(&srv->cred)) != GNUTLS_E_SUCCESS)
        return jy_err_set2(err, JY_EIO, "http.gnutls", "GnuTLS: %s", "GnuTLS 出错：%s", gnutls_strerror(rc));
    rc = gnutls_certificate_set_x509_key_file(srv->cred, cfg->tls_cert, cfg->tls_key, GNUTLS_X509_FMT_PEM);
    if (rc < 0)
        return jy_err_set2(err, JY_EIO, "http.tls_files", "--tls-cert %s / --tls-key %s: %s",
                           "--tls-cert %s / --tls-key %s：无法读取证书或私钥：%s", cfg->tls_cert, cfg->tls_key,
                           gnutls_strerror(rc));
    /* TLS 1.3 and 1.2 with AEAD ciphers only (no CBC, no RC4, no 3DES), forward secrecy */
    const char *prio = "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:-CIPHER-ALL:+AES-256-GCM:+AES-128-GCM:"
                       "+CHACHA20-POLY1305:-KX-ALL:+ECDHE-RSA:+ECDHE-ECDSA:%SERVER_PRECEDENCE";
    const char *where = NULL;
    if ((rc = gnutls_priority_init(&srv->prio, prio, &where)) != GNUTLS_E_SUCCESS)
        return jy_err_set2(err, JY_EIO, "http.gnutls_priority", "GnuTLS priority string at %s: %s", "GnuTLS 优先级字符串在 %s 处有误：%s", where ? where : "?", gnutls_strerror(rc));
    return 0;
}

int jy_http_start(const jy_http_config *cfg, jy_http_server **out, jy_err *err)
{
    int rc = 0;
    *out = NULL;
    jy_http_server *srv = calloc(1, sizeof *srv);
    if (!srv) return jy_err_set2(err, JY_ENOMEM, "sys.out_of_memory", "out of memory", "内存不足");
    srv->cfg = *cfg;
    srv->listen_fd = srv->epfd = srv->wake_fd = srv->spare_fd = -1;
    pthread_mutex_init(&srv->mu, NULL);
    pthread_cond_init(&srv->cv, NULL);
    pthread_mutex_init(&srv->qmu, NULL);
    pthread_cond_init(&srv->qcv, NULL);
    pthread_cond_init(&srv->slow_cv, NULL);
    pthread_cond_init(&srv->lane_cv, NULL);
    pthread_mutex_init(&srv->rl_addr.mu, NULL);
    pthread_mutex_init(&srv->rl_user.mu, NULL);

    jy_http_config *c = &srv->cfg;
    if (!c->bind || !*c->bind) c->bind = "127.0.0.1";
    if (c->threads <= 0) c->threads = 4;
    if (c->threads > 64) c->threads = 64;
    if (c->slow_threads <= 0) c->slow_threads = 2;
    if (c->slow_threads > 64) c->slow_threads = 64;
    if (!c->max_body) c->max_body = 1u << 20;
    if (!c->max_head) c->max_head = 16384;
    if (c->max_headers <= 0) c->max_headers = 64;
    if (c->head_timeout_ms <= 0) c->head_timeout_ms = 10000;
    if (c->body_timeout_ms <= 0) c->body_timeout_ms = 60000;
    if (c->idle_timeout_ms <= 0) c->idle_timeout_ms = 15000;
    if (c->write_timeout_ms <= 0) c->write_timeout_ms = 30000;
    if (!c->max_conns_per_addr) c->max_conns_per_addr = 256;
    if (c->rate_addr == 0) c->rate_addr = 50;
    if (c->rate_user == 0) c->rate_user = 20;
    if (c->burst_addr <= 0) c->burst_addr = c->rate_addr * 2 < 20 ? 20 : c->rate_addr * 2;
    if (c->burst_user <= 0) c->burst_user = c->rate_user * 2 < 20 ? 20 : c->rate_user * 2;
    srv->lim = (jy_http_limits){.max_head = c->max_head, .max_headers = (size_t)c->max_headers, .max_target = 8192};
    srv->rl_addr.rate = c->rate_addr;
    srv->rl_addr.burst = c->burst_addr;
    srv->rl_user.rate = c->rate_user;
    srv->rl_user.burst = c->burst_user;
    srv->rl_addr.b = calloc(BUCKETS, sizeof(bucket));
    srv->rl_user.b = calloc(BUCKETS, sizeof(bucket));
    if (!srv->rl_addr.b || !srv->rl_user.b) {
        rc = jy_err_set2(err, JY_ENOMEM, "sys.out_of_memory", "out of memory", "内存不足");
        goto done;
    }

    /* every route either public or covered by the auth hooks */
    for (size_t i = 0; i < c->nroutes; i++) {
        const jy_http_route *r = &c->routes[i];
        if (!r->method || !r->path || !r->fn) {
            rc = jy_err_set2(err, JY_EINVAL, "http.route_incomplete", "route %zu: method, path and handler are required", "路由 %zu：须有方法、路径和处理函数", i);
            goto done;
        }
        if (!(r->flags & JY_HTTP_PUBLIC) && (!c->auth || !c->auth->resolve)) {
            rc = jy_err_set2(err, JY_EINVAL, "http.route_no_auth", "route %s %s needs a session but the server has no authentication hooks",
                             "路由 %s %s 需要登录会话，但服务器未配置身份验证", r->method, r->path);
            goto done;
        }
    }

    /* each route's literal head, compared first when routing (most routes differ from the path
     * within their first dozen bytes: the full match ran strlen, strchr and strcmp on each) */
    srv->route_lit = calloc(c->nroutes ? c->nroutes : 1, sizeof *srv->route_lit);
    if (!srv->route_lit) {
        rc = jy_err_set2(err, JY_ENOMEM, "sys.out_of_memory", "out of memory", "内存不足");
        goto done;
    }
    for (size_t i = 0; i < c->nroutes; i++) srv->route_lit[i] = strcspn(c->routes[i].path, "{*");

    /* trusted proxies, in canonical text form */
    const char *tp = c->trusted_proxy;
    if (tp && *tp) {
        unsigned char bin[16];
        int fam = strchr(tp, ':') ? AF_INET6 : AF_INET;
        if (inet_pton(fam, tp, bin) != 1) {
            rc = jy_err_set2(err, JY_EUSAGE, "http.trusted_proxy", "--trusted-proxy %s: give the proxy's IPv4 or IPv6 address", "--trusted-proxy %s：请给出代理服务器的 IPv4 或 IPv6 地址", tp);
            goto done;
        }
        inet_ntop(fam, bin, srv->trusted[0], ADDR_LEN);
        srv->ntrusted = 1;
    } else if (c->behind_tls) {
        snprintf(srv->trusted[0], ADDR_LEN, "127.0.0.1");
        snprintf(srv->trusted[1], ADDR_LEN, "::1");
        srv->ntrusted = 2;
    }

    if ((c->tls_cert && *c->tls_cert) || (c->tls_key && *c->tls_key)) {
        if ((rc = tls_setup(srv, err))) goto done;
    }

    /* descriptors: raise the soft limit to the hard one, keep 64 for the store and the rest */
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
        if (rl.rlim_cur < rl.rlim_max) {
            rl.rlim_cur = rl.rlim_max;
            setrlimit(RLIMIT_NOFILE, &rl);
            getrlimit(RLIMIT_NOFILE, &rl);
        }
    }
    long fd_room = rl.rlim_cur == RLIM_INFINITY ? 1L << 20 : (long)rl.rlim_cur - 64 - 2L * (c->threads + c->slow_threads);
    if (c->max_conns <= 0) c->max_conns = 1024;
    if (fd_room < 16) fd_room = 16;
    srv->max_conns = c->max_conns < fd_room ? c->max_conns : (int)fd_room;
    srv->conns = calloc((size_t)srv->max_conns, sizeof *srv->conns);
    if (!srv->conns) {
        rc = jy_err_set2(err, JY_ENOMEM, "sys.out_of_memory", "out of memory", "内存不足");
        goto done;
    }

    /* one handle per worker of either lane: a worker never waits for a handle */
    srv->pool = calloc((size_t)(c->threads + c->slow_threads), sizeof *srv->pool);
    if (!srv->pool) {
        rc = jy_err_set2(err, JY_ENOMEM, "sys.out_of_memory", "out of memory", "内存不足");
        goto done;
    }
    for (int i = 0; i < c->threads + c->slow_threads; i++) {
        rc = jy_store_open(c->db_url, &srv->pool[i], err);
        if (rc) goto done; /* the store's message names the database */
        srv->npool++;
        /* every handle sees the served area only (issue 3: a county's users see their county) */
        if (c->scope && *c->scope && (rc = jy_store_set_scope(srv->pool[i], c->scope, err))) goto done;
    }
    srv->nfree = srv->npool;
    /* the write lane's own handle (group commit): on SQLite only, where one commit per group
     * saves most of the WAL pages; PostgreSQL commits each request in its own transaction */
    if (srv->npool && c->write_batch >= 0 && strcmp(jy_store_backend(srv->pool[0]), "sqlite") == 0) {
        rc = jy_store_open(c->db_url, &srv->lane_store, err);
        if (rc) goto done;
        if (c->scope && *c->scope && (rc = jy_store_set_scope(srv->lane_store, c->scope, err))) goto done;
        srv->lane_max = c->write_batch > 0 ? c->write_batch : 64;
        /* tests only: the lane waits this long after the first request of a group arrives, so
         * that requests sent together are grouped however the threads are scheduled */
        const char *gs = getenv("JIUYE_TEST_LANE_GATHER_MS");
        srv->lane_gather_ms = gs ? strtol(gs, NULL, 10) : 0;
    }

    if ((rc = open_listener(c->bind, c->port, &srv->listen_fd, err))) goto done;
    srv->port = bound_port(srv->listen_fd);
    srv->epfd = epoll_create1(EPOLL_CLOEXEC);
    srv->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    srv->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (srv->epfd < 0 || srv->wake_fd < 0) {
        rc = jy_err_set2(err, JY_EIO, "http.epoll", "epoll: %s", "epoll 出错：%s", strerror(errno));
        goto done;
    }
    struct epoll_event le = {.events = EPOLLIN, .data.ptr = &srv->listen_fd};
    struct epoll_event we = {.events = EPOLLIN, .data.ptr = &srv->wake_fd};
    epoll_ctl(srv->epfd, EPOLL_CTL_ADD, srv->listen_fd, &le);
    epoll_ctl(srv->epfd, EPOLL_CTL_ADD, srv->wake_fd, &we);

    srv->workers = calloc((size_t)(c->threads + c->slow_threads), sizeof *srv->workers);
    if (!srv->workers) {
        rc = jy_err_set2(err, JY_ENOMEM, "sys.out_of_memory", "out of memory", "内存不足");
        goto done;
    }
    for (int i = 0; i < c->threads + c->slow_threads; i++) {
        if (pthread_create(&srv->workers[i], NULL, i < c->threads ? worker_main : slow_worker_main, srv) != 0) {
            rc = jy_err_set2(err, JY_EIO, "http.worker_thread", "cannot start worker thread: %s", "无法启动工作线程：%s", strerror(errno));
            goto done;
        }
        srv->nworkers++;
    }
    if (srv->lane_max) {
        if (pthread_create(&srv->lane_thread, NULL, lane_main, srv) != 0) {
            rc = jy_err_set2(err, JY_EIO, "http.lane_thread", "cannot start the write lane's thread: %s",
                             "无法启动写入通道线程：%s", strerror(errno));
            goto done;
        }
        srv->lane_started = 1;
    }
    if (pthread_create(&srv->io_thread, NULL, io_main, srv) != 0) {
        rc = jy_err_set2(err, JY_EIO, "http.io_thread", "cannot start the I/O thread: %s", "无法启动 I/O 线程：%s", strerror(errno));
        goto done;
    }
    srv->io_started = 1;
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
    atomic_store(&srv->stopping, 1);
    if (srv->io_started) {
        uint64_t one = 1;
        ssize_t w = write(srv->wake_fd, &one, sizeof one);
        (void)w;
        pthread_join(srv->io_thread, NULL);
    }
    pthread_mutex_lock(&srv->qmu);
    srv->workers_exit = 1;
    pthread_cond_broadcast(&srv->qcv);
    pthread_cond_broadcast(&srv->slow_cv);
    pthread_mutex_unlock(&srv->qmu);
    for (int i = 0; i < srv->nworkers; i++) pthread_join(srv->workers[i], NULL);
    free(srv->workers);
    /* the workers are gone, so nothing more joins the lane: it answers what it holds and ends */
    if (srv->lane_started) {
        pthread_mutex_lock(&srv->qmu);
        srv->lane_exit = 1;
        pthread_cond_broadcast(&srv->lane_cv);
        pthread_mutex_unlock(&srv->qmu);
        pthread_join(srv->lane_thread, NULL);
    }
    /* requests that never reached a worker, answers never collected */
    for (jy_http_req *r = srv->work_head, *nx; r; r = nx) {
        nx = r->next;
        r->c->req = NULL;
        req_free(r);
    }
    for (jy_http_req *r = srv->slow_head, *nx; r; r = nx) {
        nx = r->next;
        r->c->req = NULL;
        req_free(r);
    }
    for (jy_http_req *r = srv->done_head, *nx; r; r = nx) {
        nx = r->next;
        r->c->req = NULL;
        req_free(r);
    }
    while (srv->nconns) {
        conn *c = srv->conns[srv->nconns - 1];
        c->state = C_HEAD;
        conn_close(srv, c);
    }
    bury(srv);
    free(srv->conns);
    for (int i = 0; i < ADDR_SLOTS; i++)
        for (addr_count *a = srv->addr_slots[i], *nx; a; a = nx) {
            nx = a->next;
            free(a);
        }
    if (srv->listen_fd >= 0) close(srv->listen_fd);
    if (srv->epfd >= 0) close(srv->epfd);
    if (srv->wake_fd >= 0) close(srv->wake_fd);
    if (srv->spare_fd >= 0) close(srv->spare_fd);
    for (int i = 0; i < srv->npool; i++) jy_store_close(srv->pool[i]);
    free(srv->pool);
    if (srv->lane_store) jy_store_close(srv->lane_store);
    if (srv->prio) gnutls_priority_deinit(srv->prio);
    if (srv->cred) gnutls_certificate_free_credentials(srv->cred);
    if (srv->tls) gnutls_global_deinit();
    free(srv->rl_addr.b);
    free(srv->rl_user.b);
    pthread_mutex_destroy(&srv->rl_addr.mu);
    pthread_mutex_destroy(&srv->rl_user.mu);
    pthread_cond_destroy(&srv->qcv);
    pthread_cond_destroy(&srv->slow_cv);
    pthread_cond_destroy(&srv->lane_cv);
    pthread_mutex_destroy(&srv->qmu);
    pthread_cond_destroy(&srv->cv);
    pthread_mutex_destroy(&srv->mu);
    free(srv->route_lit);
    free(srv);
}
