/* api_import.c — roster imports under /api/v1 (issue 11): an upload becomes an import job.
 *
 *   POST /api/v1/imports/persons              a persons roster (花名册), CSV or XLSX
 *   POST /api/v1/imports/orgs                 an organisations roster
 *   POST /api/v1/imports/attendance           a month's attendance sheet (考勤, CSV): ?program=P13&month=2024-03
 *   GET  /api/v1/imports                      the jobs of the user's area, newest last (a page)
 *   GET  /api/v1/imports/{id}                 one job: state and counts (rows read, written, rejected)
 *   GET  /api/v1/imports/{id}/errors          its error report as JSON: [{row, field, value, reason}] (a page)
 *   GET  /api/v1/imports/{id}/errors.csv      the same as a CSV file to download (UTF-8 with BOM, for Excel)
 *
 * The body is the file itself (Content-Type text/csv, the XLSX type or application/octet-stream;
 * the file's name in ?file_name=), a multipart/form-data form with the file in the part named
 * "file" (and optional text parts sheet, encoding, program, month), or a JSON object
 * {"file_name","content_base64", "sheet", "encoding", "program", "month"} (for clients that can
 * only send JSON). Uploads are bounded by the route's body limit (413 before the body is read).
 *
 * The job runs synchronously inside the request (the same importer as `jiuye person import` /
 * `org import`, service/import.h, and `jiuye attendance import`, service/placement.h), reading the
 * upload from memory: nothing is written to disk beside it, and the error report is kept in the
 * job's row (store migration 10), not in a file. The answer is the finished job. While it runs,
 * GET /api/v1/imports/{id} on the same server shows the live counts from the importer's progress
 * callback (every 1,000 rows); other servers see state "running" with the counts of the row.
 * A bad row never drops good ones: it goes to the report with its row, field and reason. A file
 * that cannot be read at all (no header row, not a workbook) fails the job and writes nothing.
 * A township user's upload stores only the rows of their township (the others are rejected with
 * the reason); jobs are seen by users whose area holds the uploader's area. */
#include <inttypes.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base/csv.h"
#include "base/text.h"
#include "domain/division.h"
#include "http/api.h"
#include "http/multipart.h"
#include "service/import.h"
#include "service/placement.h"
#include "service/privacy.h"
#include "store/import_store.h"

#define IMPORT_MAX_BODY (8u << 20) /* 8 MiB: a county's roster of ~50,000 rows as CSV */

/* ---- the division table, loaded once per process ---- */

static pthread_mutex_t divs_mu = PTHREAD_MUTEX_INITIALIZER;
static jy_divisions *divs_loaded;

static void divs_free(void)
{
    jy_divisions_free(divs_loaded);
    divs_loaded = NULL;
}

static const jy_divisions *divs_or_reply(jy_http_req *req)
{
    pthread_mutex_lock(&divs_mu);
    if (!divs_loaded) {
        jy_err err = {0};
        jy_api *api = jy_api_of(req);
        if (jy_divisions_load(api ? api->policy_dir : NULL, &divs_loaded, &err)) {
            pthread_mutex_unlock(&divs_mu);
            jy_api_fail(req, &err, NULL);
            return NULL;
        }
        atexit(divs_free);
    }
    const jy_divisions *d = divs_loaded;
    pthread_mutex_unlock(&divs_mu);
    return d;
}

/* ---- live progress of the jobs running in this process ---- */

#define LIVE_MAX 64
static pthread_mutex_t live_mu = PTHREAD_MUTEX_INITIALIZER;
static struct live {
    int64_t id;
    jy_import_stats s;
} live[LIVE_MAX];

static void live_set(int64_t id, const jy_import_stats *s)
{
    pthread_mutex_lock(&live_mu);
    int free_slot = -1;
    for (int i = 0; i < LIVE_MAX; i++) {
        if (live[i].id == id) {
            if (s) live[i].s = *s;
            else live[i].id = 0;
            pthread_mutex_unlock(&live_mu);
            return;
        }
        if (!live[i].id && free_slot < 0) free_slot = i;
    }
    if (s && free_slot >= 0) {
        live[free_slot].id = id;
        live[free_slot].s = *s;
    }
    pthread_mutex_unlock(&live_mu);
}

static int live_get(int64_t id, jy_import_stats *out)
{
    int found = 0;
    pthread_mutex_lock(&live_mu);
    for (int i = 0; i < LIVE_MAX; i++)
        if (live[i].id == id) {
            *out = live[i].s;
            found = 1;
        }
    pthread_mutex_unlock(&live_mu);
    return found;
}

