/*
 * w3c.c - #Fields layouts and the lazy field splitter (see w3c.h).
 *
 * The splitter compares 32 bytes at a time against ' ' (AVX2, chosen when
 * the process starts if the CPU has it; else 16 with SSE2, which every
 * x86-64 CPU has; a plain loop elsewhere) and walks the set bits of the
 * mask, so its cost is one compare per 32 bytes plus one step per field,
 * whatever the line holds. The scan itself goes a block at a time
 * (mc_w3c_chunk): one pass over 16 KiB keeps its separators as masks and
 * lists its newlines, and the lines take the fields they need from the
 * masks; the per-line splitter is for lines a block cannot hold and for
 * CPUs without AVX2.
 */
#include "logs/w3c.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "logs/classify.h"
#include "util/util.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

const char mc_w3c_default_fields[] =
  "date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip "
  "cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken";
const char mc_w3c_default_fields_75[] =
  "date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip "
  "cs(User-Agent) sc-status sc-substatus sc-win32-status time-taken";

static const struct {
  const char *name;
  enum mc_w3c_field f;
} names[] = {
  { "date", MC_WF_DATE }, { "time", MC_WF_TIME }, { "s-ip", MC_WF_SIP },
  { "cs-method", MC_WF_METHOD }, { "cs-uri-stem", MC_WF_STEM },
  { "cs-uri-query", MC_WF_QUERY }, { "s-port", MC_WF_SPORT },
  { "cs-username", MC_WF_USER }, { "c-ip", MC_WF_CIP },
  { "cs(user-agent)", MC_WF_UA }, { "sc-status", MC_WF_STATUS },
  { "sc-substatus", MC_WF_SUBSTATUS }, { "sc-win32-status", MC_WF_WIN32 },
  { "time-taken", MC_WF_TAKEN }, { "s-computername", MC_WF_COMPUTER },
  { "cs-host", MC_WF_HOST }, { "cs-uri", MC_WF_URI }, { "s-reason", MC_WF_REASON },
};

mc_code mc_w3c_layout_parse(struct mc_w3c_layout *l, const char *fields, size_t n)
{
  memset(l->col, -1, sizeof l->col);
  l->ncols = 0;
  l->path_col = -1;
  l->httperr = false;
  size_t i = 0;
  while(i < n) {
    while(i < n && (fields[i] == ' ' || fields[i] == '\t' || fields[i] == '\r'))
      i++;
    if(i >= n)
      break;
    size_t b = i;
    while(i < n && fields[i] != ' ' && fields[i] != '\t' && fields[i] != '\r')
      i++;
    if(l->ncols >= MC_W3C_MAXCOLS)
      return MC_ERR_LIMIT;
    for(size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
      if(strlen(names[k].name) == i - b && strncasecmp(names[k].name, fields + b, i - b) == 0 &&
         l->col[names[k].f] < 0)
        l->col[names[k].f] = (int8_t)l->ncols;
    }
    l->ncols++;
  }
  memset(l->field_at, -1, sizeof l->field_at);
  for(int f = 0; f < MC_WF_COUNT; f++) {
    if(l->col[f] >= 0)
      l->field_at[l->col[f]] = (int8_t)f;
  }
  l->path_col = l->col[MC_WF_STEM] >= 0 ? l->col[MC_WF_STEM] : l->col[MC_WF_URI];
  l->httperr = l->col[MC_WF_REASON] >= 0;
  if(!l->ncols || l->path_col < 0 || l->col[MC_WF_DATE] < 0 || l->col[MC_WF_TIME] < 0)
    return MC_ERR_PARSE;
  return MC_OK;
}

static inline bool add_sep(struct mc_w3c_line *w, const char *at, uint32_t want)
{
  w->own[w->nsep++] = at;
  if(w->nsep >= want || w->nsep >= MC_W3C_MAXCOLS) {
    w->pos = (size_t)(at - w->line) + 1;
    return true;
  }
  return false;
}

