/* api_web.c — what the staff pages (issue 12, web/) need from /api/v1 and no other route gives:
 *
 *   GET /api/v1/divisions      the townships (乡镇) of the server's county with their names, the
 *                              ones the user's area covers: the pages' township filters and labels
 *   GET /api/v1/workflows      every workflow (policy/workflows.txt): its steps with the states they
 *                              leave and enter, the roles named, and whether the caller's role may
 *                              take each (the workflow's rule, jy_actor_may): the case page offers
 *                              only the next steps the user may take
 *
 * Read-only and cheap: the division table is loaded once at start-up (jy_http_app.divs), the
 * workflows once per store handle (jy_api_cases_or_reply). */
#include <stdio.h>
#include <string.h>

#include "http/api.h"
#include "service/case.h"
#include "service/workflow.h"

#define SIGNED_IN (-1) /* any fully signed-in user (api.c's permit hook) */

static void h_divisions(jy_http_req *req)
{
    const jy_http_app *app = jy_http_req_app(req);
    const jy_principal *who = jy_api_who(req);
    size_t alen = strlen(who->area);
    jy_sb sb = JY_SB_INIT;
    jy_sb_append(&sb, "{\"county\":");
    jy_sb_json_str(&sb, app ? app->county : "");
    jy_sb_append(&sb, ",\"county_name\":");
    const char *cname = app && app->divs ? jy_division_name(app->divs, app->county) : NULL;
    jy_sb_json_str(&sb, cname ? cname : "");
    jy_sb_append(&sb, ",\"items\":[");
    if (app && app->divs) {
        const jy_division *kids[128];
        size_t n = jy_division_children(app->divs, app->county, kids, sizeof kids / sizeof kids[0]);
        if (n > sizeof kids / sizeof kids[0]) n = sizeof kids / sizeof kids[0];
        int first = 1;
        for (size_t i = 0; i < n; i++) {
            if (kids[i]->former) continue;
            /* a township user sees their own township only; a county or wider user every one */
            if (alen > 6 && strncmp(kids[i]->code, who->area, alen < 9 ? alen : 9) != 0) continue;
            if (alen && alen <= 6 && strncmp(kids[i]->code, who->area, alen) != 0) continue;
            jy_sb_append(&sb, first ? "{" : ",{");
            first = 0;
            jy_sb_json_kv_str(&sb, "code", kids[i]->code);
            jy_sb_json_kv_str(&sb, "name", kids[i]->name);
            jy_sb_appendc(&sb, '}');
        }
    }
    jy_sb_append(&sb, "]}");
    jy_http_req_set_header(req, "Cache-Control", "private, max-age=300");
    jy_http_reply_json(req, 200, &sb);
}

