/*
 * endpoint.c - migration endpoints as Exchange Online holds them
 * (Get-MigrationEndpoint), read from the three forms PowerShell writes
 * objects in, and judged for values that make no sense to the cloud.
 *
 * One reader for every PowerShell object file: mc_records_parse() turns
 * Format-List (fl.c), Export-Csv (csv.c) and ConvertTo-Json
 * (util/jsonval.c) into the same struct mc_fl_doc, so `migcheck config`
 * (Test-MigrationServerAvailability and the rest) and the endpoint readers
 * share it. An object is an endpoint when it has EndpointType.
 *
 * What the cloud does with the values (New-MigrationEndpoint, Microsoft
 * Learn): it resolves RemoteServer and RpcProxyServer in public DNS and
 * connects from the internet on 443 (remote move and Outlook Anywhere); an
 * IMAP endpoint connects to Port with Security (Ssl on 993, Tls or None on
 * 143); a cutover's Outlook Anywhere endpoint signs in with Basic unless
 * told NTLM.
 */
#include "config/endpoint.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/jsonval.h"

/* ---- building objects ---- */

static void obj_add(struct mc_fl_object *o, const char *key, const char *value, unsigned line)
{
  if(!*key || mc_fl_prop(o, key))
    return;
  if(o->nprops == o->cap) {
    o->cap = o->cap ? o->cap * 2 : 16;
    o->props = mc_xrealloc(o->props, o->cap * sizeof *o->props);
  }
  struct mc_fl_prop *p = &o->props[o->nprops++];
  p->key = mc_xstrdup(key);
  p->value = mc_xstrdup(value);
  p->line = line;
  p->full_len = strlen(p->value);
  p->cut = false;
}

/* ---- Export-Csv ---- */

static mc_code from_csv(const char *text, size_t n, struct mc_fl_doc *doc, char *err,
                        size_t errlen)
{
  size_t skip = 0;
  /* Export-Csv without -NoTypeInformation starts with "#TYPE <class>". */
  while(skip < n && (text[skip] == ' ' || text[skip] == '\r' || text[skip] == '\n'))
    skip++;
  if(n - skip >= 5 && strncmp(text + skip, "#TYPE", 5) == 0) {
    const char *nl = memchr(text + skip, '\n', n - skip);
    skip = nl ? (size_t)(nl - text) + 1 : n;
  }
  struct mc_csv csv;
  mc_code rc = mc_csv_parse(text + skip, n - skip, mc_csv_sniff(text + skip, n - skip), &csv,
                            err, errlen);
  if(rc != MC_OK)
    return rc;
  for(size_t r = 1; r < csv.n; r++) {
    struct mc_fl_object *o = mc_fl_doc_add(doc, csv.rows[r].line);
    for(size_t k = 0; k < csv.rows[0].n && k < csv.rows[r].n; k++)
      obj_add(o, csv.rows[0].f[k], csv.rows[r].f[k], csv.rows[r].line);
  }
  mc_csv_release(&csv);
  return MC_OK;
}

/* ---- ConvertTo-Json ---- */

/* A member's value as Format-List would show it: scalars as text, a list
 * of scalars as "{a, b}", an object by its Name (or Id). */
static void jv_text(const struct mc_jv *v, struct mc_buf *b)
{
  switch(v->type) {
  case MC_JV_NULL: break;
  case MC_JV_BOOL: mc_buf_addstr(b, v->b ? "True" : "False"); break;
  case MC_JV_NUM:
  case MC_JV_STR: mc_buf_addstr(b, v->str); break;
  case MC_JV_ARR:
    mc_buf_addch(b, '{');
    for(size_t i = 0; i < v->n; i++) {
      if(i)
        mc_buf_addstr(b, ", ");
      if(v->kids[i].type != MC_JV_ARR && v->kids[i].type != MC_JV_OBJ)
        jv_text(&v->kids[i], b);
    }
    mc_buf_addch(b, '}');
    break;
  case MC_JV_OBJ: {
    const char *name = mc_jv_gets(v, "Name");
    if(!name)
      name = mc_jv_gets(v, "Id");
    if(name)
      mc_buf_addstr(b, name);
    break;
  }
  }
}

/* Where the top-level objects (one, or the array's) start and where each
 * of their members' names is, in text order: the parsed values carry no
 * positions, and a message names the line. */
