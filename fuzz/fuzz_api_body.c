/* Fuzz target for the API's request-body and field readers (src/http/api.c): the bytes reach the
 * real code the way a client's would. A jiuye HTTP server (src/http/server.c) is started once in
 * this process on a loopback port over a throw-away SQLite database, with one route whose handler
 * is the reading half of every /api/v1 POST handler: jy_api_body_or_reply (the jansson reader
 * with duplicate keys refused), jy_api_only_keys_or_reply, jy_api_str/i64/date/money_or_reply on
 * the known fields, and the query readers jy_api_page_or_reply, jy_api_query_int/date/id_or_reply.
 *
 * Input: the bytes up to the first newline are the query string (sent percent-encoded byte for
 * byte, so any byte reaches the decoder and the readers), the rest is the JSON body.
 *
 * The same bytes also go through the uploads' multipart reader (http/multipart.h), with the
 * query line as its boundary.
 *
 * Invariants checked on every answer: the status is 200, 400 or 422 (never 500, never a missing
 * reply); the answer parses as JSON; an error is {"error":{status,code,message,field}} with the
 * same status; a 422 names a field; a 200 echoes what the readers returned, and each value keeps
 * the reader's promise (the integer inside its range, the date a real date whose text reads back
 * to the same day, the amount not negative and its yuan text parsing back to the same fen, the
 * page limit 1..500). */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/date.h"
#include "base/money.h"
#include "http/api.h"
#include "http/http.h"
#include "http/multipart.h"

#define FIELDS "s,name,n,count,d,date,m,amount,facts,list"

static void h_read(jy_http_req *req)
{
    jy_api_page pg;
    if (jy_api_page_or_reply(req, &pg)) return;
    jy_sb_free(&pg.items);
    int64_t qi = 0, qid = 0;
    jy_date qd = 0;
    int rqi = jy_api_query_int_or_reply(req, "n", -1000, 1000, &qi);
    if (rqi < 0) return;
    int rqid = jy_api_query_id_or_reply(req, "id", &qid);
    if (rqid < 0) return;
    int rqd = jy_api_query_date_or_reply(req, "on", &qd);
    if (rqd < 0) return;

    json_t *b = jy_api_body_or_reply(req);
    if (!b || jy_api_only_keys_or_reply(req, b, FIELDS)) return;
    const char *s = NULL, *name = NULL;
    int64_t n = 0, count = 0;
    jy_date d = 0, date = 0;
    jy_fen m = 0, amount = 0;
    int rs, rname, rn, rcount, rd, rdate, rm, ramount;
    if ((rs = jy_api_str_or_reply(req, b, "s", 0, &s)) < 0) return;
    if ((rname = jy_api_str_or_reply(req, b, "name", 0, &name)) < 0) return;
    if ((rn = jy_api_i64_or_reply(req, b, "n", 0, INT64_MIN, INT64_MAX, &n)) < 0) return;
    if ((rcount = jy_api_i64_or_reply(req, b, "count", 0, 1, 500, &count)) < 0) return;
    if ((rd = jy_api_date_or_reply(req, b, "d", 0, &d)) < 0) return;
    if ((rdate = jy_api_date_or_reply(req, b, "date", 0, &date)) < 0) return;
    if ((rm = jy_api_money_or_reply(req, b, "m", 0, &m)) < 0) return;
    if ((ramount = jy_api_money_or_reply(req, b, "amount", 0, &amount)) < 0) return;

    jy_sb sb = JY_SB_INIT;
    jy_sb_appendc(&sb, '{');
    jy_sb_json_kv_i64(&sb, "limit", pg.limit);
    jy_sb_json_kv_i64(&sb, "after", pg.after);
    if (rqi == 0) jy_sb_json_kv_i64(&sb, "qn", qi);
    if (rqid == 0) jy_sb_json_kv_i64(&sb, "qid", qid);
    if (rqd == 0) jy_sb_json_kv_i64(&sb, "qon", qd);
    if (rs == 0) jy_sb_json_kv_str(&sb, "s", s);
    if (rname == 0) jy_sb_json_kv_str(&sb, "name", name);
    if (rn == 0) jy_sb_json_kv_i64(&sb, "n", n);
    if (rcount == 0) jy_sb_json_kv_i64(&sb, "count", count);
    if (rd == 0) jy_sb_json_kv_i64(&sb, "d", d);
    if (rdate == 0) jy_sb_json_kv_i64(&sb, "date", date);
    if (rm == 0) jy_sb_json_kv_i64(&sb, "m", m);
    if (ramount == 0) jy_sb_json_kv_i64(&sb, "amount", amount);
    jy_sb_appendc(&sb, '}');
    jy_api_reply_json(req, 200, &sb);
}

