/*
 * ntlm.c - decoding NTLM Type 2 (challenge) messages for evidence.
 *
 * Layout (MS-NLMP 2.2.1.2): "NTLMSSP\0", type 2, TargetNameFields (len,
 * maxlen, offset), NegotiateFlags, ServerChallenge[8], Reserved[8],
 * TargetInfoFields, Version[8] (when NEGOTIATE_VERSION), then the payload.
 * TargetInfo is a list of AV pairs (id u16, len u16, value) ending with
 * MsvAvEOL. Every offset and length is checked against the message.
 */
#include "proto/ntlm.h"

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

mc_code mc_ntlm_challenge_parse(const unsigned char *p, size_t n, struct mc_ntlm_info *out)
{
  memset(out, 0, sizeof *out);
  if(n < 48 || memcmp(p, "NTLMSSP\0", 8) != 0 || le32(p + 8) != 2)
    return MC_ERR_PARSE;
  uint16_t tlen = le16(p + 12);
  uint32_t toff = le32(p + 16);
  out->flags = le32(p + 20);
  uint16_t ilen = le16(p + 40);
  uint32_t ioff = le32(p + 44);
  bool unicode = out->flags & FLAG_UNICODE;
  if(toff > n || tlen > n - toff || ioff > n || ilen > n - ioff)
    return MC_ERR_PARSE;
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
      return MC_ERR_PARSE;
    const unsigned char *v = a + 4;
    switch(id) {
    case AV_EOL: left = 0; continue;
    case AV_NB_COMPUTER: text_of(v, len, true, out->nb_computer, sizeof out->nb_computer); break;
    case AV_NB_DOMAIN: text_of(v, len, true, out->nb_domain, sizeof out->nb_domain); break;
    case AV_DNS_COMPUTER:
      text_of(v, len, true, out->dns_computer, sizeof out->dns_computer);
      break;
    case AV_DNS_DOMAIN: text_of(v, len, true, out->dns_domain, sizeof out->dns_domain); break;
    case AV_TIMESTAMP: out->has_timestamp = len == 8; break;
    default: break;
    }
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
  if(!rc)
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
