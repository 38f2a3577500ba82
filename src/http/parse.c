/* parse.c — strict HTTP/1.1 request parsing; see parse.h for the contract and the refusals.
 * No I/O, no allocation, no recursion: every loop is bounded by its input. */
#include "http/parse.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/text.h"

static int refuse(jy_http_perr *perr, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int refuse(jy_http_perr *perr, int status, const char *fmt, ...)
{
    if (perr) {
        perr->status = status;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(perr->msg, sizeof perr->msg, fmt, ap);
        va_end(ap);
    }
    return status;
}

/* tchar (RFC 9110 §5.6.2): the characters of a token (method, field name, coding). */
static int is_tchar(unsigned char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return 1;
    return c && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* field-vchar / SP / HTAB: what a field value may hold (obs-text 0x80-0xFF included). */
static int is_value_char(unsigned char c) { return c == '\t' || (c >= 0x20 && c != 0x7f); }

static int is_hex(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int hex_val(unsigned char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return c - 'A' + 10;
}

/* unreserved / sub-delims / ':' '@' (RFC 3986 pchar without pct-encoded) */
static int is_pchar(unsigned char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return 1;
    return c && strchr("-._~!$&'()*+,;=:@", c) != NULL;
}

int jy_http_ieq(const char *s, size_t n, const char *lit)
{
    size_t m = strlen(lit);
    if (n != m) return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char a = (unsigned char)s[i], b = (unsigned char)lit[i];
        if (a >= 'A' && a <= 'Z') a = (unsigned char)(a + 32);
        if (b >= 'A' && b <= 'Z') b = (unsigned char)(b + 32);
        if (a != b) return 0;
    }
    return 1;
}

const char *jy_http_reason(int status)
{
    switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 417: return "Expectation Failed";
    case 422: return "Unprocessable Content";
    case 428: return "Precondition Required";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
    }
}

/* ---- scanning for the end of the head ---- */

long jy_http_scan_head(jy_http_scan *s, const char *buf, size_t len, size_t max_head, jy_http_perr *perr)
{
    if (!max_head) max_head = 16384;
    size_t i = s->pos;
    for (; i < len; i++) {
        unsigned char c = (unsigned char)buf[i];
        if (c == 0) return -refuse(perr, 400, "NUL byte in the request head");
        if (c == '\r') {
            if (i + 1 == len) break; /* wait for the byte after the CR */
            if (buf[i + 1] != '\n') return -refuse(perr, 400, "bare CR in the request head");
            continue;
        }
        if (c != '\n') continue;
        if (i == 0 || buf[i - 1] != '\r') return -refuse(perr, 400, "bare LF in the request head");
        if (i - 1 == s->line_start) {      /* an empty line */
            if (s->line_start == s->start) { /* before the request line: skip it */
                if (s->start >= 16) return -refuse(perr, 400, "too many empty lines before the request line");
                s->start = s->line_start = i + 1;
                continue;
            }
            s->pos = i + 1;
            return (long)(i + 1);
        }
        s->line_start = i + 1;
    }
    s->pos = i;
    if (i - s->start >= max_head)
        return -refuse(perr, 431, "request head larger than %zu bytes", max_head);
    return 0;
}

/* ---- the request head ---- */

static const char *const known_methods[] = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"};

/* Headers that a request may carry once only: a second one is ambiguous (which one does a proxy
 * in front of us believe?) and is refused. */
static const char *const singletons[] = {
    "host", "content-length", "transfer-encoding", "content-type", "origin", "cookie",
    "x-csrf-token", "authorization", "x-forwarded-for", "expect", "idempotency-key", "connection",
    "upgrade", "range", "if-none-match", "if-match",
};

/* Checks an origin-form path+query t[0..n): pchar, '/', '?', well-formed %XX. Fills h's path and
 * query. */
static int check_path_query(const char *t, size_t n, jy_http_head *h, jy_http_perr *perr)
{
    if (n == 0 || t[0] != '/') return refuse(perr, 400, "request target must start with '/'");
    size_t qpos = n;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)t[i];
        if (c == '%') {
            if (i + 2 >= n) return refuse(perr, 400, "malformed percent-escape in the request target");
            if (!is_hex((unsigned char)t[i + 1]) || !is_hex((unsigned char)t[i + 2]))
                return refuse(perr, 400, "malformed percent-escape in the request target");
            i += 2;
            continue;
        }
        if (c == '?') {
            if (qpos == n) qpos = i;
            continue;
        }
        if (c == '/' || is_pchar(c)) continue;
        return refuse(perr, 400, "byte 0x%02x not allowed in the request target", c);
    }
    h->path = t;
    h->path_len = qpos;
    if (qpos < n) {
        h->has_query = 1;
        h->query = t + qpos + 1;
        h->query_len = n - qpos - 1;
    } else {
        h->query = t + n;
        h->query_len = 0;
    }
    return 0;
}

