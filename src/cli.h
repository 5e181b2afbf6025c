/*
 * cli.h - the command line: one option table, one command table, and the
 * parsed options every command reads.
 *
 * Adding an option is its row in options.c (which names the commands that
 * take it), its field in struct mc_cli, and the code that reads the field:
 * --help, the man page, completion, freeing and the confirm lines follow
 * from the row. Adding a command is one row in commands.c (name, handler,
 * usage, teaching text, examples), its cmd_*.c, and its name in the option
 * rows (or the command sets at the top of options.c) it takes.
 * Rendering and the finished run's output are output.c; exit codes exit.h.
 */
#ifndef MC_SRC_CLI_H
#define MC_SRC_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "exit.h"
#include "model/report.h"

struct mc_net_opts;

/* Each network step's deadline when --timeout is not given. */
#define MC_DEFAULT_TIMEOUT_S 10

/* Parsed options. Fields are filled, and freed, through the option table's
 * offsets: a field is a bool (flag), int (count), long (seconds), char *
 * (string, malloc'ed) or char ** with a size_t count (list). */
struct mc_cli {
  const struct mc_command *cmd;
  char **args;                /* positional arguments */
  size_t nargs;

  bool json;
  char *json_file;            /* --json-file FILE */
  char *html;                 /* --html FILE */
  bool no_color;
  int verbose;                /* -v 1, -vv 2 */
  bool version;               /* -V */
  bool help;
  long timeout_s;             /* --timeout SECONDS; 0 when not given */
  char **resolve;             /* --resolve HOST:PORT:ADDR (repeatable) */
  size_t nresolve;
  char *dns_server;
  char *ca_file;
  bool insecure;
  bool no_channel_binding;    /* NTLM without a channel binding */
  bool no_large_request;      /* remote-move: no MRS-sized POST */
  char *sni;
  bool legacy_rpc;
  char *scenario;             /* lab */
  bool list;                  /* lab, causes */
  bool quiet;
  char *server;               /* remote-move --server HOST[:PORT] */
  char *user;                 /* remote-move --user DOMAIN\\user */
  char *password_file;        /* remote-move --password-file FILE */
  char *repeat;               /* remote-move --repeat N */
  bool collect;               /* config --collect */
  char *since;                /* logs: --since T */
  char *until;                /* logs: --until T */
  char *run_id;               /* logs: --run-id ID */
  char **servers;             /* logs: --server NAME=PATH (repeatable) */
  size_t nservers;
  char *cloud_ranges;         /* logs: --cloud-ranges FILE */
  char *summary;              /* logs: --summary FILE */
  bool merge;                 /* logs: --merge (PATHs are summaries) */
  char *exchange_server;      /* outlook-anywhere --exchange-server NAME */
  char *rpc_proxy;            /* outlook-anywhere --rpc-proxy HOST[:PORT] */
  char *auth;                 /* outlook-anywhere --auth basic|ntlm */
  char *email;                /* autodiscover --email ADDR */
  char **allow_redirect;      /* autodiscover --allow-redirect DOMAIN (repeatable) */
  size_t nallow_redirect;
  char *port_map;             /* autodiscover --port-map 443=N,80=M (lab and tests) */
  bool autodiscover;          /* remote-move --autodiscover */
  char *security;             /* imap --security ssl|tls|none */
  char *endpoint_file;        /* remote-move, outlook-anywhere, imap: --endpoint-file FILE */
  char *endpoint;             /* --endpoint NAME|N: which endpoint of the file */
  char *parallel;             /* batch --parallel N */
  bool jsonl;                 /* batch --jsonl */
  char *csv;                  /* batch --csv FILE; lab --csv FILE (the batch file it writes) */
  bool all;                   /* lab --all */
};

typedef int (*mc_command_fn)(struct mc_cli *cli);
/* A check: builds its report from the options, or returns an exit code
 * (usage error) with *out left NULL. */
typedef int (*mc_check_fn)(struct mc_cli *cli, struct mc_report **out);

struct mc_command {
  const char *name;
  mc_command_fn fn;           /* runs the command; for checks: mc_cmd_check */
  mc_check_fn check;          /* checks only (NULL otherwise) */
  const char *usage;          /* after "migcheck NAME " */
  const char *summary;        /* one line for the command list */
  const char *about;          /* paragraphs that teach, for NAME --help */
  const char *examples;       /* lines of examples */
};

