/*
 * rpch.c - one RPC over HTTP v2 virtual connection through libcurl (see
 * rpch.h for the rules kept).
 *
 * Two easy handles in one multi handle, as MS-RPCH 3.2.2.4.1.2 asks (IN
 * request, OUT request, A1 and B1 in parallel):
 *   IN   RPC_IN_DATA, Content-Length 1073741824, body from in_read(): CONN/B1
 *        at once, then nothing (the callback pauses the upload) until CONN/C2
 *        arrived, then the bind; the IN channel never gets a response
 *        unless something fails.
 *   OUT  RPC_OUT_DATA, Content-Length 76, body CONN/A1; its response (200
 *        Success) streams CONN/A3, CONN/C2, then the bind's answer, read by
 *        out_write() into a bounded buffer and cut into PDUs by frag_length.
 * State map: START --200 on OUT--> OUT_200 --A3--> A3 --C2 (queue the bind,
 * unpause IN)--> C2 --bind_ack/bind_nak/fault--> ANSWER. RTS PDUs after C2
 * (pings, flow control) are noted and skipped. Anything else in sequence
 * ends the session with what was seen. "Expect:" is sent empty: libcurl
 * 7.88 then sends the body with the authenticated request instead of
 * waiting for 100 Continue (and NTLM still probes with Content-Length 0
 * first, so no body byte is sent before the login).
 */
#include "proto/rpch.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/curl_dl.h"
#include <openssl/rand.h>

#include "util/base64.h"

#define IN_LENGTH 1073741824L
#define STREAM_LIMIT (64 * 1024)
#define RECEIVE_WINDOW 262144
#define CHANNEL_LIFETIME 0x40000000u
#define CLIENT_KEEPALIVE 300000u

struct chan {
  CURL *easy;
  struct curl_slist *hdrs;
  struct mc_http_ntlm *ntlm;    /* the client's own NTLM login, or NULL */
  struct curl_slist *hdrs2;     /* the headers with its Type 3 */
  struct curl_slist *resolve;
  struct mc_http_resp *resp;
  char errbuf[CURL_ERROR_SIZE];
  bool done;
  CURLcode code;
};

struct sess {
  const struct mc_rpch_opts *o;
  struct mc_rpch_result *res;
  struct mc_http_trust trust;
  struct chan in, out;
  struct mc_buf in_queue;       /* what IN has to send; in_sent of it went */
  size_t in_sent;
  bool in_paused;
  struct mc_buf a1;
  struct mc_buf stream;         /* OUT body bytes not yet cut into PDUs */
  bool over;                    /* the session has its outcome */
};

