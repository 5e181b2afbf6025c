/*
 * imap.c - IMAP response lines classified, and one IMAP session through
 * libcurl (imaps://, imap:// with STARTTLS required, or plain imap://).
 *
 * The parser reads borrowed bytes and keeps nothing; invariants: every
 * slice it returns lies inside the line it was given; a line that is not
 * "* ...", "+ ..." or "TAG OK|NO|BAD ..." is MC_IMAP_OTHER.
 *
 * The session (state -> function):
 *   setup        session_run: the easy handle with the shared transfer
 *                options of lib/http (pinned address, no proxy, deadline,
 *                trust), then imap,imaps only;
 *   every line   on_debug: server lines (CURLINFO_HEADER_IN) are recorded
 *                (bounded, printable); client lines (CURLINFO_HEADER_OUT)
 *                give only their tag and verb, never their arguments;
 *   first line   not IMAP -> not_imap; the drive loop then stops the
 *                transfer at once (libcurl would wait for a line it can
 *                parse until the deadline);
 *   STARTTLS OK  lines after it are marked after_tls;
 *   LIST         the body (untagged LIST lines) counted in on_body.
 */
#include "proto/imap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http/curl_dl.h"

#include "http/http.h"

#define TAGS_MAX 32
#define BODY_MAX (256 * 1024)

static bool is_atom_char(char c)
{
  unsigned char u = (unsigned char)c;
  return u > 0x20 && u < 0x7f && !strchr("(){%*\"\\]", c);
}

static size_t token(const char *p, size_t n, size_t i, struct mc_slice *out)
{
  size_t s = i;
  while(i < n && p[i] != ' ')
    i++;
  out->p = p + s;
  out->n = i - s;
  return i;
}

void mc_imap_line_parse(const char *p, size_t n, struct mc_imap_line *out)
{
  memset(out, 0, sizeof *out);
  out->kind = MC_IMAP_OTHER;
  while(n && (p[n - 1] == '\n' || p[n - 1] == '\r'))
    n--;
  size_t i = 0;
  if(n >= 1 && p[0] == '+' && (n == 1 || p[1] == ' ')) {
    out->kind = MC_IMAP_CONT;
    out->rest.p = p + (n > 1 ? 2 : 1);
    out->rest.n = n > 1 ? n - 2 : 0;
    return;
  }
  if(n >= 2 && p[0] == '*' && p[1] == ' ') {
    i = token(p, n, 2, &out->word);
    if(!out->word.n)
      return;
    out->kind = MC_IMAP_UNTAGGED;
  }
  else {
    i = token(p, n, 0, &out->tag);
    if(!out->tag.n)
      return;
    for(size_t k = 0; k < out->tag.n; k++)
      if(!is_atom_char(out->tag.p[k]) || out->tag.p[k] == '+')
        return;
    if(i >= n)
      return;
    i = token(p, n, i + 1, &out->word);
    if(!mc_slice_caseeq(out->word, "OK") && !mc_slice_caseeq(out->word, "NO") &&
       !mc_slice_caseeq(out->word, "BAD")) {
      memset(out, 0, sizeof *out);
      out->kind = MC_IMAP_OTHER;
      return;
    }
    out->kind = MC_IMAP_TAGGED;
  }
  if(i < n)
    i++;
  out->rest.p = p + i;
  out->rest.n = n - i;
}

static unsigned cap_of(struct mc_slice w)
{
  static const struct { const char *name; unsigned flag; } caps[] = {
    { "IMAP4rev1", MC_IMAP_CAP_IMAP4REV1 }, { "STARTTLS", MC_IMAP_CAP_STARTTLS },
    { "LOGINDISABLED", MC_IMAP_CAP_LOGINDISABLED }, { "AUTH=PLAIN", MC_IMAP_CAP_AUTH_PLAIN },
  };
  for(size_t i = 0; i < sizeof caps / sizeof caps[0]; i++)
    if(mc_slice_caseeq(w, caps[i].name))
      return caps[i].flag;
  if(w.n > 5 && strncasecmp(w.p, "AUTH=", 5) == 0)
    return MC_IMAP_CAP_AUTH_OTHER;
  return 0;
}

static unsigned caps_of(const char *p, size_t n)
{
  unsigned caps = 0;
  size_t i = 0;
  while(i < n) {
    while(i < n && p[i] == ' ')
      i++;
    struct mc_slice w;
    i = token(p, n, i, &w);
    if(w.n)
      caps |= cap_of(w);
  }
  return caps;
}

bool mc_imap_line_caps(const struct mc_imap_line *l, unsigned *caps)
{
  *caps = 0;
  if(l->kind == MC_IMAP_UNTAGGED && mc_slice_caseeq(l->word, "CAPABILITY")) {
    *caps = caps_of(l->rest.p, l->rest.n);
    return true;
  }
  if(l->kind != MC_IMAP_UNTAGGED && l->kind != MC_IMAP_TAGGED)
    return false;
  const char *r = l->rest.p;
  size_t n = l->rest.n;
  if(n < 12 || r[0] != '[' || strncasecmp(r + 1, "CAPABILITY ", 11) != 0)
    return false;
  const char *end = memchr(r, ']', n);
  if(!end)
    return false;
  *caps = caps_of(r + 12, (size_t)(end - (r + 12)));
  return true;
}

