/*
 * match.c - scores the signature table against a normalized text.
 *
 * A signature matches when every required phrase group is present and no
 * excluded phrase is. Its score is its weight plus one per optional phrase
 * present. One match per cause (the best); best score first, table order on
 * ties. Generic signatures (wrapper messages such as "could not be
 * completed") are kept only when nothing specific matched, so the inner
 * exception always wins over the wrapper around it.
 */
#include "kb/kb.h"

#include <stdlib.h>
#include <string.h>

/* Phrases shorter than this (without spaces) are not tried in the compact
 * form: too many accidental hits across word boundaries. */
#define COMPACT_MIN 8

static bool alt_in(const struct mc_kb_text *t, const char *alt, size_t n)
{
  struct mc_kb_text p;
  mc_kb_normalize_phrase(alt, n, &p);
  bool hit = false;
  if(p.nspaced && t->nspaced >= p.nspaced)
    hit = memmem(t->spaced, t->nspaced, p.spaced, p.nspaced) != NULL;
  if(!hit && p.ncompact >= COMPACT_MIN && t->ncompact >= p.ncompact)
    hit = memmem(t->compact, t->ncompact, p.compact, p.ncompact) != NULL;
  mc_kb_text_release(&p);
  return hit;
}

bool mc_kb_phrase_in(const struct mc_kb_text *t, const char *phrase, const char **hit,
                     size_t *hitlen)
{
  const char *p = phrase;
  for(;;) {
    const char *bar = strchr(p, '|');
    size_t n = bar ? (size_t)(bar - p) : strlen(p);
    if(n && alt_in(t, p, n)) {
      if(hit)
        *hit = p;
      if(hitlen)
        *hitlen = n;
      return true;
    }
    if(!bar)
      return false;
    p = bar + 1;
  }
}

static void add_evidence(struct mc_buf *ev, const char *hit, size_t n)
{
  /* More words matched than the evidence holds: it ends in "..." by itself. */
  (void)mc_buf_printf(ev, "%s\"%.*s\"", ev->len ? ", " : "", (int)n, hit);
}

/* Score of one signature, or -1 when it does not match. */
static int score_one(const struct mc_kb_text *t, const struct mc_kb_signature *s,
                     struct mc_buf *ev)
{
  const char *hit;
  size_t hn;
  for(size_t i = 0; s->none && s->none[i]; i++) {
    if(mc_kb_phrase_in(t, s->none[i], NULL, NULL))
      return -1;
  }
  for(size_t i = 0; s->all[i]; i++) {
    if(!mc_kb_phrase_in(t, s->all[i], &hit, &hn))
      return -1;
    add_evidence(ev, hit, hn);
  }
  int score = s->weight;
  for(size_t i = 0; s->any && s->any[i]; i++) {
    if(mc_kb_phrase_in(t, s->any[i], &hit, &hn)) {
      score++;
      add_evidence(ev, hit, hn);
    }
  }
  return score;
}

static int cmp_match(const void *a, const void *b)
{
  const struct mc_kb_match *x = a, *y = b;
  if(x->score != y->score)
    return x->score > y->score ? -1 : 1;
  return x->sig < y->sig ? -1 : x->sig > y->sig;
}

void mc_kb_match(const struct mc_kb_text *t, size_t max, struct mc_kb_result *res)
{
  memset(res, 0, sizeof *res);
  struct mc_kb_match *all = mc_xcalloc(mc_kb_nsignatures + 1, sizeof *all);
  size_t n = 0;
  bool specific = false;
  for(size_t i = 0; i < mc_kb_nsignatures; i++) {
    const struct mc_kb_signature *s = &mc_kb_signatures[i];
    struct mc_buf ev = MC_BUF_INIT(4096);
    int score = score_one(t, s, &ev);
    if(score < 0) {
      mc_buf_release(&ev);
      continue;
    }
    /* One entry per cause: keep the better signature. */
    size_t k = 0;
    while(k < n && strcmp(all[k].sig->cause, s->cause) != 0)
      k++;
    bool keep_old = k < n && (all[k].sig->generic == s->generic ?
                              all[k].score >= score : s->generic);
    if(keep_old) {
      mc_buf_release(&ev);
      continue;
    }
    if(k == n)
      n++;
    else
      free(all[k].evidence);
    all[k].sig = s;
    all[k].cause = mc_cause_find(s->cause);
    all[k].score = score;
    all[k].evidence = mc_buf_detach(&ev);
    specific = specific || !s->generic;
  }
  /* Drop generic matches when a specific one exists. */
  size_t w = 0;
  for(size_t i = 0; i < n; i++) {
    if(specific && all[i].sig->generic) {
      free(all[i].evidence);
      continue;
    }
    all[w++] = all[i];
  }
  n = w;
  qsort(all, n, sizeof *all, cmp_match);
  for(size_t i = max; i < n; i++)
    free(all[i].evidence);
  res->n = n < max ? n : max;
  res->m = all;
  res->generic_only = n > 0 && !specific;
}

void mc_kb_result_release(struct mc_kb_result *res)
{
  for(size_t i = 0; i < res->n; i++)
    free(res->m[i].evidence);
  free(res->m);
  memset(res, 0, sizeof *res);
}
