/*
 * fuzz_lab_http.c - the lab's HTTP/1.1 request-head parser, strict and
 * lenient: any bytes must give NEED_MORE, DONE with slices inside the
 * input, BAD or TOO_LARGE.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lab/http_req.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void inside(struct mc_slice s, const char *buf, size_t n)
{
  if(s.n && (s.p < buf || s.p + s.n > buf + n))
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if(size > 2 * MC_LAB_HTTP_HEAD_MAX)
    return 0;
  char *buf = malloc(size ? size : 1);
  if(!buf)
    return 0;
  memcpy(buf, data, size);
  struct mc_lab_http_req q;
  enum mc_lab_http_parse rc = mc_lab_http_parse(buf, size, &q);
  if(rc == MC_LAB_HTTP_DONE) {
    if(q.head_len > size || q.content_length > MC_LAB_HTTP_BODY_LIMIT ||
       q.body_len > MC_LAB_HTTP_BODY_MAX || q.body_len > q.content_length)
      abort();
    inside(q.method, buf, size);
    inside(q.path, buf, size);
    inside(q.query, buf, size);
    for(size_t i = 0; i < q.nh; i++) {
      inside(q.h[i].name, buf, size);
      inside(q.h[i].value, buf, size);
    }
    (void)mc_lab_http_header(&q, "Authorization");
  }
  /* The RPC proxy's lenient mode: the same promises, no body kept. */
  rc = mc_lab_http_parse_as(buf, size, &q, true);
  if(rc == MC_LAB_HTTP_DONE) {
    if(q.head_len > size || q.body_len || q.content_length > 0x7fffffff)
      abort();
    inside(q.method, buf, size);
    inside(q.path, buf, size);
    inside(q.query, buf, size);
  }
  free(buf);
  return 0;
}
