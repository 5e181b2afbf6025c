/*
 * remote_move.c - migcheck remote-move: the path Exchange Online's MRS takes
 * to https://HOST/EWS/mrsproxy.svc, hop by hop, stopping at the first that
 * breaks.
 *
 * Plan:
 *   1. DNS, TCP 443, TLS (the shared walk; a failure ends the walk).
 *   2. The front door, no credentials, two requests at once:
 *      GET /EWS/Exchange.asmx and POST /EWS/mrsproxy.svc (an MRS-like SOAP
 *      request). Who answered (Exchange or a device in front), which
 *      product, which auth schemes.
 *   3. With credentials: the same POST with NTLM as MRS signs in.
 *   4. Basic where offered (after NTLM signed in, so a wrong password is
 *      not tried over and over), and --repeat new connections, at once.
 *      Without a working login the repeats send only an NTLM negotiate
 *      message: the challenge names the server that answered.
 * Rules (each from what the wire showed, never from a name):
 *   a redirect, a Basic realm that is not the host's with no Exchange
 *     header, a 403 page from a non-Exchange answerer     -> HTTP_PREAUTH
 *   (on mrsproxy.svc only, the 403 page                    -> MRSPROXY_URL_BLOCKED)
 *   no answer before the deadline                          -> HTTP_TIMEOUT
 *   response headers past the client's limit               -> HTTP_RESPONSE_HEADER_TOO_LARGE
 *   503                                                    -> HTTP_SERVICE_UNAVAILABLE
 *   500/502 that is not a SOAP fault                       -> HTTP_SERVER_ERROR
 *   Exchange.asmx not answered by Exchange (404, foreign)  -> EWS_NOT_PUBLISHED
 *   Exchange.asmx by Exchange, mrsproxy.svc not (404, reset, page)
 *                                                          -> MRSPROXY_URL_BLOCKED
 *   405 on mrsproxy.svc                                    -> MRSPROXY_HANDLER_MISSING
 *   Exchange's 401 offers only Basic                       -> EWS_WINDOWS_AUTH_DISABLED
 *   Exchange's 401 offers no Basic                         -> EWS_BASIC_AUTH_DISABLED
 *   401 after the NTLM handshake (or a Basic login)        -> AUTH_BAD_CREDENTIALS
 *   the POST without credentials reaches Exchange, but with a login or an
 *     NTLM negotiate it is dropped, times out, redirected or gets a
 *     device's 403 (every one of them)                     -> AUTH_NEGOTIATE_BLOCKED
 *   403 after the login                                    -> MRSPROXY_DISABLED
 *   repeats reach different servers that answer differently
 *                                                          -> LB_INCONSISTENT_BACKENDS
 *   repeats reach several servers of Exchange 2010         -> LB_NO_AFFINITY
 *   a request fails TLS after the walk's handshake passed  -> the TLS_* cause of the
 *     server behind the address that shows it (handshakes until one does)
 * The authenticated answer is judged together with the repeats: when the
 * servers disagree, the cause is the load balancer's mix, not the one
 * answer the first request happened to get.
 */
#include "checks/checks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/http.h"
#include "proto/ews.h"
#include "proto/ntlm.h"
#include "util/json.h"

#define MAX_REPEAT 50
#define ASMX_PATH "/EWS/Exchange.asmx"
#define MRS_PATH "/EWS/mrsproxy.svc"

/* What one response was, as far as the rules care. */
enum kind {
  K_CHALLENGE,      /* 401 with a challenge from Exchange */
  K_SERVICE,        /* a SOAP answer or fault from the service, or Exchange's 2xx */
  K_REDIRECT,       /* 3xx */
  K_FOREIGN_BASIC,  /* 401 Basic with a realm that is not the host's, no Exchange header */
  K_DEVICE_403,     /* 403 from something that is not Exchange */
  K_FORBIDDEN,      /* 403 from Exchange */
  K_NOT_FOUND,      /* 404 */
  K_METHOD,         /* 405 */
  K_UNAVAILABLE,    /* 503 */
  K_SERVER_ERROR,   /* 500, 502 */
  K_TIMEOUT,
  K_DROPPED,        /* reset, closed, or not HTTP */
  K_NO_CONNECT,     /* the connection or TLS failed (the walk said why) */
  K_OTHER,
  K_TOO_BIG         /* response headers past what a client reads */
};

struct obs {
  struct mc_http_resp *resp;
  enum kind kind;
  bool exchange;          /* an Exchange header or Exchange's own words */
  bool cafe;              /* 2013+ front-end headers */
  unsigned schemes;
  char realm[128];
  const char *product;    /* from a build header, or NULL */
  char identity[128];     /* which server answered (X-FEServer, NTLM name) */
};

struct walk {
  struct mc_report *r;
  const struct mc_target *t;
  int port;
  char addr[64];          /* the address the walk takes */
  struct mc_run_tag tag;  /* the run id in every request */
  struct mc_buf envelope;
  struct mc_buf traffic;  /* JSON array of every request sent */
  struct mc_http_client *http;
  bool traffic_any;
  bool tls_failed;        /* a request failed TLS after the walk's handshake passed */
  bool front_unknown;     /* the front door's requests could not be made: no verdict */
  bool creds;             /* a user and a password were given */
  size_t nrep;            /* --repeat, at most MAX_REPEAT */
  /* 2: the front door (GET, POST, and the MRS-sized POST sent with them). */
  struct mc_http_req front_q[3];
  struct mc_http_resp front_resp[3];
  size_t nfront;          /* front_resp to release */
  struct obs front[2];
  unsigned schemes;       /* what the front door offered */
  char stext[128];
  bool pre2013;
  /* 3: the NTLM login. */
  struct mc_step *auth_step;
  struct mc_http_resp auth_resp;
  struct obs auth_obs;
  bool have_auth, login_ok, ntlm_refused;
  /* 3b: the MRS-sized POST, sent with the next batch. */
  struct mc_http_req large_q;
  struct mc_large_probe large;
  struct mc_large_run large_run;
  bool do_large;
};

static const char *const cafe_headers[] = {
  "X-FEServer", "X-BEServer", "X-CalculatedBETarget", "X-FailureContext", "X-DiagInfo",
  "X-OWA-Version", "X-ServerApplication", NULL
};
/* Headers shown as evidence when present. */
static const char *const shown_headers[] = {
  "Server", "X-FEServer", "X-BEServer", "X-CalculatedBETarget", "X-DiagInfo",
  "request-id", "X-OWA-Version", "X-ServerApplication", "X-Powered-By", "X-AspNet-Version",
  "Content-Type", "Location", "X-FailureContext", NULL
};

static const char *kind_text(enum kind k)
{
  static const char *const text[] = {
    "asked for credentials", "the service answered", "redirected", "a foreign Basic prompt",
    "a 403 page from a device", "403 Forbidden from Exchange", "404 Not Found",
    "405 Method Not Allowed", "503 Service Unavailable", "a server error", "no answer in time",
    "connection dropped", "no connection", "an unexpected answer",
    "response headers too large to read"
  };
  return text[k];
}

