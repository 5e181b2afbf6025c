/*
 * iisrules.c - applicationHost.config (parsed by iis.c) judged for the
 * migration paths from Exchange Online (/EWS with mrsproxy.svc, /rpc,
 * /autodiscover):
 *
 *   bindings        https on 443 for Default Web Site, 444 for Exchange Back End
 *   Extended Protection  tokenChecking per vdir against Microsoft's table
 *                   (front end and back end), and EP with SSL offloading
 *   authentication  Windows (with NTLM among the providers) on EWS, Basic or
 *                   Windows on Autodiscover and /rpc
 *   requestLimits   maxAllowedContentLength under the IIS default on a path
 *   ipSecurity      allowUnlisted false on a path
 *   URL Rewrite     a rule that aborts, answers or redirects a migration URL
 *
 * Settings follow IIS's inheritance as HealthChecker reads it: the vdir's
 * <location>, else its site's, else the server-wide system.webServer. A
 * vdir's own web.config may override what is here; the findings say so
 * where it matters.
 */
#include "config/config.h"

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char FE[] = "Default Web Site";
static const char BE[] = "Exchange Back End";

/* Microsoft's expected tokenChecking per vdir once Extended Protection is
 * on ("Configure Windows Extended Protection in Exchange Server"; the
 * same table ExchangeExtendedProtectionManagement.ps1 applies). NULL: the
 * vdir is not on that site. migration: on a path Exchange Online uses. */
struct ep_row {
  const char *vdir;
  const char *fe, *be;
  bool migration;
};

static const struct ep_row ep_table[] = {
  { "API", "Require", "Require", false },
  { "Autodiscover", "None", "None", true },
  { "ECP", "Require", "Require", false },
  { "EWS", "Allow", "Require", true },
  { "Microsoft-Server-ActiveSync", "Allow", "Require", false },
  { "Microsoft-Server-ActiveSync/Proxy", "Allow", "Require", false },
  { "OAB", "Allow", "Require", false },
  { "PowerShell", "None", "Require", false },
  { "OWA", "Require", "Require", false },
  { "Rpc", "Require", "Require", true },
  { "mapi", "Require", NULL, true },
  { "PushNotifications", NULL, "Require", false },
  { "RpcWithCert", NULL, "Require", true },
  { "mapi/emsmdb", NULL, "Require", true },
  { "mapi/nspi", NULL, "Require", true },
};

/* The IIS default for requestLimits maxAllowedContentLength (bytes). */
#define IIS_DEFAULT_CONTENT 30000000LL

static int strictness(const char *tc)
{
  if(!tc || strcasecmp(tc, "None") == 0)
    return 0;
  return strcasecmp(tc, "Allow") == 0 ? 1 : 2;
}

/* The location of "site/vdir", its parent's ("site/mapi" for
 * "site/mapi/nspi"), the site's, or the server-wide record: the first that
 * sets the field asked (has() says which does). */
typedef bool (*has_fn)(const struct mc_iis_location *l);

static const struct mc_iis_location *effective(const struct mc_iis_doc *d, const char *path,
                                               has_fn has)
{
  char buf[512];
  mc_strlcpy(buf, path, sizeof buf);
  for(;;) {
    const struct mc_iis_location *l = mc_iis_location(d, buf);
    if(l && has(l))
      return l;
    char *sl = strrchr(buf, '/');
    if(!sl)
      break;
    *sl = '\0';
  }
  for(size_t i = 0; i < d->nlocs; i++) {
    if(d->locs[i].server_wide && has(&d->locs[i]))
      return &d->locs[i];
  }
  return NULL;
}

static bool has_tc(const struct mc_iis_location *l) { return l->token_checking != NULL; }
static bool has_windows(const struct mc_iis_location *l) { return l->windows >= 0; }
static bool has_basic(const struct mc_iis_location *l) { return l->basic >= 0; }
static bool has_providers(const struct mc_iis_location *l) { return l->providers != NULL; }
static bool has_limit(const struct mc_iis_location *l) { return l->max_content >= 0; }
static bool has_ip(const struct mc_iis_location *l) { return l->allow_unlisted >= 0; }
static bool has_ssl(const struct mc_iis_location *l) { return l->ssl_flags != NULL; }

static const char *where(const struct mc_iis_location *l)
{
  return l->server_wide ? "(server-wide)" : l->path;
}

static bool site_present(const struct mc_iis_doc *d, const char *site)
{
  for(size_t i = 0; i < d->nbindings; i++) {
    if(strcasecmp(d->bindings[i].site, site) == 0)
      return true;
  }
  return false;
}

