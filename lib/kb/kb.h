/*
 * kb.h - the error-signature knowledge base behind `migcheck explain`.
 *
 * A pasted error message (a migration report, a PowerShell exception with its
 * line wrapping, an HCW log line) is normalized, then matched against the
 * signature table (signatures.c, pure data). A signature names one cause from
 * the catalogue and lists phrases: every required group must appear, optional
 * phrases add weight, excluded phrases disqualify. What matched is kept as the
 * evidence, so no cause is ever named without words from the text behind it.
 *
 * Not for: deciding anything from the network or from configuration files
 * (lib/checks, lib/config); this only reads words.
 */
#ifndef MC_KB_KB_H
#define MC_KB_KB_H

#include <stdbool.h>
#include <stddef.h>

#include "model/report.h"
#include "util/util.h"

/* The most text explain reads; more is cut there (with a note). */
#define MC_KB_TEXT_LIMIT ((size_t)1 << 20)

/* One row of the signature table. Each phrase string may hold alternatives
 * separated by '|' ("0x6ba|rpc error: 6ba"); any one of them satisfies it.
 * Phrases are written as they appear in the messages; matching ignores case,
 * spacing, line breaks, quote and dash styles (see mc_kb_normalize). */
struct mc_kb_signature {
  const char *cause;            /* catalogue id */
  int weight;                   /* how specific the required phrases are, 1-20 */
  bool generic;                 /* a wrapper message: shown only when nothing specific matched */
  const char *const *all;       /* NULL-terminated: every one must match */
  const char *const *any;       /* NULL-terminated or NULL: each match adds 1 */
  const char *const *none;      /* NULL-terminated or NULL: any match disqualifies */
  const char *source;           /* where the wording comes from: public (KB, Learn, thread) */
};

extern const struct mc_kb_signature mc_kb_signatures[];
extern const size_t mc_kb_nsignatures;

/* Normalized text: lowercase, one space for any run of white space (a line
 * break after '-' joins), curly quotes and backticks as ', dashes as -,
 * arrows ("-->", "--->", "->") as "->", GUIDs as <guid>, IPv4 addresses as
 * <ip>, host names (except Microsoft service domains) as <host>. compact is
 * the same without any spaces, for words a paste broke in the middle. */
struct mc_kb_text {
  char *spaced;
  size_t nspaced;
  char *compact;
  size_t ncompact;
};

void mc_kb_normalize(const char *in, size_t n, struct mc_kb_text *out);
/* The same for a signature phrase: no placeholders (phrases hold no host
 * names, but some look like one: mailboxmigration.his). */
void mc_kb_normalize_phrase(const char *in, size_t n, struct mc_kb_text *out);
void mc_kb_text_release(struct mc_kb_text *t);

/* One recognised cause. */
struct mc_kb_match {
  const struct mc_kb_signature *sig;
  const struct mc_cause *cause;
  int score;
  char *evidence;               /* the phrases that matched: "cli_NspiBind", "0x6ba" */
};

struct mc_kb_result {
  struct mc_kb_match *m;        /* best first, one per cause */
  size_t n;
  bool generic_only;            /* only wrapper messages were recognised */
};

/* Matches text against the table. At most max causes are returned; generic
 * signatures are dropped when a specific one matched. */
void mc_kb_match(const struct mc_kb_text *t, size_t max, struct mc_kb_result *res);
void mc_kb_result_release(struct mc_kb_result *res);

/* Whether one phrase (with '|' alternatives) occurs in t; on a match *hit
 * points at the alternative that matched (inside phrase, length *hitlen). */
bool mc_kb_phrase_in(const struct mc_kb_text *t, const char *phrase, const char **hit,
                     size_t *hitlen);

/* The whole of explain: normalizes, matches and builds the report (command
 * "explain"). Text over MC_KB_TEXT_LIMIT is cut with a note. Nothing
 * recognised: the report is incomplete (verdict unknown) and says where to
 * go next; it never invents a cause. */
struct mc_report *mc_explain_text(const char *text, size_t n);
/* The same matching as steps under parent in an existing report (config uses
 * it for Test-MigrationServerAvailability's Message and ErrorDetail). Returns
 * the number of causes raised. */
size_t mc_explain_into(struct mc_report *r, struct mc_step *parent, const char *text,
                       size_t n);

#endif
