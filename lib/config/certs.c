/*
 * certs.c - the server's certificates (Get-ExchangeCertificate | fl) judged
 * against what the https bindings present (certificateHash in
 * applicationHost.config, netsh http show sslcert) and, when given, what
 * the internet saw (a `migcheck tls --json` report's certificate):
 *
 *   a certificate assigned to IIS, or bound, whose Status is not Valid
 *   (DateInvalid, Untrusted, RevocationCheckFailure, ...) or that has no
 *   private key                                      CFG_CERT_IIS_INVALID
 *   a binding that presents a certificate the store listing lacks
 *                                                    CFG_CERT_BINDING_MISSING
 *   the certificate seen from outside is not the one bound on 443
 *                                                    CFG_CERT_NOT_BOUND
 *   the certificate on 443 (or assigned to IIS) does not cover a published
 *   name (EWS ExternalUrl, Outlook Anywhere ExternalHostname), or is
 *   self-signed                                      CFG_CERT_NAME_MISSING
 *
 * Status is Exchange's own verdict at the time of the export, so no date
 * in the locale of the server has to be read.
 */
#include "config/config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool has_service(const struct mc_fl_object *o, const char *svc)
{
  const char *v = mc_fl_get(o, "Services");
  if(!v)
    return false;
  struct mc_fl_list l;
  mc_fl_list_parse(v, &l);
  bool has = mc_fl_list_has(&l, svc);
  mc_fl_list_release(&l);
  return has;
}

static const char *why_status(const char *st)
{
  if(!strcasecmp(st, "DateInvalid"))
    return "it has expired (or is not valid yet)";
  if(!strcasecmp(st, "Untrusted"))
    return "its chain does not end at a trusted root";
  if(!strcasecmp(st, "RevocationCheckFailure"))
    return "the server cannot check whether it was revoked (no CRL access)";
  if(!strcasecmp(st, "Revoked"))
    return "it was revoked";
  if(!strcasecmp(st, "PendingRequest"))
    return "the request was never completed";
  return "Exchange does not consider it valid";
}

static const struct mc_cert_info *find(const struct mc_cert_info *c, size_t n, const char *hash)
{
  for(size_t i = 0; i < n; i++) {
    if(mc_config_same_thumbprint(mc_fl_get(c[i].o, "Thumbprint"), hash))
      return &c[i];
  }
  return NULL;
}

/* Raises CFG_CERT_IIS_INVALID for certificate x when it is not usable;
 * bound names the binding that presents it, or NULL. */
static void judge(struct mc_report *r, struct mc_step *st, const struct mc_cert_info *x,
                  const char *bound)
{
  const char *tp = mc_fl_get(x->o, "Thumbprint");
  const char *status = mc_fl_get(x->o, "Status");
  const char *subject = mc_fl_get(x->o, "Subject");
  const char *after = mc_fl_get(x->o, "NotAfter");
  char how[300];
  if(bound)
    snprintf(how, sizeof how, "bound to %s", bound);
  else
    snprintf(how, sizeof how, "assigned to IIS on %s", x->server);
  if(status && *status && strcasecmp(status, "Valid") != 0)
    mc_step_find(r, st, MC_CAUSE_CFG_CERT_IIS_INVALID, "the certificate %s (%s, NotAfter %s) %s has "
                 "Status %s: %s, and Exchange Online refuses the TLS handshake: renew or "
                 "replace it, then Enable-ExchangeCertificate -Server %s -Thumbprint <new "
                 "thumbprint> -Services IIS", tp ? tp : "?", subject ? subject : "?",
                 after ? after : "?", how, status, why_status(status), x->server);
  const char *pk = mc_fl_get(x->o, "HasPrivateKey");
  if(pk && strcasecmp(pk, "False") == 0)
    mc_step_find(r, st, MC_CAUSE_CFG_CERT_IIS_INVALID, "the certificate %s (%s) %s has no private key "
                 "on %s, so IIS cannot use it: import it again with its key (a .pfx): "
                 "Import-ExchangeCertificate -Server %s -FileData ([System.IO.File]::"
                 "ReadAllBytes('cert.pfx')) -Password (Read-Host -AsSecureString), then "
                 "Enable-ExchangeCertificate -Services IIS", tp ? tp : "?",
                 subject ? subject : "?", how, x->server, x->server);
}

