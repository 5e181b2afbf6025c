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
 * Then the summary (counts per verdict, the causes that recur across rows)
 * and the outputs asked for: --json (one document), --jsonl (a line per
 * row as it ends), --csv FILE, --html FILE. Ctrl-C stops starting rows,
 * ends the running ones and prints what finished.
 */
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "config/endpoint.h"
#include "report/render.h"
#include "util/json.h"
#include "util/jsonval.h"
#include "version.h"

extern char **environ;

#define BATCH_DEFAULT_PARALLEL 8
#define BATCH_MAX_PARALLEL 64
#define BATCH_FILE_LIMIT ((size_t)16 << 20)
#define ROW_OUT_LIMIT ((size_t)32 << 20)    /* one row's JSON report */
#define ROW_ERR_LIMIT ((size_t)8192)        /* one row's stderr */
/* A row whose child outlives this many --timeout deadlines is ended. */
#define ROW_DEADLINES 60

enum row_state { ROW_PENDING, ROW_RUNNING, ROW_DONE, ROW_STOPPED };

struct run {
  const struct mc_batch_row *row;
  size_t num;                /* 1-based */
  enum row_state state;
  pid_t pid;
  int fd_out, fd_err;
  struct mc_buf out, err;
  int64_t t0, ms;
  /* what came back */
  const char *verdict;       /* pass warn fail unknown, or "error" */
  int exit_code;
  char *error;               /* why the row could not run */
  char run_id[24];
  struct mc_jv *report;      /* the row's JSON report, parsed */
  char **causes;             /* ids, most likely first */
  char **details;            /* each cause's first detail, made alike() ("" when none) */
  size_t ncauses;
};

struct batch {
  const struct mc_cli *cli;
  const char *file;
  struct mc_batch_plan plan;
  struct run *runs;
  size_t n, parallel;
  size_t running, done, next;
  int64_t t0;
  long timeout_s;
  bool color, table, tty;
  bool inproc;               /* fork only: this process has no other thread */
  char self[4096];
};

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
  (void)sig;
  interrupted = 1;
}

/* ---- one row's result ---- */

static const char *verdict_of(const char *s)
{
  static const char *const names[] = { "pass", "warn", "fail", "unknown" };
  for(size_t i = 0; i < 4; i++) {
    if(s && strcmp(s, names[i]) == 0)
      return names[i];
  }
  return NULL;
}

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