static void classify(struct obs *o, struct mc_http_resp *resp, const char *host)
{
  memset(o, 0, sizeof *o);
  o->resp = resp;
  const struct mc_http_msg *m = resp->final;
  switch(resp->error) {
  case MC_HTTP_OK: break;
  case MC_HTTP_ERR_TIMEOUT: o->kind = K_TIMEOUT; break;
  case MC_HTTP_ERR_RESET: case MC_HTTP_ERR_PROTOCOL: o->kind = K_DROPPED; break;
  case MC_HTTP_ERR_TOO_BIG: o->kind = K_TOO_BIG; break;
  default: o->kind = K_NO_CONNECT; break;
  }
  /* Identity: the front end's own headers, else the NTLM challenge's name. */
  mc_backend_identity(resp, o->identity, sizeof o->identity);
  for(size_t i = 0; i < resp->nmsgs; i++) {
    for(int k = 0; cafe_headers[k]; k++)
      o->cafe = o->cafe || mc_http_header(&resp->msgs[i], cafe_headers[k]);
  }
  if(resp->error != MC_HTTP_OK || !m)
    return;
  const char *build = mc_http_header(m, "X-OWA-Version");
  if(!build)
    build = mc_http_header(m, "X-ServerApplication");
  o->product = mc_ews_product_of_build(build);
  o->schemes = mc_http_auth_schemes(m, o->realm, sizeof o->realm);
  const char *server = mc_http_header(m, "Server");
  bool iis = server && mc_case_starts_with(server, "Microsoft-IIS/");
  bool disabled_text = mc_memcasemem(resp->body.ptr ? resp->body.ptr : "", resp->body.len,
                                     "MRS proxy service is disabled") != NULL;
  bool windows = o->schemes & (MC_HTTP_SCHEME_NEGOTIATE | MC_HTTP_SCHEME_NTLM);
  o->exchange = o->cafe || disabled_text || (m->status == 401 && iis && windows);
  bool soap = mc_ews_is_soap(resp->body.ptr ? resp->body.ptr : "", resp->body.len);
  int st = m->status;
  if(st >= 300 && st < 400)
    o->kind = K_REDIRECT;
  else if(st == 401) {
    bool own_realm = o->realm[0] && strcasecmp(o->realm, host) == 0;
    if(windows || (o->schemes & MC_HTTP_SCHEME_BASIC && (o->exchange || own_realm)))
      o->kind = K_CHALLENGE;
    else if(o->schemes & MC_HTTP_SCHEME_BASIC)
      o->kind = K_FOREIGN_BASIC;
    else
      o->kind = K_OTHER;
  }
  else if(st == 403)
    o->kind = o->exchange ? K_FORBIDDEN : K_DEVICE_403;
  else if(st == 404)
    o->kind = K_NOT_FOUND;
  else if(st == 405)
    o->kind = K_METHOD;
  else if(st == 503)
    o->kind = K_UNAVAILABLE;
  else if((st == 500 || st == 502) && !soap)
    o->kind = K_SERVER_ERROR;
  else if(soap || (st >= 200 && st < 300 && o->exchange))
    o->kind = K_SERVICE;
  else
    o->kind = K_OTHER;          /* a 2xx page that is neither SOAP nor Exchange's: a WAF's
                                   block page ("Request Rejected") is served with 200 */
}

/* "<title>" of an HTML body, or its first bytes, printable. */
static char *body_hint(const struct mc_http_resp *resp)
{
  const char *b = resp->body.ptr;
  size_t n = resp->body.len;
  if(!b || !n)
    return NULL;
  const char *t = mc_memcasemem(b, n, "<title>");
  if(t) {
    t += 7;
    const char *e = mc_memcasemem(t, n - (size_t)(t - b), "</title>");
    if(e)
      return mc_printable(t, (size_t)(e - t), 160);
  }
  return mc_printable(b, n, 160);
}

static void add_traffic(struct walk *w, const struct mc_http_req *q,
                        const struct mc_http_resp *resp, const char *purpose)
{
  mc_http_traffic_add(&w->traffic, &w->traffic_any, q, resp, purpose);
  w->tls_failed = w->tls_failed || resp->error == MC_HTTP_ERR_TLS;
}

/* Evidence for one exchange: the request line, each status line, the
 * headers that tell who answered, the body's gist. */
static void evidence(struct mc_step *s, const struct mc_http_req *q,
                     const struct mc_http_resp *resp, const struct obs *o)
{
  mc_step_ev(s, "request", "%s %s%s%s HTTP/1.1%s", q->method, q->path, q->query ? "?" : "",
             q->query ? q->query : "", q->auth == MC_HTTP_AUTH_NTLM ? " (NTLM login)" :
             q->auth == MC_HTTP_AUTH_BASIC ? " (Basic login)" : "");
  /* The raw exchange, for -vv ("> " sent, "< " received): never a credential. */
  mc_step_ev(s, "> Host", "%s", q->host);
  if(q->user_agent)
    mc_step_ev(s, "> User-Agent", "%s", q->user_agent);
  for(size_t k = 0; q->headers && q->headers[k]; k++)
    mc_step_ev(s, "> header", "%s", q->headers[k]);
  if(q->auth != MC_HTTP_AUTH_NONE)
    mc_step_ev(s, "> Authorization", "%s (not shown)",
               q->auth == MC_HTTP_AUTH_NTLM ? "NTLM" : "Basic");
  if(resp->ip[0])
    mc_step_ev(s, "answered by", "%s port %ld (%ld connection%s, %lld ms)", resp->ip,
               resp->port, resp->connects, resp->connects == 1 ? "" : "s",
               (long long)resp->ms_total);
  for(size_t i = 0; i < resp->nmsgs; i++) {
    const struct mc_http_msg *m = &resp->msgs[i];
    mc_step_ev(s, "status", "%s", m->status_line);
    for(size_t k = 0; k < m->nh; k++) {
      if(strcasecmp(m->h[k].name, "WWW-Authenticate") != 0)
        mc_step_ev(s, "< header", "%s: %s", m->h[k].name, m->h[k].value);
    }
    for(size_t k = 0; k < m->nh; k++) {
      if(strcasecmp(m->h[k].name, "WWW-Authenticate") == 0) {
        const char *v = m->h[k].value;
        /* NTLM tokens are long and say nothing to a reader; the name is shown below. */
        if(strncasecmp(v, "NTLM ", 5) == 0 && strlen(v) > 5)
          mc_step_ev(s, "WWW-Authenticate", "NTLM <challenge, %zu characters>", strlen(v) - 5);
        else
          mc_step_ev(s, "WWW-Authenticate", "%s", v);
      }
    }
    if(i + 1 < resp->nmsgs)
      continue;
    for(int k = 0; shown_headers[k]; k++) {
      const char *v = mc_http_header(m, shown_headers[k]);
      if(!v)
        continue;
      mc_step_ev(s, shown_headers[k], "%s", v);
      struct mc_ews_failure f;
      if(strcasecmp(shown_headers[k], "X-FailureContext") == 0 &&
         mc_ews_failure_parse(v, &f) == MC_OK) {
        char text[1800];
        mc_ews_failure_text(&f, text, sizeof text);
        mc_step_ev(s, "failure (decoded)", "%s", text);
      }
    }
  }
  const char *ch = mc_http_ntlm_challenge(resp);
  struct mc_ntlm_info ni;
  if(ch && mc_ntlm_challenge_parse_b64(ch, &ni) == MC_OK) {
    if(ni.has_version)
      mc_step_ev(s, "NTLM challenge", "from %s (%s), domain %s, Windows %u.%u build %u",
                 ni.nb_computer[0] ? ni.nb_computer : "?",
                 ni.dns_computer[0] ? ni.dns_computer : "no DNS name",
                 ni.nb_domain[0] ? ni.nb_domain : ni.target, ni.os_major, ni.os_minor,
                 ni.os_build);
    else
      mc_step_ev(s, "NTLM challenge", "from %s (%s), domain %s",
                 ni.nb_computer[0] ? ni.nb_computer : "?",
                 ni.dns_computer[0] ? ni.dns_computer : "no DNS name",
                 ni.nb_domain[0] ? ni.nb_domain : ni.target);
  }
  else if(ch)
    mc_step_ev(s, "NTLM challenge", "broken: %s", ni.error);
  if(resp->ntlm.used) {
    char text[600];
    mc_step_ev(s, "NTLM login", "%s", mc_http_ntlm_describe(&resp->ntlm, text, sizeof text));
  }
  if(resp->final && resp->status != 401 && resp->status != 200) {
    char *hint = body_hint(resp);
    if(hint)
      mc_step_ev(s, "body", "%s", hint);
    free(hint);
  }
  if(resp->error)
    mc_step_ev(s, "error", "%s: %s", mc_http_error_name(resp->error), resp->error_text);
  (void)o;
}

