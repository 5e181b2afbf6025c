/*
 * options.c - the option table and the one parser every command uses.
 *
 * Options are "--name VALUE", "--name=VALUE" or a short "-x VALUE"; "--"
 * ends options. A command accepts only the options its row names, so a
 * typo or a misplaced option is a one-line error (exit 2), never ignored.
 * There is deliberately no option that takes a password.
 */
#include "cli.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
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
  OPT("json-file", 0, MC_OPT_STR, json_file, "FILE",
      "also write the report as JSON to FILE (the text still goes to stdout)"),
  OPT("html", 0, MC_OPT_STR, html, "FILE",
      "also write the report as one self-contained HTML file"),
  OPT("no-color", 0, MC_OPT_FLAG, no_color, NULL,
      "no colors, even on a terminal (NO_COLOR in the environment does the same)"),
  OPT("verbose", 'v', MC_OPT_COUNT, verbose, NULL,
      "every evidence line (all headers) and timings; -vv adds the raw exchange"),
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
      "also trust the CA certificates in this PEM file (the lab prints one; curl's "
      "--cacert is the same)"),
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
      "also probe 6001, 6002 and 6004 (RPC over HTTP to Exchange 2003 and 2007)"),
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
      "or starttls (STARTTLS on 143) or none (clear text on 143)"),
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

/* Other programs' spellings that mean exactly what one of ours means. */
static const struct { const char *alias, *name; } option_aliases[] = {
  { "cacert", "ca-file" },     /* curl */
  { "ca-cert", "ca-file" },
};

/* Edit distance (Levenshtein) between a[0..n) and b, for "did you mean";
 * bounded: longer words than 63 bytes are never close. */
static size_t edit_distance(const char *a, size_t n, const char *b)
{
  size_t m = strlen(b);
  if(n > 63 || m > 63)
    return 64;
  size_t row[64];
  for(size_t j = 0; j <= m; j++)
    row[j] = j;
  for(size_t i = 1; i <= n; i++) {
    size_t diag = row[0];
    row[0] = i;
    for(size_t j = 1; j <= m; j++) {
      size_t up = row[j];
      size_t best = diag + (a[i - 1] != b[j - 1]);
      best = row[j] + 1 < best ? row[j] + 1 : best;
      best = row[j - 1] + 1 < best ? row[j - 1] + 1 : best;
      row[j] = best;
      diag = up;
    }
  }
  return row[m];
}

const char *mc_cli_closest(const char *word, size_t n, const char *const *names,
                           size_t count)
{
  const char *best = NULL;
  size_t bestd = n <= 4 ? 2 : 3;    /* close enough to be a typo */
  for(size_t i = 0; i < count; i++) {
    size_t d = edit_distance(word, n, names[i]);
    if(d < bestd) {
      bestd = d;
      best = names[i];
    }
  }
  return best;
}

/* The long option cmd takes that is closest to name[0..n), or NULL. */
static const char *closest_option(const struct mc_command *cmd, const char *name, size_t n)
{
  const char *names[128];
  size_t k = 0;
  for(size_t i = 0; i < mc_noptions && k < 128; i++) {
    if(mc_cli_option_applies(cmd, &mc_options[i]))
      names[k++] = mc_options[i].name;
  }
  return mc_cli_closest(name, n, names, k);
}

/* The row for --name that cmd takes; else any row of that name (so the
 * error can say the option exists but not here); else NULL. */
