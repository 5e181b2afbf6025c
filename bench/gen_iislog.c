/*
 * gen_iislog.c - writes realistic Exchange IIS W3C logs and the exact counts
 * `migcheck logs --json` must find in them (its "traffic" object).
 *
 *   gen_iislog OUTDIR MEGABYTES [SEED] [SERVERS] [--clients N] [--users N]
 *              [--ipv6 PERCENT] [--days N] [--kind iis|httperr|httpproxy]
 *
 * Writes OUTDIR/EX0n/W3SVC1/u_exYYMMDD.log (one per server and day from
 * 2024-03-12, MEGABYTES in all) and OUTDIR/expected.json.
 *
 * Cardinality: by default the clients are a fixed set of 320 (Exchange
 * Online, internal, IPv6, link-local with a zone, IPv4-mapped). --clients N
 * (1 to 4M) draws them instead from N distinct addresses, a fifth of the
 * lines from 64 busy ones (Exchange Online, a load balancer) and the rest
 * spread evenly, PERCENT of them IPv6 privacy addresses (default 30), some
 * IPv4 ones logged IPv4-mapped; expected.json then gives the number of
 * distinct clients per endpoint ("clients") instead of by_client. --users N
 * distinct cs-username values (default 5000). --days N: a file per server
 * and day. --kind httperr or httpproxy writes HTTP.sys error logs
 * (EX0n/HTTPERR/httperrN.log) or Exchange HttpProxy logs
 * (EX0n/Logging/HttpProxy/Ews/HttpProxy_*.LOG) instead, from the same
 * clients; expected.json then gives their lines and the cause they raise. The logs look like a busy Exchange 2016/2019 front end: CRLF lines, a header block at the top and again at every
 * simulated app pool recycle, one change of the #Fields layout halfway
 * (s-computername, cs-host and sc-bytes added, columns reordered), mostly
 * MAPI, ActiveSync, OWA and EWS traffic with a little MRSProxy and RPC,
 * URL paths in mixed casing, IPv4, IPv6 and link-local IPv6 clients with a
 * zone suffix, IPv4-mapped IPv6, '+'-encoded user agents,
 * CorrelationID/cafeReqId query strings, and the status mix of a server
 * with some bad passwords, split NTLM handshakes and overloaded pools.
 *
 * A bench and test tool, not part of migcheck; deterministic for a seed.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define NEP 5
static const char *const ep_names[NEP] = { "mrsproxy", "rpcproxy", "autodiscover", "ews",
                                           "mapi" };

/* xorshift64* */
static uint64_t rng_state;
static uint64_t rnd(void)
{
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return rng_state * 2685821657736338717ull;
}
static unsigned pick(unsigned n)
{
  return (unsigned)((rnd() >> 32) % n);
}

struct kind {
  const char *method;
  const char *const *paths;     /* casings of the path; chosen at random */
  int ep;                       /* -1: not one of the five */
  int query;                    /* 0 "-", 1 cafe query, 2 mapi, 3 rpc, 4 owa */
  const char *ua;
  unsigned weight;
};

static const char *const p_mrs[] = { "/EWS/mrsproxy.svc", "/ews/mrsproxy.svc",
                                     "/EWS/MRSProxy.svc", NULL };
static const char *const p_rpc[] = { "/rpc/rpcproxy.dll", "/RPC/rpcproxy.dll",
                                     "/rpc/RpcProxy.dll", NULL };
static const char *const p_ad[] = { "/Autodiscover/Autodiscover.xml",
                                    "/autodiscover/autodiscover.xml",
                                    "/AutoDiscover/AutoDiscover.xml", NULL };
static const char *const p_adj[] = { "/autodiscover/autodiscover.json/v1.0/user@contoso.com",
                                     NULL };
static const char *const p_ews[] = { "/EWS/Exchange.asmx", "/ews/exchange.asmx",
                                     "/EWS/exchange.asmx", NULL };
static const char *const p_mapi[] = { "/mapi/emsmdb/", "/mapi/nspi/", "/MAPI/emsmdb/", NULL };
static const char *const p_eas[] = { "/Microsoft-Server-ActiveSync/default.eas", NULL };
static const char *const p_owa[] = { "/owa/", "/owa/service.svc", "/OWA/auth/logon.aspx",
                                     "/owa/ev.owa2", NULL };
static const char *const p_ecp[] = { "/ecp/", "/ecp/DDI/DDIService.svc/GetList", NULL };
static const char *const p_oab[] = { "/OAB/3b3b7d8e-0d7c-4a8a-9f0f-6a5d5b0f4b44/oab.xml",
                                     NULL };
