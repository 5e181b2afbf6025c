/*
 * redact.c - removing registered passwords from text. See redact.h.
 *
 * Two kinds of needle: the password itself, matched byte by byte where
 * each byte may appear literally (any case) or escaped (URL, HTML/XML,
 * backslash); and the base64 fragments that only the password's bytes
 * determine, one per byte alignment, matched exactly. Matching the
 * escaped forms may need to back up (a '%' in the password may be "%" or
 * "%25"), so it is bounded by a step budget per start position.
 */
#include "model/redact.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util/base64.h"
#include "util/util.h"

#define MAX_SECRETS 16
#define MAX_FRAGMENTS 6          /* 3 alignments x (standard, URL-safe) */
#define FRAGMENT_MIN 4           /* shorter base64 fragments would hit ordinary text */
#define TAIL_MIN 4               /* a cut tail this long (or the whole password) is removed */
#define MATCH_BUDGET 4096
#define NO_MATCH ((size_t)-1)

struct secret {
  char *plain;
  size_t plain_len;
  char *frag[MAX_FRAGMENTS];
  size_t frag_len[MAX_FRAGMENTS];
  size_t nfrag;
};

static struct secret secrets[MAX_SECRETS];
static size_t nsecrets;

static int lower(int c)
{
  return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int hexval(int c)
{
  if(c >= '0' && c <= '9')
    return c - '0';
  c = lower(c);
  return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Adds the fragment of base64 that the bytes of pw alone decide when they
 * start at byte alignment shift (0-2) of the encoded data. */
static void add_fragments(struct secret *s, const char *pw, size_t n, unsigned shift)
{
  struct mc_buf raw = MC_BUF_INIT(n + 8), enc = MC_BUF_INIT(2 * n + 16);
  static const char zeros[4] = { 0 };
  mc_buf_must(mc_buf_add(&raw, zeros, shift));   /* raw holds n + 8 */
  mc_buf_must(mc_buf_add(&raw, pw, n));
  mc_buf_must(mc_buf_add(&raw, zeros, 2));
  if(mc_base64_encode(&enc, raw.ptr, raw.len) == MC_OK && enc.ptr) {
    size_t from = (8 * shift + 5) / 6, to = (8 * (shift + n)) / 6;
    if(to > from && to - from >= FRAGMENT_MIN && to <= enc.len) {
      for(int urlsafe = 0; urlsafe < 2 && s->nfrag < MAX_FRAGMENTS; urlsafe++) {
        char *f = mc_xcalloc(1, to - from + 1);
        memcpy(f, enc.ptr + from, to - from);
        bool differs = false;
        for(size_t i = 0; urlsafe && i < to - from; i++) {
          if(f[i] == '+' || f[i] == '/') {
            f[i] = f[i] == '+' ? '-' : '_';
            differs = true;
          }
        }
        if(urlsafe && !differs) {
          free(f);
          continue;
        }
        s->frag[s->nfrag] = f;
        s->frag_len[s->nfrag++] = to - from;
      }
    }
  }
  if(raw.ptr)
    explicit_bzero(raw.ptr, raw.len);
  if(enc.ptr)
    explicit_bzero(enc.ptr, enc.len);
  mc_buf_release(&raw);
  mc_buf_release(&enc);
}

void mc_redact_login(const char *user, const char *password)
{
  (void)user;   /* the base64 fragments catch user:password for any user */
  if(!password || !*password)
    return;
  size_t n = strlen(password);
  for(size_t i = 0; i < nsecrets; i++) {
    if(secrets[i].plain_len == n && memcmp(secrets[i].plain, password, n) == 0)
      return;
  }
  if(nsecrets == MAX_SECRETS)
    return;
  struct secret *s = &secrets[nsecrets++];
  s->plain = mc_xstrdup(password);
  s->plain_len = n;
  for(unsigned shift = 0; shift < 3; shift++)
    add_fragments(s, password, n, shift);
}

int mc_redact_active(void)
{
  return nsecrets > 0;
}

void mc_redact_forget(void)
{
  for(size_t i = 0; i < nsecrets; i++) {
    explicit_bzero(secrets[i].plain, secrets[i].plain_len);
    free(secrets[i].plain);
    for(size_t k = 0; k < secrets[i].nfrag; k++) {
      explicit_bzero(secrets[i].frag[k], secrets[i].frag_len[k]);
      free(secrets[i].frag[k]);
    }
  }
  memset(secrets, 0, sizeof secrets);
  nsecrets = 0;
}

/* Length of an HTML/XML character reference at t that stands for byte c,
 * or 0. */
static size_t entity_len(const char *t, size_t n, unsigned char c)
{
  static const struct { const char *name; char c; } named[] = {
    { "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' }, { "&quot;", '"' }, { "&apos;", '\'' },
  };
  for(size_t i = 0; i < sizeof named / sizeof named[0]; i++) {
    size_t l = strlen(named[i].name);
    if(named[i].c == (char)c && n >= l && strncasecmp(t, named[i].name, l) == 0)
      return l;
  }
  if(n < 4 || t[1] != '#')
    return 0;
  size_t i = 2;
  unsigned long v = 0;
  bool hex = t[2] == 'x' || t[2] == 'X';
  i += hex;
  size_t digits = 0;
  for(; i < n && digits < 8; i++, digits++) {
    int d = hex ? hexval(t[i]) : (t[i] >= '0' && t[i] <= '9' ? t[i] - '0' : -1);
    if(d < 0)
      break;
    v = v * (hex ? 16 : 10) + (unsigned long)d;
  }
  if(!digits || i >= n || t[i] != ';' || v != c)
    return 0;
  return i + 1;
}

/* How many bytes of t, from its start, spell the secret s (NO_MATCH when
 * they do not). When t was cut (cut), reaching its end after at least
 * TAIL_MIN bytes of s counts: the cut fell in the middle of the password. */
static size_t match(const char *t, size_t n, const unsigned char *s, size_t sn, size_t done,
                    bool cut, int *budget)
{
  if(!sn)
    return 0;
  if(!n)
    return cut && done >= TAIL_MIN ? 0 : NO_MATCH;
  if(--*budget < 0)
    return NO_MATCH;
  unsigned char c = s[0];
  size_t alt[5];
  size_t nalt = 0;
  if(t[0] == '%' && n >= 3 && hexval(t[1]) >= 0 && hexval(t[2]) >= 0 &&
     hexval(t[1]) * 16 + hexval(t[2]) == c)
    alt[nalt++] = 3;
  if(t[0] == '\\' && n >= 2 && (unsigned char)t[1] == c)
    alt[nalt++] = 2;
  if(t[0] == '&') {
    size_t l = entity_len(t, n, c);
    if(l)
      alt[nalt++] = l;
  }
  if(c == ' ' && t[0] == '+')
    alt[nalt++] = 1;
  if(lower((unsigned char)t[0]) == lower(c))
    alt[nalt++] = 1;
  for(size_t i = 0; i < nalt; i++) {
    size_t r = match(t + alt[i], n - alt[i], s + 1, sn - 1, done + 1, cut, budget);
    if(r != NO_MATCH)
      return alt[i] + r;
  }
  return NO_MATCH;
}

/* The length of a secret's spelling at t[0..n), or 0. */
static size_t secret_at(const char *t, size_t n, bool cut)
{
  for(size_t i = 0; i < nsecrets; i++) {
    const struct secret *s = &secrets[i];
    int budget = MATCH_BUDGET;
    size_t r = match(t, n, (const unsigned char *)s->plain, s->plain_len, 0, cut, &budget);
    if(r != NO_MATCH && r > 0)
      return r;
    for(size_t k = 0; k < s->nfrag; k++) {
      if(n >= s->frag_len[k] && memcmp(t, s->frag[k], s->frag_len[k]) == 0)
        return s->frag_len[k];
    }
  }
  return 0;
}

char *mc_redact(const char *text, size_t n, size_t *outn)
{
  struct mc_buf b = MC_BUF_INIT((n + 1) * sizeof MC_REDACTED);
  /* A text cut with "..." (mc_printable's mark) may end in the middle of
   * the password: that tail goes too. */
  bool cut = n >= 3 && memcmp(text + n - 3, "...", 3) == 0;
  size_t body = cut ? n - 3 : n;
  size_t i = 0, run = 0;
  while(nsecrets && i < body) {
    size_t l = secret_at(text + i, body - i, cut);
    if(!l) {
      i++;
      continue;
    }
    /* b holds (n + 1) * sizeof MC_REDACTED: every byte could start a secret */
    mc_buf_must(mc_buf_add(&b, text + run, i - run));
    mc_buf_must(mc_buf_addstr(&b, MC_REDACTED));
    i += l;
    run = i;
  }
  mc_buf_must(mc_buf_add(&b, text + run, n - run));
  if(outn)
    *outn = b.len;
  return mc_buf_detach(&b);
}
