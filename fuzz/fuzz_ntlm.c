/*
 * fuzz_ntlm.c - NTLM messages from a peer: the client's Type 2 reader (raw
 * and base64) and the lab's Type 3 checker must refuse anything malformed
 * without reading outside the message.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lab/ews_lab.h"
#include "proto/ntlm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if(size > 65536)
    return 0;
  unsigned char *p = malloc(size ? size : 1);
  if(!p)
    return 0;
  memcpy(p, data, size);
  struct mc_ntlm_info info;
  if(mc_ntlm_challenge_parse(p, size, &info) == MC_OK) {
    if(strlen(info.nb_computer) >= sizeof info.nb_computer)
      abort();
  }
  (void)mc_lab_ntlm_type(p, size);
  static const unsigned char ch[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
  char who[160];
  (void)mc_lab_ntlm_verify(p, size, ch, "CONTOSO", "migadmin", "pw", NULL, who, sizeof who);
  char *s = malloc(size + 1);
  if(s) {
    memcpy(s, data, size);
    s[size] = '\0';
    (void)mc_ntlm_challenge_parse_b64(s, &info);
    free(s);
  }
  free(p);
  return 0;
}