static const char *const p_ps[] = { "/PowerShell", "/powershell", NULL };
static const char *const p_health[] = { "/owa/healthcheck.htm", "/ecp/healthcheck.htm",
                                        "/Microsoft-Server-ActiveSync/healthcheck.htm", NULL };
static const char *const p_root[] = { "/", "/favicon.ico", "/aspnet_client/", NULL };

static const struct kind kinds[] = {
  { "POST", p_mrs, 0, 1, "-", 30 },
  { "RPC_IN_DATA", p_rpc, 1, 3, "MSRPC", 25 },
  { "RPC_OUT_DATA", p_rpc, 1, 3, "MSRPC", 25 },
  { "POST", p_ad, 2, 1, "Microsoft+Office/16.0+(Windows+NT+10.0;+Microsoft+Outlook+16.0.5095;"
    "+Pro)", 60 },
  { "GET", p_adj, 2, 1, "Microsoft+Office/16.0+(Windows+NT+10.0;+Microsoft+Outlook+16.0.5095;"
    "+Pro)", 20 },
  { "POST", p_ews, 3, 1, "ExchangeServicesClient/15.20.4200.000", 120 },
  { "POST", p_mapi, 4, 2, "Microsoft+Office/16.0+(Windows+NT+10.0;+Microsoft+Outlook+16.0.5095;"
    "+Pro)", 250 },
  { "POST", p_eas, -1, 4, "Apple-iPhone13C2/1905.258", 150 },
  { "GET", p_owa, -1, 4, "Mozilla/5.0+(Windows+NT+10.0;+Win64;+x64)+AppleWebKit/537.36+"
    "(KHTML,+like+Gecko)+Chrome/120.0.0.0+Safari/537.36", 120 },
  { "POST", p_ecp, -1, 4, "Mozilla/5.0+(Windows+NT+10.0;+Win64;+x64)", 30 },
  { "GET", p_oab, -1, 1, "Microsoft+BITS/7.8", 20 },
  { "POST", p_ps, -1, 1, "Microsoft+WinRM+Client", 20 },
  { "GET", p_health, -1, 0, "AMProbe/Local/ClientAccess", 80 },
  { "GET", p_root, -1, 0, "Mozilla/5.0+(compatible;+MSIE+9.0)", 50 },
};
#define NKINDS (sizeof kinds / sizeof kinds[0])

struct st {
  int status, sub;
  long long win32;
  unsigned weight;
};
static const struct st statuses[] = {
  { 200, 0, 0, 700 },
  { 401, 1, 2148074254LL, 100 },
  { 401, 2, 5, 70 },
  { 401, 1, 2148074252LL, 20 },
  { 401, 1, 2148074248LL, 8 },
  { 200, 0, 64, 20 },
  { 404, 0, 2, 20 },
  { 500, 0, 0, 10 },
  { 503, 3, 0, 8 },
  { 503, 0, 0, 4 },
  { 403, 4, 5, 5 },
  { 200, 0, 1236, 5 },
};
#define NSTATUS (sizeof statuses / sizeof statuses[0])

#define NCLIENTS 320
struct client {
  char logged[64];              /* as IIS writes it */
  char key[64];                 /* as migcheck reports it (normalized) */
};
static struct client clients[NCLIENTS];

/* --clients N: drawn from N synthetic addresses (0: the fixed set). */
static uint32_t nsynth;
static unsigned ipv6_pct = 30;
static unsigned nusers = 5000;
static int ndays = 1;
#define SYNTH_MAX (1u << 22)
#define SYNTH_HEAVY 64
static uint8_t *seen[NEP];        /* a bit per synthetic client and endpoint */
static uint64_t distinct[NEP];

static uint32_t mix32(uint32_t x)
{
  x ^= x >> 16;
  x *= 0x7feb352dU;
  x ^= x >> 15;
  x *= 0x846ca68bU;
  x ^= x >> 16;
  return x;
}

/* Synthetic client i as IIS logs it (mapped says whether it may be logged
 * IPv4-mapped) and as migcheck reports it: IPv6 with eight non-zero groups
 * (so the logged text is already the canonical one), IPv4 from a
 * permutation of the 24-bit index (distinct for distinct i). */
