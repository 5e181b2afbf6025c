/*
 * cert.c - what a certificate says, in words a report can show: subject,
 * names, issuer, validity, key, signature, fingerprint. And what bytes that
 * are not TLS look like. Both take untrusted input and are fuzzed.
 */
#include "tls/tls.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#define SANS_MAX 4096

static void name_text(const X509_NAME *nm, char *out, size_t outlen)
{
  out[0] = '\0';
  BIO *b = BIO_new(BIO_s_mem());
  if(!b)
    return;
  X509_NAME_print_ex(b, nm, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  char *p;
  long n = BIO_get_mem_data(b, &p);
  char *t = mc_printable(p, n > 0 ? (size_t)n : 0, outlen > 4 ? outlen - 4 : 0);
  mc_strlcpy(out, t, outlen);
  free(t);
  BIO_free(b);
}

static void time_text(const ASN1_TIME *t, char *out, size_t outlen)
{
  struct tm tm;
  if(!t || ASN1_TIME_to_tm(t, &tm) != 1) {
    mc_strlcpy(out, "(invalid time)", outlen);
    return;
  }
  strftime(out, outlen, "%Y-%m-%d %H:%M:%S UTC", &tm);
}

static char *sans_text(X509 *x)
{
  GENERAL_NAMES *gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
  struct mc_buf b = MC_BUF_INIT(SANS_MAX);
  int n = gens ? sk_GENERAL_NAME_num(gens) : 0;
  for(int i = 0; i < n; i++) {
    const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
    const char *sep = b.len ? ", " : "";
    if(g->type == GEN_DNS) {
      const unsigned char *d = ASN1_STRING_get0_data(g->d.dNSName);
      char *t = mc_printable(d, (size_t)ASN1_STRING_length(g->d.dNSName), 255);
      mc_code rc = mc_buf_printf(&b, "%sDNS:%s", sep, t);
      free(t);
      if(rc)
        break;
    }
    else if(g->type == GEN_IPADD) {
      const unsigned char *d = ASN1_STRING_get0_data(g->d.iPAddress);
      int len = ASN1_STRING_length(g->d.iPAddress);
      char ip[64] = "?";
      if(len == 4)
        snprintf(ip, sizeof ip, "%u.%u.%u.%u", d[0], d[1], d[2], d[3]);
      else if(len == 16) {
        size_t o = 0;
        for(int k = 0; k < 16; k += 2)
          o += (size_t)snprintf(ip + o, sizeof ip - o, "%s%x", k ? ":" : "",
                                (unsigned)(d[k] << 8 | d[k + 1]));
      }
      if(mc_buf_printf(&b, "%sIP:%s", sep, ip))
        break;
    }
  }
  GENERAL_NAMES_free(gens);
  if(b.len == 0)
    mc_buf_addstr(&b, "(none)");
  return mc_buf_detach(&b);
}

static void key_text(X509 *x, struct mc_tls_cert *c)
{
  EVP_PKEY *pk = X509_get0_pubkey(x);
  if(!pk) {
    mc_strlcpy(c->key, "(unreadable key)", sizeof c->key);
    return;
  }
  c->key_bits = EVP_PKEY_get_bits(pk);
  int id = EVP_PKEY_get_base_id(pk);
  if(id == EVP_PKEY_RSA)
    snprintf(c->key, sizeof c->key, "RSA %d", c->key_bits);
  else if(id == EVP_PKEY_EC) {
    char curve[32] = "";
    size_t len = 0;
    if(EVP_PKEY_get_utf8_string_param(pk, OSSL_PKEY_PARAM_GROUP_NAME, curve, sizeof curve,
                                      &len) != 1)
      mc_strlcpy(curve, "?", sizeof curve);
    snprintf(c->key, sizeof c->key, "EC %s", curve);
  }
  else if(id == EVP_PKEY_ED25519)
    mc_strlcpy(c->key, "Ed25519", sizeof c->key);
  else
    snprintf(c->key, sizeof c->key, "%s %d", OBJ_nid2sn(id), c->key_bits);
}

bool mc_tls_describe_der(const unsigned char *der, size_t n, struct mc_tls_cert *c)
{
  memset(c, 0, sizeof *c);
  if(n > 1 << 20)
    return false;
  const unsigned char *p = der;
  X509 *x = d2i_X509(NULL, &p, (long)n);
  if(!x)
    return false;
  name_text(X509_get_subject_name(x), c->subject, sizeof c->subject);
  name_text(X509_get_issuer_name(x), c->issuer, sizeof c->issuer);
  c->sans = sans_text(x);
  const ASN1_TIME *nb = X509_get0_notBefore(x);
  const ASN1_TIME *na = X509_get0_notAfter(x);
  time_text(nb, c->not_before, sizeof c->not_before);
  time_text(na, c->not_after, sizeof c->not_after);
  int days = 0, secs = 0;
  if(na && ASN1_TIME_diff(&days, &secs, NULL, na) == 1) {
    /* Whole days left, rounded down: an hour past notAfter is day -1. */
    int64_t total = (int64_t)days * 86400 + secs;
    c->days_left = total >= 0 ? total / 86400 : -((-total + 86399) / 86400);
  }
  else
    c->days_left = -1;
  if(nb && X509_cmp_current_time(nb) > 0)
    c->not_yet_valid = true;
  key_text(x, c);
  int sig = X509_get_signature_nid(x);
  mc_strlcpy(c->sig_alg, sig != NID_undef ? OBJ_nid2ln(sig) : "(unknown)", sizeof c->sig_alg);
  c->self_signed = X509_self_signed(x, 1) == 1;
  c->is_ca = X509_check_ca(x) > 0;
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned mdlen = 0;
  if(X509_digest(x, EVP_sha256(), md, &mdlen) == 1) {
    size_t o = 0;
    for(unsigned i = 0; i < mdlen && o + 3 < sizeof c->sha256; i++)
      o += (size_t)snprintf(c->sha256 + o, sizeof c->sha256 - o, "%s%02X", i ? ":" : "",
                            md[i]);
  }
  /* SHA-1 only as the name Windows and Exchange know the certificate by. */
  if(X509_digest(x, EVP_sha1(), md, &mdlen) == 1) {
    size_t o = 0;
    for(unsigned i = 0; i < mdlen && o + 2 < sizeof c->sha1; i++)
      o += (size_t)snprintf(c->sha1 + o, sizeof c->sha1 - o, "%02X", md[i]);
  }
  X509_free(x);
  return true;
}

void mc_tls_cert_release(struct mc_tls_cert *c)
{
  free(c->sans);
  c->sans = NULL;
}

void mc_tls_describe_plain(const unsigned char *p, size_t n, char *out, size_t outlen)
{
  size_t line = 0;
  while(line < n && line < 80 && p[line] != '\r' && p[line] != '\n')
    line++;
  char *first = mc_printable(p, line, 80);
  if(n >= 5 && memcmp(p, "HTTP/", 5) == 0)
    snprintf(out, outlen, "an HTTP response (\"%s\"): plain HTTP where TLS was expected",
             first);
  else if(n >= 1 && p[0] == '<')
    snprintf(out, outlen, "HTML without TLS (\"%s\")", first);
  else if(n >= 4 && memcmp(p, "* OK", 4) == 0)
    snprintf(out, outlen, "an IMAP greeting (\"%s\")", first);
  else if(n >= 4 && memcmp(p, "SSH-", 4) == 0)
    snprintf(out, outlen, "an SSH banner (\"%s\")", first);
  else if(n >= 4 && (memcmp(p, "220 ", 4) == 0 || memcmp(p, "220-", 4) == 0))
    snprintf(out, outlen, "an SMTP or FTP banner (\"%s\")", first);
  else {
    bool text = n > 0;
    for(size_t i = 0; i < n && i < 32; i++)
      text = text && ((p[i] >= 0x20 && p[i] < 0x7F) || p[i] == '\r' || p[i] == '\n' ||
                      p[i] == '\t');
    if(text)
      snprintf(out, outlen, "text that is not TLS (\"%s\")", first);
    else {
      char hex[3 * 16 + 1] = "";
      size_t o = 0;
      for(size_t i = 0; i < n && i < 16; i++)
        o += (size_t)snprintf(hex + o, sizeof hex - o, "%s%02x", i ? " " : "", p[i]);
      snprintf(out, outlen, "binary data that is not TLS (%s)", hex);
    }
  }
  free(first);
}
