/*
 * exit.c - the exit code table and the errors that end a command early.
 * Not for: which verdict gives which code (the report decides that,
 * mc_report_exit_code) or printing reports (output.c).
 */
#include "exit.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "util/util.h"

const struct mc_exit_code mc_exit_codes[] = {
  { MC_EXIT_OK, NULL, "nothing wrong", "Nothing wrong." },
  { MC_EXIT_PROBLEM, NULL, "a problem found",
    "A problem was found (a warning or a failure); for explain, a cause was recognised." },
  { MC_EXIT_USAGE, NULL, "usage error", "Usage error; one line on standard error says what." },
  { MC_EXIT_CANNOT, NULL, "could not run or could not observe enough to judge",
    "Could not run (an unreadable input, a report file that cannot be written), or could not "
    "observe enough to judge (verdict unknown)." },
  { MC_EXIT_INTERRUPTED, "batch", "batch interrupted (Ctrl-C)",
    "Only from batch: interrupted with Ctrl-C; the rows that finished are printed with the "
    "summary." },
};
const size_t mc_nexit_codes = sizeof mc_exit_codes / sizeof mc_exit_codes[0];

/* Whether command (NULL: any) can end with e. */
static bool ends_with(const struct mc_exit_code *e, const char *command)
{
  return !command || !e->only || strcmp(e->only, command) == 0;
}

void mc_exit_codes_help(struct mc_buf *b, const char *lead, const char *command,
                        const char *end, int width)
{
  size_t last = 0;
  for(size_t i = 0; i < mc_nexit_codes; i++) {
    if(ends_with(&mc_exit_codes[i], command))
      last = i;
  }
  mc_buf_addstr(b, lead);
  size_t col = strlen(lead);
  bool line_start = true;       /* nothing after the lead or the line break yet */
  for(size_t i = 0; i <= last; i++) {
    const struct mc_exit_code *e = &mc_exit_codes[i];
    if(!ends_with(e, command))
      continue;
    char item[128];
    int n = snprintf(item, sizeof item, "%d %s%s", e->code, e->brief, i == last ? end : ",");
    size_t len = n > 0 ? (size_t)n : 0;
    if(!line_start && col + 1 + len > (size_t)width) {
      mc_buf_addch(b, '\n');
      col = 0;
    }
    else if(!line_start) {
      mc_buf_addch(b, ' ');
      col++;
    }
    mc_buf_addstr(b, item);
    col += len;
    line_start = false;
  }
  mc_buf_addch(b, '\n');
}

int mc_cli_usage_error(const struct mc_cli *cli, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  fputs("migcheck: ", stderr);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  if(cli && cli->cmd)
    fprintf(stderr, " (see 'migcheck %s --help')\n", cli->cmd->name);
  else
    fputs(" (see 'migcheck --help')\n", stderr);
  return MC_EXIT_USAGE;
}

int mc_cli_cannot(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  fputs("migcheck: ", stderr);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  return MC_EXIT_CANNOT;
}
