/*
 * fuzz_netsh.c - `netsh http show sslcert` output: bytes through the
 * decoder into the sslcert parser, and thumbprint comparison on what it
 * kept.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct mc_buf text = MC_BUF_INIT(size * 2 + 16);
  const char *enc;
  char err[256];
  if(mc_config_decode(data, size, &text, &enc, err, sizeof err) == MC_OK) {
    struct mc_sslcert_doc doc;
    (void)mc_sslcert_sniff(text.ptr, text.len);
    mc_sslcert_parse(text.ptr, text.len, &doc, err, sizeof err);
    for(size_t i = 0; i + 1 < doc.n; i++) {
      if(!doc.v[i].endpoint)
        abort();
      (void)mc_config_same_thumbprint(doc.v[i].hash, doc.v[i + 1].hash);
    }
    mc_sslcert_doc_release(&doc);
  }
  mc_buf_release(&text);
  return 0;
}
