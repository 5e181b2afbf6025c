/*
 * outlook_anywhere.c - migcheck outlook-anywhere: the path a cutover or
 * staged migration takes from Exchange Online to the source organization,
 * RPC over HTTP v2 through the RPC proxy down to a DCE/RPC bind of each
 * interface the migration calls.
 *
 * Plan:
 *   1. DNS, TCP, TLS to the RPC proxy (the shared walk).
 *   2. Without credentials, at once: RPC_IN_DATA /rpc/rpcproxy.dll (is it
 *      published, which schemes), POST /mapi/emsmdb and /mapi/nspi (MAPI
 *      over HTTP, information only).
 *   3. With credentials, per port 6001 (EMSMDB), 6002 (RFR), 6004 (NSPI):
 *      a virtual connection to EXCHANGE-SERVER:PORT and a bind of that
 *      port's interface (lib/proto/rpch.c). When the proxy refuses the
 *      name:port, the same port is tried under the other names the server
 *      goes by (short name, public name): the answer tells a ValidPorts
 *      list that lacks one name from a back end that is not there.
 * Rules (from what the wire showed):
 *   rpcproxy.dll 404, a page, no challenge           -> OA_NOT_PUBLISHED
 *   a redirect                                        -> HTTP_PREAUTH
 *   the challenge lists no Basic                      -> OA_BASIC_NOT_OFFERED
 *   401 after the login on either channel             -> AUTH_BAD_CREDENTIALS
 *   404 for NAME:PORT                                 -> OA_SERVER_NAME_UNRESOLVED
 *   "RPC Error" before CONN/A3 with no connect-failure EEInfo, or
 *   "Invalid RPC Port"                                -> OA_PORT_NOT_ALLOWED
 *   "RPC Error" with EEInfo 0x5A0, any RPC Error or close after CONN/A3,
 *   A3 but no C2                                      -> OA_BACKEND_UNAVAILABLE
 *   bind_nak, a rejected context, a fault             -> OA_BIND_REJECTED
 *   no answer at all on the OUT channel               -> OA_REVERSE_PROXY_BUFFERING
 *   503 without "RPC Error"                           -> HTTP_SERVICE_UNAVAILABLE
 */
#include "checks/checks.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/http.h"
#include "proto/rpch.h"
#include "util/json.h"

struct oa_port {
  int port;
  const struct mc_dcerpc_iface *iface;
};

static const struct oa_port oa_ports[] = {
  { 6001, &mc_dcerpc_emsmdb },
  { 6002, &mc_dcerpc_rfr },
  { 6004, &mc_dcerpc_nspi },
};
#define NPORTS (sizeof oa_ports / sizeof oa_ports[0])

/* What one session's outcome means. */
enum verdict {
  V_BOUND, V_BIND_REJECTED, V_AUTH, V_NAME_UNRESOLVED, V_PORT_REFUSED, V_BACKEND,
  V_NO_ANSWER, V_UNAVAILABLE, V_OTHER_HTTP, V_TRANSPORT
};

static const char *const verdict_cause[] = {
  [V_BOUND] = NULL, [V_BIND_REJECTED] = MC_CAUSE_OA_BIND_REJECTED, [V_AUTH] = MC_CAUSE_AUTH_BAD_CREDENTIALS,
  [V_NAME_UNRESOLVED] = MC_CAUSE_OA_SERVER_NAME_UNRESOLVED, [V_PORT_REFUSED] = MC_CAUSE_OA_PORT_NOT_ALLOWED,
  [V_BACKEND] = MC_CAUSE_OA_BACKEND_UNAVAILABLE, [V_NO_ANSWER] = MC_CAUSE_OA_REVERSE_PROXY_BUFFERING,
  [V_UNAVAILABLE] = MC_CAUSE_HTTP_SERVICE_UNAVAILABLE, [V_OTHER_HTTP] = MC_CAUSE_OA_NOT_PUBLISHED,
  [V_TRANSPORT] = NULL,
};

struct oa {
  struct mc_report *r;
  const struct mc_target *t;
  int port;
  char addr[64];                  /* the address the walk takes */
  struct mc_run_tag tag;          /* the User-Agent; no query (it is SERVER:PORT) */
  struct mc_http_client *http;    /* one trust store for the walk */
  enum mc_http_auth auth;
  bool basic_offered;             /* the proxy's 401 lists Basic */
  char short_name[128];
  struct mc_buf traffic;
  bool traffic_any;
  bool tls_failed;                /* a request failed TLS after the walk's handshake passed */
};

