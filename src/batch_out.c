/*
 * batch_out.c - what a batch prints when its rows are done: the counts, the
 * causes that recur across rows (details compared with each row's own host
 * and port made alike), and the outputs --json, --jsonl, --csv FILE and
 * --html FILE (one page, each row linking to its report further down).
 * Reads the finished rows; runs nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "report/render.h"
#include "version.h"

const char *mc_batch_verdict_of(const char *s)
{
  static const char *const names[] = { "pass", "warn", "fail", "unknown" };
  for(size_t i = 0; i < 4; i++) {
    if(s && strcmp(s, names[i]) == 0)
      return names[i];
  }
  return NULL;
}

const char *mc_batch_first_cause(const struct mc_batch_run *r)
{
  if(r->error)
    return r->error;
  return r->ncauses ? r->causes[0] : "-";
}

enum mc_status mc_batch_status(const char *verdict)
{
  if(strcmp(verdict, "pass") == 0)
    return MC_PASS;
  if(strcmp(verdict, "warn") == 0)
    return MC_WARN;
  if(strcmp(verdict, "fail") == 0)
    return MC_FAIL;
  return MC_UNKNOWN;
}

void mc_batch_cut(char *out, size_t outlen, const char *s, size_t width)
{
  size_t n = strlen(s);
  if(n <= width)
    snprintf(out, outlen, "%s", s);
  else
    snprintf(out, outlen, "%.*s...", (int)(width - 3), s);
}

/* ---- the summary ---- */


/* The first evidence detail of cause id in a row's report, or NULL. */
static const char *detail_of(const struct mc_batch_run *r, const char *id)
{
  for(size_t i = 0; i < r->ncauses; i++) {
    if(strcmp(r->causes[i], id) == 0)
      return *r->details[i] ? r->details[i] : NULL;
  }
  return NULL;
}

static int by_count(const void *a, const void *b)
{
  const struct mc_batch_recurring *x = a, *y = b;
  if(x->n != y->n)
    return x->n < y->n ? 1 : -1;
  return strcmp(x->id, y->id);
}

/* Causes named by two rows or more, most rows first. */
struct mc_batch_recurring *mc_batch_recurring_causes(const struct mc_batch *b, size_t *nrec)
{
  struct mc_batch_recurring *rec = NULL;
  size_t n = 0;
  for(size_t i = 0; i < b->n; i++) {
    const struct mc_batch_run *r = &b->runs[i];
    if(r->state != MC_ROW_DONE)
      continue;
    for(size_t c = 0; c < r->ncauses; c++) {
      size_t k = 0;
      while(k < n && strcmp(rec[k].id, r->causes[c]) != 0)
        k++;
      if(k == n) {
        rec = mc_xrealloc(rec, (n + 1) * sizeof *rec);
        rec[n++] = (struct mc_batch_recurring){ .id = r->causes[c] };
      }
      rec[k].rows = mc_xrealloc(rec[k].rows, (rec[k].n + 1) * sizeof *rec[k].rows);
      rec[k].rows[rec[k].n++] = i;
    }
  }
  size_t kept = 0;
  for(size_t k = 0; k < n; k++) {
    if(rec[k].n < 2) {
      free(rec[k].rows);
      continue;
    }
    /* Which detail do most of them share? */
    for(size_t a = 0; a < rec[k].n; a++) {
      const char *d = detail_of(&b->runs[rec[k].rows[a]], rec[k].id);
      if(!d)
        continue;
      size_t same = 0;
      for(size_t c = 0; c < rec[k].n; c++) {
        const char *e = detail_of(&b->runs[rec[k].rows[c]], rec[k].id);
        same += e && strcmp(d, e) == 0;
      }
      if(same > rec[k].detail_n) {
        rec[k].detail = d;
        rec[k].detail_n = same;
      }
    }
    rec[kept++] = rec[k];
  }
  if(kept)   /* rec is NULL when no row raised a cause */
    qsort(rec, kept, sizeof *rec, by_count);
  *nrec = kept;
  return rec;
}


