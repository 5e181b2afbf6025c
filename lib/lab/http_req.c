/*
 * http_req.c - the lab's one HTTP/1.1 request-head parser and response
 * writer, for every HTTP server of the lab. Written for the lab's Exchange
 * front end, where faults must be exact, so by default it accepts only
 * what a well-behaved client sends and says BAD for the rest.
 *
 * Grammar kept (RFC 9112, the subset): request-line = method SP target SP
 * "HTTP/1." DIGIT CRLF; header = token ":" OWS value OWS CRLF; an empty
 * line ends the head. Bare LF, obsolete folding, Transfer-Encoding, a bad
 * or repeated Content-Length, NUL or control bytes: BAD. Limits: see
 * http_req.h. The lenient mode (the RPC proxy's) takes what real RPC over
 * HTTP clients send: absolute form, any method, no byte checks, a 1 GiB
 * Content-Length whose body the caller streams. Nothing is copied: slices
 * point into buf. mc_lab_http_next frames whole requests (head,
 * 100-continue, body) on a connection; mc_lab_http_answer and
 * mc_lab_http_end_head write what every answer ends its head with (Date,
 * Content-Length, Connection).
 */
#include "lab/http_req.h"

#include <string.h>
#include <strings.h>
#include <time.h>

#include "lab/lab.h"

#include <openssl/ssl.h>

static bool is_tchar(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         (c && strchr("!#$%&'*+-.^_`|~", c));
}

