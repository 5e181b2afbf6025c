/*
 * pki.c - the lab's CA. At start: a root ("migcheck lab root CA", written
 * to DIR/lab-ca.pem for --ca-file) and an intermediate it signs; then a
 * leaf per scenario on request. Serial numbers are random, validity is
 * relative to now, so the lab never goes stale.
 */
#include "lab/pki.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

struct mc_lab_pki {
  EVP_PKEY *root_key;
  X509 *root;
  EVP_PKEY *int_key;
  X509 *inter;
};

static EVP_PKEY *new_key(void)
{
  return EVP_EC_gen("P-256");
}

static bool add_ext(X509 *cert, X509 *issuer, int nid, const char *value)
{
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, NULL, NULL, 0);
  X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
  if(!ext)
    return false;
  bool ok = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return ok;
}

/* Makes a certificate for key, signed by signer_key (issuer NULL: self). */
static X509 *make_cert(EVP_PKEY *key, const char *cn, X509 *issuer, EVP_PKEY *signer_key,
                       int nb_days, int na_days, bool ca, const char *san)
{
  X509 *x = X509_new();
  if(!x)
    return NULL;
  X509_set_version(x, 2);
  unsigned char serial[16];
  RAND_bytes(serial, sizeof serial);
  serial[0] &= 0x7F;
  BIGNUM *bn = BN_bin2bn(serial, sizeof serial, NULL);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x));
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(x), (long)nb_days * 86400);
  X509_gmtime_adj(X509_getm_notAfter(x), (long)na_days * 86400);
  X509_set_pubkey(x, key);
  X509_NAME *name = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, (const unsigned char *)"migcheck lab",
                             -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
  X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : name);
  X509 *iss = issuer ? issuer : x;
  bool ok = add_ext(x, iss, NID_subject_key_identifier, "hash") &&
            add_ext(x, iss, NID_authority_key_identifier, "keyid:always");
  if(ca)
    ok = ok && add_ext(x, iss, NID_basic_constraints, "critical,CA:TRUE") &&
         add_ext(x, iss, NID_key_usage, "critical,keyCertSign,cRLSign");
  else
    ok = ok && add_ext(x, iss, NID_basic_constraints, "critical,CA:FALSE") &&
         add_ext(x, iss, NID_key_usage, "critical,digitalSignature,keyEncipherment") &&
         add_ext(x, iss, NID_ext_key_usage, "serverAuth");
  if(san)
    ok = ok && add_ext(x, iss, NID_subject_alt_name, san);
  if(!ok || X509_sign(x, signer_key, EVP_sha256()) == 0) {
    X509_free(x);
    return NULL;
  }
  return x;
}

mc_code mc_lab_pki_new(struct mc_lab_pki **out, const char *dir, char *err, size_t errlen)
{
  struct mc_lab_pki *p = mc_xcalloc(1, sizeof *p);
  *out = NULL;
  p->root_key = new_key();
  p->int_key = new_key();
  if(!p->root_key || !p->int_key)
    goto fail;
  p->root = make_cert(p->root_key, "migcheck lab root CA", NULL, p->root_key, -1, 3650,
                      true, NULL);
  if(!p->root)
    goto fail;
  p->inter = make_cert(p->int_key, "migcheck lab issuing CA 1", p->root, p->root_key, -1,
                       1825, true, NULL);
  if(!p->inter)
    goto fail;
  char path[600];
  snprintf(path, sizeof path, "%s/lab-ca.pem", dir);
  FILE *f = fopen(path, "w");
  if(!f) {
    snprintf(err, errlen, "cannot write '%s'", path);
    mc_lab_pki_free(p);
    return MC_ERR_IO;
  }
  bool ok = PEM_write_X509(f, p->root) == 1;
  if(fclose(f) != 0 || !ok) {
    snprintf(err, errlen, "cannot write '%s'", path);
    mc_lab_pki_free(p);
    return MC_ERR_IO;
  }
  *out = p;
  return MC_OK;
fail:
  snprintf(err, errlen, "cannot create the lab's certificates (OpenSSL failed)");
  mc_lab_pki_free(p);
  return MC_ERR_INTERNAL;
}

void mc_lab_pki_free(struct mc_lab_pki *p)
{
  if(!p)
    return;
  X509_free(p->root);
  X509_free(p->inter);
  EVP_PKEY_free(p->root_key);
  EVP_PKEY_free(p->int_key);
  free(p);
}

X509 *mc_lab_pki_intermediate(struct mc_lab_pki *pki)
{
  return pki->inter;
}

mc_code mc_lab_pki_leaf(struct mc_lab_pki *pki, const struct mc_lab_leaf_spec *spec,
                        EVP_PKEY **key, X509 **cert)
{
  struct mc_buf san = MC_BUF_INIT(4096);
  for(int i = 0; spec->dns && spec->dns[i]; i++)
    mc_buf_printf(&san, "%sDNS:%s", i ? "," : "", spec->dns[i]);
  *key = new_key();
  *cert = NULL;
  if(*key)
    *cert = make_cert(*key, spec->cn, spec->self_signed ? NULL : pki->inter,
                      spec->self_signed ? *key : pki->int_key, spec->not_before_days,
                      spec->not_after_days, false, san.len ? san.ptr : NULL);
  mc_buf_release(&san);
  if(!*cert) {
    EVP_PKEY_free(*key);
    *key = NULL;
    return MC_ERR_INTERNAL;
  }
  return MC_OK;
}
