/* Unit tests of the strict HTTP/1.1 parser (src/http/parse.c): the head scanner, the head parser's
 * acceptances and refusals, percent-decoding of path and query, and the chunked-body decoder,
 * including every input split into two pieces at every position. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "http/parse.h"

/* Scans and parses a whole head s (with its CRLF CRLF); returns 0 or the refusal's status. */
static int parse(const char *s, jy_http_head *h)
{
    jy_http_scan sc = {0};
    jy_http_perr perr = {0};
    size_t n = strlen(s);
    long end = jy_http_scan_head(&sc, s, n, 16384, &perr);
    if (end < 0) return (int)-end;
    if (end == 0) return -1; /* incomplete */
    if ((size_t)end != n) fail_msg("head ends at %ld of %zu: %s", end, n, s);
    return jy_http_parse_head(s + sc.start, (size_t)end - sc.start, NULL, h, &perr);
}

static int status_of(const char *s)
{
    jy_http_head h;
    return parse(s, &h);
}

static void head_accepts_plain_requests(void **state)
{
    (void)state;
    jy_http_head h;
    assert_int_equal(parse("GET /a/b?x=1&y=2 HTTP/1.1\r\nHost: example.cn:8080\r\nX-A:  v  \r\n\r\n", &h), 0);
    assert_int_equal(h.method_len, 3);
    assert_memory_equal(h.method, "GET", 3);
    assert_int_equal(h.path_len, 4);
    assert_memory_equal(h.path, "/a/b", 4);
    assert_int_equal(h.query_len, 7);
    assert_memory_equal(h.query, "x=1&y=2", 7);
    assert_int_equal(h.minor, 1);
    assert_int_equal(h.keep_alive, 1);
    assert_int_equal(h.content_length, -1);
    assert_int_equal(h.chunked, 0);
    size_t len;
    const char *v = jy_http_head_get(&h, "x-a", &len);
    assert_non_null(v);
    assert_int_equal(len, 1); /* OWS trimmed on both sides */
    assert_memory_equal(v, "v", 1);
    assert_int_equal(h.authority_len, strlen("example.cn:8080"));

    assert_int_equal(parse("POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 12\r\n\r\n", &h), 0);
    assert_int_equal(h.content_length, 12);
    assert_int_equal(parse("POST /p HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: Chunked\r\n\r\n", &h), 0);
    assert_int_equal(h.chunked, 1);
    /* keep-alive rules */
    assert_int_equal(parse("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", &h), 0);
    assert_int_equal(h.keep_alive, 0);
    assert_int_equal(parse("GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, Close\r\n\r\n", &h), 0);
    assert_int_equal(h.keep_alive, 0);
    assert_int_equal(parse("GET / HTTP/1.0\r\n\r\n", &h), 0);
    assert_int_equal(h.keep_alive, 0);
    assert_int_equal(parse("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", &h), 0);
    assert_int_equal(h.keep_alive, 1);
    assert_int_equal(h.minor, 0);
    /* Expect */
    assert_int_equal(parse("POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n", &h), 0);
    assert_int_equal(h.expect_continue, 1);
    assert_int_equal(parse("POST / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n", &h), 0);
    assert_int_equal(h.expect_continue, 0);
    assert_int_equal(status_of("POST / HTTP/1.1\r\nHost: x\r\nExpect: 200-ok\r\n\r\n"), 417);
    /* absolute-form: the authority comes from the target */
    assert_int_equal(parse("GET https://Example.cn/x?q HTTP/1.1\r\nHost: other\r\n\r\n", &h), 0);
    assert_int_equal(h.path_len, 2);
    assert_int_equal(h.authority_len, 10);
    assert_memory_equal(h.authority, "Example.cn", 10);
    assert_int_equal(parse("GET http://x HTTP/1.1\r\nHost: x\r\n\r\n", &h), 0);
    assert_int_equal(h.path_len, 1);
    /* an empty Host is allowed (RFC 9112 §3.2), empty lines before the request line skipped */
    assert_int_equal(parse("\r\n\r\nGET / HTTP/1.1\r\nHost:\r\n\r\n", &h), 0);
    /* obs-text in a value is allowed */
    assert_int_equal(status_of("GET / HTTP/1.1\r\nHost: x\r\nX-Name: \xe5\xbc\xa0\xe4\xb8\x89\r\n\r\n"), 0);
}

