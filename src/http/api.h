/* api.h — the JSON API under /api/v1 (issue 11): what every route file shares.
 *
 * The server (server.c) enforces, before a handler runs: body limits, Content-Type, Origin,
 * rate limits, the session (401) and the route's permission for its role (403) and the CSRF
 * token on state changes. api.c wires those hooks to the accounts service (service/auth.h):
 *   resolve  jy_auth_resolve on the session cookie → a jy_principal (kept in the request), and
 *            scopes the request's store handle to the principal's area (region, city or county
 *            part; the server's own --county scope still bounds it) — so a handler's reads and
 *            writes cannot leave the user's area even when the handler forgets to check;
 *   permit   jy_perm_check(principal, route.permission, NULL): the role holds the permission;
 *   csrf     jy_auth_csrf_check.
 * Record-level checks (a township, an owner-bound role's own records) are the handler's, through
 * jy_api_permit_or_reply with the record's jy_perm_target — one call per record read or written.
 *
 * Conventions of every /api/v1 route (docs/api.md):
 *  - JSON in, JSON out; money is a string of yuan with two decimals ("1750.00") in answers and
 *    is accepted as such (or "1,750.00", "1750元") in requests; dates are "YYYY-MM-DD";
 *  - errors are {"error":{"status":…,"code":…,"message":…,"field":…}};
 *  - lists answer {"items":[…],"next_cursor":"…"|null}; ?limit=1..500 (default 50) and
 *    ?cursor=<next_cursor of the previous page>;
 *  - POSTs that file or pay honour an Idempotency-Key header (jy_api_idem_*): the same key and
 *    the same request repeat the first answer; the same key with another request is 422;
 *  - personal data is masked unless ?unmask=1&reason=… and the role holds the permission; every
 *    unmasked answer writes an access-log entry.
 *
 * Route tables: each route file exports its table of jy_api_route (a server route plus the
 * OpenAPI description); api.c concatenates them (jy_api_routes) and renders /api/v1/openapi.json
 * from the same table, so the document cannot list a route the server lacks or miss one it has. */
#ifndef JY_HTTP_API_H
#define JY_HTTP_API_H

#include <jansson.h>
#include <pthread.h>
#include <stdint.h>

#include "base/date.h"
#include "base/money.h"
#include "http/http.h"
#include "service/auth.h"
#include "service/case.h"
#include "service/users.h"

/* The OpenAPI description of one route. Strings are JSON fragments or comma lists, so a route
 * file stays a table: */
typedef struct jy_api_doc {
    const char *tag;        /* "persons", "cases" … */
    const char *summary;    /* one line, English; Chinese term beside it where it helps */
    const char *query;      /* comma list of query parameters: "limit,cursor,program,state" */
    const char *request;    /* JSON Schema of the body (a JSON text), NULL: no body */
    const char *response;   /* JSON Schema of the 2xx answer (a JSON text) */
    const char *statuses;   /* comma list of the statuses it can answer: "200,400,401,403,404" */
    unsigned success;       /* the 2xx status (0: 200) */
} jy_api_doc;

typedef struct jy_api_route {
    jy_http_route route;    /* method, path ("{id}" segments allowed), handler, flags, permission */
    jy_api_doc doc;
} jy_api_route;

/* What the API's handlers share (inside jy_http_app, set up by cmd_serve). */
typedef struct jy_api {
    jy_auth *auth;          /* accounts and sessions */
    const char *policy_dir; /* rules, calendar, workflows */
    int64_t (*clock)(void); /* unix seconds; NULL: time(NULL) (tests may inject) */
    /* private to api.c: */
    pthread_mutex_t mu;
    struct cases_slot *cases; /* the case service per store handle */
    int ncases, cap;
    jy_http_auth *hooks;
} jy_api;

/* Sets up api (auth and policy_dir filled by the caller) / frees what it holds. */
int jy_api_init(jy_api *api, jy_err *err);
void jy_api_close(jy_api *api);

/* The whole /api/v1 table (every route file's rows) and the hooks for jy_http_config.auth. */
const jy_api_route *jy_api_routes(size_t *n);
const jy_http_auth *jy_api_auth_hooks(jy_api *api);
/* The OpenAPI 3.1 document of the table, as JSON. */
void jy_api_openapi(jy_sb *out);

/* ---- inside a handler ---- */
jy_api *jy_api_of(jy_http_req *req);
int64_t jy_api_now(jy_http_req *req);
/* The signed-in user (never NULL inside a non-public route's handler). */
const jy_principal *jy_api_who(jy_http_req *req);
/* The acting name written into the audit log: "NAME" (the session's user). */
const char *jy_api_actor(jy_http_req *req);

/* The request's store handle (already scoped to the user's area), or NULL after a 503. */
jy_store *jy_api_store_or_reply(jy_http_req *req);
/* The case service bound to the request's store handle (opened once per handle and kept for the
 * server's life: the rules, the calendar and the workflows are loaded once), or NULL after a
 * 500/503. */
jy_cases *jy_api_cases_or_reply(jy_http_req *req);

