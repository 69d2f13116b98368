/* The MTurk worker -> assignment map that SendBonus needs (pay.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/file.h"
#include "prefmon/csv.h"
#include "prefmon/pay.h"

/* A record of the batch results CSV is one assignment row: 1 MiB is far
 * above any real one (its Answer.* columns included). */
#define RECORD_MAX ((size_t)1 << 20)

void pm_pay_assignments_free(pm_pay_assignments *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n; i++) {
        free((char *)m->v[i].worker);
        free((char *)m->v[i].assignment);
    }
    free(m->v);
    memset(m, 0, sizeof *m);
}

static pm_status add(pm_pay_assignments *m, size_t *cap, const char *w, const char *a,
                     pm_error *err)
{
    if (m->n == *cap) {
        size_t nc = *cap ? 2 * *cap : 64;
        pm_pay_assignment *nv = realloc(m->v, nc * sizeof *nv);
        if (!nv)
            return pm_error_set(err, PM_ENOMEM, "out of memory");
        m->v = nv;
        *cap = nc;
    }
    char *dw = strdup(w), *da = strdup(a);
    if (!dw || !da) {
        free(dw);
        free(da);
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    }
    m->v[m->n].worker = dw;
    m->v[m->n++].assignment = da;
    return PM_OK;
}

/* The index of the header field named `name` (case-insensitive), or -1. */
static long column(const pm_csv *c, const char *name)
{
    size_t nf = pm_csv_nfields(c);
    const pm_csv_field *f = pm_csv_fields(c);
    for (size_t i = 0; i < nf; i++)
        if (strcasecmp(f[i].s, name) == 0)
            return (long)i;
    return -1;
}

pm_status pm_pay_read_assignments(const char *path, pm_pay_assignments *out, pm_error *err)
{
    if (!path || !out)
        return pm_error_set(err, PM_EINVAL, "pm_pay_read_assignments: no path or no map");
    memset(out, 0, sizeof *out);
    FILE *fp = pmx_open_input(path, err);
    if (!fp)
        return PM_EIO;
    pm_csv *c = pm_csv_new(RECORD_MAX, err);
    pm_status st = c ? pm_csv_open(c, fp, path, err) : (err ? err->code : PM_ENOMEM);
    int got = 0;
    if (st == PM_OK && (st = pm_csv_next(c, &got, err)) == PM_OK && !got)
        st = pm_error_at(err, PM_EPARSE, path, 1, 0,
                         "empty file (a header with WorkerId and AssignmentId is expected)");
    long wc = -1, ac = -1;
    if (st == PM_OK) {
        wc = column(c, "WorkerId");
        ac = column(c, "AssignmentId");
        if (wc < 0 || ac < 0)
            st = pm_error_at(err, PM_EPARSE, path, 1, 1,
                             "the header has no %s column (WorkerId and AssignmentId are needed)",
                             wc < 0 ? "WorkerId" : "AssignmentId");
    }
    size_t cap = 0;
    while (st == PM_OK && (st = pm_csv_next(c, &got, err)) == PM_OK && got) {
        size_t nf = pm_csv_nfields(c);
        const pm_csv_field *f = pm_csv_fields(c);
        const char *w = (size_t)wc < nf ? f[wc].s : NULL;
        const char *a = (size_t)ac < nf ? f[ac].s : NULL;
        if (!w || !a || !*w || !*a)
            st = pm_error_at(err, PM_EPARSE, path, pm_csv_line(c), 1,
                             "empty or missing WorkerId or AssignmentId");
        else
            st = add(out, &cap, w, a, err);
    }
    if (st == PM_OK && ferror(fp))
        st = pm_error_set(err, PM_EIO, "%s: read error", path);
    pm_csv_free(c);
    if (fp != stdin)
        fclose(fp);
    if (st != PM_OK)
        pm_pay_assignments_free(out);
    return st;
}
