/*
 * autodiscover.h - the lab's Autodiscover responder (autodiscover.c): what
 * each scenario's servers answer, and the profile a scenario row gives it.
 * Lab only: the checks never include this.
 */
#ifndef MC_LAB_AUTODISCOVER_H
#define MC_LAB_AUTODISCOVER_H

#include <stdbool.h>
#include <stddef.h>

#include "lab/http_req.h"
#include "lab/lab.h"
#include "util/util.h"

/* What an Autodiscover answer holds. */
enum mc_lab_ad_kind {
  MC_LAB_AD_SETTINGS,       /* EXCH, EXPR with public names, WEB */
  MC_LAB_AD_REDIRECT_ADDR,  /* the address lives in sales.contoso.test: redirectAddr there */
  MC_LAB_AD_LOOP,           /* autodiscover.* and mail.* redirectUrl to each other */
  MC_LAB_AD_INTERNAL,       /* EXPR and the external EWS URL carry ex16-01.contoso.local */
  MC_LAB_AD_NO_OA,          /* no EXPR; GetUserSettings has no Outlook Anywhere values */
  MC_LAB_AD_BAD_XML         /* 200 with XML that breaks off */
};

/* A scenario's Autodiscover servers (the .ad of its row). */
struct mc_lab_ad_profile {
  const char *names[6];         /* the names that exist (the command's --resolve) */
  bool https_closed;            /* 443 leads to a closed port */
  bool http_open;               /* 80 leads to the HTTP listener (else the closed port) */
  const char *ad_hosts[3];      /* where Autodiscover answers; others are a web site */
  enum mc_lab_ad_kind kind;
  const char *http_location;    /* the port-80 GET's 302 target; NULL: 403 */
  bool srv;                     /* _autodiscover._tcp -> mail.contoso.test */
  bool password_changed;
  const char *ews_host;         /* where EWS and MRSProxy answer ("mail.contoso.test") */
  const char *oa_host;          /* the Outlook Anywhere external name (default: ews_host) */
  bool insecure;                /* its command passes --insecure */
  int alt_mailboxes;            /* AlternativeMailbox entries in the answer (a big one) */
  bool echo_basic;              /* offers only Basic and answers the login with a 403 that
                                   repeats it (token in Location, user:password in text) */
};

struct mc_lab_ad_reply {
  int status;
  const char *reason;
  struct mc_buf head;           /* header lines, each ending in CRLF */
  struct mc_buf body;
};

/* What the servers of profile p answer to one request that has passed (or
 * needs no) sign-in: host is the Host header without its port, tls whether
 * it came over TLS, signed_in whether the connection has signed in. The
 * reply's buffers must be initialised by the caller. MC_ERR_USAGE when p is
 * NULL. */
mc_code mc_lab_ad_respond(const struct mc_lab_ad_profile *p, bool tls, const char *host,
                          const struct mc_lab_http_req *q, const char *body, bool signed_in,
                          struct mc_lab_ad_reply *out);

/* Starts an Autodiscover scenario: an HTTPS and an HTTP listener, a closed
 * port, a DNS server, and the command line that points migcheck at them. */
mc_code mc_lab_autodiscover_start(struct mc_lab *lab, struct mc_lab_site *site);

#endif
