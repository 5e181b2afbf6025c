/* test_scan.c - the engine and the verdicts on small logs written the way
 * IIS, HTTP.sys and Exchange write them, and on broken ones: a truncated
 * last line, NUL bytes, a 1 MB line, no #Fields, UTF-16, a .gz that ends
 * early, an unreadable file. Each must give a problem naming the file and
 * line, the rest still analysed, and no crash. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "logs/agg.h"
#include "logs/classify.h"
#include "logs/keys.h"
#include "logs/logs.h"
#include "util/util.h"

#define FIELDS "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port " \
  "cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status " \
  "time-taken\r\n"
#define HEAD "#Software: Microsoft Internet Information Services 10.0\r\n#Version: 1.0\r\n" \
  "#Date: 2024-03-12 08:00:00\r\n" FIELDS
#define MRS(t, st) "2024-03-12 " t " 10.0.0.5 POST /EWS/mrsproxy.svc &CorrelationID=<empty>;" \
  "&cafeReqId=13bae44a-b1c7-402f-aa2f-763aee410ffa; 443 - 40.92.1.2 - - " st " 15\r\n"

static char root[64];

static char *path_in(const char *rel)
{
  return mc_xasprintf("%s/%s", root, rel);
}

static void put(const char *rel, const char *data, size_t n)
{
  char *p = path_in(rel);
  for(char *s = p + strlen(root) + 1; (s = strchr(s, '/')); s++) {
    *s = '\0';
    mkdir(p, 0755);
    *s = '/';
  }
  FILE *f = fopen(p, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(data, 1, n, f), n);
  fclose(f);
  free(p);
}

static void puts_(const char *rel, const char *text)
{
  put(rel, text, strlen(text));
}

static int setup(void **state)
{
  (void)state;
  snprintf(root, sizeof root, "/tmp/mc-logs-XXXXXX");
  assert_non_null(mkdtemp(root));
  return 0;
}

static int teardown(void **state)
{
  (void)state;
  char *cmd = mc_xasprintf("rm -rf '%s'", root);
  assert_int_equal(system(cmd), 0);
  free(cmd);
  return 0;
}

static struct mc_report *check(const char *rel, const char *run_id)
{
  char *p = path_in(rel);
  const char *paths[] = { p };
  struct mc_logs_opts o = { .paths = paths, .npaths = 1, .run_id = run_id };
  struct mc_report *r = mc_check_logs(&o);
  free(p);
  return r;
}

static const struct mc_logs_file *file_named(const struct mc_logs_scan *s, const char *end)
{
  for(size_t i = 0; i < s->nfiles; i++) {
    size_t n = strlen(s->files[i].path), m = strlen(end);
    if(n >= m && strcmp(s->files[i].path + n - m, end) == 0)
      return &s->files[i];
  }
  return NULL;
}

static void scan(const char *rel, struct mc_logs_scan *s)
{
  char *p = path_in(rel);
  const char *paths[] = { p };
  struct mc_logs_opts o = { .paths = paths, .npaths = 1 };
  assert_int_equal(mc_logs_scan(&o, s), MC_OK);
  free(p);
}

/* Scans the folder rel on threads threads, in ranges of 64 KiB (the
 * threads share a file, and ranges start mid-file). */
static void scan_ranges(const char *rel, int threads, struct mc_logs_scan *s)
{
  char *p = path_in(rel);
  const char *paths[] = { p };
  struct mc_logs_opts o = { .paths = paths, .npaths = 1, .threads = threads,
                            .range_bytes = 65536 };
  assert_int_equal(mc_logs_scan(&o, s), MC_OK);
  free(p);
}

static void auth_failures_and_wrong_server(void **state)
{
  (void)state;
  puts_("a/EX01/W3SVC1/u_ex240312.log", HEAD MRS("08:20:18", "401 1 2148074254")
        MRS("08:20:19", "401 1 2148074252") MRS("08:20:20", "401 1 2148074252"));
  struct mc_report *r = check("a", NULL);
  assert_true(mc_report_has(r, "LOG_AUTH_FAILURES"));
  assert_false(mc_report_has(r, "LOG_NO_MIGRATION_TRAFFIC"));
  assert_int_equal(mc_report_exit_code(r), 1);
  /* The finding names the line that shows it. */
  bool named = false;
  for(size_t i = 0; i < r->nfindings; i++)
    named = named || strstr(r->findings[i]->detail, "u_ex240312.log:6:") != NULL;
  assert_true(named);
  mc_report_free(r);

  /* EX02 answers, EX03 only fails: wrong server. */
  puts_("b/EX02/W3SVC1/u_ex240312.log", HEAD MRS("09:00:00", "200 0 0"));
  puts_("b/EX03/W3SVC1/u_ex240312.log", HEAD MRS("09:00:01", "503 0 0"));
  r = check("b", NULL);
  assert_true(mc_report_has(r, "LOG_TRAFFIC_ON_WRONG_SERVER"));
  assert_true(mc_report_has(r, "LOG_SERVER_ERRORS"));
  mc_report_free(r);
}

static void ntlm_split_and_no_traffic(void **state)
{
  (void)state;
  puts_("c/EX01/W3SVC1/u_ex240312.log", HEAD MRS("08:20:18", "401 1 2148074248")
        MRS("08:20:19", "200 0 0"));
  struct mc_report *r = check("c", NULL);
  assert_true(mc_report_has(r, "LOG_NTLM_SPLIT"));
  mc_report_free(r);
  puts_("d/EX01/W3SVC1/u_ex240312.log", HEAD "2024-03-12 08:00:00 10.0.0.5 GET /owa/ - 443 - "
        "10.1.1.1 Mozilla/5.0 - 200 0 0 15\r\n");
  r = check("d", NULL);
  assert_true(mc_report_has(r, "LOG_NO_MIGRATION_TRAFFIC"));
  mc_report_free(r);
}

