/*
 * tcp.c - TCP connects with deadlines, one at a time or many at once.
 *
 * A probe is: non-blocking connect, wait for writability or the deadline,
 * read SO_ERROR; then, once connected, watch the socket for a short while
 * to tell a port that stays open from one a device resets or closes right
 * after accepting. Outcomes are observations; the checks judge them.
 */
#include "net/net.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *mc_tcp_outcome_name(enum mc_tcp_outcome t)
{
  switch(t) {
  case MC_TCP_OPEN: return "open";
  case MC_TCP_REFUSED: return "refused";
  case MC_TCP_TIMEOUT: return "no answer";
  case MC_TCP_RESET: return "reset after connect";
  case MC_TCP_CLOSED: return "closed after connect";
  case MC_TCP_UNREACHABLE: return "unreachable";
  case MC_TCP_ERROR: return "error";
  }
  return "error";
}

static enum mc_tcp_outcome classify(int err)
{
  switch(err) {
  case ECONNREFUSED: return MC_TCP_REFUSED;
  case ETIMEDOUT: return MC_TCP_TIMEOUT;
  case ECONNRESET: return MC_TCP_RESET;
  case ENETUNREACH: case EHOSTUNREACH: case ENETDOWN: case EHOSTDOWN:
  case EADDRNOTAVAIL:
    return MC_TCP_UNREACHABLE;
  default: return MC_TCP_ERROR;
  }
}

int mc_wait_fd(int fd, short events, int64_t deadline_ms)
{
  for(;;) {
    int64_t left = deadline_ms - mc_now_ms();
    if(left <= 0)
      return 0;
    struct pollfd p = { .fd = fd, .events = events };
    int rc = poll(&p, 1, left > 1000000 ? 1000000 : (int)left);
    if(rc < 0 && errno == EINTR)
      continue;
    if(rc < 0)
      return -1;
    if(rc == 0)
      return 0;
    return 1;
  }
}

/* Starts a non-blocking connect. Returns the socket or -1 (errno set). */
static int start_connect(const struct mc_addr *a, int port, bool *connected)
{
  struct mc_addr tmp = *a;
  mc_addr_set_port(&tmp, port);
  int fd = socket(tmp.family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if(fd < 0)
    return -1;
  *connected = false;
  if(connect(fd, (struct sockaddr *)&tmp.ss, tmp.len) == 0)
    *connected = true;
  else if(errno != EINPROGRESS) {
    int e = errno;
    close(fd);
    errno = e;
    return -1;
  }
  return fd;
}

int mc_tcp_connect(const struct mc_addr *a, int port, int64_t deadline_ms,
                   enum mc_tcp_outcome *outcome, int *err)
{
  bool connected;
  *err = 0;
  int fd = start_connect(a, port, &connected);
  if(fd < 0) {
    *err = errno;
    *outcome = classify(errno);
    return -1;
  }
  if(!connected) {
    int w = mc_wait_fd(fd, POLLOUT, deadline_ms);
    if(w <= 0) {
      close(fd);
      *outcome = w == 0 ? MC_TCP_TIMEOUT : MC_TCP_ERROR;
      *err = w == 0 ? ETIMEDOUT : errno;
      return -1;
    }
    int soerr = 0;
    socklen_t sl = sizeof soerr;
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl);
    if(soerr) {
      close(fd);
      *err = soerr;
      *outcome = classify(soerr);
      return -1;
    }
  }
  *outcome = MC_TCP_OPEN;
  return fd;
}

enum probe_state { P_CONNECTING, P_WATCHING, P_DONE };

/* How long to watch a fresh connection: three connect times, within
 * [min_ms, 1000]; 0 when the caller does not want to watch. */
static int64_t settle_for(int64_t connect_ms, int min_ms)
{
  if(min_ms <= 0)
    return 0;
  int64_t s = 3 * connect_ms;
  if(s < min_ms)
    s = min_ms;
  return s > 1000 ? 1000 : s;
}

/* One probe's progress. */
struct slot {
  int fd;
  enum probe_state st;
  int64_t t0;
  int64_t until;                /* its deadline, or the end of the settle time */
};

