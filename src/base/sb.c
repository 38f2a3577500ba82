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
    char tmp[24];
    int n = snprintf(tmp, sizeof tmp, "%" PRId64, v);
    jy_sb_appendn(sb, tmp, (size_t)n);
}

/* Length of the well-formed UTF-8 sequence at p (RFC 3629: no overlong forms, no surrogates,
 * nothing above U+10FFFF), 0 when the bytes there are not one. */
static size_t utf8_seq(const char *p, size_t n)
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

void jy_sb_json_strn(jy_sb *sb, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    jy_sb_reserve(sb, n + 2);
    jy_sb_appendc(sb, '"');
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *esc = NULL;
        char u[7];
        switch (c) {
        case '"': esc = "\\\""; break;
        case '\\': esc = "\\\\"; break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        case '\t': esc = "\\t"; break;
        default:
            if (c < 0x20) {
                u[0] = '\\'; u[1] = 'u'; u[2] = '0'; u[3] = '0';
                u[4] = hex[c >> 4]; u[5] = hex[c & 15]; u[6] = '\0';
                esc = u;
            } else if (c >= 0x80) {
                size_t k = utf8_seq(s + i, n - i);
                if (k) {
                    i += k - 1;
                    continue;
                }
                esc = "\xEF\xBF\xBD"; /* JSON is UTF-8: a byte that is not becomes U+FFFD */
            }
        }
        if (esc) {
            jy_sb_appendn(sb, s + start, i - start);
            jy_sb_append(sb, esc);
            start = i + 1;
        }
    }
    jy_sb_appendn(sb, s + start, n - start);
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
    if (sb->len > 0) {
        char last = sb->buf[sb->len - 1];
        if (last != '{' && last != '[') jy_sb_appendc(sb, ',');
    }
    jy_sb_json_str(sb, key);
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