static const jy_http_route routes[] = {
    {.method = "POST", .path = "/read", .fn = h_read, .flags = JY_HTTP_PUBLIC | JY_HTTP_NO_CSRF,
     .max_body = 1 << 20},
};

static int port;
static jy_http_app app = {.county = "640522"};

static void stop_server(void);
static jy_http_server *srv;
static char dir[256];

static void stop_server(void)
{
    jy_http_stop(srv);
    srv = NULL;
    char cmd[320];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "fuzz_api_body: could not remove %s\n", dir);
}

static void start_server(void)
{
    signal(SIGPIPE, SIG_IGN);
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/fuzz_api_body.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) abort();
    static char url[300];
    snprintf(url, sizeof url, "%s/db.sqlite", dir);
    static jy_http_config cfg;
    cfg.bind = "127.0.0.1";
    cfg.threads = 1;
    cfg.db_url = url;
    cfg.routes = routes;
    cfg.nroutes = sizeof routes / sizeof routes[0];
    cfg.rate_addr = -1;
    cfg.rate_user = -1;
    cfg.max_conns_per_addr = -1;
    cfg.app = &app;
    jy_err err = {0};
    if (jy_http_start(&cfg, &srv, &err) != 0) {
        fprintf(stderr, "fuzz_api_body: cannot start the server: %s\n", err.msg);
        abort();
    }
    port = jy_http_port(srv);
    atexit(stop_server);
}

/* Sends one request and reads the whole answer (the server closes: Connection: close). */
static size_t exchange(const char *req, size_t len, char *out, size_t cap)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) abort();
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    /* libFuzzer's timers interrupt system calls (EINTR): those are retried, not taken for an end */
    int rc;
    while ((rc = connect(fd, (struct sockaddr *)&a, sizeof a)) != 0 && errno == EINTR) {
    }
    if (rc != 0) { /* interrupted: the connection goes on in the background */
        if (errno != EISCONN && errno != EALREADY && errno != EINPROGRESS) abort();
        struct pollfd pf = {.fd = fd, .events = POLLOUT};
        while (poll(&pf, 1, 5000) < 0 && errno == EINTR) {
        }
    }
    for (size_t off = 0; off < len;) {
        ssize_t w = write(fd, req + off, len - off);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) break; /* the server may answer and close early (e.g. a refused head) */
        off += (size_t)w;
    }
    size_t got = 0;
    for (;;) {
        if (got == cap - 1) abort(); /* answers here are small */
        ssize_t r = read(fd, out + got, cap - 1 - got);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        got += (size_t)r;
    }
    out[got] = '\0';
    close(fd);
    return got;
}

