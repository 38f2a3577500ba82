/* Streaming CSV reader and field writer; see csv.h. */
#include "base/csv.h"

#include <stdlib.h>
#include <string.h>

#include "base/sb.h"

#define IN_CAP (256 * 1024)

enum { ST_FIELD_START, ST_UNQUOTED, ST_QUOTED, ST_QUOTE_IN_QUOTED };

struct jy_csv {
    jy_csv_read_fn read;
    void *ctx;
    char *in;            /* input window */
    size_t in_len, in_pos, in_cap;
    int in_owned;
    int eof, done, started, pending_cr;
    char delim;
    char *rec;           /* unescaped fields, each NUL-terminated */
    size_t rec_len, rec_cap;
    size_t *off;         /* field i starts at rec + off[i]; off[nf] is the end */
    size_t nf;
    int64_t record_no, line, rec_line;
    unsigned char special[256]; /* 1 for the delimiter, CR, LF (unquoted scanning) */
    /* A quoted field that runs past a line end: what follows that first line end is kept
     * (in[cap_pos..in_pos) plus raw, the part already moved out of the window) until the record
     * ends, so that a broken record (a stray quote never closed) can be read past: jy_csv_resume. */
    int capturing, broken;
    size_t cap_pos;
    char *raw;
    size_t raw_len, raw_cap;
};

jy_csv *jy_csv_new(jy_csv_read_fn read, void *ctx, char delim)
{
    jy_csv *c = calloc(1, sizeof *c);
    if (!c) abort();
    c->read = read;
    c->ctx = ctx;
    c->in = malloc(IN_CAP);
    c->in_cap = IN_CAP;
    c->in_owned = 1;
    c->delim = delim;
    c->rec_cap = 4096;
    c->rec = malloc(c->rec_cap);
    c->off = malloc((JY_CSV_MAX_FIELDS + 1) * sizeof *c->off);
    if (!c->in || !c->rec || !c->off) abort();
    c->line = 1;
    return c;
}

jy_csv *jy_csv_new_mem(const char *buf, size_t n, char delim)
{
    jy_csv *c = jy_csv_new(NULL, NULL, delim);
    free(c->in);
    c->in = (char *)buf; /* never written through */
    c->in_owned = 0;
    c->in_len = n;
    c->in_cap = n;
    c->eof = 1;
    return c;
}

void jy_csv_free(jy_csv *c)
{
    if (!c) return;
    if (c->in_owned) free(c->in);
    free(c->raw);
    free(c->rec);
    free(c->off);
    free(c);
}

/* Makes at least `need` unread bytes available when the source has them. */
static int fill(jy_csv *c, size_t need, jy_err *err)
{
    if (c->eof || !c->in_owned) return 0;
    if (c->capturing && c->in_pos > c->cap_pos) { /* keep what leaves the window */
        size_t n = c->in_pos - c->cap_pos;
        if (c->raw_len + n > c->raw_cap) {
            size_t cap = c->raw_cap ? c->raw_cap : 4096;
            while (cap < c->raw_len + n) cap *= 2;
            char *nr = realloc(c->raw, cap);
            if (!nr) abort();
            c->raw = nr;
            c->raw_cap = cap;
        }
        memcpy(c->raw + c->raw_len, c->in + c->cap_pos, n);
        c->raw_len += n;
        c->cap_pos = c->in_pos;
    }
    if (c->in_pos > 0) {
        if (c->capturing) c->cap_pos -= c->in_pos;
        memmove(c->in, c->in + c->in_pos, c->in_len - c->in_pos);
        c->in_len -= c->in_pos;
        c->in_pos = 0;
    }
    while (!c->eof && c->in_len < need && c->in_len < c->in_cap) {
        long n = c->read(c->ctx, c->in + c->in_len, c->in_cap - c->in_len, err);
        if (n < 0) {
            c->eof = 1;
            c->done = 1;
            return (int)n;
        }
        if (n == 0) c->eof = 1;
        c->in_len += (size_t)n;
    }
    return 0;
}

static char detect_delim(const char *s, size_t n)
{
    size_t comma = 0, tab = 0, semi = 0;
    int quoted = 0;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (ch == '"') quoted = !quoted;
        else if (quoted) continue;
        else if (ch == '\n' || ch == '\r') break;
        else if (ch == ',') comma++;
        else if (ch == '\t') tab++;
        else if (ch == ';') semi++;
    }
    if (tab > comma && tab >= semi) return '\t';
    if (semi > comma && semi > tab) return ';';
    return ',';
}

