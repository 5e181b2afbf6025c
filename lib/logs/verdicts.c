/*
 * verdicts.c - migcheck logs: from the scan's counts to the result tree.
 *
 * Steps: the files read (per server, with their time range and problems),
 * one step per endpoint seen in the IIS logs (by server, status triple with
 * its meaning and an example line, client, hour), the HTTPERR and HttpProxy
 * logs, and the requests of --run-id. Rules (Microsoft Learn hybrid
 * remote-move troubleshooting: read the IIS logs of every server):
 *   no mrsproxy.svc or rpcproxy.dll request in the window, IIS or HttpProxy
 *   logs read, or none of the --run-id requests found   -> LOG_NO_MIGRATION_TRAFFIC
 *   an endpoint answered on one server and only failed on
 *   another                                                -> LOG_TRAFFIC_ON_WRONG_SERVER
 *   401.1 (not the first NTLM leg) or 401.3 on mrsproxy or
 *   rpcproxy: fail when nothing succeeded after, else warn -> LOG_AUTH_FAILURES
 *   401.1.2148074248 on any endpoint                       -> LOG_NTLM_SPLIT
 *   mrsproxy/rpcproxy answered 4xx (not 401) or 5xx, other
 *   endpoints 5xx                                          -> LOG_SERVER_ERRORS
 *   HTTPERR reasons of the dropped kind on endpoint URLs   -> HTTPERR_CONNECTION_DROPPED
 *   HTTPERR reasons of the queue kind on endpoint URLs     -> HTTPERR_QUEUE_FULL
 *   HttpProxy: HttpStatus 5xx, BackEndStatus 4xx/5xx (not
 *   401), or a WebException in GenericErrors               -> PROXY_BACKEND_ERRORS
 * Every finding names the line that shows it (file:line). Not for reading
 * files (scan.c) or parsing lines (w3c.c, httpproxy.c).
 */
#include "logs/logs.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "logs/classify.h"
#include "logs/keys.h"
#include "logs/summary.h"
#include "util/json.h"

#define MAX_FINDINGS_PER_CAUSE 6
#define MAX_STATUS_EV 12
#define MAX_CLIENT_EV 6
#define MAX_JSON_CLIENTS 1000
#define LINE_SHOWN 300

/* An IIS status key, decoded. */
struct row {
  int ep;
  char server[MC_KEY_STR_MAX + 1];
  int status, sub;
  int64_t win32;
  enum mc_status_class cls;
  const struct mc_agg_ent *e;
};

struct named_count {
  char name[MC_KEY_STR_MAX + 1];
  uint64_t count;
  bool cloud;
  bool v4;                      /* name is an IPv4 address, and v4key its text order */
  uint32_t v4key;               /* (see v4_order()) */
};

/* The clients of one endpoint, normalized and summed: the first
 * MAX_JSON_CLIENTS by count, how many there are, how many requests came
 * from --cloud-ranges. */
struct ep_clients {
  struct named_count *top;
  size_t ntop, distinct;
  uint64_t cloud;
};

struct judge {
  const struct mc_logs_opts *o;
  const struct mc_logs_scan *s;
  struct mc_report *r;
  struct row *rows;
  size_t nrows;
  struct ep_clients clients[MC_EP_COUNT];
};

/* ---- small helpers ---- */

static void fmt_time(int64_t t, char *out, size_t n)
{
  if(t)
    mc_format_time(t, out, n);
  else
    mc_strlcpy(out, "-", n);
}

static void triple(int status, int sub, int64_t win32, char *out, size_t n)
{
  char a[16], b[16], c[24];
  if(n < 64)
    return;
  snprintf(a, sizeof a, status < 0 ? "-" : "%d", status);
  snprintf(b, sizeof b, sub < 0 ? "-" : "%d", sub);
  snprintf(c, sizeof c, win32 < 0 ? "-" : "%lld", (long long)win32);
  snprintf(out, n, "%s.%s.%s", a, b, c);
}

/* "path:line: text" for an entry's example. */
static char *where(const struct judge *j, uint32_t file, uint64_t line, const char *text)
{
  const char *path = file < j->s->nfiles ? j->s->files[file].path : "?";
  if(!text)
    return mc_xasprintf("%s:%llu", path, (unsigned long long)line);
  char *shown = mc_printable(text, strlen(text), LINE_SHOWN);
  char *w = mc_xasprintf("%s:%llu: %s", path, (unsigned long long)line, shown);
  free(shown);
  return w;
}

static int cmp_row(const void *a, const void *b)
{
  const struct row *x = a, *y = b;
  if(x->ep != y->ep)
    return x->ep - y->ep;
  if(x->e->count != y->e->count)
    return x->e->count < y->e->count ? 1 : -1;
  int c = strcmp(x->server, y->server);
  if(c)
    return c;
  if(x->status != y->status)
    return x->status - y->status;
  if(x->sub != y->sub)
    return x->sub - y->sub;
  /* the whole key, or rows of equal counts came in the table's order,
     which the hash's key (new each run) decides */
  return x->win32 < y->win32 ? -1 : x->win32 > y->win32;
}

/* ---- named counts: hash tables, never a linear search ---- */

/* Names to counts in an mc_agg keyed by the name's bytes (count, first and
 * last as the scan's tables keep them); ex_line is free for the caller (an
 * index into a side array). */
static struct mc_agg_ent *tally(struct mc_agg *t, const char *name, size_t n, uint64_t count,
                                bool *fresh)
{
  bool f;
  struct mc_agg_ent *e = mc_agg_get(t, name, n, mc_agg_hash(name, n), fresh ? fresh : &f);
  if(e)
    e->count += count;
  return e;
}

/* The names of t, most counted first, then by name. */
static struct named_count *sorted_named(const struct mc_agg *t, size_t *nout)
{
  size_t n;
  struct mc_agg_ent **h = mc_agg_sorted(t, true, &n);
  struct named_count *v = mc_xcalloc(n ? n : 1, sizeof *v);
  for(size_t i = 0; i < n; i++) {
    size_t len = h[i]->klen < MC_KEY_STR_MAX ? h[i]->klen : MC_KEY_STR_MAX;
    memcpy(v[i].name, h[i]->key, len);
    v[i].name[len] = '\0';
    v[i].count = h[i]->count;
  }
  free(h);
  *nout = n;
  return v;
}

static void collect_rows(struct judge *j)
{
  size_t n = 0;
  MC_AGG_EACH(&j->s->agg, e)
    n += mc_key_kind(e->key, e->klen) == MC_KEY_STATUS;
  j->rows = mc_xcalloc(n ? n : 1, sizeof *j->rows);
  MC_AGG_EACH(&j->s->agg, e) {
    struct mc_key_status k;
    struct mc_slice server;
    if(!mc_key_status_get(e->key, e->klen, &k, &server))
      continue;
    struct row *r = &j->rows[j->nrows++];
    r->ep = k.ep;
    memcpy(r->server, server.p, server.n);
    r->server[server.n] = '\0';
    r->status = k.status;
    r->sub = k.sub;
    r->win32 = k.win32;
    r->cls = mc_status_classify(k.status, k.sub, k.win32);
    r->e = e;
  }
  if(j->nrows > 1)
    qsort(j->rows, j->nrows, sizeof *j->rows, cmp_row);
}

/* ---- per server view of one endpoint ---- */

struct srv {
  char name[MC_KEY_STR_MAX + 1];
  uint64_t total, ok, failed, challenges;
  int64_t last_ok, last_fail;
  const struct row *first_leg;  /* the busiest challenge row */
  const struct row *worst;      /* the most frequent answer that is neither success nor
                                   challenge */
};

/* The servers of one endpoint in the order of their busiest status row, and
 * a table from name to index (ex_line) for lookups. */
struct srv_set {
  struct srv *v;
  size_t n;
  struct mc_agg index;
};

static struct srv *srv_find(struct srv_set *ss, const char *name)
{
  bool fresh;
  size_t n = strlen(name);
  struct mc_agg_ent *e = mc_agg_get(&ss->index, name, n, mc_agg_hash(name, n), &fresh);
  if(!e)
    return NULL;
  if(fresh) {
    ss->v = mc_xrealloc(ss->v, (ss->n + 1) * sizeof *ss->v);
    memset(&ss->v[ss->n], 0, sizeof ss->v[ss->n]);
    mc_strlcpy(ss->v[ss->n].name, name, sizeof ss->v[ss->n].name);
    e->ex_line = ss->n++;
  }
  return &ss->v[e->ex_line];
}

