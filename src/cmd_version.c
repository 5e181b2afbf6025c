/* cmd_version.c - migcheck version. */
#include <stdio.h>

#include "cli.h"
#include "version.h"

int mc_cmd_version(struct mc_cli *cli)
{
  (void)cli;
  puts("migcheck " MC_VERSION);
  return MC_EXIT_OK;
}
