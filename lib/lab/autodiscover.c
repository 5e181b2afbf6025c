/*
 * autodiscover.c - the lab's Autodiscover: the on-premises side of the
 * discovery chain for the domain contoso.test, misconfigured the way its
 * profile says.
 *
 * A scenario has: one HTTPS listener that serves every name of the domain
 * (the Host header picks the role: Autodiscover, or a plain web site that
 * answers 404), one plain-HTTP listener (the port-80 redirect), a closed
 * port (a place where nothing listens), and a DNS server (dns_server.c)
 * holding the scenario's SRV record. The lab only listens on loopback with
 * kernel-picked ports, so the scenario's command carries --resolve for the
 * names that exist, --port-map 443=HTTPS,80=HTTP (or the closed port) and
 * --dns-server for the rest: names without a --resolve reach the lab's DNS
 * server, which says they do not exist.
 *
 * Per connection: (TLS accept) -> loop { read a request (http_req.c,
 * bounded) -> sign-in (NTLM via ntlm_server.c, or Basic) where the role
 * needs it -> mc_lab_ad_respond() -> write } until the client closes or
 * the lab stops. The profile is lab configuration held by the scenario's
 * row (.ad in scenarios.c); migcheck sees only the answers.
 */
#include "lab/autodiscover.h"
#include "lab/dns_server.h"
#include "lab/exchange.h"
#include "lab/ntlm_server.h"
#include "lab/tls_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "util/base64.h"

#define DOMAIN "contoso.test"
#define BUF_MAX (MC_LAB_HTTP_HEAD_MAX + MC_LAB_HTTP_BODY_MAX)
#define RESPONSE_NS "http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006"
#define OUTLOOK_NS \
  "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a"
#define REQUEST_NS \
  "http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"

/* The external names a profile hands out: EWS, and Outlook Anywhere. */
static const char *ews_name(const struct mc_lab_ad_profile *p)
{
  return p->kind == MC_LAB_AD_INTERNAL ? "ex16-01.contoso.local" : p->ews_host ? p->ews_host :
         "mail." DOMAIN;
}

static const char *oa_name(const struct mc_lab_ad_profile *p)
{
  return p->oa_host ? p->oa_host : ews_name(p);
}

struct ad_site {
  const struct mc_lab_ad_profile *p;
  SSL_CTX *ctx;
  struct mc_lab_dns_record recs[1];
  size_t nrecs;
  char srv_target[64];
  char password[64];
};

static void ad_site_free(void *v)
{
  struct ad_site *s = v;
  SSL_CTX_free(s->ctx);
  free(s);
}

