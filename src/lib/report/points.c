/* A plot series collected point by point (report/points.h). */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/points.h"

int pmx_points_alloc(pmx_points *b, size_t cap)
{
    memset(b, 0, sizeof *b);
    cap = cap ? cap : 1;
    b->x = malloc(cap * sizeof *b->x);
    b->y = malloc(cap * sizeof *b->y);
    b->lo = malloc(cap * sizeof *b->lo);
    b->hi = malloc(cap * sizeof *b->hi);
    b->labels = malloc(cap * sizeof *b->labels);
    b->text = malloc(cap * sizeof *b->text);
    return b->x && b->y && b->lo && b->hi && b->labels && b->text ? 0 : -1;
}

void pmx_points_free(pmx_points *b)
{
    free(b->x);
    free(b->y);
    free(b->lo);
    free(b->hi);
    free(b->labels);
    free(b->text);
    memset(b, 0, sizeof *b);
}

void pmx_points_add(pmx_points *b, double x, double y, double lo, double hi, const char *label)
{
    b->x[b->n] = x, b->y[b->n] = y, b->lo[b->n] = lo, b->hi[b->n] = hi;
    snprintf(b->text[b->n], sizeof b->text[b->n], "%s", label);
    b->labels[b->n] = b->text[b->n];
    b->n++;
}

pm_status pmx_points_plot(pm_doc_plot *p, const char *name, pm_doc_mark mark, int color,
                          const pmx_points *b, int errbars, pm_error *err)
{
    pm_doc_series s = {.name = name,
                       .mark = mark,
                       .color = color,
                       .x = b->x,
                       .y = b->y,
                       .ylo = errbars ? b->lo : NULL,
                       .yhi = errbars ? b->hi : NULL,
                       .labels = b->labels,
                       .count = b->n};
    return pm_doc_plot_series(p, &s, err);
}

const char *pmx_fmt(char *buf, size_t size, const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    vsnprintf(buf, size, f, ap);
    va_end(ap);
    return buf;
}

const char *pmx_cell(char *buf, size_t size, const char *f, double v)
{
    if (isnan(v))
        return "";
    snprintf(buf, size, f, v);
    return buf;
}
