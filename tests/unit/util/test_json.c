/* test_json.c - the JSON writer: nesting, commas, escaping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "util/json.h"

static void nesting_and_commas(void **state)
{
  (void)state;
  struct mc_buf b = MC_BUF_INIT(4096);
  struct mc_json j;
  mc_json_init(&j, &b, false);
  mc_json_obj_begin(&j);
  mc_json_kstr(&j, "a", "x");
  mc_json_key(&j, "list");
  mc_json_arr_begin(&j);
  mc_json_int(&j, 1);
  mc_json_bool(&j, true);
  mc_json_null(&j);
  mc_json_obj_begin(&j);
  mc_json_obj_end(&j);
  mc_json_arr_end(&j);
  mc_json_kint(&j, "n", -5);
  mc_json_key(&j, "raw");
  mc_json_raw(&j, "{\"k\":1}");
  mc_json_obj_end(&j);
  assert_string_equal(b.ptr, "{\"a\":\"x\",\"list\":[1,true,null,{}],\"n\":-5,\"raw\":{\"k\":1}}");
  mc_buf_release(&b);
}

static void escaping(void **state)
{
  (void)state;
  struct mc_buf b = MC_BUF_INIT(4096);
  mc_json_escape(&b, "q\"b\\\n\x01\xff\xc3\xa9", 9);
  assert_string_equal(b.ptr, "q\\\"b\\\\\\n\\u0001\xef\xbf\xbd\xc3\xa9");
  mc_buf_release(&b);
}

static void pretty_output(void **state)
{
  (void)state;
  struct mc_buf b = MC_BUF_INIT(4096);
  struct mc_json j;
  mc_json_init(&j, &b, true);
  mc_json_obj_begin(&j);
  mc_json_kint(&j, "a", 1);
  mc_json_key(&j, "b");
  mc_json_arr_begin(&j);
  mc_json_arr_end(&j);
  mc_json_obj_end(&j);
  assert_string_equal(b.ptr, "{\n  \"a\": 1,\n  \"b\": []\n}");
  mc_buf_release(&b);
}

/* Integers are written without printf: every edge, checked against it. */
static void integers(void **state)
{
  (void)state;
  const int64_t v[] = { 0, 1, -1, 9, 10, -10, 99, 100, 4294967295LL, -4294967296LL,
                        INT64_MAX, INT64_MIN, INT64_MIN + 1 };
  for(size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
    struct mc_buf b = MC_BUF_INIT(64), want = MC_BUF_INIT(64);
    struct mc_json j;
    mc_json_init(&j, &b, false);
    mc_json_int(&j, v[i]);
    mc_buf_must(mc_buf_printf(&want, "%lld", (long long)v[i]));
    assert_string_equal(b.ptr, want.ptr);
    mc_buf_release(&b);
    mc_buf_release(&want);
  }
}

/* Plain bytes go out in runs: every byte value, alone and between plain
 * text, against the escape of that byte on its own. */
static void escaping_runs(void **state)
{
  (void)state;
  for(int c = 0; c < 256; c++) {
    char one = (char)c, in[8] = { 'a', 'b', (char)c, 'c', 'd', 'e', 'f', 'g' };
    struct mc_buf alone = MC_BUF_INIT(64), mixed = MC_BUF_INIT(64);
    mc_json_escape(&alone, &one, 1);
    mc_json_escape(&mixed, in, sizeof in);
    struct mc_buf want = MC_BUF_INIT(64);
    mc_buf_must(mc_buf_printf(&want, "ab%scdefg", alone.ptr));
    assert_string_equal(mixed.ptr, want.ptr);
    mc_buf_release(&alone);
    mc_buf_release(&mixed);
    mc_buf_release(&want);
  }
}

/* Indentation at every depth the writer keeps. */
static void pretty_deep(void **state)
{
  (void)state;
  struct mc_buf b = MC_BUF_INIT(1 << 16), want = MC_BUF_INIT(1 << 16);
  struct mc_json j;
  mc_json_init(&j, &b, true);
  int depth = MC_JSON_MAX_DEPTH - 1;
  for(int d = 0; d < depth; d++)
    mc_json_arr_begin(&j);
  mc_json_int(&j, 7);
  for(int d = 0; d < depth; d++)
    mc_json_arr_end(&j);
  for(int d = 0; d < depth; d++)
    mc_buf_must(mc_buf_printf(&want, "%s%*s[", d ? "\n" : "", 2 * d, ""));
  mc_buf_must(mc_buf_printf(&want, "\n%*s7", 2 * depth, ""));
  for(int d = depth - 1; d >= 0; d--)
    mc_buf_must(mc_buf_printf(&want, "\n%*s]", 2 * d, ""));
  assert_string_equal(b.ptr, want.ptr);
  mc_buf_release(&b);
  mc_buf_release(&want);
}

/* A full buffer still ends in "..." and takes nothing more, whether the
 * text that does not fit is a run or a single byte. */
static void cut_when_full(void **state)
{
  (void)state;
  struct mc_buf b = MC_BUF_INIT(10);
  mc_json_escape(&b, "abcdef", 6);
  mc_json_escape(&b, "ghijklmnop", 10);
  assert_true(b.cut);
  assert_true(b.len <= 10);
  assert_string_equal(b.ptr + b.len - 3, "...");
  size_t len = b.len;
  mc_json_escape(&b, "q", 1);
  assert_int_equal(b.len, len);
  mc_buf_release(&b);
  struct mc_buf c = MC_BUF_INIT(4);
  for(int i = 0; i < 10; i++)
    (void)mc_buf_addch(&c, 'x');
  assert_true(c.cut);
  assert_string_equal(c.ptr, "x...");
  mc_buf_release(&c);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(nesting_and_commas),
    cmocka_unit_test(escaping),
    cmocka_unit_test(pretty_output),
    cmocka_unit_test(integers),
    cmocka_unit_test(escaping_runs),
    cmocka_unit_test(pretty_deep),
    cmocka_unit_test(cut_when_full),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