static void servers_of(const struct judge *j, int ep, struct srv_set *ss)
{
  memset(ss, 0, sizeof *ss);
  mc_agg_init(&ss->index);
  for(size_t i = 0; i < j->nrows; i++) {
    const struct row *r = &j->rows[i];
    if(r->ep != ep)
      continue;
    struct srv *v = srv_find(ss, r->server);
    if(!v)
      continue;
    v->total += r->e->count;
    bool bad = r->cls == MC_SC_AUTH_FAILED || r->cls == MC_SC_NTLM_SPLIT ||
               r->cls == MC_SC_SERVER_ERROR ||
               (r->cls == MC_SC_CLIENT_ERROR && mc_endpoint_is_migration(ep));
    if(r->cls == MC_SC_SUCCESS) {
      v->ok += r->e->count;
      if(r->e->last > v->last_ok)
        v->last_ok = r->e->last;
    }
    else if(bad) {
      v->failed += r->e->count;
      if(r->e->last > v->last_fail)
        v->last_fail = r->e->last;
    }
    if(r->cls != MC_SC_SUCCESS && r->cls != MC_SC_CHALLENGE &&
       (!v->worst || r->e->count > v->worst->e->count))
      v->worst = r;
    if(r->cls == MC_SC_CHALLENGE) {
      v->challenges += r->e->count;
      if(!v->first_leg || r->e->count > v->first_leg->e->count)
        v->first_leg = r;
    }
  }
}

static void srv_set_release(struct srv_set *ss)
{
  free(ss->v);
  mc_agg_release(&ss->index);
}

/* ---- the files ---- */

/* How many files were read, whether any holds traffic (IIS or HttpProxy),
 * and the time they span. */
static size_t readable_files(const struct mc_logs_scan *s, bool *traffic_logs, int64_t *first,
                             int64_t *last)
{
  size_t readable = 0;
  for(size_t i = 0; i < s->nfiles; i++) {
    const struct mc_logs_file *f = &s->files[i];
    if(f->unreadable || f->skipped)
      continue;
    readable++;
    if(f->fmt == MC_LOGFMT_W3C || f->fmt == MC_LOGFMT_HTTPPROXY)
      *traffic_logs = true;
    if(f->first && (!*first || f->first < *first))
      *first = f->first;
    if(f->last > *last)
      *last = f->last;
  }
  return readable;
}

/* The files of one server and kind of log. */
struct log_group {
  const char *server, *format, *from;
  uint64_t files, lines, bytes;
  int64_t first, last;
};

/* One evidence line per server and kind of log, in the order first seen. */
static void group_evidence(const struct mc_logs_scan *s, struct mc_step *st)
{
  struct log_group *groups = NULL;
  size_t ngroups = 0;
  struct mc_agg gindex;
  mc_agg_init(&gindex);
  for(size_t i = 0; i < s->nfiles; i++) {
    const struct mc_logs_file *f = &s->files[i];
    if(f->unreadable || f->skipped)
      continue;
    char name[MC_KEY_STR_MAX + 40];
    int nn = snprintf(name, sizeof name, "%s|%s", f->server, mc_log_format_name(f->fmt));
    bool fresh;
    struct mc_agg_ent *e = tally(&gindex, name, nn < (int)sizeof name ? (size_t)nn :
                                 sizeof name - 1, 0, &fresh);
    if(!e)
      continue;
    if(fresh) {
      groups = mc_xrealloc(groups, (ngroups + 1) * sizeof *groups);
      memset(&groups[ngroups], 0, sizeof groups[ngroups]);
      groups[ngroups].server = f->server;
      groups[ngroups].format = mc_log_format_name(f->fmt);
      e->ex_line = ngroups++;
    }
    struct log_group *g = &groups[e->ex_line];
    g->files++;
    g->lines += f->lines;
    g->bytes += f->bytes;
    g->from = f->server_from;
    if(f->first && (!g->first || f->first < g->first))
      g->first = f->first;
    if(f->last > g->last)
      g->last = f->last;
  }
  for(size_t i = 0; i < ngroups; i++) {
    const struct log_group *g = &groups[i];
    char c1[32], c2[32];
    fmt_time(g->first, c1, sizeof c1);
    fmt_time(g->last, c2, sizeof c2);
    mc_step_ev(st, g->server, "%s: %llu file%s, %.1f MB, %llu lines, %s to %s "
               "(server named by %s)", g->format, (unsigned long long)g->files,
               g->files == 1 ? "" : "s", (double)g->bytes / 1e6, (unsigned long long)g->lines,
               c1, c2, g->from ? g->from : "");
  }
  free(groups);
  mc_agg_release(&gindex);
}

/* The --since/--until window and how many lines fell outside it. */
static void window_evidence(const struct judge *j, struct mc_step *st)
{
  if(!j->o->has_since && !j->o->has_until)
    return;
  char c1[32], c2[32];
  fmt_time(j->o->has_since ? j->o->since : 0, c1, sizeof c1);
  fmt_time(j->o->has_until ? j->o->until : 0, c2, sizeof c2);
  mc_step_ev(st, "window", "%s to %s; %llu endpoint lines outside it were not counted",
             j->o->has_since ? c1 : "the beginning", j->o->has_until ? c2 : "the end",
             (unsigned long long)j->s->out_of_window);
}

/* Problems: unreadable files and files named on the command line that are
 * not logs are warnings; files in folders that are not logs are counted,
 * and the count returned. */
static size_t problem_files(struct judge *j, struct mc_step *st)
{
  const struct mc_logs_scan *s = j->s;
  struct mc_report *r = j->r;
  size_t skipped_quiet = 0;
  struct mc_step *bad = NULL;
  for(size_t i = 0; i < s->nfiles; i++) {
    const struct mc_logs_file *f = &s->files[i];
    bool quiet_skip = f->skipped && !f->named;
    if(!f->problem || (quiet_skip && !f->gz)) {
      skipped_quiet += quiet_skip;
      continue;
    }
    char *msg = f->unreadable ? mc_xasprintf("cannot read '%s': %s", f->path, f->problem) :
                f->skipped ? mc_xasprintf("'%s' was not analysed: %s", f->path, f->problem) :
                f->malformed ? mc_xasprintf("'%s': %llu line%s skipped; first, %s", f->path,
                                            (unsigned long long)f->malformed,
                                            f->malformed == 1 ? "" : "s", f->problem) :
                mc_xasprintf("'%s': %s", f->path, f->problem);
    if(!bad)
      bad = mc_step_add(r, st, "Files with problems");
    if(bad->nev < 50)
      mc_step_ev(bad, f->unreadable ? "unreadable" : f->skipped ? "skipped" : "problem",
                 "%s", msg);
    if(j->o->warn)
      j->o->warn(j->o->ctx, msg);
    free(msg);
  }
  for(size_t i = 0; i < s->nfiles; i++) {
    const struct mc_logs_file *f = &s->files[i];
    if(f->assumed_layout) {
      if(!bad)
        bad = mc_step_add(r, st, "Files with problems");
      mc_step_ev(bad, "assumed", "'%s' has no #Fields line; its lines fit the default "
                 "Exchange IIS layout, which was assumed", f->path);
    }
  }
  if(bad)
    mc_step_done(r, bad, MC_UNKNOWN, "some files could not be read in full");
  return skipped_quiet;
}

