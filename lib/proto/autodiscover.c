/*
 * autodiscover.c - Autodiscover requests, responses, URLs and the redirect
 * policy (see autodiscover.h for the limits kept).
 *
 * Both XML parsers share one expat driver (struct xml): namespaces are
 * split off ("URI local"), a stack of local names tells each end tag its
 * parent, and the text of the element being closed is handed to the
 * format's end handler. The driver enforces the limits and refuses any
 * DOCTYPE before expat could expand an entity; the format handlers only
 * pick fields.
 */
#include "proto/autodiscover.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/xml.h"

const char mc_ad_pox_request_ns[] =
  "http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006";
const char mc_ad_pox_response_schema[] =
  "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a";
const char mc_ad_soap_action[] =
  "http://schemas.microsoft.com/exchange/2010/Autodiscover/Autodiscover/GetUserSettings";

const char *const mc_ad_migration_settings[] = {
  "UserDN", "InternalRpcClientServer", "InternalMailboxServer", "ExternalMailboxServer",
  "ExternalMailboxServerAuthenticationMethods", "ExternalEwsUrl", NULL
};

/* ---- requests ---- */

static mc_code add_escaped(struct mc_buf *b, const char *s)
{
  mc_code rc = MC_OK;
  for(; *s && !rc; s++) {
    switch(*s) {
    case '<': rc = mc_buf_addstr(b, "&lt;"); break;
    case '>': rc = mc_buf_addstr(b, "&gt;"); break;
    case '&': rc = mc_buf_addstr(b, "&amp;"); break;
    case '"': rc = mc_buf_addstr(b, "&quot;"); break;
    case '\'': rc = mc_buf_addstr(b, "&apos;"); break;
    default: rc = mc_buf_addch(b, *s); break;
    }
  }
  return rc;
}

mc_code mc_ad_pox_request(struct mc_buf *out, const char *email)
{
  mc_code rc = mc_buf_printf(out, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n"
                             "<Autodiscover xmlns=\"%s\">\r\n  <Request>\r\n"
                             "    <EMailAddress>", mc_ad_pox_request_ns);
  if(!rc)
    rc = add_escaped(out, email);
  if(!rc)
    rc = mc_buf_printf(out, "</EMailAddress>\r\n    <AcceptableResponseSchema>%s"
                       "</AcceptableResponseSchema>\r\n  </Request>\r\n</Autodiscover>\r\n",
                       mc_ad_pox_response_schema);
  return rc;
}

mc_code mc_ad_soap_request(struct mc_buf *out, const char *url, const char *email)
{
  mc_code rc = mc_buf_printf(out,
    "<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n"
    "<soap:Envelope xmlns:a=\"http://schemas.microsoft.com/exchange/2010/Autodiscover\" "
    "xmlns:wsa=\"http://www.w3.org/2005/08/addressing\" "
    "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
    "xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\">\r\n"
    "  <soap:Header>\r\n"
    "    <a:RequestedServerVersion>Exchange2010</a:RequestedServerVersion>\r\n"
    "    <wsa:Action>%s</wsa:Action>\r\n    <wsa:To>", mc_ad_soap_action);
  if(!rc)
    rc = add_escaped(out, url);
  if(!rc)
    rc = mc_buf_addstr(out, "</wsa:To>\r\n  </soap:Header>\r\n  <soap:Body>\r\n"
                       "    <a:GetUserSettingsRequestMessage>\r\n      <a:Request>\r\n"
                       "        <a:Users><a:User><a:Mailbox>");
  if(!rc)
    rc = add_escaped(out, email);
  if(!rc)
    rc = mc_buf_addstr(out, "</a:Mailbox></a:User></a:Users>\r\n"
                       "        <a:RequestedSettings>\r\n");
  for(int i = 0; !rc && mc_ad_migration_settings[i]; i++)
    rc = mc_buf_printf(out, "          <a:Setting>%s</a:Setting>\r\n",
                       mc_ad_migration_settings[i]);
  if(!rc)
    rc = mc_buf_addstr(out, "        </a:RequestedSettings>\r\n      </a:Request>\r\n"
                       "    </a:GetUserSettingsRequestMessage>\r\n  </soap:Body>\r\n"
                       "</soap:Envelope>\r\n");
  return rc;
}

/* ---- the expat driver ---- */

#define NAME_MAX_LEN 64

