/*
 * path.c - path spelling both builds read the same way: Windows' long-path
 * and device prefixes (a path given as \\?\C:\... or \\?\UNC\EX01\...
 * names the same file, and the same server, as without them).
 */
#include "util/plat.h"

#include <strings.h>

const char *mc_path_skip_prefix(const char *path, bool *unc)
{
  *unc = false;
  if((path[0] != '\\' && path[0] != '/') || (path[1] != '\\' && path[1] != '/') ||
     (path[2] != '?' && path[2] != '.') || (path[3] != '\\' && path[3] != '/'))
    return path;
  if(strncasecmp(path + 4, "UNC", 3) == 0 && (path[7] == '\\' || path[7] == '/')) {
    *unc = true;
    return path + 8;
  }
  return path + 4;
}
