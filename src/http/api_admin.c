/* api_admin.c — the audit trail and the accounts under /api/v1 (issue 11):
 *
 *   GET  /api/v1/audit               the audit log (审计日志), paged by sequence; images masked
 *   GET  /api/v1/audit/verify        walks the whole hash chain: ok, or the first broken entry
 *   GET  /api/v1/access-log          who saw personal data whole, when, why, from where (查询日志)
 *   GET  /api/v1/users               accounts in the asker's area, never a hash or a secret
 *   POST /api/v1/users               add or update an account (安全管理员): role, area, owner
 *   POST /api/v1/users/{name}/lock   lock / unlock an account {locked: true|false}
 *   POST /api/v1/users/{name}/password  reset the password (given or generated; changed at next login)
 *   POST /api/v1/users/{name}/totp   reset the second factor: new TOTP secret and recovery codes
 *
 * Reading the logs is the auditor's (审计管理员) and changes nothing; accounts are the security
 * administrator's (安全管理员) — the three-way separation of users.h. Neither log can be edited
 * or deleted through any route (there is none), and the database refuses it (triggers). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "http/api.h"
#include "service/privacy.h"
#include "store/access_log.h"

/* ---- audit ---- */

typedef struct audit_walk {
    jy_api_page *pg;
    jy_sb one;
} audit_walk;

static int audit_item(void *ctx, const jy_audit_entry *e)
{
    audit_walk *w = ctx;
    jy_sb_reset(&w->one);
    jy_audit_entry_json(&w->one, e);
    jy_privacy_mask_json(&w->one);
    return jy_api_page_add(w->pg, e->seq, jy_sb_cstr(&w->one), w->one.len);
}

static void h_audit(jy_http_req *req)
{
    jy_api_page pg;
    if (jy_api_page_or_reply(req, &pg)) return;
    jy_store *st = jy_api_store_or_reply(req);
    if (!st) {
        jy_sb_free(&pg.items);
        return;
    }
    audit_walk w = {&pg, JY_SB_INIT};
    jy_err err = {0};
    int rc = jy_store_audit_list(st, pg.after, pg.limit + 1, audit_item, &w, &err);
    jy_sb_free(&w.one);
    jy_api_page_end(req, &pg, rc, &err, NULL);
}

static void h_audit_verify(jy_http_req *req)
{
    jy_store *st = jy_api_store_or_reply(req);
    if (!st) return;
    int64_t checked = 0, seq = 0;
    char head[65] = "";
    jy_err err = {0};
    int rc = jy_store_audit_verify(st, &checked, &err);
    if (rc && rc != JY_ETAMPER) {
        jy_api_fail(req, &err, NULL);
        return;
    }
    jy_err herr = {0};
    jy_store_audit_head(st, &seq, head, &herr);
    jy_sb sb = JY_SB_INIT;
    jy_sb_appendc(&sb, '{');
    jy_sb_json_kv_bool(&sb, "ok", rc == 0);
    jy_sb_json_kv_i64(&sb, "checked", checked);
    jy_sb_json_kv_i64(&sb, "head_seq", seq);
    jy_sb_json_kv_str(&sb, "head_hash", head);
    jy_sb_json_key(&sb, "error");
    if (rc) jy_sb_json_str(&sb, err.msg);
    else jy_sb_append(&sb, "null");
    jy_sb_appendc(&sb, '}');
    jy_http_reply_json(req, 200, &sb);
}

typedef struct access_walk {
    jy_api_page *pg;
    jy_sb one;
} access_walk;

static int access_item(void *ctx, const jy_access_entry *e)
{
    access_walk *w = ctx;
    jy_sb_reset(&w->one);
    jy_access_entry_json(&w->one, e);
    return jy_api_page_add(w->pg, e->id, jy_sb_cstr(&w->one), w->one.len);
}

