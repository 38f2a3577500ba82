/* api_policy.c — the rules under /api/v1 (issue 11):
 *
 *   GET  /api/v1/policy/programs   the 26 programmes: targets, budgets, funding sources (policy list)
 *   GET  /api/v1/policy/programs/{program}/form   one programme's form for the pages: the facts
 *                                  its rules use (type, values, range), its clauses, and its
 *                                  scoring form (评分表: items, veto items) from policy/scoring-forms.tsv
 *   POST /api/v1/policy/eval       decide one case from given facts {program, date, facts}: the
 *                                  decision with its reasons and clauses, nothing stored
 *   POST /api/v1/policy/explain    the same with the evaluation's trace in Chinese (每一步比较的值)
 *   POST /api/v1/policy/simulate   budget simulation (预算测算): the stored cases re-decided under
 *                                  changed parameters, nothing stored (service/simulate.h)
 *
 * The rule set is the server's (loaded once per store handle with the case service). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/api.h"
#include "service/scoring.h"
#include "service/simulate.h"
#include "service/versions.h"

static void h_programs(jy_http_req *req)
{
    jy_cases *cs = jy_api_cases_or_reply(req);
    if (!cs) return;
    jy_sb sb = JY_SB_INIT;
    jy_sb_append(&sb, "{\"ruleset\":");
    jy_sb_json_str(&sb, jy_policy_hash(cs->pol));
    jy_sb_append(&sb, ",\"programs\":");
    jy_policy_list_json(cs->pol, &sb);
    jy_sb_appendc(&sb, '}');
    jy_http_reply_json(req, 200, &sb);
}

/* Appends the scoring form of program (policy/scoring-forms.tsv, as the case service loaded and
 * checks it: service/scoring.h) as "scoring":{form, clause, items, veto_items, bonus_items} or
 * null when the programme has none. A malformed file already failed the cases handle's opening. */
static void scoring_json(const jy_scoring *forms, const char *program, jy_sb *sb)
{
    const jy_scoring_row *first = NULL;
    for (size_t i = 0; forms && i < forms->n && !first; i++)
        if (strcmp(forms->rows[i].program, program) == 0) first = &forms->rows[i];
    if (!first) {
        jy_sb_append(sb, "null");
        return;
    }
    jy_sb_appendc(sb, '{');
    jy_sb_json_kv_str(sb, "form", first->form);
    jy_sb_json_kv_str(sb, "clause", first->clause);
    static const char *const K[3] = {"items", "veto_items", "bonus_items"};
    static const int KIND[3] = {JY_SCORE_ITEM, JY_SCORE_VETO, JY_SCORE_BONUS};
    for (int k = 0; k < 3; k++) {
        jy_sb_json_key(sb, K[k]);
        jy_sb_appendc(sb, '[');
        int n = 0;
        for (size_t i = 0; i < forms->n; i++) {
            const jy_scoring_row *r = &forms->rows[i];
            if (strcmp(r->program, program) != 0 || r->kind != KIND[k]) continue;
            if (n++) jy_sb_appendc(sb, ',');
            jy_sb_appendc(sb, '{');
            jy_sb_json_kv_str(sb, "item", r->item);
            if (r->kind != JY_SCORE_VETO) {
                jy_sb_json_key(sb, "max");
                if (r->max < 0) jy_sb_append(sb, "null");
                else jy_sb_appendf(sb, "%d", r->max);
            }
            jy_sb_json_kv_str(sb, "clause", r->clause);
            jy_sb_appendc(sb, '}');
        }
        jy_sb_appendc(sb, ']');
    }
    jy_sb_appendc(sb, '}');
}

