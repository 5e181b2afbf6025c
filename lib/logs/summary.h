/*
 * summary.h - the counters of a log scan as a file (`migcheck logs
 * --summary`), read back and merged (`--merge`): each server summarizes its
 * own logs, one machine merges and judges, with the same result as one run
 * over all the logs. The format is in summary.c. Internal to lib/logs and
 * the fuzz target.
 */
#ifndef MC_LOGS_SUMMARY_H
#define MC_LOGS_SUMMARY_H

#include "logs/logs.h"

/* The options the counts were made with (they decide what was counted). */
struct mc_logs_summary_meta {
  bool has_since, has_until;
  int64_t since, until;
  char run_id[24];              /* "" when none */
};

mc_code mc_logs_summary_write(const struct mc_logs_scan *s, const struct mc_logs_opts *o,
                              const char *path, char *err, size_t errlen);
/* Parses a summary held in memory; MC_ERR_PARSE with the line in err. out
 * is released on failure. */
mc_code mc_logs_summary_parse(const char *text, size_t n, struct mc_logs_scan *out,
                              struct mc_logs_summary_meta *meta, char *err, size_t errlen);
mc_code mc_logs_summary_read(const char *path, struct mc_logs_scan *out,
                             struct mc_logs_summary_meta *meta, char *err, size_t errlen);
/* Appends from's files (shifting the file indices of its examples and
 * hits) and adds its counts to into; from is released. into is a scan
 * this function made (zeroed, then merged into): its clients are one
 * table, whatever parts from's are in. */
void mc_logs_scan_merge(struct mc_logs_scan *into, struct mc_logs_scan *from);
uint64_t mc_logs_clients_dropped(const struct mc_logs_scan *s);

#endif
