/* api_reports.c — the reports under /api/v1 (issue 11), as JSON, CSV (UTF-8 with BOM, or
 * ?encoding=gb18030), XLSX or an A4 PDF to print (?format=pdf, issue 13):
 *
 *   GET /api/v1/reports/targets      targets against achieved per programme and year  ?year ?program
 *   GET /api/v1/reports/budget       budget, committed, paid per programme × source   ?year ?program
 *   GET /api/v1/reports/roster       a roster (花名册) in the seed's forms             ?program ?form ?year ?state ?case
 *                                    (?case= names the case of a one-case form: P22's 5-22-1, 5-22-2)
 *   GET /api/v1/reports/publicity    the publicity list (公示名单), names and IDs masked ?program ?state
 *   GET /api/v1/reports/forms        the roster forms known
 *
 * The county is the user's (the first six digits of the area); a city or region user names one
 * with ?county= inside the area. Rosters are masked unless ?unmask=1&reason=… (access log); the
 * publicity list is always masked as published lists are. The same builders as `jiuye report`. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http/api.h"
#include "service/privacy.h"
#include "service/report.h"
#include "service/report_pdf.h"
#include "service/report_township.h"

/* The county the report is about, or a reply queued and NULL. */
static const char *county_or_reply(jy_http_req *req, char out[7])
{
    const jy_principal *who = jy_api_who(req);
    const char *q = jy_http_req_query(req, "county");
    if (strlen(who->area) >= 6) {
        memcpy(out, who->area, 6);
        out[6] = '\0';
        if (q && strcmp(q, out) != 0) {
            jy_http_reply_error2(req, 404, "not_found", NULL, "api.county_outside_short", "county %.8s is outside your area", "县 %.8s 不在您的辖区内", q);
            return NULL;
        }
        return out;
    }
    if (!q || strlen(q) != 6 || strspn(q, "0123456789") != 6) {
        jy_http_reply_error2(req, 400, "bad_query", "county", "api.county_code", "?county=: the 6-digit county code, e.g. 640522", "?county=：应为6位县级行政区划代码，如 640522");
        return NULL;
    }
    if (strncmp(q, who->area, strlen(who->area)) != 0) {
        jy_http_reply_error2(req, 404, "not_found", NULL, "api.county_outside_area", "county %s is outside your area", "县 %s 不在您的辖区内", q);
        return NULL;
    }
    memcpy(out, q, 7);
    return out;
}

static int program_or_reply(jy_http_req *req, int required, const char **out)
{
    const char *p = jy_http_req_query(req, "program");
    *out = p;
    if (!p) {
        if (!required) return 0;
        jy_http_reply_error2(req, 400, "bad_query", "program", "api.program_query", "?program=: P1 … P26", "?program=：应为 P1 … P26");
        return -1;
    }
    int n = p[0] == 'P' ? atoi(p + 1) : 0;
    char canon[8];
    snprintf(canon, sizeof canon, "P%d", n);
    if (n < 1 || n > 26 || strcmp(canon, p) != 0) {
        jy_http_reply_error2(req, 400, "bad_query", "program", "api.program_query_bad", "?program=%.8s: P1 … P26", "?program=%.8s：应为 P1 … P26", p);
        return -1;
    }
    return 0;
}

