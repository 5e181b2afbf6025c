/*
 * w3c.h - IIS W3C and HTTPERR log lines: the #Fields layout and a field
 * splitter built for speed.
 *
 * A W3C file says its own layout in "#Fields:" directives, and the layout
 * may change within a file when IIS restarts, so a line is only meaningful
 * with the layout in effect above it. HTTPERR logs are W3C too (they carry
 * s-reason). Fields are separated by one space; values never contain one
 * (IIS writes '+' for spaces in the User-Agent, '-' for empty).
 *
 * The splitter is lazy: mc_w3c_split() finds separators only until the
 * field the caller needs next, 16 bytes at a time, so a line that is not
 * migration traffic costs a look at its first few fields. Borrowed slices
 * only; nothing is allocated. Not for HttpProxy CSV (httpproxy.h).
 */
#ifndef MC_LOGS_W3C_H
#define MC_LOGS_W3C_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "util/util.h"

/* The fields migcheck reads; every other column is skipped. */
enum mc_w3c_field {
  MC_WF_DATE, MC_WF_TIME, MC_WF_SIP, MC_WF_METHOD, MC_WF_STEM, MC_WF_QUERY, MC_WF_SPORT,
  MC_WF_USER, MC_WF_CIP, MC_WF_UA, MC_WF_STATUS, MC_WF_SUBSTATUS, MC_WF_WIN32, MC_WF_TAKEN,
  MC_WF_COMPUTER, MC_WF_HOST, MC_WF_URI, MC_WF_REASON, MC_WF_COUNT
};

#define MC_W3C_MAXCOLS 64

struct mc_w3c_layout {
  int8_t col[MC_WF_COUNT];   /* column of each field, -1 when not logged */
  uint8_t ncols;
  int8_t path_col;           /* cs-uri-stem, else cs-uri (HTTPERR) */
  bool httperr;              /* s-reason is logged: an HTTPERR log */
  int8_t field_at[MC_W3C_MAXCOLS];   /* the field of each column, -1 for none */
};

/* The IIS default Exchange writes (Microsoft Learn: "W3C Logging"), used when a
 * file has no #Fields line but its lines fit it. */
extern const char mc_w3c_default_fields[];
/* The IIS 7.5 default, without cs(Referer). */
extern const char mc_w3c_default_fields_75[];

/* Parses the text after "#Fields:" (space separated names, any order, any
 * case). MC_ERR_LIMIT for more than MC_W3C_MAXCOLS names; MC_ERR_PARSE when
 * there are none, or no date, time or path column. */
mc_code mc_w3c_layout_parse(struct mc_w3c_layout *l, const char *fields, size_t n);

/* One line being split. sep[i] is the i-th separator found. Field i runs
 * from (i ? sep[i-1] + 1 : line) to (i < nsep ? sep[i] : line + len), and
 * is complete once nsep > i or done is set. */
struct mc_w3c_line {
  const char *line;
  size_t len;
  const char *readable;      /* bytes up to here may be loaded (the buffer's end) */
  size_t pos;                /* where the search for separators goes on */
  uint32_t nsep;
  bool done;                 /* the whole line has been split */
  bool nul;                  /* mc_w3c_next_line() saw a NUL byte in the line */
  bool quoted;               /* mc_w3c_chunk_next() with ',': its block holds a '"' */
  uint32_t nall;             /* mc_w3c_chunk_next(): the separators the line has,
                                uncapped */
  const char *const *sep;    /* own, or the line's part of a chunk's list (read only) */
  const char *own[MC_W3C_MAXCOLS];   /* the splitters stop at MC_W3C_MAXCOLS */
};

/* readable: the end of the buffer the line sits in (at least line + len);
 * the splitter may load up to there, never beyond. */
static inline void mc_w3c_line_init(struct mc_w3c_line *w, const char *line, size_t len,
                                    const char *readable)
{
  w->line = line;
  w->len = len;
  w->readable = readable;
  w->sep = w->own;
  w->pos = 0;
  w->nsep = 0;
  w->done = false;
  w->nul = false;
}

