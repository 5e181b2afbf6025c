/*
 * rules.c - recognises what each pasted object is (by its properties, never
 * by the file name) and checks it against the seeds' rules:
 *
 *   EWS virtual directory  MRSProxyEnabled True, ExternalUrl set, Windows and
 *                          Basic authentication on (seed 001 step 1)
 *   Outlook Anywhere       client authentication Basic, SSLOffloading off
 *                          (seed 000 step 1)
 *   RpcProxy registry      ValidPorts holds the short name, internal FQDN and
 *                          public FQDN, each with 6001-6002 and 6004 (seed 002
 *                          step 2)
 *   several servers        the same settings on each (seed 001's "passive"
 *                          server)
 *   Test-MigrationServerAvailability  its Message and ErrorDetail go through
 *                          the explain signatures
 *
 * Every finding names the server and carries the command that fixes it.
 * Get-ExchangeServer and Get-MapiVirtualDirectory objects give names only.
 */
#include "config/config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config/endpoint.h"
#include "kb/kb.h"

enum kind { K_EWS, K_OA, K_MAPI, K_SERVER, K_TMSA, K_NONE };

struct kind_def {
  enum kind k;
  const char *label;        /* "EWS virtual directory" */
  const char *cmdlet;       /* "Get-WebServicesVirtualDirectory" */
  const char *vdir;         /* "EWS (Default Web Site)": the default identity tail */
  const char *const *keys;  /* properties only this output has */
  const char *const *show;  /* properties shown as evidence */
};

#define L(...) ((const char *const[]){ __VA_ARGS__, NULL })

static const struct kind_def kinds[] = {
  { K_EWS, "EWS virtual directory", "Get-WebServicesVirtualDirectory", "EWS (Default Web Site)",
    L("MRSProxyEnabled", "InternalNLBBypassUrl", "WSSecurityAuthentication",
      "MRSProxyMaxConnections", "GzipLevel"),
    L("MRSProxyEnabled", "ExternalUrl", "ExternalAuthenticationMethods", "BasicAuthentication",
      "WindowsAuthentication", "WSSecurityAuthentication", "ExtendedProtectionTokenChecking") },
  { K_OA, "Outlook Anywhere", "Get-OutlookAnywhere", "Rpc (Default Web Site)",
    L("ExternalClientAuthenticationMethod", "InternalClientAuthenticationMethod",
      "ClientAuthenticationMethod", "SSLOffloading", "ExternalClientsRequireSsl", "XropUrl"),
    L("ExternalHostname", "InternalHostname", "ExternalClientAuthenticationMethod",
      "ClientAuthenticationMethod", "IISAuthenticationMethods", "SSLOffloading") },
  { K_MAPI, "MAPI virtual directory", "Get-MapiVirtualDirectory", "mapi (Default Web Site)",
    L("MapiHttp"),
    L("ExternalUrl", "InternalUrl", "IISAuthenticationMethods") },
  { K_SERVER, "Exchange server", "Get-ExchangeServer", NULL,
    L("AdminDisplayVersion", "ServerRole", "Edition", "IsMailboxServer", "IsHubTransportServer",
      "IsClientAccessServer"),
    L("Fqdn", "ServerRole", "AdminDisplayVersion", "Site") },
  { K_TMSA, "Test-MigrationServerAvailability result", "Test-MigrationServerAvailability", NULL,
    L("SupportsCutover", "ErrorDetail", "ConnectionSettings", "TestedEndpoint"),
    L("Result", "Message", "SupportsCutover") },
};
#define NKINDS (sizeof kinds / sizeof kinds[0])

struct obj {
  const struct mc_fl_object *o;
  const struct kind_def *kd;
  const char *file;
  char *server;             /* "EX01" or "(unnamed)" */
  char *identity;           /* "EX01\EWS (Default Web Site)" */
  bool identity_assumed;    /* not in the output: the default site was assumed */
};

struct rpcproxy {
  const char *file;
  char *key;
  char *validports;         /* NULL when absent */
  unsigned line;
  bool autoconfig;          /* ValidPorts_AutoConfig_Exchange present (2013+) */
  char *enabled;
};

struct ctx {
  struct mc_report *r;
  struct mc_fl_doc *docs;
  size_t ndocs;
  struct obj *objs;
  size_t nobjs;
  struct rpcproxy *rp;
  size_t nrp;
  size_t endpoints;         /* Get-MigrationEndpoint objects judged */
};

/* ---- small helpers ---- */

/* 1 true, 0 false, -1 neither. */
static int truth(const char *v)
{
  if(!v)
    return -1;
  if(strcasecmp(v, "True") == 0 || strcasecmp(v, "$true") == 0 || strcmp(v, "1") == 0)
    return 1;
  if(strcasecmp(v, "False") == 0 || strcasecmp(v, "$false") == 0 || strcmp(v, "0") == 0)
    return 0;
  return -1;
}

static bool blank_value(const char *v)
{
  return !v || !*v || strcasecmp(v, "$null") == 0 || strcmp(v, "{}") == 0;
}