static void files_step(struct judge *j, bool *any_readable, bool *traffic_logs)
{
  const struct mc_logs_scan *s = j->s;
  struct mc_report *r = j->r;
  int64_t first = 0, last = 0;
  size_t readable = readable_files(s, traffic_logs, &first, &last);
  *any_readable = readable > 0;
  double mb = (double)s->bytes / 1e6;
  double secs = s->elapsed_ms > 0 ? (double)s->elapsed_ms / 1000.0 : 0.001;
  struct mc_step *st = mc_step_add(r, NULL, "Read the logs");
  mc_step_set_duration(st, s->elapsed_ms);
  char a[32], b[32];
  fmt_time(first, a, sizeof a);
  fmt_time(last, b, sizeof b);
  group_evidence(s, st);
  window_evidence(j, st);
  size_t skipped_quiet = problem_files(j, st);
  if(skipped_quiet)
    mc_step_ev(st, "not logs", "%zu file%s in the folders were not IIS, HTTPERR or HttpProxy "
               "logs and were passed over", skipped_quiet, skipped_quiet == 1 ? "" : "s");
  mc_step_ev(st, "speed", "%.1f MB in %.3f s on %d thread%s (%.0f MB/s)", mb, secs, s->threads,
             s->threads == 1 ? "" : "s", mb / secs);
  if(!readable) {
    mc_step_done(r, st, MC_UNKNOWN, "no log file could be read");
    mc_report_incomplete(r, "no IIS, HTTPERR or HttpProxy log could be read from the paths "
                         "given");
    return;
  }
  mc_step_done(r, st, MC_INFO, "%zu file%s, %llu lines, %s to %s", readable,
               readable == 1 ? "" : "s", (unsigned long long)s->lines, a, b);
}

/* ---- IIS endpoints ---- */

/* A bounded heap of the first k clients (most requests first, then by
 * name), fed one at a time. The entries stay where they were put in h (h
 * holds the n kept, in no order); the heap orders their indices, so a
 * step moves 4 bytes, not a 200-byte name. */
struct top_clients {
  struct named_count *h;
  uint32_t *ix;                 /* heap of indices into h: h[ix[0]] comes last of those kept */
  size_t n, k;
  size_t cap;                   /* room in h and ix: it grows as they fill, up to k */
};

/* An empty list of at most k. Nothing is allocated before a client comes:
 * the judge keeps one list per endpoint and thread, most of them short or
 * empty, and k entries each made ready (calloc()) were 3.4 MB written
 * for nothing at 1k clients, 5% of the run. */
static struct top_clients top_new(size_t k)
{
  return (struct top_clients){ NULL, NULL, 0, k, 0 };
}

/* Room for one more entry (n < k). */
static void top_room(struct top_clients *t)
{
  if(t->n < t->cap)
    return;
  t->cap = t->cap ? 2 * t->cap : 16;
  if(t->cap > t->k)
    t->cap = t->k;
  t->h = mc_xrealloc(t->h, t->cap * sizeof *t->h);
  t->ix = mc_xrealloc(t->ix, t->cap * sizeof *t->ix);
}

/* The place of each number 0-255 among their decimal texts in strcmp()
 * order ("0" < "1" < "10" < "100" < ... < "99"). Dotted quads compare as
 * texts as the places of their four numbers compare, in turn: a text that
 * is a prefix of the other sorts first, as '.' and the text's end both
 * sort before every digit. So the top lists break ties between IPv4
 * clients without writing out their names (at 1M clients most counts are
 * ties). */
static uint8_t text_place[256];
static pthread_once_t text_place_once = PTHREAD_ONCE_INIT;

static char decimal[256][4];     /* the texts, written once for the sort */

static int cmp_decimal(const void *a, const void *b)
{
  return strcmp(decimal[*(const uint8_t *)a], decimal[*(const uint8_t *)b]);
}

static void text_place_init(void)
{
  uint8_t v[256];
  for(unsigned i = 0; i < 256; i++) {
    v[i] = (uint8_t)i;
    snprintf(decimal[i], sizeof decimal[i], "%u", i);
  }
  qsort(v, 256, sizeof *v, cmp_decimal);
  for(unsigned i = 0; i < 256; i++)
    text_place[v[i]] = (uint8_t)i;
}

/* The text order of an IPv4 address held as a number (a.b.c.d as
 * a << 24 | ...): a number that compares as its dotted text does. */
static uint32_t v4_order(uint32_t addr)
{
  uint32_t k = 0;
  for(int i = 0; i < 4; i++)
    k = k << 8 | text_place[addr >> (24 - 8 * i) & 0xff];
  return k;
}

static bool named_before(const struct named_count *x, const struct named_count *y)
{
  if(x->count != y->count)
    return x->count > y->count;
  if(x->v4 && y->v4)
    return x->v4key < y->v4key;
  return strcmp(x->name, y->name) < 0;
}

static bool top_before(const struct top_clients *t, size_t i, size_t j)
{
  return named_before(&t->h[t->ix[i]], &t->h[t->ix[j]]);
}

static void top_swap(struct top_clients *t, size_t i, size_t j)
{
  uint32_t x = t->ix[i];
  t->ix[i] = t->ix[j];
  t->ix[j] = x;
}

static void top_down(struct top_clients *t, size_t i)
{
  for(;;) {
    size_t l = 2 * i + 1, r = l + 1, m = i;
    if(l < t->n && top_before(t, m, l))
      m = l;
    if(r < t->n && top_before(t, m, r))
      m = r;
    if(m == i)
      return;
    top_swap(t, i, m);
    i = m;
  }
}

static void top_up(struct top_clients *t, size_t i)
{
  while(i > 0) {
    size_t p = (i - 1) / 2;
    if(!top_before(t, p, i))
      return;
    top_swap(t, i, p);
    i = p;
  }
}

/* Whether the list, full, keeps x (x comes before the last one kept). */
static bool top_takes(const struct top_clients *t, const struct named_count *x)
{
  return t->n < t->k || (t->k && named_before(x, &t->h[t->ix[0]]));
}

/* Keeps the client x when it is among the first k so far (copied then). */
static void top_offer(struct top_clients *t, const struct named_count *x)
{
  if(t->n < t->k) {
    top_room(t);
    t->h[t->n] = *x;
    t->h[t->n].cloud = false;
    t->ix[t->n] = (uint32_t)t->n;
    t->n++;
    top_up(t, t->n - 1);
  }
  else if(top_takes(t, x)) {
    t->h[t->ix[0]] = *x;
    t->h[t->ix[0]].cloud = false;
    top_down(t, 0);
  }
}

static int cmp_named(const void *a, const void *b)
{
  const struct named_count *x = a, *y = b;
  return named_before(x, y) ? -1 : named_before(y, x) ? 1 : 0;
}

/* Whether a client with count requests can still enter the top list (the
 * name decides ties, so equal counts need it). */
static bool top_wants(const struct top_clients *t, uint64_t count)
{
  return t->n < t->k || (t->k && count >= t->h[t->ix[0]].count);
}

/* What one thread of the judge counts on its own: per endpoint, the
 * clients, the --cloud-ranges requests and a top list; and in the first
 * pass the text keys of its table that are not in their normal form. */
struct client_part {
  const struct judge *j;
  struct mc_cset *cs;
  struct ep_clients cl[MC_EP_COUNT];
  struct top_clients top[MC_EP_COUNT];
  struct mc_cset_slot **moves;
  size_t nmoves;
};

static void client_counted(struct client_part *cp, const struct mc_cset_slot *sl, int ep,
                           uint64_t count)
{
  const struct mc_logs_opts *o = cp->j->o;
  struct ep_clients *c = &cp->cl[ep];
  struct top_clients *top = &cp->top[ep];
  c->distinct++;
  bool text = mc_cset_is_text(sl);
  if(o->cloud && !text) {
    /* An IPv4 client is matched from its slot, without text. */
    uint8_t a[16];
    mc_cset_ipv4(sl, a);
    if(mc_cidr_match_addr(o->cloud, a))
      c->cloud += count;
  }
  bool wanted = top_wants(top, count);
  if(!wanted && (!o->cloud || !text))
    return;
  struct named_count x;
  x.count = count;
  x.v4 = !text;
  x.v4key = text ? 0 : v4_order(sl->off);
  /* An IPv4 client tied with the last one kept, itself IPv4, is compared
     without its name; most are not kept. */
  if(wanted && !text && top->n == top->k && top->h[top->ix[0]].v4 &&
     !named_before(&x, &top->h[top->ix[0]]))
    return;
  size_t n;
  char kbuf[MC_CSET_KEY_MAX];
  const char *key = mc_cset_key(cp->cs, sl, kbuf, &n);
  int kep;
  mc_cset_client_text(key, n, &kep, x.name, sizeof x.name);
  if(o->cloud && text && mc_cidr_match(o->cloud, x.name, strlen(x.name)))
    c->cloud += count;
  if(wanted)
    top_offer(top, &x);
}

