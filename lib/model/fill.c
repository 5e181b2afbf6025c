/*
 * fill.c - catalogue text made concrete: a cause's fix steps and its
 * "confirm with" line name this run's host, user, servers and values.
 *
 * The catalogue writes {host}, {user}, {server}, {validports} ... where a
 * fact of the run belongs. A check (or the command line) records the facts
 * it learnt in the report (mc_report_fact); mc_report_fill() substitutes
 * them when a renderer shows the text. A fact the run did not learn stays a
 * visibly marked placeholder ("<Exchange server>"), never a made-up name.
 * Rows written with the catalogue's old example names (mail.contoso.com,
 * CONTOSO\migadmin, EX01 ...) are filled the same way, so a row need not be
 * rewritten to follow the run. This file does not decide anything: it only
 * fills text.
 */
#include "model/report.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

#define FILL_LIMIT ((size_t)1 << 20)

struct fact_key {
  const char *key;        /* {key} in catalogue text */
  const char *unknown;    /* shown when the run did not learn it */
};

/* Every fact a catalogue text may name. */
static const struct fact_key fact_keys[] = {
  { "target", "<public host name>" },    /* as given, with a port; else {host} */
  { "host", "<public host name>" },
  { "port", "<port>" },
  { "domain", "<your domain>" },
  { "email", "<mailbox address>" },
  { "mailbox", "<mailbox address>" },
  { "user", "<DOMAIN\\user>" },
  { "server", "<Exchange server>" },
  { "server_fqdn", "<Exchange server FQDN>" },
  { "validports", "<ValidPorts value>" },
  { "vdir", "<virtual directory identity>" },  /* EWS; unknown: {server}\\EWS (Default Web Site) */
  { "thumbprint", "<thumbprint>" },      /* the served certificate's SHA-1 */
  { "days_left", "<days left>" },
  { "options", "" },                     /* the run's network options, for reruns */
  { "inputs", "<files>" },               /* config and logs: the files read */
};

/* The catalogue's former example names and the fact each stood for; the
 * longer names come first so that "admin@contoso.com" is not read as
 * "contoso.com". */
static const struct { const char *literal; const char *key; } aliases[] = {
  { "autodiscover.contoso.com", "autodiscover.{domain}" },
  { "mail.contoso.com", "{host}" },
  { "ex01.contoso.local", "{server_fqdn}" },
  { "CONTOSO\\migadmin", "{user}" },
  { "CONTOSO\\mailadmin", "{user}" },
  { "admin@contoso.com", "{email}" },
  { "migadmin@contoso.com", "{email}" },
  { "user@contoso.com", "{mailbox}" },
  { "usera@contoso.com", "{mailbox}" },
  { "alice@contoso.com", "{mailbox}" },
  { "contoso.com", "{domain}" },
  { "EX01", "{server}" },
};

static bool word_char(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '_' || c == '-';
}

void mc_report_fact(struct mc_report *r, const char *key, const char *fmt, ...)
{
  if(!r || mc_report_fact_get(r, key))
    return;
  va_list ap;
  va_start(ap, fmt);
  char *v = mc_xvasprintf(fmt, ap);
  va_end(ap);
  if(!*v) {
    free(v);
    return;
  }
  r->facts = mc_xrealloc(r->facts, (r->nfacts + 1) * sizeof *r->facts);
  r->facts[r->nfacts].key = mc_xstrdup(key);
  r->facts[r->nfacts].value = v;
  r->nfacts++;
}

const char *mc_report_fact_get(const struct mc_report *r, const char *key)
{
  for(size_t i = 0; r && i < r->nfacts; i++) {
    if(strcmp(r->facts[i].key, key) == 0)
      return r->facts[i].value;
  }
  return NULL;
}

/* The fact key {key} at p names (length in *len), or NULL. */
static const struct fact_key *key_at(const char *p, size_t *len)
{
  if(*p != '{')
    return NULL;
  for(size_t i = 0; i < sizeof fact_keys / sizeof fact_keys[0]; i++) {
    size_t n = strlen(fact_keys[i].key);
    if(strncmp(p + 1, fact_keys[i].key, n) == 0 && p[1 + n] == '}') {
      *len = n + 2;
      return &fact_keys[i];
    }
  }
  return NULL;
}

static mc_code fill_plain(struct mc_buf *out, const struct mc_report *r, const char *tmpl);

