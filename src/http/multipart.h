/* multipart.h — the parts of a multipart/form-data body (RFC 7578), for the API's uploads
 * (api_import.c). Reads the body in place: a part's name, file name and bytes point into the
 * body (or into the callback's buffers for the names) and are valid for the callback. */
#ifndef JY_HTTP_MULTIPART_H
#define JY_HTTP_MULTIPART_H

#include <stddef.h>

/* fn(ctx, name, filename, data, n) for each complete part ("" for a missing name or file name;
 * names are cut at 255 bytes); returning non-zero stops the walk. ctype is the Content-Type
 * header (its boundary parameter, quoted or not, 1 to 70 characters). Returns the number of
 * parts handed to fn, or -1 when ctype names no usable boundary. A part without its closing
 * delimiter, and anything after the closing delimiter, are not parts. */
int jy_http_multipart_each(const char *ctype, const char *body, size_t len,
                           int (*fn)(void *ctx, const char *name, const char *filename, const char *data, size_t n),
                           void *ctx);

/* A parameter of a header value ("name=value" or name="value" after ';' or a space): 0 with the
 * value in out, 1 when absent, -1 when it does not fit in cap. */
int jy_http_header_param(const char *line, size_t n, const char *name, char *out, size_t cap);

#endif
