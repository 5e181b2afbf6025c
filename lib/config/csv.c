/*
 * csv.c - RFC 4180 CSV as Export-Csv, Excel and LibreOffice write it:
 * fields separated by the delimiter, quoted fields with doubled quotes and
 * line breaks inside, CR LF or LF line ends, blank lines skipped.
 *
 * Invariants: a row never holds more than MC_CSV_MAX_FIELDS fields, a field
 * never more than MC_CSV_MAX_FIELD bytes, a file never more than
 * MC_CSV_MAX_ROWS rows; past any limit the parse fails with the line.
 */
#include "config/endpoint.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char mc_csv_sniff(const char *line, size_t n)
{
  bool comma = false, semi = false, quoted = false;
  for(size_t i = 0; i < n && line[i] != '\n'; i++) {
    if(line[i] == '"')
      quoted = !quoted;
    else if(!quoted && line[i] == ',')
      comma = true;
    else if(!quoted && line[i] == ';')
      semi = true;
  }
  return semi && !comma ? ';' : ',';
}

static mc_code end_field(struct mc_csv_row *row, struct mc_buf *f, size_t *cap)
{
  if(row->n >= MC_CSV_MAX_FIELDS)
    return MC_ERR_LIMIT;
  if(row->n == *cap) {
    *cap = *cap ? *cap * 2 : 8;
    row->f = mc_xrealloc(row->f, *cap * sizeof *row->f);
  }
  row->f[row->n++] = f->ptr ? mc_buf_detach(f) : mc_xstrdup("");
  return MC_OK;
}

static void drop_row(struct mc_csv_row *row)
{
  for(size_t i = 0; i < row->n; i++)
    free(row->f[i]);
  free(row->f);
  memset(row, 0, sizeof *row);
}

mc_code mc_csv_parse(const char *text, size_t n, char delim, struct mc_csv *out, char *err,
                     size_t errlen)
{
  memset(out, 0, sizeof *out);
  struct mc_buf f = MC_BUF_INIT(MC_CSV_MAX_FIELD);
  struct mc_csv_row row = { 0 };
  size_t fcap = 0, i = 0;
  unsigned line = 1;
  mc_code rc = MC_OK;
  if(n >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
    i = 3;
  row.line = line;
  bool quoted = false, was_quoted = false, any = false;
  while(i <= n) {
    char c = i < n ? text[i] : '\n';
    bool at_end = i == n;
    i++;
    if(quoted) {
      if(at_end) {
        snprintf(err, errlen, "line %u: a quoted field is never closed", row.line);
        rc = MC_ERR_PARSE;
        goto out;
      }
      if(c == '"') {
        if(i < n && text[i] == '"') {
          i++;
          rc = mc_buf_addch(&f, '"');
        }
        else
          quoted = false;
      }
      else {
        line += c == '\n';
        rc = mc_buf_addch(&f, c);
      }
      if(rc != MC_OK)
        goto toolong;
      continue;
    }
    if(c == '"' && !f.len && !was_quoted) {
      quoted = was_quoted = any = true;
      continue;
    }
    if(c == '\r' && (i >= n || text[i] == '\n'))
      continue;
    if(c == delim || c == '\n') {
      if((rc = end_field(&row, &f, &fcap)) != MC_OK) {
        snprintf(err, errlen, "line %u: more than %d fields", row.line, MC_CSV_MAX_FIELDS);
        goto out;
      }
      was_quoted = false;
      if(c == delim) {
        any = true;
        continue;
      }
      /* End of a record: keep it unless the line was blank. */
      if(any || row.n > 1 || row.f[0][0]) {
        if(out->n >= MC_CSV_MAX_ROWS) {
          snprintf(err, errlen, "line %u: more than %d rows", row.line, MC_CSV_MAX_ROWS);
          rc = MC_ERR_LIMIT;
          goto out;
        }
        if(out->n == out->cap) {
          out->cap = out->cap ? out->cap * 2 : 16;
          out->rows = mc_xrealloc(out->rows, out->cap * sizeof *out->rows);
        }
        out->rows[out->n++] = row;
        memset(&row, 0, sizeof row);
      }
      else
        drop_row(&row);
      fcap = 0;
      any = false;
      if(at_end)
        break;
      line++;
      row.line = line;
      continue;
    }
    any = true;
    if(mc_buf_addch(&f, c) != MC_OK)
      goto toolong;
  }
  goto out;
toolong:
  snprintf(err, errlen, "line %u: a field is longer than %d bytes", row.line, MC_CSV_MAX_FIELD);
  rc = MC_ERR_LIMIT;
out:
  drop_row(&row);
  mc_buf_release(&f);
  if(rc != MC_OK)
    mc_csv_release(out);
  return rc;
}

void mc_csv_release(struct mc_csv *c)
{
  for(size_t i = 0; i < c->n; i++)
    drop_row(&c->rows[i]);
  free(c->rows);
  memset(c, 0, sizeof *c);
}
