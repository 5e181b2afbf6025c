/*
 * fuzz_batch.c - a batch file's bytes through lib/config/batch.c: the
 * decoder, the CSV reader (csv.c) or the endpoint reader, and the rows
 * with their argument vectors. Any input must give rows or a clean
 * refusal without crashing, hanging or leaking.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config/endpoint.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct mc_batch_plan plan;
  char err[512];
  if(mc_batch_plan_read(data, size, "fuzz.csv", &plan, err, sizeof err) == MC_OK) {
    for(size_t i = 0; i < plan.n; i++) {
      const struct mc_batch_row *r = &plan.rows[i];
      /* Every row either runs (a NULL-terminated vector) or says why not. */
      if(!r->error && (!r->argv || r->argv[r->argc] != NULL))
        abort();
    }
    mc_batch_plan_release(&plan);
  }
  /* The CSV reader alone, with both delimiters. */
  struct mc_csv csv;
  if(mc_csv_parse((const char *)data, size, ';', &csv, err, sizeof err) == MC_OK)
    mc_csv_release(&csv);
  return 0;
}