static void on_progress(void *ctx, const jy_import_stats *s, int done)
{
    (void)done;
    live_set(*(int64_t *)ctx, s);
}

/* ---- the job as JSON ---- */

static void iso_time(int64_t t, char out[24])
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, 24, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void job_json(jy_sb *sb, const jy_import_job *j, const char *summary)
{
    jy_import_stats s = {0};
    int64_t rows = j->rows, created = j->created, updated = j->updated, unchanged = j->unchanged,
            rejected = j->rejected;
    if (strcmp(j->state, "running") == 0 && live_get(j->id, &s)) {
        rows = s.rows, created = s.created, updated = s.updated, unchanged = s.unchanged, rejected = s.rejected;
    }
    char t[24];
    jy_sb_appendc(sb, '{');
    jy_sb_json_kv_i64(sb, "id", j->id);
    jy_sb_json_kv_str(sb, "kind", j->kind);
    jy_sb_json_kv_str(sb, "state", j->state);
    jy_sb_json_kv_str(sb, "file_name", j->file_name);
    jy_sb_json_kv_str(sb, "format", j->format[0] ? j->format : NULL);
    jy_sb_json_kv_i64(sb, "bytes", j->bytes);
    if (j->program[0]) jy_sb_json_kv_str(sb, "program", j->program);
    if (j->month[0]) jy_sb_json_kv_str(sb, "month", j->month);
    jy_sb_json_kv_str(sb, "uploaded_by", j->actor);
    jy_sb_json_kv_str(sb, "area", j->area);
    jy_sb_json_kv_i64(sb, "rows_read", rows);
    jy_sb_json_kv_i64(sb, "written", created + updated + unchanged);
    jy_sb_json_kv_i64(sb, "rejected", rejected);
    jy_sb_json_kv_i64(sb, "created", created);
    jy_sb_json_kv_i64(sb, "updated", updated);
    jy_sb_json_kv_i64(sb, "unchanged", unchanged);
    jy_sb_json_kv_str(sb, "message", j->message[0] ? j->message : NULL);
    iso_time(j->started_at, t);
    jy_sb_json_kv_str(sb, "started_at", t);
    if (j->finished_at) iso_time(j->finished_at, t);
    jy_sb_json_kv_str(sb, "finished_at", j->finished_at ? t : NULL);
    char url[96];
    snprintf(url, sizeof url, "/api/v1/imports/%" PRId64 "/errors", j->id);
    jy_sb_json_kv_str(sb, "errors_url", url);
    snprintf(url, sizeof url, "/api/v1/imports/%" PRId64 "/errors.csv", j->id);
    jy_sb_json_kv_str(sb, "errors_csv_url", url);
    if (summary) {
        jy_sb_json_key(sb, "summary");
        jy_sb_append(sb, *summary ? summary : "{}");
    }
    jy_sb_appendc(sb, '}');
}

/* ---- reading the upload ---- */

typedef struct upload {
    const char *data;
    size_t len;
    char file_name[256];
    const char *sheet, *encoding, *program, *month; /* options (request memory) */
} upload;

static const char *arena_strn(jy_http_req *req, const char *p, size_t n)
{
    char *s = jy_arena_zalloc(jy_http_req_arena(req), n + 1);
    memcpy(s, p, n);
    s[n] = '\0';
    return s;
}

typedef struct form {
    jy_http_req *req;
    upload *u;
    int have_file;
} form;

static int form_part(void *ctx, const char *name, const char *fname, const char *data, size_t n)
{
    form *f = ctx;
    upload *u = f->u;
    if (strcmp(name, "file") == 0) {
        u->data = data;
        u->len = n;
        if (fname[0]) snprintf(u->file_name, sizeof u->file_name, "%s", fname);
        f->have_file = 1;
    } else if (n < 256) {
        if (strcmp(name, "sheet") == 0) u->sheet = arena_strn(f->req, data, n);
        else if (strcmp(name, "encoding") == 0) u->encoding = arena_strn(f->req, data, n);
        else if (strcmp(name, "program") == 0) u->program = arena_strn(f->req, data, n);
        else if (strcmp(name, "month") == 0) u->month = arena_strn(f->req, data, n);
        else if (strcmp(name, "file_name") == 0 && n) snprintf(u->file_name, sizeof u->file_name, "%.*s", (int)n, data);
    }
    return 0;
}

/* multipart/form-data (RFC 7578, http/multipart.h): the part named "file" is the upload, the
 * parts sheet, encoding, program and month are options. 0, or negative after a 400/422. */
