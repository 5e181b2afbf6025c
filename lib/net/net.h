/*
 * net.h - name resolution and TCP probes, the two lowest layers.
 *
 * Both report what they observed (addresses, refused, no answer, reset) and
 * never a verdict; the checks decide what an observation means. Every call
 * has a deadline. Resolution goes through c-ares so that it has one, reads
 * /etc/hosts and resolv.conf like the system resolver, and can be pointed at
 * another server (--dns-server). --resolve overrides (as curl has them) win
 * over DNS for their host and port.
 */
#ifndef MC_NET_NET_H
#define MC_NET_NET_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "util/util.h"

#define MC_MAX_ADDRS 16

struct mc_addr {
  struct sockaddr_storage ss;
  socklen_t len;
  int family;                       /* AF_INET or AF_INET6 */
  char text[64];                    /* "192.0.2.1" or "2001:db8::1" */
};

/* One --resolve HOST:PORT:ADDR[,ADDR...]; port 0 means any ("*"). */
struct mc_override {
  char *host;
  int port;
  struct mc_addr addrs[MC_MAX_ADDRS];
  size_t naddrs;
};

struct mc_net_opts {
  struct mc_override *overrides;
  size_t noverrides;
  char *dns_server;                 /* "ADDR[:PORT]" or NULL for the system's */
  int timeout_ms;                   /* per network step */
};

enum mc_dns_outcome {
  MC_DNS_OK,            /* addresses found in DNS (or /etc/hosts) */
  MC_DNS_LITERAL,       /* the name was an address already */
  MC_DNS_OVERRIDE,      /* taken from --resolve */
  MC_DNS_NXDOMAIN,      /* the name does not exist */
  MC_DNS_NODATA,        /* the name exists, no A/AAAA */
  MC_DNS_TIMEOUT,       /* no answer before the deadline */
  MC_DNS_SERVFAIL,      /* the server failed or refused */
  MC_DNS_ERROR          /* anything else (detail says what) */
};

struct mc_dns_result {
  enum mc_dns_outcome outcome;
  struct mc_addr addrs[MC_MAX_ADDRS];
  size_t naddrs;
  int64_t ms;
  char detail[160];                 /* c-ares' words, or where addresses came from */
};

/* Parses one --resolve value into o (appended). Returns MC_ERR_USAGE with a
 * message in err on a malformed value. */
mc_code mc_net_add_override(struct mc_net_opts *o, const char *spec,
                            char *err, size_t errlen);
void mc_net_opts_release(struct mc_net_opts *o);
/* Checks that a --dns-server value is ADDR or ADDR:PORT / [ADDR]:PORT. */
bool mc_net_valid_dns_server(const char *spec);

/* Splits "HOST[:PORT]", "[V6]:PORT" or a bare IPv6 address into a new
 * host string and a port (def when absent). False when malformed: empty,
 * a bad port, or characters no host name has. */
bool mc_net_split_host_port(const char *s, char **host, int *port, int def);

/* Resolves host for port: --resolve first, then a literal, then DNS. */
void mc_resolve(const struct mc_net_opts *o, const char *host, int port,
                struct mc_dns_result *out);
const char *mc_dns_outcome_name(enum mc_dns_outcome d);

#define MC_MAX_SRV 16

struct mc_srv_target {
  char host[256];
  int port;
  int priority;
  int weight;
};

struct mc_srv_result {
  enum mc_dns_outcome outcome;      /* OK, NXDOMAIN, NODATA, TIMEOUT ... */
  struct mc_srv_target t[MC_MAX_SRV];
  size_t n;                         /* ordered: lowest priority, then highest weight */
  int64_t ms;
  char detail[160];
};

/* Looks up the SRV records of name ("_autodiscover._tcp.contoso.com") in
 * DNS (the system's servers or --dns-server), before o's timeout. */
void mc_resolve_srv(const struct mc_net_opts *o, const char *name, struct mc_srv_result *out);

/* Parses a numeric address ("127.0.0.1", "::1", "[::1]") into a, with port. */
bool mc_addr_parse(const char *s, int port, struct mc_addr *a);
void mc_addr_set_port(struct mc_addr *a, int port);
/* NULL when a is a public address; else what it is ("loopback",
 * "private (RFC 1918)", "link-local", "carrier-grade NAT", "unique local"...). */
const char *mc_addr_private_kind(const struct mc_addr *a);
/* True for names that are plainly internal: one label, .local, .lan, .corp,
 * .internal, .localdomain, localhost... */
bool mc_name_is_internal(const char *host);
/* True when s is an IPv4 or IPv6 literal. */
bool mc_is_ip_literal(const char *s);

enum mc_tcp_outcome {
  MC_TCP_OPEN,          /* connected and stayed open while we watched */
  MC_TCP_REFUSED,       /* RST to our SYN */
  MC_TCP_TIMEOUT,       /* no answer to our SYN before the deadline */
  MC_TCP_RESET,         /* connected, then reset by the peer */
  MC_TCP_CLOSED,        /* connected, then closed by the peer (FIN) */
  MC_TCP_UNREACHABLE,   /* ICMP unreachable: no route, host or net down */
  MC_TCP_ERROR          /* anything else (err says what) */
};

struct mc_tcp_probe {
  struct mc_addr addr;              /* in: address (its port is set by the probe) */
  int port;                         /* in */
  enum mc_tcp_outcome outcome;      /* out */
  int err;                          /* out: errno where one applies */
  int64_t connect_ms;               /* out: time to connect (or to fail) */
  char banner[256];                 /* out: first bytes the peer sent, if any */
  size_t banner_len;
};

/* Probes every entry concurrently. Each connection gets timeout_ms to
 * connect; a connected one is then watched for a reset, a close or a banner
 * for three times its connect time (a device in front resets within about
 * one round trip), at least settle_ms and at most one second; settle_ms 0
 * means no watching at all. Returns when all are decided. */
void mc_tcp_probe_many(struct mc_tcp_probe *v, size_t n, int timeout_ms, int settle_ms);
const char *mc_tcp_outcome_name(enum mc_tcp_outcome t);

/* Connects to a (with port) before deadline_ms (monotonic). Returns the
 * connected non-blocking socket, or -1 with *outcome and *err set. */
int mc_tcp_connect(const struct mc_addr *a, int port, int64_t deadline_ms,
                   enum mc_tcp_outcome *outcome, int *err);

/* Waits until fd is readable (events POLLIN) or writable (POLLOUT) or the
 * deadline passes. Returns 1 ready, 0 timeout, -1 error. */
int mc_wait_fd(int fd, short events, int64_t deadline_ms);

#endif
