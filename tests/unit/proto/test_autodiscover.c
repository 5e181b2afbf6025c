/* test_autodiscover.c - the POX and SOAP parsers (real-shaped answers,
 * errors, hostile XML), the request builders, URL parsing and the redirect
 * policy. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/autodiscover.h"

static const char pox_settings[] =
  "<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n"
  "<Autodiscover xmlns=\"http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006\">\r\n"
  "  <Response xmlns=\"http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a\">\r\n"
  "    <User><DisplayName>Alice Smith</DisplayName>"
  "<LegacyDN>/o=Contoso/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=alice</LegacyDN>"
  "<AutoDiscoverSMTPAddress>alice@contoso.com</AutoDiscoverSMTPAddress></User>\r\n"
  "    <Account><AccountType>email</AccountType><Action>settings</Action>\r\n"
  "      <Protocol><Type>EXCH</Type><Server>2c1b@contoso.com</Server>"
  "<AuthPackage>Kerb</AuthPackage><ASUrl>https://ex01.contoso.local/EWS/Exchange.asmx</ASUrl>"
  "<EwsUrl>https://ex01.contoso.local/EWS/Exchange.asmx</EwsUrl></Protocol>\r\n"
  "      <Protocol><Type>EXPR</Type><Server>mail.contoso.com</Server><SSL>On</SSL>"
  "<AuthPackage>Ntlm</AuthPackage><EwsUrl>https://mail.contoso.com/EWS/Exchange.asmx</EwsUrl>"
  "</Protocol>\r\n"
  "      <Protocol><Type>WEB</Type><Internal><OWAUrl AuthenticationMethod=\"Ntlm\">"
  "https://ex01.contoso.local/owa/</OWAUrl></Internal><External><OWAUrl "
  "AuthenticationMethod=\"Fba\">https://mail.contoso.com/owa/</OWAUrl></External></Protocol>\r\n"
  "      <Protocol Type=\"mapiHttp\" Version=\"1\"><MailStore><ExternalUrl>x</ExternalUrl>"
  "</MailStore></Protocol>\r\n"
  "    </Account>\r\n  </Response>\r\n</Autodiscover>\r\n";

static void pox_settings_parse(void **state)
{
  (void)state;
  struct mc_ad_pox x;
  char err[256];
  assert_int_equal(mc_ad_pox_parse(pox_settings, strlen(pox_settings), &x, err, sizeof err),
                   MC_OK);
  assert_string_equal(x.action, "settings");
  assert_string_equal(x.display_name, "Alice Smith");
  assert_string_equal(x.smtp_address, "alice@contoso.com");
  assert_string_equal(x.response_ns, mc_ad_pox_response_schema);
  assert_int_equal(x.nproto, 4);
  const struct mc_ad_protocol *expr = mc_ad_pox_protocol(&x, "EXPR");
  assert_non_null(expr);
  assert_string_equal(expr->server, "mail.contoso.com");
  assert_string_equal(expr->auth_package, "Ntlm");
  assert_string_equal(expr->ews_url, "https://mail.contoso.com/EWS/Exchange.asmx");
  const struct mc_ad_protocol *exch = mc_ad_pox_protocol(&x, "exch");
  assert_string_equal(exch->server, "2c1b@contoso.com");
  assert_string_equal(exch->as_url, "https://ex01.contoso.local/EWS/Exchange.asmx");
  const struct mc_ad_protocol *web = mc_ad_pox_protocol(&x, "WEB");
  assert_string_equal(web->owa_url, "https://mail.contoso.com/owa/");
  assert_non_null(mc_ad_pox_protocol(&x, "mapiHttp"));
  assert_false(x.error);
  mc_ad_pox_release(&x);
}

static void pox_redirect_and_error(void **state)
{
  (void)state;
  static const char redir[] =
    "<Autodiscover xmlns=\"http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006\">"
    "<Response xmlns=\"https://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a\">"
    "<Account><Action>redirectAddr</Action><RedirectAddr>alice@sales.contoso.com</RedirectAddr>"
    "</Account></Response></Autodiscover>";
  static const char error[] =
    "<?xml version=\"1.0\" encoding=\"utf-8\"?><Autodiscover xmlns=\"http://schemas.microsoft.com/"
    "exchange/autodiscover/responseschema/2006\"><Response><Error Time=\"16:56:32\" Id=\"1\">"
    "<ErrorCode>600</ErrorCode><Message>Invalid Request</Message><DebugData /></Error>"
    "</Response></Autodiscover>";
  struct mc_ad_pox x;
  char err[256];
  assert_int_equal(mc_ad_pox_parse(redir, strlen(redir), &x, err, sizeof err), MC_OK);
  assert_string_equal(x.action, "redirectAddr");
  assert_string_equal(x.redirect_addr, "alice@sales.contoso.com");
  assert_int_equal(x.nproto, 0);
  mc_ad_pox_release(&x);
  assert_int_equal(mc_ad_pox_parse(error, strlen(error), &x, err, sizeof err), MC_OK);
  assert_true(x.error);
  assert_string_equal(x.error_code, "600");
  assert_string_equal(x.error_message, "Invalid Request");
  assert_null(x.action);
  mc_ad_pox_release(&x);
}

static void expect_refused(const char *doc, size_t n, const char *words)
{
  struct mc_ad_pox x;
  char err[256];
  mc_code rc = mc_ad_pox_parse(doc, n, &x, err, sizeof err);
  assert_true(rc == MC_ERR_PARSE || rc == MC_ERR_LIMIT);
  if(!strstr(err, words))
    fail_msg("error '%s' does not say '%s'", err, words);
}

static void pox_hostile(void **state)
{
  (void)state;
  /* Billion laughs: refused at the DOCTYPE, before any expansion. */
  static const char laughs[] =
    "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
    "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
    "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]>"
    "<Autodiscover>&lol3;</Autodiscover>";
  expect_refused(laughs, strlen(laughs), "DOCTYPE");
  static const char xxe[] =
    "<?xml version=\"1.0\"?><!DOCTYPE a SYSTEM \"file:///etc/passwd\"><Autodiscover/>";
  expect_refused(xxe, strlen(xxe), "DOCTYPE");
  /* Deep nesting. */
  struct mc_buf b = MC_BUF_INIT(1 << 20);
  mc_buf_addstr(&b, "<Autodiscover>");
  for(int i = 0; i < 100; i++)
    mc_buf_addstr(&b, "<a>");
  expect_refused(b.ptr, b.len, "nested deeper");
  mc_buf_release(&b);
  /* Too big. */
  size_t big = MC_AD_XML_MAX + 1;
  char *huge = malloc(big);
  memset(huge, ' ', big);
  expect_refused(huge, big, "limit");
  free(huge);
  /* Too many elements (each small). */
  b = (struct mc_buf)MC_BUF_INIT(MC_AD_XML_MAX);
  mc_buf_addstr(&b, "<Autodiscover>");
  for(int i = 0; i < MC_AD_XML_ELEMENTS + 5; i++)
    mc_buf_addstr(&b, "<a/>");
  mc_buf_addstr(&b, "</Autodiscover>");
  expect_refused(b.ptr, b.len, "elements");
  mc_buf_release(&b);
  /* Not XML, the wrong root, a mismatched tag, nothing. */
  expect_refused("<html><title>Login</title></html>", 33, "not <Autodiscover>");
  static const char broken[] = "<Autodiscover><Response>\n<Account></Response></Autodiscover>";
  expect_refused(broken, strlen(broken), "line 2");
  expect_refused("", 0, "empty");
  expect_refused("\x00\x01\x02garbage", 10, "line 1");
}

