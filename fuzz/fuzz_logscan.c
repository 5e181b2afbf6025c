/*
 * fuzz_logscan.c - the whole scan and verdicts on one file of any bytes:
 * format detection (W3C, HTTPERR, HttpProxy, UTF-16, no #Fields), .gz
 * (truncated, corrupt, concatenated), long lines, NUL bytes. The input is
 * written to a memory file and scanned by path, once with tiny ranges so
 * that the layout hand-over between ranges is exercised too.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "logs/logs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  int fd = memfd_create("fuzz-log", 0);
  if(fd < 0)
    return 0;
  if(write(fd, data, size) != (ssize_t)size) {
    close(fd);
    return 0;
  }
  char path[64];
  snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
  const char *paths[] = { path };
  struct mc_logs_opts o = { .paths = paths, .npaths = 1, .run_id = "mc-0123456789ab",
                            .threads = 2 };
  struct mc_report *r = mc_check_logs(&o);
  mc_report_free(r);
  o.range_bytes = 97;
  struct mc_logs_scan s;
  mc_logs_scan(&o, &s);
  mc_logs_scan_release(&s);
  close(fd);
  return 0;
}
