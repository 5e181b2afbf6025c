/*
 * reg.c - registry values from `reg export` / regedit files and from
 * `reg query` output.
 *
 * Export files ("Windows Registry Editor Version 5.00" or "REGEDIT4"):
 *   [HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Rpc\RpcProxy]
 *   "ValidPorts"="EX01:6001-6002;EX01:6004"      string, \\ and \" escaped
 *   "Enabled"=dword:00000001
 *   "Other"=hex(2):45,00,58,00,...,\             a line ending in \ continues
 *     30,00,00,00
 *   @="default value"          "Name"=-  (a deletion, skipped)
 * hex(2)/hex(1)/hex(7) bytes are UTF-16LE in 5.00 files and 8-bit in REGEDIT4.
 *
 * reg query output:
 *   HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Rpc\RpcProxy
 *       ValidPorts    REG_SZ    EX01:6001-6002;EX01:6004
 * (four spaces before the name and around the type; names may hold spaces).
 * Against another computer (reg query \\EX01\HKLM\...) the key lines start
 * with \\EX01\; the name stays in the key.
 *
 * Limits: MAX_VALUES values (and keys), MAX_DATA bytes of data per value
 * (twice that for an export's strings). A longer value is kept up to the
 * limit and marked cut with its length in the file: over-long, never
 * missing, never a parse error.
 */
#include "config/config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_VALUES 100000
#define MAX_DATA 65536

static const char HDR5[] = "Windows Registry Editor Version 5.00";
static const char HDR4[] = "REGEDIT4";

static bool line_starts(struct mc_config_line l, const char *lit)
{
  size_t m = strlen(lit);
  return l.n >= m && strncasecmp(l.p, lit, m) == 0;
}

/* The first non-blank line, for the header check. */
static struct mc_config_line first_line(const char *t, size_t n)
{
  size_t pos = 0;
  while(pos < n) {
    struct mc_config_line l = mc_config_next_line(t, n, &pos);
    if(l.n)
      return l;
  }
  struct mc_config_line none = { t, 0, 0 };
  return none;
}

/* A reg query key line: HKEY_..., HKLM\..., or \\COMPUTER\HKEY_... */
static bool query_key(struct mc_config_line l)
{
  if(line_starts(l, "HKEY_") || line_starts(l, "HKLM\\"))
    return true;
  if(!line_starts(l, "\\\\"))
    return false;
  const char *sl = memchr(l.p + 2, '\\', l.n - 2);
  if(!sl || sl == l.p + 2)
    return false;
  struct mc_config_line rest = { sl + 1, (size_t)(l.p + l.n - sl - 1), 0 };
  return line_starts(rest, "HKEY_") || line_starts(rest, "HKLM\\");
}

static void add_key(struct mc_reg_doc *doc, const char *p, size_t n)
{
  if(doc->nkeys >= MAX_VALUES)
    return;
  doc->keys = mc_xrealloc(doc->keys, (doc->nkeys + 1) * sizeof *doc->keys);
  doc->keys[doc->nkeys++] = mc_xstrndup(p, n);
}

/* Whether l is a reg query value line; sets the parts. */
static bool query_value(struct mc_config_line l, struct mc_config_line *name,
                        struct mc_config_line *type, struct mc_config_line *data)
{
  if(l.n < 4 || strncmp(l.p, "    ", 4) != 0)
    return false;
  const char *s = l.p + 4;
  size_t rest = l.n - 4;
  const char *t = mc_memcasemem(s, rest, "    REG_");
  if(!t)
    return false;
  name->p = s;
  name->n = (size_t)(t - s);
  const char *ts = t + 4;
  const char *e = ts;
  while(e < l.p + l.n && (isupper((unsigned char)*e) || *e == '_' || isdigit((unsigned char)*e)))
    e++;
  type->p = ts;
  type->n = (size_t)(e - ts);
  while(e < l.p + l.n && *e == ' ')
    e++;
  data->p = e;
  data->n = (size_t)(l.p + l.n - e);
  return true;
}

bool mc_reg_sniff(const char *text, size_t n)
{
  struct mc_config_line f = first_line(text, n);
  if(line_starts(f, HDR5) || line_starts(f, HDR4))
    return true;
  /* reg query: a key line followed by an indented REG_ value line. */
  size_t pos = 0;
  bool key = false;
  while(pos < n) {
    struct mc_config_line l = mc_config_next_line(text, n, &pos);
    struct mc_config_line a, b, c;
    if(query_key(l))
      key = true;
    else if(key && query_value(l, &a, &b, &c))
      return true;
    else if(l.n)
      key = false;
  }
  return false;
}

