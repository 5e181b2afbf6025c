/*
 * jsonval.c - the bounded JSON reader of jsonval.h: recursive descent over
 * the bytes, one allocation per string, depth and value count limited so
 * that no input can exhaust the stack or memory.
 */
#include "util/jsonval.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct rd {
  const char *p;
  size_t n, i;
  size_t values;
  char *err;
  size_t errlen;
  mc_code rc;
};

static bool fail(struct rd *r, mc_code rc, const char *what)
{
  if(r->rc == MC_OK) {
    r->rc = rc;
    snprintf(r->err, r->errlen, "JSON byte %zu: %s", r->i, what);
  }
  return false;
}

static void ws(struct rd *r)
{
  while(r->i < r->n && (r->p[r->i] == ' ' || r->p[r->i] == '\t' || r->p[r->i] == '\n' ||
                        r->p[r->i] == '\r'))
    r->i++;
}

static bool hex4(struct rd *r, unsigned *out)
{
  if(r->n - r->i < 4)
    return fail(r, MC_ERR_PARSE, "short \\u escape");
  unsigned v = 0;
  for(int k = 0; k < 4; k++) {
    char c = r->p[r->i++];
    v <<= 4;
    if(c >= '0' && c <= '9')
      v |= (unsigned)(c - '0');
    else if(c >= 'a' && c <= 'f')
      v |= (unsigned)(c - 'a' + 10);
    else if(c >= 'A' && c <= 'F')
      v |= (unsigned)(c - 'A' + 10);
    else
      return fail(r, MC_ERR_PARSE, "bad \\u escape");
  }
  *out = v;
  return true;
}

/* At the opening quote; returns the decoded string (caller frees). */
static char *string(struct rd *r)
{
  struct mc_buf b = MC_BUF_INIT(r->n + 1);
  r->i++;
  while(r->i < r->n) {
    char c = r->p[r->i++];
    if(c == '"') {
      if(!b.ptr)
        mc_buf_addstr(&b, "");
      return mc_buf_detach(&b);
    }
    if((unsigned char)c < 0x20) {
      fail(r, MC_ERR_PARSE, "control character in a string");
      goto bad;
    }
    if(c != '\\') {
      mc_buf_addch(&b, c);
      continue;
    }
    if(r->i >= r->n)
      break;
    char e = r->p[r->i++];
    unsigned cp;
    switch(e) {
    case '"': case '\\': case '/': mc_buf_addch(&b, e); break;
    case 'b': mc_buf_addch(&b, '\b'); break;
    case 'f': mc_buf_addch(&b, '\f'); break;
    case 'n': mc_buf_addch(&b, '\n'); break;
    case 'r': mc_buf_addch(&b, '\r'); break;
    case 't': mc_buf_addch(&b, '\t'); break;
    case 'u':
      if(!hex4(r, &cp))
        goto bad;
      if(cp >= 0xd800 && cp < 0xdc00 && r->n - r->i >= 6 && r->p[r->i] == '\\' &&
         r->p[r->i + 1] == 'u') {
        size_t save = r->i;
        unsigned lo;
        r->i += 2;
        if(!hex4(r, &lo))
          goto bad;
        if(lo >= 0xdc00 && lo < 0xe000)
          cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
        else {
          r->i = save;
          cp = 0xfffd;
        }
      }
      else if(cp >= 0xd800 && cp < 0xe000)
        cp = 0xfffd;
      mc_buf_add_utf8(&b, cp);
      break;
    default:
      fail(r, MC_ERR_PARSE, "bad escape");
      goto bad;
    }
  }
  fail(r, MC_ERR_PARSE, "unterminated string");
bad:
  mc_buf_release(&b);
  return NULL;
}

static bool value(struct rd *r, struct mc_jv *v, int depth);

static bool add_kid(struct rd *r, struct mc_jv *v, size_t *cap, struct mc_jv **kid)
{
  if(++r->values > MC_JV_MAX_VALUES)
    return fail(r, MC_ERR_LIMIT, "too many values");
  if(v->n == *cap) {
    *cap = *cap ? *cap * 2 : 4;
    v->kids = mc_xrealloc(v->kids, *cap * sizeof *v->kids);
  }
  *kid = &v->kids[v->n++];
  memset(*kid, 0, sizeof **kid);
  return true;
}

