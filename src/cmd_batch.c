/*
 * cmd_batch.c - migcheck batch FILE: many checks at once.
 *
 * The file (a CSV with a header row, or Get-MigrationEndpoint output) is
 * read into rows by lib/config/batch.c. Each row runs in a child process:
 * this program again (/proc/self/exe) with the row's words and --json, its
 * stdout and stderr on pipes. One poll loop in this process keeps at most
 * --parallel children running (a pool, no thread per row), reads their
 * output as it comes, and when a row ends prints its line of the live
 * table. A child per row rather than a thread: the checks keep process-wide
 * state (the progress callback, the password in MIGCHECK_PASSWORD, c-ares
 * and OpenSSL set-up, the lab's threads in demo), and a child that crashes
 * or hangs costs its row only (docs/design.md). When this process has no
 * other thread (`migcheck batch` itself), the child is a plain fork that
 * runs the check at once, with libcurl and OpenSSL set up once here;
 * otherwise (demo, whose lab serves from threads) it execs this program
 * afresh, since a fork of a threaded process may inherit a held lock.
 *
 * Then the summary and the outputs asked for (batch_out.c): --json, --jsonl
 * (a line per row as it ends, written from here), --csv FILE, --html FILE.
 * Ctrl-C stops starting rows, ends the running ones and prints what
 * finished.
 */
#include "http/curl_dl.h"
#include <errno.h>
#include <fcntl.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "batch.h"
#include "report/render.h"
#include "tls/tls.h"
#include "util/input.h"

extern char **environ;

#define BATCH_DEFAULT_PARALLEL 8
#define BATCH_MAX_PARALLEL 64
#define BATCH_FILE_LIMIT ((size_t)16 << 20)
#define ROW_OUT_LIMIT ((size_t)32 << 20)    /* one row's JSON report */
#define ROW_ERR_LIMIT ((size_t)8192)        /* one row's stderr */
/* A row whose child outlives this many --timeout deadlines is ended. */
#define ROW_DEADLINES 60
/* A row expected to take this long mostly waits (the order rows start in). */
#define LONG_ROW_MS 1000
#define HISTORY_MAX 4096                    /* lines kept in the history of times */
#define HISTORY_BYTES ((size_t)HISTORY_MAX * 1100)

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
  (void)sig;
  interrupted = 1;
}

/* ---- one row's result ---- */


/* The first line of the child's stderr, without "migcheck: " and the help hint. */
static char *error_line(const struct mc_buf *b, int code)
{
  if(!b->ptr || !b->len)
    return mc_xasprintf("the check ended with exit code %d and no report", code);
  const char *p = b->ptr;
  size_t n = strcspn(p, "\n");
  if(n >= 10 && memcmp(p, "migcheck: ", 10) == 0) {
    p += 10;
    n -= 10;
  }
  const char *hint = NULL;
  for(size_t i = 0; i + 7 <= n; i++) {
    if(strncmp(p + i, " (see '", 7) == 0)
      hint = p + i;
  }
  if(hint)
    n = (size_t)(hint - p);
  if(!n)
    return mc_xasprintf("the check ended with exit code %d and no report", code);
  return mc_printable(p, n, 300);
}

/* A cause's detail with what differs from row to row by nature made
 * alike: the row's own host and port, run ids, milliseconds. Rows whose
 * details then agree share the cause for the same reason. */
static char *alike(const char *d, const char *target)
{
  char host[256] = "", port[16] = "";
  const char *colon = target ? strrchr(target, ':') : NULL;
  if(target && colon && !strchr(colon, ']')) {
    snprintf(host, sizeof host, "%.*s", (int)(colon - target), target);
    snprintf(port, sizeof port, "%s", colon + 1);
  }
  else if(target)
    snprintf(host, sizeof host, "%s", target);
  struct mc_buf b = MC_BUF_INIT(1 << 16);
  for(const char *p = d; *p;) {
    size_t hn = strlen(host), pn = strlen(port), digits = strspn(p, "0123456789");
    bool word_start = p == d || !((p[-1] >= '0' && p[-1] <= '9') || p[-1] == '.' ||
                                  (p[-1] >= 'a' && p[-1] <= 'z') || p[-1] == '-');
    if(hn && strncmp(p, host, hn) == 0) {
      mc_buf_addstr(&b, "HOST");
      p += hn;
    }
    else if(pn && word_start && digits == pn && strncmp(p, port, pn) == 0) {
      mc_buf_addstr(&b, "PORT");
      p += pn;
    }
    else if(mc_starts_with(p, "mc-") && strspn(p + 3, "0123456789abcdef") == 12) {
      mc_buf_addstr(&b, "RUN-ID");
      p += 15;
    }
    else if(digits && word_start && mc_starts_with(p + digits, " ms")) {
      mc_buf_addch(&b, 'N');
      p += digits;
    }
    else
      mc_buf_addch(&b, *p++);
  }
  return b.ptr ? mc_buf_detach(&b) : mc_xstrdup("");
}

