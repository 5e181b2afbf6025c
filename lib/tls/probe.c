/*
 * probe.c - one TLS handshake, observed byte by byte.
 *
 * The SSL object talks to memory BIOs; this file moves bytes between them
 * and a non-blocking socket, so every wait is bounded by the deadline and
 * the first bytes the peer sent are kept. Security level 0 and all ciphers
 * are offered on purpose: the probe asks what the server accepts; whether
 * that is good enough is the check's judgement, not OpenSSL's.
 *
 * States: connect -> (IMAP: greeting, STARTTLS, OK) -> write ClientHello -> read until handshake done, alert,
 * close, non-TLS bytes or deadline -> (OK) collect and verify the chain.
 */
#include "tls/tls.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

const char *mc_tls_outcome_name(enum mc_tls_outcome t)
{
  switch(t) {
  case MC_TLS_OK: return "handshake completed";
  case MC_TLS_NOT_TLS: return "the peer does not speak TLS";
  case MC_TLS_ALERT: return "refused with a TLS alert";
  case MC_TLS_CLOSED: return "connection closed during the handshake";
  case MC_TLS_TIMEOUT: return "no handshake before the deadline";
  case MC_TLS_NO_CONNECT: return "no TCP connection";
  case MC_TLS_LOCAL: return "not available in this machine's OpenSSL";
  case MC_TLS_ERROR: return "handshake error";
  }
  return "handshake error";
}

const char *mc_tls_version_name(int v)
{
  switch(v) {
  case TLS1_VERSION: return "TLS 1.0";
  case TLS1_1_VERSION: return "TLS 1.1";
  case TLS1_2_VERSION: return "TLS 1.2";
  case TLS1_3_VERSION: return "TLS 1.3";
  default: return "TLS";
  }
}

bool mc_tls_has_error(const struct mc_tls_result *r, int err)
{
  for(size_t i = 0; i < r->nverify_errors; i++) {
    if(r->verify_errors[i] == err)
      return true;
  }
  return false;
}

void mc_tls_result_release(struct mc_tls_result *r)
{
  for(size_t i = 0; i < r->nchain; i++)
    mc_tls_cert_release(&r->chain[i]);
  r->nchain = 0;
}

/* Sends everything OpenSSL queued in the write BIO. */
static bool flush_out(BIO *wbio, int fd, int64_t deadline)
{
  char buf[16384];
  int n;
  while((n = BIO_read(wbio, buf, sizeof buf)) > 0) {
    size_t off = 0;
    while(off < (size_t)n) {
      ssize_t w = send(fd, buf + off, (size_t)n - off, MSG_NOSIGNAL);
      if(w > 0) {
        off += (size_t)w;
        continue;
      }
      if(w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        if(mc_wait_fd(fd, POLLOUT, deadline) <= 0)
          return false;
        continue;
      }
      return false;
    }
  }
  return true;
}

static bool looks_like_tls(const unsigned char *p, size_t n)
{
  /* A TLS record: content type 20-23, then major version 3. */
  if(n >= 1 && (p[0] < 20 || p[0] > 23))
    return false;
  if(n >= 2 && p[1] != 3)
    return false;
  return true;
}

struct alert_note {
  char text[64];
  bool seen;
};

static void info_cb(const SSL *ssl, int where, int ret)
{
  if(!(where & SSL_CB_READ_ALERT))
    return;
  struct alert_note *a = SSL_get_app_data(ssl);
  if(a && !a->seen) {
    mc_strlcpy(a->text, SSL_alert_desc_string_long(ret), sizeof a->text);
    a->seen = true;
  }
}

static int verify_idx = -1;

static int collect_cb(int ok, X509_STORE_CTX *ctx)
{
  if(!ok) {
    struct mc_tls_result *out = X509_STORE_CTX_get_ex_data(ctx, verify_idx);
    int err = X509_STORE_CTX_get_error(ctx);
    if(out && out->nverify_errors < 8 && !mc_tls_has_error(out, err)) {
      out->verify_error_depth[out->nverify_errors] = X509_STORE_CTX_get_error_depth(ctx);
      out->verify_errors[out->nverify_errors++] = err;
      if(!out->verify_text[0])
        snprintf(out->verify_text, sizeof out->verify_text, "%s (depth %d)",
                 X509_verify_cert_error_string(err), X509_STORE_CTX_get_error_depth(ctx));
    }
  }
  /* Keep verifying, so that every problem of the chain is seen. */
  return 1;
}

