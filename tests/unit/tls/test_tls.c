/* test_tls.c - certificate description and non-TLS classification, on
 * certificates the lab's PKI makes with known fields. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/x509.h>

#include "lab/pki.h"
#include "tls/tls.h"

static void describe_leaf(void **state)
{
  (void)state;
  char dir[] = "/tmp/mc-test-tls-XXXXXX";
  assert_non_null(mkdtemp(dir));
  struct mc_lab_pki *pki;
  char err[256];
  assert_int_equal(mc_lab_pki_new(&pki, dir, err, sizeof err), MC_OK);
  const char *names[] = { "mail.contoso.test", "autodiscover.contoso.test", NULL };
  struct mc_lab_leaf_spec spec = { .cn = "mail.contoso.test", .dns = names,
                                   .not_before_days = -1, .not_after_days = 20 };
  EVP_PKEY *key;
  X509 *cert;
  assert_int_equal(mc_lab_pki_leaf(pki, &spec, &key, &cert), MC_OK);
  unsigned char *der = NULL;
  int len = i2d_X509(cert, &der);
  struct mc_tls_cert c;
  assert_true(mc_tls_describe_der(der, (size_t)len, &c));
  assert_non_null(strstr(c.subject, "CN=mail.contoso.test"));
  assert_non_null(strstr(c.issuer, "CN=migcheck lab issuing CA 1"));
  assert_string_equal(c.sans, "DNS:mail.contoso.test, DNS:autodiscover.contoso.test");
  assert_true(c.days_left == 19 || c.days_left == 20);
  assert_false(c.self_signed);
  assert_false(c.is_ca);
  assert_string_equal(c.key, "EC prime256v1");
  assert_int_equal(strlen(c.sha256), 32 * 3 - 1);
  mc_tls_cert_release(&c);
  /* Truncated DER does not parse. */
  assert_false(mc_tls_describe_der(der, (size_t)len / 2, &c));
  OPENSSL_free(der);
  X509_free(cert);
  EVP_PKEY_free(key);

  spec.self_signed = true;
  spec.not_after_days = -3;
  assert_int_equal(mc_lab_pki_leaf(pki, &spec, &key, &cert), MC_OK);
  der = NULL;
  len = i2d_X509(cert, &der);
  assert_true(mc_tls_describe_der(der, (size_t)len, &c));
  assert_true(c.self_signed);
  assert_true(c.days_left < 0);
  mc_tls_cert_release(&c);
  OPENSSL_free(der);
  X509_free(cert);
  EVP_PKEY_free(key);
  mc_lab_pki_free(pki);
  char ca[512];
  snprintf(ca, sizeof ca, "%s/lab-ca.pem", dir);
  unlink(ca);
  rmdir(dir);
}

static void plain_bytes(void **state)
{
  (void)state;
  char out[256];
  const char http[] = "HTTP/1.1 400 Bad Request\r\nServer: Microsoft-HTTPAPI/2.0\r\n";
  mc_tls_describe_plain((const unsigned char *)http, sizeof http - 1, out, sizeof out);
  assert_non_null(strstr(out, "an HTTP response (\"HTTP/1.1 400 Bad Request\")"));
  mc_tls_describe_plain((const unsigned char *)"* OK ready\r\n", 12, out, sizeof out);
  assert_non_null(strstr(out, "IMAP"));
  const unsigned char bin[] = { 0x00, 0xff, 0x10 };
  mc_tls_describe_plain(bin, sizeof bin, out, sizeof out);
  assert_non_null(strstr(out, "00 ff 10"));
  mc_tls_describe_plain(bin, 0, out, sizeof out);
  assert_true(strlen(out) > 0);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(describe_leaf),
    cmocka_unit_test(plain_bytes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
