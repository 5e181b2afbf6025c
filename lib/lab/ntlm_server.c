/*
 * ntlm_server.c - the lab's NTLM acceptor (MS-NLMP), written apart from the
 * client side on purpose: curl's NTLM and this must agree on the wire.
 *
 * States (held by the connection in exchange.c): no auth -> Type 1 seen,
 * challenge sent (the 8 challenge bytes kept) -> Type 3 checked: signed in
 * (for the rest of the connection) or refused. A Type 3 on a connection
 * that never got a challenge is refused as a broken handshake.
 *
 * Invariants: every field offset and length of a Type 3 is checked against
 * the message before use; only NTLMv2 responses are accepted (what a
 * client must send when the challenge carries target info).
 *
 * Extended Protection, as IIS applies it per virtual directory: after the
 * NTLMv2 proof, a MIC the client says it sent (MsvAvFlags bit 2) must
 * match over the three messages; then the channel binding
 * (MsvAvChannelBindings) is checked against the CBT of the TLS channel
 * this server terminates: None ignores it, Allow refuses only a binding
 * that names another channel, Require also refuses a missing one.
 */
#include "lab/http_req.h"
#include "lab/ntlm_server.h"
#include "util/md4.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/provider.h>
#include <openssl/x509.h>
#include <pthread.h>

#define F_UNICODE 0x00000001u
#define F_REQUEST_TARGET 0x00000004u
#define F_NTLM 0x00000200u
#define F_ALWAYS_SIGN 0x00008000u
#define F_TARGET_DOMAIN 0x00010000u
#define F_ESS 0x00080000u
#define F_TARGET_INFO 0x00800000u
#define F_VERSION 0x02000000u
#define F_128 0x20000000u
#define F_56 0x80000000u

