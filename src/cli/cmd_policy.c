/* jiuye policy: placeholder until its owner lands the real command. */
#include "cli/cli.h"

int jy_cmd_policy(const jy_cli *cli, int argc, char **argv)
{
    jy_err err;
    jy_err_set(&err, JY_EUSAGE, "command \"policy\" is not built yet");
    return jy_cli_fail(&err);
}
