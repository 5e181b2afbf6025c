/*
 * tls.c - migcheck tls, and the TLS step every HTTPS check walks through.
 *
 * Plan: resolve; connect; one handshake offering TLS 1.0-1.3 that collects
 * and verifies the chain; then one handshake per protocol version on its
 * own; then one step per certificate as sent. Rules:
 *   the peer answers with non-TLS bytes         -> TLS_NOT_TLS
 *   no handshake completes (alert, close, time) -> TLS_HANDSHAKE_FAILED
 *   nothing at TLS 1.2 or above                 -> TLS_PROTOCOL_TOO_OLD
 *   leaf expired / not yet valid                -> TLS_CERT_EXPIRED
 *   leaf expires within 30 days                 -> TLS_CERT_EXPIRES_SOON (warn)
 *   only the leaf sent, issuer unknown          -> TLS_CERT_CHAIN_INCOMPLETE
 *   self-signed, unknown root, bad signature    -> TLS_CERT_UNTRUSTED
 *   name not in the certificate                 -> TLS_CERT_NAME_MISMATCH
 *   Exchange Online's client profile (Windows Server 2022 Schannel's TLS 1.2/1.3
 *   suites and groups) finds no common suite, every suite does
 *                                               -> TLS_CLOUD_CIPHER_MISMATCH
 * The walk's handshake is the cloud's own profile; only when the server
 * refuses it does a second one offer everything, to say why.
 */
#include "checks/checks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pthread.h>

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include "tls/tls.h"

#define EXPIRY_WARN_DAYS 30

const char *mc_target_tls_name(const struct mc_target *t)
{
  return t->sni && *t->sni ? t->sni : t->host;
}

bool mc_walk_tcp(struct mc_report *r, struct mc_step *parent, const struct mc_target *t,
                 const struct mc_addr *addr, int port)
{
  bool v6 = addr->family == AF_INET6;
  struct mc_step *s = mc_step_add(r, parent, "Connect to %s%s%s port %d", v6 ? "[" : "",
                                  addr->text, v6 ? "]" : "", port);
  struct mc_tcp_probe p = { .addr = *addr, .port = port };
  mc_tcp_probe_many(&p, 1, t->timeout_ms, 0);
  mc_step_set_duration(s, p.connect_ms);
  switch(p.outcome) {
  case MC_TCP_OPEN:
    mc_step_done(r, s, MC_PASS, "connected in %lld ms", (long long)p.connect_ms);
    return true;
  case MC_TCP_REFUSED:
    mc_step_find(r, s, MC_CAUSE_TCP_REFUSED, "%s port %d: connection refused", addr->text, port);
    break;
  case MC_TCP_TIMEOUT:
    mc_step_find(r, s, MC_CAUSE_TCP_TIMEOUT, "%s port %d: no answer in %d ms", addr->text, port,
                 t->timeout_ms);
    break;
  case MC_TCP_RESET:
  case MC_TCP_CLOSED:
    mc_step_find(r, s, MC_CAUSE_TCP_RESET, "%s port %d: %s", addr->text, port,
                 mc_tcp_outcome_name(p.outcome));
    break;
  default:
    mc_step_ev(s, "error", "%s", strerror(p.err));
    mc_step_done(r, s, MC_UNKNOWN, "%s", mc_tcp_outcome_name(p.outcome));
    mc_report_incomplete(r, "%s could not be reached from this machine (%s)", addr->text,
                         strerror(p.err));
    return false;
  }
  mc_step_done(r, s, MC_FAIL, "%s", mc_tcp_outcome_name(p.outcome));
  return false;
}

static void cert_evidence(struct mc_step *s, const struct mc_tls_cert *c)
{
  mc_step_ev(s, "subject", "%s", c->subject);
  mc_step_ev(s, "names", "%s", c->sans ? c->sans : "(none)");
  mc_step_ev(s, "issuer", "%s", c->issuer);
  mc_step_ev(s, "valid", "%s to %s (%lld days left)", c->not_before, c->not_after,
             (long long)c->days_left);
  mc_step_ev(s, "key", "%s, signed with %s", c->key, c->sig_alg);
  /* SHA-1, no colons: the Thumbprint Get-ExchangeCertificate shows (config matches it). */
  mc_step_ev(s, "thumbprint", "%s", c->sha1);
  mc_step_ev(s, "sha256", "%s", c->sha256);
}

