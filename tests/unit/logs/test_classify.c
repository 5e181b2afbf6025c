/* test_classify.c - endpoints, status triples, HTTPERR reasons, times,
 * client addresses and ranges. */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "logs/classify.h"
#include "logs/logs.h"

static int ep(const char *p)
{
  return mc_classify_path(p, strlen(p));
}

static void endpoints_in_any_casing(void **state)
{
  (void)state;
  assert_int_equal(ep("/EWS/mrsproxy.svc"), MC_EP_MRSPROXY);
  assert_int_equal(ep("/ews/MRSProxy.svc"), MC_EP_MRSPROXY);
  assert_int_equal(ep("/EWS/mrsproxy.svc&CorrelationID=<empty>;"), MC_EP_MRSPROXY);
  assert_int_equal(ep("/EWS/Exchange.asmx"), MC_EP_EWS);
  assert_int_equal(ep("/EWS"), MC_EP_EWS);
  assert_int_equal(ep("/rpc/rpcproxy.dll"), MC_EP_RPCPROXY);
  assert_int_equal(ep("/RpcWithCert/rpcproxy.dll"), MC_EP_RPCPROXY);
  assert_int_equal(ep("/AutoDiscover/AutoDiscover.xml"), MC_EP_AUTODISCOVER);
  assert_int_equal(ep("/mapi/emsmdb/"), MC_EP_MAPI);
  /* Each folder bare, or with a query glued on; each head that is no rule. */
  assert_int_equal(ep("/MAPI"), MC_EP_MAPI);
  assert_int_equal(ep("/autodiscover?x=1"), MC_EP_AUTODISCOVER);
  assert_int_equal(ep("/ews&x"), MC_EP_EWS);
  assert_int_equal(ep("/rpc"), MC_EP_NONE);
  assert_int_equal(ep("/rpcwithcert/"), MC_EP_NONE);
  assert_int_equal(ep("/auth/"), MC_EP_NONE);
  assert_int_equal(ep("/mapx/"), MC_EP_NONE);
  assert_int_equal(ep("/EWS/mrsproxy.sv"), MC_EP_EWS);
  assert_int_equal(ep("/owa/"), MC_EP_NONE);
  assert_int_equal(ep("/Microsoft-Server-ActiveSync/default.eas"), MC_EP_NONE);
  assert_int_equal(ep("/ewsx/"), MC_EP_NONE);
  assert_int_equal(ep("-"), MC_EP_NONE);
  struct mc_slice u = mc_uri_path((struct mc_slice){ "https://mail.contoso.com:443/EWS/"
                                                     "mrsproxy.svc", 45 });
  assert_true(mc_slice_eq(u, "/EWS/mrsproxy.svc"));
}

static void status_triples(void **state)
{
  (void)state;
  assert_int_equal(mc_status_classify(401, 1, 2148074254LL), MC_SC_CHALLENGE);
  assert_int_equal(mc_status_classify(401, 1, 2148074252LL), MC_SC_AUTH_FAILED);
  assert_int_equal(mc_status_classify(401, 1, 2148074248LL), MC_SC_NTLM_SPLIT);
  assert_int_equal(mc_status_classify(401, 1, 0), MC_SC_AUTH_FAILED);
  assert_int_equal(mc_status_classify(401, 2, 5), MC_SC_CHALLENGE);
  assert_int_equal(mc_status_classify(200, 0, 64), MC_SC_SUCCESS);
  assert_int_equal(mc_status_classify(503, 3, 0), MC_SC_SERVER_ERROR);
  assert_int_equal(mc_status_classify(405, 0, 1), MC_SC_CLIENT_ERROR);
  assert_int_equal(mc_status_classify(-1, -1, -1), MC_SC_UNKNOWN);
  assert_non_null(strstr(mc_status_meaning(401, 1, 2148074252LL, MC_EP_EWS), "0x8009030C"));
  assert_non_null(strstr(mc_status_meaning(405, 0, 1, MC_EP_MRSPROXY), "handler"));
  assert_null(mc_status_meaning(405, 0, 1, MC_EP_EWS));
  assert_string_equal(mc_win32_name(2148074254LL), "0x8009030E SEC_E_NO_CREDENTIALS");
  int64_t v;
  assert_true(mc_parse_code("2148074252", 10, 4294967295LL, &v));
  assert_int_equal(v, 2148074252LL);
  assert_true(mc_parse_code("-", 1, 999, &v));
  assert_int_equal(v, -1);
  assert_false(mc_parse_code("4x1", 3, 999, &v));
  assert_false(mc_parse_code("99999999999", 11, 4294967295LL, &v));
}

