/*
 * config.h - what admins paste from the Exchange server: PowerShell
 * Format-List (`| fl`) output and registry exports of the RPC proxy, read and
 * checked against Microsoft's published rules.
 *
 * Three layers, each usable alone: decode.c turns file bytes (UTF-16LE with
 * BOM as PowerShell's `>` and regedit write them, UTF-8 with or without BOM,
 * stray Windows-1252) into UTF-8 text or a clear refusal (binary, mixed
 * encodings); fl.c and reg.c parse that text into objects and values, copying
 * what they keep; rules.c recognises each object by its properties and raises
 * the CFG_* findings with the exact command that fixes them.
 *
 * Not for: anything on the network. Inputs are files the user brings back.
 */
#ifndef MC_CONFIG_CONFIG_H
#define MC_CONFIG_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "model/report.h"
#include "util/util.h"

/* The largest input file config reads. */
#define MC_CONFIG_FILE_LIMIT ((size_t)16 << 20)

/* ---- decode.c ---- */

/* Decodes file bytes into UTF-8 text in out (CR LF kept as is). *encoding
 * names what was found ("UTF-16LE with BOM", "UTF-8", ...). Fails with
 * MC_ERR_PARSE and a message in err for empty, binary or mixed-encoding
 * input (naming the line). */
mc_code mc_config_decode(const void *data, size_t n, struct mc_buf *out,
                         const char **encoding, char *err, size_t errlen);
/* One line of decoded text, borrowed: n excludes the CR and trailing blanks,
 * raw only the CR (the width PowerShell filled). */
struct mc_config_line {
  const char *p;
  size_t n;
  size_t raw;
};
/* The line at *pos (advanced past its LF). */
struct mc_config_line mc_config_next_line(const char *text, size_t n, size_t *pos);

/* Appends UTF-16LE bytes as UTF-8 (lone surrogates become U+FFFD). */
void mc_config_utf16le(const unsigned char *p, size_t n, struct mc_buf *out);

/* ---- fl.c: PowerShell Format-List output ---- */

struct mc_fl_prop {
  char *key;
  char *value;        /* continuation lines joined; "" when empty */
  unsigned line;
  size_t full_len;    /* the value's length as written */
  bool cut;           /* longer than MC_FL_VALUE_LIMIT: value holds only the start */
};

/* The most bytes of one Format-List value kept; a longer value is cut there
 * and marked cut (never dropped: an over-long value is not a missing one). */
#define MC_FL_VALUE_LIMIT ((size_t)65536)

struct mc_fl_object {
  struct mc_fl_prop *props;
  size_t nprops, cap;
  unsigned line;      /* first line */
};

struct mc_fl_doc {
  struct mc_fl_object *objs;
  size_t nobjs, cap;
  unsigned other_lines;   /* prompts, headers, warnings: not key : value */
};

/* Parses text (UTF-8) into objects. Objects end at a blank line (two in a
 * double-spaced paste), at a line that is not part of the output, or where a
 * property repeats. A line indented under the value column continues the
 * value above it (joined without a space when the line above filled the
 * console width, PowerShell having cut a word there). */
mc_code mc_fl_parse(const char *text, size_t n, struct mc_fl_doc *doc, char *err,
                    size_t errlen);
void mc_fl_doc_release(struct mc_fl_doc *doc);
/* A new empty object at the end of doc (endpoint.c builds objects from
 * Export-Csv and ConvertTo-Json with it). */
struct mc_fl_object *mc_fl_doc_add(struct mc_fl_doc *doc, unsigned line);
/* The property (case-insensitive key), or NULL. */
const struct mc_fl_prop *mc_fl_prop(const struct mc_fl_object *o, const char *key);
const char *mc_fl_get(const struct mc_fl_object *o, const char *key);

/* A `{a, b, c}` list value split into items. truncated: PowerShell cut the
 * list at $FormatEnumerationLimit ("{a, b, c, d...}"). */
struct mc_fl_list {
  char **items;
  size_t n;
  bool truncated;
};
void mc_fl_list_parse(const char *value, struct mc_fl_list *l);
bool mc_fl_list_has(const struct mc_fl_list *l, const char *item);
void mc_fl_list_release(struct mc_fl_list *l);

/* ---- reg.c: `reg export` / regedit files and `reg query` output ---- */

struct mc_reg_value {
  char *key;          /* HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Rpc\RpcProxy */
  char *name;         /* "" for the default value */
  char *type;         /* REG_SZ, REG_DWORD, ... */
  char *data;         /* strings decoded; DWORDs as decimal; binary as hex */
  unsigned line;
  bool cut;           /* longer than reg.c keeps: data holds the start only */
  size_t full_len;    /* the bytes the value took in the file */
};

