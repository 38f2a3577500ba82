/* http.h — jiuye's own HTTP/1.1 server (epoll, strict parser in parse.h, optional TLS with
 * GnuTLS) with a small route table, request rules below the handlers, and authentication hooks.
 *
 * Threading model: one I/O thread runs an epoll loop over the listening socket and every
 * connection (non-blocking sockets: accept, TLS handshakes, reading and checking heads and bodies,
 * writing answers, deadlines). A complete request goes on a queue to cfg.threads handler workers;
 * a worker checks the session and the permission (cfg.auth), runs the handler and hands the answer
 * back to the I/O thread. Handlers may therefore block on the database without stalling the loop.
 * The server opens one store handle per worker at start-up and keeps them in a pool; a handler
 * that needs the store checks one out (jy_http_store_or_reply) and the server returns it when the
 * handler returns. A store handle is used by one thread at a time and never shared concurrently.
 *
 * Handlers stay linear, the way Redis command handlers do: every helper ending in _or_reply
 * either returns what was asked or has already queued the error reply (and returns NULL / a
 * negative code), so the handler just returns. A handler must queue exactly one reply; one that
 * returns without replying gets a 500 from the server.
 *
 * Routes: method "GET" also answers HEAD. A path ending in a slash and an asterisk ("/api/x/"
 * then "*") matches that prefix and anything below it (jy_http_req_rest gives the rest). An
 * unknown path gets 404, a known path with another method 405 (with Allow), both as JSON errors.
 * Before a handler runs, the server enforces (docs/http.md, "Request rules"): the body limit
 * (413 from Content-Length, before the body is read), the body's Content-Type for state-changing
 * methods (415), a same-origin Origin on state changes (403), the per-address and per-user rate
 * limits (429), and, unless the route is JY_HTTP_PUBLIC, a session (401), the route's permission
 * (403) and the CSRF token on state changes (403). */
#ifndef JY_HTTP_H
#define JY_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "base/sb.h"
#include "domain/division.h"
#include "store/store.h"

typedef struct jy_http_server jy_http_server;
typedef struct jy_http_req jy_http_req;

typedef void (*jy_http_handler)(jy_http_req *req);

/* Route flags. */
enum {
    JY_HTTP_PUBLIC = 1u << 0,      /* no session needed (start page, health check, login) */
    JY_HTTP_NO_CSRF = 1u << 1,     /* a state change without a session's CSRF token (login);
                                    * only meaningful with JY_HTTP_PUBLIC */
    JY_HTTP_MULTIPART = 1u << 2,   /* the body may be multipart/form-data (uploads) */
    JY_HTTP_CSV = 1u << 3,         /* the body may be text/csv */
    JY_HTTP_XLSX = 1u << 4,        /* the body may be an XLSX workbook */
    JY_HTTP_NOT_JSON = 1u << 5,    /* the body need not be application/json (one of the above) */
    JY_HTTP_NO_RATE_LIMIT = 1u << 6, /* not counted by the rate limits (health checks) */
    JY_HTTP_SESSION_OPTIONAL = 1u << 7, /* with JY_HTTP_PUBLIC: resolve the session when the
                                         * request has one (jy_http_req_principal), never 401 */
    JY_HTTP_SLOW = 1u << 8,        /* the handler may wait long (argon2id in the hashing pool: log
                                    * in, change a password): it runs on the slow lane's own
                                    * workers (cfg.slow_threads), never on the others', and is
                                    * answered 429 busy (Retry-After: 1) at once when that lane's queue
                                    * is full, as the hashing pool answers */
    JY_HTTP_BATCH = 1u << 9,       /* group commit: after the session, permission and CSRF checks
                                    * the request goes to the write lane, whose one worker runs
                                    * every such request waiting (up to cfg.write_batch) in one
                                    * store transaction, each in its own savepoint, and answers
                                    * them after the COMMIT (docs/http.md "The write lane"). Only
                                    * for handlers whose whole effect is on the request's store
                                    * handle (jy_http_req_store) and in its transactions */
};

