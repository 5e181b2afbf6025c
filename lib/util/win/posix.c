/*
 * win/posix.c - the POSIX calls of win/posix.h, sys/mman.h and dirent.h on
 * top of the wide-character Windows API: UTF-8 paths in, UTF-16 to Windows,
 * the \\?\ prefix for paths longer than MAX_PATH, binary files,
 * VirtualAlloc for anonymous mmap, FindFirstFileW for directories.
 */
#include <windows.h>

#include <stdarg.h>
#include <wchar.h>

#include "util/util.h"
#include "sys/mman.h"
#include "dirent.h"

/* ---- strings ---- */

wchar_t *mc_win_wide(const char *s)
{
  int n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, NULL, 0);
  if(n <= 0)
    return NULL;
  wchar_t *w = mc_xmalloc((size_t)n * sizeof *w);
  MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, w, n);
  return w;
}

char *mc_win_utf8(const wchar_t *w)
{
  int n = WideCharToMultiByte(CP_UTF8, 0, w, -1, NULL, 0, NULL, NULL);
  if(n <= 0)
    return NULL;
  char *s = mc_xmalloc((size_t)n);
  WideCharToMultiByte(CP_UTF8, 0, w, -1, s, n, NULL, NULL);
  return s;
}

static bool is_sep(wchar_t c)
{
  return c == L'\\' || c == L'/';
}

/* The full path with the long-path prefix, for a path Windows would refuse
 * as too long: \\?\C:\... or \\?\UNC\server\share\... (separators made
 * backslashes and . and .. resolved first, which the prefix turns off). */
static wchar_t *long_form(const wchar_t *w)
{
  DWORD n = GetFullPathNameW(w, 0, NULL, NULL);
  if(n == 0)
    return NULL;
  wchar_t *full = mc_xmalloc(((size_t)n + 8) * sizeof *full);
  DWORD got = GetFullPathNameW(w, n, full + 8, NULL);
  if(got == 0 || got >= n) {
    free(full);
    return NULL;
  }
  wchar_t *p = full + 8;
  if(p[0] == L'\\' && p[1] == L'\\' && p[2] == L'?' && p[3] == L'\\')
    return memmove(full, p, ((size_t)got + 1) * sizeof *full);
  if(p[0] == L'\\' && p[1] == L'\\') {          /* \\server\share -> \\?\UNC\server\share */
    wchar_t *start = p - 6;
    memcpy(start, L"\\\\?\\UNC", 7 * sizeof *start);
    memmove(full, start, ((size_t)got + 7) * sizeof *full);
    return full;
  }
  wchar_t *start = p - 4;
  memcpy(start, L"\\\\?\\", 4 * sizeof *start);
  memmove(full, start, ((size_t)got + 5) * sizeof *full);
  return full;
}

wchar_t *mc_win_wide_path(const char *path)
{
  wchar_t *w = mc_win_wide(path);
  if(!w)
    return NULL;
  size_t n = wcslen(w);
  /* MAX_PATH counts the terminating NUL; a folder may be 12 less (8.3 room). */
  if(n >= MAX_PATH - 12 && !(n >= 4 && w[0] == L'\\' && w[1] == L'\\' && w[2] == L'?' &&
                             w[3] == L'\\')) {
    wchar_t *l = long_form(w);
    if(l) {
      free(w);
      return l;
    }
  }
  return w;
}

static int errno_of(DWORD e)
{
  switch(e) {
  case ERROR_FILE_NOT_FOUND:
  case ERROR_PATH_NOT_FOUND:
  case ERROR_INVALID_NAME:
  case ERROR_BAD_NETPATH:
  case ERROR_BAD_NET_NAME:
  case ERROR_INVALID_DRIVE:
    return ENOENT;
  case ERROR_ACCESS_DENIED:
  case ERROR_SHARING_VIOLATION:
  case ERROR_LOCK_VIOLATION:
    return EACCES;
  case ERROR_FILENAME_EXCED_RANGE:
    return ENAMETOOLONG;
  case ERROR_NOT_ENOUGH_MEMORY:
  case ERROR_OUTOFMEMORY:
    return ENOMEM;
  default:
    return EIO;
  }
}

/* ---- files ---- */

int mc_win_stat(const char *path, struct mc_win_stat *st)
{
  wchar_t *w = mc_win_wide_path(path);
  if(!w) {
    errno = ENOENT;
    return -1;
  }
  WIN32_FILE_ATTRIBUTE_DATA a;
  BOOL ok = GetFileAttributesExW(w, GetFileExInfoStandard, &a);
  DWORD e = GetLastError();
  free(w);
  if(!ok) {
    errno = errno_of(e);
    return -1;
  }
  memset(st, 0, sizeof *st);
  st->st_mode = (a.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) ? _S_IFDIR : _S_IFREG;
  st->st_mode |= _S_IREAD | ((a.dwFileAttributes & FILE_ATTRIBUTE_READONLY) ? 0 : _S_IWRITE);
  st->st_size = (int64_t)(((uint64_t)a.nFileSizeHigh << 32) | a.nFileSizeLow);
  uint64_t ft = ((uint64_t)a.ftLastWriteTime.dwHighDateTime << 32) |
                a.ftLastWriteTime.dwLowDateTime;
  st->st_mtime = (time_t)(ft / 10000000ull - 11644473600ull);
  return 0;
}