/* Whether a certificate name covers host: equal, or "*.contoso.com" for
 * exactly one more label (RFC 6125 sec. 6.4.3). */
static bool covers(const char *name, const char *host)
{
  if(strcasecmp(name, host) == 0)
    return true;
  if(strncmp(name, "*.", 2) != 0)
    return false;
  const char *dot = strchr(host, '.');
  return dot && dot != host && strcasecmp(dot + 1, name + 2) == 0;
}

static bool cert_covers(const struct mc_fl_object *o, const char *host)
{
  const char *d = mc_fl_get(o, "CertificateDomains");
  if(!d)
    return true;                /* not shown: nothing to judge */
  struct mc_fl_list l;
  mc_fl_list_parse(d, &l);
  bool ok = l.truncated;        /* a cut list may hold it */
  for(size_t i = 0; i < l.n && !ok; i++)
    ok = covers(l.items[i], host);
  mc_fl_list_release(&l);
  return ok;
}

/* The certificate the internet gets on 443: the one bound to 0.0.0.0:443
 * (or an IP:443 other than loopback) when bindings are given, else the
 * certificates assigned to IIS that are not self-signed. */
static void check_names(struct mc_report *r, struct mc_step *st, const struct mc_certs_input *in)
{
  const struct mc_cert_info *c = in->certs;
  size_t n = in->ncerts;
  for(size_t k = 0; k < in->nbound; k++) {
    const struct mc_cert_bound *b = &in->bound[k];
    if(!strstr(b->where, ":443") || strstr(b->where, " 127.") || strstr(b->where, "[::1]"))
      continue;
    const struct mc_cert_info *x = find(c, n, b->hash);
    if(!x)
      continue;
    const char *ss = mc_fl_get(x->o, "IsSelfSigned");
    if(ss && strcasecmp(ss, "True") == 0)
      mc_step_find(r, st, MC_CAUSE_CFG_CERT_NAME_MISSING, "%s presents the self-signed certificate "
                   "%s (%s): Exchange Online trusts certificates of public CAs only; bind one "
                   "that covers the published names: Enable-ExchangeCertificate -Server %s "
                   "-Thumbprint <public certificate> -Services IIS", b->where, b->hash,
                   mc_fl_get(x->o, "Subject") ? mc_fl_get(x->o, "Subject") : "?", x->server);
    for(size_t i = 0; i < in->nnames; i++) {
      if(!cert_covers(x->o, in->names[i]))
        mc_step_find(r, st, MC_CAUSE_CFG_CERT_NAME_MISSING, "%s presents the certificate %s for %s, "
                     "which does not name %s (CertificateDomains %s): a certificate that "
                     "covers every published name, then Enable-ExchangeCertificate -Server %s "
                     "-Thumbprint <thumbprint> -Services IIS", b->where, b->hash,
                     mc_fl_get(x->o, "Subject") ? mc_fl_get(x->o, "Subject") : "?",
                     in->names[i], mc_fl_get(x->o, "CertificateDomains"), x->server);
    }
    return;
  }
  /* No binding given: the public certificates assigned to IIS, together. */
  for(size_t i = 0; i < in->nnames; i++) {
    bool any = false, ok = false;
    for(size_t k = 0; k < n; k++) {
      const char *ss = mc_fl_get(c[k].o, "IsSelfSigned");
      if(!has_service(c[k].o, "IIS") || (ss && strcasecmp(ss, "True") == 0))
        continue;
      any = true;
      ok = ok || cert_covers(c[k].o, in->names[i]);
    }
    if(any && !ok)
      mc_step_find(r, st, MC_CAUSE_CFG_CERT_NAME_MISSING, "no certificate assigned to IIS names %s: "
                   "Exchange Online checks the name it connects to against the certificate; "
                   "get one that covers it, then Enable-ExchangeCertificate -Thumbprint "
                   "<thumbprint> -Services IIS", in->names[i]);
  }
}