struct xml;
typedef void (*xml_start_fn)(struct xml *x, const char *ns, const char *name,
                             const char **attrs);
typedef void (*xml_end_fn)(struct xml *x, const char *name, const char *text);

struct xml {
  struct mc_xml_err e;            /* first: the shared handlers find it (util/xml.h) */
  char stack[MC_AD_XML_DEPTH + 1][NAME_MAX_LEN];
  int depth;                      /* elements open */
  long elements;
  bool child_seen;                /* the element being closed had children */
  struct mc_buf text;             /* text of the innermost open element */
  xml_start_fn start;
  xml_end_fn end;
  void *user;
};

#define xml_fail(x, ...) mc_xml_fail(&(x)->e, __VA_ARGS__)

/* "URI local" -> local name and namespace (NULL when none). */
static const char *split_name(const char *full, char *ns, size_t nslen)
{
  const char *sp = strrchr(full, ' ');
  ns[0] = '\0';
  if(!sp)
    return full;
  size_t n = (size_t)(sp - full);
  if(n >= nslen)
    n = nslen - 1;
  memcpy(ns, full, n);
  ns[n] = '\0';
  return sp + 1;
}

static void XMLCALL on_start(void *ud, const XML_Char *full, const XML_Char **attrs)
{
  struct xml *x = ud;
  if(x->e.rc)
    return;
  if(x->depth >= MC_AD_XML_DEPTH) {
    xml_fail(x, MC_ERR_LIMIT, "elements nested deeper than %d: refused", MC_AD_XML_DEPTH);
    return;
  }
  if(++x->elements > MC_AD_XML_ELEMENTS) {
    xml_fail(x, MC_ERR_LIMIT, "more than %d elements: refused", MC_AD_XML_ELEMENTS);
    return;
  }
  char ns[512];
  const char *name = split_name(full, ns, sizeof ns);
  mc_strlcpy(x->stack[x->depth], name, NAME_MAX_LEN);
  x->depth++;
  mc_buf_reset(&x->text);
  x->child_seen = false;
  if(x->start)
    x->start(x, ns[0] ? ns : NULL, name, attrs);
}

static void XMLCALL on_end(void *ud, const XML_Char *full)
{
  struct xml *x = ud;
  if(x->e.rc || x->depth == 0)
    return;
  char ns[512];
  const char *name = split_name(full, ns, sizeof ns);
  /* Trim the text; a value with children has no text of its own. */
  const char *t = x->text.ptr ? x->text.ptr : "";
  size_t n = x->text.len;
  while(n && strchr(" \t\r\n", t[0])) {
    t++;
    n--;
  }
  while(n && strchr(" \t\r\n", t[n - 1]))
    n--;
  char *text = x->child_seen ? mc_xstrdup("") : mc_printable(t, n, MC_AD_VALUE_MAX);
  if(x->end)
    x->end(x, name, text);
  free(text);
  x->depth--;
  mc_buf_reset(&x->text);
  x->child_seen = true;        /* the parent now has a child */
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
  struct xml *x = ud;
  if(x->e.rc || len <= 0)
    return;
  size_t room = MC_AD_VALUE_MAX * 4 > x->text.len ? MC_AD_VALUE_MAX * 4 - x->text.len : 0;
  mc_buf_add(&x->text, s, (size_t)len < room ? (size_t)len : room);
}

/* The parent of the element being closed (or started), "" at the root. */
static const char *parent(const struct xml *x)
{
  return x->depth >= 2 ? x->stack[x->depth - 2] : "";
}

static const char *grandparent(const struct xml *x)
{
  return x->depth >= 3 ? x->stack[x->depth - 3] : "";
}

static mc_code xml_run(struct xml *x, const char *p, size_t n, char *err, size_t errlen)
{
  x->e.err = err;
  x->e.errlen = errlen;
  err[0] = '\0';
  if(n == 0) {
    snprintf(err, errlen, "the body is empty");
    return MC_ERR_PARSE;
  }
  if(n > MC_AD_XML_MAX) {
    snprintf(err, errlen, "the document is %zu bytes, over the %d-byte limit: refused", n,
             MC_AD_XML_MAX);
    return MC_ERR_LIMIT;
  }
  x->e.p = XML_ParserCreateNS(NULL, ' ');
  if(!x->e.p) {
    snprintf(err, errlen, "the XML parser could not be created");
    return MC_ERR_INTERNAL;
  }
  mc_buf_init(&x->text, MC_AD_VALUE_MAX * 4);
  mc_xml_harden(&x->e, x, "Autodiscover never sends one");
  XML_SetElementHandler(x->e.p, on_start, on_end);
  XML_SetCharacterDataHandler(x->e.p, on_text);
  for(size_t done = 0, chunk; done < n && !x->e.rc; done += chunk) {
    chunk = n - done > (1u << 20) ? (1u << 20) : n - done;
    mc_xml_parse(&x->e, p + done, chunk, done + chunk == n);
  }
  XML_ParserFree(x->e.p);
  mc_buf_release(&x->text);
  return x->e.rc;
}

