/* Error type helpers; see err.h. */
#include "base/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int jy_err_set(jy_err *err, int code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        err->code = code;
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return code;
}

int jy_err_prefix(jy_err *err, const char *fmt, ...)
{
    if (!err) return JY_EINVAL;
    char prefix[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    size_t plen = strlen(prefix), cap = sizeof err->msg - 1;
    if (plen > cap) plen = cap;
    size_t olen = strnlen(err->msg, cap);
    if (plen + olen > cap) olen = cap - plen; /* truncate the tail, keep the context */
    memmove(err->msg + plen, err->msg, olen);
    memcpy(err->msg, prefix, plen);
    err->msg[plen + olen] = '\0';
    return err->code;
}

void jy_err_clear(jy_err *err)
{
    if (err) {
        err->code = 0;
        err->msg[0] = '\0';
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
