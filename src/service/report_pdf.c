/* report_pdf.c — the one place a jy_report becomes a jy_pdf_table (report_pdf.h). */
#include "service/report_pdf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "service/pdf.h"

/* The signature and stamp line printed under every report (填报人、审核人、单位盖章、日期). */

/* The cell as the printed form shows it, in the arena ("" for empty). */
static const char *cell_str(jy_arena *a, const jy_cell *c)
{
    char buf[64];
    switch (c->type) {
    case JY_CELL_TEXT: return c->s ? c->s : "";
    case JY_CELL_INT: snprintf(buf, sizeof buf, "%lld", (long long)c->v); break;
    case JY_CELL_MONEY: jy_money_format(c->v, buf); break;
    case JY_CELL_DATE: jy_date_format((jy_date)c->v, buf); break;
    case JY_CELL_PERCENT:
        snprintf(buf, sizeof buf, "%s%lld.%02lld%%", c->v < 0 ? "-" : "", (long long)(llabs(c->v) / 100),
                 (long long)(llabs(c->v) % 100));
        break;
    default: return "";
    }
    return jy_arena_strdup(a, buf);
}

/* Columns of figures right-aligned, dates and 序号 centred, text left: as the column's first
 * non-empty cell (or the 合计 row's) is typed. */
static int col_align(const jy_report *r, int k)
{
    if (r->cols[k].title && strcmp(r->cols[k].title, "序号") == 0) return JY_PDF_CENTER;
    int type = JY_CELL_EMPTY;
    for (size_t i = 0; i < r->nrows && type == JY_CELL_EMPTY; i++) type = r->cells[i * (size_t)r->ncols + k].type;
    if (type == JY_CELL_EMPTY && r->has_total) type = r->total[k].type;
    switch (type) {
    case JY_CELL_INT:
    case JY_CELL_MONEY:
    case JY_CELL_PERCENT: return JY_PDF_RIGHT;
    case JY_CELL_DATE: return JY_PDF_CENTER;
    default: return JY_PDF_LEFT;
    }
}

int jy_report_pdf(const jy_report *r, jy_sb *out, jy_err *err)
{
    jy_arena *a = jy_arena_new(0);
    size_t n = r->nrows * (size_t)r->ncols;
    const char **cells = jy_arena_alloc(a, (n ? n : 1) * sizeof *cells);
    const char **total = jy_arena_alloc(a, (size_t)(r->ncols ? r->ncols : 1) * sizeof *total);
    jy_pdf_col cols[JY_REPORT_MAX_COLS];
    for (int k = 0; k < r->ncols; k++) {
        cols[k].title = r->cols[k].title;
        cols[k].width = r->cols[k].width;
        cols[k].align = col_align(r, k);
    }
    for (size_t i = 0; i < n; i++) cells[i] = cell_str(a, &r->cells[i]);
    for (int k = 0; k < r->ncols && r->has_total; k++) total[k] = cell_str(a, &r->total[k]);
    jy_pdf_table t = {
        .form = r->form,
        .title = r->title,
        .heads = r->heads,
        .nheads = r->nheads,
        .cols = cols,
        .ncols = r->ncols,
        .cells = cells,
        .nrows = r->nrows,
        .total = r->has_total ? total : NULL,
        .note = r->note,
        .sign = r->sign ? jy_report_sign_labels : NULL,
    };
    int rc = jy_pdf_table_render(&t, out, NULL, err);
    jy_arena_free(a);
    return rc;
}
