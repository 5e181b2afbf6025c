/* test_kb.c - the explain matcher: normalization (what pasting does),
 * phrase matching in the spaced and compact forms, ranking, generic wrapper
 * handling, the report, and every error text under tests/data/explain (each
 * field case of field-cases.md that has a cause, the seeds' errors, pasted
 * variants). Each data file names its expected causes in "# expect: ID"
 * lines ("NONE": nothing may be recognised) and "# rank: 1" when the first
 * expected cause must come first. The folder is the first argument. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb/kb.h"

static const char *data_dir;

static char *norm(const char *s)
{
  struct mc_kb_text t;
  mc_kb_normalize(s, strlen(s), &t);
  char *r = mc_xstrdup(t.spaced);
  mc_kb_text_release(&t);
  return r;
}

static void normalize_paste(void **state)
{
  (void)state;
  char *a = norm("Error  details:\r\n  The HTTP\trequest  was\n\nforbidden");
  assert_string_equal(a, "error details: the http request was forbidden");
  free(a);
  a = norm("\xe2\x80\x98Negotiate\xe2\x80\x99 \xe2\x80\x9cx\xe2\x80\x9d `y\xc2\xb4 \"z\"");
  assert_string_equal(a, "'negotiate' 'x' 'y' 'z'");
  free(a);
  a = norm("a --> b ---> c \xe2\x80\x93> d \xe2\x86\x92 e -> f");
  assert_string_equal(a, "a -> b -> c -> d -> e -> f");
  free(a);
  a = norm("Set-\nMigrationBatch");
  assert_string_equal(a, "set-migrationbatch");
  free(a);
}

static void normalize_placeholders(void **state)
{
  (void)state;
  char *a = norm("move 2f3a1c5e-9B7D-4e11-8a2b-0c5d6e7f8a9b from 40.108.208.169 to "
                 "https://mail.contoso.com/EWS/mrsproxy.svc at EX01.contoso.local.");
  assert_string_equal(a, "move <guid> from <ip> to https://<host>/ews/mrsproxy.svc at <host>.");
  free(a);
  /* .NET type names, file names, versions and Microsoft service domains stay. */
  a = norm("Microsoft.Exchange.Rpc.ServerUnavailableException System.Net web.config "
           "x.resource.mailboxmigration.his.msappproxy.net login.windows.net 15.1.2176.9 "
           "00:00:00.0049846 e.g.");
  assert_string_equal(a, "microsoft.exchange.rpc.serverunavailableexception system.net "
                      "web.config x.resource.mailboxmigration.his.msappproxy.net "
                      "login.windows.net 15.1.2176.9 00:00:00.0049846 e.g.");
  free(a);
}

static void normalize_hostile(void **state)
{
  (void)state;
  /* Invalid UTF-8, NULs and control bytes become spaces; nothing crashes. */
  const char junk[] = "a\xff\xfe\0b\x01\x1b[31mc\xed\xa0\x80";
  struct mc_kb_text t;
  mc_kb_normalize(junk, sizeof junk - 1, &t);
  assert_non_null(strstr(t.spaced, "a b"));
  assert_int_equal(strlen(t.spaced), t.nspaced);
  assert_null(strchr(t.compact, ' '));
  mc_kb_text_release(&t);
  mc_kb_normalize("", 0, &t);
  assert_int_equal(t.nspaced, 0);
  mc_kb_text_release(&t);
}

static void phrase_compact_form(void **state)
{
  (void)state;
  struct mc_kb_text t;
  const char *s = "Error 0x6ba (The RPC server is unavailable) from cli_Nspi\n    Bind";
  mc_kb_normalize(s, strlen(s), &t);
  const char *hit;
  size_t n;
  assert_true(mc_kb_phrase_in(&t, "cli_NspiBind", &hit, &n));
  assert_int_equal(n, strlen("cli_NspiBind"));
  assert_true(mc_kb_phrase_in(&t, "nothing|RPC server is unavailable", &hit, &n));
  assert_memory_equal(hit, "RPC server", 10);
  /* Short phrases are not tried across word boundaries. */
  assert_false(mc_kb_phrase_in(&t, "0x6bat", NULL, NULL));
  assert_false(mc_kb_phrase_in(&t, "frombind", NULL, NULL));
  mc_kb_text_release(&t);
}

