/*
 * net_faults.c - lab scenarios that break below TLS: a closed port, a port
 * that never answers, a device that resets, plain HTTP where TLS belongs,
 * and a peer that trickles bytes to test every deadline.
 */
#include "lab/lab.h"
#include "lab/net_faults.h"
#include "lab/http_req.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* port-refused: a port nobody listens on, so a connect gets RST. */
mc_code mc_lab_refused_start(struct mc_lab *lab, struct mc_lab_site *site)
{
  int port;
  mc_code rc = mc_lab_closed_port(lab, &port);
  if(!rc)
    mc_lab_site_ready(lab, site, port);
  return rc;
}

/* port-blackhole: a listener that never accepts, with a backlog of zero,
 * filled by the lab's own connections. Linux drops further SYNs while the
 * accept queue is full, so a client's connect is never answered. */
mc_code mc_lab_blackhole_start(struct mc_lab *lab, struct mc_lab_site *site)
{
  int port;
  mc_code rc = mc_lab_listen(lab, site, 0, NULL, &port);
  if(rc)
    return rc;
  struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  /* Two fillers: one fills the queue (backlog 0 holds one), one more in
   * case the kernel rounds up. Their own connects may stay pending. */
  for(int i = 0; i < 2; i++) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if(fd < 0)
      return MC_ERR_IO;
    if(connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0 && errno != EINPROGRESS) {
      close(fd);
      return MC_ERR_IO;
    }
    struct pollfd p = { .fd = fd, .events = POLLOUT };
    poll(&p, 1, 200);
    mc_lab_keep_fd(lab, fd);
  }
  mc_lab_site_ready(lab, site, port);
  return MC_OK;
}

/* reset-on-connect: accept, then abort the connection (RST), as an IPS or a
 * load balancer with no healthy member does. */
static void reset_conn(struct mc_lab *lab, struct mc_lab_site *site, int fd)
{
  (void)lab;
  (void)site;
  struct linger lg = { .l_onoff = 1, .l_linger = 0 };
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  close(fd);
}

mc_code mc_lab_reset_start(struct mc_lab *lab, struct mc_lab_site *site)
{
  return mc_lab_serve(lab, site, reset_conn);
}

/* plain-http-on-443: an HTTP listener where TLS is expected (SSL offloading
 * published on 443, or the wrong port). Whatever arrives, it answers the
 * way HTTP.sys answers bytes that are not an HTTP request. */
static void plain_http_conn(struct mc_lab *lab, struct mc_lab_site *site, int fd)
{
  (void)lab;
  (void)site;
  char buf[4096];
  struct pollfd p = { .fd = fd, .events = POLLIN };
  if(poll(&p, 1, 2000) > 0) {
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    (void)n;
  }
  static const char body[] =
    "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01//EN\"\"http://www.w3.org/TR/html4/"
    "strict.dtd\">\r\n<HTML><HEAD><TITLE>Bad Request</TITLE>\r\n<META HTTP-EQUIV="
    "\"Content-Type\" Content-Type=\"text/html; charset=us-ascii\"></HEAD>\r\n<BODY>"
    "<h2>Bad Request - Invalid Verb</h2>\r\n<hr><p>HTTP Error 400. The request verb is "
    "invalid.</p>\r\n</BODY></HTML>\r\n";
  struct mc_buf resp = MC_BUF_INIT(2048);
  mc_lab_http_answer(&resp, 400, "Bad Request", "Content-Type: text/html; charset=us-ascii\r\n"
                     "Server: Microsoft-HTTPAPI/2.0\r\n", body, sizeof body - 1, false);
  if(resp.ptr)
    send(fd, resp.ptr, resp.len, MSG_NOSIGNAL);
  mc_buf_release(&resp);
  shutdown(fd, SHUT_WR);
  close(fd);
}

mc_code mc_lab_plain_http_start(struct mc_lab *lab, struct mc_lab_site *site)
{
  return mc_lab_serve(lab, site, plain_http_conn);
}

/* tls-trickle: accepts and then sends the start of a TLS record one byte a
 * second, forever: the peer that tests every deadline. */
static void trickle_conn(struct mc_lab *lab, struct mc_lab_site *site, int fd)
{
  (void)site;
  static const unsigned char hello[] = { 0x16, 0x03, 0x03, 0x40, 0x00, 0x02, 0x00, 0x3f,
                                         0xfc, 0x03, 0x03 };
  for(size_t i = 0; !mc_lab_stopping(lab); i++) {
    unsigned char b = i < sizeof hello ? hello[i] : (unsigned char)(i * 7);
    if(send(fd, &b, 1, MSG_NOSIGNAL) != 1)
      break;
    /* Sleep a second, but wake at once when the lab stops or the peer goes. */
    struct pollfd p = { .fd = fd, .events = POLLIN };
    int64_t until = mc_now_ms() + 1000;
    while(!mc_lab_stopping(lab) && mc_now_ms() < until) {
      if(poll(&p, 1, 100) > 0) {
        char sink[512];
        ssize_t n = recv(fd, sink, sizeof sink, MSG_DONTWAIT);
        if(n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK))
          goto out;
      }
    }
  }
out:
  close(fd);
}

mc_code mc_lab_trickle_start(struct mc_lab *lab, struct mc_lab_site *site)
{
  return mc_lab_serve(lab, site, trickle_conn);
}
