/*
 * fuzz_httpproxy.c - the HttpProxy CSV parser: the first line is the
 * #Fields list, the rest are lines. Slices must stay inside the line, and
 * mc_hp_parse_at() (the commas listed) must give what mc_hp_parse() does.
 */
#include <stdbool.h>
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
    struct mc_hp_rec r, r2;
    /* the parser that takes the commas from a list agrees, whether it is
       told a quote may be in the line or (when none is) not */
    const char *commas[MC_HP_MAXCOLS + 8];
    size_t nc = 0;
    for(size_t i = 0; i < n && nc < MC_HP_MAXCOLS + 8; i++) {
      if(p[i] == ',')
        commas[nc++] = p + i;
    }
    bool ok = mc_hp_parse(&l, p, n, &r);
    bool quoted = memchr(p, '"', n) != NULL;
    if(nc < MC_HP_MAXCOLS + 8) {
      for(int q = quoted ? 1 : 0; q < 2; q++) {
        if(mc_hp_parse_at(&l, p, n, commas, nc, q, &r2) != ok)
          abort();
        for(int f = 0; ok && f < MC_HF_COUNT; f++) {
          if(r.f[f].p != r2.f[f].p || r.f[f].n != r2.f[f].n)
            abort();
        }
      }
    }
    if(ok) {
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