/* One known answer per row of the status table (classify.c): the class,
 * words of the meaning and the cause each triple names on an endpoint. */
static void status_known_answers(void **state)
{
  (void)state;
  static const struct {
    int status, sub;
    long long win32;
    int ep;
    enum mc_status_class cls;
    const char *says;            /* in the meaning, or NULL: no meaning */
    const char *cause, *also;
  } t[] = {
    { 401, 2, 5, MC_EP_MRSPROXY, MC_SC_CHALLENGE, "anonymous first request", NULL, NULL },
    { 401, 1, 2148074254LL, MC_EP_MRSPROXY, MC_SC_CHALLENGE, "first leg of NTLM", NULL, NULL },
    { 401, 1, 2148074254LL, MC_EP_RPCPROXY, MC_SC_CHALLENGE, "first leg of NTLM", NULL, NULL },
    { 401, 1, 2148074252LL, MC_EP_MRSPROXY, MC_SC_AUTH_FAILED, "0x8009030C", NULL, NULL },
    { 401, 1, 2148074248LL, MC_EP_EWS, MC_SC_NTLM_SPLIT, "split across", NULL, NULL },
    { 401, 1, 1326, MC_EP_MRSPROXY, MC_SC_AUTH_FAILED, "ERROR_LOGON_FAILURE", NULL, NULL },
    { 401, 1, 1909, MC_EP_MRSPROXY, MC_SC_AUTH_FAILED, "locked out", NULL, NULL },
    { 401, 1, 1331, MC_EP_MRSPROXY, MC_SC_AUTH_FAILED, "disabled", NULL, NULL },
    { 401, 1, 1330, MC_EP_MRSPROXY, MC_SC_AUTH_FAILED, "expired", NULL, NULL },
    { 401, 1, 0, MC_EP_RPCPROXY, MC_SC_AUTH_FAILED, "(Basic)", NULL, NULL },
    { 401, 1, 87, MC_EP_RPCPROXY, MC_SC_AUTH_FAILED, "logon failed", NULL, NULL },
    { 401, 2, 0, MC_EP_EWS, MC_SC_CHALLENGE, "server configuration", NULL, NULL },
    { 401, 3, 5, MC_EP_MRSPROXY, MC_SC_AUTH_FAILED, "ACL", NULL, NULL },
    { 403, 4, 5, MC_EP_MRSPROXY, MC_SC_CLIENT_ERROR, "SSL required", NULL, NULL },
    { 403, 6, 5, MC_EP_RPCPROXY, MC_SC_CLIENT_ERROR, "IP address rejected", NULL, NULL },
    { 403, 7, 5, MC_EP_EWS, MC_SC_CLIENT_ERROR, "client certificate", NULL, NULL },
    { 403, 0, 0, MC_EP_MRSPROXY, MC_SC_CLIENT_ERROR, "MRSProxy disabled", "MRSPROXY_DISABLED",
      NULL },
    { 403, 0, 0, MC_EP_EWS, MC_SC_CLIENT_ERROR, NULL, NULL, NULL },
    { 503, 0, 1722, MC_EP_RPCPROXY, MC_SC_SERVER_ERROR, "ValidPorts", "OA_PORT_NOT_ALLOWED",
      "OA_BACKEND_UNAVAILABLE" },
    { 503, 0, 1723, MC_EP_RPCPROXY, MC_SC_SERVER_ERROR, "too busy", NULL, NULL },
    { 503, 0, 1726, MC_EP_RPCPROXY, MC_SC_SERVER_ERROR, "6be", "OA_BACKEND_UNAVAILABLE",
      NULL },
    { 404, 0, 0, MC_EP_RPCPROXY, MC_SC_CLIENT_ERROR, "could not be resolved",
      "OA_SERVER_NAME_UNRESOLVED", NULL },
    { 404, 0, 2, MC_EP_MRSPROXY, MC_SC_CLIENT_ERROR, "not found", NULL, NULL },
    { 404, 0, 2, MC_EP_RPCPROXY, MC_SC_CLIENT_ERROR, "not found", NULL, NULL },
    { 405, 0, 1, MC_EP_MRSPROXY, MC_SC_CLIENT_ERROR, "handler", "MRSPROXY_HANDLER_MISSING",
      NULL },
    { 405, 0, 1, MC_EP_EWS, MC_SC_CLIENT_ERROR, NULL, NULL, NULL },
    { 400, 0, 0, MC_EP_MRSPROXY, MC_SC_CLIENT_ERROR, "WCF quota", NULL, NULL },
    { 502, 3, 12002, MC_EP_EWS, MC_SC_SERVER_ERROR, "ARR", NULL, NULL },
    { 502, 4, 0, MC_EP_EWS, MC_SC_SERVER_ERROR, "ARR", NULL, NULL },
    { 503, 0, 0, MC_EP_MRSPROXY, MC_SC_SERVER_ERROR, "application pool unavailable", NULL,
      NULL },
    { 503, 0, 1722, MC_EP_MRSPROXY, MC_SC_SERVER_ERROR, "application pool unavailable", NULL,
      NULL },
    { 503, 2, 0, MC_EP_EWS, MC_SC_SERVER_ERROR, "concurrent request limit", NULL, NULL },
    { 503, 3, 0, MC_EP_MRSPROXY, MC_SC_SERVER_ERROR, "queue full", NULL, NULL },
    { 500, 0, 0, MC_EP_MAPI, MC_SC_SERVER_ERROR, "internal server error", NULL, NULL },
    { 200, 0, 64, MC_EP_RPCPROXY, MC_SC_SUCCESS, "ERROR_NETNAME_DELETED", NULL, NULL },
    { 200, 0, 1236, MC_EP_MRSPROXY, MC_SC_SUCCESS, "ERROR_CONNECTION_ABORTED", NULL, NULL },
    { 200, 0, 995, MC_EP_MRSPROXY, MC_SC_SUCCESS, "ERROR_OPERATION_ABORTED", NULL, NULL },
    { 200, 0, 121, MC_EP_MRSPROXY, MC_SC_SUCCESS, "ERROR_SEM_TIMEOUT", NULL, NULL },
    { 200, 0, 0, MC_EP_MRSPROXY, MC_SC_SUCCESS, NULL, NULL, NULL },
  };
  for(size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
    char what[96];
    snprintf(what, sizeof what, "%d.%d.%lld on %s", t[i].status, t[i].sub, t[i].win32,
             mc_endpoint_name(t[i].ep));
    const char *m = mc_status_meaning(t[i].status, t[i].sub, t[i].win32, t[i].ep);
    const char *also = "unset";
    const char *cause = mc_status_cause(t[i].status, t[i].sub, t[i].win32, t[i].ep, &also);
    if(mc_status_classify(t[i].status, t[i].sub, t[i].win32) != t[i].cls ||
       (t[i].says ? !m || !strstr(m, t[i].says) : m != NULL) ||
       (t[i].cause ? !cause || strcmp(cause, t[i].cause) : cause != NULL) ||
       (t[i].also ? !also || strcmp(also, t[i].also) : also != NULL))
      fail_msg("%s: class %d, meaning '%s', cause %s/%s", what,
               (int)mc_status_classify(t[i].status, t[i].sub, t[i].win32), m ? m : "(none)",
               cause ? cause : "-", also ? also : "-");
  }
}

