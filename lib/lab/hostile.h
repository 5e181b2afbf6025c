/*
 * hostile.h - lab peers that attack the client (hostile.c): what each
 * does once a connection is up, and the profile a scenario row holds
 * (which listener, which behaviour).
 */
#ifndef MC_LAB_HOSTILE_H
#define MC_LAB_HOSTILE_H

#include <openssl/ssl.h>

#include "lab/lab.h"

/* Which command the behaviour is pointed at: how the site listens and the
 * command line it prints. */
enum mc_lab_hostile_kind {
  MC_LAB_HOSTILE_HTTP, MC_LAB_HOSTILE_AUTODISCOVER, MC_LAB_HOSTILE_IMAP
};

/* A scenario's hostile peer (the .hostile of its row). */
struct mc_lab_hostile_profile {
  enum mc_lab_hostile_kind kind;
  void (*serve)(struct mc_lab *lab, SSL *ssl);   /* one of the behaviours below */
};

/* The behaviours, one per scenario (their head comments in hostile.c). */
void mc_lab_hostile_endless_chunked(struct mc_lab *lab, SSL *ssl);
void mc_lab_hostile_slow_drip(struct mc_lab *lab, SSL *ssl);
void mc_lab_hostile_gzip_bomb(struct mc_lab *lab, SSL *ssl);
void mc_lab_hostile_deflate_bomb(struct mc_lab *lab, SSL *ssl);
void mc_lab_hostile_close_after_handshake(struct mc_lab *lab, SSL *ssl);
void mc_lab_hostile_xml_entities(struct mc_lab *lab, SSL *ssl);
void mc_lab_hostile_xml_nesting(struct mc_lab *lab, SSL *ssl);
void mc_lab_hostile_imap_literal(struct mc_lab *lab, SSL *ssl);
void mc_lab_hostile_imap_no_greeting(struct mc_lab *lab, SSL *ssl);

/* Scenario start (scenarios.c rows with .hostile). */
mc_code mc_lab_hostile_start(struct mc_lab *lab, struct mc_lab_site *site);

#endif
