/* api_money.c — placements, attendance, payroll, the fund ledger and payment batches under
 * /api/v1 (issue 11). The same service functions as `jiuye placement|attendance|payroll|ledger|
 * batch` (service/placement.h, payroll.h, ledger.h, payment.h, money.h): the intake rules, the
 * roles of policy/workflows.txt's operations block and its four-eyes rules (not-by), the ledger's
 * overspend refusals and the one-payable-per-claim rule apply as they do on the command line.
 *
 *   GET  /api/v1/placements                            list: ?program ?status ?person_id ?host_id, paged
 *   POST /api/v1/placements                            start (intake rules); held → 202 and the case
 *   GET  /api/v1/placements/{id}                       one placement with attendance and payroll lines
 *   POST /api/v1/placements/held/{case_id}/approve     approve a start held for review
 *   POST /api/v1/placements/{id}/end                   end (actual end date, reason)
 *   POST /api/v1/placements/{id}/recover               追回: recover paid months, cancel the rest
 *   GET  /api/v1/attendance                            a month's grid: ?program ?month ?host_id, paged
 *   PUT  /api/v1/placements/{id}/attendance/{month}    set one person-month
 *   POST /api/v1/payroll/{program}/{month}/run         run the month (proposes; moves no money)
 *   GET  /api/v1/payroll/{program}/{month}             the run with its lines and totals
 *   POST /api/v1/payroll/{program}/{month}/commit      commit (a second person: not-by payroll_run)
 *   POST /api/v1/payroll/lines/{id}/review             approve (amount) or reject a held line
 *   GET  /api/v1/ledger/budgets                        budget lines by funding source
 *   PUT  /api/v1/ledger/budgets/{program}/{year}/{source}  set a line (and the tracks it funds)
 *   POST /api/v1/ledger/budgets/load                   a year's lines from the policy data
 *   GET  /api/v1/ledger/balances                       per programme and year: budget, available …
 *   GET  /api/v1/ledger/commitments                    payables (应付款), paged
 *   GET  /api/v1/ledger/check                          do the books balance
 *   GET  /api/v1/batches                               payment batches, paged
 *   POST /api/v1/batches                               build a batch from approved payables
 *   GET  /api/v1/batches/{id}                          the batch and its lines (masked)
 *   POST /api/v1/batches/{id}/approve                  second-person approval (not-by batch_build)
 *   GET  /api/v1/batches/{id}/bank-file                the bank file: ?format=csv|xlsx (masked unless
 *                                                      ?unmask=1&reason=… by finance or admin)
 *   POST /api/v1/batches/{id}/paid                     mark paid (all pending lines, or {"line"})
 *   POST /api/v1/batches/{id}/lines/{line}/failed      the bank returned a line unpaid
 *   POST /api/v1/batches/{id}/lines/{line}/retry       a failed line back to pending
 *
 * Counties: the books of a county are those of ?county= (or "county" in a body), else the user's
 * county (the first six digits of a county or township area), else the server's county. A
 * four-eyes refusal (the runner commits, the builder approves) is 409 like any other refusal of
 * the workflow's operations block; 403 is kept for the route's permission. docs/api.md "Money". */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http/api.h"
#include "service/ledger.h"
#include "service/money.h"
#include "service/payment.h"
#include "service/payroll.h"
#include "service/placement.h"
#include "service/privacy.h"

/* ---------------------------------------------------------------- shared */

static int owner_bound(const jy_principal *p) { return ((1u << p->role) & JY_ROLES_OWNER_BOUND) != 0; }

/* jy_api_fail with the message's ID numbers and card numbers masked (service messages name the
 * person: "person 640522…1234 (马某)"). */
static void fail(jy_http_req *req, const jy_err *err, const char *field)
{
    jy_err e = *err;
    jy_sb m = JY_SB_INIT;
    jy_sb_append(&m, err->msg);
    jy_privacy_mask_text(&m);
    snprintf(e.msg, sizeof e.msg, "%s", jy_sb_cstr(&m));
    if (e.zh[0]) { /* the Chinese text names the same people */
        jy_sb_reset(&m);
        jy_sb_append(&m, err->zh);
        jy_privacy_mask_text(&m);
        snprintf(e.zh, sizeof e.zh, "%s", jy_sb_cstr(&m));
    }
    jy_sb_free(&m);
    jy_api_fail(req, &e, field);
}

/* Masks personal data in the JSON answer and replies (kept for the Idempotency-Key). */
static void reply_masked(jy_http_req *req, unsigned status, jy_sb *sb)
{
    jy_privacy_mask_json(sb);
    jy_api_reply_json(req, status, sb);
}

static int field_error(jy_http_req *req, const char *field, const char *what, const char *what_zh)
{
    jy_http_reply_error2(req, 422, "invalid_field", field, "http.money_field", "%1$s: %2$s%3$.0s", "%1$s 有误：%3$s%2$.0s",
                         field, what, what_zh);
    return JY_EINVAL;
}

static int query_error(jy_http_req *req, const char *name, const char *what, const char *what_zh)
{
    jy_http_reply_error2(req, 400, "bad_query", name, "http.money_query", "?%1$s=: %2$s%3$.0s", "参数 ?%1$s= 有误：%3$s%2$.0s",
                         name, what, what_zh);
    return JY_EINVAL;
}

/* "P1" … "P26". */
static int program_ok(const char *p)
{
    size_t n = p ? strlen(p) : 0;
    if (n < 2 || n > 3 || p[0] != 'P' || strspn(p + 1, "0123456789") != n - 1 || p[1] == '0') return 0;
    int v = atoi(p + 1);
    return v >= 1 && v <= 26;
}

/* The programmes with monthly pay (placement.h). */
static int placement_program_ok(const char *p)
{
    return p && (strcmp(p, "P10") == 0 || strcmp(p, "P12") == 0 || strcmp(p, "P13") == 0 || strcmp(p, "P14") == 0 ||
                 strcmp(p, "P24") == 0);
}

static int month_ok(const char *m)
{
    jy_month v;
    jy_err e;
    return m && strlen(m) == 7 && jy_month_parse(m, &v, &e) == 0;
}

static void json_free_cb(void *p) { json_decref(p); }

/* The body of a POST whose body is optional: the object, or an empty object when the request has
 * no body; NULL after a 400/422. Unknown keys are refused. */
static json_t *optional_body(jy_http_req *req, const char *allowed)
{
    size_t len = 0;
    const char *b = jy_http_req_body(req, &len);
    json_t *o;
    if (!b || len == 0) {
        o = json_object();
        jy_http_req_on_end(req, json_free_cb, o);
        return o;
    }
    o = jy_api_body_or_reply(req);
    if (!o || jy_api_only_keys_or_reply(req, o, allowed)) return NULL;
    return o;
}

/* The county whose books the request is about: given (?county= or a body's "county"), else the
 * user's county, else the server's. 0, or negative after a reply (422/400 for a malformed code,
 * 404 for a county outside the user's area). */
static int county_or_reply(jy_http_req *req, const char *given, int in_body, char out[7])
{
    const jy_principal *who = jy_api_who(req);
    const char *name = "county";
    if (given) {
        if (strlen(given) != 6 || strspn(given, "0123456789") != 6) {
            if (in_body) return field_error(req, name, "a county code of six digits, e.g. 640522", "应为6位县级行政区划代码，如 640522");
            return query_error(req, name, "a county code of six digits, e.g. 640522", "应为6位县级行政区划代码，如 640522");
        }
        memcpy(out, given, 7);
    } else if (strlen(who->area) >= 6) {
        memcpy(out, who->area, 6);
        out[6] = '\0';
    } else {
        const jy_http_app *app = jy_http_req_app(req);
        snprintf(out, 7, "%s", app && app->county[0] ? app->county : JY_LEDGER_DEFAULT_COUNTY);
    }
    size_t n = strlen(who->area);
    if (n && n <= 6 && strncmp(out, who->area, n) != 0) {
        jy_http_reply_error2(req, 404, "not_found", NULL, "api.county_outside_yours", "county %s lies outside your area (%s)", "县 %s 不在您的辖区（%s）内", out, who->area);
        return JY_ENOTFOUND;
    }
    return 0;
}

/* A body's optional "county" (string) through county_or_reply. */
static int body_county_or_reply(jy_http_req *req, json_t *b, char out[7])
{
    const char *c = NULL;
    int rc = jy_api_str_or_reply(req, b, "county", 0, &c);
    if (rc < 0) return rc;
    return county_or_reply(req, rc == 0 ? c : NULL, 1, out);
}

/* An optional boolean field: 0 set, 1 absent, negative after a 422. */
static int bool_or_reply(jy_http_req *req, json_t *b, const char *field, int *out)
{
    json_t *v = json_object_get(b, field);
    if (!v || json_is_null(v)) return 1;
    if (!json_is_boolean(v)) return field_error(req, field, "expected true or false", "应为 true 或 false");
    *out = json_is_true(v);
    return 0;
}

/* ---- placements: the record's area and owner ---- */

/* A placement's area: the person's household registration when it lies in the placement's
 * county, else the county; its owners: the host (employer) and the person. */
static jy_perm_target placement_target(jy_store *st, const jy_placement *p, char area[13])
{
    snprintf(area, 13, "%s", p->county);
    jy_person ps;
    jy_err e = {0};
    if (jy_store_person_get(st, p->person_id, &ps, &e) == 0 && ps.hukou_division[0] &&
        strncmp(ps.hukou_division, p->county, 6) == 0)
        snprintf(area, 13, "%s", ps.hukou_division);
    jy_perm_target t = {.area = area, .org_id = p->host_org_id, .person_id = p->person_id};
    return t;
}

/* The placement of path segment {id} the user may use with perm, or -1 after a reply. */
static int placement_or_reply(jy_http_req *req, jy_store *st, int perm, jy_placement *p)
{
    int64_t id;
    if (jy_api_path_id_or_reply(req, "id", &id)) return -1;
    jy_err err = {0};
    if (jy_store_placement_get(st, id, p, &err)) {
        fail(req, &err, NULL);
        return -1;
    }
    char area[13];
    jy_perm_target t = placement_target(st, p, area);
    return jy_api_permit_or_reply(req, perm, &t) ? -1 : 0;
}

/* Does the user see placement p in a list? (township areas and owner-bound roles; the store's
 * scope already keeps to the user's county) */
static int placement_visible(jy_store *st, const jy_principal *who, const jy_placement *p)
{
    if (strlen(who->area) <= 6 && !owner_bound(who)) return 1;
    char area[13];
    jy_perm_target t = placement_target(st, p, area);
    return jy_perm_check(who, JY_PERM_PLACEMENT_READ, &t, NULL) == 0;
}

static void reply_placement(jy_http_req *req, jy_cases *cs, int64_t id, unsigned status)
{
    jy_sb sb = JY_SB_INIT;
    jy_err err = {0};
    if (jy_placement_show_json(cs, id, &sb, &err)) {
        jy_sb_free(&sb);
        fail(req, &err, NULL);
        return;
    }
    reply_masked(req, status, &sb);
}

/* ---------------------------------------------------------------- placements */

typedef struct placement_walk {
    jy_store *st;
    const jy_principal *who;
    jy_api_page *pg;
    jy_sb one;
} placement_walk;

