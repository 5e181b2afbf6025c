/*
 * lab.c - the lab's engine: start and stop, listeners, connection threads.
 *
 * Invariants: every socket the lab opens is on 127.0.0.1; every connection
 * runs on its own detached thread that the lab counts, so mc_lab_stop() can
 * shut sockets down and wait for the count to reach zero; handlers use
 * socket timeouts, so none can outlive a stop by more than that timeout.
 *
 * States: start (PKI, then each scenario's start function) -> serving
 * (listener threads accept, handler threads answer) -> stopping (flag set,
 * wake pipe written, listeners joined, live sockets shut down) -> stopped.
 */
#include "lab/lab.h"
#include "lab/pki.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>

#define MAX_LISTENERS 256
#define MAX_CONNS 1024
#define MAX_KEEP 256

struct listener {
  struct mc_lab *lab;
  struct mc_lab_site *site;
  int fd;
  mc_lab_conn_fn fn;
  pthread_t thread;
  bool has_thread;
  bool udp;                      /* fn is called on this thread for each datagram */
};

struct mc_lab {
  char dir[512];
  bool own_dir;
  char ca_file[600];
  struct mc_lab_pki *pki;
  struct mc_lab_site *sites;
  size_t nsites;
  struct listener listeners[MAX_LISTENERS];
  size_t nlisteners;
  int keep[MAX_KEEP];
  size_t nkeep;
  int wake[2];                   /* written at stop to wake listener polls */
  atomic_bool stopping;
  pthread_mutex_t mu;
  pthread_cond_t idle;
  int conns[MAX_CONNS];          /* live connection sockets, -1 when free */
  size_t active;                 /* live handler threads */
};

struct conn_job {
  struct mc_lab *lab;
  struct mc_lab_site *site;
  mc_lab_conn_fn fn;
  int fd;
  int slot;
};

const char *mc_lab_account_password(void)
{
  return "Lab-Secret-7f3a9q";
}

size_t mc_lab_nsites(const struct mc_lab *lab) { return lab->nsites; }
struct mc_lab_site *mc_lab_site_at(struct mc_lab *lab, size_t i) { return &lab->sites[i]; }
const char *mc_lab_ca_file(const struct mc_lab *lab) { return lab->ca_file; }
const char *mc_lab_dir(const struct mc_lab *lab) { return lab->dir; }
bool mc_lab_stopping(const struct mc_lab *lab) { return atomic_load(&lab->stopping); }
struct mc_lab_pki *mc_lab_pki(struct mc_lab *lab) { return lab->pki; }

const struct mc_lab_scenario *mc_lab_find_scenario(const char *name)
{
  for(size_t i = 0; i < mc_lab_nscenarios; i++) {
    if(strcmp(mc_lab_scenarios[i].name, name) == 0)
      return &mc_lab_scenarios[i];
  }
  return NULL;
}

void mc_lab_keep_fd(struct mc_lab *lab, int fd)
{
  pthread_mutex_lock(&lab->mu);
  if(lab->nkeep < MAX_KEEP)
    lab->keep[lab->nkeep++] = fd;
  else
    close(fd);
  pthread_mutex_unlock(&lab->mu);
}

void mc_lab_site_ready(struct mc_lab *lab, struct mc_lab_site *site, int port)
{
  site->port = port;
  snprintf(site->target, sizeof site->target, "%s:%d", site->host, port);
  /* Only checks that speak TLS take --ca-file. */
  bool tls = strcmp(site->sc->check, "ports") != 0;
  static const char *const addrs[] = {
    [MC_LAB_ADDRS_V4] = "127.0.0.1", [MC_LAB_ADDRS_V6_ONLY] = "[::1]",
    [MC_LAB_ADDRS_SECOND_REFUSED] = "127.0.0.1,127.0.0.2",
    [MC_LAB_ADDRS_SECOND_OTHER] = "127.0.0.1,127.0.0.2",
  };
  snprintf(site->args, sizeof site->args, "--resolve %s:%d:%s%s%s", site->host, port,
           addrs[site->sc->addrs], tls ? " --ca-file " : "", tls ? lab->ca_file : "");
  snprintf(site->command, sizeof site->command, "%s %s %s", site->sc->check, site->target,
           site->args);
}

