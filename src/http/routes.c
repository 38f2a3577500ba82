/* routes.c — jiuye's HTTP routes for now: the health check, the registry summary (JSON) and the
 * Chinese start page that shows the registry's counts read live from the store. The full API
 * and the staff/public pages come later and add rows to the table at the bottom. */
#include "http/http.h"
#include "http/api.h"

#include <pthread.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the registry summary ---- */

typedef struct town_count {
    char code[13];
    int64_t n;
} town_count;

typedef struct summary {
    jy_store_counts counts;
    int64_t org_kind[JY_ORG__KIND_COUNT];
    int64_t status[JY_ST__COUNT]; /* persons holding an open status of each kind */
    town_count *towns;            /* persons per township (9-digit hukou prefix) in the county */
    size_t ntowns, cap;
    int64_t in_county_no_town;    /* in the county, township unknown (6-digit hukou code) */
    int64_t outside;              /* hukou outside the county */
} summary;

static void summary_free(summary *s) { free(s->towns); }

/* Chinese labels (UI text) for the status kinds and organisation kinds. */
static const char *status_label(int k)
{
    static const char *const names[JY_ST__COUNT] = {
        [JY_ST_REGISTERED_UNEMPLOYED] = "登记失业人员",
        [JY_ST_POVERTY_ALLEVIATED] = "脱贫人口",
        [JY_ST_MONITORED] = "监测对象",
        [JY_ST_DISABILITY] = "残疾人",
        [JY_ST_VETERAN] = "退役军人",
        [JY_ST_GRADUATE] = "高校毕业生",
        [JY_ST_DIBAO] = "低保对象",
        [JY_ST_ZERO_EMPLOYMENT_FAMILY] = "零就业家庭成员",
        [JY_ST_PUBLIC_WELFARE_POST] = "公益性岗位人员",
        [JY_ST_FISCAL_PAYROLL] = "财政供养人员",
        [JY_ST_ENROLLED_STUDENT] = "在校学生",
        [JY_ST_RETIRED] = "退休人员",
        [JY_ST_EMPLOYER_INSURED] = "单位缴纳社保",
    };
    return k > 0 && k < JY_ST__COUNT && names[k] ? names[k] : "其他";
}

static const char *org_kind_label(int bit)
{
    static const char *const names[JY_ORG__KIND_COUNT] = {
        "培训机构", "用人单位", "农民专业合作社", "帮扶车间", "人力资源服务机构",
        "劳务经纪人", "就业见习基地", "零工驿站", "村（社区）", "机关事业单位",
        "驻外劳务服务中心", "返乡创业基地", "社区便民服务店", "龙头企业",
    };
    return bit >= 0 && bit < JY_ORG__KIND_COUNT ? names[bit] : "其他";
}

typedef struct group_walk {
    summary *s;
    const char *county;
} group_walk;

static int on_township(void *ctx, const char *key, int64_t n)
{
    group_walk *w = ctx;
    summary *s = w->s;
    if (strncmp(key, w->county, 6) != 0) {
        s->outside += n;
        return 0;
    }
    if (strlen(key) < 9) {
        s->in_county_no_town += n;
        return 0;
    }
    if (s->ntowns == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 32;
        town_count *t = realloc(s->towns, cap * sizeof *t);
        if (!t) return -1;
        s->towns = t;
        s->cap = cap;
    }
    town_count *t = &s->towns[s->ntowns++];
    snprintf(t->code, sizeof t->code, "%.9s", key);
    t->n = n;
    return 0;
}

static int on_status(void *ctx, const char *key, int64_t n)
{
    summary *s = ctx;
    jy_status_kind k;
    if (jy_status_kind_parse(key, &k) == 0 && k > 0 && k < JY_ST__COUNT) s->status[k] += n;
    return 0;
}

static int on_org_kinds(void *ctx, const char *key, int64_t n)
{
    summary *s = ctx;
    unsigned long kinds = strtoul(key, NULL, 10);
    for (int b = 0; b < JY_ORG__KIND_COUNT; b++)
        if (kinds & (1ul << b)) s->org_kind[b] += n;
    return 0;
}