/* jy_perm_check for one record: 0 when allowed; otherwise the reply is queued (404 when the
 * record lies outside the user's area or is not theirs — existence is not revealed —, 403 when
 * the role lacks the permission, 401 when the session is half-open) and a negative code returns. */
int jy_api_permit_or_reply(jy_http_req *req, int perm, const jy_perm_target *t);

/* Replies with the status jy_err's code maps to: EINVAL 400 (422 when field is given and the
 * body parsed), ENOTFOUND 404, ECONFLICT 409, ENODATA 422, EAUTH 401, EDENIED 403, EBUSY 429,
 * others 500. field may be NULL. Always returns err->code (negative). */
int jy_api_fail(jy_http_req *req, const jy_err *err, const char *field);

/* ---- request bodies (jansson; the body is already bounded by the server) ---- */
/* The body as a JSON object (400 naming line and column when it does not parse, 400 when it is
 * not an object, duplicate keys refused). The result belongs to the request (freed at its end). */
json_t *jy_api_body_or_reply(jy_http_req *req);
/* Refuses (422 naming the field) any key of obj not in the comma list allowed. */
int jy_api_only_keys_or_reply(jy_http_req *req, json_t *obj, const char *allowed);
/* Field readers: 0 with *out set; 1 when the field is absent and not required (*out untouched);
 * negative after a 422 naming the field ("expected a string", "a date such as 2024-06-28" …). */
int jy_api_str_or_reply(jy_http_req *req, json_t *obj, const char *field, int required, const char **out);
int jy_api_i64_or_reply(jy_http_req *req, json_t *obj, const char *field, int required, int64_t lo, int64_t hi,
                        int64_t *out);
int jy_api_date_or_reply(jy_http_req *req, json_t *obj, const char *field, int required, jy_date *out);
int jy_api_money_or_reply(jy_http_req *req, json_t *obj, const char *field, int required, jy_fen *out);
/* A query parameter as an id (> 0) / date / int in [lo, hi]: 0, 1 when absent, negative after 400. */
int jy_api_query_id_or_reply(jy_http_req *req, const char *name, int64_t *out);
int jy_api_query_date_or_reply(jy_http_req *req, const char *name, jy_date *out);
int jy_api_query_int_or_reply(jy_http_req *req, const char *name, int64_t lo, int64_t hi, int64_t *out);
/* A path segment "{name}" of the route as an id (> 0), or negative after a 404. */
int jy_api_path_id_or_reply(jy_http_req *req, const char *name, int64_t *out);

/* ---- lists ---- */
typedef struct jy_api_page {
    int limit;       /* 1..500 (?limit, default 50) */
    int64_t after;   /* from ?cursor: the last id of the previous page (0: from the start) */
    int n;           /* items appended so far */
    int64_t last;    /* id of the last item appended */
    int more;        /* set when an item beyond limit was seen */
    jy_sb items;     /* the items, comma-separated JSON values */
} jy_api_page;
/* Reads ?limit and ?cursor; 0 or negative after a 400 naming the parameter. */
int jy_api_page_or_reply(jy_http_req *req, jy_api_page *pg);
/* Adds one item (a JSON value) with its id; returns 1 when the page is full (the caller stops:
 * ask the store for limit + 1 items, the extra one only sets `more`). */
int jy_api_page_add(jy_api_page *pg, int64_t id, const char *json, size_t len);
/* {"items":[…],"next_cursor":"…"|null} and frees the page. */
void jy_api_page_reply(jy_http_req *req, jy_api_page *pg);
/* Ends a paged list whose walk returned rc: on an error, frees the page and answers err through
 * fail (NULL: jy_api_fail); otherwise answers the page as jy_api_page_reply does. */
void jy_api_page_end(jy_http_req *req, jy_api_page *pg, int rc, const jy_err *err,
                     void (*fail)(jy_http_req *req, const jy_err *err, const char *field));

/* ---- idempotency (Idempotency-Key on POSTs that file or pay) ----
 * begin: no header → 0 (go on). A stored answer for (user, key) with the same method, path and
 * body → that answer is replied again (status and body, header Idempotent-Replayed: true) and 1
 * returns (the handler returns). The same key with another request → 422, negative. Otherwise 0:
 * the handler runs and its answer is kept by jy_api_reply_json (keys live 24 hours). */
int jy_api_idem_begin(jy_http_req *req);
/* Replies and, when the request carried an Idempotency-Key, keeps the answer for it. */
void jy_api_reply_json(jy_http_req *req, unsigned status, jy_sb *body);

/* ---- personal data ----
 * ?unmask=1 with ?reason=…: 1 when the user may see personal data whole here — the role holds
 * priv (service/privacy.h: JY_PRIV_UNMASK persons/orgs/rosters, JY_PRIV_BANK payees' accounts,
 * and for JY_PRIV_UNMASK also person.read_unmasked) and the view was written to the access log
 * with entity ("person", "org", "pay_batch", "report", "audit_log"), county, target (the ids or
 * the query), the reason and the client address; 0 for the masked view (no ?unmask); negative
 * after a 400 (unmask without a reason) or 403 (a refused request is logged as refused). */
int jy_api_unmask_or_reply(jy_http_req *req, int priv, const char *entity, const char *county, const char *target);

#endif
