/*
 * rts.h - RPC over HTTP v2 RTS PDUs (MS-RPCH 2.2.3.5, 2.2.3.6): the
 * control messages that build a virtual connection out of an IN and an OUT
 * HTTP channel. Pure wire format shared by the check (client side: encodes
 * CONN/A1 and CONN/B1, decodes CONN/A3 and CONN/C2) and the lab's RPC proxy
 * (server side: decodes A1 and B1, encodes A3 and C2).
 *
 * An RTS PDU is the 16-byte DCE/RPC common header with ptype 20, then
 * Flags u16 and NumberOfCommands u16 (20 bytes), then the commands, each a
 * CommandType u32 and a body whose size the type fixes (Padding and
 * ClientAddress carry their own size). Invariants kept by the decoder: the
 * commands exactly fill frag_length; an unknown command type, a count that
 * does not match, or a field outside the PDU is a parse error; at most
 * MC_RTS_MAX_CMDS commands are accepted. The recognizers (is_conn_*) apply
 * the strict shapes real clients check (Samba, FreeRDP): A3 is exactly one
 * ConnectionTimeout, C2 exactly Version, ReceiveWindowSize,
 * ConnectionTimeout in that order.
 */
#ifndef MC_PROTO_RTS_H
#define MC_PROTO_RTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/util.h"

#define MC_RTS_HDR_LEN 20
#define MC_RTS_MAX_CMDS 16
#define MC_RTS_COOKIE_LEN 16

/* RTS header flags. */
enum {
  MC_RTS_FLAG_NONE = 0x0000,
  MC_RTS_FLAG_PING = 0x0001,
  MC_RTS_FLAG_OTHER_CMD = 0x0002,
  MC_RTS_FLAG_RECYCLE_CHANNEL = 0x0004,
  MC_RTS_FLAG_IN_CHANNEL = 0x0008,
  MC_RTS_FLAG_OUT_CHANNEL = 0x0010,
  MC_RTS_FLAG_EOF = 0x0020,
  MC_RTS_FLAG_ECHO = 0x0040
};

enum mc_rts_cmd_type {
  MC_RTS_RECEIVE_WINDOW_SIZE = 0x0,
  MC_RTS_FLOW_CONTROL_ACK = 0x1,
  MC_RTS_CONNECTION_TIMEOUT = 0x2,
  MC_RTS_COOKIE = 0x3,
  MC_RTS_CHANNEL_LIFETIME = 0x4,
  MC_RTS_CLIENT_KEEPALIVE = 0x5,
  MC_RTS_VERSION = 0x6,
  MC_RTS_EMPTY = 0x7,
  MC_RTS_PADDING = 0x8,
  MC_RTS_NEGATIVE_ANCE = 0x9,
  MC_RTS_ANCE = 0xA,
  MC_RTS_CLIENT_ADDRESS = 0xB,
  MC_RTS_ASSOCIATION_GROUP_ID = 0xC,
  MC_RTS_DESTINATION = 0xD,
  MC_RTS_PING_TRAFFIC_SENT_NOTIFY = 0xE
};

/* One command. value holds the u32 of the one-number commands
 * (ReceiveWindowSize, ConnectionTimeout, ChannelLifetime, ClientKeepalive,
 * Version, Destination, PingTrafficSentNotify; Padding's byte count;
 * ClientAddress's address type); cookie the 16 bytes of Cookie,
 * AssociationGroupId, FlowControlAck's ChannelCookie and ClientAddress's
 * address. */
struct mc_rts_cmd {
  uint32_t type;
  uint32_t value;
  uint32_t bytes_received, available_window;   /* FlowControlAck */
  unsigned char cookie[MC_RTS_COOKIE_LEN];
};

struct mc_rts_pdu {
  uint16_t flags;
  uint16_t ncmds;
  struct mc_rts_cmd cmds[MC_RTS_MAX_CMDS];
  size_t frag_len;
};

/* Decodes the RTS PDU at p (n bytes available, at least frag_length).
 * MC_ERR_PARSE when it is not a well-formed RTS PDU. */
mc_code mc_rts_parse(const void *p, size_t n, struct mc_rts_pdu *out);
/* Appends an RTS PDU with these flags and commands. */
mc_code mc_rts_encode(struct mc_buf *out, uint16_t flags, const struct mc_rts_cmd *cmds,
                      size_t n);

/* The PDUs of the connection-opening sequence (MS-RPCH 2.2.4.2 to 2.2.4.9). */
mc_code mc_rts_conn_a1(struct mc_buf *out, const unsigned char vc[16],
                       const unsigned char out_cookie[16], uint32_t receive_window);
mc_code mc_rts_conn_b1(struct mc_buf *out, const unsigned char vc[16],
                       const unsigned char in_cookie[16], uint32_t lifetime,
                       uint32_t keepalive, const unsigned char assoc_group[16]);
mc_code mc_rts_conn_a3(struct mc_buf *out, uint32_t timeout_ms);
mc_code mc_rts_conn_c2(struct mc_buf *out, uint32_t receive_window, uint32_t timeout_ms);
mc_code mc_rts_ping(struct mc_buf *out);
mc_code mc_rts_echo(struct mc_buf *out);

/* What the opening PDUs carry. */
struct mc_rts_conn {
  unsigned char vc[16];           /* VirtualConnectionCookie */
  unsigned char channel[16];      /* OutChannelCookie (A1) or InChannelCookie (B1) */
  unsigned char assoc_group[16];  /* B1 */
  uint32_t version;
  uint32_t receive_window;        /* A1, C2 */
  uint32_t timeout_ms;            /* A3, C2 */
  uint32_t lifetime, keepalive;   /* B1 */
};

/* Recognizers: true when pdu has exactly that shape; fill c. */
bool mc_rts_is_conn_a1(const struct mc_rts_pdu *pdu, struct mc_rts_conn *c);
bool mc_rts_is_conn_b1(const struct mc_rts_pdu *pdu, struct mc_rts_conn *c);
bool mc_rts_is_conn_a3(const struct mc_rts_pdu *pdu, struct mc_rts_conn *c);
bool mc_rts_is_conn_c2(const struct mc_rts_pdu *pdu, struct mc_rts_conn *c);

/* One line for a report: "CONN/C2: Version 1, ReceiveWindowSize 65536,
 * ConnectionTimeout 120000" or "RTS flags 0x0001 (ping), 0 commands". */
void mc_rts_describe(const struct mc_rts_pdu *pdu, char *out, size_t outlen);
const char *mc_rts_cmd_name(uint32_t type);

#endif
