/*
 * ntlm_server.h - the server side of NTLM (MS-NLMP) for the lab's HTTP
 * servers (ntlm_server.c). Lab only: the checks have their own client
 * codec, so a client bug cannot hide behind the same bug here.
 */
#ifndef MC_LAB_NTLM_SERVER_H
#define MC_LAB_NTLM_SERVER_H

#include <stdbool.h>
#include <stddef.h>

#include "util/util.h"

/* The protocol, as the lab serves it.
 * Per connection: a Type 1 (negotiate) gets a Type 2 (challenge) with a
 * fresh random challenge and the server's names in the target info; the
 * Type 3 (authenticate) that follows on the same connection is checked as
 * an NTLMv2 response against the account. */
struct mc_lab_ntlm_names {
  const char *nb_domain;      /* "CONTOSO" */
  const char *nb_computer;    /* "EX16-01" */
  const char *dns_domain;     /* "contoso.local" */
  const char *dns_computer;   /* "ex16-01.contoso.local" */
  unsigned os_major, os_minor, os_build;
};

enum mc_lab_ntlm_verdict {
  MC_LAB_NTLM_OK,
  MC_LAB_NTLM_DENIED,         /* wrong user, domain or password, or a bad MIC */
  MC_LAB_NTLM_BAD_MESSAGE,    /* not a valid Type 3 */
  MC_LAB_NTLM_NO_BINDING      /* right password, but the channel binding is missing
                                 (Require) or names another channel (Extended
                                 Protection: event 4625, 0xC000035B) */
};

/* Extended Protection as IIS sets it per virtual directory (tokenChecking). */
enum mc_lab_ep { MC_LAB_EP_NONE, MC_LAB_EP_ALLOW, MC_LAB_EP_REQUIRE };

struct mc_lab_ntlm_ep {
  enum mc_lab_ep mode;
  const unsigned char *binding;   /* the CBT of the channel this server sees (16
                                     bytes, mc_lab_ntlm_binding); NULL: none */
  const unsigned char *t1, *t2;   /* the negotiate and challenge, for the MIC */
  size_t n1, n2;
};

/* The message type (1, 2, 3) of a raw NTLM message, or 0 when it is none. */
int mc_lab_ntlm_type(const unsigned char *p, size_t n);
/* Builds a Type 2 into out (raw bytes) and the challenge into challenge. */
void mc_lab_ntlm_challenge(const struct mc_lab_ntlm_names *names, unsigned char challenge[8],
                           struct mc_buf *out);
/* Checks a Type 3 against challenge and the account: the NTLMv2 proof,
 * then (when the client says it sent one, or ep asks for a binding) the
 * MIC over t1, t2 and the Type 3, then the channel binding as ep->mode
 * asks. ep NULL: none of that. user_out gets the "DOMAIN\user" the client
 * claimed (printable). */
enum mc_lab_ntlm_verdict mc_lab_ntlm_verify(const unsigned char *p, size_t n,
                                            const unsigned char challenge[8],
                                            const char *domain, const char *user,
                                            const char *password,
                                            const struct mc_lab_ntlm_ep *ep,
                                            char *user_out, size_t user_outlen);
/* The tls-server-end-point channel binding (RFC 5929) of a lab certificate
 * (all are signed with SHA-256), as the server computes it. */
struct x509_st;
void mc_lab_ntlm_binding(struct x509_st *cert, unsigned char out[16]);
/* One connection's NTLM handshake, for the lab's servers: begin() answers
 * a Type 1 with a challenge (kept, with both messages, for the MIC);
 * finish() checks the Type 3 with Extended Protection set to mode against
 * the channel ssl carries (its own certificate; NULL: no TLS) and forgets
 * the challenge. A Type 3 before any challenge is a bad message. */
struct mc_lab_ntlm_conn {
  bool challenged;
  unsigned char challenge[8];
  unsigned char t1[1024], t2[2048];
  size_t n1, n2;
};
struct ssl_st;
void mc_lab_ntlm_begin(struct mc_lab_ntlm_conn *nc, const struct mc_lab_ntlm_names *names,
                       const unsigned char *t1, size_t n1, struct mc_buf *t2_out);
enum mc_lab_ntlm_verdict mc_lab_ntlm_finish(struct mc_lab_ntlm_conn *nc,
                                            const unsigned char *t3, size_t n3,
                                            const char *password, enum mc_lab_ep mode,
                                            struct ssl_st *ssl, char *user_out,
                                            size_t user_outlen);
/* NTOWFv2 (exposed for the unit test vectors of MS-NLMP 4.2.4). */
void mc_lab_ntowfv2(const char *password, const char *user, const char *domain,
                    unsigned char out[16]);

#endif
