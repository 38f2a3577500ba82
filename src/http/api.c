/* api.c — what every /api/v1 route shares (api.h): the server's authentication hooks wired to the
 * accounts service, request-body and query readers that answer 400/422 naming the field, pages,
 * idempotency keys, the case service cached per store handle, and the OpenAPI document rendered
 * from the route table. */
#include "http/api.h"
#include "base/text.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "service/privacy.h"
#include "store/api_store.h"

/* ---- the route table: every route file's rows ---- */

#define API_GROUPS(X) X(auth) X(registry) X(policy) X(cases) X(money) X(reports) X(admin) X(import) X(web)
#define DECLARE(g)                                 \
    extern const jy_api_route jy_api_routes_##g[]; \
    extern const size_t jy_api_routes_##g##_n;
API_GROUPS(DECLARE)

static pthread_once_t table_once = PTHREAD_ONCE_INIT;
static jy_api_route *table;
static size_t table_n;

static void table_build(void)
{
    size_t n = 0;
#define COUNT(g) n += jy_api_routes_##g##_n;
    API_GROUPS(COUNT)
    table = calloc(n ? n : 1, sizeof *table);
    if (!table) abort();
#define COPY(g)                                                                        \
    memcpy(table + table_n, jy_api_routes_##g, jy_api_routes_##g##_n * sizeof *table); \
    table_n += jy_api_routes_##g##_n;
    API_GROUPS(COPY)
}

const jy_api_route *jy_api_routes(size_t *n)
{
    pthread_once(&table_once, table_build);
    *n = table_n;
    return table;
}

/* ---- per-request state ---- */

typedef struct api_req {
    jy_principal who;
    int has_who;
    char idem_key[129]; /* the Idempotency-Key being answered, "" none */
} api_req;

static api_req *areq(jy_http_req *req)
{
    const jy_http_principal *hp = jy_http_req_principal(req);
    return hp ? hp->data : NULL;
}

jy_api *jy_api_of(jy_http_req *req)
{
    jy_http_app *app = jy_http_req_app(req);
    return app->api;
}

int64_t jy_api_now(jy_http_req *req)
{
    jy_api *api = jy_api_of(req);
    return api && api->clock ? api->clock() : (int64_t)time(NULL);
}

const jy_principal *jy_api_who(jy_http_req *req)
{
    api_req *a = areq(req);
    return a && a->has_who ? &a->who : NULL;
}

const char *jy_api_actor(jy_http_req *req)
{
    const jy_principal *p = jy_api_who(req);
    return p ? p->name : "anonymous";
}

/* ---- hooks ---- */

/* The store scope for an area: its region, city or county part (the store scopes by county;
 * township and ownership checks are jy_perm_check's). */
static void scope_of_area(const char *area, char out[7])
{
    size_t n = strlen(area);
    if (n > 6) n = 6;
    if (n == 9 || n == 12) n = 6;
    if (n != 0 && n != 2 && n != 4 && n != 6) n = n >= 6 ? 6 : n >= 4 ? 4 : n >= 2 ? 2 : 0;
    memcpy(out, area, n);
    out[n] = '\0';
}

static int hook_resolve(void *ctx, jy_http_req *req, const char *token, const char *addr, jy_http_principal *p,
                        jy_err *err)
{
    jy_api *api = ctx;
    (void)addr;
    if (!token || !*token) return jy_err_set2(err, JY_ENOTFOUND, "auth.not_signed_in", "not signed in: log in first (POST /api/v1/session)", "尚未登录：请先登录（POST /api/v1/session）");
    jy_store *st = jy_http_req_store(req);
    if (!st) return jy_err_set2(err, JY_EDB, "http.no_db_handle", "no database handle available", "暂无可用的数据库连接");
    api_req *a = jy_arena_zalloc(jy_http_req_arena(req), sizeof *a);
    int rc = jy_auth_resolve(api->auth, st, token, jy_api_now(req), &a->who, err);
    if (rc == JY_EAUTH) return jy_err_copy(err, JY_ENOTFOUND, err);
    if (rc) return rc;
    a->has_who = 1;
    /* below the handler: the handle sees the user's area only (within the server's own scope) */
    char scope[7];
    scope_of_area(a->who.area, scope);
    const char *server_scope = jy_http_req_config(req)->scope;
    if (scope[0] && (!server_scope || !*server_scope || strlen(scope) > strlen(server_scope))) {
        if (server_scope && *server_scope && strncmp(scope, server_scope, strlen(server_scope)) != 0)
            return jy_err_set2(err, JY_EDENIED, "auth.area_outside_server", "your area %s lies outside this server's %s", "您的管辖区域 %s 不在本服务器的区域 %s 之内", a->who.area,
                              server_scope);
        if ((rc = jy_store_set_scope(st, scope, err))) return rc;
    }
    p->user_id = a->who.user_id;
    jy_str_copy(p->name, sizeof p->name, a->who.name);
    p->role = a->who.role;
    jy_str_copy(p->area, sizeof p->area, a->who.area);
    p->org_id = a->who.org_id;
    p->person_id = a->who.person_id;
    memcpy(p->csrf_hash, a->who.csrf_hash, 32);
    p->has_csrf_hash = 1;
    {
        char num[24], *e = num + sizeof num, *d = e;
        int64_t id = a->who.session_id;
        uint64_t v = id < 0 ? (uint64_t)0 - (uint64_t)id : (uint64_t)id;
        *--d = '\0';
        do {
            *--d = (char)('0' + v % 10);
            v /= 10;
        } while (v);
        if (id < 0) *--d = '-';
        jy_str_copy(p->session_id, sizeof p->session_id, d);
    }
    p->data = a;
    return 0;
}

static int hook_permit(void *ctx, jy_http_req *req, const jy_http_principal *p, const jy_http_route *route,
                       jy_err *err)
{
    (void)ctx;
    (void)req;
    api_req *a = p->data;
    if (!a) return jy_err_set2(err, JY_EDENIED, "auth.no_principal", "no principal", "没有登录身份");
    /* -2: any session, also a half-open one (completing the login, logging out, who am I) */
    if (route->permission == -2) return 0;
    /* -1: any signed-in user (their own account routes), not half-open */
    if (route->permission < 0) {
        if (a->who.second_factor_required && !a->who.second_factor_done)
            return jy_err_set2(err, JY_EDENIED, "auth.second_factor_pending", "second factor pending: POST /api/v1/session/second-factor", "尚未完成第二重验证：POST /api/v1/session/second-factor");
        return 0;
    }
    int rc = jy_perm_check(&a->who, route->permission, NULL, err);
    if (rc == JY_EAUTH) rc = JY_EDENIED;
    return rc;
}

static int hook_csrf(void *ctx, jy_http_req *req, const jy_http_principal *p, const char *token, jy_err *err)
{
    (void)ctx;
    (void)req;
    api_req *a = p->data;
    if (!a) return jy_err_set2(err, JY_EDENIED, "auth.no_principal_session", "no session", "没有会话");
    return jy_auth_csrf_check(&a->who, token, err);
}

const jy_http_auth *jy_api_auth_hooks(jy_api *api)
{
    jy_http_auth *h = calloc(1, sizeof *h);
    if (!h) abort();
    h->ctx = api;
    h->resolve = hook_resolve;
    h->permit = hook_permit;
    h->csrf = hook_csrf;
    api->hooks = h;
    return h;
}

/* ---- errors ---- */

int jy_api_fail(jy_http_req *req, const jy_err *err, const char *field)
{
    unsigned status;
    const char *code;
    switch (err->code) {
    case JY_EINVAL: status = field ? 422 : 400, code = field ? "invalid_field" : "bad_request"; break;
    case JY_ENOTFOUND: status = 404, code = "not_found"; break;
    case JY_ECONFLICT: status = 409, code = "conflict"; break;
    case JY_ENODATA: status = 422, code = "unprocessable"; break;
    case JY_EAUTH: status = 401, code = "unauthenticated"; break;
    case JY_EDENIED: status = 403, code = "forbidden"; break;
    case JY_EBUSY: status = 429, code = "busy"; jy_http_req_set_header(req, "Retry-After", "1"); break;
    case JY_EDB: status = 503, code = "database"; break;
    default: status = 500, code = "internal"; break;
    }
    jy_http_reply_error_e(req, status, code, field, err);
    return err->code < 0 ? err->code : JY_EINVAL;
}

/* 422 naming field: "<field>: <e's message>", in both languages. */
static int field_fail_e(jy_http_req *req, const char *field, jy_err *e)
{
    jy_err_prefix2(e, "%s: ", "%s：", field);
    jy_http_reply_error_e(req, 422, "invalid_field", field, e);
    return JY_EINVAL;
}
/* field_fail2(req, field, key, en, zh): 422 naming field with a catalogued reason. */
#define field_fail2(req, field, key, en, zh)                                                        \
    __extension__({                                                                                 \
        jy_err fe_;                                                                                 \
        jy_err_set2(&fe_, JY_EINVAL, key, en, zh);                                                  \
        field_fail_e(req, field, &fe_);                                                             \
    })

/* ---- stores and services ---- */

jy_store *jy_api_store_or_reply(jy_http_req *req) { return jy_http_store_or_reply(req); }

/* The case service per store handle: a small table guarded by a mutex (handles are fixed for the
 * server's life, so entries are never removed until jy_api_close). */
typedef struct cases_slot {
    jy_store *st;
    jy_cases *cs;
} cases_slot;

jy_cases *jy_api_cases_or_reply(jy_http_req *req)
{
    jy_api *api = jy_api_of(req);
    jy_store *st = jy_http_store_or_reply(req);
    if (!st) return NULL;
    pthread_mutex_lock(&api->mu);
    for (int i = 0; i < api->ncases; i++)
        if (api->cases[i].st == st) {
            jy_cases *cs = api->cases[i].cs;
            pthread_mutex_unlock(&api->mu);
            return cs;
        }
    pthread_mutex_unlock(&api->mu);
    jy_cases *cs = NULL;
    jy_err err = {0};
    if (jy_cases_open(st, api->policy_dir, &cs, &err)) {
        jy_api_fail(req, &err, NULL);
        return NULL;
    }
    pthread_mutex_lock(&api->mu);
    if (api->ncases == api->cap) {
        int cap = api->cap ? api->cap * 2 : 8;
        void *p = realloc(api->cases, (size_t)cap * sizeof *api->cases);
        if (!p) abort();
        api->cases = p;
        api->cap = cap;
    }
    api->cases[api->ncases].st = st;
    api->cases[api->ncases++].cs = cs;
    pthread_mutex_unlock(&api->mu);
    return cs;
}

int jy_api_init(jy_api *api, jy_err *err)
{
    (void)err;
    pthread_mutex_init(&api->mu, NULL);
    return 0;
}

void jy_api_close(jy_api *api)
{
    for (int i = 0; i < api->ncases; i++) jy_cases_close(api->cases[i].cs);
    free(api->cases);
    api->cases = NULL;
    api->ncases = api->cap = 0;
    free(api->hooks);
    api->hooks = NULL;
    pthread_mutex_destroy(&api->mu);
}

int jy_api_permit_or_reply(jy_http_req *req, int perm, const jy_perm_target *t)
{
    const jy_principal *p = jy_api_who(req);
    jy_err err = {0};
    if (!p) {
        jy_http_reply_error2(req, 401, "unauthenticated", NULL, "auth.not_signed_in_short", "not signed in", "尚未登录");
        return JY_EAUTH;
    }
    int rc = jy_perm_check(p, perm, t, &err);
    if (rc == 0) return 0;
    if (rc == JY_EDENIED && t && jy_role_holds(p, perm)) {
        /* the role may, this record is not the user's: do not reveal that it exists */
        jy_http_reply_error2(req, 404, "not_found", NULL, "api.not_in_area", "no such record in your area", "您的管辖区域内没有这条记录");
        return JY_ENOTFOUND;
    }
    return jy_api_fail(req, &err, NULL);
}

/* ---- bodies ---- */

static void json_free_cb(void *p) { json_decref(p); }

json_t *jy_api_body_or_reply(jy_http_req *req)
{
    size_t len = 0;
    const char *body = jy_http_req_body(req, &len);
    if (!body || len == 0) {
        jy_http_reply_error2(req, 400, "bad_request", NULL, "api.body_needed", "the request needs a JSON object as its body", "请求正文应为 JSON 对象");
        return NULL;
    }
    json_error_t je;
    json_t *v = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);
    if (!v) {
        jy_http_reply_error2(req, 400, "bad_json", NULL, "api.body_json", "the body is not valid JSON: line %d column %d: %s", "请求正文不是有效的 JSON：第%d行第%d列：%s", je.line,
                            je.column, je.text);
        return NULL;
    }
    jy_http_req_on_end(req, json_free_cb, v);
    if (!json_is_object(v)) {
        jy_http_reply_error2(req, 400, "bad_json", NULL, "api.body_object", "the body must be a JSON object ({…})", "请求正文应为 JSON 对象（{…}）");
        return NULL;
    }
    return v;
}