static void head_refuses_framing_ambiguity(void **state)
{
    (void)state;
    assert_int_equal(status_of("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"), 400);
    assert_int_equal(status_of("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n"), 400);
    assert_int_equal(status_of("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1,1\r\n\r\n"), 400);
    assert_int_equal(status_of("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n"), 400);
    assert_int_equal(status_of("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0x10\r\n\r\n"), 400);
    assert_int_equal(status_of("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1 2\r\n\r\n"), 400);
    assert_int_equal(status_of("POST / HTTP/1.1\r\nHost: x\r\nContent-Length:\r\n\r\n"), 400);
    assert_int_equal(status_of("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\n"), 413);
    assert_int_equal(status_of("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"), 400);
    assert_int_equal(status_of("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n"), 400);
    assert_int_equal(status_of("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, chunked\r\n\r\n"), 400);
    assert_int_equal(status_of("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"), 400);
    assert_int_equal(status_of("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: identity\r\n\r\n"), 501);
    assert_int_equal(status_of("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: \"chunked\"\r\n\r\n"), 400);
    assert_int_equal(status_of("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n"), 400);
    assert_int_equal(status_of("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n"), 400);
    assert_int_equal(status_of("POST / HTTP/1.1\r\nHost: x\r\nContent-Length : 3\r\n\r\n"), 400);
    assert_int_equal(status_of("POST / HTTP/1.1\r\nHost: x\r\nContent-Length\t: 3\r\n\r\n"), 400);
    assert_int_equal(status_of("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding : chunked\r\n\r\n"), 400);
}

static void head_refuses_malformed_lines(void **state)
{
    (void)state;
    jy_http_head h;
    /* obs-fold and leading whitespace */
    assert_int_equal(status_of("GET / HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n\r\n"), 400);
    assert_int_equal(status_of("GET / HTTP/1.1\r\nHost: x\r\nX-A: a\r\n\tb\r\n\r\n"), 400);
    assert_int_equal(status_of("GET / HTTP/1.1\r\n Host: x\r\n\r\n"), 400);
    /* bare CR / LF, NUL and control bytes */
    assert_int_equal(status_of("GET / HTTP/1.1\nHost: x\r\n\r\n"), 400);
    assert_int_equal(status_of("GET / HTTP/1.1\r\nHost: x\rY\r\n\r\n"), 400);
    assert_int_equal(status_of("GET / HTTP/1.1\r\nHost: x\r\nX-A: a\x01" "b\r\n\r\n"), 400);
    assert_int_equal(status_of("GET / HTTP/1.1\r\nHost: x\r\nX-A: a\x7f\r\n\r\n"), 400);
    {
        const char s[] = "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\0b\r\n\r\n";
        jy_http_scan sc = {0};
        jy_http_perr perr;
        assert_int_equal(jy_http_scan_head(&sc, s, sizeof s - 1, 16384, &perr), -400);
    }
    /* names */
    assert_int_equal(status_of("GET / HTTP/1.1\r\nHost: x\r\nX A: b\r\n\r\n"), 400);
    assert_int_equal(status_of("GET / HTTP/1.1\r\nHost: x\r\n: b\r\n\r\n"), 400);
    assert_int_equal(status_of("GET / HTTP/1.1\r\nHost: x\r\nnocolon\r\n\r\n"), 400);
    assert_int_equal(status_of("GET / HTTP/1.1\r\nHost: x\r\nX-\xe5: b\r\n\r\n"), 400);
    /* request line */
    assert_int_equal(status_of("GET  / HTTP/1.1\r\nHost: x\r\n\r\n"), 400);
    assert_int_equal(status_of("GET / HTTP/1.1 \r\nHost: x\r\n\r\n"), 400);
    assert_int_equal(status_of("GET /\tx HTTP/1.1\r\nHost: x\r\n\r\n"), 400);
    assert_int_equal(status_of("GET / HTTP/1.2\r\nHost: x\r\n\r\n"), 505);
    assert_int_equal(status_of("GET / HTTP/2.0\r\nHost: x\r\n\r\n"), 505);
    assert_int_equal(status_of("GET / HTTP/1\r\nHost: x\r\n\r\n"), 400);
    assert_int_equal(status_of("GET / https/1.1\r\nHost: x\r\n\r\n"), 400);
    assert_int_equal(status_of("get / HTTP/1.1\r\nHost: x\r\n\r\n"), 501);
    assert_int_equal(status_of("CONNECT x:443 HTTP/1.1\r\nHost: x\r\n\r\n"), 501);
    assert_int_equal(status_of("TRACE / HTTP/1.1\r\nHost: x\r\n\r\n"), 501);
    assert_int_equal(status_of("G(T / HTTP/1.1\r\nHost: x\r\n\r\n"), 400);
    /* targets */
    assert_int_equal(status_of("OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n"), 400);
    assert_int_equal(status_of("GET x.cn:80 HTTP/1.1\r\nHost: x\r\n\r\n"), 400);
    assert_int_equal(status_of("GET ftp://x/ HTTP/1.1\r\nHost: x\r\n\r\n"), 400);
    assert_int_equal(status_of("GET http://u@x/ HTTP/1.1\r\nHost: x\r\n\r\n"), 400);
    assert_int_equal(status_of("GET /a#b HTTP/1.1\r\nHost: x\r\n\r\n"), 400);
    assert_int_equal(status_of("GET /a%2 HTTP/1.1\r\nHost: x\r\n\r\n"), 400);
    assert_int_equal(status_of("GET /a%g0 HTTP/1.1\r\nHost: x\r\n\r\n"), 400);
    assert_int_equal(status_of("GET /\xe4\xb8\xad HTTP/1.1\r\nHost: x\r\n\r\n"), 400); /* raw UTF-8 */
    assert_int_equal(status_of("GET /a\"b HTTP/1.1\r\nHost: x\r\n\r\n"), 400);
    /* Host */
    assert_int_equal(status_of("GET / HTTP/1.1\r\n\r\n"), 400);
    assert_int_equal(status_of("GET / HTTP/1.1\r\nHost: a\r\nhost: a\r\n\r\n"), 400);
    assert_int_equal(status_of("GET / HTTP/1.1\r\nHost: a b\r\n\r\n"), 400);
    assert_int_equal(status_of("GET / HTTP/1.1\r\nHost: u@a\r\n\r\n"), 400);
    assert_int_equal(status_of("GET / HTTP/1.0\r\n\r\n"), 0); /* HTTP/1.0 needs no Host */
    /* repeated singletons */
    assert_int_equal(status_of("GET / HTTP/1.1\r\nHost: x\r\nCookie: a=1\r\nCookie: b=2\r\n\r\n"), 400);
    assert_int_equal(status_of("GET / HTTP/1.1\r\nHost: x\r\nOrigin: a\r\nOrigin: b\r\n\r\n"), 400);
    assert_int_equal(status_of("GET / HTTP/1.1\r\nHost: x\r\nX-CSRF-Token: a\r\nX-Csrf-Token: b\r\n\r\n"), 400);
    assert_int_equal(status_of("GET / HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: a\r\nX-Forwarded-For: b\r\n\r\n"), 400);
    assert_int_equal(status_of("GET / HTTP/1.1\r\nHost: x\r\nAccept: a\r\nAccept: b\r\n\r\n"), 0); /* lists may repeat */
    /* malformed Connection */
    assert_int_equal(status_of("GET / HTTP/1.1\r\nHost: x\r\nConnection: close;x\r\n\r\n"), 400);
    (void)h;
}

