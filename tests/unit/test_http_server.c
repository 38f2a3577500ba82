/* Unit tests of the HTTP server's request rules and hooks (src/http/server.c): the server runs on
 * a free loopback port with a route table and fake authentication hooks of this file (test-only:
 * a session cookie "good-NAME" is NAME's session, CSRF token "csrf-NAME"), and the tests talk to it
 * over plain sockets. Covered: 401/403 from the hooks, the principal in the handler, Origin (403),
 * CSRF (403), Content-Type (415), GET on a write route (405), 413 before the body, chunked bodies,
 * Expect: 100-continue, body deadline (408), per-address and per-user rate limits (429 with
 * Retry-After), X-Forwarded-For from the trusted proxy only, --behind-tls cookies and HSTS,
 * connections per address, handlers that block do not stall the I/O thread, error bodies with
 * "field", the start-up check that every route is public or has hooks, a stop with a request in
 * flight. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <pthread.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sodium.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "http/http.h"
#include "test_db.h"

static char db_url[1024];

/* ---- a raw client ---- */

static int connect_from(int port, const char *src)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) fail_msg("socket");
    if (src) {
        struct sockaddr_in s = {.sin_family = AF_INET};
        inet_pton(AF_INET, src, &s.sin_addr);
        if (bind(fd, (struct sockaddr *)&s, sizeof s) != 0) fail_msg("bind %s", src);
    }
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) fail_msg("connect port %d", port);
    return fd;
}

static void send_all(int fd, const char *s, size_t n)
{
    while (n) {
        ssize_t w = send(fd, s, n, MSG_NOSIGNAL);
        if (w <= 0) return; /* the server may have closed: what it said is still readable */
        s += w;
        n -= (size_t)w;
    }
}

/* Reads until the server closes or ms pass; returns the bytes (malloc'd, NUL-terminated). */
static char *read_all(int fd, int ms)
{
    size_t cap = 65536, len = 0;
    char *buf = malloc(cap);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        struct timespec t1;
        clock_gettime(CLOCK_MONOTONIC, &t1);
        int left = ms - (int)((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000);
        if (left <= 0) break;
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, left) <= 0) break;
        if (len + 4096 > cap) buf = realloc(buf, cap *= 2);
        ssize_t r = recv(fd, buf + len, cap - len - 1, 0);
        if (r <= 0) break;
        len += (size_t)r;
    }
    buf[len] = 0;
    return buf;
}

/* One exchange on a fresh connection: sends req, reads until close (at most ms). */
static char *exchange_from(int port, const char *src, const char *req, int ms)
{
    int fd = connect_from(port, src);
    send_all(fd, req, strlen(req));
    char *r = read_all(fd, ms);
    close(fd);
    return r;
}

static char *exchange(int port, const char *req) { return exchange_from(port, NULL, req, 5000); }

static int status_of(const char *resp)
{
    int st = 0;
    if (sscanf(resp, "HTTP/1.1 %d", &st) != 1) return -1;
    return st;
}

static int count_answers(const char *resp)
{
    int n = 0;
    for (const char *p = resp; (p = strstr(p, "HTTP/1.1 ")); p++) n++;
    return n;
}

#define assert_contains(hay, needle) \
    do { if (!strstr((hay), (needle))) fail_msg("wanted \"%s\" in:\n%s", (needle), (hay)); } while (0)
#define assert_lacks(hay, needle) \
    do { if (strstr((hay), (needle))) fail_msg("did not want \"%s\" in:\n%s", (needle), (hay)); } while (0)

/* ---- fake authentication hooks (test-only) ---- */

typedef struct fake_auth {
    int resolves;
    char last_addr[64];
} fake_auth;

static int fake_resolve(void *ctx, jy_http_req *req, const char *token, const char *addr,
                        jy_http_principal *p, jy_err *err)
{
    fake_auth *fa = ctx;
    __atomic_add_fetch(&fa->resolves, 1, __ATOMIC_SEQ_CST);
    snprintf(fa->last_addr, sizeof fa->last_addr, "%s", addr);
    if (!jy_http_req_store(req)) return jy_err_set(err, JY_EDB, "no store");
    if (!token || strncmp(token, "good-", 5) != 0) return jy_err_set(err, JY_ENOTFOUND, "no such session");
    const char *name = token + 5;
    memset(p, 0, sizeof *p);
    p->user_id = (int64_t)name[0];
    snprintf(p->name, sizeof p->name, "%s", name);
    p->role = strcmp(name, "admin") == 0 ? 9 : 1;
    snprintf(p->area, sizeof p->area, "640522");
    char tok[80];
    snprintf(tok, sizeof tok, "csrf-%s", name);
    crypto_hash_sha256(p->csrf_hash, (const unsigned char *)tok, strlen(tok));
    p->has_csrf_hash = 1;
    return 0;
}

static int fake_permit(void *ctx, jy_http_req *req, const jy_http_principal *p, const jy_http_route *route,
                       jy_err *err)
{
    if (route->permission == 9 && p->role != 9) return jy_err_set(err, JY_ECONFLICT, "needs the admin role");
    return 0;
}

static fake_auth the_auth;
static const jy_http_auth hooks = {.ctx = &the_auth, .resolve = fake_resolve, .permit = fake_permit};

/* ---- routes ---- */

static void h_pub(jy_http_req *req)
{
    jy_sb sb = JY_SB_INIT;
    jy_sb_appendf(&sb, "{\"principal\":%s,\"addr\":\"%s\",\"q\":\"%s\"}",
                  jy_http_req_principal(req) ? "true" : "false", jy_http_req_client_addr(req),
                  jy_http_req_query(req, "q") ? jy_http_req_query(req, "q") : "");
    jy_http_reply_json(req, 200, &sb);
}

