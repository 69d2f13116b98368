/*
** Internal: what the pages share: a plot series collected point by point (x, y, an
** interval, a hover label) and handed to pm_doc_plot_series. One helper for
** the pages that build series from computed rows (page_weekly.c,
** page_history.c).
*/
#ifndef PREFMON_REPORT_POINTS_H
#define PREFMON_REPORT_POINTS_H

#include <stddef.h>

#include "prefmon/report.h"

typedef struct pmx_points {
    double *x, *y, *lo, *hi;
    const char **labels;
    char (*text)[160]; /* the labels' own storage */
    size_t n;
} pmx_points;

/* Room for cap points (at least one); 0, or -1 when out of memory (then
 * pmx_points_free is still safe). */
int pmx_points_alloc(pmx_points *b, size_t cap);
void pmx_points_free(pmx_points *b);
/* Append one point; the caller allocated room for it. */
void pmx_points_add(pmx_points *b, double x, double y, double lo, double hi, const char *label);
/* The points as one series of p (error bars from lo/hi when errbars). */
pm_status pmx_points_plot(pm_doc_plot *p, const char *name, pm_doc_mark mark, int color,
                          const pmx_points *b, int errbars, pm_error *err);

/* printf into a fixed buffer (the pages' texts are short); returns buf. */
const char *pmx_fmt(char *buf, size_t size, const char *f, ...) PM_PRINTF(3, 4);

/* A number for a table cell by format f: "" when NaN (so it sorts last). */
const char *pmx_cell(char *buf, size_t size, const char *f, double v);

#endif