static int placement_item(void *ctx, const jy_placement *p)
{
    placement_walk *w = ctx;
    if (p->id <= w->pg->after || !placement_visible(w->st, w->who, p)) return 0;
    jy_sb_reset(&w->one);
    jy_placement_json(&w->one, p);
    jy_privacy_mask_json(&w->one);
    return jy_api_page_add(w->pg, p->id, jy_sb_cstr(&w->one), w->one.len);
}

static void h_placements(jy_http_req *req)
{
    const jy_principal *who = jy_api_who(req);
    jy_api_page pg;
    if (jy_api_page_or_reply(req, &pg)) return;
    jy_placement_filter f = {.program = jy_http_req_query(req, "program"), .status = jy_http_req_query(req, "status")};
    int rc = 0;
    if (f.program && !placement_program_ok(f.program)) rc = query_error(req, "program", "P10, P12, P13, P14 or P24", "应为 P10、P12、P13、P14 或 P24");
    else if (f.status && strcmp(f.status, "active") && strcmp(f.status, "ended") && strcmp(f.status, "cancelled"))
        rc = query_error(req, "status", "active, ended or cancelled", "应为 active（在岗）、ended（已结束）或 cancelled（已撤销）");
    else if (jy_api_query_id_or_reply(req, "person_id", &f.person_id) < 0 ||
             jy_api_query_id_or_reply(req, "host_id", &f.host_org_id) < 0)
        rc = JY_EINVAL;
    if (rc) {
        jy_sb_free(&pg.items);
        return;
    }
    if (owner_bound(who)) { /* an employer's account: the placements it hosts */
        if (!who->org_id || (f.host_org_id && f.host_org_id != who->org_id)) {
            jy_api_page_reply(req, &pg);
            return;
        }
        f.host_org_id = who->org_id;
    }
    jy_store *st = jy_api_store_or_reply(req);
    if (!st) {
        jy_sb_free(&pg.items);
        return;
    }
    placement_walk w = {st, who, &pg, JY_SB_INIT};
    jy_err err = {0};
    rc = jy_store_placement_list(st, &f, placement_item, &w, &err);
    jy_sb_free(&w.one);
    jy_api_page_end(req, &pg, rc, &err, fail);
}

static void h_placement(jy_http_req *req)
{
    jy_store *st = jy_api_store_or_reply(req);
    jy_placement p;
    if (!st || placement_or_reply(req, st, JY_PERM_PLACEMENT_READ, &p)) return;
    jy_cases *cs = jy_api_cases_or_reply(req);
    if (!cs) return;
    reply_placement(req, cs, p.id, 200);
}

static void h_placement_start(jy_http_req *req)
{
    json_t *b = jy_api_body_or_reply(req);
    if (!b || jy_api_only_keys_or_reply(req, b,
                                        "program,idcard,person_id,host_uscc,host_id,start,planned_end,new_recruit,facts"))
        return;
    if (jy_api_idem_begin(req)) return;
    jy_placement_start_in in = {0};
    int64_t person_id = 0, host_id = 0;
    int nr = 0;
    if (jy_api_str_or_reply(req, b, "program", 1, &in.program) || jy_api_date_or_reply(req, b, "start", 1, &in.start) ||
        jy_api_date_or_reply(req, b, "planned_end", 0, &in.planned_end) < 0 ||
        jy_api_str_or_reply(req, b, "idcard", 0, &in.idcard) < 0 ||
        jy_api_i64_or_reply(req, b, "person_id", 0, 1, INT64_MAX, &person_id) < 0 ||
        jy_api_str_or_reply(req, b, "host_uscc", 0, &in.host_uscc) < 0 ||
        jy_api_i64_or_reply(req, b, "host_id", 0, 1, INT64_MAX, &host_id) < 0 || bool_or_reply(req, b, "new_recruit", &nr) < 0)
        return;
    in.new_recruit = nr;
    if (!placement_program_ok(in.program)) {
        field_error(req, "program", "a programme with monthly pay: P10, P12, P13, P14 or P24", "应为按月发放的项目：P10、P12、P13、P14 或 P24");
        return;
    }
    if (!!in.idcard == !!person_id) {
        field_error(req, "idcard", "give the person: idcard or person_id (one of them)", "请给出人员：idcard 或 person_id（二选一）");
        return;
    }
    if (!!in.host_uscc == !!host_id) {
        field_error(req, "host_uscc", "give the host: host_uscc or host_id (one of them)", "请给出用人单位：host_uscc 或 host_id（二选一）");
        return;
    }
    if (in.planned_end && in.planned_end < in.start) {
        field_error(req, "planned_end", "before start", "早于开始日期");
        return;
    }
    json_t *facts = json_object_get(b, "facts");
    if (facts && !json_is_null(facts)) {
        if (!json_is_object(facts)) {
            field_error(req, "facts", "an object of extra facts for the placement case", "应为岗位案件补充信息项的对象");
            return;
        }
        char *s = json_dumps(facts, JSON_COMPACT);
        if (!s) abort();
        jy_http_req_on_end(req, free, s);
        in.facts_json = s;
    }
    jy_store *st = jy_api_store_or_reply(req);
    if (!st) return;
    jy_err err = {0};
    jy_person ps;
    jy_org host;
    int rc = person_id ? jy_store_person_get(st, person_id, &ps, &err) : jy_store_person_get_by_idcard(st, in.idcard, &ps, &err);
    if (rc) {
        if (rc == JY_ENOTFOUND) field_error(req, person_id ? "person_id" : "idcard", "no such person is registered in your area", "您的辖区内没有登记此人");
        else fail(req, &err, NULL);
        return;
    }
    rc = host_id ? jy_store_org_get(st, host_id, &host, &err) : jy_store_org_get_by_uscc(st, in.host_uscc, &host, &err);
    if (rc) {
        if (rc == JY_ENOTFOUND) field_error(req, host_id ? "host_id" : "host_uscc", "no such organisation is registered in your area", "您的辖区内没有登记该单位");
        else fail(req, &err, NULL);
        return;
    }
    in.idcard = ps.idcard;
    in.host_uscc = host.uscc;
    char area[13];
    snprintf(area, sizeof area, "%s", ps.hukou_division[0] ? ps.hukou_division : ps.county);
    jy_perm_target t = {.area = area, .org_id = host.id, .person_id = ps.id};
    if (jy_api_permit_or_reply(req, JY_PERM_PLACEMENT_WRITE, &t)) return;
    jy_cases *cs = jy_api_cases_or_reply(req);
    if (!cs) return;
    jy_sb sb = JY_SB_INIT;
    int held = 0;
    if ((rc = jy_placement_start_json(cs, &in, jy_api_actor(req), &sb, &held, NULL, &err))) {
        jy_sb_free(&sb);
        fail(req, &err, NULL);
        return;
    }
    reply_masked(req, held ? 202 : 201, &sb);
}

/* {reason, date} of approve / end. */
static int reason_date_or_reply(jy_http_req *req, json_t *b, const char **reason, jy_date *on, int date_required)
{
    *on = 0;
    if (jy_api_only_keys_or_reply(req, b, "reason,date")) return JY_EINVAL;
    if (jy_api_str_or_reply(req, b, "reason", 1, reason) || jy_api_date_or_reply(req, b, "date", date_required, on) < 0)
        return JY_EINVAL;
    if (!**reason) return field_error(req, "reason", "must not be empty", "不能为空");
    return 0;
}

static void h_placement_approve(jy_http_req *req)
{
    json_t *b = jy_api_body_or_reply(req);
    const char *reason;
    jy_date on;
    if (!b || reason_date_or_reply(req, b, &reason, &on, 0)) return;
    if (jy_api_idem_begin(req)) return;
    int64_t case_id;
    if (jy_api_path_id_or_reply(req, "case_id", &case_id)) return;
    jy_store *st = jy_api_store_or_reply(req);
    if (!st) return;
    jy_case c;
    jy_sb text = JY_SB_INIT;
    jy_err err = {0};
    int rc = jy_store_case_get(st, case_id, &c, &text, &err);
    jy_sb_free(&text);
    if (rc) {
        fail(req, &err, NULL);
        return;
    }
    if (strcmp(c.kind, "placement") != 0) {
        jy_http_reply_error2(req, 404, "not_found", NULL, "http.not_a_placement", "case %" PRId64 " is not a placement start (kind %s)", "案件 %" PRId64 " 不是岗位安置（类别为 %s）", case_id, c.kind);
        return;
    }
    char area[13];
    snprintf(area, sizeof area, "%s", c.county);
    jy_person ps;
    if (c.person_id && jy_store_person_get(st, c.person_id, &ps, &err) == 0 && ps.hukou_division[0] &&
        strncmp(ps.hukou_division, c.county, 6) == 0)
        snprintf(area, sizeof area, "%s", ps.hukou_division);
    jy_perm_target t = {.area = area, .org_id = c.org_id, .person_id = c.person_id};
    if (jy_api_permit_or_reply(req, JY_PERM_PLACEMENT_WRITE, &t)) return;
    jy_cases *cs = jy_api_cases_or_reply(req);
    if (!cs) return;
    jy_placement p;
    if (jy_placement_approve(cs, case_id, on, reason, jy_api_actor(req), &p, &err)) {
        fail(req, &err, NULL);
        return;
    }
    reply_placement(req, cs, p.id, 200);
}

static void h_placement_end(jy_http_req *req)
{
    json_t *b = jy_api_body_or_reply(req);
    const char *reason;
    jy_date on;
    if (!b || reason_date_or_reply(req, b, &reason, &on, 1)) return;
    jy_store *st = jy_api_store_or_reply(req);
    jy_placement p;
    if (!st || placement_or_reply(req, st, JY_PERM_PLACEMENT_WRITE, &p)) return;
    if (on < p.start_on) {
        field_error(req, "date", "before the placement's start", "早于岗位开始日期");
        return;
    }
    jy_cases *cs = jy_api_cases_or_reply(req);
    if (!cs) return;
    jy_err err = {0};
    if (jy_placement_end(cs, p.id, on, reason, jy_api_actor(req), &err)) {
        fail(req, &err, NULL);
        return;
    }
    reply_placement(req, cs, p.id, 200);
}

static void h_placement_recover(jy_http_req *req)
{
    json_t *b = jy_api_body_or_reply(req);
    if (!b || jy_api_only_keys_or_reply(req, b, "reason,since")) return;
    if (jy_api_idem_begin(req)) return;
    const char *reason, *since = NULL;
    if (jy_api_str_or_reply(req, b, "reason", 1, &reason) || jy_api_str_or_reply(req, b, "since", 0, &since) < 0) return;
    if (!*reason) {
        field_error(req, "reason", "must not be empty", "不能为空");
        return;
    }
    if (since && !month_ok(since)) {
        field_error(req, "since", "a month such as 2024-04", "应为月份，如 2024-04");
        return;
    }
    jy_store *st = jy_api_store_or_reply(req);
    jy_placement p;
    if (!st || placement_or_reply(req, st, JY_PERM_PLACEMENT_WRITE, &p)) return;
    jy_cases *cs = jy_api_cases_or_reply(req);
    if (!cs) return;
    jy_sb sb = JY_SB_INIT;
    jy_err err = {0};
    if (jy_payroll_recover(cs, p.id, since, reason, jy_api_actor(req), &sb, &err)) {
        jy_sb_free(&sb);
        fail(req, &err, NULL);
        return;
    }
    reply_masked(req, 200, &sb);
}

/* ---------------------------------------------------------------- attendance */