static void hdr(struct mc_lab_ad_reply *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void hdr(struct mc_lab_ad_reply *r, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  mc_buf_vprintf(&r->head, fmt, ap);
  va_end(ap);
  mc_buf_addstr(&r->head, "\r\n");
}

static void status(struct mc_lab_ad_reply *r, int st, const char *reason)
{
  r->status = st;
  r->reason = reason;
  hdr(r, "Server: Microsoft-IIS/10.0");
  hdr(r, "X-Powered-By: ASP.NET");
}

static void page(struct mc_lab_ad_reply *r, int st, const char *reason, const char *title)
{
  status(r, st, reason);
  hdr(r, "Content-Type: text/html");
  mc_buf_printf(&r->body, "<!DOCTYPE html><html><head><title>%s</title></head><body><h1>%s"
                "</h1></body></html>\r\n", title, title);
}

/* The text between <tag> and </tag> (any prefix) in body, into out. */
static bool element_text(const char *body, size_t n, const char *tag, char *out, size_t outlen)
{
  char open[64];
  snprintf(open, sizeof open, "%s>", tag);
  const char *p = mc_memcasemem(body, n, open);
  if(!p || (p > body && p[-1] != '<' && p[-1] != ':'))
    return false;
  p += strlen(open);
  const char *e = memchr(p, '<', n - (size_t)(p - body));
  if(!e || (size_t)(e - p) >= outlen)
    return false;
  memcpy(out, p, (size_t)(e - p));
  out[e - p] = '\0';
  return true;
}

/* Whether host and path are EWS or MRSProxy on the profile's EWS host. */
static bool is_ews(const struct mc_lab_ad_profile *p, const char *host, struct mc_slice path)
{
  return strcasecmp(host, p->ews_host ? p->ews_host : "mail." DOMAIN) == 0 &&
         (mc_slice_caseeq(path, "/EWS/Exchange.asmx") ||
          mc_slice_caseeq(path, "/EWS/mrsproxy.svc"));
}

/* EWS and MRSProxy for a signed-in request, enough for remote-move to find
 * a working MRSProxy (Exchange 2016 headers, a SOAP answer). */
static void ews(const struct mc_lab_http_req *q, struct mc_lab_ad_reply *r)
{
  status(r, 200, "OK");
  hdr(r, "X-FEServer: EX16-01");
  hdr(r, "X-BEServer: EX16-01");
  if(mc_slice_caseeq(q->path, "/EWS/mrsproxy.svc") && mc_slice_caseeq(q->method, "POST")) {
    hdr(r, "Content-Type: application/soap+xml; charset=utf-8");
    mc_buf_addstr(&r->body, "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\">"
                  "<s:Header/><s:Body><ExchangeVersionInformationResponse xmlns=\"http://"
                  "schemas.microsoft.com/exchange/services/2006/messages\"><serverVersion>"
                  "15.1.2507.6</serverVersion></ExchangeVersionInformationResponse></s:Body>"
                  "</s:Envelope>");
    return;
  }
  hdr(r, "Content-Type: text/html");
  mc_buf_addstr(&r->body, "<html><head><title>Exchange Web Services</title></head><body>"
                "You have created a service.</body></html>");
}

static void challenge(struct mc_lab_ad_reply *out, const struct mc_lab_ad_profile *p, const char *host)
{
  status(out, 401, "Unauthorized");
  if(!p->echo_basic) {
    hdr(out, "WWW-Authenticate: Negotiate");
    hdr(out, "WWW-Authenticate: NTLM");
  }
  hdr(out, "WWW-Authenticate: Basic realm=\"%s\"", host);
  hdr(out, "X-FEServer: EX16-01");
  hdr(out, "Content-Type: text/html");
  mc_buf_addstr(&out->body, "401 - Unauthorized: Access is denied due to invalid "
                "credentials.\r\n");
}

static bool is_ad_host(const struct mc_lab_ad_profile *p, const char *host)
{
  for(int i = 0; i < 3 && p->ad_hosts[i]; i++) {
    if(strcasecmp(p->ad_hosts[i], host) == 0)
      return true;
  }
  return false;
}

static void pox_open(struct mc_lab_ad_reply *r)
{
  status(r, 200, "OK");
  hdr(r, "Content-Type: text/xml; charset=utf-8");
  mc_buf_printf(&r->body, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<Autodiscover "
                "xmlns=\"%s\">\r\n  <Response xmlns=\"%s\">\r\n", RESPONSE_NS, OUTLOOK_NS);
}

static void pox_close(struct mc_lab_ad_reply *r)
{
  mc_buf_addstr(&r->body, "  </Response>\r\n</Autodiscover>\r\n");
}

static void pox_error(struct mc_lab_ad_reply *r, const char *code, const char *msg)
{
  status(r, 200, "OK");
  hdr(r, "Content-Type: text/xml; charset=utf-8");
  mc_buf_printf(&r->body, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<Autodiscover "
                "xmlns=\"%s\">\r\n  <Response>\r\n    <Error Time=\"10:12:41.2365271\" "
                "Id=\"2738491727\">\r\n      <ErrorCode>%s</ErrorCode>\r\n      <Message>%s"
                "</Message>\r\n      <DebugData />\r\n    </Error>\r\n  </Response>\r\n"
                "</Autodiscover>\r\n", RESPONSE_NS, code, msg);
}

static void pox_redirect(struct mc_lab_ad_reply *r, const char *action, const char *elem,
                         const char *to)
{
  pox_open(r);
  mc_buf_printf(&r->body, "    <Account>\r\n      <Action>%s</Action>\r\n      <%s>%s</%s>\r\n"
                "    </Account>\r\n", action, elem, to, elem);
  pox_close(r);
}

static void pox_settings(const struct mc_lab_ad_profile *p, const char *email, struct mc_lab_ad_reply *r)
{
  const char *ext = ews_name(p), *oa = oa_name(p);
  pox_open(r);
  mc_buf_printf(&r->body,
    "    <User>\r\n      <DisplayName>Migration Admin</DisplayName>\r\n"
    "      <LegacyDN>/o=Contoso/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients"
    "/cn=migadmin</LegacyDN>\r\n      <AutoDiscoverSMTPAddress>%s</AutoDiscoverSMTPAddress>\r\n"
    "      <DeploymentId>6b8f2c1e-3d4a-4f5b-9c7d-8e9f0a1b2c3d</DeploymentId>\r\n    </User>\r\n"
    "    <Account>\r\n      <AccountType>email</AccountType>\r\n      <Action>settings</Action>"
    "\r\n      <MicrosoftOnline>False</MicrosoftOnline>\r\n"
    "      <Protocol>\r\n        <Type>EXCH</Type>\r\n"
    "        <Server>1f0d4b8a-2c3e-4d5f-8a9b-0c1d2e3f4a5b@" DOMAIN "</Server>\r\n"
    "        <ServerDN>/o=Contoso/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn="
    "Configuration/cn=Servers/cn=1f0d4b8a-2c3e-4d5f-8a9b-0c1d2e3f4a5b@" DOMAIN "</ServerDN>\r\n"
    "        <ServerVersion>73C18880</ServerVersion>\r\n        <AuthPackage>Anonymous"
    "</AuthPackage>\r\n        <ASUrl>https://ex16-01.contoso.local/EWS/Exchange.asmx</ASUrl>"
    "\r\n        <EwsUrl>https://ex16-01.contoso.local/EWS/Exchange.asmx</EwsUrl>\r\n"
    "      </Protocol>\r\n", email);
  if(p->kind != MC_LAB_AD_NO_OA)
    mc_buf_printf(&r->body,
      "      <Protocol>\r\n        <Type>EXPR</Type>\r\n        <Server>%s</Server>\r\n"
      "        <SSL>On</SSL>\r\n        <AuthPackage>Ntlm</AuthPackage>\r\n"
      "        <CertPrincipalName>msstd:%s</CertPrincipalName>\r\n"
      "        <ASUrl>https://%s/EWS/Exchange.asmx</ASUrl>\r\n"
      "        <EwsUrl>https://%s/EWS/Exchange.asmx</EwsUrl>\r\n      </Protocol>\r\n",
      oa, oa, ext, ext);
  mc_buf_printf(&r->body,
    "      <Protocol>\r\n        <Type>WEB</Type>\r\n        <Internal>\r\n          <OWAUrl "
    "AuthenticationMethod=\"Basic, Fba\">https://ex16-01.contoso.local/owa/</OWAUrl>\r\n"
    "        </Internal>\r\n        <External>\r\n          <OWAUrl AuthenticationMethod=\"Fba\">"
    "https://%s/owa/</OWAUrl>\r\n        </External>\r\n      </Protocol>\r\n", ext);
  /* Mailboxes the account has full access to: a large but valid answer. */
  for(int i = 0; i < p->alt_mailboxes; i++)
    mc_buf_printf(&r->body, "      <AlternativeMailbox>\r\n        <Type>Delegate</Type>\r\n"
                  "        <DisplayName>Shared mailbox %03d</DisplayName>\r\n        "
                  "<SmtpAddress>shared%03d@" DOMAIN "</SmtpAddress>\r\n        "
                  "<OwnerSmtpAddress>shared%03d@" DOMAIN "</OwnerSmtpAddress>\r\n"
                  "      </AlternativeMailbox>\r\n", i, i, i);
  mc_buf_addstr(&r->body, "    </Account>\r\n");
  pox_close(r);
}

static void soap_settings(const struct mc_lab_ad_profile *p, const char *email,
                          struct mc_lab_ad_reply *r)
{
  const char *ext = ews_name(p), *oa = oa_name(p);
  status(r, 200, "OK");
  hdr(r, "Content-Type: text/xml; charset=utf-8");
  mc_buf_addstr(&r->body,
    "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:a=\"http://www.w3."
    "org/2005/08/addressing\"><s:Header><a:Action s:mustUnderstand=\"1\">http://schemas."
    "microsoft.com/exchange/2010/Autodiscover/Autodiscover/GetUserSettingsResponse</a:Action>"
    "</s:Header><s:Body><GetUserSettingsResponseMessage xmlns=\"http://schemas.microsoft.com/"
    "exchange/2010/Autodiscover\"><Response xmlns:i=\"http://www.w3.org/2001/XMLSchema-"
    "instance\"><ErrorCode>NoError</ErrorCode><ErrorMessage/><UserResponses><UserResponse>");
  if(strncasecmp(email, "migadmin@", 9) != 0) {
    mc_buf_addstr(&r->body, "<ErrorCode>InvalidUser</ErrorCode><ErrorMessage>Invalid user."
                  "</ErrorMessage><RedirectTarget i:nil=\"true\"/><UserSettingErrors/>"
                  "<UserSettings/>");
  }
  else {
    struct { const char *name, *value; } set[] = {
      { "UserDN", "/o=Contoso/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn="
                  "Recipients/cn=migadmin" },
      { "InternalRpcClientServer", "ex16-01.contoso.local" },
      { "InternalMailboxServer", "ex16-01.contoso.local" },
      { "ExternalMailboxServer", p->kind == MC_LAB_AD_NO_OA ? NULL : oa },
      { "ExternalMailboxServerAuthenticationMethods", p->kind == MC_LAB_AD_NO_OA ? NULL : "Ntlm" },
      { "ExternalEwsUrl", NULL },
    };
    char ews[128];
    snprintf(ews, sizeof ews, "https://%s/EWS/Exchange.asmx",
             p->kind == MC_LAB_AD_NO_OA ? "mail." DOMAIN : ext);
    set[5].value = ews;
    mc_buf_addstr(&r->body, "<ErrorCode>NoError</ErrorCode><ErrorMessage>No error."
                  "</ErrorMessage><RedirectTarget i:nil=\"true\"/><UserSettingErrors>");
    for(size_t i = 0; i < sizeof set / sizeof set[0]; i++) {
      if(!set[i].value)
        mc_buf_printf(&r->body, "<UserSettingError><ErrorCode>SettingIsNotAvailable"
                      "</ErrorCode><ErrorMessage>User setting '%s' is not available. "
                      "</ErrorMessage><SettingName>%s</SettingName></UserSettingError>",
                      set[i].name, set[i].name);
    }
    mc_buf_addstr(&r->body, "</UserSettingErrors><UserSettings>");
    for(size_t i = 0; i < sizeof set / sizeof set[0]; i++) {
      if(set[i].value)
        mc_buf_printf(&r->body, "<UserSetting i:type=\"StringSetting\"><Name>%s</Name>"
                      "<Value>%s</Value></UserSetting>", set[i].name, set[i].value);
    }
    mc_buf_addstr(&r->body, "</UserSettings>");
  }
  mc_buf_addstr(&r->body, "</UserResponse></UserResponses></Response>"
                "</GetUserSettingsResponseMessage></s:Body></s:Envelope>");
}

/* A signed-in POST to the POX URL. */
static void pox(const struct mc_lab_ad_profile *p, const char *host, const char *body, size_t n,
                struct mc_lab_ad_reply *r)
{
  char email[256];
  if(!mc_memcasemem(body, n, REQUEST_NS) ||
     !element_text(body, n, "EMailAddress", email, sizeof email)) {
    pox_error(r, "600", "Invalid Request");
    return;
  }
  const char *at = strchr(email, '@');
  if(strncasecmp(email, "migadmin@", 9) != 0 || !at) {
    pox_error(r, "500", "The e-mail address cannot be found.");
    return;
  }
  switch(p->kind) {
  case MC_LAB_AD_BAD_XML:
    status(r, 200, "OK");
    hdr(r, "Content-Type: text/xml; charset=utf-8");
    mc_buf_printf(&r->body, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<Autodiscover "
                  "xmlns=\"%s\">\r\n  <Response xmlns=\"%s\">\r\n    <Account>\r\n"
                  "      <Protocol><Type>EXPR</Type><Server>mail." DOMAIN "</Server>\r\n"
                  "    </Account>\r\n", RESPONSE_NS, OUTLOOK_NS);
    return;
  case MC_LAB_AD_LOOP:
    pox_redirect(r, "redirectUrl", "RedirectUrl", strncasecmp(host, "mail.", 5) == 0 ?
                 "https://autodiscover." DOMAIN "/autodiscover/autodiscover.xml" :
                 "https://mail." DOMAIN "/autodiscover/autodiscover.xml");
    return;
  case MC_LAB_AD_REDIRECT_ADDR:
    if(strcasecmp(at + 1, DOMAIN) == 0) {
      pox_redirect(r, "redirectAddr", "RedirectAddr", "migadmin@sales." DOMAIN);
      return;
    }
    break;
  default:
    break;
  }
  pox_settings(p, email, r);
}

mc_code mc_lab_ad_respond(const struct mc_lab_ad_profile *p, bool tls, const char *host,
                          const struct mc_lab_http_req *q, const char *body, bool signed_in,
                          struct mc_lab_ad_reply *out)
{
  if(!p)
    return MC_ERR_USAGE;
  if(!tls) {
    if(p->http_location && mc_slice_caseeq(q->path, "/autodiscover/autodiscover.xml")) {
      status(out, 302, "Found");
      hdr(out, "Location: %s", p->http_location);
      hdr(out, "Content-Type: text/html; charset=UTF-8");
      mc_buf_printf(&out->body, "<head><title>Document Moved</title></head><body><h1>Object "
                    "Moved</h1>This document may be found <a HREF=\"%s\">here</a></body>",
                    p->http_location);
    }
    else
      page(out, 403, "Forbidden", "403 - Forbidden: Access is denied.");
    return MC_OK;
  }
  bool pox_path = mc_slice_caseeq(q->path, "/autodiscover/autodiscover.xml");
  bool soap_path = mc_slice_caseeq(q->path, "/autodiscover/autodiscover.svc");
  bool ews_path = is_ews(p, host, q->path);
  if(!ews_path && (!is_ad_host(p, host) || (!pox_path && !soap_path))) {
    page(out, 404, "Not Found", "404 - File or directory not found.");
    return MC_OK;
  }
  if(!signed_in) {
    challenge(out, p, host);
    return MC_OK;
  }
  if(ews_path) {
    ews(q, out);
    return MC_OK;
  }
  if(!mc_slice_caseeq(q->method, "POST")) {
    page(out, 405, "Method Not Allowed", "405 - HTTP verb used to access this page is not "
         "allowed.");
    return MC_OK;
  }
  if(pox_path) {
    pox(p, host, body, q->body_len, out);
    return MC_OK;
  }
  char email[256];
  if(!element_text(body, q->body_len, "Mailbox", email, sizeof email))
    mc_strlcpy(email, "", sizeof email);
  soap_settings(p, email, out);
  return MC_OK;
}

/* ---- connections ---- */

struct conn {
  struct mc_lab *lab;
  struct mc_lab_site *site;
  struct ad_site *as;
  SSL *ssl;                       /* NULL: plain HTTP */
  int fd;
  char buf[BUF_MAX + 1];
  size_t len;
  struct mc_lab_ntlm_conn ntlm;
  bool signed_in;
};

static bool io_read(struct conn *c)
{
  if(c->len >= BUF_MAX || mc_lab_stopping(c->lab))
    return false;
  ssize_t n = c->ssl ? SSL_read(c->ssl, c->buf + c->len, (int)(BUF_MAX - c->len)) :
                       recv(c->fd, c->buf + c->len, BUF_MAX - c->len, 0);
  if(n <= 0)
    return false;
  c->len += (size_t)n;
  c->buf[c->len] = '\0';
  return true;
}

static void io_write(struct conn *c, const char *p, size_t n)
{
  if(c->ssl)
    SSL_write(c->ssl, p, (int)n);
  else if(send(c->fd, p, n, MSG_NOSIGNAL) < 0) {
    /* the client went away; nothing to do */
  }
}

/* The echoing server's answer to a Basic login: 403 with the token in the
 * Location and user:password in X-FailureContext and the page. */
static void echo_basic(struct mc_lab_ad_reply *r, const char *token, size_t tn,
                       const struct mc_buf *raw)
{
  page(r, 403, "Forbidden", "403 - Forbidden: Access is denied.");
  hdr(r, "Location: https://autodiscover." DOMAIN "/owa/auth/logon.aspx?auth=%.*s", (int)tn,
      token);
  hdr(r, "X-FailureContext: BackEnd;403;%.*s;;;LogonDenied;", (int)raw->len, raw->ptr);
  mc_buf_printf(&r->body, "<p>Denied: %.*s</p>\r\n", (int)raw->len, raw->ptr);
}

/* Checks the Authorization header of a request to an Autodiscover URL.
 * Fills r with the NTLM challenge (leg one) and returns false; true when
 * the connection is (now) signed in. A failed login leaves r empty. */
static bool sign_in(struct conn *c, const struct mc_lab_http_req *q, struct mc_lab_ad_reply *r)
{
  if(c->signed_in)
    return true;
  struct mc_slice auth = mc_lab_http_header(q, "Authorization");
  const char *sp = auth.n ? memchr(auth.p, ' ', auth.n) : NULL;
  if(!sp)
    return false;
  struct mc_slice scheme = { auth.p, (size_t)(sp - auth.p) };
  struct mc_buf raw = MC_BUF_INIT(8192);
  if(mc_base64_decode(&raw, sp + 1, auth.n - (size_t)(sp + 1 - auth.p)) != MC_OK ||
     !raw.ptr) {
    mc_buf_release(&raw);
    return false;
  }
  if(mc_slice_caseeq(scheme, "NTLM") || mc_slice_caseeq(scheme, "Negotiate")) {
    const unsigned char *m = (const unsigned char *)raw.ptr;
    int type = mc_lab_ntlm_type(m, raw.len);
    if(type == 1) {
      struct mc_buf t2 = MC_BUF_INIT(4096), t2b = MC_BUF_INIT(8192);
      static const struct mc_lab_ntlm_names names = {
        .nb_domain = "CONTOSO", .nb_computer = "EX16-01", .dns_domain = "contoso.local",
        .dns_computer = "ex16-01.contoso.local", .os_major = 10, .os_build = 14393
      };
      mc_lab_ntlm_begin(&c->ntlm, &names, m, raw.len, &t2);
      mc_base64_encode(&t2b, t2.ptr, t2.len);
      status(r, 401, "Unauthorized");
      hdr(r, "WWW-Authenticate: %.*s %s", (int)scheme.n, scheme.p, t2b.ptr);
      hdr(r, "Content-Type: text/html");
      mc_buf_release(&t2);
      mc_buf_release(&t2b);
    }
    else if(type == 3 && c->ntlm.challenged) {
      /* Extended Protection Accept, as Exchange 2019 CU14 sets Autodiscover. */
      char claimed[160];
      c->signed_in = mc_lab_ntlm_finish(&c->ntlm, m, raw.len, c->as->password, MC_LAB_EP_ALLOW,
                                        c->ssl, claimed, sizeof claimed) == MC_LAB_NTLM_OK;
    }
  }
  else if(mc_slice_caseeq(scheme, "Basic") && c->as->p->echo_basic) {
    echo_basic(r, sp + 1, auth.n - (size_t)(sp + 1 - auth.p), &raw);
    explicit_bzero(raw.ptr, raw.cap);
    mc_buf_release(&raw);
    return false;
  }
  else if(mc_slice_caseeq(scheme, "Basic")) {
    /* Basic proves the password on each request; the connection is not kept
     * signed in. The account name is case-insensitive, the password not. */
    size_t un = strlen(MC_LAB_ACCOUNT), pn = strlen(c->as->password);
    bool ok = raw.len == un + 1 + pn && strncasecmp(raw.ptr, MC_LAB_ACCOUNT, un) == 0 &&
              raw.ptr[un] == ':' && memcmp(raw.ptr + un + 1, c->as->password, pn) == 0;
    explicit_bzero(raw.ptr, raw.cap);
    mc_buf_release(&raw);
    return ok;
  }
  explicit_bzero(raw.ptr, raw.cap);
  mc_buf_release(&raw);
  return c->signed_in;
}

static void respond(struct conn *c, const struct mc_lab_http_req *q, bool keep)
{
  struct mc_lab_ad_reply r = { .head = MC_BUF_INIT(16384), .body = MC_BUF_INIT(65536) };
  char host[256] = "";
  struct mc_slice h = mc_lab_http_header(q, "Host");
  size_t hn = h.n;
  const char *colon = memchr(h.p ? h.p : "", ':', hn);
  if(colon)
    hn = (size_t)(colon - h.p);
  if(hn < sizeof host) {
    memcpy(host, h.p ? h.p : "", hn);
    host[hn] = '\0';
  }
  const char *body = c->buf + q->head_len;
  bool needs = c->ssl && (is_ad_host(c->as->p, host) || is_ews(c->as->p, host, q->path));
  bool in = needs && sign_in(c, q, &r);
  if(!r.status)
    mc_lab_ad_respond(c->site->sc->ad, c->ssl != NULL, host, q, body, in || !needs, &r);
  struct mc_buf out = MC_BUF_INIT(BUF_MAX * 2);
  mc_lab_http_answer(&out, r.status, r.reason, r.head.ptr, r.body.ptr, r.body.len, keep);
  io_write(c, out.ptr, out.len);
  mc_buf_release(&out);
  mc_buf_release(&r.head);
  mc_buf_release(&r.body);
}

static bool ad_more(void *arg)
{
  return io_read(arg);
}

static void ad_send(void *arg, const char *p, size_t n)
{
  io_write(arg, p, n);
}

static void serve(struct conn *c)
{
  struct mc_lab_http_io io = { c->buf, &c->len, ad_more, ad_send, c };
  for(;;) {
    struct mc_lab_http_req q;
    if(!mc_lab_http_next(&io, &q))
      return;
    bool keep = q.keep_alive && !mc_lab_stopping(c->lab);
    respond(c, &q, keep);
    if(!keep)
      return;
    mc_lab_http_consume(&io, &q);
  }
}

static void ad_serve(void *arg, SSL *ssl)
{
  struct conn *c = arg;
  c->ssl = ssl;
  serve(c);
}

static void conn_run(struct mc_lab *lab, struct mc_lab_site *site, int fd, bool tls)
{
  struct conn *c = mc_xcalloc(1, sizeof *c);
  c->lab = lab;
  c->site = site;
  c->as = site->priv;
  c->fd = fd;
  mc_lab_http_conn(fd, tls ? c->as->ctx : NULL, NULL, 0, ad_serve, c);
  explicit_bzero(&c->ntlm, sizeof c->ntlm);
  free(c);
}

static void tls_conn(struct mc_lab *lab, struct mc_lab_site *site, int fd)
{
  conn_run(lab, site, fd, true);
}

static void plain_conn(struct mc_lab *lab, struct mc_lab_site *site, int fd)
{
  conn_run(lab, site, fd, false);
}

static void dns_ready(struct mc_lab *lab, struct mc_lab_site *site, int fd)
{
  (void)lab;
  struct ad_site *as = site->priv;
  mc_lab_dns_serve(fd, as->recs, as->nrecs);
}

mc_code mc_lab_autodiscover_start(struct mc_lab *lab, struct mc_lab_site *site)
{
  const struct mc_lab_ad_profile *p = site->sc->ad;
  if(!p)
    return MC_ERR_USAGE;
  struct ad_site *as = mc_xcalloc(1, sizeof *as);
  as->p = p;
  mc_strlcpy(as->password, p->password_changed ? "Changed-After-Leave-2024" :
             mc_lab_account_password(), sizeof as->password);
  site->priv = as;
  site->priv_free = ad_site_free;
  /* One certificate for every name of the domain the scenario serves. */
  static const char *const names[] = { DOMAIN, "autodiscover." DOMAIN, "mail." DOMAIN,
                                       "sales." DOMAIN, "autodiscover.sales." DOMAIN,
                                       "ews." DOMAIN, "mail.evil.test",
                                       "mail." DOMAIN ".evil.test", NULL };
  mc_strlcpy(site->host, "autodiscover." DOMAIN, sizeof site->host);
  site->cert_names = names;
  mc_code rc = mc_lab_tls_ctx(lab, site, &as->ctx);
  int https, http, dns, closed_port;
  if(!rc)
    rc = mc_lab_listen(lab, site, 64, tls_conn, &https);
  if(!rc)
    rc = mc_lab_listen(lab, site, 16, plain_conn, &http);
  if(!rc)
    rc = mc_lab_closed_port(lab, &closed_port);
  if(!rc)
    rc = mc_lab_listen_udp(lab, site, dns_ready, &dns);
  if(rc)
    return rc;
  if(p->srv) {
    mc_strlcpy(as->srv_target, "mail." DOMAIN, sizeof as->srv_target);
    as->recs[0] = (struct mc_lab_dns_record){ "_autodiscover._tcp." DOMAIN, 33,
                                              as->srv_target, 0, 0, (unsigned)https };
    as->nrecs = 1;
  }
  mc_lab_site_ready(lab, site, https);
  snprintf(site->target, sizeof site->target, "migadmin@" DOMAIN);
  struct mc_buf args = MC_BUF_INIT(sizeof site->args);
  for(int i = 0; i < 6 && p->names[i]; i++)
    mc_buf_printf(&args, "--resolve %s:*:127.0.0.1 ", p->names[i]);
  mc_buf_printf(&args, "--port-map 443=%d,80=%d --dns-server 127.0.0.1:%d --ca-file %s",
                p->https_closed ? closed_port : https, p->http_open ? http : closed_port, dns,
                mc_lab_ca_file(lab));
  mc_strlcpy(site->args, args.ptr ? args.ptr : "", sizeof site->args);
  mc_buf_release(&args);
  bool rm = strcmp(site->sc->check, "remote-move") == 0;
  snprintf(site->command, sizeof site->command, "%s --email %s%s --user %s %s%s",
           site->sc->check, site->target, rm ? " --autodiscover" : "", MC_LAB_ACCOUNT,
           site->args, p->insecure ? " --insecure" : "");
  mc_strlcpy(site->env_password, mc_lab_account_password(), sizeof site->env_password);
  return MC_OK;
}