struct mc_batch_counts mc_batch_count(const struct mc_batch *b)
{
  struct mc_batch_counts c = { 0 };
  for(size_t i = 0; i < b->n; i++) {
    const struct mc_batch_run *r = &b->runs[i];
    if(r->state == MC_ROW_STOPPED)
      c.stopped++;
    else if(r->state != MC_ROW_DONE)
      c.not_run++;
    else if(strcmp(r->verdict, "pass") == 0)
      c.pass++;
    else if(strcmp(r->verdict, "warn") == 0)
      c.warn++;
    else if(strcmp(r->verdict, "fail") == 0)
      c.fail++;
    else if(strcmp(r->verdict, "unknown") == 0)
      c.unknown++;
    else
      c.error++;
  }
  return c;
}

/* The worst verdict: fail, warn, unknown (or a row that could not run), pass. */
const char *mc_batch_worst(const struct mc_batch_counts *c)
{
  return c->fail ? "fail" : c->warn ? "warn" : (c->unknown || c->error) ? "unknown" : "pass";
}

static void rows_list(struct mc_buf *o, const struct mc_batch_recurring *rc, size_t max)
{
  for(size_t i = 0; i < rc->n && i < max; i++)
    mc_buf_printf(o, "%s%zu", i ? ", " : "", rc->rows[i] + 1);
  if(rc->n > max)
    mc_buf_printf(o, " and %zu more", rc->n - max);
}

void mc_batch_print_summary(const struct mc_batch *b, const struct mc_batch_counts *c,
                          const struct mc_batch_recurring *rec, size_t nrec, int64_t slowest)
{
  /* Wrapped at the output's width, as every text report is. */
  int width = mc_cli_width();
  struct mc_buf line = MC_BUF_INIT(8192);
  mc_buf_printf(&line, "%zu row%s in %.1f s (slowest row %.1f s, %zu at a time): %zu pass, "
                "%zu warn, %zu fail, %zu unknown, %zu could not run", b->n,
                b->n == 1 ? "" : "s", (double)(mc_now_ms() - b->t0) / 1000.0,
                (double)slowest / 1000.0, b->parallel, c->pass, c->warn, c->fail, c->unknown,
                c->error);
  if(b->interrupted)
    mc_buf_printf(&line, "; interrupted: %zu stopped, %zu not started", c->stopped, c->not_run);
  struct mc_buf wrapped = MC_BUF_INIT(16384);
  mc_render_wrap(&wrapped, line.ptr, "", width);
  printf("\n%s", wrapped.ptr);
  mc_buf_release(&wrapped);
  mc_buf_release(&line);
  if(!nrec) {
    printf("No cause recurs across rows.\n");
    return;
  }
  printf("\nCauses that recur across rows:\n");
  for(size_t k = 0; k < nrec; k++) {
    struct mc_buf o = MC_BUF_INIT(8192);
    rows_list(&o, &rec[k], 12);
    printf("  %zu rows share %s (rows %s)\n", rec[k].n, rec[k].id, o.ptr);
    if(rec[k].detail && rec[k].detail_n >= 2) {
      char d[240];
      mc_batch_cut(d, sizeof d, rec[k].detail, 200);
      char *t = mc_xasprintf("%s: %s", rec[k].detail_n == rec[k].n ?
                             "all with the same detail" : "most with", d);
      struct mc_buf w = MC_BUF_INIT(16384);
      mc_render_wrap(&w, t, "       ", width);
      printf("     %s", w.ptr + 7);
      mc_buf_release(&w);
      free(t);
    }
    mc_buf_release(&o);
  }
}

/* ---- the outputs ---- */

/* Writes a parsed value back (the report kept after the raw bytes went). */
static void jv_write(struct mc_json *j, const struct mc_jv *v)
{
  switch(v->type) {
  case MC_JV_NULL: mc_json_null(j); break;
  case MC_JV_BOOL: mc_json_bool(j, v->b); break;
  case MC_JV_NUM: mc_json_raw(j, v->str); break;
  case MC_JV_STR: mc_json_str(j, v->str); break;
  case MC_JV_ARR:
  case MC_JV_OBJ:
    if(v->type == MC_JV_ARR)
      mc_json_arr_begin(j);
    else
      mc_json_obj_begin(j);
    for(size_t i = 0; i < v->n; i++) {
      if(v->type == MC_JV_OBJ)
        mc_json_key(j, v->kids[i].key);
      jv_write(j, &v->kids[i]);
    }
    if(v->type == MC_JV_ARR)
      mc_json_arr_end(j);
    else
      mc_json_obj_end(j);
    break;
  }
}