/* Entries are written with designated initialisers: {.method = "GET", .path = "/x", .fn = h}. */
typedef struct jy_http_route {
    const char *method; /* "GET", "POST", "PUT", "PATCH", "DELETE" */
    const char *path;   /* "/healthz", or a prefix: "/api/persons/" then "*" */
    jy_http_handler fn;
    unsigned flags;     /* JY_HTTP_* */
    int permission;     /* what auth.permit checks; its meaning belongs to the accounts service */
    size_t max_body;    /* this route's body limit in bytes; 0: cfg.max_body */
} jy_http_route;

/* Who is asking: filled by auth.resolve from the session. The server only reads csrf_hash (for the
 * default CSRF check) and user_id (per-user rate limit); the rest is for permit and the handlers. */
typedef struct jy_http_principal {
    int64_t user_id;
    char name[64];
    int role;                   /* the accounts service's role number */
    char area[16];              /* division prefix the user may see ("640522", "6405", "" all) */
    int64_t org_id;             /* the training body / employer the user acts for; 0: none */
    int64_t person_id;          /* an applicant's own person; 0: none */
    unsigned char csrf_hash[32];/* SHA-256 of the session's CSRF token */
    int has_csrf_hash;
    char session_id[72];        /* opaque to the server (e.g. the stored session's hash, hex) */
    void *data;                 /* the hooks' own per-request data (allocate in the req arena) */
} jy_http_principal;

/* Authentication hooks, called on the worker thread before the handler of every route that is
 * not JY_HTTP_PUBLIC. Each returns 0 or a negative JY_E* with err filled; jy_http_req_store gives
 * them the request's store handle. */
typedef struct jy_http_auth {
    void *ctx;
    /* The session named by the cookie (token: its value, NULL when the request has none) for the
     * client address addr. Fill *p and return 0; JY_ENOTFOUND (no, expired or ended session:
     * 401), or another error (500; JY_EDB: 503). */
    int (*resolve)(void *ctx, jy_http_req *req, const char *token, const char *addr,
                   jy_http_principal *p, jy_err *err);
    /* May p use route? 0 yes; any error: 403 with err's message. NULL: everyone may. */
    int (*permit)(void *ctx, jy_http_req *req, const jy_http_principal *p,
                  const jy_http_route *route, jy_err *err);
    /* Is token (the X-CSRF-Token header, NULL when missing) this session's CSRF token? 0 yes;
     * any error: 403. NULL: the server compares SHA-256(token) with p->csrf_hash in constant
     * time (403 when p has none). */
    int (*csrf)(void *ctx, jy_http_req *req, const jy_http_principal *p, const char *token,
                jy_err *err);
} jy_http_auth;

typedef struct jy_http_config {
    const char *bind;      /* IPv4 or IPv6 literal; NULL: "127.0.0.1" */
    int port;              /* 0: let the kernel pick (jy_http_port tells which) */
    int threads;           /* handler workers (and store handles); <= 0: 4 */
    int slow_threads;      /* workers (and store handles) of the JY_HTTP_SLOW routes; <= 0: 2. As
                            * many more wait in their lane; beyond that 429 busy at once */
    const char *db_url;    /* opened once per worker */
    const char *policy_dir;
    const jy_http_route *routes;
    size_t nroutes;
    int access_log;        /* non-zero: one line per request on stderr */
    size_t max_body;       /* request body limit in bytes; 0: 1 MiB */
    void *app;             /* application state shared by the handlers (read-only or locked) */
    int write_batch;       /* the write lane: JY_HTTP_BATCH requests per group commit; 0: 64 on
                            * SQLite and off on other backends; < 0: off (each request in its
                            * own transaction on the ordinary workers) */
    const char *scope;     /* county scope of every store handle (jy_store_set_scope): "640522",
                            * "6405", "64"; NULL or "": every county */

    /* ---- security (0 / NULL: the default in brackets) ---- */
    const jy_http_auth *auth; /* NULL: every route must be JY_HTTP_PUBLIC (jy_http_start checks) */
    const char *tls_cert, *tls_key; /* PEM files: terminate TLS (GnuTLS) */
    int behind_tls;        /* a TLS proxy in front: Secure __Host- cookie, HSTS, https origin */
    const char *trusted_proxy; /* address whose X-Forwarded-For names the client [none; with
                                * behind_tls: 127.0.0.1 and ::1] */
    const char *origin;    /* the allowed Origin, e.g. "https://jiuye.example.cn" [the Host
                            * header with http:// or https://] */
    int max_conns;         /* open connections [1024, at most the descriptor limit less 64] */
    int max_conns_per_addr;/* per client address [256]; < 0: no limit */
    size_t max_head;       /* request line and headers [16 KiB] */
    int max_headers;       /* header lines [64] */
    int head_timeout_ms;   /* the whole head must arrive within this [10 s] */
    int body_timeout_ms;   /* the whole body within this after the head [60 s] */
    int idle_timeout_ms;   /* keep-alive wait for the next request [15 s] */
    int write_timeout_ms;  /* an answer must make progress within this [30 s] */
    double rate_addr;      /* requests per second per client address [50]; < 0: off */
    double burst_addr;     /* bucket size [2 × rate, at least 20] */
    double rate_user;      /* requests per second per signed-in user [20]; < 0: off */
    double burst_user;     /* [2 × rate, at least 20] */
} jy_http_config;

