/*
 * cset.c - the client table (see cset.h): linear probing over 16-byte
 * slots, grown at 7/10 full, indexed from the hash's low 32 bits (kept in
 * the slot as its tag, see mc_cset_index()); keys in one arena that grows by doubling
 * (offsets, not pointers, so growing it moves nothing the slots hold).
 */
#include "logs/cset.h"

#include <stdlib.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "logs/agg.h"
#include "logs/keys.h"
#include "logs/logs.h"
#include "util/util.h"

void mc_cset_init(struct mc_cset *c)
{
  memset(c, 0, sizeof *c);
}

void mc_cset_release(struct mc_cset *c)
{
  mc_logs_big_free(c->slots, c->cap * sizeof *c->slots);
  mc_logs_big_free(c->arena, c->size);
  memset(c, 0, sizeof *c);
}

/* The index comes from the tag (the hash's low 32 bits), so growing the
 * table never reads a key back from the arena. */
static inline size_t slot_of(uint32_t tag, size_t cap)
{
  return mc_cset_index(tag, cap);
}

static void grow(struct mc_cset *c)
{
  size_t cap = c->cap ? c->cap * 2 : 1024;
  struct mc_cset_slot *slots = mc_logs_big_alloc(cap * sizeof *slots);
  for(size_t i = 0; i < c->cap; i++) {
    const struct mc_cset_slot *s = &c->slots[i];
    if(!s->word)
      continue;
    size_t k = slot_of(s->tag, cap);
    while(slots[k].word)          /* not .off: 0.0.0.0 is kept as 0 */
      k = (k + 1) & (cap - 1);
    slots[k] = *s;
  }
  mc_logs_big_free(c->slots, c->cap * sizeof *c->slots);
  c->slots = slots;
  c->cap = cap;
}

/* The arena moved to size bytes, big ones mapped with huge pages where
 * the kernel allows (mc_logs_big_alloc()), as the slots are: grown by
 * realloc() from the heap, its first writes took a page fault every 4 KiB
 * (1M clients, one thread: a twentieth of the run in those faults, on this
 * project's virtual machine). */
static void arena_resize(struct mc_cset *c, size_t size)
{
  char *a = mc_logs_big_alloc(size);
  if(c->used)
    memcpy(a, c->arena, c->used);
  mc_logs_big_free(c->arena, c->size);
  c->arena = a;
  c->size = size;
}

static uint32_t store(struct mc_cset *c, const void *key, size_t n)
{
  if(c->size - c->used < n + 1) {
    size_t size = c->size ? c->size * 2 : 65536;
    while(size - c->used < n + 1)
      size *= 2;
    arena_resize(c, size);
  }
  size_t at = c->used;
  c->arena[at] = (char)n;
  memcpy(c->arena + at + 1, key, n);
  c->used += n + 1;
  return (uint32_t)(at + 1);
}

/* The word (count 0) of the slot of an IPv4 key of endpoint ep (at most
 * 0x7f): used, the endpoint, not text. */
static inline uint64_t v4_word(unsigned ep)
{
  return MC_CSET_USED | (uint64_t)ep << 56;
}

/* Whether a key is an IPv4 one kept in its slot: its word (endpoint, not
 * text) and its address in *addr. */
static inline bool inline_key(const void *key, size_t n, uint64_t *word, uint32_t *addr)
{
  struct mc_key_client h;
  struct mc_slice a;
  if(n != 6 || !mc_key_client_get(key, n, &h, &a) || h.addrlen != MC_KEY_CLIENT_IPV4 ||
     h.ep > 0x7f)
    return false;
  const unsigned char *v = (const unsigned char *)a.p;
  *word = v4_word(h.ep);
  *addr = (uint32_t)v[0] << 24 | (uint32_t)v[1] << 16 | (uint32_t)v[2] << 8 | v[3];
  return true;
}

#define META (~MC_CSET_COUNT_MASK)

/* Whether the text key of slot s is the n bytes of key. */
static inline bool text_is(const struct mc_cset *c, const struct mc_cset_slot *s,
                           const void *key, size_t n)
{
  const unsigned char *p = (const unsigned char *)c->arena + s->off - 1;
  return p[0] == n && mc_agg_key_eq((const char *)p + 1, key, n);
}

