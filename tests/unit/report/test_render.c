/* test_render.c - text, JSON and HTML renderers over one small tree:
 * colors only when asked, hostile strings escaped, the JSON contract. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "report/render.h"

static struct mc_report *sample(void)
{
  struct mc_report *r = mc_report_new("tls", "mail.contoso.com:443");
  mc_report_note(r, "TLS verification is off (--insecure)");
  struct mc_step *s = mc_step_add(r, NULL, "TLS handshake");
  mc_step_ev(s, "subject", "CN=<script>alert(1)</script>");
  mc_step_find(r, s, "TLS_CERT_UNTRUSTED", "issuer \"Evil & Co\" is not trusted");
  mc_step_done(r, s, MC_FAIL, "certificate not trusted");
  mc_step_add(r, s, "child step");
  return r;
}

static void text_has_tree_causes_and_no_color(void **state)
{
  (void)state;
  struct mc_report *r = sample();
  struct mc_buf b = MC_BUF_INIT(MC_RENDER_LIMIT);
  struct mc_render_opts o = { .color = false, .causes = true };
  mc_render_text(r, &o, &b);
  assert_non_null(strstr(b.ptr, "[FAIL] TLS handshake: certificate not trusted"));
  assert_non_null(strstr(b.ptr, "  [info] child step"));
  assert_non_null(strstr(b.ptr, "verdict: FAIL (1 cause: TLS_CERT_UNTRUSTED)"));
  assert_non_null(strstr(b.ptr, "1. TLS_CERT_UNTRUSTED"));
  assert_non_null(strstr(b.ptr, "Fix:\n      1. "));
  assert_null(strchr(b.ptr, '\033'));
  mc_buf_reset(&b);
  o.color = true;
  mc_render_text(r, &o, &b);
  assert_non_null(strchr(b.ptr, '\033'));
  mc_buf_release(&b);
  mc_report_free(r);
}

static void json_contract(void **state)
{
  (void)state;
  struct mc_report *r = sample();
  mc_report_section(r, "traffic", "{\"mrsproxy\":{\"requests\":0}}");
  struct mc_buf b = MC_BUF_INIT(MC_RENDER_LIMIT);
  mc_render_json(r, &b);
  assert_non_null(strstr(b.ptr, "\"schema_version\": 1"));
  assert_non_null(strstr(b.ptr, "\"verdict\": \"fail\""));
  assert_non_null(strstr(b.ptr, "\"id\": \"TLS_CERT_UNTRUSTED\""));
  assert_non_null(strstr(b.ptr, "\"detail\": \"issuer \\\"Evil & Co\\\" is not trusted\""));
  assert_non_null(strstr(b.ptr, "\"traffic\": {\"mrsproxy\":{\"requests\":0}}"));
  mc_buf_release(&b);
  mc_report_free(r);
}

static void html_escapes_everything(void **state)
{
  (void)state;
  struct mc_report *r = sample();
  struct mc_buf b = MC_BUF_INIT(MC_RENDER_LIMIT);
  mc_render_html(r, &b);
  assert_null(strstr(b.ptr, "<script>"));
  assert_non_null(strstr(b.ptr, "&lt;script&gt;"));
  assert_non_null(strstr(b.ptr, "Evil &amp; Co"));
  assert_non_null(strstr(b.ptr, "id=\"TLS_CERT_UNTRUSTED\""));
  assert_non_null(strstr(b.ptr, "</html>"));
  mc_buf_release(&b);
  mc_report_free(r);
}

static void pass_with_skipped_steps_says_so(void **state)
{
  (void)state;
  struct mc_report *r = mc_report_new("remote-move", "mail.contoso.com");
  struct mc_step *a = mc_step_add(r, NULL, "Front door");
  mc_step_done(r, a, MC_PASS, "401, asked for credentials");
  struct mc_step *b = mc_step_add(r, NULL, "Sign in");
  mc_step_done(r, b, MC_SKIP, "no credentials given");
  assert_int_equal(mc_report_skipped(r), 1);
  assert_int_equal(mc_report_verdict(r), MC_PASS);
  struct mc_buf t = MC_BUF_INIT(MC_RENDER_LIMIT);
  struct mc_render_opts o = { 0 };
  mc_render_text(r, &o, &t);
  assert_non_null(strstr(t.ptr, "verdict: PASS (no problem found in what was checked; 1 step "
                               "skipped"));
  mc_buf_reset(&t);
  mc_render_json(r, &t);
  assert_non_null(strstr(t.ptr, "\"steps_skipped\": 1"));
  mc_buf_release(&t);
  mc_report_free(r);
}

static void wrap(void **state)
{
  (void)state;
  struct mc_buf b = MC_BUF_INIT(4096);
  mc_render_wrap(&b, "aaa bbb ccc ddd", "  ", 29);
  assert_string_equal(b.ptr, "  aaa bbb ccc ddd\n");
  mc_buf_reset(&b);
  mc_render_wrap(&b, "one\ntwo", "> ", 40);
  assert_string_equal(b.ptr, "> one\n> two\n");
  mc_buf_release(&b);
}

/* The fix as rendered from the run's facts, the same in text, JSON and HTML;
 * a command longer than the line stays whole on a line of its own. */
