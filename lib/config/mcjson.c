/*
 * mcjson.c - a migcheck --json report read back as an input of `config`:
 * the command, target and verdict, every cause id with its details, and
 * every step's title, status and evidence (label, text), flattened in
 * order. config uses it to set what the remote checks saw beside what the
 * server's settings say.
 *
 * A small recursive-descent JSON reader (RFC 8259) with hard bounds: the
 * text at most MC_CONFIG_FILE_LIMIT bytes (the caller's), nesting at most
 * MAX_DEPTH, at most MAX_ITEMS steps and evidence lines and causes each;
 * strings are decoded (\uXXXX with surrogate pairs to UTF-8, a lone
 * surrogate to U+FFFD) and cut at MAX_STRING bytes. Unknown members are
 * skipped, as docs/json-schema.md asks of readers.
 *
 * Not for: JSON in general (no numbers kept, no arbitrary trees).
 */
#include "config/config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 64
#define MAX_ITEMS 100000
#define MAX_STRING 8192

struct rd {
  const char *start, *p, *end;
  int depth;
  struct mc_mcjson *out;
  char *err;
  size_t errlen;
  mc_code rc;
};

static void fail(struct rd *r, mc_code rc, const char *what)
{
  if(r->rc)
    return;
  r->rc = rc;
  snprintf(r->err, r->errlen, "byte %zu: %s", (size_t)(r->p - r->start), what);
}

