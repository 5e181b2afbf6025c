/*
 * ews_lab.h - the parts of the lab's Exchange front end (exchange.c):
 * server-side NTLM (ntlm_server.c), the HTTP/1.1 request parser
 * (http_req.c) and the IIS W3C log writer (iislog.c). Lab only: the checks
 * never include this, so a client bug cannot hide behind the same bug here.
 */
#ifndef MC_LAB_EWS_LAB_H
#define MC_LAB_EWS_LAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/util.h"

#include "util/md4.h"

/* ---- ntlm_server.c: the server side of NTLM (MS-NLMP) ----
 * Per connection: a Type 1 (negotiate) gets a Type 2 (challenge) with a
 * fresh random challenge and the server's names in the target info; the
 * Type 3 (authenticate) that follows on the same connection is checked as
 * an NTLMv2 response against the account. */
struct mc_lab_ntlm_names {
  const char *nb_domain;      /* "CONTOSO" */
  const char *nb_computer;    /* "EX16-01" */
  const char *dns_domain;     /* "contoso.local" */
  const char *dns_computer;   /* "ex16-01.contoso.local" */
  unsigned os_major, os_minor, os_build;
};

enum mc_lab_ntlm_verdict {
  MC_LAB_NTLM_OK,
  MC_LAB_NTLM_DENIED,         /* wrong user, domain or password, or a bad MIC */
  MC_LAB_NTLM_BAD_MESSAGE,    /* not a valid Type 3 */
  MC_LAB_NTLM_NO_BINDING      /* right password, but the channel binding is missing
                                 (Require) or names another channel (Extended
                                 Protection: event 4625, 0xC000035B) */
};

/* Extended Protection as IIS sets it per virtual directory (tokenChecking). */
enum mc_lab_ep { MC_LAB_EP_NONE, MC_LAB_EP_ALLOW, MC_LAB_EP_REQUIRE };

struct mc_lab_ntlm_ep {
  enum mc_lab_ep mode;
  const unsigned char *binding;   /* the CBT of the channel this server sees (16
                                     bytes, mc_lab_ntlm_binding); NULL: none */
  const unsigned char *t1, *t2;   /* the negotiate and challenge, for the MIC */
  size_t n1, n2;
};

/* The message type (1, 2, 3) of a raw NTLM message, or 0 when it is none. */
int mc_lab_ntlm_type(const unsigned char *p, size_t n);
/* Builds a Type 2 into out (raw bytes) and the challenge into challenge. */
void mc_lab_ntlm_challenge(const struct mc_lab_ntlm_names *names, unsigned char challenge[8],
                           struct mc_buf *out);
/* Checks a Type 3 against challenge and the account: the NTLMv2 proof,
 * then (when the client says it sent one, or ep asks for a binding) the
 * MIC over t1, t2 and the Type 3, then the channel binding as ep->mode
 * asks. ep NULL: none of that. user_out gets the "DOMAIN\user" the client
 * claimed (printable). */
enum mc_lab_ntlm_verdict mc_lab_ntlm_verify(const unsigned char *p, size_t n,
                                            const unsigned char challenge[8],
                                            const char *domain, const char *user,
                                            const char *password,
                                            const struct mc_lab_ntlm_ep *ep,
                                            char *user_out, size_t user_outlen);
/* The tls-server-end-point channel binding (RFC 5929) of a lab certificate
 * (all are signed with SHA-256), as the server computes it. */
struct x509_st;
void mc_lab_ntlm_binding(struct x509_st *cert, unsigned char out[16]);
/* One connection's NTLM handshake, for the lab's servers: begin() answers
 * a Type 1 with a challenge (kept, with both messages, for the MIC);
 * finish() checks the Type 3 with Extended Protection set to mode against
 * the channel ssl carries (its own certificate; NULL: no TLS) and forgets
 * the challenge. A Type 3 before any challenge is a bad message. */
struct mc_lab_ntlm_conn {
  bool challenged;
  unsigned char challenge[8];
  unsigned char t1[1024], t2[2048];
  size_t n1, n2;
};
struct ssl_st;
void mc_lab_ntlm_begin(struct mc_lab_ntlm_conn *nc, const struct mc_lab_ntlm_names *names,
                       const unsigned char *t1, size_t n1, struct mc_buf *t2_out);
