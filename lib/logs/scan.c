/*
 * scan.c - the log scanning engine: find the files, detect their format,
 * cut them into ranges at line boundaries, count every line on all CPUs,
 * merge. It judges nothing (verdicts.c does).
 *
 * Invariants:
 *  - A plain file is cut into ranges of whole lines. Each range is read
 *    with pread() a chunk at a time into its thread's buffer (never mapped:
 *    a file that shrinks, or a share that drops, is then an error to report,
 *    not SIGBUS) and scanned into the thread's own counting table, so the
 *    hot loop takes no lock. A .gz file is one range, inflated in a bounded
 *    buffer by the thread that scans it.
 *  - A line is only meaningful with the #Fields layout above it. A range that
 *    starts mid-file assumes the file's first layout; if its first data line
 *    does not fit, the layout the range before started with; if that does
 *    not fit either, it looks back for the nearest #Fields line. When the last
 *    range of a file is done, the thread that finished it checks every
 *    range's assumption against the layout really in effect (the one the
 *    range before ended with) and scans a range again when they differ. Then
 *    line numbers become absolute and the file's tables are merged into that
 *    thread's table; the threads' tables are merged at the end.
 *  - Client keys (the one table that grows with the data) are held once,
 *    but for the first 32k a thread sees of other partitions: each thread
 *    owns the table of one partition
 *    of the hash space and ships the keys of the others to their owners in
 *    blocks (struct inbox, a lock a block of about 3,000 keys); nothing of
 *    them is merged at the end but the small tables each thread keeps of
 *    the other partitions' first keys.
 *  - Per line, only the fields up to the URL path are split; a line that is
 *    not one of the five endpoints costs no more (w3c.h). HTTPERR lines are
 *    all read in full (they are all errors, and few).
 *  - Memory: the tables grow with distinct keys; a line longer than
 *    MC_LOGS_MAX_LINE is skipped and reported; read and .gz buffers are
 *    fixed.
 *
 * State to function: mc_logs_scan() runs three steps. plan_files() finds
 * the files (walk(), list_add()); open_file() reads one's head and detect()
 * (detect_gz() for .gz) finds its format; plan_ranges() cuts them.
 * run_workers() starts the threads and merges their tables: worker() takes
 * ranges; scan_range() and scan_gz() feed scan_lines(), which calls
 * directive(), w3c_line() or hp_line() per line; these count under keys
 * keys.h builds (mc_key_status_put() and its kin), clients a batch at a
 * time (client_defer(), mc_cset_add_clients()); finish_file() verifies,
 * renumbers and merges.
 * collect_files() gathers the hits and releases the files.
 */
#include "logs/logs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <zlib.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "logs/classify.h"
#include "logs/cset.h"
#include "logs/httpproxy.h"
#include "logs/keys.h"
#include "logs/w3c.h"
#include "util/input.h"
#include "util/plat.h"

#define HEAD_BYTES 65536          /* looked at to detect the format */
#define RANGE_MIN (32u << 20)
#define RANGE_MAX (256u << 20)
#define RANGE_TAIL (16u << 20)   /* the least range with several threads (range_size()) */
#define GZ_OUT (4u << 20)         /* inflated bytes held at once */
#define GZ_IN (1u << 20)
#define READ_CHUNK (256u << 10)   /* a plain file read at once (scan_range()) */
#define READ_BUF (READ_CHUNK + MC_LOGS_MAX_LINE + 2)
#define PROGRESS_STEP (8u << 20)  /* bytes between progress updates */
#define MAX_FILES 100000

struct file_state;

struct range {
  struct file_state *f;
  uint32_t idx;
  size_t begin, end;              /* offsets in the mapping */
  struct mc_agg agg;
  char *start_fields;             /* layout assumed at the start (owned), NULL: none */
  char *end_fields;               /* layout in effect at the end (owned), NULL: none */
  atomic_bool resolved;           /* start_fields was checked against the range's first
                                     data line (and looked back for); set once, with
                                     release, for a later range's look back to read */
  atomic_bool scanned;            /* end_fields is final (set with release once the
                                     first pass is done): a later range's look back
                                     takes it instead of reading the range, when it
                                     is known to be true (end_known()) */
  bool fields_seen;               /* the range holds a #Fields line */
  uint64_t lines, data_lines, malformed, out_of_window;
  int64_t first, last;
  char *problem;                  /* with a range-relative line number in problem_line */
  uint64_t problem_line;
  struct mc_logs_hit *hits;
  size_t nhits;
  uint64_t hits_total;
};

struct file_state {
  uint32_t index;
  struct mc_logs_file *out;
  int fd;
  size_t size;
  char *first_fields;             /* the file's first layout (owned), NULL: none */
  bool assumed;                   /* first_fields is a default, not read */
  bool server_fixed;              /* --server given: s-computername does not override */
  struct range *ranges;
  uint32_t nranges;
  atomic_uint remaining;
};

struct scan {
  const struct mc_logs_opts *o;
  struct file_state *files;
  size_t nfiles;
  struct range **work;
  size_t nwork;
  atomic_size_t next;
  atomic_uint_fast64_t done_bytes;
  atomic_uint_fast64_t looked_back;  /* bytes read back by look_back() */
  atomic_uint running;
  uint64_t total_bytes;
  char needle[32];                /* the run id, "" when none */
  size_t needle_len;
  /* The hash space of client keys is cut into nparts partitions, one for
     each thread that runs: thread i owns the table of partition i
     (workers[i].tables[i]) and alone adds to it (struct mc_cset_owner). */
  struct worker *workers;
  unsigned nparts;
  struct inbox *inbox;
  atomic_uint producing;          /* threads that may still ship keys */
  pthread_mutex_t gate_mu;        /* the threads start once nparts is known */
  pthread_cond_t gate_cv;
  bool go;
};

/* Client keys on their way to their table's owner: a thread counts the
 * first keys it sees of the other partitions in tables of its own, up to
 * NEAR_KEYS in all (a log of few clients ships nothing; 32k keys are
 * about 1 MB of slots, in the CPU's cache; and the memory they take grows
 * with the threads, not with their square), and packs any other into a
 * block per partition
 * (mc_cset_ship), handed over once SHIP_BLOCK bytes are in it (about
 * 3,000 keys). The owner adds what its inbox holds each time it adds its
 * own (every MC_CSET_BATCH endpoint lines), and at the end until every
 * thread is done; then it merges the other threads' tables of its
 * partition into its own. A sender whose owner has SHIP_PENDING blocks
 * waiting adds its own inbox's until the owner has caught up: at most 2 MB
 * a thread in flight. */
#define NEAR_KEYS 32768u
#define SHIP_BLOCK (32u << 10)
#define SHIP_PENDING 64u

struct ship_block {
  struct ship_block *next;
  size_t used;
  char data[];                    /* SHIP_BLOCK + MC_CSET_SHIP_ROOM bytes */
};

struct inbox {
  pthread_mutex_t mu;
  pthread_cond_t cv;              /* a block came, or the last thread stopped shipping */
  struct ship_block *head, *tail;
  atomic_uint pending;            /* blocks in the list */
};

struct worker {
  struct scan *s;
  unsigned id;                    /* the partition this thread owns */
  char *buf;                      /* READ_BUF bytes: a plain file's range, read a chunk at a
                                     time (scan_range()); NULL until the first range */
  struct mc_agg agg;
  struct mc_cset *tables;         /* one per partition (nparts): tables[id] the one owned */
  struct mc_cset_owner own;       /* id, keys kept near, ship */
  struct ship_block **blk;        /* the block being filled for each other partition */
  pthread_t th;
};

/* The fields a W3C line is counted by. */
#define LINE_FIELDS \
  (1u << MC_WF_DATE | 1u << MC_WF_TIME | 1u << MC_WF_METHOD | 1u << MC_WF_CIP | \
   1u << MC_WF_STATUS | 1u << MC_WF_SUBSTATUS | 1u << MC_WF_WIN32 | 1u << MC_WF_COMPUTER | \
   1u << MC_WF_REASON)

/* The last key counted under one endpoint and its entry: most lines repeat
 * the previous hour and status, so they skip the hash. Valid while the
 * table has not moved (ents unchanged). */
struct key_cache {
  const struct mc_agg_ent *ents;
  struct mc_agg_ent *e;
};

/* The status entries lately counted under each endpoint by the text of
 * the fields their key is made of, as one span (a layout that logs them
 * side by side): status, substatus and win32 in an IIS log; status to
 * s-reason in an HTTPERR one; and the line's server when it logs one
 * (s-computername). A line whose span is in the cache is counted without
 * parsing a code or building a key. An endpoint sees few distinct spans
 * ("200 0 0", "401 1 2148074254", "503 1 Timer_ConnectionIdle" ...), so
 * nearly every line is. A span is its first 40 bytes, zero-padded (a
 * longer one is never kept; the longest HTTPERR reason, with its status and
 * site, fits), with the server's name the same way in 16 more bytes (none
 * when the server is the file's; a longer name is never kept either). No
 * length is kept: a line with a NUL byte is never counted, so the padding
 * tells the length. A place is 64 bytes, one cache line: with the length
 * and 48 bytes of span it was 80, two lines to load on most lookups
 * (HTTPERR, one thread: 4% less time). Until December 2026 a line that
 * logged its server never used the cache, and a log whose layout has s-computername
 * took the long way on every line (half the endpoint lines of the bench's
 * IIS logs, whose layout changes at noon);
 * SPAN_WAYS places an endpoint (and one more for HTTPERR lines of no
 * endpoint), picked by a hash of them. Valid while the table has not moved
 * (ents). 256 places, not 16: a busy EWS logs 20 and more triples (200 0
 * 0, 401 1 2148074254, 401 2 5, 200 0 64, 200 0 995 ...), and two of them
 * in one place put each other out on every line (24 triples an endpoint:
 * 577M instructions with 16 places, 490M with 256; 96 KB a scan context,
 * cleared once a range and when the counting table moves). */
#define SPAN_TEXT_WORDS 5
#define SPAN_BYTES (8 * SPAN_TEXT_WORDS)
#define SPAN_SERVER_BYTES 16
#define SPAN_WORDS (SPAN_TEXT_WORDS + SPAN_SERVER_BYTES / 8)
#define SPAN_WAYS 256
#define SPAN_OTHER MC_EP_COUNT
struct span_key {
  uint64_t w[SPAN_WORDS];         /* the span, then the line's server */
};
struct span_slot {
  struct span_key k;
  struct mc_agg_ent *e;
};
struct span_cache {
  const struct mc_agg_ent *ents;
  _Alignas(64) struct span_slot slot[MC_EP_COUNT + 1][SPAN_WAYS];
};

