/* test_dcerpc.c - bind, bind_ack, bind_nak and fault byte for byte against
 * C706's layout as impacket produces and accepts it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "wire/dcerpc.h"

#define NDR_BYTES 0x04, 0x5d, 0x88, 0x8a, 0xeb, 0x1c, 0xc9, 0x11, 0x9f, 0xe8, 0x08, 0x00, \
                  0x2b, 0x10, 0x48, 0x60, 0x02, 0x00, 0x00, 0x00

static const unsigned char BIND_NSPI[72] = {
  0x05, 0x00, 0x0b, 0x03, 0x10, 0x00, 0x00, 0x00, 0x48, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
  0xb8, 0x10, 0xb8, 0x10, 0x00, 0x00, 0x00, 0x00,
  0x01, 0x00, 0x00, 0x00,
  0x00, 0x00, 0x01, 0x00,
  0x18, 0x5a, 0xcc, 0xf5, 0x64, 0x42, 0x1a, 0x10, 0x8c, 0x59, 0x08, 0x00, 0x2b, 0x2f, 0x84, 0x26,
  0x38, 0x00, 0x00, 0x00,
  NDR_BYTES,
};

static const unsigned char BIND_ACK[60] = {
  0x05, 0x00, 0x0c, 0x03, 0x10, 0x00, 0x00, 0x00, 0x3c, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
  0xb8, 0x10, 0xb8, 0x10, 0x45, 0x23, 0x01, 0x00,
  0x05, 0x00, 0x36, 0x30, 0x30, 0x34, 0x00, 0x00,
  0x01, 0x00, 0x00, 0x00,
  0x00, 0x00, 0x00, 0x00, NDR_BYTES,
};

static void uuid_text_round_trip(void **state)
{
  (void)state;
  unsigned char u[16];
  char text[40];
  assert_int_equal(mc_dcerpc_uuid_parse(mc_dcerpc_emsmdb.uuid, u), MC_OK);
  static const unsigned char want[16] = { 0x00, 0xdb, 0xf1, 0xa4, 0x47, 0xca, 0x67, 0x10,
                                          0xb3, 0x1f, 0x00, 0xdd, 0x01, 0x06, 0x62, 0xda };
  assert_memory_equal(u, want, 16);
  mc_dcerpc_uuid_text(u, text, sizeof text);
  assert_string_equal(text, "A4F1DB00-CA47-1067-B31F-00DD010662DA");
  assert_int_equal(mc_dcerpc_uuid_parse("A4F1DB00-CA47-1067-B31F-00DD010662D", u),
                   MC_ERR_PARSE);
  assert_int_equal(mc_dcerpc_uuid_parse("A4F1DB00xCA47-1067-B31F-00DD010662DA", u),
                   MC_ERR_PARSE);
  assert_int_equal(mc_dcerpc_uuid_parse("A4F1DB00-CA47-1067-B31F-00DD010662DAA", u),
                   MC_ERR_PARSE);
}

static void bind_nspi_is_byte_exact(void **state)
{
  (void)state;
  struct mc_dcerpc_syntax nspi;
  mc_dcerpc_syntax_of(&mc_dcerpc_nspi, &nspi);
  struct mc_buf b = MC_BUF_INIT(4096);
  assert_int_equal(mc_dcerpc_bind_encode(&b, 1, &nspi, 1), MC_OK);
  assert_int_equal(b.len, sizeof BIND_NSPI);
  assert_memory_equal(b.ptr, BIND_NSPI, sizeof BIND_NSPI);

  struct mc_dcerpc_bind bind;
  assert_int_equal(mc_dcerpc_bind_parse(b.ptr, b.len, &bind), MC_OK);
  assert_int_equal(bind.nctx, 1);
  assert_true(mc_dcerpc_syntax_eq(&bind.ctx[0].abstract, &nspi));
  assert_int_equal(bind.ctx[0].ntransfer, 1);
  assert_int_equal(bind.max_xmit, 4280);

  /* EMSMDB v0.81: version bytes 00 00 51 00, as Outlook and ruler send. */
  struct mc_dcerpc_syntax emsmdb;
  mc_dcerpc_syntax_of(&mc_dcerpc_emsmdb, &emsmdb);
  mc_buf_reset(&b);
  assert_int_equal(mc_dcerpc_bind_encode(&b, 1, &emsmdb, 1), MC_OK);
  static const unsigned char ver[4] = { 0x00, 0x00, 0x51, 0x00 };
  assert_memory_equal(b.ptr + 48, ver, 4);
  mc_buf_release(&b);
}

