/*
 * lab.h - the built-in lab: an on-premises Exchange front end that is
 * misconfigured on purpose, one scenario per fault, on loopback.
 *
 * Each scenario is a row in the scenario table (scenarios.c): its name, the
 * check that exercises it, the causes a correct diagnosis names, and the
 * function that starts its listeners. mc_lab_start() makes a CA and the
 * certificates in a fresh directory, starts the asked-for scenarios on
 * kernel-picked loopback ports and serves them from background threads
 * until mc_lab_stop().
 *
 * The lab shares no code with the checks beyond lib/util: a bug in a client
 * cannot hide behind the same bug in the server. It never connects anywhere
 * but loopback.
 */
#ifndef MC_LAB_LAB_H
#define MC_LAB_LAB_H

#include <stdbool.h>
#include <stddef.h>

#include "util/util.h"

struct mc_lab;
struct mc_lab_site;

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
};

extern const struct mc_lab_scenario mc_lab_scenarios[];
extern const size_t mc_lab_nscenarios;

/* A running scenario: where it listens and how to point migcheck at it. */
struct mc_lab_site {
  const struct mc_lab_scenario *sc;
  char host[128];                 /* the name its certificate carries */
  int port;                       /* the port to target */
  char target[160];               /* "host:port" for commands taking HOST[:PORT] */
  char args[1024];                /* "--resolve ... --ca-file ..." */
  char command[2048];            /* the whole migcheck command line that
                                     exercises it, words separated by one
                                     space (no word contains a space) */
  char env_password[64];          /* the password its command expects in
                                     MIGCHECK_PASSWORD ("" when none) */
  char logs[600];                 /* where its servers write IIS logs ("") */
  const char *const *cert_names;  /* more names for its certificate (NULL: host only) */
  void *priv;                     /* the scenario's own state */
  void (*priv_free)(void *);      /* how to free it (NULL: free()) */
};

/* Starts the lab. only: one scenario name, or NULL for all. dir: where the
 * CA file (and later the logs) go; NULL makes a temporary directory that
 * mc_lab_stop() removes. */
mc_code mc_lab_start(struct mc_lab **out, const char *only, const char *dir,
                     char *err, size_t errlen);
void mc_lab_stop(struct mc_lab *lab);
size_t mc_lab_nsites(const struct mc_lab *lab);
struct mc_lab_site *mc_lab_site_at(struct mc_lab *lab, size_t i);
const char *mc_lab_ca_file(const struct mc_lab *lab);
const char *mc_lab_dir(const struct mc_lab *lab);
const struct mc_lab_scenario *mc_lab_find_scenario(const char *name);

/* For scenario start functions. */

/* A connection handler runs on its own thread with the accepted socket and
 * owns it (must close it). */
typedef void (*mc_lab_conn_fn)(struct mc_lab *lab, struct mc_lab_site *site, int fd);

/* Listens on 127.0.0.1 (::1 for an MC_LAB_ADDRS_V6_ONLY scenario) with a kernel-picked port and calls fn for each
 * connection on a new thread. backlog as for listen(2). Sets *port. */
mc_code mc_lab_listen(struct mc_lab *lab, struct mc_lab_site *site, int backlog,
                      mc_lab_conn_fn fn, int *port);
/* Listens on 127.0.0.2 at port (the site's own, taken on 127.0.0.1): the
 * second address of an MC_LAB_ADDRS_SECOND_OTHER scenario. */
mc_code mc_lab_listen_second(struct mc_lab *lab, struct mc_lab_site *site, int port,
                             mc_lab_conn_fn fn);
/* mc_lab_listen with a backlog of 64, then mc_lab_site_ready: the usual
 * start of a scenario that answers every connection with fn. */
mc_code mc_lab_serve(struct mc_lab *lab, struct mc_lab_site *site, mc_lab_conn_fn fn);
/* An HTTP Date header value for now ("Sun, 22 Nov 2026 01:58:11 GMT"). */
void mc_lab_http_date(char *out, size_t outlen);
/* Binds a UDP socket on 127.0.0.1 (kernel-picked port) and calls fn on
 * the listener's thread whenever a datagram waits (fn reads it from the
 * non-blocking fd and must not close it; the lab does at stop). */
mc_code mc_lab_listen_udp(struct mc_lab *lab, struct mc_lab_site *site, mc_lab_conn_fn fn,
                          int *port);
/* A loopback port where nothing listens: bound (so no one else is given it
 * while the lab runs) but never listening, so connections are refused. */
mc_code mc_lab_closed_port(struct mc_lab *lab, int *port);
/* A socket of type (SOCK_STREAM, SOCK_DGRAM) bound to 127.0.0.1 on a
 * kernel-picked port (*port), or -1. Not listening. */
int mc_lab_bind_loopback(int type, int *port);
/* Sets site->port, target, args and the default command
 * "CHECK HOST:PORT ARGS" for a listener on port. */
void mc_lab_site_ready(struct mc_lab *lab, struct mc_lab_site *site, int port);
/* Whether the lab is shutting down (handlers stop at the next chance). */
bool mc_lab_stopping(const struct mc_lab *lab);
/* Registers an fd the lab closes at stop (e.g. a socket it keeps open). */
void mc_lab_keep_fd(struct mc_lab *lab, int fd);

/* The Exchange front end (exchange.c): EWS and MRSProxy with NTLM and
 * Basic, one or two servers behind one listener, the fault its profile
 * names, IIS logs per server. */
mc_code mc_lab_exchange_start(struct mc_lab *lab, struct mc_lab_site *site);
/* The lab's migration account and its password (the same for every
 * Exchange scenario; public: it is a lab). */
#define MC_LAB_ACCOUNT "CONTOSO\\migadmin"
const char *mc_lab_account_password(void);

/* TLS scenarios (tls_server.c). */
mc_code mc_lab_tls_start(struct mc_lab *lab, struct mc_lab_site *site);
/* The lab's PKI (pki.c): makes the root CA, the intermediate, and writes the
 * root to dir/lab-ca.pem. */
struct mc_lab_pki;
mc_code mc_lab_pki_new(struct mc_lab_pki **out, const char *dir, char *err, size_t errlen);
void mc_lab_pki_free(struct mc_lab_pki *pki);
struct mc_lab_pki *mc_lab_pki(struct mc_lab *lab);

#endif
