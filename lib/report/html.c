/*
 * html.c - one self-contained HTML file (inline CSS, no scripts, no external
 * resources) that a person can forward to a colleague: the verdict (with a
 * one-line "what failed" on top), the causes with their fixes filled from the
 * run's facts, then every step with its evidence. Prose is in proportional
 * type; only commands, values and wire lines are monospace, and they wrap at
 * spaces or scroll in their own box, never inside a word. Every string from
 * the tree is escaped; nothing a peer sent can become markup.
 */
#include "report/render.h"

#include <stdlib.h>
#include <string.h>

#include "version.h"

static void esc_n(struct mc_buf *out, const char *s, size_t n)
{
  for(const char *e = s + n; s < e && *s; s++) {
    switch(*s) {
    case '&': mc_buf_addstr(out, "&amp;"); break;
    case '<': mc_buf_addstr(out, "&lt;"); break;
    case '>': mc_buf_addstr(out, "&gt;"); break;
    case '"': mc_buf_addstr(out, "&quot;"); break;
    case '\'': mc_buf_addstr(out, "&#39;"); break;
    default: mc_buf_addch(out, *s); break;
    }
  }
}

static void esc(struct mc_buf *out, const char *s)
{
  esc_n(out, s, strlen(s));
}

void mc_render_html_escape(struct mc_buf *out, const char *s)
{
  esc(out, s ? s : "");
}

static void steps_html(struct mc_buf *out, const struct mc_step *s)
{
  mc_buf_addstr(out, "<ul class=\"steps\">\n");
  for(; s; s = s->next) {
    const char *st = mc_status_name(s->status);
    mc_buf_printf(out, "<li><span class=\"mark %s\">%s</span> <b>", st, st);
    esc(out, s->title);
    mc_buf_addstr(out, "</b>");
    if(s->summary && *s->summary) {
      mc_buf_addstr(out, ": ");
      esc(out, s->summary);
    }
    if(s->duration_ms >= 0)
      mc_buf_printf(out, " <span class=\"ms\">%lld ms</span>", (long long)s->duration_ms);
    if(s->nev) {
      mc_buf_addstr(out, "\n<table class=\"ev\">\n");
      for(size_t i = 0; i < s->nev; i++) {
        mc_buf_addstr(out, "<tr><th>");
        esc(out, s->ev[i].label);
        mc_buf_addstr(out, "</th><td><code>");
        esc(out, s->ev[i].text);
        mc_buf_addstr(out, "</code></td></tr>\n");
      }
      mc_buf_addstr(out, "</table>");
    }
    for(size_t i = 0; i < s->nfindings; i++) {
      mc_buf_printf(out, "\n<div class=\"finding %s\">&rarr; <a href=\"#%s\">%s</a>",
                    mc_status_name(s->findings[i]->severity),
                    s->findings[i]->cause->id, s->findings[i]->cause->id);
      if(*s->findings[i]->detail) {
        mc_buf_addstr(out, ": ");
        esc(out, s->findings[i]->detail);
      }
      mc_buf_addstr(out, "</div>");
    }
    if(s->child)
      steps_html(out, s->child);
    mc_buf_addstr(out, "</li>\n");
  }
  mc_buf_addstr(out, "</ul>\n");
}

/* The page's head (title, style) and its heading. */
static void html_head(const struct mc_report *r, struct mc_buf *out)
{
  mc_buf_addstr(out, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
                     "<title>migcheck ");
  esc(out, r->command);
  mc_buf_addstr(out, " ");
  esc(out, r->target);
  mc_buf_addstr(out,
    "</title>\n<style>\n"
    "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;"
    "padding:0 1rem;color:#222}\n"
    "code,pre{font-family:ui-monospace,monospace;font-size:.9em}\n"
    "code{overflow-wrap:anywhere}\n"
    "p,li,td,h1,h3{overflow-wrap:anywhere}\n"
    "pre.cmd{background:#f4f4f4;padding:.4rem .6rem;border-radius:.3rem;overflow-x:auto;"
    "white-space:pre;margin:.3rem 0}\n"
    ".whatfailed{font-size:1.1rem;margin:.2rem 0 .6rem}\n"
    ".verdict{font-size:1.2rem;padding:.4rem 1rem;border-radius:.4rem}.verdict p{margin:.3rem 0}\n"
    ".verdict.pass{background:#e3f5e1}.verdict.warn{background:#fff4d6}"
    ".verdict.fail{background:#fde2e1}\n"
    ".mark{display:inline-block;min-width:4.5em;text-align:center;border-radius:.3rem;"
    "font-size:.8em;font-weight:bold;text-transform:uppercase}\n"
    ".mark.pass{background:#2e7d32;color:#fff}.mark.warn{background:#f9a825}"
    ".mark.fail{background:#c62828;color:#fff}.mark.unknown{background:#8e24aa;color:#fff}"
    ".mark.skip,.mark.info{background:#ddd}\n"
    "ul.steps{list-style:none;padding-left:1.2rem}ul.steps li{margin:.4rem 0}\n"
    "table.ev{border-collapse:collapse;margin:.3rem 0 .3rem 5.5em;font-size:.9em;"
    "table-layout:fixed;width:calc(100% - 5.5em)}\n"
    "table.ev td{overflow-wrap:anywhere}\n"
    "table.ev th{width:10em;text-align:left;color:#666;font-weight:normal;padding-right:1em;"
    "vertical-align:top;white-space:nowrap}\n"
    ".finding{margin-left:5.5em}.finding.fail a{color:#c62828}.finding.warn a{color:#a06800}\n"
    ".cause{border-left:.3rem solid #c62828;padding:.2rem 1rem;margin:1rem 0}\n"
    ".cause.warn{border-color:#f9a825}\n"
    ".verdict.unknown{background:#f0e0f5}.ms{color:#888;font-size:.8em}footer{color:#888;font-size:.8em;margin-top:3rem}\n"
    "</style></head><body>\n<h1>migcheck ");
  esc(out, r->command);
  mc_buf_addstr(out, " ");
  esc(out, r->target);
  mc_buf_addstr(out, "</h1>\n");
}

