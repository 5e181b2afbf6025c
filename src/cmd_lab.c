/*
 * cmd_lab.c - migcheck lab: serve the built-in scenarios until interrupted
 * and say how to point migcheck at each. --json prints one JSON object per
 * scenario and then {"ready":true}, for scripts and the end-to-end tests.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "lab/lab.h"
#include "report/render.h"
#include "util/json.h"

static void list_scenarios(const struct mc_cli *cli)
{
  struct mc_buf b = MC_BUF_INIT(1 << 20);
  struct mc_json j;
  if(cli->json) {
    mc_json_init(&j, &b, true);
    mc_json_arr_begin(&j);
  }
  for(size_t i = 0; i < mc_lab_nscenarios; i++) {
    const struct mc_lab_scenario *sc = &mc_lab_scenarios[i];
    if(cli->json) {
      mc_json_obj_begin(&j);
      mc_json_kstr(&j, "scenario", sc->name);
      mc_json_kstr(&j, "check", sc->check);
      mc_json_kstr(&j, "summary", sc->summary);
      mc_json_key(&j, "expect");
      mc_json_arr_begin(&j);
      for(int k = 0; sc->expect[k]; k++)
        mc_json_str(&j, sc->expect[k]);
      mc_json_arr_end(&j);
      mc_json_obj_end(&j);
      continue;
    }
    mc_buf_printf(&b, "%-36s %-18s ", sc->name, sc->check);
    if(!sc->expect[0])
      mc_buf_addstr(&b, "(must pass)");
    for(int k = 0; sc->expect[k]; k++)
      mc_buf_printf(&b, "%s%s", k ? ", " : "", sc->expect[k]);
    mc_buf_printf(&b, "\n%-36s %s\n", "", sc->summary);
  }
  if(cli->json) {
    mc_json_arr_end(&j);
    mc_buf_addch(&b, '\n');
  }
  fwrite(b.ptr, 1, b.len, stdout);
  mc_buf_release(&b);
}

static void print_site_json(struct mc_lab_site *site, const char *ca)
{
  struct mc_buf b = MC_BUF_INIT(1 << 16);
  struct mc_json j;
  mc_json_init(&j, &b, false);
  mc_json_obj_begin(&j);
  mc_json_kstr(&j, "scenario", site->sc->name);
  mc_json_kstr(&j, "check", site->sc->check);
  mc_json_kstr(&j, "host", site->host);
  mc_json_kint(&j, "port", site->port);
  mc_json_kstr(&j, "target", site->target);
  mc_json_kstr(&j, "ca_file", ca);
  mc_json_key(&j, "args");
  mc_json_arr_begin(&j);
  char *copy = mc_xstrdup(site->args);
  char *save = NULL;
  for(char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save))
    mc_json_str(&j, w);
  free(copy);
  mc_json_arr_end(&j);
  mc_json_kstr(&j, "command", site->command);
  if(site->logs[0])
    mc_json_kstr(&j, "logs", site->logs);
  if(site->env_password[0]) {
    /* The lab's own account, public by design: peers and tests sign in with it. */
    mc_json_kstr(&j, "user", MC_LAB_ACCOUNT);
    mc_json_kstr(&j, "password", site->env_password);
  }
  mc_json_key(&j, "expect");
  mc_json_arr_begin(&j);
  for(int k = 0; site->sc->expect[k]; k++)
    mc_json_str(&j, site->sc->expect[k]);
  mc_json_arr_end(&j);
  mc_json_obj_end(&j);
  printf("%s\n", b.ptr);
  mc_buf_release(&b);
}

/* How to call this very binary: "migcheck" when that is what PATH finds,
 * else its real path (a build tree's ./build/migcheck). Caller frees. */
static char *self_command(void)
{
  char self[4096], found[4096];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if(n <= 0)
    return mc_xstrdup("migcheck");
  self[n] = '\0';
  const char *path = getenv("PATH");
  for(const char *p = path; p && *p;) {
    size_t len = strcspn(p, ":");
    char *cand = mc_xasprintf("%.*s/migcheck", (int)len, p);
    bool same = realpath(cand, found) && strcmp(found, self) == 0;
    free(cand);
    if(same)
      return mc_xstrdup("migcheck");
    p += len + (p[len] == ':');
  }
  struct mc_buf b = MC_BUF_INIT(8192);
  mc_cli_shell_word(&b, self);
  return mc_buf_detach(&b);
}

/* The lab's command for a site, ready to paste: the binary, then every word
 * quoted where the shell would change it, and the lab account's user. */
static char *paste_command(const struct mc_lab_site *s, const char *self)
{
  struct mc_buf b = MC_BUF_INIT(1 << 16);
  if(s->env_password[0]) {
    mc_buf_addstr(&b, "MIGCHECK_PASSWORD=");
    mc_cli_shell_word(&b, s->env_password);
    mc_buf_addch(&b, ' ');
  }
  mc_buf_addstr(&b, self);
  char *copy = mc_xstrdup(s->command);
  char *save = NULL;
  for(char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
    mc_buf_addch(&b, ' ');
    mc_cli_shell_word(&b, w);
  }
  free(copy);
  return mc_buf_detach(&b);
}

int mc_cmd_lab(struct mc_cli *cli)
{
  if(cli->nargs)
    return mc_cli_usage_error(cli, "lab takes no arguments (did you mean --scenario %s?)",
                              cli->args[0]);
  if(cli->list) {
    list_scenarios(cli);
    return MC_EXIT_OK;
  }
  /* Block the stop signals before any lab thread exists, so that they all
   * inherit the mask and sigwait() below receives them. */
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &set, NULL);

  struct mc_lab *lab;
  char err[512];
  if(mc_lab_start(&lab, cli->scenario, NULL, err, sizeof err)) {
    if(cli->scenario && !mc_lab_find_scenario(cli->scenario))
      return mc_cli_usage_error(cli, "%s", err);
    return mc_cli_cannot("%s", err);
  }
  size_t n = mc_lab_nsites(lab);
  if(cli->json) {
    for(size_t i = 0; i < n; i++)
      print_site_json(mc_lab_site_at(lab, i), mc_lab_ca_file(lab));
    printf("{\"ready\":true,\"ca_file\":\"%s\"}\n", mc_lab_ca_file(lab));
  }
  else if(!cli->quiet) {
    printf("migcheck lab: serving %zu scenario%s on 127.0.0.1; Ctrl-C stops.\n"
           "Lab CA (trust it with --ca-file): %s\n\n", n, n == 1 ? "" : "s",
           mc_lab_ca_file(lab));
    char *self = self_command();
    for(size_t i = 0; i < n; i++) {
      struct mc_lab_site *s = mc_lab_site_at(lab, i);
      printf("%s: %s\n  expects: ", s->sc->name, s->sc->summary);
      if(!s->sc->expect[0])
        printf("a pass");
      for(int k = 0; s->sc->expect[k]; k++)
        printf("%s%s", k ? ", " : "", s->sc->expect[k]);
      char *cmd = paste_command(s, self);
      printf("\n  %s\n", cmd);
      free(cmd);
      if(s->logs[0])
        printf("  IIS logs: %s/<SERVER>/W3SVC1/\n", s->logs);
      printf("\n");
    }
    free(self);
  }
  fflush(stdout);
  int sig = 0;
  sigwait(&set, &sig);
  if(!cli->json && !cli->quiet)
    printf("migcheck lab: stopping (signal %d)\n", sig);
  mc_lab_stop(lab);
  return MC_EXIT_OK;
}
