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
#include "http/http.h"
#include "net/net.h"
#include "proto/imap.h"

/* What only remote-move reads. */
struct mc_target_rm {
  int repeat;                 /* new connections to compare (0: none) */
  bool no_large_request;      /* --no-large-request: no MRS-sized POST */
};

/* What only outlook-anywhere reads. */
struct mc_target_oa {
  char *exchange_server;      /* the RPC server name (ExchangeServer) */
  enum mc_http_auth auth;     /* --auth: MC_HTTP_AUTH_NTLM, else Basic */
};

/* What discovery reads: autodiscover, and remote-move or outlook-anywhere
 * with --autodiscover (email set). */
struct mc_target_ad {
  char *email;                /* the mailbox; NULL: no discovery */
  char **allow_redirect;      /* domains a redirect may lead to */
  size_t nallow_redirect;
  int port_map[4][2];         /* connect to [1] where the URL says [0] */
  size_t nport_map;
};

/* What only imap reads. */
struct mc_target_imap {
  enum mc_imap_security security;   /* --security (proto/imap.h) */
};

/* What only ports reads. */
struct mc_target_ports {
  int *list;                  /* explicit ports */
  size_t n;
  bool legacy_rpc;            /* add 6001, 6002, 6004 */
};

/* What to check and how: built by src/ from options. The shared part
 * every check reads, then one part per check (the others stay zero). */
struct mc_target {
  char *host;                 /* name or address as the user gave it */
  int port;                   /* 0: the check's default */
  char *sni;                  /* TLS server name (default: host unless literal) */
  struct mc_net_opts net;     /* --resolve, --dns-server, timeout */
  char *ca_file;              /* extra trust anchors; NULL: the system store only */
  bool insecure;              /* --insecure: do not verify (shown in the report) */
  int timeout_ms;             /* per network step */
  char *user;                 /* DOMAIN\\user, NULL: no login */
  char *password;             /* never printed; wiped at release */
  bool no_channel_binding;    /* --no-channel-binding: NTLM without a CBT */
  struct mc_target_rm rm;
  struct mc_target_oa oa;
  struct mc_target_ad ad;
  struct mc_target_imap imap;
  struct mc_target_ports ports;
};

/* Frees every part (the password wiped) and zeroes t. */
void mc_target_release(struct mc_target *t);

/* The run id on the wire (request.c): the User-Agent
 * "PREFIXmigcheck/VERSION (run ID)" and, unless the path's query string
 * belongs to the protocol, "migcheck=ID", so the IIS logs can be searched
 * for one run. */
struct mc_run_tag {
  char ua[128];
  char query[48];             /* "" when the requests carry none */
};
void mc_run_tag_init(struct mc_run_tag *tag, const struct mc_report *r, const char *ua_prefix,
                     bool query);
/* q (zeroed first) for METHOD PATH to t->host at addr:port with t's trust,
 * deadline and channel-binding choice, tag's User-Agent and query (tag may
 * be NULL), and, with auth other than MC_HTTP_AUTH_NONE, t's login. Every
 * check builds its requests here. */
void mc_target_req(const struct mc_target *t, const struct mc_run_tag *tag, const char *addr,
                   int port, const char *method, const char *path, enum mc_http_auth auth,
                   struct mc_http_req *q);
/* q's login: auth with t's user and password (none for MC_HTTP_AUTH_NONE). */
void mc_target_login(const struct mc_target *t, enum mc_http_auth auth, struct mc_http_req *q);

/* migcheck ports: resolve, then probe every (address, port) concurrently. */
struct mc_report *mc_check_ports(const struct mc_target *t);

/* migcheck tls: resolve, connect, then the protocol versions one by one and
 * the certificate chain of the best handshake. */
struct mc_report *mc_check_tls(const struct mc_target *t);

/* migcheck remote-move: the walk Exchange Online's MRS takes to
 * https://HOST/EWS/mrsproxy.svc: DNS, TCP, TLS, the unauthenticated front
 * door (EWS and MRSProxy), the NTLM (and Basic) login with an MRS-like SOAP
 * request, then t->rm.repeat new connections to compare the servers behind a
 * load balancer. */
struct mc_report *mc_check_remote_move(const struct mc_target *t);

/* migcheck outlook-anywhere: the path a cutover or staged migration takes:
 * DNS, TCP, TLS to the RPC proxy (t->host), /rpc/rpcproxy.dll without
 * credentials (and MAPI over HTTP for information), then per port 6001,
 * 6002, 6004 an RPC over HTTP v2 virtual connection to
 * t->oa.exchange_server:PORT and a bind of EMSMDB, RFR, NSPI. */
struct mc_report *mc_check_outlook_anywhere(const struct mc_target *t);
/* migcheck autodiscover: the client discovery order for t->ad.email (POX on
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
/* The domain of an address like alice@contoso.com, lowercased, into out:
 * what --email and --allow-redirect are checked with. False when email is
 * not such an address. */
bool mc_autodiscover_email_domain(const char *email, char *out, size_t outlen);
/* remote-move --autodiscover: a "remote-move" report that starts with the
 * discovery for t->ad.email and the choice of host. *picked is a shallow copy
 * of t whose host (owned: free it) is the MRSProxy host Autodiscover names
 * (the Outlook Anywhere host, as the migration service takes it), or NULL
 * when there is none (the report says why). */
