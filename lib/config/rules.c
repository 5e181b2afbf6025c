/*
 * rules.c - recognises what each pasted object is (by its properties, never
 * by the file name) and checks it against Microsoft's published rules:
 *
 *   EWS virtual directory  MRSProxyEnabled True, ExternalUrl set, Windows and
 *                          Basic authentication on (Microsoft Learn: "Enable the
 *                          MRS Proxy endpoint for remote moves")
 *   Outlook Anywhere       client authentication Basic, SSLOffloading off
 *                          (KB 2903050)
 *   RpcProxy registry      ValidPorts holds the short name, internal FQDN and
 *                          public FQDN, each with 6001-6002 and 6004 (KB 2903050)
 *   several servers        the same settings on each (a "passive" server behind
 *                          the load balancer answers differently)
 *   Test-MigrationServerAvailability  its Message and ErrorDetail go through
 *                          the explain signatures
 *
 * Every finding names the server and carries the command that fixes it.
 * Get-ExchangeServer and Get-MapiVirtualDirectory objects give names only.
 */
#include "config/config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config/endpoint.h"
#include "kb/kb.h"

enum kind { K_EWS, K_OA, K_MAPI, K_SERVER, K_TMSA, K_CERT, K_NONE };

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
      "WindowsAuthentication", "WSSecurityAuthentication", "ExtendedProtectionTokenChecking",
      "InternalNLBBypassUrl", "MRSProxyMaxConnections") },
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
  { K_CERT, "Exchange certificate", "Get-ExchangeCertificate", NULL,
    L("Thumbprint", "CertificateDomains", "HasPrivateKey", "IsSelfSigned", "RootCAType",
      "NotAfter", "PublicKeySize"),
    L("Thumbprint", "Subject", "Services", "Status", "NotAfter") },
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
  bool cut;                 /* ValidPorts longer than reg.c keeps */
  char *enabled;
};

struct iis_file {
  const char *file;
  struct mc_iis_doc doc;
};

struct sslcert_file {
  const char *file;
  struct mc_sslcert_doc doc;
};

struct ctx {
  struct mc_report *r;
  struct mc_fl_doc *docs;
  size_t ndocs;
  struct obj *objs;
  size_t nobjs;
  struct rpcproxy *rp;
  size_t nrp;
  struct mc_tlsreg **tls;   /* SCHANNEL, .NET and Lsa values per computer */
  size_t ntls;
  struct iis_file *iis;     /* applicationHost.config files */
  size_t niis;
  struct sslcert_file *ssl; /* netsh http show sslcert outputs */
  size_t nssl;
  struct mc_mcjson *reps;   /* migcheck --json reports */
  const char **rep_files;
  size_t nreps;
  struct mc_cert_seen *seen;/* certificates those reports saw */
  size_t nseen;
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
  for(size_t i = 0; i < doc.n; i++) {
    if(doc.v[i].cut)
      mc_step_find(c->r, st, MC_CAUSE_CFG_VALUE_TOO_LONG, "%s\\%s is %zu bytes long in the file (%s "
                   "line %u), more than migcheck reads of one value; no setting it checks is "
                   "that long: reg query \"%s\" /v \"%s\" shows what is set", doc.v[i].key,
                   doc.v[i].name, doc.v[i].full_len, file, doc.v[i].line, doc.v[i].key,
                   doc.v[i].name);
  }
  size_t groups = c->ntls;
  mc_tlsreg_read(&doc, file, &c->tls, &c->ntls);
  groups = c->ntls - groups;
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
      cur->cut = v->cut;
    }
    else if(strncasecmp(v->name, "ValidPorts_AutoConfig", 21) == 0)
      cur->autoconfig = true;
    else if(strcasecmp(v->name, "Enabled") == 0) {
      free(cur->enabled);
      cur->enabled = mc_xstrdup(v->data);
    }
  }
  if(cur || groups)
    mc_step_done(c->r, st, MC_INFO, "%s: %zu values%s%s", doc.format, doc.n,
                 cur ? ", RpcProxy key found" : "",
                 groups ? ", TLS and authentication keys found" : "");
  else {
    mc_step_done(c->r, st, MC_UNKNOWN, "%s: %zu values, but none of the keys migcheck reads",
                 doc.format, doc.n);
    mc_report_incomplete(c->r, "'%s' holds none of the registry keys migcheck reads (RpcProxy, "
                         "SCHANNEL protocols, .NET Framework, Lsa; 'migcheck config --collect' "
                         "prints the reg export lines)", file);
  }
  mc_reg_doc_release(&doc);
}

static void read_iis(struct ctx *c, struct mc_step *st, const char *file, const char *text,
                     size_t n)
{
  char err[256] = "";
  struct mc_iis_doc doc;
  if(mc_iis_parse(text, n, &doc, err, sizeof err) != MC_OK) {
    mc_step_ev(st, "error", "%s", err);
    mc_step_done(c->r, st, MC_UNKNOWN, "IIS configuration, refused: %s", err);
    mc_report_incomplete(c->r, "'%s' (IIS configuration): %s", file, err);
    mc_iis_doc_release(&doc);
    return;
  }
  c->iis = mc_xrealloc(c->iis, (c->niis + 1) * sizeof *c->iis);
  c->iis[c->niis].file = file;
  c->iis[c->niis++].doc = doc;
  if(doc.mrs_config && !doc.nlocs && !doc.nbindings)
    mc_step_done(c->r, st, MC_INFO, "MsExchangeMailboxReplication.exe.config: MaxMRSConnections "
                 "%s", doc.mrs_max >= 0 ? "set" : "not set (default 100)");
  else
    mc_step_done(c->r, st, MC_INFO, "IIS configuration: %zu sites, %zu locations, %zu rewrite "
                 "rules", doc.nsites, doc.nlocs, doc.nrules);
}

/* A reader refused file: the step says what it took the file for and why it
 * is unknown, and the report is incomplete. */
static void refused(struct ctx *c, struct mc_step *st, const char *what, const char *file,
                    const char *err)
{
  mc_step_done(c->r, st, MC_UNKNOWN, "%s: %s", what, err);
  mc_report_incomplete(c->r, "'%s': %s", file, err);
}