/* The failing status line of a session, if any. */
static const char *failing_line(const struct mc_rpch_result *res)
{
  if(res->stream_error[0])
    return res->stream_error;
  const struct mc_http_resp *chans[2] = { &res->out, &res->in };
  for(int k = 0; k < 2; k++) {
    for(size_t i = chans[k]->nmsgs; i > 0; i--) {
      const struct mc_http_msg *m = &chans[k]->msgs[i - 1];
      if(m->status >= 300)
        return m->status_line;
    }
  }
  return NULL;
}

static int failing_status(const struct mc_rpch_result *res)
{
  if(res->end != MC_RPCH_END_HTTP_ERROR)
    return 0;
  return res->out.status && res->out.status != 200 ? res->out.status : res->in.status;
}

static enum verdict judge(const struct mc_rpch_result *res)
{
  const char *line = failing_line(res);
  unsigned long code;
  switch(res->end) {
  case MC_RPCH_END_ANSWERED:
    if(res->answer.hdr.ptype == MC_DCERPC_BIND_ACK && res->answer.nresults &&
       res->answer.results[0].result == MC_DCERPC_ACCEPTANCE)
      return V_BOUND;
    return V_BIND_REJECTED;
  case MC_RPCH_END_HTTP_ERROR:
  case MC_RPCH_END_STREAM_ERROR:
    if(line && strstr(line, "Invalid RPC Port"))
      return V_PORT_REFUSED;
    if(mc_rpch_rpc_error(line, &code)) {
      if(res->stage >= MC_RPCH_STAGE_A3 || mc_rpch_eeinfo_connect_failed(line) ||
         code != 0x6ba)
        return V_BACKEND;
      return V_PORT_REFUSED;
    }
    switch(failing_status(res)) {
    case 401: return V_AUTH;
    case 404: return V_NAME_UNRESOLVED;
    case 503: return V_UNAVAILABLE;
    default: return V_OTHER_HTTP;
    }
  case MC_RPCH_END_CLOSED:
  case MC_RPCH_END_BAD_PDU:
    return res->stage >= MC_RPCH_STAGE_OUT_200 ? V_BACKEND : V_NO_ANSWER;
  case MC_RPCH_END_TIMEOUT:
    if(res->stage >= MC_RPCH_STAGE_C2)
      return V_BIND_REJECTED;
    return res->stage >= MC_RPCH_STAGE_OUT_200 ? V_BACKEND : V_NO_ANSWER;
  default:
    return V_TRANSPORT;
  }
}

static void add_traffic(struct oa *w, const char *name, int port,
                        const struct mc_rpch_result *res, enum verdict v)
{
  static const char *const stages[] = { "start", "out-200", "conn-a3", "conn-c2", "answer" };
  struct mc_json j;
  if(w->traffic_any)
    mc_buf_addch(&w->traffic, ',');
  w->traffic_any = true;
  mc_json_init(&j, &w->traffic, false);
  mc_json_obj_begin(&j);
  mc_json_kstr(&j, "purpose", "rpc-over-http");    /* one traffic shape (json-schema.md) */
  mc_json_kstr(&j, "method", "RPC_IN_DATA+RPC_OUT_DATA");
  mc_json_kstr(&j, "url", res->url);
  mc_json_kstr(&j, "server", name);
  mc_json_kint(&j, "port", port);
  mc_json_kstr(&j, "auth", w->auth == MC_HTTP_AUTH_NTLM ? "ntlm" : "basic");
  mc_json_kstr(&j, "stage", stages[res->stage]);
  mc_json_kstr(&j, "end", res->end_text);
  mc_json_kstr(&j, "cause", verdict_cause[v]);
  mc_json_kint(&j, "ms", res->ms);
  mc_json_obj_end(&j);
  w->tls_failed = w->tls_failed || res->in.error == MC_HTTP_ERR_TLS ||
                  res->out.error == MC_HTTP_ERR_TLS;
}

