/* jiuye audit: placeholder until its owner lands the real command. */
#include "cli/cli.h"

int jy_cmd_audit(const jy_cli *cli, int argc, char **argv)
{
    jy_err err;
    jy_err_set(&err, JY_EUSAGE, "command \"audit\" is not built yet");
    return jy_cli_fail(&err);
}