/* Opens the store handles and starts listening. Fails with a message naming the address when
 * the port is taken or the address is not a literal, naming the database when it cannot be
 * opened, naming the file when a TLS certificate or key cannot be loaded, and naming the route
 * when a route needs a session but cfg.auth is NULL. The config's strings, route table and auth
 * hooks must outlive the server. */
int jy_http_start(const jy_http_config *cfg, jy_http_server **out, jy_err *err);
/* The write lane's counts so far: requests run in it, groups committed or failed, the largest
 * group. All 0 when the lane is off. */
void jy_http_lane_stats(jy_http_server *srv, long long *requests, long long *groups, int *largest);
int jy_http_port(const jy_http_server *srv); /* the bound port */
const char *jy_http_backend(const jy_http_server *srv); /* "sqlite", "postgresql" */
/* Stops accepting, finishes the requests in flight (and writes their answers, for at most a few
 * seconds), joins the threads, closes the store handles and frees the server. NULL is allowed. */
void jy_http_stop(jy_http_server *srv);

/* ---- inside a handler (and inside the auth hooks) ---- */

const char *jy_http_req_method(const jy_http_req *req);
const char *jy_http_req_path(const jy_http_req *req);   /* percent-decoded */
/* For a prefix route ("/a/" then "*"), the part of the path after "/a/" ("" when none). */
const char *jy_http_req_rest(const jy_http_req *req);
/* The value of a "{name}" segment of the route's path ("/api/v1/cases/{id}"), or NULL. */
const char *jy_http_req_param(const jy_http_req *req, const char *name);
/* Calls fn(arg) when the request ends (after the answer is built; in reverse order of
 * registration; at most 8 per request): frees what a handler allocated outside the arena. */
void jy_http_req_on_end(jy_http_req *req, void (*fn)(void *), void *arg);
/* A query-string argument (already URL-decoded), or NULL. */
const char *jy_http_req_query(const jy_http_req *req, const char *name);
/* A request header (case-insensitive name), or NULL. */
const char *jy_http_req_header(const jy_http_req *req, const char *name);
/* A cookie's value from the Cookie header, or NULL. */
const char *jy_http_req_cookie(const jy_http_req *req, const char *name);
/* The request body (NUL-terminated; *len may be NULL). */
const char *jy_http_req_body(const jy_http_req *req, size_t *len);
/* The client's address: the socket peer, or X-Forwarded-For from the trusted proxy. */
const char *jy_http_req_client_addr(const jy_http_req *req);
/* The signed-in user (NULL on a public route or before the session is resolved). */
const jy_http_principal *jy_http_req_principal(const jy_http_req *req);
const jy_http_route *jy_http_req_route(const jy_http_req *req);
/* Did the request come over TLS, ours or the proxy's (behind_tls)? */
int jy_http_req_secure(const jy_http_req *req);
/* Per-request memory, freed when the request ends. */
jy_arena *jy_http_req_arena(jy_http_req *req);
const jy_http_config *jy_http_req_config(const jy_http_req *req);
void *jy_http_req_app(const jy_http_req *req); /* cfg.app */

