/*
 * rpch.h - the client side of one RPC over HTTP v2 virtual connection
 * (MS-RPCH) through an RPC proxy, down to a DCE/RPC bind: what Exchange
 * Online's migration service does before its first NSPI call.
 *
 * It reports what each channel observed (status lines and headers, the
 * body of an error answer such as "RPC Error: 6ba", the RTS PDUs that came
 * back) and where the sequence stopped; it never decides what that means.
 *
 * Rules kept: the connections go to the address the walk resolved
 * (CURLOPT_RESOLVE), never through a proxy from the environment; TLS trust
 * as lib/http (system store plus ca_file, verified unless insecure); every
 * wait has the one deadline timeout_ms; what the proxy sends is bounded
 * (64 KiB of headers per channel, 16 KiB of an error body, 64 KiB of PDU
 * stream before the bind answer).
 */
#ifndef MC_PROTO_RPCH_H
#define MC_PROTO_RPCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http/http.h"
#include "wire/dcerpc.h"
#include "wire/rts.h"

#define MC_RPCH_PATH "/rpc/rpcproxy.dll"
#define MC_RPCH_MAX_PDUS 12

struct mc_rpch_opts {
  /* The connection as for any request (lib/http): host (URL, Host, SNI),
   * port, addr, auth (Basic or NTLM; NONE: no credentials), user, password
   * (borrowed; never logged or copied), no_channel_binding, ca_file,
   * insecure, user_agent, and timeout_ms for the whole session. Its
   * method, path, query and body are not used. */
  const struct mc_http_req *http;
  const char *remote_name;      /* the RPC server name in the query */
  int remote_port;              /* 6001, 6002, 6004 */
  struct mc_http_client *client;  /* the walk's trust store (lib/http) */
  const struct mc_dcerpc_syntax *iface;   /* what to bind after CONN/C2 */
};

/* How far the sequence got. */
enum mc_rpch_stage {
  MC_RPCH_STAGE_START,          /* nothing useful came back */
  MC_RPCH_STAGE_OUT_200,        /* the OUT channel answered 200 */
  MC_RPCH_STAGE_A3,             /* CONN/A3 arrived */
  MC_RPCH_STAGE_C2,             /* CONN/C2 arrived: the virtual connection is open */
  MC_RPCH_STAGE_ANSWER          /* the bind was answered (bind_ack, bind_nak, fault) */
};

/* Why the session ended. */
enum mc_rpch_end {
  MC_RPCH_END_ANSWERED,         /* the bind got its answer */
  MC_RPCH_END_HTTP_ERROR,       /* a channel got a final non-success HTTP answer */
  MC_RPCH_END_STREAM_ERROR,     /* an HTTP error status inside the OUT body */
  MC_RPCH_END_BAD_PDU,          /* the OUT stream held something that is not a PDU
                                   or a PDU out of sequence */
  MC_RPCH_END_CLOSED,           /* the proxy closed a channel early */
  MC_RPCH_END_TIMEOUT,          /* the deadline passed */
  MC_RPCH_END_TRANSPORT,        /* connect, TLS or reset below HTTP */
  MC_RPCH_END_INTERNAL          /* libcurl could not be set up */
};

struct mc_rpch_result {
  struct mc_http_resp in, out;  /* each channel's status lines and headers;
                                   out.body keeps an error answer's body */
  enum mc_rpch_stage stage;
  enum mc_rpch_end end;
  char end_text[256];           /* the detail: curl's words, the status line */
  char pdus[MC_RPCH_MAX_PDUS][160];   /* the PDUs on OUT, described, in order */
  size_t npdus;
  struct mc_rts_conn a3, c2;
  struct mc_dcerpc_answer answer;     /* when stage is ANSWER */
  char stream_error[256];       /* "HTTP/1.0 503 RPC Error: 6ba" seen mid-stream */
  int64_t ms;
  char url[1024];
};

/* Runs one session. Returns MC_OK with res filled (whatever the proxy
 * did), or MC_ERR_INTERNAL when libcurl cannot be used at all. */
mc_code mc_rpch_session(const struct mc_rpch_opts *o, struct mc_rpch_result *res);
void mc_rpch_result_release(struct mc_rpch_result *res);

/* "RPC Error: 6ba" in a status line: the hex code, true when present. */
bool mc_rpch_rpc_error(const char *status_line, unsigned long *code);
/* Scans an "EEInfo: <base64>" parameter of a status line for the MS-EERR
 * record an RPC proxy writes when its connection to the server failed
 * (detection location 0x5A0, generating component 14). True when found. */
bool mc_rpch_eeinfo_connect_failed(const char *status_line);

#endif
