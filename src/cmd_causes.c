/*
 * cmd_causes.c - migcheck causes [ID...]: the catalogue, listed or in full.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "report/render.h"
#include "util/json.h"

int mc_cmd_causes(struct mc_cli *cli)
{
  for(size_t i = 0; i < cli->nargs; i++) {
    if(!mc_cause_find(cli->args[i]))
      return mc_cli_usage_error(cli, "no cause with id '%s' ('migcheck causes' lists them)",
                                cli->args[i]);
  }
  struct mc_render_opts o = { .color = mc_cli_color(cli) };
  struct mc_buf b = MC_BUF_INIT(MC_RENDER_LIMIT);
  if(cli->json) {
    struct mc_json j;
    mc_json_init(&j, &b, true);
    mc_json_obj_begin(&j);
    mc_json_kint(&j, "schema_version", MC_JSON_SCHEMA_VERSION);
    mc_json_key(&j, "causes");
    mc_json_arr_begin(&j);
    for(size_t i = 0; i < mc_cause_table_len; i++) {
      const struct mc_cause *c = &mc_cause_table[i];
      bool want = cli->nargs == 0;
      for(size_t k = 0; k < cli->nargs; k++)
        want = want || strcmp(cli->args[k], c->id) == 0;
      if(!want)
        continue;
      mc_json_obj_begin(&j);
      mc_render_cause_json(&j, c);
      mc_json_obj_end(&j);
    }
    mc_json_arr_end(&j);
    mc_json_obj_end(&j);
    mc_buf_addch(&b, '\n');
  }
  else if(cli->nargs == 0 || cli->list) {
    const char *area = "";
    for(size_t i = 0; i < mc_cause_table_len; i++) {
      const struct mc_cause *c = &mc_cause_table[i];
      if(strcmp(area, c->area) != 0) {
        mc_buf_printf(&b, "%s%s:\n", i ? "\n" : "", c->area);
        area = c->area;
      }
      mc_buf_printf(&b, "  %s%-30s%s %s\n", mc_render_color(c->severity, o.color), c->id,
                    mc_render_reset(o.color), c->title);
    }
    mc_buf_addstr(&b, "\n'migcheck causes ID' shows why and how to fix.\n");
  }
  else {
    for(size_t i = 0; i < cli->nargs; i++) {
      if(i)
        mc_buf_addch(&b, '\n');
      mc_render_cause_text(mc_cause_find(cli->args[i]), &o, &b);
    }
  }
  fwrite(b.ptr, 1, b.len, stdout);
  mc_buf_release(&b);
  return MC_EXIT_OK;
}
