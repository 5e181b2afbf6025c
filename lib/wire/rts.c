/*
 * rts.c - RTS PDUs of RPC over HTTP v2 (see rts.h for the invariants).
 *
 * The command table below is the one source of command sizes: the decoder
 * walks it and the encoder writes from it. Sizes are the bodies after the
 * 4-byte CommandType (MS-RPCH 2.2.3.5): Padding is 4 + its count,
 * ClientAddress is 4 + (4 or 16) + 12 by its address type.
 */
#include "wire/rts.h"

#include <stdio.h>
#include <string.h>

#include "wire/dcerpc.h"
#include "util/le.h"

enum body { B_U32, B_FCACK, B_COOKIE, B_NONE, B_PADDING, B_ADDRESS };

static const struct {
  const char *name;
  enum body body;
} cmd_table[] = {
  [MC_RTS_RECEIVE_WINDOW_SIZE] = { "ReceiveWindowSize", B_U32 },
  [MC_RTS_FLOW_CONTROL_ACK] = { "FlowControlAck", B_FCACK },
  [MC_RTS_CONNECTION_TIMEOUT] = { "ConnectionTimeout", B_U32 },
  [MC_RTS_COOKIE] = { "Cookie", B_COOKIE },
  [MC_RTS_CHANNEL_LIFETIME] = { "ChannelLifetime", B_U32 },
  [MC_RTS_CLIENT_KEEPALIVE] = { "ClientKeepalive", B_U32 },
  [MC_RTS_VERSION] = { "Version", B_U32 },
  [MC_RTS_EMPTY] = { "Empty", B_NONE },
  [MC_RTS_PADDING] = { "Padding", B_PADDING },
  [MC_RTS_NEGATIVE_ANCE] = { "NegativeANCE", B_NONE },
  [MC_RTS_ANCE] = { "ANCE", B_NONE },
  [MC_RTS_CLIENT_ADDRESS] = { "ClientAddress", B_ADDRESS },
  [MC_RTS_ASSOCIATION_GROUP_ID] = { "AssociationGroupId", B_COOKIE },
  [MC_RTS_DESTINATION] = { "Destination", B_U32 },
  [MC_RTS_PING_TRAFFIC_SENT_NOTIFY] = { "PingTrafficSentNotify", B_U32 },
};
#define NTYPES (sizeof cmd_table / sizeof cmd_table[0])

const char *mc_rts_cmd_name(uint32_t type)
{
  return type < NTYPES ? cmd_table[type].name : "unknown";
}

/* Reads one command body at p (left bytes) into c; its size into *used.
 * False when it does not fit. */
static bool read_cmd(const unsigned char *p, size_t left, struct mc_rts_cmd *c, size_t *used)
{
  size_t need = 0;
  switch(cmd_table[c->type].body) {
  case B_U32:
    need = 4;
    if(left >= need)
      c->value = mc_le32(p);
    break;
  case B_FCACK:
    need = 24;
    if(left >= need) {
      c->bytes_received = mc_le32(p);
      c->available_window = mc_le32(p + 4);
      memcpy(c->cookie, p + 8, 16);
    }
    break;
  case B_COOKIE:
    need = 16;
    if(left >= need)
      memcpy(c->cookie, p, 16);
    break;
  case B_NONE:
    break;
  case B_PADDING:
    if(left < 4)
      return false;
    c->value = mc_le32(p);
    if(c->value > left - 4)
      return false;
    need = 4 + (size_t)c->value;
    break;
  case B_ADDRESS:
    if(left < 4)
      return false;
    c->value = mc_le32(p);
    if(c->value > 1)
      return false;
    need = 4 + (c->value ? 16 : 4) + 12;
    if(left >= need)
      memcpy(c->cookie, p + 4, c->value ? 16 : 4);
    break;
  }
  *used = need;
  return left >= need;
}