/* Turns the verification result into causes. Severity drops to a warning
 * with --insecure (the user chose to go on; the report says so). */
static void judge_chain(struct mc_report *r, struct mc_step *s, const struct mc_target *t,
                        const struct mc_tls_result *res)
{
  enum mc_status sev = t->insecure ? MC_WARN : MC_INFO;
  const struct mc_tls_cert *leaf = res->nchain ? &res->chain[0] : NULL;
  if(!leaf) {
    mc_step_done(r, s, MC_UNKNOWN, "the server sent no certificate");
    return;
  }
  bool untrusted = false, incomplete = false;
  for(size_t i = 0; i < res->nverify_errors; i++) {
    int e = res->verify_errors[i];
    int depth = res->verify_error_depth[i];
    const char *what = X509_verify_cert_error_string(e);
    switch(e) {
    case X509_V_ERR_CERT_HAS_EXPIRED:
      mc_step_find_sev(r, s, MC_CAUSE_TLS_CERT_EXPIRED, sev, "%s expired on %s",
                       depth == 0 ? "the server certificate" : "a CA certificate in the chain",
                       depth < (int)res->nchain ? res->chain[depth].not_after : "?");
      break;
    case X509_V_ERR_CERT_NOT_YET_VALID:
      mc_step_find_sev(r, s, MC_CAUSE_TLS_CERT_EXPIRED, sev, "not valid before %s (check the "
                       "server's clock)", depth < (int)res->nchain ?
                       res->chain[depth].not_before : "?");
      break;
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
      if(res->nchain == 1 && !leaf->self_signed)
        incomplete = true;
      else
        untrusted = true;
      break;
    default:
      untrusted = true;
      mc_step_ev(s, "verify error", "%s (depth %d)", what, depth);
      break;
    }
  }
  if(incomplete)
    mc_step_find_sev(r, s, MC_CAUSE_TLS_CERT_CHAIN_INCOMPLETE, t->insecure ? MC_WARN : MC_FAIL,
                     "the server sent only its own certificate; its issuer \"%s\" was not "
                     "sent and is not a trusted root", leaf->issuer);
  if(untrusted) {
    if(leaf->self_signed)
      mc_step_find_sev(r, s, MC_CAUSE_TLS_CERT_UNTRUSTED, sev, "the certificate is self-signed "
                       "(\"%s\")", leaf->subject);
    else
      mc_step_find_sev(r, s, MC_CAUSE_TLS_CERT_UNTRUSTED, sev, "the chain does not end at a "
                       "trusted root: %s", res->verify_text);
  }
  if(!mc_tls_has_error(res, X509_V_ERR_CERT_HAS_EXPIRED) && leaf->days_left >= 0 &&
     leaf->days_left <= EXPIRY_WARN_DAYS)
    mc_step_find_sev(r, s, MC_CAUSE_TLS_CERT_EXPIRES_SOON, MC_WARN, "the certificate expires in "
                     "%lld day%s (%s)", (long long)leaf->days_left,
                     leaf->days_left == 1 ? "" : "s", leaf->not_after);
  /* Facts the fix steps name (model/fill.c). */
  mc_report_fact(r, "thumbprint", "%s", leaf->sha1);
  mc_report_fact(r, "days_left", "%lld", (long long)leaf->days_left);
  if(!res->name_ok)
    mc_step_find_sev(r, s, MC_CAUSE_TLS_CERT_NAME_MISMATCH, sev, "\"%s\" is not among the names "
                     "the certificate carries: %s", mc_target_tls_name(t),
                     leaf->sans ? leaf->sans : "(none)");
  if(res->verified && res->name_ok)
    mc_step_done(r, s, MC_PASS, "trusted, valid for %s, %lld days left",
                 mc_target_tls_name(t), (long long)leaf->days_left);
  else
    mc_step_done(r, s, t->insecure ? MC_WARN : MC_FAIL, "%s", res->verified ?
                 "trusted, with problems" : "not trusted by a strict client");
}

