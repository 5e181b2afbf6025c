/*
 * rpcproxy.c - the lab's RPC proxy: /rpc/rpcproxy.dll over TLS, the server
 * side of RPC over HTTP v2 (MS-RPCH) in front of simulated back-end ports,
 * as Exchange 2010 (Windows RPC proxy with a ValidPorts list) or Exchange
 * 2013+ (CAFE: server names it cannot resolve get 404) answers it, with the
 * one fault its profile names. Not for EWS (exchange.c) and not a general
 * RPC runtime: the back end answers binds and nothing else.
 *
 * Per connection (its own thread): TLS accept -> loop { read a request head
 * (lenient: real clients' quirks, see below) -> authenticate (Basic, or
 * NTLM with the state on the connection) -> route } where route is:
 *   Content-Length <= 0x10          echo: 200 Success + the Echo RTS PDU
 *   RPC_OUT_DATA name:port          out_channel(): read CONN/A1; refused
 *                                   name:port or absent port -> "HTTP/1.0 503
 *                                   RPC Error: 6ba" (with EEInfo when the
 *                                   proxy's connect failed); else 200 Success,
 *                                   CONN/A3 at once, wait for the IN channel
 *                                   (VC cookie rendezvous), CONN/C2, then answer
 *                                   the binds the IN channel queued
 *   RPC_IN_DATA name:port           in_channel(): read PDUs; CONN/B1 joins the
 *                                   virtual connection, binds are queued for
 *                                   the OUT side, RTS pings are ignored
 * Invariants: one thread owns each SSL (the IN thread never writes to the
 * OUT connection: it queues, the OUT thread answers); virtual connections
 * are matched by VirtualConnectionCookie and a reused cookie starts a new
 * one once the old one has both channels; every wait is bounded (the lab's
 * 15 s socket timeouts, RENDEZVOUS_MS for the other channel) and stops when
 * the lab stops. Quirks accepted (peers' checklist): HTTP/1.0 request lines
 * with Connection: keep-alive, absolute-form targets, the NTLM Type 1 sent
 * to the path without the query, A1 and B1 in either order, a reused VC
 * cookie, a bind sent before C2, 100 Continue only when Expect asks for it.
 *
 * The profile is lab configuration held by the scenario's row (.oa in
 * scenarios.c); the check diagnoses only from these answers. The codecs of the PDUs are the shared
 * wire-format ones (lib/wire/rts.h, dcerpc.h); the decisions are the lab's.
 */
#include "lab/exchange.h"
#include "lab/http_req.h"
#include "lab/iislog.h"
#include "lab/ntlm_server.h"
#include "lab/rpcproxy.h"
#include "lab/tls_server.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>

#include "wire/dcerpc.h"
#include "wire/rts.h"
#include "util/base64.h"

#define STREAM_MAX 65536
#define RENDEZVOUS_MS 10000
#define MAX_VCS 64
#define BIG_BODY 0x10000            /* more than this cannot be drained after a 401 */

/* One virtual connection: what the IN side hands the OUT side. */
struct vc {
  bool used;
  unsigned char cookie[16];
  bool has_out, has_in, b1, in_gone, out_gone;
  struct mc_buf queue;              /* non-RTS PDUs from IN, in order */
};

struct oa_site {
  const struct mc_lab_oa_profile *p;
  SSL_CTX *ctx;
  char server[16], fqdn[64], public_name[128];
  char valid_ports[1024];
  char mailbox_name[96];            /* 2013+: <guid>@contoso.local */
  struct mc_lab_ntlm_names names;
  struct mc_lab_iislog *log;
  char password[64];
  pthread_mutex_t mu;
  pthread_cond_t cv;
  struct vc vcs[MAX_VCS];
};

struct conn {
  struct mc_lab *lab;
  struct mc_lab_site *site;
  struct oa_site *os;
  SSL *ssl;
  int fd;
  char peer[64];
  char buf[MC_LAB_HTTP_HEAD_MAX + STREAM_MAX];
  size_t len;
  struct mc_lab_ntlm_conn ntlm;
  bool signed_in;
  char user[160];
};

