/*
 * cmd_demo.c - migcheck demo: start the lab in-process, run each scenario's
 * own command line through the same command table a user types into, and
 * compare the causes found with the causes the scenario must produce.
 *
 * Exit 0 only when every scenario was diagnosed exactly as its cause (and
 * the healthy ones as a pass).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "config/config.h"
#include "kb/kb.h"
#include "lab/lab.h"
#include "logs/logs.h"
#include "report/render.h"
#include "util/json.h"

/* Lab scenarios answer in milliseconds; only the blackholes wait this long. */
#define DEMO_TIMEOUT_S 3L

struct outcome {
  const struct mc_lab_site *site;
  char *found;             /* "A, B" or "-" */
  const char *verdict;
  int64_t ms;
  bool ok;
  char run_id[24];         /* the run id its probes carried, if any */
  bool servers_differ;     /* its check found LB_INCONSISTENT_BACKENDS */
};

/* Whether the report names exactly the expected causes (and, with none,
 * ends in the verdict the row asks for). */
static bool matches(const struct mc_report *r, const struct mc_lab_scenario *sc)
{
  const char *const *expect = sc->expect;
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
  /* A problem must always be named: no fail or warn without a cause. */
  if((v == MC_FAIL || v == MC_WARN) && r->nfindings == 0)
    return false;
  return want ? v != MC_PASS : v == (sc->unknown ? MC_UNKNOWN : MC_PASS);
}

static char *found_list(const struct mc_report *r)
{
  struct mc_buf b = MC_BUF_INIT(4096);
  size_t n;
  struct mc_finding **ranked = mc_report_ranked(r, &n);
  for(size_t i = 0; i < n; i++) {
    if(mc_ranked_first(ranked, i))
      mc_buf_printf(&b, "%s%s", b.len ? ", " : "", ranked[i]->cause->id);
  }
  free(ranked);
  if(!b.len)
    mc_buf_addstr(&b, "-");
  return mc_buf_detach(&b);
}

/* Runs a site's own command line, with --timeout, the way a user types it:
 * a scenario that signs in gets the lab account's password in the
 * environment, never on the command line. The report, or NULL with *code. */
static struct mc_report *run_site(const struct mc_lab_site *site, const char *timeout,
                                  int *code)
{
  char *line = mc_xasprintf("%s --timeout %s", site->command, timeout);
  char *argv[64];
  int argc = 0;
  char *save = NULL;
  for(char *w = strtok_r(line, " ", &save); w && argc < 63; w = strtok_r(NULL, " ", &save))
    argv[argc++] = w;
  argv[argc] = NULL;
  char *saved = getenv("MIGCHECK_PASSWORD") ? mc_xstrdup(getenv("MIGCHECK_PASSWORD")) : NULL;
  if(site->env_password[0])
    setenv("MIGCHECK_PASSWORD", site->env_password, 1);
  struct mc_report *r = mc_cli_run_check(argc, argv, code);
  if(saved)
    setenv("MIGCHECK_PASSWORD", saved, 1);
  else if(site->env_password[0])
    unsetenv("MIGCHECK_PASSWORD");
  free(saved);
  free(line);
  return r;
}

static void run_one(struct mc_lab_site *site, const char *timeout, struct outcome *o)
{
  int code = 0;
  int64_t t0 = mc_now_ms();
  struct mc_report *r = run_site(site, timeout, &code);
  o->site = site;
  o->ms = mc_now_ms() - t0;
  if(!r) {
    o->found = mc_xasprintf("(could not run: exit %d)", code);
    o->verdict = "error";
    o->ok = false;
    return;
  }
  o->found = found_list(r);
  o->verdict = mc_status_name(mc_report_verdict(r));
  o->ok = matches(r, site->sc);
  mc_strlcpy(o->run_id, r->run_id, sizeof o->run_id);
  o->servers_differ = mc_report_has(r, MC_CAUSE_LB_INCONSISTENT_BACKENDS);
  mc_report_free(r);
}

/* Prints one of the demo's closing parts: the heading (fmt), the report
 * (brief: its summary only), and whether it came out as expected. */