/* Finds separators until want are known or the line ends (then done is
 * set and nfields is nsep + 1). A line with more than MC_W3C_MAXCOLS
 * fields stops with nsep == MC_W3C_MAXCOLS and done unset. */
void mc_w3c_split(struct mc_w3c_line *w, uint32_t want);

/* Finds the end of the line that starts at p (the next '\n', or end) and,
 * in the same pass, its first want separators and whether it holds a NUL
 * byte (w->nul: a log never does; a crash or a file written over leaves
 * them); sets up w for the line (without a '\r' before the '\n') and
 * returns where the next line starts. Bytes up to end may be loaded. */
const char *mc_w3c_next_line(struct mc_w3c_line *w, const char *p, const char *end,
                             uint32_t want);

/* Many lines split at once: each block of MC_W3C_CHUNK bytes is compared
 * with the separator, '\n' and NUL 64 bytes a step (AVX2); every
 * separator of the block is listed in order, a 64-byte word's at once
 * (AVX-512 VBMI2: one compress), and every newline with the number of
 * separators before it. A line then takes its end and all its separators
 * (a run of the block's list) from the lists, split already, whatever its
 * fields: finding a line's path from masks and then listing the
 * separators of the lines that are traffic did more. With ',' (HttpProxy
 * CSV) the commas are the separators, for mc_hp_parse_at(). Without AVX2,
 * or for a line that does not end inside one block, mc_w3c_chunk_next()
 * says no and the caller falls back to mc_w3c_next_line(). */
#define MC_W3C_CHUNK 16384u

struct mc_w3c_chunk {
  const char *begin, *end;   /* the bytes compared */
  const char **all;          /* their separators, in order */
  const char **nl;           /* their newlines, in order */
  uint32_t *before;          /* of each newline: how many separators come before it */
  size_t nnl, knl;           /* how many; the next one not yet taken */
  bool nul;                  /* a NUL byte somewhere in [begin, end) */
  bool quote;                /* ',': a '"' somewhere in [begin, end) */
  char sepc;                 /* the separator: ' ' (W3C), ',' (HttpProxy CSV) */
  const char *at;            /* where the line after the last one taken begins */
};

void mc_w3c_chunk_init(struct mc_w3c_chunk *ch, char sepc);
void mc_w3c_chunk_release(struct mc_w3c_chunk *ch);

/* The parts of mc_w3c_chunk_next() and mc_w3c_peek() that are not inline. */
const char *mc_w3c_chunk_fill(struct mc_w3c_chunk *ch, struct mc_w3c_line *w, const char *p,
                              const char *end);
bool mc_w3c_peek_split(struct mc_w3c_line *w, int col, struct mc_slice *out);

/* The chunk's next line, at p (the lists hold it): w set up for it. */
static inline const char *mc_w3c_chunk_take(struct mc_w3c_chunk *ch, struct mc_w3c_line *w,
                                            const char *p, const char *end)
{
  size_t k = ch->knl++;
  const char *nlp = ch->nl[k];
  uint32_t lo = k ? ch->before[k - 1] : 0, n = ch->before[k] - lo;
  size_t len = (size_t)(nlp - p);
  if(len && p[len - 1] == '\r')
    len--;
  w->line = p;
  w->len = len;
  w->readable = end;
  w->sep = ch->all + lo;
  w->nall = n;
  w->done = n <= MC_W3C_MAXCOLS;
  /* a line of more fields than a layout may have: split as far as the
     plain splitter goes (mc_w3c_split()) */
  w->nsep = w->done ? n : MC_W3C_MAXCOLS;
  w->pos = w->done ? len : (size_t)(w->sep[MC_W3C_MAXCOLS - 1] - p) + 1;
  w->quoted = ch->quote;
  w->nul = ch->nul && memchr(p, '\0', len) != NULL;
  ch->at = nlp + 1;
  return nlp + 1;
}

