/*
 * status.h - the outcome of a step or the weight of a finding.
 *
 * Ordered by how much it matters for the verdict: a larger value wins when
 * statuses are combined. MC_UNKNOWN is what a step says when it could not
 * observe what it was meant to observe; it is never turned into a pass.
 */
#ifndef MC_MODEL_STATUS_H
#define MC_MODEL_STATUS_H

enum mc_status {
  MC_INFO = 0,    /* something worth knowing, no judgement */
  MC_SKIP,        /* not run, because a layer below failed or it was not asked for */
  MC_PASS,        /* observed and fine */
  MC_UNKNOWN,     /* could not be observed */
  MC_WARN,        /* works today, but a problem */
  MC_FAIL         /* broken */
};

/* "info", "skip", "pass", "unknown", "warn", "fail". */
const char *mc_status_name(enum mc_status s);

#endif
