/* test_ews_lab.c - the lab's MD4, NTLM acceptor and HTTP request parser. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab/http_req.h"
#include "lab/ntlm_server.h"
#include "util/md4.h"
#include "proto/ntlm.h"

static void hex(const unsigned char *p, size_t n, char *out)
{
  static const char digits[] = "0123456789abcdef";
  for(size_t i = 0; i < n; i++) {
    out[2 * i] = digits[p[i] >> 4];
    out[2 * i + 1] = digits[p[i] & 15];
  }
  out[2 * n] = '\0';
}

static void md4_rfc1320_vectors(void **state)
{
  (void)state;
  static const struct { const char *in, *out; } v[] = {
    { "", "31d6cfe0d16ae931b73c59d7e0c089c0" },
    { "a", "bde52cb31de33e46245e05fbdbd6fb24" },
    { "abc", "a448017aaf21d8525fc10ae87aa6729d" },
    { "message digest", "d9130a8164549fe818874806e1c7014b" },
    { "abcdefghijklmnopqrstuvwxyz", "d79e1c308aa5bbcdeea8ed63df412da9" },
    { "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
      "043f8582f241db351ce627e153e7f0e4" },
    { "1234567890123456789012345678901234567890123456789012345678901234567890123456789"
      "0", "e33b4ddc9c38f2199c3e7b164fcc0536" },
  };
  for(size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
    unsigned char d[16];
    char h[33];
    mc_md4(v[i].in, strlen(v[i].in), d);
    hex(d, 16, h);
    assert_string_equal(h, v[i].out);
  }
}

/* MS-NLMP 4.2.4.1.1: NTOWFv2("Password", "User", "Domain"). */
static void ntowfv2_vector(void **state)
{
  (void)state;
  unsigned char k[16];
  char h[33];
  mc_lab_ntowfv2("Password", "User", "Domain", k);
  hex(k, 16, h);
  assert_string_equal(h, "0c868a403bfd7a93a3001ef22ef02e3f");
}

/* The lab's challenge read back by the client's parser (written apart). */
static void challenge_names_the_server(void **state)
{
  (void)state;
  struct mc_lab_ntlm_names nm = { "CONTOSO", "EX16-01", "contoso.local",
                                  "ex16-01.contoso.local", 10, 0, 14393 };
  unsigned char ch[8];
  struct mc_buf b = MC_BUF_INIT(4096);
  mc_lab_ntlm_challenge(&nm, ch, &b);
  assert_int_equal(mc_lab_ntlm_type((const unsigned char *)b.ptr, b.len), 2);
  struct mc_ntlm_info info;
  assert_int_equal(mc_ntlm_challenge_parse((const unsigned char *)b.ptr, b.len, &info), MC_OK);
  assert_string_equal(info.nb_computer, "EX16-01");
  assert_string_equal(info.dns_computer, "ex16-01.contoso.local");
  assert_string_equal(info.nb_domain, "CONTOSO");
  assert_string_equal(info.target, "CONTOSO");
  assert_true(info.has_timestamp);
  assert_int_equal(info.os_build, 14393);
  /* Truncated, the message is refused, never read past. */
  assert_int_equal(mc_ntlm_challenge_parse((const unsigned char *)b.ptr, 50, &info),
                   MC_ERR_PARSE);
  mc_buf_release(&b);
}

static void type3_garbage_is_bad_message(void **state)
{
  (void)state;
  unsigned char ch[8] = { 0 };
  char who[64];
  unsigned char msg[64] = "NTLMSSP";
  msg[8] = 3;
  msg[20] = 0xff;            /* NT response length past the end */
  msg[24] = 10;
  assert_int_equal(mc_lab_ntlm_verify(msg, sizeof msg, ch, "CONTOSO", "migadmin", "x", NULL, who,
                                      sizeof who), MC_LAB_NTLM_BAD_MESSAGE);
  assert_int_equal(mc_lab_ntlm_verify(msg, 10, ch, "CONTOSO", "migadmin", "x", NULL, who,
                                      sizeof who), MC_LAB_NTLM_BAD_MESSAGE);
}

