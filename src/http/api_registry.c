/* api_registry.c — persons and organisations under /api/v1 (issue 11):
 *
 *   GET  /api/v1/persons                 search: ?name= (contains) ?town= (division prefix), paged
 *   POST /api/v1/persons                 add (or update by ID number): the CLI's checks (registry.h)
 *   GET  /api/v1/persons/{id}            one person with statuses and their cases in every programme
 *   PUT  /api/v1/persons/{id}            edit (the ID number stays)
 *   POST /api/v1/persons/{id}/statuses   add a dated status (登记失业, 脱贫人口 …)
 *   PUT  /api/v1/persons/{id}/statuses/{sid}  edit a dated status or end it (until)
 *   GET  /api/v1/orgs                    search: ?name= ?kind=, paged
 *   POST /api/v1/orgs                    add (or update by USCC)
 *   GET  /api/v1/orgs/{id}               one organisation with licences and its cases
 *   PUT  /api/v1/orgs/{id}               edit (the USCC stays)
 *   POST /api/v1/orgs/{id}/licences      add a licence
 *   POST /api/v1/orgs/{id}/statuses      add a dated status (定点培训机构, 限期整改 …; migration 16)
 *   PUT  /api/v1/orgs/{id}/statuses/{sid}  edit a dated status or end it (until)
 *
 * Areas: the handle is scoped to the user's county (api.c); each record is checked against the
 * user's township and ownership (jy_api_permit_or_reply: 404 outside). Lists of a township user
 * keep to the township in the filter. Roles that act for an organisation see only it; an
 * applicant only their own person. Personal data is masked unless ?unmask=1&reason=…. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/api.h"
#include "service/privacy.h"
#include "service/registry.h"

/* ---- shared ---- */

static int is_township_area(const char *area) { return strlen(area) > 6; }

static int owner_bound(const jy_principal *p) { return ((1u << p->role) & JY_ROLES_OWNER_BOUND) != 0; }

/* Copies a string field into a fixed buffer: 0, 1 absent, negative after a 422. */
static int take_str(jy_http_req *req, json_t *b, const char *field, int required, char *dst, size_t cap)
{
    const char *s;
    int rc = jy_api_str_or_reply(req, b, field, required, &s);
    if (rc) return rc;
    if (strlen(s) >= cap) {
        jy_http_reply_error2(req, 422, "invalid_field", field, "api.field_too_long", "%s: longer than %zu bytes", "%s：超过%zu字节", field, cap - 1);
        return JY_EINVAL;
    }
    memcpy(dst, s, strlen(s) + 1);
    return 0;
}

static jy_divisions *divisions_or_reply(jy_http_req *req)
{
    jy_divisions *d = NULL;
    jy_err err = {0};
    if (jy_divisions_load(jy_api_of(req)->policy_dir, &d, &err)) {
        jy_api_fail(req, &err, NULL);
        return NULL;
    }
    jy_http_req_on_end(req, (void (*)(void *))jy_divisions_free, d);
    return d;
}

/* The cases of a person or an organisation: [{id, program, kind, state, decision, amount, filed_on}]. */
typedef struct case_walk {
    jy_sb *sb;
    int n;
} case_walk;

static int case_item(void *ctx, const jy_case *c)
{
    case_walk *w = ctx;
    if (w->n++) jy_sb_appendc(w->sb, ',');
    jy_sb_appendc(w->sb, '{');
    jy_sb_json_kv_i64(w->sb, "id", c->id);
    jy_sb_json_kv_str(w->sb, "program", c->program);
    jy_sb_json_kv_str(w->sb, "kind", c->kind);
    jy_sb_json_kv_str(w->sb, "state", c->state);
    jy_sb_json_kv_str(w->sb, "decision", c->decision);
    jy_sb_json_key(w->sb, "amount");
    if (c->has_amount) {
        char m[40];
        jy_money_format_plain(c->amount, m);
        jy_sb_json_str(w->sb, m);
    } else {
        jy_sb_append(w->sb, "null");
    }
    char d[JY_DATE_BUFSZ];
    jy_date_format(c->filed_on, d);
    jy_sb_json_kv_str(w->sb, "filed_on", d);
    jy_sb_json_kv_i64(w->sb, "year", c->year);
    jy_sb_appendc(w->sb, '}');
    return 0;
}

static int append_cases(jy_sb *sb, jy_store *st, int64_t person_id, int64_t org_id, jy_err *err)
{
    jy_case_filter f = {.person_id = person_id, .org_id = org_id, .limit = 500};
    case_walk w = {sb, 0};
    sb->len--; /* reopen the object */
    jy_sb_json_key(sb, "cases");
    jy_sb_appendc(sb, '[');
    int rc = jy_store_case_list(st, &f, case_item, &w, err);
    jy_sb_append(sb, "]}");
    return rc;
}

/* ---- persons ---- */

static jy_perm_target person_target(const jy_person *p)
{
    jy_perm_target t = {.area = p->hukou_division[0] ? p->hukou_division : p->county, .person_id = p->id};
    return t;
}

typedef struct person_page {
    jy_api_page *pg;
    int unmasked;
    jy_sb one;
} person_page;

