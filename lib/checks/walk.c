/*
 * walk.c - the lower layers every check walks first, named the same way
 * everywhere: DNS (DNS_NOT_FOUND, DNS_PRIVATE_ADDRESS) and target cleanup.
 */
#include "checks/checks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/secret.h"

void mc_target_release(struct mc_target *t)
{
  free(t->host);
  free(t->sni);
  free(t->ca_file);
  free(t->user);
  mc_secret_free_str(t->password);   /* wiped, unlocked, freed */
  mc_net_opts_release(&t->net);
  free(t->ports.list);
  free(t->oa.exchange_server);
  free(t->ad.email);
  for(size_t i = 0; i < t->ad.nallow_redirect; i++)
    free(t->ad.allow_redirect[i]);
  free(t->ad.allow_redirect);
  memset(t, 0, sizeof *t);
}

bool mc_walk_dns(struct mc_report *r, struct mc_step *parent, const struct mc_target *t,
                 int port, struct mc_dns_result *out)
{
  struct mc_step *s = mc_step_add(r, parent, "Resolve %s", t->host);
  mc_resolve(&t->net, t->host, port, out);
  mc_step_set_duration(s, out->ms);
  if(out->outcome == MC_DNS_OK || out->outcome == MC_DNS_OVERRIDE ||
     out->outcome == MC_DNS_LITERAL) {
    struct mc_buf list = MC_BUF_INIT(4096);
    for(size_t i = 0; i < out->naddrs; i++)
      mc_buf_printf(&list, "%s%s", i ? ", " : "", out->addrs[i].text);
    mc_step_ev(s, "source", "%s", out->detail);
    mc_step_ev(s, "addresses", "%s", list.ptr ? list.ptr : "");
    /* Only what DNS says is what Exchange Online sees: an override or a
     * literal is the user's choice and is not judged. */
    if(out->outcome == MC_DNS_OK && !mc_name_is_internal(t->host)) {
      for(size_t i = 0; i < out->naddrs; i++) {
        const char *kind = mc_addr_private_kind(&out->addrs[i]);
        if(kind)
          mc_step_find(r, s, MC_CAUSE_DNS_PRIVATE_ADDRESS,
                       "%s resolves to %s, a %s address Exchange Online cannot reach",
                       t->host, out->addrs[i].text, kind);
      }
    }
    mc_step_done(r, s, MC_PASS, "%zu address%s (%s)", out->naddrs,
                 out->naddrs == 1 ? "" : "es", list.ptr ? list.ptr : "");
    mc_buf_release(&list);
    return true;
  }
  mc_step_ev(s, "answer", "%s: %s", mc_dns_outcome_name(out->outcome), out->detail);
  if(out->outcome == MC_DNS_NXDOMAIN || out->outcome == MC_DNS_NODATA) {
    mc_step_find(r, s, MC_CAUSE_DNS_NOT_FOUND, "%s: %s", t->host, mc_dns_outcome_name(out->outcome));
    mc_step_done(r, s, MC_FAIL, "%s", mc_dns_outcome_name(out->outcome));
  }
  else {
    /* A timeout or server failure says nothing about the name itself. */
    mc_step_done(r, s, MC_UNKNOWN, "the resolver did not answer: %s", out->detail);
    mc_report_incomplete(r, "name resolution for %s failed (%s), so nothing beyond it "
                         "was checked", t->host, out->detail);
  }
  return false;
}

bool mc_walk_to_tcp(struct mc_report *r, const struct mc_target *t, int port, bool tls,
                    const struct mc_front_probe *fp, struct mc_addr *addr)
{
  if(t->insecure)
    mc_report_note(r, "certificate verification was turned off (--insecure): certificate "
                   "problems are shown as warnings");
  struct mc_dns_result dns;
  if(!mc_walk_dns(r, NULL, t, port, &dns))
    return false;
  *addr = dns.addrs[mc_walk_every_address(r, NULL, t, port, &dns, tls, fp)];
  return mc_walk_tcp(r, NULL, t, addr, port);
}

void mc_walk_http_end(struct mc_report *r, const struct mc_target *t, const char *addr, int port,
                      bool tls_failed, struct mc_buf *traffic)
{
  if(tls_failed && !t->insecure) {
    /* Servers behind one address with different certificates: find the bad one. */
    struct mc_addr at;
    if(mc_addr_parse(addr, port, &at))
      mc_walk_tls_hunt(r, NULL, t, &at, port, 6);
  }
  mc_buf_addch(traffic, ']');
  mc_report_section(r, "traffic", traffic->ptr);
  mc_buf_release(traffic);
}