/* Reads the registry's counts: grouped counts from the store, statuses held today. */
static int summary_load(jy_store *st, const char *county, summary *s, jy_err *err)
{
    int rc;
    memset(s, 0, sizeof *s);
    group_walk w = {.s = s, .county = county};
    jy_date today = jy_date_today();
    if ((rc = jy_store_counts_get(st, &s->counts, err))) return rc;
    if ((rc = jy_store_group_counts(st, JY_GROUP_PERSON_TOWNSHIP, today, on_township, &w, err))) return rc;
    if ((rc = jy_store_group_counts(st, JY_GROUP_PERSON_STATUS, today, on_status, s, err))) return rc;
    if ((rc = jy_store_group_counts(st, JY_GROUP_ORG_KINDS, today, on_org_kinds, s, err))) return rc;
    return 0;
}

static const char *county_name(const jy_http_app *app)
{
    const char *name = app && app->divs ? jy_division_name(app->divs, app->county) : NULL;
    return name ? name : "海原县";
}

static const char *town_name(const jy_http_app *app, const char *code)
{
    const char *name = app && app->divs ? jy_division_name(app->divs, code) : NULL;
    return name ? name : code;
}

/* ---- handlers ---- */

static void h_healthz(jy_http_req *req)
{
    jy_store *st = jy_http_store_or_reply(req);
    if (!st) return;
    jy_err err = {0};
    int version = 0;
    if (jy_store_schema_version(st, &version, &err)) {
        jy_http_reply_error(req, 503, "db_unavailable", "%s", err.msg);
        return;
    }
    jy_sb sb = JY_SB_INIT;
    jy_sb_append(&sb, "{");
    jy_sb_json_kv_str(&sb, "status", "ok");
    jy_sb_json_kv_str(&sb, "db", jy_store_backend(st));
    jy_sb_json_kv_i64(&sb, "schema_version", version);
    jy_sb_append(&sb, "}");
    jy_http_reply_json(req, 200, &sb);
}

/* Loads the summary, or replies 500 and returns non-zero. */
static int summary_or_reply(jy_http_req *req, summary *s)
{
    const jy_http_app *app = jy_http_req_app(req);
    jy_store *st = jy_http_store_or_reply(req);
    if (!st) return -1;
    jy_err err = {0};
    if (summary_load(st, app ? app->county : "640522", s, &err)) {
        summary_free(s);
        jy_http_reply_err(req, &err);
        return -1;
    }
    return 0;
}

static void h_summary(jy_http_req *req)
{
    const jy_http_app *app = jy_http_req_app(req);
    summary s;
    if (summary_or_reply(req, &s)) return;
    jy_sb sb = JY_SB_INIT;
    jy_sb_append(&sb, "{");
    jy_sb_json_kv_str(&sb, "county", app ? app->county : "640522");
    jy_sb_json_kv_str(&sb, "county_name", county_name(app));
    jy_sb_json_kv_i64(&sb, "persons", s.counts.persons);
    jy_sb_json_kv_i64(&sb, "orgs", s.counts.orgs);
    jy_sb_json_kv_i64(&sb, "statuses", s.counts.statuses);
    jy_sb_json_kv_i64(&sb, "audit_entries", s.counts.audit_entries);
    jy_sb_json_key(&sb, "persons_by_township");
    jy_sb_append(&sb, "[");
    for (size_t i = 0; i < s.ntowns; i++) {
        jy_sb_append(&sb, i ? ",{" : "{");
        jy_sb_json_kv_str(&sb, "code", s.towns[i].code);
        jy_sb_json_kv_str(&sb, "name", town_name(app, s.towns[i].code));
        jy_sb_json_kv_i64(&sb, "persons", s.towns[i].n);
        jy_sb_append(&sb, "}");
    }
    jy_sb_append(&sb, "]");
    jy_sb_json_kv_i64(&sb, "persons_township_unknown", s.in_county_no_town);
    jy_sb_json_kv_i64(&sb, "persons_outside_county", s.outside);
    jy_sb_json_key(&sb, "persons_by_status");
    jy_sb_append(&sb, "{");
    for (int k = 1; k < JY_ST__COUNT; k++)
        jy_sb_json_kv_i64(&sb, jy_status_kind_name((jy_status_kind)k), s.status[k]);
    jy_sb_append(&sb, "}");
    jy_sb_json_key(&sb, "orgs_by_kind");
    jy_sb_append(&sb, "{");
    for (int b = 0; b < JY_ORG__KIND_COUNT; b++)
        jy_sb_json_kv_i64(&sb, jy_org_kind_name(1 << b), s.org_kind[b]);
    jy_sb_append(&sb, "}}");
    summary_free(&s);
    jy_http_reply_json(req, 200, &sb);
}

