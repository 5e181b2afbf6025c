/*
 * fuzz_redact.c - the redaction every report text goes through
 * (lib/model/redact.c): the password's escaped spellings (URL, HTML/XML
 * references, backslashes) and base64 fragments are matched in whatever a
 * peer sent. It must accept anything, stay within its step budget, and
 * leave no literal copy of the password behind.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/redact.h"
#include "util/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static int registered;
  if(!registered) {
    /* Every escape class the matcher knows, in one password. */
    mc_redact_login("CONTOSO\\migadmin", "Pa%s s&w<rd>\\\"9q+");
    registered = 1;
  }
  size_t n;
  char *t = mc_redact((const char *)data, size, &n);
  if(n != strlen(t) && memchr(data, 0, size) == NULL)
    abort();
  if(mc_memcasemem(t, n, "Pa%s s&w<rd>\\\"9q+"))
    abort();
  free(t);
  return 0;
}