static struct mc_reg_value *add_value(struct mc_reg_doc *doc, const char *key,
                                      struct mc_config_line name, const char *type,
                                      const char *data, unsigned line)
{
  if(doc->n == doc->cap) {
    doc->cap = doc->cap ? doc->cap * 2 : 16;
    doc->v = mc_xrealloc(doc->v, doc->cap * sizeof *doc->v);
  }
  struct mc_reg_value *v = &doc->v[doc->n++];
  v->key = mc_xstrdup(key);
  v->name = mc_xstrndup(name.p, name.n);
  v->type = mc_xstrdup(type);
  v->data = mc_xstrdup(data);
  v->line = line;
  v->cut = false;
  v->full_len = strlen(data);
  return v;
}

/* Appends what fits under b's limit; true when all of it did. */
static bool add_capped(struct mc_buf *b, const char *p, size_t n)
{
  size_t room = b->limit - b->len;
  mc_buf_add(b, p, n < room ? n : room);
  return n <= room;
}

/* "quoted string" with \\ and \" escapes at p; the unescaped text into out.
 * Returns bytes consumed (through the closing quote) or 0 when unterminated
 * (when the line was cut, the end of the text counts as the quote). */
static size_t unquote_cut(const char *p, size_t n, struct mc_buf *out, bool cut)
{
  if(!n || p[0] != '"')
    return 0;
  for(size_t i = 1; i < n; i++) {
    if(p[i] == '\\' && i + 1 < n) {
      mc_buf_addch(out, p[++i]);
      continue;
    }
    if(p[i] == '"')
      return i + 1;
    mc_buf_addch(out, p[i]);
  }
  return cut ? n : 0;
}

static size_t unquote(const char *p, size_t n, struct mc_buf *out)
{
  return unquote_cut(p, n, out, false);
}

