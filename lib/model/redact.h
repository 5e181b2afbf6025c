/*
 * redact.h - keeps the password out of every report.
 *
 * A server may echo what it was sent: the password in a page title, an
 * X-FailureContext, a Location URL, the Basic header's base64 in a header.
 * The report model (report.c) passes every text that enters it - step
 * titles, summaries, evidence, finding details, notes, JSON sections -
 * through mc_redact(), so every renderer and every check gets clean text
 * without doing anything. The secrets are registered once, when the
 * credentials are read (src/credentials.c).
 *
 * What counts as the password: its bytes in any letter case, each byte
 * also as a URL escape (%2F, %2f, '+' for a space), an HTML or XML
 * character reference (&amp; &#38; &#x26;) or a backslash escape (JSON);
 * and the password inside base64 (standard or URL-safe) at any of the
 * three byte alignments, so the Basic token of user:password is caught
 * whatever the user name. A text cut with "..." in the middle of the
 * password loses that tail too (4 bytes or more of it). Not covered: other encodings of the
 * whole password (UTF-16, quoted-printable, hashes), which no server has
 * been seen to echo.
 *
 * Process-wide and not thread-safe for registration: register before the
 * checks start. Secrets are wiped by mc_redact_forget().
 */
#ifndef MC_MODEL_REDACT_H
#define MC_MODEL_REDACT_H

#include <stddef.h>

/* What a removed secret becomes. */
#define MC_REDACTED "[password removed]"

/* Registers the password of a login (user may be NULL). Empty passwords
 * are ignored; the same password twice is kept once. */
void mc_redact_login(const char *user, const char *password);
/* Whether any secret is registered. */
int mc_redact_active(void);
/* A new NUL-terminated copy of text[0..n) with every secret replaced by
 * MC_REDACTED; *outn (when not NULL) gets its length. */
char *mc_redact(const char *text, size_t n, size_t *outn);
/* Wipes and forgets every secret. */
void mc_redact_forget(void);

#endif
