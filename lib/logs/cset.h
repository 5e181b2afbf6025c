/*
 * cset.h - the client table of the log scan: (endpoint, client address) to
 * a request count, and nothing else, in as little memory as a key allows.
 *
 * Real front ends see 10^4 to 10^6 distinct clients a day, so this is the
 * one table of the scan whose size follows the data. A slot is 16 bytes
 * (count and endpoint, the key, 32 bits of the hash): an IPv4 address is
 * kept in the slot itself (no second memory access to compare it), any other
 * key in one arena the slot points into. The agg table (agg.h) keeps the rest: few keys, each
 * with its first and last time and an example line.
 *
 * The hash space is cut into one partition per scan thread, and each
 * thread owns one table: the keys of its own lines that fall in its
 * partition it adds itself, the others it packs and ships to their owner
 * (mc_cset_ship), who adds them between its own lines. Every key is held
 * once, in one table, and nothing is merged at the end. Counts add;
 * merging (summaries) is symmetric. Internal to lib/logs.
 */
#ifndef MC_LOGS_CSET_H
#define MC_LOGS_CSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "logs/keys.h"

#define MC_CSET_MAX_KEYS (1u << 24)

struct mc_cset_slot {
  uint64_t word;                /* the count (bits 0-53), a text that may not be in its
                                   normal form (bit 54), used (bit 55), the key's endpoint
                                   (bits 56-62), its address kept as text (bit 63); 0: empty.
                                   The judge reads them without a look at the arena */
  uint32_t off;                 /* an IPv4 address (its 4 bytes), or the offset of the key's
                                   length byte in the arena + 1 */
  uint32_t tag;                 /* the hash's low 32 bits */
};

#define MC_CSET_KEY_MAX 258     /* bytes of a key as mc_cset_key() gives it */

struct mc_cset {
  struct mc_cset_slot *slots;   /* linear probing, cap a power of two, at most 7/10 full */
  size_t cap, n;
  char *arena;                  /* records: one length byte, then the key */
  size_t used, size;
  uint64_t dropped;             /* counts whose new key found the table full */
  uint64_t walked;              /* slots adds looked at past the one a key starts at: a
                                   few per add in a healthy table (the tests check) */
  uint64_t received;            /* counts added from records another thread packed
                                   (mc_cset_add_packed()) */
  size_t odd;                   /* text keys marked MC_CSET_ODD (their normal form may
                                   be another text): none, and the judge skips its pass
                                   over the slots looking for them */
};

void mc_cset_init(struct mc_cset *c);
void mc_cset_release(struct mc_cset *c);

/* Adds count under key (at most 255 bytes). */
void mc_cset_add(struct mc_cset *c, const void *key, size_t n, uint64_t hash, uint64_t count);

/* The slot a key whose hash has the low 32 bits tag starts probing at, in
 * a table of cap slots (a power of two): the top bits of the tag times an
 * odd constant (Fibonacci hashing). Read in slot order, a table's keys
 * then come in the order of their slots in a table of any other size too,
 * so adding them into one given room first (mc_cset_reserve(): a merge, a
 * summary read back) goes through it from start to end. With the tag's
 * low bits, a bigger table's keys came into a smaller one as runs that
 * each covered the whole table. */
static inline size_t mc_cset_index(uint32_t tag, size_t cap)
{
  return cap > 1 ? (size_t)((uint32_t)(tag * UINT32_C(0x9E3779B1)) >> (32 - __builtin_ctzll(cap)))
                 : 0;
}

/* Asks the CPU to fetch the slot a key with this hash starts probing at
 * (the scan adds a line's client one line later, the fetch in between).
 * Always inlined: GCC finds a function whose only statement is a
 * prefetch free of side effects and drops calls to it (the pure-const
 * pass, before inlining); so it did to both of these until 2026-12, and
 * the scan ran without them. tests/logs/prefetch.py checks the binary
 * for them. */
__attribute__((always_inline))
static inline void mc_cset_prefetch(const struct mc_cset *c, uint64_t hash)
{
  if(c->cap)
    __builtin_prefetch(&c->slots[mc_cset_index((uint32_t)hash, c->cap)], 1);
}

/* The second step, once the slot has come: a text key's record in the
 * arena, when the first slot probed holds a key with the same tag. */
