/* Error type: a code and a message a person can act on.
 *
 * Contract: a function that can fail returns int (0 ok, a negative JY_E* code on failure) and,
 * when given a non-NULL jy_err *, fills it with the same code and a human message. A NULL
 * jy_err * is allowed everywhere and means "caller does not want the message". */
#ifndef JY_ERR_H
#define JY_ERR_H

#include <stddef.h>

enum {
    JY_OK = 0,
    JY_EINVAL = -1,    /* bad input: the message names the field and the reason */
    JY_ENOMEM = -2,
    JY_EIO = -3,       /* file or socket trouble */
    JY_ENOTFOUND = -4, /* the thing asked for does not exist */
    JY_ECONFLICT = -5, /* duplicate, concurrent change, or a rule forbids the change */
    JY_EDB = -6,       /* the database reported an error */
    JY_ENODATA = -7,   /* the data needed to answer is missing (e.g. a calendar year) */
    JY_ETAMPER = -8,   /* integrity check failed (audit chain) */
    JY_EUSAGE = -9,    /* wrong command-line usage */
    /* Added with accounts and sessions (issue 11; src/service/auth.h), for the HTTP layer's
     * status codes: */
    JY_EAUTH = -10,    /* not authenticated: wrong name or password, locked, unknown or expired
                          session, second factor pending (HTTP 401) */
    JY_EDENIED = -11,  /* authenticated but not allowed: role, area, ownership (HTTP 403) */
    JY_EBUSY = -12,    /* overloaded, retry later: the password-hashing pool is full (HTTP 429/503) */
};

typedef struct jy_err {
    int code;
    char msg[512];
} jy_err;

/* Sets err (if non-NULL) to code and the printf-style message; returns code. */
int jy_err_set(jy_err *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prefixes err's message with a printf-style context ("row 12: " ...); returns err->code. */
int jy_err_prefix(jy_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

void jy_err_clear(jy_err *err);

/* A short English name of the code ("invalid", "not found", ...). */
const char *jy_err_name(int code);

#endif
