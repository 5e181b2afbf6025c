/*
 * endpoint.h - migration endpoints as Exchange Online holds them, and the
 * batch files that list many checks at once.
 *
 * csv.c reads RFC 4180 CSV (what Export-Csv and spreadsheets write).
 * endpoint.c reads the output of Get-MigrationEndpoint (and of
 * Test-MigrationServerAvailability, which `migcheck config` reads through
 * the same function) in its three forms, Format-List (fl.c), Export-Csv
 * and ConvertTo-Json, into the objects fl.c defines; then maps an object
 * to a struct mc_mig_endpoint and judges the values that make no sense for the
 * cloud (an internal name, NTLM for a cutover, a port other than 443).
 * batch.c turns a batch file (a CSV with a header row, or an endpoint file)
 * into rows, each the argument vector of one check.
 *
 * Not for: the network. These read files the user brings.
 */
#ifndef MC_CONFIG_ENDPOINT_H
#define MC_CONFIG_ENDPOINT_H

#include <stdbool.h>
#include <stddef.h>

#include "config/config.h"
#include "model/report.h"
#include "util/util.h"

/* ---- csv.c ---- */

#define MC_CSV_MAX_ROWS 100000
#define MC_CSV_MAX_FIELDS 256
#define MC_CSV_MAX_FIELD 65536

struct mc_csv_row {
  char **f;           /* the fields, unquoted */
  size_t n;
  unsigned line;      /* the line the row starts on */
};

struct mc_csv {
  struct mc_csv_row *rows;
  size_t n, cap;
};

/* The delimiter of a CSV whose first line is line: ',' or, when the line
 * has semicolons and no commas (Excel in many locales), ';'. */
char mc_csv_sniff(const char *line, size_t n);
/* Parses text (UTF-8) into rows. Quoted fields may hold the delimiter,
 * doubled quotes and line breaks. Blank lines are skipped. */
mc_code mc_csv_parse(const char *text, size_t n, char delim, struct mc_csv *out, char *err,
                     size_t errlen);
void mc_csv_release(struct mc_csv *c);

/* ---- endpoint.c ---- */

enum mc_endpoint_type {
  MC_EP_OTHER,                /* PublicFolder, Gmail, ...: not a check migcheck runs */
  MC_EP_REMOTE_MOVE,          /* ExchangeRemoteMove: MRSProxy */
  MC_EP_OUTLOOK_ANYWHERE,     /* ExchangeOutlookAnywhere: cutover and staged */
  MC_EP_IMAP                  /* IMAP */
};

struct mc_mig_endpoint {
  enum mc_endpoint_type type;
  char *type_name;            /* EndpointType as written */
  char *identity;             /* Identity, else Name; "" when neither */
  char *remote_server;        /* RemoteServer */
  char *exchange_server;      /* ExchangeServer */
  char *rpc_proxy;            /* RpcProxyServer */
  char *auth;                 /* Authentication (Basic, NTLM) */
  char *security;             /* Security (Ssl, Tls, None) */
  char *username;             /* Username */
  int port;                   /* Port; 0 when empty */
  long max_concurrent;        /* MaxConcurrentMigrations; -1 when empty */
  unsigned line;              /* where the object starts in its file */
  unsigned type_line;         /* where its EndpointType is */
};

/* Reads text in any of the forms PowerShell writes objects in (Format-List,
 * Export-Csv with or without its #TYPE line, ConvertTo-Json of one object
 * or an array) into doc. *form names the form found. */
mc_code mc_records_parse(const char *text, size_t n, struct mc_fl_doc *doc, const char **form,
                         char *err, size_t errlen);
/* Whether object o is a migration endpoint (it has EndpointType); fills ep
 * (release with mc_endpoint_release) when it is. */
bool mc_endpoint_from_object(const struct mc_fl_object *o, struct mc_mig_endpoint *ep);
void mc_endpoint_release(struct mc_mig_endpoint *ep);
/* Decodes file bytes (config's decode.c), parses them and keeps every
 * endpoint, in file order. Fails (message in err) when the file holds none. */
mc_code mc_endpoint_file_parse(const void *data, size_t n, struct mc_mig_endpoint **eps,
                               size_t *neps, const char **form, char *err, size_t errlen);
void mc_endpoint_list_free(struct mc_mig_endpoint *eps, size_t n);
/* The endpoint named sel among eps: its Identity (or Name), or its
 * position counted from 1; NULL when none matches. */
const struct mc_mig_endpoint *mc_endpoint_select(const struct mc_mig_endpoint *eps, size_t n,
                                             const char *sel);
const char *mc_endpoint_type_label(enum mc_endpoint_type t);
/* Whether EndpointType is written as a number (ConvertTo-Json without
 * -EnumsAsStrings writes the MigrationType enum's value). Microsoft
 * documents the enumeration's names, not their values (Microsoft Learn,
 * "MigrationType enumeration"), so a number is not mapped to a type:
 * mc_endpoint_type_number_error says so, naming file, line and value
 * (the caller frees it). */
bool mc_endpoint_type_is_number(const struct mc_mig_endpoint *ep);
char *mc_endpoint_type_number_error(const struct mc_mig_endpoint *ep, const char *file);
/* The host the endpoint's check connects to first: RemoteServer (remote
 * move, IMAP) or RpcProxyServer (Outlook Anywhere); NULL when empty. */
const char *mc_endpoint_host(const struct mc_mig_endpoint *ep);
/* Adds a step "Migration endpoint ..." under the report's root with the
 * endpoint's values as evidence and a finding for each value that makes
 * no sense to Exchange Online. Returns the number of findings. */
size_t mc_endpoint_judge(struct mc_report *r, const struct mc_mig_endpoint *ep, const char *file);
/* Whether a host name or address is one only the inside network knows:
 * a single label, a private or reserved top-level name (.local, .lan,
 * .corp, .internal, ...) or a private, loopback or link-local address. */
bool mc_endpoint_internal_name(const char *host);

/* ---- batch.c ---- */

struct mc_batch_row {
  unsigned line;              /* where it is in the file */
  char *check;                /* "remote-move", ... */
  char *target;               /* for the table */
  char *user;                 /* or NULL */
  char **argv;                /* the check's words, argv[0] the command; NULL-terminated */
  size_t argc;
  char *password_env;         /* the environment variable to read the password from */
  char *error;                /* set: the row cannot run, and why (argv NULL) */
};

struct mc_batch_plan {
  struct mc_batch_row *rows;
  size_t n;
  const char *form;           /* "CSV", or the endpoint file's form */
};

/* The checks a batch row may name, and how each takes its target: the
 * option name ("--server") or NULL for a positional argument. */
bool mc_batch_check_known(const char *check, const char **target_opt);
/* Reads a batch file's bytes (decoded as config's decode.c does): a CSV
 * with a header row naming a check column, or an endpoint file (then path,
 * the file's name, goes into each row's --endpoint-file). A usage error (no
 * check column, a password column, an unknown column, no rows) fails with
 * the reason in err; a row that cannot run becomes a row with error set. */
mc_code mc_batch_plan_read(const void *data, size_t n, const char *path,
                           struct mc_batch_plan *plan, char *err, size_t errlen);
void mc_batch_plan_release(struct mc_batch_plan *plan);

#endif
