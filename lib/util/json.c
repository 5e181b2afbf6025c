/*
 * json.c - the streaming JSON writer of json.h. Output is RFC 8259 JSON,
 * always valid UTF-8. Buffer limits are the caller's: a full buffer truncates
 * silently, so callers size the limit for the largest report they accept.
 */
#include "util/json.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

void mc_json_init(struct mc_json *j, struct mc_buf *out, bool pretty)
{
  memset(j, 0, sizeof *j);
  j->out = out;
  j->pretty = pretty;
  j->first[0] = true;
}

static void indent(struct mc_json *j)
{
  static const char nl_spaces[] = "\n" "                                        "
                                  "                                        ";
  if(!j->pretty)
    return;
  size_t n = 1 + 2 * (size_t)j->depth;   /* one add (depth < MC_JSON_MAX_DEPTH) */
  if(n > sizeof nl_spaces - 1)
    n = sizeof nl_spaces - 1;
  mc_buf_add(j->out, nl_spaces, n);
}

/* Called before every value or key: writes the comma and indentation. */
static void before(struct mc_json *j)
{
  if(j->after_key) {
    j->after_key = false;
    return;
  }
  if(!j->first[j->depth])
    mc_buf_addch(j->out, ',');
  j->first[j->depth] = false;
  if(j->depth > 0)
    indent(j);
}

static void open_scope(struct mc_json *j, char c)
{
  before(j);
  mc_buf_addch(j->out, c);
  if(j->depth < MC_JSON_MAX_DEPTH - 1)
    j->depth++;
  j->first[j->depth] = true;
}

static void close_(struct mc_json *j, char c)
{
  bool empty = j->first[j->depth];
  if(j->depth > 0)
    j->depth--;
  if(!empty)
    indent(j);
  mc_buf_addch(j->out, c);
}

void mc_json_obj_begin(struct mc_json *j) { open_scope(j, '{'); }
void mc_json_obj_end(struct mc_json *j) { close_(j, '}'); }
void mc_json_arr_begin(struct mc_json *j) { open_scope(j, '['); }
void mc_json_arr_end(struct mc_json *j) { close_(j, ']'); }

/* The bytes written as they are: printable ASCII but '"' and '\\'. */
static bool plain(unsigned char c)
{
  return c >= 0x20 && c < 0x7F && c != '"' && c != '\\';
}

void mc_json_escape(struct mc_buf *b, const char *s, size_t n)
{
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0;
  while(i < n) {
    size_t run = i;
    while(run < n && plain(p[run]))
      run++;
    if(run > i) {                 /* a run of plain bytes in one append */
      mc_buf_add(b, s + i, run - i);
      i = run;
      continue;
    }
    unsigned char c = p[i];
    if(c == '"' || c == '\\') {
      mc_buf_addch(b, '\\');
      mc_buf_addch(b, (char)c);
      i++;
    }
    else if(c < 0x20 || c == 0x7F) {
      switch(c) {
      case '\n': mc_buf_add(b, "\\n", 2); break;
      case '\r': mc_buf_add(b, "\\r", 2); break;
      case '\t': mc_buf_add(b, "\\t", 2); break;
      default: mc_buf_printf(b, "\\u%04x", c); break;
      }
      i++;
    }
    else if(c < 0x80) {
      mc_buf_addch(b, (char)c);
      i++;
    }
    else {
      /* Validate one UTF-8 sequence; copy it or write U+FFFD. */
      size_t want = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 :
                    (c & 0xF8) == 0xF0 ? 4 : 0;
      bool ok = want && i + want <= n;
      unsigned cp = ok ? (c & (0x7F >> want)) : 0;
      for(size_t k = 1; ok && k < want; k++) {
        if((p[i + k] & 0xC0) != 0x80)
          ok = false;
        else
          cp = (cp << 6) | (p[i + k] & 0x3F);
      }
      static const unsigned min[5] = { 0, 0, 0x80, 0x800, 0x10000 };
      if(ok && (cp < min[want] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)))
        ok = false;
      if(ok) {
        mc_buf_add(b, s + i, want);
        i += want;
      }
      else {
        mc_buf_add(b, "\xEF\xBF\xBD", 3);
        i++;
      }
    }
  }
}

void mc_json_key(struct mc_json *j, const char *key)
{
  before(j);
  mc_buf_addch(j->out, '"');
  mc_json_escape(j->out, key, strlen(key));
  mc_buf_add(j->out, j->pretty ? "\": " : "\":", j->pretty ? 3 : 2);
  j->after_key = true;
}

void mc_json_strn(struct mc_json *j, const char *s, size_t n)
{
  before(j);
  mc_buf_addch(j->out, '"');
  mc_json_escape(j->out, s, n);
  mc_buf_addch(j->out, '"');
}

void mc_json_str(struct mc_json *j, const char *s)
{
  if(!s)
    mc_json_null(j);
  else
    mc_json_strn(j, s, strlen(s));
}

void mc_json_int(struct mc_json *j, int64_t v)
{
  before(j);
  char d[24], *e = d + sizeof d, *q = e;   /* written from the end */
  uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
  do {
    *--q = (char)('0' + u % 10);
    u /= 10;
  } while(u);
  if(v < 0)
    *--q = '-';
  mc_buf_add(j->out, q, (size_t)(e - q));
}

void mc_json_bool(struct mc_json *j, bool v)
{
  before(j);
  mc_buf_addstr(j->out, v ? "true" : "false");
}

void mc_json_null(struct mc_json *j)
{
  before(j);
  mc_buf_addstr(j->out, "null");
}

void mc_json_raw(struct mc_json *j, const char *json)
{
  before(j);
  mc_buf_addstr(j->out, json);
}

void mc_json_kstr(struct mc_json *j, const char *key, const char *s)
{
  mc_json_key(j, key);
  mc_json_str(j, s);
}

void mc_json_kint(struct mc_json *j, const char *key, int64_t v)
{
  mc_json_key(j, key);
  mc_json_int(j, v);
}

void mc_json_kbool(struct mc_json *j, const char *key, bool v)
{
  mc_json_key(j, key);
  mc_json_bool(j, v);
}