/* What scan_lines() carries from one line (and one .gz buffer) to the next. */
struct ctx {
  struct scan *s;
  struct range *rg;
  struct file_state *f;
  enum mc_log_format fmt;         /* W3C (covers HTTPERR) or HTTPPROXY */
  bool have_layout;
  bool checked;                   /* a mid-file range checked its assumption */
  struct mc_w3c_layout wl;
  struct mc_w3c_cols line_cols;   /* the columns of LINE_FIELDS in wl */
  struct mc_w3c_rec rec;          /* the last line's fields: mc_w3c_fields() writes the
                                     same ones each line, the rest stay empty (zeroed with
                                     each new layout) */
  struct mc_hp_layout hl;
  uint64_t line;                  /* range-relative number of the current line */
  char date_cache[10];
  int64_t date_days;
  uint64_t time_cache;            /* the bytes of the last time read (0: none), its seconds */
  int64_t time_secs;
  const char *server;
  size_t srvlen;
  uint64_t since_progress;
  const char *last_data;          /* the last data line of the current buffer */
  size_t last_len;
  struct key_cache status_cache[MC_EP_COUNT + 1], hour_cache[MC_EP_COUNT];
  struct span_cache spans;
  int64_t last_hour[MC_EP_COUNT];  /* the hour hour_cache[ep] holds, while it holds one */
  const char *buf_end;            /* the end of the bytes scan_lines() was given */
  /* Clients are counted straight into the thread's tables, or shipped to
     the thread that owns their partition (they are the big ones: never
     one per range). undo: this pass takes back what an earlier pass of the
     same range with the same start counted. */
  struct worker *w;
  bool undo;
  /* The clients of the last endpoint lines, added MC_CSET_BATCH at a time
     (mc_cset_add_clients()) and when the buffer ends or its pages are
     released. */
  struct mc_cset_ref cq[MC_CSET_BATCH];
  unsigned ncq;
};

const char *mc_log_format_name(enum mc_log_format f)
{
  switch(f) {
  case MC_LOGFMT_W3C: return "IIS W3C";
  case MC_LOGFMT_HTTPERR: return "HTTPERR";
  case MC_LOGFMT_HTTPPROXY: return "HttpProxy";
  default: return "unknown";
  }
}

/* ---- problems ---- */

static void range_problem(struct range *rg, uint64_t line, const char *fmt, ...)
  __attribute__((format(printf, 3, 4)));
static void range_problem(struct range *rg, uint64_t line, const char *fmt, ...)
{
  if(rg->problem)
    return;
  va_list ap;
  va_start(ap, fmt);
  rg->problem = mc_xvasprintf(fmt, ap);
  va_end(ap);
  rg->problem_line = line;
}

static void malformed(struct ctx *c, const char *what)
{
  c->rg->malformed++;
  range_problem(c->rg, c->line, "%s", what);
}

/* ---- time ---- */

static bool line_time_read(struct ctx *c, struct mc_slice date, struct mc_slice time,
                           int64_t *t);

/* The line's time from its date and time fields: lines come many to a
 * second, so the last date and "hh:mm:ss" read are kept, and a line with
 * both the same takes their time without a call. */
static inline bool line_time(struct ctx *c, struct mc_slice date, struct mc_slice time,
                             int64_t *t)
{
  uint64_t hms;
  if(date.n == 10 && time.n >= 8 && memcmp(date.p, c->date_cache, 10) == 0 &&
     (memcpy(&hms, time.p, 8), hms == c->time_cache)) {
    *t = c->date_days * 86400 + c->time_secs;
    return true;
  }
  return line_time_read(c, date, time, t);
}

__attribute__((noinline))
static bool line_time_read(struct ctx *c, struct mc_slice date, struct mc_slice time,
                           int64_t *t)
{
  int64_t days;
  if(date.n == 10 && memcmp(date.p, c->date_cache, 10) == 0)
    days = c->date_days;
  else {
    int64_t t0;
    if(!mc_parse_w3c_time(date.p, date.n, "00:00:00", 8, &t0))
      return false;
    days = t0 / 86400;
    memcpy(c->date_cache, date.p, 10);
    c->date_days = days;
  }
  const char *p = time.p;
  if(time.n < 8 || p[2] != ':' || p[5] != ':')
    return false;
  /* Lines come many to a second: the last "hh:mm:ss" read is kept. */
  uint64_t hms;
  memcpy(&hms, p, 8);
  if(hms != c->time_cache) {
    for(int i = 0; i < 8; i++) {
      if(i != 2 && i != 5 && (p[i] < '0' || p[i] > '9'))
        return false;
    }
    unsigned h = (unsigned)(p[0] - '0') * 10 + (unsigned)(p[1] - '0');
    unsigned m = (unsigned)(p[3] - '0') * 10 + (unsigned)(p[4] - '0');
    unsigned s = (unsigned)(p[6] - '0') * 10 + (unsigned)(p[7] - '0');
    if(h > 23 || m > 59 || s > 60)
      return false;
    c->time_cache = hms;
    c->time_secs = h * 3600 + m * 60 + s;
  }
  *t = days * 86400 + c->time_secs;
  return true;
}

static bool in_window(const struct mc_logs_opts *o, int64_t t)
{
  return !((o->has_since && t < o->since) || (o->has_until && t > o->until));
}

static void note_data_time(struct range *rg, int64_t t)
{
  if(!rg->first || t < rg->first)
    rg->first = t;
  if(t > rg->last)
    rg->last = t;
}

/* ---- keys ---- */

static size_t cut(size_t n)
{
  return n > MC_KEY_STR_MAX ? MC_KEY_STR_MAX : n;
}

static struct mc_agg_ent *count_key(struct ctx *c, const void *key, size_t klen, int64_t t)
{
  bool fresh;
  struct mc_agg_ent *e = mc_agg_get(&c->rg->agg, key, klen, mc_agg_hash(key, klen), &fresh);
  if(!e) {
    c->rg->agg.dropped++;
    return NULL;
  }
  mc_agg_hit(e, t);
  return fresh ? e : NULL;    /* non-NULL: wants an example */
}

/* count_key() through a one-entry cache; never returns an entry for an
 * example when the cache hits (the key is not new then). */
static struct mc_agg_ent *count_cached(struct ctx *c, struct key_cache *kc, const void *key,
                                       size_t klen, int64_t t)
{
  struct mc_agg *a = &c->rg->agg;
  if(kc->ents && kc->ents == a->ents && kc->e->klen == klen && mc_agg_key_eq(kc->e->key, key, klen)) {
    mc_agg_hit(kc->e, t);
    return NULL;
  }
  bool fresh;
  struct mc_agg_ent *e = mc_agg_get(a, key, klen, mc_agg_hash(key, klen), &fresh);
  if(!e) {
    a->dropped++;
    kc->ents = NULL;
    return NULL;
  }
  mc_agg_hit(e, t);
  kc->ents = a->ents;
  kc->e = e;
  return fresh ? e : NULL;
}

/* ---- clients: each key to the thread that owns its partition ---- */

static struct ship_block *ship_block_new(void)
{
  struct ship_block *b = mc_xmalloc(sizeof *b + SHIP_BLOCK + MC_CSET_SHIP_ROOM);
  b->next = NULL;
  b->used = 0;
  return b;
}

/* Adds the blocks in the thread's inbox to its table; whether there were
 * any. */
static bool ship_take(struct scan *s, struct worker *w)
{
  struct inbox *in = &s->inbox[w->id];
  if(!atomic_load_explicit(&in->pending, memory_order_relaxed))
    return false;
  pthread_mutex_lock(&in->mu);
  struct ship_block *b = in->head;
  in->head = in->tail = NULL;
  atomic_store_explicit(&in->pending, 0, memory_order_relaxed);
  pthread_mutex_unlock(&in->mu);
  while(b) {
    struct ship_block *next = b->next;
    mc_cset_add_packed(&w->tables[w->id], b->data, b->used);
    free(b);
    b = next;
  }
  return true;
}

/* Hands the block being filled for partition p to its owner, and (more)
 * starts another. */
static void ship_send(struct scan *s, struct worker *w, unsigned p, bool more)
{
  struct ship_block *b = w->blk[p];
  b->used = w->own.ship[p].used;
  struct inbox *in = &s->inbox[p];
  pthread_mutex_lock(&in->mu);
  if(in->tail)
    in->tail->next = b;
  else
    in->head = b;
  in->tail = b;
  unsigned pending = atomic_fetch_add_explicit(&in->pending, 1, memory_order_relaxed) + 1;
  pthread_cond_signal(&in->cv);
  pthread_mutex_unlock(&in->mu);
  w->blk[p] = more ? ship_block_new() : NULL;
  w->own.ship[p] = (struct mc_cset_ship){ more ? w->blk[p]->data : NULL, 0 };
  /* The owner adds its inbox between its own lines, or waits on it once
     it is done: either way it catches up. */
  while(pending > SHIP_PENDING) {
    if(!ship_take(s, w))
      sched_yield();
    pending = atomic_load_explicit(&in->pending, memory_order_relaxed);
  }
}

/* Adds the clients queued: this thread's partition into its table, the
 * rest packed for their owners; full blocks handed over, and the thread's
 * inbox added. */
static void client_flush(struct ctx *c)
{
  struct scan *s = c->s;
  struct worker *w = c->w;
  bool shipping = s->nparts > 1;
  if(c->ncq)
    mc_cset_add_clients(w->tables, s->nparts, shipping ? &w->own : NULL, c->cq, c->ncq,
                        c->buf_end, c->undo ? (uint64_t)-1 : 1);
  c->ncq = 0;
  if(!shipping)
    return;
  for(unsigned p = 0; p < s->nparts; p++) {
    if(w->own.ship[p].used >= SHIP_BLOCK)
      ship_send(s, w, p, true);
  }
  ship_take(s, w);
}

/* A thread that has no more lines to scan: its last blocks handed over,
 * then its inbox added until no thread is left that could ship to it;
 * then the other threads' tables of its partition merged into its own. */
static void ship_done(struct scan *s, struct worker *w)
{
  for(unsigned p = 0; p < s->nparts; p++) {
    if(p == w->id)
      continue;
    if(w->own.ship[p].used)
      ship_send(s, w, p, false);
    else
      free(w->blk[p]);
  }
  if(atomic_fetch_sub(&s->producing, 1) == 1) {
    for(unsigned p = 0; p < s->nparts; p++) {
      pthread_mutex_lock(&s->inbox[p].mu);
      pthread_cond_broadcast(&s->inbox[p].cv);
      pthread_mutex_unlock(&s->inbox[p].mu);
    }
  }
  struct inbox *in = &s->inbox[w->id];
  pthread_mutex_lock(&in->mu);
  for(;;) {
    if(in->head) {
      pthread_mutex_unlock(&in->mu);
      ship_take(s, w);
      pthread_mutex_lock(&in->mu);
      continue;
    }
    if(!atomic_load(&s->producing))
      break;
    pthread_cond_wait(&in->cv, &in->mu);
  }
  pthread_mutex_unlock(&in->mu);
  /* Every thread is done with its tables (producing is 0). */
  for(unsigned i = 0; i < s->nparts; i++) {
    if(i == w->id)
      continue;
    mc_cset_merge(&w->tables[w->id], &s->workers[i].tables[w->id]);
    mc_cset_release(&s->workers[i].tables[w->id]);
  }
}

/* Queues the client ip of endpoint ep. */
static inline void client_defer(struct ctx *c, int ep, struct mc_slice ip)
{
  c->cq[c->ncq++] = (struct mc_cset_ref){ ip.p ? ip.p : "", ip.p ? (uint32_t)ip.n : 0,
                                          (uint8_t)ep };
  if(c->ncq == MC_CSET_BATCH)
    client_flush(c);
}

/* ---- run id ---- */