static void check_bindings(struct mc_report *r, struct mc_step *st, const struct mc_iis_doc *d)
{
  static const struct { const char *site; unsigned port; } want[] = { { FE, 443 }, { BE, 444 } };
  for(size_t i = 0; i < d->nbindings; i++) {
    const struct mc_iis_binding *b = &d->bindings[i];
    if(strcasecmp(b->protocol, "https") != 0)
      continue;
    mc_step_ev(st, "binding", "%s: https %s%s%s%s%s (line %u)", b->site, b->info,
               b->cert_hash ? ", certificate " : "", b->cert_hash ? b->cert_hash : "",
               b->cert_store ? " in " : "", b->cert_store ? b->cert_store : "", b->line);
  }
  for(size_t w = 0; w < 2; w++) {
    if(!site_present(d, want[w].site))
      continue;
    bool ok = false;
    for(size_t i = 0; i < d->nbindings && !ok; i++) {
      const struct mc_iis_binding *b = &d->bindings[i];
      ok = strcasecmp(b->site, want[w].site) == 0 && strcasecmp(b->protocol, "https") == 0 &&
           b->port == want[w].port;
    }
    if(!ok)
      mc_step_find(r, st, MC_CAUSE_CFG_IIS_BINDING, "'%s' has no https binding on port %u%s: "
                   "New-WebBinding -Name \"%s\" -Protocol https -Port %u -IPAddress *, then "
                   "bind the certificate to it in IIS Manager (Edit Bindings; the 'Microsoft "
                   "Exchange' certificate for the back end) and iisreset", want[w].site,
                   want[w].port, w == 0 ? " (Exchange Online connects there)" :
                   " (the front end proxies every request to the back end there)",
                   want[w].site, want[w].port);
  }
}

/* Whether Extended Protection is configured anywhere in the file. */
static const struct mc_iis_location *ep_on(const struct mc_iis_doc *d)
{
  for(size_t i = 0; i < d->nlocs; i++) {
    if(strictness(d->locs[i].token_checking) > 0)
      return &d->locs[i];
  }
  return NULL;
}

static void check_ep(struct mc_report *r, struct mc_step *st, const struct mc_iis_doc *d,
                     const struct mc_iis_context *cx)
{
  const struct mc_iis_location *on = ep_on(d);
  if(!on) {
    mc_step_ev(st, "Extended Protection", "not configured (no tokenChecking Allow or Require)");
    return;
  }
  mc_step_ev(st, "Extended Protection", "on: tokenChecking %s at %s (line %u)",
             on->token_checking, where(on), on->ep_line);
  for(size_t i = 0; i < sizeof ep_table / sizeof ep_table[0]; i++) {
    const struct ep_row *row = &ep_table[i];
    for(int s = 0; s < 2; s++) {
      const char *want = s ? row->be : row->fe;
      const char *site = s ? BE : FE;
      char path[256];
      snprintf(path, sizeof path, "%s/%s", site, row->vdir);
      if(!want || !mc_iis_location(d, path))
        continue;
      const struct mc_iis_location *l = effective(d, path, has_tc);
      const char *have = l ? l->token_checking : "None";
      if(strictness(have) == strictness(want))
        continue;
      bool stricter = strictness(have) > strictness(want);
      enum mc_status sev = row->migration && stricter ? MC_FAIL : MC_WARN;
      char from[300] = "";
      if(!l)
        snprintf(from, sizeof from, " (not set: None)");
      else if(l != mc_iis_location(d, path))
        snprintf(from, sizeof from, " (inherited from %s)", where(l));
      mc_step_find_sev(r, st, MC_CAUSE_CFG_EP_MISMATCH, sev, "%s has tokenChecking %s%s, Microsoft's "
                       "table says %s%s: Set-WebConfigurationProperty -PSPath 'IIS:\\' "
                       "-Location '%s' -Filter 'system.webServer/security/authentication/"
                       "windowsAuthentication' -Name extendedProtection.tokenChecking -Value "
                       "%s (or run ExchangeExtendedProtectionManagement.ps1 again), then iisreset",
                       path, have, from, want,
                       sev == MC_FAIL ? "; logons from Exchange Online on this path are refused "
                       "(they carry no channel binding this vdir accepts)" : "", path, want);
    }
  }
  const struct mc_iis_location *rpc = effective(d, "Default Web Site/Rpc", has_ssl);
  bool rpc_off = rpc && mc_iis_location(d, "Default Web Site/Rpc") &&
                 !mc_memcasemem(rpc->ssl_flags, strlen(rpc->ssl_flags), "Ssl");
  if(rpc_off || cx->ssl_offloading == 1)
    mc_step_find(r, st, MC_CAUSE_CFG_EP_SSL_OFFLOADING, "Extended Protection is on (tokenChecking %s "
                 "at %s) while %s: with TLS ended on a device in front, the channel binding "
                 "the client computed never matches this server's, and Windows logons fail. "
                 "Either bridge TLS with the same certificate on the device and on IIS and "
                 "Set-OutlookAnywhere -SSLOffloading $false, or leave Extended Protection off",
                 on->token_checking, where(on),
                 rpc_off ? "Default Web Site/Rpc does not require SSL (sslFlags without Ssl: "
                 "Outlook Anywhere SSLOffloading)" : cx->offload_where);
}

