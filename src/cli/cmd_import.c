/* jiuye person|org import: placeholder until its owner lands the real command. */
#include "cli/cli.h"

int jy_cli_import(const jy_cli *cli, const char *what, int argc, char **argv)
{
    jy_err err;
    jy_err_set(&err, JY_EUSAGE, "%s import is not built yet", what);
    return jy_cli_fail(&err);
}