typedef struct grid_walk {
    jy_store *st;
    const jy_principal *who;
    jy_api_page *pg;
    int64_t host_id;
    const char *month;
    jy_sb one;
    int rc;
    jy_err *err;
} grid_walk;

static int grid_item(void *ctx, const jy_payroll_src *s)
{
    grid_walk *w = ctx;
    if (s->placement_id <= w->pg->after || (w->host_id && s->host_org_id != w->host_id)) return 0;
    jy_placement p;
    if ((w->rc = jy_store_placement_get(w->st, s->placement_id, &p, w->err))) return 1;
    if (!placement_visible(w->st, w->who, &p)) return 0;
    jy_sb *o = &w->one;
    jy_sb_reset(o);
    char d[JY_DATE_BUFSZ];
    jy_sb_appendc(o, '{');
    jy_sb_json_kv_i64(o, "placement_id", p.id);
    jy_sb_json_kv_str(o, "program", p.program);
    jy_sb_json_kv_i64(o, "person_id", p.person_id);
    jy_sb_json_kv_str(o, "idcard", p.idcard);
    jy_sb_json_kv_str(o, "name", p.person_name);
    jy_sb_json_kv_i64(o, "host_org_id", p.host_org_id);
    jy_sb_json_kv_str(o, "host", p.host_name);
    jy_sb_json_kv_str(o, "start_on", jy_date_format(p.start_on, d));
    jy_sb_json_key(o, "end_on");
    jy_date end = p.actual_end ? p.actual_end : p.planned_end;
    if (end) jy_sb_json_str(o, jy_date_format(end, d));
    else jy_sb_append(o, "null");
    jy_sb_json_kv_str(o, "status", p.status);
    jy_sb_json_key(o, "attendance");
    if (s->has_attendance) {
        jy_attendance a;
        if ((w->rc = jy_store_attendance_get(w->st, p.id, w->month, &a, w->err))) return 1;
        jy_attendance_json(o, &a);
    } else {
        jy_sb_append(o, "null");
    }
    jy_sb_appendc(o, '}');
    jy_privacy_mask_json(o);
    return jy_api_page_add(w->pg, p.id, jy_sb_cstr(o), o->len);
}

static void h_attendance_grid(jy_http_req *req)
{
    const jy_principal *who = jy_api_who(req);
    const char *program = jy_http_req_query(req, "program"), *month = jy_http_req_query(req, "month");
    int64_t host_id = 0;
    if (!placement_program_ok(program)) {
        query_error(req, "program", "required: P10, P12, P13, P14 or P24", "必填：P10、P12、P13、P14 或 P24");
        return;
    }
    if (!month_ok(month)) {
        query_error(req, "month", "required: a month such as 2024-03", "必填：月份，如 2024-03");
        return;
    }
    if (jy_api_query_id_or_reply(req, "host_id", &host_id) < 0) return;
    char county[7];
    if (county_or_reply(req, jy_http_req_query(req, "county"), 0, county)) return;
    jy_api_page pg;
    if (jy_api_page_or_reply(req, &pg)) return;
    if (owner_bound(who)) {
        if (!who->org_id || (host_id && host_id != who->org_id)) {
            jy_api_page_reply(req, &pg);
            return;
        }
        host_id = who->org_id;
    }
    jy_store *st = jy_api_store_or_reply(req);
    if (!st) {
        jy_sb_free(&pg.items);
        return;
    }
    jy_err err = {0};
    grid_walk w = {st, who, &pg, host_id, month, JY_SB_INIT, 0, &err};
    int rc = jy_store_payroll_sources(st, county, program, month, grid_item, &w, &err);
    jy_sb_free(&w.one);
    jy_api_page_end(req, &pg, rc ? rc : w.rc, &err, fail);
}

static int int_field(jy_http_req *req, json_t *b, const char *field, int required, int *out)
{
    int64_t v;
    int rc = jy_api_i64_or_reply(req, b, field, required, 0, 31, &v);
    if (rc == 0) *out = (int)v;
    return rc < 0 ? rc : 0;
}

static void h_attendance_set(jy_http_req *req)
{
    json_t *b = jy_api_body_or_reply(req);
    if (!b || jy_api_only_keys_or_reply(req, b,
                                        "duty_days,personal_leave,sick_leave,sick_certificate,contract_with_host,si_paid,"
                                        "si_months"))
        return;
    jy_attendance a;
    memset(&a, 0, sizeof a);
    const char *month = jy_http_req_param(req, "month");
    if (!month_ok(month)) {
        field_error(req, "month", "a month such as 2024-03 in the path", "路径中应为月份，如 2024-03");
        return;
    }
    snprintf(a.month, sizeof a.month, "%s", month);
    int64_t sim = 0;
    if (int_field(req, b, "duty_days", 1, &a.duty_days) || int_field(req, b, "personal_leave", 0, &a.personal_leave) ||
        int_field(req, b, "sick_leave", 0, &a.sick_leave) || bool_or_reply(req, b, "sick_certificate", &a.sick_certificate) < 0 ||
        bool_or_reply(req, b, "contract_with_host", &a.contract_with_host) < 0 ||
        jy_api_money_or_reply(req, b, "si_paid", 0, &a.si_paid) < 0 ||
        jy_api_i64_or_reply(req, b, "si_months", 0, 0, 120, &sim) < 0)
        return;
    a.si_months = (int)sim;
    if (a.si_paid && !a.si_months) {
        field_error(req, "si_months", "give the months the contributions (si_paid) cover", "请给出社保缴费（si_paid）所覆盖的月数");
        return;
    }
    jy_store *st = jy_api_store_or_reply(req);
    jy_placement p;
    if (!st || placement_or_reply(req, st, JY_PERM_ATTENDANCE_WRITE, &p)) return;
    a.placement_id = p.id;
    jy_cases *cs = jy_api_cases_or_reply(req);
    if (!cs) return;
    jy_sb sb = JY_SB_INIT;
    jy_err err = {0};
    const char *field = NULL;
    if (jy_attendance_set_json(cs, &a, jy_api_actor(req), &sb, &field, &err)) {
        jy_sb_free(&sb);
        fail(req, &err, err.code == JY_EINVAL ? (field ? field : "month") : NULL);
        return;
    }
    reply_masked(req, 200, &sb);
}

/* GET /api/v1/calendar?month=YYYY-MM: the month's days from the holiday calendar (policy/calendar.txt)
 * for the attendance grid: each day's weekday, whether it is a working day and the holiday's name
 * (春节, 春节调休); the month's working days as payroll counts them. A year not yet published counts by
 * the weekend rule and says "provisional" (calendar.h *_prov); a year the calendar cannot answer is
 * 409 naming what to add. */
static void h_calendar(jy_http_req *req)
{
    const char *month = jy_http_req_query(req, "month");
    if (!month_ok(month)) {
        query_error(req, "month", "required: a month such as 2024-03", "必填：月份，如 2024-03");
        return;
    }
    jy_cases *cs = jy_api_cases_or_reply(req);
    if (!cs) return;
    jy_month m;
    jy_err err = {0};
    jy_month_parse(month, &m, &err);
    int count = 0, prov = 0;
    if (jy_calendar_workdays_in_month_prov(cs->cal, m, &count, &prov, &err)) {
        if (err.code == JY_ENODATA) err.code = JY_ECONFLICT;
        fail(req, &err, NULL);
        return;
    }
    jy_sb sb = JY_SB_INIT;
    jy_sb_appendc(&sb, '{');
    jy_sb_json_kv_str(&sb, "month", month);
    jy_sb_json_kv_i64(&sb, "workdays", count);
    jy_sb_json_kv_bool(&sb, "provisional", prov);
    jy_sb_json_key(&sb, "days");
    jy_sb_appendc(&sb, '[');
    jy_date first = jy_month_first_day(m), last = jy_month_last_day(m);
    for (jy_date d = first; d <= last; d++) {
        int wd = 0, p = 0;
        if (jy_calendar_is_workday_prov(cs->cal, d, &wd, &p, &err)) {
            jy_sb_free(&sb);
            if (err.code == JY_ENODATA) err.code = JY_ECONFLICT;
            fail(req, &err, NULL);
            return;
        }
        char ds[JY_DATE_BUFSZ];
        if (d != first) jy_sb_appendc(&sb, ',');
        jy_sb_appendc(&sb, '{');
        jy_sb_json_kv_str(&sb, "date", jy_date_format(d, ds));
        jy_sb_json_kv_i64(&sb, "weekday", jy_date_weekday(d));
        jy_sb_json_kv_bool(&sb, "workday", wd);
        jy_sb_json_key(&sb, "label");
        const char *label = jy_calendar_day_label(cs->cal, d);
        if (label) jy_sb_json_str(&sb, label);
        else jy_sb_append(&sb, "null");
        jy_sb_appendc(&sb, '}');
    }
    jy_sb_append(&sb, "]}");
    jy_http_reply_json(req, 200, &sb);
}

/* ---------------------------------------------------------------- payroll */

/* {program}/{month} of the path: 0, or -1 after a 404 (no such programme) / 422 (month). */
static int program_month_or_reply(jy_http_req *req, const char **program, const char **month)
{
    *program = jy_http_req_param(req, "program");
    *month = jy_http_req_param(req, "month");
    if (!placement_program_ok(*program)) {
        jy_http_reply_error2(req, 404, "not_found", NULL, "api.no_payroll", "no payroll for programme %.8s (P10, P12, P13, P14, P24)", "项目 %.8s 没有工资发放（P10、P12、P13、P14、P24）",
                            *program ? *program : "");
        return -1;
    }
    if (!month_ok(*month)) {
        field_error(req, "month", "a month such as 2024-03 in the path", "路径中应为月份，如 2024-03");
        return -1;
    }
    return 0;
}

static void h_payroll_run(jy_http_req *req)
{
    const char *program, *month;
    if (program_month_or_reply(req, &program, &month)) return;
    json_t *b = optional_body(req, "county");
    char county[7];
    if (!b || body_county_or_reply(req, b, county)) return;
    if (jy_api_idem_begin(req)) return;
    jy_cases *cs = jy_api_cases_or_reply(req);
    if (!cs) return;
    jy_sb sb = JY_SB_INIT;
    jy_err err = {0};
    if (jy_payroll_run_month(cs, county, program, month, jy_api_actor(req), &sb, &err)) {
        jy_sb_free(&sb);
        fail(req, &err, NULL);
        return;
    }
    reply_masked(req, 200, &sb);
}

static void h_payroll_show(jy_http_req *req)
{
    const char *program, *month;
    if (program_month_or_reply(req, &program, &month)) return;
    char county[7];
    if (county_or_reply(req, jy_http_req_query(req, "county"), 0, county)) return;
    jy_cases *cs = jy_api_cases_or_reply(req);
    if (!cs) return;
    jy_sb sb = JY_SB_INIT;
    jy_err err = {0};
    if (jy_payroll_show_json(cs, county, program, month, &sb, &err)) {
        jy_sb_free(&sb);
        fail(req, &err, NULL);
        return;
    }
    reply_masked(req, 200, &sb);
}

