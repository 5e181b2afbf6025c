/*
 * report.c - building the step tree and ranking findings. See report.h.
 */
#include "model/report.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


#include "model/redact.h"
#include "util/plat.h"
#include "util/util.h"

#define EVIDENCE_MAX 2000

/* Every text enters the report through here: it takes s (allocated) and
 * returns it without the registered secrets (redact.h), wiping the
 * original. */
static char *clean(char *s)
{
  if(!s || !mc_redact_active())
    return s;
  size_t n = strlen(s);
  char *c = mc_redact(s, n, NULL);
  explicit_bzero(s, n);
  free(s);
  return c;
}

const char *mc_status_name(enum mc_status s)
{
  switch(s) {
  case MC_INFO: return "info";
  case MC_SKIP: return "skip";
  case MC_PASS: return "pass";
  case MC_UNKNOWN: return "unknown";
  case MC_WARN: return "warn";
  case MC_FAIL: return "fail";
  }
  return "info";
}

const struct mc_cause *mc_cause_find(const char *id)
{
  for(size_t i = 0; i < mc_cause_table_len; i++) {
    if(strcmp(mc_cause_table[i].id, id) == 0)
      return &mc_cause_table[i];
  }
  return NULL;
}

/* True when word is one of the space-separated words of list. */
static bool has_word(const char *list, const char *word)
{
  size_t n = strlen(word);
  for(const char *p = list ? list : ""; *p;) {
    size_t len = strcspn(p, " ");
    if(len == n && strncmp(p, word, n) == 0)
      return true;
    p += len + (p[len] == ' ');
  }
  return false;
}

char *mc_cause_ids_for(const char *command)
{
  struct mc_buf b = MC_BUF_INIT(1 << 16);
  for(size_t i = 0; i < mc_cause_table_len; i++) {
    if(has_word(mc_cause_table[i].commands, command) &&
       mc_buf_printf(&b, "%s%s", b.len ? ", " : "", mc_cause_table[i].id) != MC_OK)
      break;   /* 64 KiB is some 2000 ids: the catalogue has a tenth of that */
  }
  return b.len ? mc_buf_detach(&b) : NULL;
}

static mc_progress_fn progress;

void mc_progress_set(mc_progress_fn fn)
{
  progress = fn;
}

struct mc_report *mc_report_new(const char *command, const char *target)
{
  struct mc_report *r = mc_xcalloc(1, sizeof *r);
  r->command = mc_xstrdup(command);
  r->target = clean(mc_xstrdup(target ? target : ""));
  r->t0_ms = mc_now_ms();
  mc_wall_iso8601(r->started, sizeof r->started);
  r->root = mc_xcalloc(1, sizeof *r->root);
  r->root->title = clean(mc_xasprintf("%s %s", command, r->target));
  r->root->duration_ms = -1;
  return r;
}

void mc_report_new_run_id(struct mc_report *r)
{
  unsigned char rnd[6];
  if(mc_plat_random(rnd, sizeof rnd) != MC_OK) {
    /* No entropy from the system: fall back to the clock, still unique enough
     * to find one's own requests in a log. */
    int64_t t = mc_now_ms();
    memcpy(rnd, &t, sizeof rnd);
  }
  snprintf(r->run_id, sizeof r->run_id, "mc-%02x%02x%02x%02x%02x%02x",
           rnd[0], rnd[1], rnd[2], rnd[3], rnd[4], rnd[5]);
}

static void step_free(struct mc_step *s)
{
  while(s) {
    struct mc_step *next = s->next;
    step_free(s->child);
    for(size_t i = 0; i < s->nev; i++) {
      free(s->ev[i].label);
      free(s->ev[i].text);
    }
    free(s->ev);
    free(s->findings);
    free(s->title);
    free(s->summary);
    free(s);
    s = next;
  }
}

void mc_report_free(struct mc_report *r)
{
  if(!r)
    return;
  step_free(r->root);
  for(size_t i = 0; i < r->nfindings; i++) {
    free(r->findings[i]->detail);
    free(r->findings[i]);
  }
  free(r->findings);
  for(size_t i = 0; i < r->nnotes; i++)
    free(r->notes[i]);
  free(r->notes);
  for(size_t i = 0; i < r->nsections; i++) {
    free(r->sections[i].key);
    free(r->sections[i].json);
  }
  free(r->sections);
  for(size_t i = 0; i < r->nfacts; i++) {
    free(r->facts[i].key);
    free(r->facts[i].value);
  }
  free(r->facts);
  free(r->command);
  free(r->target);
  free(r);
}

