/*
 * fl.c - PowerShell Format-List output ("| fl") as objects of key : value.
 *
 * What PowerShell writes: each property as "Name<pad> : value", names padded
 * to the longest name of the object; an empty value as "Name<pad> :"; values
 * longer than the console wrapped onto lines indented to the value column;
 * collections as "{a, b, c}", cut at $FormatEnumerationLimit with "...}";
 * one blank line between objects. What pasting adds: prompt lines, warnings,
 * and sometimes a blank line after every line (double spacing).
 *
 * Invariants: every line is one of blank, "key : value", continuation (starts
 * with white space, follows a property with no blank line between), or other.
 * A key never repeats within an object. Limits: MAX_OBJECTS objects,
 * MAX_PROPS properties per object, MC_FL_VALUE_LIMIT bytes per value (the
 * rest of a longer value is not kept, and the property is marked cut with
 * its full length, so a rule can say "over-long" rather than "missing").
 */
#include "config/config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_OBJECTS 10000
#define MAX_PROPS 1000
#define MAX_KEY 128

/* "Key<spaces>: value" or "Key<spaces>:"? Sets the key length and the value
 * column. At least one space before the colon, as PowerShell pads. */
static bool kv_split(struct mc_config_line l, size_t *keylen, size_t *valcol)
{
  size_t i = 0;
  if(!l.n || !isalpha((unsigned char)l.p[0]))
    return false;
  while(i < l.n && (isalnum((unsigned char)l.p[i]) || l.p[i] == '_' || l.p[i] == '.' ||
                    l.p[i] == '-'))
    i++;
  size_t k = i;
  if(k > MAX_KEY || i >= l.n || l.p[i] != ' ')
    return false;
  while(i < l.n && l.p[i] == ' ')
    i++;
  if(i >= l.n || l.p[i] != ':')
    return false;
  i++;
  if(i < l.n && l.p[i] != ' ')
    return false;
  *keylen = k;
  *valcol = i < l.n ? i + 1 : i;
  return true;
}

static bool is_blank(struct mc_config_line l)
{
  return l.n == 0;
}

struct mc_fl_object *mc_fl_doc_add(struct mc_fl_doc *doc, unsigned line)
{
  if(doc->nobjs == doc->cap) {
    doc->cap = doc->cap ? doc->cap * 2 : 8;
    doc->objs = mc_xrealloc(doc->objs, doc->cap * sizeof *doc->objs);
  }
  struct mc_fl_object *o = &doc->objs[doc->nobjs++];
  memset(o, 0, sizeof *o);
  o->line = line;
  return o;
}

const struct mc_fl_prop *mc_fl_prop(const struct mc_fl_object *o, const char *key)
{
  for(size_t i = 0; i < o->nprops; i++) {
    if(strcasecmp(o->props[i].key, key) == 0)
      return &o->props[i];
  }
  return NULL;
}

const char *mc_fl_get(const struct mc_fl_object *o, const char *key)
{
  const struct mc_fl_prop *p = mc_fl_prop(o, key);
  return p ? p->value : NULL;
}

/* A double-spaced paste: no property line is followed directly by another. */
static bool double_spaced(const char *text, size_t n)
{
  size_t pos = 0, kv_kv = 0, kv_blank = 0;
  bool prev_kv = false;
  while(pos < n) {
    struct mc_config_line l = mc_config_next_line(text, n, &pos);
    size_t k, c;
    bool kv = kv_split(l, &k, &c);
    if(prev_kv) {
      kv_kv += kv || (l.n && (l.p[0] == ' ' || l.p[0] == '\t'));
      kv_blank += is_blank(l);
    }
    prev_kv = kv;
  }
  return kv_kv == 0 && kv_blank >= 2;
}

/* The value being built: the bytes kept and the length as written. */
struct value {
  struct mc_buf b;
  size_t full;
};

/* Appends what fits under the limit; counts all of it. */
static void value_add(struct value *v, const char *p, size_t n)
{
  v->full += n;
  size_t room = v->b.limit - v->b.len;
  mc_buf_add(&v->b, p, n < room ? n : room);
}

/* Stores the value being built into the open property. */
static void flush(struct mc_fl_prop **open, struct value *val)
{
  if(*open) {
    free((*open)->value);
    (*open)->value = mc_xstrdup(val->b.ptr ? val->b.ptr : "");
    (*open)->full_len = val->full;
    (*open)->cut = val->full > val->b.len;
    *open = NULL;
  }
  mc_buf_reset(&val->b);
  val->full = 0;
}

