/*
 * le.h - little-endian integers in wire formats (DCE/RPC, RTS, NTLM): read
 * from borrowed bytes, append to a bounded buffer. Callers check lengths
 * before reading; these helpers do not.
 */
#ifndef MC_UTIL_LE_H
#define MC_UTIL_LE_H

#include <stdint.h>

#include "util/util.h"

static inline uint16_t mc_le16(const unsigned char *p)
{
  return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t mc_le32(const unsigned char *p)
{
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline mc_code mc_buf_le16(struct mc_buf *b, uint16_t v)
{
  unsigned char x[2] = { (unsigned char)v, (unsigned char)(v >> 8) };
  return mc_buf_add(b, x, 2);
}

static inline mc_code mc_buf_le32(struct mc_buf *b, uint32_t v)
{
  unsigned char x[4] = { (unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                         (unsigned char)(v >> 24) };
  return mc_buf_add(b, x, 4);
}

#endif
