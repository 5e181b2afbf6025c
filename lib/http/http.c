/*
 * http.c - requests through libcurl (see http.h for the rules kept).
 *
 * Each request gets its own easy handle; all of one call share one multi
 * handle and run concurrently. The header callback splits the exchange into
 * responses (a new one starts at each "HTTP/" status line) and stops the
 * transfer when the headers pass their limit; the write callback keeps the
 * start of the body. Nothing here prints.
 */
#include "http/http.h"

#include "tls/tls.h"
#include "util/json.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/curl_dl.h"
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static bool curl_ok;

static void curl_init_once(void)
{
  curl_ok = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
}

const char *mc_http_error_name(enum mc_http_error e)
{
  static const char *const names[] = {
    "ok", "timeout", "connect failed", "TLS failed", "connection reset",
    "not HTTP", "headers too large", "error"
  };
  return (unsigned)e < sizeof names / sizeof names[0] ? names[e] : "error";
}

struct xfer {
  struct mc_http_client *client;
  const struct mc_http_req *req;
  struct mc_http_resp *resp;
  CURL *easy;
  struct curl_slist *hdrs;
  struct curl_slist *resolve;
  char errbuf[CURL_ERROR_SIZE];
  struct mc_http_ntlm *ntlm;    /* the client's own NTLM login, or NULL */
  struct curl_slist *hdrs2;     /* its second leg's headers */
  int64_t leg1_ms;
  long leg1_connects;
};

static size_t on_header(char *p, size_t size, size_t n, void *arg)
{
  struct mc_http_resp *r = arg;
  size_t len = size * n;
  r->head_bytes += len;
  if(r->head_bytes > MC_HTTP_HEAD_LIMIT) {
    r->head_overflow = true;
    return 0;                      /* stops the transfer */
  }
  while(len && (p[len - 1] == '\n' || p[len - 1] == '\r'))
    len--;
  if(len >= 5 && strncmp(p, "HTTP/", 5) == 0) {
    if(r->nmsgs == MC_HTTP_MAX_MSGS) {
      r->head_overflow = true;
      return 0;
    }
    struct mc_http_msg *m = &r->msgs[r->nmsgs++];
    m->status_line = mc_printable(p, len, 240);
    const char *sp = memchr(p, ' ', len);
    long st = 0;
    if(sp && (size_t)(sp - p) + 4 <= len) {
      char code[4] = { sp[1], sp[2], sp[3], 0 };
      mc_parse_long(code, 100, 999, &st);
    }
    m->status = (int)st;
    return size * n;
  }
  if(!r->nmsgs || !len)
    return size * n;
  struct mc_http_msg *m = &r->msgs[r->nmsgs - 1];
  const char *colon = memchr(p, ':', len);
  if(!colon || m->nh == MC_HTTP_MAX_HEADERS)
    return size * n;
  const char *v = colon + 1;
  while(v < p + len && (*v == ' ' || *v == '\t'))
    v++;
  m->h = mc_xrealloc(m->h, (m->nh + 1) * sizeof *m->h);
  m->h[m->nh].name = mc_printable(p, (size_t)(colon - p), 120);
  m->h[m->nh].value = mc_printable(v, (size_t)(p + len - v), 8192);
  m->nh++;
  return size * n;
}

static size_t on_body(char *p, size_t size, size_t n, void *arg)
{
  struct mc_http_resp *r = arg;
  size_t len = size * n;
  r->body_total += len;
  size_t room = r->body.limit > r->body.len ? r->body.limit - r->body.len : 0;
  mc_buf_add(&r->body, p, len < room ? len : room);
  return len;
}

struct mc_http_client {
  CURLM *multi;
  X509_STORE *store;          /* system trust plus the extra CA, built once */
  bool store_failed;
};

/* Gives the handshake the client's store: the system's default trust
 * plus the extra CA file, the one the TLS probe verifies with
 * (lib/tls/trust.c: the CA bundle is parsed once per process). */
