/*
** MT-Bench human judgments (Zheng et al. 2023, lmsys/mt_bench_human_judgments):
** TSV or CSV with a header containing question_id, model_a, model_b, turn,
** judge, winner (other columns such as category, conversation_a, tstamp are
** ignored). The judge is the annotator; the item is the question, the turn
** and the unordered model pair "question|turn|min|max" (byte order of the
** names), so that a repeat with the models swapped is the same item. label
** A when the smaller-named model won, B when the other did, tie for "tie"
** and "tie (bothbad)". shown_left is unknown (0): the release's model_a /
** model_b order is not the order the judge saw (in the embedded file model_a
** is mostly the weaker model: llama-13b 555 times, while model_b is mostly
** claude-v1 / gpt-3.5 / gpt-4), so reading it as a side would make every
** careful judge look like a same-side clicker.
** An optional tstamp column (epoch seconds in the lmsys release) is the
** timestamp.
*/
#include <ctype.h>
#include <math.h>
#include <string.h>

#include "io/records_internal.h"

static const char *const mt_names[PMX_MT_N] = {"question_id", "model_a", "model_b",
                                               "turn",        "judge",   "winner"};

static int mt_column(const pm_csv_field *f)
{
    for (int c = 0; c < PMX_MT_N; c++)
        if (pmx_strieq(f->s, mt_names[c]))
            return c;
    return -1;
}

pm_status pmx_mtbench_start(pm_records *r, pm_error *err)
{
    const unsigned char *p;
    size_t n = pm_csv_peek(r->csv, &p);
    const unsigned char *nl = memchr(p, '\n', n);
    int tab = memchr(p, '\t', nl ? (size_t)(nl - p) : n) != NULL;
    pm_csv_dialect(r->csv, tab ? '\t' : ',', !tab);
    int got;
    pm_status st = pm_csv_next(r->csv, &got, err);
    if (st)
        return st;
    if (!got)
        return pm_error_at(err, PM_EPARSE, r->name, 1, 0, "no records: the file is empty");
    const pm_csv_field *f = pm_csv_fields(r->csv);
    size_t nf = pm_csv_nfields(r->csv);
    for (int c = 0; c < PMX_COL_N; c++)
        r->col[c] = -1;
    r->ncols = (int)nf;
    r->ignored.len = 0;
    for (size_t i = 0; i < nf; i++) {
        int c = pmx_strieq(f[i].s, "tstamp") ? PMX_MT_TSTAMP : mt_column(&f[i]);
        if (c < 0) {
            if (pmx_ignore_column(r, &f[i], err))
                return PM_ENOMEM;
            continue;
        }
        if (r->col[c] >= 0)
            return pm_error_at(err, PM_EPARSE, r->name, f[i].line, f[i].col,
                               "header: column '%s' appears twice", f[i].s);
        r->col[c] = (int)i;
    }
    for (int c = 0; c < PMX_MT_N; c++)
        if (r->col[c] < 0)
            return pm_error_at(err, PM_EPARSE, r->name, f[0].line, 0,
                               "missing column '%s' (MT-Bench needs question_id, model_a, "
                               "model_b, turn, judge, winner)",
                               mt_names[c]);
    return PM_OK;
}

static pm_status mt_key(pm_records *r, const pm_csv_field *f, int c, long line, pm_error *err)
{
    if (f->len == 0)
        return pm_error_at(err, PM_EPARSE, r->name, line, f->col, "field '%s' is empty",
                           mt_names[c]);
    return pmx_check_key(r, mt_names[c], f->s, f->len, line, f->col, err);
}