static const struct kind_def *classify(const struct mc_fl_object *o)
{
  const char *ident = mc_fl_get(o, "Identity");
  const char *name = mc_fl_get(o, "Name");
  const struct kind_def *best = NULL;
  int best_score = 0;
  for(size_t i = 0; i < NKINDS; i++) {
    int score = 0;
    for(size_t k = 0; kinds[i].keys[k]; k++)
      score += mc_fl_prop(o, kinds[i].keys[k]) != NULL;
    const char *tail = kinds[i].vdir;
    if(tail) {
      size_t m = strcspn(tail, " ");
      char word[16];
      snprintf(word, sizeof word, "%.*s (", (int)m, tail);
      if((ident && mc_memcasemem(ident, strlen(ident), word)) ||
         (name && strncasecmp(name, word, strlen(word)) == 0))
        score += 3;
    }
    if(kinds[i].k == K_TMSA && !mc_fl_prop(o, "Result"))
      score = 0;
    if(score > best_score) {
      best_score = score;
      best = &kinds[i];
    }
  }
  return best;
}

/* The server an object belongs to, from Server, Identity or Name. */
static char *server_of(const struct mc_fl_object *o, enum kind k)
{
  const char *s = mc_fl_get(o, "Server");
  if(!blank_value(s))
    return mc_xstrdup(s);
  const char *id = mc_fl_get(o, "Identity");
  if(!blank_value(id) && strchr(id, '\\'))
    return mc_xstrndup(id, (size_t)(strchr(id, '\\') - id));
  const char *name = mc_fl_get(o, "Name");
  if(k == K_SERVER && !blank_value(name))
    return mc_xstrdup(name);
  if(k == K_SERVER && !blank_value(id))
    return mc_xstrdup(id);
  return NULL;
}

static void add_obj(struct ctx *c, const struct mc_fl_object *o, const struct kind_def *kd,
                    const char *file)
{
  c->objs = mc_xrealloc(c->objs, (c->nobjs + 1) * sizeof *c->objs);
  struct obj *x = &c->objs[c->nobjs++];
  memset(x, 0, sizeof *x);
  x->o = o;
  x->kd = kd;
  x->file = file;
  x->server = server_of(o, kd->k);
  const char *id = mc_fl_get(o, "Identity");
  if(!blank_value(id) && strchr(id, '\\'))
    x->identity = mc_xstrdup(id);
  else if(kd->vdir) {
    x->identity = mc_xasprintf("%s\\%s", x->server ? x->server : "EX01", kd->vdir);
    x->identity_assumed = true;
  }
  if(!x->server)
    x->server = mc_xasprintf("(unnamed, %s line %u)", file, o->line);
}

/* ---- reading the inputs ---- */

static void read_fl(struct ctx *c, struct mc_step *st, const char *file, const char *text,
                    size_t n)
{
  char err[256] = "";
  c->docs = mc_xrealloc(c->docs, (c->ndocs + 1) * sizeof *c->docs);
  struct mc_fl_doc *doc = &c->docs[c->ndocs++];
  const char *form = "Format-List";
  /* One reader for PowerShell objects (endpoint.c): Format-List, and
   * Export-Csv or ConvertTo-Json of the same cmdlets. */
  if(mc_records_parse(text, n, doc, &form, err, sizeof err) != MC_OK) {
    mc_step_ev(st, "error", "%s", err);
    mc_report_incomplete(c->r, "'%s': %s", file, err);
  }
  size_t counts[NKINDS] = { 0 };
  size_t unknown = 0, endpoints = 0;
  for(size_t i = 0; i < doc->nobjs; i++) {
    struct mc_mig_endpoint ep;
    if(mc_endpoint_from_object(&doc->objs[i], &ep)) {
      /* Get-MigrationEndpoint: the values Exchange Online holds. */
      mc_endpoint_judge(c->r, &ep, file);
      mc_endpoint_release(&ep);
      endpoints++;
      c->endpoints++;
      continue;
    }
    const struct kind_def *kd = classify(&doc->objs[i]);
    if(!kd) {
      unknown++;
      mc_step_ev(st, "skipped", "line %u: an object with %zu properties that is none of the "
                 "outputs migcheck reads", doc->objs[i].line, doc->objs[i].nprops);
      continue;
    }
    counts[kd - kinds]++;
    add_obj(c, &doc->objs[i], kd, file);
  }
  struct mc_buf sum = MC_BUF_INIT(1024);
  if(endpoints)
    mc_buf_printf(&sum, "%zu Get-MigrationEndpoint", endpoints);
  for(size_t i = 0; i < NKINDS; i++) {
    if(counts[i])
      mc_buf_printf(&sum, "%s%zu %s", sum.len ? ", " : "", counts[i], kinds[i].cmdlet);
  }
  if(!sum.len) {
    mc_step_done(c->r, st, MC_UNKNOWN, "%s output, but no object migcheck reads", form);
    mc_report_incomplete(c->r, "'%s': no Get-WebServicesVirtualDirectory, Get-OutlookAnywhere, "
                         "Get-MapiVirtualDirectory, Get-ExchangeServer or "
                         "Test-MigrationServerAvailability output found ('migcheck config "
                         "--collect' prints the commands)", file);
  }
  else
    mc_step_done(c->r, st, MC_INFO, "%s output: %s%s", form, sum.ptr,
                 unknown ? " (other objects skipped)" : "");
  mc_buf_release(&sum);
}

