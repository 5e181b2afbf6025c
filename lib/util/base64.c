/*
 * base64.c - RFC 4648 base64, encode and strict decode.
 */
#include "util/base64.h"

static const char alphabet[] =
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

mc_code mc_base64_encode(struct mc_buf *out, const void *p, size_t n)
{
  const unsigned char *s = p;
  for(size_t i = 0; i < n; i += 3) {
    unsigned v = (unsigned)s[i] << 16;
    if(i + 1 < n)
      v |= (unsigned)s[i + 1] << 8;
    if(i + 2 < n)
      v |= s[i + 2];
    char q[4] = { alphabet[(v >> 18) & 63], alphabet[(v >> 12) & 63],
                  i + 1 < n ? alphabet[(v >> 6) & 63] : '=',
                  i + 2 < n ? alphabet[v & 63] : '=' };
    mc_code rc = mc_buf_add(out, q, 4);
    if(rc)
      return rc;
  }
  if(!out->ptr)
    return mc_buf_add(out, "", 0);
  return MC_OK;
}

static int value_of(char c)
{
  if(c >= 'A' && c <= 'Z')
    return c - 'A';
  if(c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if(c >= '0' && c <= '9')
    return c - '0' + 52;
  if(c == '+')
    return 62;
  if(c == '/')
    return 63;
  return -1;
}

mc_code mc_base64_decode(struct mc_buf *out, const char *s, size_t n)
{
  while(n && s[n - 1] == '=')
    n--;
  if(n % 4 == 1)
    return MC_ERR_PARSE;
  unsigned acc = 0;
  int bits = 0;
  for(size_t i = 0; i < n; i++) {
    int v = value_of(s[i]);
    if(v < 0)
      return MC_ERR_PARSE;
    acc = (acc << 6) | (unsigned)v;
    bits += 6;
    if(bits >= 8) {
      bits -= 8;
      char c = (char)((acc >> bits) & 0xff);
      mc_code rc = mc_buf_add(out, &c, 1);
      if(rc)
        return rc;
    }
  }
  if(!out->ptr)
    return mc_buf_add(out, "", 0);
  return MC_OK;
}
