/*
 * scenarios.c - the lab's scenario table: one row per fault the field shows.
 *
 * A row names the scenario, the migcheck command that exercises it, what
 * the server does wrong, the cause ids a correct diagnosis must name (none:
 * the check must pass), and how to start it. demo and the end-to-end tests
 * walk this table; adding a scenario is one row plus its test case.
 */
#include "lab/lab.h"
#include "lab/scenarios.h"

#include <openssl/ssl.h>

#define EXPECT(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define EXPECT_PASS ((const char *const[]){ NULL })

const struct mc_lab_scenario mc_lab_scenarios[] = {
  /* Network and TLS (seeds 000, 002: reach the port, trust the certificate). */
  { "healthy-tls", "tls", "a correct certificate chain, TLS 1.2 and 1.3",
    EXPECT_PASS, mc_lab_tls_start, TLS1_2_VERSION, TLS1_3_VERSION, MC_LAB_CERT_GOOD },
  { "port-refused", "ports", "nothing listens on the port",
    EXPECT("TCP_REFUSED"), mc_lab_refused_start, 0, 0, 0 },
  { "port-blackhole", "ports", "connection attempts are never answered",
    EXPECT("TCP_TIMEOUT"), mc_lab_blackhole_start, 0, 0, 0 },
  { "reset-on-connect", "ports", "a device accepts the connection, then resets it",
    EXPECT("TCP_RESET"), mc_lab_reset_start, 0, 0, 0 },
  { "plain-http-on-443", "tls", "plain HTTP where TLS is expected (SSL offloading)",
    EXPECT("TLS_NOT_TLS"), mc_lab_plain_http_start, 0, 0, 0 },
  { "self-signed", "tls", "a self-signed certificate",
    EXPECT("TLS_CERT_UNTRUSTED"), mc_lab_tls_start, TLS1_2_VERSION, TLS1_3_VERSION,
    MC_LAB_CERT_SELF_SIGNED },
  { "name-mismatch", "tls", "a trusted certificate for another name",
    EXPECT("TLS_CERT_NAME_MISMATCH"), mc_lab_tls_start, TLS1_2_VERSION, TLS1_3_VERSION,
    MC_LAB_CERT_OTHER_NAME },
  { "expired", "tls", "a certificate past its notAfter date",
    EXPECT("TLS_CERT_EXPIRED"), mc_lab_tls_start, TLS1_2_VERSION, TLS1_3_VERSION,
    MC_LAB_CERT_EXPIRED },
  { "chain-incomplete", "tls", "the intermediate certificate is not sent",
    EXPECT("TLS_CERT_CHAIN_INCOMPLETE"), mc_lab_tls_start, TLS1_2_VERSION, TLS1_3_VERSION,
    MC_LAB_CERT_NO_CHAIN },
  { "tls10-only", "tls", "only TLS 1.0 is enabled",
    EXPECT("TLS_PROTOCOL_TOO_OLD"), mc_lab_tls_start, TLS1_VERSION, TLS1_VERSION,
    MC_LAB_CERT_GOOD },
  { "expiring-soon", "tls", "a good certificate that expires in 10 days",
    EXPECT("TLS_CERT_EXPIRED"), mc_lab_tls_start, TLS1_2_VERSION, TLS1_3_VERSION,
    MC_LAB_CERT_EXPIRING },
  { "tls-trickle", "tls", "sends one byte a second and never finishes a handshake",
    EXPECT("TLS_HANDSHAKE_FAILED"), mc_lab_trickle_start, 0, 0, 0 },
};
const size_t mc_lab_nscenarios = sizeof mc_lab_scenarios / sizeof mc_lab_scenarios[0];
