/* parse.h — strict HTTP/1.1 request parsing (RFC 9112, RFC 9110), with no I/O and no memory
 * allocation: the request head, percent-decoding of the path and the query, and chunked bodies.
 *
 * Everything here works on bytes the caller owns and reports a refusal as an HTTP status (400,
 * 413, 414, 417, 431, 501, 505) with a short English reason. The server (server.c) answers a
 * refusal and closes the connection, so nothing after a malformed head is ever read as another
 * request. What is refused, and why (request smuggling and desync, see docs/http.md):
 *   - two Content-Length headers (even equal ones), a Content-Length that is not plain digits,
 *     Content-Length together with Transfer-Encoding, any Transfer-Encoding but exactly
 *     "chunked", Transfer-Encoding in HTTP/1.0;
 *   - whitespace between a field name and the colon, obs-fold (a line starting with SP or HTAB),
 *     a bare CR or a bare LF anywhere in the head, NUL and other control bytes;
 *   - a malformed method, target or version; HTTP versions other than 1.0 and 1.1 (505);
 *   - a missing or repeated Host in HTTP/1.1, a repeated Host/Cookie/Origin/Content-Type/… ;
 *   - too many header lines or too large a head (431), too long a target (414). */
#ifndef JY_HTTP_PARSE_H
#define JY_HTTP_PARSE_H

#include <stddef.h>
#include <stdint.h>

#define JY_HTTP_MAX_HEADERS 100 /* the most header lines any head may have (limits.max_headers <= this) */

typedef struct jy_http_limits {
    size_t max_head;    /* request line + headers + the blank line, in bytes; 0: 16 KiB */
    size_t max_headers; /* header lines; 0 or more than JY_HTTP_MAX_HEADERS: JY_HTTP_MAX_HEADERS */
    size_t max_target;  /* request-target bytes; 0: 8 KiB */
} jy_http_limits;

/* A refusal: the status to answer and why (English, for the error body and the log). */
typedef struct jy_http_perr {
    int status;
    char msg[160];
} jy_http_perr;

/* ---- finding the end of a head in a stream ---- */

/* State of the head scanner; zero it before the first byte of each request. */
typedef struct jy_http_scan {
    size_t pos;        /* bytes examined */
    size_t start;      /* first byte of the request line (empty lines before it are skipped) */
    size_t line_start; /* first byte of the line being examined */
} jy_http_scan;

/* Looks for the blank line ending a request head in buf[0..len); len may only grow between calls
 * (the scanner resumes where it stopped, so a head trickled byte by byte costs O(length)).
 * Returns the offset just past the head's final CRLF (the head is buf[s->start .. that)), 0 when
 * more bytes are needed, or -status: -400 for a NUL, a bare CR or a bare LF, -431 when max_head
 * bytes came without the end of the head. Up to 8 empty lines before the request line are skipped
 * (RFC 9112 §2.2). */
long jy_http_scan_head(jy_http_scan *s, const char *buf, size_t len, size_t max_head, jy_http_perr *perr);

/* ---- the request head ---- */

typedef struct jy_http_header {
    const char *name, *value; /* pointers into the head; not NUL-terminated */
    size_t name_len, value_len;
} jy_http_header;

typedef struct jy_http_head {
    const char *method, *target, *path, *query, *authority;
    size_t method_len, target_len, path_len, query_len, authority_len;
    int has_query;          /* the target has a '?' (query may still be empty) */
    int minor;              /* HTTP/1.<minor>: 0 or 1 */
    jy_http_header headers[JY_HTTP_MAX_HEADERS];
    size_t nheaders;
    int64_t content_length; /* -1: no Content-Length */
    int chunked;            /* Transfer-Encoding: chunked */
    int keep_alive;         /* the connection may carry another request after this one */
    int expect_continue;    /* Expect: 100-continue (HTTP/1.1) */
} jy_http_head;

/* Parses a complete head buf[0..len) (as found by jy_http_scan_head: it ends with CRLF CRLF).
 * The head's pointers point into buf. Returns 0, or the status of a refusal (perr says why). */
int jy_http_parse_head(const char *buf, size_t len, const jy_http_limits *lim, jy_http_head *h,
                       jy_http_perr *perr);

/* The value of the first header named name (case-insensitive), or NULL; *len receives its length. */
const char *jy_http_head_get(const jy_http_head *h, const char *name, size_t *len);

/* ---- percent-decoding ---- */

/* Decodes the raw path p[0..n) into out (room for n + 1 bytes), NUL-terminated. Refuses (400) a
 * malformed escape, an escape of NUL or any other control byte, invalid UTF-8, and dot segments
 * ("/./", "/../", also when escaped), so that a handler serving files can never be led out of
 * its directory. Returns the decoded length, or -400. */
long jy_http_path_decode(const char *p, size_t n, char *out, jy_http_perr *perr);

/* Calls fn(ctx, name, value) for every argument of the raw query q[0..n) ("a=1&b=%E4%B8%AD&c"),
 * names and values percent-decoded ('+' is a space) and NUL-terminated in scratch (room for
 * n + 2 bytes; the strings are valid until the next argument). An argument without '=' has the
 * value "". Refuses (400) a malformed escape, an escape of NUL, invalid UTF-8, a control byte in
 * a name, and more than max_args arguments. Empty arguments ("a=1&&b=2") are skipped. Returns 0,
 * -400, or fn's non-zero result. */
int jy_http_query_each(const char *q, size_t n, size_t max_args, char *scratch,
                       int (*fn)(void *ctx, const char *name, const char *value), void *ctx,
                       jy_http_perr *perr);

/* ---- chunked bodies ---- */

typedef struct jy_http_chunked {
    int state;
    uint64_t remaining; /* data bytes left in the current chunk */
    uint64_t total;     /* data bytes decoded so far */
    uint64_t max;       /* the body limit */
    unsigned digits;    /* hex digits of the current size */
    size_t line;        /* bytes of the current extension or trailer line */
    unsigned trailers;  /* trailer lines so far */
} jy_http_chunked;

void jy_http_chunked_init(jy_http_chunked *c, uint64_t max_body);

/* Decodes in[0..n) of a chunked body. Data bytes go to out (room for n bytes; out may equal in:
 * the output never runs ahead of the input), *out_len receives how many, *used how many input
 * bytes were consumed. Returns 1 when the body is complete (the last chunk and the trailer section
 * were read; input from *used on belongs to the next request), 0 when all of the input was used
 * and more is needed, -400 for a malformed body (perr says where) or -413 when the data would
 * exceed max_body. Chunk extensions are checked and ignored; trailer fields are checked and
 * dropped (at most 32 lines of 1 KiB each). */
int jy_http_chunked_decode(jy_http_chunked *c, const char *in, size_t n, char *out, size_t *out_len,
                           size_t *used, jy_http_perr *perr);

/* ---- small helpers shared with the server ---- */

/* Is s[0..n) equal to the NUL-terminated lit, ignoring ASCII case? */
int jy_http_ieq(const char *s, size_t n, const char *lit);
/* The reason phrase of a status ("Not Found"); "Unknown" for others. */
const char *jy_http_reason(int status);

#endif