static void read_sslcert(struct ctx *c, struct mc_step *st, const char *file, const char *text,
                         size_t n)
{
  char err[256] = "";
  struct mc_sslcert_doc doc;
  if(mc_sslcert_parse(text, n, &doc, err, sizeof err) != MC_OK) {
    refused(c, st, "netsh http show sslcert output, refused", file, err);
    mc_sslcert_doc_release(&doc);
    return;
  }
  c->ssl = mc_xrealloc(c->ssl, (c->nssl + 1) * sizeof *c->ssl);
  c->ssl[c->nssl].file = file;
  c->ssl[c->nssl++].doc = doc;
  mc_step_done(c->r, st, MC_INFO, "netsh http show sslcert output: %zu bindings", doc.n);
}

static void read_report(struct ctx *c, struct mc_step *st, const char *file, const char *text,
                        size_t n)
{
  char err[256] = "";
  struct mc_mcjson j;
  if(mc_mcjson_parse(text, n, &j, err, sizeof err) != MC_OK) {
    refused(c, st, "JSON, but not a migcheck report", file, err);
    mc_mcjson_release(&j);
    return;
  }
  c->reps = mc_xrealloc(c->reps, (c->nreps + 1) * sizeof *c->reps);
  c->rep_files = mc_xrealloc(c->rep_files, (c->nreps + 1) * sizeof *c->rep_files);
  c->reps[c->nreps] = j;
  c->rep_files[c->nreps++] = file;
  mc_step_done(c->r, st, MC_INFO, "migcheck %s report of %s: verdict %s, %zu cause%s",
               j.command, j.target ? j.target : "?", j.verdict, j.ncauses,
               j.ncauses == 1 ? "" : "s");
}

/* The leaf certificates the reports saw: the thumbprint in each
 * "Certificate of NAME" step. Pointers into the reports. */
