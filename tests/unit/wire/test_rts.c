/* test_rts.c - RTS PDUs byte for byte against MS-RPCH's layouts and the
 * vectors real servers send (impacket's captured A3/C2, Outlook's B1). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "wire/rts.h"

static const unsigned char VC[16] = { 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18,
                                      0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x10 };
static const unsigned char OC[16] = { 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28,
                                      0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f, 0x20 };
static const unsigned char AG[16] = { 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8,
                                      0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf, 0xa0 };

#define COOKIE(c) c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], \
                  c[11], c[12], c[13], c[14], c[15]

static const unsigned char A1[76] = {
  0x05, 0x00, 0x14, 0x03, 0x10, 0x00, 0x00, 0x00, 0x4c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
  0x00, 0x00, 0x04, 0x00,
  0x06, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
  0x03, 0x00, 0x00, 0x00, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18,
  0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x10,
  0x03, 0x00, 0x00, 0x00, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28,
  0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f, 0x20,
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00,
};

static const unsigned char B1[104] = {
  0x05, 0x00, 0x14, 0x03, 0x10, 0x00, 0x00, 0x00, 0x68, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
  0x00, 0x00, 0x06, 0x00,
  0x06, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
  0x03, 0x00, 0x00, 0x00, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18,
  0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x10,
  0x03, 0x00, 0x00, 0x00, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28,
  0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f, 0x20,
  0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x40,
  0x05, 0x00, 0x00, 0x00, 0xe0, 0x93, 0x04, 0x00,
  0x0c, 0x00, 0x00, 0x00, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8,
  0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf, 0xa0,
};

/* A3 and C2 as impacket's test vectors captured them from a real server. */
static const unsigned char A3[28] = {
  0x05, 0x00, 0x14, 0x03, 0x10, 0x00, 0x00, 0x00, 0x1c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
  0x00, 0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0xc0, 0xd4, 0x01, 0x00,
};

static const unsigned char C2[44] = {
  0x05, 0x00, 0x14, 0x03, 0x10, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
  0x00, 0x00, 0x03, 0x00,
  0x06, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00,
  0x02, 0x00, 0x00, 0x00, 0xc0, 0xd4, 0x01, 0x00,
};

static const unsigned char PING[20] = {
  0x05, 0x00, 0x14, 0x03, 0x10, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
  0x01, 0x00, 0x00, 0x00,
};

static const unsigned char ECHO[20] = {
  0x05, 0x00, 0x14, 0x03, 0x10, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
  0x40, 0x00, 0x00, 0x00,
};

static void assert_bytes(const struct mc_buf *b, const unsigned char *want, size_t n)
{
  assert_int_equal(b->len, n);
  assert_memory_equal(b->ptr, want, n);
}

static void encodes_a1_b1(void **state)
{
  (void)state;
  struct mc_buf b = MC_BUF_INIT(4096);
  assert_int_equal(mc_rts_conn_a1(&b, VC, OC, 262144), MC_OK);
  assert_bytes(&b, A1, sizeof A1);
  mc_buf_reset(&b);
  assert_int_equal(mc_rts_conn_b1(&b, VC, OC, 0x40000000, 300000, AG), MC_OK);
  assert_bytes(&b, B1, sizeof B1);
  mc_buf_release(&b);
}

static void encodes_a3_c2_ping_echo(void **state)
{
  (void)state;
  struct mc_buf b = MC_BUF_INIT(4096);
  assert_int_equal(mc_rts_conn_a3(&b, 120000), MC_OK);
  assert_bytes(&b, A3, sizeof A3);
  mc_buf_reset(&b);
  assert_int_equal(mc_rts_conn_c2(&b, 65536, 120000), MC_OK);
  assert_bytes(&b, C2, sizeof C2);
  mc_buf_reset(&b);
  assert_int_equal(mc_rts_ping(&b), MC_OK);
  assert_bytes(&b, PING, sizeof PING);
  mc_buf_reset(&b);
  assert_int_equal(mc_rts_echo(&b), MC_OK);
  assert_bytes(&b, ECHO, sizeof ECHO);
  mc_buf_release(&b);
}