static void take_report(struct mc_batch_run *r)
{
  char err[256];
  struct mc_jv *doc = NULL;
  if(r->out.len && mc_jv_parse(r->out.ptr, r->out.len, &doc, err, sizeof err) == MC_OK &&
     doc->type == MC_JV_OBJ && mc_batch_verdict_of(mc_jv_gets(doc, "verdict"))) {
    r->report = doc;
    r->verdict = mc_batch_verdict_of(mc_jv_gets(doc, "verdict"));
    const char *id = mc_jv_gets(doc, "run_id");
    if(id)
      mc_strlcpy(r->run_id, id, sizeof r->run_id);
    const struct mc_jv *causes = mc_jv_get(doc, "causes");
    for(size_t i = 0; causes && causes->type == MC_JV_ARR && i < causes->n; i++) {
      const char *cid = mc_jv_gets(&causes->kids[i], "id");
      if(!cid)
        continue;
      const struct mc_jv *ev = mc_jv_get(&causes->kids[i], "evidence");
      const char *d = ev && ev->type == MC_JV_ARR && ev->n ? mc_jv_gets(&ev->kids[0], "detail") :
                      NULL;
      r->causes = mc_xrealloc(r->causes, (r->ncauses + 1) * sizeof *r->causes);
      r->details = mc_xrealloc(r->details, (r->ncauses + 1) * sizeof *r->details);
      r->details[r->ncauses] = alike(d ? d : "", r->row->target);
      r->causes[r->ncauses++] = mc_xstrdup(cid);
    }
    return;
  }
  mc_jv_free(doc);
  r->verdict = "error";
  r->error = error_line(&r->err, r->exit_code);
}

/* ---- starting and ending children ---- */

static void add_arg(char ***v, size_t *n, const char *s)
{
  *v = mc_xrealloc(*v, (*n + 2) * sizeof **v);
  (*v)[(*n)++] = (char *)s;
  (*v)[*n] = NULL;
}

static bool row_has(const struct mc_batch_row *row, const char *opt)
{
  for(size_t i = 1; i < row->argc; i++) {
    if(strcmp(row->argv[i], opt) == 0)
      return true;
  }
  return false;
}

/* The child's words: migcheck CHECK, the batch's own network and TLS
 * options where the row does not set them, the row's words, --json. */
static char **child_argv(const struct mc_batch *b, const struct mc_batch_row *row, char *tbuf)
{
  const struct mc_cli *cli = b->cli;
  const struct mc_command *cmd = mc_cli_find_command(row->check);
  char **v = NULL;
  size_t n = 0;
  add_arg(&v, &n, "migcheck");
  add_arg(&v, &n, row->argv[0]);
  snprintf(tbuf, 16, "%ld", b->timeout_s);
  if(!row_has(row, "--timeout") && !row_has(row, "-t")) {
    add_arg(&v, &n, "--timeout");
    add_arg(&v, &n, tbuf);
  }
  for(size_t i = 0; i < cli->nresolve; i++) {
    add_arg(&v, &n, "--resolve");
    add_arg(&v, &n, cli->resolve[i]);
  }
  static const struct { const char *opt; size_t off; } strs[] = {
    { "--dns-server", offsetof(struct mc_cli, dns_server) },
    { "--ca-file", offsetof(struct mc_cli, ca_file) },
    { "--password-file", offsetof(struct mc_cli, password_file) },
  };
  for(size_t i = 0; i < sizeof strs / sizeof strs[0]; i++) {
    char *val = *(char *const *)((const char *)cli + strs[i].off);
    const struct mc_option *o = NULL;
    for(size_t k = 0; k < mc_noptions && !o; k++) {
      if(strcmp(mc_options[k].name, strs[i].opt + 2) == 0)
        o = &mc_options[k];
    }
    /* --password-file only where the row signs in. */
    bool wanted = strcmp(strs[i].opt, "--password-file") != 0 || row->user ||
                  row_has(row, "--user") || row_has(row, "-u");
    if(val && cmd && o && wanted && mc_cli_option_applies(cmd, o) &&
       !row_has(row, strs[i].opt)) {
      add_arg(&v, &n, strs[i].opt);
      add_arg(&v, &n, val);
    }
  }
  if(cli->insecure && strcmp(row->check, "ports") != 0 && !row_has(row, "--insecure"))
    add_arg(&v, &n, "--insecure");
  for(size_t i = 1; i < row->argc; i++)
    add_arg(&v, &n, row->argv[i]);
  add_arg(&v, &n, "--json");
  return v;
}