static int read_multipart(jy_http_req *req, const char *ctype, const char *body, size_t len, upload *u)
{
    form f = {req, u, 0};
    if (jy_http_multipart_each(ctype, body, len, form_part, &f) < 0) {
        jy_http_reply_error2(req, 400, "bad_multipart", "Content-Type", "api.multipart_boundary",
                                  "multipart/form-data needs a boundary of 1 to 70 characters", "multipart/form-data 需要1至70个字符的 boundary");
        return JY_EINVAL;
    }
    if (!f.have_file) {
        jy_http_reply_error2(req, 422, "missing_field", "file", "api.file_required",
                                  "file is required: the multipart form needs a part named \"file\" holding the roster", "须上传文件：multipart 表单需要一个名为“file”的部分，内容为花名册");
        return JY_EINVAL;
    }
    return 0;
}

static void free_cb(void *p) { free(p); }

/* The JSON form: {"file_name","content_base64","sheet","encoding","program","month"}. */
static int read_json_upload(jy_http_req *req, upload *u)
{
    json_t *b = jy_api_body_or_reply(req);
    if (!b || jy_api_only_keys_or_reply(req, b, "file_name,content_base64,sheet,encoding,program,month")) return -1;
    const char *name = NULL, *b64;
    if (jy_api_str_or_reply(req, b, "content_base64", 1, &b64) || jy_api_str_or_reply(req, b, "file_name", 0, &name) < 0 ||
        jy_api_str_or_reply(req, b, "sheet", 0, &u->sheet) < 0 ||
        jy_api_str_or_reply(req, b, "encoding", 0, &u->encoding) < 0 ||
        jy_api_str_or_reply(req, b, "program", 0, &u->program) < 0 || jy_api_str_or_reply(req, b, "month", 0, &u->month) < 0)
        return -1;
    size_t n = strlen(b64), got = 0;
    unsigned char *buf = malloc(n / 4 * 3 + 4);
    if (!buf) {
        jy_http_reply_error2(req, 500, "internal", NULL, "sys.out_of_memory", "out of memory", "内存不足");
        return -1;
    }
    jy_http_req_on_end(req, free_cb, buf);
    if (sodium_base642bin(buf, n / 4 * 3 + 4, b64, n, "\r\n ", &got, NULL, sodium_base64_VARIANT_ORIGINAL) != 0) {
        jy_http_reply_error2(req, 422, "invalid_field", "content_base64", "api.base64",
                                  "content_base64: not standard base64 (RFC 4648, with padding)", "content_base64：不是标准的 base64（RFC 4648，带填充）");
        return -1;
    }
    u->data = (const char *)buf;
    u->len = got;
    if (name) snprintf(u->file_name, sizeof u->file_name, "%s", name);
    return 0;
}

/* Reads the upload in whichever form it came; 0 or negative after the reply. */
static int read_upload(jy_http_req *req, upload *u)
{
    memset(u, 0, sizeof *u);
    const char *ctype = jy_http_req_header(req, "content-type");
    size_t len = 0;
    const char *body = jy_http_req_body(req, &len);
    size_t tn = 0;
    while (ctype && ctype[tn] && ctype[tn] != ';' && ctype[tn] != ' ') tn++;
    const char *q = jy_http_req_query(req, "file_name");
    if (q) snprintf(u->file_name, sizeof u->file_name, "%s", q);
    u->sheet = jy_http_req_query(req, "sheet");
    u->encoding = jy_http_req_query(req, "encoding");
    u->program = jy_http_req_query(req, "program");
    u->month = jy_http_req_query(req, "month");
    if (ctype && tn == 16 && strncasecmp(ctype, "application/json", tn) == 0) {
        if (read_json_upload(req, u)) return -1;
    } else if (ctype && tn == 19 && strncasecmp(ctype, "multipart/form-data", tn) == 0) {
        if (read_multipart(req, ctype, body ? body : "", len, u)) return -1;
    } else {
        u->data = body ? body : "";
        u->len = len;
    }
    if (u->len == 0) {
        jy_http_reply_error2(req, 422, "missing_field", "file", "api.file_empty", "file: the upload is empty", "file：上传的文件为空");
        return -1;
    }
    if (!u->file_name[0]) snprintf(u->file_name, sizeof u->file_name, "upload");
    /* a name, never a path; text the database takes (a name cut at 255 bytes, or a multipart
     * file name in another encoding, loses its non-ASCII characters rather than the upload) */
    int utf8 = jy_utf8_check(u->file_name, strlen(u->file_name));
    for (char *p = u->file_name; *p; p++)
        if (*p == '/' || *p == '\\' || (unsigned char)*p < 0x20 || (!utf8 && (unsigned char)*p >= 0x80)) *p = '_';
    return 0;
}