static void keep(char **slot, const char *text)
{
  if(*slot)
    return;                    /* the first one counts */
  *slot = mc_xstrdup(text);
}

/* ---- POX ---- */

struct pox_ctx {
  struct mc_ad_pox *out;
  struct mc_ad_protocol *cur;
  bool root_seen;
  char owa_external[8];
};

static void pox_start(struct xml *x, const char *ns, const char *name, const char **attrs)
{
  struct pox_ctx *c = x->user;
  if(x->depth == 1) {
    c->root_seen = true;
    if(strcmp(name, "Autodiscover") != 0)
      xml_fail(x, MC_ERR_PARSE, "the root element is <%.60s>, not <Autodiscover>", name);
    return;
  }
  if(strcmp(name, "Response") == 0 && x->depth == 2 && ns && !c->out->response_ns)
    c->out->response_ns = mc_printable(ns, strlen(ns), 256);
  if(strcmp(name, "Protocol") == 0 && strcmp(parent(x), "Account") == 0) {
    if(c->out->nproto == MC_AD_MAX_PROTOCOLS) {
      c->cur = NULL;
      return;
    }
    c->cur = &c->out->proto[c->out->nproto++];
    for(int i = 0; attrs && attrs[i]; i += 2) {
      if(strcmp(attrs[i], "Type") == 0)
        c->cur->type = mc_printable(attrs[i + 1], strlen(attrs[i + 1]), 64);
    }
  }
  if(strcmp(name, "Error") == 0)
    c->out->error = true;
}

static void pox_end(struct xml *x, const char *name, const char *text)
{
  struct pox_ctx *c = x->user;
  struct mc_ad_pox *o = c->out;
  const char *par = parent(x);
  if(strcmp(par, "User") == 0) {
    if(strcmp(name, "DisplayName") == 0) keep(&o->display_name, text);
    else if(strcmp(name, "LegacyDN") == 0) keep(&o->legacy_dn, text);
    else if(strcmp(name, "AutoDiscoverSMTPAddress") == 0) keep(&o->smtp_address, text);
    return;
  }
  if(strcmp(par, "Account") == 0) {
    if(strcmp(name, "Action") == 0) keep(&o->action, text);
    else if(strcmp(name, "RedirectAddr") == 0) keep(&o->redirect_addr, text);
    else if(strcmp(name, "RedirectUrl") == 0) keep(&o->redirect_url, text);
    else if(strcmp(name, "Protocol") == 0) c->cur = NULL;
    return;
  }
  if(strcmp(par, "Error") == 0) {
    if(strcmp(name, "ErrorCode") == 0) keep(&o->error_code, text);
    else if(strcmp(name, "Message") == 0) keep(&o->error_message, text);
    return;
  }
  struct mc_ad_protocol *pr = c->cur;
  if(!pr)
    return;
  if(strcmp(par, "Protocol") == 0) {
    static const struct { const char *name; size_t off; } fields[] = {
      { "Type", offsetof(struct mc_ad_protocol, type) },
      { "Server", offsetof(struct mc_ad_protocol, server) },
      { "ServerDN", offsetof(struct mc_ad_protocol, server_dn) },
      { "AuthPackage", offsetof(struct mc_ad_protocol, auth_package) },
      { "SSL", offsetof(struct mc_ad_protocol, ssl) },
      { "ASUrl", offsetof(struct mc_ad_protocol, as_url) },
      { "EwsUrl", offsetof(struct mc_ad_protocol, ews_url) },
      { "OABUrl", offsetof(struct mc_ad_protocol, oab_url) },
      { "CertPrincipalName", offsetof(struct mc_ad_protocol, cert_principal) },
    };
    for(size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
      if(strcmp(name, fields[i].name) == 0) {
        keep((char **)((char *)pr + fields[i].off), text);
        break;
      }
    }
    return;
  }
  /* WEB: <Internal|External><OWAUrl>; External wins. */
  if(strcmp(name, "OWAUrl") == 0 && strcmp(grandparent(x), "Protocol") == 0 && *text) {
    if(strcmp(par, "External") == 0 && strcmp(c->owa_external, "yes") != 0) {
      free(pr->owa_url);
      pr->owa_url = mc_xstrdup(text);
      mc_strlcpy(c->owa_external, "yes", sizeof c->owa_external);
    }
    else if(strcmp(par, "Internal") == 0)
      keep(&pr->owa_url, text);
  }
}