static void soap_parse(void **state)
{
  (void)state;
  static const char resp[] =
    "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" "
    "xmlns:a=\"http://www.w3.org/2005/08/addressing\"><s:Header><a:Action>x</a:Action></s:Header>"
    "<s:Body><GetUserSettingsResponseMessage xmlns=\"http://schemas.microsoft.com/exchange/2010/"
    "Autodiscover\"><Response xmlns:i=\"http://www.w3.org/2001/XMLSchema-instance\">"
    "<ErrorCode>NoError</ErrorCode><ErrorMessage/><UserResponses><UserResponse>"
    "<ErrorCode>NoError</ErrorCode><ErrorMessage>No error.</ErrorMessage>"
    "<RedirectTarget i:nil=\"true\"/><UserSettingErrors><UserSettingError>"
    "<ErrorCode>SettingIsNotAvailable</ErrorCode><ErrorMessage>User setting 'ExternalMailboxServer' "
    "is not available. </ErrorMessage><SettingName>ExternalMailboxServer</SettingName>"
    "</UserSettingError></UserSettingErrors><UserSettings>"
    "<UserSetting i:type=\"StringSetting\"><Name>UserDN</Name><Value>/o=Contoso/cn=alice</Value>"
    "</UserSetting><UserSetting i:type=\"StringSetting\"><Name>ExternalEwsUrl</Name>"
    "<Value>https://mail.contoso.com/EWS/Exchange.asmx</Value></UserSetting>"
    "<UserSetting i:type=\"StringSetting\"><Name>InternalRpcClientServer</Name><Value/>"
    "</UserSetting></UserSettings></UserResponse></UserResponses></Response>"
    "</GetUserSettingsResponseMessage></s:Body></s:Envelope>";
  struct mc_ad_soap x;
  char err[256];
  assert_int_equal(mc_ad_soap_parse(resp, strlen(resp), &x, err, sizeof err), MC_OK);
  assert_string_equal(x.error_code, "NoError");
  assert_string_equal(x.user_error_code, "NoError");
  assert_null(x.redirect_target);
  assert_int_equal(x.nsettings, 3);
  assert_string_equal(mc_ad_soap_setting(&x, "UserDN"), "/o=Contoso/cn=alice");
  assert_string_equal(mc_ad_soap_setting(&x, "ExternalEwsUrl"),
                      "https://mail.contoso.com/EWS/Exchange.asmx");
  assert_null(mc_ad_soap_setting(&x, "InternalRpcClientServer"));
  assert_null(mc_ad_soap_setting(&x, "ExternalMailboxServer"));
  assert_string_equal(x.setting_errors, "ExternalMailboxServer: SettingIsNotAvailable");
  mc_ad_soap_release(&x);

  static const char fault[] =
    "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\"><s:Body><s:Fault>"
    "<s:Code><s:Value>s:Sender</s:Value></s:Code><s:Reason><s:Text xml:lang=\"en\">"
    "The message could not be processed</s:Text></s:Reason></s:Fault></s:Body></s:Envelope>";
  assert_int_equal(mc_ad_soap_parse(fault, strlen(fault), &x, err, sizeof err), MC_OK);
  assert_true(x.fault);
  assert_string_equal(x.fault_text, "The message could not be processed");
  mc_ad_soap_release(&x);
  assert_int_equal(mc_ad_soap_parse("<Autodiscover/>", 15, &x, err, sizeof err),
                   MC_ERR_PARSE);
}

