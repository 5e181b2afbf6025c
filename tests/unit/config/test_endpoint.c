/* test_endpoint.c - lib/config/csv.c, endpoint.c, batch.c and
 * lib/util/jsonval.c: RFC 4180 CSV (quotes, CR LF, line breaks in fields,
 * semicolons), the JSON reader (escapes, surrogates, limits), the one
 * reader of PowerShell objects in its three forms, the endpoint mapping
 * and its judgement, internal names, and the batch file rules (a password
 * column is refused, rows that cannot run say why). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/endpoint.h"
#include "util/jsonval.h"

static void csv_quotes(void **state)
{
  (void)state;
  const char t[] = "\xef\xbb\xbf" "a,b,c\r\n\"x,1\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n\r\n,,\n";
  struct mc_csv c;
  char err[256];
  assert_int_equal(mc_csv_parse(t, sizeof t - 1, ',', &c, err, sizeof err), MC_OK);
  assert_int_equal(c.n, 3);
  assert_int_equal(c.rows[1].n, 3);
  assert_string_equal(c.rows[1].f[0], "x,1");
  assert_string_equal(c.rows[1].f[1], "say \"hi\"");
  assert_string_equal(c.rows[1].f[2], "two\nlines");
  assert_int_equal(c.rows[1].line, 2);
  assert_int_equal(c.rows[2].line, 5);     /* the blank line is skipped, not counted away */
  assert_string_equal(c.rows[2].f[2], "");
  mc_csv_release(&c);
  const char bad[] = "a,b\n\"never closed,1\n";
  assert_int_equal(mc_csv_parse(bad, sizeof bad - 1, ',', &c, err, sizeof err), MC_ERR_PARSE);
  assert_non_null(strstr(err, "line 2"));
  assert_int_equal(mc_csv_sniff("check;target;user", 17), ';');
  assert_int_equal(mc_csv_sniff("\"a;b\",c", 7), ',');
}

static void json_reader(void **state)
{
  (void)state;
  const char t[] = " {\"a\": [1, -2.5e3, true, false, null], \"s\": \"\\u00e9\\ud83d\\ude00\\ud800x\\n\","
                   " \"o\": {}} ";
  struct mc_jv *v;
  char err[256];
  assert_int_equal(mc_jv_parse(t, sizeof t - 1, &v, err, sizeof err), MC_OK);
  assert_int_equal(v->type, MC_JV_OBJ);
  const struct mc_jv *a = mc_jv_get(v, "a");
  assert_int_equal(a->n, 5);
  assert_string_equal(a->kids[1].str, "-2.5e3");
  assert_true(a->kids[2].b);
  assert_string_equal(mc_jv_gets(v, "s"), "\xc3\xa9\xf0\x9f\x98\x80\xef\xbf\xbdx\n");
  assert_non_null(mc_jv_iget(v, "O"));
  assert_null(mc_jv_gets(v, "o"));
  mc_jv_free(v);
  static const char *const bad[] = { "{\"a\":}", "[1,]", "\"abc", "{\"a\" 1}", "[1] 2", "tru",
                                     "\"\x01\"", "" };
  for(size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    assert_int_not_equal(mc_jv_parse(bad[i], strlen(bad[i]), &v, err, sizeof err), MC_OK);
    assert_null(v);
  }
  char deep[200];
  memset(deep, '[', sizeof deep);
  assert_int_equal(mc_jv_parse(deep, sizeof deep, &v, err, sizeof err), MC_ERR_LIMIT);
}

static const char fl_text[] =
  "Identity                : Hybrid Migration Endpoint - EWS (Default Web Site)\n"
  "EndpointType            : ExchangeRemoteMove\n"
  "RemoteServer            : mail.contoso.com\n"
  "Port                    :\n"
  "Username                : CONTOSO\\migadmin\n"
  "MaxConcurrentMigrations : 20\n"
  "\n"
  "Identity       : Cutover\n"
  "EndpointType   : ExchangeOutlookAnywhere\n"
  "ExchangeServer : ex01.contoso.local\n"
  "RpcProxyServer : ex01\n"
  "Authentication : NTLM\n"
  "Port           : 8443\n"
  "\n"
  "Identity     : IMAP\n"
  "EndpointType : IMAP\n"
  "RemoteServer : imap.contoso.com\n"
  "Port         : 143\n"
  "Security     : Ssl\n";