static void add_hit(struct ctx *c, const char *line, size_t len, int ep, int64_t t,
                    int status, int sub, int64_t win32, struct mc_slice server,
                    struct mc_slice method, struct mc_slice path, struct mc_slice client,
                    struct mc_slice reason)
{
  struct range *rg = c->rg;
  rg->hits_total++;
  if(rg->nhits >= MC_LOGS_MAX_HITS)
    return;
  rg->hits = mc_xrealloc(rg->hits, (rg->nhits + 1) * sizeof *rg->hits);
  struct mc_logs_hit *h = &rg->hits[rg->nhits++];
  memset(h, 0, sizeof *h);
  h->file = c->f->index;
  h->line = c->line;
  h->fmt = c->fmt == MC_LOGFMT_HTTPPROXY ? MC_LOGFMT_HTTPPROXY :
           c->wl.httperr ? MC_LOGFMT_HTTPERR : MC_LOGFMT_W3C;
  h->ep = ep;
  h->ts = t;
  h->status = status;
  h->sub = sub;
  h->win32 = win32;
  h->server = mc_xstrndup(server.p ? server.p : "", cut(server.n));
  h->method = mc_xstrndup(method.p ? method.p : "", cut(method.n));
  h->path = mc_xstrndup(path.p ? path.p : "", cut(path.n));
  h->client = mc_xstrndup(client.p ? client.p : "", cut(client.n));
  h->reason = mc_xstrndup(reason.p ? reason.p : "", cut(reason.n));
  h->text = mc_xstrndup(line, len > MC_AGG_EXAMPLE_MAX ? MC_AGG_EXAMPLE_MAX : len);
}

static bool has_run_id(struct ctx *c, const char *line, size_t len)
{
  return c->s->needle_len && memmem(line, len, c->s->needle, c->s->needle_len);
}

/* ---- W3C and HTTPERR lines ---- */

static int64_t code_of(struct mc_slice s, int64_t max)
{
  int64_t v;
  return s.p && mc_parse_code(s.p, s.n, max, &v) ? v : -1;
}

static struct mc_slice w3c_server(struct ctx *c, const struct mc_w3c_rec *rec)
{
  struct mc_slice sv = rec->f[MC_WF_COMPUTER];
  if(!c->f->server_fixed && sv.p && sv.n && !(sv.n == 1 && sv.p[0] == '-'))
    return (struct mc_slice){ sv.p, cut(sv.n) };
  return (struct mc_slice){ c->server, c->srvlen };
}

/* A range that starts mid-file assumed the file's first layout; if its first
 * data line does not fit it (mc_w3c_fits()), nor the layout the range before
 * started with, the nearest #Fields line before the range is the one in
 * effect. */
static void look_back(struct ctx *c);

/* Makes the n bytes of a #Fields line's text (after "#Fields:") the
 * layout the range starts with, when they parse and (line not NULL) the
 * range's first data line fits them. */
static bool start_with(struct ctx *c, const char *fields, size_t n, const char *line,
                       size_t len)
{
  struct mc_w3c_layout l;
  if(mc_w3c_layout_parse(&l, fields, n) != MC_OK || (line && !mc_w3c_fits(&l, line, len)))
    return false;
  struct range *rg = c->rg;
  char *text = mc_xstrndup(fields, n);
  c->wl = l;
  mc_w3c_columns(&l, LINE_FIELDS, &c->line_cols);
  memset(&c->rec, 0, sizeof c->rec);
  free(rg->start_fields);
  rg->start_fields = text;
  free(rg->end_fields);
  rg->end_fields = mc_xstrdup(text);
  return true;
}

/* The layout range r started with, once it has checked it against its
 * first data line (released by check_assumption()); NULL before that, and
 * for a file's first range, whose start is the file's own. */
static const char *resolved_start(const struct range *r)
{
  return r->idx > 0 && atomic_load_explicit(&r->resolved, memory_order_acquire) ?
           r->start_fields : NULL;
}

/* Whether range r is scanned and the layout it ends with (end_fields) is
 * the one in effect there: it holds a #Fields line, or its first data line
 * confirmed the layout it started with, or it is the file's first. A range
 * of only blank lines ends with the layout it assumed, which may be wrong
 * (finish_file() finds that out). */
static bool end_known(const struct range *r)
{
  return atomic_load_explicit(&r->scanned, memory_order_acquire) &&
         (r->idx == 0 || r->fields_seen || atomic_load_explicit(&r->resolved,
                                                                  memory_order_acquire));
}

/* The first data line of a range (line, len) against the layout it
 * assumed. */
static void check_assumption(struct ctx *c, const char *line, size_t len)
{
  c->checked = true;
  /* A pass that takes counts back starts where the first pass ended up
     (start_fields holds what its look back found): no look back. */
  if(c->rg->idx == 0 || c->undo)
    return;
  /* Else the layout the range before started with, when the line fits it
     as it did not the file's first: after a change of layout every range
     but the first after it starts so, and none of them reads back. A
     wrong guess (another layout that fits the line) is caught as a wrong
     first layout is: finish_file() compares every start with the end of
     the range before, and scans the range again. */
  const char *prev = resolved_start(&c->f->ranges[c->rg->idx - 1]);
  if(!mc_w3c_fits(&c->wl, line, len) &&
     !(prev && start_with(c, prev, strlen(prev), line, len)))
    look_back(c);
  atomic_store_explicit(&c->rg->resolved, true, memory_order_release);
}

/* Up to n bytes of fd at off into buf, fewer at the file's end or on an
 * error: how many were read. errno is 0 unless an error stopped it. */
static size_t read_at(int fd, char *buf, size_t n, size_t off)
{
  size_t got = 0;
  errno = 0;
  while(got < n) {
    ssize_t r = pread(fd, buf + got, n - got, (off_t)(off + got));
    if(r < 0 && errno == EINTR) {
      errno = 0;
      continue;
    }
    if(r <= 0)
      break;
    got += (size_t)r;
  }
  return got;
}

/* Whether the line at off is a #Fields line: its text after "#Fields:" (the
 * CR dropped, as directive() sees it) copied to *text, *n bytes, the first
 * HEAD_BYTES of it at most (no layout is that long; detect() refuses one). */
static bool fields_line_at(const struct file_state *f, size_t off, char **text, size_t *n)
{
  char *line = mc_xmalloc(HEAD_BYTES);
  size_t got = read_at(f->fd, line, HEAD_BYTES, off);
  if(got <= 8 || strncasecmp(line, "#Fields:", 8) != 0) {
    free(line);
    return false;
  }
  const char *nl = memchr(line, '\n', got);
  size_t len = nl ? (size_t)(nl - line) : got;
  if(line[len - 1] == '\r')
    len--;
  *n = len - 8;
  *text = mc_xstrndup(line + 8, *n);
  free(line);
  return true;
}

#define LOOK_CHUNK (64u << 10)      /* read back at once by look_back() */

static void look_back(struct ctx *c)
{
  struct range *rg = c->rg;
  const struct file_state *f = c->f;
  const char *fields = NULL;      /* the text after "#Fields:" in effect, when known */
  char *found = NULL;             /* fields, when read from the file */
  size_t n = 0;
  char *buf = NULL;               /* LOOK_CHUNK bytes and the one before them */
  /* Range by range back, each one's span searched from its end: a #Fields
     line there is the one in effect; none, and the range before it
     checked its start, then that start is. So each look back reads at
     most the range before it when the ranges before it started (they
     start first), however far back the layout changed: reading back to
     the change from every range was quadratic (a 1 GB log with a #Fields
     line half way, cut in 8 MB ranges, spent a third of its time in it). */
  size_t hi = rg->begin;
  for(uint32_t j = rg->idx; hi > 0 && !fields; j--) {   /* j >= 1: hi is 0 at range 0 */
    const struct range *before = &f->ranges[j - 1];
    if(end_known(before)) {
      /* Scanned already (nearly always so on one thread): the layout in
         effect at its end is the one at this range's start, and nothing is
         read (one thread read 37 MB back on the bench's 1 GB log, whose
         layout changes at noon). */
      if(before->end_fields) {
        fields = before->end_fields;
        n = strlen(fields);
      }
      break;
    }
    size_t lo = before->begin;
    if(!buf)
      buf = mc_xmalloc(LOOK_CHUNK + 1);
    /* [a, hi) a chunk at a time from the end, with the byte before a: a '#'
       starts a line at the file's start or after a newline. */
    while(hi > lo && !fields) {
      size_t a = hi - lo > LOOK_CHUNK ? hi - LOOK_CHUNK : lo, from = a ? a - 1 : 0;
      if(read_at(f->fd, buf, hi - from, from) < hi - from) {
        hi = lo;                  /* cut short or unreadable: the scan says so */
        break;
      }
      const char *b = buf + (a - from);
      size_t len = hi - a;
      const char *h;
      while(len && (h = memrchr(b, '#', len))) {
        len = (size_t)(h - b);
        size_t at = a + len;
        if((at == 0 || h[-1] == '\n') && fields_line_at(f, at, &found, &n)) {
          fields = found;
          hi = at;
          break;
        }
      }
      if(!fields)
        hi = a;
    }
    if(!fields) {
      hi = lo;
      if((fields = resolved_start(&f->ranges[j - 1])))
        n = strlen(fields);
    }
  }
  if(fields)
    start_with(c, fields, n, NULL, 0);
  atomic_fetch_add(&c->s->looked_back, rg->begin - hi);
  free(found);
  free(buf);
}

/* The fields a line's status key is made of (status to win32; HTTPERR:
 * status to s-reason, with at most one field between) as one span of
 * text, when the layout logs them so; else an empty slice. */
static struct mc_slice status_span(const struct ctx *c, const struct mc_w3c_rec *rec)
{
  const struct mc_w3c_layout *l = &c->wl;
  int sc = l->col[MC_WF_STATUS];
  int last = l->httperr ? MC_WF_REASON : MC_WF_WIN32;
  bool side = l->httperr ? l->col[MC_WF_REASON] > sc && l->col[MC_WF_REASON] <= sc + 2 :
                           l->col[MC_WF_SUBSTATUS] == sc + 1 && l->col[MC_WF_WIN32] == sc + 2;
  if(sc < 0 || !side)
    return (struct mc_slice){ NULL, 0 };
  const char *b = rec->f[MC_WF_STATUS].p;
  const char *e = rec->f[last].p + rec->f[last].n;
  return (struct mc_slice){ b, (size_t)(e - b) };
}

/* The n bytes at p into the words w (nw of them), zero-padded: 16 bytes at
 * a time where the buffer allows, then the ones past n cleared by a
 * compare of their places with n, no branch on the length. */
static inline void span_load(const struct ctx *c, uint64_t *w, size_t nw, const char *p,
                             size_t n)
{
  if(p + 8 * nw > c->buf_end) {
    memset(w, 0, 8 * nw);
    memcpy(w, p, n);
    return;
  }
#if defined(__SSE2__)
  const __m128i lim = _mm_set1_epi8((char)n);
  for(size_t i = 0; i < nw / 2; i++) {
    __m128i at = _mm_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    at = _mm_add_epi8(at, _mm_set1_epi8((char)(16 * i)));
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * i));
    _mm_storeu_si128((__m128i *)(void *)(w + 2 * i), _mm_and_si128(v, _mm_cmplt_epi8(at, lim)));
  }
  if(nw & 1) {                    /* the last word alone */
    size_t o = 8 * (nw - 1);
    __m128i at = _mm_add_epi8(_mm_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                              _mm_set1_epi8((char)o));
    __m128i v = _mm_loadl_epi64((const __m128i *)(const void *)(p + o));
    _mm_storel_epi64((__m128i *)(void *)(w + nw - 1), _mm_and_si128(v, _mm_cmplt_epi8(at, lim)));
  }
