/*
 * batch.h - what cmd_batch.c (the pool of children, the live table) and
 * batch_out.c (the summary and the --json, --jsonl, --csv and --html
 * outputs) share: a row's run, the batch, the counts and the causes that
 * recur. Private to src/.
 */
#ifndef MC_SRC_BATCH_H
#define MC_SRC_BATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cli.h"
#include "config/endpoint.h"
#include "util/json.h"
#include "util/jsonval.h"

enum mc_row_state { MC_ROW_PENDING, MC_ROW_RUNNING, MC_ROW_DONE, MC_ROW_STOPPED };

struct mc_batch_run {
  const struct mc_batch_row *row;
  size_t num;                /* 1-based */
  enum mc_row_state state;
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
  char **details;            /* each cause's first detail, host and port made alike */
  size_t ncauses;
};

struct mc_batch {
  const struct mc_cli *cli;
  const char *file;
  struct mc_batch_plan plan;
  struct mc_batch_run *runs;
  size_t n, parallel;
  size_t running, done, next;
  size_t *order;             /* the runs in the order they start (longest expected first) */
  int64_t *expect_ms;        /* each run's time in an earlier batch; 0 when none */
  size_t running_long;       /* running rows expected to take a second or more */
  int64_t t0;
  long timeout_s;
  bool color, table, tty;
  bool inproc;               /* fork only: this process has no other thread */
  bool interrupted;          /* Ctrl-C or SIGTERM stopped it */
  char self[4096];
};

struct mc_batch_counts {
  size_t pass, warn, fail, unknown, error, stopped, not_run;
};

struct mc_batch_recurring {
  const char *id;
  size_t *rows;
  size_t n;
  const char *detail;        /* the most frequent detail */
  size_t detail_n;           /* how many rows share it */
};

/* pass, warn, fail or unknown as the constant string, or NULL for anything else. */
const char *mc_batch_verdict_of(const char *s);
/* The row's first cause id, why it could not run, or "-". */
const char *mc_batch_first_cause(const struct mc_batch_run *r);
/* A row verdict as a status, for colors (error: unknown). */
enum mc_status mc_batch_status(const char *verdict);
/* s cut to width characters with "..." into out. */
void mc_batch_cut(char *out, size_t outlen, const char *s, size_t width);
/* Causes named by two rows or more, most rows first (the caller frees each
 * one's rows, then the array). */
struct mc_batch_recurring *mc_batch_recurring_causes(const struct mc_batch *b, size_t *nrec);
/* How many rows ended in each verdict, were stopped, or never ran. */
struct mc_batch_counts mc_batch_count(const struct mc_batch *b);
/* The worst verdict: fail, warn, unknown (or a row that could not run), pass. */
const char *mc_batch_worst(const struct mc_batch_counts *c);
/* The summary under the live table: counts, then the recurring causes. */
void mc_batch_print_summary(const struct mc_batch *b, const struct mc_batch_counts *c,
                            const struct mc_batch_recurring *rec, size_t nrec,
                            int64_t slowest);
/* One row as a JSON object, its report included (--json, --jsonl). */
void mc_batch_row_json(struct mc_json *j, const struct mc_batch_run *r);
/* The --json document, or with lines the closing --jsonl summary line. */
void mc_batch_json(const struct mc_batch *b, const struct mc_batch_counts *c,
                   const struct mc_batch_recurring *rec, size_t nrec, bool lines);
/* One quoted CSV field, then ',' or (last) CR LF. guard: a value starting
 * with = + - @ is prefixed with ' so that a spreadsheet never runs it (the
 * --csv table; not a batch file, whose args start with "--"). */
void mc_batch_csv_field(struct mc_buf *o, const char *s, bool last, bool guard);
/* --csv FILE and --html FILE: 0, or the exit code of a write error. */
int mc_batch_csv(const struct mc_batch *b);
int mc_batch_html(const struct mc_batch *b, const struct mc_batch_counts *c,
                  const struct mc_batch_recurring *rec, size_t nrec);

#endif