/* ---- running a job ---- */

/* The job's county and area: the uploader's area (its first six digits), else the server's. */
static void job_owner(jy_http_req *req, jy_import_job *j)
{
    const jy_principal *who = jy_api_who(req);
    const char *scope = jy_http_req_config(req)->scope;
    snprintf(j->area, sizeof j->area, "%s", who->area[0] ? who->area : scope ? scope : "");
    snprintf(j->county, sizeof j->county, "%.6s", j->area);
    j->user_id = who->user_id;
    snprintf(j->actor, sizeof j->actor, "%s", who->name);
}

/* The finished (or failed) job as the answer: 201. */
static void reply_job(jy_http_req *req, jy_store *st, int64_t id, unsigned status)
{
    jy_import_job j;
    jy_sb summary = JY_SB_INIT, out = JY_SB_INIT;
    jy_err err = {0};
    if (jy_store_import_job_get(st, id, &j, &summary, NULL, &err)) {
        jy_sb_free(&summary);
        jy_api_fail(req, &err, NULL);
        return;
    }
    job_json(&out, &j, jy_sb_cstr(&summary));
    jy_sb_free(&summary);
    jy_privacy_mask_json(&out);
    jy_api_reply_json(req, status, &out);
}

/* Converts the attendance import's "errors" array into the report CSV (row,column,value,reason). */
static void attendance_report_csv(const char *report_json, jy_sb *csv)
{
    jy_sb_append(csv, "\xEF\xBB\xBFrow,column,value,reason\r\n");
    json_t *r = json_loads(report_json, 0, NULL);
    json_t *errs = r ? json_object_get(r, "errors") : NULL;
    size_t i;
    json_t *e;
    json_array_foreach(errs, i, e)
    {
        const char *col = json_string_value(json_object_get(e, "column"));
        const char *val = json_string_value(json_object_get(e, "idcard"));
        const char *why = json_string_value(json_object_get(e, "reason"));
        jy_sb_append_i64(csv, json_integer_value(json_object_get(e, "line")));
        jy_sb_appendc(csv, ',');
        jy_csv_append_field(csv, col ? col : "", col ? strlen(col) : 0, ',');
        jy_sb_appendc(csv, ',');
        jy_csv_append_field(csv, val ? val : "", val ? strlen(val) : 0, ',');
        jy_sb_appendc(csv, ',');
        jy_csv_append_field(csv, why ? why : "", why ? strlen(why) : 0, ',');
        jy_sb_append(csv, "\r\n");
    }
    json_decref(r);
}