static void oa_free(void *p)
{
  struct oa_site *os = p;
  for(size_t i = 0; i < MAX_VCS; i++)
    mc_buf_release(&os->vcs[i].queue);
  pthread_mutex_destroy(&os->mu);
  pthread_cond_destroy(&os->cv);
  mc_lab_iislog_free(os->log);
  SSL_CTX_free(os->ctx);
  free(os);
}

/* ---- I/O ---- */

static bool read_more(struct conn *c)
{
  if(c->len >= sizeof c->buf || mc_lab_stopping(c->lab))
    return false;
  int n = SSL_read(c->ssl, c->buf + c->len, (int)(sizeof c->buf - c->len));
  if(n <= 0)
    return false;
  c->len += (size_t)n;
  return true;
}

static void consume(struct conn *c, size_t n)
{
  memmove(c->buf, c->buf + n, c->len - n);
  c->len -= n;
}

static bool send_all(struct conn *c, const void *p, size_t n)
{
  return n == 0 || SSL_write(c->ssl, p, (int)n) == (int)n;
}

static void respond(struct conn *c, const char *status_line, const char *headers,
                    const char *body, bool keep)
{
  struct mc_buf out = MC_BUF_INIT(16384);
  size_t blen = body ? strlen(body) : 0;
  mc_buf_printf(&out, "%s\r\nServer: Microsoft-IIS/%s\r\n%s", status_line,
                c->os->p->version == 2010 ? "7.5" : "10.0", headers ? headers : "");
  mc_lab_http_end_head(&out, blen, keep);
  mc_buf_add(&out, body ? body : "", blen);
  if(out.ptr)
    send_all(c, out.ptr, out.len);
  mc_buf_release(&out);
}

static void log_request(struct conn *c, const struct mc_lab_http_req *q, int status, int sub,
                        unsigned long win32, int64_t t0)
{
  char method[32], stem[256], query[1100], ua[512];
  snprintf(method, sizeof method, "%.*s", (int)q->method.n, q->method.p);
  snprintf(stem, sizeof stem, "%.*s", (int)q->path.n, q->path.p);
  snprintf(query, sizeof query, "%.*s", (int)q->query.n, q->query.p);
  struct mc_slice uas = mc_lab_http_header(q, "User-Agent");
  snprintf(ua, sizeof ua, "%.*s", (int)uas.n, uas.p);
  struct mc_lab_iis_entry e = {
    .method = method, .stem = stem, .query = query, .s_port = c->site->port,
    .username = c->user[0] ? c->user : NULL, .c_ip = c->peer, .user_agent = ua,
    .status = status, .substatus = sub, .win32 = win32, .time_taken_ms = mc_now_ms() - t0,
  };
  mc_lab_iislog_write(c->os->log, &e);
}

/* ---- authentication ---- */

static void challenge(struct conn *c, const char *ntlm_token, bool keep)
{
  struct mc_buf h = MC_BUF_INIT(8192);
  if(ntlm_token)
    mc_buf_printf(&h, "WWW-Authenticate: NTLM %s\r\n", ntlm_token);
  else {
    if(c->os->p->ntlm)
      mc_buf_addstr(&h, "WWW-Authenticate: Negotiate\r\nWWW-Authenticate: NTLM\r\n");
    if(c->os->p->basic)
      mc_buf_printf(&h, "WWW-Authenticate: Basic realm=\"%s\"\r\n", c->os->public_name);
  }
  mc_buf_addstr(&h, "Content-Type: text/html\r\nX-Powered-By: ASP.NET\r\n");
  respond(c, "HTTP/1.1 401 Unauthorized", h.ptr,
          "<html><head><title>401 - Unauthorized</title></head><body>401 - Unauthorized: "
          "Access is denied due to invalid credentials.</body></html>\r\n", keep);
  mc_buf_release(&h);
}

/* True when the request may go on; else the 401 went out (sub, win32 for
 * the log). */