/* Host and the authority of an absolute-form target: reg-name / IP-literal, optional port. */
static int check_authority(const char *a, size_t n, jy_http_perr *perr)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)a[i];
        if (c == '@') return refuse(perr, 400, "user information is not allowed in the authority");
        if (c == '%') {
            if (i + 2 >= n || !is_hex((unsigned char)a[i + 1]) || !is_hex((unsigned char)a[i + 2]))
                return refuse(perr, 400, "malformed percent-escape in the authority");
            i += 2;
            continue;
        }
        if (is_pchar(c) || c == '[' || c == ']') continue;
        return refuse(perr, 400, "byte 0x%02x not allowed in the host", c);
    }
    return 0;
}

static int parse_target(const char *t, size_t n, jy_http_head *h, jy_http_perr *perr)
{
    h->target = t;
    h->target_len = n;
    if (n && t[0] == '/') return check_path_query(t, n, h, perr);
    /* absolute-form (RFC 9112 §3.2.2): a server must accept it; only http and https */
    size_t skip = 0;
    if (n >= 7 && jy_http_ieq(t, 7, "http://")) skip = 7;
    else if (n >= 8 && jy_http_ieq(t, 8, "https://")) skip = 8;
    if (!skip) {
        if (n == 1 && t[0] == '*') return refuse(perr, 400, "asterisk-form (OPTIONS *) is not supported");
        return refuse(perr, 400, "request target must be a path (\"/…\") or an http(s) URL");
    }
    const char *a = t + skip;
    size_t alen = 0;
    while (skip + alen < n && a[alen] != '/' && a[alen] != '?') alen++;
    if (alen == 0) return refuse(perr, 400, "absolute-form target without a host");
    int rc = check_authority(a, alen, perr);
    if (rc) return rc;
    h->authority = a;
    h->authority_len = alen;
    const char *rest = a + alen;
    size_t rn = n - skip - alen;
    if (rn == 0) { /* "http://host" means "/" */
        h->path = "/";
        h->path_len = 1;
        h->query = "";
        h->query_len = 0;
        return 0;
    }
    if (rest[0] == '?') return refuse(perr, 400, "absolute-form target with a query but no path");
    return check_path_query(rest, rn, h, perr);
}

/* Parses the request line line[0..n) (without its CRLF). */
static int parse_request_line(const char *line, size_t n, const jy_http_limits *lim, jy_http_head *h,
                              jy_http_perr *perr)
{
    size_t i = 0;
    while (i < n && is_tchar((unsigned char)line[i])) i++;
    if (i == 0 || i >= n || line[i] != ' ') return refuse(perr, 400, "malformed request line (method)");
    if (i > 16) return refuse(perr, 501, "method not implemented");
    h->method = line;
    h->method_len = i;
    int known = 0;
    for (size_t k = 0; k < sizeof known_methods / sizeof known_methods[0]; k++)
        if (strlen(known_methods[k]) == i && memcmp(known_methods[k], line, i) == 0) known = 1;
    if (!known) return refuse(perr, 501, "method %.*s not implemented", (int)i, line);
    size_t t0 = ++i;
    while (i < n && line[i] != ' ') i++;
    if (i >= n) return refuse(perr, 400, "malformed request line (no version)");
    size_t tlen = i - t0;
    if (tlen == 0) return refuse(perr, 400, "malformed request line (empty target)");
    size_t max_target = lim && lim->max_target ? lim->max_target : 8192;
    if (tlen > max_target) return refuse(perr, 414, "request target longer than %zu bytes", max_target);
    int rc = parse_target(line + t0, tlen, h, perr);
    if (rc) return rc;
    const char *v = line + i + 1;
    size_t vn = n - i - 1;
    if (vn == 8 && memcmp(v, "HTTP/1.1", 8) == 0) h->minor = 1;
    else if (vn == 8 && memcmp(v, "HTTP/1.0", 8) == 0) h->minor = 0;
    else if (vn == 8 && memcmp(v, "HTTP/", 5) == 0 && v[5] >= '0' && v[5] <= '9' && v[6] == '.' &&
             v[7] >= '0' && v[7] <= '9')
        return refuse(perr, 505, "HTTP version %.8s not supported (1.0 and 1.1 are)", v);
    else return refuse(perr, 400, "malformed request line (version)");
    return 0;
}