static void check_auth(struct mc_report *r, struct mc_step *st, const struct mc_iis_doc *d)
{
  static const struct {
    const char *path;
    bool need_windows;    /* else Basic or Windows */
    const char *why;
  } paths[] = {
    { "Default Web Site/EWS", true, "Exchange Online signs in to MRSProxy with NTLM" },
    { "Exchange Back End/EWS", true, "the front end passes the Windows logon to the back end" },
    { "Default Web Site/Autodiscover", false, "the migration endpoint looks the server up with "
      "Basic or NTLM" },
    { "Default Web Site/Rpc", false, "cutover and staged endpoints sign in with Basic or NTLM" },
  };
  for(size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
    if(!mc_iis_location(d, paths[i].path))
      continue;
    const struct mc_iis_location *w = effective(d, paths[i].path, has_windows);
    const struct mc_iis_location *b = effective(d, paths[i].path, has_basic);
    bool win = w && w->windows == 1, basic = b && b->basic == 1;
    if(paths[i].need_windows ? !win : !win && !basic)
      mc_step_find(r, st, MC_CAUSE_CFG_IIS_AUTH_DISABLED, "%s has %s authentication off in IIS (%s); %s: "
                   "Set-WebConfigurationProperty -PSPath 'IIS:\\' -Location '%s' -Filter "
                   "'system.webServer/security/authentication/windowsAuthentication' -Name "
                   "enabled -Value True (for EWS also Set-WebServicesVirtualDirectory "
                   "-WindowsAuthentication $true), then iisreset", paths[i].path,
                   paths[i].need_windows ? "Windows" : "Windows and Basic",
                   w ? where(w) : "not set: off by default", paths[i].why, paths[i].path);
    if(!paths[i].need_windows || !win)
      continue;
    const struct mc_iis_location *pv = effective(d, paths[i].path, has_providers);
    if(pv && !mc_memcasemem(pv->providers, strlen(pv->providers), "NTLM"))
      mc_step_find(r, st, MC_CAUSE_CFG_IIS_AUTH_DISABLED, "%s offers Windows authentication without "
                   "NTLM (providers: %s, at %s); %s: add NTLM back: Add-WebConfigurationProperty "
                   "-PSPath 'IIS:\\' -Location '%s' -Filter 'system.webServer/security/"
                   "authentication/windowsAuthentication/providers' -Name '.' -Value NTLM, then "
                   "iisreset", paths[i].path, *pv->providers ? pv->providers : "(none)", where(pv),
                   paths[i].why, paths[i].path);
  }
}

static void check_limits(struct mc_report *r, struct mc_step *st, const struct mc_iis_doc *d)
{
  static const char *const paths[] = {
    "Default Web Site/EWS", "Exchange Back End/EWS", "Default Web Site/Rpc",
    "Default Web Site/Autodiscover",
  };
  for(size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
    const struct mc_iis_location *l = effective(d, paths[i], has_limit);
    if(!l || l->max_content >= IIS_DEFAULT_CONTENT)
      continue;
    if(!mc_iis_location(d, paths[i]) && !site_present(d, paths[i][0] == 'E' ? BE : FE))
      continue;
    mc_step_find(r, st, MC_CAUSE_CFG_IIS_REQUEST_LIMIT, "%s accepts request bodies up to %lld bytes "
                 "only (requestLimits maxAllowedContentLength at %s, line %u), under IIS's "
                 "default of %lld: larger migration requests are refused with 404.13 or 413, "
                 "unless the vdir's web.config sets its own: Set-WebConfigurationProperty "
                 "-PSPath 'IIS:\\' -Location '%s' -Filter 'system.webServer/security/"
                 "requestFiltering/requestLimits' -Name maxAllowedContentLength -Value %lld",
                 paths[i], l->max_content, where(l), l->limit_line, IIS_DEFAULT_CONTENT,
                 l->server_wide ? paths[i] : l->path, IIS_DEFAULT_CONTENT);
  }
}