static void check_answer(const char *ans, size_t n)
{
    unsigned status = 0;
    if (sscanf(ans, "HTTP/1.1 %u", &status) != 1) {
        fprintf(stderr, "fuzz_api_body: no HTTP answer (%zu bytes): %.200s\n", n, ans);
        abort();
    }
    const char *body = strstr(ans, "\r\n\r\n");
    if (!body) abort();
    body += 4;
    if (status == 431 || status == 414) return; /* a head the parser refuses: not the readers' */
    if (status != 200 && status != 400 && status != 422) {
        fprintf(stderr, "fuzz_api_body: status %u: %s\n", status, ans);
        abort();
    }
    json_error_t je;
    json_t *v = json_loadb(body, n - (size_t)(body - ans), 0, &je);
    if (!v) {
        fprintf(stderr, "fuzz_api_body: answer is not JSON (%s): %s\n", je.text, body);
        abort();
    }
    if (status != 200) {
        json_t *e = json_object_get(v, "error");
        json_t *st = e ? json_object_get(e, "status") : NULL;
        json_t *f = e ? json_object_get(e, "field") : NULL;
        if (!e || !json_is_integer(st) || json_integer_value(st) != (json_int_t)status ||
            !json_is_string(json_object_get(e, "code")) || !json_is_string(json_object_get(e, "message")))
            abort();
        if (status == 422 && !json_is_string(f)) abort();
    } else {
        json_t *x;
        int64_t lim = json_integer_value(json_object_get(v, "limit"));
        if (lim < 1 || lim > 500 || json_integer_value(json_object_get(v, "after")) < 0) abort();
        if ((x = json_object_get(v, "qn")) && (json_integer_value(x) < -1000 || json_integer_value(x) > 1000)) abort();
        if ((x = json_object_get(v, "qid")) && json_integer_value(x) < 1) abort();
        if ((x = json_object_get(v, "count")) && (json_integer_value(x) < 1 || json_integer_value(x) > 500)) abort();
        const char *dates[] = {"qon", "d", "date"};
        for (int i = 0; i < 3; i++) {
            if (!(x = json_object_get(v, dates[i]))) continue;
            char text[JY_DATE_BUFSZ];
            jy_date back;
            jy_err err = {0};
            jy_date_format((jy_date)json_integer_value(x), text);
            if (jy_date_parse(text, &back, &err) || back != (jy_date)json_integer_value(x)) {
                fprintf(stderr, "fuzz_api_body: date %" PRId64 " reads back as %s\n", (int64_t)json_integer_value(x), text);
                abort();
            }
        }
        const char *money[] = {"m", "amount"};
        for (int i = 0; i < 2; i++) {
            if (!(x = json_object_get(v, money[i]))) continue;
            jy_fen f = (jy_fen)json_integer_value(x), back;
            if (f < 0) abort();
            char text[JY_MONEY_BUFSZ];
            jy_money_format(f, text);
            jy_err err = {0};
            if (jy_money_parse(text, &back, &err) || back != f) {
                fprintf(stderr, "fuzz_api_body: %" PRId64 " fen reads back from %s as %" PRId64 "\n", f, text, back);
                abort();
            }
        }
    }
    json_decref(v);
}

/* The uploads' multipart reader (http/multipart.h) on the same bytes, called directly: every
 * part lies inside the body and ends before a delimiter, names are bounded. */
typedef struct parts_ctx {
    const char *body;
    size_t len;
    const char *close;
    size_t close_len;
} parts_ctx;

static int check_part(void *ctx, const char *name, const char *filename, const char *data, size_t n)
{
    parts_ctx *c = ctx;
    if (data < c->body || data + n > c->body + c->len || strlen(name) > 255 || strlen(filename) > 255) abort();
    if (data + n + c->close_len > c->body + c->len || memcmp(data + n, c->close, c->close_len) != 0) abort();
    return 0;
}

static void multipart(const uint8_t *q, size_t qn, const uint8_t *body, size_t bn)
{
    char ctype[128], close[80];
    size_t k = 0;
    while (k < qn && k < 70 && q[k] > ' ' && q[k] < 0x7f && q[k] != '"' && q[k] != ';') k++;
    snprintf(ctype, sizeof ctype, "multipart/form-data; boundary=%.*s", (int)k, (const char *)q);
    snprintf(close, sizeof close, "\r\n--%.*s", (int)k, (const char *)q);
    parts_ctx c = {(const char *)body, bn, close, strlen(close)};
    int n = jy_http_multipart_each(ctype, (const char *)body, bn, check_part, &c);
    if ((n < 0) != (k == 0)) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!srv) start_server();
    const uint8_t *nl = memchr(data, '\n', size);
    size_t qn = nl ? (size_t)(nl - data) : 0;
    const uint8_t *body = nl ? nl + 1 : data;
    size_t bn = size - (size_t)(body - data);
    if (qn > 1500) qn = 1500;
    multipart(data, qn, body, bn);
    jy_sb q = JY_SB_INIT;
    /* the query: '=' and '&' kept (they shape the arguments), everything else percent-encoded */
    for (size_t i = 0; i < qn; i++) {
        unsigned char c = data[i];
        if (c == '=' || c == '&' || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) jy_sb_appendc(&q, (char)c);
        else jy_sb_appendf(&q, "%%%02X", c);
    }
    jy_sb req = JY_SB_INIT;
    jy_sb_appendf(&req,
                  "POST /read%s%s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nOrigin: http://127.0.0.1:%d\r\n"
                  "Connection: close\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
                  q.len ? "?" : "", jy_sb_cstr(&q), port, port, bn);
    jy_sb_appendn(&req, (const char *)body, bn);
    static char ans[1 << 17];
    size_t n = exchange(req.buf, req.len, ans, sizeof ans);
    if (getenv("FUZZ_API_BODY_VERBOSE")) fprintf(stderr, "%s\n---\n", ans);
    check_answer(ans, n);
    jy_sb_free(&q);
    jy_sb_free(&req);
    return 0;
}
