/*
 * scenarios.c - the lab's scenario table: one row per fault the field shows.
 *
 * A row names the scenario, the migcheck command that exercises it, what
 * the server does wrong, the cause ids a correct diagnosis must name (none:
 * the check must pass, or end unknown where the row sets .unknown), and
 * how to start it. demo and the end-to-end tests
 * walk this table; adding a scenario is one row plus its test case.
 */
#include "lab/lab.h"
#include "lab/imap_lab.h"
#include "lab/scenarios.h"
#include "lab/ad_lab.h"
#include "model/cause_ids.h"

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
#define EWS(name, summary, expect) \
  { name, "remote-move", summary, expect, mc_lab_exchange_start, TLS1_2_VERSION, \
    TLS1_3_VERSION, MC_LAB_CERT_GOOD }
  EWS("exchange2016-healthy", "Exchange 2016: EWS and MRSProxy published, NTLM and Basic",
      EXPECT_PASS),
  EWS("exchange2010-healthy", "Exchange 2010 CAS: EWS and MRSProxy published, NTLM and Basic",
      EXPECT_PASS),
  EWS("ews-not-published", "/EWS is not published: a plain IIS answers 404",
      EXPECT(MC_CAUSE_EWS_NOT_PUBLISHED)),
  EWS("mrsproxy-url-blocked", "a URL filter passes Exchange.asmx but resets mrsproxy.svc",
      EXPECT(MC_CAUSE_MRSPROXY_URL_BLOCKED)),
  EWS("mrsproxy-disabled", "MRSProxy is off: 403 \"MRS proxy service is disabled\" after login",
      EXPECT(MC_CAUSE_MRSPROXY_DISABLED)),
  EWS("mrsproxy-handler-missing", "Exchange 2010 without the svc-Integrated handler: 405",
      EXPECT(MC_CAUSE_MRSPROXY_HANDLER_MISSING)),
  EWS("windows-auth-off", "Windows authentication off on EWS: only Basic is offered",
      EXPECT(MC_CAUSE_EWS_WINDOWS_AUTH_DISABLED)),
  EWS("bad-credentials", "the account's password was changed: NTLM ends in 401",
      EXPECT(MC_CAUSE_AUTH_BAD_CREDENTIALS)),
  EWS("preauth-login-redirect", "a reverse proxy redirects /EWS to its login form (TMG)",
      EXPECT(MC_CAUSE_HTTP_PREAUTH)),
  EWS("preauth-foreign-basic", "a gateway asks for its own Basic login in front of Exchange",
      EXPECT(MC_CAUSE_HTTP_PREAUTH)),
  EWS("service-unavailable", "the EWS application pool on the back end is stopped: 503",
      EXPECT(MC_CAUSE_HTTP_SERVICE_UNAVAILABLE)),
  EWS("server-error", "EWS fails with 500 and an X-FailureContext after a broken update",
      EXPECT(MC_CAUSE_HTTP_SERVER_ERROR)),
  EWS("slow-backend", "TLS works, then the request is never answered",
      EXPECT(MC_CAUSE_HTTP_TIMEOUT)),
  EWS("lb-no-affinity", "two Exchange 2010 CAS behind a load balancer without persistence",
      EXPECT(MC_CAUSE_LB_NO_AFFINITY)),
  EWS("lb-passive-server", "two Exchange 2016 servers behind a load balancer, one with "
      "MRSProxy off", EXPECT(MC_CAUSE_LB_INCONSISTENT_BACKENDS, MC_CAUSE_MRSPROXY_DISABLED)),
  /* The request size MRS sends (a WAF, a reverse proxy, IIS request filtering, WCF). */
  EWS("mrsproxy-body-limit", "a reverse proxy refuses request bodies over 1 MiB on "
      "mrsproxy.svc with 413", EXPECT(MC_CAUSE_HTTP_REQUEST_TOO_LARGE)),
  EWS("mrsproxy-iis-content-length", "IIS request filtering: maxAllowedContentLength 2 MiB "
      "on /EWS (404.13)", EXPECT(MC_CAUSE_HTTP_REQUEST_TOO_LARGE)),
  EWS("waf-drops-large-post", "a WAF resets the connection during uploads over 1.5 MiB",
      EXPECT(MC_CAUSE_HTTP_REQUEST_TOO_LARGE)),
  EWS("mrsproxy-wcf-quota", "Exchange 2010 with MRSProxy's WCF maxReceivedMessageSize at "
      "1 MiB: 400 for larger messages", EXPECT(MC_CAUSE_MRSPROXY_WCF_QUOTA)),
  EWS("lb-one-server-503", "two Exchange 2016 servers behind a round-robin load balancer; "
      "the second one's EWS application pool is stopped (503)",
      EXPECT(MC_CAUSE_LB_INCONSISTENT_BACKENDS, MC_CAUSE_HTTP_SERVICE_UNAVAILABLE)),
  /* Extended Protection (Exchange 2019 CU14 default; the August 2022 SU). */
  EWS("ep-require-healthy", "Exchange 2019, Extended Protection Require on EWS: NTLM must "
      "carry the channel binding", EXPECT_PASS),
  EWS("ep-behind-ssl-offload", "Extended Protection Require behind a load balancer that "
      "terminates TLS with its own certificate", EXPECT(MC_CAUSE_AUTH_EXTENDED_PROTECTION)),
  EWS("ep-bridging-same-cert", "Extended Protection Require behind SSL bridging with "
      "Exchange's own certificate and key", EXPECT_PASS),
  EWS("ep-offload-no-basic", "Extended Protection Require behind a TLS-terminating device "
      "that names itself in Via; Basic is off", EXPECT(MC_CAUSE_AUTH_EXTENDED_PROTECTION,
      MC_CAUSE_EWS_BASIC_AUTH_DISABLED)),
  /* Every address of the name (RFC 6724: the client may take any of them). */
  { "addr-second-refused", "remote-move", "mail.contoso.test has two addresses; nothing "
    "listens on the second (a stale record)", EXPECT(MC_CAUSE_DNS_ADDRESSES_DISAGREE, MC_CAUSE_TCP_REFUSED),
    mc_lab_exchange_start, TLS1_2_VERSION, TLS1_3_VERSION, MC_LAB_CERT_GOOD,
    MC_LAB_ADDRS_SECOND_REFUSED },
  { "addr-second-other-cert", "remote-move", "the name's second address is another site "
    "whose certificate is for other names", EXPECT(MC_CAUSE_DNS_ADDRESSES_DISAGREE,
    MC_CAUSE_TLS_CERT_NAME_MISMATCH), mc_lab_exchange_start, TLS1_2_VERSION, TLS1_3_VERSION,
    MC_LAB_CERT_GOOD, MC_LAB_ADDRS_SECOND_OTHER },
  { "exchange2016-ipv6-only", "remote-move", "Exchange 2016 published on an AAAA record "
    "only (::1)", EXPECT_PASS, mc_lab_exchange_start, TLS1_2_VERSION, TLS1_3_VERSION,
    MC_LAB_CERT_GOOD, MC_LAB_ADDRS_V6_ONLY },
  EWS("ntlm-challenge-mangled", "a device rewrites NTLM challenges: TargetInfo points outside "
      "the message", EXPECT(MC_CAUSE_AUTH_NTLM_CHALLENGE_BROKEN)),
  EWS("echo-credentials", "after the NTLM login, the Basic login gets a 403 that repeats the "
      "password (X-FailureContext, title, Location)", EXPECT_PASS),
  EWS("negotiate-blocked", "a device passes anonymous requests but resets every request "
      "carrying an Authorization header (the NTLM negotiate)", EXPECT(MC_CAUSE_AUTH_NEGOTIATE_BLOCKED)),
  EWS("negotiate-stalled", "a device passes anonymous requests but holds every request "
      "carrying an Authorization header unanswered", EXPECT(MC_CAUSE_AUTH_NEGOTIATE_BLOCKED)),
  EWS("login-blocked-403", "a WAF answers every request carrying an Authorization header "
      "with its own 403 page", EXPECT(MC_CAUSE_AUTH_NEGOTIATE_BLOCKED)),
  EWS("login-redirected", "a device redirects every request carrying an Authorization header "
      "to its login policy", EXPECT(MC_CAUSE_AUTH_NEGOTIATE_BLOCKED)),
  EWS("oversized-header", "a device adds a 120 KB cookie header to every answer",
      EXPECT(MC_CAUSE_HTTP_RESPONSE_HEADER_TOO_LARGE)),
  EWS("lb-one-expired", "two Exchange 2016 servers behind a load balancer that passes TLS "
      "through; one presents an expired certificate", EXPECT(MC_CAUSE_TLS_CERT_EXPIRED)),
