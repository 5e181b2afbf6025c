/*
 * fuzz_ntlm.c - NTLM messages from a peer: the client's Type 2 reader (raw
 * and base64) and the Type 3 it builds from whatever parsed, the channel
 * binding of a certificate the server sent, and the lab's Type 3 checker
 * (with Extended Protection and the MIC) must refuse anything malformed
 * without reading outside the message.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lab/ntlm_server.h"
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
  static const unsigned char cc[8] = { 9, 9, 9, 9, 9, 9, 9, 9 }, key[16] = { 7 };
  if(mc_ntlm_challenge_parse(p, size, &info) == MC_OK) {
    if(strlen(info.nb_computer) >= sizeof info.nb_computer ||
       info.target_info_len > sizeof info.target_info)
      abort();
    struct mc_buf t1 = MC_BUF_INIT(1024), t3 = MC_BUF_INIT(16384);
    mc_ntlm_negotiate(&t1);
    struct mc_ntlm_auth_params a = { .user = "CONTOSO\\migadmin", .password = "pw",
                                     .spn = "HTTP/mail.contoso.test", .cbt = key,
                                     .client_challenge = cc, .session_key = key };
    struct mc_ntlm_sent sent;
    if(mc_ntlm_authenticate(&a, (const unsigned char *)t1.ptr, t1.len, p, size, &info, &t3,
                            &sent) == MC_OK && t3.len < 88)
      abort();
    mc_buf_release(&t1);
    mc_buf_release(&t3);
  }
  else if(!info.error[0])
    abort();                          /* every refusal says why */
  unsigned char cbt[16];
  char name[16], hash[130];
  (void)mc_ntlm_channel_binding(p, size, cbt, name, sizeof name, hash, sizeof hash);
  (void)mc_lab_ntlm_type(p, size);
  static const unsigned char ch[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
  char who[160];
  (void)mc_lab_ntlm_verify(p, size, ch, "CONTOSO", "migadmin", "pw", NULL, who, sizeof who);
  struct mc_lab_ntlm_ep ep = { .mode = MC_LAB_EP_REQUIRE, .binding = key, .t1 = p,
                               .n1 = size < 40 ? size : 40, .t2 = p, .n2 = size };
  (void)mc_lab_ntlm_verify(p, size, ch, "CONTOSO", "migadmin", "pw", &ep, who, sizeof who);
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
