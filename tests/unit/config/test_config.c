/* test_config.c - lib/config: decoding (UTF-16LE with BOM, UTF-8 with and
 * without BOM, Latin-1 bytes, binary, mixed encodings), the Format-List
 * parser (wrapping, double spacing, object boundaries, lists), the registry
 * parser (regedit 5.00 and REGEDIT4 exports with hex continuations, reg
 * query), and every rule on the samples in tests/data/config, written the
 * way PowerShell and regedit write them: each rule fires on its sample and
 * on nothing healthy. The data folder is the first argument. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"

static const char *data_dir;

static char *decode(const char *bytes, size_t n, const char **enc, mc_code *rc, char *err)
{
  struct mc_buf b = MC_BUF_INIT(1 << 20);
  *rc = mc_config_decode(bytes, n, &b, enc, err, 256);
  return mc_buf_detach(&b);
}

static void decode_encodings(void **state)
{
  (void)state;
  const char *enc;
  char err[256];
  mc_code rc;
  /* UTF-16LE with BOM, as PowerShell's '>' writes. */
  const char u16[] = "\xff\xfeS\0e\0r\0v\0e\0r\0 \0:\0 \0E\0X\0\x31\0\r\0\n\0";
  char *t = decode(u16, sizeof u16 - 1, &enc, &rc, err);
  assert_int_equal(rc, MC_OK);
  assert_string_equal(enc, "UTF-16LE with BOM");
  assert_string_equal(t, "Server : EX1\r\n");
  free(t);
  /* UTF-8 with BOM; a Latin-1 byte becomes its character. */
  t = decode("\xef\xbb\xbfName : M\xfcller", 16, &enc, &rc, err);
  assert_int_equal(rc, MC_OK);
  assert_string_equal(enc, "UTF-8 with BOM");
  assert_string_equal(t, "Name : M\xc3\xbcller");
  free(t);
  /* UTF-16LE without BOM is recognised by its zero bytes. */
  t = decode("A\0B\0C\0D\0", 8, &enc, &rc, err);
  assert_int_equal(rc, MC_OK);
  assert_string_equal(t, "ABCD");
  free(t);
  /* Colored console output: escape sequences go. */
  t = decode("\x1b[32mTrue\x1b[0m", 13, &enc, &rc, err);
  assert_string_equal(t, "True");
  free(t);
}

static void decode_refusals(void **state)
{
  (void)state;
  const char *enc;
  char err[256];
  mc_code rc;
  char *t = decode("", 0, &enc, &rc, err);
  assert_int_equal(rc, MC_ERR_PARSE);
  assert_non_null(strstr(err, "empty"));
  free(t);
  t = decode("line one\nline\x01two", 17, &enc, &rc, err);
  assert_int_equal(rc, MC_ERR_PARSE);
  assert_non_null(strstr(err, "line 2"));
  free(t);
  /* UTF-16 text with 8-bit text appended (Out-File then >> with another encoding). */
  const char mixed[] = "\xff\xfeX\0\n\0ExternalUrl : https://mail.contoso.com/EWS\r\n";
  t = decode(mixed, sizeof mixed - 1, &enc, &rc, err);
  assert_int_equal(rc, MC_ERR_PARSE);
  assert_non_null(strstr(err, "mixes encodings"));
  free(t);
  /* 8-bit text with UTF-16 appended. */
  const char mixed2[] = "Server : EX01\r\nS\0e\0r\0v\0e\0r\0";
  t = decode(mixed2, sizeof mixed2 - 1, &enc, &rc, err);
  assert_int_equal(rc, MC_ERR_PARSE);
  free(t);
  /* A lone surrogate and an odd trailing byte do not crash. */
  t = decode("\xff\xfe\x00\xd8Z", 5, &enc, &rc, err);
  assert_int_equal(rc, MC_OK);
  free(t);
}

static struct mc_fl_doc parse_fl(const char *text)
{
  struct mc_fl_doc doc;
  char err[256];
  assert_int_equal(mc_fl_parse(text, strlen(text), &doc, err, sizeof err), MC_OK);
  return doc;
}

static void fl_wrapping_and_objects(void **state)
{
  (void)state;
  /* Width 40: the first value is cut inside a word (line full), the
     second at a space (line short). */
  const char *text =
    "\r\n\r\n"
    "Identity : EX01\\EWS (Default Web Site)\r\n"
    "Url      : https://mail.contoso.com/EWS/Exc\r\n"
    "           hange.asmx\r\n"
    "Text     : one two three four\r\n"
    "           five\r\n"
    "Empty    :\r\n"
    "\r\n"
    "Identity : EX02\\EWS (Default Web Site)\r\n"
    "Url      : x\r\n\r\n\r\n";
  struct mc_fl_doc doc = parse_fl(text);
  assert_int_equal(doc.nobjs, 2);
  assert_string_equal(mc_fl_get(&doc.objs[0], "url"),
                      "https://mail.contoso.com/EWS/Exchange.asmx");
  assert_string_equal(mc_fl_get(&doc.objs[0], "Text"), "one two three four five");
  assert_string_equal(mc_fl_get(&doc.objs[0], "Empty"), "");
  assert_null(mc_fl_get(&doc.objs[0], "Nope"));
  assert_int_equal(mc_fl_prop(&doc.objs[1], "Url")->line, 11);
  mc_fl_doc_release(&doc);
}

static void fl_boundaries(void **state)
{
  (void)state;
  /* Double-spaced paste (seed 001): blank lines between properties. */
  struct mc_fl_doc doc = parse_fl("A : 1\n\nB : 2\n\nC : 3\n\n\n\nA : 4\n\nB : 5\n");
  assert_int_equal(doc.nobjs, 2);
  assert_string_equal(mc_fl_get(&doc.objs[0], "C"), "3");
  mc_fl_doc_release(&doc);
  /* No blank line, but a key repeats: a new object. Prompt lines end one. */
  doc = parse_fl("PS C:\\> Get-Thing | fl\nA : 1\nB : 2\nA : 3\nPS C:\\> next\nB : 9\n");
  assert_int_equal(doc.nobjs, 3);
  assert_int_equal(doc.other_lines, 2);
  mc_fl_doc_release(&doc);
  /* Not key : value: "C:\x", "http://x" and "Key: v" (no pad) are other lines. */
  doc = parse_fl("C:\\temp\nhttp://x\nKey: v\n");
  assert_int_equal(doc.nobjs, 0);
  assert_int_equal(doc.other_lines, 3);
  mc_fl_doc_release(&doc);
}

