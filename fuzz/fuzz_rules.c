/* Fuzz target: the rule-file lexer, parser and compiler (jy_policy_compile_text) on arbitrary
 * bytes. Must never crash, leak or read out of bounds; findings are just counted. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* the parser reads the buffer by length; copy so that no NUL is assumed */
    char *buf = malloc(size ? size : 1);
    if (!buf) return 0;
    memcpy(buf, data, size);
    jy_sb rep = JY_SB_INIT;
    int nerr = 0;
    jy_policy_compile_text("fuzz.rules", buf, size, &rep, &nerr);
    jy_sb_free(&rep);
    free(buf);
    return 0;
}