/* The normal form (zone dropped, IPv4-mapped as IPv4, IPv6 canonical) of
 * the client address addr of endpoint ep, as a key in nk. */
static size_t normal_of(int ep, struct mc_slice addr, char nk[MC_KEY_CLIENT_MAX])
{
  char norm[MC_KEY_STR_MAX + 1];
  mc_addr_normalize(addr.p, addr.n, norm, sizeof norm);
  return mc_cset_client_key(nk, ep, norm, strlen(norm));
}

/* The same for a text client key's slot; 0 when the key does not read. */
static size_t normal_key(const struct mc_cset *cs, const struct mc_cset_slot *sl,
                         char nk[MC_KEY_CLIENT_MAX], char kbuf[MC_CSET_KEY_MAX],
                         const char **key, size_t *n)
{
  *key = mc_cset_key(cs, sl, kbuf, n);
  struct mc_key_client ck;
  struct mc_slice addr;
  if(!mc_key_client_get(*key, *n, &ck, &addr))
    return 0;
  return normal_of(ck.ep, addr, nk);
}

/* Pass 1, on every table at once: the text keys whose normal form is
 * another text (most are as IIS writes them, and stay where they are). */
static void *find_moves(void *arg)
{
  struct client_part *cp = arg;
  enum { AHEAD = 8 };           /* the text of the key this many slots on is fetched */
  const struct mc_cset *cs = cp->cs;
  if(!cs->odd)
    return NULL;                  /* nothing marked: every key is in its normal form */
  MC_CSET_EACH(cp->cs, sl) {
    if((size_t)(sl - cs->slots) + AHEAD < cs->cap && sl[AHEAD].word & MC_CSET_ODD)
      mc_cset_prefetch_key(cs, &sl[AHEAD]);
    if(!mc_cset_count(sl) || !(sl->word & MC_CSET_ODD))
      continue;                   /* IPv4, or a text found normal when it was added */
    char nk[MC_KEY_CLIENT_MAX], kbuf[MC_CSET_KEY_MAX];
    size_t n;
    const char *key = mc_cset_key(cp->cs, sl, kbuf, &n);
    struct mc_key_client ck;
    struct mc_slice addr;
    if(!mc_key_client_get(key, n, &ck, &addr))
      continue;
    size_t kn = normal_of(ck.ep, addr, nk);
    if(kn && !(kn == n && memcmp(nk, key, n) == 0)) {
      if(!(cp->nmoves & (cp->nmoves + 1)))
        cp->moves = mc_xrealloc(cp->moves, (2 * cp->nmoves + 1) * sizeof *cp->moves);
      cp->moves[cp->nmoves++] = sl;
    }
  }
  return NULL;
}

/* Pass 2, on every table at once: each client counted by its thread. */
static void *count_part(void *arg)
{
  struct client_part *cp = arg;
  MC_CSET_EACH(cp->cs, sl) {
    uint64_t count = mc_cset_count(sl);
    int ep = mc_cset_ep(sl);
    if(count && ep < MC_EP_COUNT)
      client_counted(cp, sl, ep, count);
  }
  return NULL;
}

/* Every endpoint's clients from the scan's client tables. IPv4 keys are
 * final; a text key whose normal form (zone dropped, IPv4-mapped as IPv4,
 * IPv6 canonical) is another text is moved: onto that key where it exists
 * (an IPv4 one, or the canonical text), else into a table of its own. Both
 * passes run on one thread per table (the scan's partitions); the threads'
 * top lists, bounded heaps of MAX_JSON_CLIENTS, merge into one: O(n log k)
 * in all. */
static void collect_clients(struct judge *j)
{
  const struct mc_logs_scan *s = j->s;
  unsigned np = s->nclient_parts;
  struct mc_cset texts;
  mc_cset_init(&texts);
  struct client_part *cp = mc_xcalloc(np + 1, sizeof *cp);
  for(unsigned p = 0; p <= np; p++) {
    cp[p].j = j;
    cp[p].cs = p < np ? &s->clients[p] : &texts;
    for(int ep = 0; ep < MC_EP_COUNT; ep++)
      cp[p].top[ep] = top_new(MAX_JSON_CLIENTS);
  }
  pthread_once(&text_place_once, text_place_init);
  mc_logs_on_threads(cp, sizeof *cp, np, find_moves);
  for(unsigned p = 0; p < np; p++) {
    for(size_t i = 0; i < cp[p].nmoves; i++) {
      struct mc_cset_slot *sl = cp[p].moves[i];
      char nk[MC_KEY_CLIENT_MAX], kbuf[MC_CSET_KEY_MAX];
      const char *key;
      size_t n, kn = normal_key(cp[p].cs, sl, nk, kbuf, &key, &n);
      uint64_t h = mc_agg_hash(nk, kn);
      struct mc_cset *home = &s->clients[mc_cset_part(h, np)];
      mc_cset_add(mc_cset_has(home, nk, kn, h) ? home : &texts, nk, kn, h, mc_cset_count(sl));
      sl->word &= ~MC_CSET_COUNT_MASK;   /* moved: pass 2 skips a count of 0 */
    }
    free(cp[p].moves);
  }
  mc_logs_on_threads(cp, sizeof *cp, np, count_part);
  count_part(&cp[np]);
  mc_cset_release(&texts);
  for(int ep = 0; ep < MC_EP_COUNT; ep++) {
    struct ep_clients *c = &j->clients[ep];
    struct top_clients top = cp[0].top[ep];
    *c = cp[0].cl[ep];
    for(unsigned p = 1; p <= np; p++) {
      c->distinct += cp[p].cl[ep].distinct;
      c->cloud += cp[p].cl[ep].cloud;
      for(size_t i = 0; i < cp[p].top[ep].n; i++)
        top_offer(&top, &cp[p].top[ep].h[i]);
      free(cp[p].top[ep].h);
      free(cp[p].top[ep].ix);
    }
    free(top.ix);
    if(top.n > 1)
      qsort(top.h, top.n, sizeof *top.h, cmp_named);
    c->top = top.h;
    c->ntop = top.n;
    for(size_t i = 0; i < c->ntop; i++)
      c->top[i].cloud = mc_cidr_match(j->o->cloud, c->top[i].name, strlen(c->top[i].name));
  }
  free(cp);
}

/* A table entry as evidence and findings show it: its first and last
 * time and its example line. */
struct ent_shown {
  char first[32], last[32];
  char *where;                  /* "path:line: text"; free() it */
};

static void ent_show(const struct judge *j, const struct mc_agg_ent *e, struct ent_shown *out)
{
  fmt_time(e->first, out->first, sizeof out->first);
  fmt_time(e->last, out->last, sizeof out->last);
  out->where = where(j, e->ex_file, e->ex_line, e->ex_text);
}

/* A status row as evidence and findings show it. */
struct row_shown {
  char triple[64];
  const char *meaning;          /* NULL when the triple has none */
  struct ent_shown e;
};

static void row_show(const struct judge *j, const struct row *r, struct row_shown *out)
{
  triple(r->status, r->sub, r->win32, out->triple, sizeof out->triple);
  out->meaning = mc_status_meaning(r->status, r->sub, r->win32, r->ep);
  ent_show(j, r->e, &out->e);
}

static void finding_for_row(struct judge *j, struct mc_step *st, const char *id,
                            enum mc_status sev, const struct row *r, const char *extra,
                            int *budget)
{
  if(*budget <= 0)
    return;
  (*budget)--;
  struct row_shown w;
  row_show(j, r, &w);
  const char *m = w.meaning;
  mc_step_find_sev(j->r, st, id, sev, "%s answered %s %llu time%s on %s%s%s (%s to %s)%s; "
                   "first at %s", r->server, w.triple, (unsigned long long)r->e->count,
                   r->e->count == 1 ? "" : "s", mc_endpoint_path(r->ep), m ? ": " : "",
                   m ? m : "", w.e.first, w.e.last, extra, w.e.where);
  free(w.e.where);
}

/* Requests of an endpoint and the first and last time seen. */
static uint64_t endpoint_totals(const struct judge *j, int ep, int64_t *first, int64_t *last)
{
  uint64_t total = 0;
  *first = *last = 0;
  for(size_t i = 0; i < j->nrows; i++) {
    const struct row *w = &j->rows[i];
    if(w->ep != ep)
      continue;
    total += w->e->count;
    if(!*first || w->e->first < *first)
      *first = w->e->first;
    if(w->e->last > *last)
      *last = w->e->last;
  }
  return total;
}

