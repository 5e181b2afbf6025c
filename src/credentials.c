/*
 * credentials.c - who to sign in as, and the password, for every check that
 * signs in (remote-move, outlook-anywhere, autodiscover).
 *
 * The password never comes from the command line: --password-file FILE
 * (its first line), else MIGCHECK_PASSWORD, else a prompt without echo on
 * the terminal. It is never printed; the target wipes it on release, and
 * the report model removes it (and its encodings) from whatever a server
 * echoes (lib/model/redact.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "checks/checks.h"
#include "cli.h"
#include "model/redact.h"
#include "util/util.h"

#define PASSWORD_MAX 1024

/* Reads up to the first newline of fd into a new string (at most max bytes). */
static char *read_line_fd(int fd, size_t max, bool *too_long)
{
  struct mc_buf b = MC_BUF_INIT(max);
  char c;
  *too_long = false;
  for(;;) {
    ssize_t n = read(fd, &c, 1);
    if(n < 0 && errno == EINTR)
      continue;
    if(n <= 0 || c == '\n')
      break;
    if(mc_buf_addch(&b, c) != MC_OK) {
      *too_long = true;
      break;
    }
  }
  if(b.len && b.ptr[b.len - 1] == '\r')
    b.ptr[--b.len] = '\0';
  if(!b.ptr)
    mc_buf_addstr(&b, "");
  if(*too_long) {
    explicit_bzero(b.ptr, b.len);
    mc_buf_release(&b);
    return NULL;
  }
  return mc_buf_detach(&b);
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
  if(write(fd, prompt, (size_t)n) < 0 || tcsetattr(fd, TCSAFLUSH, &quiet) != 0) {
    close(fd);
    return NULL;
  }
  bool too_long;
  char *pw = read_line_fd(fd, PASSWORD_MAX, &too_long);
  tcsetattr(fd, TCSAFLUSH, &old);
  if(write(fd, "\n", 1) < 0) {
    /* the newline is cosmetic */
  }
  close(fd);
  return pw;
}

/* Fills t->password, or returns an exit code with the reason printed. */
static int get_password(struct mc_cli *cli, struct mc_target *t)
{
  const char *env = getenv("MIGCHECK_PASSWORD");
  if(cli->password_file) {
    int fd = open(cli->password_file, O_RDONLY | O_CLOEXEC);
    if(fd < 0)
      return mc_cli_usage_error(cli, "cannot read --password-file '%s': %s",
                                cli->password_file, strerror(errno));
    bool too_long;
    t->password = read_line_fd(fd, PASSWORD_MAX, &too_long);
    close(fd);
    if(!t->password)
      return mc_cli_usage_error(cli, "the first line of --password-file '%s' is longer than "
                                "%d bytes", cli->password_file, PASSWORD_MAX);
  }
  else if(env) {
    if(strlen(env) > PASSWORD_MAX)
      return mc_cli_usage_error(cli, "MIGCHECK_PASSWORD is longer than %d bytes",
                                PASSWORD_MAX);
    t->password = mc_xstrdup(env);
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

int mc_cli_credentials(struct mc_cli *cli, struct mc_target *t)
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