/* The channels' evidence: request, each status line, the PDUs. */
static void session_evidence(struct mc_step *s, const struct mc_rpch_result *res)
{
  mc_step_ev(s, "request", "RPC_IN_DATA and RPC_OUT_DATA %s", res->url);
  const struct { const char *label; const struct mc_http_resp *r; } chans[2] = {
    { "IN channel", &res->in }, { "OUT channel", &res->out }
  };
  for(int k = 0; k < 2; k++) {
    const struct mc_http_resp *r = chans[k].r;
    if(!r->nmsgs)
      mc_step_ev(s, chans[k].label, "%s", k == 0 ? "no HTTP response (as it should be: the "
                 "IN channel only streams)" : "no HTTP response");
    for(size_t i = 0; i < r->nmsgs; i++) {
      const struct mc_http_msg *m = &r->msgs[i];
      const char *wa = mc_http_header(m, "WWW-Authenticate");
      mc_step_ev(s, chans[k].label, "%s%s%s", m->status_line,
                 wa && m->status == 401 ? " | WWW-Authenticate: " : "",
                 wa && m->status == 401 ? (strncasecmp(wa, "NTLM ", 5) == 0 ?
                                           "NTLM <challenge>" : wa) : "");
    }
    if(r->body.len) {
      char *b = mc_printable(r->body.ptr, r->body.len, 200);
      mc_step_ev(s, "body", "%s", b);
      free(b);
    }
  }
  for(int k = 0; k < 2; k++) {
    char text[600];
    if(chans[k].r->ntlm.used)
      mc_step_ev(s, k == 0 ? "IN channel NTLM login" : "OUT channel NTLM login", "%s",
                 mc_http_ntlm_describe(&chans[k].r->ntlm, text, sizeof text));
  }
  for(size_t i = 0; i < res->npdus; i++)
    mc_step_ev(s, "PDU", "%s", res->pdus[i]);
  if(res->stream_error[0])
    mc_step_ev(s, "in-stream error", "%s", res->stream_error);
  mc_step_ev(s, "ended", "%s (%lld ms)", res->end_text, (long long)res->ms);
}

static mc_code run_session(struct oa *w, const char *name, const struct oa_port *op,
                           struct mc_rpch_result *res)
{
  struct mc_dcerpc_syntax syn;
  mc_dcerpc_syntax_of(op->iface, &syn);
  struct mc_http_req q;
  mc_target_req(w->t, &w->tag, w->addr, w->port, "RPC_IN_DATA", MC_RPCH_PATH, w->auth, &q);
  struct mc_rpch_opts o = {
    .http = &q, .remote_name = name, .remote_port = op->port, .client = w->http, .iface = &syn,
  };
  return mc_rpch_session(&o, res);
}

static void valid_ports_value(const struct oa *w, char *out, size_t outlen)
{
  const char *names[3] = { w->short_name, w->t->oa.exchange_server, w->t->host };
  size_t used = 0;
  out[0] = '\0';
  for(int i = 0; i < 3; i++) {
    bool dup = !names[i][0];
    for(int k = 0; k < i; k++)
      dup = dup || strcasecmp(names[i], names[k]) == 0;
    if(dup)
      continue;
    used += (size_t)snprintf(out + used, used < outlen ? outlen - used : 0,
                             "%s%s:6001-6002;%s:6004", used ? ";" : "", names[i], names[i]);
  }
}

static const char *nspi_words =
  "NSPI on 6004 is what the migration calls first (NspiBind): this failure is the one "
  "Exchange Online reports as \"Error 0x6ba (The RPC server is unavailable) from "
  "cli_NspiBind\" (KB 2903050)";

/* Tries the other names the server goes by on a refused port; says which
 * were accepted into accepted (", "-separated). */
static void try_other_names(struct oa *w, struct mc_step *s, const struct oa_port *op,
                            char *accepted, size_t acclen)
{
  const char *names[2] = { w->short_name, w->t->host };
  accepted[0] = '\0';
  for(int i = 0; i < 2; i++) {
    if(!names[i][0] || strcasecmp(names[i], w->t->oa.exchange_server) == 0 ||
       (i == 1 && strcasecmp(names[1], names[0]) == 0))
      continue;
    struct mc_rpch_result res;
    if(run_session(w, names[i], op, &res) != MC_OK) {
      mc_rpch_result_release(&res);
      continue;
    }
    enum verdict v = judge(&res);
    add_traffic(w, names[i], op->port, &res, v);
    const char *line = failing_line(&res);
    mc_step_ev(s, "other name", "%s:%d: %s", names[i], op->port,
               v == V_BOUND || v == V_BIND_REJECTED ? "accepted by the proxy (the virtual "
               "connection opened)" : line ? line : res.end_text);
    if(v == V_BOUND || v == V_BIND_REJECTED || res.stage >= MC_RPCH_STAGE_A3) {
      size_t n = strlen(accepted);
      snprintf(accepted + n, acclen - n, "%s%s:%d", n ? ", " : "", names[i], op->port);
    }
    mc_rpch_result_release(&res);
  }
}

