/*
 * util.h - the small things every layer uses: result codes, allocation that
 * never returns NULL, bounded growable buffers, string slices and clocks.
 *
 * Nothing here knows about Exchange, the network or the report. Every buffer
 * that takes bytes from a peer or a file is a struct mc_buf with a hard limit.
 */
#ifndef MC_UTIL_UTIL_H
#define MC_UTIL_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
  MC_OK = 0,
  MC_ERR_NOMEM,     /* allocation failed (only where we do not abort) */
  MC_ERR_LIMIT,     /* a buffer or input would exceed its limit */
  MC_ERR_USAGE,     /* the caller or the user asked for something invalid */
  MC_ERR_IO,        /* a file or socket operation failed */
  MC_ERR_PARSE,     /* input is not in the expected format */
  MC_ERR_TIMEOUT,   /* a deadline passed */
  MC_ERR_INTERNAL   /* a library we depend on failed unexpectedly */
} mc_code;

const char *mc_code_str(mc_code c);

/* A result the caller must look at: a full buffer must not cut evidence short
 * without anyone knowing. Empty for compilers without the attribute. */
#if defined(__GNUC__) || defined(__clang__)
#define MC_MUST_CHECK __attribute__((warn_unused_result))
#else
#define MC_MUST_CHECK
#endif

/* Allocation that prints "migcheck: out of memory" and exits 3 on failure. */
void *mc_xmalloc(size_t n);
void *mc_xcalloc(size_t n, size_t size);
void *mc_xrealloc(void *p, size_t n);
char *mc_xstrdup(const char *s);
char *mc_xstrndup(const char *s, size_t n);
char *mc_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *mc_xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* A growable byte buffer with a hard limit. ptr is always NUL-terminated
 * (when cap > 0), len excludes the NUL. */
struct mc_buf {
  char *ptr;
  size_t len;
  size_t cap;
  size_t limit;   /* the most bytes len may reach */
  bool cut;       /* an append did not fit: the text ends in "..." */
};

#define MC_BUF_INIT(lim) { NULL, 0, 0, (lim), false }

/* The appends below return MC_ERR_LIMIT when the buffer is full. A full buffer
 * never cuts text silently, whether the caller looks at the result or not:
 * the first append that does not fit ends the text with "..." (in place of
 * its last bytes when no room is left, never inside a UTF-8 sequence) and
 * sets cut; every later append is refused, so nothing is left out from the
 * middle either. mc_buf_reset() and mc_buf_release() clear cut. A build with
 * -DMC_BUF_STRICT also warns on every append whose result is unused. */
#ifdef MC_BUF_STRICT
#define MC_BUF_RESULT MC_MUST_CHECK
#else
#define MC_BUF_RESULT
#endif

void mc_buf_init(struct mc_buf *b, size_t limit);
void mc_buf_release(struct mc_buf *b);       /* frees and re-inits with the same limit */
void mc_buf_reset(struct mc_buf *b);         /* len = 0, keeps the memory */
MC_BUF_RESULT mc_code mc_buf_add(struct mc_buf *b, const void *p, size_t n);
MC_BUF_RESULT mc_code mc_buf_addstr(struct mc_buf *b, const char *s);
MC_BUF_RESULT mc_code mc_buf_addch(struct mc_buf *b, char c);
MC_BUF_RESULT mc_code mc_buf_printf(struct mc_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
MC_BUF_RESULT mc_code mc_buf_vprintf(struct mc_buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/* For a buffer sized for all it will take: a full one is a bug, not input, so
 * this prints it and aborts on any result but MC_OK. */
void mc_buf_must(mc_code rc);
/* Hands the string to the caller (who frees it) and re-inits the buffer. */
char *mc_buf_detach(struct mc_buf *b);
/* Appends code point cp (at most U+10FFFF) encoded as UTF-8. */
MC_BUF_RESULT mc_code mc_buf_add_utf8(struct mc_buf *b, unsigned cp);

/* A borrowed slice of someone else's bytes. */
struct mc_slice {
  const char *p;
  size_t n;
};

bool mc_slice_eq(struct mc_slice s, const char *lit);
bool mc_slice_caseeq(struct mc_slice s, const char *lit);
bool mc_starts_with(const char *s, const char *prefix);
bool mc_case_starts_with(const char *s, const char *prefix);
/* Case-insensitive search for needle in the first n bytes of hay (no NUL needed). */
const char *mc_memcasemem(const char *hay, size_t n, const char *needle);
/* Copies at most dstlen-1 bytes and always terminates. Returns strlen(src). */
size_t mc_strlcpy(char *dst, const char *src, size_t dstlen);
/* Parses a decimal integer in [min, max]; false on junk, overflow or range. */
bool mc_parse_long(const char *s, long min, long max, long *out);
/* Makes bytes printable for a one-line report: control bytes and invalid
 * UTF-8 become \xNN, at most max output bytes ("..." appended when cut). */
char *mc_printable(const void *p, size_t n, size_t max);

/* Writes code point cp (at most 0x10FFFF) as UTF-8 into out; returns 1-4. */
size_t mc_utf8_encode(uint32_t cp, char out[4]);

/* Clocks. */
int64_t mc_now_ms(void);            /* monotonic milliseconds */
/* Wall clock as "2026-11-22T01:41:36Z" into out (at least 21 bytes). */
void mc_wall_iso8601(char *out, size_t outlen);

#endif