static void ws(struct rd *r)
{
  while(r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
    r->p++;
}

static bool lit(struct rd *r, const char *s)
{
  size_t n = strlen(s);
  if((size_t)(r->end - r->p) < n || memcmp(r->p, s, n) != 0)
    return false;
  r->p += n;
  return true;
}

static int hex4(const char *p)
{
  int v = 0;
  for(int i = 0; i < 4; i++) {
    char c = p[i];
    int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
            c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    if(d < 0)
      return -1;
    v = v * 16 + d;
  }
  return v;
}

static void put_utf8(struct mc_buf *b, unsigned long cp)
{
  char u[4];
  size_t n;
  if(cp < 0x80) {
    u[0] = (char)cp;
    n = 1;
  }
  else if(cp < 0x800) {
    u[0] = (char)(0xc0 | cp >> 6);
    u[1] = (char)(0x80 | (cp & 0x3f));
    n = 2;
  }
  else if(cp < 0x10000) {
    u[0] = (char)(0xe0 | cp >> 12);
    u[1] = (char)(0x80 | (cp >> 6 & 0x3f));
    u[2] = (char)(0x80 | (cp & 0x3f));
    n = 3;
  }
  else {
    u[0] = (char)(0xf0 | cp >> 18);
    u[1] = (char)(0x80 | (cp >> 12 & 0x3f));
    u[2] = (char)(0x80 | (cp >> 6 & 0x3f));
    u[3] = (char)(0x80 | (cp & 0x3f));
    n = 4;
  }
  if(b->len + n <= b->limit)
    mc_buf_add(b, u, n);
}

/* A string at r->p (the opening quote); decoded into out (cut at its
 * limit) when out is not NULL. */
static bool string(struct rd *r, struct mc_buf *out)
{
  if(r->p >= r->end || *r->p != '"') {
    fail(r, MC_ERR_PARSE, "a string was expected");
    return false;
  }
  r->p++;
  while(r->p < r->end) {
    unsigned char c = (unsigned char)*r->p++;
    if(c == '"')
      return true;
    if(c < 0x20) {
      fail(r, MC_ERR_PARSE, "a control character inside a string");
      return false;
    }
    if(c != '\\') {
      if(out && out->len < out->limit)
        mc_buf_addch(out, (char)c);
      continue;
    }
    if(r->p >= r->end)
      break;
    char e = *r->p++;
    unsigned long cp;
    switch(e) {
    case '"': cp = '"'; break;
    case '\\': cp = '\\'; break;
    case '/': cp = '/'; break;
    case 'b': cp = '\b'; break;
    case 'f': cp = '\f'; break;
    case 'n': cp = '\n'; break;
    case 'r': cp = '\r'; break;
    case 't': cp = '\t'; break;
    case 'u': {
      int h = r->end - r->p >= 4 ? hex4(r->p) : -1;
      if(h < 0) {
        fail(r, MC_ERR_PARSE, "a bad \\u escape");
        return false;
      }
      r->p += 4;
      cp = (unsigned long)h;
      if(cp >= 0xd800 && cp < 0xdc00 && r->end - r->p >= 6 && r->p[0] == '\\' &&
         r->p[1] == 'u') {
        int lo = hex4(r->p + 2);
        if(lo >= 0xdc00 && lo < 0xe000) {
          cp = 0x10000 + ((cp - 0xd800) << 10) + (unsigned long)(lo - 0xdc00);
          r->p += 6;
        }
      }
      if(cp >= 0xd800 && cp < 0xe000)
        cp = 0xfffd;
      break;
    }
    default:
      fail(r, MC_ERR_PARSE, "a bad escape");
      return false;
    }
    if(out)
      put_utf8(out, cp);
  }
  fail(r, MC_ERR_PARSE, "an unterminated string");
  return false;
}

static bool value(struct rd *r, struct mc_buf *str);

/* Walks an object, calling member() for each key; the value is read by
 * member (which may call value() to skip it). */
typedef bool (*member_fn)(struct rd *r, const char *key, void *ud);

static bool object(struct rd *r, member_fn member, void *ud)
{
  if(++r->depth > MAX_DEPTH) {
    fail(r, MC_ERR_LIMIT, "nested deeper than 64");
    return false;
  }
  r->p++;                       /* '{' */
  ws(r);
  if(r->p < r->end && *r->p == '}') {
    r->p++;
    r->depth--;
    return true;
  }
  struct mc_buf key = MC_BUF_INIT(256);
  bool ok = false;
  for(;;) {
    ws(r);
    mc_buf_reset(&key);
    if(!string(r, &key))
      break;
    ws(r);
    if(r->p >= r->end || *r->p != ':') {
      fail(r, MC_ERR_PARSE, "':' was expected");
      break;
    }
    r->p++;
    ws(r);
    if(!(member ? member(r, key.ptr ? key.ptr : "", ud) : value(r, NULL)))
      break;
    ws(r);
    if(r->p < r->end && *r->p == ',') {
      r->p++;
      continue;
    }
    if(r->p < r->end && *r->p == '}') {
      r->p++;
      ok = true;
      break;
    }
    fail(r, MC_ERR_PARSE, "',' or '}' was expected");
    break;
  }
  mc_buf_release(&key);
  r->depth--;
  return ok;
}

typedef bool (*element_fn)(struct rd *r, void *ud);

static bool array(struct rd *r, element_fn element, void *ud)
{
  if(++r->depth > MAX_DEPTH) {
    fail(r, MC_ERR_LIMIT, "nested deeper than 64");
    return false;
  }
  r->p++;                       /* '[' */
  ws(r);
  if(r->p < r->end && *r->p == ']') {
    r->p++;
    r->depth--;
    return true;
  }
  for(;;) {
    ws(r);
    if(!(element ? element(r, ud) : value(r, NULL)))
      return false;
    ws(r);
    if(r->p < r->end && *r->p == ',') {
      r->p++;
      continue;
    }
    if(r->p < r->end && *r->p == ']') {
      r->p++;
      r->depth--;
      return true;
    }
    fail(r, MC_ERR_PARSE, "',' or ']' was expected");
    return false;
  }
}

/* Any value; a string's text goes to str when given. */
static bool value(struct rd *r, struct mc_buf *str)
{
  ws(r);
  if(r->p >= r->end) {
    fail(r, MC_ERR_PARSE, "a value was expected");
    return false;
  }
  switch(*r->p) {
  case '"': return string(r, str);
  case '{': return object(r, NULL, NULL);
  case '[': return array(r, NULL, NULL);
  case 't': if(lit(r, "true")) return true; break;
  case 'f': if(lit(r, "false")) return true; break;
  case 'n': if(lit(r, "null")) return true; break;
  default: {
    const char *s = r->p;
    if(r->p < r->end && *r->p == '-')
      r->p++;
    while(r->p < r->end && ((*r->p >= '0' && *r->p <= '9') || *r->p == '.' || *r->p == 'e' ||
                            *r->p == 'E' || *r->p == '+' || *r->p == '-'))
      r->p++;
    if(r->p > s && (r->p[-1] >= '0' && r->p[-1] <= '9'))
      return true;
  }
  }
  fail(r, MC_ERR_PARSE, "not a JSON value");
  return false;
}

static char *take(struct mc_buf *b)
{
  char *s = mc_xstrdup(b->ptr ? b->ptr : "");
  mc_buf_reset(b);
  return s;
}

/* ---- the report's shape ---- */

struct step_ctx {
  struct rd *r;
  const char *title;            /* of the step being read */
  char *label;                  /* of the evidence line being read */
  char *text;
};

static bool add_line(struct rd *r, const char *step, const char *label, const char *text)
{
  struct mc_mcjson *o = r->out;
  if(o->nlines >= MAX_ITEMS) {
    fail(r, MC_ERR_LIMIT, "more than 100000 evidence lines");
    return false;
  }
  o->lines = mc_xrealloc(o->lines, (o->nlines + 1) * sizeof *o->lines);
  o->lines[o->nlines].step = mc_xstrdup(step ? step : "");
  o->lines[o->nlines].label = mc_xstrdup(label ? label : "");
  o->lines[o->nlines].text = mc_xstrdup(text ? text : "");
  o->nlines++;
  return true;
}

static bool ev_member(struct rd *r, const char *key, void *ud)
{
  struct step_ctx *s = ud;
  struct mc_buf b = MC_BUF_INIT(MAX_STRING);
  bool ok = value(r, &b);
  if(ok && (!strcmp(key, "label") || !strcmp(key, "text") || !strcmp(key, "id") ||
            !strcmp(key, "detail"))) {
    char **slot = !strcmp(key, "label") || !strcmp(key, "id") ? &s->label : &s->text;
    free(*slot);
    *slot = take(&b);
  }
  mc_buf_release(&b);
  return ok;
}

/* An evidence line {label, text} or a finding {id, severity, detail}:
 * both become lines (a finding's label is its cause id, prefixed "!"). */
static bool ev_element(struct rd *r, void *ud)
{
  struct step_ctx *s = ud;
  if(r->p >= r->end || *r->p != '{')
    return value(r, NULL);
  struct step_ctx e = { r, s->title, NULL, NULL };
  bool ok = object(r, ev_member, &e);
  if(ok)
    ok = add_line(r, s->title, e.label, e.text);
  free(e.label);
  free(e.text);
  return ok;
}

static bool finding_element(struct rd *r, void *ud)
{
  struct step_ctx *s = ud;
  if(r->p >= r->end || *r->p != '{')
    return value(r, NULL);
  struct step_ctx e = { r, s->title, NULL, NULL };
  bool ok = object(r, ev_member, &e);
  if(ok && e.label) {
    char *lab = mc_xasprintf("!%s", e.label);
    ok = add_line(r, s->title, lab, e.text);
    free(lab);
  }
  free(e.label);
  free(e.text);
  return ok;
}

static bool step_element(struct rd *r, void *ud);

static bool step_member(struct rd *r, const char *key, void *ud)
{
  struct step_ctx *s = ud;
  if(!strcmp(key, "title")) {
    struct mc_buf b = MC_BUF_INIT(MAX_STRING);
    bool ok = value(r, &b);
    free((char *)s->title);
    s->title = take(&b);
    mc_buf_release(&b);
    return ok;
  }
  if(!strcmp(key, "evidence") && r->p < r->end && *r->p == '[')
    return array(r, ev_element, s);
  if(!strcmp(key, "findings") && r->p < r->end && *r->p == '[')
    return array(r, finding_element, s);
  if(!strcmp(key, "steps") && r->p < r->end && *r->p == '[')
    return array(r, step_element, NULL);
  return value(r, NULL);
}

static bool step_element(struct rd *r, void *ud)
{
  (void)ud;
  if(r->p >= r->end || *r->p != '{')
    return value(r, NULL);
  if(r->out->nsteps++ >= MAX_ITEMS) {
    fail(r, MC_ERR_LIMIT, "more than 100000 steps");
    return false;
  }
  struct step_ctx s = { r, NULL, NULL, NULL };
  bool ok = object(r, step_member, &s);
  free((char *)s.title);
  return ok;
}

static bool cause_member(struct rd *r, const char *key, void *ud)
{
  char **id = ud;
  if(strcmp(key, "id") != 0)
    return value(r, NULL);
  struct mc_buf b = MC_BUF_INIT(256);
  bool ok = value(r, &b);
  free(*id);
  *id = take(&b);
  mc_buf_release(&b);
  return ok;
}

static bool cause_element(struct rd *r, void *ud)
{
  (void)ud;
  if(r->p >= r->end || *r->p != '{')
    return value(r, NULL);
  char *id = NULL;
  bool ok = object(r, cause_member, &id);
  struct mc_mcjson *o = r->out;
  if(ok && id && o->ncauses < MAX_ITEMS) {
    o->causes = mc_xrealloc(o->causes, (o->ncauses + 1) * sizeof *o->causes);
    o->causes[o->ncauses++] = id;
    id = NULL;
  }
  free(id);
  return ok;
}

static bool top_member(struct rd *r, const char *key, void *ud)
{
  (void)ud;
  struct mc_mcjson *o = r->out;
  char **slot = !strcmp(key, "command") ? &o->command : !strcmp(key, "target") ? &o->target :
                !strcmp(key, "verdict") ? &o->verdict : !strcmp(key, "tool") ? &o->tool : NULL;
  if(slot) {
    struct mc_buf b = MC_BUF_INIT(MAX_STRING);
    bool ok = value(r, &b);
    free(*slot);
    *slot = take(&b);
    mc_buf_release(&b);
    return ok;
  }
  if(!strcmp(key, "causes") && r->p < r->end && *r->p == '[')
    return array(r, cause_element, NULL);
  if(!strcmp(key, "steps") && r->p < r->end && *r->p == '[')
    return array(r, step_element, NULL);
  return value(r, NULL);
}

bool mc_mcjson_sniff(const char *text, size_t n)
{
  size_t i = 0;
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
  struct rd r = { text, text, text + n, 0, out, err, errlen, MC_OK };
  err[0] = '\0';
  ws(&r);
  if(r.p >= r.end || *r.p != '{') {
    snprintf(err, errlen, "not a JSON object");
    return MC_ERR_PARSE;
  }
  if(object(&r, top_member, NULL)) {
    ws(&r);
    if(r.p != r.end)
      fail(&r, MC_ERR_PARSE, "text after the report");
  }
  if(!r.rc && (!out->command || !out->verdict)) {
    snprintf(err, errlen, "a JSON object without 'command' and 'verdict': not a migcheck "
             "report");
    r.rc = MC_ERR_PARSE;
  }
  return r.rc;
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
