/*
 * render.h - turning a finished report into text, JSON or HTML.
 *
 * Renderers only read the tree; they never probe and never decide. Each
 * writes into a caller-owned struct mc_buf; the caller chooses the stream.
 * The JSON layout is the documented contract in docs/json-schema.md.
 */
#ifndef MC_REPORT_RENDER_H
#define MC_REPORT_RENDER_H

#include <stdbool.h>

#include "model/report.h"
#include "util/util.h"

#define MC_JSON_SCHEMA_VERSION 1
#define MC_RENDER_LIMIT ((size_t)256 << 20)

struct mc_render_opts {
  bool color;      /* ANSI colors (only for a terminal, never with NO_COLOR) */
  bool verbose;    /* -v: every evidence line (all headers too), step timings */
  bool raw;        /* -vv: also the raw exchange (RPC PDUs, NTLM messages) */
  bool causes;     /* append the causes with their fixes (text) */
  bool brief;      /* steps and findings only, no evidence lines (text) */
  int width;       /* wrap text at this many columns; 0: 100 */
};

void mc_render_text(const struct mc_report *r, const struct mc_render_opts *o,
                    struct mc_buf *out);
/* The text report in three parts, for a caller that prints steps as they
 * finish: the head line, one top-level step with its children, and the
 * summary (verdict line, notes, causes). mc_render_text is the three. */
void mc_render_text_head(const struct mc_report *r, const struct mc_render_opts *o,
                         struct mc_buf *out);
void mc_render_text_step(const struct mc_step *s, const struct mc_render_opts *o,
                         struct mc_buf *out);
void mc_render_text_tail(const struct mc_report *r, const struct mc_render_opts *o,
                         struct mc_buf *out);
void mc_render_json(const struct mc_report *r, struct mc_buf *out);
void mc_render_html(const struct mc_report *r, struct mc_buf *out);
/* Appends s (NULL: nothing) escaped for HTML text and attribute values. */
void mc_render_html_escape(struct mc_buf *out, const char *s);

/* One cause, as `migcheck causes ID` shows it (text), its text filled from
 * r's facts (r NULL: every fact shown as its marked placeholder). */
void mc_render_cause_text(const struct mc_report *r, const struct mc_cause *c,
                          const struct mc_render_opts *o, struct mc_buf *out);
/* One cause as a JSON object (without evidence), filled likewise. */
struct mc_json;
void mc_render_cause_json(struct mc_json *j, const struct mc_report *r,
                          const struct mc_cause *c);

/* Word-wraps text at width, every line prefixed by indent; a word longer
 * than the line is never broken (it gets a line of its own). */
void mc_render_wrap(struct mc_buf *out, const char *text, const char *indent, int width);

/* Where the command starts in a fix step ("Inspect it: reg query ..."):
 * the offset after the colon, or 0 when none. Text puts it on its own
 * line, HTML in a monospace block: never wrapped inside. */
size_t mc_render_command_offset(const char *s);

/* The ANSI sequence for a status (or "" without color), and the reset. */
const char *mc_render_color(enum mc_status s, bool color);
const char *mc_render_reset(bool color);

#endif