static int start(jy_csv *c, jy_err *err)
{
    int rc = fill(c, 4096, err);
    if (rc) return rc;
    if (c->in_len - c->in_pos >= 3 && memcmp(c->in + c->in_pos, "\xEF\xBB\xBF", 3) == 0)
        c->in_pos += 3;
    if (!c->delim) c->delim = detect_delim(c->in + c->in_pos, c->in_len - c->in_pos);
    c->special[(unsigned char)c->delim] = 1;
    c->special['\n'] = 1;
    c->special['\r'] = 1;
    c->started = 1;
    return 0;
}

static int too_long(jy_csv *c, jy_err *err)
{
    c->done = 1;
    c->broken = c->capturing; /* a quote that swallowed the lines after it: jy_csv_resume */
    return jy_err_set2(err, JY_EINVAL, "csv.record_too_long",
                      "line %lld: record longer than %d bytes (an unterminated quote?)", "第%lld行：一条记录超过%d字节（是否有未闭合的引号？）",
                      (long long)c->rec_line, JY_CSV_MAX_RECORD);
}

static int reserve(jy_csv *c, size_t extra, jy_err *err)
{
    if (c->rec_len + extra > JY_CSV_MAX_RECORD) return too_long(c, err);
    if (c->rec_len + extra + 1 <= c->rec_cap) return 0;
    size_t cap = c->rec_cap;
    while (cap < c->rec_len + extra + 1) cap *= 2;
    char *nr = realloc(c->rec, cap);
    if (!nr) abort();
    c->rec = nr;
    c->rec_cap = cap;
    return 0;
}

static int append(jy_csv *c, const char *s, size_t n, jy_err *err)
{
    int rc = reserve(c, n, err);
    if (rc) return rc;
    memcpy(c->rec + c->rec_len, s, n);
    c->rec_len += n;
    return 0;
}

static int end_field(jy_csv *c, jy_err *err)
{
    int rc = reserve(c, 0, err);
    if (rc) return rc;
    c->rec[c->rec_len++] = '\0';
    if (c->nf >= JY_CSV_MAX_FIELDS) {
        c->done = 1;
        return jy_err_set2(err, JY_EINVAL, "csv.too_many_fields", "line %lld: more than %d fields in one record", "第%lld行：一条记录超过%d个字段",
                          (long long)c->rec_line, JY_CSV_MAX_FIELDS);
    }
    c->off[++c->nf] = c->rec_len;
    return 0;
}

int jy_csv_next(jy_csv *c, jy_err *err)
{
    int rc;
    if (c->done) return 0;
    c->capturing = 0; /* the last record ended: nothing of it is kept */
    c->raw_len = 0;
    if (!c->started && (rc = start(c, err)) != 0) return rc;
    if (c->pending_cr) { /* a CR ended the last record: swallow the LF of a CRLF */
        if (c->in_pos == c->in_len && (rc = fill(c, 1, err)) != 0) return rc;
        if (c->in_pos < c->in_len && c->in[c->in_pos] == '\n') c->in_pos++;
        c->pending_cr = 0;
    }
    c->rec_len = 0;
    c->nf = 0;
    c->off[0] = 0;
    c->rec_line = c->line;
    int state = ST_FIELD_START, any = 0;
    const char delim = c->delim;

    for (;;) {
        if (c->in_pos == c->in_len) {
            if ((rc = fill(c, 1, err)) != 0) return rc;
            if (c->in_pos == c->in_len) { /* end of input */
                if (state == ST_QUOTED) {
                    c->done = 1;
                    c->broken = c->capturing;
                    return jy_err_set2(err, JY_EINVAL, "csv.quote_unclosed",
                                      "line %lld: quoted field not closed before the end of the file", "第%lld行：带引号的字段直到文件末尾都未闭合",
                                      (long long)c->rec_line);
                }
                c->done = 1;
                if (!any) return 0;
                if ((rc = end_field(c, err)) != 0) return rc;
                c->record_no++;
                return 1;
            }
        }
        any = 1;
        const char *p = c->in + c->in_pos, *end = c->in + c->in_len;
        switch (state) {
        case ST_FIELD_START:
            if (*p == '"') {
                state = ST_QUOTED;
                c->in_pos++;
                continue;
            }
            state = ST_UNQUOTED;
            /* fall through */
        case ST_UNQUOTED: {
            const char *q = p;
            while (q < end && !c->special[(unsigned char)*q]) q++;
            if ((rc = append(c, p, (size_t)(q - p), err)) != 0) return rc;
            c->in_pos += (size_t)(q - p);
            if (q == end) continue;
            goto separator;
        }
        case ST_QUOTED: {
            const char *q = p;
            while (q < end && *q != '"') {
                if (*q == '\n') {
                    c->line++;
                    if (!c->capturing) { /* kept from here on; cap_pos may pass in_pos only when
                                          * the append below fails, and then resume starts there */
                        c->capturing = 1;
                        c->cap_pos = (size_t)(q + 1 - c->in);
                    }
                }
                q++;
            }
            if ((rc = append(c, p, (size_t)(q - p), err)) != 0) return rc;
            c->in_pos += (size_t)(q - p);
            if (q < end) {
                state = ST_QUOTE_IN_QUOTED;
                c->in_pos++;
            }
            continue;
        }
        case ST_QUOTE_IN_QUOTED:
            if (*p == '"') {
                if ((rc = append(c, "\"", 1, err)) != 0) return rc;
                c->in_pos++;
                state = ST_QUOTED;
                continue;
            }
            if (*p == delim || *p == '\n' || *p == '\r') goto separator;
            state = ST_UNQUOTED; /* lenient: "ab"c → ab"c is not RFC 4180; keep the text */
            continue;
        }
    separator:
        /* c->in[c->in_pos] is the delimiter, CR or LF */
        {
            char ch = c->in[c->in_pos++];
            if ((rc = end_field(c, err)) != 0) return rc;
            if (ch == delim && ch != '\n' && ch != '\r') {
                state = ST_FIELD_START;
                continue;
            }
            c->line++;
            if (ch == '\r') {
                if (c->in_pos < c->in_len) {
                    if (c->in[c->in_pos] == '\n') c->in_pos++;
                } else {
                    c->pending_cr = 1;
                }
            }
            c->record_no++;
            return 1;
        }
    }
}