static void table_is_sane(void **state)
{
  (void)state;
  for(size_t i = 0; i < mc_kb_nsignatures; i++) {
    const struct mc_kb_signature *s = &mc_kb_signatures[i];
    if(!mc_cause_find(s->cause))
      fail_msg("signature %zu names unknown cause %s", i, s->cause);
    assert_non_null(s->all);
    assert_non_null(s->all[0]);
    assert_true(s->weight >= 1 && s->weight <= 20);
    assert_non_null(s->source);
  }
}

static void generic_only_when_nothing_specific(void **state)
{
  (void)state;
  const char *wrapper = "The connection to the server 'mail.contoso.com' could not be completed.";
  struct mc_kb_text t;
  struct mc_kb_result res;
  mc_kb_normalize(wrapper, strlen(wrapper), &t);
  mc_kb_match(&t, 10, &res);
  assert_true(res.generic_only);
  assert_true(res.n >= 3);
  mc_kb_result_release(&res);
  mc_kb_text_release(&t);
  const char *inner = "The connection to the server 'mail.contoso.com' could not be completed. "
                      "--> The remote name could not be resolved: 'mail.contoso.com'";
  mc_kb_normalize(inner, strlen(inner), &t);
  mc_kb_match(&t, 10, &res);
  assert_false(res.generic_only);
  assert_int_equal(res.n, 1);
  assert_string_equal(res.m[0].cause->id, "DNS_NOT_FOUND");
  mc_kb_result_release(&res);
  mc_kb_text_release(&t);
}

static void report_and_unknown(void **state)
{
  (void)state;
  const char *s = "Please provide the list of notification mails.";
  struct mc_report *r = mc_explain_text(s, strlen(s));
  assert_true(mc_report_has(r, "NOTIFICATION_EMAIL_MISSING"));
  assert_int_equal(mc_report_exit_code(r), 1);
  assert_true(r->nsections == 1);
  mc_report_free(r);
  s = "all is well";
  r = mc_explain_text(s, strlen(s));
  assert_int_equal(r->nfindings, 0);
  assert_int_equal(mc_report_verdict(r), MC_UNKNOWN);
  assert_int_equal(mc_report_exit_code(r), 3);
  mc_report_free(r);
}

static void huge_text_is_cut(void **state)
{
  (void)state;
  size_t n = MC_KB_TEXT_LIMIT + 4096;
  char *big = mc_xmalloc(n);
  memset(big, 'A', n);
  memcpy(big + n - 100, "SourceMailboxAlreadyBeingMovedTransientException", 48);
  struct mc_report *r = mc_explain_text(big, n);
  /* The signature sits past the limit: not read, said so, no cause. */
  assert_false(mc_report_has(r, "MAILBOX_LOCKED"));
  assert_true(r->nnotes >= 1);
  assert_non_null(strstr(r->notes[0], "only the first"));
  mc_report_free(r);
  free(big);
}

/* A lone 401 1 2148074254 is the first NTLM leg: no cause, and a note that
 * says what a failure looks like instead. */
static void ntlm_first_leg_is_no_failure(void **state)
{
  (void)state;
  static const char leg[] = "2016-09-15 08:20:18 POST /EWS/mrsproxy.svc 443 - - - "
                            "401 1 2148074254 156";
  struct mc_report *r = mc_explain_text(leg, sizeof leg - 1);
  assert_false(mc_report_has(r, "AUTH_BAD_CREDENTIALS"));
  assert_int_equal(r->nfindings, 0);
  const char *note = NULL;
  for(size_t i = 0; i < r->nnotes; i++) {
    if(strstr(r->notes[i], "first leg of NTLM"))
      note = r->notes[i];
  }
  assert_non_null(note);
  assert_non_null(strstr(note, "401 1 2148074252"));
  mc_report_free(r);
  static const char denied[] = "POST /EWS/mrsproxy.svc 443 - - - 401 1 2148074254 156\n"
                               "POST /EWS/mrsproxy.svc 443 CONTOSO\\m - - 401 1 2148074252 9";
  r = mc_explain_text(denied, sizeof denied - 1);
  assert_true(mc_report_has(r, "AUTH_BAD_CREDENTIALS"));
  for(size_t i = 0; i < r->nnotes; i++)
    assert_null(strstr(r->notes[i], "first leg of NTLM"));
  mc_report_free(r);
}