static bool is_rpcproxy_key(const char *key)
{
  size_t n = strlen(key);
  return n >= 13 && strcasecmp(key + n - 13, "\\Rpc\\RpcProxy") == 0;
}

static void read_reg(struct ctx *c, struct mc_step *st, const char *file, const char *text,
                     size_t n)
{
  char err[256] = "";
  struct mc_reg_doc doc;
  if(mc_reg_parse(text, n, &doc, err, sizeof err) != MC_OK) {
    mc_step_ev(st, "error", "%s", err);
    mc_step_done(c->r, st, MC_UNKNOWN, "cannot read the registry data");
    mc_report_incomplete(c->r, "'%s' %s", file, err);
    mc_reg_doc_release(&doc);
    return;
  }
  struct rpcproxy *cur = NULL;
  for(size_t i = 0; i < doc.n; i++) {
    const struct mc_reg_value *v = &doc.v[i];
    if(!is_rpcproxy_key(v->key))
      continue;
    if(!cur || strcasecmp(cur->key, v->key) != 0) {
      c->rp = mc_xrealloc(c->rp, (c->nrp + 1) * sizeof *c->rp);
      cur = &c->rp[c->nrp++];
      memset(cur, 0, sizeof *cur);
      cur->file = file;
      cur->key = mc_xstrdup(v->key);
    }
    if(strcasecmp(v->name, "ValidPorts") == 0) {
      free(cur->validports);
      cur->validports = mc_xstrdup(v->data);
      cur->line = v->line;
    }
    else if(strncasecmp(v->name, "ValidPorts_AutoConfig", 21) == 0)
      cur->autoconfig = true;
    else if(strcasecmp(v->name, "Enabled") == 0) {
      free(cur->enabled);
      cur->enabled = mc_xstrdup(v->data);
    }
  }
  if(cur)
    mc_step_done(c->r, st, MC_INFO, "%s: %zu values, RpcProxy key found", doc.format, doc.n);
  else {
    mc_step_done(c->r, st, MC_UNKNOWN, "%s: %zu values, but not HKLM\\SOFTWARE\\Microsoft\\Rpc"
                 "\\RpcProxy", doc.format, doc.n);
    mc_report_incomplete(c->r, "'%s' holds no HKLM\\SOFTWARE\\Microsoft\\Rpc\\RpcProxy values "
                         "(export it with: reg export HKLM\\SOFTWARE\\Microsoft\\Rpc\\RpcProxy "
                         "rpcproxy.reg)", file);
  }
  mc_reg_doc_release(&doc);
}

static void read_input(struct ctx *c, struct mc_step *parent, const struct mc_config_input *in)
{
  struct mc_step *st = mc_step_add(c->r, parent, "Read %s", in->name);
  char err[256] = "";
  const char *enc = "";
  struct mc_buf text = MC_BUF_INIT(in->len * 2 + 16);
  if(mc_config_decode(in->data, in->len, &text, &enc, err, sizeof err) != MC_OK) {
    mc_step_done(c->r, st, MC_UNKNOWN, "%s", err);
    mc_report_incomplete(c->r, "cannot read '%s': %s", in->name, err);
    mc_buf_release(&text);
    return;
  }
  mc_step_ev(st, "encoding", "%s, %zu bytes", enc, in->len);
  /* The text must outlive the step: fl and reg copy what they keep. */
  if(mc_reg_sniff(text.ptr, text.len))
    read_reg(c, st, in->name, text.ptr, text.len);
  else {
    if(!memchr(text.ptr, ':', text.len) && !memchr(text.ptr, ',', text.len)) {
      mc_step_done(c->r, st, MC_UNKNOWN, "not PowerShell Format-List output, a registry export "
                   "or reg query output");
      mc_report_incomplete(c->r, "cannot read '%s': it is not PowerShell '| fl' output, a "
                           "'reg export' file or 'reg query' output ('migcheck config "
                           "--collect' prints the commands that make them)", in->name);
    }
    else
      read_fl(c, st, in->name, text.ptr, text.len);
  }
  mc_buf_release(&text);
}

/* ---- rules per object ---- */

static void show(struct mc_step *st, const struct obj *x)
{
  mc_step_ev(st, "from", "%s line %u (%s)", x->file, x->o->line, x->kd->cmdlet);
  for(size_t i = 0; x->kd->show[i]; i++) {
    const struct mc_fl_prop *p = mc_fl_prop(x->o, x->kd->show[i]);
    if(p)
      mc_step_ev(st, p->key, "%s", *p->value ? p->value : "(empty)");
  }
  if(x->identity_assumed)
    mc_step_ev(st, "note", "Identity not in the output: commands below assume '%s'",
               x->identity);
}

