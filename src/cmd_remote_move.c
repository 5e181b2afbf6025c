/*
 * cmd_remote_move.c - migcheck remote-move --server HOST[:PORT]
 * [--user DOMAIN\user] [--repeat N]: options to a target (the credentials
 * through credentials.c, or the host through Autodiscover), then the check.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/checks.h"
#include "cli.h"
#include "config/endpoint.h"
#include "util/util.h"

static int remote_move(struct mc_cli *cli, struct mc_report **out)
{
  const char *server = cli->server;
  if(cli->nargs > (server ? 0u : 1u))
    return mc_cli_usage_error(cli, "remote-move takes one --server HOST[:PORT]");
  if(!server && cli->nargs == 1)
    server = cli->args[0];
  if(!server && !cli->autodiscover)
    return mc_cli_usage_error(cli, "remote-move needs --server HOST[:PORT] (or --email "
                              "ADDRESS --autodiscover)");
  if(server && cli->autodiscover)
    return mc_cli_usage_error(cli, "give --server or --autodiscover, not both");
  if(cli->email && !cli->autodiscover)
    return mc_cli_usage_error(cli, "--email goes with --autodiscover");
  struct mc_target t = { 0 };
  int rc = 0;
  if(server && !mc_net_split_host_port(server, &t.host, &t.port, 443))
    return mc_cli_usage_error(cli, "'%s' is not HOST, HOST:PORT or [IPV6]:PORT with a port "
                              "from 1 to 65535", server);
  if(cli->autodiscover && (rc = mc_cli_autodiscover_opts(cli, &t)) != 0)
    goto out;
  long repeat = 6;
  if(cli->repeat && !mc_parse_long(cli->repeat, 0, 50, &repeat)) {
    rc = mc_cli_usage_error(cli, "--repeat '%s' is not a whole number from 0 to 50",
                            cli->repeat);
    goto out;
  }
  t.rm.repeat = (int)repeat;
  t.rm.no_large_request = cli->no_large_request;
  return mc_cli_run_signed_in(cli, &t, mc_check_remote_move, out);
out:
  mc_target_release(&t);
  return rc;
}

/* --endpoint-file fills the options first (endpoint_cli.c). */
int mc_check_remote_move_cli(struct mc_cli *cli, struct mc_report **out)
{
  return mc_cli_endpoint_check(cli, MC_EP_REMOTE_MOVE, remote_move, out);
}
