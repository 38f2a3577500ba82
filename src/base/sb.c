/* String builder; see sb.h. */
#include "base/sb.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* AddressSanitizer: the capacity past the content (and its NUL) is marked unaddressable, as
 * std::vector does, so a write past len is reported even inside the allocation. */
#if defined(__SANITIZE_ADDRESS__)
#define SB_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SB_ASAN 1
#endif
#endif
#ifdef SB_ASAN
#include <sanitizer/common_interface_defs.h>
/* Moves the end of the addressable bytes from sb->open to `to` (the buffer is 16-aligned and its
 * capacity a multiple of 16, as the annotation needs). */
static void sb_open_to(jy_sb *sb, size_t to)
{
    if (sb->buf && sb->open != to)
        __sanitizer_annotate_contiguous_container(sb->buf, sb->buf + sb->cap, sb->buf + sb->open, sb->buf + to);
    sb->open = to;
}
#else
static void sb_open_to(jy_sb *sb, size_t to)
{
    sb->open = to;
}
#endif

/* Poisons everything past the content's NUL. */
static void sb_mark(jy_sb *sb)
{
    if (sb->buf) sb_open_to(sb, sb->len + 1);
}

static void __attribute__((noreturn)) sb_oom(void)
{
    fputs("jiuye: out of memory\n", stderr);
    abort();
}

/* Makes the capacity at least len + extra + 1; leaves the new capacity addressable (callers
 * sb_mark once they have set len). */
static void sb_grow(jy_sb *sb, size_t extra)
{
    if (extra > SIZE_MAX - 16 - sb->len) sb_oom();
    size_t need = sb->len + extra + 1;
    if (need <= sb->cap) return;
    size_t cap = sb->cap ? sb->cap : 64;
    while (cap < need) cap = cap <= SIZE_MAX / 2 ? cap * 2 : (need + 15) & ~(size_t)15;
    sb_open_to(sb, sb->cap); /* no annotation may outlive the allocation it describes */
    char *nb = realloc(sb->buf, cap);
    if (!nb) sb_oom();
    sb->buf = nb;
    sb->cap = cap;
    sb->open = cap; /* a fresh allocation is addressable throughout */
}

void jy_sb_init(jy_sb *sb)
{
    sb->buf = NULL;
    sb->len = sb->cap = sb->open = 0;
}

void jy_sb_free(jy_sb *sb)
{
    sb_open_to(sb, sb->cap);
    free(sb->buf);
    jy_sb_init(sb);
}

void jy_sb_reset(jy_sb *sb)
{
    sb->len = 0;
    if (sb->buf) {
        sb_mark(sb);
        sb->buf[0] = '\0';
    }
}

char *jy_sb_take(jy_sb *sb)
{
    sb_grow(sb, 0);
    if (sb->len == 0) sb->buf[0] = '\0';
    sb_open_to(sb, sb->cap); /* the caller's now: all of it addressable */
    char *p = sb->buf;
    jy_sb_init(sb);
    return p;
}

const char *jy_sb_cstr(const jy_sb *sb)
{
    return sb->buf ? sb->buf : "";
}

void jy_sb_reserve(jy_sb *sb, size_t extra)
{
    sb_grow(sb, extra);
    sb_mark(sb);
}

char *jy_sb_extend(jy_sb *sb, size_t n)
{
    sb_grow(sb, n);
    char *p = sb->buf + sb->len;
    sb->len += n;
    sb_mark(sb);
    sb->buf[sb->len] = '\0';
    return p;
}

void jy_sb_truncate(jy_sb *sb, size_t n)
{
    if (n >= sb->len) return;
    sb->len = n;
    sb->buf[n] = '\0';
    sb_mark(sb);
}

void jy_sb_appendn(jy_sb *sb, const char *s, size_t n)
{
    char *p = jy_sb_extend(sb, n);
    if (n) memcpy(p, s, n);
}

void jy_sb_append(jy_sb *sb, const char *s)
{
    jy_sb_appendn(sb, s, strlen(s));
}

void jy_sb_appendc(jy_sb *sb, char c)
{
    *jy_sb_extend(sb, 1) = c;
}

void jy_sb_appendf(jy_sb *sb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char small[256];
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n < sizeof small) {
        jy_sb_appendn(sb, small, (size_t)n);
        return;
    }
    char *p = jy_sb_extend(sb, (size_t)n); /* n bytes, then the NUL vsnprintf writes */
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
}

void jy_sb_append_i64(jy_sb *sb, int64_t v)
{
    /* by hand: snprintf's format machinery was ~600 instructions a number, and a case's answer
     * writes a few dozen (ids, years, counts) */
    char tmp[24];
    char *e = tmp + sizeof tmp, *p = e;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0) *--p = '-';
    jy_sb_appendn(sb, p, (size_t)(e - p));
}

/* Length of the well-formed UTF-8 sequence at p (RFC 3629: no overlong forms, no surrogates,
 * nothing above U+10FFFF), 0 when the bytes there are not one. */
static inline size_t utf8_seq(const char *p, size_t n)
{
    const unsigned char *u = (const unsigned char *)p;
    unsigned char c = u[0];
    size_t k;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) k = 2;
    else if (c >= 0xE0 && c <= 0xEF) k = 3, lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
    else if (c >= 0xF0 && c <= 0xF4) k = 4, lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
    else return 0;
    if (n < k || u[1] < lo || u[1] > hi) return 0;
    for (size_t i = 2; i < k; i++)
        if (u[i] < 0x80 || u[i] > 0xBF) return 0;
    return k;
}