void mc_batch_row_json(struct mc_json *j, const struct mc_batch_run *r)
{
  mc_json_obj_begin(j);
  mc_json_kint(j, "row", (int64_t)r->num);
  mc_json_kint(j, "line", r->row->line);
  mc_json_kstr(j, "check", r->row->check);
  mc_json_kstr(j, "target", r->row->target);
  mc_json_kstr(j, "user", r->row->user);
  mc_json_kstr(j, "verdict", r->state == MC_ROW_DONE ? r->verdict : "stopped");
  mc_json_kint(j, "exit_code", r->exit_code);
  mc_json_kint(j, "ms", r->ms > 0 ? r->ms : 0);
  mc_json_kstr(j, "run_id", r->run_id[0] ? r->run_id : NULL);
  mc_json_key(j, "causes");
  mc_json_arr_begin(j);
  for(size_t i = 0; i < r->ncauses; i++)
    mc_json_str(j, r->causes[i]);
  mc_json_arr_end(j);
  mc_json_kstr(j, "error", r->error);
  mc_json_key(j, "report");
  /* The child's own document, written back compact from the parsed tree
   * (one line for --jsonl). */
  if(r->report)
    jv_write(j, r->report);
  else
    mc_json_null(j);
  mc_json_obj_end(j);
}

static void summary_json(struct mc_json *j, const struct mc_batch *b,
                         const struct mc_batch_counts *c,
                         const struct mc_batch_recurring *rec, size_t nrec)
{
  mc_json_key(j, "counts");
  mc_json_obj_begin(j);
  mc_json_kint(j, "pass", (int64_t)c->pass);
  mc_json_kint(j, "warn", (int64_t)c->warn);
  mc_json_kint(j, "fail", (int64_t)c->fail);
  mc_json_kint(j, "unknown", (int64_t)c->unknown);
  mc_json_kint(j, "error", (int64_t)c->error);
  mc_json_kint(j, "stopped", (int64_t)c->stopped);
  mc_json_kint(j, "not_run", (int64_t)c->not_run);
  mc_json_obj_end(j);
  mc_json_key(j, "recurring");
  mc_json_arr_begin(j);
  for(size_t k = 0; k < nrec; k++) {
    mc_json_obj_begin(j);
    mc_json_kstr(j, "id", rec[k].id);
    mc_json_kint(j, "count", (int64_t)rec[k].n);
    mc_json_key(j, "rows");
    mc_json_arr_begin(j);
    for(size_t i = 0; i < rec[k].n; i++)
      mc_json_int(j, (int64_t)b->runs[rec[k].rows[i]].num);
    mc_json_arr_end(j);
    mc_json_kstr(j, "detail", rec[k].detail);
    mc_json_kint(j, "detail_count", (int64_t)rec[k].detail_n);
    mc_json_obj_end(j);
  }
  mc_json_arr_end(j);
}

void mc_batch_json(const struct mc_batch *b, const struct mc_batch_counts *c,
                       const struct mc_batch_recurring *rec, size_t nrec, bool lines)
{
  struct mc_buf out = MC_BUF_INIT(MC_RENDER_LIMIT);
  struct mc_json j;
  mc_json_init(&j, &out, false);
  mc_json_obj_begin(&j);
  if(!lines) {
    mc_json_kint(&j, "schema_version", MC_JSON_SCHEMA_VERSION);
    mc_json_kstr(&j, "tool", "migcheck " MC_VERSION);
    mc_json_kstr(&j, "command", "batch");
  }
  else {
    mc_json_key(&j, "summary");
    mc_json_obj_begin(&j);
  }
  mc_json_kstr(&j, "file", b->file);
  mc_json_kstr(&j, "form", b->plan.form);
  mc_json_kint(&j, "rows", (int64_t)b->n);
  mc_json_kint(&j, "parallel", (int64_t)b->parallel);
  mc_json_kint(&j, "duration_ms", mc_now_ms() - b->t0);
  mc_json_kstr(&j, "verdict", mc_batch_worst(c));
  mc_json_kbool(&j, "interrupted", b->interrupted);
  summary_json(&j, b, c, rec, nrec);
  if(!lines) {
    mc_json_key(&j, "results");
    mc_json_arr_begin(&j);
    for(size_t i = 0; i < b->n; i++) {
      const struct mc_batch_run *r = &b->runs[i];
      if(r->state != MC_ROW_DONE && r->state != MC_ROW_STOPPED)
        continue;
      mc_batch_row_json(&j, r);
    }
    mc_json_arr_end(&j);
  }
  else
    mc_json_obj_end(&j);
  mc_json_obj_end(&j);
  mc_buf_addch(&out, '\n');
  fwrite(out.ptr, 1, out.len, stdout);
  fflush(stdout);
  mc_buf_release(&out);
}

