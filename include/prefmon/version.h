/*
** prefmon — version information: the version of the headers a program was
** compiled with (the PM_VERSION_* macros) and of the library it runs with
** (pm_version, pm_version_number). A program that needs a feature added in
** a minor release checks pm_version_number() >= the packed number at run
** time, since a newer shared library of the same SOVERSION may be loaded.
*/
#ifndef PREFMON_VERSION_H
#define PREFMON_VERSION_H

#include "prefmon/export.h"

PM_BEGIN_DECLS

#define PM_VERSION_MAJOR 0
#define PM_VERSION_MINOR 1
#define PM_VERSION_PATCH 0
#define PM_VERSION_STRING "0.1.0"
/** Packed version, (major << 16) | (minor << 8) | patch. */
#define PM_VERSION_NUMBER ((PM_VERSION_MAJOR << 16) | (PM_VERSION_MINOR << 8) | PM_VERSION_PATCH)

/** The library's version string at run time (compare with PM_VERSION_STRING). */
PM_API const char *pm_version(void);

/** The library's packed version at run time (compare with PM_VERSION_NUMBER). */
PM_API unsigned long pm_version_number(void);

PM_END_DECLS

#endif
