/*
 * imap.c - migcheck imap: the path an IMAP migration endpoint takes
 * (New-MigrationEndpoint -IMAP / Test-MigrationServerAvailability -Imap
 * -RemoteServer HOST -Port P -Security Ssl|Tls|None), hop by hop.
 *
 * Plan:
 *   1. DNS, TCP; for --security ssl (993) the TLS walk (certificate, TLS
 *      versions; a plain greeting on 993 is TLS_NOT_TLS). A failure ends it.
 *   2. The IMAP session (lib/proto/imap.c): greeting, CAPABILITY, STARTTLS
 *      for --security tls; without --user that is all (no login is tried).
 *   3. With --user: LOGIN (or the SASL mechanism the server offers) and
 *      LIST "" * to count the mailboxes.
 * Rules (from the server's own lines and libcurl's outcome, never a name):
 *   no line before the deadline or a close, or a first line that is not
 *     "* OK" / "* PREAUTH"                                  -> IMAP_NOT_IMAP
 *   --security tls and no STARTTLS in the capabilities, or
 *     libcurl could not get TLS                             -> IMAP_NO_TLS
 *   LOGINDISABLED in the capabilities that apply (after TLS when
 *     there is TLS), or no login method the client can use  -> IMAP_LOGIN_DISABLED
 *   a tagged NO/BAD answer to LOGIN or AUTHENTICATE, or libcurl's
 *     login-denied after it sent one                        -> IMAP_AUTH_FAILED
 *   --security none and no STARTTLS on that port            -> IMAP_NO_TLS as a
 *     warning (the password would cross in clear text; 993 was not asked)
 * libcurl 7.x keeps a LOGINDISABLED seen before STARTTLS after it (Exchange's
 * default on 143) and, when the server offers no SASL mechanism after TLS
 * (AUTH=...), sends no LOGIN: unknown, the server was never asked. With a
 * mechanism offered libcurl signs in with it (AUTHENTICATE).
 * A session cut short for any other reason (deadline after the greeting,
 * a failed STARTTLS handshake) is unknown, never a pass.
 */
#include "checks/checks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/curl_dl.h"

#include "proto/imap.h"
#include "version.h"

/* What the recorded lines say, gathered once. */
struct seen {
  struct mc_imap_line first;
  bool greeting_ok;
  bool caps_pre_seen, caps_post_seen;
  unsigned caps_pre, caps_post;
  const char *login_refused;    /* the tagged NO/BAD line to LOGIN/AUTHENTICATE */
  bool list_ok;
};

static const char *const security_name[] = { "ssl", "tls", "none" };

static void gather(const struct mc_imap_session *s, struct seen *v)
{
  memset(v, 0, sizeof *v);
  if(s->nlines) {
    mc_imap_line_parse(s->lines[0].text, strlen(s->lines[0].text), &v->first);
    v->greeting_ok = mc_imap_greeting_ok(&v->first);
  }
  for(size_t i = 0; i < s->nlines; i++) {
    const struct mc_imap_rec *rec = &s->lines[i];
    struct mc_imap_line l;
    unsigned caps;
    mc_imap_line_parse(rec->text, strlen(rec->text), &l);
    if(mc_imap_line_caps(&l, &caps)) {
      if(rec->after_tls) {
        v->caps_post = caps;
        v->caps_post_seen = true;
      }
      else {
        v->caps_pre = caps;
        v->caps_pre_seen = true;
      }
    }
    if(l.kind != MC_IMAP_TAGGED)
      continue;
    bool ok = mc_slice_caseeq(l.word, "OK");
    if(!ok && (strcmp(rec->verb, "LOGIN") == 0 || strcmp(rec->verb, "AUTHENTICATE") == 0))
      v->login_refused = rec->text;
    if(ok && strcmp(rec->verb, "LIST") == 0)
      v->list_ok = true;
  }
}

