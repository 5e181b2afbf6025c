/*
 * fuzz_logsummary.c - the reader of `migcheck logs --summary` files: any
 * bytes either parse into a scan that can be merged and released, or give
 * MC_ERR_PARSE with a message. A parsed summary must also merge into
 * another and keep its file indices in range.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "logs/summary.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct mc_logs_scan s, t;
  struct mc_logs_summary_meta meta;
  char err[256];
  err[0] = '\0';
  if(mc_logs_summary_parse((const char *)data, size, &s, &meta, err, sizeof err) != MC_OK) {
    if(!err[0])
      abort();
    return 0;
  }
  /* Parse it again and merge the two: indices shift, counts add. */
  if(mc_logs_summary_parse((const char *)data, size, &t, &meta, err, sizeof err) != MC_OK)
    abort();
  size_t n = s.nfiles;
  mc_logs_scan_merge(&s, &t);
  if(s.nfiles != 2 * n)
    abort();
  MC_AGG_EACH(&s.agg, e) {
    if(e->ex_text && e->ex_file >= s.nfiles)
      abort();
  }
  for(size_t i = 0; i < s.nhits; i++) {
    if(s.hits[i].file >= s.nfiles)
      abort();
  }
  mc_logs_scan_release(&s);
  return 0;
}
