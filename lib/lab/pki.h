/*
 * pki.h - the lab's certificate authority (pki.c): a root, an intermediate,
 * and leaves made to order (good, self-signed, for another name, expired...).
 * Keys are EC P-256 so a lab starts in milliseconds. Only the lab uses it.
 */
#ifndef MC_LAB_PKI_H
#define MC_LAB_PKI_H

#include <stdbool.h>
#include <stddef.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "util/util.h"

struct mc_lab_pki;

/* Makes the root CA and the intermediate, and writes the root to
 * dir/lab-ca.pem. */
mc_code mc_lab_pki_new(struct mc_lab_pki **out, const char *dir, char *err, size_t errlen);
void mc_lab_pki_free(struct mc_lab_pki *pki);

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

#endif