static void httperr_reasons(void **state)
{
  (void)state;
  assert_int_equal(mc_httperr_reason_kind("Timer_ConnectionIdle", 20), MC_HE_DROPPED);
  assert_int_equal(mc_httperr_reason_kind("Connection_Dropped", 18), MC_HE_DROPPED);
  assert_int_equal(mc_httperr_reason_kind("QueueFull", 9), MC_HE_QUEUE);
  assert_int_equal(mc_httperr_reason_kind("Connection_Abandoned_By_ReqQueue", 32), MC_HE_QUEUE);
  assert_int_equal(mc_httperr_reason_kind("BadRequest", 10), MC_HE_OTHER);
}

static void times(void **state)
{
  (void)state;
  int64_t t, u;
  assert_true(mc_parse_w3c_time("2024-03-12", 10, "08:20:18", 8, &t));
  assert_int_equal(t, 1710231618);
  assert_true(mc_parse_iso_time("2024-03-12T08:20:18.123Z", 24, &u));
  assert_int_equal(t, u);
  assert_false(mc_parse_w3c_time("2024-13-12", 10, "08:20:18", 8, &t));
  assert_false(mc_parse_w3c_time("2024-03-12", 10, "8:20:18", 7, &t));
  assert_true(mc_parse_user_time("2024-03-12", true, &t));
  assert_int_equal(t, 1710201600 + 86399);
  assert_true(mc_parse_user_time("2024-03-12T08:20Z", false, &t));
  assert_int_equal(t, 1710231600);
  assert_false(mc_parse_user_time("yesterday", false, &t));
  char out[32];
  mc_format_time(1710231618, out, sizeof out);
  assert_string_equal(out, "2024-03-12T08:20:18Z");
}