static void h_payroll_commit(jy_http_req *req)
{
    const char *program, *month;
    if (program_month_or_reply(req, &program, &month)) return;
    json_t *b = optional_body(req, "county");
    char county[7];
    if (!b || body_county_or_reply(req, b, county)) return;
    if (jy_api_idem_begin(req)) return;
    jy_cases *cs = jy_api_cases_or_reply(req);
    if (!cs) return;
    jy_sb sb = JY_SB_INIT;
    jy_err err = {0};
    if (jy_payroll_commit(cs, county, program, month, NULL, jy_api_actor(req), &sb, NULL, &err)) {
        jy_sb_free(&sb);
        fail(req, &err, NULL);
        return;
    }
    reply_masked(req, 200, &sb);
}

static void h_payroll_review(jy_http_req *req)
{
    json_t *b = jy_api_body_or_reply(req);
    if (!b || jy_api_only_keys_or_reply(req, b, "approve,amount,reason")) return;
    if (jy_api_idem_begin(req)) return;
    int approve = -1;
    jy_fen amount = 0;
    const char *reason;
    if (bool_or_reply(req, b, "approve", &approve) < 0) return;
    if (approve < 0) {
        field_error(req, "approve", "required: true (pay the amount) or false (reject)", "必填：true（发放该金额）或 false（不予发放）");
        return;
    }
    int rc = jy_api_money_or_reply(req, b, "amount", approve, &amount);
    if (rc < 0 || jy_api_str_or_reply(req, b, "reason", 1, &reason)) return;
    if (approve && amount <= 0) {
        field_error(req, "amount", "the amount to pay, more than 0", "应为发放金额，大于0");
        return;
    }
    if (!approve && rc == 0) {
        field_error(req, "amount", "a rejection pays nothing: leave amount out", "不予发放时不付款，请勿填写 amount");
        return;
    }
    if (!*reason) {
        field_error(req, "reason", "must not be empty", "不能为空");
        return;
    }
    int64_t id;
    if (jy_api_path_id_or_reply(req, "id", &id)) return;
    jy_store *st = jy_api_store_or_reply(req);
    if (!st) return;
    jy_payroll_line l;
    jy_sb text = JY_SB_INIT;
    jy_err err = {0};
    rc = jy_store_payroll_line_get(st, id, &l, &text, &err);
    jy_sb_free(&text);
    if (rc) {
        fail(req, &err, NULL);
        return;
    }
    jy_placement p;
    if (jy_store_placement_get(st, l.placement_id, &p, &err)) {
        fail(req, &err, NULL);
        return;
    }
    char area[13];
    jy_perm_target t = placement_target(st, &p, area);
    if (jy_api_permit_or_reply(req, JY_PERM_PAYROLL_REVIEW, &t)) return;
    jy_cases *cs = jy_api_cases_or_reply(req);
    if (!cs) return;
    jy_sb sb = JY_SB_INIT;
    if (jy_payroll_review(cs, id, approve, amount, reason, NULL, jy_api_actor(req), &sb, NULL, &err)) {
        jy_sb_free(&sb);
        fail(req, &err, NULL);
        return;
    }
    reply_masked(req, 200, &sb);
}

/* ---------------------------------------------------------------- ledger */

/* ?program ?year of the ledger's reads: 0, or negative after a 400. */
static int program_year_query(jy_http_req *req, const char **program, int *year)
{
    *program = jy_http_req_query(req, "program");
    *year = 0;
    if (*program && !program_ok(*program)) return query_error(req, "program", "P1 … P26", "应为 P1 … P26");
    int64_t y;
    int rc = jy_api_query_int_or_reply(req, "year", 2000, 2100, &y);
    if (rc < 0) return rc;
    if (rc == 0) *year = (int)y;
    return 0;
}

typedef struct lines_walk {
    jy_store *st;
    jy_sb *sb;
    int n;
    int rc;
    jy_err *err;
} lines_walk;

static int budget_item(void *ctx, const jy_ledger_line *l)
{
    lines_walk *w = ctx;
    if (w->n++) jy_sb_appendc(w->sb, ',');
    if ((w->rc = jy_ledger_line_full_json(w->st, l, w->sb, w->err))) return 1;
    return 0;
}

static void h_budgets(jy_http_req *req)
{
    const char *program;
    int year;
    char county[7];
    if (program_year_query(req, &program, &year) || county_or_reply(req, jy_http_req_query(req, "county"), 0, county))
        return;
    jy_store *st = jy_api_store_or_reply(req);
    if (!st) return;
    jy_sb sb = JY_SB_INIT;
    jy_err err = {0};
    jy_sb_append(&sb, "{\"items\":[");
    lines_walk w = {st, &sb, 0, 0, &err};
    int rc = jy_store_ledger_lines(st, county, program, year, budget_item, &w, &err);
    if (rc || w.rc) {
        jy_sb_free(&sb);
        fail(req, &err, NULL);
        return;
    }
    jy_sb_append(&sb, "],\"next_cursor\":null}");
    jy_http_reply_json(req, 200, &sb);
}

static void h_budget_set(jy_http_req *req)
{
    json_t *b = jy_api_body_or_reply(req);
    if (!b || jy_api_only_keys_or_reply(req, b, "amount,tracks,clause,county")) return;
    const char *program = jy_http_req_param(req, "program"), *ys = jy_http_req_param(req, "year"),
               *ss = jy_http_req_param(req, "source");
    int source;
    jy_err err = {0};
    if (!program_ok(program)) {
        field_error(req, "program", "P1 … P26 in the path", "路径中应为 P1 … P26");
        return;
    }
    char *end;
    long year = ys ? strtol(ys, &end, 10) : 0;
    if (!ys || *end || year < 2000 || year > 2100) {
        field_error(req, "year", "a year such as 2024 in the path", "路径中应为年度，如 2024");
        return;
    }
    if (jy_fund_source_parse(ss, &source, &err)) {
        field_error(req, "source", "central, region, city_county or other (中央, 自治区, 市县, 其他) in the path", "路径中应为 central、region、city_county 或 other（中央、自治区、市县、其他）");
        return;
    }
    jy_fen amount;
    const char *tracks = NULL, *clause = NULL;
    char county[7];
    if (jy_api_money_or_reply(req, b, "amount", 1, &amount) || jy_api_str_or_reply(req, b, "tracks", 0, &tracks) < 0 ||
        jy_api_str_or_reply(req, b, "clause", 0, &clause) < 0 || body_county_or_reply(req, b, county))
        return;
    if (clause && !tracks) {
        field_error(req, "clause", "goes with tracks", "须与 tracks 一起使用");
        return;
    }
    jy_perm_target t = {.area = county};
    if (jy_api_permit_or_reply(req, JY_PERM_LEDGER_WRITE, &t)) return;
    jy_cases *cs = jy_api_cases_or_reply(req);
    if (!cs) return;
    jy_sb sb = JY_SB_INIT;
    int rc = jy_ledger_budget_set_request(cs, county, program, (int)year, source, amount, tracks, clause,
                                          jy_api_actor(req), &sb, &err);
    if (rc) {
        jy_sb_free(&sb);
        fail(req, &err, rc == JY_EINVAL ? "tracks" : NULL);
        return;
    }
    jy_api_reply_json(req, 200, &sb);
}

static void h_budget_load(jy_http_req *req)
{
    json_t *b = optional_body(req, "year,county");
    if (!b) return;
    int64_t year = 0;
    char county[7];
    if (jy_api_i64_or_reply(req, b, "year", 1, 2000, 2100, &year) || body_county_or_reply(req, b, county)) return;
    if (jy_api_idem_begin(req)) return;
    jy_perm_target t = {.area = county};
    if (jy_api_permit_or_reply(req, JY_PERM_LEDGER_WRITE, &t)) return;
    jy_cases *cs = jy_api_cases_or_reply(req);
    if (!cs) return;
    jy_sb rep = JY_SB_INIT, sb = JY_SB_INIT;
    jy_err err = {0};
    if (jy_ledger_budget_load_request(cs, jy_api_of(req)->policy_dir, county, (int)year, jy_api_actor(req), &rep, &err)) {
        jy_sb_free(&rep);
        fail(req, &err, NULL);
        return;
    }
    /* JSON lines → an array */
    jy_sb_append(&sb, "{\"items\":[");
    const char *s = jy_sb_cstr(&rep);
    int first = 1;
    while (*s) {
        size_t w = strcspn(s, "\n");
        if (w) {
            if (!first) jy_sb_appendc(&sb, ',');
            first = 0;
            jy_sb_appendn(&sb, s, w);
        }
        s += w;
        if (*s) s++;
    }
    jy_sb_append(&sb, "],\"next_cursor\":null}");
    jy_sb_free(&rep);
    jy_api_reply_json(req, 200, &sb);
}

typedef struct bal_row {
    char program[8];
    int year;
    int64_t v[JY_ACCT__COUNT];
} bal_row;

typedef struct bal_walk {
    bal_row *rows;
    size_t n, cap;
} bal_walk;

static int bal_item(void *ctx, const jy_ledger_line *l)
{
    bal_walk *w = ctx;
    if (!w->n || strcmp(w->rows[w->n - 1].program, l->program) || w->rows[w->n - 1].year != l->year) {
        if (w->n == w->cap) {
            w->cap = w->cap ? 2 * w->cap : 32;
            w->rows = realloc(w->rows, w->cap * sizeof *w->rows);
            if (!w->rows) abort();
        }
        bal_row *r = &w->rows[w->n++];
        memset(r, 0, sizeof *r);
        snprintf(r->program, sizeof r->program, "%s", l->program);
        r->year = l->year;
    }
    bal_row *r = &w->rows[w->n - 1];
    for (int a = 0; a < JY_ACCT__COUNT; a++) r->v[a] += l->bal[a];
    return 0;
}

static void money_kv(jy_sb *sb, const char *k, int64_t fen)
{
    char m[JY_MONEY_BUFSZ];
    jy_sb_json_kv_str(sb, k, jy_money_format_plain(fen, m));
}

static void balances_json(jy_sb *sb, const int64_t v[JY_ACCT__COUNT])
{
    money_kv(sb, "budget", -v[JY_ACCT_BUDGET]);
    money_kv(sb, "available", v[JY_ACCT_AVAILABLE]);
    money_kv(sb, "committed", v[JY_ACCT_COMMITTED]);
    money_kv(sb, "paid", v[JY_ACCT_PAID]);
}

static void h_balances(jy_http_req *req)
{
    const char *program;
    int year;
    char county[7];
    if (program_year_query(req, &program, &year) || county_or_reply(req, jy_http_req_query(req, "county"), 0, county))
        return;
    jy_store *st = jy_api_store_or_reply(req);
    if (!st) return;
    bal_walk w = {0};
    jy_err err = {0};
    if (jy_store_ledger_lines(st, county, program, year, bal_item, &w, &err)) {
        free(w.rows);
        fail(req, &err, NULL);
        return;
    }
    jy_sb sb = JY_SB_INIT;
    int64_t tot[JY_ACCT__COUNT] = {0};
    jy_sb_append(&sb, "{");
    jy_sb_json_kv_str(&sb, "county", county);
    jy_sb_json_key(&sb, "items");
    jy_sb_appendc(&sb, '[');
    for (size_t i = 0; i < w.n; i++) {
        if (i) jy_sb_appendc(&sb, ',');
        jy_sb_appendc(&sb, '{');
        jy_sb_json_kv_str(&sb, "program", w.rows[i].program);
        jy_sb_json_kv_i64(&sb, "year", w.rows[i].year);
        balances_json(&sb, w.rows[i].v);
        jy_sb_appendc(&sb, '}');
        for (int a = 0; a < JY_ACCT__COUNT; a++) tot[a] += w.rows[i].v[a];
    }
    free(w.rows);
    jy_sb_append(&sb, "],\"totals\":{");
    balances_json(&sb, tot);
    jy_sb_append(&sb, "},\"next_cursor\":null}");
    jy_http_reply_json(req, 200, &sb);
}