/* The slot of a key, or NULL; the slots looked at past the first are
 * added to *walked. v4: an IPv4 key, whose word (endpoint, not text) and
 * address are these; else a text key of n bytes. Always inlined with v4
 * a constant: find_v4() and find_text() each test one kind of slot. */
__attribute__((always_inline))
static inline struct mc_cset_slot *probe(const struct mc_cset *c, uint32_t tag, bool v4,
                                         uint64_t word, uint32_t addr, const void *key,
                                         size_t n, uint64_t *walked)
{
  if(!c->cap)
    return NULL;
  for(size_t k = slot_of(tag, c->cap);; k = (k + 1) & (c->cap - 1), (*walked)++) {
    struct mc_cset_slot *s = &c->slots[k];
    if(!s->word)
      return NULL;
    if(s->tag != tag)
      continue;
    if(v4 ? (s->word & META) == word && s->off == addr :
            mc_cset_is_text(s) && text_is(c, s, key, n))
      return s;
  }
}

static struct mc_cset_slot *find_v4(const struct mc_cset *c, uint64_t word, uint32_t addr,
                                    uint32_t tag, uint64_t *walked)
{
  return probe(c, tag, true, word, addr, NULL, 0, walked);
}

static struct mc_cset_slot *find_text(const struct mc_cset *c, const void *key, size_t n,
                                      uint32_t tag, uint64_t *walked)
{
  return probe(c, tag, false, 0, 0, key, n, walked);
}

static struct mc_cset_slot *find(const struct mc_cset *c, const void *key, size_t n,
                                 uint64_t hash, uint64_t *walked)
{
  uint64_t word;
  uint32_t addr;
  return inline_key(key, n, &word, &addr) ? find_v4(c, word, addr, (uint32_t)hash, walked) :
                                            find_text(c, key, n, (uint32_t)hash, walked);
}

bool mc_cset_has(const struct mc_cset *c, const void *key, size_t n, uint64_t hash)
{
  uint64_t walked = 0;
  return find(c, key, n, hash, &walked) != NULL;
}

static void bump(struct mc_cset_slot *s, uint64_t count)
{
  s->word = (s->word & ~MC_CSET_COUNT_MASK) | ((s->word + count) & MC_CSET_COUNT_MASK);
}

/* The empty slot a new key with this tag takes, the table grown first when
 * it would be more than 7/10 full; NULL when it is full (then the count is
 * dropped), or a text key of n bytes has no room in the arena. */
static struct mc_cset_slot *claim(struct mc_cset *c, uint32_t tag, size_t n, uint64_t count)
{
  if(c->n >= MC_CSET_MAX_KEYS || n > 255 || c->used + n + 1 >= UINT32_MAX) {
    c->dropped += count;
    return NULL;
  }
  if(10 * (c->n + 1) > 7 * c->cap)
    grow(c);
  size_t k = slot_of(tag, c->cap);
  while(c->slots[k].word) {
    k = (k + 1) & (c->cap - 1);
    c->walked++;
  }
  c->n++;
  c->slots[k].tag = tag;
  return &c->slots[k];
}

static void add_v4(struct mc_cset *c, uint64_t word, uint32_t addr, uint32_t tag,
                   uint64_t count)
{
  struct mc_cset_slot *s = find_v4(c, word, addr, tag, &c->walked);
  if(s)
    bump(s, count);
  else if((s = claim(c, tag, 0, count))) {
    s->off = addr;
    s->word = word | (count & MC_CSET_COUNT_MASK);
  }
}

/* meta: the word of the slot the key comes from without its count (a
 * merge: the endpoint and the mark are known), or 0: worked out from the
 * key when it is new. */
static void add_text(struct mc_cset *c, const void *key, size_t n, uint32_t tag,
                     uint64_t count, uint64_t meta)
{
  struct mc_cset_slot *s = find_text(c, key, n, tag, &c->walked);
  if(s) {
    bump(s, count);
    return;
  }
  if(!(s = claim(c, tag, n, count)))
    return;
  s->off = store(c, key, n);
  if(!meta) {
    /* The endpoint in the word is key[0] as far as 7 bits go; the key
       itself, compared in full, is in the arena. */
    struct mc_key_client h;
    struct mc_slice a;
    bool ok = mc_key_client_get(key, n, &h, &a);
    meta = UINT64_C(1) << 63 | MC_CSET_USED | (uint64_t)(ok ? h.ep & 0x7f : 0) << 56 |
           (ok && mc_addr_is_normal(a.p, a.n, (const char *)key + n) ? 0 : MC_CSET_ODD);
  }
  c->odd += !!(meta & MC_CSET_ODD);
  s->word = meta | (count & MC_CSET_COUNT_MASK);
}