struct json_lines {
  unsigned *objs, *keys;
  size_t nobjs, nkeys, iobj, ikey;
};

static void lines_add(unsigned **v, size_t *n, unsigned line)
{
  *v = mc_xrealloc(*v, (*n + 1) * sizeof **v);
  (*v)[(*n)++] = line;
}

static void json_scan(const char *text, size_t n, struct json_lines *jl)
{
  char stack[4];                 /* the containers of the top levels */
  size_t depth = 0;
  unsigned line = 1;
  for(size_t i = 0; i < n; i++) {
    char c = text[i];
    if(c == '\n')
      line++;
    else if(c == '{' || c == '[') {
      if(depth < sizeof stack)
        stack[depth] = c;
      depth++;
      bool top = c == '{' && (depth == 1 || (depth == 2 && stack[0] == '['));
      if(top)
        lines_add(&jl->objs, &jl->nobjs, line);
    }
    else if((c == '}' || c == ']') && depth)
      depth--;
    else if(c == '"') {
      unsigned at = line;
      for(i++; i < n && text[i] != '"'; i++) {
        if(text[i] == '\\')
          i++;
        else if(text[i] == '\n')
          line++;
      }
      size_t j = i + 1;
      while(j < n && isspace((unsigned char)text[j]))
        j++;
      bool member = (depth == 1 && stack[0] == '{') ||
                    (depth == 2 && stack[0] == '[' && stack[1] == '{');
      if(member && j < n && text[j] == ':')
        lines_add(&jl->keys, &jl->nkeys, at);
    }
  }
}

static void json_object(const struct mc_jv *v, struct mc_fl_doc *doc, struct json_lines *jl)
{
  unsigned at = jl->iobj < jl->nobjs ? jl->objs[jl->iobj] : 1;
  jl->iobj++;
  struct mc_fl_object *o = mc_fl_doc_add(doc, at);
  struct mc_buf b = MC_BUF_INIT(65536);
  for(size_t i = 0; i < v->n; i++) {
    mc_buf_reset(&b);
    jv_text(&v->kids[i], &b);
    obj_add(o, v->kids[i].key, b.ptr ? b.ptr : "", jl->ikey < jl->nkeys ? jl->keys[jl->ikey] :
            at);
    jl->ikey++;
  }
  mc_buf_release(&b);
}

static mc_code from_json(const char *text, size_t n, struct mc_fl_doc *doc, char *err,
                         size_t errlen)
{
  struct mc_jv *v;
  mc_code rc = mc_jv_parse(text, n, &v, err, errlen);
  if(rc != MC_OK)
    return rc;
  struct json_lines jl = { 0 };
  json_scan(text, n, &jl);
  if(v->type == MC_JV_OBJ)
    json_object(v, doc, &jl);
  else if(v->type == MC_JV_ARR) {
    for(size_t i = 0; i < v->n; i++) {
      if(v->kids[i].type == MC_JV_OBJ)
        json_object(&v->kids[i], doc, &jl);
    }
  }
  free(jl.objs);
  free(jl.keys);
  mc_jv_free(v);
  return MC_OK;
}

/* ---- one reader for the three forms ---- */

/* Whether some line is "Name<spaces>: value" as Format-List writes it. */
static bool has_fl_line(const char *text, size_t n)
{
  size_t pos = 0;
  while(pos < n) {
    struct mc_config_line l = mc_config_next_line(text, n, &pos);
    size_t i = 0;
    while(i < l.n && (isalnum((unsigned char)l.p[i]) || l.p[i] == '_' || l.p[i] == '-'))
      i++;
    size_t k = i;
    while(i < l.n && l.p[i] == ' ')
      i++;
    if(k && i > k && i < l.n && l.p[i] == ':' && (i + 1 == l.n || l.p[i + 1] == ' '))
      return true;
  }
  return false;
}