static void end(struct sess *s, enum mc_rpch_end e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void end(struct sess *s, enum mc_rpch_end e, const char *fmt, ...)
{
  if(s->over)
    return;
  s->over = true;
  s->res->end = e;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(s->res->end_text, sizeof s->res->end_text, fmt, ap);
  va_end(ap);
}

static size_t in_read(char *buf, size_t size, size_t n, void *arg)
{
  struct sess *s = arg;
  size_t avail = s->in_queue.len - s->in_sent;
  if(!avail) {
    s->in_paused = true;
    return CURL_READFUNC_PAUSE;
  }
  size_t k = avail < size * n ? avail : size * n;
  memcpy(buf, s->in_queue.ptr + s->in_sent, k);
  s->in_sent += k;
  return k;
}

/* The last status that is not an interim 1xx, or 0. */
static int final_status(const struct mc_http_resp *r, const char **line)
{
  for(size_t i = r->nmsgs; i > 0; i--) {
    if(r->msgs[i - 1].status >= 200) {
      if(line)
        *line = r->msgs[i - 1].status_line;
      return r->msgs[i - 1].status;
    }
  }
  return 0;
}

static void note_pdu(struct sess *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note_pdu(struct sess *s, const char *fmt, ...)
{
  struct mc_rpch_result *r = s->res;
  if(r->npdus == MC_RPCH_MAX_PDUS)
    return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(r->pdus[r->npdus++], sizeof r->pdus[0], fmt, ap);
  va_end(ap);
}

static void queue_bind(struct sess *s)
{
  if(mc_dcerpc_bind_encode(&s->in_queue, 1, s->o->iface, 1) != MC_OK) {
    end(s, MC_RPCH_END_INTERNAL, "the bind PDU could not be built");
    return;
  }
  if(s->in_paused) {
    s->in_paused = false;
    curl_easy_pause(s->in.easy, CURLPAUSE_CONT);
  }
}

static void on_rts(struct sess *s, const char *p, size_t n)
{
  struct mc_rpch_result *r = s->res;
  struct mc_rts_pdu pdu;
  char text[160];
  if(mc_rts_parse(p, n, &pdu) != MC_OK) {
    note_pdu(s, "malformed RTS PDU (%zu bytes)", n);
    end(s, MC_RPCH_END_BAD_PDU, "a malformed RTS PDU of %zu bytes on the OUT channel", n);
    return;
  }
  mc_rts_describe(&pdu, text, sizeof text);
  note_pdu(s, "%s", text);
  if(r->stage < MC_RPCH_STAGE_A3) {
    if(!mc_rts_is_conn_a3(&pdu, &r->a3))
      end(s, MC_RPCH_END_BAD_PDU, "expected CONN/A3 first, got %s", text);
    else
      r->stage = MC_RPCH_STAGE_A3;
  }
  else if(r->stage == MC_RPCH_STAGE_A3) {
    if(!mc_rts_is_conn_c2(&pdu, &r->c2))
      end(s, MC_RPCH_END_BAD_PDU, "expected CONN/C2 after CONN/A3, got %s", text);
    else {
      r->stage = MC_RPCH_STAGE_C2;
      if(s->o->iface)
        queue_bind(s);
      else
        end(s, MC_RPCH_END_ANSWERED, "the virtual connection opened");
    }
  }
}

static void on_pdu(struct sess *s, const char *p, size_t n)
{
  struct mc_rpch_result *r = s->res;
  struct mc_dcerpc_hdr h;
  mc_dcerpc_hdr_parse(p, n, &h);
  if(h.ptype == MC_DCERPC_RTS) {
    on_rts(s, p, n);
    return;
  }
  if(r->stage < MC_RPCH_STAGE_C2) {
    note_pdu(s, "%s PDU before CONN/C2", mc_dcerpc_ptype_name(h.ptype));
    end(s, MC_RPCH_END_BAD_PDU, "a %s PDU arrived before the virtual connection opened",
        mc_dcerpc_ptype_name(h.ptype));
    return;
  }
  if(mc_dcerpc_answer_parse(p, n, &r->answer) != MC_OK) {
    note_pdu(s, "%s PDU, %zu bytes, not a bind answer", mc_dcerpc_ptype_name(h.ptype), n);
    end(s, MC_RPCH_END_BAD_PDU, "the bind was answered by a %s PDU that is not a bind "
        "answer", mc_dcerpc_ptype_name(h.ptype));
    return;
  }
  const struct mc_dcerpc_answer *a = &r->answer;
  if(h.ptype == MC_DCERPC_BIND_NAK)
    note_pdu(s, "bind_nak: %s", mc_dcerpc_nak_text(a->reject_reason));
  else if(h.ptype == MC_DCERPC_FAULT)
    note_pdu(s, "fault: status 0x%08x", a->status);
  else if(a->nresults)
    note_pdu(s, "%s: %s%s%s, secondary address \"%s\"", mc_dcerpc_ptype_name(h.ptype),
             mc_dcerpc_result_text(a->results[0].result),
             a->results[0].result ? " / " : "",
             a->results[0].result ? mc_dcerpc_reason_text(a->results[0].reason) : "",
             a->sec_addr);
  else
    note_pdu(s, "%s with no results", mc_dcerpc_ptype_name(h.ptype));
  r->stage = MC_RPCH_STAGE_ANSWER;
  end(s, MC_RPCH_END_ANSWERED, "the bind was answered");
}

/* Cuts the OUT stream into PDUs. */
static void cut(struct sess *s)
{
  while(!s->over && s->stream.len) {
    long fl = mc_dcerpc_frame_len(s->stream.ptr, s->stream.len);
    if(fl < 0) {
      const char *p = s->stream.ptr;
      size_t n = s->stream.len;
      if(n >= 5 && memcmp(p, "HTTP/", 5) == 0) {
        const char *eol = memchr(p, '\r', n);
        char *line = mc_printable(p, eol ? (size_t)(eol - p) : n, 200);
        mc_strlcpy(s->res->stream_error, line, sizeof s->res->stream_error);
        end(s, MC_RPCH_END_STREAM_ERROR, "%s (inside the OUT channel's body)", line);
        free(line);
      }
      else {
        char *start = mc_printable(p, n < 32 ? n : 32, 100);
        note_pdu(s, "not a PDU: %s", start);
        end(s, MC_RPCH_END_BAD_PDU, "the OUT channel's body is not RPC PDUs: %s", start);
        free(start);
      }
      return;
    }
    if(fl == 0 || (size_t)fl > s->stream.len)
      return;
    on_pdu(s, s->stream.ptr, (size_t)fl);
    memmove(s->stream.ptr, s->stream.ptr + fl, s->stream.len - (size_t)fl);
    s->stream.len -= (size_t)fl;
  }
}

static size_t out_write(char *p, size_t size, size_t n, void *arg)
{
  struct sess *s = arg;
  size_t len = size * n;
  struct mc_http_resp *r = s->res->out.nmsgs ? &s->res->out : NULL;
  int st = r ? final_status(r, NULL) : 0;
  if(st != 200) {
    /* An error answer's body: keep its start as evidence. */
    s->res->out.body_total += len;
    size_t room = MC_HTTP_BODY_KEEP - s->res->out.body.len;
    mc_buf_add(&s->res->out.body, p, len < room ? len : room);
    return len;
  }
  if(s->res->stage < MC_RPCH_STAGE_OUT_200)
    s->res->stage = MC_RPCH_STAGE_OUT_200;
  if(s->over)
    return len;
  if(mc_buf_add(&s->stream, p, len) != MC_OK) {
    end(s, MC_RPCH_END_BAD_PDU, "more than %d bytes on the OUT channel without a complete "
        "PDU sequence", STREAM_LIMIT);
    return len;
  }
  cut(s);
  return len;
}

static size_t in_write(char *p, size_t size, size_t n, void *arg)
{
  struct sess *s = arg;
  size_t len = size * n;
  s->res->in.body_total += len;
  size_t room = MC_HTTP_BODY_KEEP - s->res->in.body.len;
  mc_buf_add(&s->res->in.body, p, len < room ? len : room);
  return len;
}

static bool setup(struct sess *s, struct chan *c, bool in)
{
  const struct mc_http_req *o = s->o->http;
  c->resolve = mc_http_pin(o);
  static const char *const headers[] = {
    "Accept: application/rpc", "Cache-Control: no-cache", "Pragma: no-cache",
    "Connection: Keep-Alive", "Content-Type:", "Expect:", NULL
  };
  for(int i = 0; headers[i]; i++)
    c->hdrs = curl_slist_append(c->hdrs, headers[i]);
  CURL *e = c->easy = curl_easy_init();
  if(!e || !c->resolve || !c->hdrs)
    return false;
  mc_http_easy_base(e, s->res->url, c->resolve, c->hdrs, false, o->timeout_ms, c->errbuf,
                    o->user_agent);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, mc_http_header_cb);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, c->resp);
  curl_easy_setopt(e, CURLOPT_POST, 1L);
  mc_http_easy_trust(e, &s->trust, o->insecure);
  if(in) {
    curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, "RPC_IN_DATA");
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)IN_LENGTH);
    curl_easy_setopt(e, CURLOPT_READFUNCTION, in_read);
    curl_easy_setopt(e, CURLOPT_READDATA, s);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, in_write);
  }
  else {
    curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, "RPC_OUT_DATA");
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, s->a1.ptr);
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, (long)s->a1.len);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, out_write);
  }
  curl_easy_setopt(e, CURLOPT_WRITEDATA, s);
  mc_http_easy_login(e, o);
  return true;
}

