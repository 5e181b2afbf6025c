/*
 * hostile.c - lab peers that attack the client instead of misconfiguring a
 * server: an endless chunked body, a response that drips one byte at a
 * time, gzip and deflate bombs (1 GiB of zeros in 1 MiB), a close right
 * after the TLS handshake, Autodiscover XML with entity declarations or a
 * million nested elements, an IMAP literal of 999999999 bytes and an IMAP
 * server that never greets.
 *
 * Each keeps the bounds of the client honest: the end-to-end cases run them
 * under a memory ceiling (RLIMIT_AS) and check the exit code and the cause.
 * One function per behaviour; the scenario row points at it (hostile.h).
 *
 * Invariants: every handler ends when the client closes, when the lab
 * stops (its sockets are shut down) or at the lab's 15 s socket timeouts;
 * nothing is sent that was not generated on the fly, so a bomb costs the
 * lab a few kilobytes of memory.
 */
#include "lab/dns_server.h"
#include "lab/hostile.h"
#include "lab/http_req.h"
#include "lab/tls_server.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <zlib.h>

#define DOMAIN "hostile.test"

struct hostile {
  const struct mc_lab_hostile_profile *b;
  SSL_CTX *ctx;
};

static bool put(SSL *ssl, const void *p, size_t n)
{
  return n == 0 || SSL_write(ssl, p, (int)n) == (int)n;
}

static bool puts_ssl(SSL *ssl, const char *s)
{
  return put(ssl, s, strlen(s));
}

/* Reads the request head (bounded) so that the client is past sending. */
static bool read_request(SSL *ssl)
{
  char buf[16384];
  size_t n = mc_lab_http_read_head(ssl, buf, sizeof buf);
  return strstr(buf, "\r\n\r\n") || n + 1 == sizeof buf;
}

/* Waits ms milliseconds, or less when the lab stops or the peer goes. */
static bool pause_ms(struct mc_lab *lab, SSL *ssl, int ms)
{
  int fd = SSL_get_fd(ssl);
  int64_t until = mc_now_ms() + ms;
  while(!mc_lab_stopping(lab) && mc_now_ms() < until) {
    struct pollfd p = { .fd = fd, .events = POLLIN };
    if(poll(&p, 1, 50) > 0) {
      char sink[512];
      ssize_t n = recv(fd, sink, sizeof sink, MSG_DONTWAIT | MSG_PEEK);
      if(n == 0)
        return false;
      if(n > 0 && SSL_read(ssl, sink, sizeof sink) <= 0)
        return false;
    }
  }
  return !mc_lab_stopping(lab);
}

/* The endless body's pace: 32 MiB a second, so that a client keeping it
 * all passes a 128 MiB ceiling within a 3 s --timeout on two requests,
 * without the lab and the client spending both CPUs on it. */
#define ENDLESS_MIB_PER_S 32

/* hostile-endless-chunked: 200 OK with a chunked body that never ends. */
void mc_lab_hostile_endless_chunked(struct mc_lab *lab, SSL *ssl)
{
  if(!read_request(ssl) ||
     !puts_ssl(ssl, "HTTP/1.1 200 OK\r\nServer: Microsoft-IIS/10.0\r\nContent-Type: text/html"
               "\r\nTransfer-Encoding: chunked\r\n\r\n"))
    return;
  char chunk[16384 + 16];   /* a chunk of 16 KiB of 'A's */
  int h = snprintf(chunk, sizeof chunk, "4000\r\n");
  memset(chunk + h, 'A', 16384);
  memcpy(chunk + h + 16384, "\r\n", 2);
  int64_t t0 = mc_now_ms();
  for(int64_t sent = 1; !mc_lab_stopping(lab) && put(ssl, chunk, (size_t)h + 16384 + 2);
      sent++) {
    /* Every MiB, wait until the pace allows it. */
    int64_t ahead = t0 + sent * 1000 / (64 * ENDLESS_MIB_PER_S) - mc_now_ms();
    if(sent % 64 == 0 && ahead > 0 && !pause_ms(lab, ssl, (int)ahead))
      return;
  }
}

/* hostile-slow-drip: a valid response head, one byte every 200 ms, forever. */
void mc_lab_hostile_slow_drip(struct mc_lab *lab, SSL *ssl)
{
  if(!read_request(ssl))
    return;
  static const char head[] = "HTTP/1.1 200 OK\r\nServer: Microsoft-IIS/10.0\r\nX-Drip: ";
  for(size_t i = 0; !mc_lab_stopping(lab); i++) {
    char c = i < sizeof head - 1 ? head[i] : 'x';
    if(!put(ssl, &c, 1) || !pause_ms(lab, ssl, 200))
      return;
  }
}

/* A bomb: 200 OK with the named Content-Encoding (gzip or deflate, i.e. the
 * zlib format) and a body that inflates to 1 GiB of zeros: one deflate block
 * for 1 MiB of zeros, made once per connection with a full flush (so it
 * never refers back), sent 1024 times - about 1 MiB on the wire, so that
 * even a slow client reads it all within --timeout. */
