/*
 * backends.c - every back end on a failing step: which server gave an HTTP
 * answer, and whether the servers behind one name answer the same request
 * alike.
 *
 * Exchange Online meets every server a load balancer spreads it over. A
 * check that sees a failing answer repeats the request on new connections
 * (the --repeat budget) and hands all answers here: grouped by the server
 * that gave them (the front end's X-FEServer, X-BEServer,
 * X-CalculatedBETarget, or the NTLM challenge's computer name), good and bad
 * answers from different servers are LB_INCONSISTENT_BACKENDS, raised before
 * the bad server's own cause so that it ranks first. It judges answers; it
 * sends nothing itself.
 */
#include "checks/checks.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "http/http.h"
#include "proto/ntlm.h"

void mc_backend_identity(const struct mc_http_resp *resp, char *out, size_t outlen)
{
  static const char *const names[] = { "X-FEServer", "X-BEServer", "X-CalculatedBETarget",
                                       NULL };
  out[0] = '\0';
  for(int k = 0; names[k] && !out[0]; k++) {
    for(size_t i = 0; i < resp->nmsgs && !out[0]; i++) {
      const char *v = mc_http_header(&resp->msgs[i], names[k]);
      if(v && *v)
        mc_strlcpy(out, v, outlen);
    }
  }
  /* A front end that proxies to several back ends: the back end decides. */
  const char *be = NULL;
  for(size_t i = 0; i < resp->nmsgs && !be; i++)
    be = mc_http_header(&resp->msgs[i], "X-BEServer");
  if(out[0] && be && *be && strcasecmp(be, out) != 0) {
    char fe[128];
    mc_strlcpy(fe, out, sizeof fe);
    snprintf(out, outlen, "%s (back end %s)", fe, be);
  }
  const char *ch = mc_http_ntlm_challenge(resp);
  struct mc_ntlm_info ni;
  if(!out[0] && ch && mc_ntlm_challenge_parse_b64(ch, &ni) == MC_OK)
    mc_strlcpy(out, ni.nb_computer[0] ? ni.nb_computer : ni.dns_computer, outlen);
}

struct group {
  const char *server;
  const char *what;
  bool good;
  size_t count;
};

bool mc_backends_judge(struct mc_report *r, struct mc_step *s,
                       const struct mc_backend_answer *v, size_t n, const char *request)
{
  struct group g[MC_BACKENDS_MAX];
  size_t ng = 0;
  for(size_t i = 0; i < n && i < MC_BACKENDS_MAX; i++) {
    const char *server = v[i].server[0] ? v[i].server : "(unnamed)";
    size_t k = 0;
    while(k < ng && !(strcmp(g[k].server, server) == 0 && strcmp(g[k].what, v[i].what) == 0))
      k++;
    if(k == ng)
      g[ng++] = (struct group){ .server = server, .what = v[i].what, .good = v[i].good };
    g[k].count++;
  }
  struct mc_buf good = MC_BUF_INIT(4096), bad = MC_BUF_INIT(4096);
  bool named_good = false, named_bad = false;
  for(size_t k = 0; k < ng; k++) {
    mc_step_ev(s, "server", "%s: %s, %zu of %zu answers", g[k].server, g[k].what, g[k].count,
               n);
    struct mc_buf *b = g[k].good ? &good : &bad;
    mc_buf_printf(b, "%s%s (%s, %zu of %zu)", b->len ? "; " : "", g[k].server, g[k].what,
                  g[k].count, n);
    /* Unnamed answers cannot tell servers apart on their own. */
    if(strcmp(g[k].server, "(unnamed)") != 0) {
      named_good = named_good || g[k].good;
      named_bad = named_bad || !g[k].good;
    }
  }
  bool mixed = good.len && bad.len;
  if(mixed)
    mc_step_find(r, s, MC_CAUSE_LB_INCONSISTENT_BACKENDS, "%s got different answers on new "
                 "connections: bad from %s; good from %s%s", request, bad.ptr, good.ptr,
                 named_good && named_bad ? "" : " (the answers do not all name their server)");
  mc_buf_release(&good);
  mc_buf_release(&bad);
  return mixed;
}

static void answer_of(const struct mc_http_resp *resp, bool good, struct mc_backend_answer *a)
{
  mc_backend_identity(resp, a->server, sizeof a->server);
  a->good = good;
  snprintf(a->what, sizeof a->what, "%s", resp->final ? resp->final->status_line :
           mc_http_error_name(resp->error));
}

bool mc_backends_recheck(struct mc_report *r, struct mc_step *parent,
                         struct mc_http_client *http, const struct mc_http_req *q,
                         const struct mc_http_resp *first, size_t n,
                         bool (*good)(const struct mc_http_resp *resp))
{
  struct mc_http_req rq[MC_BACKENDS_MAX];
  struct mc_http_resp rr[MC_BACKENDS_MAX];
  struct mc_backend_answer ans[MC_BACKENDS_MAX];
  if(n >= MC_BACKENDS_MAX)
    n = MC_BACKENDS_MAX - 1;
  for(size_t k = 0; k < n; k++)
    rq[k] = *q;
  if(!n || mc_http_perform(http, rq, rr, n) != MC_OK)
    return false;
  struct mc_step *s = mc_step_add(r, parent, "%s %s again on %zu new connections: which "
                                  "servers answer?", q->method, q->path, n);
  answer_of(first, good(first), &ans[0]);
  for(size_t k = 0; k < n; k++) {
    answer_of(&rr[k], good(&rr[k]), &ans[k + 1]);
    mc_step_ev(s, "answer", "#%zu %s: %s", k + 1, ans[k + 1].server[0] ? ans[k + 1].server :
               "(unnamed)", ans[k + 1].what);
    mc_http_resp_release(&rr[k]);
  }
  char what[300];
  snprintf(what, sizeof what, "%s %s", q->method, q->path);
  bool mixed = mc_backends_judge(r, s, ans, n + 1, what);
  mc_step_done(r, s, mixed ? MC_FAIL : MC_INFO, "%s", mixed ? "the servers answer "
               "differently" : "every new connection got the same answer");
  return mixed;
}
