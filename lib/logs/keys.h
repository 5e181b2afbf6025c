/*
 * keys.h - the layout of the keys scan.c and cset.c count under and
 * verdicts.c reads back, and the one place that knows it: every key is
 * built by a put function and read by a get function below (one pair per
 * kind, as mc_key_status_put() and mc_key_status_get()), none by hand. A key
 * is a fixed header (memcpy'd, never cast in place) followed by the
 * variable strings its header gives the lengths of. Keys are hashed and
 * compared as bytes, and written to summary files as they are, so a put
 * zeroes the header (padding included) before it sets the fields, and no
 * layout may change without the summary format's version. Internal to
 * lib/logs.
 *
 * A put sets the kind and the string lengths itself (the caller's header
 * gives the other fields), keeps at most MC_KEY_STR_MAX bytes of each
 * string (a string with no p is empty) and returns the key's length, 0 when
 * it does not fit cap. A get returns false unless the key is of its kind
 * and its header's lengths add up to klen exactly; the strings it gives
 * point into the key.
 */
#ifndef MC_LOGS_KEYS_H
#define MC_LOGS_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "util/util.h"

enum {
  MC_KEY_STATUS = 'S',    /* IIS: endpoint, server, status triple */
  MC_KEY_HOUR = 'H',      /* IIS: endpoint, hour since the epoch */
  MC_KEY_HTTPERR = 'E',   /* HTTPERR: endpoint (or MC_KEY_EP_OTHER), server, status, reason */
  MC_KEY_PROXY = 'P'      /* HttpProxy: endpoint, server, statuses, target, error code */
};
#define MC_KEY_EP_OTHER 0xff
#define MC_KEY_STR_MAX 200    /* longest string kept in a key */

struct mc_key_status {    /* + server */
  uint8_t kind, ep, srvlen, pad;
  int32_t status, sub;
  int64_t win32;
};

struct mc_key_hour {
  uint8_t kind, ep, pad[6];
  int64_t hour;
};

struct mc_key_httperr {   /* + server + reason */
  uint8_t kind, ep, srvlen, reasonlen;
  int32_t status;
};

struct mc_key_proxy {     /* + server + target + error code */
  uint8_t kind, ep, srvlen, tgtlen, errlen, generic, pad[2];
  int32_t http, backend;
};

/* The client tables' key (cset.h). No kind: those tables hold nothing
 * else. addrlen MC_KEY_CLIENT_IPV4: the 4 bytes of an IPv4 address follow;
 * else that many bytes of the address as logged. */
struct mc_key_client {    /* + address */
  uint8_t ep, addrlen;
};
#define MC_KEY_CLIENT_IPV4 0xff
#define MC_KEY_CLIENT_MAX (2 + MC_KEY_STR_MAX)

/* The longest key of any kind. */
#define MC_KEY_MAX (sizeof(struct mc_key_proxy) + 3 * MC_KEY_STR_MAX)

/* ---- shared by the kinds ---- */

/* The kind of an agg key (one of the MC_KEY_ above), -1 when empty. */
static inline int mc_key_kind(const char *key, size_t klen)
{
  return klen ? (unsigned char)key[0] : -1;
}

/* Key strings are short: copied without a call (the scan builds keys for
 * every endpoint line), the last bytes by a copy that overlaps the one
 * before it rather than one at a time. */
static inline void mc_key_copy(char *d, const char *s, size_t n)
{
  if(n >= 8) {
    for(size_t i = 0; i + 8 < n; i += 8)
      memcpy(d + i, s + i, 8);
    memcpy(d + n - 8, s + n - 8, 8);
  }
  else if(n >= 4) {
    memcpy(d, s, 4);
    memcpy(d + n - 4, s + n - 4, 4);
  }
  else if(n) {
    d[0] = s[0];
    d[n / 2] = s[n / 2];
    d[n - 1] = s[n - 1];
  }
}

/* The bytes of s a key keeps. */
static inline size_t mc_key_strlen(struct mc_slice s)
{
  return !s.p ? 0 : s.n > MC_KEY_STR_MAX ? MC_KEY_STR_MAX : s.n;
}

_Static_assert(offsetof(struct mc_key_status, ep) == 1 && offsetof(struct mc_key_hour, ep) == 1 &&
               offsetof(struct mc_key_httperr, ep) == 1 && offsetof(struct mc_key_proxy, ep) == 1,
               "every kind starts with its kind and endpoint bytes");

