/*
 * win/regex.h - POSIX regular expressions are not in mingw-w64: here
 * regcomp() refuses every pattern (REG_BADPAT), so a caller takes its
 * "pattern not read" path. Its one user, the URL Rewrite rules of an
 * applicationHost.config, is not reached in migcheck.exe anyway: that file
 * needs expat, which the Windows build has not.
 */
#ifndef MC_UTIL_WIN_REGEX_H
#define MC_UTIL_WIN_REGEX_H

#include <stddef.h>

typedef struct {
  size_t re_nsub;
} regex_t;
typedef long regoff_t;
typedef struct {
  regoff_t rm_so, rm_eo;
} regmatch_t;

#define REG_EXTENDED 1
#define REG_ICASE 2
#define REG_NOSUB 4
#define REG_NEWLINE 8
#define REG_NOMATCH 1
#define REG_BADPAT 2

static inline int regcomp(regex_t *re, const char *pattern, int flags)
{
  (void)pattern;
  (void)flags;
  re->re_nsub = 0;
  return REG_BADPAT;
}

static inline int regexec(const regex_t *re, const char *s, size_t n, regmatch_t *m, int flags)
{
  (void)re;
  (void)s;
  (void)n;
  (void)m;
  (void)flags;
  return REG_NOMATCH;
}

static inline void regfree(regex_t *re)
{
  (void)re;
}

#endif
