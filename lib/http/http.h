/*
 * http.h - the HTTP layer: one request in, what came back out, through
 * libcurl. It reports observations (status lines, headers, the start of the
 * body, the auth schemes offered, timings, which address answered, or the
 * class of failure) and never a verdict; the checks decide.
 *
 * Rules it keeps, whoever calls it:
 *   - the connection goes to the address the walk resolved (CURLOPT_RESOLVE
 *     pins host:port to it), never through a proxy from the environment;
 *   - certificates are verified against the system's default trust (as the
 *     TLS probe loads it) plus ca_file, unless insecure;
 *   - redirects are never followed: a redirect is evidence (Location is
 *     kept), so credentials can never follow one anywhere;
 *   - every request is its own connection (no reuse between requests; NTLM
 *     keeps its one connection for its handshake, as it must);
 *   - NTLM is the client's own (ntlm_login.c), never libcurl's: NTLMv2 with
 *     the MIC, the target name and the channel binding of the certificate
 *     that the TLS session carrying the request presented, as Windows sends
 *     it under Extended Protection;
 *   - everything the peer sends is bounded: 64 KiB of headers, 16 KiB of
 *     body kept unless the request asks for what its parser's documented
 *     limit allows (body_keep; the rest is counted and dropped), 8
 *     responses per request.
 * Requests given together run concurrently (curl multi).
 */
#ifndef MC_HTTP_HTTP_H
#define MC_HTTP_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/util.h"

#define MC_HTTP_HEAD_LIMIT (64 * 1024)
#define MC_HTTP_BODY_KEEP (16 * 1024)
#define MC_HTTP_MAX_MSGS 8
#define MC_HTTP_MAX_HEADERS 128

enum mc_http_auth {
  MC_HTTP_AUTH_NONE,
  MC_HTTP_AUTH_NTLM,
  MC_HTTP_AUTH_BASIC
};

/* What went wrong below HTTP, when no final response arrived. */
enum mc_http_error {
  MC_HTTP_OK,             /* a response arrived (any status) */
  MC_HTTP_ERR_TIMEOUT,    /* the deadline passed */
  MC_HTTP_ERR_CONNECT,    /* the TCP connection failed */
  MC_HTTP_ERR_TLS,        /* the TLS handshake or certificate check failed */
  MC_HTTP_ERR_RESET,      /* the connection was reset or closed mid-request */
  MC_HTTP_ERR_PROTOCOL,   /* the peer answered with something that is not HTTP */
  MC_HTTP_ERR_TOO_BIG,    /* the response headers exceeded the limit */
  MC_HTTP_ERR_OTHER
};

/* Auth schemes offered in WWW-Authenticate. */
enum {
  MC_HTTP_SCHEME_NEGOTIATE = 1 << 0,
  MC_HTTP_SCHEME_NTLM = 1 << 1,
  MC_HTTP_SCHEME_BASIC = 1 << 2,
  MC_HTTP_SCHEME_DIGEST = 1 << 3,
  MC_HTTP_SCHEME_BEARER = 1 << 4,
  MC_HTTP_SCHEME_OTHER = 1 << 5
};

struct mc_http_req {
  const char *method;           /* "GET", "POST" */
  const char *host;             /* the name in the URL, Host header and SNI */
  int port;
  const char *addr;             /* the address to connect to (text) */
  const char *path;             /* "/EWS/mrsproxy.svc" */
  const char *query;            /* without '?'; NULL: none */
  const char *user_agent;
  const char *const *headers;   /* extra "Name: value" lines, NULL-terminated */
  const char *body;
  size_t body_len;
  enum mc_http_auth auth;
  const char *user;             /* "DOMAIN\\user" */
  const char *password;         /* borrowed; never logged or copied */
  const char *ca_file;          /* extra trust anchors (PEM), NULL: none */
  bool insecure;
  int timeout_ms;               /* for the whole request */
  bool plain;                   /* http:// instead of https://; never with credentials */
  size_t body_keep;             /* body bytes to keep: the parser's limit (0: BODY_KEEP) */
  bool no_channel_binding;      /* NTLM without a CBT (--no-channel-binding) */
};

