/* api_cases.c — cases from filing to payment under /api/v1 (issue 11):
 *
 *   GET  /api/v1/cases                 list: ?program ?state ?kind ?person_id ?org_id ?parent_id ?overdue=1 ?objection=open ?on
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

#include <stdlib.h>
#include <strings.h>

#include "base/text.h"
#include "http/api.h"
#include "service/case_views.h"
#include "service/conflict.h"
#include "service/privacy.h"

static int owner_bound(const jy_principal *p) { return ((1u << p->role) & JY_ROLES_OWNER_BOUND) != 0; }

/* The finest division known for a case's subject (for township checks). */
static void case_area(jy_store *st, const jy_case *c, char out[13])
{
    jy_str_copy(out, 13, c->county);
    jy_err err = {0};
    if (c->person_id) {
        jy_person p;
        if (jy_store_person_get(st, c->person_id, &p, &err) == 0 && p.hukou_division[0])
            jy_str_copy(out, 13, p.hukou_division);
    } else if (c->org_id) {
        jy_org o;
        if (jy_store_org_get(st, c->org_id, &o, &err) == 0 && o.division[0]) jy_str_copy(out, 13, o.division);
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
    int check_each; /* a class's roster for a township user or an owner: each trainee's claim checked
                       as a single case is read (its subject's township, its owner) */
} list_walk;

/* Whether a listed case belongs on the page: the ?decision= filter; on a roster (check_each) the
 * read check of a single case. The lists' township (?town= and a township user's area) is in the
 * store's query (jy_case_filter.town) and an owner's organisation or person in their filter, on
 * the plain list and the overdue walk alike. */
static int list_wants(list_walk *w, const jy_case *c)
{
    if (w->decision && strcmp(c->decision, w->decision) != 0) return 0;
    if (!w->check_each) return 1;
    char area[13];
    case_area(w->st, c, area);
    jy_perm_target t = {.area = area, .org_id = c->org_id, .person_id = c->person_id};
    return jy_perm_check(w->who, JY_PERM_CASE_READ, &t, NULL) == 0;
}

static int list_item(void *ctx, const jy_case *c)
{
    list_walk *w = ctx;
    if (!list_wants(w, c)) return 0;
    jy_sb_reset(&w->one);
    jy_case_json(&w->one, c);
    jy_privacy_mask_json(&w->one);
    return jy_api_page_add(w->pg, c->id, jy_sb_cstr(&w->one), w->one.len);
}

/* An overdue case (?overdue=1 and /cases/overdue): judged by the state it was in on the day
 * (jy_case_overdue_on), shown as `jiuye case overdue` shows it. */
static int overdue_item(void *ctx, const jy_case *c, const jy_case_then *t)
{
    list_walk *w = ctx;
    if (!list_wants(w, c)) return 0;
    jy_sb_reset(&w->one);
    jy_case_overdue_json(&w->one, c, t, w->today);
    jy_privacy_mask_json(&w->one);
    return jy_api_page_add(w->pg, c->id, jy_sb_cstr(&w->one), w->one.len);
}

/* The township prefix a list keeps to: the longer of ?town= and a township user's area (a
 * prefix of more than 6 digits); 0 when the two do not overlap (the list is empty). */
static int town_filter(const jy_principal *who, const char *town, const char **out)
{
    const char *mine = strlen(who->area) > 6 ? who->area : NULL;
    *out = town ? town : mine;
    if (!town || !mine) return 1;
    size_t nt = strlen(town), nm = strlen(mine);
    if (strncmp(town, mine, nt < nm ? nt : nm) != 0) return 0;
    *out = nm > nt ? mine : town;
    return 1;
}

/* ?town=: a township's 9 digits (NULL when absent); -1 after a 400 naming it. */
static int town_query_or_reply(jy_http_req *req, const char **town)
{
    *town = jy_http_req_query(req, "town");
    if (*town && (strlen(*town) != 9 || strspn(*town, "0123456789") != 9)) {
        jy_http_reply_error2(req, 400, "bad_query", "town", "web.cases_town", "?town=: a township's 9-digit division code",
                             "?town=：应为乡镇的9位区划代码");
        return -1;
    }
    return 0;
}

/* The user's area in a list's filter: an owner's own organisation or person, the township (?town=
 * and a township user's area, town_filter). 0 when the list is empty (an owner account speaking
 * for no one, or a ?town= outside the user's township). */
static int area_filter(const jy_principal *who, const char *town, jy_case_filter *f)
{
    if (owner_bound(who)) { /* their own organisation's or person's cases */
        if (who->org_id) f->org_id = who->org_id;
        else if (who->person_id) f->person_id = who->person_id;
        else return 0;
    }
    return town_filter(who, town, &f->town);
}

/* A list's ?town= and the user's area (area_filter) into its filter. -1 when the request is
 * answered: a bad ?town= (400), or the empty page of a list the user sees nothing of; the page's
 * buffer is freed or sent either way. 0: go on with the filter. */
static int list_area_or_reply(jy_http_req *req, const jy_principal *who, jy_case_filter *f, jy_api_page *pg)
{
    const char *town;
    if (town_query_or_reply(req, &town)) {
        jy_sb_free(&pg->items);
        return -1;
    }
    if (!area_filter(who, town, f)) {
        jy_api_page_reply(req, pg);
        return -1;
    }
    return 0;
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
            jy_http_reply_error2(req, 400, "bad_query", "decision", "api.decision",
                                      "?decision=: eligible, ineligible or needs_review", "?decision= 应为 eligible（符合）、ineligible（不符合）或 needs_review（需人工审核）");
        jy_sb_free(&pg.items);
        return;
    }
    const char *obj = jy_http_req_query(req, "objection");
    if (obj && strcmp(obj, "open") != 0) {
        jy_http_reply_error2(req, 400, "bad_query", "objection", "http.objection_query", "?objection=: open (cases whose objection waits for re-review)", "?objection= 应为 open（异议待复核的案件）");
        jy_sb_free(&pg.items);
        return;
    }
    f.objection_open = obj != NULL;
    /* ?year=: the cases the reports count in that year (the dashboard's click-through lists) */
    int64_t year = 0;
    if (jy_api_query_int_or_reply(req, "year", 2000, 2100, &year) < 0) {
        jy_sb_free(&pg.items);
        return;
    }
    f.year = (int)year;
    /* ?town=: one township's cases (the dashboard's township rows click through to them) */
    if (list_area_or_reply(req, who, &f, &pg)) return;
    /* filtered rows (decision; the overdue walk's cases not overdue on the day) are skipped in
     * the walk: read on until the page fills */
    int filtered = decision || overdue;
    f.limit = filtered ? 0 : pg.limit + 1;
    jy_store *st = jy_api_store_or_reply(req);
    jy_cases *cs = st && overdue ? jy_api_cases_or_reply(req) : NULL;
    if (!st || (overdue && !cs)) {
        jy_sb_free(&pg.items);
        return;
    }
    list_walk w = {req, st, &pg, who, on, decision, overdue, JY_SB_INIT, 0};
    jy_err err = {0};
    int rc = overdue ? jy_case_overdue_on(cs, &f, on, overdue_item, &w, &err) : jy_store_case_list(st, &f, list_item, &w, &err);
    jy_sb_free(&w.one);
    jy_api_page_end(req, &pg, rc, &err, NULL);
}