void mc_report_note(struct mc_report *r, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  r->notes = mc_xrealloc(r->notes, (r->nnotes + 1) * sizeof *r->notes);
  r->notes[r->nnotes++] = clean(mc_xvasprintf(fmt, ap));
  va_end(ap);
}

void mc_report_section(struct mc_report *r, const char *key, const char *json)
{
  r->sections = mc_xrealloc(r->sections, (r->nsections + 1) * sizeof *r->sections);
  r->sections[r->nsections].key = mc_xstrdup(key);
  r->sections[r->nsections].json = clean(mc_xstrdup(json));
  r->nsections++;
}

void mc_report_section_append(struct mc_report *r, const char *key, const char *json)
{
  for(size_t i = 0; i < r->nsections; i++) {
    if(strcmp(r->sections[i].key, key) != 0)
      continue;
    char *old = r->sections[i].json;
    size_t n = strlen(old);
    /* "[a]" -> "[a,json]" */
    r->sections[i].json = mc_xasprintf("%.*s,%s]", (int)(n ? n - 1 : 0), old, json);
    free(old);
    return;
  }
  char *arr = mc_xasprintf("[%s]", json);
  mc_report_section(r, key, arr);
  free(arr);
}

struct mc_step *mc_step_add(struct mc_report *r, struct mc_step *parent,
                            const char *fmt, ...)
{
  struct mc_step *s = mc_xcalloc(1, sizeof *s);
  va_list ap;
  va_start(ap, fmt);
  s->title = clean(mc_xvasprintf(fmt, ap));
  va_end(ap);
  s->status = MC_INFO;
  s->started_ms = mc_now_ms() - r->t0_ms;
  s->duration_ms = -1;
  s->parent = parent ? parent : r->root;
  if(s->parent->last_child)
    s->parent->last_child->next = s;
  else
    s->parent->child = s;
  s->parent->last_child = s;
  if(progress)
    progress(r, s);
  return s;
}

void mc_step_done(struct mc_report *r, struct mc_step *s, enum mc_status st,
                  const char *fmt, ...)
{
  /* A finding may already have raised the status; never lower it below
   * the worst finding's severity. */
  enum mc_status worst = MC_INFO;
  for(size_t i = 0; i < s->nfindings; i++) {
    if(s->findings[i]->severity > worst)
      worst = s->findings[i]->severity;
  }
  s->status = st > worst ? st : worst;
  if(fmt) {
    va_list ap;
    va_start(ap, fmt);
    free(s->summary);
    s->summary = clean(mc_xvasprintf(fmt, ap));
    va_end(ap);
  }
  if(s->duration_ms < 0)
    s->duration_ms = mc_now_ms() - r->t0_ms - s->started_ms;
}

void mc_step_set_duration(struct mc_step *s, int64_t ms)
{
  s->duration_ms = ms;
}

void mc_step_evn(struct mc_step *s, const char *label, const char *text, size_t n)
{
  if(s->nev == s->cap_ev) {
    s->cap_ev = s->cap_ev ? s->cap_ev * 2 : 4;
    s->ev = mc_xrealloc(s->ev, s->cap_ev * sizeof *s->ev);
  }
  s->ev[s->nev].label = mc_xstrdup(label);
  if(mc_redact_active()) {
    size_t cn;
    char *c = mc_redact(text, n, &cn);
    s->ev[s->nev].text = mc_printable(c, cn, EVIDENCE_MAX);
    free(c);
  }
  else
    s->ev[s->nev].text = mc_printable(text, n, EVIDENCE_MAX);
  s->nev++;
}

void mc_step_ev(struct mc_step *s, const char *label, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  char *t = mc_xvasprintf(fmt, ap);
  va_end(ap);
  mc_step_evn(s, label, t, strlen(t));
  free(t);
}

