/*
 * imap.h - the lab's IMAP4rev1 responder (imap.c): the profile a scenario
 * row points at, and its command-line parser, public so the unit tests and
 * the fuzzer reach it. Only the lab uses it; the check has its own client
 * code in lib/proto/imap.c.
 */
#ifndef MC_LAB_IMAP_H
#define MC_LAB_IMAP_H

#include <stdbool.h>
#include <stddef.h>

#include "lab/lab.h"

#define MC_LAB_IMAP_ARGS 3
#define MC_LAB_IMAP_ARG_MAX 256

/* One client command: "TAG VERB [ARG [ARG [ARG]]]", each argument an atom
 * or a quoted string (\\ and \" escapes), separated by single spaces. */
struct mc_lab_imap_cmd {
  char tag[32];
  char verb[16];                  /* upper-cased */
  char args[MC_LAB_IMAP_ARGS][MC_LAB_IMAP_ARG_MAX];
  int nargs;
};

/* Parses p[0..n) (a trailing CRLF is ignored). MC_ERR_PARSE for anything
 * else: no tag, a bad character, a literal {N}, an open quote, too many or
 * too long arguments. */
mc_code mc_lab_imap_parse(const char *p, size_t n, struct mc_lab_imap_cmd *out);

/* A scenario's IMAP server (the .imap of its row). */
struct mc_lab_imap_profile {
  const char *security;       /* the --security its command passes */
  bool implicit_tls;          /* TLS from the first byte (993) */
  bool starttls;              /* offers STARTTLS before TLS */
  bool login_disabled;        /* LOGINDISABLED before TLS */
  bool smtp;                  /* greets like an SMTP server */
  bool sasl_plain;            /* offers AUTH=PLAIN (AUTHENTICATE PLAIN) after TLS */
  const char *password;       /* NULL: the lab account's */
  bool insecure;              /* its command passes --insecure */
  bool drop_at_caps;          /* closes when asked CAPABILITY, unanswered */
  bool echo_login;            /* refuses LOGIN repeating the user and password */
};

/* Scenario start (scenarios.c rows with .imap). */
mc_code mc_lab_imap_start(struct mc_lab *lab, struct mc_lab_site *site);

#endif