static void requests(void **state)
{
  (void)state;
  struct mc_buf b = MC_BUF_INIT(8192);
  assert_int_equal(mc_ad_pox_request(&b, "a<b>&c@contoso.com"), MC_OK);
  assert_non_null(strstr(b.ptr, "<EMailAddress>a&lt;b&gt;&amp;c@contoso.com</EMailAddress>"));
  assert_non_null(strstr(b.ptr, mc_ad_pox_request_ns));
  assert_non_null(strstr(b.ptr, mc_ad_pox_response_schema));
  mc_buf_release(&b);
  assert_int_equal(mc_ad_soap_request(&b, "https://autodiscover.contoso.com/autodiscover/"
                                      "autodiscover.svc", "alice@contoso.com"), MC_OK);
  for(int i = 0; mc_ad_migration_settings[i]; i++) {
    char want[128];
    snprintf(want, sizeof want, "<a:Setting>%s</a:Setting>", mc_ad_migration_settings[i]);
    assert_non_null(strstr(b.ptr, want));
  }
  assert_non_null(strstr(b.ptr, "<a:Mailbox>alice@contoso.com</a:Mailbox>"));
  /* The request we send parses as a SOAP envelope with our own parser. */
  struct mc_ad_soap x;
  char err[256];
  assert_int_equal(mc_ad_soap_parse(b.ptr, b.len, &x, err, sizeof err), MC_OK);
  mc_ad_soap_release(&x);
  mc_buf_release(&b);
}

