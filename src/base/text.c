/* Encoding detection and streaming conversion to UTF-8 with iconv; see text.h. */
#include "base/text.h"

#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define RAW_CAP (64 * 1024)

struct jy_text_reader {
    FILE *f;              /* file source (NULL for memory) */
    int own_f;            /* close f on free */
    const unsigned char *mem;
    size_t mem_len, mem_pos;
    jy_encoding enc;
    iconv_t cd;           /* (iconv_t)-1 for UTF-8 */
    unsigned char *raw;   /* bytes read but not yet handed out / converted */
    size_t raw_len, raw_pos;
    int eof;              /* the source has no more bytes */
    int64_t replaced;
    char path[256];
};

int jy_encoding_parse(const char *name, jy_encoding *out, jy_err *err)
{
    static const struct { const char *name; jy_encoding enc; } names[] = {
        {"auto", JY_ENC_AUTO},         {"utf-8", JY_ENC_UTF8},       {"utf8", JY_ENC_UTF8},
        {"utf-8-sig", JY_ENC_UTF8},    {"gb18030", JY_ENC_GB18030},  {"gbk", JY_ENC_GB18030},
        {"gb2312", JY_ENC_GB18030},    {"cp936", JY_ENC_GB18030},    {"utf-16le", JY_ENC_UTF16LE},
        {"utf-16be", JY_ENC_UTF16BE},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcasecmp(name, names[i].name) == 0) {
            *out = names[i].enc;
            return 0;
        }
    return jy_err_set2(err, JY_EUSAGE, "text.encoding_unknown",
                      "unknown encoding \"%s\" (use auto, utf-8, gb18030, utf-16le or utf-16be)", "未知的编码“%s”（可用 auto、utf-8、gb18030、utf-16le 或 utf-16be）",
                      name);
}

const char *jy_encoding_name(jy_encoding e)
{
    switch (e) {
    case JY_ENC_AUTO: return "auto";
    case JY_ENC_UTF8: return "utf-8";
    case JY_ENC_GB18030: return "gb18030";
    case JY_ENC_UTF16LE: return "utf-16le";
    case JY_ENC_UTF16BE: return "utf-16be";
    }
    return "?";
}

static const char *iconv_name(jy_encoding e)
{
    switch (e) {
    case JY_ENC_GB18030: return "GB18030";
    case JY_ENC_UTF16LE: return "UTF-16LE";
    case JY_ENC_UTF16BE: return "UTF-16BE";
    default: return NULL;
    }
}

size_t jy_utf8_valid_prefix(const unsigned char *s, size_t n, int *incomplete)
{
    size_t i = 0;
    if (incomplete) *incomplete = 0;
    while (i < n) {
        unsigned c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t len;
        unsigned lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
        if (c >= 0xC2 && c <= 0xDF) len = 2;
        else if (c == 0xE0) { len = 3; lo = 0xA0; }
        else if (c >= 0xE1 && c <= 0xEC) len = 3;
        else if (c == 0xED) { len = 3; hi = 0x9F; } /* no surrogates */
        else if (c >= 0xEE && c <= 0xEF) len = 3;
        else if (c == 0xF0) { len = 4; lo = 0x90; }
        else if (c >= 0xF1 && c <= 0xF3) len = 4;
        else if (c == 0xF4) { len = 4; hi = 0x8F; }
        else return i;
        for (size_t k = 1; k < len; k++) {
            if (i + k >= n) {
                if (incomplete) *incomplete = 1;
                return i;
            }
            unsigned b = s[i + k];
            unsigned l = k == 1 ? lo : 0x80, h = k == 1 ? hi : 0xBF;
            if (b < l || b > h) return i;
        }
        i += len;
    }
    return i;
}

int jy_utf8_check(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    /* fast path: ASCII */
    while (i < n && u[i] < 0x80) i++;
    if (i == n) return 1;
    if (jy_utf8_valid_prefix(u + i, n - i, NULL) != n - i) return 0;
    for (; i + 2 < n; i++)
        if (u[i] == 0xEF && u[i + 1] == 0xBF && u[i + 2] == 0xBD) return 0;
    return 1;
}

/* The multi-byte UTF-8 sequences in buf[0..n) (*valid) and the bytes that start none (*invalid,
 * one each, reading on at the next byte); a sequence cut off by the end counts as neither. */