static mc_code add_fact(struct mc_buf *out, const struct mc_report *r, const struct fact_key *k)
{
  const char *v = mc_report_fact_get(r, k->key);
  if(!v && strcmp(k->key, "target") == 0)
    v = mc_report_fact_get(r, "host");
  if(!v && strcmp(k->key, "vdir") == 0) {
    /* No pasted Identity: the default one, on the server the run saw. */
    return fill_plain(out, r, "{server}\\EWS (Default Web Site)");
  }
  return mc_buf_addstr(out, v ? v : k->unknown);
}

/* Appends tmpl (which holds {key}s only) filled from r; MC_ERR_LIMIT when out
 * is full. */
static mc_code fill_plain(struct mc_buf *out, const struct mc_report *r, const char *tmpl)
{
  mc_code rc = MC_OK;
  for(const char *p = tmpl; *p && rc == MC_OK;) {
    size_t len;
    const struct fact_key *k = key_at(p, &len);
    if(k) {
      rc = add_fact(out, r, k);
      p += len;
    }
    else
      rc = mc_buf_addch(out, *p++);
  }
  return rc;
}

char *mc_report_fill(const struct mc_report *r, const char *text)
{
  if(!text)
    return NULL;
  struct mc_buf out = MC_BUF_INIT(FILL_LIMIT);
  mc_code rc = MC_OK;
  for(const char *p = text; *p && rc == MC_OK;) {
    size_t len;
    const struct fact_key *k = key_at(p, &len);
    if(k) {
      rc = add_fact(&out, r, k);
      p += len;
      continue;
    }
    bool done = false;
    bool boundary = p == text || !word_char(p[-1]);
    for(size_t i = 0; boundary && i < sizeof aliases / sizeof aliases[0]; i++) {
      size_t n = strlen(aliases[i].literal);
      if(strncmp(p, aliases[i].literal, n) != 0 || word_char(p[n]))
        continue;
      rc = fill_plain(&out, r, aliases[i].key);
      p += n;
      done = true;
      break;
    }
    if(!done)
      rc = mc_buf_addch(&out, *p++);
  }
  /* facts of 1 MiB: a full out ends in "..." by itself (mc_buf) */
  return mc_buf_detach(&out);
}

/* Whether t (a confirm line) reruns this very command: "migcheck CMD ...". */
static bool reruns_command(const struct mc_report *r, const char *t)
{
  size_t n = strlen(r->command);
  return strncmp(t, "migcheck ", 9) == 0 && strncmp(t + 9, r->command, n) == 0 && t[9 + n] == ' ';
}

/* The confirm line of a command that reads files (config, logs): the run's
 * own inputs instead of the catalogue's example names. */
static char *rerun_inputs(const struct mc_report *r, char *t)
{
  const char *inputs = mc_report_fact_get(r, "inputs");
  if(!t || !inputs || !reruns_command(r, t))
    return t;
  char *u = mc_xasprintf("migcheck %s %s", r->command, inputs);
  free(t);
  return u;
}

char *mc_report_fill_check(const struct mc_report *r, const char *check)
{
  char *t = mc_report_fill(r, check);
  if(r)
    t = rerun_inputs(r, t);
  const char *opts = mc_report_fact_get(r, "options");
  /* Only a confirm line that reruns this very command takes its options. */
  if(!t || !opts || !r || !reruns_command(r, t))
    return t;
  char *u = mc_xasprintf("%s %s", t, opts);
  free(t);
  return u;
}

/* The domain part of host when it has one below a registrable name
 * ("mail.fabrikam.com" -> "fabrikam.com"), else NULL. */
static const char *host_domain(const char *host)
{
  const char *dot = strchr(host, '.');
  if(!dot || !strchr(dot + 1, '.'))
    return NULL;
  for(const char *p = host; *p; p++) {
    if(!((*p >= '0' && *p <= '9') || *p == '.'))
      return dot + 1;
  }
  return NULL;    /* an IPv4 address */
}

void mc_report_fact_names(struct mc_report *r, const char *host, const char *user,
                          const char *email)
{
  if(host && *host && !strchr(host, ':')) {
    mc_report_fact(r, "host", "%s", host);
  }
  if(user && *user)
    mc_report_fact(r, "user", "%s", user);
  if(email && *email) {
    mc_report_fact(r, "email", "%s", email);
    const char *at = strrchr(email, '@');
    if(at && at[1])
      mc_report_fact(r, "domain", "%s", at + 1);
  }
  const char *at = user ? strrchr(user, '@') : NULL;
  if(at && at[1])
    mc_report_fact(r, "domain", "%s", at + 1);
  const char *d = host ? host_domain(host) : NULL;
  if(d)
    mc_report_fact(r, "domain", "%s", d);
}
