/* test_util.c - bounded buffers, printable text, number parsing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "util/plat.h"
#include "util/util.h"

static void buf_respects_limit(void **state)
{
  (void)state;
  struct mc_buf b = MC_BUF_INIT(8);
  assert_int_equal(mc_buf_addstr(&b, "12345678"), MC_OK);
  assert_int_equal(b.len, 8);
  assert_int_equal(mc_buf_addch(&b, 'x'), MC_ERR_LIMIT);
  assert_int_equal(b.len, 8);
  assert_string_equal(b.ptr, "12345...");   /* cut, and it says so */
  assert_true(b.cut);
  assert_int_equal(mc_buf_printf(&b, "%d", 1), MC_ERR_LIMIT);
  mc_buf_reset(&b);
  assert_false(b.cut);
  assert_int_equal(mc_buf_printf(&b, "%s-%d", "ab", 42), MC_OK);
  assert_string_equal(b.ptr, "ab-42");
  char *d = mc_buf_detach(&b);
  assert_string_equal(d, "ab-42");
  assert_null(b.ptr);
  free(d);
}

static void buf_huge_add_is_refused(void **state)
{
  (void)state;
  struct mc_buf b = MC_BUF_INIT(1024);
  assert_int_equal(mc_buf_add(&b, "x", SIZE_MAX), MC_ERR_LIMIT);
  assert_string_equal(b.ptr, "...");
  mc_buf_release(&b);
}

/* A caller that ignores a full buffer still cannot cut text silently: the
 * text ends in "..." and a later, smaller append does not close the gap. */
static void buf_cut_is_visible_and_sticky(void **state)
{
  (void)state;
  struct mc_buf b = MC_BUF_INIT(10);
  assert_int_equal(mc_buf_addstr(&b, "abc"), MC_OK);
  assert_int_equal(mc_buf_addstr(&b, "a long word"), MC_ERR_LIMIT);
  assert_string_equal(b.ptr, "abc...");
  assert_int_equal(mc_buf_addstr(&b, "d"), MC_ERR_LIMIT);
  assert_string_equal(b.ptr, "abc...");
  mc_buf_release(&b);
  /* No room left: "..." replaces the last whole characters, never half of
   * a UTF-8 sequence (here the two bytes of U+00E9). */
  struct mc_buf u = MC_BUF_INIT(6);
  assert_int_equal(mc_buf_addstr(&u, "ab\xc3\xa9" "cd"), MC_OK);
  assert_int_equal(mc_buf_addch(&u, 'e'), MC_ERR_LIMIT);
  assert_string_equal(u.ptr, "ab...");
  mc_buf_release(&u);
}

static void printable_escapes_controls_and_bad_utf8(void **state)
{
  (void)state;
  char *t = mc_printable("a\r\nb\xff" "c\xc3\xa9", 8, 100);
  assert_string_equal(t, "a\\x0d\\x0ab\\xffc\xc3\xa9");
  free(t);
  t = mc_printable("abcdefghij", 10, 4);
  assert_string_equal(t, "abcd...");
  free(t);
  /* An overlong encoding and a surrogate are not valid UTF-8. */
  t = mc_printable("\xc0\xaf\xed\xa0\x80", 5, 100);
  assert_string_equal(t, "\\xc0\\xaf\\xed\\xa0\\x80");
  free(t);
}

static void parse_long_checks_range_and_junk(void **state)
{
  (void)state;
  long v;
  assert_true(mc_parse_long("443", 1, 65535, &v));
  assert_int_equal(v, 443);
  assert_false(mc_parse_long("0", 1, 65535, &v));
  assert_false(mc_parse_long("70000", 1, 65535, &v));
  assert_false(mc_parse_long("44x", 1, 65535, &v));
  assert_false(mc_parse_long("", 1, 65535, &v));
  assert_false(mc_parse_long("99999999999999999999999", 1, 65535, &v));
}

static void strings(void **state)
{
  (void)state;
  char small[4];
  assert_int_equal(mc_strlcpy(small, "abcdef", sizeof small), 6);
  assert_string_equal(small, "abc");
  assert_true(mc_case_starts_with("MRSProxy.svc", "mrsproxy"));
  const char hay[] = "POST /EWS/MRSProxy.svc HTTP/1.1";
  assert_ptr_equal(mc_memcasemem(hay, sizeof hay - 1, "mrsproxy.svc"), hay + 10);
  assert_null(mc_memcasemem(hay, 12, "mrsproxy.svc"));
  struct mc_slice s = { "Basic", 5 };
  assert_true(mc_slice_caseeq(s, "basic"));
  assert_false(mc_slice_eq(s, "basic"));
}

/* The path spelling both builds share (plat.h; the Windows side of the
 * layer is tested under wine by tests/windows/run.py). */
static void paths(void **state)
{
  (void)state;
  bool unc;
  assert_string_equal(mc_path_skip_prefix("\\\\?\\C:\\logs", &unc), "C:\\logs");
  assert_false(unc);
  assert_string_equal(mc_path_skip_prefix("\\\\?\\UNC\\EX01\\c$", &unc), "EX01\\c$");
  assert_true(unc);
  assert_string_equal(mc_path_skip_prefix("\\\\.\\D:\\x", &unc), "D:\\x");
  assert_string_equal(mc_path_skip_prefix("\\\\EX01\\c$", &unc), "\\\\EX01\\c$");
  assert_false(unc);
  assert_string_equal(mc_path_skip_prefix("/var/log", &unc), "/var/log");
  assert_string_equal(mc_path_skip_prefix("ab", &unc), "ab");
  char *p = mc_path_join("logs", "u_ex.log");
  assert_string_equal(p, "logs/u_ex.log");
  free(p);
  p = mc_path_join("logs/", "u_ex.log");
  assert_string_equal(p, "logs/u_ex.log");
  free(p);
  assert_string_equal(mc_path_base("EX01/W3SVC1/u_ex.log"), "u_ex.log");
  assert_string_equal(mc_path_base("u_ex.log"), "u_ex.log");
  unsigned char r1[16] = { 0 }, r2[16] = { 0 };
  assert_int_equal(mc_plat_random(r1, sizeof r1), MC_OK);
  assert_int_equal(mc_plat_random(r2, sizeof r2), MC_OK);
  assert_memory_not_equal(r1, r2, sizeof r1);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(buf_respects_limit),
    cmocka_unit_test(buf_huge_add_is_refused),
    cmocka_unit_test(buf_cut_is_visible_and_sticky),
    cmocka_unit_test(printable_escapes_controls_and_bad_utf8),
    cmocka_unit_test(parse_long_checks_range_and_junk),
    cmocka_unit_test(strings),
    cmocka_unit_test(paths),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
