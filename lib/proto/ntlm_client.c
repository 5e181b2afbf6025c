/*
 * ntlm_client.c - the client's NTLM messages (MS-NLMP): the Type 1 and an
 * NTLMv2 Type 3 as Windows sends it under Extended Protection, and the
 * channel binding token of RFC 5929. A pure codec: no I/O, no clock, no
 * randomness (the caller gives the client challenge, the session key and
 * the time), so the MS-NLMP 4.2.4 worked examples are reproducible.
 *
 * NTLMv2 (MS-NLMP 3.3.2): ResponseKeyNT = NTOWFv2(password, user, domain);
 * temp = 0x01 0x01 Z(6) Time ClientChallenge Z(4) AVPairs Z(4);
 * NTProofStr = HMAC_MD5(ResponseKeyNT, ServerChallenge . temp);
 * SessionBaseKey = HMAC_MD5(ResponseKeyNT, NTProofStr) (= KeyExchangeKey);
 * with KEY_EXCH the exported key is the caller's random key, sent RC4-
 * encrypted under KeyExchangeKey; MIC = HMAC_MD5(ExportedSessionKey,
 * Type1 . Type2 . Type3 with the MIC field zero).
 *
 * Invariants: every copy of the password, the NT hash and the keys is
 * wiped before return; nothing here logs or keeps them.
 */
#include "proto/ntlm.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/x509.h>

#include "util/md4.h"
#include "util/secret.h"

#define AV_EOL 0
#define AV_FLAGS 6
#define AV_TARGET_NAME 9
#define AV_CHANNEL_BINDINGS 10
#define AV_FLAG_MIC 0x00000002u

#define T3_HEADER 88                 /* with Version and MIC */
#define T3_MIC_AT 72
#define MSG_MAX 8192

/* What the client asks for in its Type 1 (Windows' HTTP client set). */
#define CLIENT_FLAGS (MC_NTLM_UNICODE | MC_NTLM_REQUEST_TARGET | MC_NTLM_NTLM | \
                      MC_NTLM_ALWAYS_SIGN | MC_NTLM_ESS | MC_NTLM_VERSION | MC_NTLM_128 | \
                      MC_NTLM_KEY_EXCH | MC_NTLM_56)

static void put16(struct mc_buf *b, unsigned v)
{
  unsigned char c[2] = { (unsigned char)(v & 0xff), (unsigned char)((v >> 8) & 0xff) };
  mc_buf_add(b, c, 2);
}

static void put32(struct mc_buf *b, uint32_t v)
{
  put16(b, v & 0xffff);
  put16(b, v >> 16);
}

static void set16(unsigned char *p, unsigned v)
{
  p[0] = (unsigned char)(v & 0xff);
  p[1] = (unsigned char)((v >> 8) & 0xff);
}

static void set32(unsigned char *p, uint32_t v)
{
  set16(p, v & 0xffff);
  set16(p + 2, v >> 16);
}

