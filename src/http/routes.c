/* routes.c — jiuye's HTTP routes besides /api/v1: the health check, the registry summary (JSON),
 * and the staff pages (issue 12). When the built pages exist (app->web_dir: web/dist, made by
 * `make web`), "/" and every page path (SPA_PAGES below) answer web/dist/index.html (no-cache)
 * and "/assets/NAME" the hashed files Vite wrote (cached for a year, immutable); otherwise "/"
 * is the Chinese start page with the registry's counts read live from the store and a note on
 * how to build the pages, and the page paths answer 404 like any unknown path. */
#include "http/http.h"
#include "http/api.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

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

/* ---- the built pages (web/dist) ---- */

/* The CSP of the pages: scripts, styles, fonts and images only from this origin, API calls only
 * to it; no inline script, no eval. Element Plus and ECharts set styles through the CSSOM
 * (element.style), which style-src does not govern, so no 'unsafe-inline' is needed either
 * (tests/web checks that the browser reports no CSP violation on any page). */
#define WEB_CSP                                                                                              \
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "      \
    "connect-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

/* The page paths of the single-page app (web/src/router.js): each answers index.html, and so does
 * each path below one ("/persons/12"). Keep in step with the router (tests/web checks it). */
static const char *const SPA_PAGES[] = {"/login", "/password", "/account", "/dashboard", "/todo",   "/persons",
                                        "/orgs",  "/cases",    "/reports", "/policy",    "/audit", "/access-log",
                                        "/users", "/forbidden",
                                        /* issue 12 item 2 (web3) */
                                        "/placements", "/ledger", "/batches",
                                        /* web2: filing, classes, awards, roster import, budget simulation */
                                        "/filing", "/classes", "/awards", "/imports", "/simulate"};

/* Reads dir/name (a regular file, no symlink) into sb. 0, JY_ENOTFOUND or JY_EIO. */
static int web_read(const char *dir, const char *name, jy_sb *sb, jy_err *err)
{
    char path[4096];
    int n = snprintf(path, sizeof path, "%s/%s", dir, name);
    if (n < 0 || (size_t)n >= sizeof path) return jy_err_set2(err, JY_ENOTFOUND, "http.path_too_long", "path too long", "路径过长");
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return jy_err_set2(err, errno == ENOENT || errno == ENOTDIR || errno == ELOOP ? JY_ENOTFOUND : JY_EIO, "http.page_file",
                                  "%s: %s", "页面文件 %s：%s", name, strerror(errno));
    struct stat sbuf;
    if (fstat(fd, &sbuf) != 0 || !S_ISREG(sbuf.st_mode) || sbuf.st_size > 64 * 1024 * 1024) {
        close(fd);
        return jy_err_set2(err, JY_ENOTFOUND, "http.not_a_file", "%s: not a file", "%s：不是文件", name);
    }
    size_t left = (size_t)sbuf.st_size;
    char *dst = jy_sb_extend(sb, left);
    while (left > 0) {
        ssize_t r = read(fd, dst, left);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) {
            close(fd);
            return jy_err_set2(err, JY_EIO, "http.short_read", "%s: short read", "%s：读取不完整", name);
        }
        dst += r;
        left -= (size_t)r;
    }
    close(fd);
    return 0;
}

static void reply_index(jy_http_req *req, const char *dir)
{
    jy_sb sb = JY_SB_INIT;
    jy_err err = {0};
    if (web_read(dir, "index.html", &sb, &err)) {
        jy_sb_free(&sb);
        jy_http_reply_error2(req, 503, "pages_unavailable", NULL, "http.pages_unreadable", "页面文件无法读取 (%1$s): run `make web`%2$.0s", "页面文件无法读取（%2$s）：请运行 `make web`%1$.0s", err.msg, jy_err_zh(&err));
        return;
    }
    jy_http_req_set_header(req, "Content-Security-Policy", WEB_CSP);
    jy_http_req_set_header(req, "Cache-Control", "no-cache");
    jy_http_reply(req, 200, "text/html; charset=utf-8", &sb);
}

/* The media type of an asset by its extension, or NULL for a kind the pages do not use. */
static const char *asset_type(const char *name)
{
    static const struct { const char *ext, *type; } types[] = {
        {".js", "text/javascript; charset=utf-8"}, {".mjs", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},       {".svg", "image/svg+xml"},
        {".png", "image/png"},                     {".ico", "image/x-icon"},
        {".woff2", "font/woff2"},                  {".woff", "font/woff"},
        {".ttf", "font/ttf"},                      {".json", "application/json"},
    };
    const char *dot = strrchr(name, '.');
    if (!dot) return NULL;
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (strcmp(dot, types[i].ext) == 0) return types[i].type;
    return NULL;
}

/* 1 when name is a plain file name Vite writes into assets/: letters, digits, '-', '_', '.',
 * not starting with a dot, no slash (so no way out of the folder). */
