/*
** prefmon reproduce — shared between the command (cli_reproduce.c: options,
** computing, tables, verdicts) and its HTML report (cli_reproduce_html.c).
*/
#ifndef PREFMON_CLI_REPRODUCE_H
#define PREFMON_CLI_REPRODUCE_H

#include <stddef.h>

#include "out.h"
#include "prefmon/calib.h"
#include "prefmon/reproduce.h"

typedef struct repro_ds {
    char *name;       /* as given (owned) */
    const char *path; /* borrowed from argv */
    int calibrate;
    size_t rows; /* preference rows read */
    double *raw; /* their unfolded p (owned) */
    pm_calib_result cal;
    pm_repro_expert *ex; /* owned */
} repro_ds;

/* A verdict on one of the paper's claims: 0 info, 1 yes, 2 no, 3 mixed
 * (pm_doc_verdict's values). */
#define REPRO_CLAIMS 5
typedef struct repro_verdict {
    const char *id; /* short name, e.g. "self-beats-expert" */
    const char *claim;
    int verdict;
    char finding[1536];
} repro_verdict;

typedef struct repro_run {
    repro_ds *ds;
    size_t nds;
    int default_dataset; /* no --dataset: the sample in data/ */
    pm_calib_opts copts; /* seed and bins (calibrate is per dataset) */
    pm_repro_opts opts;
    pm_repro_self *self; /* owned */
    long gap_ns[PM_REPRO_MAX_GAP_NS];
    int gap_count;
    repro_verdict verdicts[REPRO_CLAIMS];
    char command[1024]; /* the command line, for the report's subtitle */
} repro_run;

/* Index of the (eta0, eta1) pair in the Fig. 1 grid. */
#define REPRO_LB_ETA0_08 2
#define REPRO_LB_ETA1_1 0

/* Write the HTML report to path (atomically); returns an exit code. */
int repro_write_html(const repro_run *r, const char *path);

/* The verdict names as the tables print them ("info", "yes", "no",
 * "mixed"). */
const char *repro_verdict_name(int v);

#endif