static void h_workflows(jy_http_req *req)
{
    const jy_principal *who = jy_api_who(req);
    jy_cases *cs = jy_api_cases_or_reply(req);
    if (!cs) return;
    /* the step's role rule only (the case's area is checked when a step is taken) */
    jy_actor me;
    memset(&me, 0, sizeof me);
    snprintf(me.user.name, sizeof me.user.name, "%s", who->name);
    me.role = who->role;
    jy_sb sb = JY_SB_INIT;
    jy_sb_append(&sb, "{\"items\":[");
    int n = jy_workflows_count(cs->wf);
    for (int i = 0; i < n; i++) {
        const jy_workflow *w = jy_workflows_at(cs->wf, i);
        jy_sb_append(&sb, i ? ",{" : "{");
        jy_sb_json_kv_str(&sb, "name", w->name);
        jy_sb_json_kv_str(&sb, "title", w->title);
        jy_sb_json_kv_str(&sb, "start", w->start);
        jy_sb_append(&sb, ",\"programs\":[");
        for (int p = 0; p < w->nprograms; p++) {
            if (p) jy_sb_appendc(&sb, ',');
            jy_sb_appendc(&sb, '{');
            jy_sb_json_kv_str(&sb, "program", w->program[p]);
            jy_sb_json_kv_str(&sb, "kind", w->kind[p]);
            jy_sb_appendc(&sb, '}');
        }
        jy_sb_append(&sb, "],\"steps\":[");
        for (int k = 0; k < w->nsteps; k++) {
            const jy_wf_step *st = &w->steps[k];
            jy_sb_append(&sb, k ? ",{" : "{");
            jy_sb_json_kv_str(&sb, "name", st->name);
            jy_sb_append(&sb, ",\"from\":[");
            for (int f = 0; f < st->nfrom; f++) {
                if (f) jy_sb_appendc(&sb, ',');
                jy_sb_json_str(&sb, st->from[f]);
            }
            jy_sb_appendc(&sb, ']');
            jy_sb_json_kv_str(&sb, "to", st->to);
            jy_sb_append(&sb, ",\"roles\":[");
            int first = 1;
            if (st->roles & JY_ROLE_ANY) {
                jy_sb_json_str(&sb, "*");
                first = 0;
            }
            for (int r = 0; r < JY_ROLE__COUNT; r++)
                if (st->roles & (1u << r)) {
                    if (!first) jy_sb_appendc(&sb, ',');
                    jy_sb_json_str(&sb, jy_role_name(r));
                    first = 0;
                }
            jy_sb_appendc(&sb, ']');
            jy_sb_json_kv_bool(&sb, "may", jy_actor_may(&me, st->roles, NULL, st->name, NULL) == 0);
            jy_sb_append(&sb, ",\"flags\":");
            jy_wf_flags_json(&sb, st);
            jy_sb_json_kv_i64(&sb, "publicity", st->publicity);
            jy_sb_json_kv_str(&sb, "clause", st->clause);
            jy_sb_appendc(&sb, '}');
        }
        jy_sb_append(&sb, "]}");
    }
    jy_sb_append(&sb, "]}");
    jy_http_reply_json(req, 200, &sb);
}

#define STRS "{\"type\":\"array\",\"items\":{\"type\":\"string\"}}"
#define WF_STEP                                                                                                   \
    "{\"type\":\"object\",\"required\":[\"name\",\"from\",\"to\",\"roles\",\"may\"],\"properties\":{\"name\":"    \
    "{\"type\":\"string\"},\"from\":" STRS ",\"to\":{\"type\":\"string\"},\"roles\":" STRS ",\"may\":{\"type\":"   \
    "\"boolean\"},\"flags\":" STRS ",\"publicity\":{\"type\":\"integer\"},\"clause\":{\"type\":\"string\"}}}"

const jy_api_route jy_api_routes_web[] = {
    {{.method = "GET", .path = "/api/v1/divisions", .fn = h_divisions, .permission = SIGNED_IN},
     {.tag = "pages",
      .summary = "The townships (乡镇) of this county the user's area covers, with their names",
      .response = "{\"type\":\"object\",\"required\":[\"county\",\"county_name\",\"items\"],\"properties\":{"
                  "\"county\":{\"type\":\"string\"},\"county_name\":{\"type\":\"string\"},\"items\":{\"type\":"
                  "\"array\",\"items\":{\"type\":\"object\",\"required\":[\"code\",\"name\"],\"properties\":{"
                  "\"code\":{\"type\":\"string\"},\"name\":{\"type\":\"string\"}},\"additionalProperties\":false}}}}",
      .statuses = "200,401,403"}},
    {{.method = "GET", .path = "/api/v1/workflows", .fn = h_workflows, .permission = JY_PERM_POLICY_READ},
     {.tag = "pages",
      .summary = "The workflows (办理流程): steps, states, roles, and which steps the caller's role may take",
      .response = "{\"type\":\"object\",\"required\":[\"items\"],\"properties\":{\"items\":{\"type\":\"array\","
                  "\"items\":{\"type\":\"object\",\"required\":[\"name\",\"title\",\"programs\",\"steps\"],"
                  "\"properties\":{\"name\":{\"type\":\"string\"},\"title\":{\"type\":\"string\"},\"start\":{\"type\":"
                  "\"string\"},\"programs\":{\"type\":\"array\"},\"steps\":{\"type\":\"array\",\"items\":" WF_STEP "}}}}}}",
      .statuses = "200,401,403,503"}},
};
const size_t jy_api_routes_web_n = sizeof jy_api_routes_web / sizeof jy_api_routes_web[0];
