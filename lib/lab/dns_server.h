/*
 * dns_server.h - the small authoritative DNS server of the lab's
 * Autodiscover scenarios (dns_server.c): SRV records and names that do not
 * exist.
 */
#ifndef MC_LAB_DNS_SERVER_H
#define MC_LAB_DNS_SERVER_H

#include <stdbool.h>
#include <stddef.h>

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

#endif