static int person_item(void *ctx, const jy_person *p)
{
    person_page *pp = ctx;
    jy_sb_reset(&pp->one);
    jy_privacy_person_json(&pp->one, p, !pp->unmasked);
    return jy_api_page_add(pp->pg, p->id, jy_sb_cstr(&pp->one), pp->one.len);
}

static void h_persons(jy_http_req *req)
{
    const jy_principal *who = jy_api_who(req);
    jy_api_page pg;
    if (jy_api_page_or_reply(req, &pg)) return;
    jy_person_filter f = {.name_contains = jy_http_req_query(req, "name"), .after_id = pg.after, .limit = pg.limit + 1};
    const char *town = jy_http_req_query(req, "town");
    if (town && (strlen(town) > 12 || strspn(town, "0123456789") != strlen(town))) {
        jy_sb_free(&pg.items);
        jy_http_reply_error2(req, 400, "bad_query", "town", "api.town", "?town=%.20s: a division code (digits)", "?town=%.20s：应为行政区划代码（数字）", town);
        return;
    }
    if (owner_bound(who) && who->role != JY_ROLE_APPLICANT) {
        /* an organisation's account sees the persons of its own classes and placements there
         * (cases), not the registry: its search finds nobody */
        jy_api_page_reply(req, &pg);
        return;
    }
    /* a township user searches its township; a narrower ?town= inside it is fine */
    if (is_township_area(who->area) && (!town || strncmp(town, who->area, strlen(who->area)) != 0)) town = who->area;
    f.division_prefix = town;
    jy_store *st = jy_api_store_or_reply(req);
    if (!st) {
        jy_sb_free(&pg.items);
        return;
    }
    char target[160];
    snprintf(target, sizeof target, "list town=%s name=%.60s", town ? town : "", f.name_contains ? f.name_contains : "");
    int unmasked = jy_api_unmask_or_reply(req, JY_PRIV_UNMASK, "person", "", target);
    if (unmasked < 0) {
        jy_sb_free(&pg.items);
        return;
    }
    person_page pp = {&pg, unmasked, JY_SB_INIT};
    jy_err err = {0};
    int rc;
    if (who->role == JY_ROLE_APPLICANT) { /* their own person only */
        jy_person p;
        rc = who->person_id > pg.after ? jy_store_person_get(st, who->person_id, &p, &err) : JY_ENOTFOUND;
        if (rc == 0) person_item(&pp, &p);
        if (rc == JY_ENOTFOUND) rc = 0;
    } else {
        rc = jy_store_person_list(st, &f, person_item, &pp, &err);
    }
    jy_sb_free(&pp.one);
    if (rc) {
        jy_sb_free(&pg.items);
        jy_api_fail(req, &err, NULL);
        return;
    }
    jy_api_page_reply(req, &pg);
}

/* The person of {id} the user may see, or a reply queued and -1. */
static int person_or_reply(jy_http_req *req, jy_store *st, int perm, jy_person *p)
{
    int64_t id;
    if (jy_api_path_id_or_reply(req, "id", &id)) return -1;
    jy_err err = {0};
    if (jy_store_person_get(st, id, p, &err)) {
        jy_api_fail(req, &err, NULL);
        return -1;
    }
    jy_perm_target t = person_target(p);
    return jy_api_permit_or_reply(req, perm, &t) ? -1 : 0;
}

static void reply_person(jy_http_req *req, jy_store *st, const jy_person *p, const char *result, int unmasked,
                         unsigned status)
{
    jy_sb sb = JY_SB_INIT;
    jy_err err = {0};
    if (jy_registry_person_json(&sb, st, p, result, unmasked, &err) || append_cases(&sb, st, p->id, 0, &err)) {
        jy_sb_free(&sb);
        jy_api_fail(req, &err, NULL);
        return;
    }
    jy_api_reply_json(req, status, &sb);
}

static void h_person(jy_http_req *req)
{
    jy_store *st = jy_api_store_or_reply(req);
    jy_person p;
    if (!st || person_or_reply(req, st, JY_PERM_PERSON_READ, &p)) return;
    char target[32];
    snprintf(target, sizeof target, "%" PRId64, p.id);
    int unmasked = jy_api_unmask_or_reply(req, JY_PRIV_UNMASK, "person", p.county, target);
    if (unmasked < 0) return;
    reply_person(req, st, &p, NULL, unmasked, 200);
}