mc_code mc_ad_pox_parse(const char *p, size_t n, struct mc_ad_pox *out,
                        char *err, size_t errlen)
{
  memset(out, 0, sizeof *out);
  struct pox_ctx c = { .out = out };
  struct xml x = { .start = pox_start, .end = pox_end, .user = &c };
  mc_code rc = xml_run(&x, p, n, err, errlen);
  if(rc)
    mc_ad_pox_release(out);
  return rc;
}

static void protocol_release(struct mc_ad_protocol *pr)
{
  char **f[] = { &pr->type, &pr->server, &pr->server_dn, &pr->auth_package, &pr->ssl,
                 &pr->as_url, &pr->ews_url, &pr->oab_url, &pr->cert_principal, &pr->owa_url };
  for(size_t i = 0; i < sizeof f / sizeof f[0]; i++)
    free(*f[i]);
}

void mc_ad_pox_release(struct mc_ad_pox *x)
{
  char **f[] = { &x->display_name, &x->legacy_dn, &x->smtp_address, &x->action,
                 &x->redirect_addr, &x->redirect_url, &x->response_ns, &x->error_code,
                 &x->error_message };
  for(size_t i = 0; i < sizeof f / sizeof f[0]; i++)
    free(*f[i]);
  for(size_t i = 0; i < x->nproto; i++)
    protocol_release(&x->proto[i]);
  memset(x, 0, sizeof *x);
}

const struct mc_ad_protocol *mc_ad_pox_protocol(const struct mc_ad_pox *x, const char *type)
{
  for(size_t i = 0; i < x->nproto; i++) {
    if(x->proto[i].type && strcasecmp(x->proto[i].type, type) == 0)
      return &x->proto[i];
  }
  return NULL;
}

/* ---- SOAP GetUserSettings ---- */

struct soap_ctx {
  struct mc_ad_soap *out;
  struct mc_ad_setting *cur;
  struct mc_buf errors;
  char err_name[128];
  char err_code[128];
};

static void soap_start(struct xml *x, const char *ns, const char *name, const char **attrs)
{
  (void)ns; (void)attrs;
  struct soap_ctx *c = x->user;
  if(x->depth == 1) {
    if(strcmp(name, "Envelope") != 0)
      xml_fail(x, MC_ERR_PARSE, "the root element is <%.60s>, not a SOAP <Envelope>", name);
    return;
  }
  if(strcmp(name, "Fault") == 0)
    c->out->fault = true;
  if(strcmp(name, "UserSetting") == 0 && strcmp(parent(x), "UserSettings") == 0) {
    c->cur = c->out->nsettings < MC_AD_MAX_SETTINGS ? &c->out->settings[c->out->nsettings++]
                                                    : NULL;
  }
  if(strcmp(name, "UserSettingError") == 0) {
    c->err_name[0] = '\0';
    c->err_code[0] = '\0';
  }
}

