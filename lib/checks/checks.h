/*
 * checks.h - the checks: each a short plan of steps over the layers, with
 * the rules that turn observations into findings.
 *
 * A check fills a fresh report and returns it; it never prints. The shared
 * walk (DNS -> TCP -> TLS) lives in walk.c so every check names the lower
 * layers' causes the same way.
 */
#ifndef MC_CHECKS_CHECKS_H
#define MC_CHECKS_CHECKS_H

#include <stdbool.h>

#include "model/report.h"
#include "net/net.h"

/* What to check and how: built by src/ from options. */
struct mc_target {
  char *host;                 /* name or address as the user gave it */
  int port;                   /* 0: the check's default */
  char *sni;                  /* TLS server name (default: host unless literal) */
  struct mc_net_opts net;     /* --resolve, --dns-server, timeout */
  char *ca_file;              /* extra trust anchors; NULL: the system store only */
  bool insecure;              /* --insecure: do not verify (shown in the report) */
  bool no_channel_binding;    /* --no-channel-binding: NTLM without a CBT */
  int timeout_ms;             /* per network step */
  bool legacy_rpc;            /* ports: add 6001, 6002, 6004 */
  int *ports;                 /* ports: explicit list */
  size_t nports;
  char *user;                 /* remote-move: DOMAIN\\user, NULL: no login */
  char *password;             /* remote-move: never printed; wiped at release */
  int repeat;                 /* remote-move: new connections to compare (0: none) */
  char *exchange_server;      /* outlook-anywhere: the RPC server name (ExchangeServer) */
  bool auth_ntlm;             /* outlook-anywhere: --auth ntlm (default Basic) */
  char *email;                /* autodiscover (and remote-move --autodiscover): the mailbox */
  char **allow_redirect;      /* autodiscover: domains a redirect may lead to */
  size_t nallow_redirect;
  int port_map[4][2];         /* autodiscover: connect to [1] where the URL says [0] */
  size_t nport_map;
  int imap_security;          /* imap: --security, enum mc_imap_security (0 ssl, 1 tls, 2 none) */
};

void mc_target_release(struct mc_target *t);

/* migcheck ports: resolve, then probe every (address, port) concurrently. */
struct mc_report *mc_check_ports(const struct mc_target *t);

/* migcheck tls: resolve, connect, then the protocol versions one by one and
 * the certificate chain of the best handshake. */
struct mc_report *mc_check_tls(const struct mc_target *t);

/* migcheck remote-move: the walk Exchange Online's MRS takes to
 * https://HOST/EWS/mrsproxy.svc: DNS, TCP, TLS, the unauthenticated front
 * door (EWS and MRSProxy), the NTLM (and Basic) login with an MRS-like SOAP
 * request, then t->repeat new connections to compare the servers behind a
 * load balancer. */
struct mc_report *mc_check_remote_move(const struct mc_target *t);

/* migcheck outlook-anywhere: the path a cutover or staged migration takes:
 * DNS, TCP, TLS to the RPC proxy (t->host), /rpc/rpcproxy.dll without
 * credentials (and MAPI over HTTP for information), then per port 6001,
 * 6002, 6004 an RPC over HTTP v2 virtual connection to
 * t->exchange_server:PORT and a bind of EMSMDB, RFR, NSPI. */
struct mc_report *mc_check_outlook_anywhere(const struct mc_target *t);
/* migcheck autodiscover: the client discovery order for t->email (POX on
 * https://DOMAIN, https://autodiscover.DOMAIN, the plain-HTTP redirect, the
 * SRV record), redirects followed under the safe-redirect policy, then
 * SOAP GetUserSettings as the migration service asks it (autodiscover.c). */
struct mc_report *mc_check_autodiscover(const struct mc_target *t);

/* migcheck imap: the path an IMAP migration endpoint takes
 * (Test-MigrationServerAvailability -Imap): DNS, TCP, TLS on 993 for
 * --security ssl, then the IMAP session: greeting, capabilities, STARTTLS
 * (--security tls), and with t->user LOGIN and LIST (imap.c). */