/* 1 for the bytes a JSON string carries as they are: printable ASCII except '"' and '\\'. Bytes
 * from 0x80 are checked as UTF-8 sequences; the rest are escaped. */
static const unsigned char json_plain[256] = {
    [0x20] = 1, [0x21] = 1, [0x23 ... 0x5B] = 1, [0x5D ... 0x7F] = 1,
};

/* Whether none of the 8 bytes in w needs a look: no byte from 0x80, below 0x20, '"' or '\\'
 * (the "has a byte less than" and "has a zero byte" word tricks; exact as to whether one exists). */
static int plain8(uint64_t w)
{
    const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
    uint64_t q = w ^ (ones * '"'), b = w ^ (ones * '\\');
    uint64_t bad = (w & high) | ((w - ones * 0x20) & ~w & high) | ((q - ones) & ~q & high) | ((b - ones) & ~b & high);
    return bad == 0;
}

/* The end of the run of s[i..n) that is copied as it is: plain ASCII (eight bytes at a time) and
 * well-formed UTF-8 (Chinese text: a byte at a time, eight bytes between word checks so that a
 * failing check costs little). */
static size_t json_run(const char *s, size_t i, size_t n)
{
    while (i < n) {
        uint64_t w;
        if (n - i >= 8) {
            memcpy(&w, s + i, 8);
            if (plain8(w)) {
                i += 8;
                continue;
            }
        }
        size_t stop = n - i > 8 ? i + 8 : n;
        while (i < stop) {
            unsigned char c = (unsigned char)s[i];
            if (json_plain[c]) {
                i++;
            } else if (c >= 0x80) {
                size_t k = utf8_seq(s + i, n - i);
                if (!k) return i;
                i += k;
            } else {
                return i;
            }
        }
    }
    return i;
}

/* A string is copied in runs (most strings are one run: quote, the bytes, quote in a single
 * write) instead of byte by byte through a switch; a case read escapes ~200 strings. */
void jy_sb_json_strn(jy_sb *sb, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t run = json_run(s, 0, n);
    if (run == n) {
        char *p = jy_sb_extend(sb, n + 2);
        p[0] = '"';
        if (n) memcpy(p + 1, s, n);
        p[n + 1] = '"';
        return;
    }
    jy_sb_reserve(sb, n + 8);
    jy_sb_appendc(sb, '"');
    size_t i = 0;
    for (;;) {
        if (run > i) jy_sb_appendn(sb, s + i, run - i);
        i = run;
        if (i >= n) break;
        unsigned char c = (unsigned char)s[i];
        char u[6];
        switch (c) {
        case '"': jy_sb_appendn(sb, "\\\"", 2); break;
        case '\\': jy_sb_appendn(sb, "\\\\", 2); break;
        case '\n': jy_sb_appendn(sb, "\\n", 2); break;
        case '\r': jy_sb_appendn(sb, "\\r", 2); break;
        case '\t': jy_sb_appendn(sb, "\\t", 2); break;
        default:
            if (c < 0x20) {
                u[0] = '\\'; u[1] = 'u'; u[2] = '0'; u[3] = '0';
                u[4] = hex[c >> 4]; u[5] = hex[c & 15];
                jy_sb_appendn(sb, u, 6);
            } else { /* a byte from 0x80 that does not start a well-formed sequence (json_run) */
                jy_sb_appendn(sb, "\xEF\xBF\xBD", 3); /* JSON is UTF-8: it becomes U+FFFD */
            }
        }
        run = json_run(s, ++i, n);
    }
    jy_sb_appendc(sb, '"');
}

void jy_sb_json_str(jy_sb *sb, const char *s)
{
    if (!s) {
        jy_sb_append(sb, "null");
        return;
    }
    jy_sb_json_strn(sb, s, strlen(s));
}

void jy_sb_json_key(jy_sb *sb, const char *key)
{
    int comma = 0;
    if (sb->len > 0) {
        char last = sb->buf[sb->len - 1];
        comma = last != '{' && last != '[';
    }
    size_t n = strlen(key);
    if (json_run(key, 0, n) == n) { /* the usual key: ,"key": in one write */
        char *p = jy_sb_extend(sb, n + 3 + (size_t)comma);
        if (comma) *p++ = ',';
        *p++ = '"';
        memcpy(p, key, n);
        p[n] = '"';
        p[n + 1] = ':';
        return;
    }
    if (comma) jy_sb_appendc(sb, ',');
    jy_sb_json_strn(sb, key, n);
    jy_sb_appendc(sb, ':');
}

void jy_sb_json_kv_str(jy_sb *sb, const char *key, const char *value)
{
    jy_sb_json_key(sb, key);
    jy_sb_json_str(sb, value);
}

void jy_sb_json_kv_i64(jy_sb *sb, const char *key, int64_t value)
{
    jy_sb_json_key(sb, key);
    jy_sb_append_i64(sb, value);
}

void jy_sb_json_kv_bool(jy_sb *sb, const char *key, int value)
{
    jy_sb_json_key(sb, key);
    jy_sb_append(sb, value ? "true" : "false");
}