static void run_upload(jy_http_req *req, const char *kind)
{
    int attendance = strcmp(kind, "attendance") == 0;
    upload u;
    if (read_upload(req, &u)) return;
    jy_encoding enc = JY_ENC_AUTO;
    if (u.encoding && *u.encoding) {
        jy_err e = {0};
        if (jy_encoding_parse(u.encoding, &enc, &e)) {
            jy_err_prefix2(&e, "encoding: ", "encoding：");
            jy_http_reply_error_e(req, 422, "invalid_field", "encoding", &e);
            return;
        }
    }
    if (attendance) {
        jy_month m;
        jy_err e = {0};
        size_t pn = u.program ? strlen(u.program) : 0;
        if (pn < 2 || pn > 3 || u.program[0] != 'P' || strspn(u.program + 1, "0123456789") != pn - 1) {
            jy_http_reply_error2(req, 422, pn ? "invalid_field" : "missing_field", "program", "api.attendance_program",
                                      "program: the placement programme of the sheet (P10, P12, P13, P14 or P24)", "program：该考勤表所属的岗位安置项目（P10、P12、P13、P14 或 P24）");
            return;
        }
        if (!u.month || jy_month_parse(u.month, &m, &e)) {
            jy_http_reply_error2(req, 422, u.month ? "invalid_field" : "missing_field", "month", "api.attendance_month",
                                      "month: the sheet's month as YYYY-MM", "month：该考勤表的月份，格式 YYYY-MM");
            return;
        }
        /* the month's sheet covers the county's placements: a county officer's upload */
        const jy_principal *who = jy_api_who(req);
        if (strlen(who->area) > 6) {
            jy_http_reply_error2(req, 403, "forbidden", NULL, "http.attendance_county",
                                 "用户 %s 的辖区为乡镇 %s: a month's attendance sheet covers the county's placements and is "
                                 "imported by a county officer",
                                 "用户 %s 的辖区为乡镇 %s：月度考勤表覆盖全县的岗位，由县级工作人员导入", who->name, who->area);
            return;
        }
        if (jy_api_permit_or_reply(req, JY_PERM_ATTENDANCE_WRITE, NULL)) return;
    } else if (jy_api_permit_or_reply(req, strcmp(kind, "persons") == 0 ? JY_PERM_PERSON_WRITE : JY_PERM_ORG_WRITE,
                                      NULL)) {
        return;
    }
    if (jy_api_idem_begin(req)) return;
    const jy_divisions *divs = attendance ? NULL : divs_or_reply(req);
    if (!attendance && !divs) return;
    jy_store *st = jy_api_store_or_reply(req);
    if (!st) return;
    jy_cases *cs = NULL;
    if (attendance && !(cs = jy_api_cases_or_reply(req))) return;

    jy_import_job j;
    memset(&j, 0, sizeof j);
    job_owner(req, &j);
    snprintf(j.kind, sizeof j.kind, "%s", kind);
    snprintf(j.file_name, sizeof j.file_name, "%s", u.file_name);
    j.bytes = (int64_t)u.len;
    if (attendance) {
        snprintf(j.program, sizeof j.program, "%.3s", u.program);
        snprintf(j.month, sizeof j.month, "%.7s", u.month);
    }
    j.started_at = jy_api_now(req);
    jy_err err = {0};
    if (jy_store_import_job_start(st, &j, &err)) {
        jy_api_fail(req, &err, NULL);
        return;
    }
    live_set(j.id, &(jy_import_stats){0});

    jy_sb summary = JY_SB_INIT, report = JY_SB_INIT;
    int rc;
    if (attendance) {
        int rejected = 0;
        snprintf(j.format, sizeof j.format, "csv");
        rc = jy_attendance_import_mem(cs, u.program, u.month, u.file_name, u.data, u.len, jy_api_actor(req), &summary,
                                      &rejected, &err);
        if (rc == 0) {
            json_t *r = json_loads(jy_sb_cstr(&summary), 0, NULL);
            j.rows = json_integer_value(json_object_get(r, "rows"));
            j.created = json_integer_value(json_object_get(r, "created"));
            j.updated = json_integer_value(json_object_get(r, "updated"));
            j.unchanged = json_integer_value(json_object_get(r, "unchanged"));
            j.rejected = rejected;
            json_decref(r);
            attendance_report_csv(jy_sb_cstr(&summary), &report);
            /* the summary keeps the counts; the errors live in the report */
            json_t *s = json_loads(jy_sb_cstr(&summary), 0, NULL);
            if (s) {
                json_object_del(s, "errors");
                char *txt = json_dumps(s, JSON_COMPACT);
                jy_sb_reset(&summary);
                if (txt) jy_sb_append(&summary, txt);
                free(txt);
                json_decref(s);
            }
        }
    } else {
        jy_import_opts o;
        memset(&o, 0, sizeof o);
        o.kind = strcmp(kind, "persons") == 0 ? JY_IMPORT_PERSONS : JY_IMPORT_ORGS;
        o.path = u.file_name;
        o.data = u.data;
        o.data_len = u.len;
        o.encoding = enc;
        o.sheet = u.sheet && *u.sheet ? u.sheet : NULL;
        o.report_out = &report;
        o.actor = jy_api_actor(req);
        o.divs = divs;
        o.today = (jy_date)(jy_api_now(req) / 86400);
        o.progress = on_progress;
        o.progress_ctx = &j.id;
        const jy_principal *who = jy_api_who(req);
        o.area = strlen(who->area) > 6 ? who->area : NULL;
        jy_import_result res;
        jy_import_result_init(&res);
        rc = jy_import_run(st, &o, &res, &err);
        snprintf(j.format, sizeof j.format, "%s", res.format);
        j.rows = res.stats.rows;
        j.created = res.stats.created;
        j.updated = res.stats.updated;
        j.unchanged = res.stats.unchanged;
        j.rejected = res.stats.rejected;
        if (rc == 0) jy_import_result_json(&summary, u.file_name, &res);
        jy_import_result_free(&res);
    }
    live_set(j.id, NULL);
    snprintf(j.state, sizeof j.state, "%s", rc == 0 ? "done" : "failed");
    if (rc) {
        snprintf(j.message, sizeof j.message, "%s", err.msg);
        if (rc == JY_EINVAL && !j.rows) j.created = j.updated = j.unchanged = 0;
        jy_sb_reset(&summary);
    }
    j.finished_at = jy_api_now(req);
    jy_err ferr = {0};
    int frc = jy_store_import_job_finish(st, &j, summary.len ? jy_sb_cstr(&summary) : "{}", jy_sb_cstr(&report), &ferr);
    jy_sb_free(&summary);
    jy_sb_free(&report);
    if (frc) {
        jy_api_fail(req, &ferr, NULL);
        return;
    }
    if (rc && rc != JY_EINVAL && rc != JY_EIO && rc != JY_ENODATA) { /* the database failed: 5xx */
        jy_api_fail(req, &err, NULL);
        return;
    }
    /* a file that could not be read is a finished job too (state failed, the reason in message) */
    reply_job(req, st, j.id, 201);
}

