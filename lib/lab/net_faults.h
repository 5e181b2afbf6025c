/*
 * net_faults.h - scenarios whose fault is below HTTP (net_faults.c): a port
 * that refuses, one that never answers, a reset, plain HTTP where TLS is
 * expected, a handshake that trickles.
 */
#ifndef MC_LAB_NET_FAULTS_H
#define MC_LAB_NET_FAULTS_H

#include "lab/lab.h"

mc_code mc_lab_refused_start(struct mc_lab *lab, struct mc_lab_site *site);
mc_code mc_lab_blackhole_start(struct mc_lab *lab, struct mc_lab_site *site);
mc_code mc_lab_reset_start(struct mc_lab *lab, struct mc_lab_site *site);
mc_code mc_lab_plain_http_start(struct mc_lab *lab, struct mc_lab_site *site);
mc_code mc_lab_trickle_start(struct mc_lab *lab, struct mc_lab_site *site);

#endif
