/*
 * options.c - the option table and the one parser every command uses.
 *
 * Options are "--name VALUE", "--name=VALUE" or a short "-x VALUE"; "--"
 * ends options. A command accepts only the options its row names, so a
 * typo or a misplaced option is a one-line error (exit 2), never ignored.
 * There is deliberately no option that takes a password.
 */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/render.h"
#include "util/input.h"
#include "util/plat.h"
#include "util/util.h"

#define OPT(n, s, t, field, arg, help) \
  { n, s, t, offsetof(struct mc_cli, field), 0, arg, help }
#define OPTL(n, s, field, count, arg, help) \
  { n, s, MC_OPT_LIST, offsetof(struct mc_cli, field), offsetof(struct mc_cli, count), \
    arg, help }

const struct mc_option mc_options[] = {
  OPT("json", 0, MC_OPT_FLAG, json, NULL,
      "print the report as JSON on stdout (schema: docs/json-schema.md)"),
  OPT("html", 0, MC_OPT_STR, html, "FILE",
      "also write the report as one self-contained HTML file"),
  OPT("no-color", 0, MC_OPT_FLAG, no_color, NULL,
      "no colors, even on a terminal (NO_COLOR in the environment does the same)"),
  OPT("verbose", 'v', MC_OPT_FLAG, verbose, NULL, "show step timings"),
  OPT("quiet", 'q', MC_OPT_FLAG, quiet, NULL, "print nothing; only the exit code speaks"),
  OPT("help", 'h', MC_OPT_FLAG, help, NULL, "show this help"),
  OPT("timeout", 't', MC_OPT_SECONDS, timeout_s, "SECONDS",
      "deadline for each network step (default 10, 1-300)"),
  OPTL("resolve", 0, resolve, nresolve, "HOST:PORT:ADDR[,ADDR]",
       "use these addresses for HOST and PORT instead of DNS (as curl's --resolve; "
       "PORT may be *); repeatable"),
  OPT("dns-server", 0, MC_OPT_STR, dns_server, "ADDR[:PORT]",
      "ask this DNS server instead of the system's resolver"),
  OPT("ca-file", 0, MC_OPT_STR, ca_file, "FILE",
      "also trust the CA certificates in this PEM file (the lab prints one)"),
  OPT("insecure", 'k', MC_OPT_FLAG, insecure, NULL,
      "do not verify certificates (the report says so on every page)"),
  OPT("no-channel-binding", 0, MC_OPT_FLAG, no_channel_binding, NULL,
      "sign in with NTLM without a channel binding, as a client without Extended "
      "Protection support does (shows the difference Extended Protection makes)"),
  OPT("no-large-request", 0, MC_OPT_FLAG, no_large_request, NULL,
      "skip the MRS-sized POST (several MB, the sizes bisected when it fails) that "
      "finds a body-size limit in the path"),
  OPT("sni", 0, MC_OPT_STR, sni, "NAME",
      "TLS server name to send (default: the host name)"),
  OPT("legacy-rpc", 0, MC_OPT_FLAG, legacy_rpc, NULL,
      "also probe 6001, 6002 and 6004 (Exchange 2003 RPC over HTTP, seed 002)"),
  OPT("scenario", 's', MC_OPT_STR, scenario, "NAME",
      "serve only this scenario (repeat the command for more)"),
  OPT("list", 'l', MC_OPT_FLAG, list, NULL, "list the names and stop"),
  { "server", 0, MC_OPT_STR, offsetof(struct mc_cli, server), 0, "HOST[:PORT]",
    "the published Exchange name Exchange Online connects to (the endpoint's "
    "RemoteServer)", "remote-move" },
  OPT("user", 'u', MC_OPT_STR, user, "DOMAIN\\USER",
      "sign in as this account (the migration endpoint's); the password comes from "
      "MIGCHECK_PASSWORD, --password-file or a prompt without echo"),
  OPT("password-file", 0, MC_OPT_STR, password_file, "FILE",
      "read the password from the first line of FILE ('-': standard input; UTF-8, or UTF-16 "
      "with a byte order mark as Windows PowerShell writes it; warns when others can read "
      "FILE)"),
  OPT("repeat", 0, MC_OPT_STR, repeat, "N",
      "make N more requests on new connections to compare the servers behind a load "
      "balancer (default 6, 0-50)"),
  OPT("collect", 0, MC_OPT_FLAG, collect, NULL,
      "print the PowerShell and reg commands that produce the files config reads"),
  OPT("since", 0, MC_OPT_STR, since, "TIME",
      "only lines at or after this UTC time (2024-03-12, 2024-03-12T08:00)"),
  OPT("until", 0, MC_OPT_STR, until, "TIME",
      "only lines at or before this UTC time (a bare date means its end)"),
  OPT("run-id", 0, MC_OPT_STR, run_id, "ID",
      "find the requests a migcheck check sent in this run (mc-0123456789ab)"),
  { "server", 0, MC_OPT_LIST, offsetof(struct mc_cli, servers),
    offsetof(struct mc_cli, nservers), "NAME=PATH",
    "the logs under PATH belong to server NAME; repeatable", "logs" },
  OPT("cloud-ranges", 0, MC_OPT_STR, cloud_ranges, "FILE",
      "Exchange Online address ranges, one CIDR a line, to mark those clients"),
  OPT("summary", 0, MC_OPT_STR, summary, "FILE",
      "also write the counts to FILE, a small summary to merge with others (--merge)"),
  OPT("merge", 0, MC_OPT_FLAG, merge, NULL,
      "the PATHs are summaries (--summary): judge them as one run over all their logs"),
  OPT("exchange-server", 0, MC_OPT_STR, exchange_server, "NAME",
      "the RPC server name the endpoint names (ExchangeServer): the internal FQDN, or "
      "<ExchangeGuid>@domain on Exchange 2013 and later"),
  OPT("rpc-proxy", 0, MC_OPT_STR, rpc_proxy, "HOST[:PORT]",
      "the published Outlook Anywhere name (the endpoint's RPCProxyServer)"),
  OPT("auth", 0, MC_OPT_STR, auth, "basic|ntlm",
      "how the endpoint signs in to the RPC proxy (default basic, as New-MigrationEndpoint)"),
  OPT("security", 0, MC_OPT_STR, security, "ssl|tls|none",
      "imap: the endpoint's -Security: ssl (IMAP in TLS, port 993, the default), tls "
      "(STARTTLS on 143) or none (clear text on 143)"),
  OPT("email", 0, MC_OPT_STR, email, "ADDRESS",
      "the address of an on-premises mailbox to run Autodiscover for"),
  OPTL("allow-redirect", 0, allow_redirect, nallow_redirect, "DOMAIN",
       "let Autodiscover follow redirects into DOMAIN (yours, but not the address's); "
       "repeatable"),
  OPT("port-map", 0, MC_OPT_STR, port_map, "PORT=PORT[,...]",
      "connect to the second port wherever Autodiscover's URLs mean the first (for the "
      "lab and tests: 443=8443,80=8080)"),
  OPT("endpoint-file", 0, MC_OPT_STR, endpoint_file, "FILE",
      "take the endpoint's values from Get-MigrationEndpoint output (Format-List, Export-Csv "
      "or ConvertTo-Json), as Exchange Online holds them"),
  OPT("endpoint", 0, MC_OPT_STR, endpoint, "NAME|N",
      "which endpoint of --endpoint-file: its Identity or its position (default: the only "
      "one of this check's type)"),
  OPT("parallel", 'j', MC_OPT_STR, parallel, "N",
      "run at most N rows at a time (default 8, 1-64)"),
  OPT("jsonl", 0, MC_OPT_FLAG, jsonl, NULL,
      "print one JSON line per row as it finishes, then a summary line"),
  OPT("csv", 0, MC_OPT_STR, csv, "FILE",
      "also write a CSV: batch, the table (for a spreadsheet); lab --all, the batch file"),
  OPT("all", 'a', MC_OPT_FLAG, all, NULL,
      "serve every scenario and write a batch file that checks them all"),
  OPT("autodiscover", 0, MC_OPT_FLAG, autodiscover, NULL,
      "take the server from Autodiscover for --email, as Test-MigrationServerAvailability "
      "-Autodiscover does"),
};
const size_t mc_noptions = sizeof mc_options / sizeof mc_options[0];

