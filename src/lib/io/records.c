/*
** pm_records: the handle, format detection by content, the gold file, and
** dispatch to the per-format readers (records_<format>.c).
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/file.h"
#include "io/records_internal.h"

static const char *const format_names[] = {"auto",    "csv",         "tsv",    "jsonl", "gal",
                                           "mtbench", "labelstudio", "toloka", "mturk", "prodigy",
                                           "arena",   "argilla",     "wmt"};
static const char *const skip_names[PM_RECORDS_SKIP_COUNT] = {
    "empty-label", "cancelled", "no-result", "ground-truth", "several-choices",
    "rejected",    "ignored",   "draft",     "discarded"};

const char *pm_records_format_name(pm_records_format f)
{
    return (unsigned)f < sizeof format_names / sizeof format_names[0] ? format_names[f] : "?";
}

int pm_records_format_parse(const char *name)
{
    for (size_t i = 0; name && i < sizeof format_names / sizeof format_names[0]; i++)
        if (strcmp(name, format_names[i]) == 0)
            return (int)i;
    return -1;
}

const char *pm_records_skip_name(int reason)
{
    return reason >= 0 && reason < PM_RECORDS_SKIP_COUNT ? skip_names[reason] : "?";
}

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    return d ? memcpy(d, s, n) : NULL;
}

pm_records *pm_records_new(const pm_records_options *opt, pm_error *err)
{
    pm_records_options o;
    if (opt)
        o = *opt;
    else
        pm_records_options_default(&o);
    /* PM_RECORDS_WMT is the last format of the enum. */
    if ((unsigned)o.format > PM_RECORDS_WMT) {
        pm_error_set(err, PM_EINVAL, "pm_records_new: unknown format %d", (int)o.format);
        return NULL;
    }
    pm_records *r = calloc(1, sizeof *r);
    if (!r) {
        pm_error_set(err, PM_ENOMEM, "out of memory");
        return NULL;
    }
    r->opt = o;
    if (!r->opt.max_line)
        r->opt.max_line = PM_RECORDS_MAX_LINE;
    if (!r->opt.max_document)
        r->opt.max_document = PM_RECORDS_MAX_DOCUMENT;
    r->item_field = dup_str(o.item_field ? o.item_field : "item");
    r->label_field = o.label_field ? dup_str(o.label_field) : NULL;
    /* Keep only whether the caller chose them; the strings are ours. */
    r->opt.item_field = o.item_field ? r->item_field : NULL;
    r->opt.label_field = r->label_field;
    r->opt.map = NULL; /* parsed into r->map_col; the caller's string is not kept */
    if (o.map) {
        pm_status st = pmx_map_parse(r, o.map, err);
        if (st) {
            pm_records_free(r);
            return NULL;
        }
    }
    r->csv = pm_csv_new(r->opt.max_line, NULL);
    r->name = dup_str("<none>");
    if (!r->item_field || (o.label_field && !r->label_field) || !r->csv || !r->name ||
        pmx_buf_set(&r->ignored, "", 0)) {
        pm_records_free(r);
        pm_error_set(err, PM_ENOMEM, "out of memory");
        return NULL;
    }
    return r;
}

static void close_file(pm_records *r)
{
    if (r->fp && r->own_fp)
        fclose(r->fp);
    r->fp = NULL;
    r->own_fp = 0;
    r->ready = 0;
    json_decref(r->line_json);
    json_decref(r->doc);
    r->line_json = r->doc = NULL;
    pmx_battles_free(r);
    pmx_argilla_free(r);
}

void pm_records_free(pm_records *r)
{
    if (!r)
        return;
    close_file(r);
    pm_csv_free(r->csv);
    pmx_gold_free(&r->gold);
    pmx_buf_free(&r->ignored);
    pmx_buf_free(&r->gold_note);
    for (size_t i = 0; i < r->nseen; i++)
        free(r->seen[i].name);
    free(r->seen);
    pmx_buf_free(&r->key);
    pmx_buf_free(&r->key2);
    pmx_buf_free(&r->rank_label);
    pmx_buf_free(&r->rank_item);
    free(r->rank_e);
    free(r->start);
    free(r->span);
    pmx_records_pend_free(r);
    pmx_buf_free(&r->note);
    free(r->inputs);
    pmx_map_free(r);
    free(r->item_field);
    free(r->label_field);
    free(r->name);
    free(r);
}

