/* Fuzz target for the HTTP/1.1 request parser (src/http/parse.c): the input is a byte stream as a
 * client would send it. It is scanned for the end of the head in pieces (sizes drawn from the
 * first byte) and must give the same answer as one whole scan; a complete head is parsed, its
 * path and query decoded; the bytes after the head are decoded as a chunked body in two pieces,
 * in place, and compared with a one-piece decode. Invariants checked: pointers stay inside the
 * input, framing is never ambiguous (Content-Length and chunked never both), decoded sizes never
 * exceed their input or the body limit, and every refusal carries an HTTP status. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/parse.h"

static int noop_arg(void *ctx, const char *name, const char *value)
{
    size_t *n = ctx;
    *n += strlen(name) + strlen(value);
    return 0;
}

static int inside(const char *p, size_t n, const char *base, size_t len)
{
    return p >= base && p + n <= base + len;
}

static void check_refusal(int status)
{
    if (status != 400 && status != 413 && status != 414 && status != 417 && status != 431 &&
        status != 501 && status != 505)
        abort();
}

static void chunked_body(const char *body, size_t n, size_t cut)
{
    uint64_t max = 4096;
    char *one = malloc(n + 1), *two = malloc(n + 1);
    if (!one || !two) abort();
    jy_http_chunked a, b;
    jy_http_perr perr;
    size_t ol = 0, used = 0;
    jy_http_chunked_init(&a, max);
    int ra = jy_http_chunked_decode(&a, body, n, one, &ol, &used, &perr);
    if (ol > used || used > n || a.total > max) abort();
    if (ra < 0) check_refusal(-ra);

    /* the same in two pieces, decoding in place */
    memcpy(two, body, n);
    if (cut > n) cut = n;
    jy_http_chunked_init(&b, max);
    size_t o1 = 0, u1 = 0, o2 = 0, u2 = 0;
    int r1 = jy_http_chunked_decode(&b, two, cut, two, &o1, &u1, &perr);
    int rb = r1;
    if (r1 == 0) {
        rb = jy_http_chunked_decode(&b, two + cut, n - cut, two + cut, &o2, &u2, &perr);
        if (rb == 1 && (u1 + u2 != used || o1 + o2 != ol || memcmp(two, one, o1) != 0 ||
                        memcmp(two + cut, one + o1, o2) != 0))
            abort();
    } else if (r1 == 1 && (u1 != used || o1 != ol)) {
        abort();
    }
    if ((ra == 1) != (rb == 1)) abort();
    free(one);
    free(two);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0) return 0;
    size_t step = (size_t)(data[0] % 17) + 1;
    const char *in = (const char *)data + 1;
    size_t n = size - 1;
    size_t max_head = 4096;

    /* whole scan vs. scan in pieces */
    jy_http_scan whole = {0}, parts = {0};
    jy_http_perr perr;
    long end = jy_http_scan_head(&whole, in, n, max_head, &perr);
    long pend = 0;
    for (size_t len = step < n ? step : n;; len = len + step < n ? len + step : n) {
        pend = jy_http_scan_head(&parts, in, len, max_head, &perr);
        if (pend != 0 || len == n) break;
    }
    if (end != pend) abort();
    if (end < 0) {
        check_refusal((int)-end);
        return 0;
    }
    chunked_body(in, n, step * 3); /* the decoder on arbitrary bytes too */
    if (end == 0) return 0;
    if ((size_t)end > n || whole.start > (size_t)end) abort();

    const char *head = in + whole.start;
    size_t hlen = (size_t)end - whole.start;
    jy_http_head *h = malloc(sizeof *h);
    if (!h) abort();
    jy_http_limits lim = {.max_head = max_head, .max_headers = 32, .max_target = 1024};
    int st = jy_http_parse_head(head, hlen, &lim, h, &perr);
    if (st) {
        check_refusal(st);
        free(h);
        return 0;
    }
    if (!inside(h->method, h->method_len, head, hlen) || !inside(h->target, h->target_len, head, hlen))
        abort();
    if (h->nheaders > 32) abort();
    for (size_t i = 0; i < h->nheaders; i++)
        if (!inside(h->headers[i].name, h->headers[i].name_len, head, hlen) ||
            !inside(h->headers[i].value, h->headers[i].value_len, head, hlen) || h->headers[i].name_len == 0)
            abort();
    if (h->chunked && h->content_length >= 0) abort();
    if (h->minor != 0 && h->minor != 1) abort();

    char *path = malloc(h->path_len + 1);
    char *scratch = malloc(h->query_len + 2);
    if (!path || !scratch) abort();
    long pl = jy_http_path_decode(h->path, h->path_len, path, &perr);
    if (pl >= 0 && ((size_t)pl > h->path_len || strlen(path) != (size_t)pl || path[0] != '/')) abort();
    if (pl < 0) check_refusal((int)-pl);
    size_t qtotal = 0;
    int qr = jy_http_query_each(h->query, h->query_len, 64, scratch, noop_arg, &qtotal, &perr);
    if (qr) check_refusal(qr);
    if (qtotal > h->query_len) abort();
    if (h->chunked) chunked_body(in + end, n - (size_t)end, step);
    free(path);
    free(scratch);
    free(h);
    return 0;
}