/* Whether word is one of the space-separated words of list. */
static bool word_in(const char *list, const char *word)
{
  size_t n = strlen(word);
  for(const char *p = list; p && *p;) {
    while(*p == ' ')
      p++;
    const char *e = strchr(p, ' ');
    size_t len = e ? (size_t)(e - p) : strlen(p);
    if(len == n && strncmp(p, word, n) == 0)
      return true;
    p += len;
  }
  return false;
}

bool mc_cli_option_applies(const struct mc_command *cmd, const struct mc_option *o)
{
  if(o->only && !word_in(o->only, cmd->name))
    return false;
  return strcmp(o->name, "help") == 0 || word_in(cmd->options, o->name);
}

int mc_cli_usage_error(const struct mc_cli *cli, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  fputs("migcheck: ", stderr);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  if(cli && cli->cmd)
    fprintf(stderr, " (see 'migcheck %s --help')\n", cli->cmd->name);
  else
    fputs(" (see 'migcheck --help')\n", stderr);
  return MC_EXIT_USAGE;
}

int mc_cli_cannot(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  fputs("migcheck: ", stderr);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  return MC_EXIT_CANNOT;
}

/* The row for --name that cmd takes; else any row of that name (so the
 * error can say the option exists but not here); else NULL. */
static const struct mc_option *find_long(const struct mc_command *cmd, const char *name,
                                         size_t n)
{
  const struct mc_option *any = NULL;
  for(size_t i = 0; i < mc_noptions; i++) {
    const struct mc_option *o = &mc_options[i];
    if(strlen(o->name) != n || strncmp(o->name, name, n) != 0)
      continue;
    if(mc_cli_option_applies(cmd, o))
      return o;
    any = any ? any : o;
  }
  return any;
}