static void take_report(struct run *r)
{
  char err[256];
  struct mc_jv *doc = NULL;
  if(r->out.len && mc_jv_parse(r->out.ptr, r->out.len, &doc, err, sizeof err) == MC_OK &&
     doc->type == MC_JV_OBJ && verdict_of(mc_jv_gets(doc, "verdict"))) {
    r->report = doc;
    r->verdict = verdict_of(mc_jv_gets(doc, "verdict"));
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
static char **child_argv(const struct batch *b, const struct mc_batch_row *row, char *tbuf)
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

static void finish(struct batch *b, struct run *r);

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

static void start(struct batch *b, struct run *r)
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
  pid_t pid = fork();
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
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
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
  r->state = ROW_RUNNING;
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

static void reap(struct batch *b, struct run *r, bool stopped)
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
    r->state = ROW_STOPPED;
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

static const char *first_cause(const struct run *r)
{
  if(r->error)
    return r->error;
  return r->ncauses ? r->causes[0] : "-";
}

static enum mc_status status_of(const char *verdict)
{
  if(strcmp(verdict, "pass") == 0)
    return MC_PASS;
  if(strcmp(verdict, "warn") == 0)
    return MC_WARN;
  if(strcmp(verdict, "fail") == 0)
    return MC_FAIL;
  return MC_UNKNOWN;
}

static void cut(char *out, size_t outlen, const char *s, size_t width)
{
  size_t n = strlen(s);
  if(n <= width)
    snprintf(out, outlen, "%s", s);
  else
    snprintf(out, outlen, "%.*s...", (int)(width - 3), s);
}

static void progress(const struct batch *b)
{
  if(!b->tty)
    return;
  fprintf(stderr, "\r\033[K[%zu/%zu done, %zu running]", b->done, b->n, b->running);
  fflush(stderr);
}

static void row_json(struct mc_json *j, const struct run *r);

static void finish(struct batch *b, struct run *r)
{
  r->state = ROW_DONE;
  r->ms = mc_now_ms() - r->t0;
  b->done++;
  const struct mc_cli *cli = b->cli;
  if(b->tty)
    fputs("\r\033[K", stderr);
  if(b->table) {
    char target[48], cause[300];
    cut(target, sizeof target, r->row->target && *r->row->target ? r->row->target : "-", 40);
    cut(cause, sizeof cause, first_cause(r), 160);
    if(r->ncauses > 1 && !r->error)
      snprintf(cause, sizeof cause, "%s (+%zu)", r->causes[0], r->ncauses - 1);
    printf("%4zu  %-16s %-40s %s%-7s%s %-34s %6lld ms\n", r->num, r->row->check, target,
           mc_render_color(status_of(r->verdict), b->color), r->verdict,
           mc_render_reset(b->color), cause, (long long)r->ms);
    fflush(stdout);
  }
  else if(cli->jsonl && !cli->quiet) {
    struct mc_buf out = MC_BUF_INIT(ROW_OUT_LIMIT * 2);
    struct mc_json j;
    mc_json_init(&j, &out, false);
    row_json(&j, r);
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

/* ---- the pool ---- */

static void stop_all(struct batch *b)
{
  for(size_t i = 0; i < b->n; i++) {
    if(b->runs[i].state == ROW_RUNNING)
      kill(b->runs[i].pid, SIGTERM);
  }
  for(size_t i = 0; i < b->n; i++) {
    if(b->runs[i].state == ROW_RUNNING)
      reap(b, &b->runs[i], true);
  }
}

static void pool(struct batch *b)
{
  struct pollfd *fds = mc_xcalloc(b->parallel * 2, sizeof *fds);
  struct run **who = mc_xcalloc(b->parallel * 2, sizeof *who);
  int64_t limit_ms = (int64_t)b->timeout_s * ROW_DEADLINES * 1000;
  while(b->done < b->n && !interrupted) {
    while(b->running < b->parallel && b->next < b->n && !interrupted)
      start(b, &b->runs[b->next++]);
    if(!b->running)
      continue;
    size_t nf = 0;
    int64_t now = mc_now_ms(), wait_ms = limit_ms;
    for(size_t i = 0; i < b->n; i++) {
      struct run *r = &b->runs[i];
      if(r->state != ROW_RUNNING)
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
      struct run *r = who[i];
      if(fds[i].fd == r->fd_out)
        drain(&r->fd_out, &r->out);
      else if(fds[i].fd == r->fd_err)
        drain(&r->fd_err, &r->err);
    }
    for(size_t i = 0; i < nf; i++) {
      struct run *r = who[i];
      if(r->state == ROW_RUNNING && r->fd_out < 0 && r->fd_err < 0)
        reap(b, r, false);
    }
  }
  if(interrupted)
    stop_all(b);
  free(fds);
  free(who);
}

/* ---- the summary ---- */

struct recurring {
  const char *id;
  size_t *rows;
  size_t n;
  const char *detail;        /* the most frequent detail */
  size_t detail_n;           /* how many rows share it */
};

/* The first evidence detail of cause id in a row's report, or NULL. */
static const char *detail_of(const struct run *r, const char *id)
{
  for(size_t i = 0; i < r->ncauses; i++) {
    if(strcmp(r->causes[i], id) == 0)
      return *r->details[i] ? r->details[i] : NULL;
  }
  return NULL;
}

static int by_count(const void *a, const void *b)
{
  const struct recurring *x = a, *y = b;
  if(x->n != y->n)
    return x->n < y->n ? 1 : -1;
  return strcmp(x->id, y->id);
}

/* Causes named by two rows or more, most rows first. */
static struct recurring *recurring_causes(const struct batch *b, size_t *nrec)
{
  struct recurring *rec = NULL;
  size_t n = 0;
  for(size_t i = 0; i < b->n; i++) {
    const struct run *r = &b->runs[i];
    if(r->state != ROW_DONE)
      continue;
    for(size_t c = 0; c < r->ncauses; c++) {
      size_t k = 0;
      while(k < n && strcmp(rec[k].id, r->causes[c]) != 0)
        k++;
      if(k == n) {
        rec = mc_xrealloc(rec, (n + 1) * sizeof *rec);
        rec[n++] = (struct recurring){ .id = r->causes[c] };
      }
      rec[k].rows = mc_xrealloc(rec[k].rows, (rec[k].n + 1) * sizeof *rec[k].rows);
      rec[k].rows[rec[k].n++] = i;
    }
  }
  size_t kept = 0;
  for(size_t k = 0; k < n; k++) {
    if(rec[k].n < 2) {
      free(rec[k].rows);
      continue;
    }
    /* Which detail do most of them share? */
    for(size_t a = 0; a < rec[k].n; a++) {
      const char *d = detail_of(&b->runs[rec[k].rows[a]], rec[k].id);
      if(!d)
        continue;
      size_t same = 0;
      for(size_t c = 0; c < rec[k].n; c++) {
        const char *e = detail_of(&b->runs[rec[k].rows[c]], rec[k].id);
        same += e && strcmp(d, e) == 0;
      }
      if(same > rec[k].detail_n) {
        rec[k].detail = d;
        rec[k].detail_n = same;
      }
    }
    rec[kept++] = rec[k];
  }
  qsort(rec, kept, sizeof *rec, by_count);
  *nrec = kept;
  return rec;
}

struct counts {
  size_t pass, warn, fail, unknown, error, stopped, not_run;
};

static struct counts count(const struct batch *b)
{
  struct counts c = { 0 };
  for(size_t i = 0; i < b->n; i++) {
    const struct run *r = &b->runs[i];
    if(r->state == ROW_STOPPED)
      c.stopped++;
    else if(r->state != ROW_DONE)
      c.not_run++;
    else if(strcmp(r->verdict, "pass") == 0)
      c.pass++;
    else if(strcmp(r->verdict, "warn") == 0)
      c.warn++;
    else if(strcmp(r->verdict, "fail") == 0)
      c.fail++;
    else if(strcmp(r->verdict, "unknown") == 0)
      c.unknown++;
    else
      c.error++;
  }
  return c;
}

/* The worst verdict: fail, warn, unknown (or a row that could not run), pass. */
static const char *worst(const struct counts *c)
{
  return c->fail ? "fail" : c->warn ? "warn" : (c->unknown || c->error) ? "unknown" : "pass";
}

static void rows_list(struct mc_buf *o, const struct recurring *rc, size_t max)
{
  for(size_t i = 0; i < rc->n && i < max; i++)
    mc_buf_printf(o, "%s%zu", i ? ", " : "", rc->rows[i] + 1);
  if(rc->n > max)
    mc_buf_printf(o, " and %zu more", rc->n - max);
}

static void print_summary(const struct batch *b, const struct counts *c,
                          const struct recurring *rec, size_t nrec, int64_t slowest)
{
  printf("\n%zu row%s in %.1f s (slowest row %.1f s, %zu at a time): %zu pass, %zu warn, "
         "%zu fail, %zu unknown, %zu could not run", b->n, b->n == 1 ? "" : "s",
         (double)(mc_now_ms() - b->t0) / 1000.0, (double)slowest / 1000.0, b->parallel,
         c->pass, c->warn, c->fail, c->unknown, c->error);
  if(interrupted)
    printf("; interrupted: %zu stopped, %zu not started", c->stopped, c->not_run);
  printf("\n");
  if(!nrec) {
    printf("No cause recurs across rows.\n");
    return;
  }
  printf("\nCauses that recur across rows:\n");
  for(size_t k = 0; k < nrec; k++) {
    struct mc_buf o = MC_BUF_INIT(8192);
    rows_list(&o, &rec[k], 12);
    printf("  %zu rows share %s (rows %s)\n", rec[k].n, rec[k].id, o.ptr);
    if(rec[k].detail && rec[k].detail_n >= 2) {
      char d[240];
      cut(d, sizeof d, rec[k].detail, 200);
      printf("     %s: %s\n", rec[k].detail_n == rec[k].n ? "all with the same detail" :
             "most with", d);
    }
    mc_buf_release(&o);
  }
}

/* ---- the outputs ---- */

/* Writes a parsed value back (the report kept after the raw bytes went). */
static void jv_write(struct mc_json *j, const struct mc_jv *v)
{
  switch(v->type) {
  case MC_JV_NULL: mc_json_null(j); break;
  case MC_JV_BOOL: mc_json_bool(j, v->b); break;
  case MC_JV_NUM: mc_json_raw(j, v->str); break;
  case MC_JV_STR: mc_json_str(j, v->str); break;
  case MC_JV_ARR:
  case MC_JV_OBJ:
    if(v->type == MC_JV_ARR)
      mc_json_arr_begin(j);
    else
      mc_json_obj_begin(j);
    for(size_t i = 0; i < v->n; i++) {
      if(v->type == MC_JV_OBJ)
        mc_json_key(j, v->kids[i].key);
      jv_write(j, &v->kids[i]);
    }
    if(v->type == MC_JV_ARR)
      mc_json_arr_end(j);
    else
      mc_json_obj_end(j);
    break;
  }
}

static void row_json(struct mc_json *j, const struct run *r)
{
  mc_json_obj_begin(j);
  mc_json_kint(j, "row", (int64_t)r->num);
  mc_json_kint(j, "line", r->row->line);
  mc_json_kstr(j, "check", r->row->check);
  mc_json_kstr(j, "target", r->row->target);
  mc_json_kstr(j, "user", r->row->user);
  mc_json_kstr(j, "verdict", r->state == ROW_DONE ? r->verdict : "stopped");
  mc_json_kint(j, "exit_code", r->exit_code);
  mc_json_kint(j, "ms", r->ms > 0 ? r->ms : 0);
  mc_json_kstr(j, "run_id", r->run_id[0] ? r->run_id : NULL);
  mc_json_key(j, "causes");
  mc_json_arr_begin(j);
  for(size_t i = 0; i < r->ncauses; i++)
    mc_json_str(j, r->causes[i]);
  mc_json_arr_end(j);
  mc_json_kstr(j, "error", r->error);
  mc_json_key(j, "report");
  /* The child's own document, written back compact from the parsed tree
   * (one line for --jsonl). */
  if(r->report)
    jv_write(j, r->report);
  else
    mc_json_null(j);
  mc_json_obj_end(j);
}

static void summary_json(struct mc_json *j, const struct batch *b, const struct counts *c,
                         const struct recurring *rec, size_t nrec)
{
  mc_json_key(j, "counts");
  mc_json_obj_begin(j);
  mc_json_kint(j, "pass", (int64_t)c->pass);
  mc_json_kint(j, "warn", (int64_t)c->warn);
  mc_json_kint(j, "fail", (int64_t)c->fail);
  mc_json_kint(j, "unknown", (int64_t)c->unknown);
  mc_json_kint(j, "error", (int64_t)c->error);
  mc_json_kint(j, "stopped", (int64_t)c->stopped);
  mc_json_kint(j, "not_run", (int64_t)c->not_run);
  mc_json_obj_end(j);
  mc_json_key(j, "recurring");
  mc_json_arr_begin(j);
  for(size_t k = 0; k < nrec; k++) {
    mc_json_obj_begin(j);
    mc_json_kstr(j, "id", rec[k].id);
    mc_json_kint(j, "count", (int64_t)rec[k].n);
    mc_json_key(j, "rows");
    mc_json_arr_begin(j);
    for(size_t i = 0; i < rec[k].n; i++)
      mc_json_int(j, (int64_t)b->runs[rec[k].rows[i]].num);
    mc_json_arr_end(j);
    mc_json_kstr(j, "detail", rec[k].detail);
    mc_json_kint(j, "detail_count", (int64_t)rec[k].detail_n);
    mc_json_obj_end(j);
  }
  mc_json_arr_end(j);
}

static void batch_json(const struct batch *b, const struct counts *c,
                       const struct recurring *rec, size_t nrec, bool lines)
{
  struct mc_buf out = MC_BUF_INIT(MC_RENDER_LIMIT);
  struct mc_json j;
  mc_json_init(&j, &out, false);
  mc_json_obj_begin(&j);
  if(!lines) {
    mc_json_kint(&j, "schema_version", MC_JSON_SCHEMA_VERSION);
    mc_json_kstr(&j, "tool", "migcheck " MC_VERSION);
    mc_json_kstr(&j, "command", "batch");
  }
  else {
    mc_json_key(&j, "summary");
    mc_json_obj_begin(&j);
  }
  mc_json_kstr(&j, "file", b->file);
  mc_json_kstr(&j, "form", b->plan.form);
  mc_json_kint(&j, "rows", (int64_t)b->n);
  mc_json_kint(&j, "parallel", (int64_t)b->parallel);
  mc_json_kint(&j, "duration_ms", mc_now_ms() - b->t0);
  mc_json_kstr(&j, "verdict", worst(c));
  mc_json_kbool(&j, "interrupted", interrupted != 0);
  summary_json(&j, b, c, rec, nrec);
  if(!lines) {
    mc_json_key(&j, "results");
    mc_json_arr_begin(&j);
    for(size_t i = 0; i < b->n; i++) {
      const struct run *r = &b->runs[i];
      if(r->state != ROW_DONE && r->state != ROW_STOPPED)
        continue;
      row_json(&j, r);
    }
    mc_json_arr_end(&j);
  }
  else
    mc_json_obj_end(&j);
  mc_json_obj_end(&j);
  mc_buf_addch(&out, '\n');
  fwrite(out.ptr, 1, out.len, stdout);
  fflush(stdout);
  mc_buf_release(&out);
}

/* A CSV field; a leading = + - @ is quoted away so a spreadsheet never runs it. */
static void csv_field(struct mc_buf *o, const char *s, bool last)
{
  s = s ? s : "";
  mc_buf_addch(o, '"');
  if(strchr("=+-@\t\r", s[0]) && s[0] && !(s[0] == '-' && !s[1]))
    mc_buf_addch(o, '\'');
  for(; *s; s++) {
    if(*s == '"')
      mc_buf_addch(o, '"');
    mc_buf_addch(o, *s);
  }
  mc_buf_addstr(o, last ? "\"\r\n" : "\",");
}

static int write_file(const char *path, const struct mc_buf *o)
{
  FILE *f = fopen(path, "w");
  if(!f || fwrite(o->ptr, 1, o->len, f) != o->len || fclose(f) != 0) {
    int e = errno;
    if(f)
      fclose(f);
    return mc_cli_cannot("cannot write '%s': %s", path, strerror(e));
  }
  return 0;
}

static int batch_csv(const struct batch *b)
{
  struct mc_buf o = MC_BUF_INIT(MC_RENDER_LIMIT);
  mc_buf_addstr(&o, "row,line,check,target,user,verdict,exit_code,first_cause,causes,ms,run_id,"
                    "error\r\n");
  for(size_t i = 0; i < b->n; i++) {
    const struct run *r = &b->runs[i];
    if(r->state != ROW_DONE)
      continue;
    char num[32], line[32], code[32], ms[32];
    snprintf(num, sizeof num, "%zu", r->num);
    snprintf(line, sizeof line, "%u", r->row->line);
    snprintf(code, sizeof code, "%d", r->exit_code);
    snprintf(ms, sizeof ms, "%lld", (long long)r->ms);
    struct mc_buf all = MC_BUF_INIT(1 << 16);
    for(size_t k = 0; k < r->ncauses; k++)
      mc_buf_printf(&all, "%s%s", k ? " " : "", r->causes[k]);
    csv_field(&o, num, false);
    csv_field(&o, line, false);
    csv_field(&o, r->row->check, false);
    csv_field(&o, r->row->target, false);
    csv_field(&o, r->row->user, false);
    csv_field(&o, r->verdict, false);
    csv_field(&o, code, false);
    csv_field(&o, r->ncauses ? r->causes[0] : "", false);
    csv_field(&o, all.ptr, false);
    csv_field(&o, ms, false);
    csv_field(&o, r->run_id, false);
    csv_field(&o, r->error, true);
    mc_buf_release(&all);
  }
  int rc = write_file(b->cli->csv, &o);
  mc_buf_release(&o);
  return rc;
}

static void esc(struct mc_buf *o, const char *s)
{
  mc_render_html_escape(o, s);
}

static const char *safe_status(const char *s)
{
  return verdict_of(s) ? verdict_of(s) : (s && (strcmp(s, "info") == 0 ||
                                                strcmp(s, "skip") == 0)) ? s : "unknown";
}

/* A row's report from its JSON: the causes with their fixes, then the steps. */
static void html_steps(struct mc_buf *o, const struct mc_jv *steps)
{
  if(!steps || steps->type != MC_JV_ARR || !steps->n)
    return;
  mc_buf_addstr(o, "<ul>");
  for(size_t i = 0; i < steps->n; i++) {
    const struct mc_jv *s = &steps->kids[i];
    const char *st = safe_status(mc_jv_gets(s, "status"));
    mc_buf_printf(o, "<li><span class=\"mark %s\">%s</span> <b>", st, st);
    esc(o, mc_jv_gets(s, "title"));
    mc_buf_addstr(o, "</b>");
    const char *sum = mc_jv_gets(s, "summary");
    if(sum && *sum) {
      mc_buf_addstr(o, ": ");
      esc(o, sum);
    }
    const struct mc_jv *ev = mc_jv_get(s, "evidence");
    for(size_t k = 0; ev && ev->type == MC_JV_ARR && k < ev->n; k++) {
      mc_buf_addstr(o, "<br><small>");
      esc(o, mc_jv_gets(&ev->kids[k], "label"));
      mc_buf_addstr(o, ": <code>");
      esc(o, mc_jv_gets(&ev->kids[k], "text"));
      mc_buf_addstr(o, "</code></small>");
    }
    const struct mc_jv *fs = mc_jv_get(s, "findings");
    for(size_t k = 0; fs && fs->type == MC_JV_ARR && k < fs->n; k++) {
      mc_buf_addstr(o, "<div class=\"finding\">&rarr; <b>");
      esc(o, mc_jv_gets(&fs->kids[k], "id"));
      mc_buf_addstr(o, "</b>: ");
      esc(o, mc_jv_gets(&fs->kids[k], "detail"));
      mc_buf_addstr(o, "</div>");
    }
    html_steps(o, mc_jv_get(s, "steps"));
    mc_buf_addstr(o, "</li>\n");
  }
  mc_buf_addstr(o, "</ul>\n");
}

static void html_report(struct mc_buf *o, const struct mc_jv *rep)
{
  const struct mc_jv *causes = mc_jv_get(rep, "causes");
  for(size_t i = 0; causes && causes->type == MC_JV_ARR && i < causes->n; i++) {
    const struct mc_jv *c = &causes->kids[i];
    mc_buf_addstr(o, "<div class=\"cause\"><b><code>");
    esc(o, mc_jv_gets(c, "id"));
    mc_buf_addstr(o, "</code></b> ");
    esc(o, mc_jv_gets(c, "title"));
    const struct mc_jv *ev = mc_jv_get(c, "evidence");
    for(size_t k = 0; ev && ev->type == MC_JV_ARR && k < ev->n; k++) {
      mc_buf_addstr(o, "<br>Seen: ");
      esc(o, mc_jv_gets(&ev->kids[k], "detail"));
    }
    const struct mc_jv *fix = mc_jv_get(c, "fix");
    if(fix && fix->type == MC_JV_ARR && fix->n) {
      mc_buf_addstr(o, "<ol>");
      for(size_t k = 0; k < fix->n; k++) {
        mc_buf_addstr(o, "<li><code>");
        esc(o, fix->kids[k].str);
        mc_buf_addstr(o, "</code></li>");
      }
      mc_buf_addstr(o, "</ol>");
    }
    mc_buf_addstr(o, "</div>\n");
  }
  html_steps(o, mc_jv_get(rep, "steps"));
}

static int batch_html(const struct batch *b, const struct counts *c,
                      const struct recurring *rec, size_t nrec)
{
  struct mc_buf o = MC_BUF_INIT(MC_RENDER_LIMIT);
  mc_buf_addstr(&o, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
                    "<title>migcheck batch ");
  esc(&o, b->file);
  mc_buf_addstr(&o,
    "</title>\n<style>\n"
    "body{font-family:system-ui,sans-serif;margin:2rem;color:#222}\n"
    "table.rows{border-collapse:collapse}table.rows td,table.rows th{padding:.2rem .6rem;"
    "border-bottom:1px solid #ddd;text-align:left}\n"
    "tr.pass td.v{background:#e3f5e1}tr.warn td.v{background:#fff4d6}"
    "tr.fail td.v{background:#fde2e1}tr.unknown td.v,tr.error td.v{background:#eee0f5}\n"
    ".mark{display:inline-block;min-width:4.5em;text-align:center;border-radius:.3rem;"
    "font-size:.8em;font-weight:bold;text-transform:uppercase}\n"
    ".mark.pass{background:#2e7d32;color:#fff}.mark.warn{background:#f9a825}"
    ".mark.fail{background:#c62828;color:#fff}.mark.unknown{background:#8e24aa;color:#fff}"
    ".mark.skip,.mark.info{background:#ddd}\n"
    "code{font-family:ui-monospace,monospace;font-size:.9em;word-break:break-all}\n"
    "section{border-top:2px solid #888;margin-top:2rem}ul{list-style:none}\n"
    ".cause{border-left:.3rem solid #c62828;padding:.2rem 1rem;margin:1rem 0}"
    ".finding{margin-left:2em}\n"
    "</style></head><body>\n<h1>migcheck batch <code>");
  esc(&o, b->file);
  mc_buf_printf(&o, "</code></h1>\n<p>%zu rows: %zu pass, %zu warn, %zu fail, %zu unknown, %zu "
                "could not run%s. Worst verdict: <b>%s</b>.</p>\n", b->n, c->pass, c->warn,
                c->fail, c->unknown, c->error, interrupted ? " (interrupted)" : "", worst(c));
  if(nrec) {
    mc_buf_addstr(&o, "<h2>Causes that recur across rows</h2>\n<ul>");
    for(size_t k = 0; k < nrec; k++) {
      mc_buf_printf(&o, "<li>%zu rows share <code>", rec[k].n);
      esc(&o, rec[k].id);
      mc_buf_addstr(&o, "</code>: rows ");
      for(size_t i = 0; i < rec[k].n; i++)
        mc_buf_printf(&o, "%s<a href=\"#row-%zu\">%zu</a>", i ? ", " : "",
                      b->runs[rec[k].rows[i]].num, b->runs[rec[k].rows[i]].num);
      if(rec[k].detail && rec[k].detail_n >= 2) {
        mc_buf_printf(&o, "<br><small>%zu with: ", rec[k].detail_n);
        esc(&o, rec[k].detail);
        mc_buf_addstr(&o, "</small>");
      }
      mc_buf_addstr(&o, "</li>\n");
    }
    mc_buf_addstr(&o, "</ul>\n");
  }
  mc_buf_addstr(&o, "<h2>Rows</h2>\n<table class=\"rows\"><tr><th>row</th><th>check</th>"
                    "<th>target</th><th>verdict</th><th>first cause</th><th>time</th></tr>\n");
  for(size_t i = 0; i < b->n; i++) {
    const struct run *r = &b->runs[i];
    if(r->state != ROW_DONE)
      continue;
    mc_buf_printf(&o, "<tr class=\"%s\"><td><a href=\"#row-%zu\">%zu</a></td><td>",
                  verdict_of(r->verdict) ? r->verdict : "error", r->num, r->num);
    esc(&o, r->row->check);
    mc_buf_addstr(&o, "</td><td><code>");
    esc(&o, r->row->target);
    mc_buf_printf(&o, "</code></td><td class=\"v\">%s</td><td>", r->verdict);
    esc(&o, first_cause(r));
    mc_buf_printf(&o, "</td><td>%lld ms</td></tr>\n", (long long)r->ms);
  }
  mc_buf_addstr(&o, "</table>\n");
  for(size_t i = 0; i < b->n; i++) {
    const struct run *r = &b->runs[i];
    if(r->state != ROW_DONE)
      continue;
    mc_buf_printf(&o, "<section id=\"row-%zu\"><h3>Row %zu: ", r->num, r->num);
    esc(&o, r->row->check);
    mc_buf_addstr(&o, " <code>");
    esc(&o, r->row->target);
    mc_buf_printf(&o, "</code> <span class=\"mark %s\">%s</span></h3>\n",
                  safe_status(r->verdict), r->verdict);
    if(r->run_id[0])
      mc_buf_printf(&o, "<p>Run id <code>%s</code></p>\n", r->run_id);
    if(r->error) {
      mc_buf_addstr(&o, "<p>Could not run: ");
      esc(&o, r->error);
      mc_buf_addstr(&o, "</p>\n");
    }
    if(r->report)
      html_report(&o, r->report);
    mc_buf_addstr(&o, "</section>\n");
  }
  mc_buf_addstr(&o, "<footer><small>Made by migcheck " MC_VERSION ".</small></footer>\n"
                    "</body></html>\n");
  int rc = write_file(b->cli->html, &o);
  mc_buf_release(&o);
  return rc;
}

/* ---- the command ---- */

static int read_all(const char *path, struct mc_buf *b)
{
  FILE *f = fopen(path, "rb");
  if(!f)
    return mc_cli_usage_error(NULL, "cannot read '%s': %s", path, strerror(errno));
  char chunk[65536];
  size_t n;
  int rc = 0;
  while((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
    if(mc_buf_add(b, chunk, n) != MC_OK) {
      rc = mc_cli_usage_error(NULL, "'%s' is larger than %zu bytes", path, b->limit);
      break;
    }
  }
  fclose(f);
  return rc;
}

int mc_batch_run(const struct mc_cli *cli, const char *file, long parallel)
{
  struct batch b = { .cli = cli, .file = file, .parallel = (size_t)parallel };
  struct mc_buf data = MC_BUF_INIT(BATCH_FILE_LIMIT);
  char err[1024];
  int rc = read_all(file, &data);
  if(rc) {
    mc_buf_release(&data);
    return rc;
  }
  if(mc_batch_plan_read(data.ptr ? data.ptr : "", data.len, file, &b.plan, err, sizeof err)) {
    mc_buf_release(&data);
    return mc_cli_usage_error(cli, "'%s': %s", file, err);
  }
  mc_buf_release(&data);
  ssize_t sl = readlink("/proc/self/exe", b.self, sizeof b.self - 1);
  if(sl <= 0) {
    mc_batch_plan_release(&b.plan);
    return mc_cli_cannot("cannot find this program's own path (/proc/self/exe)");
  }
  b.self[sl] = '\0';
  b.n = b.plan.n;
  b.timeout_s = cli->timeout_s ? cli->timeout_s : MC_DEFAULT_TIMEOUT_S;
  const char *ex = getenv("MIGCHECK_BATCH_EXEC");
  b.inproc = single_threaded() && !(ex && *ex);
  if(b.inproc) {
    /* Set up once here, inherited by every row's child. */
    OPENSSL_init_ssl(0, NULL);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    /* Warm OpenSSL's caches of fetched algorithms and decoders once: a
     * TLS context and the system trust store, made and dropped. */
    SSL_CTX *warm = SSL_CTX_new(TLS_client_method());
    X509_STORE *st = X509_STORE_new();
    if(st)
      X509_STORE_set_default_paths(st);
    X509_STORE_free(st);
    SSL_CTX_free(warm);
  }
  b.runs = mc_xcalloc(b.n, sizeof *b.runs);
  for(size_t i = 0; i < b.n; i++) {
    b.runs[i].row = &b.plan.rows[i];
    b.runs[i].num = i + 1;
    b.runs[i].fd_out = b.runs[i].fd_err = -1;
  }
  b.color = mc_cli_color(cli);
  b.table = !cli->json && !cli->jsonl && !cli->quiet;
  b.tty = isatty(STDERR_FILENO) && !cli->quiet;
  const char *term = getenv("TERM");
  if(term && strcmp(term, "dumb") == 0)
    b.tty = false;

  struct sigaction sa = { .sa_handler = on_signal }, old_int, old_term;
  sigemptyset(&sa.sa_mask);
  interrupted = 0;
  sigaction(SIGINT, &sa, &old_int);
  sigaction(SIGTERM, &sa, &old_term);

  b.t0 = mc_now_ms();
  if(b.table) {
    printf("migcheck batch %s: %zu row%s (%s), %zu at a time\n\n%4s  %-16s %-40s %-7s %-34s "
           "%9s\n", file, b.n, b.n == 1 ? "" : "s", b.plan.form, b.parallel, "row", "check",
           "target", "verdict", "first cause", "time");
    fflush(stdout);
  }
  pool(&b);
  if(b.tty)
    fputs("\r\033[K", stderr);
  sigaction(SIGINT, &old_int, NULL);
  sigaction(SIGTERM, &old_term, NULL);

  struct counts c = count(&b);
  size_t nrec = 0;
  struct recurring *rec = recurring_causes(&b, &nrec);
  int64_t slowest = 0;
  for(size_t i = 0; i < b.n; i++) {
    if(b.runs[i].state == ROW_DONE && b.runs[i].ms > slowest)
      slowest = b.runs[i].ms;
  }
  if(b.table)
    print_summary(&b, &c, rec, nrec, slowest);
  else if(cli->json && !cli->quiet)
    batch_json(&b, &c, rec, nrec, false);
  else if(cli->jsonl && !cli->quiet)
    batch_json(&b, &c, rec, nrec, true);
  int wrc = 0;
  if(cli->csv)
    wrc = batch_csv(&b);
  if(cli->html && !wrc)
    wrc = batch_html(&b, &c, rec, nrec);
  if(getenv("MIGCHECK_BATCH_RUSAGE")) {
    /* For the bench: this process's and the largest child's peak RSS. */
    struct rusage self, kids;
    getrusage(RUSAGE_SELF, &self);
    getrusage(RUSAGE_CHILDREN, &kids);
#define CPU_MS(u) ((long long)((u).ru_utime.tv_sec + (u).ru_stime.tv_sec) * 1000 + \
                   ((u).ru_utime.tv_usec + (u).ru_stime.tv_usec) / 1000)
    fprintf(stderr, "batch: total_ms=%lld slowest_ms=%lld peak_rss_kb=%ld "
            "child_peak_rss_kb=%ld cpu_ms=%lld child_cpu_ms=%lld\n",
            (long long)(mc_now_ms() - b.t0), (long long)slowest, self.ru_maxrss,
            kids.ru_maxrss, CPU_MS(self), CPU_MS(kids));
#undef CPU_MS
  }

  const char *w = worst(&c);
  rc = interrupted ? 130 : wrc ? wrc : strcmp(w, "pass") == 0 ? MC_EXIT_OK :
       strcmp(w, "unknown") == 0 ? MC_EXIT_CANNOT : MC_EXIT_PROBLEM;
  for(size_t k = 0; k < nrec; k++)
    free(rec[k].rows);
  free(rec);
  for(size_t i = 0; i < b.n; i++) {
    struct run *r = &b.runs[i];
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
  free(b.runs);
  mc_batch_plan_release(&b.plan);
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