static void check_ip(struct mc_report *r, struct mc_step *st, const struct mc_iis_doc *d)
{
  static const char *const paths[] = {
    "Default Web Site/EWS", "Default Web Site/Rpc", "Default Web Site/Autodiscover",
    "Exchange Back End/EWS",
  };
  for(size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
    const struct mc_iis_location *l = effective(d, paths[i], has_ip);
    if(!l || l->allow_unlisted != 0)
      continue;
    bool be = paths[i][0] == 'E';
    mc_step_find_sev(r, st, MC_CAUSE_CFG_IIS_IP_RESTRICTED, l->ip_allows ? MC_WARN : MC_FAIL,
                     "%s lets in only listed addresses (ipSecurity allowUnlisted false at %s, "
                     "line %u; %s): %s%s%s%s", paths[i], where(l), l->ip_line,
                     l->ip_rules ? l->ip_rules : "no address listed",
                     be ? "the front ends proxy Exchange Online's requests here, so every "
                     "Exchange server's address must be allowed (the Extended Protection "
                     "mitigation for hybrid lists them)" : "Exchange Online's addresses "
                     "(Microsoft 365 URLs and IP address ranges, Exchange Online) must be "
                     "allowed, or remove the restriction", l->server_wide ? "" : ": Set-"
                     "WebConfigurationProperty -PSPath 'IIS:\\' -Location '", l->server_wide ? "" : where(l),
                     l->server_wide ? "" : "' -Filter 'system.webServer/security/ipSecurity' "
                     "-Name allowUnlisted -Value True");
  }
}

/* ---- URL Rewrite ---- */

static const char *const mig_urls[] = {
  "EWS/mrsproxy.svc", "EWS/Exchange.asmx", "rpc/rpcproxy.dll", "Autodiscover/Autodiscover.xml",
  "Autodiscover/Autodiscover.svc", "mapi/emsmdb", NULL
};

/* 1 the rule's pattern matches url, 0 not, -1 the pattern is not one
 * POSIX extended expressions read (ECMAScript extras such as \d). */
static int rule_matches(const struct mc_iis_rule *ru, const char *url)
{
  int m;
  if(ru->syntax == MC_IIS_WILDCARD)
    m = mc_config_glob(ru->match, url);   /* URL Rewrite's Wildcard syntax */
  else if(ru->syntax == MC_IIS_EXACT)
    m = ru->ignore_case ? strcasecmp(ru->match, url) == 0 : strcmp(ru->match, url) == 0;
  else {
    regex_t re;
    if(regcomp(&re, ru->match, REG_EXTENDED | REG_NOSUB | (ru->ignore_case ? REG_ICASE : 0)))
      return -1;
    m = regexec(&re, url, 0, NULL, 0) == 0;
    regfree(&re);
  }
  return ru->negate ? !m : m;
}

/* The URL a rule in scope sees for a migration URL, or NULL when the URL is
 * outside the scope: URL Rewrite matches the path relative to the location
 * ("Default Web Site/EWS" sees "mrsproxy.svc"). */
static const char *relative(const char *scope, const char *url)
{
  const char *sl = strchr(scope, '/');
  if(!*scope || !sl)
    return url;                     /* server-wide or a whole site */
  size_t n = strlen(sl + 1);
  if(strncasecmp(url, sl + 1, n) != 0 || (url[n] != '/' && url[n] != '\0'))
    return NULL;
  return url[n] == '/' ? url + n + 1 : url + n;
}