static void gather_seen(struct ctx *c)
{
  for(size_t k = 0; k < c->nreps; k++) {
    const struct mc_mcjson *j = &c->reps[k];
    for(size_t i = 0; i < j->nlines; i++) {
      const struct mc_mcjson_line *l = &j->lines[i];
      if(strcmp(l->label, "thumbprint") != 0 || strncmp(l->step, "Certificate of ", 15) != 0 ||
         !*l->text)
        continue;
      c->seen = mc_xrealloc(c->seen, (c->nseen + 1) * sizeof *c->seen);
      c->seen[c->nseen++] = (struct mc_cert_seen){ c->rep_files[k], l->step + 15, l->text };
    }
  }
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
  if(mc_mcjson_sniff(text.ptr, text.len))
    read_report(c, st, in->name, text.ptr, text.len);
  else if(mc_iis_sniff(text.ptr, text.len))
    read_iis(c, st, in->name, text.ptr, text.len);
  else if(mc_sslcert_sniff(text.ptr, text.len))
    read_sslcert(c, st, in->name, text.ptr, text.len);
  else if(mc_reg_sniff(text.ptr, text.len))
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

/* How a value is shown: the value, "(empty)", or for one over the limit its
 * length and start (the whole is not kept). */
#define SHOW_CUT 120

static void show_prop(struct mc_step *st, const struct mc_fl_prop *p)
{
  if(p->cut)
    mc_step_ev(st, p->key, "over-long: %zu bytes, more than the %zu read; it starts '%.*s'",
                p->full_len, MC_FL_VALUE_LIMIT, SHOW_CUT, p->value);
  else
    mc_step_ev(st, p->key, "%s", *p->value ? p->value : "(empty)");
}

/* Values cut at MC_FL_VALUE_LIMIT: said as over-long, one finding per
 * property, so no rule below reads a cut value as empty or as complete. */
static void rule_overlong(struct ctx *c, struct mc_step *st, const struct obj *x)
{
  for(size_t i = 0; i < x->o->nprops; i++) {
    const struct mc_fl_prop *p = &x->o->props[i];
    if(!p->cut)
      continue;
    bool shown = false;
    for(size_t k = 0; x->kd->show[k] && !shown; k++)
      shown = strcasecmp(x->kd->show[k], p->key) == 0;
    if(!shown)
      show_prop(st, p);
    mc_step_find(c->r, st, MC_CAUSE_CFG_VALUE_TOO_LONG, "%s on %s is %zu bytes long (%s line %u), more "
                 "than the %zu bytes migcheck reads of one value; no setting is that long, so "
                 "check what was set there: %s | Format-List Identity,%s", p->key, x->server,
                 p->full_len, x->file, p->line, MC_FL_VALUE_LIMIT, x->kd->cmdlet, p->key);
  }
}

static void show(struct ctx *c, struct mc_step *st, const struct obj *x)
{
  mc_step_ev(st, "from", "%s line %u (%s)", x->file, x->o->line, x->kd->cmdlet);
  for(size_t i = 0; x->kd->show[i]; i++) {
    const struct mc_fl_prop *p = mc_fl_prop(x->o, x->kd->show[i]);
    if(p)
      show_prop(st, p);
  }
  if(x->identity_assumed)
    mc_step_ev(st, "note", "Identity not in the output: commands below assume '%s'",
               x->identity);
  rule_overlong(c, st, x);
}

static bool windows_auth(const struct mc_fl_list *l)
{
  return mc_fl_list_has(l, "Ntlm") || mc_fl_list_has(l, "WindowsIntegrated") ||
         mc_fl_list_has(l, "Negotiate");
}

static void rule_ews(struct ctx *c, struct obj *x)
{
  struct mc_step *st = mc_step_add(c->r, NULL, "EWS virtual directory %s", x->identity);
  show(c, st, x);
  const char *id = x->identity;
  if(truth(mc_fl_get(x->o, "MRSProxyEnabled")) == 0)
    mc_step_find(c->r, st, MC_CAUSE_CFG_MRSPROXY_DISABLED, "MRSProxyEnabled is False on %s: "
                 "Set-WebServicesVirtualDirectory -Identity \"%s\" -MRSProxyEnabled $true",
                 x->server, id);
  const struct mc_fl_prop *url = mc_fl_prop(x->o, "ExternalUrl");
  if(url && !url->cut && blank_value(url->value))
    mc_step_find(c->r, st, MC_CAUSE_CFG_EWS_EXTERNAL_URL_MISSING, "ExternalUrl is empty on %s: "
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
    mc_step_find(c->r, st, MC_CAUSE_CFG_EWS_AUTH_METHODS, "Windows authentication (NTLM) is off on "
                 "%s, and Exchange Online authenticates MRSProxy with it: "
                 "Set-WebServicesVirtualDirectory -Identity \"%s\" -WindowsAuthentication $true%s",
                 x->server, id, basic_missing ? " -BasicAuthentication $true" : "");
  else if(basic_missing)
    mc_step_find_sev(c->r, st, MC_CAUSE_CFG_EWS_AUTH_METHODS, MC_WARN, "Basic authentication is off "
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
               !url ? "not shown" : url->cut ? "over-long" :
               blank_value(url->value) ? "empty" : url->value);
}

static void rule_oa(struct ctx *c, struct obj *x)
{
  struct mc_step *st = mc_step_add(c->r, NULL, "Outlook Anywhere %s", x->identity);
  show(c, st, x);
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
    mc_step_find(c->r, st, MC_CAUSE_CFG_OA_AUTH_NOT_BASIC, "%s is %s on %s; the cutover endpoint "
                 "authenticates with Basic (KB 2903050): Set-OutlookAnywhere -Identity "
                 "\"%s\" %s Basic -IISAuthenticationMethods %s",
                 e2010 ? "ClientAuthenticationMethod" : "ExternalClientAuthenticationMethod",
                 ext, x->server, id, param, iisset);
  const char *iis = mc_fl_get(x->o, "IISAuthenticationMethods");
  if(iis) {
    struct mc_fl_list l;
    mc_fl_list_parse(iis, &l);
    if(!l.truncated && !mc_fl_list_has(&l, "Basic"))
      mc_step_find(c->r, st, MC_CAUSE_CFG_OA_AUTH_NOT_BASIC, "IISAuthenticationMethods %s lacks Basic "
                   "on %s, so IIS refuses Basic logons on /rpc: Set-OutlookAnywhere -Identity "
                   "\"%s\" -IISAuthenticationMethods %s", iis, x->server, id, iisset);
    mc_fl_list_release(&l);
  }
  if(truth(mc_fl_get(x->o, "SSLOffloading")) == 1)
    mc_step_find(c->r, st, MC_CAUSE_CFG_OA_SSL_OFFLOADING, "SSLOffloading is True on %s: unless a "
                 "device really terminates TLS in front, Set-OutlookAnywhere -Identity \"%s\" "
                 "-SSLOffloading $false", x->server, id);
  const struct mc_fl_prop *eh = mc_fl_prop(x->o, "ExternalHostname");
  if(eh && blank_value(eh->value))
    mc_step_find_sev(c->r, st, MC_CAUSE_OA_NOT_PUBLISHED, MC_WARN, "ExternalHostname is empty on %s: "
                     "Outlook Anywhere is not published for outside clients: "
                     "Set-OutlookAnywhere -Identity \"%s\" -ExternalHostname mail.contoso.com "
                     "-ExternalClientsRequireSsl $true %s Basic", x->server, id, param);
  mc_step_done(c->r, st, MC_PASS, "external authentication %s", ext ? ext : "not shown");
}

static void rule_info(struct ctx *c, struct obj *x)
{
  struct mc_step *st = mc_step_add(c->r, NULL, "%s %s", x->kd->label,
                                   x->identity ? x->identity : x->server);
  show(c, st, x);
  mc_step_done(c->r, st, MC_INFO, "read for names and comparison");
}

static void rule_tmsa(struct ctx *c, struct obj *x)
{
  struct mc_step *st = mc_step_add(c->r, NULL, "Test-MigrationServerAvailability (%s line %u)",
                                   x->file, x->o->line);
  show(c, st, x);
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
      mc_step_find(c->r, st, MC_CAUSE_CFG_SERVERS_DIFFER, "%s differs from %s: %s is %s there and %s "
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

/* Whether a ValidPorts host holds the wildcards the RPC proxy documents:
 * '*' any run of characters, '?' one character (EX*:6001-6002). */
static bool vp_wild(const char *host)
{
  return strpbrk(host, "*?") != NULL;
}

bool mc_config_glob(const char *pat, const char *name)
{
  const char *star = NULL, *resume = NULL;
  while(*name) {
    if(*pat == '*') {
      star = pat++;
      resume = name;
    }
    else if(*pat == '?' || (*pat && tolower((unsigned char)*pat) ==
                            tolower((unsigned char)*name))) {
      pat++;
      name++;
    }
    else if(star) {
      pat = star + 1;
      name = ++resume;
    }
    else
      return false;
  }
  while(*pat == '*')
    pat++;
  return *pat == '\0';
}

/* The entry that lets host through on port, or NULL. An exact entry wins
 * over a wildcard one, and a longer pattern over a shorter one, to name the
 * entry that was meant in the evidence. */
static const struct vp_entry *vp_match(const struct vp_entry *v, size_t n, const char *host,
                                       unsigned port)
{
  const struct vp_entry *wild = NULL;
  for(size_t i = 0; i < n; i++) {
    if(v[i].lo > port || port > v[i].hi)
      continue;
    if(strcasecmp(v[i].host, host) == 0)
      return &v[i];
    if(vp_wild(v[i].host) && mc_config_glob(v[i].host, host) &&
       (!wild || strlen(v[i].host) > strlen(wild->host)))
      wild = &v[i];
  }
  return wild;
}

static bool vp_covers(const struct vp_entry *v, size_t n, const char *host, unsigned port)
{
  return vp_match(v, n, host, port) != NULL;
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
    /* A host listed with 6004 only is a global catalog (KB 2903050:
       the domain controllers answer NSPI on 6004), not an Exchange server. */
    if(!*h || vp_wild(h) || (!vp_covers(v, nv, h, 6001) && !vp_covers(v, nv, h, 6002)))
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

/* Checks one name ValidPorts must list (nm) against the entries v: what it
 * lacks goes to missing, its entries to want (the value to set); wildcards
 * that let it through are evidence. Returns true when the name is the unknown
 * public one and wildcards may cover it (nothing can be told). */
static bool vp_check_name(struct mc_step *st, const struct vp_entry *v, size_t nv,
                          const struct vp_name *nm, bool wild_any, struct mc_buf *missing,
                          struct mc_buf *want)
{
  static const unsigned ports[] = { 6001, 6002, 6004 };
  bool unsure = false;
  const char *h = nm->name;
  char miss[64] = "";
  struct mc_buf by = MC_BUF_INIT(1024);
  size_t nmiss = 0;
  for(size_t k = 0; k < 3; k++) {
    const struct vp_entry *e = h[0] == '<' ? NULL : vp_match(v, nv, h, ports[k]);
    if(!e)
      snprintf(miss + strlen(miss), sizeof miss - strlen(miss), "%s%u", nmiss++ ? ", " : "",
               ports[k]);
    else if(vp_wild(e->host) && !(by.len && mc_memcasemem(by.ptr, by.len, e->text)))
      mc_buf_printf(&by, "%s%s", by.len ? ", " : "", e->text);
  }
  /* A name the wildcards let through in full keeps them: no entry of its own. */
  if(nmiss || !by.len)
    mc_buf_printf(want, "%s%s:6001-6002;%s:6004", want->len ? ";" : "", h, h);
  if(!nmiss && by.len)
    mc_step_ev(st, "wildcard", "%s (%s) is allowed by %s", h, nm->what, by.ptr);
  mc_buf_release(&by);
  if(h[0] == '<' && wild_any) {
    /* No public name known, but a wildcard may be it: not a finding. */
    unsure = true;
    mc_step_ev(st, "note", "no public FQDN is known and the value has wildcard entries that "
               "may cover it; add Get-OutlookAnywhere output (ExternalHostname) to check it");
  }
  else if(h[0] == '<')
    mc_buf_printf(missing, "%sno public FQDN is listed (the RPC proxy name Exchange Online "
                  "connects to, e.g. mail.contoso.com; add Get-OutlookAnywhere output to "
                  "fill it in below)", missing->len ? "; " : "");
  else if(nmiss == 3)
    mc_buf_printf(missing, "%s%s (%s) is not listed", missing->len ? "; " : "", h,
                  nm->what);
  else if(nmiss)
    mc_buf_printf(missing, "%s%s (%s) lacks %s", missing->len ? "; " : "", h, nm->what,
                  miss);
  return unsure;
}

static void rule_validports(struct ctx *c, struct rpcproxy *rp)
{
  struct mc_step *st = mc_step_add(c->r, NULL, "RpcProxy ValidPorts (%s)", rp->file);
  mc_step_ev(st, "key", "%s", rp->key);
  if(rp->enabled && strcmp(rp->enabled, "0") == 0)
    mc_step_find(c->r, st, MC_CAUSE_OA_NOT_PUBLISHED, "RpcProxy Enabled is 0: the RPC proxy is "
                 "switched off: reg add HKLM\\SOFTWARE\\Microsoft\\Rpc\\RpcProxy /v Enabled "
                 "/t REG_DWORD /d 1 /f");
  if(!rp->validports && rp->autoconfig) {
    mc_step_done(c->r, st, MC_INFO, "no ValidPorts, only ValidPorts_AutoConfig_Exchange: "
                 "Exchange 2013 or later routes RPC by mailbox and keeps this value itself");
    return;
  }
  const char *value = rp->validports ? rp->validports : "";
  if(rp->cut) {
    mc_step_ev(st, "ValidPorts", "over-long: only its start was read (see CFG_VALUE_TOO_LONG)");
    mc_step_done(c->r, st, MC_UNKNOWN, "ValidPorts is longer than migcheck reads; which names "
                 "it lists cannot be told");
    return;
  }
  mc_step_ev(st, "ValidPorts", "%s", *value ? value : "(absent)");
  struct vp_entry *v;
  size_t nv;
  vp_parse(value, &v, &nv);
  struct vp_name *names = NULL;
  size_t nn = 0;
  required_names(c, v, nv, &names, &nn);
  struct mc_buf missing = MC_BUF_INIT(1 << 16);
  struct mc_buf want = MC_BUF_INIT(1 << 16);
  bool wild_any = false, unsure = false;
  for(size_t i = 0; i < nv; i++)
    wild_any = wild_any || vp_wild(v[i].host);
  for(size_t i = 0; i < nn; i++)
    unsure = vp_check_name(st, v, nv, &names[i], wild_any, &missing, &want) || unsure;
  /* Keep entries for other hosts (domain controllers, other servers). */
  for(size_t i = 0; i < nv; i++) {
    bool required = false;
    for(size_t k = 0; k < nn && !required; k++)
      required = strcasecmp(v[i].host, names[k].name) == 0;
    if(!required)
      mc_buf_printf(&want, ";%s", v[i].text);
  }
  if(missing.len) {
    mc_step_find(c->r, st, MC_CAUSE_CFG_VALIDPORTS_MISSING, "%s. Set the whole value: reg add "
                 "HKLM\\SOFTWARE\\Microsoft\\Rpc\\RpcProxy /v ValidPorts /t REG_SZ /d \"%s\" /f",
                 missing.ptr, want.ptr);
    mc_report_fact(c->r, "validports", "%s", want.ptr);    /* for the fix steps */
  }
  if(unsure && !missing.len) {
    mc_step_done(c->r, st, MC_UNKNOWN, "%zu entries; the public FQDN is unknown, so whether "
                 "the wildcards cover it cannot be told", nv);
    mc_report_incomplete(c->r, "'%s': ValidPorts has wildcard entries and no public name is "
                         "known; add Get-OutlookAnywhere output to check it", rp->file);
  }
  else
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

/* ---- Extended Protection, for the registry rules ---- */

/* 1 when some input shows Extended Protection on (tokenChecking Allow or
 * Require; where names the first), 0 when inputs show it and it is None
 * everywhere, -1 when no input shows it. */
static int ep_state(const struct ctx *c, char *where, size_t n)
{
  int ep = -1;
  for(size_t i = 0; i < c->nobjs; i++) {
    const struct obj *x = &c->objs[i];
    const char *tc = mc_fl_get(x->o, "ExtendedProtectionTokenChecking");
    if(!tc || blank_value(tc))
      continue;
    if(strcasecmp(tc, "None") == 0) {
      ep = ep == 1 ? 1 : 0;
      continue;
    }
    if(ep != 1)
      snprintf(where, n, "(ExtendedProtectionTokenChecking %s on %s)", tc,
               x->identity ? x->identity : x->server);
    ep = 1;
  }
  for(size_t i = 0; i < c->niis; i++) {
    const struct mc_iis_doc *d = &c->iis[i].doc;
    for(size_t k = 0; k < d->nlocs; k++) {
      const char *tc = d->locs[k].token_checking;
      if(!tc)
        continue;
      if(strcasecmp(tc, "None") == 0) {
        ep = ep == 1 ? 1 : 0;
        continue;
      }
      if(ep != 1)
        snprintf(where, n, "(tokenChecking %s at %s in %s)", tc, d->locs[k].path,
                 c->iis[i].file);
      ep = 1;
    }
  }
  return ep;
}

/* ---- Extended Protection and the Exchange build ---- */

/* "Version 15.2 (Build 1118.11)" into major, minor, build; false when the
 * text is not that. */
static bool admin_version(const char *v, long *major, long *minor, long *build)
{
  if(!v)
    return false;
  const char *p = mc_memcasemem(v, strlen(v), "Version ");
  const char *b = mc_memcasemem(v, strlen(v), "Build ");
  char *end;
  if(!p || !b)
    return false;
  *major = strtol(p + 8, &end, 10);
  if(*end != '.')
    return false;
  *minor = strtol(end + 1, &end, 10);
  *build = strtol(b + 6, &end, 10);
  return *major > 0;
}

/* The oldest cumulative update of each version that has a security update
 * with Extended Protection support (the August 2022 updates and later):
 * Exchange 2013 CU23, 2016 CU22, 2019 CU11. */
static const struct { long major, minor, build; const char *name; } ep_min[] = {
  { 15, 0, 1497, "Exchange 2013 CU23" },
  { 15, 1, 2375, "Exchange 2016 CU22" },
  { 15, 2, 986, "Exchange 2019 CU11" },
};

static void check_ep_builds(struct ctx *c, int ep, const char *where)
{
  if(ep != 1)
    return;
  struct mc_step *st = NULL;
  for(size_t i = 0; i < c->nobjs; i++) {
    const struct obj *x = &c->objs[i];
    if(x->kd->k != K_SERVER)
      continue;
    const char *role = mc_fl_get(x->o, "ServerRole");
    if(role && mc_memcasemem(role, strlen(role), "Edge"))
      continue;
    const char *v = mc_fl_get(x->o, "AdminDisplayVersion");
    long ma, mi, bu;
    if(!admin_version(v, &ma, &mi, &bu))
      continue;
    if(!st)
      st = mc_step_add(c->r, NULL, "Extended Protection and the Exchange builds");
    const char *need = NULL;
    bool old = ma < 15;
    for(size_t k = 0; k < sizeof ep_min / sizeof ep_min[0]; k++) {
      if(ma == ep_min[k].major && mi == ep_min[k].minor && bu < ep_min[k].build) {
        old = true;
        need = ep_min[k].name;
      }
    }
    mc_step_ev(st, "build", "%s: %s", x->server, v);
    if(!old)
      continue;
    /* Extended Protection named on this very server is a failure. */
    bool here = false;
    for(size_t k = 0; k < c->nobjs && !here; k++) {
      const char *tc = c->objs[k].kd->k == K_EWS ?
                       mc_fl_get(c->objs[k].o, "ExtendedProtectionTokenChecking") : NULL;
      here = tc && strcasecmp(tc, "None") != 0 && !blank_value(tc) &&
             strcasecmp(c->objs[k].server, x->server) == 0;
    }
    char what[160];
    if(need)
      snprintf(what, sizeof what, "older than %s", need);
    else
      snprintf(what, sizeof what, "a version without Extended Protection support");
    mc_step_find_sev(c->r, st, MC_CAUSE_CFG_EP_BUILD_UNSUPPORTED, here ? MC_FAIL : MC_WARN,
                     "%s runs %s, %s; Extended Protection is on %s: install %s or later with "
                     "its latest security update before Extended Protection is enabled there, "
                     "or leave it off on that server (ExchangeExtendedProtectionManagement.ps1 "
                     "-SkipExchangeServerNames %s)", x->server, v, what, where,
                     need ? need : "Exchange 2016 CU23 or 2019 CU13", x->server);
  }
  if(st)
    mc_step_done(c->r, st, MC_PASS, "builds compared with the first that support Extended "
                 "Protection");
}

/* ---- Extended Protection from the Exchange cmdlets' view ---- */

static int ep_strictness(const char *tc)
{
  if(!tc || blank_value(tc) || strcasecmp(tc, "None") == 0)
    return 0;
  return strcasecmp(tc, "Allow") == 0 ? 1 : 2;
}

/* Without applicationHost.config (which iisrules.c judges in full), the
 * EWS directories' ExtendedProtectionTokenChecking against Microsoft's
 * table (front end Allow, back end Require), and Extended Protection with
 * Outlook Anywhere's SSLOffloading. */
static void check_ep_cmdlets(struct ctx *c, int ep, const char *where)
{
  if(ep != 1 || c->niis)
    return;
  struct mc_step *st = NULL;
  for(size_t i = 0; i < c->nobjs; i++) {
    const struct obj *x = &c->objs[i];
    const char *tc = x->kd->k == K_EWS ? mc_fl_get(x->o, "ExtendedProtectionTokenChecking") :
                     NULL;
    if(!tc || blank_value(tc))
      continue;
    bool be = mc_memcasemem(x->identity, strlen(x->identity), "(Exchange Back End)") != NULL;
    const char *want = be ? "Require" : "Allow";
    if(ep_strictness(tc) == ep_strictness(want))
      continue;
    if(!st)
      st = mc_step_add(c->r, NULL, "Extended Protection of the EWS virtual directories");
    bool stricter = ep_strictness(tc) > ep_strictness(want);
    mc_step_find_sev(c->r, st, MC_CAUSE_CFG_EP_MISMATCH, stricter ? MC_FAIL : MC_WARN,
                     "%s has ExtendedProtectionTokenChecking %s, Microsoft's table says %s%s: "
                     "Set-WebServicesVirtualDirectory -Identity \"%s\" "
                     "-ExtendedProtectionTokenChecking %s, then iisreset", x->identity, tc, want,
                     stricter ? "; logons from Exchange Online on this path are refused (they "
                     "carry no channel binding this vdir accepts)" : "", x->identity, want);
  }
  for(size_t i = 0; i < c->nobjs; i++) {
    const struct obj *x = &c->objs[i];
    if(x->kd->k != K_OA || truth(mc_fl_get(x->o, "SSLOffloading")) != 1)
      continue;
    if(!st)
      st = mc_step_add(c->r, NULL, "Extended Protection of the EWS virtual directories");
    mc_step_find(c->r, st, MC_CAUSE_CFG_EP_SSL_OFFLOADING, "Extended Protection is on %s while "
                 "Outlook Anywhere SSLOffloading is True on %s: with TLS ended on a device in "
                 "front, the channel binding the client computed never matches this server's, "
                 "and Windows logons fail. Either bridge TLS with the same certificate and "
                 "Set-OutlookAnywhere -Identity \"%s\" -SSLOffloading $false, or leave "
                 "Extended Protection off", where, x->identity, x->identity);
    break;
  }
  if(st)
    mc_step_done(c->r, st, MC_PASS, "compared with Microsoft's table");
}

/* ---- Extended Protection and the Hybrid Agent ---- */

/* Modern Hybrid publishes EWS through the Hybrid Agent: the migration
 * endpoint's RemoteServer (or a remote report's target) is a
 * *.msappproxy.net name. Extended Protection on the front-end EWS of such
 * a server breaks the agent's requests. */
static void check_hybrid_agent(struct ctx *c)
{
  const char *agent = NULL;
  for(size_t d = 0; d < c->ndocs && !agent; d++) {
    for(size_t i = 0; i < c->docs[d].nobjs && !agent; i++) {
      const char *v = mc_fl_get(&c->docs[d].objs[i], "RemoteServer");
      if(v && mc_memcasemem(v, strlen(v), ".msappproxy.net"))
        agent = v;
    }
  }
  for(size_t k = 0; k < c->nreps && !agent; k++) {
    const char *t = c->reps[k].target;
    if(t && mc_memcasemem(t, strlen(t), ".msappproxy.net"))
      agent = t;
  }
  if(!agent)
    return;
  char where[512] = "";
  for(size_t i = 0; i < c->nobjs && !*where; i++) {
    const struct obj *x = &c->objs[i];
    const char *tc = x->kd->k == K_EWS ? mc_fl_get(x->o, "ExtendedProtectionTokenChecking") :
                     NULL;
    if(tc && !blank_value(tc) && strcasecmp(tc, "None") != 0 &&
       mc_memcasemem(x->identity, strlen(x->identity), "(Default Web Site)"))
      snprintf(where, sizeof where, "ExtendedProtectionTokenChecking %s on %s", tc,
               x->identity);
  }
  for(size_t i = 0; i < c->niis && !*where; i++) {
    const struct mc_iis_location *l = mc_iis_location(&c->iis[i].doc, "Default Web Site/EWS");
    if(l && l->token_checking && strcasecmp(l->token_checking, "None") != 0)
      snprintf(where, sizeof where, "tokenChecking %s on Default Web Site/EWS in %s",
               l->token_checking, c->iis[i].file);
  }
  struct mc_step *st = mc_step_add(c->r, NULL, "Extended Protection and the Hybrid Agent");
  mc_step_ev(st, "Hybrid Agent", "the migration goes through %s (Modern Hybrid)", agent);
  if(*where)
    mc_step_find(c->r, st, MC_CAUSE_HYBRID_AGENT_EP_ENABLED, "%s, and the migration reaches it through "
                 "the Hybrid Agent (%s): Extended Protection is not supported there and the "
                 "agent's EWS requests fail: ExchangeExtendedProtectionManagement.ps1 "
                 "-SkipExchangeServerNames for the agent-published servers, or "
                 "Set-WebServicesVirtualDirectory -ExtendedProtectionTokenChecking None on "
                 "their front-end EWS", where, agent);
  mc_step_done(c->r, st, MC_PASS, "%s", *where ? "Extended Protection on the front-end EWS" :
               "no input shows Extended Protection on the front-end EWS");
}

/* ---- MRS connection limits ---- */

/* MaxMRSConnections (exe.config, 2013+) and MRSProxyMaxConnections (EWS
 * vdir, 2010) against the default of 100 and against the endpoint's
 * MaxConcurrentMigrations when Get-MigrationEndpoint output is given. */
static void check_mrs_limits(struct ctx *c)
{
  struct mc_step *st = NULL;
  long want = -1;
  const char *want_from = NULL;
  for(size_t d = 0; d < c->ndocs; d++) {
    for(size_t i = 0; i < c->docs[d].nobjs; i++) {
      const char *v = mc_fl_get(&c->docs[d].objs[i], "MaxConcurrentMigrations");
      long n;
      if(v && mc_parse_long(v, 1, 1000000, &n) && n > want) {
        want = n;
        want_from = mc_fl_get(&c->docs[d].objs[i], "Identity");
      }
    }
  }
  for(size_t i = 0; i < c->niis + c->nobjs; i++) {
    long limit = -1;
    char what[512];
    if(i < c->niis) {
      const struct mc_iis_doc *d = &c->iis[i].doc;
      if(!d->mrs_config)
        continue;
      limit = d->mrs_max >= 0 ? d->mrs_max : 100;
      snprintf(what, sizeof what, "MaxMRSConnections %s%ld in %s%s", d->mrs_max >= 0 ? "" :
               "(not set) ", limit, c->iis[i].file, d->mrs_max >= 0 ? "" : " (the default)");
    }
    else {
      const struct obj *x = &c->objs[i - c->niis];
      const char *v = x->kd->k == K_EWS ? mc_fl_get(x->o, "MRSProxyMaxConnections") : NULL;
      if(!v || !mc_parse_long(v, 0, 1000000, &limit))
        continue;                 /* absent, or "Unlimited" */
      snprintf(what, sizeof what, "MRSProxyMaxConnections %ld on %s", limit, x->identity);
    }
    if(!st)
      st = mc_step_add(c->r, NULL, "MRS connection limits");
    mc_step_ev(st, "limit", "%s", what);
    if(limit < 100)
      mc_step_find(c->r, st, MC_CAUSE_CFG_MRS_CONNECTIONS, "%s is below the default of 100: moves "
                   "beyond it wait or fail with MRSProxyConnectionLimitReachedTransientException"
                   "; set it to 100 or more (the exe.config on every server, again after each "
                   "cumulative update; 2010: Set-WebServicesVirtualDirectory "
                   "-MRSProxyMaxConnections 100)", what);
    else if(want > limit)
      mc_step_find(c->r, st, MC_CAUSE_CFG_MRS_CONNECTIONS, "%s is below the endpoint's "
                   "MaxConcurrentMigrations %ld (%s): raise the limit, or Set-MigrationEndpoint "
                   "-Identity \"%s\" -MaxConcurrentMigrations %ld", what, want,
                   want_from ? want_from : "endpoint", want_from ? want_from : "<endpoint>",
                   limit);
  }
  if(st)
    mc_step_done(c->r, st, MC_PASS, "%s", want > 0 ? "compared with the endpoint" :
                 "no endpoint given to compare with");
}

/* ---- the back end's certificate ---- */

/* Exchange Back End listens on 444 with a certificate of its own (the
 * self-signed "Microsoft Exchange" one); with applicationHost.config and
 * netsh sslcert both given, a 444 binding without a certificate in HTTP.sys
 * is the binding rule's second half. */
static void check_backend_cert(struct ctx *c)
{
  if(!c->nssl)
    return;
  for(size_t f = 0; f < c->niis; f++) {
    const struct mc_iis_doc *d = &c->iis[f].doc;
    const struct mc_iis_binding *be = NULL;
    for(size_t k = 0; k < d->nbindings && !be; k++) {
      const struct mc_iis_binding *b = &d->bindings[k];
      if(strcasecmp(b->site, "Exchange Back End") == 0 && strcasecmp(b->protocol, "https") == 0 &&
         b->port == 444)
        be = b;
    }
    if(!be || be->cert_hash)
      continue;
    bool bound = false;
    for(size_t s = 0; s < c->nssl && !bound; s++) {
      for(size_t k = 0; k < c->ssl[s].doc.n && !bound; k++) {
        const char *ep = c->ssl[s].doc.v[k].endpoint;
        size_t n = strlen(ep);
        bound = n > 4 && strcmp(ep + n - 4, ":444") == 0 && c->ssl[s].doc.v[k].hash;
      }
    }
    if(bound)
      continue;
    struct mc_step *st = mc_step_add(c->r, NULL, "Exchange Back End certificate");
    mc_step_ev(st, "binding", "Exchange Back End: https %s (%s line %u)", be->info,
               c->iis[f].file, be->line);
    mc_step_find(c->r, st, MC_CAUSE_CFG_IIS_BINDING, "'Exchange Back End' has an https binding on "
                 "444 (%s line %u) but netsh http show sslcert binds no certificate to port "
                 "444, so every request the front end proxies fails the handshake: in IIS "
                 "Manager, Exchange Back End, Edit Bindings, https 444: select the 'Microsoft "
                 "Exchange' certificate, then iisreset", c->iis[f].file, be->line);
    mc_step_done(c->r, st, MC_PASS, "no certificate on 444");
  }
}

/* ---- certificates ---- */

/* Gathers Get-ExchangeCertificate objects, the certificates the bindings
 * present (applicationHost.config certificateHash, netsh sslcert) and what
 * other reports saw, and hands them to certs.c when there is anything to
 * compare. */
static void check_certs(struct ctx *c)
{
  struct mc_cert_info *ci = NULL;
  struct mc_cert_bound *cb = NULL;
  size_t nc = 0, nb = 0;
  for(size_t i = 0; i < c->nobjs; i++) {
    if(c->objs[i].kd->k != K_CERT)
      continue;
    ci = mc_xrealloc(ci, (nc + 1) * sizeof *ci);
    ci[nc++] = (struct mc_cert_info){ c->objs[i].o, c->objs[i].server, c->objs[i].file };
  }
  char **where = NULL;
  for(size_t f = 0; f < c->niis; f++) {
    const struct mc_iis_doc *d = &c->iis[f].doc;
    for(size_t k = 0; k < d->nbindings; k++) {
      const struct mc_iis_binding *b = &d->bindings[k];
      if(!b->cert_hash || !*b->cert_hash)
        continue;
      where = mc_xrealloc(where, (nb + 1) * sizeof *where);
      where[nb] = mc_xasprintf("%s https %s", b->site, b->info);
      cb = mc_xrealloc(cb, (nb + 1) * sizeof *cb);
      cb[nb] = (struct mc_cert_bound){ where[nb], b->cert_hash, c->iis[f].file, b->line };
      nb++;
    }
  }
  for(size_t f = 0; f < c->nssl; f++) {
    const struct mc_sslcert_doc *d = &c->ssl[f].doc;
    for(size_t k = 0; k < d->n; k++) {
      if(!d->v[k].hash)
        continue;
      where = mc_xrealloc(where, (nb + 1) * sizeof *where);
      where[nb] = mc_xasprintf("HTTP.sys %s", d->v[k].endpoint);
      cb = mc_xrealloc(cb, (nb + 1) * sizeof *cb);
      cb[nb] = (struct mc_cert_bound){ where[nb], d->v[k].hash, c->ssl[f].file, d->v[k].line };
      nb++;
    }
  }
  /* The published names: EWS ExternalUrl hosts, OA ExternalHostname. */
  char **names = NULL;
  size_t nn = 0;
  for(size_t i = 0; i < c->nobjs; i++) {
    const struct obj *x = &c->objs[i];
    const char *v = x->kd->k == K_EWS ? mc_fl_get(x->o, "ExternalUrl") :
                    x->kd->k == K_OA ? mc_fl_get(x->o, "ExternalHostname") : NULL;
    const struct mc_fl_prop *p = v ? mc_fl_prop(x->o, x->kd->k == K_EWS ? "ExternalUrl" :
                                                "ExternalHostname") : NULL;
    if(!v || blank_value(v) || (p && p->cut))
      continue;
    const char *h = strstr(v, "://") ? strstr(v, "://") + 3 : v;
    size_t hl = strcspn(h, ":/?");
    char *host = mc_xstrndup(h, hl);
    bool dup = !hl;
    for(size_t k = 0; k < nn && !dup; k++)
      dup = strcasecmp(names[k], host) == 0;
    if(dup) {
      free(host);
      continue;
    }
    names = mc_xrealloc(names, (nn + 1) * sizeof *names);
    names[nn++] = host;
  }
  if(nc || nb || c->nseen) {
    struct mc_certs_input in = { ci, nc, cb, nb, c->seen, c->nseen,
                                 (const char *const *)names, nn };
    mc_certs_check(c->r, &in);
  }
  for(size_t k = 0; k < nn; k++)
    free(names[k]);
  free(names);
  for(size_t k = 0; k < nb; k++)
    free(where[k]);
  free(where);
  free(ci);
  free(cb);
}

/* ---- the whole check ---- */

/* The IIS rules for every applicationHost.config read (an MRS .config alone
 * is only the MRS limit), with Outlook Anywhere's SSLOffloading as context,
 * and the servers' configurations compared. */
static void rule_iis(struct ctx *c)
{
  if(!c->niis)
    return;
  struct mc_iis_context ic = { -1, NULL };
  char off[512] = "";
  for(size_t i = 0; i < c->nobjs; i++) {
    const struct obj *x = &c->objs[i];
    if(x->kd->k == K_OA && truth(mc_fl_get(x->o, "SSLOffloading")) == 1) {
      snprintf(off, sizeof off, "Outlook Anywhere SSLOffloading is True on %s", x->identity);
      ic.ssl_offloading = 1;
      ic.offload_where = off;
      break;
    }
  }
  const struct mc_iis_doc **docs = mc_xcalloc(c->niis, sizeof *docs);
  const char **files = mc_xcalloc(c->niis, sizeof *files);
  size_t nd = 0;
  for(size_t i = 0; i < c->niis; i++) {
    const struct mc_iis_doc *d = &c->iis[i].doc;
    if(d->mrs_config && !d->nlocs && !d->nbindings)
      continue;
    mc_iis_check(c->r, d, c->iis[i].file, &ic);
    docs[nd] = d;
    files[nd++] = c->iis[i].file;
  }
  mc_iis_compare(c->r, docs, files, nd);
  free(docs);
  free(files);
}

static void ctx_release(struct ctx *c)
{
  for(size_t i = 0; i < c->nobjs; i++) {
    free(c->objs[i].server);
    free(c->objs[i].identity);
  }
  free(c->objs);
  for(size_t i = 0; i < c->ndocs; i++)
    mc_fl_doc_release(&c->docs[i]);
  free(c->docs);
  for(size_t i = 0; i < c->nrp; i++) {
    free(c->rp[i].key);
    free(c->rp[i].validports);
    free(c->rp[i].enabled);
  }
  free(c->rp);
  for(size_t i = 0; i < c->ntls; i++)
    mc_tlsreg_free(c->tls[i]);
  free(c->tls);
  for(size_t i = 0; i < c->niis; i++)
    mc_iis_doc_release(&c->iis[i].doc);
  free(c->iis);
  for(size_t i = 0; i < c->nssl; i++)
    mc_sslcert_doc_release(&c->ssl[i].doc);
  free(c->ssl);
  for(size_t i = 0; i < c->nreps; i++)
    mc_mcjson_release(&c->reps[i]);
  free(c->reps);
  free(c->rep_files);
  free(c->seen);
}

struct mc_report *mc_config_check(const struct mc_config_input *in, size_t n)
{
  struct mc_buf target = MC_BUF_INIT(4096);
  for(size_t i = 0; i < n; i++) {
    if(mc_buf_printf(&target, "%s%s", i ? " " : "", in[i].name) != MC_OK)
      break;   /* a label of 4 KiB ends in "..."; the inputs are listed in full below */
  }
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
    case K_CERT: break;         /* judged together below */
    default: rule_info(&c, &c.objs[i]); break;
    }
  }
  compare_servers(&c);
  for(size_t i = 0; i < c.nrp; i++)
    rule_validports(&c, &c.rp[i]);
  if(c.ntls) {
    char where[512] = "";
    int ep = ep_state(&c, where, sizeof where);
    mc_tlsreg_check(c.r, c.tls, c.ntls, ep, where);
  }
  {
    char where[512] = "";
    int ep = ep_state(&c, where, sizeof where);
    check_ep_builds(&c, ep, where);
    check_ep_cmdlets(&c, ep, where);
  }
  rule_iis(&c);
  check_hybrid_agent(&c);
  check_mrs_limits(&c);
  gather_seen(&c);
  check_backend_cert(&c);
  check_certs(&c);
  if(c.nreps)
    mc_config_remote(c.r, c.reps, c.rep_files, c.nreps);
  if(c.nobjs == 0 && c.nrp == 0 && c.ntls == 0 && c.niis == 0 && c.nssl == 0 &&
     c.nreps == 0 && !c.r->incomplete && !c.endpoints)
    mc_report_incomplete(c.r, "nothing to check in the inputs");
  ctx_release(&c);
  return c.r;
}