/* libcurl 7.x keeps the LOGINDISABLED of the clear-text capabilities after
 * STARTTLS and then sends no LOGIN: the server was never asked. */
static bool login_kept_disabled(const struct mc_imap_session *s, enum mc_imap_security sec,
                                const struct seen *v)
{
  return s->curl_code == CURLE_LOGIN_DENIED && !s->login_sent && sec == MC_IMAP_TLS &&
    (v->caps_pre & MC_IMAP_CAP_LOGINDISABLED) && v->caps_post_seen &&
    !(v->caps_post & MC_IMAP_CAP_LOGINDISABLED);
}

static void lines_evidence(struct mc_step *st, const struct mc_imap_session *s)
{
  for(size_t i = 0; i < s->nlines && i < 12; i++)
    mc_step_ev(st, "server", "%s", s->lines[i].text);
  if(s->nlines > 12)
    mc_step_ev(st, "server", "(%zu more lines not shown)", s->nlines - 12);
  if(s->truncated)
    mc_step_ev(st, "server", "(more than %d lines or %d bytes: the rest was not kept)",
               MC_IMAP_LINES_MAX, MC_IMAP_BYTES_MAX);
}

/* Sets the session's outcome on st when it could not be observed. */
static void cannot_observe(struct mc_report *r, struct mc_step *st,
                           const struct mc_imap_session *s, const char *what)
{
  mc_step_ev(st, "error", "%s", s->error_text);
  mc_step_done(r, st, MC_UNKNOWN, "%s: %s", what, s->error_text);
  mc_report_incomplete(r, "%s (%s), so nothing beyond it was checked", what, s->error_text);
}

/* Step 2's greeting. True when it ended the judgement. */
static bool judge_greeting(struct mc_report *r, int port, const struct mc_imap_session *s,
                           struct mc_step *st, const struct seen *v)
{
  if(!s->nlines) {
    if(s->timed_out || s->curl_code == CURLE_GOT_NOTHING ||
       s->curl_code == CURLE_RECV_ERROR ||
       s->curl_code == CURLE_WEIRD_SERVER_REPLY) {
      mc_step_find(r, st, MC_CAUSE_IMAP_NOT_IMAP, "port %d %s without an IMAP greeting", port,
                   s->timed_out ? "stayed silent" : "closed the connection");
      mc_step_done(r, st, MC_FAIL, "no IMAP greeting (%s)", s->error_text);
    }
    else
      cannot_observe(r, st, s, "the IMAP session did not start");
    return true;
  }
  if(!v->greeting_ok) {
    mc_step_find(r, st, MC_CAUSE_IMAP_NOT_IMAP, "port %d greets with '%s', not an IMAP '* OK'",
                 port, s->lines[0].text);
    mc_step_done(r, st, MC_FAIL, "not an IMAP server: %s", s->lines[0].text);
    return true;
  }
  return false;
}

/* Step 2's capabilities and encryption (STARTTLS for --security tls, a
 * warning for none). True when it ended the judgement. */
