/* String builder; see sb.h. */
#include "base/sb.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void jy_sb_init(jy_sb *sb)
{
    sb->buf = NULL;
    sb->len = sb->cap = 0;
}

void jy_sb_free(jy_sb *sb)
{
    free(sb->buf);
    jy_sb_init(sb);
}

void jy_sb_reset(jy_sb *sb)
{
    sb->len = 0;
    if (sb->buf) sb->buf[0] = '\0';
}

char *jy_sb_take(jy_sb *sb)
{
    jy_sb_reserve(sb, 0);
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
    size_t need = sb->len + extra + 1;
    if (need <= sb->cap) return;
    size_t cap = sb->cap ? sb->cap : 64;
    while (cap < need) cap *= 2;
    char *nb = realloc(sb->buf, cap);
    if (!nb) {
        fputs("jiuye: out of memory\n", stderr);
        abort();
    }
    sb->buf = nb;
    sb->cap = cap;
}

void jy_sb_appendn(jy_sb *sb, const char *s, size_t n)
{
    jy_sb_reserve(sb, n);
    memcpy(sb->buf + sb->len, s, n);
    sb->len += n;
    sb->buf[sb->len] = '\0';
}

void jy_sb_append(jy_sb *sb, const char *s)
{
    jy_sb_appendn(sb, s, strlen(s));
}

void jy_sb_appendc(jy_sb *sb, char c)
{
    jy_sb_reserve(sb, 1);
    sb->buf[sb->len++] = c;
    sb->buf[sb->len] = '\0';
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
    jy_sb_reserve(sb, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    sb->len += (size_t)n;
}

void jy_sb_append_i64(jy_sb *sb, int64_t v)
{
    char tmp[24];
    int n = snprintf(tmp, sizeof tmp, "%" PRId64, v);
    jy_sb_appendn(sb, tmp, (size_t)n);
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