mc_code mc_rts_parse(const void *data, size_t n, struct mc_rts_pdu *out)
{
  const unsigned char *p = data;
  struct mc_dcerpc_hdr h;
  memset(out, 0, sizeof *out);
  if(mc_dcerpc_hdr_parse(p, n, &h) != MC_OK || h.ptype != MC_DCERPC_RTS ||
     h.frag_len < MC_RTS_HDR_LEN || h.frag_len > n || h.auth_len != 0)
    return MC_ERR_PARSE;
  out->frag_len = h.frag_len;
  out->flags = mc_le16(p + 16);
  out->ncmds = mc_le16(p + 18);
  if(out->ncmds > MC_RTS_MAX_CMDS)
    return MC_ERR_PARSE;
  size_t off = MC_RTS_HDR_LEN;
  for(size_t i = 0; i < out->ncmds; i++) {
    struct mc_rts_cmd *c = &out->cmds[i];
    if(h.frag_len - off < 4)
      return MC_ERR_PARSE;
    c->type = mc_le32(p + off);
    off += 4;
    if(c->type >= NTYPES)
      return MC_ERR_PARSE;
    size_t used;
    if(!read_cmd(p + off, h.frag_len - off, c, &used))
      return MC_ERR_PARSE;
    off += used;
  }
  return off == h.frag_len ? MC_OK : MC_ERR_PARSE;
}

static mc_code write_cmd(struct mc_buf *b, const struct mc_rts_cmd *c)
{
  if(c->type >= NTYPES)
    return MC_ERR_USAGE;
  mc_code rc = mc_buf_le32(b, c->type);
  if(rc)
    return rc;
  switch(cmd_table[c->type].body) {
  case B_U32:
    return mc_buf_le32(b, c->value);
  case B_FCACK:
    rc = mc_buf_le32(b, c->bytes_received);
    if(!rc)
      rc = mc_buf_le32(b, c->available_window);
    return rc ? rc : mc_buf_add(b, c->cookie, 16);
  case B_COOKIE:
    return mc_buf_add(b, c->cookie, 16);
  case B_NONE:
    return MC_OK;
  case B_PADDING:
    if(c->value > 4096)
      return MC_ERR_USAGE;
    rc = mc_buf_le32(b, c->value);
    for(uint32_t i = 0; !rc && i < c->value; i++)
      rc = mc_buf_addch(b, 0);
    return rc;
  case B_ADDRESS: {
    static const unsigned char pad[12];
    rc = mc_buf_le32(b, c->value ? 1 : 0);
    if(!rc)
      rc = mc_buf_add(b, c->cookie, c->value ? 16 : 4);
    return rc ? rc : mc_buf_add(b, pad, sizeof pad);
  }
  }
  return MC_ERR_USAGE;
}

mc_code mc_rts_encode(struct mc_buf *out, uint16_t flags, const struct mc_rts_cmd *cmds,
                      size_t n)
{
  static const unsigned char start[8] = { 5, 0, MC_DCERPC_RTS,
                                          MC_DCERPC_PFC_FIRST | MC_DCERPC_PFC_LAST,
                                          0x10, 0, 0, 0 };
  if(n > MC_RTS_MAX_CMDS)
    return MC_ERR_USAGE;
  size_t base = out->len;
  mc_code rc = mc_buf_add(out, start, sizeof start);
  if(!rc)
    rc = mc_buf_le32(out, 0);          /* frag_length, auth_length: below */
  if(!rc)
    rc = mc_buf_le32(out, 0);          /* call_id: always 0 */
  if(!rc)
    rc = mc_buf_le16(out, flags);
  if(!rc)
    rc = mc_buf_le16(out, (uint16_t)n);
  for(size_t i = 0; !rc && i < n; i++)
    rc = write_cmd(out, &cmds[i]);
  if(rc)
    return rc;
  size_t len = out->len - base;
  if(len > 0xffff)
    return MC_ERR_LIMIT;
  out->ptr[base + 8] = (char)(len & 0xff);
  out->ptr[base + 9] = (char)(len >> 8);
  return MC_OK;
}