static void run_id_found_and_missing(void **state)
{
  (void)state;
  puts_("e/EX01/W3SVC1/u_ex240312.log", HEAD
        "2024-03-12 08:22:00 10.0.0.5 POST /ews/MRSProxy.svc migcheck=mc-0123456789ab 443 - "
        "2a01:111:f400::1%12 migcheck/0.1.0+(run+mc-0123456789ab) - 401 1 2148074254 3\r\n"
        MRS("08:22:01", "200 0 0"));
  struct mc_report *r = check("e", "mc-0123456789ab");
  assert_false(mc_report_has(r, "LOG_NO_MIGRATION_TRAFFIC"));
  bool section = false;
  for(size_t i = 0; i < r->nsections; i++) {
    if(strcmp(r->sections[i].key, "run") == 0) {
      section = true;
      assert_non_null(strstr(r->sections[i].json, "\"found\":1"));
      assert_non_null(strstr(r->sections[i].json, "\"line\":5"));
      assert_non_null(strstr(r->sections[i].json, "\"server\":\"EX01\""));
    }
  }
  assert_true(section);
  mc_report_free(r);
  r = check("e", "mc-ffffffffffff");
  assert_true(mc_report_has(r, "LOG_NO_MIGRATION_TRAFFIC"));
  mc_report_free(r);
}

static void httperr_and_httpproxy(void **state)
{
  (void)state;
  puts_("f/EX01/HTTPERR/httperr1.log", "#Software: Microsoft HTTP API 2.0\r\n#Version: 1.0\r\n"
        "#Date: 2024-03-12 08:00:00\r\n#Fields: date time c-ip c-port s-ip s-port cs-version "
        "cs-method cs-uri sc-status s-siteid s-reason s-queuename\r\n"
        "2024-03-12 08:01:00 40.92.1.2 50123 10.0.0.5 443 HTTP/1.1 POST /EWS/mrsproxy.svc - 1 "
        "Timer_ConnectionIdle -\r\n"
        "2024-03-12 08:01:01 40.92.1.2 50124 10.0.0.5 443 HTTP/1.1 RPC_IN_DATA "
        "https://mail.contoso.com:443/rpc/rpcproxy.dll?ex01:6001 503 1 QueueFull "
        "MSExchangeRpcProxyAppPool\r\n"
        "2024-03-12 08:01:02 10.1.1.1 50125 10.0.0.5 443 - - - - - Timer_ConnectionIdle -\r\n");
  struct mc_report *r = check("f", NULL);
  assert_true(mc_report_has(r, "HTTPERR_CONNECTION_DROPPED"));
  assert_true(mc_report_has(r, "HTTPERR_QUEUE_FULL"));
  assert_false(mc_report_has(r, "LOG_NO_MIGRATION_TRAFFIC"));   /* HTTPERR only: no judgement */
  mc_report_free(r);
  puts_("g/EX01/Logging/HttpProxy/Ews/HttpProxy_2024031208-1.LOG",
        "#Software: Microsoft Exchange Server\r\n#Version: 15.01.2375.007\r\n"
        "#Log-type: HttpProxy Logs\r\n#Date: 2024-03-12T08:00:00.000Z\r\n"
        "#Fields: DateTime,RequestId,UrlStem,ServerHostName,HttpStatus,BackEndStatus,ErrorCode,"
        "Method,TargetServer,GenericErrors\r\n"
        "2024-03-12T08:01:00.000Z,1,/EWS/mrsproxy.svc,EX01,503,503,BackEndRequestTimedOut,POST,"
        "EX02.contoso.local,\"WebExceptionStatus=ProtocolError;ResponseStatusCode=503\"\r\n"
        "2024-03-12T08:01:01.000Z,2,/EWS/mrsproxy.svc,EX01,200,200,,POST,EX02.contoso.local,\r\n");
  r = check("g", NULL);
  assert_true(mc_report_has(r, "PROXY_BACKEND_ERRORS"));
  assert_false(mc_report_has(r, "LOG_NO_MIGRATION_TRAFFIC"));
  mc_report_free(r);
}

/* HttpProxy lines whose UserAgent is quoted and holds commas: the fields
 * after it are found past the quotes, in blocks that hold a quote and in
 * blocks that hold none (the comma lists alone), one and two threads. */
static void httpproxy_quoted_fields(void **state)
{
  (void)state;
  struct mc_buf b = MC_BUF_INIT(1 << 22);
  mc_buf_addstr(&b, "#Software: Microsoft Exchange Server\r\n#Log-type: HttpProxy Logs\r\n"
                "#Fields: DateTime,UrlStem,UserAgent,HttpStatus,BackEndStatus,TargetServer,"
                "ServerHostName\r\n");
  uint64_t want503 = 0, want200 = 0;
  for(int i = 0; i < 3000; i++) {
    char line[256];
    /* a run of plain lines (blocks with no quote), then quoted ones */
    bool quoted = (i / 400) % 2 == 1;
    bool fail = i % 3 == 0;
    snprintf(line, sizeof line, "2024-03-12T08:%02d:%02d.000Z,/EWS/mrsproxy.svc,%s,%s,%s,"
             "EX02.contoso.local,EX01\r\n", i / 60 % 60, i % 60,
             quoted ? "\"Mozilla/5.0 (Windows NT 10.0, Win64, x64), \"\"x\"\"\"" : "MSRPC",
             fail ? "503" : "200", fail ? "503" : "200");
    mc_buf_addstr(&b, line);
    *(fail ? &want503 : &want200) += 1;
  }
  put("hq/EX01/Logging/HttpProxy/Ews/HttpProxy_2024031208-1.LOG", b.ptr, b.len);
  mc_buf_release(&b);
  for(int threads = 1; threads <= 2; threads++) {
    struct mc_logs_scan s;
    scan_ranges("hq", threads, &s);
    uint64_t got503 = 0, got200 = 0, other = 0;
    MC_AGG_EACH(&s.agg, e) {
      struct mc_key_proxy k;
      struct mc_slice srv, tgt, err;
      if(e->key[0] != 'P' || !mc_key_proxy_get(e->key, e->klen, &k, &srv, &tgt, &err))
        continue;
      bool right = tgt.n == 18 && !memcmp(tgt.p, "EX02.contoso.local", 18) && k.http == k.backend;
      if(right && k.http == 503)
        got503 += e->count;
      else if(right && k.http == 200)
        got200 += e->count;
      else
        other += e->count;
    }
    if(got503 != want503 || got200 != want200 || other)
      fail_msg("%d threads: %llu 503s and %llu 200s (expected %llu and %llu), %llu others",
               threads, (unsigned long long)got503, (unsigned long long)got200,
               (unsigned long long)want503, (unsigned long long)want200,
               (unsigned long long)other);
    mc_logs_scan_release(&s);
  }
}

