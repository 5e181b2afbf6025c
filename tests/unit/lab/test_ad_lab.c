/* test_ad_lab.c - the lab's Autodiscover responder (request bytes in,
 * answer out) and its DNS server (query datagram in, answer out). The
 * answers are read back with the checks' own parsers: the two sides were
 * written apart, so agreeing here means both follow the wire format. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "lab/autodiscover.h"
#include "lab/dns_server.h"
#include "proto/autodiscover.h"

struct exchange {
  char raw[4096];
  struct mc_lab_http_req q;
  struct mc_lab_ad_reply r;
};

static void ask(struct exchange *x, const char *scenario, bool tls, const char *host,
                const char *method, const char *path, const char *body, bool signed_in)
{
  int n = snprintf(x->raw, sizeof x->raw, "%s %s HTTP/1.1\r\nHost: %s:443\r\n"
                   "Content-Length: %zu\r\n\r\n%s", method, path, host, strlen(body), body);
  assert_true(n > 0 && (size_t)n < sizeof x->raw);
  assert_int_equal(mc_lab_http_parse(x->raw, (size_t)n, &x->q), MC_LAB_HTTP_DONE);
  x->r = (struct mc_lab_ad_reply){ .head = MC_BUF_INIT(16384), .body = MC_BUF_INIT(65536) };
  const struct mc_lab_scenario *sc = mc_lab_find_scenario(scenario);
  assert_non_null(sc);
  assert_int_equal(mc_lab_ad_respond(sc->ad, tls, host, &x->q, x->raw + x->q.head_len,
                                     signed_in, &x->r), MC_OK);
}

static void done(struct exchange *x)
{
  mc_buf_release(&x->r.head);
  mc_buf_release(&x->r.body);
}

static void pox_answers(void **state)
{
  (void)state;
  struct mc_buf req = MC_BUF_INIT(8192);
  mc_ad_pox_request(&req, "migadmin@contoso.test");
  struct exchange x;
  /* Unsigned: a 401 with the three schemes. */
  ask(&x, "autodiscover-healthy", true, "autodiscover.contoso.test", "POST",
      "/autodiscover/autodiscover.xml", req.ptr, false);
  assert_int_equal(x.r.status, 401);
  assert_non_null(strstr(x.r.head.ptr, "WWW-Authenticate: NTLM"));
  assert_non_null(strstr(x.r.head.ptr, "WWW-Authenticate: Basic"));
  done(&x);
  /* Signed in: settings our parser reads. */
  ask(&x, "autodiscover-healthy", true, "autodiscover.contoso.test", "POST",
      "/autodiscover/autodiscover.xml", req.ptr, true);
  assert_int_equal(x.r.status, 200);
  struct mc_ad_pox pox;
  char err[256];
  assert_int_equal(mc_ad_pox_parse(x.r.body.ptr, x.r.body.len, &pox, err, sizeof err), MC_OK);
  assert_string_equal(pox.action, "settings");
  assert_string_equal(mc_ad_pox_protocol(&pox, "EXPR")->ews_url,
                      "https://mail.contoso.test/EWS/Exchange.asmx");
  mc_ad_pox_release(&pox);
  done(&x);
  /* The root domain is a web site; port 80 is not Autodiscover. */
  ask(&x, "autodiscover-healthy", true, "contoso.test", "POST",
      "/autodiscover/autodiscover.xml", req.ptr, false);
  assert_int_equal(x.r.status, 404);
  done(&x);
  ask(&x, "autodiscover-cross-domain-redirect", false, "autodiscover.contoso.test", "GET",
      "/autodiscover/autodiscover.xml", "", false);
  assert_int_equal(x.r.status, 302);
  assert_non_null(strstr(x.r.head.ptr, "Location: https://autodiscover.contoso-hosting.test/"));
  done(&x);
  /* redirectAddr, then settings for the new address. */
  ask(&x, "autodiscover-redirect-addr", true, "autodiscover.contoso.test", "POST",
      "/autodiscover/autodiscover.xml", req.ptr, true);
  assert_int_equal(mc_ad_pox_parse(x.r.body.ptr, x.r.body.len, &pox, err, sizeof err), MC_OK);
  assert_string_equal(pox.redirect_addr, "migadmin@sales.contoso.test");
  mc_ad_pox_release(&pox);
  done(&x);
  /* Broken XML is refused by the parser with a line number. */
  ask(&x, "autodiscover-bad-xml", true, "autodiscover.contoso.test", "POST",
      "/autodiscover/autodiscover.xml", req.ptr, true);
  assert_int_not_equal(mc_ad_pox_parse(x.r.body.ptr, x.r.body.len, &pox, err, sizeof err),
                       MC_OK);
  assert_non_null(strstr(err, "line"));
  done(&x);
  /* A request without the request schema, an unknown mailbox. */
  ask(&x, "autodiscover-healthy", true, "autodiscover.contoso.test", "POST",
      "/autodiscover/autodiscover.xml", "<x/>", true);
  assert_non_null(strstr(x.r.body.ptr, "<ErrorCode>600</ErrorCode>"));
  done(&x);
  mc_buf_reset(&req);
  mc_ad_pox_request(&req, "nobody@contoso.test");
  ask(&x, "autodiscover-healthy", true, "autodiscover.contoso.test", "POST",
      "/autodiscover/autodiscover.xml", req.ptr, true);
  assert_non_null(strstr(x.r.body.ptr, "<ErrorCode>500</ErrorCode>"));
  done(&x);
  mc_buf_release(&req);
}