/* The portable splitter: SSE2 (every x86-64 CPU), else a byte loop. */
static void split_sse2(struct mc_w3c_line *w, uint32_t want)
{
  const char *p = w->line;
  size_t i = w->pos, n = w->len;
#if defined(__SSE2__)
  const __m128i sp = _mm_set1_epi8(' ');
  for(; i + 16 <= n; i += 16) {
    unsigned m = (unsigned)_mm_movemask_epi8(
      _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)(p + i)), sp));
    while(m) {
      if(add_sep(w, p + i + (unsigned)__builtin_ctz(m), want))
        return;
      m &= m - 1;
    }
  }
#endif
  for(; i < n; i++) {
    if(p[i] == ' ' && add_sep(w, p + i, want))
      return;
  }
  w->pos = n;
  w->done = true;
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
/* 32 bytes a step where the CPU has AVX2 (chosen at run time). The last
 * step loads a whole 32 bytes when the buffer has them and masks off what
 * lies beyond the line. */
__attribute__((target("avx2")))
static void split_avx2(struct mc_w3c_line *w, uint32_t want)
{
  const char *p = w->line;
  size_t i = w->pos, n = w->len;
  size_t room = (size_t)(w->readable - p);
  const __m256i sp = _mm256_set1_epi8(' ');
  for(; i < n && i + 32 <= room; i += 32) {
    unsigned m = (unsigned)_mm256_movemask_epi8(
      _mm256_cmpeq_epi8(_mm256_loadu_si256((const __m256i *)(const void *)(p + i)), sp));
    if(n - i < 32)
      m &= (1u << (n - i)) - 1;
    while(m) {
      if(add_sep(w, p + i + (unsigned)__builtin_ctz(m), want))
        return;
      m &= m - 1;
    }
  }
  if(i >= n) {
    w->pos = n;
    w->done = true;
    return;
  }
  w->pos = i;
  split_sse2(w, want);
}

static void (*resolve_split(void))(struct mc_w3c_line *, uint32_t)
{
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") ? split_avx2 : split_sse2;
}
#else
static void (*resolve_split(void))(struct mc_w3c_line *, uint32_t)
{
  return split_sse2;
}
#endif

/* The portable next_line: memchr for the end, then the splitter. */
static const char *next_line_plain(struct mc_w3c_line *w, const char *p, const char *end,
                                   uint32_t want)
{
  const char *nl = memchr(p, '\n', (size_t)(end - p));
  const char *le = nl ? nl : end;
  size_t len = (size_t)(le - p);
  if(len && p[len - 1] == '\r')
    len--;
  mc_w3c_line_init(w, p, len, end);
  w->nul = memchr(p, '\0', len) != NULL;
  mc_w3c_split(w, want);
  return nl ? nl + 1 : end;
}

#if defined(__x86_64__) && defined(__GNUC__)
/* One pass: each 32-byte block is compared with ' ' and '\n' at once;
 * separators are taken until want, then only the newline is looked for. */
