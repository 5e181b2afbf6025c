/*
 * ntlm_login.c - the client's own NTLM sign-in on one libcurl easy handle,
 * in place of libcurl's NTLM (which sends no channel binding): the
 * messages come from lib/proto/ntlm_client.c, this file carries them in
 * explicit Authorization headers over one kept-alive connection.
 *
 * States: NEW --mc_http_ntlm_leg1()--> NEGOTIATE SENT (the handle has a
 * connection cache of its own, so the next leg finds this connection and no
 * other; the header callback reads the server certificate off the TLS
 * session that carries the 401) --mc_http_ntlm_leg2()--> AUTHENTICATE SENT
 * (bound to that certificate) --mc_http_ntlm_done()--> whether the Type 3
 * went on the same connection. mc_http_ntlm_leg2() stops (no Type 3) when
 * no challenge came back or it is broken.
 *
 * Invariants: the password is borrowed and never copied here but into the
 * Type 3 computation, which wipes its copies; the Type 3 header line is
 * wiped when freed; evidence holds flags, what was sent and the hash of
 * the certificate, never a key.
 */
#include "http/http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http/curl_dl.h"
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "proto/ntlm.h"
#include "util/base64.h"

#define LINE_MAX_BYTES 16384

struct mc_http_ntlm {
  const char *user, *password;
  struct mc_http_resp *resp;
  CURL *easy;
  char spn[300];
  bool no_cbt;
  struct mc_http_ntlm_ev *ev;
  CURLSH *share;
  struct mc_buf t1, t2, line;
  unsigned char cbt[16];
  bool have_cbt;
  unsigned char cert_id[32];      /* SHA-256 of the certificate seen on leg one */
  bool cert_seen;
  int leg;
};

struct mc_http_ntlm *mc_http_ntlm_new(const char *user, const char *password,
                                      const char *host, bool no_channel_binding,
                                      struct mc_http_resp *resp)
{
  struct mc_http_ntlm *n = mc_xcalloc(1, sizeof *n);
  struct mc_http_ntlm_ev *ev = &resp->ntlm;
  n->resp = resp;
  n->user = user;
  n->password = password;
  snprintf(n->spn, sizeof n->spn, "HTTP/%s", host);
  n->no_cbt = no_channel_binding;
  n->ev = ev;
  memset(ev, 0, sizeof *ev);
  ev->used = true;
  ev->cbt_off = no_channel_binding;
  mc_buf_init(&n->t1, 1024);
  mc_buf_init(&n->t2, 8192);
  mc_buf_init(&n->line, LINE_MAX_BYTES);
  n->share = curl_share_init();
  if(n->share)
    curl_share_setopt(n->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
  return n;
}

void mc_http_ntlm_free(struct mc_http_ntlm *n)
{
  if(!n)
    return;
  /* The handle must be gone (or detached) first: the share closes the
   * connections it keeps. */
  if(n->share)
    curl_share_cleanup(n->share);
  if(n->line.ptr)
    OPENSSL_cleanse(n->line.ptr, n->line.cap);
  mc_buf_release(&n->line);
  mc_buf_release(&n->t1);
  mc_buf_release(&n->t2);
  OPENSSL_cleanse(n->cbt, sizeof n->cbt);
  free(n);
}

const char *mc_http_ntlm_leg1(struct mc_http_ntlm *n, void *easy)
{
  CURL *e = n->easy = easy;
  if(n->share)
    curl_easy_setopt(e, CURLOPT_SHARE, n->share);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, mc_http_ntlm_header_cb);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, n);
  curl_easy_setopt(e, CURLOPT_FORBID_REUSE, 0L);
  curl_easy_setopt(e, CURLOPT_FRESH_CONNECT, 1L);
  mc_buf_reset(&n->t1);
  mc_ntlm_negotiate(&n->t1);
  mc_buf_reset(&n->line);
  mc_buf_addstr(&n->line, "Authorization: NTLM ");
  mc_base64_encode(&n->line, n->t1.ptr, n->t1.len);
  n->leg = 1;
  return n->line.ptr;
}

/* Reads the certificate of the TLS session that carries this response. */
static void saw_response(struct mc_http_ntlm *n)
{
  struct curl_tlssessioninfo *tsi = NULL;
  if(n->leg == 0 || curl_easy_getinfo(n->easy, CURLINFO_TLS_SSL_PTR, &tsi) != CURLE_OK || !tsi ||
     tsi->backend != CURLSSLBACKEND_OPENSSL || !tsi->internals)
    return;
  X509 *x = SSL_get1_peer_certificate(tsi->internals);
  if(!x)
    return;
  unsigned char id[32];
  unsigned int idlen = 0;
  unsigned char *der = NULL;
  int dlen = i2d_X509(x, &der);
  if(dlen > 0 && X509_digest(x, EVP_sha256(), id, &idlen) == 1 && idlen == 32) {
    if(n->leg == 1 && !n->cert_seen) {
      n->cert_seen = true;
      memcpy(n->cert_id, id, 32);
      n->have_cbt = mc_ntlm_channel_binding(der, (size_t)dlen, n->cbt, n->ev->cert_hash_name,
                                            sizeof n->ev->cert_hash_name, n->ev->cert_hash,
                                            sizeof n->ev->cert_hash) == MC_OK;
      X509_NAME_oneline(X509_get_issuer_name(x), n->ev->cert_issuer,
                        (int)sizeof n->ev->cert_issuer);
    }
    else if(n->leg == 2 && n->cert_seen && memcmp(id, n->cert_id, 32) != 0)
      n->ev->cert_changed = true;
  }
  OPENSSL_free(der);
  X509_free(x);
}

