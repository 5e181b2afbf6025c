/*
 * util.c - allocation, bounded buffers, slices, number parsing and clocks.
 * See util.h. Nothing in here does I/O except the out-of-memory message.
 */
#include "util/util.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

const char *mc_code_str(mc_code c)
{
  switch(c) {
  case MC_OK: return "ok";
  case MC_ERR_NOMEM: return "out of memory";
  case MC_ERR_LIMIT: return "size limit exceeded";
  case MC_ERR_USAGE: return "invalid request";
  case MC_ERR_IO: return "input/output error";
  case MC_ERR_PARSE: return "unexpected format";
  case MC_ERR_TIMEOUT: return "deadline passed";
  case MC_ERR_INTERNAL: return "internal error";
  }
  return "unknown error";
}

static void oom(void)
{
  fputs("migcheck: out of memory\n", stderr);
  exit(3);
}

void *mc_xmalloc(size_t n)
{
  void *p = malloc(n ? n : 1);
  if(!p)
    oom();
  return p;
}

void *mc_xcalloc(size_t n, size_t size)
{
  void *p = calloc(n ? n : 1, size ? size : 1);
  if(!p)
    oom();
  return p;
}

void *mc_xrealloc(void *p, size_t n)
{
  void *q = realloc(p, n ? n : 1);
  if(!q)
    oom();
  return q;
}

char *mc_xstrdup(const char *s)
{
  return mc_xstrndup(s, strlen(s));
}