/* GET /api/v1/policy/programs/{program}/form: what a page needs to file a case of the programme. */
static void h_program_form(jy_http_req *req)
{
    jy_cases *cs = jy_api_cases_or_reply(req);
    if (!cs) return;
    const char *program = jy_http_req_param(req, "program");
    jy_sb sb = JY_SB_INIT;
    if (!program || jy_policy_program_form_json(cs->pol, program, &sb) != 0) {
        jy_sb_free(&sb);
        jy_http_reply_error2(req, 404, "not_found", NULL, "http.no_programme", "no programme %s in the rules", "规则中没有项目 %s", program ? program : "");
        return;
    }
    sb.len--; /* reopen the object: the scoring form goes in */
    jy_sb_append(&sb, ",\"scoring\":");
    scoring_json(cs->scoring, program, &sb);
    jy_sb_appendc(&sb, '}');
    jy_http_reply_json(req, 200, &sb);
}

/* The body {program, date, facts} as the engine's case line, parsed; 0 or a reply queued. */
static int read_case(jy_http_req *req, jy_cases *cs, jy_policy_case *c)
{
    json_t *b = jy_api_body_or_reply(req);
    if (!b || jy_api_only_keys_or_reply(req, b, "program,date,facts")) return -1;
    const char *program;
    jy_date on;
    if (jy_api_str_or_reply(req, b, "program", 1, &program) || jy_api_date_or_reply(req, b, "date", 1, &on)) return -1;
    json_t *facts = json_object_get(b, "facts");
    if (facts && !json_is_object(facts)) {
        jy_http_reply_error2(req, 422, "invalid_field", "facts", "api.facts_object", "facts: a JSON object of facts (docs/facts.md)", "facts：应为信息项的 JSON 对象（docs/facts.md）");
        return -1;
    }
    char d[JY_DATE_BUFSZ];
    json_t *line = json_pack("{s:s, s:s, s:O}", "program", program, "date", jy_date_format(on, d), "facts",
                             facts ? facts : json_object());
    char *text = line ? json_dumps(line, JSON_COMPACT) : NULL;
    json_decref(line);
    if (!text) {
        jy_http_reply_error2(req, 500, "internal", NULL, "sys.out_of_memory", "out of memory", "内存不足");
        return -1;
    }
    jy_http_req_on_end(req, free, text);
    char id[8];
    int has_id = 0;
    jy_err err = {0};
    if (jy_policy_case_parse(cs->pol, text, strlen(text), c, id, sizeof id, &has_id, &err)) {
        jy_http_reply_error_e(req, 422, "invalid_field", strstr(err.msg, "program") ? "program" : "facts", &err);
        return -1;
    }
    return 0;
}

static void h_eval(jy_http_req *req)
{
    jy_cases *cs = jy_api_cases_or_reply(req);
    if (!cs) return;
    jy_policy_case *c = jy_arena_zalloc(jy_http_req_arena(req), sizeof *c);
    if (read_case(req, cs, c)) return;
    jy_decision d;
    jy_policy_eval(cs->pol, c, &d);
    jy_sb sb = JY_SB_INIT;
    jy_policy_decision_json(cs->pol, NULL, 0, &d, 1, &sb);
    jy_http_reply_json(req, 200, &sb);
}

/* The stored case {case_id} as the rules' input, if the user may read it (its subject's area and
 * owner, as GET /cases/{id}); 0, or a reply queued and -1. */
static int read_stored_case(jy_http_req *req, jy_cases *cs, int64_t id, const jy_policy **pol, jy_policy_case *c)
{
    jy_store *st = jy_api_store_or_reply(req);
    if (!st) return -1;
    jy_case k;
    jy_sb text = JY_SB_INIT;
    jy_err err = {0};
    int rc = jy_store_case_get(st, id, &k, &text, &err);
    if (rc) {
        jy_sb_free(&text);
        jy_api_fail(req, &err, NULL);
        return -1;
    }
    char area[13];
    snprintf(area, sizeof area, "%s", k.county);
    if (k.person_id) {
        jy_person p;
        jy_err e2 = {0};
        if (jy_store_person_get(st, k.person_id, &p, &e2) == 0 && p.hukou_division[0])
            snprintf(area, sizeof area, "%s", p.hukou_division);
    } else if (k.org_id) {
        jy_org o;
        jy_err e2 = {0};
        if (jy_store_org_get(st, k.org_id, &o, &e2) == 0 && o.division[0]) snprintf(area, sizeof area, "%s", o.division);
    }
    jy_perm_target t = {.area = area, .org_id = k.org_id, .person_id = k.person_id};
    if (jy_api_permit_or_reply(req, JY_PERM_CASE_READ, &t)) {
        jy_sb_free(&text);
        return -1;
    }
    rc = jy_case_policy_case(cs, &k, pol, c, &err);
    jy_sb_free(&text);
    if (rc) {
        jy_api_fail(req, &err, "case_id");
        return -1;
    }
    return 0;
}

