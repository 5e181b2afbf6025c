/* test_rpch.c - reading an RPC proxy's error status lines: the "RPC Error"
 * code and the EEInfo record of a failed connection to the server. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "proto/rpch.h"
#include "util/base64.h"

static void rpc_error_code(void **state)
{
  (void)state;
  unsigned long code = 0;
  assert_true(mc_rpch_rpc_error("HTTP/1.0 503 RPC Error: 6ba", &code));
  assert_int_equal(code, 0x6ba);
  assert_true(mc_rpch_rpc_error("HTTP/1.1 503 RPC Error: c0021009, EEInfo: AAAA", &code));
  assert_int_equal(code, 0xc0021009ul);
  assert_false(mc_rpch_rpc_error("HTTP/1.1 503 Service Unavailable", &code));
  assert_false(mc_rpch_rpc_error("HTTP/1.1 503 RPC Error: zz", &code));
  assert_false(mc_rpch_rpc_error(NULL, &code));
}

static void eeinfo_connect_failure(void **state)
{
  (void)state;
  /* GeneratingComponent 14, Status 10061, DetectionLocation 0x5A0. */
  static const unsigned char rec[] = {
    0x01, 0x10, 0x08, 0x00, 0xcc, 0xcc, 0xcc, 0xcc, 0x00, 0x00, 0x00, 0x00,
    0x0e, 0x00, 0x00, 0x00, 0x4d, 0x27, 0x00, 0x00, 0xa0, 0x05, 0x00, 0x00,
  };
  struct mc_buf line = MC_BUF_INIT(1024);
  mc_buf_addstr(&line, "HTTP/1.0 503 RPC Error: 6ba, EEInfo: ");
  mc_base64_encode(&line, rec, sizeof rec);
  assert_true(mc_rpch_eeinfo_connect_failed(line.ptr));
  /* another detection location */
  unsigned char other[sizeof rec];
  memcpy(other, rec, sizeof other);
  other[20] = 0xa1;
  mc_buf_reset(&line);
  mc_buf_addstr(&line, "HTTP/1.0 503 RPC Error: 6ba, EEInfo: ");
  mc_base64_encode(&line, other, sizeof other);
  assert_false(mc_rpch_eeinfo_connect_failed(line.ptr));
  assert_false(mc_rpch_eeinfo_connect_failed("HTTP/1.0 503 RPC Error: 6ba"));
  assert_false(mc_rpch_eeinfo_connect_failed("HTTP/1.0 503 RPC Error: 6ba, EEInfo: %%%"));
  mc_buf_release(&line);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(rpc_error_code),
    cmocka_unit_test(eeinfo_connect_failure),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