__attribute__((always_inline))
static inline void mc_cset_prefetch_text(const struct mc_cset *c, uint64_t hash)
{
  if(!c->cap)
    return;
  /* Without a branch on what the slot holds: whether a line's client is
     IPv6 is a coin toss, and the branch was mispredicted on a third of the
     lines. A slot that holds no text of this key fetches the arena's
     start, which costs nothing (a prefetch never faults). */
  const struct mc_cset_slot *s = &c->slots[mc_cset_index((uint32_t)hash, c->cap)];
  uint64_t text = s->word >> 63 & (uint64_t)(s->tag == (uint32_t)hash);
  /* In integers: the arena may not be there yet (NULL), and NULL + 0 is
     undefined in C (UBSan says so). */
  __builtin_prefetch((const void *)((uintptr_t)c->arena + ((uintptr_t)(s->off - 1) &
                                                           (uintptr_t)-text)));
}

/* Grows c until n keys (at most MC_CSET_MAX_KEYS) fit under 7/10 full, in
 * one step. Keys added in the order of their slots (one table read into
 * another, see mc_cset_index()) need the room made first: into a table
 * that grows as they come, the first half of them all start in the first
 * part of a table sized for half of them, one cluster running over its
 * end that every later key walks (merging two summaries of 1M clients took
 * 41 s so). */
void mc_cset_reserve(struct mc_cset *c, size_t n);
/* Whether key is in the table. */
bool mc_cset_has(const struct mc_cset *c, const void *key, size_t n, uint64_t hash);

/* Adds every key of from to into (the smaller table into the larger one;
 * from comes back holding either, for the caller to release). */
void mc_cset_merge(struct mc_cset *into, struct mc_cset *from);

#define MC_CSET_COUNT_MASK ((UINT64_C(1) << 54) - 1)
/* A text key whose address mc_addr_is_normal() did not find normal when it
 * was added (the text was at hand then): the judge reads only these texts
 * to find the keys to move onto their normal form, not the 300k of a
 * 1M-client log, each a cache miss in the arena. */
#define MC_CSET_ODD (UINT64_C(1) << 54)
#define MC_CSET_USED (UINT64_C(1) << 55)

/* Counts add modulo 2^54 (a pass that takes counts back adds 2^54 - 1). */
static inline uint64_t mc_cset_count(const struct mc_cset_slot *s)
{
  return s->word & MC_CSET_COUNT_MASK;
}

static inline int mc_cset_ep(const struct mc_cset_slot *s)
{
  return (int)(s->word >> 56 & 0x7f);
}

/* Whether the key's address is kept as text (not an IPv4 address). */
static inline bool mc_cset_is_text(const struct mc_cset_slot *s)
{
  return s->word >> 63;
}

/* The address of a slot that is not text, as ::ffff:a.b.c.d. */
static inline void mc_cset_ipv4(const struct mc_cset_slot *s, uint8_t a[16])
{
  memset(a, 0, 10);
  a[10] = a[11] = 0xff;
  for(int i = 0; i < 4; i++)
    a[12 + i] = (uint8_t)(s->off >> (24 - 8 * i));
}

/* The key of a used slot: in the arena, or built in buf (an IPv4 key). */
static inline const char *mc_cset_key(const struct mc_cset *c, const struct mc_cset_slot *s,
                                      char buf[MC_CSET_KEY_MAX], size_t *n)
{
  if(!mc_cset_is_text(s)) {
    struct mc_key_client h = { .ep = (uint8_t)mc_cset_ep(s), .addrlen = MC_KEY_CLIENT_IPV4 };
    char v4[4];
    for(int i = 0; i < 4; i++)
      v4[i] = (char)(s->off >> (24 - 8 * i));
    *n = mc_key_client_put(buf, MC_CSET_KEY_MAX, &h, (struct mc_slice){ v4, 4 });
    return buf;
  }
  const unsigned char *p = (const unsigned char *)c->arena + s->off - 1;
  *n = p[0];
  return (const char *)p + 1;
}

/* Asks the CPU to fetch the text of a used slot's key (nothing for an IPv4
 * key, which is in the slot): a pass over a table in slot order reads the
 * texts in the order they were added, one cache miss each unless fetched
 * some slots ahead. Always inlined (see mc_cset_prefetch()). */