static void h_access_log(jy_http_req *req)
{
    jy_api_page pg;
    if (jy_api_page_or_reply(req, &pg)) return;
    jy_date since = 0;
    if (jy_api_query_date_or_reply(req, "since", &since) < 0) {
        jy_sb_free(&pg.items);
        return;
    }
    char sd[JY_DATE_BUFSZ] = "";
    if (since) jy_date_format(since, sd);
    jy_access_filter f = {.actor = jy_http_req_query(req, "user"), .since = sd, .after_id = pg.after,
                          .limit = pg.limit + 1};
    jy_store *st = jy_api_store_or_reply(req);
    if (!st) {
        jy_sb_free(&pg.items);
        return;
    }
    access_walk w = {&pg, JY_SB_INIT};
    jy_err err = {0};
    int rc = jy_store_access_log_list(st, &f, access_item, &w, &err);
    jy_sb_free(&w.one);
    jy_api_page_end(req, &pg, rc, &err, NULL);
}

/* ---- accounts ---- */

static jy_auth_ctx auth_ctx(jy_http_req *req)
{
    jy_auth_ctx c = {.by = jy_api_who(req), .address = jy_http_req_client_addr(req), .os_user = NULL,
                     .now = jy_api_now(req)};
    return c;
}

typedef struct user_walk {
    jy_sb *sb;
    int n;
} user_walk;

static int user_item(void *ctx, const char *json)
{
    user_walk *w = ctx;
    if (w->n++) jy_sb_appendc(w->sb, ',');
    jy_sb_append(w->sb, json);
    return 0;
}

static void h_users(jy_http_req *req)
{
    jy_store *st = jy_api_store_or_reply(req);
    if (!st) return;
    jy_auth_ctx c = auth_ctx(req);
    jy_sb sb = JY_SB_INIT;
    jy_sb_append(&sb, "{\"items\":[");
    user_walk w = {&sb, 0};
    jy_err err = {0};
    if (jy_account_list(jy_api_of(req)->auth, st, &c, user_item, &w, &err)) {
        jy_sb_free(&sb);
        jy_api_fail(req, &err, NULL);
        return;
    }
    jy_sb_append(&sb, "],\"next_cursor\":null}");
    jy_http_reply_json(req, 200, &sb);
}

static void h_user_put(jy_http_req *req)
{
    json_t *b = jy_api_body_or_reply(req);
    if (!b || jy_api_only_keys_or_reply(req, b, "name,role,area,org_id,person_id,display")) return;
    const char *name, *role, *area = "", *display = "";
    int64_t org_id = 0, person_id = 0;
    if (jy_api_str_or_reply(req, b, "name", 1, &name) || jy_api_str_or_reply(req, b, "role", 1, &role) ||
        jy_api_str_or_reply(req, b, "area", 0, &area) < 0 || jy_api_str_or_reply(req, b, "display", 0, &display) < 0 ||
        jy_api_i64_or_reply(req, b, "org_id", 0, 1, INT64_MAX, &org_id) < 0 ||
        jy_api_i64_or_reply(req, b, "person_id", 0, 1, INT64_MAX, &person_id) < 0)
        return;
    jy_user u;
    memset(&u, 0, sizeof u);
    jy_err err = {0};
    int r;
    if (strlen(name) == 0 || strlen(name) >= sizeof u.name) {
        jy_http_reply_error2(req, 422, "invalid_field", "name", "api.user_name", "name: 1 to %zu bytes", "name：应为1至%zu字节", sizeof u.name - 1);
        return;
    }
    if (jy_role_parse(role, &r, &err)) {
        jy_api_fail(req, &err, "role");
        return;
    }
    if (jy_area_check(area, &err)) {
        jy_api_fail(req, &err, "area");
        return;
    }
    snprintf(u.name, sizeof u.name, "%s", name);
    snprintf(u.role, sizeof u.role, "%s", jy_role_name(r));
    snprintf(u.area, sizeof u.area, "%s", area);
    snprintf(u.display, sizeof u.display, "%s", display);
    u.org_id = org_id;
    u.person_id = person_id;
    jy_store *st = jy_api_store_or_reply(req);
    if (!st) return;
    jy_auth_ctx c = auth_ctx(req);
    char generated[32] = "";
    int result = 0;
    if (jy_account_put(jy_api_of(req)->auth, st, &c, &u, NULL, generated, &result, &err)) {
        jy_api_fail(req, &err, NULL);
        return;
    }
    jy_sb sb = JY_SB_INIT;
    jy_sb_appendc(&sb, '{');
    jy_sb_json_kv_i64(&sb, "id", u.id);
    jy_sb_json_kv_str(&sb, "name", u.name);
    jy_sb_json_kv_str(&sb, "role", u.role);
    jy_sb_json_kv_str(&sb, "area", u.area);
    jy_sb_json_kv_str(&sb, "result", result == JY_PUT_CREATED ? "created" : result == JY_PUT_UPDATED ? "updated"
                                                                                                     : "unchanged");
    /* a new account's first password: shown once, to be handed over and changed at first login */
    jy_sb_json_key(&sb, "initial_password");
    if (generated[0]) jy_sb_json_str(&sb, generated);
    else jy_sb_append(&sb, "null");
    jy_sb_appendc(&sb, '}');
    jy_http_reply_json(req, result == JY_PUT_CREATED ? 201 : 200, &sb);
}