static void h_me(jy_http_req *req)
{
    const jy_http_principal *p = jy_http_req_principal(req);
    jy_sb sb = JY_SB_INIT;
    jy_sb_append(&sb, "{");
    jy_sb_json_kv_str(&sb, "name", p ? p->name : NULL);
    jy_sb_json_kv_i64(&sb, "role", p ? p->role : -1);
    jy_sb_json_kv_str(&sb, "addr", jy_http_req_client_addr(req));
    jy_sb_json_kv_str(&sb, "cookie", jy_http_session_cookie_name(req));
    jy_sb_append(&sb, "}");
    jy_http_reply_json(req, 200, &sb);
}

static void h_echo(jy_http_req *req)
{
    size_t n;
    const char *b = jy_http_req_body(req, &n);
    jy_sb sb = JY_SB_INIT;
    jy_sb_appendf(&sb, "{\"len\":%zu,\"body\":", n);
    jy_sb_json_strn(&sb, b, n);
    jy_sb_append(&sb, "}");
    jy_http_reply_json(req, 201, &sb);
}

static void h_login(jy_http_req *req)
{
    jy_http_set_session_cookie(req, "good-alice", 1800);
    jy_http_reply_json(req, 200, NULL);
}

static void h_admin(jy_http_req *req) { jy_http_reply_json(req, 200, NULL); }

static void h_slow(jy_http_req *req)
{
    usleep(600 * 1000);
    jy_sb sb = JY_SB_INIT;
    jy_sb_append(&sb, "{\"slow\":true}");
    jy_http_reply_json(req, 200, &sb);
}

static void h_field(jy_http_req *req)
{
    jy_http_reply_error_field(req, 422, "invalid", "limit", "limit must be 1 to 500, got %s", "9999");
}

static void h_noreply(jy_http_req *req) { (void)req; }

static void h_store(jy_http_req *req)
{
    jy_store *st = jy_http_store_or_reply(req);
    if (!st) return;
    jy_sb sb = JY_SB_INIT;
    jy_sb_appendf(&sb, "{\"db\":\"%s\"}", jy_store_backend(st));
    jy_http_reply_json(req, 200, &sb);
}

/* A JY_HTTP_SLOW handler that blocks until the test opens its gate (a login waiting for the
 * hashing pool). */
static pthread_mutex_t hash_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t hash_cv = PTHREAD_COND_INITIALIZER;
static int hash_open, hash_running;

static void h_hashing(jy_http_req *req)
{
    pthread_mutex_lock(&hash_mu);
    hash_running++;
    pthread_cond_broadcast(&hash_cv);
    while (!hash_open) pthread_cond_wait(&hash_cv, &hash_mu);
    pthread_mutex_unlock(&hash_mu);
    jy_sb sb = JY_SB_INIT;
    jy_sb_append(&sb, "{\"hashed\":true}");
    jy_http_reply_json(req, 200, &sb);
}

/* Write-lane handlers (JY_HTTP_BATCH): each appends an audit entry whose action is the path's
 * name, then answers: 201 (kept), 409 (a refusal after a write: kept, as when run alone), 500
 * (its savepoint is rolled back), or "poison": it ends the group's transaction itself (two
 * rollbacks: its savepoint, then the group's), as a database error that aborts the whole
 * transaction would. */
static void h_lane(jy_http_req *req)
{
    jy_store *st = jy_http_store_or_reply(req);
    if (!st) return;
    const char *name = jy_http_req_param(req, "name");
    const char *how = jy_http_req_param(req, "how");
    jy_err err = {0};
    if (jy_store_audit_append(st, "lane-test", "lane", 0, name, NULL, NULL, &err)) {
        jy_http_reply_error(req, 500, "internal", "%s", err.msg);
        return;
    }
    if (strcmp(how, "poison") == 0) {
        jy_store_rollback(st, NULL);
        jy_store_rollback(st, NULL);
    }
    unsigned status = strcmp(how, "fail") == 0 ? 500 : strcmp(how, "refuse") == 0 ? 409 : 201;
    jy_sb sb = JY_SB_INIT;
    jy_sb_appendf(&sb, "{\"name\":\"%s\"}", name);
    jy_http_reply_json(req, status, &sb);
}

static const jy_http_route routes[] = {
    {.method = "GET", .path = "/lane/{how}/{name}", .fn = h_lane, .flags = JY_HTTP_PUBLIC | JY_HTTP_BATCH},
    {.method = "GET", .path = "/hashing", .fn = h_hashing, .flags = JY_HTTP_PUBLIC | JY_HTTP_SLOW},
    {.method = "GET", .path = "/pub", .fn = h_pub, .flags = JY_HTTP_PUBLIC},
    {.method = "GET", .path = "/health", .fn = h_pub, .flags = JY_HTTP_PUBLIC | JY_HTTP_NO_RATE_LIMIT},
    {.method = "GET", .path = "/maybe", .fn = h_me, .flags = JY_HTTP_PUBLIC | JY_HTTP_SESSION_OPTIONAL},
    {.method = "GET", .path = "/me", .fn = h_me},
    {.method = "POST", .path = "/items", .fn = h_echo},
    {.method = "DELETE", .path = "/items/*", .fn = h_echo},
    {.method = "POST", .path = "/upload", .fn = h_echo, .flags = JY_HTTP_NOT_JSON | JY_HTTP_CSV, .max_body = 100},
    {.method = "POST", .path = "/login", .fn = h_login, .flags = JY_HTTP_PUBLIC | JY_HTTP_NO_CSRF},
    {.method = "GET", .path = "/admin", .fn = h_admin, .permission = 9},
    {.method = "GET", .path = "/slow", .fn = h_slow, .flags = JY_HTTP_PUBLIC},
    {.method = "GET", .path = "/field", .fn = h_field, .flags = JY_HTTP_PUBLIC},
    {.method = "GET", .path = "/noreply", .fn = h_noreply, .flags = JY_HTTP_PUBLIC},
    {.method = "GET", .path = "/store", .fn = h_store, .flags = JY_HTTP_PUBLIC},
};

