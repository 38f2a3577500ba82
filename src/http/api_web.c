/* api_web.c — what the staff pages (issue 12, web/) need from /api/v1 and no other route gives:
 *
 *   GET /api/v1/divisions      the townships (乡镇) of the server's county with their names, the
 *                              ones the user's area covers: the pages' township filters and labels
 *
 * Read-only and cheap: the division table is loaded once at start-up (jy_http_app.divs). */
#include <string.h>

#include "http/api.h"

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

const jy_api_route jy_api_routes_web[] = {
    {{.method = "GET", .path = "/api/v1/divisions", .fn = h_divisions, .permission = SIGNED_IN},
     {.tag = "pages",
      .summary = "The townships (乡镇) of this county the user's area covers, with their names",
      .response = "{\"type\":\"object\",\"required\":[\"county\",\"county_name\",\"items\"],\"properties\":{"
                  "\"county\":{\"type\":\"string\"},\"county_name\":{\"type\":\"string\"},\"items\":{\"type\":"
                  "\"array\",\"items\":{\"type\":\"object\",\"required\":[\"code\",\"name\"],\"properties\":{"
                  "\"code\":{\"type\":\"string\"},\"name\":{\"type\":\"string\"}},\"additionalProperties\":false}}}}",
      .statuses = "200,401,403"}},
};
const size_t jy_api_routes_web_n = sizeof jy_api_routes_web / sizeof jy_api_routes_web[0];