static void bomb(struct mc_lab *lab, SSL *ssl, bool gzip)
{
  if(!read_request(ssl))
    return;
  char head[256];
  snprintf(head, sizeof head, "HTTP/1.1 200 OK\r\nServer: Microsoft-IIS/10.0\r\n"
           "Content-Type: text/xml\r\nContent-Encoding: %s\r\nConnection: close\r\n\r\n",
           gzip ? "gzip" : "deflate");
  if(!puts_ssl(ssl, head))
    return;
  enum { MIB = 1 << 20, TIMES = 1024 };
  unsigned char *zeros = mc_xcalloc(1, MIB), block[8192];
  z_stream z;
  memset(&z, 0, sizeof z);
  if(deflateInit2(&z, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY) != Z_OK) {
    free(zeros);
    return;
  }
  z.next_in = zeros;
  z.avail_in = MIB;
  z.next_out = block;
  z.avail_out = sizeof block;
  int zr = deflate(&z, Z_FULL_FLUSH);
  size_t blen = sizeof block - z.avail_out;
  deflateEnd(&z);
  uLong one_crc = crc32(0, zeros, MIB), one_adler = adler32(1, zeros, MIB);
  free(zeros);
  if(zr != Z_OK || z.avail_in != 0)
    return;
  static const unsigned char gz_head[10] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3 };
  static const unsigned char zlib_head[2] = { 0x78, 0xda };
  bool ok = gzip ? put(ssl, gz_head, sizeof gz_head) : put(ssl, zlib_head, sizeof zlib_head);
  uLong crc = crc32(0, NULL, 0), adler = adler32(0, NULL, 0);
  for(int i = 0; ok && i < TIMES && !mc_lab_stopping(lab); i++) {
    ok = put(ssl, block, blen);
    crc = crc32_combine(crc, one_crc, MIB);
    adler = adler32_combine(adler, one_adler, MIB);
  }
  static const unsigned char last[2] = { 0x03, 0x00 };   /* an empty final block */
  unsigned char tail[8];
  if(gzip) {
    uint32_t size = (uint32_t)((uint64_t)TIMES * MIB);
    for(int i = 0; i < 4; i++) {
      tail[i] = (unsigned char)(crc >> (8 * i));
      tail[4 + i] = (unsigned char)(size >> (8 * i));
    }
  }
  else
    for(int i = 0; i < 4; i++)
      tail[i] = (unsigned char)(adler >> (24 - 8 * i));
  if(ok && put(ssl, last, sizeof last))
    put(ssl, tail, gzip ? 8 : 4);
}

void mc_lab_hostile_gzip_bomb(struct mc_lab *lab, SSL *ssl)
{
  bomb(lab, ssl, true);
}

void mc_lab_hostile_deflate_bomb(struct mc_lab *lab, SSL *ssl)
{
  bomb(lab, ssl, false);
}

/* hostile-close-after-handshake: the handshake completes, then nothing. */
void mc_lab_hostile_close_after_handshake(struct mc_lab *lab, SSL *ssl)
{
  (void)lab;
  (void)ssl;
}

static void xml_answer(SSL *ssl, const char *prologue, const char *open, size_t depth,
                       const char *close_tag)
{
  char head[256];
  size_t bytes = strlen(prologue) + depth * (strlen(open) + strlen(close_tag));
  snprintf(head, sizeof head, "HTTP/1.1 200 OK\r\nServer: Microsoft-IIS/10.0\r\n"
           "Content-Type: text/xml; charset=utf-8\r\nContent-Length: %zu\r\n"
           "Connection: close\r\n\r\n", bytes);
  if(!puts_ssl(ssl, head) || !puts_ssl(ssl, prologue))
    return;
  char buf[8192];
  const char *parts[2] = { open, close_tag };
  for(int k = 0; k < 2 && depth; k++) {
    size_t len = strlen(parts[k]), per = sizeof buf / len, left = depth;
    for(size_t i = 0; i < per; i++)
      memcpy(buf + i * len, parts[k], len);
    while(left) {
      size_t n = left < per ? left : per;
      if(!put(ssl, buf, n * len))
        return;
      left -= n;
    }
  }
}

/* hostile-xml-entities: "billion laughs", ten levels of ten references. */
void mc_lab_hostile_xml_entities(struct mc_lab *lab, SSL *ssl)
{
  (void)lab;
  if(!read_request(ssl))
    return;
  struct mc_buf b = MC_BUF_INIT(8192);
  mc_buf_addstr(&b, "<?xml version=\"1.0\"?>\r\n<!DOCTYPE Autodiscover [\r\n"
                "<!ENTITY e0 \"lol\">\r\n");
  for(int i = 1; i < 10; i++) {
    mc_buf_printf(&b, "<!ENTITY e%d \"", i);
    for(int k = 0; k < 10; k++)
      mc_buf_printf(&b, "&e%d;", i - 1);
    mc_buf_addstr(&b, "\">\r\n");
  }
  mc_buf_addstr(&b, "]>\r\n<Autodiscover xmlns=\"http://schemas.microsoft.com/exchange/"
                "autodiscover/responseschema/2006\"><Response xmlns=\"http://schemas."
                "microsoft.com/exchange/autodiscover/outlook/responseschema/2006a\">"
                "<User><DisplayName>&e9;</DisplayName></User></Response></Autodiscover>\r\n");
  xml_answer(ssl, b.ptr, "", 0, "");
  mc_buf_release(&b);
}