static struct mc_rts_cmd u32cmd(uint32_t type, uint32_t value)
{
  struct mc_rts_cmd c = { .type = type, .value = value };
  return c;
}

static struct mc_rts_cmd cookiecmd(uint32_t type, const unsigned char cookie[16])
{
  struct mc_rts_cmd c = { .type = type };
  memcpy(c.cookie, cookie, 16);
  return c;
}

mc_code mc_rts_conn_a1(struct mc_buf *out, const unsigned char vc[16],
                       const unsigned char out_cookie[16], uint32_t receive_window)
{
  struct mc_rts_cmd c[4] = {
    u32cmd(MC_RTS_VERSION, 1), cookiecmd(MC_RTS_COOKIE, vc),
    cookiecmd(MC_RTS_COOKIE, out_cookie), u32cmd(MC_RTS_RECEIVE_WINDOW_SIZE, receive_window)
  };
  return mc_rts_encode(out, MC_RTS_FLAG_NONE, c, 4);
}

mc_code mc_rts_conn_b1(struct mc_buf *out, const unsigned char vc[16],
                       const unsigned char in_cookie[16], uint32_t lifetime,
                       uint32_t keepalive, const unsigned char assoc_group[16])
{
  struct mc_rts_cmd c[6] = {
    u32cmd(MC_RTS_VERSION, 1), cookiecmd(MC_RTS_COOKIE, vc),
    cookiecmd(MC_RTS_COOKIE, in_cookie), u32cmd(MC_RTS_CHANNEL_LIFETIME, lifetime),
    u32cmd(MC_RTS_CLIENT_KEEPALIVE, keepalive),
    cookiecmd(MC_RTS_ASSOCIATION_GROUP_ID, assoc_group)
  };
  return mc_rts_encode(out, MC_RTS_FLAG_NONE, c, 6);
}

mc_code mc_rts_conn_a3(struct mc_buf *out, uint32_t timeout_ms)
{
  struct mc_rts_cmd c = u32cmd(MC_RTS_CONNECTION_TIMEOUT, timeout_ms);
  return mc_rts_encode(out, MC_RTS_FLAG_NONE, &c, 1);
}

mc_code mc_rts_conn_c2(struct mc_buf *out, uint32_t receive_window, uint32_t timeout_ms)
{
  struct mc_rts_cmd c[3] = {
    u32cmd(MC_RTS_VERSION, 1), u32cmd(MC_RTS_RECEIVE_WINDOW_SIZE, receive_window),
    u32cmd(MC_RTS_CONNECTION_TIMEOUT, timeout_ms)
  };
  return mc_rts_encode(out, MC_RTS_FLAG_NONE, c, 3);
}

mc_code mc_rts_ping(struct mc_buf *out)
{
  return mc_rts_encode(out, MC_RTS_FLAG_PING, NULL, 0);
}

mc_code mc_rts_echo(struct mc_buf *out)
{
  return mc_rts_encode(out, MC_RTS_FLAG_ECHO, NULL, 0);
}

/* Whether pdu's commands have exactly these types. */
static bool shape(const struct mc_rts_pdu *pdu, const uint32_t *types, size_t n)
{
  if(pdu->ncmds != n)
    return false;
  for(size_t i = 0; i < n; i++) {
    if(pdu->cmds[i].type != types[i])
      return false;
  }
  return true;
}

bool mc_rts_is_conn_a1(const struct mc_rts_pdu *pdu, struct mc_rts_conn *c)
{
  static const uint32_t t[] = { MC_RTS_VERSION, MC_RTS_COOKIE, MC_RTS_COOKIE,
                                MC_RTS_RECEIVE_WINDOW_SIZE };
  if(!shape(pdu, t, 4))
    return false;
  memset(c, 0, sizeof *c);
  c->version = pdu->cmds[0].value;
  memcpy(c->vc, pdu->cmds[1].cookie, 16);
  memcpy(c->channel, pdu->cmds[2].cookie, 16);
  c->receive_window = pdu->cmds[3].value;
  return true;
}