#else
  memset(w, 0, 8 * nw);
  memcpy(w, p, n);
#endif
}

/* The span and the line's server (the file's: none) as a key into *k:
 * false when there is no span, or it or the server's name is too long. */
static bool span_key(const struct ctx *c, struct mc_slice span, struct mc_slice server,
                     struct span_key *k)
{
  if(!span.p || span.n > SPAN_BYTES)
    return false;
  span_load(c, k->w, SPAN_TEXT_WORDS, span.p, span.n);
  if(server.p == c->server) {
    k->w[SPAN_TEXT_WORDS] = k->w[SPAN_TEXT_WORDS + 1] = 0;
    return true;
  }
  if(server.n > SPAN_SERVER_BYTES)
    return false;
  /* a name is never empty and holds no NUL (such lines are skipped), so
     its bytes, zero-padded, tell it from the file's and from each other */
  span_load(c, k->w + SPAN_TEXT_WORDS, SPAN_SERVER_BYTES / 8, server.p, server.n);
  return true;
}

/* The place of a span: each word times its own odd constant, summed, then
 * mixed. The products do not wait on each other; a chain of multiplies,
 * one a word, took its eight multiplies' latency on every endpoint line. */
static struct span_slot *span_slot(struct ctx *c, int ep, const struct span_key *k)
{
  static const uint64_t m[SPAN_WORDS] = {
    UINT64_C(0x9E3779B97F4A7C15), UINT64_C(0xC2B2AE3D27D4EB4F), UINT64_C(0x165667B19E3779F9),
    UINT64_C(0xD6E8FEB86659FD93), UINT64_C(0xFF51AFD7ED558CCD), UINT64_C(0xC4CEB9FE1A85EC53),
    UINT64_C(0x94D049BB133111EB),
  };
  uint64_t h = 0;
#pragma GCC unroll 8
  for(size_t i = 0; i < SPAN_WORDS; i++)
    h += k->w[i] * m[i];
  return &c->spans.slot[ep][(h ^ h >> 29) * UINT64_C(0xBF58476D1CE4E5B9) >> 56];
}

/* Empties the span cache when its entries are not in the table ents (the
 * table grew and moved them). */
static void spans_follow(struct ctx *c, const struct mc_agg_ent *ents)
{
  if(c->spans.ents != ents) {
    memset(&c->spans, 0, sizeof c->spans);
    c->spans.ents = ents;
  }
}

/* Counts the line under the status entry a line with the same span was
 * counted under, when the cache has it; false when not. */
static bool same_status(struct ctx *c, int ep, const struct span_key *k, int64_t t)
{
  spans_follow(c, c->rg->agg.ents);
  struct span_slot *sl = span_slot(c, ep, k);
  uint64_t diff = 0;
#pragma GCC unroll 8
  for(size_t i = 0; i < SPAN_WORDS; i++)
    diff |= sl->k.w[i] ^ k->w[i];
  if(!sl->e || diff)
    return false;
  mc_agg_hit(sl->e, t);
  return true;
}

/* Keeps the entry kc counted last under the span, in the cache of the
 * table it is in. */
static void span_remember(struct ctx *c, int ep, const struct span_key *k,
                          const struct key_cache *kc)
{
  if(!kc->ents)
    return;                       /* the table was full: nothing counted */
  spans_follow(c, kc->ents);
  struct span_slot *sl = span_slot(c, ep, k);
  sl->k = *k;
  sl->e = kc->e;
}

/* Counts the line's hour under its endpoint; the hour is compared as a
 * number with the last one counted before a key is built. */
static void count_new_hour(struct ctx *c, int ep, int64_t hour, int64_t t);

static inline void count_hour(struct ctx *c, int ep, int64_t t)
{
  struct key_cache *kc = &c->hour_cache[ep];
  int64_t hour = t / 3600;
  if(kc->ents && kc->ents == c->rg->agg.ents && c->last_hour[ep] == hour)
    mc_agg_hit(kc->e, t);
  else
    count_new_hour(c, ep, hour, t);
}

/* count_hour() when the hour is not the one its cache holds. */
__attribute__((noinline))
static void count_new_hour(struct ctx *c, int ep, int64_t hour, int64_t t)
{
  struct key_cache *kc = &c->hour_cache[ep];
  char key[MC_KEY_MAX];
  struct mc_key_hour kh = { .ep = (uint8_t)ep, .hour = hour };
  size_t klen = mc_key_hour_put(key, sizeof key, &kh);
  count_cached(c, kc, key, klen, t);
  c->last_hour[ep] = hour;
}

/* A data line; w holds it, split at most up to the path. */
static void w3c_line(struct ctx *c, struct mc_w3c_line *wp)
{
  const struct mc_w3c_layout *l = &c->wl;
  struct mc_w3c_line *w = wp;
  const char *line = w->line;
  size_t len = w->len;
  struct range *rg = c->rg;
  rg->data_lines++;
  c->last_data = line;
  c->last_len = len;
  bool hit = has_run_id(c, line, len);
  if(!c->checked) {
    check_assumption(c, line, len);   /* reads the line on its own; w stays as it is */
    l = &c->wl;
  }
  /* An HTTPERR line is read in full whatever its path: its separators all
     listed first, the path taken from the list (selecting the path's from
     the masks, then listing them all, did the work twice). */
  if(l->httperr)
    mc_w3c_split(w, MC_W3C_MAXCOLS);
  struct mc_slice path;
  if(!mc_w3c_peek(w, l->path_col, &path)) {
    malformed(c, "the line has fewer fields than its #Fields line");
    return;
  }
  if(l->httperr)
    path = mc_uri_path(path);
  int ep = mc_classify_path(path.p, path.n);
  if(ep == MC_EP_NONE && !l->httperr && !hit)
    return;
  const struct mc_w3c_rec *rec = &c->rec;
  if(!mc_w3c_fields(w, l, &c->line_cols, &c->rec)) {
    malformed(c, "the number of fields differs from the #Fields line");
    return;
  }
  int64_t t;
  if(!line_time(c, rec->f[MC_WF_DATE], rec->f[MC_WF_TIME], &t)) {
    malformed(c, "the date or time field is not a date and time");
    return;
  }
  struct mc_slice server = w3c_server(c, rec);
  struct span_key sk;
  int slot = ep == MC_EP_NONE ? SPAN_OTHER : ep;   /* of the caches */
  bool spanned = (ep != MC_EP_NONE || l->httperr) &&
                 span_key(c, status_span(c, rec), server, &sk);
  if(!hit && spanned && in_window(c->s->o, t) && same_status(c, slot, &sk, t)) {
    if(!l->httperr) {
      client_defer(c, ep, rec->f[MC_WF_CIP]);
      count_hour(c, ep, t);
    }
    return;
  }
  int status = (int)code_of(rec->f[MC_WF_STATUS], 999);
  int sub = (int)code_of(rec->f[MC_WF_SUBSTATUS], 99999);
  int64_t win32 = code_of(rec->f[MC_WF_WIN32], 4294967295LL);
  if(hit)
    add_hit(c, line, len, ep, t, status, sub, win32, server, rec->f[MC_WF_METHOD], path,
            rec->f[MC_WF_CIP], rec->f[MC_WF_REASON]);
  if(!in_window(c->s->o, t)) {
    rg->out_of_window++;
    return;
  }
  char key[MC_KEY_MAX];
  size_t klen;
  struct mc_agg_ent *ex;
  if(l->httperr) {
    struct mc_key_httperr k = { .ep = ep == MC_EP_NONE ? MC_KEY_EP_OTHER : (uint8_t)ep,
                                .status = status };
    klen = mc_key_httperr_put(key, sizeof key, &k, server, rec->f[MC_WF_REASON]);
    struct key_cache *kc = &c->status_cache[slot];
    if((ex = count_cached(c, kc, key, klen, t)))
      mc_agg_example(ex, c->f->index, c->line, line, len);
    if(spanned)
      span_remember(c, slot, &sk, kc);
    return;
  }
  if(ep == MC_EP_NONE)
    return;
  struct mc_key_status ks = { .ep = (uint8_t)ep, .status = status, .sub = sub, .win32 = win32 };
  klen = mc_key_status_put(key, sizeof key, &ks, server);
  struct key_cache *kc = &c->status_cache[ep];
  if((ex = count_cached(c, kc, key, klen, t)))
    mc_agg_example(ex, c->f->index, c->line, line, len);
  if(spanned)
    span_remember(c, slot, &sk, kc);
  client_defer(c, ep, rec->f[MC_WF_CIP]);
  count_hour(c, ep, t);
}

/* ---- HttpProxy lines ---- */

/* w: the line's commas as a chunk listed them, or NULL. */
static void hp_line(struct ctx *c, const char *line, size_t len, const struct mc_w3c_line *w)
{
  struct range *rg = c->rg;
  rg->data_lines++;
  c->last_data = line;
  c->last_len = len;
  struct mc_hp_rec rec;
  if(!(w ? mc_hp_parse_at(&c->hl, line, len, (const char *const *)w->sep, w->nall,
                                w->quoted, &rec) :
           mc_hp_parse(&c->hl, line, len, &rec))) {
    malformed(c, "the CSV line is cut short or has an unclosed quote");
    return;
  }
  int64_t t;
  struct mc_slice dt = rec.f[MC_HF_DATETIME], date, clock;
  /* what mc_parse_iso_time() reads, through line_time(), which keeps the
     last date and time read */
  if(!(mc_iso_time_parts(dt.p, dt.n, &date, &clock) && line_time(c, date, clock, &t))) {
    malformed(c, "DateTime is not a date and time");
    return;
  }
  struct mc_slice path = rec.f[MC_HF_URLSTEM];
  int ep = mc_classify_path(path.p, path.n);
  bool hit = has_run_id(c, line, len);
  if(ep == MC_EP_NONE && !hit)
    return;
  struct mc_slice server = rec.f[MC_HF_SERVER];
  if(c->f->server_fixed || !server.p || !server.n)
    server = (struct mc_slice){ c->server, c->srvlen };
  server.n = cut(server.n);
  int http = (int)code_of(rec.f[MC_HF_HTTPSTATUS], 999);
  int backend = (int)code_of(rec.f[MC_HF_BACKENDSTATUS], 999);
  if(hit)
    add_hit(c, line, len, ep, t, http, -1, -1, server, rec.f[MC_HF_METHOD], path,
            rec.f[MC_HF_CLIENTIP], rec.f[MC_HF_ERRORCODE]);
  if(!in_window(c->s->o, t)) {
    rg->out_of_window++;
    return;
  }
  if(ep == MC_EP_NONE)
    return;
  struct mc_slice tgt = rec.f[MC_HF_TARGET], err = rec.f[MC_HF_ERRORCODE];
  struct mc_slice gen = rec.f[MC_HF_GENERICERRORS];
  size_t tn = mc_key_strlen(tgt), en = mc_key_strlen(err);
  bool generic = gen.p && (mc_memcasemem(gen.p, gen.n, "exception") ||
                           mc_memcasemem(gen.p, gen.n, "error"));
  struct mc_key_proxy k = { .ep = (uint8_t)ep, .generic = generic, .http = http,
                            .backend = backend };
  char key[MC_KEY_MAX];
  size_t klen = mc_key_proxy_put(key, sizeof key, &k, server, tgt, err);
  struct mc_agg_ent *ex = count_key(c, key, klen, t);
  if(ex) {
    /* The CSV line is long and mostly latencies: keep what says where it went. */
    char *text = mc_xasprintf("%.*s %.*s %.*s HttpStatus=%.*s BackEndStatus=%.*s "
                              "TargetServer=%.*s ErrorCode=%.*s GenericErrors=%.*s",
                              (int)dt.n, dt.p, (int)rec.f[MC_HF_METHOD].n,
                              rec.f[MC_HF_METHOD].p ? rec.f[MC_HF_METHOD].p : "",
                              (int)cut(path.n), path.p, (int)rec.f[MC_HF_HTTPSTATUS].n,
                              rec.f[MC_HF_HTTPSTATUS].p ? rec.f[MC_HF_HTTPSTATUS].p : "",
                              (int)rec.f[MC_HF_BACKENDSTATUS].n,
                              rec.f[MC_HF_BACKENDSTATUS].p ? rec.f[MC_HF_BACKENDSTATUS].p : "",
                              (int)tn, tgt.p ? tgt.p : "", (int)en, err.p ? err.p : "",
                              (int)cut(gen.n), gen.p ? gen.p : "");
    mc_agg_example(ex, c->f->index, c->line, text, strlen(text));
    free(text);
  }
}