void mc_cset_add(struct mc_cset *c, const void *key, size_t n, uint64_t hash, uint64_t count)
{
  uint64_t word;
  uint32_t addr;
  if(inline_key(key, n, &word, &addr))
    add_v4(c, word, addr, (uint32_t)hash, count);
  else
    add_text(c, key, n, (uint32_t)hash, count, 0);
}

void mc_cset_reserve(struct mc_cset *c, size_t n)
{
  if(n > MC_CSET_MAX_KEYS)
    n = MC_CSET_MAX_KEYS;
  size_t cap = c->cap ? c->cap : 1024;
  while(10 * n > 7 * cap)
    cap *= 2;
  while(c->cap < cap)
    grow(c);
}

void mc_cset_merge(struct mc_cset *into, struct mc_cset *from)
{
  if(from->n > into->n) {
    struct mc_cset t = *into;
    *into = *from;
    *from = t;
  }
  size_t want = into->n + from->n;
  mc_cset_reserve(into, want);
  if(into->size - into->used < from->used)
    arena_resize(into, into->used + from->used);
  /* A slot's tag is the hash's low 32 bits, all that placing a key takes:
     no key is hashed again. The slot a key lands in, and a text key's
     record, are fetched eight keys ahead. */
  enum { AHEAD = 8 };
  for(size_t i = 0; i < from->cap; i++) {
    if(i + AHEAD < from->cap && from->slots[i + AHEAD].word) {
      mc_cset_prefetch(into, from->slots[i + AHEAD].tag);
      mc_cset_prefetch_key(from, &from->slots[i + AHEAD]);
    }
    const struct mc_cset_slot *s = &from->slots[i];
    if(!s->word)
      continue;
    /* Straight from the slot, its word (endpoint, mark) kept: an IPv4
       key built from it only to be read back into a word and an address,
       or a text asked again whether it is normal, was work twice. */
    if(mc_cset_is_text(s)) {
      const unsigned char *p = (const unsigned char *)from->arena + s->off - 1;
      add_text(into, p + 1, p[0], s->tag, mc_cset_count(s), s->word & META);
    }
    else
      add_v4(into, s->word & META, s->off, s->tag, mc_cset_count(s));
  }
  into->dropped += from->dropped;
}

/* A dotted IPv4 address with no leading zeros, as IIS writes it: n bytes
 * at p (7 to 15), of which 16 may be loaded. */
#if defined(__SSE2__)
/* All 16 bytes compared at once: the three dots' places give each part's
 * end and length, and each part is read from its last three digit values
 * (a dot, or the padding before the first part, reads as 0), so no branch
 * depends on how many digits a part has: client addresses come in every
 * length, and a branch per digit is mispredicted about twice an address. */
/* The 16 bytes at p as digit values (*d; *isdig: which are digits) and
 * the places of the dots among the first n (*dots): false unless those n
 * are digits and exactly three dots. */
static inline bool quad_bytes(const char *p, size_t n, __m128i *d, __m128i *isdig,
                              unsigned *dots)
{
  __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
  *d = _mm_sub_epi8(v, _mm_set1_epi8('0'));
  *isdig = _mm_cmpeq_epi8(_mm_min_epu8(*d, _mm_set1_epi8(9)), *d);
  unsigned in = (1u << n) - 1;
  unsigned digits = (unsigned)_mm_movemask_epi8(*isdig) & in;
  *dots = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('.'))) & in;
  unsigned two = *dots & (*dots - 1), three = two & (two - 1);
  return (digits | *dots) == in && three && !(three & (three - 1));
}