static void h_user_lock(jy_http_req *req)
{
    json_t *b = jy_api_body_or_reply(req);
    if (!b || jy_api_only_keys_or_reply(req, b, "locked")) return;
    json_t *v = json_object_get(b, "locked");
    if (!json_is_boolean(v)) {
        jy_http_reply_error2(req, 422, "invalid_field", "locked", "api.locked_bool", "locked: true or false", "locked：应为 true 或 false");
        return;
    }
    jy_store *st = jy_api_store_or_reply(req);
    if (!st) return;
    jy_auth_ctx c = auth_ctx(req);
    jy_err err = {0};
    const char *name = jy_http_req_param(req, "name");
    if (jy_account_lock(jy_api_of(req)->auth, st, &c, name, json_is_true(v), &err)) {
        jy_api_fail(req, &err, NULL);
        return;
    }
    jy_sb sb = JY_SB_INIT;
    jy_sb_appendc(&sb, '{');
    jy_sb_json_kv_str(&sb, "name", name);
    jy_sb_json_kv_bool(&sb, "locked", json_is_true(v));
    jy_sb_appendc(&sb, '}');
    jy_http_reply_json(req, 200, &sb);
}

/* POST /api/v1/users/{name}/password {"password"?}: an administrator's reset (安全管理员): the given
 * password (checked like any) or a generated one, shown once; the account must change it at its
 * next login and its sessions end. */
static void h_user_password(jy_http_req *req)
{
    size_t len = 0;
    const char *raw = jy_http_req_body(req, &len);
    const char *password = NULL;
    if (raw && len) {
        json_t *b = jy_api_body_or_reply(req);
        if (!b || jy_api_only_keys_or_reply(req, b, "password")) return;
        if (jy_api_str_or_reply(req, b, "password", 0, &password) < 0) return;
        if (password && !*password) password = NULL;
    }
    jy_store *st = jy_api_store_or_reply(req);
    if (!st) return;
    jy_auth_ctx c = auth_ctx(req);
    const char *name = jy_http_req_param(req, "name");
    char generated[32] = "";
    jy_err err = {0};
    if (jy_account_set_password(jy_api_of(req)->auth, st, &c, name, password, generated, &err)) {
        jy_api_fail(req, &err, err.code == JY_EINVAL ? "password" : NULL);
        return;
    }
    jy_sb sb = JY_SB_INIT;
    jy_sb_appendc(&sb, '{');
    jy_sb_json_kv_str(&sb, "name", name);
    jy_sb_json_key(&sb, "password");
    if (generated[0]) jy_sb_json_str(&sb, generated);
    else jy_sb_append(&sb, "null");
    jy_sb_json_kv_bool(&sb, "must_change", 1);
    jy_sb_appendc(&sb, '}');
    jy_http_req_set_header(req, "Cache-Control", "no-store");
    jy_http_reply_json(req, 200, &sb);
}