int mc_win_fstat(int fd, struct mc_win_stat *st)
{
  struct _stat64 s;
  if(_fstat64(fd, &s) != 0)
    return -1;
  memset(st, 0, sizeof *st);
  st->st_mode = s.st_mode;
  st->st_size = s.st_size;
  st->st_mtime = s.st_mtime;
  return 0;
}

int mc_win_open(const char *path, int flags, ...)
{
  int mode = 0;
  if(flags & _O_CREAT) {
    va_list ap;
    va_start(ap, flags);
    mode = va_arg(ap, int);
    va_end(ap);
  }
  wchar_t *w = mc_win_wide_path(path);
  if(!w) {
    errno = ENOENT;
    return -1;
  }
  int fd = _wopen(w, flags | _O_BINARY | _O_NOINHERIT, mode);
  free(w);
  return fd;
}

ssize_t mc_win_pread(int fd, void *buf, size_t n, int64_t offset)
{
  /* One ReadFile() at the offset: safe from several threads on one
     descriptor, as POSIX pread() is (lib/logs reads a file's ranges so).
     A seek, a read and a seek back raced: two threads read each other's
     bytes. Unlike POSIX, the file position moves; nothing mixes pread()
     with read() on one descriptor. */
  HANDLE h = (HANDLE)_get_osfhandle(fd);
  if(h == INVALID_HANDLE_VALUE) {
    errno = EBADF;
    return -1;
  }
  OVERLAPPED ov;
  memset(&ov, 0, sizeof ov);
  ov.Offset = (DWORD)((uint64_t)offset & 0xffffffffu);
  ov.OffsetHigh = (DWORD)((uint64_t)offset >> 32);
  DWORD got = 0;
  if(!ReadFile(h, buf, n > 0x7fffffffu ? 0x7fffffffu : (DWORD)n, &got, &ov)) {
    DWORD e = GetLastError();
    if(e == ERROR_HANDLE_EOF)
      return 0;
    errno = errno_of(e);
    return -1;
  }
  return (ssize_t)got;
}

FILE *mc_win_fopen(const char *path, const char *mode)
{
  wchar_t wmode[16];
  size_t k = 0;
  bool binary = false;
  for(const char *m = mode; *m && k + 3 < sizeof wmode / sizeof wmode[0]; m++) {
    binary = binary || *m == 'b';
    if(*m != 't')
      wmode[k++] = (wchar_t)(unsigned char)*m;
  }
  if(!binary)
    wmode[k++] = L'b';
  wmode[k++] = L'N';              /* not inherited by child processes */
  wmode[k] = 0;
  wchar_t *w = mc_win_wide_path(path);
  if(!w) {
    errno = ENOENT;
    return NULL;
  }
  FILE *f = _wfopen(w, wmode);
  free(w);
  return f;
}

int mc_win_access(const char *path, int mode)
{
  wchar_t *w = mc_win_wide_path(path);
  if(!w) {
    errno = ENOENT;
    return -1;
  }
  int rc = _waccess(w, mode & (R_OK | 2));
  free(w);
  return rc;
}

char *mc_win_realpath(const char *path, char *resolved)
{
  wchar_t *w = mc_win_wide_path(path);
  if(!w) {
    errno = ENOENT;
    return NULL;
  }
  if(GetFileAttributesW(w) == INVALID_FILE_ATTRIBUTES) {
    errno = errno_of(GetLastError());
    free(w);
    return NULL;
  }
  DWORD n = GetFullPathNameW(w, 0, NULL, NULL);
  wchar_t *full = n ? mc_xmalloc((size_t)n * sizeof *full) : NULL;
  DWORD got = full ? GetFullPathNameW(w, n, full, NULL) : 0;
  free(w);
  if(got == 0 || got >= n) {
    free(full);
    errno = ENOENT;
    return NULL;
  }
  wchar_t *p = full;
  if(wcsncmp(p, L"\\\\?\\UNC\\", 8) == 0) {
    p += 6;
    p[0] = L'\\';
  }
  else if(wcsncmp(p, L"\\\\?\\", 4) == 0)
    p += 4;
  size_t len = wcslen(p);
  while(len > 3 && is_sep(p[len - 1]))
    p[--len] = 0;
  for(wchar_t *q = p; *q; q++) {
    if(*q == L'\\')
      *q = L'/';
  }
  char *s = mc_win_utf8(p);
  free(full);
  if(!s) {
    errno = EILSEQ;
    return NULL;
  }
  if(resolved) {
    mc_strlcpy(resolved, s, MAX_PATH);
    free(s);
    return resolved;
  }
  return s;
}