static CURLcode on_ssl_ctx(CURL *easy, void *sslctx, void *arg)
{
  struct xfer *x = arg;
  struct mc_http_client *c = x->client;
  (void)easy;
  if(!c->store && !c->store_failed) {
    bool system_ok, ca_ok;
    c->store = mc_tls_trust(x->req->ca_file, &system_ok, &ca_ok);
    if(!c->store || !system_ok || !ca_ok) {
      X509_STORE_free(c->store);
      c->store = NULL;
      c->store_failed = true;
    }
  }
  if(!c->store)
    return CURLE_SSL_CACERT_BADFILE;
  SSL_CTX_set1_cert_store(sslctx, c->store);
  return CURLE_OK;
}

static enum mc_http_error classify(CURLcode c, const struct mc_http_resp *r)
{
  if(r->head_overflow)
    return MC_HTTP_ERR_TOO_BIG;
  switch(c) {
  case CURLE_OK:
    return MC_HTTP_OK;
  case CURLE_OPERATION_TIMEDOUT:
    return MC_HTTP_ERR_TIMEOUT;
  case CURLE_COULDNT_CONNECT:
  case CURLE_COULDNT_RESOLVE_HOST:
    return MC_HTTP_ERR_CONNECT;
  case CURLE_SSL_CONNECT_ERROR:
  case CURLE_PEER_FAILED_VERIFICATION:
  case CURLE_SSL_CERTPROBLEM:
  case CURLE_SSL_CIPHER:
  case CURLE_SSL_CACERT_BADFILE:
  case CURLE_SSL_ISSUER_ERROR:
    return MC_HTTP_ERR_TLS;
  case CURLE_RECV_ERROR:
  case CURLE_SEND_ERROR:
  case CURLE_GOT_NOTHING:
  case CURLE_PARTIAL_FILE:
    return MC_HTTP_ERR_RESET;
  case CURLE_WEIRD_SERVER_REPLY:
  case CURLE_UNSUPPORTED_PROTOCOL:
  case CURLE_HTTP2:
    return MC_HTTP_ERR_PROTOCOL;
  case CURLE_OUT_OF_MEMORY:
    /* libcurl before 8.6 says "out of memory" for a header line over its
     * 100 KB limit (CURL_MAX_HTTP_HEADER): the peer's doing, not ours. */
    return r->nmsgs ? MC_HTTP_ERR_TOO_BIG : MC_HTTP_ERR_OTHER;
  default:
#if LIBCURL_VERSION_NUM >= 0x080600
    if(c == CURLE_TOO_LARGE)
      return MC_HTTP_ERR_TOO_BIG;
#endif
    return MC_HTTP_ERR_OTHER;
  }
}

/* The header lines every request of q carries. */
static struct curl_slist *base_headers(const struct mc_http_req *q)
{
  /* No "Expect: 100-continue" wait: the bodies are small. */
  struct curl_slist *l = curl_slist_append(NULL, "Expect:");
  for(const char *const *h = q->headers; l && h && *h; h++)
    l = curl_slist_append(l, *h);
  return l;
}

/* After an NTLM login's first leg: true when the second leg (the Type 3
 * with the real body, on the same connection) is set up on x's handle. */
