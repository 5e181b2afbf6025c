/*
 * autodiscover.h - the Autodiscover wire formats and the rules for
 * following it safely: the POX request and response ([MS-OXDSCLI]), the
 * SOAP GetUserSettings request and response ([MS-OXWSADISC]), URL parsing,
 * and the redirect policy ([MS-OXDSCLI] sec. 3.1.5).
 *
 * Pure functions over borrowed bytes; nothing here does I/O. The XML
 * parsers (expat) refuse what no Autodiscover server sends and what could
 * make a parser work without bound: any DOCTYPE (so no entities, internal
 * or external, and no "billion laughs"), documents over MC_AD_XML_MAX
 * bytes, nesting deeper than MC_AD_XML_DEPTH, more than MC_AD_XML_ELEMENTS
 * elements, and text values over MC_AD_VALUE_MAX bytes (cut, not refused).
 * A refusal is MC_ERR_PARSE or MC_ERR_LIMIT with the reason and the line in
 * err. Every string a parser keeps is printable (mc_printable) and owned by
 * the result; *_release frees it.
 */
#ifndef MC_PROTO_AUTODISCOVER_H
#define MC_PROTO_AUTODISCOVER_H

#include <stdbool.h>
#include <stddef.h>

#include "util/util.h"

#define MC_AD_XML_MAX (512 * 1024)
#define MC_AD_XML_DEPTH 32
#define MC_AD_XML_ELEMENTS 20000
#define MC_AD_VALUE_MAX 2048
#define MC_AD_MAX_PROTOCOLS 12
#define MC_AD_MAX_SETTINGS 32

/* Namespaces (the wire uses http://; https:// is accepted too, sec. 8.3). */
extern const char mc_ad_pox_request_ns[];
extern const char mc_ad_pox_response_schema[];   /* .../outlook/responseschema/2006a */
extern const char mc_ad_soap_action[];           /* GetUserSettings */

/* One <Protocol> of a POX answer. Absent elements stay NULL. */
struct mc_ad_protocol {
  char *type;             /* "EXCH", "EXPR", "WEB", "EXHTTP", or the Type attribute */
  char *server;           /* EXCH: the mailbox server; EXPR: the OA external host */
  char *server_dn;
  char *auth_package;     /* Basic, Ntlm, Negotiate ... */
  char *ssl;              /* On / Off */
  char *as_url;
  char *ews_url;
  char *oab_url;
  char *cert_principal;
  char *owa_url;          /* WEB: the first OWAUrl (External before Internal) */
};

/* A POX response. */
struct mc_ad_pox {
  char *display_name;
  char *legacy_dn;
  char *smtp_address;     /* AutoDiscoverSMTPAddress */
  char *action;           /* "settings", "redirectAddr", "redirectUrl" */
  char *redirect_addr;
  char *redirect_url;
  char *response_ns;      /* the namespace of <Response> */
  struct mc_ad_protocol proto[MC_AD_MAX_PROTOCOLS];
  size_t nproto;
  bool error;             /* an <Error> element */
  char *error_code;       /* "600" */
  char *error_message;
};

/* One requested user setting of a GetUserSettings answer. */
struct mc_ad_setting {
  char *name;
  char *value;            /* NULL when the setting came back without a value */
};

struct mc_ad_soap {
  char *error_code;       /* the response's, "NoError" when fine */
  char *error_message;
  char *user_error_code;  /* the UserResponse's */
  char *user_error_message;
  char *redirect_target;
  struct mc_ad_setting settings[MC_AD_MAX_SETTINGS];
  size_t nsettings;
  char *setting_errors;   /* "Name: ErrorCode; ..." for UserSettingErrors */
  bool fault;             /* a SOAP Fault */
  char *fault_text;
};

/* The settings the migration service asks for (sec. 5.4), in order. */
extern const char *const mc_ad_migration_settings[];

/* Builds the POX request for email into out (XML-escaped). */
mc_code mc_ad_pox_request(struct mc_buf *out, const char *email);
/* Builds the SOAP GetUserSettings request to url for email, asking for
 * mc_ad_migration_settings. */
mc_code mc_ad_soap_request(struct mc_buf *out, const char *url, const char *email);

mc_code mc_ad_pox_parse(const char *p, size_t n, struct mc_ad_pox *out,
                        char *err, size_t errlen);
void mc_ad_pox_release(struct mc_ad_pox *x);
/* The protocol of this type (case-insensitive), or NULL. */
const struct mc_ad_protocol *mc_ad_pox_protocol(const struct mc_ad_pox *x, const char *type);

mc_code mc_ad_soap_parse(const char *p, size_t n, struct mc_ad_soap *out,
                         char *err, size_t errlen);
void mc_ad_soap_release(struct mc_ad_soap *x);
/* The value of setting name, or NULL when absent or empty. */
const char *mc_ad_soap_setting(const struct mc_ad_soap *x, const char *name);

/* A URL as Autodiscover hands them out: scheme://host[:port][/path]. */
struct mc_ad_url {
  char scheme[8];         /* "https" or "http" (lower case) */
  char host[256];         /* lower case, no trailing dot */
  int port;               /* the explicit port, else 443 / 80 */
  bool explicit_port;
  char path[1024];        /* "/" when none; query kept */
};

/* MC_ERR_PARSE for anything else: another scheme, user info ("@" in the
 * authority: a classic way to hide the real host), a bad port, characters
 * no host name has. */
mc_code mc_ad_url_parse(const char *s, struct mc_ad_url *out);

/* The domain of "local@domain" (lower case) into out. False when email is
 * not one address with a dotted domain of host-name characters. */
bool mc_ad_email_domain(const char *email, char *out, size_t outlen);
/* Whether host is domain itself or a name under it. */
bool mc_ad_host_in_domain(const char *host, const char *domain);

enum mc_ad_policy {
  MC_AD_SAFE,             /* https, in the user's domain or an allowed one */
  MC_AD_ALLOWED,          /* https, outside the domain, named by --allow-redirect */
  MC_AD_PLAIN_HTTP,       /* http://: credentials would travel in clear */
  MC_AD_OTHER_DOMAIN,     /* https, but a host outside the user's domain */
  MC_AD_BAD_URL
};

/* Whether Autodiscover may follow url (and send credentials there) for a
 * user in domain. allowed: --allow-redirect domains. */
enum mc_ad_policy mc_ad_redirect_policy(const char *url, const char *domain,
                                        const char *const *allowed, size_t nallowed,
                                        struct mc_ad_url *parsed);
/* Whether an address redirect (redirectAddr) to new_email stays in the
 * user's domain or an allowed one. */
enum mc_ad_policy mc_ad_address_policy(const char *new_email, const char *domain,
                                       const char *const *allowed, size_t nallowed);
const char *mc_ad_policy_text(enum mc_ad_policy p);

#endif
