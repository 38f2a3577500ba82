/* api_cases.c — cases from filing to payment under /api/v1 (issue 11):
 *
 *   GET  /api/v1/cases                 list: ?program ?state ?kind ?person_id ?org_id ?parent_id ?overdue=1 ?on
 *   POST /api/v1/cases                 file (申报): the decision and conflicts are part of the answer
 *   GET  /api/v1/cases/{id}            one case: facts, decision with reasons, conflicts, timeline, next steps
 *   POST /api/v1/cases/{id}/steps      a workflow step {step, reason, date}: approve, publish, object …
 *
 * The same service functions as `jiuye case` (service/case.h): the workflow's roles, the
 * publicity periods, the conflict checks and the ledger commitments apply as they do there. A
 * case's area is its subject's (the person's household registration, the organisation's
 * division); owner-bound roles see the cases of their own organisation or person only. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "http/api.h"
#include "service/privacy.h"

static int owner_bound(const jy_principal *p) { return ((1u << p->role) & JY_ROLES_OWNER_BOUND) != 0; }

/* The finest division known for a case's subject (for township checks). */
static void case_area(jy_store *st, const jy_case *c, char out[13])
{
    snprintf(out, 13, "%s", c->county);
    jy_err err = {0};
    if (c->person_id) {
        jy_person p;
        if (jy_store_person_get(st, c->person_id, &p, &err) == 0 && p.hukou_division[0])
            snprintf(out, 13, "%s", p.hukou_division);
    } else if (c->org_id) {
        jy_org o;
        if (jy_store_org_get(st, c->org_id, &o, &err) == 0 && o.division[0]) snprintf(out, 13, "%s", o.division);
    }
}

static int permit_case(jy_http_req *req, jy_store *st, const jy_case *c, int perm)
{
    char area[13];
    case_area(st, c, area);
    jy_perm_target t = {.area = area, .org_id = c->org_id, .person_id = c->person_id};
    return jy_api_permit_or_reply(req, perm, &t);
}

/* The case of {id} the user may use with perm, or a reply queued and -1. */
static int case_or_reply(jy_http_req *req, jy_store *st, int perm, jy_case *c)
{
    int64_t id;
    if (jy_api_path_id_or_reply(req, "id", &id)) return -1;
    jy_err err = {0};
    jy_sb text = JY_SB_INIT; /* facts, reasons, conflicts: not needed here */
    int rc = jy_store_case_get(st, id, c, &text, &err);
    jy_sb_free(&text);
    c->facts = c->reasons = c->conflicts = NULL;
    if (rc) {
        jy_api_fail(req, &err, NULL);
        return -1;
    }
    return permit_case(req, st, c, perm) ? -1 : 0;
}

static void reply_case(jy_http_req *req, jy_cases *cs, int64_t id, unsigned status)
{
    jy_sb sb = JY_SB_INIT;
    jy_err err = {0};
    int64_t now = jy_api_now(req);
    jy_date today = (jy_date)(now / 86400);
    if (jy_case_show_json(cs, id, today, &sb, &err)) {
        jy_sb_free(&sb);
        jy_api_fail(req, &err, NULL);
        return;
    }
    jy_privacy_mask_json(&sb);
    jy_api_reply_json(req, status, &sb);
}

/* ---- list ---- */

typedef struct list_walk {
    jy_http_req *req;
    jy_store *st;
    jy_api_page *pg;
    const jy_principal *who;
    jy_date today;
    const char *decision;
    int overdue;
    jy_sb one;
} list_walk;

static int list_item(void *ctx, const jy_case *c)
{
    list_walk *w = ctx;
    if (w->decision && strcmp(c->decision, w->decision) != 0) return 0;
    if (strlen(w->who->area) > 6 || owner_bound(w->who)) { /* township or owner: each case checked */
        char area[13];
        case_area(w->st, c, area);
        jy_perm_target t = {.area = area, .org_id = c->org_id, .person_id = c->person_id};
        if (jy_perm_check(w->who, JY_PERM_CASE_READ, &t, NULL) != 0) return 0;
    }
    jy_sb_reset(&w->one);
    jy_case_json(&w->one, c);
    if (w->overdue && c->due_on) {
        w->one.len--;
        jy_sb_json_kv_i64(&w->one, "days_overdue", (int64_t)(w->today - c->due_on));
        jy_sb_appendc(&w->one, '}');
    }
    jy_privacy_mask_json(&w->one);
    return jy_api_page_add(w->pg, c->id, jy_sb_cstr(&w->one), w->one.len);
}

