/*
 * cmd_tls.c - migcheck tls HOST[:PORT]: options to a target, then the check.
 */
#include "checks/checks.h"
#include "cli.h"
#include "util/util.h"

int mc_check_tls_cli(struct mc_cli *cli, struct mc_report **out)
{
  if(cli->nargs != 1)
    return mc_cli_usage_error(cli, cli->nargs ? "tls takes one HOST[:PORT]" :
                              "tls needs a HOST[:PORT]");
  struct mc_target t = { 0 };
  if(!mc_net_split_host_port(cli->args[0], &t.host, &t.port, 443))
    return mc_cli_usage_error(cli, "'%s' is not HOST, HOST:PORT or [IPV6]:PORT with a port "
                              "from 1 to 65535", cli->args[0]);
  int rc = mc_cli_target(cli, &t);
  if(rc)
    return rc;
  *out = mc_check_tls(&t);
  mc_target_release(&t);
  return 0;
}