static const struct mc_option *find_short(char c)
{
  for(size_t i = 0; i < mc_noptions; i++) {
    if(mc_options[i].shortname == c)
      return &mc_options[i];
  }
  return NULL;
}

static int apply(struct mc_cli *cli, const struct mc_option *o, const char *val)
{
  char *base = (char *)cli;
  switch(o->type) {
  case MC_OPT_FLAG:
    *(bool *)(base + o->offset) = true;
    return 0;
  case MC_OPT_STR: {
    char **slot = (char **)(base + o->offset);
    if(!*val)
      return mc_cli_usage_error(cli, "--%s needs a non-empty %s", o->name, o->arg);
    free(*slot);
    *slot = mc_xstrdup(val);
    return 0;
  }
  case MC_OPT_SECONDS: {
    long v;
    if(!mc_parse_long(val, 1, 300, &v))
      return mc_cli_usage_error(cli, "--%s '%s' is not a whole number of seconds from 1 "
                                "to 300", o->name, val);
    *(long *)(base + o->offset) = v;
    return 0;
  }
  case MC_OPT_LIST: {
    char ***list = (char ***)(base + o->offset);
    size_t *count = (size_t *)(base + o->count_offset);
    if(!*val)
      return mc_cli_usage_error(cli, "--%s needs a non-empty %s", o->name, o->arg);
    *list = mc_xrealloc(*list, (*count + 1) * sizeof **list);
    (*list)[(*count)++] = mc_xstrdup(val);
    return 0;
  }
  }
  return 0;
}

int mc_cli_parse(struct mc_cli *cli, const struct mc_command *cmd, int argc, char **argv)
{
  cli->cmd = cmd;
  cli->args = mc_xcalloc((size_t)argc + 1, sizeof *cli->args);
  bool only_args = false;
  for(int i = 0; i < argc; i++) {
    const char *a = argv[i];
    if(only_args || a[0] != '-' || a[1] == '\0') {
      cli->args[cli->nargs++] = mc_xstrdup(a);
      continue;
    }
    if(strcmp(a, "--") == 0) {
      only_args = true;
      continue;
    }
    const struct mc_option *o;
    const char *val = NULL;
    char shown[64];
    if(a[1] == '-') {
      const char *name = a + 2;
      const char *eq = strchr(name, '=');
      size_t n = eq ? (size_t)(eq - name) : strlen(name);
      o = find_long(cmd, name, n);
      snprintf(shown, sizeof shown, "--%.*s", (int)(n > 40 ? 40 : n), name);
      if(eq)
        val = eq + 1;
    }
    else {
      o = find_short(a[1]);
      snprintf(shown, sizeof shown, "-%c", a[1]);
      if(a[2])
        val = a + 2;
    }
    if(!o || !mc_cli_option_applies(cmd, o))
      return mc_cli_usage_error(cli, "unknown option '%s' for '%s'", shown, cmd->name);
    if(o->type == MC_OPT_FLAG) {
      if(val)
        return mc_cli_usage_error(cli, "option '%s' takes no value", shown);
      apply(cli, o, "");
      continue;
    }
    if(!val) {
      if(i + 1 >= argc)
        return mc_cli_usage_error(cli, "option '%s' needs %s", shown, o->arg);
      val = argv[++i];
    }
    int rc = apply(cli, o, val);
    if(rc)
      return rc;
  }
  return 0;
}