static inline bool parse_ipv4(const char *p, size_t n, uint32_t *out)
{
  __m128i d, isdig;
  unsigned dots;
  if(!quad_bytes(p, n, &d, &isdig, &dots))
    return false;
  uint8_t b[24] = { 0 };           /* b[3 + i]: the digit value of p[i], 0 for a dot */
  _mm_storeu_si128((__m128i *)(void *)(b + 3), _mm_and_si128(d, isdig));
  unsigned end[4], start[4];
  end[0] = (unsigned)__builtin_ctz(dots);
  dots &= dots - 1;
  end[1] = (unsigned)__builtin_ctz(dots);
  dots &= dots - 1;
  end[2] = (unsigned)__builtin_ctz(dots);
  end[3] = (unsigned)n;
  start[0] = 0;
  start[1] = end[0] + 1;
  start[2] = end[1] + 1;
  start[3] = end[2] + 1;
  unsigned bad = 0;
  uint32_t a = 0;                 /* built in a register: four byte stores read back as
                                     one word waited for the stores (store forwarding) */
  for(int i = 0; i < 4; i++) {
    unsigned len = end[i] - start[i], e = end[i] + 3;
    unsigned x = b[e - 1] + 10u * b[e - 2] + 100u * b[e - 3] * (len >= 3);
    bad |= (len - 1 > 2) | ((len > 1) & (b[start[i] + 3] == 0)) | (x > 255);
    a = a << 8 | (x & 255);
  }
  *out = a;
  return !bad;
}
#else
static inline bool parse_ipv4(const char *p, size_t n, uint32_t *out)
{
  const unsigned char *u = (const unsigned char *)p, *e = u + n;
  *out = 0;
  for(int part = 0; part < 4; part++) {
    if(part && (u >= e || *u++ != '.'))
      return false;
    unsigned v;
    if(u >= e || (v = (unsigned)(*u - '0')) > 9)
      return false;
    u++;
    unsigned d;
    if(u < e && (d = (unsigned)(*u - '0')) <= 9) {
      if(v == 0)
        return false;             /* a leading zero */
      v = v * 10 + d;
      u++;
      if(u < e && (d = (unsigned)(*u - '0')) <= 9) {
        v = v * 10 + d;
        u++;
        if(v > 255)
          return false;
      }
    }
    *out = *out << 8 | v;
  }
  return u == e;
}
#endif

/* The dotted quad of a client address as IIS writes it ("::ffff:" before
 * it allowed) at *a, *an: false when it cannot be one (7 to 15 bytes). */
static inline bool v4_text(const char **a, size_t *an)
{
  const char *p = *a;
  if(*an > 7 && (p[0] == ':' && p[1] == ':' && (p[2] | 0x20) == 'f' && (p[3] | 0x20) == 'f' &&
                 (p[4] | 0x20) == 'f' && (p[5] | 0x20) == 'f' && p[6] == ':')) {
    *a += 7;
    *an -= 7;
  }
  return *an >= 7 && *an <= 15;
}

/* The n bytes at a with 16 loadable: a itself, or a zero-padded copy in
 * copy when the buffer ends before 16 bytes (readable). */
static inline const char *v4_bytes(const char *a, size_t n, const char *readable, char *copy)
{
  if(readable - a >= 16)
    return a;
  memset(copy, 0, 16);
  memcpy(copy, a, n);
  return copy;
}

/* Whether a client address is an IPv4 one as IIS writes it ("::ffff:"
 * before it allowed), into *v4 (the first part in the top byte); bytes of
 * it up to readable may be loaded. */
static inline bool client_ipv4(const char *addr, size_t n, const char *readable, uint32_t *v4)
{
  char copy[16];
  return v4_text(&addr, &n) && parse_ipv4(v4_bytes(addr, n, readable, copy), n, v4);
}

/* The IPv4 addresses of the refs idx[0..n) into v4[], ok[] whether each is
 * one: client_ipv4() for each, or where the CPU has SSSE3 (pick_v4s()) a
 * parser that takes the digits of all four parts in place with one
 * shuffle picked by the parts' lengths, and their values with two
 * multiply-adds: about 40 steps an address against 110. */
typedef void v4s_fn(const struct mc_cset_ref *refs, const uint8_t *idx, size_t n,
                    const char *readable, uint32_t *v4, uint8_t *ok);

static void v4s_sse2(const struct mc_cset_ref *refs, const uint8_t *idx, size_t n,
                     const char *readable, uint32_t *v4, uint8_t *ok)
{
  for(size_t j = 0; j < n; j++) {
    const struct mc_cset_ref *r = &refs[idx[j]];
    ok[j] = client_ipv4(r->addr, r->n, readable, &v4[j]);
  }
}

static v4s_fn *v4s = v4s_sse2;

#if defined(__x86_64__) && defined(__GNUC__)
#include <tmmintrin.h>

