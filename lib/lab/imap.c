/*
 * imap.c - the lab's IMAP server: a small IMAP4rev1 responder in the shape
 * of Exchange's IMAP4 service, one profile per scenario.
 *
 * Not a mail store: CAPABILITY, NOOP, STARTTLS, LOGIN, AUTHENTICATE PLAIN,
 * LIST, LOGOUT; every
 * other command gets BAD. Lines are bounded (LINE_MAX; a longer one ends
 * the connection with BAD), reads have the lab's 15 s socket timeouts and
 * stop when the lab stops.
 *
 * State -> function:
 *   greeting        imap_conn (implicit TLS first for a 993-style profile;
 *                   a profile that is not IMAP greets like SMTP and answers
 *                   500 to everything)
 *   not signed in   serve: CAPABILITY (STARTTLS until TLS; LOGINDISABLED
 *                   before TLS, AUTH=PLAIN after it, when the profile says
 *                   so), STARTTLS (the same socket upgraded with SSL_accept),
 *                   LOGIN, AUTHENTICATE PLAIN (sasl_plain)
 *   signed in       serve: LIST answers the fixed mailboxes
 *   any             LOGOUT, NOOP; BAD for the rest
 */
#include "lab/exchange.h"
#include "lab/imap.h"
#include "lab/tls_server.h"

#include <ctype.h>
#include <stdarg.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "util/base64.h"

#define LINE_MAX_ 4096
#define LAB_USER "migadmin@contoso.test"

struct state {
  const struct mc_lab_imap_profile *p;
  SSL_CTX *ctx;
};

struct conn {
  struct mc_lab *lab;
  const struct mc_lab_imap_profile *p;
  SSL_CTX *ctx;
  int fd;
  SSL *ssl;
  char in[LINE_MAX_ + 2];
  size_t have;
  bool authed;
};

static bool is_atom(char c)
{
  unsigned char u = (unsigned char)c;
  return u > 0x20 && u < 0x7f && !strchr("(){%\"\\]", c);
}

mc_code mc_lab_imap_parse(const char *p, size_t n, struct mc_lab_imap_cmd *out)
{
  memset(out, 0, sizeof *out);
  while(n && (p[n - 1] == '\n' || p[n - 1] == '\r'))
    n--;
  size_t i = 0, k = 0;
  while(i < n && p[i] != ' ') {
    if(!is_atom(p[i]) || p[i] == '*' || p[i] == '+' || k + 1 >= sizeof out->tag)
      return MC_ERR_PARSE;
    out->tag[k++] = p[i++];
  }
  if(!k || i >= n)
    return MC_ERR_PARSE;
  i++;
  k = 0;
  while(i < n && p[i] != ' ') {
    if(!isalpha((unsigned char)p[i]) || k + 1 >= sizeof out->verb)
      return MC_ERR_PARSE;
    out->verb[k++] = (char)toupper((unsigned char)p[i++]);
  }
  if(!k)
    return MC_ERR_PARSE;
  while(i < n) {
    if(p[i] != ' ' || ++i >= n || out->nargs == MC_LAB_IMAP_ARGS)
      return MC_ERR_PARSE;
    char *a = out->args[out->nargs++];
    k = 0;
    if(p[i] == '"') {
      for(i++;; i++) {
        if(i >= n)
          return MC_ERR_PARSE;
        if(p[i] == '"')
          break;
        if(p[i] == '\\') {
          if(++i >= n || (p[i] != '\\' && p[i] != '"'))
            return MC_ERR_PARSE;
        }
        if(p[i] == '\r' || p[i] == '\n' || p[i] == '\0' || k + 1 >= MC_LAB_IMAP_ARG_MAX)
          return MC_ERR_PARSE;
        a[k++] = p[i];
      }
      i++;
    }
    else {
      /* Atoms; list wildcards are allowed here, literals are not. */
      while(i < n && p[i] != ' ') {
        if((!is_atom(p[i]) && p[i] != '%') || p[i] == '{' || k + 1 >= MC_LAB_IMAP_ARG_MAX)
          return MC_ERR_PARSE;
        a[k++] = p[i++];
      }
      if(!k)
        return MC_ERR_PARSE;
    }
    a[k] = '\0';
  }
  return MC_OK;
}

static bool put(struct conn *c, const char *s)
{
  size_t n = strlen(s);
  if(c->ssl)
    return SSL_write(c->ssl, s, (int)n) == (int)n;
  while(n) {
    ssize_t w = send(c->fd, s, n, MSG_NOSIGNAL);
    if(w < 0 && errno == EINTR)
      continue;
    if(w <= 0)
      return false;
    s += w;
    n -= (size_t)w;
  }
  return true;
}

