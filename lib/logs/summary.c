/*
 * summary.c - `migcheck logs --summary FILE` and `--merge`: the scan's
 * counters as a compact, versioned text file, read back and merged so that
 * summaries made where the logs lie are judged centrally exactly as one run
 * over all their logs would be.
 *
 * Format (version 1), one record a line, fields separated by one space,
 * numbers in decimal, keys in hex, strings as "=" and the text with every
 * byte outside '!'..'~' and '%' written %XX ("-" when absent):
 *
 *   migcheck-logs-summary 1
 *   window HAS_SINCE SINCE HAS_UNTIL UNTIL
 *   run ID|-
 *   scan BYTES LINES OUT_OF_WINDOW HITS_TOTAL AGG_DROPPED CLIENTS_DROPPED THREADS MS
 *   file FMT FLAGS(gnusa) BYTES LINES DATA_LINES MALFORMED FIRST LAST FROM PATH SERVER PROBLEM
 *   key HEX COUNT FIRST LAST EX_FILE EX_LINE TEXT
 *   client HEX COUNT
 *   hit FILE LINE FMT EP TS STATUS SUB WIN32 SERVER METHOD PATH CLIENT REASON TEXT
 *   end
 *
 * File indices (in key and hit records) refer to the file records in
 * order; merging appends files and shifts the indices, so the earliest
 * example of a key is the same one a single run would keep. The reader
 * takes a line at a time and hands it to the function of its record kind
 * (the records table: which kind may come at which stage). Not for judging
 * (verdicts.c) or reading logs (scan.c).
 */
#include "logs/logs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "logs/classify.h"
#include "logs/summary.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include "util/input.h"

#define MAGIC "migcheck-logs-summary"
#define VERSION 1
#define MAX_KEY 1024              /* bytes of a key */
#define MAX_STR 16384             /* bytes of a string */
#define MAX_SUMMARY (1ull << 32)  /* bytes of a summary file */

/* ---- writing ---- */

static void put_str(FILE *f, const char *s)
{
  if(!s) {
    fputs(" -", f);
    return;
  }
  fputs(" =", f);
  for(const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if(*p > ' ' && *p < 0x7f && *p != '%')
      fputc(*p, f);
    else
      fprintf(f, "%%%02X", *p);
  }
}

/* The n bytes at p in hex, at out; returns the end. */
static char *hex_at(char *out, const char *p, size_t n)
{
  static const char hex[] = "0123456789abcdef";
  for(size_t i = 0; i < n; i++) {
    *out++ = hex[(unsigned char)p[i] >> 4];
    *out++ = hex[(unsigned char)p[i] & 15];
  }
  return out;
}

static void put_hex(FILE *f, const char *p, size_t n)
{
  char buf[2 * 128];
  fputc(' ', f);
  for(size_t at = 0; at < n; at += 128) {
    size_t k = n - at < 128 ? n - at : 128;
    fwrite(buf, 1, (size_t)(hex_at(buf, p + at, k) - buf), f);
  }
}

/* A client record: one line built in a buffer, one write (a summary holds
 * as many as the logs had distinct endpoint x client pairs: a million and
 * more, where fputc() a byte cost about a second). */
static void put_client(FILE *f, const char *key, size_t n, uint64_t count)
{
  char line[8 + 1 + 2 * MC_CSET_KEY_MAX + 24];
  memcpy(line, "client ", 7);
  char *e = hex_at(line + 7, key, n);
  *e++ = ' ';
  char digits[24];
  size_t k = 0;
  do {
    digits[k++] = (char)('0' + count % 10);
    count /= 10;
  } while(count);
  while(k)
    *e++ = digits[--k];
  *e++ = '\n';
  fwrite(line, 1, (size_t)(e - line), f);
}

static const char *const froms[] = { "--server", "path", "s-computername", "file name" };

