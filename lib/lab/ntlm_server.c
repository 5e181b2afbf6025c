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
 */
#include "lab/ews_lab.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

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
  mc_lab_md4(b.ptr ? b.ptr : "", b.len, nt);
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

enum mc_lab_ntlm_verdict mc_lab_ntlm_verify(const unsigned char *p, size_t n,
                                            const unsigned char challenge[8],
                                            const char *domain, const char *user,
                                            const char *password,
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
  explicit_bzero(key, sizeof key);
  return CRYPTO_memcmp(proof, nt, 16) == 0 ? MC_LAB_NTLM_OK : MC_LAB_NTLM_DENIED;
}