static void *conn_main(void *arg)
{
  struct conn_job *job = arg;
  struct mc_lab *lab = job->lab;
  /* Handlers must never block forever: bound every read and write. */
  struct timeval tv = { .tv_sec = 15 };
  setsockopt(job->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(job->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  job->fn(lab, job->site, job->fd);
  pthread_mutex_lock(&lab->mu);
  if(job->slot >= 0)
    lab->conns[job->slot] = -1;
  lab->active--;
  if(lab->active == 0)
    pthread_cond_broadcast(&lab->idle);
  pthread_mutex_unlock(&lab->mu);
  free(job);
  return NULL;
}

static void spawn(struct listener *l, int fd)
{
  struct mc_lab *lab = l->lab;
  struct conn_job *job = mc_xcalloc(1, sizeof *job);
  job->lab = lab;
  job->site = l->site;
  job->fn = l->fn;
  job->fd = fd;
  job->slot = -1;
  pthread_mutex_lock(&lab->mu);
  if(atomic_load(&lab->stopping)) {
    pthread_mutex_unlock(&lab->mu);
    close(fd);
    free(job);
    return;
  }
  for(int i = 0; i < MAX_CONNS; i++) {
    if(lab->conns[i] < 0) {
      lab->conns[i] = fd;
      job->slot = i;
      break;
    }
  }
  if(job->slot < 0) {
    /* Too many at once: refuse this one rather than grow without bound. */
    pthread_mutex_unlock(&lab->mu);
    close(fd);
    free(job);
    return;
  }
  lab->active++;
  pthread_mutex_unlock(&lab->mu);
  pthread_t t;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_attr_setstacksize(&attr, 256 * 1024);
  if(pthread_create(&t, &attr, conn_main, job) != 0) {
    pthread_mutex_lock(&lab->mu);
    lab->conns[job->slot] = -1;
    lab->active--;
    pthread_mutex_unlock(&lab->mu);
    close(fd);
    free(job);
  }
  pthread_attr_destroy(&attr);
}

static void *listen_main(void *arg)
{
  struct listener *l = arg;
  struct mc_lab *lab = l->lab;
  while(!atomic_load(&lab->stopping)) {
    struct pollfd p[2] = { { .fd = l->fd, .events = POLLIN },
                           { .fd = lab->wake[0], .events = POLLIN } };
    int rc = poll(p, 2, -1);
    if(rc < 0 && errno == EINTR)
      continue;
    if(rc < 0 || (p[1].revents & POLLIN))
      break;
    if((p[0].revents & POLLIN) && l->udp) {
      l->fn(lab, l->site, l->fd);
      continue;
    }
    if(p[0].revents & POLLIN) {
      int fd = accept4(l->fd, NULL, NULL, SOCK_CLOEXEC);
      if(fd >= 0)
        spawn(l, fd);
    }
  }
  return NULL;
}

/* Registers fd as a listener of site; with fn, a thread serves it. */
static mc_code add_listener(struct mc_lab *lab, struct mc_lab_site *site, int fd,
                            mc_lab_conn_fn fn, bool udp)
{
  struct listener *l = &lab->listeners[lab->nlisteners];
  memset(l, 0, sizeof *l);
  l->lab = lab;
  l->site = site;
  l->fd = fd;
  l->fn = fn;
  l->udp = udp;
  if(fn) {
    if(pthread_create(&l->thread, NULL, listen_main, l) != 0) {
      close(fd);
      return MC_ERR_INTERNAL;
    }
    l->has_thread = true;
  }
  lab->nlisteners++;
  return MC_OK;
}

mc_code mc_lab_serve(struct mc_lab *lab, struct mc_lab_site *site, mc_lab_conn_fn fn)
{
  int port;
  mc_code rc = mc_lab_listen(lab, site, 64, fn, &port);
  if(!rc)
    mc_lab_site_ready(lab, site, port);
  return rc;
}

/* A socket of type bound to the loopback address of family (IPv6 only for
 * AF_INET6) on a kernel-picked port, or -1. */
static int bind_loopback(int family, int type, int *port)
{
  int fd = socket(family, type | SOCK_CLOEXEC, 0);
  if(fd < 0)
    return -1;
  int one = 1;
  if((type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC)) == SOCK_STREAM)
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_storage ss = { .ss_family = (sa_family_t)family };
  struct sockaddr_in *v4 = (struct sockaddr_in *)&ss;
  struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&ss;
  if(family == AF_INET6) {
    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    v6->sin6_addr = in6addr_loopback;
  }
  else
    v4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t sl = family == AF_INET6 ? sizeof *v6 : sizeof *v4;
  if(bind(fd, (struct sockaddr *)&ss, sl) < 0 ||
     getsockname(fd, (struct sockaddr *)&ss, &sl) < 0) {
    close(fd);
    return -1;
  }
  *port = ntohs(family == AF_INET6 ? v6->sin6_port : v4->sin_port);
  return fd;
}

int mc_lab_bind_loopback(int type, int *port)
{
  return bind_loopback(AF_INET, type, port);
}


mc_code mc_lab_closed_port(struct mc_lab *lab, int *port)
{
  int fd = mc_lab_bind_loopback(SOCK_STREAM, port);
  if(fd < 0)
    return MC_ERR_IO;
  mc_lab_keep_fd(lab, fd);
  return MC_OK;
}

mc_code mc_lab_listen(struct mc_lab *lab, struct mc_lab_site *site, int backlog,
                      mc_lab_conn_fn fn, int *port)
{
  if(lab->nlisteners == MAX_LISTENERS)
    return MC_ERR_LIMIT;
  int fd = site->sc->addrs == MC_LAB_ADDRS_V6_ONLY ? bind_loopback(AF_INET6, SOCK_STREAM, port) :
           mc_lab_bind_loopback(SOCK_STREAM, port);
  if(fd < 0)
    return MC_ERR_IO;
  if(listen(fd, backlog) < 0) {
    close(fd);
    return MC_ERR_IO;
  }
  return add_listener(lab, site, fd, fn, false);
}

mc_code mc_lab_listen_second(struct mc_lab *lab, struct mc_lab_site *site, int port,
                             mc_lab_conn_fn fn)
{
  if(lab->nlisteners == MAX_LISTENERS)
    return MC_ERR_LIMIT;
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if(fd < 0)
    return MC_ERR_IO;
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK + 1);
  if(bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(fd, 64) < 0) {
    close(fd);
    return MC_ERR_IO;
  }
  return add_listener(lab, site, fd, fn, false);
}