static void layout_change_and_servers(void **state)
{
  (void)state;
  /* A restart adds s-computername mid-file; LF lines; a path with generic
     folders between the server and W3SVC1. */
  puts_("h/srvA/inetpub/logs/LogFiles/W3SVC1/u_ex240312.log",
        "#Fields: date time cs-uri-stem sc-status sc-substatus sc-win32-status c-ip\n"
        "2024-03-12 08:00:00 /EWS/mrsproxy.svc 200 0 0 1.1.1.1\n"
        "#Fields: date time s-computername c-ip cs-uri-stem sc-status sc-substatus "
        "sc-win32-status\n"
        "2024-03-12 08:00:01 EX09 1.1.1.1 /EWS/mrsproxy.svc 401 1 2148074252\n");
  struct mc_logs_scan s;
  scan("h", &s);
  const struct mc_logs_file *f = file_named(&s, "u_ex240312.log");
  assert_non_null(f);
  assert_string_equal(f->server, "srvA");
  assert_int_equal(f->malformed, 0);
  assert_int_equal(f->lines, 4);
  size_t keys = 0;
  MC_AGG_EACH(&s.agg, e) {
    if(e->key[0] == 'S') {
      keys++;
      assert_int_equal(e->count, 1);
    }
  }
  assert_int_equal(keys, 2);     /* srvA 200.0.0 and EX09 401.1.2148074252 */
  mc_logs_scan_release(&s);
}

/* The status cache knows the line's server: lines that log s-computername
 * with the same status but another server (or "-", the file's) are counted
 * apart, names up to the cache's 16 bytes and past them alike. */
static void status_cache_keeps_servers_apart(void **state)
{
  (void)state;
  static const char *const servers[] = { "EX01", "EX02", "-", "EX0", "EX011",
                                         "SIXTEEN-CHARS-XY", "SEVENTEEN-CHARS-X" };
  static const char *const named[] = { "EX01", "EX02", "EX01", "EX0", "EX011",
                                       "SIXTEEN-CHARS-XY", "SEVENTEEN-CHARS-X" };
  static const char *const statuses[] = { "200 0 0", "401 1 2148074254", "401 2 5" };
  enum { NS = sizeof servers / sizeof *servers, NT = 3 };
  uint64_t want[NS][NT] = { { 0 } };
  struct mc_buf b = MC_BUF_INIT(1 << 22);
  mc_buf_addstr(&b, "#Fields: date time s-computername cs-uri-stem c-ip sc-status "
                "sc-substatus sc-win32-status\n");
  uint32_t x = 12345;
  for(int i = 0; i < 20000; i++) {
    x = x * 1103515245u + 12345u;
    unsigned sv = (x >> 8) % NS, st = (x >> 20) % NT;
    char line[200];
    snprintf(line, sizeof line, "2024-03-12 08:00:00 %s /EWS/mrsproxy.svc 1.1.1.1 %s\n",
             servers[sv], statuses[st]);
    mc_buf_addstr(&b, line);
    /* "-" is the file's server: counted with the lines that name EX01 */
    want[strcmp(servers[sv], "-") ? sv : 0][st]++;
  }
  put("sc/EX01/W3SVC1/u_ex240312.log", b.ptr, b.len);
  mc_buf_release(&b);
  for(int threads = 1; threads <= 2; threads++) {
    struct mc_logs_scan s;
    scan_ranges("sc", threads, &s);
    uint64_t got[NS][NT] = { { 0 } };
    MC_AGG_EACH(&s.agg, e) {
      struct mc_key_status k;
      struct mc_slice srv;
      if(e->key[0] != 'S' || !mc_key_status_get(e->key, e->klen, &k, &srv))
        continue;
      int sv = -1, st = -1;
      for(int i = 0; i < NS; i++) {
        if(strcmp(servers[i], "-") && strlen(named[i]) == srv.n &&
           !memcmp(named[i], srv.p, srv.n))
          sv = i;
      }
      st = k.status == 200 ? 0 : k.sub == 1 ? 1 : 2;
      if(sv < 0)
        fail_msg("a status key of server %.*s", (int)srv.n, srv.p);
      got[sv][st] += e->count;
    }
    for(int i = 0; i < NS; i++) {
      for(int j = 0; j < NT; j++) {
        if(got[i][j] != want[i][j])
          fail_msg("%d threads: %s %s: %llu, expected %llu", threads, named[i], statuses[j],
                   (unsigned long long)got[i][j], (unsigned long long)want[i][j]);
      }
    }
    mc_logs_scan_release(&s);
  }
}