static bool ntlm_next_leg(struct xfer *x, CURLcode c)
{
  struct mc_http_resp *r = x->resp;
  const struct mc_http_req *q = x->req;
  if(c != CURLE_OK || !r->nmsgs)
    return false;
  r->status = r->msgs[r->nmsgs - 1].status;
  const char *line = mc_http_ntlm_leg2(x->ntlm, x->easy, r);
  r->status = 0;
  if(!line)
    return false;
  x->hdrs2 = base_headers(q);
  if(x->hdrs2)
    x->hdrs2 = curl_slist_append(x->hdrs2, line);
  if(!x->hdrs2)
    return false;
  curl_off_t t = 0;
  curl_easy_getinfo(x->easy, CURLINFO_TOTAL_TIME_T, &t);
  x->leg1_ms = t / 1000;
  curl_easy_getinfo(x->easy, CURLINFO_NUM_CONNECTS, &x->leg1_connects);
  long left = q->timeout_ms - (long)x->leg1_ms;
  curl_easy_setopt(x->easy, CURLOPT_HTTPHEADER, x->hdrs2);
  curl_easy_setopt(x->easy, CURLOPT_TIMEOUT_MS, left > 1 ? left : 1L);
  if(strcmp(q->method, "POST") == 0) {
    curl_easy_setopt(x->easy, CURLOPT_POSTFIELDS, q->body ? q->body : "");
    curl_easy_setopt(x->easy, CURLOPT_POSTFIELDSIZE, (long)q->body_len);
  }
  /* The 401's body is not the answer. */
  mc_buf_reset(&r->body);
  r->body_total = 0;
  return true;
}

static bool setup(struct xfer *x)
{
  const struct mc_http_req *q = x->req;
  struct mc_http_resp *r = x->resp;
  snprintf(r->url, sizeof r->url, "%s://%s:%d%s%s%s", q->plain ? "http" : "https", q->host,
           q->port, q->path,
           q->query ? "?" : "", q->query ? q->query : "");
  x->resolve = mc_http_pin(q);
  x->hdrs = base_headers(q);
  CURL *e = x->easy = curl_easy_init();
  if(!e || !x->resolve || !x->hdrs)
    return false;
  bool ntlm = q->auth == MC_HTTP_AUTH_NTLM && q->user && q->password && !q->plain;
  mc_http_easy_base(e, r->url, x->resolve, x->hdrs, q->plain, q->timeout_ms, x->errbuf,
                    q->user_agent);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, r);
  if(ntlm) {
    /* After the lines above: it sets its own reuse options and callback. */
    x->ntlm = mc_http_ntlm_for(q, r);
    x->hdrs = curl_slist_append(x->hdrs, mc_http_ntlm_leg1(x->ntlm, e));
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, x->hdrs);
  }
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, q->insecure ? 0L : 1L);
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, q->insecure ? 0L : 2L);
  if(!q->insecure) {
    /* libcurl loads no bundle of its own: the callback hands it the store. */
    curl_easy_setopt(e, CURLOPT_CAINFO, NULL);
    curl_easy_setopt(e, CURLOPT_CAPATH, NULL);
    curl_easy_setopt(e, CURLOPT_SSL_CTX_FUNCTION, on_ssl_ctx);
    curl_easy_setopt(e, CURLOPT_SSL_CTX_DATA, x);
  }
  if(strcmp(q->method, "POST") == 0) {
    /* An NTLM login's first leg carries no body (as Windows' clients do). */
    curl_easy_setopt(e, CURLOPT_POST, 1L);
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, q->body && !ntlm ? q->body : "");
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, ntlm ? 0L : (long)q->body_len);
  }
  else if(strcmp(q->method, "GET") != 0)
    curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, q->method);
  mc_http_easy_login(e, q);
  return true;
}

void *mc_http_pin(const struct mc_http_req *q)
{
  bool v6 = strchr(q->addr, ':') != NULL;
  char pin[300];
  snprintf(pin, sizeof pin, "%s:%d:%s%s%s", q->host, q->port, v6 ? "[" : "", q->addr,
           v6 ? "]" : "");
  return curl_slist_append(NULL, pin);
}