/* Evidence: the requests each server answered. */
static void servers_evidence(const struct srv_set *ss, struct mc_step *st)
{
  struct mc_buf sb = MC_BUF_INIT(4096);
  for(size_t i = 0; i < ss->n; i++)
    mc_buf_printf(&sb, "%s%s %llu", i ? ", " : "", ss->v[i].name,
                  (unsigned long long)ss->v[i].total);
  mc_step_ev(st, "servers", "%s", sb.ptr);
  mc_buf_release(&sb);
}

/* Evidence: the busiest status rows of an endpoint, each with its meaning
 * and an example line. */
static void status_evidence(const struct judge *j, int ep, struct mc_step *st)
{
  int shown = 0;
  for(size_t i = 0; i < j->nrows && shown < MAX_STATUS_EV; i++) {
    const struct row *w = &j->rows[i];
    if(w->ep != ep)
      continue;
    shown++;
    struct row_shown v;
    row_show(j, w, &v);
    char label[MC_KEY_STR_MAX + 80];
    snprintf(label, sizeof label, "%s %s", w->server, v.triple);
    mc_step_ev(st, label, "%llu, %s to %s%s%s; e.g. %s", (unsigned long long)w->e->count,
               v.e.first, v.e.last, v.meaning ? ", " : "", v.meaning ? v.meaning : "",
               v.e.where);
    free(v.e.where);
  }
}

/* Evidence: the busiest clients of an endpoint, and how many of its total
 * requests came from --cloud-ranges. */
static void clients_evidence(const struct judge *j, int ep, struct mc_step *st, uint64_t total)
{
  const struct ep_clients *cl = &j->clients[ep];
  struct mc_buf cb = MC_BUF_INIT(4096);
  for(size_t i = 0; i < cl->ntop && i < MAX_CLIENT_EV; i++)
    mc_buf_printf(&cb, "%s%s %llu%s", i ? ", " : "", cl->top[i].name,
                  (unsigned long long)cl->top[i].count,
                  cl->top[i].cloud ? " (Exchange Online)" : "");
  if(cl->distinct)
    mc_step_ev(st, "clients", "%zu address%s; most: %s", cl->distinct,
               cl->distinct == 1 ? "" : "es", cb.ptr);
  if(j->o->cloud)
    mc_step_ev(st, "Exchange Online", "%llu of %llu requests came from the ranges given",
               (unsigned long long)cl->cloud, (unsigned long long)total);
  mc_buf_release(&cb);
}

/* How many more findings each cause may add to one endpoint's step. */
struct budgets {
  int auth, split, err, named;
};

/* The rules on each status row of an endpoint: NTLM split, failed logons
 * (migration endpoints), server errors (and client errors on the migration
 * endpoints). */
static void status_findings(struct judge *j, int ep, struct mc_step *st, struct srv_set *ss,
                            struct budgets *bg)
{
  bool migration = mc_endpoint_is_migration(ep);
  for(size_t i = 0; i < j->nrows; i++) {
    const struct row *w = &j->rows[i];
    if(w->ep != ep)
      continue;
    if(w->cls == MC_SC_NTLM_SPLIT)
      finding_for_row(j, st, MC_CAUSE_LOG_NTLM_SPLIT, MC_INFO, w, "", &bg->split);
    else if(w->cls == MC_SC_AUTH_FAILED && migration) {
      const struct srv *sv = srv_find(ss, w->server);
      bool later_ok = sv && sv->ok && sv->last_ok > w->e->last;
      finding_for_row(j, st, MC_CAUSE_LOG_AUTH_FAILURES, later_ok ? MC_WARN : MC_INFO, w,
                      later_ok ? ", with successful requests after them" :
                      ", and no successful request after them", &bg->auth);
    }
    else if(w->cls == MC_SC_SERVER_ERROR || (w->cls == MC_SC_CLIENT_ERROR && migration)) {
      /* A triple that names its cause on this endpoint says so (503.x.1722
         on the RPC proxy is ValidPorts or the back end, never a pool). */
      const char *also;
      const char *cause = mc_status_cause(w->status, w->sub, w->win32, ep, &also);
      if(!cause)
        finding_for_row(j, st, MC_CAUSE_LOG_SERVER_ERRORS, MC_INFO, w, "", &bg->err);
      else {
        finding_for_row(j, st, cause, MC_INFO, w, "", &bg->named);
        if(also) {
          char *alt = mc_xasprintf("; the log cannot tell this from %s", cause);
          finding_for_row(j, st, also, MC_INFO, w, alt, &bg->named);
          free(alt);
        }
      }
    }
  }
}

/* The NTLM sequence is 401.2.5, 401.1.2148074254, then 200: first legs with
 * no 200 and no other failure on a server mean the handshake never ended. */
static void handshake_findings(struct judge *j, struct mc_step *st, const struct srv_set *ss,
                               int *budget_auth)
{
  for(size_t i = 0; i < ss->n; i++) {
    const struct srv *v = &ss->v[i];
    if(v->ok || v->failed || !v->challenges || !v->first_leg)
      continue;
    finding_for_row(j, st, MC_CAUSE_LOG_AUTH_FAILURES, MC_INFO, v->first_leg,
                    ", and never a 200 after the challenge: the NTLM handshake did not "
                    "complete (no third leg, or it never reached this server)", budget_auth);
  }
}

/* One server answers, another only fails: the traffic lands where it
 * should not (or the pool behind the name is inconsistent). */
static void wrong_server_findings(struct judge *j, int ep, struct mc_step *st,
                                  const struct srv_set *ss)
{
  const struct srv *srv = ss->v;
  size_t nsrv = ss->n;
  bool any_ok = false;
  for(size_t i = 0; i < nsrv; i++)
    any_ok = any_ok || srv[i].ok;
  if(!any_ok || nsrv < 2)
    return;
  struct mc_buf okb = MC_BUF_INIT(2048);
  for(size_t k = 0; k < nsrv && okb.len < 4000; k++) {
    if(srv[k].ok)
      mc_buf_printf(&okb, "%s%s", okb.len ? ", " : "", srv[k].name);
  }
  for(size_t i = 0; i < nsrv; i++) {
    if(srv[i].ok || !srv[i].failed)
      continue;
    const struct row *worst = srv[i].worst;
    char t[64] = "-";
    char *wh = NULL;
    if(worst) {
      triple(worst->status, worst->sub, worst->win32, t, sizeof t);
      wh = where(j, worst->e->ex_file, worst->e->ex_line, worst->e->ex_text);
    }
    mc_step_find(j->r, st, MC_CAUSE_LOG_TRAFFIC_ON_WRONG_SERVER, "%s requests reach %s, which "
                 "never answered one successfully (%llu failed, mostly %s), while %s answered "
                 "them%s%s", mc_endpoint_path(ep), srv[i].name,
                 (unsigned long long)srv[i].failed, t, okb.ptr, wh ? "; e.g. " : "",
                 wh ? wh : "");
    free(wh);
  }
  mc_buf_release(&okb);
}

static void endpoint_step(struct judge *j, int ep)
{
  struct mc_report *r = j->r;
  int64_t first, last;
  uint64_t total = endpoint_totals(j, ep, &first, &last);
  if(!total)
    return;
  struct srv_set ss;
  servers_of(j, ep, &ss);
  char a[32], b[32];
  fmt_time(first, a, sizeof a);
  fmt_time(last, b, sizeof b);
  struct mc_step *st = mc_step_add(r, NULL, "%s requests (%s) in the IIS logs",
                                   ep == MC_EP_MRSPROXY ? "MRSProxy" :
                                   ep == MC_EP_RPCPROXY ? "Outlook Anywhere" :
                                   ep == MC_EP_AUTODISCOVER ? "Autodiscover" :
                                   ep == MC_EP_EWS ? "EWS" : "MAPI over HTTP",
                                   mc_endpoint_path(ep));
  servers_evidence(&ss, st);
  status_evidence(j, ep, st);
  clients_evidence(j, ep, st, total);

  struct budgets bg = { MAX_FINDINGS_PER_CAUSE, MAX_FINDINGS_PER_CAUSE, MAX_FINDINGS_PER_CAUSE,
                        MAX_FINDINGS_PER_CAUSE };
  status_findings(j, ep, st, &ss, &bg);
  if(mc_endpoint_is_migration(ep))
    handshake_findings(j, st, &ss, &bg.auth);
  wrong_server_findings(j, ep, st, &ss);
  uint64_t ok = 0;
  for(size_t i = 0; i < ss.n; i++)
    ok += ss.v[i].ok;
  /* Passed when nothing was found and some request was answered. */
  enum mc_status done_as = st->status < MC_WARN && st->nfindings == 0 ?
                           (ok ? MC_PASS : MC_INFO) : st->status;
  mc_step_done(r, st, done_as, "%llu request%s on %zu server%s, %llu answered successfully, "
               "%s to %s", (unsigned long long)total, total == 1 ? "" : "s", ss.n,
               ss.n == 1 ? "" : "s", (unsigned long long)ok, a, b);
  srv_set_release(&ss);
}

