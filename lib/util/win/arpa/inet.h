/*
 * win/arpa/inet.h - inet_pton and the address structures, from Winsock.
 */
#ifndef MC_UTIL_WIN_ARPA_INET_H
#define MC_UTIL_WIN_ARPA_INET_H

#include <winsock2.h>
#include <ws2tcpip.h>

#endif