static void urls(void **state)
{
  (void)state;
  struct mc_ad_url u;
  assert_int_equal(mc_ad_url_parse("HTTPS://Mail.Contoso.COM./autodiscover/autodiscover.xml",
                                   &u), MC_OK);
  assert_string_equal(u.scheme, "https");
  assert_string_equal(u.host, "mail.contoso.com");
  assert_int_equal(u.port, 443);
  assert_false(u.explicit_port);
  assert_string_equal(u.path, "/autodiscover/autodiscover.xml");
  assert_int_equal(mc_ad_url_parse("http://autodiscover.contoso.com:8080", &u), MC_OK);
  assert_int_equal(u.port, 8080);
  assert_string_equal(u.path, "/");
  const char *bad[] = {
    "ftp://x.com/", "https://user:pw@evil.com/", "https://good.com@evil.com/", "https://",
    "https://:443/", "https://a.com:0/", "https://a.com:99999/", "https://a..com/",
    "https://a.com/pa th", "https://[::1]/", "mail.contoso.com/autodiscover", NULL
  };
  for(int i = 0; bad[i]; i++) {
    if(mc_ad_url_parse(bad[i], &u) == MC_OK)
      fail_msg("'%s' parsed", bad[i]);
  }
}

static void policy(void **state)
{
  (void)state;
  char d[256];
  assert_true(mc_ad_email_domain("Alice@Contoso.COM", d, sizeof d));
  assert_string_equal(d, "contoso.com");
  assert_false(mc_ad_email_domain("alice@com", d, sizeof d));
  assert_false(mc_ad_email_domain("alice", d, sizeof d));
  assert_false(mc_ad_email_domain("a@b@contoso.com", d, sizeof d));
  assert_false(mc_ad_email_domain("@contoso.com", d, sizeof d));
  assert_false(mc_ad_email_domain("a b@contoso.com", d, sizeof d));
  assert_true(mc_ad_host_in_domain("autodiscover.contoso.com", "contoso.com"));
  assert_true(mc_ad_host_in_domain("CONTOSO.com.", "contoso.com"));
  assert_false(mc_ad_host_in_domain("evilcontoso.com", "contoso.com"));
  assert_false(mc_ad_host_in_domain("autodiscover.com", "contoso.com"));
  assert_false(mc_ad_host_in_domain("contoso.com.evil.net", "contoso.com"));
  const char *allowed[] = { "outlook.com" };
  assert_int_equal(mc_ad_redirect_policy("https://mail.contoso.com/a", "contoso.com", NULL, 0,
                                         NULL), MC_AD_SAFE);
  assert_int_equal(mc_ad_redirect_policy("http://mail.contoso.com/a", "contoso.com", NULL, 0,
                                         NULL), MC_AD_PLAIN_HTTP);
  /* The 2021 leak: autodiscover.<TLD> is outside the user's domain. */
  assert_int_equal(mc_ad_redirect_policy("https://autodiscover.com/autodiscover/"
                                         "autodiscover.xml", "contoso.com", NULL, 0, NULL),
                   MC_AD_OTHER_DOMAIN);
  assert_int_equal(mc_ad_redirect_policy("https://autodiscover-s.outlook.com/x", "contoso.com",
                                         allowed, 1, NULL), MC_AD_ALLOWED);
  assert_int_equal(mc_ad_redirect_policy("http://autodiscover-s.outlook.com/x", "contoso.com",
                                         allowed, 1, NULL), MC_AD_PLAIN_HTTP);
  assert_int_equal(mc_ad_redirect_policy("https://contoso.com@evil.net/", "contoso.com", NULL,
                                         0, NULL), MC_AD_BAD_URL);
  assert_int_equal(mc_ad_address_policy("alice@sales.contoso.com", "contoso.com", NULL, 0),
                   MC_AD_SAFE);
  assert_int_equal(mc_ad_address_policy("alice@fabrikam.com", "contoso.com", NULL, 0),
                   MC_AD_OTHER_DOMAIN);
  assert_int_equal(mc_ad_address_policy("alice@tenant.outlook.com", "contoso.com", allowed, 1),
                   MC_AD_ALLOWED);
  assert_int_equal(mc_ad_address_policy("nonsense", "contoso.com", NULL, 0), MC_AD_BAD_URL);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(pox_settings_parse),
    cmocka_unit_test(pox_redirect_and_error),
    cmocka_unit_test(pox_hostile),
    cmocka_unit_test(soap_parse),
    cmocka_unit_test(requests),
    cmocka_unit_test(urls),
    cmocka_unit_test(policy),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