static size_t discard(char *p, size_t size, size_t n, void *arg)
{
  (void)p;
  (void)arg;
  return size * n;
}

/* The NTLM handshake of one channel before its real request, on the same
 * handle and connection (MS-RPCH 3.2.2.2: the channel request is sent once
 * the connection is authenticated): the method with an empty body and the
 * negotiate, then the real request with the Type 3. Returns the libcurl
 * code of the first leg when there is no second (the 401 is the answer). */
static CURLcode ntlm_login(struct sess *s, struct chan *c, bool in)
{
  CURL *e = c->easy;
  c->ntlm = mc_http_ntlm_for(s->o->http, c->resp);
  struct curl_slist *h1 = NULL;
  for(struct curl_slist *l = c->hdrs; l; l = l->next)
    h1 = curl_slist_append(h1, l->data);
  const char *line = mc_http_ntlm_leg1(c->ntlm, e);
  h1 = h1 ? curl_slist_append(h1, line) : NULL;
  c->hdrs2 = h1;                  /* freed with the channel either way */
  if(!h1)
    return CURLE_OUT_OF_MEMORY;
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, h1);
  curl_easy_setopt(e, CURLOPT_POSTFIELDS, "");
  curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, 0L);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, discard);
  CURLcode code = curl_easy_perform(e);
  if(code != CURLE_OK || !c->resp->nmsgs)
    return code ? code : CURLE_GOT_NOTHING;
  c->resp->status = c->resp->msgs[c->resp->nmsgs - 1].status;
  line = mc_http_ntlm_leg2(c->ntlm, e, c->resp);
  c->resp->status = 0;
  if(!line)
    return CURLE_OK;
  c->hdrs2 = NULL;
  for(struct curl_slist *l = c->hdrs; l; l = l->next)
    c->hdrs2 = curl_slist_append(c->hdrs2, l->data);
  c->hdrs2 = c->hdrs2 ? curl_slist_append(c->hdrs2, line) : NULL;
  curl_slist_free_all(h1);
  if(!c->hdrs2)
    return CURLE_OUT_OF_MEMORY;
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, c->hdrs2);
  if(in) {
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, NULL);
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)IN_LENGTH);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, in_write);
  }
  else {
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, s->a1.ptr);
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, (long)s->a1.len);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, out_write);
  }
  return CURLE_AGAIN;             /* the real request follows */
}

