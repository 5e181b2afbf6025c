/*
 * w3c.c - #Fields layouts and the lazy field splitter (see w3c.h).
 *
 * The splitter compares 16 bytes at a time against ' ' (SSE2 on x86-64,
 * which every x86-64 CPU has; a plain loop elsewhere) and walks the set bits
 * of the mask, so its cost is one compare per 16 bytes plus one step per
 * field, whatever the line holds.
 */
#include "logs/w3c.h"

#include <string.h>
#include <strings.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

const char mc_w3c_default_fields[] =
  "date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip "
  "cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken";
const char mc_w3c_default_fields_75[] =
  "date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip "
  "cs(User-Agent) sc-status sc-substatus sc-win32-status time-taken";

static const struct {
  const char *name;
  enum mc_w3c_field f;
} names[] = {
  { "date", MC_WF_DATE }, { "time", MC_WF_TIME }, { "s-ip", MC_WF_SIP },
  { "cs-method", MC_WF_METHOD }, { "cs-uri-stem", MC_WF_STEM },
  { "cs-uri-query", MC_WF_QUERY }, { "s-port", MC_WF_SPORT },
  { "cs-username", MC_WF_USER }, { "c-ip", MC_WF_CIP },
  { "cs(user-agent)", MC_WF_UA }, { "sc-status", MC_WF_STATUS },
  { "sc-substatus", MC_WF_SUBSTATUS }, { "sc-win32-status", MC_WF_WIN32 },
  { "time-taken", MC_WF_TAKEN }, { "s-computername", MC_WF_COMPUTER },
  { "cs-host", MC_WF_HOST }, { "cs-uri", MC_WF_URI }, { "s-reason", MC_WF_REASON },
};

mc_code mc_w3c_layout_parse(struct mc_w3c_layout *l, const char *fields, size_t n)
{
  memset(l->col, -1, sizeof l->col);
  l->ncols = 0;
  l->path_col = -1;
  l->httperr = false;
  size_t i = 0;
  while(i < n) {
    while(i < n && (fields[i] == ' ' || fields[i] == '\t' || fields[i] == '\r'))
      i++;
    if(i >= n)
      break;
    size_t b = i;
    while(i < n && fields[i] != ' ' && fields[i] != '\t' && fields[i] != '\r')
      i++;
    if(l->ncols >= MC_W3C_MAXCOLS)
      return MC_ERR_PARSE;
    for(size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
      if(strlen(names[k].name) == i - b && strncasecmp(names[k].name, fields + b, i - b) == 0 &&
         l->col[names[k].f] < 0)
        l->col[names[k].f] = (int8_t)l->ncols;
    }
    l->ncols++;
  }
  l->path_col = l->col[MC_WF_STEM] >= 0 ? l->col[MC_WF_STEM] : l->col[MC_WF_URI];
  l->httperr = l->col[MC_WF_REASON] >= 0;
  if(!l->ncols || l->path_col < 0 || l->col[MC_WF_DATE] < 0 || l->col[MC_WF_TIME] < 0)
    return MC_ERR_PARSE;
  return MC_OK;
}

static inline bool add_sep(struct mc_w3c_line *w, const char *at, uint32_t want)
{
  w->sep[w->nsep++] = at;
  if(w->nsep >= want || w->nsep >= MC_W3C_MAXCOLS) {
    w->pos = (size_t)(at - w->line) + 1;
    return true;
  }
  return false;
}

void mc_w3c_split(struct mc_w3c_line *w, uint32_t want)
{
  if(w->done || w->nsep >= want || w->nsep >= MC_W3C_MAXCOLS)
    return;
  const char *p = w->line;
  size_t i = w->pos, n = w->len;
#if defined(__SSE2__)
  const __m128i sp = _mm_set1_epi8(' ');
  for(; i + 16 <= n; i += 16) {
    unsigned m = (unsigned)_mm_movemask_epi8(
      _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)(p + i)), sp));
    while(m) {
      if(add_sep(w, p + i + (unsigned)__builtin_ctz(m), want))
        return;
      m &= m - 1;
    }
  }
#endif
  for(; i < n; i++) {
    if(p[i] == ' ' && add_sep(w, p + i, want))
      return;
  }
  w->pos = n;
  w->done = true;
}

bool mc_w3c_parse(const struct mc_w3c_layout *l, const char *line, size_t len,
                  struct mc_w3c_rec *rec)
{
  struct mc_w3c_line w;
  mc_w3c_line_init(&w, line, len);
  mc_w3c_split(&w, MC_W3C_MAXCOLS);
  memset(rec, 0, sizeof *rec);
  if(!w.done || w.nsep + 1 != l->ncols)
    return false;
  for(int f = 0; f < MC_WF_COUNT; f++) {
    if(l->col[f] >= 0)
      rec->f[f] = mc_w3c_field(&w, l->col[f]);
  }
  return true;
}
