/*
 * addresses.c - every address of the name: the part of the shared walk that
 * meets the name the way Exchange Online does, on whichever A or AAAA record
 * DNS hands it.
 *
 * With one address this records only how many were walked and costs no
 * round trip. With several, each address gets, concurrently, a TCP connect,
 * a TLS handshake as Exchange Online's client makes it (when the check
 * speaks TLS) and the check's front-door
 * request without credentials; the answers are compared with those of the
 * first healthy address, which the deeper walk then takes. An address that
 * refuses, times out, resets, fails the handshake, presents another
 * certificate or answers differently is a finding naming that address,
 * under DNS_ADDRESSES_DISAGREE, raised first so it ranks first.
 *
 * It is not the deep walk: logins, repeats and protocol steps stay in each
 * check, on the one address chosen here.
 */
#include "checks/checks.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/ssl.h>

#include "http/http.h"
#include "tls/tls.h"
#include "util/json.h"

/* What one address showed. */
struct seen {
  const struct mc_addr *addr;
  struct mc_tcp_probe tcp;
  bool tls_tried;
  struct mc_tls_result tls;
  bool http_tried;
  struct mc_http_resp http;
};

struct tls_job {
  struct seen *s;
  const struct mc_target *t;
  int port;
  pthread_t th;
  bool started;
};

static void *tls_main(void *arg)
{
  struct tls_job *j = arg;
  struct mc_tls_opts o = {
    .addr = j->s->addr, .port = j->port, .sni = mc_target_tls_name(j->t),
    .min_version = TLS1_VERSION, .max_version = TLS1_3_VERSION,
    .deadline_ms = mc_now_ms() + j->t->timeout_ms, .want_chain = true,
    .ca_file = j->t->ca_file, .verify_name = mc_target_tls_name(j->t),
  };
  /* As Exchange Online's client offers it (tls.c's walk does the same). */
  char c12[1024], c13[256];
  mc_tls_schannel_opts(&o, c12, sizeof c12, c13, sizeof c13);
  mc_tls_probe(&o, &j->s->tls);
  return NULL;
}

/* Handshakes on every address that connected, at most MC_MAX_ADDRS at once
 * (one thread each; the result tree is only touched afterwards). */
static void tls_all(struct seen *v, size_t n, const struct mc_target *t, int port)
{
  struct tls_job jobs[MC_MAX_ADDRS];
  memset(jobs, 0, sizeof jobs);
  for(size_t i = 0; i < n; i++) {
    if(v[i].tcp.outcome != MC_TCP_OPEN)
      continue;
    v[i].tls_tried = true;
    jobs[i] = (struct tls_job){ .s = &v[i], .t = t, .port = port };
    jobs[i].started = pthread_create(&jobs[i].th, NULL, tls_main, &jobs[i]) == 0;
    if(!jobs[i].started)
      tls_main(&jobs[i]);
  }
  for(size_t i = 0; i < n; i++) {
    if(jobs[i].started)
      pthread_join(jobs[i].th, NULL);
  }
}

static bool tls_good(const struct seen *s, const struct mc_target *t)
{
  return s->tls.outcome == MC_TLS_OK && (t->insecure || (s->tls.verified && s->tls.name_ok));
}

/* Whether this machine could not reach the address at all (no route, an
 * error of its own): nothing was seen there, what Exchange Online meets
 * there is not known, and it is compared with nothing (as ports says). */
static bool unseen(const struct seen *s)
{
  return s->tcp.outcome == MC_TCP_UNREACHABLE || s->tcp.outcome == MC_TCP_ERROR;
}

static bool healthy(const struct seen *s, const struct mc_target *t, bool tls)
{
  if(s->tcp.outcome != MC_TCP_OPEN)
    return false;
  if(tls && !tls_good(s, t))
    return false;
  return !s->http_tried || s->http.error == MC_HTTP_OK;
}

static const char *leaf_hash(const struct seen *s)
{
  return s->tls.outcome == MC_TLS_OK && s->tls.nchain ? s->tls.chain[0].sha256 : "";
}

static void bracketed(const struct mc_addr *a, char *out, size_t outlen)
{
  bool v6 = a->family == AF_INET6;
  snprintf(out, outlen, "%s%s%s", v6 ? "[" : "", a->text, v6 ? "]" : "");
}