static void start_one(struct mc_tcp_probe *p, struct slot *s, int timeout_ms, int settle_ms)
{
  bool connected;
  p->banner_len = 0;
  p->err = 0;
  s->t0 = mc_now_ms();
  s->fd = start_connect(&p->addr, p->port, &connected);
  if(s->fd < 0) {
    p->err = errno;
    p->outcome = classify(errno);
    p->connect_ms = 0;
    s->st = P_DONE;
    return;
  }
  s->st = connected ? P_WATCHING : P_CONNECTING;
  s->until = connected ? s->t0 + settle_for(0, settle_ms) : s->t0 + timeout_ms;
  if(connected)
    p->connect_ms = 0;
}

/* poll said the socket is ready: the connect's result, or what the peer
 * did while watched (a banner, a close, a reset). */
static void on_ready(struct mc_tcp_probe *p, struct slot *s, int64_t now, int settle_ms)
{
  if(s->st == P_CONNECTING) {
    int soerr = 0;
    socklen_t sl = sizeof soerr;
    getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &soerr, &sl);
    p->connect_ms = now - s->t0;
    if(soerr) {
      p->err = soerr;
      p->outcome = classify(soerr);
      close(s->fd);
      s->st = P_DONE;
    }
    else {
      s->st = P_WATCHING;
      s->until = now + settle_for(p->connect_ms, settle_ms);
    }
    return;
  }
  ssize_t got = recv(s->fd, p->banner, sizeof p->banner, MSG_DONTWAIT);
  if(got > 0) {
    p->banner_len = (size_t)got;
    p->outcome = MC_TCP_OPEN;
  }
  else if(got == 0)
    p->outcome = MC_TCP_CLOSED;
  else if(errno == EAGAIN || errno == EWOULDBLOCK)
    return;
  else {
    p->err = errno;
    p->outcome = errno == ECONNRESET ? MC_TCP_RESET : classify(errno);
  }
  close(s->fd);
  s->st = P_DONE;
}

/* A probe past its deadline: still connecting means no answer; still
 * watching means it stayed open. */
static void on_deadline(struct mc_tcp_probe *p, struct slot *s, int64_t now)
{
  p->outcome = s->st == P_CONNECTING ? MC_TCP_TIMEOUT : MC_TCP_OPEN;
  if(s->st == P_CONNECTING) {
    p->err = ETIMEDOUT;
    p->connect_ms = now - s->t0;
  }
  close(s->fd);
  s->st = P_DONE;
}

void mc_tcp_probe_many(struct mc_tcp_probe *v, size_t n, int timeout_ms, int settle_ms)
{
  if(n == 0)
    return;
  struct slot *sl = mc_xcalloc(n, sizeof *sl);
  struct pollfd *pf = mc_xcalloc(n, sizeof *pf);
  size_t *map = mc_xcalloc(n, sizeof *map);
  for(size_t i = 0; i < n; i++)
    start_one(&v[i], &sl[i], timeout_ms, settle_ms);
  for(;;) {
    nfds_t np = 0;
    int64_t now = mc_now_ms();
    int64_t next = now + 1000000;
    for(size_t i = 0; i < n; i++) {
      if(sl[i].st == P_DONE)
        continue;
      if(now >= sl[i].until) {
        on_deadline(&v[i], &sl[i], now);
        continue;
      }
      if(sl[i].until < next)
        next = sl[i].until;
      pf[np].fd = sl[i].fd;
      pf[np].events = sl[i].st == P_CONNECTING ? POLLOUT : POLLIN;
      pf[np].revents = 0;
      map[np] = i;
      np++;
    }
    if(np == 0)
      break;
    int wait = (int)(next - now);
    int rc = poll(pf, np, wait < 0 ? 0 : wait);
    if(rc < 0 && errno != EINTR)
      break;
    now = mc_now_ms();
    for(nfds_t k = 0; rc > 0 && k < np; k++) {
      if(pf[k].revents)
        on_ready(&v[map[k]], &sl[map[k]], now, settle_ms);
    }
  }
  for(size_t i = 0; i < n; i++) {
    if(sl[i].st != P_DONE) {
      close(sl[i].fd);
      v[i].outcome = MC_TCP_ERROR;
    }
  }
  free(sl);
  free(pf);
  free(map);
}
