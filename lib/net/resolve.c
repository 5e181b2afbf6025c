/*
 * resolve.c - names to addresses, with a deadline, through c-ares.
 *
 * Order: a --resolve override for (host, port) or (host, *); a literal
 * address; then c-ares' getaddrinfo (hosts file, then DNS, or only the
 * server given with --dns-server). The result says where addresses came
 * from so the report can tell an override from what the world sees.
 * SRV records (mc_resolve_srv) go to the same servers with the same
 * deadline; --resolve has no say over them.
 */
#include "net/net.h"

#include <arpa/inet.h>
#include <ares.h>
#include <arpa/nameser.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *mc_dns_outcome_name(enum mc_dns_outcome d)
{
  switch(d) {
  case MC_DNS_OK: return "resolved";
  case MC_DNS_LITERAL: return "literal address";
  case MC_DNS_OVERRIDE: return "from --resolve";
  case MC_DNS_NXDOMAIN: return "no such name";
  case MC_DNS_NODATA: return "no address records";
  case MC_DNS_TIMEOUT: return "no answer";
  case MC_DNS_SERVFAIL: return "server failure";
  case MC_DNS_ERROR: return "error";
  }
  return "error";
}

void mc_addr_set_port(struct mc_addr *a, int port)
{
  if(a->family == AF_INET)
    ((struct sockaddr_in *)&a->ss)->sin_port = htons((uint16_t)port);
  else
    ((struct sockaddr_in6 *)&a->ss)->sin6_port = htons((uint16_t)port);
}