/* A handshake that died without a byte from the peer may be a server that
 * refused our ClientHello, or a device that resets every connection. Ask
 * once more without sending anything: a reset then is not about TLS. */
static bool resets_unasked(const struct mc_target *t, const struct mc_addr *addr, int port)
{
  struct mc_tcp_probe p = { .addr = *addr, .port = port };
  mc_tcp_probe_many(&p, 1, t->timeout_ms, 200);
  return p.outcome == MC_TCP_RESET || p.outcome == MC_TCP_CLOSED;
}

/* A handshake that did not complete, judged: TLS_NOT_TLS, the TCP cause
 * of a connect that failed this time, TCP_RESET for a device resetting
 * every connection, else TLS_HANDSHAKE_FAILED (or unknown when this side
 * could not make it). */
static void judge_no_handshake(struct mc_report *r, struct mc_step *s, const struct mc_target *t,
                               const struct mc_addr *addr, int port,
                               const struct mc_tls_result *res)
{
  switch(res->outcome) {
  case MC_TLS_NOT_TLS: {
    char *b = mc_printable(res->first_bytes, res->nfirst, 160);
    mc_step_ev(s, "received", "%s", b);
    free(b);
    mc_step_find(r, s, MC_CAUSE_TLS_NOT_TLS, "port %d answered with %s", port, res->detail);
    mc_step_done(r, s, MC_FAIL, "the port does not speak TLS");
    return;
  }
  case MC_TLS_NO_CONNECT: {
    /* The connect for the handshake itself failed; the TCP step before it
     * had succeeded, so the port's behaviour changed under us (a device
     * that resets as soon as it accepts can win that race). */
    const char *id = res->tcp == MC_TCP_REFUSED ? MC_CAUSE_TCP_REFUSED :
                     res->tcp == MC_TCP_TIMEOUT ? MC_CAUSE_TCP_TIMEOUT :
                     res->tcp == MC_TCP_RESET || res->tcp == MC_TCP_CLOSED ? MC_CAUSE_TCP_RESET : NULL;
    if(id) {
      mc_step_find(r, s, id, "%s port %d: %s when connecting for the handshake", addr->text,
                   port, mc_tcp_outcome_name(res->tcp));
      mc_step_done(r, s, MC_FAIL, "%s", res->detail);
      return;
    }
    mc_step_done(r, s, MC_UNKNOWN, "%s", res->detail);
    mc_report_incomplete(r, "the TLS connection could not be made: %s", res->detail);
    return;
  }
  case MC_TLS_LOCAL:
    mc_step_done(r, s, MC_UNKNOWN, "this machine's OpenSSL cannot make the handshake");
    mc_report_incomplete(r, "this machine's OpenSSL could not offer TLS 1.0-1.3");
    return;
  default:
    mc_step_ev(s, "outcome", "%s", mc_tls_outcome_name(res->outcome));
    if(res->detail[0])
      mc_step_ev(s, "detail", "%s", res->detail);
    if(res->outcome == MC_TLS_CLOSED && res->nfirst == 0 && resets_unasked(t, addr, port)) {
      mc_step_ev(s, "second connect", "reset again without a byte sent by migcheck");
      mc_step_find(r, s, MC_CAUSE_TCP_RESET, "%s port %d: every connection is reset right after "
                   "it is accepted, before any TLS byte", addr->text, port);
      mc_step_done(r, s, MC_FAIL, "the connection is reset before TLS starts");
      return;
    }
    mc_step_find(r, s, MC_CAUSE_TLS_HANDSHAKE_FAILED, "%s: %s", mc_tls_outcome_name(res->outcome),
                 res->detail[0] ? res->detail : "no detail");
    mc_step_done(r, s, MC_FAIL, "%s", mc_tls_outcome_name(res->outcome));
    return;
  }
}

/* A handshake the server answered with a refusal (an alert, a close, a
 * TLS error), as against one that could not be judged: no answer before
 * the deadline, a connect that failed, this side's OpenSSL. Only a
 * refusal says anything about the cipher suites. */