/* ---- directives ---- */

/* What is wrong with a #Fields line the parser refused with rc. */
static const char *layout_problem(mc_code rc, bool csv)
{
  if(rc == MC_ERR_LIMIT)
    return csv ? "the #Fields line names more than 256 columns, more than an HttpProxy log "
                 "has; its lines cannot be read" :
                 "the #Fields line names more than 64 columns, more than IIS logs; its "
                 "lines cannot be read";
  return csv ? "the #Fields line names no DateTime and UrlStem columns" :
               "the #Fields line names no date, time and URL columns";
}

static void set_layout(struct ctx *c, const char *fields, size_t n)
{
  struct range *rg = c->rg;
  free(rg->end_fields);
  rg->end_fields = mc_xstrndup(fields, n);
  bool csv = c->fmt == MC_LOGFMT_HTTPPROXY;
  mc_code rc = csv ? mc_hp_layout_parse(&c->hl, fields, n) :
                     mc_w3c_layout_parse(&c->wl, fields, n);
  c->have_layout = rc == MC_OK;
  if(c->have_layout && !csv) {
    mc_w3c_columns(&c->wl, LINE_FIELDS, &c->line_cols);
    memset(&c->rec, 0, sizeof c->rec);
  }
  if(!c->have_layout)
    range_problem(rg, c->line, "%s", layout_problem(rc, csv));
}

static void directive(struct ctx *c, const char *line, size_t len)
{
  if(len > 8 && strncasecmp(line, "#Fields:", 8) == 0) {
    c->rg->fields_seen = true;
    set_layout(c, line + 8, len - 8);
    c->checked = true;
  }
}

/* ---- the line loop ---- */

static void flush_last_time(struct ctx *c)
{
  if(!c->last_data || !c->have_layout)
    return;
  int64_t t = 0;
  bool ok;
  if(c->fmt == MC_LOGFMT_HTTPPROXY) {
    struct mc_hp_rec rec;
    ok = mc_hp_parse(&c->hl, c->last_data, c->last_len, &rec) &&
         mc_parse_iso_time(rec.f[MC_HF_DATETIME].p, rec.f[MC_HF_DATETIME].n, &t);
  }
  else {
    struct mc_w3c_line w;
    mc_w3c_line_init(&w, c->last_data, c->last_len, c->last_data + c->last_len);
    int dc = c->wl.col[MC_WF_DATE], tc = c->wl.col[MC_WF_TIME];
    mc_w3c_split(&w, (uint32_t)(dc > tc ? dc : tc) + 1);
    ok = mc_w3c_has(&w, dc) && mc_w3c_has(&w, tc) &&
         line_time(c, mc_w3c_field(&w, dc), mc_w3c_field(&w, tc), &t);
  }
  if(ok)
    note_data_time(c->rg, t);
  c->last_data = NULL;
}

static void progress(struct ctx *c, size_t n)
{
  c->since_progress += n;
  if(c->since_progress >= PROGRESS_STEP) {
    atomic_fetch_add(&c->s->done_bytes, c->since_progress);
    c->since_progress = 0;
  }
}

/* Scans the whole lines in [p, end); the last one may lack its newline. */
static void scan_lines(struct ctx *c, const char *p, const char *end)
{
  struct range *rg = c->rg;
  c->buf_end = end;
  bool first_pending = rg->data_lines == 0;
  const char *start = p;
  bool w3c = c->fmt != MC_LOGFMT_HTTPPROXY;
  struct mc_w3c_chunk chunk;
  mc_w3c_chunk_init(&chunk, w3c ? ' ' : ',');
  while(p < end) {
    struct mc_w3c_line w;
    const char *next;
    size_t len;
    /* The block's lists give the end of the line and all its separators;
       a line they cannot give is found the plain way. */
    if(w3c) {
      next = mc_w3c_chunk_next(&chunk, &w, p, end);
      if(!next) {
        uint32_t want = c->have_layout && c->checked ? (uint32_t)c->wl.path_col + 1 : 0;
        next = mc_w3c_next_line(&w, p, end, want);
      }
      len = w.len;
    }
    else if((next = mc_w3c_chunk_next(&chunk, &w, p, end)))
      len = w.len;
    else {
      const char *nl = memchr(p, '\n', (size_t)(end - p));
      next = nl ? nl + 1 : end;
      len = (size_t)((nl ? nl : end) - p);
      if(len && p[len - 1] == '\r')
        len--;
      w.line = NULL;               /* no commas listed */
      w.nul = memchr(p, '\0', len) != NULL;
    }
    c->line++;
    rg->lines++;
    bool nul = w.nul;
    if(len == 0)
      ;
    else if(nul) {
      rg->malformed++;
      range_problem(rg, c->line, "the line holds NUL bytes (a file written over, or cut "
                    "short by a crash) and was skipped");
    }
    else if(p[0] == '#')
      directive(c, p, len);
    else if(len > MC_LOGS_MAX_LINE) {
      rg->malformed++;
      range_problem(rg, c->line, "the line is longer than %u bytes and was skipped",
                    MC_LOGS_MAX_LINE);
    }
    else if(!c->have_layout) {
      rg->malformed++;
      range_problem(rg, c->line, "a data line comes before any #Fields line");
    }
    else {
      if(!w3c)
        hp_line(c, p, len, w.line ? &w : NULL);
      else
        w3c_line(c, &w);
      if(first_pending && c->last_data) {
        flush_last_time(c);
        first_pending = false;
      }
    }
    p = next;
  }
  mc_w3c_chunk_release(&chunk);
  progress(c, (size_t)(p - start));
  flush_last_time(c);
  client_flush(c);                 /* the queue points into the buffer */
}

static void ctx_init(struct ctx *c, struct scan *s, struct worker *w, struct range *rg)
{
  memset(c, 0, sizeof *c);
  c->s = s;
  c->w = w;
  c->rg = rg;
  c->f = rg->f;
  c->fmt = rg->f->out->fmt == MC_LOGFMT_HTTPPROXY ? MC_LOGFMT_HTTPPROXY : MC_LOGFMT_W3C;
  c->server = rg->f->out->server;
  c->srvlen = cut(strlen(c->server));
  c->checked = rg->idx == 0;
  if(rg->start_fields) {
    char *copy = mc_xstrdup(rg->start_fields);
    set_layout(c, copy, strlen(copy));
    free(copy);
  }
}

static void range_reset(struct range *rg)
{
  mc_agg_release(&rg->agg);
  mc_agg_init(&rg->agg);
  free(rg->end_fields);
  rg->end_fields = NULL;
  free(rg->problem);
  rg->problem = NULL;
  for(size_t i = 0; i < rg->nhits; i++) {
    struct mc_logs_hit *h = &rg->hits[i];
    free(h->server); free(h->method); free(h->path); free(h->client); free(h->reason);
    free(h->text);
  }
  free(rg->hits);
  rg->hits = NULL;
  rg->nhits = 0;
  rg->hits_total = rg->lines = rg->data_lines = rg->malformed = rg->out_of_window = 0;
  rg->first = rg->last = 0;
  rg->fields_seen = false;
}

/* Scans the complete lines of buf[0..have) (all of it when final) and keeps
 * the cut line at the front; returns the bytes kept. A line cut at the
 * buffer's end is skipped once it is longer than MC_LOGS_MAX_LINE (its
 * carriage return aside, as scan_lines() counts), so buf must have room
 * for MC_LOGS_MAX_LINE + 1 bytes besides what the caller reads at once. */
static size_t buffered_lines(struct ctx *c, char *buf, size_t have, bool final, bool *skipping)
{
  struct range *rg = c->rg;
  const char *p = buf, *end = buf + have;
  if(*skipping) {
    const char *nl = memchr(p, '\n', have);
    if(!nl)
      return 0;
    p = nl + 1;
    *skipping = false;
  }
  const char *cut_at = end;
  if(!final) {
    const char *nl = end > p ? memrchr(p, '\n', (size_t)(end - p)) : NULL;
    cut_at = nl ? nl + 1 : p;
  }
  scan_lines(c, p, cut_at);
  size_t tail = (size_t)(end - cut_at);
  if(tail > MC_LOGS_MAX_LINE + 1) {
    c->line++;
    rg->lines++;
    rg->malformed++;
    range_problem(rg, c->line, "the line is longer than %u bytes and was skipped",
                  MC_LOGS_MAX_LINE);
    *skipping = true;
    return 0;
  }
  memmove(buf, cut_at, tail);
  return tail;
}

/* Scans a plain file's range, read into the worker's buffer READ_CHUNK bytes
 * at a time: pread() copies from the page cache into a buffer the CPU's
 * cache holds. Scanning the mapped file instead took a page fault, or a
 * MADV_POPULATE_READ, per few pages and a TLB shootdown on every release
 * behind the scan, and in a virtual machine whose page tables the
 * hypervisor shadows, a mapping of the page cache was, on some days, read
 * at a third of the speed the kernel copies it at (1 GB, 1k clients, in
 * turn with the mapped scan: two threads 0.36 to 0.22 s; 1M clients 0.56
 * to 0.35 s; on a day the mapping was fast, one thread 9% slower and two
 * the same). Since, nothing is mapped: detection, the cuts and look_back()
 * read too. */