static void init_req(struct walk *w, struct mc_http_req *q, const char *method,
                     const char *path, enum mc_http_auth auth)
{
  static const char *const soap_headers[] = {
    "Content-Type: application/soap+xml; charset=utf-8", NULL
  };
  mc_target_req(w->t, &w->tag, w->addr, w->port, method, path, auth, q);
  if(strcmp(method, "POST") == 0) {
    q->headers = soap_headers;
    q->body = w->envelope.ptr;
    q->body_len = w->envelope.len;
  }
}

static const char *who_answered(const struct obs *o, char *out, size_t outlen)
{
  const struct mc_http_msg *m = o->resp->final;
  const char *server = m ? mc_http_header(m, "Server") : NULL;
  if(!m)
    snprintf(out, outlen, "no HTTP answer (%s)", mc_http_error_name(o->resp->error));
  else if(o->product)
    snprintf(out, outlen, "%s (%s)", o->product, server ? server : "no Server header");
  else if(o->cafe)
    snprintf(out, outlen, "Exchange 2013 or later (front-end headers; %s)",
             server ? server : "no Server header");
  else if(o->exchange)
    snprintf(out, outlen, "Exchange 2010 or earlier (IIS with Windows authentication and "
             "no front-end headers; %s)", server ? server : "no Server header");
  else
    snprintf(out, outlen, "not Exchange (%s)", server ? server : "no Server header");
  return out;
}

static void failure_detail(const struct obs *o, char *out, size_t outlen)
{
  const char *fc = o->resp->final ? mc_http_header(o->resp->final, "X-FailureContext") : NULL;
  struct mc_ews_failure f;
  if(fc && mc_ews_failure_parse(fc, &f) == MC_OK) {
    mc_ews_failure_text(&f, out, outlen);
    return;
  }
  char *hint = body_hint(o->resp);
  snprintf(out, outlen, "%s", hint ? hint : "no failure context");
  free(hint);
}

static bool front_good(const struct obs *o)
{
  return o->kind == K_CHALLENGE || o->kind == K_SERVICE;
}

static void backend_answer(const struct obs *o, struct mc_backend_answer *a)
{
  mc_strlcpy(a->server, o->identity, sizeof a->server);
  a->good = front_good(o);
  const char *text = kind_text(o->kind);
  if(o->resp->status && !(text[0] >= '0' && text[0] <= '9'))
    snprintf(a->what, sizeof a->what, "%d, %s", o->resp->status, text);
  else
    snprintf(a->what, sizeof a->what, "%s", kind_text(o->kind));
}

/* q again on nrep new connections, the answers grouped with first's by
 * server (a step under front). 1 when the servers answer differently, 0
 * when not, -1 when libcurl could not send them. */
static int recheck_one(struct walk *w, struct mc_step *front, const struct mc_http_req *q,
                       const struct obs *first, size_t nrep, const char *purpose)
{
  struct mc_http_req *rq = mc_xcalloc(nrep, sizeof *rq);
  struct mc_http_resp *rr = mc_xcalloc(nrep, sizeof *rr);
  struct mc_backend_answer *ans = mc_xcalloc(nrep + 1, sizeof *ans);
  int mixed = -1;
  for(size_t k = 0; k < nrep; k++)
    rq[k] = *q;
  if(mc_http_perform(w->http, rq, rr, nrep) != MC_OK)
    goto out;
  struct mc_step *s = mc_step_add(w->r, front, "%s %s again on %zu new connections: "
                                  "which servers answer?", q->method, q->path, nrep);
  backend_answer(first, &ans[0]);
  for(size_t k = 0; k < nrep; k++) {
    struct obs o;
    classify(&o, &rr[k], w->t->host);
    backend_answer(&o, &ans[k + 1]);
    add_traffic(w, &rq[k], &rr[k], purpose);
    mc_step_ev(s, "answer", "#%zu %s: %s", k + 1, ans[k + 1].server[0] ?
               ans[k + 1].server : "(unnamed)", ans[k + 1].what);
    mc_http_resp_release(&rr[k]);
  }
  char what[300];
  snprintf(what, sizeof what, "%s %s", q->method, q->path);
  mixed = mc_backends_judge(w->r, s, ans, nrep + 1, what);
  mc_step_done(w->r, s, mixed ? MC_FAIL : MC_INFO, "%s", mixed ? "the servers answer "
               "differently" : "every new connection got the same answer: it is not one "
               "server's fault");
out:
  free(rq);
  free(rr);
  free(ans);
  return mixed;
}

/* Before a failing front-door answer is blamed on the one server it came
 * from: the same request on nrep new connections, grouped by server. The
 * GET and the POST themselves, answered by two servers, one well and one
 * with a server fault, already prove a mixed pool. */
static void recheck_front(struct walk *w, struct mc_step *front)
{
  static const char *const purpose[2] = { "ews-repeat", "mrsproxy-repeat" };
  const struct obs *obs = w->front;
  bool mixed = false;
  for(int i = 0; i < 2 && w->nrep; i++) {
    /* A timeout would only cost another timeout; no connection, nothing to group. */
    if(front_good(&obs[i]) || obs[i].kind == K_NO_CONNECT || obs[i].kind == K_TIMEOUT)
      continue;
    int m = recheck_one(w, front, &w->front_q[i], &obs[i], w->nrep, purpose[i]);
    if(m < 0)
      return;
    mixed = mixed || m;
  }
  bool fault[2] = { obs[0].kind == K_UNAVAILABLE || obs[0].kind == K_SERVER_ERROR,
                    obs[1].kind == K_UNAVAILABLE || obs[1].kind == K_SERVER_ERROR };
  if(!mixed && obs[0].identity[0] && obs[1].identity[0] &&
     strcmp(obs[0].identity, obs[1].identity) != 0 &&
     ((front_good(&obs[0]) && fault[1]) || (front_good(&obs[1]) && fault[0]))) {
    struct mc_backend_answer ans[2];
    backend_answer(&obs[0], &ans[0]);
    backend_answer(&obs[1], &ans[1]);
    mc_backends_judge(w->r, front, ans, 2, "the front door's two requests");
  }
}

/* Step 2's rules, a device in front: a redirect or a foreign Basic prompt
 * on either answer, headers too large, a 403 page that is not Exchange's.
 * True when one of them ended the walk. */
static bool front_device(struct walk *w, struct mc_step *const steps[2])
{
  struct mc_report *r = w->r;
  const struct obs *both = w->front;
  static const char *const paths[2] = { ASMX_PATH, MRS_PATH };
  for(int i = 0; i < 2; i++) {
    const struct obs *o = &both[i];
    if(o->kind == K_REDIRECT) {
      const char *loc = mc_http_header(o->resp->final, "Location");
      mc_step_find(r, steps[i], MC_CAUSE_HTTP_PREAUTH, "%s answered %d and redirects to %s instead "
                   "of asking for Windows credentials", paths[i], o->resp->status,
                   loc ? loc : "(no Location)");
      return true;
    }
    if(o->kind == K_FOREIGN_BASIC) {
      mc_step_find(r, steps[i], MC_CAUSE_HTTP_PREAUTH, "%s answered 401 with only Basic realm=\"%s\", "
                   "a realm that is not %s, and no Exchange header: a device asks for the "
                   "password", paths[i], o->realm, w->t->host);
      return true;
    }
  }
  for(int i = 0; i < 2; i++) {
    if(both[i].kind == K_TOO_BIG) {
      mc_step_find(r, steps[i], MC_CAUSE_HTTP_RESPONSE_HEADER_TOO_LARGE, "%s: the answer's headers "
                   "are too large to read (%s)", paths[i], both[i].resp->error_text);
      return true;
    }
  }
  if(both[0].kind == K_DEVICE_403) {
    mc_step_find(r, steps[0], MC_CAUSE_HTTP_PREAUTH, "%s answered 403 with a page that is not Exchange's",
                 ASMX_PATH);
    return true;
  }
  return false;
}

/* Step 2's rules, the servers' own faults: 503, 500/502, no answer in
 * time, no request made. True when one of them ended the walk. */