static bool windows_auth(const struct mc_fl_list *l)
{
  return mc_fl_list_has(l, "Ntlm") || mc_fl_list_has(l, "WindowsIntegrated") ||
         mc_fl_list_has(l, "Negotiate");
}

static void rule_ews(struct ctx *c, struct obj *x)
{
  struct mc_step *st = mc_step_add(c->r, NULL, "EWS virtual directory %s", x->identity);
  show(st, x);
  const char *id = x->identity;
  if(truth(mc_fl_get(x->o, "MRSProxyEnabled")) == 0)
    mc_step_find(c->r, st, "CFG_MRSPROXY_DISABLED", "MRSProxyEnabled is False on %s: "
                 "Set-WebServicesVirtualDirectory -Identity \"%s\" -MRSProxyEnabled $true",
                 x->server, id);
  const struct mc_fl_prop *url = mc_fl_prop(x->o, "ExternalUrl");
  if(url && blank_value(url->value))
    mc_step_find(c->r, st, "CFG_EWS_EXTERNAL_URL_MISSING", "ExternalUrl is empty on %s: "
                 "Set-WebServicesVirtualDirectory -Identity \"%s\" -ExternalUrl "
                 "https://<public host name>/EWS/Exchange.asmx",
                 x->server, id);
  const char *methods = mc_fl_get(x->o, "ExternalAuthenticationMethods");
  bool win_missing = truth(mc_fl_get(x->o, "WindowsAuthentication")) == 0;
  bool basic_missing = truth(mc_fl_get(x->o, "BasicAuthentication")) == 0;
  if(methods) {
    struct mc_fl_list l;
    mc_fl_list_parse(methods, &l);
    if(l.truncated && (!windows_auth(&l) || !mc_fl_list_has(&l, "Basic")))
      mc_step_ev(st, "note", "ExternalAuthenticationMethods was cut at $FormatEnumerationLimit; "
                 "run $FormatEnumerationLimit=-1 first to see the whole list");
    else {
      win_missing = win_missing || !windows_auth(&l);
      basic_missing = basic_missing || !mc_fl_list_has(&l, "Basic");
    }
    mc_fl_list_release(&l);
  }
  if(win_missing)
    mc_step_find(c->r, st, "CFG_EWS_AUTH_METHODS", "Windows authentication (NTLM) is off on "
                 "%s, and Exchange Online authenticates MRSProxy with it: "
                 "Set-WebServicesVirtualDirectory -Identity \"%s\" -WindowsAuthentication $true%s",
                 x->server, id, basic_missing ? " -BasicAuthentication $true" : "");
  else if(basic_missing)
    mc_step_find_sev(c->r, st, "CFG_EWS_AUTH_METHODS", MC_WARN, "Basic authentication is off "
                     "on %s: Set-WebServicesVirtualDirectory -Identity \"%s\" "
                     "-BasicAuthentication $true", x->server, id);
  if(st->nfindings) {
    /* The fix steps name the first directory that needs one (model/fill.c). */
    mc_report_fact(c->r, "vdir", "%s", id);
    mc_report_fact(c->r, "server", "%s", x->server);
  }
  if(url && !blank_value(url->value) && strncasecmp(url->value, "https://", 8) == 0)
    mc_report_fact(c->r, "host", "%.*s", (int)strcspn(url->value + 8, "/:"), url->value + 8);
  mc_step_done(c->r, st, MC_PASS, "MRSProxy %s, ExternalUrl %s",
               truth(mc_fl_get(x->o, "MRSProxyEnabled")) == 1 ? "on" :
               truth(mc_fl_get(x->o, "MRSProxyEnabled")) == 0 ? "off" : "not shown",
               !url ? "not shown" : blank_value(url->value) ? "empty" : url->value);
}