/* Reads "# expect:" and "# rank: 1" headers and the text below them. */
static void one_file(const char *path, int *checked)
{
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  char line[8192];
  struct mc_buf text = MC_BUF_INIT(1 << 20);
  char expect[8][64];
  int nexp = 0;
  bool rank1 = false;
  while(fgets(line, sizeof line, f)) {
    if(strncmp(line, "# expect: ", 10) == 0 && nexp < 8) {
      size_t len = strcspn(line + 10, "\r\n");
      if(len >= sizeof expect[nexp])
        fail_msg("%s: cause id too long", path);
      memcpy(expect[nexp], line + 10, len);
      expect[nexp][len] = '\0';
      nexp++;
    }
    else if(strncmp(line, "# rank: 1", 9) == 0)
      rank1 = true;
    else if(line[0] != '#')
      mc_buf_addstr(&text, line);
  }
  fclose(f);
  if(nexp == 0)
    fail_msg("%s: no '# expect:' line", path);
  struct mc_report *r = mc_explain_text(text.ptr ? text.ptr : "", text.len);
  if(strcmp(expect[0], "NONE") == 0) {
    if(r->nfindings)
      fail_msg("%s: expected no cause, got %s", path, r->findings[0]->cause->id);
  }
  for(int i = 0; i < nexp && strcmp(expect[0], "NONE") != 0; i++) {
    if(!mc_report_has(r, expect[i]))
      fail_msg("%s: cause %s not recognised", path, expect[i]);
  }
  if(rank1) {
    size_t n;
    struct mc_finding **ranked = mc_report_ranked(r, &n);
    if(n == 0 || strcmp(ranked[0]->cause->id, expect[0]) != 0)
      fail_msg("%s: %s should come first, got %s", path, expect[0],
               n ? ranked[0]->cause->id : "nothing");
    free(ranked);
  }
  mc_report_free(r);
  mc_buf_release(&text);
  (*checked)++;
}

static void every_data_file(void **state)
{
  (void)state;
  assert_non_null(data_dir);
  char *dir = mc_xasprintf("%s/explain", data_dir);
  DIR *d = opendir(dir);
  assert_non_null(d);
  struct dirent *e;
  int checked = 0, cases = 0;
  while((e = readdir(d))) {
    size_t n = strlen(e->d_name);
    if(n < 5 || strcmp(e->d_name + n - 4, ".txt") != 0)
      continue;
    char *path = mc_xasprintf("%s/%s", dir, e->d_name);
    one_file(path, &checked);
    /* c01.txt ... c49.txt: one per field case. */
    cases += n == 7 && e->d_name[0] == 'c';
    free(path);
  }
  closedir(d);
  free(dir);
  assert_int_equal(cases, 49);
  assert_true(checked > 49);
}

int main(int argc, char **argv)
{
  data_dir = argc > 1 ? argv[1] : NULL;
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(normalize_paste),
    cmocka_unit_test(normalize_placeholders),
    cmocka_unit_test(normalize_hostile),
    cmocka_unit_test(phrase_compact_form),
    cmocka_unit_test(table_is_sane),
    cmocka_unit_test(generic_only_when_nothing_specific),
    cmocka_unit_test(report_and_unknown),
    cmocka_unit_test(huge_text_is_cut),
    cmocka_unit_test(ntlm_first_leg_is_no_failure),
    cmocka_unit_test(every_data_file),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
