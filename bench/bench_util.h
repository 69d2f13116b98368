/*
** Shared by the benchmarks: the clocks, and the header every benchmark
** prints first (command, machine, CPU, date, library version), so that
** every figure says where, when and how it was measured. Header-only:
** each benchmark is one program.
*/
#ifndef PREFMON_BENCH_UTIL_H
#define PREFMON_BENCH_UTIL_H

#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "prefmon/version.h"

/* Wall-clock seconds (monotonic). */
static inline double bench_wall(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* CPU seconds of this process: on a shared machine wall time also
 * measures the other tenants. */
static inline double bench_cpu(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static inline void bench_header(int argc, char **argv)
{
    printf("# command:");
    for (int i = 0; i < argc; i++)
        printf(" %s", argv[i]);
    printf("\n");
    struct utsname u;
    if (uname(&u) == 0)
        printf("# machine: %s %s %s %s (%s)\n", u.sysname, u.release, u.version, u.machine,
               u.nodename);
    char line[512], cpu[256] = "unknown";
    FILE *fp = fopen("/proc/cpuinfo", "r");
    while (fp && fgets(line, sizeof line, fp))
        if (!strncmp(line, "model name", 10) && strchr(line, ':')) {
            snprintf(cpu, sizeof cpu, "%s", strchr(line, ':') + 2);
            cpu[strcspn(cpu, "\n")] = '\0';
            break;
        }
    if (fp)
        fclose(fp);
    printf("# cpu:     %s; nproc %ld\n", cpu, sysconf(_SC_NPROCESSORS_ONLN));
    char date[64];
    time_t now = time(NULL);
    strftime(date, sizeof date, "%Y-%m-%d %H:%M:%S UTC", gmtime(&now));
    printf("# date:    %s\n# prefmon: %s\n", date, pm_version());
    fflush(stdout); /* before any figure a benchmark writes to stderr */
}

#endif
