/*
 * tls_server.c - the lab's TLS front door: a listener that completes (or
 * refuses) handshakes with the certificate and protocol versions its
 * scenario names, then answers one HTTP request the way IIS does for the
 * site root. The Exchange scenarios build their HTTP on top of this.
 *
 * Invariants: one SSL_CTX per site, made at start and freed at stop; every
 * read is bounded (16 KiB of request head) and timed (the lab's socket
 * timeouts); the handler always closes its socket.
 */
#include "lab/tls_server.h"
#include "lab/http_req.h"
#include "lab/pki.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#define HEAD_MAX 16384

void mc_lab_http_conn(int fd, SSL_CTX *ctx, char *peer, size_t peerlen,
                      void (*serve)(void *arg, SSL *ssl), void *arg)
{
  struct sockaddr_storage ss;
  socklen_t sl = sizeof ss;
  if(peer && getpeername(fd, (struct sockaddr *)&ss, &sl) == 0 && ss.ss_family == AF_INET)
    inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, peer, (socklen_t)peerlen);
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if(!ctx)
    serve(arg, NULL);
  else {
    SSL *ssl = SSL_new(ctx);
    if(ssl) {
      SSL_set_fd(ssl, fd);
      if(SSL_accept(ssl) == 1)
        serve(arg, ssl);
      SSL_free(ssl);
    }
  }
  ERR_clear_error();
  close(fd);
}

static void ctx_free(void *p)
{
  SSL_CTX_free(p);
}

static void tls_conn(struct mc_lab *lab, struct mc_lab_site *site, int fd)
{
  (void)lab;
  SSL *ssl = SSL_new(site->priv);
  if(!ssl) {
    close(fd);
    return;
  }
  SSL_set_fd(ssl, fd);
  if(SSL_accept(ssl) == 1) {
    char head[HEAD_MAX];
    if(mc_lab_http_read_head(ssl, head, sizeof head) > 0) {
      static const char body[] =
        "<!DOCTYPE html><html><head><title>IIS Windows Server</title></head>"
        "<body><h1>IIS Windows Server</h1></body></html>\r\n";
      struct mc_buf resp = MC_BUF_INIT(1024);
      mc_lab_http_answer(&resp, 200, "OK", "Content-Type: text/html\r\nServer: "
                         "Microsoft-IIS/10.0\r\nX-Powered-By: ASP.NET\r\n", body,
                         sizeof body - 1, false);
      if(resp.ptr)
        SSL_write(ssl, resp.ptr, (int)resp.len);
      mc_buf_release(&resp);
    }
    SSL_shutdown(ssl);
  }
  SSL_free(ssl);
  ERR_clear_error();
  close(fd);
}

mc_code mc_lab_tls_ctx(struct mc_lab *lab, const struct mc_lab_site *site, SSL_CTX **out)
{
  return mc_lab_tls_ctx_as(lab, site, site->sc->cert, out);
}

mc_code mc_lab_tls_ctx_as(struct mc_lab *lab, const struct mc_lab_site *site,
                          enum mc_lab_cert kind, SSL_CTX **out)
{
  const struct mc_lab_scenario *sc = site->sc;
  const char *good[] = { site->host, NULL };
  const char *other[] = { "mail.fabrikam.test", "legacy.fabrikam.test", NULL };
  struct mc_lab_leaf_spec spec = { .cn = site->host,
                                   .dns = site->cert_names ? site->cert_names : good,
                                   .not_before_days = -30, .not_after_days = 365 };
  switch(kind) {
  case MC_LAB_CERT_SELF_SIGNED: spec.self_signed = true; break;
  case MC_LAB_CERT_OTHER_NAME: spec.cn = other[0]; spec.dns = other; break;
  case MC_LAB_CERT_EXPIRED: spec.not_before_days = -400; spec.not_after_days = -5; break;
  case MC_LAB_CERT_EXPIRING: spec.not_after_days = 10; break;
  default: break;
  }
  EVP_PKEY *key;
  X509 *cert;
  *out = NULL;
  mc_code rc = mc_lab_pki_leaf(mc_lab_pki(lab), &spec, &key, &cert);
  if(rc)
    return rc;
  SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
  if(!ctx) {
    X509_free(cert);
    EVP_PKEY_free(key);
    return MC_ERR_INTERNAL;
  }
  /* Old protocol versions need the lowest security level in OpenSSL 3. */
  if(sc->tls_min && sc->tls_min < TLS1_2_VERSION) {
    SSL_CTX_set_security_level(ctx, 0);
    SSL_CTX_set_cipher_list(ctx, "DEFAULT:@SECLEVEL=0");
  }
  SSL_CTX_set_min_proto_version(ctx, sc->tls_min);
  SSL_CTX_set_max_proto_version(ctx, sc->tls_max);
  if(sc->ciphers12)
    SSL_CTX_set_cipher_list(ctx, sc->ciphers12);
  if(sc->ciphers13)
    SSL_CTX_set_ciphersuites(ctx, sc->ciphers13);
  bool ok = SSL_CTX_use_certificate(ctx, cert) == 1 && SSL_CTX_use_PrivateKey(ctx, key) == 1;
  int copies = kind == MC_LAB_CERT_LONG_CHAIN ? 200 : 1;
  for(int i = 0; i < copies && ok && kind != MC_LAB_CERT_NO_CHAIN && !spec.self_signed; i++)
    ok = SSL_CTX_add1_chain_cert(ctx, mc_lab_pki_intermediate(mc_lab_pki(lab))) == 1;
  X509_free(cert);
  EVP_PKEY_free(key);
  if(!ok) {
    SSL_CTX_free(ctx);
    return MC_ERR_INTERNAL;
  }
  *out = ctx;
  return MC_OK;
}

mc_code mc_lab_tls_start(struct mc_lab *lab, struct mc_lab_site *site)
{
  SSL_CTX *ctx;
  mc_code rc = mc_lab_tls_ctx(lab, site, &ctx);
  if(rc)
    return rc;
  site->priv = ctx;
  site->priv_free = ctx_free;
  return mc_lab_serve(lab, site, tls_conn);
}