/* Reads a status object {kind, since, until, detail}: 0 or negative after a 422. */
static int read_status(jy_http_req *req, json_t *o, const char *where, jy_person_status *s)
{
    memset(s, 0, sizeof *s);
    if (!json_is_object(o)) {
        jy_http_reply_error2(req, 422, "invalid_field", where, "api.status_object", "%s: expected an object {kind, since, until, detail}", "%s：应为对象 {kind, since, until, detail}",
                                  where);
        return JY_EINVAL;
    }
    if (jy_api_only_keys_or_reply(req, o, "kind,since,until,detail")) return JY_EINVAL;
    const char *kind;
    if (jy_api_str_or_reply(req, o, "kind", 1, &kind) < 0) return JY_EINVAL;
    if (jy_status_kind_parse(kind, &s->kind)) {
        jy_http_reply_error2(req, 422, "invalid_field", "kind", "http.status_kind",
                             "kind: unknown status \"%.40s\" (registered_unemployed, poverty_alleviated, "
                             "monitored, disability, veteran, graduate, dibao, zero_employment_family, "
                             "public_welfare_post, fiscal_payroll, enrolled_student, retired, employer_insured, "
                             "or the Chinese term)",
                             "kind：未知的身份类别“%.40s”（可用 registered_unemployed、poverty_alleviated、monitored、"
                             "disability、veteran、graduate、dibao、zero_employment_family、public_welfare_post、"
                             "fiscal_payroll、enrolled_student、retired、employer_insured，或相应的中文名称）",
                             kind);
        return JY_EINVAL;
    }
    if (jy_api_date_or_reply(req, o, "since", 0, &s->since) < 0 || jy_api_date_or_reply(req, o, "until", 0, &s->until) < 0 ||
        take_str(req, o, "detail", 0, s->detail, sizeof s->detail) < 0)
        return JY_EINVAL;
    if (s->since && s->until && s->until < s->since) {
        jy_http_reply_error2(req, 422, "invalid_field", "until", "api.until_before_since", "until: before since", "until（截止日期）早于 since（开始日期）");
        return JY_EINVAL;
    }
    return 0;
}

#define PERSON_FIELDS "name,ethnicity,education,hukou_division,hukou_kind,phone,address"

/* Reads the editable fields of a person from b into p (absent fields keep p's value). */
static int read_person_fields(jy_http_req *req, json_t *b, jy_person *p, int name_required)
{
    const char *hk;
    if (take_str(req, b, "name", name_required, p->name, sizeof p->name) < 0 ||
        take_str(req, b, "ethnicity", 0, p->ethnicity, sizeof p->ethnicity) < 0 ||
        take_str(req, b, "education", 0, p->education, sizeof p->education) < 0 ||
        take_str(req, b, "hukou_division", 0, p->hukou_division, sizeof p->hukou_division) < 0 ||
        take_str(req, b, "phone", 0, p->phone, sizeof p->phone) < 0 ||
        take_str(req, b, "address", 0, p->address, sizeof p->address) < 0)
        return JY_EINVAL;
    int rc = jy_api_str_or_reply(req, b, "hukou_kind", 0, &hk);
    if (rc < 0) return rc;
    if (rc == 0 && jy_hukou_kind_parse(hk, &p->hukou_kind)) {
        jy_http_reply_error2(req, 422, "invalid_field", "hukou_kind", "api.hukou_kind", "hukou_kind: expected urban|rural (城镇|农村)", "hukou_kind：应为 urban|rural（城镇|农村）");
        return JY_EINVAL;
    }
    return 0;
}

/* Checks and saves p (with statuses) for the request; replies. */
static void save_person(jy_http_req *req, jy_store *st, jy_person *p, const char *idcard, jy_person_status *ss, int n,
                        int create)
{
    jy_divisions *divs = divisions_or_reply(req);
    if (!divs) return;
    const char *field = NULL;
    jy_err err = {0};
    if (jy_registry_person_check(divs, idcard, p, &field, &err)) {
        jy_api_fail(req, &err, field ? field : "idcard");
        return;
    }
    jy_perm_target t = person_target(p);
    if (jy_api_permit_or_reply(req, JY_PERM_PERSON_WRITE, &t)) return;
    int result = 0;
    if (jy_registry_person_save(st, p, ss, n, jy_api_actor(req), &result, &err)) {
        jy_api_fail(req, &err, NULL);
        return;
    }
    reply_person(req, st, p, jy_put_result_name(result), 0, create && result == JY_PUT_CREATED ? 201 : 200);
}

static void h_person_add(jy_http_req *req)
{
    json_t *b = jy_api_body_or_reply(req);
    if (!b || jy_api_only_keys_or_reply(req, b, "idcard," PERSON_FIELDS ",statuses")) return;
    if (jy_api_idem_begin(req)) return;
    jy_person p;
    memset(&p, 0, sizeof p);
    const char *idcard;
    if (jy_api_str_or_reply(req, b, "idcard", 1, &idcard) || read_person_fields(req, b, &p, 1)) return;
    jy_person_status ss[JY_REGISTRY_MAX_STATUSES];
    int n = 0;
    json_t *arr = json_object_get(b, "statuses");
    if (arr && !json_is_null(arr)) {
        if (!json_is_array(arr) || json_array_size(arr) > JY_REGISTRY_MAX_STATUSES) {
            jy_http_reply_error2(req, 422, "invalid_field", "statuses", "api.statuses", "statuses: an array of at most %d objects", "statuses：应为最多%d个对象的数组",
                                      JY_REGISTRY_MAX_STATUSES);
            return;
        }
        for (size_t i = 0; i < json_array_size(arr); i++)
            if (read_status(req, json_array_get(arr, i), "statuses", &ss[n++])) return;
    }
    jy_store *st = jy_api_store_or_reply(req);
    if (!st) return;
    save_person(req, st, &p, idcard, ss, n, 1);
}

static void h_person_edit(jy_http_req *req)
{
    json_t *b = jy_api_body_or_reply(req);
    if (!b || jy_api_only_keys_or_reply(req, b, PERSON_FIELDS)) return;
    jy_store *st = jy_api_store_or_reply(req);
    jy_person p;
    if (!st || person_or_reply(req, st, JY_PERM_PERSON_WRITE, &p)) return;
    char idcard[19];
    memcpy(idcard, p.idcard, sizeof idcard);
    if (read_person_fields(req, b, &p, 0)) return;
    save_person(req, st, &p, idcard, NULL, 0, 0);
}