/* A CSV field; a leading = + - @ is quoted away so a spreadsheet never runs it. */
void mc_batch_csv_field(struct mc_buf *o, const char *s, bool last, bool guard)
{
  s = s ? s : "";
  mc_buf_addch(o, '"');
  if(guard && strchr("=+-@\t\r", s[0]) && s[0] && !(s[0] == '-' && !s[1]))
    mc_buf_addch(o, '\'');
  for(; *s; s++) {
    if(*s == '"')
      mc_buf_addch(o, '"');
    mc_buf_addch(o, *s);
  }
  mc_buf_addstr(o, last ? "\"\r\n" : "\",");
}

int mc_batch_csv(const struct mc_batch *b)
{
  struct mc_buf o = MC_BUF_INIT(MC_RENDER_LIMIT);
  mc_buf_addstr(&o, "row,line,check,target,user,verdict,exit_code,first_cause,causes,ms,run_id,"
                    "error\r\n");
  for(size_t i = 0; i < b->n; i++) {
    const struct mc_batch_run *r = &b->runs[i];
    if(r->state != MC_ROW_DONE)
      continue;
    char num[32], line[32], code[32], ms[32];
    snprintf(num, sizeof num, "%zu", r->num);
    snprintf(line, sizeof line, "%u", r->row->line);
    snprintf(code, sizeof code, "%d", r->exit_code);
    snprintf(ms, sizeof ms, "%lld", (long long)r->ms);
    struct mc_buf all = MC_BUF_INIT(1 << 16);
    for(size_t k = 0; k < r->ncauses; k++)
      mc_buf_printf(&all, "%s%s", k ? " " : "", r->causes[k]);
    mc_batch_csv_field(&o, num, false, true);
    mc_batch_csv_field(&o, line, false, true);
    mc_batch_csv_field(&o, r->row->check, false, true);
    mc_batch_csv_field(&o, r->row->target, false, true);
    mc_batch_csv_field(&o, r->row->user, false, true);
    mc_batch_csv_field(&o, r->verdict, false, true);
    mc_batch_csv_field(&o, code, false, true);
    mc_batch_csv_field(&o, r->ncauses ? r->causes[0] : "", false, true);
    mc_batch_csv_field(&o, all.ptr, false, true);
    mc_batch_csv_field(&o, ms, false, true);
    mc_batch_csv_field(&o, r->run_id, false, true);
    mc_batch_csv_field(&o, r->error, true, true);
    mc_buf_release(&all);
  }
  int rc = mc_cli_write_file(b->cli->csv, &o);
  mc_buf_release(&o);
  return rc;
}

static void esc(struct mc_buf *o, const char *s)
{
  mc_render_html_escape(o, s);
}

static const char *safe_status(const char *s)
{
  return mc_batch_verdict_of(s) ? mc_batch_verdict_of(s) : (s && (strcmp(s, "info") == 0 ||
                                                strcmp(s, "skip") == 0)) ? s : "unknown";
}

