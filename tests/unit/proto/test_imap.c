/* test_imap.c - IMAP response lines (lib/proto/imap.c) and the lab's IMAP
 * command parser (lib/lab/imap.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "lab/imap.h"
#include "proto/imap.h"

static void parse(const char *s, struct mc_imap_line *l)
{
  mc_imap_line_parse(s, strlen(s), l);
}

static void lines_classify(void **state)
{
  (void)state;
  struct mc_imap_line l;
  parse("* OK The Microsoft Exchange IMAP4 service is ready.\r\n", &l);
  assert_int_equal(l.kind, MC_IMAP_UNTAGGED);
  assert_true(mc_imap_greeting_ok(&l));
  assert_true(mc_slice_eq(l.rest, "The Microsoft Exchange IMAP4 service is ready."));
  parse("* PREAUTH ready", &l);
  assert_true(mc_imap_greeting_ok(&l));
  parse("* BYE go away", &l);
  assert_false(mc_imap_greeting_ok(&l));
  parse("A004 NO LOGIN failed.", &l);
  assert_int_equal(l.kind, MC_IMAP_TAGGED);
  assert_true(mc_slice_eq(l.tag, "A004"));
  assert_true(mc_slice_eq(l.word, "NO"));
  parse("220 mail.contoso.test Microsoft ESMTP MAIL Service ready", &l);
  assert_int_equal(l.kind, MC_IMAP_OTHER);
  assert_false(mc_imap_greeting_ok(&l));
  parse("HTTP/1.1 400 Bad Request", &l);
  assert_int_equal(l.kind, MC_IMAP_OTHER);
  parse("+ ", &l);
  assert_int_equal(l.kind, MC_IMAP_CONT);
  parse("", &l);
  assert_int_equal(l.kind, MC_IMAP_OTHER);
  parse("*", &l);
  assert_int_equal(l.kind, MC_IMAP_OTHER);
  parse("A1 OK", &l);
  assert_int_equal(l.kind, MC_IMAP_TAGGED);
  assert_int_equal(l.rest.n, 0);
}

static void capabilities(void **state)
{
  (void)state;
  struct mc_imap_line l;
  unsigned caps;
  parse("* CAPABILITY IMAP4 IMAP4rev1 STARTTLS LOGINDISABLED AUTH=NTLM", &l);
  assert_true(mc_imap_line_caps(&l, &caps));
  assert_int_equal(caps, MC_IMAP_CAP_IMAP4REV1 | MC_IMAP_CAP_STARTTLS |
                   MC_IMAP_CAP_LOGINDISABLED | MC_IMAP_CAP_AUTH_OTHER);
  parse("* OK [CAPABILITY IMAP4rev1 auth=plain] Dovecot ready.", &l);
  assert_true(mc_imap_line_caps(&l, &caps));
  assert_int_equal(caps, MC_IMAP_CAP_IMAP4REV1 | MC_IMAP_CAP_AUTH_PLAIN);
  parse("A2 OK [CAPABILITY IMAP4rev1 STARTTLS", &l);   /* no closing bracket */
  assert_false(mc_imap_line_caps(&l, &caps));
  parse("* OK ready", &l);
  assert_false(mc_imap_line_caps(&l, &caps));
  char text[128];
  assert_string_equal(mc_imap_caps_text(MC_IMAP_CAP_STARTTLS | MC_IMAP_CAP_LOGINDISABLED,
                                        text, sizeof text), "STARTTLS LOGINDISABLED");
}

static void lab_commands(void **state)
{
  (void)state;
  struct mc_lab_imap_cmd c;
  const char *s = "A004 login \"mig\\\"admin\" Lab-Secret\r\n";
  assert_int_equal(mc_lab_imap_parse(s, strlen(s), &c), MC_OK);
  assert_string_equal(c.tag, "A004");
  assert_string_equal(c.verb, "LOGIN");
  assert_int_equal(c.nargs, 2);
  assert_string_equal(c.args[0], "mig\"admin");
  assert_string_equal(c.args[1], "Lab-Secret");
  s = "A005 LIST \"\" *";
  assert_int_equal(mc_lab_imap_parse(s, strlen(s), &c), MC_OK);
  assert_string_equal(c.args[0], "");
  assert_string_equal(c.args[1], "*");
  static const char *const bad[] = {
    "", "A1", "A1 ", "* LOGIN a b", "A1 LOGIN {5}", "A1 LOGIN \"open", "A1 LOGIN a  b",
    "A1 LOGIN a b c d", "A1 LOG1N", "A1 LOGIN \"a\\x\"", "A1 LOGIN a ",
    "A1 VERYLONGCOMMANDNAME"
  };
  for(size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    assert_int_equal(mc_lab_imap_parse(bad[i], strlen(bad[i]), &c), MC_ERR_PARSE);
  char big[600];
  memset(big, 'x', sizeof big);
  memcpy(big, "A1 LOGIN ", 9);
  assert_int_equal(mc_lab_imap_parse(big, sizeof big, &c), MC_ERR_PARSE);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(lines_classify),
    cmocka_unit_test(capabilities),
    cmocka_unit_test(lab_commands),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