/* For each way of cutting a quad into parts of 1 to 3 digits (3^4 = 81,
 * numbered by the lengths in base 3): the shuffle that puts part k's
 * digits in bytes 4k+1 to 4k+3, right-aligned, zeros before (0x80); and the
 * bytes that hold a first digit of a part of two or three (a leading zero
 * there is not IIS's form). */
static struct v4_way {
  uint8_t shuf[16];
  uint16_t lead;
} v4_ways[81];

static void v4_ways_init(void)
{
  for(unsigned id = 0; id < 81; id++) {
    struct v4_way *w = &v4_ways[id];
    memset(w->shuf, 0x80, sizeof w->shuf);
    w->lead = 0;
    unsigned at = 0;
    for(unsigned k = 0; k < 4; k++) {
      unsigned len = id / (k == 0 ? 27 : k == 1 ? 9 : k == 2 ? 3 : 1) % 3 + 1;
      for(unsigned i = 0; i < len; i++)
        w->shuf[4 * k + 4 - len + i] = (uint8_t)(at + i);
      if(len > 1)
        w->lead |= (uint16_t)(1u << (4 * k + 4 - len));
      at += len + 1;                /* the digits and the dot after them */
    }
  }
}

__attribute__((target("ssse3,popcnt,bmi")))
static inline bool parse_ipv4_ssse3(const char *p, size_t n, uint32_t *out)
{
  __m128i d, isdig;
  unsigned dots;
  if(!quad_bytes(p, n, &d, &isdig, &dots))
    return false;
  unsigned e0 = (unsigned)__builtin_ctz(dots);
  dots &= dots - 1;
  unsigned e1 = (unsigned)__builtin_ctz(dots);
  dots &= dots - 1;
  unsigned e2 = (unsigned)__builtin_ctz(dots);
  unsigned l0 = e0 - 1, l1 = e1 - e0 - 2, l2 = e2 - e1 - 2, l3 = (unsigned)n - e2 - 2;
  if((l0 > 2) | (l1 > 2) | (l2 > 2) | (l3 > 2))   /* a part of no digit (wraps), or of 4 */
    return false;
  const struct v4_way *w = &v4_ways[l0 * 27 + l1 * 9 + l2 * 3 + l3];
  __m128i x = _mm_shuffle_epi8(d, _mm_loadu_si128((const __m128i *)(const void *)w->shuf));
  unsigned zero = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_setzero_si128()));
  /* bytes 0 h t o of each part: (0 * 0 + h * 100) + (t * 10 + o * 1) */
  __m128i pairs = _mm_maddubs_epi16(x, _mm_set1_epi32(0x010A6400));
  __m128i parts = _mm_madd_epi16(pairs, _mm_set1_epi16(1));
  __m128i big = _mm_cmpgt_epi32(parts, _mm_set1_epi32(255));
  if((zero & w->lead) || _mm_movemask_epi8(big))
    return false;
  /* each part's value is its word's low byte: the four, first on top */
  __m128i bytes = _mm_shuffle_epi8(parts, _mm_setr_epi8(12, 8, 4, 0, -1, -1, -1, -1, -1, -1,
                                                        -1, -1, -1, -1, -1, -1));
  *out = (uint32_t)_mm_cvtsi128_si32(bytes);
  return true;
}

__attribute__((target("ssse3,popcnt,bmi")))
static void v4s_ssse3(const struct mc_cset_ref *refs, const uint8_t *idx, size_t n,
                      const char *readable, uint32_t *v4, uint8_t *ok)
{
  for(size_t j = 0; j < n; j++) {
    const struct mc_cset_ref *r = &refs[idx[j]];
    const char *a = r->addr;
    size_t an = r->n;
    char copy[16];
    ok[j] = v4_text(&a, &an) && parse_ipv4_ssse3(v4_bytes(a, an, readable, copy), an, &v4[j]);
  }
}

/* SSSE3 unless MIGCHECK_SIMD says "sse2" (the tests compare the two). */
__attribute__((constructor))
static void pick_v4s(void)
{
  const char *limit = getenv("MIGCHECK_SIMD");
  if((!limit || strcmp(limit, "sse2") != 0) && __builtin_cpu_supports("ssse3") &&
     __builtin_cpu_supports("popcnt") && __builtin_cpu_supports("bmi")) {
    v4_ways_init();
    v4s = v4s_ssse3;
  }
}
#endif