/* Content-Length: 1DIGIT..18DIGIT, nothing else (no sign, no list, no spaces inside). */
static int parse_content_length(const char *v, size_t n, int64_t *out, jy_http_perr *perr)
{
    if (n == 0) return refuse(perr, 400, "empty Content-Length");
    if (n > 18) return refuse(perr, 413, "Content-Length too large");
    int64_t x = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i] < '0' || v[i] > '9')
            return refuse(perr, 400, "Content-Length is not a plain decimal number");
        x = x * 10 + (v[i] - '0');
    }
    *out = x;
    return 0;
}

/* Connection: a comma-separated token list; "close" and "keep-alive" matter. */
static int parse_connection(const char *v, size_t n, int *close, int *keep, jy_http_perr *perr)
{
    size_t i = 0;
    while (i < n) {
        while (i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == ',')) i++;
        size_t s = i;
        while (i < n && is_tchar((unsigned char)v[i])) i++;
        if (i == s) {
            if (i < n) return refuse(perr, 400, "malformed Connection header");
            break;
        }
        if (jy_http_ieq(v + s, i - s, "close")) *close = 1;
        else if (jy_http_ieq(v + s, i - s, "keep-alive")) *keep = 1;
        while (i < n && (v[i] == ' ' || v[i] == '\t')) i++;
        if (i < n && v[i] != ',') return refuse(perr, 400, "malformed Connection header");
    }
    return 0;
}

