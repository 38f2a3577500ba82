/* Error type: a code and a message a person can act on, in English and in Chinese.
 *
 * Contract: a function that can fail returns int (0 ok, a negative JY_E* code on failure) and,
 * when given a non-NULL jy_err *, fills it with the same code and a human message. A NULL
 * jy_err * is allowed everywhere and means "caller does not want the message".
 *
 * Messages (issue 13 item 4, docs/messages.md): a message set with jy_err_set2 carries a stable
 * key ("idcard.check_char"), its English text (msg) and its Chinese text (zh). Every
 * jy_err_set2 site also records its key and both formats in the message catalogue (the linker
 * section "jy_msgs", walked by jy_msg_catalogue; `jiuye messages` lists it), and the compiler
 * checks BOTH formats against the arguments (-Wformat: a Chinese text must use every argument,
 * with positional %1$s … where its word order differs). The CLI prints jy_err_text (Chinese by
 * default, `--lang en` or JIUYE_LANG=en for English); the API returns both (docs/api.md). */
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

/* One catalogue entry: a message's stable key, its English and Chinese formats, and where it is
 * set. Keys are lower-case dotted words ("date.no_such_day"); one key, one pair of texts. */
typedef struct jy_msg {
    const char *key;
    const char *en;
    const char *zh;
    const char *file;
    int line;
} jy_msg;

typedef struct jy_err {
    int code;
    char msg[512];   /* English */
    const char *key; /* the message's stable key (a catalogue entry's), or NULL: set by jy_err_set */
    char zh[512];    /* Chinese, or "" when the message has none (jy_err_set) */
} jy_err;

/* Sets err (if non-NULL) to code and the printf-style English message, without a key or a
 * Chinese text; returns code. New messages use jy_err_set2; tests/cli/messages_catalogue.sh
 * refuses jy_err_set in the layers already converted. */
int jy_err_set(jy_err *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The compile-time format check of jy_err_set2 and jy_err_prefix2 (never called). */
static inline void jy_fmt_check_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline void jy_fmt_check_(const char *fmt, ...) { (void)fmt; }

/* Sets err (if non-NULL) to code, the catalogue entry m, and both texts formatted with the same
 * arguments; returns code. Use through jy_err_set2. */
int jy_err_setm(jy_err *err, int code, const jy_msg *m, ...);

/* jy_err_set2(err, code, "idcard.check_char", "English %s", "中文%s", args…): sets err as
 * jy_err_setm and records the message in the catalogue. key, en and zh must be string literals;
 * the arguments are evaluated once. */
#define jy_err_set2(err, code, key, en, zh, ...)                                                    \
    __extension__({                                                                                 \
        static const jy_msg jy_msg_ = {key, en, zh, __FILE__, __LINE__};                            \
        static const jy_msg *const jy_msgp_ __attribute__((section("jy_msgs"), used)) = &jy_msg_;   \
        (void)jy_msgp_;                                                                             \
        if (0) {                                                                                    \
            jy_fmt_check_(en, ##__VA_ARGS__);                                                       \
            jy_fmt_check_(zh, ##__VA_ARGS__);                                                       \
        }                                                                                           \
        jy_err_setm((err), (code), &jy_msg_, ##__VA_ARGS__);                                        \
    })

/* Prefixes err's message with a printf-style context ("row 12: " ...); returns err->code. The
 * same English context is put before the Chinese text when there is one; converted code uses
 * jy_err_prefix2. */
int jy_err_prefix(jy_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prefixes both texts: jy_err_prefix2(err, "row %d: ", "第%d行：", n). Returns err->code. */
int jy_err_prefix_v2(jy_err *err, const char *en, const char *zh, ...);
#define jy_err_prefix2(err, en, zh, ...)                                                            \
    __extension__({                                                                                 \
        if (0) {                                                                                    \
            jy_fmt_check_(en, ##__VA_ARGS__);                                                       \
            jy_fmt_check_(zh, ##__VA_ARGS__);                                                       \
        }                                                                                           \
        jy_err_prefix_v2((err), en, zh, ##__VA_ARGS__);                                             \
    })

/* Copies src (code, key and both texts) into dst with code (0: src's own), then prefixes both
 * texts as jy_err_prefix2: the usual "context: reason" wrap of a lower layer's error. */
#define jy_err_wrap2(dst, code, src, en, zh, ...)                                                   \
    __extension__({                                                                                 \
        if (0) {                                                                                    \
            jy_fmt_check_(en, ##__VA_ARGS__);                                                       \
            jy_fmt_check_(zh, ##__VA_ARGS__);                                                       \
        }                                                                                           \
        jy_err_wrap_v2((dst), (code), (src), en, zh, ##__VA_ARGS__);                                \
    })
int jy_err_wrap_v2(jy_err *dst, int code, const jy_err *src, const char *en, const char *zh, ...);

/* Copies src into dst (its key and both texts) with code (0: src's own); returns the code. dst
 * may be NULL; src may equal dst. Instead of a jy_err_set of "%s" with src.msg, which loses
 * the Chinese text. */
int jy_err_copy(jy_err *dst, int code, const jy_err *src);

void jy_err_clear(jy_err *err);

/* A short English name of the code ("invalid", "not found", ...). */
const char *jy_err_name(int code);
/* The same in Chinese ("输入有误", "未找到", ...). */
const char *jy_err_name_zh(int code);

/* The language messages are shown in by jy_err_text: JY_LANG_ZH (the default) or JY_LANG_EN.
 * Process-wide: $JIUYE_LANG at start (any program linking jiuye), then the CLI's --lang. */
enum { JY_LANG_ZH = 0, JY_LANG_EN = 1 };
void jy_lang_set(int lang);
int jy_lang(void);
/* "zh"/"zh-CN"/"zh_CN.UTF-8"/"cn"/"chinese" → JY_LANG_ZH, "en"/"en_US…"/"english" → JY_LANG_EN,
 * anything else → -1. */
int jy_lang_parse(const char *s);

/* err's message in the current language: the Chinese text when the language is Chinese and
 * the message has one, else the English; "" for NULL. */
const char *jy_err_text(const jy_err *err);
/* err's Chinese text, else its English one (for the API's message_zh). */
const char *jy_err_zh(const jy_err *err);

/* The catalogue of every jy_err_set2 site linked into the program (sites, not distinct keys:
 * a key set in two places appears twice). *n is the count; entries point at static data. */
const jy_msg *const *jy_msg_catalogue(size_t *n);

#endif
