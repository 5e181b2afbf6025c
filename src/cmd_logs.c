/*
 * cmd_logs.c - migcheck logs PATH...: options to struct mc_logs_opts, the
 * progress line and warnings on stderr, the check (lib/logs), the report.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "logs/logs.h"
#include "util/plat.h"
#include "util/util.h"

#define PROGRESS_MIN_BYTES (300ull * 1000 * 1000)

struct ui {
  bool quiet;
  bool progress_shown;
};

static void on_warn(void *ctx, const char *msg)
{
  struct ui *ui = ctx;
  if(ui->quiet)
    return;
  if(ui->progress_shown) {
    fputs("\r\033[K", stderr);
    ui->progress_shown = false;
  }
  fprintf(stderr, "migcheck: warning: %s\n", msg);
}

static void on_progress(void *ctx, uint64_t done, uint64_t total, int64_t ms)
{
  struct ui *ui = ctx;
  if(total < PROGRESS_MIN_BYTES || ms < 300)
    return;
  double rate = ms > 0 ? (double)done / 1e6 / ((double)ms / 1000.0) : 0;
  double left = rate > 0 && total > done ? (double)(total - done) / 1e6 / rate : 0;
  fprintf(stderr, "\rmigcheck logs: %llu of %llu MB read, %.0f MB/s, %.0f s left\033[K",
          (unsigned long long)(done / 1000000), (unsigned long long)(total / 1000000), rate,
          left);
  fflush(stderr);
  ui->progress_shown = true;
}

/* "mc-" and 12 hex digits; the bare 12 digits are accepted too. */
static bool run_id_ok(const char *in, char *out, size_t outlen)
{
  const char *hex = strncmp(in, "mc-", 3) == 0 ? in + 3 : in;
  if(strlen(hex) != 12)
    return false;
  for(size_t i = 0; i < 12; i++) {
    if(!isxdigit((unsigned char)hex[i]))
      return false;
  }
  snprintf(out, outlen, "mc-%s", hex);
  for(char *p = out + 3; *p; p++)
    *p = (char)tolower((unsigned char)*p);
  return true;
}

/* No PATH given: the machine's standard log folders (on Windows: IIS,
 * HTTPERR, Exchange HttpProxy) that exist, said on stderr and in the
 * report. 0 with *dirs set, or the usage error's exit code. */
static int default_paths(const struct mc_cli *cli, char ***dirs, size_t *n, char **said)
{
  struct mc_buf tried = MC_BUF_INIT(4096);
  *n = mc_plat_default_log_dirs(dirs, &tried);
  if(*n == 0) {
    int rc = tried.len ? mc_cli_usage_error(cli, "logs needs a PATH: none of the standard "
                                            "log folders is here (%s)", tried.ptr)
                       : mc_cli_usage_error(cli, "logs needs a PATH (a log file, a folder "
                                            "or a .gz)");
    mc_buf_release(&tried);
    return rc;
  }
  mc_buf_reset(&tried);
  for(size_t i = 0; i < *n; i++)
    mc_buf_printf(&tried, "%s%s", i ? ", " : "", (*dirs)[i]);
  *said = mc_buf_detach(&tried);
  if(!cli->quiet)
    fprintf(stderr, "migcheck logs: no PATH given, reading the standard log folders found "
            "here: %s\n", *said);
  return 0;
}

/* What the options of one run own, released together after the check. */
struct logs_args {
  char **defaults;              /* the standard folders read when no PATH is given */
  size_t ndefaults;
  char *said;                   /* those folders, as one sentence */
  struct mc_logs_server *servers;
  char *host;                   /* this machine's name, for its own folders */
  struct mc_cidr_set cloud;
  char run_id[24];
};

static void logs_args_release(struct logs_args *a)
{
  free(a->said);
  free(a->host);
  for(size_t i = 0; i < a->ndefaults; i++)
    free(a->defaults[i]);
  free(a->defaults);
  mc_cidr_release(&a->cloud);
  free(a->servers);
}

/* --since, --until and --run-id: 0, or the usage error's exit code. */
static int window_opts(const struct mc_cli *cli, struct mc_logs_opts *o, char *run_id,
                       size_t run_id_len)
{
  if(cli->since) {
    if(!mc_parse_user_time(cli->since, false, &o->since))
      return mc_cli_usage_error(cli, "--since '%s' is not a UTC time like 2024-03-12 or "
                                "2024-03-12T08:00", cli->since);
    o->has_since = true;
  }
  if(cli->until) {
    if(!mc_parse_user_time(cli->until, true, &o->until))
      return mc_cli_usage_error(cli, "--until '%s' is not a UTC time like 2024-03-12 or "
                                "2024-03-12T18:00", cli->until);
    o->has_until = true;
  }
  if(o->has_since && o->has_until && o->since > o->until)
    return mc_cli_usage_error(cli, "--since '%s' is after --until '%s'", cli->since,
                              cli->until);
  if(cli->run_id) {
    if(!run_id_ok(cli->run_id, run_id, run_id_len))
      return mc_cli_usage_error(cli, "--run-id '%s' is not a migcheck run id (mc- and 12 hex "
                                "digits, as a remote check prints it)", cli->run_id);
    o->run_id = run_id;
  }
  return 0;
}