void mc_certs_check(struct mc_report *r, const struct mc_certs_input *in)
{
  const struct mc_cert_info *c = in->certs;
  size_t n = in->ncerts;
  const struct mc_cert_bound *b = in->bound;
  size_t nb = in->nbound;
  const struct mc_cert_seen *seen = in->seen;
  size_t nseen = in->nseen;
  struct mc_step *st = mc_step_add(r, NULL, "Certificates: %zu in the store listing, %zu "
                                   "bound, %zu seen from outside", n, nb, nseen);
  for(size_t i = 0; i < n; i++) {
    const char *tp = mc_fl_get(c[i].o, "Thumbprint");
    mc_step_ev(st, "certificate", "%s on %s: %s, Services %s, Status %s, NotAfter %s",
               tp ? tp : "?", c[i].server, mc_fl_get(c[i].o, "Subject") ?
               mc_fl_get(c[i].o, "Subject") : "?", mc_fl_get(c[i].o, "Services") ?
               mc_fl_get(c[i].o, "Services") : "?", mc_fl_get(c[i].o, "Status") ?
               mc_fl_get(c[i].o, "Status") : "?", mc_fl_get(c[i].o, "NotAfter") ?
               mc_fl_get(c[i].o, "NotAfter") : "?");
  }
  /* Bound certificates first: they are what clients get. */
  bool *judged = n ? mc_xcalloc(n, sizeof *judged) : NULL;
  for(size_t k = 0; k < nb; k++) {
    mc_step_ev(st, "binding", "%s presents %s (%s line %u)", b[k].where, b[k].hash, b[k].file,
               b[k].line);
    const struct mc_cert_info *x = find(c, n, b[k].hash);
    if(x) {
      judge(r, st, x, b[k].where);
      judged[x - c] = true;
    }
    else if(n)
      mc_step_find(r, st, MC_CAUSE_CFG_CERT_BINDING_MISSING, "%s presents the certificate %s (%s line "
                   "%u), which the Get-ExchangeCertificate output given does not list: it was "
                   "deleted or replaced after binding, and IIS answers the TLS handshake with "
                   "an error or an old certificate: Enable-ExchangeCertificate -Thumbprint "
                   "<valid thumbprint> -Services IIS (or bind one in IIS Manager), then "
                   "iisreset", b[k].where, b[k].hash, b[k].file, b[k].line);
  }
  for(size_t i = 0; i < n; i++) {
    if(!judged[i] && has_service(c[i].o, "IIS"))
      judge(r, st, &c[i], NULL);
  }
  free(judged);
  /* What the internet saw against what is bound on 443. */
  for(size_t s = 0; s < nseen; s++) {
    mc_step_ev(st, "seen", "%s saw %s (%s)", seen[s].file, seen[s].sha1, seen[s].target);
    const struct mc_cert_bound *on443 = NULL;
    bool match = false;
    for(size_t k = 0; k < nb; k++) {
      /* Exchange binds 127.0.0.1:443 to its own certificate for local
         clients; the internet never sees that one. */
      if(!strstr(b[k].where, ":443") || strstr(b[k].where, " 127.") ||
         strstr(b[k].where, "[::1]"))
        continue;
      on443 = on443 ? on443 : &b[k];
      match = match || mc_config_same_thumbprint(b[k].hash, seen[s].sha1);
    }
    const struct mc_cert_info *x = find(c, n, seen[s].sha1);
    if(on443 && !match)
      mc_step_find(r, st, MC_CAUSE_CFG_CERT_NOT_BOUND, "%s was answered with the certificate %s (%s), "
                   "but %s presents %s: a device in front (load balancer, firewall, reverse "
                   "proxy) ends TLS with its own certificate, or the name leads to another "
                   "server; put the same certificate on the device, or point the name at this "
                   "server", seen[s].target, seen[s].sha1, seen[s].file, on443->where,
                   on443->hash);
    else if(on443 && match)
      mc_step_ev(st, "match", "%s presents the certificate %s saw", on443->where,
                 seen[s].target);
    else if(!x && n)
      mc_step_ev(st, "note", "%s saw %s, which the Get-ExchangeCertificate output does not list "
                 "(no binding on 443 was given to compare with)", seen[s].target, seen[s].sha1);
  }
  if(n && in->nnames)
    check_names(r, st, in);
  mc_step_done(r, st, MC_PASS, "%s", st->nfindings ? "see the findings" :
               "the bound and IIS certificates are in the store, valid, and what was seen");
}
