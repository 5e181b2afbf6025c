/*
 * input.c - the one gate for files the user names: never block on a FIFO,
 * refuse sockets and devices at once, keep regular files, folders and "-"
 * where the caller allows them. See input.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util/input.h"

static const char *kind(mode_t m)
{
  if(S_ISFIFO(m))
    return "a FIFO (named pipe)";
  if(S_ISSOCK(m))
    return "a socket";
  if(S_ISCHR(m))
    return "a character device";
  if(S_ISBLK(m))
    return "a block device";
  return "something other than a regular file";
}

static const char *wanted(unsigned allow)
{
  if((allow & MC_INPUT_DIR) && (allow & MC_INPUT_STDIN))
    return "give a regular file, a folder or '-' for standard input";
  if(allow & MC_INPUT_DIR)
    return "give a regular file or a folder";
  if(allow & MC_INPUT_STDIN)
    return "give a regular file or '-' for standard input";
  return "give a regular file";
}

mc_code mc_input_open(const char *path, unsigned allow, int *fd, struct stat *st,
                      char *err, size_t errlen)
{
  mc_code rc = MC_OK;
  *fd = -1;
  if((allow & MC_INPUT_STDIN) && strcmp(path, "-") == 0) {
    if(fstat(STDIN_FILENO, st) != 0) {
      snprintf(err, errlen, "%s", strerror(errno));
      return MC_ERR_IO;
    }
    *fd = STDIN_FILENO;
    return MC_OK;
  }
  int f = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if(f < 0) {
    snprintf(err, errlen, "%s", strerror(errno));
    return MC_ERR_IO;
  }
  if(fstat(f, st) != 0) {
    snprintf(err, errlen, "%s", strerror(errno));
    rc = MC_ERR_IO;
    goto out;
  }
  bool ok = S_ISREG(st->st_mode) || ((allow & MC_INPUT_DIR) && S_ISDIR(st->st_mode));
  if(!ok && S_ISDIR(st->st_mode))
    snprintf(err, errlen, "it is a folder; give the files in it");
  else if(!ok)
    snprintf(err, errlen, "it is %s, not a file: %s", kind(st->st_mode), wanted(allow));
  if(!ok) {
    rc = MC_ERR_USAGE;
    goto out;
  }
  int fl = fcntl(f, F_GETFL);
  if(fl < 0 || fcntl(f, F_SETFL, fl & ~O_NONBLOCK) != 0) {
    snprintf(err, errlen, "%s", strerror(errno));
    rc = MC_ERR_IO;
    goto out;
  }
  *fd = f;
  f = -1;
out:
  if(f >= 0)
    close(f);
  return rc;
}

mc_code mc_input_check(const char *path, unsigned allow, char *err, size_t errlen)
{
  int fd;
  struct stat st;
  mc_code rc = mc_input_open(path, allow, &fd, &st, err, errlen);
  if(rc == MC_OK && fd != STDIN_FILENO)
    close(fd);
  return rc;
}

mc_code mc_input_read(const char *path, unsigned allow, struct mc_buf *b, char *err,
                      size_t errlen)
{
  int fd;
  struct stat st;
  mc_code rc = mc_input_open(path, allow & ~(unsigned)MC_INPUT_DIR, &fd, &st, err, errlen);
  if(rc)
    return rc;
  char chunk[65536];
  for(;;) {
    ssize_t n = read(fd, chunk, sizeof chunk);
    if(n < 0 && errno == EINTR)
      continue;
    if(n < 0) {
      snprintf(err, errlen, "%s", strerror(errno));
      rc = MC_ERR_IO;
      break;
    }
    if(n == 0)
      break;
    rc = mc_buf_add(b, chunk, (size_t)n);
    if(rc)
      break;
  }
  if(fd != STDIN_FILENO)
    close(fd);
  return rc;
}
