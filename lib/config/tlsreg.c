/*
 * tlsreg.c - the server's TLS and authentication settings from registry
 * exports (.reg files and reg query output, read by reg.c), judged for the
 * migration the way HealthChecker reads them:
 *
 *   HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\
 *     Protocols\<SSL 2.0 .. TLS 1.3>\<Server|Client>   Enabled, DisabledByDefault
 *   HKLM\SOFTWARE\[WOW6432Node\]Microsoft\.NETFramework\<v4.0.30319|v2.0.50727>
 *                                   SystemDefaultTlsVersions, SchUseStrongCrypto
 *   HKLM\SYSTEM\CurrentControlSet\Control\Lsa
 *                                   SuppressExtendedProtection, LmCompatibilityLevel
 *   HKLM\SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002
 *                                   Functions (the cipher suite order policy)
 *
 * Values are grouped per computer: the \\NAME\ of a remote reg query key,
 * the folder --collect's script names (migcheck-NAME/), or else one group
 * per file (named by the file). Only explicit values are
 * judged: a value that is absent means the Windows default, and a key that
 * was not exported is not judged at all (the step says what was not seen).
 *
 * Not for: the RpcProxy key (rules.c) or anything outside the registry.
 */
#include "config/config.h"
#include "util/plat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { P_SSL2, P_SSL3, P_TLS10, P_TLS11, P_TLS12, P_TLS13, NPROTO };
static const char *const proto_names[NPROTO] = {
  "SSL 2.0", "SSL 3.0", "TLS 1.0", "TLS 1.1", "TLS 1.2", "TLS 1.3"
};
enum { SIDE_SERVER, SIDE_CLIENT, NSIDE };
static const char *const side_names[NSIDE] = { "Server", "Client" };
enum { V_ENABLED, V_DISABLED_BY_DEFAULT };

enum { NET_V4, NET_V4_32, NET_V2, NET_V2_32, NNET };
static const char *const net_keys[NNET] = {
  "SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319",
  "SOFTWARE\\WOW6432Node\\Microsoft\\.NETFramework\\v4.0.30319",
  "SOFTWARE\\Microsoft\\.NETFramework\\v2.0.50727",
  "SOFTWARE\\WOW6432Node\\Microsoft\\.NETFramework\\v2.0.50727",
};
enum { N_SYSTEM_DEFAULT, N_STRONG_CRYPTO, NNETV };
static const char *const net_values[NNETV] = { "SystemDefaultTlsVersions", "SchUseStrongCrypto" };

static const char SCHANNEL[] = "SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL"
                               "\\Protocols";
static const char LSA[] = "SYSTEM\\CurrentControlSet\\Control\\Lsa";
static const char CIPHERS[] = "SOFTWARE\\Policies\\Microsoft\\Cryptography\\Configuration\\SSL"
                              "\\00010002";

/* One DWORD as exported: set or absent, with its line for the evidence. */
struct dw {
  bool set;
  unsigned long v;
  unsigned line;
};

struct mc_tlsreg {
  char *source;                 /* "EX01" or the file name */
  char *file;
  bool named;                   /* source is a computer name, not the file */
  bool schannel_seen, lsa_seen, net_seen[NNET];
  struct dw proto[NPROTO][NSIDE][2];
  struct dw net[NNET][NNETV];
  struct dw suppress_ep, lmcompat;
  char *ciphers;                /* the Functions list, NULL when not set */
  unsigned ciphers_line;
};

/* Splits "\\EX01\HKEY_LOCAL_MACHINE\SYSTEM\..." into the computer ("EX01",
 * "" when local) and the path under HKLM; false for other hives. */
static bool key_split(const char *key, char *machine, size_t mlen, const char **path)
{
  machine[0] = '\0';
  if(key[0] == '\\' && key[1] == '\\') {
    const char *sl = strchr(key + 2, '\\');
    if(!sl)
      return false;
    snprintf(machine, mlen, "%.*s", (int)(sl - key - 2), key + 2);
    key = sl + 1;
  }
  if(strncasecmp(key, "HKEY_LOCAL_MACHINE\\", 19) == 0)
    *path = key + 19;
  else if(strncasecmp(key, "HKLM\\", 5) == 0)
    *path = key + 5;
  else
    return false;
  return true;
}