static bool judge_tls(struct mc_report *r, enum mc_imap_security sec, int port,
                      const struct mc_imap_session *s, struct mc_step *st, const struct seen *v)
{
  char caps_text[128];
  unsigned pre = v->caps_pre, post = v->caps_post_seen ? v->caps_post : v->caps_pre;
  if(v->caps_pre_seen)
    mc_step_ev(st, sec == MC_IMAP_TLS ? "capabilities (before TLS)" : "capabilities", "%s",
               mc_imap_caps_text(pre, caps_text, sizeof caps_text));
  if(v->caps_post_seen && sec != MC_IMAP_SSL)
    mc_step_ev(st, "capabilities (after STARTTLS)", "%s",
               mc_imap_caps_text(post, caps_text, sizeof caps_text));
  else if(v->caps_post_seen)
    mc_step_ev(st, "capabilities", "%s", mc_imap_caps_text(post, caps_text, sizeof caps_text));
  /* Encryption. */
  if(sec == MC_IMAP_TLS && (!(pre & MC_IMAP_CAP_STARTTLS) || s->curl_code == CURLE_USE_SSL_FAILED)) {
    mc_step_find(r, st, MC_CAUSE_IMAP_NO_TLS, "port %d answers IMAP but %s", port,
                 pre & MC_IMAP_CAP_STARTTLS ? "refused STARTTLS" :
                 "does not offer STARTTLS");
    mc_step_done(r, st, MC_FAIL, "no STARTTLS on port %d", port);
    return true;
  }
  if(sec == MC_IMAP_TLS && !s->starttls_done) {
    cannot_observe(r, st, s, "STARTTLS did not complete");
    return true;
  }
  if(sec == MC_IMAP_TLS && !v->caps_post_seen && s->curl_code != CURLE_OK) {
    cannot_observe(r, st, s, "the session broke off after STARTTLS (handshake or certificate)");
    return true;
  }
  if(sec == MC_IMAP_NONE) {
    if(pre & MC_IMAP_CAP_STARTTLS)
      mc_step_ev(st, "note", "the port offers STARTTLS: an endpoint with -Security Tls "
                 "would keep the password off the wire");
    else
      mc_step_find_sev(r, st, MC_CAUSE_IMAP_NO_TLS, MC_WARN, "port %d offers no STARTTLS: with "
                       "-Security None the password crosses the network in clear text "
                       "(port 993 was not part of this check)", port);
  }
  return false;
}

/* Step 3: the login (with t->user) and LIST. */
static void judge_login(struct mc_report *r, const struct mc_target *t,
                        const struct mc_imap_session *s, struct mc_step *st, const struct seen *v)
{
  enum mc_imap_security sec = t->imap.security;
  char caps_text[128];
  unsigned pre = v->caps_pre, post = v->caps_post_seen ? v->caps_post : v->caps_pre;
  if(post & MC_IMAP_CAP_LOGINDISABLED) {
    mc_step_find(r, st, MC_CAUSE_IMAP_LOGIN_DISABLED, "the server advertises LOGINDISABLED %s",
                 sec == MC_IMAP_NONE ? "without TLS: an endpoint with -Security None cannot "
                 "sign in" : "even after TLS");
    mc_step_done(r, st, MC_FAIL, "LOGIN refused (LOGINDISABLED)");
    return;
  }
  if(!t->user) {
    if(s->curl_code != CURLE_OK) {
      cannot_observe(r, st, s, "the IMAP session broke off");
      return;
    }
    mc_step_done(r, st, sec == MC_IMAP_NONE && !(pre & MC_IMAP_CAP_STARTTLS) ? MC_WARN :
                 MC_PASS, "an IMAP server answers%s; sign-in not tried (give --user)",
                 sec == MC_IMAP_TLS ? " and STARTTLS works" : "");
    return;
  }
  if(v->login_refused || (s->curl_code == CURLE_LOGIN_DENIED && s->login_sent)) {
    mc_step_find(r, st, MC_CAUSE_IMAP_AUTH_FAILED, "the server refused the login of %s%s%s",
                 t->user, v->login_refused ? ": " : "", v->login_refused ? v->login_refused : "");
    mc_step_done(r, st, MC_FAIL, "login refused for %s", t->user);
    return;
  }
  if(login_kept_disabled(s, sec, v)) {
    mc_step_ev(st, "note", "LOGINDISABLED was dropped after STARTTLS, as it should be, but "
               "this libcurl kept it and did not send LOGIN (no AUTH= mechanism is "
               "offered to sign in with instead)");
    cannot_observe(r, st, s, "the login could not be tried after STARTTLS");
    return;
  }
  if(s->curl_code == CURLE_LOGIN_DENIED) {
    mc_step_find(r, st, MC_CAUSE_IMAP_LOGIN_DISABLED, "no login method the client can use is "
                 "offered (capabilities: %s)",
                 mc_imap_caps_text(post, caps_text, sizeof caps_text));
    mc_step_done(r, st, MC_FAIL, "no usable login");
    return;
  }
  if(s->curl_code != CURLE_OK || !v->list_ok) {
    cannot_observe(r, st, s, s->login_sent ? "the IMAP session broke off after the login" :
                   "the IMAP session broke off before any login was sent");
    return;
  }
  mc_step_ev(st, "mailboxes", "%zu", s->mailboxes);
  mc_step_done(r, st, sec == MC_IMAP_NONE && !(pre & MC_IMAP_CAP_STARTTLS) ? MC_WARN :
               MC_PASS, "signed in as %s; %zu mailbox%s listed", t->user, s->mailboxes,
               s->mailboxes == 1 ? "" : "es");
}