enum mc_opt_type { MC_OPT_FLAG, MC_OPT_STR, MC_OPT_SECONDS, MC_OPT_LIST, MC_OPT_COUNT };

/* What else a row's option is, beyond being parsed. */
enum {
  MC_OPT_RERUN = 1 << 0,      /* changes how a check probes: a "confirm with"
                                 command repeats it (values first, then flags) */
  MC_OPT_REPORT_FILE = 1 << 1 /* a report is written to this path at the end:
                                 checked before anything is sent */
};

struct mc_option {
  const char *name;           /* long name without "--" */
  char shortname;             /* 0 when none */
  enum mc_opt_type type;
  size_t offset;              /* into struct mc_cli */
  size_t count_offset;        /* MC_OPT_LIST: the size_t count field */
  const char *arg;            /* "FILE", "SECONDS" ... (NULL for flags) */
  const char *help;
  const char *commands;       /* the commands that take it, space-separated
                                 (NULL: every command); two rows may share a
                                 name for different commands (--server) */
  unsigned flags;             /* MC_OPT_RERUN, MC_OPT_REPORT_FILE */
};

extern const struct mc_command mc_commands[];
extern const size_t mc_ncommands;
extern const struct mc_option mc_options[];
extern const size_t mc_noptions;

/* Parses argv after the command name. Prints a one-line error and returns
 * MC_EXIT_USAGE on bad input, else 0. */
int mc_cli_parse(struct mc_cli *cli, const struct mc_command *cmd, int argc, char **argv);
/* Frees every string and list the option rows and the arguments hold. */
void mc_cli_release(struct mc_cli *cli);
void mc_cli_print_command_help(const struct mc_command *cmd, FILE *out);
/* Whether option row o is one that command cmd takes. */
bool mc_cli_option_applies(const struct mc_command *cmd, const struct mc_option *o);
void mc_cli_print_help(FILE *out);
/* A bash or zsh completion script from the tables (completion.c); a usage
 * error for another shell. */
int mc_cli_print_completion(const char *shell, FILE *out);
/* The manual page in troff, from the command and option tables (man.c). */
void mc_cli_print_man(FILE *out);
const struct mc_command *mc_cli_find_command(const char *name);
/* Of names, the one closest to word[0..n) by edit distance when it is close
 * enough to be a typo, else NULL ("did you mean"). */
const char *mc_cli_closest(const char *word, size_t n, const char *const *names,
                           size_t count);

/* Output (output.c): what the options ask of the text, and the finished
 * run's report on stdout and in --json-file and --html files. */
/* Whether color is wanted on stdout (terminal, no NO_COLOR, no --no-color). */
bool mc_cli_color(const struct mc_cli *cli);
/* The width text output wraps at: COLUMNS, else the terminal's, else 100. */
int mc_cli_width(void);
/* The text render options the command line asks for. */
struct mc_render_opts;
void mc_cli_render_opts(const struct mc_cli *cli, struct mc_render_opts *o);
/* Appends word as the shell reads it back: as is when it is plain, else in
 * single quotes ('CONTOSO\\migadmin'), so that a printed command pastes. */
struct mc_buf;
void mc_cli_shell_word(struct mc_buf *b, const char *w);
/* Records in r the names the command line gave (host, user, email, the
 * Exchange server) and its network options (for a "confirm with" rerun),
 * for the fix steps; facts a check recorded stay. */
void mc_cli_facts(const struct mc_cli *cli, struct mc_report *r);
/* Builds the shared network options (timeout, --resolve, --dns-server);
 * prints the error and returns MC_EXIT_USAGE when one is malformed. */
int mc_cli_net_opts(const struct mc_cli *cli, struct mc_net_opts *net);

/* 0 when the libraries cmd needs are there; else says which could not be
 * loaded, and why, on stderr and returns MC_EXIT_CANNOT. libcurl is loaded
 * when a command needs it (lib/http/curl_dl.h): the offline commands, and
 * ports and tls, run without it. Always 0 in a build without the network
 * checks. */
int mc_cli_libs_ready(const struct mc_command *cmd);

/* Splits a target "HOST[:PORT]" (IPv6 in brackets) for the report's facts:
 * *host is malloc'ed, *port is 0 when none is given. False when it is not a
 * target, and always in a build without the network checks. */
