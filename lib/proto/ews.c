/*
 * ews.c - X-FailureContext decoding, build-to-product mapping, and the
 * SOAP envelope of the MRS-like request.
 *
 * The exact operation MRS calls first on mrsproxy.svc is not public
 * ([MS-OXWSCORE]). migcheck sends a small SOAP 1.2 request whose
 * WS-Addressing action names a version-exchange operation of the MRS proxy
 * contract: whichever operation, an MRSProxy that is running answers an
 * authenticated SOAP request with a SOAP response or a SOAP fault, and one
 * that is switched off answers 403 before any SOAP is read (sec. 3.2).
 */
#include "proto/ews.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/base64.h"

const char mc_ews_mrs_action[] =
  "http://schemas.microsoft.com/exchange/services/2006/messages/"
  "IMailboxReplicationProxyService/ExchangeVersionInformation";
const char mc_ews_mrs_content_type[] = "application/soap+xml; charset=utf-8";

/* Copies field i (0-based) of a ';'-separated list into out. */
static void field(const char *v, int i, char *out, size_t outlen)
{
  const char *p = v;
  for(int k = 0; k < i && p; k++) {
    p = strchr(p, ';');
    if(p)
      p++;
  }
  out[0] = '\0';
  if(!p)
    return;
  size_t n = strcspn(p, ";");
  char *t = mc_printable(p, n, outlen > 4 ? outlen - 4 : 0);
  mc_strlcpy(out, t, outlen);
  free(t);
}

/* Decodes a base64 field in place when it is base64 of printable text. */
static void unbase64(char *s, size_t cap)
{
  if(!*s)
    return;
  struct mc_buf b = MC_BUF_INIT(2048);
  if(mc_base64_decode(&b, s, strlen(s)) == MC_OK && b.len) {
    char *t = mc_printable(b.ptr, b.len, cap > 4 ? cap - 4 : 0);
    mc_strlcpy(s, t, cap);
    free(t);
  }
  mc_buf_release(&b);
}

mc_code mc_ews_failure_parse(const char *v, struct mc_ews_failure *out)
{
  memset(out, 0, sizeof *out);
  if(!v || !strchr(v, ';'))
    return MC_ERR_PARSE;
  field(v, 0, out->point, sizeof out->point);
  field(v, 1, out->status, sizeof out->status);
  field(v, 2, out->error, sizeof out->error);
  field(v, 3, out->details, sizeof out->details);
  field(v, 4, out->suberror, sizeof out->suberror);
  field(v, 5, out->web_status, sizeof out->web_status);
  field(v, 6, out->liveid, sizeof out->liveid);
  unbase64(out->error, sizeof out->error);
  unbase64(out->details, sizeof out->details);
  return MC_OK;
}

void mc_ews_failure_text(const struct mc_ews_failure *f, char *out, size_t outlen)
{
  snprintf(out, outlen, "%s%s%s: %s%s%s%s%s%s%s", f->point[0] ? f->point : "?",
           f->status[0] ? " " : "", f->status, f->error[0] ? f->error : "(no error text)",
           f->details[0] ? " (" : "", f->details, f->details[0] ? ")" : "",
           f->suberror[0] ? " [sub-error " : "", f->suberror, f->suberror[0] ? "]" : "");
}

const char *mc_ews_product_of_build(const char *build)
{
  static const struct {
    long major, minor;
    const char *name;
  } builds[] = {
    { 15, 2, "Exchange 2019" }, { 15, 1, "Exchange 2016" }, { 15, 0, "Exchange 2013" },
    { 14, -1, "Exchange 2010" }, { 8, -1, "Exchange 2007" },
  };
  if(!build)
    return NULL;
  const char *p = build;
  if(mc_case_starts_with(p, "Exchange/"))
    p += 9;
  char *end;
  long major = strtol(p, &end, 10);
  if(end == p || *end != '.')
    return NULL;
  long minor = strtol(end + 1, &end, 10);
  for(size_t i = 0; i < sizeof builds / sizeof builds[0]; i++) {
    if(builds[i].major == major && (builds[i].minor < 0 || builds[i].minor == minor))
      return builds[i].name;
  }
  return NULL;
}

void mc_ews_mrs_envelope(struct mc_buf *out, const char *host, int port)
{
  mc_buf_printf(out,
    "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
    "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\" "
    "xmlns:a=\"http://www.w3.org/2005/08/addressing\">"
    "<s:Header><a:Action s:mustUnderstand=\"1\">%s</a:Action>"
    "<a:To s:mustUnderstand=\"1\">https://%s:%d/EWS/mrsproxy.svc</a:To></s:Header>"
    "<s:Body><ExchangeVersionInformation "
    "xmlns=\"http://schemas.microsoft.com/exchange/services/2006/messages\"/>"
    "</s:Body></s:Envelope>", mc_ews_mrs_action, host, port);
}

void mc_ews_mrs_envelope_padded(struct mc_buf *out, const char *host, int port, size_t size)
{
  static const char head[] = "<mc:Padding xmlns:mc=\"urn:migcheck:padding\">";
  static const char tail[] = "</mc:Padding>";
  struct mc_buf env = MC_BUF_INIT(4096);
  mc_ews_mrs_envelope(&env, host, port);
  const char *cut = env.ptr ? strstr(env.ptr, "</s:Header>") : NULL;
  size_t fixed = env.len + sizeof head - 1 + sizeof tail - 1;
  size_t pad = size > fixed ? size - fixed : 0;
  if(!cut) {
    mc_buf_release(&env);
    return;
  }
  /* The padding is a header element of base64-like text, as MRS carries
   * item data, so the message stays well-formed SOAP of exactly size bytes. */
  mc_buf_add(out, env.ptr, (size_t)(cut - env.ptr));
  mc_buf_add(out, head, sizeof head - 1);
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  char chunk[4096];
  for(size_t i = 0; i < sizeof chunk; i++)
    chunk[i] = alphabet[(i * 7 + i / 64) % 64];
  while(pad) {
    size_t n = pad < sizeof chunk ? pad : sizeof chunk;
    mc_buf_add(out, chunk, n);
    pad -= n;
  }
  mc_buf_add(out, tail, sizeof tail - 1);
  mc_buf_addstr(out, cut);
  mc_buf_release(&env);
}

bool mc_ews_is_soap(const char *body, size_t n)
{
  return mc_memcasemem(body, n, ":Envelope") || mc_memcasemem(body, n, "<Envelope");
}

bool mc_ews_is_soap_fault(const char *body, size_t n)
{
  return mc_ews_is_soap(body, n) &&
         (mc_memcasemem(body, n, ":Fault>") || mc_memcasemem(body, n, "<Fault>"));
}