int jy_csv_resume(jy_csv *c)
{
    if (!c->broken) return 0;
    c->broken = 0;
    if (!c->in_owned) {
        c->in_pos = c->cap_pos; /* the whole input is in the window */
    } else {
        /* the new window: raw, then in[cap_pos..in_len) (the rest of the record and what the
         * window holds unread); reading from the source goes on after it */
        size_t tail = c->in_len - c->cap_pos, n = c->raw_len + tail;
        size_t cap = n > IN_CAP ? n : IN_CAP;
        char *nb = malloc(cap);
        if (!nb) abort();
        if (c->raw_len) memcpy(nb, c->raw, c->raw_len);
        memcpy(nb + c->raw_len, c->in + c->cap_pos, tail);
        free(c->in);
        c->in = nb;
        c->in_cap = cap;
        c->in_len = n;
        c->in_pos = 0;
    }
    c->capturing = 0;
    c->raw_len = 0;
    c->pending_cr = 0;
    c->line = c->rec_line + 1;
    c->record_no++; /* the broken record was one */
    c->done = 0;
    return 1;
}

size_t jy_csv_nfields(const jy_csv *c) { return c->nf; }

const char *jy_csv_field(const jy_csv *c, size_t i, size_t *len)
{
    if (i >= c->nf) {
        if (len) *len = 0;
        return "";
    }
    if (len) *len = c->off[i + 1] - c->off[i] - 1;
    return c->rec + c->off[i];
}

int jy_csv_blank(const jy_csv *c)
{
    for (size_t i = 0; i < c->nf; i++)
        if (c->off[i + 1] - c->off[i] > 1) return 0;
    return 1;
}

int64_t jy_csv_record_no(const jy_csv *c) { return c->record_no; }
int64_t jy_csv_line_no(const jy_csv *c) { return c->rec_line; }
char jy_csv_delim(const jy_csv *c) { return c->delim; }

void jy_csv_append_field(jy_sb *sb, const char *s, size_t n, char delim)
{
    int quote = n > 0 && (s[0] == ' ' || s[n - 1] == ' ');
    for (size_t i = 0; i < n && !quote; i++)
        if (s[i] == delim || s[i] == '"' || s[i] == '\n' || s[i] == '\r') quote = 1;
    if (!quote) {
        jy_sb_appendn(sb, s, n);
        return;
    }
    jy_sb_appendc(sb, '"');
    size_t from = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] == '"') {
            jy_sb_appendn(sb, s + from, i + 1 - from);
            jy_sb_appendc(sb, '"');
            from = i + 1;
        }
    jy_sb_appendn(sb, s + from, n - from);
    jy_sb_appendc(sb, '"');
}
