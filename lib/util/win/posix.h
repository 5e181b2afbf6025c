/*
 * win/posix.h - the POSIX calls the offline commands make, on Windows.
 *
 * The Windows build forces this header into every file (-include, see the
 * top meson.build), so lib/logs, lib/config and src/ keep their POSIX code.
 * Paths stay UTF-8 strings everywhere in migcheck; the calls below convert
 * them to UTF-16 and use the wide-character Windows functions, so folders
 * with non-ASCII names work. A path longer than MAX_PATH gets the \\?\ (or
 * \\?\UNC\) prefix, so logs deep in a tree can be read too. Files are always
 * opened in binary mode: the bytes read and written are the same as on
 * Linux. The calls are in win/posix.c; sys/mman.h, dirent.h and arpa/inet.h
 * in this folder stand in for the headers mingw-w64 does not have.
 *
 * It includes only C runtime headers, never windows.h, whose macros would
 * leak into every file.
 */
#ifndef MC_UTIL_WIN_POSIX_H
#define MC_UTIL_WIN_POSIX_H

#include <errno.h>
#include <fcntl.h>
#include <io.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#ifndef O_CLOEXEC
#define O_CLOEXEC 0               /* handles are not inherited (see mc_win_open) */
#endif
#ifndef R_OK
#define R_OK 4
#endif

/* stat, fstat and lstat with 64-bit sizes and UTF-8 paths. mingw-w64 makes
 * stat a macro for _stat64; this one replaces it: "struct stat" becomes
 * struct mc_win_stat, and stat() the function of the same name. The other
 * names are function-like macros, so that a variable or a static function
 * called open or access elsewhere is left alone. */
#undef stat
#undef fstat
struct mc_win_stat {
  unsigned int st_mode;           /* _S_IFDIR or _S_IFREG, and permission bits */
  int64_t st_size;
  time_t st_mtime;
};
#define stat mc_win_stat
#define lstat(path, st) mc_win_stat(path, st)
#define fstat(fd, st) mc_win_fstat(fd, st)
int mc_win_stat(const char *path, struct mc_win_stat *st);
int mc_win_fstat(int fd, struct mc_win_stat *st);

int mc_win_open(const char *path, int flags, ...);
#define open(...) mc_win_open(__VA_ARGS__)
ssize_t mc_win_pread(int fd, void *buf, size_t n, int64_t offset);
#define pread(fd, buf, n, off) mc_win_pread(fd, buf, n, off)
FILE *mc_win_fopen(const char *path, const char *mode);
#define fopen(path, mode) mc_win_fopen(path, mode)
int mc_win_access(const char *path, int mode);
#define access(path, mode) mc_win_access(path, mode)
/* The absolute path, with / separators so that prefix tests on it work as
 * on Linux; NULL (errno ENOENT) when it does not exist. */
char *mc_win_realpath(const char *path, char *resolved);
#define realpath(path, out) mc_win_realpath(path, out)

#define _SC_PAGESIZE 30
#define _SC_NPROCESSORS_ONLN 84
long mc_win_sysconf(int name);
#define sysconf(name) mc_win_sysconf(name)

void *mc_win_memmem(const void *hay, size_t n, const void *needle, size_t m);
#define memmem(h, n, nd, m) mc_win_memmem(h, n, nd, m)
/* A stable sort, as glibc's qsort is (a merge sort): rows that compare equal
 * keep their order, so reports list ties as the Linux build does. */
void mc_win_qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));
#define qsort(base, n, size, cmp) mc_win_qsort(base, n, size, cmp)

/* Zeroes memory the compiler may not optimise away (SecureZeroMemory). */
void mc_win_explicit_bzero(void *p, size_t n);
#define explicit_bzero(p, n) mc_win_explicit_bzero(p, n)

void *mc_win_memrchr(const void *p, int c, size_t n);
#define memrchr(p, c, n) mc_win_memrchr(p, c, n)

/* UTF-8 to UTF-16 and back (malloc'd; NULL on invalid input). The wide path
 * form has the long-path prefix when it needs one. */
wchar_t *mc_win_wide(const char *s);
wchar_t *mc_win_wide_path(const char *path);
char *mc_win_utf8(const wchar_t *w);

#endif