static void finish(struct sess *s, struct chan *c, CURLcode code, const char *name)
{
  struct mc_http_resp *r = c->resp;
  c->done = true;
  c->code = code;
  r->error = mc_http_error_of((int)code, r);
  if(r->error != MC_HTTP_OK)
    snprintf(r->error_text, sizeof r->error_text, "%s",
             c->errbuf[0] ? c->errbuf : curl_easy_strerror(code));
  char *ip = NULL;
  curl_easy_getinfo(c->easy, CURLINFO_PRIMARY_IP, &ip);
  if(ip)
    mc_strlcpy(r->ip, ip, sizeof r->ip);
  curl_easy_getinfo(c->easy, CURLINFO_PRIMARY_PORT, &r->port);
  curl_easy_getinfo(c->easy, CURLINFO_NUM_CONNECTS, &r->connects);
  const char *line = NULL;
  int st = final_status(r, &line);
  r->status = st;
  if(st && st != 200)
    end(s, MC_RPCH_END_HTTP_ERROR, "%s: %s", name, line);
  else if(r->error == MC_HTTP_ERR_TIMEOUT)
    end(s, MC_RPCH_END_TIMEOUT, "%s: %s", name, r->error_text);
  else if(r->error == MC_HTTP_OK || r->error == MC_HTTP_ERR_RESET)
    end(s, MC_RPCH_END_CLOSED, "the proxy closed the %s channel%s%s", name,
        r->error ? ": " : "", r->error ? r->error_text : "");
  else
    end(s, MC_RPCH_END_TRANSPORT, "%s: %s", name, r->error_text);
}