static void rule_oa(struct ctx *c, struct obj *x)
{
  struct mc_step *st = mc_step_add(c->r, NULL, "Outlook Anywhere %s", x->identity);
  show(st, x);
  const char *id = x->identity;
  const char *ext = mc_fl_get(x->o, "ExternalClientAuthenticationMethod");
  bool e2010 = false;
  if(!ext) {
    ext = mc_fl_get(x->o, "ClientAuthenticationMethod");
    e2010 = ext != NULL;
  }
  const char *param = e2010 ? "-ClientAuthenticationMethod" : "-ExternalClientAuthenticationMethod";
  const char *iisset = e2010 ? "Basic,NTLM" : "Basic,NTLM,Negotiate";
  if(ext && !blank_value(ext) && strcasecmp(ext, "Basic") != 0)
    mc_step_find(c->r, st, "CFG_OA_AUTH_NOT_BASIC", "%s is %s on %s; the cutover endpoint "
                 "authenticates with Basic (KB 2903050): Set-OutlookAnywhere -Identity "
                 "\"%s\" %s Basic -IISAuthenticationMethods %s",
                 e2010 ? "ClientAuthenticationMethod" : "ExternalClientAuthenticationMethod",
                 ext, x->server, id, param, iisset);
  const char *iis = mc_fl_get(x->o, "IISAuthenticationMethods");
  if(iis) {
    struct mc_fl_list l;
    mc_fl_list_parse(iis, &l);
    if(!l.truncated && !mc_fl_list_has(&l, "Basic"))
      mc_step_find(c->r, st, "CFG_OA_AUTH_NOT_BASIC", "IISAuthenticationMethods %s lacks Basic "
                   "on %s, so IIS refuses Basic logons on /rpc: Set-OutlookAnywhere -Identity "
                   "\"%s\" -IISAuthenticationMethods %s", iis, x->server, id, iisset);
    mc_fl_list_release(&l);
  }
  if(truth(mc_fl_get(x->o, "SSLOffloading")) == 1)
    mc_step_find(c->r, st, "CFG_OA_SSL_OFFLOADING", "SSLOffloading is True on %s: unless a "
                 "device really terminates TLS in front, Set-OutlookAnywhere -Identity \"%s\" "
                 "-SSLOffloading $false", x->server, id);
  const struct mc_fl_prop *eh = mc_fl_prop(x->o, "ExternalHostname");
  if(eh && blank_value(eh->value))
    mc_step_find_sev(c->r, st, "OA_NOT_PUBLISHED", MC_WARN, "ExternalHostname is empty on %s: "
                     "Outlook Anywhere is not published for outside clients: "
                     "Set-OutlookAnywhere -Identity \"%s\" -ExternalHostname mail.contoso.com "
                     "-ExternalClientsRequireSsl $true %s Basic", x->server, id, param);
  mc_step_done(c->r, st, MC_PASS, "external authentication %s", ext ? ext : "not shown");
}

static void rule_info(struct ctx *c, struct obj *x)
{
  struct mc_step *st = mc_step_add(c->r, NULL, "%s %s", x->kd->label,
                                   x->identity ? x->identity : x->server);
  show(st, x);
  mc_step_done(c->r, st, MC_INFO, "read for names and comparison");
}

static void rule_tmsa(struct ctx *c, struct obj *x)
{
  struct mc_step *st = mc_step_add(c->r, NULL, "Test-MigrationServerAvailability (%s line %u)",
                                   x->file, x->o->line);
  show(st, x);
  const char *result = mc_fl_get(x->o, "Result");
  if(result && strcasecmp(result, "Success") == 0) {
    mc_step_done(c->r, st, MC_PASS, "the endpoint test succeeded");
    return;
  }
  struct mc_buf t = MC_BUF_INIT(MC_KB_TEXT_LIMIT);
  const char *msg = mc_fl_get(x->o, "Message");
  const char *det = mc_fl_get(x->o, "ErrorDetail");
  mc_buf_printf(&t, "%s\n%s", msg ? msg : "", det ? det : "");
  size_t found = mc_explain_into(c->r, st, t.ptr ? t.ptr : "", t.len);
  mc_buf_release(&t);
  if(found)
    mc_step_done(c->r, st, MC_FAIL, "Result %s: %zu cause%s recognised in the message", result ?
                 result : "(not shown)", found, found == 1 ? "" : "s");
  else
    mc_step_done(c->r, st, MC_FAIL, "Result %s, message not recognised: run 'migcheck "
                 "remote-move' or 'migcheck outlook-anywhere' against the server",
                 result ? result : "(not shown)");
}

/* ---- servers that differ ---- */

struct cmp_prop {
  enum kind k;
  const char *key;
  const char *good;         /* the value every server should have, or NULL */
  const char *setter;       /* the Set- parameter */
};

static const struct cmp_prop cmp_props[] = {
  { K_EWS, "MRSProxyEnabled", "True", "-MRSProxyEnabled $true" },
  { K_EWS, "WindowsAuthentication", "True", "-WindowsAuthentication $true" },
  { K_EWS, "BasicAuthentication", "True", "-BasicAuthentication $true" },
  { K_EWS, "WSSecurityAuthentication", "True", "-WSSecurityAuthentication $true" },
  { K_EWS, "ExternalAuthenticationMethods", NULL, NULL },
  { K_EWS, "ExtendedProtectionTokenChecking", NULL, "-ExtendedProtectionTokenChecking" },
  { K_OA, "ExternalClientAuthenticationMethod", "Basic",
    "-ExternalClientAuthenticationMethod Basic" },
  { K_OA, "ClientAuthenticationMethod", "Basic", "-ClientAuthenticationMethod Basic" },
  { K_OA, "IISAuthenticationMethods", NULL, "-IISAuthenticationMethods" },
  { K_OA, "SSLOffloading", "False", "-SSLOffloading $false" },
};

/* The vdir part of an identity ("EWS (Default Web Site)"), to compare like
 * with like when back-end directories are listed too. */
static const char *vdir_of(const struct obj *x)
{
  const char *s = x->identity ? strchr(x->identity, '\\') : NULL;
  return s ? s + 1 : "";
}