static bool tls_refused(enum mc_tls_outcome o)
{
  return o == MC_TLS_ALERT || o == MC_TLS_CLOSED || o == MC_TLS_ERROR;
}

enum again { AGAIN_ACCEPTED, AGAIN_REFUSED, AGAIN_UNTOLD };

/* Exchange Online's profile, refused once (refused says how) while every
 * suite was accepted, tried a second time. Accepted: the refusal was the
 * connection (cut under load, a server restarting), not the suites: CI's
 * batch run under ASan once saw a handshake of the lab's 201 certificates
 * closed, and a cipher mismatch named for a server whose suites are fine.
 * No answer in time tells nothing either way. */
static enum again cloud_again(struct mc_step *s, struct mc_tls_opts *cloud,
                              const struct mc_target *t, const char *refused)
{
  struct mc_tls_result again;
  cloud->deadline_ms = mc_now_ms() + t->timeout_ms;
  mc_tls_probe(cloud, &again);
  enum again how = again.outcome == MC_TLS_OK ? AGAIN_ACCEPTED :
                   tls_refused(again.outcome) ? AGAIN_REFUSED : AGAIN_UNTOLD;
  if(how == AGAIN_ACCEPTED)
    mc_step_ev(s, "that profile again", "accepted: the first refusal (%s) was not the cipher "
               "suites", refused);
  else
    mc_step_ev(s, "that profile again", "%s (%s%s%s)", how == AGAIN_REFUSED ? "refused again" :
               "no verdict", mc_tls_outcome_name(again.outcome), again.detail[0] ? ": " : "",
               again.detail);
  mc_tls_result_release(&again);
  return how;
}

/* The handshake step: TLS_NOT_TLS or TLS_HANDSHAKE_FAILED, or the chain.
 * *mismatch: the cloud's profile was refused where another suite works. */