static void broken_inputs(void **state)
{
  (void)state;
  /* Truncated last line. */
  puts_("i/EX01/W3SVC1/cut.log", HEAD MRS("08:00:00", "200 0 0")
        "2024-03-12 08:00:01 10.0.0.5 POST /EWS/mrsproxy.svc - 443 - 40");
  /* NUL bytes inside a line and a line of NULs (what a crash leaves). */
  static const char nul[] = HEAD "2024-03-12 08:00:02 10.0.0.5 POST /EWS/mrs\0proxy.svc - 443 - "
    "1.1.1.1 - - 200 0 0 1\r\n\0\0\0\0\0\0\0\0\r\n" MRS("08:00:03", "200 0 0");
  put("i/EX01/W3SVC1/nul.log", nul, sizeof nul - 1);
  /* A 1 MB line between two good ones. */
  size_t big = (1u << 20) + 100;
  struct mc_buf b = MC_BUF_INIT(big + 4096);
  mc_buf_addstr(&b, HEAD MRS("08:00:04", "200 0 0"));
  for(size_t i = 0; i < big; i++)
    mc_buf_addch(&b, 'x');
  mc_buf_addstr(&b, "\r\n" MRS("08:00:05", "200 0 0"));
  put("i/EX01/W3SVC1/big.log", b.ptr, b.len);
  mc_buf_release(&b);
  /* A clock that is not digits, after one that is: the second line is
     malformed, not counted at a made-up hour (the time of day read last is
     kept, so the check must not lean on it). */
  puts_("i/EX01/W3SVC1/clock.log", HEAD MRS("08:00:08", "200 0 0") MRS("0::00:00", "200 0 0")
        MRS("08:0;:00", "200 0 0"));
  /* No #Fields, but the default layout fits; no #Fields and it does not. */
  puts_("i/EX01/W3SVC1/nofields.log", MRS("08:00:06", "200 0 0"));
  puts_("i/EX01/W3SVC1/junk.log", "hello world\n");
  /* UTF-16LE, as PowerShell's Out-File writes. */
  static const char u16[] = "\xff\xfe#\0F\0i\0e\0l\0d\0s\0:\0 \0d\0a\0t\0e\0\r\0\n\0";
  put("i/EX01/W3SVC1/utf16.log", u16, sizeof u16 - 1);
  /* A .gz that ends early. */
  char *gzp = path_in("i/EX01/W3SVC1/early.log.gz");
  gzFile gz = gzopen(gzp, "wb");
  struct mc_buf t = MC_BUF_INIT(1 << 22);
  mc_buf_addstr(&t, HEAD);
  for(int i = 0; i < 20000; i++)
    mc_buf_addstr(&t, MRS("08:00:07", "200 0 0"));
  gzwrite(gz, t.ptr, (unsigned)t.len);
  gzclose(gz);
  mc_buf_release(&t);
  struct stat st;
  assert_int_equal(stat(gzp, &st), 0);
  assert_int_equal(truncate(gzp, st.st_size / 2), 0);
  free(gzp);

  struct mc_logs_scan s;
  scan("i", &s);
  const struct mc_logs_file *f = file_named(&s, "cut.log");
  assert_int_equal(f->malformed, 1);
  assert_non_null(strstr(f->problem, "line 6:"));
  f = file_named(&s, "nul.log");
  assert_false(f->skipped);
  /* Both lines with NUL bytes are skipped and said so: the first is no EWS
     request ("/EWS/mrs" before the NUL), and none is counted. */
  assert_int_equal(f->malformed, 2);
  assert_non_null(strstr(f->problem, "line 5: the line holds NUL bytes"));
  MC_AGG_EACH(&s.agg, e) {
    if(e->key[0] == 'S' && e->key[1] == MC_EP_EWS)
      fail_msg("a line with a NUL byte was counted as EWS");
  }
  f = file_named(&s, "big.log");
  assert_non_null(strstr(f->problem, "line 6: the line is longer"));
  f = file_named(&s, "clock.log");
  assert_int_equal(f->malformed, 2);
  assert_non_null(strstr(f->problem, "line 6: the date or time field is not a date and time"));
  f = file_named(&s, "nofields.log");
  assert_true(f->assumed_layout);
  assert_int_equal(f->malformed, 0);
  f = file_named(&s, "junk.log");
  assert_true(f->skipped);
  assert_non_null(strstr(f->problem, "line 1:"));
  f = file_named(&s, "utf16.log");
  assert_true(f->skipped);
  assert_non_null(strstr(f->problem, "UTF-16"));
  f = file_named(&s, "early.log.gz");
  assert_true(f->gz);
  assert_non_null(strstr(f->problem, "ends early"));
  assert_true(f->data_lines > 100);
  /* The good lines of every file were counted. */
  uint64_t ok = 0;
  MC_AGG_EACH(&s.agg, e) {
    if(e->key[0] == 'S')
      ok += e->count;
  }
  assert_true(ok >= 8 + 100);
  mc_logs_scan_release(&s);
}

/* Files of NUL bytes (plain and as .gz) are not logs, and #Fields lines the
 * parser cannot take say why (issue: "UTF-16 text", wrong messages). */
static void nul_files_and_odd_fields(void **state)
{
  (void)state;
  static char zeros[8192];
  put("z/zeros.log", zeros, sizeof zeros);
  char *gzp = path_in("z/zeros.log.gz");
  gzFile gz = gzopen(gzp, "wb");
  gzwrite(gz, zeros, sizeof zeros);
  gzclose(gz);
  free(gzp);
  struct mc_buf b = MC_BUF_INIT(1 << 20);
  mc_buf_addstr(&b, "#Fields: date time cs-uri-stem");
  for(int i = 0; i < 70; i++)
    mc_buf_printf(&b, " x-col%d", i);
  mc_buf_addstr(&b, "\r\n" MRS("08:00:00", "200 0 0"));
  put("z/wide.log", b.ptr, b.len);
  mc_buf_reset(&b);
  mc_buf_addstr(&b, "#Software: Microsoft Internet Information Services 10.0\r\n#Fields: date "
                "time cs-uri-stem");
  while(b.len < 70000)
    mc_buf_addstr(&b, " cs(a-very-long-custom-header-name)");
  mc_buf_addstr(&b, "\r\n" MRS("08:00:00", "200 0 0"));
  put("z/long.log", b.ptr, b.len);
  mc_buf_release(&b);

  const char *names[] = { "zeros.log", "zeros.log.gz", "wide.log", "long.log" };
  const char *says[] = { "not a log: it begins with nothing but NUL bytes",
                         "not a log: it begins with nothing but NUL bytes",
                         "line 1: the #Fields line names more than 64 columns",
                         "line 2: the #Fields line is longer than 64 KiB" };
  for(int i = 0; i < 4; i++) {
    char rel[64];
    snprintf(rel, sizeof rel, "z/%s", names[i]);
    struct mc_logs_scan s;
    scan(rel, &s);
    assert_int_equal(s.nfiles, 1);
    const struct mc_logs_file *f = &s.files[0];
    assert_true(f->skipped);
    if(!f->problem || !strstr(f->problem, says[i]))
      fail_msg("%s: '%s', expected '%s'", names[i], f->problem ? f->problem : "(none)",
               says[i]);
    mc_logs_scan_release(&s);
  }
}

/* The clients of a scan of directory rel, cut in ranges of range_bytes, on
 * threads threads: each is the name of one of want[] (n of them), counted
 * counts[] times. */
