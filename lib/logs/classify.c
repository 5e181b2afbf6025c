/*
 * classify.c - endpoints, status triples, HTTPERR reasons and timestamps
 * (see classify.h). Every meaning is a row in a table below; the sources are
 * KB 943891 (IIS status and substatus codes) and KB 820729 (HTTPERR reason phrases).
 */
#include "logs/classify.h"
#include "logs/logs.h"
#include "model/cause_ids.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const struct {
  const char *name;
  const char *path;
} endpoints[MC_EP_COUNT] = {
  [MC_EP_MRSPROXY] = { "mrsproxy", "/EWS/mrsproxy.svc" },
  [MC_EP_RPCPROXY] = { "rpcproxy", "/rpc/rpcproxy.dll" },
  [MC_EP_AUTODISCOVER] = { "autodiscover", "/Autodiscover" },
  [MC_EP_EWS] = { "ews", "/EWS" },
  [MC_EP_MAPI] = { "mapi", "/mapi" },
};

const char *mc_endpoint_name(int ep)
{
  return ep >= 0 && ep < MC_EP_COUNT ? endpoints[ep].name : "other";
}

const char *mc_endpoint_path(int ep)
{
  return ep >= 0 && ep < MC_EP_COUNT ? endpoints[ep].path : "?";
}

bool mc_endpoint_is_migration(int ep)
{
  return ep == MC_EP_MRSPROXY || ep == MC_EP_RPCPROXY;
}

/* x's bytes with ASCII capitals made small, all at once: a byte gains 0x20
 * when it is 'A' to 'Z', no other byte changes. */
static inline uint64_t fold8(uint64_t x)
{
  uint64_t low7 = x & UINT64_C(0x7f7f7f7f7f7f7f7f);
  uint64_t ge_a = low7 + UINT64_C(0x3f3f3f3f3f3f3f3f);   /* bit 7 set where >= 'A' */
  uint64_t gt_z = low7 + UINT64_C(0x2525252525252525);   /* bit 7 set where > 'Z' */
  return x | ((ge_a & ~gt_z & ~x & UINT64_C(0x8080808080808080)) >> 2);
}

/* Whether p starts with lit (small letters), in any case: eight bytes a
 * step, the rest as the eight (or four) bytes that end it, which overlap
 * bytes already compared equal. */
__attribute__((always_inline))
static inline bool prefix_ci(const char *p, size_t n, const char *lit, size_t m)
{
  if(n < m)
    return false;
  if(m < 4) {
    for(size_t i = 0; i < m; i++) {
      unsigned char c = (unsigned char)p[i];
      if((c >= 'A' && c <= 'Z' ? c + 32 : c) != (unsigned char)lit[i])
        return false;
    }
    return true;
  }
  if(m < 8) {
    uint32_t a, b, c, d;
    memcpy(&a, p, 4);
    memcpy(&b, lit, 4);
    memcpy(&c, p + m - 4, 4);
    memcpy(&d, lit + m - 4, 4);
    return ((uint32_t)fold8(a) ^ b) == 0 && ((uint32_t)fold8(c) ^ d) == 0;
  }
  uint64_t a, b;
  for(size_t i = 0; i + 8 < m; i += 8) {
    memcpy(&a, p + i, 8);
    memcpy(&b, lit + i, 8);
    if(fold8(a) != b)
      return false;
  }
  memcpy(&a, p + m - 8, 8);
  memcpy(&b, lit + m - 8, 8);
  return fold8(a) == b;
}

/* Which of the heads an endpoint path starts with the four bytes at p
 * are, in any case: 0 /ews, 1 /rpc, 2 /aut, 3 /map; 4 for none. */
static inline unsigned head_of(const char *p)
{
  static const char heads[] = "/ews/rpc/aut/map";
  uint32_t h, k[4];
  memcpy(&h, p, 4);
  memcpy(k, heads, 16);
  h = (uint32_t)fold8(h);
  return h == k[0] ? 0 : h == k[1] ? 1 : h == k[2] ? 2 : h == k[3] ? 3 : 4;
}

