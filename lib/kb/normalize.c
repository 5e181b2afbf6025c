/*
 * normalize.c - undoes what pasting does to an error message, so that one
 * signature matches every copy of it.
 *
 * Pass 1 decodes UTF-8 (invalid bytes and control characters become spaces)
 * and folds look-alike characters: curly quotes, backticks and double quotes
 * to ', the dash family to -, no-break and other wide spaces to a space, the
 * arrow sign to "->". Pass 2 works on tokens of that ASCII-folded text:
 * GUIDs, IPv4 addresses and host names become <guid>, <ip>, <host>; runs of
 * "-" before ">" become "->"; white space collapses to one space, except that
 * a line break right after '-' joins ("Set-\nMigrationBatch"); letters are
 * lowercased. The compact form drops every space, for words that a line break
 * cut in two ("cli_Nspi\nBind").
 *
 * Host names: a dotted name whose last label is 2-24 letters, that is not a
 * .NET type (last label capitalized: Microsoft.Exchange.Rpc) or a file name
 * (mrsproxy.svc, web.config), and not a Microsoft service domain (those are
 * evidence: msappproxy.net, login.windows.net).
 */
#include "kb/kb.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* Decodes one UTF-8 sequence at p (n > 0 bytes left); returns its length
 * (1 for an invalid byte, with *cp = 0xFFFD). */
static size_t utf8_decode(const unsigned char *p, size_t n, unsigned *cp)
{
  unsigned c = p[0];
  size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 :
               (c & 0xF8) == 0xF0 ? 4 : 0;
  if(len == 1) {
    *cp = c;
    return 1;
  }
  if(len == 0 || len > n) {
    *cp = 0xFFFD;
    return 1;
  }
  unsigned v = c & (0x7F >> len);
  for(size_t i = 1; i < len; i++) {
    if((p[i] & 0xC0) != 0x80) {
      *cp = 0xFFFD;
      return 1;
    }
    v = (v << 6) | (p[i] & 0x3F);
  }
  *cp = v;
  return len;
}

/* What one code point becomes in pass 1: a replacement string, or NULL to
 * copy the original bytes. */
static const char *fold(unsigned cp)
{
  switch(cp) {
  case '"': case '`': case 0xB4: case 0x2018: case 0x2019: case 0x201A: case 0x201B:
  case 0x201C: case 0x201D: case 0x201E: case 0x2032: case 0x2033: case 0xAB: case 0xBB:
    return "'";
  case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014: case 0x2015:
  case 0x2212:
    return "-";
  case 0x2192: case 0x27F6:
    return "->";
  case 0x2026:
    return "...";
  case 0xFEFF: case 0x200B: case 0x200C: case 0x200D: case 0xAD:
    return "";
  case '\n':
    return "\n";
  case 0xFFFD: case 0xA0: case 0x202F: case 0x3000: case 0x7F:
    return " ";
  }
  if(cp < 0x20 || (cp >= 0x2000 && cp <= 0x200A) || (cp >= 0x80 && cp < 0xA0))
    return " ";
  return NULL;
}

static bool is_hex(char c)
{
  return isxdigit((unsigned char)c) != 0;
}

static bool is_word(char c)
{
  return isalnum((unsigned char)c) || c == '_' || c == '-' || c == '.';
}

/* 8-4-4-4-12 hex digits at p (n bytes left)? */
static size_t guid_at(const char *p, size_t n)
{
  static const int groups[] = { 8, 4, 4, 4, 12 };
  size_t i = 0;
  for(int g = 0; g < 5; g++) {
    for(int k = 0; k < groups[g]; k++, i++) {
      if(i >= n || !is_hex(p[i]))
        return 0;
    }
    if(g < 4) {
      if(i >= n || p[i] != '-')
        return 0;
      i++;
    }
  }
  if(i < n && (isalnum((unsigned char)p[i]) || p[i] == '_'))
    return 0;
  return i;
}

/* a.b.c.d with each part 0-255 at p? */
static size_t ipv4_at(const char *p, size_t n)
{
  size_t i = 0;
  for(int part = 0; part < 4; part++) {
    size_t start = i;
    unsigned v = 0;
    while(i < n && isdigit((unsigned char)p[i]) && i - start < 3)
      v = v * 10 + (unsigned)(p[i++] - '0');
    if(i == start || v > 255)
      return 0;
    if(part < 3) {
      if(i >= n || p[i] != '.')
        return 0;
      i++;
    }
  }
  if(i < n && (isalnum((unsigned char)p[i]) || (p[i] == '.' && i + 1 < n &&
                                                 isdigit((unsigned char)p[i + 1]))))
    return 0;
  return i;
}

static const char *const file_exts[] = {
  "svc", "asmx", "dll", "exe", "config", "aspx", "xml", "log", "txt", "json", "ps1",
  "htm", "html", "axd", "msc", "reg", "csv", "cs", "md", NULL
};

static const char *const ms_domains[] = {
  "msappproxy.net", "windows.net", "microsoft.com", "microsoftonline.com",
  "office365.com", "outlook.com", "office.com", NULL
};