static uint16_t le16(const unsigned char *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t le32(const unsigned char *p)
{
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* UTF-8 to UTF-16LE (BMP and surrogate pairs); invalid bytes become U+FFFD. */
static void put_utf16(struct mc_buf *b, const char *s, bool upper)
{
  const unsigned char *p = (const unsigned char *)s;
  while(*p) {
    uint32_t c = *p++;
    int more = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;
    if(c >= 0x80 && c < 0xc0)
      c = 0xfffd;
    else if(more)
      c &= 0x3fu >> more;
    for(; more; more--) {
      if((*p & 0xc0) != 0x80) {
        c = 0xfffd;
        break;
      }
      c = c << 6 | (*p++ & 0x3f);
    }
    if(upper && c < 0x80)
      c = (uint32_t)toupper((int)c);
    if(c >= 0x10000) {
      c -= 0x10000;
      put16(b, 0xd800 | (c >> 10));
      put16(b, 0xdc00 | (c & 0x3ff));
    }
    else
      put16(b, c);
  }
}

static void wipe(struct mc_buf *b)
{
  if(b->ptr)
    OPENSSL_cleanse(b->ptr, b->cap);
  mc_buf_release(b);
}

static void hmac_md5(const unsigned char *key, size_t klen, const void *p, size_t n,
                     unsigned char out[16])
{
  unsigned int olen = 16;
  if(!HMAC(EVP_md5(), key, (int)klen, p, n, out, &olen))
    memset(out, 0, 16);
}

void mc_ntlm_ntowfv2(const char *password, const char *user, const char *domain,
                     unsigned char out[16])
{
  /* Sized once, locked (UTF-16 takes at most twice the UTF-8 bytes): a buffer
   * that grew would leave copies of the password in freed memory. */
  size_t cap = 2 * (strlen(password) + strlen(user) + strlen(domain)) + 8;
  struct mc_buf b = { mc_secret_alloc(cap), 0, cap, cap - 1 };
  put_utf16(&b, password, false);
  unsigned char nt[16];
  mc_md4(b.ptr ? b.ptr : "", b.len, nt);
  mc_buf_reset(&b);
  put_utf16(&b, user, true);
  put_utf16(&b, domain, false);
  hmac_md5(nt, 16, b.ptr ? b.ptr : "", b.len, out);
  OPENSSL_cleanse(nt, sizeof nt);
  mc_secret_free(b.ptr, b.cap);   /* wiped, unlocked, freed */
}

/* RC4 for the one 16-byte key exchange (OpenSSL 3 keeps RC4 in its legacy
 * provider only). */
static void rc4(const unsigned char *key, size_t klen, const unsigned char *in,
                unsigned char *out, size_t n)
{
  unsigned char s[256];
  for(unsigned i = 0; i < 256; i++)
    s[i] = (unsigned char)i;
  for(unsigned i = 0, j = 0; i < 256; i++) {
    j = (j + s[i] + key[i % klen]) & 0xff;
    unsigned char t = s[i];
    s[i] = s[j];
    s[j] = t;
  }
  for(size_t k = 0, i = 0, j = 0; k < n; k++) {
    i = (i + 1) & 0xff;
    j = (j + s[i]) & 0xff;
    unsigned char t = s[i];
    s[i] = s[j];
    s[j] = t;
    out[k] = in[k] ^ s[(s[i] + s[j]) & 0xff];
  }
  OPENSSL_cleanse(s, sizeof s);
}

void mc_ntlm_negotiate(struct mc_buf *out)
{
  mc_buf_add(out, "NTLMSSP\0", 8);
  put32(out, 1);
  put32(out, CLIENT_FLAGS);
  put32(out, 0);                  /* domain: empty */
  put32(out, 40);
  put32(out, 0);                  /* workstation: empty */
  put32(out, 40);
  /* Version: 10.0 build 17763, NTLM revision 15 (what it claims, not us). */
  static const unsigned char ver[8] = { 10, 0, 0x63, 0x45, 0, 0, 0, 15 };
  mc_buf_add(out, ver, sizeof ver);
}

/* The AV pairs the response carries: the server's, MsvAvFlags with the
 * MIC bit, the channel binding and the target name, then MsvAvEOL. */
static void client_av(const struct mc_ntlm_auth_params *a, const struct mc_ntlm_info *ch,
                      struct mc_buf *out, struct mc_ntlm_sent *sent)
{
  const unsigned char *p = ch->target_info;
  size_t left = ch->target_info_len;
  uint32_t flags = 0;
  while(left >= 4) {
    uint16_t id = le16(p), len = le16(p + 2);
    if(id == AV_FLAGS && len == 4)
      flags = le32(p + 4);
    else if(a->plain_av || (id != AV_FLAGS && id != AV_TARGET_NAME &&
                            id != AV_CHANNEL_BINDINGS))
      mc_buf_add(out, p, 4 + (size_t)len);
    p += 4 + len;
    left -= 4 + (size_t)len;
  }
  if(!a->plain_av) {
    sent->mic = ch->has_timestamp;
    if(sent->mic)
      flags |= AV_FLAG_MIC;
    if(flags) {
      put16(out, AV_FLAGS);
      put16(out, 4);
      put32(out, flags);
    }
    if(a->cbt) {
      put16(out, AV_CHANNEL_BINDINGS);
      put16(out, 16);
      mc_buf_add(out, a->cbt, 16);
      sent->cbt = true;
    }
    if(a->spn && *a->spn) {
      struct mc_buf t = MC_BUF_INIT(1024);
      put_utf16(&t, a->spn, false);
      put16(out, AV_TARGET_NAME);
      put16(out, (unsigned)t.len);
      mc_buf_add(out, t.ptr, t.len);
      mc_buf_release(&t);
      sent->spn = true;
    }
  }
  put32(out, 0);                  /* MsvAvEOL, length 0 */
}

/* One payload field (len, maxlen, offset) at hdr[at], its bytes appended. */
static void field(unsigned char *hdr, size_t at, struct mc_buf *payload, const void *p,
                  size_t n)
{
  set16(hdr + at, (unsigned)n);
  set16(hdr + at + 2, (unsigned)n);
  set32(hdr + at + 4, (uint32_t)(T3_HEADER + payload->len));
  if(n)
    mc_buf_add(payload, p, n);
}

/* The NTLMv2 client blob (MS-NLMP 2.2.2.7): version, the timestamp (the
 * challenge's, else the caller's), the client challenge, the AV pairs. */
static void ntlmv2_blob(const struct mc_ntlm_auth_params *a, const struct mc_ntlm_info *ch,
                        struct mc_buf *blob, struct mc_ntlm_sent *sent)
{
  uint64_t t = ch->has_timestamp ? ch->timestamp : a->time;
  static const unsigned char head[8] = { 1, 1, 0, 0, 0, 0, 0, 0 };
  mc_buf_add(blob, head, 8);
  put32(blob, (uint32_t)t);
  put32(blob, (uint32_t)(t >> 32));
  mc_buf_add(blob, a->client_challenge, 8);
  put32(blob, 0);
  client_av(a, ch, blob, sent);
  put32(blob, 0);
}

/* "DOMAIN\user" or a UPN (domain empty, as Windows sends it). */
static void split_user(const char *login, char *domain, size_t dlen, char *user, size_t ulen)
{
  const char *bs = strchr(login, '\\');
  if(bs) {
    snprintf(domain, dlen, "%.*s", (int)(bs - login), login);
    snprintf(user, ulen, "%s", bs + 1);
  }
  else
    snprintf(user, ulen, "%s", login);
}

mc_code mc_ntlm_authenticate(const struct mc_ntlm_auth_params *a, const unsigned char *t1,
                             size_t n1, const unsigned char *t2, size_t n2,
                             const struct mc_ntlm_info *ch, struct mc_buf *out,
                             struct mc_ntlm_sent *sent)
{
  memset(sent, 0, sizeof *sent);
  if(!(ch->flags & MC_NTLM_UNICODE) || !ch->target_info_len)
    return MC_ERR_USAGE;
  char domain[256] = "", user[256];
  split_user(a->user, domain, sizeof domain, user, sizeof user);
  uint32_t flags = ch->flags & CLIENT_FLAGS;
  flags |= MC_NTLM_UNICODE | MC_NTLM_NTLM;
  sent->flags = flags;
  sent->key_exch = flags & MC_NTLM_KEY_EXCH;

  unsigned char key[16], proof[16], base[16], exported[16], enc[16], lm[24];
  mc_ntlm_ntowfv2(a->password, user, domain, key);

  struct mc_buf blob = MC_BUF_INIT(MSG_MAX);
  ntlmv2_blob(a, ch, &blob, sent);

  struct mc_buf m = MC_BUF_INIT(MSG_MAX);
  mc_buf_add(&m, ch->server_challenge, 8);
  mc_buf_add(&m, blob.ptr, blob.len);
  hmac_md5(key, 16, m.ptr, m.len, proof);
  hmac_md5(key, 16, proof, 16, base);
  /* LMv2: Z(24) when the challenge carries a timestamp (MS-NLMP 3.1.5.1.2). */
  memset(lm, 0, sizeof lm);
  if(!ch->has_timestamp) {
    mc_buf_reset(&m);
    mc_buf_add(&m, ch->server_challenge, 8);
    mc_buf_add(&m, a->client_challenge, 8);
    hmac_md5(key, 16, m.ptr, m.len, lm);
    memcpy(lm + 16, a->client_challenge, 8);
  }
  if(sent->key_exch) {
    memcpy(exported, a->session_key, 16);
    rc4(base, 16, exported, enc, 16);
  }
  else
    memcpy(exported, base, 16);

  unsigned char hdr[T3_HEADER];
  memset(hdr, 0, sizeof hdr);
  memcpy(hdr, "NTLMSSP\0", 8);
  set32(hdr + 8, 3);
  struct mc_buf payload = MC_BUF_INIT(MSG_MAX);
  struct mc_buf u = MC_BUF_INIT(1024);
  field(hdr, 12, &payload, lm, 24);
  mc_buf_reset(&m);
  mc_buf_add(&m, proof, 16);
  mc_buf_add(&m, blob.ptr, blob.len);
  field(hdr, 20, &payload, m.ptr, m.len);
  put_utf16(&u, domain, false);
  field(hdr, 28, &payload, u.ptr, u.len);
  mc_buf_reset(&u);
  put_utf16(&u, user, false);
  field(hdr, 36, &payload, u.ptr, u.len);
  field(hdr, 44, &payload, NULL, 0);          /* workstation: none */
  field(hdr, 52, &payload, enc, sent->key_exch ? 16 : 0);
  set32(hdr + 60, flags);
  static const unsigned char ver[8] = { 10, 0, 0x63, 0x45, 0, 0, 0, 15 };
  memcpy(hdr + 64, ver, 8);
  mc_code rc = MC_OK;
  mc_buf_reset(out);
  if(mc_buf_add(out, hdr, sizeof hdr) || mc_buf_add(out, payload.ptr, payload.len)) {
    rc = MC_ERR_LIMIT;
    goto out;
  }
  if(sent->mic) {
    mc_buf_reset(&m);
    mc_buf_add(&m, t1, n1);
    mc_buf_add(&m, t2, n2);
    mc_buf_add(&m, out->ptr, out->len);
    unsigned char mic[16];
    hmac_md5(exported, 16, m.ptr, m.len, mic);
    memcpy(out->ptr + T3_MIC_AT, mic, 16);
  }
out:
  OPENSSL_cleanse(key, sizeof key);
  OPENSSL_cleanse(base, sizeof base);
  OPENSSL_cleanse(exported, sizeof exported);
  OPENSSL_cleanse(enc, sizeof enc);
  wipe(&m);
  wipe(&blob);
  wipe(&payload);
  mc_buf_release(&u);
  return rc;
}

mc_code mc_ntlm_channel_binding(const unsigned char *der, size_t n, unsigned char out[16],
                                char *hash_name, size_t namelen, char *hash_hex,
                                size_t hexlen)
{
  const unsigned char *p = der;
  X509 *x = d2i_X509(NULL, &p, (long)n);
  if(!x)
    return MC_ERR_PARSE;
  int mdnid = NID_undef;
  mc_code rc = MC_OK;
  if(!X509_get_signature_info(x, &mdnid, NULL, NULL, NULL) || mdnid == NID_undef) {
    rc = MC_ERR_USAGE;
    goto out;
  }
  /* RFC 5929 sec. 4.1: MD5 and SHA-1 are replaced by SHA-256. */
  if(mdnid == NID_md5 || mdnid == NID_sha1 || mdnid == NID_md5_sha1)
    mdnid = NID_sha256;
  const EVP_MD *md = EVP_get_digestbynid(mdnid);
  unsigned char h[EVP_MAX_MD_SIZE];
  unsigned int hlen = 0;
  if(!md || X509_digest(x, md, h, &hlen) != 1) {
    rc = MC_ERR_USAGE;
    goto out;
  }
  /* gss_channel_bindings_struct: no addresses, then the application data. */
  static const char prefix[] = "tls-server-end-point:";
  unsigned char s[20 + sizeof prefix - 1 + EVP_MAX_MD_SIZE];
  memset(s, 0, 16);
  set32(s + 16, (uint32_t)(sizeof prefix - 1 + hlen));
  memcpy(s + 20, prefix, sizeof prefix - 1);
  memcpy(s + 20 + sizeof prefix - 1, h, hlen);
  unsigned int olen = 16;
  if(EVP_Digest(s, 20 + sizeof prefix - 1 + hlen, out, &olen, EVP_md5(), NULL) != 1) {
    rc = MC_ERR_INTERNAL;
    goto out;
  }
  if(namelen)
    snprintf(hash_name, namelen, "%s", OBJ_nid2sn(mdnid));
  if(hexlen) {
    size_t k = 0;
    hash_hex[0] = '\0';
    for(unsigned i = 0; i < hlen && k + 3 <= hexlen; i++)
      k += (size_t)snprintf(hash_hex + k, hexlen - k, "%02x", h[i]);
  }
out:
  X509_free(x);
  return rc;
}