static void fl_lists(void **state)
{
  (void)state;
  struct mc_fl_list l;
  mc_fl_list_parse("{Basic, Ntlm, WindowsIntegrated, WSSecurity...}", &l);
  assert_int_equal(l.n, 4);
  assert_true(l.truncated);
  assert_true(mc_fl_list_has(&l, "ntlm"));
  assert_false(mc_fl_list_has(&l, "OAuth"));
  mc_fl_list_release(&l);
  mc_fl_list_parse("{}", &l);
  assert_int_equal(l.n, 0);
  mc_fl_list_release(&l);
  mc_fl_list_parse("Basic", &l);
  assert_int_equal(l.n, 1);
  mc_fl_list_release(&l);
}

static void reg_formats(void **state)
{
  (void)state;
  struct mc_reg_doc doc;
  char err[256];
  const char *exp =
    "Windows Registry Editor Version 5.00\r\n\r\n"
    "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Rpc\\RpcProxy]\r\n"
    "\"Enabled\"=dword:00000001\r\n"
    "\"ValidPorts\"=\"EX01:6001-6002;EX01:6004\"\r\n"
    "\"Quoted\"=\"a\\\\b \\\"c\\\"\"\r\n"
    "\"Path\"=hex(2):41,00,42,00,\\\r\n"
    "  43,00,00,00\r\n"
    "\"Gone\"=-\r\n"
    "@=\"default\"\r\n";
  assert_true(mc_reg_sniff(exp, strlen(exp)));
  assert_int_equal(mc_reg_parse(exp, strlen(exp), &doc, err, sizeof err), MC_OK);
  assert_int_equal(doc.n, 5);
  assert_string_equal(doc.v[0].data, "1");
  assert_string_equal(doc.v[1].data, "EX01:6001-6002;EX01:6004");
  assert_string_equal(doc.v[2].data, "a\\b \"c\"");
  assert_string_equal(doc.v[3].type, "REG_EXPAND_SZ");
  assert_string_equal(doc.v[3].data, "ABC");
  assert_string_equal(doc.v[4].name, "");
  mc_reg_doc_release(&doc);

  const char *q = "\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Rpc\\RpcProxy\r\n"
                  "    Enabled    REG_DWORD    0x1\r\n"
                  "    Valid Ports    REG_SZ    a:1;b:2\r\n";
  assert_true(mc_reg_sniff(q, strlen(q)));
  assert_int_equal(mc_reg_parse(q, strlen(q), &doc, err, sizeof err), MC_OK);
  assert_int_equal(doc.n, 2);
  assert_string_equal(doc.v[0].data, "1");
  assert_string_equal(doc.v[1].name, "Valid Ports");
  assert_string_equal(doc.v[1].data, "a:1;b:2");
  mc_reg_doc_release(&doc);

  const char *bad = "REGEDIT4\n\n\"NoKey\"=\"x\"\n";
  assert_int_equal(mc_reg_parse(bad, strlen(bad), &doc, err, sizeof err), MC_ERR_PARSE);
  assert_non_null(strstr(err, "line 3"));
  mc_reg_doc_release(&doc);
  bad = "REGEDIT4\n[HKEY_X]\n\"v\"=dword:zz\n";
  assert_int_equal(mc_reg_parse(bad, strlen(bad), &doc, err, sizeof err), MC_ERR_PARSE);
  mc_reg_doc_release(&doc);
  assert_false(mc_reg_sniff("Server : EX01\n", 14));
}

/* ---- the samples ---- */

struct sample {
  const char *files;          /* space-separated, under data/config */
  const char *causes;         /* the exact set of cause ids, space-separated; "" none */
  enum mc_status verdict;
  const char *detail;         /* a string one finding's detail must contain, or NULL */
};

