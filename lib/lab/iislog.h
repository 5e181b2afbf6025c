/*
 * iislog.h - the IIS W3C log writer of the lab's servers (iislog.c).
 */
#ifndef MC_LAB_IISLOG_H
#define MC_LAB_IISLOG_H

#include <stdint.h>

#include "util/util.h"

/* One log per simulated server: W3SVC1/u_exYYMMDD.log. */
struct mc_lab_iislog;
struct mc_lab_iis_entry {
  const char *method, *stem, *query;     /* query as logged ("-" when empty) */
  int s_port;
  const char *username;                  /* NULL: "-" */
  const char *c_ip;
  const char *user_agent;                /* spaces become '+' */
  int status, substatus;
  unsigned long win32;
  int64_t time_taken_ms;
};
/* The log of server under dir: dir/SERVER/W3SVC1/u_exYYMMDD.log, made on
 * the first line (a server nothing reached has no log). */
struct mc_lab_iislog *mc_lab_iislog_new(const char *dir, const char *server);
void mc_lab_iislog_free(struct mc_lab_iislog *l);
void mc_lab_iislog_write(struct mc_lab_iislog *l, const struct mc_lab_iis_entry *e);

#endif
