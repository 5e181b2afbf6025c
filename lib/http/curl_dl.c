/*
 * curl_dl.c - libcurl loaded on first use (see curl_dl.h).
 */
#include "http/curl_dl.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pthread_once_t once = PTHREAD_ONCE_INIT;
static struct mc_curl_api real;
static bool loaded;
static char why_not[512];

/* ---- the stand-ins: each fails as libcurl's own function can ---- */

static CURLcode no_global_init(long flags) { (void)flags; return CURLE_FAILED_INIT; }
static CURL *no_easy_init(void) { return NULL; }
static void no_easy_cleanup(CURL *curl) { (void)curl; }
static CURLcode no_easy_setopt(CURL *curl, CURLoption option, ...)
{
  (void)curl; (void)option;
  return CURLE_FAILED_INIT;
}
static CURLcode no_easy_getinfo(CURL *curl, CURLINFO info, ...)
{
  (void)curl; (void)info;
  return CURLE_FAILED_INIT;
}
static CURLcode no_easy_perform(CURL *curl) { (void)curl; return CURLE_FAILED_INIT; }
static CURLcode no_easy_pause(CURL *curl, int bitmask)
{
  (void)curl; (void)bitmask;
  return CURLE_FAILED_INIT;
}
static const char *no_easy_strerror(CURLcode code)
{
  (void)code;
  return why_not[0] ? why_not : "libcurl could not be loaded";
}
static struct curl_slist *no_slist_append(struct curl_slist *list, const char *data)
{
  (void)list; (void)data;
  return NULL;
}
static void no_slist_free_all(struct curl_slist *list) { (void)list; }
static CURLM *no_multi_init(void) { return NULL; }
static CURLMcode no_multi_cleanup(CURLM *multi) { (void)multi; return CURLM_BAD_HANDLE; }
static CURLMcode no_multi_add_handle(CURLM *multi, CURL *curl)
{
  (void)multi; (void)curl;
  return CURLM_BAD_HANDLE;
}
static CURLMcode no_multi_remove_handle(CURLM *multi, CURL *curl)
{
  (void)multi; (void)curl;
  return CURLM_BAD_HANDLE;
}
static CURLMcode no_multi_perform(CURLM *multi, int *running)
{
  (void)multi;
  if(running)
    *running = 0;
  return CURLM_BAD_HANDLE;
}
static CURLMcode no_multi_poll(CURLM *multi, struct curl_waitfd extra[], unsigned int nextra,
                               int timeout_ms, int *ret)
{
  (void)multi; (void)extra; (void)nextra; (void)timeout_ms;
  if(ret)
    *ret = 0;
  return CURLM_BAD_HANDLE;
}
static CURLMsg *no_multi_info_read(CURLM *multi, int *left)
{
  (void)multi;
  if(left)
    *left = 0;
  return NULL;
}
static CURLSH *no_share_init(void) { return NULL; }
static CURLSHcode no_share_setopt(CURLSH *share, CURLSHoption option, ...)
{
  (void)share; (void)option;
  return CURLSHE_INVALID;
}
static CURLSHcode no_share_cleanup(CURLSH *share) { (void)share; return CURLSHE_INVALID; }

static const struct mc_curl_api none = {
  no_global_init, no_easy_init, no_easy_cleanup, no_easy_setopt, no_easy_getinfo,
  no_easy_perform, no_easy_pause, no_easy_strerror, no_slist_append, no_slist_free_all,
  no_multi_init, no_multi_cleanup, no_multi_add_handle, no_multi_remove_handle,
  no_multi_perform, no_multi_poll, no_multi_info_read, no_share_init, no_share_setopt,
  no_share_cleanup,
};

/* ---- loading ---- */

/* The address of symbol name in lib (loaded from file) into *slot (a
 * function pointer's bytes: ISO C has no cast from void * to one); false
 * when it is not there. */
static bool sym(void *lib, const char *file, const char *name, void *slot, size_t size)
{
  void *p = dlsym(lib, name);
  if(!p) {
    snprintf(why_not, sizeof why_not, "%s has no %s (libcurl 7.66 or later is needed)", file,
             name);
    return false;
  }
  memcpy(slot, &p, size);
  return true;
}

#define SYM(field) sym(lib, file, "curl_" #field, &api.field, sizeof api.field)

static void load(void)
{
  const char *file = getenv("MIGCHECK_LIBCURL");
  if(!file || !*file)
    file = MC_LIBCURL;
  void *lib = dlopen(file, RTLD_NOW | RTLD_LOCAL);
  if(!lib) {
    const char *e = dlerror();
    snprintf(why_not, sizeof why_not, "%s", e ? e : file);
    return;
  }
  struct mc_curl_api api;
  if(!(SYM(global_init) && SYM(easy_init) && SYM(easy_cleanup) && SYM(easy_setopt) &&
       SYM(easy_getinfo) && SYM(easy_perform) && SYM(easy_pause) && SYM(easy_strerror) &&
       SYM(slist_append) && SYM(slist_free_all) && SYM(multi_init) && SYM(multi_cleanup) &&
       SYM(multi_add_handle) && SYM(multi_remove_handle) && SYM(multi_perform) &&
       SYM(multi_poll) && SYM(multi_info_read) && SYM(share_init) && SYM(share_setopt) &&
       SYM(share_cleanup))) {
    dlclose(lib);
    return;
  }
  real = api;
  loaded = true;                  /* the library stays loaded until exit */
}

bool mc_curl_load(const char **why)
{
  pthread_once(&once, load);
  if(!loaded && why)
    *why = why_not;
  return loaded;
}

const struct mc_curl_api *mc_curl_api(void)
{
  pthread_once(&once, load);
  return loaded ? &real : &none;
}