static void scan_range(struct scan *s, struct worker *w, struct range *rg, bool verified,
                       bool undo)
{
  struct ctx c;
  ctx_init(&c, s, w, rg);
  c.undo = undo;
  if(verified)
    c.checked = true;
  if(!w->buf)
    w->buf = mc_xmalloc(READ_BUF);
  size_t have = 0, at = rg->begin;
  bool skipping = false;
  while(at < rg->end) {
    size_t want = rg->end - at < READ_CHUNK ? rg->end - at : READ_CHUNK;
    size_t got = read_at(rg->f->fd, w->buf + have, want, at);
    at += got;
    if(got < want) {
      /* The file shrank since it was opened, or the disk failed: the lines
         read so far are scanned, the rest said. */
      if(errno)
        range_problem(rg, c.line + 1, "read error at byte %llu: %s; the lines before were "
                      "read", (unsigned long long)at, strerror(errno));
      else
        range_problem(rg, c.line + 1, "the file ended at byte %llu while it was read (it "
                      "was cut short since); the lines before were read",
                      (unsigned long long)at);
      buffered_lines(&c, w->buf, have + got, true, &skipping);
      break;
    }
    have = buffered_lines(&c, w->buf, have + got, at >= rg->end, &skipping);
  }
  if(!rg->end_fields && rg->start_fields)
    rg->end_fields = mc_xstrdup(rg->start_fields);
  atomic_store_explicit(&rg->scanned, true, memory_order_release);
}

/* ---- .gz ---- */

static void detect_gz(struct file_state *f, const char *head, size_t n);

static void scan_gz(struct scan *s, struct worker *w, struct range *rg)
{
  struct file_state *f = rg->f;
  z_stream z;
  memset(&z, 0, sizeof z);
  if(inflateInit2(&z, 15 + 32) != Z_OK) {
    f->out->unreadable = true;
    range_problem(rg, 0, "zlib could not start");
    return;
  }
  char *in = mc_xmalloc(GZ_IN);
  char *buf = mc_xmalloc(GZ_OUT);
  size_t have = 0;
  bool skipping = false, detected = false, eof = false, done = false;
  uint64_t consumed = 0;
  struct ctx c;
  ctx_init(&c, s, w, rg);
  while(!done) {
    if(z.avail_in == 0 && !eof) {
      /* At an offset, as every read of a log is: on Windows pread() moves
         the file position (mc_win_pread()), so a read() after the magic
         bytes' would not start at 0. */
      size_t n = read_at(f->fd, in, GZ_IN, consumed);
      if(n == 0) {
        if(errno)
          range_problem(rg, c.line + 1, "read error after %llu compressed bytes: %s",
                        (unsigned long long)consumed, strerror(errno));
        eof = true;
      }
      z.next_in = (Bytef *)in;
      z.avail_in = (uInt)n;
      consumed += (uint64_t)n;
      atomic_fetch_add(&s->done_bytes, (uint64_t)n);
    }
    z.next_out = (Bytef *)buf + have;
    z.avail_out = (uInt)(GZ_OUT - have);
    int zr = inflate(&z, Z_NO_FLUSH);
    have = GZ_OUT - z.avail_out;
    if(zr == Z_STREAM_END) {
      if(eof && z.avail_in == 0)
        done = true;
      else
        inflateReset(&z);      /* concatenated members, as gzip writes them */
    }
    else if(zr == Z_BUF_ERROR || zr == Z_OK) {
      if(eof && z.avail_in == 0 && have < GZ_OUT) {
        done = true;
        if(z.total_in > 0)     /* not a clean end between members */
          range_problem(rg, c.line + 1, "the .gz file ends early (cut off after %llu "
                        "compressed bytes); the lines before were read",
                        (unsigned long long)consumed);
      }
    }
    else {
      done = true;
      range_problem(rg, c.line + 1, "the .gz data is corrupt after %llu compressed bytes "
                    "(%s); the lines before were read", (unsigned long long)consumed,
                    z.msg ? z.msg : "inflate error");
    }
    if(!detected && (have >= HEAD_BYTES || done)) {
      detected = true;
      /* The format is known only now. */
      detect_gz(f, buf, have);
      if(f->out->fmt == MC_LOGFMT_UNKNOWN)
        break;
      ctx_init(&c, s, w, rg);
    }
    if(detected)
      have = buffered_lines(&c, buf, have, done, &skipping);
  }
  inflateEnd(&z);
  free(in);
  free(buf);
  if(!rg->end_fields && rg->start_fields)
    rg->end_fields = mc_xstrdup(rg->start_fields);
}

/* ---- format detection ---- */

/* Text with NUL bytes at the start of a file: UTF-16 (a byte-order mark,
 * or zeros at every other byte as ASCII in UTF-16 has them), a file of
 * NULs (allocated and never written, or zeroed by a crash), or binary data.
 * NULL when the head holds no more NUL bytes than a log may. */
static const char *nul_head(const char *p, size_t n)
{
  if(n >= 2 && (((unsigned char)p[0] == 0xff && (unsigned char)p[1] == 0xfe) ||
                ((unsigned char)p[0] == 0xfe && (unsigned char)p[1] == 0xff)))
    return "utf16";
  size_t zeros = 0, odd = 0, look = n < 256 ? n : 256;
  for(size_t i = 0; i < look; i++) {
    zeros += p[i] == '\0';
    odd += p[i] == '\0' && (i & 1);
  }
  if(look < 8 || zeros * 3 < look)
    return NULL;
  if(zeros * 10 >= look * 9)
    return "nul";
  size_t even = zeros - odd;
  return (odd > even ? odd : even) * 10 >= zeros * 9 ? "utf16" : "binary";
}

/* Refuses a file whose head is not text (see nul_head()): true if it did. */
static bool refuse_nul(struct mc_logs_file *out, const char *head, size_t n)
{
  const char *nul = nul_head(head, n);
  if(!nul)
    return false;
  out->skipped = true;
  if(strcmp(nul, "utf16") == 0)
    out->problem = mc_xstrdup("line 1: UTF-16 text (as PowerShell's Out-File writes); "
                              "save it as UTF-8 (Out-File -Encoding utf8) and try again");
  else
    out->problem = mc_xasprintf("not a log: %s", strcmp(nul, "nul") == 0 ?
                                "it begins with nothing but NUL bytes (a file allocated and "
                                "never written, or zeroed by a crash)" :
                                "it begins with binary data (NUL bytes among others), not "
                                "text");
  return true;
}

/* The first #Fields line (text after "#Fields:", line number line): the
 * format it names, or the problem of a file whose layout cannot be read. */
static void detect_fields(struct file_state *f, const char *fields, size_t n, uint64_t line)
{
  struct mc_logs_file *out = f->out;
  f->first_fields = mc_xstrndup(fields, n);
  bool csv = memchr(fields, ',', n) != NULL;
  mc_code rc;
  if(csv) {
    struct mc_hp_layout hl;
    rc = mc_hp_layout_parse(&hl, fields, n);
    out->fmt = rc == MC_OK ? MC_LOGFMT_HTTPPROXY : MC_LOGFMT_UNKNOWN;
  }
  else {
    struct mc_w3c_layout wl;
    rc = mc_w3c_layout_parse(&wl, fields, n);
    if(rc == MC_OK) {
      out->fmt = wl.httperr ? MC_LOGFMT_HTTPERR : MC_LOGFMT_W3C;
      if(wl.col[MC_WF_COMPUTER] >= 0 && !f->server_fixed)
        out->server_from = "s-computername";
    }
  }
  if(out->fmt == MC_LOGFMT_UNKNOWN) {
    out->skipped = true;
    out->problem = mc_xasprintf("line %llu: %s", (unsigned long long)line,
                                layout_problem(rc, csv));
  }
}

/* A data line (number line) before any #Fields line: an IIS log with the
 * default layout when the line fits it (and no header said HTTPERR or
 * HttpProxy), else not a log. */
static void detect_default(struct file_state *f, const char *p, size_t len, uint64_t line,
                           bool hinted)
{
  struct mc_logs_file *out = f->out;
  struct mc_w3c_line w;
  mc_w3c_line_init(&w, p, len, p + len);
  mc_w3c_split(&w, MC_W3C_MAXCOLS);
  size_t nf = w.done ? w.nsep + 1 : 0;
  const char *def = nf == 15 ? mc_w3c_default_fields : nf == 14 ?
                    mc_w3c_default_fields_75 : NULL;
  struct mc_w3c_layout wl;
  int64_t t;
  if(def && !hinted && mc_w3c_layout_parse(&wl, def, strlen(def)) == 0 &&
     mc_w3c_has(&w, 1) &&
     mc_parse_w3c_time(mc_w3c_field(&w, 0).p, mc_w3c_field(&w, 0).n,
                       mc_w3c_field(&w, 1).p, mc_w3c_field(&w, 1).n, &t)) {
    out->fmt = MC_LOGFMT_W3C;
    f->first_fields = mc_xstrdup(def);
    f->assumed = true;
    out->assumed_layout = true;
    return;
  }
  out->skipped = true;
  out->problem = mc_xasprintf("line %llu: no #Fields line before the first data line, "
                              "and the line does not fit the default IIS layout; not an "
                              "IIS, HTTPERR or HttpProxy log", (unsigned long long)line);
}

/* Reads the header lines up to the first #Fields line (detect_fields()) or
 * data line (detect_default()). Sets out->problem when it is not a log it
 * can read. */
static void detect(struct file_state *f, const char *head, size_t n)
{
  struct mc_logs_file *out = f->out;
  if(refuse_nul(out, head, n))
    return;
  bool hinted = false;              /* a header line says HTTPERR or HttpProxy */
  const char *p = head, *end = head + n;
  uint64_t line = 0;
  while(p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    if(!nl && end - head >= HEAD_BYTES) {
      /* A cut line at the end of the head: a #Fields line that long is none. */
      if((size_t)(end - p) > 8 && strncasecmp(p, "#Fields:", 8) == 0) {
        out->skipped = true;
        out->problem = mc_xasprintf("line %llu: the #Fields line is longer than %u KiB, more "
                                    "than any IIS, HTTPERR or HttpProxy layout; not a log "
                                    "migcheck can read", (unsigned long long)line + 1,
                                    HEAD_BYTES / 1024);
        return;
      }
      break;
    }
    const char *le = nl ? nl : end;
    size_t len = (size_t)(le - p);
    line++;
    if(len && p[len - 1] == '\r')
      len--;
    if(len && p[0] == '#') {
      if(len > 8 && strncasecmp(p, "#Fields:", 8) == 0) {
        detect_fields(f, p + 8, len - 8, line);
        return;
      }
      if(mc_memcasemem(p, len, "HTTP API") || mc_memcasemem(p, len, "HttpProxy"))
        hinted = true;
    }
    else if(len) {
      detect_default(f, p, len, line, hinted);
      return;
    }
    p = nl ? nl + 1 : end;
  }
  out->skipped = true;
  out->problem = mc_xstrdup(n ? "no #Fields line and no data line in the first 64 KiB; not "
                            "an IIS, HTTPERR or HttpProxy log" : "the file is empty");
}

static void detect_gz(struct file_state *f, const char *head, size_t n)
{
  f->out->fmt = MC_LOGFMT_UNKNOWN;
  detect(f, head, n);
  if(f->assumed)
    f->ranges[0].start_fields = mc_xstrdup(f->first_fields);
}

/* ---- servers ---- */

static bool generic_dir(const char *p, size_t n)
{
  static const char *const names[] = {
    "logs", "logfiles", "inetpub", "logging", "v15", "v14", "exchange server", "microsoft",
    "program files", "system32", "windows", "c$", "d$", "e$", "c", "d", "e", "httpproxy",
    "ews", "rpchttp", "autodiscover", "mapi", "owa", "ecp", "eas", "oab", "powershell",
    "httperr", "iis", "w3svc", "exchange", "mnt", "media", "tmp", "home", "data", "c:", "d:",
  };
  for(size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    if(strlen(names[i]) == n && strncasecmp(names[i], p, n) == 0)
      return true;
  }
  return n > 5 && strncasecmp(p, "w3svc", 5) == 0;
}

