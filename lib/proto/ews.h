/*
 * ews.h - what Exchange's front door says about itself: the X-FailureContext
 * header decoded, the product generation from build numbers and headers,
 * and the SOAP request migcheck sends to /EWS/mrsproxy.svc.
 *
 * Pure functions over borrowed strings; nothing here does I/O.
 */
#ifndef MC_PROTO_EWS_H
#define MC_PROTO_EWS_H

#include <stdbool.h>
#include <stddef.h>

#include "util/util.h"

/* X-FailureContext: "FailurePoint;HttpStatus;b64(Error);b64(Details);
 * HttpProxySubErrorCode;WebExceptionStatus;LiveIdAuthResult"
 * (the X-FailureContext header Exchange sends). Decoded fields are printable. */
struct mc_ews_failure {
  char point[64];          /* "FrontEnd", "BackEnd" */
  char status[16];
  char error[512];         /* decoded */
  char details[1024];      /* decoded */
  char suberror[32];       /* HttpProxySubErrorCode, e.g. "2014" */
  char web_status[64];
  char liveid[64];
};

/* MC_ERR_PARSE when v has no ';' at all. Fields that are not valid base64
 * are kept as given. */
mc_code mc_ews_failure_parse(const char *v, struct mc_ews_failure *out);
/* One line: "BackEnd 500: <error> (<details>) [sub-error 2014]". */
void mc_ews_failure_text(const struct mc_ews_failure *f, char *out, size_t outlen);

/* Product generation from a build "15.1.2176.9" or "Exchange/15.01.2176.009":
 * "Exchange 2016" ...; NULL when the build is not an Exchange one. */
const char *mc_ews_product_of_build(const char *build);

/* The MRS-like request: a SOAP 1.2 envelope with a WS-Addressing action for
 * an MRSProxy operation (see remote_move.c on why this one). */
extern const char mc_ews_mrs_action[];
extern const char mc_ews_mrs_content_type[];
/* The envelope for host (the To address), into out. */
void mc_ews_mrs_envelope(struct mc_buf *out, const char *host, int port);
/* Whether body[0..n) holds a SOAP fault (SOAP 1.1 or 1.2). */
bool mc_ews_is_soap_fault(const char *body, size_t n);
/* The same envelope padded to size bytes (when size is larger than the
 * envelope) with a header element of base64-like text, as MRS sends item
 * data: an MRS-sized request that is still well-formed SOAP. out must have
 * room (its limit) for size bytes. */
void mc_ews_mrs_envelope_padded(struct mc_buf *out, const char *host, int port, size_t size);
/* Whether body[0..n) is a SOAP envelope at all. */
bool mc_ews_is_soap(const char *body, size_t n);

#endif