static void compare_servers(struct ctx *c)
{
  struct mc_step *st = NULL;
  size_t differ = 0;
  for(size_t p = 0; p < sizeof cmp_props / sizeof cmp_props[0]; p++) {
    const struct cmp_prop *cp = &cmp_props[p];
    for(size_t a = 0; a < c->nobjs; a++) {
      const struct obj *x = &c->objs[a];
      const char *va = mc_fl_get(x->o, cp->key);
      if(x->kd->k != cp->k || !va)
        continue;
      /* Only the first object of each value group reports, against a reference. */
      const struct obj *ref = NULL;
      const char *vref = NULL;
      for(size_t b = 0; b < c->nobjs; b++) {
        const struct obj *y = &c->objs[b];
        const char *vb = mc_fl_get(y->o, cp->key);
        if(b == a || y->kd->k != cp->k || !vb || strcasecmp(vdir_of(x), vdir_of(y)) != 0 ||
           strcasecmp(x->server, y->server) == 0 || strcasecmp(va, vb) == 0)
          continue;
        /* x is the odd one when y has the good value, or (no good value) when
           y comes first. */
        bool odd = cp->good ? strcasecmp(vb, cp->good) == 0 && strcasecmp(va, cp->good) != 0 :
                              b < a;
        if(odd) {
          ref = y;
          vref = vb;
          break;
        }
      }
      if(!ref)
        continue;
      if(!st)
        st = mc_step_add(c->r, NULL, "Compare servers");
      differ++;
      char *fix = cp->setter ? mc_xasprintf("%s -Identity \"%s\" %s%s%s",
                                            cp->k == K_EWS ? "Set-WebServicesVirtualDirectory" :
                                            "Set-OutlookAnywhere", x->identity, cp->setter,
                                            cp->good ? "" : " ", cp->good ? "" : vref) :
                               mc_xstrdup("give it the same settings as the others");
      mc_step_find(c->r, st, "CFG_SERVERS_DIFFER", "%s differs from %s: %s is %s there and %s "
                   "on %s; requests the load balancer sends to %s are handled differently "
                   "(a passive server left behind the load balancer): %s", x->server, ref->server, cp->key, va, vref,
                   ref->server, x->server, fix);
      free(fix);
    }
  }
  if(st)
    mc_step_done(c->r, st, MC_WARN, "%zu difference%s between servers", differ,
                 differ == 1 ? "" : "s");
}

/* ---- RpcProxy ValidPorts ---- */

struct vp_entry {
  char *host;
  unsigned lo, hi;
  char *text;               /* the entry as written */
};

struct vp_name {
  char *name;
  const char *what;         /* "short name", "internal FQDN", "public FQDN" */
};

static void vp_parse(const char *value, struct vp_entry **out, size_t *n)
{
  *out = NULL;
  *n = 0;
  const char *p = value;
  while(*p) {
    size_t len = strcspn(p, ";");
    const char *s = p, *e = p + len;
    while(s < e && (*s == ' ' || *s == '\t'))
      s++;
    while(e > s && (e[-1] == ' ' || e[-1] == '\t'))
      e--;
    const char *colon = s;
    while(colon < e && *colon != ':')
      colon++;
    if(e > s) {
      struct vp_entry v = { 0 };
      v.text = mc_xstrndup(s, (size_t)(e - s));
      v.host = mc_xstrndup(s, (size_t)(colon - s));
      if(colon < e) {
        char *ports = mc_xstrndup(colon + 1, (size_t)(e - colon - 1));
        char *dash = strchr(ports, '-');
        long lo = 0, hi = 0;
        if(dash)
          *dash = '\0';
        if(mc_parse_long(ports, 1, 65535, &lo) &&
           (!dash || mc_parse_long(dash + 1, 1, 65535, &hi))) {
          v.lo = (unsigned)lo;
          v.hi = dash ? (unsigned)hi : (unsigned)lo;
        }
        free(ports);
      }
      *out = mc_xrealloc(*out, (*n + 1) * sizeof **out);
      (*out)[(*n)++] = v;
    }
    p += len;
    if(*p == ';')
      p++;
  }
}

static bool vp_covers(const struct vp_entry *v, size_t n, const char *host, unsigned port)
{
  for(size_t i = 0; i < n; i++) {
    if(strcasecmp(v[i].host, host) == 0 && v[i].lo <= port && port <= v[i].hi)
      return true;
  }
  return false;
}

static void names_add(struct vp_name **names, size_t *n, const char *name, const char *what)
{
  for(size_t i = 0; i < *n; i++) {
    if(strcasecmp((*names)[i].name, name) == 0)
      return;
  }
  *names = mc_xrealloc(*names, (*n + 1) * sizeof **names);
  (*names)[*n].name = mc_xstrdup(name);
  (*names)[*n].what = what;
  (*n)++;
}

static const char *const internal_tlds[] = {
  "local", "lan", "internal", "corp", "intra", "intranet", "localdomain", "ad", "private",
  "home", NULL
};

static bool internal_name(const char *host)
{
  const char *dot = strrchr(host, '.');
  if(!dot)
    return false;
  for(int i = 0; internal_tlds[i]; i++) {
    if(strcasecmp(dot + 1, internal_tlds[i]) == 0)
      return true;
  }
  return false;
}