static void endpoint_forms(void **state)
{
  (void)state;
  static const char csv_text[] =
    "#TYPE Deserialized.Microsoft.Exchange.Data.Storage.Management.MigrationEndpoint\r\n"
    "\"Identity\",\"EndpointType\",\"RemoteServer\",\"Port\",\"Username\"\r\n"
    "\"Hybrid\",\"ExchangeRemoteMove\",\"mail.contoso.com\",\"\",\"CONTOSO\\migadmin\"\r\n";
  static const char json_text[] =
    "{\"Identity\": {\"Name\": \"Hybrid\"}, \"EndpointType\": \"ExchangeRemoteMove\", "
    "\"RemoteServer\": \"mail.contoso.com\", \"Port\": null, \"MaxConcurrentMigrations\": 20}";
  struct { const char *text; size_t n; const char *form; size_t neps; } cases[] = {
    { fl_text, sizeof fl_text - 1, "Format-List", 3 },
    { csv_text, sizeof csv_text - 1, "Export-Csv", 1 },
    { json_text, sizeof json_text - 1, "ConvertTo-Json", 1 },
  };
  for(size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct mc_mig_endpoint *eps;
    size_t n;
    const char *form;
    char err[256];
    assert_int_equal(mc_endpoint_file_parse(cases[i].text, cases[i].n, &eps, &n, &form, err,
                                            sizeof err), MC_OK);
    assert_string_equal(form, cases[i].form);
    assert_int_equal(n, cases[i].neps);
    assert_int_equal(eps[0].type, MC_EP_REMOTE_MOVE);
    assert_string_equal(eps[0].remote_server, "mail.contoso.com");
    assert_int_equal(eps[0].port, 0);
    assert_string_equal(mc_endpoint_host(&eps[0]), "mail.contoso.com");
    mc_endpoint_list_free(eps, n);
  }
  struct mc_mig_endpoint *eps;
  size_t n;
  const char *form;
  char err[256];
  const char none[] = "Name : EX01\nFqdn : ex01.contoso.local\n";
  assert_int_equal(mc_endpoint_file_parse(none, sizeof none - 1, &eps, &n, &form, err,
                                          sizeof err), MC_ERR_PARSE);
  assert_non_null(strstr(err, "Get-MigrationEndpoint"));
}

static void endpoint_judged(void **state)
{
  (void)state;
  struct mc_mig_endpoint *eps;
  size_t n;
  const char *form;
  char err[256];
  assert_int_equal(mc_endpoint_file_parse(fl_text, sizeof fl_text - 1, &eps, &n, &form, err,
                                          sizeof err), MC_OK);
  assert_ptr_equal(mc_endpoint_select(eps, n, "cutover"), &eps[1]);
  assert_ptr_equal(mc_endpoint_select(eps, n, "3"), &eps[2]);
  assert_null(mc_endpoint_select(eps, n, "4"));
  struct mc_report *r = mc_report_new("config", "t");
  assert_int_equal(mc_endpoint_judge(r, &eps[0], "f"), 0);
  assert_int_equal(mc_endpoint_judge(r, &eps[1], "f"), 3);
  assert_true(mc_report_has(r, "ENDPOINT_INTERNAL_NAME"));
  assert_true(mc_report_has(r, "ENDPOINT_OA_AUTH_NTLM"));
  assert_true(mc_report_has(r, "ENDPOINT_PORT_NOT_443"));
  assert_int_equal(mc_endpoint_judge(r, &eps[2], "f"), 1);
  assert_true(mc_report_has(r, "ENDPOINT_IMAP_SECURITY_PORT"));
  mc_report_free(r);
  mc_endpoint_list_free(eps, n);
  static const char *const inside[] = { "ex01", "ex01.contoso.local", "mail.corp", "10.1.2.3",
                                        "192.168.0.9", "172.20.0.1", "127.0.0.1", "fd00::1",
                                        "fe80::1", "EX01.CONTOSO.LOCAL.", NULL };
  static const char *const outside[] = { "mail.contoso.com", "203.0.113.7", "172.32.0.1",
                                         "2001:db8::1", "local.contoso.com", NULL };
  for(size_t i = 0; inside[i]; i++)
    assert_true(mc_endpoint_internal_name(inside[i]));
  for(size_t i = 0; outside[i]; i++)
    assert_false(mc_endpoint_internal_name(outside[i]));
}