static void h_persons(jy_http_req *req) { run_upload(req, "persons"); }
static void h_orgs(jy_http_req *req) { run_upload(req, "orgs"); }
static void h_attendance(jy_http_req *req) { run_upload(req, "attendance"); }

/* ---- reading jobs ---- */

/* The job of {id} the user may see, or a reply queued and -1. */
static int job_or_reply(jy_http_req *req, jy_store *st, jy_import_job *j, jy_sb *summary, jy_sb *errors)
{
    int64_t id;
    if (jy_api_path_id_or_reply(req, "id", &id)) return -1;
    jy_err err = {0};
    if (jy_store_import_job_get(st, id, j, summary, errors, &err)) {
        jy_api_fail(req, &err, NULL);
        return -1;
    }
    jy_perm_target t = {.area = j->area};
    return jy_api_permit_or_reply(req, JY_PERM_IMPORT_RUN, &t) ? -1 : 0;
}

static void h_job(jy_http_req *req)
{
    jy_store *st = jy_api_store_or_reply(req);
    jy_import_job j;
    jy_sb summary = JY_SB_INIT;
    if (!st || job_or_reply(req, st, &j, &summary, NULL)) {
        jy_sb_free(&summary);
        return;
    }
    jy_sb out = JY_SB_INIT;
    job_json(&out, &j, jy_sb_cstr(&summary));
    jy_sb_free(&summary);
    jy_privacy_mask_json(&out);
    jy_http_reply_json(req, 200, &out);
}

typedef struct jobs_walk {
    jy_api_page *pg;
    jy_sb one;
} jobs_walk;

static int jobs_item(void *ctx, const jy_import_job *j)
{
    jobs_walk *w = ctx;
    jy_sb_reset(&w->one);
    job_json(&w->one, j, NULL);
    jy_privacy_mask_json(&w->one);
    return jy_api_page_add(w->pg, j->id, jy_sb_cstr(&w->one), w->one.len);
}

static void h_jobs(jy_http_req *req)
{
    jy_api_page pg;
    if (jy_api_page_or_reply(req, &pg)) return;
    jy_store *st = jy_api_store_or_reply(req);
    if (!st) {
        jy_sb_free(&pg.items);
        return;
    }
    const jy_principal *who = jy_api_who(req);
    jobs_walk w = {&pg, JY_SB_INIT};
    jy_err err = {0};
    int rc = jy_store_import_job_list(st, strlen(who->area) > 6 ? who->area : "", pg.after, pg.limit + 1, jobs_item, &w,
                                      &err);
    jy_sb_free(&w.one);
    jy_api_page_end(req, &pg, rc, &err, NULL);
}

/* The error report's lines: fn(row number in the report (1 = first error), row, field, value,
 * reason); fn returning non-zero stops. */
static void report_walk(const jy_sb *csv, int (*fn)(void *ctx, int64_t seq, const char *const *f), void *ctx)
{
    const char *p = jy_sb_cstr(csv);
    size_t n = csv->len;
    if (n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) p += 3, n -= 3;
    jy_csv *c = jy_csv_new_mem(p, n, ',');
    if (!c) return;
    jy_err err = {0};
    int64_t seq = 0;
    int first = 1;
    while (jy_csv_next(c, &err) == 1) {
        if (first) { /* the header */
            first = 0;
            continue;
        }
        if (jy_csv_blank(c)) continue;
        const char *f[4];
        for (size_t i = 0; i < 4; i++) f[i] = i < jy_csv_nfields(c) ? jy_csv_field(c, i, NULL) : "";
        if (fn(ctx, ++seq, f)) break;
    }
    jy_csv_free(c);
}

typedef struct errs_walk {
    jy_api_page *pg;
    jy_sb one;
} errs_walk;