static void h_person_status(jy_http_req *req)
{
    json_t *b = jy_api_body_or_reply(req);
    if (!b) return;
    jy_person_status s;
    if (read_status(req, b, "status", &s)) return;
    jy_store *st = jy_api_store_or_reply(req);
    jy_person p;
    if (!st || person_or_reply(req, st, JY_PERM_PERSON_WRITE, &p)) return;
    jy_err err = {0};
    if (jy_registry_person_save(st, &p, &s, 1, jy_api_actor(req), NULL, &err)) {
        jy_api_fail(req, &err, NULL);
        return;
    }
    reply_person(req, st, &p, NULL, 0, 201);
}

/* PUT /api/v1/persons/{id}/statuses/{sid}: edits a dated status, or ends it (until set): the whole
 * status {kind, since, until, detail} as POST takes it; the audit log keeps before and after. */
static void h_person_status_edit(jy_http_req *req)
{
    json_t *b = jy_api_body_or_reply(req);
    if (!b) return;
    jy_person_status s;
    if (read_status(req, b, "status", &s)) return;
    int64_t sid;
    if (jy_api_path_id_or_reply(req, "sid", &sid)) return;
    jy_store *st = jy_api_store_or_reply(req);
    jy_person p;
    if (!st || person_or_reply(req, st, JY_PERM_PERSON_WRITE, &p)) return;
    s.id = sid;
    jy_err err = {0};
    if (jy_store_person_status_update(st, p.id, &s, jy_api_actor(req), &err)) {
        jy_api_fail(req, &err, NULL);
        return;
    }
    reply_person(req, st, &p, NULL, 0, 200);
}

/* ---- organisations ---- */

static jy_perm_target org_target(const jy_org *o)
{
    jy_perm_target t = {.area = o->division[0] ? o->division : o->county, .org_id = o->id};
    return t;
}

typedef struct org_page {
    jy_api_page *pg;
    int unmasked;
    int64_t only; /* an organisation's own account: just this id */
    jy_sb one;
} org_page;

static int org_item(void *ctx, const jy_org *o)
{
    org_page *op = ctx;
    if (op->only && o->id != op->only) return 0;
    jy_org shown = *o;
    if (!op->unmasked) jy_privacy_mask_org(&shown);
    jy_sb_reset(&op->one);
    jy_org_json(&op->one, &shown);
    return jy_api_page_add(op->pg, o->id, jy_sb_cstr(&op->one), op->one.len);
}

static void h_orgs(jy_http_req *req)
{
    const jy_principal *who = jy_api_who(req);
    jy_api_page pg;
    if (jy_api_page_or_reply(req, &pg)) return;
    jy_org_filter f = {.name_contains = jy_http_req_query(req, "name"), .after_id = pg.after, .limit = pg.limit + 1};
    const char *kind = jy_http_req_query(req, "kind");
    jy_err err = {0};
    if (kind && jy_org_kinds_parse(kind, &f.kinds_any, &err)) {
        jy_sb_free(&pg.items);
        jy_err_prefix2(&err, "?kind=: ", "?kind=：");
        jy_http_reply_error_e(req, 400, "bad_query", "kind", &err);
        return;
    }
    jy_store *st = jy_api_store_or_reply(req);
    if (!st) {
        jy_sb_free(&pg.items);
        return;
    }
    int unmasked = jy_api_unmask_or_reply(req, JY_PRIV_UNMASK, "org", "", "list");
    if (unmasked < 0) {
        jy_sb_free(&pg.items);
        return;
    }
    org_page op = {&pg, unmasked, owner_bound(who) ? (who->org_id ? who->org_id : -1) : 0, JY_SB_INIT};
    if (op.only) f.limit = 0; /* the walk skips every other org */
    int rc = jy_store_org_list(st, &f, org_item, &op, &err);
    jy_sb_free(&op.one);
    if (rc) {
        jy_sb_free(&pg.items);
        jy_api_fail(req, &err, NULL);
        return;
    }
    jy_api_page_reply(req, &pg);
}

static int org_or_reply(jy_http_req *req, jy_store *st, int perm, jy_org *o)
{
    int64_t id;
    if (jy_api_path_id_or_reply(req, "id", &id)) return -1;
    jy_err err = {0};
    if (jy_store_org_get(st, id, o, &err)) {
        jy_api_fail(req, &err, NULL);
        return -1;
    }
    jy_perm_target t = org_target(o);
    return jy_api_permit_or_reply(req, perm, &t) ? -1 : 0;
}

#define ORG_STATUSES_MAX 64

/* ,"statuses":[…] into the organisation's object: its dated statuses (migration 16). */
static int append_org_statuses(jy_sb *sb, jy_store *st, int64_t org_id, jy_err *err)
{
    jy_org_status ss[ORG_STATUSES_MAX];
    int n = 0, rc = jy_store_org_statuses(st, org_id, ss, ORG_STATUSES_MAX, &n, err);
    if (rc) return rc;
    sb->len--; /* reopen the object */
    jy_sb_json_key(sb, "statuses");
    jy_sb_appendc(sb, '[');
    for (int i = 0; i < n; i++) {
        if (i) jy_sb_appendc(sb, ',');
        jy_org_status_json(sb, &ss[i]);
    }
    jy_sb_append(sb, "]}");
    return 0;
}