__attribute__((target("avx2")))
static const char *next_line_avx2(struct mc_w3c_line *w, const char *p, const char *end,
                                  uint32_t want)
{
  w->line = p;
  w->readable = end;
  w->sep = w->own;
  w->spm = NULL;
  w->nsep = 0;
  w->done = false;
  const __m256i sp = _mm256_set1_epi8(' '), lf = _mm256_set1_epi8('\n');
  const __m256i zero = _mm256_setzero_si256();
  unsigned nul = 0;
  size_t room = (size_t)(end - p), i = 0;
  bool collecting = want > 0;
  size_t resume = 0;
  for(; i + 32 <= room; i += 32) {
    __m256i v = _mm256_loadu_si256((const __m256i *)(const void *)(p + i));
    unsigned nm = (unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, lf));
    unsigned zm = (unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, zero));
    nul |= nm ? zm & ((nm & -nm) - 1) : zm;
    if(collecting) {
      unsigned sm = (unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, sp));
      if(nm)
        sm &= (nm & -nm) - 1;       /* spaces before the newline only */
      while(sm) {
        size_t at = i + (unsigned)__builtin_ctz(sm);
        w->own[w->nsep++] = p + at;
        sm &= sm - 1;
        if(w->nsep >= want || w->nsep >= MC_W3C_MAXCOLS) {
          collecting = false;
          resume = at + 1;
          break;
        }
      }
    }
    if(nm) {
      size_t len = i + (unsigned)__builtin_ctz(nm);
      const char *next = p + len + 1;
      if(len && p[len - 1] == '\r')
        len--;
      w->len = len;
      w->nul = nul != 0;
      if(collecting) {
        w->pos = len;
        w->done = true;
        if(w->nsep && w->sep[w->nsep - 1] >= p + len)
          w->nsep--;               /* a space after the '\r' does not count */
      }
      else
        w->pos = resume;
      return next;
    }
  }
  /* The tail of the buffer: the plain way. */
  const char *nl = memchr(p + i, '\n', room - i);
  const char *le = nl ? nl : end;
  size_t len = (size_t)(le - p);
  if(len && p[len - 1] == '\r')
    len--;
  w->len = len;
  w->nul = nul != 0 || memchr(p + i, '\0', len > i ? len - i : 0) != NULL;
  if(collecting) {
    while(w->nsep && w->sep[w->nsep - 1] >= p + len)
      w->nsep--;
    w->pos = w->nsep ? (size_t)(w->sep[w->nsep - 1] - p) + 1 : 0;
    if(w->pos > len)
      w->pos = len;
    mc_w3c_split(w, want);
  }
  else
    w->pos = resume;
  return nl ? nl + 1 : end;
}
#endif

/* ---- chunks (see w3c.h) ---- */

void mc_w3c_chunk_init(struct mc_w3c_chunk *ch, char sepc)
{
  memset(ch, 0, sizeof *ch);
  ch->sepc = sepc;
}

void mc_w3c_chunk_release(struct mc_w3c_chunk *ch)
{
  free(ch->spm);
  free(ch->nl);
  free(ch->sp);
  ch->spm = NULL;
  ch->nl = ch->sp = NULL;
  ch->nnl = ch->knl = ch->spcap = 0;
}

/* The bit-counting instructions for the mask walks where the CPU has them
 * (every CPU with AVX2, the only one the chunks run on). */
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define MASK_TARGET __attribute__((target("avx2,popcnt,bmi")))
#define TZCNT(m) _tzcnt_u64(m)               /* 64 for an empty mask */
#else
#define MASK_TARGET
#define TZCNT(m) __builtin_ctzll((m) | LAST_BIT)
#endif
#define LAST_BIT (UINT64_C(1) << 63)   /* or'ed in: ctz of an empty mask is 63 */

/* The separators of the line [lo, stop) from the masks, as pointers
 * (base + offset) into out, which has room for cap + 8: a mask word at a
 * time, each word's places written by word(s, at, m, cnt), which may write
 * up to 8 past cnt, so that it runs alike whatever the word holds instead
 * of branching once a bit; returns how many, or cap + 1 when the line has
 * more than cap (out then holds the first cap). Inlined into each lister
 * below with its own word(), under that one's target. */
typedef void seps_word_fn(const char **s, const char *at, uint64_t m, size_t cnt);
__attribute__((always_inline))
static inline size_t line_seps_with(const uint64_t *spm, size_t lo, size_t stop,
                                    const char *base, const char **out, size_t cap,
                                    seps_word_fn *word)
{
  size_t n = 0;
  if(lo >= stop)
    return 0;
  size_t b = lo >> 6;
  uint64_t m = spm[b] & (~UINT64_C(0) << (lo & 63));
  for(;;) {
    if(b == (stop - 1) >> 6)
      m &= ~UINT64_C(0) >> (63 - ((stop - 1) & 63));     /* bits before stop */
    size_t cnt = (size_t)__builtin_popcountll(m);
    if(n + cnt > cap) {
      for(; n < cap; m &= m - 1)
        out[n++] = base + b * 64 + (size_t)__builtin_ctzll(m);
      return cap + 1;
    }
    word(out + n, base + b * 64, m, cnt);
    n += cnt;
    if(++b * 64 >= stop)
      return n;
    m = spm[b];
  }
}

