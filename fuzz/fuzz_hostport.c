/*
 * fuzz_hostport.c - the parsers of user-given network names: HOST[:PORT],
 * --resolve HOST:PORT:ADDR[,ADDR] and --dns-server ADDR[:PORT].
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/net.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if(size > 4096)
    return 0;
  char *s = malloc(size + 1);
  if(!s)
    return 0;
  memcpy(s, data, size);
  s[size] = '\0';
  char *host = NULL;
  int port;
  if(mc_net_split_host_port(s, &host, &port, 443)) {
    if(!host || port < 1 || port > 65535)
      abort();
    free(host);
  }
  struct mc_net_opts o = { 0 };
  char err[256];
  if(mc_net_add_override(&o, s, err, sizeof err) == MC_OK) {
    if(o.noverrides != 1 || o.overrides[0].naddrs == 0)
      abort();
  }
  mc_net_opts_release(&o);
  (void)mc_net_valid_dns_server(s);
  (void)mc_name_is_internal(s);
  free(s);
  return 0;
}