/* p starts with the literal lit, in any case. */
#define STARTS(lit) prefix_ci(p, n, lit, sizeof lit - 1)
/* ... or with the folder lit ("/mapi/") bare ("/mapi"), or followed by a
   query glued on ("/mapi?x", "/mapi&x"). */
#define FOLDER(lit) (STARTS(lit) || (prefix_ci(p, n, lit, sizeof lit - 2) && \
                     (n == sizeof lit - 2 || p[sizeof lit - 2] == '?' || p[sizeof lit - 2] == '&')))

int mc_classify_path(const char *p, size_t n)
{
  /* Most lines are /owa, /Microsoft-Server-ActiveSync, /ecp ...: one look at
     the first four bytes, all at once, sends them away; the others try
     the paths of their head, the longest first where one holds another. */
  if(n < 4)
    return MC_EP_NONE;
  switch(head_of(p)) {
  case 0:
    if(STARTS("/ews/mrsproxy.svc"))
      return MC_EP_MRSPROXY;
    return FOLDER("/ews/") ? MC_EP_EWS : MC_EP_NONE;
  case 1:
    return STARTS("/rpc/rpcproxy.dll") || STARTS("/rpcwithcert/rpcproxy.dll") ?
           MC_EP_RPCPROXY : MC_EP_NONE;
  case 2:
    return FOLDER("/autodiscover/") ? MC_EP_AUTODISCOVER : MC_EP_NONE;
  case 3:
    return FOLDER("/mapi/") ? MC_EP_MAPI : MC_EP_NONE;
  default:
    return MC_EP_NONE;
  }
}
#undef STARTS
#undef FOLDER

struct mc_slice mc_uri_path(struct mc_slice uri)
{
  if(uri.n && uri.p[0] == '/')
    return uri;                   /* a path already, as HTTP.sys logs nearly every one */
  size_t skip = 0;
  if(prefix_ci(uri.p, uri.n, "http://", 7))
    skip = 7;
  else if(prefix_ci(uri.p, uri.n, "https://", 8))
    skip = 8;
  if(!skip)
    return uri;
  const char *slash = memchr(uri.p + skip, '/', uri.n - skip);
  if(!slash)
    return (struct mc_slice){ uri.p + uri.n, 0 };
  return (struct mc_slice){ slash, uri.n - (size_t)(slash - uri.p) };
}

/* ---- status triples (KB 943891) ----
 *
 * Substatus meanings: Microsoft Learn, "The HTTP status code in IIS 7 and
 * later versions" (KB 943891). Win32 codes: "System Error Codes" and the
 * SSPI SEC_E_* values. Per endpoint where the same triple means another
 * thing: on /rpc/rpcproxy.dll a 503 with 1722 (0x6ba, RPC_S_SERVER_UNAVAILABLE)
 * is the RPC proxy's own answer "RPC Error: 6ba" (the server:port is not in
 * ValidPorts, or nothing answers on it), not an application pool that is
 * down. */

#define W32_NO_CREDENTIALS 2148074254LL   /* 0x8009030E */
#define W32_LOGON_DENIED 2148074252LL     /* 0x8009030C */
#define W32_INVALID_TOKEN 2148074248LL    /* 0x80090308 */