static bool authenticate(struct conn *c, const struct mc_lab_http_req *q, bool keep,
                         int *sub, unsigned long *win32)
{
  if(c->signed_in)
    return true;
  struct mc_slice auth = mc_lab_http_header(q, "Authorization");
  const char *sp = auth.n ? memchr(auth.p, ' ', auth.n) : NULL;
  struct mc_slice scheme = { auth.p, sp ? (size_t)(sp - auth.p) : auth.n };
  const char *tok = sp ? sp + 1 : auth.p + auth.n;
  size_t tokn = sp ? auth.n - (size_t)(tok - auth.p) : 0;
  struct mc_buf raw = MC_BUF_INIT(8192);
  bool ok = false;
  *sub = 2;
  *win32 = 5;
  if(mc_slice_caseeq(scheme, "NTLM") && c->os->p->ntlm &&
     mc_base64_decode(&raw, tok, tokn) == MC_OK) {
    const unsigned char *m = (const unsigned char *)raw.ptr;
    int type = mc_lab_ntlm_type(m, raw.len);
    *sub = 1;
    if(type == 1) {
      struct mc_buf t2 = MC_BUF_INIT(4096), b64 = MC_BUF_INIT(8192);
      mc_lab_ntlm_begin(&c->ntlm, &c->os->names, m, raw.len, &t2);
      mc_base64_encode(&b64, t2.ptr, t2.len);
      challenge(c, b64.ptr, keep);
      *win32 = 2148074254ul;
      mc_buf_release(&t2);
      mc_buf_release(&b64);
    }
    else if(type == 3 && c->ntlm.challenged) {
      char claimed[160];
      enum mc_lab_ntlm_verdict v = mc_lab_ntlm_finish(&c->ntlm, m, raw.len, c->os->password,
                                                      c->os->p->ep, c->ssl, claimed,
                                                      sizeof claimed);
      if(v == MC_LAB_NTLM_OK) {
        mc_strlcpy(c->user, claimed, sizeof c->user);
        c->signed_in = ok = true;
      }
      else {
        *win32 = v == MC_LAB_NTLM_NO_BINDING ? 2148074310ul : 2148074252ul;
        challenge(c, NULL, keep);
      }
    }
    else {
      *win32 = 2148074248ul;
      challenge(c, NULL, keep);
    }
  }
  else if(mc_slice_caseeq(scheme, "Basic") && c->os->p->basic &&
          mc_base64_decode(&raw, tok, tokn) == MC_OK) {
    size_t ulen = strlen(MC_LAB_ACCOUNT), plen = strlen(c->os->password);
    *sub = 1;
    *win32 = 1326;
    if(raw.len == ulen + 1 + plen && strncasecmp(raw.ptr, MC_LAB_ACCOUNT, ulen) == 0 &&
       raw.ptr[ulen] == ':' && memcmp(raw.ptr + ulen + 1, c->os->password, plen) == 0) {
      mc_strlcpy(c->user, MC_LAB_ACCOUNT, sizeof c->user);
      ok = true;            /* Basic signs in each request, not the connection */
    }
    else
      challenge(c, NULL, keep);
  }
  else
    challenge(c, NULL, keep);
  if(raw.ptr)
    explicit_bzero(raw.ptr, raw.cap);
  mc_buf_release(&raw);
  return ok;
}

/* ---- routing: ValidPorts, CAFE names, back ends ---- */

/* Whether "name:port" is allowed by the ValidPorts list
 * ("host:port[-port];..."), names compared case-insensitively. */
static bool valid_port(const char *list, const char *name, size_t namelen, long port)
{
  const char *p = list;
  while(*p) {
    const char *semi = strchr(p, ';');
    size_t n = semi ? (size_t)(semi - p) : strlen(p);
    const char *colon = memchr(p, ':', n);
    if(colon && (size_t)(colon - p) == namelen && strncasecmp(p, name, namelen) == 0) {
      long lo = strtol(colon + 1, NULL, 10), hi = lo;
      const char *dash = memchr(colon, '-', n - (size_t)(colon - p));
      if(dash)
        hi = strtol(dash + 1, NULL, 10);
      if(port >= lo && port <= hi)
        return true;
    }
    p += n + (semi ? 1 : 0);
  }
  return false;
}

static bool names_server(const struct oa_site *os, struct mc_slice name)
{
  return mc_slice_caseeq(name, os->server) || mc_slice_caseeq(name, os->fqdn) ||
         mc_slice_caseeq(name, os->mailbox_name);
}

enum route { RT_OK, RT_NOT_FOUND, RT_REFUSED, RT_NO_BACKEND };