int jy_http_parse_head(const char *buf, size_t len, const jy_http_limits *lim, jy_http_head *h,
                       jy_http_perr *perr)
{
    memset(h, 0, sizeof *h);
    h->content_length = -1;
    size_t max_headers = lim && lim->max_headers ? lim->max_headers : JY_HTTP_MAX_HEADERS;
    if (max_headers > JY_HTTP_MAX_HEADERS) max_headers = JY_HTTP_MAX_HEADERS;
    size_t max_head = lim && lim->max_head ? lim->max_head : 16384;
    if (len > max_head) return refuse(perr, 431, "request head larger than %zu bytes", max_head);
    if (len < 4 || memcmp(buf + len - 4, "\r\n\r\n", 4) != 0)
        return refuse(perr, 400, "incomplete request head");

    /* request line */
    const char *eol = memchr(buf, '\r', len);
    if (!eol || eol[1] != '\n') return refuse(perr, 400, "malformed request line");
    int rc = parse_request_line(buf, (size_t)(eol - buf), lim, h, perr);
    if (rc) return rc;

    /* header lines */
    const char *p = eol + 2, *end = buf + len - 2; /* end: the final CRLF */
    int host_seen = 0, te_seen = 0, conn_close = 0, conn_keep = 0, expect_other = 0;
    while (p < end) {
        const char *le = memchr(p, '\r', (size_t)(end - p) + 1);
        if (!le || le[1] != '\n') return refuse(perr, 400, "bare CR in a header line");
        size_t ln = (size_t)(le - p);
        if (ln == 0) return refuse(perr, 400, "empty line inside the head");
        if (p[0] == ' ' || p[0] == '\t')
            return refuse(perr, 400, "obs-fold (a header line starting with whitespace) is not accepted");
        size_t ni = 0;
        while (ni < ln && is_tchar((unsigned char)p[ni])) ni++;
        if (ni == ln) return refuse(perr, 400, "header line without a colon");
        if (p[ni] == ' ' || p[ni] == '\t')
            return refuse(perr, 400, "whitespace between the header name %.*s and the colon", (int)(ni > 40 ? 40 : ni), p);
        if (p[ni] != ':' || ni == 0) return refuse(perr, 400, "malformed header name");
        size_t vi = ni + 1;
        while (vi < ln && (p[vi] == ' ' || p[vi] == '\t')) vi++;
        size_t ve = ln;
        while (ve > vi && (p[ve - 1] == ' ' || p[ve - 1] == '\t')) ve--;
        for (size_t k = vi; k < ve; k++)
            if (!is_value_char((unsigned char)p[k]))
                return refuse(perr, 400, "control byte 0x%02x in the value of %.*s", (unsigned char)p[k],
                              (int)(ni > 40 ? 40 : ni), p);
        if (h->nheaders >= max_headers) return refuse(perr, 431, "more than %zu header lines", max_headers);
        jy_http_header *hd = &h->headers[h->nheaders++];
        hd->name = p;
        hd->name_len = ni;
        hd->value = p + vi;
        hd->value_len = ve - vi;
        p = le + 2;
    }

    /* repeated singletons */
    for (size_t i = 0; i < h->nheaders; i++)
        for (size_t s = 0; s < sizeof singletons / sizeof singletons[0]; s++) {
            if (!jy_http_ieq(h->headers[i].name, h->headers[i].name_len, singletons[s])) continue;
            for (size_t j = i + 1; j < h->nheaders; j++)
                if (jy_http_ieq(h->headers[j].name, h->headers[j].name_len, singletons[s]))
                    return refuse(perr, 400, "header %s given twice", singletons[s]);
        }

    /* framing and connection semantics */
    for (size_t i = 0; i < h->nheaders; i++) {
        const jy_http_header *hd = &h->headers[i];
        if (jy_http_ieq(hd->name, hd->name_len, "content-length")) {
            if ((rc = parse_content_length(hd->value, hd->value_len, &h->content_length, perr))) return rc;
        } else if (jy_http_ieq(hd->name, hd->name_len, "transfer-encoding")) {
            te_seen = 1;
            if (jy_http_ieq(hd->value, hd->value_len, "chunked")) {
                h->chunked = 1;
            } else {
                size_t k = 0;
                while (k < hd->value_len && is_tchar((unsigned char)hd->value[k])) k++;
                if (k == hd->value_len && k > 0)
                    return refuse(perr, 501, "Transfer-Encoding %.*s not implemented (only chunked)",
                                  (int)(k > 40 ? 40 : k), hd->value);
                return refuse(perr, 400, "Transfer-Encoding must be exactly \"chunked\"");
            }
        } else if (jy_http_ieq(hd->name, hd->name_len, "host")) {
            host_seen = 1;
            if ((rc = check_authority(hd->value, hd->value_len, perr))) return rc;
            if (!h->authority) {
                h->authority = hd->value;
                h->authority_len = hd->value_len;
            }
        } else if (jy_http_ieq(hd->name, hd->name_len, "connection")) {
            if ((rc = parse_connection(hd->value, hd->value_len, &conn_close, &conn_keep, perr))) return rc;
        } else if (jy_http_ieq(hd->name, hd->name_len, "expect")) {
            if (jy_http_ieq(hd->value, hd->value_len, "100-continue")) h->expect_continue = 1;
            else expect_other = 1;
        }
    }
    if (te_seen && h->content_length >= 0)
        return refuse(perr, 400, "Content-Length and Transfer-Encoding together");
    if (te_seen && h->minor == 0) return refuse(perr, 400, "Transfer-Encoding in an HTTP/1.0 request");
    if (h->minor == 1 && !host_seen) return refuse(perr, 400, "HTTP/1.1 request without Host");
    if (h->minor == 0) h->expect_continue = 0; /* RFC 9110 §10.1.1: ignored in HTTP/1.0 */
    else if (expect_other) return refuse(perr, 417, "only Expect: 100-continue is supported");
    h->keep_alive = h->minor == 1 ? !conn_close : (conn_keep && !conn_close);
    return 0;
}

const char *jy_http_head_get(const jy_http_head *h, const char *name, size_t *len)
{
    for (size_t i = 0; i < h->nheaders; i++)
        if (jy_http_ieq(h->headers[i].name, h->headers[i].name_len, name)) {
            if (len) *len = h->headers[i].value_len;
            return h->headers[i].value;
        }
    if (len) *len = 0;
    return NULL;
}

/* ---- percent-decoding ---- */

/* Decodes s[0..n) into out; '+' becomes a space when plus. -1 on a malformed escape or NUL. */
static long pct_decode(const char *s, size_t n, int plus, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '%') {
            if (i + 2 >= n) return -1;
            if (!is_hex((unsigned char)s[i + 1]) || !is_hex((unsigned char)s[i + 2])) return -1;
            c = (unsigned char)(hex_val((unsigned char)s[i + 1]) * 16 + hex_val((unsigned char)s[i + 2]));
            i += 2;
        } else if (c == '+' && plus) {
            c = ' ';
        }
        if (c == 0) return -1;
        out[o++] = (char)c;
    }
    out[o] = 0;
    return (long)o;
}

