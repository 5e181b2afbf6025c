/*
 * large_request.c - the request size MRS sends: one MRS-like POST of
 * several megabytes of well-formed SOAP, and when it fails, a few more to
 * find the size that passes.
 *
 * MRS posts large SOAP messages (batches of items, folder rules). A WAF, a
 * reverse proxy or IIS request filtering with a body limit passes every
 * small probe and breaks real moves, late. The walk's own POST (signed in
 * when the login worked, else without credentials) is sent again with a
 * LARGE_MAX body; a failure is told apart:
 *   413                                       -> HTTP_REQUEST_TOO_LARGE
 *   404 with IIS's 404.13 page                -> HTTP_REQUEST_TOO_LARGE
 *   reset, close or silence during the upload -> HTTP_REQUEST_TOO_LARGE
 *   400 after the login (WCF's message quota) -> MRSPROXY_WCF_QUOTA
 *   any other answer (another server of a pool with MRSProxy off ...) is
 *   shown but not blamed on the size: the repeats compare the servers
 * then LARGE_MIN and up to BISECT_ROUNDS sizes between the largest that
 * passed and the smallest that failed. Bytes and time are bounded: at most
 * 2 + BISECT_ROUNDS requests, each under the step timeout, and no bisection
 * once twice the timeout has passed. It is not the login or the repeats.
 */
#include "checks/checks.h"

#include <stdio.h>
#include <string.h>

#include "http/http.h"
#include "proto/ews.h"

#define LARGE_MAX (6u * 1024 * 1024)
#define LARGE_MIN (64u * 1024)
#define LARGE_STEP (64u * 1024)
#define BISECT_ROUNDS 3

enum outcome { PASSED, TOO_LARGE, IIS_FILTER, DROPPED, WCF_400, OTHER };

struct try {
  size_t size;
  enum outcome out;
  int status;
  bool tls_failed;                /* the request failed TLS */
  char what[200];
};

static void size_text(size_t n, char *out, size_t outlen)
{
  if(n >= 1024 * 1024)
    snprintf(out, outlen, "%.1f MiB", (double)n / (1024.0 * 1024.0));
  else
    snprintf(out, outlen, "%zu KiB", n / 1024);
}

static enum outcome judge(const struct mc_large_probe *p, const struct mc_http_resp *resp)
{
  if(resp->error != MC_HTTP_OK || !resp->final)
    return DROPPED;
  int st = resp->status;
  const char *b = resp->body.ptr ? resp->body.ptr : "";
  bool soap = mc_ews_is_soap(b, resp->body.len);
  if(st == p->good_status || (p->signed_in && ((st >= 200 && st < 300) || soap)))
    return PASSED;
  if(st == 413)
    return TOO_LARGE;
  if(st == 404 && (mc_memcasemem(b, resp->body.len, "404.13") ||
                   mc_memcasemem(b, resp->body.len, "content length too large") ||
                   mc_memcasemem(b, resp->body.len, "too large")))
    return IIS_FILTER;
  if(st == 400 && p->signed_in)
    return WCF_400;
  if(st == 400)
    return TOO_LARGE;
  return OTHER;
}

/* Records what one answer was, as evidence and in traffic. */
static void record(const struct mc_large_probe *p, const struct mc_http_req *q,
                   const struct mc_http_resp *resp, struct try *t, struct mc_step *s,
                   struct mc_buf *traffic, bool *any)
{
  t->size = q->body_len;
  t->out = judge(p, resp);
  t->tls_failed = resp->error == MC_HTTP_ERR_TLS;
  t->status = resp->status;
  const struct mc_http_msg *m = resp->final;
  const char *server = m ? mc_http_header(m, "Server") : NULL;
  const char *via = m ? mc_http_header(m, "Via") : NULL;
  char sz[32];
  size_text(q->body_len, sz, sizeof sz);
  if(m)
    snprintf(t->what, sizeof t->what, "%s from %s%s%s", m->status_line,
             server ? server : "no Server header", via ? ", Via " : "", via ? via : "");
  else
    snprintf(t->what, sizeof t->what, "%s: %s", mc_http_error_name(resp->error),
             resp->error_text);
  mc_step_ev(s, "POST", "%s (%zu bytes): %s in %lld ms", sz, q->body_len, t->what,
             (long long)resp->ms_total);
  mc_http_traffic_add(traffic, any, q, resp, "mrsproxy-large");
}

static void send_one(struct mc_http_client *http, const struct mc_large_probe *p, size_t size,
                     struct try *t, struct mc_step *s, struct mc_buf *traffic, bool *any)
{
  struct mc_buf body = MC_BUF_INIT(LARGE_MAX + 4096);
  mc_ews_mrs_envelope_padded(&body, p->host, p->port, size);
  struct mc_http_req q = *p->tmpl;
  q.body = body.ptr;
  q.body_len = body.len;
  struct mc_http_resp resp;
  t->size = size;
  if(mc_http_perform(http, &q, &resp, 1) != MC_OK) {
    t->out = OTHER;
    t->tls_failed = false;
    snprintf(t->what, sizeof t->what, "libcurl could not be set up");
    mc_buf_release(&body);
    return;
  }
  record(p, &q, &resp, t, s, traffic, any);
  mc_http_resp_release(&resp);
  mc_buf_release(&body);
}