static bool front_fault(struct walk *w, struct mc_step *const steps[2])
{
  struct mc_report *r = w->r;
  const struct obs *a = &w->front[0], *b = &w->front[1];
  static const char *const paths[2] = { ASMX_PATH, MRS_PATH };
  for(int i = 0; i < 2; i++) {
    const struct obs *o = &w->front[i];
    char detail[1800];
    if(o->kind != K_UNAVAILABLE && o->kind != K_SERVER_ERROR)
      continue;
    failure_detail(o, detail, sizeof detail);
    if(o->kind == K_UNAVAILABLE)
      mc_step_find(r, steps[i], MC_CAUSE_HTTP_SERVICE_UNAVAILABLE, "%s answered 503%s%s%s: %s",
                   paths[i], o->identity[0] ? " (from " : "", o->identity,
                   o->identity[0] ? ")" : "", detail);
    else
      mc_step_find(r, steps[i], MC_CAUSE_HTTP_SERVER_ERROR, "%s answered %d%s%s%s: %s", paths[i],
                   o->resp->status, o->identity[0] ? " (from " : "", o->identity,
                   o->identity[0] ? ")" : "", detail);
    return true;
  }
  if(a->kind == K_TIMEOUT && b->kind == K_TIMEOUT) {
    mc_step_find(r, steps[1], MC_CAUSE_HTTP_TIMEOUT, "neither %s nor %s answered within %d ms "
                 "after the TLS handshake", ASMX_PATH, MRS_PATH, w->t->timeout_ms);
    return true;
  }
  if(a->kind == K_NO_CONNECT || b->kind == K_NO_CONNECT) {
    const struct obs *o = a->kind == K_NO_CONNECT ? a : b;
    mc_report_incomplete(r, "the HTTPS request could not be made although the handshake "
                         "worked: %s", o->resp->error_text);
    w->front_unknown = true;
    /* The other answer is not judged without this one (no rule names a
       cause from one of the two): its step says what it got, and is no
       fail or warning by itself. */
    for(int i = 0; i < 2; i++) {
      if(!steps[i]->nfindings && (steps[i]->status == MC_FAIL || steps[i]->status == MC_WARN))
        mc_step_done(r, steps[i], MC_UNKNOWN, NULL);
    }
    return true;
  }
  return false;
}

/* Step 2's rules, EWS and MRSProxy: Exchange.asmx must be Exchange asking
 * for credentials, mrsproxy.svc must be reachable behind it. True when
 * that ended the walk. */
static bool front_paths(struct walk *w, struct mc_step *sa, struct mc_step *sb)
{
  struct mc_report *r = w->r;
  const struct obs *a = &w->front[0], *b = &w->front[1];
  if(!(a->exchange && (a->kind == K_CHALLENGE || a->kind == K_SERVICE))) {
    char who[256];
    if(a->kind == K_TIMEOUT)
      mc_step_find(r, sa, MC_CAUSE_HTTP_TIMEOUT, "%s did not answer within %d ms", ASMX_PATH,
                   w->t->timeout_ms);
    else
      mc_step_find(r, sa, MC_CAUSE_EWS_NOT_PUBLISHED, "%s got %s from %s", ASMX_PATH,
                   kind_text(a->kind), who_answered(a, who, sizeof who));
    return true;
  }
  char detail[1800];
  switch(b->kind) {
  case K_METHOD:
    mc_step_find(r, sb, MC_CAUSE_MRSPROXY_HANDLER_MISSING, "POST %s answered 405 Method Not Allowed",
                 MRS_PATH);
    return true;
  case K_NOT_FOUND:
  case K_DEVICE_403:
  case K_DROPPED:
  case K_TIMEOUT:
  case K_OTHER:
    if(b->exchange && b->kind == K_NOT_FOUND)
      mc_step_find(r, sb, MC_CAUSE_MRSPROXY_URL_BLOCKED, "Exchange answered %s but 404 for %s",
                   ASMX_PATH, MRS_PATH);
    else
      mc_step_find(r, sb, MC_CAUSE_MRSPROXY_URL_BLOCKED, "%s reaches Exchange, but %s got %s%s%s",
                   ASMX_PATH, MRS_PATH, kind_text(b->kind), b->resp->error ? ": " : "",
                   b->resp->error ? b->resp->error_text : "");
    return true;
  case K_FORBIDDEN:
    /* 403 from Exchange without a login: anonymous access denied outright. */
    failure_detail(b, detail, sizeof detail);
    mc_step_find(r, sb, MC_CAUSE_HTTP_UNEXPECTED_STATUS, "POST %s answered 403 from Exchange%s%s "
                 "without asking for credentials: %s", MRS_PATH, b->identity[0] ? " " : "",
                 b->identity, detail);
    mc_step_done(r, sb, MC_FAIL, "403 from Exchange without asking for credentials");
    return true;
  default:
    return false;
  }
}

/* Step 2's rules over the two answers. Returns whether the walk goes on. */
static bool judge_front(struct walk *w, struct mc_step *sa, struct mc_step *sb)
{
  struct mc_step *const steps[2] = { sa, sb };
  if(front_device(w, steps) || front_fault(w, steps) || front_paths(w, sa, sb))
    return false;
  /* The schemes Exchange offers (either answer may carry them). */
  const struct obs *a = &w->front[0], *b = &w->front[1];
  unsigned schemes = a->schemes | b->schemes;
  char text[128];
  mc_http_schemes_text(schemes, text, sizeof text);
  if(b->kind == K_CHALLENGE || a->kind == K_CHALLENGE) {
    if(!(schemes & (MC_HTTP_SCHEME_NEGOTIATE | MC_HTTP_SCHEME_NTLM))) {
      mc_step_find(w->r, sb, MC_CAUSE_EWS_WINDOWS_AUTH_DISABLED, "Exchange offers only %s on "
                   "EWS; MRS signs in with Negotiate/NTLM", text);
      return false;
    }
    if(!(schemes & MC_HTTP_SCHEME_BASIC))
      mc_step_find(w->r, sb, MC_CAUSE_EWS_BASIC_AUTH_DISABLED, "EWS offers %s but not Basic", text);
  }
  return true;
}

static enum mc_status front_status(const struct obs *o)
{
  if(o->kind == K_CHALLENGE || o->kind == K_SERVICE)
    return o->exchange ? MC_PASS : MC_WARN;
  /* A request that could not be made saw nothing to fail. */
  return o->kind == K_NO_CONNECT ? MC_UNKNOWN : MC_FAIL;
}

/* What a device does to a request it will not let through: with the same
 * request answered by Exchange when it carried no credentials, these mean
 * the Authorization header itself is blocked. */
static bool blocked_kind(enum kind k)
{
  return k == K_DROPPED || k == K_TIMEOUT || k == K_DEVICE_403 || k == K_REDIRECT;
}

/* What the authenticated answer means, each with its cause. */
enum auth_verdict {
  AV_SIGNED_IN,       /* it reached the service */
  AV_REFUSED,         /* asked for credentials again */
  AV_MRS_DISABLED,    /* Exchange's 403 after the login */
  AV_BLOCKED,         /* the same POST without credentials got Exchange */
  AV_HANDLER,
  AV_UNAVAILABLE,
  AV_SERVER_ERROR,
  AV_NOT_FOUND,
  AV_TOO_BIG,
  AV_UNEXPLAINED      /* no rule explains it */
};

static const char *const auth_verdict_cause[] = {
  [AV_SIGNED_IN] = NULL, [AV_REFUSED] = MC_CAUSE_AUTH_BAD_CREDENTIALS,
  [AV_MRS_DISABLED] = MC_CAUSE_MRSPROXY_DISABLED, [AV_BLOCKED] = MC_CAUSE_AUTH_NEGOTIATE_BLOCKED,
  [AV_HANDLER] = MC_CAUSE_MRSPROXY_HANDLER_MISSING,
  [AV_UNAVAILABLE] = MC_CAUSE_HTTP_SERVICE_UNAVAILABLE,
  [AV_SERVER_ERROR] = MC_CAUSE_HTTP_SERVER_ERROR, [AV_NOT_FOUND] = MC_CAUSE_MRSPROXY_URL_BLOCKED,
  [AV_TOO_BIG] = MC_CAUSE_HTTP_RESPONSE_HEADER_TOO_LARGE, [AV_UNEXPLAINED] = NULL,
};