/* An NTLM session refused with 401, judged as remote-move does: a broken
 * challenge is its own cause; where the proxy offers Basic, one Basic
 * session with the same password tells Extended Protection (Basic gets
 * past the login) from a wrong password (refused too). False: nothing
 * said, the usual AUTH_BAD_CREDENTIALS follows. */
static bool ntlm_refusal(struct oa *w, struct mc_step *s, const struct oa_port *op,
                         const struct mc_rpch_result *res)
{
  const struct mc_http_ntlm_ev *in = &res->in.ntlm, *out = &res->out.ntlm;
  if(w->auth != MC_HTTP_AUTH_NTLM)
    return false;
  if(in->broken || out->broken) {
    mc_step_find(w->r, s, MC_CAUSE_AUTH_NTLM_CHALLENGE_BROKEN, "the RPC proxy sent an NTLM challenge "
                 "that cannot be answered (%s); no answer and no password were sent",
                 in->broken ? in->broken_why : out->broken_why);
    return true;
  }
  if(!w->basic_offered || !(in->sent || out->sent))
    return false;
  struct mc_rpch_result b;
  w->auth = MC_HTTP_AUTH_BASIC;
  mc_code rc = run_session(w, w->t->oa.exchange_server, op, &b);
  w->auth = MC_HTTP_AUTH_NTLM;
  enum verdict v = rc == MC_OK ? judge(&b) : V_TRANSPORT;
  if(rc == MC_OK)
    add_traffic(w, w->t->oa.exchange_server, op->port, &b, v);
  const char *line = failing_line(&b);
  mc_step_ev(s, "Basic, same password", "%s", v == V_AUTH ? "refused too" : v == V_TRANSPORT ?
             b.end_text : line ? line : "got past the login");
  mc_rpch_result_release(&b);
  const struct mc_http_ntlm_ev *ev = in->sent ? in : out;
  if(v == V_AUTH)
    mc_step_find(w->r, s, MC_CAUSE_AUTH_BAD_CREDENTIALS, "the RPC proxy refused %s with NTLM and "
                 "with Basic: the password is wrong, or the account is locked or disabled",
                 w->t->user);
  else if(v != V_TRANSPORT)
    mc_step_find(w->r, s, MC_CAUSE_AUTH_EXTENDED_PROTECTION, "the RPC proxy refused the NTLM login "
                 "(%s) while Basic with the same password got past it: the password is right "
                 "and the NTLM path fails. %s", ev->cbt ? "with a channel binding for the "
                 "certificate this client was shown" : "without a channel binding",
                 ev->cbt_off ? "This run sent no binding on purpose: Extended Protection set "
                 "to Require on /rpc refuses such a client" : "Extended Protection on /rpc "
                 "refuses a binding that names another TLS channel: a device in front "
                 "terminates TLS, so the certificate seen here is not the one IIS binds");
  return v != V_TRANSPORT;
}

