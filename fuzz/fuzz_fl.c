/*
 * fuzz_fl.c - the Format-List path of `migcheck config`: file bytes through
 * the decoder, the fl parser and the rules. Any input must give a report
 * (or a clean refusal) without crashing, hanging or leaking.
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
    struct mc_fl_doc doc;
    mc_fl_parse(text.ptr, text.len, &doc, err, sizeof err);
    for(size_t i = 0; i < doc.nobjs; i++) {
      for(size_t k = 0; k < doc.objs[i].nprops; k++) {
        struct mc_fl_list l;
        mc_fl_list_parse(doc.objs[i].props[k].value, &l);
        mc_fl_list_release(&l);
      }
    }
    mc_fl_doc_release(&doc);
  }
  mc_buf_release(&text);
  struct mc_config_input in = { "fuzz", data, size };
  mc_report_free(mc_config_check(&in, 1));
  return 0;
}
