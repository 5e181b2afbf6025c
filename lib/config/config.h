/*
 * config.h - what admins paste from the Exchange server: PowerShell
 * Format-List (`| fl`) output and registry exports of the RPC proxy, read and
 * checked against the rules of the seeds.
 *
 * Three layers, each usable alone: decode.c turns file bytes (UTF-16LE with
 * BOM as PowerShell's `>` and regedit write them, UTF-8 with or without BOM,
 * stray Windows-1252) into UTF-8 text or a clear refusal (binary, mixed
 * encodings); fl.c and reg.c parse that text into objects and values, copying
 * what they keep; rules.c recognises each object by its properties and raises
 * the CFG_* findings with the exact command that fixes them.
 *
 * Not for: anything on the network. Inputs are files the user brings back.
 */
#ifndef MC_CONFIG_CONFIG_H
#define MC_CONFIG_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "model/report.h"
#include "util/util.h"

/* The largest input file config reads. */
#define MC_CONFIG_FILE_LIMIT ((size_t)16 << 20)

/* ---- decode.c ---- */

/* Decodes file bytes into UTF-8 text in out (CR LF kept as is). *encoding
 * names what was found ("UTF-16LE with BOM", "UTF-8", ...). Fails with
 * MC_ERR_PARSE and a message in err for empty, binary or mixed-encoding
 * input (naming the line). */
mc_code mc_config_decode(const void *data, size_t n, struct mc_buf *out,
                         const char **encoding, char *err, size_t errlen);
/* One line of decoded text, borrowed: n excludes the CR and trailing blanks,
 * raw only the CR (the width PowerShell filled). */
struct mc_config_line {
  const char *p;
  size_t n;
  size_t raw;
};
/* The line at *pos (advanced past its LF). */
struct mc_config_line mc_config_next_line(const char *text, size_t n, size_t *pos);

/* Appends UTF-16LE bytes as UTF-8 (lone surrogates become U+FFFD). */
void mc_config_utf16le(const unsigned char *p, size_t n, struct mc_buf *out);

/* ---- fl.c: PowerShell Format-List output ---- */

struct mc_fl_prop {
  char *key;
  char *value;        /* continuation lines joined; "" when empty */
  unsigned line;
};

struct mc_fl_object {
  struct mc_fl_prop *props;
  size_t nprops, cap;
  unsigned line;      /* first line */
};

struct mc_fl_doc {
  struct mc_fl_object *objs;
  size_t nobjs, cap;
  unsigned other_lines;   /* prompts, headers, warnings: not key : value */
};

/* Parses text (UTF-8) into objects. Objects end at a blank line (two in a
 * double-spaced paste), at a line that is not part of the output, or where a
 * property repeats. A line indented under the value column continues the
 * value above it (joined without a space when the line above filled the
 * console width, PowerShell having cut a word there). */
mc_code mc_fl_parse(const char *text, size_t n, struct mc_fl_doc *doc, char *err,
                    size_t errlen);
void mc_fl_doc_release(struct mc_fl_doc *doc);
/* A new empty object at the end of doc (endpoint.c builds objects from
 * Export-Csv and ConvertTo-Json with it). */
struct mc_fl_object *mc_fl_doc_add(struct mc_fl_doc *doc, unsigned line);
/* The property (case-insensitive key), or NULL. */
const struct mc_fl_prop *mc_fl_prop(const struct mc_fl_object *o, const char *key);
const char *mc_fl_get(const struct mc_fl_object *o, const char *key);

/* A `{a, b, c}` list value split into items. truncated: PowerShell cut the
 * list at $FormatEnumerationLimit ("{a, b, c, d...}"). */
struct mc_fl_list {
  char **items;
  size_t n;
  bool truncated;
};
void mc_fl_list_parse(const char *value, struct mc_fl_list *l);
bool mc_fl_list_has(const struct mc_fl_list *l, const char *item);
void mc_fl_list_release(struct mc_fl_list *l);

/* ---- reg.c: `reg export` / regedit files and `reg query` output ---- */

struct mc_reg_value {
  char *key;          /* HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Rpc\RpcProxy */
  char *name;         /* "" for the default value */
  char *type;         /* REG_SZ, REG_DWORD, ... */
  char *data;         /* strings decoded; DWORDs as decimal; binary as hex */
  unsigned line;
};

struct mc_reg_doc {
  struct mc_reg_value *v;
  size_t n, cap;
  const char *format; /* "regedit 5.00 export", "REGEDIT4 export", "reg query output" */
};

/* Whether text looks like a registry export or reg query output. */
bool mc_reg_sniff(const char *text, size_t n);
mc_code mc_reg_parse(const char *text, size_t n, struct mc_reg_doc *doc, char *err,
                     size_t errlen);
void mc_reg_doc_release(struct mc_reg_doc *doc);

/* ---- rules.c ---- */

struct mc_config_input {
  const char *name;   /* file name, for messages */
  const void *data;
  size_t len;
};

/* Reads every input, recognises each object and value by content, applies
 * the rules, and returns the report (command "config"). Inputs it cannot
 * read (binary, empty, not PowerShell or registry output) are steps with
 * status unknown and make the report incomplete. */
struct mc_report *mc_config_check(const struct mc_config_input *in, size_t n);

/* The commands an admin runs on the Exchange server to produce the inputs. */
extern const char mc_config_collect_script[];

#endif
