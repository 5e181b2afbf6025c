/*
 * remote.c - a remote check's report (migcheck remote-move, tls,
 * outlook-anywhere, autodiscover ... --json) set beside the server's
 * settings: for each cause the remote side saw, the config causes that
 * explain it, and which server answered when the report names it ("the 403
 * on mrsproxy.svc is MRSProxyEnabled False on EX02, which answered it").
 *
 * The explanations are a table: a remote cause id and the config causes
 * that produce it. Nothing here raises a finding: the remote causes belong
 * to the remote run and the config causes were raised by their rules; this
 * step only connects them, and says when nothing given explains a remote
 * cause (and which output would), which leaves the report incomplete: a
 * remote failure the settings do not explain is never a pass.
 */
#include "config/config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "model/cause.h"

struct explains {
  const char *remote;
  const char *const *config;    /* NULL-terminated */
  const char *give;             /* the input that would show it */
};

#define L(...) ((const char *const[]){ __VA_ARGS__, NULL })

static const struct explains table[] = {
  { MC_CAUSE_MRSPROXY_DISABLED, L(MC_CAUSE_CFG_MRSPROXY_DISABLED), "Get-WebServicesVirtualDirectory | fl" },
  { MC_CAUSE_MRSPROXY_URL_BLOCKED, L(MC_CAUSE_CFG_IIS_PATH_BLOCKED, MC_CAUSE_CFG_IIS_IP_RESTRICTED,
                              MC_CAUSE_CFG_MRSPROXY_DISABLED),
    "applicationHost.config and Get-WebServicesVirtualDirectory | fl" },
  { MC_CAUSE_EWS_WINDOWS_AUTH_DISABLED, L(MC_CAUSE_CFG_EWS_AUTH_METHODS, MC_CAUSE_CFG_IIS_AUTH_DISABLED),
    "Get-WebServicesVirtualDirectory | fl and applicationHost.config" },
  { MC_CAUSE_EWS_BASIC_AUTH_DISABLED, L(MC_CAUSE_CFG_EWS_AUTH_METHODS, MC_CAUSE_CFG_IIS_AUTH_DISABLED),
    "Get-WebServicesVirtualDirectory | fl" },
  { MC_CAUSE_OA_PORT_NOT_ALLOWED, L(MC_CAUSE_CFG_VALIDPORTS_MISSING), "the RpcProxy registry export" },
  { MC_CAUSE_OA_BASIC_NOT_OFFERED, L(MC_CAUSE_CFG_OA_AUTH_NOT_BASIC, MC_CAUSE_CFG_IIS_AUTH_DISABLED),
    "Get-OutlookAnywhere | fl" },
  { MC_CAUSE_OA_NOT_PUBLISHED, L(MC_CAUSE_OA_NOT_PUBLISHED), "Get-OutlookAnywhere | fl" },
  { MC_CAUSE_LB_INCONSISTENT_BACKENDS, L(MC_CAUSE_CFG_SERVERS_DIFFER), "the output of every server" },
  { MC_CAUSE_TLS_PROTOCOL_TOO_OLD, L(MC_CAUSE_CFG_TLS12_DISABLED, MC_CAUSE_CFG_TLS_CIPHER_ORDER),
    "the SCHANNEL Protocols export" },
  { MC_CAUSE_TLS_HANDSHAKE_FAILED, L(MC_CAUSE_CFG_TLS12_DISABLED, MC_CAUSE_CFG_TLS_CIPHER_ORDER,
                              MC_CAUSE_CFG_CERT_IIS_INVALID, MC_CAUSE_CFG_CERT_BINDING_MISSING),
    "the SCHANNEL export, Get-ExchangeCertificate | fl and netsh http show sslcert" },
  { MC_CAUSE_TLS_CERT_EXPIRED, L(MC_CAUSE_CFG_CERT_IIS_INVALID, MC_CAUSE_CFG_CERT_NOT_BOUND),
    "Get-ExchangeCertificate | fl" },
  { MC_CAUSE_TLS_CERT_UNTRUSTED, L(MC_CAUSE_CFG_CERT_NOT_BOUND, MC_CAUSE_CFG_CERT_IIS_INVALID,
                            MC_CAUSE_CFG_CERT_NAME_MISSING),
    "Get-ExchangeCertificate | fl and netsh http show sslcert" },
  { MC_CAUSE_TLS_CERT_NAME_MISMATCH, L(MC_CAUSE_CFG_CERT_NAME_MISSING, MC_CAUSE_CFG_CERT_NOT_BOUND),
    "Get-ExchangeCertificate | fl and netsh http show sslcert" },
  { MC_CAUSE_AUTH_EXTENDED_PROTECTION, L(MC_CAUSE_CFG_EP_MISMATCH, MC_CAUSE_CFG_EP_SSL_OFFLOADING,
                                  MC_CAUSE_CFG_EP_SUPPRESSED, MC_CAUSE_CFG_EP_NTLMV1,
                                  MC_CAUSE_CFG_EP_BUILD_UNSUPPORTED, MC_CAUSE_HYBRID_AGENT_EP_ENABLED,
                                  MC_CAUSE_CFG_CERT_NOT_BOUND),
    "applicationHost.config and the Lsa export" },
  { MC_CAUSE_AUTH_BAD_CREDENTIALS, L(MC_CAUSE_CFG_EP_MISMATCH, MC_CAUSE_CFG_EP_SSL_OFFLOADING, MC_CAUSE_CFG_EP_SUPPRESSED,
                              MC_CAUSE_CFG_EP_NTLMV1, MC_CAUSE_CFG_IIS_AUTH_DISABLED),
    "applicationHost.config and the Lsa export" },
  { MC_CAUSE_HTTP_REQUEST_TOO_LARGE, L(MC_CAUSE_CFG_IIS_REQUEST_LIMIT), "applicationHost.config" },
  { MC_CAUSE_HTTP_SERVICE_UNAVAILABLE, L(MC_CAUSE_CFG_IIS_BINDING, MC_CAUSE_CFG_CERT_BINDING_MISSING),
    "applicationHost.config and netsh http show sslcert" },
  { MC_CAUSE_OA_BACKEND_UNAVAILABLE, L(MC_CAUSE_CFG_VALIDPORTS_MISSING), "the RpcProxy registry export" },
  { MC_CAUSE_HYBRID_AGENT_EP_ENABLED, L(MC_CAUSE_HYBRID_AGENT_EP_ENABLED, MC_CAUSE_CFG_EP_MISMATCH),
    "Get-WebServicesVirtualDirectory | fl or applicationHost.config" },
  { MC_CAUSE_TCP_IP_ALLOWLIST_INCOMPLETE, L(MC_CAUSE_CFG_IIS_IP_RESTRICTED), "applicationHost.config" },
  { MC_CAUSE_MRSPROXY_CONNECTION_LIMIT, L(MC_CAUSE_CFG_MRS_CONNECTIONS),
    "MsExchangeMailboxReplication.exe.config and Get-WebServicesVirtualDirectory | fl" },
};

