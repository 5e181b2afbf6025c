/*
 * cli_net.c - the options every network check shares, turned into the
 * check's target: --timeout, --resolve, --dns-server, --ca-file, --sni,
 * --insecure. Built only with the network checks (-Dnetwork=true).
 */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "checks/checks.h"
#include "http/curl_dl.h"
#include "util/input.h"
#include "util/util.h"

bool mc_cli_split_target(const char *s, char **host, int *port)
{
  return mc_net_split_host_port(s, host, port, 0);
}

int mc_cli_libs_ready(const struct mc_command *cmd)
{
  /* The commands that never make an HTTP or IMAP request. */
  static const char *const without_curl[] = {
    "ports", "tls", "logs", "config", "explain", "causes", "version", "lab",
  };
  for(size_t i = 0; i < sizeof without_curl / sizeof *without_curl; i++) {
    if(strcmp(cmd->name, without_curl[i]) == 0)
      return 0;
  }
  const char *why;
  if(mc_curl_load(&why))
    return 0;
  fprintf(stderr, "migcheck: '%s' needs libcurl, which could not be loaded (%s); install "
          "libcurl 7.66 or later (Debian and Ubuntu: the libcurl4 package), or name the "
          "library's file in MIGCHECK_LIBCURL\n", cmd->name, why);
  return MC_EXIT_CANNOT;
}

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

/* Whether --ca-file names a readable PEM file (a folder, a DER file or
 * something else is the user's mistake, never the server's fault). */
static int check_ca_file(const struct mc_cli *cli, const char *path)
{
  struct stat st;
  if(access(path, R_OK) != 0)
    return mc_cli_usage_error(cli, "cannot read --ca-file '%s': %s", path, strerror(errno));
  if(stat(path, &st) != 0 || !S_ISREG(st.st_mode))
    return mc_cli_usage_error(cli, "--ca-file '%s' is not a file: give the PEM file of the CA "
                              "certificates", path);
  int fd = -1;
  char why[160], head[65536];
  size_t n = 0;
  if(mc_input_open(path, 0, &fd, &st, why, sizeof why) == MC_OK) {
    ssize_t got = read(fd, head, sizeof head - 1);
    n = got > 0 ? (size_t)got : 0;
    close(fd);
  }
  head[n] = '\0';
  if(n && (unsigned char)head[0] == 0x30)
    return mc_cli_usage_error(cli, "--ca-file '%s' is DER, not PEM: convert it with "
                              "'openssl x509 -inform der -in FILE -out FILE.pem'", path);
  if(!mc_memcasemem(head, n, "-----BEGIN CERTIFICATE-----"))
    return mc_cli_usage_error(cli, "--ca-file '%s' holds no PEM certificate (no "
                              "'-----BEGIN CERTIFICATE-----' line)", path);
  return 0;
}

int mc_cli_target(const struct mc_cli *cli, struct mc_target *t)
{
  char why[160];
  if(cli->ca_file && mc_input_check(cli->ca_file, 0, why, sizeof why) != MC_OK) {
    mc_target_release(t);
    return mc_cli_usage_error(cli, "cannot read --ca-file '%s': %s", cli->ca_file, why);
  }
  int crc = cli->ca_file ? check_ca_file(cli, cli->ca_file) : 0;
  if(crc) {
    mc_target_release(t);
    return crc;
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
  return 0;
}