/* The environment of a row's child: ours, with MIGCHECK_PASSWORD from the
 * row's password_env when it names one. */
static char **child_env(const struct mc_batch_row *row, const char *pw, char **pwvar)
{
  size_t n = 0;
  while(environ[n])
    n++;
  char **e = mc_xcalloc(n + 2, sizeof *e);
  size_t k = 0;
  for(size_t i = 0; i < n; i++) {
    if(row->password_env && mc_starts_with(environ[i], "MIGCHECK_PASSWORD="))
      continue;
    e[k++] = environ[i];
  }
  *pwvar = NULL;
  if(row->password_env) {
    *pwvar = mc_xasprintf("MIGCHECK_PASSWORD=%s", pw);
    e[k++] = *pwvar;
  }
  e[k] = NULL;
  return e;
}

static void finish(struct mc_batch *b, struct mc_batch_run *r);

/* The child of a single-threaded batch: the row's check runs right here,
 * its JSON report goes to the pipe, and the child ends. */
static void run_here(const struct mc_batch_row *row, char **argv, const char *pw, int out,
                     int err)
{
  int nul = open("/dev/null", O_RDONLY);
  if(nul >= 0)
    dup2(nul, 0);
  dup2(out, 1);
  dup2(err, 2);
  signal(SIGINT, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);   /* blocked by start() around fork */
  if(row->password_env)
    setenv("MIGCHECK_PASSWORD", pw, 1);
  int argc = 0;
  while(argv[argc])
    argc++;
  /* argv is "migcheck", CHECK, ..., "--json": the check gets CHECK ... and
   * its report is rendered as JSON here. */
  int code = 0;
  struct mc_report *r = mc_cli_run_check(argc - 2, argv + 1, &code);
  if(r) {
    code = mc_report_exit_code(r);
    struct mc_buf o = MC_BUF_INIT(MC_RENDER_LIMIT);
    mc_render_json(r, &o);
    for(size_t k = 0; k < o.len;) {
      ssize_t w = write(1, o.ptr + k, o.len - k);
      if(w < 0 && errno == EINTR)
        continue;
      if(w <= 0)
        break;
      k += (size_t)w;
    }
  }
  _exit(code);
}

/* Whether this process runs no other thread (then a plain fork is safe). */
static bool single_threaded(void)
{
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  long n = 0;
  while(f && fgets(line, sizeof line, f)) {
    if(strncmp(line, "Threads:", 8) == 0)
      n = strtol(line + 8, NULL, 10);
  }
  if(f)
    fclose(f);
  return n == 1;
}

static void start(struct mc_batch *b, struct mc_batch_run *r)
{
  const struct mc_batch_row *row = r->row;
  r->t0 = mc_now_ms();
  if(row->error) {
    r->verdict = "error";
    r->error = mc_xstrdup(row->error);
    r->exit_code = MC_EXIT_USAGE;
    finish(b, r);
    return;
  }
  const char *pw = row->password_env ? getenv(row->password_env) : NULL;
  if(row->password_env && (!pw || !*pw)) {
    r->verdict = "error";
    r->error = mc_xasprintf("the environment variable %s (password_env) is %s",
                            row->password_env, pw ? "empty" : "not set");
    r->exit_code = MC_EXIT_USAGE;
    finish(b, r);
    return;
  }
  int po[2], pe[2];
  if(pipe2(po, O_CLOEXEC) != 0) {
    r->verdict = "error";
    r->error = mc_xasprintf("cannot start the check: %s", strerror(errno));
    finish(b, r);
    return;
  }
  if(pipe2(pe, O_CLOEXEC) != 0) {
    close(po[0]);
    close(po[1]);
    r->verdict = "error";
    r->error = mc_xasprintf("cannot start the check: %s", strerror(errno));
    finish(b, r);
    return;
  }
  char tbuf[16];
  char **argv = child_argv(b, row, tbuf);
  char *pwvar;
  char **envp = child_env(row, pw, &pwvar);
  fflush(stdout);
  /* SIGINT and SIGTERM wait until the child has its default handlers: one
   * that came between fork and signal() would run the batch's handler in
   * the child and be lost, and stop_all() would wait for the row's end. */
  sigset_t stop, old_mask;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  sigprocmask(SIG_BLOCK, &stop, &old_mask);
  pid_t pid = fork();
  if(pid != 0)
    sigprocmask(SIG_SETMASK, &old_mask, NULL);
  if(pid == 0 && b->inproc)
    run_here(row, argv, pw, po[1], pe[1]);
  if(pid == 0) {
    /* The child: stdin from /dev/null (no password prompt), the pipes for
     * stdout and stderr, default signals, then this program again. */
    int nul = open("/dev/null", O_RDONLY);
    if(nul >= 0)
      dup2(nul, 0);
    dup2(po[1], 1);
    dup2(pe[1], 2);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    execve(b->self, argv, envp);
    _exit(127);
  }
  if(pwvar) {
    explicit_bzero(pwvar, strlen(pwvar));
    free(pwvar);
  }
  free(envp);
  free(argv);
  close(po[1]);
  close(pe[1]);
  if(pid < 0) {
    close(po[0]);
    close(pe[0]);
    r->verdict = "error";
    r->error = mc_xasprintf("cannot start the check: %s", strerror(errno));
    finish(b, r);
    return;
  }
  r->pid = pid;
  r->fd_out = po[0];
  r->fd_err = pe[0];
  r->state = MC_ROW_RUNNING;
  mc_buf_init(&r->out, ROW_OUT_LIMIT);
  mc_buf_init(&r->err, ROW_ERR_LIMIT);
  b->running++;
}

