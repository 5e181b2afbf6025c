/*
 * decode.c - file bytes to UTF-8 text, the way Windows tools write them.
 *
 * PowerShell 5.1's `>` and Out-File write UTF-16LE with a BOM; regedit writes
 * "Windows Registry Editor Version 5.00" files in UTF-16LE with a BOM and
 * REGEDIT4 files in the ANSI code page; Out-File -Encoding utf8 writes UTF-8
 * with a BOM, PowerShell 7 without. Bytes that are not valid UTF-8 in 8-bit
 * text are taken as Windows-1252/Latin-1 (close enough for host names and
 * labels). ANSI escape sequences (colored console output) are dropped.
 *
 * Refused with a message naming the line: empty input, NUL or other control
 * bytes in 8-bit text (binary, or UTF-16 appended to 8-bit text), and 8-bit
 * text appended to UTF-16 (code units whose two bytes are both printable
 * ASCII, many in a row).
 */
#include "config/config.h"

#include <stdio.h>
#include <string.h>

/* Code units in a row whose both bytes are printable ASCII before UTF-16
 * text is called mixed with 8-bit text. */
#define MIXED_RUN 8

static void utf16(const unsigned char *p, size_t n, bool be, struct mc_buf *out)
{
  for(size_t i = 0; i + 1 < n; i += 2) {
    unsigned u = be ? (unsigned)(p[i] << 8 | p[i + 1]) : (unsigned)(p[i + 1] << 8 | p[i]);
    if(u >= 0xD800 && u <= 0xDBFF && i + 3 < n) {
      unsigned lo = be ? (unsigned)(p[i + 2] << 8 | p[i + 3]) :
                         (unsigned)(p[i + 3] << 8 | p[i + 2]);
      if(lo >= 0xDC00 && lo <= 0xDFFF) {
        mc_buf_add_utf8(out, 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00));
        i += 2;
        continue;
      }
    }
    if(u >= 0xD800 && u <= 0xDFFF)
      u = 0xFFFD;
    mc_buf_add_utf8(out, u);
  }
}

struct mc_config_line mc_config_next_line(const char *text, size_t n, size_t *pos)
{
  struct mc_config_line l = { text + *pos, 0, 0 };
  size_t i = *pos;
  while(i < n && text[i] != '\n')
    i++;
  l.n = i - *pos;
  *pos = i < n ? i + 1 : n;
  while(l.n && l.p[l.n - 1] == '\r')
    l.n--;
  l.raw = l.n;
  while(l.n && (l.p[l.n - 1] == ' ' || l.p[l.n - 1] == '\t'))
    l.n--;
  return l;
}

void mc_config_utf16le(const unsigned char *p, size_t n, struct mc_buf *out)
{
  utf16(p, n, false, out);
}

/* Appends 8-bit text: valid UTF-8 as is, other bytes as Latin-1. */
static void eight_bit(const unsigned char *p, size_t n, struct mc_buf *out)
{
  size_t i = 0;
  while(i < n) {
    unsigned c = p[i];
    size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 :
                 (c & 0xF8) == 0xF0 ? 4 : 0;
    bool ok = len > 0 && i + len <= n;
    for(size_t k = 1; ok && k < len; k++)
      ok = (p[i + k] & 0xC0) == 0x80;
    if(ok && len == 2 && c < 0xC2)
      ok = false;
    if(ok) {
      mc_buf_add(out, p + i, len);
      i += len;
    }
    else {
      mc_buf_add_utf8(out, c);
      i++;
    }
  }
}

static unsigned line_at(const unsigned char *p, size_t upto, size_t step)
{
  unsigned line = 1;
  for(size_t i = 0; i < upto; i += step)
    line += p[i] == '\n';
  return line;
}