/* One port: the session, its step and its finding. Returns the verdict. */
static enum verdict check_port(struct oa *w, const struct oa_port *op)
{
  struct mc_report *r = w->r;
  const char *name = w->t->oa.exchange_server;
  struct mc_step *s = mc_step_add(r, NULL, "%s:%d through the RPC proxy, bind %s (%s)", name,
                                  op->port, op->iface->name, op->iface->protocol);
  struct mc_rpch_result res;
  if(run_session(w, name, op, &res) != MC_OK) {
    mc_step_done(r, s, MC_UNKNOWN, "libcurl could not be set up");
    mc_report_incomplete(r, "this machine's libcurl could not run the RPC over HTTP session");
    mc_rpch_result_release(&res);
    return V_TRANSPORT;
  }
  enum verdict v = judge(&res);
  add_traffic(w, name, op->port, &res, v);
  session_evidence(s, &res);
  mc_step_set_duration(s, res.ms);
  const char *line = failing_line(&res);
  const char *id = verdict_cause[v];
  char vp[1200];
  char accepted[600] = "";
  bool nspi = op->port == 6004;
  switch(v) {
  case V_BOUND:
    mc_step_done(r, s, MC_PASS, "virtual connection open (CONN/A3, CONN/C2); %s v%u.%u bound, "
                 "secondary address \"%s\"", op->iface->name, op->iface->major,
                 op->iface->minor, res.answer.sec_addr);
    break;
  case V_BIND_REJECTED:
    mc_step_find(r, s, id, "the proxy opened the virtual connection to %s:%d, but the server "
                 "behind it %s the %s bind (%s)%s%s", name, op->port,
                 res.stage == MC_RPCH_STAGE_ANSWER ? "refused" : "never answered",
                 op->iface->name, res.npdus ? res.pdus[res.npdus - 1] : res.end_text,
                 nspi ? ". " : "", nspi ? nspi_words : "");
    mc_step_done(r, s, MC_FAIL, "virtual connection open, %s bind %s", op->iface->name,
                 res.stage == MC_RPCH_STAGE_ANSWER ? "rejected" : "not answered");
    break;
  case V_AUTH:
    if(!ntlm_refusal(w, s, op, &res))
      mc_step_find(r, s, id, "the RPC proxy refused %s with %s authentication: %s",
                   w->t->user, w->auth == MC_HTTP_AUTH_NTLM ? "NTLM" : "Basic",
                   line ? line : res.end_text);
    mc_step_done(r, s, MC_FAIL, "credentials refused: %s", line ? line : res.end_text);
    break;
  case V_NAME_UNRESOLVED:
    mc_step_find(r, s, id, "the RPC proxy answered %s for %s:%d: Exchange 2013 and later "
                 "cannot map that server name to a mailbox server; use the mailbox-GUID name "
                 "Autodiscover gives (EXCH Server, <ExchangeGuid>@domain) as the endpoint's "
                 "ExchangeServer", line ? line : "404", name, op->port);
    mc_step_done(r, s, MC_FAIL, "%s", line ? line : res.end_text);
    break;
  case V_PORT_REFUSED:
    try_other_names(w, s, op, accepted, sizeof accepted);
    valid_ports_value(w, vp, sizeof vp);
    mc_step_ev(s, "ValidPorts to set", "%s", vp);
    mc_report_fact(r, "validports", "%s", vp);
    mc_step_find(r, s, id, "the RPC proxy refused %s:%d before the virtual connection opened "
                 "(%s)%s%s%s; set HKLM\\SOFTWARE\\Microsoft\\Rpc\\RpcProxy ValidPorts to "
                 "\"%s\"%s%s", name, op->port, line ? line : res.end_text,
                 accepted[0] ? "; it accepted " : "", accepted,
                 accepted[0] ? " on the same port, so the list holds another name but not "
                 "this one" : "", vp, nspi ? ". " : "", nspi ? nspi_words : "");
    mc_step_done(r, s, MC_FAIL, "refused by the proxy: %s", line ? line : res.end_text);
    break;
  case V_BACKEND:
    mc_step_find(r, s, id, "the RPC proxy accepted %s:%d but could not reach a server behind "
                 "it (%s%s%s)%s%s", name, op->port, res.stage >= MC_RPCH_STAGE_A3 ?
                 "CONN/A3 came, then " : "", line ? line : res.end_text,
                 mc_rpch_eeinfo_connect_failed(line) ? "; its extended error says the "
                 "proxy's connection to the server failed" : "", nspi ? ". " : "",
                 nspi ? nspi_words : "");
    mc_step_done(r, s, MC_FAIL, "nothing answers behind the proxy: %s",
                 line ? line : res.end_text);
    break;
  case V_NO_ANSWER:
    mc_step_find(r, s, id, "the OUT channel got no answer for %s:%d (%s): something between "
                 "Exchange Online and the RPC proxy holds the streamed requests", name,
                 op->port, res.end_text);
    mc_step_done(r, s, MC_FAIL, "%s", res.end_text);
    break;
  case V_UNAVAILABLE:
  case V_OTHER_HTTP:
    mc_step_find(r, s, id, "%s:%d: %s", name, op->port, line ? line : res.end_text);
    mc_step_done(r, s, MC_FAIL, "%s", line ? line : res.end_text);
    break;
  case V_TRANSPORT:
    mc_step_done(r, s, MC_UNKNOWN, "%s", res.end_text);
    mc_report_incomplete(r, "the RPC over HTTP session to %s:%d failed below HTTP (%s)",
                         name, op->port, res.end_text);
    break;
  }
  mc_rpch_result_release(&res);
  return v;
}