void mc_cli_release(struct mc_cli *cli)
{
  for(size_t i = 0; i < cli->nargs; i++)
    free(cli->args[i]);
  free(cli->args);
  for(size_t i = 0; i < cli->nresolve; i++)
    free(cli->resolve[i]);
  free(cli->resolve);
  free(cli->html);
  free(cli->dns_server);
  free(cli->ca_file);
  free(cli->sni);
  free(cli->scenario);
  free(cli->server);
  free(cli->user);
  free(cli->password_file);
  free(cli->exchange_server);
  free(cli->rpc_proxy);
  free(cli->auth);
  free(cli->repeat);
  free(cli->since);
  free(cli->until);
  free(cli->run_id);
  for(size_t i = 0; i < cli->nservers; i++)
    free(cli->servers[i]);
  free(cli->servers);
  free(cli->cloud_ranges);
  free(cli->summary);
  free(cli->email);
  free(cli->security);
  for(size_t i = 0; i < cli->nallow_redirect; i++)
    free(cli->allow_redirect[i]);
  free(cli->allow_redirect);
  free(cli->port_map);
  free(cli->endpoint_file);
  free(cli->endpoint);
  free(cli->parallel);
  free(cli->csv);
}

bool mc_cli_color(const struct mc_cli *cli)
{
  if(cli->no_color || cli->json)
    return false;
  const char *nc = getenv("NO_COLOR");
  if(nc && *nc)
    return false;
  const char *term = getenv("TERM");
  if(term && strcmp(term, "dumb") == 0)
    return false;
  return mc_plat_ansi_tty(STDOUT_FILENO);
}

static void progress_line(const char *title)
{
  /* One line on the terminal, rewritten in place, as wide as it is. */
  int w = mc_plat_term_width(STDERR_FILENO) - 5;
  fprintf(stderr, "\r\033[K%.*s ...", w > 10 ? w : 70, title);
  fflush(stderr);
}

void mc_cli_progress(const struct mc_cli *cli, bool on)
{
  bool tty = mc_plat_ansi_tty(STDERR_FILENO) && !cli->quiet;
  const char *term = getenv("TERM");
  if(term && strcmp(term, "dumb") == 0)
    tty = false;
  if(on && tty)
    mc_progress_set(progress_line);
  else {
    mc_progress_set(NULL);
    if(tty) {
      fputs("\r\033[K", stderr);
      fflush(stderr);
    }
  }
}

int mc_cli_finish(const struct mc_cli *cli, struct mc_report *r)
{
  int code = mc_report_exit_code(r);
  if(cli->html) {
    struct mc_buf b = MC_BUF_INIT(MC_RENDER_LIMIT);
    mc_render_html(r, &b);
    FILE *f = fopen(cli->html, "w");
    if(!f || fwrite(b.ptr, 1, b.len, f) != b.len || fclose(f) != 0) {
      if(f)
        fclose(f);
      mc_buf_release(&b);
      mc_report_free(r);
      return mc_cli_cannot("cannot write '%s': %s", cli->html, strerror(errno));
    }
    mc_buf_release(&b);
  }
  if(!cli->quiet) {
    struct mc_buf b = MC_BUF_INIT(MC_RENDER_LIMIT);
    if(cli->json)
      mc_render_json(r, &b);
    else {
      struct mc_render_opts o = { .color = mc_cli_color(cli), .verbose = cli->verbose,
                                  .causes = true };
      mc_render_text(r, &o, &b);
    }
    fwrite(b.ptr, 1, b.len, stdout);
    fflush(stdout);
    mc_buf_release(&b);
  }
  mc_report_free(r);
  return code;
}