static void random_bytes(unsigned char *p, size_t n)
{
  if(RAND_bytes(p, (int)n) != 1) {
    for(size_t i = 0; i < n; i++)
      p[i] = (unsigned char)(mc_now_ms() >> (i % 8));
  }
}

/* The opening PDUs: CONN/A1 for OUT, CONN/B1 queued for IN (MS-RPCH
 * 3.2.2.4.1), with fresh cookies. */
static void open_pdus(struct sess *s)
{
  mc_buf_init(&s->in_queue, 4096);
  mc_buf_init(&s->a1, 256);
  mc_buf_init(&s->stream, STREAM_LIMIT);
  unsigned char vc[16], ic[16], oc[16], ag[16];
  random_bytes(vc, 16);
  random_bytes(ic, 16);
  random_bytes(oc, 16);
  random_bytes(ag, 16);
  mc_rts_conn_a1(&s->a1, vc, oc, RECEIVE_WINDOW);
  mc_rts_conn_b1(&s->in_queue, vc, ic, CHANNEL_LIFETIME, CLIENT_KEEPALIVE, ag);
}

/* Both channels on the multi handle until the session has its outcome or
 * the deadline passes. */
static void pump(struct sess *s, CURLM *multi, int64_t deadline)
{
  while(!s->over) {
    int running;
    if(curl_multi_perform(multi, &running) != CURLM_OK) {
      end(s, MC_RPCH_END_INTERNAL, "libcurl's multi interface failed");
      break;
    }
    CURLMsg *m;
    int left;
    while((m = curl_multi_info_read(multi, &left))) {
      if(m->msg != CURLMSG_DONE)
        continue;
      struct chan *c = NULL;
      curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&c);
      if(c)
        finish(s, c, m->data.result, c == &s->in ? "RPC_IN_DATA" : "RPC_OUT_DATA");
    }
    if(s->over)
      break;
    int64_t now = mc_now_ms();
    if(now >= deadline) {
      static const char *const waits[] = {
        "no answer on the OUT channel", "no CONN/A3", "no CONN/C2 after CONN/A3",
        "no answer to the bind", ""
      };
      end(s, MC_RPCH_END_TIMEOUT, "%s within %d ms", waits[s->res->stage],
          s->o->http->timeout_ms);
      break;
    }
    int wait = (int)(deadline - now < 100 ? deadline - now : 100);
    curl_multi_poll(multi, NULL, 0, wait, NULL);
  }
}

/* Who answered a channel still streaming, then the handles and lists go. */
static void close_chans(struct sess *s, CURLM *multi)
{
  struct chan *chans[2] = { &s->in, &s->out };
  for(int i = 0; i < 2; i++) {
    struct chan *c = chans[i];
    if(c->easy) {
      if(!c->done) {
        char *ip = NULL;
        curl_easy_getinfo(c->easy, CURLINFO_PRIMARY_IP, &ip);
        if(ip)
          mc_strlcpy(c->resp->ip, ip, sizeof c->resp->ip);
        curl_easy_getinfo(c->easy, CURLINFO_PRIMARY_PORT, &c->resp->port);
        c->resp->status = final_status(c->resp, NULL);
      }
      if(c->ntlm)
        mc_http_ntlm_done(c->ntlm, c->easy);
      if(multi)
        curl_multi_remove_handle(multi, c->easy);
      curl_easy_cleanup(c->easy);
    }
    curl_slist_free_all(c->hdrs);
    curl_slist_free_all(c->hdrs2);
    curl_slist_free_all(c->resolve);
    mc_http_ntlm_free(c->ntlm);
  }
}