int pmx_pair_verdict(pmx_buf *key, const char *prefix, size_t plen, const char *ma, size_t malen,
                     const char *mb, size_t mblen, const char *winner, const char **label,
                     int *a_low)
{
    size_t n = malen < mblen ? malen : mblen;
    int cmp = memcmp(ma, mb, n);
    if (cmp == 0)
        cmp = malen < mblen ? -1 : malen > mblen;
    if (cmp == 0)
        return PMX_PAIR_SAME;
    *a_low = cmp < 0;
    if (pmx_strieq(winner, "model_a"))
        *label = cmp < 0 ? "A" : "B";
    else if (pmx_strieq(winner, "model_b"))
        *label = cmp < 0 ? "B" : "A";
    else if (pmx_strieq(winner, "tie") || pmx_strieq(winner, "tie (bothbad)"))
        *label = "tie";
    else
        return PMX_PAIR_WINNER;
    const char *lo = cmp < 0 ? ma : mb, *hi = cmp < 0 ? mb : ma;
    size_t lolen = cmp < 0 ? malen : mblen, hilen = cmp < 0 ? mblen : malen;
    if (pmx_buf_set(key, prefix, plen) || pmx_buf_add(key, "|", 1) || pmx_buf_add(key, lo, lolen) ||
        pmx_buf_add(key, "|", 1) || pmx_buf_add(key, hi, hilen))
        return -1;
    return 0;
}

static pm_status mt_fill(pm_records *r, const pm_csv_field *f, long line, pm_record *out,
                         pm_error *err)
{
    const int *col = r->col;
    pm_status st;
    for (int c = 0; c < PMX_MT_N; c++)
        if ((st = mt_key(r, &f[col[c]], c, line, err)))
            return st;
    const pm_csv_field *ma = &f[col[PMX_MT_MODEL_A]], *mb = &f[col[PMX_MT_MODEL_B]];
    const pm_csv_field *w = &f[col[PMX_MT_WINNER]];
    const pm_csv_field *q = &f[col[PMX_MT_QUESTION]], *t = &f[col[PMX_MT_TURN]];
    if (pmx_buf_set(&r->key2, q->s, q->len) || pmx_buf_add(&r->key2, "|", 1) ||
        pmx_buf_add(&r->key2, t->s, t->len))
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    int a_low, rc = pmx_pair_verdict(&r->key, r->key2.s, r->key2.len, ma->s, ma->len, mb->s,
                                     mb->len, w->s, &out->label, &a_low);
    if (rc < 0)
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    if (rc == PMX_PAIR_SAME)
        return pm_error_at(err, PM_EPARSE, r->name, line, mb->col,
                           "field 'model_b': same model '%s' as model_a", mb->s);
    if (rc == PMX_PAIR_WINNER)
        return pm_error_at(err, PM_EPARSE, r->name, line, w->col,
                           "field 'winner': '%s' is not model_a, model_b, tie or tie (bothbad)",
                           w->s);
    out->item = r->key.s;
    out->annotator = f[col[PMX_MT_JUDGE]].s;
    out->shown_left = 0; /* not in the export: see the header comment */
    out->gold = pmx_gold_get(&r->gold, out->item);
    const pm_csv_field *ts = col[PMX_MT_TSTAMP] >= 0 ? &f[col[PMX_MT_TSTAMP]] : NULL;
    int bad = ts && ts->len ? pmx_parse_time(ts->s, &out->timestamp) : 0;
    if (bad > 0)
        return pm_error_at(err, PM_EPARSE, r->name, line, ts->col,
                           "field 'tstamp': '%s' is not a possible time: %s", ts->s,
                           pmx_time_problem(bad));
    if (bad)
        return pm_error_at(err, PM_EPARSE, r->name, line, ts->col,
                           "field 'tstamp': '%s' is not epoch seconds or an ISO 8601 time", ts->s);
    return PM_OK;
}

pm_status pmx_mtbench_record(pm_records *r, pm_record *out, int *got, pm_error *err)
{
    pmx_csv_row in;
    pm_status st = pmx_next_row(r, got, &in, err);
    if (st || !*got)
        return st;
    const pm_csv_field *f = in.f;
    size_t nf = in.nf;
    long line = in.line;
    if (nf != (size_t)r->ncols)
        return pm_error_at(err, PM_EPARSE, r->name, line,
                           nf > (size_t)r->ncols ? f[r->ncols].col : 0,
                           "row has %zu fields but the header has %d", nf, r->ncols);
    memset(out, 0, sizeof *out);
    out->file = r->name;
    out->line = line;
    out->timestamp = out->duration = NAN;
    r->stats.rows_read++;
    if ((st = mt_fill(r, f, line, out, err)))
        return st;
    r->stats.rows_used++;
    return PM_OK;
}
