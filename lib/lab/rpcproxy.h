/*
 * rpcproxy.h - the lab's RPC proxy (rpcproxy.c): Outlook Anywhere, RPC over
 * HTTP v2 in front of the back-end ports. A scenario row points at a
 * struct mc_lab_oa_profile; nothing else says what the proxy does.
 */
#ifndef MC_LAB_RPCPROXY_H
#define MC_LAB_RPCPROXY_H

#include <stdbool.h>

#include "lab/lab.h"
#include "lab/ntlm_server.h"

/* The back-end ports of a profile's .backends. */
enum { MC_LAB_OA_P6001 = 1, MC_LAB_OA_P6002 = 2, MC_LAB_OA_P6004 = 4, MC_LAB_OA_PALL = 7 };

/* ValidPorts as Exchange 2010 sets it for every name of EX01. */
#define MC_LAB_OA_FULL_VP "EX01:6001-6002;EX01:6004;ex01.contoso.local:6001-6002;" \
                          "ex01.contoso.local:6004;*:6001-6002;*:6004"

/* A scenario's RPC proxy (the .oa of its row). */
struct mc_lab_oa_profile {
  int version;                      /* 2010: ValidPorts; 2013: CAFE resolves names */
  bool published;
  bool basic, ntlm;
  const char *valid_ports;          /* 2010; "*" stands for the public name */
  unsigned backends;                /* ports that listen behind the proxy */
  bool account_changed;
  const char *auth;                 /* the --auth its command passes, or NULL */
  enum mc_lab_ep ep;                /* Extended Protection on /rpc */
};

/* Scenario start (scenarios.c rows with .oa). */
mc_code mc_lab_rpcproxy_start(struct mc_lab *lab, struct mc_lab_site *site);

#endif