/* Eight bit scans a step. */
MASK_TARGET
static inline void word_scans(const char **s, const char *at, uint64_t m, size_t cnt)
{
  (void)cnt;
  do {
#pragma GCC unroll 8
    for(int j = 0; j < 8; j++) {
      s[j] = at + TZCNT(m);
      m &= m - 1;
    }
    s += 8;
  } while(m);
}

MASK_TARGET
static size_t line_seps_scalar(const uint64_t *spm, size_t lo, size_t stop, const char *base,
                               const char **out, size_t cap)
{
  return line_seps_with(spm, lo, stop, base, out, cap, word_scans);
}

/* The separators of a line from the masks: line_seps_scalar(), or
 * line_seps_vbmi2() where the CPU has it (pick_split()). */
static size_t (*line_seps)(const uint64_t *, size_t, size_t, const char *, const char **,
                           size_t) = line_seps_scalar;

/* The offset of the k-th separator (from 0) at or after offset at, from the
 * masks; stop when the line (which ends at stop) has fewer. */
MASK_TARGET
static inline size_t select_sep(const uint64_t *spm, size_t at, size_t stop, unsigned k)
{
  size_t b = at >> 6;
  uint64_t m = spm[b] & (~UINT64_C(0) << (at & 63));
  for(;;) {
    unsigned c = (unsigned)__builtin_popcountll(m);
    if(k < c) {
      if(k < 4) {                 /* the usual case, without a branch per bit */
        uint64_t v[4];
        v[0] = m;
        v[1] = v[0] & (v[0] - 1);
        v[2] = v[1] & (v[1] - 1);
        v[3] = v[2] & (v[2] - 1);
        m = v[k];
      }
      else {
        while(k--)
          m &= m - 1;
      }
      size_t i = b * 64 + (size_t)__builtin_ctzll(m);
      return i < stop ? i : stop;
    }
    k -= c;
    if(++b * 64 >= stop)
      return stop;
    m = spm[b];
  }
}

/* mc_w3c_peek() on a line not split yet: its field col from the masks,
 * nothing recorded (a line that is not migration traffic is done with
 * after its path, two selects of a bit). */
MASK_TARGET
bool mc_w3c_peek_masks(const struct mc_w3c_line *w, int col, struct mc_slice *out)
{
  size_t lo = (size_t)(w->line - w->mbase), stop = lo + w->len;
  size_t b = lo;
  if(col > 0) {
    if(lo >= stop)
      return false;
    b = select_sep(w->spm, lo, stop, (unsigned)col - 1);
    if(b >= stop)
      return false;
    b++;
  }
  size_t e = b < stop ? select_sep(w->spm, b, stop, 0) : stop;
  *out = (struct mc_slice){ w->mbase + b, e - b };
  return true;
}

static bool chunk_ok;             /* the CPU has AVX2 (set with next_line_fn) */

#if defined(__x86_64__) && defined(__GNUC__)
/* Appends base + the position of each set bit of m to list (which has room
 * for eight more than it will hold): the first without a branch (a block
 * seldom holds more than one newline), then eight at a time. */
__attribute__((target("avx2,popcnt,bmi")))
static inline size_t flatten(const char **list, size_t n, const char *base, uint64_t m)
{
  size_t cnt = (size_t)__builtin_popcountll(m);
  const char **s = list + n;
  s[0] = base + __builtin_ctzll(m | LAST_BIT);
  m &= m - 1;
  s++;
  while(m) {
#pragma GCC unroll 8
    for(int j = 0; j < 8; j++) {
      s[j] = base + __builtin_ctzll(m | LAST_BIT);
      m &= m - 1;
    }
    s += 8;
  }
  return n + cnt;
}

/* The block compared: see fill below. csv: also whether a '"' is in it
 * (*quote), a constant in each caller. */