static void http_parse_request(void **state)
{
  (void)state;
  static const char req[] = "POST /EWS/mrsproxy.svc?migcheck=mc-1 HTTP/1.1\r\n"
                            "Host: x\r\nContent-Length: 5\r\nAuthorization: NTLM abc\r\n\r\nhello";
  struct mc_lab_http_req q;
  assert_int_equal(mc_lab_http_parse(req, 10, &q), MC_LAB_HTTP_NEED_MORE);
  assert_int_equal(mc_lab_http_parse(req, sizeof req - 1, &q), MC_LAB_HTTP_DONE);
  assert_true(mc_slice_eq(q.method, "POST"));
  assert_true(mc_slice_eq(q.path, "/EWS/mrsproxy.svc"));
  assert_true(mc_slice_eq(q.query, "migcheck=mc-1"));
  assert_int_equal(q.content_length, 5);
  assert_true(q.keep_alive);
  assert_true(mc_slice_eq(mc_lab_http_header(&q, "authorization"), "NTLM abc"));
  assert_int_equal(q.head_len, sizeof req - 1 - 5);
}

static void http_parse_rejects(void **state)
{
  (void)state;
  static const char *const bad[] = {
    "GET / HTTP/2.0\r\n\r\n",
    "GET nopath HTTP/1.1\r\n\r\n",
    "GET / HTTP/1.1\nHost: x\r\n\r\n",
    "GET / HTTP/1.1\r\n Folded: x\r\n\r\n",
    "GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
    "GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
    "GET / HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
    "GET / HTTP/1.1\r\nNo colon\r\n\r\n",
  };
  struct mc_lab_http_req q;
  for(size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    assert_int_equal(mc_lab_http_parse(bad[i], strlen(bad[i]), &q), MC_LAB_HTTP_BAD);
  static const char big[] = "POST / HTTP/1.1\r\nContent-Length: 99999999\r\n\r\n";
  assert_int_equal(mc_lab_http_parse(big, sizeof big - 1, &q), MC_LAB_HTTP_TOO_LARGE);
  char huge[MC_LAB_HTTP_HEAD_MAX + 10];
  memset(huge, 'a', sizeof huge);
  memcpy(huge, "GET / HTTP/1.1\r\nX: ", 19);
  assert_int_equal(mc_lab_http_parse(huge, sizeof huge, &q), MC_LAB_HTTP_TOO_LARGE);
}

/* The RPC proxy's mode: what real RPC over HTTP clients send passes. */
static void http_parse_lenient(void **state)
{
  (void)state;
  static const char in[] = "RPC_IN_DATA http://mail.contoso.test/rpc/rpcproxy.dll?EX01:6001 "
                           "HTTP/1.1\r\nContent-Length: 1073741824\r\nX-Odd: v \r\n\r\n";
  struct mc_lab_http_req q;
  assert_int_equal(mc_lab_http_parse(in, sizeof in - 1, &q), MC_LAB_HTTP_BAD);
  assert_int_equal(mc_lab_http_parse_as(in, sizeof in - 1, &q, true), MC_LAB_HTTP_DONE);
  assert_true(mc_slice_eq(q.method, "RPC_IN_DATA"));
  assert_true(mc_slice_eq(q.path, "/rpc/rpcproxy.dll"));
  assert_true(mc_slice_eq(q.query, "EX01:6001"));
  assert_int_equal(q.content_length, 1073741824);
  assert_int_equal(q.body_len, 0);
  assert_true(mc_slice_eq(mc_lab_http_header(&q, "X-Odd"), "v"));
  static const char *const bad[] = {
    "RPC_IN_DATA http://host HTTP/1.1\r\n\r\n",
    "GET / HTTP/2.0\r\n\r\n",
    "GET / HTTP/1.1\r\nContent-Length: 2147483648\r\n\r\n",
    "GET / HTTP/1.1\r\nNo colon\r\n\r\n",
  };
  for(size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    assert_int_equal(mc_lab_http_parse_as(bad[i], strlen(bad[i]), &q, true), MC_LAB_HTTP_BAD);
}

/* The writer: status line, the headers given, Date, Content-Length,
 * Connection: close when the connection ends, the body. */
static void http_answer_frames(void **state)
{
  (void)state;
  struct mc_buf b = MC_BUF_INIT(4096);
  mc_lab_http_answer(&b, 404, "Not Found", "Server: x\r\n", "gone", 4, false);
  assert_non_null(b.ptr);
  static const char start[] = "HTTP/1.1 404 Not Found\r\nServer: x\r\nDate: ";
  assert_true(strncmp(b.ptr, start, sizeof start - 1) == 0);
  assert_non_null(strstr(b.ptr, " GMT\r\nContent-Length: 4\r\nConnection: close\r\n\r\ngone"));
  mc_buf_reset(&b);
  mc_lab_http_answer(&b, 200, "OK", NULL, NULL, 0, true);
  assert_null(strstr(b.ptr, "Connection"));
  assert_non_null(strstr(b.ptr, "\r\nContent-Length: 0\r\n\r\n"));
  mc_buf_release(&b);
}

/* A peer that sends src in pieces of at most 8 KiB. */
struct feed {
  const char *src;
  size_t n, off;
  char buf[MC_LAB_HTTP_HEAD_MAX + MC_LAB_HTTP_BODY_MAX + 1];
  size_t len;
};

static bool feed_more(void *arg)
{
  struct feed *f = arg;
  size_t room = sizeof f->buf - 1 - f->len, left = f->n - f->off;
  size_t k = left < 8192 ? left : 8192;
  if(k > room)
    k = room;
  if(!k)
    return false;
  memcpy(f->buf + f->len, f->src + f->off, k);
  f->len += k;
  f->off += k;
  f->buf[f->len] = '\0';
  return true;
}

static void feed_send(void *arg, const char *p, size_t n)
{
  (void)arg;
  (void)p;
  (void)n;
}

/* An MRS-sized body: the first MC_LAB_HTTP_BODY_MAX bytes are kept, the
 * rest dropped, and a request after it stays whole. */
static void http_large_body_is_streamed(void **state)
{
  (void)state;
  size_t body = 300000;
  static const char head[] = "POST /EWS/mrsproxy.svc HTTP/1.1\r\nContent-Length: 300000\r\n\r\n";
  static const char next[] = "GET /next HTTP/1.1\r\n\r\n";
  size_t n = sizeof head - 1 + body + sizeof next - 1;
  char *src = malloc(n);
  assert_non_null(src);
  memcpy(src, head, sizeof head - 1);
  memset(src + sizeof head - 1, 'x', body);
  memcpy(src + sizeof head - 1 + body, next, sizeof next - 1);
  struct feed *f = calloc(1, sizeof *f);
  assert_non_null(f);
  f->src = src;
  f->n = n;
  struct mc_lab_http_io io = { f->buf, &f->len, feed_more, feed_send, f, NULL };
  struct mc_lab_http_req q;
  assert_true(mc_lab_http_next(&io, &q));
  assert_int_equal(q.content_length, body);
  assert_int_equal(q.body_len, MC_LAB_HTTP_BODY_MAX);
  mc_lab_http_consume(&io, &q);
  assert_true(mc_lab_http_next(&io, &q));
  assert_true(mc_slice_eq(q.path, "/next"));
  free(f);
  free(src);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(http_large_body_is_streamed),
    cmocka_unit_test(md4_rfc1320_vectors),
    cmocka_unit_test(ntowfv2_vector),
    cmocka_unit_test(challenge_names_the_server),
    cmocka_unit_test(type3_garbage_is_bad_message),
    cmocka_unit_test(http_parse_request),
    cmocka_unit_test(http_parse_rejects),
    cmocka_unit_test(http_parse_lenient),
    cmocka_unit_test(http_answer_frames),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
