/*
 * scenarios.c - the lab's scenario table: one row per fault the field shows.
 *
 * A row names the scenario, the migcheck command that exercises it, what
 * the server does wrong, the cause ids a correct diagnosis must name (none:
 * the check must pass, or end unknown where the row sets .unknown), how
 * to start it, and the profile of its servers (.ews, .oa, .ad, .imap or
 * .hostile: the only place their behaviour is set). demo and the
 * end-to-end tests walk this table; adding a scenario is one row plus its
 * test case (tests/e2e/scenarios.py checks that every row has one).
 */
#include "lab/scenarios.h"
#include "lab/autodiscover.h"
#include "lab/exchange.h"
#include "lab/hostile.h"
#include "lab/imap.h"
#include "lab/net_faults.h"
#include "lab/rpcproxy.h"
#include "lab/tls_server.h"
#include "cause_ids.h"       /* generated from the catalogue (lib/model/meson.build) */

#include <openssl/ssl.h>

#define EXPECT(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define EXPECT_PASS ((const char *const[]){ NULL })

const struct mc_lab_scenario mc_lab_scenarios[] = {
  /* Network and TLS (KB 2903050: reach the port, trust the certificate). */
  { "healthy-tls", "tls", "a correct certificate chain, TLS 1.2 and 1.3",
    EXPECT_PASS, mc_lab_tls_start, TLS1_2_VERSION, TLS1_3_VERSION, MC_LAB_CERT_GOOD },
  { "port-refused", "ports", "nothing listens on the port",
    EXPECT(MC_CAUSE_TCP_REFUSED), mc_lab_refused_start, 0, 0, 0 },
  { "port-blackhole", "ports", "connection attempts are never answered",
    EXPECT(MC_CAUSE_TCP_TIMEOUT), mc_lab_blackhole_start, 0, 0, 0 },
  { "reset-on-connect", "ports", "a device accepts the connection, then resets it",
    EXPECT(MC_CAUSE_TCP_RESET), mc_lab_reset_start, 0, 0, 0 },
  { "plain-http-on-443", "tls", "plain HTTP where TLS is expected (SSL offloading)",
    EXPECT(MC_CAUSE_TLS_NOT_TLS), mc_lab_plain_http_start, 0, 0, 0 },
  { "self-signed", "tls", "a self-signed certificate",
    EXPECT(MC_CAUSE_TLS_CERT_UNTRUSTED), mc_lab_tls_start, TLS1_2_VERSION, TLS1_3_VERSION,
    MC_LAB_CERT_SELF_SIGNED },
  { "name-mismatch", "tls", "a trusted certificate for another name",
    EXPECT(MC_CAUSE_TLS_CERT_NAME_MISMATCH), mc_lab_tls_start, TLS1_2_VERSION, TLS1_3_VERSION,
    MC_LAB_CERT_OTHER_NAME },
  { "expired", "tls", "a certificate past its notAfter date",
    EXPECT(MC_CAUSE_TLS_CERT_EXPIRED), mc_lab_tls_start, TLS1_2_VERSION, TLS1_3_VERSION,
    MC_LAB_CERT_EXPIRED },
  { "chain-incomplete", "tls", "the intermediate certificate is not sent",
    EXPECT(MC_CAUSE_TLS_CERT_CHAIN_INCOMPLETE), mc_lab_tls_start, TLS1_2_VERSION, TLS1_3_VERSION,
    MC_LAB_CERT_NO_CHAIN },
  { "tls10-only", "tls", "only TLS 1.0 is enabled",
    EXPECT(MC_CAUSE_TLS_PROTOCOL_TOO_OLD), mc_lab_tls_start, TLS1_VERSION, TLS1_VERSION,
    MC_LAB_CERT_GOOD },
  { "expiring-soon", "tls", "a good certificate that expires in 10 days",
    EXPECT(MC_CAUSE_TLS_CERT_EXPIRES_SOON), mc_lab_tls_start, TLS1_2_VERSION, TLS1_3_VERSION,
    MC_LAB_CERT_EXPIRING },
  { .name = "tls-cipher-mismatch", .check = "tls", .summary = "TLS 1.2 and 1.3 with only "
    "ChaCha20-Poly1305 suites, none of those Windows Server's Schannel offers",
    .expect = EXPECT(MC_CAUSE_TLS_CLOUD_CIPHER_MISMATCH), .start = mc_lab_tls_start,
    .tls_min = TLS1_2_VERSION, .tls_max = TLS1_3_VERSION, .cert = MC_LAB_CERT_GOOD,
    .ciphers12 = "ECDHE-ECDSA-CHACHA20-POLY1305", .ciphers13 = "TLS_CHACHA20_POLY1305_SHA256" },
  { "long-chain", "tls", "a good certificate sent with its intermediate 200 times over "
    "(201 certificates)", EXPECT_PASS, mc_lab_tls_start, TLS1_2_VERSION, TLS1_3_VERSION,
    MC_LAB_CERT_LONG_CHAIN },
  { "tls-trickle", "tls", "sends one byte a second and never finishes a handshake",
    EXPECT(MC_CAUSE_TLS_HANDSHAKE_FAILED), mc_lab_trickle_start, 0, 0, 0 },
  /* Exchange front end: EWS and MRSProxy (the hybrid remote move through MRSProxy). */
#define EWS(name, summary, expect, ...) \
  { name, "remote-move", summary, expect, mc_lab_exchange_start, TLS1_2_VERSION, \
    TLS1_3_VERSION, MC_LAB_CERT_GOOD, \
    .ews = &(const struct mc_lab_ews_profile){ __VA_ARGS__ } }
  EWS("exchange2016-healthy", "Exchange 2016: EWS and MRSProxy published, NTLM and Basic",
      EXPECT_PASS,
      2016, { "EX16-01" }, .signs_in = true, .ep = MC_LAB_EP_ALLOW),
  EWS("exchange2010-healthy", "Exchange 2010 CAS: EWS and MRSProxy published, NTLM and Basic",
      EXPECT_PASS,
      2010, { "CAS10-01" }, .signs_in = true),
  EWS("ews-not-published", "/EWS is not published: a plain IIS answers 404",
      EXPECT(MC_CAUSE_EWS_NOT_PUBLISHED),
      2016, { "WEB-01" }, .front = MC_LAB_EWS_FRONT_NOT_PUBLISHED),
  EWS("mrsproxy-url-blocked", "a URL filter passes Exchange.asmx but resets mrsproxy.svc",
      EXPECT(MC_CAUSE_MRSPROXY_URL_BLOCKED),
      2016, { "EX16-02" }, .front = MC_LAB_EWS_FRONT_MRS_RESET),
  EWS("mrsproxy-disabled", "MRSProxy is off: 403 \"MRS proxy service is disabled\" after login",
      EXPECT(MC_CAUSE_MRSPROXY_DISABLED),
      2016, { "EX16-03" }, .mrsproxy_off = { true }, .signs_in = true),
  EWS("mrsproxy-handler-missing", "Exchange 2010 without the svc-Integrated handler: 405",
      EXPECT(MC_CAUSE_MRSPROXY_HANDLER_MISSING),
      2010, { "CAS10-02" }, .handler_missing = true, .signs_in = true),
  EWS("windows-auth-off", "Windows authentication off on EWS: only Basic is offered",
      EXPECT(MC_CAUSE_EWS_WINDOWS_AUTH_DISABLED),
      2016, { "EX16-04" }, .no_windows_auth = true),
  EWS("bad-credentials", "the account's password was changed: NTLM ends in 401",
      EXPECT(MC_CAUSE_AUTH_BAD_CREDENTIALS),
      2016, { "EX16-05" }, .account_changed = true, .signs_in = true),
  EWS("preauth-login-redirect", "a reverse proxy redirects /EWS to its login form (TMG)",
      EXPECT(MC_CAUSE_HTTP_PREAUTH),
      2016, { "EX16-06" }, .front = MC_LAB_EWS_FRONT_LOGIN_REDIRECT),
  EWS("preauth-foreign-basic", "a gateway asks for its own Basic login in front of Exchange",
      EXPECT(MC_CAUSE_HTTP_PREAUTH),
      2016, { "EX16-07" }, .front = MC_LAB_EWS_FRONT_FOREIGN_BASIC),
  EWS("service-unavailable", "the EWS application pool on the back end is stopped: 503",
      EXPECT(MC_CAUSE_HTTP_SERVICE_UNAVAILABLE),
      2016, { "EX16-08" }, .fault = MC_LAB_EWS_FAULT_UNAVAILABLE),
  EWS("server-error", "EWS fails with 500 and an X-FailureContext after a broken update",
      EXPECT(MC_CAUSE_HTTP_SERVER_ERROR),
      2016, { "EX16-09" }, .fault = MC_LAB_EWS_FAULT_SERVER_ERROR),
  EWS("slow-backend", "TLS works, then the request is never answered",
      EXPECT(MC_CAUSE_HTTP_TIMEOUT),
      2016, { "EX16-10" }, .fault = MC_LAB_EWS_FAULT_SLOW),
  EWS("lb-no-affinity", "two Exchange 2010 CAS behind a load balancer without persistence",
      EXPECT(MC_CAUSE_LB_NO_AFFINITY),
      2010, { "CAS10-11", "CAS10-12" }),
  EWS("lb-passive-server", "two Exchange 2016 servers behind a load balancer, one with "
      "MRSProxy off", EXPECT(MC_CAUSE_LB_INCONSISTENT_BACKENDS, MC_CAUSE_MRSPROXY_DISABLED),
      2016, { "EX16-11", "EX16-12" }, .mrsproxy_off = { false, true }, .signs_in = true),
  /* The request size MRS sends (a WAF, a reverse proxy, IIS request filtering, WCF). */
  EWS("mrsproxy-body-limit", "a reverse proxy refuses request bodies over 1 MiB on "
      "mrsproxy.svc with 413", EXPECT(MC_CAUSE_HTTP_REQUEST_TOO_LARGE),
      2016, { "EX16-33" }, .signs_in = true, .body_limit = 1024 * 1024,
      .limit = MC_LAB_EWS_LIMIT_413),
  EWS("mrsproxy-iis-content-length", "IIS request filtering: maxAllowedContentLength 2 MiB "
      "on /EWS (404.13)", EXPECT(MC_CAUSE_HTTP_REQUEST_TOO_LARGE),
      2016, { "EX16-34" }, .signs_in = true, .body_limit = 2 * 1024 * 1024,
      .limit = MC_LAB_EWS_LIMIT_IIS_404_13),
  EWS("waf-drops-large-post", "a WAF resets the connection during uploads over 1.5 MiB",
      EXPECT(MC_CAUSE_HTTP_REQUEST_TOO_LARGE),
      2016, { "EX16-35" }, .body_limit = 1536 * 1024, .limit = MC_LAB_EWS_LIMIT_DROP),
  EWS("mrsproxy-wcf-quota", "Exchange 2010 with MRSProxy's WCF maxReceivedMessageSize at "
      "1 MiB: 400 for larger messages", EXPECT(MC_CAUSE_MRSPROXY_WCF_QUOTA),
      2010, { "CAS10-36" }, .signs_in = true, .wcf_quota = 1048576),
  EWS("lb-one-server-503", "two Exchange 2016 servers behind a round-robin load balancer; "
      "the second one's EWS application pool is stopped (503)",
      EXPECT(MC_CAUSE_LB_INCONSISTENT_BACKENDS, MC_CAUSE_HTTP_SERVICE_UNAVAILABLE),
      2016, { "EX16-31", "EX16-32" }, .pool_down = { false, true }),
  /* Extended Protection (Exchange 2019 CU14 default; the August 2022 SU). */
  EWS("ep-require-healthy", "Exchange 2019, Extended Protection Require on EWS: NTLM must "
      "carry the channel binding", EXPECT_PASS,
      2019, { "EX19-01" }, .signs_in = true, .ep = MC_LAB_EP_REQUIRE),
  EWS("ep-behind-ssl-offload", "Extended Protection Require behind a load balancer that "
      "terminates TLS with its own certificate", EXPECT(MC_CAUSE_AUTH_EXTENDED_PROTECTION),
      2019, { "EX19-02" }, .signs_in = true, .ep = MC_LAB_EP_REQUIRE,
      .relay = MC_LAB_EWS_RELAY_OTHER_CERT),
  EWS("ep-bridging-same-cert", "Extended Protection Require behind SSL bridging with "
      "Exchange's own certificate and key", EXPECT_PASS,
      2019, { "EX19-03" }, .signs_in = true, .ep = MC_LAB_EP_REQUIRE,
      .relay = MC_LAB_EWS_RELAY_SAME_CERT),
  EWS("ep-offload-no-basic", "Extended Protection Require behind a TLS-terminating device "
      "that names itself in Via; Basic is off", EXPECT(MC_CAUSE_AUTH_EXTENDED_PROTECTION,
      MC_CAUSE_EWS_BASIC_AUTH_DISABLED),
      2019, { "EX19-04" }, .signs_in = true, .ep = MC_LAB_EP_REQUIRE,
      .relay = MC_LAB_EWS_RELAY_OTHER_CERT, .no_basic_auth = true, .via = "1.1 lb01.contoso.test"),
  /* Every address of the name (RFC 6724: the client may take any of them). */
  { "addr-second-refused", "remote-move", "mail.contoso.test has two addresses; nothing "
    "listens on the second (a stale record)",
    EXPECT(MC_CAUSE_DNS_ADDRESSES_DISAGREE, MC_CAUSE_TCP_REFUSED),
    mc_lab_exchange_start, TLS1_2_VERSION, TLS1_3_VERSION, MC_LAB_CERT_GOOD,
    MC_LAB_ADDRS_SECOND_REFUSED,
    .ews = &(const struct mc_lab_ews_profile){ 2016, { "EX16-21" }, .signs_in = true } },
  { "addr-second-other-cert", "remote-move", "the name's second address is another site "
    "whose certificate is for other names", EXPECT(MC_CAUSE_DNS_ADDRESSES_DISAGREE,
    MC_CAUSE_TLS_CERT_NAME_MISMATCH), mc_lab_exchange_start, TLS1_2_VERSION, TLS1_3_VERSION,
    MC_LAB_CERT_GOOD, MC_LAB_ADDRS_SECOND_OTHER,
    .ews = &(const struct mc_lab_ews_profile){ 2016, { "EX16-23" }, .signs_in = true } },
  { "exchange2016-ipv6-only", "remote-move", "Exchange 2016 published on an AAAA record "
    "only (::1)", EXPECT_PASS, mc_lab_exchange_start, TLS1_2_VERSION, TLS1_3_VERSION,
    MC_LAB_CERT_GOOD, MC_LAB_ADDRS_V6_ONLY,
    .ews = &(const struct mc_lab_ews_profile){ 2016, { "EX16-22" }, .signs_in = true } },
  EWS("ntlm-challenge-mangled", "a device rewrites NTLM challenges: TargetInfo points outside "
      "the message", EXPECT(MC_CAUSE_AUTH_NTLM_CHALLENGE_BROKEN),
      2016, { "EX16-13" }, .signs_in = true, .mangled_challenge = true),
  EWS("echo-credentials", "after the NTLM login, the Basic login gets a 403 that repeats the "
      "password (X-FailureContext, title, Location)", EXPECT_PASS,
      2016, { "EX16-21" }, .echo_credentials = true, .signs_in = true),
  EWS("negotiate-blocked", "a device passes anonymous requests but resets every request "
      "carrying an Authorization header (the NTLM negotiate)",
      EXPECT(MC_CAUSE_AUTH_NEGOTIATE_BLOCKED),
      2016, { "EX16-14" }, .auth_block = MC_LAB_EWS_BLOCK_RESET),
  EWS("negotiate-stalled", "a device passes anonymous requests but holds every request "
      "carrying an Authorization header unanswered", EXPECT(MC_CAUSE_AUTH_NEGOTIATE_BLOCKED),
      2016, { "EX16-20" }, .auth_block = MC_LAB_EWS_BLOCK_STALL),
  EWS("login-blocked-403", "a WAF answers every request carrying an Authorization header "
      "with its own 403 page", EXPECT(MC_CAUSE_AUTH_NEGOTIATE_BLOCKED),
      2016, { "EX16-15" }, .auth_block = MC_LAB_EWS_BLOCK_DEVICE_403, .signs_in = true),
  EWS("login-redirected", "a device redirects every request carrying an Authorization header "
      "to its login policy", EXPECT(MC_CAUSE_AUTH_NEGOTIATE_BLOCKED),
      2016, { "EX16-16" }, .auth_block = MC_LAB_EWS_BLOCK_REDIRECT, .signs_in = true),
  EWS("oversized-header", "a device adds a 120 KB cookie header to every answer",
      EXPECT(MC_CAUSE_HTTP_RESPONSE_HEADER_TOO_LARGE),
      2016, { "EX16-17" }, .huge_header = true),
  EWS("lb-one-expired", "two Exchange 2016 servers behind a load balancer that passes TLS "
      "through; one presents an expired certificate", EXPECT(MC_CAUSE_TLS_CERT_EXPIRED),
      2016, { "EX16-18", "EX16-19" }, .first_expired = true, .signs_in = true),
#undef EWS
  /* RPC proxy: Outlook Anywhere (KB 2903050; RpcProxy ValidPorts). */
#define OA(name, summary, expect, ...) \
  { name, "outlook-anywhere", summary, expect, mc_lab_rpcproxy_start, TLS1_2_VERSION, \
    TLS1_2_VERSION, MC_LAB_CERT_GOOD, \
    .oa = &(const struct mc_lab_oa_profile){ __VA_ARGS__ } }
  OA("oa-healthy", "Exchange 2010 RPC proxy, Basic and NTLM, ValidPorts complete, "
     "6001/6002/6004 bind", EXPECT_PASS,
     2010, true, true, true, MC_LAB_OA_FULL_VP, MC_LAB_OA_PALL),
  OA("oa-ntlm-only", "Outlook Anywhere set to NTLM: the proxy offers no Basic",
     EXPECT(MC_CAUSE_OA_BASIC_NOT_OFFERED),
     2010, true, false, true, MC_LAB_OA_FULL_VP, MC_LAB_OA_PALL),
  OA("oa-validports-missing-6004", "ValidPorts lists 6001-6002 for every name, not 6004",
     EXPECT(MC_CAUSE_OA_PORT_NOT_ALLOWED),
     2010, true, true, true, "EX01:6001-6002;ex01.contoso.local:6001-6002;*:6001-6002",
     MC_LAB_OA_PALL),
  OA("oa-validports-short-name-only", "ValidPorts lists only the short name EX01",
     EXPECT(MC_CAUSE_OA_PORT_NOT_ALLOWED),
     2010, true, true, true, "EX01:6001-6002;EX01:6004", MC_LAB_OA_PALL),
  OA("oa-nspi-not-listening", "ValidPorts is right but nothing listens on 6004 behind the "
     "proxy", EXPECT(MC_CAUSE_OA_BACKEND_UNAVAILABLE),
     2010, true, true, true, MC_LAB_OA_FULL_VP, MC_LAB_OA_P6001 | MC_LAB_OA_P6002),
  OA("oa-not-published", "/rpc is not published: plain IIS answers 404",
     EXPECT(MC_CAUSE_OA_NOT_PUBLISHED),
     2010, false, true, true, MC_LAB_OA_FULL_VP, MC_LAB_OA_PALL),
  OA("oa-2013-unresolvable-server", "Exchange 2013+ given an old server name: 404 from the "
     "front end", EXPECT(MC_CAUSE_OA_SERVER_NAME_UNRESOLVED),
     2013, true, true, true, NULL, MC_LAB_OA_PALL),
  OA("oa-bad-credentials", "the migration account's password changed: 401 after the NTLM "
     "login", EXPECT(MC_CAUSE_AUTH_BAD_CREDENTIALS),
     2010, true, true, true, MC_LAB_OA_FULL_VP, MC_LAB_OA_PALL, true, "ntlm"),
  OA("oa-ep-require", "Exchange 2019 RPC proxy with Extended Protection Require on /rpc: "
     "NTLM must carry the channel binding on both channels", EXPECT_PASS,
     2013, true, true, true, NULL, MC_LAB_OA_PALL, false, "ntlm", MC_LAB_EP_REQUIRE),
#undef OA
  /* Autodiscover (the migration endpoint wizard discovers the server). */
/* The names of the domain most Autodiscover scenarios serve. */
#define AD_NAMES "contoso.test", "autodiscover.contoso.test", "mail.contoso.test"
#define AD(name, summary, expect, ...) \
  { name, "autodiscover", summary, expect, mc_lab_autodiscover_start, TLS1_2_VERSION, \
    TLS1_3_VERSION, MC_LAB_CERT_GOOD, \
    .ad = &(const struct mc_lab_ad_profile){ __VA_ARGS__ } }
  AD("autodiscover-healthy", "contoso.test: https://autodiscover.contoso.test answers with "
     "public EWS and Outlook Anywhere names", EXPECT_PASS,
     .names = { AD_NAMES }, .ad_hosts = { "autodiscover.contoso.test" },
     .kind = MC_LAB_AD_SETTINGS),
  AD("autodiscover-srv-only", "only the SRV record _autodiscover._tcp.contoso.test leads to "
     "Autodiscover", EXPECT_PASS,
     .names = { "mail.contoso.test" }, .ad_hosts = { "mail.contoso.test" },
     .kind = MC_LAB_AD_SETTINGS, .srv = true),
  AD("autodiscover-redirect-addr", "the mailbox answers redirectAddr to sales.contoso.test, "
     "where Autodiscover has the settings", EXPECT_PASS,
     .names = { AD_NAMES, "sales.contoso.test",
                "autodiscover.sales.contoso.test" },
     .ad_hosts = { "autodiscover.contoso.test", "autodiscover.sales.contoso.test" },
     .kind = MC_LAB_AD_REDIRECT_ADDR),
  AD("autodiscover-redirect-loop", "autodiscover.contoso.test and mail.contoso.test "
     "redirectUrl to each other", EXPECT(MC_CAUSE_AUTODISCOVER_REDIRECT_LOOP),
     .names = { AD_NAMES }, .ad_hosts = { "autodiscover.contoso.test", "mail.contoso.test" },
     .kind = MC_LAB_AD_LOOP),
  AD("autodiscover-internal-urls", "Outlook Anywhere and EWS external names are "
     "ex16-01.contoso.local", EXPECT(MC_CAUSE_AUTODISCOVER_INTERNAL_URL),
     .names = { AD_NAMES }, .ad_hosts = { "autodiscover.contoso.test" },
     .kind = MC_LAB_AD_INTERNAL),
  AD("autodiscover-no-oa-settings", "Outlook Anywhere has no external host name: no EXPR, "
     "no ExternalMailboxServer", EXPECT(MC_CAUSE_AUTODISCOVER_NO_OA_SETTINGS),
     .names = { AD_NAMES }, .ad_hosts = { "autodiscover.contoso.test" },
     .kind = MC_LAB_AD_NO_OA),
  AD("autodiscover-cross-domain-redirect", "https is closed; port 80 redirects to "
     "autodiscover.contoso-hosting.test", EXPECT(MC_CAUSE_AUTODISCOVER_UNSAFE_REDIRECT),
     .names = { "contoso.test", "autodiscover.contoso.test" }, .https_closed = true,
     .http_open = true, .kind = MC_LAB_AD_SETTINGS,
     .http_location = "https://autodiscover.contoso-hosting.test/autodiscover/autodiscover.xml"),
  AD("autodiscover-bad-xml", "Autodiscover answers 200 with XML that breaks off",
     EXPECT(MC_CAUSE_AUTODISCOVER_BAD_RESPONSE),
     .names = { AD_NAMES }, .ad_hosts = { "autodiscover.contoso.test" },
     .kind = MC_LAB_AD_BAD_XML),
  AD("autodiscover-auth-fail", "the account's password was changed: 401 after the login",
     EXPECT(MC_CAUSE_AUTODISCOVER_AUTH_FAILED),
     .names = { AD_NAMES }, .ad_hosts = { "autodiscover.contoso.test" },
     .kind = MC_LAB_AD_SETTINGS, .password_changed = true),
  /* Certificates on every name of the domain. */
  { "autodiscover-self-signed", "autodiscover", "every name presents a self-signed "
    "certificate", EXPECT(MC_CAUSE_TLS_CERT_UNTRUSTED), mc_lab_autodiscover_start, TLS1_2_VERSION,
    TLS1_3_VERSION, MC_LAB_CERT_SELF_SIGNED,
    .ad = &(const struct mc_lab_ad_profile){ .names = { AD_NAMES },
      .ad_hosts = { "autodiscover.contoso.test" }, .kind = MC_LAB_AD_SETTINGS } },
  { "autodiscover-expired-insecure", "autodiscover", "an expired certificate, checked with "
    "--insecure: the settings, and the certificate as a warning", EXPECT(MC_CAUSE_TLS_CERT_EXPIRED),
    mc_lab_autodiscover_start, TLS1_2_VERSION, TLS1_3_VERSION, MC_LAB_CERT_EXPIRED,
    .ad = &(const struct mc_lab_ad_profile){ .names = { AD_NAMES },
      .ad_hosts = { "autodiscover.contoso.test" }, .kind = MC_LAB_AD_SETTINGS, .insecure = true } },
  AD("autodiscover-large-answer", "a valid answer of 27 KB: 100 AlternativeMailbox entries "
     "(full access to shared mailboxes)", EXPECT_PASS,
     .names = { AD_NAMES }, .ad_hosts = { "autodiscover.contoso.test" },
     .kind = MC_LAB_AD_SETTINGS, .alt_mailboxes = 100),
  AD("autodiscover-echo-credentials", "Basic only; the login gets a 403 that repeats the "
     "token in Location and user:password in the page", EXPECT(MC_CAUSE_AUTODISCOVER_AUTH_FAILED),
     .names = { AD_NAMES }, .ad_hosts = { "autodiscover.contoso.test" },
     .kind = MC_LAB_AD_SETTINGS, .echo_basic = true),
  /* Hosts outside the address's domain: the lab would sign anyone in there
   * (its certificate covers them), so only the policy keeps the password. */
  { "autodiscover-foreign-host", "remote-move", "an in-domain Autodiscover answer names "
    "mail.evil.test for EWS and Outlook Anywhere", EXPECT(MC_CAUSE_AUTODISCOVER_UNSAFE_REDIRECT),
    mc_lab_autodiscover_start, TLS1_2_VERSION, TLS1_3_VERSION, MC_LAB_CERT_GOOD,
    .ad = &(const struct mc_lab_ad_profile){ .names = { AD_NAMES, "mail.evil.test" },
      .ad_hosts = { "autodiscover.contoso.test" }, .kind = MC_LAB_AD_SETTINGS,
      .ews_host = "mail.evil.test" } },
  { "autodiscover-lookalike-host", "remote-move", "Autodiscover names the look-alike "
    "mail.contoso.test.evil.test", EXPECT(MC_CAUSE_AUTODISCOVER_UNSAFE_REDIRECT),
    mc_lab_autodiscover_start, TLS1_2_VERSION, TLS1_3_VERSION, MC_LAB_CERT_GOOD,
    .ad = &(const struct mc_lab_ad_profile){ .names = { AD_NAMES, "mail.contoso.test.evil.test" },
      .ad_hosts = { "autodiscover.contoso.test" }, .kind = MC_LAB_AD_SETTINGS,
      .ews_host = "mail.contoso.test.evil.test" } },
  { "autodiscover-wrong-mrs-host", "remote-move", "Autodiscover names mail.contoso.test "
    "(Outlook Anywhere) but EWS lives on ews.contoso.test",
    EXPECT(MC_CAUSE_AUTODISCOVER_WRONG_MRS_HOST, MC_CAUSE_EWS_NOT_PUBLISHED),
    mc_lab_autodiscover_start, TLS1_2_VERSION, TLS1_3_VERSION, MC_LAB_CERT_GOOD,
    .ad = &(const struct mc_lab_ad_profile){ .names = { AD_NAMES, "ews.contoso.test" },
      .ad_hosts = { "autodiscover.contoso.test" }, .kind = MC_LAB_AD_SETTINGS,
      .ews_host = "ews.contoso.test", .oa_host = "mail.contoso.test" } },
#undef AD
#undef AD_NAMES
  /* IMAP migration endpoints (RFC 3501, RFC 8314: 993 with TLS, 143 with STARTTLS). */
#define IMAP(name, summary, expect, ...) \
  { name, "imap", summary, expect, mc_lab_imap_start, TLS1_2_VERSION, TLS1_3_VERSION, \
    MC_LAB_CERT_GOOD, \
    .imap = &(const struct mc_lab_imap_profile){ __VA_ARGS__ } }
  IMAP("imap-healthy", "IMAP in TLS on its own port, the migration account signs in",
       EXPECT_PASS,
       "ssl", true, false, false, false, false, NULL),
  IMAP("imap-starttls-healthy", "IMAP in clear, LOGINDISABLED until STARTTLS, then "
       "AUTHENTICATE PLAIN", EXPECT_PASS,
       "tls", false, true, true, false, true, NULL),
  IMAP("imap-no-starttls", "IMAP in clear that offers no STARTTLS", EXPECT(MC_CAUSE_IMAP_NO_TLS),
       "tls", false, false, false, false, false, NULL),
  IMAP("imap-not-imap", "an SMTP server answers on the IMAP port", EXPECT(MC_CAUSE_IMAP_NOT_IMAP),
       "none", false, false, false, true, false, NULL),
  IMAP("imap-login-disabled", "-Security None against a server that refuses LOGIN before "
       "STARTTLS (LOGINDISABLED)", EXPECT(MC_CAUSE_IMAP_LOGIN_DISABLED),
       "none", false, true, true, false, false, NULL),
  IMAP("imap-bad-credentials", "the account's password was changed: LOGIN answers NO",
       EXPECT(MC_CAUSE_IMAP_AUTH_FAILED),
       "ssl", true, false, false, false, false, "Changed-After-Leave-2024"),
  IMAP("imap-echo-credentials", "refuses LOGIN with a NO line that repeats the user and the "
       "password", EXPECT(MC_CAUSE_IMAP_AUTH_FAILED),
       "ssl", true, false, false, false, false, NULL, .echo_login = true),
  { "imap-drops-before-login", "imap", "greets, then closes when asked CAPABILITY, before "
    "any login: unknown (no cause), never a pass", EXPECT_PASS, mc_lab_imap_start,
    TLS1_2_VERSION, TLS1_3_VERSION, MC_LAB_CERT_GOOD, .unknown = true,
    .imap = &(const struct mc_lab_imap_profile){ "ssl", true, false, false, false, false, NULL,
      .drop_at_caps = true } },
  { "imap-starttls-expired", "imap", "STARTTLS brings a certificate past its notAfter date",
    EXPECT(MC_CAUSE_TLS_CERT_EXPIRED), mc_lab_imap_start, TLS1_2_VERSION, TLS1_3_VERSION,
    MC_LAB_CERT_EXPIRED,
    .imap = &(const struct mc_lab_imap_profile){ "tls", false, true, true, false, true, NULL } },
  { "imap-starttls-expired-insecure", "imap", "the same, checked with --insecure: a warning, "
    "never a silent pass", EXPECT(MC_CAUSE_TLS_CERT_EXPIRED), mc_lab_imap_start, TLS1_2_VERSION,
    TLS1_3_VERSION, MC_LAB_CERT_EXPIRED,
    .imap = &(const struct mc_lab_imap_profile){ "tls", false, true, true, false, true, NULL,
      .insecure = true } },
#undef IMAP
  /* Hostile peers: the client's bounds hold (memory ceilings in the e2e cases). */
#define HOSTILE(name, check, summary, expect, ...) \
  { name, check, summary, expect, mc_lab_hostile_start, TLS1_2_VERSION, TLS1_3_VERSION, \
    MC_LAB_CERT_GOOD, \
    .hostile = &(const struct mc_lab_hostile_profile){ __VA_ARGS__ } }
  HOSTILE("hostile-endless-chunked", "remote-move", "answers with a chunked body that never "
          "ends", EXPECT(MC_CAUSE_HTTP_TIMEOUT),
          MC_LAB_HOSTILE_HTTP, mc_lab_hostile_endless_chunked),
  HOSTILE("hostile-slow-drip", "remote-move", "drips its response one byte every 200 ms, "
          "forever", EXPECT(MC_CAUSE_HTTP_TIMEOUT),
          MC_LAB_HOSTILE_HTTP, mc_lab_hostile_slow_drip),
  HOSTILE("hostile-gzip-bomb", "remote-move", "a gzip body that inflates to 1 GiB of zeros",
          EXPECT(MC_CAUSE_EWS_NOT_PUBLISHED),
          MC_LAB_HOSTILE_HTTP, mc_lab_hostile_gzip_bomb),
  HOSTILE("hostile-deflate-bomb", "remote-move", "a deflate body that inflates to 1 GiB of "
          "zeros", EXPECT(MC_CAUSE_EWS_NOT_PUBLISHED),
          MC_LAB_HOSTILE_HTTP, mc_lab_hostile_deflate_bomb),
  HOSTILE("hostile-close-after-handshake", "remote-move", "completes the TLS handshake, then "
          "closes", EXPECT(MC_CAUSE_EWS_NOT_PUBLISHED),
          MC_LAB_HOSTILE_HTTP, mc_lab_hostile_close_after_handshake),
  HOSTILE("hostile-xml-entities", "autodiscover", "Autodiscover XML with nested entity "
          "declarations (billion laughs)", EXPECT(MC_CAUSE_AUTODISCOVER_BAD_RESPONSE),
          MC_LAB_HOSTILE_AUTODISCOVER, mc_lab_hostile_xml_entities),
  HOSTILE("hostile-xml-nesting", "autodiscover", "Autodiscover XML with 10^6 nested elements",
          EXPECT(MC_CAUSE_AUTODISCOVER_BAD_RESPONSE),
          MC_LAB_HOSTILE_AUTODISCOVER, mc_lab_hostile_xml_nesting),
  { "hostile-imap-literal", "imap", "announces an IMAP literal of 999999999 bytes",
    EXPECT_PASS, mc_lab_hostile_start, TLS1_2_VERSION, TLS1_3_VERSION, MC_LAB_CERT_GOOD,
    .unknown = true,
    .hostile = &(const struct mc_lab_hostile_profile){ MC_LAB_HOSTILE_IMAP,
      mc_lab_hostile_imap_literal } },
  HOSTILE("hostile-imap-no-greeting", "imap", "completes TLS, then never sends the IMAP "
          "greeting", EXPECT(MC_CAUSE_IMAP_NOT_IMAP),
          MC_LAB_HOSTILE_IMAP, mc_lab_hostile_imap_no_greeting),
#undef HOSTILE
};
const size_t mc_lab_nscenarios = sizeof mc_lab_scenarios / sizeof mc_lab_scenarios[0];
