/*
 * agg.c - the counting table (see agg.h): linear probing over a power-of-two
 * array, keys copied into an arena of 64 KiB blocks, the table doubled at
 * half full.
 *
 * Memory: tables of a million keys are hundreds of MB touched at random, so
 * big arrays and arena blocks are mapped directly, asking for huge pages
 * (one fault and one TLB entry per 2 MiB instead of per 4 KiB), and come
 * zeroed from the kernel (no calloc pass, no read-then-write fault pair).
 * Arena blocks grow from 64 KiB to 4 MiB as the table grows.
 */
#include "logs/agg.h"

#include <pthread.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

#include "util/plat.h"
#include "util/util.h"

#define BLOCK_SIZE 65536
#define BLOCK_MAX (4u << 20)
#define BIG (2u << 20)            /* from here on: mmap, huge pages where allowed */

struct mc_agg_block {
  struct mc_agg_block *next;
  size_t used, size;
  char data[];
};

uint64_t mc_hash_key[MC_HASH_WORDS];

void mc_logs_hash_set(uint64_t x)
{
  for(size_t i = 0; i < MC_HASH_WORDS; i++) {
    uint64_t z = (x += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ z >> 30) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ z >> 27) * UINT64_C(0x94D049BB133111EB);
    mc_hash_key[i] = z ^ z >> 31;
  }
}

/* A random key for each run, before any table is used. Should the
 * operating system give no random bytes, the time and where this process
 * was loaded still vary from run to run. */
__attribute__((constructor))
static void hash_key_init(void)
{
  uint64_t x;
  if(mc_plat_random(&x, sizeof x) != MC_OK)
    x = (uint64_t)time(NULL) ^ (uint64_t)(uintptr_t)&x ^ (uint64_t)(uintptr_t)mc_hash_key;
  mc_logs_hash_set(x);
}

/* Zeroed memory; big sizes straight from the kernel. */
void *mc_logs_big_alloc(size_t size)
{
  if(size < BIG)
    return mc_xcalloc(1, size);
  void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if(p == MAP_FAILED)
    return mc_xcalloc(1, size);   /* exits when that fails too */
#ifdef MADV_HUGEPAGE
  madvise(p, size, MADV_HUGEPAGE);
#endif
  return p;
}

void mc_logs_big_free(void *p, size_t size)
{
  if(!p)
    return;
  if(size < BIG)
    free(p);
  else
    munmap(p, size);
}

void mc_logs_on_threads(void *items, size_t stride, unsigned n, void *(*fn)(void *))
{
  if(!n)
    return;
  pthread_t *th = mc_xcalloc(n, sizeof *th);
  char *at = items;
  unsigned started = 1;
  for(unsigned i = 1; i < n; i++) {
    if(pthread_create(&th[i], NULL, fn, at + i * stride) != 0)
      break;
    started++;
  }
  for(unsigned i = started; i < n; i++)
    fn(at + i * stride);
  fn(at);
  for(unsigned i = 1; i < started; i++)
    pthread_join(th[i], NULL);
  free(th);
}

void mc_agg_init(struct mc_agg *a)
{
  memset(a, 0, sizeof *a);
}

void mc_agg_release(struct mc_agg *a)
{
  MC_AGG_EACH(a, e)
    free(e->ex_text);
  mc_logs_big_free(a->ents, a->cap * sizeof *a->ents);
  struct mc_agg_block *b = a->arena;
  while(b) {
    struct mc_agg_block *next = b->next;
    mc_logs_big_free(b, sizeof *b + b->size);
    b = next;
  }
  memset(a, 0, sizeof *a);
}

static const char *arena_copy(struct mc_agg *a, const void *p, size_t n)
{
  struct mc_agg_block *b = a->arena;
  if(!b || b->size - b->used < n) {
    size_t size = b ? b->size * 2 : BLOCK_SIZE;
    if(size > BLOCK_MAX)
      size = BLOCK_MAX;
    if(size < n)
      size = n;
    if(size >= BIG && size - sizeof *b >= n)
      size -= sizeof *b;          /* the block with its header: whole huge pages */
    b = mc_logs_big_alloc(sizeof *b + size);
    b->size = size;
    b->used = 0;
    b->next = a->arena;
    a->arena = b;
  }
  char *dst = b->data + b->used;
  memcpy(dst, p, n);
  b->used += n;
  return dst;
}

