/*
 * base64.h - standard base64 (RFC 4648, with padding), the encoding HTTP
 * auth headers and Exchange's X-FailureContext use. A pure wire-format
 * codec: both the checks and the lab may use it.
 */
#ifndef MC_UTIL_BASE64_H
#define MC_UTIL_BASE64_H

#include <stddef.h>

#include "util/util.h"

/* Appends the base64 of p[0..n) to out. */
mc_code mc_base64_encode(struct mc_buf *out, const void *p, size_t n);
/* Decodes s[0..n) into out (binary; out->ptr stays NUL-terminated).
 * Whitespace is not allowed; missing padding is accepted. MC_ERR_PARSE on
 * a character outside the alphabet or a bad length, MC_ERR_LIMIT when out
 * would exceed its limit. */
mc_code mc_base64_decode(struct mc_buf *out, const char *s, size_t n);

#endif
