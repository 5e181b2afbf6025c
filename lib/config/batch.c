/*
 * batch.c - a batch file into rows, each the argument vector of one check.
 *
 * Two kinds of file. A CSV with a header row (check,target,user,...): each
 * row one check, its target given to the option the check takes it by.
 * Or an endpoint file (Get-MigrationEndpoint output in any of its forms):
 * each endpoint one row that runs its check with --endpoint-file FILE
 * --endpoint N, so the row's report holds the endpoint's own findings.
 *
 * Passwords never come from the file: a column named like a password is
 * refused (a CSV gets copied, mailed and versioned); a row names an
 * environment variable (password_env) or a file (password_file) instead.
 */
#include "config/endpoint.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct {
  const char *check;
  const char *target_opt;     /* NULL: a positional HOST[:PORT] */
} checks[] = {
  { "ports", NULL },
  { "tls", NULL },
  { "imap", NULL },
  { "remote-move", "--server" },
  { "outlook-anywhere", "--rpc-proxy" },
  { "autodiscover", "--email" },
};
#define NCHECKS (sizeof checks / sizeof checks[0])

bool mc_batch_check_known(const char *check, const char **target_opt)
{
  for(size_t i = 0; i < NCHECKS; i++) {
    if(strcmp(checks[i].check, check) == 0) {
      if(target_opt)
        *target_opt = checks[i].target_opt;
      return true;
    }
  }
  return false;
}

/* The columns, and the option each becomes (NULL: handled apart). */
enum col { C_CHECK, C_TARGET, C_USER, C_PW_ENV, C_PW_FILE, C_EXCH, C_AUTH, C_SECURITY, C_ARGS,
           C_IGNORE, NCOLS };
static const struct {
  const char *name;
  enum col col;
  const char *opt;
} columns[] = {
  { "check", C_CHECK, NULL },
  { "target", C_TARGET, NULL },
  { "user", C_USER, "--user" },
  { "password_env", C_PW_ENV, NULL },
  { "password_file", C_PW_FILE, "--password-file" },
  { "exchange_server", C_EXCH, "--exchange-server" },
  { "auth", C_AUTH, "--auth" },
  { "security", C_SECURITY, "--security" },
  { "args", C_ARGS, NULL },
  { "name", C_IGNORE, NULL },
  { "notes", C_IGNORE, NULL },
  { "comment", C_IGNORE, NULL },
};
#define NCOLUMNS (sizeof columns / sizeof columns[0])

/* "Password File" and "password-file" both mean password_file. */
static void norm_name(const char *in, char *out, size_t outlen)
{
  size_t k = 0;
  for(; *in == ' '; in++)
    ;
  for(; *in && k + 1 < outlen; in++)
    out[k++] = (*in == ' ' || *in == '-') ? '_' : (char)tolower((unsigned char)*in);
  while(k && out[k - 1] == '_')
    k--;
  out[k] = '\0';
}

static bool password_column(const char *name)
{
  static const char *const words[] = { "pass", "pwd", "secret", "credential", NULL };
  if(strcmp(name, "password_env") == 0 || strcmp(name, "password_file") == 0)
    return false;
  for(size_t i = 0; words[i]; i++) {
    if(strstr(name, words[i]))
      return true;
  }
  return false;
}

static void row_push(struct mc_batch_plan *p, struct mc_batch_row *row)
{
  p->rows = mc_xrealloc(p->rows, (p->n + 1) * sizeof *p->rows);
  p->rows[p->n++] = *row;
}

struct words {
  char **v;
  size_t n;
};

static void word(struct words *w, const char *s)
{
  w->v = mc_xrealloc(w->v, (w->n + 2) * sizeof *w->v);
  w->v[w->n++] = mc_xstrdup(s);
  w->v[w->n] = NULL;
}

static void words_free(struct words *w)
{
  for(size_t i = 0; i < w->n; i++)
    free(w->v[i]);
  free(w->v);
  memset(w, 0, sizeof *w);
}

static bool env_name_ok(const char *s)
{
  if(!*s || strlen(s) > 128 || isdigit((unsigned char)*s))
    return false;
  for(; *s; s++) {
    if(!isalnum((unsigned char)*s) && *s != '_')
      return false;
  }
  return true;
}

static const char *field(const struct mc_csv_row *r, const int *idx, enum col c)
{
  if(idx[c] < 0 || (size_t)idx[c] >= r->n)
    return "";
  const char *v = r->f[idx[c]];
  while(*v == ' ')
    v++;
  return v;
}

