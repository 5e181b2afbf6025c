/*
 * main.c - finds the command in the table, parses its options, runs it.
 * Everything a command does lives in its cmd_*.c and in lib/.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "util/plat.h"
#include "version.h"

int main(int argc, char **argv)
{
  mc_plat_init(&argc, &argv);
#ifdef SIGPIPE
  /* A peer closing a connection must not kill us with SIGPIPE. */
  signal(SIGPIPE, SIG_IGN);
#endif
  if(argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
     strcmp(argv[1], "help") == 0) {
    if(argc >= 3 && strcmp(argv[1], "help") == 0) {
      const struct mc_command *c = mc_cli_find_command(argv[2]);
      if(c) {
        mc_cli_print_command_help(c, stdout);
        return MC_EXIT_OK;
      }
    }
    mc_cli_print_help(argc < 2 ? stderr : stdout);
    return argc < 2 ? MC_EXIT_USAGE : MC_EXIT_OK;
  }
  if(strcmp(argv[1], "--man") == 0) {
    mc_cli_print_man(stdout);
    return MC_EXIT_OK;
  }
  if(strcmp(argv[1], "--completion") == 0)
    return mc_cli_print_completion(argc > 2 ? argv[2] : NULL, stdout);
  if(strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
    puts("migcheck " MC_VERSION);
    return MC_EXIT_OK;
  }
  const struct mc_command *cmd = mc_cli_find_command(argv[1]);
  if(!cmd) {
    const char *names[64];
    size_t n = 0;
    for(size_t i = 0; i < mc_ncommands && n < 64; i++)
      names[n++] = mc_commands[i].name;
    const char *near = mc_cli_closest(argv[1], strlen(argv[1]), names, n);
    if(near)
      return mc_cli_usage_error(NULL, "unknown command '%s'; did you mean '%s'?", argv[1], near);
    return mc_cli_usage_error(NULL, "unknown command '%s'", argv[1]);
  }
  struct mc_cli cli = { 0 };
  int rc = mc_cli_parse(&cli, cmd, argc - 2, argv + 2);
  if(rc == 0 && cli.help) {
    mc_cli_print_command_help(cmd, stdout);
    rc = MC_EXIT_OK;
  }
  else if(rc == 0 && (rc = mc_cli_libs_ready(cmd)) == 0)
    rc = cmd->fn(&cli);
  mc_cli_release(&cli);
  return rc;
}
