/*
 * agg.h - the counting table of the log scan: byte-string keys to a count,
 * the first and last time seen, and one example line.
 *
 * Each scan range counts into its own table (no locks on the hot path);
 * tables are merged when a file is finished and again at the end. Memory
 * grows with the number of distinct keys only (servers x statuses, clients,
 * hours), never with the size of the logs, and a table stops taking new
 * keys at MC_AGG_MAX_KEYS (counted in dropped). Keys are built by scan.c
 * and read back by verdicts.c (layouts in keys.h).
 */
#ifndef MC_LOGS_AGG_H
#define MC_LOGS_AGG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define MC_AGG_MAX_KEYS (1u << 22)
#define MC_AGG_EXAMPLE_MAX 600   /* bytes of an example line kept */

struct mc_agg_ent {
  uint64_t hash;
  const char *key;            /* in the table's arena */
  uint32_t klen;
  uint32_t ex_file;           /* the example: file index, */
  uint64_t ex_line;           /* line (1-based; range-relative until fixed up) */
  char *ex_text;              /* and its text (owned), NULL when none kept */
  uint64_t count;
  int64_t first, last;        /* seconds since the epoch, UTC */
};

struct mc_agg_block;

struct mc_agg {
  struct mc_agg_ent *ents;    /* open addressing, cap a power of two */
  size_t cap, n;
  struct mc_agg_block *arena;
  uint64_t dropped;           /* lines whose new key found the table full */
};

void mc_agg_init(struct mc_agg *a);

/* Zeroed memory for the big tables of lib/logs: from 2 MiB on, mapped with
 * huge pages where the kernel allows them. Freed with the same size. */
void *mc_logs_big_alloc(size_t size);
void mc_logs_big_free(void *p, size_t size);

/* Runs fn on each of n items (stride bytes apart from items), one thread
 * each, the caller's thread one of them; those a thread could not be made
 * for run on the caller's thread. Returns when all are done. */
void mc_logs_on_threads(void *items, size_t stride, unsigned n, void *(*fn)(void *));
void mc_agg_release(struct mc_agg *a);

/* The key of the hash below: random for each run (drawn once from the
 * operating system; mc_logs_hash_set() for tests), so that nobody who
 * writes a log or a summary can choose client addresses that all land in
 * one place of a table (hash flooding: every add then walks all the ones
 * before it, and a crafted file of a million such lines would take hours).
 * Words 0 and 1 take the length, then two for each 8 bytes of the key. */
#define MC_HASH_WORDS 160
extern uint64_t mc_hash_key[MC_HASH_WORDS];

/* Sets the key from x (splitmix64): the same x, the same hash. */
void mc_logs_hash_set(uint64_t x);

/* The end of mc_agg_hash(): the sum's top 32 bits mixed (MurmurHash3's
 * finalizer, a bijection: keys that differ in the sum differ after it).
 * The sum of keys in a row (a NAT pool's 10.0.0.1, .2, .3 ...) is a row
 * too, which linear probing placed in long runs for one random key in
 * six: 200,000 such addresses walked over 4 slots an add. */
static inline uint64_t mc_agg_hash_mix(uint64_t h)
{
  uint32_t t = (uint32_t)(h >> 32);
  t ^= t >> 16;
  t *= UINT32_C(0x85EBCA6B);
  t ^= t >> 13;
  t *= UINT32_C(0xC2B2AE35);
  t ^= t >> 16;
  return t;
}

/* Multilinear hashing (Lemire and Kaser, "Strongly universal string
 * hashing is fast"): the key in 32-bit pieces, each times its own random
 * word, summed with the length's modulo 2^64; the top 32 bits of the sum
 * are strongly universal, whatever keys are chosen, as long as the words
 * are not known. Those 32 bits, mixed, are the result (the tag the client
 * table places a key by, its partition taken from them too, cset.h; the
 * counting table's index). A key longer than
 * the words cover uses them again (keys here are at most about 620 bytes,
 * which they cover). */
static inline uint64_t mc_agg_hash(const void *key, size_t n)
{
  const unsigned char *s = key;
  const uint64_t *k = mc_hash_key;
  uint64_t h = k[0] + (uint64_t)n * k[1];
  size_t i = 2;
  while(n >= 8) {
    uint64_t v;
    memcpy(&v, s, 8);
    if(i + 2 > MC_HASH_WORDS)
      i = 2;
    h += k[i] * (uint32_t)v + k[i + 1] * (v >> 32);
    i += 2;
    s += 8;
    n -= 8;
  }
  if(n) {
    uint64_t v = 0;
    memcpy(&v, s, n);
    if(i + 2 > MC_HASH_WORDS)
      i = 2;
    h += k[i] * (uint32_t)v + k[i + 1] * (v >> 32);
  }
  return mc_agg_hash_mix(h);
}

/* mc_agg_hash() of a key of n <= 8 bytes given as the word they make
 * (the first byte lowest, bytes past n zero), as the client scan builds an
 * IPv4 key: in registers, where a key stored a byte or two at a time and
 * read back as a word waits for the stores to reach the cache first. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "mc_agg_hash_word() builds the word mc_agg_hash() loads as a little-endian one"
#endif
static inline uint64_t mc_agg_hash_word(uint64_t v, size_t n)
{
  const uint64_t *k = mc_hash_key;
  return mc_agg_hash_mix(k[0] + (uint64_t)n * k[1] + k[2] * (uint32_t)v + k[3] * (v >> 32));
}

/* Keys are short: compared a word at a time, without a call. */
static inline bool mc_agg_key_eq(const char *a, const char *b, size_t n)
{
  while(n >= 8) {
    uint64_t x, y;
    memcpy(&x, a, 8);
    memcpy(&y, b, 8);
    if(x != y)
      return false;
    a += 8;
    b += 8;
    n -= 8;
  }
  while(n--) {
    if(*a++ != *b++)
      return false;
  }
  return true;
}

/* The entry for key, inserted with count 0 (and *fresh set) when new; NULL
 * when the table is full (a.dropped is not touched: the caller counts). */
struct mc_agg_ent *mc_agg_get(struct mc_agg *a, const void *key, size_t klen, uint64_t hash,
                              bool *fresh);

/* Counts one occurrence at time t. */
static inline void mc_agg_hit(struct mc_agg_ent *e, int64_t t)
{
  /* stored whether they change or not: a branch on whether the time moved
     on was mispredicted at every new second of every key */
  int64_t first = e->count ? e->first : t, last = e->count ? e->last : t;
  e->first = t < first ? t : first;
  e->last = t > last ? t : last;
  e->count++;
}

/* Keeps the line as the entry's example (copied, cut at MC_AGG_EXAMPLE_MAX). */
void mc_agg_example(struct mc_agg_ent *e, uint32_t file, uint64_t line, const char *text,
                    size_t n);

/* Adds every entry of from into into; examples move to into when earlier
 * (file index, then line). The smaller table is merged into the larger one,
 * so from may come back holding either: the caller releases it. */
void mc_agg_merge(struct mc_agg *into, struct mc_agg *from);

/* The entries of a in an order that does not depend on how the table was
 * filled (which thread counted what first): the most counted first, then by
 * key (by_count), or by key alone. NULL-free array of *n entries, to free. */
struct mc_agg_ent **mc_agg_sorted(const struct mc_agg *a, bool by_count, size_t *n);

/* Calls fn for each entry, in table order (which can differ from run to
 * run: mc_agg_sorted() for anything shown or written). */
#define MC_AGG_EACH(a, e) \
  for(struct mc_agg_ent *e = (a)->ents; e && e < (a)->ents + (a)->cap; e++) \
    if(e->key)

#endif