static void verify_chain(SSL *ssl, const struct mc_tls_opts *o, struct mc_tls_result *out)
{
  STACK_OF(X509) *sk = SSL_get_peer_cert_chain(ssl);
  X509 *leaf = SSL_get0_peer_certificate(ssl);
  if(!leaf)
    return;
  int n = sk ? sk_X509_num(sk) : 0;
  out->chain_sent = (size_t)n;
  for(int i = 0; i < n && out->nchain < MC_TLS_MAX_CHAIN; i++) {
    unsigned char *der = NULL;
    int len = i2d_X509(sk_X509_value(sk, i), &der);
    if(len > 0 && mc_tls_describe_der(der, (size_t)len, &out->chain[out->nchain]))
      out->nchain++;
    OPENSSL_free(der);
  }
  bool system_ok, ca_ok;
  X509_STORE *store = mc_tls_trust(o->ca_file, &system_ok, &ca_ok);
  X509_STORE_CTX *ctx = X509_STORE_CTX_new();
  if(!store || !ctx)
    goto out;
  if(!ca_ok) {
    snprintf(out->verify_text, sizeof out->verify_text, "cannot load CA file '%s'",
             o->ca_file);
  }
  if(verify_idx < 0)
    verify_idx = X509_STORE_CTX_get_ex_new_index(0, NULL, NULL, NULL, NULL);
  if(X509_STORE_CTX_init(ctx, store, leaf, sk) != 1)
    goto out;
  /* On the context, not the store: the store is shared (trust.c). */
  X509_STORE_CTX_set_verify_cb(ctx, collect_cb);
  X509_STORE_CTX_set_ex_data(ctx, verify_idx, out);
  X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SSL_SERVER);
  int rc = X509_verify_cert(ctx);
  out->verified = rc == 1 && out->nverify_errors == 0;
  if(o->verify_name && *o->verify_name) {
    if(mc_is_ip_literal(o->verify_name))
      out->name_ok = X509_check_ip_asc(leaf, o->verify_name, 0) == 1;
    else
      out->name_ok = X509_check_host(leaf, o->verify_name, 0, 0, NULL) == 1;
  }
out:
  X509_STORE_CTX_free(ctx);
  X509_STORE_free(store);
}

static void set_detail_from_err(struct mc_tls_result *out)
{
  unsigned long e = ERR_peek_last_error();
  if(e && !out->detail[0]) {
    const char *reason = ERR_reason_error_string(e);
    snprintf(out->detail, sizeof out->detail, "%s", reason ? reason : "unknown error");
  }
}

/* Reads one line (up to LF) from the non-blocking fd into line; false on
 * close, error, an over-long line or the deadline. */
static bool read_line(int fd, int64_t deadline, char *line, size_t linelen)
{
  size_t n = 0;
  for(;;) {
    if(mc_wait_fd(fd, POLLIN, deadline) <= 0)
      return false;
    char c;
    ssize_t r = recv(fd, &c, 1, 0);
    if(r < 0 && (errno == EAGAIN || errno == EINTR))
      continue;
    if(r <= 0 || n + 1 >= linelen)
      return false;
    line[n++] = c;
    if(c == '\n') {
      line[n] = '\0';
      return true;
    }
  }
}

/* The IMAP preamble of STARTTLS (RFC 9051 sec. 6.2.1): the greeting, then
 * "STARTTLS", then the tagged OK; at most 16 untagged lines in between. */