/* Which server each path's logs belong to: --server NAME=PATH, or, for the
 * standard folders, this machine. 0, or the usage error's exit code. */
static int server_opts(const struct mc_cli *cli, struct logs_args *a, struct mc_logs_opts *o)
{
  if(cli->nservers) {
    a->servers = mc_xcalloc(cli->nservers, sizeof *a->servers);
    for(size_t i = 0; i < cli->nservers; i++) {
      char *eq = strchr(cli->servers[i], '=');
      if(!eq || eq == cli->servers[i] || !eq[1])
        return mc_cli_usage_error(cli, "--server '%s' is not NAME=PATH", cli->servers[i]);
      *eq = '\0';
      a->servers[i].name = cli->servers[i];
      a->servers[i].path = eq + 1;
    }
    o->servers = a->servers;
    o->nservers = cli->nservers;
  }
  else if(a->ndefaults) {
    /* This machine's own folders: its logs are this server's, even where
     * neither s-computername nor the path names it. */
    a->host = mc_plat_computer_name();
    a->servers = mc_xcalloc(a->ndefaults, sizeof *a->servers);
    for(size_t i = 0; a->host && i < a->ndefaults; i++) {
      a->servers[i].name = a->host;
      a->servers[i].path = a->defaults[i];
    }
    o->servers = a->servers;
    o->nservers = a->host ? a->ndefaults : 0;
  }
  return 0;
}

/* --cloud-ranges FILE: 0, or the exit code of a file that cannot be read
 * or is not ranges. */
static int cloud_opts(const struct mc_cli *cli, struct logs_args *a, struct mc_logs_opts *o)
{
  if(!cli->cloud_ranges)
    return 0;
  char err[512];
  mc_code c = mc_cidr_load(cli->cloud_ranges, &a->cloud, err, sizeof err);
  if(c)
    return c == MC_ERR_IO ? mc_cli_cannot("%s", err) : mc_cli_usage_error(cli, "%s", err);
  o->cloud = &a->cloud;
  return 0;
}

/* MIGCHECK_THREADS and MIGCHECK_RANGE_BYTES from the environment. */
static void env_opts(struct mc_logs_opts *o)
{
  const char *th = getenv("MIGCHECK_THREADS");
  long nth;
  if(th && mc_parse_long(th, 1, 64, &nth))
    o->threads = (int)nth;
  /* For tests and the bench: small ranges exercise the layout hand-over. */
  const char *rb = getenv("MIGCHECK_RANGE_BYTES");
  long nrb;
  if(rb && mc_parse_long(rb, 1, 1L << 30, &nrb))
    o->range_bytes = (uint64_t)nrb;
}

int mc_check_logs_cli(struct mc_cli *cli, struct mc_report **out)
{
  if(cli->nargs < 1 && cli->merge)
    return mc_cli_usage_error(cli, "logs --merge needs the summary files");
  if(cli->merge && (cli->since || cli->until || cli->run_id || cli->nservers))
    return mc_cli_usage_error(cli, "--since, --until, --run-id and --server are given when "
                              "the summaries are made (logs PATH --summary FILE), not to "
                              "--merge");
  struct logs_args a = { 0 };
  struct mc_logs_opts o = { 0 };
  struct ui ui = { cli->quiet, false };
  int rc = 0;
  if(cli->nargs < 1) {
    rc = default_paths(cli, &a.defaults, &a.ndefaults, &a.said);
    if(rc)
      goto out;
  }
  o.paths = (const char *const *)(a.ndefaults ? a.defaults : cli->args);
  o.npaths = a.ndefaults ? a.ndefaults : cli->nargs;
  rc = window_opts(cli, &o, a.run_id, sizeof a.run_id);
  if(!rc)
    rc = server_opts(cli, &a, &o);
  if(!rc)
    rc = cloud_opts(cli, &a, &o);
  if(rc)
    goto out;
  env_opts(&o);
  o.summary_out = cli->summary;
  o.merge = cli->merge;
  o.warn = on_warn;
  if(!cli->quiet && mc_plat_ansi_tty(STDERR_FILENO))
    o.progress = on_progress;
  o.ctx = &ui;
  *out = mc_check_logs(&o);
  if(a.said && *out)
    mc_report_note(*out, "no PATH was given: read the standard log folders found here: %s",
                   a.said);
  if(ui.progress_shown)
    fputs("\r\033[K", stderr);
out:
  logs_args_release(&a);
  return rc;
}