bool mc_addr_parse(const char *s, int port, struct mc_addr *a)
{
  char tmp[64];
  size_t n = strlen(s);
  if(n >= sizeof tmp)
    return false;
  if(n > 2 && s[0] == '[' && s[n - 1] == ']') {
    memcpy(tmp, s + 1, n - 2);
    tmp[n - 2] = '\0';
  }
  else
    memcpy(tmp, s, n + 1);
  memset(a, 0, sizeof *a);
  struct sockaddr_in *v4 = (struct sockaddr_in *)&a->ss;
  struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&a->ss;
  if(inet_pton(AF_INET, tmp, &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    a->family = AF_INET;
    a->len = sizeof *v4;
  }
  else if(inet_pton(AF_INET6, tmp, &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    a->family = AF_INET6;
    a->len = sizeof *v6;
  }
  else
    return false;
  mc_addr_set_port(a, port);
  mc_strlcpy(a->text, tmp, sizeof a->text);
  return true;
}

bool mc_is_ip_literal(const char *s)
{
  struct mc_addr a;
  return mc_addr_parse(s, 0, &a);
}

const char *mc_addr_private_kind(const struct mc_addr *a)
{
  if(a->family == AF_INET) {
    const unsigned char *b =
      (const unsigned char *)&((const struct sockaddr_in *)&a->ss)->sin_addr;
    if(b[0] == 127) return "loopback";
    if(b[0] == 10) return "private (RFC 1918)";
    if(b[0] == 172 && (b[1] & 0xF0) == 16) return "private (RFC 1918)";
    if(b[0] == 192 && b[1] == 168) return "private (RFC 1918)";
    if(b[0] == 169 && b[1] == 254) return "link-local";
    if(b[0] == 100 && (b[1] & 0xC0) == 64) return "carrier-grade NAT (RFC 6598)";
    if(b[0] == 0) return "unspecified";
    return NULL;
  }
  const unsigned char *b =
    (const unsigned char *)&((const struct sockaddr_in6 *)&a->ss)->sin6_addr;
  static const unsigned char loop[16] = { [15] = 1 };
  static const unsigned char zero[16] = { 0 };
  if(!memcmp(b, loop, 16)) return "loopback";
  if(!memcmp(b, zero, 16)) return "unspecified";
  if((b[0] & 0xFE) == 0xFC) return "unique local (fc00::/7)";
  if(b[0] == 0xFE && (b[1] & 0xC0) == 0x80) return "link-local";
  /* ::ffff:a.b.c.d: judge the embedded IPv4 address. */
  static const unsigned char mapped[12] = { [10] = 0xFF, [11] = 0xFF };
  if(!memcmp(b, mapped, 12)) {
    struct mc_addr v4 = { .family = AF_INET };
    memcpy(&((struct sockaddr_in *)&v4.ss)->sin_addr, b + 12, 4);
    return mc_addr_private_kind(&v4);
  }
  return NULL;
}

bool mc_name_is_internal(const char *host)
{
  static const char *const suffixes[] = {
    ".local", ".lan", ".corp", ".internal", ".intranet", ".localdomain",
    ".home", ".private", ".localhost", NULL
  };
  if(mc_is_ip_literal(host))
    return false;
  if(strcasecmp(host, "localhost") == 0 || !strchr(host, '.'))
    return true;
  size_t n = strlen(host);
  if(n && host[n - 1] == '.')
    n--;
  for(int i = 0; suffixes[i]; i++) {
    size_t m = strlen(suffixes[i]);
    if(n >= m && strncasecmp(host + n - m, suffixes[i], m) == 0)
      return true;
  }
  return false;
}

bool mc_net_valid_dns_server(const char *spec)
{
  struct mc_addr a;
  if(mc_addr_parse(spec, 53, &a))
    return true;
  const char *colon = strrchr(spec, ':');
  if(!colon || colon == spec)
    return false;
  char host[64];
  size_t hn = (size_t)(colon - spec);
  if(hn >= sizeof host)
    return false;
  memcpy(host, spec, hn);
  host[hn] = '\0';
  long port;
  if(!mc_parse_long(colon + 1, 1, 65535, &port))
    return false;
  /* A bare IPv6 address with a port must be bracketed. */
  if(strchr(host, ':') && host[0] != '[')
    return false;
  return mc_addr_parse(host, (int)port, &a);
}

mc_code mc_net_add_override(struct mc_net_opts *o, const char *spec,
                            char *err, size_t errlen)
{
  /* HOST:PORT:ADDR[,ADDR]; ADDR may be [v6]. */
  const char *c1 = strchr(spec, ':');
  const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
  if(!c1 || !c2 || c1 == spec) {
    snprintf(err, errlen, "invalid --resolve '%s': expected HOST:PORT:ADDRESS", spec);
    return MC_ERR_USAGE;
  }
  struct mc_override ov = { 0 };
  char port[8];
  size_t pn = (size_t)(c2 - c1 - 1);
  long p = 0;
  if(pn == 1 && c1[1] == '*')
    p = 0;
  else if(pn == 0 || pn >= sizeof port ||
          (memcpy(port, c1 + 1, pn), port[pn] = '\0', !mc_parse_long(port, 1, 65535, &p))) {
    snprintf(err, errlen, "invalid --resolve '%s': port must be 1-65535 or *", spec);
    return MC_ERR_USAGE;
  }
  ov.port = (int)p;
  char *addrs = mc_xstrdup(c2 + 1);
  char *save = NULL;
  for(char *tok = strtok_r(addrs, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
    if(ov.naddrs == MC_MAX_ADDRS || !mc_addr_parse(tok, ov.port, &ov.addrs[ov.naddrs])) {
      snprintf(err, errlen, "invalid --resolve '%s': '%s' is not an IP address", spec, tok);
      free(addrs);
      return MC_ERR_USAGE;
    }
    ov.naddrs++;
  }
  free(addrs);
  if(!ov.naddrs) {
    snprintf(err, errlen, "invalid --resolve '%s': no address given", spec);
    return MC_ERR_USAGE;
  }
  ov.host = mc_xstrndup(spec, (size_t)(c1 - spec));
  o->overrides = mc_xrealloc(o->overrides, (o->noverrides + 1) * sizeof *o->overrides);
  o->overrides[o->noverrides++] = ov;
  return MC_OK;
}

void mc_net_opts_release(struct mc_net_opts *o)
{
  for(size_t i = 0; i < o->noverrides; i++)
    free(o->overrides[i].host);
  free(o->overrides);
  free(o->dns_server);
  o->overrides = NULL;
  o->noverrides = 0;
  o->dns_server = NULL;
}

struct gai_state {
  bool done;
  int status;
  struct mc_dns_result *out;
};

static void gai_cb(void *arg, int status, int timeouts, struct ares_addrinfo *res)
{
  (void)timeouts;
  struct gai_state *st = arg;
  st->done = true;
  st->status = status;
  if(status == ARES_SUCCESS && res) {
    for(struct ares_addrinfo_node *n = res->nodes; n; n = n->ai_next) {
      if(st->out->naddrs == MC_MAX_ADDRS)
        break;
      if(n->ai_family != AF_INET && n->ai_family != AF_INET6)
        continue;
      struct mc_addr *a = &st->out->addrs[st->out->naddrs];
      memset(a, 0, sizeof *a);
      memcpy(&a->ss, n->ai_addr, (size_t)n->ai_addrlen);
      a->len = (socklen_t)n->ai_addrlen;
      a->family = n->ai_family;
      const void *src = a->family == AF_INET ?
        (const void *)&((struct sockaddr_in *)&a->ss)->sin_addr :
        (const void *)&((struct sockaddr_in6 *)&a->ss)->sin6_addr;
      inet_ntop(a->family, src, a->text, sizeof a->text);
      /* Skip duplicates (c-ares can return the same address per socktype). */
      bool dup = false;
      for(size_t i = 0; i < st->out->naddrs; i++)
        dup = dup || strcmp(st->out->addrs[i].text, a->text) == 0;
      if(!dup)
        st->out->naddrs++;
    }
  }
  if(res)
    ares_freeaddrinfo(res);
}

/* c-ares' ARES_GETSOCK_WRITABLE shifts a signed 1 into the sign bit for
 * the last socket; test the bits unsigned instead. */
static bool sock_readable(int bits, int i)
{
  return ((unsigned)bits >> i) & 1u;
}

static bool sock_writable(int bits, int i)
{
  return ((unsigned)bits >> (i + ARES_GETSOCK_MAXNUM)) & 1u;
}

static void ares_once(void)
{
  static bool inited;
  if(!inited) {
    ares_library_init(ARES_LIB_INIT_ALL);
    inited = true;
  }
}

/* A c-ares channel set up for o: its timeout, and only --dns-server when
 * given. Returns false with the reason in detail. */
static bool channel_new(const struct mc_net_opts *o, ares_channel *ch, char *detail,
                        size_t detaillen)
{
  ares_once();
  int timeout = o->timeout_ms > 0 ? o->timeout_ms : 10000;
  struct ares_options opts = { 0 };
  int mask = ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES;
  opts.timeout = timeout / 3 > 500 ? timeout / 3 : timeout;
  opts.tries = 3;
  if(o->dns_server) {
    /* Only the given server: no hosts file, no search domains. */
    mask |= ARES_OPT_LOOKUPS | ARES_OPT_FLAGS;
    opts.lookups = (char *)"b";
    opts.flags = ARES_FLAG_NOSEARCH;
  }
  int rc = ares_init_options(ch, &opts, mask);
  if(rc != ARES_SUCCESS) {
    snprintf(detail, detaillen, "resolver setup failed: %s", ares_strerror(rc));
    return false;
  }
  if(o->dns_server) {
    rc = ares_set_servers_ports_csv(*ch, o->dns_server);
    if(rc != ARES_SUCCESS) {
      snprintf(detail, detaillen, "bad DNS server '%s': %s", o->dns_server,
               ares_strerror(rc));
      ares_destroy(*ch);
      return false;
    }
  }
  return true;
}

/* Drives ch until *done or timeout_ms passed (then cancels). */
static void channel_run(ares_channel ch, const bool *done, int timeout_ms)
{
  int64_t deadline = mc_now_ms() + timeout_ms;
  while(!*done) {
    int64_t left = deadline - mc_now_ms();
    if(left <= 0) {
      ares_cancel(ch);
      break;
    }
    ares_socket_t socks[ARES_GETSOCK_MAXNUM];
    int bits = ares_getsock(ch, socks, ARES_GETSOCK_MAXNUM);
    struct pollfd pf[ARES_GETSOCK_MAXNUM];
    nfds_t np = 0;
    for(int i = 0; i < ARES_GETSOCK_MAXNUM; i++) {
      if(!sock_readable(bits, i) && !sock_writable(bits, i))
        continue;
      pf[np].fd = socks[i];
      pf[np].events = (short)((sock_readable(bits, i) ? POLLIN : 0) |
                              (sock_writable(bits, i) ? POLLOUT : 0));
      pf[np].revents = 0;
      np++;
    }
    int wait = left < 100 ? (int)left : 100;
    if(np)
      poll(pf, np, wait);
    /* Let c-ares handle readiness and its own retransmit timers. */
    bool any = false;
    for(nfds_t i = 0; i < np; i++) {
      if(pf[i].revents) {
        any = true;
        ares_process_fd(ch, (pf[i].revents & (POLLIN | POLLERR | POLLHUP)) ? pf[i].fd :
                        ARES_SOCKET_BAD,
                        (pf[i].revents & POLLOUT) ? pf[i].fd : ARES_SOCKET_BAD);
      }
    }
    if(!any)
      ares_process_fd(ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
  }
}

/* The outcome for a finished (or timed out) query's c-ares status. */
static enum mc_dns_outcome outcome_of(bool done, int status, char *detail, size_t detaillen,
                                      const struct mc_net_opts *o, int timeout)
{
  if(!done || status == ARES_ETIMEOUT || status == ARES_ECANCELLED ||
     status == ARES_EDESTRUCTION) {
    snprintf(detail, detaillen, "no answer within %d ms%s%s", timeout,
             o->dns_server ? " from " : "", o->dns_server ? o->dns_server : "");
    return MC_DNS_TIMEOUT;
  }
  if(status == ARES_SUCCESS) {
    snprintf(detail, detaillen, "%s", o->dns_server ? o->dns_server : "system resolver");
    return MC_DNS_OK;
  }
  snprintf(detail, detaillen, "%s", ares_strerror(status));
  switch(status) {
  case ARES_ENOTFOUND: return MC_DNS_NXDOMAIN;
  case ARES_ENODATA: return MC_DNS_NODATA;
  case ARES_ESERVFAIL: case ARES_EREFUSED: case ARES_ECONNREFUSED: return MC_DNS_SERVFAIL;
  default: return MC_DNS_ERROR;
  }
}

static void dns_lookup(const struct mc_net_opts *o, const char *host, int port,
                       struct mc_dns_result *out)
{
  int timeout = o->timeout_ms > 0 ? o->timeout_ms : 10000;
  ares_channel ch;
  if(!channel_new(o, &ch, out->detail, sizeof out->detail)) {
    out->outcome = MC_DNS_ERROR;
    return;
  }
  struct ares_addrinfo_hints hints = { 0 };
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  char portstr[8];
  snprintf(portstr, sizeof portstr, "%d", port);
  struct gai_state st = { .out = out };
  ares_getaddrinfo(ch, host, portstr, &hints, gai_cb, &st);
  channel_run(ch, &st.done, timeout);
  ares_destroy(ch);
  out->outcome = outcome_of(st.done, st.status, out->detail, sizeof out->detail, o, timeout);
  if(out->outcome == MC_DNS_OK && !out->naddrs)
    out->outcome = MC_DNS_NODATA;
}

struct srv_state {
  bool done;
  int status;
  struct mc_srv_result *out;
};

static void srv_cb(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
  (void)timeouts;
  struct srv_state *st = arg;
  st->done = true;
  st->status = status;
  struct ares_srv_reply *srv = NULL;
  if(status != ARES_SUCCESS)
    return;
  st->status = ares_parse_srv_reply(abuf, alen, &srv);
  for(struct ares_srv_reply *r = srv; r && st->out->n < MC_MAX_SRV; r = r->next) {
    struct mc_srv_target *t = &st->out->t[st->out->n++];
    mc_strlcpy(t->host, r->host, sizeof t->host);
    t->port = r->port;
    t->priority = r->priority;
    t->weight = r->weight;
  }
  if(srv)
    ares_free_data(srv);
}

static int srv_order(const void *a, const void *b)
{
  const struct mc_srv_target *x = a, *y = b;
  if(x->priority != y->priority)
    return x->priority < y->priority ? -1 : 1;
  return y->weight - x->weight;
}

void mc_resolve_srv(const struct mc_net_opts *o, const char *name, struct mc_srv_result *out)
{
  memset(out, 0, sizeof *out);
  int64_t t0 = mc_now_ms();
  int timeout = o->timeout_ms > 0 ? o->timeout_ms : 10000;
  ares_channel ch;
  if(!channel_new(o, &ch, out->detail, sizeof out->detail)) {
    out->outcome = MC_DNS_ERROR;
    return;
  }
  struct srv_state st = { .out = out };
  ares_query(ch, name, C_IN, T_SRV, srv_cb, &st);
  channel_run(ch, &st.done, timeout);
  ares_destroy(ch);
  out->outcome = outcome_of(st.done, st.status, out->detail, sizeof out->detail, o, timeout);
  if(out->outcome == MC_DNS_OK && !out->n)
    out->outcome = MC_DNS_NODATA;
  qsort(out->t, out->n, sizeof out->t[0], srv_order);
  out->ms = mc_now_ms() - t0;
}

void mc_resolve(const struct mc_net_opts *o, const char *host, int port,
                struct mc_dns_result *out)
{
  memset(out, 0, sizeof *out);
  int64_t t0 = mc_now_ms();
  for(size_t i = 0; i < o->noverrides; i++) {
    const struct mc_override *ov = &o->overrides[i];
    if(strcasecmp(ov->host, host) != 0 || (ov->port && ov->port != port))
      continue;
    for(size_t k = 0; k < ov->naddrs; k++) {
      out->addrs[k] = ov->addrs[k];
      mc_addr_set_port(&out->addrs[k], port);
    }
    out->naddrs = ov->naddrs;
    out->outcome = MC_DNS_OVERRIDE;
    if(ov->port)
      snprintf(out->detail, sizeof out->detail, "--resolve %s:%d", host, ov->port);
    else
      snprintf(out->detail, sizeof out->detail, "--resolve %s:*", host);
    return;
  }
  if(mc_addr_parse(host, port, &out->addrs[0])) {
    out->naddrs = 1;
    out->outcome = MC_DNS_LITERAL;
    snprintf(out->detail, sizeof out->detail, "address given literally");
    return;
  }
  dns_lookup(o, host, port, out);
  out->ms = mc_now_ms() - t0;
}

bool mc_net_split_host_port(const char *s, char **host, int *port, int def)
{
  *port = def;
  *host = NULL;
  if(!*s)
    return false;
  const char *colon = NULL;
  size_t hn;
  if(s[0] == '[') {
    const char *close = strchr(s, ']');
    if(!close || close == s + 1)
      return false;
    if(close[1] == ':')
      colon = close + 1;
    else if(close[1] != '\0')
      return false;
    *host = mc_xstrndup(s + 1, (size_t)(close - s - 1));
  }
  else {
    colon = strchr(s, ':');
    if(colon && strchr(colon + 1, ':'))
      colon = NULL;         /* a bare IPv6 address: no port */
    hn = colon ? (size_t)(colon - s) : strlen(s);
    if(hn == 0)
      return false;
    *host = mc_xstrndup(s, hn);
  }
  if(colon) {
    long p;
    if(!mc_parse_long(colon + 1, 1, 65535, &p)) {
      free(*host);
      *host = NULL;
      return false;
    }
    *port = (int)p;
  }
  /* Host names: letters, digits, '-', '.', '_' (and ':' for IPv6). */
  for(const char *c = *host; *c; c++) {
    if(!(c[0] == '-' || c[0] == '.' || c[0] == '_' || c[0] == ':' ||
         (c[0] >= '0' && c[0] <= '9') || (c[0] >= 'a' && c[0] <= 'z') ||
         (c[0] >= 'A' && c[0] <= 'Z'))) {
      free(*host);
      *host = NULL;
      return false;
    }
  }
  return true;
}