static void grow(struct mc_agg *a)
{
  size_t cap = a->cap ? a->cap * 2 : 256;
  struct mc_agg_ent *ents = mc_logs_big_alloc(cap * sizeof *ents);
  for(size_t i = 0; i < a->cap; i++) {
    if(!a->ents[i].key)
      continue;
    size_t k = a->ents[i].hash & (cap - 1);
    while(ents[k].key)
      k = (k + 1) & (cap - 1);
    ents[k] = a->ents[i];
  }
  mc_logs_big_free(a->ents, a->cap * sizeof *a->ents);
  a->ents = ents;
  a->cap = cap;
}

struct mc_agg_ent *mc_agg_get(struct mc_agg *a, const void *key, size_t klen, uint64_t hash,
                              bool *fresh)
{
  *fresh = false;
  if(a->cap) {
    size_t k = hash & (a->cap - 1);
    for(;;) {
      struct mc_agg_ent *e = &a->ents[k];
      if(!e->key)
        break;
      if(e->hash == hash && e->klen == klen && mc_agg_key_eq(e->key, key, klen))
        return e;
      k = (k + 1) & (a->cap - 1);
    }
  }
  if(a->n >= MC_AGG_MAX_KEYS)
    return NULL;
  if(2 * (a->n + 1) > a->cap)
    grow(a);
  size_t k = hash & (a->cap - 1);
  while(a->ents[k].key)
    k = (k + 1) & (a->cap - 1);
  struct mc_agg_ent *e = &a->ents[k];
  e->hash = hash;
  e->key = arena_copy(a, key, klen);
  e->klen = (uint32_t)klen;
  a->n++;
  *fresh = true;
  return e;
}

void mc_agg_example(struct mc_agg_ent *e, uint32_t file, uint64_t line, const char *text,
                    size_t n)
{
  if(n > MC_AGG_EXAMPLE_MAX)
    n = MC_AGG_EXAMPLE_MAX;
  free(e->ex_text);
  e->ex_text = mc_xstrndup(text, n);
  e->ex_file = file;
  e->ex_line = line;
}

void mc_agg_merge(struct mc_agg *into, struct mc_agg *from)
{
  if(from->n > into->n) {
    /* The merge is symmetric (counts add, the earliest example wins): insert
       the smaller table's keys into the larger one, never the other way. */
    struct mc_agg t = *into;
    *into = *from;
    *from = t;
  }
  MC_AGG_EACH(from, f) {
    bool fresh;
    struct mc_agg_ent *e = mc_agg_get(into, f->key, f->klen, f->hash, &fresh);
    if(!e) {
      into->dropped += f->count;
      continue;
    }
    if(!e->count || f->first < e->first)
      e->first = f->first;
    if(!e->count || f->last > e->last)
      e->last = f->last;
    e->count += f->count;
    if(f->ex_text && (!e->ex_text || f->ex_file < e->ex_file ||
                      (f->ex_file == e->ex_file && f->ex_line < e->ex_line))) {
      free(e->ex_text);
      e->ex_text = f->ex_text;
      e->ex_file = f->ex_file;
      e->ex_line = f->ex_line;
      f->ex_text = NULL;
    }
  }
  into->dropped += from->dropped;
}

/* memcmp order on keys, the shorter first when one starts the other. */
static int key_cmp(const struct mc_agg_ent *x, const struct mc_agg_ent *y)
{
  size_t n = x->klen < y->klen ? x->klen : y->klen;
  int c = memcmp(x->key, y->key, n);
  if(c)
    return c;
  return x->klen < y->klen ? -1 : x->klen > y->klen;
}

static int cmp_key(const void *a, const void *b)
{
  return key_cmp(*(struct mc_agg_ent *const *)a, *(struct mc_agg_ent *const *)b);
}

static int cmp_count(const void *a, const void *b)
{
  const struct mc_agg_ent *x = *(struct mc_agg_ent *const *)a;
  const struct mc_agg_ent *y = *(struct mc_agg_ent *const *)b;
  if(x->count != y->count)
    return x->count > y->count ? -1 : 1;
  return key_cmp(x, y);
}

struct mc_agg_ent **mc_agg_sorted(const struct mc_agg *a, bool by_count, size_t *n)
{
  struct mc_agg_ent **v = mc_xcalloc(a->n ? a->n : 1, sizeof *v);
  size_t k = 0;
  MC_AGG_EACH(a, e)
    v[k++] = e;
  if(k > 1)
    qsort(v, k, sizeof *v, by_count ? cmp_count : cmp_key);
  *n = k;
  return v;
}