mc_code mc_rpch_session(const struct mc_rpch_opts *o, struct mc_rpch_result *res)
{
  const struct mc_http_req *h = o->http;
  memset(res, 0, sizeof *res);
  mc_buf_init(&res->in.body, MC_HTTP_BODY_KEEP);
  mc_buf_init(&res->out.body, MC_HTTP_BODY_KEEP);
  snprintf(res->url, sizeof res->url, "https://%s:%d%s?%s:%d", h->host, h->port, MC_RPCH_PATH,
           o->remote_name, o->remote_port);
  if(!mc_http_global_init()) {
    res->end = MC_RPCH_END_INTERNAL;
    return MC_ERR_INTERNAL;
  }
  struct sess s = { .o = o, .res = res, .trust = { o->client, h->ca_file } };
  s.in.resp = &res->in;
  s.out.resp = &res->out;
  open_pdus(&s);
  int64_t t0 = mc_now_ms();
  mc_code rc = MC_OK;
  CURLM *multi = curl_multi_init();
  if(!multi || !setup(&s, &s.in, true) || !setup(&s, &s.out, false)) {
    end(&s, MC_RPCH_END_INTERNAL, "libcurl could not be set up");
    rc = MC_ERR_INTERNAL;
    goto out;
  }
  if(h->auth == MC_HTTP_AUTH_NTLM && h->user && h->password) {
    struct chan *chans[2] = { &s.in, &s.out };
    for(int i = 0; i < 2 && !s.over; i++) {
      CURLcode code = ntlm_login(&s, chans[i], i == 0);
      if(code != CURLE_AGAIN)
        finish(&s, chans[i], code, i == 0 ? "RPC_IN_DATA" : "RPC_OUT_DATA");
    }
    if(s.over)
      goto out;
  }
  if(curl_multi_add_handle(multi, s.in.easy) != CURLM_OK ||
     curl_multi_add_handle(multi, s.out.easy) != CURLM_OK) {
    end(&s, MC_RPCH_END_INTERNAL, "libcurl could not be set up");
    rc = MC_ERR_INTERNAL;
    goto out;
  }
  curl_easy_setopt(s.in.easy, CURLOPT_PRIVATE, &s.in);
  curl_easy_setopt(s.out.easy, CURLOPT_PRIVATE, &s.out);
  pump(&s, multi, t0 + h->timeout_ms);
out:
  res->ms = mc_now_ms() - t0;
  res->in.ms_total = res->out.ms_total = res->ms;
  close_chans(&s, multi);
  if(multi)
    curl_multi_cleanup(multi);
  mc_buf_release(&s.in_queue);
  mc_buf_release(&s.a1);
  mc_buf_release(&s.stream);
  return rc;
}

void mc_rpch_result_release(struct mc_rpch_result *res)
{
  mc_http_resp_release(&res->in);
  mc_http_resp_release(&res->out);
  memset(res, 0, sizeof *res);
}

bool mc_rpch_rpc_error(const char *line, unsigned long *code)
{
  const char *p = line ? strstr(line, "RPC Error: ") : NULL;
  if(!p)
    return false;
  p += 11;
  unsigned long v = 0;
  int digits = 0;
  for(; digits < 8; digits++, p++) {
    int d = (*p >= '0' && *p <= '9') ? *p - '0' : (*p >= 'a' && *p <= 'f') ? *p - 'a' + 10 :
            (*p >= 'A' && *p <= 'F') ? *p - 'A' + 10 : -1;
    if(d < 0)
      break;
    v = v << 4 | (unsigned long)d;
  }
  if(!digits)
    return false;
  *code = v;
  return true;
}

bool mc_rpch_eeinfo_connect_failed(const char *line)
{
  const char *p = line ? strstr(line, "EEInfo: ") : NULL;
  if(!p)
    return false;
  p += 8;
  size_t n = 0;
  while(p[n] && p[n] != ',' && p[n] != ' ' && p[n] != '\r')
    n++;
  struct mc_buf raw = MC_BUF_INIT(4096);
  bool found = false;
  if(mc_base64_decode(&raw, p, n) == MC_OK) {
    /* A record holds GeneratingComponent u32, Status u32, DetectionLocation
     * u16 in a row (MS-EERR 2.2.1). */
    const unsigned char *b = (const unsigned char *)raw.ptr;
    for(size_t i = 0; !found && i + 10 <= raw.len; i += 2) {
      bool comp = b[i] == 0x0e && !b[i + 1] && !b[i + 2] && !b[i + 3];
      found = comp && b[i + 8] == 0xa0 && b[i + 9] == 0x05;
    }
  }
  mc_buf_release(&raw);
  return found;
}
