/*
 * endpoint_cli.c - --endpoint-file FILE [--endpoint NAME|N] for the checks
 * whose endpoint Exchange Online keeps (remote-move, outlook-anywhere,
 * imap): the values come from Get-MigrationEndpoint output, so the check
 * tests exactly what the cloud holds, and the report gains a step that
 * judges those values (lib/config/endpoint.c).
 *
 * Options given on the command line win over the file's values.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "config/endpoint.h"
#include "util/input.h"
#include "util/util.h"

static void fill(char **slot, const char *v)
{
  if(!*slot && v)
    *slot = mc_xstrdup(v);
}

static int read_file(const struct mc_cli *cli, struct mc_buf *b)
{
  char why[160];
  mc_code rc = mc_input_read(cli->endpoint_file, 0, b, why, sizeof why);
  if(rc == MC_ERR_LIMIT)
    return mc_cli_usage_error(cli, "--endpoint-file '%s' is larger than %zu bytes",
                              cli->endpoint_file, b->limit);
  if(rc)
    return mc_cli_usage_error(cli, "cannot read --endpoint-file '%s': %s", cli->endpoint_file,
                              why);
  return 0;
}

/* Fills the options the command line left empty from the endpoint ep:
 * its host (and port), the names and settings of its type, the user. */
static int fill_options(struct mc_cli *cli, const struct mc_mig_endpoint *ep)
{
  const char *host = mc_endpoint_host(ep);
  if(!host)
    return mc_cli_usage_error(cli, "endpoint '%s' has no %s", ep->identity,
                              ep->type == MC_EP_OUTLOOK_ANYWHERE ? "RpcProxyServer" :
                              "RemoteServer");
  /* Remote move and Outlook Anywhere use 443; a port in the file is
   * tested as written, and judged (ENDPOINT_PORT_NOT_443). */
  char *hostport = ep->port ? mc_xasprintf(strchr(host, ':') ? "[%s]:%d" : "%s:%d", host,
                                           ep->port) : mc_xstrdup(host);
  switch(ep->type) {
  case MC_EP_REMOTE_MOVE:
    fill(&cli->server, hostport);
    break;
  case MC_EP_OUTLOOK_ANYWHERE:
    fill(&cli->rpc_proxy, hostport);
    fill(&cli->exchange_server, ep->exchange_server);
    if(ep->auth && !cli->auth)
      cli->auth = mc_xstrdup(strcasecmp(ep->auth, "NTLM") == 0 ? "ntlm" : "basic");
    break;
  case MC_EP_IMAP:
    if(!cli->nargs) {
      cli->args = mc_xrealloc(cli->args, 2 * sizeof *cli->args);
      cli->args[0] = mc_xstrdup(hostport);
      cli->args[1] = NULL;
      cli->nargs = 1;
    }
    if(ep->security && !cli->security) {
      cli->security = mc_xstrdup(ep->security);
      for(char *c = cli->security; *c; c++)
        *c = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
    }
    break;
  case MC_EP_OTHER:
    break;
  }
  free(hostport);
  fill(&cli->user, ep->username);
  return 0;
}

static int read_endpoint(struct mc_cli *cli, int want, struct mc_mig_endpoint **out)
{
  *out = NULL;
  if(!cli->endpoint_file) {
    if(cli->endpoint)
      return mc_cli_usage_error(cli, "--endpoint goes with --endpoint-file");
    return 0;
  }
  struct mc_buf b = MC_BUF_INIT(MC_CONFIG_FILE_LIMIT);
  struct mc_mig_endpoint *eps = NULL;
  size_t neps = 0;
  const char *form = "";
  char err[512];
  int rc = read_file(cli, &b);
  if(rc)
    goto out;
  if(mc_endpoint_file_parse(b.ptr ? b.ptr : "", b.len, &eps, &neps, &form, err, sizeof err)) {
    rc = mc_cli_usage_error(cli, "--endpoint-file '%s': %s", cli->endpoint_file, err);
    goto out;
  }
  const struct mc_mig_endpoint *ep = NULL;
  if(cli->endpoint) {
    ep = mc_endpoint_select(eps, neps, cli->endpoint);
    if(!ep) {
      rc = mc_cli_usage_error(cli, "--endpoint '%s': no such endpoint in '%s' (%zu endpoint%s; "
                              "give its Identity or its position)", cli->endpoint,
                              cli->endpoint_file, neps, neps == 1 ? "" : "s");
      goto out;
    }
  }
  else {
    size_t count = 0;
    const struct mc_mig_endpoint *number = NULL;
    for(size_t i = 0; i < neps; i++) {
      if((int)eps[i].type == want && !count++)
        ep = &eps[i];
      if(!number && mc_endpoint_type_is_number(&eps[i]))
        number = &eps[i];
    }
    if(!count && number)
      ep = number;     /* its type is unknown: said below */
    else if(count != 1) {
      rc = mc_cli_usage_error(cli, "'%s' holds %zu %s endpoint%s: choose one with --endpoint "
                              "NAME|N, or check them all with 'migcheck batch %s'",
                              cli->endpoint_file, count,
                              mc_endpoint_type_label((enum mc_endpoint_type)want),
                              count == 1 ? "" : "s", cli->endpoint_file);
      goto out;
    }
  }
  if(mc_endpoint_type_is_number(ep)) {
    char *why = mc_endpoint_type_number_error(ep, cli->endpoint_file);
    rc = mc_cli_usage_error(cli, "%s", why);
    free(why);
    goto out;
  }
  if((int)ep->type != want) {
    rc = mc_cli_usage_error(cli, "endpoint '%s' is of type %s, not for 'migcheck %s'",
                            ep->identity, ep->type_name, cli->cmd->name);
    goto out;
  }
  rc = fill_options(cli, ep);
  if(rc)
    goto out;
  /* Hand out a copy: eps goes now. */
  struct mc_mig_endpoint *copy = mc_xcalloc(1, sizeof *copy);
  *copy = *ep;
  memset((struct mc_mig_endpoint *)ep, 0, sizeof *ep);
  *out = copy;
out:
  mc_endpoint_list_free(eps, neps);
  mc_buf_release(&b);
  return rc;
}

int mc_cli_endpoint_check(struct mc_cli *cli, int want, mc_check_fn check,
                          struct mc_report **out)
{
  struct mc_mig_endpoint *ep;
  if(cli->endpoint_file && cli->autodiscover)
    return mc_cli_usage_error(cli, "give --endpoint-file or --autodiscover, not both");
  int rc = read_endpoint(cli, want, &ep);
  if(rc)
    return rc;
  rc = check(cli, out);
  if(ep && *out)
    mc_endpoint_judge(*out, ep, cli->endpoint_file);
  if(ep) {
    mc_endpoint_release(ep);
    free(ep);
  }
  return rc;
}
