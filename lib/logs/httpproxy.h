/*
 * httpproxy.h - Exchange 2013+ HttpProxy logs: CSV lines whose columns are
 * named by the file's own "#Fields:" line (the set differs between update
 * levels, so columns are always mapped by name).
 *
 * Fields may be quoted ("...", with "" for a quote inside) and then hold
 * commas. The parser returns borrowed slices (a quoted field's slice is
 * between the quotes, "" left as it is); it allocates nothing. Not for
 * IIS W3C lines (w3c.h).
 */
#ifndef MC_LOGS_HTTPPROXY_H
#define MC_LOGS_HTTPPROXY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/util.h"

enum mc_hp_field {
  MC_HF_DATETIME, MC_HF_URLSTEM, MC_HF_URLQUERY, MC_HF_METHOD, MC_HF_PROTOCOL,
  MC_HF_CLIENTIP, MC_HF_USERAGENT, MC_HF_SERVER, MC_HF_HTTPSTATUS, MC_HF_BACKENDSTATUS,
  MC_HF_ERRORCODE, MC_HF_TARGET, MC_HF_GENERICERRORS, MC_HF_USER, MC_HF_COUNT
};

#define MC_HP_MAXCOLS 256

struct mc_hp_layout {
  int16_t col[MC_HF_COUNT];  /* -1 when the file does not log it */
  uint16_t ncols;
  int16_t maxcol;            /* the last column of a field read (this and the rest below
                                are set for a layout mc_hp_layout_parse() accepts) */
  int16_t need;              /* the column a line must reach: DateTime's or UrlStem's */
  uint8_t nlogged;           /* the fields logged: logged[i] in column logcol[i], by
                                column; then the others, from logged[nlogged] on */
  uint8_t logged[MC_HF_COUNT];
  int16_t logcol[MC_HF_COUNT];
};

/* Parses the text after "#Fields:" (comma separated names). MC_ERR_PARSE
 * without DateTime and UrlStem, MC_ERR_LIMIT with more than MC_HP_MAXCOLS
 * columns. */
mc_code mc_hp_layout_parse(struct mc_hp_layout *l, const char *fields, size_t n);

struct mc_hp_rec {
  struct mc_slice f[MC_HF_COUNT];
  uint32_t nfields;
};

/* Splits one line. False when a quote is not closed, a quoted field is
 * followed by junk, or the line has fewer fields than the layout needs for
 * DateTime and UrlStem. Extra trailing columns are tolerated (newer builds
 * append columns). */
bool mc_hp_parse(const struct mc_hp_layout *l, const char *line, size_t len,
                 struct mc_hp_rec *rec);

/* As mc_hp_parse(), with the positions of the line's nseps commas known
 * (mc_w3c_chunk with ','): no search unless a quote comes before the last
 * field wanted (then it parses as mc_hp_parse() does); none at all when
 * quoted is false (the block the line is in holds no '"'). */
bool mc_hp_parse_at(const struct mc_hp_layout *l, const char *line, size_t len,
                    const char *const *commas, size_t ncommas, bool quoted,
                    struct mc_hp_rec *rec);

#endif
