/*
 * xml.c - the error state and the hardening every expat reader shares. See xml.h.
 */
#include "util/xml.h"

#ifdef MC_HAVE_EXPAT
#include <stdarg.h>
#include <stdio.h>

void mc_xml_fail(struct mc_xml_err *e, mc_code rc, const char *fmt, ...)
{
  if(e->rc)
    return;
  e->rc = rc;
  char msg[200];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  snprintf(e->err, e->errlen, "line %lu: %s", (unsigned long)XML_GetCurrentLineNumber(e->p),
           msg);
  XML_StopParser(e->p, XML_FALSE);
}

/* The parser's user data starts with its struct mc_xml_err (xml.h). */
static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
                               const XML_Char *pubid, int has_internal)
{
  (void)sysid; (void)pubid; (void)has_internal;
  struct mc_xml_err *e = ud;
  mc_xml_fail(e, MC_ERR_PARSE, "a DOCTYPE <!DOCTYPE %.60s> (%s; refused, so no entity is "
              "expanded or fetched)", name ? name : "", e->never);
}

static void XMLCALL on_entity(void *ud, const XML_Char *name, int is_param,
                              const XML_Char *value, int value_len, const XML_Char *base,
                              const XML_Char *sysid, const XML_Char *pubid,
                              const XML_Char *notation)
{
  (void)is_param; (void)value; (void)value_len; (void)base; (void)sysid; (void)pubid;
  (void)notation;
  mc_xml_fail(ud, MC_ERR_PARSE, "an entity declaration '%.60s': refused", name ? name : "");
}

void mc_xml_harden(struct mc_xml_err *e, void *ud, const char *never)
{
  e->never = never;
  XML_SetUserData(e->p, ud);
  XML_SetStartDoctypeDeclHandler(e->p, on_doctype);
  XML_SetEntityDeclHandler(e->p, on_entity);
  XML_SetParamEntityParsing(e->p, XML_PARAM_ENTITY_PARSING_NEVER);
#if XML_MAJOR_VERSION > 2 || (XML_MAJOR_VERSION == 2 && XML_MINOR_VERSION >= 4)
  /* A second fence, should a DTD ever get past the handler above. */
  XML_SetBillionLaughsAttackProtectionMaximumAmplification(e->p, 20.0f);
  XML_SetBillionLaughsAttackProtectionActivationThreshold(e->p, 64 * 1024);
#endif
}

mc_code mc_xml_parse(struct mc_xml_err *e, const char *p, size_t n, bool last)
{
  if(XML_Parse(e->p, p, (int)n, last) == XML_STATUS_ERROR && !e->rc) {
    e->rc = MC_ERR_PARSE;
    snprintf(e->err, e->errlen, "line %lu column %lu: %s",
             (unsigned long)XML_GetCurrentLineNumber(e->p),
             (unsigned long)XML_GetCurrentColumnNumber(e->p),
             XML_ErrorString(XML_GetErrorCode(e->p)));
  }
  return e->rc;
}
#else
typedef int mc_xml_unused;   /* ISO C wants something in a translation unit */
#endif