mc_code mc_fl_parse(const char *text, size_t n, struct mc_fl_doc *doc, char *err,
                    size_t errlen)
{
  memset(doc, 0, sizeof *doc);
  size_t width = 0, pos = 0;
  while(pos < n) {
    struct mc_config_line l = mc_config_next_line(text, n, &pos);
    width = l.raw > width ? l.raw : width;
  }
  unsigned boundary = double_spaced(text, n) ? 2 : 1;
  struct mc_fl_object *cur = NULL;
  struct mc_fl_prop *open = NULL;
  struct value val = { MC_BUF_INIT(MC_FL_VALUE_LIMIT), 0 };
  size_t prevlen = 0;
  unsigned blanks = 0, lineno = 0;
  mc_code rc = MC_OK;
  pos = 0;
  while(pos < n) {
    struct mc_config_line l = mc_config_next_line(text, n, &pos);
    lineno++;
    if(is_blank(l)) {
      blanks++;
      continue;
    }
    size_t keylen, col;
    if(kv_split(l, &keylen, &col)) {
      char key[MAX_KEY + 1];
      memcpy(key, l.p, keylen);
      key[keylen] = '\0';
      flush(&open, &val);
      if(!cur || blanks >= boundary || mc_fl_prop(cur, key) || cur->nprops >= MAX_PROPS) {
        if(doc->nobjs >= MAX_OBJECTS) {
          snprintf(err, errlen, "line %u: more than %d objects", lineno, MAX_OBJECTS);
          rc = MC_ERR_LIMIT;
          goto out;
        }
        cur = mc_fl_doc_add(doc, lineno);
      }
      if(cur->nprops == cur->cap) {
        cur->cap = cur->cap ? cur->cap * 2 : 16;
        cur->props = mc_xrealloc(cur->props, cur->cap * sizeof *cur->props);
      }
      open = &cur->props[cur->nprops++];
      open->key = mc_xstrdup(key);
      open->value = NULL;
      open->full_len = 0;
      open->cut = false;
      open->line = lineno;
      value_add(&val, l.p + col, l.raw > col ? l.raw - col : 0);
      prevlen = l.raw;
      blanks = 0;
      continue;
    }
    bool indented = l.p[0] == ' ' || l.p[0] == '\t';
    if(indented && open && blanks == 0) {
      /* Continuation, indented to the value column. A line above that
         filled the console width was cut inside a word: join without a
         space; a shorter one was cut at a space. */
      size_t lead = 0;
      while(lead < l.n && (l.p[lead] == ' ' || l.p[lead] == '\t'))
        lead++;
      if(prevlen < width && val.full)
        value_add(&val, " ", 1);
      value_add(&val, l.p + lead, l.raw - lead);
      prevlen = l.raw;
      continue;
    }
    /* A prompt, a warning or a header: the output of one command ends. */
    flush(&open, &val);
    doc->other_lines++;
    cur = NULL;
    blanks = 0;
  }
out:
  flush(&open, &val);
  mc_buf_release(&val.b);
  return rc;
}

void mc_fl_doc_release(struct mc_fl_doc *doc)
{
  for(size_t i = 0; i < doc->nobjs; i++) {
    for(size_t k = 0; k < doc->objs[i].nprops; k++) {
      free(doc->objs[i].props[k].key);
      free(doc->objs[i].props[k].value);
    }
    free(doc->objs[i].props);
  }
  free(doc->objs);
  memset(doc, 0, sizeof *doc);
}

void mc_fl_list_parse(const char *value, struct mc_fl_list *l)
{
  memset(l, 0, sizeof *l);
  size_t n = strlen(value);
  const char *p = value;
  if(n && p[0] == '{') {
    p++;
    n--;
    if(n && p[n - 1] == '}')
      n--;
  }
  if(n >= 3 && strncmp(p + n - 3, "...", 3) == 0) {
    l->truncated = true;
    n -= 3;
  }
  size_t i = 0;
  while(i < n) {
    while(i < n && (p[i] == ' ' || p[i] == ','))
      i++;
    size_t s = i;
    while(i < n && p[i] != ',')
      i++;
    size_t e = i;
    while(e > s && p[e - 1] == ' ')
      e--;
    if(e > s) {
      l->items = mc_xrealloc(l->items, (l->n + 1) * sizeof *l->items);
      l->items[l->n++] = mc_xstrndup(p + s, e - s);
    }
  }
}

bool mc_fl_list_has(const struct mc_fl_list *l, const char *item)
{
  for(size_t i = 0; i < l->n; i++) {
    if(strcasecmp(l->items[i], item) == 0)
      return true;
  }
  return false;
}

void mc_fl_list_release(struct mc_fl_list *l)
{
  for(size_t i = 0; i < l->n; i++)
    free(l->items[i]);
  free(l->items);
  memset(l, 0, sizeof *l);
}