int jy_api_only_keys_or_reply(jy_http_req *req, json_t *obj, const char *allowed)
{
    const char *key;
    json_t *val;
    size_t n = strlen(allowed);
    json_object_foreach(obj, key, val)
    {
        size_t k = strlen(key);
        const char *p = allowed;
        int ok = 0;
        while (p < allowed + n) {
            size_t w = strcspn(p, ",");
            if (w == k && memcmp(p, key, k) == 0) ok = 1;
            p += w + 1;
        }
        if (!ok) {
            jy_http_reply_error2(req, 422, "unknown_field", key, "api.unknown_field", "unknown field \"%s\"; known fields: %s", "未知字段“%s”；已知字段：%s", key,
                                      allowed);
            return JY_EINVAL;
        }
    }
    return 0;
}

static json_t *get_field(json_t *obj, const char *field, int required, jy_http_req *req, int *rc)
{
    json_t *v = json_object_get(obj, field);
    *rc = 0;
    if (!v || json_is_null(v)) {
        if (required) {
            jy_http_reply_error2(req, 422, "missing_field", field, "api.missing_field", "%s is required", "%s 为必填项", field);
            *rc = JY_EINVAL;
        } else {
            *rc = 1;
        }
        return NULL;
    }
    return v;
}

int jy_api_str_or_reply(jy_http_req *req, json_t *obj, const char *field, int required, const char **out)
{
    int rc;
    json_t *v = get_field(obj, field, required, req, &rc);
    if (!v) return rc;
    if (!json_is_string(v)) return field_fail2(req, field, "api.field_string", "expected a string", "应为字符串");
    const char *s = json_string_value(v);
    if (strlen(s) != json_string_length(v)) return field_fail2(req, field, "api.field_nul", "a NUL character is not allowed", "不能含有 NUL 字符");
    *out = s;
    return 0;
}