/* The server a file belongs to, from its path: "\\EX01\..." (UNC), or the
 * folder above W3SVCn / HTTPERR / HttpProxy / LogFiles that is not a generic
 * Windows or Exchange folder name ("EX01/W3SVC1/u_ex240312.log",
 * "EX01/inetpub/logs/LogFiles/W3SVC1/..."). NULL when none. */
static char *server_from_path(const char *path)
{
  bool unc;
  path = mc_path_skip_prefix(path, &unc);
  if(unc || (path[0] == '\\' && path[1] == '\\') || (path[0] == '/' && path[1] == '/')) {
    const char *b = unc ? path : path + 2;
    size_t n = strcspn(b, "\\/");
    if(n && n < 64)
      return mc_xstrndup(b, n);
  }
  const char *comp[64];
  size_t len[64], nc = 0;
  for(const char *p = path; *p && nc < 64;) {
    size_t n = strcspn(p, "\\/");
    if(n) {
      comp[nc] = p;
      len[nc++] = n;
    }
    p += n;
    if(*p)
      p++;
  }
  for(size_t i = nc; i-- > 1;) {
    const char *c = comp[i - 1];
    size_t n = len[i - 1];
    bool anchor = (len[i] > 5 && strncasecmp(comp[i], "w3svc", 5) == 0) ||
                  (len[i] == 7 && strncasecmp(comp[i], "HTTPERR", 7) == 0) ||
                  (len[i] == 9 && strncasecmp(comp[i], "HttpProxy", 9) == 0) ||
                  (len[i] == 8 && strncasecmp(comp[i], "LogFiles", 8) == 0) ||
                  (len[i] == 7 && strncasecmp(comp[i], "Logging", 7) == 0);
    if(!anchor)
      continue;
    for(size_t k = i; k-- > 0;) {
      c = comp[k];
      n = len[k];
      if(!generic_dir(c, n) && !(n == 1 && c[0] == '.') && !(n == 2 && c[0] == '.' &&
                                                              c[1] == '.'))
        return n < 64 ? mc_xstrndup(c, n) : NULL;
    }
  }
  return NULL;
}

static bool under(const char *path, const char *dir)
{
  size_t n = strlen(dir);
  while(n > 1 && dir[n - 1] == '/')
    n--;
  return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/' ||
                                        dir[n - 1] == '/');
}

static void assign_server(const struct mc_logs_opts *o, struct file_state *f)
{
  struct mc_logs_file *out = f->out;
  char *real = realpath(out->path, NULL);
  for(size_t i = 0; i < o->nservers; i++) {
    char *rdir = realpath(o->servers[i].path, NULL);
    bool match = under(out->path, o->servers[i].path) || (real && rdir && under(real, rdir));
    free(rdir);
    if(match) {
      out->server = mc_xstrdup(o->servers[i].name);
      out->server_from = "--server";
      f->server_fixed = true;
      free(real);
      return;
    }
  }
  char *s = server_from_path(out->path);
  if(!s && real)
    s = server_from_path(real);
  free(real);
  if(s) {
    out->server = s;
    out->server_from = "path";
    return;
  }
  out->server = mc_xstrdup(mc_path_base(out->path));
  out->server_from = "file name";
}

/* ---- discovery ---- */

struct file_list {
  char **paths;
  bool *explicit_arg;
  size_t n, cap;
};

static void list_add(struct file_list *l, const char *path, bool explicit_arg)
{
  if(l->n == l->cap) {
    l->cap = l->cap ? l->cap * 2 : 64;
    l->paths = mc_xrealloc(l->paths, l->cap * sizeof *l->paths);
    l->explicit_arg = mc_xrealloc(l->explicit_arg, l->cap * sizeof *l->explicit_arg);
  }
  l->paths[l->n] = mc_xstrdup(path);
  l->explicit_arg[l->n++] = explicit_arg;
}

