/*
 * input.h - opening a file the user named (a log, a config export, a
 * password file, a CA file, a list of ranges) without ever blocking on it.
 *
 * Inputs are regular files, folders where the caller takes folders, or "-"
 * for standard input where the caller reads it. Anything else (a FIFO, a
 * socket, a device) is refused at once with a message that says what it is:
 * opening a FIFO for reading would wait forever for a writer. Every place
 * that opens a user-named input goes through here.
 */
#ifndef MC_UTIL_INPUT_H
#define MC_UTIL_INPUT_H

#include <stddef.h>
#include <sys/stat.h>

#include "util/util.h"

/* What an input may be, besides a regular file. */
enum {
  MC_INPUT_DIR = 1 << 0,     /* a folder (the caller reads what is in it) */
  MC_INPUT_STDIN = 1 << 1    /* "-": standard input, whatever it is */
};

/* Opens path for reading: O_NONBLOCK open (so a FIFO cannot hang), fstat,
 * then keeps a regular file, a folder (with MC_INPUT_DIR) or "-" (with
 * MC_INPUT_STDIN: *fd is then STDIN_FILENO, which the caller must not close).
 * On success *fd reads in blocking mode and *st describes it. On failure
 * *fd is -1 and err holds the reason without the path, for the caller's
 * "cannot read 'PATH': <reason>": the system's error text, or "it is a FIFO
 * (named pipe), not a file: give a regular file or ...". MC_ERR_USAGE for a
 * file of the wrong kind, MC_ERR_IO when the system refused. */
mc_code mc_input_open(const char *path, unsigned allow, int *fd, struct stat *st,
                      char *err, size_t errlen);

/* The same decision for a path handed on to a library (OpenSSL reads the CA
 * file itself): opens, checks and closes. */
mc_code mc_input_check(const char *path, unsigned allow, char *err, size_t errlen);

/* Reads the whole of an input (mc_input_open, then read to the end) into b,
 * whose limit bounds it: MC_ERR_LIMIT when it holds more (err not set, the
 * caller says what the limit is for), else as mc_input_open, or MC_ERR_IO
 * with the system's reason when a read fails. */
mc_code mc_input_read(const char *path, unsigned allow, struct mc_buf *b, char *err,
                      size_t errlen);

#endif
