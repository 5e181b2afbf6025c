/*
 * iis.c - IIS's applicationHost.config (%windir%\System32\inetsrv\config),
 * read through expat into what the migration rules need: the sites and
 * their bindings, and per <location path="Site/vdir"> the authentication
 * (anonymous, basic, windows with its providers and extendedProtection
 * tokenChecking), sslFlags, requestFiltering requestLimits, ipSecurity and
 * URL Rewrite rules (per location, and server-wide globalRules and rules).
 *
 * Bounds as the Autodiscover parser has them: any DOCTYPE or entity
 * declaration is refused before expat could expand or fetch one (and the
 * billion-laughs fence is set as a second line), the document is at most
 * MC_IIS_MAX bytes, nesting at most MC_IIS_DEPTH, at most MC_IIS_ELEMENTS
 * elements, at most MC_IIS_ITEMS locations, bindings and rules each;
 * attribute values are copied up to MC_IIS_VALUE bytes.
 *
 * The text handed in is UTF-8 (decode.c made it so), whatever the XML
 * declaration says; the parser is told so.
 *
 * The same reader takes MsExchangeMailboxReplication.exe.config (an
 * XML configuration too) for its <MRSConfiguration MaxMRSConnections>.
 *
 * Not for: judging (iisrules.c), web.config files of the vdirs.
 */
#include "config/config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#ifdef MC_HAVE_EXPAT        /* without it (migcheck.exe): mc_iis_parse says so */
#include "util/xml.h"

#define NAME_MAX_LEN 64

struct iis_parse {
  struct mc_xml_err e;          /* first: the shared handlers find it (util/xml.h) */
  struct mc_iis_doc *doc;
  char stack[MC_IIS_DEPTH + 1][NAME_MAX_LEN];
  int depth;
  long elements;
  char *site;                   /* inside <site name=...> */
  long loc;                     /* index of the <location> being read, or -1 */
  long server;                  /* index of the server-wide record, or -1 */
  bool in_ws;                   /* inside the root's <system.webServer> */
  struct mc_iis_rule *rule;     /* inside <rule> of a rewrite section */
};

static const char *attr(const char **attrs, const char *name)
{
  for(size_t i = 0; attrs[i]; i += 2) {
    if(strcmp(attrs[i], name) == 0)
      return attrs[i + 1];
  }
  return NULL;
}

static char *copy(const char *v)
{
  return v ? mc_xstrndup(v, strnlen(v, MC_IIS_VALUE)) : NULL;
}

static int truth(const char *v)
{
  if(!v)
    return -1;
  return strcasecmp(v, "true") == 0 ? 1 : strcasecmp(v, "false") == 0 ? 0 : -1;
}

/* The element i levels up (0: the one just opened). */
static const char *up(const struct iis_parse *x, int i)
{
  return x->depth - 1 - i >= 0 ? x->stack[x->depth - 1 - i] : "";
}

static bool full(struct iis_parse *x, size_t n, const char *what)
{
  if(n < MC_IIS_ITEMS)
    return false;
  mc_xml_fail(&x->e, MC_ERR_LIMIT, "more than %d %s: refused", MC_IIS_ITEMS, what);
  return true;
}

/* The record the settings being read go to: the <location> open, or the
 * server-wide record inside the root's <system.webServer>; else NULL.
 * Indices, not pointers: the array grows. */
static struct mc_iis_location *location(struct iis_parse *x)
{
  if(x->loc >= 0)
    return &x->doc->locs[x->loc];
  if(x->in_ws && x->server >= 0)
    return &x->doc->locs[x->server];
  return NULL;
}

static long new_location(struct iis_parse *x, const char *path, bool server)
{
  struct mc_iis_doc *d = x->doc;
  if(full(x, d->nlocs, "locations"))
    return -1;
  d->locs = mc_xrealloc(d->locs, (d->nlocs + 1) * sizeof *d->locs);
  struct mc_iis_location *l = &d->locs[d->nlocs++];
  memset(l, 0, sizeof *l);
  l->path = copy(path ? path : "");
  l->server_wide = server;
  l->anonymous = l->basic = l->windows = -1;
  l->allow_unlisted = -1;
  l->max_content = -1;
  l->line = (unsigned)XML_GetCurrentLineNumber(x->e.p);
  return (long)d->nlocs - 1;
}