/* The verdict box (with what failed, in one line), the run id and the notes. */
static void html_verdict(const struct mc_report *r, enum mc_status v,
                         struct mc_finding *const *ranked, size_t n, struct mc_buf *out)
{
  mc_buf_printf(out, "<div class=\"verdict %s\">", mc_status_name(v));
  if(n) {
    /* What failed, in one line: the most likely cause and where it showed. */
    mc_buf_addstr(out, "<p class=\"whatfailed\"><b>What failed:</b> ");
    esc(out, ranked[0]->step->title);
    mc_buf_addstr(out, " &mdash; ");
    esc(out, ranked[0]->cause->title);
    mc_buf_printf(out, " (<a href=\"#%s\">%s</a>)</p>\n", ranked[0]->cause->id,
                  ranked[0]->cause->id);
  }
  mc_buf_printf(out, "<p>Verdict: <b>%s</b>", mc_status_name(v));
  size_t skipped = mc_report_skipped(r);
  if(skipped)
    mc_buf_printf(out, " (%zu %s skipped: see below)", skipped,
                  skipped == 1 ? "step" : "steps");
  mc_buf_addstr(out, "</p></div>\n<p class=\"ms\">");
  if(r->run_id[0])
    mc_buf_printf(out, "Run id <code>%s</code>, ", r->run_id);
  mc_buf_printf(out, "started %s.</p>\n", r->started);
  for(size_t i = 0; i < r->nnotes; i++) {
    mc_buf_addstr(out, "<p class=\"note\">Note: ");
    esc(out, r->notes[i]);
    mc_buf_addstr(out, "</p>\n");
  }
}

/* The cause of ranked[i]: why, where it was seen (every finding that names
 * it), the fix filled with the run's facts, the check and the source. */
static void html_cause(const struct mc_report *r, struct mc_finding *const *ranked, size_t n,
                       size_t i, struct mc_buf *out)
{
  const struct mc_cause *c = ranked[i]->cause;
  mc_buf_printf(out, "<div class=\"cause %s\" id=\"%s\"><h3><code>%s</code> ",
                mc_status_name(ranked[i]->severity), c->id, c->id);
  esc(out, c->title);
  mc_buf_addstr(out, "</h3>\n<p>");
  esc(out, c->why);
  mc_buf_addstr(out, "</p>\n<p>Seen here:</p><ul>");
  for(size_t k = i; k < n; k++) {
    if(ranked[k]->cause != c)
      continue;
    mc_buf_addstr(out, "<li>");
    esc(out, ranked[k]->detail);
    mc_buf_addstr(out, " <span class=\"ms\">(");
    esc(out, ranked[k]->step->title);
    mc_buf_addstr(out, ")</span></li>");
  }
  mc_buf_addstr(out, "</ul>\n<p>Fix:</p><ol>");
  for(int f = 0; c->fix && c->fix[f]; f++) {
    char *step = mc_report_fill(r, c->fix[f]);
    size_t cmd = mc_render_command_offset(step);
    mc_buf_addstr(out, "<li>");
    if(cmd) {
      esc_n(out, step, cmd);
      mc_buf_addstr(out, "<pre class=\"cmd\">");
      esc(out, step + cmd);
      mc_buf_addstr(out, "</pre>");
    }
    else
      esc(out, step);
    mc_buf_addstr(out, "</li>");
    free(step);
  }
  mc_buf_addstr(out, "</ol>\n");
  if(c->check) {
    char *check = mc_report_fill_check(r, c->check);
    mc_buf_addstr(out, "<p>Confirm with:</p><pre class=\"cmd\">");
    esc(out, check);
    mc_buf_addstr(out, "</pre>\n");
    free(check);
  }
  mc_buf_addstr(out, "<p class=\"ms\">Source: ");
  esc(out, c->source);
  mc_buf_addstr(out, "</p></div>\n");
}

void mc_render_html(const struct mc_report *r, struct mc_buf *out)
{
  enum mc_status v = mc_report_verdict(r);
  html_head(r, out);
  size_t n = 0;
  struct mc_finding **ranked = mc_report_ranked(r, &n);
  html_verdict(r, v, ranked, n, out);

  if(n)
    mc_buf_addstr(out, "<h2>Causes, most likely first</h2>\n");
  for(size_t i = 0; i < n; i++) {
    if(mc_ranked_first(ranked, i))
      html_cause(r, ranked, n, i, out);
  }
  free(ranked);
  mc_buf_addstr(out, "<h2>What migcheck did</h2>\n");
  steps_html(out, r->root->child);
  mc_buf_addstr(out, "<footer>Made by migcheck " MC_VERSION ".</footer>\n</body></html>\n");
}