static const struct {
  int64_t code;
  const char *name;
} win32_names[] = {
  { W32_NO_CREDENTIALS, "0x8009030E SEC_E_NO_CREDENTIALS" },
  { W32_LOGON_DENIED, "0x8009030C SEC_E_LOGON_DENIED" },
  { W32_INVALID_TOKEN, "0x80090308 SEC_E_INVALID_TOKEN" },
  { 2148074244LL, "0x80090304 SEC_E_INTERNAL_ERROR" },
  { 2148074242LL, "0x80090302 SEC_E_UNSUPPORTED_FUNCTION" },
  { 64, "ERROR_NETNAME_DELETED" },
  { 121, "ERROR_SEM_TIMEOUT" },
  { 995, "ERROR_OPERATION_ABORTED" },
  { 1236, "ERROR_CONNECTION_ABORTED" },
  { 1326, "ERROR_LOGON_FAILURE" },
  { 1330, "ERROR_PASSWORD_EXPIRED" },
  { 1331, "ERROR_ACCOUNT_DISABLED" },
  { 1909, "ERROR_ACCOUNT_LOCKED_OUT" },
  { 1722, "0x6ba RPC_S_SERVER_UNAVAILABLE" },
  { 1723, "0x6bb RPC_S_SERVER_TOO_BUSY" },
  { 1726, "0x6be RPC_S_CALL_FAILED" },
  { 5, "ERROR_ACCESS_DENIED" },
  { 2, "ERROR_FILE_NOT_FOUND" },
};

const char *mc_win32_name(int64_t win32)
{
  for(size_t i = 0; i < sizeof win32_names / sizeof win32_names[0]; i++) {
    if(win32_names[i].code == win32)
      return win32_names[i].name;
  }
  return NULL;
}

#define ANY (-2)
#define RPC MC_EP_RPCPROXY
#define MRS MC_EP_MRSPROXY
/* First match wins: status, substatus (ANY), win32 (ANY), endpoint (ANY),
 * then the meaning and the cause ids (with a second one when the log cannot
 * tell two apart) that replace LOG_SERVER_ERRORS for it. Every row has a
 * known-answer line in tests/unit/logs/test_classify.c. */
