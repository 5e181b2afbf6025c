/*
 * logs.h - migcheck logs: read IIS W3C, HTTPERR and Exchange HttpProxy logs
 * (files, folders, .gz), find the migration traffic and say where it stopped.
 *
 * Two layers. mc_logs_scan() is the engine: it finds the files, detects
 * each one's format from its header lines, maps them and counts every line
 * on all CPUs into a table of distinct keys (lib/logs/scan.c). It judges
 * nothing. mc_check_logs() runs the scan and turns the counts into the
 * result tree: one step per endpoint and log kind, findings with cause ids,
 * the evidence lines (file:line), and the "traffic" JSON section
 * (lib/logs/verdicts.c). The library never prints: warnings and progress go
 * to the callbacks the caller sets.
 */
#ifndef MC_LOGS_LOGS_H
#define MC_LOGS_LOGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "logs/agg.h"
#include "logs/cset.h"
#include "model/report.h"
#include "util/util.h"

enum mc_log_format {
  MC_LOGFMT_UNKNOWN,
  MC_LOGFMT_W3C,         /* IIS W3C (W3SVC1, W3SVC2 ...) */
  MC_LOGFMT_HTTPERR,     /* HTTP.sys error log (W3C with s-reason) */
  MC_LOGFMT_HTTPPROXY    /* Exchange 2013+ HttpProxy CSV */
};
const char *mc_log_format_name(enum mc_log_format f);

/* A set of CIDR ranges (--cloud-ranges). */
struct mc_cidr {
  uint8_t addr[16];             /* IPv4 as ::ffff:a.b.c.d */
  uint8_t bits;                 /* prefix length over the 128 bits */
};
struct mc_cidr_set {
  struct mc_cidr *v;
  size_t n;
};
/* Reads one range per line ("40.92.0.0/15", "2a01:111:f400::/48", a bare
 * address), '#' comments and blank lines allowed. MC_ERR_IO or MC_ERR_PARSE
 * with a message naming the file and line in err. */
mc_code mc_cidr_load(const char *path, struct mc_cidr_set *set, char *err, size_t errlen);
void mc_cidr_release(struct mc_cidr_set *set);
/* Whether a client address as logged (IPv4, IPv6, "%zone" suffix, IPv4
 * mapped) is in the set. */
bool mc_cidr_match(const struct mc_cidr_set *set, const char *addr, size_t n);
/* The same for an address already parsed (IPv4 as ::ffff:a.b.c.d). */
bool mc_cidr_match_addr(const struct mc_cidr_set *set, const uint8_t a[16]);
/* The address without a zone suffix and IPv4-mapped IPv6 as IPv4, into out;
 * the input unchanged when it is not an address. */
void mc_addr_normalize(const char *addr, size_t n, char *out, size_t outlen);
/* Whether mc_addr_normalize() gives addr back as it is, told without
 * writing it out: an IPv6 address in the form inet_ntop() gives, as IIS
 * logs a privacy address (false says only that it may differ). Bytes up
 * to readable may be loaded (48 from addr at once, else it is copied). */
bool mc_addr_is_normal(const char *addr, size_t n, const char *readable);

/* --server NAME=PATH: every file under PATH belongs to NAME. */
struct mc_logs_server {
  const char *name;
  const char *path;
};

struct mc_logs_opts {
  const char *const *paths;     /* files, folders (recursive), .gz */
  size_t npaths;
  bool has_since, has_until;
  int64_t since, until;         /* seconds since the epoch, UTC, inclusive */
  const char *run_id;           /* "mc-" + 12 hex digits, or NULL */
  const struct mc_logs_server *servers;
  size_t nservers;
  const struct mc_cidr_set *cloud;  /* Exchange Online ranges (--cloud-ranges), or NULL */
  int threads;                  /* 0: one per online CPU */
  uint64_t range_bytes;         /* 0: picked from the file size (tests set it small) */
  const char *summary_out;      /* --summary FILE: the counts are written there too */
  bool merge;                   /* --merge: paths are summaries, judged as one run */
  /* Called from the calling thread about four times a second while the
     scan runs, when set. */
  void (*progress)(void *ctx, uint64_t done, uint64_t total, int64_t elapsed_ms);
  /* Called once per problem with a file ("cannot read 'x': ..."), when set. */
  void (*warn)(void *ctx, const char *msg);
  void *ctx;
};

/* One input file as the scan saw it. */
struct mc_logs_file {
  char *path;
  char *server;                 /* the server its lines are counted under */
  const char *server_from;      /* "--server", "path", "s-computername", "file name" */
  enum mc_log_format fmt;
  bool gz;
  bool named;                   /* given on the command line (not found in a folder) */
  bool unreadable;              /* could not be opened, mapped or inflated at all */
  bool skipped;                 /* not a log (content not recognized) */
  bool assumed_layout;          /* no #Fields: the default Exchange layout fitted */
  uint64_t bytes;               /* on disk */
  uint64_t lines, data_lines;
  uint64_t malformed;           /* data lines that do not fit the layout */
  int64_t first, last;          /* first and last data line time (0 when none) */
  char *problem;                /* the first problem, naming the line, or NULL */
};

/* A line that carries the --run-id. */
struct mc_logs_hit {
  uint32_t file;
  uint64_t line;
  enum mc_log_format fmt;
  int ep;                       /* MC_EP_* or MC_EP_NONE */
  int64_t ts;
  int status, sub;              /* -1 when not logged */
  int64_t win32;
  char *server, *method, *path, *client, *reason, *text;
};

struct mc_logs_scan {
  struct mc_logs_file *files;
  size_t nfiles;
  struct mc_agg agg;            /* every count but the clients', keyed as in keys.h */
  struct mc_cset *clients;      /* (endpoint, client) counts, in disjoint partitions */
  unsigned nclient_parts;
  struct mc_logs_hit *hits;
  size_t nhits;
  uint64_t hits_total;          /* hits found, when more than kept */
  uint64_t bytes;               /* bytes read (after decompression) */
  uint64_t lines, out_of_window;
  uint64_t looked_back;         /* bytes ranges read back for the layout they start
                                   with (at most about a range per change of layout) */
  int threads;
  int64_t elapsed_ms;
};

#define MC_LOGS_MAX_HITS 1000
#define MC_LOGS_MAX_LINE (1u << 20)   /* longer lines are skipped and reported */

/* Scans. Returns MC_OK with the results (problems with single files are in
 * files[]), or MC_ERR_USAGE when there was no path. */
mc_code mc_logs_scan(const struct mc_logs_opts *o, struct mc_logs_scan *out);
void mc_logs_scan_release(struct mc_logs_scan *s);

/* The check: scan, judge, report. Never NULL. The verdict is unknown (exit
 * 3) when no file could be read at all. */
struct mc_report *mc_check_logs(const struct mc_logs_opts *o);

/* A user's --since/--until: "2024-03-12", "2024-03-12 08:20[:18]",
 * "2024-03-12T08:20[:18][Z]". A bare date means its first second, or its
 * last when end_of_day. */
bool mc_parse_user_time(const char *s, bool end_of_day, int64_t *out);

#endif