void mc_large_request_begin(struct mc_large_run *run, const struct mc_large_probe *p)
{
  mc_buf_init(&run->body, LARGE_MAX + 4096);
  mc_ews_mrs_envelope_padded(&run->body, p->host, p->port, LARGE_MAX);
  run->q = *p->tmpl;
  run->q.body = run->body.ptr;
  run->q.body_len = run->body.len;
  run->t0 = mc_now_ms();
}

bool mc_large_request_finish(struct mc_report *r, struct mc_step *parent,
                             struct mc_http_client *http, const struct mc_large_probe *p,
                             struct mc_large_run *run, const struct mc_http_resp *answer,
                             struct mc_buf *traffic, bool *traffic_any)
{
  char big[32];
  size_text(LARGE_MAX, big, sizeof big);
  struct mc_step *s = mc_step_add(r, parent, "An MRS-sized request: POST %s with %s%s",
                                  p->tmpl->path, big, p->signed_in ? ", signed in" :
                                  ", without credentials");
  int64_t t0 = run->t0;
  struct try first;
  record(p, &run->q, answer, &first, s, traffic, traffic_any);
  mc_buf_release(&run->body);
  if(first.out == PASSED) {
    mc_step_done(r, s, MC_PASS, "%s passed (%s)", big, first.what);
    return false;
  }
  if(answer->error == MC_HTTP_ERR_CONNECT || answer->error == MC_HTTP_ERR_TLS) {
    /* No connection, nothing uploaded: what the size meets is not known
       (a smaller request that then passes on another connection would
       blame the size for a server behind the address that fails TLS). */
    mc_step_done(r, s, MC_UNKNOWN, "%s could not be sent: %s", big, first.what);
    mc_report_incomplete(r, "the MRS-sized request got no connection (%s): whether a size "
                         "limit is in the path is not known", first.what);
    return first.tls_failed;
  }
  if(first.out == OTHER) {
    mc_step_done(r, s, MC_INFO, "%s got %s, not a size limit's answer (the small request got "
                 "%d): left to the other steps", big, first.what, p->good_status);
    return first.tls_failed;
  }
  /* Failed: is it the size? The smallest, then a few sizes in between. */
  struct try t;
  size_t passed = 0, failed = LARGE_MAX;
  send_one(http, p, LARGE_MIN, &t, s, traffic, traffic_any);
  bool tls = first.tls_failed || t.tls_failed;
  if(t.out == PASSED) {
    passed = LARGE_MIN;
    for(int i = 0; i < BISECT_ROUNDS && mc_now_ms() - t0 < 2 * (int64_t)p->tmpl->timeout_ms;
        i++) {
      size_t mid = (passed + failed) / 2 / LARGE_STEP * LARGE_STEP;
      if(mid <= passed || mid >= failed)
        break;
      send_one(http, p, mid, &t, s, traffic, traffic_any);
      tls = tls || t.tls_failed;
      if(t.out == PASSED)
        passed = mid;
      else
        failed = mid;
    }
  }
  char ptext[32], ftext[32], range[160];
  size_text(passed, ptext, sizeof ptext);
  size_text(failed, ftext, sizeof ftext);
  if(passed)
    snprintf(range, sizeof range, "%s passed, %s failed", ptext, ftext);
  else
    snprintf(range, sizeof range, "even %s failed the same way: not the size alone", ptext);
  mc_step_ev(s, "sizes", "%s", range);
  switch(first.out) {
  case TOO_LARGE:
    mc_step_find(r, s, MC_CAUSE_HTTP_REQUEST_TOO_LARGE, "POST %s with %s got %s: a body-size limit "
                 "in the path (%s)", p->tmpl->path, big, first.what, range);
    break;
  case IIS_FILTER:
    mc_step_find(r, s, MC_CAUSE_HTTP_REQUEST_TOO_LARGE, "POST %s with %s got IIS's 404.13 (request "
                 "filtering: maxAllowedContentLength) %s (%s)", p->tmpl->path, big, first.what,
                 range);
    break;
  case DROPPED:
    mc_step_find(r, s, MC_CAUSE_HTTP_REQUEST_TOO_LARGE, "POST %s with %s: the connection was dropped "
                 "during the upload (%s): a device in the path cuts large requests (%s)",
                 p->tmpl->path, big, first.what, range);
    break;
  case WCF_400:
    mc_step_find(r, s, MC_CAUSE_MRSPROXY_WCF_QUOTA, "signed in, POST %s with %s got %s: MRSProxy's "
                 "WCF message quota is smaller (%s)", p->tmpl->path, big, first.what, range);
    break;
  default:
    break;
  }
  mc_step_done(r, s, MC_FAIL, "%s failed: %s", big, range);
  return tls;
}