static const struct mc_status_rule {
  int status, sub;
  int64_t win32;
  int ep;
  const char *meaning;
  const char *cause, *also;
} status_rules[] = {
  /* Authentication: the NTLM/Negotiate sequence is 401.2.5 (anonymous
     request), 401.1.2148074254 (challenge sent), then 200. */
  { 401, 1, W32_NO_CREDENTIALS, ANY, "first leg of NTLM/Negotiate (0x8009030E "
    "SEC_E_NO_CREDENTIALS): the challenge was sent; normal, a failure shows as 401.1 with "
    "2148074252 or as no 200 after it", NULL, NULL },
  { 401, 1, W32_LOGON_DENIED, ANY, "logon denied (0x8009030C SEC_E_LOGON_DENIED): bad "
    "password, locked or disabled account", NULL, NULL },
  { 401, 1, W32_INVALID_TOKEN, ANY, "invalid token (0x80090308 SEC_E_INVALID_TOKEN): the NTLM "
    "handshake was split across connections or servers", NULL, NULL },
  { 401, 1, 1326, ANY, "logon failed (ERROR_LOGON_FAILURE 1326): unknown user name or bad "
    "password", NULL, NULL },
  { 401, 1, 1909, ANY, "logon failed: the account is locked out (ERROR_ACCOUNT_LOCKED_OUT "
    "1909)", NULL, NULL },
  { 401, 1, 1331, ANY, "logon failed: the account is disabled (ERROR_ACCOUNT_DISABLED 1331)",
    NULL, NULL },
  { 401, 1, 1330, ANY, "logon failed: the password has expired (ERROR_PASSWORD_EXPIRED "
    "1330)", NULL, NULL },
  { 401, 1, 0, ANY, "logon failed (Basic)", NULL, NULL },
  { 401, 1, ANY, ANY, "logon failed", NULL, NULL },
  { 401, 2, 5, ANY, "anonymous first request: the server answered with its challenge; "
    "normal", NULL, NULL },
  { 401, 2, ANY, ANY, "denied by server configuration: no enabled authentication method "
    "matched", NULL, NULL },
  { 401, 3, ANY, ANY, "denied by an ACL on the resource", NULL, NULL },
  { 403, 4, ANY, ANY, "SSL required (the request came over plain HTTP)", NULL, NULL },
  { 403, 6, ANY, ANY, "IP address rejected (IP restrictions)", NULL, NULL },
  { 403, 7, ANY, ANY, "client certificate required", NULL, NULL },
  { 403, 0, ANY, MRS, "forbidden for an authenticated user: MRSProxy disabled",
    MC_CAUSE_MRSPROXY_DISABLED, NULL },
  /* The RPC proxy's own answers (RPC Error: 6ba, 6bb, 6be; 404 from 2013 on). */
  { 503, ANY, 1722, RPC, "the RPC proxy could not reach the server:port it was asked for "
    "(RPC Error: 6ba, RPC_S_SERVER_UNAVAILABLE): the name and port are not in ValidPorts, or "
    "nothing answers on 6001/6002/6004 behind the proxy", MC_CAUSE_OA_PORT_NOT_ALLOWED,
    MC_CAUSE_OA_BACKEND_UNAVAILABLE },
  { 503, ANY, 1723, RPC, "the RPC server is too busy (RPC Error: 6bb, "
    "RPC_S_SERVER_TOO_BUSY)", NULL, NULL },
  { 503, ANY, 1726, RPC, "the remote procedure call failed behind the proxy (RPC Error: 6be, "
    "RPC_S_CALL_FAILED)", MC_CAUSE_OA_BACKEND_UNAVAILABLE, NULL },
  { 404, ANY, 0, RPC, "the RPC server name the client asked for could not be resolved "
    "(Exchange 2013 and later)", MC_CAUSE_OA_SERVER_NAME_UNRESOLVED, NULL },
  { 404, ANY, ANY, ANY, "not found", NULL, NULL },
  { 405, ANY, ANY, MRS, "method not allowed: the svc-Integrated handler is missing",
    MC_CAUSE_MRSPROXY_HANDLER_MISSING, NULL },
  { 400, ANY, ANY, MRS, "bad request: late in a move, the WCF quota is too small", NULL,
    NULL },
  { 502, 3, ANY, ANY, "gateway error from a proxy (ARR)", NULL, NULL },
  { 502, 4, ANY, ANY, "gateway error from a proxy (ARR)", NULL, NULL },
  { 503, 0, ANY, ANY, "service unavailable: application pool unavailable", NULL, NULL },
  { 503, 2, ANY, ANY, "service unavailable: concurrent request limit", NULL, NULL },
  { 503, 3, ANY, ANY, "service unavailable: ASP.NET request queue full", NULL, NULL },
  { 500, ANY, ANY, ANY, "internal server error", NULL, NULL },
  { 200, 0, 64, ANY, "answered, then the client or a proxy reset the connection at the end "
    "(ERROR_NETNAME_DELETED)", NULL, NULL },
  { ANY, ANY, 1236, ANY, "connection aborted locally (ERROR_CONNECTION_ABORTED)", NULL, NULL },
  { ANY, ANY, 995, ANY, "the I/O was aborted: the client went away or the request was "
    "cancelled (ERROR_OPERATION_ABORTED)", NULL, NULL },
  { ANY, ANY, 121, ANY, "the connection timed out (ERROR_SEM_TIMEOUT)", NULL, NULL },
};

static const struct mc_status_rule *rule_of(int status, int sub, int64_t win32, int ep)
{
  for(size_t i = 0; i < sizeof status_rules / sizeof status_rules[0]; i++) {
    if((status_rules[i].status == ANY || status_rules[i].status == status) &&
       (status_rules[i].sub == ANY || status_rules[i].sub == sub) &&
       (status_rules[i].win32 == ANY || status_rules[i].win32 == win32) &&
       (status_rules[i].ep == ANY || status_rules[i].ep == ep))
      return &status_rules[i];
  }
  return NULL;
}

const char *mc_status_meaning(int status, int sub, int64_t win32, int ep)
{
  const struct mc_status_rule *r = rule_of(status, sub, win32, ep);
  return r ? r->meaning : NULL;
}

const char *mc_status_cause(int status, int sub, int64_t win32, int ep, const char **also)
{
  const struct mc_status_rule *r = rule_of(status, sub, win32, ep);
  if(also)
    *also = r ? r->also : NULL;
  return r ? r->cause : NULL;
}