static void head_limits(void **state)
{
    (void)state;
    jy_http_head h;
    jy_http_perr perr;
    /* more header lines than the limit: 431 */
    char buf[8192];
    size_t n = (size_t)snprintf(buf, sizeof buf, "GET / HTTP/1.1\r\nHost: x\r\n");
    for (int i = 0; i < 10; i++) n += (size_t)snprintf(buf + n, sizeof buf - n, "X-%d: v\r\n", i);
    n += (size_t)snprintf(buf + n, sizeof buf - n, "\r\n");
    jy_http_limits lim = {.max_headers = 10};
    assert_int_equal(jy_http_parse_head(buf, n, &lim, &h, &perr), 431);
    lim.max_headers = 11;
    assert_int_equal(jy_http_parse_head(buf, n, &lim, &h, &perr), 0);
    assert_int_equal(h.nheaders, 11);
    /* target length: 414 */
    lim = (jy_http_limits){.max_target = 8};
    const char *t = "GET /123456789 HTTP/1.1\r\nHost: x\r\n\r\n";
    assert_int_equal(jy_http_parse_head(t, strlen(t), &lim, &h, &perr), 414);
    /* head size: the scanner gives up at max_head without an end (431) */
    memset(buf, 'a', sizeof buf);
    memcpy(buf, "GET / HTTP/1.1\r\nX: ", 19);
    jy_http_scan sc = {0};
    assert_int_equal(jy_http_scan_head(&sc, buf, 4000, 4096, &perr), 0);
    assert_int_equal(jy_http_scan_head(&sc, buf, 4096, 4096, &perr), -431);
    /* too many empty lines before the request line */
    memset(&sc, 0, sizeof sc);
    char crlfs[64];
    for (int i = 0; i < 32; i++) memcpy(crlfs + 2 * i, "\r\n", 2);
    assert_int_equal(jy_http_scan_head(&sc, crlfs, sizeof crlfs, 4096, &perr), -400);
}

