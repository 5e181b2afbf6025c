/*
 * dns_server.c - the lab's authoritative DNS server: one UDP socket per
 * site on loopback, answering from the site's small record table (SRV and
 * A), NXDOMAIN for every other name. It exists so that a scenario whose
 * discovery needs a DNS record (an SRV record, a name that does not exist)
 * runs anywhere, demo included, without a DNS server on the machine.
 *
 * Invariants: a query is one datagram of at most 512 bytes with one
 * question; anything else is dropped or answered FORMERR. Names are
 * compared case-insensitively; answers are built by hand (RFC 1035 sec. 4,
 * RFC 2782 for SRV) and never exceed 512 bytes. Nothing here is shared
 * with the resolver the checks use (c-ares).
 */
#include "lab/dns_server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#define DNS_MAX 512
#define T_A_ 1
#define T_SRV_ 33

/* Reads the question name at p[off] into a dotted name. Returns the offset
 * after QNAME, or 0 when malformed (pointers are not expected in queries). */
static size_t read_qname(const unsigned char *p, size_t n, size_t off, char *out,
                         size_t outlen)
{
  size_t o = 0;
  while(off < n) {
    unsigned len = p[off++];
    if(len == 0) {
      out[o] = '\0';
      return off;
    }
    if(len > 63 || off + len > n || o + len + 2 > outlen)
      return 0;
    if(o)
      out[o++] = '.';
    memcpy(out + o, p + off, len);
    o += len;
    off += len;
  }
  return 0;
}

static bool put_name(unsigned char *b, size_t *o, size_t cap, const char *name)
{
  while(*name) {
    size_t len = strcspn(name, ".");
    if(len == 0 || len > 63 || *o + len + 1 >= cap)
      return false;
    b[(*o)++] = (unsigned char)len;
    memcpy(b + *o, name, len);
    *o += len;
    name += len;
    if(*name == '.')
      name++;
  }
  if(*o + 1 > cap)
    return false;
  b[(*o)++] = 0;
  return true;
}

static void put16(unsigned char *b, size_t *o, unsigned v)
{
  b[(*o)++] = (unsigned char)(v >> 8);
  b[(*o)++] = (unsigned char)v;
}

size_t mc_lab_dns_answer(const struct mc_lab_dns_record *recs, size_t nrecs,
                         const unsigned char *q, size_t qn, unsigned char *out, size_t cap)
{
  char name[256];
  if(qn < 12 || qn > DNS_MAX || cap < DNS_MAX || (q[2] & 0x80))
    return 0;                           /* not a query */
  unsigned qd = (unsigned)(q[4] << 8 | q[5]);
  size_t end = qd == 1 ? read_qname(q, qn, 12, name, sizeof name) : 0;
  size_t o = 0;
  memcpy(out, q, 2);                    /* id */
  out[2] = (unsigned char)(0x84 | (q[2] & 0x01));   /* QR, AA, RD echoed */
  out[3] = 0;
  if(!end || end + 4 > qn) {
    out[3] = 1;                         /* FORMERR, no question echoed */
    memset(out + 4, 0, 8);
    return 12;
  }
  unsigned qtype = (unsigned)(q[end] << 8 | q[end + 1]);
  size_t qlen = end + 4 - 12;
  memcpy(out + 4, "\x00\x01\x00\x00\x00\x00\x00\x00", 8);
  memcpy(out + 12, q + 12, qlen);
  o = 12 + qlen;
  bool known = false;
  unsigned an = 0;
  for(size_t i = 0; i < nrecs; i++) {
    if(strcasecmp(recs[i].name, name) != 0)
      continue;
    known = true;
    if(recs[i].type != qtype)
      continue;
    size_t start = o;
    if(o + 12 > cap)
      break;
    put16(out, &o, 0xC00C);             /* the name: a pointer to the question */
    put16(out, &o, recs[i].type);
    put16(out, &o, 1);                  /* IN */
    put16(out, &o, 0);
    put16(out, &o, 60);                 /* TTL */
    size_t rdlen_at = o;
    o += 2;
    bool ok = true;
    if(recs[i].type == T_A_) {
      struct in_addr a;
      ok = inet_pton(AF_INET, recs[i].data, &a) == 1 && o + 4 <= cap;
      if(ok) {
        memcpy(out + o, &a, 4);
        o += 4;
      }
    }
    else {
      ok = o + 6 <= cap;
      if(ok) {
        put16(out, &o, recs[i].priority);
        put16(out, &o, recs[i].weight);
        put16(out, &o, recs[i].port);
        ok = put_name(out, &o, cap, recs[i].data);
      }
    }
    if(!ok) {
      o = start;
      break;
    }
    size_t rdlen = o - rdlen_at - 2;
    out[rdlen_at] = (unsigned char)(rdlen >> 8);
    out[rdlen_at + 1] = (unsigned char)rdlen;
    an++;
  }
  out[6] = (unsigned char)(an >> 8);
  out[7] = (unsigned char)an;
  if(!known)
    out[3] = 3;                         /* NXDOMAIN */
  return o;
}

void mc_lab_dns_serve(int fd, const struct mc_lab_dns_record *recs, size_t nrecs)
{
  unsigned char q[DNS_MAX + 1], a[DNS_MAX];
  for(;;) {
    struct sockaddr_storage from;
    socklen_t fl = sizeof from;
    ssize_t n = recvfrom(fd, q, sizeof q, 0, (struct sockaddr *)&from, &fl);
    if(n < 0)
      return;                           /* EAGAIN: all read */
    size_t len = mc_lab_dns_answer(recs, nrecs, q, (size_t)n, a, sizeof a);
    if(len)
      sendto(fd, a, len, 0, (struct sockaddr *)&from, fl);
  }
}