/* Zeroes a header of hsize bytes (its padding too: keys are hashed as bytes)
 * and sets its kind and endpoint, the first two bytes of every kind. */
static inline void mc_key_init_(void *hdr, size_t hsize, int kind, uint8_t ep)
{
  memset(hdr, 0, hsize);
  ((unsigned char *)hdr)[0] = (unsigned char)kind;
  ((unsigned char *)hdr)[1] = ep;
}

/* Lays out a header of hsize bytes and ns strings, s[i] cut to n[i]. */
static inline size_t mc_key_put_(char *out, size_t cap, const void *hdr, size_t hsize,
                                 const struct mc_slice *s, const size_t *n, int ns)
{
  size_t len = hsize;
  for(int i = 0; i < ns; i++)
    len += n[i];
  if(len > cap)
    return 0;
  memcpy(out, hdr, hsize);
  char *o = out + hsize;
  for(int i = 0; i < ns; i++) {
    mc_key_copy(o, s[i].p, n[i]);
    o += n[i];
  }
  return len;
}

/* The header (hsize bytes, kind first) of a key of klen bytes into hdr;
 * false if the key is shorter or of another kind. */
static inline bool mc_key_head_(const char *key, size_t klen, int kind, void *hdr, size_t hsize)
{
  if(klen < hsize || mc_key_kind(key, klen) != kind)
    return false;
  memcpy(hdr, key, hsize);
  return true;
}

/* The ns strings after a header of hsize bytes, of the lengths n[i]; false
 * unless they end the key exactly. */
static inline bool mc_key_strings_(const char *key, size_t klen, size_t hsize, const uint8_t *n,
                                   struct mc_slice *s, int ns)
{
  size_t at = hsize;
  for(int i = 0; i < ns; i++) {
    if(n[i] > MC_KEY_STR_MAX)
      return false;
    s[i] = (struct mc_slice){ key + at, n[i] };
    at += n[i];
  }
  return at == klen;
}

/* ---- MC_KEY_STATUS ---- */

static inline size_t mc_key_status_put(char *out, size_t cap, const struct mc_key_status *h,
                                       struct mc_slice server)
{
  size_t n = mc_key_strlen(server);
  struct mc_key_status k;
  mc_key_init_(&k, sizeof k, MC_KEY_STATUS, h->ep);
  k.srvlen = (uint8_t)n;
  k.status = h->status;
  k.sub = h->sub;
  k.win32 = h->win32;
  return mc_key_put_(out, cap, &k, sizeof k, &server, &n, 1);
}

static inline bool mc_key_status_get(const char *key, size_t klen, struct mc_key_status *h,
                                     struct mc_slice *server)
{
  return mc_key_head_(key, klen, MC_KEY_STATUS, h, sizeof *h) &&
         mc_key_strings_(key, klen, sizeof *h, &h->srvlen, server, 1);
}

/* ---- MC_KEY_HOUR ---- */

static inline size_t mc_key_hour_put(char *out, size_t cap, const struct mc_key_hour *h)
{
  struct mc_key_hour k;
  mc_key_init_(&k, sizeof k, MC_KEY_HOUR, h->ep);
  k.hour = h->hour;
  return mc_key_put_(out, cap, &k, sizeof k, NULL, NULL, 0);
}

static inline bool mc_key_hour_get(const char *key, size_t klen, struct mc_key_hour *h)
{
  return mc_key_head_(key, klen, MC_KEY_HOUR, h, sizeof *h) && klen == sizeof *h;
}

/* ---- MC_KEY_HTTPERR ---- */

static inline size_t mc_key_httperr_put(char *out, size_t cap, const struct mc_key_httperr *h,
                                        struct mc_slice server, struct mc_slice reason)
{
  const struct mc_slice s[2] = { server, reason };
  const size_t n[2] = { mc_key_strlen(server), mc_key_strlen(reason) };
  struct mc_key_httperr k;
  mc_key_init_(&k, sizeof k, MC_KEY_HTTPERR, h->ep);
  k.srvlen = (uint8_t)n[0];
  k.reasonlen = (uint8_t)n[1];
  k.status = h->status;
  return mc_key_put_(out, cap, &k, sizeof k, s, n, 2);
}