static int errs_item(void *ctx, int64_t seq, const char *const *f)
{
    errs_walk *w = ctx;
    if (seq <= w->pg->after) return 0;
    jy_sb_reset(&w->one);
    jy_sb_appendc(&w->one, '{');
    jy_sb_json_kv_i64(&w->one, "row", strtoll(f[0], NULL, 10));
    jy_sb_json_kv_str(&w->one, "field", f[1][0] ? f[1] : NULL);
    jy_sb_json_kv_str(&w->one, "value", f[2]);
    jy_sb_json_kv_str(&w->one, "reason", f[3]);
    jy_sb_appendc(&w->one, '}');
    return jy_api_page_add(w->pg, seq, jy_sb_cstr(&w->one), w->one.len) || w->pg->more;
}

/* ?unmask=1&reason=…: 1 whole, 0 masked, negative after the reply. */
static int unmask_job(jy_http_req *req, const jy_import_job *j)
{
    char target[48];
    snprintf(target, sizeof target, "import job %" PRId64 " error report", j->id);
    return jy_api_unmask_or_reply(req, JY_PRIV_UNMASK, "import_job", j->county, target);
}

static void h_errors(jy_http_req *req)
{
    jy_api_page pg;
    if (jy_api_page_or_reply(req, &pg)) return;
    jy_store *st = jy_api_store_or_reply(req);
    jy_import_job j;
    jy_sb csv = JY_SB_INIT;
    int whole = -1;
    if (!st || job_or_reply(req, st, &j, NULL, &csv) || (whole = unmask_job(req, &j)) < 0) {
        jy_sb_free(&csv);
        jy_sb_free(&pg.items);
        return;
    }
    errs_walk w = {&pg, JY_SB_INIT};
    report_walk(&csv, errs_item, &w);
    jy_sb_free(&w.one);
    jy_sb_free(&csv);
    if (!whole) jy_privacy_mask_json(&pg.items);
    jy_api_page_reply(req, &pg);
}

static void h_errors_csv(jy_http_req *req)
{
    jy_store *st = jy_api_store_or_reply(req);
    jy_import_job j;
    jy_sb csv = JY_SB_INIT;
    int whole = -1;
    if (!st || job_or_reply(req, st, &j, NULL, &csv) || (whole = unmask_job(req, &j)) < 0) {
        jy_sb_free(&csv);
        return;
    }
    if (csv.len == 0) jy_sb_append(&csv, "\xEF\xBB\xBFrow,column,value,reason\r\n");
    if (!whole) jy_privacy_mask_text(&csv);
    char disp[96];
    snprintf(disp, sizeof disp, "attachment; filename=\"import-%" PRId64 "-errors.csv\"", j.id);
    jy_http_req_set_header(req, "Content-Disposition", disp);
    jy_http_reply(req, 200, "text/csv; charset=utf-8", &csv);
    jy_sb_free(&csv);
}

/* ---- the table ---- */

#define STR "{\"type\":\"string\"}"
#define INT "{\"type\":\"integer\"}"
#define JOB_SCHEMA                                                                                                \
    "{\"type\":\"object\",\"required\":[\"id\",\"kind\",\"state\",\"file_name\",\"bytes\",\"rows_read\","         \
    "\"written\",\"rejected\",\"created\",\"updated\",\"unchanged\",\"message\",\"started_at\",\"finished_at\"," \
    "\"errors_url\",\"errors_csv_url\"],\"properties\":{\"id\":" INT ",\"kind\":{\"enum\":[\"persons\",\"orgs\","    \
    "\"attendance\"]},\"state\":{\"enum\":[\"running\",\"done\",\"failed\"]},\"file_name\":" STR ",\"format\":"    \
    "{\"type\":[\"string\",\"null\"]},\"bytes\":" INT ",\"program\":" STR ",\"month\":" STR ",\"uploaded_by\":"      \
    STR ",\"area\":" STR ",\"rows_read\":" INT ",\"written\":" INT ",\"rejected\":" INT ",\"created\":" INT         \
    ",\"updated\":" INT ",\"unchanged\":" INT ",\"message\":{\"type\":[\"string\",\"null\"]},\"started_at\":" STR   \
    ",\"finished_at\":{\"type\":[\"string\",\"null\"]},\"errors_url\":" STR ",\"errors_csv_url\":" STR            \
    ",\"summary\":{\"type\":\"object\"}}}"
