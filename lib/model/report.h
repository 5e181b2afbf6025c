/*
 * report.h - the one result tree every command produces.
 *
 * A report holds a tree of steps. A step is one thing migcheck did or read
 * (resolve a name, connect, a TLS handshake, a request, a log file): its
 * title, status, timing, evidence lines and the findings it raised. A finding
 * names a cause from the catalogue plus what this instance showed. Renderers
 * (lib/report) walk the tree; they never add to it.
 *
 * Ownership: the report owns every step, evidence string and finding; all is
 * freed by mc_report_free(). Not thread-safe: probes run concurrently, but
 * steps are recorded from one thread.
 */
#ifndef MC_MODEL_REPORT_H
#define MC_MODEL_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/cause.h"
#include "model/status.h"

struct mc_evidence {
  char *label;          /* "request", "status", "Server", "subject", "log" ... */
  char *text;           /* printable, one line (renderers do not escape for tty) */
};

struct mc_finding {
  const struct mc_cause *cause;
  enum mc_status severity;
  char *detail;                    /* this instance: "port 6004 refused by the proxy" */
  struct mc_step *step;            /* where it was found */
  unsigned seq;                    /* order of discovery */
};

struct mc_step {
  char *title;
  char *summary;                   /* one line: what was observed */
  enum mc_status status;
  int64_t started_ms;              /* monotonic, relative to the report start */
  int64_t duration_ms;             /* -1 when not timed */
  struct mc_evidence *ev;
  size_t nev, cap_ev;
  struct mc_finding **findings;    /* owned by the report, listed here too */
  size_t nfindings, cap_findings;
  struct mc_step *parent, *child, *last_child, *next;
};

struct mc_report {
  char *command;                   /* "tls", "ports", ... */
  char *target;                    /* what was checked, for the headline */
  char run_id[24];                 /* stamped into every probe; "" when none */
  char started[24];                /* ISO 8601 UTC */
  int64_t t0_ms;
  struct mc_step *root;
  struct mc_finding **findings;    /* every finding, in discovery order */
  size_t nfindings, cap_findings;
  char **notes;                    /* report-level remarks ("TLS verification off") */
  size_t nnotes;
  struct { char *key; char *json; } *sections;  /* extra top-level JSON objects */
  size_t nsections;
  struct { char *key; char *value; } *facts;    /* what fix text may name (fill.c) */
  size_t nfacts;
  bool incomplete;                 /* a layer could not be observed, the walk ended */
};

/* Live progress: when set, fn sees every new step as it is added (src/ shows
 * its title on a terminal, and prints the steps before it, which are then
 * finished). Process-wide; NULL turns it off. */
struct mc_report;
struct mc_step;
typedef void (*mc_progress_fn)(const struct mc_report *r, const struct mc_step *s);
void mc_progress_set(mc_progress_fn fn);

struct mc_report *mc_report_new(const char *command, const char *target);
void mc_report_free(struct mc_report *r);
/* Generates a fresh run id ("mc-" + 12 hex digits) into r->run_id. */
void mc_report_new_run_id(struct mc_report *r);
void mc_report_note(struct mc_report *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Adds a top-level JSON member; json must be a complete JSON value. */
void mc_report_section(struct mc_report *r, const char *key, const char *json);
/* Appends json (a complete value) to the top-level array key, making the
 * array on first use. */
void mc_report_section_append(struct mc_report *r, const char *key, const char *json);

/* Adds a child step under parent (NULL: under the root). Status starts as
 * MC_INFO; the clock starts now. */
struct mc_step *mc_step_add(struct mc_report *r, struct mc_step *parent,
                            const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Sets status and a one-line summary, and stops the clock. */
void mc_step_done(struct mc_report *r, struct mc_step *s, enum mc_status st,
                  const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void mc_step_set_duration(struct mc_step *s, int64_t ms);
/* Adds an evidence line. Bytes are made printable and cut at 2000. */
void mc_step_ev(struct mc_step *s, const char *label, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void mc_step_evn(struct mc_step *s, const char *label, const char *text, size_t n);

/* Raises a finding of cause id on step s with the catalogue's severity
 * (or sev when not MC_INFO). An unknown id is a programming error: it aborts,
 * so tests catch it. The step's status rises to at least the severity. */
struct mc_finding *mc_step_find(struct mc_report *r, struct mc_step *s,
                                const char *id, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
struct mc_finding *mc_step_find_sev(struct mc_report *r, struct mc_step *s,
                                    const char *id, enum mc_status sev,
                                    const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Marks the report incomplete (the walk could not observe a layer and had to
 * stop) and adds the reason as a note. */
void mc_report_incomplete(struct mc_report *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* fail when any finding or step failed, warn when any warned, else unknown
 * when the report is incomplete, else pass. */
enum mc_status mc_report_verdict(const struct mc_report *r);
/* Findings ordered most likely first: fail before warn, then discovery order
 * (the lowest broken layer is found first). Returns a new array of n. */
struct mc_finding **mc_report_ranked(const struct mc_report *r, size_t *n);
/* In a ranked array, whether v[i] is the first finding of its cause (the
 * one a renderer lists the cause under). */
bool mc_ranked_first(struct mc_finding *const *v, size_t i);
/* How many steps were skipped (not run: not asked for, or a layer below
 * failed), for the verdict line: a pass is a pass of what was checked. */
size_t mc_report_skipped(const struct mc_report *r);
/* Whether a finding with this cause id exists. */
bool mc_report_has(const struct mc_report *r, const char *id);
/* Facts of the run that catalogue text names as {key} (fill.c): "host",
 * "port", "domain", "email", "mailbox", "user", "server" (the NetBIOS name a
 * server answered with: X-FEServer, the NTLM challenge, a log or a pasted
 * Identity), "server_fqdn", "validports", "vdir", "thumbprint", "days_left",
 * "options" (the run's network options, for a rerun). The first value
 * recorded for a key wins; an empty value is not recorded. */
void mc_report_fact(struct mc_report *r, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The value of fact key, or NULL when the run did not learn it. */
const char *mc_report_fact_get(const struct mc_report *r, const char *key);
/* Records the names the user gave (any may be NULL): host, user, email, and
 * the domain taken from the email, a UPN user or the host. */
void mc_report_fact_names(struct mc_report *r, const char *host, const char *user,
                          const char *email);
/* Catalogue text with every {key} (and the catalogue's old example names)
 * filled from r's facts; a fact the run did not learn becomes its marked
 * placeholder ("<Exchange server>"). r may be NULL (no facts). Caller frees;
 * NULL for NULL. */
char *mc_report_fill(const struct mc_report *r, const char *text);
/* A cause's "confirm with" line, filled; when it reruns the report's own
 * command it also gets the run's network options (fact "options": --resolve,
 * --ca-file ... as given), so that it pastes and checks the same thing. */
char *mc_report_fill_check(const struct mc_report *r, const char *check);

/* Exit code for the verdict: 0 pass, 1 warn or fail, 3 unknown. */
int mc_report_exit_code(const struct mc_report *r);

#endif
