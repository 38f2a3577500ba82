/* multipart.c — multipart/form-data bodies (multipart.h). */
#include "http/multipart.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *memfind(const char *h, size_t hn, const char *n, size_t nn)
{
    if (nn == 0 || hn < nn) return NULL;
    for (size_t i = 0; i + nn <= hn; i++)
        if (h[i] == n[0] && memcmp(h + i, n, nn) == 0) return h + i;
    return NULL;
}

int jy_http_header_param(const char *line, size_t n, const char *name, char *out, size_t cap)
{
    size_t k = strlen(name);
    for (size_t i = 0; i + k + 1 <= n; i++) {
        if ((i == 0 || line[i - 1] == ';' || line[i - 1] == ' ' || line[i - 1] == '\t') &&
            strncasecmp(line + i, name, k) == 0 && line[i + k] == '=') {
            const char *v = line + i + k + 1, *end = line + n;
            size_t m = 0;
            if (v < end && *v == '"') {
                v++;
                while (v + m < end && v[m] != '"') m++;
            } else {
                while (v + m < end && v[m] != ';' && v[m] != ' ' && v[m] != '\t') m++;
            }
            if (m >= cap) return -1;
            memcpy(out, v, m);
            out[m] = '\0';
            return 0;
        }
    }
    return 1;
}

int jy_http_multipart_each(const char *ctype, const char *body, size_t len,
                           int (*fn)(void *ctx, const char *name, const char *filename, const char *data, size_t n),
                           void *ctx)
{
    char boundary[72], delim[76], close[78];
    if (!ctype || jy_http_header_param(ctype, strlen(ctype), "boundary", boundary, sizeof boundary) != 0 ||
        !boundary[0] || strlen(boundary) > 70)
        return -1;
    int dn = snprintf(delim, sizeof delim, "--%s", boundary);
    int cn = snprintf(close, sizeof close, "\r\n--%s", boundary);
    const char *end = body + len;
    const char *p = memfind(body, len, delim, (size_t)dn);
    int parts = 0;
    while (p) {
        p += dn;
        if (end - p >= 2 && p[0] == '-' && p[1] == '-') break; /* the closing delimiter */
        if (end - p < 2 || p[0] != '\r' || p[1] != '\n') break;
        p += 2;
        const char *hend = memfind(p, (size_t)(end - p), "\r\n\r\n", 4);
        if (!hend) break;
        char name[256] = "", fname[256] = "";
        for (const char *l = p; l < hend;) {
            const char *e = memfind(l, (size_t)(hend - l), "\r\n", 2);
            if (!e) e = hend;
            if ((size_t)(e - l) > 20 && strncasecmp(l, "Content-Disposition:", 20) == 0) {
                if (jy_http_header_param(l, (size_t)(e - l), "name", name, sizeof name) < 0) name[0] = '\0';
                if (jy_http_header_param(l, (size_t)(e - l), "filename", fname, sizeof fname) < 0) fname[0] = '\0';
            }
            l = e + 2;
        }
        const char *data = hend + 4;
        const char *next = memfind(data, (size_t)(end - data), close, (size_t)cn);
        if (!next) break;
        parts++;
        if (fn(ctx, name, fname, data, (size_t)(next - data))) break;
        p = next + 2;
    }
    return parts;
}