static void check_rewrite(struct mc_report *r, struct mc_step *st, const struct mc_iis_doc *d)
{
  for(size_t i = 0; i < d->nrules; i++) {
    const struct mc_iis_rule *ru = &d->rules[i];
    if(!ru->enabled || !ru->match || !ru->action || strcasecmp(ru->action, "None") == 0)
      continue;
    if(ru->http_only) {
      mc_step_ev(st, "rewrite", "rule '%s' (line %u) applies to plain HTTP only ({HTTPS} off); "
                 "migrations use HTTPS", ru->name, ru->line);
      continue;
    }
    bool blocks = strcasecmp(ru->action, "AbortRequest") == 0 ||
                  strcasecmp(ru->action, "CustomResponse") == 0;
    struct mc_buf hit = MC_BUF_INIT(1024);
    bool unread = false;
    for(int k = 0; mig_urls[k]; k++) {
      const char *u = relative(ru->scope, mig_urls[k]);
      if(!u)
        continue;
      int m = rule_matches(ru, u);
      unread = unread || m < 0;
      if(m == 1)
        mc_buf_printf(&hit, "%s/%s", hit.len ? ", " : "", mig_urls[k]);
    }
    if(unread)
      mc_step_ev(st, "note", "rewrite rule '%s' (line %u): pattern '%s' is not one migcheck can "
                 "evaluate; check by hand that it leaves /EWS, /rpc and /autodiscover alone",
                 ru->name, ru->line, ru->match);
    if(hit.len) {
      char act[160];
      snprintf(act, sizeof act, " with %s%s%s", ru->action, ru->status ? " " : "",
               ru->status ? ru->status : "");
      mc_step_find_sev(r, st, MC_CAUSE_CFG_IIS_PATH_BLOCKED,
                       blocks && !ru->conditions ? MC_FAIL : MC_WARN,
                       "URL Rewrite rule '%s' (%s, line %u) matches %s with pattern '%s'%s and "
                       "%s it%s%s: narrow the pattern or add a condition that exempts these "
                       "paths, or disable it: Set-WebConfigurationProperty -PSPath 'IIS:\\' "
                       "-Filter \"system.webServer/rewrite/%s/rule[@name='%s']\" -Name enabled "
                       "-Value False", ru->name, *ru->scope ? ru->scope : "server-wide",
                       ru->line, hit.ptr, ru->match, ru->negate ? " (negated)" : "",
                       blocks ? "answers" : "sends", blocks ? act : "",
                       ru->conditions ? " when its conditions hold" : "",
                       *ru->scope ? "rules" : "globalRules", ru->name);
    }
    mc_buf_release(&hit);
  }
}

void mc_iis_check(struct mc_report *r, const struct mc_iis_doc *d, const char *file,
                  const struct mc_iis_context *cx)
{
  struct mc_step *st = mc_step_add(r, NULL, "IIS configuration %s", file);
  mc_step_ev(st, "read", "%zu sites, %zu https and http bindings, %zu locations, %zu rewrite "
             "rules", d->nsites, d->nbindings, d->nlocs, d->nrules);
  check_bindings(r, st, d);
  check_ep(r, st, d, cx);
  check_auth(r, st, d);
  check_limits(r, st, d);
  check_ip(r, st, d);
  check_rewrite(r, st, d);
  mc_step_done(r, st, MC_PASS, "bindings, Extended Protection, authentication, request "
               "limits, IP restrictions and URL Rewrite rules on the migration paths");
}

/* Extended Protection per vdir between files (servers): the first path
 * whose effective tokenChecking differs is a CFG_SERVERS_DIFFER. */
void mc_iis_compare(struct mc_report *r, const struct mc_iis_doc *const *docs,
                    const char *const *files, size_t n)
{
  struct mc_step *st = NULL;
  size_t differ = 0;
  for(size_t b = 1; b < n; b++) {
    for(size_t a = 0; a < b; a++) {
      bool found = false;
      for(size_t i = 0; i < sizeof ep_table / sizeof ep_table[0] && !found; i++) {
        for(int s = 0; s < 2 && !found; s++) {
          char path[256];
          snprintf(path, sizeof path, "%s/%s", s ? BE : FE, ep_table[i].vdir);
          if(!mc_iis_location(docs[a], path) || !mc_iis_location(docs[b], path))
            continue;
          const struct mc_iis_location *la = effective(docs[a], path, has_tc);
          const struct mc_iis_location *lb = effective(docs[b], path, has_tc);
          const char *ta = la ? la->token_checking : "None";
          const char *tb = lb ? lb->token_checking : "None";
          if(strictness(ta) == strictness(tb))
            continue;
          found = true;
          if(!st)
            st = mc_step_add(r, NULL, "Compare Extended Protection between servers");
          differ++;
          mc_step_find(r, st, MC_CAUSE_CFG_SERVERS_DIFFER, "%s has tokenChecking %s in %s and %s in "
                       "%s: behind one name a logon then works or fails depending on the "
                       "server that answers; apply the same Extended Protection settings to "
                       "every server (ExchangeExtendedProtectionManagement.ps1 on all of "
                       "them)", path, tb, files[b], ta, files[a]);
        }
      }
    }
  }
  if(st)
    mc_step_done(r, st, MC_WARN, "%zu difference%s", differ, differ == 1 ? "" : "s");
}
