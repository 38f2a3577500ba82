/* Fuzz target for the CSV reader and encoding detection/conversion: the input is read once as
 * raw CSV from memory (first byte picks the separator) and once through a jy_text_reader with
 * automatic encoding detection feeding a callback-driven jy_csv. Checks invariants the importer
 * relies on: field sizes agree with NUL termination positions, records are bounded, and the
 * reader terminates. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/csv.h"
#include "base/text.h"

/* resume: go on past broken records (jy_csv_resume), as the importer does; each one read past
 * takes one record number, and the input shrinks each time, so the reader still terminates */
static void drain(jy_csv *c, int resume)
{
    jy_err err;
    int rc;
    int64_t last = 0;
    for (;;) {
        rc = jy_csv_next(c, &err);
        if (rc < 0 && resume && jy_csv_resume(c)) {
            if (jy_csv_record_no(c) != last + 1) abort();
            last = jy_csv_record_no(c);
            continue;
        }
        if (rc != 1) break;
        size_t nf = jy_csv_nfields(c);
        if (nf == 0 || nf > JY_CSV_MAX_FIELDS) abort();
        if (jy_csv_record_no(c) != last + 1) abort();
        last = jy_csv_record_no(c);
        size_t total = 0;
        for (size_t i = 0; i < nf; i++) {
            size_t n;
            const char *f = jy_csv_field(c, i, &n);
            if (f[n] != '\0') abort();
            total += n;
            (void)jy_utf8_check(f, n);
        }
        if (total > JY_CSV_MAX_RECORD) abort();
        (void)jy_csv_blank(c);
    }
    if (rc == 1 || rc > 1) abort();
    if (jy_csv_next(c, &err) != 0) abort(); /* stays at the end */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char delims[4] = {0, ',', '\t', ';'};
    char delim = size ? delims[data[0] & 3] : 0;

    jy_csv *c = jy_csv_new_mem((const char *)data, size, delim);
    drain(c, 0);
    jy_csv_free(c);
    c = jy_csv_new_mem((const char *)data, size, delim);
    drain(c, 1);
    jy_csv_free(c);

    size_t bom;
    jy_encoding e = jy_text_detect(data, size, &bom);
    if (e == JY_ENC_AUTO || bom > size) abort();

    jy_text_reader *r;
    jy_err err;
    if (jy_text_reader_open_mem(data, size, JY_ENC_AUTO, &r, &err) == 0) {
        c = jy_csv_new(jy_text_reader_read_cb, r, 0);
        drain(c, 1);
        jy_csv_free(c);
        jy_text_reader_free(r);
    }
    return 0;
}