static bool walk_tls(struct mc_report *r, struct mc_step *parent, const struct mc_target *t,
                     const struct mc_addr *addr, int port, bool imap_starttls,
                     struct mc_tls_result *res, bool *mismatch)
{
  struct mc_step *s = mc_step_add(r, parent, "TLS handshake with %s%s",
                                  mc_target_tls_name(t), imap_starttls ? " after STARTTLS" : "");
  struct mc_tls_opts o = {
    .addr = addr, .port = port, .sni = mc_target_tls_name(t),
    .min_version = TLS1_VERSION, .max_version = TLS1_3_VERSION,
    .deadline_ms = mc_now_ms() + t->timeout_ms, .want_chain = true,
    .ca_file = t->ca_file, .verify_name = mc_target_tls_name(t),
    .imap_starttls = imap_starttls,
  };
  /* First as Exchange Online's client offers it. */
  char c12[1024], c13[256], refused[300] = "";
  struct mc_tls_opts cloud = o;
  mc_tls_schannel_opts(&cloud, c12, sizeof c12, c13, sizeof c13);
  mc_tls_probe(&cloud, res);
  *mismatch = false;
  bool local = res->outcome == MC_TLS_LOCAL;
  bool second = tls_refused(res->outcome) || local;
  mc_step_ev(s, "client profile", "Exchange Online's: Windows Server 2022 Schannel defaults, "
             "TLS 1.2-1.3, %zu suites, groups %s (%s)", mc_tls_schannel_nsuites,
             mc_tls_schannel_groups, mc_tls_schannel_source);
  if(second) {
    /* Refused: offer every version and suite to tell why. */
    snprintf(refused, sizeof refused, "%s%s%s", mc_tls_outcome_name(res->outcome),
             res->detail[0] ? ": " : "", res->detail);
    mc_step_ev(s, "that profile", "refused (%s); trying again with every version and suite",
               refused);
    int64_t first_ms = res->ms;
    mc_tls_result_release(res);
    o.deadline_ms = mc_now_ms() + t->timeout_ms;
    mc_tls_probe(&o, res);
    res->ms += first_ms;
  }
  mc_step_set_duration(s, res->ms);
  if(o.sni && !mc_is_ip_literal(o.sni))
    mc_step_ev(s, "SNI", "%s", o.sni);
  if(res->outcome != MC_TLS_OK) {
    judge_no_handshake(r, s, t, addr, port, res);
    return false;
  }
  mc_step_ev(s, "negotiated", "%s, %s", res->version, res->cipher);
  enum again again = AGAIN_ACCEPTED;
  /* Every version up to 1.3 was offered: a server that can do 1.2 picks it. */
  if(res->version_num && res->version_num < TLS1_2_VERSION)
    mc_step_find(r, s, MC_CAUSE_TLS_PROTOCOL_TOO_OLD, "offered TLS 1.0 to 1.3, the server chose %s; "
                 "Exchange Online needs TLS 1.2 or later", mc_tls_version_name(res->version_num));
  else if(second && !local && (again = cloud_again(s, &cloud, t, refused)) == AGAIN_REFUSED) {
    *mismatch = true;
    mc_step_find(r, s, MC_CAUSE_TLS_CLOUD_CIPHER_MISMATCH, "the server refused the handshake "
                 "Exchange Online's client makes (TLS 1.2-1.3 with Windows Server 2022 "
                 "Schannel's %zu default suites: %s), yet chose %s with %s when offered every "
                 "suite: it shares no cipher suite with the cloud", mc_tls_schannel_nsuites,
                 refused, res->version, res->cipher);
  }
  if(again == AGAIN_UNTOLD)
    mc_report_incomplete(r, "the server refused Exchange Online's TLS profile once and did "
                         "not answer it in time the second time: whether it shares a cipher "
                         "suite with the cloud is not known (a longer --timeout may tell)");
  mc_step_done(r, s, *mismatch ? MC_FAIL : again == AGAIN_UNTOLD ? MC_UNKNOWN : MC_PASS,
               "%s, %s%s", res->version, res->cipher, *mismatch ?
               " (not a suite Exchange Online offers)" : again == AGAIN_UNTOLD ?
               " (whether Exchange Online's suites are accepted is not known)" : "");
  struct mc_step *c = mc_step_add(r, parent, "Certificate of %s", mc_target_tls_name(t));
  if(res->nchain)
    cert_evidence(c, &res->chain[0]);
  if(res->chain_sent > res->nchain)
    mc_step_ev(c, "chain sent", "%zu certificates (the first %zu are shown)",
               res->chain_sent, res->nchain);
  else
    mc_step_ev(c, "chain sent", "%zu certificate%s", res->nchain, res->nchain == 1 ? "" : "s");
  judge_chain(r, c, t, res);
  return true;
}

static bool walk_tls_as(struct mc_report *r, struct mc_step *parent,
                        const struct mc_target *t, const struct mc_addr *addr, int port,
                        bool imap_starttls)
{
  struct mc_tls_result res;
  bool mismatch;
  bool ok = walk_tls(r, parent, t, addr, port, imap_starttls, &res, &mismatch) && !mismatch;
  bool cert_failed = false;
  for(size_t i = 0; i < r->nfindings; i++) {
    const char *id = r->findings[i]->cause->id;
    cert_failed = cert_failed || (r->findings[i]->severity == MC_FAIL &&
                                  strncmp(id, "TLS_CERT_", 9) == 0);
  }
  bool too_old = res.version_num && res.version_num < TLS1_2_VERSION;
  mc_tls_result_release(&res);
  /* A certificate Exchange Online would reject ends the walk unless the
   * user chose --insecure; so does a protocol it will not speak. */
  return ok && !too_old && (!cert_failed || t->insecure);
}

bool mc_walk_tls(struct mc_report *r, struct mc_step *parent, const struct mc_target *t,
                 const struct mc_addr *addr, int port)
{
  return walk_tls_as(r, parent, t, addr, port, false);
}

