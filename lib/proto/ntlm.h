/*
 * ntlm.h - the client side of NTLM (MS-NLMP) as a pure codec, no I/O:
 *   - ntlm.c reads Type 2 (challenge) messages: the server's names (which
 *     server issued it, even where Exchange sends no X-FEServer header),
 *     its domain and Windows version, and everything a response needs (the
 *     server challenge, every AV pair of the target info), with each
 *     offset and length checked and a reason when the message is broken;
 *   - ntlm_client.c writes the Type 1 (negotiate) and the Type 3
 *     (authenticate) with an NTLMv2 response the way a Windows client does
 *     under Extended Protection: MsvAvTimestamp echoed, MsvAvFlags saying a
 *     MIC is present, MsvAvTargetName "HTTP/host", MsvAvChannelBindings
 *     (RFC 5929 tls-server-end-point of the server's certificate) and the
 *     MIC over the three messages.
 * The HTTP exchange that carries them is lib/http (ntlm_login.c).
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

#define MC_NTLM_TARGET_INFO_MAX 2048

/* NegotiateFlags (MS-NLMP 2.2.2.5) the client uses or reports. */
enum {
  MC_NTLM_UNICODE = 0x00000001u,
  MC_NTLM_REQUEST_TARGET = 0x00000004u,
  MC_NTLM_NTLM = 0x00000200u,
  MC_NTLM_ALWAYS_SIGN = 0x00008000u,
  MC_NTLM_ESS = 0x00080000u,          /* extended session security */
  MC_NTLM_TARGET_INFO = 0x00800000u,
  MC_NTLM_VERSION = 0x02000000u,
  MC_NTLM_128 = 0x20000000u,
  MC_NTLM_KEY_EXCH = 0x40000000u,
  MC_NTLM_56 = 0x80000000u
};

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
  /* What a response needs. */
  unsigned char server_challenge[8];
  unsigned char target_info[MC_NTLM_TARGET_INFO_MAX];   /* AV pairs, without MsvAvEOL */
  size_t target_info_len;
  uint64_t timestamp;        /* MsvAvTimestamp (FILETIME) when has_timestamp */
  char error[160];           /* why the message was refused ("" when it parsed) */
};

/* Decodes a raw Type 2 message. MC_ERR_PARSE when it is not one or any
 * field points outside it; out->error then says which. */
mc_code mc_ntlm_challenge_parse(const unsigned char *p, size_t n, struct mc_ntlm_info *out);
/* The same from the base64 token of "WWW-Authenticate: NTLM <token>". */
mc_code mc_ntlm_challenge_parse_b64(const char *token, struct mc_ntlm_info *out);
/* A Type 1 (negotiate) message with no domain and workstation, base64,
 * as anonymous probes send it to get a challenge back (into out). */
void mc_ntlm_negotiate_b64(struct mc_buf *out);

/* ---- ntlm_client.c ---- */

/* The Type 1 a Windows client sends (raw bytes, into out). */
void mc_ntlm_negotiate(struct mc_buf *out);

struct mc_ntlm_auth_params {
  const char *user;          /* "DOMAIN\\user" or "user@dns.domain" */
  const char *password;      /* borrowed; copies made here are wiped */
  const char *spn;           /* MsvAvTargetName, "HTTP/host"; NULL: none */
  const unsigned char *cbt;  /* MsvAvChannelBindings (16 bytes); NULL: none */
  const unsigned char *client_challenge;   /* 8 random bytes */
  const unsigned char *session_key;        /* 16 random bytes, used with KEY_EXCH */
  uint64_t time;             /* FILETIME, used when the challenge has no timestamp */
  bool plain_av;             /* the challenge's AV pairs only, no MIC (test vectors) */
};

/* What the Type 3 carried (evidence: no secret in it). */
struct mc_ntlm_sent {
  uint32_t flags;
  bool cbt, mic, spn, key_exch;
};

/* Builds the Type 3 (raw, into out) answering the challenge t2 (as parsed
 * into ch) that followed the negotiate t1. MC_ERR_USAGE when the server
 * did not offer what NTLMv2 needs (target info, Unicode). */
mc_code mc_ntlm_authenticate(const struct mc_ntlm_auth_params *a, const unsigned char *t1,
                             size_t n1, const unsigned char *t2, size_t n2,
                             const struct mc_ntlm_info *ch, struct mc_buf *out,
                             struct mc_ntlm_sent *sent);

/* NTOWFv2 and the NTLMv2 pieces, exposed for the MS-NLMP 4.2.4 vectors. */
void mc_ntlm_ntowfv2(const char *password, const char *user, const char *domain,
                     unsigned char out[16]);

/* The channel binding token of RFC 5929 sec. 4 (tls-server-end-point) for
 * the server certificate der: MD5 of the gss_channel_bindings_struct
 * whose application data is "tls-server-end-point:" + the certificate's
 * hash, with the certificate's signature hash (SHA-256 when that is MD5
 * or SHA-1). hash_name and hash_hex describe it for evidence. MC_ERR_PARSE
 * when der is not a certificate; MC_ERR_USAGE when its signature names no
 * hash (Ed25519: RFC 5929 defines no binding). */
mc_code mc_ntlm_channel_binding(const unsigned char *der, size_t n, unsigned char out[16],
                                char *hash_name, size_t namelen, char *hash_hex,
                                size_t hexlen);

#endif
