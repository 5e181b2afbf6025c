/*
 * exchange.h - the lab's Exchange front end (exchange.c): EWS and MRSProxy
 * with NTLM and Basic, one or two servers behind one listener, the fault
 * its profile names, IIS logs per server. A scenario row points at a
 * struct mc_lab_ews_profile; nothing else says what its servers do.
 */
#ifndef MC_LAB_EXCHANGE_H
#define MC_LAB_EXCHANGE_H

#include <stdbool.h>
#include <stddef.h>

#include "lab/lab.h"
#include "lab/ntlm_server.h"

enum mc_lab_ews_front {
  MC_LAB_EWS_FRONT_EXCHANGE,          /* requests reach Exchange */
  MC_LAB_EWS_FRONT_NOT_PUBLISHED,     /* a plain web server answers /EWS */
  MC_LAB_EWS_FRONT_LOGIN_REDIRECT,    /* a reverse proxy sends everyone to its login form */
  MC_LAB_EWS_FRONT_FOREIGN_BASIC,     /* a gateway asks for its own Basic login */
  MC_LAB_EWS_FRONT_MRS_RESET          /* a URL filter drops mrsproxy.svc, passes the rest */
};

enum mc_lab_ews_fault {
  MC_LAB_EWS_FAULT_NONE, MC_LAB_EWS_FAULT_UNAVAILABLE, MC_LAB_EWS_FAULT_SERVER_ERROR,
  MC_LAB_EWS_FAULT_SLOW
};

/* A device in front that lets anonymous requests through to Exchange but
 * not a request carrying an Authorization header (an NTLM-hostile proxy,
 * a WAF rule): what it does to those. */
enum mc_lab_ews_auth_block {
  MC_LAB_EWS_BLOCK_NONE, MC_LAB_EWS_BLOCK_RESET, MC_LAB_EWS_BLOCK_DEVICE_403,
  MC_LAB_EWS_BLOCK_REDIRECT, MC_LAB_EWS_BLOCK_STALL
};

/* A TLS-terminating device in front of the servers (a load balancer). */
enum mc_lab_ews_relay {
  MC_LAB_EWS_RELAY_NONE,              /* clients reach IIS's own TLS */
  MC_LAB_EWS_RELAY_OTHER_CERT,        /* the device presents its own certificate (SSL
                                         offloading, re-encrypted to Exchange) */
  MC_LAB_EWS_RELAY_SAME_CERT          /* SSL bridging with Exchange's certificate and key */
};

/* Who refuses a request body above the profile's body_limit, and how. */
enum mc_lab_ews_limit {
  MC_LAB_EWS_LIMIT_413,               /* a reverse proxy or WAF: 413 Request Entity Too
                                         Large */
  MC_LAB_EWS_LIMIT_IIS_404_13,        /* IIS request filtering: maxAllowedContentLength */
  MC_LAB_EWS_LIMIT_DROP               /* a WAF reads a little of the upload, then resets */
};

/* A scenario's Exchange front end (the .ews of its row). */
struct mc_lab_ews_profile {
  int version;                    /* 2010, 2016 or 2019 */
  const char *servers[2];         /* two: a load balancer without persistence */
  bool mrsproxy_off[2];
  bool pool_down[2];              /* this server's EWS application pool is stopped: 503 */
  enum mc_lab_ews_front front;
  enum mc_lab_ews_fault fault;
  bool no_windows_auth, no_basic_auth, handler_missing;
  bool account_changed;           /* the account's password is not the lab's */
  bool echo_credentials;          /* a Basic login gets 403 repeating what it sent */
  enum mc_lab_ews_auth_block auth_block;
  bool huge_header;               /* a device adds a 120 KB cookie to every answer */
  bool first_expired;             /* the first server presents an expired certificate (the
                                     walk's TCP probe meets it, its handshake the good one) */
  bool signs_in;                  /* the scenario's command passes --user */
  enum mc_lab_ep ep;              /* Extended Protection on /EWS */
  enum mc_lab_ews_relay relay;
  bool mangled_challenge;         /* a device rewrites the challenge: TargetInfo points
                                     past its end */
  const char *via;                /* the device in front adds "Via: <this>" */
  size_t body_limit;              /* a POST to mrsproxy.svc above this is refused ... */
  enum mc_lab_ews_limit limit;    /* ... this way */
  size_t wcf_quota;               /* MRSProxy's WCF maxReceivedMessageSize: 400 above it */
};

/* Scenario start (scenarios.c rows with .ews). */
mc_code mc_lab_exchange_start(struct mc_lab *lab, struct mc_lab_site *site);

#endif