static enum route route(const struct oa_site *os, struct mc_slice query, long *port_out)
{
  const char *colon = NULL;
  for(size_t i = query.n; i > 0; i--) {
    if(query.p[i - 1] == ':') {
      colon = query.p + i - 1;
      break;
    }
  }
  char num[8];
  long port = 0;
  size_t pn = colon ? query.n - (size_t)(colon + 1 - query.p) : 0;
  if(!colon || !pn || pn >= sizeof num)
    return os->p->version == 2010 ? RT_REFUSED : RT_NOT_FOUND;
  memcpy(num, colon + 1, pn);
  num[pn] = '\0';
  if(!mc_parse_long(num, 1, 65535, &port))
    return os->p->version == 2010 ? RT_REFUSED : RT_NOT_FOUND;
  *port_out = port;
  struct mc_slice name = { query.p, (size_t)(colon - query.p) };
  if(os->p->version == 2010) {
    if(!valid_port(os->valid_ports, name.p, name.n, port))
      return RT_REFUSED;
  }
  else if(!names_server(os, name))
    return RT_NOT_FOUND;
  /* The name resolves to the one server; is its port listening? */
  unsigned bit = port == 6001 ? MC_LAB_OA_P6001 : port == 6002 ? MC_LAB_OA_P6002 : port == 6004 ? MC_LAB_OA_P6004 : 0;
  bool here = names_server(os, name) || mc_slice_caseeq(name, os->public_name);
  return here && (os->p->backends & bit) ? RT_OK : RT_NO_BACKEND;
}

/* The MS-EERR record a Windows RPC proxy attaches when its connection to
 * the server failed: generating component 14 (RPC over HTTP proxy),
 * status 10061 (connection refused), detection location 0x5A0, in an NDR
 * type-serialization envelope. */
static void eeinfo(struct mc_buf *b64)
{
  static const unsigned char rec[] = {
    0x01, 0x10, 0x08, 0x00, 0xcc, 0xcc, 0xcc, 0xcc,     /* type serialization header */
    0x30, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,     /* object length, filler */
    0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00,     /* referent, Next = NULL */
    0x02, 0x00, 0x00, 0x00,                             /* ComputerName: not present */
    0x9c, 0x0f, 0x00, 0x00,                             /* ProcessID */
    0x00, 0x80, 0x3e, 0xd5, 0xde, 0xb1, 0x9d, 0x01,     /* TimeStamp */
    0x0e, 0x00, 0x00, 0x00,                             /* GeneratingComponent 14 */
    0x4d, 0x27, 0x00, 0x00,                             /* Status 10061 */
    0xa0, 0x05, 0x00, 0x00,                             /* DetectionLocation 0x5A0, Flags */
    0x00, 0x00, 0x00, 0x00,                             /* nLen 0 */
  };
  mc_base64_encode(b64, rec, sizeof rec);
}

/* ---- virtual connections ---- */

/* The VC for cookie whose side (out or in) is still free; a new one when
 * none. Called with os->mu held. NULL when the table is full. */
static struct vc *vc_join(struct oa_site *os, const unsigned char cookie[16], bool out)
{
  struct vc *free_slot = NULL;
  for(size_t i = 0; i < MAX_VCS; i++) {
    struct vc *v = &os->vcs[i];
    if(!v->used) {
      if(!free_slot)
        free_slot = v;
      continue;
    }
    if(memcmp(v->cookie, cookie, 16) == 0 && !(out ? v->has_out : v->has_in) &&
       !(out ? v->in_gone : v->out_gone))
      return v;
  }
  if(free_slot) {
    struct mc_buf q = free_slot->queue;
    memset(free_slot, 0, sizeof *free_slot);
    free_slot->queue = q;
    mc_buf_reset(&free_slot->queue);
    free_slot->queue.limit = STREAM_MAX;
    free_slot->used = true;
    memcpy(free_slot->cookie, cookie, 16);
  }
  return free_slot;
}

static void vc_leave(struct oa_site *os, struct vc *v, bool out)
{
  pthread_mutex_lock(&os->mu);
  if(out)
    v->out_gone = true;
  else
    v->in_gone = true;
  if((v->out_gone || !v->has_out) && (v->in_gone || !v->has_in))
    v->used = false;
  pthread_cond_broadcast(&os->cv);
  pthread_mutex_unlock(&os->mu);
}

