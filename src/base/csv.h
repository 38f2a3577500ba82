/* Streaming CSV reader (RFC 4180, plus what spreadsheets really write).
 *
 * Reads records one at a time from a byte source (a callback, e.g. a jy_text_reader, or a memory
 * buffer) without a malloc per field: each record's fields are unescaped into one reused buffer
 * and stay valid until the next jy_csv_next call. Each field is NUL-terminated as well as sized
 * (a field may itself hold NUL bytes; then the size is the truth).
 *
 * Accepted: fields in double quotes with "" for a quote and embedded separators and line breaks;
 * line ends LF, CRLF or lone CR; a UTF-8 byte-order mark at the start (skipped); a last line
 * without a line end. The separator is given or detected from the first line (comma, tab or
 * semicolon, whichever occurs most outside quotes; comma when none does). Lenient like Excel:
 * a quote inside an unquoted field is an ordinary character, and text after a closing quote
 * (`"ab"c`) is appended to the field. An unterminated quoted field and a record longer than
 * JY_CSV_MAX_RECORD bytes are errors. */
#ifndef JY_CSV_H
#define JY_CSV_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

#define JY_CSV_MAX_RECORD (1024 * 1024) /* bytes of one record after unescaping */
#define JY_CSV_MAX_FIELDS 4096

/* Byte source: fills up to cap bytes of buf, returns the count, 0 at the end, or a negative
 * JY_E* (with err filled). */
typedef long (*jy_csv_read_fn)(void *ctx, char *buf, size_t cap, jy_err *err);

typedef struct jy_csv jy_csv;

/* delim: ',' '\t' ';' …, or 0 to detect it from the first line. */
jy_csv *jy_csv_new(jy_csv_read_fn read, void *ctx, char delim);
/* Reads buf[0..n), which must outlive the reader. */
jy_csv *jy_csv_new_mem(const char *buf, size_t n, char delim);
void jy_csv_free(jy_csv *c);

/* Reads the next record: returns 1 when one was read, 0 at the end of the input, or a negative
 * JY_E* with err naming the line (an unterminated quote, an oversized record, a read error).
 * After an error the reader stays at the end. A blank line is a record with one empty field. */
int jy_csv_next(jy_csv *c, jy_err *err);

/* After jy_csv_next returned an error for a broken record — a quoted field that ran past a line
 * end and was never closed (a stray quote: to the end of the file, or past JY_CSV_MAX_RECORD) —
 * reading can go on where the broken record would have ended had the quote been an ordinary
 * character: at the line after the record's first line. Returns 1 when the reader now resumes
 * there (the broken record counts as one record: the next has the number after it), 0 when it
 * cannot (any other error; a quote broken within its first line) and stays at the end. */
int jy_csv_resume(jy_csv *c);

size_t jy_csv_nfields(const jy_csv *c);
/* Field i of the current record (i < nfields); *len (if non-NULL) receives its size. */
const char *jy_csv_field(const jy_csv *c, size_t i, size_t *len);
/* 1 when the current record has no non-empty field. */
int jy_csv_blank(const jy_csv *c);
/* Record number of the current record (the first is 1) and the physical line it starts on. */
int64_t jy_csv_record_no(const jy_csv *c);
int64_t jy_csv_line_no(const jy_csv *c);
/* The separator in use (after detection). */
char jy_csv_delim(const jy_csv *c);

/* Appends s[0..n) to sb as one CSV field (quoted when it holds a separator, a quote, a line
 * break or leading/trailing spaces). Declared here so writers and readers agree. */
struct jy_sb;
void jy_csv_append_field(struct jy_sb *sb, const char *s, size_t n, char delim);

#endif