/* Reads what fd has; false at EOF or error (then fd is closed, -1). */
static bool drain(int *fd, struct mc_buf *buf)
{
  char chunk[65536];
  ssize_t n = read(*fd, chunk, sizeof chunk);
  if(n < 0 && (errno == EINTR || errno == EAGAIN))
    return true;
  if(n <= 0) {
    close(*fd);
    *fd = -1;
    return false;
  }
  /* Past the limit the rest is dropped: the report will not parse and
   * the row says so. */
  if(buf->len + (size_t)n <= buf->limit)
    mc_buf_add(buf, chunk, (size_t)n);
  return true;
}

static void reap(struct mc_batch *b, struct mc_batch_run *r, bool stopped)
{
  int status = 0;
  while(waitpid(r->pid, &status, 0) < 0 && errno == EINTR)
    ;
  b->running--;
  if(r->fd_out >= 0)
    close(r->fd_out);
  if(r->fd_err >= 0)
    close(r->fd_err);
  r->fd_out = r->fd_err = -1;
  if(stopped) {
    if(b->expect_ms[r->num - 1] >= LONG_ROW_MS)
      b->running_long--;
    r->state = MC_ROW_STOPPED;
    r->ms = mc_now_ms() - r->t0;
    return;
  }
  if(WIFEXITED(status))
    r->exit_code = WEXITSTATUS(status);
  else {
    r->exit_code = MC_EXIT_CANNOT;
    r->verdict = "error";
    r->error = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL && r->ms < 0 ?
               mc_xasprintf("did not finish within %ld s: ended", b->timeout_s *
                            ROW_DEADLINES) :
               mc_xasprintf("the check ended by signal %d", WIFSIGNALED(status) ?
                            WTERMSIG(status) : 0);
  }
  if(!r->verdict)
    take_report(r);
  finish(b, r);
}

/* ---- the live table ---- */

static void progress(const struct mc_batch *b)
{
  if(!b->tty)
    return;
  fprintf(stderr, "\r\033[K[%zu/%zu done, %zu running]", b->done, b->n, b->running);
  fflush(stderr);
}


static void finish(struct mc_batch *b, struct mc_batch_run *r)
{
  if(b->expect_ms[r->num - 1] >= LONG_ROW_MS)
    b->running_long--;
  r->state = MC_ROW_DONE;
  r->ms = mc_now_ms() - r->t0;
  b->done++;
  const struct mc_cli *cli = b->cli;
  if(b->tty)
    fputs("\r\033[K", stderr);
  if(b->table) {
    /* The row fits 100 columns: the target and the cause are cut to their columns
     * (the whole of both is in the summary, --csv, --json and --html). */
    char target[48], cause[300], whole[300];
    mc_batch_cut(target, sizeof target, r->row->target && *r->row->target ? r->row->target :
                 "-", 26);
    mc_batch_cut(whole, sizeof whole, mc_batch_first_cause(r), 160);
    if(r->ncauses > 1 && !r->error)
      snprintf(whole, sizeof whole, "%s (+%zu)", r->causes[0], r->ncauses - 1);
    mc_batch_cut(cause, sizeof cause, whole, 32);
    printf("%4zu  %-16s %-26s %s%-7s%s %-32s %6lld ms\n", r->num, r->row->check, target,
           mc_render_color(mc_batch_status(r->verdict), b->color), r->verdict,
           mc_render_reset(b->color), cause, (long long)r->ms);
    fflush(stdout);
  }
  else if(cli->jsonl && !cli->quiet) {
    struct mc_buf out = MC_BUF_INIT(ROW_OUT_LIMIT * 2);
    struct mc_json j;
    mc_json_init(&j, &out, false);
    mc_batch_row_json(&j, r);
    mc_buf_addch(&out, '\n');
    fwrite(out.ptr, 1, out.len, stdout);
    fflush(stdout);
    mc_buf_release(&out);
  }
  /* Keep the report only when an output needs it. */
  if(!cli->json && !cli->html && r->report) {
    mc_jv_free(r->report);
    r->report = NULL;
  }
  mc_buf_release(&r->out);
  mc_buf_release(&r->err);
  progress(b);
}

