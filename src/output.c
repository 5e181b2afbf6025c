/*
 * output.c - what a finished run prints and writes: text (colors, width,
 * the steps streamed while the check runs, the progress line) or JSON on
 * stdout, and the --json-file and --html report files; the facts the fix
 * and confirm lines are filled with; shell-quoted words for the commands
 * it prints. Not for: parsing options (options.c) or the report's layout
 * (lib/report).
 */
#include "cli.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "report/render.h"
#include "util/plat.h"
#include "util/util.h"

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

/* The options that change how a check probes (MC_OPT_RERUN rows), for a
 * "confirm with" command: those with values first, then the flags. */
static void rerun_options(const struct mc_cli *cli, struct mc_buf *b)
{
  const char *base = (const char *)cli;
  for(int flags = 0; flags < 2; flags++) {
    for(size_t i = 0; i < mc_noptions; i++) {
      const struct mc_option *o = &mc_options[i];
      if(!(o->flags & MC_OPT_RERUN) || (o->type == MC_OPT_FLAG) != (flags == 1))
        continue;
      if(o->type == MC_OPT_FLAG && *(const bool *)(base + o->offset))
        add_option(b, o->name, NULL);
      else if(o->type == MC_OPT_STR && *(char *const *)(base + o->offset))
        add_option(b, o->name, *(char *const *)(base + o->offset));
      else if(o->type == MC_OPT_LIST) {
        char *const *list = *(char **const *)(base + o->offset);
        size_t n = *(const size_t *)(base + o->count_offset);
        for(size_t k = 0; k < n; k++)
          add_option(b, o->name, list[k]);
      }
    }
  }
}

void mc_cli_facts(const struct mc_cli *cli, struct mc_report *r)
{
  struct mc_buf opts = MC_BUF_INIT(1 << 16);
  rerun_options(cli, &opts);
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

int mc_cli_write_file(const char *path, const struct mc_buf *b)
{
  FILE *f = fopen(path, "w");
  if(!f)
    return mc_cli_cannot("cannot write '%s': %s", path, strerror(errno));
  /* fclose once, whatever fwrite did: a full disk often shows only there. */
  bool written = fwrite(b->ptr, 1, b->len, f) == b->len;
  int e = errno;
  if(fclose(f) != 0 && written) {
    written = false;
    e = errno;
  }
  if(!written)
    return mc_cli_cannot("cannot write '%s': %s", path, strerror(e));
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
    rc = mc_cli_write_file(cli->html, &b);
    mc_buf_release(&b);
  }
  if(cli->json_file && !rc) {
    struct mc_buf b = MC_BUF_INIT(MC_RENDER_LIMIT);
    mc_render_json(r, &b);
    rc = mc_cli_write_file(cli->json_file, &b);
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
