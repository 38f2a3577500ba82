/* Streaming reader of XLSX workbooks (Office Open XML spreadsheets, Excel 2007 and later, WPS)
 * for roster import (花名册导入): one sheet is read row by row, each row as text fields, the way
 * jy_csv hands out CSV records — so an importer can take either (see base/rowsrc.h).
 *
 * What it reads: the zip archive (libzip); _rels/.rels and the workbook's relationships to find
 * the workbook, its sheets, shared strings and styles; xl/workbook.xml for the sheet names and
 * the 1904 date system; xl/sharedStrings.xml (plain and rich-text runs <r><t>, phonetic runs
 * <rPh> left out, _xHHHH_ escapes decoded); xl/styles.xml (which cell styles are dates); the
 * sheet XML (expat), streamed: a row is parsed only when asked for.
 *
 * Cells become text: a string as written; a boolean as TRUE/FALSE; an error value as written
 * (#N/A); a number as Excel shows it in the General format (integers without a decimal point,
 * others to 15 significant digits); a number whose style is a date as YYYY-MM-DD (serials
 * counted with Excel's 1900 leap-year bug; "YYYY-MM-DD HH:MM:SS" when it has a time). A number
 * that a double cannot hold exactly as written (an 18-digit ID number stored as a number,
 * 6.40522199001011E+17) keeps the text as written and is marked JY_XLSX_NUMBER_INEXACT, so the
 * caller can reject it instead of storing lost digits.
 *
 * Rows carry their spreadsheet number (the r attribute): rows Excel left out (empty ones) are
 * skipped, and record numbers match what Excel shows. Cells left out within a row are empty
 * fields, so field i is always column i (A = 0). Merged cells hold their value in the top-left
 * cell only; the other cells are empty.
 *
 * The file is outside input, so the reader is defensive: a DOCTYPE is refused; an archive entry
 * larger than JY_XLSX_MAX_PART bytes uncompressed, or compressed more than JY_XLSX_MAX_RATIO
 * times, is refused before it is inflated; rows, columns and bytes per row are bounded; the
 * chosen sheet is read through once at open (XML well-formed, zip CRC correct) so that a damaged
 * file fails before its first row is handed out. */
#ifndef JY_XLSX_H
#define JY_XLSX_H

#include <stddef.h>
#include <stdint.h>

#include "base/date.h"
#include "base/err.h"

#define JY_XLSX_MAX_ROWS 1048576          /* Excel's own limit */
#define JY_XLSX_MAX_COLS 16384            /* A … XFD */
#define JY_XLSX_MAX_ROW_BYTES (1024 * 1024) /* text of one row, as for CSV records */
#define JY_XLSX_MAX_PART ((uint64_t)1 << 30) /* uncompressed bytes of one XML part */
#define JY_XLSX_MAX_RATIO 500             /* uncompressed / compressed, for parts over 1 MiB */
#define JY_XLSX_MAX_SHEETS 4096

typedef enum jy_xlsx_kind {
    JY_XLSX_EMPTY = 0,        /* no cell, or a cell without a value */
    JY_XLSX_TEXT,             /* shared, inline or formula string */
    JY_XLSX_NUMBER,           /* a number, formatted exactly */
    JY_XLSX_NUMBER_INEXACT,   /* a number whose digits as written a double cannot hold */
    JY_XLSX_BOOL,             /* TRUE / FALSE */
    JY_XLSX_DATE,             /* a number with a date style, as YYYY-MM-DD[ HH:MM:SS] */
    JY_XLSX_ERROR,            /* an error value such as #N/A */
} jy_xlsx_kind;

typedef struct jy_xlsx_opts {
    const char *sheet;     /* sheet name to read; NULL: the first visible sheet */
    uint64_t max_part;     /* 0: JY_XLSX_MAX_PART */
    int64_t max_rows;      /* 0: JY_XLSX_MAX_ROWS */
} jy_xlsx_opts;

typedef struct jy_xlsx jy_xlsx;

/* Opens a workbook and its sheet (opts may be NULL). Fails with JY_EIO (cannot read the file)
 * or JY_EINVAL (not an XLSX file, damaged, truncated, over a limit, no such sheet — the message
 * says which and what to do). */
int jy_xlsx_open_file(const char *path, const jy_xlsx_opts *opts, jy_xlsx **out, jy_err *err);
/* Reads buf[0..n), which must outlive the reader. */
int jy_xlsx_open_mem(const void *buf, size_t n, const jy_xlsx_opts *opts, jy_xlsx **out,
                     jy_err *err);
void jy_xlsx_free(jy_xlsx *x);

/* 1 when buf starts like a zip archive ("PK\3\4"), which every XLSX file does. */
int jy_xlsx_sniff(const void *buf, size_t n);

/* The sheets of the workbook in tab order, and the one being read. */
size_t jy_xlsx_sheet_count(const jy_xlsx *x);
const char *jy_xlsx_sheet_name(const jy_xlsx *x, size_t i);
const char *jy_xlsx_sheet(const jy_xlsx *x);

/* Reads the next row: 1 when one was read, 0 at the end of the sheet, or a negative JY_E*
 * (err names the row). After an error or the end the reader stays at the end. */
int jy_xlsx_next(jy_xlsx *x, jy_err *err);
size_t jy_xlsx_nfields(const jy_xlsx *x);
/* Field i (i < nfields) as NUL-terminated text valid until the next jy_xlsx_next; *len (if
 * non-NULL) gets its size. */
const char *jy_xlsx_field(const jy_xlsx *x, size_t i, size_t *len);
jy_xlsx_kind jy_xlsx_field_kind(const jy_xlsx *x, size_t i);
/* 1 when the current row has no non-empty field. */
int jy_xlsx_blank(const jy_xlsx *x);
/* Spreadsheet row number of the current row (the first row of a sheet is 1). */
int64_t jy_xlsx_record_no(const jy_xlsx *x);

/* Parses a cell reference "A1", "AA10" (letters then digits, column 0-based). Returns 0, or
 * JY_EINVAL when malformed or beyond XFD1048576. row may be NULL; *row is 0 when the
 * reference has letters only. */
int jy_xlsx_ref_parse(const char *ref, size_t n, int *col, int64_t *row);

/* Converts an Excel date serial (whole days) to a date: the 1900 system counts the
 * nonexistent 1900-02-29 as serial 60 (so serial 61 is 1900-03-01, serial 1 is 1900-01-01),
 * the 1904 system counts serial 0 as 1904-01-01. Fails with JY_EINVAL for serial 60 of the
 * 1900 system, serials below 1 (0 in 1904) and after 9999-12-31. */
int jy_xlsx_serial_date(int64_t serial, int date1904, jy_date *out, jy_err *err);

/* 1 when an Excel number format code shows a date or time (y m d h s outside quotes, escapes
 * and [brackets]). */
int jy_xlsx_format_is_date(const char *code);

#endif
