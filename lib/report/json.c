/*
 * json.c - the machine report, the versioned contract of docs/json-schema.md:
 * verdict, causes (ranked, one per cause id, with every finding as evidence),
 * steps (the tree), plus any sections a command adds (e.g. "traffic").
 */
#include "report/render.h"

#include <stdlib.h>
#include <string.h>

#include "util/json.h"
#include "version.h"

/* Adds key: text filled from r's facts. */
static void kfilled(struct mc_json *j, const struct mc_report *r, const char *key,
                    const char *text)
{
  char *t = mc_report_fill(r, text);
  mc_json_kstr(j, key, t);
  free(t);
}

void mc_render_cause_json(struct mc_json *j, const struct mc_report *r,
                          const struct mc_cause *c)
{
  mc_json_kstr(j, "id", c->id);
  mc_json_kstr(j, "severity", mc_status_name(c->severity));
  mc_json_kstr(j, "area", c->area);
  mc_json_kstr(j, "title", c->title);
  kfilled(j, r, "why", c->why);
  mc_json_key(j, "fix");
  mc_json_arr_begin(j);
  for(int i = 0; c->fix && c->fix[i]; i++) {
    char *t = mc_report_fill(r, c->fix[i]);
    mc_json_str(j, t);
    free(t);
  }
  mc_json_arr_end(j);
  char *check = mc_report_fill_check(r, c->check);
  mc_json_kstr(j, "check", check);
  free(check);
  mc_json_kstr(j, "source", c->source);
}

static void steps_json(struct mc_json *j, const struct mc_step *s)
{
  mc_json_arr_begin(j);
  for(; s; s = s->next) {
    mc_json_obj_begin(j);
    mc_json_kstr(j, "title", s->title);
    mc_json_kstr(j, "status", mc_status_name(s->status));
    mc_json_kstr(j, "summary", s->summary ? s->summary : "");
    mc_json_kint(j, "started_ms", s->started_ms);
    mc_json_key(j, "duration_ms");
    if(s->duration_ms >= 0)
      mc_json_int(j, s->duration_ms);
    else
      mc_json_null(j);
    mc_json_key(j, "evidence");
    mc_json_arr_begin(j);
    for(size_t i = 0; i < s->nev; i++) {
      mc_json_obj_begin(j);
      mc_json_kstr(j, "label", s->ev[i].label);
      mc_json_kstr(j, "text", s->ev[i].text);
      mc_json_obj_end(j);
    }
    mc_json_arr_end(j);
    mc_json_key(j, "findings");
    mc_json_arr_begin(j);
    for(size_t i = 0; i < s->nfindings; i++) {
      mc_json_obj_begin(j);
      mc_json_kstr(j, "id", s->findings[i]->cause->id);
      mc_json_kstr(j, "severity", mc_status_name(s->findings[i]->severity));
      mc_json_kstr(j, "detail", s->findings[i]->detail);
      mc_json_obj_end(j);
    }
    mc_json_arr_end(j);
    mc_json_key(j, "steps");
    steps_json(j, s->child);
    mc_json_obj_end(j);
  }
  mc_json_arr_end(j);
}

void mc_render_json(const struct mc_report *r, struct mc_buf *out)
{
  struct mc_json j;
  mc_json_init(&j, out, true);
  mc_json_obj_begin(&j);
  mc_json_kint(&j, "schema_version", MC_JSON_SCHEMA_VERSION);
  mc_json_kstr(&j, "tool", "migcheck " MC_VERSION);
  mc_json_kstr(&j, "command", r->command);
  mc_json_kstr(&j, "target", r->target);
  mc_json_kstr(&j, "run_id", r->run_id[0] ? r->run_id : NULL);
  mc_json_kstr(&j, "started", r->started);
  mc_json_kint(&j, "duration_ms", mc_now_ms() - r->t0_ms);
  mc_json_kstr(&j, "verdict", mc_status_name(mc_report_verdict(r)));
  mc_json_kint(&j, "steps_skipped", (int64_t)mc_report_skipped(r));
  mc_json_key(&j, "notes");
  mc_json_arr_begin(&j);
  for(size_t i = 0; i < r->nnotes; i++)
    mc_json_str(&j, r->notes[i]);
  mc_json_arr_end(&j);

  size_t n = 0;
  struct mc_finding **ranked = mc_report_ranked(r, &n);
  mc_json_key(&j, "causes");
  mc_json_arr_begin(&j);
  for(size_t i = 0; i < n; i++) {
    if(!mc_ranked_first(ranked, i))
      continue;
    mc_json_obj_begin(&j);
    mc_render_cause_json(&j, r, ranked[i]->cause);
    /* The cause's severity here is the worst this run saw. */
    mc_json_kstr(&j, "observed_severity", mc_status_name(ranked[i]->severity));
    mc_json_key(&j, "evidence");
    mc_json_arr_begin(&j);
    for(size_t k = i; k < n; k++) {
      if(ranked[k]->cause != ranked[i]->cause)
        continue;
      mc_json_obj_begin(&j);
      mc_json_kstr(&j, "detail", ranked[k]->detail);
      mc_json_kstr(&j, "step", ranked[k]->step->title);
      mc_json_obj_end(&j);
    }
    mc_json_arr_end(&j);
    mc_json_obj_end(&j);
  }
  mc_json_arr_end(&j);
  free(ranked);

  mc_json_key(&j, "facts");
  mc_json_obj_begin(&j);
  for(size_t i = 0; i < r->nfacts; i++)
    mc_json_kstr(&j, r->facts[i].key, r->facts[i].value);
  mc_json_obj_end(&j);
  mc_json_key(&j, "steps");
  steps_json(&j, r->root->child);
  /* traffic has one shape: an object; the requests a command made (its own
   * and those of the Autodiscover walk before it) are its "requests" list;
   * migcheck logs gives its per-endpoint counts as members instead. */
  struct mc_buf reqs = MC_BUF_INIT(MC_RENDER_LIMIT);
  bool any_requests = false;
  for(size_t i = 0; i < r->nsections; i++) {
    const char *key = r->sections[i].key, *v = r->sections[i].json;
    if((strcmp(key, "traffic") == 0 || strcmp(key, "autodiscover_traffic") == 0) &&
       v[0] == '[') {
      size_t vlen = strlen(v);
      if(vlen > 2) {
        mc_buf_addstr(&reqs, any_requests && reqs.len ? "," : "");
        mc_buf_add(&reqs, v + 1, vlen - 2);
      }
      any_requests = true;
      continue;
    }
    mc_json_key(&j, key);
    mc_json_raw(&j, v);
  }
  if(any_requests) {
    char *t = mc_xasprintf("{\"requests\": [%s]}", reqs.ptr ? reqs.ptr : "");
    mc_json_key(&j, "traffic");
    mc_json_raw(&j, t);
    free(t);
  }
  mc_buf_release(&reqs);
  mc_json_obj_end(&j);
  mc_buf_addch(out, '\n');
}