#define PAGE_OF(item)                                                                                             \
    "{\"type\":\"object\",\"required\":[\"items\",\"next_cursor\"],\"properties\":{\"items\":{\"type\":\"array\","  \
    "\"items\":" item "},\"next_cursor\":{\"type\":[\"string\",\"null\"]}}}"
#define ERROR_ROW                                                                                                 \
    "{\"type\":\"object\",\"required\":[\"row\",\"field\",\"value\",\"reason\"],\"additionalProperties\":false,"  \
    "\"properties\":{\"row\":" INT ",\"field\":{\"type\":[\"string\",\"null\"]},\"value\":" STR ",\"reason\":"    \
    STR "}}"
#define UPLOAD_JSON                                                                                               \
    "{\"type\":\"object\",\"required\":[\"content_base64\"],\"additionalProperties\":false,\"properties\":{"      \
    "\"file_name\":" STR ",\"content_base64\":" STR ",\"sheet\":" STR ",\"encoding\":" STR ",\"program\":" STR     \
    ",\"month\":" STR "}}"
#define UPLOAD_FLAGS (JY_HTTP_CSV | JY_HTTP_XLSX | JY_HTTP_MULTIPART)
#define UPLOAD_STATUSES "201,400,401,403,409,413,415,422"

const jy_api_route jy_api_routes_import[] = {
    {{.method = "POST", .path = "/api/v1/imports/persons", .fn = h_persons, .flags = UPLOAD_FLAGS,
      .permission = JY_PERM_IMPORT_RUN, .max_body = IMPORT_MAX_BODY},
     {.tag = "imports",
      .summary = "Import a persons roster (人员花名册导入), CSV or XLSX: the body is the file (text/csv, the XLSX "
                 "type, multipart/form-data part \"file\") or this JSON; runs at once, answers the finished job",
      .query = "file_name,sheet,encoding", .request = UPLOAD_JSON, .response = JOB_SCHEMA,
      .statuses = UPLOAD_STATUSES, .success = 201}},
    {{.method = "POST", .path = "/api/v1/imports/orgs", .fn = h_orgs, .flags = UPLOAD_FLAGS,
      .permission = JY_PERM_IMPORT_RUN, .max_body = IMPORT_MAX_BODY},
     {.tag = "imports", .summary = "Import an organisations roster (单位名册导入), CSV or XLSX, as for persons",
      .query = "file_name,sheet,encoding", .request = UPLOAD_JSON, .response = JOB_SCHEMA,
      .statuses = UPLOAD_STATUSES, .success = 201}},
    {{.method = "POST", .path = "/api/v1/imports/attendance", .fn = h_attendance, .flags = UPLOAD_FLAGS,
      .permission = JY_PERM_IMPORT_RUN, .max_body = IMPORT_MAX_BODY},
     {.tag = "imports",
      .summary = "Import a month's attendance sheet (考勤表导入, CSV) of a placement programme: ?program=P13&month=2024-03",
      .query = "file_name,program,month", .request = UPLOAD_JSON, .response = JOB_SCHEMA,
      .statuses = UPLOAD_STATUSES, .success = 201}},
    {{.method = "GET", .path = "/api/v1/imports", .fn = h_jobs, .permission = JY_PERM_IMPORT_RUN},
     {.tag = "imports", .summary = "Import jobs of your area", .query = "limit,cursor",
      .response = PAGE_OF(JOB_SCHEMA), .statuses = "200,400,401,403"}},
    {{.method = "GET", .path = "/api/v1/imports/{id}", .fn = h_job, .permission = JY_PERM_IMPORT_RUN},
     {.tag = "imports", .summary = "One import job: state, rows read, written, rejected, the importer's summary",
      .response = JOB_SCHEMA, .statuses = "200,401,403,404"}},
    {{.method = "GET", .path = "/api/v1/imports/{id}/errors", .fn = h_errors, .permission = JY_PERM_IMPORT_RUN},
     {.tag = "imports", .summary = "The job's error report: row, field, value (masked) and reason of every refusal",
      .query = "limit,cursor,unmask,reason", .response = PAGE_OF(ERROR_ROW), .statuses = "200,400,401,403,404"}},
    {{.method = "GET", .path = "/api/v1/imports/{id}/errors.csv", .fn = h_errors_csv,
      .permission = JY_PERM_IMPORT_RUN},
     {.tag = "imports", .summary = "The job's error report as a CSV file to download (row,column,value,reason)",
      .query = "unmask,reason", .response = "{\"type\":\"string\"}", .statuses = "200,400,401,403,404"}},
};
const size_t jy_api_routes_import_n = sizeof jy_api_routes_import / sizeof jy_api_routes_import[0];