static void reply_org(jy_http_req *req, jy_store *st, const jy_org *o, const char *result, int unmasked, unsigned status)
{
    jy_sb sb = JY_SB_INIT;
    jy_err err = {0};
    if (jy_registry_org_json(&sb, st, o, result, unmasked, &err) || append_org_statuses(&sb, st, o->id, &err) ||
        append_cases(&sb, st, 0, o->id, &err)) {
        jy_sb_free(&sb);
        jy_api_fail(req, &err, NULL);
        return;
    }
    jy_api_reply_json(req, status, &sb);
}

static void h_org(jy_http_req *req)
{
    jy_store *st = jy_api_store_or_reply(req);
    jy_org o;
    if (!st || org_or_reply(req, st, JY_PERM_ORG_READ, &o)) return;
    char target[32];
    snprintf(target, sizeof target, "%" PRId64, o.id);
    int unmasked = jy_api_unmask_or_reply(req, JY_PRIV_UNMASK, "org", o.county, target);
    if (unmasked < 0) return;
    reply_org(req, st, &o, NULL, unmasked, 200);
}

#define ORG_FIELDS "name,kinds,size,division,legal_person,phone,address,bank_name,bank_account"

static int read_org_fields(jy_http_req *req, json_t *b, jy_org *o, int required)
{
    if (take_str(req, b, "name", required, o->name, sizeof o->name) < 0 ||
        take_str(req, b, "division", 0, o->division, sizeof o->division) < 0 ||
        take_str(req, b, "legal_person", 0, o->legal_person, sizeof o->legal_person) < 0 ||
        take_str(req, b, "phone", 0, o->phone, sizeof o->phone) < 0 ||
        take_str(req, b, "address", 0, o->address, sizeof o->address) < 0 ||
        take_str(req, b, "bank_name", 0, o->bank_name, sizeof o->bank_name) < 0 ||
        take_str(req, b, "bank_account", 0, o->bank_account, sizeof o->bank_account) < 0)
        return JY_EINVAL;
    const char *s;
    jy_err err = {0};
    int rc = jy_api_str_or_reply(req, b, "kinds", required, &s);
    if (rc < 0) return rc;
    if (rc == 0 && jy_org_kinds_parse(s, &o->kinds, &err)) return jy_api_fail(req, &err, "kinds");
    rc = jy_api_str_or_reply(req, b, "size", 0, &s);
    if (rc < 0) return rc;
    if (rc == 0 && jy_size_class_parse(s, &o->size_class)) {
        jy_http_reply_error2(req, 422, "invalid_field", "size", "api.org_size", "size: expected micro|small|medium|large (微型|小型|中型|大型)", "size：应为 micro|small|medium|large（微型|小型|中型|大型）");
        return JY_EINVAL;
    }
    return 0;
}

static void save_org(jy_http_req *req, jy_store *st, jy_org *o, const char *uscc, jy_licence *ls, int n, int create)
{
    jy_divisions *divs = divisions_or_reply(req);
    if (!divs) return;
    const char *field = NULL;
    jy_err err = {0};
    if (jy_registry_org_check(divs, uscc, o, &field, &err)) {
        jy_api_fail(req, &err, field ? field : "uscc");
        return;
    }
    jy_perm_target t = org_target(o);
    if (jy_api_permit_or_reply(req, JY_PERM_ORG_WRITE, &t)) return;
    int result = 0;
    if (jy_registry_org_save(st, o, ls, n, jy_api_actor(req), &result, &err)) {
        jy_api_fail(req, &err, NULL);
        return;
    }
    reply_org(req, st, o, jy_put_result_name(result), 0, create && result == JY_PUT_CREATED ? 201 : 200);
}

static void h_org_add(jy_http_req *req)
{
    json_t *b = jy_api_body_or_reply(req);
    if (!b || jy_api_only_keys_or_reply(req, b, "uscc," ORG_FIELDS)) return;
    if (jy_api_idem_begin(req)) return;
    jy_org o;
    memset(&o, 0, sizeof o);
    const char *uscc;
    if (jy_api_str_or_reply(req, b, "uscc", 1, &uscc) || read_org_fields(req, b, &o, 1)) return;
    jy_store *st = jy_api_store_or_reply(req);
    if (!st) return;
    save_org(req, st, &o, uscc, NULL, 0, 1);
}

static void h_org_edit(jy_http_req *req)
{
    json_t *b = jy_api_body_or_reply(req);
    if (!b || jy_api_only_keys_or_reply(req, b, ORG_FIELDS)) return;
    jy_store *st = jy_api_store_or_reply(req);
    jy_org o;
    if (!st || org_or_reply(req, st, JY_PERM_ORG_WRITE, &o)) return;
    char uscc[19];
    memcpy(uscc, o.uscc, sizeof uscc);
    if (read_org_fields(req, b, &o, 0)) return;
    save_org(req, st, &o, uscc, NULL, 0, 0);
}

