/* http.h — jiuye's HTTP server (libmicrohttpd) with a small route table.
 *
 * Threading model: libmicrohttpd runs an internal thread pool (cfg.threads workers, each with its
 * own epoll/poll loop). The server opens one store handle per worker at start-up and keeps them
 * in a pool; a handler that needs the store checks one out (jy_http_store_or_reply) and the
 * server returns it when the request ends. A store handle is therefore used by one thread at a
 * time and never shared concurrently (SQLite connections are not shared across threads; WAL
 * lets the handles read while one of them writes).
 *
 * Handlers stay linear, the way Redis command handlers do: every helper ending in _or_reply
 * either returns what was asked or has already queued the error reply (and returns NULL / a
 * negative code), so the handler just returns. A handler must queue exactly one reply; one that
 * returns without replying gets a 500 from the server.
 *
 * Routes: method "GET" also answers HEAD. A path ending in a slash and an asterisk ("/api/x/"
 * then "*") matches that prefix and anything below it (jy_http_req_rest gives the rest). An unknown path gets 404, a known path
 * with another method 405 (with Allow), both as JSON errors. */
#ifndef JY_HTTP_H
#define JY_HTTP_H

#include <stddef.h>

#include "base/arena.h"
#include "base/err.h"
#include "base/sb.h"
#include "domain/division.h"
#include "store/store.h"

typedef struct jy_http_server jy_http_server;
typedef struct jy_http_req jy_http_req;

typedef void (*jy_http_handler)(jy_http_req *req);

typedef struct jy_http_route {
    const char *method; /* "GET", "POST", … */
    const char *path;   /* "/healthz", or a prefix: "/api/persons/" then "*" */
    jy_http_handler fn;
} jy_http_route;

typedef struct jy_http_config {
    const char *bind;      /* IPv4 or IPv6 literal; NULL: "127.0.0.1" */
    int port;              /* 0: let the kernel pick (jy_http_port tells which) */
    int threads;           /* worker threads (and store handles); <= 0: 4 */
    const char *db_url;    /* opened once per worker */
    const char *policy_dir;
    const jy_http_route *routes;
    size_t nroutes;
    int access_log;        /* non-zero: one line per request on stderr */
    size_t max_body;       /* request body limit in bytes; 0: 1 MiB */
    void *app;             /* application state shared by the handlers (read-only or locked) */
    const char *scope;     /* county scope of every store handle (jy_store_set_scope): "640522",
                            * "6405", "64"; NULL or "": every county */
} jy_http_config;

/* Opens the store handles and starts listening. Fails with a message naming the address when
 * the port is taken or the address is not a literal, or naming the database when it cannot be
 * opened. The config's strings and route table must outlive the server. */
int jy_http_start(const jy_http_config *cfg, jy_http_server **out, jy_err *err);
int jy_http_port(const jy_http_server *srv); /* the bound port */
const char *jy_http_backend(const jy_http_server *srv); /* "sqlite", "postgresql" */
/* Stops accepting, finishes the requests in flight, joins the workers, closes the store
 * handles and frees the server. NULL is allowed. */
void jy_http_stop(jy_http_server *srv);

/* ---- inside a handler ---- */

const char *jy_http_req_method(const jy_http_req *req);
const char *jy_http_req_path(const jy_http_req *req);
/* For a prefix route ("/a/" then "*"), the part of the path after "/a/" ("" when none). */
const char *jy_http_req_rest(const jy_http_req *req);
/* A query-string argument (already URL-decoded), or NULL. */
const char *jy_http_req_query(const jy_http_req *req, const char *name);
/* A request header, or NULL. */
const char *jy_http_req_header(const jy_http_req *req, const char *name);
/* The request body (NUL-terminated; *len may be NULL). */
const char *jy_http_req_body(const jy_http_req *req, size_t *len);
/* Per-request memory, freed when the request ends. */
jy_arena *jy_http_req_arena(jy_http_req *req);
const jy_http_config *jy_http_req_config(const jy_http_req *req);
void *jy_http_req_app(const jy_http_req *req); /* cfg.app */

/* A store handle for this request (checked out of the pool once, returned at the end), or NULL
 * after queuing a 503 reply. */
jy_store *jy_http_store_or_reply(jy_http_req *req);

/* Queue the reply. body is taken over (emptied); NULL means an empty body. A second reply for the
 * same request is ignored (and logged). */
void jy_http_reply(jy_http_req *req, unsigned status, const char *content_type, jy_sb *body);
void jy_http_reply_json(jy_http_req *req, unsigned status, jy_sb *body);
void jy_http_reply_html(jy_http_req *req, unsigned status, jy_sb *body);
/* {"error":{"status":404,"code":"not_found","message":"…"}} */
void jy_http_reply_error(jy_http_req *req, unsigned status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Maps a jy_err (JY_EINVAL → 400, JY_ENOTFOUND → 404, JY_ECONFLICT → 409, others → 500). */
void jy_http_reply_err(jy_http_req *req, const jy_err *err);
/* Adds a response header to the reply queued next. */
void jy_http_req_set_header(jy_http_req *req, const char *name, const char *value);

/* Appends s to sb with & < > " ' escaped (HTML text and attribute values). NULL appends "". */
void jy_http_html_escape(jy_sb *sb, const char *s);

/* ---- jiuye's routes (routes.c) ---- */

/* What jiuye's handlers share (cfg.app): immutable after start-up. */
typedef struct jy_http_app {
    const jy_divisions *divs; /* may be NULL: township codes are shown without names */
    char county[7];           /* the county this server serves, e.g. "640522" */
} jy_http_app;

/* The application's route table (start page, health check, summary); *n receives its length. */
const jy_http_route *jy_http_app_routes(size_t *n);

#endif