size_t mc_cset_client_key_at(char *key, int ep, const char *addr, size_t n, const char *readable)
{
  struct mc_key_client h = { .ep = (uint8_t)ep };
  uint32_t a;
  if(client_ipv4(addr, n, readable, &a)) {
    h.addrlen = MC_KEY_CLIENT_IPV4;
    char v4[4] = { (char)(a >> 24), (char)(a >> 16), (char)(a >> 8), (char)a };
    return mc_key_client_put(key, MC_KEY_CLIENT_MAX, &h, (struct mc_slice){ v4, 4 });
  }
  return mc_key_client_put(key, MC_KEY_CLIENT_MAX, &h, (struct mc_slice){ addr, n });
}

/* mc_agg_hash() of the text client key of the n-byte address addr (its
 * endpoint, its length, its bytes: mc_key_client_put()), read from the
 * address where it lies instead of from the key just built in key: a word
 * loaded across stores that have not reached the cache yet waits for them.
 * Bytes up to readable may be loaded; where they may not, key is hashed. */
static inline uint64_t text_key_hash(const char *key, size_t kn, uint8_t ep, const char *addr,
                                     size_t n, const char *readable)
{
  if(n > MC_KEY_STR_MAX)
    n = MC_KEY_STR_MAX;
  if(n < 8 || kn != n + 2 || readable - addr < (ptrdiff_t)n + 8)
    return mc_agg_hash(key, kn);
  const uint64_t *k = mc_hash_key;
  uint64_t v;
  memcpy(&v, addr, 8);
  uint64_t w = ep | (uint64_t)n << 8 | v << 16;   /* the key's first word */
  uint64_t h = k[0] + (uint64_t)kn * k[1] + k[2] * (uint32_t)w + k[3] * (w >> 32);
  size_t i = 4;
  for(size_t off = 6; off < n; off += 8) {          /* the key's bytes 8, 16 ... */
    memcpy(&v, addr + off, 8);
    if(n - off < 8)
      v &= (UINT64_C(1) << 8 * (n - off)) - 1;
    if(i + 2 > MC_HASH_WORDS)
      i = 2;
    h += k[i] * (uint32_t)v + k[i + 1] * (v >> 32);
    i += 2;
  }
  return mc_agg_hash_mix(h);
}

/* A key bound for another thread's table, as a record in ship (cset.h):
 * its length (0: an IPv4 key, whose endpoint and address follow), whether
 * its count is taken back, its tag (MC_CSET_PACK_HEAD bytes so far), then
 * the key. */
static inline void pack_head(char *p, uint8_t len, uint64_t count, uint32_t tag)
{
  p[0] = (char)len;
  p[1] = (char)(count == (uint64_t)-1);
  memcpy(p + 2, &tag, 4);
}

static void pack_v4(struct mc_cset_ship *sh, unsigned ep, uint32_t addr, uint32_t tag,
                    uint64_t count)
{
  char *p = sh->p + sh->used;
  pack_head(p, 0, count, tag);
  p[MC_CSET_PACK_HEAD] = (char)ep;
  memcpy(p + MC_CSET_PACK_HEAD + 1, &addr, 4);
  sh->used += MC_CSET_PACK_HEAD + 5;
}

static void pack_text(struct mc_cset_ship *sh, const char *key, size_t n, uint32_t tag,
                      uint64_t count)
{
  char *p = sh->p + sh->used;
  pack_head(p, (uint8_t)n, count, tag);
  memcpy(p + MC_CSET_PACK_HEAD, key, n);
  sh->used += MC_CSET_PACK_HEAD + n;
}

void mc_cset_add_packed(struct mc_cset *c, const char *p, size_t n)
{
  const char *end = p + n;
  while(p < end) {
    /* A batch's records read first and their slots fetched, then added:
       each key is new to this thread's caches. */
    struct {
      const char *rec;
      uint32_t tag;
    } b[16];
    size_t nb = 0;
    for(; nb < 16 && p < end; nb++) {
      b[nb].rec = p;
      memcpy(&b[nb].tag, p + 2, 4);
      mc_cset_prefetch(c, b[nb].tag);
      p += MC_CSET_PACK_HEAD + ((unsigned char)p[0] ? (unsigned char)p[0] : 5);
    }
    c->received += nb;
    for(size_t i = 0; i < nb; i++) {
      const char *r = b[i].rec;
      uint64_t count = r[1] ? (uint64_t)-1 : 1;
      size_t len = (unsigned char)r[0];
      if(len)
        add_text(c, r + MC_CSET_PACK_HEAD, len, b[i].tag, count, 0);
      else {
        uint32_t addr;
        memcpy(&addr, r + MC_CSET_PACK_HEAD + 1, 4);
        add_v4(c, v4_word((unsigned char)r[MC_CSET_PACK_HEAD] & 0x7fu), addr, b[i].tag, count);
      }
    }
  }
}

