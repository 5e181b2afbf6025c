/*
 * mcjson.c - a migcheck --json report read back as an input of `config`:
 * the command, target and verdict, every cause id, and every step's
 * evidence (label, text) and findings (id, detail), flattened in order.
 * config uses it to set what the remote checks saw beside what the server's
 * settings say.
 *
 * The JSON itself goes through util/jsonval (bounded: nesting, value count,
 * string decoding); this file only walks the report's shape, with bounds of
 * its own: at most MAX_ITEMS steps, evidence lines and causes each, every
 * string kept up to MAX_STRING bytes. Unknown members are skipped, as
 * docs/json-schema.md asks of readers.
 */
#include "config/config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/jsonval.h"

#define MAX_ITEMS 100000
#define MAX_STRING 8192

static char *keep(const char *s)
{
  return s ? mc_xstrndup(s, strnlen(s, MAX_STRING)) : NULL;
}

static bool add_line(struct mc_mcjson *o, const char *step, const char *label, const char *text,
                     char *err, size_t errlen)
{
  if(o->nlines >= MAX_ITEMS) {
    snprintf(err, errlen, "more than %d evidence lines", MAX_ITEMS);
    return false;
  }
  o->lines = mc_xrealloc(o->lines, (o->nlines + 1) * sizeof *o->lines);
  o->lines[o->nlines].step = keep(step ? step : "");
  o->lines[o->nlines].label = keep(label ? label : "");
  o->lines[o->nlines].text = keep(text ? text : "");
  o->nlines++;
  return true;
}

/* One step: its evidence and findings as lines, then its children. The
 * tree's depth is bounded by the reader. */
static bool walk_step(struct mc_mcjson *o, const struct mc_jv *s, char *err, size_t errlen)
{
  if(s->type != MC_JV_OBJ)
    return true;
  if(o->nsteps++ >= MAX_ITEMS) {
    snprintf(err, errlen, "more than %d steps", MAX_ITEMS);
    return false;
  }
  const char *title = mc_jv_gets(s, "title");
  const struct mc_jv *ev = mc_jv_get(s, "evidence");
  for(size_t i = 0; ev && ev->type == MC_JV_ARR && i < ev->n; i++) {
    if(ev->kids[i].type == MC_JV_OBJ &&
       !add_line(o, title, mc_jv_gets(&ev->kids[i], "label"), mc_jv_gets(&ev->kids[i], "text"),
                 err, errlen))
      return false;
  }
  const struct mc_jv *fd = mc_jv_get(s, "findings");
  for(size_t i = 0; fd && fd->type == MC_JV_ARR && i < fd->n; i++) {
    const char *id = fd->kids[i].type == MC_JV_OBJ ? mc_jv_gets(&fd->kids[i], "id") : NULL;
    if(!id)
      continue;
    char *label = mc_xasprintf("!%.*s", 200, id);
    bool ok = add_line(o, title, label, mc_jv_gets(&fd->kids[i], "detail"), err, errlen);
    free(label);
    if(!ok)
      return false;
  }
  const struct mc_jv *kids = mc_jv_get(s, "steps");
  for(size_t i = 0; kids && kids->type == MC_JV_ARR && i < kids->n; i++) {
    if(!walk_step(o, &kids->kids[i], err, errlen))
      return false;
  }
  return true;
}

bool mc_mcjson_sniff(const char *text, size_t n)
{
  size_t i = 0;
  if(n >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
    i = 3;
  while(i < n && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n'))
    i++;
  size_t look = n - i < 4096 ? n - i : 4096;
  return i < n && text[i] == '{' && mc_memcasemem(text + i, look, "\"schema_version\"") &&
         mc_memcasemem(text + i, n - i, "\"verdict\"");
}

mc_code mc_mcjson_parse(const char *text, size_t n, struct mc_mcjson *out, char *err,
                        size_t errlen)
{
  memset(out, 0, sizeof *out);
  err[0] = '\0';
  struct mc_jv *root = NULL;
  mc_code rc = mc_jv_parse(text, n, &root, err, errlen);
  if(rc != MC_OK)
    goto out;
  if(root->type != MC_JV_OBJ || !mc_jv_gets(root, "command") || !mc_jv_gets(root, "verdict")) {
    snprintf(err, errlen, "a JSON value without 'command' and 'verdict': not a migcheck report");
    rc = MC_ERR_PARSE;
    goto out;
  }
  out->command = keep(mc_jv_gets(root, "command"));
  out->verdict = keep(mc_jv_gets(root, "verdict"));
  out->target = keep(mc_jv_gets(root, "target"));
  out->tool = keep(mc_jv_gets(root, "tool"));
  const struct mc_jv *causes = mc_jv_get(root, "causes");
  for(size_t i = 0; causes && causes->type == MC_JV_ARR && i < causes->n; i++) {
    const char *id = causes->kids[i].type == MC_JV_OBJ ? mc_jv_gets(&causes->kids[i], "id") :
                     NULL;
    if(!id || out->ncauses >= MAX_ITEMS)
      continue;
    out->causes = mc_xrealloc(out->causes, (out->ncauses + 1) * sizeof *out->causes);
    out->causes[out->ncauses++] = keep(id);
  }
  const struct mc_jv *steps = mc_jv_get(root, "steps");
  for(size_t i = 0; steps && steps->type == MC_JV_ARR && i < steps->n; i++) {
    if(!walk_step(out, &steps->kids[i], err, errlen)) {
      rc = MC_ERR_LIMIT;
      goto out;
    }
  }
out:
  mc_jv_free(root);
  return rc;
}

void mc_mcjson_release(struct mc_mcjson *o)
{
  free(o->command);
  free(o->target);
  free(o->verdict);
  free(o->tool);
  for(size_t i = 0; i < o->ncauses; i++)
    free(o->causes[i]);
  free(o->causes);
  for(size_t i = 0; i < o->nlines; i++) {
    free(o->lines[i].step);
    free(o->lines[i].label);
    free(o->lines[i].text);
  }
  free(o->lines);
  memset(o, 0, sizeof *o);
}
