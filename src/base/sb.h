/* String builder: a growable, always NUL-terminated byte buffer.
 *
 * A jy_sb owns its buffer (malloc); jy_sb_free releases it, jy_sb_take hands it to the caller.
 * Allocation failure aborts. The jy_sb_json_* helpers append JSON text; strings are escaped per
 * RFC 8259 and must be UTF-8 (bytes are passed through, control characters escaped).
 *
 * Every write grows the builder: the append functions, and jy_sb_extend for a caller that fills
 * bytes itself, first make the content longer by exactly what they write. Nothing outside this
 * file writes into buf past len: jy_sb_reserve is a capacity hint and gives no such right (issue
 * 10: a caller that reserved too little and then wrote through buf overflowed the heap). In
 * AddressSanitizer builds the unused capacity is poisoned (a "container overflow" annotation), so
 * a write past the content is reported where it happens even when the capacity would hold it.
 * buf and len may be read; len may be lowered (jy_sb_truncate, or len-- to reopen a JSON object
 * before appending again), never raised from outside. */
#ifndef JY_SB_H
#define JY_SB_H

#include <stddef.h>
#include <stdint.h>

typedef struct jy_sb {
    char *buf;
    size_t len, cap;
    size_t open; /* private: bytes [0, open) are unpoisoned in sanitizer builds */
} jy_sb;

#define JY_SB_INIT {NULL, 0, 0, 0}

void jy_sb_init(jy_sb *sb);
void jy_sb_free(jy_sb *sb);
void jy_sb_reset(jy_sb *sb);            /* empty, keep capacity */
char *jy_sb_take(jy_sb *sb);            /* caller frees; sb becomes empty */
const char *jy_sb_cstr(const jy_sb *sb); /* "" when nothing appended yet */
/* A capacity hint: the next appends totalling extra bytes do not reallocate. Writing into buf
 * after it is still an overflow: use the append functions or jy_sb_extend. */
void jy_sb_reserve(jy_sb *sb, size_t extra);
/* Makes the content n bytes longer and returns where those n bytes start; the caller fills
 * exactly them (their value is unspecified until then). The text stays NUL-terminated. */
char *jy_sb_extend(jy_sb *sb, size_t n);
/* Shortens the content to its first n bytes (n > len: no change). */
void jy_sb_truncate(jy_sb *sb, size_t n);
void jy_sb_append(jy_sb *sb, const char *s);
void jy_sb_appendn(jy_sb *sb, const char *s, size_t n);
void jy_sb_appendc(jy_sb *sb, char c);
void jy_sb_appendf(jy_sb *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void jy_sb_append_i64(jy_sb *sb, int64_t v);

/* JSON pieces. jy_sb_json_str appends a quoted, escaped string ("null" for NULL); bytes that are
 * not well-formed UTF-8 become U+FFFD, so the JSON text is always valid (fuzz_api_body found an
 * error message quoting raw query bytes). */
void jy_sb_json_str(jy_sb *sb, const char *s);
void jy_sb_json_strn(jy_sb *sb, const char *s, size_t n);
/* Appends ,"key": (comma omitted when the previous character is '{' or '['). */
void jy_sb_json_key(jy_sb *sb, const char *key);
void jy_sb_json_kv_str(jy_sb *sb, const char *key, const char *value);
void jy_sb_json_kv_i64(jy_sb *sb, const char *key, int64_t value);
void jy_sb_json_kv_bool(jy_sb *sb, const char *key, int value);

#endif
