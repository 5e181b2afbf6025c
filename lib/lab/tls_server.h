/*
 * tls_server.h - the lab's TLS side (tls_server.c): the server SSL_CTX a
 * scenario's row asks for, the wrapper every HTTP connection of the lab
 * runs in, and the plain TLS scenarios (a page behind a handshake).
 */
#ifndef MC_LAB_TLS_SERVER_H
#define MC_LAB_TLS_SERVER_H

#include <stddef.h>

#include <openssl/ssl.h>

#include "lab/lab.h"

/* The server SSL_CTX a site's row asks for (certificate kind, protocol
 * versions); the caller frees it. */
mc_code mc_lab_tls_ctx(struct mc_lab *lab, const struct mc_lab_site *site, SSL_CTX **out);
/* The same with another kind of certificate than the row's (one server of
 * several behind one name). */
mc_code mc_lab_tls_ctx_as(struct mc_lab *lab, const struct mc_lab_site *site,
                          enum mc_lab_cert cert, SSL_CTX **out);

/* What every HTTP connection of the lab does around its own work: the
 * peer's IPv4 address into peer (for the IIS log), no Nagle (answers go
 * out whole), the TLS handshake when ctx is set, then serve(arg, ssl) with
 * ssl NULL for plain HTTP; then the TLS state is freed and fd closed. */
void mc_lab_http_conn(int fd, SSL_CTX *ctx, char *peer, size_t peerlen,
                      void (*serve)(void *arg, SSL *ssl), void *arg);

/* Scenario start: TLS scenarios (scenarios.c rows with check "tls"). */
mc_code mc_lab_tls_start(struct mc_lab *lab, struct mc_lab_site *site);

#endif