static void soap_answers(void **state)
{
  (void)state;
  struct mc_buf req = MC_BUF_INIT(16384);
  mc_ad_soap_request(&req, "https://autodiscover.contoso.test/autodiscover/autodiscover.svc",
                     "migadmin@contoso.test");
  struct exchange x;
  struct mc_ad_soap soap;
  char err[256];
  ask(&x, "autodiscover-no-oa-settings", true, "autodiscover.contoso.test", "POST",
      "/autodiscover/autodiscover.svc", req.ptr, true);
  assert_int_equal(mc_ad_soap_parse(x.r.body.ptr, x.r.body.len, &soap, err, sizeof err),
                   MC_OK);
  assert_string_equal(soap.user_error_code, "NoError");
  assert_null(mc_ad_soap_setting(&soap, "ExternalMailboxServer"));
  assert_non_null(mc_ad_soap_setting(&soap, "UserDN"));
  assert_non_null(strstr(soap.setting_errors, "ExternalMailboxServer: SettingIsNotAvailable"));
  mc_ad_soap_release(&soap);
  done(&x);
  mc_buf_release(&req);
}

static void dns_answers(void **state)
{
  (void)state;
  static const struct mc_lab_dns_record recs[] = {
    { "_autodiscover._tcp.contoso.test", 33, "mail.contoso.test", 0, 5, 8443 },
  };
  /* id 0x1234, RD, one question: _autodiscover._tcp.contoso.test SRV IN. */
  static const unsigned char q[] = "\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00"
    "\x0d_autodiscover\x04_tcp\x07" "contoso\x04test\x00\x00\x21\x00\x01";
  unsigned char a[512];
  size_t n = mc_lab_dns_answer(recs, 1, q, sizeof q - 1, a, sizeof a);
  assert_true(n > sizeof q - 1);
  assert_int_equal(a[0], 0x12);
  assert_int_equal(a[2] & 0x84, 0x84);          /* QR, AA */
  assert_int_equal(a[3] & 0x0f, 0);             /* NOERROR */
  assert_int_equal(a[7], 1);                    /* one answer */
  /* SRV rdata: priority 0, weight 5, port 8443, then the target. */
  const unsigned char *rd = a + (sizeof q - 1) + 12;
  assert_int_equal(rd[0] << 8 | rd[1], 0);
  assert_int_equal(rd[2] << 8 | rd[3], 5);
  assert_int_equal(rd[4] << 8 | rd[5], 8443);
  assert_memory_equal(rd + 6, "\x04mail\x07" "contoso\x04test\x00", 19);
  /* Another name: NXDOMAIN; the name with another type: NODATA. */
  unsigned char q2[sizeof q];
  memcpy(q2, q, sizeof q);
  q2[13] = 'X';
  n = mc_lab_dns_answer(recs, 1, q2, sizeof q - 1, a, sizeof a);
  assert_int_equal(a[3] & 0x0f, 3);
  memcpy(q2, q, sizeof q);
  q2[sizeof q - 4] = 1;                         /* type A */
  n = mc_lab_dns_answer(recs, 1, q2, sizeof q - 1, a, sizeof a);
  assert_int_equal(a[3] & 0x0f, 0);
  assert_int_equal(a[7], 0);
  /* Junk: dropped, or FORMERR. */
  assert_int_equal(mc_lab_dns_answer(recs, 1, q, 5, a, sizeof a), 0);
  n = mc_lab_dns_answer(recs, 1, (const unsigned char *)"\x00\x01\x00\x00\x00\x01\x00\x00"
                        "\x00\x00\x00\x00\x3f", 13, a, sizeof a);
  assert_int_equal(n, 12);
  assert_int_equal(a[3] & 0x0f, 1);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(pox_answers),
    cmocka_unit_test(soap_answers),
    cmocka_unit_test(dns_answers),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
