/*
 * md4.c - MD4 (RFC 1320), which NTLM needs for the NT hash and OpenSSL 3
 * keeps only in its legacy provider. Used for the NT hash only: by the
 * client's NTLM (lib/proto/ntlm_client.c) and the lab's NTLM server; the
 * RFC 1320 test vectors guard it for both.
 */
#include "util/md4.h"

#include <stdint.h>
#include <string.h>

#define F(x, y, z) (((x) & (y)) | (~(x) & (z)))
#define G(x, y, z) (((x) & (y)) | ((x) & (z)) | ((y) & (z)))
#define H(x, y, z) ((x) ^ (y) ^ (z))
#define ROTL(v, s) (((v) << (s)) | ((v) >> (32 - (s))))

static void block(uint32_t st[4], const unsigned char *p)
{
  static const int o2[16] = { 0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15 };
  static const int o3[16] = { 0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15 };
  static const int s1[4] = { 3, 7, 11, 19 }, s2[4] = { 3, 5, 9, 13 }, s3[4] = { 3, 9, 11, 15 };
  uint32_t x[16];
  for(int i = 0; i < 16; i++)
    x[i] = (uint32_t)p[4 * i] | (uint32_t)p[4 * i + 1] << 8 | (uint32_t)p[4 * i + 2] << 16 |
           (uint32_t)p[4 * i + 3] << 24;
  uint32_t v[4] = { st[0], st[1], st[2], st[3] };
  /* v[(4 - i) % 4] is the word updated in step i: a, d, c, b, a, ... */
  for(int i = 0; i < 16; i++) {
    uint32_t *a = &v[(16 - i) % 4], b = v[(17 - i) % 4], c = v[(18 - i) % 4],
             d = v[(19 - i) % 4];
    uint32_t t = *a + F(b, c, d) + x[i];
    *a = ROTL(t, s1[i % 4]);
  }
  for(int i = 0; i < 16; i++) {
    uint32_t *a = &v[(16 - i) % 4], b = v[(17 - i) % 4], c = v[(18 - i) % 4],
             d = v[(19 - i) % 4];
    uint32_t t = *a + G(b, c, d) + x[o2[i]] + 0x5A827999u;
    *a = ROTL(t, s2[i % 4]);
  }
  for(int i = 0; i < 16; i++) {
    uint32_t *a = &v[(16 - i) % 4], b = v[(17 - i) % 4], c = v[(18 - i) % 4],
             d = v[(19 - i) % 4];
    uint32_t t = *a + H(b, c, d) + x[o3[i]] + 0x6ED9EBA1u;
    *a = ROTL(t, s3[i % 4]);
  }
  for(int i = 0; i < 4; i++)
    st[i] += v[i];
}

void mc_md4(const void *data, size_t n, unsigned char out[16])
{
  const unsigned char *p = data;
  uint32_t st[4] = { 0x67452301u, 0xefcdab89u, 0x98badcfeu, 0x10325476u };
  size_t done = 0;
  for(; n - done >= 64; done += 64)
    block(st, p + done);
  unsigned char tail[128] = { 0 };
  size_t rest = n - done;
  memcpy(tail, p + done, rest);
  tail[rest] = 0x80;
  size_t tlen = rest + 1 + 8 <= 64 ? 64 : 128;
  uint64_t bits = (uint64_t)n * 8;
  for(int i = 0; i < 8; i++)
    tail[tlen - 8 + i] = (unsigned char)(bits >> (8 * i));
  block(st, tail);
  if(tlen == 128)
    block(st, tail + 64);
  for(int i = 0; i < 4; i++)
    for(int k = 0; k < 4; k++)
      out[4 * i + k] = (unsigned char)(st[i] >> (8 * k));
}