struct mc_report *mc_check_imap(const struct mc_target *t);

/* What discovery found, for the checks that start from it. */
struct mc_ad_found {
  char *email;                /* the address the settings are for (after redirectAddr) */
  char *url;                  /* the Autodiscover URL that answered */
  char *ews_url;              /* external EWS: ExternalEwsUrl, else EXPR's, else EXCH's */
  char *ews_host;
  char *oa_host;              /* Outlook Anywhere external host: ExternalMailboxServer,
                                 else EXPR Server */
  char *oa_host_source;       /* which of the two */
  char *oa_auth;              /* ExternalMailboxServerAuthenticationMethods / AuthPackage */
  char *exch_server;          /* InternalRpcClientServer / InternalMailboxServer / EXCH Server */
  char *user_dn;
};

/* Runs the discovery walk for email, recording steps under parent in r.
 * True when settings were found (out filled; release it with
 * mc_ad_found_release). remote-move --autodiscover and the Outlook
 * Anywhere check start from this. */
bool mc_autodiscover_find(struct mc_report *r, struct mc_step *parent,
                          const struct mc_target *t, const char *email,
                          struct mc_ad_found *out);
void mc_ad_found_release(struct mc_ad_found *f);
/* remote-move --autodiscover: a "remote-move" report that starts with the
 * discovery for t->email and the choice of host. *picked is a shallow copy
 * of t whose host (owned: free it) is the MRSProxy host Autodiscover names
 * (the Outlook Anywhere host, as the migration service takes it), or NULL
 * when there is none (the report says why). */
struct mc_report *mc_remote_move_autodiscover(const struct mc_target *t,
                                              struct mc_target *picked);
/* outlook-anywhere --autodiscover: the same for the Outlook Anywhere check:
 * picked->host is the RPC proxy (the Outlook Anywhere external host) and
 * picked->exchange_server the RPC server name (InternalRpcClientServer or
 * EXCH Server; the mailbox-GUID name on Exchange 2013 and later), both
 * owned; both NULL when Autodiscover gave none (the report says why). */
struct mc_report *mc_outlook_anywhere_autodiscover(const struct mc_target *t,
                                                   struct mc_target *picked);

/* Shared walk steps. Each records one step (with findings) under parent and
 * returns whether the walk may go on. */
bool mc_walk_dns(struct mc_report *r, struct mc_step *parent, const struct mc_target *t,
                 int port, struct mc_dns_result *out);
/* One TCP connect to addr:port: TCP_REFUSED, TCP_TIMEOUT, TCP_RESET. */
bool mc_walk_tcp(struct mc_report *r, struct mc_step *parent, const struct mc_target *t,
                 const struct mc_addr *addr, int port);
/* One TLS handshake the way Exchange Online makes it (TLS 1.0 to 1.3
 * offered, the chain verified against the system store plus t->ca_file,
 * the name checked against t->sni or t->host): the TLS_* causes. Returns
 * false when no handshake completed. With t->insecure, certificate
 * problems are still shown but as warnings, and the walk goes on. */
bool mc_walk_tls(struct mc_report *r, struct mc_step *parent, const struct mc_target *t,
                 const struct mc_addr *addr, int port);
/* After a request failed TLS at addr where the walk's handshake passed
 * (servers behind one address with different certificates): up to tries
 * handshakes until one shows the certificate problem, judged as the walk
 * judges it; else an unknown step. */
void mc_walk_tls_hunt(struct mc_report *r, struct mc_step *parent, const struct mc_target *t,
                      const struct mc_addr *addr, int port, int tries);
/* The same after IMAP's STARTTLS (the greeting, STARTTLS, the tagged OK). */
bool mc_walk_tls_imap_starttls(struct mc_report *r, struct mc_step *parent,
                               const struct mc_target *t, const struct mc_addr *addr, int port);
/* The name the certificate must carry: --sni, else the host (unless it is
 * a literal address and no --sni was given: then the address). */
const char *mc_target_tls_name(const struct mc_target *t);

#endif