/* ---- the work list (待办) ---- */

/* GET /api/v1/cases/waiting: the cases waiting for a step the user's role takes (jy_case_waiting_keys),
 * in the user's area (a township user's township, an owner's own), sorted by deadline on the
 * server — due_on, else the publicity's last day, else none (last) — then id. The cursor carries
 * the last (deadline, id): deadline << 40 | id, in the Page's opaque cursor. */
#define WAIT_ID_BITS 40
#define WAIT_ID_MASK ((INT64_C(1) << WAIT_ID_BITS) - 1)

typedef struct wait_walk {
    jy_api_page *pg;
    jy_cases *cs;
    int role;
    jy_sb one;
} wait_walk;

static int wait_item(void *ctx, const jy_case *c)
{
    wait_walk *w = ctx;
    jy_date dl = c->due_on ? c->due_on : c->publicity_end ? c->publicity_end : JY_DEADLINE_NONE;
    jy_sb_reset(&w->one);
    jy_case_json(&w->one, c);
    if (w->one.len && w->one.buf[w->one.len - 1] == '}') {
        w->one.len--;
        jy_sb_append(&w->one, ",\"deadline\":");
        if (dl == JY_DEADLINE_NONE) jy_sb_append(&w->one, "null");
        else {
            char d[JY_DATE_BUFSZ];
            jy_sb_json_str(&w->one, jy_date_format(dl, d));
        }
        jy_sb_append(&w->one, ",\"waiting_steps\":");
        jy_case_waiting_steps(w->cs, w->role, c, &w->one);
        jy_sb_appendc(&w->one, '}');
    }
    jy_privacy_mask_json(&w->one);
    return jy_api_page_add(w->pg, ((int64_t)dl << WAIT_ID_BITS) | (c->id & WAIT_ID_MASK), jy_sb_cstr(&w->one),
                           w->one.len);
}

static void h_waiting(jy_http_req *req)
{
    const jy_principal *who = jy_api_who(req);
    jy_api_page pg;
    if (jy_api_page_or_reply(req, &pg)) return;
    jy_case_filter f = {.program = jy_http_req_query(req, "program"), .by_deadline = 1};
    f.after_deadline = (jy_date)(pg.after >> WAIT_ID_BITS);
    f.after_id = pg.after & WAIT_ID_MASK;
    if (f.after_id && (f.after_deadline <= 0 || f.after_deadline > JY_DEADLINE_NONE)) {
        jy_http_reply_error2(req, 400, "bad_query", "cursor", "web.waiting_cursor",
                             "?cursor=: the next_cursor of the previous page", "?cursor= 应为上一页返回的 next_cursor");
        jy_sb_free(&pg.items);
        return;
    }
    if (list_area_or_reply(req, who, &f, &pg)) return;
    jy_store *st = jy_api_store_or_reply(req);
    jy_cases *cs = st ? jy_api_cases_or_reply(req) : NULL;
    if (!cs) {
        jy_sb_free(&pg.items);
        return;
    }
    jy_sb keys = JY_SB_INIT, states = JY_SB_INIT;
    jy_case_waiting_keys(cs, who->role, &keys, &states);
    f.waiting = jy_sb_cstr(&keys);
    f.waiting_states = jy_sb_cstr(&states);
    f.limit = pg.limit + 1;
    wait_walk w = {&pg, cs, who->role, JY_SB_INIT};
    jy_err err = {0};
    int rc = jy_store_case_list(st, &f, wait_item, &w, &err);
    jy_sb_free(&w.one);
    jy_sb_free(&keys);
    jy_sb_free(&states);
    jy_api_page_end(req, &pg, rc, &err, NULL);
}

/* ---- file ---- */

/* The field a filing's refusal names: "facts.NAME" for a message about one fact (`fact
 * appraisal_fee: … out of range`, `unknown fact "certifcate" …`, `facts.teachers[0] (…) …`), so a
 * page can show it beside that fact's input; "facts" otherwise. */
static const char *fact_field(jy_http_req *req, const char *msg)
{
    const char *p = NULL;
    const char *q;
    if ((q = strstr(msg, "unknown fact \"")) != NULL) p = q + 14;
    else if (strncmp(msg, "fact ", 5) == 0) p = msg + 5;
    else if ((q = strstr(msg, ": fact ")) != NULL) p = q + 7;
    else if ((q = strstr(msg, "facts.")) != NULL && strncmp(q, "facts.rules", 11) != 0) p = q + 6;
    if (!p) return "facts";
    size_t n = strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789_");
    if (n == 0 || n > 64) return "facts";
    char *f = jy_arena_alloc(jy_http_req_arena(req), n + 7);
    memcpy(f, "facts.", 6);
    memcpy(f + 6, p, n);
    f[n + 6] = 0;
    return f;
}

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
            jy_http_reply_error2(req, 422, "invalid_field", "facts", "api.facts_object", "facts: a JSON object of facts (docs/facts.md)", "facts：应为信息项的 JSON 对象（docs/facts.md）");
            return;
        }
        facts_text = json_dumps(facts, JSON_COMPACT);
        if (!facts_text) {
            jy_http_reply_error2(req, 500, "internal", NULL, "sys.out_of_memory", "out of memory", "内存不足");
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
        jy_api_fail(req, &err, rc == JY_EINVAL ? fact_field(req, err.msg) : NULL);
        return;
    }
    reply_case(req, cs, id, 201);
}

/* ---- show, steps ---- */

/* GET /api/v1/cases/{id}: the case is read once, for its permission and its page (a page read
 * by everyone all day: bench/http.sh). */
static void h_case(jy_http_req *req)
{
    jy_store *st = jy_api_store_or_reply(req);
    if (!st) return;
    int64_t id;
    if (jy_api_path_id_or_reply(req, "id", &id)) return;
    jy_err err = {0};
    jy_sb text = JY_SB_INIT, sb = JY_SB_INIT;
    jy_case c;
    int rc = jy_store_case_get(st, id, &c, &text, &err);
    if (rc) {
        jy_api_fail(req, &err, NULL);
    } else if (permit_case(req, st, &c, JY_PERM_CASE_READ) == 0) {
        /* room for the case's text and its page around it at once, instead of a doubling per
         * power of two (the class of bench/http.sh answers 3.3 KB) */
        jy_sb_reserve(&sb, text.len + 2048);
        jy_cases *cs = jy_api_cases_or_reply(req);
        if (cs && jy_case_show_json_of(cs, &c, (jy_date)(jy_api_now(req) / 86400), &sb, &err) == 0) {
            jy_privacy_mask_json(&sb);
            jy_api_reply_json(req, 200, &sb);
        } else if (cs) {
            jy_api_fail(req, &err, NULL);
        }
    }
    jy_sb_free(&sb);
    jy_sb_free(&text);
}

/* The fields of a workflow step's body: step, a non-empty reason (it goes into the case's
 * history) and an optional date (default today). 0, or -1 after replying the error. */
static int step_fields_or_reply(jy_http_req *req, json_t *b, const char **step, const char **reason, jy_date *on)
{
    *on = (jy_date)(jy_api_now(req) / 86400);
    if (jy_api_str_or_reply(req, b, "step", 1, step) || jy_api_str_or_reply(req, b, "reason", 1, reason) ||
        jy_api_date_or_reply(req, b, "date", 0, on) < 0)
        return -1;
    if (!**reason) {
        jy_http_reply_error2(req, 422, "invalid_field", "reason", "api.reason_history", "reason: say why (it goes into the case's history)", "reason：请写明理由（记入案件办理记录）");
        return -1;
    }
    return 0;
}

