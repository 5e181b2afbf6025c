/*
 * dcerpc.c - DCE/RPC connection-oriented PDUs: common header, bind,
 * bind_ack, bind_nak, fault (see dcerpc.h).
 *
 * Layouts (C706 12.6, little-endian):
 *   header   vers u8, minor u8, ptype u8, pfc u8, drep[4], frag_len u16,
 *            auth_len u16, call_id u32                          (16 bytes)
 *   bind     max_xmit u16, max_recv u16, assoc_group u32, n_ctx u8, pad[3],
 *            then per context: id u16, n_transfer u8, pad u8, abstract
 *            syntax (20), n_transfer transfer syntaxes (20 each)
 *   bind_ack max_xmit u16, max_recv u16, assoc_group u32, sec_addr len u16
 *            + bytes, pad to 4 (from the PDU start), n_results u8, pad[3],
 *            then per result: result u16, reason u16, transfer syntax (20)
 *   bind_nak reject_reason u16, n_versions u8, (major u8, minor u8)...
 *   fault    alloc_hint u32, context id u16, cancel count u8, pad u8,
 *            status u32
 * The auth trailer, when auth_len is not 0, takes the last auth_len + 8
 * bytes of the fragment; the body must end before it.
 */
#include "wire/dcerpc.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/le.h"

#define MAX_FRAG_OFFER 4280
#define SYNTAX_LEN 20

const struct mc_dcerpc_iface mc_dcerpc_nspi = {
  "NSPI", "MS-OXNSPI", "F5CC5A18-4264-101A-8C59-08002B2F8426", 56, 0, 6004
};
const struct mc_dcerpc_iface mc_dcerpc_emsmdb = {
  "EMSMDB", "MS-OXCRPC", "A4F1DB00-CA47-1067-B31F-00DD010662DA", 0, 81, 6001
};
const struct mc_dcerpc_iface mc_dcerpc_rfr = {
  "RFR", "MS-OXABREF", "1544F5E0-613C-11D1-93DF-00C04FD7BD09", 1, 0, 6002
};
const struct mc_dcerpc_iface mc_dcerpc_ndr = {
  "NDR", "C706", "8A885D04-1CEB-11C9-9FE8-08002B104860", 2, 0, 0
};

