/*
 * scenarios.h - the start functions the scenario table (scenarios.c) names.
 * One per kind of server behaviour; the row's fields say the details.
 */
#ifndef MC_LAB_SCENARIOS_H
#define MC_LAB_SCENARIOS_H

#include "lab/lab.h"

/* net_faults.c */
mc_code mc_lab_refused_start(struct mc_lab *lab, struct mc_lab_site *site);
mc_code mc_lab_blackhole_start(struct mc_lab *lab, struct mc_lab_site *site);
mc_code mc_lab_reset_start(struct mc_lab *lab, struct mc_lab_site *site);
mc_code mc_lab_plain_http_start(struct mc_lab *lab, struct mc_lab_site *site);
mc_code mc_lab_trickle_start(struct mc_lab *lab, struct mc_lab_site *site);

/* hostile.c: peers that attack the client (endless bodies, bombs, drips) */
mc_code mc_lab_hostile_start(struct mc_lab *lab, struct mc_lab_site *site);

/* rpcproxy.c: the RPC proxy (Outlook Anywhere) */
mc_code mc_lab_rpcproxy_start(struct mc_lab *lab, struct mc_lab_site *site);

#endif
