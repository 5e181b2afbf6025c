/*
 * cmd_demo.c - migcheck demo: start the lab in-process, run each scenario's
 * own command line through the same command table a user types into, and
 * compare the causes found with the causes the scenario must produce.
 *
 * Exit 0 only when every scenario was diagnosed exactly as its cause (and
 * the healthy ones as a pass).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "lab/lab.h"
#include "report/render.h"
#include "util/json.h"

#define DEMO_TIMEOUT "3"

struct outcome {
  const struct mc_lab_site *site;
  char *found;             /* "A, B" or "-" */
  const char *verdict;
  int64_t ms;
  bool ok;
};

/* Whether the report names exactly the expected causes. */
static bool matches(const struct mc_report *r, const char *const *expect)
{
  size_t want = 0;
  for(; expect[want]; want++) {
    if(!mc_report_has(r, expect[want]))
      return false;
  }
  for(size_t i = 0; i < r->nfindings; i++) {
    bool listed = false;
    for(size_t k = 0; k < want; k++)
      listed = listed || strcmp(expect[k], r->findings[i]->cause->id) == 0;
    if(!listed)
      return false;
  }
  enum mc_status v = mc_report_verdict(r);
  return want ? v != MC_PASS : v == MC_PASS;
}

static char *found_list(const struct mc_report *r)
{
  struct mc_buf b = MC_BUF_INIT(4096);
  size_t n;
  struct mc_finding **ranked = mc_report_ranked(r, &n);
  for(size_t i = 0; i < n; i++) {
    bool seen = false;
    for(size_t k = 0; k < i; k++)
      seen = seen || ranked[k]->cause == ranked[i]->cause;
    if(!seen)
      mc_buf_printf(&b, "%s%s", b.len ? ", " : "", ranked[i]->cause->id);
  }
  free(ranked);
  if(!b.len)
    mc_buf_addstr(&b, "-");
  return mc_buf_detach(&b);
}

static void run_one(struct mc_lab_site *site, const char *timeout, struct outcome *o)
{
  char *line = mc_xasprintf("%s --timeout %s", site->command, timeout);
  char *argv[64];
  int argc = 0;
  char *save = NULL;
  for(char *w = strtok_r(line, " ", &save); w && argc < 63; w = strtok_r(NULL, " ", &save))
    argv[argc++] = w;
  argv[argc] = NULL;
  int code = 0;
  /* A scenario that signs in gets the lab account's password the way a
   * user gives it: in the environment, never on the command line. */
  char *saved = getenv("MIGCHECK_PASSWORD") ? mc_xstrdup(getenv("MIGCHECK_PASSWORD")) : NULL;
  if(site->env_password[0])
    setenv("MIGCHECK_PASSWORD", site->env_password, 1);
  int64_t t0 = mc_now_ms();
  struct mc_report *r = mc_cli_run_check(argc, argv, &code);
  if(saved)
    setenv("MIGCHECK_PASSWORD", saved, 1);
  else if(site->env_password[0])
    unsetenv("MIGCHECK_PASSWORD");
  free(saved);
  o->site = site;
  o->ms = mc_now_ms() - t0;
  if(!r) {
    o->found = mc_xasprintf("(could not run: exit %d)", code);
    o->verdict = "error";
    o->ok = false;
  }
  else {
    o->found = found_list(r);
    o->verdict = mc_status_name(mc_report_verdict(r));
    o->ok = matches(r, site->sc->expect);
    mc_report_free(r);
  }
  free(line);
}

int mc_cmd_demo(struct mc_cli *cli)
{
  if(cli->nargs)
    return mc_cli_usage_error(cli, "demo takes no arguments");
  bool color = mc_cli_color(cli);
  bool tty = isatty(STDERR_FILENO) && !cli->json;
  struct mc_lab *lab;
  char err[512];
  if(mc_lab_start(&lab, NULL, NULL, err, sizeof err))
    return mc_cli_cannot("%s", err);
  char timeout[16];
  snprintf(timeout, sizeof timeout, "%ld", cli->timeout_s != 10 ? cli->timeout_s : 3L);

  size_t n = mc_lab_nsites(lab);
  struct outcome *res = mc_xcalloc(n, sizeof *res);
  size_t good = 0;
  if(!cli->json)
    printf("migcheck demo: %zu lab scenarios, each diagnosed by the command a user would "
           "type\n\n%-28s %-16s %-8s %-44s %7s\n", n, "scenario", "check", "verdict",
           "causes found", "time");
  for(size_t i = 0; i < n; i++) {
    struct mc_lab_site *site = mc_lab_site_at(lab, i);
    if(tty) {
      fprintf(stderr, "\r[%zu/%zu] %s ...\033[K", i + 1, n, site->sc->name);
      fflush(stderr);
    }
    run_one(site, timeout, &res[i]);
    if(tty)
      fputs("\r\033[K", stderr);
    good += res[i].ok;
    if(!cli->json) {
      enum mc_status st = res[i].ok ? MC_PASS : MC_FAIL;
      printf("%-28s %-16s %-8s %-44s %5lld ms %s%s%s\n", site->sc->name, site->sc->check,
             res[i].verdict, res[i].found, (long long)res[i].ms, mc_render_color(st, color),
             res[i].ok ? "as expected" : "WRONG", mc_render_reset(color));
      if(!res[i].ok) {
        printf("%-28s expected: ", "");
        if(!site->sc->expect[0])
          printf("a pass");
        for(int k = 0; site->sc->expect[k]; k++)
          printf("%s%s", k ? ", " : "", site->sc->expect[k]);
        printf("\n%-28s command: migcheck %s\n", "", site->command);
      }
      fflush(stdout);
    }
  }
  if(cli->json) {
    struct mc_buf b = MC_BUF_INIT(1 << 20);
    struct mc_json j;
    mc_json_init(&j, &b, true);
    mc_json_obj_begin(&j);
    mc_json_kint(&j, "schema_version", MC_JSON_SCHEMA_VERSION);
    mc_json_kint(&j, "scenarios", (int64_t)n);
    mc_json_kint(&j, "as_expected", (int64_t)good);
    mc_json_key(&j, "results");
    mc_json_arr_begin(&j);
    for(size_t i = 0; i < n; i++) {
      mc_json_obj_begin(&j);
      mc_json_kstr(&j, "scenario", res[i].site->sc->name);
      mc_json_kstr(&j, "check", res[i].site->sc->check);
      mc_json_kstr(&j, "verdict", res[i].verdict);
      mc_json_kstr(&j, "found", res[i].found);
      mc_json_kint(&j, "ms", res[i].ms);
      mc_json_kbool(&j, "as_expected", res[i].ok);
      mc_json_obj_end(&j);
    }
    mc_json_arr_end(&j);
    mc_json_obj_end(&j);
    mc_buf_addch(&b, '\n');
    fwrite(b.ptr, 1, b.len, stdout);
    mc_buf_release(&b);
  }
  else
    printf("\n%zu of %zu scenarios diagnosed as expected.\n", good, n);
  for(size_t i = 0; i < n; i++)
    free(res[i].found);
  free(res);
  mc_lab_stop(lab);
  return good == n ? MC_EXIT_OK : MC_EXIT_PROBLEM;
}
