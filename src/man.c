/*
 * man.c - migcheck --man: the manual page, made from the command, option
 * and exit code tables so that it always says what --help says. docs/migcheck.1
 * is its output, kept in the repository for `man ./docs/migcheck.1`; a test
 * fails when the two differ (regenerate with `make man`).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "version.h"

/* Writes text as troff: backslashes escaped, hyphens as \-, and a line that
 * would start with a control character protected. */
static void roff(FILE *out, const char *text)
{
  bool bol = true;
  for(const char *p = text; *p; p++) {
    if(bol && (*p == '.' || *p == '\''))
      fputs("\\&", out);
    bol = false;
    switch(*p) {
    case '\\': fputs("\\e", out); break;
    case '-': fputs("\\-", out); break;
    case '\n': fputc('\n', out); bol = true; break;
    default: fputc(*p, out); break;
    }
  }
}

static void roff_line(FILE *out, const char *text)
{
  roff(out, text);
  fputc('\n', out);
}

static void command_section(FILE *out, const struct mc_command *cmd)
{
  fputs(".SS \"", out);
  roff(out, cmd->name);
  if(*cmd->usage) {
    fputc(' ', out);
    roff(out, cmd->usage);
  }
  fputs("\"\n", out);
  roff_line(out, cmd->about);
  char *causes = mc_cause_ids_for(cmd->name);   /* the catalogue's rows that name it */
  if(causes) {
    fputs(".PP\nCauses it can name:\n", out);
    roff_line(out, causes);
    free(causes);
  }
  bool any = false;
  for(size_t i = 0; i < mc_noptions; i++) {
    const struct mc_option *o = &mc_options[i];
    if(strcmp(o->name, "help") == 0 || !mc_cli_option_applies(cmd, o))
      continue;
    if(!any)
      fputs(".PP\nOptions:\n", out);
    any = true;
    /* .BI alternates bold (the option) and italic (its argument). */
    fputs(".TP\n.BI \"", out);
    if(o->shortname)
      fprintf(out, "\\-%c, ", o->shortname);
    fputs("\\-\\-", out);
    roff(out, o->name);
    if(o->arg) {
      fputs(" \" \"", out);
      roff(out, o->arg);
    }
    fputs("\"\n", out);
    roff_line(out, o->help);
  }
  if(cmd->examples && *cmd->examples) {
    fputs(".PP\nExamples:\n.PP\n.nf\n.RS\n", out);
    roff_line(out, cmd->examples);
    fputs(".RE\n.fi\n", out);
  }
}

