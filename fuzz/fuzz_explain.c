/*
 * fuzz_explain.c - the explain matcher: any bytes through normalization,
 * signature matching and the report. The normalized forms must be
 * NUL-free, as long as their length says, and the compact form space-free.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kb/kb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct mc_kb_text t;
  mc_kb_normalize((const char *)data, size, &t);
  if(strlen(t.spaced) != t.nspaced || strlen(t.compact) != t.ncompact ||
     memchr(t.compact, ' ', t.ncompact))
    abort();
  mc_kb_text_release(&t);
  mc_report_free(mc_explain_text((const char *)data, size));
  return 0;
}