/* {program, date, facts} or {case_id}: the decision, the text trace and the same as steps. */
static void h_explain(jy_http_req *req)
{
    jy_cases *cs = jy_api_cases_or_reply(req);
    if (!cs) return;
    jy_policy_case *c = jy_arena_zalloc(jy_http_req_arena(req), sizeof *c);
    json_t *b = jy_api_body_or_reply(req);
    if (!b) return;
    const jy_policy *pol = cs->pol;
    int64_t case_id = 0;
    if (json_object_get(b, "case_id")) {
        if (jy_api_only_keys_or_reply(req, b, "case_id") ||
            jy_api_i64_or_reply(req, b, "case_id", 1, 1, INT64_MAX, &case_id) ||
            read_stored_case(req, cs, case_id, &pol, c))
            return;
    } else if (read_case(req, cs, c)) {
        return;
    }
    jy_decision d;
    jy_policy_step *steps = jy_arena_alloc(jy_http_req_arena(req), 512 * sizeof *steps);
    jy_policy_trace tr = {0, 512, steps};
    jy_policy_eval_trace(pol, c, &d, &tr);
    jy_sb text = JY_SB_INIT, sb = JY_SB_INIT;
    jy_policy_explain_text(pol, c, &d, &tr, &text);
    jy_sb_append(&sb, "{\"decision\":");
    jy_policy_decision_json(pol, NULL, 0, &d, 1, &sb);
    jy_sb_append(&sb, ",\"explanation\":");
    jy_sb_json_str(&sb, jy_sb_cstr(&text));
    jy_sb_append(&sb, ",\"trace\":");
    jy_policy_explain_json(pol, c, &d, &tr, &sb);
    if (case_id) jy_sb_appendf(&sb, ",\"case_id\":%lld", (long long)case_id);
    jy_sb_appendc(&sb, '}');
    jy_sb_free(&text);
    jy_http_reply_json(req, 200, &sb);
}

/* {"set":["p13.monthly=1800元 from 2024-01-01", …], "county", "area", "program", "from", "to",
 * "cases"}: the report of jiuye policy simulate. The county is the user's when the user's area lies
 * in one; a user of a township area simulates that area only. */
