/* test_w3c.c - #Fields layouts, the lazy splitter and the one-pass line
 * finder, on lines as IIS writes them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "logs/w3c.h"

static const char exchange_fields[] =
  " date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) "
  "cs(Referer) sc-status sc-substatus sc-win32-status time-taken";

static void layout_maps_fields_by_name(void **state)
{
  (void)state;
  struct mc_w3c_layout l;
  assert_int_equal(mc_w3c_layout_parse(&l, exchange_fields, strlen(exchange_fields)), MC_OK);
  assert_int_equal(l.ncols, 15);
  assert_int_equal(l.col[MC_WF_STEM], 4);
  assert_int_equal(l.col[MC_WF_CIP], 8);
  assert_int_equal(l.col[MC_WF_WIN32], 13);
  assert_int_equal(l.col[MC_WF_COMPUTER], -1);
  assert_false(l.httperr);
  /* Any order, any case, CR at the end. */
  const char *odd = "TIME Date s-computername CS-URI-STEM sc-status\r";
  assert_int_equal(mc_w3c_layout_parse(&l, odd, strlen(odd)), MC_OK);
  assert_int_equal(l.col[MC_WF_DATE], 1);
  assert_int_equal(l.col[MC_WF_COMPUTER], 2);
  assert_int_equal(l.path_col, 3);
  assert_int_equal(l.ncols, 5);
  /* HTTPERR. */
  const char *he = "date time c-ip c-port s-ip s-port cs-version cs-method cs-uri sc-status "
                   "s-siteid s-reason s-queuename";
  assert_int_equal(mc_w3c_layout_parse(&l, he, strlen(he)), MC_OK);
  assert_true(l.httperr);
  assert_int_equal(l.path_col, 8);
  /* No path or no date: not usable. */
  assert_int_equal(mc_w3c_layout_parse(&l, "date time s-ip", 14), MC_ERR_PARSE);
  assert_int_equal(mc_w3c_layout_parse(&l, "", 0), MC_ERR_PARSE);
}

static void parse_reads_the_seed_line(void **state)
{
  (void)state;
  struct mc_w3c_layout l;
  mc_w3c_layout_parse(&l, exchange_fields, strlen(exchange_fields));
  const char *line = "2016-09-15 08:23:57 10.0.0.5 POST /EWS/mrsproxy.svc "
                     "&CorrelationID=<empty>;&ClientId=SR0WSDR7B0IXI4TCOLJG&cafeReqId=d26343b6-"
                     "8790-4ccc-954d-936aed081d88; 443 pronicsi\\nicsi 2a01:111:f400::1%12 "
                     "Microsoft+Office/16.0 - 401 1 2148074254 343";
  struct mc_w3c_rec r;
  assert_true(mc_w3c_parse(&l, line, strlen(line), &r));
  assert_true(mc_slice_eq(r.f[MC_WF_STEM], "/EWS/mrsproxy.svc"));
  assert_true(mc_slice_eq(r.f[MC_WF_CIP], "2a01:111:f400::1%12"));
  assert_true(mc_slice_eq(r.f[MC_WF_WIN32], "2148074254"));
  assert_true(mc_slice_eq(r.f[MC_WF_TAKEN], "343"));
  assert_null(r.f[MC_WF_COMPUTER].p);
  /* One field short, one too many: refused. */
  assert_false(mc_w3c_parse(&l, line, strlen(line) - 4, &r));
  char *more = mc_xasprintf("%s 1", line);
  assert_false(mc_w3c_parse(&l, more, strlen(more), &r));
  free(more);
}

static void split_is_lazy_and_resumes(void **state)
{
  (void)state;
  const char *line = "a bb ccc dddddddddddddddddddddddddddddddddddddddd e f";
  struct mc_w3c_line w;
  mc_w3c_line_init(&w, line, strlen(line), line + strlen(line));
  mc_w3c_split(&w, 2);
  assert_int_equal(w.nsep, 2);
  assert_false(w.done);
  assert_true(mc_w3c_has(&w, 1));
  assert_false(mc_w3c_has(&w, 2));
  assert_true(mc_slice_eq(mc_w3c_field(&w, 1), "bb"));
  mc_w3c_split(&w, MC_W3C_MAXCOLS);
  assert_true(w.done);
  assert_int_equal(w.nsep, 5);
  assert_true(mc_slice_eq(mc_w3c_field(&w, 5), "f"));
  assert_true(mc_slice_eq(mc_w3c_field(&w, 3), "dddddddddddddddddddddddddddddddddddddddd"));
}