static void synth_client(uint32_t i, char *logged, size_t n, bool mapped)
{
  uint32_t h = mix32(i * 2654435761u + 17);
  if(h % 100 < ipv6_pct) {
    uint32_t a = mix32(i + 1), b = mix32(i + 0x9e3779b9u);
    snprintf(logged, n, "2a02:%x:%x:%x:%x:%x:%x:%x", 0x1000 | (h >> 20), 0x1000 | (a & 0xfff),
             0x1000 | (a >> 20), 0x1000 | (b & 0xfff), 0x1000 | (b >> 20),
             0x1000 | (i >> 12 & 0xfff), 0x1000 | (i & 0xfff));
    return;
  }
  uint32_t p = (i * 0x9E3779B1u) & 0xffffff;   /* odd multiplier: a bijection mod 2^24 */
  snprintf(logged, n, "%s%u.%u.%u.%u", mapped ? "::ffff:" : "", 100 + (i >> 24),
           p >> 16, p >> 8 & 255, p & 255);
}

static void make_clients(void)
{
  for(int i = 0; i < NCLIENTS; i++) {
    struct client *c = &clients[i];
    if(i < 40)                  /* Exchange Online */
      snprintf(c->logged, sizeof c->logged, "40.92.%d.%d", i / 8, 10 + i);
    else if(i < 200)
      snprintf(c->logged, sizeof c->logged, "10.%d.%d.%d", i % 7, i / 7, 1 + i % 250);
    else if(i < 260)
      snprintf(c->logged, sizeof c->logged, "2a01:111:f400:%x::%x", i - 199, 0x10 + i);
    else if(i < 290)
      snprintf(c->logged, sizeof c->logged, "fe80::%x:%x%%%d", i, 0xa0 + i, 12 + i % 3);
    else                        /* IPv4-mapped: the same clients as 40.92.x */
      snprintf(c->logged, sizeof c->logged, "::ffff:40.92.%d.%d", (i - 290) / 8,
               10 + (i - 290));
    memcpy(c->key, c->logged, sizeof c->key);
    char *pct = strchr(c->key, '%');
    if(pct)
      *pct = '\0';
    if(strncmp(c->key, "::ffff:", 7) == 0)
      memmove(c->key, c->key + 7, strlen(c->key + 7) + 1);
  }
}

/* ---- expected counts ---- */

#define MAXSERVERS 8
struct counts {
  uint64_t requests;
  uint64_t by_server[MAXSERVERS];
  uint64_t by_status[NSTATUS];
  uint64_t by_client[NCLIENTS];
  uint64_t by_hour[31][24];
  long first, last;             /* seconds since the first day, -1 none */
};
static struct counts cnt[NEP];

static const char fields_a[] =
  "date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) "
  "cs(Referer) sc-status sc-substatus sc-win32-status time-taken";
static const char fields_b[] =
  "date time s-computername s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username "
  "cs-host c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status sc-bytes "
  "time-taken";

static void guid(char *out)
{
  static const char hex[] = "0123456789abcdef";
  uint64_t a = rnd(), b = rnd();
  int k = 0;
  for(int i = 0; i < 32; i++) {
    if(i == 8 || i == 12 || i == 16 || i == 20)
      out[k++] = '-';
    uint64_t v = i < 16 ? a >> (i * 4) : b >> ((i - 16) * 4);
    out[k++] = hex[v & 15];
  }
  out[k] = '\0';
}