static void soap_end(struct xml *x, const char *name, const char *text)
{
  struct soap_ctx *c = x->user;
  struct mc_ad_soap *o = c->out;
  const char *par = parent(x);
  if(strcmp(par, "UserSetting") == 0 && c->cur) {
    if(strcmp(name, "Name") == 0)
      keep(&c->cur->name, text);
    else if(strcmp(name, "Value") == 0 && *text)
      keep(&c->cur->value, text);
    return;
  }
  if(strcmp(par, "UserSettingError") == 0) {
    if(strcmp(name, "SettingName") == 0)
      mc_strlcpy(c->err_name, text, sizeof c->err_name);
    else if(strcmp(name, "ErrorCode") == 0)
      mc_strlcpy(c->err_code, text, sizeof c->err_code);
    return;
  }
  if(strcmp(name, "UserSettingError") == 0) {
    mc_buf_printf(&c->errors, "%s%s: %s", c->errors.len ? "; " : "",
                  c->err_name[0] ? c->err_name : "?", c->err_code[0] ? c->err_code : "?");
    return;
  }
  if(strcmp(par, "UserResponse") == 0) {
    if(strcmp(name, "ErrorCode") == 0) keep(&o->user_error_code, text);
    else if(strcmp(name, "ErrorMessage") == 0) keep(&o->user_error_message, text);
    else if(strcmp(name, "RedirectTarget") == 0 && *text) keep(&o->redirect_target, text);
    return;
  }
  if(strcmp(par, "Response") == 0 && strcmp(grandparent(x), "GetUserSettingsResponseMessage")
     == 0) {
    if(strcmp(name, "ErrorCode") == 0) keep(&o->error_code, text);
    else if(strcmp(name, "ErrorMessage") == 0) keep(&o->error_message, text);
    return;
  }
  /* SOAP 1.1 faultstring, SOAP 1.2 Reason/Text. */
  if(o->fault && (strcmp(name, "faultstring") == 0 ||
                  (strcmp(name, "Text") == 0 && strcmp(par, "Reason") == 0)))
    keep(&o->fault_text, text);
}

mc_code mc_ad_soap_parse(const char *p, size_t n, struct mc_ad_soap *out,
                         char *err, size_t errlen)
{
  memset(out, 0, sizeof *out);
  struct soap_ctx c = { .out = out };
  mc_buf_init(&c.errors, 4096);
  struct xml x = { .start = soap_start, .end = soap_end, .user = &c };
  mc_code rc = xml_run(&x, p, n, err, errlen);
  if(!rc && c.errors.len)
    out->setting_errors = mc_buf_detach(&c.errors);
  mc_buf_release(&c.errors);
  if(rc)
    mc_ad_soap_release(out);
  return rc;
}

void mc_ad_soap_release(struct mc_ad_soap *x)
{
  char **f[] = { &x->error_code, &x->error_message, &x->user_error_code,
                 &x->user_error_message, &x->redirect_target, &x->setting_errors,
                 &x->fault_text };
  for(size_t i = 0; i < sizeof f / sizeof f[0]; i++)
    free(*f[i]);
  for(size_t i = 0; i < x->nsettings; i++) {
    free(x->settings[i].name);
    free(x->settings[i].value);
  }
  memset(x, 0, sizeof *x);
}

const char *mc_ad_soap_setting(const struct mc_ad_soap *x, const char *name)
{
  for(size_t i = 0; i < x->nsettings; i++) {
    if(x->settings[i].name && strcmp(x->settings[i].name, name) == 0)
      return x->settings[i].value && *x->settings[i].value ? x->settings[i].value : NULL;
  }
  return NULL;
}

/* ---- URLs, domains, the policy ---- */

static bool host_char(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '-' || c == '.' || c == '_';
}

static void lower(char *s)
{
  for(; *s; s++) {
    if(*s >= 'A' && *s <= 'Z')
      *s = (char)(*s - 'A' + 'a');
  }
}

mc_code mc_ad_url_parse(const char *s, struct mc_ad_url *out)
{
  memset(out, 0, sizeof *out);
  const char *rest;
  if(strncasecmp(s, "https://", 8) == 0) {
    mc_strlcpy(out->scheme, "https", sizeof out->scheme);
    out->port = 443;
    rest = s + 8;
  }
  else if(strncasecmp(s, "http://", 7) == 0) {
    mc_strlcpy(out->scheme, "http", sizeof out->scheme);
    out->port = 80;
    rest = s + 7;
  }
  else
    return MC_ERR_PARSE;
  size_t alen = strcspn(rest, "/?#");
  const char *colon = memchr(rest, ':', alen);
  size_t hlen = colon ? (size_t)(colon - rest) : alen;
  if(hlen == 0 || hlen >= sizeof out->host)
    return MC_ERR_PARSE;
  for(size_t i = 0; i < hlen; i++) {
    if(!host_char(rest[i]))
      return MC_ERR_PARSE;      /* '@' (user info), '[', spaces ... */
  }
  memcpy(out->host, rest, hlen);
  out->host[hlen] = '\0';
  if(out->host[hlen - 1] == '.')
    out->host[hlen - 1] = '\0';
  if(!out->host[0] || out->host[0] == '.' || strstr(out->host, ".."))
    return MC_ERR_PARSE;
  lower(out->host);
  if(colon) {
    char port[8];
    size_t pn = alen - hlen - 1;
    long v;
    if(pn == 0 || pn >= sizeof port)
      return MC_ERR_PARSE;
    memcpy(port, colon + 1, pn);
    port[pn] = '\0';
    if(!mc_parse_long(port, 1, 65535, &v))
      return MC_ERR_PARSE;
    out->port = (int)v;
    out->explicit_port = true;
  }
  const char *path = rest + alen;
  if(*path == '#')
    path = "";
  size_t plen = strcspn(path, "#");
  if(plen >= sizeof out->path)
    return MC_ERR_PARSE;
  for(size_t i = 0; i < plen; i++) {
    if((unsigned char)path[i] <= ' ' || path[i] == 0x7f)
      return MC_ERR_PARSE;
  }
  if(plen == 0 || path[0] != '/')
    snprintf(out->path, sizeof out->path, "/%.*s", (int)plen, path);
  else {
    memcpy(out->path, path, plen);
    out->path[plen] = '\0';
  }
  return MC_OK;
}

