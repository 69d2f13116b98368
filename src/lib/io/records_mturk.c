/*
** Amazon Mechanical Turk batch results CSV (Requester website, Manage >
** Results > Download CSV: "Reviewing Assignments Offline",
** https://docs.aws.amazon.com/AWSMechTurk/latest/RequesterUI/ReviewingResultsOutsideoftheRUI.html).
** One row per assignment: HITId, ..., AssignmentId, WorkerId,
** AssignmentStatus (Submitted | Approved | Rejected), AcceptTime,
** SubmitTime, ..., WorkTimeInSeconds, ..., then Input.<name> (the HIT's
** input file columns), Answer.<name> (the form's fields), Approve, Reject.
** The fields are those of the Assignment data structure
** (https://docs.aws.amazon.com/AWSMechTurk/latest/AWSMturkAPI/ApiReference_AssignmentDataStructureArticle.html);
** the CSV writes times as "Wed Mar 15 10:21:05 PDT 2023" (read here with
** the zones PST, PDT, UTC, GMT), the API as ISO 8601 (read too).
**
** Items of a HIT. A HIT often holds several items in wide columns; each
** becomes one record. The rule, in order:
**  1. A column map (pm_records_options.map) naming item and label, e.g.
**     item=Input.text,label=Answer.choice: the columns Input.text and
**     Answer.choice give one item per HIT; if they are absent, the
**     numbered columns Input.text<N> / Answer.choice<N> (N = 1, 2, ...,
**     with or without '_' before N) give item N.
**  2. Otherwise the Input.* and Answer.* names, with a trailing number
**     (and '_') removed, are read as generic field names: Input.item_N,
**     Answer.label_N, and optionally Input.gold_N, Input.shown_left_N give
**     item N (or Input.item, Answer.label for one item per HIT).
**  3. Otherwise, when the numbered Input.* columns have one name and the
**     numbered Answer.* columns one name, they pair by N; with no
**     numbered columns, a single Input.* and a single Answer.* column are
**     one item per HIT. Anything else is an error listing the columns and
**     asking for a map.
** A slot whose item and answer are both empty (a HIT with fewer items) is
** skipped as an empty label; an answer without an item is an error.
**
** Time is per assignment: SubmitTime is every item's timestamp (the items
** of one assignment keep their column order), and WorkTimeInSeconds is the
** duration only when the HIT holds one item. With several items it is not
** spread over them: durations stay empty and pm_records_note says so.
*/
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/records_internal.h"

/* The fields an item slot takes from its columns (the others are per row). */
static const int slot_fields[] = {PMX_COL_ITEM, PMX_COL_LABEL, PMX_COL_GOLD, PMX_COL_SHOWN_LEFT};
#define NSLOT_FIELDS 4

static int icase_prefix(const char *s, size_t n, const char *p)
{
    size_t k = strlen(p);
    if (n < k)
        return 0;
    for (size_t i = 0; i < k; i++)
        if (tolower((unsigned char)s[i]) != tolower((unsigned char)p[i]))
            return 0;
    return 1;
}

/* name (of n bytes) without a trailing number: its stem length and the
 * number (0 when none; a '_' before the number is part of neither). */
static size_t stem(const char *s, size_t n, long *num)
{
    size_t e = n;
    while (e > 0 && isdigit((unsigned char)s[e - 1]))
        e--;
    *num = 0;
    if (e == n || n - e > 6 || (s[e] == '0'))
        return n;
    *num = strtol(s + e, NULL, 10);
    if (e > 0 && s[e - 1] == '_')
        e--;
    return e;
}

static int same_stem(const char *a, size_t an, const char *b, size_t bn)
{
    if (an != bn)
        return 0;
    for (size_t i = 0; i < an; i++)
        if (tolower((unsigned char)a[i]) != tolower((unsigned char)b[i]))
            return 0;
    return 1;
}

/* The slot of number num (0 = the one unnumbered item), added if new. */
static int slot_of(pm_records *r, long num)
{
    for (int k = 0; k < r->nslots; k++)
        if (r->slot_num[k] == num)
            return k;
    if (r->nslots >= PMX_MAX_SLOTS)
        return -1;
    int k = r->nslots++;
    r->slot_num[k] = num;
    for (int i = 0; i < NSLOT_FIELDS; i++)
        r->slot_col[k][i] = -1;
    return k;
}

static int field_index(int c)
{
    for (int i = 0; i < NSLOT_FIELDS; i++)
        if (slot_fields[i] == c)
            return i;
    return -1;
}