static void batch_rows(void **state)
{
  (void)state;
  static const char t[] =
    "Check,Target,User,Password Env,Exchange Server,args,notes\n"
    "remote-move,mail.contoso.com,CONTOSO\\m,PW_A,,--repeat 2,first\n"
    "outlook-anywhere,mail.contoso.com,,,ex01.contoso.local,,\n"
    "#ports,skipped,,,,,\n"
    "ftp,x,,,,,\n"
    "tls,x,,1BAD,,,\n"
    "tls,x,,,,--password hunter2,\n"
    "imap,,,,,imap.contoso.com:993 --security ssl,\n";
  struct mc_batch_plan p;
  char err[512];
  assert_int_equal(mc_batch_plan_read(t, sizeof t - 1, "b.csv", &p, err, sizeof err), MC_OK);
  assert_string_equal(p.form, "CSV");
  assert_int_equal(p.n, 6);
  const char *rm[] = { "remote-move", "--server", "mail.contoso.com", "--user", "CONTOSO\\m",
                       "--repeat", "2", NULL };
  assert_int_equal(p.rows[0].argc, 7);
  for(size_t i = 0; rm[i]; i++)
    assert_string_equal(p.rows[0].argv[i], rm[i]);
  assert_null(p.rows[0].argv[7]);
  assert_string_equal(p.rows[0].password_env, "PW_A");
  assert_string_equal(p.rows[1].argv[1], "--rpc-proxy");
  assert_string_equal(p.rows[1].argv[3], "--exchange-server");
  assert_non_null(strstr(p.rows[2].error, "'ftp'"));
  assert_non_null(strstr(p.rows[3].error, "1BAD"));
  assert_non_null(strstr(p.rows[4].error, "passwords never go into a batch file"));
  assert_null(strstr(p.rows[4].error, "hunter2"));
  assert_string_equal(p.rows[5].target, "imap.contoso.com:993");
  mc_batch_plan_release(&p);

  static const char *const refused[] = {
    "check,target,password\nports,x,y\n",       /* a password column */
    "check,target,Pwd\nports,x,y\n",
    "check,target,user_secret\nports,x,y\n",
    "target,user\nx,y\n",                        /* no check column: read as endpoints, none */
    "check,target,colour\nports,x,red\n",        /* an unknown column */
    "check,target\n",                            /* no rows */
  };
  for(size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
    assert_int_not_equal(mc_batch_plan_read(refused[i], strlen(refused[i]), "b.csv", &p, err,
                                            sizeof err), MC_OK);
  }
  assert_int_equal(mc_batch_plan_read(refused[0], strlen(refused[0]), "b.csv", &p, err,
                                      sizeof err), MC_ERR_USAGE);
  assert_non_null(strstr(err, "password_env"));

  /* An endpoint file: a row per endpoint, through --endpoint-file. */
  assert_int_equal(mc_batch_plan_read(fl_text, sizeof fl_text - 1, "eps.txt", &p, err,
                                      sizeof err), MC_OK);
  assert_string_equal(p.form, "Format-List");
  assert_int_equal(p.n, 3);
  assert_string_equal(p.rows[1].check, "outlook-anywhere");
  assert_string_equal(p.rows[1].argv[2], "eps.txt");
  assert_string_equal(p.rows[1].argv[4], "2");
  assert_string_equal(p.rows[2].target, "imap.contoso.com:143");
  mc_batch_plan_release(&p);
}

/* ConvertTo-Json without -EnumsAsStrings writes EndpointType as a number:
 * Microsoft documents MigrationType's names and not their values, so the
 * number is not mapped; the error names the file, the line and the value,
 * and the JSON objects and members carry their real lines. */