static void bind_ack_decodes_and_encodes(void **state)
{
  (void)state;
  struct mc_dcerpc_answer a;
  assert_int_equal(mc_dcerpc_answer_parse(BIND_ACK, sizeof BIND_ACK, &a), MC_OK);
  assert_int_equal(a.hdr.ptype, MC_DCERPC_BIND_ACK);
  assert_int_equal(a.hdr.call_id, 1);
  assert_int_equal(a.assoc_group, 0x12345);
  assert_string_equal(a.sec_addr, "6004");
  assert_int_equal(a.nresults, 1);
  assert_int_equal(a.results[0].result, MC_DCERPC_ACCEPTANCE);

  struct mc_dcerpc_result res = { 0 };
  mc_dcerpc_syntax_of(&mc_dcerpc_ndr, &res.transfer);
  struct mc_buf b = MC_BUF_INIT(4096);
  assert_int_equal(mc_dcerpc_bind_ack_encode(&b, 1, 0x12345, "6004", &res, 1), MC_OK);
  assert_int_equal(b.len, sizeof BIND_ACK);
  assert_memory_equal(b.ptr, BIND_ACK, sizeof BIND_ACK);

  /* provider_rejection / abstract_syntax_not_supported, zero transfer syntax */
  struct mc_dcerpc_result rej = { MC_DCERPC_PROVIDER_REJECTION,
                                  MC_DCERPC_ABSTRACT_SYNTAX_NOT_SUPPORTED, { { 0 }, 0, 0 } };
  mc_buf_reset(&b);
  assert_int_equal(mc_dcerpc_bind_ack_encode(&b, 7, 1, "", &rej, 1), MC_OK);
  assert_int_equal(mc_dcerpc_answer_parse(b.ptr, b.len, &a), MC_OK);
  assert_int_equal(a.hdr.call_id, 7);
  assert_int_equal(a.results[0].result, MC_DCERPC_PROVIDER_REJECTION);
  assert_int_equal(a.results[0].reason, MC_DCERPC_ABSTRACT_SYNTAX_NOT_SUPPORTED);
  assert_string_equal(mc_dcerpc_reason_text(a.results[0].reason),
                      "abstract_syntax_not_supported");
  mc_buf_release(&b);
}

static void bind_nak_and_fault(void **state)
{
  (void)state;
  struct mc_buf b = MC_BUF_INIT(4096);
  struct mc_dcerpc_answer a;
  assert_int_equal(mc_dcerpc_bind_nak_encode(&b, 1, 4), MC_OK);
  assert_int_equal(mc_dcerpc_answer_parse(b.ptr, b.len, &a), MC_OK);
  assert_int_equal(a.hdr.ptype, MC_DCERPC_BIND_NAK);
  assert_int_equal(a.reject_reason, 4);
  assert_string_equal(mc_dcerpc_nak_text(4), "protocol_version_not_supported");
  static const unsigned char fault[32] = {
    0x05, 0x00, 0x03, 0x03, 0x10, 0x00, 0x00, 0x00, 0x20, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00,
    0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00,
  };
  assert_int_equal(mc_dcerpc_answer_parse(fault, sizeof fault, &a), MC_OK);
  assert_int_equal(a.status, 5);
  mc_buf_release(&b);
}

static void rejects_malformed(void **state)
{
  (void)state;
  struct mc_dcerpc_answer a;
  struct mc_dcerpc_bind bind;
  unsigned char x[sizeof BIND_ACK];
  /* truncated */
  assert_int_equal(mc_dcerpc_answer_parse(BIND_ACK, sizeof BIND_ACK - 1, &a), MC_ERR_PARSE);
  /* sec_addr longer than the PDU */
  memcpy(x, BIND_ACK, sizeof x);
  x[24] = 0xff;
  assert_int_equal(mc_dcerpc_answer_parse(x, sizeof x, &a), MC_ERR_PARSE);
  /* more results than fit */
  memcpy(x, BIND_ACK, sizeof x);
  x[32] = 2;
  assert_int_equal(mc_dcerpc_answer_parse(x, sizeof x, &a), MC_ERR_PARSE);
  /* an auth trailer longer than the PDU */
  memcpy(x, BIND_ACK, sizeof x);
  x[10] = 0x40;
  assert_int_equal(mc_dcerpc_answer_parse(x, sizeof x, &a), MC_ERR_PARSE);
  /* a bind is not an answer, and a bind_ack is not a bind */
  assert_int_equal(mc_dcerpc_answer_parse(BIND_NSPI, sizeof BIND_NSPI, &a), MC_ERR_PARSE);
  assert_int_equal(mc_dcerpc_bind_parse(BIND_ACK, sizeof BIND_ACK, &bind), MC_ERR_PARSE);
  /* a bind claiming more transfer syntaxes than it holds */
  unsigned char y[sizeof BIND_NSPI];
  memcpy(y, BIND_NSPI, sizeof y);
  y[30] = 3;
  assert_int_equal(mc_dcerpc_bind_parse(y, sizeof y, &bind), MC_ERR_PARSE);
  assert_int_equal(mc_dcerpc_frame_len(BIND_NSPI, 10), 0);
  assert_int_equal(mc_dcerpc_frame_len(BIND_NSPI, sizeof BIND_NSPI), 72);
  assert_int_equal(mc_dcerpc_frame_len("HTTP/1.0 503 RPC Error: 6ba\r\n", 29), -1);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(uuid_text_round_trip),
    cmocka_unit_test(bind_nspi_is_byte_exact),
    cmocka_unit_test(bind_ack_decodes_and_encodes),
    cmocka_unit_test(bind_nak_and_fault),
    cmocka_unit_test(rejects_malformed),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