/* Adds count to a key of another thread's partition in this thread's
 * table of it when the key is there or the table has room (fewer than max
 * keys); false: the key is to be shipped. */
static bool near_v4(struct mc_cset *c, size_t max, uint64_t word, uint32_t addr, uint32_t tag,
                    uint64_t count)
{
  if(c->n >= max && !find_v4(c, word, addr, tag, &c->walked))
    return false;
  add_v4(c, word, addr, tag, count);
  return true;
}

static bool near_text(struct mc_cset *c, size_t max, const char *key, size_t n, uint32_t tag,
                      uint64_t count)
{
  if(c->n >= max && !find_text(c, key, n, tag, &c->walked))
    return false;
  add_text(c, key, n, tag, count, 0);
  return true;
}

/* The indices of the n keys to be added where they go into mine (all of
 * them unless full, else those whose partition, part[], is self), the
 * others into far, without a branch; how many are in mine. */
static size_t split(const unsigned *part, size_t n, bool full, unsigned self, uint8_t *mine,
                    uint8_t *far)
{
  size_t nmine = 0, nfar = 0;
  for(size_t j = 0; j < n; j++) {
    bool m = !full || part[j] == self;
    mine[nmine] = far[nfar] = (uint8_t)j;
    nmine += m;
    nfar += !m;
  }
  return nmine;
}