#undef EWS
  /* RPC proxy: Outlook Anywhere (KB 2903050; RpcProxy ValidPorts). */
#define OA(name, summary, expect) \
  { name, "outlook-anywhere", summary, expect, mc_lab_rpcproxy_start, TLS1_2_VERSION, \
    TLS1_2_VERSION, MC_LAB_CERT_GOOD }
  OA("oa-healthy", "Exchange 2010 RPC proxy, Basic and NTLM, ValidPorts complete, "
     "6001/6002/6004 bind", EXPECT_PASS),
  OA("oa-ntlm-only", "Outlook Anywhere set to NTLM: the proxy offers no Basic",
     EXPECT(MC_CAUSE_OA_BASIC_NOT_OFFERED)),
  OA("oa-validports-missing-6004", "ValidPorts lists 6001-6002 for every name, not 6004",
     EXPECT(MC_CAUSE_OA_PORT_NOT_ALLOWED)),
  OA("oa-validports-short-name-only", "ValidPorts lists only the short name EX01",
     EXPECT(MC_CAUSE_OA_PORT_NOT_ALLOWED)),
  OA("oa-nspi-not-listening", "ValidPorts is right but nothing listens on 6004 behind the "
     "proxy", EXPECT(MC_CAUSE_OA_BACKEND_UNAVAILABLE)),
  OA("oa-not-published", "/rpc is not published: plain IIS answers 404",
     EXPECT(MC_CAUSE_OA_NOT_PUBLISHED)),
  OA("oa-2013-unresolvable-server", "Exchange 2013+ given an old server name: 404 from the "
     "front end", EXPECT(MC_CAUSE_OA_SERVER_NAME_UNRESOLVED)),
  OA("oa-bad-credentials", "the migration account's password changed: 401 after the NTLM "
     "login", EXPECT(MC_CAUSE_AUTH_BAD_CREDENTIALS)),
  OA("oa-ep-require", "Exchange 2019 RPC proxy with Extended Protection Require on /rpc: "
     "NTLM must carry the channel binding on both channels", EXPECT_PASS),