/* Does the header line p[0..n) (fields split on sep) have a field that the
 * test accepts? Quotes and blanks around a name are ignored. */
static int header_has(const pm_records *r, const unsigned char *p, size_t n, char sep,
                      const char *name, int col)
{
    size_t i = 0;
    while (i <= n) {
        size_t j = i;
        while (j < n && p[j] != (unsigned char)sep)
            j++;
        size_t a = i, b = j;
        while (a < b && (p[a] == ' ' || p[a] == '"' || p[a] == '\r'))
            a++;
        while (b > a && (p[b - 1] == ' ' || p[b - 1] == '"' || p[b - 1] == '\r'))
            b--;
        char f[64];
        if (b - a < sizeof f) {
            memcpy(f, p + a, b - a);
            f[b - a] = '\0';
            if (name ? pmx_strieq(f, name) : pmx_map_column(r, f, b - a) == col)
                return 1;
        }
        i = j + 1;
    }
    return 0;
}

/* "cannot tell the format", listing the first line's columns (split on
 * sep, quotes dropped; at most 24 shown) so that the user can name them in
 * a column map. */
static pm_status cannot_tell(pm_records *r, const unsigned char *p, size_t len, char sep,
                             size_t fields, pm_error *err)
{
    static const char what[] =
        "cannot tell the format: the first line is not a header with an annotator (or worker) "
        "column, nor MT-Bench's (question_id ... winner), nor worker<TAB>item<TAB>label, nor JSON";
    if (memchr(p, '\0', len)) /* /dev/zero, a binary file: no column names to show */
        return pm_error_at(err, PM_EPARSE, r->name, 1, 0,
                           "%s. It holds NUL bytes: not a text header. Choose the input format "
                           "if this is a log",
                           what);
    pm_csv_field f[24];
    size_t nf = 0;
    for (size_t i = 0; i <= len && nf < 24; i++) {
        size_t j = i;
        while (j < len && p[j] != (unsigned char)sep)
            j++;
        size_t a = i, e = j;
        while (a < e && (p[a] == ' ' || p[a] == '"' || p[a] == '\r'))
            a++;
        while (e > a && (p[e - 1] == ' ' || p[e - 1] == '"' || p[e - 1] == '\r'))
            e--;
        f[nf].s = (char *)(p + a);
        f[nf++].len = e - a;
        i = j;
    }
    char more[48] = "";
    if (fields > nf)
        snprintf(more, sizeof more, " ... (%zu more)", fields - nf);
    pmx_buf b = {0};
    if (pmx_buf_set(&b, "", 0) || pmx_list_columns(&b, f, nf) ||
        pmx_buf_add(&b, more, strlen(more))) {
        pmx_buf_free(&b);
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    }
    pm_status st =
        pm_error_at(err, PM_EPARSE, r->name, 1, 0,
                    "%s. Its %zu column%s: %s. Name the fields with a column map "
                    "(--map annotator=COLUMN,item=COLUMN,label=COLUMN), or choose the input format",
                    what, fields, fields == 1 ? "" : "s", b.s);
    pmx_buf_free(&b);
    return st;
}

