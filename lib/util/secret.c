/*
 * secret.c - the guard around a password held in memory. See secret.h.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>

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