/* Waits until pred(v) or the deadline; with os->mu held. */
static bool vc_wait(struct conn *c, struct vc *v, bool (*pred)(const struct vc *), int64_t until)
{
  while(!pred(v) && !mc_lab_stopping(c->lab) && mc_now_ms() < until) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += 100 * 1000000L;
    if(ts.tv_nsec >= 1000000000L) {
      ts.tv_sec++;
      ts.tv_nsec -= 1000000000L;
    }
    pthread_cond_timedwait(&c->os->cv, &c->os->mu, &ts);
  }
  return pred(v);
}

static bool has_b1(const struct vc *v)
{
  return v->b1 || v->in_gone;
}

static bool has_work(const struct vc *v)
{
  return v->queue.len || v->in_gone;
}

/* The back end's answer to one bind: accept the port's Exchange interfaces
 * (on 2010, NSPI and RFR answer on both 6002 and 6004), reject the rest. */
static void answer_bind(const char *pdu, size_t n, long port, struct mc_buf *out)
{
  struct mc_dcerpc_bind b;
  if(mc_dcerpc_bind_parse(pdu, n, &b) != MC_OK) {
    mc_dcerpc_bind_nak_encode(out, 0, 0);
    return;
  }
  if(b.hdr.ptype != MC_DCERPC_BIND) {
    mc_dcerpc_bind_nak_encode(out, b.hdr.call_id, 0);
    return;
  }
  struct mc_dcerpc_syntax ndr, nspi, emsmdb, rfr;
  mc_dcerpc_syntax_of(&mc_dcerpc_ndr, &ndr);
  mc_dcerpc_syntax_of(&mc_dcerpc_nspi, &nspi);
  mc_dcerpc_syntax_of(&mc_dcerpc_emsmdb, &emsmdb);
  mc_dcerpc_syntax_of(&mc_dcerpc_rfr, &rfr);
  struct mc_dcerpc_result res[MC_DCERPC_MAX_CTX];
  bool any = false;
  for(size_t i = 0; i < b.nctx; i++) {
    const struct mc_dcerpc_ctx *x = &b.ctx[i];
    bool here = (port == 6001 && mc_dcerpc_syntax_eq(&x->abstract, &emsmdb)) ||
                ((port == 6002 || port == 6004) && (mc_dcerpc_syntax_eq(&x->abstract, &nspi) ||
                                                    mc_dcerpc_syntax_eq(&x->abstract, &rfr)));
    bool ndr_offered = false;
    for(size_t k = 0; k < x->ntransfer; k++)
      ndr_offered = ndr_offered || mc_dcerpc_syntax_eq(&x->transfer[k], &ndr);
    memset(&res[i], 0, sizeof res[i]);
    if(here && ndr_offered && !any) {
      res[i].transfer = ndr;
      any = true;
    }
    else {
      res[i].result = MC_DCERPC_PROVIDER_REJECTION;
      res[i].reason = here ? MC_DCERPC_TRANSFER_SYNTAXES_NOT_SUPPORTED :
                             MC_DCERPC_ABSTRACT_SYNTAX_NOT_SUPPORTED;
    }
  }
  char sec[8];
  snprintf(sec, sizeof sec, "%ld", port);
  mc_dcerpc_bind_ack_encode(out, b.hdr.call_id, 0x12345 + (uint32_t)port, sec, res, b.nctx);
}

