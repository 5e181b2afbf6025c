/*
 * http_req.c - the lab's HTTP/1.1 request-head parser. Written for the
 * lab's Exchange front end, where faults must be exact, so it accepts only
 * what a well-behaved client sends and says BAD for the rest.
 *
 * Grammar kept (RFC 9112, the subset): request-line = method SP target SP
 * "HTTP/1." DIGIT CRLF; header = token ":" OWS value OWS CRLF; an empty
 * line ends the head. Bare LF, obsolete folding, Transfer-Encoding, a bad
 * or repeated Content-Length, NUL or control bytes: BAD. Limits: see
 * http_req.h. Nothing is copied: slices point into buf. mc_lab_http_next
 * frames whole requests (head, 100-continue, body) on a connection for
 * every HTTP server of the lab.
 */
#include "lab/http_req.h"

#include <string.h>

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

static enum mc_lab_http_parse request_line(const char *p, size_t n, struct mc_lab_http_req *q)
{
  const char *sp1 = memchr(p, ' ', n);
  if(!sp1 || sp1 == p || sp1 - p > 15)
    return MC_LAB_HTTP_BAD;
  for(const char *c = p; c < sp1; c++) {
    if(!is_tchar(*c))
      return MC_LAB_HTTP_BAD;
  }
  const char *t = sp1 + 1;
  const char *sp2 = memchr(t, ' ', n - (size_t)(t - p));
  if(!sp2 || sp2 == t)
    return MC_LAB_HTTP_BAD;
  if(sp2 - t > 4096)
    return MC_LAB_HTTP_TOO_LARGE;
  if(*t != '/')
    return MC_LAB_HTTP_BAD;
  for(const char *c = t; c < sp2; c++) {
    if((unsigned char)*c <= 0x20 || (unsigned char)*c >= 0x7f)
      return MC_LAB_HTTP_BAD;
  }
  const char *v = sp2 + 1;
  size_t vlen = n - (size_t)(v - p);
  if(vlen != 8 || memcmp(v, "HTTP/1.", 7) != 0 || (v[7] != '0' && v[7] != '1'))
    return MC_LAB_HTTP_BAD;
  q->method = (struct mc_slice){ p, (size_t)(sp1 - p) };
  const char *qm = memchr(t, '?', (size_t)(sp2 - t));
  q->path = (struct mc_slice){ t, (size_t)((qm ? qm : sp2) - t) };
  q->query = qm ? (struct mc_slice){ qm + 1, (size_t)(sp2 - qm - 1) }
                : (struct mc_slice){ sp2, 0 };
  q->minor = v[7] - '0';
  return MC_LAB_HTTP_DONE;
}

enum mc_lab_http_parse mc_lab_http_parse(const char *buf, size_t n, struct mc_lab_http_req *q)
{
  memset(q, 0, sizeof *q);
  size_t limit = n < MC_LAB_HTTP_HEAD_MAX ? n : MC_LAB_HTTP_HEAD_MAX;
  const char *end = NULL;
  for(size_t i = 0; i + 3 < limit; i++) {
    if(buf[i] == '\r' && buf[i + 1] == '\n' && buf[i + 2] == '\r' && buf[i + 3] == '\n') {
      end = buf + i;
      break;
    }
  }
  for(size_t i = 0; i < (end ? (size_t)(end - buf) : limit); i++) {
    unsigned char c = (unsigned char)buf[i];
    if(c == 0 || (c == '\n' && (i == 0 || buf[i - 1] != '\r')) ||
       (c == '\r' && i + 1 < limit && buf[i + 1] != '\n'))
      return MC_LAB_HTTP_BAD;
  }
  if(!end)
    return n >= MC_LAB_HTTP_HEAD_MAX ? MC_LAB_HTTP_TOO_LARGE : MC_LAB_HTTP_NEED_MORE;
  q->head_len = (size_t)(end - buf) + 4;
  const char *p = buf;
  const char *eol = memmem(p, (size_t)(end - p) + 2, "\r\n", 2);
  enum mc_lab_http_parse rc = request_line(p, (size_t)(eol - p), q);
  if(rc != MC_LAB_HTTP_DONE)
    return rc;
  bool have_length = false;
  bool close = false, keep = false;
  for(p = eol + 2; p < end; p = eol + 2) {
    eol = memchr(p, '\r', (size_t)(end - p) + 1);
    if(!eol)
      eol = end;
    size_t len = (size_t)(eol - p);
    if(*p == ' ' || *p == '\t')
      return MC_LAB_HTTP_BAD;            /* obsolete folding */
    const char *colon = memchr(p, ':', len);
    if(!colon || colon == p)
      return MC_LAB_HTTP_BAD;
    for(const char *c = p; c < colon; c++) {
      if(!is_tchar(*c))
        return MC_LAB_HTTP_BAD;
    }
    for(const char *c = colon + 1; c < eol; c++) {
      if((unsigned char)*c < 0x20 && *c != '\t')
        return MC_LAB_HTTP_BAD;
    }
    if(q->nh == MC_LAB_HTTP_MAX_HEADERS)
      return MC_LAB_HTTP_TOO_LARGE;
    struct mc_slice name = { p, (size_t)(colon - p) };
    struct mc_slice value = trim(colon + 1, (size_t)(eol - colon - 1));
    q->h[q->nh].name = name;
    q->h[q->nh].value = value;
    q->nh++;
    if(mc_slice_caseeq(name, "Transfer-Encoding"))
      return MC_LAB_HTTP_BAD;
    if(mc_slice_caseeq(name, "Content-Length")) {
      if(have_length || !value.n || value.n > 9)
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
      have_length = true;
    }
    else if(mc_slice_caseeq(name, "Connection")) {
      close = close || mc_memcasemem(value.p, value.n, "close");
      keep = keep || mc_memcasemem(value.p, value.n, "keep-alive");
    }
    else if(mc_slice_caseeq(name, "Expect"))
      q->expect_continue = mc_slice_caseeq(value, "100-continue");
  }
  q->keep_alive = q->minor == 1 ? !close : keep;
  return MC_LAB_HTTP_DONE;
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