static pm_status detect(pm_records *r, pm_error *err)
{
    const unsigned char *p;
    size_t n = pm_csv_peek(r->csv, &p), i = 0;
    while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
        i++;
    if (i == n)
        return pm_error_at(err, PM_EPARSE, r->name, 1, 0, "no records: the file is empty");
    if (n >= 4 && memcmp(p, "PAR1", 4) == 0)
        return pmx_argilla_parquet(r, err);
    /* Chatbot Arena battles: a JSON array (or JSON Lines) of objects with
     * model_a, model_b, winner and judge (checked in the first block). */
    if ((p[i] == '[' || p[i] == '{') && pmx_contains(p + i, n - i, "\"model_a\"") &&
        pmx_contains(p + i, n - i, "\"model_b\"") && pmx_contains(p + i, n - i, "\"winner\"") &&
        pmx_contains(p + i, n - i, "\"judge\"") && !pmx_contains(p + i, n - i, "\"annotations\"")) {
        r->fmt = PM_RECORDS_ARENA;
        return PM_OK;
    }
    /* Prodigy db-out: JSON Lines with Prodigy's hashes and an answer. */
    if (p[i] == '{' && pmx_contains(p + i, n - i, "\"answer\"") &&
        (pmx_contains(p + i, n - i, "\"_task_hash\"") ||
         pmx_contains(p + i, n - i, "\"_input_hash\""))) {
        r->fmt = PM_RECORDS_PRODIGY;
        return PM_OK;
    }
    /* Argilla: v2 flattened keys, v2's _server_id, or v1's responses with
     * user_id and values/status (a Label Studio export has annotations). */
    if ((p[i] == '[' || p[i] == '{') && !pmx_contains(p + i, n - i, "\"annotations\"") &&
        (pmx_contains(p + i, n - i, ".responses.users\"") ||
         pmx_contains(p + i, n - i, "\"_server_id\"") ||
         (pmx_contains(p + i, n - i, "\"user_id\"") &&
          (pmx_contains(p + i, n - i, "\"values\"") ||
           pmx_contains(p + i, n - i, "\"status\""))))) {
        r->fmt = PM_RECORDS_ARGILLA;
        return PM_OK;
    }
    if (p[i] == '[' || (p[i] == '{' && pmx_contains(p + i, n - i, "\"annotations\""))) {
        r->fmt = PM_RECORDS_LABELSTUDIO;
        return PM_OK;
    }
    if (p[i] == '{') {
        r->fmt = PM_RECORDS_JSONL;
        return PM_OK;
    }
    const unsigned char *nl = memchr(p, '\n', n);
    size_t len = nl ? (size_t)(nl - p) : n;
    int tab = memchr(p, '\t', len) != NULL;
    char sep = tab ? '\t' : ',';
    size_t fields = 1;
    for (size_t k = 0; k < len; k++)
        fields += p[k] == (unsigned char)sep;
    if (tab && header_has(r, p, len, sep, "ASSIGNMENT:worker_id", 0))
        r->fmt = PM_RECORDS_TOLOKA;
    else if (!tab && header_has(r, p, len, sep, "WorkerId", 0) &&
             header_has(r, p, len, sep, "AssignmentId", 0))
        r->fmt = PM_RECORDS_MTURK;
    else if (!tab && header_has(r, p, len, sep, "judgeId", 0) &&
             header_has(r, p, len, sep, "system1rank", 0))
        r->fmt = PM_RECORDS_WMT;
    else if (header_has(r, p, len, sep, "question_id", 0) &&
             header_has(r, p, len, sep, "winner", 0))
        r->fmt = PM_RECORDS_MTBENCH;
    else if (header_has(r, p, len, sep, NULL, PMX_COL_ANNOTATOR))
        r->fmt = tab ? PM_RECORDS_TSV : PM_RECORDS_CSV;
    else if (tab && fields == 3)
        r->fmt = PM_RECORDS_GAL;
    /* Too wide a first line: say so rather than "cannot tell the format".
     * One longer than the block goes whole to the header reader, which
     * counts its columns exactly and refuses them. */
    else if (fields > PMX_MAX_COLUMNS && !nl)
        r->fmt = tab ? PM_RECORDS_TSV : PM_RECORDS_CSV;
    else if (fields > PMX_MAX_COLUMNS)
        return pm_error_at(err, PM_ELIMIT, r->name, 1, 0,
                           "header has %zu columns, more than the limit of %d", fields,
                           PMX_MAX_COLUMNS);
    else
        return cannot_tell(r, p, len, sep, fields, err);
    return PM_OK;
}

