/*
 * agg.c - the counting table (see agg.h): linear probing over a power-of-two
 * array, keys copied into an arena of 64 KiB blocks, the table doubled at
 * half full.
 */
#include "logs/agg.h"

#include <stdlib.h>

#include "util/util.h"

#define BLOCK_SIZE 65536

struct mc_agg_block {
  struct mc_agg_block *next;
  size_t used, size;
  char data[];
};

void mc_agg_init(struct mc_agg *a)
{
  memset(a, 0, sizeof *a);
}

void mc_agg_release(struct mc_agg *a)
{
  MC_AGG_EACH(a, e)
    free(e->ex_text);
  free(a->ents);
  struct mc_agg_block *b = a->arena;
  while(b) {
    struct mc_agg_block *next = b->next;
    free(b);
    b = next;
  }
  memset(a, 0, sizeof *a);
}

static const char *arena_copy(struct mc_agg *a, const void *p, size_t n)
{
  struct mc_agg_block *b = a->arena;
  if(!b || b->size - b->used < n) {
    size_t size = n > BLOCK_SIZE ? n : BLOCK_SIZE;
    b = mc_xmalloc(sizeof *b + size);
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
  struct mc_agg_ent *ents = mc_xcalloc(cap, sizeof *ents);
  for(size_t i = 0; i < a->cap; i++) {
    if(!a->ents[i].key)
      continue;
    size_t k = a->ents[i].hash & (cap - 1);
    while(ents[k].key)
      k = (k + 1) & (cap - 1);
    ents[k] = a->ents[i];
  }
  free(a->ents);
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