int jy_api_i64_or_reply(jy_http_req *req, json_t *obj, const char *field, int required, int64_t lo, int64_t hi,
                        int64_t *out)
{
    int rc;
    json_t *v = get_field(obj, field, required, req, &rc);
    if (!v) return rc;
    if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi) {
        jy_http_reply_error2(req, 422, "invalid_field", field, "api.field_int",
                             "%s: expected a whole number from %" PRId64 " to %" PRId64,
                             "%s：应为 %" PRId64 " 至 %" PRId64 " 之间的整数", field, lo, hi);
        return JY_EINVAL;
    }
    *out = json_integer_value(v);
    return 0;
}

int jy_api_date_or_reply(jy_http_req *req, json_t *obj, const char *field, int required, jy_date *out)
{
    const char *s;
    int rc = jy_api_str_or_reply(req, obj, field, required, &s);
    if (rc) return rc;
    jy_err err = {0};
    if (jy_date_parse_loose(s, out, &err)) return field_fail_e(req, field, &err);
    return 0;
}

int jy_api_money_or_reply(jy_http_req *req, json_t *obj, const char *field, int required, jy_fen *out)
{
    const char *s;
    int rc = jy_api_str_or_reply(req, obj, field, required, &s);
    if (rc) return rc;
    jy_err err = {0};
    if (jy_money_parse(s, out, &err)) return field_fail_e(req, field, &err);
    if (*out < 0) return field_fail2(req, field, "money.negative", "an amount cannot be negative", "金额不能为负数");
    return 0;
}