/* The normalized form of an address is inet_ntop's, whichever way it is
 * reached (the fast path for IPv6 already in that form, or parse and print):
 * random addresses written both in full and canonically. */
static void normalize_matches_inet_ntop(void **state)
{
  (void)state;
  uint64_t r = 88172645463325252ull;
  for(int i = 0; i < 20000; i++) {
    uint16_t g[8];
    for(int k = 0; k < 8; k++) {
      r ^= r << 13;
      r ^= r >> 7;
      r ^= r << 17;
      /* Zero groups often, so that runs of them come up. */
      g[k] = (r & 3) == 0 ? 0 : (uint16_t)(r >> 16);
    }
    uint8_t a[16];
    for(int k = 0; k < 8; k++) {
      a[2 * k] = (uint8_t)(g[k] >> 8);
      a[2 * k + 1] = (uint8_t)g[k];
    }
    char want[64], full[64], out[64];
    assert_non_null(inet_ntop(AF_INET6, a, want, sizeof want));
    if(strchr(want, '.'))
      continue;                  /* IPv4-mapped or compatible: its own cases */
    snprintf(full, sizeof full, "%x:%x:%x:%x:%x:%x:%x:%x", g[0], g[1], g[2], g[3], g[4], g[5],
             g[6], g[7]);
    mc_addr_normalize(full, strlen(full), out, sizeof out);
    if(strcmp(out, want))
      fail_msg("'%s' normalized to '%s', inet_ntop gives '%s'", full, out, want);
    mc_addr_normalize(want, strlen(want), out, sizeof out);
    if(strcmp(out, want))
      fail_msg("'%s' normalized to '%s'", want, out);
  }
  char out[64];
  mc_addr_normalize("2A02:DB8:1:2:3:4:5:6", 20, out, sizeof out);
  assert_string_equal(out, "2a02:db8:1:2:3:4:5:6");
  mc_addr_normalize("2a02:0db8:1:2:3:4:5:6", 21, out, sizeof out);
  assert_string_equal(out, "2a02:db8:1:2:3:4:5:6");
  mc_addr_normalize("2a02:0:0:1:2:3:4:5", 18, out, sizeof out);
  assert_string_equal(out, "2a02::1:2:3:4:5");
  mc_addr_normalize("2a02:0:1:0:2:0:3:0", 18, out, sizeof out);
  assert_string_equal(out, "2a02:0:1:0:2:0:3:0");
}

static void addresses_and_ranges(void **state)
{
  (void)state;
  char out[64];
  mc_addr_normalize("fe80::1%12", 10, out, sizeof out);
  assert_string_equal(out, "fe80::1");
  mc_addr_normalize("::ffff:40.92.1.2", 16, out, sizeof out);
  assert_string_equal(out, "40.92.1.2");
  mc_addr_normalize("-", 1, out, sizeof out);
  assert_string_equal(out, "-");
  char path[] = "/tmp/mc-ranges-XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  const char *text = "# Exchange Online\n40.92.0.0/15\n2a01:111:f400::/48 \n\n52.100.0.0/14\n";
  assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
  close(fd);
  struct mc_cidr_set set;
  char err[256];
  assert_int_equal(mc_cidr_load(path, &set, err, sizeof err), MC_OK);
  assert_int_equal(set.n, 3);
  assert_true(mc_cidr_match(&set, "40.93.255.1", 11));
  assert_false(mc_cidr_match(&set, "40.94.0.1", 9));
  assert_true(mc_cidr_match(&set, "::ffff:40.92.1.2", 16));
  assert_true(mc_cidr_match(&set, "2a01:111:f400::1%3", 18));
  assert_false(mc_cidr_match(&set, "2a01:111:f401::1", 16));
  mc_cidr_release(&set);
  FILE *f = fopen(path, "w");
  fputs("40.92.0.0/15\nnot-an-address\n", f);
  fclose(f);
  assert_int_equal(mc_cidr_load(path, &set, err, sizeof err), MC_ERR_PARSE);
  assert_non_null(strstr(err, ":2:"));
  unlink(path);
  assert_int_equal(mc_cidr_load(path, &set, err, sizeof err), MC_ERR_IO);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(endpoints_in_any_casing),
    cmocka_unit_test(status_triples),
    cmocka_unit_test(status_known_answers),
    cmocka_unit_test(httperr_reasons),
    cmocka_unit_test(times),
    cmocka_unit_test(addresses_and_ranges),
    cmocka_unit_test(normalize_matches_inet_ntop),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