enum mc_lab_ntlm_verdict mc_lab_ntlm_finish(struct mc_lab_ntlm_conn *nc,
                                            const unsigned char *t3, size_t n3,
                                            const char *password, enum mc_lab_ep mode,
                                            struct ssl_st *ssl, char *user_out,
                                            size_t user_outlen);
/* NTOWFv2 (exposed for the unit test vectors of MS-NLMP 4.2.4). */
void mc_lab_ntowfv2(const char *password, const char *user, const char *domain,
                    unsigned char out[16]);

/* ---- http_req.c: one HTTP/1.1 request head, parsed in place ----
 * Hard limits: the head is at most MC_LAB_HTTP_HEAD_MAX bytes, at most
 * MC_LAB_HTTP_MAX_HEADERS headers, a request target of at most 4 KiB, a
 * body of at most MC_LAB_HTTP_BODY_LIMIT bytes of which the first
 * MC_LAB_HTTP_BODY_MAX are kept (the rest is read and dropped, as a server
 * streams an MRS-sized request); no chunked bodies, no obsolete line
 * folding. Slices point into the caller's buffer. */
#define MC_LAB_HTTP_HEAD_MAX 16384
#define MC_LAB_HTTP_BODY_MAX 65536
#define MC_LAB_HTTP_BODY_LIMIT (64u * 1024 * 1024)
#define MC_LAB_HTTP_MAX_HEADERS 64

struct mc_lab_http_req {
  struct mc_slice method, path, query;   /* query without '?', may be empty */
  int minor;                             /* HTTP/1.minor */
  struct { struct mc_slice name, value; } h[MC_LAB_HTTP_MAX_HEADERS];
  size_t nh;
  size_t head_len;                       /* bytes up to and including CRLFCRLF */
  size_t content_length;                 /* as the client announced it */
  size_t body_len;                       /* the bytes of it kept after the head */
  bool keep_alive;
  bool expect_continue;
};

enum mc_lab_http_parse {
  MC_LAB_HTTP_NEED_MORE = 0,
  MC_LAB_HTTP_DONE = 1,
  MC_LAB_HTTP_BAD = -1,        /* malformed: answer 400 and close */
  MC_LAB_HTTP_TOO_LARGE = -2   /* a limit passed: answer 431/413 and close */
};

enum mc_lab_http_parse mc_lab_http_parse(const char *buf, size_t n, struct mc_lab_http_req *out);
/* The first header named name (case-insensitive), or an empty slice. */
struct mc_slice mc_lab_http_header(const struct mc_lab_http_req *q, const char *name);

/* The I/O that request framing needs on one connection: the buffer (kept
 * NUL-terminated by more), more() to read into it (false when the peer is
 * gone, the buffer is full or the lab stops), send() to write. */
struct mc_lab_http_io {
  char *buf;
  size_t *len;
  bool (*more)(void *arg);
  void (*send)(void *arg, const char *p, size_t n);
  void *arg;
  /* NULL, or called once a head has parsed, before any body is read (a
   * device in front that judges Content-Length): false ends the
   * connection, the hook having answered or dropped it. */
  bool (*head)(void *arg, const struct mc_lab_http_req *q);
};
/* Reads until buf holds one whole request: its head parsed into q and its
 * body read (q->body_len bytes of it kept after the head); answers Expect: 100-continue, and a head that does not
 * parse with 400. False when there is no request to answer: close. */
bool mc_lab_http_next(const struct mc_lab_http_io *io, struct mc_lab_http_req *q);
/* Drops the request just answered from the front of the buffer. */
void mc_lab_http_consume(const struct mc_lab_http_io *io, const struct mc_lab_http_req *q);

/* ---- iislog.c: W3SVC1/u_exYYMMDD.log per simulated server ---- */
struct mc_lab_iislog;
struct mc_lab_iis_entry {
  const char *method, *stem, *query;     /* query as logged ("-" when empty) */
  int s_port;
  const char *username;                  /* NULL: "-" */
  const char *c_ip;
  const char *user_agent;                /* spaces become '+' */
  int status, substatus;
  unsigned long win32;
  int64_t time_taken_ms;
};
/* The log of server under dir: dir/SERVER/W3SVC1/u_exYYMMDD.log, made on
 * the first line (a server nothing reached has no log). */
struct mc_lab_iislog *mc_lab_iislog_new(const char *dir, const char *server);
void mc_lab_iislog_free(struct mc_lab_iislog *l);
void mc_lab_iislog_write(struct mc_lab_iislog *l, const struct mc_lab_iis_entry *e);

#endif