/* Put column i into the slots as field c, by its number. */
static pm_status put(pm_records *r, const pm_csv_field *f, size_t i, int c, long num, pm_error *err)
{
    int k = slot_of(r, num);
    if (k < 0)
        return pm_error_at(err, PM_ELIMIT, r->name, f[i].line, f[i].col,
                           "MTurk results: more than %d items per HIT", PMX_MAX_SLOTS);
    int fi = field_index(c);
    if (r->slot_col[k][fi] >= 0)
        return pm_error_at(err, PM_EPARSE, r->name, f[i].line, f[i].col,
                           "header: columns '%s' and '%s' both give the %s of item %ld; keep one",
                           f[r->slot_col[k][fi]].s, f[i].s, pmx_column_name(c), num);
    r->slot_col[k][fi] = (int)i;
    return PM_OK;
}

/* Rule 1: the mapped slot fields, exact or numbered. */
static pm_status by_map(pm_records *r, const pm_csv_field *f, size_t nf, pm_error *err)
{
    pm_status st;
    for (size_t i = 0; i < nf; i++)
        for (int fi = 0; fi < NSLOT_FIELDS; fi++) {
            const char *m = r->map_col[slot_fields[fi]];
            if (!m)
                continue;
            long num;
            size_t sl = stem(f[i].s, f[i].len, &num);
            if (pmx_strieq(f[i].s, m))
                num = 0;
            else if (!num || !same_stem(f[i].s, sl, m, strlen(m)))
                continue;
            if ((st = put(r, f, i, slot_fields[fi], num, err)))
                return st;
        }
    return PM_OK;
}

/* Rules 2 and 3. */
static pm_status by_names(pm_records *r, const pm_csv_field *f, size_t nf, pm_error *err)
{
    pm_status st;
    /* Rule 2: generic names. */
    for (size_t i = 0; i < nf; i++) {
        int in = icase_prefix(f[i].s, f[i].len, "Input.");
        int ans = icase_prefix(f[i].s, f[i].len, "Answer.");
        if (!in && !ans)
            continue;
        const char *s = f[i].s + (in ? 6 : 7);
        long num;
        size_t sl = stem(s, f[i].len - (in ? 6 : 7), &num);
        int c = pmx_column_of(s, sl);
        if (ans ? c != PMX_COL_LABEL
                : c != PMX_COL_ITEM && c != PMX_COL_GOLD && c != PMX_COL_SHOWN_LEFT)
            continue;
        if (r->map_col[c])
            continue;
        if ((st = put(r, f, i, c, num, err)))
            return st;
    }
    int have_item = 0, have_label = 0;
    for (int k = 0; k < r->nslots; k++) {
        have_item |= r->slot_col[k][0] >= 0;
        have_label |= r->slot_col[k][1] >= 0;
    }
    if (have_item && have_label)
        return PM_OK;
    /* Rule 3: one numbered name each, or one plain column each. */
    const char *stems[2] = {0};
    size_t stem_len[2] = {0};
    int numbered[2] = {0}, plain[2] = {0}, plain_col[2] = {-1, -1}, mixed = 0;
    for (size_t i = 0; i < nf; i++) {
        int in = icase_prefix(f[i].s, f[i].len, "Input.");
        int ans = icase_prefix(f[i].s, f[i].len, "Answer.");
        if (!in && !ans)
            continue;
        int w = in ? 0 : 1;
        if ((w == 0 && have_item) || (w == 1 && have_label))
            continue;
        long num;
        size_t sl = stem(f[i].s, f[i].len, &num);
        if (!num) {
            plain[w]++;
            plain_col[w] = (int)i;
            continue;
        }
        if (!stems[w]) {
            stems[w] = f[i].s;
            stem_len[w] = sl;
        } else if (!same_stem(stems[w], stem_len[w], f[i].s, sl)) {
            mixed = 1;
        }
        numbered[w]++;
    }
    int ok = !mixed && ((numbered[0] || have_item) && (numbered[1] || have_label));
    int one = !mixed && !numbered[0] && !numbered[1] && (have_item || plain[0] == 1) &&
              (have_label || plain[1] == 1);
    if (!ok && !one) {
        pmx_buf b = {0};
        int bad = pmx_buf_set(&b, "", 0);
        for (size_t i = 0, k = 0; !bad && i < nf && k < 24; i++)
            if (icase_prefix(f[i].s, f[i].len, "Input.") ||
                icase_prefix(f[i].s, f[i].len, "Answer."))
                bad = (k++ && pmx_buf_add(&b, ", ", 2)) || pmx_buf_add(&b, f[i].s, f[i].len);
        pm_status s2 = bad ? pm_error_set(err, PM_ENOMEM, "out of memory")
                           : pm_error_at(err, PM_EPARSE, r->name, f[0].line, 0,
                                         "MTurk results: cannot tell which Input.* column is the "
                                         "item and which Answer.* column the label (columns: %s); "
                                         "name them with a column map (--map "
                                         "item=Input.NAME,label=Answer.NAME; with numbered "
                                         "columns NAME1, NAME_2... each number is one item)",
                                         b.s[0] ? b.s : "none");
        pmx_buf_free(&b);
        return s2;
    }
    for (size_t i = 0; i < nf; i++) {
        int in = icase_prefix(f[i].s, f[i].len, "Input.");
        int ans = icase_prefix(f[i].s, f[i].len, "Answer.");
        if (!in && !ans)
            continue;
        int w = in ? 0 : 1;
        if ((w == 0 && have_item) || (w == 1 && have_label))
            continue;
        long num;
        stem(f[i].s, f[i].len, &num);
        if (ok && num && (st = put(r, f, i, w ? PMX_COL_LABEL : PMX_COL_ITEM, num, err)))
            return st;
        if (one && !num && (int)i == plain_col[w] &&
            (st = put(r, f, i, w ? PMX_COL_LABEL : PMX_COL_ITEM, 0, err)))
            return st;
    }
    return PM_OK;
}