static pm_status start(pm_records *r, pm_error *err)
{
    pm_status st = pm_csv_open(r->csv, r->fp, r->name, err);
    r->fmt = r->opt.format;
    r->ignored.len = 0;
    r->ignored.s[0] = '\0';
    r->note.len = 0;
    if (!st && r->fmt == PM_RECORDS_AUTO)
        st = detect(r, err);
    if (!st) {
        switch (r->fmt) {
        case PM_RECORDS_CSV:
        case PM_RECORDS_TSV:
        case PM_RECORDS_TOLOKA:
            st = pmx_records_csv_start(r, err);
            break;
        case PM_RECORDS_JSONL:
            st = pmx_jsonl_start(r, err);
            break;
        case PM_RECORDS_GAL:
            st = pmx_gal_start(r, err);
            break;
        case PM_RECORDS_MTBENCH:
            st = pmx_mtbench_start(r, err);
            break;
        case PM_RECORDS_MTURK:
            st = pmx_mturk_start(r, err);
            break;
        case PM_RECORDS_PRODIGY:
            st = pmx_prodigy_start(r, err);
            break;
        case PM_RECORDS_ARENA:
            st = pmx_arena_start(r, err);
            break;
        case PM_RECORDS_ARGILLA:
            st = pmx_argilla_start(r, err);
            break;
        case PM_RECORDS_WMT:
            st = pmx_wmt_start(r, err);
            break;
        default:
            st = pmx_labelstudio_start(r, err);
            break;
        }
    }
    r->ready = st == PM_OK;
    r->file_rows = r->stats.rows_read;
    return st;
}

static pm_status set_name(pm_records *r, const char *name, pm_error *err)
{
    char *copy = dup_str(name);
    if (!copy)
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    free(r->name);
    r->name = copy;
    return PM_OK;
}

/* A log given twice (the same path, ./path, a symbolic or hard link, or
 * standard input redirected from it) would pair every row with its own copy:
 * a spammer's random labels then read as perfectly consistent. Regular
 * files are told apart by device and inode; the names of those opened so
 * far are kept for the message. Other files (pipes, devices) cannot be
 * read twice the same way and are not checked. */
static pm_status check_once(pm_records *r, FILE *fp, pm_error *err)
{
    struct stat st;
    int fd = fileno(fp);
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
        return PM_OK;
    for (size_t i = 0; i < r->nseen; i++)
        if (r->seen[i].dev == st.st_dev && r->seen[i].ino == st.st_ino)
            return pm_error_set(err, PM_EINVAL,
                                "%s and %s are the same file: every row would be paired with its "
                                "own copy; give each log once",
                                r->seen[i].name, r->name);
    pmx_file_id *n = realloc(r->seen, (r->nseen + 1) * sizeof *n);
    if (!n)
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    r->seen = n;
    if (!(n[r->nseen].name = dup_str(r->name)))
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    n[r->nseen].dev = st.st_dev;
    n[r->nseen].ino = st.st_ino;
    r->nseen++;
    return PM_OK;
}

pm_status pm_records_open(pm_records *r, const char *path, pm_error *err)
{
    if (!r || !path)
        return pm_error_set(err, PM_EINVAL, "pm_records_open: NULL argument");
    close_file(r);
    int std = strcmp(path, "-") == 0;
    pm_status st = set_name(r, std ? "<stdin>" : path, err);
    if (st)
        return st;
    r->fp = std ? stdin : pmx_open_input(path, err);
    if (!r->fp)
        return PM_EIO;
    r->own_fp = !std;
    if ((st = check_once(r, r->fp, err)) != PM_OK)
        return st;
    return start(r, err);
}

pm_status pm_records_open_stream(pm_records *r, FILE *fp, const char *name, pm_error *err)
{
    if (!r || !fp)
        return pm_error_set(err, PM_EINVAL, "pm_records_open_stream: NULL argument");
    close_file(r);
    pm_status st = set_name(r, name ? name : "<stream>", err);
    if (st)
        return st;
    r->fp = fp;
    r->own_fp = 0;
    if ((st = check_once(r, r->fp, err)) != PM_OK)
        return st;
    return start(r, err);
}