/* "TLS 1.2\Server" under the Protocols key: sets p and side. */
static bool proto_key(const char *path, int *p, int *side)
{
  size_t n = strlen(SCHANNEL);
  if(strncasecmp(path, SCHANNEL, n) != 0 || path[n] != '\\')
    return false;
  const char *rest = path + n + 1;
  for(int i = 0; i < NPROTO; i++) {
    size_t m = strlen(proto_names[i]);
    if(strncasecmp(rest, proto_names[i], m) != 0 || rest[m] != '\\')
      continue;
    for(int s = 0; s < NSIDE; s++) {
      if(strcasecmp(rest + m + 1, side_names[s]) == 0) {
        *p = i;
        *side = s;
        return true;
      }
    }
  }
  return false;
}

static int net_key(const char *path)
{
  for(int i = 0; i < NNET; i++) {
    if(strcasecmp(path, net_keys[i]) == 0)
      return i;
  }
  return -1;
}

static bool under(const char *path, const char *key)
{
  size_t n = strlen(key);
  return strncasecmp(path, key, n) == 0 && (path[n] == '\0' || path[n] == '\\');
}

/* The computer a --collect folder names: ".../migcheck-EX01/file". */
static bool folder_machine(const char *file, char *out, size_t n)
{
  const char *p = NULL;
  for(const char *q = file; (q = strstr(q, "migcheck-")); q++) {
    if(q == file || q[-1] == '/' || q[-1] == '\\')
      p = q;
  }
  if(!p)
    return false;
  p += 9;
  size_t k = strcspn(p, "/\\");
  if(!k || !p[k] || k >= n)
    return false;
  snprintf(out, n, "%.*s", (int)k, p);
  return true;
}

/* The group for (file, computer), made on first use. */
static struct mc_tlsreg *group(const char *file, const char *machine_in,
                               struct mc_tlsreg ***list, size_t *n, size_t first)
{
  char folder[128];
  const char *machine = *machine_in ? machine_in :
                        folder_machine(file, folder, sizeof folder) ? folder : "";
  for(size_t i = first; i < *n; i++) {
    struct mc_tlsreg *t = (*list)[i];
    if(*machine ? t->named && strcasecmp(t->source, machine) == 0 : !t->named)
      return t;
  }
  struct mc_tlsreg *t = mc_xcalloc(1, sizeof *t);
  t->file = mc_xstrdup(file);
  t->source = mc_xstrdup(*machine ? machine : mc_path_base(file));
  t->named = *machine != '\0';
  *list = mc_xrealloc(*list, (*n + 1) * sizeof **list);
  (*list)[(*n)++] = t;
  return t;
}

static void set_dw(struct dw *d, const struct mc_reg_value *v)
{
  char *end = NULL;
  unsigned long x = strtoul(v->data, &end, 10);
  if(!end || end == v->data || *end)
    return;
  d->set = true;
  d->v = x;
  d->line = v->line;
}

/* Marks a key as exported; returns the group when it is one this module
 * reads. */
static struct mc_tlsreg *see_key(const char *key, const char *file, struct mc_tlsreg ***list,
                                 size_t *n, size_t first)
{
  char machine[256];
  const char *path;
  if(!key_split(key, machine, sizeof machine, &path))
    return NULL;
  int ni = net_key(path);
  bool sch = under(path, SCHANNEL), lsa = strcasecmp(path, LSA) == 0,
       ciph = strcasecmp(path, CIPHERS) == 0;
  if(ni < 0 && !sch && !lsa && !ciph)
    return NULL;
  struct mc_tlsreg *t = group(file, machine, list, n, first);
  t->schannel_seen = t->schannel_seen || sch;
  t->lsa_seen = t->lsa_seen || lsa;
  if(ni >= 0)
    t->net_seen[ni] = true;
  return t;
}