/* Is name (dotted) the FQDN of the short name s? */
static bool fqdn_of(const char *name, const char *s)
{
  size_t n = strlen(s);
  return strncasecmp(name, s, n) == 0 && name[n] == '.';
}

/* The required names: each server's short name and internal FQDN, then the
 * public names, from the other inputs first and the value itself second. */
static void required_names(struct ctx *c, const struct vp_entry *v, size_t nv,
                           struct vp_name **names, size_t *n)
{
  struct vp_name *shorts = NULL, *fqdns = NULL, *pubs = NULL;
  size_t ns = 0, nf = 0, np = 0;
  for(size_t i = 0; i < c->nobjs; i++) {
    const struct obj *x = &c->objs[i];
    if(x->kd->k == K_SERVER) {
      const char *role = mc_fl_get(x->o, "ServerRole");
      if(role && mc_memcasemem(role, strlen(role), "Edge"))
        continue;
      const char *fq = mc_fl_get(x->o, "Fqdn");
      if(x->server[0] != '(')
        names_add(&shorts, &ns, x->server, "short name");
      if(!blank_value(fq))
        names_add(&fqdns, &nf, fq, "internal FQDN");
    }
    if(x->kd->k == K_OA) {
      const char *eh = mc_fl_get(x->o, "ExternalHostname");
      if(x->server[0] != '(')
        names_add(&shorts, &ns, x->server, "short name");
      if(!blank_value(eh))
        names_add(&pubs, &np, eh, "public FQDN");
    }
  }
  bool from_inputs = ns > 0;
  for(size_t i = 0; i < nv; i++) {
    const char *h = v[i].host;
    /* A host listed with 6004 only is a global catalog (seed 000 step 2:
       the domain controllers answer NSPI on 6004), not an Exchange server. */
    if(!*h || (!vp_covers(v, nv, h, 6001) && !vp_covers(v, nv, h, 6002)))
      continue;
    if(!strchr(h, '.')) {
      if(!from_inputs)
        names_add(&shorts, &ns, h, "short name");
      continue;
    }
    bool known = false;
    for(size_t k = 0; k < ns && !known; k++)
      known = fqdn_of(h, shorts[k].name);
    if(known || internal_name(h)) {
      if(!known && !from_inputs) {
        char *s = mc_xstrndup(h, strcspn(h, "."));
        names_add(&shorts, &ns, s, "short name");
        free(s);
      }
      if(known || !from_inputs)
        names_add(&fqdns, &nf, h, "internal FQDN");
    }
    else
      names_add(&pubs, &np, h, "public FQDN");
  }
  /* The internal domain, to name an FQDN that no input gave. */
  const char *domain = NULL;
  for(size_t k = 0; k < nf && !domain; k++)
    domain = strchr(fqdns[k].name, '.');
  for(size_t s = 0; s < ns; s++) {
    names_add(names, n, shorts[s].name, "short name");
    bool have = false;
    for(size_t k = 0; k < nf; k++) {
      if(fqdn_of(fqdns[k].name, shorts[s].name)) {
        names_add(names, n, fqdns[k].name, "internal FQDN");
        have = true;
      }
    }
    if(!have) {
      char *guess = domain ? mc_xasprintf("%s%s", shorts[s].name, domain) :
                             mc_xasprintf("<%s FQDN>", shorts[s].name);
      names_add(names, n, guess, "internal FQDN");
      free(guess);
    }
  }
  for(size_t k = 0; k < nf; k++)
    names_add(names, n, fqdns[k].name, "internal FQDN");
  if(np == 0)
    names_add(names, n, "<public name>", "public FQDN");
  for(size_t k = 0; k < np; k++)
    names_add(names, n, pubs[k].name, "public FQDN");
  for(size_t k = 0; k < ns; k++)
    free(shorts[k].name);
  for(size_t k = 0; k < nf; k++)
    free(fqdns[k].name);
  for(size_t k = 0; k < np; k++)
    free(pubs[k].name);
  free(shorts);
  free(fqdns);
  free(pubs);
}