mc_code mc_logs_summary_write(const struct mc_logs_scan *s, const struct mc_logs_opts *o,
                              const char *path, char *err, size_t errlen)
{
  mc_code rc = MC_OK;
  FILE *f = fopen(path, "wb");
  if(!f) {
    snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
    return MC_ERR_IO;
  }
  fprintf(f, "%s %d\n", MAGIC, VERSION);
  fprintf(f, "window %d %lld %d %lld\n", o->has_since, (long long)(o->has_since ? o->since : 0),
          o->has_until, (long long)(o->has_until ? o->until : 0));
  fprintf(f, "run %s\n", o->run_id ? o->run_id : "-");
  fprintf(f, "scan %llu %llu %llu %llu %llu %llu %d %lld\n", (unsigned long long)s->bytes,
          (unsigned long long)s->lines, (unsigned long long)s->out_of_window,
          (unsigned long long)s->hits_total, (unsigned long long)s->agg.dropped,
          (unsigned long long)mc_logs_clients_dropped(s), s->threads,
          (long long)s->elapsed_ms);
  for(size_t i = 0; i < s->nfiles; i++) {
    const struct mc_logs_file *x = &s->files[i];
    int from = -1;
    for(int k = 0; k < 4; k++) {
      if(x->server_from && strcmp(x->server_from, froms[k]) == 0)
        from = k;
    }
    fprintf(f, "file %d %c%c%c%c%c %llu %llu %llu %llu %lld %lld %d", (int)x->fmt,
            x->gz ? 'g' : '-', x->named ? 'n' : '-', x->unreadable ? 'u' : '-',
            x->skipped ? 's' : '-', x->assumed_layout ? 'a' : '-',
            (unsigned long long)x->bytes, (unsigned long long)x->lines,
            (unsigned long long)x->data_lines, (unsigned long long)x->malformed,
            (long long)x->first, (long long)x->last, from);
    put_str(f, x->path);
    put_str(f, x->server);
    put_str(f, x->problem);
    fputc('\n', f);
  }
  size_t nents;
  struct mc_agg_ent **ents = mc_agg_sorted(&s->agg, false, &nents);
  for(size_t i = 0; i < nents; i++) {
    const struct mc_agg_ent *e = ents[i];
    fputs("key", f);
    put_hex(f, e->key, e->klen);
    fprintf(f, " %llu %lld %lld", (unsigned long long)e->count, (long long)e->first,
            (long long)e->last);
    if(e->ex_text)
      fprintf(f, " %u %llu", e->ex_file, (unsigned long long)e->ex_line);
    else
      fputs(" - -", f);
    put_str(f, e->ex_text);
    fputc('\n', f);
  }
  free(ents);
  for(unsigned p = 0; p < s->nclient_parts; p++) {
    MC_CSET_EACH(&s->clients[p], sl) {
      if(!mc_cset_count(sl))
        continue;
      size_t n;
      char kbuf[MC_CSET_KEY_MAX];
      const char *key = mc_cset_key(&s->clients[p], sl, kbuf, &n);
      put_client(f, key, n, mc_cset_count(sl));
    }
  }
  for(size_t i = 0; i < s->nhits; i++) {
    const struct mc_logs_hit *h = &s->hits[i];
    fprintf(f, "hit %u %llu %d %d %lld %d %d %lld", h->file, (unsigned long long)h->line,
            (int)h->fmt, h->ep, (long long)h->ts, h->status, h->sub, (long long)h->win32);
    put_str(f, h->server);
    put_str(f, h->method);
    put_str(f, h->path);
    put_str(f, h->client);
    put_str(f, h->reason);
    put_str(f, h->text);
    fputc('\n', f);
  }
  fputs("end\n", f);
  if(ferror(f))
    rc = MC_ERR_IO;
  if(fclose(f) != 0)
    rc = MC_ERR_IO;
  if(rc)
    snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
  return rc;
}

/* ---- reading ---- */

struct rd {
  const char *p, *end;          /* the current line's rest */
  bool bad;
};