static jy_http_config base_config(void)
{
    return (jy_http_config){
        .bind = "127.0.0.1",
        .port = 0,
        .threads = 3,
        .db_url = db_url,
        .routes = routes,
        .nroutes = sizeof routes / sizeof routes[0],
        .auth = &hooks,
        .rate_addr = -1,
        .rate_user = -1,
    };
}

static jy_http_server *start(const jy_http_config *cfg)
{
    jy_http_server *srv = NULL;
    jy_err err = {0};
    if (jy_http_start(cfg, &srv, &err) != 0) fail_msg("start: %s", err.msg);
    return srv;
}

/* a request with the usual headers; extra is inserted before the blank line */
static char *req_text(int port, const char *method, const char *path, const char *extra, const char *body)
{
    static char buf[8192];
    snprintf(buf, sizeof buf, "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: close\r\n%s%s\r\n%s",
             method, path, port, extra ? extra : "", "", body ? body : "");
    return buf;
}

static char *post(int port, const char *path, const char *extra, const char *body)
{
    char hdr[4096];
    snprintf(hdr, sizeof hdr, "%sContent-Length: %zu\r\n", extra ? extra : "", strlen(body));
    return exchange(port, req_text(port, "POST", path, hdr, body));
}

/* ---- tests ---- */

static void sessions_and_permissions(void **state)
{
    (void)state;
    jy_http_config cfg = base_config();
    jy_http_server *srv = start(&cfg);
    int port = jy_http_port(srv);
    char *r;

    r = exchange(port, req_text(port, "GET", "/pub?q=%E4%B8%AD+x", NULL, NULL));
    assert_int_equal(status_of(r), 200);
    assert_contains(r, "\"principal\":false");
    assert_contains(r, "\"q\":\"\xe4\xb8\xad x\"");
    assert_contains(r, "Content-Security-Policy: default-src 'self'; frame-ancestors 'none'\r\n");
    assert_contains(r, "X-Content-Type-Options: nosniff\r\n");
    assert_contains(r, "Referrer-Policy: no-referrer\r\n");
    assert_contains(r, "X-Frame-Options: DENY\r\n");
    assert_contains(r, "Cache-Control: no-store\r\n");
    assert_lacks(r, "Strict-Transport-Security");
    free(r);

    /* no session, an unknown one, the cookie of the TLS name over plain HTTP: 401 */
    r = exchange(port, req_text(port, "GET", "/me", NULL, NULL));
    assert_int_equal(status_of(r), 401);
    assert_contains(r, "\"code\":\"unauthenticated\"");
    assert_contains(r, "\"field\":null");
    free(r);
    r = exchange(port, req_text(port, "GET", "/me", "Cookie: jiuye_session=expired\r\n", NULL));
    assert_int_equal(status_of(r), 401);
    free(r);
    r = exchange(port, req_text(port, "GET", "/me", "Cookie: __Host-jiuye_session=good-alice\r\n", NULL));
    assert_int_equal(status_of(r), 401);
    free(r);
    /* a session: the handler sees the principal */
    r = exchange(port, req_text(port, "GET", "/me", "Cookie: theme=dark; jiuye_session=good-alice; x=1\r\n", NULL));
    assert_int_equal(status_of(r), 200);
    assert_contains(r, "\"name\":\"alice\"");
    assert_contains(r, "\"addr\":\"127.0.0.1\"");
    assert_contains(r, "\"cookie\":\"jiuye_session\"");
    free(r);
    /* a public route that shows the session when there is one */
    r = exchange(port, req_text(port, "GET", "/maybe", NULL, NULL));
    assert_int_equal(status_of(r), 200);
    assert_contains(r, "\"name\":null");
    free(r);
    r = exchange(port, req_text(port, "GET", "/maybe", "Cookie: jiuye_session=expired\r\n", NULL));
    assert_int_equal(status_of(r), 200);
    assert_contains(r, "\"name\":null");
    free(r);
    r = exchange(port, req_text(port, "GET", "/maybe", "Cookie: jiuye_session=good-carol\r\n", NULL));
    assert_int_equal(status_of(r), 200);
    assert_contains(r, "\"name\":\"carol\"");
    free(r);
    /* the route's permission: 403 for alice, 200 for admin */
    r = exchange(port, req_text(port, "GET", "/admin", "Cookie: jiuye_session=good-alice\r\n", NULL));
    assert_int_equal(status_of(r), 403);
    assert_contains(r, "needs the admin role");
    free(r);
    r = exchange(port, req_text(port, "GET", "/admin", "Cookie: jiuye_session=good-admin\r\n", NULL));
    assert_int_equal(status_of(r), 200);
    free(r);
    /* a handler that forgets to reply: 500; an error naming its field */
    r = exchange(port, req_text(port, "GET", "/noreply", NULL, NULL));
    assert_int_equal(status_of(r), 500);
    free(r);
    r = exchange(port, req_text(port, "GET", "/field", NULL, NULL));
    assert_int_equal(status_of(r), 422);
    /* a message without a Chinese text: message_zh repeats the English, key is null (docs/api.md) */
    assert_contains(r, "{\"error\":{\"status\":422,\"code\":\"invalid\",\"message\":\"limit must be 1 to 500, got 9999\","
                       "\"message_zh\":\"limit must be 1 to 500, got 9999\",\"key\":null,\"field\":\"limit\"}}");
    free(r);
    r = exchange(port, req_text(port, "GET", "/store", NULL, NULL));
    assert_int_equal(status_of(r), 200);
    free(r);
    jy_http_stop(srv);
}

