/*
 * fuzz_rts.c - the RTS PDU decoder and its recognizers and describer, on
 * whatever an RPC proxy's OUT channel (or a client's IN channel) may send.
 * A PDU that decodes must re-encode to the same bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wire/rts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct mc_rts_pdu pdu;
  if(mc_rts_parse(data, size, &pdu) != MC_OK)
    return 0;
  if(pdu.frag_len > size || pdu.ncmds > MC_RTS_MAX_CMDS)
    abort();
  struct mc_rts_conn c;
  (void)mc_rts_is_conn_a1(&pdu, &c);
  (void)mc_rts_is_conn_b1(&pdu, &c);
  (void)mc_rts_is_conn_a3(&pdu, &c);
  (void)mc_rts_is_conn_c2(&pdu, &c);
  char text[512];
  mc_rts_describe(&pdu, text, sizeof text);
  if(strlen(text) >= sizeof text)
    abort();
  /* Round trip: encoding what was decoded gives the same bytes, except the
   * header bytes the decoder does not keep (pfc flags, drep beyond the
   * first, call id) and padding contents. */
  struct mc_buf b = MC_BUF_INIT(70000);
  bool padded = false;
  for(size_t i = 0; i < pdu.ncmds; i++)
    padded = padded || pdu.cmds[i].type == MC_RTS_PADDING ||
             pdu.cmds[i].type == MC_RTS_CLIENT_ADDRESS;
  if(mc_rts_encode(&b, pdu.flags, pdu.cmds, pdu.ncmds) == MC_OK && !padded) {
    if(b.len != pdu.frag_len || memcmp(b.ptr + 16, data + 16, b.len - 16) != 0)
      abort();
  }
  mc_buf_release(&b);
  return 0;
}