static const struct sample samples[] = {
  { "ews-two-servers-mrsproxy-off.txt", "CFG_MRSPROXY_DISABLED CFG_SERVERS_DIFFER", MC_FAIL,
    "Set-WebServicesVirtualDirectory -Identity \"EX02\\EWS (Default Web Site)\" "
    "-MRSProxyEnabled $true" },
  { "ews-healthy.txt", "", MC_PASS, NULL },
  /* A 70,000-byte ExternalUrl: over-long, never "empty" (issue 19 item 10). */
  { "ews-overlong-external-url.txt", "CFG_VALUE_TOO_LONG", MC_WARN,
    "ExternalUrl on EX01 is 70043 bytes long" },
  { "ews-seed001-no-external-url.txt", "CFG_EWS_EXTERNAL_URL_MISSING", MC_FAIL,
    "ExternalUrl is empty on EX2015" },
  { "ews-windows-auth-off.txt", "CFG_EWS_AUTH_METHODS", MC_FAIL, "-WindowsAuthentication $true" },
  { "oa-negotiate-ssloffload.txt", "CFG_OA_AUTH_NOT_BASIC CFG_OA_SSL_OFFLOADING", MC_FAIL,
    "-ExternalClientAuthenticationMethod Basic" },
  { "oa-2010-ntlm.txt", "CFG_OA_AUTH_NOT_BASIC", MC_FAIL, "-ClientAuthenticationMethod Basic" },
  { "oa-healthy.txt", "", MC_PASS, NULL },
  { "rpcproxy-missing.reg exchange-servers.txt", "CFG_VALIDPORTS_MISSING", MC_FAIL,
    "exch01.contoso.local (internal FQDN) lacks 6004" },
  { "rpcproxy-query.txt oa-healthy.txt", "CFG_VALIDPORTS_MISSING", MC_FAIL,
    "/d \"EX01:6001-6002;EX01:6004;ex01.contoso.local:6001-6002;ex01.contoso.local:6004;"
    "mail.contoso.com:6001-6002;mail.contoso.com:6004\"" },
  { "rpcproxy-healthy.reg", "", MC_PASS, NULL },
  /* Wildcards as the RPC proxy documents them (EX*:6001-6002) cover the
     names Get-ExchangeServer and Get-OutlookAnywhere give. */
  { "rpcproxy-wildcard.reg exchange-servers-2010.txt oa-healthy.txt", "", MC_PASS, NULL },
  { "tmsa-failed.txt", "OA_BASIC_NOT_OFFERED OA_PORT_NOT_ALLOWED OA_BACKEND_UNAVAILABLE",
    MC_FAIL, "cli_NspiBind" },
  { "tmsa-success.txt exchange-servers.txt", "", MC_PASS, NULL },
  { "transcript.log", "CFG_MRSPROXY_DISABLED CFG_OA_AUTH_NOT_BASIC", MC_FAIL,
    "EX01\\EWS (Default Web Site)" },
  /* The server's registry: SCHANNEL, .NET, Lsa, the cipher suite order. */
  { "tls-ex01-query.txt", "", MC_PASS, NULL },
  { "schannel-ex02-tls12-off.reg", "CFG_TLS12_DISABLED", MC_FAIL,
    "TLS 1.2 is disabled for the Server side in 'schannel-ex02-tls12-off.reg' line 52" },
  { "dotnet-ex02-no-system-default.reg", "CFG_DOTNET_TLS_NOT_DEFAULT", MC_FAIL,
    "SystemDefaultTlsVersions is 0 under HKLM\\SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319" },
  { "lsa-ex02-ep-suppressed.reg", "CFG_EP_SUPPRESSED CFG_EP_NTLMV1", MC_WARN,
    "/v SuppressExtendedProtection /t REG_DWORD /d 0 /f" },
  { "ciphers-cbc-only.reg", "CFG_TLS_CIPHER_ORDER", MC_WARN, NULL },
  { "tls-ex01-query.txt schannel-ex02-tls12-off.reg", "CFG_TLS12_DISABLED CFG_SERVERS_DIFFER",
    MC_FAIL, "'TLS 1.2 Server off' there, 'TLS 1.2 Server on' on EX01" },
  /* Extended Protection known off: NTLMv1 is no EP problem, suppression a warning. */
  { "lsa-ex02-ep-suppressed.reg ews-healthy.txt", "CFG_EP_SUPPRESSED", MC_WARN, NULL },
  /* applicationHost.config of Exchange 2019: Extended Protection applied by
     Microsoft's script (healthy), not applied, and one change each. */
  { "applicationHost-ex2019-ep.config", "", MC_PASS, NULL },
  { "applicationHost-ex2019-no-ep.config", "", MC_PASS, NULL },
  { "applicationHost-ex2019-offload.config", "CFG_EP_SSL_OFFLOADING", MC_FAIL,
    "Default Web Site/Rpc does not require SSL" },
  { "applicationHost-ex2019-no-ep.config oa-negotiate-ssloffload.txt",
    "CFG_OA_AUTH_NOT_BASIC CFG_OA_SSL_OFFLOADING", MC_FAIL, NULL },
  { "applicationHost-ex2019-ep.config oa-negotiate-ssloffload.txt",
    "CFG_OA_AUTH_NOT_BASIC CFG_OA_SSL_OFFLOADING CFG_EP_SSL_OFFLOADING", MC_FAIL,
    "Outlook Anywhere SSLOffloading is True on EX01\\Rpc (Default Web Site)" },
  /* The 444 binding without a certificate in HTTP.sys (the usual case:
     applicationHost.config holds no certificateHash). */
  { "applicationHost-ex2019-no-cert-hash.config sslcert-ex01-no-444.txt", "CFG_IIS_BINDING",
    MC_FAIL, "netsh http show sslcert binds no certificate to port 444" },
  { "applicationHost-ex2019-no-cert-hash.config sslcert-ex01.txt", "", MC_PASS, NULL },
  { "applicationHost-ews-require.config", "CFG_EP_MISMATCH", MC_FAIL,
    "Default Web Site/EWS has tokenChecking Require, Microsoft's table says Allow" },
  { "applicationHost-backend-binding.config", "CFG_IIS_BINDING", MC_FAIL,
    "'Exchange Back End' has no https binding on port 444" },
  { "applicationHost-ews-ntlm-off.config", "CFG_IIS_AUTH_DISABLED", MC_FAIL,
    "without NTLM (providers: Negotiate" },
  { "applicationHost-ews-request-limit.config", "CFG_IIS_REQUEST_LIMIT", MC_WARN,
    "up to 10485760 bytes" },
  { "applicationHost-autodiscover-ipsec.config", "CFG_IIS_IP_RESTRICTED", MC_WARN,
    "allow 10.1.0.0/255.255.0.0" },
  { "applicationHost-rewrite-block.config", "CFG_IIS_PATH_BLOCKED", MC_FAIL,
    "'Block legacy migration proxy' (server-wide, line 62) matches /EWS/mrsproxy.svc" },
  { "lsa-ex02-ep-suppressed.reg applicationHost-ex2019-ep.config",
    "CFG_EP_SUPPRESSED CFG_EP_NTLMV1", MC_FAIL, NULL },
  /* Certificates: the store listing, netsh http show sslcert, and what a
     migcheck tls report saw from outside. */
  { "exchange-certificates-ex01.txt sslcert-ex01.txt", "", MC_PASS, NULL },
  { "exchange-certificates-ex01.txt sslcert-ex01-stale.txt", "CFG_CERT_BINDING_MISSING", MC_FAIL,
    "HTTP.sys 0.0.0.0:444 presents the certificate 9d8c7b6a5f4e3d2c1b0a99887766554433221100" },
  { "exchange-certificates-expired.txt sslcert-ex01.txt", "CFG_CERT_IIS_INVALID", MC_FAIL,
    "bound to HTTP.sys 0.0.0.0:443 has Status DateInvalid" },
  { "tls-mail-contoso-lb.json exchange-certificates-ex01.txt sslcert-ex01.txt",
    "CFG_CERT_NOT_BOUND", MC_FAIL,
    "answered with the certificate C3D2E1F0A9B8C7D6E5F4A3B2C1D0E9F8A7B6C5D4" },
  /* The published name (EWS ExternalUrl) against the certificate on 443,
     and without the bindings against the public certificates for IIS. */
  { "exchange-certificates-wrong-name.txt sslcert-ex01.txt ews-healthy.txt",
    "CFG_CERT_NAME_MISSING", MC_FAIL, "which does not name mail.contoso.com" },
  { "exchange-certificates-wrong-name.txt ews-healthy.txt", "CFG_CERT_NAME_MISSING", MC_FAIL,
    "no certificate assigned to IIS names mail.contoso.com" },
  { "exchange-certificates-ex01.txt sslcert-ex01.txt ews-healthy.txt oa-healthy.txt", "",
    MC_PASS, NULL },
  /* A remote-move report beside the EWS output: explained, nothing added. */
  { "rm-mrsproxy-403-report.json ews-two-servers-mrsproxy-off.txt",
    "CFG_MRSPROXY_DISABLED CFG_SERVERS_DIFFER", MC_FAIL, NULL },
  /* The report alone: nothing explains its cause, so no pass either. */
  { "rm-mrsproxy-403-report.json", "", MC_UNKNOWN, NULL },
  /* Modern Hybrid (the endpoint's RemoteServer is the Hybrid Agent's
     msappproxy.net name) with Extended Protection on the front-end EWS. */
  { "endpoint-modern-hybrid.txt ews-2019-ep-on.txt", "HYBRID_AGENT_EP_ENABLED", MC_FAIL,
    "ExtendedProtectionTokenChecking Allow on EX01\\EWS (Default Web Site)" },
  { "endpoint-modern-hybrid.txt ews-healthy.txt", "", MC_PASS, NULL },
  /* Extended Protection that differs between two servers' applicationHost.config. */
  { "applicationHost-ex2019-ep.config applicationHost-ews-require.config",
    "CFG_EP_MISMATCH CFG_SERVERS_DIFFER", MC_FAIL,
    "Default Web Site/EWS has tokenChecking Require in applicationHost-ews-require.config and "
    "Allow in applicationHost-ex2019-ep.config" },
  /* Extended Protection on (EX01 and EX02 front-end EWS Allow) with EX02 on
     Exchange 2019 CU10: EX02 has EP shown on itself, a failure. */
  { "exchange-servers-2019-mixed.txt ews-2019-ep-on.txt", "CFG_EP_BUILD_UNSUPPORTED", MC_FAIL,
    "EX02 runs Version 15.2 (Build 922.7), older than Exchange 2019 CU11" },
  { "exchange-servers-2019-mixed.txt ews-healthy.txt", "", MC_PASS, NULL },
  /* Extended Protection from the cmdlets alone: with SSLOffloading on the
     Outlook Anywhere side (oa-negotiate-ssloffload.txt, EX01). */
  { "ews-2019-ep-on.txt oa-negotiate-ssloffload.txt",
    "CFG_OA_AUTH_NOT_BASIC CFG_OA_SSL_OFFLOADING CFG_EP_SSL_OFFLOADING", MC_FAIL,
    "Extended Protection is on (ExtendedProtectionTokenChecking Allow on EX01\\EWS (Default Web "
    "Site)) while Outlook Anywhere SSLOffloading is True" },
  /* MRS connection limits. */
  { "MsExchangeMailboxReplication.exe.config", "", MC_PASS, NULL },
  { "MsExchangeMailboxReplication-20.exe.config", "CFG_MRS_CONNECTIONS", MC_WARN,
    "MaxMRSConnections 20 in" },
  { "ews-healthy.txt binary.bin", "", MC_UNKNOWN, NULL },
  { "empty.txt", "", MC_UNKNOWN, NULL },
  { "mixed-encodings.txt", "", MC_UNKNOWN, NULL },
  { "not-powershell.txt", "", MC_UNKNOWN, NULL },
};