/* Whether word occurs in text as a whole word (case-insensitive). */
static bool has_word(const char *text, const char *word)
{
  size_t n = strlen(word);
  if(!n)
    return false;
  for(const char *p = text; (p = mc_memcasemem(p, strlen(p), word)); p += n) {
    bool a = p == text || !isalnum((unsigned char)p[-1]);
    bool b = !isalnum((unsigned char)p[n]);
    if(a && b)
      return true;
  }
  return false;
}

/* The server a config finding names: the first "on NAME" in its detail. */
static void server_in(const char *detail, char *out, size_t n)
{
  out[0] = '\0';
  const char *p = strstr(detail, " on ");
  if(!p)
    return;
  p += 4;
  size_t k = 0;
  while(p[k] && (isalnum((unsigned char)p[k]) || p[k] == '-' || p[k] == '_') && k + 1 < n)
    k++;
  snprintf(out, n, "%.*s", (int)k, p);
}

/* The report line that names server, for "which answered it". */
static const struct mc_mcjson_line *answered_by(const struct mc_mcjson *j, const char *server)
{
  for(size_t i = 0; i < j->nlines && *server; i++) {
    if(j->lines[i].label[0] != '!' && has_word(j->lines[i].text, server))
      return &j->lines[i];
  }
  return NULL;
}

