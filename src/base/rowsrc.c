/* Row sources over jy_csv and jy_xlsx; see rowsrc.h. */
#include "base/rowsrc.h"

static int csv_next(void *c, jy_err *err) { return jy_csv_next(c, err); }
static size_t csv_nfields(const void *c) { return jy_csv_nfields(c); }
static const char *csv_field(const void *c, size_t i, size_t *len) { return jy_csv_field(c, i, len); }
static int csv_blank(const void *c) { return jy_csv_blank(c); }
static int64_t csv_record_no(const void *c) { return jy_csv_record_no(c); }
static jy_xlsx_kind csv_kind(const void *c, size_t i)
{
    size_t n = 0;
    if (i < jy_csv_nfields(c)) jy_csv_field(c, i, &n);
    return n ? JY_XLSX_TEXT : JY_XLSX_EMPTY;
}

static int csv_resume(void *c) { return jy_csv_resume(c); }

static const jy_rowsrc_ops csv_ops = {csv_next, csv_nfields, csv_field, csv_blank, csv_record_no, csv_kind, csv_resume};

jy_rowsrc jy_rowsrc_csv(jy_csv *c)
{
    jy_rowsrc r = {&csv_ops, c};
    return r;
}

static int xlsx_next(void *x, jy_err *err) { return jy_xlsx_next(x, err); }
static size_t xlsx_nfields(const void *x) { return jy_xlsx_nfields(x); }
static const char *xlsx_field(const void *x, size_t i, size_t *len) { return jy_xlsx_field(x, i, len); }
static int xlsx_blank(const void *x) { return jy_xlsx_blank(x); }
static int64_t xlsx_record_no(const void *x) { return jy_xlsx_record_no(x); }
static jy_xlsx_kind xlsx_kind(const void *x, size_t i) { return jy_xlsx_field_kind(x, i); }

static const jy_rowsrc_ops xlsx_ops = {xlsx_next, xlsx_nfields, xlsx_field, xlsx_blank, xlsx_record_no, xlsx_kind, NULL};

jy_rowsrc jy_rowsrc_xlsx(jy_xlsx *x)
{
    jy_rowsrc r = {&xlsx_ops, x};
    return r;
}
