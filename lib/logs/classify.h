/*
 * classify.h - what a log line means: which migration endpoint a URL path
 * belongs to, what a status.substatus.win32 triple says, which HTTPERR
 * reasons point at the network and which at the application pool, and the
 * UTC timestamps IIS and HttpProxy write.
 *
 * Pure functions over borrowed bytes; no allocation, no I/O. The meanings
 * come from KB 943891 and KB 820729 and are data (tables), so a
 * new code is one row. Not for parsing lines: see w3c.h and httpproxy.h.
 */
#ifndef MC_LOGS_CLASSIFY_H
#define MC_LOGS_CLASSIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/util.h"

enum mc_endpoint {
  MC_EP_MRSPROXY,       /* /EWS/mrsproxy.svc: hybrid remote move */
  MC_EP_RPCPROXY,       /* /rpc/rpcproxy.dll: Outlook Anywhere, cutover and staged */
  MC_EP_AUTODISCOVER,   /* /Autodiscover/... */
  MC_EP_EWS,            /* /EWS/... other than mrsproxy.svc */
  MC_EP_MAPI,           /* /mapi/...: MAPI over HTTP */
  MC_EP_COUNT
};
#define MC_EP_NONE (-1)

/* "mrsproxy", "rpcproxy", "autodiscover", "ews", "mapi" (the JSON keys). */
const char *mc_endpoint_name(int ep);
/* "/EWS/mrsproxy.svc" ... for sentences. */
const char *mc_endpoint_path(int ep);
/* True for the endpoints the migration service itself calls (mrsproxy,
 * rpcproxy); the others are counted but their absence proves nothing. */
bool mc_endpoint_is_migration(int ep);

/* The endpoint of a URL path in any casing ("/ews/MRSProxy.svc",
 * "/EWS/mrsproxy.svc&CorrelationID=..."), or MC_EP_NONE. */
int mc_classify_path(const char *p, size_t n);
/* HTTPERR's cs-uri may be a whole URL ("https://host:443/EWS/..."): the path
 * part of it, or the slice itself when it is already a path. */
struct mc_slice mc_uri_path(struct mc_slice uri);

/* Status triples. status/sub are -1 and win32 is -1 when the log had "-". */
enum mc_status_class {
  MC_SC_SUCCESS,        /* 1xx-3xx */
  MC_SC_CHALLENGE,      /* 401.2.x, 401.1.2148074254: the normal first legs */
  MC_SC_AUTH_FAILED,    /* 401.1 other than the first leg and split, 401.3 */
  MC_SC_NTLM_SPLIT,     /* 401.1.2148074248 */
  MC_SC_CLIENT_ERROR,   /* other 4xx */
  MC_SC_SERVER_ERROR,   /* 5xx */
  MC_SC_UNKNOWN         /* "-" or junk */
};
enum mc_status_class mc_status_classify(int status, int sub, int64_t win32);
/* A sentence for the triple (or NULL when there is nothing to say), e.g.
 * "logon denied (0x8009030C SEC_E_LOGON_DENIED): bad password, locked or
 * disabled account". ep refines 403.0 and 405 on mrsproxy.svc. */
const char *mc_status_meaning(int status, int sub, int64_t win32, int ep);
/* The cause a triple names on an endpoint when it says more than "an
 * error" (OA_PORT_NOT_ALLOWED for 503.x.1722 on the RPC proxy), or NULL; a
 * second cause the log cannot tell from the first in *also (or NULL). */
const char *mc_status_cause(int status, int sub, int64_t win32, int ep, const char **also);
/* The win32 code's name ("0x8009030E SEC_E_NO_CREDENTIALS") or NULL. */
const char *mc_win32_name(int64_t win32);
/* Parses a status, substatus or win32 field: digits -> value, "-" -> -1.
 * False on junk or a value over max. */
bool mc_parse_code(const char *p, size_t n, int64_t max, int64_t *out);

enum mc_httperr_kind {
  MC_HE_OTHER,          /* evidence only */
  MC_HE_DROPPED,        /* the client side closed or stalled: HTTPERR_CONNECTION_DROPPED */
  MC_HE_QUEUE           /* the application pool was down or full: HTTPERR_QUEUE_FULL */
};
enum mc_httperr_kind mc_httperr_reason_kind(const char *p, size_t n);
/* A short sentence for an s-reason value, or NULL. */
const char *mc_httperr_reason_meaning(const char *p, size_t n);

/* Days since 1970-01-01 for a proleptic Gregorian date. */
int64_t mc_days_from_civil(int64_t y, unsigned m, unsigned d);
/* "2024-03-12" + "08:20:18" (IIS, UTC) -> seconds since the epoch. */
bool mc_parse_w3c_time(const char *date, size_t dn, const char *time, size_t tn,
                       int64_t *out);
/* "2024-03-12T08:20:18.123Z" (HttpProxy) -> seconds since the epoch. */
bool mc_parse_iso_time(const char *p, size_t n, int64_t *out);
/* The date ("2024-03-12") and the "hh:mm:ss" after it of such a time,
 * which are all mc_parse_iso_time() reads (as mc_parse_w3c_time() reads
 * a date and a time): false when the text is too short or the two are
 * not joined by 'T' or ' '. */
static inline bool mc_iso_time_parts(const char *p, size_t n, struct mc_slice *date,
                                     struct mc_slice *clock)
{
  if(n < 19 || (p[10] != 'T' && p[10] != ' '))
    return false;
  *date = (struct mc_slice){ p, 10 };
  *clock = (struct mc_slice){ p + 11, 8 };
  return true;
}
/* mc_parse_user_time(), the CLI's --since/--until: logs.h. */
/* "2024-03-12T08:20:18Z" into out (at least 21 bytes). */
void mc_format_time(int64_t t, char *out, size_t outlen);

#endif
