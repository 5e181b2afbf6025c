/*
 * fuzz_reg.c - the registry path of `migcheck config`: bytes through the
 * decoder into the .reg / reg query parser (both formats are tried on
 * every input, whatever the sniffer says), then the values through tlsreg's
 * grouping and rules (SCHANNEL, .NET, Lsa keys in any shape).
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
    struct mc_reg_doc doc;
    (void)mc_reg_sniff(text.ptr, text.len);
    mc_reg_parse(text.ptr, text.len, &doc, err, sizeof err);
    for(size_t i = 0; i < doc.n; i++) {
      if(!doc.v[i].key || !doc.v[i].name || !doc.v[i].data)
        abort();
    }
    struct mc_tlsreg **list = NULL;
    size_t n = 0;
    mc_tlsreg_read(&doc, "fuzz.reg", &list, &n);
    struct mc_report *r = mc_report_new("config", "fuzz");
    mc_tlsreg_check(r, list, n, (int)(size % 3) - 1, "(fuzz)");
    mc_report_free(r);
    for(size_t i = 0; i < n; i++)
      mc_tlsreg_free(list[i]);
    free(list);
    mc_reg_doc_release(&doc);
  }
  mc_buf_release(&text);
  /* Raw bytes straight into the parser too (no decoding). */
  struct mc_reg_doc doc;
  mc_reg_parse((const char *)data, size, &doc, err, sizeof err);
  mc_reg_doc_release(&doc);
  return 0;
}