/* The scanner resumes where it stopped: feeding a head one byte at a time finds the same end,
 * and a CR at the end of the available bytes waits for the next byte. */
static void scan_is_incremental(void **state)
{
    (void)state;
    const char *s = "\r\nPOST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc";
    size_t head_end = strlen(s) - 3;
    jy_http_scan sc = {0};
    jy_http_perr perr;
    long end = 0;
    size_t i;
    for (i = 1; i <= strlen(s); i++) {
        end = jy_http_scan_head(&sc, s, i, 16384, &perr);
        if (end) break;
    }
    assert_int_equal(end, (long)head_end);
    assert_int_equal(i, head_end);
    assert_int_equal(sc.start, 2);
}

static void path_and_query_decoding(void **state)
{
    (void)state;
    char out[256];
    jy_http_perr perr;
    assert_int_equal(jy_http_path_decode("/a%20b/%E4%B8%AD", 16, out, &perr), 8);
    assert_string_equal(out, "/a b/\xe4\xb8\xad");
    assert_int_equal(jy_http_path_decode("/a+b", 4, out, &perr), 4); /* '+' is itself in a path */
    assert_string_equal(out, "/a+b");
    assert_int_equal(jy_http_path_decode("/a%00", 5, out, &perr), -400);
    assert_int_equal(jy_http_path_decode("/a%0a", 5, out, &perr), -400);
    assert_int_equal(jy_http_path_decode("/a%7f", 5, out, &perr), -400);
    assert_int_equal(jy_http_path_decode("/a%", 3, out, &perr), -400);
    assert_int_equal(jy_http_path_decode("/a%4", 4, out, &perr), -400);
    assert_int_equal(jy_http_path_decode("/%ff", 4, out, &perr), -400); /* not UTF-8 */
    assert_int_equal(jy_http_path_decode("/%C0%AF", 7, out, &perr), -400); /* overlong '/' */
    assert_int_equal(jy_http_path_decode("/a/../b", 7, out, &perr), -400);
    assert_int_equal(jy_http_path_decode("/a/./b", 6, out, &perr), -400);
    assert_int_equal(jy_http_path_decode("/a/%2e%2E", 9, out, &perr), -400);
    assert_int_equal(jy_http_path_decode("/..", 3, out, &perr), -400);
    assert_int_equal(jy_http_path_decode("/a/..b/.c", 9, out, &perr), 9); /* not dot segments */
    assert_int_equal(jy_http_path_decode("a", 1, out, &perr), -400);
}

typedef struct qargs {
    char names[8][32], values[8][64];
    int n;
} qargs;

static int collect(void *ctx, const char *name, const char *value)
{
    qargs *q = ctx;
    if (q->n >= 8) return -1;
    snprintf(q->names[q->n], sizeof q->names[0], "%s", name);
    snprintf(q->values[q->n], sizeof q->values[0], "%s", value);
    q->n++;
    return 0;
}

static int query(const char *s, qargs *q)
{
    char scratch[256];
    jy_http_perr perr;
    memset(q, 0, sizeof *q);
    return jy_http_query_each(s, strlen(s), 8, scratch, collect, q, &perr);
}

static void query_arguments(void **state)
{
    (void)state;
    qargs q;
    assert_int_equal(query("a=1&b=%E4%B8%AD+x&&c&d=", &q), 0);
    assert_int_equal(q.n, 4);
    assert_string_equal(q.names[0], "a");
    assert_string_equal(q.values[0], "1");
    assert_string_equal(q.values[1], "\xe4\xb8\xad x");
    assert_string_equal(q.names[2], "c");
    assert_string_equal(q.values[2], "");
    assert_string_equal(q.values[3], "");
    assert_int_equal(query("a=1%0A2", &q), 0); /* a newline in a value is data */
    assert_string_equal(q.values[0], "1\n2");
    assert_int_equal(query("a=%00", &q), 400);
    assert_int_equal(query("a=%zz", &q), 400);
    assert_int_equal(query("a%0A=1", &q), 400); /* control byte in a name */
    assert_int_equal(query("a=%ff", &q), 400);
    assert_int_equal(query("a=1&b=2&c=3&d=4&e=5&f=6&g=7&h=8&i=9", &q), 400); /* more than 8 */
}

