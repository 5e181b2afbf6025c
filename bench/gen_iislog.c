/*
 * gen_iislog.c - writes realistic Exchange IIS W3C logs and the exact counts
 * `migcheck logs --json` must find in them (its "traffic" object).
 *
 *   gen_iislog OUTDIR MEGABYTES [SEED] [SERVERS]
 *
 * Writes OUTDIR/EX0n/W3SVC1/u_ex240312.log (one per server, MEGABYTES in
 * all) and OUTDIR/expected.json. The logs look like a busy Exchange 2016/2019
 * front end: CRLF lines, a header block at the top and again at every
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
  uint64_t by_hour[24];
  long first, last;             /* seconds of the day, -1 none */
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

static void header(FILE *f, const char *fields, long sec)
{
  fprintf(f, "#Software: Microsoft Internet Information Services 10.0\r\n#Version: 1.0\r\n"
          "#Date: 2024-03-12 %02ld:%02ld:%02ld\r\n#Fields: %s\r\n", sec / 3600, sec / 60 % 60,
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

static uint64_t total_lines, header_lines;

static void gen_server(const char *outdir, int srv, uint64_t bytes)
{
  char dir[4096], path[4200], name[16];
  snprintf(name, sizeof name, "EX%02d", srv + 1);
  snprintf(dir, sizeof dir, "%s/%s/W3SVC1", outdir, name);
  if(mkdirs(dir)) {
    fprintf(stderr, "gen_iislog: cannot create %s: %s\n", dir, strerror(errno));
    exit(1);
  }
  snprintf(path, sizeof path, "%s/u_ex240312.log", dir);
  FILE *f = fopen(path, "wb");
  if(!f) {
    fprintf(stderr, "gen_iislog: cannot write %s: %s\n", path, strerror(errno));
    exit(1);
  }
  static char iobuf[1 << 22];
  setvbuf(f, iobuf, _IOFBF, sizeof iobuf);
  unsigned wsum = 0, ssum = 0;
  for(size_t i = 0; i < NKINDS; i++)
    wsum += kinds[i].weight;
  for(size_t i = 0; i < NSTATUS; i++)
    ssum += statuses[i].weight;
  uint64_t written = 0, n = 0;
  bool layout_b = false;
  long sec = 0;
  header(f, fields_a, 0);
  header_lines += 4;
  uint64_t next_header = bytes / 7;
  char line[2048], g1[40], g2[40];
  while(written < bytes) {
    sec = (long)(written * 86400 / bytes);
    if(sec > 86399)
      sec = 86399;
    if(!layout_b && written >= bytes / 2) {
      layout_b = true;        /* the admin added fields; IIS restarted the file's header */
      header(f, fields_b, sec);
      header_lines += 4;
    }
    else if(written >= next_header) {
      header(f, layout_b ? fields_b : fields_a, sec);   /* an app pool recycle */
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
    unsigned ci = pick(NCLIENTS);
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
      snprintf(user, sizeof user, "CONTOSO\\user%u", pick(5000));
    unsigned taken = 1 + pick(900);
    int len;
    if(!layout_b)
      len = snprintf(line, sizeof line, "2024-03-12 %02ld:%02ld:%02ld 10.0.0.%d %s %s %s 443 %s "
                     "%s %s - %d %d %lld %u\r\n", sec / 3600, sec / 60 % 60, sec % 60, 10 + srv,
                     kd->method, p, query, user, clients[ci].logged, kd->ua, stt->status,
                     stt->sub, stt->win32, taken);
    else
      len = snprintf(line, sizeof line, "2024-03-12 %02ld:%02ld:%02ld %s 10.0.0.%d %s %s %s 443 %s "
                     "mail.contoso.com %s %s - %d %d %lld %u %u\r\n", sec / 3600, sec / 60 % 60,
                     sec % 60, name, 10 + srv, kd->method, p, query, user, clients[ci].logged,
                     kd->ua, stt->status, stt->sub, stt->win32, 200 + pick(90000), taken);
    fwrite(line, 1, (size_t)len, f);
    written += (uint64_t)len;
    n++;
    if(kd->ep >= 0) {
      struct counts *c = &cnt[kd->ep];
      c->requests++;
      c->by_server[srv]++;
      c->by_status[s]++;
      c->by_client[ci]++;
      c->by_hour[sec / 3600]++;
      if(c->first < 0 || sec < c->first)
        c->first = sec;
      if(sec > c->last)
        c->last = sec;
    }
  }
  total_lines += n;
  if(fclose(f)) {
    fprintf(stderr, "gen_iislog: cannot write %s: %s\n", path, strerror(errno));
    exit(1);
  }
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
    fprintf(f, "}, \"by_client\": {");
    /* Normalized keys may repeat (mapped IPv4): sum them. */
    first = 1;
    for(int i = 0; i < NCLIENTS; i++) {
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
    fprintf(f, "}, \"by_hour\": {");
    first = 1;
    for(int h = 0; h < 24; h++) {
      if(!c->by_hour[h])
        continue;
      fprintf(f, "%s\"2024-03-12T%02d\": %" PRIu64, first ? "" : ", ", h, c->by_hour[h]);
      first = 0;
    }
    if(c->requests)
      fprintf(f, "}, \"first\": \"2024-03-12T%02ld:%02ld:%02ldZ\", \"last\": "
              "\"2024-03-12T%02ld:%02ld:%02ldZ\"}", c->first / 3600, c->first / 60 % 60,
              c->first % 60, c->last / 3600, c->last / 60 % 60, c->last % 60);
    else
      fprintf(f, "}, \"first\": null, \"last\": null}");
  }
  fprintf(f, "\n}}\n");
  fclose(f);
}

int main(int argc, char **argv)
{
  if(argc < 3) {
    fprintf(stderr, "usage: gen_iislog OUTDIR MEGABYTES [SEED] [SERVERS]\n");
    return 2;
  }
  double mb = strtod(argv[2], NULL);
  unsigned long long seed = argc > 3 ? strtoull(argv[3], NULL, 10) : 1;
  int servers = argc > 4 ? atoi(argv[4]) : 1;
  if(mb <= 0 || servers < 1 || servers > MAXSERVERS) {
    fprintf(stderr, "gen_iislog: MEGABYTES > 0 and 1 <= SERVERS <= %d\n", MAXSERVERS);
    return 2;
  }
  rng_state = seed * 0x9E3779B97F4A7C15ull + 1;
  for(int e = 0; e < NEP; e++) {
    cnt[e].first = -1;
    cnt[e].last = -1;
  }
  make_clients();
  if(mkdirs(argv[1])) {
    fprintf(stderr, "gen_iislog: cannot create %s: %s\n", argv[1], strerror(errno));
    return 1;
  }
  uint64_t bytes = (uint64_t)(mb * 1e6);
  for(int s = 0; s < servers; s++)
    gen_server(argv[1], s, bytes / (uint64_t)servers);
  write_expected(argv[1], servers);
  return 0;
}