static void h_cases(jy_http_req *req)
{
    const jy_principal *who = jy_api_who(req);
    jy_api_page pg;
    if (jy_api_page_or_reply(req, &pg)) return;
    jy_case_filter f = {.program = jy_http_req_query(req, "program"),
                        .state = jy_http_req_query(req, "state"),
                        .kind = jy_http_req_query(req, "kind"),
                        .after_id = pg.after};
    jy_date on = (jy_date)(jy_api_now(req) / 86400);
    const char *decision = jy_http_req_query(req, "decision");
    const char *ov = jy_http_req_query(req, "overdue");
    int overdue = ov && strcmp(ov, "1") == 0;
    if ((decision && strcmp(decision, "eligible") && strcmp(decision, "ineligible") && strcmp(decision, "needs_review")) ||
        jy_api_query_id_or_reply(req, "person_id", &f.person_id) < 0 ||
        jy_api_query_id_or_reply(req, "org_id", &f.org_id) < 0 ||
        jy_api_query_id_or_reply(req, "parent_id", &f.parent_id) < 0 || jy_api_query_date_or_reply(req, "on", &on) < 0) {
        if (decision && strcmp(decision, "eligible") && strcmp(decision, "ineligible") && strcmp(decision, "needs_review"))
            jy_http_reply_error_field(req, 400, "bad_query", "decision",
                                      "?decision=: eligible, ineligible or needs_review");
        jy_sb_free(&pg.items);
        return;
    }
    if (owner_bound(who)) { /* their own organisation's or person's cases */
        if (who->org_id) f.org_id = who->org_id;
        else if (who->person_id) f.person_id = who->person_id;
        else {
            jy_api_page_reply(req, &pg);
            return;
        }
    }
    if (overdue) f.due_before = on;
    /* filtered rows (decision, township, owner) are skipped in the walk: read on until the page fills */
    int filtered = decision || strlen(who->area) > 6 || owner_bound(who);
    f.limit = filtered ? 0 : pg.limit + 1;
    jy_store *st = jy_api_store_or_reply(req);
    if (!st) {
        jy_sb_free(&pg.items);
        return;
    }
    list_walk w = {req, st, &pg, who, on, decision, overdue, JY_SB_INIT};
    jy_err err = {0};
    int rc = jy_store_case_list(st, &f, list_item, &w, &err);
    jy_sb_free(&w.one);
    if (rc) {
        jy_sb_free(&pg.items);
        jy_api_fail(req, &err, NULL);
        return;
    }
    jy_api_page_reply(req, &pg);
}

/* ---- file ---- */