static void next_line_finds_ends_and_fields(void **state)
{
  (void)state;
  /* Long and short lines, CRLF and LF, a last line without newline, a
     line of 70 fields (more than the splitter keeps). */
  char buf[4096];
  char many[400];
  size_t mn = 0;
  for(int i = 0; i < 70; i++)
    mn += (size_t)snprintf(many + mn, sizeof many - mn, "%s", i ? " x" : "x");
  snprintf(buf, sizeof buf, "2024-03-12 08:00:00 /EWS/a%s\r\nshort\n\n%s\nlast one", 
           "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", many);
  const char *end = buf + strlen(buf);
  struct mc_w3c_line w;
  const char *p = mc_w3c_next_line(&w, buf, end, 3);
  assert_int_equal(w.len, strlen("2024-03-12 08:00:00 /EWS/a") + 70);
  assert_true(mc_w3c_has(&w, 2));
  assert_true(mc_slice_eq(mc_w3c_field(&w, 1), "08:00:00"));
  mc_w3c_split(&w, MC_W3C_MAXCOLS);
  assert_true(w.done);
  assert_int_equal(w.nsep, 2);
  assert_int_equal(mc_w3c_field(&w, 2).n, 76);
  p = mc_w3c_next_line(&w, p, end, 3);
  assert_int_equal(w.len, 5);
  assert_true(w.done);
  assert_int_equal(w.nsep, 0);
  p = mc_w3c_next_line(&w, p, end, 3);
  assert_int_equal(w.len, 0);
  p = mc_w3c_next_line(&w, p, end, 3);
  assert_int_equal(w.len, strlen(many));
  mc_w3c_split(&w, MC_W3C_MAXCOLS);
  assert_false(w.done);               /* more than 64 fields: not a W3C line we keep */
  assert_int_equal(w.nsep, MC_W3C_MAXCOLS);
  p = mc_w3c_next_line(&w, p, end, 3);
  assert_int_equal(w.len, 8);
  assert_true(p == end);
  assert_true(mc_slice_eq(mc_w3c_field(&w, 1), "one"));
}

/* mc_w3c_fits(): a line fits a layout when it has its number of fields and
 * each field of a known kind has that kind's shape. */
static void fits_checks_shapes(void **state)
{
  (void)state;
  struct mc_w3c_layout a, b, h;
  const char *fa = "date time cs-method cs-uri-stem c-ip s-port sc-status sc-substatus "
                   "sc-win32-status time-taken";
  const char *fb = "date time cs-method cs-uri-stem sc-status c-ip s-port sc-substatus "
                   "sc-win32-status time-taken";
  const char *fh = "date time c-ip c-port s-ip s-port cs-version cs-method cs-uri "
                   "sc-status s-siteid s-reason s-queuename";
  assert_int_equal(mc_w3c_layout_parse(&a, fa, strlen(fa)), MC_OK);
  assert_int_equal(mc_w3c_layout_parse(&b, fb, strlen(fb)), MC_OK);
  assert_int_equal(mc_w3c_layout_parse(&h, fh, strlen(fh)), MC_OK);
  static const struct {
    const char *line;
    bool a, b, h;
  } cases[] = {
    { "2024-03-12 08:00:00 POST /EWS/mrsproxy.svc 40.92.1.2 443 401 1 2148074254 15", 1, 0, 0 },
    { "2024-03-12 08:00:00 RPC_IN_DATA /rpc/rpcproxy.dll 2a01:111:f400::5 443 200 0 0 3", 1, 0, 0 },
    { "2024-03-12 08:00:00 GET /owa/ ::ffff:10.0.0.5 443 200 0 0 3", 1, 0, 0 },
    { "2024-03-12 08:00:00 - - - - - - - -", 1, 1, 0 },
    { "2024-03-12 08:00:00 POST /EWS/mrsproxy.svc 200 40.92.1.2 443 0 0 15", 0, 1, 0 },
    /* the number of fields, a date, a time, a path, a method that are not */
    { "2024-03-12 08:00:00 POST /EWS/mrsproxy.svc 40.92.1.2 443 200 0 0", 0, 0, 0 },
    { "2024/03/12 08:00:00 POST /EWS/mrsproxy.svc 40.92.1.2 443 200 0 0 1", 0, 0, 0 },
    { "2024-03-12 8:00:00 POST /EWS/mrsproxy.svc 40.92.1.2 443 200 0 0 1", 0, 0, 0 },
    { "2024-03-12 08:00:00 POST EWS/mrsproxy.svc 40.92.1.2 443 200 0 0 1", 0, 0, 0 },
    { "2024-03-12 08:00:00 PO.ST /EWS/mrsproxy.svc 40.92.1.2 443 200 0 0 1", 0, 0, 0 },
    { "2024-03-12 08:00:00 POST /EWS/mrsproxy.svc host.invalid 443 200 0 0 1", 0, 0, 0 },
    { "2024-03-12 08:00:00 POST /EWS/mrsproxy.svc 40.92.1.2 443 2000 0 0 1", 0, 0, 0 },
    { "2024-03-12 08:00:00 40.92.1.2 50123 10.0.0.5 443 HTTP/1.1 GET /owa/ 503 1 "
      "Timer_ConnectionIdle -", 0, 0, 1 },
    { "2024-03-12 08:00:00 40.92.1.2 50123 10.0.0.5 443 - - - - - Timer_ConnectionIdle -",
      0, 0, 1 },
  };
  for(size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    const char *l = cases[i].line;
    bool fa_ = mc_w3c_fits(&a, l, strlen(l)), fb_ = mc_w3c_fits(&b, l, strlen(l)),
         fh_ = mc_w3c_fits(&h, l, strlen(l));
    if(fa_ != cases[i].a || fb_ != cases[i].b || fh_ != cases[i].h)
      fail_msg("case %zu: '%s': fits %d %d %d, expected %d %d %d", i, l, fa_, fb_, fh_,
               cases[i].a, cases[i].b, cases[i].h);
  }
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(layout_maps_fields_by_name),
    cmocka_unit_test(parse_reads_the_seed_line),
    cmocka_unit_test(split_is_lazy_and_resumes),
    cmocka_unit_test(next_line_finds_ends_and_fields),
    cmocka_unit_test(fits_checks_shapes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
