/*
 * fuzz_ews.c - what Exchange's front door sends as text: X-FailureContext,
 * build numbers, WWW-Authenticate values, base64, SOAP fault detection.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/http.h"
#include "proto/ews.h"
#include "util/base64.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if(size > 65536)
    return 0;
  char *s = malloc(size + 1);
  if(!s)
    return 0;
  memcpy(s, data, size);
  s[size] = '\0';
  struct mc_ews_failure f;
  if(mc_ews_failure_parse(s, &f) == MC_OK) {
    char text[1800];
    mc_ews_failure_text(&f, text, sizeof text);
  }
  (void)mc_ews_product_of_build(s);
  struct mc_http_header h = { "WWW-Authenticate", s };
  struct mc_http_msg m = { 401, "HTTP/1.1 401", &h, 1 };
  char realm[128];
  unsigned mask = mc_http_auth_schemes(&m, realm, sizeof realm);
  char names[128];
  mc_http_schemes_text(mask, names, sizeof names);
  if(strlen(realm) >= sizeof realm)
    abort();
  struct mc_buf b = MC_BUF_INIT(4096);
  (void)mc_base64_decode(&b, s, size);
  mc_buf_release(&b);
  (void)mc_ews_is_soap_fault(s, size);
  free(s);
  return 0;
}
