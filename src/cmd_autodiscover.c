/*
 * cmd_autodiscover.c - migcheck autodiscover --email ADDR [--user DOMAIN\user]
 * [--allow-redirect DOMAIN]...: options to a target, then the check. The
 * Autodiscover options are also read by remote-move --autodiscover
 * (mc_cli_autodiscover_opts).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checks/checks.h"
#include "cli.h"
#include "util/util.h"

/* "443=8443,80=8080" into t->ad.port_map. */
static bool parse_port_map(const char *s, struct mc_target *t)
{
  char *copy = mc_xstrdup(s);
  char *save = NULL;
  bool ok = true;
  for(char *tok = strtok_r(copy, ",", &save); tok && ok; tok = strtok_r(NULL, ",", &save)) {
    char *eq = strchr(tok, '=');
    long from, to;
    ok = eq && t->ad.nport_map < sizeof t->ad.port_map / sizeof t->ad.port_map[0];
    if(ok) {
      *eq = '\0';
      ok = mc_parse_long(tok, 1, 65535, &from) && mc_parse_long(eq + 1, 1, 65535, &to);
    }
    if(ok) {
      t->ad.port_map[t->ad.nport_map][0] = (int)from;
      t->ad.port_map[t->ad.nport_map][1] = (int)to;
      t->ad.nport_map++;
    }
  }
  free(copy);
  return ok && t->ad.nport_map;
}

int mc_cli_autodiscover_opts(struct mc_cli *cli, struct mc_target *t)
{
  char domain[256];
  if(!cli->email)
    return mc_cli_usage_error(cli, "%s needs --email ADDRESS (an on-premises mailbox)",
                              cli->cmd->name);
  if(strlen(cli->email) > 300 || !mc_autodiscover_email_domain(cli->email, domain, sizeof domain))
    return mc_cli_usage_error(cli, "--email '%s' is not an address like alice@contoso.com",
                              cli->email);
  t->ad.email = mc_xstrdup(cli->email);
  for(size_t i = 0; i < cli->nallow_redirect; i++) {
    const char *d = cli->allow_redirect[i];
    char probe[300];
    snprintf(probe, sizeof probe, "x@%s", d);
    if(strlen(d) > 250 || !mc_autodiscover_email_domain(probe, domain, sizeof domain))
      return mc_cli_usage_error(cli, "--allow-redirect '%s' is not a domain like "
                                "fabrikam.com", d);
    t->ad.allow_redirect = mc_xrealloc(t->ad.allow_redirect,
                                    (t->ad.nallow_redirect + 1) * sizeof *t->ad.allow_redirect);
    t->ad.allow_redirect[t->ad.nallow_redirect++] = mc_xstrdup(domain);
  }
  if(cli->port_map && !parse_port_map(cli->port_map, t))
    return mc_cli_usage_error(cli, "--port-map '%s' is not PORT=PORT[,PORT=PORT] (at most 4)",
                              cli->port_map);
  return 0;
}

int mc_check_autodiscover_cli(struct mc_cli *cli, struct mc_report **out)
{
  struct mc_target t = { 0 };
  int rc = 0;
  if(cli->nargs)
    return mc_cli_usage_error(cli, "autodiscover takes no arguments, only --email ADDRESS");
  rc = mc_cli_autodiscover_opts(cli, &t);
  if(!rc)
    rc = mc_cli_credentials(cli, &t);
  if(!rc)
    rc = mc_cli_target(cli, &t);
  if(!rc)
    *out = mc_check_autodiscover(&t);
  mc_target_release(&t);
  return rc;
}
