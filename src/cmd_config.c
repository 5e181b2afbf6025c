/*
 * cmd_config.c - migcheck config FILE|FOLDER... | --collect: reads each file
 * (up to MC_CONFIG_FILE_LIMIT bytes; "-" is standard input; a folder, such
 * as the one --collect's script fills, stands for the regular files in it,
 * in name order, hidden ones and subfolders left out) and hands the bytes
 * to lib/config, which recognises and checks them. A file that cannot be
 * opened or is too large stops the command (exit 3); content that cannot
 * be read (binary, empty, unknown) is reported as such in the report.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "config/config.h"
#include "util/input.h"

/* The most files one folder may contribute. */
#define FOLDER_FILES 1000

static int read_file(const char *path, struct mc_buf *b)
{
  char why[160];
  mc_code rc = mc_input_read(path, MC_INPUT_STDIN, b, why, sizeof why);
  if(rc == MC_ERR_LIMIT)
    return mc_cli_cannot("cannot read '%s': larger than %zu MiB, which no PowerShell or "
                         "registry output for this check is", path, MC_CONFIG_FILE_LIMIT >> 20);
  if(rc)
    return mc_cli_cannot("cannot read '%s': %s", path, why);
  return 0;
}

static int by_name(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Appends path, or the regular files of the folder path, to *paths. */
static int expand(const char *path, char ***paths, size_t *n)
{
  struct stat st;
  if(strcmp(path, "-") == 0 || stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
    *paths = mc_xrealloc(*paths, (*n + 1) * sizeof **paths);
    (*paths)[(*n)++] = mc_xstrdup(path);
    return 0;
  }
  DIR *d = opendir(path);
  if(!d)
    return mc_cli_cannot("cannot read '%s': %s", path, strerror(errno));
  size_t first = *n, found = 0;
  struct dirent *e;
  int rc = 0;
  while((e = readdir(d))) {
    if(e->d_name[0] == '.')
      continue;
    char *full = mc_xasprintf("%s/%s", path, e->d_name);
    if(stat(full, &st) != 0 || !S_ISREG(st.st_mode)) {
      free(full);
      continue;
    }
    if(++found > FOLDER_FILES) {
      free(full);
      rc = mc_cli_cannot("cannot read '%s': more than %d files in it, which no --collect "
                         "folder has", path, FOLDER_FILES);
      break;
    }
    *paths = mc_xrealloc(*paths, (*n + 1) * sizeof **paths);
    (*paths)[(*n)++] = full;
  }
  closedir(d);
  if(!rc && !found)
    rc = mc_cli_cannot("cannot read '%s': the folder holds no files ('migcheck config "
                       "--collect' prints the script that fills one)", path);
  if(!rc)
    qsort(*paths + first, *n - first, sizeof **paths, by_name);
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
    return mc_cli_usage_error(cli, "config needs FILE... or FOLDER (or --collect for the "
                              "script that makes them)");
  char **paths = NULL;
  size_t n = 0;
  int rc = 0;
  for(size_t i = 0; i < cli->nargs && !rc; i++)
    rc = expand(cli->args[i], &paths, &n);
  struct mc_buf *bufs = mc_xcalloc(n ? n : 1, sizeof *bufs);
  struct mc_config_input *in = mc_xcalloc(n ? n : 1, sizeof *in);
  for(size_t i = 0; i < n; i++)
    mc_buf_init(&bufs[i], MC_CONFIG_FILE_LIMIT);
  for(size_t i = 0; i < n && !rc; i++) {
    rc = read_file(paths[i], &bufs[i]);
    in[i].name = paths[i];
    in[i].data = bufs[i].ptr ? bufs[i].ptr : "";
    in[i].len = bufs[i].len;
  }
  if(!rc)
    rc = mc_cli_finish(cli, mc_config_check(in, n));
  for(size_t i = 0; i < n; i++) {
    mc_buf_release(&bufs[i]);
    free(paths[i]);
  }
  free(paths);
  free(bufs);
  free(in);
  return rc;
}