/* what / what_zh: what the parameter should be, in English and in Chinese */
static int query_fail(jy_http_req *req, const char *name, const char *what, const char *what_zh, const char *value)
{
    jy_http_reply_error2(req, 400, "bad_query", name, "api.query", "?%1$s=%2$.40s: expected %3$s%4$.0s",
                         "参数 ?%1$s=%2$.40s 有误：应为%4$s%3$.0s", name, value, what, what_zh);
    return JY_EINVAL;
}

static int parse_i64(const char *s, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end || *s == ' ' || *s == '+') return -1;
    *out = v;
    return 0;
}

int jy_api_query_int_or_reply(jy_http_req *req, const char *name, int64_t lo, int64_t hi, int64_t *out)
{
    const char *s = jy_http_req_query(req, name);
    if (!s) return 1;
    int64_t v;
    if (parse_i64(s, &v) || v < lo || v > hi) {
        char what[80], what_zh[80];
        snprintf(what, sizeof what, "a whole number from %" PRId64 " to %" PRId64, lo, hi);
        snprintf(what_zh, sizeof what_zh, " %" PRId64 " 至 %" PRId64 " 之间的整数", lo, hi);
        return query_fail(req, name, what, what_zh, s);
    }
    *out = v;
    return 0;
}

int jy_api_query_id_or_reply(jy_http_req *req, const char *name, int64_t *out)
{
    return jy_api_query_int_or_reply(req, name, 1, INT64_MAX, out);
}