static void fix_filled_alike_everywhere(void **state)
{
  (void)state;
  struct mc_report *r = mc_report_new("outlook-anywhere", "ex7.fabrikam.local via mail.fabrikam.com");
  mc_report_fact_names(r, "mail.fabrikam.com", "FABRIKAM\\svcmig", NULL);
  const char *vp = "EX7:6001-6002;EX7:6004;ex7.fabrikam.local:6001-6002;ex7.fabrikam.local:6004;"
                   "mail.fabrikam.com:6001-6002;mail.fabrikam.com:6004";
  mc_report_fact(r, "validports", "%s", vp);
  struct mc_step *s = mc_step_add(r, NULL, "ex7.fabrikam.local:6004 through the RPC proxy");
  mc_step_find(r, s, "OA_PORT_NOT_ALLOWED", "refused");
  mc_step_done(r, s, MC_FAIL, "refused by the proxy");
  struct mc_buf b = MC_BUF_INIT(MC_RENDER_LIMIT);
  struct mc_render_opts o = { .causes = true, .width = 80 };
  mc_render_text(r, &o, &b);
  char *line = mc_xasprintf("reg add HKLM\\SOFTWARE\\Microsoft\\Rpc\\RpcProxy /v ValidPorts /t "
                            "REG_SZ /d \"%s\" /f", vp);
  assert_non_null(strstr(b.ptr, line));                 /* whole, on one line */
  assert_non_null(strstr(b.ptr, "--user 'FABRIKAM\\svcmig'"));
  assert_null(strstr(b.ptr, "contoso"));
  assert_null(strstr(b.ptr, "CONTOSO"));
  /* Prose lines fit 80 columns. */
  for(char *p = b.ptr; *p;) {
    char *e = strchr(p, '\n');
    size_t n = e ? (size_t)(e - p) : strlen(p);
    if(n > 80) {
      const char *q = p;
      while(*q == ' ')
        q++;
      bool command = strncmp(q, "reg ", 4) == 0 || strncmp(q, "migcheck ", 9) == 0;
      bool one_word = !memchr(q, ' ', n - (size_t)(q - p));
      if(!command && !one_word)
        fail_msg("line of %zu columns: %.*s", n, (int)n, p);
    }
    p += n + (e != NULL);
  }
  mc_buf_reset(&b);
  mc_render_json(r, &b);
  assert_non_null(strstr(b.ptr, "\"validports\": "));
  char *jline = mc_xasprintf("/d \\\"%s\\\" /f", vp);
  assert_non_null(strstr(b.ptr, jline));
  mc_buf_reset(&b);
  mc_render_html(r, &b);
  assert_non_null(strstr(b.ptr, "<pre class=\"cmd\">reg add"));
  assert_non_null(strstr(b.ptr, vp));
  assert_non_null(strstr(b.ptr, "What failed:"));
  assert_null(strstr(b.ptr, "break-all"));
  free(line);
  free(jline);
  mc_buf_release(&b);
  mc_report_free(r);
}

static void wrap_never_breaks_a_word(void **state)
{
  (void)state;
  struct mc_buf b = MC_BUF_INIT(4096);
  mc_render_wrap(&b, "see https://learn.microsoft.com/en-us/exchange/troubleshoot/move-mailboxes/x "
                     "now", "  ", 30);
  assert_string_equal(b.ptr, "  see\n  https://learn.microsoft.com/en-us/exchange/troubleshoot/"
                             "move-mailboxes/x\n  now\n");
  /* A marked placeholder is one word. */
  mc_buf_reset(&b);
  mc_render_wrap(&b, "run (Get-Mailbox <mailbox address>).ExchangeGuid", "", 24);
  assert_string_equal(b.ptr, "run (Get-Mailbox\n<mailbox address>).ExchangeGuid\n");
  mc_buf_release(&b);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(text_has_tree_causes_and_no_color),
    cmocka_unit_test(json_contract),
    cmocka_unit_test(html_escapes_everything),
    cmocka_unit_test(pass_with_skipped_steps_says_so),
    cmocka_unit_test(wrap),
    cmocka_unit_test(fix_filled_alike_everywhere),
    cmocka_unit_test(wrap_never_breaks_a_word),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