bool mc_imap_greeting_ok(const struct mc_imap_line *l)
{
  return l->kind == MC_IMAP_UNTAGGED &&
    (mc_slice_caseeq(l->word, "OK") || mc_slice_caseeq(l->word, "PREAUTH"));
}

const char *mc_imap_caps_text(unsigned caps, char *out, size_t outlen)
{
  static const char *const names[] = { "IMAP4rev1", "STARTTLS", "LOGINDISABLED",
                                       "AUTH=PLAIN", "AUTH=other" };
  struct mc_buf b = MC_BUF_INIT(256);
  for(size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if(caps & (1u << i))
      mc_buf_printf(&b, "%s%s", b.len ? " " : "", names[i]);
  mc_strlcpy(out, b.ptr ? b.ptr : "(none of interest)", outlen);
  mc_buf_release(&b);
  return out;
}

/* ---- the session ---- */

struct run {
  const struct mc_imap_opts *o;
  struct mc_imap_session *s;
  struct { char tag[16]; char verb[16]; } tags[TAGS_MAX];
  size_t ntags;
  struct mc_buf body;
};

static const char *verb_of(const struct run *x, struct mc_slice tag)
{
  for(size_t i = 0; i < x->ntags; i++)
    if(mc_slice_eq(tag, x->tags[i].tag))
      return x->tags[i].verb;
  return "";
}

/* A client line: only "TAG VERB" is kept. */
static void on_out(struct run *x, const char *p, size_t n)
{
  struct mc_slice tag, verb;
  size_t i = token(p, n, 0, &tag);
  if(i >= n || !tag.n || tag.n >= sizeof x->tags[0].tag || x->ntags == TAGS_MAX)
    return;
  token(p, n, i + 1, &verb);
  while(verb.n && (verb.p[verb.n - 1] == '\r' || verb.p[verb.n - 1] == '\n'))
    verb.n--;
  if(!verb.n || verb.n >= sizeof x->tags[0].verb)
    return;
  memcpy(x->tags[x->ntags].tag, tag.p, tag.n);
  x->tags[x->ntags].tag[tag.n] = '\0';
  for(size_t k = 0; k < verb.n; k++)
    x->tags[x->ntags].verb[k] = (char)(verb.p[k] >= 'a' && verb.p[k] <= 'z' ?
                                       verb.p[k] - 32 : verb.p[k]);
  x->tags[x->ntags].verb[verb.n] = '\0';
  if(strcmp(x->tags[x->ntags].verb, "LOGIN") == 0 ||
     strcmp(x->tags[x->ntags].verb, "AUTHENTICATE") == 0)
    x->s->login_sent = true;
  x->ntags++;
}

static void on_in(struct run *x, const char *p, size_t n)
{
  struct mc_imap_session *s = x->s;
  struct mc_imap_line l;
  mc_imap_line_parse(p, n, &l);
  if(s->nlines == 0 && s->bytes == 0 && !mc_imap_greeting_ok(&l) &&
     l.kind != MC_IMAP_UNTAGGED)
    s->not_imap = true;
  const char *verb = l.kind == MC_IMAP_TAGGED ? verb_of(x, l.tag) : "";
  bool starttls_ok = l.kind == MC_IMAP_TAGGED && strcmp(verb, "STARTTLS") == 0 &&
    mc_slice_caseeq(l.word, "OK");
  s->bytes += n;
  if(s->nlines < MC_IMAP_LINES_MAX && s->bytes <= MC_IMAP_BYTES_MAX) {
    struct mc_imap_rec *r = &s->lines[s->nlines++];
    while(n && (p[n - 1] == '\n' || p[n - 1] == '\r'))
      n--;
    r->text = mc_printable(p, n, MC_IMAP_LINE_MAX);
    r->after_tls = s->starttls_done || x->o->security == MC_IMAP_SSL;
    mc_strlcpy(r->verb, verb, sizeof r->verb);
  }
  else
    s->truncated = true;
  if(starttls_ok)
    s->starttls_done = true;
}

static int on_debug(CURL *e, curl_infotype type, char *p, size_t n, void *arg)
{
  (void)e;
  struct run *x = arg;
  /* One call may carry several lines. */
  if(type != CURLINFO_HEADER_IN && type != CURLINFO_HEADER_OUT)
    return 0;
  size_t i = 0;
  while(i < n) {
    const char *nl = memchr(p + i, '\n', n - i);
    size_t len = nl ? (size_t)(nl - (p + i)) + 1 : n - i;
    if(type == CURLINFO_HEADER_IN)
      on_in(x, p + i, len);
    else
      on_out(x, p + i, len);
    i += len;
  }
  return 0;
}

static size_t on_body(char *p, size_t size, size_t n, void *arg)
{
  struct run *x = arg;
  size_t len = size * n;
  size_t room = x->body.limit - x->body.len;
  mc_buf_add(&x->body, p, len < room ? len : room);
  return len;
}

static size_t count_list(const struct mc_buf *b)
{
  size_t count = 0;
  const char *p = b->ptr;
  size_t n = b->len;
  for(size_t i = 0; p && i < n;) {
    const char *nl = memchr(p + i, '\n', n - i);
    size_t len = nl ? (size_t)(nl - (p + i)) + 1 : n - i;
    struct mc_imap_line l;
    mc_imap_line_parse(p + i, len, &l);
    if(l.kind == MC_IMAP_UNTAGGED && mc_slice_caseeq(l.word, "LIST"))
      count++;
    i += len;
  }
  return count;
}

mc_code mc_imap_session_run(const struct mc_imap_opts *o, struct mc_imap_session *s)
{
  memset(s, 0, sizeof *s);
  if(!mc_http_global_init())
    return MC_ERR_INTERNAL;
  struct run x = { .o = o, .s = s, .body = MC_BUF_INIT(BODY_MAX) };
  struct mc_http_trust trust = { .client = mc_http_client_new(), .ca_file = o->ca_file };
  bool hv6 = strchr(o->host, ':') != NULL, av6 = strchr(o->addr, ':') != NULL;
  char pin[300], url[400], errbuf[CURL_ERROR_SIZE] = "";
  snprintf(pin, sizeof pin, "%s:%d:%s%s%s", o->host, o->port, av6 ? "[" : "", o->addr,
           av6 ? "]" : "");
  snprintf(url, sizeof url, "%s://%s%s%s:%d/", o->security == MC_IMAP_SSL ? "imaps" : "imap",
           hv6 ? "[" : "", o->host, hv6 ? "]" : "", o->port);
  struct curl_slist *resolve = curl_slist_append(NULL, pin);
  CURL *e = curl_easy_init();
  CURLM *m = curl_multi_init();
  mc_code rc = MC_ERR_INTERNAL;
  if(!resolve || !e || !m)
    goto out;
  mc_http_easy_base(e, url, resolve, NULL, false, o->timeout_ms, errbuf, o->user_agent);
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "imap,imaps");
  mc_http_easy_trust(e, &trust, o->insecure);
  curl_easy_setopt(e, CURLOPT_USE_SSL, (long)(o->security == MC_IMAP_TLS ? CURLUSESSL_ALL :
                                              CURLUSESSL_NONE));
  curl_easy_setopt(e, CURLOPT_VERBOSE, 1L);
  curl_easy_setopt(e, CURLOPT_DEBUGFUNCTION, on_debug);
  curl_easy_setopt(e, CURLOPT_DEBUGDATA, &x);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, &x);
  if(o->user && o->password) {
    curl_easy_setopt(e, CURLOPT_USERNAME, o->user);
    curl_easy_setopt(e, CURLOPT_PASSWORD, o->password);
  }
  else
    curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, "CAPABILITY");
  curl_multi_add_handle(m, e);
  int running = 1;
  CURLcode code = CURLE_OK;
  while(running && !s->not_imap) {
    if(curl_multi_perform(m, &running) != CURLM_OK)
      break;
    if(running && !s->not_imap)
      curl_multi_poll(m, NULL, 0, 100, NULL);
  }
  int left;
  CURLMsg *msg;
  while((msg = curl_multi_info_read(m, &left)))
    if(msg->msg == CURLMSG_DONE)
      code = msg->data.result;
  if(s->not_imap && code == CURLE_OK)
    code = CURLE_WEIRD_SERVER_REPLY;
  s->curl_code = (int)code;
  s->timed_out = code == CURLE_OPERATION_TIMEDOUT;
  if(code != CURLE_OK)
    snprintf(s->error_text, sizeof s->error_text, "%s",
             errbuf[0] ? errbuf : curl_easy_strerror(code));
  char *ip = NULL;
  curl_easy_getinfo(e, CURLINFO_PRIMARY_IP, &ip);
  if(ip)
    mc_strlcpy(s->ip, ip, sizeof s->ip);
  s->mailboxes = count_list(&x.body);
  curl_multi_remove_handle(m, e);
  rc = MC_OK;
out:
  if(e)
    curl_easy_cleanup(e);
  if(m)
    curl_multi_cleanup(m);
  curl_slist_free_all(resolve);
  mc_http_client_free(trust.client);
  mc_buf_release(&x.body);
  return rc;
}

void mc_imap_session_release(struct mc_imap_session *s)
{
  for(size_t i = 0; i < s->nlines; i++)
    free(s->lines[i].text);
  memset(s, 0, sizeof *s);
}
