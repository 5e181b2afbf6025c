/*
 * fuzz_iis.c - applicationHost.config: bytes through the decoder into the
 * expat-based IIS parser, and what it keeps through the IIS rules (regex
 * compilation of rewrite patterns included).
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
    struct mc_iis_doc doc;
    (void)mc_iis_sniff(text.ptr, text.len);
    if(mc_iis_parse(text.ptr, text.len, &doc, err, sizeof err) == MC_OK) {
      struct mc_report *r = mc_report_new("config", "fuzz");
      struct mc_iis_context cx = { (int)(size % 2), "(fuzz)" };
      mc_iis_check(r, &doc, "fuzz.config", &cx);
      mc_report_free(r);
    }
    mc_iis_doc_release(&doc);
  }
  mc_buf_release(&text);
  return 0;
}
