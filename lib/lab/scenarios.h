/*
 * scenarios.h - the lab's scenario table (scenarios.c): one row per fault,
 * holding everything about it: its name, the command that exercises it,
 * the causes a correct diagnosis names, the function that starts its
 * listeners and the profile that says what they do. Adding a scenario is
 * one row there plus one .case file under tests/e2e/cases.
 */
#ifndef MC_LAB_SCENARIOS_H
#define MC_LAB_SCENARIOS_H

#include <stdbool.h>
#include <stddef.h>

#include "util/util.h"

struct mc_lab;
struct mc_lab_site;
/* The behaviour of a scenario's servers: each server's header (exchange.h,
 * rpcproxy.h, autodiscover.h, imap.h, hostile.h) defines its profile. */
struct mc_lab_ews_profile;
struct mc_lab_oa_profile;
struct mc_lab_ad_profile;
struct mc_lab_imap_profile;
struct mc_lab_hostile_profile;

/* Which certificate a TLS listener presents. */
enum mc_lab_cert {
  MC_LAB_CERT_GOOD,          /* leaf for the site's name, intermediate sent */
  MC_LAB_CERT_SELF_SIGNED,   /* leaf signed by itself */
  MC_LAB_CERT_OTHER_NAME,    /* valid chain, but for another name */
  MC_LAB_CERT_EXPIRED,       /* valid chain, notAfter in the past */
  MC_LAB_CERT_NO_CHAIN,      /* good leaf, intermediate not sent */
  MC_LAB_CERT_EXPIRING,      /* valid chain, expires in 10 days */
  MC_LAB_CERT_LONG_CHAIN     /* good leaf, the intermediate sent 200 times (201 in all) */
};

/* Which addresses the scenario's name has (its --resolve). */
enum mc_lab_addrs {
  MC_LAB_ADDRS_V4,           /* 127.0.0.1, where it listens */
  MC_LAB_ADDRS_V6_ONLY,      /* ::1 only: it listens there */
  MC_LAB_ADDRS_SECOND_REFUSED, /* 127.0.0.1 and 127.0.0.2, where nothing listens (a stale
                                  record, a dead NAT rule) */
  MC_LAB_ADDRS_SECOND_OTHER    /* 127.0.0.1 and 127.0.0.2, where the scenario listens too
                                  (mc_lab_listen_second) as another site would */
};

struct mc_lab_scenario {
  const char *name;
  const char *check;              /* the migcheck command that exercises it */
  const char *summary;            /* what the server does wrong, one line */
  const char *const *expect;      /* cause ids it must produce; empty: a pass */
  /* Starts the listeners for site; returns MC_OK or an error with msg. */
  mc_code (*start)(struct mc_lab *lab, struct mc_lab_site *site);
  int tls_min, tls_max;           /* TLS scenarios: protocol versions served */
  enum mc_lab_cert cert;
  enum mc_lab_addrs addrs;        /* 0: the one IPv4 loopback address */
  const char *ciphers12;          /* TLS scenarios: OpenSSL's suites up to TLS 1.2 (NULL: default) */
  const char *ciphers13;          /* ... and for TLS 1.3 (NULL: default) */
  bool unknown;                   /* with no causes expected: the verdict must be
                                     unknown (nothing to judge), not a pass */
  /* What its servers do: the one profile its start function reads (NULL
   * for the others; the TLS and network-fault rows need none). */
  const struct mc_lab_ews_profile *ews;         /* mc_lab_exchange_start */
  const struct mc_lab_oa_profile *oa;           /* mc_lab_rpcproxy_start */
  const struct mc_lab_ad_profile *ad;           /* mc_lab_autodiscover_start */
  const struct mc_lab_imap_profile *imap;       /* mc_lab_imap_start */
  const struct mc_lab_hostile_profile *hostile; /* mc_lab_hostile_start */
};

extern const struct mc_lab_scenario mc_lab_scenarios[];
extern const size_t mc_lab_nscenarios;

#endif