static void out_channel(struct conn *c, const struct mc_lab_http_req *q, int64_t t0)
{
  struct oa_site *os = c->os;
  long port = 0;
  enum route rt = route(os, q->query, &port);
  if(rt == RT_NOT_FOUND) {
    respond(c, "HTTP/1.1 404 Not Found", "Content-Type: text/html\r\nX-FEServer: EX16-01\r\n",
            "RPC server name passed in by client could not be resolved\r\n", false);
    log_request(c, q, 404, 0, 0, t0);
    return;
  }
  /* CONN/A1 is the OUT request's body: the proxy reads it before it
   * connects to the server (MS-RPCH 3.2.4.5). */
  size_t need = q->content_length < STREAM_MAX ? q->content_length : STREAM_MAX;
  while(c->len < need && read_more(c))
    ;
  struct mc_rts_pdu pdu;
  struct mc_rts_conn a1;
  if(c->len < MC_RTS_HDR_LEN || mc_rts_parse(c->buf, c->len, &pdu) != MC_OK ||
     !mc_rts_is_conn_a1(&pdu, &a1)) {
    respond(c, "HTTP/1.0 503 RPC Error: 6be", NULL, NULL, false);
    log_request(c, q, 503, 0, 1726, t0);
    return;
  }
  if(rt == RT_REFUSED || rt == RT_NO_BACKEND) {
    struct mc_buf line = MC_BUF_INIT(2048);
    mc_buf_addstr(&line, "HTTP/1.0 503 RPC Error: 6ba");
    if(rt == RT_NO_BACKEND) {
      mc_buf_addstr(&line, ", EEInfo: ");
      eeinfo(&line);
    }
    respond(c, line.ptr, NULL, NULL, false);
    log_request(c, q, 503, 0, 1722, t0);
    mc_buf_release(&line);
    return;
  }
  pthread_mutex_lock(&os->mu);
  struct vc *v = vc_join(os, a1.vc, true);
  if(v)
    v->has_out = true;
  pthread_mutex_unlock(&os->mu);
  if(!v) {
    respond(c, "HTTP/1.0 503 RPC Error: 6bb", NULL, NULL, false);
    log_request(c, q, 503, 0, 1723, t0);
    return;
  }
  static const char ok[] = "HTTP/1.1 200 Success\r\nContent-Type: application/rpc\r\n"
                           "Content-Length: 1073741824\r\n\r\n";
  struct mc_buf pdus = MC_BUF_INIT(STREAM_MAX);
  mc_buf_add(&pdus, ok, sizeof ok - 1);
  mc_rts_conn_a3(&pdus, 120000);
  bool alive = send_all(c, pdus.ptr, pdus.len);
  pthread_mutex_lock(&os->mu);
  bool b1 = alive && vc_wait(c, v, has_b1, mc_now_ms() + RENDEZVOUS_MS) && v->b1;
  pthread_mutex_unlock(&os->mu);
  if(b1) {
    mc_buf_reset(&pdus);
    mc_rts_conn_c2(&pdus, 65536, 120000);
    alive = send_all(c, pdus.ptr, pdus.len);
  }
  /* Answer what the IN side queues until it goes. */
  while(alive && b1) {
    pthread_mutex_lock(&os->mu);
    vc_wait(c, v, has_work, mc_now_ms() + 15000);
    struct mc_buf work = MC_BUF_INIT(STREAM_MAX);
    mc_buf_add(&work, v->queue.ptr ? v->queue.ptr : "", v->queue.len);
    mc_buf_reset(&v->queue);
    bool gone = v->in_gone;
    pthread_mutex_unlock(&os->mu);
    size_t off = 0;
    mc_buf_reset(&pdus);
    while(off < work.len) {
      long fl = mc_dcerpc_frame_len(work.ptr + off, work.len - off);
      if(fl <= 0 || (size_t)fl > work.len - off)
        break;
      answer_bind(work.ptr + off, (size_t)fl, port, &pdus);
      off += (size_t)fl;
    }
    mc_buf_release(&work);
    alive = send_all(c, pdus.ptr, pdus.len);
    if(gone || mc_lab_stopping(c->lab) || !work.len)
      break;
  }
  mc_buf_release(&pdus);
  vc_leave(os, v, true);
  log_request(c, q, 200, 0, b1 ? 0 : 1460, t0);
}

