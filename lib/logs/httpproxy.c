/*
 * httpproxy.c - HttpProxy CSV layouts and lines (see httpproxy.h).
 *
 * A line is walked once, field by field; only the columns the layout maps
 * are kept. Quoting follows RFC 4180 as Exchange writes it.
 */
#include "logs/httpproxy.h"

#include <string.h>
#include <strings.h>

static const struct {
  const char *name;
  enum mc_hp_field f;
} names[] = {
  { "DateTime", MC_HF_DATETIME }, { "UrlStem", MC_HF_URLSTEM },
  { "UrlQuery", MC_HF_URLQUERY }, { "Method", MC_HF_METHOD },
  { "Protocol", MC_HF_PROTOCOL }, { "ClientIpAddress", MC_HF_CLIENTIP },
  { "UserAgent", MC_HF_USERAGENT }, { "ServerHostName", MC_HF_SERVER },
  { "HttpStatus", MC_HF_HTTPSTATUS }, { "BackEndStatus", MC_HF_BACKENDSTATUS },
  { "ErrorCode", MC_HF_ERRORCODE }, { "TargetServer", MC_HF_TARGET },
  { "GenericErrors", MC_HF_GENERICERRORS }, { "AuthenticatedUser", MC_HF_USER },
};

mc_code mc_hp_layout_parse(struct mc_hp_layout *l, const char *fields, size_t n)
{
  for(int f = 0; f < MC_HF_COUNT; f++)
    l->col[f] = -1;
  l->ncols = 0;
  l->maxcol = -1;
  l->need = 0;
  l->nlogged = 0;
  size_t i = 0;
  while(n && (fields[n - 1] == '\r' || fields[n - 1] == ' '))
    n--;
  while(i <= n) {
    while(i < n && fields[i] == ' ')
      i++;
    size_t b = i;
    while(i < n && fields[i] != ',')
      i++;
    size_t e = i;
    while(e > b && fields[e - 1] == ' ')
      e--;
    if(l->ncols >= MC_HP_MAXCOLS)
      return MC_ERR_LIMIT;
    for(size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
      if(strlen(names[k].name) == e - b && strncasecmp(names[k].name, fields + b, e - b) == 0 &&
         l->col[names[k].f] < 0)
        l->col[names[k].f] = (int16_t)l->ncols;
    }
    l->ncols++;
    i++;
  }
  if(l->col[MC_HF_DATETIME] < 0 || l->col[MC_HF_URLSTEM] < 0)
    return MC_ERR_PARSE;
  /* the logged fields by column (a few: insertion), then the others */
  for(int f = 0; f < MC_HF_COUNT; f++) {
    if(l->col[f] < 0)
      continue;
    size_t at = l->nlogged++;
    for(; at && l->logcol[at - 1] > l->col[f]; at--) {
      l->logged[at] = l->logged[at - 1];
      l->logcol[at] = l->logcol[at - 1];
    }
    l->logged[at] = (uint8_t)f;
    l->logcol[at] = l->col[f];
  }
  for(int f = 0, k = l->nlogged; f < MC_HF_COUNT; f++) {
    if(l->col[f] < 0)
      l->logged[k++] = (uint8_t)f;
  }
  l->maxcol = l->logcol[l->nlogged - 1];   /* DateTime and UrlStem at least */
  l->need = l->col[MC_HF_DATETIME] > l->col[MC_HF_URLSTEM] ? l->col[MC_HF_DATETIME] :
            l->col[MC_HF_URLSTEM];
  return MC_OK;
}

bool mc_hp_parse(const struct mc_hp_layout *l, const char *line, size_t len,
                 struct mc_hp_rec *rec)
{
  /* Which of our fields sits in each column, looked up once per line. */
  int8_t want[MC_HP_MAXCOLS];
  int maxcol = l->maxcol;
  memset(want, -1, sizeof want[0] * l->ncols);
  for(int f = 0; f < MC_HF_COUNT; f++) {
    rec->f[f] = (struct mc_slice){ NULL, 0 };
    if(l->col[f] >= 0)
      want[l->col[f]] = (int8_t)f;
  }
  size_t i = 0;
  uint32_t col = 0;
  for(;;) {
    const char *b;
    size_t n;
    if(i < len && line[i] == '"') {
      size_t k = i + 1;
      for(;;) {
        const char *q = memchr(line + k, '"', len - k);
        if(!q)
          return false;
        k = (size_t)(q - line);
        if(k + 1 < len && line[k + 1] == '"') {
          k += 2;
          continue;
        }
        break;
      }
      b = line + i + 1;
      n = k - i - 1;
      i = k + 1;
      if(i < len && line[i] != ',')
        return false;
    }
    else {
      const char *c = memchr(line + i, ',', len - i);
      size_t e = c ? (size_t)(c - line) : len;
      b = line + i;
      n = e - i;
      i = e;
    }
    if(col < l->ncols && want[col] >= 0)
      rec->f[want[col]] = (struct mc_slice){ b, n };
    col++;
    if(i >= len || (int)col > maxcol)
      break;
    i++;  /* the comma */
  }
  rec->nfields = col;
  return (int)col > l->need;
}

bool mc_hp_parse_at(const struct mc_hp_layout *l, const char *line, size_t len,
                    const char *const *commas, size_t ncommas, bool quoted,
                    struct mc_hp_rec *rec)
{
  int maxcol = l->maxcol;
  size_t stop = (size_t)maxcol < ncommas ? (size_t)(commas[maxcol] - line) : len;
  if(maxcol < 0 || (quoted && memchr(line, '"', stop)))
    return mc_hp_parse(l, line, len, rec);
  if((size_t)maxcol < ncommas) {   /* every field is there: no check a field */
    size_t i = 0;
    if(l->nlogged && l->logcol[0] == 0) {   /* the first column (DateTime) */
      rec->f[l->logged[0]] = (struct mc_slice){ line, (size_t)(commas[0] - line) };
      i = 1;
    }
    for(; i < l->nlogged; i++) {
      const char *b = commas[l->logcol[i] - 1] + 1;
      rec->f[l->logged[i]] = (struct mc_slice){ b, (size_t)(commas[l->logcol[i]] - b) };
    }
    for(; i < MC_HF_COUNT; i++)
      rec->f[l->logged[i]] = (struct mc_slice){ NULL, 0 };
    rec->nfields = (uint32_t)maxcol + 1;
    return maxcol >= l->need;
  }
  for(int f = 0; f < MC_HF_COUNT; f++) {
    int col = l->col[f];
    if(col < 0 || (size_t)col > ncommas) {
      rec->f[f] = (struct mc_slice){ NULL, 0 };
      continue;
    }
    const char *b = col ? commas[col - 1] + 1 : line;
    const char *e = (size_t)col < ncommas ? commas[col] : line + len;
    rec->f[f] = (struct mc_slice){ b, (size_t)(e - b) };
  }
  rec->nfields = (uint32_t)((size_t)maxcol < ncommas ? (size_t)maxcol + 1 : ncommas + 1);
  return (int)rec->nfields > l->need;
}
