/*
 * ad_lab.h - the lab's Autodiscover side: the responder (autodiscover.c)
 * and the small authoritative DNS server its scenarios use for SRV records
 * and names that do not exist (dns_server.c). Lab only: the checks never
 * include this.
 */
#ifndef MC_LAB_AD_LAB_H
#define MC_LAB_AD_LAB_H

#include <stdbool.h>
#include <stddef.h>

#include "lab/ews_lab.h"
#include "lab/lab.h"
#include "util/util.h"

/* ---- dns_server.c ---- */
struct mc_lab_dns_record {
  const char *name;             /* "_autodiscover._tcp.contoso.test" */
  unsigned type;                /* 1 (A) or 33 (SRV) */
  const char *data;             /* A: "127.0.0.1"; SRV: the target name */
  unsigned priority, weight, port;
};

/* The answer to one query datagram q into out (cap >= 512); 0: drop it.
 * Names in recs answer with their records of the asked type (none: NODATA),
 * every other name NXDOMAIN. */
size_t mc_lab_dns_answer(const struct mc_lab_dns_record *recs, size_t nrecs,
                         const unsigned char *q, size_t qn, unsigned char *out, size_t cap);
/* Answers every datagram waiting on the non-blocking UDP socket fd. */
void mc_lab_dns_serve(int fd, const struct mc_lab_dns_record *recs, size_t nrecs);

/* ---- autodiscover.c ---- */
struct mc_lab_ad_reply {
  int status;
  const char *reason;
  struct mc_buf head;           /* header lines, each ending in CRLF */
  struct mc_buf body;
};

/* What the scenario's servers answer to one request that has passed (or
 * needs no) sign-in: host is the Host header without its port, tls whether
 * it came over TLS, signed_in whether the connection has signed in. The
 * reply's buffers must be initialised by the caller. MC_ERR_USAGE for an
 * unknown scenario. */
mc_code mc_lab_ad_respond(const char *scenario, bool tls, const char *host,
                          const struct mc_lab_http_req *q, const char *body, bool signed_in,
                          struct mc_lab_ad_reply *out);

/* Starts an Autodiscover scenario: an HTTPS and an HTTP listener, a closed
 * port, a DNS server, and the command line that points migcheck at them. */
mc_code mc_lab_autodiscover_start(struct mc_lab *lab, struct mc_lab_site *site);

#endif