static void on_binding(struct iis_parse *x, const char **attrs)
{
  struct mc_iis_doc *d = x->doc;
  if(full(x, d->nbindings, "bindings"))
    return;
  d->bindings = mc_xrealloc(d->bindings, (d->nbindings + 1) * sizeof *d->bindings);
  struct mc_iis_binding *b = &d->bindings[d->nbindings++];
  memset(b, 0, sizeof *b);
  b->site = copy(x->site ? x->site : "");
  b->protocol = copy(attr(attrs, "protocol") ? attr(attrs, "protocol") : "");
  b->info = copy(attr(attrs, "bindingInformation") ? attr(attrs, "bindingInformation") : "");
  b->cert_hash = copy(attr(attrs, "certificateHash"));
  b->cert_store = copy(attr(attrs, "certificateStoreName"));
  b->line = (unsigned)XML_GetCurrentLineNumber(x->e.p);
  /* "*:443:host" or "10.0.0.1:443:": the port is between the colons. */
  const char *c = strchr(b->info, ':');
  long port = 0;
  if(c) {
    char num[8];
    size_t n = strcspn(c + 1, ":");
    if(n && n < sizeof num) {
      memcpy(num, c + 1, n);
      num[n] = '\0';
      if(!mc_parse_long(num, 1, 65535, &port))
        port = 0;
    }
  }
  b->port = (unsigned)port;
}

static void append(char **list, const char *item)
{
  if(!item)
    return;
  if(*list && strlen(*list) > MC_IIS_VALUE * 4)
    return;                     /* enough to show */
  char *n = *list ? mc_xasprintf("%s, %.*s", *list, MC_IIS_VALUE, item) :
                    mc_xasprintf("%.*s", MC_IIS_VALUE, item);
  free(*list);
  *list = n;
}

static void on_rule(struct iis_parse *x, const char **attrs)
{
  struct mc_iis_doc *d = x->doc;
  if(full(x, d->nrules, "rewrite rules"))
    return;
  d->rules = mc_xrealloc(d->rules, (d->nrules + 1) * sizeof *d->rules);
  struct mc_iis_rule *r = &d->rules[d->nrules++];
  memset(r, 0, sizeof *r);
  r->name = copy(attr(attrs, "name") ? attr(attrs, "name") : "");
  r->scope = copy(x->loc >= 0 ? x->doc->locs[x->loc].path : "");
  r->stop = truth(attr(attrs, "stopProcessing")) == 1;
  r->enabled = truth(attr(attrs, "enabled")) != 0;
  const char *syn = attr(attrs, "patternSyntax");
  r->syntax = !syn ? MC_IIS_REGEX : strcasecmp(syn, "Wildcard") == 0 ? MC_IIS_WILDCARD :
              strcasecmp(syn, "ExactMatch") == 0 ? MC_IIS_EXACT : MC_IIS_REGEX;
  r->line = (unsigned)XML_GetCurrentLineNumber(x->e.p);
  x->rule = r;
}

/* An element inside a rewrite <rule>: its match, its action, a condition.
 * False when name is none of those. */
static bool on_rule_part(struct iis_parse *x, const char *name, const char *p1,
                         const char **attrs)
{
  if(x->rule && strcmp(p1, "rule") == 0) {
    if(strcmp(name, "match") == 0) {
      free(x->rule->match);
      x->rule->match = copy(attr(attrs, "url"));
      x->rule->negate = truth(attr(attrs, "negate")) == 1;
      x->rule->ignore_case = truth(attr(attrs, "ignoreCase")) != 0;
    }
    else if(strcmp(name, "action") == 0) {
      free(x->rule->action);
      x->rule->action = copy(attr(attrs, "type"));
      free(x->rule->status);
      x->rule->status = copy(attr(attrs, "statusCode"));
      free(x->rule->target);
      x->rule->target = copy(attr(attrs, "url"));
    }
    return true;
  }
  if(x->rule && strcmp(name, "add") == 0 && strcmp(p1, "conditions") == 0) {
    x->rule->conditions++;
    /* The usual HTTP-to-HTTPS redirect: {HTTPS} matching "off" (or
       "^OFF$") applies to plain HTTP only. */
    const char *in = attr(attrs, "input"), *pat = attr(attrs, "pattern");
    if(in && pat && strcasecmp(in, "{HTTPS}") == 0 && mc_memcasemem(pat, strlen(pat), "off") &&
       truth(attr(attrs, "negate")) != 1)
      x->rule->http_only = true;
    return true;
  }
  return false;
}

/* A setting of the location (or the server-wide record) being read:
 * authentication, Extended Protection, providers, sslFlags, request limits,
 * IP restrictions. */