static pm_status other_record(pm_records *r, pm_record *out, int *got, pm_error *err);

/* pm_records_next's misuse messages, out of line (the call is per row). */
static pm_status next_misuse(const pm_records *r, const pm_record *out, const int *got,
                             pm_error *err)
{
    if (!r || !out || !got)
        return pm_error_set(err, PM_EINVAL, "pm_records_next: NULL argument");
    return pm_error_set(err, PM_EINVAL,
                        "pm_records_next: no file open (pm_records_open failed or was not "
                        "called)");
}

static pm_status no_rows(const pm_records *r, pm_error *err)
{
    return pm_error_at(err, PM_EPARSE, r->name, 0, 0,
                       "no records: the file has no data rows (label events)");
}

pm_status pm_records_next(pm_records *r, pm_record *out, int *got, pm_error *err)
{
    if (!r || !out || !got || !r->ready) {
        if (got)
            *got = 0;
        return next_misuse(r, out, got, err);
    }
    *got = 0;
    pm_status st;
    if (r->fmt == PM_RECORDS_CSV || r->fmt == PM_RECORDS_TSV ||
        r->fmt == PM_RECORDS_TOLOKA) { /* most logs */
        st = pmx_records_csv_record(r, out, got, err);
        if (st == PM_OK && *got)
            return PM_OK;
    } else {
        st = other_record(r, out, got, err);
    }
    if (!st && !*got && r->stats.rows_read == r->file_rows)
        st = no_rows(r, err);
    if (st || !*got)
        r->ready = 0;
    return st;
}

static pm_status other_record(pm_records *r, pm_record *out, int *got, pm_error *err)
{
    pm_status st;
    switch (r->fmt) {
    case PM_RECORDS_CSV:
    case PM_RECORDS_TSV:
    case PM_RECORDS_TOLOKA:
        st = pmx_records_csv_record(r, out, got, err);
        break;
    case PM_RECORDS_JSONL:
        st = pmx_jsonl_record(r, out, got, err);
        break;
    case PM_RECORDS_GAL:
        st = pmx_gal_record(r, out, got, err);
        break;
    case PM_RECORDS_MTBENCH:
        st = pmx_mtbench_record(r, out, got, err);
        break;
    case PM_RECORDS_MTURK:
        st = pmx_mturk_record(r, out, got, err);
        break;
    case PM_RECORDS_PRODIGY:
        st = pmx_prodigy_record(r, out, got, err);
        break;
    case PM_RECORDS_ARENA:
        st = pmx_arena_record(r, out, got, err);
        break;
    case PM_RECORDS_ARGILLA:
        st = pmx_argilla_record(r, out, got, err);
        break;
    case PM_RECORDS_WMT:
        st = pmx_wmt_record(r, out, got, err);
        break;
    default:
        st = pmx_labelstudio_record(r, out, got, err);
        break;
    }
    return st;
}

void pm_records_stats_get(const pm_records *r, pm_records_stats *out)
{
    *out = r->stats;
}

pm_records_format pm_records_detected(const pm_records *r)
{
    return r->fmt;
}

