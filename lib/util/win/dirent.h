/*
 * win/dirent.h - opendir/readdir/closedir on Windows with UTF-8 names
 * (FindFirstFileW in win/posix.c); mingw-w64's own dirent.h reads names in
 * the ANSI code page, where non-ASCII folder names are lost.
 */
#ifndef MC_UTIL_WIN_DIRENT_H
#define MC_UTIL_WIN_DIRENT_H

struct dirent {
  char d_name[1024];              /* UTF-8: up to 255 UTF-16 units, 3 bytes each */
};
typedef struct mc_win_dir DIR;

DIR *mc_win_opendir(const char *path);
struct dirent *mc_win_readdir(DIR *d);
int mc_win_closedir(DIR *d);
#define opendir mc_win_opendir
#define readdir mc_win_readdir
#define closedir mc_win_closedir

#endif