static void print_part(const struct mc_report *r, bool brief, bool color, bool ok,
                       const char *good, const char *bad, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));
static void print_part(const struct mc_report *r, bool brief, bool color, bool ok,
                       const char *good, const char *bad, const char *fmt, ...)
{
  struct mc_buf b = MC_BUF_INIT(MC_RENDER_LIMIT);
  struct mc_render_opts ro = { .color = color, .brief = brief };
  mc_render_text(r, &ro, &b);
  va_list ap;
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  printf("%s%s%s%s\n", b.ptr, mc_render_color(ok ? MC_PASS : MC_FAIL, color), ok ? good : bad,
         mc_render_reset(color));
  mc_buf_release(&b);
}

/* Microsoft's hybrid troubleshooting: reproduce, then read the IIS logs. The lab's
 * simulated servers wrote their logs as IIS does; this traces the run whose
 * remote check found servers that disagree through those logs, which must
 * name the wrong server on their own (LOG_TRAFFIC_ON_WRONG_SERVER). */
static bool demo_logs(const struct mc_cli *cli, struct mc_lab *lab,
                      const struct outcome *res, size_t n, bool color)
{
  const struct outcome *o = NULL;
  for(size_t i = 0; i < n && !o; i++) {
    if(res[i].servers_differ && res[i].run_id[0])
      o = &res[i];
  }
  if(!o) {
    if(!cli->json)
      printf("\n%sWRONG: no scenario found servers that disagree, so there is no run to trace "
             "through the logs%s\n", mc_render_color(MC_FAIL, color), mc_render_reset(color));
    return false;
  }
  /* Which of the lab's servers did the run reach? Then analyse just their
   * logs, the way an admin reads the IIS logs of the servers behind the
   * name (the lab keeps each under DIR/<SERVER>/W3SVC1). */
  const char *dir = mc_lab_dir(lab);
  const char *paths[] = { dir };
  struct mc_logs_opts lo = { .paths = paths, .npaths = 1, .run_id = o->run_id };
  struct mc_logs_scan scan;
  if(mc_logs_scan(&lo, &scan) != MC_OK)
    return false;
  char *argv[16] = { "logs" };
  int argc = 1;
  for(size_t i = 0; i < scan.nhits && argc < 12; i++) {
    char *p = mc_xasprintf("%s/%s", dir, scan.hits[i].server);
    bool seen = false;
    for(int k = 1; k < argc; k++)
      seen = seen || strcmp(argv[k], p) == 0;
    if(seen)
      free(p);
    else
      argv[argc++] = p;
  }
  mc_logs_scan_release(&scan);
  int nservers = argc - 1;
  argv[argc++] = "--run-id";
  argv[argc++] = (char *)o->run_id;
  argv[argc] = NULL;
  int code = 0;
  struct mc_report *r = nservers ? mc_cli_run_check(argc, argv, &code) : NULL;
  for(int k = 1; k <= nservers; k++)
    free(argv[k]);
  if(!r) {
    if(!cli->json)
      printf("\n%sWRONG: the requests of run %s are in no server's log%s\n",
             mc_render_color(MC_FAIL, color), o->run_id, mc_render_reset(color));
    return false;
  }
  bool ok = mc_report_has(r, MC_CAUSE_LOG_TRAFFIC_ON_WRONG_SERVER) &&
            !mc_report_has(r, MC_CAUSE_LOG_NO_MIGRATION_TRAFFIC);
  if(!cli->json)
    print_part(r, true, color, ok, "the logs name the server that fails, as the remote check "
               "did", "WRONG: the logs did not show the run on the server that fails",
               "\nThen, as Microsoft's hybrid troubleshooting says, the IIS logs of the servers\n"
               "that run %s (%s) reached:\n\n", o->run_id, o->site->sc->name);
  mc_report_free(r);
  return ok;
}

/* The server's side beside the remote one (issue 16): the tls check of the
 * healthy lab site, as its --json report, goes into `config` together with
 * the server's HTTP.sys bindings and certificate listing, which bind another
 * certificate to 443, as when a device in front ends TLS with its own. The
 * remote check passes; config must name CFG_CERT_NOT_BOUND. */
