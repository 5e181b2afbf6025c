/*
 * plat.h - the few things that differ between Linux/macOS and Windows and
 * that the commands ask for by name: the program's arguments as UTF-8, the
 * console (UTF-8 output, whether it understands colour sequences, its
 * width), the standard log folders of the machine, random bytes, and
 * joining a folder and a name with the folder's own separator.
 *
 * plat_posix.c and plat_win.c implement it. On Windows the plain POSIX calls
 * the offline commands make (open, stat, mmap, opendir, fopen, realpath...)
 * are redirected to wide-character Windows calls by win/posix.h, so lib/logs
 * and lib/config stay the same code on both.
 */
#ifndef MC_UTIL_PLAT_H
#define MC_UTIL_PLAT_H

#include <stdbool.h>
#include <stddef.h>

#include "util/util.h"

/* At the start of main(). Windows: replaces argv by the command line read as
 * UTF-16 and converted to UTF-8 (non-ASCII paths and texts survive), makes
 * stdout and stderr binary (the same bytes as on Linux: \n, not \r\n),
 * switches the console to UTF-8 output and turns on its colour sequences
 * where it has them. Elsewhere: nothing. */
void mc_plat_init(int *argc, char ***argv);

/* Whether fd is a terminal that shows ANSI colour and cursor sequences. */
bool mc_plat_ansi_tty(int fd);

/* Whether fd is a terminal (a console on Windows, where isatty() also says
 * yes for the NUL device). */
bool mc_plat_is_terminal(int fd);

/* The terminal's width in columns, or 0 when fd is not a terminal. */
int mc_plat_term_width(int fd);

/* The standard folders that hold this machine's IIS, HTTPERR and Exchange
 * HttpProxy logs and exist here (Windows; none elsewhere). Returns how many;
 * *dirs (an array of strings, each freed with free(), then the array) is set
 * only when there is at least one. tried, when not NULL, receives the folders
 * looked at, separated by ", ". */
size_t mc_plat_default_log_dirs(char ***dirs, struct mc_buf *tried);

/* This machine's name (Windows: the NetBIOS name, as in a UNC path and in
 * IIS's s-computername), or NULL. The caller frees it. */
char *mc_plat_computer_name(void);

/* n random bytes from the operating system. */
mc_code mc_plat_random(void *p, size_t n);

/* The last part of a path: after the last / (or \\ on Windows). */
const char *mc_path_base(const char *path);

/* path without a leading \\?\ or \\.\ (Windows' long-path and device
 * prefixes); after \\?\UNC\ the rest is SERVER\SHARE\... and *unc is set. */
const char *mc_path_skip_prefix(const char *path, bool *unc);

/* dir and name joined with one separator: a backslash when dir is written
 * with backslashes (a Windows path), else a slash. The caller frees it. */
char *mc_path_join(const char *dir, const char *name);

#endif