static void h_simulate(jy_http_req *req)
{
    jy_cases *cs = jy_api_cases_or_reply(req);
    if (!cs) return;
    jy_store *st = jy_api_store_or_reply(req);
    if (!st) return;
    json_t *b = jy_api_body_or_reply(req);
    if (!b || jy_api_only_keys_or_reply(req, b, "set,county,area,program,from,to,cases")) return;
    const jy_principal *who = jy_api_who(req);
    jy_sim_request rq;
    memset(&rq, 0, sizeof rq);
    jy_sim_set *sets = jy_arena_zalloc(jy_http_req_arena(req), sizeof *sets * JY_SIM_MAX_SETS);
    json_t *set = json_object_get(b, "set");
    if (!json_is_array(set) || json_array_size(set) == 0 || json_array_size(set) > JY_SIM_MAX_SETS) {
        jy_http_reply_error2(req, 422, "invalid_field", "set", "http.sim_set_list",
                             "set: a list of 1 to %d changes such as \"p13.monthly=1800元 from 2024-01-01\"",
                             "set：应为1至%d项改动的列表，如 \"p13.monthly=1800元 from 2024-01-01\"", JY_SIM_MAX_SETS);
        return;
    }
    jy_err err = {0};
    for (size_t i = 0; i < json_array_size(set); i++) {
        const char *t = json_string_value(json_array_get(set, i));
        if (!t) {
            jy_http_reply_error2(req, 422, "invalid_field", "set", "http.sim_set_item", "set[%zu]: expected a string NAME=VALUE [from DATE]", "set[%zu]：应为字符串 名称=值 [from 日期]", i);
            return;
        }
        if (jy_sim_set_parse(t, &sets[i], &err)) {
            jy_http_reply_error_e(req, 422, "invalid_field", "set", &err);
            return;
        }
    }
    rq.sets = sets;
    rq.nsets = (int)json_array_size(set);
    const char *county = NULL, *area = NULL, *program = NULL;
    if (jy_api_str_or_reply(req, b, "county", 0, &county) < 0 || jy_api_str_or_reply(req, b, "area", 0, &area) < 0 ||
        jy_api_str_or_reply(req, b, "program", 0, &program) < 0 || jy_api_date_or_reply(req, b, "from", 0, &rq.from) < 0 ||
        jy_api_date_or_reply(req, b, "to", 0, &rq.to) < 0)
        return;
    json_t *cases = json_object_get(b, "cases");
    if (cases && !json_is_boolean(cases)) {
        jy_http_reply_error2(req, 422, "invalid_field", "cases", "api.cases_bool", "cases: true or false", "cases：应为 true 或 false");
        return;
    }
    rq.list_cases = json_is_true(cases);
    /* the user's area bounds what is simulated */
    size_t ul = strlen(who->area);
    char ucounty[7] = "";
    if (ul >= 6) memcpy(ucounty, who->area, 6);
    if (!county) county = ucounty[0] ? ucounty : NULL;
    if (!county) {
        jy_http_reply_error2(req, 422, "invalid_field", "county", "api.county_required", "county: required (your area spans several counties)", "county：必填（您的辖区包括多个县）");
        return;
    }
    if (ul && strncmp(county, who->area, ul < 6 ? ul : 6) != 0) {
        jy_http_reply_error2(req, 422, "invalid_field", "county", "api.county_outside", "county %s lies outside your area %s", "县 %s 不在您的辖区 %s 内", county, who->area);
        return;
    }
    if (ul > 6) {
        if (area && strncmp(area, who->area, ul) != 0) {
            jy_http_reply_error2(req, 422, "invalid_field", "area", "api.area_outside", "area %s lies outside your area %s", "区域 %s 不在您的辖区 %s 内", area, who->area);
            return;
        }
        if (!area) area = who->area;
    }
    rq.county = county;
    rq.area = area;
    rq.program = program;
    rq.policy_dir = jy_api_of(req)->policy_dir;
    jy_sb sb = JY_SB_INIT;
    if (jy_simulate(st, cs->pol, &rq, &sb, NULL, &err)) {
        jy_sb_free(&sb);
        const char *field = strncmp(err.msg, "--set", 5) == 0 ? "set" : strncmp(err.msg, "area", 4) == 0 ? "area"
                            : strncmp(err.msg, "county", 6) == 0 ? "county" : strncmp(err.msg, "to:", 3) == 0 ? "to" : NULL;
        jy_api_fail(req, &err, field);
        return;
    }
    jy_http_reply_json(req, 200, &sb);
}

/* ---- rule versions (service/versions.h, docs/versions.md) ---- */

/* GET /api/v1/policy/versions: every version, and which holds the server's rules directory. */
static void h_versions(jy_http_req *req)
{
    jy_store *st = jy_api_store_or_reply(req);
    if (!st) return;
    jy_sb sb = JY_SB_INIT;
    jy_err err = {0};
    if (jy_versions_list_json(st, jy_api_of(req)->policy_dir, &sb, &err)) {
        jy_sb_free(&sb);
        jy_api_fail(req, &err, NULL);
        return;
    }
    jy_http_reply_json(req, 200, &sb);
}