static void html_count_row(jy_sb *sb, const char *label, int64_t n)
{
    jy_sb_append(sb, "<tr><th scope=\"row\">");
    jy_http_html_escape(sb, label);
    jy_sb_append(sb, "</th><td class=\"n\">");
    jy_sb_append_i64(sb, n);
    jy_sb_append(sb, "</td></tr>\n");
}

static void h_start_page(jy_http_req *req)
{
    const jy_http_app *app = jy_http_req_app(req);
    summary s;
    if (summary_or_reply(req, &s)) return;
    const char *cname = county_name(app);
    char today[JY_DATE_BUFSZ];
    jy_date_format(jy_date_today(), today);

    jy_sb sb = JY_SB_INIT;
    jy_sb_append(&sb, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
                      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                      "<title>");
    jy_http_html_escape(&sb, cname);
    jy_sb_append(&sb, "公共就业服务 · jiuye</title>\n<style>\n"
                      "body{font-family:\"Noto Sans CJK SC\",\"PingFang SC\",\"Microsoft YaHei\","
                      "sans-serif;margin:0;color:#1b1b1b;background:#f6f7f9}\n"
                      "header{background:#a3161a;color:#fff;padding:1rem 1.5rem}\n"
                      "header h1{margin:0;font-size:1.5rem}header p{margin:.3rem 0 0;opacity:.85}\n"
                      "main{max-width:64rem;margin:0 auto;padding:1rem 1.5rem}\n"
                      ".cards{display:flex;flex-wrap:wrap;gap:1rem;margin:1rem 0}\n"
                      ".card{background:#fff;border-radius:6px;padding:1rem 1.25rem;min-width:10rem;"
                      "box-shadow:0 1px 3px rgba(0,0,0,.1)}\n"
                      ".card .n{font-size:1.8rem;font-weight:600}.card .l{color:#555}\n"
                      ".grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(18rem,1fr));"
                      "gap:1.5rem}\n"
                      "section{background:#fff;border-radius:6px;padding:1rem 1.25rem;"
                      "box-shadow:0 1px 3px rgba(0,0,0,.1)}\nh2{font-size:1.1rem;margin:.2rem 0 .8rem}\n"
                      "table{border-collapse:collapse;width:100%}th,td{padding:.3rem .4rem;"
                      "border-bottom:1px solid #eee;text-align:left;font-weight:normal}\n"
                      "td.n{text-align:right;font-variant-numeric:tabular-nums}\n"
                      "footer{color:#777;font-size:.85rem;padding:1rem 1.5rem;text-align:center}\n"
                      "</style>\n</head>\n<body>\n<header><h1>");
    jy_http_html_escape(&sb, cname);
    jy_sb_append(&sb, "公共就业服务</h1><p>人员与单位登记 · 数据截至 ");
    jy_sb_append(&sb, today);
    jy_sb_append(&sb, "</p></header>\n<main>\n<div class=\"cards\">\n");
    static const char *const card_ids[] = {"persons", "orgs", "statuses", "audit"};
    const char *card_labels[] = {"登记人员", "登记单位", "人员状态记录", "审计日志条目"};
    int64_t card_values[] = {s.counts.persons, s.counts.orgs, s.counts.statuses,
                             s.counts.audit_entries};
    for (int i = 0; i < 4; i++) {
        jy_sb_appendf(&sb, "<div class=\"card\" id=\"count-%s\"><div class=\"n\">", card_ids[i]);
        jy_sb_append_i64(&sb, card_values[i]);
        jy_sb_append(&sb, "</div><div class=\"l\">");
        jy_sb_append(&sb, card_labels[i]);
        jy_sb_append(&sb, "</div></div>\n");
    }
    jy_sb_append(&sb, "</div>\n<div class=\"grid\">\n<section id=\"townships\"><h2>各乡镇登记人员"
                      "（按户籍所在地）</h2>\n<table>\n");
    for (size_t i = 0; i < s.ntowns; i++) html_count_row(&sb, town_name(app, s.towns[i].code), s.towns[i].n);
    if (s.in_county_no_town) html_count_row(&sb, "乡镇不详", s.in_county_no_town);
    if (s.outside) html_count_row(&sb, "县外户籍", s.outside);
    if (!s.ntowns && !s.in_county_no_town && !s.outside)
        jy_sb_append(&sb, "<tr><td>尚无登记人员。运行 <code>jiuye demo</code> 可生成演示数据。</td></tr>\n");
    jy_sb_append(&sb, "</table>\n</section>\n<section id=\"statuses\"><h2>重点群体（人数）</h2>\n"
                      "<table>\n");
    for (int k = 1; k < JY_ST__COUNT; k++) html_count_row(&sb, status_label(k), s.status[k]);
    jy_sb_append(&sb, "</table>\n</section>\n<section id=\"org-kinds\"><h2>单位类型</h2>\n<table>\n");
    for (int b = 0; b < JY_ORG__KIND_COUNT; b++)
        if (s.org_kind[b]) html_count_row(&sb, org_kind_label(b), s.org_kind[b]);
    if (!s.counts.orgs) jy_sb_append(&sb, "<tr><td>尚无登记单位。</td></tr>\n");
    jy_sb_append(&sb, "</table>\n</section>\n</div>\n</main>\n<footer>jiuye · ");
    jy_http_html_escape(&sb, app ? app->county : "");
    jy_sb_append(&sb, " · <a href=\"/healthz\">运行状态</a> · <a href=\"/api/summary\">数据摘要 "
                      "(JSON)</a></footer>\n</body>\n</html>\n");
    summary_free(&s);
    jy_http_reply_html(req, 200, &sb);
}

static const jy_http_route app_routes[] = {
    {.method = "GET", .path = "/", .fn = h_start_page, .flags = JY_HTTP_PUBLIC},
    {.method = "GET", .path = "/healthz", .fn = h_healthz, .flags = JY_HTTP_PUBLIC | JY_HTTP_NO_RATE_LIMIT},
    {.method = "GET", .path = "/api/summary", .fn = h_summary, .flags = JY_HTTP_PUBLIC},
};

/* The start page's routes followed by every /api/v1 route (api.h), built once. */
static pthread_once_t all_once = PTHREAD_ONCE_INIT;
static jy_http_route *all_routes;
static size_t all_n;

static void all_build(void)
{
    size_t napp = sizeof app_routes / sizeof app_routes[0], napi;
    const jy_api_route *api = jy_api_routes(&napi);
    all_routes = calloc(napp + napi, sizeof *all_routes);
    if (!all_routes) abort();
    memcpy(all_routes, app_routes, sizeof app_routes);
    for (size_t i = 0; i < napi; i++) all_routes[napp + i] = api[i].route;
    all_n = napp + napi;
}

const jy_http_route *jy_http_app_routes(size_t *n)
{
    pthread_once(&all_once, all_build);
    *n = all_n;
    return all_routes;
}