static struct mc_slice tok(struct rd *r)
{
  if(r->p >= r->end) {
    r->bad = true;
    return (struct mc_slice){ "", 0 };
  }
  const char *sp = memchr(r->p, ' ', (size_t)(r->end - r->p));
  const char *e = sp ? sp : r->end;
  struct mc_slice s = { r->p, (size_t)(e - r->p) };
  r->p = sp ? sp + 1 : r->end;
  if(!s.n)
    r->bad = true;
  return s;
}

static int64_t num(struct rd *r, int64_t min, int64_t max)
{
  struct mc_slice s = tok(r);
  bool neg = s.n && s.p[0] == '-';
  size_t i = neg;
  if(i >= s.n || s.n - i > 19) {
    r->bad = true;
    return 0;
  }
  uint64_t v = 0;
  for(; i < s.n; i++) {
    unsigned d = (unsigned)(unsigned char)s.p[i] - '0';
    if(d > 9) {
      r->bad = true;
      return 0;
    }
    v = v * 10 + d;
  }
  if(v > (uint64_t)INT64_MAX) {
    r->bad = true;
    return 0;
  }
  int64_t x = neg ? -(int64_t)v : (int64_t)v;
  if(x < min || x > max) {
    r->bad = true;
    return 0;
  }
  return x;
}

/* An unsigned count: the full 64 bits. */
static uint64_t unum(struct rd *r)
{
  struct mc_slice s = tok(r);
  if(!s.n || s.n > 20) {
    r->bad = true;
    return 0;
  }
  uint64_t v = 0;
  for(size_t i = 0; i < s.n; i++) {
    unsigned d = (unsigned)(unsigned char)s.p[i] - '0';
    if(d > 9 || v > (UINT64_MAX - d) / 10) {
      r->bad = true;
      return 0;
    }
    v = v * 10 + d;
  }
  return v;
}

/* Each hex digit's value + 0x20, 0 for any other byte: the keys of a
 * million client records are decoded without a branch per digit (hex()
 * checks them all at once by the 0x20 bit). */
static const uint8_t hex_of[256] = {
  ['0'] = 0 + 0x20, ['1'] = 1 + 0x20, ['2'] = 2 + 0x20, ['3'] = 3 + 0x20, ['4'] = 4 + 0x20,
  ['5'] = 5 + 0x20, ['6'] = 6 + 0x20, ['7'] = 7 + 0x20, ['8'] = 8 + 0x20, ['9'] = 9 + 0x20,
  ['a'] = 10 + 0x20, ['b'] = 11 + 0x20, ['c'] = 12 + 0x20, ['d'] = 13 + 0x20,
  ['e'] = 14 + 0x20, ['f'] = 15 + 0x20, ['A'] = 10 + 0x20, ['B'] = 11 + 0x20,
  ['C'] = 12 + 0x20, ['D'] = 13 + 0x20, ['E'] = 14 + 0x20, ['F'] = 15 + 0x20,
};

/* A hex digit's value, or a negative number for any other byte. */
static int hexval(char c)
{
  return (int)hex_of[(unsigned char)c] - 0x20;
}

/* A string field: NULL for "-", else the decoded text (owned). */
static char *str(struct rd *r)
{
  struct mc_slice s = tok(r);
  if(r->bad || (s.n == 1 && s.p[0] == '-'))
    return NULL;
  if(s.p[0] != '=' || s.n > 3 * MAX_STR) {
    r->bad = true;
    return NULL;
  }
  char *out = mc_xmalloc(s.n);
  size_t k = 0;
  for(size_t i = 1; i < s.n; i++) {
    if(s.p[i] != '%') {
      out[k++] = s.p[i];
      continue;
    }
    int a = i + 2 < s.n ? hexval(s.p[i + 1]) : -1, b = a >= 0 ? hexval(s.p[i + 2]) : -1;
    if(a < 0 || b < 0 || (a == 0 && b == 0)) {
      r->bad = true;
      free(out);
      return NULL;
    }
    out[k++] = (char)(a * 16 + b);
    i += 2;
  }
  out[k] = '\0';
  return out;
}