#undef OA
  /* Autodiscover (the migration endpoint wizard discovers the server). */
#define AD(name, summary, expect) \
  { name, "autodiscover", summary, expect, mc_lab_autodiscover_start, TLS1_2_VERSION, \
    TLS1_3_VERSION, MC_LAB_CERT_GOOD }
  AD("autodiscover-healthy", "contoso.test: https://autodiscover.contoso.test answers with "
     "public EWS and Outlook Anywhere names", EXPECT_PASS),
  AD("autodiscover-srv-only", "only the SRV record _autodiscover._tcp.contoso.test leads to "
     "Autodiscover", EXPECT_PASS),
  AD("autodiscover-redirect-addr", "the mailbox answers redirectAddr to sales.contoso.test, "
     "where Autodiscover has the settings", EXPECT_PASS),
  AD("autodiscover-redirect-loop", "autodiscover.contoso.test and mail.contoso.test "
     "redirectUrl to each other", EXPECT(MC_CAUSE_AUTODISCOVER_REDIRECT_LOOP)),
  AD("autodiscover-internal-urls", "Outlook Anywhere and EWS external names are "
     "ex16-01.contoso.local", EXPECT(MC_CAUSE_AUTODISCOVER_INTERNAL_URL)),
  AD("autodiscover-no-oa-settings", "Outlook Anywhere has no external host name: no EXPR, "
     "no ExternalMailboxServer", EXPECT(MC_CAUSE_AUTODISCOVER_NO_OA_SETTINGS)),
  AD("autodiscover-cross-domain-redirect", "https is closed; port 80 redirects to "
     "autodiscover.contoso-hosting.test", EXPECT(MC_CAUSE_AUTODISCOVER_UNSAFE_REDIRECT)),
  AD("autodiscover-bad-xml", "Autodiscover answers 200 with XML that breaks off",
     EXPECT(MC_CAUSE_AUTODISCOVER_BAD_RESPONSE)),
  AD("autodiscover-auth-fail", "the account's password was changed: 401 after the login",
     EXPECT(MC_CAUSE_AUTODISCOVER_AUTH_FAILED)),
  /* Certificates on every name of the domain. */
  { "autodiscover-self-signed", "autodiscover", "every name presents a self-signed "
    "certificate", EXPECT(MC_CAUSE_TLS_CERT_UNTRUSTED), mc_lab_autodiscover_start, TLS1_2_VERSION,
    TLS1_3_VERSION, MC_LAB_CERT_SELF_SIGNED },
  { "autodiscover-expired-insecure", "autodiscover", "an expired certificate, checked with "
    "--insecure: the settings, and the certificate as a warning", EXPECT(MC_CAUSE_TLS_CERT_EXPIRED),
    mc_lab_autodiscover_start, TLS1_2_VERSION, TLS1_3_VERSION, MC_LAB_CERT_EXPIRED },
  AD("autodiscover-large-answer", "a valid answer of 27 KB: 100 AlternativeMailbox entries "
     "(full access to shared mailboxes)", EXPECT_PASS),
  AD("autodiscover-echo-credentials", "Basic only; the login gets a 403 that repeats the "
     "token in Location and user:password in the page", EXPECT(MC_CAUSE_AUTODISCOVER_AUTH_FAILED)),
  /* Hosts outside the address's domain: the lab would sign anyone in there
   * (its certificate covers them), so only the policy keeps the password. */
  { "autodiscover-foreign-host", "remote-move", "an in-domain Autodiscover answer names "
    "mail.evil.test for EWS and Outlook Anywhere", EXPECT(MC_CAUSE_AUTODISCOVER_UNSAFE_REDIRECT),
    mc_lab_autodiscover_start, TLS1_2_VERSION, TLS1_3_VERSION, MC_LAB_CERT_GOOD },
  { "autodiscover-lookalike-host", "remote-move", "Autodiscover names the look-alike "
    "mail.contoso.test.evil.test", EXPECT(MC_CAUSE_AUTODISCOVER_UNSAFE_REDIRECT),
    mc_lab_autodiscover_start, TLS1_2_VERSION, TLS1_3_VERSION, MC_LAB_CERT_GOOD },
  { "autodiscover-wrong-mrs-host", "remote-move", "Autodiscover names mail.contoso.test "
    "(Outlook Anywhere) but EWS lives on ews.contoso.test",
    EXPECT(MC_CAUSE_AUTODISCOVER_WRONG_MRS_HOST, MC_CAUSE_EWS_NOT_PUBLISHED), mc_lab_autodiscover_start,
    TLS1_2_VERSION, TLS1_3_VERSION, MC_LAB_CERT_GOOD },