struct mc_report *mc_remote_move_autodiscover(const struct mc_target *t,
                                              struct mc_target *picked);
/* outlook-anywhere --autodiscover: the same for the Outlook Anywhere check:
 * picked->host is the RPC proxy (the Outlook Anywhere external host) and
 * picked->oa.exchange_server the RPC server name (InternalRpcClientServer or
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
/* The request an address walk sends on every address, without credentials
 * (the check's front door: remote-move GET /EWS/Exchange.asmx ...). */
struct mc_front_probe {
  const char *method;
  const char *path;
  const char *query;          /* without '?'; NULL: none */
  const char *user_agent;
};
/* Every address of the name (addresses.c): with more than one, TCP, TLS
 * (when tls) and fp (when not NULL) on each concurrently, compared with the
 * first healthy one; an address that differs is DNS_ADDRESSES_DISAGREE plus
 * its own cause (TCP_REFUSED ... naming it). Returns the index in
 * dns->addrs of the address the deeper walk takes. With one address it
 * sends nothing. Either way the report says how many were walked (a note
 * and the JSON section "addresses"). */
size_t mc_walk_every_address(struct mc_report *r, struct mc_step *parent,
                             const struct mc_target *t, int port,
                             const struct mc_dns_result *dns, bool tls,
                             const struct mc_front_probe *fp);
/* Every back end on a failing step (backends.c). */
struct mc_http_resp;
#define MC_BACKENDS_MAX 64
/* Which server gave an answer, as it names itself: X-FEServer, else
 * X-BEServer, else X-CalculatedBETarget, else the NTLM challenge's computer
 * name; "FE (back end BE)" when the front end names another back end; ""
 * when none. */
void mc_backend_identity(const struct mc_http_resp *resp, char *out, size_t outlen);
struct mc_backend_answer {
  char server[128];           /* mc_backend_identity; "" when unnamed */
  bool good;                  /* the answer the step wants */
  char what[96];              /* "503 Service Unavailable", "asked for credentials" */
};
/* Groups n answers to one request (the first answer and its repeats on new
 * connections) by server and outcome, as evidence on s; good and bad
 * answers together are LB_INCONSISTENT_BACKENDS naming the servers of
 * each, and true is returned. The caller raises the bad answer's own cause
 * after it, so the pool ranks first. */
bool mc_backends_judge(struct mc_report *r, struct mc_step *s,
                       const struct mc_backend_answer *v, size_t n, const char *request);
/* Before a failing answer first to q is blamed: q again on n new
 * connections at once (a step under parent with every answer), judged by
 * mc_backends_judge with good() telling the wanted answer. True when the
 * servers answered differently. */
bool mc_backends_recheck(struct mc_report *r, struct mc_step *parent,
                         struct mc_http_client *http, const struct mc_http_req *q,
                         const struct mc_http_resp *first, size_t n,
                         bool (*good)(const struct mc_http_resp *resp));

/* The request size MRS sends (large_request.c). */
struct mc_large_probe {
  const struct mc_http_req *tmpl;   /* the walk's POST (its login, headers); body replaced */
  bool signed_in;                   /* tmpl signs in: a 400 is then WCF's quota */
  int good_status;                  /* what the same POST got with its small body */
  const char *host;                 /* for the envelope's To */
  int port;
};
/* One MRS-sized POST (6 MiB of well-formed SOAP), sent by the caller with
 * its own concurrent batch (so a healthy walk costs no extra round), and
 * when it fails, the smallest size and a few in between: HTTP_REQUEST_TOO_LARGE (413, IIS
 * 404.13, dropped upload) or MRSPROXY_WCF_QUOTA (400 after the login), with
 * the sizes that passed and failed; any other answer is shown, not blamed. One step
 * under parent; every request goes into traffic. */
struct mc_large_run {
  struct mc_buf body;               /* owned until finish */
  struct mc_http_req q;             /* the first request: send it */
  int64_t t0;
};
void mc_large_request_begin(struct mc_large_run *run, const struct mc_large_probe *p);
/* answer: the response to run->q. One step under parent; every request
 * goes into traffic; releases run. Returns whether one of its requests
 * failed TLS (the caller's certificate hunt looks for the server behind). */
bool mc_large_request_finish(struct mc_report *r, struct mc_step *parent,
                             struct mc_http_client *http, const struct mc_large_probe *p,
                             struct mc_large_run *run, const struct mc_http_resp *answer,
                             struct mc_buf *traffic, bool *traffic_any);

/* The start every check shares (walk.c): the --insecure note, DNS, every
 * address (TLS on each when tls, fp on each when not NULL), then TCP to
 * the address the walk takes, copied into addr. False when a step ended
 * the walk. The TLS walk on addr is the caller's. */
bool mc_walk_to_tcp(struct mc_report *r, const struct mc_target *t, int port, bool tls,
                    const struct mc_front_probe *fp, struct mc_addr *addr);
/* A walk's HTTP requests are over: when one failed TLS where the walk's
 * handshake on addr passed (and not --insecure), the handshakes that find
 * the server behind it; then traffic (a JSON array still open, released
 * here) becomes the report's "traffic" section. */
void mc_walk_http_end(struct mc_report *r, const struct mc_target *t, const char *addr, int port,
                      bool tls_failed, struct mc_buf *traffic);

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