mc_code mc_lab_listen_udp(struct mc_lab *lab, struct mc_lab_site *site, mc_lab_conn_fn fn,
                          int *port)
{
  if(lab->nlisteners == MAX_LISTENERS)
    return MC_ERR_LIMIT;
  int fd = mc_lab_bind_loopback(SOCK_DGRAM | SOCK_NONBLOCK, port);
  if(fd < 0)
    return MC_ERR_IO;
  return add_listener(lab, site, fd, fn, true);
}

static mc_code make_dir(struct mc_lab *lab, const char *dir)
{
  if(dir) {
    if(strchr(dir, ' ') || strlen(dir) > 400) {
      errno = EINVAL;
      return MC_ERR_USAGE;
    }
    if(mkdir(dir, 0700) < 0 && errno != EEXIST)
      return MC_ERR_IO;
    mc_strlcpy(lab->dir, dir, sizeof lab->dir);
    return MC_OK;
  }
  /* Paths go into command lines split at spaces: avoid a TMPDIR with one. */
  const char *tmp = getenv("TMPDIR");
  if(!tmp || !*tmp || strchr(tmp, ' ') || strlen(tmp) > 200)
    tmp = "/tmp";
  snprintf(lab->dir, sizeof lab->dir, "%s/migcheck-lab-XXXXXX", tmp);
  if(!mkdtemp(lab->dir))
    return MC_ERR_IO;
  lab->own_dir = true;
  return MC_OK;
}

