/*
 * keys.h - the layout of the keys scan.c counts under and verdicts.c reads
 * back. A key is a fixed header (memcpy'd, never cast in place) followed by
 * the variable strings its header gives the lengths of. Keys are hashed and
 * compared as bytes, so a header is zeroed before its fields are set
 * (padding included). Internal to lib/logs.
 */
#ifndef MC_LOGS_KEYS_H
#define MC_LOGS_KEYS_H

#include <stdint.h>

enum {
  MC_KEY_STATUS = 'S',    /* IIS: endpoint, server, status triple */
  MC_KEY_CLIENT = 'C',    /* IIS: endpoint, client address as logged */
  MC_KEY_HOUR = 'H',      /* IIS: endpoint, hour since the epoch */
  MC_KEY_HTTPERR = 'E',   /* HTTPERR: endpoint (or MC_KEY_EP_OTHER), server, status, reason */
  MC_KEY_PROXY = 'P'      /* HttpProxy: endpoint, server, statuses, target, error code */
};
#define MC_KEY_EP_OTHER 0xff
#define MC_KEY_STR_MAX 200    /* longest string kept in a key */

struct mc_key_status {    /* + server */
  uint8_t kind, ep, srvlen, pad;
  int32_t status, sub;
  int64_t win32;
};

struct mc_key_client {    /* + address */
  uint8_t kind, ep, addrlen, pad;
};

struct mc_key_hour {
  uint8_t kind, ep, pad[6];
  int64_t hour;
};

struct mc_key_httperr {   /* + server + reason */
  uint8_t kind, ep, srvlen, reasonlen;
  int32_t status;
};

struct mc_key_proxy {     /* + server + target + error code */
  uint8_t kind, ep, srvlen, tgtlen, errlen, generic, pad[2];
  int32_t http, backend;
};

#endif