long jy_http_path_decode(const char *p, size_t n, char *out, jy_http_perr *perr)
{
    if (n == 0 || p[0] != '/') return -refuse(perr, 400, "path must start with '/'");
    long m = pct_decode(p, n, 0, out);
    if (m < 0) return -refuse(perr, 400, "malformed percent-escape (or an escaped NUL) in the path");
    for (long i = 0; i < m; i++) {
        unsigned char c = (unsigned char)out[i];
        if (c < 0x20 || c == 0x7f) return -refuse(perr, 400, "control byte in the path");
    }
    if (jy_utf8_valid_prefix((const unsigned char *)out, (size_t)m, NULL) != (size_t)m)
        return -refuse(perr, 400, "path is not valid UTF-8");
    /* dot segments: "/." or "/.." followed by '/' or the end */
    for (long i = 0; i < m; i++) {
        if (out[i] != '/' || i + 1 >= m || out[i + 1] != '.') continue;
        long j = i + 2;
        if (j < m && out[j] == '.') j++;
        if (j == m || out[j] == '/') return -refuse(perr, 400, "dot segment (\"/.\" or \"/..\") in the path");
    }
    return m;
}

int jy_http_query_each(const char *q, size_t n, size_t max_args, char *scratch,
                       int (*fn)(void *ctx, const char *name, const char *value), void *ctx,
                       jy_http_perr *perr)
{
    size_t i = 0, count = 0;
    while (i < n) {
        size_t s = i;
        while (i < n && q[i] != '&') i++;
        size_t e = i;
        if (i < n) i++; /* past '&' */
        if (e == s) continue;
        if (++count > max_args) return refuse(perr, 400, "more than %zu query arguments", max_args);
        const char *eq = memchr(q + s, '=', e - s);
        size_t nlen = eq ? (size_t)(eq - (q + s)) : e - s;
        char *name = scratch;
        long nm = pct_decode(q + s, nlen, 1, name);
        if (nm < 0) return refuse(perr, 400, "malformed percent-escape (or an escaped NUL) in the query");
        char *value = scratch + nm + 1;
        long vm = eq ? pct_decode(eq + 1, (size_t)(q + e - (eq + 1)), 1, value) : (value[0] = 0, 0);
        if (vm < 0) return refuse(perr, 400, "malformed percent-escape (or an escaped NUL) in the query argument %.40s", name);
        for (long k = 0; k < nm; k++)
            if ((unsigned char)name[k] < 0x20 || name[k] == 0x7f)
                return refuse(perr, 400, "control byte in a query argument name");
        if (jy_utf8_valid_prefix((const unsigned char *)name, (size_t)nm, NULL) != (size_t)nm ||
            jy_utf8_valid_prefix((const unsigned char *)value, (size_t)vm, NULL) != (size_t)vm)
            return refuse(perr, 400, "query argument is not valid UTF-8");
        int rc = fn(ctx, name, value);
        if (rc) return rc;
    }
    return 0;
}

/* ---- chunked bodies ---- */

enum {
    CK_SIZE,      /* hex digits of the chunk size */
    CK_EXT,       /* after ';' until CR */
    CK_SIZE_LF,   /* LF after the size line's CR */
    CK_DATA,
    CK_DATA_CR,   /* CR after the data */
    CK_DATA_LF,
    CK_TRAILER,   /* start of a trailer line (or the final CRLF) */
    CK_TRAILER_NAME,
    CK_TRAILER_VALUE,
    CK_TRAILER_LF,
    CK_FINAL_LF,
    CK_DONE,
};

#define CK_MAX_EXT 1024
#define CK_MAX_TRAILER_LINE 1024
#define CK_MAX_TRAILERS 32

void jy_http_chunked_init(jy_http_chunked *c, uint64_t max_body)
{
    memset(c, 0, sizeof *c);
    c->state = CK_SIZE;
    c->max = max_body;
}

