/*
 * dcerpc.h - the few connection-oriented DCE/RPC PDUs (C706 chapter 12) an
 * Outlook Anywhere probe needs: the 16-byte common header every PDU starts
 * with (RTS PDUs too), bind, bind_ack, bind_nak and fault. Pure wire format:
 * both the check and the lab's RPC proxy use it (DESIGN.md allows sharing
 * wire-format encoders); the rules about what an answer means live in the
 * check.
 *
 * Invariants: only little-endian data representation (drep[0] = 0x10) is
 * accepted, as every Windows and Samba peer sends; every length and count
 * a peer sends is checked against the PDU before it is used; decoders read
 * borrowed bytes and copy only fixed-size fields into their out structs.
 * Not here: authentication trailers (a probe binds at auth level none),
 * requests and responses, NDR.
 */
#ifndef MC_PROTO_DCERPC_H
#define MC_PROTO_DCERPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/util.h"

#define MC_DCERPC_HDR_LEN 16
/* The most one PDU may be on an RPC over HTTP stream here (frag_length is
 * a u16, so this is every PDU). */
#define MC_DCERPC_FRAG_MAX 65535
#define MC_DCERPC_MAX_CTX 8
#define MC_DCERPC_MAX_XFER 4

enum mc_dcerpc_ptype {
  MC_DCERPC_REQUEST = 0,
  MC_DCERPC_RESPONSE = 2,
  MC_DCERPC_FAULT = 3,
  MC_DCERPC_BIND = 11,
  MC_DCERPC_BIND_ACK = 12,
  MC_DCERPC_BIND_NAK = 13,
  MC_DCERPC_ALTER_CONTEXT = 14,
  MC_DCERPC_ALTER_CONTEXT_RESP = 15,
  MC_DCERPC_SHUTDOWN = 17,
  MC_DCERPC_RTS = 20
};

#define MC_DCERPC_PFC_FIRST 0x01
#define MC_DCERPC_PFC_LAST 0x02

struct mc_dcerpc_hdr {
  uint8_t vers, vers_minor, ptype, pfc_flags;
  uint8_t drep[4];
  uint16_t frag_len, auth_len;
  uint32_t call_id;
};

/* An interface or transfer syntax as it is on the wire: the UUID in its
 * mixed-endian byte form, then version major and minor. */
struct mc_dcerpc_syntax {
  unsigned char uuid[16];
  uint16_t major, minor;
};

/* The Exchange interfaces a migration reaches over RPC over HTTP. */
struct mc_dcerpc_iface {
  const char *name;          /* "NSPI" */
  const char *protocol;      /* "MS-OXNSPI" */
  const char *uuid;          /* text form */
  uint16_t major, minor;
  int port;                  /* the RPC over HTTP port Exchange serves it on */
};

extern const struct mc_dcerpc_iface mc_dcerpc_nspi, mc_dcerpc_emsmdb, mc_dcerpc_rfr;
extern const struct mc_dcerpc_iface mc_dcerpc_ndr;     /* NDR 2.0 transfer syntax */

/* Parses "F5CC5A18-4264-101A-8C59-08002B2F8426" into wire bytes. */
mc_code mc_dcerpc_uuid_parse(const char *text, unsigned char out[16]);
/* The text form of wire bytes, upper case, into out (at least 37 bytes). */
void mc_dcerpc_uuid_text(const unsigned char uuid[16], char *out, size_t outlen);
/* The syntax of an interface row. */
void mc_dcerpc_syntax_of(const struct mc_dcerpc_iface *i, struct mc_dcerpc_syntax *out);
bool mc_dcerpc_syntax_eq(const struct mc_dcerpc_syntax *a, const struct mc_dcerpc_syntax *b);

/* Reads the common header of p[0..n) (n >= 16). MC_ERR_PARSE unless
 * version 5.0, little-endian drep and 16 <= frag_len. It does not require
 * frag_len <= n: a stream reader uses it to learn how much to wait for. */
