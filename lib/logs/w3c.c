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
  free(ch->all);
  free(ch->nl);
  free(ch->before);
  ch->all = ch->nl = NULL;
  ch->before = NULL;
  ch->nnl = ch->knl = 0;
}

static bool chunk_ok;             /* the CPU has AVX2 (set with next_line_fn) */

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define LAST_BIT (UINT64_C(1) << 63)   /* or'ed in: ctz of an empty mask is 63 */

/* A lister: base + the place of each set bit of m (cnt of them), in order,
 * into s, which has room for 8 more than cnt (a lister may write them).
 * Inlined into each block pass below under that one's target. */
typedef void list_word_fn(const char **s, const char *base, uint64_t m, size_t cnt);

/* Eight bit scans a step. */
__attribute__((target("avx2,popcnt,bmi"), always_inline))
static inline void word_scans(const char **s, const char *base, uint64_t m, size_t cnt)
{
  (void)cnt;
  while(m) {
#pragma GCC unroll 8
    for(int j = 0; j < 8; j++) {
      s[j] = base + __builtin_ctzll(m | LAST_BIT);
      m &= m - 1;
    }
    s += 8;
  }
}

/* Where the CPU has AVX-512 VBMI2 (Ice Lake and later, Zen 4): one compress
 * instruction lists the places of a word's bits as bytes, one widening add
 * makes eight of them pointers, whatever the word holds. */
__attribute__((target("avx512f,avx512bw,avx512vbmi2,popcnt,bmi"), always_inline))
static inline void word_compress(const char **s, const char *base, uint64_t m, size_t cnt)
{
  const __m512i iota = _mm512_set_epi8(63, 62, 61, 60, 59, 58, 57, 56, 55, 54, 53, 52, 51, 50,
                                       49, 48, 47, 46, 45, 44, 43, 42, 41, 40, 39, 38, 37, 36,
                                       35, 34, 33, 32, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22,
                                       21, 20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7,
                                       6, 5, 4, 3, 2, 1, 0);
  __m512i b = _mm512_set1_epi64((long long)(uintptr_t)base);
  __m512i idx = _mm512_maskz_compress_epi8(m, iota);
  _mm512_storeu_si512((void *)s,
                      _mm512_add_epi64(_mm512_cvtepu8_epi64(_mm512_castsi512_si128(idx)), b));
  if(cnt > 8) {                   /* seldom: eight more at a time */
    uint8_t pos[64];
    _mm512_storeu_si512((void *)pos, idx);
    for(size_t g = 8; g < cnt; g += 8)
      _mm512_storeu_si512((void *)(s + g),
                          _mm512_add_epi64(_mm512_cvtepu8_epi64(
                                             _mm_loadl_epi64((const __m128i *)(pos + g))),
                                           b));
  }
}

/* The newlines of a word (m, base) into nl from n on, each with the number
 * of separators before it in before: cnt before the word, and those of the
 * word's separators sm that come before it. The first without a branch (a
 * word seldom holds more than one newline); returns the new n. */
__attribute__((target("avx2,popcnt,bmi"), always_inline))
static inline size_t flatten(const char **nl, uint32_t *before, size_t n, const char *base,
                             uint64_t m, uint64_t sm, uint32_t cnt)
{
  size_t k = n + (size_t)__builtin_popcountll(m);
  do {
    uint64_t low = m & (0 - m);   /* 0 when m is empty: n does not move then */
    nl[n] = base + __builtin_ctzll(m | LAST_BIT);
    before[n] = cnt + (uint32_t)__builtin_popcountll(sm & (low - 1));
    m &= m - 1;
    n++;
  } while(m);
  return k;
}

/* The block pass, 64 bytes a step, with AVX2 (two compares of 32 bytes make
 * a word's masks) or AVX-512BW (one compare of 64, the last block loaded
 * masked: no copy); the separators listed by list. csv: also whether a '"'
 * is in it (*quote), a constant in each caller. Returns how many newlines. */
__attribute__((target("avx2,popcnt,bmi"), always_inline))
static inline size_t fill_avx2_with(const char *p, size_t n, char sepc, const char **all,
                                    const char **nll, uint32_t *before, bool *nul, bool *quote,
                                    const bool csv)
{
  size_t nnl = 0;
  uint32_t cnt = 0;
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
    uint64_t sm = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v0, sp)) |
                  (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v1, sp)) << 32;
    zacc = _mm256_or_si256(zacc, _mm256_or_si256(_mm256_cmpeq_epi8(v0, zero),
                                                 _mm256_cmpeq_epi8(v1, zero)));
    if(csv)
      qacc = _mm256_or_si256(qacc, _mm256_or_si256(_mm256_cmpeq_epi8(v0, dq),
                                                   _mm256_cmpeq_epi8(v1, dq)));
    uint32_t c = (uint32_t)__builtin_popcountll(sm);
    word_scans(all + cnt, p + i, sm, c);
    nnl = flatten(nll, before, nnl, p + i, nm, sm, cnt);
    cnt += c;
    i += 64;
  }
  *nul = _mm256_movemask_epi8(zacc) != 0;
  *quote = csv && _mm256_movemask_epi8(qacc) != 0;
  return nnl;
}

__attribute__((target("avx2,popcnt,bmi")))
static size_t fill_avx2(const char *p, size_t n, char sepc, const char **all, const char **nll,
                        uint32_t *before, bool *nul, bool *quote)
{
  return sepc == ',' ? fill_avx2_with(p, n, sepc, all, nll, before, nul, quote, true) :
                       fill_avx2_with(p, n, sepc, all, nll, before, nul, quote, false);
}

