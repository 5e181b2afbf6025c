/*
 * cmd_imap.c - migcheck imap HOST[:PORT] [--security ssl|tls|none]
 * [--user USER]: options to a target (the password through credentials.c),
 * then the check.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/checks.h"
#include "cli.h"
#include "config/endpoint.h"
#include "util/util.h"

static int imap(struct mc_cli *cli, struct mc_report **out)
{
  static const struct { const char *name; enum mc_imap_security sec; int port; } secs[] = {
    { "ssl", MC_IMAP_SSL, 993 }, { "tls", MC_IMAP_TLS, 143 }, { "none", MC_IMAP_NONE, 143 },
    { "starttls", MC_IMAP_TLS, 143 },    /* what most mail clients call tls */
  };
  if(cli->nargs != 1)
    return mc_cli_usage_error(cli, "imap takes one HOST[:PORT]");
  size_t k = 0;
  if(cli->security) {
    for(k = 0; k < sizeof secs / sizeof secs[0]; k++)
      if(strcasecmp(cli->security, secs[k].name) == 0)
        break;
    if(k == sizeof secs / sizeof secs[0])
      return mc_cli_usage_error(cli, "--security '%s' is not ssl, tls (starttls) or none", cli->security);
  }
  struct mc_target t = { 0 };
  if(!mc_net_split_host_port(cli->args[0], &t.host, &t.port, secs[k].port))
    return mc_cli_usage_error(cli, "'%s' is not HOST, HOST:PORT or [IPV6]:PORT with a port "
                              "from 1 to 65535", cli->args[0]);
  t.imap.security = secs[k].sec;
  return mc_cli_run_signed_in(cli, &t, mc_check_imap, out);
}

/* --endpoint-file fills the options first (endpoint_cli.c). */
int mc_check_imap_cli(struct mc_cli *cli, struct mc_report **out)
{
  return mc_cli_endpoint_check(cli, MC_EP_IMAP, imap, out);
}