/* One line for what an address showed. */
static void describe(const struct seen *s, char *out, size_t outlen)
{
  if(s->tcp.outcome != MC_TCP_OPEN) {
    snprintf(out, outlen, "TCP %s", mc_tcp_outcome_name(s->tcp.outcome));
    return;
  }
  if(s->tls_tried && s->tls.outcome != MC_TLS_OK) {
    snprintf(out, outlen, "TLS %s%s%s", mc_tls_outcome_name(s->tls.outcome),
             s->tls.detail[0] ? ": " : "", s->tls.detail);
    return;
  }
  char tls[200] = "";
  if(s->tls_tried)
    snprintf(tls, sizeof tls, "%s, certificate %.23s...%s; ", s->tls.version, leaf_hash(s),
             s->tls.verified && s->tls.name_ok ? "" : " (not trusted for the name)");
  if(!s->http_tried)
    snprintf(out, outlen, "%sconnected", tls);
  else if(s->http.error != MC_HTTP_OK)
    snprintf(out, outlen, "%s%s", tls, mc_http_error_name(s->http.error));
  else {
    const char *server = mc_http_header(s->http.final, "Server");
    snprintf(out, outlen, "%sHTTP %d (%s)", tls, s->http.status,
             server ? server : "no Server header");
  }
}

/* What differs between s and the reference; "" when nothing does. */
static void difference(const struct seen *s, const struct seen *ref, char *out, size_t outlen)
{
  out[0] = '\0';
  if(s->tcp.outcome != ref->tcp.outcome)
    snprintf(out, outlen, "TCP %s where %s connected", mc_tcp_outcome_name(s->tcp.outcome),
             ref->addr->text);
  else if(s->tcp.outcome != MC_TCP_OPEN)
    return;
  else if(s->tls_tried && s->tls.outcome != ref->tls.outcome)
    snprintf(out, outlen, "TLS %s where %s completed the handshake",
             mc_tls_outcome_name(s->tls.outcome), ref->addr->text);
  else if(s->tls_tried && strcmp(leaf_hash(s), leaf_hash(ref)) != 0)
    snprintf(out, outlen, "presents another certificate (\"%s\", sha256 %.23s...) than %s "
             "(\"%s\")", s->tls.nchain ? s->tls.chain[0].subject : "?", leaf_hash(s),
             ref->addr->text, ref->tls.nchain ? ref->tls.chain[0].subject : "?");
  else if(s->http_tried && (s->http.error != ref->http.error ||
                            s->http.status != ref->http.status)) {
    char a[200], b[200];
    describe(s, a, sizeof a);
    describe(ref, b, sizeof b);
    snprintf(out, outlen, "answers differently: %s, where %s gave %s", a, ref->addr->text, b);
  }
}

/* The finding an address's own failure names (the lower layer's cause). */
static void own_cause(struct mc_report *r, struct mc_step *s, const struct seen *v,
                      const struct mc_target *t, int port)
{
  const char *a = v->addr->text;
  switch(v->tcp.outcome) {
  case MC_TCP_OPEN:
    break;
  case MC_TCP_REFUSED:
    mc_step_find(r, s, MC_CAUSE_TCP_REFUSED, "%s port %d: connection refused", a, port);
    return;
  case MC_TCP_TIMEOUT:
    mc_step_find(r, s, MC_CAUSE_TCP_TIMEOUT, "%s port %d: no answer in %d ms", a, port,
                 t->timeout_ms);
    return;
  case MC_TCP_RESET:
  case MC_TCP_CLOSED:
    mc_step_find(r, s, MC_CAUSE_TCP_RESET, "%s port %d: %s", a, port,
                 mc_tcp_outcome_name(v->tcp.outcome));
    return;
  default:
    return;
  }
  if(!v->tls_tried)
    return;
  if(v->tls.outcome == MC_TLS_NOT_TLS) {
    mc_step_find(r, s, MC_CAUSE_TLS_NOT_TLS, "%s port %d answered with %s", a, port, v->tls.detail);
    return;
  }
  if(v->tls.outcome != MC_TLS_OK) {
    mc_step_find(r, s, MC_CAUSE_TLS_HANDSHAKE_FAILED, "%s port %d: %s: %s", a, port,
                 mc_tls_outcome_name(v->tls.outcome),
                 v->tls.detail[0] ? v->tls.detail : "no detail");
    return;
  }
  enum mc_status sev = t->insecure ? MC_WARN : MC_INFO;
  if(!v->tls.name_ok)
    mc_step_find_sev(r, s, MC_CAUSE_TLS_CERT_NAME_MISMATCH, sev, "%s presents a certificate without "
                     "\"%s\": %s", a, mc_target_tls_name(t),
                     v->tls.nchain && v->tls.chain[0].sans ? v->tls.chain[0].sans : "(none)");
  else if(!v->tls.verified)
    mc_step_find_sev(r, s, MC_CAUSE_TLS_CERT_UNTRUSTED, sev, "%s presents a certificate that does "
                     "not verify: %s", a, v->tls.verify_text);
}

