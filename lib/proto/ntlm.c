/*
 * ntlm.c - decoding NTLM Type 2 (challenge) messages for evidence.
 *
 * Layout (MS-NLMP 2.2.1.2): "NTLMSSP\0", type 2, TargetNameFields (len,
 * maxlen, offset), NegotiateFlags, ServerChallenge[8], Reserved[8],
 * TargetInfoFields, Version[8] (when NEGOTIATE_VERSION), then the payload.
 * TargetInfo is a list of AV pairs (id u16, len u16, value) ending with
 * MsvAvEOL. Every offset and length is checked against the message; a
 * refusal says which field was out of bounds (a device that mangles the
 * WWW-Authenticate header is told apart from a wrong password that way).
 */
#include "proto/ntlm.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/base64.h"

#define NTLM_MAX 4096

enum {
  AV_EOL = 0, AV_NB_COMPUTER = 1, AV_NB_DOMAIN = 2, AV_DNS_COMPUTER = 3,
  AV_DNS_DOMAIN = 4, AV_TIMESTAMP = 7
};

#define FLAG_UNICODE 0x00000001u
#define FLAG_VERSION 0x02000000u

static uint16_t le16(const unsigned char *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t le32(const unsigned char *p)
{
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* UTF-16LE (or OEM) bytes to printable text: ASCII kept, the rest '?'. */
static void text_of(const unsigned char *p, size_t n, bool unicode, char *out, size_t outlen)
{
  size_t k = 0;
  size_t step = unicode ? 2 : 1;
  for(size_t i = 0; i + step <= n && k + 1 < outlen; i += step) {
    unsigned c = unicode ? le16(p + i) : p[i];
    out[k++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
  }
  out[k] = '\0';
}

static mc_code refuse(struct mc_ntlm_info *out, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static mc_code refuse(struct mc_ntlm_info *out, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(out->error, sizeof out->error, fmt, ap);
  va_end(ap);
  return MC_ERR_PARSE;
}

mc_code mc_ntlm_challenge_parse(const unsigned char *p, size_t n, struct mc_ntlm_info *out)
{
  memset(out, 0, sizeof *out);
  if(n < 8 || memcmp(p, "NTLMSSP\0", 8) != 0)
    return refuse(out, "not an NTLM message (no NTLMSSP signature)");
  if(n < 12 || le32(p + 8) != 2)
    return refuse(out, "not a challenge (message type %u)", n < 12 ? 0u : (unsigned)le32(p + 8));
  if(n < 48)
    return refuse(out, "a challenge of %zu bytes, shorter than its 48-byte header", n);
  uint16_t tlen = le16(p + 12);
  uint32_t toff = le32(p + 16);
  out->flags = le32(p + 20);
  memcpy(out->server_challenge, p + 24, 8);
  uint16_t ilen = le16(p + 40);
  uint32_t ioff = le32(p + 44);
  bool unicode = out->flags & FLAG_UNICODE;
  if(toff > n || tlen > n - toff)
    return refuse(out, "TargetName (offset %u, length %u) points outside the %zu-byte message",
                  (unsigned)toff, (unsigned)tlen, n);
  if(ioff > n || ilen > n - ioff)
    return refuse(out, "TargetInfo (offset %u, length %u) points outside the %zu-byte message",
                  (unsigned)ioff, (unsigned)ilen, n);
  text_of(p + toff, tlen, unicode, out->target, sizeof out->target);
  if((out->flags & FLAG_VERSION) && n >= 56) {
    out->has_version = true;
    out->os_major = p[48];
    out->os_minor = p[49];
    out->os_build = le16(p + 50);
  }
  const unsigned char *a = p + ioff;
  size_t left = ilen;
  while(left >= 4) {
    uint16_t id = le16(a), len = le16(a + 2);
    if(len > left - 4)
      return refuse(out, "TargetInfo pair %u (length %u) runs past the target info", id, len);
    const unsigned char *v = a + 4;
    switch(id) {
    case AV_EOL: left = 0; continue;
    case AV_NB_COMPUTER: text_of(v, len, true, out->nb_computer, sizeof out->nb_computer); break;
    case AV_NB_DOMAIN: text_of(v, len, true, out->nb_domain, sizeof out->nb_domain); break;
    case AV_DNS_COMPUTER:
      text_of(v, len, true, out->dns_computer, sizeof out->dns_computer);
      break;
    case AV_DNS_DOMAIN: text_of(v, len, true, out->dns_domain, sizeof out->dns_domain); break;
    case AV_TIMESTAMP:
      out->has_timestamp = len == 8;
      if(len == 8)
        out->timestamp = (uint64_t)le32(v) | (uint64_t)le32(v + 4) << 32;
      break;
    default: break;
    }
    if(4 + (size_t)len > sizeof out->target_info - out->target_info_len)
      return refuse(out, "TargetInfo longer than %zu bytes", sizeof out->target_info);
    memcpy(out->target_info + out->target_info_len, a, 4 + (size_t)len);
    out->target_info_len += 4 + (size_t)len;
    a += 4 + len;
    left -= 4 + (size_t)len;
  }
  return MC_OK;
}

mc_code mc_ntlm_challenge_parse_b64(const char *token, struct mc_ntlm_info *out)
{
  memset(out, 0, sizeof *out);
  size_t n = strcspn(token, " ,");
  struct mc_buf raw = MC_BUF_INIT(NTLM_MAX);
  mc_code rc = mc_base64_decode(&raw, token, n);
  if(rc)
    snprintf(out->error, sizeof out->error, "the challenge is not valid base64 of at most %d "
             "bytes", NTLM_MAX);
  else
    rc = mc_ntlm_challenge_parse((const unsigned char *)raw.ptr, raw.len, out);
  mc_buf_release(&raw);
  return rc;
}

void mc_ntlm_negotiate_b64(struct mc_buf *out)
{
  /* Flags: UNICODE | OEM | REQUEST_TARGET | NTLM | ALWAYS_SIGN |
   * EXTENDED_SESSIONSECURITY | 128 | 56: what a plain client offers. */
  static const unsigned char msg[32] = {
    'N', 'T', 'L', 'M', 'S', 'S', 'P', 0, 1, 0, 0, 0,
    0x07, 0x82, 0x08, 0xa0,
    0, 0, 0, 0, 0, 0, 0, 0,   /* domain: empty */
    0, 0, 0, 0, 0, 0, 0, 0    /* workstation: empty */
  };
  mc_base64_encode(out, msg, sizeof msg);
}