typedef struct payable_walk {
    jy_api_page *pg;
    jy_sb one;
} payable_walk;

static int payable_item(void *ctx, const jy_payable *p)
{
    payable_walk *w = ctx;
    jy_sb_reset(&w->one);
    jy_payable_json(&w->one, p);
    jy_privacy_mask_json(&w->one);
    return jy_api_page_add(w->pg, p->id, jy_sb_cstr(&w->one), w->one.len);
}

static void h_commitments(jy_http_req *req)
{
    char county[7];
    const char *program = jy_http_req_query(req, "program"), *status = jy_http_req_query(req, "status"),
               *month = jy_http_req_query(req, "month");
    int64_t case_id = 0;
    if (program && !program_ok(program)) {
        query_error(req, "program", "P1 … P26", "应为 P1 … P26");
        return;
    }
    if (status && strcmp(status, "approved") && strcmp(status, "batched") && strcmp(status, "paid") &&
        strcmp(status, "cancelled")) {
        query_error(req, "status", "approved, batched, paid or cancelled", "应为 approved、batched、paid 或 cancelled");
        return;
    }
    if (month && !month_ok(month)) {
        query_error(req, "month", "a month such as 2024-03", "应为月份，如 2024-03");
        return;
    }
    if (jy_api_query_id_or_reply(req, "case_id", &case_id) < 0 ||
        county_or_reply(req, jy_http_req_query(req, "county"), 0, county))
        return;
    jy_api_page pg;
    if (jy_api_page_or_reply(req, &pg)) return;
    jy_store *st = jy_api_store_or_reply(req);
    if (!st) {
        jy_sb_free(&pg.items);
        return;
    }
    jy_payable_filter f = {.county = county, .program = program, .status = status, .month = month,
                           .after_id = pg.after, .limit = pg.limit + 1, .case_id = case_id};
    payable_walk w = {&pg, JY_SB_INIT};
    jy_err err = {0};
    int rc = jy_store_payable_list(st, &f, payable_item, &w, &err);
    jy_sb_free(&w.one);
    jy_api_page_end(req, &pg, rc, &err, fail);
}

/* GET /api/v1/ledger/commitments/{id}: one payable (its case, payee, amount, what was recovered),
 * for the batch page's recovery (追回) of a paid line. Another county's is 404. */
static void h_commitment(jy_http_req *req)
{
    int64_t id;
    if (jy_api_path_id_or_reply(req, "id", &id)) return;
    jy_store *st = jy_api_store_or_reply(req);
    if (!st) return;
    jy_payable p;
    jy_err err = {0};
    if (jy_store_payable_get(st, id, &p, &err)) {
        fail(req, &err, NULL);
        return;
    }
    jy_perm_target t = {.area = p.county};
    if (jy_api_permit_or_reply(req, JY_PERM_LEDGER_READ, &t)) return;
    jy_sb sb = JY_SB_INIT;
    jy_payable_json(&sb, &p);
    jy_privacy_mask_json(&sb);
    jy_http_reply_json(req, 200, &sb);
}

static void h_ledger_check(jy_http_req *req)
{
    jy_store *st = jy_api_store_or_reply(req);
    if (!st) return;
    jy_sb sb = JY_SB_INIT;
    jy_err err = {0};
    if (jy_ledger_check_json(st, &sb, NULL, &err)) {
        jy_sb_free(&sb);
        fail(req, &err, NULL);
        return;
    }
    jy_http_reply_json(req, 200, &sb);
}

/* ---------------------------------------------------------------- batches */

/* The batch of path segment {id} the user may use with perm, or -1 after a reply. */
static int batch_or_reply(jy_http_req *req, jy_store *st, int perm, jy_batch *b)
{
    int64_t id;
    if (jy_api_path_id_or_reply(req, "id", &id)) return -1;
    jy_err err = {0};
    if (jy_store_batch_get(st, id, b, &err)) {
        fail(req, &err, NULL);
        return -1;
    }
    jy_perm_target t = {.area = b->county};
    return jy_api_permit_or_reply(req, perm, &t) ? -1 : 0;
}

static void reply_batch(jy_http_req *req, jy_store *st, int64_t id, unsigned status)
{
    jy_sb sb = JY_SB_INIT;
    jy_err err = {0};
    if (jy_batch_show_json(st, id, 0, &sb, &err)) {
        jy_sb_free(&sb);
        fail(req, &err, NULL);
        return;
    }
    reply_masked(req, status, &sb);
}

typedef struct batch_walk {
    jy_api_page *pg;
    const char *status;
    jy_sb one;
} batch_walk;

static int batch_item(void *ctx, const jy_batch *b)
{
    batch_walk *w = ctx;
    if (b->id <= w->pg->after || (w->status && strcmp(b->status, w->status) != 0)) return 0;
    jy_sb_reset(&w->one);
    jy_batch_json(&w->one, b);
    return jy_api_page_add(w->pg, b->id, jy_sb_cstr(&w->one), w->one.len);
}

static void h_batches(jy_http_req *req)
{
    const char *program = jy_http_req_query(req, "program"), *status = jy_http_req_query(req, "status");
    if (program && !program_ok(program)) {
        query_error(req, "program", "P1 … P26", "应为 P1 … P26");
        return;
    }
    if (status && strcmp(status, "draft") && strcmp(status, "approved") && strcmp(status, "paid") &&
        strcmp(status, "cancelled")) {
        query_error(req, "status", "draft, approved, paid or cancelled", "应为 draft、approved、paid 或 cancelled");
        return;
    }
    jy_api_page pg;
    if (jy_api_page_or_reply(req, &pg)) return;
    jy_store *st = jy_api_store_or_reply(req);
    if (!st) {
        jy_sb_free(&pg.items);
        return;
    }
    batch_walk w = {&pg, status, JY_SB_INIT};
    jy_err err = {0};
    int rc = jy_store_batch_list(st, program, batch_item, &w, &err);
    jy_sb_free(&w.one);
    jy_api_page_end(req, &pg, rc, &err, fail);
}

static void h_batch_build(jy_http_req *req)
{
    json_t *b = jy_api_body_or_reply(req);
    if (!b || jy_api_only_keys_or_reply(req, b, "program,month,year,county")) return;
    if (jy_api_idem_begin(req)) return;
    const char *program, *month = NULL;
    int64_t year = 0;
    char county[7];
    if (jy_api_str_or_reply(req, b, "program", 1, &program) || jy_api_str_or_reply(req, b, "month", 0, &month) < 0 ||
        jy_api_i64_or_reply(req, b, "year", 0, 2000, 2100, &year) < 0)
        return;
    if (!program_ok(program)) {
        field_error(req, "program", "P1 … P26", "应为 P1 … P26");
        return;
    }
    if (month && !month_ok(month)) {
        field_error(req, "month", "a month such as 2024-03", "应为月份，如 2024-03");
        return;
    }
    if (body_county_or_reply(req, b, county)) return;
    jy_perm_target t = {.area = county};
    if (jy_api_permit_or_reply(req, JY_PERM_BATCH_BUILD, &t)) return;
    jy_cases *cs = jy_api_cases_or_reply(req);
    if (!cs) return;
    jy_sb sb = JY_SB_INIT;
    jy_err err = {0};
    int rc = jy_batch_build_request(cs, county, program, month, (int)year, NULL, jy_api_actor(req), &sb, NULL, &err);
    if (rc) {
        jy_sb_free(&sb);
        if (rc == JY_ENOTFOUND) err.code = JY_ECONFLICT; /* nothing to pay: not a missing record */
        fail(req, &err, NULL);
        return;
    }
    reply_masked(req, 201, &sb);
}

static void h_batch(jy_http_req *req)
{
    jy_store *st = jy_api_store_or_reply(req);
    jy_batch b;
    if (!st || batch_or_reply(req, st, JY_PERM_BATCH_READ, &b)) return;
    char target[32];
    snprintf(target, sizeof target, "%" PRId64, b.id);
    int unmasked = jy_api_unmask_or_reply(req, JY_PRIV_BANK, "pay_batch", b.county, target);
    if (unmasked < 0) return;
    jy_sb sb = JY_SB_INIT;
    jy_err err = {0};
    if (jy_batch_show_json(st, b.id, unmasked, &sb, &err)) {
        jy_sb_free(&sb);
        fail(req, &err, NULL);
        return;
    }
    if (!unmasked) jy_privacy_mask_json(&sb);
    jy_http_reply_json(req, 200, &sb);
}

static void h_batch_approve(jy_http_req *req)
{
    if (!optional_body(req, "")) return;
    if (jy_api_idem_begin(req)) return;
    jy_store *st = jy_api_store_or_reply(req);
    jy_batch b;
    if (!st || batch_or_reply(req, st, JY_PERM_BATCH_APPROVE, &b)) return;
    jy_cases *cs = jy_api_cases_or_reply(req);
    if (!cs) return;
    jy_sb sb = JY_SB_INIT;
    jy_err err = {0};
    if (jy_batch_approve_request(cs, b.id, NULL, jy_api_actor(req), &sb, NULL, &err)) {
        jy_sb_free(&sb);
        fail(req, &err, NULL);
        return;
    }
    jy_sb_free(&sb);
    reply_batch(req, st, b.id, 200);
}

/* Reads a whole file into sb. */
static int slurp(const char *path, jy_sb *sb, jy_err *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) return jy_err_set2(err, JY_EIO, "http.bank_file_read_errno", "the bank file cannot be read back: %s", "无法读回银行文件：%s", strerror(errno));
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) jy_sb_appendn(sb, buf, n);
    int bad = ferror(f);
    fclose(f);
    return bad ? jy_err_set2(err, JY_EIO, "http.bank_file_read", "the bank file cannot be read back", "无法读回银行文件") : 0;
}

/* ?layout= names a file of policy/bank-layouts/ (a word of [a-z0-9_-]); ?encoding= gb18030 or
 * utf-8-bom. Neither given: the county's settings (bank_layout, bank_encoding; default "generic"
 * in GB18030), as `jiuye batch export` without --layout and --encoding. */
static int layout_name_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    return n > 0 && n < 48 && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}