static bool imap_starttls(int fd, int64_t deadline, struct mc_tls_result *out)
{
  char line[1024];
  static const char cmd[] = "S1 STARTTLS\r\n";
  if(!read_line(fd, deadline, line, sizeof line) || strncmp(line, "* OK", 4) != 0) {
    snprintf(out->detail, sizeof out->detail, "no IMAP greeting before STARTTLS");
    return false;
  }
  if(mc_wait_fd(fd, POLLOUT, deadline) <= 0 ||
     send(fd, cmd, sizeof cmd - 1, MSG_NOSIGNAL) != (ssize_t)(sizeof cmd - 1)) {
    snprintf(out->detail, sizeof out->detail, "could not send STARTTLS");
    return false;
  }
  for(int i = 0; i < 16; i++) {
    if(!read_line(fd, deadline, line, sizeof line))
      break;
    if(strncmp(line, "S1 ", 3) != 0)
      continue;
    if(strncmp(line + 3, "OK", 2) == 0)
      return true;
    break;
  }
  snprintf(out->detail, sizeof out->detail, "the server did not accept STARTTLS");
  return false;
}

/* A context that offers what o asks (every suite and version otherwise),
 * verifying nothing itself (verify_chain judges). NULL with out's outcome
 * set when this OpenSSL cannot. */
static SSL_CTX *make_ctx(const struct mc_tls_opts *o, struct mc_tls_result *out)
{
  SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
  if(!ctx) {
    out->outcome = MC_TLS_ERROR;
    snprintf(out->detail, sizeof out->detail, "cannot create a TLS context");
    return NULL;
  }
  SSL_CTX_set_security_level(ctx, 0);
  SSL_CTX_set_cipher_list(ctx, "ALL:@SECLEVEL=0");
  if((o->cipher_list && SSL_CTX_set_cipher_list(ctx, o->cipher_list) != 1) ||
     (o->ciphersuites && SSL_CTX_set_ciphersuites(ctx, o->ciphersuites) != 1) ||
     (o->groups && SSL_CTX_set1_groups_list(ctx, o->groups) != 1)) {
    out->outcome = MC_TLS_LOCAL;
    snprintf(out->detail, sizeof out->detail, "this OpenSSL lacks a suite or group asked for");
    SSL_CTX_free(ctx);
    return NULL;
  }
  SSL_CTX_set_options(ctx, SSL_OP_LEGACY_SERVER_CONNECT | SSL_OP_NO_TICKET);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
  if((o->min_version && SSL_CTX_set_min_proto_version(ctx, o->min_version) != 1) ||
     (o->max_version && SSL_CTX_set_max_proto_version(ctx, o->max_version) != 1)) {
    out->outcome = MC_TLS_LOCAL;
    SSL_CTX_free(ctx);
    return NULL;
  }
  return ctx;
}

/* The handshake over the memory BIOs, bytes moved to and from fd until
 * it completes, fails or the deadline passes: out's outcome, and with
 * o->want_chain the chain judged. */
