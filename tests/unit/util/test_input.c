/* test_input.c - the gate for user-named files (FIFOs, sockets, devices,
 * folders, "-", symlink loops), the guard around a held password and the
 * password line reader (byte order marks, UTF-16, limits). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/input.h"
#include "util/secret.h"

static char dir[64];

static int make_dir(void **state)
{
  (void)state;
  snprintf(dir, sizeof dir, "/tmp/mc-test-input-XXXXXX");
  return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void **state)
{
  (void)state;
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  return system(cmd) == 0 ? 0 : -1;
}

static char *path(const char *name)
{
  static char p[128];
  snprintf(p, sizeof p, "%s/%s", dir, name);
  return p;
}

static void regular_file_opens(void **state)
{
  (void)state;
  FILE *f = fopen(path("plain"), "w");
  assert_non_null(f);
  fputs("hello\n", f);
  fclose(f);
  int fd;
  struct stat st;
  char err[160] = "";
  assert_int_equal(mc_input_open(path("plain"), 0, &fd, &st, err, sizeof err), MC_OK);
  assert_true(fd > 2);
  assert_true(S_ISREG(st.st_mode));
  assert_int_equal(fcntl(fd, F_GETFL) & O_NONBLOCK, 0);   /* blocking again */
  char b[8];
  assert_int_equal(read(fd, b, sizeof b), 6);
  close(fd);
  assert_int_equal(mc_input_check(path("plain"), 0, err, sizeof err), MC_OK);
}

/* A FIFO with no writer: open() without O_NONBLOCK would wait forever. */
static void fifo_is_refused_at_once(void **state)
{
  (void)state;
  assert_int_equal(mkfifo(path("fifo"), 0600), 0);
  int fd = 123;
  struct stat st;
  char err[160] = "";
  assert_int_equal(mc_input_open(path("fifo"), MC_INPUT_DIR | MC_INPUT_STDIN, &fd, &st, err,
                                 sizeof err), MC_ERR_USAGE);
  assert_int_equal(fd, -1);
  assert_non_null(strstr(err, "FIFO (named pipe)"));
  assert_non_null(strstr(err, "a folder or '-'"));
  assert_int_equal(mc_input_check(path("fifo"), 0, err, sizeof err), MC_ERR_USAGE);
  assert_non_null(strstr(err, "give a regular file"));
  assert_null(strstr(err, "folder"));
}

static void socket_and_device_are_refused(void **state)
{
  (void)state;
  int s = socket(AF_UNIX, SOCK_STREAM, 0);
  assert_true(s >= 0);
  struct sockaddr_un a = { .sun_family = AF_UNIX };
  snprintf(a.sun_path, sizeof a.sun_path, "%s", path("sock"));
  assert_int_equal(bind(s, (struct sockaddr *)&a, sizeof a), 0);
  char err[160] = "";
  /* A socket cannot be opened at all: the system's reason is kept. */
  assert_int_not_equal(mc_input_check(path("sock"), 0, err, sizeof err), MC_OK);
  assert_true(err[0] != '\0');
  close(s);
  assert_int_equal(mc_input_check("/dev/null", MC_INPUT_STDIN, err, sizeof err), MC_ERR_USAGE);
  assert_non_null(strstr(err, "character device"));
}

static void folder_only_where_allowed(void **state)
{
  (void)state;
  char err[160] = "";
  assert_int_equal(mc_input_check(dir, 0, err, sizeof err), MC_ERR_USAGE);
  assert_string_equal(err, "it is a folder; give the files in it");
  int fd;
  struct stat st;
  assert_int_equal(mc_input_open(dir, MC_INPUT_DIR, &fd, &st, err, sizeof err), MC_OK);
  assert_true(S_ISDIR(st.st_mode));
  close(fd);
}

static void dash_is_stdin_only_where_allowed(void **state)
{
  (void)state;
  int fd;
  struct stat st;
  char err[160] = "";
  assert_int_equal(mc_input_open("-", MC_INPUT_STDIN, &fd, &st, err, sizeof err), MC_OK);
  assert_int_equal(fd, STDIN_FILENO);
  /* Without the flag "-" is a file name like any other (and missing here). */
  assert_int_equal(chdir(dir), 0);
  assert_int_equal(mc_input_open("-", 0, &fd, &st, err, sizeof err), MC_ERR_IO);
  assert_string_equal(err, strerror(ENOENT));
}

static void missing_and_loop_keep_the_system_reason(void **state)
{
  (void)state;
  char err[160] = "";
  assert_int_equal(mc_input_check(path("nope"), 0, err, sizeof err), MC_ERR_IO);
  assert_string_equal(err, strerror(ENOENT));
  assert_int_equal(symlink(path("loop-b"), path("loop-a")), 0);
  assert_int_equal(symlink(path("loop-a"), path("loop-b")), 0);
  assert_int_equal(mc_input_check(path("loop-a"), 0, err, sizeof err), MC_ERR_IO);
  assert_string_equal(err, strerror(ELOOP));
}