/* Step 2's evidence for one unauthenticated answer. */
static void probe_evidence(struct mc_step *s, const struct mc_http_req *q,
                           const struct mc_http_resp *resp)
{
  mc_step_ev(s, "request", "%s %s HTTP/1.1 (no credentials)", q->method, q->path);
  for(size_t i = 0; i < resp->nmsgs; i++) {
    const struct mc_http_msg *m = &resp->msgs[i];
    mc_step_ev(s, "status", "%s", m->status_line);
    static const char *const shown[] = { "Server", "WWW-Authenticate", "X-FEServer",
                                         "Location", "Content-Type", NULL };
    for(size_t k = 0; k < m->nh; k++) {
      for(int j = 0; shown[j]; j++) {
        if(strcasecmp(m->h[k].name, shown[j]) == 0)
          mc_step_ev(s, shown[j], "%s", m->h[k].value);
      }
    }
  }
  if(resp->error)
    mc_step_ev(s, "error", "%s: %s", mc_http_error_name(resp->error), resp->error_text);
}

/* Step 2. Returns the schemes offered, or -1 when the walk must stop. */
#define OA_REPEAT 6

/* Whether an answer of the RPC proxy is the one the walk wants: Exchange
 * asking for credentials. */
static bool oa_good(const struct mc_http_resp *resp)
{
  return resp->error == MC_HTTP_OK && resp->status == 401;
}

/* Before a failing RPC_IN_DATA is blamed on the server it reached: the
 * same request on OA_REPEAT new connections, grouped by server. */
static void recheck_proxy(struct oa *w, struct mc_step *front, const struct mc_http_req *q,
                          const struct mc_http_resp *first)
{
  if(oa_good(first) || first->error == MC_HTTP_ERR_TIMEOUT ||
     first->error == MC_HTTP_ERR_CONNECT || first->error == MC_HTTP_ERR_TLS)
    return;
  mc_backends_recheck(w->r, front, w->http, q, first, OA_REPEAT, oa_good);
}

