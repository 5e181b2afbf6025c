/*
 * cause.h - the cause catalogue: every reason migcheck can name, as data.
 *
 * A cause is what a finding points at. Its id is stable forever (tests, scripts
 * and users key on it); its title and text may improve. The table itself lives
 * in cause_table.c and holds nothing but data. This header is not for findings
 * (see report.h) and knows nothing about how a cause is detected; a row only
 * names the commands that can raise it and the lab scenarios that show it, which
 * tests/e2e/causes_raised.py holds true against the code and the lab.
 */
#ifndef MC_MODEL_CAUSE_H
#define MC_MODEL_CAUSE_H

#include <stddef.h>

#include "model/cause_ids.h" /* MC_CAUSE_<ID>, generated from cause_table.c */
#include "model/status.h"

struct mc_cause {
  const char *id;              /* stable, UPPER_SNAKE, never renamed */
  enum mc_status severity;     /* default severity: MC_FAIL or MC_WARN */
  const char *area;            /* "dns" "tcp" "tls" "http" "ews" "oa" "autodiscover"
                                  "imap" "logs" "config" "process" */
  const char *title;           /* one line, no trailing period */
  const char *why;             /* a short paragraph: what it means and why it breaks */
  const char *const *fix;      /* NULL-terminated list of numbered fix steps; {host},
                                  {user}, {server} ... are filled from the run's facts
                                  when shown (model/fill.c) */
  const char *check;           /* the migcheck command line that confirms it (filled) */
  const char *source;          /* public: KB number, Microsoft Learn title, RFC section,
                                  public thread; never a file outside the repository */
  const char *commands;        /* the commands that can raise it, space-separated, in the
                                  command table's order ("" for none) */
  const char *scenarios;       /* lab scenarios that show it, space-separated, or NULL */
};

/* The table, in catalogue order. */
extern const struct mc_cause mc_cause_table[];
extern const size_t mc_cause_table_len;

/* Returns the cause with this id (exact, case-sensitive), or NULL. */
const struct mc_cause *mc_cause_find(const char *id);

/* The ids of the causes COMMAND can raise, in catalogue order, joined by ", ";
 * NULL when it raises none. The caller frees it. For --help and the man page. */
char *mc_cause_ids_for(const char *command);

#endif