static void h_org_licence(jy_http_req *req)
{
    json_t *b = jy_api_body_or_reply(req);
    if (!b || jy_api_only_keys_or_reply(req, b, "kind,number,valid_from,valid_until")) return;
    jy_licence l;
    memset(&l, 0, sizeof l);
    if (take_str(req, b, "kind", 1, l.kind, sizeof l.kind) || take_str(req, b, "number", 1, l.number, sizeof l.number) ||
        jy_api_date_or_reply(req, b, "valid_from", 1, &l.valid_from) ||
        jy_api_date_or_reply(req, b, "valid_until", 0, &l.valid_until) < 0)
        return;
    if (l.valid_until && l.valid_until < l.valid_from) {
        jy_http_reply_error2(req, 422, "invalid_field", "valid_until", "api.valid_until", "valid_until: before valid_from", "valid_until（有效期至）早于 valid_from（有效期起）");
        return;
    }
    jy_store *st = jy_api_store_or_reply(req);
    jy_org o;
    if (!st || org_or_reply(req, st, JY_PERM_ORG_WRITE, &o)) return;
    jy_err err = {0};
    if (jy_registry_org_save(st, &o, &l, 1, jy_api_actor(req), NULL, &err)) {
        jy_api_fail(req, &err, NULL);
        return;
    }
    reply_org(req, st, &o, NULL, 0, 201);
}

/* An organisation's dated status {kind, since, until, detail} from a body (kind: the English name
 * or the Chinese term); a reply queued and -1 on a refusal naming the field. */
static int read_org_status(jy_http_req *req, json_t *b, jy_org_status *s)
{
    memset(s, 0, sizeof *s);
    if (jy_api_only_keys_or_reply(req, b, "kind,since,until,detail")) return -1;
    const char *kind;
    if (jy_api_str_or_reply(req, b, "kind", 1, &kind) < 0) return -1;
    const char *k = jy_org_status_kind_parse(kind);
    if (!k) {
        jy_http_reply_error2(req, 422, "invalid_field", "kind", "api.org_status_kind",
                             "kind: unknown organisation status \"%.40s\" (designated_training, internship_base, "
                             "incubator, rectification, suspended, dishonest, deregistered, or the Chinese term)",
                             "kind：未知的单位状态“%.40s”（可用 designated_training 定点培训机构、internship_base "
                             "就业见习基地、incubator 创业孵化基地、rectification 限期整改、suspended 暂停补贴资格、"
                             "dishonest 失信惩戒、deregistered 已注销）",
                             kind);
        return -1;
    }
    snprintf(s->kind, sizeof s->kind, "%s", k);
    if (jy_api_date_or_reply(req, b, "since", 0, &s->since) < 0 || jy_api_date_or_reply(req, b, "until", 0, &s->until) < 0 ||
        take_str(req, b, "detail", 0, s->detail, sizeof s->detail) < 0)
        return -1;
    if (s->since && s->until && s->until < s->since) {
        jy_http_reply_error2(req, 422, "invalid_field", "until", "api.until_before_since", "until: before since",
                             "until（截止日期）早于 since（开始日期）");
        return -1;
    }
    return 0;
}

/* POST /api/v1/orgs/{id}/statuses (add) and PUT /api/v1/orgs/{id}/statuses/{sid} (edit, or end it
 * with until): the organisation with its statuses in the answer. */
static void org_status_write(jy_http_req *req, int update)
{
    json_t *b = jy_api_body_or_reply(req);
    if (!b) return;
    jy_org_status s;
    if (read_org_status(req, b, &s)) return;
    int64_t sid = 0;
    if (update && jy_api_path_id_or_reply(req, "sid", &sid)) return;
    jy_store *st = jy_api_store_or_reply(req);
    jy_org o;
    if (!st || org_or_reply(req, st, JY_PERM_ORG_WRITE, &o)) return;
    s.id = sid;
    jy_err err = {0};
    int rc = update ? jy_store_org_status_update(st, o.id, &s, jy_api_actor(req), &err)
                    : jy_store_org_status_add(st, o.id, &s, jy_api_actor(req), &err);
    if (rc) {
        jy_api_fail(req, &err, NULL);
        return;
    }
    reply_org(req, st, &o, NULL, 0, update ? 200 : 201);
}

static void h_org_status(jy_http_req *req) { org_status_write(req, 0); }
static void h_org_status_edit(jy_http_req *req) { org_status_write(req, 1); }

/* ---- the table ---- */

#define CASES_SCHEMA                                                                                              \
    "\"cases\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"required\":[\"id\",\"program\",\"kind\","     \
    "\"state\",\"decision\",\"amount\",\"filed_on\"],\"properties\":{\"id\":{\"type\":\"integer\"},\"program\":" \
    "{\"type\":\"string\"},\"kind\":{\"type\":\"string\"},\"state\":{\"type\":\"string\"},\"decision\":{\"type\":" \
    "\"string\"},\"amount\":{\"type\":[\"string\",\"null\"]},\"filed_on\":{\"type\":\"string\"}}}}"
#define STATUS_SCHEMA                                                                                             \
    "{\"type\":\"object\",\"required\":[\"kind\"],\"properties\":{\"id\":{\"type\":\"integer\"},\"kind\":{\"type\":" \
    "\"string\"},\"since\":{\"type\":[\"string\",\"null\"]},\"until\":{\"type\":[\"string\",\"null\"]}}}"
