/*
** prefmon — version information.
*/
#ifndef PREFMON_VERSION_H
#define PREFMON_VERSION_H

#define PM_VERSION_MAJOR 0
#define PM_VERSION_MINOR 1
#define PM_VERSION_PATCH 0
#define PM_VERSION_STRING "0.1.0"
/** Packed version, (major << 16) | (minor << 8) | patch. */
#define PM_VERSION_NUMBER ((PM_VERSION_MAJOR << 16) | (PM_VERSION_MINOR << 8) | PM_VERSION_PATCH)

/** The library's version string at run time (compare with PM_VERSION_STRING). */
const char *pm_version(void);

#endif