static enum auth_verdict auth_verdict(const struct obs *o)
{
  switch(o->kind) {
  case K_SERVICE: return AV_SIGNED_IN;
  case K_CHALLENGE: case K_FOREIGN_BASIC: return AV_REFUSED;
  case K_FORBIDDEN: return AV_MRS_DISABLED;
  case K_DEVICE_403: case K_TIMEOUT: case K_REDIRECT: case K_DROPPED: return AV_BLOCKED;
  case K_METHOD: return AV_HANDLER;
  case K_UNAVAILABLE: return AV_UNAVAILABLE;
  case K_SERVER_ERROR: return AV_SERVER_ERROR;
  case K_NOT_FOUND: return AV_NOT_FOUND;
  case K_TOO_BIG: return AV_TOO_BIG;
  default: return AV_UNEXPLAINED;
  }
}

static void auth_finding(struct walk *w, struct mc_step *s, const struct obs *o,
                         const char *scheme)
{
  enum auth_verdict v = auth_verdict(o);
  const char *id = auth_verdict_cause[v];
  char detail[1800];
  switch(v) {
  case AV_SIGNED_IN:
    return;
  case AV_UNEXPLAINED:
    /* A generic cause with the evidence, never nothing. */
    if(!o->resp->status) {
      /* No answer to judge: the walk cannot pass on it either. */
      mc_step_done(w->r, s, MC_UNKNOWN, "%s", kind_text(o->kind));
      mc_report_incomplete(w->r, "the %s login to %s got no HTTP answer (%s)", scheme,
                           MRS_PATH, o->resp->error_text[0] ? o->resp->error_text :
                                                              kind_text(o->kind));
      return;
    }
    failure_detail(o, detail, sizeof detail);
    mc_step_find(w->r, s, MC_CAUSE_HTTP_UNEXPECTED_STATUS, "after the %s login %s answered %d%s%s: %s",
                 scheme, MRS_PATH, o->resp->status, o->identity[0] ? " from " : "",
                 o->identity, detail);
    return;
  case AV_REFUSED:
    mc_step_find(w->r, s, id, "%s refused %s after the %s exchange (%zu response%s, the "
                 "last 401)", o->identity[0] ? o->identity : "the server", w->t->user, scheme,
                 o->resp->nmsgs, o->resp->nmsgs == 1 ? "" : "s");
    return;
  case AV_MRS_DISABLED:
    mc_step_find(w->r, s, id, "%s signed %s in and answered 403 for %s%s",
                 o->identity[0] ? o->identity : "Exchange", w->t->user, MRS_PATH,
                 mc_memcasemem(o->resp->body.ptr ? o->resp->body.ptr : "", o->resp->body.len,
                               "MRS proxy service is disabled") ?
                 ": \"MRS proxy service is disabled\"" : "");
    return;
  case AV_BLOCKED:
    failure_detail(o, detail, sizeof detail);
    mc_step_find(w->r, s, id, "POST %s without credentials got Exchange's 401, but with the "
                 "%s login it got %s (%s): something in front blocks requests that carry "
                 "credentials; no further logins were tried", MRS_PATH, scheme,
                 kind_text(o->kind), o->resp->error ? o->resp->error_text : detail);
    return;
  default:
    failure_detail(o, detail, sizeof detail);
    mc_step_find(w->r, s, id, "after the %s login %s got %s (%s)", scheme, MRS_PATH,
                 kind_text(o->kind), o->resp->error ? o->resp->error_text : detail);
    return;
  }
}

/* An NTLM login that ended in 401 is judged on what else is known (issue:
 * Extended Protection must not pass for a wrong password). basic: the
 * Basic login with the same password, NULL when none was made. Returns
 * false when nothing was said (the caller's usual finding follows). */
static bool ntlm_refusal(struct walk *w, struct mc_step *s, const struct obs *o,
                         const struct obs *basic)
{
  const struct mc_http_ntlm_ev *ev = &o->resp->ntlm;
  const char *who = o->identity[0] ? o->identity : "the server";
  if(ev->broken) {
    mc_step_find(w->r, s, MC_CAUSE_AUTH_NTLM_CHALLENGE_BROKEN, "%s sent an NTLM challenge that "
                 "cannot be answered (%s); no answer and no password were sent", who,
                 ev->broken_why);
    return true;
  }
  if(o->kind != K_CHALLENGE || !ev->sent)
    return false;
  char bound[300];
  if(ev->cbt)
    snprintf(bound, sizeof bound, "with a channel binding for the certificate this client "
             "was shown (%s %.16s..., issued by %s)", ev->cert_hash_name, ev->cert_hash,
             ev->cert_issuer);
  else
    snprintf(bound, sizeof bound, "without a channel binding%s", ev->cbt_off ?
             " (--no-channel-binding)" : "");
  bool basic_in = basic && basic->kind != K_CHALLENGE && basic->kind != K_FOREIGN_BASIC &&
                  !blocked_kind(basic->kind) && basic->kind != K_TOO_BIG &&
                  basic->kind != K_NO_CONNECT && basic->kind != K_OTHER;
  /* A device in front names itself: Via, or a Server that is not IIS. */
  const struct mc_http_msg *m = o->resp->final;
  const char *via = mc_http_header(m, "Via"), *server = mc_http_header(m, "Server");
  char device[200] = "";
  if(via)
    snprintf(device, sizeof device, "Via: %.160s", via);
  else if(server && !strstr(server, "Microsoft-IIS") && !strstr(server, "Microsoft-HTTPAPI"))
    snprintf(device, sizeof device, "Server: %.160s", server);
  if(basic_in || device[0]) {
    char why[300];
    if(basic_in)
      snprintf(why, sizeof why, "while Basic with the same password signed in: the password "
               "is right and the NTLM path fails");
    else
      snprintf(why, sizeof why, "and a device in front of Exchange answered (%s): behind a "
               "device that terminates TLS, the binding cannot match whatever the password",
               device);
    mc_step_find(w->r, s, MC_CAUSE_AUTH_EXTENDED_PROTECTION, "%s refused the NTLM login %s, %s. %s",
                 who, bound, why, ev->cbt_off ? "This run sent no binding on purpose: "
                 "Extended Protection set to Require refuses such a client" :
                 "Extended Protection refuses a binding that names another TLS channel: a "
                 "device in front terminates TLS (SSL offloading, or bridging with another "
                 "certificate), so the certificate seen here is not the one IIS binds");
    return true;
  }
  if(basic && basic->kind == K_CHALLENGE) {
    mc_step_find(w->r, s, MC_CAUSE_AUTH_BAD_CREDENTIALS, "%s refused %s with NTLM and with Basic: "
                 "the password is wrong, or the account is locked or disabled", who,
                 w->t->user);
    return true;
  }
  if(!basic && ev->cbt) {
    /* No Basic to compare with: the password is the likelier fault, but
     * say what else fails exactly this way. */
    mc_step_find(w->r, s, MC_CAUSE_AUTH_BAD_CREDENTIALS, "%s refused %s after the NTLM exchange "
                 "(sent %s); the server offers no Basic to tell a wrong password from "
                 "Extended Protection: if the password is right, a device that terminates "
                 "TLS in front of Exchange fails every NTLM login the same way", who,
                 w->t->user, bound);
    return true;
  }
  return false;
}

static void auth_summary(struct walk *w, struct mc_step *s, const struct obs *o,
                         enum mc_status st)
{
  if(o->kind == K_SERVICE)
    mc_step_done(w->r, s, MC_PASS, "signed in; MRSProxy answered %d%s", o->resp->status,
                 mc_ews_is_soap_fault(o->resp->body.ptr ? o->resp->body.ptr : "",
                                      o->resp->body.len) ?
                 " with a SOAP fault from the service" : "");
  else
    mc_step_done(w->r, s, st, "%s", kind_text(o->kind));
}

