/*
 * cmd_ports.c - migcheck ports HOST [PORT...]: options to a target, the
 * check, the report.
 */
#include <stdlib.h>

#include "checks/checks.h"
#include "cli.h"
#include "util/util.h"

int mc_check_ports_cli(struct mc_cli *cli, struct mc_report **out)
{
  if(cli->nargs < 1)
    return mc_cli_usage_error(cli, "ports needs a HOST");
  struct mc_target t = { 0 };
  int port;
  if(!mc_net_split_host_port(cli->args[0], &t.host, &port, 0))
    return mc_cli_usage_error(cli, "'%s' is not a host name or address", cli->args[0]);
  t.ports.list = mc_xcalloc(cli->nargs + 1, sizeof *t.ports.list);
  if(port)
    t.ports.list[t.ports.n++] = port;
  for(size_t i = 1; i < cli->nargs; i++) {
    long p;
    if(!mc_parse_long(cli->args[i], 1, 65535, &p)) {
      mc_target_release(&t);
      return mc_cli_usage_error(cli, "port '%s' is not a number from 1 to 65535",
                                cli->args[i]);
    }
    if(t.ports.n >= 60) {
      mc_target_release(&t);
      return mc_cli_usage_error(cli, "at most 60 ports at once");
    }
    t.ports.list[t.ports.n++] = (int)p;
  }
  t.ports.legacy_rpc = cli->legacy_rpc;
  int rc = mc_cli_target(cli, &t);
  if(rc)
    return rc;
  *out = mc_check_ports(&t);
  mc_target_release(&t);
  return 0;
}