static size_t hex(struct rd *r, char *out, size_t max)
{
  struct mc_slice s = tok(r);
  if(s.n % 2 || s.n / 2 > max) {
    r->bad = true;
    return 0;
  }
  unsigned any = 0x20;             /* stays 0x20 while every byte is a digit */
  for(size_t i = 0; i < s.n / 2; i++) {
    unsigned a = hex_of[(unsigned char)s.p[2 * i]], b = hex_of[(unsigned char)s.p[2 * i + 1]];
    any &= a & b;
    out[i] = (char)((a & 0xf) << 4 | (b & 0xf));
  }
  if(!any) {
    r->bad = true;
    return 0;
  }
  return s.n / 2;
}

static bool done(struct rd *r)
{
  return !r->bad && r->p >= r->end;
}

static void hit_free(struct mc_logs_hit *h)
{
  free(h->server); free(h->method); free(h->path); free(h->client); free(h->reason);
  free(h->text);
}

/* The parse: where it is in the file and what it fills. */
struct parse {
  struct mc_logs_scan *out;
  struct mc_logs_summary_meta *meta;
  size_t files_cap;
  char key[MAX_KEY];
  char *err;                    /* for a message other than "not a record" */
  size_t errlen;
};

/* What a record did: read, not a record of the format, or failed with its
 * own message in err. */
enum rec { REC_OK, REC_BAD, REC_FAIL };

static enum rec magic_rec(struct parse *ps, struct rd *r)
{
  if(num(r, 0, 1000) != VERSION || !done(r)) {
    snprintf(ps->err, ps->errlen, "line 1: not version %d of the summary format", VERSION);
    return REC_FAIL;
  }
  return REC_OK;
}

static enum rec window_rec(struct parse *ps, struct rd *r)
{
  struct mc_logs_summary_meta *meta = ps->meta;
  meta->has_since = num(r, 0, 1);
  meta->since = num(r, INT64_MIN / 2, INT64_MAX / 2);
  meta->has_until = num(r, 0, 1);
  meta->until = num(r, INT64_MIN / 2, INT64_MAX / 2);
  return done(r) ? REC_OK : REC_BAD;
}

static enum rec run_rec(struct parse *ps, struct rd *r)
{
  struct mc_slice id = tok(r);
  if(!done(r) || id.n >= sizeof ps->meta->run_id)
    return REC_BAD;
  if(!(id.n == 1 && id.p[0] == '-'))
    memcpy(ps->meta->run_id, id.p, id.n);
  return REC_OK;
}

static enum rec scan_rec(struct parse *ps, struct rd *r)
{
  struct mc_logs_scan *out = ps->out;
  out->bytes = unum(r);
  out->lines = unum(r);
  out->out_of_window = unum(r);
  out->hits_total = unum(r);
  out->agg.dropped = unum(r);
  out->clients[0].dropped = unum(r);
  out->threads = (int)num(r, 0, 1024);
  out->elapsed_ms = num(r, 0, INT64_MAX / 2);
  return done(r) ? REC_OK : REC_BAD;
}

/* The flags field of a file record: five letters or '-'. */
static void file_flags(struct rd *r, struct mc_logs_file *x)
{
  struct mc_slice fl = tok(r);
  if(fl.n != 5) {
    r->bad = true;
    return;
  }
  x->gz = fl.p[0] == 'g';
  x->named = fl.p[1] == 'n';
  x->unreadable = fl.p[2] == 'u';
  x->skipped = fl.p[3] == 's';
  x->assumed_layout = fl.p[4] == 'a';
}

static enum rec file_rec(struct parse *ps, struct rd *r)
{
  struct mc_logs_scan *out = ps->out;
  if(out->nfiles >= 1000000)
    return REC_BAD;
  if(out->nfiles == ps->files_cap) {
    ps->files_cap = ps->files_cap ? ps->files_cap * 2 : 64;
    out->files = mc_xrealloc(out->files, ps->files_cap * sizeof *out->files);
  }
  struct mc_logs_file *x = &out->files[out->nfiles++];
  memset(x, 0, sizeof *x);
  x->fmt = (enum mc_log_format)num(r, 0, MC_LOGFMT_HTTPPROXY);
  file_flags(r, x);
  x->bytes = unum(r);
  x->lines = unum(r);
  x->data_lines = unum(r);
  x->malformed = unum(r);
  x->first = num(r, INT64_MIN / 2, INT64_MAX / 2);
  x->last = num(r, INT64_MIN / 2, INT64_MAX / 2);
  int from = (int)num(r, -1, 3);
  x->server_from = from >= 0 ? froms[from] : "file name";
  x->path = str(r);
  x->server = str(r);
  x->problem = str(r);
  return !done(r) || !x->path || !x->server ? REC_BAD : REC_OK;
}

