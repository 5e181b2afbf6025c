/*
 * profile.c - the TLS client profile of Exchange Online's migration
 * service: what current Windows Server Schannel offers by default for
 * TLS 1.2 and 1.3, as data.
 *
 * The list and its order are the defaults Microsoft publishes in "TLS
 * Cipher Suites in Windows Server 2022" (Microsoft Learn), the suites of a
 * TLS 1.2 or 1.3 handshake; the groups are Schannel's default curves
 * (curve25519, NistP256, NistP384). Each row maps the IANA name to
 * OpenSSL's. It is data for the probe, not a judgement.
 */
#include "tls/tls.h"

#include <stdio.h>
#include <string.h>

const struct mc_tls_suite mc_tls_schannel_suites[] = {
  { "TLS_AES_256_GCM_SHA384", "TLS_AES_256_GCM_SHA384", true },
  { "TLS_AES_128_GCM_SHA256", "TLS_AES_128_GCM_SHA256", true },
  { "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "ECDHE-ECDSA-AES256-GCM-SHA384", false },
  { "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "ECDHE-ECDSA-AES128-GCM-SHA256", false },
  { "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "ECDHE-RSA-AES256-GCM-SHA384", false },
  { "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "ECDHE-RSA-AES128-GCM-SHA256", false },
  { "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", "DHE-RSA-AES256-GCM-SHA384", false },
  { "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", "DHE-RSA-AES128-GCM-SHA256", false },
  { "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384", "ECDHE-ECDSA-AES256-SHA384", false },
  { "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "ECDHE-ECDSA-AES128-SHA256", false },
  { "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", "ECDHE-RSA-AES256-SHA384", false },
  { "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "ECDHE-RSA-AES128-SHA256", false },
  { "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", "ECDHE-ECDSA-AES256-SHA", false },
  { "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "ECDHE-ECDSA-AES128-SHA", false },
  { "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", "ECDHE-RSA-AES256-SHA", false },
  { "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "ECDHE-RSA-AES128-SHA", false },
  { "TLS_RSA_WITH_AES_256_GCM_SHA384", "AES256-GCM-SHA384", false },
  { "TLS_RSA_WITH_AES_128_GCM_SHA256", "AES128-GCM-SHA256", false },
  { "TLS_RSA_WITH_AES_256_CBC_SHA256", "AES256-SHA256", false },
  { "TLS_RSA_WITH_AES_128_CBC_SHA256", "AES128-SHA256", false },
  { "TLS_RSA_WITH_AES_256_CBC_SHA", "AES256-SHA", false },
  { "TLS_RSA_WITH_AES_128_CBC_SHA", "AES128-SHA", false },
};
const size_t mc_tls_schannel_nsuites =
  sizeof mc_tls_schannel_suites / sizeof mc_tls_schannel_suites[0];
const char mc_tls_schannel_groups[] = "X25519:P-256:P-384";
const char mc_tls_schannel_source[] = "Microsoft Learn: TLS Cipher Suites in Windows Server "
                                      "2022";

void mc_tls_schannel_opts(struct mc_tls_opts *o, char *c12, size_t c12len, char *c13,
                          size_t c13len)
{
  size_t n12 = 0, n13 = 0;
  c12[0] = c13[0] = '\0';
  for(size_t i = 0; i < mc_tls_schannel_nsuites; i++) {
    const struct mc_tls_suite *s = &mc_tls_schannel_suites[i];
    char *out = s->tls13 ? c13 : c12;
    size_t *n = s->tls13 ? &n13 : &n12;
    size_t cap = s->tls13 ? c13len : c12len;
    int w = snprintf(out + *n, cap > *n ? cap - *n : 0, "%s%s", *n ? ":" : "", s->openssl);
    if(w > 0 && *n + (size_t)w < cap)
      *n += (size_t)w;
  }
  o->min_version = TLS1_2_VERSION_NUM;
  o->max_version = TLS1_3_VERSION_NUM;
  o->cipher_list = c12;
  o->ciphersuites = c13;
  o->groups = mc_tls_schannel_groups;
}

const struct mc_tls_suite *mc_tls_schannel_find(const char *openssl_name)
{
  for(size_t i = 0; i < mc_tls_schannel_nsuites; i++) {
    if(strcmp(mc_tls_schannel_suites[i].openssl, openssl_name) == 0)
      return &mc_tls_schannel_suites[i];
  }
  return NULL;
}
