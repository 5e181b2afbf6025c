/*
 * win/sys/mman.h - mmap on Windows (win/posix.c): zeroed anonymous memory
 * (VirtualAlloc), the big tables of lib/logs; files are read, never
 * mapped. madvise is accepted and does nothing.
 */
#ifndef MC_UTIL_WIN_SYS_MMAN_H
#define MC_UTIL_WIN_SYS_MMAN_H

#include <stddef.h>

#define PROT_READ 1
#define PROT_WRITE 2
#define MAP_SHARED 1
#define MAP_PRIVATE 2
#define MAP_ANONYMOUS 0x20
#define MAP_ANON MAP_ANONYMOUS
#define MAP_FAILED ((void *)-1)
#define MADV_NORMAL 0
#define MADV_SEQUENTIAL 2
#define MADV_WILLNEED 3
#define MADV_DONTNEED 4

/* MAP_ANONYMOUS memory (fd -1); nothing else (EINVAL). */
void *mc_win_mmap(void *addr, size_t len, int prot, int flags, int fd, long long off);
int mc_win_munmap(void *addr, size_t len);
int mc_win_madvise(void *addr, size_t len, int advice);
#define mmap(a, n, prot, flags, fd, off) mc_win_mmap(a, n, prot, flags, fd, off)
#define munmap(a, n) mc_win_munmap(a, n)
#define madvise(a, n, adv) mc_win_madvise(a, n, adv)
#define posix_madvise(a, n, adv) mc_win_madvise(a, n, adv)

#endif