/* A key record's example: its file and line when it has a text, "- -"
 * when not. */
static bool key_example(struct parse *ps, struct mc_slice ef, struct mc_slice el,
                        const char *ex, uint64_t *exf, uint64_t *exl)
{
  if(!ex)
    return mc_slice_eq(ef, "-") && mc_slice_eq(el, "-");
  struct rd efr = { ef.p, ef.p + ef.n, false }, elr = { el.p, el.p + el.n, false };
  *exf = (uint64_t)num(&efr, 0, UINT32_MAX);
  *exl = unum(&elr);
  return !efr.bad && !elr.bad && *exf < ps->out->nfiles;
}

static enum rec key_rec(struct parse *ps, struct rd *r)
{
  struct mc_logs_scan *out = ps->out;
  size_t kn = hex(r, ps->key, sizeof ps->key);
  uint64_t count = unum(r);
  int64_t first = num(r, INT64_MIN / 2, INT64_MAX / 2);
  int64_t last = num(r, INT64_MIN / 2, INT64_MAX / 2);
  struct mc_slice ef = tok(r), el = tok(r);
  char *ex = str(r);
  uint64_t exf = 0, exl = 0;
  if(!done(r) || !mc_key_valid(ps->key, kn) || !key_example(ps, ef, el, ex, &exf, &exl)) {
    free(ex);
    return REC_BAD;
  }
  bool fresh;
  struct mc_agg_ent *e = mc_agg_get(&out->agg, ps->key, kn, mc_agg_hash(ps->key, kn), &fresh);
  if(!e || !fresh) {
    free(ex);
    if(!e) {
      out->agg.dropped += count;
      return REC_OK;
    }
    return REC_BAD;              /* a key twice */
  }
  e->count = count;
  e->first = first;
  e->last = last;
  if(ex) {
    e->ex_text = ex;
    e->ex_file = (uint32_t)exf;
    e->ex_line = exl;
  }
  return REC_OK;
}

static enum rec client_rec(struct parse *ps, struct rd *r)
{
  size_t kn = hex(r, ps->key, 255);
  uint64_t count = unum(r);
  struct mc_key_client h;
  struct mc_slice a;
  if(!done(r) || !mc_key_client_get(ps->key, kn, &h, &a) || h.ep >= MC_EP_COUNT ||
     count > MC_CSET_COUNT_MASK)
    return REC_BAD;
  mc_cset_add(&ps->out->clients[0], ps->key, kn, mc_agg_hash(ps->key, kn), count);
  return REC_OK;
}

static enum rec hit_rec(struct parse *ps, struct rd *r)
{
  struct mc_logs_scan *out = ps->out;
  struct mc_logs_hit h;
  memset(&h, 0, sizeof h);
  h.file = (uint32_t)num(r, 0, UINT32_MAX);
  h.line = unum(r);
  h.fmt = (enum mc_log_format)num(r, 0, MC_LOGFMT_HTTPPROXY);
  h.ep = (int)num(r, -1, 4);
  h.ts = num(r, INT64_MIN / 2, INT64_MAX / 2);
  h.status = (int)num(r, -1, 999);
  h.sub = (int)num(r, -1, 99999);
  h.win32 = num(r, -1, 4294967295LL);
  h.server = str(r);
  h.method = str(r);
  h.path = str(r);
  h.client = str(r);
  h.reason = str(r);
  h.text = str(r);
  if(!done(r) || h.file >= out->nfiles || !h.server || !h.method || !h.path ||
     !h.client || !h.reason || !h.text || out->nhits >= MC_LOGS_MAX_HITS) {
    hit_free(&h);
    return REC_BAD;
  }
  out->hits = mc_xrealloc(out->hits, (out->nhits + 1) * sizeof *out->hits);
  out->hits[out->nhits++] = h;
  return REC_OK;
}

