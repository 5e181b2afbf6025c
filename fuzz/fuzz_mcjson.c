/*
 * fuzz_mcjson.c - a migcheck --json report read back by `config`: raw
 * bytes straight into the JSON reader (its bounds: depth, item counts,
 * string lengths, escapes), then the remote explanation over what it kept.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char err[256];
  struct mc_mcjson j;
  (void)mc_mcjson_sniff((const char *)data, size);
  if(mc_mcjson_parse((const char *)data, size, &j, err, sizeof err) == MC_OK) {
    struct mc_report *r = mc_report_new("config", "fuzz");
    const char *file = "fuzz.json";
    mc_config_remote(r, &j, &file, 1);
    mc_report_free(r);
  }
  mc_mcjson_release(&j);
  return 0;
}
