/*
 * autodiscover.c - migcheck autodiscover: the discovery chain a client (and
 * Exchange Online's endpoint wizard) walks for an address, each attempt a
 * step with its DNS, connection, TLS and HTTP results, then the SOAP
 * GetUserSettings call the migration service makes.
 *
 * Plan ([MS-OXDSCLI] sec. 3.1.5, the Autodiscover client), for the domain D of the address:
 *   1. POST https://D/autodiscover/autodiscover.xml
 *   2. POST https://autodiscover.D/autodiscover/autodiscover.xml
 *   3. GET  http://autodiscover.D/autodiscover/autodiscover.xml, no
 *      credentials, expecting a redirect to an https URL
 *   4. SRV _autodiscover._tcp.D, then POST https://TARGET/...
 * Each POST goes first without credentials (the 401 names the schemes),
 * then with them (NTLM where offered, else Basic). A 3xx, a redirectUrl or
 * a redirectAddr (which restarts the order for the new address's domain)
 * is followed at most MAX_HOPS times and never to a place already seen.
 * 5. With the settings: POST /autodiscover/autodiscover.svc GetUserSettings
 *    for the settings the migration service asks for (sec. 5.4).
 * 6. The names handed out for use from outside are resolved.
 *
 * Safety (sec. 5.5): credentials go only over https to hosts in D (or a
 * domain named with --allow-redirect); a redirect elsewhere or to http://,
 * and a credential request over plain http, stop the walk. Nothing ever
 * walks up the domain's labels.
 *
 * Rules (from what the wire showed):
 *   no attempt answered as Autodiscover                -> AUTODISCOVER_NOT_FOUND
 *   401/403 after signing in                            -> AUTODISCOVER_AUTH_FAILED
 *   200 that is not a settings answer (XML refused, an
 *     <Error>, no protocols), or SOAP errors            -> AUTODISCOVER_BAD_RESPONSE
 *   a redirect or SRV target outside the domain, to
 *     http://, or a 401 over plain http                 -> AUTODISCOVER_UNSAFE_REDIRECT
 *   a place seen twice, or more than MAX_HOPS           -> AUTODISCOVER_REDIRECT_LOOP
 *   an external name that is internal, does not resolve,
 *     or resolves to a private address                  -> AUTODISCOVER_INTERNAL_URL
 *   no Outlook Anywhere host or auth method             -> AUTODISCOVER_NO_OA_SETTINGS
 *   no external EWS URL                                 -> CFG_EWS_EXTERNAL_URL_MISSING
 * Attempts that simply do not answer are information, not findings: most
 * domains answer on only one of the four places.
 */
#include "checks/checks.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http/http.h"
#include "proto/autodiscover.h"
#include "util/json.h"

#define MAX_HOPS 10
#define MAX_VISITS 48
#define MAX_TLS_PLACES 8
#define POX_PATH "/autodiscover/autodiscover.xml"
#define SOAP_PATH "/autodiscover/autodiscover.svc"

/* How one attempt ended. */
enum outcome {
  O_NEXT,           /* not here: try the next place (reason kept) */
  O_SETTINGS,       /* a settings answer */
  O_REDIRECT_ADDR,  /* restart for a new address */
  O_FOLLOW,         /* a redirect to follow (the URL is filled in) */
  O_STOP            /* a finding ended the walk, or nothing more can be learnt */
};

struct ad {
  struct mc_report *r;
  const struct mc_target *t;
  char domain[256];           /* the user's domain: the policy's anchor */
  char email[320];            /* the address being discovered now */
  int hops;
  char *visits[MAX_VISITS];   /* "email url" already tried */
  size_t nvisits;
  struct mc_buf reasons;      /* why each place failed, for NOT_FOUND */
  bool decisive;              /* a finding already names the problem */
  bool need_creds;            /* an Autodiscover asked for credentials we do not have */
  bool unobserved;            /* a place could not be looked at (DNS did not answer) */
  struct mc_run_tag tag;
  struct mc_http_client *http;  /* one trust store for the walk */
  struct mc_buf traffic;
  bool traffic_any;
  /* The winning answer. */
  struct mc_ad_pox pox;
  bool have_pox;
  char url[1400];             /* where it came from */
  struct mc_ad_url where;
  enum mc_http_auth auth;
  char addr[64];
  /* Certificates: hosts whose TLS handshake failed (judged at the end when
   * nothing was found), and hosts already looked at (once each). */
  struct tls_place { char host[256]; int port; char addr[64]; } tls_failed[MAX_TLS_PLACES];
  size_t ntls_failed;
  char tls_seen[MAX_TLS_PLACES][300];
  size_t ntls_seen;
};

static int mapped_port(const struct mc_target *t, int port)
{
  for(size_t i = 0; i < t->ad.nport_map; i++) {
    if(t->ad.port_map[i][0] == port)
      return t->ad.port_map[i][1];
  }
  return port;
}