static void expect_clients(const char *rel, int threads, uint64_t range_bytes,
                           const char *const *want, const uint64_t *counts, size_t n,
                           struct mc_logs_scan *s)
{
  char *p = path_in(rel);
  const char *paths[] = { p };
  struct mc_logs_opts o = { .paths = paths, .npaths = 1, .threads = threads,
                            .range_bytes = range_bytes };
  assert_int_equal(mc_logs_scan(&o, s), MC_OK);
  free(p);
  size_t keys = 0;
  for(unsigned k = 0; k < s->nclient_parts; k++) {
    MC_CSET_EACH(&s->clients[k], sl) {
      if(!mc_cset_count(sl))
        continue;
      size_t kn;
      char kbuf[MC_CSET_KEY_MAX];
      const char *key = mc_cset_key(&s->clients[k], sl, kbuf, &kn);
      char name[64];
      int ep;
      mc_cset_client_text(key, kn, &ep, name, sizeof name);
      size_t i = 0;
      while(i < n && strcmp(name, want[i]))
        i++;
      if(i == n || mc_cset_count(sl) != counts[i])
        fail_msg("%s, %d threads: client %s counted %llu times", rel, threads, name,
                 (unsigned long long)mc_cset_count(sl));
      keys++;
    }
  }
  assert_int_equal(keys, n);
  assert_int_equal(s->files[0].malformed, 0);
}

/* Two layouts that both fit the second one's lines (c-ip and s-ip
 * swapped): a range that starts in the second assumes the first, counts
 * its lines wrongly (the server's address as the client), and is scanned
 * again once the range before it is done. The clients it counted in the
 * first pass are taken back: only 1.1.1.1 and 9.9.9.9 remain, 200
 * requests each. */
static void rescan_takes_back_clients(void **state)
{
  (void)state;
  struct mc_buf b = MC_BUF_INIT(1 << 20);
  mc_buf_addstr(&b, "#Fields: date time cs-uri-stem c-ip s-ip sc-status sc-substatus "
                "sc-win32-status\n");
  for(int i = 0; i < 200; i++)
    mc_buf_addstr(&b, "2024-03-12 08:00:00 /EWS/mrsproxy.svc 1.1.1.1 10.0.0.5 200 0 0\n");
  mc_buf_addstr(&b, "#Fields: date time cs-uri-stem s-ip c-ip sc-status sc-substatus "
                "sc-win32-status\n");
  for(int i = 0; i < 200; i++)
    mc_buf_addstr(&b, "2024-03-12 08:00:01 /EWS/mrsproxy.svc 10.0.0.5 9.9.9.9 200 0 0\n");
  put("r/EX01/W3SVC1/u_ex240312.log", b.ptr, b.len);
  mc_buf_release(&b);
  const char *want[] = { "1.1.1.1", "9.9.9.9" };
  const uint64_t counts[] = { 200, 200 };
  for(int threads = 1; threads <= 2; threads++) {
    struct mc_logs_scan s;
    expect_clients("r", threads, 300, want, counts, 2, &s);
    mc_logs_scan_release(&s);
  }
}

/* Many clients on several threads: past the first 32k keys of the other
 * threads' partitions a thread ships them to their owners (cset.h),
 * and the ranges of a layout that fits the lines wrongly are scanned again,
 * taking back 40,000 keys they counted first (the s-ip column read as
 * c-ip), some of them shipped. 120,000 clients, each in two places of the
 * file, and 9.9.9.9: every one counted once, in one table, as on one
 * thread; on two threads keys were shipped. */
static void clients_shipped_between_threads(void **state)
{
  (void)state;
  enum { CLIENTS = 120000, WRONG = 40000 };
  struct mc_buf b = MC_BUF_INIT(1 << 25);
  mc_buf_addstr(&b, "#Fields: date time cs-uri-stem c-ip s-ip sc-status sc-substatus "
                "sc-win32-status\n");
  for(unsigned pass = 0; pass < 2; pass++) {
    for(unsigned i = 0; i < CLIENTS; i++)
      mc_buf_printf(&b, "2024-03-12 08:00:00 /EWS/mrsproxy.svc 10.%u.%u.%u 10.0.0.5 200 0 0\n",
                    i >> 16, i >> 8 & 255, i & 255);
  }
  mc_buf_addstr(&b, "#Fields: date time cs-uri-stem s-ip c-ip sc-status sc-substatus "
                "sc-win32-status\n");
  for(unsigned i = 0; i < WRONG; i++)
    mc_buf_printf(&b, "2024-03-12 08:00:01 /EWS/mrsproxy.svc 172.16.%u.%u 9.9.9.9 200 0 0\n",
                  i >> 8, i & 255);
  put("ship/EX01/W3SVC1/u_ex240312.log", b.ptr, b.len);
  mc_buf_release(&b);
  char *p = path_in("ship");
  const char *paths[] = { p };
  uint8_t *seen = mc_xcalloc(CLIENTS, 1);
  for(int threads = 1; threads <= 4; threads++) {
    struct mc_logs_opts o = { .paths = paths, .npaths = 1, .threads = threads,
                              .range_bytes = 256 * 1024 };
    struct mc_logs_scan s;
    assert_int_equal(mc_logs_scan(&o, &s), MC_OK);
    memset(seen, 0, CLIENTS);
    size_t keys = 0;
    uint64_t received = 0;
    for(unsigned k = 0; k < s.nclient_parts; k++) {
      received += s.clients[k].received;
      MC_CSET_EACH(&s.clients[k], sl) {
        uint64_t n = mc_cset_count(sl);
        if(!n)
          continue;               /* taken back */
        size_t kn;
        char kbuf[MC_CSET_KEY_MAX], name[64];
        const char *key = mc_cset_key(&s.clients[k], sl, kbuf, &kn);
        int ep;
        mc_cset_client_text(key, kn, &ep, name, sizeof name);
        unsigned x, y, z;
        bool ok;
        if(strcmp(name, "9.9.9.9") == 0)
          ok = n == WRONG;
        else if(sscanf(name, "10.%u.%u.%u", &x, &y, &z) == 3 && (x << 16 | y << 8 | z) < CLIENTS &&
                !seen[x << 16 | y << 8 | z]) {
          seen[x << 16 | y << 8 | z] = 1;
          ok = n == 2;
        }
        else
          ok = false;
        if(!ok)
          fail_msg("%d threads: client %s counted %llu times", threads, name,
                   (unsigned long long)n);
        keys++;
      }
    }
    assert_int_equal(keys, CLIENTS + 1);
    assert_int_equal(s.files[0].malformed, 0);
    /* On two threads one of them sees at least half the 160,000 keys, and
       about half of those, more than the 32k it keeps near, are of the
       other's partition; on more, how the ranges fall decides. */
    if(threads == 1)
      assert_int_equal(received, 0);
    else if(threads == 2 && received == 0)
      fail_msg("%d threads: no key was shipped to its owner", threads);
    mc_logs_scan_release(&s);
  }
  free(seen);
  free(p);
}

