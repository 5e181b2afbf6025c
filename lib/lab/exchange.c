/*
 * exchange.c - the lab's Exchange front end: /EWS/Exchange.asmx and
 * /EWS/mrsproxy.svc over TLS, answering like IIS on Exchange 2010 or
 * 2013+ (CAFE headers), with NTLM (ntlm_server.c) and Basic, one or two
 * servers behind one listener (a load balancer that spreads connections,
 * without persistence), and the one fault its profile names. Each server
 * writes the IIS log of what reached it (iislog.c); what a device in front
 * answers never reaches a server and is not logged, as in the field.
 *
 * Per connection: TLS accept -> pick the next server (round robin) ->
 * loop { read a request head (http_req.c, bounded) and its body ->
 * answer() -> write -> log } until the client closes, asks to close, the
 * lab stops, or a read times out (the lab's 15 s socket timeouts).
 * NTLM state lives in the connection: a challenge is only good on the
 * connection that got it, and a signed-in connection stays signed in.
 *
 * The profile is lab configuration held by the scenario's row (.ews in
 * scenarios.c); the checks never see it and diagnose only from what these
 * answers carry.
 */
#include "lab/exchange.h"
#include "lab/http_req.h"
#include "lab/iislog.h"
#include "lab/ntlm_server.h"
#include "lab/tls_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <ctype.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>

#include "util/base64.h"

#define SLOW_MAX_MS 60000
#define BUF_MAX (MC_LAB_HTTP_HEAD_MAX + MC_LAB_HTTP_BODY_MAX)

struct server {
  SSL_CTX *ctx;                   /* its own certificate (NULL: the site's) */
  char name[16];
  char fqdn[64];
  bool mrsproxy;
  struct mc_lab_iislog *log;
  struct mc_lab_ntlm_names names;
};

struct ews_site {
  const struct mc_lab_ews_profile *p;
  SSL_CTX *ctx;
  struct server srv[2];
  size_t nsrv;
  atomic_uint next;
  char password[64];              /* the account's password on these servers */
  SSL_CTX *front_ctx;             /* the device's TLS (a relay), or NULL */
  SSL_CTX *alt_ctx;               /* the second address's certificate, or NULL */
  int back_port;                  /* where the device forwards to */
};

struct conn {
  struct mc_lab *lab;
  struct mc_lab_site *site;
  struct ews_site *es;
  struct server *srv;
  SSL *ssl;
  int fd;
  char peer[64];
  char buf[BUF_MAX + 1];
  size_t len;
  struct mc_lab_ntlm_conn ntlm;
  bool signed_in;
  char user[160];
};

/* What to send back and what IIS writes about it. */
struct answer {
  int status;
  const char *reason;
  struct mc_buf head;             /* header lines */
  struct mc_buf body;
  bool log;
  int substatus;
  unsigned long win32;
  const char *username;
  bool reset;                     /* drop the connection with a RST instead */
  bool slow;                      /* never answer */
  bool held;                      /* ... because a device holds it (nothing logged) */
  bool close;
};

static void ews_free(void *p)
{
  struct ews_site *es = p;
  for(size_t i = 0; i < es->nsrv; i++) {
    mc_lab_iislog_free(es->srv[i].log);
    SSL_CTX_free(es->srv[i].ctx);
  }
  SSL_CTX_free(es->ctx);
  if(es->front_ctx != es->ctx)
    SSL_CTX_free(es->front_ctx);
  SSL_CTX_free(es->alt_ctx);
  free(es);
}

static void guid(char out[40])
{
  unsigned char r[16];
  if(RAND_bytes(r, sizeof r) != 1)
    memset(r, 0x5a, sizeof r);
  snprintf(out, 40, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
           r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12],
           r[13], r[14], r[15]);
}