static void handshake(SSL *ssl, int fd, const struct mc_tls_opts *o, struct mc_tls_result *out,
                      const struct alert_note *alert)
{
  for(;;) {
    int rc = SSL_do_handshake(ssl);
    if(!flush_out(SSL_get_wbio(ssl), fd, o->deadline_ms)) {
      out->outcome = mc_now_ms() >= o->deadline_ms ? MC_TLS_TIMEOUT : MC_TLS_CLOSED;
      snprintf(out->detail, sizeof out->detail, "could not send to the peer");
      break;
    }
    if(rc == 1) {
      out->outcome = MC_TLS_OK;
      mc_strlcpy(out->version, SSL_get_version(ssl), sizeof out->version);
      out->version_num = SSL_version(ssl);
      mc_strlcpy(out->cipher, SSL_get_cipher_name(ssl), sizeof out->cipher);
      if(o->want_chain)
        verify_chain(ssl, o, out);
      break;
    }
    int e = SSL_get_error(ssl, rc);
    if(e == SSL_ERROR_WANT_READ) {
      int w = mc_wait_fd(fd, POLLIN, o->deadline_ms);
      if(w <= 0) {
        out->outcome = MC_TLS_TIMEOUT;
        snprintf(out->detail, sizeof out->detail, "%zu byte%s received before the deadline",
                 out->nfirst, out->nfirst == 1 ? "" : "s");
        break;
      }
      unsigned char buf[16384];
      ssize_t n = recv(fd, buf, sizeof buf, 0);
      if(n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
        out->outcome = MC_TLS_CLOSED;
        snprintf(out->detail, sizeof out->detail, "%s",
                 n == 0 ? "the peer closed the connection" :
                 errno == ECONNRESET ? "the peer reset the connection" : strerror(errno));
        break;
      }
      if(n < 0)
        continue;
      if(out->nfirst < sizeof out->first_bytes) {
        size_t take = sizeof out->first_bytes - out->nfirst;
        if(take > (size_t)n)
          take = (size_t)n;
        memcpy(out->first_bytes + out->nfirst, buf, take);
        out->nfirst += take;
      }
      if(!looks_like_tls(out->first_bytes, out->nfirst)) {
        /* Read a little more so the evidence shows a whole first line. */
        while(out->nfirst < sizeof out->first_bytes &&
              mc_wait_fd(fd, POLLIN, mc_now_ms() + 200) > 0) {
          ssize_t m = recv(fd, out->first_bytes + out->nfirst,
                           sizeof out->first_bytes - out->nfirst, 0);
          if(m <= 0)
            break;
          out->nfirst += (size_t)m;
        }
        out->outcome = MC_TLS_NOT_TLS;
        mc_tls_describe_plain(out->first_bytes, out->nfirst, out->detail, sizeof out->detail);
        break;
      }
      BIO_write(SSL_get_rbio(ssl), buf, (int)n);
      continue;
    }
    /* A fatal error: an alert from the peer, or something OpenSSL disliked. */
    unsigned long last = ERR_peek_last_error();
    if(ERR_GET_REASON(last) == SSL_R_NO_PROTOCOLS_AVAILABLE) {
      out->outcome = MC_TLS_LOCAL;
    }
    else if(alert->seen) {
      out->outcome = MC_TLS_ALERT;
      mc_strlcpy(out->alert, alert->text, sizeof out->alert);
      snprintf(out->detail, sizeof out->detail, "alert \"%s\"", alert->text);
    }
    else {
      out->outcome = MC_TLS_ERROR;
    }
    set_detail_from_err(out);
    break;
  }
}

void mc_tls_probe(const struct mc_tls_opts *o, struct mc_tls_result *out)
{
  memset(out, 0, sizeof *out);
  int64_t t0 = mc_now_ms();
  ERR_clear_error();
  SSL_CTX *ctx = make_ctx(o, out);
  SSL *ssl = NULL;
  int fd = -1;
  struct alert_note alert = { { 0 }, false };
  if(!ctx)
    goto out;
  int err = 0;
  fd = mc_tcp_connect(o->addr, o->port, o->deadline_ms, &out->tcp, &err);
  if(fd < 0) {
    out->outcome = MC_TLS_NO_CONNECT;
    snprintf(out->detail, sizeof out->detail, "%s: %s", mc_tcp_outcome_name(out->tcp),
             strerror(err));
    goto out;
  }
  if(o->imap_starttls && !imap_starttls(fd, o->deadline_ms, out)) {
    out->outcome = mc_now_ms() >= o->deadline_ms ? MC_TLS_TIMEOUT : MC_TLS_ERROR;
    goto out;
  }
  ssl = SSL_new(ctx);
  BIO *rbio = BIO_new(BIO_s_mem());
  BIO *wbio = BIO_new(BIO_s_mem());
  if(!ssl || !rbio || !wbio) {
    BIO_free(rbio);
    BIO_free(wbio);
    out->outcome = MC_TLS_ERROR;
    goto out;
  }
  SSL_set_bio(ssl, rbio, wbio);
  SSL_set_connect_state(ssl);
  SSL_set_app_data(ssl, &alert);
  SSL_set_info_callback(ssl, info_cb);
  if(o->sni && *o->sni && !mc_is_ip_literal(o->sni))
    SSL_set_tlsext_host_name(ssl, o->sni);
  handshake(ssl, fd, o, out, &alert);
out:
  out->ms = mc_now_ms() - t0;
  if(fd >= 0)
    close(fd);
  SSL_free(ssl);
  SSL_CTX_free(ctx);
  ERR_clear_error();
}