#undef AD
  /* IMAP migration endpoints (RFC 3501, RFC 8314: 993 with TLS, 143 with STARTTLS). */
#define IMAP(name, summary, expect) \
  { name, "imap", summary, expect, mc_lab_imap_start, TLS1_2_VERSION, TLS1_3_VERSION, \
    MC_LAB_CERT_GOOD }
  IMAP("imap-healthy", "IMAP in TLS on its own port, the migration account signs in",
       EXPECT_PASS),
  IMAP("imap-starttls-healthy", "IMAP in clear, LOGINDISABLED until STARTTLS, then "
       "AUTHENTICATE PLAIN", EXPECT_PASS),
  IMAP("imap-no-starttls", "IMAP in clear that offers no STARTTLS", EXPECT(MC_CAUSE_IMAP_NO_TLS)),
  IMAP("imap-not-imap", "an SMTP server answers on the IMAP port", EXPECT(MC_CAUSE_IMAP_NOT_IMAP)),
  IMAP("imap-login-disabled", "-Security None against a server that refuses LOGIN before "
       "STARTTLS (LOGINDISABLED)", EXPECT(MC_CAUSE_IMAP_LOGIN_DISABLED)),
  IMAP("imap-bad-credentials", "the account's password was changed: LOGIN answers NO",
       EXPECT(MC_CAUSE_IMAP_AUTH_FAILED)),
  IMAP("imap-echo-credentials", "refuses LOGIN with a NO line that repeats the user and the "
       "password", EXPECT(MC_CAUSE_IMAP_AUTH_FAILED)),
  { "imap-drops-before-login", "imap", "greets, then closes when asked CAPABILITY, before "
    "any login: unknown (no cause), never a pass", EXPECT_PASS, mc_lab_imap_start,
    TLS1_2_VERSION, TLS1_3_VERSION, MC_LAB_CERT_GOOD, .unknown = true },
  { "imap-starttls-expired", "imap", "STARTTLS brings a certificate past its notAfter date",
    EXPECT(MC_CAUSE_TLS_CERT_EXPIRED), mc_lab_imap_start, TLS1_2_VERSION, TLS1_3_VERSION,
    MC_LAB_CERT_EXPIRED },
  { "imap-starttls-expired-insecure", "imap", "the same, checked with --insecure: a warning, "
    "never a silent pass", EXPECT(MC_CAUSE_TLS_CERT_EXPIRED), mc_lab_imap_start, TLS1_2_VERSION,
    TLS1_3_VERSION, MC_LAB_CERT_EXPIRED },