void mc_walk_tls_hunt(struct mc_report *r, struct mc_step *parent, const struct mc_target *t,
                      const struct mc_addr *addr, int port, int tries)
{
  int completed = 0;
  for(int i = 0; i < tries; i++) {
    struct mc_tls_opts o = {
      .addr = addr, .port = port, .sni = mc_target_tls_name(t),
      .min_version = TLS1_VERSION, .max_version = TLS1_3_VERSION,
      .deadline_ms = mc_now_ms() + t->timeout_ms, .want_chain = true,
      .ca_file = t->ca_file, .verify_name = mc_target_tls_name(t),
    };
    struct mc_tls_result res;
    mc_tls_probe(&o, &res);
    completed += res.outcome == MC_TLS_OK;
    bool bad = res.outcome == MC_TLS_OK && res.nchain && (!res.verified || !res.name_ok);
    if(bad) {
      struct mc_step *c = mc_step_add(r, parent, "Certificate of %s from another server "
                                      "behind %s port %d (handshake %d)",
                                      mc_target_tls_name(t), addr->text, port, i + 1);
      cert_evidence(c, &res.chain[0]);
      mc_step_ev(c, "why looked", "a request failed TLS after the first handshake passed: "
                 "the servers behind this address present different certificates");
      judge_chain(r, c, t, &res);
    }
    mc_tls_result_release(&res);
    if(bad)
      return;
  }
  struct mc_step *s = mc_step_add(r, parent, "Certificates behind %s port %d", addr->text,
                                  port);
  /* A handshake that did not complete showed no certificate: only the
     completed ones speak for the servers behind the address. */
  if(completed == tries)
    mc_step_done(r, s, MC_UNKNOWN, "a request failed TLS, but %d more handshakes all showed a "
                 "good certificate", tries);
  else
    mc_step_done(r, s, MC_UNKNOWN, "a request failed TLS; of %d more handshakes %d completed%s",
                 tries, completed, completed ? ", each with a good certificate" : "");
  mc_report_incomplete(r, "a request to %s failed TLS and the cause did not show again",
                       addr->text);
}

bool mc_walk_tls_imap_starttls(struct mc_report *r, struct mc_step *parent,
                               const struct mc_target *t, const struct mc_addr *addr, int port)
{
  return walk_tls_as(r, parent, t, addr, port, true);
}

/* One handshake per protocol version; returns a bit per accepted version
 * (1 << 0 TLS 1.0 ... 1 << 3 TLS 1.3) and marks unknown ones. */
static unsigned probe_versions(struct mc_report *r, struct mc_step *parent,
                               const struct mc_target *t, const struct mc_addr *addr,
                               int port, bool shook, unsigned *unknown)
{
  static const int versions[] = { TLS1_VERSION, TLS1_1_VERSION, TLS1_2_VERSION,
                                  TLS1_3_VERSION };
  unsigned accepted = 0;
  *unknown = 0;
  struct mc_step *all = mc_step_add(r, parent, "Protocol versions, one at a time");
  struct mc_buf summary = MC_BUF_INIT(256);
  for(int i = 0; i < 4; i++) {
    struct mc_step *s = mc_step_add(r, all, "%s", mc_tls_version_name(versions[i]));
    struct mc_tls_opts o = {
      .addr = addr, .port = port, .sni = mc_target_tls_name(t),
      .min_version = versions[i], .max_version = versions[i],
      .deadline_ms = mc_now_ms() + t->timeout_ms,
    };
    struct mc_tls_result res;
    mc_tls_probe(&o, &res);
    mc_step_set_duration(s, res.ms);
    if(res.outcome == MC_TLS_OK) {
      accepted |= 1u << i;
      mc_step_done(r, s, MC_PASS, "accepted (%s)", res.cipher);
      mc_buf_printf(&summary, "%s%s", summary.len ? ", " : "", mc_tls_version_name(versions[i]));
    }
    else if(tls_refused(res.outcome)) {
      mc_step_done(r, s, MC_INFO, "refused (%s)", res.detail[0] ? res.detail :
                   mc_tls_outcome_name(res.outcome));
    }
    else {
      *unknown |= 1u << i;
      mc_step_done(r, s, MC_UNKNOWN, "%s%s%s", mc_tls_outcome_name(res.outcome),
                   res.detail[0] ? ": " : "", res.detail);
    }
    mc_tls_result_release(&res);
  }
  if(!accepted && *unknown)
    mc_report_incomplete(r, "no protocol version was accepted and some got no answer in "
                         "time: which versions the server takes is not known");
  /* Every version refused after a handshake that completed: the server (or
     a device that limits handshakes) changed between them; no cause. */
  bool changed = !accepted && !*unknown && shook;
  if(changed)
    mc_report_incomplete(r, "the first handshake completed, then each protocol version was "
                         "refused: a device that limits handshakes, or a server that "
                         "changed meanwhile; run the check again");
  mc_step_done(r, all, accepted ? MC_PASS : *unknown || changed ? MC_UNKNOWN : MC_FAIL,
               "accepted: %s%s", summary.len ? summary.ptr : "none",
               changed ? " (the first handshake completed)" : "");
  mc_buf_release(&summary);
  return accepted;
}

