/* api_policy.c — the rules under /api/v1 (issue 11):
 *
 *   GET  /api/v1/policy/programs   the 26 programmes: targets, budgets, funding sources (policy list)
 *   POST /api/v1/policy/eval       decide one case from given facts {program, date, facts}: the
 *                                  decision with its reasons and clauses, nothing stored
 *   POST /api/v1/policy/explain    the same with the evaluation's trace in Chinese (每一步比较的值)
 *   POST /api/v1/policy/simulate   budget simulation (预算测算): the stored cases re-decided under
 *                                  changed parameters, nothing stored (service/simulate.h)
 *
 * The rule set is the server's (loaded once per store handle with the case service). */
#include <stdlib.h>
#include <string.h>

#include "http/api.h"
#include "service/simulate.h"

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
        jy_http_reply_error_field(req, 422, "invalid_field", strstr(err.msg, "program") ? "program" : "facts", "%s",
                                  err.msg);
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

static void h_explain(jy_http_req *req)
{
    jy_cases *cs = jy_api_cases_or_reply(req);
    if (!cs) return;
    jy_policy_case *c = jy_arena_zalloc(jy_http_req_arena(req), sizeof *c);
    if (read_case(req, cs, c)) return;
    jy_decision d;
    jy_policy_step *steps = jy_arena_alloc(jy_http_req_arena(req), 512 * sizeof *steps);
    jy_policy_trace tr = {0, 512, steps};
    jy_policy_eval_trace(cs->pol, c, &d, &tr);
    jy_sb text = JY_SB_INIT, sb = JY_SB_INIT;
    jy_policy_explain_text(cs->pol, c, &d, &tr, &text);
    jy_sb_append(&sb, "{\"decision\":");
    jy_policy_decision_json(cs->pol, NULL, 0, &d, 1, &sb);
    jy_sb_append(&sb, ",\"explanation\":");
    jy_sb_json_str(&sb, jy_sb_cstr(&text));
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
        jy_http_reply_error_field(req, 422, "invalid_field", "set",
                                  "set: a list of 1 to %d changes such as \"p13.monthly=1800元 from 2024-01-01\"",
                                  JY_SIM_MAX_SETS);
        return;
    }
    jy_err err = {0};
    for (size_t i = 0; i < json_array_size(set); i++) {
        const char *t = json_string_value(json_array_get(set, i));
        if (!t) {
            jy_http_reply_error_field(req, 422, "invalid_field", "set", "set[%zu]: expected a string NAME=VALUE [from DATE]", i);
            return;
        }
        if (jy_sim_set_parse(t, &sets[i], &err)) {
            jy_http_reply_error_field(req, 422, "invalid_field", "set", "%s", err.msg);
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

#define STR "{\"type\":\"string\"}"
#define EVAL_BODY                                                                                                 \
    "{\"type\":\"object\",\"required\":[\"program\",\"date\"],\"additionalProperties\":false,\"properties\":{"     \
    "\"program\":" STR ",\"date\":" STR ",\"facts\":{\"type\":\"object\"}}}"
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
    {{.method = "POST", .path = "/api/v1/policy/eval", .fn = h_eval, .permission = JY_PERM_POLICY_EVAL,
      .max_body = 65536},
     {.tag = "policy", .summary = "Decide one case from given facts (试算): the decision and its clauses, nothing stored",
      .request = EVAL_BODY, .response = DECISION, .statuses = "200,400,401,403,415,422"}},
    {{.method = "POST", .path = "/api/v1/policy/explain", .fn = h_explain, .permission = JY_PERM_POLICY_EVAL,
      .max_body = 65536},
     {.tag = "policy", .summary = "Decide and explain: every clause, the values it compared, the parameter's period",
      .request = EVAL_BODY,
      .response = "{\"type\":\"object\",\"required\":[\"decision\",\"explanation\"],\"properties\":{\"decision\":"
                  DECISION ",\"explanation\":" STR "}}",
      .statuses = "200,400,401,403,415,422"}},
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
};
const size_t jy_api_routes_policy_n = sizeof jy_api_routes_policy / sizeof jy_api_routes_policy[0];
