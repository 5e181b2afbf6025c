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

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(nesting_and_commas),
    cmocka_unit_test(escaping),
    cmocka_unit_test(pretty_output),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