enum mc_status_class mc_status_classify(int status, int sub, int64_t win32)
{
  if(status < 100 || status > 599)
    return MC_SC_UNKNOWN;
  if(status < 400)
    return MC_SC_SUCCESS;
  if(status == 401) {
    if(sub == 2 || (sub == 1 && win32 == W32_NO_CREDENTIALS))
      return MC_SC_CHALLENGE;
    if(sub == 1 && win32 == W32_INVALID_TOKEN)
      return MC_SC_NTLM_SPLIT;
    if(sub == 1 || sub == 3)
      return MC_SC_AUTH_FAILED;
    return MC_SC_CHALLENGE;
  }
  return status >= 500 ? MC_SC_SERVER_ERROR : MC_SC_CLIENT_ERROR;
}

bool mc_parse_code(const char *p, size_t n, int64_t max, int64_t *out)
{
  if(n == 1 && p[0] == '-') {
    *out = -1;
    return true;
  }
  if(n == 0 || n > 10)
    return false;
  int64_t v = 0;
  for(size_t i = 0; i < n; i++) {
    unsigned d = (unsigned)(unsigned char)p[i] - '0';
    if(d > 9)
      return false;
    v = v * 10 + d;
  }
  if(v > max)
    return false;
  *out = v;
  return true;
}

/* ---- HTTPERR s-reason (KB 820729) ---- */

static const struct {
  const char *reason;
  enum mc_httperr_kind kind;
  const char *meaning;
} reasons[] = {
  { "Connection_Dropped", MC_HE_DROPPED, "the client closed the connection before the "
    "response was complete" },
  { "Connection_Dropped_List_Full", MC_HE_DROPPED, "dropped: the list of dropped "
    "connections was full" },
  { "Timer_ConnectionIdle", MC_HE_DROPPED, "the connection sat idle until HTTP.sys closed it "
    "(default 2 minutes)" },
  { "Timer_EntityBody", MC_HE_DROPPED, "the request body did not arrive in time" },
  { "Timer_MinBytesPerSecond", MC_HE_DROPPED, "the client received the response slower than "
    "the minimum rate (240 bytes/s)" },
  { "Timer_HeaderWait", MC_HE_DROPPED, "the request headers did not arrive in time" },
  { "Timer_Response", MC_HE_DROPPED, "the response was not collected in time" },
  { "Client_Reset", MC_HE_DROPPED, "the client reset the connection" },
  { "QueueFull", MC_HE_QUEUE, "the application pool's queue was full (503)" },
  { "AppOffline", MC_HE_QUEUE, "the application pool was offline (503)" },
  { "Connections_Refused", MC_HE_QUEUE, "HTTP.sys refused connections (kernel NonPagedPool "
    "low)" },
  { "ConnLimit", MC_HE_QUEUE, "the site's connection limit was reached" },
  { "Connection_Abandoned_By_AppPool", MC_HE_QUEUE, "the worker process quit or dropped the "
    "request" },
  { "Connection_Abandoned_By_ReqQueue", MC_HE_QUEUE, "the worker process quit unexpectedly or "
    "orphaned the request" },
  { "AppShutdown", MC_HE_QUEUE, "the application pool was shutting down" },
  { "AppPoolTimer", MC_HE_QUEUE, "the application pool was too busy to take the request" },
  { "Timer_AppPool", MC_HE_QUEUE, "the request waited too long for the application pool" },
  { "Timer_ReqQueue", MC_HE_QUEUE, "the request waited too long in the request queue" },
  { "Disabled", MC_HE_QUEUE, "the application pool was disabled" },
};

static int reason_index(const char *p, size_t n)
{
  for(size_t i = 0; i < sizeof reasons / sizeof reasons[0]; i++) {
    if(strlen(reasons[i].reason) == n && strncasecmp(reasons[i].reason, p, n) == 0)
      return (int)i;
  }
  return -1;
}

enum mc_httperr_kind mc_httperr_reason_kind(const char *p, size_t n)
{
  int i = reason_index(p, n);
  return i < 0 ? MC_HE_OTHER : reasons[i].kind;
}