/* Looks for ASCII appended to UTF-16 text; returns the byte offset or n. */
static size_t mixed_in_utf16(const unsigned char *p, size_t n)
{
  size_t run = 0;
  for(size_t i = 0; i + 1 < n; i += 2) {
    bool both = p[i] >= 0x20 && p[i] < 0x7F && p[i + 1] >= 0x20 && p[i + 1] < 0x7F;
    run = both ? run + 1 : 0;
    if(run >= MIXED_RUN)
      return i - 2 * (MIXED_RUN - 1);
  }
  return n;
}

/* Removes ESC [ ... final-byte sequences in place; refuses other controls. */
static mc_code check_text(struct mc_buf *t, char *err, size_t errlen)
{
  size_t w = 0;
  unsigned line = 1;
  for(size_t i = 0; i < t->len; i++) {
    unsigned char c = (unsigned char)t->ptr[i];
    if(c == 0x1B && i + 1 < t->len && t->ptr[i + 1] == '[') {
      i += 2;
      while(i < t->len && !((unsigned char)t->ptr[i] >= 0x40 && (unsigned char)t->ptr[i] <= 0x7E))
        i++;
      continue;
    }
    if(c == '\n')
      line++;
    if(c == 0) {
      snprintf(err, errlen, "line %u: NUL bytes in 8-bit text: the file is binary, or mixes "
               "encodings (UTF-16 output appended to UTF-8 or ANSI text); write it again "
               "in one go with Out-File -Encoding utf8", line);
      return MC_ERR_PARSE;
    }
    if(c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f') {
      snprintf(err, errlen, "line %u: control byte 0x%02x: this is binary data, not text "
               "from PowerShell or regedit", line, c);
      return MC_ERR_PARSE;
    }
    t->ptr[w++] = (char)c;
  }
  t->len = w;
  if(t->ptr)
    t->ptr[w] = '\0';
  return MC_OK;
}

mc_code mc_config_decode(const void *data, size_t n, struct mc_buf *out,
                         const char **encoding, char *err, size_t errlen)
{
  const unsigned char *p = data;
  *encoding = "UTF-8";
  if(n == 0) {
    snprintf(err, errlen, "the file is empty");
    return MC_ERR_PARSE;
  }
  bool le = n >= 2 && p[0] == 0xFF && p[1] == 0xFE;
  bool be = n >= 2 && p[0] == 0xFE && p[1] == 0xFF;
  bool nobom_le = false;
  if(!le && !be && n >= 4 && !(n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)) {
    /* UTF-16LE without BOM: ASCII text has a zero in every odd byte. */
    size_t zodd = 0, zeven = 0, pairs = n / 2 < 512 ? n / 2 : 512;
    for(size_t i = 0; i < pairs; i++) {
      zeven += p[2 * i] == 0;
      zodd += p[2 * i + 1] == 0;
    }
    nobom_le = zodd * 10 >= pairs * 9 && zeven * 10 <= pairs;
  }
  if(le || be || nobom_le) {
    size_t skip = nobom_le ? 0 : 2;
    *encoding = le ? "UTF-16LE with BOM" : be ? "UTF-16BE with BOM" : "UTF-16LE";
    if(!be) {
      size_t off = skip + mixed_in_utf16(p + skip, n - skip);
      if(off < n) {
        snprintf(err, errlen, "line %u: 8-bit text inside a UTF-16 file: the file mixes "
                 "encodings (output appended with another encoding); write it again in one "
                 "go with Out-File -Encoding utf8", line_at(p + skip, off - skip, 2));
        return MC_ERR_PARSE;
      }
    }
    utf16(p + skip, n - skip, be, out);
  }
  else {
    size_t skip = 0;
    if(n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) {
      skip = 3;
      *encoding = "UTF-8 with BOM";
    }
    eight_bit(p + skip, n - skip, out);
  }
  if(out->len == 0) {
    snprintf(err, errlen, "the file holds no text");
    return MC_ERR_PARSE;
  }
  return check_text(out, err, errlen);
}
