/* Error type helpers; see err.h. */
#include "base/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int jy_err_set(jy_err *err, int code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        err->code = code;
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        err->key = NULL;
        err->zh[0] = '\0';
    }
    return code;
}

int jy_err_setm(jy_err *err, int code, const jy_msg *m, ...)
{
    if (err) {
        va_list ap, ap2;
        va_start(ap, m);
        va_copy(ap2, ap);
        err->code = code;
        err->key = m->key;
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
        /* both formats were checked against the arguments where jy_err_set2 was written */
        vsnprintf(err->msg, sizeof err->msg, m->en, ap);
        vsnprintf(err->zh, sizeof err->zh, m->zh, ap2);
#pragma GCC diagnostic pop
        va_end(ap2);
        va_end(ap);
    }
    return code;
}

/* Puts prefix before buf's text (capacity cap+1), truncating the tail, keeping the context. A
 * cut inside a UTF-8 sequence is trimmed back to the last whole character. */
static void prefix_buf(char *buf, size_t size, const char *prefix)
{
    size_t plen = strlen(prefix), cap = size - 1;
    if (plen > cap) plen = cap;
    size_t olen = strnlen(buf, cap);
    if (plen + olen > cap) {
        olen = cap - plen;
        while (olen > 0 && ((unsigned char)buf[olen] & 0xC0) == 0x80) olen--;
    }
    memmove(buf + plen, buf, olen);
    memcpy(buf, prefix, plen);
    buf[plen + olen] = '\0';
}

int jy_err_prefix(jy_err *err, const char *fmt, ...)
{
    if (!err) return JY_EINVAL;
    char prefix[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    prefix_buf(err->msg, sizeof err->msg, prefix);
    if (err->zh[0]) prefix_buf(err->zh, sizeof err->zh, prefix);
    return err->code;
}

static void prefix_v2(jy_err *err, const char *en, const char *zh, va_list ap)
{
    char p_en[256], p_zh[256];
    va_list ap2;
    va_copy(ap2, ap);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    vsnprintf(p_en, sizeof p_en, en, ap);
    vsnprintf(p_zh, sizeof p_zh, zh, ap2);
#pragma GCC diagnostic pop
    va_end(ap2);
    /* a message without a Chinese text gets the Chinese context before its English text */
    if (!err->zh[0]) snprintf(err->zh, sizeof err->zh, "%s", err->msg);
    prefix_buf(err->msg, sizeof err->msg, p_en);
    prefix_buf(err->zh, sizeof err->zh, p_zh);
}

int jy_err_prefix_v2(jy_err *err, const char *en, const char *zh, ...)
{
    if (!err) return JY_EINVAL;
    va_list ap;
    va_start(ap, zh);
    prefix_v2(err, en, zh, ap);
    va_end(ap);
    return err->code;
}

int jy_err_copy(jy_err *dst, int code, const jy_err *src)
{
    int c = code ? code : src->code;
    if (dst) {
        if (dst != src) memcpy(dst, src, sizeof *dst);
        dst->code = c;
    }
    return c;
}

int jy_err_wrap_v2(jy_err *dst, int code, const jy_err *src, const char *en, const char *zh, ...)
{
    int c = jy_err_copy(dst, code, src);
    if (!dst) return c;
    va_list ap;
    va_start(ap, zh);
    prefix_v2(dst, en, zh, ap);
    va_end(ap);
    return c;
}

void jy_err_clear(jy_err *err)
{
    if (err) {
        err->code = 0;
        err->msg[0] = '\0';
        err->key = NULL;
        err->zh[0] = '\0';
    }
}

const char *jy_err_name(int code)
{
    switch (code) {
    case JY_OK: return "ok";
    case JY_EINVAL: return "invalid";
    case JY_ENOMEM: return "out of memory";
    case JY_EIO: return "i/o error";
    case JY_ENOTFOUND: return "not found";
    case JY_ECONFLICT: return "conflict";
    case JY_EDB: return "database error";
    case JY_ENODATA: return "no data";
    case JY_ETAMPER: return "tampered";
    case JY_EUSAGE: return "usage";
    case JY_EAUTH: return "not authenticated";
    case JY_EDENIED: return "denied";
    case JY_EBUSY: return "busy";
    default: return "error";
    }
}

const char *jy_err_name_zh(int code)
{
    switch (code) {
    case JY_OK: return "成功";
    case JY_EINVAL: return "输入有误";
    case JY_ENOMEM: return "内存不足";
    case JY_EIO: return "文件读写出错";
    case JY_ENOTFOUND: return "未找到";
    case JY_ECONFLICT: return "冲突";
    case JY_EDB: return "数据库出错";
    case JY_ENODATA: return "缺少数据";
    case JY_ETAMPER: return "数据被篡改";
    case JY_EUSAGE: return "用法有误";
    case JY_EAUTH: return "未登录";
    case JY_EDENIED: return "无权操作";
    case JY_EBUSY: return "系统繁忙";
    default: return "出错";
    }
}

static int g_lang = JY_LANG_ZH;

/* Every program linking jiuye (the CLI, the server, the unit tests, the benchmarks) starts in the
 * language JIUYE_LANG names, Chinese when it names none; the CLI's --lang overrides it. */
__attribute__((constructor)) static void lang_from_env(void)
{
    int l = jy_lang_parse(getenv("JIUYE_LANG"));
    if (l >= 0) g_lang = l;
}

void jy_lang_set(int lang) { g_lang = lang == JY_LANG_EN ? JY_LANG_EN : JY_LANG_ZH; }
int jy_lang(void) { return g_lang; }

int jy_lang_parse(const char *s)
{
    if (!s) return -1;
    if (strncasecmp(s, "zh", 2) == 0 || strcasecmp(s, "cn") == 0 || strcasecmp(s, "chinese") == 0 ||
        strcmp(s, "中文") == 0)
        return JY_LANG_ZH;
    if (strncasecmp(s, "en", 2) == 0 || strcasecmp(s, "english") == 0 || strcmp(s, "C") == 0 ||
        strcmp(s, "POSIX") == 0)
        return JY_LANG_EN;
    return -1;
}

const char *jy_err_text(const jy_err *err)
{
    if (!err) return "";
    if (g_lang == JY_LANG_ZH && err->zh[0]) return err->zh;
    return err->msg;
}

const char *jy_err_zh(const jy_err *err)
{
    if (!err) return "";
    return err->zh[0] ? err->zh : err->msg;
}

/* The linker makes __start_jy_msgs/__stop_jy_msgs for the section jy_err_set2 fills; weak, so a
 * program without a single jy_err_set2 site still links (and has an empty catalogue). */
extern const jy_msg *const __start_jy_msgs[] __attribute__((weak));
extern const jy_msg *const __stop_jy_msgs[] __attribute__((weak));

const jy_msg *const *jy_msg_catalogue(size_t *n)
{
    if (!__start_jy_msgs || !__stop_jy_msgs) {
        *n = 0;
        return NULL;
    }
    *n = (size_t)(__stop_jy_msgs - __start_jy_msgs);
    return __start_jy_msgs;
}