__attribute__((target("avx2,popcnt,bmi"), always_inline))
static inline size_t fill_avx2_with(const char *p, size_t n, char sepc, uint64_t *spm,
                                    const char **nll, bool *nul, bool *quote, const bool csv)
{
  size_t nnl = 0;
  const __m256i sp = _mm256_set1_epi8(sepc), lf = _mm256_set1_epi8('\n');
  const __m256i zero = _mm256_setzero_si256(), dq = _mm256_set1_epi8('"');
  __m256i zacc = zero, qacc = zero;
  size_t i = 0;
  char tail[64];
  for(;;) {
    const char *b = p + i;
    if(i + 64 > n) {
      if(i >= n)
        break;
      memset(tail, 'x', sizeof tail);
      memcpy(tail, b, n - i);
      b = tail;
    }
    __builtin_prefetch(b + 4096);   /* the next page: no prefetcher crosses pages */
    __m256i v0 = _mm256_loadu_si256((const __m256i *)(const void *)b);
    __m256i v1 = _mm256_loadu_si256((const __m256i *)(const void *)(b + 32));
    uint64_t nm = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v0, lf)) |
                  (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v1, lf)) << 32;
    spm[i / 64] = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v0, sp)) |
                  (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v1, sp)) << 32;
    zacc = _mm256_or_si256(zacc, _mm256_or_si256(_mm256_cmpeq_epi8(v0, zero),
                                                 _mm256_cmpeq_epi8(v1, zero)));
    if(csv)
      qacc = _mm256_or_si256(qacc, _mm256_or_si256(_mm256_cmpeq_epi8(v0, dq),
                                                   _mm256_cmpeq_epi8(v1, dq)));
    nnl = flatten(nll, nnl, p + i, nm);
    i += 64;
  }
  *nul = _mm256_movemask_epi8(zacc) != 0;
  *quote = csv && _mm256_movemask_epi8(qacc) != 0;
  return nnl;
}

__attribute__((target("avx2,popcnt,bmi")))
static size_t fill_avx2(const char *p, size_t n, char sepc, uint64_t *spm, const char **nll,
                        bool *nul, bool *quote)
{
  return sepc == ',' ? fill_avx2_with(p, n, sepc, spm, nll, nul, quote, true) :
                       fill_avx2_with(p, n, sepc, spm, nll, nul, quote, false);
}

/* The same with AVX-512BW where the CPU has it: a compare of 64 bytes gives
 * the mask itself, and the last block is loaded masked (no copy). */
__attribute__((target("avx512f,avx512bw,popcnt,bmi"), always_inline))
static inline size_t fill_avx512_with(const char *p, size_t n, char sepc, uint64_t *spm,
                                      const char **nll, bool *nul, bool *quote, const bool csv)
{
  size_t nnl = 0;
  const __m512i sp = _mm512_set1_epi8(sepc), lf = _mm512_set1_epi8('\n');
  const __m512i zero = _mm512_setzero_si512(), dq = _mm512_set1_epi8('"');
  uint64_t zacc = 0, qacc = 0;
  for(size_t i = 0; i < n; i += 64) {
    __m512i v;
    if(i + 64 <= n)
      v = _mm512_loadu_si512((const void *)(p + i));
    else   /* the bytes past e read as 'x': no separator, newline, NUL or quote */
      v = _mm512_mask_loadu_epi8(_mm512_set1_epi8('x'), ~UINT64_C(0) >> (64 - (n - i)),
                                 (const void *)(p + i));
    __builtin_prefetch(p + i + 4096);
    spm[i / 64] = _mm512_cmpeq_epi8_mask(v, sp);
    zacc |= _mm512_cmpeq_epi8_mask(v, zero);
    if(csv)
      qacc |= _mm512_cmpeq_epi8_mask(v, dq);
    nnl = flatten(nll, nnl, p + i, _mm512_cmpeq_epi8_mask(v, lf));
  }
  *nul = zacc != 0;
  *quote = qacc != 0;
  return nnl;
}

__attribute__((target("avx512f,avx512bw,popcnt,bmi")))
static size_t fill_avx512(const char *p, size_t n, char sepc, uint64_t *spm, const char **nll,
                          bool *nul, bool *quote)
{
  return sepc == ',' ? fill_avx512_with(p, n, sepc, spm, nll, nul, quote, true) :
                       fill_avx512_with(p, n, sepc, spm, nll, nul, quote, false);
}

/* The n bytes at p compared: their separators (sepc) into spm, one mask per
 * 64 bytes; their newlines listed in nl, how many returned; whether one is
 * a NUL in *nul; with ',' (CSV) whether one is a '"' in *quote (else
 * false). */
