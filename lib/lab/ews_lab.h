/*
 * ews_lab.h - the parts of the lab's Exchange front end (exchange.c): MD4
 * and server-side NTLM (ntlm_server.c), the HTTP/1.1 request parser
 * (http_req.c) and the IIS W3C log writer (iislog.c). Lab only: the checks
 * never include this, so a client bug cannot hide behind the same bug here.
 */
#ifndef MC_LAB_EWS_LAB_H
#define MC_LAB_EWS_LAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/util.h"

/* ---- md4.c: RFC 1320, for the NT hash only ---- */
void mc_lab_md4(const void *p, size_t n, unsigned char out[16]);

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
  MC_LAB_NTLM_DENIED,         /* wrong user, domain or password */
  MC_LAB_NTLM_BAD_MESSAGE     /* not a valid Type 3 */
};

/* The message type (1, 2, 3) of a raw NTLM message, or 0 when it is none. */
int mc_lab_ntlm_type(const unsigned char *p, size_t n);
/* Builds a Type 2 into out (raw bytes) and the challenge into challenge. */
void mc_lab_ntlm_challenge(const struct mc_lab_ntlm_names *names, unsigned char challenge[8],
                           struct mc_buf *out);
/* Checks a Type 3 against challenge and the account; user_out gets the
 * "DOMAIN\user" the client claimed (printable). */
enum mc_lab_ntlm_verdict mc_lab_ntlm_verify(const unsigned char *p, size_t n,
                                            const unsigned char challenge[8],
                                            const char *domain, const char *user,
                                            const char *password,
                                            char *user_out, size_t user_outlen);
/* NTOWFv2 (exposed for the unit test vectors of MS-NLMP 4.2.4). */
void mc_lab_ntowfv2(const char *password, const char *user, const char *domain,
                    unsigned char out[16]);

/* ---- http_req.c: one HTTP/1.1 request head, parsed in place ----
 * Hard limits: the head is at most MC_LAB_HTTP_HEAD_MAX bytes, at most
 * MC_LAB_HTTP_MAX_HEADERS headers, a request target of at most 4 KiB, a
 * body of at most MC_LAB_HTTP_BODY_MAX bytes; no chunked bodies, no
 * obsolete line folding. Slices point into the caller's buffer. */
#define MC_LAB_HTTP_HEAD_MAX 16384
#define MC_LAB_HTTP_BODY_MAX 65536
#define MC_LAB_HTTP_MAX_HEADERS 64

struct mc_lab_http_req {
  struct mc_slice method, path, query;   /* query without '?', may be empty */
  int minor;                             /* HTTP/1.minor */
  struct { struct mc_slice name, value; } h[MC_LAB_HTTP_MAX_HEADERS];
  size_t nh;
  size_t head_len;                       /* bytes up to and including CRLFCRLF */
  size_t content_length;
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
};
/* Reads until buf holds one whole request: its head parsed into q and its
 * body complete; answers Expect: 100-continue, and a head that does not
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