size_t mc_tlsreg_read(const struct mc_reg_doc *doc, const char *file, struct mc_tlsreg ***list,
                      size_t *n)
{
  size_t first = *n, took = 0;
  for(size_t i = 0; i < doc->nkeys; i++)
    see_key(doc->keys[i], file, list, n, first);
  for(size_t i = 0; i < doc->n; i++) {
    const struct mc_reg_value *v = &doc->v[i];
    struct mc_tlsreg *t = see_key(v->key, file, list, n, first);
    if(!t)
      continue;
    char machine[256];
    const char *path;
    key_split(v->key, machine, sizeof machine, &path);
    int p, side, ni = net_key(path);
    took++;
    if(proto_key(path, &p, &side)) {
      if(strcasecmp(v->name, "Enabled") == 0)
        set_dw(&t->proto[p][side][V_ENABLED], v);
      else if(strcasecmp(v->name, "DisabledByDefault") == 0)
        set_dw(&t->proto[p][side][V_DISABLED_BY_DEFAULT], v);
    }
    else if(ni >= 0) {
      for(int k = 0; k < NNETV; k++) {
        if(strcasecmp(v->name, net_values[k]) == 0)
          set_dw(&t->net[ni][k], v);
      }
    }
    else if(strcasecmp(path, LSA) == 0) {
      if(strcasecmp(v->name, "SuppressExtendedProtection") == 0)
        set_dw(&t->suppress_ep, v);
      else if(strcasecmp(v->name, "LmCompatibilityLevel") == 0)
        set_dw(&t->lmcompat, v);
    }
    else if(strcasecmp(path, CIPHERS) == 0 && strcasecmp(v->name, "Functions") == 0) {
      free(t->ciphers);
      t->ciphers = mc_xstrdup(v->data);
      t->ciphers_line = v->line;
    }
  }
  return took;
}

void mc_tlsreg_free(struct mc_tlsreg *t)
{
  if(!t)
    return;
  free(t->source);
  free(t->file);
  free(t->ciphers);
  free(t);
}

/* ---- judging ---- */

/* A protocol side as set: "off" (Enabled 0 or DisabledByDefault 1), "on",
 * or "not set" (the Windows default). */
static const char *proto_state(const struct mc_tlsreg *t, int p, int side)
{
  const struct dw *e = &t->proto[p][side][V_ENABLED];
  const struct dw *d = &t->proto[p][side][V_DISABLED_BY_DEFAULT];
  if((e->set && e->v == 0) || (d->set && d->v != 0))
    return "off";
  if(e->set || d->set)
    return "on";
  return "not set";
}

static void dw_text(char *out, size_t n, const struct dw *d)
{
  if(d->set && d->v > 0xffff)
    snprintf(out, n, "0x%lx (line %u)", d->v, d->line);
  else if(d->set)
    snprintf(out, n, "%lu (line %u)", d->v, d->line);
  else
    snprintf(out, n, "not set");
}

/* Where a value was read, for a finding: "on EX01 (tls.txt line 5)" or, when
 * the computer is not in the export, "in 'schannel.reg' line 53". */
static const char *at(const struct mc_tlsreg *t, unsigned line, char *out, size_t n)
{
  if(t->named)
    snprintf(out, n, "on %s (%s line %u)", t->source, t->file, line);
  else
    snprintf(out, n, "in '%s' line %u", t->file, line);
  return out;
}

/* The suites Exchange Online offers for TLS 1.2 and 1.3 (ECDHE with AES-GCM,
 * and the TLS 1.3 suites): a cipher order policy with none of them leaves
 * no suite in common. */
static const char *const eo_suites[] = {
  "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
  "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
  "TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256", NULL
};

static bool list_has(const char *list, const char *item)
{
  size_t m = strlen(item);
  for(const char *p = list; (p = mc_memcasemem(p, strlen(p), item)); p += m) {
    bool start = p == list || p[-1] == ',' || p[-1] == ';' || p[-1] == ' ';
    bool end = p[m] == '\0' || p[m] == ',' || p[m] == ';' || p[m] == ' ';
    if(start && end)
      return true;
  }
  return false;
}