static size_t (*fill)(const char *p, size_t n, char sepc, uint64_t *spm, const char **nl,
                      bool *nul, bool *quote) = fill_avx2;

/* line_seps() where the CPU has AVX-512 VBMI2 (Ice Lake and later, Zen 4):
 * one compress instruction lists the places of a word's bits as bytes, one
 * widening add makes eight of them pointers, whatever the word holds. */
__attribute__((target("avx512f,avx512bw,avx512vbmi2,popcnt,bmi")))
static inline void word_compress(const char **s, const char *at, uint64_t m, size_t cnt)
{
  const __m512i iota = _mm512_set_epi8(63, 62, 61, 60, 59, 58, 57, 56, 55, 54, 53, 52, 51, 50,
                                       49, 48, 47, 46, 45, 44, 43, 42, 41, 40, 39, 38, 37, 36,
                                       35, 34, 33, 32, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22,
                                       21, 20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7,
                                       6, 5, 4, 3, 2, 1, 0);
  __m512i base = _mm512_set1_epi64((long long)(uintptr_t)at);
  __m512i idx = _mm512_maskz_compress_epi8(m, iota);
  _mm512_storeu_si512((void *)s,
                      _mm512_add_epi64(_mm512_cvtepu8_epi64(_mm512_castsi512_si128(idx)), base));
  if(cnt > 8) {                   /* seldom: eight more at a time */
    uint8_t pos[64];
    _mm512_storeu_si512((void *)pos, idx);
    for(size_t g = 8; g < cnt; g += 8)
      _mm512_storeu_si512((void *)(s + g),
                          _mm512_add_epi64(_mm512_cvtepu8_epi64(
                                             _mm_loadl_epi64((const __m128i *)(pos + g))),
                                           base));
  }
}

__attribute__((target("avx512f,avx512bw,avx512vbmi2,popcnt,bmi")))
static size_t line_seps_vbmi2(const uint64_t *spm, size_t lo, size_t stop, const char *base,
                              const char **out, size_t cap)
{
  return line_seps_with(spm, lo, stop, base, out, cap, word_compress);
}
#else
static size_t fill(const char *p, size_t n, char sepc, uint64_t *spm, const char **nl,
                   bool *nul, bool *quote)
{
  (void)p; (void)n; (void)sepc; (void)spm; (void)nl;
  *nul = *quote = false;
  return 0;
}
#endif

/* ',': every comma of the line into ch->sp, from the masks. */
MASK_TARGET
void mc_w3c_chunk_commas(struct mc_w3c_chunk *ch, struct mc_w3c_line *w)
{
  if(ch->spcap < w->len + 8) {       /* a line has fewer commas than bytes */
    ch->spcap = w->len + 8 > 256 ? w->len + 8 : 256;
    free(ch->sp);
    ch->sp = mc_xmalloc(ch->spcap * sizeof *ch->sp);
  }
  size_t lo = (size_t)(w->line - ch->begin);
  size_t n = line_seps(ch->spm, lo, lo + w->len, ch->begin, ch->sp, w->len);
  w->sep = ch->sp;
  w->spm = NULL;
  w->nall = (uint32_t)n;
  w->quoted = ch->quote;
  w->done = n <= MC_W3C_MAXCOLS;
  w->nsep = (uint32_t)(w->done ? n : MC_W3C_MAXCOLS);
  w->pos = w->len;
}

const char *mc_w3c_chunk_fill(struct mc_w3c_chunk *ch, struct mc_w3c_line *w, const char *p,
                              const char *end)
{
  if(!chunk_ok)
    return NULL;
  /* The lists go on from p only when the line before ended just there. */
  if(ch->knl >= ch->nnl || p != ch->at) {
    if(!ch->spm) {
      ch->spm = mc_xmalloc((MC_W3C_CHUNK / 64 + 1) * sizeof *ch->spm);
      ch->nl = mc_xmalloc((MC_W3C_CHUNK + 72) * sizeof *ch->nl);
    }
    size_t room = (size_t)(end - p), n = room < MC_W3C_CHUNK ? room : MC_W3C_CHUNK;
    ch->begin = p;
    ch->end = p + n;
    ch->knl = 0;
    ch->nnl = fill(p, n, ch->sepc, ch->spm, ch->nl, &ch->nul, &ch->quote);
    if(!ch->nnl)
      return NULL;
  }
  return mc_w3c_chunk_take(ch, w, p, end);
}