/* GET /api/v1/policy/versions/{a}/diff/{b}: what changed, clause by clause; "text" is the same
 * in Chinese as `jiuye policy diff` prints it. */
static void h_version_diff(jy_http_req *req)
{
    int64_t a = 0, b = 0;
    if (jy_api_path_id_or_reply(req, "a", &a) || jy_api_path_id_or_reply(req, "b", &b)) return;
    jy_store *st = jy_api_store_or_reply(req);
    if (!st) return;
    jy_sb js = JY_SB_INIT, tx = JY_SB_INIT;
    jy_err err = {0};
    if (jy_versions_diff(st, a, b, &js, &tx, &err)) {
        jy_sb_free(&js);
        jy_sb_free(&tx);
        jy_api_fail(req, &err, NULL);
        return;
    }
    js.len--; /* the closing brace: the text goes in before it */
    jy_sb_json_kv_str(&js, "text", jy_sb_cstr(&tx));
    jy_sb_appendc(&js, '}');
    jy_sb_free(&tx);
    jy_http_reply_json(req, 200, &js);
}

/* POST /api/v1/policy/versions/{id}/redecide {county, program, commit, plan}: the re-decision of
 * the open cases under version id (按调整后的政策执行). Without commit (or false): the dry run,
 * every change listed with the plan digest; with commit true and that plan: the changes written,
 * the signed-in user recorded as the reviewer. The county is the user's when the user's area
 * lies in one. */
static void h_redecide(jy_http_req *req)
{
    int64_t id = 0;
    if (jy_api_path_id_or_reply(req, "id", &id)) return;
    jy_cases *cs = jy_api_cases_or_reply(req);
    if (!cs) return;
    json_t *b = jy_api_body_or_reply(req);
    if (!b || jy_api_only_keys_or_reply(req, b, "county,program,commit,plan")) return;
    const char *county = NULL, *program = NULL, *plan = NULL;
    if (jy_api_str_or_reply(req, b, "county", 0, &county) < 0 || jy_api_str_or_reply(req, b, "program", 0, &program) < 0 ||
        jy_api_str_or_reply(req, b, "plan", 0, &plan) < 0)
        return;
    json_t *commit = json_object_get(b, "commit");
    if (commit && !json_is_boolean(commit)) {
        jy_http_reply_error2(req, 422, "invalid_field", "commit", "http.commit_bool", "commit: true or false", "commit：应为 true 或 false");
        return;
    }
    const jy_principal *who = jy_api_who(req);
    size_t ul = strlen(who->area);
    char ucounty[7] = "";
    if (ul >= 6) memcpy(ucounty, who->area, 6);
    if (!county) county = ucounty[0] ? ucounty : NULL;
    if (!county) {
        jy_http_reply_error2(req, 422, "invalid_field", "county", "api.county_required", "county: required (your area spans several counties)", "county：必填（您的辖区包括多个县）");
        return;
    }
    if (ul && strncmp(county, who->area, ul < 6 ? ul : 6) != 0) {
        jy_http_reply_error2(req, 422, "invalid_field", "county", "api.county_outside", "county %s lies outside your area %s", "县 %s 不在您的辖区 %s 内", county, who->area);
        return;
    }
    jy_redecide_request rq;
    memset(&rq, 0, sizeof rq);
    rq.county = county;
    rq.program = program;
    rq.version = id;
    rq.commit = json_is_true(commit);
    rq.plan = plan;
    rq.reviewer = jy_api_actor(req);
    if (rq.commit && !plan) {
        jy_http_reply_error2(req, 422, "invalid_field", "plan", "http.plan_needed", "plan: committing needs the plan of the dry run", "plan：提交须附上试算得出的方案");
        return;
    }
    jy_sb sb = JY_SB_INIT;
    jy_err err = {0};
    if (jy_versions_redecide(cs, &rq, jy_api_actor(req), &sb, &err)) {
        jy_sb_free(&sb);
        const char *field = strncmp(err.msg, "plan", 4) == 0 ? "plan" : strncmp(err.msg, "program", 7) == 0 ? "program"
                            : strncmp(err.msg, "county", 6) == 0 ? "county" : NULL;
        jy_api_fail(req, &err, field);
        return;
    }
    jy_http_reply_json(req, 200, &sb);
}