static bool putf(struct conn *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool putf(struct conn *c, const char *fmt, ...)
{
  char line[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  return put(c, line);
}

/* One line into line (NUL-terminated, CRLF kept out); -1 on close, error,
 * timeout, a stopping lab, or a line over the limit. */
static long get_line(struct conn *c, char *line)
{
  for(;;) {
    char *nl = memchr(c->in, '\n', c->have);
    if(nl) {
      size_t len = (size_t)(nl - c->in) + 1;
      memcpy(line, c->in, len);
      line[len] = '\0';
      memmove(c->in, c->in + len, c->have - len);
      c->have -= len;
      return (long)len;
    }
    if(c->have >= LINE_MAX_ || mc_lab_stopping(c->lab))
      return -1;
    int r = c->ssl ? SSL_read(c->ssl, c->in + c->have, (int)(LINE_MAX_ - c->have)) :
      (int)recv(c->fd, c->in + c->have, LINE_MAX_ - c->have, 0);
    if(r <= 0)
      return -1;
    c->have += (size_t)r;
  }
}

static void capability(struct conn *c, const char *tag)
{
  bool clear = !c->ssl;
  putf(c, "* CAPABILITY IMAP4 IMAP4rev1%s%s%s IDLE NAMESPACE LITERAL+\r\n",
       clear && c->p->starttls ? " STARTTLS" : "",
       clear && c->p->login_disabled ? " LOGINDISABLED" : "",
       !clear && c->p->sasl_plain ? " AUTH=PLAIN" : "");
  putf(c, "%s OK CAPABILITY completed.\r\n", tag);
}

static bool account(const struct conn *c, const char *user, const char *pass, size_t passlen)
{
  bool who = strcasecmp(user, LAB_USER) == 0 || strcasecmp(user, MC_LAB_ACCOUNT) == 0 ||
    strcasecmp(user, "migadmin") == 0;
  const char *pw = c->p->password ? c->p->password : mc_lab_account_password();
  return who && passlen == strlen(pw) && memcmp(pass, pw, passlen) == 0;
}

/* AUTHENTICATE PLAIN [initial response]: base64 of authzid NUL authcid NUL
 * password (RFC 4616), after a "+" continuation when not given at once. */
static bool sasl_plain(struct conn *c, const struct mc_lab_imap_cmd *cmd)
{
  char line[LINE_MAX_ + 2];
  const char *b64 = cmd->nargs == 2 ? cmd->args[1] : NULL;
  if(!b64) {
    if(!put(c, "+ \r\n") || get_line(c, line) <= 0)
      return false;
    line[strcspn(line, "\r\n")] = '\0';
    b64 = line;
  }
  if(strcmp(b64, "*") == 0)
    return putf(c, "%s BAD AUTHENTICATE cancelled.\r\n", cmd->tag);
  struct mc_buf d = MC_BUF_INIT(1024);
  bool ok = false;
  if(mc_base64_decode(&d, b64, strlen(b64)) == MC_OK && d.ptr) {
    const char *authc = memchr(d.ptr, '\0', d.len);
    const char *pass = authc ? memchr(authc + 1, '\0', d.len - (size_t)(authc + 1 - d.ptr)) :
      NULL;
    if(pass) {
      pass++;
      ok = account(c, authc + 1, pass, d.len - (size_t)(pass - d.ptr));
    }
    explicit_bzero(d.ptr, d.len);
  }
  mc_buf_release(&d);
  explicit_bzero(line, sizeof line);
  c->authed = ok;
  return putf(c, ok ? "%s OK AUTHENTICATE completed.\r\n" :
              "%s NO AUTHENTICATE failed.\r\n", cmd->tag);
}

static void serve(struct conn *c)
{
  static const char *const boxes[] = { "INBOX", "Sent Items", "Deleted Items", "Drafts",
                                       "Junk Email" };
  char line[LINE_MAX_ + 2];
  struct mc_lab_imap_cmd cmd;
  if(!put(c, "* OK The Microsoft Exchange IMAP4 service is ready. [TABJAEUAWAAwADEA]\r\n"))
    return;
  while(get_line(c, line) > 0) {
    if(mc_lab_imap_parse(line, strlen(line), &cmd) != MC_OK) {
      put(c, "* BAD Command Error. 10\r\n");
      continue;
    }
    const char *v = cmd.verb;
    if(strcmp(v, "CAPABILITY") == 0 && !cmd.nargs) {
      if(c->p->drop_at_caps)
        return;
      capability(c, cmd.tag);
    }
    else if(strcmp(v, "NOOP") == 0)
      putf(c, "%s OK NOOP completed.\r\n", cmd.tag);
    else if(strcmp(v, "LOGOUT") == 0) {
      putf(c, "* BYE Microsoft Exchange Server IMAP4 server signing off.\r\n"
           "%s OK LOGOUT completed.\r\n", cmd.tag);
      return;
    }
    else if(strcmp(v, "STARTTLS") == 0 && !c->ssl && c->p->starttls && !cmd.nargs) {
      if(!putf(c, "%s OK Begin TLS negotiation now.\r\n", cmd.tag))
        return;
      c->have = 0;   /* nothing sent in clear before the handshake counts */
      c->ssl = SSL_new(c->ctx);
      if(!c->ssl)
        return;
      SSL_set_fd(c->ssl, c->fd);
      if(SSL_accept(c->ssl) != 1)
        return;
    }
    else if(strcmp(v, "LOGIN") == 0 && cmd.nargs == 2 && !c->authed) {
      if(!c->ssl && c->p->login_disabled)
        putf(c, "%s NO LOGIN is disabled on this connection.\r\n", cmd.tag);
      else if(c->p->echo_login)
        putf(c, "%s NO [AUTHENTICATIONFAILED] LOGIN \"%s\" \"%s\" failed.\r\n", cmd.tag,
             cmd.args[0], cmd.args[1]);
      else if(account(c, cmd.args[0], cmd.args[1], strlen(cmd.args[1]))) {
        c->authed = true;
        putf(c, "%s OK LOGIN completed.\r\n", cmd.tag);
      }
      else
        putf(c, "%s NO LOGIN failed.\r\n", cmd.tag);
    }
    else if(strcmp(v, "AUTHENTICATE") == 0 && c->ssl && c->p->sasl_plain && !c->authed &&
            cmd.nargs >= 1 && strcasecmp(cmd.args[0], "PLAIN") == 0) {
      if(!sasl_plain(c, &cmd))
        return;
    }
    else if(strcmp(v, "LIST") == 0 && cmd.nargs == 2 && c->authed) {
      for(size_t i = 0; i < sizeof boxes / sizeof boxes[0]; i++)
        putf(c, "* LIST (\\HasNoChildren) \"/\" \"%s\"\r\n", boxes[i]);
      putf(c, "%s OK LIST completed.\r\n", cmd.tag);
    }
    else
      putf(c, "%s BAD Command Error. 12\r\n", cmd.tag);
  }
}

/* The SMTP-like answerer on an IMAP port. */
static void serve_smtp(struct conn *c)
{
  char line[LINE_MAX_ + 2];
  if(!put(c, "220 mail.contoso.test Microsoft ESMTP MAIL Service ready\r\n"))
    return;
  while(get_line(c, line) > 0)
    if(!put(c, "500 5.3.3 Unrecognized command\r\n"))
      return;
}

static void imap_conn(struct mc_lab *lab, struct mc_lab_site *site, int fd)
{
  const struct state *st = site->priv;
  struct conn *c = mc_xcalloc(1, sizeof *c);
  c->lab = lab;
  c->p = st->p;
  c->ctx = st->ctx;
  c->fd = fd;
  if(c->p->smtp)
    serve_smtp(c);
  else if(!c->p->implicit_tls)
    serve(c);
  else {
    c->ssl = SSL_new(c->ctx);
    if(c->ssl) {
      SSL_set_fd(c->ssl, fd);
      if(SSL_accept(c->ssl) == 1)
        serve(c);
    }
  }
  if(c->ssl) {
    SSL_shutdown(c->ssl);
    SSL_free(c->ssl);
  }
  ERR_clear_error();
  close(fd);
  free(c);
}

static void state_free(void *p)
{
  struct state *st = p;
  SSL_CTX_free(st->ctx);
  free(st);
}

mc_code mc_lab_imap_start(struct mc_lab *lab, struct mc_lab_site *site)
{
  const struct mc_lab_imap_profile *p = site->sc->imap;
  if(!p)
    return MC_ERR_USAGE;
  struct state *st = mc_xcalloc(1, sizeof *st);
  st->p = p;
  mc_code rc = mc_lab_tls_ctx(lab, site, &st->ctx);
  if(rc) {
    free(st);
    return rc;
  }
  site->priv = st;
  site->priv_free = state_free;
  rc = mc_lab_serve(lab, site, imap_conn);
  if(rc)
    return rc;
  snprintf(site->command, sizeof site->command, "imap %s %s --security %s --user %s%s",
           site->target, site->args, p->security, LAB_USER, p->insecure ? " --insecure" : "");
  mc_strlcpy(site->env_password, mc_lab_account_password(), sizeof site->env_password);
  return MC_OK;
}