int jy_api_query_date_or_reply(jy_http_req *req, const char *name, jy_date *out)
{
    const char *s = jy_http_req_query(req, name);
    if (!s) return 1;
    jy_err err = {0};
    if (jy_date_parse_loose(s, out, &err)) return query_fail(req, name, "a date such as 2024-06-28", "日期，如 2024-06-28", s);
    return 0;
}

int jy_api_path_id_or_reply(jy_http_req *req, const char *name, int64_t *out)
{
    const char *s = jy_http_req_param(req, name);
    int64_t v;
    if (!s || parse_i64(s, &v) || v <= 0) {
        jy_http_reply_error2(req, 404, "not_found", NULL, "api.no_such_record", "no such record: %.40s", "没有这条记录：%.40s", s ? s : "");
        return JY_ENOTFOUND;
    }
    *out = v;
    return 0;
}

/* ---- pages ---- */

/* Cursors are opaque to clients: "c" followed by the last id in base 36. */
int jy_api_page_or_reply(jy_http_req *req, jy_api_page *pg)
{
    memset(pg, 0, sizeof *pg);
    jy_sb_init(&pg->items);
    pg->limit = 50;
    int64_t lim;
    int rc = jy_api_query_int_or_reply(req, "limit", 1, 500, &lim);
    if (rc < 0) return rc;
    if (rc == 0) pg->limit = (int)lim;
    const char *c = jy_http_req_query(req, "cursor");
    if (c && *c) {
        char *end;
        errno = 0;
        long long v = c[0] == 'c' ? strtoll(c + 1, &end, 36) : -1;
        if (c[0] != 'c' || errno || end == c + 1 || *end || v < 0)
            return query_fail(req, "cursor", "the next_cursor of the previous page", "上一页返回的 next_cursor", c);
        pg->after = v;
    }
    return 0;
}

int jy_api_page_add(jy_api_page *pg, int64_t id, const char *json, size_t len)
{
    if (pg->n >= pg->limit) {
        pg->more = 1;
        return 1;
    }
    if (pg->n) jy_sb_appendc(&pg->items, ',');
    jy_sb_appendn(&pg->items, json, len);
    pg->n++;
    pg->last = id;
    return pg->n >= pg->limit && 0;
}