const char *mc_httperr_reason_meaning(const char *p, size_t n)
{
  int i = reason_index(p, n);
  return i < 0 ? NULL : reasons[i].meaning;
}

/* ---- time ---- */

int64_t mc_days_from_civil(int64_t y, unsigned m, unsigned d)
{
  /* Howard Hinnant's days_from_civil. */
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  unsigned yoe = (unsigned)(y - era * 400);
  unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (int64_t)doe - 719468;
}

static bool digits(const char *p, size_t n, unsigned *out)
{
  unsigned v = 0;
  for(size_t i = 0; i < n; i++) {
    unsigned d = (unsigned)(unsigned char)p[i] - '0';
    if(d > 9)
      return false;
    v = v * 10 + d;
  }
  *out = v;
  return true;
}

static bool parse_date(const char *p, size_t n, int64_t *days)
{
  unsigned y, m, d;
  if(n != 10 || p[4] != '-' || p[7] != '-' || !digits(p, 4, &y) || !digits(p + 5, 2, &m) ||
     !digits(p + 8, 2, &d) || m < 1 || m > 12 || d < 1 || d > 31 || y < 1970)
    return false;
  *days = mc_days_from_civil(y, m, d);
  return true;
}

/* "HH:MM" or "HH:MM:SS" (fractions after the seconds are ignored). */
static bool parse_clock(const char *p, size_t n, bool need_seconds, int64_t *secs)
{
  unsigned h, mi, s = 0;
  if(n < 5 || p[2] != ':' || !digits(p, 2, &h) || !digits(p + 3, 2, &mi) || h > 23 || mi > 59)
    return false;
  if(n >= 8 && p[5] == ':') {
    if(!digits(p + 6, 2, &s) || s > 60)
      return false;
  }
  else if(need_seconds || n != 5)
    return false;
  *secs = h * 3600 + mi * 60 + s;
  return true;
}

bool mc_parse_w3c_time(const char *date, size_t dn, const char *time, size_t tn, int64_t *out)
{
  int64_t days, secs;
  if(!parse_date(date, dn, &days) || tn < 8 || !parse_clock(time, tn, true, &secs))
    return false;
  *out = days * 86400 + secs;
  return true;
}

bool mc_parse_iso_time(const char *p, size_t n, int64_t *out)
{
  struct mc_slice date, clock;
  return mc_iso_time_parts(p, n, &date, &clock) &&
         mc_parse_w3c_time(date.p, date.n, clock.p, clock.n, out);
}

bool mc_parse_user_time(const char *s, bool end_of_day, int64_t *out)
{
  size_t n = strlen(s);
  int64_t days, secs = 0;
  if(n < 10 || !parse_date(s, 10, &days))
    return false;
  if(n == 10) {
    *out = days * 86400 + (end_of_day ? 86399 : 0);
    return true;
  }
  if(s[10] != 'T' && s[10] != ' ')
    return false;
  const char *c = s + 11;
  size_t cn = n - 11;
  if(cn && (c[cn - 1] == 'Z' || c[cn - 1] == 'z'))
    cn--;
  if((cn != 5 && cn != 8) || !parse_clock(c, cn, false, &secs))
    return false;
  *out = days * 86400 + secs + (end_of_day && cn == 5 ? 59 : 0);
  return true;
}

void mc_format_time(int64_t t, char *out, size_t outlen)
{
  /* civil_from_days, the inverse of the above. */
  int64_t z = (t >= 0 ? t : t - 86399) / 86400;
  int64_t secs = t - z * 86400;
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  unsigned doe = (unsigned)(z - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = (int64_t)yoe + era * 400;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;
  unsigned d = doy - (153 * mp + 2) / 5 + 1;
  unsigned m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
  snprintf(out, outlen, "%04lld-%02u-%02uT%02u:%02u:%02uZ", (long long)y, m, d,
           (unsigned)(secs / 3600), (unsigned)(secs / 60 % 60), (unsigned)(secs % 60));
}
