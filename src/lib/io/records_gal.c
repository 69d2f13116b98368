/*
** Get-Another-Label (Ipeirotis et al.) input: worker TAB item TAB label,
** no header, no quoting (github.com/ipeirotis/Get-Another-Label, data/<set>/
** labels.txt). Gold comes separately (pm_records_read_gold, gold.txt). The
** rows are then the generic format with a fixed header.
*/
#include "io/records_internal.h"

pm_status pmx_gal_start(pm_records *r, pm_error *err)
{
    pm_csv_dialect(r->csv, '\t', 0);
    for (int c = 0; c < PMX_COL_N; c++)
        r->col[c] = -1;
    r->col[PMX_COL_ANNOTATOR] = 0;
    r->col[PMX_COL_ITEM] = 1;
    r->col[PMX_COL_LABEL] = 2;
    r->ncols = 3;
    r->pair_ids = 0;
    r->ignored.len = 0;
    return PM_OK;
}

pm_status pmx_gal_record(pm_records *r, pm_record *out, int *got, pm_error *err)
{
    for (;;) {
        pmx_csv_row in;
        pm_status st = pmx_next_row(r, got, &in, err);
        if (st || !*got)
            return st;
        const pm_csv_field *f = in.f;
        size_t nf = in.nf;
        long line = in.line;
        if (nf != 3)
            return pm_error_at(err, PM_EPARSE, r->name, line, nf > 3 ? f[3].col : 0,
                               "row has %zu tab-separated fields; Get-Another-Label rows are "
                               "worker<TAB>item<TAB>label",
                               nf);
        pmx_row row = {{0}, {0}, {0}, 0};
        for (int c = 0; c < 3; c++) {
            row.v[c] = f[c].s;
            row.len[c] = f[c].len;
            row.col[c] = f[c].col;
        }
        int use;
        if ((st = pmx_generic_record(r, &row, line, out, &use, err)))
            return st;
        if (use)
            return PM_OK;
    }
}
