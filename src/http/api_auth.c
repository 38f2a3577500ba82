/* api_auth.c — sessions and the signed-in user's own account under /api/v1 (issue 11):
 *
 *   POST   /api/v1/session                 log in {name, password} → cookie + CSRF token
 *   POST   /api/v1/session/second-factor   {code}: TOTP or a recovery code completes a half-open login
 *   GET    /api/v1/session                 who am I (also half-open: what is still needed)
 *   DELETE /api/v1/session                 log out (the session ends server-side)
 *   POST   /api/v1/session/password        {old_password, new_password}: every session of the
 *                                          account ends, a fresh one is opened for the caller
 *   GET    /api/v1/openapi.json            the OpenAPI 3.1 document of every route
 *
 * The rules (lockout, hashing pool, second factor, idle and absolute limits) are the accounts
 * service's (service/auth.h); these handlers only carry them over HTTP. */
#include <stdio.h>
#include <string.h>

#include "http/api.h"

/* permission values below 0 (see api.c's permit hook): */
#define SIGNED_IN (-1)  /* any fully signed-in user */
#define ANY_SESSION (-2) /* also a half-open one (second factor pending) */

static void principal_json(jy_sb *sb, const jy_principal *p)
{
    jy_sb_appendc(sb, '{');
    jy_sb_json_kv_i64(sb, "id", p->user_id);
    jy_sb_json_kv_str(sb, "name", p->name);
    jy_sb_json_kv_str(sb, "role", jy_role_name(p->role));
    jy_sb_json_kv_str(sb, "role_label", jy_role_label(p->role));
    jy_sb_json_kv_str(sb, "area", p->area);
    jy_sb_append(sb, ",\"org_id\":");
    if (p->org_id) jy_sb_append_i64(sb, p->org_id);
    else jy_sb_append(sb, "null");
    jy_sb_append(sb, ",\"person_id\":");
    if (p->person_id) jy_sb_append_i64(sb, p->person_id);
    else jy_sb_append(sb, "null");
    jy_sb_json_kv_bool(sb, "must_change_password", p->must_change);
    jy_sb_json_kv_bool(sb, "second_factor_required", p->second_factor_required);
    jy_sb_json_kv_bool(sb, "second_factor_done", p->second_factor_done);
    jy_sb_append(sb, ",\"permissions\":[");
    int first = 1;
    for (int perm = 0; perm < JY_PERM__COUNT; perm++) {
        if (!jy_role_holds(p, perm)) continue;
        if (!first) jy_sb_appendc(sb, ',');
        first = 0;
        jy_sb_json_str(sb, jy_perm_name(perm));
    }
    jy_sb_append(sb, "]}");
}

static const char *state_name(const jy_login *l)
{
    return l->state == JY_LOGIN_SECOND_FACTOR ? "second_factor" : "open";
}

/* The answer to a successful login or password change: cookie, CSRF token, the user. */
static void reply_login(jy_http_req *req, const jy_login *l, unsigned status)
{
    jy_api *api = jy_api_of(req);
    const jy_auth_config *c = jy_auth_config_of(api->auth);
    jy_http_set_session_cookie(req, l->token, (int)c->lifetime_seconds);
    jy_sb sb = JY_SB_INIT;
    jy_sb_appendc(&sb, '{');
    jy_sb_json_kv_str(&sb, "state", state_name(l));
    jy_sb_json_kv_str(&sb, "csrf_token", l->csrf);
    jy_sb_append(&sb, ",\"user\":");
    principal_json(&sb, &l->who);
    jy_sb_appendc(&sb, '}');
    jy_http_reply_json(req, status, &sb);
}

static void reply_refusal(jy_http_req *req, const jy_login *l, const jy_err *err)
{
    char retry[24];
    switch (l->refusal) {
    case JY_REFUSED_ACCOUNT_LOCKED:
    case JY_REFUSED_ADDRESS_LOCKED:
    case JY_REFUSED_BUSY:
        snprintf(retry, sizeof retry, "%lld", (long long)(l->retry_after > 0 ? l->retry_after : 1));
        jy_http_req_set_header(req, "Retry-After", retry);
        jy_http_reply_error_e(req, 429, l->refusal == JY_REFUSED_BUSY ? "busy" : "locked", NULL, err);
        return;
    default:
        jy_http_reply_error_e(req, 401, "unauthenticated", NULL, err);
    }
}