static void check_schannel(struct mc_report *r, struct mc_step *st, const struct mc_tlsreg *t)
{
  for(int p = 0; p < NPROTO; p++) {
    for(int s = 0; s < NSIDE; s++) {
      char e[48], d[48];
      dw_text(e, sizeof e, &t->proto[p][s][V_ENABLED]);
      dw_text(d, sizeof d, &t->proto[p][s][V_DISABLED_BY_DEFAULT]);
      if(t->proto[p][s][V_ENABLED].set || t->proto[p][s][V_DISABLED_BY_DEFAULT].set)
        mc_step_ev(st, "SCHANNEL", "%s %s: Enabled %s, DisabledByDefault %s", proto_names[p],
                   side_names[s], e, d);
    }
  }
  for(int s = 0; s < NSIDE; s++) {
    if(strcmp(proto_state(t, P_TLS12, s), "off") != 0)
      continue;
    const char *k = "HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\"
                    "Protocols\\TLS 1.2";
    char w[512];
    const struct dw *e = &t->proto[P_TLS12][s][V_ENABLED];
    const struct dw *d = &t->proto[P_TLS12][s][V_DISABLED_BY_DEFAULT];
    mc_step_find(r, st, MC_CAUSE_CFG_TLS12_DISABLED, "TLS 1.2 is disabled for the %s side %s; %s: reg "
                 "add \"%s\\%s\" /v Enabled /t REG_DWORD /d 1 /f and reg add \"%s\\%s\" /v "
                 "DisabledByDefault /t REG_DWORD /d 0 /f, then restart the server",
                 side_names[s], at(t, e->set && e->v == 0 ? e->line : d->line, w, sizeof w),
                 s == SIDE_SERVER ? "Exchange Online's migration and free/busy requests, which "
                 "use TLS 1.2 only, cannot connect" : "the server cannot reach Exchange Online, "
                 "Entra ID (OAuth) or the Hybrid Agent service, which accept TLS 1.2 only",
                 k, side_names[s], k, side_names[s]);
  }
}

static void check_net(struct mc_report *r, struct mc_step *st, const struct mc_tlsreg *t)
{
  for(int i = 0; i < NNET; i++) {
    if(!t->net_seen[i])
      continue;
    char a[48], b[48];
    dw_text(a, sizeof a, &t->net[i][N_SYSTEM_DEFAULT]);
    dw_text(b, sizeof b, &t->net[i][N_STRONG_CRYPTO]);
    mc_step_ev(st, ".NET", "HKLM\\%s: SystemDefaultTlsVersions %s, SchUseStrongCrypto %s",
               net_keys[i], a, b);
    struct mc_buf fix = MC_BUF_INIT(2048), what = MC_BUF_INIT(1024);
    char w[512];
    bool off = false;
    unsigned line = 0;
    for(int k = 0; k < NNETV; k++) {
      const struct dw *d = &t->net[i][k];
      if(d->set && d->v == 1)
        continue;
      off = off || d->set;
      line = d->set && !line ? d->line : line;
      if(d->set)
        mc_buf_printf(&what, "%s%s is %lu", what.len ? " and " : "", net_values[k], d->v);
      else
        mc_buf_printf(&what, "%s%s is not set", what.len ? " and " : "", net_values[k]);
      mc_buf_printf(&fix, "%sreg add \"HKLM\\%s\" /v %s /t REG_DWORD /d 1 /f",
                    fix.len ? " and " : "", net_keys[i], net_values[k]);
    }
    if(fix.len)
      mc_step_find_sev(r, st, MC_CAUSE_CFG_DOTNET_TLS_NOT_DEFAULT, off ? MC_FAIL : MC_WARN,
                       "%s under HKLM\\%s %s: .NET %s may offer TLS 1.0 and weak ciphers to "
                       "Exchange Online and Entra ID (the Hybrid Configuration Wizard, OAuth, "
                       "the Hybrid Agent): %s, then restart the server", what.ptr, net_keys[i],
                       line ? at(t, line, w, sizeof w) : t->named ? t->source : t->file,
                       i == NET_V2 || i == NET_V2_32 ? "3.5" : "4.x", fix.ptr);
    mc_buf_release(&what);
    mc_buf_release(&fix);
  }
  if(t->net_seen[NET_V4] && !t->net_seen[NET_V4_32])
    mc_step_ev(st, "note", "HKLM\\%s was not exported; it needs the same two values "
               "(reg export \"HKLM\\%s\" net32.reg)", net_keys[NET_V4_32], net_keys[NET_V4_32]);
}