static void rule_validports(struct ctx *c, struct rpcproxy *rp)
{
  struct mc_step *st = mc_step_add(c->r, NULL, "RpcProxy ValidPorts (%s)", rp->file);
  mc_step_ev(st, "key", "%s", rp->key);
  if(rp->enabled && strcmp(rp->enabled, "0") == 0)
    mc_step_find(c->r, st, "OA_NOT_PUBLISHED", "RpcProxy Enabled is 0: the RPC proxy is "
                 "switched off: reg add HKLM\\SOFTWARE\\Microsoft\\Rpc\\RpcProxy /v Enabled "
                 "/t REG_DWORD /d 1 /f");
  if(!rp->validports && rp->autoconfig) {
    mc_step_done(c->r, st, MC_INFO, "no ValidPorts, only ValidPorts_AutoConfig_Exchange: "
                 "Exchange 2013 or later routes RPC by mailbox and keeps this value itself");
    return;
  }
  const char *value = rp->validports ? rp->validports : "";
  mc_step_ev(st, "ValidPorts", "%s", *value ? value : "(absent)");
  struct vp_entry *v;
  size_t nv;
  vp_parse(value, &v, &nv);
  struct vp_name *names = NULL;
  size_t nn = 0;
  required_names(c, v, nv, &names, &nn);
  static const unsigned ports[] = { 6001, 6002, 6004 };
  struct mc_buf missing = MC_BUF_INIT(1 << 16);
  struct mc_buf want = MC_BUF_INIT(1 << 16);
  for(size_t i = 0; i < nn; i++) {
    const char *h = names[i].name;
    mc_buf_printf(&want, "%s%s:6001-6002;%s:6004", want.len ? ";" : "", h, h);
    char miss[64] = "";
    size_t nmiss = 0;
    for(size_t k = 0; k < 3; k++) {
      if(h[0] == '<' || !vp_covers(v, nv, h, ports[k]))
        snprintf(miss + strlen(miss), sizeof miss - strlen(miss), "%s%u", nmiss++ ? ", " : "",
                 ports[k]);
    }
    if(h[0] == '<')
      mc_buf_printf(&missing, "%sno public FQDN is listed (the RPC proxy name Exchange Online "
                    "connects to, e.g. mail.contoso.com; add Get-OutlookAnywhere output to "
                    "fill it in below)", missing.len ? "; " : "");
    else if(nmiss == 3)
      mc_buf_printf(&missing, "%s%s (%s) is not listed", missing.len ? "; " : "", h,
                    names[i].what);
    else if(nmiss)
      mc_buf_printf(&missing, "%s%s (%s) lacks %s", missing.len ? "; " : "", h, names[i].what,
                    miss);
  }
  /* Keep entries for other hosts (domain controllers, other servers). */
  for(size_t i = 0; i < nv; i++) {
    bool required = false;
    for(size_t k = 0; k < nn && !required; k++)
      required = strcasecmp(v[i].host, names[k].name) == 0;
    if(!required)
      mc_buf_printf(&want, ";%s", v[i].text);
  }
  if(missing.len) {
    mc_step_find(c->r, st, "CFG_VALIDPORTS_MISSING", "%s. Set the whole value: reg add "
                 "HKLM\\SOFTWARE\\Microsoft\\Rpc\\RpcProxy /v ValidPorts /t REG_SZ /d \"%s\" /f",
                 missing.ptr, want.ptr);
    mc_report_fact(c->r, "validports", "%s", want.ptr);    /* for the fix steps */
  }
  mc_step_done(c->r, st, MC_PASS, "%zu entries; short name, internal FQDN and public FQDN "
               "each need 6001-6002 and 6004", nv);
  for(size_t i = 0; i < nv; i++) {
    free(v[i].host);
    free(v[i].text);
  }
  free(v);
  for(size_t i = 0; i < nn; i++)
    free(names[i].name);
  free(names);
  mc_buf_release(&missing);
  mc_buf_release(&want);
}

/* ---- the whole check ---- */

struct mc_report *mc_config_check(const struct mc_config_input *in, size_t n)
{
  struct mc_buf target = MC_BUF_INIT(4096);
  for(size_t i = 0; i < n; i++)
    mc_buf_printf(&target, "%s%s", i ? " " : "", in[i].name);
  struct ctx c = { 0 };
  c.r = mc_report_new("config", target.ptr ? target.ptr : "");
  mc_buf_release(&target);
  struct mc_step *rd = mc_step_add(c.r, NULL, "Read %zu input%s", n, n == 1 ? "" : "s");
  for(size_t i = 0; i < n; i++)
    read_input(&c, rd, &in[i]);
  mc_step_done(c.r, rd, MC_INFO, "%zu object%s, %zu RpcProxy key%s", c.nobjs,
               c.nobjs == 1 ? "" : "s", c.nrp, c.nrp == 1 ? "" : "s");
  for(size_t i = 0; i < c.nobjs; i++) {
    switch(c.objs[i].kd->k) {
    case K_EWS: rule_ews(&c, &c.objs[i]); break;
    case K_OA: rule_oa(&c, &c.objs[i]); break;
    case K_TMSA: rule_tmsa(&c, &c.objs[i]); break;
    default: rule_info(&c, &c.objs[i]); break;
    }
  }
  compare_servers(&c);
  for(size_t i = 0; i < c.nrp; i++)
    rule_validports(&c, &c.rp[i]);
  if(c.nobjs == 0 && c.nrp == 0 && !c.r->incomplete && !c.endpoints)
    mc_report_incomplete(c.r, "nothing to check in the inputs");
  for(size_t i = 0; i < c.nobjs; i++) {
    free(c.objs[i].server);
    free(c.objs[i].identity);
  }
  free(c.objs);
  for(size_t i = 0; i < c.ndocs; i++)
    mc_fl_doc_release(&c.docs[i]);
  free(c.docs);
  for(size_t i = 0; i < c.nrp; i++) {
    free(c.rp[i].key);
    free(c.rp[i].validports);
    free(c.rp[i].enabled);
  }
  free(c.rp);
  return c.r;
}