/* POST /api/v1/users/{name}/totp: a new TOTP secret for the account (the old one stops working at
 * once), answered once as the otpauth:// URI and the base32 secret for typing in; and ten new
 * recovery codes (the old ones stop working), since a lost phone usually means lost codes too. */
static void h_user_totp(jy_http_req *req)
{
    size_t len = 0;
    const char *raw = jy_http_req_body(req, &len);
    if (raw && len) {
        json_t *b = jy_api_body_or_reply(req);
        if (!b || jy_api_only_keys_or_reply(req, b, "")) return;
    }
    jy_store *st = jy_api_store_or_reply(req);
    if (!st) return;
    jy_auth_ctx c = auth_ctx(req);
    const char *name = jy_http_req_param(req, "name");
    char uri[512] = "";
    char codes[JY_RECOVERY_CODES][24];
    jy_err err = {0};
    if (jy_account_totp_enroll(jy_api_of(req)->auth, st, &c, name, uri, &err) ||
        jy_account_recovery_codes(jy_api_of(req)->auth, st, &c, name, codes, &err)) {
        jy_api_fail(req, &err, NULL);
        return;
    }
    /* the secret= parameter of the URI, for typing into an app that cannot scan */
    char secret[128] = "";
    const char *p = strstr(uri, "secret=");
    if (p) {
        p += 7;
        size_t n = strcspn(p, "&");
        if (n >= sizeof secret) n = sizeof secret - 1;
        memcpy(secret, p, n);
        secret[n] = 0;
    }
    jy_sb sb = JY_SB_INIT;
    jy_sb_appendc(&sb, '{');
    jy_sb_json_kv_str(&sb, "name", name);
    jy_sb_json_kv_str(&sb, "otpauth_uri", uri);
    jy_sb_json_kv_str(&sb, "secret", secret);
    jy_sb_json_key(&sb, "recovery_codes");
    jy_sb_appendc(&sb, '[');
    for (int i = 0; i < JY_RECOVERY_CODES; i++) {
        if (i) jy_sb_appendc(&sb, ',');
        jy_sb_json_str(&sb, codes[i]);
    }
    jy_sb_append(&sb, "]}");
    sodium_memzero(uri, sizeof uri);
    sodium_memzero(secret, sizeof secret);
    sodium_memzero(codes, sizeof codes);
    jy_http_req_set_header(req, "Cache-Control", "no-store");
    jy_http_reply_json(req, 200, &sb);
}

#define STR "{\"type\":\"string\"}"
#define PAGE "{\"$ref\":\"#/components/schemas/Page\"}"

