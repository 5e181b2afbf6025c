/*
 * request.c - what every HTTP request of a check carries, set in one place:
 * the target's host, trust (ca_file, --insecure), deadline, login and
 * channel-binding choice, and the run id (User-Agent and query string) that
 * lets an administrator find the requests in the IIS logs. It builds
 * requests; it sends nothing (lib/http does).
 */
#include "checks/checks.h"

#include <stdio.h>
#include <string.h>

#include "version.h"

void mc_run_tag_init(struct mc_run_tag *tag, const struct mc_report *r, const char *ua_prefix,
                     bool query)
{
  snprintf(tag->ua, sizeof tag->ua, "%smigcheck/%s (run %s)", ua_prefix ? ua_prefix : "",
           MC_VERSION, r->run_id);
  tag->query[0] = '\0';
  if(query)
    snprintf(tag->query, sizeof tag->query, "migcheck=%s", r->run_id);
}

void mc_target_req(const struct mc_target *t, const struct mc_run_tag *tag, const char *addr,
                   int port, const char *method, const char *path, enum mc_http_auth auth,
                   struct mc_http_req *q)
{
  memset(q, 0, sizeof *q);
  q->method = method;
  q->host = t->host;
  q->port = port;
  q->addr = addr;
  q->path = path;
  q->query = tag && tag->query[0] ? tag->query : NULL;
  q->user_agent = tag ? tag->ua : NULL;
  q->ca_file = t->ca_file;
  q->insecure = t->insecure;
  q->timeout_ms = t->timeout_ms;
  q->no_channel_binding = t->no_channel_binding;
  mc_target_login(t, auth, q);
}

void mc_target_login(const struct mc_target *t, enum mc_http_auth auth, struct mc_http_req *q)
{
  q->auth = auth;
  q->user = auth != MC_HTTP_AUTH_NONE ? t->user : NULL;
  q->password = auth != MC_HTTP_AUTH_NONE ? t->password : NULL;
}