/* What the client's own NTLM login (ntlm_login.c) sent and saw: evidence,
 * never a secret (no password, hash or key). */
struct mc_http_ntlm_ev {
  bool used;                    /* this request signed in with NTLM */
  bool challenged;              /* a Type 2 came back */
  bool broken;                  /* ... that could not be answered (no Type 3 sent) */
  char broken_why[160];
  bool sent;                    /* a Type 3 went out */
  uint32_t flags;               /* its NegotiateFlags */
  bool cbt, mic, spn;           /* MsvAvChannelBindings, MIC, MsvAvTargetName sent */
  bool cbt_off;                 /* --no-channel-binding */
  char cert_hash_name[16];      /* "SHA256": the hash the binding used */
  char cert_hash[130];          /* of the certificate seen on the challenge leg (hex) */
  char cert_issuer[256];        /* its issuer */
  bool new_connection;          /* the Type 3 had to go on a new connection */
  bool cert_changed;            /* another certificate answered the Type 3 */
};

struct mc_http_header {
  char *name;
  char *value;                  /* printable (untrusted bytes escaped) */
};

/* One response in the exchange (an NTLM login has several). */
struct mc_http_msg {
  int status;
  char *status_line;            /* printable */
  struct mc_http_header *h;
  size_t nh;
};

struct mc_http_resp {
  enum mc_http_error error;
  char error_text[256];         /* libcurl's words */
  struct mc_http_msg msgs[MC_HTTP_MAX_MSGS];
  size_t nmsgs;
  const struct mc_http_msg *final;   /* the last response, NULL when none */
  int status;                   /* of the final response, 0 when none */
  struct mc_buf body;           /* the first body_keep (MC_HTTP_BODY_KEEP) bytes */
  size_t body_total;            /* bytes received in all */
  char ip[64];                  /* the address that answered */
  long port;
  long connects;                /* connections made for this request */
  int64_t ms_connect, ms_tls, ms_first_byte, ms_total;
  char url[1024];               /* as requested (no credentials in it) */
  struct mc_http_ntlm_ev ntlm;  /* when the request signed in with NTLM */
  /* private */
  size_t head_bytes;
  bool head_overflow;
};

/* A client: one curl multi handle and one trust store (the system's
 * default trust plus ca_file, parsed once) for a whole walk. All requests
 * of one client must name the same ca_file. Connections are still never
 * reused. */
struct mc_http_client;
struct mc_http_client *mc_http_client_new(void);
void mc_http_client_free(struct mc_http_client *c);

/* Runs n requests concurrently and fills resps[i] for reqs[i]. Returns
 * MC_OK, or MC_ERR_INTERNAL when libcurl could not be set up at all. */
mc_code mc_http_perform(struct mc_http_client *c, const struct mc_http_req *reqs,
                        struct mc_http_resp *resps, size_t n);
void mc_http_resp_release(struct mc_http_resp *r);

/* The first header named name (case-insensitive) in m, or NULL. */
const char *mc_http_header(const struct mc_http_msg *m, const char *name);
/* The schemes m's WWW-Authenticate headers offer (MC_HTTP_SCHEME_*); the
 * Basic realm, when one is offered, goes into realm. */
unsigned mc_http_auth_schemes(const struct mc_http_msg *m, char *realm, size_t realmlen);
/* The base64 token of the first "NTLM <token>" challenge in any response
 * of r, or NULL. */
const char *mc_http_ntlm_challenge(const struct mc_http_resp *r);
const char *mc_http_error_name(enum mc_http_error e);
/* Appends one request of a walk to a JSON array being built in out (the
 * caller writes the brackets; *any says whether an element came before):
 * purpose, method, URL, login scheme, every status, error, who answered. */
