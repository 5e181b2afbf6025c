/* test_httpproxy.c - HttpProxy CSV: columns by name, quoted fields. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "logs/httpproxy.h"

static const char fields[] =
  "DateTime,RequestId,ClientRequestId,Protocol,UrlHost,UrlStem,ProtocolAction,"
  "AuthenticationType,IsAuthenticated,AuthenticatedUser,UserAgent,ClientIpAddress,"
  "ServerHostName,HttpStatus,BackEndStatus,ErrorCode,Method,ProxyAction,TargetServer,"
  "UrlQuery,GenericErrors\r";

static void maps_columns_and_reads_quotes(void **state)
{
  (void)state;
  struct mc_hp_layout l;
  assert_int_equal(mc_hp_layout_parse(&l, fields, strlen(fields)), MC_OK);
  assert_int_equal(l.col[MC_HF_URLSTEM], 5);
  assert_int_equal(l.col[MC_HF_GENERICERRORS], 20);
  assert_int_equal(l.ncols, 21);
  const char *line = "2024-03-12T08:20:18.123Z,5f0a,,Ews,mail.contoso.com,/EWS/mrsproxy.svc,,"
                     "Negotiate,True,CONTOSO\\migadmin,\"Mozilla, quoted \"\"x\"\"\",40.92.1.2,"
                     "EX01,503,503,BackEndRequestTimedOut,POST,Proxy,EX02.contoso.local,"
                     "?migcheck=mc-0123456789ab,\"WebExceptionStatus=ProtocolError;"
                     "ResponseStatusCode=503\"";
  struct mc_hp_rec r;
  assert_true(mc_hp_parse(&l, line, strlen(line), &r));
  assert_true(mc_slice_eq(r.f[MC_HF_URLSTEM], "/EWS/mrsproxy.svc"));
  assert_true(mc_slice_eq(r.f[MC_HF_USERAGENT], "Mozilla, quoted \"\"x\"\""));
  assert_true(mc_slice_eq(r.f[MC_HF_CLIENTIP], "40.92.1.2"));
  assert_true(mc_slice_eq(r.f[MC_HF_TARGET], "EX02.contoso.local"));
  assert_true(mc_slice_eq(r.f[MC_HF_ERRORCODE], "BackEndRequestTimedOut"));
  assert_true(mc_slice_eq(r.f[MC_HF_GENERICERRORS],
                          "WebExceptionStatus=ProtocolError;ResponseStatusCode=503"));
}

static void refuses_broken_lines(void **state)
{
  (void)state;
  struct mc_hp_layout l;
  mc_hp_layout_parse(&l, fields, strlen(fields));
  struct mc_hp_rec r;
  assert_false(mc_hp_parse(&l, "2024-03-12T08:20:18Z,\"unclosed", 30, &r));
  assert_false(mc_hp_parse(&l, "2024-03-12T08:20:18Z,a,b", 24, &r));   /* too short */
  assert_false(mc_hp_parse(&l, "\"a\"b,c", 6, &r));                    /* junk after quote */
  /* A short line that still has DateTime and UrlStem is fine. */
  const char *cut = "2024-03-12T08:20:18Z,1,,Ews,h,/ews/Exchange.asmx";
  assert_true(mc_hp_parse(&l, cut, strlen(cut), &r));
  assert_null(r.f[MC_HF_HTTPSTATUS].p);
  /* Without DateTime or UrlStem the layout is useless. */
  assert_int_equal(mc_hp_layout_parse(&l, "A,B,C", 5), MC_ERR_PARSE);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(maps_columns_and_reads_quotes),
    cmocka_unit_test(refuses_broken_lines),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
