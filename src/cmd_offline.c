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

bool mc_cli_split_target(const char *s, char **host, int *port)
{
  (void)s;
  *host = NULL;
  *port = 0;
  return false;       /* no network target in this build */
}

static int left_out_check(struct mc_cli *cli, struct mc_report **out)
{
  *out = NULL;
  return left_out(cli);
}

int mc_check_ports_cli(struct mc_cli *cli, struct mc_report **out)
{
  return left_out_check(cli, out);
}

int mc_check_tls_cli(struct mc_cli *cli, struct mc_report **out)
{
  return left_out_check(cli, out);
}

int mc_check_remote_move_cli(struct mc_cli *cli, struct mc_report **out)
{
  return left_out_check(cli, out);
}

int mc_check_outlook_anywhere_cli(struct mc_cli *cli, struct mc_report **out)
{
  return left_out_check(cli, out);
}

int mc_check_autodiscover_cli(struct mc_cli *cli, struct mc_report **out)
{
  return left_out_check(cli, out);
}

int mc_check_imap_cli(struct mc_cli *cli, struct mc_report **out)
{
  return left_out_check(cli, out);
}

int mc_cmd_lab(struct mc_cli *cli)
{
  return left_out(cli);
}

int mc_cmd_demo(struct mc_cli *cli)
{
  return left_out(cli);
}

int mc_cmd_batch(struct mc_cli *cli)
{
  return left_out(cli);
}