void mc_http_traffic_add(struct mc_buf *out, bool *any, const struct mc_http_req *q,
                         const struct mc_http_resp *resp, const char *purpose);
/* "Negotiate, NTLM, Basic" for a scheme mask, written into out (returned). */
const char *mc_http_schemes_text(unsigned mask, char *out, size_t outlen);

/* For a layer that drives libcurl itself (lib/proto/rpch.c, whose
 * RPC_IN_DATA and RPC_OUT_DATA requests stream for as long as the session
 * lasts): the same global init, header capture into r->msgs, trust rules
 * and failure classes as mc_http_perform. easy is a CURL *. */
bool mc_http_global_init(void);
size_t mc_http_header_cb(char *p, size_t size, size_t n, void *resp);
struct mc_http_trust {
  struct mc_http_client *client;   /* whose store (built once) to use */
  const char *ca_file;
};
/* The options every migcheck transfer shares, on a libcurl easy handle:
 * the URL, the pinned address (a CURLOPT_RESOLVE list), no proxy from the
 * environment, https only (http when plain), no redirects followed, no
 * connection reuse, HTTP/1.1, the deadline for connect and transfer, the
 * error buffer (CURL_ERROR_SIZE), the User-Agent and the header list. */
void mc_http_easy_base(void *easy, const char *url, void *resolve, void *headers, bool plain,
                       int timeout_ms, char *errbuf, const char *user_agent);
/* t must outlive the handle. */
void mc_http_easy_trust(void *easy, const struct mc_http_trust *t, bool insecure);
/* The CURLOPT_RESOLVE list (a struct curl_slist *; the caller frees it)
 * that pins q->host:q->port to q->addr, or NULL when out of memory. */
void *mc_http_pin(const struct mc_http_req *q);
/* q's Basic login on the handle when q asks for one (never over plain
 * http, never to another host); NTLM goes through mc_http_ntlm_for. */
void mc_http_easy_login(void *easy, const struct mc_http_req *q);
enum mc_http_error mc_http_error_of(int curl_code, const struct mc_http_resp *r);

/* ---- ntlm_login.c: the client's own NTLM on one easy handle ----
 * For mc_http_perform and for a layer driving libcurl itself (rpch.c):
 *   n = mc_http_ntlm_new(...);
 *   add mc_http_ntlm_leg1(n, easy) to the headers (it also sets the
 *   handle's header callback: responses go into resp, and the certificate
 *   of the TLS session that carries each is read), send the request with
 *   an empty body;
 *   line = mc_http_ntlm_leg2(n, easy, resp): NULL ends the login (ev says
 *   why), else send the request again with line instead, its real body;
 *   mc_http_ntlm_done(n, easy); clean the easy handle up, then free n.
 * user, password and resp are borrowed for n's life; resp->ntlm is filled
 * as it goes. */
struct mc_http_ntlm;
struct mc_http_ntlm *mc_http_ntlm_new(const char *user, const char *password,
                                      const char *host, bool no_channel_binding,
                                      struct mc_http_resp *resp);
/* The same with q's login, host and channel-binding choice. */
struct mc_http_ntlm *mc_http_ntlm_for(const struct mc_http_req *q, struct mc_http_resp *resp);
void mc_http_ntlm_free(struct mc_http_ntlm *n);
const char *mc_http_ntlm_leg1(struct mc_http_ntlm *n, void *easy);
size_t mc_http_ntlm_header_cb(char *p, size_t size, size_t n, void *ntlm);
const char *mc_http_ntlm_leg2(struct mc_http_ntlm *n, void *easy, const struct mc_http_resp *r);
void mc_http_ntlm_done(struct mc_http_ntlm *n, void *easy);
/* One line for a report: flags, whether a CBT, MIC and target name went,
 * the certificate hash bound; or why no answer was sent. */
const char *mc_http_ntlm_describe(const struct mc_http_ntlm_ev *ev, char *out, size_t outlen);

#endif
