/* test_net.c - address classification, --resolve and HOST:PORT parsing,
 * and TCP probe outcomes against sockets this test opens on loopback. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net/net.h"

static void private_kinds(void **state)
{
  (void)state;
  struct { const char *addr; const char *kind; } cases[] = {
    { "127.0.0.1", "loopback" }, { "10.1.2.3", "private (RFC 1918)" },
    { "172.16.0.1", "private (RFC 1918)" }, { "172.32.0.1", NULL },
    { "192.168.1.1", "private (RFC 1918)" }, { "169.254.9.9", "link-local" },
    { "100.64.0.1", "carrier-grade NAT (RFC 6598)" }, { "203.0.113.10", NULL },
    { "::1", "loopback" }, { "fd00::1", "unique local (fc00::/7)" },
    { "fe80::1", "link-local" }, { "2001:db8::1", NULL },
    { "::ffff:10.0.0.1", "private (RFC 1918)" }, { "::ffff:8.8.8.8", NULL },
  };
  for(size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct mc_addr a;
    assert_true(mc_addr_parse(cases[i].addr, 443, &a));
    const char *k = mc_addr_private_kind(&a);
    if(cases[i].kind)
      assert_string_equal(k, cases[i].kind);
    else
      assert_null(k);
  }
}

static void internal_names(void **state)
{
  (void)state;
  assert_true(mc_name_is_internal("ex01"));
  assert_true(mc_name_is_internal("ex01.contoso.local"));
  assert_true(mc_name_is_internal("EX01.CONTOSO.LOCAL."));
  assert_true(mc_name_is_internal("localhost"));
  assert_false(mc_name_is_internal("mail.contoso.com"));
  assert_false(mc_name_is_internal("10.0.0.1"));
}

static void overrides(void **state)
{
  (void)state;
  struct mc_net_opts o = { 0 };
  char err[256];
  assert_int_equal(mc_net_add_override(&o, "mail.contoso.com:443:127.0.0.1,::1", err,
                                       sizeof err), MC_OK);
  assert_int_equal(mc_net_add_override(&o, "x.test:*:[::1]", err, sizeof err), MC_OK);
  assert_int_equal(mc_net_add_override(&o, "x.test:0:1.2.3.4", err, sizeof err),
                   MC_ERR_USAGE);
  assert_int_equal(mc_net_add_override(&o, "x.test:443:not-an-ip", err, sizeof err),
                   MC_ERR_USAGE);
  assert_non_null(strstr(err, "not-an-ip"));
  assert_int_equal(mc_net_add_override(&o, "x.test:443", err, sizeof err), MC_ERR_USAGE);
  struct mc_dns_result r;
  mc_resolve(&o, "MAIL.contoso.com", 443, &r);
  assert_int_equal(r.outcome, MC_DNS_OVERRIDE);
  assert_int_equal(r.naddrs, 2);
  assert_string_equal(r.addrs[1].text, "::1");
  mc_resolve(&o, "x.test", 8443, &r);
  assert_int_equal(r.outcome, MC_DNS_OVERRIDE);
  mc_resolve(&o, "192.0.2.7", 443, &r);
  assert_int_equal(r.outcome, MC_DNS_LITERAL);
  mc_net_opts_release(&o);
}

static void host_port(void **state)
{
  (void)state;
  char *h;
  int p;
  assert_true(mc_net_split_host_port("mail.contoso.com", &h, &p, 443));
  assert_string_equal(h, "mail.contoso.com");
  assert_int_equal(p, 443);
  free(h);
  assert_true(mc_net_split_host_port("mail.contoso.com:8443", &h, &p, 443));
  assert_int_equal(p, 8443);
  free(h);
  assert_true(mc_net_split_host_port("[2001:db8::1]:993", &h, &p, 443));
  assert_string_equal(h, "2001:db8::1");
  assert_int_equal(p, 993);
  free(h);
  assert_true(mc_net_split_host_port("2001:db8::1", &h, &p, 443));
  assert_int_equal(p, 443);
  free(h);
  assert_false(mc_net_split_host_port("", &h, &p, 443));
  assert_false(mc_net_split_host_port(":443", &h, &p, 443));
  assert_false(mc_net_split_host_port("a:0", &h, &p, 443));
  assert_false(mc_net_split_host_port("a:70000", &h, &p, 443));
  assert_false(mc_net_split_host_port("a b", &h, &p, 443));
  assert_false(mc_net_split_host_port("[::1", &h, &p, 443));
}

static void dns_server_spec(void **state)
{
  (void)state;
  assert_true(mc_net_valid_dns_server("127.0.0.1"));
  assert_true(mc_net_valid_dns_server("127.0.0.1:5353"));
  assert_true(mc_net_valid_dns_server("[::1]:5353"));
  assert_true(mc_net_valid_dns_server("::1"));
  assert_false(mc_net_valid_dns_server("dns.contoso.com"));
  assert_false(mc_net_valid_dns_server("127.0.0.1:0"));
}

/* A listening socket, a closed port and a reset, all on loopback. */
static void tcp_probe_outcomes(void **state)
{
  (void)state;
  int lfd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in sa = { .sin_family = AF_INET };
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t sl = sizeof sa;
  assert_int_equal(bind(lfd, (struct sockaddr *)&sa, sizeof sa), 0);
  assert_int_equal(listen(lfd, 8), 0);
  getsockname(lfd, (struct sockaddr *)&sa, &sl);
  int open_port = ntohs(sa.sin_port);

  int cfd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in sb = { .sin_family = AF_INET };
  sb.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  sl = sizeof sb;
  bind(cfd, (struct sockaddr *)&sb, sizeof sb);
  getsockname(cfd, (struct sockaddr *)&sb, &sl);
  int closed_port = ntohs(sb.sin_port);
  close(cfd);

  struct mc_tcp_probe p[2] = { 0 };
  mc_addr_parse("127.0.0.1", 0, &p[0].addr);
  p[0].port = open_port;
  p[1].addr = p[0].addr;
  p[1].port = closed_port;
  mc_tcp_probe_many(p, 2, 2000, 50);
  assert_int_equal(p[0].outcome, MC_TCP_OPEN);
  assert_int_equal(p[1].outcome, MC_TCP_REFUSED);
  close(lfd);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(private_kinds),
    cmocka_unit_test(internal_names),
    cmocka_unit_test(overrides),
    cmocka_unit_test(host_port),
    cmocka_unit_test(dns_server_spec),
    cmocka_unit_test(tcp_probe_outcomes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