static void check_lsa(struct mc_report *r, struct mc_step *st, const struct mc_tlsreg *t, int ep,
                      const char *ep_where)
{
  char a[48], b[48], w[512];
  dw_text(a, sizeof a, &t->suppress_ep);
  dw_text(b, sizeof b, &t->lmcompat);
  mc_step_ev(st, "Lsa", "SuppressExtendedProtection %s, LmCompatibilityLevel %s%s", a, b,
             t->lmcompat.set ? "" : " (Windows default: 3)");
  if(t->suppress_ep.set && t->suppress_ep.v != 0)
    mc_step_find_sev(r, st, MC_CAUSE_CFG_EP_SUPPRESSED, ep == 1 ? MC_FAIL : MC_WARN,
                     "SuppressExtendedProtection is %lu %s: Windows leaves the "
                     "channel binding out of NTLM and Kerberos, so Extended Protection %s "
                     "fails between Exchange servers and for clients: reg add "
                     "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Lsa /v SuppressExtendedProtection "
                     "/t REG_DWORD /d 0 /f, then restart the server", t->suppress_ep.v,
                     at(t, t->suppress_ep.line, w, sizeof w),
                     ep == 1 ? ep_where : "(once enabled)");
  if(t->lmcompat.set && t->lmcompat.v < 3 && ep != 0)
    mc_step_find_sev(r, st, MC_CAUSE_CFG_EP_NTLMV1, ep == 1 ? MC_FAIL : MC_WARN,
                     "LmCompatibilityLevel is %lu %s: NTLMv1 is allowed, and "
                     "Extended Protection works with NTLMv2 only (%s): reg add "
                     "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Lsa /v LmCompatibilityLevel "
                     "/t REG_DWORD /d 3 /f (or higher; the same on clients and domain "
                     "controllers)", t->lmcompat.v, at(t, t->lmcompat.line, w, sizeof w),
                     ep == 1 ? ep_where : "whether it is on was not in the inputs");
}

static void check_ciphers(struct mc_report *r, struct mc_step *st, const struct mc_tlsreg *t)
{
  if(!t->ciphers)
    return;
  mc_step_ev(st, "cipher order", "%s", t->ciphers);
  for(int i = 0; eo_suites[i]; i++) {
    if(list_has(t->ciphers, eo_suites[i]))
      return;
  }
  char w[512];
  mc_step_find(r, st, MC_CAUSE_CFG_TLS_CIPHER_ORDER, "the cipher suite order policy %s "
               "holds none of the ECDHE AES-GCM suites Exchange Online uses, so TLS 1.2 "
               "handshakes with it fail: put TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 and "
               "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 first in the Group Policy 'SSL Cipher "
               "Suite Order' (Computer Configuration > Administrative Templates > Network > SSL "
               "Configuration Settings), run gpupdate /force and restart the server",
               at(t, t->ciphers_line, w, sizeof w));
}

/* A one-line summary of what two servers must share, for the comparison:
 * only the keys both exported (other is the second server). */
static void summary(const struct mc_tlsreg *t, const struct mc_tlsreg *other, struct mc_buf *out)
{
  if(t->schannel_seen && other->schannel_seen) {
    for(int p = 0; p < NPROTO; p++) {
      for(int s = 0; s < NSIDE; s++)
        mc_buf_printf(out, "%s %s %s; ", proto_names[p], side_names[s], proto_state(t, p, s));
    }
  }
  for(int i = 0; i < NNET; i++) {
    if(!t->net_seen[i] || !other->net_seen[i])
      continue;
    for(int k = 0; k < NNETV; k++) {
      const struct dw *d = &t->net[i][k];
      if(d->set)
        mc_buf_printf(out, "%s %s %lu; ", net_keys[i] + 9, net_values[k], d->v);
      else
        mc_buf_printf(out, "%s %s not set; ", net_keys[i] + 9, net_values[k]);
    }
  }
}