static void json_section(struct mc_report *r, const struct mc_target *t,
                         const struct seen *v, size_t n, size_t pick, const bool *bad)
{
  struct mc_buf b = MC_BUF_INIT(1 << 16);
  struct mc_json j;
  mc_json_init(&j, &b, false);
  mc_json_obj_begin(&j);
  mc_json_kstr(&j, "name", t->host);
  mc_json_kint(&j, "walked", (int64_t)n);
  mc_json_kstr(&j, "deep_walk", v[pick].addr->text);
  mc_json_key(&j, "each");
  mc_json_arr_begin(&j);
  for(size_t i = 0; i < n; i++) {
    char what[400];
    describe(&v[i], what, sizeof what);
    mc_json_obj_begin(&j);
    mc_json_kstr(&j, "address", v[i].addr->text);
    mc_json_kstr(&j, "family", v[i].addr->family == AF_INET6 ? "ipv6" : "ipv4");
    mc_json_kstr(&j, "tcp", n > 1 ? mc_tcp_outcome_name(v[i].tcp.outcome) : NULL);
    mc_json_kstr(&j, "observed", n > 1 ? what : NULL);
    mc_json_key(&j, "agrees");
    if(n > 1 && unseen(&v[i]))
      mc_json_null(&j);
    else
      mc_json_bool(&j, !bad[i]);
    mc_json_obj_end(&j);
  }
  mc_json_arr_end(&j);
  mc_json_obj_end(&j);
  mc_report_section_append(r, "addresses", b.ptr);
  mc_buf_release(&b);
}

/* The front door on every address that got this far, all at once. */
static void front_all(struct seen *v, size_t n, const struct mc_target *t, int port, bool tls,
                      const struct mc_front_probe *fp)
{
  struct mc_http_req q[MC_MAX_ADDRS];
  size_t idx[MC_MAX_ADDRS], nq = 0;
  struct mc_http_resp resp[MC_MAX_ADDRS];
  for(size_t i = 0; i < n; i++) {
    if(v[i].tcp.outcome != MC_TCP_OPEN || (tls && v[i].tls.outcome != MC_TLS_OK))
      continue;
    mc_target_req(t, NULL, v[i].addr->text, port, fp->method, fp->path, MC_HTTP_AUTH_NONE,
                  &q[nq]);
    q[nq].query = fp->query;
    q[nq].user_agent = fp->user_agent;
    q[nq].insecure = true;      /* the handshake was judged on its own */
    q[nq].plain = !tls;
    idx[nq++] = i;
  }
  struct mc_http_client *c = nq ? mc_http_client_new() : NULL;
  if(c && mc_http_perform(c, q, resp, nq) == MC_OK) {
    for(size_t k = 0; k < nq; k++) {
      /* final points into msgs: moved with the struct, point it anew. */
      struct mc_http_resp *h = &v[idx[k]].http;
      *h = resp[k];
      h->final = resp[k].final ? &h->msgs[resp[k].final - resp[k].msgs] : NULL;
      v[idx[k]].http_tried = true;
    }
  }
  mc_http_client_free(c);
}

/* One address's step under all: what it showed, and when it differs
 * from the address the walk takes (diff), its own cause. */
static void address_step(struct mc_report *r, struct mc_step *all, struct seen *v,
                         const struct mc_target *t, int port, const struct mc_front_probe *fp,
                         bool tls, const char *diff, bool picked)
{
  char a[80], what[400];
  bracketed(v->addr, a, sizeof a);
  describe(v, what, sizeof what);
  struct mc_step *s = mc_step_add(r, all, "%s port %d", a, port);
  mc_step_set_duration(s, v->tcp.connect_ms + (v->tls_tried ? v->tls.ms : 0) +
                       (v->http_tried ? v->http.ms_total : 0));
  mc_step_ev(s, "observed", "%s", what);
  if(v->http_tried) {
    const char *fe = v->http.final ? mc_http_header(v->http.final, "X-FEServer") : NULL;
    mc_step_ev(s, "request", "%s %s (no credentials)", fp->method, fp->path);
    if(fe)
      mc_step_ev(s, "X-FEServer", "%s", fe);
  }
  if(diff) {
    mc_step_ev(s, "differs", "%s", diff);
    own_cause(r, s, v, t, port);
    mc_step_done(r, s, MC_FAIL, "%s", diff);
  }
  else if(unseen(v))
    mc_step_done(r, s, MC_UNKNOWN, "%s: not reachable from this machine, so not compared",
                 what);
  else
    mc_step_done(r, s, healthy(v, t, tls) ? MC_PASS : MC_INFO, "%s%s", what,
                 picked ? " (the walk goes on here)" : "");
}