/* Day d after 2024-03-12 as "2024-MM-DD". */
static void day_name(int d, char *out, size_t n)
{
  int m = 3, dd = 12 + d;
  static const int mdays[] = { 0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
  while(dd > mdays[m]) {
    dd -= mdays[m];
    m++;
  }
  snprintf(out, n, "2024-%02d-%02d", m, dd);
}

static void header(FILE *f, const char *fields, const char *date, long sec)
{
  fprintf(f, "#Software: Microsoft Internet Information Services 10.0\r\n#Version: 1.0\r\n"
          "#Date: %s %02ld:%02ld:%02ld\r\n#Fields: %s\r\n", date, sec / 3600, sec / 60 % 60,
          sec % 60, fields);
}

static int mkdirs(const char *path)
{
  char tmp[4096];
  snprintf(tmp, sizeof tmp, "%s", path);
  for(char *p = tmp + 1; *p; p++) {
    if(*p == '/') {
      *p = '\0';
      if(mkdir(tmp, 0755) && errno != EEXIST)
        return -1;
      *p = '/';
    }
  }
  return mkdir(tmp, 0755) && errno != EEXIST ? -1 : 0;
}

/* Creates dir, opens path in it for writing (with a big buffer), or exits. */
static FILE *open_out(const char *dir, const char *path)
{
  if(mkdirs(dir)) {
    fprintf(stderr, "gen_iislog: cannot create %s: %s\n", dir, strerror(errno));
    exit(1);
  }
  FILE *f = fopen(path, "wb");
  if(!f) {
    fprintf(stderr, "gen_iislog: cannot write %s: %s\n", path, strerror(errno));
    exit(1);
  }
  static char iobuf[1 << 22];     /* one file is open at a time */
  setvbuf(f, iobuf, _IOFBF, sizeof iobuf);
  return f;
}

static void close_out(FILE *f, const char *path)
{
  if(fclose(f)) {
    fprintf(stderr, "gen_iislog: cannot write %s: %s\n", path, strerror(errno));
    exit(1);
  }
}

static uint64_t total_lines, header_lines;

static void gen_server(const char *outdir, int srv, int day, uint64_t bytes)
{
  char dir[4096], path[4200], name[16], date[16];
  snprintf(name, sizeof name, "EX%02d", srv + 1);
  snprintf(dir, sizeof dir, "%s/%s/W3SVC1", outdir, name);
  day_name(day, date, sizeof date);
  snprintf(path, sizeof path, "%s/u_ex%.2s%.2s%.2s.log", dir, date + 2, date + 5, date + 8);
  FILE *f = open_out(dir, path);
  unsigned wsum = 0, ssum = 0;
  for(size_t i = 0; i < NKINDS; i++)
    wsum += kinds[i].weight;
  for(size_t i = 0; i < NSTATUS; i++)
    ssum += statuses[i].weight;
  uint64_t written = 0, n = 0;
  bool layout_b = false;
  long sec = 0;
  header(f, fields_a, date, 0);
  header_lines += 4;
  uint64_t next_header = bytes / 7;
  char line[2048], g1[40], g2[40];
  while(written < bytes) {
    sec = (long)(written * 86400 / bytes);
    if(sec > 86399)
      sec = 86399;
    if(!layout_b && written >= bytes / 2) {
      layout_b = true;        /* the admin added fields; IIS restarted the file's header */
      header(f, fields_b, date, sec);
      header_lines += 4;
    }
    else if(written >= next_header) {
      header(f, layout_b ? fields_b : fields_a, date, sec);   /* an app pool recycle */
      header_lines += 4;
      next_header += bytes / 7;
    }
    unsigned w = pick(wsum);
    size_t k = 0;
    while(w >= kinds[k].weight) {
      w -= kinds[k].weight;
      k++;
    }
    const struct kind *kd = &kinds[k];
    unsigned np = 0;
    while(kd->paths[np])
      np++;
    const char *p = kd->paths[pick(np)];
    unsigned sw = pick(ssum);
    size_t s = 0;
    while(sw >= statuses[s].weight) {
      sw -= statuses[s].weight;
      s++;
    }
    const struct st *stt = &statuses[s];
    unsigned ci = 0;
    uint32_t si = 0;
    char synth[80];
    const char *logged;
    if(nsynth) {
      unsigned r = pick(1000);
      si = r < 200 && nsynth > SYNTH_HEAVY ? pick(SYNTH_HEAVY) : pick(nsynth);
      synth_client(si, synth, sizeof synth, r % 50 == 7);
      logged = synth;
    }
    else {
      ci = pick(NCLIENTS);
      logged = clients[ci].logged;
    }
    char query[256];
    guid(g1);
    switch(kd->query) {
    case 1: snprintf(query, sizeof query, "&CorrelationID=<empty>;&cafeReqId=%s;", g1); break;
    case 2:
      guid(g2);
      snprintf(query, sizeof query, "MailboxId=%s@contoso.com&CorrelationID=<empty>;"
               "&ClientId=XJ5LQ0KZ2E6WQ&cafeReqId=%s;", g2, g1);
      break;
    case 3:
      guid(g2);
      snprintf(query, sizeof query, "%s@contoso.com:6001&CorrelationID=<empty>;"
               "&cafeReqId=%s;", g2, g1);
      break;
    case 4: snprintf(query, sizeof query, "&ClientId=%.8s&cafeReqId=%s;", g1 + 24, g1); break;
    default: snprintf(query, sizeof query, "-"); break;
    }
    char user[64];
    if(stt->status == 401 && (stt->sub == 2 || stt->win32 == 2148074254LL))
      snprintf(user, sizeof user, "-");
    else
      snprintf(user, sizeof user, "CONTOSO\\user%u", pick(nusers));
    unsigned taken = 1 + pick(900);
    int len;
    if(!layout_b)
      len = snprintf(line, sizeof line, "%s %02ld:%02ld:%02ld 10.0.0.%d %s %s %s 443 %s "
                     "%s %s - %d %d %lld %u\r\n", date, sec / 3600, sec / 60 % 60, sec % 60,
                     10 + srv, kd->method, p, query, user, logged, kd->ua, stt->status,
                     stt->sub, stt->win32, taken);
    else
      len = snprintf(line, sizeof line, "%s %02ld:%02ld:%02ld %s 10.0.0.%d %s %s %s 443 %s "
                     "mail.contoso.com %s %s - %d %d %lld %u %u\r\n", date, sec / 3600,
                     sec / 60 % 60, sec % 60, name, 10 + srv, kd->method, p, query, user, logged,
                     kd->ua, stt->status, stt->sub, stt->win32, 200 + pick(90000), taken);
    fwrite(line, 1, (size_t)len, f);
    written += (uint64_t)len;
    n++;
    if(kd->ep >= 0) {
      struct counts *c = &cnt[kd->ep];
      c->requests++;
      c->by_server[srv]++;
      c->by_status[s]++;
      if(!nsynth)
        c->by_client[ci]++;
      else if(!(seen[kd->ep][si >> 3] & (1u << (si & 7)))) {
        seen[kd->ep][si >> 3] |= (uint8_t)(1u << (si & 7));
        distinct[kd->ep]++;
      }
      c->by_hour[day][sec / 3600]++;
      long at = day * 86400L + sec;
      if(c->first < 0 || at < c->first)
        c->first = at;
      if(at > c->last)
        c->last = at;
    }
  }
  total_lines += n;
  close_out(f, path);
}

/* ---- --kind httperr | httpproxy ---- */

static int kind;                  /* 0 IIS, 1 HTTPERR, 2 HttpProxy */
static const char *const kind_names[] = { "iis", "httperr", "httpproxy" };
static uint64_t other_lines, other_endpoint_lines;

static const char hp_fields[] =
  "DateTime,RequestId,MajorVersion,MinorVersion,BuildVersion,RevisionVersion,ClientRequestId,"
  "Protocol,UrlHost,UrlStem,ProtocolAction,AuthenticationType,IsAuthenticated,"
  "AuthenticatedUser,Organization,AnchorMailbox,UserAgent,ClientIpAddress,ServerHostName,"
  "HttpStatus,BackEndStatus,ErrorCode,Method,ProxyAction,TargetServer,TargetServerVersion,"
  "RoutingType,RoutingHint,BackEndCookie,ServerLocatorHost,ServerLocatorLatency,RequestBytes,"
  "ResponseBytes,TargetOutstandingRequests,AuthModulePerfContext,HttpPipelineLatency,"
  "CalculateTargetBackEndLatency,GlsLatencyBreakup,TotalGlsLatency,"
  "AccountForestLatencyBreakup,TotalAccountForestLatency,ResourceForestLatencyBreakup,"
  "TotalResourceForestLatency,ADLatency,SharedCacheLatencyBreakup,TotalSharedCacheLatency,"
  "ActivityContextLifeTime,ModuleToHandlerSwitchingLatency,ClientReqStreamLatency,"
  "BackendReqInitLatency,BackendReqStreamLatency,BackendProcessingLatency,"
  "BackendRespInitLatency,BackendRespStreamLatency,ClientRespStreamLatency,"
  "KerberosAuthHeaderLatency,HandlerCompletionLatency,RequestHandlerLatency,"
  "HandlerToModuleSwitchingLatency,ProxyTime,CoreLatency,RoutingLatency,HttpProxyOverhead,"
  "TotalRequestTime,RouteRefresherLatency,UrlQuery,BackEndGenericInfo,GenericInfo,"
  "GenericErrors,EdgeTraceId,DatabaseGuid,UserADObjectGuid,PartitionEndpointLookupLatency,"
  "RoutingStatus";

/* A client address for one line (the --clients set, else the fixed one). */
static const char *other_client(char *buf, size_t n)
{
  if(!nsynth)
    return clients[pick(NCLIENTS)].logged;
  unsigned r = pick(1000);
  uint32_t si = r < 200 && nsynth > SYNTH_HEAVY ? pick(SYNTH_HEAVY) : pick(nsynth);
  synth_client(si, buf, n, false);
  return buf;
}

/* HTTPERR (the HTTP.sys error log: every line an error, half of them on
 * the endpoints) or HttpProxy (one CSV line per proxied request, mostly
 * EWS, MAPI and Autodiscover, a few failing to reach the back end). */
static void gen_other(const char *outdir, int srv, int day, uint64_t bytes)
{
  char dir[4096], path[4200], name[16], date[16];
  snprintf(name, sizeof name, "EX%02d", srv + 1);
  day_name(day, date, sizeof date);
  if(kind == 1)
    snprintf(dir, sizeof dir, "%s/%s/HTTPERR", outdir, name);
  else
    snprintf(dir, sizeof dir, "%s/%s/Logging/HttpProxy/Ews", outdir, name);
  if(kind == 1)
    snprintf(path, sizeof path, "%s/httperr%d.log", dir, day + 1);
  else
    snprintf(path, sizeof path, "%s/HttpProxy_%.4s%.2s%.2s00-1.LOG", dir, date, date + 5,
             date + 8);
  FILE *f = open_out(dir, path);
  static const char *const uris[] = {
    "/EWS/mrsproxy.svc", "/EWS/Exchange.asmx", "/mapi/emsmdb/?MailboxId=x@contoso.com",
    "/Autodiscover/Autodiscover.xml", "/rpc/rpcproxy.dll?ex01.contoso.local:6001",
    "/owa/", "/Microsoft-Server-ActiveSync/default.eas", "/ecp/", "/", "-" };
  static const char *const reasons[] = {
    "Timer_ConnectionIdle", "Timer_ConnectionIdle", "Timer_ConnectionIdle", "Connection_Dropped",
    "Connection_Abandoned_By_ReqQueue", "Timer_EntityBody", "BadRequest", "QueueFull",
    "Client_Reset", "Timer_MinBytesPerSecond" };
  static const char *const hp_stems[] = {
    "/EWS/Exchange.asmx", "/mapi/emsmdb/", "/mapi/nspi/", "/Autodiscover/Autodiscover.xml",
    "/EWS/mrsproxy.svc", "/owa/service.svc", "/Microsoft-Server-ActiveSync/default.eas" };
  uint64_t written = 0, n = 0;
  int len;
  char line[4096], cbuf[80], g1[40], g2[40];
  if(kind == 1)
    len = snprintf(line, sizeof line, "#Software: Microsoft HTTP API 2.0\r\n#Version: 1.0\r\n"
                   "#Date: %s 00:00:00\r\n#Fields: date time c-ip c-port s-ip s-port "
                   "cs-version cs-method cs-uri sc-status s-siteid s-reason s-queuename\r\n",
                   date);
  else
    len = snprintf(line, sizeof line, "#Software: Microsoft Exchange Server\r\n"
                   "#Version: 15.02.1544.004\r\n#Log-type: HttpProxy Logs\r\n"
                   "#Date: %sT00:00:00.000Z\r\n#Fields: %s\r\n", date, hp_fields);
  fwrite(line, 1, (size_t)len, f);
  written += (uint64_t)len;
  other_lines += kind == 1 ? 4 : 5;
  while(written < bytes) {
    long sec = (long)(written * 86400 / bytes);
    if(sec > 86399)
      sec = 86399;
    const char *client = other_client(cbuf, sizeof cbuf);
    if(kind == 1) {
      unsigned u = pick(10), r = pick(10);
      bool idle = r < 3;
      len = snprintf(line, sizeof line, "%s %02ld:%02ld:%02ld %s %u 10.0.0.%d 443 %s %s %s %s 1 "
                     "%s %s\r\n", date, sec / 3600, sec / 60 % 60, sec % 60, client,
                     1024 + pick(60000), 10 + srv, uris[u][0] == '-' ? "-" : "HTTP/1.1",
                     uris[u][0] == '-' ? "-" : (u == 4 ? "RPC_IN_DATA" : "POST"), uris[u],
                     idle ? "-" : (r == 7 ? "503" : "400"), reasons[r],
                     idle ? "-" : "MSExchangeServicesAppPool");
      other_endpoint_lines += u < 5;
    }
    else {
      unsigned u = pick(7), r = pick(100);
      int http = r < 2 ? 503 : r < 3 ? 500 : r < 8 ? 401 : 200;
      guid(g1);
      guid(g2);
      char user[40] = "";
      if(http != 401)
        snprintf(user, sizeof user, "CONTOSO\\user%u", pick(nusers));
      len = snprintf(line, sizeof line,
        "%sT%02ld:%02ld:%02ld.%03uZ,%s,15,2,1544,4,,%s,mail.contoso.com,%s,,Negotiate,%s,"
        "%s,,,Microsoft+Office/16.0,%s,%s,%d,%d,%s,POST,Proxy,EX%02u.contoso.local,"
        "Version 15.2 (Build 1544.4),DatabaseGuid,DatabaseGuid-%s,,EX%02u.contoso.local,0,"
        "%u,%u,1,,0,0,,0,,0,,0,%u,,0,%u,0,0,0,0,%u,0,0,0,0,0,%u,0,%u,0,%u,%u,0,0,,"
        "RoutingHint=%s;,,%s,,%s,%s,0,\r\n",
        date, sec / 3600, sec / 60 % 60, sec % 60, pick(1000), g1,
        u < 3 ? "Ews" : u < 4 ? "Autodiscover" : "Mapi", hp_stems[u],
        http == 401 ? "False" : "True", user,
        client, name, http, http == 503 ? 0 : http,
        http == 503 ? "BEServerException" : "", 1 + pick(4), g2, 1 + pick(4),
        pick(4000), pick(90000), pick(30), pick(900), pick(900), pick(50), pick(20),
        pick(900), pick(900), g1,
        http >= 500 ? "WebExceptionStatus=ConnectFailure;WebException=System.Net.WebException:"
                      "+Unable+to+connect+to+the+remote+server" : "",
        g2, "ActivityID=0");
      other_endpoint_lines += u < 5;
    }
    fwrite(line, 1, (size_t)len, f);
    written += (uint64_t)len;
    n++;
  }
  other_lines += n;
  close_out(f, path);
}

static void write_expected_other(const char *outdir)
{
  char path[4200];
  snprintf(path, sizeof path, "%s/expected.json", outdir);
  FILE *f = fopen(path, "w");
  if(!f) {
    fprintf(stderr, "gen_iislog: cannot write %s\n", path);
    exit(1);
  }
  fprintf(f, "{\"kind\": \"%s\", \"lines\": %" PRIu64 ", \"endpoint_lines\": %" PRIu64
          ", \"causes\": [\"%s\"]}\n", kind_names[kind], other_lines, other_endpoint_lines,
          kind == 1 ? "HTTPERR_CONNECTION_DROPPED\", \"HTTPERR_QUEUE_FULL" : "PROXY_BACKEND_ERRORS");
  fclose(f);
}

static void write_expected(const char *outdir, int servers)
{
  char path[4200];
  snprintf(path, sizeof path, "%s/expected.json", outdir);
  FILE *f = fopen(path, "w");
  if(!f) {
    fprintf(stderr, "gen_iislog: cannot write %s\n", path);
    exit(1);
  }
  fprintf(f, "{\"lines\": %" PRIu64 ", \"traffic\": {", total_lines + header_lines);
  for(int e = 0; e < NEP; e++) {
    struct counts *c = &cnt[e];
    fprintf(f, "%s\n \"%s\": {\"requests\": %" PRIu64 ", \"by_server\": {", e ? "," : "",
            ep_names[e], c->requests);
    int first = 1;
    for(int s = 0; s < servers; s++) {
      if(c->by_server[s])
        fprintf(f, "%s\"EX%02d\": %" PRIu64, first ? "" : ", ", s + 1, c->by_server[s]);
      first = first && !c->by_server[s];
    }
    fprintf(f, "}, \"by_status\": {");
    first = 1;
    for(size_t s = 0; s < NSTATUS; s++) {
      if(!c->by_status[s])
        continue;
      /* 200.0.0 from two rows would collide; the table has each triple once. */
      fprintf(f, "%s\"%d.%d.%lld\": %" PRIu64, first ? "" : ", ", statuses[s].status,
              statuses[s].sub, statuses[s].win32, c->by_status[s]);
      first = 0;
    }
    fprintf(f, "}");
    if(!nsynth)
      fprintf(f, ", \"by_client\": {");
    /* Normalized keys may repeat (mapped IPv4): sum them. */
    first = 1;
    for(int i = 0; i < NCLIENTS && !nsynth; i++) {
      uint64_t sum = 0;
      int dup = 0;
      for(int k = 0; k < i; k++)
        dup = dup || strcmp(clients[k].key, clients[i].key) == 0;
      if(dup)
        continue;
      for(int k = i; k < NCLIENTS; k++)
        if(strcmp(clients[k].key, clients[i].key) == 0)
          sum += c->by_client[k];
      if(!sum)
        continue;
      fprintf(f, "%s\"%s\": %" PRIu64, first ? "" : ", ", clients[i].key, sum);
      first = 0;
    }
    fprintf(f, "%s, \"by_hour\": {", nsynth ? "" : "}");
    first = 1;
    for(int d = 0; d < ndays; d++) {
      char date[16];
      day_name(d, date, sizeof date);
      for(int h = 0; h < 24; h++) {
        if(!c->by_hour[d][h])
          continue;
        fprintf(f, "%s\"%sT%02d\": %" PRIu64, first ? "" : ", ", date, h, c->by_hour[d][h]);
        first = 0;
      }
    }
    if(c->requests) {
      char d1[16], d2[16];
      day_name((int)(c->first / 86400), d1, sizeof d1);
      day_name((int)(c->last / 86400), d2, sizeof d2);
      long a = c->first % 86400, b = c->last % 86400;
      fprintf(f, "}, \"first\": \"%sT%02ld:%02ld:%02ldZ\", \"last\": "
              "\"%sT%02ld:%02ld:%02ldZ\"}", d1, a / 3600, a / 60 % 60, a % 60, d2, b / 3600,
              b / 60 % 60, b % 60);
    }
    else
      fprintf(f, "}, \"first\": null, \"last\": null}");
  }
  fprintf(f, "\n}");
  if(nsynth) {
    fprintf(f, ", \"clients\": {");
    for(int e = 0; e < NEP; e++)
      fprintf(f, "%s\"%s\": %" PRIu64, e ? ", " : "", ep_names[e], distinct[e]);
    fprintf(f, "}");
  }
  fprintf(f, "}\n");
  fclose(f);
}

static void usage(void)
{
  fprintf(stderr, "usage: gen_iislog OUTDIR MEGABYTES [SEED] [SERVERS] [--clients N] "
          "[--users N] [--ipv6 PERCENT] [--days N] [--kind iis|httperr|httpproxy]\n");
  exit(2);
}

int main(int argc, char **argv)
{
  const char *pos[4] = { NULL, NULL, NULL, NULL };
  int npos = 0;
  for(int i = 1; i < argc; i++) {
    if(strncmp(argv[i], "--", 2) == 0) {
      if(i + 1 >= argc)
        usage();
      unsigned long v = strtoul(argv[i + 1], NULL, 10);
      if(strcmp(argv[i], "--clients") == 0 && v >= 1 && v <= SYNTH_MAX)
        nsynth = (uint32_t)v;
      else if(strcmp(argv[i], "--users") == 0 && v >= 1)
        nusers = (unsigned)v;
      else if(strcmp(argv[i], "--ipv6") == 0 && v <= 100)
        ipv6_pct = (unsigned)v;
      else if(strcmp(argv[i], "--days") == 0 && v >= 1 && v <= 31)
        ndays = (int)v;
      else if(strcmp(argv[i], "--kind") == 0 && strcmp(argv[i + 1], "iis") == 0)
        kind = 0;
      else if(strcmp(argv[i], "--kind") == 0 && strcmp(argv[i + 1], "httperr") == 0)
        kind = 1;
      else if(strcmp(argv[i], "--kind") == 0 && strcmp(argv[i + 1], "httpproxy") == 0)
        kind = 2;
      else
        usage();
      i++;
    }
    else if(npos < 4)
      pos[npos++] = argv[i];
    else
      usage();
  }
  if(npos < 2)
    usage();
  double mb = strtod(pos[1], NULL);
  unsigned long long seed = pos[2] ? strtoull(pos[2], NULL, 10) : 1;
  int servers = pos[3] ? atoi(pos[3]) : 1;
  if(mb <= 0 || servers < 1 || servers > MAXSERVERS) {
    fprintf(stderr, "gen_iislog: MEGABYTES > 0 and 1 <= SERVERS <= %d\n", MAXSERVERS);
    return 2;
  }
  rng_state = seed * 0x9E3779B97F4A7C15ull + 1;
  for(int e = 0; e < NEP; e++) {
    cnt[e].first = -1;
    cnt[e].last = -1;
    if(nsynth)
      seen[e] = calloc(nsynth / 8 + 1, 1);
  }
  make_clients();
  if(mkdirs(pos[0])) {
    fprintf(stderr, "gen_iislog: cannot create %s: %s\n", pos[0], strerror(errno));
    return 1;
  }
  uint64_t bytes = (uint64_t)(mb * 1e6);
  for(int s = 0; s < servers; s++) {
    for(int d = 0; d < ndays; d++) {
      if(kind)
        gen_other(pos[0], s, d, bytes / (uint64_t)servers / (uint64_t)ndays);
      else
        gen_server(pos[0], s, d, bytes / (uint64_t)servers / (uint64_t)ndays);
    }
  }
  if(kind)
    write_expected_other(pos[0]);
  else
    write_expected(pos[0], servers);
  return 0;
}
