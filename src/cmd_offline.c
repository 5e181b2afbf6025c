/*
 * cmd_offline.c - the commands a build without the network checks
 * (-Dnetwork=false, the Windows build) leaves out: each says so in one line
 * and names the build that has it, exit 3 (could not run).
 */
#include <stdio.h>

#include "cli.h"

static int left_out(const struct mc_cli *cli)
{
  fprintf(stderr, "migcheck: '%s' is not in this build, which has only the offline commands "
          "(logs, config, explain, causes); run it with the Linux or macOS build of "
          "migcheck\n", cli->cmd ? cli->cmd->name : "this command");
  return MC_EXIT_CANNOT;
}

int mc_cli_libs_ready(const struct mc_command *cmd)
{
  (void)cmd;
  return 0;                       /* nothing is loaded later in this build */
}

bool mc_cli_split_target(const char *s, char **host, int *port)
{
  (void)s;
  *host = NULL;
  *port = 0;
  return false;       /* no network target in this build */
}

/* The handlers of the commands this build leaves out: each says so. */
#define LEFT_OUT_CHECK(fn) \
  int fn(struct mc_cli *cli, struct mc_report **out) \
  { \
    *out = NULL; \
    return left_out(cli); \
  }
#define LEFT_OUT_COMMAND(fn) \
  int fn(struct mc_cli *cli) \
  { \
    return left_out(cli); \
  }

LEFT_OUT_CHECK(mc_check_ports_cli)
LEFT_OUT_CHECK(mc_check_tls_cli)
LEFT_OUT_CHECK(mc_check_remote_move_cli)
LEFT_OUT_CHECK(mc_check_outlook_anywhere_cli)
LEFT_OUT_CHECK(mc_check_autodiscover_cli)
LEFT_OUT_CHECK(mc_check_imap_cli)
LEFT_OUT_COMMAND(mc_cmd_lab)
LEFT_OUT_COMMAND(mc_cmd_demo)
LEFT_OUT_COMMAND(mc_cmd_batch)