static const struct mc_option *find_long(const struct mc_command *cmd, const char *name,
                                         size_t n)
{
  for(size_t i = 0; i < sizeof option_aliases / sizeof option_aliases[0]; i++) {
    if(strlen(option_aliases[i].alias) == n && strncmp(option_aliases[i].alias, name, n) == 0) {
      name = option_aliases[i].name;
      n = strlen(name);
      break;
    }
  }
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
  case MC_OPT_COUNT:
    (*(int *)(base + o->offset))++;
    return 0;
  case MC_OPT_STR: {
    char **slot = (char **)(base + o->offset);
    if(!*val)
      return mc_cli_usage_error(cli, "--%s needs a non-empty %s", o->name, o->arg);
    /* One value each: a second one is a mistake, not an override (which of
     * two servers was meant?). The values are not echoed (--user). */
    if(*slot)
      return mc_cli_usage_error(cli, "--%s given twice: give it once", o->name);
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

/* Whether a report can be written to path: checked before any probe is
 * sent, so that a typo in --html does not throw away a whole run. */
static int check_out_path(const struct mc_cli *cli, const char *opt, const char *path)
{
  struct stat st;
  if(!path)
    return 0;
  if(stat(path, &st) == 0) {
    if(S_ISDIR(st.st_mode))
      return mc_cli_usage_error(cli, "--%s '%s' is a folder: give a file name", opt, path);
    if(access(path, W_OK) != 0)
      return mc_cli_usage_error(cli, "cannot write --%s '%s': %s", opt, path, strerror(errno));
    return 0;
  }
  const char *slash = strrchr(path, '/');
  char *dir = slash ? mc_xasprintf("%.*s", (int)(slash - path) + (slash == path), path)
                    : mc_xstrdup(".");
  int rc = 0;
  if(stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
    rc = mc_cli_usage_error(cli, "cannot write --%s '%s': folder '%s' does not exist", opt,
                            path, dir);
  else if(access(dir, W_OK | X_OK) != 0)
    rc = mc_cli_usage_error(cli, "cannot write --%s '%s': %s", opt, path, strerror(errno));
  free(dir);
  return rc;
}

/* The commands whose --user is a Windows account (DOMAIN\user or a UPN). */
static bool windows_account(const struct mc_command *cmd)
{
  return strcmp(cmd->name, "remote-move") == 0 || strcmp(cmd->name, "outlook-anywhere") == 0 ||
         strcmp(cmd->name, "autodiscover") == 0;
}

/* What is checked once all options are read: output paths, the user name. */
static int check_after_parse(struct mc_cli *cli)
{
  int rc = check_out_path(cli, "html", cli->html);
  if(!rc)
    rc = check_out_path(cli, "json-file", cli->json_file);
  if(rc)
    return rc;
  if(cli->user && strchr(cli->user, ':')) {
    /* curl's user:password. Never echoed: the part after ':' is a secret. */
    return mc_cli_usage_error(cli, "--user holds a ':' (user:password?): migcheck never takes a "
                              "password on the command line, where it lands in the shell "
                              "history; give only the user, and the password through "
                              "MIGCHECK_PASSWORD, --password-file or the prompt");
  }
  if(cli->user && windows_account(cli->cmd) && !strchr(cli->user, '\\') &&
     !strchr(cli->user, '@'))
    fprintf(stderr, "migcheck: warning: --user '%s' has no DOMAIN\\ and no @domain; if you "
            "typed DOMAIN\\user without quotes the shell ate the backslash: write "
            "--user 'DOMAIN\\%s'\n", cli->user, cli->user);
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
    if(!o || !mc_cli_option_applies(cmd, o)) {
      const char *near = a[1] == '-' ? closest_option(cmd, a + 2, strcspn(a + 2, "=")) : NULL;
      if(o)
        return mc_cli_usage_error(cli, "'%s' is not an option of '%s'", shown, cmd->name);
      if(near)
        return mc_cli_usage_error(cli, "unknown option '%s' for '%s'; did you mean '--%s'?",
                                  shown, cmd->name, near);
      return mc_cli_usage_error(cli, "unknown option '%s' for '%s'", shown, cmd->name);
    }
    if(o->type == MC_OPT_COUNT && a[1] != '-') {
      /* -v, -vv: every letter one more. */
      for(const char *c = a + 1; *c; c++) {
        if(*c != a[1])
          return mc_cli_usage_error(cli, "option '-%c' takes no value", a[1]);
        apply(cli, o, "");
      }
      continue;
    }
    if(o->type == MC_OPT_FLAG || o->type == MC_OPT_COUNT) {
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
  return check_after_parse(cli);
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
  free(cli->json_file);
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

int mc_cli_width(void)
{
  long w;
  const char *cols = getenv("COLUMNS");
  if(cols && mc_parse_long(cols, 40, 1000, &w))
    return (int)w;
  int tty = mc_plat_term_width(STDOUT_FILENO);
  return tty >= 40 ? tty : 100;
}

void mc_cli_render_opts(const struct mc_cli *cli, struct mc_render_opts *o)
{
  memset(o, 0, sizeof *o);
  o->color = mc_cli_color(cli);
  o->verbose = cli->verbose >= 1;
  o->raw = cli->verbose >= 2;
  o->causes = true;
  o->width = mc_cli_width();
}

void mc_cli_shell_word(struct mc_buf *b, const char *w)
{
  /* On Windows a backslash is a path's separator (and \\?\ starts a long
   * one): neither needs quotes in PowerShell or cmd. */
#ifdef _WIN32
  static const char more[] = "\\?";
#else
  static const char more[] = "";
#endif
  bool plain = *w != '\0';
  for(const char *p = w; *p && plain; p++)
    plain = strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                   "-_.,:/=@+%", *p) != NULL || (*more && strchr(more, *p) != NULL);
  if(plain) {
    mc_buf_addstr(b, w);
    return;
  }
  mc_buf_addch(b, '\'');
  for(const char *p = w; *p; p++) {
    if(*p == '\'')
      mc_buf_addstr(b, "'\\''");
    else
      mc_buf_addch(b, *p);
  }
  mc_buf_addch(b, '\'');
}

/* "--name VALUE" for a rerun, the value quoted for the shell. */
static void add_option(struct mc_buf *b, const char *name, const char *value)
{
  mc_buf_printf(b, "%s--%s", b->len ? " " : "", name);
  if(value) {
    mc_buf_addch(b, ' ');
    mc_cli_shell_word(b, value);
  }
}

void mc_cli_facts(const struct mc_cli *cli, struct mc_report *r)
{
  /* The network options, so that "confirm with" checks the same way. */
  struct mc_buf opts = MC_BUF_INIT(1 << 16);
  for(size_t i = 0; i < cli->nresolve; i++)
    add_option(&opts, "resolve", cli->resolve[i]);
  if(cli->dns_server)
    add_option(&opts, "dns-server", cli->dns_server);
  if(cli->ca_file)
    add_option(&opts, "ca-file", cli->ca_file);
  if(cli->sni)
    add_option(&opts, "sni", cli->sni);
  if(cli->insecure)
    add_option(&opts, "insecure", NULL);
  if(opts.len)
    mc_report_fact(r, "options", "%s", opts.ptr);
  mc_buf_release(&opts);
  /* The files a config or logs run read, for its confirm line. */
  if(cli->cmd && (strcmp(cli->cmd->name, "config") == 0 ||
                  strcmp(cli->cmd->name, "logs") == 0) && cli->nargs) {
    struct mc_buf in = MC_BUF_INIT(1 << 16);
    if(cli->merge)
      mc_buf_addstr(&in, "--merge");    /* the inputs are summaries */
    for(size_t i = 0; i < cli->nservers; i++)
      add_option(&in, "server", cli->servers[i]);
    for(size_t i = 0; i < cli->nargs; i++) {
      if(in.len)
        mc_buf_addch(&in, ' ');
      mc_cli_shell_word(&in, cli->args[i]);
    }
    mc_report_fact(r, "inputs", "%s", in.ptr);
    mc_buf_release(&in);
  }
  const char *given = cli->server ? cli->server : cli->rpc_proxy;
  const struct mc_command *c = cli->cmd;
  if(!given && cli->nargs && c && c->check && strcmp(c->name, "logs") != 0)
    given = cli->args[0];
  char *host = NULL;
  int port = 0;
  if(given && mc_cli_split_target(given, &host, &port)) {
    if(!port && c && strcmp(c->name, "ports") == 0 && cli->nargs > 1)
      port = atoi(cli->args[1]);    /* ports HOST PORT...: the first port */
    if(!port && c) {
      /* The command's default port. */
      bool clear = cli->security && (strcasecmp(cli->security, "tls") == 0 ||
                                     strcasecmp(cli->security, "starttls") == 0 ||
                                     strcasecmp(cli->security, "none") == 0);
      port = strcmp(c->name, "imap") == 0 ? (clear ? 143 : 993) : 443;
    }
    mc_report_fact(r, "port", "%d", port);
    mc_report_fact(r, "target", "%s", given);
  }
  mc_report_fact_names(r, host, cli->user, cli->email);
  free(host);
  if(cli->exchange_server && !strchr(cli->exchange_server, '@')) {
    mc_report_fact(r, "server_fqdn", "%s", cli->exchange_server);
    size_t n = strcspn(cli->exchange_server, ".");
    char shortname[64];
    snprintf(shortname, sizeof shortname, "%.*s", (int)(n < 63 ? n : 63), cli->exchange_server);
    for(char *p = shortname; *p; p++)
      *p = (char)toupper((unsigned char)*p);
    mc_report_fact(r, "server", "%s", shortname);
  }
}

/* The report being streamed to a terminal or pipe while its check runs:
 * each top-level step is printed once the walk has moved on to the next
 * (the walk is sequential, so the one before is finished), the rest and
 * the summary at the end. */
static struct {
  const struct mc_cli *cli;
  const struct mc_report *r;
  const struct mc_step *printed;   /* last top-level step printed */
  bool head;
  bool progress;                   /* a progress line is on stderr */
} stream;

static void stream_print(const struct mc_report *r, const struct mc_step *upto)
{
  struct mc_render_opts o;
  mc_cli_render_opts(stream.cli, &o);
  struct mc_buf b = MC_BUF_INIT(MC_RENDER_LIMIT);
  if(!stream.head) {
    mc_render_text_head(r, &o, &b);
    stream.head = true;
  }
  const struct mc_step *s = stream.printed ? stream.printed->next : r->root->child;
  for(; s && s != upto; s = s->next) {
    mc_render_text_step(s, &o, &b);
    stream.printed = s;
  }
  if(b.len) {
    if(stream.progress) {
      fputs("\r\033[K", stderr);
      fflush(stderr);
      stream.progress = false;
    }
    fwrite(b.ptr, 1, b.len, stdout);
    fflush(stdout);
  }
  mc_buf_release(&b);
}

static bool progress_tty;

static void on_step(const struct mc_report *r, const struct mc_step *s)
{
  if(stream.cli && (!stream.r || stream.r == r) && s->parent == r->root) {
    stream.r = r;
    stream_print(r, s);
  }
  if(progress_tty) {
    /* One line on the terminal, rewritten in place. */
    fprintf(stderr, "\r\033[K%.*s ...", 70, s->title);
    fflush(stderr);
    stream.progress = true;
  }
}

void mc_cli_progress(const struct mc_cli *cli, bool on)
{
  bool tty = mc_plat_ansi_tty(STDERR_FILENO) && !cli->quiet;
  const char *term = getenv("TERM");
  if(term && strcmp(term, "dumb") == 0)
    tty = false;
  if(on) {
    progress_tty = tty;
    memset(&stream, 0, sizeof stream);
    if(!cli->quiet && !cli->json)
      stream.cli = cli;
    mc_progress_set(progress_tty || stream.cli ? on_step : NULL);
  }
  else {
    mc_progress_set(NULL);
    if(tty && stream.progress) {
      fputs("\r\033[K", stderr);
      fflush(stderr);
    }
    stream.progress = false;
    progress_tty = false;
  }
}

/* Writes the buffer to path; a "could not run" message on failure. */
static int write_file(const char *path, const struct mc_buf *b)
{
  FILE *f = fopen(path, "w");
  if(!f || fwrite(b->ptr, 1, b->len, f) != b->len || fclose(f) != 0) {
    int e = errno;
    if(f)
      fclose(f);
    return mc_cli_cannot("cannot write '%s': %s", path, strerror(e));
  }
  return 0;
}

int mc_cli_finish(const struct mc_cli *cli, struct mc_report *r)
{
  int code = mc_report_exit_code(r);
  int rc = 0;
  mc_cli_facts(cli, r);
  if(cli->html) {
    struct mc_buf b = MC_BUF_INIT(MC_RENDER_LIMIT);
    mc_render_html(r, &b);
    rc = write_file(cli->html, &b);
    mc_buf_release(&b);
  }
  if(cli->json_file && !rc) {
    struct mc_buf b = MC_BUF_INIT(MC_RENDER_LIMIT);
    mc_render_json(r, &b);
    rc = write_file(cli->json_file, &b);
    mc_buf_release(&b);
  }
  if(!cli->quiet) {
    struct mc_buf b = MC_BUF_INIT(MC_RENDER_LIMIT);
    if(cli->json)
      mc_render_json(r, &b);
    else {
      struct mc_render_opts o;
      mc_cli_render_opts(cli, &o);
      if(stream.cli == cli && stream.r == r) {
        stream_print(r, NULL);    /* the steps not printed yet */
        mc_render_text_tail(r, &o, &b);
      }
      else
        mc_render_text(r, &o, &b);
    }
    fwrite(b.ptr, 1, b.len, stdout);
    fflush(stdout);
    mc_buf_release(&b);
  }
  memset(&stream, 0, sizeof stream);
  mc_report_free(r);
  return rc ? rc : code;
}
