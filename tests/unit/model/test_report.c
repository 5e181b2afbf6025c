/* test_report.c - the step tree, finding ranking, verdicts, exit codes,
 * and the catalogue's integrity (every id the design promises is there,
 * with a title, a why, at least two fix steps and a source). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "model/redact.h"
#include "model/report.h"
#include "util/base64.h"
#include "util/util.h"

/* The ids of DESIGN.md: they may never disappear or be renamed. */
static const char *const promised[] = {
  "DNS_NOT_FOUND", "DNS_PRIVATE_ADDRESS", "TCP_TIMEOUT", "TCP_REFUSED", "TCP_RESET",
  "TLS_NOT_TLS", "TLS_HANDSHAKE_FAILED", "TLS_PROTOCOL_TOO_OLD", "TLS_CERT_UNTRUSTED",
  "TLS_CERT_CHAIN_INCOMPLETE", "TLS_CERT_NAME_MISMATCH", "TLS_CERT_EXPIRED",
  "HTTP_PREAUTH", "HTTP_TIMEOUT", "HTTP_SERVICE_UNAVAILABLE", "HTTP_SERVER_ERROR",
  "EWS_NOT_PUBLISHED", "MRSPROXY_URL_BLOCKED", "MRSPROXY_DISABLED",
  "MRSPROXY_HANDLER_MISSING", "EWS_WINDOWS_AUTH_DISABLED", "EWS_BASIC_AUTH_DISABLED",
  "AUTH_BAD_CREDENTIALS", "LB_NO_AFFINITY", "LB_INCONSISTENT_BACKENDS",
  "OA_NOT_PUBLISHED", "OA_BASIC_NOT_OFFERED", "OA_PORT_NOT_ALLOWED",
  "OA_BACKEND_UNAVAILABLE", "OA_SERVER_NAME_UNRESOLVED", "OA_BIND_REJECTED",
  "AUTODISCOVER_NOT_FOUND", "AUTODISCOVER_AUTH_FAILED", "AUTODISCOVER_BAD_RESPONSE",
  "AUTODISCOVER_INTERNAL_URL", "AUTODISCOVER_UNSAFE_REDIRECT", "AUTODISCOVER_REDIRECT_LOOP",
  "IMAP_NOT_IMAP", "IMAP_NO_TLS", "IMAP_LOGIN_DISABLED", "IMAP_AUTH_FAILED",
  "LOG_NO_MIGRATION_TRAFFIC", "LOG_TRAFFIC_ON_WRONG_SERVER", "LOG_AUTH_FAILURES",
  "LOG_NTLM_SPLIT", "LOG_SERVER_ERRORS", "HTTPERR_CONNECTION_DROPPED", "HTTPERR_QUEUE_FULL",
  "PROXY_BACKEND_ERRORS", "CFG_MRSPROXY_DISABLED", "CFG_EWS_EXTERNAL_URL_MISSING",
  "CFG_EWS_AUTH_METHODS", "CFG_OA_AUTH_NOT_BASIC", "CFG_OA_SSL_OFFLOADING",
  "CFG_VALIDPORTS_MISSING", "NOTIFICATION_EMAIL_MISSING", "MIGRATION_THROTTLED",
  "MAILBOX_LOCKED", "MRSPROXY_CONNECTION_LIMIT",
};

