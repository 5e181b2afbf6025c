/*
 * json.h - a streaming JSON writer into a struct mc_buf.
 *
 * It tracks nesting and commas so callers only say what comes next. Strings
 * are escaped and invalid UTF-8 is replaced by U+FFFD, so any bytes a peer
 * sent can be written safely. It does not parse JSON.
 */
#ifndef MC_UTIL_JSON_H
#define MC_UTIL_JSON_H

#include <stdint.h>

#include "util/util.h"

#define MC_JSON_MAX_DEPTH 32

struct mc_json {
  struct mc_buf *out;
  int depth;
  bool first[MC_JSON_MAX_DEPTH];  /* no element written yet at this depth */
  bool after_key;                 /* a key was written, the value comes next */
  bool pretty;
};

void mc_json_init(struct mc_json *j, struct mc_buf *out, bool pretty);
void mc_json_obj_begin(struct mc_json *j);
void mc_json_obj_end(struct mc_json *j);
void mc_json_arr_begin(struct mc_json *j);
void mc_json_arr_end(struct mc_json *j);
void mc_json_key(struct mc_json *j, const char *key);
void mc_json_str(struct mc_json *j, const char *s);        /* NULL writes null */
void mc_json_strn(struct mc_json *j, const char *s, size_t n);
void mc_json_int(struct mc_json *j, int64_t v);
void mc_json_bool(struct mc_json *j, bool v);
void mc_json_null(struct mc_json *j);
/* Writes an already-encoded JSON value as it is. */
void mc_json_raw(struct mc_json *j, const char *json);

/* Shorthands for "key": value. */
void mc_json_kstr(struct mc_json *j, const char *key, const char *s);
void mc_json_kint(struct mc_json *j, const char *key, int64_t v);
void mc_json_kbool(struct mc_json *j, const char *key, bool v);

/* Appends s as JSON string contents (no quotes) to b. */
void mc_json_escape(struct mc_buf *b, const char *s, size_t n);

#endif