static bool demo_config(const struct mc_cli *cli, struct mc_lab *lab, const char *timeout,
                        bool color)
{
  struct mc_lab_site *site = NULL;
  for(size_t i = 0; i < mc_lab_nsites(lab) && !site; i++) {
    struct mc_lab_site *s = mc_lab_site_at(lab, i);
    site = strcmp(s->sc->name, "healthy-tls") == 0 ? s : NULL;
  }
  if(!site)
    return false;
  int code = 0;
  struct mc_report *tls = run_site(site, timeout, &code);
  if(!tls)
    return false;
  struct mc_buf json = MC_BUF_INIT(1 << 22);
  mc_render_json(tls, &json);
  mc_report_free(tls);
  static const char sslcert[] =
    "\r\nSSL Certificate bindings:\r\n-------------------------\r\n\r\n"
    "    IP:port                      : 0.0.0.0:443\r\n"
    "    Certificate Hash             : 5a1f0d3c7b9e2a4468c0f1e2d3b4a5968778695a\r\n"
    "    Application ID               : {4dc3e181-e14b-4a21-b022-59fc669b0914}\r\n"
    "    Certificate Store Name       : MY\r\n\r\n";
  static const char certs[] =
    "Thumbprint         : 5A1F0D3C7B9E2A4468C0F1E2D3B4A5968778695A\r\n"
    "Subject            : CN=mail.contoso.com\r\n"
    "CertificateDomains : {mail.contoso.com, autodiscover.contoso.com}\r\n"
    "Services           : IMAP, POP, IIS, SMTP\r\n"
    "Status             : Valid\r\n"
    "HasPrivateKey      : True\r\n"
    "NotAfter           : 9/30/2027 11:59:59 PM\r\n";
  struct mc_config_input in[3] = {
    { "tls.json", json.ptr ? json.ptr : "", json.len },
    { "sslcert-EX01.txt", sslcert, sizeof sslcert - 1 },
    { "certificates-EX01.txt", certs, sizeof certs - 1 },
  };
  struct mc_report *r = mc_config_check(in, 3);
  bool ok = mc_report_has(r, MC_CAUSE_CFG_CERT_NOT_BOUND) && r->nfindings == 1;
  if(!cli->json)
    print_part(r, true, color, ok, "config named the certificate the bindings do not present",
               "WRONG: config did not name CFG_CERT_NOT_BOUND alone",
               "\nThe server's side beside the remote one: 'migcheck tls %s --json'\n(a pass) "
               "with the server's netsh http show sslcert and Get-ExchangeCertificate:\n\n",
               site->target);
  mc_report_free(r);
  mc_buf_release(&json);
  return ok;
}

/* The demo ends where every admin starts: KB 2903050's error text, explained.
 * Its steps 1 and 2 name Basic authentication, the RPC proxy ports and the
 * back ends on 6004, so those three causes must come out. */
static bool demo_explain(const struct mc_cli *cli, bool color)
{
  static const char kb2903050[] =
    "Microsoft.Exchange.Data.Storage.Management.MigrationTransientException: We weren't able "
    "to connect to the remote server. Please verify that the migration endpoint settings are "
    "correct and your certificate is valid, and then try again. Consider using the Exchange "
    "Remote Connectivity Analyzer to diagnose the connectivity issues. ---> "
    "Microsoft.Exchange.Rpc.ServerUnavailableException: Error 0x6ba (The RPC server is "
    "unavailable) from cli_NspiBind";
  static const char *const expect[] = { MC_CAUSE_OA_BASIC_NOT_OFFERED, MC_CAUSE_OA_PORT_NOT_ALLOWED,
                                        MC_CAUSE_OA_BACKEND_UNAVAILABLE };
  struct mc_report *r = mc_explain_text(kb2903050, sizeof kb2903050 - 1);
  bool ok = true;
  for(size_t i = 0; i < sizeof expect / sizeof expect[0]; i++)
    ok = ok && mc_report_has(r, expect[i]);
  if(!cli->json)
    print_part(r, false, color, ok, "named the Outlook Anywhere causes of KB 2903050 as expected",
               "WRONG: the Outlook Anywhere causes of KB 2903050 were not all named",
               "\nAnd the error every admin starts from (KB 2903050), explained:\n\n");
  mc_report_free(r);
  return ok;
}

