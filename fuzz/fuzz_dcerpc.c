/*
 * fuzz_dcerpc.c - the DCE/RPC decoders: the answers to a bind (bind_ack,
 * bind_nak, fault) the check reads from a proxy, and the bind the lab
 * reads from a client, plus the stream framer.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wire/dcerpc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  long fl = mc_dcerpc_frame_len(data, size);
  if(fl > 65535 || (fl > 0 && fl < 16))
    abort();
  struct mc_dcerpc_answer a;
  if(mc_dcerpc_answer_parse(data, size, &a) == MC_OK) {
    if(a.nresults > MC_DCERPC_MAX_CTX || strlen(a.sec_addr) >= sizeof a.sec_addr)
      abort();
    for(size_t i = 0; i < a.nresults; i++) {
      (void)mc_dcerpc_result_text(a.results[i].result);
      (void)mc_dcerpc_reason_text(a.results[i].reason);
    }
    (void)mc_dcerpc_nak_text(a.reject_reason);
  }
  struct mc_dcerpc_bind b;
  if(mc_dcerpc_bind_parse(data, size, &b) == MC_OK) {
    if(b.nctx > MC_DCERPC_MAX_CTX)
      abort();
    for(size_t i = 0; i < b.nctx; i++) {
      char text[40];
      if(b.ctx[i].ntransfer == 0 || b.ctx[i].ntransfer > MC_DCERPC_MAX_XFER)
        abort();
      mc_dcerpc_uuid_text(b.ctx[i].abstract.uuid, text, sizeof text);
    }
  }
  return 0;
}