bool mc_rts_is_conn_b1(const struct mc_rts_pdu *pdu, struct mc_rts_conn *c)
{
  static const uint32_t t[] = { MC_RTS_VERSION, MC_RTS_COOKIE, MC_RTS_COOKIE,
                                MC_RTS_CHANNEL_LIFETIME, MC_RTS_CLIENT_KEEPALIVE,
                                MC_RTS_ASSOCIATION_GROUP_ID };
  if(!shape(pdu, t, 6))
    return false;
  memset(c, 0, sizeof *c);
  c->version = pdu->cmds[0].value;
  memcpy(c->vc, pdu->cmds[1].cookie, 16);
  memcpy(c->channel, pdu->cmds[2].cookie, 16);
  c->lifetime = pdu->cmds[3].value;
  c->keepalive = pdu->cmds[4].value;
  memcpy(c->assoc_group, pdu->cmds[5].cookie, 16);
  return true;
}

bool mc_rts_is_conn_a3(const struct mc_rts_pdu *pdu, struct mc_rts_conn *c)
{
  static const uint32_t t[] = { MC_RTS_CONNECTION_TIMEOUT };
  if(!shape(pdu, t, 1))
    return false;
  memset(c, 0, sizeof *c);
  c->timeout_ms = pdu->cmds[0].value;
  return true;
}

bool mc_rts_is_conn_c2(const struct mc_rts_pdu *pdu, struct mc_rts_conn *c)
{
  static const uint32_t t[] = { MC_RTS_VERSION, MC_RTS_RECEIVE_WINDOW_SIZE,
                                MC_RTS_CONNECTION_TIMEOUT };
  if(!shape(pdu, t, 3))
    return false;
  memset(c, 0, sizeof *c);
  c->version = pdu->cmds[0].value;
  c->receive_window = pdu->cmds[1].value;
  c->timeout_ms = pdu->cmds[2].value;
  return true;
}

void mc_rts_describe(const struct mc_rts_pdu *pdu, char *out, size_t outlen)
{
  struct mc_rts_conn c;
  size_t used;
  if(mc_rts_is_conn_a3(pdu, &c))
    used = (size_t)snprintf(out, outlen, "CONN/A3:");
  else if(mc_rts_is_conn_c2(pdu, &c))
    used = (size_t)snprintf(out, outlen, "CONN/C2:");
  else if(mc_rts_is_conn_a1(pdu, &c))
    used = (size_t)snprintf(out, outlen, "CONN/A1:");
  else if(mc_rts_is_conn_b1(pdu, &c))
    used = (size_t)snprintf(out, outlen, "CONN/B1:");
  else
    used = (size_t)snprintf(out, outlen, "RTS flags 0x%04x%s%s, %u command%s%s", pdu->flags,
                            pdu->flags & MC_RTS_FLAG_PING ? " (ping)" : "",
                            pdu->flags & MC_RTS_FLAG_ECHO ? " (echo)" : "", pdu->ncmds,
                            pdu->ncmds == 1 ? "" : "s", pdu->ncmds ? ":" : "");
  for(size_t i = 0; i < pdu->ncmds && used < outlen; i++) {
    const struct mc_rts_cmd *cmd = &pdu->cmds[i];
    bool number = cmd->type < NTYPES && cmd_table[cmd->type].body == B_U32;
    if(number)
      used += (size_t)snprintf(out + used, outlen - used, "%s %s %u", i ? "," : "",
                               mc_rts_cmd_name(cmd->type), cmd->value);
    else
      used += (size_t)snprintf(out + used, outlen - used, "%s %s", i ? "," : "",
                               mc_rts_cmd_name(cmd->type));
  }
}