__attribute__((format(printf, 5, 0)))
static struct mc_finding *vfind(struct mc_report *r, struct mc_step *s, const char *id,
                                enum mc_status sev, const char *fmt, va_list ap)
{
  const struct mc_cause *c = mc_cause_find(id);
  if(!c) {
    fprintf(stderr, "migcheck: internal error: unknown cause id '%s'\n", id);
    abort();
  }
  struct mc_finding *f = mc_xcalloc(1, sizeof *f);
  f->cause = c;
  f->severity = sev != MC_INFO ? sev : c->severity;
  f->detail = fmt ? clean(mc_xvasprintf(fmt, ap)) : mc_xstrdup("");
  f->step = s;
  f->seq = (unsigned)r->nfindings;
  if(r->nfindings == r->cap_findings) {
    r->cap_findings = r->cap_findings ? r->cap_findings * 2 : 8;
    r->findings = mc_xrealloc(r->findings, r->cap_findings * sizeof *r->findings);
  }
  r->findings[r->nfindings++] = f;
  if(s->nfindings == s->cap_findings) {
    s->cap_findings = s->cap_findings ? s->cap_findings * 2 : 2;
    s->findings = mc_xrealloc(s->findings, s->cap_findings * sizeof *s->findings);
  }
  s->findings[s->nfindings++] = f;
  if(f->severity > s->status)
    s->status = f->severity;
  return f;
}

struct mc_finding *mc_step_find(struct mc_report *r, struct mc_step *s,
                                const char *id, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  struct mc_finding *f = vfind(r, s, id, MC_INFO, fmt, ap);
  va_end(ap);
  return f;
}

struct mc_finding *mc_step_find_sev(struct mc_report *r, struct mc_step *s,
                                    const char *id, enum mc_status sev,
                                    const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  struct mc_finding *f = vfind(r, s, id, sev, fmt, ap);
  va_end(ap);
  return f;
}

static enum mc_status worst_step(const struct mc_step *s)
{
  enum mc_status w = MC_INFO;
  for(; s; s = s->next) {
    if(s->status == MC_FAIL || s->status == MC_WARN)
      w = s->status > w ? s->status : w;
    enum mc_status c = worst_step(s->child);
    w = c > w ? c : w;
  }
  return w;
}

enum mc_status mc_report_verdict(const struct mc_report *r)
{
  enum mc_status w = worst_step(r->root);
  for(size_t i = 0; i < r->nfindings; i++) {
    if(r->findings[i]->severity > w)
      w = r->findings[i]->severity;
  }
  if(w == MC_FAIL || w == MC_WARN)
    return w;
  return r->incomplete ? MC_UNKNOWN : MC_PASS;
}

void mc_report_incomplete(struct mc_report *r, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  char *t = mc_xvasprintf(fmt, ap);
  va_end(ap);
  r->incomplete = true;
  mc_report_note(r, "%s", t);
  free(t);
}

static int rank_cmp(const void *a, const void *b)
{
  const struct mc_finding *x = *(const struct mc_finding *const *)a;
  const struct mc_finding *y = *(const struct mc_finding *const *)b;
  if(x->severity != y->severity)
    return x->severity > y->severity ? -1 : 1;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

struct mc_finding **mc_report_ranked(const struct mc_report *r, size_t *n)
{
  struct mc_finding **v = mc_xcalloc(r->nfindings + 1, sizeof *v);
  if(r->nfindings)
    memcpy(v, r->findings, r->nfindings * sizeof *v);
  qsort(v, r->nfindings, sizeof *v, rank_cmp);
  *n = r->nfindings;
  return v;
}

bool mc_ranked_first(struct mc_finding *const *v, size_t i)
{
  for(size_t k = 0; k < i; k++) {
    if(v[k]->cause == v[i]->cause)
      return false;
  }
  return true;
}

static size_t count_skipped(const struct mc_step *s)
{
  size_t n = 0;
  for(; s; s = s->next)
    n += (s->status == MC_SKIP) + count_skipped(s->child);
  return n;
}

size_t mc_report_skipped(const struct mc_report *r)
{
  return count_skipped(r->root->child);
}

bool mc_report_has(const struct mc_report *r, const char *id)
{
  for(size_t i = 0; i < r->nfindings; i++) {
    if(strcmp(r->findings[i]->cause->id, id) == 0)
      return true;
  }
  return false;
}

int mc_report_exit_code(const struct mc_report *r)
{
  switch(mc_report_verdict(r)) {
  case MC_PASS: return 0;
  case MC_UNKNOWN: return 3;
  default: return 1;
  }
}
