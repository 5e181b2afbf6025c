/*
 * cmd_lab.c - migcheck lab: serve the built-in scenarios until interrupted
 * and say how to point migcheck at each. --json prints one JSON object per
 * scenario and then {"ready":true}, for scripts and the end-to-end tests.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "batch.h"
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
      mc_buf_addstr(&b, sc->unknown ? "(must end unknown)" : "(must pass)");
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

int mc_cli_lab_batch_file(struct mc_lab *lab, const char *path, char *err, size_t errlen)
{
  /* The lab's account password goes into a file of its own (mode 0600)
   * that the rows name: never into the CSV. */
  char *pwfile = mc_xasprintf("%s/lab-password.txt", mc_lab_dir(lab));
  const char *pw = mc_lab_account_password();
  int fd = open(pwfile, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  bool ok = fd >= 0 && write(fd, pw, strlen(pw)) == (ssize_t)strlen(pw) &&
            write(fd, "\n", 1) == 1;
  if(fd >= 0)
    close(fd);
  struct mc_buf b = MC_BUF_INIT((size_t)16 << 20);
  mc_buf_addstr(&b, "name,check,target,user,password_file,args\n");
  for(size_t i = 0; ok && i < mc_lab_nsites(lab); i++) {
    struct mc_lab_site *site = mc_lab_site_at(lab, i);
    char *copy = mc_xstrdup(site->command), *save = NULL;
    const char *check = strtok_r(copy, " ", &save), *target = "", *user = "";
    const char *target_opt = NULL;
    mc_batch_check_known(check, &target_opt);
    struct mc_buf args = MC_BUF_INIT(4096);
    for(char *w = strtok_r(NULL, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
      if(target_opt && strcmp(w, target_opt) == 0 && !*target)
        target = strtok_r(NULL, " ", &save);
      else if(!target_opt && w[0] != '-' && !*target && !args.len)
        target = w;
      else if(strcmp(w, "--user") == 0)
        user = strtok_r(NULL, " ", &save);
      else
        mc_buf_printf(&args, "%s%s", args.len ? " " : "", w);
      if(!target || !user)
        break;
    }
    mc_batch_csv_field(&b, site->sc->name, false, false);
    mc_batch_csv_field(&b, check, false, false);
    mc_batch_csv_field(&b, target ? target : "", false, false);
    mc_batch_csv_field(&b, user ? user : "", false, false);
    mc_batch_csv_field(&b, *user && site->env_password[0] ? pwfile : "", false, false);
    mc_batch_csv_field(&b, args.ptr ? args.ptr : "", true, false);
    mc_buf_release(&args);
    free(copy);
  }
  FILE *f = ok ? fopen(path, "w") : NULL;
  ok = f && fwrite(b.ptr, 1, b.len, f) == b.len;
  if(f && fclose(f) != 0)
    ok = false;
  if(!ok)
    snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
  mc_buf_release(&b);
  free(pwfile);
  return ok ? 0 : -1;
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
  if(cli->all && cli->scenario)
    return mc_cli_usage_error(cli, "give --all or --scenario, not both");
  if(cli->csv && !cli->all)
    return mc_cli_usage_error(cli, "--csv goes with --all");
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
  char *batch = NULL;
  if(cli->all) {
    batch = mc_xasprintf("%s/batch.csv", mc_lab_dir(lab));
    if(mc_cli_lab_batch_file(lab, batch, err, sizeof err) ||
       (cli->csv && mc_cli_lab_batch_file(lab, cli->csv, err, sizeof err))) {
      free(batch);
      mc_lab_stop(lab);
      return mc_cli_cannot("%s", err);
    }
  }
  if(cli->json) {
    for(size_t i = 0; i < n; i++)
      print_site_json(mc_lab_site_at(lab, i), mc_lab_ca_file(lab));
    if(batch)
      printf("{\"ready\":true,\"ca_file\":\"%s\",\"batch_file\":\"%s\"}\n",
             mc_lab_ca_file(lab), cli->csv ? cli->csv : batch);
    else
      printf("{\"ready\":true,\"ca_file\":\"%s\"}\n", mc_lab_ca_file(lab));
  }
  else if(batch && !cli->quiet)
    printf("migcheck lab: serving %zu scenarios on 127.0.0.1; Ctrl-C stops.\n"
           "Batch file for all of them: %s\nRun: migcheck batch %s\n", n,
           cli->csv ? cli->csv : batch, cli->csv ? cli->csv : batch);
  else if(!cli->quiet) {
    printf("migcheck lab: serving %zu scenario%s on 127.0.0.1; Ctrl-C stops.\n"
           "Lab CA (trust it with --ca-file): %s\n\n", n, n == 1 ? "" : "s",
           mc_lab_ca_file(lab));
    char *self = self_command();
    for(size_t i = 0; i < n; i++) {
      struct mc_lab_site *s = mc_lab_site_at(lab, i);
      printf("%s: %s\n  expects: ", s->sc->name, s->sc->summary);
      if(!s->sc->expect[0])
        printf("%s", s->sc->unknown ? "an unknown verdict, no cause" : "a pass");
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
  free(batch);
  mc_lab_stop(lab);
  return MC_EXIT_OK;
}