bool mc_ad_email_domain(const char *email, char *out, size_t outlen)
{
  const char *at = strchr(email, '@');
  if(!at || at == email || strchr(at + 1, '@'))
    return false;
  for(const char *c = email; c < at; c++) {
    if((unsigned char)*c <= ' ' || *c == '<' || *c == '>' || *c == '"' || *c == 0x7f)
      return false;
  }
  const char *d = at + 1;
  size_t n = strlen(d);
  if(n && d[n - 1] == '.')
    n--;
  if(n == 0 || n >= outlen || !memchr(d, '.', n) || d[0] == '.' || d[n - 1] == '.')
    return false;
  for(size_t i = 0; i < n; i++) {
    if(!host_char(d[i]) || (d[i] == '.' && d[i + 1] == '.'))
      return false;
  }
  memcpy(out, d, n);
  out[n] = '\0';
  lower(out);
  return true;
}

bool mc_ad_host_in_domain(const char *host, const char *domain)
{
  size_t h = strlen(host), d = strlen(domain);
  if(h && host[h - 1] == '.')
    h--;
  if(d && domain[d - 1] == '.')
    d--;
  if(!d || h < d)
    return false;
  if(strncasecmp(host + h - d, domain, d) != 0)
    return false;
  return h == d || host[h - d - 1] == '.';
}

static bool in_allowed(const char *host, const char *const *allowed, size_t nallowed)
{
  for(size_t i = 0; i < nallowed; i++) {
    if(mc_ad_host_in_domain(host, allowed[i]))
      return true;
  }
  return false;
}

enum mc_ad_policy mc_ad_redirect_policy(const char *url, const char *domain,
                                        const char *const *allowed, size_t nallowed,
                                        struct mc_ad_url *parsed)
{
  struct mc_ad_url tmp;
  struct mc_ad_url *u = parsed ? parsed : &tmp;
  if(mc_ad_url_parse(url, u))
    return MC_AD_BAD_URL;
  if(strcmp(u->scheme, "https") != 0)
    return MC_AD_PLAIN_HTTP;
  if(mc_ad_host_in_domain(u->host, domain))
    return MC_AD_SAFE;
  return in_allowed(u->host, allowed, nallowed) ? MC_AD_ALLOWED : MC_AD_OTHER_DOMAIN;
}

enum mc_ad_policy mc_ad_address_policy(const char *new_email, const char *domain,
                                       const char *const *allowed, size_t nallowed)
{
  char d[256];
  if(!mc_ad_email_domain(new_email, d, sizeof d))
    return MC_AD_BAD_URL;
  if(mc_ad_host_in_domain(d, domain))
    return MC_AD_SAFE;
  return in_allowed(d, allowed, nallowed) ? MC_AD_ALLOWED : MC_AD_OTHER_DOMAIN;
}

const char *mc_ad_policy_text(enum mc_ad_policy p)
{
  switch(p) {
  case MC_AD_SAFE: return "https in the user's domain";
  case MC_AD_ALLOWED: return "https in a domain allowed with --allow-redirect";
  case MC_AD_PLAIN_HTTP: return "plain http: credentials would travel in clear";
  case MC_AD_OTHER_DOMAIN: return "outside the user's domain and not allowed with "
                                  "--allow-redirect";
  case MC_AD_BAD_URL: return "not a usable URL or address";
  }
  return "?";
}