size_t mc_walk_every_address(struct mc_report *r, struct mc_step *parent,
                             const struct mc_target *t, int port,
                             const struct mc_dns_result *dns, bool tls,
                             const struct mc_front_probe *fp)
{
  size_t n = dns->naddrs > MC_MAX_ADDRS ? MC_MAX_ADDRS : dns->naddrs;
  bool bad[MC_MAX_ADDRS] = { false };
  if(n <= 1) {
    /* One address: nothing to compare, and no extra round trip. */
    struct seen one = { .addr = &dns->addrs[0] };
    if(n == 1) {
      mc_report_note(r, "walked 1 address of %s (%s)", t->host, dns->addrs[0].text);
      json_section(r, t, &one, 1, 0, bad);
    }
    return 0;
  }
  struct seen *v = mc_xcalloc(n, sizeof *v);
  struct mc_tcp_probe probes[MC_MAX_ADDRS];
  for(size_t i = 0; i < n; i++) {
    v[i].addr = &dns->addrs[i];
    probes[i] = (struct mc_tcp_probe){ .addr = dns->addrs[i], .port = port };
  }
  struct mc_step *all = mc_step_add(r, parent, "Every address of %s (%zu)", t->host, n);
  mc_tcp_probe_many(probes, n, t->timeout_ms, 0);
  for(size_t i = 0; i < n; i++)
    v[i].tcp = probes[i];
  if(tls)
    tls_all(v, n, t, port);
  if(fp)
    front_all(v, n, t, port, tls, fp);
  size_t pick = 0;
  while(pick < n && !healthy(&v[pick], t, tls))
    pick++;
  if(pick == n)
    pick = 0;
  /* Compare with the chosen address; name every one that differs. */
  char diff[MC_MAX_ADDRS][600];
  struct mc_buf list = MC_BUF_INIT(8192);
  size_t nbad = 0, nunseen = 0;
  struct mc_buf away = MC_BUF_INIT(256);
  for(size_t i = 0; i < n; i++) {
    if(unseen(&v[i]) && !unseen(&v[pick])) {
      diff[i][0] = '\0';
      mc_buf_printf(&away, "%s%s (%s)", nunseen++ ? ", " : "", v[i].addr->text,
                    v[i].tcp.err ? strerror(v[i].tcp.err) :
                                   mc_tcp_outcome_name(v[i].tcp.outcome));
      continue;
    }
    difference(&v[i], &v[pick], diff[i], sizeof diff[i]);
    bad[i] = diff[i][0] != '\0';
    if(bad[i]) {
      mc_buf_printf(&list, "%s%s (%s)", nbad ? "; " : "", v[i].addr->text, diff[i]);
      nbad++;
    }
  }
  if(nbad)
    mc_step_find(r, all, MC_CAUSE_DNS_ADDRESSES_DISAGREE, "%zu of the %zu addresses of %s do not "
                 "answer like %s: %s", nbad, n, t->host, v[pick].addr->text, list.ptr);
  for(size_t i = 0; i < n; i++)
    address_step(r, all, &v[i], t, port, fp, tls, bad[i] ? diff[i] : NULL, i == pick);
  if(nunseen)
    mc_report_incomplete(r, "this machine could not reach %s, an address of %s (IPv6 not set "
                         "up here, or no route): what Exchange Online meets there is not "
                         "known; check from a machine that reaches it", away.ptr, t->host);
  if(nbad)
    mc_step_done(r, all, MC_FAIL, "%zu of %zu addresses differ; the walk goes on with %s",
                 nbad, n, v[pick].addr->text);
  else if(nunseen)
    mc_step_done(r, all, MC_UNKNOWN, "%zu of %zu addresses could not be reached from this "
                 "machine%s; the walk goes on with %s", nunseen, n,
                 n - nunseen > 1 ? ", the others answered alike" : "", v[pick].addr->text);
  else
    mc_step_done(r, all, MC_PASS, "%zu addresses answered alike; the walk goes on with %s", n,
                 v[pick].addr->text);
  mc_buf_release(&away);
  mc_report_note(r, "walked %zu addresses of %s; the deeper steps used %s", n, t->host,
                 v[pick].addr->text);
  json_section(r, t, v, n, pick, bad);
  mc_buf_release(&list);
  for(size_t i = 0; i < n; i++) {
    if(v[i].tls_tried)
      mc_tls_result_release(&v[i].tls);
    if(v[i].http_tried)
      mc_http_resp_release(&v[i].http);
  }
  free(v);
  return pick;
}
