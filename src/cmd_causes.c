/*
 * cmd_causes.c - migcheck causes [ID...]: the catalogue, listed once per area,
 * or in full (ids in any case; a near miss gets a "did you mean").
 */
#include <ctype.h>
#include <stdio.h>
#include <strings.h>
#include <string.h>

#include "cli.h"
#include "report/render.h"
#include "util/json.h"

/* The cause with this id in any case ("oa_port_not_allowed"), or NULL. */
static const struct mc_cause *find_any_case(const char *id)
{
  for(size_t i = 0; i < mc_cause_table_len; i++) {
    if(strcasecmp(mc_cause_table[i].id, id) == 0)
      return &mc_cause_table[i];
  }
  return NULL;
}

int mc_cmd_causes(struct mc_cli *cli)
{
  for(size_t i = 0; i < cli->nargs; i++) {
    if(find_any_case(cli->args[i]))
      continue;
    const char *names[512];
    size_t n = 0;
    for(size_t k = 0; k < mc_cause_table_len && n < 512; k++)
      names[n++] = mc_cause_table[k].id;
    char up[128];
    size_t len = strlen(cli->args[i]) < sizeof up - 1 ? strlen(cli->args[i]) : sizeof up - 1;
    for(size_t k = 0; k < len; k++)
      up[k] = (char)toupper((unsigned char)cli->args[i][k]);
    up[len] = '\0';
    const char *near = mc_cli_closest(up, len, names, n);
    if(near)
      return mc_cli_usage_error(cli, "no cause with id '%s'; did you mean %s?", cli->args[i],
                                near);
    return mc_cli_usage_error(cli, "no cause with id '%s' ('migcheck causes' lists them)",
                              cli->args[i]);
  }
  struct mc_render_opts o = { .color = mc_cli_color(cli), .width = mc_cli_width() };
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
        want = want || strcasecmp(cli->args[k], c->id) == 0;
      if(!want)
        continue;
      mc_json_obj_begin(&j);
      mc_render_cause_json(&j, NULL, c);
      mc_json_obj_end(&j);
    }
    mc_json_arr_end(&j);
    mc_json_obj_end(&j);
    mc_buf_addch(&b, '\n');
  }
  else if(cli->nargs == 0 || cli->list) {
    /* Once per area, the areas in the order they first appear. */
    for(size_t i = 0; i < mc_cause_table_len; i++) {
      const char *area = mc_cause_table[i].area;
      bool seen = false;
      for(size_t k = 0; k < i && !seen; k++)
        seen = strcmp(mc_cause_table[k].area, area) == 0;
      if(seen)
        continue;
      mc_buf_printf(&b, "%s%s:\n", i ? "\n" : "", area);
      for(size_t k = i; k < mc_cause_table_len; k++) {
        const struct mc_cause *c = &mc_cause_table[k];
        if(strcmp(c->area, area) != 0)
          continue;
        /* The title wraps under itself at the output's width. */
        struct mc_buf t = MC_BUF_INIT(1 << 16);
        mc_render_wrap(&t, c->title, "                                 ", o.width);
        mc_buf_printf(&b, "  %s%-30s%s %s", mc_render_color(c->severity, o.color), c->id,
                      mc_render_reset(o.color), t.ptr + 33);
        mc_buf_release(&t);
      }
    }
    mc_buf_addstr(&b, "\n'migcheck causes ID' shows why and how to fix.\n");
  }
  else {
    for(size_t i = 0; i < cli->nargs; i++) {
      if(i)
        mc_buf_addch(&b, '\n');
      mc_render_cause_text(NULL, find_any_case(cli->args[i]), &o, &b);
    }
  }
  fwrite(b.ptr, 1, b.len, stdout);
  mc_buf_release(&b);
  return MC_EXIT_OK;
}
