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

enum mc_secret_line {
  MC_SECRET_LINE_OK,
  MC_SECRET_LINE_TOO_LONG,     /* more than max bytes (as UTF-8) */
  MC_SECRET_LINE_BAD_UTF16,    /* a UTF-16 byte order mark, then no valid UTF-16 */
  MC_SECRET_LINE_NUL           /* a NUL inside: UTF-16 without a byte order mark? */
};

/* Reads the first line of fd as a secret, one byte at a time so that nothing
 * after the line is consumed (a terminal, a pipe). With boms, a UTF-16LE or
 * UTF-16BE byte order mark (Windows PowerShell 5.1's Out-File) makes the
 * line UTF-16, decoded to UTF-8, and a UTF-8 one is dropped. The LF ends
 * the line, one CR before it goes. On MC_SECRET_LINE_OK *out is a buffer
 * from mc_secret_alloc (max + 1 bytes, NUL-terminated); otherwise NULL,
 * and every byte read has been wiped. */
enum mc_secret_line mc_secret_read_line(int fd, size_t max, bool boms, char **out);

#endif
