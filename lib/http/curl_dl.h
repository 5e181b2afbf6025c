/*
 * curl_dl.h - libcurl, loaded when the first command that goes on the
 * network needs it, not when migcheck starts.
 *
 * libcurl brings 27 more shared libraries (LDAP, Kerberos, GnuTLS, SSH,
 * RTMP ...); loading them at start cost every run 8 to 10 ms (a page fault
 * each 4 KiB of them on a virtual machine), a twentieth of `migcheck logs`
 * on 1 GB, and the offline commands (logs, config, explain, causes) use
 * none of it. Include this instead of <curl/curl.h>: the curl_* functions
 * the code calls are macros for the loaded library's, through
 * mc_curl_api(). Should libcurl not load, they fail as libcurl itself
 * fails (NULL handles, CURLE_FAILED_INIT), and mc_curl_load() says why.
 * curl's own type checks of the values given to curl_easy_setopt() are
 * macros of the same names, turned off here; with Debian 12's GCC 12 and
 * libcurl 7.88 they warned of nothing anyway (a string given for
 * CURLOPT_CONNECTTIMEOUT_MS compiled without a word, at -O2).
 */
#ifndef MC_HTTP_CURL_DL_H
#define MC_HTTP_CURL_DL_H

#ifndef CURL_DISABLE_TYPECHECK
#define CURL_DISABLE_TYPECHECK
#endif
#include <curl/curl.h>

#include <stdbool.h>
#include <stddef.h>

/* The soname loaded, unless MIGCHECK_LIBCURL names another file. */
#define MC_LIBCURL "libcurl.so.4"

struct mc_curl_api {
  CURLcode (*global_init)(long flags);
  CURL *(*easy_init)(void);
  void (*easy_cleanup)(CURL *curl);
  CURLcode (*easy_setopt)(CURL *curl, CURLoption option, ...);
  CURLcode (*easy_getinfo)(CURL *curl, CURLINFO info, ...);
  CURLcode (*easy_perform)(CURL *curl);
  CURLcode (*easy_pause)(CURL *curl, int bitmask);
  const char *(*easy_strerror)(CURLcode code);
  struct curl_slist *(*slist_append)(struct curl_slist *list, const char *data);
  void (*slist_free_all)(struct curl_slist *list);
  CURLM *(*multi_init)(void);
  CURLMcode (*multi_cleanup)(CURLM *multi);
  CURLMcode (*multi_add_handle)(CURLM *multi, CURL *curl);
  CURLMcode (*multi_remove_handle)(CURLM *multi, CURL *curl);
  CURLMcode (*multi_perform)(CURLM *multi, int *running);
  CURLMcode (*multi_poll)(CURLM *multi, struct curl_waitfd extra[], unsigned int nextra,
                          int timeout_ms, int *ret);
  CURLMsg *(*multi_info_read)(CURLM *multi, int *left);
  CURLSH *(*share_init)(void);
  CURLSHcode (*share_setopt)(CURLSH *share, CURLSHoption option, ...);
  CURLSHcode (*share_cleanup)(CURLSH *share);
};

/* Loads libcurl once (thread-safe); false when it cannot be, why in *why
 * (a static text) when why is not NULL. */
bool mc_curl_load(const char **why);

/* The loaded library's functions; stand-ins that fail when it did not
 * load. */
const struct mc_curl_api *mc_curl_api(void);

/* curl.h defines these three as calls of themselves once its type checks
 * are off. */
#undef curl_easy_setopt
#undef curl_easy_getinfo
#undef curl_share_setopt
#define curl_global_init (mc_curl_api()->global_init)
#define curl_easy_init (mc_curl_api()->easy_init)
#define curl_easy_cleanup (mc_curl_api()->easy_cleanup)
#define curl_easy_setopt (mc_curl_api()->easy_setopt)
#define curl_easy_getinfo (mc_curl_api()->easy_getinfo)
#define curl_easy_perform (mc_curl_api()->easy_perform)
#define curl_easy_pause (mc_curl_api()->easy_pause)
#define curl_easy_strerror (mc_curl_api()->easy_strerror)
#define curl_slist_append (mc_curl_api()->slist_append)
#define curl_slist_free_all (mc_curl_api()->slist_free_all)
#define curl_multi_init (mc_curl_api()->multi_init)
#define curl_multi_cleanup (mc_curl_api()->multi_cleanup)
#define curl_multi_add_handle (mc_curl_api()->multi_add_handle)
#define curl_multi_remove_handle (mc_curl_api()->multi_remove_handle)
#define curl_multi_perform (mc_curl_api()->multi_perform)
#define curl_multi_poll (mc_curl_api()->multi_poll)
#define curl_multi_info_read (mc_curl_api()->multi_info_read)
#define curl_share_init (mc_curl_api()->share_init)
#define curl_share_setopt (mc_curl_api()->share_setopt)
#define curl_share_cleanup (mc_curl_api()->share_cleanup)

#endif
