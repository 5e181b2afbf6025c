/*
 * trust.c - the trust store every verification uses: the system's default
 * trust plus the user's --ca-file, built once per process and CA file and
 * shared by the TLS probes and the HTTP client.
 *
 * Parsing the system's CA bundle costs tens of milliseconds (OpenSSL 3
 * decodes each of its ~150 PEM certificates); a check makes a dozen
 * handshakes, and `migcheck batch` forks a row per check, so the bundle is
 * parsed once (before the fork) and each store after that takes the parsed
 * certificates by reference. Where the system's trust is a hashed directory
 * and no bundle is named (SSL_CERT_FILE unset), nothing is parsed up front:
 * certificates are looked up there by subject when a chain needs them.
 * What a store trusts is exactly what X509_STORE_set_default_paths plus
 * X509_STORE_load_file give; only the cost moves.
 */
#include "tls/tls.h"

#include <dirent.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509_vfy.h>

#include "util/util.h"

#define MAX_CACHED 8

struct cached {
  char *ca_file;                /* NULL: the system's trust alone */
  X509_STORE *store;
  bool system_ok, ca_ok;
};

static pthread_once_t system_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static X509_STORE *system_store;  /* the default paths, parsed; NULL when lazy */
static const char *system_dir;    /* set when the hashed directory is enough */
static bool system_ok;
static struct cached cache[MAX_CACHED];
static size_t ncache;

/* Is the default directory hashed (as update-ca-certificates leaves it) and
 * no bundle named by SSL_CERT_FILE? Then the directory alone is the trust. */
static const char *lazy_dir(void)
{
  const char *file = getenv(X509_get_default_cert_file_env());
  if(file && *file)
    return NULL;
  const char *dir = getenv(X509_get_default_cert_dir_env());
  if(!dir || !*dir)
    dir = X509_get_default_cert_dir();
  DIR *d = dir ? opendir(dir) : NULL;
  bool hashed = false;
  if(d) {
    struct dirent *e;
    while(!hashed && (e = readdir(d))) {
      size_t n = strlen(e->d_name);
      hashed = n == 10 && e->d_name[8] == '.' && e->d_name[9] == '0';
    }
    closedir(d);
  }
  return hashed ? dir : NULL;
}

static void load_system(void)
{
  system_dir = lazy_dir();
  if(system_dir) {
    system_ok = true;
    return;
  }
  system_store = X509_STORE_new();
  system_ok = system_store && X509_STORE_set_default_paths(system_store) == 1;
}

/* A new store with the system's trust: the hashed directory, or the parsed
 * certificates and CRLs by reference plus the lookups set_default_paths adds
 * (the default directory and store URI, both consulted only on demand). */
static X509_STORE *system_copy(void)
{
  X509_STORE *st = X509_STORE_new();
  if(!st)
    return NULL;
  if(system_dir) {
    if(X509_STORE_load_path(st, system_dir) != 1)
      goto fail;
    return st;
  }
  if(system_store) {
    STACK_OF(X509_OBJECT) *objs = X509_STORE_get0_objects(system_store);
    for(int i = 0; i < sk_X509_OBJECT_num(objs); i++) {
      X509_OBJECT *o = sk_X509_OBJECT_value(objs, i);
      X509 *x = X509_OBJECT_get0_X509(o);
      X509_CRL *crl = X509_OBJECT_get0_X509_CRL(o);
      if((x && X509_STORE_add_cert(st, x) != 1) || (crl && X509_STORE_add_crl(st, crl) != 1))
        goto fail;
    }
  }
  X509_LOOKUP *dir = X509_STORE_add_lookup(st, X509_LOOKUP_hash_dir());
  X509_LOOKUP *uri = X509_STORE_add_lookup(st, X509_LOOKUP_store());
  if(!dir || !uri)
    goto fail;
  X509_LOOKUP_add_dir(dir, NULL, X509_FILETYPE_DEFAULT);
  X509_LOOKUP_add_store(uri, NULL);
  ERR_clear_error();
  return st;
fail:
  X509_STORE_free(st);
  return NULL;
}

static bool same_file(const char *a, const char *b)
{
  return a == b || (a && b && strcmp(a, b) == 0);
}

void mc_tls_trust_warm(void)
{
  pthread_once(&system_once, load_system);
}

X509_STORE *mc_tls_trust(const char *ca_file, bool *sys_ok, bool *ca_ok)
{
  pthread_once(&system_once, load_system);
  if(ca_file && !*ca_file)
    ca_file = NULL;
  X509_STORE *st = NULL;
  pthread_mutex_lock(&cache_lock);
  for(size_t i = 0; i < ncache && !st; i++) {
    if(same_file(cache[i].ca_file, ca_file)) {
      st = cache[i].store;
      *ca_ok = cache[i].ca_ok;
    }
  }
  if(!st) {
    st = system_copy();
    *ca_ok = !ca_file || (st && X509_STORE_load_file(st, ca_file) == 1);
    ERR_clear_error();
    if(st && ncache < MAX_CACHED) {
      cache[ncache++] = (struct cached){ ca_file ? mc_xstrdup(ca_file) : NULL, st, system_ok,
                                         *ca_ok };
      X509_STORE_up_ref(st);    /* one reference for the cache, one for the caller */
    }
  }
  else {
    X509_STORE_up_ref(st);
  }
  pthread_mutex_unlock(&cache_lock);
  *sys_ok = system_ok;
  return st;
}