bool mc_cli_split_target(const char *s, char **host, int *port);
/* Fills what every check's target takes from the options: network options,
 * the timeout, and the TLS ones (--ca-file must be readable, --sni,
 * --insecure). On a usage error it releases t and returns MC_EXIT_USAGE. */
struct mc_target;
int mc_cli_target(const struct mc_cli *cli, struct mc_target *t);
/* Shows each step's title on stderr while a check runs (a terminal only). */
void mc_cli_progress(const struct mc_cli *cli, bool on);
/* Renders the finished report the way the options ask (text or JSON on
 * stdout, HTML to --html FILE), frees it, and returns the exit code. */
int mc_cli_finish(const struct mc_cli *cli, struct mc_report *r);
/* Writes b to path (created or truncated): 0, or the "could not run" exit
 * code after saying why. */
int mc_cli_write_file(const char *path, const struct mc_buf *b);
/* Runs cli->cmd->check and renders its report. */
int mc_cmd_check(struct mc_cli *cli);
/* Runs a check command given as an argument vector (the command name first)
 * and returns its report, or NULL with *code set (usage error). demo uses
 * this so that it runs exactly what a user would type. */
struct mc_report *mc_cli_run_check(int argc, char **argv, int *code);

/* Checks. */
int mc_check_ports_cli(struct mc_cli *cli, struct mc_report **out);
int mc_check_tls_cli(struct mc_cli *cli, struct mc_report **out);
int mc_check_remote_move_cli(struct mc_cli *cli, struct mc_report **out);
int mc_check_logs_cli(struct mc_cli *cli, struct mc_report **out);
int mc_check_outlook_anywhere_cli(struct mc_cli *cli, struct mc_report **out);
int mc_check_autodiscover_cli(struct mc_cli *cli, struct mc_report **out);
int mc_check_imap_cli(struct mc_cli *cli, struct mc_report **out);

/* Reads --email, --allow-redirect and --port-map into t (autodiscover and
 * remote-move --autodiscover); a usage error's exit code, else 0. */
struct mc_target;
int mc_cli_autodiscover_opts(struct mc_cli *cli, struct mc_target *t);
/* --user and its password (credentials.c): t->user, and t->password from
 * --password-file, MIGCHECK_PASSWORD or a prompt without echo. A usage or
 * cannot-run exit code, else 0 (also when no --user was given). */
int mc_cli_credentials(struct mc_cli *cli, struct mc_target *t);
/* The end every check that signs in shares: mc_cli_credentials,
 * mc_cli_target, then *out = check(t). t is released in every case; the
 * exit code of a usage or cannot-run error, else 0. */
int mc_cli_run_signed_in(struct mc_cli *cli, struct mc_target *t,
                         struct mc_report *(*check)(const struct mc_target *),
                         struct mc_report **out);

/* --endpoint-file FILE [--endpoint NAME|N] (endpoint_cli.c), then check:
 * reads the file, picks the endpoint of type want (enum
 * mc_endpoint_type), fills the options the command line left empty from
 * it (server, rpc-proxy, exchange-server, auth, user, security, the IMAP
 * host), runs check, and adds the endpoint's own step and findings to its
 * report. Without --endpoint-file it only runs check. */
int mc_cli_endpoint_check(struct mc_cli *cli, int want, mc_check_fn check,
                          struct mc_report **out);

/* Other command handlers. */
int mc_cmd_causes(struct mc_cli *cli);
int mc_cmd_lab(struct mc_cli *cli);
/* Writes a batch CSV that checks every site of lab (each row the site's
 * own command; the lab account's password in a 0600 file the rows name).
 * 0, or -1 with the reason in err. */
struct mc_lab;
int mc_cli_lab_batch_file(struct mc_lab *lab, const char *path, char *err, size_t errlen);
int mc_cmd_demo(struct mc_cli *cli);
int mc_cmd_version(struct mc_cli *cli);
int mc_cmd_config(struct mc_cli *cli);
int mc_cmd_explain(struct mc_cli *cli);
int mc_cmd_batch(struct mc_cli *cli);
/* Runs a batch file's rows, at most parallel at a time, each in a child
 * process of this program; prints the live table and the summary as
 * cli asks. demo calls it for its closing batch. Returns the exit code. */
int mc_batch_run(const struct mc_cli *cli, const char *file, long parallel);

#endif
