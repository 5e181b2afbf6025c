/*
 * plat_win.c - plat.h on Windows: the command line as UTF-8, a console that
 * prints UTF-8 and colour sequences (virtual terminal processing, Windows 10
 * and Server 2016 on; older consoles get no colours), its width, the
 * standard IIS, HTTPERR and Exchange HttpProxy log folders, random bytes
 * from BCryptGenRandom.
 */
#include <winsock2.h>
#include <windows.h>

#include <bcrypt.h>
#include <fcntl.h>
#include <io.h>
#include <shellapi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "util/plat.h"

#ifndef ENABLE_VIRTUAL_TERMINAL_PROCESSING
#define ENABLE_VIRTUAL_TERMINAL_PROCESSING 0x0004
#endif

static bool vt_on[3];             /* per fd 0..2: colour sequences are shown */
/* What the console had before, given back at exit: the code page and modes
 * belong to the console window, which outlives migcheck. */
static UINT saved_cp;
static HANDLE saved_h[3];
static DWORD saved_mode[3];

static void console_vt(int fd)
{
  HANDLE h = (HANDLE)_get_osfhandle(fd);
  DWORD mode;
  if(h == INVALID_HANDLE_VALUE || !GetConsoleMode(h, &mode))
    return;
  if(mode & ENABLE_VIRTUAL_TERMINAL_PROCESSING)
    vt_on[fd] = true;
  else if(SetConsoleMode(h, mode | ENABLE_VIRTUAL_TERMINAL_PROCESSING)) {
    vt_on[fd] = true;
    saved_h[fd] = h;
    saved_mode[fd] = mode;
  }
}

static void console_restore(void)
{
  fflush(stdout);
  fflush(stderr);
  for(int fd = 1; fd < 3; fd++) {
    if(saved_h[fd])
      SetConsoleMode(saved_h[fd], saved_mode[fd]);
  }
  if(saved_cp)
    SetConsoleOutputCP(saved_cp);
}

void mc_plat_init(int *argc, char ***argv)
{
  int n = 0;
  wchar_t **w = CommandLineToArgvW(GetCommandLineW(), &n);
  if(w && n > 0) {
    /* Kept for the life of the process, as argv is. */
    char **v = mc_xcalloc((size_t)n + 1, sizeof *v);
    for(int i = 0; i < n; i++) {
      v[i] = mc_win_utf8(w[i]);
      if(!v[i])
        v[i] = mc_xstrdup("");
    }
    *argc = n;
    *argv = v;
  }
  if(w)
    LocalFree(w);
  /* Winsock for inet_pton/inet_ntop (--cloud-ranges, client addresses);
   * migcheck.exe opens no socket. */
  WSADATA wsa;
  WSAStartup(MAKEWORD(2, 2), &wsa);
  _setmode(_fileno(stdout), _O_BINARY);
  _setmode(_fileno(stderr), _O_BINARY);
  _setmode(_fileno(stdin), _O_BINARY);
  saved_cp = GetConsoleOutputCP();       /* 0 without a console */
  if(saved_cp == CP_UTF8 || !SetConsoleOutputCP(CP_UTF8))
    saved_cp = 0;
  console_vt(1);
  console_vt(2);
  atexit(console_restore);
}

bool mc_plat_ansi_tty(int fd)
{
  return fd >= 0 && fd < 3 && vt_on[fd] && _isatty(fd);
}

bool mc_plat_is_terminal(int fd)
{
  HANDLE h = (HANDLE)_get_osfhandle(fd);
  DWORD mode;
  return h != INVALID_HANDLE_VALUE && GetConsoleMode(h, &mode);
}

int mc_plat_term_width(int fd)
{
  HANDLE h = (HANDLE)_get_osfhandle(fd);
  CONSOLE_SCREEN_BUFFER_INFO ci;
  if(h == INVALID_HANDLE_VALUE || !GetConsoleScreenBufferInfo(h, &ci))
    return 0;
  int w = ci.srWindow.Right - ci.srWindow.Left + 1;
  return w > 0 ? w : 0;
}

/* An environment variable as UTF-8 ("" when unset). */
static char *env_utf8(const wchar_t *name)
{
  const wchar_t *v = _wgetenv(name);
  char *s = v ? mc_win_utf8(v) : NULL;
  return s ? s : mc_xstrdup("");
}

static bool is_dir(const char *path)
{
  wchar_t *w = mc_win_wide_path(path);
  DWORD a = w ? GetFileAttributesW(w) : INVALID_FILE_ATTRIBUTES;
  free(w);
  return a != INVALID_FILE_ATTRIBUTES && (a & FILE_ATTRIBUTE_DIRECTORY);
}

size_t mc_plat_default_log_dirs(char ***dirs, struct mc_buf *tried)
{
  char *drive = env_utf8(L"SystemDrive");
  char *root = env_utf8(L"SystemRoot");
  char *exch = env_utf8(L"ExchangeInstallPath");
  char *cand[3];
  size_t nc = 0, n = 0;
  /* IIS's default log folder (W3SVC1, W3SVC2 ... under it). */
  cand[nc++] = mc_xasprintf("%s\\inetpub\\logs\\LogFiles", *drive ? drive : "C:");
  /* HTTP.sys's error log. */
  cand[nc++] = mc_xasprintf("%s\\System32\\LogFiles\\HTTPERR", *root ? root : "C:\\Windows");
  /* Exchange's front end proxy logs (Exchange 2013 and later), set up by
   * Exchange setup as ExchangeInstallPath (ends with a backslash). */
  if(*exch)
    cand[nc++] = mc_xasprintf("%s%sLogging\\HttpProxy", exch,
                              exch[strlen(exch) - 1] == '\\' ? "" : "\\");
  char **out = mc_xcalloc(nc, sizeof *out);
  for(size_t i = 0; i < nc; i++) {
    if(tried)
      mc_buf_printf(tried, "%s%s", i ? ", " : "", cand[i]);
    if(is_dir(cand[i]))
      out[n++] = cand[i];
    else
      free(cand[i]);
  }
  free(drive);
  free(root);
  free(exch);
  if(n == 0) {
    free(out);
    return 0;
  }
  *dirs = out;
  return n;
}

char *mc_plat_computer_name(void)
{
  wchar_t name[MAX_COMPUTERNAME_LENGTH + 1];
  DWORD n = sizeof name / sizeof name[0];
  if(!GetComputerNameW(name, &n) || n == 0)
    return NULL;
  return mc_win_utf8(name);
}

mc_code mc_plat_random(void *p, size_t n)
{
  if(n > ULONG_MAX)
    return MC_ERR_USAGE;
  NTSTATUS st = BCryptGenRandom(NULL, p, (ULONG)n, BCRYPT_USE_SYSTEM_PREFERRED_RNG);
  return st >= 0 ? MC_OK : MC_ERR_INTERNAL;
}

const char *mc_path_base(const char *path)
{
  const char *base = path;
  for(const char *p = path; *p; p++) {
    if(*p == '/' || *p == '\\' || (p == path + 1 && *p == ':'))
      base = p + 1;
  }
  return base;
}

char *mc_path_join(const char *dir, const char *name)
{
  size_t n = strlen(dir);
  if(n > 0 && (dir[n - 1] == '\\' || dir[n - 1] == '/'))
    return mc_xasprintf("%s%s", dir, name);
  /* A folder written with / (as the tests and MSYS write it) keeps them. */
  bool slash = strchr(dir, '/') && !strchr(dir, '\\');
  return mc_xasprintf("%s%c%s", dir, slash ? '/' : '\\', name);
}