static bool ends_with_domain(const char *p, size_t n, const char *dom)
{
  size_t m = strlen(dom);
  if(n < m || strncasecmp(p + n - m, dom, m) != 0)
    return false;
  return n == m || p[n - m - 1] == '.';
}

/* A host name at p? Returns its length (trailing dot excluded) or 0. */
static size_t host_at(const char *p, size_t n)
{
  size_t i = 0, labels = 0, last = 0;
  while(i < n) {
    size_t start = i;
    while(i < n && (isalnum((unsigned char)p[i]) || p[i] == '-'))
      i++;
    if(i == start)
      break;
    labels++;
    last = start;
    if(i + 1 < n && p[i] == '.' && isalnum((unsigned char)p[i + 1]))
      i++;
    else
      break;
  }
  if(labels < 2 || (i < n && (p[i] == '_' || p[i] == '@')))
    return 0;
  size_t ll = i - last;
  if(ll < 2 || ll > 24 || isupper((unsigned char)p[last]))
    return 0;
  for(size_t k = last; k < i; k++) {
    if(!isalpha((unsigned char)p[k]))
      return 0;
  }
  for(int k = 0; file_exts[k]; k++) {
    if(strlen(file_exts[k]) == ll && strncasecmp(p + last, file_exts[k], ll) == 0)
      return 0;
  }
  for(int k = 0; ms_domains[k]; k++) {
    if(ends_with_domain(p, i, ms_domains[k]))
      return 0;
  }
  return i;
}

static void pass1(const char *in, size_t n, struct mc_buf *out)
{
  const unsigned char *p = (const unsigned char *)in;
  size_t i = 0;
  while(i < n) {
    unsigned cp;
    size_t l = utf8_decode(p + i, n - i, &cp);
    const char *f = fold(cp);
    /* A fold is never longer than the code point it replaces ("..." for
       U+2026): out, sized 4n + 64, cannot fill. */
    if(f)
      mc_buf_must(mc_buf_addstr(out, f));
    else
      mc_buf_must(mc_buf_add(out, p + i, l));
    i += l;
  }
}

/* Appends c to out, collapsing white space (ws_pending) first. */
static void emit(struct mc_buf *out, char c, int *ws_pending)
{
  if(*ws_pending) {
    bool join = *ws_pending == 2 && out->len && out->ptr[out->len - 1] == '-';
    if(!join && out->len)
      mc_buf_must(mc_buf_addch(out, ' '));
    *ws_pending = 0;
  }
  /* At most twice the input ("a.b " -> "<host> "): out holds 4n + 64. */
  mc_buf_must(mc_buf_addch(out, (char)tolower((unsigned char)c)));
}

static void emit_str(struct mc_buf *out, const char *s, int *ws_pending)
{
  for(; *s; s++)
    emit(out, *s, ws_pending);
}

static void pass2(const char *a, size_t n, bool placeholders, struct mc_buf *out)
{
  int ws = 0;        /* 0 none pending, 1 spaces, 2 spaces with a line break */
  size_t i = 0;
  while(i < n) {
    char c = a[i];
    if(c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      if(c == '\n')
        ws = 2;
      else if(!ws)
        ws = 1;
      i++;
      continue;
    }
    bool token_start = placeholders && (i == 0 || !is_word(a[i - 1]));
    size_t l;
    if(token_start && (l = guid_at(a + i, n - i))) {
      emit_str(out, "<guid>", &ws);
      i += l;
      continue;
    }
    if(token_start && (l = ipv4_at(a + i, n - i))) {
      emit_str(out, "<ip>", &ws);
      i += l;
      continue;
    }
    if(token_start && isalnum((unsigned char)c) && (l = host_at(a + i, n - i))) {
      emit_str(out, "<host>", &ws);
      i += l;
      continue;
    }
    if(c == '-') {
      size_t k = i;
      while(k < n && a[k] == '-')
        k++;
      if(k < n && a[k] == '>') {
        emit_str(out, "->", &ws);
        i = k + 1;
        continue;
      }
    }
    emit(out, c, &ws);
    i++;
  }
}

static void normalize(const char *in, size_t n, bool placeholders, struct mc_kb_text *t)
{
  struct mc_buf a = MC_BUF_INIT(n * 4 + 64);
  struct mc_buf b = MC_BUF_INIT(n * 4 + 64);
  pass1(in, n, &a);
  pass2(a.ptr, a.len, placeholders, &b);
  mc_buf_release(&a);
  struct mc_buf c = MC_BUF_INIT(b.len + 1);
  for(size_t i = 0; i < b.len; i++) {
    if(b.ptr[i] != ' ')
      mc_buf_must(mc_buf_addch(&c, b.ptr[i]));   /* c holds all of b */
  }
  t->nspaced = b.len;
  t->spaced = mc_buf_detach(&b);
  t->ncompact = c.len;
  t->compact = mc_buf_detach(&c);
}

void mc_kb_normalize(const char *in, size_t n, struct mc_kb_text *t)
{
  normalize(in, n, true, t);
}

void mc_kb_normalize_phrase(const char *in, size_t n, struct mc_kb_text *t)
{
  normalize(in, n, false, t);
}

void mc_kb_text_release(struct mc_kb_text *t)
{
  free(t->spaced);
  free(t->compact);
  memset(t, 0, sizeof *t);
}