static int hexval(char c)
{
  if(c >= '0' && c <= '9')
    return c - '0';
  c = (char)tolower((unsigned char)c);
  return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* "45,00,58,00" into bytes; false on junk. */
static bool hex_bytes(const char *p, size_t n, struct mc_buf *bytes)
{
  size_t i = 0;
  while(i < n) {
    while(i < n && (p[i] == ',' || p[i] == ' ' || p[i] == '\t'))
      i++;
    if(i >= n)
      break;
    if(i + 1 >= n || hexval(p[i]) < 0 || hexval(p[i + 1]) < 0)
      return false;
    mc_buf_addch(bytes, (char)(hexval(p[i]) << 4 | hexval(p[i + 1])));
    i += 2;
  }
  return true;
}

/* Renders binary data of a string type as text: NULs between strings of a
 * REG_MULTI_SZ become ';', the final NULs go. */
static void bytes_to_text(const struct mc_buf *bytes, bool utf16, struct mc_buf *out)
{
  struct mc_buf tmp = MC_BUF_INIT(MAX_DATA * 2);
  if(utf16)
    mc_config_utf16le((const unsigned char *)bytes->ptr, bytes->len, &tmp);
  else
    mc_buf_add(&tmp, bytes->ptr ? bytes->ptr : "", bytes->len);
  size_t end = tmp.len;
  while(end && tmp.ptr[end - 1] == '\0')
    end--;
  for(size_t i = 0; i < end; i++) {
    unsigned char c = (unsigned char)tmp.ptr[i];
    mc_buf_addch(out, c == 0 ? ';' : (c < 0x20 ? ' ' : (char)c));
  }
  mc_buf_release(&tmp);
}

static const char *hex_type(int t)
{
  switch(t) {
  case 1: return "REG_SZ";
  case 2: return "REG_EXPAND_SZ";
  case 4: return "REG_DWORD";
  case 7: return "REG_MULTI_SZ";
  case 11: return "REG_QWORD";
  default: return "REG_BINARY";
  }
}

/* Parses the data after '=' in an export file (continuations joined). */
static mc_code export_data(const char *d, size_t n, bool utf16, const char **type,
                           struct mc_buf *out)
{
  if(n >= 1 && d[0] == '"') {
    *type = "REG_SZ";
    return unquote(d, n, out) ? MC_OK : MC_ERR_PARSE;
  }
  if(n >= 6 && strncasecmp(d, "dword:", 6) == 0) {
    char *end = NULL;
    char num[16];
    size_t k = n - 6 < sizeof num - 1 ? n - 6 : sizeof num - 1;
    memcpy(num, d + 6, k);
    num[k] = '\0';
    unsigned long v = strtoul(num, &end, 16);
    if(k != 8 || !end || *end)
      return MC_ERR_PARSE;
    *type = "REG_DWORD";
    mc_buf_printf(out, "%lu", v);
    return MC_OK;
  }
  if(n >= 4 && strncasecmp(d, "hex", 3) == 0) {
    int t = 3;
    size_t i = 3;
    if(d[i] == '(') {
      t = 0;
      i++;
      while(i < n && isxdigit((unsigned char)d[i]) && t < 0x10000)
        t = t * 16 + hexval(d[i++]);
      if(i >= n || d[i] != ')')
        return MC_ERR_PARSE;
      i++;
    }
    if(i >= n || d[i] != ':')
      return MC_ERR_PARSE;
    i++;
    *type = hex_type(t);
    struct mc_buf bytes = MC_BUF_INIT(MAX_DATA);
    bool ok = hex_bytes(d + i, n - i, &bytes);
    if(ok && (t == 1 || t == 2 || t == 7))
      bytes_to_text(&bytes, utf16, out);
    else if(ok && t == 4 && bytes.len == 4)
      mc_buf_printf(out, "%lu", (unsigned long)((unsigned char)bytes.ptr[0] |
                                                (unsigned char)bytes.ptr[1] << 8 |
                                                (unsigned char)bytes.ptr[2] << 16 |
                                                (unsigned long)(unsigned char)bytes.ptr[3] << 24));
    else if(ok) {
      for(size_t k = 0; k < bytes.len; k++)
        mc_buf_printf(out, "%s%02x", k ? "," : "", (unsigned char)bytes.ptr[k]);
    }
    mc_buf_release(&bytes);
    return ok ? MC_OK : MC_ERR_PARSE;
  }
  return MC_ERR_PARSE;
}

/* Reads the logical line that starts with l into logical: lines ending in a
 * backslash (hex data) are joined, what does not fit is cut (at a whole hex
 * byte). Moves *pos and *lineno past it; *full is the length uncut. Returns
 * whether it was cut. */
static bool join_lines(const char *text, size_t n, size_t *pos, unsigned *lineno,
                       struct mc_config_line l, struct mc_buf *logical, size_t *full)
{
  mc_buf_reset(logical);
  *full = l.n;
  bool cut = !add_capped(logical, l.p, l.n);
  bool more = l.n && l.p[l.n - 1] == '\\';
  while(more && *pos < n && (l.p[0] != '"' || mc_memcasemem(l.p, l.n, "=hex"))) {
    if(!cut && logical->len)
      logical->len--;
    struct mc_config_line c = mc_config_next_line(text, n, pos);
    (*lineno)++;
    size_t lead = 0;
    while(lead < c.n && c.p[lead] == ' ')
      lead++;
    *full += c.n - lead;
    more = c.n && c.p[c.n - 1] == '\\';
    if(!cut)
      cut = !add_capped(logical, c.p + lead, c.n - lead);
  }
  if(cut) {
    /* Cut data ends anywhere: drop a half hex byte or a trailing comma. */
    while(logical->len && (logical->ptr[logical->len - 1] == ',' ||
                           logical->ptr[logical->len - 1] == '\\'))
      logical->len--;
    if(mc_memcasemem(logical->ptr, logical->len < 64 ? logical->len : 64, "=hex") &&
       logical->len >= 3 && logical->ptr[logical->len - 3] != ',' &&
       logical->ptr[logical->len - 3] != ':')
      logical->len -= 1;
    logical->ptr[logical->len] = '\0';
  }
  return cut;
}

/* One value line ("name"=data, @=data; "name"=- deletes and is skipped) of
 * key, read from the logical line s; line is where it starts. */
static mc_code parse_value(struct mc_reg_doc *doc, const char *key, const struct mc_buf *logical,
                           bool cut, size_t full, bool utf16, struct mc_buf *data,
                           unsigned line, char *err, size_t errlen)
{
  const char *s = logical->ptr;
  size_t sn = logical->len;
  struct mc_buf name = MC_BUF_INIT(4096);
  mc_code rc = MC_ERR_PARSE;
  size_t used = s[0] == '@' ? 1 : unquote(s, sn, &name);
  if(!used) {
    snprintf(err, errlen, "line %u: expected \"name\"=value, [key] or @=value", line);
    goto out;
  }
  if(used >= sn || s[used] != '=') {
    snprintf(err, errlen, "line %u: '=' missing after the value name", line);
    goto out;
  }
  const char *d = s + used + 1;
  size_t dn = sn - used - 1;
  rc = MC_OK;
  if(dn == 1 && d[0] == '-')
    goto out;
  const char *type = NULL;
  mc_buf_reset(data);
  bool data_cut = false;
  if(cut && dn && d[0] == '"') {
    type = "REG_SZ";
    unquote_cut(d, dn, data, true);
    data_cut = true;
  }
  else if(export_data(d, dn, utf16, &type, data) != MC_OK) {
    snprintf(err, errlen, "line %u: cannot read the value data", line);
    rc = MC_ERR_PARSE;
    goto out;
  }
  if(!key) {
    snprintf(err, errlen, "line %u: a value before any [key] line", line);
    rc = MC_ERR_PARSE;
    goto out;
  }
  if(doc->n >= MAX_VALUES) {
    snprintf(err, errlen, "line %u: more than %d values", line, MAX_VALUES);
    rc = MC_ERR_LIMIT;
    goto out;
  }
  struct mc_config_line nm = { name.ptr ? name.ptr : "", name.len };
  struct mc_reg_value *v = add_value(doc, key, nm, type, data->ptr ? data->ptr : "", line);
  v->cut = cut || data_cut || data->len == data->limit;
  v->full_len = v->cut ? full : v->full_len;
out:
  mc_buf_release(&name);
  return rc;
}

static mc_code parse_export(const char *text, size_t n, struct mc_reg_doc *doc, char *err,
                            size_t errlen)
{
  struct mc_config_line hdr = first_line(text, n);
  bool utf16 = line_starts(hdr, HDR5);
  doc->format = utf16 ? "regedit 5.00 export" : "REGEDIT4 export";
  char *key = NULL;
  struct mc_buf logical = MC_BUF_INIT(MAX_DATA * 4);
  struct mc_buf data = MC_BUF_INIT(MAX_DATA * 2);
  size_t pos = 0;
  unsigned lineno = 0;
  mc_code rc = MC_OK;
  bool seen_hdr = false;
  while(pos < n && rc == MC_OK) {
    struct mc_config_line l = mc_config_next_line(text, n, &pos);
    lineno++;
    unsigned first = lineno;
    if(!l.n || l.p[0] == ';')
      continue;
    if(!seen_hdr) {
      seen_hdr = true;
      continue;
    }
    if(l.p[0] == '[') {
      if(l.p[l.n - 1] != ']') {
        snprintf(err, errlen, "line %u: a key line must end with ']'", lineno);
        rc = MC_ERR_PARSE;
        break;
      }
      free(key);
      key = mc_xstrndup(l.p + 1, l.n - 2);
      add_key(doc, l.p + 1, l.n - 2);
      continue;
    }
    size_t full;
    bool cut = join_lines(text, n, &pos, &lineno, l, &logical, &full);
    rc = parse_value(doc, key, &logical, cut, full, utf16, &data, first, err, errlen);
  }
  free(key);
  mc_buf_release(&logical);
  mc_buf_release(&data);
  return rc;
}

static mc_code parse_query(const char *text, size_t n, struct mc_reg_doc *doc, char *err,
                           size_t errlen)
{
  doc->format = "reg query output";
  char *key = NULL;
  size_t pos = 0;
  unsigned lineno = 0;
  while(pos < n) {
    struct mc_config_line l = mc_config_next_line(text, n, &pos);
    lineno++;
    struct mc_config_line name, type, data;
    if(query_key(l)) {
      free(key);
      key = mc_xstrndup(l.p, l.n);
      add_key(doc, l.p, l.n);
      continue;
    }
    if(!key || !query_value(l, &name, &type, &data))
      continue;
    if(doc->n >= MAX_VALUES) {
      free(key);
      snprintf(err, errlen, "line %u: more than %d values", lineno, MAX_VALUES);
      return MC_ERR_LIMIT;
    }
    char *t = mc_xstrndup(type.p, type.n);
    char *dv = mc_xstrndup(data.p, data.n < MAX_DATA ? data.n : MAX_DATA);
    if(strcmp(t, "REG_DWORD") == 0 && strncasecmp(dv, "0x", 2) == 0) {
      char *num = mc_xasprintf("%lu", strtoul(dv + 2, NULL, 16));
      free(dv);
      dv = num;
    }
    if(name.n == 9 && strncmp(name.p, "(Default)", 9) == 0)
      name.n = 0;
    struct mc_reg_value *v = add_value(doc, key, name, t, dv, lineno);
    v->cut = data.n > MAX_DATA;
    v->full_len = data.n;
    free(t);
    free(dv);
  }
  free(key);
  return MC_OK;
}

mc_code mc_reg_parse(const char *text, size_t n, struct mc_reg_doc *doc, char *err,
                     size_t errlen)
{
  memset(doc, 0, sizeof *doc);
  struct mc_config_line f = first_line(text, n);
  if(line_starts(f, HDR5) || line_starts(f, HDR4))
    return parse_export(text, n, doc, err, errlen);
  return parse_query(text, n, doc, err, errlen);
}

void mc_reg_doc_release(struct mc_reg_doc *doc)
{
  for(size_t i = 0; i < doc->n; i++) {
    free(doc->v[i].key);
    free(doc->v[i].name);
    free(doc->v[i].type);
    free(doc->v[i].data);
  }
  free(doc->v);
  for(size_t i = 0; i < doc->nkeys; i++)
    free(doc->keys[i]);
  free(doc->keys);
  memset(doc, 0, sizeof *doc);
}