static void h_file(jy_http_req *req)
{
    json_t *b = jy_api_body_or_reply(req);
    if (!b || jy_api_only_keys_or_reply(req, b, "program,kind,idcard,uscc,person_id,org_id,parent_id,facts,date")) return;
    if (jy_api_idem_begin(req)) return;
    jy_case_filing f = {0};
    int64_t person_id = 0, org_id = 0;
    if (jy_api_str_or_reply(req, b, "program", 1, &f.program) || jy_api_str_or_reply(req, b, "kind", 0, &f.kind) < 0 ||
        jy_api_str_or_reply(req, b, "idcard", 0, &f.idcard) < 0 || jy_api_str_or_reply(req, b, "uscc", 0, &f.uscc) < 0 ||
        jy_api_i64_or_reply(req, b, "person_id", 0, 1, INT64_MAX, &person_id) < 0 ||
        jy_api_i64_or_reply(req, b, "org_id", 0, 1, INT64_MAX, &org_id) < 0 ||
        jy_api_i64_or_reply(req, b, "parent_id", 0, 1, INT64_MAX, &f.parent_id) < 0)
        return;
    f.on = (jy_date)(jy_api_now(req) / 86400);
    if (jy_api_date_or_reply(req, b, "date", 0, &f.on) < 0) return;
    json_t *facts = json_object_get(b, "facts");
    char *facts_text = NULL;
    if (facts && !json_is_null(facts)) {
        if (!json_is_object(facts)) {
            jy_http_reply_error_field(req, 422, "invalid_field", "facts", "facts: a JSON object of facts (docs/facts.md)");
            return;
        }
        facts_text = json_dumps(facts, JSON_COMPACT);
        if (!facts_text) {
            jy_http_reply_error(req, 500, "internal", "out of memory");
            return;
        }
        jy_http_req_on_end(req, free, facts_text);
        f.facts_json = facts_text;
    }
    jy_store *st = jy_api_store_or_reply(req);
    if (!st) return;
    jy_err err = {0};
    /* a subject by id: the registry gives its ID number / USCC (and the area check) */
    jy_person p;
    jy_org o;
    if (person_id) {
        if (jy_store_person_get(st, person_id, &p, &err)) {
            jy_api_fail(req, &err, "person_id");
            return;
        }
        f.idcard = p.idcard;
    }
    if (org_id) {
        if (jy_store_org_get(st, org_id, &o, &err)) {
            jy_api_fail(req, &err, "org_id");
            return;
        }
        f.uscc = o.uscc;
    }
    if (f.idcard && !person_id && jy_store_person_get_by_idcard(st, f.idcard, &p, &err) == 0) person_id = p.id;
    if (f.uscc && !org_id && jy_store_org_get_by_uscc(st, f.uscc, &o, &err) == 0) org_id = o.id;
    jy_err_clear(&err);
    jy_perm_target t = {.area = person_id ? (p.hukou_division[0] ? p.hukou_division : p.county)
                                          : org_id ? (o.division[0] ? o.division : o.county) : "",
                        .org_id = org_id,
                        .person_id = person_id};
    if (jy_api_permit_or_reply(req, JY_PERM_CASE_FILE, (person_id || org_id) ? &t : NULL)) return;
    jy_cases *cs = jy_api_cases_or_reply(req);
    if (!cs) return;
    int64_t id = 0;
    int rc = jy_case_file(cs, &f, jy_api_actor(req), &id, &err);
    if (rc) {
        jy_api_fail(req, &err, rc == JY_EINVAL ? "facts" : NULL);
        return;
    }
    reply_case(req, cs, id, 201);
}

/* ---- show, steps ---- */

static void h_case(jy_http_req *req)
{
    jy_store *st = jy_api_store_or_reply(req);
    jy_case c;
    if (!st || case_or_reply(req, st, JY_PERM_CASE_READ, &c)) return;
    jy_cases *cs = jy_api_cases_or_reply(req);
    if (!cs) return;
    reply_case(req, cs, c.id, 200);
}

static void h_step(jy_http_req *req)
{
    json_t *b = jy_api_body_or_reply(req);
    if (!b || jy_api_only_keys_or_reply(req, b, "step,reason,date")) return;
    const char *step, *reason;
    jy_date on = (jy_date)(jy_api_now(req) / 86400);
    if (jy_api_str_or_reply(req, b, "step", 1, &step) || jy_api_str_or_reply(req, b, "reason", 1, &reason) ||
        jy_api_date_or_reply(req, b, "date", 0, &on) < 0)
        return;
    if (!*reason) {
        jy_http_reply_error_field(req, 422, "invalid_field", "reason", "reason: say why (it goes into the case's history)");
        return;
    }
    if (jy_api_idem_begin(req)) return;
    jy_store *st = jy_api_store_or_reply(req);
    jy_case c;
    if (!st || case_or_reply(req, st, JY_PERM_CASE_STEP, &c)) return;
    jy_cases *cs = jy_api_cases_or_reply(req);
    if (!cs) return;
    jy_err err = {0};
    int rc = jy_case_advance(cs, c.id, step, on, reason, jy_api_actor(req), &err);
    if (rc) {
        jy_api_fail(req, &err, rc == JY_EINVAL ? "step" : NULL);
        return;
    }
    reply_case(req, cs, c.id, 200);
}