static const char *(*next_line_fn)(struct mc_w3c_line *, const char *, const char *,
                                   uint32_t) = next_line_plain;

const char *mc_w3c_next_line(struct mc_w3c_line *w, const char *p, const char *end,
                             uint32_t want)
{
  return next_line_fn(w, p, end, want);
}

static void (*split_fn)(struct mc_w3c_line *, uint32_t);

/* The best the CPU has, unless MIGCHECK_SIMD says "avx2" (no AVX-512) or
 * "sse2" (no AVX2 either: no chunks): the tests read the same logs each
 * way and compare. */
__attribute__((constructor))
static void pick_split(void)
{
  const char *limit = getenv("MIGCHECK_SIMD");
  bool sse2 = limit && strcmp(limit, "sse2") == 0;
  bool avx2 = sse2 || (limit && strcmp(limit, "avx2") == 0);
  split_fn = sse2 ? split_sse2 : resolve_split();
#if defined(__x86_64__) && defined(__GNUC__)
  if(split_fn == split_avx2) {
    next_line_fn = next_line_avx2;
    chunk_ok = true;
    if(!avx2 && __builtin_cpu_supports("avx512bw")) {
      fill = fill_avx512;
      if(__builtin_cpu_supports("avx512vbmi2"))
        line_seps = line_seps_vbmi2;
    }
  }
#else
  (void)avx2;
#endif
}

/* A chunk's line: all its separators from the masks at once (see
 * line_seps(): a loop that runs alike for every line costs less than one
 * that stops at want). */
MASK_TARGET
static void split_masks(struct mc_w3c_line *w)
{
  size_t lo = (size_t)(w->line - w->mbase);
  size_t n = line_seps(w->spm, lo, lo + w->len, w->mbase, w->own, MC_W3C_MAXCOLS);
  w->spm = NULL;
  w->done = n <= MC_W3C_MAXCOLS;
  w->nsep = (uint32_t)(w->done ? n : MC_W3C_MAXCOLS);
  w->pos = w->done ? w->len : (size_t)(w->own[MC_W3C_MAXCOLS - 1] - w->line) + 1;
}

void mc_w3c_split(struct mc_w3c_line *w, uint32_t want)
{
  if(w->done || w->nsep >= want || w->nsep >= MC_W3C_MAXCOLS)
    return;
  if(w->spm)
    split_masks(w);
  else
    split_fn(w, want);
}

bool mc_w3c_peek_split(struct mc_w3c_line *w, int col, struct mc_slice *out)
{
  if(col < 0)
    return false;
  mc_w3c_split(w, (uint32_t)col + 1);
  if(!mc_w3c_has(w, col))
    return false;
  *out = mc_w3c_field(w, col);
  return true;
}

void mc_w3c_columns(const struct mc_w3c_layout *l, uint32_t want, struct mc_w3c_cols *out)
{
  uint64_t cols = 0;
  for(int f = 0; f < MC_WF_COUNT; f++) {
    if(want >> f & 1 && l->col[f] >= 0)
      cols |= UINT64_C(1) << l->col[f];
  }
  out->n = 0;
  for(; cols; cols &= cols - 1) {
    int col = __builtin_ctzll(cols);
    out->col[out->n] = (uint8_t)col;
    out->field[out->n++] = (uint8_t)l->field_at[col];
  }
}

