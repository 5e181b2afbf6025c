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
#include "util/util.h"

void mc_cset_init(struct mc_cset *c)
{
  memset(c, 0, sizeof *c);
}

void mc_cset_release(struct mc_cset *c)
{
  mc_logs_big_free(c->slots, c->cap * sizeof *c->slots);
  free(c->arena);
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
    while(slots[k].off)
      k = (k + 1) & (cap - 1);
    slots[k] = *s;
  }
  mc_logs_big_free(c->slots, c->cap * sizeof *c->slots);
  c->slots = slots;
  c->cap = cap;
}

static uint32_t store(struct mc_cset *c, const void *key, size_t n)
{
  if(c->size - c->used < n + 1) {
    size_t size = c->size ? c->size * 2 : 65536;
    while(size - c->used < n + 1)
      size *= 2;
    c->arena = mc_xrealloc(c->arena, size);
    c->size = size;
  }
  size_t at = c->used;
  c->arena[at] = (char)n;
  memcpy(c->arena + at + 1, key, n);
  c->used += n + 1;
  return (uint32_t)(at + 1);
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
  *word = MC_CSET_USED | (uint64_t)h.ep << 56;
  *addr = (uint32_t)v[0] << 24 | (uint32_t)v[1] << 16 | (uint32_t)v[2] << 8 | v[3];
  return true;
}

#define META (~MC_CSET_COUNT_MASK)

/* The key's slot, or NULL; the slots looked at past the first are added
 * to *walked. */
static struct mc_cset_slot *find(const struct mc_cset *c, const void *key, size_t n,
                                 uint64_t hash, uint64_t *walked)
{
  uint32_t tag = (uint32_t)hash;
  if(!c->cap)
    return NULL;
  uint64_t word;
  uint32_t addr;
  bool v4 = inline_key(key, n, &word, &addr);
  size_t k = slot_of(tag, c->cap);
  for(;;) {
    struct mc_cset_slot *s = &c->slots[k];
    if(!s->word)
      return NULL;
    if(s->tag == tag) {
      if(v4) {
        if((s->word & META) == word && s->off == addr)
          return s;
      }
      else if(mc_cset_is_text(s)) {
        const unsigned char *p = (const unsigned char *)c->arena + s->off - 1;
        if(p[0] == n && mc_agg_key_eq((const char *)p + 1, key, n))
          return s;
      }
    }
    k = (k + 1) & (c->cap - 1);
    (*walked)++;
  }
}

bool mc_cset_has(const struct mc_cset *c, const void *key, size_t n, uint64_t hash)
{
  uint64_t walked = 0;
  return find(c, key, n, hash, &walked) != NULL;
}

void mc_cset_add(struct mc_cset *c, const void *key, size_t n, uint64_t hash, uint64_t count)
{
  struct mc_cset_slot *hit = find(c, key, n, hash, &c->walked);
  if(hit) {
    hit->word = (hit->word & ~MC_CSET_COUNT_MASK) | ((hit->word + count) & MC_CSET_COUNT_MASK);
    return;
  }
  if(c->n >= MC_CSET_MAX_KEYS || n > 255 || c->used + n + 1 >= UINT32_MAX) {
    c->dropped += count;
    return;
  }
  if(10 * (c->n + 1) > 7 * c->cap)
    grow(c);
  size_t k = slot_of((uint32_t)hash, c->cap);
  while(c->slots[k].word) {
    k = (k + 1) & (c->cap - 1);
    c->walked++;
  }
  struct mc_cset_slot *s = &c->slots[k];
  uint64_t word;
  uint32_t addr;
  if(inline_key(key, n, &word, &addr))
    s->off = addr;
  else {
    /* Text: the endpoint in the word is key[0] as far as 7 bits go; the
       key itself, compared in full, is in the arena. */
    struct mc_key_client h;
    struct mc_slice a;
    s->off = store(c, key, n);
    word = UINT64_C(1) << 63 | MC_CSET_USED |
           (uint64_t)(mc_key_client_get(key, n, &h, &a) ? h.ep & 0x7f : 0) << 56;
  }
  s->tag = (uint32_t)hash;
  s->word = word | (count & MC_CSET_COUNT_MASK);
  c->n++;
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
  if(into->size - into->used < from->used) {
    into->size = into->used + from->used;
    into->arena = mc_xrealloc(into->arena, into->size);
  }
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
    size_t n;
    char buf[MC_CSET_KEY_MAX];
    const char *key = mc_cset_key(from, s, buf, &n);
    mc_cset_add(into, key, n, s->tag, mc_cset_count(s));
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
static bool parse_ipv4(const char *p, size_t n, uint8_t out[4])
{
  __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
  __m128i d = _mm_sub_epi8(v, _mm_set1_epi8('0'));
  __m128i isdig = _mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8(9)), d);
  unsigned in = (1u << n) - 1;
  unsigned digits = (unsigned)_mm_movemask_epi8(isdig) & in;
  unsigned dots = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('.'))) & in;
  unsigned two = dots & (dots - 1), three = two & (two - 1);
  if((digits | dots) != in || !three || (three & (three - 1)))
    return false;                 /* not digits and exactly three dots */
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
  for(int i = 0; i < 4; i++) {
    unsigned len = end[i] - start[i], e = end[i] + 3;
    unsigned x = b[e - 1] + 10u * b[e - 2] + 100u * b[e - 3] * (len >= 3);
    bad |= (len - 1 > 2) | ((len > 1) & (b[start[i] + 3] == 0)) | (x > 255);
    out[i] = (uint8_t)x;
  }
  return !bad;
}
#else
static bool parse_ipv4(const char *p, size_t n, uint8_t out[4])
{
  const unsigned char *u = (const unsigned char *)p, *e = u + n;
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
    out[part] = (uint8_t)v;
  }
  return u == e;
}
#endif

size_t mc_cset_client_key_at(char *key, int ep, const char *addr, size_t n, const char *readable)
{
  struct mc_key_client h = { .ep = (uint8_t)ep };
  const char *a = addr;
  size_t an = n;
  if(an > 7 && (a[0] == ':' && a[1] == ':' && (a[2] | 0x20) == 'f' && (a[3] | 0x20) == 'f' &&
                (a[4] | 0x20) == 'f' && (a[5] | 0x20) == 'f' && a[6] == ':')) {
    a += 7;
    an -= 7;
  }
  if(an >= 7 && an <= 15) {
    char copy[16];
    if(readable - a < 16) {          /* near the end of the buffer */
      memset(copy, 0, sizeof copy);
      memcpy(copy, a, an);
      a = copy;
    }
    uint8_t v4[4];
    if(parse_ipv4(a, an, v4)) {
      h.addrlen = MC_KEY_CLIENT_IPV4;
      return mc_key_client_put(key, MC_KEY_CLIENT_MAX, &h, (struct mc_slice){ (char *)v4, 4 });
    }
  }
  return mc_key_client_put(key, MC_KEY_CLIENT_MAX, &h, (struct mc_slice){ addr, n });
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
