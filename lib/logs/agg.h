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

static inline uint64_t mc_agg_hash(const void *key, size_t n)
{
  const unsigned char *s = key;
  uint64_t h = 0x9E3779B97F4A7C15ull ^ (n * 0xff51afd7ed558ccdull);
  while(n >= 8) {
    uint64_t v;
    memcpy(&v, s, 8);
    h = (h ^ v) * 0xbf58476d1ce4e5b9ull;
    h ^= h >> 31;
    s += 8;
    n -= 8;
  }
  if(n) {
    uint64_t v = 0;
    memcpy(&v, s, n);
    h = (h ^ v) * 0x94d049bb133111ebull;
    h ^= h >> 29;
  }
  return h ^ (h >> 32);
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
  if(!e->count || t < e->first)
    e->first = t;
  if(!e->count || t > e->last)
    e->last = t;
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
