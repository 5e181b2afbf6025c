/*
 * lab.h - the built-in lab: an on-premises Exchange front end that is
 * misconfigured on purpose, one scenario per fault, on loopback.
 *
 * Each scenario is a row in the scenario table (scenarios.c): its name, the
 * check that exercises it, the causes a correct diagnosis names, the
 * function that starts its listeners and the profile that says what they
 * do. mc_lab_start() makes a CA and the
 * certificates in a fresh directory, starts the asked-for scenarios on
 * kernel-picked loopback ports and serves them from background threads
 * until mc_lab_stop().
 *
 * The lab shares no code with the checks beyond lib/util and the wire
 * codecs (lib/wire): a bug in a client cannot hide behind the same bug in
 * the server. The build enforces it: lib/lab sees only those headers and
 * links only libmcutil and libmcwire. It never connects anywhere
 * but loopback.
 */
#ifndef MC_LAB_LAB_H
#define MC_LAB_LAB_H

#include <stdbool.h>
#include <stddef.h>

#include "util/util.h"

#include "lab/scenarios.h"

struct mc_lab_pki;

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

/* The lab's migration account and its password (the same for every
 * scenario that signs in; public: it is a lab). */
#define MC_LAB_ACCOUNT "CONTOSO\\migadmin"
const char *mc_lab_account_password(void);

/* The lab's certificate authority (pki.h). */
struct mc_lab_pki *mc_lab_pki(struct mc_lab *lab);

#endif