static void h_login(jy_http_req *req)
{
    json_t *body = jy_api_body_or_reply(req);
    if (!body || jy_api_only_keys_or_reply(req, body, "name,password")) return;
    const char *name, *password;
    if (jy_api_str_or_reply(req, body, "name", 1, &name) || jy_api_str_or_reply(req, body, "password", 1, &password))
        return;
    jy_store *st = jy_api_store_or_reply(req);
    if (!st) return;
    jy_login l;
    memset(&l, 0, sizeof l);
    jy_err err = {0};
    int rc = jy_auth_login(jy_api_of(req)->auth, st, name, password, jy_http_req_client_addr(req), jy_api_now(req), &l,
                           &err);
    if (rc == JY_EAUTH || rc == JY_EBUSY) {
        reply_refusal(req, &l, &err);
        return;
    }
    if (rc) {
        jy_api_fail(req, &err, NULL);
        return;
    }
    reply_login(req, &l, 200);
}

static void h_second_factor(jy_http_req *req)
{
    json_t *body = jy_api_body_or_reply(req);
    if (!body || jy_api_only_keys_or_reply(req, body, "code")) return;
    const char *code;
    if (jy_api_str_or_reply(req, body, "code", 1, &code)) return;
    jy_store *st = jy_api_store_or_reply(req);
    if (!st) return;
    const char *token = jy_http_req_cookie(req, jy_http_session_cookie_name(req));
    jy_principal p;
    jy_err err = {0};
    if (jy_auth_second_factor(jy_api_of(req)->auth, st, token, code, jy_http_req_client_addr(req), jy_api_now(req),
                              &p, &err)) {
        jy_api_fail(req, &err, err.code == JY_EAUTH ? NULL : "code");
        return;
    }
    jy_sb sb = JY_SB_INIT;
    jy_sb_append(&sb, "{\"state\":\"open\",\"user\":");
    principal_json(&sb, &p);
    jy_sb_appendc(&sb, '}');
    jy_http_reply_json(req, 200, &sb);
}

static void h_me(jy_http_req *req)
{
    const jy_principal *p = jy_api_who(req);
    jy_sb sb = JY_SB_INIT;
    jy_sb_appendc(&sb, '{');
    jy_sb_json_kv_str(&sb, "state", p->second_factor_required && !p->second_factor_done ? "second_factor" : "open");
    jy_sb_append(&sb, ",\"user\":");
    principal_json(&sb, p);
    jy_sb_appendc(&sb, '}');
    jy_http_reply_json(req, 200, &sb);
}

static void h_logout(jy_http_req *req)
{
    jy_store *st = jy_api_store_or_reply(req);
    if (!st) return;
    const char *token = jy_http_req_cookie(req, jy_http_session_cookie_name(req));
    jy_err err = {0};
    if (jy_auth_logout(jy_api_of(req)->auth, st, token, jy_http_req_client_addr(req), jy_api_now(req), &err)) {
        jy_api_fail(req, &err, NULL);
        return;
    }
    jy_http_set_session_cookie(req, "", 0);
    jy_sb sb = JY_SB_INIT;
    jy_sb_append(&sb, "{\"state\":\"ended\"}");
    jy_http_reply_json(req, 200, &sb);
}

static void h_password(jy_http_req *req)
{
    json_t *body = jy_api_body_or_reply(req);
    if (!body || jy_api_only_keys_or_reply(req, body, "old_password,new_password")) return;
    const char *old_pw, *new_pw;
    if (jy_api_str_or_reply(req, body, "old_password", 1, &old_pw) ||
        jy_api_str_or_reply(req, body, "new_password", 1, &new_pw))
        return;
    jy_store *st = jy_api_store_or_reply(req);
    if (!st) return;
    const char *token = jy_http_req_cookie(req, jy_http_session_cookie_name(req));
    jy_login fresh;
    memset(&fresh, 0, sizeof fresh);
    jy_err err = {0};
    int rc = jy_auth_change_password(jy_api_of(req)->auth, st, token, old_pw, new_pw, jy_http_req_client_addr(req),
                                     jy_api_now(req), &fresh, &err);
    if (rc) {
        jy_api_fail(req, &err, rc == JY_EINVAL ? "new_password" : NULL);
        return;
    }
    reply_login(req, &fresh, 200);
}

static void h_openapi(jy_http_req *req)
{
    jy_sb sb = JY_SB_INIT;
    jy_api_openapi(&sb);
    jy_http_req_set_header(req, "Cache-Control", "no-cache");
    jy_http_reply_json(req, 200, &sb);
}