/* A layout change early in a file cut in many ranges. Each range after it
 * starts with the layout the range before started with, once its first
 * line does not fit the file's first: only the first range after the
 * change reads back to the #Fields line. Reading back to it from every
 * range was quadratic: here 200 ranges, each reading back half the file
 * on average, 40 MB. Then a
 * third layout that fits the second one's lines as well (addresses
 * swapped): the ranges after it guess the second, wrongly, and are scanned
 * again (finish_file()); the counts come out right. */
static void layout_change_read_back_once(void **state)
{
  (void)state;
  struct mc_buf b = MC_BUF_INIT(1 << 20);
  mc_buf_addstr(&b, "#Fields: date time cs-uri-stem c-ip sc-status sc-substatus "
                "sc-win32-status\n");
  for(int i = 0; i < 50; i++)
    mc_buf_addstr(&b, "2024-03-12 08:00:00 /EWS/mrsproxy.svc 1.1.1.1 200 0 0\n");
  mc_buf_addstr(&b, "#Fields: date time s-computername cs-uri-stem s-ip c-ip sc-status "
                "sc-substatus sc-win32-status\n");
  for(int i = 0; i < 6000; i++)
    mc_buf_addstr(&b, "2024-03-12 09:00:00 EX01 /EWS/mrsproxy.svc 10.0.0.5 2.2.2.2 200 0 0\n");
  size_t second = b.len;
  put("lb/EX01/W3SVC1/u_ex240312.log", b.ptr, b.len);
  const char *want[] = { "1.1.1.1", "2.2.2.2", "3.3.3.3" };
  const uint64_t counts[] = { 50, 6000, 300 };
  const uint64_t range = 2000;
  for(int threads = 1; threads <= 2; threads++) {
    struct mc_logs_scan s;
    expect_clients("lb", threads, range, want, counts, 2, &s);
    /* One thread: no look back reads anything, the range before is done
       and its last layout is known. Two: a range may start before the one
       before it has checked its start, and read that one too; still a
       bounded share of the file. */
    uint64_t most = threads == 1 ? 0 : 2 * second;
    if(s.looked_back > most)
      fail_msg("%d threads: the look backs read %llu bytes (at most %llu)", threads,
               (unsigned long long)s.looked_back, (unsigned long long)most);
    mc_logs_scan_release(&s);
  }
  /* Ranges of blank lines only after the change: they end with the layout
     they assumed, unconfirmed (end_known() says no), and the ranges after
     them still start with the right one. */
  struct mc_buf k = MC_BUF_INIT(1 << 20);
  mc_buf_add(&k, b.ptr, second);
  for(int i = 0; i < 3 * (int)range; i++)
    mc_buf_addch(&k, '\n');
  for(int i = 0; i < 10; i++)
    mc_buf_addstr(&k, "2024-03-12 09:00:00 EX01 /EWS/mrsproxy.svc 10.0.0.5 4.4.4.4 200 0 0\n");
  put("lk/EX01/W3SVC1/u_ex240312.log", k.ptr, k.len);
  mc_buf_release(&k);
  const char *want_k[] = { "1.1.1.1", "2.2.2.2", "4.4.4.4" };
  const uint64_t counts_k[] = { 50, 6000, 10 };
  for(int threads = 1; threads <= 2; threads++) {
    struct mc_logs_scan s;
    expect_clients("lk", threads, range, want_k, counts_k, 3, &s);
    assert_int_equal(s.files[0].malformed, 0);
    mc_logs_scan_release(&s);
  }
  mc_buf_addstr(&b, "#Fields: date time s-computername cs-uri-stem c-ip s-ip sc-status "
                "sc-substatus sc-win32-status\n");
  for(int i = 0; i < 300; i++)
    mc_buf_addstr(&b, "2024-03-12 10:00:00 EX01 /EWS/mrsproxy.svc 3.3.3.3 10.0.0.5 200 0 0\n");
  put("lc/EX01/W3SVC1/u_ex240312.log", b.ptr, b.len);
  mc_buf_release(&b);
  for(int threads = 1; threads <= 2; threads++) {
    struct mc_logs_scan s;
    expect_clients("lc", threads, range, want, counts, 3, &s);
    mc_logs_scan_release(&s);
  }
}

/* What a report says, in order, but for how long it took: every step's
 * title, summary and evidence (not the MB/s line), every finding, the
 * sections (the traffic JSON). */
static void report_text(const struct mc_step *st, struct mc_buf *b)
{
  for(; st; st = st->next) {
    mc_buf_printf(b, "%s|%s\n", st->title ? st->title : "", st->summary ? st->summary : "");
    for(size_t i = 0; i < st->nev; i++) {
      if(!strstr(st->ev[i].text, " MB/s"))
        mc_buf_printf(b, "  %s: %s\n", st->ev[i].label, st->ev[i].text);
    }
    report_text(st->child, b);
  }
}

/* Each thread owns the client table of one partition of the hash (and
 * keeps its first keys of the others near). A partition's keys must spread
 * over its whole table: when the partition came from the same bits as the
 * slot a key starts at, every key of partition 0 of two started in the
 * first half of its table and every add walked one cluster there (a third
 * of a two-thread run; one thread, one partition, never showed it). 20,000
 * distinct clients, one to four threads: each partition holds a share,
 * each half of each table a fair part of it, and the adds walk a few slots
 * each. */