/* A row's report from its JSON: the causes with their fixes, then the steps. */
static void html_steps(struct mc_buf *o, const struct mc_jv *steps)
{
  if(!steps || steps->type != MC_JV_ARR || !steps->n)
    return;
  mc_buf_addstr(o, "<ul>");
  for(size_t i = 0; i < steps->n; i++) {
    const struct mc_jv *s = &steps->kids[i];
    const char *st = safe_status(mc_jv_gets(s, "status"));
    mc_buf_printf(o, "<li><span class=\"mark %s\">%s</span> <b>", st, st);
    esc(o, mc_jv_gets(s, "title"));
    mc_buf_addstr(o, "</b>");
    const char *sum = mc_jv_gets(s, "summary");
    if(sum && *sum) {
      mc_buf_addstr(o, ": ");
      esc(o, sum);
    }
    const struct mc_jv *ev = mc_jv_get(s, "evidence");
    for(size_t k = 0; ev && ev->type == MC_JV_ARR && k < ev->n; k++) {
      mc_buf_addstr(o, "<br><small>");
      esc(o, mc_jv_gets(&ev->kids[k], "label"));
      mc_buf_addstr(o, ": <code>");
      esc(o, mc_jv_gets(&ev->kids[k], "text"));
      mc_buf_addstr(o, "</code></small>");
    }
    const struct mc_jv *fs = mc_jv_get(s, "findings");
    for(size_t k = 0; fs && fs->type == MC_JV_ARR && k < fs->n; k++) {
      mc_buf_addstr(o, "<div class=\"finding\">&rarr; <b>");
      esc(o, mc_jv_gets(&fs->kids[k], "id"));
      mc_buf_addstr(o, "</b>: ");
      esc(o, mc_jv_gets(&fs->kids[k], "detail"));
      mc_buf_addstr(o, "</div>");
    }
    html_steps(o, mc_jv_get(s, "steps"));
    mc_buf_addstr(o, "</li>\n");
  }
  mc_buf_addstr(o, "</ul>\n");
}

static void html_report(struct mc_buf *o, const struct mc_jv *rep)
{
  const struct mc_jv *causes = mc_jv_get(rep, "causes");
  for(size_t i = 0; causes && causes->type == MC_JV_ARR && i < causes->n; i++) {
    const struct mc_jv *c = &causes->kids[i];
    mc_buf_addstr(o, "<div class=\"cause\"><b><code>");
    esc(o, mc_jv_gets(c, "id"));
    mc_buf_addstr(o, "</code></b> ");
    esc(o, mc_jv_gets(c, "title"));
    const struct mc_jv *ev = mc_jv_get(c, "evidence");
    for(size_t k = 0; ev && ev->type == MC_JV_ARR && k < ev->n; k++) {
      mc_buf_addstr(o, "<br>Seen: ");
      esc(o, mc_jv_gets(&ev->kids[k], "detail"));
    }
    const struct mc_jv *fix = mc_jv_get(c, "fix");
    if(fix && fix->type == MC_JV_ARR && fix->n) {
      mc_buf_addstr(o, "<ol>");
      for(size_t k = 0; k < fix->n; k++) {
        mc_buf_addstr(o, "<li><code>");
        esc(o, fix->kids[k].str);
        mc_buf_addstr(o, "</code></li>");
      }
      mc_buf_addstr(o, "</ol>");
    }
    mc_buf_addstr(o, "</div>\n");
  }
  html_steps(o, mc_jv_get(rep, "steps"));
}