#define STR "{\"type\":\"string\"}"
#define EVAL_BODY                                                                                                 \
    "{\"type\":\"object\",\"required\":[\"program\",\"date\"],\"additionalProperties\":false,\"properties\":{"     \
    "\"program\":" STR ",\"date\":" STR ",\"facts\":{\"type\":\"object\"}}}"
#define VERSION_SCHEMA                                                                                            \
    "{\"type\":\"object\",\"required\":[\"id\",\"hash\",\"enacted_on\",\"applies_from\",\"loaded_at\","     \
    "\"loaded_by\",\"note\"],\"properties\":{\"id\":{\"type\":\"integer\"},\"hash\":" STR ",\"enacted_on\":" STR \
    ",\"applies_from\":" STR ",\"loaded_at\":" STR ",\"loaded_by\":" STR ",\"note\":" STR "}}"
#define DECISION                                                                                                  \
    "{\"type\":\"object\",\"required\":[\"decision\",\"reasons\"],\"properties\":{\"id\":{\"type\":\"null\"}" \
    ",\"decision\":{\"enum\":[\"eligible\",\"ineligible\",\"needs_review\"]},\"amount\":{\"type\":[\"string\","   \
    "\"null\"]},\"reasons\":{\"type\":\"array\"}}}"

const jy_api_route jy_api_routes_policy[] = {
    {{.method = "GET", .path = "/api/v1/policy/programs", .fn = h_programs, .permission = JY_PERM_POLICY_READ},
     {.tag = "policy", .summary = "The programmes (项目): targets, budgets and funding sources as the rules say",
      .response = "{\"type\":\"object\",\"required\":[\"ruleset\",\"programs\"],\"properties\":{\"ruleset\":" STR
                  ",\"programs\":{\"type\":\"array\"}}}",
      .statuses = "200,401,403"}},
    {{.method = "GET", .path = "/api/v1/policy/programs/{program}/form", .fn = h_program_form,
      .permission = JY_PERM_POLICY_READ},
     {.tag = "policy",
      .summary = "One programme's form for filing (申报): the facts its rules use (type, values, range, meaning), its "
                 "clauses, and its scoring form (评分表: items with their maximum points, veto items 否决项, bonus items)",
      .response = "{\"type\":\"object\",\"required\":[\"program\",\"title\",\"facts\",\"clauses\",\"params\",\"scoring\"],"
                  "\"properties\":{\"program\":" STR ",\"title\":" STR ",\"facts\":{\"type\":\"array\",\"items\":{"
                  "\"type\":\"object\",\"required\":[\"name\",\"type\",\"doc\",\"derived\"],\"properties\":{"
                  "\"name\":" STR ",\"type\":" STR ",\"doc\":" STR ",\"derived\":{\"type\":\"boolean\"},"
                  "\"min\":" STR ",\"max\":" STR ",\"values\":{\"type\":\"array\",\"items\":" STR "}}}},"
                  "\"clauses\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"required\":[\"id\",\"text\"]}},"
                  "\"params\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"required\":[\"name\",\"type\","
                  "\"clause\",\"periods\"]}},"
                  "\"scoring\":{\"type\":[\"object\",\"null\"],\"required\":[\"form\",\"clause\",\"items\","
                  "\"veto_items\",\"bonus_items\"],\"properties\":{\"form\":" STR ",\"clause\":" STR
                  ",\"items\":{\"type\":\"array\"},\"veto_items\":{\"type\":\"array\"},\"bonus_items\":{\"type\":\"array\"}}}}}",
      .statuses = "200,401,403,404,500"}},
    {{.method = "POST", .path = "/api/v1/policy/eval", .fn = h_eval, .permission = JY_PERM_POLICY_EVAL,
      .max_body = 65536},
     {.tag = "policy", .summary = "Decide one case from given facts (试算): the decision and its clauses, nothing stored",
      .request = EVAL_BODY, .response = DECISION, .statuses = "200,400,401,403,415,422"}},
    {{.method = "POST", .path = "/api/v1/policy/explain", .fn = h_explain, .permission = JY_PERM_POLICY_EVAL,
      .max_body = 65536},
     {.tag = "policy",
      .summary = "Decide and explain (一案一释): given facts {program, date, facts} or a stored case {case_id} (its "
                 "facts, filing date and rule version; the user must be able to read it): the decision, the trace in "
                 "Chinese, and the same as steps — each fact and parameter read (the parameter's clause and the "
                 "period the date fell in), each clause checked (passed or not), the amount",
      .request = "{\"anyOf\":[" EVAL_BODY ",{\"type\":\"object\",\"required\":[\"case_id\"],"
                 "\"additionalProperties\":false,\"properties\":{\"case_id\":{\"type\":\"integer\"}}}]}",
      .response = "{\"type\":\"object\",\"required\":[\"decision\",\"explanation\",\"trace\"],\"properties\":{"
                  "\"decision\":" DECISION ",\"explanation\":" STR ",\"case_id\":{\"type\":\"integer\"},"
                  "\"trace\":{\"type\":\"object\",\"required\":[\"program\",\"title\",\"date\",\"ruleset\","
                  "\"steps\"],\"properties\":{\"program\":" STR ",\"title\":" STR ",\"date\":" STR
                  ",\"ruleset\":" STR ",\"steps\":{\"type\":\"array\",\"items\":{\"type\":\"object\","
                  "\"required\":[\"line\",\"kind\"],\"properties\":{\"line\":{\"type\":\"integer\"},"
                  "\"kind\":{\"enum\":[\"fact\",\"param\",\"let\",\"check\",\"decide\",\"outcome\",\"pay\","
                  "\"cap\"]},\"name\":" STR ",\"value\":{\"type\":[\"string\",\"integer\"]},\"clause\":" STR
                  ",\"clause_text\":" STR ",\"period\":{\"type\":[\"object\",\"null\"]},\"passed\":{"
                  "\"type\":\"boolean\"},\"severity\":{\"enum\":[\"fail\",\"review\"]},\"text\":" STR
                  ",\"outcome\":" STR ",\"amount\":" STR ",\"clauses\":{\"type\":\"array\",\"items\":{"
                  "\"type\":\"object\",\"required\":[\"id\",\"text\"]}}}}}}}}}",
      .statuses = "200,400,401,403,404,415,422,500"}},
    {{.method = "POST", .path = "/api/v1/policy/simulate", .fn = h_simulate, .permission = JY_PERM_REPORT_READ,
      .max_body = 16384},
     {.tag = "policy",
      .summary = "Budget simulation (预算测算): the stored cases re-decided under changed parameters; decisions that "
                 "change, money before and after per programme × funding source × township, the month each budget "
                 "line runs out. Nothing is stored",
      .request = "{\"type\":\"object\",\"required\":[\"set\"],\"additionalProperties\":false,\"properties\":{"
                 "\"set\":{\"type\":\"array\",\"items\":" STR "},\"county\":" STR ",\"area\":" STR
                 ",\"program\":" STR ",\"from\":" STR ",\"to\":" STR ",\"cases\":{\"type\":\"boolean\"}}}",
      .response = "{\"type\":\"object\",\"required\":[\"county\",\"rows\",\"changed\",\"totals\",\"decisions\","
                  "\"money\",\"budget_lines\"],\"properties\":{\"county\":" STR ",\"rows\":{\"type\":\"integer\"},"
                  "\"changed\":{\"type\":\"integer\"},\"totals\":{\"type\":\"object\",\"required\":["
                  "\"committed_before\",\"committed_after\",\"committed_difference\",\"to_pay_before\","
                  "\"to_pay_after\",\"paid\"]},\"decisions\":{\"type\":\"array\"},\"money\":{\"type\":\"array\"},"
                  "\"budget_lines\":{\"type\":\"array\"},\"changed_rows\":{\"type\":\"array\"}}}",
      .statuses = "200,400,401,403,404,409,415,422,500,503"}},
    {{.method = "GET", .path = "/api/v1/policy/versions", .fn = h_versions, .permission = JY_PERM_POLICY_READ},
     {.tag = "policy",
      .summary = "Rule versions (政策版本): content hash, 发文日期, 施行日期, loaded when and by whom, note; and the "
                 "version holding the server's rules directory",
      .response = "{\"type\":\"object\",\"required\":[\"versions\",\"directory\"],\"properties\":{\"versions\":"
                  "{\"type\":\"array\",\"items\":" VERSION_SCHEMA "},\"directory\":{\"type\":\"object\","
                  "\"properties\":{\"hash\":" STR ",\"version\":{\"type\":[\"integer\",\"null\"]}}}}}",
      .statuses = "200,401,403,503"}},
    {{.method = "GET", .path = "/api/v1/policy/versions/{a}/diff/{b}", .fn = h_version_diff,
      .permission = JY_PERM_POLICY_READ},
     {.tag = "policy",
      .summary = "What changed from version a to version b, clause by clause: parameters (old and new values), "
                 "programmes added or removed, clause texts, rule lines; text: the same in Chinese",
      .response = "{\"type\":\"object\",\"required\":[\"from\",\"to\",\"parameters\",\"programs\",\"clauses\","
                  "\"rules\",\"other_files\",\"changes\",\"text\"],\"properties\":{\"from\":" VERSION_SCHEMA
                  ",\"to\":" VERSION_SCHEMA ",\"parameters\":{\"type\":\"array\",\"items\":{\"type\":\"object\","
                  "\"required\":[\"name\",\"clause\",\"old\",\"new\"]}},\"programs\":{\"type\":\"array\"},"
                  "\"clauses\":{\"type\":\"array\"},\"rules\":{\"type\":\"array\"},\"other_files\":{\"type\":"
                  "\"array\"},\"changes\":{\"type\":\"integer\"},\"clauses_touched\":{\"type\":\"array\"},"
                  "\"text\":" STR "}}",
      .statuses = "200,401,403,404,503"}},
    {{.method = "POST", .path = "/api/v1/policy/versions/{id}/redecide", .fn = h_redecide,
      .permission = JY_PERM_POLICY_REDECIDE, .max_body = 4096},
     {.tag = "policy",
      .summary = "Re-decide the open cases under a rule version (按调整后的政策执行): the dry run lists every case "
                 "whose decision or amount changes (person masked, old → new, the clauses) with a plan digest; "
                 "commit with that plan writes them, the signed-in user named as reviewer. Closed and paid cases "
                 "never change",
      .request = "{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{\"county\":" STR
                 ",\"program\":" STR ",\"commit\":{\"type\":\"boolean\"},\"plan\":" STR "}}",
      .response = "{\"type\":\"object\",\"required\":[\"county\",\"plan\",\"committed\"],\"properties\":{"
                  "\"county\":" STR ",\"plan\":" STR ",\"committed\":{\"type\":\"boolean\"},\"already\":{"
                  "\"type\":\"boolean\"},\"cases\":{\"type\":\"integer\"},\"unchanged\":{\"type\":\"integer\"},"
                  "\"changed_count\":{\"type\":\"integer\"},\"changed\":{\"type\":\"array\"},\"held\":{\"type\":\"array\"},\"unreadable\":{\"type\":\"array\"},\"reviewer\":" STR
                  "}}",
      .statuses = "200,400,401,403,404,409,415,422,500,503"}},
};
const size_t jy_api_routes_policy_n = sizeof jy_api_routes_policy / sizeof jy_api_routes_policy[0];
