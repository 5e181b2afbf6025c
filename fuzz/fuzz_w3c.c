/*
 * fuzz_w3c.c - the IIS W3C / HTTPERR line parser: the first line of the
 * input is a #Fields layout, the rest are lines. Every function must accept
 * any bytes, and the one-pass line finder and the block splitter (masks,
 * mc_w3c_chunk) must agree with memchr and the plain splitter on where
 * lines and fields end.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "logs/classify.h"
#include "logs/w3c.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool same_rec(const struct mc_w3c_rec *a, const struct mc_w3c_rec *b)
{
  for(int f = 0; f < MC_WF_COUNT; f++) {
    if(a->f[f].p != b->f[f].p || a->f[f].n != b->f[f].n)
      return false;
  }
  return true;
}

/* The block splitter against the plain one, line by line: the same end, the
 * same NUL verdict, the same path and the same record (all fields, and a
 * few). Without AVX2 the chunk says no and there is nothing to compare. */
static void check_chunk(const struct mc_w3c_layout *l, const char *p, const char *end)
{
  struct mc_w3c_chunk ch;
  mc_w3c_chunk_init(&ch, ' ');
  static const uint32_t wants[] = {
    MC_W3C_ALL_FIELDS, 1u << MC_WF_DATE | 1u << MC_WF_CIP | 1u << MC_WF_WIN32,
    1u << MC_WF_TAKEN, 0
  };
  for(unsigned k = 0; p < end; k++) {
    struct mc_w3c_line w, ref;
    const char *next = mc_w3c_chunk_next(&ch, &w, p, end);
    if(!next)
      break;
    const char *rnext = mc_w3c_next_line(&ref, p, end, 0);
    if(next != rnext || w.len != ref.len || w.nul != ref.nul)
      abort();
    struct mc_slice a, b;
    struct mc_w3c_line ref2;
    mc_w3c_line_init(&ref2, p, ref.len, end);
    bool ha = mc_w3c_peek(&w, l->path_col, &a), hb = mc_w3c_peek(&ref2, l->path_col, &b);
    if(ha != hb || (ha && (a.p != b.p || a.n != b.n)))
      abort();
    struct mc_w3c_rec ra, rb;
    uint32_t want = wants[k % (sizeof wants / sizeof wants[0])];
    struct mc_w3c_cols cols;
    mc_w3c_columns(l, want, &cols);
    bool oa = mc_w3c_record(&w, l, &cols, &ra), ob = mc_w3c_record(&ref, l, &cols, &rb);
    if(oa != ob || (oa && !same_rec(&ra, &rb)))
      abort();
    p = next;
  }
  mc_w3c_chunk_release(&ch);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  const char *p = (const char *)data, *end = p + size;
  const char *nl = memchr(p, '\n', size);
  size_t flen = nl ? (size_t)(nl - p) : size;
  struct mc_w3c_layout l;
  if(mc_w3c_layout_parse(&l, p, flen) != MC_OK)
    mc_w3c_layout_parse(&l, mc_w3c_default_fields, strlen(mc_w3c_default_fields));
  p = nl ? nl + 1 : end;
  check_chunk(&l, p, end);
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
    bool parsed = mc_w3c_parse(&l, w.line, w.len, &rec);
    if(mc_w3c_fits(&l, w.line, w.len) && !parsed)
      abort();                   /* a line that fits has the layout's fields */
    if(parsed) {
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
