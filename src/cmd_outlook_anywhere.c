/*
 * cmd_outlook_anywhere.c - migcheck outlook-anywhere --exchange-server NAME
 * --rpc-proxy HOST[:PORT] (or --email ADDRESS --autodiscover) [--auth
 * basic|ntlm] [--user DOMAIN\user]: options to a target, then the check.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checks/checks.h"
#include "cli.h"
#include "config/endpoint.h"
#include "util/util.h"

/* An RPC server name: a host name, NetBIOS name or <guid>@domain; it goes
 * into the query string as it is, so only these characters. */
static bool valid_server_name(const char *s)
{
  size_t n = strlen(s);
  if(!n || n > 255)
    return false;
  for(const char *c = s; *c; c++) {
    if(!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
         strchr(".-_@", *c)))
      return false;
  }
  return true;
}

static int outlook_anywhere(struct mc_cli *cli, struct mc_report **out)
{
  if(cli->nargs)
    return mc_cli_usage_error(cli, "outlook-anywhere takes no arguments, only "
                              "--exchange-server NAME --rpc-proxy HOST[:PORT]");
  if(cli->autodiscover && (cli->rpc_proxy || cli->exchange_server))
    return mc_cli_usage_error(cli, "give --rpc-proxy and --exchange-server, or --email "
                              "ADDRESS --autodiscover, not both");
  if(cli->email && !cli->autodiscover)
    return mc_cli_usage_error(cli, "--email goes with --autodiscover");
  if(!cli->autodiscover && !cli->rpc_proxy)
    return mc_cli_usage_error(cli, "outlook-anywhere needs --rpc-proxy HOST[:PORT] (or "
                              "--email ADDRESS --autodiscover)");
  if(!cli->autodiscover && !cli->exchange_server)
    return mc_cli_usage_error(cli, "outlook-anywhere needs --exchange-server NAME");
  if(cli->exchange_server && !valid_server_name(cli->exchange_server))
    return mc_cli_usage_error(cli, "--exchange-server '%s' is not a server name (letters, "
                              "digits, '.', '-', '_', '@')", cli->exchange_server);
  struct mc_target t = { 0 };
  int rc = 0;
  if(cli->rpc_proxy && !mc_net_split_host_port(cli->rpc_proxy, &t.host, &t.port, 443))
    return mc_cli_usage_error(cli, "'%s' is not HOST, HOST:PORT or [IPV6]:PORT with a port "
                              "from 1 to 65535", cli->rpc_proxy);
  if(cli->exchange_server)
    t.oa.exchange_server = mc_xstrdup(cli->exchange_server);
  if(cli->autodiscover && (rc = mc_cli_autodiscover_opts(cli, &t)) != 0)
    goto out;
  if(cli->auth) {
    if(strcasecmp(cli->auth, "ntlm") == 0)
      t.oa.auth = MC_HTTP_AUTH_NTLM;
    else if(strcasecmp(cli->auth, "basic") != 0) {
      rc = mc_cli_usage_error(cli, "--auth '%s' is not basic or ntlm", cli->auth);
      goto out;
    }
  }
  return mc_cli_run_signed_in(cli, &t, mc_check_outlook_anywhere, out);
out:
  mc_target_release(&t);
  return rc;
}

/* --endpoint-file fills the options first (endpoint_cli.c). */
int mc_check_outlook_anywhere_cli(struct mc_cli *cli, struct mc_report **out)
{
  return mc_cli_endpoint_check(cli, MC_EP_OUTLOOK_ANYWHERE, outlook_anywhere, out);
}
