/*
 * http_req.h - the lab's one HTTP/1.1 request parser and response writer
 * (http_req.c), for every HTTP server of the lab.
 */
#ifndef MC_LAB_HTTP_REQ_H
#define MC_LAB_HTTP_REQ_H

#include <stdbool.h>
#include <stddef.h>

#include "util/util.h"

/* One HTTP/1.1 request head, parsed in place.
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
/* The same, leniently when lenient is set, as an RPC proxy must take heads
 * from real clients: origin or absolute form, any method token, HTTP/1.x,
 * no byte-level checks, a Content-Length below 2 GiB (an RPC over HTTP
 * channel announces 1 GiB) with body_len left 0: the caller streams the
 * body itself. */
enum mc_lab_http_parse mc_lab_http_parse_as(const char *buf, size_t n,
                                            struct mc_lab_http_req *out, bool lenient);
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

/* For servers that answer whatever was asked (a fault, a hostile peer):
 * reads from ssl into buf (cap bytes, kept NUL-terminated) until a request
 * head has ended, the peer closes or buf is full. The bytes read. */
struct ssl_st;
size_t mc_lab_http_read_head(struct ssl_st *ssl, char *buf, size_t cap);

/* An HTTP Date header value for now ("Sun, 22 Nov 2026 01:58:11 GMT"). */
void mc_lab_http_date(char *out, size_t outlen);

/* The one response writer of the lab's servers. mc_lab_http_end_head ends
 * a head whose status line and header lines are already in out: Date (now),
 * Content-Length, "Connection: close" unless keep, the empty line.
 * mc_lab_http_answer writes a whole response: "HTTP/1.1 STATUS REASON",
 * headers (lines each ending in CRLF; NULL: none), the end of the head,
 * then the n bytes of body. */
void mc_lab_http_end_head(struct mc_buf *out, size_t content_length, bool keep);
void mc_lab_http_answer(struct mc_buf *out, int status, const char *reason,
                        const char *headers, const char *body, size_t n, bool keep);

#endif