static uint16_t rd16(const unsigned char *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t rd32(const unsigned char *p)
{
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static void put16(struct mc_buf *b, unsigned v)
{
  char c[2] = { (char)(v & 0xff), (char)((v >> 8) & 0xff) };
  mc_buf_add(b, c, 2);
}
static void put32(struct mc_buf *b, uint32_t v)
{
  put16(b, v & 0xffff);
  put16(b, v >> 16);
}
static void put_utf16(struct mc_buf *b, const char *s)
{
  for(; *s; s++)
    put16(b, (unsigned char)*s);
}

int mc_lab_ntlm_type(const unsigned char *p, size_t n)
{
  if(n < 12 || memcmp(p, "NTLMSSP\0", 8) != 0)
    return 0;
  uint32_t t = rd32(p + 8);
  return t >= 1 && t <= 3 ? (int)t : 0;
}

static void av(struct mc_buf *b, unsigned id, const char *s)
{
  put16(b, id);
  put16(b, (unsigned)strlen(s) * 2);
  put_utf16(b, s);
}

void mc_lab_ntlm_challenge(const struct mc_lab_ntlm_names *nm, unsigned char challenge[8],
                           struct mc_buf *out)
{
  if(RAND_bytes(challenge, 8) != 1) {
    uint64_t t = (uint64_t)mc_now_ms() * 2654435761u;
    memcpy(challenge, &t, 8);
  }
  struct mc_buf info = MC_BUF_INIT(4096);
  av(&info, 2, nm->nb_domain);
  av(&info, 1, nm->nb_computer);
  av(&info, 4, nm->dns_domain);
  av(&info, 3, nm->dns_computer);
  /* MsvAvTimestamp: FILETIME, 100 ns since 1601. */
  uint64_t ft = ((uint64_t)time(NULL) + 11644473600ull) * 10000000ull;
  put16(&info, 7);
  put16(&info, 8);
  put32(&info, (uint32_t)ft);
  put32(&info, (uint32_t)(ft >> 32));
  put16(&info, 0);
  put16(&info, 0);
  size_t tlen = strlen(nm->nb_domain) * 2;
  const uint32_t hdr = 56;
  mc_buf_add(out, "NTLMSSP\0", 8);
  put32(out, 2);
  put16(out, (unsigned)tlen);
  put16(out, (unsigned)tlen);
  put32(out, hdr);
  put32(out, F_UNICODE | F_REQUEST_TARGET | F_NTLM | F_ALWAYS_SIGN | F_TARGET_DOMAIN | F_ESS |
             F_TARGET_INFO | F_VERSION | F_128 | F_56);
  mc_buf_add(out, (const char *)challenge, 8);
  mc_buf_add(out, "\0\0\0\0\0\0\0\0", 8);
  put16(out, (unsigned)info.len);
  put16(out, (unsigned)info.len);
  put32(out, hdr + (uint32_t)tlen);
  char ver[8] = { (char)nm->os_major, (char)nm->os_minor, (char)(nm->os_build & 0xff),
                  (char)(nm->os_build >> 8), 0, 0, 0, 15 };
  mc_buf_add(out, ver, 8);
  put_utf16(out, nm->nb_domain);
  mc_buf_add(out, info.ptr, info.len);
  mc_buf_release(&info);
}

static void hmac_md5(const unsigned char *key, size_t klen, const unsigned char *p, size_t n,
                     unsigned char out[16])
{
  unsigned int olen = 16;
  HMAC(EVP_md5(), key, (int)klen, p, n, out, &olen);
}

void mc_lab_ntowfv2(const char *password, const char *user, const char *domain,
                    unsigned char out[16])
{
  struct mc_buf b = MC_BUF_INIT(4096);
  put_utf16(&b, password);
  unsigned char nt[16];
  mc_md4(b.ptr ? b.ptr : "", b.len, nt);
  mc_buf_reset(&b);
  for(const char *s = user; *s; s++)
    put16(&b, (unsigned)toupper((unsigned char)*s));
  put_utf16(&b, domain);
  hmac_md5(nt, 16, (const unsigned char *)b.ptr, b.len, out);
  explicit_bzero(nt, sizeof nt);
  if(b.ptr)
    explicit_bzero(b.ptr, b.cap);
  mc_buf_release(&b);
}

/* A Type 3 field (len, maxlen, offset) as a checked slice. */
static bool field(const unsigned char *p, size_t n, size_t at, const unsigned char **v,
                  size_t *len)
{
  if(at + 8 > n)
    return false;
  uint16_t l = rd16(p + at);
  uint32_t off = rd32(p + at + 4);
  if(off > n || l > n - off)
    return false;
  *v = p + off;
  *len = l;
  return true;
}

static void text(const unsigned char *v, size_t n, bool unicode, char *out, size_t outlen)
{
  size_t k = 0, step = unicode ? 2 : 1;
  for(size_t i = 0; i + step <= n && k + 1 < outlen; i += step) {
    unsigned c = unicode ? rd16(v + i) : v[i];
    out[k++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
  }
  out[k] = '\0';
}

/* RC4 from OpenSSL's legacy provider, in a library context of its own
 * (the client has its own RC4: the two are written apart). */
static OSSL_LIB_CTX *legacy_ctx;
static EVP_CIPHER *legacy_rc4;
static pthread_once_t legacy_once = PTHREAD_ONCE_INIT;

static void legacy_init(void)
{
  legacy_ctx = OSSL_LIB_CTX_new();
  if(legacy_ctx && OSSL_PROVIDER_load(legacy_ctx, "legacy"))
    legacy_rc4 = EVP_CIPHER_fetch(legacy_ctx, "RC4", NULL);
}

/* out = RC4(key, in), 16 bytes; out may be key. */
static bool rc4_16(const unsigned char key[16], const unsigned char in[16], unsigned char out[16])
{
  pthread_once(&legacy_once, legacy_init);
  EVP_CIPHER_CTX *c = legacy_rc4 ? EVP_CIPHER_CTX_new() : NULL;
  unsigned char tmp[16];
  int l1 = 0, l2 = 0;
  bool ok = c && EVP_EncryptInit_ex2(c, legacy_rc4, key, NULL, NULL) == 1 &&
            EVP_EncryptUpdate(c, tmp, &l1, in, 16) == 1 &&
            EVP_EncryptFinal_ex(c, tmp + l1, &l2) == 1 && l1 + l2 == 16;
  EVP_CIPHER_CTX_free(c);
  if(ok)
    memcpy(out, tmp, 16);
  explicit_bzero(tmp, sizeof tmp);
  return ok;
}

enum mc_lab_ntlm_verdict mc_lab_ntlm_verify(const unsigned char *p, size_t n,
                                            const unsigned char challenge[8],
                                            const char *domain, const char *user,
                                            const char *password,
                                            const struct mc_lab_ntlm_ep *ep,
                                            char *user_out, size_t user_outlen)
{
  if(user_outlen)
    user_out[0] = '\0';
  if(mc_lab_ntlm_type(p, n) != 3 || n < 64)
    return MC_LAB_NTLM_BAD_MESSAGE;
  const unsigned char *nt, *dom, *usr;
  size_t ntlen, domlen, usrlen;
  if(!field(p, n, 20, &nt, &ntlen) || !field(p, n, 28, &dom, &domlen) ||
     !field(p, n, 36, &usr, &usrlen))
    return MC_LAB_NTLM_BAD_MESSAGE;
  bool unicode = rd32(p + 60) & F_UNICODE;
  char cdom[128], cuser[128];
  text(dom, domlen, unicode, cdom, sizeof cdom);
  text(usr, usrlen, unicode, cuser, sizeof cuser);
  snprintf(user_out, user_outlen, "%s\\%s", cdom, cuser);
  /* NTLMv2: NTProofStr (16) then the client blob (at least 28 bytes). */
  if(ntlen < 16 + 28)
    return MC_LAB_NTLM_DENIED;
  if(strcasecmp(cuser, user) != 0 || strcasecmp(cdom, domain) != 0)
    return MC_LAB_NTLM_DENIED;
  unsigned char key[16], proof[16];
  mc_lab_ntowfv2(password, cuser, cdom, key);
  struct mc_buf msg = MC_BUF_INIT(MC_LAB_HTTP_HEAD_MAX);
  mc_buf_add(&msg, (const char *)challenge, 8);
  mc_buf_add(&msg, (const char *)nt + 16, ntlen - 16);
  hmac_md5(key, 16, (const unsigned char *)msg.ptr, msg.len, proof);
  mc_buf_release(&msg);
  enum mc_lab_ntlm_verdict v = MC_LAB_NTLM_DENIED;
  if(CRYPTO_memcmp(proof, nt, 16) != 0)
    goto out;
  v = MC_LAB_NTLM_OK;
  if(!ep)
    goto out;
  /* The client's AV pairs start 28 bytes into its blob (after 0x0101,
   * Z(6), the time, its challenge and Z(4)). */
  const unsigned char *a = nt + 16 + 28;
  size_t left = ntlen - 16 - 28;
  uint32_t avflags = 0;
  const unsigned char *cbt = NULL;
  while(left >= 4) {
    uint16_t id = rd16(a), len = rd16(a + 2);
    if(len > left - 4 || id == 0)
      break;
    if(id == 6 && len == 4)
      avflags = rd32(a + 4);
    if(id == 10 && len == 16)
      cbt = a + 4;
    a += 4 + len;
    left -= 4 + (size_t)len;
  }
  if(avflags & 2) {
    /* MIC: HMAC_MD5(ExportedSessionKey, Type1 . Type2 . Type3 with a zero
     * MIC); the exported key is the session base key, or with KEY_EXCH the
     * client's key, RC4-decrypted with it. */
    unsigned char base[16], mic[16];
    const unsigned char *ek;
    size_t eklen = 0;
    hmac_md5(key, 16, nt, 16, base);
    bool kx = n >= 88 && (rd32(p + 60) & 0x40000000u);
    if(n < 88 || !ep->t1 || !ep->t2 ||
       (kx && (!field(p, n, 52, &ek, &eklen) || eklen != 16 || !rc4_16(base, ek, base)))) {
      explicit_bzero(base, sizeof base);
      v = MC_LAB_NTLM_DENIED;
      goto out;
    }
    struct mc_buf all = MC_BUF_INIT(3 * MC_LAB_HTTP_HEAD_MAX);
    mc_buf_add(&all, ep->t1, ep->n1);
    mc_buf_add(&all, ep->t2, ep->n2);
    size_t at = all.len;
    mc_buf_add(&all, p, n);
    if(all.len == at + n)
      memset(all.ptr + at + 72, 0, 16);
    hmac_md5(base, 16, (const unsigned char *)all.ptr, all.len, mic);
    mc_buf_release(&all);
    explicit_bzero(base, sizeof base);
    if(CRYPTO_memcmp(mic, p + 72, 16) != 0) {
      v = MC_LAB_NTLM_DENIED;
      goto out;
    }
  }
  static const unsigned char zero[16];
  bool has_cbt = cbt && CRYPTO_memcmp(cbt, zero, 16) != 0;
  if(ep->mode == MC_LAB_EP_REQUIRE && (!has_cbt || !ep->binding))
    v = MC_LAB_NTLM_NO_BINDING;
  else if(ep->mode != MC_LAB_EP_NONE && has_cbt &&
          (!ep->binding || CRYPTO_memcmp(cbt, ep->binding, 16) != 0))
    v = MC_LAB_NTLM_NO_BINDING;
out:
  explicit_bzero(key, sizeof key);
  return v;
}

void mc_lab_ntlm_binding(X509 *cert, unsigned char out[16])
{
  unsigned char h[32], s[20 + 21 + 32];
  unsigned int hl = 0, ol = 16;
  memset(s, 0, sizeof s);
  memset(out, 0, 16);
  if(X509_digest(cert, EVP_sha256(), h, &hl) != 1 || hl != 32)
    return;
  s[16] = 21 + 32;
  memcpy(s + 20, "tls-server-end-point:", 21);
  memcpy(s + 41, h, 32);
  EVP_Digest(s, sizeof s, out, &ol, EVP_md5(), NULL);
}

void mc_lab_ntlm_begin(struct mc_lab_ntlm_conn *nc, const struct mc_lab_ntlm_names *names,
                       const unsigned char *t1, size_t n1, struct mc_buf *t2_out)
{
  mc_lab_ntlm_challenge(names, nc->challenge, t2_out);
  nc->challenged = n1 <= sizeof nc->t1 && t2_out->len <= sizeof nc->t2;
  nc->n1 = nc->challenged ? n1 : 0;
  nc->n2 = nc->challenged ? t2_out->len : 0;
  memcpy(nc->t1, t1, nc->n1);
  memcpy(nc->t2, t2_out->ptr, nc->n2);
}

enum mc_lab_ntlm_verdict mc_lab_ntlm_finish(struct mc_lab_ntlm_conn *nc,
                                            const unsigned char *t3, size_t n3,
                                            const char *password, enum mc_lab_ep mode,
                                            SSL *ssl, char *user_out, size_t user_outlen)
{
  if(user_outlen)
    user_out[0] = '\0';
  if(!nc->challenged)
    return MC_LAB_NTLM_BAD_MESSAGE;
  unsigned char binding[16];
  X509 *own = ssl ? SSL_get_certificate(ssl) : NULL;
  if(own)
    mc_lab_ntlm_binding(own, binding);
  struct mc_lab_ntlm_ep ep = { mode, own ? binding : NULL, nc->t1, nc->t2, nc->n1, nc->n2 };
  enum mc_lab_ntlm_verdict v = mc_lab_ntlm_verify(t3, n3, nc->challenge, "CONTOSO", "migadmin",
                                                  password, &ep, user_out, user_outlen);
  nc->challenged = false;
  explicit_bzero(nc, sizeof *nc);
  return v;
}