static void h_step(jy_http_req *req)
{
    json_t *b = jy_api_body_or_reply(req);
    if (!b || jy_api_only_keys_or_reply(req, b, "step,reason,date")) return;
    const char *step, *reason;
    jy_date on;
    if (step_fields_or_reply(req, b, &step, &reason, &on)) return;
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

/* ---- overdue steps ---- */

/* GET /api/v1/cases/overdue: the cases still in a state whose deadline has passed (`jiuye case
 * overdue`), with days_overdue and the deadline rule and its clause. */
static void h_overdue(jy_http_req *req)
{
    const jy_principal *who = jy_api_who(req);
    jy_api_page pg;
    if (jy_api_page_or_reply(req, &pg)) return;
    jy_date on = (jy_date)(jy_api_now(req) / 86400);
    if (jy_api_query_date_or_reply(req, "on", &on) < 0) {
        jy_sb_free(&pg.items);
        return;
    }
    jy_case_filter f = {.program = jy_http_req_query(req, "program"), .kind = jy_http_req_query(req, "kind"),
                        .after_id = pg.after};
    if (!area_filter(who, NULL, &f)) { /* an owner's own; a township user's township, in the store's query */
        jy_api_page_reply(req, &pg);
        return;
    }
    f.limit = 0; /* the deadline is judged after the query: the page stops the walk when full */
    jy_store *st = jy_api_store_or_reply(req);
    jy_cases *cs = st ? jy_api_cases_or_reply(req) : NULL;
    if (!cs) {
        jy_sb_free(&pg.items);
        return;
    }
    list_walk w = {req, st, &pg, who, on, NULL, 1, JY_SB_INIT, 0};
    jy_err err = {0};
    int rc = jy_case_overdue_on(cs, &f, on, overdue_item, &w, &err);
    jy_sb_free(&w.one);
    if (rc) {
        jy_sb_free(&pg.items);
        jy_api_fail(req, &err, NULL);
        return;
    }
    jy_api_page_reply(req, &pg);
}

/* ---- objections (异议) ---- */

static void reply_objections(jy_http_req *req, jy_cases *cs, const jy_case *c, unsigned status)
{
    jy_sb list = JY_SB_INIT, sb = JY_SB_INIT;
    jy_err err = {0};
    if (jy_case_objections_json(cs, c->id, &list, &err)) {
        jy_sb_free(&list);
        jy_api_fail(req, &err, NULL);
        return;
    }
    jy_case now;
    jy_sb text = JY_SB_INIT;
    if (jy_store_case_get(cs->st, c->id, &now, &text, &err)) {
        jy_sb_free(&text);
        jy_sb_free(&list);
        jy_api_fail(req, &err, NULL);
        return;
    }
    jy_sb_free(&text);
    jy_sb_appendc(&sb, '{');
    jy_sb_json_kv_i64(&sb, "case_id", now.id);
    jy_sb_json_kv_str(&sb, "state", now.state);
    char day[JY_DATE_BUFSZ];
    jy_sb_json_kv_str(&sb, "publicity_end", now.publicity_end ? jy_date_format(now.publicity_end, day) : NULL);
    jy_sb_json_key(&sb, "objections");
    jy_sb_appendn(&sb, jy_sb_cstr(&list), list.len);
    jy_sb_appendc(&sb, '}');
    jy_sb_free(&list);
    jy_privacy_mask_json(&sb);
    jy_api_reply_json(req, status, &sb);
}

static void h_objections(jy_http_req *req)
{
    jy_store *st = jy_api_store_or_reply(req);
    jy_case c;
    if (!st || case_or_reply(req, st, JY_PERM_CASE_READ, &c)) return;
    jy_cases *cs = jy_api_cases_or_reply(req);
    if (cs) reply_objections(req, cs, &c, 200);
}

/* Reads {reason, date[, outcome]}: 0, or negative after a 422. */
static int objection_body(jy_http_req *req, const char *keys, const char **reason, jy_date *on, const char **outcome)
{
    json_t *b = jy_api_body_or_reply(req);
    if (!b || jy_api_only_keys_or_reply(req, b, keys)) return -1;
    *on = (jy_date)(jy_api_now(req) / 86400);
    if (outcome && jy_api_str_or_reply(req, b, "outcome", 1, outcome)) return -1;
    if (jy_api_str_or_reply(req, b, "reason", 1, reason) || jy_api_date_or_reply(req, b, "date", 0, on) < 0) return -1;
    if (!**reason) {
        jy_http_reply_error2(req, 422, "invalid_field", "reason", "api.reason_history", "reason: say why (it goes into the case's history)", "reason：请写明理由（记入案件办理记录）");
        return -1;
    }
    if (outcome && strcmp(*outcome, "upheld") != 0 && strcmp(*outcome, "dismissed") != 0) {
        jy_http_reply_error2(req, 422, "invalid_field", "outcome", "api.objection_outcome",
                                  "outcome: upheld (the case is rejected) or dismissed (approved again, a new publicity)", "outcome：应为 upheld（异议成立，案件驳回）或 dismissed（异议不成立，重新审批并再次公示）");
        return -1;
    }
    return 0;
}

/* POST /api/v1/cases/{id}/objections: files an objection (the workflow's object step: any
 * registered user, during publicity; the case goes back to review). */
static void h_object(jy_http_req *req)
{
    const char *reason;
    jy_date on;
    if (objection_body(req, "reason,date", &reason, &on, NULL)) return;
    if (jy_api_idem_begin(req)) return;
    jy_store *st = jy_api_store_or_reply(req);
    jy_case c;
    if (!st || case_or_reply(req, st, JY_PERM_CASE_STEP, &c)) return;
    jy_cases *cs = jy_api_cases_or_reply(req);
    if (!cs) return;
    jy_err err = {0};
    if (jy_case_advance(cs, c.id, "object", on, reason, jy_api_actor(req), &err)) {
        jy_api_fail(req, &err, err.code == JY_EINVAL ? "reason" : NULL);
        return;
    }
    reply_objections(req, cs, &c, 201);
}

/* POST /api/v1/cases/{id}/objections/resolve: {outcome: upheld | dismissed, reason, date}. */
static void h_resolve(jy_http_req *req)
{
    const char *reason, *outcome;
    jy_date on;
    if (objection_body(req, "outcome,reason,date", &reason, &on, &outcome)) return;
    if (jy_api_idem_begin(req)) return;
    jy_store *st = jy_api_store_or_reply(req);
    jy_case c;
    if (!st || case_or_reply(req, st, JY_PERM_CASE_STEP, &c)) return;
    jy_cases *cs = jy_api_cases_or_reply(req);
    if (!cs) return;
    jy_err err = {0};
    if (jy_case_objection_resolve(cs, c.id, outcome, on, reason, jy_api_actor(req), &err)) {
        jy_api_fail(req, &err, err.code == JY_EINVAL ? "outcome" : NULL);
        return;
    }
    reply_objections(req, cs, &c, 200);
}

/* ---- class applications: the roster of a class ---- */

static int class_or_reply(jy_http_req *req, jy_store *st, int perm, jy_case *c)
{
    if (case_or_reply(req, st, perm, c)) return -1;
    if (strcmp(c->kind, "training_class") != 0) {
        jy_http_reply_error2(req, 409, "conflict", NULL, "http.not_a_class",
                             "案件 %" PRId64 " is a %s, not a class application (training_class): it has no roster",
                             "案件 %" PRId64 " 是 %s，不是开班申请（training_class），没有花名册", c->id, c->kind);
        return -1;
    }
    return 0;
}

/* GET /api/v1/cases/{id}/roster: the class's trainee claims (a page). */
static void h_roster(jy_http_req *req)
{
    const jy_principal *who = jy_api_who(req);
    jy_api_page pg;
    if (jy_api_page_or_reply(req, &pg)) return;
    jy_store *st = jy_api_store_or_reply(req);
    jy_case cls;
    if (!st || class_or_reply(req, st, JY_PERM_CASE_READ, &cls)) {
        jy_sb_free(&pg.items);
        return;
    }
    int filtered = strlen(who->area) > 6 || owner_bound(who);
    jy_case_filter f = {.parent_id = cls.id, .after_id = pg.after, .limit = filtered ? 0 : pg.limit + 1};
    list_walk w = {req, st, &pg, who, (jy_date)(jy_api_now(req) / 86400), NULL, 0, JY_SB_INIT, filtered};
    jy_err err = {0};
    int rc = jy_store_case_list(st, &f, list_item, &w, &err);
    jy_sb_free(&w.one);
    jy_api_page_end(req, &pg, rc, &err, NULL);
}

/* POST /api/v1/cases/{id}/roster: admits one trainee to the class (files the trainee's claim with
 * the class as its parent: the seat, hours, exam and certificate are checked as on the command
 * line, `jiuye case file --program P1 --parent ID --person IDCARD`). */
static void h_roster_add(jy_http_req *req)
{
    json_t *b = jy_api_body_or_reply(req);
    if (!b || jy_api_only_keys_or_reply(req, b, "idcard,person_id,facts,date")) return;
    jy_case_filing f = {0};
    int64_t person_id = 0;
    if (jy_api_str_or_reply(req, b, "idcard", 0, &f.idcard) < 0 ||
        jy_api_i64_or_reply(req, b, "person_id", 0, 1, INT64_MAX, &person_id) < 0)
        return;
    if (!f.idcard && !person_id) {
        jy_http_reply_error2(req, 422, "missing_field", "idcard", "api.trainee_required", "idcard or person_id: the trainee is required", "idcard 或 person_id：须指明学员");
        return;
    }
    f.on = (jy_date)(jy_api_now(req) / 86400);
    if (jy_api_date_or_reply(req, b, "date", 0, &f.on) < 0) return;
    json_t *facts = json_object_get(b, "facts");
    if (facts && !json_is_null(facts)) {
        if (!json_is_object(facts)) {
            jy_http_reply_error2(req, 422, "invalid_field", "facts", "api.trainee_facts", "facts: a JSON object (hours_attended, exam …)", "facts：应为 JSON 对象（hours_attended、exam …）");
            return;
        }
        char *txt = json_dumps(facts, JSON_COMPACT);
        if (!txt) {
            jy_http_reply_error2(req, 500, "internal", NULL, "sys.out_of_memory", "out of memory", "内存不足");
            return;
        }
        jy_http_req_on_end(req, free, txt);
        f.facts_json = txt;
    }
    if (jy_api_idem_begin(req)) return;
    jy_store *st = jy_api_store_or_reply(req);
    jy_case cls;
    if (!st || class_or_reply(req, st, JY_PERM_CASE_FILE, &cls)) return;
    jy_err err = {0};
    jy_person p;
    int rc = person_id ? jy_store_person_get(st, person_id, &p, &err) : jy_store_person_get_by_idcard(st, f.idcard, &p, &err);
    if (rc) {
        jy_api_fail(req, &err, person_id ? "person_id" : "idcard");
        return;
    }
    /* the trainee must lie in the user's area too (a township's staff enrols their residents) */
    if (strlen(jy_api_who(req)->area) > 6) {
        jy_perm_target t = {.area = p.hukou_division[0] ? p.hukou_division : p.county, .org_id = cls.org_id,
                            .person_id = p.id};
        if (jy_api_permit_or_reply(req, JY_PERM_CASE_FILE, &t)) return;
    }
    f.idcard = p.idcard;
    f.program = cls.program;
    f.kind = "trainee_claim";
    f.parent_id = cls.id;
    jy_cases *cs = jy_api_cases_or_reply(req);
    if (!cs) return;
    int64_t id = 0;
    rc = jy_case_file(cs, &f, jy_api_actor(req), &id, &err);
    if (rc) {
        jy_api_fail(req, &err, rc == JY_EINVAL ? fact_field(req, err.msg) : NULL);
        return;
    }
    reply_case(req, cs, id, 201);
}

/* POST /api/v1/cases/{id}/roster/steps: one step for many trainee claims of a class (the class
 * page's 批量 审核 / 公示 / 认定) in one request. Per row, not all-or-nothing: each claim's step
 * is the same transaction as POST /cases/{id}/steps (its history, its payable, its audit entry),
 * and one claim another user already moved must not hold back the rest — the answer says, per
 * claim, its new state or why it was refused (status, key, messages), as the page showed them
 * before when it sent one request per trainee. Idempotency-Key replays the whole answer. */
#define BULK_MAX 500
static void h_roster_steps(jy_http_req *req)
{
    json_t *b = jy_api_body_or_reply(req);
    if (!b || jy_api_only_keys_or_reply(req, b, "ids,step,reason,date")) return;
    const char *step, *reason;
    jy_date on;
    if (step_fields_or_reply(req, b, &step, &reason, &on)) return;
    json_t *ids = json_object_get(b, "ids");
    if (!json_is_array(ids) || json_array_size(ids) == 0 || json_array_size(ids) > BULK_MAX) {
        jy_http_reply_error2(req, 422, "invalid_field", "ids", "web.bulk_ids", "ids: an array of 1 to %d trainee claim ids",
                             "ids：应为1至%d个学员补贴案件号的数组", BULK_MAX);
        return;
    }
    size_t i;
    json_t *v;
    json_array_foreach(ids, i, v) {
        if (!json_is_integer(v) || json_integer_value(v) < 1) {
            jy_http_reply_error2(req, 422, "invalid_field", "ids", "web.bulk_id", "ids[%zu]: a case id (a whole number ≥ 1)",
                                 "ids 第%zu项：应为案件号（不小于1的整数）", i);
            return;
        }
        for (size_t k = 0; k < i; k++)
            if (json_integer_value(json_array_get(ids, k)) == json_integer_value(v)) {
                jy_http_reply_error2(req, 422, "invalid_field", "ids", "web.bulk_dup", "ids: case %lld is listed twice",
                                     "ids：案件 %lld 重复列出", (long long)json_integer_value(v));
                return;
            }
    }
    if (jy_api_idem_begin(req)) return;
    jy_store *st = jy_api_store_or_reply(req);
    jy_case cls;
    if (!st || class_or_reply(req, st, JY_PERM_CASE_READ, &cls)) return;
    jy_cases *cs = jy_api_cases_or_reply(req);
    if (!cs) return;
    const jy_principal *who = jy_api_who(req);
    jy_sb out = JY_SB_INIT, text = JY_SB_INIT; /* text: the stored case's JSON, not needed here */
    int done = 0, failed = 0;
    jy_sb_append(&out, "{\"class_id\":");
    jy_sb_appendf(&out, "%" PRId64, cls.id);
    jy_sb_json_kv_str(&out, "step", step);
    jy_sb_append(&out, ",\"results\":[");
    json_array_foreach(ids, i, v) {
        int64_t id = (int64_t)json_integer_value(v);
        jy_err err = {0};
        jy_case c;
        jy_sb_reset(&text);
        int rc = jy_store_case_get(st, id, &c, &text, &err);
        c.facts = c.reasons = c.conflicts = NULL;
        if (rc == 0 && c.parent_id != cls.id) /* only this class's roster */
            rc = jy_err_set2(&err, JY_ENOTFOUND, "web.bulk_not_roster", "case %lld is not a trainee claim of class %lld",
                             "案件 %lld 不是培训班 %lld 的学员补贴", (long long)id, (long long)cls.id);
        if (rc == 0) { /* the township and ownership rule of a single step, without a reply */
            char area[13];
            case_area(st, &c, area);
            jy_perm_target t = {.area = area, .org_id = c.org_id, .person_id = c.person_id};
            if (jy_perm_check(who, JY_PERM_CASE_STEP, &t, NULL) != 0)
                rc = jy_err_set2(&err, JY_ENOTFOUND, "api.not_in_area", "no such record in your area", "您的管辖区域内没有这条记录");
        }
        if (rc == 0) rc = jy_case_advance(cs, id, step, on, reason, jy_api_actor(req), &err);
        jy_sb_append(&out, i ? ",{" : "{");
        jy_sb_appendf(&out, "\"id\":%" PRId64 ",\"ok\":%s", id, rc ? "false" : "true");
        if (rc == 0) {
            jy_case after;
            jy_err e2 = {0};
            jy_sb_reset(&text);
            if (jy_store_case_get(st, id, &after, &text, &e2) == 0) jy_sb_json_kv_str(&out, "state", after.state);
            done++;
        } else {
            unsigned status = err.code == JY_ENOTFOUND ? 404 : err.code == JY_ECONFLICT ? 409 : err.code == JY_EDENIED ? 403
                              : err.code == JY_EINVAL ? 422 : 500;
            jy_sb_append(&out, ",\"error\":{");
            jy_sb_appendf(&out, "\"status\":%u", status);
            jy_sb_json_key(&out, "key");
            if (err.key) jy_sb_json_str(&out, err.key);
            else jy_sb_append(&out, "null");
            jy_sb_json_kv_str(&out, "message", err.msg);
            jy_sb_json_kv_str(&out, "message_zh", jy_err_zh(&err));
            jy_sb_appendc(&out, '}');
            failed++;
        }
        jy_sb_appendc(&out, '}');
    }
    jy_sb_free(&text);
    jy_sb_appendf(&out, "],\"done\":%d,\"failed\":%d}", done, failed);
    jy_privacy_mask_json(&out);
    jy_api_reply_json(req, 200, &out);
}

/* ---- conflict checks ---- */

static void reply_report(jy_http_req *req, jy_sb *head, const jy_conflict_report *rep)
{
    jy_sb_json_kv_i64(head, "hard", rep->nhard);
    jy_sb_json_kv_i64(head, "soft", rep->nsoft);
    jy_sb_json_key(head, "conflicts");
    jy_conflict_report_json(head, rep);
    jy_sb_appendc(head, '}');
    jy_privacy_mask_json(head);
    jy_http_reply_json(req, 200, head);
}

/* POST /api/v1/cases/check-roster: a class roster checked against everything on record and
 * against itself (`jiuye case check-roster`), before the class is filed. The body is the roster
 * CSV (?program=P1&kind=&date=&occupation=&level=&org_id=) or JSON {program, kind, date,
 * occupation, level, org_id, csv}. */
static void h_check_roster(jy_http_req *req)
{
    const jy_principal *who = jy_api_who(req);
    const char *ctype = jy_http_req_header(req, "content-type");
    const char *program = jy_http_req_query(req, "program"), *kind = jy_http_req_query(req, "kind");
    const char *occupation = jy_http_req_query(req, "occupation"), *level_s = jy_http_req_query(req, "level");
    const char *text;
    size_t len = 0;
    int64_t org_id = 0;
    jy_date on = (jy_date)(jy_api_now(req) / 86400);
    if (ctype && strncasecmp(ctype, "application/json", 16) == 0) {
        json_t *b = jy_api_body_or_reply(req);
        if (!b || jy_api_only_keys_or_reply(req, b, "program,kind,date,occupation,level,org_id,csv")) return;
        if (jy_api_str_or_reply(req, b, "program", 1, &program) || jy_api_str_or_reply(req, b, "kind", 0, &kind) < 0 ||
            jy_api_str_or_reply(req, b, "occupation", 0, &occupation) < 0 ||
            jy_api_str_or_reply(req, b, "level", 0, &level_s) < 0 ||
            jy_api_i64_or_reply(req, b, "org_id", 0, 1, INT64_MAX, &org_id) < 0 ||
            jy_api_date_or_reply(req, b, "date", 0, &on) < 0 || jy_api_str_or_reply(req, b, "csv", 1, &text))
            return;
        len = strlen(text);
    } else {
        text = jy_http_req_body(req, &len);
        if (jy_api_query_id_or_reply(req, "org_id", &org_id) < 0 || jy_api_query_date_or_reply(req, "on", &on) < 0 ||
            jy_api_query_date_or_reply(req, "date", &on) < 0)
            return;
        if (!program) {
            jy_http_reply_error2(req, 422, "missing_field", "program", "api.program_required", "program is required (?program=P1)", "须填写 program（如 ?program=P1）");
            return;
        }
    }
    if (!kind) kind = jy_case_default_kind(program, 1);
    if (!kind || !jy_case_kind_known(kind)) {
        if (kind) jy_http_reply_error2(req, 422, "invalid_field", "kind", "http.case_kind", "kind: not a case kind", "kind：不是案件类别");
        else jy_http_reply_error2(req, 422, "invalid_field", "program", "http.case_program", "program: P1 … P26", "program：应为 P1 … P26");
        return;
    }
    int level = level_s && *level_s ? jy_roster_level(level_s) : 0;
    if (level_s && *level_s && !level) {
        jy_http_reply_error2(req, 422, "invalid_field", "level", "api.level", "level: 五级 … 一级, or 1 … 5", "level：应为 五级 … 一级，或 1 … 5");
        return;
    }
    if (owner_bound(who)) org_id = who->org_id; /* a training body checks its own classes */
    jy_store *st = jy_api_store_or_reply(req);
    if (!st) return;
    jy_err err = {0};
    if (org_id) {
        jy_org o;
        if (jy_store_org_get(st, org_id, &o, &err)) {
            jy_api_fail(req, &err, "org_id");
            return;
        }
    }
    jy_conflict_subject *rows = NULL;
    size_t n = 0;
    jy_cases *cs = jy_api_cases_or_reply(req); /* the rules: the catalogue, synonyms, conflict settings */
    if (!cs) return;
    if (jy_roster_read(st, "roster", text, len, occupation, level, org_id, &rows, &n, &err)) {
        jy_api_fail(req, &err, "csv");
        return;
    }
    jy_roster_normalise(cs->pol, rows, n);
    int y, m, d;
    jy_date_to_ymd(on, &y, &m, &d);
    jy_conflict_query q = {.program = program, .kind = kind, .year = y, .on = on, .rows = rows, .n = n, .roster = 1,
                           .pol = cs->pol};
    jy_conflict_report rep = {0};
    int rc = jy_conflicts_check(st, &q, &rep, &err);
    free(rows);
    if (rc) {
        jy_conflict_report_free(&rep);
        jy_api_fail(req, &err, NULL);
        return;
    }
    jy_sb sb = JY_SB_INIT;
    jy_sb_appendc(&sb, '{');
    jy_sb_json_kv_str(&sb, "program", program);
    jy_sb_json_kv_str(&sb, "kind", kind);
    jy_sb_json_kv_i64(&sb, "rows", rep.rows);
    jy_sb_json_kv_i64(&sb, "registered", rep.registered);
    reply_report(req, &sb, &rep);
    jy_conflict_report_free(&rep);
}

/* GET /api/v1/conflicts?case_id=N, or ?person_id=N&program=P1[&kind&occupation&level&org_id&date]:
 * the conflict checks across programmes for a case on record (as before a payment) or for what
 * a person is about to claim. */
static void h_conflicts(jy_http_req *req)
{
    int64_t case_id = 0, person_id = 0, org_id = 0;
    jy_date on = (jy_date)(jy_api_now(req) / 86400);
    if (jy_api_query_id_or_reply(req, "case_id", &case_id) < 0 || jy_api_query_id_or_reply(req, "person_id", &person_id) < 0 ||
        jy_api_query_id_or_reply(req, "org_id", &org_id) < 0 || jy_api_query_date_or_reply(req, "date", &on) < 0)
        return;
    if (!case_id == !person_id) {
        jy_http_reply_error2(req, 400, "bad_query", case_id ? "person_id" : "case_id", "api.case_or_person",
                                  "give ?case_id=N (a case on record) or ?person_id=N&program=P (a person), not both", "请给出 ?case_id=N（已登记的案件）或 ?person_id=N&program=P（某人），不能同时给出");
        return;
    }
    jy_store *st = jy_api_store_or_reply(req);
    if (!st) return;
    jy_err err = {0};
    jy_conflict_report rep = {0};
    jy_cases *cs = jy_api_cases_or_reply(req);
    if (!cs) return;
    jy_sb sb = JY_SB_INIT;
    if (case_id) {
        jy_case c;
        jy_sb text = JY_SB_INIT;
        int rc = jy_store_case_get(st, case_id, &c, &text, &err);
        jy_sb_free(&text);
        if (rc) {
            jy_api_fail(req, &err, NULL);
            return;
        }
        if (permit_case(req, st, &c, JY_PERM_CASE_READ)) return;
        if (jy_conflicts_check_case(st, cs->pol, case_id, &rep, &err)) {
            jy_conflict_report_free(&rep);
            jy_api_fail(req, &err, NULL);
            return;
        }
        jy_sb_appendc(&sb, '{');
        jy_sb_json_kv_i64(&sb, "case_id", case_id);
        jy_sb_json_kv_str(&sb, "program", c.program);
        jy_sb_json_kv_str(&sb, "kind", c.kind);
    } else {
        const char *program = jy_http_req_query(req, "program"), *kind = jy_http_req_query(req, "kind");
        const char *occ = jy_http_req_query(req, "occupation"), *lv = jy_http_req_query(req, "level");
        if (!program) {
            jy_http_reply_error2(req, 400, "bad_query", "program", "api.program_claim", "?program=P1 … P26: what the person would claim", "?program=P1 … P26：此人要申领的项目");
            return;
        }
        if (!kind) kind = jy_case_default_kind(program, 0);
        if (!kind || !jy_case_kind_known(kind)) {
            if (kind) jy_http_reply_error2(req, 400, "bad_query", "kind", "http.case_kind_query", "?kind=: not a case kind", "?kind= 不是案件类别");
            else jy_http_reply_error2(req, 400, "bad_query", "program", "http.case_program_query", "?program=: P1 … P26", "?program= 应为 P1 … P26");
            return;
        }
        int level = lv && *lv ? jy_roster_level(lv) : 0;
        if (lv && *lv && !level) {
            jy_http_reply_error2(req, 400, "bad_query", "level", "api.level_query", "?level=: 五级 … 一级, or 1 … 5", "?level=：应为 五级 … 一级，或 1 … 5");
            return;
        }
        jy_person p;
        if (jy_store_person_get(st, person_id, &p, &err)) {
            jy_api_fail(req, &err, NULL);
            return;
        }
        jy_perm_target t = {.area = p.hukou_division[0] ? p.hukou_division : p.county, .person_id = p.id};
        if (jy_api_permit_or_reply(req, JY_PERM_CASE_READ, &t)) return;
        jy_conflict_subject s;
        memset(&s, 0, sizeof s);
        s.person_id = p.id;
        snprintf(s.idcard, sizeof s.idcard, "%s", p.idcard);
        snprintf(s.occupation, sizeof s.occupation, "%s", occ ? occ : "");
        s.level = level;
        s.org_id = org_id;
        s.row = 0;
        int y, m, d;
        jy_date_to_ymd(on, &y, &m, &d);
        jy_roster_normalise(cs->pol, &s, 1);
        jy_conflict_query q = {.program = program, .kind = kind, .year = y, .on = on, .rows = &s, .n = 1, .pol = cs->pol};
        if (jy_conflicts_check(st, &q, &rep, &err)) {
            jy_conflict_report_free(&rep);
            jy_api_fail(req, &err, NULL);
            return;
        }
        jy_sb_appendc(&sb, '{');
        jy_sb_json_kv_i64(&sb, "person_id", person_id);
        jy_sb_json_kv_str(&sb, "program", program);
        jy_sb_json_kv_str(&sb, "kind", kind);
    }
    reply_report(req, &sb, &rep);
    jy_conflict_report_free(&rep);
}

/* ---- settle provisional dates ---- */

/* POST /api/v1/cases/settle-dates {dry_run}: recounts the provisional dates now that the calendar
 * may have the year (`jiuye case settle-dates`); county-wide, so a county reviewer's (or admin's). */
static void h_settle(jy_http_req *req)
{
    json_t *b = jy_api_body_or_reply(req);
    if (!b || jy_api_only_keys_or_reply(req, b, "dry_run")) return;
    json_t *dr = json_object_get(b, "dry_run");
    if (dr && !json_is_boolean(dr) && !json_is_null(dr)) {
        jy_http_reply_error2(req, 422, "invalid_field", "dry_run", "api.dry_run", "dry_run: true or false", "dry_run：应为 true 或 false");
        return;
    }
    const jy_principal *who = jy_api_who(req);
    if (strlen(who->area) > 6 || owner_bound(who)) {
        jy_http_reply_error2(req, 409, "conflict", NULL, "http.settle_county_wide",
                             "用户 %s: provisional dates are settled county-wide by a county reviewer (县级审核)",
                             "用户 %s：暂定日期由县级审核人员在全县范围内统一确定", who->name);
        return;
    }
    jy_cases *cs = jy_api_cases_or_reply(req);
    if (!cs) return;
    jy_sb sb = JY_SB_INIT;
    jy_err err = {0};
    if (jy_cases_settle_dates(cs, dr && json_is_true(dr), jy_api_actor(req), &sb, &err)) {
        jy_sb_free(&sb);
        jy_api_fail(req, &err, NULL);
        return;
    }
    jy_privacy_mask_json(&sb);
    jy_http_reply_json(req, 200, &sb);
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
    "\"next_steps\",\"version\"],\"properties\":{" CASE_PROPS ",\"history\":{\"type\":\"array\"},\"next_steps\":{\"type\":" \
    "\"array\"},\"version\":{\"type\":[\"object\",\"null\"],\"required\":[\"id\",\"hash\",\"enacted_on\",\"applies_from\"]}}}"
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

#define BULK_STEP_BODY                                                                                            \
    "{\"type\":\"object\",\"required\":[\"ids\",\"step\",\"reason\"],\"additionalProperties\":false,\"properties\":{" \
    "\"ids\":{\"type\":\"array\",\"items\":{\"type\":\"integer\"}},\"step\":" STR ",\"reason\":" STR ",\"date\":" STR "}}"
#define BULK_STEP_SCHEMA                                                                                          \
    "{\"type\":\"object\",\"required\":[\"class_id\",\"step\",\"results\",\"done\",\"failed\"],\"properties\":{"     \
    "\"class_id\":{\"type\":\"integer\"},\"step\":" STR ",\"done\":{\"type\":\"integer\"},\"failed\":{\"type\":"    \
    "\"integer\"},\"results\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"required\":[\"id\",\"ok\"],"      \
    "\"properties\":{\"id\":{\"type\":\"integer\"},\"ok\":{\"type\":\"boolean\"},\"state\":" STR ",\"error\":{"      \
    "\"type\":\"object\",\"required\":[\"status\",\"message\"]}}}}}}"

#define OBJECTION_SCHEMA                                                                                          \
    "{\"type\":\"object\",\"required\":[\"n\",\"on\",\"actor\",\"reason\",\"status\"],\"properties\":{\"n\":"     \
    "{\"type\":\"integer\"},\"on\":" STR ",\"actor\":" STR ",\"reason\":" STR ",\"at\":" STR ",\"from\":" STR     \
    ",\"status\":{\"enum\":[\"open\",\"upheld\",\"dismissed\",\"withdrawn\",\"closed\"]},\"resolved_on\":"         \
    "{\"type\":[\"string\",\"null\"]},\"resolved_by\":{\"type\":[\"string\",\"null\"]},\"resolution\":"            \
    "{\"type\":[\"string\",\"null\"]},\"resolution_step\":{\"type\":[\"string\",\"null\"]}}}"
#define OBJECTIONS_SCHEMA                                                                                         \
    "{\"type\":\"object\",\"required\":[\"case_id\",\"state\",\"publicity_end\",\"objections\"],\"properties\":{" \
    "\"case_id\":{\"type\":\"integer\"},\"state\":" STR ",\"publicity_end\":{\"type\":[\"string\",\"null\"]},"    \
    "\"objections\":{\"type\":\"array\",\"items\":" OBJECTION_SCHEMA "}}}"
#define OBJECT_BODY                                                                                               \
    "{\"type\":\"object\",\"required\":[\"reason\"],\"additionalProperties\":false,\"properties\":{\"reason\":"    \
    STR ",\"date\":" STR "}}"
#define RESOLVE_BODY                                                                                              \
    "{\"type\":\"object\",\"required\":[\"outcome\",\"reason\"],\"additionalProperties\":false,\"properties\":{"  \
    "\"outcome\":{\"enum\":[\"upheld\",\"dismissed\"]},\"reason\":" STR ",\"date\":" STR "}}"
#define ROSTER_BODY                                                                                               \
    "{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{\"idcard\":" STR ",\"person_id\":"        \
    "{\"type\":\"integer\"},\"facts\":{\"type\":\"object\"},\"date\":" STR "}}"
#define CONFLICT_ITEM                                                                                             \
    "{\"type\":\"object\",\"required\":[\"kind\",\"hard\",\"clause\",\"reason\"],\"properties\":{\"kind\":" STR   \
    ",\"hard\":{\"type\":\"boolean\"},\"clause\":" STR ",\"reason\":" STR "}}"
#define CONFLICTS_SCHEMA                                                                                          \
    "{\"type\":\"object\",\"required\":[\"program\",\"kind\",\"hard\",\"soft\",\"conflicts\"],\"properties\":{"   \
    "\"case_id\":{\"type\":\"integer\"},\"person_id\":{\"type\":\"integer\"},\"rows\":{\"type\":\"integer\"},"     \
    "\"registered\":{\"type\":\"integer\"},\"program\":" STR ",\"kind\":" STR ",\"hard\":{\"type\":\"integer\"},"  \
    "\"soft\":{\"type\":\"integer\"},\"conflicts\":{\"type\":\"array\",\"items\":" CONFLICT_ITEM "}}}"
#define CHECK_ROSTER_BODY                                                                                         \
    "{\"type\":\"object\",\"required\":[\"program\",\"csv\"],\"additionalProperties\":false,\"properties\":{"     \
    "\"program\":" STR ",\"kind\":" STR ",\"date\":" STR ",\"occupation\":" STR ",\"level\":" STR ",\"org_id\":"   \
    "{\"type\":\"integer\"},\"csv\":" STR "}}"
#define SETTLE_BODY                                                                                               \
    "{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{\"dry_run\":{\"type\":\"boolean\"}}}"
#define SETTLE_SCHEMA                                                                                             \
    "{\"type\":\"object\",\"required\":[\"dry_run\",\"cases\",\"provisional\",\"settled\",\"still_provisional\"]," \
    "\"properties\":{\"dry_run\":{\"type\":\"boolean\"},\"cases\":{\"type\":\"integer\"},\"provisional\":"         \
    "{\"type\":\"integer\"},\"settled\":{\"type\":\"array\"},\"still_provisional\":{\"type\":\"array\"}}}"
#define WAITING_SCHEMA                                                                                            \
    "{\"type\":\"object\",\"required\":[\"id\",\"program\",\"kind\",\"state\",\"decision\",\"deadline\",\"waiting_steps\"]," \
    "\"properties\":{" CASE_PROPS ",\"deadline\":{\"type\":[\"string\",\"null\"]},\"waiting_steps\":{\"type\":"   \
    "\"array\",\"items\":" STR "}}}"
#define OVERDUE_SCHEMA                                                                                            \
    "{\"type\":\"object\",\"required\":[\"id\",\"program\",\"kind\",\"state\",\"decision\",\"days_overdue\"],"    \
    "\"properties\":{" CASE_PROPS ",\"days_overdue\":{\"type\":\"integer\"},\"deadline\":" STR                    \
    ",\"deadline_clause\":" STR ",\"as_of\":{\"type\":\"object\",\"required\":[\"date\",\"state\",\"since\",\"due_on\"],"   \
    "\"properties\":{\"date\":" STR ",\"state\":" STR ",\"since\":" STR ",\"due_on\":" STR "}}}}"

const jy_api_route jy_api_routes_cases[] = {
    /* literal paths before "/api/v1/cases/{id}": the server takes the first route that matches */
    {{.method = "GET", .path = "/api/v1/cases/overdue", .fn = h_overdue, .permission = JY_PERM_CASE_READ},
     {.tag = "cases",
      .summary = "Overdue steps (超期): cases that were, on ?on (default today), in a state whose deadline had passed "
                 "— judged by the state each was in that day, replayed from its history — with days overdue, the "
                 "deadline's clause and as_of (the state then, since when, its deadline)",
      .query = "on,program,kind,limit,cursor", .response = PAGE_OF(OVERDUE_SCHEMA), .statuses = "200,400,401,403"}},
    {{.method = "GET", .path = "/api/v1/cases/waiting", .fn = h_waiting, .permission = JY_PERM_CASE_READ},
     {.tag = "cases",
      .summary = "The work list (待办): the cases waiting for a step the user's role takes (not the undoing steps: "
                 "reject, withdraw, object, cancel, 追回), in the user's area (a township user's township, an "
                 "owner's own), by deadline — due_on, else the publicity's last day, else none (last) — then id; "
                 "each with its deadline and the steps it waits for",
      .query = "program,town,limit,cursor", .response = PAGE_OF(WAITING_SCHEMA), .statuses = "200,400,401,403"}},
    {{.method = "POST", .path = "/api/v1/cases/check-roster", .fn = h_check_roster, .flags = JY_HTTP_CSV,
      .permission = JY_PERM_CASE_FILE, .max_body = 4u << 20},
     {.tag = "cases",
      .summary = "Check a class roster (花名册比对) against every programme on record and itself, before filing: the "
                 "body is the roster CSV (?program=P1…) or this JSON",
      .query = "program,kind,date,occupation,level,org_id", .request = CHECK_ROSTER_BODY,
      .response = CONFLICTS_SCHEMA, .statuses = "200,400,401,403,404,413,415,422"}},
    {{.method = "POST", .path = "/api/v1/cases/settle-dates", .fn = h_settle, .permission = JY_PERM_CASE_STEP,
      .max_body = 1024},
     {.tag = "cases",
      .summary = "Settle provisional dates (暂定日期) once the holiday calendar has the year (county reviewer)",
      .request = SETTLE_BODY, .response = SETTLE_SCHEMA, .statuses = "200,400,401,403,404,409,415,422"}},
    {{.method = "GET", .path = "/api/v1/conflicts", .fn = h_conflicts, .permission = JY_PERM_CASE_READ},
     {.tag = "cases",
      .summary = "Conflict checks across programmes (冲突检查) for a case on record (?case_id) or what a person would "
                 "claim (?person_id&program)",
      .query = "case_id,person_id,program,kind,occupation,level,org_id,date", .response = CONFLICTS_SCHEMA,
      .statuses = "200,400,401,403,404"}},
    {{.method = "GET", .path = "/api/v1/cases", .fn = h_cases, .permission = JY_PERM_CASE_READ},
     {.tag = "cases", .summary = "List cases (案件): by programme, state, kind, subject, decision, year, township; overdue steps; open objections (异议待复核)",
      .query = "program,state,kind,decision,person_id,org_id,parent_id,overdue,objection,on,year,town,limit,cursor",
      .response = PAGE_OF(CASE_SCHEMA), .statuses = "200,400,401,403"}},
    {{.method = "POST", .path = "/api/v1/cases", .fn = h_file, .flags = JY_HTTP_BATCH, .permission = JY_PERM_CASE_FILE, .max_body = 262144},
     {.tag = "cases", .summary = "File a case (申报): decided by the rules at once, conflicts checked",
      .request = FILE_BODY, .response = CASE_FULL_SCHEMA, .statuses = "201,400,401,403,404,409,415,422,503",
      .success = 201}},
    {{.method = "GET", .path = "/api/v1/cases/{id}", .fn = h_case, .permission = JY_PERM_CASE_READ},
     {.tag = "cases", .summary = "One case: facts, decision and reasons, conflicts, timeline, next steps",
      .response = CASE_FULL_SCHEMA, .statuses = "200,401,403,404"}},
    {{.method = "POST", .path = "/api/v1/cases/{id}/steps", .fn = h_step, .permission = JY_PERM_CASE_STEP,
      .max_body = 16384},
     {.tag = "cases", .summary = "Take a workflow step (审核, 公示, 异议, 认定 …) with a reason",
      .request = STEP_BODY, .response = CASE_FULL_SCHEMA, .statuses = "200,400,401,403,404,409,415,422"}},
    {{.method = "POST", .path = "/api/v1/cases/{id}/roster/steps", .fn = h_roster_steps, .permission = JY_PERM_CASE_STEP,
      .max_body = 65536},
     {.tag = "cases",
      .summary = "Take one step for many trainee claims of a class (批量办理) with one reason: per-claim results, not all-or-nothing",
      .request = BULK_STEP_BODY, .response = BULK_STEP_SCHEMA, .statuses = "200,400,401,403,404,409,415,422"}},
    {{.method = "GET", .path = "/api/v1/cases/{id}/objections", .fn = h_objections, .permission = JY_PERM_CASE_READ},
     {.tag = "cases", .summary = "A case's objections (异议) with their outcome (open, upheld, dismissed …)",
      .response = OBJECTIONS_SCHEMA, .statuses = "200,401,403,404"}},
    {{.method = "POST", .path = "/api/v1/cases/{id}/objections", .fn = h_object, .permission = JY_PERM_CASE_STEP,
      .max_body = 16384},
     {.tag = "cases",
      .summary = "File an objection during publicity (公示期异议): the case goes back to review",
      .request = OBJECT_BODY, .response = OBJECTIONS_SCHEMA, .statuses = "201,400,401,403,404,409,415,422",
      .success = 201}},
    {{.method = "POST", .path = "/api/v1/cases/{id}/objections/resolve", .fn = h_resolve,
      .permission = JY_PERM_CASE_STEP, .max_body = 16384},
     {.tag = "cases",
      .summary = "Resolve the open objection: upheld (the case is rejected) or dismissed (approved again, new publicity)",
      .request = RESOLVE_BODY, .response = OBJECTIONS_SCHEMA, .statuses = "200,400,401,403,404,409,415,422"}},
    {{.method = "GET", .path = "/api/v1/cases/{id}/roster", .fn = h_roster, .permission = JY_PERM_CASE_READ},
     {.tag = "cases", .summary = "A class application's roster (开班花名册): its trainee claims",
      .query = "limit,cursor", .response = PAGE_OF(CASE_SCHEMA), .statuses = "200,400,401,403,404,409"}},
    {{.method = "POST", .path = "/api/v1/cases/{id}/roster", .fn = h_roster_add, .permission = JY_PERM_CASE_FILE,
      .max_body = 65536},
     {.tag = "cases",
      .summary = "Admit a trainee to a class (学员申报): files the trainee's claim under the class, seat, hours, exam "
                 "and certificate checked",
      .request = ROSTER_BODY, .response = CASE_FULL_SCHEMA, .statuses = "201,400,401,403,404,409,415,422",
      .success = 201}},
};
const size_t jy_api_routes_cases_n = sizeof jy_api_routes_cases / sizeof jy_api_routes_cases[0];