static void hdr(struct answer *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void hdr(struct answer *a, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  mc_buf_vprintf(&a->head, fmt, ap);
  va_end(ap);
  mc_buf_addstr(&a->head, "\r\n");
}

static void html(struct answer *a, const char *title, const char *text)
{
  hdr(a, "Content-Type: text/html");
  mc_buf_printf(&a->body, "<!DOCTYPE html><html><head><title>%s</title></head><body>"
                "<h1>%s</h1><p>%s</p></body></html>\r\n", title, title, text);
}

static void set(struct answer *a, int status, const char *reason, int sub, unsigned long w32)
{
  a->status = status;
  a->reason = reason;
  a->substatus = sub;
  a->win32 = w32;
  a->log = true;
}

/* The headers IIS and Exchange put on every EWS answer of this server. */
static void server_headers(struct conn *c, struct answer *a, const char *reqid, bool proxied)
{
  /* The device's header: the relay only copies bytes, so the server adds it
   * for the device (a real one inserts it on the way). */
  if(c->es->p->via)
    hdr(a, "Via: %s", c->es->p->via);
  if(c->es->p->version == 2010) {
    hdr(a, "Server: Microsoft-IIS/7.5");
    hdr(a, "X-AspNet-Version: 2.0.50727");
    hdr(a, "X-Powered-By: ASP.NET");
    return;
  }
  hdr(a, "Server: Microsoft-IIS/10.0");
  hdr(a, "request-id: %s", reqid);
  if(proxied) {
    hdr(a, "X-CalculatedBETarget: %s", c->srv->fqdn);
    hdr(a, "X-BEServer: %s", c->srv->name);
  }
  hdr(a, "X-FEServer: %s", c->srv->name);
  hdr(a, "X-Powered-By: ASP.NET");
}

static void challenge_headers(struct conn *c, struct answer *a)
{
  const struct mc_lab_ews_profile *p = c->es->p;
  if(!p->no_windows_auth) {
    hdr(a, "WWW-Authenticate: Negotiate");
    hdr(a, "WWW-Authenticate: NTLM");
  }
  if(!p->no_basic_auth)
    hdr(a, "WWW-Authenticate: Basic realm=\"%s\"", c->site->host);
  if(p->version != 2010) {
    hdr(a, "X-OWA-Version: 15.1.2507.6");
    hdr(a, "X-FailureContext: FrontEnd;401;VW5hdXRob3JpemVk;;;;");
  }
}

static void unauthorized(struct conn *c, struct answer *a, const char *reqid, int sub,
                         unsigned long w32)
{
  set(a, 401, "Unauthorized", sub, w32);
  server_headers(c, a, reqid, false);
  challenge_headers(c, a);
  hdr(a, "Content-Type: text/html");
}

/* b64 of X-FailureContext fields. */
static void failure_context(struct answer *a, const char *point, int status, const char *err,
                            const char *details)
{
  struct mc_buf e = MC_BUF_INIT(2048), d = MC_BUF_INIT(4096);
  mc_base64_encode(&e, err, strlen(err));
  mc_base64_encode(&d, details, strlen(details));
  hdr(a, "X-FailureContext: %s;%d;%s;%s;;ProtocolError;", point, status, e.ptr, d.ptr);
  mc_buf_release(&e);
  mc_buf_release(&d);
}

/* A hostile (or badly written) server: the Basic login is refused with a
 * 403 that repeats the credentials it carried - user:password in the
 * X-FailureContext and the page title, the base64 token and the
 * URL-encoded password in the Location. */
static void echo_basic(struct conn *c, struct answer *a, const char *reqid,
                       const struct mc_slice token, const struct mc_buf *raw)
{
  set(a, 403, "Forbidden", 0, 5);
  server_headers(c, a, reqid, false);
  hdr(a, "X-FailureContext: BackEnd;403;%.*s;;;LogonDenied;", (int)raw->len, raw->ptr);
  struct mc_buf url = MC_BUF_INIT(1024);
  const char *colon = memchr(raw->ptr, ':', raw->len);
  for(const char *p = colon ? colon + 1 : raw->ptr; p < raw->ptr + raw->len; p++)
    mc_buf_printf(&url, "%%%02X", (unsigned char)*p);
  hdr(a, "Location: https://%s/owa/auth/logon.aspx?reason=2&token=%.*s&pw=%s", c->site->host,
      (int)token.n, token.p, url.ptr ? url.ptr : "");
  mc_buf_release(&url);
  hdr(a, "Content-Type: text/html");
  mc_buf_printf(&a->body, "<!DOCTYPE html><html><head><title>Access denied for %.*s</title>"
                "</head><body>Access denied</body></html>\r\n", (int)raw->len, raw->ptr);
}

/* Checks an Authorization header; returns true when the request may go on
 * as signed in, else fills the 401 (or the NTLM challenge). */
static bool authenticate(struct conn *c, const struct mc_lab_http_req *q, struct answer *a,
                         const char *reqid)
{
  const struct mc_lab_ews_profile *p = c->es->p;
  if(c->signed_in) {
    a->username = c->user;
    return true;
  }
  struct mc_slice auth = mc_lab_http_header(q, "Authorization");
  const char *sp = auth.n ? memchr(auth.p, ' ', auth.n) : NULL;
  struct mc_slice scheme = { auth.p, sp ? (size_t)(sp - auth.p) : auth.n };
  struct mc_slice token = { sp ? sp + 1 : auth.p + auth.n,
                            sp ? auth.n - (size_t)(sp + 1 - auth.p) : 0 };
  struct mc_buf raw = MC_BUF_INIT(8192);
  bool ok = false;
  if(mc_slice_caseeq(scheme, "NTLM") && !p->no_windows_auth &&
     mc_base64_decode(&raw, token.p, token.n) == MC_OK) {
    const unsigned char *m = (const unsigned char *)raw.ptr;
    int type = mc_lab_ntlm_type(m, raw.len);
    if(type == 1) {
      struct mc_buf t2 = MC_BUF_INIT(4096), t2b = MC_BUF_INIT(8192);
      mc_lab_ntlm_begin(&c->ntlm, &c->srv->names, m, raw.len, &t2);
      if(p->mangled_challenge && t2.len >= 48)
        t2.ptr[45] = 0x10;          /* TargetInfo offset + 4096 */
      mc_base64_encode(&t2b, t2.ptr, t2.len);
      set(a, 401, "Unauthorized", 1, 2148074254ul);   /* SEC_E_NO_CREDENTIALS: leg one */
      server_headers(c, a, reqid, false);
      hdr(a, "WWW-Authenticate: NTLM %s", t2b.ptr);
      hdr(a, "Content-Type: text/html");
      mc_buf_release(&t2);
      mc_buf_release(&t2b);
    }
    else if(type == 3 && !c->ntlm.challenged)
      unauthorized(c, a, reqid, 1, 2148074248ul);     /* SEC_E_INVALID_TOKEN: split legs */
    else if(type == 3) {
      char claimed[160];
      /* Bound to the channel IIS terminates: its own certificate. */
      enum mc_lab_ntlm_verdict v = mc_lab_ntlm_finish(&c->ntlm, m, raw.len, c->es->password,
                                                      p->ep, c->ssl, claimed, sizeof claimed);
      if(v == MC_LAB_NTLM_OK) {
        c->signed_in = true;
        mc_strlcpy(c->user, claimed, sizeof c->user);
        a->username = c->user;
        ok = true;
      }
      else if(v == MC_LAB_NTLM_NO_BINDING)
        unauthorized(c, a, reqid, 1, 2148074310ul);   /* SEC_E_BAD_BINDINGS */
      else
        unauthorized(c, a, reqid, 1, 2148074252ul);   /* SEC_E_LOGON_DENIED */
    }
    else
      unauthorized(c, a, reqid, 1, 2148074248ul);
  }
  else if(mc_slice_caseeq(scheme, "Basic") && p->echo_credentials &&
          mc_base64_decode(&raw, token.p, token.n) == MC_OK && raw.ptr)
    echo_basic(c, a, reqid, token, &raw);
  else if(mc_slice_caseeq(scheme, "Basic") && !p->no_basic_auth &&
          mc_base64_decode(&raw, token.p, token.n) == MC_OK) {
    const char *colon = memchr(raw.ptr, ':', raw.len);
    bool user_ok = colon && ((size_t)(colon - raw.ptr) == strlen(MC_LAB_ACCOUNT)) &&
                   strncasecmp(raw.ptr, MC_LAB_ACCOUNT, strlen(MC_LAB_ACCOUNT)) == 0;
    bool pass_ok = colon && strlen(c->es->password) == raw.len - (size_t)(colon + 1 - raw.ptr) &&
                   memcmp(colon + 1, c->es->password, strlen(c->es->password)) == 0;
    if(user_ok && pass_ok) {
      mc_strlcpy(c->user, MC_LAB_ACCOUNT, sizeof c->user);
      a->username = c->user;
      ok = true;
    }
    else
      unauthorized(c, a, reqid, 1, 0);                /* Basic logon failed */
  }
  else
    unauthorized(c, a, reqid, 2, 5);                  /* anonymous: the challenge */
  if(raw.ptr)
    explicit_bzero(raw.ptr, raw.cap);
  mc_buf_release(&raw);
  return ok;
}

static void mrsproxy(struct conn *c, const struct mc_lab_http_req *q, const char *body,
                     struct answer *a, const char *reqid)
{
  const struct mc_lab_ews_profile *p = c->es->p;
  if(p->handler_missing) {
    /* No svc-Integrated mapping: the static file handler refuses POST. */
    set(a, 405, "Method Not Allowed", 0, 1);
    server_headers(c, a, reqid, true);
    hdr(a, "Allow: OPTIONS, TRACE, GET, HEAD");
    html(a, "405 - HTTP verb used to access this page is not allowed.",
         "The page you are looking for cannot be displayed because an invalid method "
         "(HTTP verb) was used to attempt access.");
    return;
  }
  if(!c->srv->mrsproxy) {
    set(a, 403, "Forbidden", 0, 0);
    server_headers(c, a, reqid, false);
    html(a, "MRS proxy service is disabled", "[HttpException]: MRS proxy service is disabled");
    return;
  }
  if(!mc_slice_caseeq(q->method, "POST")) {
    set(a, 200, "OK", 0, 0);
    server_headers(c, a, reqid, true);
    html(a, "MailboxReplicationProxyService Service", "You have created a service.");
    return;
  }
  if(p->wcf_quota && q->content_length > p->wcf_quota) {
    /* WCF refuses a message above maxReceivedMessageSize: 400, empty body. */
    set(a, 400, "Bad Request", 0, 0);
    server_headers(c, a, reqid, true);
    return;
  }
  hdr(a, "Content-Type: application/soap+xml; charset=utf-8");
  bool known = mc_memcasemem(body, q->body_len, "ExchangeVersionInformation") != NULL;
  set(a, known ? 200 : 500, known ? "OK" : "Internal Server Error", 0, 0);
  server_headers(c, a, reqid, true);
  mc_buf_addstr(&a->body, "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\" "
                "xmlns:a=\"http://www.w3.org/2005/08/addressing\"><s:Header/><s:Body>");
  if(known)
    mc_buf_printf(&a->body, "<ExchangeVersionInformationResponse xmlns=\"http://schemas."
                  "microsoft.com/exchange/services/2006/messages\"><serverVersion>%s"
                  "</serverVersion></ExchangeVersionInformationResponse>",
                  p->version == 2010 ? "14.3.513.0" : "15.1.2507.6");
  else
    mc_buf_addstr(&a->body, "<s:Fault><s:Code><s:Value>s:Sender</s:Value><s:Subcode>"
                  "<s:Value>a:ActionNotSupported</s:Value></s:Subcode></s:Code><s:Reason>"
                  "<s:Text xml:lang=\"en-US\">The message with Action cannot be processed at "
                  "the receiver.</s:Text></s:Reason></s:Fault>");
  mc_buf_addstr(&a->body, "</s:Body></s:Envelope>");
}

/* The device in front of a profile with an auth_block: true when it
 * answered (or dropped) a request that carries credentials. Never logged:
 * the request did not reach a server. */
static bool block_auth(struct conn *c, const struct mc_lab_http_req *q, struct answer *a)
{
  enum mc_lab_ews_auth_block b = c->es->p->auth_block;
  if(b == MC_LAB_EWS_BLOCK_NONE || !mc_lab_http_header(q, "Authorization").n)
    return false;
  switch(b) {
  case MC_LAB_EWS_BLOCK_RESET:
    a->reset = true;
    break;
  case MC_LAB_EWS_BLOCK_STALL:
    a->slow = true;
    a->held = true;
    break;
  case MC_LAB_EWS_BLOCK_DEVICE_403:
    a->status = 403;
    a->reason = "Forbidden";
    hdr(a, "Server: Contoso-WAF");
    html(a, "Request Rejected", "The requested URL was rejected. Please consult with your "
         "administrator.");
    break;
  case MC_LAB_EWS_BLOCK_REDIRECT:
    a->status = 302;
    a->reason = "Found";
    hdr(a, "Location: https://%s:%d/my.policy", c->site->host, c->site->port);
    hdr(a, "Server: Contoso-WAF");
    html(a, "Object moved", "This document may be found here.");
    break;
  case MC_LAB_EWS_BLOCK_NONE:
    break;
  }
  return true;
}

/* The whole decision for one request. */
static void answer(struct conn *c, const struct mc_lab_http_req *q, const char *body,
                   struct answer *a, const char *reqid)
{
  const struct mc_lab_ews_profile *p = c->es->p;
  bool is_mrs = mc_slice_caseeq(q->path, "/EWS/mrsproxy.svc");
  bool is_asmx = mc_slice_caseeq(q->path, "/EWS/Exchange.asmx");
  if(block_auth(c, q, a))
    return;
  switch(p->front) {
  case MC_LAB_EWS_FRONT_LOGIN_REDIRECT:
    a->status = 302;
    a->reason = "Moved Temporarily";
    hdr(a, "Location: https://%s:%d/CookieAuth.dll?GetLogon?curl=Z2F%.*s&reason=0&formdir=3",
        c->site->host, c->site->port, (int)(q->path.n > 1 ? q->path.n - 1 : 0), q->path.p + 1);
    hdr(a, "Via: 1.1 TMG01");
    html(a, "Object moved", "This document may be found here.");
    return;
  case MC_LAB_EWS_FRONT_FOREIGN_BASIC:
    a->status = 401;
    a->reason = "Unauthorized";
    hdr(a, "Server: Secure-Gateway");
    hdr(a, "WWW-Authenticate: Basic realm=\"Contoso Secure Gateway\"");
    html(a, "Sign in", "Please sign in to Contoso Secure Gateway.");
    return;
  case MC_LAB_EWS_FRONT_NOT_PUBLISHED:
    if(q->path.n == 1) {
      set(a, 200, "OK", 0, 0);
      hdr(a, "Server: Microsoft-IIS/10.0");
      html(a, "IIS Windows Server", "IIS Windows Server");
      return;
    }
    set(a, 404, "Not Found", 0, 2);
    hdr(a, "Server: Microsoft-IIS/10.0");
    hdr(a, "X-Powered-By: ASP.NET");
    html(a, "404 - File or directory not found.", "The resource you are looking for might "
         "have been removed, had its name changed, or is temporarily unavailable.");
    return;
  case MC_LAB_EWS_FRONT_MRS_RESET:
    if(is_mrs) {
      a->reset = true;
      return;
    }
    break;
  case MC_LAB_EWS_FRONT_EXCHANGE:
    break;
  }
  if(!is_mrs && !is_asmx) {
    set(a, 404, "Not Found", 0, 2);
    server_headers(c, a, reqid, false);
    html(a, "404 - File or directory not found.", "The resource you are looking for might "
         "have been removed.");
    return;
  }
  /* The back end fails before any login: what the front end passes on. */
  static const struct {
    int status;
    const char *reason, *error, *details, *title, *text;
  } faults[] = {
    [MC_LAB_EWS_FAULT_UNAVAILABLE] = { 503, "Service Unavailable", "Service Unavailable",
                            "The application pool MSExchangeServicesAppPool on the back end "
                            "is not running", "Service Unavailable",
                            "HTTP Error 503. The service is unavailable." },
    [MC_LAB_EWS_FAULT_SERVER_ERROR] = { 500, "Internal Server Error",
                             "System.IO.FileNotFoundException", "Could not load file or assembly 'Microsoft.Exchange.Diagnostics' "
                             "or one of its dependencies", "Runtime Error",
                             "Server Error in '/EWS' Application." },
  };
  enum mc_lab_ews_fault fault = p->pool_down[c->srv - c->es->srv] ? MC_LAB_EWS_FAULT_UNAVAILABLE :
                                 p->fault;
  if(fault == MC_LAB_EWS_FAULT_SLOW) {
    a->slow = true;
    return;
  }
  if(fault != MC_LAB_EWS_FAULT_NONE) {
    set(a, faults[fault].status, faults[fault].reason, 0, 0);
    server_headers(c, a, reqid, false);
    failure_context(a, "BackEnd", faults[fault].status, faults[fault].error,
                    faults[fault].details);
    html(a, faults[fault].title, faults[fault].text);
    return;
  }
  if(!authenticate(c, q, a, reqid))
    return;
  if(is_mrs) {
    mrsproxy(c, q, body, a, reqid);
    return;
  }
  set(a, 200, "OK", 0, 0);
  server_headers(c, a, reqid, true);
  html(a, "Exchange Web Services", "You have created a service.");
}

static void write_answer(struct conn *c, struct answer *a, bool keep)
{
  struct mc_buf out = MC_BUF_INIT(BUF_MAX);
  mc_buf_printf(&out, "HTTP/1.1 %d %s\r\n%s", a->status, a->reason,
                a->head.ptr ? a->head.ptr : "");
  if(c->es->p->huge_header) {
    /* One header line past libcurl's 100 KB limit, as a load balancer's
     * runaway persistence cookie would be. */
    char chunk[4096];
    memset(chunk, 'A', sizeof chunk);
    SSL_write(c->ssl, out.ptr, (int)out.len);
    mc_buf_reset(&out);
    SSL_write(c->ssl, "Set-Cookie: LBPERSIST=", 22);
    for(int i = 0; i < 30; i++)
      SSL_write(c->ssl, chunk, (int)sizeof chunk);
    SSL_write(c->ssl, "; path=/\r\n", 10);
  }
  mc_lab_http_end_head(&out, a->body.len, keep);
  mc_buf_add(&out, a->body.ptr ? a->body.ptr : "", a->body.len);
  if(out.ptr)
    SSL_write(c->ssl, out.ptr, (int)out.len);
  mc_buf_release(&out);
}

/* Reads more bytes into the buffer; false on close, error or timeout. */
static bool read_more(struct conn *c)
{
  if(c->len >= BUF_MAX || mc_lab_stopping(c->lab))
    return false;
  int n = SSL_read(c->ssl, c->buf + c->len, (int)(BUF_MAX - c->len));
  if(n <= 0)
    return false;
  c->len += (size_t)n;
  c->buf[c->len] = '\0';
  return true;
}

static void log_answer(struct conn *c, const struct mc_lab_http_req *q, const struct answer *a,
                       const char *reqid, int64_t t0)
{
  if(!a->log || !c->srv->log)
    return;
  char stem[512], query[2048], method[32], ua[512];
  snprintf(method, sizeof method, "%.*s", (int)q->method.n, q->method.p);
  snprintf(stem, sizeof stem, "%.*s", (int)q->path.n, q->path.p);
  struct mc_slice uas = mc_lab_http_header(q, "User-Agent");
  snprintf(ua, sizeof ua, "%.*s", (int)uas.n, uas.p);
  if(c->es->p->version == 2010)
    snprintf(query, sizeof query, "%.*s", (int)q->query.n, q->query.p);
  else
    snprintf(query, sizeof query, "%.*s&CorrelationID=<empty>;&cafeReqId=%s;", (int)q->query.n,
             q->query.p, reqid);
  struct mc_lab_iis_entry e = {
    .method = method, .stem = stem, .query = query, .s_port = c->site->port,
    .username = a->username, .c_ip = c->peer, .user_agent = ua, .status = a->status,
    .substatus = a->substatus, .win32 = a->win32, .time_taken_ms = mc_now_ms() - t0,
  };
  mc_lab_iislog_write(c->srv->log, &e);
}

/* A backend that never answers: wait for the client to give up. */
static void stall(struct conn *c)
{
  int64_t until = mc_now_ms() + SLOW_MAX_MS;
  while(!mc_lab_stopping(c->lab) && mc_now_ms() < until) {
    struct pollfd pf = { .fd = c->fd, .events = POLLIN };
    if(poll(&pf, 1, 200) != 0)
      break;
  }
}

static bool ews_more(void *arg)
{
  return read_more(arg);
}

/* Reads and drops the rest of q's body (at most its Content-Length). */
static void drain(struct conn *c, const struct mc_lab_http_req *q, size_t upto)
{
  size_t got = c->len - q->head_len;
  c->len = q->head_len;
  while(got < upto && read_more(c)) {
    got += c->len - q->head_len;
    c->len = q->head_len;
  }
}

/* The body limit in front of mrsproxy.svc, judged on the head as a device
 * or IIS request filtering does. */
static bool ews_head(void *arg, const struct mc_lab_http_req *q)
{
  struct conn *c = arg;
  const struct mc_lab_ews_profile *p = c->es->p;
  if(!p->body_limit || q->content_length <= p->body_limit ||
     !mc_slice_caseeq(q->path, "/EWS/mrsproxy.svc"))
    return true;
  if(p->limit == MC_LAB_EWS_LIMIT_DROP) {
    /* Part of the upload, then a reset. */
    drain(c, q, 128 * 1024);
    struct linger lg = { .l_onoff = 1, .l_linger = 0 };
    setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    return false;
  }
  drain(c, q, q->content_length);
  struct answer a = { .head = MC_BUF_INIT(16384), .body = MC_BUF_INIT(16384) };
  if(p->limit == MC_LAB_EWS_LIMIT_413) {
    set(&a, 413, "Request Entity Too Large", 0, 0);
    hdr(&a, "Server: Contoso-WAF");
    html(&a, "413 Request Entity Too Large", "The request body is larger than this "
         "gateway allows.");
  }
  else {
    set(&a, 404, "Not Found", 13, 0);
    hdr(&a, "Server: Microsoft-IIS/10.0");
    html(&a, "IIS 10.0 Detailed Error - 404.13 - Not Found", "HTTP Error 404.13 - Not "
         "Found: The request filtering module is configured to deny a request that exceeds "
         "the request content length.");
  }
  write_answer(c, &a, false);
  mc_buf_release(&a.head);
  mc_buf_release(&a.body);
  return false;
}

static void ews_send(void *arg, const char *p, size_t n)
{
  struct conn *c = arg;
  SSL_write(c->ssl, p, (int)n);
}

static void serve(struct conn *c)
{
  struct mc_lab_http_io io = { c->buf, &c->len, ews_more, ews_send, c, ews_head };
  for(;;) {
    struct mc_lab_http_req q;
    if(!mc_lab_http_next(&io, &q))
      return;
    int64_t t0 = mc_now_ms();
    char reqid[40];
    guid(reqid);
    struct answer a = { .head = MC_BUF_INIT(16384), .body = MC_BUF_INIT(16384) };
    answer(c, &q, c->buf + q.head_len, &a, reqid);
    if(a.reset) {
      struct linger lg = { .l_onoff = 1, .l_linger = 0 };
      setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
      mc_buf_release(&a.head);
      mc_buf_release(&a.body);
      return;
    }
    if(a.slow) {
      stall(c);
      set(&a, 200, "OK", 0, 64);     /* the client had gone: ERROR_NETNAME_DELETED */
      server_headers(c, &a, reqid, true);
      if(!a.held)
        log_answer(c, &q, &a, reqid, t0);
      mc_buf_release(&a.head);
      mc_buf_release(&a.body);
      return;
    }
    bool keep = q.keep_alive && !a.close && !mc_lab_stopping(c->lab);
    write_answer(c, &a, keep);
    log_answer(c, &q, &a, reqid, t0);
    mc_buf_release(&a.head);
    mc_buf_release(&a.body);
    if(!keep)
      return;
    mc_lab_http_consume(&io, &q);
  }
}

static void ews_serve(void *arg, SSL *ssl)
{
  struct conn *c = arg;
  c->ssl = ssl;
  serve(c);
}

/* One connection to the servers, over TLS with ctx. */
static void serve_tls(struct mc_lab *lab, struct mc_lab_site *site, int fd, SSL_CTX *ctx)
{
  struct ews_site *es = site->priv;
  struct conn *c = mc_xcalloc(1, sizeof *c);
  c->lab = lab;
  c->site = site;
  c->es = es;
  c->fd = fd;
  c->srv = &es->srv[atomic_fetch_add(&es->next, 1) % es->nsrv];
  mc_lab_http_conn(fd, ctx == es->ctx && c->srv->ctx ? c->srv->ctx : ctx, c->peer,
                   sizeof c->peer, ews_serve, c);
  explicit_bzero(&c->ntlm, sizeof c->ntlm);
  free(c);
}

static void ews_conn(struct mc_lab *lab, struct mc_lab_site *site, int fd)
{
  serve_tls(lab, site, fd, ((struct ews_site *)site->priv)->ctx);
}

/* The second address: the same servers behind another site's TLS, whose
 * certificate is for other names. */
static void alt_conn(struct mc_lab *lab, struct mc_lab_site *site, int fd)
{
  serve_tls(lab, site, fd, ((struct ews_site *)site->priv)->alt_ctx);
}

/* The device in front: terminates the client's TLS with its own context,
 * opens TLS to the server behind it and copies bytes both ways until one
 * side closes. One back-end connection per client connection, so NTLM's
 * per-connection state holds (as a device with connection pooling off). */
/* SSL_write of all n bytes on a non-blocking socket. */
static bool relay_write(SSL *to, int fd, const char *p, int n)
{
  while(n > 0) {
    int w = SSL_write(to, p, n);
    if(w > 0) {
      p += w;
      n -= w;
      continue;
    }
    int e = SSL_get_error(to, w);
    struct pollfd pf = { fd, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, 0 };
    if((e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) || poll(&pf, 1, 15000) <= 0)
      return false;
  }
  return true;
}

static void relay_pump(SSL *a, int afd, SSL *b, int bfd)
{
  char buf[16384];
  fcntl(afd, F_SETFL, fcntl(afd, F_GETFL) | O_NONBLOCK);
  fcntl(bfd, F_SETFL, fcntl(bfd, F_GETFL) | O_NONBLOCK);
  SSL *from[2] = { a, b }, *to[2] = { b, a };
  int tofd[2] = { bfd, afd };
  for(;;) {
    struct pollfd pf[2] = { { afd, POLLIN, 0 }, { bfd, POLLIN, 0 } };
    if(!SSL_pending(a) && !SSL_pending(b) && poll(pf, 2, 15000) <= 0)
      return;
    for(int i = 0; i < 2; i++) {
      if(!SSL_pending(from[i]) && !(pf[i].revents & (POLLIN | POLLHUP | POLLERR)))
        continue;
      int n = SSL_read(from[i], buf, sizeof buf);
      if(n > 0) {
        if(!relay_write(to[i], tofd[i], buf, n))
          return;
        continue;
      }
      int e = SSL_get_error(from[i], n);
      if(e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE)
        return;             /* closed or failed: the device drops both sides */
    }
  }
}

static void relay_conn(struct mc_lab *lab, struct mc_lab_site *site, int fd)
{
  struct ews_site *es = site->priv;
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  SSL *front = SSL_new(es->front_ctx);
  SSL_CTX *cctx = SSL_CTX_new(TLS_client_method());
  SSL *back = cctx ? SSL_new(cctx) : NULL;
  int bfd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)es->back_port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
  if(front && back && bfd >= 0 && !mc_lab_stopping(lab)) {
    struct timeval tv = { 15, 0 };
    setsockopt(bfd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(bfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    SSL_set_fd(front, fd);
    SSL_set_fd(back, bfd);
    if(SSL_accept(front) == 1 && connect(bfd, (struct sockaddr *)&sa, sizeof sa) == 0 &&
       SSL_connect(back) == 1)
      relay_pump(front, fd, back, bfd);
  }
  SSL_free(front);
  SSL_free(back);
  SSL_CTX_free(cctx);
  if(bfd >= 0)
    close(bfd);
  ERR_clear_error();
  close(fd);
}

mc_code mc_lab_exchange_start(struct mc_lab *lab, struct mc_lab_site *site)
{
  const struct mc_lab_ews_profile *p = site->sc->ews;
  if(!p)
    return MC_ERR_USAGE;
  struct ews_site *es = mc_xcalloc(1, sizeof *es);
  es->p = p;
  mc_strlcpy(es->password, p->account_changed ? "Changed-After-Leave-2024" : mc_lab_account_password(),
             sizeof es->password);
  for(size_t i = 0; i < 2 && p->servers[i]; i++) {
    struct server *s = &es->srv[es->nsrv++];
    mc_strlcpy(s->name, p->servers[i], sizeof s->name);
    snprintf(s->fqdn, sizeof s->fqdn, "%s.contoso.local", p->servers[i]);
    for(char *f = s->fqdn; *f; f++)
      *f = (char)tolower((unsigned char)*f);
    s->mrsproxy = !p->mrsproxy_off[i];
    s->log = mc_lab_iislog_new(mc_lab_dir(lab), s->name);
    s->names = (struct mc_lab_ntlm_names){
      .nb_domain = "CONTOSO", .nb_computer = s->name, .dns_domain = "contoso.local",
      .dns_computer = s->fqdn, .os_major = p->version == 2010 ? 6 : 10,
      .os_minor = p->version == 2010 ? 1 : 0,
      .os_build = p->version == 2010 ? 7601 : p->version == 2019 ? 17763 : 14393,
    };
  }
  mc_code rc = mc_lab_tls_ctx(lab, site, &es->ctx);
  if(!rc && p->first_expired)
    rc = mc_lab_tls_ctx_as(lab, site, MC_LAB_CERT_EXPIRED, &es->srv[0].ctx);
  site->priv = es;
  site->priv_free = ews_free;
  if(rc)
    return rc;
  if(p->relay != MC_LAB_EWS_RELAY_NONE) {
    /* Exchange listens behind the device; the device gets the site's port.
     * Its own certificate is a second leaf for the same name (another key). */
    rc = mc_lab_listen(lab, site, 64, ews_conn, &es->back_port);
    if(!rc && p->relay == MC_LAB_EWS_RELAY_OTHER_CERT)
      rc = mc_lab_tls_ctx(lab, site, &es->front_ctx);
    else
      es->front_ctx = es->ctx;
    if(!rc)
      rc = mc_lab_serve(lab, site, relay_conn);
  }
  else
    rc = mc_lab_serve(lab, site, ews_conn);
  if(!rc && site->sc->addrs == MC_LAB_ADDRS_SECOND_OTHER) {
    rc = mc_lab_tls_ctx_as(lab, site, MC_LAB_CERT_OTHER_NAME, &es->alt_ctx);
    if(!rc)
      rc = mc_lab_listen_second(lab, site, site->port, alt_conn);
  }
  if(rc)
    return rc;
  snprintf(site->command, sizeof site->command, "remote-move --server %s %s%s", site->target,
           site->args, p->signs_in ? " --user " MC_LAB_ACCOUNT : "");
  if(p->signs_in)
    mc_strlcpy(site->env_password, mc_lab_account_password(), sizeof site->env_password);
  mc_strlcpy(site->logs, mc_lab_dir(lab), sizeof site->logs);
  return MC_OK;
}