static int hexval(int c)
{
  if(c >= '0' && c <= '9')
    return c - '0';
  c = tolower(c);
  return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

mc_code mc_dcerpc_uuid_parse(const char *text, unsigned char out[16])
{
  /* Groups of 8-4-4-4-12 hex digits; the first three are little-endian on
   * the wire, the last two are bytes in order. */
  static const int group[] = { 8, 4, 4, 4, 12 };
  unsigned char raw[16];
  size_t k = 0;
  const char *p = text;
  for(int g = 0; g < 5; g++) {
    for(int i = 0; i < group[g]; i += 2) {
      int hi = hexval((unsigned char)p[0]);
      int lo = hi < 0 ? -1 : hexval((unsigned char)p[1]);
      if(lo < 0)
        return MC_ERR_PARSE;
      raw[k++] = (unsigned char)(hi << 4 | lo);
      p += 2;
    }
    if(g < 4 && *p++ != '-')
      return MC_ERR_PARSE;
  }
  if(*p)
    return MC_ERR_PARSE;
  static const int order[16] = { 3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15 };
  for(int i = 0; i < 16; i++)
    out[i] = raw[order[i]];
  return MC_OK;
}

void mc_dcerpc_uuid_text(const unsigned char u[16], char *out, size_t outlen)
{
  snprintf(out, outlen,
           "%02X%02X%02X%02X-%02X%02X-%02X%02X-%02X%02X-%02X%02X%02X%02X%02X%02X",
           u[3], u[2], u[1], u[0], u[5], u[4], u[7], u[6], u[8], u[9], u[10], u[11], u[12],
           u[13], u[14], u[15]);
}

void mc_dcerpc_syntax_of(const struct mc_dcerpc_iface *i, struct mc_dcerpc_syntax *out)
{
  memset(out, 0, sizeof *out);
  if(mc_dcerpc_uuid_parse(i->uuid, out->uuid) != MC_OK)
    memset(out->uuid, 0, sizeof out->uuid);
  out->major = i->major;
  out->minor = i->minor;
}

bool mc_dcerpc_syntax_eq(const struct mc_dcerpc_syntax *a, const struct mc_dcerpc_syntax *b)
{
  return memcmp(a->uuid, b->uuid, 16) == 0 && a->major == b->major && a->minor == b->minor;
}

static void syntax_read(const unsigned char *p, struct mc_dcerpc_syntax *out)
{
  memcpy(out->uuid, p, 16);
  out->major = mc_le16(p + 16);
  out->minor = mc_le16(p + 18);
}

static mc_code syntax_write(struct mc_buf *b, const struct mc_dcerpc_syntax *s)
{
  mc_code rc = mc_buf_add(b, s->uuid, 16);
  if(!rc)
    rc = mc_buf_le16(b, s->major);
  if(!rc)
    rc = mc_buf_le16(b, s->minor);
  return rc;
}

mc_code mc_dcerpc_hdr_parse(const void *data, size_t n, struct mc_dcerpc_hdr *out)
{
  const unsigned char *p = data;
  memset(out, 0, sizeof *out);
  if(n < MC_DCERPC_HDR_LEN)
    return MC_ERR_PARSE;
  out->vers = p[0];
  out->vers_minor = p[1];
  out->ptype = p[2];
  out->pfc_flags = p[3];
  memcpy(out->drep, p + 4, 4);
  out->frag_len = mc_le16(p + 8);
  out->auth_len = mc_le16(p + 10);
  out->call_id = mc_le32(p + 12);
  if(out->vers != 5 || out->vers_minor > 1 || (out->drep[0] & 0xf0) != 0x10 ||
     out->frag_len < MC_DCERPC_HDR_LEN)
    return MC_ERR_PARSE;
  return MC_OK;
}

long mc_dcerpc_frame_len(const void *p, size_t n)
{
  struct mc_dcerpc_hdr h;
  if(n < MC_DCERPC_HDR_LEN)
    return 0;
  if(mc_dcerpc_hdr_parse(p, n, &h) != MC_OK)
    return -1;
  return h.frag_len;
}

const char *mc_dcerpc_ptype_name(unsigned ptype)
{
  static const char *const names[] = {
    [MC_DCERPC_REQUEST] = "request", [MC_DCERPC_RESPONSE] = "response",
    [MC_DCERPC_FAULT] = "fault", [MC_DCERPC_BIND] = "bind",
    [MC_DCERPC_BIND_ACK] = "bind_ack", [MC_DCERPC_BIND_NAK] = "bind_nak",
    [MC_DCERPC_ALTER_CONTEXT] = "alter_context",
    [MC_DCERPC_ALTER_CONTEXT_RESP] = "alter_context_resp",
    [MC_DCERPC_SHUTDOWN] = "shutdown", [MC_DCERPC_RTS] = "rts",
  };
  if(ptype < sizeof names / sizeof names[0] && names[ptype])
    return names[ptype];
  return "unknown";
}

static mc_code header_write(struct mc_buf *b, uint8_t ptype, uint32_t call_id)
{
  const unsigned char start[8] = { 5, 0, ptype, MC_DCERPC_PFC_FIRST | MC_DCERPC_PFC_LAST,
                                   0x10, 0, 0, 0 };
  mc_code rc = mc_buf_add(b, start, sizeof start);
  if(!rc)
    rc = mc_buf_le32(b, 0);                /* frag_len, auth_len: set at the end */
  if(!rc)
    rc = mc_buf_le32(b, call_id);
  return rc;
}

/* Writes the fragment length of the PDU that starts at base. */
static void finish_len(struct mc_buf *b, size_t base)
{
  size_t len = b->len - base;
  b->ptr[base + 8] = (char)(len & 0xff);
  b->ptr[base + 9] = (char)(len >> 8);
}

mc_code mc_dcerpc_bind_encode(struct mc_buf *out, uint32_t call_id,
                              const struct mc_dcerpc_syntax *abstract, size_t n)
{
  if(n == 0 || n > MC_DCERPC_MAX_CTX)
    return MC_ERR_USAGE;
  struct mc_dcerpc_syntax ndr;
  mc_dcerpc_syntax_of(&mc_dcerpc_ndr, &ndr);
  size_t base = out->len;
  mc_code rc = header_write(out, MC_DCERPC_BIND, call_id);
  if(!rc)
    rc = mc_buf_le16(out, MAX_FRAG_OFFER);
  if(!rc)
    rc = mc_buf_le16(out, MAX_FRAG_OFFER);
  if(!rc)
    rc = mc_buf_le32(out, 0);
  if(!rc)
    rc = mc_buf_le32(out, (uint32_t)n);   /* n_context_elem u8 + 3 reserved */
  for(size_t i = 0; !rc && i < n; i++) {
    rc = mc_buf_le16(out, (uint16_t)i);
    if(!rc)
      rc = mc_buf_le16(out, 1);            /* one transfer syntax, reserved 0 */
    if(!rc)
      rc = syntax_write(out, &abstract[i]);
    if(!rc)
      rc = syntax_write(out, &ndr);
  }
  if(!rc)
    finish_len(out, base);
  return rc;
}

/* The end of the PDU body: before the auth trailer, within n. */
static mc_code body_end(const struct mc_dcerpc_hdr *h, size_t n, size_t *end)
{
  if(h->frag_len > n)
    return MC_ERR_PARSE;
  size_t e = h->frag_len;
  if(h->auth_len) {
    size_t trailer = (size_t)h->auth_len + 8;
    if(trailer + MC_DCERPC_HDR_LEN > e)
      return MC_ERR_PARSE;
    e -= trailer;
  }
  *end = e;
  return MC_OK;
}

mc_code mc_dcerpc_bind_parse(const void *data, size_t n, struct mc_dcerpc_bind *out)
{
  const unsigned char *p = data;
  size_t end;
  memset(out, 0, sizeof *out);
  if(mc_dcerpc_hdr_parse(p, n, &out->hdr) != MC_OK ||
     (out->hdr.ptype != MC_DCERPC_BIND && out->hdr.ptype != MC_DCERPC_ALTER_CONTEXT) ||
     body_end(&out->hdr, n, &end) != MC_OK || end < 28)
    return MC_ERR_PARSE;
  out->max_xmit = mc_le16(p + 16);
  out->max_recv = mc_le16(p + 18);
  out->assoc_group = mc_le32(p + 20);
  size_t nctx = p[24];
  size_t off = 28;
  out->nctx = nctx;
  for(size_t i = 0; i < nctx; i++) {
    if(end - off < 4 + SYNTAX_LEN)
      return MC_ERR_PARSE;
    size_t nx = p[off + 2];
    if(nx == 0 || (end - off - 4 - SYNTAX_LEN) / SYNTAX_LEN < nx)
      return MC_ERR_PARSE;
    if(i < MC_DCERPC_MAX_CTX) {
      struct mc_dcerpc_ctx *c = &out->ctx[i];
      c->id = mc_le16(p + off);
      syntax_read(p + off + 4, &c->abstract);
      c->ntransfer = nx < MC_DCERPC_MAX_XFER ? nx : MC_DCERPC_MAX_XFER;
      for(size_t k = 0; k < c->ntransfer; k++)
        syntax_read(p + off + 4 + SYNTAX_LEN * (k + 1), &c->transfer[k]);
    }
    off += 4 + SYNTAX_LEN * (nx + 1);
  }
  if(out->nctx > MC_DCERPC_MAX_CTX)
    out->nctx = MC_DCERPC_MAX_CTX;
  return MC_OK;
}

static mc_code parse_bind_ack(const unsigned char *p, size_t end, struct mc_dcerpc_answer *out)
{
  if(end < 26)
    return MC_ERR_PARSE;
  out->max_xmit = mc_le16(p + 16);
  out->max_recv = mc_le16(p + 18);
  out->assoc_group = mc_le32(p + 20);
  size_t alen = mc_le16(p + 24);
  if(alen > end - 26)
    return MC_ERR_PARSE;
  size_t shown = alen && p[26 + alen - 1] == 0 ? alen - 1 : alen;
  char *text = mc_printable(p + 26, shown, sizeof out->sec_addr - 4);
  mc_strlcpy(out->sec_addr, text, sizeof out->sec_addr);
  free(text);
  size_t off = (26 + alen + 3) & ~(size_t)3;
  if(off + 4 > end)
    return MC_ERR_PARSE;
  size_t nres = p[off];
  off += 4;
  if((end - off) / (4 + SYNTAX_LEN) < nres)
    return MC_ERR_PARSE;
  out->nresults = nres < MC_DCERPC_MAX_CTX ? nres : MC_DCERPC_MAX_CTX;
  for(size_t i = 0; i < out->nresults; i++) {
    const unsigned char *r = p + off + i * (4 + SYNTAX_LEN);
    out->results[i].result = mc_le16(r);
    out->results[i].reason = mc_le16(r + 2);
    syntax_read(r + 4, &out->results[i].transfer);
  }
  return MC_OK;
}

mc_code mc_dcerpc_answer_parse(const void *data, size_t n, struct mc_dcerpc_answer *out)
{
  const unsigned char *p = data;
  size_t end;
  memset(out, 0, sizeof *out);
  if(mc_dcerpc_hdr_parse(p, n, &out->hdr) != MC_OK || body_end(&out->hdr, n, &end) != MC_OK)
    return MC_ERR_PARSE;
  switch(out->hdr.ptype) {
  case MC_DCERPC_BIND_ACK:
  case MC_DCERPC_ALTER_CONTEXT_RESP:
    return parse_bind_ack(p, end, out);
  case MC_DCERPC_BIND_NAK:
    if(end < 18)
      return MC_ERR_PARSE;
    out->reject_reason = mc_le16(p + 16);
    return MC_OK;
  case MC_DCERPC_FAULT:
    if(end < 28)
      return MC_ERR_PARSE;
    out->status = mc_le32(p + 24);
    return MC_OK;
  default:
    return MC_ERR_PARSE;
  }
}

mc_code mc_dcerpc_bind_ack_encode(struct mc_buf *out, uint32_t call_id, uint32_t assoc_group,
                                  const char *sec_addr, const struct mc_dcerpc_result *res,
                                  size_t n)
{
  if(n > 255)
    return MC_ERR_USAGE;
  size_t base = out->len;
  size_t alen = sec_addr && *sec_addr ? strlen(sec_addr) + 1 : 0;
  if(alen > 0xffff)
    return MC_ERR_USAGE;
  mc_code rc = header_write(out, MC_DCERPC_BIND_ACK, call_id);
  if(!rc)
    rc = mc_buf_le16(out, MAX_FRAG_OFFER);
  if(!rc)
    rc = mc_buf_le16(out, MAX_FRAG_OFFER);
  if(!rc)
    rc = mc_buf_le32(out, assoc_group);
  if(!rc)
    rc = mc_buf_le16(out, (uint16_t)alen);
  if(!rc && alen)
    rc = mc_buf_add(out, sec_addr, alen);
  while(!rc && (out->len - base) % 4)
    rc = mc_buf_addch(out, 0);
  if(!rc)
    rc = mc_buf_le32(out, (uint32_t)n);
  for(size_t i = 0; !rc && i < n; i++) {
    rc = mc_buf_le16(out, res[i].result);
    if(!rc)
      rc = mc_buf_le16(out, res[i].reason);
    if(!rc)
      rc = syntax_write(out, &res[i].transfer);
  }
  if(!rc)
    finish_len(out, base);
  return rc;
}

mc_code mc_dcerpc_bind_nak_encode(struct mc_buf *out, uint32_t call_id, uint16_t reason)
{
  size_t base = out->len;
  static const unsigned char versions[4] = { 1, 5, 0, 0 };  /* one version: 5.0, pad */
  mc_code rc = header_write(out, MC_DCERPC_BIND_NAK, call_id);
  if(!rc)
    rc = mc_buf_le16(out, reason);
  if(!rc)
    rc = mc_buf_add(out, versions, sizeof versions);
  if(!rc)
    finish_len(out, base);
  return rc;
}

const char *mc_dcerpc_result_text(uint16_t result)
{
  static const char *const t[] = { "acceptance", "user_rejection", "provider_rejection" };
  return result < 3 ? t[result] : "unknown result";
}

const char *mc_dcerpc_reason_text(uint16_t reason)
{
  static const char *const t[] = {
    "reason_not_specified", "abstract_syntax_not_supported",
    "proposed_transfer_syntaxes_not_supported", "local_limit_exceeded"
  };
  return reason < 4 ? t[reason] : "unknown reason";
}

const char *mc_dcerpc_nak_text(uint16_t reason)
{
  static const char *const t[] = {
    "reason_not_specified", "temporary_congestion", "local_limit_exceeded",
    "called_paddr_unknown", "protocol_version_not_supported",
    "default_context_not_supported", "user_data_not_readable", "no_psap_available",
    "authentication_type_not_recognized", "invalid_checksum"
  };
  return reason < 10 ? t[reason] : "unknown reason";
}