static void decodes_and_recognizes(void **state)
{
  (void)state;
  struct mc_rts_pdu pdu;
  struct mc_rts_conn c;
  assert_int_equal(mc_rts_parse(A3, sizeof A3, &pdu), MC_OK);
  assert_true(mc_rts_is_conn_a3(&pdu, &c));
  assert_int_equal(c.timeout_ms, 120000);
  assert_false(mc_rts_is_conn_c2(&pdu, &c));

  assert_int_equal(mc_rts_parse(C2, sizeof C2, &pdu), MC_OK);
  assert_true(mc_rts_is_conn_c2(&pdu, &c));
  assert_int_equal(c.version, 1);
  assert_int_equal(c.receive_window, 65536);
  assert_int_equal(c.timeout_ms, 120000);
  assert_false(mc_rts_is_conn_a3(&pdu, &c));

  assert_int_equal(mc_rts_parse(A1, sizeof A1, &pdu), MC_OK);
  assert_true(mc_rts_is_conn_a1(&pdu, &c));
  assert_memory_equal(c.vc, VC, 16);
  assert_memory_equal(c.channel, OC, 16);
  assert_int_equal(c.receive_window, 262144);

  assert_int_equal(mc_rts_parse(B1, sizeof B1, &pdu), MC_OK);
  assert_true(mc_rts_is_conn_b1(&pdu, &c));
  assert_memory_equal(c.vc, VC, 16);
  assert_memory_equal(c.assoc_group, AG, 16);
  assert_int_equal(c.lifetime, 0x40000000);
  assert_int_equal(c.keepalive, 300000);

  assert_int_equal(mc_rts_parse(PING, sizeof PING, &pdu), MC_OK);
  assert_int_equal(pdu.flags, MC_RTS_FLAG_PING);
  assert_int_equal(pdu.ncmds, 0);

  char text[256];
  assert_int_equal(mc_rts_parse(C2, sizeof C2, &pdu), MC_OK);
  mc_rts_describe(&pdu, text, sizeof text);
  assert_string_equal(text, "CONN/C2: Version 1, ReceiveWindowSize 65536, "
                      "ConnectionTimeout 120000");
}

static void rejects_malformed(void **state)
{
  (void)state;
  struct mc_rts_pdu pdu;
  unsigned char x[sizeof C2];
  /* truncated: frag_length beyond the bytes given */
  assert_int_equal(mc_rts_parse(C2, sizeof C2 - 1, &pdu), MC_ERR_PARSE);
  /* one command too many for the length */
  memcpy(x, C2, sizeof x);
  x[18] = 4;
  assert_int_equal(mc_rts_parse(x, sizeof x, &pdu), MC_ERR_PARSE);
  /* one command too few: bytes left over */
  x[18] = 2;
  assert_int_equal(mc_rts_parse(x, sizeof x, &pdu), MC_ERR_PARSE);
  /* unknown command type */
  memcpy(x, C2, sizeof x);
  x[20] = 0x0f;
  assert_int_equal(mc_rts_parse(x, sizeof x, &pdu), MC_ERR_PARSE);
  /* not RTS (bind ptype) and not version 5 */
  memcpy(x, C2, sizeof x);
  x[2] = 11;
  assert_int_equal(mc_rts_parse(x, sizeof x, &pdu), MC_ERR_PARSE);
  memcpy(x, C2, sizeof x);
  x[0] = 4;
  assert_int_equal(mc_rts_parse(x, sizeof x, &pdu), MC_ERR_PARSE);
  /* big-endian data representation */
  memcpy(x, C2, sizeof x);
  x[4] = 0x00;
  assert_int_equal(mc_rts_parse(x, sizeof x, &pdu), MC_ERR_PARSE);
  /* a padding count past the end */
  static const unsigned char pad[28] = {
    0x05, 0x00, 0x14, 0x03, 0x10, 0x00, 0x00, 0x00, 0x1c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x08, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff,
  };
  assert_int_equal(mc_rts_parse(pad, sizeof pad, &pdu), MC_ERR_PARSE);
}

static void round_trips_every_command(void **state)
{
  (void)state;
  struct mc_rts_cmd cmds[15];
  memset(cmds, 0, sizeof cmds);
  for(uint32_t i = 0; i < 15; i++) {
    cmds[i].type = i;
    cmds[i].value = i == MC_RTS_PADDING ? 3 : i == MC_RTS_CLIENT_ADDRESS ? 1 : 1000 + i;
    cmds[i].bytes_received = 7;
    cmds[i].available_window = 65536;
    memcpy(cmds[i].cookie, AG, 16);
  }
  struct mc_buf b = MC_BUF_INIT(4096);
  assert_int_equal(mc_rts_encode(&b, MC_RTS_FLAG_OTHER_CMD, cmds, 15), MC_OK);
  struct mc_rts_pdu pdu;
  assert_int_equal(mc_rts_parse(b.ptr, b.len, &pdu), MC_OK);
  assert_int_equal(pdu.ncmds, 15);
  assert_int_equal(pdu.frag_len, b.len);
  assert_int_equal(pdu.cmds[MC_RTS_FLOW_CONTROL_ACK].available_window, 65536);
  assert_int_equal(pdu.cmds[MC_RTS_PADDING].value, 3);
  assert_int_equal(pdu.cmds[MC_RTS_DESTINATION].value, 1000 + MC_RTS_DESTINATION);
  assert_memory_equal(pdu.cmds[MC_RTS_CLIENT_ADDRESS].cookie, AG, 16);
  mc_buf_release(&b);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(encodes_a1_b1),
    cmocka_unit_test(encodes_a3_c2_ping_echo),
    cmocka_unit_test(decodes_and_recognizes),
    cmocka_unit_test(rejects_malformed),
    cmocka_unit_test(round_trips_every_command),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