__attribute__((always_inline))
static inline void mc_cset_prefetch_key(const struct mc_cset *c, const struct mc_cset_slot *s)
{
  if(mc_cset_is_text(s))
    __builtin_prefetch(c->arena + s->off - 1);
}

#define MC_CSET_EACH(c, s) \
  for(struct mc_cset_slot *s = (c)->slots; s && s < (c)->slots + (c)->cap; s++) \
    if(s->word)

/* The partition of a key's hash among nparts: the tag's top bits, never
 * the bits its slot index is taken from (the top bits of the tag times an
 * odd constant, mc_cset_index()), or each partition's keys would all
 * start in one part of its table and pile into one cluster there. So they
 * did from 2026-12-03 (the partition came from the tag times the same
 * constant) until a profile of two threads found every add walking that
 * cluster: a third of the run, where one thread spent 4%. Within a
 * partition the tags are one contiguous share of all 32-bit values, which
 * the multiply spreads over the whole table. A multiply and a shift, not a
 * division (it runs for every endpoint line). */
static inline unsigned mc_cset_part(uint64_t hash, unsigned nparts)
{
  return (unsigned)(((uint64_t)(uint32_t)hash * nparts) >> 32);
}

/* The client key (keys.h) of an address: an IPv4 one as 4 bytes when it is
 * dotted as IIS writes it (no leading zeros; "::ffff:" before it dropped),
 * else the text as logged. Returns the key length (at most
 * MC_KEY_CLIENT_MAX). */
size_t mc_cset_client_key(char *key, int ep, const char *addr, size_t n);
/* The same for an address in a buffer whose bytes up to readable may be
 * loaded (16 at once, past the address: no copy). */
size_t mc_cset_client_key_at(char *key, int ep, const char *addr, size_t n, const char *readable);

/* A client address as a line logged it, for mc_cset_add_clients(): addr
 * points to at least one readable byte ("" when the layout logs none). */
struct mc_cset_ref {
  const char *addr;
  uint32_t n;
  uint8_t ep;
};

#define MC_CSET_BATCH 32

/* Keys bound for a table another thread owns, packed as records (a few
 * bytes of head, then the key: 11 bytes for an IPv4 one) at p + used; the
 * caller leaves room for MC_CSET_SHIP_ROOM more before each call of
 * mc_cset_add_clients(), and hands the bytes to the owner, who adds them
 * with mc_cset_add_packed(). */
struct mc_cset_ship {
  char *p;
  size_t used;
};

#define MC_CSET_PACK_HEAD 6     /* bytes of a record before its key */
#define MC_CSET_SHIP_ROOM (MC_CSET_BATCH * (MC_CSET_PACK_HEAD + MC_KEY_CLIENT_MAX))

/* A scan thread's place among nparts: parts[self] is the table it owns; in
 * its table parts[p] of another partition it counts the keys it has seen
 * first, up to near_max of them (cheap while that table stays in the CPU's
 * cache, and nothing to ship for a log of few clients); any other key of p
 * it packs into ship[p]. */
struct mc_cset_owner {
  unsigned self;
  size_t near_max;
  struct mc_cset_ship *ship;
};

/* Adds count under the client key of each of the n (at most MC_CSET_BATCH)
 * refs, into parts[p], p = mc_cset_part(its hash, nparts); with own, a key
 * of another partition than own->self as struct mc_cset_owner says (count
 * is 1 or (uint64_t)-1 then, to take one back: the records carry no
 * other). The counts come out as mc_cset_client_key() and mc_cset_add()
 * one by one give them, in another order (IPv4 keys first: each step runs
 * for many keys of one kind, not a coin toss per line of which kind comes
 * next, and each key's slot is fetched while the others are worked out).
 * Bytes of the addresses up to readable may be loaded. */
void mc_cset_add_clients(struct mc_cset *parts, unsigned nparts, const struct mc_cset_owner *own,
                         const struct mc_cset_ref *refs, size_t n, const char *readable,
                         uint64_t count);

/* Adds the n bytes of records mc_cset_add_clients() packed into a ship. */
void mc_cset_add_packed(struct mc_cset *c, const char *p, size_t n);

/* The address of a client key as text (IPv4 dotted, else as logged) into
 * out; its endpoint in *ep. */
void mc_cset_client_text(const char *key, size_t n, int *ep, char *out, size_t outlen);

#endif