static int asset_name_ok(const char *name)
{
    if (!*name || name[0] == '.' || strlen(name) > 200) return 0;
    for (const char *c = name; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '-' ||
              *c == '_' || *c == '.'))
            return 0;
    return 1;
}

static void h_asset(jy_http_req *req)
{
    const jy_http_app *app = jy_http_req_app(req);
    const char *name = jy_http_req_rest(req);
    const char *type = name && asset_name_ok(name) ? asset_type(name) : NULL;
    if (!app || !app->web_dir || !type) {
        jy_http_reply_error2(req, 404, "not_found", NULL, "http.no_such_path", "没有这个地址: %s", "没有这个地址：%s", jy_http_req_path(req));
        return;
    }
    char rel[256];
    snprintf(rel, sizeof rel, "assets/%s", name);
    jy_sb sb = JY_SB_INIT;
    jy_err err = {0};
    int rc = web_read(app->web_dir, rel, &sb, &err);
    if (rc) {
        jy_sb_free(&sb);
        if (rc == JY_ENOTFOUND) jy_http_reply_error2(req, 404, "not_found", NULL, "http.no_such_path", "没有这个地址: %s", "没有这个地址：%s", jy_http_req_path(req));
        else jy_http_reply_error_e(req, 500, "internal", NULL, &err);
        return;
    }
    /* Vite names every asset by a hash of its content: a changed file gets a new name */
    jy_http_req_set_header(req, "Cache-Control", "public, max-age=31536000, immutable");
    jy_http_reply(req, 200, type, &sb);
}

/* A page path of the app: index.html when the pages are built, else 404 as for any unknown path. */
static void h_page(jy_http_req *req)
{
    const jy_http_app *app = jy_http_req_app(req);
    if (!app || !app->web_dir) {
        jy_http_reply_error2(req, 404, "not_found", NULL, "http.pages_not_built", "没有这个地址: %s (页面尚未构建: run `make web`)",
                             "没有这个地址：%s（页面尚未构建：请运行 `make web`）", jy_http_req_path(req));
        return;
    }
    reply_index(req, app->web_dir);
}

/* ---- handlers ---- */

static void h_healthz(jy_http_req *req)
{
    jy_store *st = jy_http_store_or_reply(req);
    if (!st) return;
    jy_err err = {0};
    int version = 0;
    if (jy_store_schema_version(st, &version, &err)) {
        jy_http_reply_error_e(req, 503, "db_unavailable", NULL, &err);
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
    if (app && app->web_dir) {
        reply_index(req, app->web_dir);
        return;
    }
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
    jy_sb_append(&sb, "</table>\n</section>\n</div>\n<p id=\"no-pages\">工作人员页面尚未构建：在源码目录运行 "
                      "<code>make web</code>（即 <code>cd web &amp;&amp; npm ci &amp;&amp; npm run build</code>），"
                      "再以 <code>jiuye serve --web web/dist</code> 启动。接口 <code>/api/v1</code> 照常可用。</p>\n"
                      "</main>\n<footer>jiuye · ");
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
    {.method = "GET", .path = "/assets/*", .fn = h_asset, .flags = JY_HTTP_PUBLIC},
};

/* The start page's routes followed by every /api/v1 route (api.h), built once. */
static pthread_once_t all_once = PTHREAD_ONCE_INIT;
static jy_http_route *all_routes;
static size_t all_n;

/* Each SPA page path twice: "/persons" and "/persons/" then "*" (built once, never freed). */
static char spa_paths[2 * sizeof SPA_PAGES / sizeof SPA_PAGES[0]][32];

static void all_build(void)
{
    size_t napp = sizeof app_routes / sizeof app_routes[0], napi;
    size_t npages = sizeof SPA_PAGES / sizeof SPA_PAGES[0];
    const jy_api_route *api = jy_api_routes(&napi);
    all_routes = calloc(napp + 2 * npages + napi, sizeof *all_routes);
    if (!all_routes) abort();
    memcpy(all_routes, app_routes, sizeof app_routes);
    size_t n = napp;
    for (size_t i = 0; i < npages; i++) {
        snprintf(spa_paths[2 * i], sizeof spa_paths[0], "%s", SPA_PAGES[i]);
        snprintf(spa_paths[2 * i + 1], sizeof spa_paths[0], "%s/*", SPA_PAGES[i]);
        for (size_t k = 0; k < 2; k++)
            all_routes[n++] = (jy_http_route){.method = "GET", .path = spa_paths[2 * i + k], .fn = h_page,
                                              .flags = JY_HTTP_PUBLIC};
    }
    for (size_t i = 0; i < napi; i++) all_routes[n++] = api[i].route;
    all_n = n;
}

const jy_http_route *jy_http_app_routes(size_t *n)
{
    pthread_once(&all_once, all_build);
    *n = all_n;
    return all_routes;
}
