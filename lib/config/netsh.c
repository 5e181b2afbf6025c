/*
 * netsh.c - `netsh http show sslcert` output: the certificate HTTP.sys
 * presents on each IP:port (or host name:port), which is where IIS keeps
 * the certificate of an https binding (applicationHost.config usually
 * does not hold it).
 *
 *   SSL Certificate bindings:
 *   -------------------------
 *
 *       IP:port                      : 0.0.0.0:443
 *       Certificate Hash             : 6a1b2c3d...
 *       Application ID               : {4dc3e181-...}
 *       Certificate Store Name       : MY
 *       ...
 *
 * One binding starts at each "IP:port", "Hostname:port" or "Central
 * Certificate Store" line; only the fields the rules use are kept. Other
 * languages of Windows translate the labels: those files are not
 * recognised (the sniffer wants the English labels).
 *
 * Limits: MC_SSLCERT_MAX bindings, values cut at 256 bytes.
 */
#include "config/config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define VALUE_MAX 256

bool mc_sslcert_sniff(const char *text, size_t n)
{
  return mc_memcasemem(text, n, "Certificate Hash") &&
         (mc_memcasemem(text, n, "IP:port") || mc_memcasemem(text, n, "Hostname:port"));
}

/* "    Label<spaces>: value": label and value trimmed; false otherwise. */
static bool field(struct mc_config_line l, char *label, size_t llen, char *value, size_t vlen)
{
  size_t i = 0;
  while(i < l.n && (l.p[i] == ' ' || l.p[i] == '\t'))
    i++;
  if(i == 0 || i >= l.n)
    return false;
  /* The separator is " : " (a label holds a colon itself: "IP:port"). */
  const char *sep = NULL;
  for(size_t k = i; k + 2 < l.n; k++) {
    if(l.p[k] == ' ' && l.p[k + 1] == ':' && (l.p[k + 2] == ' ' || k + 2 == l.n)) {
      sep = l.p + k;
      break;
    }
  }
  if(!sep && l.n >= 2 && l.p[l.n - 1] == ':' && l.p[l.n - 2] == ' ')
    sep = l.p + l.n - 2;
  if(!sep)
    return false;
  size_t e = (size_t)(sep - l.p);
  while(e > i && l.p[e - 1] == ' ')
    e--;
  snprintf(label, llen, "%.*s", (int)(e - i), l.p + i);
  const char *v = sep + 2;
  const char *end = l.p + l.n;
  while(v < end && *v == ' ')
    v++;
  size_t vn = (size_t)(end - v);
  snprintf(value, vlen, "%.*s", (int)(vn < VALUE_MAX ? vn : VALUE_MAX), v);
  return true;
}

mc_code mc_sslcert_parse(const char *text, size_t n, struct mc_sslcert_doc *doc, char *err,
                         size_t errlen)
{
  memset(doc, 0, sizeof *doc);
  size_t pos = 0;
  unsigned lineno = 0;
  struct mc_sslcert *cur = NULL;
  while(pos < n) {
    struct mc_config_line l = mc_config_next_line(text, n, &pos);
    lineno++;
    char label[64], value[VALUE_MAX + 1];
    if(!field(l, label, sizeof label, value, sizeof value))
      continue;
    if(strcasecmp(label, "IP:port") == 0 || strcasecmp(label, "Hostname:port") == 0 ||
       strcasecmp(label, "Central Certificate Store") == 0) {
      if(doc->n >= MC_SSLCERT_MAX) {
        snprintf(err, errlen, "line %u: more than %d bindings", lineno, MC_SSLCERT_MAX);
        return MC_ERR_LIMIT;
      }
      doc->v = mc_xrealloc(doc->v, (doc->n + 1) * sizeof *doc->v);
      cur = &doc->v[doc->n++];
      memset(cur, 0, sizeof *cur);
      cur->endpoint = mc_xstrdup(value);
      cur->line = lineno;
      continue;
    }
    if(!cur)
      continue;
    char **slot = strcasecmp(label, "Certificate Hash") == 0 ? &cur->hash :
                  strcasecmp(label, "Certificate Store Name") == 0 ? &cur->store :
                  strcasecmp(label, "Application ID") == 0 ? &cur->appid : NULL;
    if(slot) {
      free(*slot);
      *slot = mc_xstrdup(value);
    }
  }
  return MC_OK;
}

void mc_sslcert_doc_release(struct mc_sslcert_doc *doc)
{
  for(size_t i = 0; i < doc->n; i++) {
    free(doc->v[i].endpoint);
    free(doc->v[i].hash);
    free(doc->v[i].store);
    free(doc->v[i].appid);
  }
  free(doc->v);
  memset(doc, 0, sizeof *doc);
}

/* Thumbprints compare as hex digits only: case, spaces, colons and the
 * invisible mark the certificate dialog puts in front all go. */
bool mc_config_same_thumbprint(const char *a, const char *b)
{
  if(!a || !b)
    return false;
  size_t digits = 0;
  for(;;) {
    while(*a && !isxdigit((unsigned char)*a))
      a++;
    while(*b && !isxdigit((unsigned char)*b))
      b++;
    if(!*a || !*b)
      return !*a && !*b && digits > 0;
    if(tolower((unsigned char)*a) != tolower((unsigned char)*b))
      return false;
    a++;
    b++;
    digits++;
  }
}
