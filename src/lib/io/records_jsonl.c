/*
** The generic long format as JSON Lines: one object per line with the
** same keys as the CSV header (annotator|worker|performer, item|task,
** label, gold, timestamp, duration, shown_left, or worker,left,right,label).
** Values are strings or numbers (ids printed as integers, others with
** %.17g); null means absent. Unknown keys are ignored. Lines are read by
** the bounded line reader (max_line), so a line never costs more memory.
**
** Rankings (records.h, "Rankings"): a line with a "ranking" key instead of
** "label" is one ranking of k >= 2 responses by the annotator, in one of
** three shapes, best first:
**   "ranking": ["r2", "r1", "r3"]            a strict order;
**   "ranking": [["r2"], ["r1", "r3"]]        rank groups, ties inside a
**                                            group (a string element is a
**                                            group of one: ["r2", ["r1","r3"]]);
**   "ranking": {"r1": 2, "r2": 1, "r3": 2}   id -> rank, lower is better,
**                                            equal ranks tie.
** The label is the canonical ranking ("r2>r1=r3"), the item key the given
** item followed by '|' and the ranked ids in byte order joined by '='
** ("q1|r1=r2=r3"), so a repeat is the same annotator ranking the same set
** of the same item again. A ranking line may not have label, gold,
** shown_left or left/right (gold rankings are refused: doc/assess.md);
** an empty ranking ([] or {}) is an unanswered one, skipped as
** empty-label. Errors name the line and the key 'ranking'.
*/
#include <stdio.h>
#include <string.h>

#include "io/records_internal.h"

pm_status pmx_jsonl_start(pm_records *r, pm_error *err)
{
    pm_csv_dialect(r->csv, '\0', 0);
    r->ignored.len = 0;
    return PM_OK;
}

static int blank(const char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '\r')
        s++;
    return *s == '\0';
}

