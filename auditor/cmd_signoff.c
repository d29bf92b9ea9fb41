/* placeholder */
#include "util/compat.h"
#include "commands.h"
const tfa_cmd_spec tfa_cmd_signoff_spec = {"sign-off", "", "", NULL, NULL, 0, 0, 0};
int tfa_cmd_signoff(int argc, char **argv)
{
    (void)argc, (void)argv;
    return 2;
}