mc_code mc_records_parse(const char *text, size_t n, struct mc_fl_doc *doc, const char **form,
                         char *err, size_t errlen)
{
  memset(doc, 0, sizeof *doc);
  size_t i = 0;
  if(n >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
    i = 3;
  while(i < n && isspace((unsigned char)text[i]))
    i++;
  const char *line = text + i;
  const char *nl = memchr(line, '\n', n - i);
  size_t ll = nl ? (size_t)(nl - line) : n - i;
  /* JSON: '{' then a name or '}', '[' then a value or ']' (a console
   * transcript's "[PS] C:\>" prompt is not JSON). */
  size_t j = i + 1;
  while(j < n && isspace((unsigned char)text[j]))
    j++;
  bool json = i < n && j < n &&
              ((text[i] == '{' && (text[j] == '"' || text[j] == '}')) ||
               (text[i] == '[' && strchr("{[]\"-0123456789tfn", text[j])));
  if(json) {
    *form = "ConvertTo-Json";
    return from_json(text, n, doc, err, errlen);
  }
  /* Export-Csv: "#TYPE", or a header of quoted names, or a delimited first
   * line in a text without one Format-List "Name : value" line (a console
   * transcript starts with a prompt that may hold commas). */
  if((ll >= 5 && strncmp(line, "#TYPE", 5) == 0) || (ll && line[0] == '"') ||
     (!has_fl_line(text, n) && (memchr(line, ',', ll) || memchr(line, ';', ll)))) {
    *form = "Export-Csv";
    return from_csv(text, n, doc, err, errlen);
  }
  *form = "Format-List";
  return mc_fl_parse(text, n, doc, err, errlen);
}

/* ---- endpoints ---- */

static const struct {
  const char *name;
  enum mc_endpoint_type type;
  const char *label;
} types[] = {
  { "ExchangeRemoteMove", MC_EP_REMOTE_MOVE, "remote move (MRSProxy)" },
  { "ExchangeOutlookAnywhere", MC_EP_OUTLOOK_ANYWHERE, "Outlook Anywhere (cutover, staged)" },
  { "IMAP", MC_EP_IMAP, "IMAP" },
};

const char *mc_endpoint_type_label(enum mc_endpoint_type t)
{
  for(size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
    if(types[i].type == t)
      return types[i].label;
  }
  return "other";
}

bool mc_endpoint_type_is_number(const struct mc_mig_endpoint *ep)
{
  const char *t = ep->type_name;
  return t && *t && strspn(t, "0123456789") == strlen(t);
}

char *mc_endpoint_type_number_error(const struct mc_mig_endpoint *ep, const char *file)
{
  return mc_xasprintf("'%s' line %u: EndpointType is the number %s (ConvertTo-Json writes "
                      "an enum's value); Microsoft documents the MigrationType names, not "
                      "their values, so migcheck does not guess the type: write the file "
                      "with ConvertTo-Json -EnumsAsStrings (PowerShell 7), Format-List or "
                      "Export-Csv", file, ep->type_line, ep->type_name);
}

static char *prop_dup(const struct mc_fl_object *o, const char *key)
{
  const char *v = mc_fl_get(o, key);
  if(!v)
    return NULL;
  while(*v == ' ')
    v++;
  size_t n = strlen(v);
  while(n && v[n - 1] == ' ')
    n--;
  if(!n || (n == 5 && strncasecmp(v, "$null", 5) == 0))
    return NULL;
  return mc_xstrndup(v, n);
}

bool mc_endpoint_from_object(const struct mc_fl_object *o, struct mc_mig_endpoint *ep)
{
  memset(ep, 0, sizeof *ep);
  char *type = prop_dup(o, "EndpointType");
  if(!type)
    return false;
  ep->type_name = type;
  const struct mc_fl_prop *tp = mc_fl_prop(o, "EndpointType");
  ep->type_line = tp ? tp->line : o->line;
  ep->type = MC_EP_OTHER;
  for(size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
    if(strcasecmp(type, types[i].name) == 0)
      ep->type = types[i].type;
  }
  ep->identity = prop_dup(o, "Identity");
  if(!ep->identity)
    ep->identity = prop_dup(o, "Name");
  if(!ep->identity)
    ep->identity = mc_xstrdup("");
  ep->remote_server = prop_dup(o, "RemoteServer");
  ep->exchange_server = prop_dup(o, "ExchangeServer");
  ep->rpc_proxy = prop_dup(o, "RpcProxyServer");
  ep->auth = prop_dup(o, "Authentication");
  ep->security = prop_dup(o, "Security");
  ep->username = prop_dup(o, "Username");
  ep->line = o->line;
  long v;
  const char *port = mc_fl_get(o, "Port");
  ep->port = port && mc_parse_long(port, 1, 65535, &v) ? (int)v : 0;
  const char *mcm = mc_fl_get(o, "MaxConcurrentMigrations");
  ep->max_concurrent = mcm && mc_parse_long(mcm, 0, 1000000, &v) ? v : -1;
  return true;
}

void mc_endpoint_release(struct mc_mig_endpoint *ep)
{
  free(ep->type_name);
  free(ep->identity);
  free(ep->remote_server);
  free(ep->exchange_server);
  free(ep->rpc_proxy);
  free(ep->auth);
  free(ep->security);
  free(ep->username);
  memset(ep, 0, sizeof *ep);
}

void mc_endpoint_list_free(struct mc_mig_endpoint *eps, size_t n)
{
  for(size_t i = 0; i < n; i++)
    mc_endpoint_release(&eps[i]);
  free(eps);
}

mc_code mc_endpoint_file_parse(const void *data, size_t n, struct mc_mig_endpoint **eps,
                               size_t *neps, const char **form, char *err, size_t errlen)
{
  *eps = NULL;
  *neps = 0;
  const char *enc = "";
  struct mc_buf text = MC_BUF_INIT(n * 2 + 16);
  struct mc_fl_doc doc = { 0 };
  mc_code rc = mc_config_decode(data, n, &text, &enc, err, errlen);
  if(rc != MC_OK)
    goto out;
  rc = mc_records_parse(text.ptr, text.len, &doc, form, err, errlen);
  if(rc != MC_OK)
    goto out;
  for(size_t i = 0; i < doc.nobjs; i++) {
    struct mc_mig_endpoint ep;
    if(!mc_endpoint_from_object(&doc.objs[i], &ep))
      continue;
    *eps = mc_xrealloc(*eps, (*neps + 1) * sizeof **eps);
    (*eps)[(*neps)++] = ep;
  }
  if(!*neps) {
    snprintf(err, errlen, "no migration endpoint in it (%s, %zu object%s, none with "
             "EndpointType): make it with Get-MigrationEndpoint | Format-List", *form,
             doc.nobjs, doc.nobjs == 1 ? "" : "s");
    rc = MC_ERR_PARSE;
  }
out:
  mc_fl_doc_release(&doc);
  mc_buf_release(&text);
  return rc;
}

const struct mc_mig_endpoint *mc_endpoint_select(const struct mc_mig_endpoint *eps, size_t n,
                                             const char *sel)
{
  long k;
  if(mc_parse_long(sel, 1, (long)n, &k))
    return &eps[k - 1];
  for(size_t i = 0; i < n; i++) {
    if(strcasecmp(eps[i].identity, sel) == 0)
      return &eps[i];
  }
  return NULL;
}

const char *mc_endpoint_host(const struct mc_mig_endpoint *ep)
{
  return ep->type == MC_EP_OUTLOOK_ANYWHERE ? ep->rpc_proxy : ep->remote_server;
}

/* ---- judging the values ---- */

bool mc_endpoint_internal_name(const char *host)
{
  static const char *const tlds[] = { "local", "lan", "corp", "internal", "intranet",
                                      "localdomain", "home", "private", "localhost",
                                      "home.arpa", NULL };
  unsigned char a[16];
  if(inet_pton(AF_INET, host, a) == 1) {
    return a[0] == 10 || a[0] == 127 || (a[0] == 172 && (a[1] & 0xf0) == 16) ||
           (a[0] == 192 && a[1] == 168) || (a[0] == 169 && a[1] == 254) ||
           (a[0] == 100 && (a[1] & 0xc0) == 64) || a[0] == 0;
  }
  if(inet_pton(AF_INET6, host, a) == 1) {
    static const unsigned char lo[16] = { [15] = 1 };
    return memcmp(a, lo, 16) == 0 || (a[0] & 0xfe) == 0xfc || (a[0] == 0xfe &&
                                                                (a[1] & 0xc0) == 0x80);
  }
  size_t n = strlen(host);
  while(n && host[n - 1] == '.')
    n--;
  if(!memchr(host, '.', n))
    return true;
  for(size_t i = 0; tlds[i]; i++) {
    size_t t = strlen(tlds[i]);
    if(n > t && host[n - t - 1] == '.' && strncasecmp(host + n - t, tlds[i], t) == 0)
      return true;
  }
  return false;
}

size_t mc_endpoint_judge(struct mc_report *r, const struct mc_mig_endpoint *ep, const char *file)
{
  struct mc_step *st = mc_step_add(r, NULL, "Migration endpoint %s%s%s as Exchange Online "
                                   "holds it", *ep->identity ? "'" : "", ep->identity,
                                   *ep->identity ? "'" : "(unnamed)");
  size_t before = r->nfindings;
  mc_step_ev(st, "from", "%s, object at line %u", file, ep->line);
  mc_step_ev(st, "EndpointType", "%s", ep->type_name);
  static const char *const none = "(empty)";
#define SHOW(label, v) mc_step_ev(st, label, "%s", (v) ? (v) : none)
  if(ep->type == MC_EP_OUTLOOK_ANYWHERE) {
    SHOW("RpcProxyServer", ep->rpc_proxy);
    SHOW("ExchangeServer", ep->exchange_server);
    SHOW("Authentication", ep->auth);
  }
  else
    SHOW("RemoteServer", ep->remote_server);
  if(ep->type == MC_EP_IMAP)
    SHOW("Security", ep->security);
  if(ep->port)
    mc_step_ev(st, "Port", "%d", ep->port);
  SHOW("Username", ep->username);
  if(ep->max_concurrent >= 0)
    mc_step_ev(st, "MaxConcurrentMigrations", "%ld", ep->max_concurrent);
#undef SHOW
  const char *host = mc_endpoint_host(ep);
  const char *field = ep->type == MC_EP_OUTLOOK_ANYWHERE ? "RpcProxyServer" : "RemoteServer";
  if(host && mc_endpoint_internal_name(host))
    mc_step_find(r, st, MC_CAUSE_ENDPOINT_INTERNAL_NAME, "%s is %s, a name only the inside network "
                 "knows: Exchange Online looks it up in public DNS and connects from the "
                 "internet; set the published name (Set-MigrationEndpoint -Identity \"%s\" -%s "
                 "mail.contoso.com)", field, host, ep->identity, field);
  if(ep->type == MC_EP_OUTLOOK_ANYWHERE && ep->auth && strcasecmp(ep->auth, "NTLM") == 0)
    mc_step_find(r, st, MC_CAUSE_ENDPOINT_OA_AUTH_NTLM, "Authentication is NTLM: a cutover or staged "
                 "migration signs in to the RPC proxy with Basic unless told otherwise, and "
                 "NTLM through a reverse proxy or load balancer that does not keep the "
                 "connection fails; set Basic (Set-MigrationEndpoint -Identity \"%s\" "
                 "-Authentication Basic) and offer Basic on the RPC proxy", ep->identity);
  if((ep->type == MC_EP_REMOTE_MOVE || ep->type == MC_EP_OUTLOOK_ANYWHERE) && ep->port &&
     ep->port != 443)
    mc_step_find(r, st, MC_CAUSE_ENDPOINT_PORT_NOT_443, "Port is %d: Exchange Online reaches %s on "
                 "443 only; publish it there", ep->port,
                 ep->type == MC_EP_REMOTE_MOVE ? "MRSProxy" : "the RPC proxy");
  if(ep->type == MC_EP_IMAP && ep->port && ep->security) {
    bool ssl = strcasecmp(ep->security, "Ssl") == 0;
    if((ssl && ep->port == 143) || (!ssl && ep->port == 993))
      mc_step_find(r, st, MC_CAUSE_ENDPOINT_IMAP_SECURITY_PORT, "Security %s with Port %d: %s",
                   ep->security, ep->port, ssl ? "port 143 speaks IMAP in clear first (use "
                   "-Security Tls on 143, or Ssl on 993)" : "port 993 expects TLS from the "
                   "first byte (use -Security Ssl on 993)");
  }
  size_t found = r->nfindings - before;
  if(mc_endpoint_type_is_number(ep)) {
    char *why = mc_endpoint_type_number_error(ep, file);
    mc_step_done(r, st, MC_UNKNOWN, "%s", why);
    free(why);
  }
  else if(!host)
    mc_step_done(r, st, MC_INFO, "%s is empty: nothing to connect to", field);
  else if(!found)
    mc_step_done(r, st, MC_PASS, "%s endpoint; the values make sense for Exchange Online",
                 mc_endpoint_type_label(ep->type));
  else
    mc_step_done(r, st, MC_INFO, "%s endpoint; %zu value%s Exchange Online cannot use as "
                 "they are", mc_endpoint_type_label(ep->type), found, found == 1 ? "" : "s");
  return found;
}
