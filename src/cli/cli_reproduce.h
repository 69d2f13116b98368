/*
** prefmon reproduce — shared between the command (cli_reproduce.c: options,
** datasets, calling the library) and its tables (cli_reproduce_tables.c:
** printing the numbers the library computed).
*/
#ifndef PREFMON_CLI_REPRODUCE_H
#define PREFMON_CLI_REPRODUCE_H

#include <stddef.h>

#include "out.h"
#include "prefmon/reproduce.h"

typedef struct repro_run {
    pm_repro_dataset *ds; /* names and paths point into a copy of --dataset */
    size_t nds;
    int default_dataset; /* no --dataset: the sample in data/ */
    pm_calib_opts copts; /* seed and bins (calibrate is per dataset) */
    pm_repro_opts opts;
    pm_repro_self *self; /* owned */
    long gap_ns[PM_REPRO_MAX_GAP_NS];
    int gap_count;
    pm_repro_verdicts verdicts;
    char command[1024]; /* the command line, for the report's subtitle */
} repro_run;

typedef struct repro_table repro_table;

/* The table of that name (see --help), NULL if none. */
const repro_table *repro_table_find(const char *name);

/* Whether it shows contract gaps or the verdicts (needs the Fig. 3 solves). */
int repro_table_needs_gaps(const repro_table *t);

/* Print it on stdout in fmt; returns an exit code. */
int repro_table_emit(const repro_run *r, const repro_table *t, out_format fmt);

/* Every table but items to DIR/NAME.csv (.json, .txt), each written
 * atomically; returns an exit code. */
int repro_tables_write(const repro_run *r, const char *dir, out_format fmt);

#endif