/* ---- HTTPERR ---- */

/* Whether a file of this format was read. */
static bool read_any(const struct judge *j, enum mc_log_format fmt)
{
  for(size_t i = 0; i < j->s->nfiles; i++) {
    const struct mc_logs_file *f = &j->s->files[i];
    if(f->fmt == fmt && !f->skipped && !f->unreadable)
      return true;
  }
  return false;
}

static void httperr_step(struct judge *j)
{
  if(!read_any(j, MC_LOGFMT_HTTPERR))
    return;
  struct mc_step *st = mc_step_add(j->r, NULL, "HTTP.sys errors (HTTPERR logs)");
  uint64_t total = 0, endpoint_total = 0;
  int budget_drop = MAX_FINDINGS_PER_CAUSE, budget_queue = MAX_FINDINGS_PER_CAUSE;
  size_t shown = 0, nents;
  struct mc_agg_ent **ents = mc_agg_sorted(&j->s->agg, true, &nents);
  for(size_t i = 0; i < nents; i++) {
    const struct mc_agg_ent *e = ents[i];
    struct mc_key_httperr k;
    struct mc_slice sv, rs;
    if(!mc_key_httperr_get(e->key, e->klen, &k, &sv, &rs))
      continue;
    const char *server = sv.p, *reason = rs.p;
    total += e->count;
    bool on_ep = k.ep != MC_KEY_EP_OTHER;
    if(on_ep)
      endpoint_total += e->count;
    struct ent_shown v;
    ent_show(j, e, &v);
    const char *m = mc_httperr_reason_meaning(reason, k.reasonlen);
    if(shown++ < 20)
      mc_step_ev(st, on_ep ? mc_endpoint_name(k.ep) : "other URLs", "%.*s %.*s x%llu (%s to "
                 "%s)%s%s; e.g. %s", (int)k.srvlen, server, (int)k.reasonlen, reason,
                 (unsigned long long)e->count, v.first, v.last, m ? ": " : "", m ? m : "",
                 v.where);
    enum mc_httperr_kind kind = mc_httperr_reason_kind(reason, k.reasonlen);
    if(on_ep && kind != MC_HE_OTHER) {
      int *budget = kind == MC_HE_DROPPED ? &budget_drop : &budget_queue;
      if(*budget > 0) {
        (*budget)--;
        mc_step_find(j->r, st, kind == MC_HE_DROPPED ? MC_CAUSE_HTTPERR_CONNECTION_DROPPED :
                     MC_CAUSE_HTTPERR_QUEUE_FULL, "%.*s: %.*s %llu time%s on %s (%s to %s); first "
                     "at %s", (int)k.srvlen, server, (int)k.reasonlen, reason,
                     (unsigned long long)e->count, e->count == 1 ? "" : "s",
                     mc_endpoint_path(k.ep), v.first, v.last, v.where);
      }
    }
    free(v.where);
  }
  free(ents);
  mc_step_done(j->r, st, st->status, "%llu HTTP.sys errors, %llu of them on the five "
               "endpoints", (unsigned long long)total, (unsigned long long)endpoint_total);
}

/* ---- HttpProxy ---- */

static void proxy_step(struct judge *j, uint64_t *migration_lines)
{
  if(!read_any(j, MC_LOGFMT_HTTPPROXY))
    return;
  struct mc_step *st = mc_step_add(j->r, NULL, "Front end to back end (HttpProxy logs)");
  uint64_t total = 0, bad = 0;
  int budget = MAX_FINDINGS_PER_CAUSE;
  size_t shown = 0, nents;
  struct mc_agg_ent **ents = mc_agg_sorted(&j->s->agg, true, &nents);
  for(size_t i = 0; i < nents; i++) {
    const struct mc_agg_ent *e = ents[i];
    struct mc_key_proxy k;
    struct mc_slice sv, tg, er;
    if(!mc_key_proxy_get(e->key, e->klen, &k, &sv, &tg, &er))
      continue;
    const char *server = sv.p, *target = tg.p, *err = er.p;
    total += e->count;
    if(mc_endpoint_is_migration(k.ep))
      *migration_lines += e->count;
    bool failed = k.http >= 500 || (k.backend >= 400 && k.backend != 401) || k.generic;
    struct ent_shown v;
    ent_show(j, e, &v);
    if(failed || shown < 10) {
      shown++;
      mc_step_ev(st, mc_endpoint_name(k.ep), "%.*s -> %.*s HttpStatus %d BackEndStatus %d%s%.*s "
                 "x%llu (%s to %s); e.g. %s", (int)k.srvlen, server, (int)k.tgtlen,
                 k.tgtlen ? target : "(no target)", k.http, k.backend,
                 k.errlen ? " ErrorCode " : "", (int)k.errlen, err,
                 (unsigned long long)e->count, v.first, v.last, v.where);
    }
    if(failed) {
      bad += e->count;
      if(budget > 0) {
        budget--;
        mc_step_find(j->r, st, MC_CAUSE_PROXY_BACKEND_ERRORS, "%.*s could not proxy %s to %.*s: "
                     "HttpStatus %d, BackEndStatus %d%s%.*s, %llu time%s (%s to %s); first at "
                     "%s", (int)k.srvlen, server, mc_endpoint_path(k.ep), (int)k.tgtlen,
                     k.tgtlen ? target : "(no target server)", k.http, k.backend,
                     k.errlen ? ", ErrorCode " : "", (int)k.errlen, err,
                     (unsigned long long)e->count, e->count == 1 ? "" : "s", v.first, v.last,
                     v.where);
      }
    }
    free(v.where);
  }
  free(ents);
  mc_step_done(j->r, st, st->status == MC_INFO && total && !bad ? MC_PASS : st->status,
               "%llu proxied requests on the five endpoints, %llu failed toward the back end",
               (unsigned long long)total, (unsigned long long)bad);
}

/* ---- --run-id ---- */