struct mc_reg_doc {
  struct mc_reg_value *v;
  size_t n, cap;
  char **keys;        /* every key named, in order, with or without values */
  size_t nkeys;
  const char *format; /* "regedit 5.00 export", "REGEDIT4 export", "reg query output" */
};

/* Whether text looks like a registry export or reg query output. */
bool mc_reg_sniff(const char *text, size_t n);
mc_code mc_reg_parse(const char *text, size_t n, struct mc_reg_doc *doc, char *err,
                     size_t errlen);
void mc_reg_doc_release(struct mc_reg_doc *doc);

/* ---- iis.c: applicationHost.config ---- */

#define MC_IIS_MAX (8 * 1024 * 1024)  /* bytes of XML */
#define MC_IIS_DEPTH 64
#define MC_IIS_ELEMENTS 500000
#define MC_IIS_ITEMS 20000            /* locations, bindings, rules: each */
#define MC_IIS_VALUE 2048             /* bytes kept of one attribute */

struct mc_iis_binding {
  char *site;           /* "Default Web Site" */
  char *protocol;       /* "https" */
  char *info;           /* bindingInformation "*:443:" */
  unsigned port;        /* 0 when not read */
  char *cert_hash;      /* certificateHash, NULL when not in the file */
  char *cert_store;     /* certificateStoreName */
  unsigned line;
};

/* One <location path="Site/vdir"> (or the server-wide system.webServer,
 * server_wide set and path ""). -1: not set there. */
struct mc_iis_location {
  char *path;
  bool server_wide;
  int anonymous, basic, windows;
  char *providers;      /* windowsAuthentication providers, "" after <clear/> */
  char *token_checking; /* extendedProtection tokenChecking, NULL when not set */
  char *ssl_flags;      /* access sslFlags */
  long long max_content;/* requestLimits maxAllowedContentLength */
  int allow_unlisted;   /* ipSecurity */
  char *ip_rules;       /* "allow 1.2.3.4/255.255.255.0, deny ..." */
  unsigned ip_allows;
  unsigned line, auth_line, ep_line, limit_line, ip_line;
};

/* A URL Rewrite rule; scope is the location path, "" server-wide. */
enum mc_iis_syntax { MC_IIS_REGEX, MC_IIS_WILDCARD, MC_IIS_EXACT };

struct mc_iis_rule {
  char *name, *scope, *match, *action, *status, *target;
  enum mc_iis_syntax syntax;
  bool negate, stop, enabled, ignore_case;
  bool http_only;       /* a condition {HTTPS} off: plain HTTP only */
  unsigned conditions;
  unsigned line;
};

struct mc_iis_doc {
  struct mc_iis_location *locs;
  size_t nlocs;
  struct mc_iis_binding *bindings;
  size_t nbindings;
  struct mc_iis_rule *rules;
  size_t nrules;
  size_t nsites;
  /* MsExchangeMailboxReplication.exe.config: <MRSConfiguration
     MaxMRSConnections="..."/>; -1 when not in the file. */
  long mrs_max;
  unsigned mrs_line;
  bool mrs_config;      /* the file has an <MRSConfiguration> element */
};

/* Whether text looks like an IIS configuration file. */
bool mc_iis_sniff(const char *text, size_t n);
/* Parses UTF-8 text; a DOCTYPE, an entity declaration or a limit refuses
 * the whole document (MC_ERR_PARSE / MC_ERR_LIMIT, message in err). */
mc_code mc_iis_parse(const char *text, size_t n, struct mc_iis_doc *doc, char *err,
                     size_t errlen);
void mc_iis_doc_release(struct mc_iis_doc *doc);
/* The <location> with exactly this path (case-insensitive), or NULL. */
const struct mc_iis_location *mc_iis_location(const struct mc_iis_doc *doc, const char *path);

/* ---- iisrules.c: applicationHost.config judged for the migration ---- */

/* What other inputs say that the IIS rules use. */
struct mc_iis_context {
  int ssl_offloading;       /* 1: Outlook Anywhere SSLOffloading True in an input */
  const char *offload_where;
};
/* One step per file with its findings. */
void mc_iis_check(struct mc_report *r, const struct mc_iis_doc *doc, const char *file,
                  const struct mc_iis_context *ctx);
/* Extended Protection compared between the files (one per server). */
void mc_iis_compare(struct mc_report *r, const struct mc_iis_doc *const *docs,
                    const char *const *files, size_t n);

/* ---- netsh.c: netsh http show sslcert ---- */

#define MC_SSLCERT_MAX 10000

struct mc_sslcert {
  char *endpoint;       /* "0.0.0.0:443", "mail.contoso.com:443" */
  char *hash, *store, *appid;
  unsigned line;
};

