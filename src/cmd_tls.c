/*
 * cmd_tls.c - migcheck tls HOST[:PORT]: options to a target, then the check.
 */
#include <stdio.h>
#include <unistd.h>

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
  if(cli->ca_file) {
    if(access(cli->ca_file, R_OK) != 0) {
      mc_target_release(&t);
      return mc_cli_usage_error(cli, "cannot read --ca-file '%s'", cli->ca_file);
    }
    t.ca_file = mc_xstrdup(cli->ca_file);
  }
  if(cli->sni)
    t.sni = mc_xstrdup(cli->sni);
  t.insecure = cli->insecure;
  int rc = mc_cli_net_opts(cli, &t.net);
  if(rc) {
    mc_target_release(&t);
    return rc;
  }
  t.timeout_ms = t.net.timeout_ms;
  *out = mc_check_tls(&t);
  mc_target_release(&t);
  return 0;
}