static void catalogue_complete(void **state)
{
  (void)state;
  for(size_t i = 0; i < sizeof promised / sizeof promised[0]; i++) {
    const struct mc_cause *c = mc_cause_find(promised[i]);
    if(!c)
      fail_msg("cause %s missing from the catalogue", promised[i]);
  }
  for(size_t i = 0; i < mc_cause_table_len; i++) {
    const struct mc_cause *c = &mc_cause_table[i];
    assert_true(c->title && *c->title);
    assert_true(c->why && *c->why);
    assert_true(c->source && *c->source);
    assert_true(c->area && *c->area);
    assert_true(c->severity == MC_FAIL || c->severity == MC_WARN);
    assert_non_null(c->fix);
    assert_non_null(c->fix[0]);
    assert_non_null(c->fix[1]);
    for(const char *p = c->id; *p; p++)
      assert_true((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_');
    for(size_t k = i + 1; k < mc_cause_table_len; k++)
      assert_string_not_equal(c->id, mc_cause_table[k].id);
  }
}

static void verdicts_and_ranking(void **state)
{
  (void)state;
  struct mc_report *r = mc_report_new("tls", "mail.contoso.com");
  assert_int_equal(mc_report_verdict(r), MC_PASS);
  assert_int_equal(mc_report_exit_code(r), 0);
  struct mc_step *a = mc_step_add(r, NULL, "Resolve");
  mc_step_done(r, a, MC_PASS, "1 address");
  struct mc_step *b = mc_step_add(r, NULL, "TLS");
  mc_step_find_sev(r, b, "TLS_CERT_EXPIRED", MC_WARN, "expires in %d days", 10);
  assert_int_equal(b->status, MC_WARN);
  /* mc_step_done never lowers below a finding's severity. */
  mc_step_done(r, b, MC_PASS, "handshake ok");
  assert_int_equal(b->status, MC_WARN);
  assert_int_equal(mc_report_verdict(r), MC_WARN);
  struct mc_step *c = mc_step_add(r, b, "chain");
  mc_step_find_sev(r, c, "TLS_CERT_UNTRUSTED", MC_FAIL, NULL);
  assert_int_equal(mc_report_verdict(r), MC_FAIL);
  assert_int_equal(mc_report_exit_code(r), 1);
  size_t n;
  struct mc_finding **v = mc_report_ranked(r, &n);
  assert_int_equal(n, 2);
  /* The failure ranks before the earlier warning. */
  assert_string_equal(v[0]->cause->id, "TLS_CERT_UNTRUSTED");
  assert_string_equal(v[1]->cause->id, "TLS_CERT_EXPIRED");
  free(v);
  assert_true(mc_report_has(r, "TLS_CERT_EXPIRED"));
  assert_false(mc_report_has(r, "TCP_REFUSED"));
  mc_report_free(r);
}

static void incomplete_is_unknown(void **state)
{
  (void)state;
  struct mc_report *r = mc_report_new("ports", "x");
  mc_report_incomplete(r, "the resolver did not answer");
  assert_int_equal(mc_report_verdict(r), MC_UNKNOWN);
  assert_int_equal(mc_report_exit_code(r), 3);
  assert_int_equal(r->nnotes, 1);
  /* A real problem found still wins over "incomplete". */
  struct mc_step *s = mc_step_add(r, NULL, "TCP");
  mc_step_find(r, s, "TCP_REFUSED", "port 443");
  assert_int_equal(mc_report_verdict(r), MC_FAIL);
  mc_report_free(r);
}

static void evidence_is_made_printable(void **state)
{
  (void)state;
  struct mc_report *r = mc_report_new("x", "y");
  struct mc_step *s = mc_step_add(r, NULL, "t");
  mc_step_evn(s, "bytes", "HTTP/1.1 400\r\n\x00\xff", 16);
  assert_string_equal(s->ev[0].text, "HTTP/1.1 400\\x0d\\x0a\\x00\\xff");
  mc_report_new_run_id(r);
  assert_int_equal(strlen(r->run_id), 15);
  assert_memory_equal(r->run_id, "mc-", 3);
  mc_report_free(r);
}

/* Catalogue text filled from the run's facts; what the run did not learn is
 * a marked placeholder; the catalogue's old example names are filled too. */
static void facts_fill_catalogue_text(void **state)
{
  (void)state;
  struct mc_report *r = mc_report_new("remote-move", "mail.fabrikam.com");
  mc_report_fact_names(r, "mail.fabrikam.com", "FABRIKAM\\svcmig", NULL);
  mc_report_fact(r, "validports", "%s", "EX7:6001-6002;EX7:6004");
  mc_report_fact(r, "server", "%s", "");           /* empty: not recorded */
  mc_report_fact(r, "user", "%s", "OTHER\\x");      /* the first value wins */
  char *t = mc_report_fill(r, "Sign in as {user} on {host} ({domain}) to {server}: "
                              "/d \"{validports}\" {unknown} {$_.Name}");
  assert_string_equal(t, "Sign in as FABRIKAM\\svcmig on mail.fabrikam.com (fabrikam.com) to "
                         "<Exchange server>: /d \"EX7:6001-6002;EX7:6004\" {unknown} {$_.Name}");
  free(t);
  /* A row written with the old example names follows the run too. */
  t = mc_report_fill(r, "Get-Credential CONTOSO\\migadmin; nslookup mail.contoso.com; EX01\\EWS; "
                        "autodiscover.contoso.com; EX012");
  assert_string_equal(t, "Get-Credential FABRIKAM\\svcmig; nslookup mail.fabrikam.com; "
                         "<Exchange server>\\EWS; autodiscover.fabrikam.com; EX012");
  free(t);
  /* {target} falls back to the host. */
  t = mc_report_fill(r, "migcheck tls {target}");
  assert_string_equal(t, "migcheck tls mail.fabrikam.com");
  free(t);
  /* The vdir identity: a pasted one, else the default on the server seen. */
  t = mc_report_fill(r, "-Identity \"{vdir}\"");
  assert_string_equal(t, "-Identity \"<Exchange server>\\EWS (Default Web Site)\"");
  free(t);
  mc_report_fact(r, "vdir", "%s", "EX9\\EWS (Exchange Back End)");
  t = mc_report_fill(r, "-Identity \"{vdir}\"");
  assert_string_equal(t, "-Identity \"EX9\\EWS (Exchange Back End)\"");
  free(t);
  /* No report: every fact is its marked placeholder. */
  t = mc_report_fill(NULL, "{user} {host} {validports}");
  assert_string_equal(t, "<DOMAIN\\user> <public host name> <ValidPorts value>");
  free(t);
  mc_report_free(r);
}

/* No catalogue text names a document outside the repository. */
static void catalogue_sources_are_public(void **state)
{
  (void)state;
  static const char *const outside[] = { "seed 0", "seeds", "field-case", "field case",
                                         "exchange-wire", "rpch-autodiscover", "style-anchors",
                                         ".md sec", NULL };
  for(size_t i = 0; i < mc_cause_table_len; i++) {
    const struct mc_cause *c = &mc_cause_table[i];
    const char *texts[64] = { c->title, c->why, c->check, c->source };
    size_t n = 4;
    for(int k = 0; c->fix[k] && n < 64; k++)
      texts[n++] = c->fix[k];
    for(size_t k = 0; k < n; k++) {
      for(int o = 0; texts[k] && outside[o]; o++) {
        if(strstr(texts[k], outside[o]))
          fail_msg("%s names '%s': %s", c->id, outside[o], texts[k]);
      }
    }
  }
}

/* A password echoed in any of its spellings never reaches the report. */
static void secrets_are_redacted(void **state)
{
  (void)state;
  const char *pw = "Lab-Secret/7f3a 9q&%";
  mc_redact_login("CONTOSO\\migadmin", pw);
  mc_redact_login("other", pw);                       /* kept once */
  struct mc_buf basic = MC_BUF_INIT(4096), basic2 = MC_BUF_INIT(4096);
  const char *up = "CONTOSO\\migadmin:Lab-Secret/7f3a 9q&%";
  mc_base64_encode(&basic, up, strlen(up));
  const char *up2 = "x:Lab-Secret/7f3a 9q&%";         /* another alignment */
  mc_base64_encode(&basic2, up2, strlen(up2));
  char *echoes[] = {
    mc_xstrdup("X-FailureContext: CONTOSO\\migadmin:Lab-Secret/7f3a 9q&%;403"),
    mc_xstrdup("<title>lab-secret/7F3A 9Q&amp;%</title>"),
    mc_xstrdup("Location: https://h/x?p=Lab-Secret%2f7f3a+9q%26%25&q=1"),
    mc_xstrdup("Location: https://h/x?p=Lab%2DSecret%2F7f3a%209q%26%25"),
    mc_xstrdup("json: \"Lab-Secret\\/7f3a 9q&%\""),
    mc_xstrdup("xml: Lab-Secret/7f3a&#32;9q&#x26;&#37;"),
    mc_xasprintf("Authorization: Basic %s", basic.ptr),
    mc_xasprintf("echo %s end", basic2.ptr),
    mc_xstrdup("the line was cut here: Lab-Secr..."),
  };
  struct mc_report *r = mc_report_new("test", "t");
  struct mc_step *s = mc_step_add(r, NULL, "step %s", echoes[0]);
  for(size_t i = 0; i < sizeof echoes / sizeof echoes[0]; i++) {
    mc_step_ev(s, "echo", "%s", echoes[i]);
    size_t n;
    char *c = mc_redact(echoes[i], strlen(echoes[i]), &n);
    assert_int_equal(n, strlen(c));
    if(!strstr(c, MC_REDACTED))
      fail_msg("not redacted: %s -> %s", echoes[i], c);
    assert_null(mc_memcasemem(c, n, "Secret/7f3a"));
    assert_null(strstr(c, "Secr..."));
    free(c);
  }
  mc_step_find(r, s, "AUTH_BAD_CREDENTIALS", "server said %s", echoes[1]);
  mc_report_note(r, "%s", echoes[2]);
  mc_report_section(r, "x", echoes[4]);
  mc_step_done(r, s, MC_FAIL, "%s", echoes[3]);
  assert_null(strstr(s->title, "Secret"));
  assert_null(strstr(s->summary, "Secret"));
  assert_null(strstr(r->findings[0]->detail, "ecret"));
  assert_null(strstr(r->notes[0], "Secret"));
  assert_null(strstr(r->sections[0].json, "Secret"));
  for(size_t i = 0; i < s->nev; i++) {
    assert_null(mc_memcasemem(s->ev[i].text, strlen(s->ev[i].text), "Secret/7f3a"));
    assert_non_null(strstr(s->ev[i].text, MC_REDACTED));
  }
  /* The user name and ordinary text stay. */
  assert_non_null(strstr(s->ev[0].text, "CONTOSO\\migadmin:"));
  char *plain = mc_redact("no secret in here, Lab", 22, NULL);
  assert_string_equal(plain, "no secret in here, Lab");
  free(plain);
  /* A password's first letters end a text that was not cut: a name, kept. */
  plain = mc_redact("host lab-secret-server.Lab-Se", 29, NULL);
  assert_string_equal(plain, "host lab-secret-server.Lab-Se");
  free(plain);
  for(size_t i = 0; i < sizeof echoes / sizeof echoes[0]; i++)
    free(echoes[i]);
  mc_buf_release(&basic);
  mc_buf_release(&basic2);
  mc_report_free(r);
  mc_redact_forget();
  assert_false(mc_redact_active());
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(catalogue_complete),
    cmocka_unit_test(verdicts_and_ranking),
    cmocka_unit_test(incomplete_is_unknown),
    cmocka_unit_test(evidence_is_made_printable),
    cmocka_unit_test(facts_fill_catalogue_text),
    cmocka_unit_test(catalogue_sources_are_public),
    cmocka_unit_test(secrets_are_redacted),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