static void partitions_spread_over_their_tables(void **state)
{
  (void)state;
  enum { CLIENTS = 20000, LINES = 40000 };
  struct mc_buf b = MC_BUF_INIT(1 << 22);
  mc_buf_addstr(&b, "#Fields: date time cs-uri-stem c-ip sc-status sc-substatus "
                "sc-win32-status\n");
  for(unsigned i = 0; i < LINES; i++) {
    unsigned c = i % CLIENTS;
    if(c % 3)
      mc_buf_printf(&b, "2024-03-12 08:00:00 /EWS/Exchange.asmx 10.%u.%u.%u 200 0 0\n",
                    c >> 16, c >> 8 & 255, c & 255);
    else
      mc_buf_printf(&b, "2024-03-12 08:00:00 /EWS/Exchange.asmx 2001:db8:%x::%x 200 0 0\n",
                    c >> 8, c & 255);
  }
  put("parts/EX01/W3SVC1/u_ex240312.log", b.ptr, b.len);
  mc_buf_release(&b);
  char *p = path_in("parts");
  const char *paths[] = { p };
  for(int threads = 1; threads <= 4; threads++) {
    struct mc_logs_opts o = { .paths = paths, .npaths = 1, .threads = threads,
                              .range_bytes = 65536 };
    struct mc_logs_scan s;
    assert_int_equal(mc_logs_scan(&o, &s), MC_OK);
    size_t keys = 0;
    for(unsigned k = 0; k < s.nclient_parts; k++) {
      const struct mc_cset *cs = &s.clients[k];
      size_t low = 0;
      MC_CSET_EACH(cs, sl)
        low += (size_t)(sl - cs->slots) < cs->cap / 2;
      keys += cs->n;
      if(cs->n < CLIENTS / s.nclient_parts / 2 || 10 * low < 3 * cs->n ||
         10 * low > 7 * cs->n || cs->walked > 4 * (uint64_t)LINES)
        fail_msg("%d threads, partition %u: %zu keys, %zu in the first half of %zu slots, "
                 "%llu slots walked", threads, k, cs->n, low, cs->cap,
                 (unsigned long long)cs->walked);
    }
    assert_int_equal(keys, CLIENTS);
    mc_logs_scan_release(&s);
  }
  free(p);
}

/* 0.0.0.0 first on all five endpoints, then 40,000 other clients: the
 * client table grows many times with it inside, and growing took its slot
 * (address 0) for an empty one (test_zero_address in test_keys.c); through
 * the whole scan, most runs lost it on two or three endpoints. */
static void zero_address_survives_growth(void **state)
{
  (void)state;
  static const char *const paths[] = { "/EWS/mrsproxy.svc", "/EWS/Exchange.asmx",
                                       "/mapi/emsmdb/", "/rpc/rpcproxy.dll",
                                       "/Autodiscover/Autodiscover.xml" };
  struct mc_buf b = MC_BUF_INIT(1 << 22);
  mc_buf_addstr(&b, "#Fields: date time cs-uri-stem c-ip sc-status sc-substatus "
                "sc-win32-status\n");
  for(int ep = 0; ep < 5; ep++) {
    for(int i = 0; i < 100; i++)
      mc_buf_printf(&b, "2024-03-12 08:00:01 %s 0.0.0.0 200 0 0\n", paths[ep]);
  }
  for(unsigned i = 0; i < 40000; i++)
    mc_buf_printf(&b, "2024-03-12 08:00:02 /EWS/mrsproxy.svc 10.%u.%u.%u 200 0 0\n", i >> 16,
                  i >> 8 & 255, i & 255);
  put("zero/EX01/W3SVC1/u_ex240312.log", b.ptr, b.len);
  mc_buf_release(&b);
  char *p = path_in("zero");
  const char *roots[] = { p };
  for(int threads = 1; threads <= 2; threads++) {
    struct mc_logs_opts o = { .paths = roots, .npaths = 1, .threads = threads };
    struct mc_logs_scan s;
    assert_int_equal(mc_logs_scan(&o, &s), MC_OK);
    bool seen[MC_EP_COUNT] = { false };
    for(unsigned k = 0; k < s.nclient_parts; k++) {
      MC_CSET_EACH(&s.clients[k], sl) {
        if(!mc_cset_is_text(sl) && sl->off == 0) {
          assert_int_equal(mc_cset_count(sl), 100);
          seen[mc_cset_ep(sl)] = true;
        }
      }
    }
    for(int ep = 0; ep < MC_EP_COUNT; ep++) {
      if(!seen[ep])
        fail_msg("%d threads: 0.0.0.0 on endpoint %d lost", threads, ep);
    }
    mc_logs_scan_release(&s);
  }
  free(p);
}

/* The hash's key is new each run, so a table's order is too: nothing a
 * report shows may follow it. Equal counts are the test: two status rows
 * of one server and endpoint that differ only in win32 (they came out in
 * either order, and migcheck.exe's report differed from Linux's), clients
 * and servers tied. The same logs under twelve keys give one report. */
static void reports_do_not_follow_the_hash(void **state)
{
  (void)state;
  puts_("h/EX01/W3SVC1/u_ex240312.log", HEAD MRS("08:20:18", "401 1 2148074254")
        MRS("08:20:19", "401 1 2148074252") MRS("08:20:20", "401 1 2148074254")
        MRS("08:20:21", "401 1 2148074252") MRS("08:20:22", "500 0 0") MRS("08:20:23", "503 0 0"));
  puts_("h/EX02/W3SVC1/u_ex240312.log", HEAD MRS("09:00:00", "401 1 2148074252")
        MRS("09:00:01", "401 1 2148074254"));
  char *first = NULL;
  for(uint64_t key = 1; key <= 12; key++) {
    mc_logs_hash_set(key);
    struct mc_report *r = check("h", NULL);
    struct mc_buf b = MC_BUF_INIT(1 << 16);
    report_text(r->root, &b);
    for(size_t i = 0; i < r->nfindings; i++)
      mc_buf_printf(&b, "finding %s: %s\n", r->findings[i]->cause->id, r->findings[i]->detail);
    for(size_t i = 0; i < r->nsections; i++)
      mc_buf_printf(&b, "%s: %s\n", r->sections[i].key, r->sections[i].json);
    mc_buf_addch(&b, '\0');
    if(!first)
      first = mc_xstrdup(b.ptr);
    else if(strcmp(first, b.ptr))
      fail_msg("under hash key %llu the report differs from under key 1:\n%s\n---\n%s",
               (unsigned long long)key, b.ptr, first);
    mc_buf_release(&b);
    mc_report_free(r);
  }
  free(first);
}

