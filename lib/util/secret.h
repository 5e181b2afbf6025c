/*
 * secret.h - holding a password in memory: the process turns undumpable
 * and core-less the moment one is read, the buffer is locked in RAM where
 * the system allows it, and it is wiped before it is freed.
 *
 * This is not encryption: it keeps the password out of core files, swap,
 * same-user ptrace and /proc/PID/mem, and out of memory after use.
 */
#ifndef MC_UTIL_SECRET_H
#define MC_UTIL_SECRET_H

#include <stdbool.h>
#include <stddef.h>

/* Before a secret is read: PR_SET_DUMPABLE 0 (no core file, no ptrace or
 * /proc/PID/mem by other processes of the same user) and RLIMIT_CORE 0.
 * Idempotent; false when the system refused (the caller goes on). */
bool mc_secret_guard(void);

/* A zeroed buffer of n bytes for a secret, locked in memory (mlock) where
 * the limits allow; never NULL (exits like mc_xmalloc). */
char *mc_secret_alloc(size_t n);

/* Wipes n bytes with explicit_bzero, unlocks and frees a buffer from
 * mc_secret_alloc. NULL is fine. */
void mc_secret_free(char *p, size_t n);

/* The same for a NUL-terminated secret string (wipes strlen + 1 bytes). */
void mc_secret_free_str(char *s);

#endif