static int front_door(struct oa *w)
{
  struct mc_report *r = w->r;
  static const char *const rpc_headers[] = { "Content-Length: 0", "Accept: application/rpc",
                                             NULL };
  static const char *const mapi_headers[] = { "Content-Type: application/mapi-http",
                                              "X-RequestType: Connect", NULL };
  struct mc_http_req q[3];
  struct mc_http_resp resp[3];
  const char *paths[3] = { MC_RPCH_PATH, "/mapi/emsmdb/", "/mapi/nspi/" };
  for(int i = 0; i < 3; i++) {
    mc_target_req(w->t, &w->tag, w->addr, w->port, i ? "POST" : "RPC_IN_DATA", paths[i],
                  MC_HTTP_AUTH_NONE, &q[i]);
    q[i].headers = i ? mapi_headers : rpc_headers;
  }
  struct mc_step *front = mc_step_add(r, NULL, "RPC proxy and MAPI over HTTP without "
                                      "credentials");
  if(mc_http_perform(w->http, q, resp, 3) != MC_OK) {
    mc_step_done(r, front, MC_UNKNOWN, "libcurl could not be set up");
    mc_report_incomplete(r, "this machine's libcurl could not make the requests");
    return -1;
  }
  recheck_proxy(w, front, &q[0], &resp[0]);
  struct mc_step *s = mc_step_add(r, front, "RPC_IN_DATA %s", MC_RPCH_PATH);
  probe_evidence(s, &q[0], &resp[0]);
  mc_step_set_duration(s, resp[0].ms_total);
  char realm[128], text[128];
  unsigned schemes = resp[0].final ? mc_http_auth_schemes(resp[0].final, realm, sizeof realm)
                                   : 0;
  mc_http_schemes_text(schemes, text, sizeof text);
  int st = resp[0].status;
  int result = (int)schemes;
  bool unknown = false;           /* the request could not be made: nothing failed */
  if(resp[0].error == MC_HTTP_ERR_TIMEOUT) {
    mc_step_find(r, s, MC_CAUSE_HTTP_TIMEOUT, "%s was not answered within %d ms", MC_RPCH_PATH,
                 w->t->timeout_ms);
    mc_step_done(r, s, MC_FAIL, "no answer");
    result = -1;
  }
  else if(resp[0].error) {
    mc_step_done(r, s, MC_UNKNOWN, "%s", resp[0].error_text);
    mc_report_incomplete(r, "%s could not be reached: %s", MC_RPCH_PATH, resp[0].error_text);
    result = -1;
    unknown = true;
  }
  else if(st >= 300 && st < 400) {
    const char *loc = mc_http_header(resp[0].final, "Location");
    mc_step_find(r, s, MC_CAUSE_HTTP_PREAUTH, "%s answered %d and redirects to %s: a device in front "
                 "wants its own login, which RPC over HTTP cannot give", MC_RPCH_PATH, st,
                 loc ? loc : "(no Location)");
    mc_step_done(r, s, MC_FAIL, "%d redirect", st);
    result = -1;
  }
  else if(st == 503) {
    mc_step_find(r, s, MC_CAUSE_HTTP_SERVICE_UNAVAILABLE, "%s answered %s", MC_RPCH_PATH,
                 resp[0].final->status_line);
    mc_step_done(r, s, MC_FAIL, "%s", resp[0].final->status_line);
    result = -1;
  }
  else if(st != 401 || !(schemes & (MC_HTTP_SCHEME_BASIC | MC_HTTP_SCHEME_NTLM |
                                    MC_HTTP_SCHEME_NEGOTIATE))) {
    mc_step_find(r, s, MC_CAUSE_OA_NOT_PUBLISHED, "%s answered %s without asking for credentials: "
                 "no RPC proxy is published there", MC_RPCH_PATH,
                 resp[0].final ? resp[0].final->status_line : "nothing");
    mc_step_done(r, s, MC_FAIL, "%s", resp[0].final ? resp[0].final->status_line : "nothing");
    result = -1;
  }
  else {
    if(!(schemes & MC_HTTP_SCHEME_BASIC))
      mc_step_find(r, s, MC_CAUSE_OA_BASIC_NOT_OFFERED, "the RPC proxy offers %s but not Basic, "
                   "the migration endpoint's default (-Authentication Basic)", text);
    mc_step_done(r, s, schemes & MC_HTTP_SCHEME_BASIC ? MC_PASS : MC_FAIL,
                 "published; asks for %s", text);
  }
  /* MAPI over HTTP: information only. */
  for(int i = 1; i < 3; i++) {
    struct mc_step *m = mc_step_add(r, front, "POST %s (MAPI over HTTP)", paths[i]);
    probe_evidence(m, &q[i], &resp[i]);
    int ms = resp[i].status;
    if(ms == 401)
      mc_step_done(r, m, MC_INFO, "published (asks for credentials); Outlook uses it, the "
                   "migration service does not");
    else if(resp[i].error)
      mc_step_done(r, m, MC_INFO, "no answer: %s", resp[i].error_text);
    else
      mc_step_done(r, m, MC_INFO, "not published (%d)", ms);
  }
  if(unknown)
    mc_step_done(r, front, MC_UNKNOWN, "the RPC proxy could not be asked: %s",
                 resp[0].error_text);
  else
    mc_step_done(r, front, result < 0 ? MC_FAIL : (schemes & MC_HTTP_SCHEME_BASIC) ? MC_PASS :
                 MC_FAIL, "%s", result < 0 ? "the RPC proxy is not usable" : text);
  for(int i = 0; i < 3; i++) {
    w->tls_failed = w->tls_failed || resp[i].error == MC_HTTP_ERR_TLS;
    mc_http_resp_release(&resp[i]);
  }
  return result;
}

/* The report's header: its target, the run id, the facts the fix steps
 * name (model/fill.c), the notes. */
static void open_report(struct oa *w, struct mc_report *pre)
{
  const struct mc_target *t = w->t;
  char *target = mc_xasprintf("%s via %s:%d", t->oa.exchange_server, t->host, w->port);
  struct mc_report *r = w->r = pre ? pre : mc_report_new("outlook-anywhere", target);
  free(target);
  if(!pre)
    mc_report_new_run_id(r);
  mc_run_tag_init(&w->tag, r, "MSRPC ", false);
  const char *dot = strchr(t->oa.exchange_server, '.');
  if(dot && !strchr(t->oa.exchange_server, '@')) {
    size_t n = (size_t)(dot - t->oa.exchange_server);
    snprintf(w->short_name, sizeof w->short_name, "%.*s", (int)n, t->oa.exchange_server);
    for(char *c = w->short_name; *c; c++)
      *c = (char)toupper((unsigned char)*c);
  }
  mc_report_fact_names(r, t->host, t->user, t->ad.email);
  mc_report_fact(r, "server", "%s", w->short_name);
  if(!strchr(t->oa.exchange_server, '@'))
    mc_report_fact(r, "server_fqdn", "%s", t->oa.exchange_server);
  mc_report_note(r, "every request carries the User-Agent \"%s\": search the IIS logs for "
                 "it (the RPC query string must stay SERVER:PORT)", w->tag.ua);
}