struct suite_job {
  const struct mc_tls_suite *suite;
  struct mc_tls_opts o;
  struct mc_tls_result res;
  pthread_t th;
  bool started;
};

static void *suite_main(void *arg)
{
  struct suite_job *j = arg;
  mc_tls_probe(&j->o, &j->res);
  return NULL;
}

/* Which of Exchange Online's suites the server accepts: one handshake per
 * suite of the profile, all at once. A burst of handshakes can overload a
 * slow server (one under load, a long chain to send), so a suite that got
 * no answer in time is tried again alone, one after another, within one
 * more --timeout in all; a suite still unanswered is not known, and none
 * accepted with some not known names no cause. */
static void probe_cloud_suites(struct mc_report *r, const struct mc_target *t,
                               const struct mc_addr *addr, int port)
{
  size_t n = mc_tls_schannel_nsuites;
  struct suite_job *jobs = mc_xcalloc(n, sizeof *jobs);
  struct mc_step *s = mc_step_add(r, NULL, "Exchange Online's cipher suites, one at a time");
  mc_step_ev(s, "list", "%s: the TLS 1.2 and 1.3 suites Windows Server 2022 enables by "
             "default, in its order", mc_tls_schannel_source);
  for(size_t i = 0; i < n; i++) {
    const struct mc_tls_suite *su = &mc_tls_schannel_suites[i];
    jobs[i].suite = su;
    jobs[i].o = (struct mc_tls_opts){
      .addr = addr, .port = port, .sni = mc_target_tls_name(t),
      .min_version = su->tls13 ? TLS1_3_VERSION : TLS1_2_VERSION,
      .max_version = su->tls13 ? TLS1_3_VERSION : TLS1_2_VERSION,
      .deadline_ms = mc_now_ms() + t->timeout_ms,
      .cipher_list = su->tls13 ? NULL : su->openssl,
      .ciphersuites = su->tls13 ? su->openssl : NULL,
      .groups = mc_tls_schannel_groups,
    };
    jobs[i].started = pthread_create(&jobs[i].th, NULL, suite_main, &jobs[i]) == 0;
    if(!jobs[i].started)
      suite_main(&jobs[i]);
  }
  for(size_t i = 0; i < n; i++)
    if(jobs[i].started)
      pthread_join(jobs[i].th, NULL);
  /* The ones without an answer, again, alone. */
  int64_t budget_end = mc_now_ms() + t->timeout_ms;
  size_t nagain = 0;
  for(size_t i = 0; i < n; i++) {
    enum mc_tls_outcome o = jobs[i].res.outcome;
    if(o == MC_TLS_OK || tls_refused(o) || o == MC_TLS_LOCAL || mc_now_ms() >= budget_end)
      continue;
    mc_tls_result_release(&jobs[i].res);
    jobs[i].o.deadline_ms = budget_end;
    suite_main(&jobs[i]);
    nagain++;
  }
  if(nagain)
    mc_step_ev(s, "tried again", "%zu suite%s that got no answer in the burst, one at a time",
               nagain, nagain == 1 ? "" : "s");
  struct mc_buf ok = MC_BUF_INIT(4096);
  size_t nok = 0, nuntold = 0, nlocal = 0;
  for(size_t i = 0; i < n; i++) {
    enum mc_tls_outcome o = jobs[i].res.outcome;
    bool accepted = o == MC_TLS_OK, untold = !accepted && !tls_refused(o);
    mc_step_ev(s, accepted ? "accepted" : untold ? "not known" : "refused", "%s (%s)%s%s",
               jobs[i].suite->iana, jobs[i].suite->tls13 ? "TLS 1.3" : "TLS 1.2",
               accepted ? "" : ": ", accepted ? "" : mc_tls_outcome_name(o));
    if(accepted) {
      mc_buf_printf(&ok, "%s%s", nok ? ", " : "", jobs[i].suite->iana);
      nok++;
    }
    nuntold += untold;
    nlocal += o == MC_TLS_LOCAL;
    mc_tls_result_release(&jobs[i].res);
  }
  if(nok)
    mc_step_done(r, s, MC_PASS, "%zu of %zu accepted: %s%s", nok, n, ok.ptr,
                 nuntold ? " (some not known)" : "");
  else if(nuntold) {
    /* Not known: no answer in time, or a suite this machine's OpenSSL
       cannot offer (MC_TLS_LOCAL). */
    mc_step_done(r, s, MC_UNKNOWN, "none accepted, %zu of %zu not known", nuntold, n);
    mc_report_incomplete(r, "none of Exchange Online's %zu cipher suites was accepted, and %zu "
                         "could not be told (%zu without an answer in time: a longer --timeout "
                         "may tell; %zu that this machine's OpenSSL cannot offer): whether the "
                         "server shares one with the cloud is not known", n, nuntold,
                         nuntold - nlocal, nlocal);
  }
  else {
    mc_step_done(r, s, MC_FAIL, "none of %zu accepted", n);
    if(!mc_report_has(r, MC_CAUSE_TLS_CLOUD_CIPHER_MISMATCH))
      mc_step_find(r, s, MC_CAUSE_TLS_CLOUD_CIPHER_MISMATCH, "the server refuses every one of "
                   "the %zu suites Exchange Online's client offers", n);
  }
  mc_buf_release(&ok);
  free(jobs);
}