/* Answers r in ?format= (json, csv, xlsx, pdf); frees r. */
static void emit(jy_http_req *req, jy_report *r)
{
    const char *format = jy_http_req_query(req, "format");
    const char *enc = jy_http_req_query(req, "encoding");
    jy_sb out = JY_SB_INIT;
    jy_err err = {0};
    char disp[160];
    if (!format || strcmp(format, "json") == 0) {
        jy_report_json(r, &out);
        jy_report_free(r);
        jy_http_reply_json(req, 200, &out);
        return;
    }
    if (strcmp(format, "csv") == 0) {
        int gb = enc && (strcmp(enc, "gb18030") == 0 || strcmp(enc, "GB18030") == 0);
        if (enc && !gb && strcmp(enc, "utf-8") != 0) {
            jy_report_free(r);
            jy_http_reply_error2(req, 400, "bad_query", "encoding", "api.encoding", "?encoding=: utf-8 or gb18030", "?encoding=：应为 utf-8 或 gb18030");
            return;
        }
        int rc = jy_report_csv(r, gb, &out, &err);
        snprintf(disp, sizeof disp, "attachment; filename=\"%s.csv\"", r->name);
        jy_report_free(r);
        if (rc) {
            jy_sb_free(&out);
            jy_api_fail(req, &err, NULL);
            return;
        }
        jy_http_req_set_header(req, "Content-Disposition", disp);
        jy_http_reply(req, 200, gb ? "text/csv; charset=gb18030" : "text/csv; charset=utf-8", &out);
        return;
    }
    if (strcmp(format, "xlsx") == 0) {
        /* the writer needs a file: a private temporary one, read back and removed */
        char path[] = "/tmp/jiuye-report-XXXXXX";
        int fd = mkstemp(path);
        if (fd < 0) {
            jy_report_free(r);
            jy_http_reply_error2(req, 500, "internal", NULL, "api.tmpfile", "cannot create a temporary file", "无法创建临时文件");
            return;
        }
        close(fd);
        int rc = jy_report_xlsx(r, path, &err);
        snprintf(disp, sizeof disp, "attachment; filename=\"%s.xlsx\"", r->name);
        jy_report_free(r);
        FILE *f = rc == 0 ? fopen(path, "rb") : NULL;
        if (f) {
            char buf[65536];
            size_t n;
            while ((n = fread(buf, 1, sizeof buf, f)) > 0) jy_sb_appendn(&out, buf, n);
            fclose(f);
        }
        unlink(path);
        if (rc || !f) {
            jy_sb_free(&out);
            if (rc) jy_api_fail(req, &err, NULL);
            else jy_http_reply_error2(req, 500, "internal", NULL, "api.workbook_read", "cannot read the workbook back", "无法读回工作簿");
            return;
        }
        jy_http_req_set_header(req, "Content-Disposition", disp);
        jy_http_reply(req, 200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", &out);
        return;
    }
    if (strcmp(format, "pdf") == 0) {
        int rc = jy_report_pdf(r, &out, &err);
        snprintf(disp, sizeof disp, "attachment; filename=\"%s.pdf\"", r->name);
        jy_report_free(r);
        if (rc) {
            jy_sb_free(&out);
            jy_api_fail(req, &err, NULL);
            return;
        }
        jy_http_req_set_header(req, "Content-Disposition", disp);
        jy_http_reply(req, 200, "application/pdf", &out);
        return;
    }
    jy_report_free(r);
    jy_http_reply_error2(req, 400, "bad_query", "format", "api.format", "?format=: json, csv, xlsx or pdf", "?format=：应为 json、csv、xlsx 或 pdf");
}

static int year_or_reply(jy_http_req *req, int *year)
{
    int64_t y = 0;
    if (jy_api_query_int_or_reply(req, "year", 2000, 2100, &y) < 0) return -1;
    *year = (int)y;
    return 0;
}

static void h_targets_or_budget(jy_http_req *req, int budget)
{
    char county[7];
    const char *program;
    int year;
    if (!county_or_reply(req, county) || program_or_reply(req, 0, &program) || year_or_reply(req, &year)) return;
    jy_cases *cs = jy_api_cases_or_reply(req);
    if (!cs) return;
    jy_report *r = NULL;
    jy_err err = {0};
    int rc = budget ? jy_report_budget(cs->st, cs->pol, county, year, program, &r, &err)
                    : jy_report_targets(cs->st, cs->pol, county, year, program, &r, &err);
    if (rc) {
        jy_api_fail(req, &err, NULL);
        return;
    }
    emit(req, r);
}

/* ?by=township: the dashboard's township breakdown (report_township.h); a township user gets its
 * own township's row. Without ?by= the county report as before. */
static void h_targets_by_township(jy_http_req *req)
{
    char county[7];
    const char *program;
    int year;
    if (!county_or_reply(req, county) || program_or_reply(req, 0, &program) || year_or_reply(req, &year)) return;
    jy_cases *cs = jy_api_cases_or_reply(req);
    if (!cs) return;
    const jy_http_app *app = jy_http_req_app(req);
    jy_report *r = NULL;
    jy_err err = {0};
    if (jy_report_targets_by_township(cs->st, app ? app->divs : NULL, county, jy_api_who(req)->area, year, program, &r,
                                      &err)) {
        jy_api_fail(req, &err, NULL);
        return;
    }
    emit(req, r);
}

static void h_targets(jy_http_req *req)
{
    const char *by = jy_http_req_query(req, "by");
    if (!by || !*by) {
        h_targets_or_budget(req, 0);
        return;
    }
    if (strcmp(by, "township") != 0) {
        jy_http_reply_error2(req, 400, "bad_query", "by", "web.report_by", "?by=: township (the figures per township)",
                             "?by=：应为 township（分乡镇统计）");
        return;
    }
    h_targets_by_township(req);
}
static void h_budget(jy_http_req *req) { h_targets_or_budget(req, 1); }

static void h_roster(jy_http_req *req)
{
    char county[7];
    jy_roster_query q = {0};
    if (!county_or_reply(req, county) || program_or_reply(req, 1, &q.program) || year_or_reply(req, &q.year)) return;
    q.county = county;
    q.form = jy_http_req_query(req, "form");
    /* ?case=: the children of a case, or for a one-case form (5-22-1, 5-22-2) the case itself */
    if (jy_api_query_int_or_reply(req, "case", 1, INT64_MAX, &q.parent_id) < 0) return;
    q.state = jy_http_req_query(req, "state");
    const jy_principal *who = jy_api_who(req);
    if (((1u << who->role) & JY_ROLES_OWNER_BOUND) && who->org_id) q.org_id = who->org_id; /* its own classes */
    else if ((1u << who->role) & JY_ROLES_OWNER_BOUND) {
        jy_http_reply_error2(req, 403, "forbidden", NULL, "api.no_org", "your account speaks for no organisation", "您的账户不代表任何单位");
        return;
    }
    jy_cases *cs = jy_api_cases_or_reply(req);
    if (!cs) return;
    char target[96];
    snprintf(target, sizeof target, "roster %s form=%.12s year=%d case=%lld", q.program, q.form ? q.form : "", q.year,
             (long long)q.parent_id);
    int unmasked = jy_api_unmask_or_reply(req, JY_PRIV_UNMASK, "report", county, target);
    if (unmasked < 0) return;
    jy_report *r = NULL;
    jy_err err = {0};
    if (jy_report_roster(cs->st, cs->pol, &q, &r, &err)) {
        jy_api_fail(req, &err, NULL);
        return;
    }
    if (!unmasked) jy_privacy_mask_report(r);
    emit(req, r);
}

static void h_publicity(jy_http_req *req)
{
    char county[7];
    const char *program;
    if (!county_or_reply(req, county) || program_or_reply(req, 0, &program)) return;
    jy_cases *cs = jy_api_cases_or_reply(req);
    if (!cs) return;
    jy_report *r = NULL;
    jy_err err = {0};
    if (jy_report_publicity(cs->st, cs->pol, county, NULL, 0, program, jy_http_req_query(req, "state"), &r, &err)) {
        jy_api_fail(req, &err, NULL);
        return;
    }
    jy_privacy_mask_report(r);
    emit(req, r);
}

static void h_forms(jy_http_req *req)
{
    jy_sb sb = JY_SB_INIT;
    jy_sb_append(&sb, "{\"forms\":");
    jy_report_forms_json(&sb);
    jy_sb_appendc(&sb, '}');
    jy_http_reply_json(req, 200, &sb);
}

#define REPORT_SCHEMA                                                                                             \
    "{\"type\":\"object\",\"required\":[\"report\",\"title\",\"columns\",\"rows\"],\"properties\":{\"report\":"    \
    "{\"type\":\"string\"},\"title\":{\"type\":\"string\"},\"columns\":{\"type\":\"array\"},\"rows\":{\"type\":"  \
    "\"array\"}}}"

const jy_api_route jy_api_routes_reports[] = {
    {{.method = "GET", .path = "/api/v1/reports/targets", .fn = h_targets, .permission = JY_PERM_REPORT_READ},
     {.tag = "reports", .summary = "Targets against achieved (目标任务完成情况) per programme and year; ?by=township: filed, achieved and paid per township (分乡镇)",
      .query = "county,year,program,by,format,encoding", .response = REPORT_SCHEMA, .statuses = "200,400,401,403,404"}},
    {{.method = "GET", .path = "/api/v1/reports/budget", .fn = h_budget, .permission = JY_PERM_REPORT_READ},
     {.tag = "reports", .summary = "Budget, committed and paid per programme and funding source (资金使用情况)",
      .query = "county,year,program,format,encoding", .response = REPORT_SCHEMA, .statuses = "200,400,401,403,404"}},
    {{.method = "GET", .path = "/api/v1/reports/roster", .fn = h_roster, .permission = JY_PERM_REPORT_READ},
     {.tag = "reports", .summary = "A roster (花名册) in the seed's forms; masked unless unmasked with a reason",
      .query = "county,program,form,year,state,case,format,encoding,unmask,reason", .response = REPORT_SCHEMA,
      .statuses = "200,400,401,403,404"}},
    {{.method = "GET", .path = "/api/v1/reports/publicity", .fn = h_publicity, .permission = JY_PERM_REPORT_READ},
     {.tag = "reports", .summary = "The publicity list (公示名单), masked as published lists are",
      .query = "county,program,state,format,encoding", .response = REPORT_SCHEMA, .statuses = "200,400,401,403,404"}},
    {{.method = "GET", .path = "/api/v1/reports/forms", .fn = h_forms, .permission = JY_PERM_REPORT_READ},
     {.tag = "reports", .summary = "The roster forms known (附件 5-19-2 …)",
      .response = "{\"type\":\"object\",\"required\":[\"forms\"],\"properties\":{\"forms\":{\"type\":\"array\"}}}",
      .statuses = "200,401,403"}},
};
const size_t jy_api_routes_reports_n = sizeof jy_api_routes_reports / sizeof jy_api_routes_reports[0];
