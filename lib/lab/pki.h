/*
 * pki.h - the lab's certificate authority: a root, an intermediate, and
 * leaves made to order (good, self-signed, for another name, expired...).
 * Keys are EC P-256 so a lab starts in milliseconds. Only the lab uses it.
 */
#ifndef MC_LAB_PKI_H
#define MC_LAB_PKI_H

#include <stdbool.h>

#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "lab/lab.h"

struct mc_lab_leaf_spec {
  const char *cn;
  const char *const *dns;        /* SAN DNS names, NULL-terminated */
  int not_before_days;           /* relative to now (negative: in the past) */
  int not_after_days;
  bool self_signed;
};

/* Issues a leaf. The caller owns *key and *cert. */
mc_code mc_lab_pki_leaf(struct mc_lab_pki *pki, const struct mc_lab_leaf_spec *spec,
                        EVP_PKEY **key, X509 **cert);
X509 *mc_lab_pki_intermediate(struct mc_lab_pki *pki);
/* The server SSL_CTX a site's row asks for (certificate kind, protocol
 * versions), made by tls_server.c; the caller frees it. */
mc_code mc_lab_tls_ctx(struct mc_lab *lab, const struct mc_lab_site *site, SSL_CTX **out);
/* The same with another kind of certificate than the row's (one server of
 * several behind one name). */
mc_code mc_lab_tls_ctx_as(struct mc_lab *lab, const struct mc_lab_site *site,
                          enum mc_lab_cert cert, SSL_CTX **out);

/* What every HTTP connection of the lab does around its own work: the
 * peer's IPv4 address into peer (for the IIS log), no Nagle (answers go
 * out whole), the TLS handshake when ctx is set, then serve(arg, ssl) with
 * ssl NULL for plain HTTP; then the TLS state is freed and fd closed. */
void mc_lab_http_conn(int fd, SSL_CTX *ctx, char *peer, size_t peerlen,
                      void (*serve)(void *arg, SSL *ssl), void *arg);

#endif