struct mc_report *mc_check_tls(const struct mc_target *t)
{
  int port = t->port ? t->port : 443;
  char *target = mc_xasprintf("%s:%d", t->host, port);
  struct mc_report *r = mc_report_new("tls", target);
  free(target);
  struct mc_addr at;
  const struct mc_addr *addr = &at;
  if(!mc_walk_to_tcp(r, t, port, true, NULL, &at))
    return r;
  struct mc_tls_result res;
  bool mismatch;
  bool shook = walk_tls(r, NULL, t, addr, port, false, &res, &mismatch);
  bool timed_out = res.outcome == MC_TLS_TIMEOUT;
  bool not_tls = res.outcome == MC_TLS_NOT_TLS;
  for(size_t i = 1; i < res.nchain; i++) {
    struct mc_step *s = mc_step_add(r, NULL, "Chain certificate %zu (sent by the server)", i);
    cert_evidence(s, &res.chain[i]);
    mc_step_done(r, s, MC_INFO, "%s", res.chain[i].subject);
  }
  mc_tls_result_release(&res);
  /* Versions are worth trying one by one after a good handshake or a TLS
   * refusal; a peer that does not speak TLS, never finishes a handshake or
   * resets every connection would only make four more slow failures. */
  if(not_tls || timed_out || (!shook && !mc_report_has(r, MC_CAUSE_TLS_HANDSHAKE_FAILED)))
    return r;
  unsigned unknown = 0;
  unsigned accepted = probe_versions(r, NULL, t, addr, port, shook, &unknown);
  if(accepted & (1u << 2 | 1u << 3))
    probe_cloud_suites(r, t, addr, port);
  bool modern = accepted & (1u << 2 | 1u << 3);
  bool modern_unknown = unknown & (1u << 2 | 1u << 3);
  if(accepted && !modern && !modern_unknown && !mc_report_has(r, MC_CAUSE_TLS_PROTOCOL_TOO_OLD)) {
    struct mc_step *s = r->root->last_child;
    mc_step_find(r, s, MC_CAUSE_TLS_PROTOCOL_TOO_OLD, "the server accepts only %s; Exchange Online "
                 "needs TLS 1.2 or later", accepted & 2u ? "TLS 1.0 and 1.1" : "TLS 1.0");
  }
  return r;
}