/* The guard in a child, so that this test process keeps its settings. */
static void guard_makes_the_process_undumpable(void **state)
{
  (void)state;
  pid_t pid = fork();
  assert_true(pid >= 0);
  if(pid == 0) {
    struct rlimit big = { RLIM_INFINITY, RLIM_INFINITY };
    (void)setrlimit(RLIMIT_CORE, &big);
    if(!mc_secret_guard())
      _exit(1);
    struct rlimit rl;
    if(getrlimit(RLIMIT_CORE, &rl) != 0 || rl.rlim_cur != 0 || rl.rlim_max != 0)
      _exit(2);
    if(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 0)
      _exit(3);
    _exit(0);
  }
  int status = 0;
  assert_int_equal(waitpid(pid, &status, 0), pid);
  assert_true(WIFEXITED(status));
  assert_int_equal(WEXITSTATUS(status), 0);
}

static void secret_buffer_is_zeroed_and_freed(void **state)
{
  (void)state;
  char *p = mc_secret_alloc(64);
  for(size_t i = 0; i < 64; i++)
    assert_int_equal(p[i], 0);
  memcpy(p, "Lab-Secret", 10);
  mc_secret_free_str(p);
  mc_secret_free(NULL, 10);
  mc_secret_free_str(NULL);
}

/* The line a password reader gets from bytes, through a pipe. */
static enum mc_secret_line line_of(const void *bytes, size_t n, bool boms, char **out,
                                   char *rest, size_t restlen)
{
  int p[2];
  assert_int_equal(pipe(p), 0);
  assert_int_equal(write(p[1], bytes, n), (ssize_t)n);
  close(p[1]);
  enum mc_secret_line r = mc_secret_read_line(p[0], 16, boms, out);
  ssize_t got = read(p[0], rest, restlen - 1);
  rest[got > 0 ? got : 0] = '\0';
  close(p[0]);
  return r;
}

static void password_lines_decode_and_stop_at_the_line(void **state)
{
  (void)state;
  char *pw, rest[64];
  assert_int_equal(line_of("Secret\r\nnext\n", 14, true, &pw, rest, sizeof rest),
                   MC_SECRET_LINE_OK);
  assert_string_equal(pw, "Secret");
  assert_string_equal(rest, "next\n");          /* nothing after the line was read */
  mc_secret_free_str(pw);
  assert_int_equal(line_of("\xef\xbb\xbfS\xc3\xa9\n", 7, true, &pw, rest, sizeof rest),
                   MC_SECRET_LINE_OK);
  assert_string_equal(pw, "S\xc3\xa9");           /* UTF-8 BOM dropped */
  mc_secret_free_str(pw);
  assert_int_equal(line_of("\xef\xbb\xbfS\n", 5, false, &pw, rest, sizeof rest),
                   MC_SECRET_LINE_OK);
  assert_string_equal(pw, "\xef\xbb\xbfS");        /* a terminal: no BOMs */
  mc_secret_free_str(pw);
  static const char le[] = "\xff\xfeP\0\xe4\0\x3d\xd8\x00\xde\r\0\n\0x\0";
  assert_int_equal(line_of(le, sizeof le - 1, true, &pw, rest, sizeof rest),
                   MC_SECRET_LINE_OK);
  assert_string_equal(pw, "P\xc3\xa4\xf0\x9f\x98\x80");   /* U+00E4, U+1F600 */
  mc_secret_free_str(pw);
  static const char be[] = "\xfe\xff\0P\0w";
  assert_int_equal(line_of(be, sizeof be - 1, true, &pw, rest, sizeof rest),
                   MC_SECRET_LINE_OK);
  assert_string_equal(pw, "Pw");
  mc_secret_free_str(pw);
}

static void password_lines_refused(void **state)
{
  (void)state;
  char *pw = (char *)1, rest[64];
  assert_int_equal(line_of("\xff\xfe\x00\xdc", 4, true, &pw, rest, sizeof rest),
                   MC_SECRET_LINE_BAD_UTF16);
  assert_null(pw);
  assert_int_equal(line_of("\xff\xfe" "A\0B", 5, true, &pw, rest, sizeof rest),
                   MC_SECRET_LINE_BAD_UTF16);
  assert_int_equal(line_of("S\0e\0\n\0", 6, true, &pw, rest, sizeof rest),
                   MC_SECRET_LINE_NUL);
  assert_null(pw);
  assert_int_equal(line_of("0123456789abcdefX\n", 18, true, &pw, rest, sizeof rest),
                   MC_SECRET_LINE_TOO_LONG);
  assert_null(pw);
  assert_int_equal(line_of("0123456789abcdef\n", 17, true, &pw, rest, sizeof rest),
                   MC_SECRET_LINE_OK);
  mc_secret_free_str(pw);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(regular_file_opens),
    cmocka_unit_test(fifo_is_refused_at_once),
    cmocka_unit_test(socket_and_device_are_refused),
    cmocka_unit_test(folder_only_where_allowed),
    cmocka_unit_test(dash_is_stdin_only_where_allowed),
    cmocka_unit_test(missing_and_loop_keep_the_system_reason),
    cmocka_unit_test(guard_makes_the_process_undumpable),
    cmocka_unit_test(secret_buffer_is_zeroed_and_freed),
    cmocka_unit_test(password_lines_decode_and_stop_at_the_line),
    cmocka_unit_test(password_lines_refused),
  };
  return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
