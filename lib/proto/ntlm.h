/*
 * ntlm.h - the client's view of NTLM challenge messages (MS-NLMP Type 2),
 * read for evidence only: which server issued the challenge (its NetBIOS
 * and DNS names from the target info), its domain and Windows version.
 * Behind a load balancer this tells the servers apart even where Exchange
 * sends no X-FEServer header (Exchange 2010). The login itself is done by
 * libcurl; this file never computes a response.
 *
 * Not for the lab: the lab has its own server-side NTLM (lib/lab), so a
 * misreading here cannot hide behind the same misreading there.
 */
#ifndef MC_PROTO_NTLM_H
#define MC_PROTO_NTLM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/util.h"

struct mc_ntlm_info {
  uint32_t flags;
  char target[128];          /* TargetName, printable */
  char nb_domain[128];       /* MsvAvNbDomainName */
  char nb_computer[128];     /* MsvAvNbComputerName */
  char dns_domain[256];      /* MsvAvDnsDomainName */
  char dns_computer[256];    /* MsvAvDnsComputerName */
  bool has_timestamp;        /* MsvAvTimestamp present */
  bool has_version;
  unsigned os_major, os_minor, os_build;
};

/* Decodes a raw Type 2 message. MC_ERR_PARSE when it is not one or any
 * field points outside it. */
mc_code mc_ntlm_challenge_parse(const unsigned char *p, size_t n, struct mc_ntlm_info *out);
/* The same from the base64 token of "WWW-Authenticate: NTLM <token>". */
mc_code mc_ntlm_challenge_parse_b64(const char *token, struct mc_ntlm_info *out);
/* A Type 1 (negotiate) message with no domain and workstation, base64,
 * as anonymous probes send it to get a challenge back (into out). */
void mc_ntlm_negotiate_b64(struct mc_buf *out);

#endif