/* ---- the order rows start in ----
 *
 * The rows that take longest are mostly waiting (for a --timeout, a slow
 * server), the rest use the CPUs. Started last, a long row makes the
 * batch's end its own; so rows start longest first, by the time the same
 * check of the same host took in an earlier batch (a small file of times,
 * MIGCHECK_BATCH_HISTORY or the user's cache directory), and at most half
 * the slots wait on long rows at once, so the others keep the CPUs busy.
 * Without an earlier time a row keeps its place in the file. */


/* The history file, or NULL when there is none (MIGCHECK_BATCH_HISTORY set
 * empty, or no HOME); its directory is made when mkdirs. */
static char *history_path(bool mkdirs)
{
  const char *env = getenv("MIGCHECK_BATCH_HISTORY");
  if(env)
    return *env ? mc_xstrdup(env) : NULL;
  const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
  char *dir = xdg && *xdg ? mc_xasprintf("%s/migcheck", xdg) :
              home && *home ? mc_xasprintf("%s/.cache/migcheck", home) : NULL;
  if(!dir)
    return NULL;
  if(mkdirs) {
    char *parent = mc_xstrdup(dir);
    *strrchr(parent, '/') = '\0';
    mkdir(parent, 0700);
    mkdir(dir, 0700);
    free(parent);
  }
  char *path = mc_xasprintf("%s/batch-times", dir);
  free(dir);
  return path;
}

/* The history file's text (NUL-terminated in b), or false when there is
 * none or it cannot be read: then nothing is known. */
static bool history_read(const char *path, struct mc_buf *b)
{
  char why[160];
  if(!path || mc_input_read(path, 0, b, why, sizeof why) != MC_OK) {
    mc_buf_reset(b);
    return false;
  }
  mc_buf_addch(b, '\0');
  return true;
}

/* The next line of the history text at *p (cut at its LF), or NULL at
 * the end. */
static char *history_line(char **p)
{
  if(!*p || !**p)
    return NULL;
  char *line = *p, *nl = strchr(line, '\n');
  if(nl)
    *nl = '\0';
  *p = nl ? nl + 1 : line + strlen(line);
  return line;
}

/* A row's key in the history: its check and its host (the port left out:
 * the lab's change from run to run). */
static char *history_key(const struct mc_batch_row *row)
{
  const char *t = row->target ? row->target : "";
  size_t n = strlen(t);
  const char *colon = strrchr(t, ':');
  if(colon && colon[1] && strspn(colon + 1, "0123456789") == strlen(colon + 1) &&
     (t[0] == '[' ? colon > t && colon[-1] == ']' : !memchr(t, ':', (size_t)(colon - t))))
    n = (size_t)(colon - t);
  return mc_xasprintf("%s\t%.*s", row->check ? row->check : "", (int)n, t);
}

/* Each run's time from the history file, then the start order. */
static void plan_order(struct mc_batch *b)
{
  b->expect_ms = mc_xcalloc(b->n ? b->n : 1, sizeof *b->expect_ms);
  b->order = mc_xcalloc(b->n ? b->n : 1, sizeof *b->order);
  char *path = history_path(false);
  struct mc_buf text = MC_BUF_INIT(HISTORY_BYTES);
  char *p = history_read(path, &text) ? text.ptr : NULL, *line;
  char **keys = mc_xcalloc(b->n ? b->n : 1, sizeof *keys);
  for(size_t i = 0; i < b->n; i++)
    keys[i] = history_key(b->runs[i].row);
  for(size_t k = 0; k < HISTORY_MAX && (line = history_line(&p)); k++) {
    char *tab = strchr(line, '\t');
    long ms;
    if(!tab)
      continue;
    *tab = '\0';
    if(!mc_parse_long(line, 0, 86400000L, &ms))
      continue;
    for(size_t i = 0; i < b->n; i++) {
      if(!b->expect_ms[i] && strcmp(keys[i], tab + 1) == 0)
        b->expect_ms[i] = ms ? ms : 1;     /* the newest line comes first */
    }
  }
  mc_buf_release(&text);
  free(path);
  for(size_t i = 0; i < b->n; i++)
    free(keys[i]);
  free(keys);
  /* Longest expected first; equal ones (and unknown ones) in file order. */
  for(size_t i = 0; i < b->n; i++) {
    size_t k = i;
    while(k && b->expect_ms[b->order[k - 1]] < b->expect_ms[i]) {
      b->order[k] = b->order[k - 1];
      k--;
    }
    b->order[k] = i;
  }
}