static void unreadable_and_nothing_readable(void **state)
{
  (void)state;
  puts_("j/EX01/W3SVC1/u_ex240312.log", HEAD MRS("08:00:00", "200 0 0"));
  char *good = path_in("j");
  char *missing = path_in("j/nope.log");
  const char *paths[] = { good, missing };
  char *warned = NULL;
  struct mc_logs_opts o = { .paths = paths, .npaths = 2 };
  struct mc_report *r = mc_check_logs(&o);
  assert_int_equal(mc_report_exit_code(r), 0);    /* the rest was fine */
  mc_report_free(r);
  free(warned);
  const char *only[] = { missing };
  o.paths = only;
  o.npaths = 1;
  r = mc_check_logs(&o);
  assert_int_equal(mc_report_exit_code(r), 3);
  mc_report_free(r);
  free(good);
  free(missing);
}

/* A plain file is read a chunk at a time (256 KiB), a .gz inflated into a
 * buffer: lines cut at every chunk's end are joined, none lost or counted
 * twice, on one thread and two; and a line is skipped as too long at the
 * same length either way (its content over MC_LOGS_MAX_LINE bytes, the
 * CR LF aside): the .gz path skipped a line of exactly the limit. */
static void chunked_reads_and_line_limits(void **state)
{
  (void)state;
  /* 40,000 lines of 120 to 180 bytes (about 6 MB): the chunk boundaries
     fall at every place in a line. Clients 10.1.0.0 to 10.1.0.199. */
  struct mc_buf b = MC_BUF_INIT(16u << 20);
  mc_buf_addstr(&b, HEAD);
  enum { LINES = 40000, CLIENTS = 200 };
  for(int i = 0; i < LINES; i++) {
    char line[512];
    int pad = (i * 7919) % 61;
    snprintf(line, sizeof line, "2024-03-12 08:%02d:%02d 10.0.0.5 POST /EWS/mrsproxy.svc "
             "q=%.*s 443 - 10.1.0.%d - - 200 0 0 15\r\n", (i / 60) % 60, i % 60, pad,
             "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
             i % CLIENTS);
    mc_buf_addstr(&b, line);
  }
  assert_false(b.cut);
  put("k/many.log", b.ptr, b.len);
  mc_buf_release(&b);
  for(int threads = 1; threads <= 2; threads++) {
    struct mc_logs_scan s;
    char *p = path_in("k/many.log");
    const char *paths[] = { p };
    struct mc_logs_opts o = { .paths = paths, .npaths = 1, .threads = threads,
                              .range_bytes = threads == 2 ? (1u << 20) + 333 : 0 };
    assert_int_equal(mc_logs_scan(&o, &s), MC_OK);
    free(p);
    assert_int_equal(s.files[0].data_lines, LINES);
    assert_int_equal(s.files[0].malformed, 0);
    uint64_t total = 0, keys = 0;
    for(unsigned k = 0; k < s.nclient_parts; k++) {
      MC_CSET_EACH(&s.clients[k], sl) {
        if(!mc_cset_count(sl))
          continue;
        assert_int_equal(mc_cset_count(sl), LINES / CLIENTS);
        total += mc_cset_count(sl);
        keys++;
      }
    }
    assert_int_equal(keys, CLIENTS);
    assert_int_equal(total, LINES);
    mc_logs_scan_release(&s);
  }

  /* Lines of 'x' of exactly the limit and one byte over, each between two
     good lines, plain and as .gz. A comment line makes the long one start
     at 256 KiB, so the fifth chunk of the plain file ends right after its
     1,048,576th byte, before its CR LF: the place the limit is decided. */
  static const size_t lens[] = { 1u << 20, (1u << 20) + 1 };
  static const char *const names[] = { "l/exact.log", "l/over.log" };
  for(int k = 0; k < 2; k++) {
    struct mc_buf t = MC_BUF_INIT(lens[k] + (1u << 19));
    mc_buf_addstr(&t, HEAD MRS("08:00:01", "200 0 0") "#Remark: ");
    while(t.len < (256u << 10) - 2)
      mc_buf_addch(&t, '-');
    mc_buf_addstr(&t, "\r\n");
    assert_int_equal(t.len, 256u << 10);
    for(size_t i = 0; i < lens[k]; i++)
      mc_buf_addch(&t, 'x');
    mc_buf_addstr(&t, "\r\n" MRS("08:00:02", "200 0 0"));
    put(names[k], t.ptr, t.len);
    char gzname[64];
    snprintf(gzname, sizeof gzname, "%s.gz", names[k]);
    char *gzp = path_in(gzname);
    gzFile gz = gzopen(gzp, "wb");
    gzwrite(gz, t.ptr, (unsigned)t.len);
    gzclose(gz);
    free(gzp);
    mc_buf_release(&t);
  }
  struct mc_logs_scan s;
  scan("l", &s);
  for(int k = 0; k < 2; k++) {
    for(int z = 0; z < 2; z++) {
      char name[64];
      snprintf(name, sizeof name, "%s%s", names[k] + 2, z ? ".gz" : "");
      const struct mc_logs_file *f = file_named(&s, name);
      assert_int_equal(f->lines, 8);
      assert_int_equal(f->data_lines, k == 0 ? 3 : 2);   /* the long line is not data */
      assert_int_equal(f->malformed, 1);
      assert_non_null(f->problem);
      if(k == 0)
        assert_non_null(strstr(f->problem, "line 7: the line has fewer fields"));
      else
        assert_non_null(strstr(f->problem, "line 7: the line is longer than 1048576 bytes"));
    }
  }
  mc_logs_scan_release(&s);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(auth_failures_and_wrong_server),
    cmocka_unit_test(ntlm_split_and_no_traffic),
    cmocka_unit_test(run_id_found_and_missing),
    cmocka_unit_test(httperr_and_httpproxy),
    cmocka_unit_test(httpproxy_quoted_fields),
    cmocka_unit_test(layout_change_and_servers),
    cmocka_unit_test(status_cache_keeps_servers_apart),
    cmocka_unit_test(broken_inputs),
    cmocka_unit_test(nul_files_and_odd_fields),
    cmocka_unit_test(rescan_takes_back_clients),
    cmocka_unit_test(layout_change_read_back_once),
    cmocka_unit_test(partitions_spread_over_their_tables),
    cmocka_unit_test(clients_shipped_between_threads),
    cmocka_unit_test(zero_address_survives_growth),
    cmocka_unit_test(reports_do_not_follow_the_hash),
    cmocka_unit_test(unreadable_and_nothing_readable),
    cmocka_unit_test(chunked_reads_and_line_limits),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