static void in_channel(struct conn *c, const struct mc_lab_http_req *q, int64_t t0)
{
  struct oa_site *os = c->os;
  long port = 0;
  if(route(os, q->query, &port) == RT_NOT_FOUND) {
    respond(c, "HTTP/1.1 404 Not Found", "Content-Type: text/html\r\nX-FEServer: EX16-01\r\n",
            "RPC server name passed in by client could not be resolved\r\n", false);
    log_request(c, q, 404, 0, 0, t0);
    return;
  }
  struct vc *v = NULL;
  size_t left = q->content_length;
  for(;;) {
    long fl = c->len ? mc_dcerpc_frame_len(c->buf, c->len) : 0;
    if(fl < 0)
      break;
    if(fl == 0 || (size_t)fl > c->len) {
      if(!left || !read_more(c))
        break;
      continue;
    }
    struct mc_dcerpc_hdr h;
    mc_dcerpc_hdr_parse(c->buf, c->len, &h);
    struct mc_rts_pdu pdu;
    struct mc_rts_conn b1;
    if(h.ptype == MC_DCERPC_RTS) {
      if(!v && mc_rts_parse(c->buf, (size_t)fl, &pdu) == MC_OK &&
         mc_rts_is_conn_b1(&pdu, &b1)) {
        pthread_mutex_lock(&os->mu);
        v = vc_join(os, b1.vc, false);
        if(v) {
          v->has_in = true;
          v->b1 = true;
          pthread_cond_broadcast(&os->cv);
        }
        pthread_mutex_unlock(&os->mu);
      }
    }
    else if(v) {
      pthread_mutex_lock(&os->mu);
      mc_buf_add(&v->queue, c->buf, (size_t)fl);
      pthread_cond_broadcast(&os->cv);
      pthread_mutex_unlock(&os->mu);
    }
    left -= (size_t)fl < left ? (size_t)fl : left;
    consume(c, (size_t)fl);
  }
  if(v)
    vc_leave(os, v, false);
  log_request(c, q, 200, 0, 64, t0);    /* the client went: ERROR_NETNAME_DELETED */
}

static void serve(struct conn *c)
{
  for(;;) {
    struct mc_lab_http_req q;
    enum mc_lab_http_parse pr;
    while((pr = mc_lab_http_parse_as(c->buf, c->len, &q, true)) == MC_LAB_HTTP_NEED_MORE) {
      if(!read_more(c))
        return;
    }
    if(pr != MC_LAB_HTTP_DONE) {
      respond(c, "HTTP/1.1 400 Bad Request", NULL, NULL, false);
      return;
    }
    int64_t t0 = mc_now_ms();
    /* The head is consumed; the slices stay valid in a copy. */
    static _Thread_local char head[MC_LAB_HTTP_HEAD_MAX];
    memcpy(head, c->buf, q.head_len);
    struct mc_lab_http_req hq;
    mc_lab_http_parse_as(head, q.head_len, &hq, true);
    consume(c, q.head_len);
    bool big = hq.content_length > BIG_BODY;
    bool keep = hq.keep_alive && !big && !mc_lab_stopping(c->lab);
    bool rpc = mc_slice_caseeq(hq.path, "/rpc/rpcproxy.dll");
    if(!c->os->p->published || !rpc) {
      respond(c, "HTTP/1.1 404 Not Found", "Content-Type: text/html\r\n",
              "<html><head><title>404 - File or directory not found.</title></head>"
              "<body>404 - File or directory not found.</body></html>\r\n", keep);
      log_request(c, &hq, 404, 0, 2, t0);
    }
    else {
      int sub;
      unsigned long win32;
      if(!authenticate(c, &hq, keep, &sub, &win32)) {
        log_request(c, &hq, 401, sub, win32, t0);
        if(!keep)
          return;
      }
      else {
        if(hq.expect_continue && hq.content_length > 0) {
          static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
          send_all(c, cont, sizeof cont - 1);
        }
        if(hq.content_length <= 0x10) {
          /* An echo request: proves the proxy and the login, nothing behind. */
          struct mc_buf echo = MC_BUF_INIT(256);
          mc_rts_echo(&echo);
          char hdrs[128];
          snprintf(hdrs, sizeof hdrs, "Content-Type: application/rpc\r\nContent-Length: "
                   "%zu\r\n\r\n", echo.len);
          struct mc_buf out = MC_BUF_INIT(512);
          mc_buf_printf(&out, "HTTP/1.1 200 Success\r\n%s", hdrs);
          mc_buf_add(&out, echo.ptr, echo.len);
          send_all(c, out.ptr, out.len);
          mc_buf_release(&out);
          mc_buf_release(&echo);
          size_t drop = hq.content_length;
          while(c->len < drop && read_more(c))
            ;
          consume(c, drop < c->len ? drop : c->len);
          log_request(c, &hq, 200, 0, 0, t0);
        }
        else if(mc_slice_caseeq(hq.method, "RPC_OUT_DATA")) {
          out_channel(c, &hq, t0);
          return;
        }
        else if(mc_slice_caseeq(hq.method, "RPC_IN_DATA")) {
          in_channel(c, &hq, t0);
          return;
        }
        else {
          respond(c, "HTTP/1.1 405 Method Not Allowed", NULL, NULL, false);
          log_request(c, &hq, 405, 0, 1, t0);
          return;
        }
      }
    }
    if(!keep)
      return;
    /* Drop the body of an answered request (small: checked above). */
    while(c->len < hq.content_length && read_more(c))
      ;
    consume(c, hq.content_length < c->len ? hq.content_length : c->len);
  }
}

