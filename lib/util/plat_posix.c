/*
 * plat_posix.c - plat.h on Linux and macOS: the console is a terminal or not,
 * arguments are already UTF-8, there are no standard log folders, random
 * bytes come from getentropy().
 */
#include "util/plat.h"

#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

void mc_plat_init(int *argc, char ***argv)
{
  (void)argc;
  (void)argv;
}

bool mc_plat_ansi_tty(int fd)
{
  return isatty(fd) == 1;
}

bool mc_plat_is_terminal(int fd)
{
  return isatty(fd);
}

int mc_plat_term_width(int fd)
{
  struct winsize ws;
  if(!isatty(fd) || ioctl(fd, TIOCGWINSZ, &ws) != 0 || ws.ws_col == 0)
    return 0;
  return ws.ws_col;
}

size_t mc_plat_default_log_dirs(char ***dirs, struct mc_buf *tried)
{
  (void)dirs;
  (void)tried;
  return 0;
}

char *mc_plat_computer_name(void)
{
  char name[256];
  if(gethostname(name, sizeof name) != 0)
    return NULL;
  name[sizeof name - 1] = '\0';
  name[strcspn(name, ".")] = '\0';
  return name[0] ? mc_xstrdup(name) : NULL;
}

mc_code mc_plat_random(void *p, size_t n)
{
  unsigned char *out = p;
  while(n > 0) {
    size_t k = n < 256 ? n : 256;    /* getentropy's limit per call */
    if(getentropy(out, k) != 0)
      return MC_ERR_INTERNAL;
    out += k;
    n -= k;
  }
  return MC_OK;
}

const char *mc_path_base(const char *path)
{
  const char *s = strrchr(path, '/');
  return s ? s + 1 : path;
}

char *mc_path_join(const char *dir, const char *name)
{
  size_t n = strlen(dir);
  bool has_sep = n > 0 && dir[n - 1] == '/';
  return mc_xasprintf("%s%s%s", dir, has_sep ? "" : "/", name);
}
