/* Fuzz target for the XLSX reader: the input is opened as a workbook from memory (the first
 * sheet, then the sheet named "S", with a small row limit) and every row is drained. Checks
 * the invariants the importer relies on: fields NUL-terminated at their size, empty cells
 * empty, at most JY_XLSX_MAX_COLS fields and JY_XLSX_MAX_ROW_BYTES-ish bytes per row, row
 * numbers strictly increasing within the limit, and the reader staying at the end. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/rowsrc.h"
#include "base/xlsx.h"

static void drain(const uint8_t *data, size_t size, const jy_xlsx_opts *o)
{
    jy_xlsx *x;
    jy_err err;
    if (jy_xlsx_open_mem(data, size, o, &x, &err) != 0) {
        if (err.code >= 0 || !memchr(err.msg, '\0', sizeof err.msg)) abort();
        return;
    }
    if (jy_xlsx_sheet_count(x) == 0 || !jy_xlsx_sheet(x)) abort();
    jy_rowsrc rs = jy_rowsrc_xlsx(x);
    int64_t last = 0, limit = o && o->max_rows ? o->max_rows : JY_XLSX_MAX_ROWS;
    int rc;
    while ((rc = jy_rows_next(rs, &err)) == 1) {
        int64_t no = jy_rows_record_no(rs);
        if (no <= last || no > limit) abort();
        last = no;
        size_t nf = jy_rows_nfields(rs), total = 0;
        if (nf > JY_XLSX_MAX_COLS) abort();
        for (size_t i = 0; i < nf; i++) {
            size_t n;
            const char *f = jy_rows_field(rs, i, &n);
            if (f[n] != '\0') abort();
            if (jy_xlsx_field_kind(x, i) == JY_XLSX_EMPTY && n != 0) abort();
            total += n;
        }
        if (total > JY_XLSX_MAX_ROW_BYTES + JY_XLSX_MAX_COLS) abort();
        (void)jy_rows_blank(rs);
    }
    if (rc > 1) abort();
    if (jy_xlsx_next(x, &err) != 0) abort(); /* stays at the end */
    jy_xlsx_free(x);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    drain(data, size, NULL);
    jy_xlsx_opts o;
    memset(&o, 0, sizeof o);
    o.sheet = "S";
    o.max_rows = 1000;
    o.max_part = 8u << 20;
    drain(data, size, &o);
    return 0;
}
