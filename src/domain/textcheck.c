/* UTF-8 helpers for the identifier validators' messages; see textcheck.h. */
#include "domain/textcheck.h"

#include <stdio.h>
#include <string.h>

size_t jy_tc_utf8_len(const unsigned char *s, size_t n)
{
    if (n == 0) return 0;
    unsigned c = s[0];
    size_t len;
    unsigned min;
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) { len = 2; min = 0x80; }
    else if (c >= 0xE0 && c <= 0xEF) { len = 3; min = 0x800; }
    else if (c >= 0xF0 && c <= 0xF4) { len = 4; min = 0x10000; }
    else return 0;
    if (n < len) return 0;
    unsigned cp = c & (0xFF >> (len + 1));
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return len;
}

/* 1 when s[0..n) starts with a full-width ASCII digit or letter (3 bytes EF BC/BD xx). */
static int is_fullwidth(const unsigned char *s, size_t n)
{
    if (n < 3 || s[0] != 0xEF) return 0;
    if (s[1] == 0xBC) return (s[2] >= 0x90 && s[2] <= 0x99) || (s[2] >= 0xA1 && s[2] <= 0xBA);
    if (s[1] == 0xBD) return s[2] >= 0x81 && s[2] <= 0x9A;
    return 0;
}

/* the Chinese name of a field named in English by the callers */
static const char *field_zh(const char *field)
{
    static const struct { const char *en, *zh; } names[] = {
        {"ID number", "身份证号码"},      {"card number", "银行卡号"},
        {"mobile number", "手机号码"},    {"credit code", "统一社会信用代码"},
        {"social security card number", "社会保障卡号"},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(field, names[i].en) == 0) return names[i].zh;
    return field;
}

int jy_tc_reject_fullwidth(const char *s, size_t n, const char *field, jy_err *err)
{
    const unsigned char *u = (const unsigned char *)s;
    if (!memchr(s, 0xEF, n)) return 0; /* every full-width character starts with EF */
    for (size_t i = 0; i < n; i++) {
        if (!is_fullwidth(u + i, n - i)) continue;
        size_t j = i, shown = 0;
        while (j < n && is_fullwidth(u + j, n - j) && shown < 6) { j += 3; shown++; }
        int more = j < n && is_fullwidth(u + j, n - j);
        int id = strcmp(field, "ID number") == 0;
        return jy_err_set2(err, JY_EINVAL, "text.fullwidth",
                           "%1$s has full-width characters \"%3$.*2$s%4$s\" (from a Chinese input "
                           "method): type ASCII digits 0-9%5$s%6$.0s%7$.0s",
                           "%6$s含有全角字符“%3$.*2$s%4$s”（中文输入法打出的）：请改用半角数字0-9%7$s%1$.0s%5$.0s",
                           field, (int)(j - i), s + i, more ? "…" : "", id ? " and X" : "",
                           field_zh(field), id ? "和 X" : "");
    }
    return 0;
}

size_t jy_tc_describe(const char *s, size_t n, char *buf, size_t bufsz)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t len = jy_tc_utf8_len(u, n);
    if (len == 0) {
        snprintf(buf, bufsz, "byte 0x%02X", u[0]);
        return 1;
    }
    if (len == 1) {
        if (u[0] == ' ') snprintf(buf, bufsz, "a space");
        else if (u[0] == '\t') snprintf(buf, bufsz, "a tab");
        else if (u[0] < 0x20 || u[0] == 0x7F) snprintf(buf, bufsz, "control character 0x%02X", u[0]);
        else if (u[0] == '"' || u[0] == '\\') snprintf(buf, bufsz, "'%c'", u[0]);
        else snprintf(buf, bufsz, "\"%c\"", u[0]);
        return 1;
    }
    snprintf(buf, bufsz, "\"%.*s\"", (int)len, s);
    return len;
}

size_t jy_tc_count_chars(const char *s, size_t n)
{
    size_t ascii = 0;
    while (ascii < n && (unsigned char)s[ascii] < 0x80) ascii++;
    if (ascii == n) return n; /* ASCII: a byte is a character */
    size_t k = 0;
    for (size_t i = 0; i < n; k++) {
        size_t len = jy_tc_utf8_len((const unsigned char *)s + i, n - i);
        i += len ? len : 1;
    }
    return k;
}