static void oa_serve(void *arg, SSL *ssl)
{
  struct conn *c = arg;
  c->ssl = ssl;
  serve(c);
}

static void oa_conn(struct mc_lab *lab, struct mc_lab_site *site, int fd)
{
  struct oa_site *os = site->priv;
  struct conn *c = mc_xcalloc(1, sizeof *c);
  c->lab = lab;
  c->site = site;
  c->os = os;
  c->fd = fd;
  mc_lab_http_conn(fd, os->ctx, c->peer, sizeof c->peer, oa_serve, c);
  explicit_bzero(&c->ntlm, sizeof c->ntlm);
  free(c);
}

mc_code mc_lab_rpcproxy_start(struct mc_lab *lab, struct mc_lab_site *site)
{
  const struct mc_lab_oa_profile *p = site->sc->oa;
  if(!p)
    return MC_ERR_USAGE;
  struct oa_site *os = mc_xcalloc(1, sizeof *os);
  os->p = p;
  pthread_mutex_init(&os->mu, NULL);
  pthread_cond_init(&os->cv, NULL);
  for(size_t i = 0; i < MAX_VCS; i++)
    mc_buf_init(&os->vcs[i].queue, STREAM_MAX);
  bool modern = p->version != 2010;
  mc_strlcpy(os->server, modern ? "EX16-01" : "EX01", sizeof os->server);
  mc_strlcpy(os->fqdn, modern ? "ex16-01.contoso.local" : "ex01.contoso.local",
             sizeof os->fqdn);
  mc_strlcpy(os->public_name, site->host, sizeof os->public_name);
  mc_strlcpy(os->mailbox_name, modern ? "2f0b2a51-7c3e-4d39-9a8e-4f1c62b3d0e7@contoso.local" :
             "", sizeof os->mailbox_name);
  for(const char *v = p->valid_ports; v && *v; v++) {
    size_t n = strlen(os->valid_ports);
    if(*v == '*')
      snprintf(os->valid_ports + n, sizeof os->valid_ports - n, "%s", site->host);
    else if(n + 1 < sizeof os->valid_ports)
      os->valid_ports[n] = *v;
  }
  mc_strlcpy(os->password, p->account_changed ? "Changed-After-Leave-2024" :
             mc_lab_account_password(), sizeof os->password);
  os->names = (struct mc_lab_ntlm_names){
    .nb_domain = "CONTOSO", .nb_computer = os->server, .dns_domain = "contoso.local",
    .dns_computer = os->fqdn, .os_major = modern ? 10 : 6, .os_minor = modern ? 0 : 1,
    .os_build = modern ? 14393 : 7601,
  };
  os->log = mc_lab_iislog_new(mc_lab_dir(lab), os->server);
  site->priv = os;
  site->priv_free = oa_free;
  mc_code rc = mc_lab_tls_ctx(lab, site, &os->ctx);
  if(rc)
    return rc;
  int port;
  rc = mc_lab_listen(lab, site, 64, oa_conn, &port);
  if(rc)
    return rc;
  mc_lab_site_ready(lab, site, port);
  /* 2010 is named by FQDN; 2013+ by an old server name (the fault of
   * oa-2013-unresolvable-server) or, where the scenario is about something
   * else, by the mailbox GUID as Autodiscover gives it. */
  snprintf(site->command, sizeof site->command,
           "outlook-anywhere --exchange-server %s --rpc-proxy %s %s%s%s --user %s",
           modern ? (p->ep ? os->mailbox_name : "ex2010.contoso.local") : os->fqdn,
           site->target, site->args,
           p->auth ? " --auth " : "", p->auth ? p->auth : "", MC_LAB_ACCOUNT);
  mc_strlcpy(site->env_password, mc_lab_account_password(), sizeof site->env_password);
  mc_strlcpy(site->logs, mc_lab_dir(lab), sizeof site->logs);
  return MC_OK;
}