void mc_http_easy_login(void *easy, const struct mc_http_req *q)
{
  CURL *e = easy;
  if(q->auth == MC_HTTP_AUTH_BASIC && q->user && q->password && !q->plain) {
    curl_easy_setopt(e, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
    curl_easy_setopt(e, CURLOPT_USERNAME, q->user);
    curl_easy_setopt(e, CURLOPT_PASSWORD, q->password);
    /* Belt and braces: never send credentials anywhere but this host. */
    curl_easy_setopt(e, CURLOPT_UNRESTRICTED_AUTH, 0L);
  }
}

struct mc_http_ntlm *mc_http_ntlm_for(const struct mc_http_req *q, struct mc_http_resp *resp)
{
  return mc_http_ntlm_new(q->user, q->password, q->host, q->no_channel_binding, resp);
}

static void finish(struct xfer *x, CURLcode c)
{
  struct mc_http_resp *r = x->resp;
  CURL *e = x->easy;
  r->error = classify(c, r);
  if(r->error == MC_HTTP_ERR_TOO_BIG && r->head_overflow)
    snprintf(r->error_text, sizeof r->error_text, "more than %d KiB of headers or %d "
             "responses", MC_HTTP_HEAD_LIMIT / 1024, MC_HTTP_MAX_MSGS);
  else if(r->error == MC_HTTP_ERR_TOO_BIG)
    snprintf(r->error_text, sizeof r->error_text, "a header line over libcurl's 100 KB "
             "limit (libcurl: %s)", x->errbuf[0] ? x->errbuf : curl_easy_strerror(c));
  else if(r->error != MC_HTTP_OK)
    snprintf(r->error_text, sizeof r->error_text, "%s",
             x->errbuf[0] ? x->errbuf : curl_easy_strerror(c));
  char *ip = NULL;
  curl_easy_getinfo(e, CURLINFO_PRIMARY_IP, &ip);
  if(ip)
    mc_strlcpy(r->ip, ip, sizeof r->ip);
  curl_easy_getinfo(e, CURLINFO_PRIMARY_PORT, &r->port);
  curl_easy_getinfo(e, CURLINFO_NUM_CONNECTS, &r->connects);
  curl_off_t t;
  if(curl_easy_getinfo(e, CURLINFO_CONNECT_TIME_T, &t) == CURLE_OK)
    r->ms_connect = t / 1000;
  if(curl_easy_getinfo(e, CURLINFO_APPCONNECT_TIME_T, &t) == CURLE_OK)
    r->ms_tls = t / 1000;
  if(curl_easy_getinfo(e, CURLINFO_STARTTRANSFER_TIME_T, &t) == CURLE_OK)
    r->ms_first_byte = t / 1000;
  if(curl_easy_getinfo(e, CURLINFO_TOTAL_TIME_T, &t) == CURLE_OK)
    r->ms_total = t / 1000 + x->leg1_ms;
  r->connects += x->leg1_connects;
  if(x->ntlm)
    mc_http_ntlm_done(x->ntlm, e);
  /* A timeout after some response (e.g. a 401 leg) has no final answer. */
  if(r->error == MC_HTTP_OK && r->nmsgs) {
    r->final = &r->msgs[r->nmsgs - 1];
    r->status = r->final->status;
  }
}

struct mc_http_client *mc_http_client_new(void)
{
  pthread_once(&curl_once, curl_init_once);
  struct mc_http_client *c = mc_xcalloc(1, sizeof *c);
  c->multi = curl_ok ? curl_multi_init() : NULL;
  return c;
}

void mc_http_client_free(struct mc_http_client *c)
{
  if(!c)
    return;
  if(c->multi)
    curl_multi_cleanup(c->multi);
  X509_STORE_free(c->store);
  free(c);
}

mc_code mc_http_perform(struct mc_http_client *client, const struct mc_http_req *reqs,
                        struct mc_http_resp *resps, size_t n)
{
  for(size_t i = 0; i < n; i++) {
    memset(&resps[i], 0, sizeof resps[i]);
    mc_buf_init(&resps[i].body, reqs[i].body_keep ? reqs[i].body_keep : MC_HTTP_BODY_KEEP);
  }
  CURLM *multi = client ? client->multi : NULL;
  if(!multi)
    return MC_ERR_INTERNAL;
  struct xfer *x = mc_xcalloc(n ? n : 1, sizeof *x);
  mc_code rc = MC_OK;
  for(size_t i = 0; i < n; i++) {
    x[i].client = client;
    x[i].req = &reqs[i];
    x[i].resp = &resps[i];
    if(!setup(&x[i]) || curl_multi_add_handle(multi, x[i].easy) != CURLM_OK) {
      rc = MC_ERR_INTERNAL;
      goto out;
    }
    curl_easy_setopt(x[i].easy, CURLOPT_PRIVATE, &x[i]);
  }
  int running = (int)n;
  while(running) {
    if(curl_multi_perform(multi, &running) != CURLM_OK) {
      rc = MC_ERR_INTERNAL;
      goto out;
    }
    CURLMsg *m;
    int left;
    while((m = curl_multi_info_read(multi, &left))) {
      if(m->msg != CURLMSG_DONE)
        continue;
      struct xfer *done = NULL;
      CURLcode res = m->data.result;
      curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&done);
      if(done && done->ntlm && !done->hdrs2 && ntlm_next_leg(done, res)) {
        /* The same handle again: its own connection cache hands it the
         * connection that got the challenge. */
        curl_multi_remove_handle(multi, done->easy);
        if(curl_multi_add_handle(multi, done->easy) != CURLM_OK) {
          rc = MC_ERR_INTERNAL;
          goto out;
        }
        running++;
        continue;
      }
      if(done)
        finish(done, res);
    }
    if(running && curl_multi_poll(multi, NULL, 0, 200, NULL) != CURLM_OK) {
      rc = MC_ERR_INTERNAL;
      goto out;
    }
  }
out:
  for(size_t i = 0; i < n; i++) {
    if(x[i].easy) {
      curl_multi_remove_handle(multi, x[i].easy);
      curl_easy_cleanup(x[i].easy);
    }
    curl_slist_free_all(x[i].hdrs);
    curl_slist_free_all(x[i].hdrs2);
    curl_slist_free_all(x[i].resolve);
    mc_http_ntlm_free(x[i].ntlm);
  }
  free(x);
  return rc;
}

