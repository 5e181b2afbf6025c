/*
 * fuzz_endpoint.c - Get-MigrationEndpoint output in any form (Format-List,
 * Export-Csv, ConvertTo-Json) through lib/config/endpoint.c: the one reader
 * of PowerShell objects (also util/jsonval.c), the mapping to endpoints,
 * the selection and the judgement of their values. Any input must give
 * endpoints or a clean refusal without crashing, hanging or leaking.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config/endpoint.h"
#include "util/jsonval.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct mc_mig_endpoint *eps;
  size_t n;
  const char *form;
  char err[512];
  if(mc_endpoint_file_parse(data, size, &eps, &n, &form, err, sizeof err) == MC_OK) {
    struct mc_report *r = mc_report_new("config", "fuzz");
    for(size_t i = 0; i < n; i++) {
      mc_endpoint_judge(r, &eps[i], "fuzz");
      if(mc_endpoint_select(eps, n, eps[i].identity) == NULL)
        abort();
    }
    mc_report_free(r);
    mc_endpoint_list_free(eps, n);
  }
  /* The JSON reader on the raw bytes. */
  struct mc_jv *v;
  if(mc_jv_parse((const char *)data, size, &v, err, sizeof err) == MC_OK)
    mc_jv_free(v);
  return 0;
}
