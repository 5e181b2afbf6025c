/*
 * exit.h - migcheck's exit codes: the values, what each means (one table,
 * from which --help, every command's --help and the man page print them),
 * and the two one-line errors that end a command with one. README's table
 * of exit codes is checked against this one by tests/e2e/cli.py.
 */
#ifndef MC_SRC_EXIT_H
#define MC_SRC_EXIT_H

#include <stddef.h>

enum {
  MC_EXIT_OK = 0,           /* nothing wrong */
  MC_EXIT_PROBLEM = 1,      /* a problem found (warn or fail) */
  MC_EXIT_USAGE = 2,        /* bad command line */
  MC_EXIT_CANNOT = 3,       /* could not run or could not observe enough */
  MC_EXIT_INTERRUPTED = 130 /* batch: stopped by Ctrl-C (128 + SIGINT) */
};

struct mc_exit_code {
  int code;
  const char *only;         /* NULL, or the one command that exits with it */
  const char *brief;        /* for --help: "usage error" */
  const char *full;         /* for the man page: sentences, plain text */
};

extern const struct mc_exit_code mc_exit_codes[];
extern const size_t mc_nexit_codes;

struct mc_buf;
/* Appends "LEAD0 nothing wrong, 1 ..., N ...END\n" to b: the codes command
 * (NULL: every command) can end with, each kept whole on a line of at most
 * width columns. */
void mc_exit_codes_help(struct mc_buf *b, const char *lead, const char *command,
                        const char *end, int width);

struct mc_cli;
/* A one-line usage error: "migcheck: <msg>" plus a hint, returns MC_EXIT_USAGE. */
int mc_cli_usage_error(const struct mc_cli *cli, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* A one-line "could not run" error, returns MC_EXIT_CANNOT. */
int mc_cli_cannot(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