#define PERSON_PROPS                                                                                              \
    "\"id\":{\"type\":\"integer\"},\"idcard\":{\"type\":\"string\",\"pattern\":\"^[0-9]{6}\\\\*{8}[0-9]{3}[0-9X]$|^[0-9]{17}[0-9X]$\"}," \
    "\"name\":{\"type\":\"string\"},\"county\":{\"type\":\"string\"}"
#define PERSON_SCHEMA                                                                                             \
    "{\"type\":\"object\",\"required\":[\"id\",\"idcard\",\"name\"],\"properties\":{" PERSON_PROPS "}}"
#define PERSON_FULL_SCHEMA                                                                                        \
    "{\"type\":\"object\",\"required\":[\"id\",\"idcard\",\"name\",\"statuses\",\"cases\"],\"properties\":{"       \
    PERSON_PROPS ",\"statuses\":{\"type\":\"array\",\"items\":" STATUS_SCHEMA "}," CASES_SCHEMA                    \
    ",\"result\":{\"enum\":[\"created\",\"updated\",\"unchanged\"]}}}"
#define PAGE_OF(item)                                                                                             \
    "{\"type\":\"object\",\"required\":[\"items\",\"next_cursor\"],\"properties\":{\"items\":{\"type\":\"array\","  \
    "\"items\":" item "},\"next_cursor\":{\"type\":[\"string\",\"null\"]}}}"
#define STR "{\"type\":\"string\"}"
#define PERSON_BODY_PROPS                                                                                         \
    "\"name\":" STR ",\"ethnicity\":" STR ",\"education\":" STR ",\"hukou_division\":" STR ",\"hukou_kind\":" STR \
    ",\"phone\":" STR ",\"address\":" STR
#define PERSON_ADD_BODY                                                                                           \
    "{\"type\":\"object\",\"required\":[\"idcard\",\"name\"],\"additionalProperties\":false,\"properties\":{"      \
    "\"idcard\":" STR "," PERSON_BODY_PROPS ",\"statuses\":{\"type\":\"array\",\"items\":{\"type\":\"object\","    \
    "\"required\":[\"kind\"],\"properties\":{\"kind\":" STR ",\"since\":" STR ",\"until\":" STR ",\"detail\":"     \
    STR "}}}}}"
#define PERSON_EDIT_BODY "{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{" PERSON_BODY_PROPS "}}"
#define STATUS_BODY                                                                                               \
    "{\"type\":\"object\",\"required\":[\"kind\"],\"additionalProperties\":false,\"properties\":{\"kind\":" STR    \
    ",\"since\":" STR ",\"until\":" STR ",\"detail\":" STR "}}"
#define ORG_PROPS                                                                                                 \
    "\"id\":{\"type\":\"integer\"},\"uscc\":" STR ",\"name\":" STR ",\"kinds\":{\"type\":\"array\",\"items\":" STR "}"
#define ORG_SCHEMA "{\"type\":\"object\",\"required\":[\"id\",\"uscc\",\"name\",\"kinds\"],\"properties\":{" ORG_PROPS "}}"
#define ORG_FULL_SCHEMA                                                                                           \
    "{\"type\":\"object\",\"required\":[\"id\",\"uscc\",\"name\",\"kinds\",\"licences\",\"statuses\",\"cases\"],\"properties\":{" \
    ORG_PROPS ",\"licences\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"required\":[\"kind\",\"number\"]}}," \
    "\"statuses\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"required\":[\"id\",\"kind\",\"label\",\"since\"," \
    "\"until\",\"detail\"],\"properties\":{\"id\":{\"type\":\"integer\"},\"kind\":" STR ",\"label\":" STR ",\"since\":" \
    "{\"type\":[\"string\",\"null\"]},\"until\":{\"type\":[\"string\",\"null\"]},\"detail\":" STR "}}}," \
    CASES_SCHEMA ",\"result\":{\"enum\":[\"created\",\"updated\",\"unchanged\"]}}}"
#define ORG_BODY_PROPS                                                                                            \
    "\"name\":" STR ",\"kinds\":" STR ",\"size\":" STR ",\"division\":" STR ",\"legal_person\":" STR              \
    ",\"phone\":" STR ",\"address\":" STR ",\"bank_name\":" STR ",\"bank_account\":" STR
#define ORG_ADD_BODY                                                                                              \
    "{\"type\":\"object\",\"required\":[\"uscc\",\"name\",\"kinds\"],\"additionalProperties\":false,"             \
    "\"properties\":{\"uscc\":" STR "," ORG_BODY_PROPS "}}"
#define ORG_EDIT_BODY "{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{" ORG_BODY_PROPS "}}"
#define LICENCE_BODY                                                                                              \
    "{\"type\":\"object\",\"required\":[\"kind\",\"number\",\"valid_from\"],\"additionalProperties\":false,"      \
    "\"properties\":{\"kind\":" STR ",\"number\":" STR ",\"valid_from\":" STR ",\"valid_until\":" STR "}}"