/* The next run to start: the first in order, unless half the slots (at
 * least one) already wait on long rows and a shorter row is pending. */
static struct mc_batch_run *next_run(struct mc_batch *b)
{
  size_t cap = b->parallel / 2 ? b->parallel / 2 : 1;
  size_t pick = b->n;
  for(size_t k = 0; k < b->n; k++) {
    size_t i = b->order[k];
    if(b->runs[i].state != MC_ROW_PENDING)
      continue;
    if(pick == b->n)
      pick = i;
    if(b->running_long < cap || b->expect_ms[i] < LONG_ROW_MS) {
      pick = i;
      break;
    }
  }
  b->next++;
  if(b->expect_ms[pick] >= LONG_ROW_MS)
    b->running_long++;
  return &b->runs[pick];
}

/* Keeps this batch's times for the next one: its rows first, then the
 * older lines for other rows, at most HISTORY_MAX; written aside and
 * renamed, so that a batch running at the same time reads a whole file. */
static void save_history(const struct mc_batch *b)
{
  char *path = history_path(true);
  if(!path)
    return;
  struct mc_buf out = MC_BUF_INIT(HISTORY_BYTES);
  size_t kept = 0;
  char **keys = mc_xcalloc(b->n ? b->n : 1, sizeof *keys);
  for(size_t i = 0; i < b->n; i++) {
    const struct mc_batch_run *r = &b->runs[i];
    keys[i] = history_key(r->row);
    if(r->state == MC_ROW_DONE && !r->row->error && r->pid && kept < HISTORY_MAX) {
      mc_buf_printf(&out, "%lld\t%s\n", (long long)r->ms, keys[i]);
      kept++;
    }
  }
  struct mc_buf text = MC_BUF_INIT(HISTORY_BYTES);
  char *p = history_read(path, &text) ? text.ptr : NULL, *line;
  while(kept < HISTORY_MAX && (line = history_line(&p))) {
    const char *tab = strchr(line, '\t');
    bool drop = !tab;              /* not a line of ours, or one of this batch's rows */
    for(size_t i = 0; i < b->n && !drop; i++)
      drop = strcmp(tab + 1, keys[i]) == 0;
    if(!drop) {
      mc_buf_printf(&out, "%s\n", line);
      kept++;
    }
  }
  mc_buf_release(&text);
  for(size_t i = 0; i < b->n; i++)
    free(keys[i]);
  free(keys);
  char *tmp = mc_xasprintf("%s.%ld", path, (long)getpid());
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  bool ok = fd >= 0 && (!out.len || write(fd, out.ptr, out.len) == (ssize_t)out.len);
  if(fd >= 0)
    ok = close(fd) == 0 && ok;
  if(!ok || rename(tmp, path) != 0)
    unlink(tmp);
  free(tmp);
  free(path);
  mc_buf_release(&out);
}

/* ---- the pool ---- */

static void stop_all(struct mc_batch *b)
{
  for(size_t i = 0; i < b->n; i++) {
    if(b->runs[i].state == MC_ROW_RUNNING)
      kill(b->runs[i].pid, SIGTERM);
  }
  for(size_t i = 0; i < b->n; i++) {
    if(b->runs[i].state == MC_ROW_RUNNING)
      reap(b, &b->runs[i], true);
  }
}

static void pool(struct mc_batch *b)
{
  struct pollfd *fds = mc_xcalloc(b->parallel * 2, sizeof *fds);
  struct mc_batch_run **who = mc_xcalloc(b->parallel * 2, sizeof *who);
  int64_t limit_ms = (int64_t)b->timeout_s * ROW_DEADLINES * 1000;
  while(b->done < b->n && !interrupted) {
    while(b->running < b->parallel && b->next < b->n && !interrupted)
      start(b, next_run(b));
    if(!b->running)
      continue;
    size_t nf = 0;
    int64_t now = mc_now_ms(), wait_ms = limit_ms;
    for(size_t i = 0; i < b->n; i++) {
      struct mc_batch_run *r = &b->runs[i];
      if(r->state != MC_ROW_RUNNING)
        continue;
      if(now - r->t0 >= limit_ms && r->ms >= 0) {
        kill(r->pid, SIGKILL);
        r->ms = -1;    /* marks "ended for its deadline" for reap() */
      }
      int64_t left = limit_ms - (now - r->t0);
      wait_ms = left < wait_ms ? left : wait_ms;
      if(r->fd_out >= 0) {
        fds[nf] = (struct pollfd){ .fd = r->fd_out, .events = POLLIN };
        who[nf++] = r;
      }
      if(r->fd_err >= 0) {
        fds[nf] = (struct pollfd){ .fd = r->fd_err, .events = POLLIN };
        who[nf++] = r;
      }
    }
    int k = poll(fds, nf, (int)(wait_ms > 0 ? (wait_ms < 1000 ? wait_ms : 1000) : 0));
    if(k < 0 && errno == EINTR)
      continue;
    for(size_t i = 0; i < nf && k > 0; i++) {
      if(!fds[i].revents)
        continue;
      struct mc_batch_run *r = who[i];
      if(fds[i].fd == r->fd_out)
        drain(&r->fd_out, &r->out);
      else if(fds[i].fd == r->fd_err)
        drain(&r->fd_err, &r->err);
    }
    for(size_t i = 0; i < nf; i++) {
      struct mc_batch_run *r = who[i];
      if(r->state == MC_ROW_RUNNING && r->fd_out < 0 && r->fd_err < 0)
        reap(b, r, false);
    }
  }
  if(interrupted)
    stop_all(b);
  free(fds);
  free(who);
}

