/*
 * verdicts.c - migcheck logs: from the scan's counts to the result tree.
 *
 * Steps: the files read (per server, with their time range and problems),
 * one step per endpoint seen in the IIS logs (by server, status triple with
 * its meaning and an example line, client, hour), the HTTPERR and HttpProxy
 * logs, and the requests of --run-id. Rules (seed 001 steps 5 and 6,
 * exchange-wire.md sec. 6):
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

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "logs/classify.h"
#include "logs/keys.h"
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
};

struct judge {
  const struct mc_logs_opts *o;
  const struct mc_logs_scan *s;
  struct mc_report *r;
  struct row *rows;
  size_t nrows;
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
  return x->status != y->status ? x->status - y->status : x->sub - y->sub;
}

static int cmp_named(const void *a, const void *b)
{
  const struct named_count *x = a, *y = b;
  if(x->count != y->count)
    return x->count < y->count ? 1 : -1;
  return strcmp(x->name, y->name);
}

static void add_named(struct named_count **v, size_t *n, const char *name, uint64_t count)
{
  for(size_t i = 0; i < *n; i++) {
    if(strcmp((*v)[i].name, name) == 0) {
      (*v)[i].count += count;
      return;
    }
  }
  *v = mc_xrealloc(*v, (*n + 1) * sizeof **v);
  mc_strlcpy((*v)[*n].name, name, sizeof (*v)[*n].name);
  (*v)[*n].count = count;
  (*v)[*n].cloud = false;
  (*n)++;
}

static void collect_rows(struct judge *j)
{
  MC_AGG_EACH(&j->s->agg, e) {
    if(e->key[0] != MC_KEY_STATUS)
      continue;
    struct mc_key_status k;
    memcpy(&k, e->key, sizeof k);
    j->rows = mc_xrealloc(j->rows, (j->nrows + 1) * sizeof *j->rows);
    struct row *r = &j->rows[j->nrows++];
    r->ep = k.ep;
    memcpy(r->server, e->key + sizeof k, k.srvlen);
    r->server[k.srvlen] = '\0';
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
  uint64_t total, ok, failed;
  int64_t last_ok, last_fail;
};

static struct srv *servers_of(const struct judge *j, int ep, size_t *n)
{
  struct srv *v = NULL;
  *n = 0;
  for(size_t i = 0; i < j->nrows; i++) {
    const struct row *r = &j->rows[i];
    if(r->ep != ep)
      continue;
    size_t k = 0;
    while(k < *n && strcmp(v[k].name, r->server) != 0)
      k++;
    if(k == *n) {
      v = mc_xrealloc(v, (*n + 1) * sizeof *v);
      memset(&v[k], 0, sizeof v[k]);
      mc_strlcpy(v[k].name, r->server, sizeof v[k].name);
      (*n)++;
    }
    v[k].total += r->e->count;
    bool bad = r->cls == MC_SC_AUTH_FAILED || r->cls == MC_SC_NTLM_SPLIT ||
               r->cls == MC_SC_SERVER_ERROR ||
               (r->cls == MC_SC_CLIENT_ERROR && mc_endpoint_is_migration(ep));
    if(r->cls == MC_SC_SUCCESS) {
      v[k].ok += r->e->count;
      if(r->e->last > v[k].last_ok)
        v[k].last_ok = r->e->last;
    }
    else if(bad) {
      v[k].failed += r->e->count;
      if(r->e->last > v[k].last_fail)
        v[k].last_fail = r->e->last;
    }
  }
  return v;
}

/* ---- the files ---- */