struct tally {
  char identity[128];
  enum kind kind;
  size_t count;
  size_t first;     /* request number */
};

/* Groups the answers by (server, outcome) and judges the mix. */
static void judge_backends(struct walk *w, struct mc_step *s, const struct obs *obs,
                           size_t n, bool authenticated, bool pre2013,
                           const struct obs *main_auth, struct mc_step *auth_step)
{
  struct tally *t = mc_xcalloc(n ? n : 1, sizeof *t);
  size_t nt = 0;
  for(size_t i = 0; i < n; i++) {
    const char *id = obs[i].identity[0] ? obs[i].identity : "(unnamed)";
    size_t k = 0;
    while(k < nt && !(strcmp(t[k].identity, id) == 0 && t[k].kind == obs[i].kind))
      k++;
    if(k == nt) {
      mc_strlcpy(t[nt].identity, id, sizeof t[nt].identity);
      t[nt].kind = obs[i].kind;
      t[nt].count = 0;
      t[nt].first = i;
      nt++;
    }
    t[k].count++;
  }
  size_t nservers = 0, nkinds = 0;
  struct mc_buf servers = MC_BUF_INIT(4096);
  for(size_t k = 0; k < nt; k++) {
    bool seen = false, seen_kind = false;
    for(size_t j = 0; j < k; j++) {
      seen = seen || strcmp(t[j].identity, t[k].identity) == 0;
      seen_kind = seen_kind || t[j].kind == t[k].kind;
    }
    nservers += !seen;
    nkinds += !seen_kind;
    if(!seen)
      mc_buf_printf(&servers, "%s%s", servers.len ? ", " : "", t[k].identity);
    mc_step_ev(s, "server", "%s: %s, %zu of %zu answers", t[k].identity,
               kind_text(t[k].kind), t[k].count, n);
  }
  enum kind good = authenticated ? K_SERVICE : K_CHALLENGE;
  if(nkinds > 1) {
    /* Name the servers that did not give the good answer. */
    struct mc_buf bad = MC_BUF_INIT(4096);
    struct mc_buf okay = MC_BUF_INIT(4096);
    for(size_t k = 0; k < nt; k++)
      mc_buf_printf(t[k].kind == good ? &okay : &bad, "%s%s (%s, %zu of %zu)",
                    (t[k].kind == good ? okay.len : bad.len) ? "; " : "", t[k].identity,
                    kind_text(t[k].kind), t[k].count, n);
    if(nservers > 1)
      mc_step_find(w->r, s, MC_CAUSE_LB_INCONSISTENT_BACKENDS, "the same request got different "
                   "answers from different servers: %s%s%s", bad.ptr ? bad.ptr : "",
                   okay.len ? "; while " : "", okay.len ? okay.ptr : "");
    else
      mc_step_find_sev(w->r, s, MC_CAUSE_LB_INCONSISTENT_BACKENDS, MC_WARN, "one server gave "
                       "different answers to the same request: %s%s%s",
                       bad.ptr ? bad.ptr : "", okay.len ? "; " : "", okay.len ? okay.ptr : "");
    /* Each bad server's own cause follows, once per cause. */
    for(size_t k = 0; k < nt; k++) {
      static const enum kind own[] = { K_UNAVAILABLE, K_SERVER_ERROR, K_FORBIDDEN, K_METHOD };
      bool fault = false;
      for(size_t f = 0; f < sizeof own / sizeof own[0]; f++)
        fault = fault || t[k].kind == own[f];
      const char *id = fault ? auth_verdict_cause[auth_verdict(&obs[t[k].first])] : NULL;
      if(!id || (t[k].kind == K_FORBIDDEN && !authenticated) ||
         mc_report_has(w->r, id))
        continue;
      mc_step_find(w->r, s, id, "%s answered %s (%zu of %zu answers)", t[k].identity,
                   kind_text(t[k].kind), t[k].count, n);
    }
    mc_buf_release(&bad);
    mc_buf_release(&okay);
  }
  else if(main_auth && auth_step)
    auth_finding(w, auth_step, main_auth, "NTLM");
  if(nservers > 1 && pre2013)
    mc_step_find(w->r, s, MC_CAUSE_LB_NO_AFFINITY, "%zu new connections were spread over %zu Exchange "
                 "2010-style servers (%s): MRSProxy on Exchange 2010 keeps each move's "
                 "session on one server", n, nservers, servers.ptr);
  if(nkinds > 1)
    mc_step_done(w->r, s, MC_FAIL, "%zu server%s, answers differ", nservers,
                 nservers == 1 ? "" : "s");
  else if(nservers > 1)
    mc_step_done(w->r, s, pre2013 ? MC_WARN : MC_PASS, "%zu servers answered alike: %s",
                 nservers, servers.ptr);
  else
    /* Alike but not the good answer: the cause sits on the login step. */
    mc_step_done(w->r, s, t[0].kind == good ? MC_PASS : MC_INFO, "all %zu answered by %s: %s",
                 n, servers.ptr, kind_text(t[0].kind));
  mc_buf_release(&servers);
  free(t);
}

/* Without a login the repeats carry only an NTLM negotiate message (no
 * password). When every one of them is blocked while the same POST without
 * it reached Exchange's 401, a device in front kills the sign-in: never a
 * pass, whatever the load balancer judgement said. */
static void negotiate_blocked(struct walk *w, struct mc_step *s, const struct obs *all,
                              size_t n)
{
  for(size_t i = 0; i < n; i++) {
    if(!blocked_kind(all[i].kind))
      return;
  }
  if(!n)
    return;
  mc_step_find(w->r, s, MC_CAUSE_AUTH_NEGOTIATE_BLOCKED, "POST %s without credentials got "
               "Exchange's 401 offering NTLM, but all %zu POSTs carrying an NTLM negotiate "
               "message (no password) got %s%s%s: something in front blocks requests that "
               "carry credentials", MRS_PATH, n, kind_text(all[0].kind),
               all[0].resp->error ? ": " : "", all[0].resp->error ? all[0].resp->error_text : "");
  mc_step_done(w->r, s, MC_FAIL, "every NTLM negotiate blocked (%s)", kind_text(all[0].kind));
}

/* 1. DNS, every address, TCP and TLS on the one the walk takes. */
static bool walk_lower(struct walk *w)
{
  const struct mc_front_probe fp = { "GET", ASMX_PATH, w->tag.query, w->tag.ua };
  struct mc_addr at = { .family = 0 };
  bool ok = mc_walk_to_tcp(w->r, w->t, w->port, true, &fp, &at);
  mc_strlcpy(w->addr, at.text, sizeof w->addr);
  return ok && mc_walk_tls(w->r, NULL, w->t, &at, w->port);
}

/* The MRS-sized POST made from tmpl's auth, sent with the next batch. */
static void large_begin(struct walk *w, enum mc_http_auth auth, int good_status)
{
  init_req(w, &w->large_q, "POST", MRS_PATH, auth);
  w->large = (struct mc_large_probe){
    .tmpl = &w->large_q, .signed_in = auth != MC_HTTP_AUTH_NONE, .good_status = good_status,
    .host = w->t->host, .port = w->port,
  };
  mc_large_request_begin(&w->large_run, &w->large);
  w->do_large = true;
}