pm_status pmx_mturk_start(pm_records *r, pm_error *err)
{
    pm_csv_dialect(r->csv, ',', 1);
    const pm_csv_field *f;
    size_t nf;
    pm_status st = pmx_header_fields(r, &f, &nf, err);
    if (st)
        return st;
    r->status_col = -1;
    r->nslots = 0;
    r->slot_i = 0;
    r->pair_ids = 0;
    if ((st = pmx_header_unique(r, f, nf, err)))
        return st;
    for (size_t i = 0; i < nf; i++) {
        const char *m = r->map_col[PMX_COL_ANNOTATOR];
        if (m ? pmx_strieq(f[i].s, m) : pmx_strieq(f[i].s, "WorkerId"))
            r->col[PMX_COL_ANNOTATOR] = (int)i;
        m = r->map_col[PMX_COL_TIMESTAMP];
        if (m ? pmx_strieq(f[i].s, m) : pmx_strieq(f[i].s, "SubmitTime"))
            r->col[PMX_COL_TIMESTAMP] = (int)i;
        m = r->map_col[PMX_COL_DURATION];
        if (m ? pmx_strieq(f[i].s, m) : pmx_strieq(f[i].s, "WorkTimeInSeconds"))
            r->col[PMX_COL_DURATION] = (int)i;
        if (pmx_strieq(f[i].s, "AssignmentStatus"))
            r->status_col = (int)i;
    }
    if (r->col[PMX_COL_ANNOTATOR] < 0)
        return pm_error_at(err, PM_EPARSE, r->name, f[0].line, 0, "MTurk results: no column '%s'",
                           r->map_col[PMX_COL_ANNOTATOR] ? r->map_col[PMX_COL_ANNOTATOR]
                                                         : "WorkerId");
    if ((st = by_map(r, f, nf, err)) || (st = by_names(r, f, nf, err)))
        return st;
    /* Every slot needs an item and a label column; r->col[] points at the
     * first slot's, for the generic checks and messages. */
    for (int k = 0; k < r->nslots; k++)
        if (r->slot_col[k][0] < 0 || r->slot_col[k][1] < 0)
            return pm_error_at(err, PM_EPARSE, r->name, f[0].line, 0,
                               "MTurk results: item %ld has %s column but no %s column",
                               r->slot_num[k], r->slot_col[k][0] < 0 ? "a label" : "an item",
                               r->slot_col[k][0] < 0 ? "item (Input.*)" : "label (Answer.*)");
    for (int fi = 0; fi < NSLOT_FIELDS; fi++)
        r->col[slot_fields[fi]] = r->slot_col[0][fi];
    if ((st = pmx_map_check_header(r, f, nf, f[0].line, err)))
        return st;
    /* The per-assignment time is a duration only for one item per HIT. */
    r->note.len = 0;
    if (r->nslots > 1 && r->col[PMX_COL_DURATION] >= 0) {
        char note[320];
        snprintf(note, sizeof note,
                 "%.60s: a HIT holds %d items and %.40s is per assignment: durations left "
                 "empty, not spread over the items",
                 r->name, r->nslots, f[r->col[PMX_COL_DURATION]].s);
        r->col[PMX_COL_DURATION] = -1;
        if (pmx_buf_set(&r->note, note, strlen(note)))
            return pm_error_set(err, PM_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < nf; i++) {
        int used = 0;
        for (int c = 0; c < PMX_COL_N; c++)
            used |= r->col[c] == (int)i;
        for (int k = 0; k < r->nslots; k++)
            for (int fi = 0; fi < NSLOT_FIELDS; fi++)
                used |= r->slot_col[k][fi] == (int)i;
        used |= r->status_col == (int)i;
        if (!used && pmx_ignore_column(r, &f[i], err))
            return PM_ENOMEM;
    }
    return pmx_generic_check_columns(r, f[0].line, err);
}

/* "Wed Mar 15 10:21:05 PDT 2023" as ISO 8601 with the zone's offset, in
 * buf; 0, or -1 when s is not of that shape or the zone is unknown. */
static int java_date(const char *s, char *buf, size_t size)
{
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    static const struct {
        const char *name, *off;
    } zones[] = {{"PST", "-08:00"}, {"PDT", "-07:00"}, {"UTC", "Z"}, {"GMT", "Z"}};
    char wd[4], mon[4], zone[8];
    int d, h, mi, sec, y, n = 0;
    if (sscanf(s, "%3s %3s %2d %2d:%2d:%2d %7s %4d%n", wd, mon, &d, &h, &mi, &sec, zone, &y, &n) !=
            8 ||
        s[n] != '\0')
        return -1;
    const char *p = strstr(months, mon);
    const char *off = NULL;
    for (size_t i = 0; i < sizeof zones / sizeof zones[0]; i++)
        if (strcmp(zone, zones[i].name) == 0)
            off = zones[i].off;
    if (!p || (p - months) % 3 || !off)
        return -1;
    snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d%s", y, (int)(p - months) / 3 + 1, d, h, mi,
             sec, off);
    return 0;
}

