/*
 * imap.h - the IMAP client layer: the server's response lines classified
 * (pure functions over borrowed bytes, fuzzed) and one IMAP session through
 * libcurl that records what the server said. It reports observations, never
 * a verdict: lib/checks/imap.c decides.
 *
 * What the session keeps is bounded: MC_IMAP_LINES_MAX server lines of at
 * most MC_IMAP_LINE_MAX bytes each (printable), MC_IMAP_BYTES_MAX bytes in
 * all. The commands it sends are recorded by tag and verb only, so a
 * password given to LOGIN never reaches the record.
 */
#ifndef MC_PROTO_IMAP_H
#define MC_PROTO_IMAP_H

#include <stdbool.h>
#include <stddef.h>

#include "util/util.h"

#define MC_IMAP_LINES_MAX 200
#define MC_IMAP_LINE_MAX 1024
#define MC_IMAP_BYTES_MAX (64 * 1024)

enum mc_imap_kind {
  MC_IMAP_UNTAGGED,     /* "* OK ...", "* CAPABILITY ...", "* LIST ..." */
  MC_IMAP_TAGGED,       /* "A001 OK ..." */
  MC_IMAP_CONT,         /* "+ ..." */
  MC_IMAP_OTHER         /* not an IMAP response line ("220 ... ESMTP") */
};

/* One response line (without CRLF), as slices of the caller's bytes. */
struct mc_imap_line {
  enum mc_imap_kind kind;
  struct mc_slice tag;      /* tagged lines only */
  struct mc_slice word;     /* OK NO BAD PREAUTH BYE, or the untagged keyword */
  struct mc_slice rest;     /* what follows the word (may be empty) */
};

/* Capability flags. */
enum {
  MC_IMAP_CAP_IMAP4REV1 = 1 << 0,
  MC_IMAP_CAP_STARTTLS = 1 << 1,
  MC_IMAP_CAP_LOGINDISABLED = 1 << 2,
  MC_IMAP_CAP_AUTH_PLAIN = 1 << 3,
  MC_IMAP_CAP_AUTH_OTHER = 1 << 4
};

/* Classifies p[0..n) (CR/LF at the end are ignored). Never fails: a line
 * that is not IMAP is MC_IMAP_OTHER. */
void mc_imap_line_parse(const char *p, size_t n, struct mc_imap_line *out);
/* Whether l carries a capability list ("* CAPABILITY ..." or a
 * "[CAPABILITY ...]" response code); when it does, *caps is its flags. */
bool mc_imap_line_caps(const struct mc_imap_line *l, unsigned *caps);
/* Whether l is an untagged OK or PREAUTH: a greeting IMAP allows a client
 * to go on from. */
bool mc_imap_greeting_ok(const struct mc_imap_line *l);
/* "STARTTLS LOGINDISABLED" for a mask (into out). */
const char *mc_imap_caps_text(unsigned caps, char *out, size_t outlen);

enum mc_imap_security { MC_IMAP_SSL, MC_IMAP_TLS, MC_IMAP_NONE };

struct mc_imap_opts {
  const char *host;             /* the name in the URL and SNI */
  int port;
  const char *addr;             /* where to connect (text) */
  enum mc_imap_security security;
  const char *user;             /* NULL: CAPABILITY only, no login */
  const char *password;         /* borrowed; never recorded */
  const char *ca_file;
  bool insecure;
  int timeout_ms;
  const char *user_agent;
};

/* One server line as recorded. */
struct mc_imap_rec {
  char *text;                   /* printable */
  bool after_tls;               /* received after STARTTLS succeeded (or on imaps) */
  char verb[16];                /* tagged: the verb of the command it answers ("" unknown) */
};

struct mc_imap_session {
  int curl_code;                /* CURLcode of the transfer */
  char error_text[256];
  bool timed_out;
  bool not_imap;                /* the first line was not IMAP: the session was cut */
  bool starttls_done;
  bool login_sent;              /* LOGIN or AUTHENTICATE was sent */
  struct mc_imap_rec lines[MC_IMAP_LINES_MAX];
  size_t nlines;
  size_t bytes;                 /* bytes of lines received in all */
  bool truncated;               /* lines beyond the limits were dropped */
  size_t mailboxes;             /* "* LIST" lines in the LIST answer */
  char ip[64];
};

/* Runs the session: the greeting and capabilities (STARTTLS for
 * MC_IMAP_TLS), then with a user LOGIN and LIST "" *. Returns MC_OK, or
 * MC_ERR_INTERNAL when libcurl could not be set up. */
mc_code mc_imap_session_run(const struct mc_imap_opts *o, struct mc_imap_session *s);
void mc_imap_session_release(struct mc_imap_session *s);

#endif