static bool has_word(const char *list, const char *w)
{
  size_t n = strlen(w);
  for(const char *p = list; (p = strstr(p, w)); p += n) {
    if((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
      return true;
  }
  return false;
}

static void run_sample(const struct sample *s)
{
  struct mc_config_input in[4];
  struct mc_buf bufs[4];
  char *names = mc_xstrdup(s->files);
  size_t n = 0;
  char *save = NULL;
  for(char *f = strtok_r(names, " ", &save); f && n < 4; f = strtok_r(NULL, " ", &save)) {
    char *path = mc_xasprintf("%s/config/%s", data_dir, f);
    FILE *fp = fopen(path, "rb");
    if(!fp)
      fail_msg("cannot open %s", path);
    mc_buf_init(&bufs[n], MC_CONFIG_FILE_LIMIT);
    char chunk[4096];
    size_t got;
    while((got = fread(chunk, 1, sizeof chunk, fp)) > 0)
      mc_buf_add(&bufs[n], chunk, got);
    fclose(fp);
    free(path);
    in[n].name = f;
    in[n].data = bufs[n].ptr ? bufs[n].ptr : "";
    in[n].len = bufs[n].len;
    n++;
  }
  struct mc_report *r = mc_config_check(in, n);
  for(size_t i = 0; i < r->nfindings; i++) {
    if(!has_word(s->causes, r->findings[i]->cause->id))
      fail_msg("%s: unexpected %s: %s", s->files, r->findings[i]->cause->id,
               r->findings[i]->detail);
  }
  char *want = mc_xstrdup(s->causes);
  save = NULL;
  for(char *id = strtok_r(want, " ", &save); id; id = strtok_r(NULL, " ", &save)) {
    if(!mc_report_has(r, id))
      fail_msg("%s: %s not found", s->files, id);
  }
  free(want);
  if(mc_report_verdict(r) != s->verdict)
    fail_msg("%s: verdict %s, expected %s", s->files, mc_status_name(mc_report_verdict(r)),
             mc_status_name(s->verdict));
  if(s->detail) {
    bool seen = false;
    for(size_t i = 0; i < r->nfindings && !seen; i++)
      seen = strstr(r->findings[i]->detail, s->detail) != NULL;
    if(!seen)
      fail_msg("%s: no finding says '%s'", s->files, s->detail);
  }
  mc_report_free(r);
  for(size_t i = 0; i < n; i++)
    mc_buf_release(&bufs[i]);
  free(names);
}

static void rules_on_samples(void **state)
{
  (void)state;
  assert_non_null(data_dir);
  for(size_t i = 0; i < sizeof samples / sizeof samples[0]; i++)
    run_sample(&samples[i]);
}

static void validports_names_from_value(void **state)
{
  (void)state;
  /* Only the value: the short name and the internal FQDN are derived from
     each other; a host with 6004 alone is a global catalog and left as is. */
  const char *reg = "REGEDIT4\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Rpc\\RpcProxy]\n"
                    "\"ValidPorts\"=\"ex01.corp.local:6001-6004;mail.contoso.com:6001-6002;"
                    "dc01:6004\"\n";
  struct mc_config_input in = { "v.reg", reg, strlen(reg) };
  struct mc_report *r = mc_config_check(&in, 1);
  assert_true(mc_report_has(r, "CFG_VALIDPORTS_MISSING"));
  const char *d = r->findings[0]->detail;
  assert_non_null(strstr(d, "ex01 (short name) is not listed"));
  assert_non_null(strstr(d, "mail.contoso.com (public FQDN) lacks 6004"));
  assert_null(strstr(d, "dc01 ("));
  assert_non_null(strstr(d, ";dc01:6004\" /f"));
  mc_report_free(r);
}

static struct mc_report *check_text(const char *a, const char *b)
{
  struct mc_config_input in[2] = { { "a", a, strlen(a) }, { "b", b ? b : "", b ? strlen(b) : 0 } };
  return mc_config_check(in, b ? 2 : 1);
}

static void validports_wildcards(void **state)
{
  (void)state;
  const char *servers = "Name       : EX01\nFqdn       : ex01.corp.local\nServerRole : Mailbox\n\n"
                        "Name       : EX02\nFqdn       : ex02.corp.local\nServerRole : Mailbox\n\n"
                        "Identity         : EX01\\Rpc (Default Web Site)\n"
                        "ExternalHostname : mail.contoso.com\nSSLOffloading    : False\n";
  /* '?' for one character, '*' for any run; case does not matter. */
  struct mc_report *r = check_text("REGEDIT4\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Rpc\\"
                                   "RpcProxy]\n\"ValidPorts\"=\"ex0?:6001-6004;*.CORP.local:6001-6004;"
                                   "mail.*.com:6001-6004\"\n", servers);
  assert_false(mc_report_has(r, "CFG_VALIDPORTS_MISSING"));
  assert_int_equal(mc_report_verdict(r), MC_PASS);
  mc_report_free(r);
  /* A wildcard without 6004: the names lack 6004, the fix keeps the wildcard. */
  r = check_text("REGEDIT4\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Rpc\\RpcProxy]\n"
                 "\"ValidPorts\"=\"EX*:6001-6002;mail.contoso.com:6001-6004\"\n", servers);
  assert_true(mc_report_has(r, "CFG_VALIDPORTS_MISSING"));
  const char *d = r->findings[0]->detail;
  assert_non_null(strstr(d, "EX01 (short name) lacks 6004"));
  assert_non_null(strstr(d, "EX02 (short name) lacks 6004"));
  assert_null(strstr(d, "mail.contoso.com (public"));
  assert_non_null(strstr(d, ";EX*:6001-6002\" /f"));
  mc_report_free(r);
  /* A pattern that matches nothing wanted is not a cover; '?' is one character. */
  r = check_text("REGEDIT4\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Rpc\\RpcProxy]\n"
                 "\"ValidPorts\"=\"EX?:6001-6004;*.corp.local:6001-6004;mail.contoso.com:6001-6004\"\n",
                 servers);
  assert_true(mc_report_has(r, "CFG_VALIDPORTS_MISSING"));
  assert_non_null(strstr(r->findings[0]->detail, "EX01 (short name) is not listed"));
  mc_report_free(r);
  /* Only wildcards and no names known: never a pass, never a made-up miss. */
  r = check_text("REGEDIT4\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Rpc\\RpcProxy]\n"
                 "\"ValidPorts\"=\"*:6001-6002;*:6004\"\n", NULL);
  assert_false(mc_report_has(r, "CFG_VALIDPORTS_MISSING"));
  assert_int_equal(mc_report_verdict(r), MC_UNKNOWN);
  mc_report_free(r);
}

static enum mc_status severity_of(const struct mc_report *r, const char *id)
{
  for(size_t i = 0; i < r->nfindings; i++) {
    if(strcmp(r->findings[i]->cause->id, id) == 0)
      return r->findings[i]->severity;
  }
  return MC_INFO;
}

static void tlsreg_rules(void **state)
{
  (void)state;
  /* Extended Protection on in the EWS output: the Lsa findings fail and say where. */
  const char *ews = "Identity                        : EX02\\EWS (Default Web Site)\n"
                    "MRSProxyEnabled                 : True\n"
                    "ExtendedProtectionTokenChecking : Require\n";
  const char *lsa = "Windows Registry Editor Version 5.00\n\n"
                    "[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\Lsa]\n"
                    "\"LmCompatibilityLevel\"=dword:00000002\n"
                    "\"SuppressExtendedProtection\"=dword:00000001\n";
  struct mc_report *r = check_text(ews, lsa);
  assert_int_equal(severity_of(r, "CFG_EP_SUPPRESSED"), MC_FAIL);
  assert_int_equal(severity_of(r, "CFG_EP_NTLMV1"), MC_FAIL);
  bool said = false;
  for(size_t i = 0; i < r->nfindings; i++)
    said = said || strstr(r->findings[i]->detail, "Require on EX02\\EWS (Default Web Site)");
  assert_true(said);
  mc_report_free(r);
  /* Absent values are the Windows default: nothing to judge; an empty .NET
     key is judged (a warning), a key not exported is not. */
  const char *q = "\\\\EX03\\HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319\n"
                  "\n"
                  "\\\\EX03\\HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\Lsa\n"
                  "    LimitBlankPasswordUse    REG_DWORD    0x1\n";
  r = check_text(q, NULL);
  assert_int_equal(severity_of(r, "CFG_DOTNET_TLS_NOT_DEFAULT"), MC_WARN);
  assert_false(mc_report_has(r, "CFG_EP_SUPPRESSED"));
  assert_false(mc_report_has(r, "CFG_EP_NTLMV1"));
  assert_non_null(strstr(r->findings[0]->detail, "SystemDefaultTlsVersions is not set and "
                         "SchUseStrongCrypto is not set"));
  mc_report_free(r);
  /* A TLS 1.3 or ECDHE GCM suite anywhere in the list is enough; a longer
     name that contains one is not. */
  const char *ok = "REGEDIT4\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Cryptography\\"
                   "Configuration\\SSL\\00010002]\n\"Functions\"=\"TLS_RSA_WITH_AES_256_CBC_SHA256,"
                   "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256\"\n";
  r = check_text(ok, NULL);
  assert_false(mc_report_has(r, "CFG_TLS_CIPHER_ORDER"));
  mc_report_free(r);
  const char *bad = "REGEDIT4\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Cryptography\\"
                    "Configuration\\SSL\\00010002]\n\"Functions\"=\"XTLS_AES_128_GCM_SHA256X\"\n";
  r = check_text(bad, NULL);
  assert_true(mc_report_has(r, "CFG_TLS_CIPHER_ORDER"));
  mc_report_free(r);
}

static void iis_parser_bounds(void **state)
{
  (void)state;
  struct mc_iis_doc doc;
  char err[256];
  /* Entities and DOCTYPEs are refused before anything is expanded. */
  const char *bomb = "<?xml version=\"1.0\"?>\n<!DOCTYPE configuration [<!ENTITY a \"aaaa\">"
                     "<!ENTITY b \"&a;&a;&a;&a;\">]>\n<configuration>&b;</configuration>";
  assert_int_equal(mc_iis_parse(bomb, strlen(bomb), &doc, err, sizeof err), MC_ERR_PARSE);
  assert_non_null(strstr(err, "DOCTYPE"));
  mc_iis_doc_release(&doc);
  /* Nesting deeper than the limit. */
  struct mc_buf deep = MC_BUF_INIT(1 << 20);
  mc_buf_addstr(&deep, "<configuration>");
  for(int i = 0; i < MC_IIS_DEPTH + 1; i++)
    mc_buf_addstr(&deep, "<a>");
  for(int i = 0; i < MC_IIS_DEPTH + 1; i++)
    mc_buf_addstr(&deep, "</a>");
  mc_buf_addstr(&deep, "</configuration>");
  assert_int_equal(mc_iis_parse(deep.ptr, deep.len, &doc, err, sizeof err), MC_ERR_LIMIT);
  assert_non_null(strstr(err, "deeper"));
  mc_iis_doc_release(&doc);
  mc_buf_release(&deep);
  /* Over the size limit: refused without parsing. */
  assert_int_equal(mc_iis_parse("<configuration/>", (size_t)MC_IIS_MAX + 1, &doc, err,
                                sizeof err), MC_ERR_LIMIT);
  mc_iis_doc_release(&doc);
  /* Settings land in their location; inheritance from the parent, the
     site and the server-wide section; a UTF-16 declaration over UTF-8 text. */
  const char *x = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><configuration>"
    "<system.webServer><security><requestFiltering><requestLimits "
    "maxAllowedContentLength=\"1000\"/></requestFiltering></security></system.webServer>"
    "<location path=\"Exchange Back End/mapi\"><system.webServer><security><authentication>"
    "<windowsAuthentication enabled=\"true\"><extendedProtection tokenChecking=\"Allow\"/>"
    "</windowsAuthentication></authentication></security></system.webServer></location>"
    "<location path=\"Exchange Back End/mapi/nspi\"><system.webServer/></location>"
    "</configuration>";
  assert_int_equal(mc_iis_parse(x, strlen(x), &doc, err, sizeof err), MC_OK);
  assert_int_equal(doc.nlocs, 3);
  assert_true(doc.locs[0].server_wide);
  assert_int_equal(doc.locs[0].max_content, 1000);
  const struct mc_iis_location *l = mc_iis_location(&doc, "exchange back end/MAPI");
  assert_non_null(l);
  assert_string_equal(l->token_checking, "Allow");
  struct mc_report *r = mc_report_new("config", "t");
  struct mc_iis_context cx = { -1, NULL };
  mc_iis_check(r, &doc, "x.config", &cx);
  /* mapi/nspi inherits Allow where Require is expected: a weaker setting, a warning. */
  assert_int_equal(severity_of(r, "CFG_EP_MISMATCH"), MC_WARN);
  bool said = false;
  for(size_t i = 0; i < r->nfindings; i++)
    said = said || strstr(r->findings[i]->detail, "Exchange Back End/mapi/nspi has tokenChecking "
                          "Allow (inherited from Exchange Back End/mapi)");
  assert_true(said);
  mc_report_free(r);
  mc_iis_doc_release(&doc);
}

static const char *ev_text(const struct mc_step *s, const char *label, const char *needle)
{
  for(size_t i = 0; i < s->nev; i++) {
    if(strcmp(s->ev[i].label, label) == 0 && (!needle || strstr(s->ev[i].text, needle)))
      return s->ev[i].text;
  }
  for(const struct mc_step *c = s->child; c; c = c->next) {
    const char *t = ev_text(c, label, needle);
    if(t)
      return t;
  }
  return NULL;
}

static void mrs_limit_vs_endpoint(void **state)
{
  (void)state;
  const char *ep = "Identity                : Hybrid Migration Endpoint - EWS (Default Web Site)\n"
                   "EndpointType            : ExchangeRemoteMove\n"
                   "RemoteServer            : mail.contoso.com\n"
                   "MaxConcurrentMigrations : 150\n";
  const char *ews = "Identity               : EX01\\EWS (Default Web Site)\n"
                    "MRSProxyEnabled        : True\n"
                    "MRSProxyMaxConnections : 100\n";
  struct mc_report *r = check_text(ews, ep);
  assert_true(mc_report_has(r, "CFG_MRS_CONNECTIONS"));
  bool said = false;
  for(size_t i = 0; i < r->nfindings; i++)
    said = said || strstr(r->findings[i]->detail, "below the endpoint's MaxConcurrentMigrations "
                          "150 (Hybrid Migration Endpoint - EWS (Default Web Site))");
  assert_true(said);
  mc_report_free(r);
  /* "Unlimited" is no limit. */
  r = check_text("Identity               : EX01\\EWS (Default Web Site)\n"
                 "MRSProxyEnabled        : True\nMRSProxyMaxConnections : Unlimited\n", ep);
  assert_false(mc_report_has(r, "CFG_MRS_CONNECTIONS"));
  mc_report_free(r);
}

/* A registry value longer than reg.c keeps (it crashed the export parser
 * once): over-long, never a parse error, never "missing". */
static void reg_value_too_long(void **state)
{
  (void)state;
  struct mc_buf b = MC_BUF_INIT(1 << 20);
  mc_buf_addstr(&b, "REGEDIT4\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Rpc\\RpcProxy]\n"
                "\"ValidPorts\"=\"");
  for(int i = 0; i < 20000; i++)
    mc_buf_addstr(&b, "EX01:6001-6002;");
  mc_buf_addstr(&b, "mail.contoso.com:6004\"\n\"Enabled\"=dword:00000001\n"
                "\"Blob\"=hex:");
  for(int i = 0; i < 100000; i++)
    mc_buf_addstr(&b, i ? ",ab" : "ab");
  mc_buf_addstr(&b, "\n");
  struct mc_reg_doc doc;
  char err[256];
  assert_int_equal(mc_reg_parse(b.ptr, b.len, &doc, err, sizeof err), MC_OK);
  assert_int_equal(doc.n, 3);
  assert_true(doc.v[0].cut);
  assert_true(doc.v[0].full_len > 300000);
  assert_false(doc.v[1].cut);
  assert_string_equal(doc.v[1].data, "1");
  assert_true(doc.v[2].cut);
  mc_reg_doc_release(&doc);
  struct mc_config_input in = { "big.reg", b.ptr, b.len };
  struct mc_report *r = mc_config_check(&in, 1);
  assert_true(mc_report_has(r, "CFG_VALUE_TOO_LONG"));
  assert_false(mc_report_has(r, "CFG_VALIDPORTS_MISSING"));
  mc_report_free(r);
  mc_buf_release(&b);
  /* reg query output: a data column over the limit. */
  mc_buf_addstr(&b, "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Rpc\\RpcProxy\n"
                "    ValidPorts    REG_SZ    ");
  for(int i = 0; i < 6000; i++)
    mc_buf_addstr(&b, "EX01:6001-6002;");
  mc_buf_addstr(&b, "\n");
  assert_int_equal(mc_reg_parse(b.ptr, b.len, &doc, err, sizeof err), MC_OK);
  assert_int_equal(doc.n, 1);
  assert_true(doc.v[0].cut);
  mc_reg_doc_release(&doc);
  mc_buf_release(&b);
}

static void ep_cmdlets_table(void **state)
{
  (void)state;
  /* Front end Require (stricter than Allow: a failure), back end Allow
     (weaker than Require: a warning). */
  const char *ews = "Identity                        : EX01\\EWS (Default Web Site)\n"
                    "ExtendedProtectionTokenChecking : Require\n\n"
                    "Identity                        : EX01\\EWS (Exchange Back End)\n"
                    "ExtendedProtectionTokenChecking : Allow\n";
  struct mc_report *r = check_text(ews, NULL);
  assert_int_equal(severity_of(r, "CFG_EP_MISMATCH"), MC_FAIL);
  size_t n = 0;
  for(size_t i = 0; i < r->nfindings; i++)
    n += strcmp(r->findings[i]->cause->id, "CFG_EP_MISMATCH") == 0;
  assert_int_equal(n, 2);
  mc_report_free(r);
}

static void mcjson_and_netsh_parsers(void **state)
{
  (void)state;
  char err[256];
  struct mc_mcjson j;
  const char *t = "{\"schema_version\":1,\"command\":\"tls\",\"target\":\"m\\u00e9\\ud83d\\ude00"
                  "\\ud800x\",\"verdict\":\"pass\",\"extra\":{\"a\":[1,-2.5e3,true,null]},"
                  "\"causes\":[],\"steps\":[{\"title\":\"Certificate of m\",\"evidence\":"
                  "[{\"label\":\"thumbprint\",\"text\":\"AB\"}],\"steps\":[{\"title\":\"x\","
                  "\"findings\":[{\"id\":\"TLS_CERT_EXPIRED\",\"detail\":\"d\"}]}]}]}";
  assert_true(mc_mcjson_sniff(t, strlen(t)));
  assert_int_equal(mc_mcjson_parse(t, strlen(t), &j, err, sizeof err), MC_OK);
  /* U+00E9, U+1F600 from a surrogate pair, a lone surrogate as U+FFFD. */
  assert_string_equal(j.target, "m\xc3\xa9\xf0\x9f\x98\x80\xef\xbf\xbdx");
  assert_int_equal(j.nlines, 2);
  assert_string_equal(j.lines[0].step, "Certificate of m");
  assert_string_equal(j.lines[0].label, "thumbprint");
  assert_string_equal(j.lines[1].label, "!TLS_CERT_EXPIRED");
  assert_int_equal(j.nsteps, 2);
  mc_mcjson_release(&j);
  /* Broken: a bad escape, trailing text, nesting over the limit. */
  const char *bad[] = { "{\"command\":\"a\\q\",\"verdict\":\"x\"}",
                        "{\"command\":\"a\",\"verdict\":\"x\"} {}" };
  for(size_t i = 0; i < 2; i++) {
    assert_int_equal(mc_mcjson_parse(bad[i], strlen(bad[i]), &j, err, sizeof err), MC_ERR_PARSE);
    mc_mcjson_release(&j);
  }
  struct mc_buf deep = MC_BUF_INIT(4096);
  mc_buf_addstr(&deep, "{\"command\":\"a\",\"verdict\":\"x\",\"z\":");
  for(int i = 0; i < 100; i++)
    mc_buf_addch(&deep, '[');
  for(int i = 0; i < 100; i++)
    mc_buf_addch(&deep, ']');
  mc_buf_addch(&deep, '}');
  assert_int_equal(mc_mcjson_parse(deep.ptr, deep.len, &j, err, sizeof err), MC_ERR_LIMIT);
  mc_mcjson_release(&j);
  mc_buf_release(&deep);
  /* netsh: the "IP:port" label holds a colon; host name bindings too. */
  const char *ns = "SSL Certificate bindings:\r\n-------------------------\r\n\r\n"
                   "    IP:port                      : 0.0.0.0:443\r\n"
                   "    Certificate Hash             : ab cd ef\r\n"
                   "    Certificate Store Name       : MY\r\n\r\n"
                   "    Hostname:port                : mail.contoso.com:443\r\n"
                   "    Certificate Hash             : 0102\r\n";
  struct mc_sslcert_doc d;
  assert_true(mc_sslcert_sniff(ns, strlen(ns)));
  assert_int_equal(mc_sslcert_parse(ns, strlen(ns), &d, err, sizeof err), MC_OK);
  assert_int_equal(d.n, 2);
  assert_string_equal(d.v[0].endpoint, "0.0.0.0:443");
  assert_string_equal(d.v[0].store, "MY");
  assert_string_equal(d.v[1].endpoint, "mail.contoso.com:443");
  assert_true(mc_config_same_thumbprint(d.v[0].hash, "\xe2\x80\x8e" "ABCDEF"));
  assert_false(mc_config_same_thumbprint(d.v[0].hash, "ABCDEE"));
  assert_false(mc_config_same_thumbprint("", ""));
  mc_sslcert_doc_release(&d);
}

static void remote_explained(void **state)
{
  (void)state;
  char *rm = NULL, *ews = NULL;
  size_t nrm = 0, news = 0;
  char *p1 = mc_xasprintf("%s/config/rm-mrsproxy-403-report.json", data_dir);
  char *p2 = mc_xasprintf("%s/config/ews-two-servers-mrsproxy-off.txt", data_dir);
  FILE *f = fopen(p1, "rb");
  assert_non_null(f);
  struct mc_buf b = MC_BUF_INIT(1 << 22);
  char chunk[4096];
  size_t got;
  while((got = fread(chunk, 1, sizeof chunk, f)) > 0)
    mc_buf_add(&b, chunk, got);
  fclose(f);
  nrm = b.len;
  rm = mc_buf_detach(&b);
  f = fopen(p2, "rb");
  assert_non_null(f);
  while((got = fread(chunk, 1, sizeof chunk, f)) > 0)
    mc_buf_add(&b, chunk, got);
  fclose(f);
  news = b.len;
  ews = mc_buf_detach(&b);
  struct mc_config_input in[2] = { { "rm.json", rm, nrm }, { "ews.txt", ews, news } };
  struct mc_report *r = mc_config_check(in, 2);
  const char *t = ev_text(r->root, "explained", NULL);
  assert_non_null(t);
  assert_non_null(strstr(t, "MRSPROXY_DISABLED"));
  assert_non_null(strstr(t, "is CFG_MRSPROXY_DISABLED here: MRSProxyEnabled is False on EX02"));
  assert_non_null(strstr(t, "EX02, which answered it"));
  mc_report_free(r);
  char bad[64] = "";
  if(!mc_config_remote_table_ok(bad, sizeof bad))
    fail_msg("the remote explanation table names '%s', which is no cause", bad);
  /* The report alone: the cause stays open and says what to add. */
  r = mc_config_check(in, 1);
  t = ev_text(r->root, "open", NULL);
  assert_non_null(t);
  assert_non_null(strstr(t, "Get-WebServicesVirtualDirectory | fl"));
  mc_report_free(r);
  /* JSON that is no migcheck report, and broken JSON: said, never a pass. */
  const char *other = "{\"schema_version\": 1, \"verdict\": \"x\"}";
  struct mc_config_input o = { "o.json", other, strlen(other) };
  r = mc_config_check(&o, 1);
  assert_int_equal(mc_report_verdict(r), MC_UNKNOWN);
  mc_report_free(r);
  const char *broken = "{\"schema_version\": 1, \"verdict\": \"fail\", \"steps\": [";
  struct mc_config_input br = { "b.json", broken, strlen(broken) };
  r = mc_config_check(&br, 1);
  assert_int_equal(mc_report_verdict(r), MC_UNKNOWN);
  mc_report_free(r);
  free(rm);
  free(ews);
  free(p1);
  free(p2);
}

int main(int argc, char **argv)
{
  data_dir = argc > 1 ? argv[1] : NULL;
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(decode_encodings),
    cmocka_unit_test(decode_refusals),
    cmocka_unit_test(fl_wrapping_and_objects),
    cmocka_unit_test(fl_boundaries),
    cmocka_unit_test(fl_lists),
    cmocka_unit_test(reg_formats),
    cmocka_unit_test(rules_on_samples),
    cmocka_unit_test(validports_names_from_value),
    cmocka_unit_test(validports_wildcards),
    cmocka_unit_test(tlsreg_rules),
    cmocka_unit_test(iis_parser_bounds),
    cmocka_unit_test(remote_explained),
    cmocka_unit_test(mrs_limit_vs_endpoint),
    cmocka_unit_test(reg_value_too_long),
    cmocka_unit_test(ep_cmdlets_table),
    cmocka_unit_test(mcjson_and_netsh_parsers),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