int mc_batch_html(const struct mc_batch *b, const struct mc_batch_counts *c,
                      const struct mc_batch_recurring *rec, size_t nrec)
{
  struct mc_buf o = MC_BUF_INIT(MC_RENDER_LIMIT);
  mc_buf_addstr(&o, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
                    "<title>migcheck batch ");
  esc(&o, b->file);
  mc_buf_addstr(&o,
    "</title>\n<style>\n"
    "body{font-family:system-ui,sans-serif;margin:2rem;color:#222}\n"
    "table.rows{border-collapse:collapse}table.rows td,table.rows th{padding:.2rem .6rem;"
    "border-bottom:1px solid #ddd;text-align:left}\n"
    "tr.pass td.v{background:#e3f5e1}tr.warn td.v{background:#fff4d6}"
    "tr.fail td.v{background:#fde2e1}tr.unknown td.v,tr.error td.v{background:#eee0f5}\n"
    ".mark{display:inline-block;min-width:4.5em;text-align:center;border-radius:.3rem;"
    "font-size:.8em;font-weight:bold;text-transform:uppercase}\n"
    ".mark.pass{background:#2e7d32;color:#fff}.mark.warn{background:#f9a825}"
    ".mark.fail{background:#c62828;color:#fff}.mark.unknown{background:#8e24aa;color:#fff}"
    ".mark.skip,.mark.info{background:#ddd}\n"
    "code{font-family:ui-monospace,monospace;font-size:.9em;word-break:break-all}\n"
    "section{border-top:2px solid #888;margin-top:2rem}ul{list-style:none}\n"
    ".cause{border-left:.3rem solid #c62828;padding:.2rem 1rem;margin:1rem 0}"
    ".finding{margin-left:2em}\n"
    "</style></head><body>\n<h1>migcheck batch <code>");
  esc(&o, b->file);
  mc_buf_printf(&o, "</code></h1>\n<p>%zu rows: %zu pass, %zu warn, %zu fail, %zu unknown, %zu "
                "could not run%s. Worst verdict: <b>%s</b>.</p>\n", b->n, c->pass, c->warn,
                c->fail, c->unknown, c->error, b->interrupted ? " (interrupted)" : "",
                mc_batch_worst(c));
  if(nrec) {
    mc_buf_addstr(&o, "<h2>Causes that recur across rows</h2>\n<ul>");
    for(size_t k = 0; k < nrec; k++) {
      mc_buf_printf(&o, "<li>%zu rows share <code>", rec[k].n);
      esc(&o, rec[k].id);
      mc_buf_addstr(&o, "</code>: rows ");
      for(size_t i = 0; i < rec[k].n; i++)
        mc_buf_printf(&o, "%s<a href=\"#row-%zu\">%zu</a>", i ? ", " : "",
                      b->runs[rec[k].rows[i]].num, b->runs[rec[k].rows[i]].num);
      if(rec[k].detail && rec[k].detail_n >= 2) {
        mc_buf_printf(&o, "<br><small>%zu with: ", rec[k].detail_n);
        esc(&o, rec[k].detail);
        mc_buf_addstr(&o, "</small>");
      }
      mc_buf_addstr(&o, "</li>\n");
    }
    mc_buf_addstr(&o, "</ul>\n");
  }
  mc_buf_addstr(&o, "<h2>Rows</h2>\n<table class=\"rows\"><tr><th>row</th><th>check</th>"
                    "<th>target</th><th>verdict</th><th>first cause</th><th>time</th></tr>\n");
  for(size_t i = 0; i < b->n; i++) {
    const struct mc_batch_run *r = &b->runs[i];
    if(r->state != MC_ROW_DONE)
      continue;
    mc_buf_printf(&o, "<tr class=\"%s\"><td><a href=\"#row-%zu\">%zu</a></td><td>",
                  mc_batch_verdict_of(r->verdict) ? r->verdict : "error", r->num, r->num);
    esc(&o, r->row->check);
    mc_buf_addstr(&o, "</td><td><code>");
    esc(&o, r->row->target);
    mc_buf_printf(&o, "</code></td><td class=\"v\">%s</td><td>", r->verdict);
    esc(&o, mc_batch_first_cause(r));
    mc_buf_printf(&o, "</td><td>%lld ms</td></tr>\n", (long long)r->ms);
  }
  mc_buf_addstr(&o, "</table>\n");
  for(size_t i = 0; i < b->n; i++) {
    const struct mc_batch_run *r = &b->runs[i];
    if(r->state != MC_ROW_DONE)
      continue;
    mc_buf_printf(&o, "<section id=\"row-%zu\"><h3>Row %zu: ", r->num, r->num);
    esc(&o, r->row->check);
    mc_buf_addstr(&o, " <code>");
    esc(&o, r->row->target);
    mc_buf_printf(&o, "</code> <span class=\"mark %s\">%s</span></h3>\n",
                  safe_status(r->verdict), r->verdict);
    if(r->run_id[0])
      mc_buf_printf(&o, "<p>Run id <code>%s</code></p>\n", r->run_id);
    if(r->error) {
      mc_buf_addstr(&o, "<p>Could not run: ");
      esc(&o, r->error);
      mc_buf_addstr(&o, "</p>\n");
    }
    if(r->report)
      html_report(&o, r->report);
    mc_buf_addstr(&o, "</section>\n");
  }
  mc_buf_addstr(&o, "<footer><small>Made by migcheck " MC_VERSION ".</small></footer>\n"
                    "</body></html>\n");
  int rc = mc_cli_write_file(b->cli->html, &o);
  mc_buf_release(&o);
  return rc;
}
