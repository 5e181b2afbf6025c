/*
 * cmd_remote_move.c - migcheck remote-move --server HOST[:PORT]
 * [--user DOMAIN\user] [--repeat N]: options to a target, the password from
 * where it may come from, then the check.
 *
 * The password never comes from an option: MIGCHECK_PASSWORD, the first
 * line of --password-file, or a prompt on the terminal with echo off. It
 * is kept in one heap string that the target wipes when released.
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

int mc_cli_password(struct mc_cli *cli, struct mc_target *t)
{
  return get_password(cli, t);
}

int mc_check_remote_move_cli(struct mc_cli *cli, struct mc_report **out)
{
  const char *server = cli->server;
  if(cli->nargs > (server ? 0u : 1u))
    return mc_cli_usage_error(cli, "remote-move takes one --server HOST[:PORT]");
  if(!server && cli->nargs == 1)
    server = cli->args[0];
  if(!server && !cli->autodiscover)
    return mc_cli_usage_error(cli, "remote-move needs --server HOST[:PORT] (or --email "
                              "ADDRESS --autodiscover)");
  if(server && cli->autodiscover)
    return mc_cli_usage_error(cli, "give --server or --autodiscover, not both");
  if(cli->email && !cli->autodiscover)
    return mc_cli_usage_error(cli, "--email goes with --autodiscover");
  struct mc_target t = { 0 };
  int rc = 0;
  if(server && !mc_net_split_host_port(server, &t.host, &t.port, 443))
    return mc_cli_usage_error(cli, "'%s' is not HOST, HOST:PORT or [IPV6]:PORT with a port "
                              "from 1 to 65535", server);
  if(cli->autodiscover && (rc = mc_cli_autodiscover_opts(cli, &t)) != 0)
    goto out;
  long repeat = 6;
  if(cli->repeat && !mc_parse_long(cli->repeat, 0, 50, &repeat)) {
    rc = mc_cli_usage_error(cli, "--repeat '%s' is not a whole number from 0 to 50",
                            cli->repeat);
    goto out;
  }
  t.repeat = (int)repeat;
  if(cli->password_file && !cli->user) {
    rc = mc_cli_usage_error(cli, "--password-file needs --user");
    goto out;
  }
  if(cli->user) {
    if(strlen(cli->user) > 256 || strpbrk(cli->user, " \t\r\n:")) {
      rc = mc_cli_usage_error(cli, "--user '%s' is not DOMAIN\\user or user@domain",
                              cli->user);
      goto out;
    }
    t.user = mc_xstrdup(cli->user);
    rc = get_password(cli, &t);
    if(rc)
      goto out;
  }
  rc = mc_cli_target(cli, &t);
  if(rc)
    goto out;
  *out = mc_check_remote_move(&t);
out:
  mc_target_release(&t);
  return rc;
}

int mc_cli_read_password(struct mc_cli *cli, struct mc_target *t)
{
  return get_password(cli, t);
}
