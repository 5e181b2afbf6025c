/*
 * jsonval.h - a small, bounded JSON reader: text in, a tree of values out.
 *
 * For the JSON migcheck reads back: PowerShell's ConvertTo-Json of
 * Get-MigrationEndpoint (config/endpoint.c) and the per-row reports a batch
 * collects from its children (src/cmd_batch.c). Not a general library:
 * at most MC_JV_MAX_DEPTH levels and MC_JV_MAX_VALUES values per document;
 * numbers keep their text (PowerShell writes 443, a report writes 12).
 * Strings are decoded to UTF-8 (\uXXXX, surrogate pairs; a lone surrogate
 * becomes U+FFFD). A UTF-8 BOM at the start is skipped.
 */
#ifndef MC_UTIL_JSONVAL_H
#define MC_UTIL_JSONVAL_H

#include <stdbool.h>
#include <stddef.h>

#include "util/util.h"

#define MC_JV_MAX_DEPTH 64
#define MC_JV_MAX_VALUES 2000000

enum mc_jv_type { MC_JV_NULL, MC_JV_BOOL, MC_JV_NUM, MC_JV_STR, MC_JV_ARR, MC_JV_OBJ };

struct mc_jv {
  enum mc_jv_type type;
  char *key;             /* the member name inside an object, else NULL */
  char *str;             /* STR: the text; NUM: the number as written; BOOL: "true"/"false" */
  bool b;
  struct mc_jv *kids;    /* ARR and OBJ: the elements or members, in order */
  size_t n;
};

/* Parses text into *out (free with mc_jv_free). Fails with MC_ERR_PARSE or
 * MC_ERR_LIMIT and a message naming the byte offset. */
mc_code mc_jv_parse(const char *text, size_t n, struct mc_jv **out, char *err, size_t errlen);
void mc_jv_free(struct mc_jv *v);
/* The member key of object o (exact match), or NULL. */
const struct mc_jv *mc_jv_get(const struct mc_jv *o, const char *key);
/* Case-insensitive member lookup (PowerShell property names). */
const struct mc_jv *mc_jv_iget(const struct mc_jv *o, const char *key);
/* The member's string (or number text), or NULL when absent or another type. */
const char *mc_jv_gets(const struct mc_jv *o, const char *key);

#endif