static enum rec end_rec(struct parse *ps, struct rd *r)
{
  (void)ps;
  return done(r) ? REC_OK : REC_BAD;
}

/* Stages: 0 magic, 1 window, 2 run, 3 scan, 4 records, 5 end. A record is
 * read when its kind comes at its stage; it moves the parse to next. */
static const struct {
  int stage;
  const char *kind;
  enum rec (*fn)(struct parse *ps, struct rd *r);
  int next;
} records[] = {
  { 0, MAGIC, magic_rec, 1 },
  { 1, "window", window_rec, 2 },
  { 2, "run", run_rec, 3 },
  { 3, "scan", scan_rec, 4 },
  { 4, "file", file_rec, 4 },
  { 4, "key", key_rec, 4 },
  { 4, "client", client_rec, 4 },
  { 4, "hit", hit_rec, 4 },
  { 4, "end", end_rec, 5 },
};

/* One line: its record read, and *stage moved on. */
static enum rec record(struct parse *ps, struct rd *r, int *stage)
{
  struct mc_slice kind = tok(r);
  if(r->bad)
    return REC_BAD;
  for(size_t i = 0; i < sizeof records / sizeof records[0]; i++) {
    if(records[i].stage != *stage || !mc_slice_eq(kind, records[i].kind))
      continue;
    enum rec rc = records[i].fn(ps, r);
    if(rc == REC_OK)
      *stage = records[i].next;
    return rc;
  }
  return REC_BAD;
}

/* How many lines of the text start with 'c' (no record but "client"
 * does), to make room for the client records first; 16 bytes compared at
 * a time. memmem() for "\nclient " took a tenth of reading a 1M-client
 * summary back. */
static size_t client_records(const char *text, size_t n)
{
  size_t count = 0, i = 0;
#if defined(__SSE2__)
  const __m128i nl = _mm_set1_epi8('\n'), c = _mm_set1_epi8('c');
  for(; i + 17 <= n; i += 16) {
    __m128i a = _mm_loadu_si128((const __m128i *)(const void *)(text + i));
    __m128i b = _mm_loadu_si128((const __m128i *)(const void *)(text + i + 1));
    /* seldom more than one: no popcount (a libgcc call without -mpopcnt) */
    for(unsigned m = (unsigned)_mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(a, nl),
                                                                _mm_cmpeq_epi8(b, c)));
        m; m &= m - 1)
      count++;
  }
#endif
  for(; i + 1 < n; i++)
    count += text[i] == '\n' && text[i + 1] == 'c';
  return count;
}

mc_code mc_logs_summary_parse(const char *text, size_t n, struct mc_logs_scan *out,
                              struct mc_logs_summary_meta *meta, char *err, size_t errlen)
{
  memset(out, 0, sizeof *out);
  memset(meta, 0, sizeof *meta);
  mc_agg_init(&out->agg);
  out->clients = mc_xcalloc(1, sizeof *out->clients);
  out->nclient_parts = 1;
  mc_cset_init(&out->clients[0]);
  struct parse ps = { .out = out, .meta = meta, .err = err, .errlen = errlen };
  const char *p = text, *end = text + n;
  /* Room for every client record first: they come in the order of the
     writer's table (cset.h, mc_cset_reserve()). */
  mc_cset_reserve(&out->clients[0], client_records(text, n));
  uint64_t lineno = 0;
  int stage = 0;
  while(p < end && stage < 5) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    if(!nl)
      break;
    struct rd r = { p, nl > p && nl[-1] == '\r' ? nl - 1 : nl, false };
    p = nl + 1;
    lineno++;
    enum rec rc = record(&ps, &r, &stage);
    if(rc == REC_BAD)
      goto bad;
    if(rc == REC_FAIL)
      goto fail;
  }
  if(stage == 0) {
    snprintf(err, errlen, "it does not begin with '%s %d'", MAGIC, VERSION);
    goto fail;
  }
  if(stage != 5) {
    snprintf(err, errlen, "it ends early, after line %llu: copy it again",
             (unsigned long long)lineno);
    goto fail;
  }
  return MC_OK;