/* ---- the command ---- */

static int read_all(const char *path, struct mc_buf *b)
{
  char why[160];
  mc_code rc = mc_input_read(path, 0, b, why, sizeof why);
  if(rc == MC_ERR_LIMIT)
    return mc_cli_usage_error(NULL, "'%s' is larger than %zu bytes", path, b->limit);
  if(rc)
    return mc_cli_usage_error(NULL, "cannot read '%s': %s", path, why);
  return 0;
}

/* Reads the file into rows and finds this program's path: 0, or the
 * exit code of a usage error (nothing to release then). */
static int batch_open(struct mc_batch *b)
{
  struct mc_buf data = MC_BUF_INIT(BATCH_FILE_LIMIT);
  char err[1024];
  int rc = read_all(b->file, &data);
  if(rc) {
    mc_buf_release(&data);
    return rc;
  }
  if(mc_batch_plan_read(data.ptr ? data.ptr : "", data.len, b->file, &b->plan, err,
                        sizeof err)) {
    mc_buf_release(&data);
    return mc_cli_usage_error(b->cli, "'%s': %s", b->file, err);
  }
  mc_buf_release(&data);
  ssize_t sl = readlink("/proc/self/exe", b->self, sizeof b->self - 1);
  if(sl <= 0) {
    mc_batch_plan_release(&b->plan);
    return mc_cli_cannot("cannot find this program's own path (/proc/self/exe)");
  }
  b->self[sl] = '\0';
  b->n = b->plan.n;
  return 0;
}

/* How rows will run (fork or exec), their slots, and what is shown. */
static void batch_prepare(struct mc_batch *b)
{
  const struct mc_cli *cli = b->cli;
  b->timeout_s = cli->timeout_s ? cli->timeout_s : MC_DEFAULT_TIMEOUT_S;
  const char *ex = getenv("MIGCHECK_BATCH_EXEC");
  b->inproc = single_threaded() && !(ex && *ex);
  if(b->inproc) {
    /* Set up once here, inherited by every row's child. */
    OPENSSL_init_ssl(0, NULL);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    /* Warm OpenSSL's caches of fetched algorithms once (a TLS context,
     * made and dropped) and parse the system's trust once for every row. */
    SSL_CTX *warm = SSL_CTX_new(TLS_client_method());
    SSL_CTX_free(warm);
    mc_tls_trust_warm();
  }
  b->runs = mc_xcalloc(b->n, sizeof *b->runs);
  for(size_t i = 0; i < b->n; i++) {
    b->runs[i].row = &b->plan.rows[i];
    b->runs[i].num = i + 1;
    b->runs[i].fd_out = b->runs[i].fd_err = -1;
  }
  plan_order(b);
  b->color = mc_cli_color(cli);
  b->table = !cli->json && !cli->jsonl && !cli->quiet;
  b->tty = isatty(STDERR_FILENO) && !cli->quiet;
  const char *term = getenv("TERM");
  if(term && strcmp(term, "dumb") == 0)
    b->tty = false;
}

/* Runs the pool with Ctrl-C and SIGTERM caught, under the table's head. */
static void batch_pool(struct mc_batch *b)
{
  struct sigaction sa = { .sa_handler = on_signal }, old_int, old_term;
  sigemptyset(&sa.sa_mask);
  interrupted = 0;
  sigaction(SIGINT, &sa, &old_int);
  sigaction(SIGTERM, &sa, &old_term);
  b->t0 = mc_now_ms();
  if(b->table) {
    printf("migcheck batch %s: %zu row%s (%s), %zu at a time\n\n%4s  %-16s %-26s %-7s %-32s "
           "%9s\n", b->file, b->n, b->n == 1 ? "" : "s", b->plan.form, b->parallel, "row",
           "check", "target", "verdict", "first cause", "time");
    fflush(stdout);
  }
  pool(b);
  b->interrupted = interrupted != 0;
  if(b->tty)
    fputs("\r\033[K", stderr);
  sigaction(SIGINT, &old_int, NULL);
  sigaction(SIGTERM, &old_term, NULL);
}