void mc_cli_print_man(FILE *out)
{
  fputs(".\\\" Made by 'migcheck --man' from the command and option tables; do not edit.\n"
        ".TH MIGCHECK 1 \"\" \"migcheck " MC_VERSION "\" \"User Commands\"\n"
        ".SH NAME\nmigcheck \\- find out why Exchange Online cannot reach an on\\-premises "
        "Exchange server\n.SH SYNOPSIS\n", out);
  for(size_t i = 0; i < mc_ncommands; i++) {
    fputs(".B migcheck ", out);
    roff(out, mc_commands[i].name);
    fputc('\n', out);
    if(*mc_commands[i].usage)
      roff_line(out, mc_commands[i].usage);
    if(i + 1 < mc_ncommands)
      fputs(".br\n", out);
  }
  fputs(".SH DESCRIPTION\n"
        "When Exchange Online reports\n.I \"We weren't able to connect to the remote server\"\n"
        "while creating or using a migration endpoint, the cause lies on the path from the\n"
        "internet to the on\\-premises Exchange organization.\n.B migcheck\n"
        "walks that path the way the migration service does (DNS, TCP, TLS, the HTTP front\n"
        "door, authentication, the protocol), stops at the first layer that breaks, names the\n"
        "cause with a stable id, shows the evidence (which hop answered and what it said) and\n"
        "says what to change. It also reads the on\\-premises side: IIS, HTTPERR and HttpProxy\n"
        "logs, pasted PowerShell output and registry exports, and pasted error messages.\n"
        ".PP\nEvery command produces the same tree of steps; each step records what it observed\n"
        "and raises findings that name a cause from the catalogue\n(\\fBmigcheck causes\\fR).\n"
        "Every probe carries a run id in its query string and User\\-Agent, so\n"
        ".B migcheck logs \\-\\-run\\-id\nfinds those very requests in the servers' logs.\n"
        ".SH COMMANDS\n", out);
  for(size_t i = 0; i < mc_ncommands; i++)
    command_section(out, &mc_commands[i]);
  fputs(".SH OUTPUT\n"
        "Text on a terminal: a tree of steps marked\n.BR \"[ ok ]\" ,\n.BR [warn] ,\n"
        ".BR [FAIL] ,\n.B \"[ ?? ]\"\n(could not observe),\n.B [skip]\nor\n.BR [info] ,\n"
        "the evidence that decided each step, printed as the steps finish, then a summary\n"
        "that opens with the verdict line, and the causes, most likely first, each with its\n"
        "fix and the command that confirms it, filled with this run's host, user, servers and\n"
        "values (what the run did not learn stays a marked placeholder such as\n"
        ".IR \"<Exchange server>\" ).\n"
        ".B \\-v\nadds every response header and the timings,\n.B \\-vv\n"
        "the raw exchange. Text wraps at the terminal's width (100 columns when not a\n"
        "terminal); a command, path, URL or registry value is never broken. Colors only on a\n"
        "terminal, never with\n.BR NO_COLOR .\n"
        ".B \\-\\-json\nprints the documented JSON contract (docs/json\\-schema.md);\n"
        ".B \\-\\-json\\-file\n.I FILE\nand\n.B \\-\\-html\n.I FILE\n"
        "(one self\\-contained page to forward) are written beside the text; their paths\n"
        "are checked before anything is sent. Sources are public: KB numbers, Microsoft\n"
        "Learn titles, RFC sections.\n"
        ".PP\n.B migcheck \\-\\-completion bash\nand\n.B zsh\nprint completion scripts made "
        "from the command and option tables;\n.B make install\ninstalls both.\n"
        ".B migcheck \\-V\nprints the version.\n"
        ".SH EXIT STATUS\n", out);
  for(size_t i = 0; i < mc_nexit_codes; i++) {
    fprintf(out, ".TP\n.B %d\n", mc_exit_codes[i].code);
    roff_line(out, mc_exit_codes[i].full);
  }
  fputs(".SH ENVIRONMENT\n"
        ".TP\n.B MIGCHECK_PASSWORD\nThe password for\n.BR \\-\\-user ,\n"
        "unless\n.B \\-\\-password\\-file\nis given. Passwords are never taken from the "
        "command line and never printed;\nwithout either, migcheck asks on the terminal "
        "without echo.\n"
        ".TP\n.B MIGCHECK_THREADS\nHow many threads\n.B migcheck logs\nuses (default: one "
        "per CPU).\n"
        ".TP\n.B MIGCHECK_SIMD\n.B avx2\nor\n.B sse2\nkeeps\n.B migcheck logs\nfrom the "
        "wider instructions (AVX-512; AVX2 and SSSE3 too) it reads lines and addresses with where the "
        "CPU has them; "
        "the report is the same, only slower (for comparing, and for the tests).\n"
        ".TP\n.B NO_COLOR\nWhen set to anything, no colors.\n"
        ".TP\n.B COLUMNS\nThe width text output wraps at (else the terminal's, else 100).\n"
        ".TP\n.B TMPDIR\nWhere the lab makes its temporary directory.\n"
        ".TP\n.B SSLKEYLOGFILE\nWhere libcurl writes TLS session keys, for decrypting a capture "
        "of migcheck's own traffic.\n"
        ".TP\n.B MIGCHECK_LIBCURL\nThe libcurl file to load (default: libcurl.so.4, found as "
        "the system finds\nlibraries). libcurl is loaded when a command first needs it (the "
        "checks that\nsend HTTP or IMAP, batch, demo): the other commands start without it. "
        "When it\ncannot be loaded, such a command says why and exits with 3.\n"
        ".SH SECURITY\n"
        "Certificates are verified against the system's trust store (plus\n.BR \\-\\-ca\\-file );\n"
        ".B \\-\\-insecure\nturns failures into warnings and every report says so. Redirects "
        "are\nnever followed with credentials; Autodiscover sends credentials only over TLS to "
        "hosts\nin the mailbox's domain unless\n.B \\-\\-allow\\-redirect\nnames another.\n"
        ".SH SEE ALSO\n.BR curl (1),\n.BR openssl\\-s_client (1)\n", out);
}
