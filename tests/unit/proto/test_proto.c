/* test_proto.c - X-FailureContext, build numbers, auth challenges, base64. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "http/http.h"
#include "proto/ews.h"
#include "proto/ntlm.h"
#include "util/base64.h"

static void padded_envelope_is_exact(void **state)
{
  (void)state;
  struct mc_buf b = MC_BUF_INIT(1 << 20);
  mc_ews_mrs_envelope_padded(&b, "mail.contoso.com", 443, 100000);
  assert_int_equal(b.len, 100000);
  assert_true(strncmp(b.ptr, "<?xml", 5) == 0);
  assert_non_null(strstr(b.ptr, "</mc:Padding></s:Header><s:Body><ExchangeVersionInformation"));
  assert_true(strcmp(b.ptr + b.len - 13, "</s:Envelope>") == 0);
  mc_buf_release(&b);
}

static void failure_context_decodes(void **state)
{
  (void)state;
  struct mc_ews_failure f;
  assert_int_equal(mc_ews_failure_parse("FrontEnd;401;VW5hdXRob3JpemVk;;;;", &f), MC_OK);
  assert_string_equal(f.point, "FrontEnd");
  assert_string_equal(f.status, "401");
  assert_string_equal(f.error, "Unauthorized");
  assert_string_equal(f.details, "");
  assert_int_equal(mc_ews_failure_parse("no separators", &f), MC_ERR_PARSE);
  /* Not base64: kept as given. */
  assert_int_equal(mc_ews_failure_parse("BackEnd;500;not base64!;;2014", &f), MC_OK);
  assert_string_equal(f.error, "not base64!");
  assert_string_equal(f.suberror, "2014");
}

static void builds_map_to_products(void **state)
{
  (void)state;
  assert_string_equal(mc_ews_product_of_build("15.2.1118.7"), "Exchange 2019");
  assert_string_equal(mc_ews_product_of_build("Exchange/15.01.2176.009"), "Exchange 2016");
  assert_string_equal(mc_ews_product_of_build("15.0.1497.2"), "Exchange 2013");
  assert_string_equal(mc_ews_product_of_build("14.3.513.0"), "Exchange 2010");
  assert_null(mc_ews_product_of_build("10.0"));
  assert_null(mc_ews_product_of_build("junk"));
  assert_null(mc_ews_product_of_build(NULL));
}

static void auth_schemes_parse(void **state)
{
  (void)state;
  struct mc_http_header h[] = {
    { "WWW-Authenticate", "Negotiate,NTLM" },
    { "www-authenticate", "Basic realm=\"mail.contoso.com\", charset=\"UTF-8\"" },
  };
  struct mc_http_msg m = { 401, "HTTP/1.1 401", h, 2 };
  char realm[64];
  unsigned s = mc_http_auth_schemes(&m, realm, sizeof realm);
  assert_int_equal(s, MC_HTTP_SCHEME_NEGOTIATE | MC_HTTP_SCHEME_NTLM | MC_HTTP_SCHEME_BASIC);
  assert_string_equal(realm, "mail.contoso.com");
  struct mc_http_header h2[] = { { "WWW-Authenticate", "NTLM TlRMTVNTUAACAAAA==" } };
  struct mc_http_msg m2 = { 401, "HTTP/1.1 401", h2, 1 };
  assert_int_equal(mc_http_auth_schemes(&m2, realm, sizeof realm), MC_HTTP_SCHEME_NTLM);
  char text[64];
  assert_string_equal(mc_http_schemes_text(MC_HTTP_SCHEME_BASIC | MC_HTTP_SCHEME_NTLM, text,
                                           sizeof text), "NTLM, Basic");
}

static void base64_round_trip(void **state)
{
  (void)state;
  struct mc_buf e = MC_BUF_INIT(64), d = MC_BUF_INIT(64);
  assert_int_equal(mc_base64_encode(&e, "Unauthorized", 12), MC_OK);
  assert_string_equal(e.ptr, "VW5hdXRob3JpemVk");
  assert_int_equal(mc_base64_decode(&d, e.ptr, e.len), MC_OK);
  assert_string_equal(d.ptr, "Unauthorized");
  mc_buf_reset(&d);
  assert_int_equal(mc_base64_decode(&d, "a", 1), MC_ERR_PARSE);
  assert_int_equal(mc_base64_decode(&d, "ab$d", 4), MC_ERR_PARSE);
  mc_buf_release(&e);
  mc_buf_release(&d);
}

static void negotiate_message_is_type1(void **state)
{
  (void)state;
  struct mc_buf b64 = MC_BUF_INIT(256), raw = MC_BUF_INIT(256);
  mc_ntlm_negotiate_b64(&b64);
  assert_int_equal(mc_base64_decode(&raw, b64.ptr, b64.len), MC_OK);
  assert_int_equal(raw.len, 32);
  assert_memory_equal(raw.ptr, "NTLMSSP\0\1\0\0\0", 12);
  struct mc_ntlm_info info;
  assert_int_equal(mc_ntlm_challenge_parse((const unsigned char *)raw.ptr, raw.len, &info),
                   MC_ERR_PARSE);
  mc_buf_release(&b64);
  mc_buf_release(&raw);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(padded_envelope_is_exact),
    cmocka_unit_test(failure_context_decodes),
    cmocka_unit_test(builds_map_to_products),
    cmocka_unit_test(auth_schemes_parse),
    cmocka_unit_test(base64_round_trip),
    cmocka_unit_test(negotiate_message_is_type1),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