static bool container(struct rd *r, struct mc_jv *v, int depth, bool obj)
{
  char close = obj ? '}' : ']';
  size_t cap = 0;
  v->type = obj ? MC_JV_OBJ : MC_JV_ARR;
  r->i++;
  ws(r);
  if(r->i < r->n && r->p[r->i] == close) {
    r->i++;
    return true;
  }
  for(;;) {
    struct mc_jv *kid;
    ws(r);
    char *key = NULL;
    if(obj) {
      if(r->i >= r->n || r->p[r->i] != '"')
        return fail(r, MC_ERR_PARSE, "expected a member name");
      if(!(key = string(r)))
        return false;
      ws(r);
      if(r->i >= r->n || r->p[r->i] != ':') {
        free(key);
        return fail(r, MC_ERR_PARSE, "expected ':'");
      }
      r->i++;
    }
    if(!add_kid(r, v, &cap, &kid)) {
      free(key);
      return false;
    }
    kid->key = key;
    if(!value(r, kid, depth + 1))
      return false;
    ws(r);
    if(r->i < r->n && r->p[r->i] == ',') {
      r->i++;
      continue;
    }
    if(r->i < r->n && r->p[r->i] == close) {
      r->i++;
      return true;
    }
    return fail(r, MC_ERR_PARSE, obj ? "expected ',' or '}'" : "expected ',' or ']'");
  }
}

static bool literal(struct rd *r, const char *word)
{
  size_t k = strlen(word);
  if(r->n - r->i < k || memcmp(r->p + r->i, word, k) != 0)
    return fail(r, MC_ERR_PARSE, "unexpected character");
  r->i += k;
  return true;
}

static bool value(struct rd *r, struct mc_jv *v, int depth)
{
  if(depth > MC_JV_MAX_DEPTH)
    return fail(r, MC_ERR_LIMIT, "nested too deep");
  ws(r);
  if(r->i >= r->n)
    return fail(r, MC_ERR_PARSE, "unexpected end");
  char c = r->p[r->i];
  switch(c) {
  case '{': return container(r, v, depth, true);
  case '[': return container(r, v, depth, false);
  case '"':
    v->type = MC_JV_STR;
    return (v->str = string(r)) != NULL;
  case 't':
    v->type = MC_JV_BOOL;
    v->b = true;
    v->str = mc_xstrdup("true");
    return literal(r, "true");
  case 'f':
    v->type = MC_JV_BOOL;
    v->str = mc_xstrdup("false");
    return literal(r, "false");
  case 'n':
    v->type = MC_JV_NULL;
    return literal(r, "null");
  default:
    break;
  }
  size_t s = r->i;
  if(r->i < r->n && r->p[r->i] == '-')
    r->i++;
  size_t digits = 0;
  while(r->i < r->n && strchr("0123456789.eE+-", r->p[r->i]) && r->p[r->i]) {
    digits += r->p[r->i] >= '0' && r->p[r->i] <= '9';
    r->i++;
  }
  if(!digits)
    return fail(r, MC_ERR_PARSE, "unexpected character");
  v->type = MC_JV_NUM;
  v->str = mc_xstrndup(r->p + s, r->i - s);
  return true;
}

mc_code mc_jv_parse(const char *text, size_t n, struct mc_jv **out, char *err, size_t errlen)
{
  struct rd r = { .p = text, .n = n, .err = err, .errlen = errlen };
  if(n >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
    r.i = 3;
  struct mc_jv *v = mc_xcalloc(1, sizeof *v);
  if(value(&r, v, 0)) {
    ws(&r);
    if(r.i != r.n)
      fail(&r, MC_ERR_PARSE, "text after the value");
  }
  if(r.rc != MC_OK) {
    mc_jv_free(v);
    *out = NULL;
    return r.rc;
  }
  *out = v;
  return MC_OK;
}

static void release(struct mc_jv *v)
{
  for(size_t i = 0; i < v->n; i++)
    release(&v->kids[i]);
  free(v->kids);
  free(v->key);
  free(v->str);
}

void mc_jv_free(struct mc_jv *v)
{
  if(!v)
    return;
  release(v);
  free(v);
}

const struct mc_jv *mc_jv_get(const struct mc_jv *o, const char *key)
{
  if(!o || o->type != MC_JV_OBJ)
    return NULL;
  for(size_t i = 0; i < o->n; i++) {
    if(strcmp(o->kids[i].key, key) == 0)
      return &o->kids[i];
  }
  return NULL;
}

const struct mc_jv *mc_jv_iget(const struct mc_jv *o, const char *key)
{
  if(!o || o->type != MC_JV_OBJ)
    return NULL;
  for(size_t i = 0; i < o->n; i++) {
    if(strcasecmp(o->kids[i].key, key) == 0)
      return &o->kids[i];
  }
  return NULL;
}

const char *mc_jv_gets(const struct mc_jv *o, const char *key)
{
  const struct mc_jv *v = mc_jv_get(o, key);
  return v && (v->type == MC_JV_STR || v->type == MC_JV_NUM) ? v->str : NULL;
}