bool mc_w3c_fields(struct mc_w3c_line *w, const struct mc_w3c_layout *l,
                   const struct mc_w3c_cols *cols, struct mc_w3c_rec *rec)
{
  if(!w->done)
    mc_w3c_split(w, MC_W3C_MAXCOLS);
  if(!w->done || w->nsep + 1 != l->ncols)
    return false;
  /* The line's end as one more separator (the list has room for it): then
     every column but the first is the bytes between two separators, taken
     without a branch, in a loop as long for every line of the layout (an
     HTTPERR line is all fields: these few steps a column were an eighth of
     its run). */
  const char **sep = w->sep;
  sep[w->nsep] = w->line + w->len;
  size_t i = 0;
  if(cols->n && cols->col[0] == 0) {
    rec->f[cols->field[0]] = (struct mc_slice){ w->line, (size_t)(sep[0] - w->line) };
    i = 1;
  }
  for(; i < cols->n; i++) {
    const char *b = sep[cols->col[i] - 1] + 1;
    rec->f[cols->field[i]] = (struct mc_slice){ b, (size_t)(sep[cols->col[i]] - b) };
  }
  return true;
}

bool mc_w3c_record(struct mc_w3c_line *w, const struct mc_w3c_layout *l,
                   const struct mc_w3c_cols *cols, struct mc_w3c_rec *rec)
{
  memset(rec, 0, sizeof *rec);
  return mc_w3c_fields(w, l, cols, rec);
}

bool mc_w3c_parse(const struct mc_w3c_layout *l, const char *line, size_t len,
                  struct mc_w3c_rec *rec)
{
  struct mc_w3c_line w;
  mc_w3c_line_init(&w, line, len, line + len);
  struct mc_w3c_cols cols;
  mc_w3c_columns(l, MC_W3C_ALL_FIELDS, &cols);
  return mc_w3c_record(&w, l, &cols, rec);
}

/* Whether s is "-" or n bytes each in the set the function tells. */
static bool dash_or(struct mc_slice s, bool (*in)(unsigned char))
{
  if(s.n == 1 && s.p[0] == '-')
    return true;
  if(!s.n)
    return false;
  for(size_t i = 0; i < s.n; i++) {
    if(!in((unsigned char)s.p[i]))
      return false;
  }
  return true;
}

static bool is_digit(unsigned char ch) { return ch >= '0' && ch <= '9'; }
static bool is_addr(unsigned char ch)
{
  return is_digit(ch) || ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'f') || ch == '.' || ch == ':' ||
         ch == '%' || ch == '[' || ch == ']';
}
static bool is_method(unsigned char ch)
{
  return is_digit(ch) || ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'z') || ch == '_' || ch == '-';
}

bool mc_w3c_fits(const struct mc_w3c_layout *l, const char *line, size_t len)
{
  struct mc_w3c_rec r;
  if(!mc_w3c_parse(l, line, len, &r))
    return false;
  const struct mc_slice *f = r.f;
  /* The date and time as the scan reads them (a layout always has both),
     the time to the second, as IIS writes it. */
  int64_t t;
  if(f[MC_WF_TIME].n != 8 ||
     !mc_parse_w3c_time(f[MC_WF_DATE].p, f[MC_WF_DATE].n, f[MC_WF_TIME].p, 8, &t))
    return false;
  if(l->col[MC_WF_STEM] >= 0 && !(f[MC_WF_STEM].n && memchr("/-*", f[MC_WF_STEM].p[0], 3)))
    return false;
  static const int digits[] = { MC_WF_STATUS, MC_WF_SUBSTATUS, MC_WF_WIN32, MC_WF_SPORT,
                                MC_WF_TAKEN };
  for(size_t i = 0; i < sizeof digits / sizeof *digits; i++) {
    if(l->col[digits[i]] >= 0 && !dash_or(f[digits[i]], is_digit))
      return false;
  }
  if(l->col[MC_WF_STATUS] >= 0 && f[MC_WF_STATUS].n != 3 &&
     !(f[MC_WF_STATUS].n == 1 && f[MC_WF_STATUS].p[0] == '-'))
    return false;
  if((l->col[MC_WF_CIP] >= 0 && !dash_or(f[MC_WF_CIP], is_addr)) ||
     (l->col[MC_WF_SIP] >= 0 && !dash_or(f[MC_WF_SIP], is_addr)))
    return false;
  return l->col[MC_WF_METHOD] < 0 || dash_or(f[MC_WF_METHOD], is_method);
}
