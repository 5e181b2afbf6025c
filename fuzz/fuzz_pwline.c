/*
 * fuzz_pwline.c - the password line reader (lib/util/secret.c): any bytes,
 * with and without byte order marks, give a line of at most max bytes with
 * no LF in it, or NULL with a reason; never more is read than the line.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "util/secret.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void one(int fd, bool boms)
{
  enum { MAX = 64 };
  char *line = (char *)1;
  if(lseek(fd, 0, SEEK_SET) != 0)
    abort();
  enum mc_secret_line r = mc_secret_read_line(fd, MAX, boms, &line);
  if(r == MC_SECRET_LINE_OK) {
    if(!line || strlen(line) > MAX || strchr(line, '\n'))
      abort();
  }
  else if(line)
    abort();
  mc_secret_free_str(line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if(size > 4096)
    return 0;
  int fd = memfd_create("pwline", MFD_CLOEXEC);
  if(fd < 0)
    return 0;
  if(write(fd, data, size) == (ssize_t)size) {
    one(fd, true);
    one(fd, false);
  }
  close(fd);
  return 0;
}