static void on_setting(struct iis_parse *x, struct mc_iis_location *l, const char *name,
                       const char **attrs)
{
  const char *p1 = up(x, 1), *p2 = up(x, 2);
  unsigned line = (unsigned)XML_GetCurrentLineNumber(x->e.p);
  if(strcmp(p1, "authentication") == 0) {
    int *slot = strcmp(name, "anonymousAuthentication") == 0 ? &l->anonymous :
                strcmp(name, "basicAuthentication") == 0 ? &l->basic :
                strcmp(name, "windowsAuthentication") == 0 ? &l->windows : NULL;
    if(slot && truth(attr(attrs, "enabled")) >= 0) {
      *slot = truth(attr(attrs, "enabled"));
      l->auth_line = line;
    }
  }
  else if(strcmp(name, "extendedProtection") == 0 && strcmp(p1, "windowsAuthentication") == 0) {
    if(attr(attrs, "tokenChecking")) {
      free(l->token_checking);
      l->token_checking = copy(attr(attrs, "tokenChecking"));
      l->ep_line = line;
    }
  }
  else if(strcmp(p1, "providers") == 0 && strcmp(p2, "windowsAuthentication") == 0) {
    if(strcmp(name, "clear") == 0) {
      free(l->providers);
      l->providers = mc_xstrdup("");
    }
    else if(strcmp(name, "add") == 0) {
      if(l->providers && !*l->providers) {
        free(l->providers);
        l->providers = NULL;
      }
      append(&l->providers, attr(attrs, "value"));
    }
  }
  else if(strcmp(name, "access") == 0 && strcmp(p1, "security") == 0) {
    free(l->ssl_flags);
    l->ssl_flags = copy(attr(attrs, "sslFlags"));
  }
  else if(strcmp(name, "requestLimits") == 0 && strcmp(p1, "requestFiltering") == 0) {
    long long v = -1;
    const char *s = attr(attrs, "maxAllowedContentLength");
    char *end = NULL;
    if(s) {
      v = strtoll(s, &end, 10);
      if(!end || end == s || *end || v < 0)
        v = -1;
    }
    if(v >= 0) {
      l->max_content = v;
      l->limit_line = line;
    }
  }
  else if(strcmp(name, "ipSecurity") == 0) {
    int a = truth(attr(attrs, "allowUnlisted"));
    if(a >= 0) {
      l->allow_unlisted = a;
      l->ip_line = line;
    }
  }
  else if(strcmp(name, "add") == 0 && strcmp(p1, "ipSecurity") == 0) {
    const char *ip = attr(attrs, "ipAddress"), *mask = attr(attrs, "subnetMask");
    bool allowed = truth(attr(attrs, "allowed")) != 0;
    char item[160];
    snprintf(item, sizeof item, "%s %.60s%s%.40s", allowed ? "allow" : "deny", ip ? ip : "?",
             mask ? "/" : "", mask ? mask : "");
    append(&l->ip_rules, item);
    l->ip_allows += allowed;
  }
}

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **attrs)
{
  struct iis_parse *x = ud;
  if(x->e.rc)
    return;
  if(x->depth >= MC_IIS_DEPTH) {
    mc_xml_fail(&x->e, MC_ERR_LIMIT, "elements nested deeper than %d: refused", MC_IIS_DEPTH);
    return;
  }
  if(++x->elements > MC_IIS_ELEMENTS) {
    mc_xml_fail(&x->e, MC_ERR_LIMIT, "more than %d elements: refused", MC_IIS_ELEMENTS);
    return;
  }
  mc_strlcpy(x->stack[x->depth++], name, NAME_MAX_LEN);
  const char *p1 = up(x, 1), *p2 = up(x, 2);
  if(strcmp(name, "location") == 0 && x->depth == 2) {
    x->loc = new_location(x, attr(attrs, "path"), false);
    return;
  }
  if(strcmp(name, "system.webServer") == 0 && x->depth == 2) {
    x->in_ws = true;
    if(x->server < 0)
      x->server = new_location(x, "", true);
    return;
  }
  if(strcmp(name, "MRSConfiguration") == 0) {
    const char *m = attr(attrs, "MaxMRSConnections");
    long v;
    x->doc->mrs_config = true;
    if(m && mc_parse_long(m, 0, 1000000, &v)) {
      x->doc->mrs_max = v;
      x->doc->mrs_line = (unsigned)XML_GetCurrentLineNumber(x->e.p);
    }
    return;
  }
  if(strcmp(name, "site") == 0 && strcmp(p1, "sites") == 0) {
    free(x->site);
    x->site = copy(attr(attrs, "name"));
    x->doc->nsites++;
    return;
  }
  if(strcmp(name, "binding") == 0 && strcmp(p1, "bindings") == 0 && x->site) {
    on_binding(x, attrs);
    return;
  }
  if(strcmp(name, "rule") == 0 && (strcmp(p1, "rules") == 0 || strcmp(p1, "globalRules") == 0) &&
     strcmp(p2, "rewrite") == 0) {
    on_rule(x, attrs);
    return;
  }
  if(on_rule_part(x, name, p1, attrs))
    return;
  struct mc_iis_location *l = location(x);
  if(l)
    on_setting(x, l, name, attrs);
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
  struct iis_parse *x = ud;
  if(x->e.rc || x->depth == 0)
    return;
  if(strcmp(name, "location") == 0 && x->depth == 2)
    x->loc = -1;
  else if(strcmp(name, "system.webServer") == 0 && x->depth == 2)
    x->in_ws = false;
  else if(strcmp(name, "site") == 0) {
    free(x->site);
    x->site = NULL;
  }
  else if(strcmp(name, "rule") == 0)
    x->rule = NULL;
  x->depth--;
}