/* ---- the table ---- */

#define STR "{\"type\":\"string\"}"
#define CASE_PROPS                                                                                                \
    "\"id\":{\"type\":\"integer\"},\"program\":" STR ",\"kind\":" STR ",\"state\":" STR ",\"decision\":" STR      \
    ",\"county\":" STR
#define CASE_SCHEMA                                                                                               \
    "{\"type\":\"object\",\"required\":[\"id\",\"program\",\"kind\",\"state\",\"decision\"],\"properties\":{"      \
    CASE_PROPS "}}"
#define CASE_FULL_SCHEMA                                                                                          \
    "{\"type\":\"object\",\"required\":[\"id\",\"program\",\"kind\",\"state\",\"decision\",\"history\","          \
    "\"next_steps\"],\"properties\":{" CASE_PROPS ",\"history\":{\"type\":\"array\"},\"next_steps\":{\"type\":"   \
    "\"array\"}}}"
#define PAGE_OF(item)                                                                                             \
    "{\"type\":\"object\",\"required\":[\"items\",\"next_cursor\"],\"properties\":{\"items\":{\"type\":\"array\","  \
    "\"items\":" item "},\"next_cursor\":{\"type\":[\"string\",\"null\"]}}}"
#define FILE_BODY                                                                                                 \
    "{\"type\":\"object\",\"required\":[\"program\"],\"additionalProperties\":false,\"properties\":{\"program\":"  \
    STR ",\"kind\":" STR ",\"idcard\":" STR ",\"uscc\":" STR ",\"person_id\":{\"type\":\"integer\"},\"org_id\":"   \
    "{\"type\":\"integer\"},\"parent_id\":{\"type\":\"integer\"},\"facts\":{\"type\":\"object\"},\"date\":" STR "}}"
#define STEP_BODY                                                                                                 \
    "{\"type\":\"object\",\"required\":[\"step\",\"reason\"],\"additionalProperties\":false,\"properties\":{"      \
    "\"step\":" STR ",\"reason\":" STR ",\"date\":" STR "}}"

const jy_api_route jy_api_routes_cases[] = {
    {{.method = "GET", .path = "/api/v1/cases", .fn = h_cases, .permission = JY_PERM_CASE_READ},
     {.tag = "cases", .summary = "List cases (案件): by programme, state, kind, subject, decision; overdue steps",
      .query = "program,state,kind,decision,person_id,org_id,parent_id,overdue,on,limit,cursor",
      .response = PAGE_OF(CASE_SCHEMA), .statuses = "200,400,401,403"}},
    {{.method = "POST", .path = "/api/v1/cases", .fn = h_file, .permission = JY_PERM_CASE_FILE, .max_body = 262144},
     {.tag = "cases", .summary = "File a case (申报): decided by the rules at once, conflicts checked",
      .request = FILE_BODY, .response = CASE_FULL_SCHEMA, .statuses = "201,400,401,403,404,409,415,422",
      .success = 201}},
    {{.method = "GET", .path = "/api/v1/cases/{id}", .fn = h_case, .permission = JY_PERM_CASE_READ},
     {.tag = "cases", .summary = "One case: facts, decision and reasons, conflicts, timeline, next steps",
      .response = CASE_FULL_SCHEMA, .statuses = "200,401,403,404"}},
    {{.method = "POST", .path = "/api/v1/cases/{id}/steps", .fn = h_step, .permission = JY_PERM_CASE_STEP,
      .max_body = 16384},
     {.tag = "cases", .summary = "Take a workflow step (审核, 公示, 异议, 认定 …) with a reason",
      .request = STEP_BODY, .response = CASE_FULL_SCHEMA, .statuses = "200,400,401,403,404,409,415,422"}},
};
const size_t jy_api_routes_cases_n = sizeof jy_api_routes_cases / sizeof jy_api_routes_cases[0];
