/*
 * fuzz_w3c.c - the IIS W3C / HTTPERR line parser: the first line of the
 * input is a #Fields layout, the rest are lines. Every function must accept
 * any bytes, and the one-pass line finder must agree with memchr and the
 * plain splitter on where lines and fields end.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "logs/classify.h"
#include "logs/w3c.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  const char *p = (const char *)data, *end = p + size;
  const char *nl = memchr(p, '\n', size);
  size_t flen = nl ? (size_t)(nl - p) : size;
  struct mc_w3c_layout l;
  if(mc_w3c_layout_parse(&l, p, flen) != MC_OK)
    mc_w3c_layout_parse(&l, mc_w3c_default_fields, strlen(mc_w3c_default_fields));
  p = nl ? nl + 1 : end;
  while(p < end) {
    struct mc_w3c_line w, ref;
    const char *next = mc_w3c_next_line(&w, p, end, (uint32_t)l.path_col + 1);
    const char *e = memchr(p, '\n', (size_t)(end - p));
    if(next != (e ? e + 1 : end))
      abort();
    mc_w3c_line_init(&ref, p, w.len, end);
    mc_w3c_split(&ref, (uint32_t)l.path_col + 1);
    if(ref.nsep != w.nsep || ref.done != w.done)
      abort();
    for(uint32_t i = 0; i < w.nsep; i++) {
      if(w.sep[i] != ref.sep[i])
        abort();
    }
    mc_w3c_split(&w, MC_W3C_MAXCOLS);
    struct mc_w3c_rec rec;
    if(mc_w3c_parse(&l, w.line, w.len, &rec)) {
      struct mc_slice path = rec.f[l.path_col == l.col[MC_WF_STEM] ? MC_WF_STEM : MC_WF_URI];
      if(path.p) {
        path = mc_uri_path(path);
        mc_classify_path(path.p, path.n);
      }
      int64_t t, v;
      if(rec.f[MC_WF_DATE].p && rec.f[MC_WF_TIME].p)
        mc_parse_w3c_time(rec.f[MC_WF_DATE].p, rec.f[MC_WF_DATE].n, rec.f[MC_WF_TIME].p,
                          rec.f[MC_WF_TIME].n, &t);
      if(rec.f[MC_WF_WIN32].p && mc_parse_code(rec.f[MC_WF_WIN32].p, rec.f[MC_WF_WIN32].n,
                                               4294967295LL, &v))
        mc_status_meaning(200, 0, v, 0);
      if(rec.f[MC_WF_REASON].p)
        mc_httperr_reason_kind(rec.f[MC_WF_REASON].p, rec.f[MC_WF_REASON].n);
    }
    p = next;
  }
  return 0;
}
