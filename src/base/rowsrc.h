/* Row sources: one interface over the readers a roster can come from (CSV through jy_csv,
 * XLSX through jy_xlsx), so that the importer reads rows without knowing the format.
 *
 * A jy_rowsrc is a small value (an ops table and the reader it wraps); it does not own the
 * reader. The calls mean what the wrapped reader's calls mean (csv.h, xlsx.h): next returns 1,
 * 0 at the end or a negative JY_E*; fields are valid until the next call to next; record_no is
 * the spreadsheet row number. kind(i) says what field i was in the file (jy_xlsx_kind): CSV
 * fields are always JY_XLSX_TEXT or JY_XLSX_EMPTY; an XLSX cell holding an 18-digit ID number
 * as a number is JY_XLSX_NUMBER_INEXACT (its digits were lost). */
#ifndef JY_ROWSRC_H
#define JY_ROWSRC_H

#include <stddef.h>
#include <stdint.h>

#include "base/csv.h"
#include "base/err.h"
#include "base/xlsx.h"

typedef struct jy_rowsrc_ops {
    int (*next)(void *impl, jy_err *err);
    size_t (*nfields)(const void *impl);
    const char *(*field)(const void *impl, size_t i, size_t *len);
    int (*blank)(const void *impl);
    int64_t (*record_no)(const void *impl);
    jy_xlsx_kind (*kind)(const void *impl, size_t i);
    int (*resume)(void *impl); /* after an error: 1 when reading goes on past it (jy_csv_resume) */
} jy_rowsrc_ops;

typedef struct jy_rowsrc {
    const jy_rowsrc_ops *ops;
    void *impl;
} jy_rowsrc;

jy_rowsrc jy_rowsrc_csv(jy_csv *c);
jy_rowsrc jy_rowsrc_xlsx(jy_xlsx *x);

static inline int jy_rows_next(jy_rowsrc r, jy_err *err) { return r.ops->next(r.impl, err); }
static inline size_t jy_rows_nfields(jy_rowsrc r) { return r.ops->nfields(r.impl); }
static inline const char *jy_rows_field(jy_rowsrc r, size_t i, size_t *len) { return r.ops->field(r.impl, i, len); }
static inline int jy_rows_blank(jy_rowsrc r) { return r.ops->blank(r.impl); }
static inline int64_t jy_rows_record_no(jy_rowsrc r) { return r.ops->record_no(r.impl); }
/* After next returned an error: 1 when the source reads on past the broken record (a CSV
 * record with a stray quote, jy_csv_resume), 0 when it stays at the end. */
static inline int jy_rows_resume(jy_rowsrc r) { return r.ops->resume ? r.ops->resume(r.impl) : 0; }
static inline jy_xlsx_kind jy_rows_kind(jy_rowsrc r, size_t i) { return r.ops->kind(r.impl, i); }
/* 1 when field i is a number whose digits as written were lost (see xlsx.h). */
static inline int jy_rows_inexact(jy_rowsrc r, size_t i) { return r.ops->kind(r.impl, i) == JY_XLSX_NUMBER_INEXACT; }
/* 1 when field i was a number in the file (exact or not), not text. */
static inline int jy_rows_numeric(jy_rowsrc r, size_t i)
{
    jy_xlsx_kind k = r.ops->kind(r.impl, i);
    return k == JY_XLSX_NUMBER || k == JY_XLSX_NUMBER_INEXACT;
}

#endif
