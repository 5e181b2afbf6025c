/*
 * ports.c - migcheck ports: what an admin does with telnet, for every address
 * of the name at once. Resolve (all addresses, v4 and v6), then connect to
 * every (address, port) concurrently and say for each whether it is open,
 * refused, unanswered, reset or unreachable.
 */
#include "checks/checks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The least time a connected socket is watched for a reset or a close
 * (more on a slow path: see mc_tcp_probe_many). */
#define SETTLE_MS 50

static void port_finding(struct mc_report *r, struct mc_step *s,
                         const struct mc_tcp_probe *p, const char *host)
{
  /* "mail.contoso.com port 443 at 203.0.113.10", or just the address when
   * that is what the user gave. */
  char where[200];
  if(strcmp(host, p->addr.text) == 0)
    snprintf(where, sizeof where, "%s port %d", host, p->port);
  else
    snprintf(where, sizeof where, "%s port %d at %s", host, p->port, p->addr.text);
  switch(p->outcome) {
  case MC_TCP_REFUSED:
    mc_step_find(r, s, MC_CAUSE_TCP_REFUSED, "%s: connection refused", where);
    break;
  case MC_TCP_TIMEOUT:
    mc_step_find(r, s, MC_CAUSE_TCP_TIMEOUT, "%s: no answer in %lld ms", where,
                 (long long)p->connect_ms);
    break;
  case MC_TCP_RESET:
    mc_step_find(r, s, MC_CAUSE_TCP_RESET, "%s: accepted, then reset", where);
    break;
  case MC_TCP_CLOSED:
    mc_step_find(r, s, MC_CAUSE_TCP_RESET, "%s: accepted, then closed at once", where);
    break;
  default:
    break;
  }
}

struct mc_report *mc_check_ports(const struct mc_target *t)
{
  struct mc_report *r = mc_report_new("ports", t->host);
  int defaults[] = { 443 };
  int legacy[] = { 6001, 6002, 6004 };
  int ports[64];
  size_t np = 0;
  if(t->ports.n) {
    for(size_t i = 0; i < t->ports.n && np < 60; i++)
      ports[np++] = t->ports.list[i];
  }
  else
    ports[np++] = defaults[0];
  if(t->ports.legacy_rpc) {
    for(size_t k = 0; k < 3; k++) {
      bool have = false;
      for(size_t i = 0; i < np; i++)
        have = have || ports[i] == legacy[k];
      if(!have)
        ports[np++] = legacy[k];
    }
  }

  /* Overrides are per port, so resolve for each port; DNS answers are the
   * same for every port, so only the first resolution makes a step. */
  struct mc_dns_result *dns = mc_xcalloc(np, sizeof *dns);
  if(!mc_walk_dns(r, NULL, t, ports[0], &dns[0])) {
    free(dns);
    return r;
  }
  size_t total = dns[0].naddrs;
  for(size_t i = 1; i < np; i++) {
    mc_resolve(&t->net, t->host, ports[i], &dns[i]);
    if(dns[i].outcome != dns[0].outcome || dns[i].naddrs == 0)
      dns[i] = dns[0];
    total += dns[i].naddrs;
  }

  struct mc_tcp_probe *probes = mc_xcalloc(total, sizeof *probes);
  size_t k = 0;
  for(size_t i = 0; i < np; i++) {
    for(size_t a = 0; a < dns[i].naddrs; a++) {
      probes[k].addr = dns[i].addrs[a];
      probes[k].port = ports[i];
      k++;
    }
  }
  struct mc_step *all = mc_step_add(r, NULL, "Connect to %zu port%s on %zu address%s",
                                    np, np == 1 ? "" : "s", dns[0].naddrs,
                                    dns[0].naddrs == 1 ? "" : "es");
  mc_tcp_probe_many(probes, total, t->timeout_ms, SETTLE_MS);

  size_t open = 0, failed = 0;
  for(size_t i = 0; i < total; i++) {
    const struct mc_tcp_probe *p = &probes[i];
    bool v6 = p->addr.family == AF_INET6;
    struct mc_step *s = mc_step_add(r, all, "TCP %s%s%s port %d", v6 ? "[" : "",
                                    p->addr.text, v6 ? "]" : "", p->port);
    mc_step_set_duration(s, p->connect_ms);
    if(p->banner_len) {
      char *b = mc_printable(p->banner, p->banner_len, 120);
      mc_step_ev(s, "first bytes", "%s", b);
      free(b);
    }
    if(p->err && p->outcome != MC_TCP_OPEN)
      mc_step_ev(s, "error", "%s", strerror(p->err));
    port_finding(r, s, p, t->host);
    enum mc_status st = MC_PASS;
    if(p->outcome == MC_TCP_UNREACHABLE || p->outcome == MC_TCP_ERROR) {
      /* No catalogue cause fits a route problem on our side better than
       * saying it plainly; it is not something the server did. */
      st = MC_UNKNOWN;
    }
    else if(p->outcome != MC_TCP_OPEN) {
      st = MC_FAIL;
      failed++;
    }
    else
      open++;
    mc_step_done(r, s, st, "%s in %lld ms", mc_tcp_outcome_name(p->outcome),
                 (long long)p->connect_ms);
  }
  enum mc_status st = failed ? MC_FAIL : open == total ? MC_PASS : MC_UNKNOWN;
  mc_step_done(r, all, st, "%zu of %zu open", open, total);
  if(open + failed < total && open == 0 && failed == 0)
    mc_report_incomplete(r, "no address could be reached from this machine (no route "
                         "or a local error); that says nothing about the server");
  free(probes);
  free(dns);
  return r;
}