/* hostile-xml-nesting: a million nested elements inside the answer. */
void mc_lab_hostile_xml_nesting(struct mc_lab *lab, SSL *ssl)
{
  (void)lab;
  if(!read_request(ssl))
    return;
  xml_answer(ssl, "<?xml version=\"1.0\"?>\r\n", "<a>", 1000000, "</a>");
}

/* hostile-imap-literal: a greeting, then a CAPABILITY answer announcing a
 * literal of 999999999 bytes, then bytes as fast as they are read. */
void mc_lab_hostile_imap_literal(struct mc_lab *lab, SSL *ssl)
{
  if(!puts_ssl(ssl, "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] hostile.test ready\r\n"))
    return;
  char line[1024];
  int n = SSL_read(ssl, line, sizeof line - 1);
  if(n <= 0)
    return;
  line[n] = '\0';
  if(!puts_ssl(ssl, "* CAPABILITY {999999999}\r\nIMAP4rev1 "))
    return;
  /* As fast as the client reads: it must give up at its own bound, not at
   * --timeout. */
  static const char fill[4096] = { 'x' };
  while(!mc_lab_stopping(lab) && put(ssl, fill, sizeof fill)) {
  }
}

/* hostile-imap-no-greeting: TLS completes, then silence. */
void mc_lab_hostile_imap_no_greeting(struct mc_lab *lab, SSL *ssl)
{
  while(pause_ms(lab, ssl, 1000)) {
  }
}

struct conn_arg {
  struct mc_lab *lab;
  const struct mc_lab_hostile_profile *b;
};

static void serve(void *arg, SSL *ssl)
{
  struct conn_arg *a = arg;
  if(ssl)
    a->b->serve(a->lab, ssl);
}

static void conn(struct mc_lab *lab, struct mc_lab_site *site, int fd)
{
  struct hostile *h = site->priv;
  struct conn_arg a = { lab, h->b };
  mc_lab_http_conn(fd, h->ctx, NULL, 0, serve, &a);
}

static void dns_conn(struct mc_lab *lab, struct mc_lab_site *site, int fd)
{
  (void)lab;
  (void)site;
  mc_lab_dns_serve(fd, NULL, 0);   /* every name: NXDOMAIN */
}

static void hostile_free(void *p)
{
  struct hostile *h = p;
  SSL_CTX_free(h->ctx);
  free(h);
}

mc_code mc_lab_hostile_start(struct mc_lab *lab, struct mc_lab_site *site)
{
  const struct mc_lab_hostile_profile *b = site->sc->hostile;
  if(!b)
    return MC_ERR_USAGE;
  struct hostile *h = mc_xcalloc(1, sizeof *h);
  h->b = b;
  static const char *const ad_names[] = { DOMAIN, "autodiscover." DOMAIN, NULL };
  if(b->kind == MC_LAB_HOSTILE_AUTODISCOVER) {
    mc_strlcpy(site->host, "autodiscover." DOMAIN, sizeof site->host);
    site->cert_names = ad_names;
  }
  mc_code rc = mc_lab_tls_ctx(lab, site, &h->ctx);
  if(rc) {
    free(h);
    return rc;
  }
  site->priv = h;
  site->priv_free = hostile_free;
  int port, dns, closed;
  rc = mc_lab_listen(lab, site, 64, conn, &port);
  if(rc)
    return rc;
  mc_lab_site_ready(lab, site, port);
  switch(b->kind) {
  case MC_LAB_HOSTILE_HTTP:
    snprintf(site->command, sizeof site->command, "remote-move --server %s %s", site->target,
             site->args);
    break;
  case MC_LAB_HOSTILE_IMAP:
    snprintf(site->command, sizeof site->command, "imap %s %s --security ssl", site->target,
             site->args);
    break;
  case MC_LAB_HOSTILE_AUTODISCOVER:
    rc = mc_lab_listen_udp(lab, site, dns_conn, &dns);
    if(!rc)
      rc = mc_lab_closed_port(lab, &closed);
    if(rc)
      return rc;
    snprintf(site->target, sizeof site->target, "migadmin@" DOMAIN);
    snprintf(site->args, sizeof site->args, "--resolve " DOMAIN ":*:127.0.0.1 --resolve "
             "autodiscover." DOMAIN ":*:127.0.0.1 --port-map 443=%d,80=%d --dns-server "
             "127.0.0.1:%d --ca-file %s", port, closed, dns, mc_lab_ca_file(lab));
    snprintf(site->command, sizeof site->command, "autodiscover --email %s %s", site->target,
             site->args);
    break;
  }
  return MC_OK;
}