static void state_changes_need_origin_type_and_csrf(void **state)
{
    (void)state;
    jy_http_config cfg = base_config();
    jy_http_server *srv = start(&cfg);
    int port = jy_http_port(srv);
    char origin[96], good[400], ok_hdr[512];
    snprintf(origin, sizeof origin, "Origin: http://127.0.0.1:%d\r\n", port);
    snprintf(good, sizeof good, "%sCookie: jiuye_session=good-alice\r\nContent-Type: application/json\r\n", origin);
    snprintf(ok_hdr, sizeof ok_hdr, "%sX-CSRF-Token: csrf-alice\r\n", good);
    char *r;

    /* all in order: 201 and the body */
    r = post(port, "/items", ok_hdr, "{\"a\":1}");
    assert_int_equal(status_of(r), 201);
    assert_contains(r, "\"len\":7,\"body\":\"{\\\"a\\\":1}\"");
    free(r);
    /* Origin: missing, foreign, another port, "null" → 403 */
    const char *bad_origins[] = {"", "Origin: http://evil.example\r\n", "Origin: http://127.0.0.1:1\r\n",
                                 "Origin: null\r\n", "Origin: https://127.0.0.1\r\n"};
    for (size_t i = 0; i < sizeof bad_origins / sizeof bad_origins[0]; i++) {
        char h[512];
        snprintf(h, sizeof h, "%sCookie: jiuye_session=good-alice\r\nContent-Type: application/json\r\nX-CSRF-Token: csrf-alice\r\n",
                 bad_origins[i]);
        r = post(port, "/items", h, "{}");
        if (status_of(r) != 403) fail_msg("origin %s: %s", bad_origins[i], r);
        assert_contains(r, "\"code\":\"forbidden_origin\"");
        free(r);
    }
    /* CSRF: missing, wrong, another user's → 403 */
    r = post(port, "/items", good, "{}");
    assert_int_equal(status_of(r), 403);
    assert_contains(r, "\"code\":\"csrf\"");
    free(r);
    char h2[600];
    snprintf(h2, sizeof h2, "%sX-CSRF-Token: csrf-bob\r\n", good);
    r = post(port, "/items", h2, "{}");
    assert_int_equal(status_of(r), 403);
    free(r);
    /* no session at all: 401 before CSRF */
    snprintf(h2, sizeof h2, "%sContent-Type: application/json\r\nX-CSRF-Token: csrf-alice\r\n", origin);
    r = post(port, "/items", h2, "{}");
    assert_int_equal(status_of(r), 401);
    free(r);
    /* Content-Type: missing or not JSON → 415; JSON with a charset → fine */
    snprintf(h2, sizeof h2, "%sCookie: jiuye_session=good-alice\r\nX-CSRF-Token: csrf-alice\r\n", origin);
    r = post(port, "/items", h2, "{}");
    assert_int_equal(status_of(r), 415);
    assert_contains(r, "\"code\":\"unsupported_media_type\"");
    free(r);
    snprintf(h2, sizeof h2, "%sCookie: jiuye_session=good-alice\r\nX-CSRF-Token: csrf-alice\r\nContent-Type: text/plain\r\n", origin);
    r = post(port, "/items", h2, "{}");
    assert_int_equal(status_of(r), 415);
    free(r);
    snprintf(h2, sizeof h2, "%sCookie: jiuye_session=good-alice\r\nX-CSRF-Token: csrf-alice\r\nContent-Type: application/x-www-form-urlencoded\r\n", origin);
    r = post(port, "/items", h2, "a=1");
    assert_int_equal(status_of(r), 415);
    free(r);
    snprintf(h2, sizeof h2, "%sCookie: jiuye_session=good-alice\r\nX-CSRF-Token: csrf-alice\r\nContent-Type: Application/JSON; charset=utf-8\r\n", origin);
    r = post(port, "/items", h2, "[]");
    assert_int_equal(status_of(r), 201);
    free(r);
    /* an upload route: CSV yes, JSON no, and its own body limit (100) */
    snprintf(h2, sizeof h2, "%sCookie: jiuye_session=good-alice\r\nX-CSRF-Token: csrf-alice\r\nContent-Type: text/csv\r\n", origin);
    r = post(port, "/upload", h2, "a,b\n1,2\n");
    assert_int_equal(status_of(r), 201);
    free(r);
    char big[200];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = 0;
    r = post(port, "/upload", h2, big);
    assert_int_equal(status_of(r), 413);
    free(r);
    r = post(port, "/upload", good, "{}");
    assert_int_equal(status_of(r), 415);
    free(r);
    /* DELETE without a body needs no Content-Type, but Origin and CSRF */
    snprintf(h2, sizeof h2, "%sCookie: jiuye_session=good-alice\r\nX-CSRF-Token: csrf-alice\r\n", origin);
    r = exchange(port, req_text(port, "DELETE", "/items/7", h2, NULL));
    assert_int_equal(status_of(r), 201);
    free(r);
    r = exchange(port, req_text(port, "DELETE", "/items/7", "Cookie: jiuye_session=good-alice\r\nX-CSRF-Token: csrf-alice\r\n", NULL));
    assert_int_equal(status_of(r), 403);
    free(r);
    /* GET never changes state: a write route answers GET with 405 and Allow */
    r = exchange(port, req_text(port, "GET", "/items", "Cookie: jiuye_session=good-alice\r\n", NULL));
    assert_int_equal(status_of(r), 405);
    assert_contains(r, "Allow: POST\r\n");
    free(r);
    /* login: public, no CSRF yet, but Origin and JSON all the same; sets the session cookie */
    snprintf(h2, sizeof h2, "%sContent-Type: application/json\r\n", origin);
    r = post(port, "/login", h2, "{\"user\":\"alice\"}");
    assert_int_equal(status_of(r), 200);
    assert_contains(r, "Set-Cookie: jiuye_session=good-alice; Path=/; Max-Age=1800; HttpOnly; SameSite=Strict\r\n");
    free(r);
    r = post(port, "/login", "Content-Type: application/json\r\nOrigin: http://evil.example\r\n", "{}");
    assert_int_equal(status_of(r), 403);
    free(r);
    jy_http_stop(srv);

    /* a configured origin replaces the Host-derived one */
    cfg.origin = "https://jiuye.example.cn";
    srv = start(&cfg);
    port = jy_http_port(srv);
    snprintf(h2, sizeof h2, "Origin: http://127.0.0.1:%d\r\nContent-Type: application/json\r\n", port);
    r = post(port, "/login", h2, "{}");
    assert_int_equal(status_of(r), 403);
    free(r);
    r = post(port, "/login", "Origin: https://jiuye.example.cn\r\nContent-Type: application/json\r\n", "{}");
    assert_int_equal(status_of(r), 200);
    free(r);
    jy_http_stop(srv);
}