static void run_step(struct judge *j, const char *servers_seen)
{
  const struct mc_logs_scan *s = j->s;
  struct mc_step *st = mc_step_add(j->r, NULL, "Requests of run %s", j->o->run_id);
  for(size_t i = 0; i < s->nhits; i++) {
    const struct mc_logs_hit *h = &s->hits[i];
    char t[64], a[32];
    triple(h->status, h->sub, h->win32, t, sizeof t);
    fmt_time(h->ts, a, sizeof a);
    const char *m = h->fmt == MC_LOGFMT_HTTPPROXY ? NULL :
                    mc_status_meaning(h->status, h->sub, h->win32, h->ep);
    char *wh = where(j, h->file, h->line, NULL);
    char shown[64];
    if(h->fmt == MC_LOGFMT_HTTPPROXY)
      snprintf(shown, sizeof shown, "HttpStatus %d", h->status);
    else if(h->fmt == MC_LOGFMT_HTTPERR)
      snprintf(shown, sizeof shown, "%d %s", h->status, h->reason);
    else
      mc_strlcpy(shown, t, sizeof shown);
    mc_step_ev(st, h->server, "%s %s %s -> %s%s%s%s from %s (%s log) at %s", a, h->method,
               h->path, shown, m ? " (" : "", m ? m : "", m ? ")" : "", h->client,
               mc_log_format_name(h->fmt), wh);
    free(wh);
  }
  if(s->hits_total > s->nhits)
    mc_step_ev(st, "more", "%llu more lines carry the run id",
               (unsigned long long)(s->hits_total - s->nhits));
  if(!s->hits_total) {
    mc_step_find(j->r, st, MC_CAUSE_LOG_NO_MIGRATION_TRAFFIC, "none of the requests migcheck sent in "
                 "run %s is in these logs (servers %s); they stopped before IIS, or landed on "
                 "a server whose logs are not here (IIS writes its log up to a minute late)",
                 j->o->run_id, servers_seen);
    mc_step_done(j->r, st, st->status, "not found");
    return;
  }
  /* Where did they land? */
  struct mc_agg where_t;
  mc_agg_init(&where_t);
  for(size_t i = 0; i < s->nhits; i++)
    tally(&where_t, s->hits[i].server, strlen(s->hits[i].server), 1, NULL);
  size_t nw;
  struct named_count *where_v = sorted_named(&where_t, &nw);
  mc_agg_release(&where_t);
  struct mc_buf b = MC_BUF_INIT(2048);
  for(size_t i = 0; i < nw; i++)
    mc_buf_printf(&b, "%s%s (%llu)", i ? ", " : "", where_v[i].name,
                  (unsigned long long)where_v[i].count);
  free(where_v);
  mc_step_done(j->r, st, MC_INFO, "%llu line%s the run id, on %s",
               (unsigned long long)s->hits_total, s->hits_total == 1 ? " carries" : "s carry",
               b.ptr);
  mc_buf_release(&b);
}

/* ---- JSON sections ---- */

struct hour_count {
  int64_t hour;
  uint64_t count;
};

static int cmp_hour(const void *a, const void *b)
{
  const struct hour_count *x = a, *y = b;
  return x->hour < y->hour ? -1 : x->hour > y->hour;
}

static void traffic_json(const struct judge *j, struct mc_buf *out)
{
  struct mc_json js;
  mc_json_init(&js, out, false);
  mc_json_obj_begin(&js);
  for(int ep = 0; ep < MC_EP_COUNT; ep++) {
    mc_json_key(&js, mc_endpoint_name(ep));
    mc_json_obj_begin(&js);
    int64_t first, last;
    uint64_t total = endpoint_totals(j, ep, &first, &last);
    struct mc_agg sv_t, st_t;
    mc_agg_init(&sv_t);
    mc_agg_init(&st_t);
    for(size_t i = 0; i < j->nrows; i++) {
      const struct row *w = &j->rows[i];
      if(w->ep != ep)
        continue;
      tally(&sv_t, w->server, strlen(w->server), w->e->count, NULL);
      char t[64];
      triple(w->status, w->sub, w->win32, t, sizeof t);
      tally(&st_t, t, strlen(t), w->e->count, NULL);
    }
    size_t nsv, nst;
    struct named_count *sv = sorted_named(&sv_t, &nsv), *stv = sorted_named(&st_t, &nst);
    mc_agg_release(&sv_t);
    mc_agg_release(&st_t);
    mc_json_kint(&js, "requests", (int64_t)total);
    mc_json_key(&js, "by_server");
    mc_json_obj_begin(&js);
    for(size_t i = 0; i < nsv; i++)
      mc_json_kint(&js, sv[i].name, (int64_t)sv[i].count);
    mc_json_obj_end(&js);
    mc_json_key(&js, "by_status");
    mc_json_obj_begin(&js);
    for(size_t i = 0; i < nst; i++)
      mc_json_kint(&js, stv[i].name, (int64_t)stv[i].count);
    mc_json_obj_end(&js);
    const struct ep_clients *cl = &j->clients[ep];
    mc_json_key(&js, "by_client");
    mc_json_obj_begin(&js);
    for(size_t i = 0; i < cl->ntop; i++)
      mc_json_kint(&js, cl->top[i].name, (int64_t)cl->top[i].count);
    mc_json_obj_end(&js);
    if(cl->distinct > cl->ntop)
      mc_json_kint(&js, "clients_not_listed", (int64_t)(cl->distinct - cl->ntop));
    if(j->o->cloud)
      mc_json_kint(&js, "cloud_requests", (int64_t)cl->cloud);
    /* Hours, in time order. */
    struct hour_count *hours = NULL;
    size_t nh = 0;
    MC_AGG_EACH(&j->s->agg, e) {
      struct mc_key_hour k;
      if(!mc_key_hour_get(e->key, e->klen, &k) || k.ep != ep)
        continue;
      hours = mc_xrealloc(hours, (nh + 1) * sizeof *hours);
      hours[nh].hour = k.hour;
      hours[nh++].count = e->count;
    }
    if(nh > 1)
      qsort(hours, nh, sizeof *hours, cmp_hour);
    mc_json_key(&js, "by_hour");
    mc_json_obj_begin(&js);
    for(size_t i = 0; i < nh; i++) {
      char t[32];
      mc_format_time(hours[i].hour * 3600, t, sizeof t);
      t[13] = '\0';    /* "2024-03-12T08" */
      mc_json_kint(&js, t, (int64_t)hours[i].count);
    }
    mc_json_obj_end(&js);
    free(hours);
    char a[32], b[32];
    mc_format_time(first, a, sizeof a);
    mc_format_time(last, b, sizeof b);
    mc_json_kstr(&js, "first", total ? a : NULL);
    mc_json_kstr(&js, "last", total ? b : NULL);
    mc_json_obj_end(&js);
    free(sv);
    free(stv);
  }
  mc_json_obj_end(&js);
}

static void files_json(const struct judge *j, struct mc_buf *out)
{
  struct mc_json js;
  mc_json_init(&js, out, false);
  mc_json_arr_begin(&js);
  for(size_t i = 0; i < j->s->nfiles && i < 1000; i++) {
    const struct mc_logs_file *f = &j->s->files[i];
    if(f->skipped && !f->named && !f->problem)
      continue;
    mc_json_obj_begin(&js);
    mc_json_kstr(&js, "path", f->path);
    mc_json_kstr(&js, "server", f->server);
    mc_json_kstr(&js, "server_from", f->server_from);
    mc_json_kstr(&js, "format", f->skipped || f->unreadable ? NULL :
                 f->fmt == MC_LOGFMT_W3C ? "iis" : f->fmt == MC_LOGFMT_HTTPERR ? "httperr" :
                 f->fmt == MC_LOGFMT_HTTPPROXY ? "httpproxy" : NULL);
    mc_json_kbool(&js, "gz", f->gz);
    mc_json_kint(&js, "bytes", (int64_t)f->bytes);
    mc_json_kint(&js, "lines", (int64_t)f->lines);
    mc_json_kint(&js, "malformed_lines", (int64_t)f->malformed);
    char a[32], b[32];
    mc_format_time(f->first, a, sizeof a);
    mc_format_time(f->last, b, sizeof b);
    mc_json_kstr(&js, "first", f->first ? a : NULL);
    mc_json_kstr(&js, "last", f->last ? b : NULL);
    mc_json_kstr(&js, "problem", f->problem);
    mc_json_obj_end(&js);
  }
  mc_json_arr_end(&js);
}

static void run_json(const struct judge *j, struct mc_buf *out)
{
  struct mc_json js;
  mc_json_init(&js, out, false);
  mc_json_obj_begin(&js);
  mc_json_kstr(&js, "id", j->o->run_id);
  mc_json_kint(&js, "found", (int64_t)j->s->hits_total);
  mc_json_key(&js, "requests");
  mc_json_arr_begin(&js);
  for(size_t i = 0; i < j->s->nhits; i++) {
    const struct mc_logs_hit *h = &j->s->hits[i];
    mc_json_obj_begin(&js);
    mc_json_kstr(&js, "file", j->s->files[h->file].path);
    mc_json_kint(&js, "line", (int64_t)h->line);
    mc_json_kstr(&js, "log", h->fmt == MC_LOGFMT_HTTPPROXY ? "httpproxy" :
                 h->fmt == MC_LOGFMT_HTTPERR ? "httperr" : "iis");
    mc_json_kstr(&js, "server", h->server);
    mc_json_kstr(&js, "endpoint", h->ep >= 0 ? mc_endpoint_name(h->ep) : NULL);
    char a[32];
    mc_format_time(h->ts, a, sizeof a);
    mc_json_kstr(&js, "time", a);
    mc_json_kstr(&js, "method", h->method);
    mc_json_kstr(&js, "path", h->path);
    mc_json_kint(&js, "status", h->status);
    mc_json_kint(&js, "substatus", h->sub);
    mc_json_kint(&js, "win32", h->win32);
    if(*h->reason)
      mc_json_kstr(&js, h->fmt == MC_LOGFMT_HTTPERR ? "reason" : "error_code", h->reason);
    mc_json_kstr(&js, "client", h->client);
    mc_json_obj_end(&js);
  }
  mc_json_arr_end(&js);
  mc_json_obj_end(&js);
}