static void reason(struct ad *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void reason(struct ad *a, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  if(a->reasons.len)
    mc_buf_addstr(&a->reasons, "; ");
  mc_buf_vprintf(&a->reasons, fmt, ap);
  va_end(ap);
}

static void add_traffic(struct ad *a, const struct mc_http_req *q,
                        const struct mc_http_resp *resp, const char *purpose)
{
  mc_http_traffic_add(&a->traffic, &a->traffic_any, q, resp, purpose);
}

/* Evidence of one exchange: what was sent, each status line, the headers
 * that say who answered or where to go, the start of a body that is not
 * the XML (which the parse step shows). */
static void http_evidence(struct mc_step *s, const struct mc_http_req *q,
                          const struct mc_http_resp *resp)
{
  static const char *const shown[] = {
    "Server", "X-FEServer", "X-OWA-Version", "Location", "Content-Type", NULL
  };
  mc_step_ev(s, "request", "%s %s (%s)", q->method, resp->url,
             q->auth == MC_HTTP_AUTH_NTLM ? "NTLM login" :
             q->auth == MC_HTTP_AUTH_BASIC ? "Basic login" : "no credentials");
  if(resp->ntlm.used) {
    char text[600];
    mc_step_ev(s, "NTLM login", "%s", mc_http_ntlm_describe(&resp->ntlm, text, sizeof text));
  }
  if(resp->ip[0] && resp->error == MC_HTTP_ERR_TLS)
    mc_step_ev(s, "connection", "%s port %ld: connected in %lld ms, then TLS failed",
               resp->ip, resp->port, (long long)resp->ms_connect);
  else if(resp->ip[0])
    mc_step_ev(s, "connection", "%s port %ld: connected in %lld ms%s, answered in %lld ms",
               resp->ip, resp->port, (long long)resp->ms_connect,
               q->plain ? "" : q->insecure ? ", TLS not verified (--insecure)" :
               ", TLS verified", (long long)resp->ms_total);
  for(size_t i = 0; i < resp->nmsgs; i++) {
    const struct mc_http_msg *m = &resp->msgs[i];
    mc_step_ev(s, "status", "%s", m->status_line);
    for(size_t k = 0; k < m->nh; k++) {
      if(strcasecmp(m->h[k].name, "WWW-Authenticate") == 0)
        mc_step_ev(s, "WWW-Authenticate", "%.60s%s", m->h[k].value,
                   strlen(m->h[k].value) > 60 ? "..." : "");
    }
  }
  if(resp->final) {
    for(int k = 0; shown[k]; k++) {
      const char *v = mc_http_header(resp->final, shown[k]);
      if(v)
        mc_step_ev(s, shown[k], "%s", v);
    }
  }
  if(resp->error)
    mc_step_ev(s, "error", "%s: %s", mc_http_error_name(resp->error), resp->error_text);
  if(resp->final && resp->status != 200 && resp->body.len) {
    char *b = mc_printable(resp->body.ptr, resp->body.len, 200);
    mc_step_ev(s, "body", "%s", b);
    free(b);
  }
}

/* The TLS walk (lib/checks/tls.c) for host at addr:port, once per place:
 * what a strict client thinks of its certificate, with the TLS_* causes
 * (warnings with --insecure). */
static void tls_look(struct ad *a, struct mc_step *parent, const char *host, int port,
                     const char *addr)
{
  char key[300];
  snprintf(key, sizeof key, "%s:%d", host, port);
  for(size_t i = 0; i < a->ntls_seen; i++) {
    if(strcasecmp(a->tls_seen[i], key) == 0)
      return;
  }
  if(a->ntls_seen == MAX_TLS_PLACES)
    return;
  mc_strlcpy(a->tls_seen[a->ntls_seen++], key, sizeof a->tls_seen[0]);
  struct mc_addr ma;
  if(!mc_addr_parse(addr, port, &ma))
    return;
  struct mc_target tt = *a->t;
  tt.host = (char *)host;
  tt.sni = NULL;
  tt.port = port;
  mc_walk_tls(a->r, parent, &tt, &ma, port);
}

/* Remembers a place whose handshake failed: when no place gives settings,
 * its TLS_* cause is the answer, not AUTODISCOVER_NOT_FOUND. */
static void note_tls_failure(struct ad *a, const char *host, int port, const char *addr)
{
  if(a->ntls_failed == MAX_TLS_PLACES)
    return;
  struct tls_place *p = &a->tls_failed[a->ntls_failed++];
  mc_strlcpy(p->host, host, sizeof p->host);
  p->port = port;
  mc_strlcpy(p->addr, addr, sizeof p->addr);
}

static void init_req(struct ad *a, struct mc_http_req *q, const char *method,
                     const struct mc_ad_url *u, const char *path, const char *addr)
{
  mc_target_req(a->t, &a->tag, addr, mapped_port(a->t, u->port), method, path,
                MC_HTTP_AUTH_NONE, q);
  q->host = u->host;
  q->plain = strcmp(u->scheme, "http") == 0;
  q->body_keep = MC_AD_XML_MAX;   /* what the XML parser accepts (POX and SOAP) */
}

#define AD_REPEAT 6

static bool server_fault(const struct mc_http_resp *resp)
{
  return resp->status >= 500 || resp->status == 403;
}

static bool ad_good(const struct mc_http_resp *resp)
{
  return resp->error == MC_HTTP_OK && !server_fault(resp);
}

/* Performs q into resp and records it on s (evidence, traffic, time).
 * False when libcurl could not even be set up (s and the report say so;
 * resp is then empty). */
static bool perform(struct ad *a, struct mc_step *s, const struct mc_http_req *q,
                    struct mc_http_resp *resp, const char *purpose)
{
  if(mc_http_perform(a->http, q, resp, 1)) {
    memset(resp, 0, sizeof *resp);
    mc_step_done(a->r, s, MC_UNKNOWN, "libcurl could not be set up");
    mc_report_incomplete(a->r, "this machine's libcurl could not make the requests");
    return false;
  }
  http_evidence(s, q, resp);
  add_traffic(a, q, resp, purpose);
  mc_step_set_duration(s, resp->ms_total);
  /* Before a 403 or 5xx is blamed on the one server it came from: the same
   * request on new connections, grouped by server (the pool ranks first). */
  if(resp->error == MC_HTTP_OK && server_fault(resp))
    mc_backends_recheck(a->r, s, a->http, q, resp, AD_REPEAT, ad_good);
  if(resp->error == MC_HTTP_ERR_TOO_BIG) {
    mc_step_find(a->r, s, MC_CAUSE_HTTP_RESPONSE_HEADER_TOO_LARGE, "%s: the answer's headers are too "
                 "large to read (%s)", resp->url, resp->error_text);
    a->decisive = true;
  }
  return true;
}

/* Resolves u's host as its own step. False (with the reason kept) when it
 * has no address. */
static bool resolve_step(struct ad *a, struct mc_step *parent, const struct mc_ad_url *u,
                         char *addr, size_t addrlen)
{
  struct mc_step *s = mc_step_add(a->r, parent, "Resolve %s", u->host);
  struct mc_dns_result d;
  mc_resolve(&a->t->net, u->host, mapped_port(a->t, u->port), &d);
  mc_step_set_duration(s, d.ms);
  if(d.naddrs) {
    mc_step_ev(s, "source", "%s", d.detail);
    mc_step_ev(s, "address", "%s%s", d.addrs[0].text, d.naddrs > 1 ? " (first of several)" :
               "");
    mc_step_done(a->r, s, MC_PASS, "%s", d.addrs[0].text);
    /* Every address of the host, the way Exchange Online meets it. */
    struct mc_target ht = *a->t;
    ht.host = (char *)u->host;
    bool https = strcmp(u->scheme, "https") == 0;
    const struct mc_front_probe fp = { "GET", "/autodiscover/autodiscover.xml", NULL,
                                       a->tag.ua };
    size_t pick = mc_walk_every_address(a->r, parent, &ht, mapped_port(a->t, u->port), &d,
                                        https, &fp);
    mc_strlcpy(addr, d.addrs[pick].text, addrlen);
    return true;
  }
  mc_step_ev(s, "answer", "%s: %s", mc_dns_outcome_name(d.outcome), d.detail);
  bool absent = d.outcome == MC_DNS_NXDOMAIN || d.outcome == MC_DNS_NODATA;
  a->unobserved = a->unobserved || !absent;
  mc_step_done(a->r, s, absent ? MC_INFO : MC_UNKNOWN, "%s", mc_dns_outcome_name(d.outcome));
  reason(a, "%s: %s", u->host, mc_dns_outcome_name(d.outcome));
  return false;
}

static bool visited(struct ad *a, struct mc_step *s, const char *url)
{
  char *key = mc_xasprintf("%s %s", a->email, url);
  for(size_t i = 0; i < a->nvisits; i++) {
    if(strcasecmp(a->visits[i], key) == 0) {
      free(key);
      mc_step_find(a->r, s, MC_CAUSE_AUTODISCOVER_REDIRECT_LOOP, "the chain came back to %s for %s "
                   "after %d redirect%s", url, a->email, a->hops, a->hops == 1 ? "" : "s");
      a->decisive = true;
      return true;
    }
  }
  if(a->nvisits < MAX_VISITS)
    a->visits[a->nvisits++] = key;
  else
    free(key);
  return false;
}

/* Counts one redirect; false (with the finding) past the limit. */
static bool hop(struct ad *a, struct mc_step *s, const char *to)
{
  if(++a->hops <= MAX_HOPS)
    return true;
  mc_step_find(a->r, s, MC_CAUSE_AUTODISCOVER_REDIRECT_LOOP, "more than %d redirects; the last "
               "one pointed to %s", MAX_HOPS, to);
  a->decisive = true;
  return false;
}

/* The policy's verdict on a redirect target, as a finding when unsafe.
 * True when it may be followed. */
static bool policy_ok(struct ad *a, struct mc_step *s, enum mc_ad_policy p, const char *what,
                      const char *to)
{
  if(p == MC_AD_SAFE)
    return true;
  if(p == MC_AD_ALLOWED) {
    mc_step_ev(s, "policy", "%s %s is outside %s but allowed with --allow-redirect", what, to,
               a->domain);
    return true;
  }
  if(p == MC_AD_BAD_URL) {
    mc_step_find(a->r, s, MC_CAUSE_AUTODISCOVER_BAD_RESPONSE, "%s '%s' is not a usable target", what,
                 to);
    a->decisive = true;
    return false;
  }
  mc_step_find(a->r, s, MC_CAUSE_AUTODISCOVER_UNSAFE_REDIRECT, "%s %s: %s; not followed, no "
               "credentials sent (name the domain with --allow-redirect if it is yours)", what,
               to, mc_ad_policy_text(p));
  a->decisive = true;
  return false;
}

/* An HTTP redirect to loc: O_FOLLOW (next filled) when the policy and the
 * hop limit allow it, else O_STOP with the finding. Closes step s. */
static enum outcome follow_location(struct ad *a, struct mc_step *s, int status,
                                    const char *loc, struct mc_ad_url *next)
{
  enum mc_ad_policy p = mc_ad_redirect_policy(loc, a->domain,
                                              (const char *const *)a->t->ad.allow_redirect,
                                              a->t->ad.nallow_redirect, next);
  if(policy_ok(a, s, p, "the HTTP redirect to", loc) && hop(a, s, loc)) {
    mc_step_done(a->r, s, MC_PASS, "%d: redirects to %s", status, loc);
    return O_FOLLOW;
  }
  mc_step_done(a->r, s, MC_FAIL, "%d: the redirect to %s is not followed", status, loc);
  return O_STOP;
}

static const char *scheme_name(enum mc_http_auth au)
{
  return au == MC_HTTP_AUTH_NTLM ? "NTLM" : au == MC_HTTP_AUTH_BASIC ? "Basic" : "none";
}

/* Namespaces compare without their scheme: the documentation shows
 * https:// where the wire has http:// (RFC 7230 sec. 5.4: the Host header). */
static bool same_ns(const char *x, const char *y)
{
  x += strncasecmp(x, "https://", 8) == 0 ? 8 : strncasecmp(x, "http://", 7) == 0 ? 7 : 0;
  y += strncasecmp(y, "https://", 8) == 0 ? 8 : strncasecmp(y, "http://", 7) == 0 ? 7 : 0;
  return strcasecmp(x, y) == 0;
}

/* "scheme://host[:port]path" of u. */
static const char *url_text(const struct mc_ad_url *u, const char *path, char *out,
                            size_t outlen)
{
  char port[16] = "";
  if(u->explicit_port)
    snprintf(port, sizeof port, ":%d", u->port);
  snprintf(out, outlen, "%s://%s%s%s", u->scheme, u->host, port, path ? path : u->path);
  return out;
}

/* Reads a 200 POX answer. */
static enum outcome judge_pox(struct ad *a, struct mc_step *s, const struct mc_http_resp *resp,
                              struct mc_ad_url *next_url, char *next_email, size_t next_len)
{
  char err[256];
  struct mc_ad_pox x;
  if(resp->body_total > resp->body.len)
    mc_step_ev(s, "body", "%zu bytes, of which the first %zu were kept", resp->body_total,
               resp->body.len);
  if(mc_ad_pox_parse(resp->body.ptr ? resp->body.ptr : "", resp->body.len, &x, err,
                     sizeof err)) {
    char *b = mc_printable(resp->body.ptr ? resp->body.ptr : "", resp->body.len, 160);
    mc_step_ev(s, "body", "%s", b);
    mc_step_find(a->r, s, MC_CAUSE_AUTODISCOVER_BAD_RESPONSE, "%s answered 200 but the body is not "
                 "an Autodiscover answer: %s", resp->url, err);
    free(b);
    a->decisive = true;
    reason(a, "%s: unusable answer", resp->url);
    return O_NEXT;
  }
  if(x.response_ns && !same_ns(x.response_ns, mc_ad_pox_response_schema))
    mc_step_ev(s, "schema", "the answer uses %s, not %s", x.response_ns,
               mc_ad_pox_response_schema);
  if(x.error) {
    mc_step_find(a->r, s, MC_CAUSE_AUTODISCOVER_BAD_RESPONSE, "%s answered with an Autodiscover "
                 "error: ErrorCode %s, \"%s\"", resp->url, x.error_code ? x.error_code : "?",
                 x.error_message ? x.error_message : "");
    a->decisive = true;
    reason(a, "%s: Autodiscover error %s", resp->url, x.error_code ? x.error_code : "?");
    mc_ad_pox_release(&x);
    return O_NEXT;
  }
  const char *action = x.action ? x.action : "";
  mc_step_ev(s, "Action", "%s", x.action ? x.action : "(none)");
  enum outcome o = O_STOP;
  if(strcasecmp(action, "redirectAddr") == 0 && x.redirect_addr) {
    mc_step_ev(s, "RedirectAddr", "%s", x.redirect_addr);
    enum mc_ad_policy p = mc_ad_address_policy(x.redirect_addr, a->domain,
                                               (const char *const *)a->t->ad.allow_redirect,
                                               a->t->ad.nallow_redirect);
    if(policy_ok(a, s, p, "redirectAddr to", x.redirect_addr) && hop(a, s, x.redirect_addr)) {
      mc_strlcpy(next_email, x.redirect_addr, next_len);
      o = O_REDIRECT_ADDR;
    }
  }
  else if(strcasecmp(action, "redirectUrl") == 0 && x.redirect_url) {
    mc_step_ev(s, "RedirectUrl", "%s", x.redirect_url);
    enum mc_ad_policy p = mc_ad_redirect_policy(x.redirect_url, a->domain,
                                                (const char *const *)a->t->ad.allow_redirect,
                                                a->t->ad.nallow_redirect, next_url);
    if(policy_ok(a, s, p, "redirectUrl to", x.redirect_url) && hop(a, s, x.redirect_url))
      o = O_FOLLOW;
  }
  else if(x.nproto) {
    o = O_SETTINGS;
    a->pox = x;
    a->have_pox = true;
    return o;
  }
  else {
    mc_step_find(a->r, s, MC_CAUSE_AUTODISCOVER_BAD_RESPONSE, "%s answered 200 with Action '%s' and "
                 "no protocol settings", resp->url, action);
    a->decisive = true;
    reason(a, "%s: no settings", resp->url);
    o = O_NEXT;
  }
  mc_ad_pox_release(&x);
  return o;
}

/* post_pox's login after a 401 (NTLM where offered, else Basic; after a
 * refused NTLM login one Basic login tells Extended Protection from a wrong
 * password); *s becomes the login's step and *resp its answer. -1 when
 * libcurl could not send it, 1 when a finding ended the walk, 0 to judge
 * *resp as usual. */
static int pox_login(struct ad *a, struct mc_step *parent, const struct mc_ad_url *u,
                     struct mc_http_req *q, struct mc_http_resp *resp, struct mc_step **s)
{
  char realm[128];
  unsigned schemes = mc_http_auth_schemes(resp->final, realm, sizeof realm);
  enum mc_http_auth au = schemes & MC_HTTP_SCHEME_NTLM ? MC_HTTP_AUTH_NTLM :
                         schemes & MC_HTTP_SCHEME_BASIC ? MC_HTTP_AUTH_BASIC :
                         MC_HTTP_AUTH_NONE;
  if(au == MC_HTTP_AUTH_NONE) {
    char text[96];
    mc_step_done(a->r, *s, MC_UNKNOWN, "asks for %s, which migcheck cannot sign in with",
                 mc_http_schemes_text(schemes, text, sizeof text));
    mc_report_incomplete(a->r, "%s offers no NTLM or Basic sign-in", resp->url);
    return 1;
  }
  mc_step_done(a->r, *s, MC_PASS, "401: asks for credentials (an Autodiscover service)");
  mc_http_resp_release(resp);
  *s = mc_step_add(a->r, parent, "POST %s://%s%s with %s as %s", u->scheme, u->host, u->path,
                   scheme_name(au), a->t->user);
  mc_target_login(a->t, au, q);
  if(!perform(a, *s, q, resp, "pox-login"))
    return -1;
  a->auth = au;
  if(resp->ntlm.broken) {
    mc_step_find(a->r, *s, MC_CAUSE_AUTH_NTLM_CHALLENGE_BROKEN, "%s sent an NTLM challenge that "
                 "cannot be answered (%s); no answer and no password were sent", resp->url,
                 resp->ntlm.broken_why);
    a->decisive = true;
    return 1;
  }
  if(resp->status == 401 && resp->ntlm.sent && (schemes & MC_HTTP_SCHEME_BASIC)) {
    /* One Basic login with the same password tells Extended Protection
     * from a wrong password. */
    struct mc_step *bs = mc_step_add(a->r, parent, "POST %s://%s%s with Basic as %s",
                                     u->scheme, u->host, u->path, a->t->user);
    struct mc_http_resp bresp;
    q->auth = MC_HTTP_AUTH_BASIC;
    if(!perform(a, bs, q, &bresp, "pox-basic"))
      return -1;
    bool basic_in = bresp.status != 401 && bresp.status != 403 && bresp.status != 0;
    mc_step_done(a->r, bs, MC_INFO, "%d: %s", bresp.status, basic_in ? "signed in" :
                 "refused too");
    if(basic_in) {
      mc_step_find(a->r, *s, MC_CAUSE_AUTH_EXTENDED_PROTECTION, "%s refused the NTLM login (%s) "
                   "while Basic with the same password signed in: the password is right "
                   "and the NTLM path fails (Extended Protection: %s)", resp->url,
                   resp->ntlm.cbt ? "with a channel binding" : "without a channel binding",
                   resp->ntlm.cbt_off ? "this run sent no binding on purpose" : "a device "
                   "in front terminates TLS, so the certificate seen here is not the one "
                   "IIS binds");
      mc_http_resp_release(resp);
      *resp = bresp;
      a->auth = MC_HTTP_AUTH_BASIC;
    }
    else
      mc_http_resp_release(&bresp);
  }
  if(resp->status == 401 || resp->status == 403) {
    mc_step_find(a->r, *s, MC_CAUSE_AUTODISCOVER_AUTH_FAILED, "%s refused %s after the %s login "
                 "(%d)", resp->url, a->t->user, scheme_name(au), resp->status);
    a->decisive = true;
    return 1;                 /* no more tries with this password: spares a lockout */
  }
  return 0;
}

/* One POX POST to u (after the host resolved): without credentials, then
 * with them when asked. Fills next_url on a redirect to follow. */
static enum outcome post_pox(struct ad *a, struct mc_step *parent, const struct mc_ad_url *u,
                             const char *addr, struct mc_ad_url *next_url, char *next_email,
                             size_t next_len)
{
  struct mc_buf body = MC_BUF_INIT(8192);
  mc_ad_pox_request(&body, a->email);
  static const char *const hdrs[] = { "Content-Type: text/xml; charset=utf-8", NULL };
  struct mc_http_req q;
  struct mc_http_resp resp;
  init_req(a, &q, "POST", u, u->path, addr);
  q.headers = hdrs;
  q.body = body.ptr;
  q.body_len = body.len;
  enum outcome o = O_NEXT;
  struct mc_step *s = mc_step_add(a->r, parent, "POST %s://%s%s", u->scheme, u->host, u->path);
  if(!perform(a, s, &q, &resp, "pox")) {
    mc_buf_release(&body);
    return O_STOP;
  }
  if(resp.error == MC_HTTP_ERR_TLS)
    note_tls_failure(a, u->host, q.port, addr);
  else if(a->t->insecure && !q.plain && (resp.status == 401 || resp.status == 200))
    tls_look(a, parent, u->host, q.port, addr);   /* it would get the credentials */
  if(resp.status == 401 && a->t->user && a->t->password) {
    int lr = pox_login(a, parent, u, &q, &resp, &s);
    if(lr < 0) {
      mc_buf_release(&body);
      return O_STOP;
    }
    if(lr > 0) {
      o = O_STOP;
      goto out;
    }
  }
  else if(resp.status == 401) {
    char realm[128], text[96];
    unsigned schemes = mc_http_auth_schemes(resp.final, realm, sizeof realm);
    mc_step_done(a->r, s, MC_PASS, "401: an Autodiscover service asks for credentials (%s)",
                 mc_http_schemes_text(schemes, text, sizeof text));
    a->need_creds = true;
    o = O_STOP;
    goto out;
  }
  if(resp.error) {
    mc_step_done(a->r, s, MC_INFO, "no answer: %s", mc_http_error_name(resp.error));
    reason(a, "%s: %s", resp.url, resp.error_text[0] ? resp.error_text :
           mc_http_error_name(resp.error));
    goto out;
  }
  if(resp.status >= 300 && resp.status < 400) {
    const char *loc = mc_http_header(resp.final, "Location");
    if(!loc) {
      mc_step_done(a->r, s, MC_INFO, "%d without a Location", resp.status);
      reason(a, "%s: %d without a Location", resp.url, resp.status);
      goto out;
    }
    o = follow_location(a, s, resp.status, loc, next_url);
    goto out;
  }
  if(resp.status != 200) {
    mc_step_done(a->r, s, MC_INFO, "%s: not an Autodiscover answer",
                 resp.final ? resp.final->status_line : "no answer");
    reason(a, "%s: %s", resp.url, resp.final ? resp.final->status_line : "no answer");
    goto out;
  }
  o = judge_pox(a, s, &resp, next_url, next_email, next_len);
  if(o == O_SETTINGS) {
    url_text(u, NULL, a->url, sizeof a->url);
    a->where = *u;
    mc_strlcpy(a->addr, addr, sizeof a->addr);
    mc_step_done(a->r, s, MC_PASS, "settings for %s (%zu protocol section%s)", a->email,
                 a->pox.nproto, a->pox.nproto == 1 ? "" : "s");
  }
  else if(o == O_FOLLOW)
    mc_step_done(a->r, s, MC_PASS, "redirectUrl to %s://%s%s", next_url->scheme,
                 next_url->host, next_url->path);
  else if(o == O_REDIRECT_ADDR)
    mc_step_done(a->r, s, MC_PASS, "redirectAddr to %s", next_email);
  else if(s->status < MC_WARN)
    mc_step_done(a->r, s, MC_INFO, "not used");
  else if(!s->summary)
    mc_step_done(a->r, s, s->status, "%d: not usable", resp.status);
out:
  mc_http_resp_release(&resp);
  mc_buf_release(&body);
  return o;
}

/* Tries u and follows the redirects it leads to. */
static enum outcome try_url(struct ad *a, struct mc_step *parent, struct mc_ad_url u,
                            char *next_email, size_t next_len)
{
  for(;;) {
    char url[1400];
    url_text(&u, NULL, url, sizeof url);
    if(visited(a, parent, url))
      return O_STOP;
    char addr[64];
    if(!resolve_step(a, parent, &u, addr, sizeof addr))
      return O_NEXT;
    struct mc_ad_url next;
    enum outcome o = post_pox(a, parent, &u, addr, &next, next_email, next_len);
    if(o != O_FOLLOW)
      return o;
    u = next;
  }
}

/* Step 3: the unauthenticated GET on http://autodiscover.D. */
static enum outcome try_http_redirect(struct ad *a, struct mc_step *parent,
                                      const struct mc_ad_url *u, struct mc_ad_url *next)
{
  char addr[64];
  if(!resolve_step(a, parent, u, addr, sizeof addr))
    return O_NEXT;
  struct mc_http_req q;
  struct mc_http_resp resp;
  init_req(a, &q, "GET", u, u->path, addr);
  struct mc_step *s = mc_step_add(a->r, parent, "GET http://%s%s (no credentials)", u->host,
                                  u->path);
  if(!perform(a, s, &q, &resp, "http-redirect"))
    return O_STOP;
  enum outcome o = O_NEXT;
  const char *loc = resp.final ? mc_http_header(resp.final, "Location") : NULL;
  if(resp.error) {
    mc_step_done(a->r, s, MC_INFO, "no answer: %s", mc_http_error_name(resp.error));
    reason(a, "%s: %s", resp.url, resp.error_text[0] ? resp.error_text :
           mc_http_error_name(resp.error));
  }
  else if(resp.status == 401) {
    mc_step_find(a->r, s, MC_CAUSE_AUTODISCOVER_UNSAFE_REDIRECT, "%s asks for credentials over "
                 "plain HTTP; none sent", resp.url);
    mc_step_done(a->r, s, MC_FAIL, "401 over plain HTTP: no credentials sent");
    a->decisive = true;
    o = O_STOP;
  }
  else if(resp.status >= 300 && resp.status < 400 && loc)
    o = follow_location(a, s, resp.status, loc, next);
  else {
    mc_step_done(a->r, s, MC_INFO, "%s: not a redirect", resp.final ?
                 resp.final->status_line : "no answer");
    reason(a, "%s: %s, not a redirect", resp.url, resp.final ? resp.final->status_line : "?");
  }
  mc_http_resp_release(&resp);
  return o;
}

/* Step 4: the SRV record. Fills u with the target's URL. */
static bool srv_lookup(struct ad *a, struct mc_step *parent, const char *domain,
                       struct mc_ad_url *u)
{
  char name[300];
  snprintf(name, sizeof name, "_autodiscover._tcp.%s", domain);
  struct mc_step *s = mc_step_add(a->r, parent, "Look up SRV %s", name);
  struct mc_srv_result srv;
  mc_resolve_srv(&a->t->net, name, &srv);
  mc_step_set_duration(s, srv.ms);
  if(srv.outcome != MC_DNS_OK) {
    bool absent = srv.outcome == MC_DNS_NXDOMAIN || srv.outcome == MC_DNS_NODATA;
    a->unobserved = a->unobserved || !absent;
    mc_step_ev(s, "answer", "%s: %s", mc_dns_outcome_name(srv.outcome), srv.detail);
    mc_step_done(a->r, s, absent ? MC_INFO : MC_UNKNOWN, "%s",
                 mc_dns_outcome_name(srv.outcome));
    reason(a, "SRV %s: %s", name, mc_dns_outcome_name(srv.outcome));
    return false;
  }
  for(size_t i = 0; i < srv.n; i++)
    mc_step_ev(s, "record", "priority %d weight %d port %d %s", srv.t[i].priority,
               srv.t[i].weight, srv.t[i].port, srv.t[i].host);
  char url[600];
  snprintf(url, sizeof url, "https://%s:%d%s", srv.t[0].host, srv.t[0].port, POX_PATH);
  enum mc_ad_policy p = mc_ad_redirect_policy(url, a->domain,
                                              (const char *const *)a->t->ad.allow_redirect,
                                              a->t->ad.nallow_redirect, u);
  if(!policy_ok(a, s, p, "the SRV target", srv.t[0].host)) {
    mc_step_done(a->r, s, MC_FAIL, "%s port %d: not followed", srv.t[0].host, srv.t[0].port);
    return false;
  }
  u->explicit_port = u->port != 443;
  mc_step_done(a->r, s, MC_PASS, "%s port %d", srv.t[0].host, srv.t[0].port);
  return true;
}

/* Closes one numbered attempt of the discovery order. */
static void attempt_done(struct ad *a, struct mc_step *s, enum outcome o)
{
  static const char *const text[] = {
    [O_NEXT] = "nothing here", [O_SETTINGS] = "settings found",
    [O_REDIRECT_ADDR] = "redirected to another address", [O_FOLLOW] = "redirected",
    [O_STOP] = "the walk stops here"
  };
  bool good = o == O_SETTINGS || o == O_REDIRECT_ADDR || (o == O_STOP && a->need_creds);
  mc_step_done(a->r, s, good ? MC_PASS : MC_INFO, "%s", text[o]);
}

/* The discovery order for the current address. */
static enum outcome discover(struct ad *a, struct mc_step *top, char *next_email,
                             size_t next_len)
{
  char domain[256];
  if(!mc_ad_email_domain(a->email, domain, sizeof domain)) {
    mc_step_find(a->r, top, MC_CAUSE_AUTODISCOVER_BAD_RESPONSE, "'%s' is not an address to "
                 "discover", a->email);
    a->decisive = true;
    return O_STOP;
  }
  char buf[600];
  struct mc_ad_url u;
  const char *hosts[2] = { domain, NULL };
  char ad_host[300];
  snprintf(ad_host, sizeof ad_host, "autodiscover.%s", domain);
  hosts[1] = ad_host;
  for(int i = 0; i < 2; i++) {
    struct mc_step *s = mc_step_add(a->r, top, "%d. https://%s%s", i + 1, hosts[i], POX_PATH);
    snprintf(buf, sizeof buf, "https://%s%s", hosts[i], POX_PATH);
    mc_ad_url_parse(buf, &u);
    enum outcome o = try_url(a, s, u, next_email, next_len);
    attempt_done(a, s, o);
    if(o != O_NEXT)
      return o;
  }
  struct mc_step *s = mc_step_add(a->r, top, "3. http://%s%s (redirect only)", ad_host,
                                  POX_PATH);
  snprintf(buf, sizeof buf, "http://%s%s", ad_host, POX_PATH);
  mc_ad_url_parse(buf, &u);
  struct mc_ad_url next;
  enum outcome o = O_NEXT;
  char key[700];
  snprintf(key, sizeof key, "http://%s%s", ad_host, POX_PATH);
  if(!visited(a, s, key)) {
    o = try_http_redirect(a, s, &u, &next);
    if(o == O_FOLLOW)
      o = try_url(a, s, next, next_email, next_len);
  }
  else
    o = O_STOP;
  attempt_done(a, s, o);
  if(o != O_NEXT)
    return o;
  s = mc_step_add(a->r, top, "4. SRV _autodiscover._tcp.%s", domain);
  if(srv_lookup(a, s, domain, &u))
    o = try_url(a, s, u, next_email, next_len);
  else
    o = a->decisive ? O_STOP : O_NEXT;
  attempt_done(a, s, o);
  return o;
}

static char *dupe(const char *s)
{
  return s && *s ? mc_xstrdup(s) : NULL;
}

static char *url_host(const char *url)
{
  struct mc_ad_url u;
  return url && mc_ad_url_parse(url, &u) == MC_OK ? mc_xstrdup(u.host) : NULL;
}

/* GetUserSettings' values as evidence on s, kept in f (UserDN, the RPC
 * server, the Outlook Anywhere host and auth, the EWS URL); the ones the
 * migration service needs and did not get are findings. */
static void soap_settings(struct ad *a, struct mc_step *s, const struct mc_ad_soap *x,
                          struct mc_ad_found *f)
{
  for(int i = 0; mc_ad_migration_settings[i]; i++) {
    const char *v = mc_ad_soap_setting(x, mc_ad_migration_settings[i]);
    mc_step_ev(s, mc_ad_migration_settings[i], "%s", v ? v : "(empty)");
  }
  if(x->setting_errors)
    mc_step_ev(s, "setting errors", "%s", x->setting_errors);
  const char *dn = mc_ad_soap_setting(x, "UserDN");
  const char *rpc = mc_ad_soap_setting(x, "InternalRpcClientServer");
  const char *mbx = mc_ad_soap_setting(x, "InternalMailboxServer");
  if(!dn || (!rpc && !mbx))
    mc_step_find(a->r, s, MC_CAUSE_AUTODISCOVER_BAD_RESPONSE, "GetUserSettings left %s empty; "
                 "the migration service needs every value (else "
                 "MigrationAutodiscoverConfigurationFailure)", !dn ? "UserDN" :
                 "InternalRpcClientServer and InternalMailboxServer");
  free(f->user_dn);
  f->user_dn = dupe(dn);
  if(rpc || mbx) {
    free(f->exch_server);
    f->exch_server = mc_xstrdup(rpc ? rpc : mbx);
  }
  const char *oa = mc_ad_soap_setting(x, "ExternalMailboxServer");
  const char *oa_auth = mc_ad_soap_setting(x, "ExternalMailboxServerAuthenticationMethods");
  if(oa) {
    free(f->oa_host);
    free(f->oa_host_source);
    f->oa_host = mc_xstrdup(oa);
    f->oa_host_source = mc_xstrdup("ExternalMailboxServer (GetUserSettings)");
  }
  if(oa_auth) {
    free(f->oa_auth);
    f->oa_auth = mc_xstrdup(oa_auth);
  }
  if(!oa || !oa_auth)
    mc_step_find(a->r, s, MC_CAUSE_AUTODISCOVER_NO_OA_SETTINGS, "GetUserSettings for %s returned "
                 "no %s%s%s: Autodiscover-based endpoint creation fails without it",
                 a->email, !oa ? "ExternalMailboxServer" : "",
                 !oa && !oa_auth ? " and no " : "",
                 !oa_auth ? "ExternalMailboxServerAuthenticationMethods" : "");
  const char *ews = mc_ad_soap_setting(x, "ExternalEwsUrl");
  if(ews) {
    free(f->ews_url);
    free(f->ews_host);
    f->ews_url = mc_xstrdup(ews);
    f->ews_host = url_host(ews);
  }
}

/* Step 5: GetUserSettings, as the migration service asks. */
static void soap_step(struct ad *a, struct mc_step *parent, struct mc_ad_found *f)
{
  struct mc_step *s = mc_step_add(a->r, parent, "GetUserSettings on %s%s (as the migration "
                                  "service asks)", a->where.host, SOAP_PATH);
  if(!a->t->user || !a->t->password || a->auth == MC_HTTP_AUTH_NONE) {
    mc_step_done(a->r, s, MC_SKIP, "needs the login that the POX answer was read with");
    return;
  }
  char url[1400];
  url_text(&a->where, SOAP_PATH, url, sizeof url);
  struct mc_buf body = MC_BUF_INIT(16384);
  mc_ad_soap_request(&body, url, a->email);
  static const char *const hdrs[] = { "Content-Type: text/xml; charset=utf-8", NULL };
  struct mc_http_req q;
  struct mc_http_resp resp;
  init_req(a, &q, "POST", &a->where, SOAP_PATH, a->addr);
  q.headers = hdrs;
  q.body = body.ptr;
  q.body_len = body.len;
  mc_target_login(a->t, a->auth, &q);
  if(!perform(a, s, &q, &resp, "soap-getusersettings")) {
    mc_buf_release(&body);
    return;
  }
  struct mc_ad_soap x;
  char err[256];
  bool parsed = false;
  if(resp.error || resp.status != 200) {
    mc_step_find_sev(a->r, s, MC_CAUSE_AUTODISCOVER_BAD_RESPONSE, MC_WARN, "%s answered %s: the "
                     "migration service's GetUserSettings call would fail there", resp.url,
                     resp.error ? resp.error_text : resp.final->status_line);
    mc_step_done(a->r, s, MC_WARN, "no settings");
  }
  else if(mc_ad_soap_parse(resp.body.ptr ? resp.body.ptr : "", resp.body.len, &x, err,
                           sizeof err)) {
    mc_step_find_sev(a->r, s, MC_CAUSE_AUTODISCOVER_BAD_RESPONSE, MC_WARN, "%s: the SOAP answer is "
                     "not usable: %s", resp.url, err);
  }
  else {
    parsed = true;
    const char *code = x.fault ? "SOAP fault" : x.error_code ? x.error_code : "?";
    const char *ucode = x.user_error_code ? x.user_error_code : "NoError";
    if(x.fault || strcmp(code, "NoError") != 0 || strcmp(ucode, "NoError") != 0) {
      mc_step_find(a->r, s, MC_CAUSE_AUTODISCOVER_BAD_RESPONSE, "GetUserSettings for %s answered "
                   "%s / %s: %s", a->email, code, ucode, x.fault_text ? x.fault_text :
                   x.user_error_message ? x.user_error_message :
                   x.error_message ? x.error_message : "");
    }
    else
      soap_settings(a, s, &x, f);
  }
  if(s->status == MC_INFO)
    mc_step_done(a->r, s, MC_PASS, "%zu setting%s returned", parsed ? x.nsettings : 0,
                 parsed && x.nsettings == 1 ? "" : "s");
  else if(!s->summary)
    mc_step_done(a->r, s, s->status, "settings incomplete");
  if(parsed)
    mc_ad_soap_release(&x);
  mc_http_resp_release(&resp);
  mc_buf_release(&body);
}

/* The safe-redirect policy for a host the walk takes from Autodiscover's
 * answer (the MRSProxy host, the RPC proxy): credentials go only to hosts
 * inside the address's domain (label by label: mail.contoso.com.evil.test
 * is not inside contoso.com) or a domain named with --allow-redirect.
 * Else a finding on s naming the host and how to allow it; false. */
static bool taken_host_ok(struct mc_report *r, struct mc_step *s, const struct mc_target *t,
                          enum mc_status sev, const char *what, const char *host)
{
  char domain[256], url[600];
  if(!mc_ad_email_domain(t->ad.email, domain, sizeof domain))
    return false;
  snprintf(url, sizeof url, "https://%s/", host);
  enum mc_ad_policy p = mc_ad_redirect_policy(url, domain,
                                              (const char *const *)t->ad.allow_redirect,
                                              t->ad.nallow_redirect, NULL);
  if(p == MC_AD_SAFE)
    return true;
  if(p == MC_AD_ALLOWED) {
    mc_step_ev(s, "policy", "%s %s is outside %s but allowed with --allow-redirect", what,
               host, domain);
    return true;
  }
  mc_step_find_sev(r, s, MC_CAUSE_AUTODISCOVER_UNSAFE_REDIRECT, sev, "Autodiscover for %s names %s "
                   "as the %s: %s; not contacted, no credentials sent (if %s is yours, "
                   "allow it with --allow-redirect %s, or name the host yourself)", t->ad.email,
                   host, what, p == MC_AD_BAD_URL ? mc_ad_policy_text(p) : "outside the "
                   "address's domain and not allowed with --allow-redirect", host, host);
  return false;
}

/* Step 6: are the names handed out for outside use reachable from outside? */
static void judge_names(struct ad *a, struct mc_step *parent, const struct mc_ad_found *f)
{
  struct mc_step *s = mc_step_add(a->r, parent, "Names handed out for use from outside");
  const char *what[] = { "Outlook Anywhere host", "EWS URL host" };
  const char *hosts[] = { f->oa_host, f->ews_host };
  bool any = false;
  for(int i = 0; i < 2; i++) {
    const char *h = hosts[i];
    if(!h || (i == 1 && f->oa_host && strcasecmp(h, f->oa_host) == 0))
      continue;
    any = true;
    if(mc_name_is_internal(h)) {
      mc_step_find(a->r, s, MC_CAUSE_AUTODISCOVER_INTERNAL_URL, "the %s is %s, an internal name "
                   "Exchange Online cannot resolve", what[i], h);
      continue;
    }
    /* A warning here: this command sends those hosts nothing; the commands
     * that would sign in there refuse (remote-move, outlook-anywhere). */
    taken_host_ok(a->r, s, a->t, MC_WARN, what[i], h);
    struct mc_dns_result d;
    mc_resolve(&a->t->net, h, mapped_port(a->t, 443), &d);
    if(d.outcome == MC_DNS_NXDOMAIN || d.outcome == MC_DNS_NODATA) {
      mc_step_find(a->r, s, MC_CAUSE_AUTODISCOVER_INTERNAL_URL, "the %s %s does not resolve (%s)",
                   what[i], h, mc_dns_outcome_name(d.outcome));
      continue;
    }
    if(!d.naddrs) {
      mc_step_ev(s, what[i], "%s: %s (not judged)", h, d.detail);
      continue;
    }
    const char *kind = d.outcome == MC_DNS_OK ? mc_addr_private_kind(&d.addrs[0]) : NULL;
    if(kind)
      mc_step_find(a->r, s, MC_CAUSE_AUTODISCOVER_INTERNAL_URL, "the %s %s resolves to %s, a %s "
                   "address", what[i], h, d.addrs[0].text, kind);
    else
      mc_step_ev(s, what[i], "%s -> %s (%s)", h, d.addrs[0].text, d.detail);
  }
  if(!any)
    mc_step_done(a->r, s, MC_SKIP, "no external names to check");
  else if(s->status == MC_INFO)
    mc_step_done(a->r, s, MC_PASS, "public names");
  else
    mc_step_done(a->r, s, s->status, "internal names handed out");
}

/* Fills f from the POX answer: EXPR first (the external view), then EXCH. */
static void found_from_pox(struct ad *a, struct mc_step *s, struct mc_ad_found *f)
{
  const struct mc_ad_protocol *expr = mc_ad_pox_protocol(&a->pox, "EXPR");
  const struct mc_ad_protocol *exch = mc_ad_pox_protocol(&a->pox, "EXCH");
  for(size_t i = 0; i < a->pox.nproto; i++) {
    const struct mc_ad_protocol *p = &a->pox.proto[i];
    if(p->owa_url && !p->server)
      mc_step_ev(s, p->type ? p->type : "Protocol", "OWAUrl %s", p->owa_url);
    else
      mc_step_ev(s, p->type ? p->type : "Protocol", "Server %s; EwsUrl %s; AuthPackage %s",
                 p->server ? p->server : "-", p->ews_url ? p->ews_url : "-",
                 p->auth_package ? p->auth_package : "-");
  }
  f->email = mc_xstrdup(a->email);
  f->url = mc_xstrdup(a->url);
  const char *ews = expr && expr->ews_url ? expr->ews_url : NULL;
  f->ews_url = dupe(ews);
  f->ews_host = url_host(ews);
  if(expr && expr->server) {
    f->oa_host = mc_xstrdup(expr->server);
    f->oa_host_source = mc_xstrdup("EXPR Server (POX)");
  }
  f->oa_auth = dupe(expr ? expr->auth_package : NULL);
  f->exch_server = dupe(exch ? exch->server : NULL);
  f->user_dn = dupe(a->pox.legacy_dn);
}

/* The settings found, as a top-level JSON member "autodiscover" for scripts. */
static void settings_section(struct mc_report *r, const struct mc_ad_found *f)
{
  struct mc_buf b = MC_BUF_INIT(16384);
  struct mc_json j;
  mc_json_init(&j, &b, false);
  mc_json_obj_begin(&j);
  mc_json_kstr(&j, "email", f->email);
  mc_json_kstr(&j, "url", f->url);
  mc_json_kstr(&j, "ews_url", f->ews_url);
  mc_json_kstr(&j, "oa_host", f->oa_host);
  mc_json_kstr(&j, "oa_host_source", f->oa_host_source);
  mc_json_kstr(&j, "oa_auth", f->oa_auth);
  mc_json_kstr(&j, "exchange_server", f->exch_server);
  mc_json_kstr(&j, "user_dn", f->user_dn);
  mc_json_obj_end(&j);
  mc_report_section(r, "autodiscover", b.ptr);
  mc_buf_release(&b);
}

bool mc_autodiscover_find(struct mc_report *r, struct mc_step *parent,
                          const struct mc_target *t, const char *email,
                          struct mc_ad_found *out)
{
  memset(out, 0, sizeof *out);
  struct ad a = { .r = r, .t = t };
  mc_buf_init(&a.reasons, 8192);
  mc_buf_init(&a.traffic, 1 << 20);
  mc_buf_addch(&a.traffic, '[');
  mc_run_tag_init(&a.tag, r, NULL, true);
  mc_strlcpy(a.email, email, sizeof a.email);
  a.http = mc_http_client_new();
  bool ok = false;
  struct mc_step *top = mc_step_add(r, parent, "Autodiscover for %s", email);
  if(!mc_ad_email_domain(email, a.domain, sizeof a.domain)) {
    mc_step_done(r, top, MC_UNKNOWN, "'%s' is not an e-mail address", email);
    mc_report_incomplete(r, "'%s' is not an e-mail address", email);
    goto out;
  }
  enum outcome o;
  for(;;) {
    char next_email[320] = "";
    o = discover(&a, top, next_email, sizeof next_email);
    if(o != O_REDIRECT_ADDR)
      break;
    mc_step_ev(top, "redirectAddr", "%s -> %s", a.email, next_email);
    mc_strlcpy(a.email, next_email, sizeof a.email);
  }
  if(o == O_SETTINGS) {
    struct mc_step *s = mc_step_add(r, top, "Settings from %s", a.url);
    found_from_pox(&a, s, out);
    mc_step_done(r, s, MC_PASS, "EWS %s; Outlook Anywhere host %s",
                 out->ews_url ? out->ews_url : "(none)", out->oa_host ? out->oa_host : "(none)");
    soap_step(&a, top, out);
    if(!out->oa_host && !mc_report_has(r, MC_CAUSE_AUTODISCOVER_NO_OA_SETTINGS))
      mc_step_find(r, s, MC_CAUSE_AUTODISCOVER_NO_OA_SETTINGS, "the answer for %s has no EXPR "
                   "(Outlook Anywhere external) section", a.email);
    if(!out->ews_url)
      mc_step_find(r, s, MC_CAUSE_CFG_EWS_EXTERNAL_URL_MISSING, "the answer for %s carries no "
                   "external EWS URL", a.email);
    judge_names(&a, top, out);
    settings_section(r, out);
    ok = true;
    mc_step_done(r, top, top->status > MC_PASS ? top->status : MC_PASS, "found at %s",
                 a.url);
  }
  else if(a.need_creds) {
    mc_step_done(r, top, MC_UNKNOWN, "an Autodiscover service answered but asks for "
                 "credentials: give --user to read the settings");
    mc_report_incomplete(r, "the settings were not read: Autodiscover needs --user (and the "
                         "password from MIGCHECK_PASSWORD, --password-file or the prompt)");
  }
  else if(!a.decisive && !r->incomplete && a.ntls_failed) {
    /* Places that answered TLS but failed it: their certificate or
     * handshake is the reason, as a strict client sees it. */
    size_t before = r->nfindings;
    for(size_t i = 0; i < a.ntls_failed; i++)
      tls_look(&a, top, a.tls_failed[i].host, a.tls_failed[i].port, a.tls_failed[i].addr);
    /* Only a failing finding explains a failed request: a warning (a
       certificate that expires soon, any finding under --insecure) does not. */
    bool named = false;
    for(size_t i = before; i < r->nfindings; i++)
      named = named || r->findings[i]->severity == MC_FAIL;
    mc_step_done(r, top, named ? MC_FAIL : MC_UNKNOWN, "no settings: TLS failed at %zu "
                 "place%s", a.ntls_failed, a.ntls_failed == 1 ? "" : "s");
    if(!named)
      mc_report_incomplete(r, "TLS failed where Autodiscover was looked for, and a strict "
                           "client's look found no reason");
  }
  else if(!a.decisive && !r->incomplete && a.unobserved) {
    mc_step_done(r, top, MC_UNKNOWN, "not found, but not every place could be looked at");
    mc_report_incomplete(r, "DNS did not answer for some of the places Autodiscover is "
                         "looked for (%s), so whether it exists is unknown",
                         a.reasons.ptr ? a.reasons.ptr : "");
  }
  else if(!a.decisive && !r->incomplete) {
    mc_step_find(r, top, MC_CAUSE_AUTODISCOVER_NOT_FOUND, "no Autodiscover for %s: %s", a.email,
                 a.reasons.ptr ? a.reasons.ptr : "no place answered");
    mc_step_done(r, top, MC_FAIL, "not found");
  }
  else
    mc_step_done(r, top, r->incomplete ? MC_UNKNOWN : MC_FAIL, "no settings");
out:
  mc_buf_addch(&a.traffic, ']');
  mc_report_section(r, "autodiscover_traffic", a.traffic.ptr);
  for(size_t i = 0; i < a.nvisits; i++)
    free(a.visits[i]);
  mc_http_client_free(a.http);
  if(a.have_pox)
    mc_ad_pox_release(&a.pox);
  mc_buf_release(&a.reasons);
  mc_buf_release(&a.traffic);
  return ok;
}

void mc_ad_found_release(struct mc_ad_found *f)
{
  char **v[] = { &f->email, &f->url, &f->ews_url, &f->ews_host, &f->oa_host,
                 &f->oa_host_source, &f->oa_auth, &f->exch_server, &f->user_dn };
  for(size_t i = 0; i < sizeof v / sizeof v[0]; i++)
    free(*v[i]);
  memset(f, 0, sizeof *f);
}

bool mc_autodiscover_email_domain(const char *email, char *out, size_t outlen)
{
  return mc_ad_email_domain(email, out, outlen);
}

struct mc_report *mc_check_autodiscover(const struct mc_target *t)
{
  struct mc_report *r = mc_report_new("autodiscover", t->ad.email);
  mc_report_new_run_id(r);
  mc_report_note(r, "every request carries ?migcheck=%s: search the IIS logs for it",
                 r->run_id);
  if(t->insecure)
    mc_report_note(r, "certificate verification was turned off (--insecure)");
  for(size_t i = 0; i < t->ad.nport_map; i++)
    mc_report_note(r, "--port-map: connections meant for port %d went to port %d",
                   t->ad.port_map[i][0], t->ad.port_map[i][1]);
  struct mc_ad_found f;
  mc_autodiscover_find(r, NULL, t, t->ad.email, &f);
  mc_ad_found_release(&f);
  return r;
}

struct mc_report *mc_remote_move_autodiscover(const struct mc_target *t, struct mc_target *picked)
{
  struct mc_report *r = mc_report_new("remote-move", t->ad.email);
  mc_report_new_run_id(r);
  *picked = *t;
  picked->host = NULL;
  struct mc_ad_found f;
  if(!mc_autodiscover_find(r, NULL, t, t->ad.email, &f)) {
    struct mc_step *s = mc_step_add(r, NULL, "MRSProxy host from Autodiscover");
    mc_step_done(r, s, MC_SKIP, "Autodiscover gave no settings (see above): name the host "
                 "with --server, as the endpoint's manual settings would");
    return r;
  }
  struct mc_step *s = mc_step_add(r, NULL, "MRSProxy host from Autodiscover");
  const char *host = f.oa_host ? f.oa_host : f.ews_host;
  mc_step_ev(s, "Outlook Anywhere host", "%s%s%s%s", f.oa_host ? f.oa_host : "(none)",
             f.oa_host ? " (" : "", f.oa_host ? f.oa_host_source : "", f.oa_host ? ")" : "");
  mc_step_ev(s, "EWS URL", "%s", f.ews_url ? f.ews_url : "(none)");
  if(f.oa_host && f.ews_host && strcasecmp(f.oa_host, f.ews_host) != 0)
    mc_step_find_sev(r, s, MC_CAUSE_AUTODISCOVER_WRONG_MRS_HOST, MC_WARN, "Autodiscover names %s "
                     "(the Outlook Anywhere host) while EWS is published at %s: an endpoint "
                     "created with -Autodiscover probes MRSProxy at %s; if mrsproxy.svc lives "
                     "on %s, give -RemoteServer %s", f.oa_host, f.ews_host, f.oa_host,
                     f.ews_host, f.ews_host);
  if(!host) {
    mc_step_done(r, s, MC_FAIL, "Autodiscover names no host for MRSProxy");
    mc_ad_found_release(&f);
    return r;
  }
  if(!taken_host_ok(r, s, t, MC_FAIL, "MRSProxy host", host)) {
    mc_step_done(r, s, MC_FAIL, "%s is not checked: outside %s's domain", host, t->ad.email);
    mc_ad_found_release(&f);
    return r;
  }
  picked->host = mc_xstrdup(host);
  picked->port = mapped_port(t, 443);
  mc_step_done(r, s, s->status > MC_PASS ? s->status : MC_PASS, "checking %s, taken from %s "
               "as Test-MigrationServerAvailability -Autodiscover takes it", host,
               f.oa_host ? f.oa_host_source : "the EWS URL (no Outlook Anywhere host)");
  mc_ad_found_release(&f);
  return r;
}

struct mc_report *mc_outlook_anywhere_autodiscover(const struct mc_target *t,
                                                   struct mc_target *picked)
{
  struct mc_report *r = mc_report_new("outlook-anywhere", t->ad.email);
  mc_report_new_run_id(r);
  *picked = *t;
  picked->host = NULL;
  picked->oa.exchange_server = NULL;
  struct mc_ad_found f;
  struct mc_step *s;
  if(!mc_autodiscover_find(r, NULL, t, t->ad.email, &f)) {
    s = mc_step_add(r, NULL, "Outlook Anywhere settings from Autodiscover");
    mc_step_done(r, s, MC_SKIP, "Autodiscover gave no settings (see above): name them with "
                 "--rpc-proxy and --exchange-server, as the endpoint's manual settings would");
    return r;
  }
  s = mc_step_add(r, NULL, "Outlook Anywhere settings from Autodiscover");
  mc_step_ev(s, "RPC proxy", "%s%s%s%s", f.oa_host ? f.oa_host : "(none)",
             f.oa_host ? " (" : "", f.oa_host ? f.oa_host_source : "", f.oa_host ? ")" : "");
  mc_step_ev(s, "Exchange server", "%s", f.exch_server ? f.exch_server : "(none)");
  mc_step_ev(s, "authentication", "%s", f.oa_auth ? f.oa_auth : "(not said)");
  if(!f.oa_host || !f.exch_server) {
    /* Without both names the migration service cannot open a virtual
     * connection: the answer lacks Outlook Anywhere. */
    mc_step_find(r, s, MC_CAUSE_AUTODISCOVER_NO_OA_SETTINGS, "Autodiscover names %s%s%s: a cutover "
                 "or staged endpoint created with -Autodiscover has nothing to connect to",
                 f.oa_host ? "" : "no Outlook Anywhere external host",
                 !f.oa_host && !f.exch_server ? " and " : "",
                 f.exch_server ? "" : "no RPC server");
    mc_step_done(r, s, MC_FAIL, "no Outlook Anywhere settings to test");
    mc_ad_found_release(&f);
    return r;
  }
  if(!taken_host_ok(r, s, t, MC_FAIL, "RPC proxy (Outlook Anywhere host)",
                    f.oa_host)) {
    mc_step_done(r, s, MC_FAIL, "%s is not checked: outside %s's domain", f.oa_host, t->ad.email);
    mc_ad_found_release(&f);
    return r;
  }
  picked->host = mc_xstrdup(f.oa_host);
  picked->port = mapped_port(t, 443);
  picked->oa.exchange_server = mc_xstrdup(f.exch_server);
  mc_step_done(r, s, MC_PASS, "checking %s through the RPC proxy %s, as "
               "Test-MigrationServerAvailability -ExchangeOutlookAnywhere -Autodiscover takes "
               "them", f.exch_server, f.oa_host);
  mc_ad_found_release(&f);
  return r;
}