void mc_http_resp_release(struct mc_http_resp *r)
{
  for(size_t i = 0; i < r->nmsgs; i++) {
    for(size_t k = 0; k < r->msgs[i].nh; k++) {
      free(r->msgs[i].h[k].name);
      free(r->msgs[i].h[k].value);
    }
    free(r->msgs[i].h);
    free(r->msgs[i].status_line);
  }
  mc_buf_release(&r->body);
  memset(r, 0, sizeof *r);
}

const char *mc_http_header(const struct mc_http_msg *m, const char *name)
{
  for(size_t i = 0; m && i < m->nh; i++) {
    if(strcasecmp(m->h[i].name, name) == 0)
      return m->h[i].value;
  }
  return NULL;
}

static const struct {
  const char *name;
  unsigned bit;
} schemes[] = {
  { "Negotiate", MC_HTTP_SCHEME_NEGOTIATE }, { "NTLM", MC_HTTP_SCHEME_NTLM },
  { "Basic", MC_HTTP_SCHEME_BASIC }, { "Digest", MC_HTTP_SCHEME_DIGEST },
  { "Bearer", MC_HTTP_SCHEME_BEARER },
};

/* One WWW-Authenticate value may list several challenges separated by
 * commas ("Negotiate,NTLM"); a scheme is a token not followed by '='. */