bad:
  snprintf(err, errlen, "line %llu: not a record of a migcheck logs summary",
           (unsigned long long)lineno);
fail:
  mc_logs_scan_release(out);
  return MC_ERR_PARSE;
}

mc_code mc_logs_summary_read(const char *path, struct mc_logs_scan *out,
                             struct mc_logs_summary_meta *meta, char *err, size_t errlen)
{
  memset(out, 0, sizeof *out);
  struct stat st;
  if(stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
    snprintf(err, errlen, "'%s' is a folder, not a migcheck logs summary: --merge reads the "
             "files that logs --summary FILE wrote", path);
    return MC_ERR_USAGE;
  }
  struct mc_buf b = MC_BUF_INIT(MAX_SUMMARY);
  char why[160];
  mc_code rc = mc_input_read(path, 0, &b, why, sizeof why);
  if(rc) {
    snprintf(err, errlen, "cannot read '%s': %s", path, rc == MC_ERR_LIMIT ? "too big" : why);
    mc_buf_release(&b);
    return rc;
  }
  char perr[256];
  rc = mc_logs_summary_parse(b.ptr ? b.ptr : "", b.len, out, meta, perr, sizeof perr);
  mc_buf_release(&b);
  if(rc)
    snprintf(err, errlen, "'%s' is not a migcheck logs summary: %s", path, perr);
  return rc;
}

/* ---- merging ---- */

void mc_logs_scan_merge(struct mc_logs_scan *into, struct mc_logs_scan *from)
{
  uint32_t shift = (uint32_t)into->nfiles;
  into->files = mc_xrealloc(into->files, (into->nfiles + from->nfiles + 1) *
                            sizeof *into->files);
  if(from->nfiles)     /* a summary of no file has no array (memcpy from NULL is UB) */
    memcpy(into->files + into->nfiles, from->files, from->nfiles * sizeof *from->files);
  into->nfiles += from->nfiles;
  free(from->files);
  from->files = NULL;
  from->nfiles = 0;
  MC_AGG_EACH(&from->agg, e)
    e->ex_file += shift;
  mc_agg_merge(&into->agg, &from->agg);
  if(!into->nclient_parts) {
    into->clients = mc_xcalloc(1, sizeof *into->clients);
    into->nclient_parts = 1;
    mc_cset_init(&into->clients[0]);
  }
  /* Into the bigger of the two tables, made room in first (cset.h). */
  for(unsigned p = 0; p < from->nclient_parts; p++)
    mc_cset_merge(&into->clients[0], &from->clients[p]);
  for(size_t i = 0; i < from->nhits; i++) {
    struct mc_logs_hit *h = &from->hits[i];
    if(into->nhits < MC_LOGS_MAX_HITS) {
      h->file += shift;
      into->hits = mc_xrealloc(into->hits, (into->nhits + 1) * sizeof *into->hits);
      into->hits[into->nhits++] = *h;
    }
    else
      hit_free(h);
  }
  free(from->hits);
  from->hits = NULL;
  from->nhits = 0;
  into->hits_total += from->hits_total;
  into->bytes += from->bytes;
  into->lines += from->lines;
  into->out_of_window += from->out_of_window;
  into->elapsed_ms += from->elapsed_ms;
  if(from->threads > into->threads)
    into->threads = from->threads;
  mc_logs_scan_release(from);
}

uint64_t mc_logs_clients_dropped(const struct mc_logs_scan *s)
{
  uint64_t d = 0;
  for(unsigned p = 0; p < s->nclient_parts; p++)
    d += s->clients[p].dropped;
  return d;
}