static void files_step(struct judge *j, bool *any_readable, bool *traffic_logs)
{
  const struct mc_logs_scan *s = j->s;
  struct mc_report *r = j->r;
  size_t readable = 0, skipped_quiet = 0;
  int64_t first = 0, last = 0;
  for(size_t i = 0; i < s->nfiles; i++) {
    const struct mc_logs_file *f = &s->files[i];
    if(f->unreadable || f->skipped)
      continue;
    readable++;
    if(f->fmt == MC_LOGFMT_W3C || f->fmt == MC_LOGFMT_HTTPPROXY)
      *traffic_logs = true;
    if(f->first && (!first || f->first < first))
      first = f->first;
    if(f->last > last)
      last = f->last;
  }
  *any_readable = readable > 0;
  double mb = (double)s->bytes / 1e6;
  double secs = s->elapsed_ms > 0 ? (double)s->elapsed_ms / 1000.0 : 0.001;
  struct mc_step *st = mc_step_add(r, NULL, "Read the logs");
  mc_step_set_duration(st, s->elapsed_ms);
  char a[32], b[32];
  fmt_time(first, a, sizeof a);
  fmt_time(last, b, sizeof b);

  /* One evidence line per server and kind of log. */
  struct named_count *groups = NULL;
  size_t ngroups = 0;
  for(size_t i = 0; i < s->nfiles; i++) {
    const struct mc_logs_file *f = &s->files[i];
    if(f->unreadable || f->skipped)
      continue;
    char name[MC_KEY_STR_MAX + 40];
    snprintf(name, sizeof name, "%s|%s", f->server, mc_log_format_name(f->fmt));
    add_named(&groups, &ngroups, name, 0);
  }
  for(size_t g = 0; g < ngroups; g++) {
    uint64_t files = 0, lines = 0, bytes = 0;
    int64_t gf = 0, gl = 0;
    const char *from = "";
    for(size_t i = 0; i < s->nfiles; i++) {
      const struct mc_logs_file *f = &s->files[i];
      if(f->unreadable || f->skipped)
        continue;
      char name[MC_KEY_STR_MAX + 40];
      snprintf(name, sizeof name, "%s|%s", f->server, mc_log_format_name(f->fmt));
      if(strcmp(name, groups[g].name) != 0)
        continue;
      files++;
      lines += f->lines;
      bytes += f->bytes;
      from = f->server_from;
      if(f->first && (!gf || f->first < gf))
        gf = f->first;
      if(f->last > gl)
        gl = f->last;
    }
    char *bar = strchr(groups[g].name, '|');
    *bar = '\0';
    char c1[32], c2[32];
    fmt_time(gf, c1, sizeof c1);
    fmt_time(gl, c2, sizeof c2);
    mc_step_ev(st, groups[g].name, "%s: %llu file%s, %.1f MB, %llu lines, %s to %s "
               "(server named by %s)", bar + 1, (unsigned long long)files,
               files == 1 ? "" : "s", (double)bytes / 1e6, (unsigned long long)lines, c1, c2,
               from);
  }
  free(groups);
  if(j->o->has_since || j->o->has_until) {
    char c1[32], c2[32];
    fmt_time(j->o->has_since ? j->o->since : 0, c1, sizeof c1);
    fmt_time(j->o->has_until ? j->o->until : 0, c2, sizeof c2);
    mc_step_ev(st, "window", "%s to %s; %llu endpoint lines outside it were not counted",
               j->o->has_since ? c1 : "the beginning", j->o->has_until ? c2 : "the end",
               (unsigned long long)s->out_of_window);
  }

  /* Problems: unreadable files and files named on the command line that are
     not logs are warnings; files in folders that are not logs are listed. */
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

static void clients_of(const struct judge *j, int ep, struct named_count **v, size_t *n)
{
  *v = NULL;
  *n = 0;
  MC_AGG_EACH(&j->s->agg, e) {
    if(e->key[0] != MC_KEY_CLIENT || (uint8_t)e->key[1] != ep)
      continue;
    struct mc_key_client k;
    memcpy(&k, e->key, sizeof k);
    char norm[MC_KEY_STR_MAX + 1];
    mc_addr_normalize(e->key + sizeof k, k.addrlen, norm, sizeof norm);
    add_named(v, n, norm, e->count);
  }
  for(size_t i = 0; i < *n; i++)
    (*v)[i].cloud = mc_cidr_match(j->o->cloud, (*v)[i].name, strlen((*v)[i].name));
  if(*n > 1)
    qsort(*v, *n, sizeof **v, cmp_named);
}

static void finding_for_row(struct judge *j, struct mc_step *st, const char *id,
                            enum mc_status sev, const struct row *r, const char *extra,
                            int *budget)
{
  if(*budget <= 0)
    return;
  (*budget)--;
  char t[64], a[32], b[32];
  triple(r->status, r->sub, r->win32, t, sizeof t);
  fmt_time(r->e->first, a, sizeof a);
  fmt_time(r->e->last, b, sizeof b);
  const char *m = mc_status_meaning(r->status, r->sub, r->win32, r->ep);
  char *w = where(j, r->e->ex_file, r->e->ex_line, r->e->ex_text);
  mc_step_find_sev(j->r, st, id, sev, "%s answered %s %llu time%s on %s%s%s (%s to %s)%s; "
                   "first at %s", r->server, t, (unsigned long long)r->e->count,
                   r->e->count == 1 ? "" : "s", mc_endpoint_path(r->ep), m ? ": " : "",
                   m ? m : "", a, b, extra, w);
  free(w);
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

static void endpoint_step(struct judge *j, int ep, struct mc_step **out_step)
{
  struct mc_report *r = j->r;
  int64_t first, last;
  uint64_t total = endpoint_totals(j, ep, &first, &last);
  *out_step = NULL;
  if(!total)
    return;
  size_t nsrv;
  struct srv *srv = servers_of(j, ep, &nsrv);
  char a[32], b[32];
  fmt_time(first, a, sizeof a);
  fmt_time(last, b, sizeof b);
  struct mc_step *st = mc_step_add(r, NULL, "%s requests (%s) in the IIS logs",
                                   ep == MC_EP_MRSPROXY ? "MRSProxy" :
                                   ep == MC_EP_RPCPROXY ? "Outlook Anywhere" :
                                   ep == MC_EP_AUTODISCOVER ? "Autodiscover" :
                                   ep == MC_EP_EWS ? "EWS" : "MAPI over HTTP",
                                   mc_endpoint_path(ep));
  *out_step = st;
  struct mc_buf sb = MC_BUF_INIT(4096);
  for(size_t i = 0; i < nsrv; i++)
    mc_buf_printf(&sb, "%s%s %llu", i ? ", " : "", srv[i].name,
                  (unsigned long long)srv[i].total);
  mc_step_ev(st, "servers", "%s", sb.ptr);
  mc_buf_release(&sb);

  int shown = 0;
  for(size_t i = 0; i < j->nrows && shown < MAX_STATUS_EV; i++) {
    const struct row *w = &j->rows[i];
    if(w->ep != ep)
      continue;
    shown++;
    char t[64], c1[32], c2[32];
    triple(w->status, w->sub, w->win32, t, sizeof t);
    fmt_time(w->e->first, c1, sizeof c1);
    fmt_time(w->e->last, c2, sizeof c2);
    const char *m = mc_status_meaning(w->status, w->sub, w->win32, ep);
    char *where_s = where(j, w->e->ex_file, w->e->ex_line, w->e->ex_text);
    char label[MC_KEY_STR_MAX + 80];
    snprintf(label, sizeof label, "%s %s", w->server, t);
    mc_step_ev(st, label, "%llu, %s to %s%s%s; e.g. %s", (unsigned long long)w->e->count, c1,
               c2, m ? ", " : "", m ? m : "", where_s);
    free(where_s);
  }

  struct named_count *cl;
  size_t ncl;
  clients_of(j, ep, &cl, &ncl);
  struct mc_buf cb = MC_BUF_INIT(4096);
  uint64_t cloud = 0;
  for(size_t i = 0; i < ncl; i++) {
    if(cl[i].cloud)
      cloud += cl[i].count;
    if(i < MAX_CLIENT_EV)
      mc_buf_printf(&cb, "%s%s %llu%s", i ? ", " : "", cl[i].name,
                    (unsigned long long)cl[i].count, cl[i].cloud ? " (Exchange Online)" : "");
  }
  if(ncl)
    mc_step_ev(st, "clients", "%zu address%s; most: %s", ncl, ncl == 1 ? "" : "es", cb.ptr);
  if(j->o->cloud)
    mc_step_ev(st, "Exchange Online", "%llu of %llu requests came from the ranges given",
               (unsigned long long)cloud, (unsigned long long)total);
  mc_buf_release(&cb);
  free(cl);

  /* Rules. */
  bool migration = mc_endpoint_is_migration(ep);
  int budget_auth = MAX_FINDINGS_PER_CAUSE, budget_split = MAX_FINDINGS_PER_CAUSE,
      budget_err = MAX_FINDINGS_PER_CAUSE;
  bool any_ok = false;
  for(size_t i = 0; i < nsrv; i++)
    any_ok = any_ok || srv[i].ok;
  for(size_t i = 0; i < j->nrows; i++) {
    const struct row *w = &j->rows[i];
    if(w->ep != ep)
      continue;
    if(w->cls == MC_SC_NTLM_SPLIT)
      finding_for_row(j, st, "LOG_NTLM_SPLIT", MC_INFO, w, "", &budget_split);
    else if(w->cls == MC_SC_AUTH_FAILED && migration) {
      const struct srv *sv = NULL;
      for(size_t k = 0; k < nsrv; k++)
        if(strcmp(srv[k].name, w->server) == 0)
          sv = &srv[k];
      bool later_ok = sv && sv->ok && sv->last_ok > w->e->last;
      finding_for_row(j, st, "LOG_AUTH_FAILURES", later_ok ? MC_WARN : MC_INFO, w,
                      later_ok ? ", with successful requests after them" :
                      ", and no successful request after them", &budget_auth);
    }
    else if(w->cls == MC_SC_SERVER_ERROR || (w->cls == MC_SC_CLIENT_ERROR && migration))
      finding_for_row(j, st, "LOG_SERVER_ERRORS", MC_INFO, w, "", &budget_err);
  }
  /* One server answers, another only fails: the traffic lands where it
     should not (or the pool behind the name is inconsistent). */
  if(any_ok && nsrv > 1) {
    for(size_t i = 0; i < nsrv; i++) {
      if(srv[i].ok || !srv[i].failed)
        continue;
      struct mc_buf okb = MC_BUF_INIT(2048);
      for(size_t k = 0; k < nsrv; k++) {
        if(srv[k].ok)
          mc_buf_printf(&okb, "%s%s", okb.len ? ", " : "", srv[k].name);
      }
      const struct row *worst = NULL;
      for(size_t k = 0; k < j->nrows; k++) {
        const struct row *w = &j->rows[k];
        if(w->ep == ep && strcmp(w->server, srv[i].name) == 0 && w->cls != MC_SC_SUCCESS &&
           w->cls != MC_SC_CHALLENGE && (!worst || w->e->count > worst->e->count))
          worst = w;
      }
      char t[64] = "-";
      char *wh = NULL;
      if(worst) {
        triple(worst->status, worst->sub, worst->win32, t, sizeof t);
        wh = where(j, worst->e->ex_file, worst->e->ex_line, worst->e->ex_text);
      }
      mc_step_find(r, st, "LOG_TRAFFIC_ON_WRONG_SERVER", "%s requests reach %s, which never "
                   "answered one successfully (%llu failed, mostly %s), while %s answered "
                   "them%s%s", mc_endpoint_path(ep), srv[i].name,
                   (unsigned long long)srv[i].failed, t, okb.ptr, wh ? "; e.g. " : "",
                   wh ? wh : "");
      free(wh);
      mc_buf_release(&okb);
    }
  }
  uint64_t ok = 0;
  for(size_t i = 0; i < nsrv; i++)
    ok += srv[i].ok;
  if(st->status < MC_WARN && st->nfindings == 0)
    mc_step_done(r, st, ok ? MC_PASS : MC_INFO, "%llu request%s on %zu server%s, %llu answered "
                 "successfully, %s to %s", (unsigned long long)total, total == 1 ? "" : "s", nsrv,
                 nsrv == 1 ? "" : "s", (unsigned long long)ok, a, b);
  else
    mc_step_done(r, st, st->status, "%llu request%s on %zu server%s, %llu answered "
                 "successfully, %s to %s", (unsigned long long)total, total == 1 ? "" : "s", nsrv,
                 nsrv == 1 ? "" : "s", (unsigned long long)ok, a, b);
  free(srv);
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
  size_t shown = 0;
  MC_AGG_EACH(&j->s->agg, e) {
    if(e->key[0] != MC_KEY_HTTPERR)
      continue;
    struct mc_key_httperr k;
    memcpy(&k, e->key, sizeof k);
    const char *server = e->key + sizeof k;
    const char *reason = server + k.srvlen;
    total += e->count;
    bool on_ep = k.ep != MC_KEY_EP_OTHER;
    if(on_ep)
      endpoint_total += e->count;
    char a[32], b[32];
    fmt_time(e->first, a, sizeof a);
    fmt_time(e->last, b, sizeof b);
    const char *m = mc_httperr_reason_meaning(reason, k.reasonlen);
    char *wh = where(j, e->ex_file, e->ex_line, e->ex_text);
    if(shown++ < 20)
      mc_step_ev(st, on_ep ? mc_endpoint_name(k.ep) : "other URLs", "%.*s %.*s x%llu (%s to "
                 "%s)%s%s; e.g. %s", (int)k.srvlen, server, (int)k.reasonlen, reason,
                 (unsigned long long)e->count, a, b, m ? ": " : "", m ? m : "", wh);
    enum mc_httperr_kind kind = mc_httperr_reason_kind(reason, k.reasonlen);
    if(on_ep && kind != MC_HE_OTHER) {
      int *budget = kind == MC_HE_DROPPED ? &budget_drop : &budget_queue;
      if(*budget > 0) {
        (*budget)--;
        mc_step_find(j->r, st, kind == MC_HE_DROPPED ? "HTTPERR_CONNECTION_DROPPED" :
                     "HTTPERR_QUEUE_FULL", "%.*s: %.*s %llu time%s on %s (%s to %s); first "
                     "at %s", (int)k.srvlen, server, (int)k.reasonlen, reason,
                     (unsigned long long)e->count, e->count == 1 ? "" : "s",
                     mc_endpoint_path(k.ep), a, b, wh);
      }
    }
    free(wh);
  }
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
  size_t shown = 0;
  MC_AGG_EACH(&j->s->agg, e) {
    if(e->key[0] != MC_KEY_PROXY)
      continue;
    struct mc_key_proxy k;
    memcpy(&k, e->key, sizeof k);
    const char *server = e->key + sizeof k;
    const char *target = server + k.srvlen;
    const char *err = target + k.tgtlen;
    total += e->count;
    if(mc_endpoint_is_migration(k.ep))
      *migration_lines += e->count;
    bool failed = k.http >= 500 || (k.backend >= 400 && k.backend != 401) || k.generic;
    char a[32], b[32];
    fmt_time(e->first, a, sizeof a);
    fmt_time(e->last, b, sizeof b);
    char *wh = where(j, e->ex_file, e->ex_line, e->ex_text);
    if(failed || shown < 10) {
      shown++;
      mc_step_ev(st, mc_endpoint_name(k.ep), "%.*s -> %.*s HttpStatus %d BackEndStatus %d%s%.*s "
                 "x%llu (%s to %s); e.g. %s", (int)k.srvlen, server, (int)k.tgtlen,
                 k.tgtlen ? target : "(no target)", k.http, k.backend,
                 k.errlen ? " ErrorCode " : "", (int)k.errlen, err,
                 (unsigned long long)e->count, a, b, wh);
    }
    if(failed) {
      bad += e->count;
      if(budget > 0) {
        budget--;
        mc_step_find(j->r, st, "PROXY_BACKEND_ERRORS", "%.*s could not proxy %s to %.*s: "
                     "HttpStatus %d, BackEndStatus %d%s%.*s, %llu time%s (%s to %s); first at "
                     "%s", (int)k.srvlen, server, mc_endpoint_path(k.ep), (int)k.tgtlen,
                     k.tgtlen ? target : "(no target server)", k.http, k.backend,
                     k.errlen ? ", ErrorCode " : "", (int)k.errlen, err,
                     (unsigned long long)e->count, e->count == 1 ? "" : "s", a, b, wh);
      }
    }
    free(wh);
  }
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
    mc_step_find(j->r, st, "LOG_NO_MIGRATION_TRAFFIC", "none of the requests migcheck sent in "
                 "run %s is in these logs (servers %s); they stopped before IIS, or landed on "
                 "a server whose logs are not here (IIS writes its log up to a minute late)",
                 j->o->run_id, servers_seen);
    mc_step_done(j->r, st, st->status, "not found");
    return;
  }
  /* Where did they land? */
  struct named_count *where_v = NULL;
  size_t nw = 0;
  for(size_t i = 0; i < s->nhits; i++)
    add_named(&where_v, &nw, s->hits[i].server, 1);
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
    struct named_count *sv = NULL, *stv = NULL;
    size_t nsv = 0, nst = 0;
    for(size_t i = 0; i < j->nrows; i++) {
      const struct row *w = &j->rows[i];
      if(w->ep != ep)
        continue;
      add_named(&sv, &nsv, w->server, w->e->count);
      char t[64];
      triple(w->status, w->sub, w->win32, t, sizeof t);
      add_named(&stv, &nst, t, w->e->count);
    }
    mc_json_kint(&js, "requests", (int64_t)total);
    if(nsv > 1)
      qsort(sv, nsv, sizeof *sv, cmp_named);
    if(nst > 1)
      qsort(stv, nst, sizeof *stv, cmp_named);
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
    struct named_count *cl;
    size_t ncl;
    clients_of(j, ep, &cl, &ncl);
    mc_json_key(&js, "by_client");
    mc_json_obj_begin(&js);
    uint64_t cloud = 0;
    for(size_t i = 0; i < ncl; i++) {
      if(i < MAX_JSON_CLIENTS)
        mc_json_kint(&js, cl[i].name, (int64_t)cl[i].count);
      if(cl[i].cloud)
        cloud += cl[i].count;
    }
    mc_json_obj_end(&js);
    if(ncl > MAX_JSON_CLIENTS)
      mc_json_kint(&js, "clients_not_listed", (int64_t)(ncl - MAX_JSON_CLIENTS));
    if(j->o->cloud)
      mc_json_kint(&js, "cloud_requests", (int64_t)cloud);
    free(cl);
    /* Hours, in time order. */
    struct { int64_t hour; uint64_t count; } *hours = NULL;
    size_t nh = 0;
    MC_AGG_EACH(&j->s->agg, e) {
      if(e->key[0] != MC_KEY_HOUR || (uint8_t)e->key[1] != ep)
        continue;
      struct mc_key_hour k;
      memcpy(&k, e->key, sizeof k);
      hours = mc_xrealloc(hours, (nh + 1) * sizeof *hours);
      hours[nh].hour = k.hour;
      hours[nh++].count = e->count;
    }
    for(size_t a = 1; a < nh; a++) {
      for(size_t b = a; b > 0 && hours[b - 1].hour > hours[b].hour; b--) {
        __typeof__(*hours) tmp = hours[b];
        hours[b] = hours[b - 1];
        hours[b - 1] = tmp;
      }
    }
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

struct mc_report *mc_check_logs(const struct mc_logs_opts *o)
{
  struct mc_report *r;
  if(o->npaths == 1)
    r = mc_report_new("logs", o->paths[0]);
  else {
    char *t = mc_xasprintf("%s and %zu more", o->npaths ? o->paths[0] : "", o->npaths - 1);
    r = mc_report_new("logs", t);
    free(t);
  }
  struct mc_logs_scan s;
  mc_logs_scan(o, &s);
  struct judge j = { o, &s, r, NULL, 0 };
  collect_rows(&j);

  bool readable = false, traffic_logs = false;
  files_step(&j, &readable, &traffic_logs);
  if(readable) {
    uint64_t migration = 0;
    struct mc_step *steps[MC_EP_COUNT];
    for(int ep = 0; ep < MC_EP_COUNT; ep++) {
      endpoint_step(&j, ep, &steps[ep]);
      for(size_t i = 0; i < j.nrows; i++) {
        if(j.rows[i].ep == ep && mc_endpoint_is_migration(ep))
          migration += j.rows[i].e->count;
      }
    }
    httperr_step(&j);
    proxy_step(&j, &migration);

    /* Servers whose logs were read, for the sentences. */
    struct mc_buf names = MC_BUF_INIT(4096);
    for(size_t i = 0; i < s.nfiles && names.len < 2000; i++) {
      const struct mc_logs_file *f = &s.files[i];
      if(f->skipped || f->unreadable || (names.len && strstr(names.ptr, f->server)))
        continue;
      mc_buf_printf(&names, "%s%s", names.len ? ", " : "", f->server);
    }
    bool covered = true;
    if(o->has_since || o->has_until) {
      covered = false;
      for(size_t i = 0; i < s.nfiles; i++) {
        const struct mc_logs_file *f = &s.files[i];
        if(f->skipped || f->unreadable || !f->first)
          continue;
        if(!(o->has_since && f->last < o->since) && !(o->has_until && f->first > o->until))
          covered = true;
      }
    }
    if(!migration && traffic_logs) {
      if(!covered)
        mc_report_incomplete(r, "the logs do not cover the window asked for (--since/--until); "
                             "collect the logs of those days");
      else {
        struct mc_step *st = mc_step_add(r, NULL, "Migration requests (MRSProxy, Outlook "
                                         "Anywhere)");
        mc_step_find(r, st, "LOG_NO_MIGRATION_TRAFFIC", "no /EWS/mrsproxy.svc or "
                     "/rpc/rpcproxy.dll request in %llu lines from %s%s", 
                     (unsigned long long)s.lines, names.ptr,
                     o->has_since || o->has_until ? " in the window" : "");
        mc_step_done(r, st, st->status, "none");
      }
    }
    else if(!traffic_logs)
      mc_report_note(r, "only HTTPERR logs were read: they hold errors only, so the absence of "
                     "migration requests cannot be judged; add the W3SVC1 logs");
    if(o->run_id)
      run_step(&j, names.len ? names.ptr : "none");
    mc_buf_release(&names);
  }

  struct mc_buf b = MC_BUF_INIT(64u << 20);
  traffic_json(&j, &b);
  mc_report_section(r, "traffic", b.ptr);
  mc_buf_reset(&b);
  files_json(&j, &b);
  mc_report_section(r, "log_files", b.ptr);
  if(o->run_id) {
    mc_buf_reset(&b);
    run_json(&j, &b);
    mc_report_section(r, "run", b.ptr);
  }
  mc_buf_release(&b);
  free(j.rows);
  mc_logs_scan_release(&s);
  return r;
}