#endif

bool mc_iis_sniff(const char *text, size_t n)
{
  size_t look = n < 4096 ? n : 4096;
  return mc_memcasemem(text, look, "<configuration") &&
         (mc_memcasemem(text, n, "<system.applicationHost") ||
          mc_memcasemem(text, n, "<location path=") || mc_memcasemem(text, look, "<?xml"));
}

#ifdef MC_HAVE_EXPAT
mc_code mc_iis_parse(const char *text, size_t n, struct mc_iis_doc *doc, char *err,
                     size_t errlen)
{
  memset(doc, 0, sizeof *doc);
  struct iis_parse x = { 0 };
  x.doc = doc;
  x.loc = x.server = -1;
  doc->mrs_max = -1;
  x.e.err = err;
  x.e.errlen = errlen;
  err[0] = '\0';
  if(n > MC_IIS_MAX) {
    snprintf(err, errlen, "%zu bytes, over the %d-byte limit for applicationHost.config: "
             "refused", n, MC_IIS_MAX);
    return MC_ERR_LIMIT;
  }
  x.e.p = XML_ParserCreate("UTF-8");
  if(!x.e.p) {
    snprintf(err, errlen, "the XML parser could not be created");
    return MC_ERR_INTERNAL;
  }
  mc_xml_harden(&x.e, &x, "IIS never writes one");
  XML_SetElementHandler(x.e.p, on_start, on_end);
  /* decode.c keeps a UTF-8 BOM out of the text, but an XML declaration
     naming UTF-16 stays: the encoding given above wins over it. */
  mc_xml_parse(&x.e, text, n, true);
  XML_ParserFree(x.e.p);
  free(x.site);
  return x.e.rc;
}
#else
mc_code mc_iis_parse(const char *text, size_t n, struct mc_iis_doc *doc, char *err,
                     size_t errlen)
{
  (void)text;
  (void)n;
  memset(doc, 0, sizeof *doc);
  doc->mrs_max = -1;
  snprintf(err, errlen, "this build of migcheck has no XML parser (expat): read IIS "
           "configuration files with the Linux or macOS build");
  return MC_ERR_USAGE;
}
#endif

void mc_iis_doc_release(struct mc_iis_doc *doc)
{
  for(size_t i = 0; i < doc->nlocs; i++) {
    struct mc_iis_location *l = &doc->locs[i];
    free(l->path);
    free(l->token_checking);
    free(l->providers);
    free(l->ssl_flags);
    free(l->ip_rules);
  }
  free(doc->locs);
  for(size_t i = 0; i < doc->nbindings; i++) {
    struct mc_iis_binding *b = &doc->bindings[i];
    free(b->site);
    free(b->protocol);
    free(b->info);
    free(b->cert_hash);
    free(b->cert_store);
  }
  free(doc->bindings);
  for(size_t i = 0; i < doc->nrules; i++) {
    struct mc_iis_rule *r = &doc->rules[i];
    free(r->name);
    free(r->scope);
    free(r->match);
    free(r->action);
    free(r->status);
    free(r->target);
  }
  free(doc->rules);
  memset(doc, 0, sizeof *doc);
}

const struct mc_iis_location *mc_iis_location(const struct mc_iis_doc *doc, const char *path)
{
  for(size_t i = 0; i < doc->nlocs; i++) {
    if(!doc->locs[i].server_wide && strcasecmp(doc->locs[i].path, path) == 0)
      return &doc->locs[i];
  }
  return NULL;
}