static void utf8_tally(const unsigned char *buf, size_t n, size_t *valid, size_t *invalid)
{
    *valid = *invalid = 0;
    for (size_t i = 0; i < n;) {
        unsigned c = buf[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t len = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
        unsigned lo = c == 0xE0 ? 0xA0 : c == 0xF0 ? 0x90 : 0x80, hi = c == 0xED ? 0x9F : c == 0xF4 ? 0x8F : 0xBF;
        if (len && i + len > n) return;
        int ok = len && buf[i + 1] >= lo && buf[i + 1] <= hi;
        for (size_t k = 2; ok && k < len; k++) ok = buf[i + k] >= 0x80 && buf[i + k] <= 0xBF;
        if (ok) {
            (*valid)++;
            i += len;
        } else {
            (*invalid)++;
            i++;
        }
    }
}

jy_encoding jy_text_detect(const unsigned char *buf, size_t n, size_t *bom_len)
{
    *bom_len = 0;
    if (n >= 3 && buf[0] == 0xEF && buf[1] == 0xBB && buf[2] == 0xBF) {
        *bom_len = 3;
        return JY_ENC_UTF8;
    }
    if (n >= 4 && buf[0] == 0x84 && buf[1] == 0x31 && buf[2] == 0x95 && buf[3] == 0x33) {
        *bom_len = 4;
        return JY_ENC_GB18030;
    }
    if (n >= 2 && buf[0] == 0xFF && buf[1] == 0xFE) {
        *bom_len = 2;
        return JY_ENC_UTF16LE;
    }
    if (n >= 2 && buf[0] == 0xFE && buf[1] == 0xFF) {
        *bom_len = 2;
        return JY_ENC_UTF16BE;
    }
    int incomplete;
    size_t ok = jy_utf8_valid_prefix(buf, n, &incomplete);
    if (ok == n || incomplete) return JY_ENC_UTF8;
    /* UTF-8 with a few bad bytes (a cell pasted from elsewhere, a truncated character) is still
     * UTF-8: read as GB18030 every Chinese cell of the file would turn to garbage (and its header
     * not be found), where as UTF-8 only the rows holding the bad bytes are rejected. GB18030
     * text forms valid UTF-8 sequences by chance, about one for every three bytes that form none;
     * real UTF-8 has many valid sequences for each bad byte. */
    size_t valid, invalid;
    utf8_tally(buf, n, &valid, &invalid);
    if (valid >= 4 && valid > 4 * invalid) return JY_ENC_UTF8;
    return JY_ENC_GB18030;
}

/* Tops up raw[] from the source, keeping unconsumed bytes at the front. */
static int fill_raw(jy_text_reader *r, jy_err *err)
{
    if (r->raw_pos > 0) {
        memmove(r->raw, r->raw + r->raw_pos, r->raw_len - r->raw_pos);
        r->raw_len -= r->raw_pos;
        r->raw_pos = 0;
    }
    while (!r->eof && r->raw_len < RAW_CAP) {
        size_t want = RAW_CAP - r->raw_len, got;
        if (r->f) {
            got = fread(r->raw + r->raw_len, 1, want, r->f);
            if (got == 0) {
                if (ferror(r->f))
                    return jy_err_set2(err, JY_EIO, "file.read_error", "%s: read error: %s", "%s：读取出错：%s", r->path, strerror(errno));
                r->eof = 1;
            }
        } else {
            got = r->mem_len - r->mem_pos;
            if (got > want) got = want;
            memcpy(r->raw + r->raw_len, r->mem + r->mem_pos, got);
            r->mem_pos += got;
            if (r->mem_pos == r->mem_len) r->eof = 1;
        }
        r->raw_len += got;
        if (r->f && got < want && !r->eof) continue;
        break;
    }
    return 0;
}

static int start(jy_text_reader *r, jy_encoding enc, jy_err *err)
{
    r->cd = (iconv_t)-1;
    r->raw = malloc(RAW_CAP);
    if (!r->raw) return jy_err_set2(err, JY_ENOMEM, "sys.out_of_memory", "out of memory", "内存不足");
    int rc = fill_raw(r, err);
    if (rc) return rc;
    size_t bom = 0;
    jy_encoding found = jy_text_detect(r->raw, r->raw_len, &bom);
    if (enc == JY_ENC_AUTO) enc = found;
    else if (found != enc) bom = 0; /* strip a BOM only when it belongs to the chosen encoding */
    r->enc = enc;
    r->raw_pos = bom;
    const char *from = iconv_name(enc);
    if (from) {
        r->cd = iconv_open("UTF-8", from);
        if (r->cd == (iconv_t)-1)
            return jy_err_set2(err, JY_EIO, "text.iconv", "this system's iconv cannot convert %s to UTF-8", "本系统的 iconv 无法把 %s 转换为 UTF-8",
                              from);
    }
    return 0;
}

int jy_text_reader_open_file(const char *path, jy_encoding enc, jy_text_reader **out, jy_err *err)
{
    *out = NULL;
    jy_text_reader *r = calloc(1, sizeof *r);
    if (!r) return jy_err_set2(err, JY_ENOMEM, "sys.out_of_memory", "out of memory", "内存不足");
    snprintf(r->path, sizeof r->path, "%s", path);
    if (strcmp(path, "-") == 0) {
        r->f = stdin;
    } else {
        r->f = fopen(path, "rb");
        if (!r->f) {
            int e = errno;
            free(r);
            return jy_err_set2(err, JY_EIO, "file.open", "cannot open %s: %s", "无法打开 %s：%s", path, strerror(e));
        }
        r->own_f = 1;
    }
    int rc = start(r, enc, err);
    if (rc) {
        jy_text_reader_free(r);
        return rc;
    }
    *out = r;
    return 0;
}

int jy_text_reader_open_mem(const void *buf, size_t n, jy_encoding enc, jy_text_reader **out,
                            jy_err *err)
{
    *out = NULL;
    jy_text_reader *r = calloc(1, sizeof *r);
    if (!r) return jy_err_set2(err, JY_ENOMEM, "sys.out_of_memory", "out of memory", "内存不足");
    snprintf(r->path, sizeof r->path, "(memory)");
    r->mem = buf;
    r->mem_len = n;
    r->eof = n == 0;
    int rc = start(r, enc, err);
    if (rc) {
        jy_text_reader_free(r);
        return rc;
    }
    *out = r;
    return 0;
}

void jy_text_reader_free(jy_text_reader *r)
{
    if (!r) return;
    if (r->cd != (iconv_t)-1) iconv_close(r->cd);
    if (r->own_f) fclose(r->f);
    free(r->raw);
    free(r);
}

jy_encoding jy_text_reader_encoding(const jy_text_reader *r) { return r->enc; }
int64_t jy_text_reader_replaced(const jy_text_reader *r) { return r->replaced; }

static long read_utf8(jy_text_reader *r, char *buf, size_t cap, jy_err *err)
{
    if (r->raw_pos < r->raw_len) { /* hand out what detection read first */
        size_t n = r->raw_len - r->raw_pos;
        if (n > cap) n = cap;
        memcpy(buf, r->raw + r->raw_pos, n);
        r->raw_pos += n;
        return (long)n;
    }
    if (r->eof) return 0;
    if (r->f) {
        size_t n = fread(buf, 1, cap, r->f);
        if (n == 0) {
            if (ferror(r->f))
                return jy_err_set2(err, JY_EIO, "file.read_error", "%s: read error: %s", "%s：读取出错：%s", r->path, strerror(errno));
            r->eof = 1;
        }
        return (long)n;
    }
    size_t n = r->mem_len - r->mem_pos;
    if (n > cap) n = cap;
    memcpy(buf, r->mem + r->mem_pos, n);
    r->mem_pos += n;
    if (r->mem_pos == r->mem_len) r->eof = 1;
    return (long)n;
}

long jy_text_reader_read(jy_text_reader *r, char *buf, size_t cap, jy_err *err)
{
    if (cap < 8) return jy_err_set2(err, JY_EINVAL, "text.buffer_small", "text reader: buffer too small", "文本读取：缓冲区太小");
    if (r->cd == (iconv_t)-1) return read_utf8(r, buf, cap, err);

    char *out = buf;
    size_t outleft = cap;
    size_t unit = r->enc == JY_ENC_GB18030 ? 1 : 2; /* bytes skipped on an invalid sequence */
    for (;;) {
        if (r->raw_len - r->raw_pos < 8 && !r->eof) {
            int rc = fill_raw(r, err);
            if (rc) return rc;
        }
        if (r->raw_pos == r->raw_len) break; /* all input converted */
        char *in = (char *)r->raw + r->raw_pos;
        size_t inleft = r->raw_len - r->raw_pos;
        size_t res = iconv(r->cd, &in, &inleft, &out, &outleft);
        int e = errno;
        r->raw_pos = r->raw_len - inleft;
        if (res != (size_t)-1) continue; /* consumed all of raw; refill */
        if (e == E2BIG) break;
        if (e == EINVAL && !r->eof) { /* sequence cut by the buffer end: refill */
            int rc = fill_raw(r, err);
            if (rc) return rc;
            continue;
        }
        if (e == EILSEQ || e == EINVAL) {
            if (outleft < 3) break;
            memcpy(out, "\xEF\xBF\xBD", 3);
            out += 3;
            outleft -= 3;
            size_t skip = r->raw_len - r->raw_pos < unit ? r->raw_len - r->raw_pos : unit;
            if (e == EINVAL && r->eof) skip = r->raw_len - r->raw_pos; /* truncated tail */
            r->raw_pos += skip;
            r->replaced++;
            continue;
        }
        return jy_err_set2(err, JY_EIO, "text.convert_failed", "%s: conversion from %s failed: %s", "%s：从 %s 转换失败：%s", r->path,
                          jy_encoding_name(r->enc), strerror(e));
    }
    return (long)(cap - outleft);
}

long jy_text_reader_read_cb(void *ctx, char *buf, size_t cap, jy_err *err)
{
    return jy_text_reader_read(ctx, buf, cap, err);
}

size_t jy_str_copy(char *dst, size_t cap, const char *src)
{
    size_t n = strlen(src);
    if (cap) {
        size_t k = n < cap ? n : cap - 1;
        memcpy(dst, src, k);
        dst[k] = '\0';
    }
    return n;
}