static char *trimmed(const char *s)
{
  size_t n = strlen(s);
  while(n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
    n--;
  return mc_xstrndup(s, n);
}

static void csv_row(struct mc_batch_plan *p, const struct mc_csv_row *r, const int *idx)
{
  struct mc_batch_row row = { .line = r->line };
  struct words w = { 0 };
  char *check = trimmed(field(r, idx, C_CHECK));
  const char *target_opt = NULL;
  row.check = check;
  row.target = trimmed(field(r, idx, C_TARGET));
  if(*field(r, idx, C_USER))
    row.user = trimmed(field(r, idx, C_USER));
  if(!mc_batch_check_known(check, &target_opt)) {
    row.error = mc_xasprintf("line %u: check '%s' is not one a batch runs (ports, tls, "
                             "remote-move, outlook-anywhere, autodiscover, imap)", r->line,
                             check);
    goto out;
  }
  const char *env = field(r, idx, C_PW_ENV);
  if(*env) {
    char *e = trimmed(env);
    if(!env_name_ok(e)) {
      row.error = mc_xasprintf("line %u: password_env '%s' is not the name of an environment "
                               "variable (letters, digits, '_')", r->line, e);
      free(e);
      goto out;
    }
    row.password_env = e;
  }
  word(&w, check);
  if(*row.target) {
    if(target_opt)
      word(&w, target_opt);
    word(&w, row.target);
  }
  for(size_t i = 0; i < NCOLUMNS; i++) {
    const char *v = columns[i].opt ? field(r, idx, columns[i].col) : "";
    if(!*v)
      continue;
    char *t = trimmed(v);
    word(&w, columns[i].opt);
    word(&w, t);
    free(t);
  }
  /* args: more options, words separated by blanks. */
  const char *a = field(r, idx, C_ARGS);
  while(*a) {
    size_t k = strcspn(a, " \t\r\n");
    if(k) {
      char *one = mc_xstrndup(a, k);
      bool secret = strncmp(one, "--pass", 6) == 0 && strcmp(one, "--password-file") != 0;
      if(secret) {
        row.error = mc_xasprintf("line %u: args holds '%s': passwords never go into a batch "
                                 "file; name a variable in password_env or a file in "
                                 "password_file", r->line, one);
        free(one);
        words_free(&w);
        goto out;
      }
      word(&w, one);
      free(one);
    }
    a += k;
    a += strspn(a, " \t\r\n");
  }
  if(!*row.target) {
    /* The target may be in args (a lab row: --server HOST:PORT, or the
     * address of remote-move --email ADDRESS --autodiscover). */
    for(size_t i = 1; i < w.n; i++) {
      if(strcmp(w.v[i], "--email") == 0 && i + 1 < w.n) {
        free(row.target);
        row.target = mc_xstrdup(w.v[i + 1]);
      }
      if(target_opt && strcmp(w.v[i], target_opt) == 0 && i + 1 < w.n) {
        free(row.target);
        row.target = mc_xstrdup(w.v[i + 1]);
        break;
      }
      if(!target_opt && w.v[i][0] != '-' && (i == 1 || w.v[i - 1][0] != '-')) {
        free(row.target);
        row.target = mc_xstrdup(w.v[i]);
        break;
      }
    }
  }
  row.argv = w.v;
  row.argc = w.n;
out:
  row_push(p, &row);
}

static mc_code read_csv(const char *text, size_t n, struct mc_batch_plan *p, char *err,
                        size_t errlen)
{
  struct mc_csv csv;
  mc_code rc = mc_csv_parse(text, n, mc_csv_sniff(text, n), &csv, err, errlen);
  if(rc != MC_OK)
    return rc;
  int idx[NCOLS];
  for(size_t c = 0; c < NCOLS; c++)
    idx[c] = -1;
  if(!csv.n) {
    snprintf(err, errlen, "the file is empty");
    rc = MC_ERR_USAGE;
    goto out;
  }
  const struct mc_csv_row *h = &csv.rows[0];
  for(size_t k = 0; k < h->n; k++) {
    char name[64];
    norm_name(h->f[k], name, sizeof name);
    if(password_column(name)) {
      snprintf(err, errlen, "column '%s' would hold passwords, and a batch file is copied, "
               "mailed and kept in version control: put each password in an environment "
               "variable and name it in a password_env column, or in a file named in a "
               "password_file column", h->f[k]);
      rc = MC_ERR_USAGE;
      goto out;
    }
    size_t i = 0;
    while(i < NCOLUMNS && strcmp(columns[i].name, name) != 0)
      i++;
    if(i == NCOLUMNS && name[0] != '#' && name[0]) {
      snprintf(err, errlen, "line %u: unknown column '%s' (columns: check, target, user, "
               "password_env, password_file, exchange_server, auth, security, args, name, "
               "notes)", h->line, h->f[k]);
      rc = MC_ERR_USAGE;
      goto out;
    }
    if(i < NCOLUMNS && columns[i].col != C_IGNORE)
      idx[columns[i].col] = (int)k;
  }
  if(idx[C_CHECK] < 0) {
    snprintf(err, errlen, "line %u: the header row has no 'check' column", h->line);
    rc = MC_ERR_USAGE;
    goto out;
  }
  for(size_t r = 1; r < csv.n; r++) {
    const char *c = field(&csv.rows[r], idx, C_CHECK);
    if(c[0] == '#')
      continue;    /* a commented-out row */
    csv_row(p, &csv.rows[r], idx);
  }
  p->form = "CSV";
out:
  mc_csv_release(&csv);
  return rc;
}

static mc_code read_endpoints(const void *data, size_t n, const char *path,
                              struct mc_batch_plan *p, char *err, size_t errlen)
{
  struct mc_mig_endpoint *eps;
  size_t neps;
  mc_code rc = mc_endpoint_file_parse(data, n, &eps, &neps, &p->form, err, errlen);
  if(rc != MC_OK)
    return rc;
  static const char *const by_type[] = { [MC_EP_REMOTE_MOVE] = "remote-move",
                                         [MC_EP_OUTLOOK_ANYWHERE] = "outlook-anywhere",
                                         [MC_EP_IMAP] = "imap" };
  for(size_t i = 0; i < neps; i++) {
    const struct mc_mig_endpoint *ep = &eps[i];
    struct mc_batch_row row = { .line = ep->line };
    const char *host = mc_endpoint_host(ep);
    row.check = mc_xstrdup(ep->type == MC_EP_OTHER ? ep->type_name : by_type[ep->type]);
    row.target = ep->port && ep->type == MC_EP_IMAP && host ?
                 mc_xasprintf("%s:%d", host, ep->port) : mc_xstrdup(host ? host : "");
    row.user = ep->username ? mc_xstrdup(ep->username) : NULL;
    if(mc_endpoint_type_is_number(ep))
      row.error = mc_endpoint_type_number_error(ep, path);
    else if(ep->type == MC_EP_OTHER)
      row.error = mc_xasprintf("endpoint %zu ('%s') is of type %s: migcheck checks "
                               "ExchangeRemoteMove, ExchangeOutlookAnywhere and IMAP "
                               "endpoints", i + 1, ep->identity, ep->type_name);
    else if(!host)
      row.error = mc_xasprintf("endpoint %zu ('%s') has no %s", i + 1, ep->identity,
                               ep->type == MC_EP_OUTLOOK_ANYWHERE ? "RpcProxyServer" :
                               "RemoteServer");
    else {
      struct words w = { 0 };
      char num[24];
      snprintf(num, sizeof num, "%zu", i + 1);
      word(&w, row.check);
      word(&w, "--endpoint-file");
      word(&w, path);
      word(&w, "--endpoint");
      word(&w, num);
      row.argv = w.v;
      row.argc = w.n;
    }
    row_push(p, &row);
  }
  mc_endpoint_list_free(eps, neps);
  return MC_OK;
}

/* A CSV batch file's header names a check column. */
static bool is_batch_csv(const char *text, size_t n)
{
  size_t i = 0;
  while(i < n && (text[i] == ' ' || text[i] == '\r' || text[i] == '\n'))
    i++;
  const char *nl = memchr(text + i, '\n', n - i);
  size_t ll = nl ? (size_t)(nl - text) - i : n - i;
  char delim = mc_csv_sniff(text + i, ll);
  const char *p = text + i, *end = text + i + ll;
  while(p < end) {
    const char *q = memchr(p, delim, (size_t)(end - p));
    size_t k = q ? (size_t)(q - p) : (size_t)(end - p);
    char cell[32];
    size_t c = 0;
    for(size_t j = 0; j < k && c + 1 < sizeof cell; j++) {
      if(p[j] != '"' && p[j] != ' ' && p[j] != '\r')
        cell[c++] = (char)tolower((unsigned char)p[j]);
    }
    cell[c] = '\0';
    if(strcmp(cell, "check") == 0)
      return true;
    p += k + 1;
  }
  return false;
}

mc_code mc_batch_plan_read(const void *data, size_t n, const char *path,
                           struct mc_batch_plan *plan, char *err, size_t errlen)
{
  memset(plan, 0, sizeof *plan);
  const char *enc = "";
  struct mc_buf text = MC_BUF_INIT(n * 2 + 16);
  mc_code rc = mc_config_decode(data, n, &text, &enc, err, errlen);
  if(rc != MC_OK)
    goto out;
  if(is_batch_csv(text.ptr, text.len))
    rc = read_csv(text.ptr, text.len, plan, err, errlen);
  else
    rc = read_endpoints(data, n, path, plan, err, errlen);
  if(rc == MC_OK && !plan->n) {
    snprintf(err, errlen, "no rows: the file has a header but nothing under it");
    rc = MC_ERR_USAGE;
  }
out:
  mc_buf_release(&text);
  if(rc != MC_OK)
    mc_batch_plan_release(plan);
  return rc;
}

void mc_batch_plan_release(struct mc_batch_plan *plan)
{
  for(size_t i = 0; i < plan->n; i++) {
    struct mc_batch_row *r = &plan->rows[i];
    free(r->check);
    free(r->target);
    free(r->user);
    free(r->password_env);
    free(r->error);
    for(size_t k = 0; k < r->argc; k++)
      free(r->argv[k]);
    free(r->argv);
  }
  free(plan->rows);
  memset(plan, 0, sizeof *plan);
}