/* Decodes s as one chunked body with max; returns the decoder's result, the data in out. */
static int chunked(const char *s, size_t n, uint64_t max, char *out, size_t *out_len, size_t *used)
{
    jy_http_chunked c;
    jy_http_perr perr;
    jy_http_chunked_init(&c, max);
    return jy_http_chunked_decode(&c, s, n, out, out_len, used, &perr);
}

static void chunked_bodies(void **state)
{
    (void)state;
    char out[256];
    size_t ol, used;
    const char *ok = "5\r\nhello\r\n6;name=val\r\n world\r\n0\r\nX-Trailer: t\r\n\r\nNEXT";
    size_t n = strlen(ok);
    assert_int_equal(chunked(ok, n, 1024, out, &ol, &used), 1);
    assert_int_equal(ol, 11);
    assert_memory_equal(out, "hello world", 11);
    assert_int_equal(used, n - 4); /* "NEXT" belongs to the next request */

    /* every split into two pieces gives the same data, in place as well */
    for (size_t cut = 0; cut < n - 4; cut++) {
        char buf[256];
        memcpy(buf, ok, n);
        jy_http_chunked c;
        jy_http_perr perr;
        jy_http_chunked_init(&c, 1024);
        size_t o1, u1, o2, u2;
        int r1 = jy_http_chunked_decode(&c, buf, cut, buf, &o1, &u1, &perr);
        assert_int_equal(r1, 0);
        assert_int_equal(u1, cut);
        char data[64];
        memcpy(data, buf, o1);
        int r2 = jy_http_chunked_decode(&c, buf + cut, n - cut, buf + cut, &o2, &u2, &perr);
        assert_int_equal(r2, 1);
        memcpy(data + o1, buf + cut, o2);
        assert_int_equal(o1 + o2, 11);
        assert_memory_equal(data, "hello world", 11);
        assert_int_equal(cut + u2, n - 4);
    }

    assert_int_equal(chunked("0\r\n\r\n", 5, 0, out, &ol, &used), 1);
    assert_int_equal(ol, 0);
    /* refusals */
    assert_int_equal(chunked(" 5\r\nhello\r\n0\r\n\r\n", 17, 1024, out, &ol, &used), -400);
    assert_int_equal(chunked("5 \r\nhello\r\n0\r\n\r\n", 17, 1024, out, &ol, &used), -400);
    assert_int_equal(chunked("5g\r\nhello\r\n0\r\n\r\n", 17, 1024, out, &ol, &used), -400);
    assert_int_equal(chunked("\r\nhello\r\n0\r\n\r\n", 14, 1024, out, &ol, &used), -400);
    assert_int_equal(chunked("3\r\nhello\r\n0\r\n\r\n", 15, 1024, out, &ol, &used), -400);
    assert_int_equal(chunked("5\nhello\r\n0\r\n\r\n", 14, 1024, out, &ol, &used), -400);
    assert_int_equal(chunked("5\r\nhello\n0\r\n\r\n", 14, 1024, out, &ol, &used), -400);
    assert_int_equal(chunked("0\r\n x: y\r\n\r\n", 12, 1024, out, &ol, &used), -400); /* obs-fold */
    assert_int_equal(chunked("0\r\nx y: z\r\n\r\n", 13, 1024, out, &ol, &used), -400);
    assert_int_equal(chunked("0\r\nx: \x01\r\n\r\n", 11, 1024, out, &ol, &used), -400);
    assert_int_equal(chunked("5;a\x01\r\nhello\r\n0\r\n\r\n", 19, 1024, out, &ol, &used), -400);
    /* limits */
    assert_int_equal(chunked("5\r\nhello\r\n5\r\nworld\r\n0\r\n\r\n", 25, 9, out, &ol, &used), -413);
    assert_int_equal(chunked("fffffffffffffffff\r\n", 19, 1024, out, &ol, &used), -413);
    assert_int_equal(chunked("ffffffff\r\n", 10, 1024, out, &ol, &used), -413);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(head_accepts_plain_requests),
        cmocka_unit_test(head_refuses_framing_ambiguity),
        cmocka_unit_test(head_refuses_malformed_lines),
        cmocka_unit_test(head_limits),
        cmocka_unit_test(scan_is_incremental),
        cmocka_unit_test(path_and_query_decoding),
        cmocka_unit_test(query_arguments),
        cmocka_unit_test(chunked_bodies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