mc_code mc_dcerpc_hdr_parse(const void *p, size_t n, struct mc_dcerpc_hdr *out);
/* How many bytes the PDU at the start of a stream buffer takes: 0 when
 * fewer than 16 bytes are there yet, else frag_len; -1 when the header is
 * not a DCE/RPC header (the stream cannot be followed). */
long mc_dcerpc_frame_len(const void *p, size_t n);
/* The name of a packet type ("bind_ack"), or "ptype N" into a static
 * "unknown" for the rest. */
const char *mc_dcerpc_ptype_name(unsigned ptype);

/* A bind: one presentation context per syntax in abstract[], each offering
 * NDR 2.0, context ids 0..n-1, max fragment 4280 both ways, no assoc group,
 * no authentication. */
mc_code mc_dcerpc_bind_encode(struct mc_buf *out, uint32_t call_id,
                              const struct mc_dcerpc_syntax *abstract, size_t n);

struct mc_dcerpc_ctx {
  uint16_t id;
  struct mc_dcerpc_syntax abstract;
  struct mc_dcerpc_syntax transfer[MC_DCERPC_MAX_XFER];
  size_t ntransfer;            /* kept (at most MC_DCERPC_MAX_XFER) */
};

struct mc_dcerpc_bind {
  struct mc_dcerpc_hdr hdr;
  uint16_t max_xmit, max_recv;
  uint32_t assoc_group;
  struct mc_dcerpc_ctx ctx[MC_DCERPC_MAX_CTX];
  size_t nctx;                 /* as sent; at most MC_DCERPC_MAX_CTX kept */
};

/* Decodes a bind or alter_context PDU (the lab's side). */
mc_code mc_dcerpc_bind_parse(const void *p, size_t n, struct mc_dcerpc_bind *out);

/* p_cont_def_result_t and p_provider_reason_t values. */
enum {
  MC_DCERPC_ACCEPTANCE = 0,
  MC_DCERPC_USER_REJECTION = 1,
  MC_DCERPC_PROVIDER_REJECTION = 2
};
enum {
  MC_DCERPC_REASON_NOT_SPECIFIED = 0,
  MC_DCERPC_ABSTRACT_SYNTAX_NOT_SUPPORTED = 1,
  MC_DCERPC_TRANSFER_SYNTAXES_NOT_SUPPORTED = 2,
  MC_DCERPC_LOCAL_LIMIT_EXCEEDED = 3
};

struct mc_dcerpc_result {
  uint16_t result, reason;
  struct mc_dcerpc_syntax transfer;
};

/* What came back for a bind. */
struct mc_dcerpc_answer {
  struct mc_dcerpc_hdr hdr;           /* ptype says which of the below is set */
  /* bind_ack */
  uint16_t max_xmit, max_recv;
  uint32_t assoc_group;
  char sec_addr[64];                  /* secondary address ("6004"), printable */
  struct mc_dcerpc_result results[MC_DCERPC_MAX_CTX];
  size_t nresults;                    /* as sent; at most MC_DCERPC_MAX_CTX kept */
  /* bind_nak */
  uint16_t reject_reason;
  /* fault */
  uint32_t status;
};

/* Decodes a bind_ack, bind_nak or fault PDU. MC_ERR_PARSE for anything
 * else or a PDU whose fields do not fit. */
mc_code mc_dcerpc_answer_parse(const void *p, size_t n, struct mc_dcerpc_answer *out);

/* A bind_ack with one result per context (the lab's side). */
mc_code mc_dcerpc_bind_ack_encode(struct mc_buf *out, uint32_t call_id, uint32_t assoc_group,
                                  const char *sec_addr, const struct mc_dcerpc_result *res,
                                  size_t n);
/* A bind_nak with one reason and protocol version 5.0. */
mc_code mc_dcerpc_bind_nak_encode(struct mc_buf *out, uint32_t call_id, uint16_t reason);

/* Words for the values above (static strings). */
const char *mc_dcerpc_result_text(uint16_t result);
const char *mc_dcerpc_reason_text(uint16_t reason);
const char *mc_dcerpc_nak_text(uint16_t reason);

#endif
