/*
 * fuzz_cert.c - certificate analysis on whatever DER a server sends, and
 * the description of bytes that are not TLS.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tls/tls.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct mc_tls_cert c;
  if(mc_tls_describe_der(data, size, &c)) {
    if(strlen(c.subject) >= sizeof c.subject || !c.sans)
      abort();
    mc_tls_cert_release(&c);
  }
  char out[256];
  mc_tls_describe_plain(data, size, out, sizeof out);
  if(strlen(out) >= sizeof out)
    abort();
  return 0;
}