static void base36(int64_t v, char *out)
{
    char tmp[24];
    int n = 0;
    uint64_t u = (uint64_t)v;
    do {
        int d = (int)(u % 36);
        tmp[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
        u /= 36;
    } while (u);
    for (int i = 0; i < n; i++) out[i] = tmp[n - 1 - i];
    out[n] = '\0';
}

void jy_api_page_reply(jy_http_req *req, jy_api_page *pg)
{
    jy_sb sb = JY_SB_INIT;
    jy_sb_append(&sb, "{\"items\":[");
    jy_sb_appendn(&sb, jy_sb_cstr(&pg->items), pg->items.len);
    jy_sb_append(&sb, "],\"next_cursor\":");
    if (pg->more) {
        char c[24];
        c[0] = 'c';
        base36(pg->last, c + 1);
        jy_sb_json_str(&sb, c);
    } else {
        jy_sb_append(&sb, "null");
    }
    jy_sb_appendc(&sb, '}');
    jy_sb_free(&pg->items);
    jy_http_reply_json(req, 200, &sb);
}

void jy_api_page_end(jy_http_req *req, jy_api_page *pg, int rc, const jy_err *err,
                     void (*fail)(jy_http_req *req, const jy_err *err, const char *field))
{
    if (!rc) {
        jy_api_page_reply(req, pg);
        return;
    }
    jy_sb_free(&pg->items);
    if (fail) fail(req, err, NULL);
    else jy_api_fail(req, err, NULL);
}

/* ---- idempotency ---- */

#define IDEM_LIFETIME (24 * 3600)

int jy_api_idem_begin(jy_http_req *req)
{
    const char *key = jy_http_req_header(req, "Idempotency-Key");
    if (!key) return 0;
    api_req *a = areq(req);
    if (!a) return 0;
    size_t n = strlen(key);
    if (n == 0 || n > 128 || strspn(key, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.:") != n) {
        jy_http_reply_error2(req, 400, "bad_header", "Idempotency-Key", "api.idempotency_key",
                                  "Idempotency-Key: 1 to 128 letters, digits and - _ . : (a UUID, say)", "Idempotency-Key 应为1至128个字母、数字或 - _ . :（例如 UUID）");
        return JY_EINVAL;
    }
    jy_store *st = jy_http_store_or_reply(req);
    if (!st) return JY_EDB;
    size_t blen = 0;
    const char *body = jy_http_req_body(req, &blen);
    unsigned char h[32];
    crypto_hash_sha256(h, (const unsigned char *)(body ? body : ""), body ? blen : 0);
    jy_idem want = {0}, got = {0};
    snprintf(want.method, sizeof want.method, "%s", jy_http_req_method(req));
    snprintf(want.path, sizeof want.path, "%s", jy_http_req_path(req));
    sodium_bin2hex(want.body_hash, sizeof want.body_hash, h, 32);
    want.created_at = jy_api_now(req);
    jy_sb stored = JY_SB_INIT;
    jy_err err = {0};
    int rc = jy_store_idem_claim(st, a->who.user_id, key, &want, want.created_at - IDEM_LIFETIME, &got, &stored, &err);
    if (rc < 0) {
        jy_sb_free(&stored);
        return jy_api_fail(req, &err, NULL);
    }
    if (rc == 1) { /* new: the handler runs, jy_api_reply_json keeps the answer */
        snprintf(a->idem_key, sizeof a->idem_key, "%s", key);
        jy_sb_free(&stored);
        return 0;
    }
    if (strcmp(got.method, want.method) || strcmp(got.path, want.path) || strcmp(got.body_hash, want.body_hash)) {
        jy_sb_free(&stored);
        jy_http_reply_error2(req, 422, "idempotency_mismatch", "Idempotency-Key", "api.idempotency_mismatch",
                                  "Idempotency-Key \"%s\" was used for another request (%s %s)", "Idempotency-Key“%s”已用于另一个请求（%s %s）", key, got.method,
                                  got.path);
        return JY_EINVAL;
    }
    if (got.status == 0) {
        jy_sb_free(&stored);
        jy_http_req_set_header(req, "Retry-After", "1");
        jy_http_reply_error2(req, 409, "in_progress", NULL, "api.idempotency_running", "the first request with Idempotency-Key \"%s\" is still running", "使用 Idempotency-Key“%s”的第一个请求仍在处理中",
                            key);
        return 1;
    }
    jy_http_req_set_header(req, "Idempotent-Replayed", "true");
    jy_http_reply_json(req, (unsigned)got.status, &stored);
    jy_sb_free(&stored);
    return 1;
}

void jy_api_reply_json(jy_http_req *req, unsigned status, jy_sb *body)
{
    api_req *a = areq(req);
    if (a && a->idem_key[0]) {
        jy_store *st = jy_http_req_store(req);
        jy_err err = {0};
        if (st) {
            if (status >= 500) jy_store_idem_drop(st, a->who.user_id, a->idem_key, &err);
            else jy_store_idem_finish(st, a->who.user_id, a->idem_key, (int)status, jy_sb_cstr(body), &err);
        }
        a->idem_key[0] = '\0';
    }
    jy_http_reply_json(req, status, body);
}

/* ---- personal data ---- */

int jy_api_unmask_or_reply(jy_http_req *req, int priv, const char *entity, const char *county, const char *target)
{
    const char *u = jy_http_req_query(req, "unmask");
    if (!u || strcmp(u, "0") == 0 || strcmp(u, "false") == 0) return 0;
    const char *reason = jy_http_req_query(req, "reason");
    if (!reason || !*reason) {
        jy_http_reply_error2(req, 400, "reason_required", "reason", "privacy.reason_required",
                                  "showing personal data whole needs a reason (?reason=…), which is logged", "查看完整个人信息需要填写理由（?reason=…），并将记入日志");
        return JY_EINVAL;
    }
    const jy_principal *p = jy_api_who(req);
    if (!p || (priv == JY_PRIV_UNMASK && !jy_role_holds(p, JY_PERM_PERSON_READ_UNMASKED))) {
        jy_http_reply_error2(req, 403, "forbidden", NULL, "privacy.role_denied", "your role may not see personal data whole", "您的角色不能查看完整个人信息");
        return JY_EDENIED;
    }
    jy_store *st = jy_http_store_or_reply(req);
    if (!st) return JY_EDB;
    char origin[80];
    snprintf(origin, sizeof origin, "http:%s", jy_http_req_client_addr(req));
    jy_access_req rq = {.actor = p->name, .origin = origin, .unmask = 1, .reason = reason};
    jy_err err = {0};
    int rc = jy_privacy_grant(st, &rq, priv, "view", entity, county ? county : "", target ? target : "", &err);
    if (rc == JY_ECONFLICT || rc == JY_ENOTFOUND) rc = err.code = JY_EDENIED;
    if (rc) return jy_api_fail(req, &err, rc == JY_EINVAL ? "reason" : NULL);
    return 1;
}

/* ---- OpenAPI ---- */

static void list_params(jy_sb *sb, const char *path, const char *query)
{
    int first = 1;
    for (const char *p = strchr(path, '{'); p; p = strchr(p + 1, '{')) {
        const char *e = strchr(p, '}');
        if (!e) break;
        jy_sb_append(sb, first ? "" : ",");
        first = 0;
        jy_sb_append(sb, "{\"name\":");
        jy_sb_json_strn(sb, p + 1, (size_t)(e - p - 1));
        jy_sb_append(sb, ",\"in\":\"path\",\"required\":true,\"schema\":{\"type\":\"string\"}}");
    }
    if (query && *query) {
        const char *q = query;
        while (*q) {
            size_t w = strcspn(q, ",");
            jy_sb_append(sb, first ? "" : ",");
            first = 0;
            jy_sb_append(sb, "{\"name\":");
            jy_sb_json_strn(sb, q, w);
            jy_sb_append(sb, ",\"in\":\"query\",\"required\":false,\"schema\":{\"type\":\"string\"}}");
            q += w;
            if (*q == ',') q++;
        }
    }
}

static const char *status_text(int s)
{
    switch (s) {
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 400: return "Bad request (malformed JSON or query)";
    case 401: return "Not signed in, or the session expired";
    case 403: return "Not permitted for this role, or CSRF/Origin refused";
    case 404: return "No such record in your area";
    case 405: return "Method not allowed";
    case 409: return "Conflict with the record's state";
    case 413: return "Body too large";
    case 415: return "Unsupported media type";
    case 422: return "A field is invalid (error.field names it)";
    case 429: return "Too many requests";
    default: return "Answer";
    }
}

static void op_json(jy_sb *sb, const jy_api_route *r)
{
    const jy_api_doc *d = &r->doc;
    unsigned ok = d->success ? d->success : 200;
    jy_sb_append(sb, "{\"tags\":[");
    jy_sb_json_str(sb, d->tag ? d->tag : "misc");
    jy_sb_append(sb, "],\"summary\":");
    jy_sb_json_str(sb, d->summary ? d->summary : "");
    jy_sb_append(sb, ",\"operationId\":");
    jy_sb sid = JY_SB_INIT;
    jy_sb_append(&sid, r->route.method);
    for (const char *p = r->route.path; *p; p++)
        jy_sb_appendc(&sid, (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ? *p : '_');
    jy_sb_json_str(sb, jy_sb_cstr(&sid));
    jy_sb_free(&sid);
    if (!(r->route.flags & JY_HTTP_PUBLIC))
        jy_sb_append(sb, ",\"security\":[{\"session\":[]}]");
    else
        jy_sb_append(sb, ",\"security\":[]");
    jy_sb_appendf(sb, ",\"x-permission\":");
    if (r->route.flags & JY_HTTP_PUBLIC) jy_sb_append(sb, "null");
    else if (r->route.permission < 0) jy_sb_json_str(sb, "signed-in");
    else jy_sb_json_str(sb, jy_perm_name(r->route.permission));
    jy_sb_append(sb, ",\"parameters\":[");
    list_params(sb, r->route.path, d->query);
    jy_sb_append(sb, "]");
    if (d->request) {
        jy_sb_append(sb, ",\"requestBody\":{\"required\":true,\"content\":{\"application/json\":{\"schema\":");
        jy_sb_append(sb, d->request);
        jy_sb_append(sb, "}}}");
    }
    jy_sb_append(sb, ",\"responses\":{");
    jy_sb_appendf(sb, "\"%u\":{\"description\":\"%s\",\"content\":{\"application/json\":{\"schema\":%s}}}", ok,
                  status_text((int)ok), d->response ? d->response : "{\"type\":\"object\"}");
    const char *s = d->statuses ? d->statuses : "";
    while (*s) {
        size_t w = strcspn(s, ",");
        int code = atoi(s);
        if (code >= 200 && code < 300 && (unsigned)code != ok)
            jy_sb_appendf(sb, ",\"%d\":{\"description\":\"%s\",\"content\":{\"application/json\":{\"schema\":%s}}}",
                          code, status_text(code), d->response ? d->response : "{\"type\":\"object\"}");
        else if (code && (unsigned)code != ok)
            jy_sb_appendf(sb,
                          ",\"%d\":{\"description\":\"%s\",\"content\":{\"application/json\":{\"schema\":"
                          "{\"$ref\":\"#/components/schemas/Error\"}}}}",
                          code, status_text(code));
        s += w;
        if (*s == ',') s++;
    }
    jy_sb_append(sb, "}}");
}

void jy_api_openapi(jy_sb *out)
{
    size_t n;
    const jy_api_route *t = jy_api_routes(&n);
    jy_sb_append(out,
                 "{\"openapi\":\"3.1.0\",\"info\":{\"title\":\"jiuye API\",\"version\":\"1\","
                 "\"description\":\"就业 — a county's public employment service programmes. Sessions are cookies "
                 "(POST /api/v1/session); every state change needs the X-CSRF-Token header and a same-origin "
                 "Origin.\"},\"servers\":[{\"url\":\"/\"}],\"paths\":{");
    /* group the operations by path, in table order of first appearance */
    char *done = calloc(n ? n : 1, 1);
    if (!done) abort();
    int firstp = 1;
    for (size_t i = 0; i < n; i++) {
        if (done[i]) continue;
        if (!firstp) jy_sb_appendc(out, ',');
        firstp = 0;
        jy_sb_json_str(out, t[i].route.path);
        jy_sb_append(out, ":{");
        int firsto = 1;
        for (size_t j = i; j < n; j++) {
            if (done[j] || strcmp(t[j].route.path, t[i].route.path)) continue;
            done[j] = 1;
            if (!firsto) jy_sb_appendc(out, ',');
            firsto = 0;
            char m[8];
            size_t k = 0;
            for (; t[j].route.method[k] && k < 7; k++)
                m[k] = (char)(t[j].route.method[k] | 0x20);
            m[k] = '\0';
            jy_sb_json_str(out, m);
            jy_sb_appendc(out, ':');
            op_json(out, &t[j]);
        }
        jy_sb_appendc(out, '}');
    }
    free(done);
    jy_sb_append(out,
                 "},\"components\":{\"securitySchemes\":{\"session\":{\"type\":\"apiKey\",\"in\":\"cookie\","
                 "\"name\":\"jiuye_session\"}},\"schemas\":{\"Error\":{\"type\":\"object\",\"required\":[\"error\"],"
                 "\"properties\":{\"error\":{\"type\":\"object\",\"required\":[\"status\",\"code\",\"message\",\"message_zh\"],"
                 "\"properties\":{\"status\":{\"type\":\"integer\"},\"code\":{\"type\":\"string\"},"
                 "\"message\":{\"type\":\"string\"},\"message_zh\":{\"type\":\"string\"},"
                 "\"key\":{\"type\":[\"string\",\"null\"]},\"field\":{\"type\":[\"string\",\"null\"]}}}}},"
                 "\"Page\":{\"type\":\"object\",\"required\":[\"items\",\"next_cursor\"],\"properties\":{"
                 "\"items\":{\"type\":\"array\"},\"next_cursor\":{\"type\":[\"string\",\"null\"]}}}}}}");
}
