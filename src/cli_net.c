/*
 * cli_net.c - the options every network check shares, turned into the
 * check's target: --timeout, --resolve, --dns-server, --ca-file, --sni,
 * --insecure. Built only with the network checks (-Dnetwork=true).
 */
#include "cli.h"

#include <string.h>

#include "checks/checks.h"
#include "util/input.h"
#include "util/util.h"

int mc_cli_net_opts(const struct mc_cli *cli, struct mc_net_opts *net)
{
  char err[256];
  net->timeout_ms = (int)(cli->timeout_s ? cli->timeout_s : MC_DEFAULT_TIMEOUT_S) * 1000;
  for(size_t i = 0; i < cli->nresolve; i++) {
    if(mc_net_add_override(net, cli->resolve[i], err, sizeof err))
      return mc_cli_usage_error(cli, "%s", err);
  }
  if(cli->dns_server) {
    if(!mc_net_valid_dns_server(cli->dns_server))
      return mc_cli_usage_error(cli, "--dns-server '%s' is not ADDRESS or ADDRESS:PORT "
                                "(IPv6 as [ADDRESS]:PORT)", cli->dns_server);
    net->dns_server = mc_xstrdup(cli->dns_server);
  }
  return 0;
}

int mc_cli_target(const struct mc_cli *cli, struct mc_target *t)
{
  char why[160];
  if(cli->ca_file && mc_input_check(cli->ca_file, 0, why, sizeof why) != MC_OK) {
    mc_target_release(t);
    return mc_cli_usage_error(cli, "cannot read --ca-file '%s': %s", cli->ca_file, why);
  }
  int rc = mc_cli_net_opts(cli, &t->net);
  if(rc) {
    mc_target_release(t);
    return rc;
  }
  t->timeout_ms = t->net.timeout_ms;
  if(cli->ca_file)
    t->ca_file = mc_xstrdup(cli->ca_file);
  if(cli->sni)
    t->sni = mc_xstrdup(cli->sni);
  t->insecure = cli->insecure;
  t->no_channel_binding = cli->no_channel_binding;
  t->no_large_request = cli->no_large_request;
  return 0;
}
