/* Text encodings of imported files: detection and streaming conversion to UTF-8.
 *
 * Rosters (花名册) arrive as UTF-8 (with or without a byte-order mark, Excel's "CSV UTF-8"),
 * GB18030/GBK (Excel's plain "CSV" on a Chinese Windows) or UTF-16 with a BOM (Excel's
 * "Unicode text"). A jy_text_reader reads a file or a memory buffer and hands out UTF-8 with
 * any BOM removed; non-UTF-8 input is converted with iconv (glibc has GB18030).
 *
 * Bytes that are not valid in the source encoding come out as U+FFFD (EF BF BD) for converted
 * input; UTF-8 input is passed through unchanged (callers validate with jy_utf8_check). Either
 * way, a caller that finds U+FFFD or invalid UTF-8 in a field knows the field was damaged. */
#ifndef JY_TEXT_H
#define JY_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

typedef enum jy_encoding {
    JY_ENC_AUTO = 0, /* detect from the BOM and the first bytes */
    JY_ENC_UTF8,
    JY_ENC_GB18030,  /* also reads GBK and GB2312, which it contains */
    JY_ENC_UTF16LE,
    JY_ENC_UTF16BE,
} jy_encoding;

/* "auto", "utf-8"/"utf8", "gb18030"/"gbk"/"gb2312", "utf-16le", "utf-16be" (any case). */
int jy_encoding_parse(const char *name, jy_encoding *out, jy_err *err);
const char *jy_encoding_name(jy_encoding e); /* "utf-8", "gb18030", … ("auto" for AUTO) */

/* Guesses the encoding of a file from its first n bytes: a BOM decides; otherwise valid UTF-8
 * (a multi-byte sequence cut off by the end of the sample counts as valid) is UTF-8, and so is
 * text with more than four valid multi-byte UTF-8 sequences for each byte that starts none (UTF-8
 * with a few bad bytes: the rows holding them are rejected, the rest read); anything else is
 * GB18030. *bom_len receives the length of the BOM (0 when none). Never returns AUTO. */
jy_encoding jy_text_detect(const unsigned char *buf, size_t n, size_t *bom_len);

/* Length of the longest prefix of s[0..n) that is valid UTF-8 (RFC 3629: no overlongs, no
 * surrogates, nothing above U+10FFFF). When *incomplete is non-NULL it is set to 1 if the bytes
 * after that prefix are the start of a sequence cut off by n (not an invalid one). */
size_t jy_utf8_valid_prefix(const unsigned char *s, size_t n, int *incomplete);

/* 1 when s[0..n) is valid UTF-8 and holds no U+FFFD (the mark of a damaged conversion). */
int jy_utf8_check(const char *s, size_t n);

/* Copies src into dst[cap] exactly as snprintf(dst, cap, "%s", src) does (cut to cap - 1 bytes,
 * always NUL-terminated when cap > 0), without the printf machinery (~600 instructions a call on
 * the paths every request takes). Returns strlen(src). */
size_t jy_str_copy(char *dst, size_t cap, const char *src);

/* Streaming decoder. */
typedef struct jy_text_reader jy_text_reader;

/* Opens path (or "-" for standard input). enc AUTO detects from the first 64 KiB. */
int jy_text_reader_open_file(const char *path, jy_encoding enc, jy_text_reader **out, jy_err *err);
/* Reads from buf[0..n), which must outlive the reader. */
int jy_text_reader_open_mem(const void *buf, size_t n, jy_encoding enc, jy_text_reader **out,
                            jy_err *err);
void jy_text_reader_free(jy_text_reader *r);

/* The encoding in use (detected, when opened with AUTO). */
jy_encoding jy_text_reader_encoding(const jy_text_reader *r);
/* Bytes that could not be converted and were replaced by U+FFFD so far. */
int64_t jy_text_reader_replaced(const jy_text_reader *r);

/* Reads up to cap bytes of UTF-8 into buf (cap ≥ 8). Returns the number of bytes, 0 at the end,
 * or a negative JY_E* (err says why: a read error). A multi-byte character is never split
 * between two calls when the input is converted. */
long jy_text_reader_read(jy_text_reader *r, char *buf, size_t cap, jy_err *err);

/* Adapter with the signature jy_csv expects: ctx is a jy_text_reader *. */
long jy_text_reader_read_cb(void *ctx, char *buf, size_t cap, jy_err *err);

#endif