/* The login the ports are tested with: --auth, else what the proxy offers. */
static void choose_auth(struct oa *w, unsigned schemes)
{
  bool basic = schemes & MC_HTTP_SCHEME_BASIC;
  bool ntlm = schemes & MC_HTTP_SCHEME_NTLM;
  w->basic_offered = basic;
  w->auth = w->t->oa.auth == MC_HTTP_AUTH_NTLM ? MC_HTTP_AUTH_NTLM : MC_HTTP_AUTH_BASIC;
  if(w->auth == MC_HTTP_AUTH_BASIC && !basic && ntlm) {
    w->auth = MC_HTTP_AUTH_NTLM;
    mc_report_note(w->r, "Basic is not offered, so the ports were tested with NTLM: this "
                   "shows whether an endpoint created with -Authentication NTLM would work");
  }
  else if(w->auth == MC_HTTP_AUTH_NTLM && !ntlm && basic) {
    w->auth = MC_HTTP_AUTH_BASIC;
    mc_report_note(w->r, "NTLM is not offered, so the ports were tested with Basic");
  }
}

/* Ports 6001, 6002, 6004 one by one, each a virtual connection and a bind;
 * after a refused login or a failure below HTTP the rest are skipped. */
static void check_ports(struct oa *w, unsigned schemes)
{
  struct mc_report *r = w->r;
  const struct mc_target *t = w->t;
  bool offered = schemes & (MC_HTTP_SCHEME_BASIC | MC_HTTP_SCHEME_NTLM);
  if(!t->user || !t->password || !offered) {
    struct mc_step *s = mc_step_add(r, NULL, "Ports 6001, 6002, 6004 through the RPC proxy");
    mc_step_done(r, s, MC_SKIP, "%s", !offered ? "the proxy offers neither Basic nor "
                 "NTLM" : "no credentials given (--user with MIGCHECK_PASSWORD, "
                 "--password-file or the prompt): the RPC proxy needs a login before it "
                 "opens a virtual connection");
    return;
  }
  for(size_t i = 0; i < NPORTS; i++) {
    enum verdict v = check_port(w, &oa_ports[i]);
    if(v != V_AUTH && v != V_TRANSPORT)
      continue;
    /* Spare the account a lockout; below HTTP nothing more can be seen. */
    for(size_t k = i + 1; k < NPORTS; k++) {
      struct mc_step *s = mc_step_add(r, NULL, "%s:%d through the RPC proxy, bind %s",
                                      t->oa.exchange_server, oa_ports[k].port,
                                      oa_ports[k].iface->name);
      mc_step_done(r, s, MC_SKIP, "not tried after the %s", v == V_AUTH ?
                   "credentials were refused" : "session failed below HTTP");
    }
    return;
  }
}

struct mc_report *mc_check_outlook_anywhere(const struct mc_target *t)
{
  /* --autodiscover: the names come from Autodiscover first (autodiscover.c). */
  struct mc_target picked = { 0 };
  struct mc_report *pre = NULL;
  if(t->ad.email) {
    pre = mc_outlook_anywhere_autodiscover(t, &picked);
    if(!picked.host) {
      free(picked.oa.exchange_server);
      return pre;
    }
    t = &picked;
  }
  struct oa w = { .t = t, .port = t->port ? t->port : 443 };
  open_report(&w, pre);
  mc_buf_init(&w.traffic, 1 << 20);
  mc_buf_addch(&w.traffic, '[');
  w.http = mc_http_client_new();
  const struct mc_front_probe fp = { "GET", "/rpc/rpcproxy.dll", NULL, w.tag.ua };
  struct mc_addr at = { .family = 0 };
  if(mc_walk_to_tcp(w.r, t, w.port, true, &fp, &at)) {
    mc_strlcpy(w.addr, at.text, sizeof w.addr);
    int schemes = mc_walk_tls(w.r, NULL, t, &at, w.port) ? front_door(&w) : -1;
    if(schemes >= 0) {
      choose_auth(&w, (unsigned)schemes);
      check_ports(&w, (unsigned)schemes);
    }
  }
  mc_walk_http_end(w.r, t, w.addr, w.port, w.tls_failed, &w.traffic);
  mc_http_client_free(w.http);
  free(picked.host);
  free(picked.oa.exchange_server);
  return w.r;
}