static struct mc_slice trim(const char *p, size_t n)
{
  while(n && (*p == ' ' || *p == '\t')) {
    p++;
    n--;
  }
  while(n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
    n--;
  return (struct mc_slice){ p, n };
}

struct mc_slice mc_lab_http_header(const struct mc_lab_http_req *q, const char *name)
{
  for(size_t i = 0; i < q->nh; i++) {
    if(mc_slice_caseeq(q->h[i].name, name))
      return q->h[i].value;
  }
  return (struct mc_slice){ "", 0 };
}

/* The request target into q: origin form, or (lenient) absolute form,
 * whose scheme and authority are dropped. */
static enum mc_lab_http_parse target(const char *t, size_t tn, bool lenient,
                                     struct mc_lab_http_req *q)
{
  if(lenient && tn > 7 && (strncasecmp(t, "http://", 7) == 0 ||
                           strncasecmp(t, "https://", 8) == 0)) {
    const char *slash = memchr(t + 8, '/', tn - 8);
    if(!slash)
      return MC_LAB_HTTP_BAD;
    tn -= (size_t)(slash - t);
    t = slash;
  }
  if(!lenient && tn > 4096)
    return MC_LAB_HTTP_TOO_LARGE;
  if(!tn || *t != '/')
    return MC_LAB_HTTP_BAD;
  for(size_t i = 0; !lenient && i < tn; i++) {
    if((unsigned char)t[i] <= 0x20 || (unsigned char)t[i] >= 0x7f)
      return MC_LAB_HTTP_BAD;
  }
  const char *qm = memchr(t, '?', tn);
  q->path = (struct mc_slice){ t, qm ? (size_t)(qm - t) : tn };
  q->query = qm ? (struct mc_slice){ qm + 1, tn - (size_t)(qm + 1 - t) }
                : (struct mc_slice){ t + tn, 0 };
  return MC_LAB_HTTP_DONE;
}

static enum mc_lab_http_parse request_line(const char *p, size_t n, bool lenient,
                                           struct mc_lab_http_req *q)
{
  const char *sp1 = memchr(p, ' ', n);
  if(!sp1 || sp1 == p || (!lenient && sp1 - p > 15))
    return MC_LAB_HTTP_BAD;
  for(const char *c = p; !lenient && c < sp1; c++) {
    if(!is_tchar(*c))
      return MC_LAB_HTTP_BAD;
  }
  const char *t = sp1 + 1;
  const char *sp2 = memchr(t, ' ', n - (size_t)(t - p));
  if(!sp2 || sp2 == t)
    return MC_LAB_HTTP_BAD;
  const char *v = sp2 + 1;
  size_t vlen = n - (size_t)(v - p);
  if(vlen != 8 || memcmp(v, "HTTP/1.", 7) != 0 ||
     (!lenient && v[7] != '0' && v[7] != '1'))
    return MC_LAB_HTTP_BAD;
  q->method = (struct mc_slice){ p, (size_t)(sp1 - p) };
  q->minor = v[7] == '1';
  return target(t, (size_t)(sp2 - t), lenient, q);
}

/* The Content-Length value: strict, at most 9 digits and the lab's body
 * limit; lenient, anything below 2 GiB (an RPC over HTTP channel
 * announces 1 GiB) and the body left to the caller. */
static enum mc_lab_http_parse content_length(struct mc_slice value, bool lenient,
                                             struct mc_lab_http_req *q)
{
  if(lenient) {
    char num[16];
    long cl;
    if(value.n >= sizeof num)
      return MC_LAB_HTTP_BAD;
    memcpy(num, value.p, value.n);
    num[value.n] = '\0';
    if(!mc_parse_long(num, 0, 0x7fffffffL, &cl))
      return MC_LAB_HTTP_BAD;
    q->content_length = (size_t)cl;
    return MC_LAB_HTTP_DONE;
  }
  if(!value.n || value.n > 9)
    return value.n > 9 ? MC_LAB_HTTP_TOO_LARGE : MC_LAB_HTTP_BAD;
  size_t v = 0;
  for(size_t i = 0; i < value.n; i++) {
    if(value.p[i] < '0' || value.p[i] > '9')
      return MC_LAB_HTTP_BAD;
    v = v * 10 + (size_t)(value.p[i] - '0');
  }
  if(v > MC_LAB_HTTP_BODY_LIMIT)
    return MC_LAB_HTTP_TOO_LARGE;
  q->content_length = v;
  q->body_len = v < MC_LAB_HTTP_BODY_MAX ? v : MC_LAB_HTTP_BODY_MAX;
  return MC_LAB_HTTP_DONE;
}

/* What the headers so far said about the connection and the length. */
struct seen {
  bool close, keep, length;
};

/* One header line p[0..len) into q. */
static enum mc_lab_http_parse header(const char *p, size_t len, bool lenient,
                                     struct mc_lab_http_req *q, struct seen *seen)
{
  const char *colon = memchr(p, ':', len);
  if(!colon || (!lenient && colon == p))
    return MC_LAB_HTTP_BAD;
  if(!lenient) {
    if(*p == ' ' || *p == '\t')
      return MC_LAB_HTTP_BAD;            /* obsolete folding */
    for(const char *c = p; c < colon; c++) {
      if(!is_tchar(*c))
        return MC_LAB_HTTP_BAD;
    }
    for(const char *c = colon + 1; c < p + len; c++) {
      if((unsigned char)*c < 0x20 && *c != '\t')
        return MC_LAB_HTTP_BAD;
    }
  }
  if(q->nh == MC_LAB_HTTP_MAX_HEADERS)
    return lenient ? MC_LAB_HTTP_BAD : MC_LAB_HTTP_TOO_LARGE;
  struct mc_slice name = { p, (size_t)(colon - p) };
  struct mc_slice value = trim(colon + 1, (size_t)(p + len - colon - 1));
  q->h[q->nh].name = name;
  q->h[q->nh].value = value;
  q->nh++;
  if(mc_slice_caseeq(name, "Transfer-Encoding") && !lenient)
    return MC_LAB_HTTP_BAD;
  if(mc_slice_caseeq(name, "Content-Length")) {
    if(seen->length && !lenient)
      return MC_LAB_HTTP_BAD;
    seen->length = true;
    return content_length(value, lenient, q);
  }
  if(mc_slice_caseeq(name, "Connection")) {
    seen->close = seen->close || mc_memcasemem(value.p, value.n, "close");
    seen->keep = seen->keep || mc_memcasemem(value.p, value.n, "keep-alive");
  }
  else if(mc_slice_caseeq(name, "Expect"))
    q->expect_continue = mc_slice_caseeq(value, "100-continue");
  return MC_LAB_HTTP_DONE;
}

/* Where the head ends (its CRLFCRLF), within the head limit; strict, also
 * no NUL and no CR or LF but in CRLF pairs up to there. */
static enum mc_lab_http_parse head_end(const char *buf, size_t n, bool lenient,
                                       const char **end)
{
  size_t limit = n < MC_LAB_HTTP_HEAD_MAX ? n : MC_LAB_HTTP_HEAD_MAX;
  *end = memmem(buf, limit, "\r\n\r\n", 4);
  for(size_t i = 0; !lenient && i < (*end ? (size_t)(*end - buf) : limit); i++) {
    unsigned char c = (unsigned char)buf[i];
    if(c == 0 || (c == '\n' && (i == 0 || buf[i - 1] != '\r')) ||
       (c == '\r' && i + 1 < limit && buf[i + 1] != '\n'))
      return MC_LAB_HTTP_BAD;
  }
  if(!*end)
    return n >= MC_LAB_HTTP_HEAD_MAX ? MC_LAB_HTTP_TOO_LARGE : MC_LAB_HTTP_NEED_MORE;
  return MC_LAB_HTTP_DONE;
}

enum mc_lab_http_parse mc_lab_http_parse_as(const char *buf, size_t n,
                                            struct mc_lab_http_req *q, bool lenient)
{
  memset(q, 0, sizeof *q);
  const char *end;
  enum mc_lab_http_parse rc = head_end(buf, n, lenient, &end);
  if(rc != MC_LAB_HTTP_DONE)
    return rc;
  q->head_len = (size_t)(end - buf) + 4;
  const char *eol = memmem(buf, q->head_len, "\r\n", 2);
  rc = request_line(buf, (size_t)(eol - buf), lenient, q);
  struct seen seen = { false, false, false };
  for(const char *p = eol + 2; rc == MC_LAB_HTTP_DONE && p < end; p = eol + 2) {
    eol = memmem(p, (size_t)(end + 2 - p), "\r\n", 2);
    rc = header(p, (size_t)(eol - p), lenient, q, &seen);
  }
  q->keep_alive = q->minor == 1 ? !seen.close : seen.keep;
  return rc;
}

enum mc_lab_http_parse mc_lab_http_parse(const char *buf, size_t n, struct mc_lab_http_req *q)
{
  return mc_lab_http_parse_as(buf, n, q, false);
}

void mc_lab_http_date(char *out, size_t outlen)
{
  time_t t = time(NULL);
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(out, outlen, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

size_t mc_lab_http_read_head(SSL *ssl, char *buf, size_t cap)
{
  size_t n = 0;
  buf[0] = '\0';
  while(n + 1 < cap) {
    int r = SSL_read(ssl, buf + n, (int)(cap - 1 - n));
    if(r <= 0)
      break;
    n += (size_t)r;
    buf[n] = '\0';
    if(strstr(buf, "\r\n\r\n"))
      break;
  }
  return n;
}

void mc_lab_http_end_head(struct mc_buf *out, size_t content_length, bool keep)
{
  char date[64];
  mc_lab_http_date(date, sizeof date);
  mc_buf_printf(out, "Date: %s\r\nContent-Length: %zu\r\n%s\r\n", date, content_length,
                keep ? "" : "Connection: close\r\n");
}

void mc_lab_http_answer(struct mc_buf *out, int status, const char *reason,
                        const char *headers, const char *body, size_t n, bool keep)
{
  mc_buf_printf(out, "HTTP/1.1 %d %s\r\n%s", status, reason, headers ? headers : "");
  mc_lab_http_end_head(out, n, keep);
  mc_buf_add(out, body ? body : "", n);
}

bool mc_lab_http_next(const struct mc_lab_http_io *io, struct mc_lab_http_req *q)
{
  enum mc_lab_http_parse pr;
  while((pr = mc_lab_http_parse(io->buf, *io->len, q)) == MC_LAB_HTTP_NEED_MORE) {
    if(!io->more(io->arg))
      return false;
  }
  if(pr != MC_LAB_HTTP_DONE) {
    static const char bad[] = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n"
                              "Connection: close\r\n\r\n";
    io->send(io->arg, bad, sizeof bad - 1);
    return false;
  }
  if(io->head && !io->head(io->arg, q))
    return false;
  if(q->expect_continue && *io->len - q->head_len < q->content_length) {
    static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
    io->send(io->arg, cont, sizeof cont - 1);
  }
  /* The buffer does not move while it fills: q's slices stay valid. Past
   * the kept part, body bytes are dropped as they come; bytes after the
   * body (a pipelined request) stay. */
  size_t dropped = 0;
  for(;;) {
    size_t have = *io->len - q->head_len;
    if(have > q->body_len && dropped < q->content_length - q->body_len) {
      size_t excess = have - q->body_len;
      size_t drop = q->content_length - q->body_len - dropped;
      if(drop > excess)
        drop = excess;
      char *from = io->buf + q->head_len + q->body_len;
      memmove(from, from + drop, excess - drop);
      *io->len -= drop;
      io->buf[*io->len] = '\0';
      dropped += drop;
      have -= drop;
    }
    if(have >= q->body_len && dropped + q->body_len >= q->content_length)
      return true;
    if(!io->more(io->arg))
      return false;
  }
}

void mc_lab_http_consume(const struct mc_lab_http_io *io, const struct mc_lab_http_req *q)
{
  size_t used = q->head_len + q->body_len;
  memmove(io->buf, io->buf + used, *io->len - used);
  *io->len -= used;
  io->buf[*io->len] = '\0';
}
