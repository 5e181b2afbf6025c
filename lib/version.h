/* version.h - migcheck's version, one place. */
#ifndef MC_VERSION_H
#define MC_VERSION_H
#define MC_VERSION "0.1.0"
#endif
