/*
 * replay.c - runs a fuzz target over files, without libFuzzer, so that the
 * normal test run replays every seed corpus (and every crash once found).
 *
 *   fuzz_NAME DIR|FILE...
 *
 * Each regular file (directories are read one level deep) is fed once to
 * LLVMFuzzerTestOneInput. Files over 16 MiB are skipped with a message.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REPLAY_MAX (16u << 20)

static int run_file(const char *path)
{
  FILE *f = fopen(path, "rb");
  if(!f) {
    fprintf(stderr, "replay: cannot open '%s'\n", path);
    return 1;
  }
  uint8_t *buf = malloc(REPLAY_MAX);
  if(!buf) {
    fclose(f);
    return 1;
  }
  size_t n = fread(buf, 1, REPLAY_MAX, f);
  int big = !feof(f);
  fclose(f);
  if(big) {
    fprintf(stderr, "replay: '%s' is over 16 MiB, skipped\n", path);
    free(buf);
    return 0;
  }
  /* Copy to an exact-size block so ASan sees reads past the end. */
  uint8_t *exact = malloc(n ? n : 1);
  if(!exact) {
    free(buf);
    return 1;
  }
  memcpy(exact, buf, n);
  free(buf);
  LLVMFuzzerTestOneInput(exact, n);
  free(exact);
  return 0;
}

int main(int argc, char **argv)
{
  int failures = 0;
  unsigned count = 0;
  for(int i = 1; i < argc; i++) {
    struct stat st;
    if(stat(argv[i], &st) != 0) {
      fprintf(stderr, "replay: no such file or folder '%s'\n", argv[i]);
      failures++;
      continue;
    }
    if(!S_ISDIR(st.st_mode)) {
      failures += run_file(argv[i]);
      count++;
      continue;
    }
    DIR *d = opendir(argv[i]);
    if(!d) {
      failures++;
      continue;
    }
    struct dirent *e;
    while((e = readdir(d))) {
      if(e->d_name[0] == '.')
        continue;
      char path[4096];
      snprintf(path, sizeof path, "%s/%s", argv[i], e->d_name);
      if(stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
        failures += run_file(path);
        count++;
      }
    }
    closedir(d);
  }
  printf("replayed %u inputs, %d could not be read\n", count, failures);
  return failures ? 1 : (count ? 0 : 1);
}