static void h_bank_file(jy_http_req *req)
{
    const char *format = jy_http_req_query(req, "format");
    if (!format) format = "csv";
    int xlsx = strcmp(format, "xlsx") == 0;
    if (!xlsx && strcmp(format, "csv") != 0) {
        query_error(req, "format", "csv or xlsx", "应为 csv 或 xlsx");
        return;
    }
    const char *encoding = jy_http_req_query(req, "encoding"), *layout = jy_http_req_query(req, "layout");
    if (encoding && strcmp(encoding, "gb18030") != 0 && strcmp(encoding, "utf-8-bom") != 0) {
        query_error(req, "encoding", "gb18030 or utf-8-bom (leave it out for the county's setting)", "应为 gb18030 或 utf-8-bom（不填则按本县设置）");
        return;
    }
    if (layout && !layout_name_ok(layout)) {
        query_error(req, "layout", "a layout name of policy/bank-layouts/ (letters, digits, - and _)", "应为 policy/bank-layouts/ 中的格式名（字母、数字、- 和 _）");
        return;
    }
    const char *u = jy_http_req_query(req, "unmask");
    int unmask = u && strcmp(u, "0") != 0 && strcmp(u, "false") != 0;
    const char *reason = jy_http_req_query(req, "reason");
    if (unmask && (!reason || !*reason)) {
        jy_http_reply_error2(req, 400, "reason_required", "reason", "privacy.bank_file_reason",
                                  "the bank file with whole accounts needs a reason (?reason=…), which is logged", "导出含完整账号的银行文件需要填写理由（?reason=…），并将记入日志");
        return;
    }
    jy_store *st = jy_api_store_or_reply(req);
    jy_batch b;
    if (!st || batch_or_reply(req, st, JY_PERM_BATCH_EXPORT, &b)) return;
    jy_cases *cs = jy_api_cases_or_reply(req);
    if (!cs) return;
    /* the service writes the file (its layout is payment.c's); a private temporary directory */
    const char *tmp = getenv("TMPDIR");
    char dir[512], path[600];
    snprintf(dir, sizeof dir, "%s/jiuye-bank-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        jy_http_reply_error2(req, 500, "internal", NULL, "api.bank_tmpdir", "no temporary directory for the bank file: %s", "没有可用于银行文件的临时目录：%s", strerror(errno));
        return;
    }
    snprintf(path, sizeof path, "%s/batch-%" PRId64 ".%s", dir, b.id, xlsx ? "xlsx" : "csv");
    jy_err err = {0};
    int rc;
    const jy_principal *who = jy_api_who(req);
    jy_bank_export x = {.csv_path = xlsx ? NULL : path, .xlsx_path = xlsx ? path : NULL, .layout = layout,
                        .encoding = encoding, .policy_dir = jy_api_of(req)->policy_dir};
    jy_bank_export_info info;
    memset(&info, 0, sizeof info);
    if (unmask) {
        char origin[80];
        snprintf(origin, sizeof origin, "http:%s", jy_http_req_client_addr(req));
        jy_access_req rq = {.actor = who->name, .origin = origin, .unmask = 1, .reason = reason};
        int may = jy_privacy_role_may(jy_role_name(who->role), JY_PRIV_BANK);
        rc = jy_batch_export_bank(cs, b.id, &x, &rq, jy_api_actor(req), &info, &err);
        if (rc && !may) err.code = JY_EDENIED; /* the refusal is in the access log */
    } else {
        rc = jy_batch_export_bank(cs, b.id, &x, NULL, jy_api_actor(req), &info, &err);
    }
    jy_sb body = JY_SB_INIT;
    if (rc == 0) rc = slurp(path, &body, &err);
    unlink(path);
    rmdir(dir);
    if (rc) {
        jy_sb_free(&body);
        fail(req, &err, rc == JY_ENOTFOUND && layout ? "layout" : NULL);
        return;
    }
    char disp[96];
    snprintf(disp, sizeof disp, "attachment; filename=\"batch-%" PRId64 "%s.%s\"", b.id, unmask ? "" : "-masked",
             xlsx ? "xlsx" : "csv");
    jy_http_req_set_header(req, "Content-Disposition", disp);
    jy_http_req_set_header(req, "Cache-Control", "no-store");
    /* what was written, for the page to say (the CSV's bytes are in the layout's encoding) */
    jy_http_req_set_header(req, "X-Bank-Layout", info.layout);
    jy_http_req_set_header(req, "X-Bank-Encoding", info.encoding);
    const char *type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    if (!xlsx) type = strcmp(info.encoding, "gb18030") == 0 ? "text/csv; charset=gb18030" : "text/csv; charset=utf-8";
    jy_http_reply(req, 200, type, &body);
}

static void h_batch_paid(jy_http_req *req)
{
    json_t *b = optional_body(req, "line,date");
    if (!b) return;
    int64_t line = 0;
    jy_date on = 0;
    if (jy_api_i64_or_reply(req, b, "line", 0, 1, INT32_MAX, &line) < 0 || jy_api_date_or_reply(req, b, "date", 0, &on) < 0)
        return;
    if (jy_api_idem_begin(req)) return;
    jy_store *st = jy_api_store_or_reply(req);
    jy_batch bt;
    if (!st || batch_or_reply(req, st, JY_PERM_BATCH_PAY, &bt)) return;
    jy_cases *cs = jy_api_cases_or_reply(req);
    if (!cs) return;
    jy_sb sb = JY_SB_INIT;
    jy_err err = {0};
    if (jy_batch_mark_paid_json(cs, bt.id, (int)line, on, jy_api_actor(req), &sb, &err)) {
        jy_sb_free(&sb);
        fail(req, &err, err.code == JY_EINVAL ? "date" : err.code == JY_ENOTFOUND && line ? "line" : NULL);
        return;
    }
    reply_masked(req, 200, &sb);
}

/* {line} of the path: 0, or -1 after a 404. */
static int line_or_reply(jy_http_req *req, int *line)
{
    int64_t v;
    if (jy_api_path_id_or_reply(req, "line", &v)) return -1;
    if (v > INT32_MAX) {
        jy_http_reply_error2(req, 404, "not_found", NULL, "api.no_such_line", "no such line", "没有这一行");
        return -1;
    }
    *line = (int)v;
    return 0;
}

static void h_line_failed(jy_http_req *req)
{
    json_t *b = jy_api_body_or_reply(req);
    if (!b || jy_api_only_keys_or_reply(req, b, "reason,date")) return;
    const char *reason;
    jy_date on = 0;
    if (jy_api_str_or_reply(req, b, "reason", 1, &reason) || jy_api_date_or_reply(req, b, "date", 0, &on) < 0) return;
    if (!*reason) {
        field_error(req, "reason", "the bank's reason, e.g. 账户已销户", "应为银行退回的原因，如 账户已销户");
        return;
    }
    char why[128], d[JY_DATE_BUFSZ];
    if (on > jy_date_today()) {
        field_error(req, "date", "a date in the future", "日期在将来");
        return;
    }
    /* the date the bank returned it goes with its reason (the line keeps one text) */
    if (on) snprintf(why, sizeof why, "%s (returned %s)", reason, jy_date_format(on, d));
    else snprintf(why, sizeof why, "%s", reason);
    reason = why;
    if (jy_api_idem_begin(req)) return;
    int line;
    if (line_or_reply(req, &line)) return;
    jy_store *st = jy_api_store_or_reply(req);
    jy_batch bt;
    if (!st || batch_or_reply(req, st, JY_PERM_BATCH_PAY, &bt)) return;
    jy_cases *cs = jy_api_cases_or_reply(req);
    if (!cs) return;
    jy_err err = {0};
    if (jy_batch_mark_failed(cs, bt.id, line, reason, jy_api_actor(req), &err)) {
        fail(req, &err, NULL);
        return;
    }
    reply_batch(req, st, bt.id, 200);
}

static void h_line_retry(jy_http_req *req)
{
    if (!optional_body(req, "")) return;
    if (jy_api_idem_begin(req)) return;
    int line;
    if (line_or_reply(req, &line)) return;
    jy_store *st = jy_api_store_or_reply(req);
    jy_batch bt;
    if (!st || batch_or_reply(req, st, JY_PERM_BATCH_PAY, &bt)) return;
    jy_cases *cs = jy_api_cases_or_reply(req);
    if (!cs) return;
    jy_err err = {0};
    jy_batch_line l;
    if (jy_batch_retry(cs, bt.id, line, jy_api_actor(req), &l, &err)) {
        fail(req, &err, NULL);
        return;
    }
    jy_privacy_mask_batch_line(&l);
    jy_sb sb = JY_SB_INIT;
    jy_batch_line_json(&sb, &l);
    reply_masked(req, 200, &sb);
}

/* ---------------------------------------------------------------- the table */

#define STR "{\"type\":\"string\"}"
#define INT "{\"type\":\"integer\"}"
#define BOOL "{\"type\":\"boolean\"}"
#define MONEY "{\"type\":\"string\",\"pattern\":\"^-?[0-9]+\\\\.[0-9]{2}$\"}"
#define NSTR "{\"type\":[\"string\",\"null\"]}"
#define NINT "{\"type\":[\"integer\",\"null\"]}"
#define OBJ "{\"type\":\"object\"}"
#define PAGE_OF(item)                                                                                            \
    "{\"type\":\"object\",\"required\":[\"items\",\"next_cursor\"],\"properties\":{\"items\":{\"type\":\"array\"," \
    "\"items\":" item "},\"next_cursor\":{\"type\":[\"string\",\"null\"]}}}"
/* a masked ID number: 640522********1234 (a whole one only where the route says so) */
#define IDCARD_MASKED "{\"type\":\"string\",\"pattern\":\"^$|^[0-9]{6}\\\\*{8}[0-9]{3}[0-9X]$\"}"

#define PLACEMENT_PROPS                                                                                          \
    "\"id\":" INT ",\"county\":" STR ",\"case_id\":" NINT ",\"program\":" STR ",\"person_id\":" INT              \
    ",\"idcard\":" IDCARD_MASKED ",\"name\":" STR ",\"host_org_id\":" INT ",\"host\":" STR ",\"status\":"        \
    "{\"enum\":[\"active\",\"ended\",\"cancelled\"]},\"new_recruit\":" BOOL
#define PLACEMENT_SCHEMA                                                                                         \
    "{\"type\":\"object\",\"required\":[\"id\",\"program\",\"person_id\",\"idcard\",\"host_org_id\",\"status\"]," \
    "\"properties\":{" PLACEMENT_PROPS "}}"
#define ATTENDANCE_SCHEMA                                                                                        \
    "{\"type\":\"object\",\"required\":[\"placement_id\",\"month\",\"duty_days\",\"personal_leave\",\"sick_leave\"," \
    "\"sick_certificate\",\"contract_with_host\"],\"properties\":{\"placement_id\":" INT ",\"month\":" STR          \
    ",\"duty_days\":" INT ",\"personal_leave\":" INT ",\"sick_leave\":" INT ",\"sick_certificate\":" BOOL           \
    ",\"contract_with_host\":" BOOL ",\"si_months\":" INT ",\"reported_by\":" STR                                  \
    ",\"result\":{\"enum\":[\"created\",\"updated\",\"unchanged\"]}}}"
#define PAYROLL_LINE_SCHEMA                                                                                      \
    "{\"type\":\"object\",\"required\":[\"id\",\"placement_id\",\"claim\",\"decision\",\"status\"],\"properties\":{" \
    "\"id\":" INT ",\"run_id\":" INT ",\"placement_id\":" INT ",\"claim\":" STR ",\"decision\":" STR              \
    ",\"amount\":" NSTR ",\"status\":" STR "}}"
#define PLACEMENT_FULL_SCHEMA                                                                                    \
    "{\"type\":\"object\",\"required\":[\"id\",\"program\",\"person_id\",\"idcard\",\"host_org_id\",\"status\","   \
    "\"attendance\",\"lines\"],\"properties\":{" PLACEMENT_PROPS ",\"attendance\":{\"type\":\"array\",\"items\":" \
    ATTENDANCE_SCHEMA "},\"lines\":{\"type\":\"array\",\"items\":" PAYROLL_LINE_SCHEMA "}}}"