int jy_http_chunked_decode(jy_http_chunked *c, const char *in, size_t n, char *out, size_t *out_len,
                           size_t *used, jy_http_perr *perr)
{
    size_t i = 0, o = 0;
    int rc = 0;
    while (i < n && c->state != CK_DONE) {
        unsigned char b = (unsigned char)in[i];
        switch (c->state) {
        case CK_SIZE:
            if (is_hex(b)) {
                if (++c->digits > 16 || (c->remaining >> 60) != 0) {
                    rc = -refuse(perr, 413, "chunk size too large");
                    goto out;
                }
                c->remaining = c->remaining * 16 + (uint64_t)hex_val(b);
                i++;
                break;
            }
            if (c->digits == 0) {
                rc = -refuse(perr, 400, "malformed chunk size");
                goto out;
            }
            if (b == ';') {
                c->state = CK_EXT;
                c->line = 0;
                i++;
            } else if (b == '\r') {
                c->state = CK_SIZE_LF;
                i++;
            } else {
                rc = -refuse(perr, 400, "malformed chunk size line");
                goto out;
            }
            if (c->remaining > c->max || c->total + c->remaining > c->max) {
                rc = -refuse(perr, 413, "body larger than %llu bytes", (unsigned long long)c->max);
                goto out;
            }
            break;
        case CK_EXT:
            if (b == '\r') {
                c->state = CK_SIZE_LF;
            } else if (!is_value_char(b) || ++c->line > CK_MAX_EXT) {
                rc = -refuse(perr, 400, "malformed or too long chunk extension");
                goto out;
            }
            i++;
            break;
        case CK_SIZE_LF:
            if (b != '\n') {
                rc = -refuse(perr, 400, "bare CR in a chunk size line");
                goto out;
            }
            i++;
            c->digits = 0;
            c->state = c->remaining ? CK_DATA : CK_TRAILER;
            break;
        case CK_DATA: {
            size_t take = n - i;
            if ((uint64_t)take > c->remaining) take = (size_t)c->remaining;
            memmove(out + o, in + i, take);
            o += take;
            i += take;
            c->remaining -= take;
            c->total += take;
            if (c->remaining == 0) c->state = CK_DATA_CR;
            break;
        }
        case CK_DATA_CR:
            if (b != '\r') {
                rc = -refuse(perr, 400, "chunk data longer than its size");
                goto out;
            }
            c->state = CK_DATA_LF;
            i++;
            break;
        case CK_DATA_LF:
            if (b != '\n') {
                rc = -refuse(perr, 400, "bare CR after chunk data");
                goto out;
            }
            c->state = CK_SIZE;
            c->remaining = 0;
            i++;
            break;
        case CK_TRAILER:
            if (b == '\r') {
                c->state = CK_FINAL_LF;
            } else if (is_tchar(b)) {
                if (++c->trailers > CK_MAX_TRAILERS) {
                    rc = -refuse(perr, 431, "more than %d trailer lines", CK_MAX_TRAILERS);
                    goto out;
                }
                c->state = CK_TRAILER_NAME;
                c->line = 1;
            } else {
                rc = -refuse(perr, 400, "malformed trailer line (obs-fold or a bad name)");
                goto out;
            }
            i++;
            break;
        case CK_TRAILER_NAME:
            if (b == ':') c->state = CK_TRAILER_VALUE;
            else if (!is_tchar(b)) {
                rc = -refuse(perr, 400, "malformed trailer field name");
                goto out;
            }
            if (++c->line > CK_MAX_TRAILER_LINE) {
                rc = -refuse(perr, 431, "trailer line too long");
                goto out;
            }
            i++;
            break;
        case CK_TRAILER_VALUE:
            if (b == '\r') c->state = CK_TRAILER_LF;
            else if (!is_value_char(b)) {
                rc = -refuse(perr, 400, "control byte in a trailer field");
                goto out;
            }
            if (++c->line > CK_MAX_TRAILER_LINE) {
                rc = -refuse(perr, 431, "trailer line too long");
                goto out;
            }
            i++;
            break;
        case CK_TRAILER_LF:
            if (b != '\n') {
                rc = -refuse(perr, 400, "bare CR in a trailer line");
                goto out;
            }
            c->state = CK_TRAILER;
            i++;
            break;
        case CK_FINAL_LF:
            if (b != '\n') {
                rc = -refuse(perr, 400, "bare CR at the end of a chunked body");
                goto out;
            }
            c->state = CK_DONE;
            i++;
            break;
        default:
            rc = -refuse(perr, 400, "chunked decoder in a bad state");
            goto out;
        }
    }
    rc = c->state == CK_DONE ? 1 : 0;
out:
    *out_len = o;
    *used = i;
    return rc;
}