long mc_win_sysconf(int name)
{
  SYSTEM_INFO si;
  GetSystemInfo(&si);
  if(name == _SC_PAGESIZE)
    return (long)si.dwPageSize;
  if(name == _SC_NPROCESSORS_ONLN)
    return (long)si.dwNumberOfProcessors;
  errno = EINVAL;
  return -1;
}

void *mc_win_memmem(const void *hay, size_t n, const void *needle, size_t m)
{
  const unsigned char *h = hay, *nd = needle;
  if(m == 0)
    return (void *)hay;
  while(n >= m) {
    const unsigned char *p = memchr(h, nd[0], n - m + 1);
    if(!p)
      return NULL;
    if(memcmp(p, nd, m) == 0)
      return (void *)p;
    n -= (size_t)(p - h) + 1;
    h = p + 1;
  }
  return NULL;
}

static void merge_sort(char *a, char *tmp, size_t n, size_t size,
                       int (*cmp)(const void *, const void *))
{
  if(n < 2)
    return;
  size_t h = n / 2;
  merge_sort(a, tmp, h, size, cmp);
  merge_sort(a + h * size, tmp, n - h, size, cmp);
  size_t i = 0, j = h, k = 0;
  while(i < h && j < n) {
    /* Take from the right only when strictly smaller: stable. */
    if(cmp(a + j * size, a + i * size) < 0)
      memcpy(tmp + k++ * size, a + j++ * size, size);
    else
      memcpy(tmp + k++ * size, a + i++ * size, size);
  }
  while(i < h)
    memcpy(tmp + k++ * size, a + i++ * size, size);
  /* What is left on the right is already in place. */
  memcpy(a, tmp, k * size);
}

void mc_win_qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
  if(n < 2 || size == 0)
    return;
  char *tmp = mc_xmalloc(n * size);
  merge_sort(base, tmp, n, size, cmp);
  free(tmp);
}

void mc_win_explicit_bzero(void *p, size_t n)
{
  SecureZeroMemory(p, n);
}

void *mc_win_memrchr(const void *p, int c, size_t n)
{
  const unsigned char *s = p;
  while(n > 0) {
    if(s[--n] == (unsigned char)c)
      return (void *)(s + n);
  }
  return NULL;
}

/* ---- mmap ---- */

void *mc_win_mmap(void *addr, size_t len, int prot, int flags, int fd, long long off)
{
  (void)addr;
  (void)fd;
  (void)off;
  if(len == 0 || !(flags & MAP_ANONYMOUS)) {
    errno = EINVAL;               /* files are read, never mapped (lib/logs/scan.c) */
    return MAP_FAILED;
  }
  void *p = VirtualAlloc(NULL, len, MEM_COMMIT | MEM_RESERVE,
                         (prot & PROT_WRITE) ? PAGE_READWRITE : PAGE_READONLY);
  if(!p) {
    errno = ENOMEM;
    return MAP_FAILED;
  }
  return p;                       /* zeroed, as anonymous mappings are */
}

int mc_win_munmap(void *addr, size_t len)
{
  (void)len;
  return VirtualFree(addr, 0, MEM_RELEASE) ? 0 : -1;
}

int mc_win_madvise(void *addr, size_t len, int advice)
{
  (void)addr;
  (void)len;
  (void)advice;
  return 0;
}

/* ---- directories ---- */

struct mc_win_dir {
  HANDLE h;
  bool first;                     /* ent holds the first entry, not yet returned */
  WIN32_FIND_DATAW fd;
  struct dirent ent;
};

DIR *mc_win_opendir(const char *path)
{
  char *pattern = mc_xasprintf("%s%s*", path,
                               *path && strchr("\\/", path[strlen(path) - 1]) ? "" : "\\");
  wchar_t *w = mc_win_wide_path(pattern);
  free(pattern);
  if(!w) {
    errno = ENOENT;
    return NULL;
  }
  DIR *d = mc_xcalloc(1, sizeof *d);
  d->h = FindFirstFileExW(w, FindExInfoBasic, &d->fd, FindExSearchNameMatch, NULL, 0);
  DWORD e = GetLastError();
  free(w);
  if(d->h == INVALID_HANDLE_VALUE) {
    free(d);
    errno = e == ERROR_FILE_NOT_FOUND ? 0 : errno_of(e);
    if(errno == 0)                /* an empty folder has no entry at all */
      return mc_xcalloc(1, sizeof(DIR));
    return NULL;
  }
  d->first = true;
  return d;
}

struct dirent *mc_win_readdir(DIR *d)
{
  for(;;) {
    if(!d->h || d->h == INVALID_HANDLE_VALUE)
      return NULL;
    if(!d->first && !FindNextFileW(d->h, &d->fd))
      return NULL;
    d->first = false;
    char *s = mc_win_utf8(d->fd.cFileName);
    if(!s)
      continue;
    mc_strlcpy(d->ent.d_name, s, sizeof d->ent.d_name);
    free(s);
    return &d->ent;
  }
}

int mc_win_closedir(DIR *d)
{
  if(d->h && d->h != INVALID_HANDLE_VALUE)
    FindClose(d->h);
  free(d);
  return 0;
}