const jy_api_route jy_api_routes_admin[] = {
    {{.method = "GET", .path = "/api/v1/audit", .fn = h_audit, .permission = JY_PERM_AUDIT_READ},
     {.tag = "audit", .summary = "The audit log (审计日志) by sequence; personal data in the images masked",
      .query = "limit,cursor", .response = PAGE, .statuses = "200,400,401,403"}},
    {{.method = "GET", .path = "/api/v1/audit/verify", .fn = h_audit_verify, .permission = JY_PERM_AUDIT_VERIFY},
     {.tag = "audit", .summary = "Verify the whole hash chain: ok, entries checked, the head to write down",
      .response = "{\"type\":\"object\",\"required\":[\"ok\",\"checked\",\"head_seq\",\"head_hash\"],\"properties\":{"
                  "\"ok\":{\"type\":\"boolean\"},\"checked\":{\"type\":\"integer\"},\"head_seq\":{\"type\":\"integer\"},"
                  "\"head_hash\":" STR ",\"error\":{\"type\":[\"string\",\"null\"]}}}",
      .statuses = "200,401,403"}},
    {{.method = "GET", .path = "/api/v1/access-log", .fn = h_access_log, .permission = JY_PERM_ACCESS_LOG_READ},
     {.tag = "audit", .summary = "The access log (查询日志): unmasked views and exports of personal data",
      .query = "user,since,limit,cursor", .response = PAGE, .statuses = "200,400,401,403"}},
    {{.method = "GET", .path = "/api/v1/users", .fn = h_users, .permission = JY_PERM_USER_READ},
     {.tag = "users", .summary = "Accounts in your area with their login state (never a hash or a secret)",
      .response = PAGE, .statuses = "200,401,403"}},
    {{.method = "POST", .path = "/api/v1/users", .fn = h_user_put, .permission = JY_PERM_USER_MANAGE, .max_body = 4096},
     {.tag = "users", .summary = "Add or update an account (安全管理员); a new one gets a password to change at first login",
      .request = "{\"type\":\"object\",\"required\":[\"name\",\"role\"],\"additionalProperties\":false,\"properties\":{"
                 "\"name\":" STR ",\"role\":" STR ",\"area\":" STR ",\"display\":" STR ",\"org_id\":{\"type\":"
                 "\"integer\"},\"person_id\":{\"type\":\"integer\"}}}",
      .response = "{\"type\":\"object\",\"required\":[\"id\",\"name\",\"role\",\"area\",\"result\","
                  "\"initial_password\"],\"properties\":{\"id\":{\"type\":\"integer\"},\"initial_password\":"
                  "{\"type\":[\"string\",\"null\"]}}}",
      .statuses = "200,201,400,401,403,404,409,415,422", .success = 201}},
    {{.method = "POST", .path = "/api/v1/users/{name}/lock", .fn = h_user_lock, .permission = JY_PERM_USER_MANAGE,
      .max_body = 1024},
     {.tag = "users", .summary = "Lock or unlock an account (its sessions end when locked)",
      .request = "{\"type\":\"object\",\"required\":[\"locked\"],\"additionalProperties\":false,\"properties\":{"
                 "\"locked\":{\"type\":\"boolean\"}}}",
      .response = "{\"type\":\"object\",\"required\":[\"name\",\"locked\"]}",
      .statuses = "200,400,401,403,404,409,415,422"}},
    {{.method = "POST", .path = "/api/v1/users/{name}/password", .fn = h_user_password,
      .permission = JY_PERM_USER_MANAGE, .max_body = 1024},
     {.tag = "users", .summary = "Reset an account's password (安全管理员): given or generated (shown once); changed at next login; its sessions end",
      .request = "{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{\"password\":" STR "}}",
      .response = "{\"type\":\"object\",\"required\":[\"name\",\"password\",\"must_change\"],\"properties\":{"
                  "\"name\":" STR ",\"password\":{\"type\":[\"string\",\"null\"]},\"must_change\":{\"type\":\"boolean\"}}}",
      .statuses = "200,400,401,403,404,409,415,422"}},
    {{.method = "POST", .path = "/api/v1/users/{name}/totp", .fn = h_user_totp, .permission = JY_PERM_USER_MANAGE,
      .max_body = 256},
     {.tag = "users", .summary = "Reset an account's second factor: a new TOTP secret (URI and secret shown once) and ten new recovery codes",
      .request = "{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{}}",
      .response = "{\"type\":\"object\",\"required\":[\"name\",\"otpauth_uri\",\"secret\",\"recovery_codes\"],"
                  "\"properties\":{\"name\":" STR ",\"otpauth_uri\":" STR ",\"secret\":" STR ",\"recovery_codes\":"
                  "{\"type\":\"array\",\"items\":" STR "}}}",
      .statuses = "200,400,401,403,404,409,415,422"}},
};
const size_t jy_api_routes_admin_n = sizeof jy_api_routes_admin / sizeof jy_api_routes_admin[0];