const jy_api_route jy_api_routes_registry[] = {
    {{.method = "GET", .path = "/api/v1/persons", .fn = h_persons, .permission = JY_PERM_PERSON_READ},
     {.tag = "persons", .summary = "Search persons (人员): by name, by township; masked unless unmasked with a reason",
      .query = "name,town,limit,cursor,unmask,reason", .response = PAGE_OF(PERSON_SCHEMA),
      .statuses = "200,400,401,403"}},
    {{.method = "POST", .path = "/api/v1/persons", .fn = h_person_add, .permission = JY_PERM_PERSON_WRITE,
      .max_body = 65536},
     {.tag = "persons", .summary = "Add a person, or update the one with this ID number (身份证号)",
      .request = PERSON_ADD_BODY, .response = PERSON_FULL_SCHEMA, .statuses = "200,201,400,401,403,404,409,415,422",
      .success = 201}},
    {{.method = "GET", .path = "/api/v1/persons/{id}", .fn = h_person, .permission = JY_PERM_PERSON_READ},
     {.tag = "persons", .summary = "One person: statuses and cases in every programme", .query = "unmask,reason",
      .response = PERSON_FULL_SCHEMA, .statuses = "200,400,401,403,404"}},
    {{.method = "PUT", .path = "/api/v1/persons/{id}", .fn = h_person_edit, .permission = JY_PERM_PERSON_WRITE,
      .max_body = 65536},
     {.tag = "persons", .summary = "Edit a person (the ID number stays)", .request = PERSON_EDIT_BODY,
      .response = PERSON_FULL_SCHEMA, .statuses = "200,400,401,403,404,409,415,422"}},
    {{.method = "POST", .path = "/api/v1/persons/{id}/statuses", .fn = h_person_status,
      .permission = JY_PERM_PERSON_WRITE, .max_body = 4096},
     {.tag = "persons", .summary = "Add a dated status (登记失业, 脱贫人口, 残疾人 …)", .request = STATUS_BODY,
      .response = PERSON_FULL_SCHEMA, .statuses = "201,400,401,403,404,409,415,422", .success = 201}},
    {{.method = "PUT", .path = "/api/v1/persons/{id}/statuses/{sid}", .fn = h_person_status_edit,
      .permission = JY_PERM_PERSON_WRITE, .max_body = 4096},
     {.tag = "persons", .summary = "Edit a dated status, or end it (until): the whole status as POST takes it",
      .request = STATUS_BODY, .response = PERSON_FULL_SCHEMA, .statuses = "200,400,401,403,404,409,415,422"}},
    {{.method = "GET", .path = "/api/v1/orgs", .fn = h_orgs, .permission = JY_PERM_ORG_READ},
     {.tag = "orgs", .summary = "Search organisations (单位): by name, by kind", .query = "name,kind,limit,cursor,unmask,reason",
      .response = PAGE_OF(ORG_SCHEMA), .statuses = "200,400,401,403"}},
    {{.method = "POST", .path = "/api/v1/orgs", .fn = h_org_add, .permission = JY_PERM_ORG_WRITE, .max_body = 65536},
     {.tag = "orgs", .summary = "Add an organisation, or update the one with this USCC (统一社会信用代码)",
      .request = ORG_ADD_BODY, .response = ORG_FULL_SCHEMA, .statuses = "200,201,400,401,403,404,409,415,422",
      .success = 201}},
    {{.method = "GET", .path = "/api/v1/orgs/{id}", .fn = h_org, .permission = JY_PERM_ORG_READ},
     {.tag = "orgs", .summary = "One organisation: licences and cases", .query = "unmask,reason",
      .response = ORG_FULL_SCHEMA, .statuses = "200,400,401,403,404"}},
    {{.method = "PUT", .path = "/api/v1/orgs/{id}", .fn = h_org_edit, .permission = JY_PERM_ORG_WRITE, .max_body = 65536},
     {.tag = "orgs", .summary = "Edit an organisation (the USCC stays)", .request = ORG_EDIT_BODY,
      .response = ORG_FULL_SCHEMA, .statuses = "200,400,401,403,404,409,415,422"}},
    {{.method = "POST", .path = "/api/v1/orgs/{id}/statuses", .fn = h_org_status, .permission = JY_PERM_ORG_WRITE,
      .max_body = 4096},
     {.tag = "orgs", .summary = "Add a dated status of an organisation (定点培训机构, 就业见习基地, 限期整改, 暂停补贴资格 …)",
      .request = STATUS_BODY, .response = ORG_FULL_SCHEMA, .statuses = "201,400,401,403,404,409,415,422", .success = 201}},
    {{.method = "PUT", .path = "/api/v1/orgs/{id}/statuses/{sid}", .fn = h_org_status_edit,
      .permission = JY_PERM_ORG_WRITE, .max_body = 4096},
     {.tag = "orgs", .summary = "Edit an organisation's dated status, or end it (until): the whole status as POST takes it",
      .request = STATUS_BODY, .response = ORG_FULL_SCHEMA, .statuses = "200,400,401,403,404,409,415,422"}},
    {{.method = "POST", .path = "/api/v1/orgs/{id}/licences", .fn = h_org_licence, .permission = JY_PERM_ORG_WRITE,
      .max_body = 4096},
     {.tag = "orgs", .summary = "Add a licence (办学许可证, 人力资源服务许可证 …)", .request = LICENCE_BODY,
      .response = ORG_FULL_SCHEMA, .statuses = "201,400,401,403,404,409,415,422", .success = 201}},
};
const size_t jy_api_routes_registry_n = sizeof jy_api_routes_registry / sizeof jy_api_routes_registry[0];