static int cmp_str(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static void walk(struct file_list *l, const char *dir, int depth)
{
  DIR *d = opendir(dir);
  if(!d) {
    list_add(l, dir, true);       /* reported as unreadable by open() */
    return;
  }
  char **names = NULL;
  size_t n = 0, cap = 0;
  struct dirent *e;
  while((e = readdir(d))) {
    if(strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
      continue;
    if(n == cap) {
      cap = cap ? cap * 2 : 32;
      names = mc_xrealloc(names, cap * sizeof *names);
    }
    names[n++] = mc_xstrdup(e->d_name);
  }
  closedir(d);
  if(n > 1)
    qsort(names, n, sizeof *names, cmp_str);
  for(size_t i = 0; i < n; i++) {
    char *p = mc_path_join(dir, names[i]);
    struct stat st;
    if(lstat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
      if(depth < 32)
        walk(l, p, depth + 1);
    }
    else if(stat(p, &st) == 0 && S_ISREG(st.st_mode)) {
      if(l->n < MAX_FILES)
        list_add(l, p, false);
    }
    free(p);
    free(names[i]);
  }
  free(names);
}

static void open_file(struct scan *s, struct file_state *f)
{
  struct mc_logs_file *out = f->out;
  struct stat st;
  char why[160];
  if(mc_input_open(out->path, 0, &f->fd, &st, why, sizeof why) != MC_OK) {
    out->unreadable = true;
    out->problem = mc_xstrdup(why);
    return;
  }
  out->bytes = (uint64_t)st.st_size;
  f->size = (size_t)st.st_size;
  unsigned char magic[2] = { 0, 0 };
  ssize_t got = pread(f->fd, magic, 2, 0);
  if(got < 0) {
    out->unreadable = true;
    out->problem = mc_xasprintf("cannot read: %s", strerror(errno));
    return;
  }
  f->nranges = 1;
  f->ranges = mc_xcalloc(1, sizeof *f->ranges);
  if(got == 2 && magic[0] == 0x1f && magic[1] == 0x8b) {
    out->gz = true;
    out->fmt = MC_LOGFMT_W3C;     /* settled by mc_logs_detect_gz() */
    s->total_bytes += out->bytes;
    return;
  }
  if(f->size == 0) {
    out->skipped = true;
    out->problem = mc_xstrdup("the file is empty");
    return;
  }
  /* Read, never mapped: a mapped file that shrinks, or a share that drops
     (\\EX01\c$ mounted), is SIGBUS where a read is an error to report. */
  size_t want = f->size < HEAD_BYTES ? f->size : HEAD_BYTES;
  char *head = mc_xmalloc(want);
  size_t n = read_at(f->fd, head, want, 0);
  if(n < want && errno) {
    out->unreadable = true;
    out->problem = mc_xasprintf("cannot read: %s", strerror(errno));
    free(head);
    return;
  }
  detect(f, head, n);
  free(head);
  if(out->skipped)
    return;
  s->total_bytes += out->bytes;
}

/* The offset just after the first newline at or after at, or size. */
static size_t line_after(const struct file_state *f, size_t at)
{
  char buf[4096];
  while(at < f->size) {
    size_t want = f->size - at < sizeof buf ? f->size - at : sizeof buf;
    size_t got = read_at(f->fd, buf, want, at);
    const char *nl = memchr(buf, '\n', got);
    if(nl)
      return at + (size_t)(nl - buf) + 1;
    if(got < want)
      break;                      /* cut short: the scan says so */
    at += got;
  }
  return f->size;
}

/* The size of the next range of a file with rest bytes left to cut. With
 * several threads the ranges shrink as the file's end nears (guided
 * scheduling): the first ones are big (few boundaries), the last ones
 * small, so the thread that takes the last range ends soon after the
 * others. With ranges of a quarter of the file, one thread scanned alone
 * for the last quarter of a second on a 1 GB log of 1M clients. */
static size_t range_size(const struct scan *s, size_t size, size_t rest, int threads)
{
  if(s->o->range_bytes)
    return (size_t)s->o->range_bytes;
  size_t want = (threads > 1 ? rest : size) / (size_t)(threads * 2);
  size_t least = threads > 1 ? RANGE_TAIL : RANGE_MIN;
  return want < least ? least : want > RANGE_MAX ? RANGE_MAX : want;
}

/* Cuts a mapped file into ranges of whole lines. */
static void plan_ranges(struct scan *s, struct file_state *f, int threads)
{
  size_t cap = 16, k = 0, at = 0;
  free(f->ranges);
  f->ranges = mc_xcalloc(cap, sizeof *f->ranges);
  while(at < f->size) {
    size_t end = at + range_size(s, f->size, f->size - at, threads);
    /* A tail shorter than half a range goes with this one (not with
       ranges of a size the tests set). */
    if(end >= f->size || (!s->o->range_bytes &&
                          f->size - end < range_size(s, f->size, f->size - end, threads) / 2))
      end = f->size;
    else
      end = line_after(f, end);
    if(k == cap) {
      f->ranges = mc_xrealloc(f->ranges, 2 * cap * sizeof *f->ranges);
      memset(f->ranges + cap, 0, cap * sizeof *f->ranges);
      cap *= 2;
    }
    f->ranges[k].begin = at;
    f->ranges[k].end = end;
    k++;
    at = end;
  }
  f->nranges = (uint32_t)(k ? k : 1);
}

/* ---- finishing a file ---- */

static bool same(const char *a, const char *b)
{
  return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static void finish_file(struct scan *s, struct worker *w, struct file_state *f)
{
  struct mc_logs_file *out = f->out;
  /* Every range's assumed start layout against the layout really in effect. */
  for(uint32_t k = 1; k < f->nranges; k++) {
    struct range *rg = &f->ranges[k];
    const char *actual = f->ranges[k - 1].end_fields;
    if(same(rg->start_fields, actual))
      continue;
    /* The first pass counted clients under the wrong layout: the same pass
       again takes them back (counts are modular: whichever table of a
       key's partition got the count, this thread's or another's, all of
       them are summed into the owner's at the end). */
    scan_range(s, w, rg, false, true);
    range_reset(rg);
    free(rg->start_fields);
    rg->start_fields = actual ? mc_xstrdup(actual) : NULL;
    scan_range(s, w, rg, true, false);
  }
  uint64_t offset = 0;
  for(uint32_t k = 0; k < f->nranges; k++) {
    struct range *rg = &f->ranges[k];
    MC_AGG_EACH(&rg->agg, e) {
      if(e->ex_text)
        e->ex_line += offset;
    }
    for(size_t i = 0; i < rg->nhits; i++)
      rg->hits[i].line += offset;
    if(rg->problem && !out->problem)
      out->problem = mc_xasprintf("line %llu: %s",
                                  (unsigned long long)(rg->problem_line + offset), rg->problem);
    out->lines += rg->lines;
    out->data_lines += rg->data_lines;
    out->malformed += rg->malformed;
    if(rg->first && (!out->first || rg->first < out->first))
      out->first = rg->first;
    if(rg->last > out->last)
      out->last = rg->last;
    offset += rg->lines;
    mc_agg_merge(&w->agg, &rg->agg);
    mc_agg_release(&rg->agg);
  }
  if(f->fd >= 0) {
    close(f->fd);
    f->fd = -1;
  }
}

/* ---- threads ---- */

static void *worker(void *arg)
{
  struct worker *w = arg;
  struct scan *s = w->s;
  pthread_mutex_lock(&s->gate_mu);
  while(!s->go)
    pthread_cond_wait(&s->gate_cv, &s->gate_mu);
  pthread_mutex_unlock(&s->gate_mu);
  for(;;) {
    size_t i = atomic_fetch_add(&s->next, 1);
    if(i >= s->nwork)
      break;
    struct range *rg = s->work[i];
    if(rg->f->out->gz)
      scan_gz(s, w, rg);
    else
      scan_range(s, w, rg, false, false);
    if(atomic_fetch_sub(&rg->f->remaining, 1) == 1)
      finish_file(s, w, rg->f);
  }
  if(s->nparts > 1)
    ship_done(s, w);
  atomic_fetch_sub(&s->running, 1);
  return NULL;
}

/* The work a file is, in bytes to read: a .gz inflates to about five times
 * its size and is read at a fifth of the speed, on one thread. */
static uint64_t work_of(const struct file_state *f)
{
  return f->out->gz ? f->out->bytes * 5 * 5 : f->out->bytes;
}

static int cmp_work(const void *a, const void *b)
{
  const struct range *x = *(struct range *const *)a, *y = *(struct range *const *)b;
  /* The most work first (the last ones to start are the short ones, so the
     threads end together), ranges of a file in order. */
  if(x->f != y->f) {
    uint64_t bx = work_of(x->f), by = work_of(y->f);
    if(bx != by)
      return bx < by ? 1 : -1;
    return x->f->index < y->f->index ? -1 : 1;
  }
  return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Lists the files of the paths (folders walked), opens each, detects its
 * format and cuts it into ranges for threads threads: s->work, the most
 * work first. */
static void plan_files(struct scan *s, struct mc_logs_scan *out, int threads)
{
  const struct mc_logs_opts *o = s->o;
  struct file_list l = { 0 };
  for(size_t i = 0; i < o->npaths; i++) {
    struct stat st;
    if(stat(o->paths[i], &st) == 0 && S_ISDIR(st.st_mode))
      walk(&l, o->paths[i], 0);
    else
      list_add(&l, o->paths[i], true);
  }
  out->nfiles = l.n;
  out->files = mc_xcalloc(l.n ? l.n : 1, sizeof *out->files);
  s->files = mc_xcalloc(l.n ? l.n : 1, sizeof *s->files);
  s->nfiles = l.n;
  for(size_t i = 0; i < l.n; i++) {
    struct file_state *f = &s->files[i];
    f->index = (uint32_t)i;
    f->out = &out->files[i];
    f->fd = -1;
    f->out->path = l.paths[i];
    f->out->named = l.explicit_arg[i];
    assign_server(o, f);
    open_file(s, f);
    if(f->out->unreadable || f->out->skipped)
      continue;
    if(!f->out->gz)
      plan_ranges(s, f, threads);
    for(uint32_t k = 0; k < f->nranges; k++) {
      f->ranges[k].f = f;
      f->ranges[k].idx = k;
      mc_agg_init(&f->ranges[k].agg);
      const char *start = k == 0 ? (f->assumed ? f->first_fields : NULL) : f->first_fields;
      f->ranges[k].start_fields = start ? mc_xstrdup(start) : NULL;
    }
    atomic_init(&f->remaining, f->nranges);
    s->work = mc_xrealloc(s->work, (s->nwork + f->nranges) * sizeof *s->work);
    for(uint32_t k = 0; k < f->nranges; k++)
      s->work[s->nwork++] = &f->ranges[k];
  }
  free(l.paths);
  free(l.explicit_arg);
  if(s->nwork > 1)
    qsort(s->work, s->nwork, sizeof *s->work, cmp_work);
}

/* The client tables and inboxes of the n threads that run, and their ship
 * blocks; the threads may go then. */
static void ship_open(struct scan *s, struct worker *ws, unsigned n)
{
  s->workers = ws;
  s->nparts = n;
  s->inbox = mc_xcalloc(n, sizeof *s->inbox);
  atomic_init(&s->producing, n);
  for(unsigned p = 0; p < n; p++) {
    pthread_mutex_init(&s->inbox[p].mu, NULL);
    pthread_cond_init(&s->inbox[p].cv, NULL);
    atomic_init(&s->inbox[p].pending, 0);
  }
  for(unsigned i = 0; i < n; i++) {
    ws[i].tables = mc_xcalloc(n, sizeof *ws[i].tables);
    for(unsigned p = 0; p < n; p++)
      mc_cset_init(&ws[i].tables[p]);
    if(n == 1)
      continue;
    ws[i].blk = mc_xcalloc(n, sizeof *ws[i].blk);
    ws[i].own = (struct mc_cset_owner){ i, NEAR_KEYS / (n - 1),
                                        mc_xcalloc(n, sizeof *ws[i].own.ship) };
    for(unsigned p = 0; p < n; p++) {
      if(p == i)
        continue;
      ws[i].blk[p] = ship_block_new();
      ws[i].own.ship[p] = (struct mc_cset_ship){ ws[i].blk[p]->data, 0 };
    }
  }
  pthread_mutex_lock(&s->gate_mu);
  s->go = true;
  pthread_cond_broadcast(&s->gate_cv);
  pthread_mutex_unlock(&s->gate_mu);
}

/* The tables the threads own into out->clients; the rest released. */
static void ship_close(struct scan *s, struct mc_logs_scan *out)
{
  struct worker *ws = s->workers;
  out->clients = mc_xcalloc(s->nparts, sizeof *out->clients);
  out->nclient_parts = s->nparts;
  for(unsigned p = 0; p < s->nparts; p++) {
    out->clients[p] = ws[p].tables[p];
    free(ws[p].tables);
    pthread_mutex_destroy(&s->inbox[p].mu);
    pthread_cond_destroy(&s->inbox[p].cv);
    free(ws[p].blk);
    free(ws[p].own.ship);
  }
  free(s->inbox);
  pthread_mutex_destroy(&s->gate_mu);
  pthread_cond_destroy(&s->gate_cv);
}

/* Runs worker() on threads threads, the calling one among them (or, with a
 * progress callback, reporting while they work), then merges their tables
 * into out. */
static void run_workers(struct scan *s, int threads, int64_t t0, struct mc_logs_scan *out)
{
  const struct mc_logs_opts *o = s->o;
  struct worker *ws = mc_xcalloc((size_t)threads, sizeof *ws);
  atomic_init(&s->running, (unsigned)threads);
  pthread_mutex_init(&s->gate_mu, NULL);
  pthread_cond_init(&s->gate_cv, NULL);
  for(int i = 0; i < threads; i++) {
    ws[i].s = s;
    ws[i].id = (unsigned)i;
    mc_agg_init(&ws[i].agg);
  }
  /* The threads wait at the gate until the partitions are known: one for
     each thread that could be started. */
  int started = 0;
  for(int i = 0; i < threads; i++) {
    if(i > 0 && pthread_create(&ws[i].th, NULL, worker, &ws[i]) != 0)
      break;
    started++;
  }
  if(started < threads)
    atomic_fetch_sub(&s->running, (unsigned)(threads - started));
  ship_open(s, ws, (unsigned)started);
  bool polled = false;
  pthread_t helper;
  if(o->progress && s->nwork && pthread_create(&helper, NULL, worker, &ws[0]) == 0) {
    /* The calling thread reports while the others work. */
    while(atomic_load(&s->running) > 0) {
      struct timespec ts = { 0, 250 * 1000000L };
      nanosleep(&ts, NULL);
      o->progress(o->ctx, atomic_load(&s->done_bytes), s->total_bytes, mc_now_ms() - t0);
    }
    pthread_join(helper, NULL);
    polled = true;
  }
  if(!polled)
    worker(&ws[0]);
  for(int i = 1; i < started; i++)
    pthread_join(ws[i].th, NULL);
  for(int i = 0; i < threads; i++) {
    mc_agg_merge(&out->agg, &ws[i].agg);
    mc_agg_release(&ws[i].agg);
    free(ws[i].buf);
  }
  ship_close(s, out);
  free(ws);
}

/* Moves the ranges' hits (the first MC_LOGS_MAX_HITS) and counts into out
 * and releases the files. */
static void collect_files(struct scan *s, struct mc_logs_scan *out)
{
  for(size_t i = 0; i < s->nfiles; i++) {
    struct file_state *f = &s->files[i];
    for(uint32_t k = 0; k < f->nranges && f->ranges; k++) {
      struct range *rg = &f->ranges[k];
      out->out_of_window += rg->out_of_window;
      out->hits_total += rg->hits_total;
      for(size_t h = 0; h < rg->nhits; h++) {
        if(out->nhits < MC_LOGS_MAX_HITS) {
          out->hits = mc_xrealloc(out->hits, (out->nhits + 1) * sizeof *out->hits);
          out->hits[out->nhits++] = rg->hits[h];
        }
        else {
          struct mc_logs_hit *x = &rg->hits[h];
          free(x->server); free(x->method); free(x->path); free(x->client); free(x->reason);
          free(x->text);
        }
      }
      free(rg->hits);
      rg->hits = NULL;
      rg->nhits = 0;
      range_reset(rg);
      free(rg->start_fields);
    }
    if(f->out->gz && f->out->fmt == MC_LOGFMT_UNKNOWN)
      f->out->skipped = true;
    if(f->fd >= 0)
      close(f->fd);
    free(f->ranges);
    free(f->first_fields);
    out->lines += f->out->lines;
    if(!f->out->unreadable && !f->out->skipped)
      out->bytes += f->out->bytes;
  }
  free(s->files);
  free(s->work);
}

mc_code mc_logs_scan(const struct mc_logs_opts *o, struct mc_logs_scan *out)
{
  memset(out, 0, sizeof *out);
  mc_agg_init(&out->agg);
  if(!o->npaths)
    return MC_ERR_USAGE;
  int64_t t0 = mc_now_ms();
  struct scan s;
  memset(&s, 0, sizeof s);
  s.o = o;
  if(o->run_id) {
    mc_strlcpy(s.needle, o->run_id, sizeof s.needle);
    s.needle_len = strlen(s.needle);
  }
  int threads = o->threads > 0 ? o->threads : (int)sysconf(_SC_NPROCESSORS_ONLN);
  if(threads < 1)
    threads = 1;
  if(threads > 64)
    threads = 64;
  plan_files(&s, out, threads);
  if((size_t)threads > s.nwork)
    threads = s.nwork ? (int)s.nwork : 1;
  run_workers(&s, threads, t0, out);
  collect_files(&s, out);
  out->threads = threads;
  out->looked_back = atomic_load(&s.looked_back);
  out->elapsed_ms = mc_now_ms() - t0;
  return MC_OK;
}

void mc_logs_scan_release(struct mc_logs_scan *s)
{
  for(size_t i = 0; i < s->nfiles; i++) {
    free(s->files[i].path);
    free(s->files[i].server);
    free(s->files[i].problem);
  }
  free(s->files);
  for(size_t i = 0; i < s->nhits; i++) {
    struct mc_logs_hit *h = &s->hits[i];
    free(h->server); free(h->method); free(h->path); free(h->client); free(h->reason);
    free(h->text);
  }
  free(s->hits);
  mc_agg_release(&s->agg);
  for(unsigned p = 0; p < s->nclient_parts; p++)
    mc_cset_release(&s->clients[p]);
  free(s->clients);
  memset(s, 0, sizeof *s);
}
