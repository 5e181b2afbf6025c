/*
 * tls.h - TLS handshake probes and certificate analysis (OpenSSL).
 *
 * A probe connects, offers a chosen range of protocol versions, and reports
 * what happened: the negotiated version and cipher, or the alert, or the
 * non-TLS bytes the peer sent instead (plain HTTP on 443), or silence until
 * the deadline. It also returns the chain as the server sent it and the
 * result of verifying it the way a strict client does. It never judges: the
 * tls check turns these observations into causes.
 *
 * The handshake runs through memory BIOs over our own non-blocking socket,
 * so every read is bounded by the deadline and the first bytes the peer
 * sent are kept as evidence.
 */
#ifndef MC_TLS_TLS_H
#define MC_TLS_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/net.h"

#define MC_TLS_MAX_CHAIN 10

enum mc_tls_outcome {
  MC_TLS_OK,            /* handshake completed */
  MC_TLS_NOT_TLS,       /* the peer answered with something that is not TLS */
  MC_TLS_ALERT,         /* the peer sent a TLS alert (alert names it) */
  MC_TLS_CLOSED,        /* the peer closed or reset during the handshake */
  MC_TLS_TIMEOUT,       /* no complete handshake before the deadline */
  MC_TLS_NO_CONNECT,    /* the TCP connect failed (tcp says how) */
  MC_TLS_LOCAL,         /* this machine's OpenSSL cannot offer that version */
  MC_TLS_ERROR          /* anything else (detail says what) */
};

struct mc_tls_cert {
  char subject[256];
  char issuer[256];
  char *sans;                   /* "DNS:mail.contoso.com, DNS:autodiscover..." */
  char not_before[32];          /* "2026-01-02 03:04:05 UTC" */
  char not_after[32];
  int64_t days_left;            /* until notAfter, negative when expired */
  bool not_yet_valid;
  char key[32];                 /* "RSA 2048", "EC P-256 (256)" */
  int key_bits;
  char sig_alg[48];             /* "sha256WithRSAEncryption" */
  bool self_signed;             /* subject == issuer and self-signature verifies */
  bool is_ca;
  char sha256[100];             /* fingerprint, "AB:CD:..." (32 bytes) */
  char sha1[44];                /* Windows' "Thumbprint": 40 hex digits */
};

struct mc_tls_opts {
  const struct mc_addr *addr;
  int port;
  const char *sni;              /* NULL: none sent */
  int min_version, max_version; /* TLS1_VERSION ... TLS1_3_VERSION; 0 = library default */
  int64_t deadline_ms;          /* monotonic */
  bool want_chain;              /* collect and verify the chain */
  const char *ca_file;          /* extra trust anchors (PEM) */
  const char *verify_name;      /* the name the certificate must carry */
  const char *cipher_list;      /* OpenSSL list for TLS 1.2 and below; NULL: every suite */
  const char *ciphersuites;     /* TLS 1.3 suites; NULL: OpenSSL's default */
  const char *groups;           /* key-exchange groups; NULL: OpenSSL's default */
  bool imap_starttls;           /* IMAP first: the greeting, then STARTTLS, then TLS */
};

struct mc_tls_result {
  enum mc_tls_outcome outcome;
  enum mc_tcp_outcome tcp;      /* when outcome is MC_TLS_NO_CONNECT */
  char version[16];             /* "TLSv1.2" */
  int version_num;              /* TLS1_2_VERSION ..., 0 when no handshake */
  char cipher[64];
  char alert[64];               /* "protocol version" ... */
  char detail[256];             /* OpenSSL's words, or ours */
  unsigned char first_bytes[96];/* what the peer sent first, when not TLS */
  size_t nfirst;
  int64_t ms;

  struct mc_tls_cert chain[MC_TLS_MAX_CHAIN];   /* as the server sent it */
  size_t nchain;
  size_t chain_sent;            /* how many the server sent (nchain keeps the first) */
  bool verified;                /* the chain verifies to a trusted root */
  int verify_errors[8];         /* X509_V_ERR_* seen while verifying (all of them) */
  int verify_error_depth[8];
  size_t nverify_errors;
  char verify_text[160];        /* the first error in words */
  bool name_ok;                 /* verify_name matches the leaf */
};

void mc_tls_probe(const struct mc_tls_opts *o, struct mc_tls_result *out);

/* trust.c: the store to verify with, the system's default trust plus
 * ca_file (may be NULL), made once per process and CA file and shared: a
 * new reference (X509_STORE_free it), NULL when out of memory. *system_ok
 * and *ca_ok say whether each part loaded. mc_tls_trust_warm loads the
 * system's part now (`migcheck batch` does, before it forks its rows). */
struct x509_store_st;
struct x509_store_st *mc_tls_trust(const char *ca_file, bool *system_ok, bool *ca_ok);
void mc_tls_trust_warm(void);

/* profile.c: Exchange Online's client profile, Windows Server 2022
 * Schannel's default TLS 1.2/1.3 suites in their order (IANA and OpenSSL
 * names) and groups; mc_tls_schannel_source names the published list. */
struct mc_tls_suite {
  const char *iana;
  const char *openssl;
  bool tls13;
};
extern const struct mc_tls_suite mc_tls_schannel_suites[];
extern const size_t mc_tls_schannel_nsuites;
extern const char mc_tls_schannel_groups[];
extern const char mc_tls_schannel_source[];
#define TLS1_2_VERSION_NUM 0x0303
#define TLS1_3_VERSION_NUM 0x0304
/* Sets o's versions (1.2-1.3), suites and groups to the profile; c12 and
 * c13 hold the lists (512 bytes are plenty) and must outlive o. */
void mc_tls_schannel_opts(struct mc_tls_opts *o, char *c12, size_t c12len, char *c13,
                          size_t c13len);
/* The profile's row for an OpenSSL suite name, or NULL when not in it. */
const struct mc_tls_suite *mc_tls_schannel_find(const char *openssl_name);
void mc_tls_result_release(struct mc_tls_result *r);
const char *mc_tls_outcome_name(enum mc_tls_outcome t);
/* "TLS 1.0" ... for TLS1_VERSION ... */
const char *mc_tls_version_name(int v);
/* Whether verify_errors holds err. */
bool mc_tls_has_error(const struct mc_tls_result *r, int err);

/* Describes one DER certificate into c. Returns false when it does not
 * parse. Used by the probe, and fuzzed on its own. */
bool mc_tls_describe_der(const unsigned char *der, size_t n, struct mc_tls_cert *c);
void mc_tls_cert_release(struct mc_tls_cert *c);

/* Names what non-TLS bytes look like: "an HTTP response (HTTP/1.1 400 Bad
 * Request)", "an SMTP/IMAP/FTP banner", "an SSH banner", "binary data". */
void mc_tls_describe_plain(const unsigned char *p, size_t n, char *out, size_t outlen);

#endif