void mc_config_remote(struct mc_report *r, const struct mc_mcjson *reps, const char *const *files,
                      size_t n)
{
  for(size_t k = 0; k < n; k++) {
    const struct mc_mcjson *j = &reps[k];
    struct mc_step *st = mc_step_add(r, NULL, "The remote check in %s beside the settings",
                                     files[k]);
    mc_step_ev(st, "report", "migcheck %s %s: verdict %s, %zu cause%s", j->command,
               j->target ? j->target : "", j->verdict, j->ncauses, j->ncauses == 1 ? "" : "s");
    size_t explained = 0, open = 0;
    for(size_t c = 0; c < j->ncauses; c++) {
      const struct explains *e = NULL;
      for(size_t t = 0; t < sizeof table / sizeof table[0] && !e; t++)
        e = strcmp(table[t].remote, j->causes[c]) == 0 ? &table[t] : NULL;
      if(!e) {
        mc_step_ev(st, "remote", "%s: no server setting migcheck reads explains it",
                   j->causes[c]);
        continue;
      }
      /* The remote finding's detail, for the sentence. */
      const char *rdetail = NULL;
      for(size_t i = 0; i < j->nlines && !rdetail; i++) {
        if(j->lines[i].label[0] == '!' && strcmp(j->lines[i].label + 1, j->causes[c]) == 0)
          rdetail = j->lines[i].text;
      }
      bool found = false;
      for(size_t f = 0; f < r->nfindings; f++) {
        const struct mc_finding *fd = r->findings[f];
        bool match = false;
        for(size_t m = 0; e->config[m] && !match; m++)
          match = strcmp(fd->cause->id, e->config[m]) == 0;
        if(!match)
          continue;
        found = true;
        char server[128];
        server_in(fd->detail, server, sizeof server);
        const struct mc_mcjson_line *ans = answered_by(j, server);
        mc_step_ev(st, "explained", "%s%s%.*s%s is %s here: %.*s%s%s%s", j->causes[c],
                   rdetail ? " (" : "", rdetail ? 160 : 0, rdetail ? rdetail : "",
                   rdetail ? ")" : "", fd->cause->id, 240, fd->detail, ans ? "; " : "",
                   ans ? server : "", ans ? ", which answered it" : "");
        if(ans)
          mc_step_ev(st, "answered", "%s: %s %.*s", ans->step, ans->label, 200, ans->text);
      }
      if(found)
        explained++;
      else {
        open++;
        mc_step_ev(st, "open", "%s: nothing in the settings given explains it; add %s",
                   j->causes[c], e->give);
      }
    }
    /* A remote failure nothing here explains is not a pass of the
       settings: the report says what to add (verdict unknown at best). */
    if(open)
      mc_report_incomplete(r, "the remote check in '%s' found %zu cause%s the settings given "
                           "do not explain (see 'open')", files[k], open, open == 1 ? "" : "s");
    if(!j->ncauses)
      mc_step_done(r, st, MC_INFO, "the remote check found nothing; the settings are judged "
                   "on their own");
    else
      mc_step_done(r, st, MC_INFO, "%zu of %zu remote cause%s explained by the settings%s",
                   explained, j->ncauses, j->ncauses == 1 ? "" : "s",
                   open ? ", see 'open' for what to add" : "");
  }
}

bool mc_config_remote_table_ok(char *bad, size_t n)
{
  for(size_t t = 0; t < sizeof table / sizeof table[0]; t++) {
    if(!mc_cause_find(table[t].remote)) {
      snprintf(bad, n, "%s", table[t].remote);
      return false;
    }
    for(size_t m = 0; table[t].config[m]; m++) {
      if(!mc_cause_find(table[t].config[m])) {
        snprintf(bad, n, "%s", table[t].config[m]);
        return false;
      }
    }
  }
  return true;
}
