/*
 * cmd_config.c - migcheck config FILE... | --collect: reads each file (up to
 * MC_CONFIG_FILE_LIMIT bytes; "-" is standard input) and hands the bytes to
 * lib/config, which recognises and checks them. A file that cannot be opened
 * or is too large stops the command (exit 3); content that cannot be read
 * (binary, empty, unknown) is reported as such in the report.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "config/config.h"

static int read_file(const char *path, struct mc_buf *b)
{
  bool std = strcmp(path, "-") == 0;
  struct stat st;
  /* Before opening: Windows does not open a folder as a file at all. */
  if(!std && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
    return mc_cli_cannot("cannot read '%s': it is a folder; give the files in it", path);
  FILE *f = std ? stdin : fopen(path, "rb");
  if(!f)
    return mc_cli_cannot("cannot read '%s': %s", path, strerror(errno));
  char chunk[65536];
  size_t got;
  int rc = 0;
  while((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
    if(mc_buf_add(b, chunk, got) != MC_OK) {
      rc = mc_cli_cannot("cannot read '%s': larger than %zu MiB, which no PowerShell or "
                         "registry output for this check is", path, MC_CONFIG_FILE_LIMIT >> 20);
      break;
    }
  }
  if(!rc && ferror(f))
    rc = mc_cli_cannot("cannot read '%s': %s", path, strerror(errno));
  if(!std)
    fclose(f);
  return rc;
}

int mc_cmd_config(struct mc_cli *cli)
{
  if(cli->collect) {
    if(cli->nargs)
      return mc_cli_usage_error(cli, "--collect takes no files");
    fputs(mc_config_collect_script, stdout);
    return MC_EXIT_OK;
  }
  if(cli->nargs == 0)
    return mc_cli_usage_error(cli, "config needs FILE... (or --collect for the commands that "
                              "make them)");
  struct mc_buf *bufs = mc_xcalloc(cli->nargs, sizeof *bufs);
  struct mc_config_input *in = mc_xcalloc(cli->nargs, sizeof *in);
  int rc = 0;
  for(size_t i = 0; i < cli->nargs && !rc; i++) {
    mc_buf_init(&bufs[i], MC_CONFIG_FILE_LIMIT);
    rc = read_file(cli->args[i], &bufs[i]);
    in[i].name = cli->args[i];
    in[i].data = bufs[i].ptr ? bufs[i].ptr : "";
    in[i].len = bufs[i].len;
  }
  if(!rc)
    rc = mc_cli_finish(cli, mc_config_check(in, cli->nargs));
  for(size_t i = 0; i < cli->nargs; i++)
    mc_buf_release(&bufs[i]);
  free(bufs);
  free(in);
  return rc;
}