/* Steps 2 and 3 from a finished session. */
static void judge(struct mc_report *r, const struct mc_target *t, int port,
                  const struct mc_imap_session *s, struct mc_step *st)
{
  struct seen v;
  gather(s, &v);
  lines_evidence(st, s);
  if(!judge_greeting(r, port, s, st, &v) && !judge_tls(r, t->imap.security, port, s, st, &v))
    judge_login(r, t, s, st, &v);
}

struct mc_report *mc_check_imap(const struct mc_target *t)
{
  enum mc_imap_security sec = t->imap.security;
  int port = t->port ? t->port : sec == MC_IMAP_SSL ? 993 : 143;
  char *target = mc_xasprintf("%s:%d", t->host, port);
  struct mc_report *r = mc_report_new("imap", target);
  free(target);
  mc_report_note(r, "security %s (the endpoint's -Security %s, -Port %d)",
                 security_name[sec], sec == MC_IMAP_SSL ? "Ssl" : sec == MC_IMAP_TLS ? "Tls" :
                 "None", port);
  struct mc_addr at;
  const struct mc_addr *addr = &at;
  if(!mc_walk_to_tcp(r, t, port, sec == MC_IMAP_SSL, NULL, &at))
    return r;
  if(sec == MC_IMAP_SSL && !mc_walk_tls(r, NULL, t, addr, port))
    return r;
  char ua[96];
  snprintf(ua, sizeof ua, "migcheck/%s", MC_VERSION);
  struct mc_imap_opts o = {
    .host = t->host, .port = port, .addr = addr->text, .security = sec, .user = t->user,
    .password = t->password, .ca_file = t->ca_file, .insecure = t->insecure,
    .timeout_ms = t->timeout_ms, .user_agent = ua
  };
  struct mc_step *st = t->user ?
    mc_step_add(r, NULL, "IMAP on %d: greeting, capabilities%s, login as %s, mailboxes", port,
                sec == MC_IMAP_TLS ? ", STARTTLS" : "", t->user) :
    mc_step_add(r, NULL, "IMAP on %d: greeting, capabilities%s", port,
                sec == MC_IMAP_TLS ? ", STARTTLS" : "");
  struct mc_imap_session *s = mc_xcalloc(1, sizeof *s);
  if(mc_imap_session_run(&o, s) != MC_OK) {
    mc_step_done(r, st, MC_UNKNOWN, "libcurl could not be set up");
    mc_report_incomplete(r, "the IMAP client could not start");
  }
  else {
    judge(r, t, port, s, st);
    /* The certificate STARTTLS brought: the session does not check it with
     * --insecure, and cannot say why when it refused it. A strict client's
     * look names the TLS_* cause (a warning with --insecure). */
    bool tls_refused = s->curl_code == CURLE_PEER_FAILED_VERIFICATION ||
                       s->curl_code == CURLE_SSL_CONNECT_ERROR;
    if(sec == MC_IMAP_TLS && s->starttls_done && (t->insecure || tls_refused))
      mc_walk_tls_imap_starttls(r, NULL, t, addr, port);
  }
  mc_imap_session_release(s);
  free(s);
  return r;
}
