/*
 * xml.h - what every expat reader here shares: the first error wins and stops
 * the parser, with its line; a DOCTYPE or an entity declaration is refused
 * (no entity is ever expanded or fetched); amplification is capped.
 *
 * Not a reader: each caller keeps its own handlers and element stack
 * (config/iis.c for applicationHost.config, proto/autodiscover.c for the
 * Autodiscover answers). Only where expat is (MC_HAVE_EXPAT).
 */
#ifndef MC_UTIL_XML_H
#define MC_UTIL_XML_H

#ifdef MC_HAVE_EXPAT
/* Debian's expat is built with DTD support; this exposes its DTD-related
 * calls (the billion-laughs limits) in the header. */
#ifndef XML_DTD
#define XML_DTD
#endif
#include <expat.h>
#include <stdbool.h>
#include <stddef.h>

#include "util/util.h"

/* The error state of one parse. It is the first member of the parser's user
 * data, so the shared handlers below can find it. */
struct mc_xml_err {
  XML_Parser p;
  char *err;                /* "line N: what", for the caller */
  size_t errlen;
  mc_code rc;               /* the first failure; later ones are ignored */
  const char *never;        /* why no DOCTYPE belongs here ("IIS never writes one") */
};

/* Records the first failure as "line N: <fmt>" and stops the parser. */
void mc_xml_fail(struct mc_xml_err *e, mc_code rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Sets e->p's user data to ud (which starts with e), refuses DOCTYPEs (the
 * message gives never: why none belongs here) and entity declarations, reads
 * no parameter entity and caps amplification. */
void mc_xml_harden(struct mc_xml_err *e, void *ud, const char *never);

/* Runs XML_Parse on one piece; expat's own error, with line and column, when
 * no handler failed first. Returns e->rc. */
mc_code mc_xml_parse(struct mc_xml_err *e, const char *p, size_t n, bool last);
#endif

#endif