mc_code mc_lab_start(struct mc_lab **out, const char *only, const char *dir,
                     char *err, size_t errlen)
{
  *out = NULL;
  const struct mc_lab_scenario *one = NULL;
  if(only && !(one = mc_lab_find_scenario(only))) {
    snprintf(err, errlen, "no lab scenario '%s' ('migcheck lab --list' shows them)", only);
    return MC_ERR_USAGE;
  }
  struct mc_lab *lab = mc_xcalloc(1, sizeof *lab);
  pthread_mutex_init(&lab->mu, NULL);
  pthread_cond_init(&lab->idle, NULL);
  for(int i = 0; i < MAX_CONNS; i++)
    lab->conns[i] = -1;
  if(pipe2(lab->wake, O_CLOEXEC) < 0) {
    snprintf(err, errlen, "cannot start the lab: %s", strerror(errno));
    free(lab);
    return MC_ERR_IO;
  }
  if(make_dir(lab, dir)) {
    snprintf(err, errlen, "cannot make the lab directory '%s': %s",
             dir ? dir : "(temporary)", strerror(errno));
    close(lab->wake[0]);
    close(lab->wake[1]);
    free(lab);
    return MC_ERR_IO;
  }
  snprintf(lab->ca_file, sizeof lab->ca_file, "%s/lab-ca.pem", lab->dir);
  mc_code rc = mc_lab_pki_new(&lab->pki, lab->dir, err, errlen);
  if(rc) {
    mc_lab_stop(lab);
    return rc;
  }
  size_t n = one ? 1 : mc_lab_nscenarios;
  lab->sites = mc_xcalloc(n, sizeof *lab->sites);
  for(size_t i = 0; i < n; i++) {
    const struct mc_lab_scenario *sc = one ? one : &mc_lab_scenarios[i];
    struct mc_lab_site *site = &lab->sites[lab->nsites];
    site->sc = sc;
    snprintf(site->host, sizeof site->host, "%s.lab.test", sc->name);
    lab->nsites++;
    rc = sc->start(lab, site);
    if(rc) {
      snprintf(err, errlen, "cannot start lab scenario '%s': %s", sc->name, mc_code_str(rc));
      mc_lab_stop(lab);
      return rc;
    }
  }
  *out = lab;
  return MC_OK;
}

static void remove_tree(const char *dir)
{
  DIR *d = opendir(dir);
  if(d) {
    struct dirent *e;
    while((e = readdir(d))) {
      if(strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
        continue;
      char path[1024];
      snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
      struct stat st;
      if(lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
        remove_tree(path);
      else
        unlink(path);
    }
    closedir(d);
  }
  rmdir(dir);
}

void mc_lab_stop(struct mc_lab *lab)
{
  if(!lab)
    return;
  atomic_store(&lab->stopping, true);
  if(write(lab->wake[1], "x", 1) < 0) {
    /* Nothing to do: listeners also see the flag on their next wake-up. */
  }
  for(size_t i = 0; i < lab->nlisteners; i++) {
    if(lab->listeners[i].has_thread)
      pthread_join(lab->listeners[i].thread, NULL);
    close(lab->listeners[i].fd);
  }
  pthread_mutex_lock(&lab->mu);
  for(int i = 0; i < MAX_CONNS; i++) {
    if(lab->conns[i] >= 0)
      shutdown(lab->conns[i], SHUT_RDWR);
  }
  while(lab->active > 0)
    pthread_cond_wait(&lab->idle, &lab->mu);
  for(size_t i = 0; i < lab->nkeep; i++)
    close(lab->keep[i]);
  pthread_mutex_unlock(&lab->mu);
  for(size_t i = 0; i < lab->nsites; i++) {
    if(lab->sites[i].priv_free)
      lab->sites[i].priv_free(lab->sites[i].priv);
    else
      free(lab->sites[i].priv);
  }
  free(lab->sites);
  mc_lab_pki_free(lab->pki);
  close(lab->wake[0]);
  close(lab->wake[1]);
  if(lab->own_dir)
    remove_tree(lab->dir);
  pthread_mutex_destroy(&lab->mu);
  pthread_cond_destroy(&lab->idle);
  free(lab);
}
