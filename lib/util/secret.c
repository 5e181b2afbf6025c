/*
 * secret.c - the guard around a password held in memory, and the reader of
 * a password's line (byte order marks, UTF-16) into a locked buffer. See
 * secret.h.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "util/secret.h"
#include "util/util.h"

bool mc_secret_guard(void)
{
  struct rlimit none = { 0, 0 };
  bool ok = setrlimit(RLIMIT_CORE, &none) == 0;
  if(prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
    ok = false;
  return ok;
}

char *mc_secret_alloc(size_t n)
{
  char *p = mc_xcalloc(1, n ? n : 1);
  /* Locking fails under a small RLIMIT_MEMLOCK; the wipe still happens. */
  (void)mlock(p, n ? n : 1);
  return p;
}

void mc_secret_free(char *p, size_t n)
{
  if(!p)
    return;
  explicit_bzero(p, n);
  (void)munlock(p, n ? n : 1);
  free(p);
}

void mc_secret_free_str(char *s)
{
  if(s)
    mc_secret_free(s, strlen(s) + 1);
}

/* A line being read into a locked buffer of max + 1 bytes that is never
 * reallocated (a realloc would leave a copy behind). */
struct line {
  char *p;
  size_t n, max;
  enum mc_secret_line state;
};

static void add(struct line *l, const char *b, size_t n)
{
  if(l->state != MC_SECRET_LINE_OK)
    return;
  if(n > l->max - l->n) {
    l->state = MC_SECRET_LINE_TOO_LONG;
    return;
  }
  memcpy(l->p + l->n, b, n);
  l->n += n;
}

static void add_cp(struct line *l, uint32_t cp)
{
  char u[4];
  add(l, u, mc_utf8_encode(cp, u));
  explicit_bzero(u, sizeof u);
}

static bool read_byte(int fd, unsigned char *c)
{
  for(;;) {
    ssize_t n = read(fd, c, 1);
    if(n < 0 && errno == EINTR)
      continue;
    return n == 1;
  }
}

/* One UTF-16 code unit; false at the end (*odd: one byte was left over). */
static bool read_unit(int fd, bool be, uint32_t *unit, bool *odd)
{
  unsigned char b[2];
  if(!read_byte(fd, &b[0]))
    return false;
  if(!read_byte(fd, &b[1])) {
    *odd = true;
    return false;
  }
  *unit = be ? (uint32_t)(b[0] << 8 | b[1]) : (uint32_t)(b[1] << 8 | b[0]);
  explicit_bzero(b, sizeof b);
  return true;
}

static void read_utf16(int fd, bool be, struct line *l)
{
  uint32_t u = 0, lo = 0;
  bool odd = false;
  while(l->state == MC_SECRET_LINE_OK && read_unit(fd, be, &u, &odd) && u != '\n') {
    if(u >= 0xdc00 && u <= 0xdfff)
      l->state = MC_SECRET_LINE_BAD_UTF16;
    else if(u < 0xd800 || u > 0xdbff)
      add_cp(l, u);
    else if(!read_unit(fd, be, &lo, &odd) || lo < 0xdc00 || lo > 0xdfff)
      l->state = MC_SECRET_LINE_BAD_UTF16;
    else
      add_cp(l, 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00));
  }
  if(odd && l->state == MC_SECRET_LINE_OK)
    l->state = MC_SECRET_LINE_BAD_UTF16;
  u = lo = 0;
}

static void read_bytes(int fd, struct line *l)
{
  unsigned char c = 0;
  while(l->state == MC_SECRET_LINE_OK && read_byte(fd, &c) && c != '\n')
    add(l, (const char *)&c, 1);
  c = 0;
}

enum mc_secret_line mc_secret_read_line(int fd, size_t max, bool boms, char **out)
{
  struct line l = { mc_secret_alloc(max + 1), 0, max, MC_SECRET_LINE_OK };
  unsigned char bom[3] = { 0, 0, 0 };
  size_t got = 0;
  bool eol = false;
  /* Up to two bytes decide: FF FE, FE FF, or the start of EF BB BF. */
  while(boms && got < 2 && !eol) {
    if(!read_byte(fd, &bom[got]))
      eol = true;
    else if(bom[got] == '\n')
      eol = true;
    else
      got++;
  }
  if(got == 2 && bom[0] == 0xff && bom[1] == 0xfe)
    read_utf16(fd, false, &l);
  else if(got == 2 && bom[0] == 0xfe && bom[1] == 0xff)
    read_utf16(fd, true, &l);
  else {
    if(got == 2 && bom[0] == 0xef && bom[1] == 0xbb) {
      if(!read_byte(fd, &bom[2]) || bom[2] == '\n')
        eol = true;
      else if(bom[2] == 0xbf)
        got = 0;                       /* a UTF-8 byte order mark: dropped */
      else
        got = 3;
    }
    add(&l, (const char *)bom, got);
    if(!eol)
      read_bytes(fd, &l);
  }
  explicit_bzero(bom, sizeof bom);
  if(l.n && l.p[l.n - 1] == '\r')
    l.p[--l.n] = '\0';
  if(l.state == MC_SECRET_LINE_OK && memchr(l.p, '\0', l.n))
    l.state = MC_SECRET_LINE_NUL;
  if(l.state != MC_SECRET_LINE_OK) {
    mc_secret_free(l.p, max + 1);
    l.p = NULL;
  }
  *out = l.p;
  return l.state;
}