void mc_cset_add_clients(struct mc_cset *parts, unsigned nparts, const struct mc_cset_owner *own,
                         const struct mc_cset_ref *refs, size_t n, const char *readable,
                         uint64_t count)
{
  struct {
    uint64_t word;
    uint32_t addr, tag;
  } v4[MC_CSET_BATCH];
  struct {
    char key[MC_KEY_CLIENT_MAX];
    size_t n;
    uint32_t tag;
  } tx[MC_CSET_BATCH];
  unsigned part4[MC_CSET_BATCH], partt[MC_CSET_BATCH];   /* each key's partition */
  uint8_t maybe[MC_CSET_BATCH] = { 0 }, text[MC_CSET_BATCH];
  size_t nm = 0, nt = 0, n4 = 0;
  if(n > MC_CSET_BATCH)
    n = MC_CSET_BATCH;
  /* Sorted by their look first, without a branch: whether an address is
     IPv4 or IPv6 is a coin toss line by line (three in ten are IPv6 in
     the bench), and every step below branches on it. */
  for(size_t i = 0; i < n; i++) {
    const char *a = refs[i].addr;
    bool v = (refs[i].n - 7 <= 22 - 7) & (((unsigned)(a[0] - '0') <= 9) | (a[0] == ':'));
    maybe[nm] = text[nt] = (uint8_t)i;
    nm += v;
    nt += !v;
  }
  /* IPv4 keys: hashed from a word built in registers; each one's first
     slot fetched. One that does not parse is text after all. */
  uint32_t addrs[MC_CSET_BATCH];
  uint8_t ok[MC_CSET_BATCH];
  v4s(refs, maybe, nm, readable, addrs, ok);
  for(size_t j = 0; j < nm; j++) {
    const struct mc_cset_ref *r = &refs[maybe[j]];
    uint32_t a = addrs[j];
    if(!ok[j]) {
      text[nt++] = maybe[j];
      continue;
    }
    /* The key's bytes: endpoint, IPv4 mark, the address's four in order. */
    uint64_t w = r->ep | (uint64_t)MC_KEY_CLIENT_IPV4 << 8 |
                 (uint64_t)__builtin_bswap32(a) << 16;
    uint64_t hash = mc_agg_hash_word(w, 6);
    v4[n4].word = v4_word(r->ep & 0x7fu);
    v4[n4].addr = a;
    v4[n4].tag = (uint32_t)hash;
    part4[n4] = mc_cset_part(hash, nparts);
    mc_cset_prefetch(&parts[part4[n4]], hash);
    n4++;
  }
  /* Text keys: built for the adds, hashed from the log's bytes. */
  for(size_t j = 0; j < nt; j++) {
    const struct mc_cset_ref *r = &refs[text[j]];
    struct mc_key_client h = { .ep = r->ep };
    tx[j].n = mc_key_client_put(tx[j].key, MC_KEY_CLIENT_MAX, &h,
                                (struct mc_slice){ r->addr, r->n });
    uint64_t hash = text_key_hash(tx[j].key, tx[j].n, r->ep, r->addr, r->n, readable);
    tx[j].tag = (uint32_t)hash;
    partt[j] = mc_cset_part(hash, nparts);
    mc_cset_prefetch(&parts[partt[j]], hash);
  }
  /* Each key goes to parts[its part]: the table the thread owns, or with
     own, while it has room, the thread's near table of another partition.
     Once one of those is full, which partition a key is in decides what is
     done with it, a coin toss too: the thread's own keys and the others'
     are listed apart first, without a branch; the others are added near
     when they are there, else shipped.
     The IPv4 adds give the text keys' slots time to come; then their
     records in the arena are fetched, and the text adds come last (a key
     packed for its owner is read back here, well after it was written
     byte by byte: copied at once, its first word waited on the stores). */
  bool full = false;
  for(unsigned p = 0; own && p < nparts; p++)
    full |= p != own->self && parts[p].n >= own->near_max;
  unsigned self = own ? own->self : 0;
  uint8_t mine[MC_CSET_BATCH], far[MC_CSET_BATCH];
  size_t nmine = split(part4, n4, full, self, mine, far);
  for(size_t i = 0; i < nmine; i++) {
    size_t j = mine[i];
    add_v4(&parts[part4[j]], v4[j].word, v4[j].addr, v4[j].tag, count);
  }
  for(size_t i = 0; i < n4 - nmine; i++) {
    size_t j = far[i];
    if(!near_v4(&parts[part4[j]], own->near_max, v4[j].word, v4[j].addr, v4[j].tag, count))
      pack_v4(&own->ship[part4[j]], (unsigned)(v4[j].word >> 56 & 0x7f), v4[j].addr,
              v4[j].tag, count);
  }
  for(size_t j = 0; j < nt; j++)
    mc_cset_prefetch_text(&parts[partt[j]], tx[j].tag);
  nmine = split(partt, nt, full, self, mine, far);
  for(size_t i = 0; i < nmine; i++) {
    size_t j = mine[i];
    add_text(&parts[partt[j]], tx[j].key, tx[j].n, tx[j].tag, count, 0);
  }
  for(size_t i = 0; i < nt - nmine; i++) {
    size_t j = far[i];
    if(!near_text(&parts[partt[j]], own->near_max, tx[j].key, tx[j].n, tx[j].tag, count))
      pack_text(&own->ship[partt[j]], tx[j].key, tx[j].n, tx[j].tag, count);
  }
}

size_t mc_cset_client_key(char *key, int ep, const char *addr, size_t n)
{
  return mc_cset_client_key_at(key, ep, addr, n, addr + n);
}

void mc_cset_client_text(const char *key, size_t n, int *ep, char *out, size_t outlen)
{
  struct mc_key_client h;
  struct mc_slice a;
  bool ok = mc_key_client_get(key, n, &h, &a);
  *ep = ok ? h.ep : -1;
  if(!ok)
    a = (struct mc_slice){ "", 0 };
  if(ok && h.addrlen == MC_KEY_CLIENT_IPV4 && outlen >= 16) {
    /* Dotted quad by hand: the judge writes one per client it ranks. */
    const unsigned char *v = (const unsigned char *)a.p;
    char *o = out;
    for(int i = 0; i < 4; i++) {
      unsigned x = v[i];
      if(i)
        *o++ = '.';
      if(x >= 100)
        *o++ = (char)('0' + x / 100);
      if(x >= 10)
        *o++ = (char)('0' + x / 10 % 10);
      *o++ = (char)('0' + x % 10);
    }
    *o = '\0';
    return;
  }
  if(!outlen)
    return;
  size_t len = a.n < outlen - 1 ? a.n : outlen - 1;
  memcpy(out, a.p, len);
  out[len] = '\0';
}
