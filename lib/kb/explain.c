/*
 * explain.c - turns matched signatures into the report `migcheck explain`
 * prints: one step for what was read, one for the match, a finding per
 * recognised cause with the matched phrases as its detail, and an "explain"
 * JSON section with the scores. Text nothing matched gets no cause: the
 * report is marked incomplete (verdict unknown) and points at the checks
 * that observe the server directly.
 */
#include "kb/kb.h"

#include <stdlib.h>
#include <string.h>

#include "util/json.h"

#define MAX_CAUSES 6
#define SHOWN_TEXT 160

static void add_section(struct mc_report *r, const struct mc_kb_result *res)
{
  struct mc_buf b = MC_BUF_INIT(1 << 20);
  struct mc_json j;
  mc_json_init(&j, &b, false);
  mc_json_obj_begin(&j);
  mc_json_kbool(&j, "recognised", res->n > 0);
  mc_json_kbool(&j, "generic_only", res->generic_only);
  mc_json_key(&j, "matches");
  mc_json_arr_begin(&j);
  for(size_t i = 0; i < res->n; i++) {
    mc_json_obj_begin(&j);
    mc_json_kstr(&j, "cause", res->m[i].cause->id);
    mc_json_kint(&j, "score", res->m[i].score);
    mc_json_kstr(&j, "matched", res->m[i].evidence);
    mc_json_kstr(&j, "signature_source", res->m[i].sig->source);
    mc_json_obj_end(&j);
  }
  mc_json_arr_end(&j);
  mc_json_obj_end(&j);
  mc_report_section(r, "explain", b.ptr);
  mc_buf_release(&b);
}

static size_t explain_steps(struct mc_report *r, struct mc_step *parent, const char *text,
                            size_t n, struct mc_kb_result *res)
{
  struct mc_kb_text t;
  mc_kb_normalize(text, n, &t);
  struct mc_step *rd = mc_step_add(r, parent, "Read the error text");
  size_t lines = 1;
  for(size_t i = 0; i < n; i++)
    lines += text[i] == '\n';
  mc_step_evn(rd, "normalized", t.spaced, t.nspaced < SHOWN_TEXT ? t.nspaced : SHOWN_TEXT);
  mc_step_done(r, rd, MC_INFO, "%zu bytes, %zu line%s, %zu after normalizing", n, lines,
               lines == 1 ? "" : "s", t.nspaced);

  mc_kb_match(&t, MAX_CAUSES, res);
  /* An IIS line with 401 1 2148074254 is the first leg of NTLM, not a
     failure: say so rather than blame the password. */
  bool first_leg = mc_kb_phrase_in(&t, "401 1 2148074254", NULL, NULL) &&
                   !mc_kb_phrase_in(&t, "2148074252", NULL, NULL);
  mc_kb_text_release(&t);
  struct mc_step *st = mc_step_add(r, parent, "Match against %zu error signatures",
                                   mc_kb_nsignatures);
  for(size_t i = 0; i < res->n; i++) {
    const struct mc_kb_match *m = &res->m[i];
    mc_step_find(r, st, m->cause->id, "matched %s (score %d; %s)", m->evidence, m->score,
                 m->sig->source);
  }
  if(first_leg)
    mc_report_note(r, "401 1 2148074254 (0x8009030E SEC_E_NO_CREDENTIALS) is the first leg of "
                   "NTLM: the server sent its challenge, as it does on every sign-in. It is no "
                   "failure on its own; a failed sign-in shows as 401 1 2148074252 (0x8009030C, "
                   "logon denied) or as no 200 after the challenge for the same client "
                   "(migcheck logs on the IIS log shows both)");
  if(res->generic_only)
    mc_step_ev(st, "note", "only a wrapper message was recognised: these are its usual "
               "inner causes; paste the whole error (ErrorDetail, the text after '-->') to "
               "narrow it down");
  if(res->n)
    mc_step_done(r, st, MC_INFO, "%zu cause%s recognised%s", res->n, res->n == 1 ? "" : "s",
                 res->generic_only ? " from a wrapper message only" : "");
  else
    mc_step_done(r, st, MC_UNKNOWN, "no known error signature in the text");
  return res->n;
}

size_t mc_explain_into(struct mc_report *r, struct mc_step *parent, const char *text,
                       size_t n)
{
  struct mc_kb_result res;
  size_t found = explain_steps(r, parent, text, n < MC_KB_TEXT_LIMIT ? n : MC_KB_TEXT_LIMIT,
                               &res);
  mc_kb_result_release(&res);
  return found;
}

struct mc_report *mc_explain_text(const char *text, size_t n)
{
  struct mc_report *r = mc_report_new("explain", "pasted error text");
  if(n > MC_KB_TEXT_LIMIT) {
    mc_report_note(r, "the text is %zu bytes; only the first %zu were read", n,
                   MC_KB_TEXT_LIMIT);
    n = MC_KB_TEXT_LIMIT;
  }
  struct mc_kb_result res;
  explain_steps(r, NULL, text, n, &res);
  add_section(r, &res);
  if(!res.n)
    mc_report_incomplete(r, "no known error signature in this text, so no cause is named. "
                         "Observe the server instead: migcheck remote-move (hybrid moves, "
                         "EWS/MRSProxy), migcheck outlook-anywhere (cutover and staged), "
                         "migcheck imap (IMAP migration: 993 or 143, TLS, login)");
  mc_kb_result_release(&res);
  return r;
}
