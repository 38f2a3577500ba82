/* Output helpers shared by the commands; see cli.h. */
#include "cli/cli.h"

#include <stdio.h>

void jy_cli_print(const jy_sb *sb)
{
    fputs(jy_sb_cstr(sb), stdout);
    fputc('\n', stdout);
}

int jy_cli_fail(const jy_err *err)
{
    fprintf(stderr, "jiuye: %s\n", err && err->msg[0] ? err->msg : "failed");
    return err && err->code == JY_EUSAGE ? JY_EXIT_USAGE : JY_EXIT_FAIL;
}

int jy_cli_usage(const char *usage)
{
    fprintf(stderr, "usage: %s\n", usage);
    return JY_EXIT_USAGE;
}