static unsigned parse_challenges(const char *v, char *realm, size_t realmlen)
{
  unsigned mask = 0;
  const char *p = v;
  while(*p) {
    while(*p == ' ' || *p == ',' || *p == '\t')
      p++;
    const char *tok = p;
    while(*p && *p != ' ' && *p != ',' && *p != '=')
      p++;
    size_t n = (size_t)(p - tok);
    if(*p == '=') {
      /* a parameter: skip its value (quoted or token) */
      p++;
      if(*p == '"') {
        p++;
        while(*p && *p != '"')
          p += (*p == '\\' && p[1]) ? 2 : 1;
        if(*p)
          p++;
      }
      else
        while(*p && *p != ',' && *p != ' ')
          p++;
      continue;
    }
    if(!n)
      continue;
    unsigned bit = MC_HTTP_SCHEME_OTHER;
    for(size_t i = 0; i < sizeof schemes / sizeof schemes[0]; i++) {
      if(strlen(schemes[i].name) == n && strncasecmp(tok, schemes[i].name, n) == 0)
        bit = schemes[i].bit;
    }
    mask |= bit;
    if(bit == MC_HTTP_SCHEME_BASIC && realm && realmlen) {
      const char *rp = strcasestr(p, "realm=");
      if(rp) {
        rp += 6;
        bool q = *rp == '"';
        rp += q;
        size_t k = 0;
        while(rp[k] && (q ? rp[k] != '"' : (rp[k] != ',' && rp[k] != ' ')))
          k++;
        snprintf(realm, realmlen, "%.*s", (int)k, rp);
      }
    }
    /* skip a token68 (NTLM/Negotiate data) after the scheme */
    if(*p == ' ') {
      const char *s = p;
      while(*s == ' ')
        s++;
      const char *t = s;
      while(*t && *t != ',' && *t != ' ' && *t != '=')
        t++;
      while(*t == '=')
        t++;
      if(!*t || *t == ',')
        p = t;
    }
  }
  return mask;
}

unsigned mc_http_auth_schemes(const struct mc_http_msg *m, char *realm, size_t realmlen)
{
  unsigned mask = 0;
  if(realm && realmlen)
    realm[0] = '\0';
  for(size_t i = 0; m && i < m->nh; i++) {
    if(strcasecmp(m->h[i].name, "WWW-Authenticate") == 0)
      mask |= parse_challenges(m->h[i].value, realm, realmlen);
  }
  return mask;
}

const char *mc_http_ntlm_challenge(const struct mc_http_resp *r)
{
  for(size_t i = 0; i < r->nmsgs; i++) {
    const struct mc_http_msg *m = &r->msgs[i];
    for(size_t k = 0; k < m->nh; k++) {
      const char *v = m->h[k].value;
      if(strcasecmp(m->h[k].name, "WWW-Authenticate") == 0 &&
         strncasecmp(v, "NTLM ", 5) == 0 && v[5])
        return v + 5;
    }
  }
  return NULL;
}

const char *mc_http_schemes_text(unsigned mask, char *out, size_t outlen)
{
  size_t used = 0;
  out[0] = '\0';
  for(size_t i = 0; i < sizeof schemes / sizeof schemes[0]; i++) {
    if(mask & schemes[i].bit)
      used += (size_t)snprintf(out + used, used < outlen ? outlen - used : 0, "%s%s",
                               used ? ", " : "", schemes[i].name);
  }
  if(mask & MC_HTTP_SCHEME_OTHER)
    used += (size_t)snprintf(out + used, used < outlen ? outlen - used : 0, "%sother",
                             used ? ", " : "");
  if(!used)
    snprintf(out, outlen, "none");
  return out;
}

void mc_http_easy_base(void *easy, const char *url, void *resolve, void *headers, bool plain,
                       int timeout_ms, char *errbuf, const char *user_agent)
{
  CURL *e = easy;
  curl_easy_setopt(e, CURLOPT_URL, url);
  curl_easy_setopt(e, CURLOPT_RESOLVE, (struct curl_slist *)resolve);
  curl_easy_setopt(e, CURLOPT_PROXY, "");
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, plain ? "http" : "https");
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(e, CURLOPT_FORBID_REUSE, 1L);
  curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)timeout_ms);
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)timeout_ms);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(e, CURLOPT_USERAGENT, user_agent);
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, (struct curl_slist *)headers);
}