/* ---- the check ---- */

/* A problem with an input: a warning (o->warn) and a note in the report. */
static void warn_note(struct mc_report *r, const struct mc_logs_opts *o, const char *msg)
{
  if(o->warn)
    o->warn(o->ctx, msg);
  mc_report_note(r, "%s", msg);
}

/* Whether two summaries were made with the same window and run id. */
static bool same_meta(const struct mc_logs_summary_meta *x, const struct mc_logs_summary_meta *y)
{
  return x->has_since == y->has_since && x->has_until == y->has_until &&
         (!x->has_since || x->since == y->since) && (!x->has_until || x->until == y->until) &&
         strcmp(x->run_id, y->run_id) == 0;
}

/* --merge: the paths are summaries; they become one scan, and the options
 * they were made with (window, run id) become the judge's. */
static void merge_summaries(struct mc_report *r, struct mc_logs_opts *o,
                            struct mc_logs_scan *s, char *run_id, size_t run_id_len)
{
  memset(s, 0, sizeof *s);
  mc_agg_init(&s->agg);
  bool have_meta = false;
  struct mc_logs_summary_meta first;
  memset(&first, 0, sizeof first);
  int64_t t0 = mc_now_ms();
  for(size_t i = 0; i < o->npaths; i++) {
    struct mc_logs_scan part;
    struct mc_logs_summary_meta meta;
    char err[512];
    if(mc_logs_summary_read(o->paths[i], &part, &meta, err, sizeof err) != MC_OK) {
      warn_note(r, o, err);
      continue;
    }
    if(have_meta && !same_meta(&meta, &first)) {
      char *msg = mc_xasprintf("'%s' was made with another --since, --until or --run-id than "
                               "'%s'; summaries merge only when made with the same ones, so "
                               "it was left out", o->paths[i], o->paths[0]);
      warn_note(r, o, msg);
      free(msg);
      mc_logs_scan_release(&part);
      continue;
    }
    if(!have_meta) {
      first = meta;
      have_meta = true;
    }
    mc_logs_scan_merge(s, &part);
  }
  o->has_since = first.has_since;
  o->since = first.since;
  o->has_until = first.has_until;
  o->until = first.until;
  mc_strlcpy(run_id, first.run_id, run_id_len);
  o->run_id = *run_id ? run_id : NULL;
  if(!s->threads)
    s->threads = 1;
  s->elapsed_ms = mc_now_ms() - t0;
}

/* The report, titled by the paths read. */
static struct mc_report *logs_report_new(const struct mc_logs_opts *o)
{
  if(o->npaths == 1)
    return mc_report_new("logs", o->paths[0]);
  char *t = mc_xasprintf("%s and %zu more", o->npaths ? o->paths[0] : "", o->npaths - 1);
  struct mc_report *r = mc_report_new("logs", t);
  free(t);
  return r;
}

/* The servers whose logs were read, for the sentences: "EX01, EX02". */
static void servers_read(const struct mc_logs_scan *s, struct mc_buf *names)
{
  for(size_t i = 0; i < s->nfiles && names->len < 2000; i++) {
    const struct mc_logs_file *f = &s->files[i];
    if(f->skipped || f->unreadable || (names->len && strstr(names->ptr, f->server)))
      continue;
    mc_buf_printf(names, "%s%s", names->len ? ", " : "", f->server);
  }
}

/* Whether some file read overlaps the --since/--until window (true when
 * there is none). */
static bool window_covered(const struct mc_logs_opts *o, const struct mc_logs_scan *s)
{
  if(!o->has_since && !o->has_until)
    return true;
  bool covered = false;
  for(size_t i = 0; i < s->nfiles; i++) {
    const struct mc_logs_file *f = &s->files[i];
    if(f->skipped || f->unreadable || !f->first)
      continue;
    if(!(o->has_since && f->last < o->since) && !(o->has_until && f->first > o->until))
      covered = true;
  }
  return covered;
}

/* No migration request in logs that could hold them: a finding, or, when
 * the logs miss the window, an incomplete report. */
static void no_migration_traffic(struct judge *j, const char *names)
{
  const struct mc_logs_opts *o = j->o;
  struct mc_report *r = j->r;
  if(!window_covered(o, j->s)) {
    mc_report_incomplete(r, "the logs do not cover the window asked for (--since/--until); "
                         "collect the logs of those days");
    return;
  }
  struct mc_step *st = mc_step_add(r, NULL, "Migration requests (MRSProxy, Outlook "
                                   "Anywhere)");
  mc_step_find(r, st, MC_CAUSE_LOG_NO_MIGRATION_TRAFFIC, "no /EWS/mrsproxy.svc or "
               "/rpc/rpcproxy.dll request in %llu lines from %s%s",
               (unsigned long long)j->s->lines, names,
               o->has_since || o->has_until ? " in the window" : "");
  mc_step_done(r, st, st->status, "none");
}

/* The steps after the files: each endpoint, HTTPERR, HttpProxy, the absence
 * of migration traffic, and the requests of --run-id. */
static void traffic_steps(struct judge *j, bool traffic_logs)
{
  uint64_t migration = 0;
  for(int ep = 0; ep < MC_EP_COUNT; ep++) {
    endpoint_step(j, ep);
    for(size_t i = 0; i < j->nrows; i++) {
      if(j->rows[i].ep == ep && mc_endpoint_is_migration(ep))
        migration += j->rows[i].e->count;
    }
  }
  httperr_step(j);
  proxy_step(j, &migration);
  struct mc_buf names = MC_BUF_INIT(4096);
  servers_read(j->s, &names);
  if(!migration && traffic_logs)
    no_migration_traffic(j, names.ptr);
  else if(!traffic_logs)
    mc_report_note(j->r, "only HTTPERR logs were read: they hold errors only, so the absence "
                   "of migration requests cannot be judged; add the W3SVC1 logs");
  if(j->o->run_id)
    run_step(j, names.len ? names.ptr : "none");
  mc_buf_release(&names);
}

/* The JSON sections: traffic, log_files, and run with --run-id. */
static void json_sections(const struct judge *j)
{
  struct mc_buf b = MC_BUF_INIT(64u << 20);
  traffic_json(j, &b);
  mc_report_section(j->r, "traffic", b.ptr);
  mc_buf_reset(&b);
  files_json(j, &b);
  mc_report_section(j->r, "log_files", b.ptr);
  if(j->o->run_id) {
    mc_buf_reset(&b);
    run_json(j, &b);
    mc_report_section(j->r, "run", b.ptr);
  }
  mc_buf_release(&b);
}

struct mc_report *mc_check_logs(const struct mc_logs_opts *o)
{
  struct mc_report *r = logs_report_new(o);
  struct mc_logs_scan s;
  struct mc_logs_opts oo = *o;
  char run_id[24];
  if(o->merge)
    merge_summaries(r, &oo, &s, run_id, sizeof run_id);
  else
    mc_logs_scan(o, &s);
  o = &oo;
  if(o->summary_out) {
    char err[512];
    if(mc_logs_summary_write(&s, o, o->summary_out, err, sizeof err) != MC_OK)
      warn_note(r, o, err);
  }
  struct judge j = { .o = o, .s = &s, .r = r };
  collect_rows(&j);
  collect_clients(&j);
  bool readable = false, traffic_logs = false;
  files_step(&j, &readable, &traffic_logs);
  if(readable)
    traffic_steps(&j, traffic_logs);
  json_sections(&j);
  free(j.rows);
  for(int ep = 0; ep < MC_EP_COUNT; ep++)
    free(j.clients[ep].top);
  mc_logs_scan_release(&s);
  return r;
}
