/* test_scenarios.c - the scenario table against what uses it. Every row
 * carries the profile its start function reads (a row without one would
 * start nothing), and the lab started with no scenario named, which is
 * what `migcheck demo` and `migcheck lab` do, serves every row of the
 * table, in order. Built from the lab, the wire codecs and util alone,
 * with only their headers on the include path: a lab file that reaches
 * into the checks fails to build this program. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "lab/autodiscover.h"
#include "lab/exchange.h"
#include "lab/hostile.h"
#include "lab/imap.h"
#include "lab/lab.h"
#include "lab/rpcproxy.h"

static void rows_carry_their_profile(void **state)
{
  (void)state;
  assert_true(mc_lab_nscenarios > 0);
  for(size_t i = 0; i < mc_lab_nscenarios; i++) {
    const struct mc_lab_scenario *sc = &mc_lab_scenarios[i];
    const void *profile = sc->start == mc_lab_exchange_start ? (const void *)sc->ews :
                          sc->start == mc_lab_rpcproxy_start ? (const void *)sc->oa :
                          sc->start == mc_lab_autodiscover_start ? (const void *)sc->ad :
                          sc->start == mc_lab_imap_start ? (const void *)sc->imap :
                          sc->start == mc_lab_hostile_start ? (const void *)sc->hostile :
                          (const void *)sc;   /* TLS and network faults: the row itself */
    int set = !!sc->ews + !!sc->oa + !!sc->ad + !!sc->imap + !!sc->hostile;
    if(!profile || set > 1)
      fail_msg("scenario %s: its start function's profile is %s", sc->name,
               profile ? "one of several" : "missing");
    if(sc->hostile && !sc->hostile->serve)
      fail_msg("scenario %s: no behaviour", sc->name);
    for(size_t k = 0; k < i; k++) {
      if(strcmp(mc_lab_scenarios[k].name, sc->name) == 0)
        fail_msg("scenario %s: two rows", sc->name);
    }
  }
}

static void lab_serves_every_row(void **state)
{
  (void)state;
  struct mc_lab *lab;
  char err[512];
  assert_int_equal(mc_lab_start(&lab, NULL, NULL, err, sizeof err), MC_OK);
  assert_int_equal(mc_lab_nsites(lab), mc_lab_nscenarios);
  for(size_t i = 0; i < mc_lab_nscenarios; i++) {
    const struct mc_lab_site *site = mc_lab_site_at(lab, i);
    assert_ptr_equal(site->sc, &mc_lab_scenarios[i]);
    if(!site->command[0])
      fail_msg("scenario %s: no command", site->sc->name);
  }
  mc_lab_stop(lab);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(rows_carry_their_profile),
    cmocka_unit_test(lab_serves_every_row),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