#undef IMAP
  /* Hostile peers: the client's bounds hold (memory ceilings in the e2e cases). */
#define HOSTILE(name, check, summary, expect) \
  { name, check, summary, expect, mc_lab_hostile_start, TLS1_2_VERSION, TLS1_3_VERSION, \
    MC_LAB_CERT_GOOD }
  HOSTILE("hostile-endless-chunked", "remote-move", "answers with a chunked body that never "
          "ends", EXPECT(MC_CAUSE_HTTP_TIMEOUT)),
  HOSTILE("hostile-slow-drip", "remote-move", "drips its response one byte every 200 ms, "
          "forever", EXPECT(MC_CAUSE_HTTP_TIMEOUT)),
  HOSTILE("hostile-gzip-bomb", "remote-move", "a gzip body that inflates to 1 GiB of zeros",
          EXPECT(MC_CAUSE_EWS_NOT_PUBLISHED)),
  HOSTILE("hostile-deflate-bomb", "remote-move", "a deflate body that inflates to 1 GiB of "
          "zeros", EXPECT(MC_CAUSE_EWS_NOT_PUBLISHED)),
  HOSTILE("hostile-close-after-handshake", "remote-move", "completes the TLS handshake, then "
          "closes", EXPECT(MC_CAUSE_EWS_NOT_PUBLISHED)),
  HOSTILE("hostile-xml-entities", "autodiscover", "Autodiscover XML with nested entity "
          "declarations (billion laughs)", EXPECT(MC_CAUSE_AUTODISCOVER_BAD_RESPONSE)),
  HOSTILE("hostile-xml-nesting", "autodiscover", "Autodiscover XML with 10^6 nested elements",
          EXPECT(MC_CAUSE_AUTODISCOVER_BAD_RESPONSE)),
  { "hostile-imap-literal", "imap", "announces an IMAP literal of 999999999 bytes",
    EXPECT_PASS, mc_lab_hostile_start, TLS1_2_VERSION, TLS1_3_VERSION, MC_LAB_CERT_GOOD,
    .unknown = true },
  HOSTILE("hostile-imap-no-greeting", "imap", "completes TLS, then never sends the IMAP "
          "greeting", EXPECT(MC_CAUSE_IMAP_NOT_IMAP)),
#undef HOSTILE
};
const size_t mc_lab_nscenarios = sizeof mc_lab_scenarios / sizeof mc_lab_scenarios[0];