/* The demo's last part: every scenario again, all at once, as a service
 * provider checks a fleet with `migcheck batch`: the live table and the
 * causes that recur across rows. */
static bool demo_batch(const struct mc_cli *cli, struct mc_lab *lab, const char *timeout)
{
  char err[512];
  char *path = mc_xasprintf("%s/batch.csv", mc_lab_dir(lab));
  bool ok = false;
  if(mc_cli_lab_batch_file(lab, path, err, sizeof err) == 0) {
    struct mc_cli b = { .no_color = cli->no_color || !mc_cli_color(cli) };
    mc_parse_long(timeout, 1, 300, &b.timeout_s);
    printf("\nAnd every scenario at once, as 'migcheck batch' checks many endpoints\n"
           "(migcheck lab --all writes the file):\n\n");
    fflush(stdout);
    int rc = mc_batch_run(&b, path, 8);
    ok = rc == MC_EXIT_PROBLEM;    /* the lab's faults fail, and nothing else goes wrong */
  }
  else
    printf("\nWRONG: %s\n", err);
  free(path);
  return ok;
}

/* A scenario's line of the table (100 columns: causes that do not fit go
 * on a line of their own), and what was expected when it came out wrong. */
static void print_row(const struct outcome *o, bool color)
{
  const struct mc_lab_scenario *sc = o->site->sc;
  char row[160];
  int len = snprintf(row, sizeof row, "%-34s %-16s %-7s %5lld ms ", sc->name, sc->check,
                     o->verdict, (long long)o->ms);
  bool fits = len + 6 + (int)strlen(o->found) <= 100;
  printf("%s%s%-5s%s %s\n", row, mc_render_color(o->ok ? MC_PASS : MC_FAIL, color),
         o->ok ? "ok" : "WRONG", mc_render_reset(color), fits ? o->found : "");
  if(!fits)
    printf("%-8s%s\n", "", o->found);
  if(!o->ok) {
    printf("%-8s expected: ", "");
    if(!sc->expect[0])
      printf("%s", sc->unknown ? "an unknown verdict, no cause" : "a pass");
    for(int k = 0; sc->expect[k]; k++)
      printf("%s%s", k ? ", " : "", sc->expect[k]);
    printf("\n%-8s command: migcheck %s\n", "", o->site->command);
  }
  fflush(stdout);
}

static void print_json(const struct outcome *res, size_t n, size_t good)
{
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
  snprintf(timeout, sizeof timeout, "%ld", cli->timeout_s ? cli->timeout_s : DEMO_TIMEOUT_S);

  size_t n = mc_lab_nsites(lab);
  struct outcome *res = mc_xcalloc(n, sizeof *res);
  size_t good = 0;
  if(!cli->json)
    printf("migcheck demo: %zu lab scenarios, each diagnosed by the command a user would "
           "type\n\n%-34s %-16s %-7s %8s %-5s %s\n", n, "scenario", "check", "verdict",
           "time", "", "causes found");
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
    if(!cli->json)
      print_row(&res[i], color);
  }
  if(cli->json)
    print_json(res, n, good);
  else
    printf("\n%zu of %zu scenarios diagnosed as expected.\n", good, n);
  bool traced = demo_logs(cli, lab, res, n, color);
  bool server_side = demo_config(cli, lab, timeout, color);
  for(size_t i = 0; i < n; i++)
    free(res[i].found);
  free(res);
  bool explained = demo_explain(cli, color);
  bool batched = cli->json || demo_batch(cli, lab, timeout);
  mc_lab_stop(lab);
  return good == n && traced && server_side && explained && batched ? MC_EXIT_OK :
                                                                    MC_EXIT_PROBLEM;
}