#define PLACEMENT_START_RESULT                                                                                   \
    "{\"anyOf\":[" PLACEMENT_SCHEMA ",{\"type\":\"object\",\"required\":[\"status\",\"case_id\",\"program\","      \
    "\"decision\",\"reasons\"],\"properties\":{\"status\":{\"const\":\"held\"},\"case_id\":" INT ",\"program\":"   \
    STR ",\"idcard\":" IDCARD_MASKED ",\"decision\":{\"const\":\"needs_review\"},\"reasons\":{\"type\":\"array\"}," \
    "\"next\":" STR "}}]}"
#define PLACEMENT_START_BODY                                                                                     \
    "{\"type\":\"object\",\"required\":[\"program\",\"start\"],\"additionalProperties\":false,\"properties\":{"   \
    "\"program\":{\"enum\":[\"P10\",\"P12\",\"P13\",\"P14\",\"P24\"]},\"idcard\":" STR ",\"person_id\":" INT      \
    ",\"host_uscc\":" STR ",\"host_id\":" INT ",\"start\":" STR ",\"planned_end\":" STR ",\"new_recruit\":" BOOL  \
    ",\"facts\":" OBJ "}}"
#define REASON_DATE_BODY(req)                                                                                    \
    "{\"type\":\"object\",\"required\":[" req "],\"additionalProperties\":false,\"properties\":{\"reason\":" STR  \
    ",\"date\":" STR "}}"
#define RECOVER_BODY                                                                                             \
    "{\"type\":\"object\",\"required\":[\"reason\"],\"additionalProperties\":false,\"properties\":{\"reason\":"   \
    STR ",\"since\":" STR "}}"
#define RECOVER_RESULT                                                                                           \
    "{\"type\":\"object\",\"required\":[\"placement\",\"recovered\",\"cancelled\",\"rejected\",\"in_batch\","      \
    "\"amount_recovered\"],\"properties\":{\"amount_recovered\":" STR "}}"
#define GRID_ITEM                                                                                                \
    "{\"type\":\"object\",\"required\":[\"placement_id\",\"program\",\"person_id\",\"idcard\",\"name\","           \
    "\"host_org_id\",\"start_on\",\"end_on\",\"status\",\"attendance\"],\"additionalProperties\":false,"          \
    "\"properties\":{\"placement_id\":" INT ",\"program\":" STR ",\"person_id\":" INT ",\"idcard\":"              \
    IDCARD_MASKED ",\"name\":" STR ",\"host_org_id\":" INT ",\"host\":" STR ",\"start_on\":" STR ",\"end_on\":"   \
    NSTR ",\"status\":" STR ",\"attendance\":{\"anyOf\":[{\"type\":\"null\"}," ATTENDANCE_SCHEMA "]}}}"
#define ATTENDANCE_BODY                                                                                          \
    "{\"type\":\"object\",\"required\":[\"duty_days\"],\"additionalProperties\":false,\"properties\":{"           \
    "\"duty_days\":" INT ",\"personal_leave\":" INT ",\"sick_leave\":" INT ",\"sick_certificate\":" BOOL          \
    ",\"contract_with_host\":" BOOL ",\"si_paid\":" STR ",\"si_months\":" INT "}}"
#define COUNTY_BODY "{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{\"county\":" STR "}}"
#define RUN_RESULT "{\"type\":\"object\",\"required\":[\"approved\",\"held\",\"uncommitted\"]}"
#define PAYROLL_SHOW                                                                                             \
    "{\"type\":\"object\",\"required\":[\"run\",\"lines\",\"totals\"],\"properties\":{\"run\":{\"type\":"         \
    "\"object\",\"required\":[\"id\",\"program\",\"month\",\"run_by\",\"committed_by\"]},\"lines\":{\"type\":"    \
    "\"array\",\"items\":" PAYROLL_LINE_SCHEMA "},\"totals\":{\"type\":\"object\",\"required\":[\"lines\","        \
    "\"approved_amount\",\"uncommitted\"]}}}"
#define COMMIT_RESULT                                                                                            \
    "{\"type\":\"object\",\"required\":[\"run\",\"committed\",\"committed_amount\",\"committed_by\",\"held\"]}"
#define REVIEW_BODY                                                                                              \
    "{\"type\":\"object\",\"required\":[\"approve\",\"reason\"],\"additionalProperties\":false,\"properties\":{"  \
    "\"approve\":" BOOL ",\"amount\":" STR ",\"reason\":" STR "}}"
#define LEDGER_LINE                                                                                              \
    "{\"type\":\"object\",\"required\":[\"county\",\"program\",\"year\",\"source\",\"budget\",\"available\","     \
    "\"committed\",\"paid\"],\"properties\":{\"county\":" STR ",\"program\":" STR ",\"year\":" INT ",\"source\":"  \
    "{\"enum\":[\"central\",\"region\",\"city_county\",\"other\"]},\"source_label\":" STR ",\"budget\":" MONEY    \
    ",\"available\":" MONEY ",\"committed\":" MONEY ",\"paid\":" MONEY ",\"tracks\":" STR ",\"tracks_clause\":"   \
    STR ",\"result\":{\"enum\":[\"changed\",\"unchanged\"]}}}"
#define BUDGET_BODY                                                                                              \
    "{\"type\":\"object\",\"required\":[\"amount\"],\"additionalProperties\":false,\"properties\":{\"amount\":"   \
    STR ",\"tracks\":" STR ",\"clause\":" STR ",\"county\":" STR "}}"
#define LOAD_BODY                                                                                                \
    "{\"type\":\"object\",\"required\":[\"year\"],\"additionalProperties\":false,\"properties\":{\"year\":" INT   \
    ",\"county\":" STR "}}"
#define LOAD_RESULT                                                                                              \
    PAGE_OF("{\"type\":\"object\",\"required\":[\"program\",\"year\",\"source\",\"amount\",\"result\"]}")
#define BALANCES                                                                                                 \
    "{\"type\":\"object\",\"required\":[\"county\",\"items\",\"totals\",\"next_cursor\"],\"properties\":{"        \
    "\"county\":" STR ",\"items\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"required\":[\"program\","  \
    "\"year\",\"budget\",\"available\",\"committed\",\"paid\"],\"additionalProperties\":false,\"properties\":{"   \
    "\"program\":" STR ",\"year\":" INT ",\"budget\":" MONEY ",\"available\":" MONEY ",\"committed\":" MONEY      \
    ",\"paid\":" MONEY "}}},\"totals\":{\"type\":\"object\",\"required\":[\"budget\",\"available\","              \
    "\"committed\",\"paid\"]},\"next_cursor\":{\"type\":\"null\"}}}"
#define PAYABLE                                                                                                  \
    "{\"type\":\"object\",\"required\":[\"id\",\"county\",\"program\",\"year\",\"payee_kind\",\"amount\","        \
    "\"status\"],\"properties\":{\"id\":" INT ",\"program\":" STR ",\"year\":" INT ",\"month\":" NSTR             \
    ",\"amount\":" MONEY ",\"status\":{\"enum\":[\"approved\",\"batched\",\"paid\",\"cancelled\"]}}}"
#define CHECK_RESULT                                                                                             \
    "{\"type\":\"object\",\"required\":[\"ok\",\"entries\",\"postings\",\"accounts\"],\"properties\":{\"ok\":"    \
    BOOL ",\"entries\":" INT ",\"postings\":" INT ",\"accounts\":" INT ",\"error\":" STR "}}"
#define BATCH_PROPS                                                                                              \
    "\"id\":" INT ",\"county\":" STR ",\"program\":" STR ",\"month\":" STR ",\"status\":{\"enum\":[\"draft\","    \
    "\"approved\",\"paid\",\"cancelled\"]},\"built_by\":" STR ",\"approved_by\":" STR ",\"total\":" MONEY
#define BATCH_SCHEMA                                                                                             \
    "{\"type\":\"object\",\"required\":[\"id\",\"county\",\"program\",\"status\",\"built_by\",\"total\"],"        \
    "\"properties\":{" BATCH_PROPS "}}"
#define BATCH_LINE                                                                                               \
    "{\"type\":\"object\",\"required\":[\"line\",\"payable_id\",\"payee_name\",\"payee_id\",\"account\","         \
    "\"amount\",\"status\"],\"properties\":{\"line\":" INT ",\"payable_id\":" INT ",\"payee_name\":" STR          \
    ",\"payee_id\":" STR ",\"account\":" STR ",\"amount\":" MONEY ",\"status\":{\"enum\":[\"pending\",\"paid\","  \
    "\"failed\"]}}}"
#define BATCH_FULL                                                                                               \
    "{\"type\":\"object\",\"required\":[\"id\",\"county\",\"program\",\"status\",\"built_by\",\"total\","         \
    "\"lines\"],\"properties\":{" BATCH_PROPS ",\"lines\":{\"type\":\"array\",\"items\":" BATCH_LINE "}}}"
#define BUILD_RESULT                                                                                             \
    "{\"type\":\"object\",\"required\":[\"id\",\"program\",\"status\",\"total\",\"skipped\"],\"properties\":{"    \
    BATCH_PROPS ",\"skipped\":{\"type\":\"array\"}}}"
#define BUILD_BODY                                                                                               \
    "{\"type\":\"object\",\"required\":[\"program\"],\"additionalProperties\":false,\"properties\":{\"program\":" \
    STR ",\"month\":" STR ",\"year\":" INT ",\"county\":" STR "}}"
#define PAID_RESULT                                                                                              \
    "{\"type\":\"object\",\"required\":[\"id\",\"status\",\"paid_now\",\"already_paid\",\"failed\",\"pending\"]," \
    "\"properties\":{" BATCH_PROPS ",\"paid_now\":" INT ",\"already_paid\":" INT ",\"failed\":" INT               \
    ",\"pending\":" INT "}}"
#define LINE_BODY                                                                                                \
    "{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{\"line\":" INT ",\"date\":" STR "}}"
#define FAILED_BODY                                                                                              \
    "{\"type\":\"object\",\"required\":[\"reason\"],\"additionalProperties\":false,\"properties\":{\"reason\":"   \
    STR ",\"date\":" STR "}}"
#define EMPTY_BODY "{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{}}"
#define CALENDAR_MONTH                                                                                           \
    "{\"type\":\"object\",\"required\":[\"month\",\"workdays\",\"provisional\",\"days\"],\"properties\":{"       \
    "\"month\":" STR ",\"workdays\":" INT ",\"provisional\":{\"type\":\"boolean\"},\"days\":{\"type\":\"array\","   \
    "\"items\":{\"type\":\"object\",\"required\":[\"date\",\"weekday\",\"workday\",\"label\"],\"properties\":{"   \
    "\"date\":" STR ",\"weekday\":" INT ",\"workday\":{\"type\":\"boolean\"},\"label\":{\"type\":[\"string\","    \
    "\"null\"]}}}}}}"
#define BANK_FILE "{\"type\":\"string\",\"description\":\"text/csv or an XLSX workbook (not JSON)\"}"