static void bodies_chunked_continue_and_deadline(void **state)
{
    (void)state;
    jy_http_config cfg = base_config();
    cfg.body_timeout_ms = 700;
    cfg.max_body = 64;
    jy_http_server *srv = start(&cfg);
    int port = jy_http_port(srv);
    char hdr[600], buf[2048];
    snprintf(hdr, sizeof hdr,
             "POST /items HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nOrigin: http://127.0.0.1:%d\r\n"
             "Cookie: jiuye_session=good-alice\r\nX-CSRF-Token: csrf-alice\r\nContent-Type: application/json\r\n",
             port, port);
    char *r;

    /* a chunked body is accepted (extensions and trailers dropped) */
    snprintf(buf, sizeof buf, "%sTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                              "4;ext=1\r\n[1,2\r\n3\r\n,3]\r\n0\r\nX-Sum: x\r\n\r\n", hdr);
    r = exchange(port, buf);
    assert_int_equal(status_of(r), 201);
    assert_contains(r, "\"len\":7,\"body\":\"[1,2,3]\"");
    free(r);
    /* malformed chunks: 400, and the request after it is not answered */
    snprintf(buf, sizeof buf, "%sTransfer-Encoding: chunked\r\n\r\n3\r\nhello\r\n0\r\n\r\nGET /pub HTTP/1.1\r\nHost: x\r\n\r\n", hdr);
    r = exchange(port, buf);
    assert_int_equal(status_of(r), 400);
    assert_int_equal(count_answers(r), 1);
    free(r);
    /* chunked over the body limit: 413 while reading */
    snprintf(buf, sizeof buf, "%sTransfer-Encoding: chunked\r\n\r\n40\r\n%064d\r\n1\r\nx\r\n0\r\n\r\n", hdr, 0);
    r = exchange(port, buf);
    assert_int_equal(status_of(r), 413);
    free(r);
    /* Content-Length over the limit: 413 at once, before any of the body */
    snprintf(buf, sizeof buf, "%sContent-Length: 65\r\n\r\n", hdr);
    r = exchange_from(port, NULL, buf, 2000);
    assert_int_equal(status_of(r), 413);
    free(r);
    /* Expect: 100-continue: the interim answer, then the final one */
    {
        int fd = connect_from(port, NULL);
        snprintf(buf, sizeof buf, "%sContent-Length: 2\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n", hdr);
        send_all(fd, buf, strlen(buf));
        char *first = read_all(fd, 500);
        assert_string_equal(first, "HTTP/1.1 100 Continue\r\n\r\n");
        free(first);
        send_all(fd, "{}", 2);
        r = read_all(fd, 3000);
        assert_int_equal(status_of(r), 201);
        free(r);
        close(fd);
    }
    /* a body that stops coming: 408 at the body deadline */
    {
        int fd = connect_from(port, NULL);
        snprintf(buf, sizeof buf, "%sContent-Length: 10\r\n\r\n{\"a\"", hdr);
        send_all(fd, buf, strlen(buf));
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        r = read_all(fd, 5000);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        assert_int_equal(status_of(r), 408);
        double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
        if (ms < 500 || ms > 3000) fail_msg("408 after %.0f ms, want about 700", ms);
        free(r);
        close(fd);
    }
    /* pipelined POSTs with bodies: answered in order on one connection */
    snprintf(buf, sizeof buf, "%sContent-Length: 3\r\n\r\n[1]%sContent-Length: 3\r\nConnection: close\r\n\r\n[2]", hdr, hdr);
    r = exchange(port, buf);
    assert_int_equal(count_answers(r), 2);
    char *second = strstr(r + 1, "HTTP/1.1 201");
    assert_non_null(second);
    assert_contains(r, "\"body\":\"[1]\"");
    assert_contains(second, "\"body\":\"[2]\"");
    assert_true(strstr(r, "[1]") < second);
    free(r);
    jy_http_stop(srv);
}

static void rate_limits(void **state)
{
    (void)state;
    jy_http_config cfg = base_config();
    cfg.rate_addr = 2;
    cfg.burst_addr = 5;
    jy_http_server *srv = start(&cfg);
    int port = jy_http_port(srv);
    char *r;
    for (int i = 0; i < 5; i++) {
        r = exchange(port, req_text(port, "GET", "/pub", NULL, NULL));
        assert_int_equal(status_of(r), 200);
        free(r);
    }
    r = exchange(port, req_text(port, "GET", "/pub", NULL, NULL));
    assert_int_equal(status_of(r), 429);
    assert_contains(r, "Retry-After: 1\r\n");
    assert_contains(r, "\"code\":\"rate_limited\"");
    free(r);
    /* another address has its own bucket; a route flagged NO_RATE_LIMIT is not counted */
    r = exchange_from(port, "127.0.0.2", req_text(port, "GET", "/pub", NULL, NULL), 5000);
    assert_int_equal(status_of(r), 200);
    free(r);
    r = exchange(port, req_text(port, "GET", "/health", NULL, NULL));
    assert_int_equal(status_of(r), 200);
    free(r);
    usleep(1100 * 1000); /* two tokens back */
    r = exchange(port, req_text(port, "GET", "/pub", NULL, NULL));
    assert_int_equal(status_of(r), 200);
    free(r);
    jy_http_stop(srv);

    /* per user: alice is limited, bob is not, whatever the address */
    cfg = base_config();
    cfg.rate_user = 1;
    cfg.burst_user = 3;
    srv = start(&cfg);
    port = jy_http_port(srv);
    for (int i = 0; i < 3; i++) {
        r = exchange_from(port, i % 2 ? "127.0.0.3" : NULL,
                          req_text(port, "GET", "/me", "Cookie: jiuye_session=good-alice\r\n", NULL), 5000);
        assert_int_equal(status_of(r), 200);
        free(r);
    }
    r = exchange_from(port, "127.0.0.4", req_text(port, "GET", "/me", "Cookie: jiuye_session=good-alice\r\n", NULL), 5000);
    assert_int_equal(status_of(r), 429);
    assert_contains(r, "Retry-After: ");
    free(r);
    r = exchange(port, req_text(port, "GET", "/me", "Cookie: jiuye_session=good-bob\r\n", NULL));
    assert_int_equal(status_of(r), 200);
    free(r);
    jy_http_stop(srv);
}

static void client_address_and_tls_proxy(void **state)
{
    (void)state;
    jy_http_config cfg = base_config();
    jy_http_server *srv = start(&cfg);
    int port = jy_http_port(srv);
    char *r;
    /* no trusted proxy: X-Forwarded-For is ignored */
    r = exchange(port, req_text(port, "GET", "/pub", "X-Forwarded-For: 203.0.113.7\r\n", NULL));
    assert_contains(r, "\"addr\":\"127.0.0.1\"");
    free(r);
    jy_http_stop(srv);

    cfg.trusted_proxy = "127.0.0.1";
    srv = start(&cfg);
    port = jy_http_port(srv);
    r = exchange(port, req_text(port, "GET", "/me", "X-Forwarded-For: 198.51.100.1, 203.0.113.7\r\nCookie: jiuye_session=good-alice\r\n", NULL));
    assert_int_equal(status_of(r), 200);
    assert_contains(r, "\"addr\":\"203.0.113.7\""); /* the address the proxy itself saw */
    assert_string_equal(the_auth.last_addr, "203.0.113.7");
    free(r);
    r = exchange(port, req_text(port, "GET", "/pub", "X-Forwarded-For: 2001:DB8::1\r\n", NULL));
    assert_contains(r, "\"addr\":\"2001:db8::1\"");
    free(r);
    r = exchange(port, req_text(port, "GET", "/pub", "X-Forwarded-For: not-an-address\r\n", NULL));
    assert_int_equal(status_of(r), 400);
    free(r);
    /* from another address the header is not believed */
    r = exchange_from(port, "127.0.0.2", req_text(port, "GET", "/pub", "X-Forwarded-For: 203.0.113.7\r\n", NULL), 5000);
    assert_contains(r, "\"addr\":\"127.0.0.2\"");
    free(r);
    jy_http_stop(srv);

    /* behind a TLS proxy: __Host- cookie, Secure, HSTS, https origin */
    cfg = base_config();
    cfg.behind_tls = 1;
    srv = start(&cfg);
    port = jy_http_port(srv);
    r = exchange(port, req_text(port, "GET", "/me", "Cookie: jiuye_session=good-alice\r\n", NULL));
    assert_int_equal(status_of(r), 401);
    assert_contains(r, "Strict-Transport-Security: max-age=31536000\r\n");
    free(r);
    r = exchange(port, req_text(port, "GET", "/me", "Cookie: __Host-jiuye_session=good-alice\r\nX-Forwarded-For: 192.0.2.5\r\n", NULL));
    assert_int_equal(status_of(r), 200);
    assert_contains(r, "\"cookie\":\"__Host-jiuye_session\"");
    assert_contains(r, "\"addr\":\"192.0.2.5\"");
    free(r);
    char h[256];
    snprintf(h, sizeof h, "Origin: https://127.0.0.1:%d\r\nContent-Type: application/json\r\n", port);
    r = post(port, "/login", h, "{}");
    assert_int_equal(status_of(r), 200);
    assert_contains(r, "Set-Cookie: __Host-jiuye_session=good-alice; Path=/; Max-Age=1800; HttpOnly; SameSite=Strict; Secure\r\n");
    free(r);
    snprintf(h, sizeof h, "Origin: http://127.0.0.1:%d\r\nContent-Type: application/json\r\n", port);
    r = post(port, "/login", h, "{}");
    assert_int_equal(status_of(r), 403);
    free(r);
    jy_http_stop(srv);
}

static void connection_limits_and_blocking_handlers(void **state)
{
    (void)state;
    jy_http_config cfg = base_config();
    cfg.max_conns_per_addr = 3;
    cfg.threads = 4;
    jy_http_server *srv = start(&cfg);
    int port = jy_http_port(srv);
    int idle[3];
    for (int i = 0; i < 3; i++) idle[i] = connect_from(port, NULL);
    usleep(200 * 1000);
    /* the fourth from the same address is closed at once, unanswered */
    int fd = connect_from(port, NULL);
    send_all(fd, "GET /pub HTTP/1.1\r\nHost: x\r\n\r\n", 31);
    char *r = read_all(fd, 2000);
    assert_string_equal(r, "");
    free(r);
    close(fd);
    /* another address is served */
    r = exchange_from(port, "127.0.0.2", req_text(port, "GET", "/pub", NULL, NULL), 5000);
    assert_int_equal(status_of(r), 200);
    free(r);
    for (int i = 0; i < 3; i++) close(idle[i]);
    usleep(300 * 1000);
    r = exchange(port, req_text(port, "GET", "/pub", NULL, NULL));
    assert_int_equal(status_of(r), 200);
    free(r);

    /* a handler that blocks (600 ms) does not hold up the others */
    int slow = connect_from(port, "127.0.0.5");
    const char *sreq = "GET /slow HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    send_all(slow, sreq, strlen(sreq));
    usleep(100 * 1000);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    r = exchange_from(port, "127.0.0.6", req_text(port, "GET", "/pub", NULL, NULL), 5000);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    assert_int_equal(status_of(r), 200);
    free(r);
    double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
    if (ms > 300) fail_msg("a request waited %.0f ms behind a blocking handler", ms);
    /* stopping with the slow request in flight: it is finished and answered */
    jy_http_stop(srv);
    r = read_all(slow, 3000);
    assert_int_equal(status_of(r), 200);
    assert_contains(r, "{\"slow\":true}");
    free(r);
    close(slow);
}

/* While a worker has a connection's request, the connection's read interest stays armed (issue
 * 11's speed work: two epoll_ctl calls a request saved); a client that sends its next request
 * meanwhile is answered in order after the first, and the I/O thread does not spin on the
 * readable socket while it waits (a level-triggered EPOLLIN left armed would use a core). */
static void bytes_while_handling_wait_their_turn(void **state)
{
    (void)state;
    jy_http_config cfg = base_config();
    jy_http_server *srv = start(&cfg);
    int port = jy_http_port(srv);
    int fd = connect_from(port, NULL);
    const char *first = "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n";
    const char *second = "GET /pub HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    send_all(fd, first, strlen(first));
    usleep(100 * 1000); /* the slow handler (600 ms) has it */
    struct timespec c0, c1;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
    send_all(fd, second, strlen(second));
    usleep(400 * 1000);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
    double cpu_ms = (double)(c1.tv_sec - c0.tv_sec) * 1e3 + (double)(c1.tv_nsec - c0.tv_nsec) / 1e6;
    if (cpu_ms > 60) fail_msg("%.0f ms of CPU in 400 ms while a request waited: the I/O thread spun", cpu_ms);
    char *r = read_all(fd, 5000);
    assert_int_equal(count_answers(r), 2);
    char *slow = strstr(r, "{\"slow\":true}");
    char *pub = strstr(r + 1, "HTTP/1.1 200");
    assert_non_null(slow);
    assert_non_null(pub);
    assert_true(slow < pub);
    free(r);
    close(fd);
    jy_http_stop(srv);
}

/* Logins (JY_HTTP_SLOW) run on their own lane: while every slow worker waits for the hashing
 * pool and the lane's queue is full, another login is refused at once (429, Retry-After) and
 * every other request is still answered; opening the pool answers the waiting logins. On a
 * server without the lane the /pub request below waits behind the blocked handler and fails. */
static void logins_never_hold_the_other_workers(void **state)
{
    (void)state;
    jy_http_config cfg = base_config();
    cfg.threads = 1;
    cfg.slow_threads = 1;
    jy_http_server *srv = start(&cfg);
    int port = jy_http_port(srv);
    hash_open = 0;
    hash_running = 0;
    const char *login = "GET /hashing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    int a = connect_from(port, "127.0.0.11");
    send_all(a, login, strlen(login));
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 10;
    pthread_mutex_lock(&hash_mu);
    while (hash_running < 1 && pthread_cond_timedwait(&hash_cv, &hash_mu, &until) == 0) {}
    int running = hash_running;
    pthread_mutex_unlock(&hash_mu);
    if (running < 1) fail_msg("the slow handler never ran");
    int b = connect_from(port, "127.0.0.12");
    send_all(b, login, strlen(login)); /* waits in the lane */
    usleep(200 * 1000);
    char *r = exchange_from(port, "127.0.0.13", login, 5000); /* lane full: refused at once */
    assert_int_equal(status_of(r), 429);
    assert_contains(r, "Retry-After: 1");
    free(r);
    for (int i = 0; i < 3; i++) { /* the ordinary worker is free */
        r = exchange_from(port, "127.0.0.14", req_text(port, "GET", "/pub", NULL, NULL), 5000);
        assert_int_equal(status_of(r), 200);
        free(r);
    }
    pthread_mutex_lock(&hash_mu);
    hash_open = 1;
    pthread_cond_broadcast(&hash_cv);
    pthread_mutex_unlock(&hash_mu);
    r = read_all(a, 5000);
    assert_int_equal(status_of(r), 200);
    assert_contains(r, "{\"hashed\":true}");
    free(r);
    r = read_all(b, 5000);
    assert_int_equal(status_of(r), 200);
    free(r);
    close(a);
    close(b);
    jy_http_stop(srv);
}

static void start_refuses_unprotected_routes(void **state)
{
    (void)state;
    jy_http_config cfg = base_config();
    cfg.auth = NULL;
    jy_http_server *srv = NULL;
    jy_err err = {0};
    assert_int_not_equal(jy_http_start(&cfg, &srv, &err), 0);
    assert_null(srv);
    assert_non_null(strstr(err.msg, "route GET /me needs a session"));
    /* TLS files that do not exist: the message names them */
    cfg = base_config();
    cfg.tls_cert = "/nonexistent/cert.pem";
    cfg.tls_key = "/nonexistent/key.pem";
    assert_int_not_equal(jy_http_start(&cfg, &srv, &err), 0);
    assert_non_null(strstr(err.msg, "/nonexistent/cert.pem"));
    cfg.tls_key = NULL;
    assert_int_not_equal(jy_http_start(&cfg, &srv, &err), 0);
    assert_non_null(strstr(err.msg, "--tls-key"));
}

/* ---- the write lane ---- */

static int lane_count(void *ctx, const jy_audit_entry *e)
{
    if (strcmp(e->actor, "lane-test") == 0) {
        char *seen = ctx;
        size_t n = strlen(seen);
        snprintf(seen + n, 2048 - n, "%s ", e->action);
    }
    return 0;
}

/* The actions of the lane handlers' audit entries in the store, in order, space-separated. */
static void lane_entries(char *out, size_t cap)
{
    jy_store *st = NULL;
    jy_err err = {0};
    if (jy_store_open(db_url, &st, &err)) fail_msg("open: %s", err.msg);
    memset(out, 0, cap);
    if (jy_store_audit_list(st, 0, 0, lane_count, out, &err)) fail_msg("audit list: %s", err.msg);
    jy_store_close(st);
}

/* Sends paths[i] at once on n connections, with delay_ms[i] before each; reads every answer. */
static void lane_send(int port, const char **paths, const int *delay_ms, int n, char **answers)
{
    int fd[16];
    for (int i = 0; i < n; i++) {
        if (delay_ms[i]) nanosleep(&(struct timespec){0, delay_ms[i] * 1000000L}, NULL);
        fd[i] = connect_from(port, NULL);
        const char *r = req_text(port, "GET", paths[i], NULL, NULL);
        send_all(fd[i], r, strlen(r));
    }
    for (int i = 0; i < n; i++) {
        answers[i] = read_all(fd[i], 10000);
        close(fd[i]);
    }
}

static void write_lane_groups_and_fails_together(void **state)
{
    (void)state;
    /* a pause before each group is taken, so that requests sent together are grouped */
    setenv("JIUYE_TEST_LANE_GATHER_MS", "400", 1);
    jy_http_config cfg = base_config();
    jy_http_server *srv = start(&cfg);
    unsetenv("JIUYE_TEST_LANE_GATHER_MS");
    if (strcmp(jy_http_backend(srv), "sqlite") != 0) { /* the lane is SQLite's only */
        long long rq, g;
        int big;
        jy_http_lane_stats(srv, &rq, &g, &big);
        jy_http_stop(srv);
        assert_int_equal(g, 0);
        return;
    }
    int port = jy_http_port(srv);
    char *ans[16];
    char seen[2048];

    /* one group: two kept, a refusal after its write (kept, as alone), a server error (its
     * savepoint rolled back: nothing of it written) */
    const char *g1[] = {"/lane/ok/a1", "/lane/ok/a2", "/lane/refuse/a3", "/lane/fail/a4"};
    const int d1[] = {0, 0, 0, 0};
    lane_send(port, g1, d1, 4, ans);
    assert_int_equal(status_of(ans[0]), 201);
    assert_int_equal(status_of(ans[1]), 201);
    assert_int_equal(status_of(ans[2]), 409);
    assert_int_equal(status_of(ans[3]), 500);
    for (int i = 0; i < 4; i++) free(ans[i]);
    lane_entries(seen, sizeof seen);
    assert_non_null(strstr(seen, "a1 "));
    assert_non_null(strstr(seen, "a2 "));
    assert_non_null(strstr(seen, "a3 "));
    assert_null(strstr(seen, "a4 "));
    long long rq, groups;
    int largest;
    jy_http_lane_stats(srv, &rq, &groups, &largest);
    assert_int_equal(rq, 4);
    assert_int_equal(largest, 4); /* one group */

    /* a group whose transaction is lost (the poison ends it, as a database error would):
     * every request of it is answered 503 and nothing of it is written, the answers already
     * given (201) are withdrawn; a request sent after the poison runs in the next group */
    const char *g2[] = {"/lane/ok/b1", "/lane/ok/b2", "/lane/poison/b3", "/lane/ok/b4"};
    const int d2[] = {0, 0, 60, 60};
    lane_send(port, g2, d2, 4, ans);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(status_of(ans[i]), 503);
        assert_contains(ans[i], "Retry-After: 1");
        assert_contains(ans[i], "http.group_commit_failed");
        assert_contains(ans[i], "ended the transaction of the group");
    }
    assert_int_equal(status_of(ans[3]), 201);
    for (int i = 0; i < 4; i++) free(ans[i]);
    lane_entries(seen, sizeof seen);
    assert_null(strstr(seen, "b1 "));
    assert_null(strstr(seen, "b2 "));
    assert_null(strstr(seen, "b3 "));
    assert_non_null(strstr(seen, "b4 "));
    jy_http_stop(srv);

    /* the lane off (write_batch < 0): each request alone, nothing grouped */
    cfg.write_batch = -1;
    srv = start(&cfg);
    port = jy_http_port(srv);
    char *one = exchange(port, req_text(port, "GET", "/lane/ok/c1", NULL, NULL));
    assert_int_equal(status_of(one), 201);
    free(one);
    jy_http_lane_stats(srv, &rq, &groups, &largest);
    assert_int_equal(groups, 0);
    jy_http_stop(srv);
    lane_entries(seen, sizeof seen);
    assert_non_null(strstr(seen, "c1 "));
}

static int setup(void **state)
{
    (void)state;
    signal(SIGPIPE, SIG_IGN);
    if (sodium_init() < 0) return -1;
    if (test_db_setup("http_server")) return -1;
    jy_store *st = test_db_open_fresh(db_url, sizeof db_url);
    jy_store_close(st);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return test_db_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sessions_and_permissions),
        cmocka_unit_test(state_changes_need_origin_type_and_csrf),
        cmocka_unit_test(bodies_chunked_continue_and_deadline),
        cmocka_unit_test(rate_limits),
        cmocka_unit_test(client_address_and_tls_proxy),
        cmocka_unit_test(connection_limits_and_blocking_handlers),
        cmocka_unit_test(bytes_while_handling_wait_their_turn),
        cmocka_unit_test(logins_never_hold_the_other_workers),
        cmocka_unit_test(start_refuses_unprotected_routes),
        cmocka_unit_test(write_lane_groups_and_fails_together),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