/* Field c of the row from value v; numbers go to r->num[slot]. */
static pm_status take(pm_records *r, pmx_row *row, int c, json_t *v, const char *name, long line,
                      int *slot, pm_error *err)
{
    if (json_is_null(v))
        return PM_OK;
    if (json_is_string(v)) {
        row->v[c] = json_string_value(v);
        row->len[c] = json_string_length(v);
        if (memchr(row->v[c], '\0', row->len[c]))
            return pm_error_at(err, PM_EPARSE, r->name, line, 0,
                               "key '%s': the string contains a NUL character (\\u0000)", name);
        return PM_OK;
    }
    if (!json_is_number(v) || *slot >= PMX_COL_N)
        return pm_error_at(err, PM_EPARSE, r->name, line, 0,
                           "key '%s': expected a string or a number", name);
    char *b = r->num[(*slot)++];
    if (json_is_integer(v))
        snprintf(b, sizeof r->num[0], "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    else
        snprintf(b, sizeof r->num[0], "%.17g", json_real_value(v));
    row->v[c] = b;
    row->len[c] = strlen(b);
    return PM_OK;
}

static pm_status parse_line(pm_records *r, const pm_csv_field *f, long line, pmx_row *row,
                            pm_error *err)
{
    json_error_t je;
    json_decref(r->line_json);
    r->line_json = json_loadb(f->s, f->len, JSON_REJECT_DUPLICATES, &je);
    if (!r->line_json)
        return pm_error_at(err, PM_EPARSE, r->name, line, je.column > 0 ? je.column : 0,
                           "not a JSON object: %s", je.text);
    if (!json_is_object(r->line_json))
        return pm_error_at(err, PM_EPARSE, r->name, line, 1,
                           "a JSON Lines record must be an object {...}");
    memset(row, 0, sizeof *row);
    const char *k;
    json_t *v;
    const char *seen[PMX_COL_N] = {0};
    int slot = 0;
    pm_status st;
    for (int c = 0; c < PMX_COL_N; c++)
        r->col[c] = -1;
    json_object_foreach(r->line_json, k, v)
    {
        int c = pmx_map_column(r, k, strlen(k));
        if (c < 0)
            continue;
        if (seen[c])
            return pm_error_at(err, PM_EPARSE, r->name, line, 0,
                               "keys '%s' and '%s' both give the %s; keep one", seen[c], k,
                               pmx_column_name(c));
        seen[c] = k;
        r->col[c] = c;
        if ((st = take(r, row, c, v, k, line, &slot, err)))
            return st;
    }
    json_t *rk = json_object_get(r->line_json, "ranking");
    r->line_ranking = rk && !json_is_null(rk);
    if (r->line_ranking) {
        static const int no[] = {PMX_COL_LABEL, PMX_COL_GOLD, PMX_COL_SHOWN_LEFT, PMX_COL_LEFT,
                                 PMX_COL_RIGHT};
        for (size_t i = 0; i < sizeof no / sizeof *no; i++)
            if (seen[no[i]])
                return pm_error_at(err, PM_EPARSE, r->name, line, 0,
                                   "key '%s' on a line with a 'ranking': a ranking line gives "
                                   "annotator, item, ranking[, timestamp, duration]",
                                   seen[no[i]]);
        if ((st = pmx_jsonl_ranking(r, rk, line, err)))
            return st;
        r->col[PMX_COL_LABEL] = PMX_COL_LABEL;
        if (r->rank_n) {
            row->v[PMX_COL_LABEL] = r->rank_label.s;
            row->len[PMX_COL_LABEL] = r->rank_label.len;
        }
    }
    return pmx_generic_check_columns(r, line, err);
}

pm_status pmx_jsonl_record(pm_records *r, pm_record *out, int *got, pm_error *err)
{
    for (;;) {
        pmx_csv_row in;
        pm_status st = pmx_next_row(r, got, &in, err);
        if (st || !*got)
            return st;
        const pm_csv_field *f = in.f;
        long line = in.line;
        if (blank(f[0].s))
            continue;
        pmx_row row;
        int use;
        if ((st = parse_line(r, &f[0], line, &row, err)) ||
            (st = pmx_generic_record(r, &row, line, out, &use, err)))
            return st;
        if (use && r->line_ranking) {
            if ((st = pmx_ranking_item(&r->rank_item, out->item, strlen(out->item), r->rank_e,
                                       r->rank_n, err)))
                return st;
            out->item = r->rank_item.s;
            out->ranking = 1;
            out->gold = NULL;
            if (pmx_gold_get(&r->gold, out->item))
                return pm_error_at(err, PM_EPARSE, r->name, line, 0,
                                   "the gold file gives a gold label for ranking item '%.64s': "
                                   "gold rankings are not supported (doc/assess.md, Rankings)",
                                   out->item);
        }
        if (use)
            return PM_OK;
    }
}

/* An id of a ranking: a JSON string. */
static pm_status rank_id(pm_records *r, json_t *v, long line, const char *where, size_t i,
                         double rank, pm_error *err)
{
    if (!json_is_string(v))
        return pm_error_at(err, PM_EPARSE, r->name, line, 0,
                           "key 'ranking': %s %zu is not a response id (a string)", where, i);
    pm_status st = pmx_rank_room(r, r->rank_n + 1, err);
    if (st)
        return st;
    r->rank_e[r->rank_n++] = (pmx_rank_entry){json_string_value(v), json_string_length(v), rank};
    return PM_OK;
}

pm_status pmx_jsonl_ranking(pm_records *r, json_t *v, long line, pm_error *err)
{
    pm_status st = PM_OK;
    r->rank_n = 0;
    if (json_is_array(v)) {
        for (size_t i = 0; st == PM_OK && i < json_array_size(v); i++) {
            json_t *g = json_array_get(v, i);
            if (!json_is_array(g)) {
                st = rank_id(r, g, line, "element", i, (double)i, err);
                continue;
            }
            if (json_array_size(g) == 0)
                return pm_error_at(err, PM_EPARSE, r->name, line, 0,
                                   "key 'ranking': rank group %zu is empty", i);
            for (size_t j = 0; st == PM_OK && j < json_array_size(g); j++)
                st = rank_id(r, json_array_get(g, j), line, "an id in group", i, (double)i, err);
        }
    } else if (json_is_object(v)) {
        const char *k;
        json_t *x;
        json_object_foreach(v, k, x)
        {
            if (!json_is_number(x))
                return pm_error_at(err, PM_EPARSE, r->name, line, 0,
                                   "key 'ranking': the rank of '%.64s' is not a number", k);
            if ((st = pmx_rank_room(r, r->rank_n + 1, err)))
                return st;
            r->rank_e[r->rank_n++] = (pmx_rank_entry){k, strlen(k), json_number_value(x)};
        }
    } else {
        return pm_error_at(err, PM_EPARSE, r->name, line, 0,
                           "key 'ranking': expected a list of ids best first, a list of rank "
                           "groups, or an object id -> rank");
    }
    if (st || r->rank_n == 0)
        return st;
    for (size_t i = 0; i < r->rank_n; i++)
        if (memchr(r->rank_e[i].id, '\0', r->rank_e[i].len))
            return pm_error_at(err, PM_EPARSE, r->name, line, 0,
                               "key 'ranking': a response id contains a NUL character");
    return pmx_ranking_label(&r->rank_label, r->rank_e, r->rank_n, r->name, line, "key 'ranking'",
                             err);
}
