/*
 * fuzz_imap.c - IMAP lines both ways: the check's response-line parser and
 * capability reader (lib/proto/imap.c), and the lab's command parser
 * (lib/lab/imap.c).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lab/imap.h"
#include "proto/imap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if(size > 65536)
    return 0;
  const char *p = (const char *)data;
  struct mc_imap_line l;
  mc_imap_line_parse(p, size, &l);
  const struct mc_slice parts[] = { l.tag, l.word, l.rest };
  for(size_t i = 0; i < 3; i++)
    if(parts[i].n && (parts[i].p < p || parts[i].p + parts[i].n > p + size))
      abort();
  unsigned caps;
  if(mc_imap_line_caps(&l, &caps)) {
    char text[128];
    mc_imap_caps_text(caps, text, sizeof text);
  }
  (void)mc_imap_greeting_ok(&l);
  struct mc_lab_imap_cmd c;
  if(mc_lab_imap_parse(p, size, &c) == MC_OK) {
    if(!c.tag[0] || !c.verb[0] || c.nargs < 0 || c.nargs > MC_LAB_IMAP_ARGS)
      abort();
    for(int i = 0; i < c.nargs; i++)
      if(strlen(c.args[i]) >= MC_LAB_IMAP_ARG_MAX)
        abort();
  }
  return 0;
}