/* 2a. The front door's requests, sent at once, each shown as a step. */
static bool send_front(struct walk *w, struct mc_step *front, struct mc_step *steps[2])
{
  struct mc_report *r = w->r;
  init_req(w, &w->front_q[0], "GET", ASMX_PATH, MC_HTTP_AUTH_NONE);
  init_req(w, &w->front_q[1], "POST", MRS_PATH, MC_HTTP_AUTH_NONE);
  size_t n = 2;
  if(!w->creds && !w->t->rm.no_large_request && !w->nrep) {
    /* Without credentials and repeats the MRS-sized POST goes with the front
     * door, at once: no extra round (with repeats it goes with them). It is
     * judged when the small POST was asked for credentials. */
    large_begin(w, MC_HTTP_AUTH_NONE, 0);
    w->front_q[n++] = w->large_run.q;
  }
  if(mc_http_perform(w->http, w->front_q, w->front_resp, n)) {
    mc_step_done(r, front, MC_UNKNOWN, "libcurl could not be set up");
    mc_report_incomplete(r, "this machine's libcurl could not make the requests");
    return false;
  }
  w->nfront = n;
  steps[0] = mc_step_add(r, front, "GET %s", ASMX_PATH);
  steps[1] = mc_step_add(r, front, "POST %s (as MRS sends it)", MRS_PATH);
  classify(&w->front[0], &w->front_resp[0], w->t->host);
  classify(&w->front[1], &w->front_resp[1], w->t->host);
  mc_report_fact(r, "server", "%s", w->front[1].identity[0] ? w->front[1].identity :
                 w->front[0].identity);
  static const char *const purpose[2] = { "ews", "mrsproxy" };
  for(int i = 0; i < 2; i++) {
    evidence(steps[i], &w->front_q[i], &w->front_resp[i], &w->front[i]);
    add_traffic(w, &w->front_q[i], &w->front_resp[i], purpose[i]);
    mc_step_set_duration(steps[i], w->front_resp[i].ms_total);
  }
  char who[256];
  for(int i = 0; i < 2; i++) {
    char code[16] = "no response";
    if(w->front_resp[i].status)
      snprintf(code, sizeof code, "%d", w->front_resp[i].status);
    mc_step_done(r, steps[i], front_status(&w->front[i]), "%s, %s; %s", code,
                 kind_text(w->front[i].kind), who_answered(&w->front[i], who, sizeof who));
  }
  return true;
}

/* 2. The front door, without credentials. Returns whether the walk goes on. */
static bool front_door(struct walk *w)
{
  struct mc_report *r = w->r;
  const struct obs *obs = w->front;
  struct mc_step *front = mc_step_add(r, NULL, "EWS and MRSProxy without credentials");
  struct mc_step *steps[2];
  if(!send_front(w, front, steps))
    return false;
  recheck_front(w, front);
  bool go = judge_front(w, steps[0], steps[1]);
  w->schemes = obs[0].schemes | obs[1].schemes;
  mc_http_schemes_text(w->schemes, w->stext, sizeof w->stext);
  w->pre2013 = (obs[0].exchange && !obs[0].cafe && !obs[1].cafe) &&
               (!obs[0].product || strcmp(obs[0].product, "Exchange 2010") == 0 ||
                strcmp(obs[0].product, "Exchange 2007") == 0);
  char who[256];
  if(w->front_unknown)
    mc_step_done(r, front, MC_UNKNOWN, "%s; a request could not be made although the "
                 "handshake worked", who_answered(&obs[0], who, sizeof who));
  else
    mc_step_done(r, front, go ? MC_PASS : MC_FAIL, "%s; offers %s",
                 who_answered(&obs[0], who, sizeof who), w->stext);
  if(!go) {
    struct mc_step *s = mc_step_add(r, NULL, "Sign in to MRSProxy");
    mc_step_done(r, s, MC_SKIP, "not reached: the front door %s",
                 w->front_unknown ? "could not be asked" : "failed");
    return false;
  }
  if(w->do_large && !w->creds) {
    if(obs[1].kind == K_CHALLENGE) {
      w->large.good_status = w->front_resp[1].status;
      w->tls_failed |= mc_large_request_finish(r, NULL, w->http, &w->large, &w->large_run,
                                               &w->front_resp[2], &w->traffic,
                                               &w->traffic_any);
    }
    else
      mc_buf_release(&w->large_run.body);
    w->do_large = false;
  }
  return true;
}

/* 3. NTLM, as MRS signs in. Returns false when the login was blocked or
 * redirected: no more logins, no repeats. */
static bool sign_in_ntlm(struct walk *w)
{
  struct mc_report *r = w->r;
  const struct mc_target *t = w->t;
  if(!w->creds) {
    struct mc_step *s = mc_step_add(r, NULL, "Sign in to MRSProxy");
    mc_step_done(r, s, MC_SKIP, "no credentials given (--user with MIGCHECK_PASSWORD, "
                 "--password-file or the prompt): whether MRSProxy is enabled and whether "
                 "the account can sign in were not checked");
    return true;
  }
  if(!(w->schemes & MC_HTTP_SCHEME_NTLM)) {
    struct mc_step *s = mc_step_add(r, NULL, "Sign in to MRSProxy with NTLM as %s", t->user);
    mc_step_done(r, s, MC_SKIP, "the server offers %s, not NTLM", w->stext);
    return true;
  }
  struct mc_step *s = w->auth_step = mc_step_add(r, NULL, "Sign in to MRSProxy with NTLM as %s",
                                                 t->user);
  struct mc_http_req aq;
  init_req(w, &aq, "POST", MRS_PATH, MC_HTTP_AUTH_NTLM);
  if(mc_http_perform(w->http, &aq, &w->auth_resp, 1) != MC_OK)
    return true;
  struct obs *o = &w->auth_obs;
  w->have_auth = true;
  classify(o, &w->auth_resp, t->host);
  mc_report_fact(r, "server", "%s", o->identity);
  evidence(s, &aq, &w->auth_resp, o);
  add_traffic(w, &aq, &w->auth_resp, "mrsproxy-ntlm");
  mc_step_set_duration(s, w->auth_resp.ms_total);
  w->login_ok = o->kind != K_CHALLENGE && o->kind != K_FOREIGN_BASIC &&
                o->kind != K_NO_CONNECT && !blocked_kind(o->kind);
  auth_summary(w, s, o, auth_verdict(o) != AV_SIGNED_IN ? MC_FAIL : MC_PASS);
  /* Refused after an answer went out, and Basic offered: one Basic login
   * with the same password tells Extended Protection from a wrong one. */
  w->ntlm_refused = o->kind == K_CHALLENGE && w->auth_resp.ntlm.sent;
  if(w->login_ok)
    return true;
  /* The login itself failed: judge it now, no repeats with the password. */
  if(!(w->ntlm_refused && (w->schemes & MC_HTTP_SCHEME_BASIC)) &&
     !ntlm_refusal(w, s, o, NULL))
    auth_finding(w, s, o, "NTLM");
  w->have_auth = false;
  return !blocked_kind(o->kind);
}

/* 3b. The request size MRS sends: signed in when the login worked, else
 * (no credentials given) on the unauthenticated POST; sent with step 4's
 * batch, so a healthy walk gets no extra round. */
static void plan_large(struct walk *w)
{
  if(w->t->rm.no_large_request) {
    struct mc_step *s = mc_step_add(w->r, NULL, "An MRS-sized request");
    mc_step_done(w->r, s, MC_SKIP, "--no-large-request");
  }
  else if(w->creds && w->login_ok && w->auth_obs.kind == K_SERVICE)
    large_begin(w, MC_HTTP_AUTH_NTLM, w->auth_resp.status);
  else if(!w->creds && w->nrep && w->front[1].kind == K_CHALLENGE)
    large_begin(w, MC_HTTP_AUTH_NONE, w->front[1].resp->status);
}

/* 4's Basic login, judged with the NTLM one it is compared to. */
static void judge_basic(struct walk *w, const struct mc_http_req *q, struct mc_http_resp *resp)
{
  struct mc_step *s = mc_step_add(w->r, NULL, "Sign in to MRSProxy with Basic as %s",
                                  w->t->user);
  struct obs bo;
  classify(&bo, resp, w->t->host);
  evidence(s, q, resp, &bo);
  add_traffic(w, q, resp, "mrsproxy-basic");
  mc_step_set_duration(s, resp->ms_total);
  if(!(w->schemes & MC_HTTP_SCHEME_NTLM)) {
    auth_summary(w, s, &bo, auth_verdict(&bo) != AV_SIGNED_IN ? MC_FAIL : MC_PASS);
    auth_finding(w, s, &bo, "Basic");
  }
  else if(w->ntlm_refused) {
    auth_summary(w, s, &bo, MC_INFO);
    if(!ntlm_refusal(w, w->auth_step, &w->auth_obs, &bo))
      auth_finding(w, w->auth_step, &w->auth_obs, "NTLM");
  }
  else
    /* NTLM already decided; Basic is what the hybrid table lists, shown for comparison. */
    auth_summary(w, s, &bo, MC_INFO);
}

