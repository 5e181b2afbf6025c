/*
 * cmd_explain.c - migcheck explain [TEXT... | -]: where the error text comes
 * from (the arguments joined by spaces, or standard input: for "-", when it is
 * piped, or with no argument on a terminal, where it says on stderr to paste
 * and end with Ctrl-D), read with a hard limit; lib/kb does the rest.
 *
 * Exit codes: 1 a cause was recognised, 3 nothing recognised (verdict
 * unknown: no cause is invented), 2 no text at all.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "util/plat.h"
#include "kb/kb.h"

/* Reads at most MC_KB_TEXT_LIMIT bytes of stdin; *cut says more was there. */
static int read_stdin(struct mc_buf *b, bool *cut)
{
  char chunk[65536];
  *cut = false;
  for(;;) {
    size_t room = MC_KB_TEXT_LIMIT - b->len;
    size_t want = room < sizeof chunk ? room : sizeof chunk;
    if(want == 0) {
      /* One byte more tells a text of exactly the limit from a longer one. */
      *cut = fread(chunk, 1, 1, stdin) == 1;
      return 0;
    }
    size_t got = fread(chunk, 1, want, stdin);
    mc_buf_add(b, chunk, got);
    if(got < want) {
      if(ferror(stdin))
        return mc_cli_cannot("cannot read the error text from standard input: %s",
                             strerror(errno));
      return 0;
    }
  }
}

int mc_cmd_explain(struct mc_cli *cli)
{
  struct mc_buf b = MC_BUF_INIT(MC_KB_TEXT_LIMIT);
  bool from_stdin = (cli->nargs == 1 && strcmp(cli->args[0], "-") == 0) || cli->nargs == 0;
  bool cut = false;
  int rc = 0;
  if(from_stdin && mc_plat_is_terminal(STDIN_FILENO))
    fputs("migcheck: paste the whole error text, then press Ctrl-D on a line of its own "
          "(or give it as an argument in quotes)\n", stderr);
  if(from_stdin)
    rc = read_stdin(&b, &cut);
  else {
    for(size_t i = 0; i < cli->nargs && !cut; i++) {
      if(i)
        mc_buf_addch(&b, ' ');
      cut = mc_buf_addstr(&b, cli->args[i]) != MC_OK;
    }
  }
  if(rc) {
    mc_buf_release(&b);
    return rc;
  }
  size_t nonspace = 0;
  for(size_t i = 0; i < b.len; i++)
    nonspace += b.ptr[i] != ' ' && b.ptr[i] != '\n' && b.ptr[i] != '\r' && b.ptr[i] != '\t';
  if(nonspace == 0) {
    mc_buf_release(&b);
    return mc_cli_usage_error(cli, "the error text is empty");
  }
  struct mc_report *r = mc_explain_text(b.ptr, b.len);
  if(cut)
    mc_report_note(r, "the text was longer than %zu bytes; only the first %zu were read",
                   MC_KB_TEXT_LIMIT, MC_KB_TEXT_LIMIT);
  mc_buf_release(&b);
  return mc_cli_finish(cli, r);
}