/* As mc_w3c_next_line() for the line at p: its end and whether it holds a
 * NUL, and split (all its separators in sep and nall); NULL when
 * the chunk cannot (then w is untouched). Inline while the lists go on
 * from p (the line before ended just there), the block compared anew out
 * of line. */
static inline const char *mc_w3c_chunk_next(struct mc_w3c_chunk *ch, struct mc_w3c_line *w,
                                            const char *p, const char *end)
{
  if(ch->knl < ch->nnl && p == ch->at)
    return mc_w3c_chunk_take(ch, w, p, end);
  return mc_w3c_chunk_fill(ch, w, p, end);
}

/* Whether field col is complete. */
static inline bool mc_w3c_has(const struct mc_w3c_line *w, int col)
{
  return col >= 0 && ((uint32_t)col < w->nsep || (w->done && (uint32_t)col == w->nsep));
}

static inline struct mc_slice mc_w3c_field(const struct mc_w3c_line *w, int col)
{
  const char *b = col ? w->sep[col - 1] + 1 : w->line;
  const char *e = (uint32_t)col < w->nsep ? w->sep[col] : w->line + w->len;
  return (struct mc_slice){ b, (size_t)(e - b) };
}

/* Field col of the line into *out (mc_w3c_split() and mc_w3c_field());
 * false when the line has fewer fields. */
static inline bool mc_w3c_peek(struct mc_w3c_line *w, int col, struct mc_slice *out)
{
  if(mc_w3c_has(w, col)) {        /* a chunk's line, split already */
    *out = mc_w3c_field(w, col);
    return true;
  }
  return mc_w3c_peek_split(w, col, out);
}

/* A fully parsed line: each known field, or n == 0 and p == NULL when the
 * layout does not log it. */
struct mc_w3c_rec {
  struct mc_slice f[MC_WF_COUNT];
};

#define MC_W3C_ALL_FIELDS ((1u << MC_WF_COUNT) - 1)

/* The columns that hold the fields in want (bits 1 << MC_WF_*) in a
 * layout, in column order, each with its field: what mc_w3c_record()
 * takes, worked out once per layout. */
struct mc_w3c_cols {
  uint8_t n;
  uint8_t col[MC_WF_COUNT], field[MC_WF_COUNT];
};
void mc_w3c_columns(const struct mc_w3c_layout *l, uint32_t want, struct mc_w3c_cols *out);

/* The layout's fields of the line in the columns cols (mc_w3c_columns())
 * into rec, the others left empty; false when the number of fields differs
 * from the layout's. */
bool mc_w3c_record(struct mc_w3c_line *w, const struct mc_w3c_layout *l,
                   const struct mc_w3c_cols *cols, struct mc_w3c_rec *rec);
/* As mc_w3c_record() without emptying rec first: it writes the fields of
 * cols and nothing else, so a caller that passes the same rec (emptied
 * once), layout and cols for every line finds the others empty without
 * clearing 300 bytes a line. */
bool mc_w3c_fields(struct mc_w3c_line *w, const struct mc_w3c_layout *l,
                   const struct mc_w3c_cols *cols, struct mc_w3c_rec *rec);

/* Splits the whole line by the layout. False when the number of fields
 * differs from the layout's (a torn, foreign or binary line). */
bool mc_w3c_parse(const struct mc_w3c_layout *l, const char *line, size_t len,
                  struct mc_w3c_rec *rec);

/* Whether a data line fits layout l: as many fields, a date and a time
 * (to the second) the scan reads, and each of the path, codes, port,
 * addresses and method that l logs has its shape ("-" allowed). A range that starts mid-file
 * tries its first data line on the layouts it may start with; two layouts
 * of as many fields seldom both fit one line. */
bool mc_w3c_fits(const struct mc_w3c_layout *l, const char *line, size_t len);

#endif
