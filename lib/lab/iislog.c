/*
 * iislog.c - the lab writes what each simulated server saw the way IIS on
 * Exchange does: DIR/SERVER/W3SVC1/u_exYYMMDD.log, W3C extended format,
 * UTC times, the default #Fields line (Microsoft Learn: "W3C Logging", IIS), one file
 * per UTC day with its own header block. Lines are flushed as written so a
 * reader can follow the file while the lab runs.
 *
 * Thread-safe: connection threads of one server share one log.
 */
#include "lab/iislog.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define FIELDS "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port " \
               "cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus " \
               "sc-win32-status time-taken"

struct mc_lab_iislog {
  pthread_mutex_t mu;
  char dir[700];          /* DIR/SERVER/W3SVC1 */
  char day[40];           /* YYMMDD of the open file */
  FILE *f;
};

struct mc_lab_iislog *mc_lab_iislog_new(const char *dir, const char *server)
{
  struct mc_lab_iislog *l = mc_xcalloc(1, sizeof *l);
  pthread_mutex_init(&l->mu, NULL);
  snprintf(l->dir, sizeof l->dir, "%s/%s/W3SVC1", dir, server);
  return l;
}

void mc_lab_iislog_free(struct mc_lab_iislog *l)
{
  if(!l)
    return;
  if(l->f)
    fclose(l->f);
  pthread_mutex_destroy(&l->mu);
  free(l);
}

static void mkdirs(const char *path)
{
  char tmp[700];
  mc_strlcpy(tmp, path, sizeof tmp);
  for(char *p = tmp + 1; *p; p++) {
    if(*p == '/') {
      *p = '\0';
      mkdir(tmp, 0700);
      *p = '/';
    }
  }
  mkdir(tmp, 0700);
}

/* Copies s into out with spaces as '+' and nothing that breaks a W3C line. */
static void w3c_field(const char *s, char *out, size_t outlen)
{
  size_t k = 0;
  if(!s || !*s)
    s = "-";
  for(; *s && k + 1 < outlen; s++) {
    unsigned char c = (unsigned char)*s;
    out[k++] = c == ' ' ? '+' : (c < 0x21 || c == 0x7f) ? '_' : (char)c;
  }
  out[k] = '\0';
}

void mc_lab_iislog_write(struct mc_lab_iislog *l, const struct mc_lab_iis_entry *e)
{
  time_t now = time(NULL);
  struct tm tm;
  gmtime_r(&now, &tm);
  char day[40], date[16], clock[16];
  /* u_exYYMMDD: two-digit year, as IIS names its files. */
  snprintf(day, sizeof day, "%02d%02d%02d", tm.tm_year % 100, tm.tm_mon + 1, tm.tm_mday);
  strftime(date, sizeof date, "%Y-%m-%d", &tm);
  strftime(clock, sizeof clock, "%H:%M:%S", &tm);
  char method[32], stem[512], query[2048], user[160], ua[512];
  w3c_field(e->method, method, sizeof method);
  w3c_field(e->stem, stem, sizeof stem);
  w3c_field(e->query, query, sizeof query);
  w3c_field(e->username, user, sizeof user);
  w3c_field(e->user_agent, ua, sizeof ua);
  pthread_mutex_lock(&l->mu);
  if(!l->f || strcmp(day, l->day) != 0) {
    if(l->f)
      fclose(l->f);
    mkdirs(l->dir);
    char path[800];
    snprintf(path, sizeof path, "%s/u_ex%s.log", l->dir, day);
    l->f = fopen(path, "a");
    mc_strlcpy(l->day, day, sizeof l->day);
    if(l->f && ftell(l->f) == 0)
      fprintf(l->f, "#Software: Microsoft Internet Information Services 10.0\r\n"
              "#Version: 1.0\r\n#Date: %s %s\r\n" FIELDS "\r\n", date, clock);
  }
  if(l->f) {
    fprintf(l->f, "%s %s 127.0.0.1 %s %s %s %d %s %s %s - %d %d %lu %lld\r\n", date, clock,
            method, stem, query, e->s_port, user, e->c_ip ? e->c_ip : "-", ua, e->status,
            e->substatus, e->win32, (long long)e->time_taken_ms);
    fflush(l->f);
  }
  pthread_mutex_unlock(&l->mu);
}