/* The first difference between two summaries, as "TLS 1.2 Server off" vs
 * "TLS 1.2 Server on". */
static bool first_difference(const char *a, const char *b, char *wa, char *wb, size_t n)
{
  while(*a && *b) {
    size_t la = strcspn(a, ";"), lb = strcspn(b, ";");
    if(la != lb || strncmp(a, b, la) != 0) {
      snprintf(wa, n, "%.*s", (int)la, a);
      snprintf(wb, n, "%.*s", (int)lb, b);
      return true;
    }
    a += la + (a[la] ? 2 : 0);
    b += lb + (b[lb] ? 2 : 0);
  }
  return false;
}

static void compare(struct mc_report *r, struct mc_tlsreg *const *list, size_t n)
{
  struct mc_step *st = NULL;
  size_t differ = 0;
  for(size_t i = 1; i < n; i++) {
    bool found = false;
    for(size_t j = 0; j < i && !found; j++) {
      const struct mc_tlsreg *a = list[j], *b = list[i];
      if(a->named && b->named && strcasecmp(a->source, b->source) == 0)
        continue;               /* two files of one computer */
      struct mc_buf sa = MC_BUF_INIT(8192), sb = MC_BUF_INIT(8192);
      summary(a, b, &sa);
      summary(b, a, &sb);
      char wa[160], wb[160];
      if(sa.len && sb.len && first_difference(sa.ptr, sb.ptr, wa, wb, sizeof wa)) {
        if(!st)
          st = mc_step_add(r, NULL, "Compare TLS settings between servers");
        differ++;
        found = true;
        mc_step_find(r, st, MC_CAUSE_CFG_SERVERS_DIFFER, "%s differs from %s in its TLS registry "
                     "settings: '%s' there, '%s' on %s; behind one name the handshake then depends "
                     "on which server answers, and Extended Protection needs the same TLS "
                     "settings on every server: give %s the settings of the server that "
                     "works", b->source, a->source, wb, wa, a->source, b->source);
      }
      mc_buf_release(&sa);
      mc_buf_release(&sb);
    }
  }
  if(st)
    mc_step_done(r, st, MC_WARN, "%zu difference%s between servers", differ,
                 differ == 1 ? "" : "s");
}

void mc_tlsreg_check(struct mc_report *r, struct mc_tlsreg *const *list, size_t n, int ep,
                     const char *ep_where)
{
  for(size_t i = 0; i < n; i++) {
    const struct mc_tlsreg *t = list[i];
    const char *base = mc_path_base(t->file);
    struct mc_step *st = t->named ?
      mc_step_add(r, NULL, "TLS and authentication registry of %s (%s)", t->source, base) :
      mc_step_add(r, NULL, "TLS and authentication registry in %s", t->source);
    mc_step_ev(st, "from", "%s", t->file);
    if(t->schannel_seen)
      check_schannel(r, st, t);
    check_net(r, st, t);
    if(t->lsa_seen)
      check_lsa(r, st, t, ep, ep_where);
    check_ciphers(r, st, t);
    struct mc_buf seen = MC_BUF_INIT(1024);
    bool net = false;
    for(int k = 0; k < NNET; k++)
      net = net || t->net_seen[k];
    const char *parts[] = { t->schannel_seen ? "SCHANNEL protocols" : NULL,
                            net ? ".NET Framework" : NULL, t->lsa_seen ? "Lsa" : NULL,
                            t->ciphers ? "cipher suite order" : NULL };
    for(size_t k = 0; k < sizeof parts / sizeof parts[0]; k++) {
      if(parts[k])
        mc_buf_printf(&seen, "%s%s", seen.len ? ", " : "", parts[k]);
    }
    mc_step_done(r, st, MC_PASS, "read: %s", seen.ptr ? seen.ptr : "nothing");
    mc_buf_release(&seen);
  }
  compare(r, list, n);
}