/* A store handle for this request (checked out of the pool once, returned at the end), or NULL
 * after queuing a 503 reply. */
jy_store *jy_http_store_or_reply(jy_http_req *req);
/* The same without a reply (for the auth hooks): NULL when none can be had. */
jy_store *jy_http_req_store(jy_http_req *req);

/* Queue the reply. body is taken over (emptied); NULL means an empty body. A second reply for the
 * same request is ignored (and logged). */
void jy_http_reply(jy_http_req *req, unsigned status, const char *content_type, jy_sb *body);
void jy_http_reply_json(jy_http_req *req, unsigned status, jy_sb *body);
void jy_http_reply_html(jy_http_req *req, unsigned status, jy_sb *body);
/* {"error":{"status":404,"code":"not_found","message":"…","message_zh":"…","key":null,"field":null}}
 * (message_zh: the English message again when it has no Chinese text) */
void jy_http_reply_error(jy_http_req *req, unsigned status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The same naming the offending field ("person.id_number", "limit"): "field":"limit". */
void jy_http_reply_error_field(jy_http_req *req, unsigned status, const char *code, const char *field,
                               const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* The same with a jy_err's texts: "message" (English), "message_zh" (its Chinese text; the English
 * when it has none), "key" (its stable message key, or null); field may be NULL. */
void jy_http_reply_error_e(jy_http_req *req, unsigned status, const char *code, const char *field, const jy_err *e);
/* A catalogued message in both languages (base/err.h jy_err_set2): jy_http_reply_error2(req, 422,
 * "invalid_field", "limit", "query.limit", "limit must be …", "limit 应为……", args…); field may be NULL. */
#define jy_http_reply_error2(req, status, code, field, key, en, zh, ...)                             \
    do {                                                                                            \
        jy_err he_;                                                                                 \
        jy_err_set2(&he_, JY_EINVAL, key, en, zh, ##__VA_ARGS__);                                   \
        jy_http_reply_error_e(req, status, code, field, &he_);                                      \
    } while (0)
/* Maps a jy_err (JY_EINVAL → 400, JY_ENOTFOUND → 404, JY_ECONFLICT → 409, JY_ENODATA → 422,
 * others → 500); field may be NULL. */
void jy_http_reply_err(jy_http_req *req, const jy_err *err);
void jy_http_reply_err_field(jy_http_req *req, const jy_err *err, const char *field);
/* Adds a response header to the reply queued next (Content-Security-Policy and Cache-Control
 * set here replace the defaults). At most 16 per reply; names and values must not hold CR/LF. */
void jy_http_req_set_header(jy_http_req *req, const char *name, const char *value);

/* The session cookie's name: "__Host-jiuye_session" over TLS (ours or behind_tls), else
 * "jiuye_session". */
const char *jy_http_session_cookie_name(const jy_http_req *req);
/* Adds Set-Cookie for the session: HttpOnly; SameSite=Strict; Path=/; Secure over TLS; Max-Age
 * max_age seconds (0: a cookie that ends the session, value ""). */
void jy_http_set_session_cookie(jy_http_req *req, const char *token, int max_age);

/* Appends s to sb with & < > " ' escaped (HTML text and attribute values). NULL appends "". */
void jy_http_html_escape(jy_sb *sb, const char *s);

/* ---- jiuye's routes (routes.c) ---- */

/* What jiuye's handlers share (cfg.app): immutable after start-up. */
typedef struct jy_http_app {
    struct jy_api *api;       /* the /api/v1 routes' state (http/api.h); NULL: no API */
    const jy_divisions *divs; /* may be NULL: township codes are shown without names */
    char county[7];           /* the county this server serves, e.g. "640522" */
    const char *web_dir;      /* the built pages (web/dist: index.html, assets/); NULL: none, and
                               * "/" shows the start page with how to build them (routes.c) */
} jy_http_app;

/* The application's route table (start page, health check, summary); *n receives its length. */
const jy_http_route *jy_http_app_routes(size_t *n);

#endif
