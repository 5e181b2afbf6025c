/*
 * text.c - the human report: a tree of steps with status marks, the evidence
 * that decided each step, then a summary: the verdict line first, the notes,
 * and the causes, most likely first, with their fixes filled from the run's
 * facts. Colors and the width are the caller's decision (a terminal, and
 * NO_COLOR unset; COLUMNS or the tty's width).
 *
 * Lines wrap at spaces; a word longer than the line (a path, a URL, a
 * registry value) is never broken: it gets a line of its own. A fix step's
 * command (what follows "...: " when it starts like a command) is never
 * wrapped either: it goes on its own line, so that it pastes whole.
 */
#include "report/render.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "version.h"

#define DEFAULT_WIDTH 100

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

static int width_of(const struct mc_render_opts *o)
{
  return o && o->width >= 40 ? o->width : DEFAULT_WIDTH;
}

/* Whether the space at p[k] is inside a marked placeholder ("<DOMAIN\\user>",
 * "<mailbox address>"): one word, never a place to break. */
static bool in_marker(const char *p, size_t k, size_t len)
{
  size_t open = k;
  while(open > 0 && p[open - 1] != '<' && p[open - 1] != '>')
    open--;
  if(open == 0 || p[open - 1] != '<')
    return false;
  for(size_t e = k + 1; e < len && e < k + 40; e++) {
    if(p[e] == '>')
      return true;
    if(p[e] == '<')
      return false;
  }
  return false;
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
      while(cut > 0 && (p[cut] != ' ' || in_marker(p, cut, linelen)))
        cut--;
      if(cut == 0) {
        /* One word longer than the line: never break it, give it the line;
         * only a query string ("a=1&b=2", not a URL) may break after '&'. */
        size_t wl = 0;
        while(wl < linelen && (p[wl] != ' ' || in_marker(p, wl, linelen)))
          wl++;
        cut = 0;
        if(strncmp(p, "http", 4) != 0) {
          for(size_t k = avail; k > 0 && !cut; k--) {
            if(k < wl && p[k - 1] == '&')
              cut = k;
          }
        }
        if(cut) {
          mc_buf_addstr(out, indent);
          mc_buf_add(out, p, cut);
          mc_buf_addch(out, '\n');
          p += cut;
          linelen -= cut;
          continue;
        }
        cut = wl;
        if(cut == linelen)
          break;
      }
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

/* Whether the word at p starts a command an admin would paste: a
 * PowerShell Verb-Noun cmdlet, or one of the Windows and Unix tools the
 * catalogue names. */
static bool starts_command(const char *p)
{
  static const char *const tools[] = {
    "reg ", "netsh ", "nslookup ", "netstat ", "certutil ", "iisreset", "migcheck ",
    "curl ", "openssl ", "net ", "dig ", "appcmd ", "%windir%", "$", "(Get-", "icacls ",
    "setspn ", "telnet ", NULL
  };
  for(int i = 0; tools[i]; i++) {
    if(strncmp(p, tools[i], strlen(tools[i])) == 0)
      return true;
  }
  /* Verb-Noun: an upper-case letter, lower-case letters, '-', upper case. */
  if(!(*p >= 'A' && *p <= 'Z'))
    return false;
  const char *q = p + 1;
  while(*q >= 'a' && *q <= 'z')
    q++;
  return q > p + 1 && q[0] == '-' && q[1] >= 'A' && q[1] <= 'Z';
}

/* Offset of the command in a fix step ("Inspect the list: reg query ..."),
 * or 0 when the step holds none after a colon. */
size_t mc_render_command_offset(const char *s)
{
  for(const char *p = s; (p = strstr(p, ": ")) != NULL; p += 2) {
    if(starts_command(p + 2))
      return (size_t)(p + 2 - s);
  }
  return 0;
}

/* Columns the lead takes on screen (ANSI color sequences take none). */
static size_t visible_len(const char *s)
{
  size_t n = 0;
  for(; *s; s++) {
    if(*s == '\033') {
      while(*s && *s != 'm')
        s++;
      if(!*s)
        break;
      continue;
    }
    n++;
  }
  return n;
}

/* Wraps text at width as if its first line started with lead (visible
 * length leadlen) instead of indent; the first line comes back without it. */
static void wrap_after_lead(struct mc_buf *out, const char *text, const char *indent,
                            size_t leadlen, int width)
{
  size_t ind = strlen(indent);
  size_t pad = leadlen > ind ? leadlen - ind : 0;
  char *padded = mc_xasprintf("%*s%s", (int)pad, "", text);
  for(size_t i = 0; i < pad; i++)
    padded[i] = '\001';    /* holds the lead's place, never a break point */
  struct mc_buf tmp = MC_BUF_INIT(MC_RENDER_LIMIT);
  mc_render_wrap(&tmp, padded, indent, width);
  if(tmp.len > ind + pad)
    mc_buf_add(out, tmp.ptr + ind + pad, tmp.len - ind - pad);
  mc_buf_release(&tmp);
  free(padded);
}

/* One numbered (or labelled) item: lead on the first line, the rest aligned
 * under it at indent; the command part, if the whole does not fit, on a
 * line of its own, unbroken. */
static void item_text(struct mc_buf *out, const char *lead, const char *indent,
                      const char *text, int width)
{
  size_t leadlen = visible_len(lead);
  size_t cmd = mc_render_command_offset(text);
  mc_buf_addstr(out, lead);
  if(strlen(text) + leadlen > (size_t)width && starts_command(text))
    mc_buf_printf(out, "%s\n", text);    /* a command alone: one line */
  else if(strlen(text) + leadlen <= (size_t)width || cmd == 0)
    wrap_after_lead(out, text, indent, leadlen, width);
  else {
    char *prose = mc_xasprintf("%.*s", (int)(cmd - 1), text);
    wrap_after_lead(out, prose, indent, leadlen, width);
    mc_buf_printf(out, "%s  %s\n", indent, text + cmd);
    free(prose);
  }
}

/* Evidence labels that are HTTP header names ("Server", "X-FEServer"). */
static bool header_label(const char *l)
{
  if(strcmp(l, "Server") == 0 || strcmp(l, "Location") == 0 || strcmp(l, "Date") == 0)
    return true;
  return !strchr(l, ' ') && strchr(l, '-') != NULL;
}

/* Evidence labels of the raw exchange, shown with -vv only. */
static bool wire_label(const char *l)
{
  return strcmp(l, "PDU") == 0 || strcmp(l, "IN channel") == 0 ||
         strcmp(l, "OUT channel") == 0 || strcmp(l, "NTLM challenge") == 0 ||
         strncmp(l, "> ", 2) == 0 || strncmp(l, "< ", 2) == 0;
}

/* Default: the evidence that decided a step that did not pass; -v every
 * line but the raw exchange; -vv all. */
static bool ev_shown(const struct mc_step *s, const struct mc_evidence *e,
                     const struct mc_render_opts *o)
{
  if(o->brief)
    return false;
  if(o->raw) {
    /* Where the raw response headers are recorded, the picked ones repeat them. */
    if(header_label(e->label) && strcmp(e->label, "WWW-Authenticate") != 0) {
      for(size_t i = 0; i < s->nev; i++) {
        if(strcmp(s->ev[i].label, "< header") == 0)
          return false;
      }
    }
    return true;
  }
  if(wire_label(e->label))
    return false;
  if(o->verbose)
    return true;
  if(header_label(e->label))
    return false;
  return s->status != MC_PASS && s->status != MC_SKIP;
}

static void one_step(const struct mc_step *s, int depth, const struct mc_render_opts *o,
                     struct mc_buf *out)
{
  int width = width_of(o);
  char pad[64];
  int n = depth * 2 < 40 ? depth * 2 : 40;
  memset(pad, ' ', (size_t)n);
  pad[n] = '\0';
  char *line = mc_xasprintf("%s%s%s%s", s->title, s->summary && *s->summary ? ": " : "",
                            s->summary ? s->summary : "", "");
  if(o->verbose && s->duration_ms >= 0) {
    char *t = mc_xasprintf("%s (%lld ms)", line, (long long)s->duration_ms);
    free(line);
    line = t;
  }
  char lead[96], ind[96];
  snprintf(lead, sizeof lead, "%s%s%s%s ", pad, mc_render_color(s->status, o->color),
           mark(s->status), mc_render_reset(o->color));
  snprintf(ind, sizeof ind, "%s       ", pad);
  /* The lead holds color codes: wrap as if it were the plain indent. */
  item_text(out, lead, ind, line, width);
  free(line);
  char evind[128];
  snprintf(evind, sizeof evind, "%s         ", pad);
  for(size_t i = 0; i < s->nev; i++) {
    if(!ev_shown(s, &s->ev[i], o))
      continue;
    char *t = mc_xasprintf("%s: %s", s->ev[i].label, s->ev[i].text);
    item_text(out, ind, evind, t, width);
    free(t);
  }
  for(size_t i = 0; i < s->nfindings; i++) {
    const struct mc_finding *f = s->findings[i];
    char flead[160], find[128];
    snprintf(flead, sizeof flead, "%s-> %s%s%s", ind, mc_render_color(f->severity, o->color),
             f->cause->id, mc_render_reset(o->color));
    snprintf(find, sizeof find, "%s          ", pad);
    char *t = mc_xasprintf("%s%s%s", f->cause->id, *f->detail ? ": " : "", f->detail);
    /* Wrap the whole, then put the colored id back in front. */
    struct mc_buf tmp = MC_BUF_INIT(MC_RENDER_LIMIT);
    item_text(&tmp, "", find, t, width);
    size_t idlen = strlen(f->cause->id);
    mc_buf_addstr(out, flead);
    if(tmp.len > idlen)
      mc_buf_add(out, tmp.ptr + idlen, tmp.len - idlen);
    mc_buf_release(&tmp);
    free(t);
  }
  for(const struct mc_step *c = s->child; c; c = c->next)
    one_step(c, depth + 1, o, out);
}

void mc_render_text_step(const struct mc_step *s, const struct mc_render_opts *o,
                         struct mc_buf *out)
{
  one_step(s, 0, o, out);
}

void mc_render_cause_text(const struct mc_report *r, const struct mc_cause *c,
                          const struct mc_render_opts *o, struct mc_buf *out)
{
  int width = width_of(o);
  /* "ID  title", wrapped (room left for the "N. " a report puts in front),
   * then the id colored. */
  char *head = mc_xasprintf("%s  %s", c->id, c->title);
  struct mc_buf tmp = MC_BUF_INIT(MC_RENDER_LIMIT);
  mc_render_wrap(&tmp, head, "    ", width - 3);
  size_t skip = 4 + strlen(c->id);
  mc_buf_printf(out, "%s%s%s", mc_render_color(c->severity, o->color), c->id,
                mc_render_reset(o->color));
  if(tmp.len > skip)
    mc_buf_add(out, tmp.ptr + skip, tmp.len - skip);
  mc_buf_release(&tmp);
  free(head);
  mc_buf_addstr(out, "    Why:\n");
  char *why = mc_report_fill(r, c->why);
  mc_render_wrap(out, why, "      ", width);
  free(why);
  mc_buf_addstr(out, "    Fix:\n");
  for(int i = 0; c->fix && c->fix[i]; i++) {
    char lead[32];
    snprintf(lead, sizeof lead, "      %d. ", i + 1);
    char *step = mc_report_fill(r, c->fix[i]);
    item_text(out, lead, "         ", step, width);
    free(step);
  }
  if(c->check) {
    char *check = mc_report_fill_check(r, c->check);
    if(strlen(check) + 18 <= (size_t)width)
      mc_buf_printf(out, "    Confirm with: %s\n", check);
    else
      mc_buf_printf(out, "    Confirm with:\n      %s\n", check);
    free(check);
  }
  item_text(out, "    Source: ", "      ", c->source, width);
}

void mc_render_text_head(const struct mc_report *r, const struct mc_render_opts *o,
                         struct mc_buf *out)
{
  mc_buf_printf(out, "migcheck %s %s\n", r->command, r->target);
  if(r->run_id[0] && o->verbose)
    mc_buf_printf(out, "run id %s, started %s\n", r->run_id, r->started);
  mc_buf_addch(out, '\n');
}

static const char *verdict_name(enum mc_status v)
{
  return v == MC_PASS ? "PASS" : v == MC_WARN ? "WARN" : v == MC_FAIL ? "FAIL" : "UNKNOWN";
}

/* "1 request", "2 requests". */
static const char *plural(size_t n, const char *one, const char *many)
{
  return n == 1 ? one : many;
}

void mc_render_text_tail(const struct mc_report *r, const struct mc_render_opts *o,
                         struct mc_buf *out)
{
  enum mc_status v = mc_report_verdict(r);
  int width = width_of(o);
  size_t n = 0;
  struct mc_finding **ranked = mc_report_ranked(r, &n);
  size_t distinct = 0;
  for(size_t i = 0; i < n; i++)
    distinct += mc_ranked_first(ranked, i);
  size_t skipped = mc_report_skipped(r);
  mc_buf_printf(out, "\n%sverdict: %s%s", mc_render_color(v, o->color), verdict_name(v),
                mc_render_reset(o->color));
  if(distinct) {
    mc_buf_printf(out, " (%zu %s", distinct, plural(distinct, "cause", "causes"));
    if(o->causes)
      mc_buf_printf(out, ": %s", ranked[0]->cause->id);
    for(size_t i = 1, shown = 1; o->causes && i < n && shown < 3; i++) {
      if(mc_ranked_first(ranked, i)) {
        mc_buf_printf(out, ", %s", ranked[i]->cause->id);
        shown++;
      }
    }
    mc_buf_printf(out, "%s)\n", o->causes && distinct > 3 ? ", ..." : "");
  }
  else if(v == MC_UNKNOWN)
    mc_buf_addstr(out, " (could not observe enough to judge; see the notes)\n");
  else if(skipped)
    mc_buf_printf(out, " (no problem found in what was checked; %zu %s skipped, see "
                  "[skip] above)\n", skipped, plural(skipped, "step", "steps"));
  else
    mc_buf_addstr(out, " (no problem found)\n");
  if(r->run_id[0] && !o->brief)
    mc_buf_printf(out, "run id: %s (search the IIS logs for it)\n", r->run_id);
  for(size_t i = 0; i < r->nnotes; i++) {
    char *t = mc_xasprintf("note: %s", r->notes[i]);
    item_text(out, "", "      ", t, width);
    free(t);
  }
  if(o->causes && distinct) {
    mc_buf_addstr(out, "\nCauses, most likely first:\n\n");
    size_t num = 0;
    for(size_t i = 0; i < n; i++) {
      if(!mc_ranked_first(ranked, i))
        continue;
      num++;
      mc_buf_printf(out, "%zu. ", num);
      mc_render_cause_text(r, ranked[i]->cause, o, out);
      mc_buf_addstr(out, "    Seen here:\n");
      for(size_t k = i; k < n; k++) {
        if(ranked[k]->cause != ranked[i]->cause)
          continue;
        char *t = mc_xasprintf("%s%s(step: %s)", ranked[k]->detail,
                               *ranked[k]->detail ? " " : "", ranked[k]->step->title);
        item_text(out, "      - ", "        ", t, width);
        free(t);
      }
      mc_buf_addch(out, '\n');
    }
  }
  free(ranked);
}

void mc_render_text(const struct mc_report *r, const struct mc_render_opts *o,
                    struct mc_buf *out)
{
  mc_render_text_head(r, o, out);
  for(const struct mc_step *s = r->root->child; s; s = s->next)
    one_step(s, 0, o, out);
  mc_render_text_tail(r, o, out);
}