bool mc_http_global_init(void)
{
  pthread_once(&curl_once, curl_init_once);
  return curl_ok;
}

size_t mc_http_header_cb(char *p, size_t size, size_t n, void *resp)
{
  return on_header(p, size, n, resp);
}

/* on_ssl_ctx for a handle mc_http_perform did not make. */
static CURLcode on_trust_ctx(CURL *easy, void *sslctx, void *arg)
{
  const struct mc_http_trust *t = arg;
  struct mc_http_req q = { .ca_file = t->ca_file };
  struct xfer x = { .req = &q, .client = t->client };
  return on_ssl_ctx(easy, sslctx, &x);
}

void mc_http_easy_trust(void *easy, const struct mc_http_trust *t, bool insecure)
{
  CURL *e = easy;
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, insecure ? 0L : 1L);
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, insecure ? 0L : 2L);
  if(!insecure) {
    curl_easy_setopt(e, CURLOPT_CAINFO, NULL);
    curl_easy_setopt(e, CURLOPT_CAPATH, NULL);
    curl_easy_setopt(e, CURLOPT_SSL_CTX_FUNCTION, on_trust_ctx);
    curl_easy_setopt(e, CURLOPT_SSL_CTX_DATA, (void *)t);
  }
}

enum mc_http_error mc_http_error_of(int curl_code, const struct mc_http_resp *r)
{
  return classify((CURLcode)curl_code, r);
}

void mc_http_traffic_add(struct mc_buf *out, bool *any, const struct mc_http_req *q,
                         const struct mc_http_resp *resp, const char *purpose)
{
  struct mc_json j;
  if(*any)
    mc_buf_addch(out, ',');
  *any = true;
  mc_json_init(&j, out, false);
  mc_json_obj_begin(&j);
  mc_json_kstr(&j, "purpose", purpose);
  mc_json_kstr(&j, "method", q->method);
  mc_json_kstr(&j, "url", resp->url);
  mc_json_kstr(&j, "auth", q->auth == MC_HTTP_AUTH_NTLM ? "ntlm" :
               q->auth == MC_HTTP_AUTH_BASIC ? "basic" : "none");
  mc_json_kint(&j, "status", resp->status);
  mc_json_key(&j, "statuses");
  mc_json_arr_begin(&j);
  for(size_t i = 0; i < resp->nmsgs; i++)
    mc_json_int(&j, resp->msgs[i].status);
  mc_json_arr_end(&j);
  mc_json_kstr(&j, "error", resp->error ? mc_http_error_name(resp->error) : NULL);
  mc_json_kstr(&j, "answered_by", resp->ip[0] ? resp->ip : NULL);
  mc_json_kint(&j, "port", resp->port);
  mc_json_kint(&j, "ms", resp->ms_total);
  if(resp->ntlm.used) {
    /* What the NTLM login sent: never a secret. */
    const struct mc_http_ntlm_ev *ev = &resp->ntlm;
    mc_json_key(&j, "ntlm");
    mc_json_obj_begin(&j);
    mc_json_kstr(&j, "challenge_broken", ev->broken ? ev->broken_why : NULL);
    mc_json_kbool(&j, "answer_sent", ev->sent);
    mc_json_kbool(&j, "channel_binding", ev->cbt);
    mc_json_kbool(&j, "mic", ev->mic);
    mc_json_kbool(&j, "target_name", ev->spn);
    mc_json_kstr(&j, "certificate_hash", ev->cert_hash[0] ? ev->cert_hash : NULL);
    mc_json_kstr(&j, "certificate_hash_algorithm",
                 ev->cert_hash_name[0] ? ev->cert_hash_name : NULL);
    mc_json_obj_end(&j);
  }
  mc_json_obj_end(&j);
}
