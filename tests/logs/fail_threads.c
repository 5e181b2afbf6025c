/* fail_threads.c - an LD_PRELOAD module for tests: pthread_create() works
 * for the first MC_THREADS_THAT_START calls (default 0) and then fails with
 * EAGAIN, as it does when a process is out of threads or memory. The logs
 * known-answer test (known_answer.py) runs `migcheck logs` under it to
 * check that a scan whose threads could not all start still counts every
 * line once. */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

typedef int (*create_fn)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);

static atomic_long calls;

int pthread_create(pthread_t *th, const pthread_attr_t *attr, void *(*fn)(void *), void *arg)
{
  const char *env = getenv("MC_THREADS_THAT_START");
  long allowed = env ? strtol(env, NULL, 10) : 0;
  if(atomic_fetch_add(&calls, 1) >= allowed)
    return EAGAIN;
  create_fn next = (create_fn)dlsym(RTLD_NEXT, "pthread_create");
  return next ? next(th, attr, fn, arg) : EAGAIN;
}