pm_status pmx_mturk_record(pm_records *r, pm_record *out, int *got, pm_error *err)
{
    for (;;) {
        if (r->slot_i == 0 || r->slot_i >= r->nslots) {
            pmx_csv_row in;
            pm_status st = pmx_next_row(r, got, &in, err);
            if (st || !*got)
                return st;
            if (in.nf != (size_t)r->ncols)
                return pm_error_at(
                    err, PM_EPARSE, r->name, in.line,
                    in.nf > (size_t)r->ncols ? in.f[r->ncols].col : 0,
                    "row has %zu fields but the header has %d (a field with a comma must be in "
                    "double quotes)",
                    in.nf, r->ncols);
            r->slot_i = 0;
            r->row_line = in.line;
            /* A rejected assignment is work the requester refused: its
             * labels are not evidence of the worker's effort to pay on. */
            r->row_rejected = r->status_col >= 0 && pmx_strieq(in.f[r->status_col].s, "Rejected");
            /* The per-row fields; SubmitTime in the CSV's own shape becomes ISO. */
            const pm_csv_field *f = in.f;
            pmx_row *row = &r->row;
            memset(row, 0, sizeof *row);
            const int per_row[3] = {PMX_COL_ANNOTATOR, PMX_COL_TIMESTAMP, PMX_COL_DURATION};
            for (int k = 0; k < 3; k++) {
                int c = per_row[k], i = r->col[c];
                if (i < 0)
                    continue;
                row->v[c] = f[i].s;
                row->len[c] = f[i].len;
                row->col[c] = f[i].col;
            }
            int ti = r->col[PMX_COL_TIMESTAMP];
            if (ti >= 0 && java_date(f[ti].s, r->time_iso, sizeof r->time_iso) == 0) {
                row->v[PMX_COL_TIMESTAMP] = r->time_iso;
                row->len[PMX_COL_TIMESTAMP] = strlen(r->time_iso);
            }
        }
        /* The next slot of the current row. */
        const pm_csv_field *f = pm_csv_fields(r->csv);
        int k = r->slot_i++;
        pmx_row *row = &r->row;
        for (int fi = 0; fi < NSLOT_FIELDS; fi++) {
            int c = slot_fields[fi], i = r->slot_col[k][fi];
            row->v[c] = i >= 0 ? f[i].s : NULL;
            row->len[c] = i >= 0 ? f[i].len : 0;
            row->col[c] = i >= 0 ? f[i].col : 0;
        }
        row->ascii = 0;
        int item_empty = !row->v[PMX_COL_ITEM] || !row->v[PMX_COL_ITEM][0];
        int label_empty = !row->v[PMX_COL_LABEL] || !row->v[PMX_COL_LABEL][0];
        if (item_empty && label_empty && r->nslots > 1) { /* an unused slot of a shorter HIT */
            r->stats.rows_read++;
            r->stats.skipped[PM_RECORDS_SKIP_EMPTY_LABEL]++;
            continue;
        }
        if (r->row_rejected) {
            r->stats.rows_read++;
            r->stats.skipped[PM_RECORDS_SKIP_REJECTED]++;
            continue;
        }
        int use;
        pm_status st = pmx_generic_record(r, row, r->row_line, out, &use, err);
        if (st)
            return st;
        if (use) {
            *got = 1;
            return PM_OK;
        }
    }
}