/* 4's repeats: which servers answered, and alike. */
static void judge_repeats(struct walk *w, const struct mc_http_req *q,
                          struct mc_http_resp *resp, size_t n, bool rep_auth)
{
  struct mc_step *s = mc_step_add(w->r, NULL, "%zu new connections: which servers answer, "
                                  "and alike?", w->nrep);
  mc_step_ev(s, "method", "%s", rep_auth ? "POST mrsproxy.svc with the NTLM login, each on "
             "a new connection" : "POST mrsproxy.svc with an NTLM negotiate message (no "
             "password), each on a new connection: the challenge names the server");
  struct obs *all = mc_xcalloc(n + 1, sizeof *all);
  size_t na = 0;
  if(w->have_auth)
    all[na++] = w->auth_obs;
  for(size_t i = 0; i < n; i++) {
    classify(&all[na], &resp[i], w->t->host);
    add_traffic(w, &q[i], &resp[i], rep_auth ? "repeat-ntlm" : "repeat-negotiate");
    mc_step_ev(s, "answer", "#%zu %s port %ld: %d (%s), from %s", i + 1,
               resp[i].ip[0] ? resp[i].ip : "?", resp[i].port, resp[i].status,
               kind_text(all[na].kind), all[na].identity[0] ? all[na].identity : "(unnamed)");
    na++;
  }
  judge_backends(w, s, all, na, rep_auth, w->pre2013, w->have_auth ? &w->auth_obs : NULL,
                 w->auth_step);
  if(!rep_auth)
    negotiate_blocked(w, s, all, na);
  free(all);
}

/* 4. Basic (where offered), the repeats and the MRS-sized POST, at once.
 * Without a working login the repeats carry only an NTLM negotiate. */
static void basic_and_repeats(struct walk *w)
{
  bool basic = w->schemes & MC_HTTP_SCHEME_BASIC, ntlm = w->schemes & MC_HTTP_SCHEME_NTLM;
  bool do_basic = w->creds && basic && (w->login_ok || !ntlm || w->ntlm_refused);
  bool rep_auth = w->creds && w->login_ok;
  struct mc_buf negotiate = MC_BUF_INIT(256);
  char neg_header[300];
  const char *neg_headers[3] = { "Content-Type: application/soap+xml; charset=utf-8",
                                 neg_header, NULL };
  mc_ntlm_negotiate_b64(&negotiate);
  snprintf(neg_header, sizeof neg_header, "Authorization: NTLM %s", negotiate.ptr);
  mc_buf_release(&negotiate);
  struct mc_http_req *q = mc_xcalloc(w->nrep + 2, sizeof *q);
  struct mc_http_resp *resp = mc_xcalloc(w->nrep + 2, sizeof *resp);
  size_t nq = 0;
  if(do_basic)
    init_req(w, &q[nq++], "POST", MRS_PATH, MC_HTTP_AUTH_BASIC);
  for(size_t i = 0; i < w->nrep; i++) {
    init_req(w, &q[nq], "POST", MRS_PATH, rep_auth ? MC_HTTP_AUTH_NTLM : MC_HTTP_AUTH_NONE);
    if(!rep_auth)
      q[nq].headers = neg_headers;
    nq++;
  }
  size_t nrepq = nq;              /* Basic and the repeats; the large POST after them */
  if(w->do_large)
    q[nq++] = w->large_run.q;
  if(!nq || mc_http_perform(w->http, q, resp, nq)) {
    if(nq)
      mc_report_incomplete(w->r, "this machine's libcurl could not make the requests");
    nq = 0;
    /* Nothing more to judge it with (no Basic offered, --repeat 0): the
       NTLM login's answer is judged alone, or its cause was never named. */
    if(w->have_auth)
      auth_finding(w, w->auth_step, &w->auth_obs, "NTLM");
    goto out;
  }
  if(w->do_large) {
    w->tls_failed |= mc_large_request_finish(w->r, NULL, w->http, &w->large, &w->large_run,
                                             &resp[nrepq], &w->traffic, &w->traffic_any);
    w->do_large = false;
  }
  size_t first_rep = do_basic ? 1 : 0;
  if(do_basic)
    judge_basic(w, &q[0], &resp[0]);
  else if(w->creds && basic) {
    struct mc_step *s = mc_step_add(w->r, NULL, "Sign in to MRSProxy with Basic as %s",
                                    w->t->user);
    mc_step_done(w->r, s, MC_SKIP, "%s", w->auth_resp.ntlm.broken ? "not tried: the NTLM "
                 "login broke off before any password was sent" : "not tried after the NTLM "
                 "login was refused (spares the account a lockout)");
  }
  if(w->nrep)
    judge_repeats(w, q + first_rep, resp + first_rep, nrepq - first_rep, rep_auth);
  else if(w->have_auth)
    auth_finding(w, w->auth_step, &w->auth_obs, "NTLM");
out:
  for(size_t i = 0; i < nq; i++)
    mc_http_resp_release(&resp[i]);
  free(q);
  free(resp);
}

/* The report's header: its target, run id and notes. */
static void open_report(struct walk *w, struct mc_report *pre)
{
  const struct mc_target *t = w->t;
  char *target = mc_xasprintf("%s:%d", t->host, w->port);
  struct mc_report *r = w->r = pre ? pre : mc_report_new("remote-move", target);
  free(target);
  if(!pre)
    mc_report_new_run_id(r);
  mc_run_tag_init(&w->tag, r, NULL, true);
  mc_report_fact_names(r, t->host, t->user, t->ad.email);    /* for the fix steps */
  mc_report_note(r, "every request carries ?migcheck=%s and the User-Agent \"%s\": search "
                 "the IIS logs for it", r->run_id, w->tag.ua);
}

/* The traffic section, the TLS hunt a failed request asks for, cleanup. */
static void close_walk(struct walk *w)
{
  if(w->do_large)
    mc_buf_release(&w->large_run.body);
  mc_walk_http_end(w->r, w->t, w->addr, w->port, w->tls_failed, &w->traffic);
  for(size_t i = 0; i < w->nfront; i++)
    mc_http_resp_release(&w->front_resp[i]);
  mc_http_resp_release(&w->auth_resp);
  mc_buf_release(&w->envelope);
  mc_http_client_free(w->http);
}

struct mc_report *mc_check_remote_move(const struct mc_target *t)
{
  /* --autodiscover: the host comes from Autodiscover first (autodiscover.c). */
  struct mc_target picked = { 0 };
  struct mc_report *pre = NULL;
  if(t->ad.email) {
    pre = mc_remote_move_autodiscover(t, &picked);
    if(!picked.host)
      return pre;
    t = &picked;
  }
  struct walk *w = mc_xcalloc(1, sizeof *w);
  w->t = t;
  w->port = t->port ? t->port : 443;
  w->creds = t->user && t->password;
  w->nrep = (size_t)(t->rm.repeat < 0 ? 0 : t->rm.repeat > MAX_REPEAT ? MAX_REPEAT :
                     t->rm.repeat);
  open_report(w, pre);
  mc_buf_init(&w->envelope, 4096);
  w->http = mc_http_client_new();
  mc_buf_init(&w->traffic, 1 << 20);
  mc_buf_addch(&w->traffic, '[');
  mc_ews_mrs_envelope(&w->envelope, t->host, w->port);
  if(walk_lower(w) && front_door(w) && sign_in_ntlm(w)) {
    plan_large(w);
    basic_and_repeats(w);
  }
  close_walk(w);
  struct mc_report *r = w->r;
  free(w);
  free(picked.host);
  return r;
}