size_t mc_http_ntlm_header_cb(char *p, size_t size, size_t nmemb, void *arg)
{
  struct mc_http_ntlm *n = arg;
  if(size * nmemb >= 5 && strncmp(p, "HTTP/", 5) == 0)
    saw_response(n);
  return mc_http_header_cb(p, size, nmemb, n->resp);
}

const char *mc_http_ntlm_leg2(struct mc_http_ntlm *n, void *easy, const struct mc_http_resp *r)
{
  CURL *e = easy;
  struct mc_http_ntlm_ev *ev = n->ev;
  const char *tok = mc_http_ntlm_challenge(r);
  if(!tok || r->status != 401)
    return NULL;
  ev->challenged = true;
  struct mc_ntlm_info ch;
  mc_buf_reset(&n->t2);
  size_t tlen = strcspn(tok, " ,");
  if(mc_base64_decode(&n->t2, tok, tlen) != MC_OK) {
    ev->broken = true;
    snprintf(ev->broken_why, sizeof ev->broken_why, "the challenge is not valid base64 of at "
             "most %zu bytes", n->t2.limit);
    return NULL;
  }
  if(mc_ntlm_challenge_parse((const unsigned char *)n->t2.ptr, n->t2.len, &ch) != MC_OK) {
    ev->broken = true;
    mc_strlcpy(ev->broken_why, ch.error, sizeof ev->broken_why);
    return NULL;
  }
  unsigned char cc[8], key[16];
  if(RAND_bytes(cc, sizeof cc) != 1 || RAND_bytes(key, sizeof key) != 1) {
    ev->broken = true;
    mc_strlcpy(ev->broken_why, "no random bytes for the client challenge", sizeof ev->broken_why);
    return NULL;
  }
  uint64_t now = ((uint64_t)time(NULL) + 11644473600ull) * 10000000ull;
  struct mc_ntlm_auth_params a = {
    .user = n->user, .password = n->password, .spn = n->spn,
    .cbt = n->have_cbt && !n->no_cbt ? n->cbt : NULL,
    .client_challenge = cc, .session_key = key, .time = now,
  };
  struct mc_buf t3 = MC_BUF_INIT(8192);
  struct mc_ntlm_sent sent;
  mc_code rc = mc_ntlm_authenticate(&a, (const unsigned char *)n->t1.ptr, n->t1.len,
                                    (const unsigned char *)n->t2.ptr, n->t2.len, &ch, &t3,
                                    &sent);
  OPENSSL_cleanse(key, sizeof key);
  if(rc) {
    ev->broken = true;
    mc_strlcpy(ev->broken_why, rc == MC_ERR_USAGE ? "the challenge offers no target info or "
               "no Unicode, which NTLMv2 needs" : "the answer would be too long",
               sizeof ev->broken_why);
    mc_buf_release(&t3);
    return NULL;
  }
  ev->sent = true;
  ev->flags = sent.flags;
  ev->cbt = sent.cbt;
  ev->mic = sent.mic;
  ev->spn = sent.spn;
  mc_buf_reset(&n->line);
  mc_buf_addstr(&n->line, "Authorization: NTLM ");
  mc_base64_encode(&n->line, t3.ptr, t3.len);
  OPENSSL_cleanse(t3.ptr, t3.cap);
  mc_buf_release(&t3);
  curl_easy_setopt(e, CURLOPT_FRESH_CONNECT, 0L);
  curl_easy_setopt(e, CURLOPT_FORBID_REUSE, 1L);
  n->leg = 2;
  return n->line.ptr;
}

void mc_http_ntlm_done(struct mc_http_ntlm *n, void *easy)
{
  long connects = 0;
  if(n->leg == 2 && curl_easy_getinfo(easy, CURLINFO_NUM_CONNECTS, &connects) == CURLE_OK)
    n->ev->new_connection = connects > 0;
}

const char *mc_http_ntlm_describe(const struct mc_http_ntlm_ev *ev, char *out, size_t outlen)
{
  char cbt[240];
  if(ev->cbt)
    snprintf(cbt, sizeof cbt, "sent (tls-server-end-point, %s of the certificate seen: %s)",
             ev->cert_hash_name, ev->cert_hash);
  else
    snprintf(cbt, sizeof cbt, "%s", ev->cbt_off ? "not sent (--no-channel-binding)" :
             "not sent (no certificate to bind)");
  if(!ev->used)
    snprintf(out, outlen, "not used");
  else if(ev->broken)
    snprintf(out, outlen, "no answer sent: the server's challenge is broken (%s)",
             ev->broken_why);
  else if(!ev->sent)
    snprintf(out, outlen, "negotiate sent; no NTLM challenge came back");
  else
    snprintf(out, outlen, "NTLMv2, flags 0x%08x; channel binding %s; MIC %s; target name "
             "%s%s%s", (unsigned)ev->flags, cbt, ev->mic ? "sent" : "not sent",
             ev->spn ? "sent" : "not sent",
             ev->new_connection ? "; the answer went on a new connection (the server closed "
             "the one that got the challenge)" : "",
             ev->cert_changed ? "; the certificate changed between the legs" : "");
  return out;
}
