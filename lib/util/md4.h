/*
 * md4.h - MD4 (RFC 1320) for the NTLM NT hash, which OpenSSL 3 keeps only
 * in its legacy provider. Nothing else may use it.
 */
#ifndef MC_UTIL_MD4_H
#define MC_UTIL_MD4_H

#include <stddef.h>

void mc_md4(const void *p, size_t n, unsigned char out[16]);

#endif
