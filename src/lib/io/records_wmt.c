/*
** The WMT / Appraise human ranking CSV (WMT manual evaluations 2010-2016:
** 5 system outputs per screen ranked 1..5, ties allowed). Checked against
** the README of the WMT 2012 manual evaluation (statmt.org/wmt12/results.html;
** a copy at Perilon/Meteor_POS wmt_data/wmt12-manual-evaluation/README.txt),
** which defines the columns srclang, trglang, srcIndex (1-based order of the
** source segment), documentId, segmentId (redundant with srcIndex), judgeId,
** system1Number..system5Number, system1Id..system5Id, system1rank..
** system5rank ("A lower rank value indicates better output, and ties are
** allowed. A value of -1 indicates the rank label was left blank."), the
** same header in the WMT14 judgments README ("wmt14-judgments-anonymized.csv",
** the "WMT" format) and in the WMT ranking scripts that read it
** (find-agreed-rankings.pl), and against Appraise's admin CSV export
** (export_results_to_csv: the same leading columns).
**
** Detected by a comma header with judgeId and system1rank. One record per
** row, a ranking (records.h, "Rankings"):
**   annotator  judgeId
**   label      the canonical ranking of the systems systemNId by systemNrank
**              (N = 1, 2, ... as many as the header has); a slot whose Id is
**              empty or whose rank is -1 or empty (left blank) is left out;
**              a row with fewer than 2 ranked systems is an unanswered
**              screen, skipped as empty-label
**   item       srclang-trglang|srcIndex|the ranked ids in byte order joined
**              by '=' (srclang, trglang optional; srcIndex required), so a
**              repeat is the same judge ranking the same outputs of the same
**              segment again
**   no gold, timestamp or duration (the CSV has none).
** Other columns (documentId, segmentId, systemNNumber, ...) are ignored and
** listed. Errors: file:line:col naming the column (a rank that is not a
** number >= 1 or -1, an id holding '>' or '=', a system twice in a row).
*/
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "io/records_internal.h"

/* The system slots' columns live in r->slot_col (the MTurk reader's, unused
 * here): [0] systemNId, [1] systemNrank. */
enum { WMT_SRCLANG, WMT_TRGLANG, WMT_SRCINDEX, WMT_JUDGE, WMT_N };
static const char *const wmt_names[WMT_N] = {"srclang", "trglang", "srcIndex", "judgeId"};

/* N of "system<N><suffix>" (case-insensitive), else 0. */
static long slot_of(const pm_csv_field *f, const char *suffix)
{
    size_t n = strlen(suffix);
    if (f->len <= 6 + n || !pmx_strieq(f->s + f->len - n, suffix))
        return 0;
    char head[7];
    memcpy(head, f->s, 6);
    head[6] = '\0';
    if (!pmx_strieq(head, "system"))
        return 0;
    long v = 0;
    for (size_t i = 6; i < f->len - n; i++) {
        if (f->s[i] < '0' || f->s[i] > '9' || v > PMX_MAX_SLOTS)
            return 0;
        v = v * 10 + (f->s[i] - '0');
    }
    return v;
}

pm_status pmx_wmt_start(pm_records *r, pm_error *err)
{
    pm_csv_dialect(r->csv, ',', 1);
    const pm_csv_field *f;
    size_t nf;
    pm_status st = pmx_header_fields(r, &f, &nf, err);
    if (st)
        return st;
    int col[WMT_N] = {-1, -1, -1, -1};
    r->nslots = 0;
    for (int s = 0; s < PMX_MAX_SLOTS; s++)
        r->slot_col[s][0] = r->slot_col[s][1] = -1;
    r->ignored.len = 0;
    for (size_t i = 0; i < nf; i++) {
        int c = -1;
        for (int k = 0; k < WMT_N; k++)
            if (pmx_strieq(f[i].s, wmt_names[k]))
                c = k;
        long id = slot_of(&f[i], "Id"), rk = slot_of(&f[i], "rank");
        int *dst = c >= 0                           ? &col[c]
                   : id >= 1 && id <= PMX_MAX_SLOTS ? &r->slot_col[id - 1][0]
                   : rk >= 1 && rk <= PMX_MAX_SLOTS ? &r->slot_col[rk - 1][1]
                                                    : NULL;
        if (!dst) {
            if (pmx_ignore_column(r, &f[i], err))
                return PM_ENOMEM;
            continue;
        }
        if (*dst >= 0)
            return pm_error_at(err, PM_EPARSE, r->name, f[i].line, f[i].col,
                               "header: column '%s' appears twice", f[i].s);
        *dst = (int)i;
    }
    if (col[WMT_JUDGE] < 0 || col[WMT_SRCINDEX] < 0)
        return pm_error_at(err, PM_EPARSE, r->name, f[0].line, 0,
                           "missing column '%s' (the WMT ranking CSV needs judgeId, srcIndex, "
                           "system1Id, system1rank, system2Id, system2rank, ...)",
                           col[WMT_JUDGE] < 0 ? "judgeId" : "srcIndex");
    for (int s = 0; s < PMX_MAX_SLOTS; s++) {
        if (r->slot_col[s][0] < 0 && r->slot_col[s][1] < 0)
            continue;
        if (r->slot_col[s][0] < 0 || r->slot_col[s][1] < 0)
            return pm_error_at(err, PM_EPARSE, r->name, f[0].line, 0,
                               "column 'system%d%s' without 'system%d%s'", s + 1,
                               r->slot_col[s][0] < 0 ? "rank" : "Id", s + 1,
                               r->slot_col[s][0] < 0 ? "Id" : "rank");
        r->nslots = s + 1;
    }
    if (r->nslots < 2)
        return pm_error_at(err, PM_EPARSE, r->name, f[0].line, 0,
                           "a WMT ranking CSV needs at least system1Id/system1rank and "
                           "system2Id/system2rank");
    for (int c = 0; c < WMT_N; c++)
        r->col[c] = col[c]; /* r->col is free in this format: reused for these four */
    return PM_OK;
}

