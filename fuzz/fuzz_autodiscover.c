/*
 * fuzz_autodiscover.c - the Autodiscover parsers: the POX response, the
 * SOAP GetUserSettings response, and the URLs and addresses they carry
 * through the redirect policy. Invariants checked: a parse either fails
 * with a message or yields only printable, bounded strings; a URL the
 * policy calls safe is https in the domain.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/autodiscover.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_str(const char *s)
{
  if(s && strlen(s) > MC_AD_VALUE_MAX + 8)
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  const char *p = (const char *)data;
  char err[256];
  struct mc_ad_pox x;
  if(mc_ad_pox_parse(p, size, &x, err, sizeof err) == MC_OK) {
    check_str(x.action);
    check_str(x.redirect_url);
    for(size_t i = 0; i < x.nproto; i++)
      check_str(x.proto[i].ews_url);
    const char *urls[] = { x.redirect_url, x.redirect_addr, NULL };
    for(int i = 0; urls[i]; i++) {
      struct mc_ad_url u;
      if(mc_ad_redirect_policy(urls[i], "contoso.com", NULL, 0, &u) == MC_AD_SAFE &&
         (strcmp(u.scheme, "https") != 0 || !mc_ad_host_in_domain(u.host, "contoso.com")))
        abort();
    }
    if(x.redirect_addr)
      mc_ad_address_policy(x.redirect_addr, "contoso.com", NULL, 0);
    mc_ad_pox_release(&x);
  }
  else if(!err[0])
    abort();
  struct mc_ad_soap s;
  if(mc_ad_soap_parse(p, size, &s, err, sizeof err) == MC_OK) {
    for(size_t i = 0; i < s.nsettings; i++)
      check_str(s.settings[i].value);
    mc_ad_soap_release(&s);
  }
  else if(!err[0])
    abort();
  /* The raw bytes as a URL (NUL-terminated copy, bounded). */
  if(size < 2048) {
    char *u = malloc(size + 1);
    if(!u)
      return 0;
    memcpy(u, data, size);
    u[size] = '\0';
    struct mc_ad_url pu;
    if(mc_ad_redirect_policy(u, "contoso.com", NULL, 0, &pu) == MC_AD_SAFE &&
       !mc_ad_host_in_domain(pu.host, "contoso.com"))
      abort();
    char d[256];
    mc_ad_email_domain(u, d, sizeof d);
    free(u);
  }
  return 0;
}