struct mc_sslcert_doc {
  struct mc_sslcert *v;
  size_t n;
};

bool mc_sslcert_sniff(const char *text, size_t n);
mc_code mc_sslcert_parse(const char *text, size_t n, struct mc_sslcert_doc *doc, char *err,
                         size_t errlen);
void mc_sslcert_doc_release(struct mc_sslcert_doc *doc);
/* Whether two thumbprints are the same (hex digits compared, case and
 * separators ignored). */
bool mc_config_same_thumbprint(const char *a, const char *b);

/* ---- mcjson.c: a migcheck --json report read back ---- */

struct mc_mcjson_line {
  char *step;           /* the title of the step it belongs to */
  char *label;          /* evidence label, or "!CAUSE_ID" for a finding */
  char *text;           /* evidence text, or the finding's detail */
};

struct mc_mcjson {
  char *command, *target, *verdict, *tool;
  char **causes;        /* cause ids, most likely first */
  size_t ncauses;
  struct mc_mcjson_line *lines;   /* every step's evidence and findings, in order */
  size_t nlines;
  size_t nsteps;
};

bool mc_mcjson_sniff(const char *text, size_t n);
mc_code mc_mcjson_parse(const char *text, size_t n, struct mc_mcjson *out, char *err,
                        size_t errlen);
void mc_mcjson_release(struct mc_mcjson *o);

/* ---- remote.c: remote reports beside the settings ---- */

/* One step per report: which of its causes the config findings already in
 * r explain (and the server that answered, when the report names it). */
void mc_config_remote(struct mc_report *r, const struct mc_mcjson *reps, const char *const *files,
                      size_t n);
/* Whether every cause id of the explanation table is in the catalogue (bad
 * gets the first that is not), for the tests. */
bool mc_config_remote_table_ok(char *bad, size_t n);

/* ---- certs.c: certificates against bindings and what was seen ---- */

struct mc_cert_info {       /* one Get-ExchangeCertificate object */
  const struct mc_fl_object *o;
  const char *server, *file;
};

struct mc_cert_bound {      /* the certificate a binding presents */
  const char *where;        /* "Default Web Site https *:443:", "HTTP.sys 0.0.0.0:443" */
  const char *hash, *file;
  unsigned line;
};

struct mc_cert_seen {       /* the certificate a migcheck report saw from outside */
  const char *file, *target, *sha1;
};

struct mc_certs_input {
  const struct mc_cert_info *certs;
  size_t ncerts;
  const struct mc_cert_bound *bound;
  size_t nbound;
  const struct mc_cert_seen *seen;
  size_t nseen;
  const char *const *names;   /* published names: EWS ExternalUrl hosts, OA ExternalHostname */
  size_t nnames;
};

/* One step: certificates assigned to IIS or bound, bindings against the
 * store, the published names against the certificate on 443, and what was
 * seen from outside against what is bound on 443. */
void mc_certs_check(struct mc_report *r, const struct mc_certs_input *in);

/* ---- tlsreg.c: SCHANNEL, .NET and Lsa values of the server ---- */

struct mc_tlsreg;
/* Takes the values of doc that tlsreg judges (SCHANNEL protocols, .NET TLS,
 * Lsa, the cipher suite order policy), grouped per computer (\\NAME\ in a
 * remote key, else the file), and appends the groups to *list. Returns how
 * many values it took. */
size_t mc_tlsreg_read(const struct mc_reg_doc *doc, const char *file, struct mc_tlsreg ***list,
                      size_t *n);
/* One step per group with its findings, then the comparison between groups.
 * ep: 1 Extended Protection is on somewhere in the inputs (ep_where says
 * where, for the messages), 0 known off everywhere, -1 not known. */
void mc_tlsreg_check(struct mc_report *r, struct mc_tlsreg *const *list, size_t n, int ep,
                     const char *ep_where);
void mc_tlsreg_free(struct mc_tlsreg *t);

/* ---- rules.c ---- */

/* Case-insensitive match of name against a pattern with '*' (any run) and
 * '?' (one character): ValidPorts hosts, URL Rewrite Wildcard patterns. */
bool mc_config_glob(const char *pat, const char *name);

struct mc_config_input {
  const char *name;   /* file name, for messages */
  const void *data;
  size_t len;
};

/* Reads every input, recognises each object and value by content, applies
 * the rules, and returns the report (command "config"). Inputs it cannot
 * read (binary, empty, not PowerShell or registry output) are steps with
 * status unknown and make the report incomplete. */
struct mc_report *mc_config_check(const struct mc_config_input *in, size_t n);

/* The commands an admin runs on the Exchange server to produce the inputs. */
extern const char mc_config_collect_script[];

#endif