#define USER_SCHEMA                                                                                             \
    "{\"type\":\"object\",\"required\":[\"id\",\"name\",\"role\",\"area\",\"permissions\"],\"properties\":{"     \
    "\"id\":{\"type\":\"integer\"},\"name\":{\"type\":\"string\"},\"role\":{\"type\":\"string\"},"              \
    "\"role_label\":{\"type\":\"string\"},\"area\":{\"type\":\"string\"},"                                      \
    "\"org_id\":{\"type\":[\"integer\",\"null\"]},\"person_id\":{\"type\":[\"integer\",\"null\"]},"            \
    "\"must_change_password\":{\"type\":\"boolean\"},\"second_factor_required\":{\"type\":\"boolean\"},"       \
    "\"second_factor_done\":{\"type\":\"boolean\"},\"permissions\":{\"type\":\"array\",\"items\":{\"type\":"   \
    "\"string\"}}}}"
#define LOGIN_SCHEMA                                                                                            \
    "{\"type\":\"object\",\"required\":[\"state\",\"csrf_token\",\"user\"],\"properties\":{\"state\":{\"enum\":" \
    "[\"open\",\"second_factor\"]},\"csrf_token\":{\"type\":\"string\"},\"user\":" USER_SCHEMA "}}"
#define STATE_SCHEMA                                                                                            \
    "{\"type\":\"object\",\"required\":[\"state\",\"user\"],\"properties\":{\"state\":{\"enum\":[\"open\","     \
    "\"second_factor\"]},\"user\":" USER_SCHEMA "}}"

const jy_api_route jy_api_routes_auth[] = {
    {{.method = "POST", .path = "/api/v1/session", .fn = h_login, .flags = JY_HTTP_PUBLIC | JY_HTTP_NO_CSRF | JY_HTTP_SLOW,
      .max_body = 4096},
     {.tag = "session",
      .summary = "Log in (登录): sets the session cookie and returns the CSRF token",
      .request = "{\"type\":\"object\",\"required\":[\"name\",\"password\"],\"properties\":{\"name\":{\"type\":"
                 "\"string\"},\"password\":{\"type\":\"string\"}},\"additionalProperties\":false}",
      .response = LOGIN_SCHEMA,
      .statuses = "200,400,401,415,422,429"}},
    {{.method = "POST", .path = "/api/v1/session/second-factor", .fn = h_second_factor, .permission = ANY_SESSION,
      .max_body = 1024},
     {.tag = "session",
      .summary = "Complete a login with a TOTP code or a recovery code (第二因子)",
      .request = "{\"type\":\"object\",\"required\":[\"code\"],\"properties\":{\"code\":{\"type\":\"string\"}},"
                 "\"additionalProperties\":false}",
      .response = STATE_SCHEMA,
      .statuses = "200,400,401,403,415,422,429"}},
    {{.method = "GET", .path = "/api/v1/session", .fn = h_me, .permission = ANY_SESSION},
     {.tag = "session", .summary = "The signed-in user, role, area and permissions", .response = STATE_SCHEMA,
      .statuses = "200,401"}},
    {{.method = "DELETE", .path = "/api/v1/session", .fn = h_logout, .permission = ANY_SESSION},
     {.tag = "session",
      .summary = "Log out (退出): the session ends on the server",
      .response = "{\"type\":\"object\",\"required\":[\"state\"],\"properties\":{\"state\":{\"const\":\"ended\"}}}",
      .statuses = "200,401,403"}},
    {{.method = "POST", .path = "/api/v1/session/password", .fn = h_password, .permission = ANY_SESSION,
      .flags = JY_HTTP_SLOW, .max_body = 4096},
     {.tag = "session",
      .summary = "Change my password (修改密码): every session of the account ends, a new one is opened",
      .request = "{\"type\":\"object\",\"required\":[\"old_password\",\"new_password\"],\"properties\":{"
                 "\"old_password\":{\"type\":\"string\"},\"new_password\":{\"type\":\"string\"}},"
                 "\"additionalProperties\":false}",
      .response = LOGIN_SCHEMA,
      .statuses = "200,400,401,403,415,422,429"}},
    {{.method = "GET", .path = "/api/v1/openapi.json", .fn = h_openapi, .flags = JY_HTTP_PUBLIC},
     {.tag = "meta", .summary = "This API's OpenAPI 3.1 document", .response = "{\"type\":\"object\"}",
      .statuses = "200"}},
};
const size_t jy_api_routes_auth_n = sizeof jy_api_routes_auth / sizeof jy_api_routes_auth[0];
