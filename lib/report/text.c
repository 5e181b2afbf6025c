/*
 * text.c - the human report: a tree of steps with status marks, the evidence
 * under each step, then the causes, most likely first, with their fixes.
 * Colors are the caller's decision (a terminal, and NO_COLOR unset).
 */
#include "report/render.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "version.h"

#define WIDTH 100

const char *mc_render_color(enum mc_status s, bool color)
{
  if(!color)
    return "";
  switch(s) {
  case MC_PASS: return "\033[32m";
  case MC_WARN: return "\033[33m";
  case MC_FAIL: return "\033[31;1m";
  case MC_UNKNOWN: return "\033[35m";
  case MC_SKIP: return "\033[2m";
  case MC_INFO: return "\033[36m";
  }
  return "";
}

const char *mc_render_reset(bool color)
{
  return color ? "\033[0m" : "";
}

static const char *mark(enum mc_status s)
{
  switch(s) {
  case MC_PASS: return "[ ok ]";
  case MC_WARN: return "[warn]";
  case MC_FAIL: return "[FAIL]";
  case MC_UNKNOWN: return "[ ?? ]";
  case MC_SKIP: return "[skip]";
  case MC_INFO: return "[info]";
  }
  return "[    ]";
}

void mc_render_wrap(struct mc_buf *out, const char *text, const char *indent, int width)
{
  size_t ind = strlen(indent);
  size_t avail = width > (int)ind + 20 ? (size_t)width - ind : 20;
  const char *p = text;
  while(*p) {
    /* Honour explicit newlines; wrap the rest at spaces. */
    const char *nl = strchr(p, '\n');
    size_t linelen = nl ? (size_t)(nl - p) : strlen(p);
    while(linelen > avail) {
      size_t cut = avail;
      while(cut > 0 && p[cut] != ' ')
        cut--;
      if(cut == 0)
        cut = avail;    /* one long word: break it */
      mc_buf_addstr(out, indent);
      mc_buf_add(out, p, cut);
      mc_buf_addch(out, '\n');
      while(cut < linelen && p[cut] == ' ')
        cut++;
      p += cut;
      linelen -= cut;
    }
    mc_buf_addstr(out, indent);
    mc_buf_add(out, p, linelen);
    mc_buf_addch(out, '\n');
    p += linelen;
    if(*p == '\n')
      p++;
  }
}

static void step_text(const struct mc_step *s, int depth,
                      const struct mc_render_opts *o, struct mc_buf *out)
{
  for(; s; s = s->next) {
    char pad[64];
    int n = depth * 2 < 40 ? depth * 2 : 40;
    memset(pad, ' ', (size_t)n);
    pad[n] = '\0';
    mc_buf_printf(out, "%s%s%s%s %s", pad, mc_render_color(s->status, o->color),
                  mark(s->status), mc_render_reset(o->color), s->title);
    if(s->summary && *s->summary)
      mc_buf_printf(out, ": %s", s->summary);
    if(o->verbose && s->duration_ms >= 0)
      mc_buf_printf(out, " (%lld ms)", (long long)s->duration_ms);
    mc_buf_addch(out, '\n');
    for(size_t i = 0; !o->brief && i < s->nev; i++)
      mc_buf_printf(out, "%s       %s: %s\n", pad, s->ev[i].label, s->ev[i].text);
    for(size_t i = 0; i < s->nfindings; i++) {
      const struct mc_finding *f = s->findings[i];
      mc_buf_printf(out, "%s       %s-> %s%s%s%s%s\n", pad,
                    mc_render_color(f->severity, o->color), f->cause->id,
                    mc_render_reset(o->color), *f->detail ? ": " : "", f->detail, "");
    }
    step_text(s->child, depth + 1, o, out);
  }
}

void mc_render_cause_text(const struct mc_cause *c, const struct mc_render_opts *o,
                          struct mc_buf *out)
{
  mc_buf_printf(out, "%s%s%s  %s\n", mc_render_color(c->severity, o->color), c->id,
                mc_render_reset(o->color), c->title);
  mc_buf_addstr(out, "    Why:\n");
  mc_render_wrap(out, c->why, "      ", WIDTH);
  mc_buf_addstr(out, "    Fix:\n");
  for(int i = 0; c->fix && c->fix[i]; i++) {
    char lead[32];
    snprintf(lead, sizeof lead, "      %d. ", i + 1);
    /* First line carries the number; continuation lines align under it. */
    struct mc_buf tmp = MC_BUF_INIT(1 << 16);
    mc_render_wrap(&tmp, c->fix[i], "         ", WIDTH);
    if(tmp.len > 9) {
      mc_buf_addstr(out, lead);
      mc_buf_add(out, tmp.ptr + 9, tmp.len - 9);
    }
    mc_buf_release(&tmp);
  }
  if(c->check)
    mc_buf_printf(out, "    Confirm with: %s\n", c->check);
  mc_buf_printf(out, "    Source: %s\n", c->source);
}

void mc_render_text(const struct mc_report *r, const struct mc_render_opts *o,
                    struct mc_buf *out)
{
  enum mc_status v = mc_report_verdict(r);
  mc_buf_printf(out, "migcheck %s %s\n", r->command, r->target);
  if(r->run_id[0])
    mc_buf_printf(out, "run id %s, started %s\n", r->run_id, r->started);
  for(size_t i = 0; i < r->nnotes; i++)
    mc_buf_printf(out, "note: %s\n", r->notes[i]);
  mc_buf_addch(out, '\n');
  step_text(r->root->child, 0, o, out);

  size_t n = 0;
  struct mc_finding **ranked = mc_report_ranked(r, &n);
  const char *vname = v == MC_PASS ? "PASS" : v == MC_WARN ? "WARN" :
                      v == MC_FAIL ? "FAIL" : "UNKNOWN";
  /* Count distinct causes. */
  size_t distinct = 0;
  for(size_t i = 0; i < n; i++)
    distinct += mc_ranked_first(ranked, i);
  mc_buf_printf(out, "\n%sverdict: %s%s", mc_render_color(v, o->color), vname,
                mc_render_reset(o->color));
  if(distinct)
    mc_buf_printf(out, " (%zu cause%s)\n", distinct, distinct == 1 ? "" : "s");
  else if(v == MC_UNKNOWN)
    mc_buf_addstr(out, " (could not observe enough to judge; see the notes)\n");
  else if(mc_report_skipped(r))
    mc_buf_printf(out, " (no problem found in what was checked; %zu step%s skipped, see "
                  "[skip] above)\n", mc_report_skipped(r), mc_report_skipped(r) == 1 ? "" : "s");
  else
    mc_buf_addstr(out, " (no problem found)\n");
  if(o->causes && distinct) {
    mc_buf_addstr(out, "\nCauses, most likely first:\n\n");
    size_t num = 0;
    for(size_t i = 0; i < n; i++) {
      if(!mc_ranked_first(ranked, i))
        continue;
      num++;
      mc_buf_printf(out, "%zu. ", num);
      mc_render_cause_text(ranked[i]->cause, o, out);
      mc_buf_addstr(out, "    Seen here:\n");
      for(size_t k = i; k < n; k++) {
        if(ranked[k]->cause != ranked[i]->cause)
          continue;
        mc_buf_printf(out, "      - %s%s(step: %s)\n", ranked[k]->detail,
                      *ranked[k]->detail ? " " : "", ranked[k]->step->title);
      }
      mc_buf_addch(out, '\n');
    }
  }
  free(ranked);
}
