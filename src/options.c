/*
 * options.c - the option table and the one parser every command uses.
 *
 * Options are "--name VALUE", "--name=VALUE" or a short "-x VALUE"; "--"
 * ends options. Each row names the commands that take it, and a command
 * accepts only those, so a typo or a misplaced option is a one-line error
 * (exit 2), never ignored. The parser fills struct mc_cli, and
 * mc_cli_release frees it, through the rows' offsets. There is deliberately
 * no option that takes a password. Not for: what the options do (the
 * cmd_*.c files), output and exit codes (output.c, exit.c).
 */
#include "cli.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/util.h"

/* Where a row's value goes in struct mc_cli. */
#define AT(field) .offset = offsetof(struct mc_cli, field)
#define LIST(field, count) \
  .type = MC_OPT_LIST, AT(field), .count_offset = offsetof(struct mc_cli, count)

/* Sets of commands that rows name. */
#define CHECKS "ports tls remote-move outlook-anywhere autodiscover imap"   /* network */
#define TLS_CHECKS "tls remote-move outlook-anywhere autodiscover imap"
#define REPORTS CHECKS " logs config explain"    /* one report, printed at the end */

const struct mc_option mc_options[] = {
  { .name = "json", .type = MC_OPT_FLAG, AT(json), .commands = REPORTS " batch causes lab demo",
    .help = "print the report as JSON on stdout (schema: docs/json-schema.md)" },
  { .name = "json-file", .type = MC_OPT_STR, AT(json_file), .arg = "FILE",
    .commands = REPORTS, .flags = MC_OPT_REPORT_FILE,
    .help = "also write the report as JSON to FILE (the text still goes to stdout)" },
  { .name = "html", .type = MC_OPT_STR, AT(html), .arg = "FILE",
    .commands = REPORTS " batch", .flags = MC_OPT_REPORT_FILE,
    .help = "also write the report as one self-contained HTML file" },
  { .name = "no-color", .type = MC_OPT_FLAG, AT(no_color), .commands = REPORTS " batch causes demo",
    .help = "no colors, even on a terminal (NO_COLOR in the environment does the same)" },
  { .name = "verbose", .shortname = 'v', .type = MC_OPT_COUNT, AT(verbose),
    .commands = REPORTS " demo",
    .help = "every evidence line (all headers) and timings; -vv adds the raw exchange" },
  { .name = "quiet", .shortname = 'q', .type = MC_OPT_FLAG, AT(quiet),
    .commands = REPORTS " batch lab", .help = "print nothing; only the exit code speaks" },
  { .name = "help", .shortname = 'h', .type = MC_OPT_FLAG, AT(help), .commands = NULL,
    .help = "show this help" },
  { .name = "timeout", .shortname = 't', .type = MC_OPT_SECONDS, AT(timeout_s), .arg = "SECONDS",
    .commands = CHECKS " batch demo",
    .help = "deadline for each network step (default 10, 1-300)" },
  { .name = "resolve", LIST(resolve, nresolve), .arg = "HOST:PORT:ADDR[,ADDR]",
    .commands = CHECKS " batch", .flags = MC_OPT_RERUN,
    .help = "use these addresses for HOST and PORT instead of DNS (as curl's --resolve; "
            "PORT may be *); repeatable" },
  { .name = "dns-server", .type = MC_OPT_STR, AT(dns_server), .arg = "ADDR[:PORT]",
    .commands = CHECKS " batch", .flags = MC_OPT_RERUN,
    .help = "ask this DNS server instead of the system's resolver" },
  { .name = "ca-file", .type = MC_OPT_STR, AT(ca_file), .arg = "FILE",
    .commands = TLS_CHECKS " batch", .flags = MC_OPT_RERUN,
    .help = "also trust the CA certificates in this PEM file (the lab prints one; curl's "
            "--cacert is the same)" },
  { .name = "insecure", .shortname = 'k', .type = MC_OPT_FLAG, AT(insecure),
    .commands = TLS_CHECKS " batch", .flags = MC_OPT_RERUN,
    .help = "do not verify certificates (the report says so on every page)" },
  { .name = "no-channel-binding", .type = MC_OPT_FLAG, AT(no_channel_binding),
    .commands = "remote-move outlook-anywhere autodiscover",
    .help = "sign in with NTLM without a channel binding, as a client without Extended "
            "Protection support does (shows the difference Extended Protection makes)" },
  { .name = "no-large-request", .type = MC_OPT_FLAG, AT(no_large_request),
    .commands = "remote-move",
    .help = "skip the MRS-sized POST (several MB, the sizes bisected when it fails) that "
            "finds a body-size limit in the path" },
  { .name = "sni", .type = MC_OPT_STR, AT(sni), .arg = "NAME",
    .commands = "tls remote-move outlook-anywhere imap", .flags = MC_OPT_RERUN,
    .help = "TLS server name to send (default: the host name)" },
  { .name = "legacy-rpc", .type = MC_OPT_FLAG, AT(legacy_rpc), .commands = "ports",
    .help = "also probe 6001, 6002 and 6004 (RPC over HTTP to Exchange 2003 and 2007)" },
  { .name = "scenario", .shortname = 's', .type = MC_OPT_STR, AT(scenario), .arg = "NAME",
    .commands = "lab", .help = "serve only this scenario (repeat the command for more)" },
  { .name = "list", .shortname = 'l', .type = MC_OPT_FLAG, AT(list), .commands = "causes lab",
    .help = "list the names and stop" },
  { .name = "server", .type = MC_OPT_STR, AT(server), .arg = "HOST[:PORT]",
    .commands = "remote-move",
    .help = "the published Exchange name Exchange Online connects to (the endpoint's "
            "RemoteServer)" },
  { .name = "user", .shortname = 'u', .type = MC_OPT_STR, AT(user), .arg = "DOMAIN\\USER",
    .commands = "remote-move outlook-anywhere autodiscover imap",
    .help = "sign in as this account (the migration endpoint's); the password comes from "
            "MIGCHECK_PASSWORD, --password-file or a prompt without echo" },
  { .name = "password-file", .type = MC_OPT_STR, AT(password_file), .arg = "FILE",
    .commands = "remote-move outlook-anywhere autodiscover imap batch",
    .help = "read the password from the first line of FILE ('-': standard input; UTF-8, or "
            "UTF-16 with a byte order mark as Windows PowerShell writes it; warns when others "
            "can read FILE)" },
  { .name = "repeat", .type = MC_OPT_STR, AT(repeat), .arg = "N", .commands = "remote-move",
    .help = "make N more requests on new connections to compare the servers behind a load "
            "balancer (default 6, 0-50)" },
  { .name = "collect", .type = MC_OPT_FLAG, AT(collect), .commands = "config",
    .help = "print the PowerShell and reg commands that produce the files config reads" },
  { .name = "since", .type = MC_OPT_STR, AT(since), .arg = "TIME", .commands = "logs",
    .help = "only lines at or after this UTC time (2024-03-12, 2024-03-12T08:00)" },
  { .name = "until", .type = MC_OPT_STR, AT(until), .arg = "TIME", .commands = "logs",
    .help = "only lines at or before this UTC time (a bare date means its end)" },
  { .name = "run-id", .type = MC_OPT_STR, AT(run_id), .arg = "ID", .commands = "logs",
    .help = "find the requests a migcheck check sent in this run (mc-0123456789ab)" },
  { .name = "server", LIST(servers, nservers), .arg = "NAME=PATH", .commands = "logs",
    .help = "the logs under PATH belong to server NAME; repeatable" },
  { .name = "cloud-ranges", .type = MC_OPT_STR, AT(cloud_ranges), .arg = "FILE",
    .commands = "logs",
    .help = "Exchange Online address ranges, one CIDR a line, to mark those clients" },
  { .name = "summary", .type = MC_OPT_STR, AT(summary), .arg = "FILE", .commands = "logs",
    .help = "also write the counts to FILE, a small summary to merge with others (--merge)" },
  { .name = "merge", .type = MC_OPT_FLAG, AT(merge), .commands = "logs",
    .help = "the PATHs are summaries (--summary): judge them as one run over all their logs" },
  { .name = "exchange-server", .type = MC_OPT_STR, AT(exchange_server), .arg = "NAME",
    .commands = "outlook-anywhere",
    .help = "the RPC server name the endpoint names (ExchangeServer): the internal FQDN, or "
            "<ExchangeGuid>@domain on Exchange 2013 and later" },
  { .name = "rpc-proxy", .type = MC_OPT_STR, AT(rpc_proxy), .arg = "HOST[:PORT]",
    .commands = "outlook-anywhere",
    .help = "the published Outlook Anywhere name (the endpoint's RPCProxyServer)" },
  { .name = "auth", .type = MC_OPT_STR, AT(auth), .arg = "basic|ntlm",
    .commands = "outlook-anywhere",
    .help = "how the endpoint signs in to the RPC proxy (default basic, as "
            "New-MigrationEndpoint)" },
  { .name = "security", .type = MC_OPT_STR, AT(security), .arg = "ssl|tls|none",
    .commands = "imap",
    .help = "imap: the endpoint's -Security: ssl (IMAP in TLS, port 993, the default), tls "
            "or starttls (STARTTLS on 143) or none (clear text on 143)" },
  { .name = "email", .type = MC_OPT_STR, AT(email), .arg = "ADDRESS",
    .commands = "remote-move outlook-anywhere autodiscover",
    .help = "the address of an on-premises mailbox to run Autodiscover for" },
  { .name = "allow-redirect", LIST(allow_redirect, nallow_redirect), .arg = "DOMAIN",
    .commands = "remote-move outlook-anywhere autodiscover",
    .help = "let Autodiscover follow redirects into DOMAIN (yours, but not the address's); "
            "repeatable" },
  { .name = "port-map", .type = MC_OPT_STR, AT(port_map), .arg = "PORT=PORT[,...]",
    .commands = "remote-move outlook-anywhere autodiscover",
    .help = "connect to the second port wherever Autodiscover's URLs mean the first (for the "
            "lab and tests: 443=8443,80=8080)" },
  { .name = "endpoint-file", .type = MC_OPT_STR, AT(endpoint_file), .arg = "FILE",
    .commands = "remote-move outlook-anywhere imap",
    .help = "take the endpoint's values from Get-MigrationEndpoint output (Format-List, "
            "Export-Csv or ConvertTo-Json), as Exchange Online holds them" },
  { .name = "endpoint", .type = MC_OPT_STR, AT(endpoint), .arg = "NAME|N",
    .commands = "remote-move outlook-anywhere imap",
    .help = "which endpoint of --endpoint-file: its Identity or its position (default: the "
            "only one of this check's type)" },
  { .name = "parallel", .shortname = 'j', .type = MC_OPT_STR, AT(parallel), .arg = "N",
    .commands = "batch", .help = "run at most N rows at a time (default 8, 1-64)" },
  { .name = "jsonl", .type = MC_OPT_FLAG, AT(jsonl), .commands = "batch",
    .help = "print one JSON line per row as it finishes, then a summary line" },
  { .name = "csv", .type = MC_OPT_STR, AT(csv), .arg = "FILE", .commands = "batch lab",
    .help = "also write a CSV: batch, the table (for a spreadsheet); lab --all, the batch "
            "file" },
  { .name = "all", .shortname = 'a', .type = MC_OPT_FLAG, AT(all), .commands = "lab",
    .help = "serve every scenario and write a batch file that checks them all" },
  { .name = "autodiscover", .type = MC_OPT_FLAG, AT(autodiscover),
    .commands = "remote-move outlook-anywhere",
    .help = "take the server from Autodiscover for --email, as Test-MigrationServerAvailability "
            "-Autodiscover does" },
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
  return !o->commands || word_in(o->commands, cmd->name);
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

/* What is checked once all options are read: report paths, the user name. */
static int check_after_parse(struct mc_cli *cli)
{
  for(size_t i = 0; i < mc_noptions; i++) {
    const struct mc_option *o = &mc_options[i];
    if(!(o->flags & MC_OPT_REPORT_FILE))
      continue;
    int rc = check_out_path(cli, o->name, *(char **)((char *)cli + o->offset));
    if(rc)
      return rc;
  }
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
  cli->args = NULL;
  cli->nargs = 0;
  char *base = (char *)cli;
  for(size_t i = 0; i < mc_noptions; i++) {
    const struct mc_option *o = &mc_options[i];
    if(o->type == MC_OPT_STR) {
      char **slot = (char **)(base + o->offset);
      free(*slot);
      *slot = NULL;
    }
    else if(o->type == MC_OPT_LIST) {
      char ***list = (char ***)(base + o->offset);
      size_t *count = (size_t *)(base + o->count_offset);
      for(size_t k = 0; k < *count; k++)
        free((*list)[k]);
      free(*list);
      *list = NULL;
      *count = 0;
    }
  }
}