static inline bool mc_key_httperr_get(const char *key, size_t klen, struct mc_key_httperr *h,
                                      struct mc_slice *server, struct mc_slice *reason)
{
  struct mc_slice s[2];
  if(!mc_key_head_(key, klen, MC_KEY_HTTPERR, h, sizeof *h) ||
     !mc_key_strings_(key, klen, sizeof *h, (const uint8_t[]){ h->srvlen, h->reasonlen }, s, 2))
    return false;
  *server = s[0];
  *reason = s[1];
  return true;
}

/* ---- MC_KEY_PROXY ---- */

static inline size_t mc_key_proxy_put(char *out, size_t cap, const struct mc_key_proxy *h,
                                      struct mc_slice server, struct mc_slice target,
                                      struct mc_slice err)
{
  const struct mc_slice s[3] = { server, target, err };
  const size_t n[3] = { mc_key_strlen(server), mc_key_strlen(target), mc_key_strlen(err) };
  struct mc_key_proxy k;
  mc_key_init_(&k, sizeof k, MC_KEY_PROXY, h->ep);
  k.srvlen = (uint8_t)n[0];
  k.tgtlen = (uint8_t)n[1];
  k.errlen = (uint8_t)n[2];
  k.generic = h->generic;
  k.http = h->http;
  k.backend = h->backend;
  return mc_key_put_(out, cap, &k, sizeof k, s, n, 3);
}

static inline bool mc_key_proxy_get(const char *key, size_t klen, struct mc_key_proxy *h,
                                    struct mc_slice *server, struct mc_slice *target,
                                    struct mc_slice *err)
{
  struct mc_slice s[3];
  if(!mc_key_head_(key, klen, MC_KEY_PROXY, h, sizeof *h) ||
     !mc_key_strings_(key, klen, sizeof *h,
                      (const uint8_t[]){ h->srvlen, h->tgtlen, h->errlen }, s, 3))
    return false;
  *server = s[0];
  *target = s[1];
  *err = s[2];
  return true;
}

/* ---- client keys ---- */

/* h->addrlen MC_KEY_CLIENT_IPV4: addr is the 4 bytes of an IPv4 address;
 * else addr is text, and addrlen is set from it. */
static inline size_t mc_key_client_put(char *out, size_t cap, const struct mc_key_client *h,
                                       struct mc_slice addr)
{
  out[0] = (char)h->ep;
  if(h->addrlen == MC_KEY_CLIENT_IPV4) {
    if(cap < 6)
      return 0;
    out[1] = (char)MC_KEY_CLIENT_IPV4;
    memcpy(out + 2, addr.p, 4);
    return 6;
  }
  size_t n = mc_key_strlen(addr);
  if(2 + n > cap)
    return 0;
  out[1] = (char)n;
  mc_key_copy(out + 2, addr.p, n);
  return 2 + n;
}

static inline bool mc_key_client_get(const char *key, size_t klen, struct mc_key_client *h,
                                     struct mc_slice *addr)
{
  if(klen < 2)
    return false;
  h->ep = (uint8_t)key[0];
  h->addrlen = (uint8_t)key[1];
  bool v4 = h->addrlen == MC_KEY_CLIENT_IPV4;
  if(!v4 && h->addrlen > MC_KEY_STR_MAX)
    return false;
  size_t n = v4 ? 4 : h->addrlen;
  *addr = (struct mc_slice){ key + 2, n };
  return klen == 2 + n;
}

/* Whether an agg key is one of the kinds above, laid out as its get function
 * reads it (a summary file's keys are checked with it before they are
 * counted). */
static inline bool mc_key_valid(const char *key, size_t klen)
{
  struct mc_slice a, b, c;
  switch(mc_key_kind(key, klen)) {
  case MC_KEY_STATUS: {
    struct mc_key_status h;
    return mc_key_status_get(key, klen, &h, &a);
  }
  case MC_KEY_HOUR: {
    struct mc_key_hour h;
    return mc_key_hour_get(key, klen, &h);
  }
  case MC_KEY_HTTPERR: {
    struct mc_key_httperr h;
    return mc_key_httperr_get(key, klen, &h, &a, &b);
  }
  case MC_KEY_PROXY: {
    struct mc_key_proxy h;
    return mc_key_proxy_get(key, klen, &h, &a, &b, &c);
  }
  default:
    return false;
  }
}

#endif