size_t pm_records_estimate_rows(const pm_records *r)
{
    struct stat sb;
    if (!r || !r->fp || !r->csv || r->fmt == PM_RECORDS_LABELSTUDIO || r->fmt == PM_RECORDS_ARENA ||
        r->doc || fstat(fileno(r->fp), &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size <= 0)
        return 0;
    /* The line density of the block the reader already holds, times the
     * file's size: no second read of the file. */
    const unsigned char *p;
    size_t n = pm_csv_peek(r->csv, &p), lines = 0;
    for (size_t i = 0; i < n; i++)
        lines += p[i] == '\n';
    if (!lines)
        return 0;
    return (size_t)((double)sb.st_size / (double)n * (double)lines) + 1;
}

const char *pm_records_ignored(const pm_records *r)
{
    return r->ignored.s;
}

const char *pm_records_note(const pm_records *r)
{
    return r->note.len ? r->note.s : "";
}

/* One gold line: item, label (a header "item,label" is skipped). */
static pm_status gold_row(pm_records *r, pm_csv *c, const char *name, pm_error *err)
{
    const pm_csv_field *f = pm_csv_fields(c);
    size_t nf = pm_csv_nfields(c);
    long line = pm_csv_line(c);
    /* Trailing empty fields (a stray tab at the end of a line, as in the
     * Get-Another-Label corpus' CopyrightInfringement gold file) hold
     * nothing: dropped, and noted once (pm_records_gold_note). */
    size_t extra = nf;
    while (extra > 2 && f[extra - 1].len == 0)
        extra--;
    if (extra == 2 && nf > 2 && r->gold_trailing++ == 0) {
        char note[512];
        snprintf(note, sizeof note, "%.400s:%ld: empty field after the label ignored", name, line);
        if (pmx_buf_set(&r->gold_note, note, strlen(note)))
            return pm_error_set(err, PM_ENOMEM, "out of memory");
    }
    if (extra == 2)
        nf = 2;
    if (nf != 2)
        return pm_error_at(err, PM_EPARSE, name, line, nf > 2 ? f[2].col : 0,
                           "gold rows are item<TAB>label (or item,label), this one has %zu fields",
                           nf);
    if (line == 1 && pmx_strieq(f[0].s, "item") && pmx_strieq(f[1].s, "label"))
        return PM_OK;
    for (int i = 0; i < 2; i++) {
        if (f[i].len == 0)
            return pm_error_at(err, PM_EPARSE, name, line, f[i].col, "field '%s' is empty",
                               i ? "label" : "item");
        size_t bad = pmx_utf8_bad(f[i].s, f[i].len);
        if (bad)
            return pm_error_at(err, PM_EPARSE, name, line, f[i].col + (long)bad - 1,
                               "field '%s': invalid UTF-8", i ? "label" : "item");
    }
    const char *old;
    int rc = pmx_gold_put(&r->gold, f[0].s, f[1].s, &old);
    if (rc < 0)
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    if (rc > 0)
        return pm_error_at(err, PM_EPARSE, name, line, f[1].col,
                           "item '%s' has gold '%s' here but '%s' before", f[0].s, f[1].s, old);
    return PM_OK;
}

pm_status pm_records_read_gold(pm_records *r, const char *path, pm_error *err)
{
    if (!r || !path)
        return pm_error_set(err, PM_EINVAL, "pm_records_read_gold: NULL argument");
    r->gold_trailing = 0;
    r->gold_note.len = 0;
    if (r->gold_note.s)
        r->gold_note.s[0] = '\0';
    FILE *fp = strcmp(path, "-") == 0 ? stdin : pmx_open_input(path, err);
    if (!fp)
        return PM_EIO;
    pm_csv *c = pm_csv_new(r->opt.max_line, NULL);
    pm_status st =
        c ? pm_csv_open(c, fp, path, err) : pm_error_set(err, PM_ENOMEM, "out of memory");
    if (!st) {
        const unsigned char *p;
        size_t n = pm_csv_peek(c, &p);
        const unsigned char *nl = memchr(p, '\n', n);
        int tab = memchr(p, '\t', nl ? (size_t)(nl - p) : n) != NULL;
        pm_csv_dialect(c, tab ? '\t' : ',', !tab);
        long rows = 0;
        for (int got = 1; !st;) {
            st = pm_csv_next(c, &got, err);
            if (st || !got)
                break;
            rows++;
            st = gold_row(r, c, path, err);
        }
        if (!st && rows == 0)
            st = pm_error_at(err, PM_EPARSE, path, 0, 0, "no gold labels: the file is empty");
    }
    pm_csv_free(c);
    if (fp != stdin)
        fclose(fp);
    return st;
}

const char *pm_records_gold_note(const pm_records *r, long *lines)
{
    if (lines)
        *lines = r->gold_trailing;
    return r->gold_note.len ? r->gold_note.s : "";
}

void pm_records_options_default(pm_records_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->format = PM_RECORDS_AUTO;
}
