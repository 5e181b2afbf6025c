/*
 * fuzz_httpproxy.c - the HttpProxy CSV parser: the first line is the
 * #Fields list, the rest are lines. Slices must stay inside the line.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "logs/classify.h"
#include "logs/httpproxy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char fallback[] = "DateTime,RequestId,UrlStem,ServerHostName,HttpStatus,"
                               "BackEndStatus,ErrorCode,Method,TargetServer,GenericErrors";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  const char *p = (const char *)data, *end = p + size;
  const char *nl = memchr(p, '\n', size);
  size_t flen = nl ? (size_t)(nl - p) : size;
  struct mc_hp_layout l;
  if(mc_hp_layout_parse(&l, p, flen) != MC_OK)
    mc_hp_layout_parse(&l, fallback, strlen(fallback));
  p = nl ? nl + 1 : end;
  while(p < end) {
    const char *e = memchr(p, '\n', (size_t)(end - p));
    size_t n = (size_t)((e ? e : end) - p);
    struct mc_hp_rec r;
    if(mc_hp_parse(&l, p, n, &r)) {
      for(int f = 0; f < MC_HF_COUNT; f++) {
        if(r.f[f].p && (r.f[f].p < p || r.f[f].p + r.f[f].n > p + n))
          abort();
      }
      int64_t t;
      if(r.f[MC_HF_DATETIME].p)
        mc_parse_iso_time(r.f[MC_HF_DATETIME].p, r.f[MC_HF_DATETIME].n, &t);
      if(r.f[MC_HF_URLSTEM].p)
        mc_classify_path(r.f[MC_HF_URLSTEM].p, r.f[MC_HF_URLSTEM].n);
    }
    p = e ? e + 1 : end;
  }
  return 0;
}