static pm_status wmt_key(pm_records *r, const pm_csv_field *f, const char *name, long line,
                         pm_error *err)
{
    if (f->len == 0)
        return pm_error_at(err, PM_EPARSE, r->name, line, f->col, "field '%s' is empty", name);
    return pmx_check_key(r, name, f->s, f->len, line, f->col, err);
}

static pm_status wmt_fill(pm_records *r, const pm_csv_field *f, long line, pm_record *out, int *use,
                          pm_error *err)
{
    pm_status st;
    const pm_csv_field *judge = &f[r->col[WMT_JUDGE]], *src = &f[r->col[WMT_SRCINDEX]];
    if ((st = wmt_key(r, judge, "judgeId", line, err)) ||
        (st = wmt_key(r, src, "srcIndex", line, err)) || (st = pmx_rank_room(r, r->nslots, err)))
        return st;
    size_t k = 0;
    for (int s = 0; s < r->nslots; s++) {
        if (r->slot_col[s][0] < 0)
            continue;
        const pm_csv_field *id = &f[r->slot_col[s][0]], *rk = &f[r->slot_col[s][1]];
        double v;
        int bad = rk->len == 0 || pmx_parse_number_n(rk->s, rk->len, &v) != 0;
        if (id->len == 0 || rk->len == 0 || (!bad && v == -1))
            continue; /* no system in this slot, or its rank left blank */
        if (bad || v < 1) {
            char name[32];
            snprintf(name, sizeof name, "system%drank", s + 1);
            return pm_error_at(err, PM_EPARSE, r->name, line, rk->col,
                               "field '%s': '%.32s' is not a rank (a number >= 1, or -1 for "
                               "blank)",
                               name, rk->s);
        }
        r->rank_e[k++] = (pmx_rank_entry){id->s, id->len, v};
    }
    out->annotator = judge->s;
    if (k < 2) { /* an unanswered screen */
        r->stats.skipped[PM_RECORDS_SKIP_EMPTY_LABEL]++;
        return PM_OK;
    }
    if ((st = pmx_ranking_label(&r->rank_label, r->rank_e, k, r->name, line, "systemNId", err)))
        return st;
    pmx_buf *key = &r->key;
    key->len = 0;
    for (int c = WMT_SRCLANG; c <= WMT_TRGLANG; c++) {
        if (r->col[c] < 0)
            continue;
        const pm_csv_field *x = &f[r->col[c]];
        if ((st = pmx_check_key(r, wmt_names[c], x->s, x->len, line, x->col, err)))
            return st;
        if ((c == WMT_TRGLANG && pmx_buf_add(key, "-", 1)) || pmx_buf_add(key, x->s, x->len))
            return pm_error_set(err, PM_ENOMEM, "out of memory");
    }
    if ((key->len && pmx_buf_add(key, "|", 1)) || pmx_buf_add(key, src->s, src->len))
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    if ((st = pmx_ranking_item(&r->rank_item, key->s, key->len, r->rank_e, k, err)))
        return st;
    out->label = r->rank_label.s;
    out->item = r->rank_item.s;
    out->ranking = 1;
    if (pmx_gold_get(&r->gold, out->item))
        return pm_error_at(err, PM_EPARSE, r->name, line, 0,
                           "the gold file gives a gold label for ranking item '%.64s': gold "
                           "rankings are not supported (doc/assess.md, Rankings)",
                           out->item);
    *use = 1;
    return PM_OK;
}

pm_status pmx_wmt_record(pm_records *r, pm_record *out, int *got, pm_error *err)
{
    for (;;) {
        pmx_csv_row in;
        pm_status st = pmx_next_row(r, got, &in, err);
        if (st || !*got)
            return st;
        if (in.nf != (size_t)r->ncols)
            return pm_error_at(err, PM_EPARSE, r->name, in.line,
                               in.nf > (size_t)r->ncols ? in.f[r->ncols].col : 0,
                               "row has %zu fields but the header has %d", in.nf, r->ncols);
        memset(out, 0, sizeof *out);
        out->file = r->name;
        out->line = in.line;
        out->timestamp = out->duration = NAN;
        r->stats.rows_read++;
        int use = 0;
        if ((st = wmt_fill(r, in.f, in.line, out, &use, err)))
            return st;
        if (use) {
            r->stats.rows_used++;
            return PM_OK;
        }
    }
}