char *mc_xstrndup(const char *s, size_t n)
{
  char *p = mc_xmalloc(n + 1);
  memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

char *mc_xvasprintf(const char *fmt, va_list ap)
{
  va_list cp;
  va_copy(cp, ap);
  int n = vsnprintf(NULL, 0, fmt, cp);
  va_end(cp);
  if(n < 0)
    oom();
  char *p = mc_xmalloc((size_t)n + 1);
  vsnprintf(p, (size_t)n + 1, fmt, ap);
  return p;
}

char *mc_xasprintf(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  char *p = mc_xvasprintf(fmt, ap);
  va_end(ap);
  return p;
}

void mc_buf_init(struct mc_buf *b, size_t limit)
{
  b->ptr = NULL;
  b->len = 0;
  b->cap = 0;
  b->limit = limit;
  b->cut = false;
}

void mc_buf_release(struct mc_buf *b)
{
  free(b->ptr);
  mc_buf_init(b, b->limit);
}

void mc_buf_reset(struct mc_buf *b)
{
  b->len = 0;
  b->cut = false;
  if(b->ptr)
    b->ptr[0] = '\0';
}

static void buf_grow(struct mc_buf *b, size_t need)
{
  if(need <= b->cap)
    return;
  size_t cap = b->cap ? b->cap : 64;
  while(cap < need)
    cap = cap > SIZE_MAX / 2 ? need : cap * 2;
  b->ptr = mc_xrealloc(b->ptr, cap);
  b->cap = cap;
}

/* The first append that does not fit: "..." after the text when the limit
 * leaves room, else in place of its last bytes (stepping back over a UTF-8
 * sequence rather than splitting it). */
static void buf_cut(struct mc_buf *b)
{
  b->cut = true;
  size_t mark = b->limit < 3 ? b->limit : 3;
  size_t at = b->len <= b->limit - mark ? b->len : b->limit - mark;
  while(at > 0 && at < b->len && ((unsigned char)b->ptr[at] & 0xc0) == 0x80)
    at--;
  buf_grow(b, at + mark + 1);
  memcpy(b->ptr + at, "...", mark);
  b->len = at + mark;
  b->ptr[b->len] = '\0';
}

static mc_code buf_reserve(struct mc_buf *b, size_t extra)
{
  if(b->cut)
    return MC_ERR_LIMIT;
  if(extra > b->limit || b->len > b->limit - extra) {
    buf_cut(b);
    return MC_ERR_LIMIT;
  }
  buf_grow(b, b->len + extra + 1);
  return MC_OK;
}

mc_code mc_buf_add(struct mc_buf *b, const void *p, size_t n)
{
  /* The usual append: room already there, under the limit. */
  if(!b->cut && n && n < b->cap - b->len && n <= b->limit - b->len) {
    memcpy(b->ptr + b->len, p, n);
    b->len += n;
    b->ptr[b->len] = '\0';
    return MC_OK;
  }
  mc_code rc = buf_reserve(b, n);
  if(rc)
    return rc;
  if(n)
    memcpy(b->ptr + b->len, p, n);
  b->len += n;
  b->ptr[b->len] = '\0';
  return MC_OK;
}

mc_code mc_buf_addstr(struct mc_buf *b, const char *s)
{
  return mc_buf_add(b, s, strlen(s));
}

mc_code mc_buf_addch(struct mc_buf *b, char c)
{
  return mc_buf_add(b, &c, 1);
}

mc_code mc_buf_vprintf(struct mc_buf *b, const char *fmt, va_list ap)
{
  va_list cp;
  va_copy(cp, ap);
  int n = vsnprintf(NULL, 0, fmt, cp);
  va_end(cp);
  if(n < 0)
    return MC_ERR_INTERNAL;
  mc_code rc = buf_reserve(b, (size_t)n);
  if(rc)
    return rc;
  vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
  b->len += (size_t)n;
  return MC_OK;
}

mc_code mc_buf_printf(struct mc_buf *b, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  mc_code rc = mc_buf_vprintf(b, fmt, ap);
  va_end(ap);
  return rc;
}

void mc_buf_must(mc_code rc)
{
  if(rc == MC_OK)
    return;
  fprintf(stderr, "migcheck: internal error: a buffer sized for its text was full (%s)\n",
          mc_code_str(rc));
  abort();
}

char *mc_buf_detach(struct mc_buf *b)
{
  char *p = b->ptr ? b->ptr : mc_xstrdup("");
  mc_buf_init(b, b->limit);
  return p;
}

bool mc_slice_eq(struct mc_slice s, const char *lit)
{
  size_t n = strlen(lit);
  return s.n == n && memcmp(s.p, lit, n) == 0;
}

bool mc_slice_caseeq(struct mc_slice s, const char *lit)
{
  size_t n = strlen(lit);
  return s.n == n && strncasecmp(s.p, lit, n) == 0;
}

bool mc_starts_with(const char *s, const char *prefix)
{
  return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool mc_case_starts_with(const char *s, const char *prefix)
{
  return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

const char *mc_memcasemem(const char *hay, size_t n, const char *needle)
{
  size_t m = strlen(needle);
  if(m == 0)
    return hay;
  if(m > n)
    return NULL;
  for(size_t i = 0; i + m <= n; i++) {
    if(strncasecmp(hay + i, needle, m) == 0)
      return hay + i;
  }
  return NULL;
}

size_t mc_strlcpy(char *dst, const char *src, size_t dstlen)
{
  size_t n = strlen(src);
  if(dstlen) {
    size_t c = n < dstlen - 1 ? n : dstlen - 1;
    memcpy(dst, src, c);
    dst[c] = '\0';
  }
  return n;
}

bool mc_parse_long(const char *s, long min, long max, long *out)
{
  if(!s || !*s)
    return false;
  char *end = NULL;
  errno = 0;
  long v = strtol(s, &end, 10);
  if(errno || *end || end == s || v < min || v > max)
    return false;
  *out = v;
  return true;
}

/* Length of the valid UTF-8 sequence at p (1..4), or 0 when invalid. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
  if(p[0] < 0x80)
    return 1;
  size_t want;
  unsigned min;
  if((p[0] & 0xE0) == 0xC0) { want = 2; min = 0x80; }
  else if((p[0] & 0xF0) == 0xE0) { want = 3; min = 0x800; }
  else if((p[0] & 0xF8) == 0xF0) { want = 4; min = 0x10000; }
  else
    return 0;
  if(n < want)
    return 0;
  unsigned cp = p[0] & (0x7F >> want);
  for(size_t i = 1; i < want; i++) {
    if((p[i] & 0xC0) != 0x80)
      return 0;
    cp = (cp << 6) | (p[i] & 0x3F);
  }
  if(cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
    return 0;
  return want;
}

char *mc_printable(const void *data, size_t n, size_t max)
{
  const unsigned char *p = data;
  struct mc_buf b = MC_BUF_INIT(max + 8);
  size_t i = 0;
  while(i < n) {
    size_t l = utf8_len(p + i, n - i);
    char esc[8];
    const char *out;
    size_t outn;
    if(l == 1 && (p[i] < 0x20 || p[i] == 0x7F)) {
      snprintf(esc, sizeof esc, "\\x%02x", p[i]);
      out = esc;
      outn = 4;
    }
    else if(l == 0) {
      snprintf(esc, sizeof esc, "\\x%02x", p[i]);
      out = esc;
      outn = 4;
      l = 1;
    }
    else {
      out = (const char *)p + i;
      outn = l;
    }
    if(b.len + outn > max) {
      mc_buf_must(mc_buf_addstr(&b, "..."));   /* the limit is max + 8 */
      break;
    }
    mc_buf_must(mc_buf_add(&b, out, outn));
    i += l;
  }
  return mc_buf_detach(&b);
}

int64_t mc_now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void mc_wall_iso8601(char *out, size_t outlen)
{
  time_t t = time(NULL);
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(out, outlen, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

size_t mc_utf8_encode(uint32_t cp, char out[4])
{
  if(cp < 0x80) {
    out[0] = (char)cp;
    return 1;
  }
  if(cp < 0x800) {
    out[0] = (char)(0xC0 | (cp >> 6));
    out[1] = (char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if(cp < 0x10000) {
    out[0] = (char)(0xE0 | (cp >> 12));
    out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
  }
  out[0] = (char)(0xF0 | (cp >> 18));
  out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
  out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
  out[3] = (char)(0x80 | (cp & 0x3F));
  return 4;
}

mc_code mc_buf_add_utf8(struct mc_buf *b, unsigned cp)
{
  char u[4];
  return mc_buf_add(b, u, mc_utf8_encode(cp, u));
}
