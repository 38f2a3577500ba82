/* Fuzz target for the bank-file layout parser (service/bank_layout.h): a layout is data a county
 * adds under policy/bank-layouts/, so any text must be parsed or refused with FILE:LINE, never
 * crash. Invariants checked on success: at least one column, every field known, headers and
 * const texts NUL-terminated within their buffers, memo_max in range; on failure the message
 * names the file. Then the encoder converts the input to GB18030 (or refuses invalid UTF-8). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "service/bank_layout.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    jy_bank_layout L;
    jy_err err;
    int rc = jy_bank_layout_parse("fuzz.layout", (const char *)data, size, &L, &err);
    if (rc == 0) {
        if (L.ncols < 1 || L.ncols > JY_BANK_MAX_COLS) abort();
        if (L.memo_max < 8 || L.memo_max > 200) abort();
        for (int i = 0; i < L.ncols; i++) {
            if (L.cols[i].field < 0 || L.cols[i].field >= JY_BF__COUNT) abort();
            if (!memchr(L.cols[i].header, '\0', sizeof L.cols[i].header)) abort();
            if (!memchr(L.cols[i].text, '\0', sizeof L.cols[i].text)) abort();
        }
    } else if (strncmp(err.msg, "fuzz.layout", 11) != 0) {
        abort();
    }
    jy_sb out = JY_SB_INIT;
    (void)jy_bank_encode("gb18030", (const char *)data, size, &out, &err);
    jy_sb_free(&out);
    return 0;
}
