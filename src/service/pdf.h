/* pdf.h — a printable table form (issue 13 item 3): an A4 PDF laid out like the seed's forms,
 * so an officer can print it, sign it and stamp it.
 *
 * The page, top to bottom: the form number at the left (附件 5-19-2), the title centred and bold,
 * the heading lines (填报单位：…), the table with a grid — the header row bold and shaded and
 * repeated at the top of every page, cells wrapped inside their column (Chinese text breaks
 * between any two characters), the 合计 row bold — then the note, the signature and stamp line
 * (填报人：  审核人：  单位（盖章）：  日期：) with room to sign, and on every page the footer
 * 第 N 页 共 M 页. Wide forms turn landscape. Text is shaped by pango and drawn by cairo's PDF
 * surface; the fonts are Noto Serif / Sans CJK SC (Debian: fonts-noto-cjk), embedded as subsets
 * with their Unicode maps, so pdftotext reads the text back.
 *
 * The model holds only strings: the caller formats figures the way the form prints them. It has
 * no service dependencies; service/report_pdf.c turns a jy_report into one. */
#ifndef JY_SERVICE_PDF_H
#define JY_SERVICE_PDF_H

#include <stddef.h>

#include "base/err.h"
#include "base/sb.h"

#define JY_PDF_MAX_COLS 32

enum jy_pdf_align { JY_PDF_LEFT = 0, JY_PDF_CENTER, JY_PDF_RIGHT };
enum jy_pdf_orient { JY_PDF_AUTO = 0, JY_PDF_PORTRAIT, JY_PDF_LANDSCAPE };

typedef struct jy_pdf_col {
    const char *title; /* header text, wrapped inside the column */
    int width;         /* relative width in characters (a CJK character counts 2) */
    int align;         /* #define JY_PDF_MAX_COLS 32

enum jy_pdf_align, of the body cells; headers are centred */
} jy_pdf_col;

typedef struct jy_pdf_table {
    const char *form;           /* top left ("附件 5-19-2"); NULL or "": none */
    const char *title;          /* the form's title */
    const char *const *heads;   /* nheads lines between the title and the table (填报单位：…) */
    int nheads;
    const jy_pdf_col *cols;     /* 1 ≤ ncols ≤ JY_PDF_MAX_COLS */
    int ncols;
    const char *const *cells;   /* nrows × ncols, row-major; a NULL cell is empty */
    size_t nrows;
    const char *const *total;   /* the 合计 row's ncols cells, or NULL: none */
    const char *note;           /* a paragraph under the table; NULL or "": none */
    const char *const *sign;    /* the signature line's labels, NULL-ended; NULL: none */
    int orientation;            /* enum jy_pdf_orient; AUTO: landscape when portrait is too narrow */
} jy_pdf_table;

/* Renders t as an A4 PDF appended to out; *pages (may be NULL) gets the page count. JY_EINVAL
 * for a table without columns or with text that is not UTF-8 (naming the row and column);
 * JY_ENODATA when no Chinese font is installed;
 * JY_EIO when cairo fails. */
int jy_pdf_table_render(const jy_pdf_table *t, jy_sb *out, int *pages, jy_err *err);

#endif