__attribute__((target("avx512f,avx512bw,popcnt,bmi"), always_inline))
static inline size_t fill_avx512_with(const char *p, size_t n, char sepc, const char **all,
                                      const char **nll, uint32_t *before, bool *nul,
                                      bool *quote, const bool csv, list_word_fn *list)
{
  size_t nnl = 0;
  uint32_t cnt = 0;
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
    uint64_t sm = _mm512_cmpeq_epi8_mask(v, sp);
    zacc |= _mm512_cmpeq_epi8_mask(v, zero);
    if(csv)
      qacc |= _mm512_cmpeq_epi8_mask(v, dq);
    uint32_t c = (uint32_t)__builtin_popcountll(sm);
    list(all + cnt, p + i, sm, c);
    nnl = flatten(nll, before, nnl, p + i, _mm512_cmpeq_epi8_mask(v, lf), sm, cnt);
    cnt += c;
  }
  *nul = zacc != 0;
  *quote = qacc != 0;
  return nnl;
}

__attribute__((target("avx512f,avx512bw,popcnt,bmi")))
static size_t fill_avx512(const char *p, size_t n, char sepc, const char **all,
                          const char **nll, uint32_t *before, bool *nul, bool *quote)
{
  return sepc == ',' ?
         fill_avx512_with(p, n, sepc, all, nll, before, nul, quote, true, word_scans) :
         fill_avx512_with(p, n, sepc, all, nll, before, nul, quote, false, word_scans);
}

__attribute__((target("avx512f,avx512bw,avx512vbmi2,popcnt,bmi")))
static size_t fill_vbmi2(const char *p, size_t n, char sepc, const char **all,
                         const char **nll, uint32_t *before, bool *nul, bool *quote)
{
  return sepc == ',' ?
         fill_avx512_with(p, n, sepc, all, nll, before, nul, quote, true, word_compress) :
         fill_avx512_with(p, n, sepc, all, nll, before, nul, quote, false, word_compress);
}

/* The n bytes at p compared: their separators (sepc) listed in all, their
 * newlines in nl, each with the number of separators before it in before,
 * how many newlines returned; whether one byte is a NUL in *nul; with ','
 * (CSV) whether one is a '"' in *quote (else false). The best the CPU has
 * (pick_split()). */
static size_t (*fill)(const char *p, size_t n, char sepc, const char **all, const char **nl,
                      uint32_t *before, bool *nul, bool *quote) = fill_avx2;
#else
static size_t fill(const char *p, size_t n, char sepc, const char **all, const char **nl,
                   uint32_t *before, bool *nul, bool *quote)
{
  (void)p; (void)n; (void)sepc; (void)all; (void)nl; (void)before;
  *nul = *quote = false;
  return 0;
}
#endif

const char *mc_w3c_chunk_fill(struct mc_w3c_chunk *ch, struct mc_w3c_line *w, const char *p,
                              const char *end)
{
  if(!chunk_ok)
    return NULL;
  /* The lists go on from p only when the line before ended just there. */
  if(ch->knl >= ch->nnl || p != ch->at) {
    if(!ch->all) {
      /* a block has at most MC_W3C_CHUNK of each; a lister writes up to 8
         past its word's, and flatten() one past the block's newlines */
      ch->all = mc_xmalloc((MC_W3C_CHUNK + 72) * sizeof *ch->all);
      ch->nl = mc_xmalloc((MC_W3C_CHUNK + 72) * sizeof *ch->nl);
      ch->before = mc_xmalloc((MC_W3C_CHUNK + 72) * sizeof *ch->before);
    }
    size_t room = (size_t)(end - p), n = room < MC_W3C_CHUNK ? room : MC_W3C_CHUNK;
    ch->begin = p;
    ch->end = p + n;
    ch->knl = 0;
    ch->nnl = fill(p, n, ch->sepc, ch->all, ch->nl, ch->before, &ch->nul, &ch->quote);
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
    if(!avx2 && __builtin_cpu_supports("avx512bw"))
      fill = __builtin_cpu_supports("avx512vbmi2") ? fill_vbmi2 : fill_avx512;
  }
#else
  (void)avx2;
#endif
}

void mc_w3c_split(struct mc_w3c_line *w, uint32_t want)
{
  if(w->done || w->nsep >= want || w->nsep >= MC_W3C_MAXCOLS)
    return;
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
  /* Every column but the first and the last is the bytes between two
     separators, taken without a branch, in a loop as long for every line
     of the layout (an HTTPERR line is all fields: these few steps a column
     were an eighth of its run); the last ends where the line does (the
     list is a chunk's, read only: no end written after it). */
  const char *const *sep = w->sep;
  const char *end = w->line + w->len;
  uint32_t last = w->nsep;        /* the last column: ncols - 1 */
  size_t i = 0, n = cols->n;
  if(n && cols->col[0] == 0) {
    rec->f[cols->field[0]] = (struct mc_slice){ w->line,
                                                (size_t)((last ? sep[0] : end) - w->line) };
    i = 1;
  }
  if(n > i && cols->col[n - 1] == last)
    n--;                          /* the last column, below */
  for(; i < n; i++) {
    const char *b = sep[cols->col[i] - 1] + 1;
    rec->f[cols->field[i]] = (struct mc_slice){ b, (size_t)(sep[cols->col[i]] - b) };
  }
  if(n < cols->n && last) {
    const char *b = sep[last - 1] + 1;
    rec->f[cols->field[n]] = (struct mc_slice){ b, (size_t)(end - b) };
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