const jy_api_route jy_api_routes_money[] = {
    /* placements */
    {{.method = "GET", .path = "/api/v1/placements", .fn = h_placements, .permission = JY_PERM_PLACEMENT_READ},
     {.tag = "placements", .summary = "Placements with monthly pay (P10, P12, P13, P14, P24): filters, paged; an employer sees the ones it hosts",
      .query = "program,status,person_id,host_id,limit,cursor", .response = PAGE_OF(PLACEMENT_SCHEMA),
      .statuses = "200,400,401,403"}},
    {{.method = "POST", .path = "/api/v1/placements", .fn = h_placement_start, .permission = JY_PERM_PLACEMENT_WRITE,
      .max_body = 16384},
     {.tag = "placements", .summary = "Start a placement (上岗/实习/见习): the intake rules decide; 202 when held for a reviewer",
      .request = PLACEMENT_START_BODY, .response = PLACEMENT_START_RESULT,
      .statuses = "201,202,400,401,403,404,409,415,422", .success = 201}},
    {{.method = "GET", .path = "/api/v1/placements/{id}", .fn = h_placement, .permission = JY_PERM_PLACEMENT_READ},
     {.tag = "placements", .summary = "One placement with its attendance months and payroll lines",
      .response = PLACEMENT_FULL_SCHEMA, .statuses = "200,401,403,404"}},
    {{.method = "POST", .path = "/api/v1/placements/held/{case_id}/approve", .fn = h_placement_approve,
      .permission = JY_PERM_PLACEMENT_WRITE, .max_body = 4096},
     {.tag = "placements", .summary = "Approve a start held for review (its case, kind placement): the placement is recorded",
      .request = REASON_DATE_BODY("\"reason\""), .response = PLACEMENT_FULL_SCHEMA,
      .statuses = "200,400,401,403,404,409,415,422"}},
    {{.method = "POST", .path = "/api/v1/placements/{id}/end", .fn = h_placement_end,
      .permission = JY_PERM_PLACEMENT_WRITE, .max_body = 4096},
     {.tag = "placements", .summary = "End a placement (actual end date and reason; that month is the final month)",
      .request = REASON_DATE_BODY("\"reason\",\"date\""), .response = PLACEMENT_FULL_SCHEMA,
      .statuses = "200,400,401,403,404,409,415,422"}},
    {{.method = "POST", .path = "/api/v1/placements/{id}/recover", .fn = h_placement_recover,
      .permission = JY_PERM_PLACEMENT_WRITE, .max_body = 4096},
     {.tag = "placements", .summary = "追回: recover the paid months (since a month), cancel the unpaid ones and the placement",
      .request = RECOVER_BODY, .response = RECOVER_RESULT, .statuses = "200,400,401,403,404,409,415,422"}},
    /* attendance */
    {{.method = "GET", .path = "/api/v1/attendance", .fn = h_attendance_grid, .permission = JY_PERM_PLACEMENT_READ},
     {.tag = "attendance", .summary = "A month's attendance grid (考勤): the placements in post that month, each with its month or null",
      .query = "program,month,host_id,county,limit,cursor", .response = PAGE_OF(GRID_ITEM),
      .statuses = "200,400,401,403,404"}},
    {{.method = "PUT", .path = "/api/v1/placements/{id}/attendance/{month}", .fn = h_attendance_set,
      .permission = JY_PERM_ATTENDANCE_WRITE, .max_body = 4096},
     {.tag = "attendance", .summary = "Set one person-month of attendance (checked against the month's working days)",
      .request = ATTENDANCE_BODY, .response = ATTENDANCE_SCHEMA, .statuses = "200,400,401,403,404,409,415,422"}},
    {{.method = "GET", .path = "/api/v1/calendar", .fn = h_calendar, .permission = -1},
     {.tag = "attendance", .summary = "A month's days from the holiday calendar (工作日): weekday, working day, holiday name; the month's working days",
      .query = "month", .response = CALENDAR_MONTH, .statuses = "200,400,401,403,409"}},
    /* payroll */
    {{.method = "POST", .path = "/api/v1/payroll/{program}/{month}/run", .fn = h_payroll_run,
      .permission = JY_PERM_PAYROLL_RUN, .max_body = 1024},
     {.tag = "payroll", .summary = "Run a programme's month (proposes: eligible lines approved, others held; no money moves)",
      .request = COUNTY_BODY, .response = RUN_RESULT, .statuses = "200,400,401,403,404,409,415,422"}},
    {{.method = "GET", .path = "/api/v1/payroll/{program}/{month}", .fn = h_payroll_show,
      .permission = JY_PERM_PAYROLL_REVIEW},
     {.tag = "payroll", .summary = "The month's run: who ran and committed it, its lines and totals", .query = "county",
      .response = PAYROLL_SHOW, .statuses = "200,400,401,403,404,422"}},
    {{.method = "POST", .path = "/api/v1/payroll/{program}/{month}/commit", .fn = h_payroll_commit,
      .permission = JY_PERM_PAYROLL_REVIEW, .max_body = 1024},
     {.tag = "payroll", .summary = "Commit the run's approved lines (payables in the ledger) — by nobody who ran the month (409)",
      .request = COUNTY_BODY, .response = COMMIT_RESULT, .statuses = "200,400,401,403,404,409,415,422"}},
    {{.method = "POST", .path = "/api/v1/payroll/lines/{id}/review", .fn = h_payroll_review,
      .permission = JY_PERM_PAYROLL_REVIEW, .max_body = 4096},
     {.tag = "payroll", .summary = "Review a held line: approve with the amount (commits it) or reject — not by a runner (409)",
      .request = REVIEW_BODY, .response = PAYROLL_LINE_SCHEMA, .statuses = "200,400,401,403,404,409,415,422"}},
    /* ledger */
    {{.method = "GET", .path = "/api/v1/ledger/budgets", .fn = h_budgets, .permission = JY_PERM_LEDGER_READ},
     {.tag = "ledger", .summary = "Budget lines by funding source (中央, 自治区, 市县, 其他) with their balances",
      .query = "program,year,county", .response = PAGE_OF(LEDGER_LINE), .statuses = "200,400,401,403,404"}},
    {{.method = "PUT", .path = "/api/v1/ledger/budgets/{program}/{year}/{source}", .fn = h_budget_set,
      .permission = JY_PERM_LEDGER_WRITE, .max_body = 4096},
     {.tag = "ledger", .summary = "Set a budget line (allocate or reduce) and optionally the tracks it funds",
      .request = BUDGET_BODY, .response = LEDGER_LINE, .statuses = "200,400,401,403,404,409,415,422"}},
    {{.method = "POST", .path = "/api/v1/ledger/budgets/load", .fn = h_budget_load, .permission = JY_PERM_LEDGER_WRITE,
      .max_body = 1024},
     {.tag = "ledger", .summary = "Load a year's budget lines from the programmes' funding sources (policy data)",
      .request = LOAD_BODY, .response = LOAD_RESULT, .statuses = "200,400,401,403,404,409,415,422"}},
    {{.method = "GET", .path = "/api/v1/ledger/balances", .fn = h_balances, .permission = JY_PERM_LEDGER_READ},
     {.tag = "ledger", .summary = "Balances per programme and year: budget, available, committed, paid, and their totals",
      .query = "program,year,county", .response = BALANCES, .statuses = "200,400,401,403,404"}},
    {{.method = "GET", .path = "/api/v1/ledger/commitments", .fn = h_commitments, .permission = JY_PERM_LEDGER_READ},
     {.tag = "ledger", .summary = "Payables (应付款: approved, batched, paid, cancelled), paged; accounts masked",
      .query = "program,status,month,case_id,county,limit,cursor", .response = PAGE_OF(PAYABLE),
      .statuses = "200,400,401,403,404"}},
    {{.method = "GET", .path = "/api/v1/ledger/commitments/{id}", .fn = h_commitment, .permission = JY_PERM_LEDGER_READ},
     {.tag = "ledger", .summary = "One payable (应付款) with its case, payee (masked), amount and what was recovered",
      .response = PAYABLE, .statuses = "200,401,403,404"}},
    {{.method = "GET", .path = "/api/v1/ledger/check", .fn = h_ledger_check, .permission = JY_PERM_LEDGER_READ},
     {.tag = "ledger", .summary = "Do the books balance (every entry, account, commitment and payment)",
      .response = CHECK_RESULT, .statuses = "200,401,403"}},
    /* payment batches */
    {{.method = "GET", .path = "/api/v1/batches", .fn = h_batches, .permission = JY_PERM_BATCH_READ},
     {.tag = "batches", .summary = "Payment batches (拨付批次), paged", .query = "program,status,limit,cursor",
      .response = PAGE_OF(BATCH_SCHEMA), .statuses = "200,400,401,403"}},
    {{.method = "POST", .path = "/api/v1/batches", .fn = h_batch_build, .permission = JY_PERM_BATCH_BUILD,
      .max_body = 1024},
     {.tag = "batches", .summary = "Build a batch of a programme's approved payables (制单); 409 when nothing can be paid",
      .request = BUILD_BODY, .response = BUILD_RESULT, .statuses = "201,400,401,403,404,409,415,422",
      .success = 201}},
    {{.method = "GET", .path = "/api/v1/batches/{id}", .fn = h_batch, .permission = JY_PERM_BATCH_READ},
     {.tag = "batches", .summary = "A batch and its lines: payees' ID numbers and accounts masked unless ?unmask=1&reason=… (finance, admin; logged)",
      .query = "unmask,reason", .response = BATCH_FULL, .statuses = "200,400,401,403,404"}},
    {{.method = "POST", .path = "/api/v1/batches/{id}/approve", .fn = h_batch_approve,
      .permission = JY_PERM_BATCH_APPROVE, .max_body = 1024},
     {.tag = "batches", .summary = "Approve a draft batch (复核) — by someone other than its builder (409)",
      .request = EMPTY_BODY, .response = BATCH_FULL, .statuses = "200,400,401,403,404,409,415,422"}},
    {{.method = "GET", .path = "/api/v1/batches/{id}/bank-file", .fn = h_bank_file, .permission = JY_PERM_BATCH_EXPORT},
     {.tag = "batches", .summary = "The bank file (银行代发文件) of an approved batch, CSV or XLSX: masked unless ?unmask=1&reason=… (finance, admin; logged)",
      .query = "format,encoding,layout,unmask,reason", .response = BANK_FILE, .statuses = "200,400,401,403,404,409,422"}},
    {{.method = "POST", .path = "/api/v1/batches/{id}/paid", .fn = h_batch_paid, .permission = JY_PERM_BATCH_PAY,
      .max_body = 1024},
     {.tag = "batches", .summary = "Mark the pending lines paid (or one {\"line\"}) with the bank's value date {\"date\"}: each in its own transaction, nobody twice",
      .request = LINE_BODY, .response = PAID_RESULT, .statuses = "200,400,401,403,404,409,415,422"}},
    {{.method = "POST", .path = "/api/v1/batches/{id}/lines/{line}/failed", .fn = h_line_failed,
      .permission = JY_PERM_BATCH_PAY, .max_body = 4096},
     {.tag = "batches", .summary = "The bank returned a line unpaid (退票) {reason, date}: pending → failed",
      .request = FAILED_BODY, .response = BATCH_FULL, .statuses = "200,400,401,403,404,409,415,422"}},
    {{.method = "POST", .path = "/api/v1/batches/{id}/lines/{line}/retry", .fn = h_line_retry,
      .permission = JY_PERM_BATCH_PAY, .max_body = 1024},
     {.tag = "batches", .summary = "A failed line back to pending, with the payee's account read again",
      .request = EMPTY_BODY, .response = BATCH_LINE, .statuses = "200,400,401,403,404,409,415,422"}},
};
const size_t jy_api_routes_money_n = sizeof jy_api_routes_money / sizeof jy_api_routes_money[0];