/* For the bench (MIGCHECK_BATCH_RUSAGE): wall time, the slowest row, CPU
 * and peak RSS of this process and of its children. */
static void print_rusage(const struct mc_batch *b, int64_t slowest)
{
  struct rusage self, kids;
  getrusage(RUSAGE_SELF, &self);
  getrusage(RUSAGE_CHILDREN, &kids);
#define CPU_MS(u) ((long long)((u).ru_utime.tv_sec + (u).ru_stime.tv_sec) * 1000 + \
                   ((u).ru_utime.tv_usec + (u).ru_stime.tv_usec) / 1000)
  fprintf(stderr, "batch: total_ms=%lld slowest_ms=%lld peak_rss_kb=%ld "
          "child_peak_rss_kb=%ld cpu_ms=%lld child_cpu_ms=%lld\n",
          (long long)(mc_now_ms() - b->t0), (long long)slowest, self.ru_maxrss,
          kids.ru_maxrss, CPU_MS(self), CPU_MS(kids));
#undef CPU_MS
}

/* The summary or document on stdout and the files asked for: 0, or the
 * exit code of a write error. */
static int batch_outputs(const struct mc_batch *b, const struct mc_batch_counts *c,
                         const struct mc_batch_recurring *rec, size_t nrec)
{
  const struct mc_cli *cli = b->cli;
  int64_t slowest = 0;
  for(size_t i = 0; i < b->n; i++) {
    if(b->runs[i].state == MC_ROW_DONE && b->runs[i].ms > slowest)
      slowest = b->runs[i].ms;
  }
  if(b->table)
    mc_batch_print_summary(b, c, rec, nrec, slowest);
  else if(cli->json && !cli->quiet)
    mc_batch_json(b, c, rec, nrec, false);
  else if(cli->jsonl && !cli->quiet)
    mc_batch_json(b, c, rec, nrec, true);
  int wrc = 0;
  if(cli->csv)
    wrc = mc_batch_csv(b);
  if(cli->html && !wrc)
    wrc = mc_batch_html(b, c, rec, nrec);
  if(getenv("MIGCHECK_BATCH_RUSAGE"))
    print_rusage(b, slowest);
  return wrc;
}

static void batch_release(struct mc_batch *b)
{
  for(size_t i = 0; i < b->n; i++) {
    struct mc_batch_run *r = &b->runs[i];
    free(r->error);
    mc_jv_free(r->report);
    for(size_t k = 0; k < r->ncauses; k++) {
      free(r->causes[k]);
      free(r->details[k]);
    }
    free(r->causes);
    free(r->details);
    mc_buf_release(&r->out);
    mc_buf_release(&r->err);
  }
  free(b->runs);
  free(b->order);
  free(b->expect_ms);
  mc_batch_plan_release(&b->plan);
}

int mc_batch_run(const struct mc_cli *cli, const char *file, long parallel)
{
  struct mc_batch b = { .cli = cli, .file = file, .parallel = (size_t)parallel };
  int rc = batch_open(&b);
  if(rc)
    return rc;
  batch_prepare(&b);
  batch_pool(&b);
  save_history(&b);
  struct mc_batch_counts c = mc_batch_count(&b);
  size_t nrec = 0;
  struct mc_batch_recurring *rec = mc_batch_recurring_causes(&b, &nrec);
  int wrc = batch_outputs(&b, &c, rec, nrec);
  const char *w = mc_batch_worst(&c);
  rc = b.interrupted ? MC_EXIT_INTERRUPTED : wrc ? wrc : strcmp(w, "pass") == 0 ? MC_EXIT_OK :
       strcmp(w, "unknown") == 0 ? MC_EXIT_CANNOT : MC_EXIT_PROBLEM;
  for(size_t k = 0; k < nrec; k++)
    free(rec[k].rows);
  free(rec);
  batch_release(&b);
  return rc;
}

int mc_cmd_batch(struct mc_cli *cli)
{
  if(cli->nargs != 1)
    return mc_cli_usage_error(cli, "batch takes one FILE (a CSV with a header row, or "
                              "Get-MigrationEndpoint output)");
  if(cli->json && cli->jsonl)
    return mc_cli_usage_error(cli, "give --json or --jsonl, not both");
  long parallel = BATCH_DEFAULT_PARALLEL;
  if(cli->parallel && !mc_parse_long(cli->parallel, 1, BATCH_MAX_PARALLEL, &parallel))
    return mc_cli_usage_error(cli, "--parallel '%s' is not a whole number from 1 to %d",
                              cli->parallel, BATCH_MAX_PARALLEL);
  return mc_batch_run(cli, cli->args[0], parallel);
}