static void endpoint_type_number(void **state)
{
  (void)state;
  static const char t[] =
    "[\n"
    "  {\n"
    "    \"Identity\": \"Hybrid\",\n"
    "    \"EndpointType\": 16,\n"
    "    \"RemoteServer\": \"mail.contoso.com\"\n"
    "  },\n"
    "  {\"Identity\": \"Named \\\"x\\\" {[\", \"Nested\": {\"EndpointType\": 1},\n"
    "   \"EndpointType\": \"IMAP\", \"RemoteServer\": \"imap.contoso.com\"}\n"
    "]\n";
  struct mc_mig_endpoint *eps;
  size_t n;
  const char *form;
  char err[256];
  assert_int_equal(mc_endpoint_file_parse(t, sizeof t - 1, &eps, &n, &form, err, sizeof err),
                   MC_OK);
  assert_int_equal(n, 2);
  assert_int_equal(eps[0].type, MC_EP_OTHER);
  assert_true(mc_endpoint_type_is_number(&eps[0]));
  assert_int_equal(eps[0].line, 2);
  assert_int_equal(eps[0].type_line, 4);
  char *why = mc_endpoint_type_number_error(&eps[0], "eps.json");
  assert_non_null(strstr(why, "'eps.json' line 4: EndpointType is the number 16"));
  assert_non_null(strstr(why, "-EnumsAsStrings"));
  free(why);
  assert_int_equal(eps[1].type, MC_EP_IMAP);
  assert_false(mc_endpoint_type_is_number(&eps[1]));
  assert_int_equal(eps[1].line, 7);
  assert_int_equal(eps[1].type_line, 8);
  mc_endpoint_list_free(eps, n);

  struct mc_batch_plan p;
  assert_int_equal(mc_batch_plan_read(t, sizeof t - 1, "eps.json", &p, err, sizeof err),
                   MC_OK);
  assert_int_equal(p.n, 2);
  assert_non_null(strstr(p.rows[0].error, "'eps.json' line 4"));
  assert_null(p.rows[1].error);
  mc_batch_plan_release(&p);
}

/* Test-MigrationServerAvailability through the same reader: ConvertTo-Json
 * and Export-Csv of a failed test are explained as Format-List is. */
static void tmsa_forms(void **state)
{
  (void)state;
  static const char json_text[] =
    "{\"Result\": \"Failed\", \"Message\": \"We weren't able to connect to the remote "
    "server.\", \"SupportsCutover\": false, \"ErrorDetail\": \"Microsoft.Exchange.Rpc."
    "ServerUnavailableException: Error 0x6ba (The RPC server is unavailable) from "
    "cli_NspiBind\", \"TestedEndpoint\": null, \"IsValid\": true}";
  static const char csv_text[] =
    "#TYPE Deserialized.Microsoft.Exchange.Migration.TestMigrationServerAvailabilityOutcome\r\n"
    "\"Result\",\"Message\",\"SupportsCutover\",\"ErrorDetail\",\"TestedEndpoint\"\r\n"
    "\"Failed\",\"We weren't able to connect to the remote server.\",\"False\","
    "\"Microsoft.Exchange.Rpc.ServerUnavailableException: Error 0x6ba (The RPC server is "
    "unavailable) from cli_NspiBind\",\"\"\r\n";
  const char *texts[] = { json_text, csv_text };
  for(size_t i = 0; i < 2; i++) {
    struct mc_config_input in = { "tmsa", texts[i], strlen(texts[i]) };
    struct mc_report *r = mc_config_check(&in, 1);
    assert_true(mc_report_has(r, "OA_PORT_NOT_ALLOWED"));
    assert_int_equal(mc_report_verdict(r), MC_FAIL);
    mc_report_free(r);
  }
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(csv_quotes),
    cmocka_unit_test(json_reader),
    cmocka_unit_test(endpoint_forms),
    cmocka_unit_test(endpoint_judged),
    cmocka_unit_test(batch_rows),
    cmocka_unit_test(endpoint_type_number),
    cmocka_unit_test(tmsa_forms),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
