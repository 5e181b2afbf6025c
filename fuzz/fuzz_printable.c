/*
 * fuzz_printable.c - the two functions every byte from a peer goes through
 * before it reaches a report: mc_printable (text) and mc_json_escape (JSON).
 * Both must accept anything and produce valid UTF-8 within their bounds.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/json.h"
#include "util/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* True when p[0..n) is valid UTF-8 with no C0 control characters except
 * none at all (both outputs escape them). */
static int valid_utf8(const unsigned char *p, size_t n)
{
  size_t i = 0;
  while(i < n) {
    unsigned char c = p[i];
    size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 :
                 (c & 0xF8) == 0xF0 ? 4 : 0;
    if(!len || i + len > n)
      return 0;
    for(size_t k = 1; k < len; k++) {
      if((p[i + k] & 0xC0) != 0x80)
        return 0;
    }
    if(c < 0x20)
      return 0;
    i += len;
  }
  return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char *t = mc_printable(data, size, 200);
  if(strlen(t) > 203 || !valid_utf8((const unsigned char *)t, strlen(t)))
    abort();
  free(t);
  struct mc_buf b = MC_BUF_INIT(1 << 24);
  mc_json_escape(&b, (const char *)data, size);
  if(b.len && !valid_utf8((const unsigned char *)b.ptr, b.len))
    abort();
  mc_buf_release(&b);
  return 0;
}
