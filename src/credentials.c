/*
 * credentials.c - who to sign in as, and the password, for every check that
 * signs in (remote-move, outlook-anywhere, autodiscover).
 *
 * The password never comes from the command line: --password-file FILE
 * (its first line; "-" is standard input; UTF-16 with a byte order mark is
 * decoded, a UTF-8 one dropped; a warning when others can read FILE), else
 * MIGCHECK_PASSWORD (wiped and unset once read, so no child inherits it),
 * else a prompt without echo on the terminal. Reading one first makes the
 * process undumpable; the password lives in a locked buffer that is never
 * reallocated, and the target wipes it on release. It is never printed.
 * The report model removes it (and its encodings) from whatever a server
 * echoes (lib/model/redact.h).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "checks/checks.h"
#include "cli.h"
#include "util/input.h"
#include "util/secret.h"
#include "model/redact.h"
#include "util/util.h"

#define PASSWORD_MAX 1024

/* The first line of a password file: UTF-16LE or UTF-16BE with a byte order
 * mark (what Windows PowerShell 5.1's Out-File writes) is decoded to UTF-8,
 * a UTF-8 byte order mark is dropped, one trailing CR/LF goes. Returns 0 or
 * an exit code with the reason printed. */
static int read_password_file(struct mc_cli *cli, struct mc_target *t)
{
  const char *path = cli->password_file;
  int fd;
  struct stat st;
  char why[160];
  if(mc_input_open(path, MC_INPUT_STDIN, &fd, &st, why, sizeof why) != MC_OK)
    return mc_cli_usage_error(cli, "cannot read --password-file '%s': %s", path, why);
  if(S_ISREG(st.st_mode) && (st.st_mode & (S_IRGRP | S_IROTH)))
    fprintf(stderr, "migcheck: warning: --password-file '%s' is readable by %s (mode %03o); "
            "make it private with: chmod 600 '%s'\n", path,
            (st.st_mode & S_IRGRP) && (st.st_mode & S_IROTH) ? "group and others" :
            (st.st_mode & S_IRGRP) ? "its group" : "others",
            (unsigned)(st.st_mode & 0777), path);
  char *pw = NULL;
  enum mc_secret_line got = mc_secret_read_line(fd, PASSWORD_MAX, true, &pw);
  if(fd != STDIN_FILENO)
    close(fd);
  if(got == MC_SECRET_LINE_BAD_UTF16)
    return mc_cli_usage_error(cli, "--password-file '%s' starts with a UTF-16 byte order mark "
                              "but its first line is not valid UTF-16", path);
  if(got == MC_SECRET_LINE_TOO_LONG)
    return mc_cli_usage_error(cli, "the first line of --password-file '%s' is longer than "
                              "%d bytes", path, PASSWORD_MAX);
  if(got == MC_SECRET_LINE_NUL)
    return mc_cli_usage_error(cli, "the first line of --password-file '%s' holds a NUL byte: "
                              "UTF-16 without a byte order mark? Save it as UTF-8 (or UTF-16 "
                              "with a byte order mark)", path);
  t->password = pw;
  return 0;
}

static char *prompt_password(const char *user)
{
  int fd = open("/dev/tty", O_RDWR | O_CLOEXEC);
  if(fd < 0)
    return NULL;
  struct termios old, quiet;
  if(tcgetattr(fd, &old) != 0) {
    close(fd);
    return NULL;
  }
  quiet = old;
  quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
  quiet.c_lflag |= ICANON;
  char prompt[300];
  int n = snprintf(prompt, sizeof prompt, "Password for %s: ", user);
  /* Echo goes off before the prompt shows: what is typed after it is never
   * flushed by TCSAFLUSH nor echoed. */
  if(tcsetattr(fd, TCSAFLUSH, &quiet) != 0 || write(fd, prompt, (size_t)n) < 0) {
    tcsetattr(fd, TCSAFLUSH, &old);
    close(fd);
    return NULL;
  }
  char *pw = NULL;
  (void)mc_secret_read_line(fd, PASSWORD_MAX, false, &pw);
  tcsetattr(fd, TCSAFLUSH, &old);
  if(write(fd, "\n", 1) < 0) {
    /* the newline is cosmetic */
  }
  close(fd);
  return pw;
}

/* Wipes MIGCHECK_PASSWORD where the kernel put it (what /proc/PID/environ
 * shows) and removes it, so that no child process inherits it. */
static void scrub_env(void)
{
  char *env = getenv("MIGCHECK_PASSWORD");
  if(env)
    explicit_bzero(env, strlen(env));
  unsetenv("MIGCHECK_PASSWORD");
}

/* Fills t->password, or returns an exit code with the reason printed. */
static int get_password(struct mc_cli *cli, struct mc_target *t)
{
  /* From here on the process holds a password: no core file, no ptrace. */
  mc_secret_guard();
  char *env = getenv("MIGCHECK_PASSWORD");
  /* "--password-file -" on a terminal: ask without echo rather than read it echoed. */
  bool tty_dash = cli->password_file && strcmp(cli->password_file, "-") == 0 &&
                  isatty(STDIN_FILENO);
  if(cli->password_file && !tty_dash) {
    int rc = read_password_file(cli, t);
    if(rc)
      return rc;
  }
  else if(env && !tty_dash) {
    size_t n = strlen(env);
    if(n > PASSWORD_MAX)
      return mc_cli_usage_error(cli, "MIGCHECK_PASSWORD is longer than %d bytes",
                                PASSWORD_MAX);
    t->password = mc_secret_alloc(PASSWORD_MAX + 1);
    memcpy(t->password, env, n);
    scrub_env();
  }
  else if(isatty(STDIN_FILENO)) {
    t->password = prompt_password(t->user);
    if(!t->password)
      return mc_cli_cannot("cannot read the password from the terminal");
  }
  else
    return mc_cli_usage_error(cli, "--user needs a password: set MIGCHECK_PASSWORD, use "
                              "--password-file FILE, or run on a terminal to be asked");
  if(!*t->password)
    return mc_cli_usage_error(cli, "the password for '%s' is empty", t->user);
  return 0;
}

static int credentials(struct mc_cli *cli, struct mc_target *t)
{
  if(cli->password_file && !cli->user)
    return mc_cli_usage_error(cli, "--password-file needs --user");
  if(!cli->user)
    return 0;
  if(strlen(cli->user) > 256 || strpbrk(cli->user, " \t\r\n:"))
    return mc_cli_usage_error(cli, "--user '%s' is not DOMAIN\\user or user@domain",
                              cli->user);
  t->user = mc_xstrdup(cli->user);
  int rc = get_password(cli, t);
  if(!rc)
    mc_redact_login(t->user, t->password);   /* from here no report carries it */
  return rc;
}

int mc_cli_credentials(struct mc_cli *cli, struct mc_target *t)
{
  int rc = credentials(cli, t);
  scrub_env();   /* read or not, children never inherit it */
  return rc;
}

int mc_cli_run_signed_in(struct mc_cli *cli, struct mc_target *t,
                         struct mc_report *(*check)(const struct mc_target *),
                         struct mc_report **out)
{
  int rc = mc_cli_credentials(cli, t);
  if(!rc)
    rc = mc_cli_target(cli, t);
  if(!rc)
    *out = check(t);
  mc_target_release(t);
  return rc;
}
