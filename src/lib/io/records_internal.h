/*
** Internal: the pm_records handle shared by the per-format readers
** (records_<format>.c) and the dispatcher (records.c), and the helpers in
** records_util.c / records_generic.c. Dependency order (no cycles):
** csv, util <- generic <- csv/jsonl/gal/mtbench/labelstudio readers <- records.c.
*/
#ifndef PM_IO_RECORDS_INTERNAL_H
#define PM_IO_RECORDS_INTERNAL_H

#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include <jansson.h>

#include "prefmon/csv.h"
#include "core/utf8.h"
#include "prefmon/records.h"

/* The widest header a reader takes (csv/tsv/mtbench): a wider first line
 * is refused naming this limit. */
#define PMX_MAX_COLUMNS 4096

/* The most items one MTurk HIT row may hold (numbered Input/Answer columns). */
#define PMX_MAX_SLOTS 256

/* Columns of the generic long format. */
enum {
    PMX_COL_ANNOTATOR,
    PMX_COL_ITEM,
    PMX_COL_LABEL,
    PMX_COL_GOLD,
    PMX_COL_TIMESTAMP,
    PMX_COL_DURATION,
    PMX_COL_SHOWN_LEFT,
    PMX_COL_LEFT,
    PMX_COL_RIGHT,
    PMX_COL_N
};

/* Columns of the MT-Bench format. */
enum {
    PMX_MT_QUESTION,
    PMX_MT_MODEL_A,
    PMX_MT_MODEL_B,
    PMX_MT_TURN,
    PMX_MT_JUDGE,
    PMX_MT_WINNER,
    PMX_MT_N,
    PMX_MT_TSTAMP = PMX_MT_N /* optional */
};

/* item -> gold label, open addressing; each entry one "key\0value" block. */
typedef struct pmx_gold {
    char **slot;
    size_t cap, n;
} pmx_gold;

/* A growable byte buffer. */
typedef struct pmx_buf {
    char *s;
    size_t len, cap;
} pmx_buf;

/* One response of a ranking as a reader found it (id borrowed); see
 * pmx_ranking_label below. */
typedef struct pmx_rank_entry {
    const char *id;
    size_t len;
    double rank;
} pmx_rank_entry;

/* One row of the generic format: a value per column (NULL when the column
 * is absent) and the 1-based column for messages. */
typedef struct pmx_row {
    const char *v[PMX_COL_N];
    size_t len[PMX_COL_N];
    long col[PMX_COL_N];
    int ascii; /* every value is known ASCII without NUL: no UTF-8 check needed */
} pmx_row;

/* A regular file opened by the handle (pm_records_open refuses it twice). */
typedef struct pmx_file_id {
    dev_t dev;
    ino_t ino;
    char *name;
} pmx_file_id;

struct pm_records {
    pm_records_options opt;
    char *item_field, *label_field;
    char *map_col[PMX_COL_N]; /* opt.map: the column that gives each field, NULL unmapped */
    pm_csv *csv;
    FILE *fp;
    int own_fp;
    char *name;
    pm_records_format fmt;
    int ready;      /* a file is open and not failed */
    long file_rows; /* stats.rows_read when the current file was opened */
    pm_records_stats stats;
    pmx_gold gold;
    int col[PMX_COL_N];  /* field index per column, -1 absent */
    int ncols;           /* header width */
    int used[PMX_COL_N]; /* csv/tsv: the columns present (col[c] >= 0), in order */
    int nused;
    pmx_row row;               /* csv/tsv: the current row (absent columns NULL) */
    uint32_t *start;           /* csv/tsv: the current line's field starts (records_csv.c) */
    struct pmx_csv_span *span; /* ... and its fields, when some are quoted */
    size_t nstart;             /* ... room in both */
    /* csv/tsv: lines split ahead by pmx_csv_next_splits, taken one by one
     * (next_line in records_csv.c); the reader is not read again until
     * they are all taken, so their bytes stay where they are */
    struct pmx_csv_split *pend;
    uint32_t *pend_start;
    struct pmx_csv_span *pend_span;
    size_t pend_n, pend_i, pend_cols; /* split, taken; the width pend_* have room for */
    int no_split;                     /* pmx_records_no_split: every line through pm_csv_next */
    int pair_ids;                     /* crowd-kit worker,left,right,label */
    pmx_buf ignored;                  /* ignored header columns, comma separated */
    pmx_buf gold_note;                /* the last gold file's first trailing-empty-field line */
    long gold_trailing;               /* ... and how many of its lines had them */
    pmx_file_id *seen;                /* the regular files opened so far */
    size_t nseen;
    int nslots, slot_i;             /* mturk: the items of a HIT row, the next one */
    long slot_num[PMX_MAX_SLOTS];   /* ... their numbers (0: the one unnumbered item) */
    int slot_col[PMX_MAX_SLOTS][4]; /* ... their item, label, gold, shown_left columns */
    long row_line;                  /* ... the current row's first line */
    char time_iso[40];              /* ... its SubmitTime as ISO 8601 */
    int status_col;                 /* ... AssignmentStatus (-1: none) */
    int row_rejected;               /* ... the current row's status is Rejected */
    pmx_buf note;                   /* what the caller should say once (pm_records_note) */
    int *inputs;                    /* toloka: the INPUT:* columns (the item's content key) */
    int ninputs;
    pmx_buf key; /* scratch for built item keys */
    pmx_buf key2;
    json_t *line_json; /* jsonl: the current line */
    json_t *doc;       /* labelstudio: the whole export */
    size_t doc_text;   /* ... and the bytes of its text */
    size_t task_i, ann_i;
    char num[PMX_COL_N][32];   /* numbers printed as keys */
    struct pmx_battles *arena; /* arena: the streaming parse of the open document */
    struct pmx_argilla *ag;    /* argilla: the reader's state (records_argilla.c) */
    /* rankings (records_ranking.c): the entries of the current one, its
     * canonical label and item key */
    pmx_rank_entry *rank_e;
    size_t rank_cap, rank_n;
    int line_ranking; /* jsonl: the current line has a ranking */
    pmx_buf rank_label, rank_item;
};

/* records_util.c */
int pmx_buf_set(pmx_buf *b, const char *s, size_t n);
int pmx_buf_add(pmx_buf *b, const char *s, size_t n);
void pmx_buf_free(pmx_buf *b);
/* Seconds since the epoch from ISO 8601 (date, 'T' or ' ', time, optional
 * fraction, Z or +hh:mm / +hhmm; no zone = UTC) or a plain decimal number:
 * 0, or why not (a PMX_TIME_* code; the date and time must exist: no
 * 2024-02-30, no 2023-02-29, no hour 24). */
enum {
    PMX_TIME_SYNTAX = -1,
    PMX_TIME_MONTH = 1,
    PMX_TIME_DAY,
    PMX_TIME_HOUR,
    PMX_TIME_MINUTE,
    PMX_TIME_SECOND,
    PMX_TIME_ZONE
};
int pmx_parse_time(const char *s, double *out);
/* The reason of a pmx_parse_time code, for messages (static text). */
const char *pmx_time_problem(int code);
/* 1 when all of s is a number in decimal notation ([+-] digits [. digits]
 * [e [+-] digits]): no hexadecimal, inf, nan or blanks. */
int pmx_is_decimal(const char *s);
/* A finite decimal number filling all of s (pmx_is_decimal), the one
 * number parser of every numeric field of every reader. */
int pmx_parse_number(const char *s, double *out);
/* The same for s of n bytes (s[n] is its NUL): plain integers of up to 15
 * digits take a fast path (8 digits at a time), everything else the above. */
int pmx_parse_number_n(const char *s, size_t n, double *out);
/* pmx_parse_time for s of n bytes (s[n] is its NUL). */
int pmx_parse_time_n(const char *s, size_t n, double *out);
/* "A", "B", "tie", "left", "right" (static) for a case-insensitive match, else NULL. */
const char *pmx_pairwise_word(const char *s);
int pmx_strieq(const char *a, const char *b);
/* 1 when the text w occurs in p[0..n) (format detection on a block). */
int pmx_contains(const unsigned char *p, size_t n, const char *w);
/* A JSON string's value, or an integer printed into r->num[slot] (valid
 * until that slot is reused); NULL for any other type. For the JSON
 * readers' ids, which exports write as either. */
const char *pmx_json_text(pm_records *r, json_t *v, int slot);
/* Generic column for a header name (synonyms, case-insensitive), -1 unknown. */
int pmx_column_of(const char *name, size_t len);
/* records_map.c: parse opt.map into r->map_col (PM_EINVAL naming the
 * problem); free it. */
pm_status pmx_map_parse(pm_records *r, const char *map, pm_error *err);
void pmx_map_free(pm_records *r);
/* The generic column of a header name under r's map: a mapped column
 * gives its field; a name that is a synonym of a mapped field gives -1
 * (the map replaces it); otherwise pmx_column_of. */
int pmx_map_column(const pm_records *r, const char *name, size_t len);
/* PM_EPARSE when a mapped column is missing from the header fields f[0..nf). */
pm_status pmx_map_check_header(const pm_records *r, const pm_csv_field *f, size_t nf, long line,
                               pm_error *err);
/* Append up to a bounded number of the fields f[0..nf) to b as "a, b, c"
 * (quoted names escaped for a terminal), for messages. */
int pmx_list_columns(pmx_buf *b, const pm_csv_field *f, size_t nf);
const char *pmx_column_name(int col);
/* Gold table: 0 added or already equal, 1 conflict (*old set), -1 out of memory. */
int pmx_gold_put(pmx_gold *g, const char *key, const char *val, const char **old);
const char *pmx_gold_get(const pmx_gold *g, const char *key);
void pmx_gold_free(pmx_gold *g);

/* records_ranking.c: one response of a ranking as a reader found it (id
 * borrowed), and the canonical ranking label (records.h, "Rankings") of
 * e[0..k) into out: responses by rank (lower is better), ties joined by
 * '=', groups by '>', ids within a group in byte order. Reorders e.
 * PM_EPARSE at file:line naming `field` when k < 2, an id is empty, holds
 * '>', '=' or a control character, is not UTF-8, is given twice, or a rank
 * is not finite; PM_ENOMEM. */
pm_status pmx_ranking_label(pmx_buf *out, pmx_rank_entry *e, size_t k, const char *file, long line,
                            const char *field, pm_error *err);
/* Room for k entries in r->rank_e (PM_ENOMEM). */
pm_status pmx_rank_room(pm_records *r, size_t k, pm_error *err);
/* The item key of a ranking of e[0..k) (already through pmx_ranking_label):
 * item, '|', the ids in byte order joined by '=' ("q1|r1=r2=r3"), so that
 * a repeat is the same set ranked again. Reorders e; PM_ENOMEM. */
pm_status pmx_ranking_item(pmx_buf *out, const char *item, size_t n, pmx_rank_entry *e, size_t k,
                           pm_error *err);
/* records_jsonl.c: a JSONL line with a "ranking" key (see there). */
pm_status pmx_jsonl_ranking(pm_records *r, json_t *v, long line, pm_error *err);

/* records_generic.c: a generic row to a record (checks, canonical label,
 * gold). *use = 0 when the row is skipped (counted). */
pm_status pmx_generic_record(pm_records *r, const pmx_row *row, long line, pm_record *out, int *use,
                             pm_error *err);
/* Check the generic header's columns (required ones, pairwise shape). */
pm_status pmx_generic_check_columns(pm_records *r, long line, pm_error *err);

/* Per format: start (after detection, header read) and next record. */
/* The next row of r's file (*got = 0 at its end): fields, count, first line. */
typedef struct pmx_csv_row {
    const pm_csv_field *f;
    size_t nf;
    long line;
} pmx_csv_row;
static inline pm_status pmx_next_row(pm_records *r, int *got, pmx_csv_row *row, pm_error *err)
{
    pm_status st = pm_csv_next(r->csv, got, err);
    if (st || !*got)
        return st;
    row->f = pm_csv_fields(r->csv);
    row->nf = pm_csv_nfields(r->csv);
    row->line = pm_csv_line(r->csv);
    return PM_OK;
}
/* Note a header column no reader uses (listed once by pm_records_ignored). */
pm_status pmx_ignore_column(pm_records *r, const pm_csv_field *f, pm_error *err);

/* records_toloka.c: the Toloka results header (r->col, r->inputs, ignored
 * columns) and, with several INPUT:* columns, a row's joined item key. */
pm_status pmx_toloka_header(pm_records *r, const pm_csv_field *f, size_t nf, pm_error *err);
pm_status pmx_toloka_item(pm_records *r, const pm_csv_field *f, pmx_row *row, pm_error *err);

pm_status pmx_mturk_start(pm_records *r, pm_error *err);
pm_status pmx_mturk_record(pm_records *r, pm_record *out, int *got, pm_error *err);
pm_status pmx_records_csv_start(pm_records *r, pm_error *err);
pm_status pmx_records_csv_record(pm_records *r, pm_record *out, int *got, pm_error *err);
/* Free the lines split ahead (r->pend_*: records_csv.c, next_line). */
void pmx_records_pend_free(pm_records *r);
pm_status pmx_gal_start(pm_records *r, pm_error *err);
pm_status pmx_gal_record(pm_records *r, pm_record *out, int *got, pm_error *err);
pm_status pmx_jsonl_start(pm_records *r, pm_error *err);
pm_status pmx_jsonl_record(pm_records *r, pm_record *out, int *got, pm_error *err);
pm_status pmx_mtbench_start(pm_records *r, pm_error *err);
pm_status pmx_mtbench_record(pm_records *r, pm_record *out, int *got, pm_error *err);
pm_status pmx_wmt_start(pm_records *r, pm_error *err);
pm_status pmx_wmt_record(pm_records *r, pm_record *out, int *got, pm_error *err);
pm_status pmx_labelstudio_start(pm_records *r, pm_error *err);
pm_status pmx_labelstudio_record(pm_records *r, pm_record *out, int *got, pm_error *err);
pm_status pmx_prodigy_start(pm_records *r, pm_error *err);
pm_status pmx_prodigy_record(pm_records *r, pm_record *out, int *got, pm_error *err);
pm_status pmx_arena_start(pm_records *r, pm_error *err);
pm_status pmx_arena_record(pm_records *r, pm_record *out, int *got, pm_error *err);
/* Free the arena parse state (NULL-safe); called when a file closes. */
void pmx_battles_free(pm_records *r);
/* Bytes of the arena reader's one growing table (each judge's previous
 * vote), which pm_records_bytes counts. */
size_t pmx_battles_bytes(const pm_records *r);

/* records_mtbench.c: a verdict on a model pair (MT-Bench, Chatbot Arena).
 * key = prefix "|" min(model) "|" max(model) (byte order); *label "A" when
 * the smaller-named model won, "B" the other, "tie" for tie and
 * tie (bothbad) (case-insensitive); *a_low = 1 when model_a is the smaller
 * name. Returns 0, PMX_PAIR_SAME (model_a equals model_b), PMX_PAIR_WINNER
 * (winner is none of model_a, model_b, tie, tie (bothbad)) or -1 (out of
 * memory). */
enum { PMX_PAIR_SAME = 1, PMX_PAIR_WINNER };
int pmx_pair_verdict(pmx_buf *key, const char *prefix, size_t plen, const char *ma, size_t malen,
                     const char *mb, size_t mblen, const char *winner, const char **label,
                     int *a_low);
pm_status pmx_argilla_start(pm_records *r, pm_error *err);
pm_status pmx_argilla_record(pm_records *r, pm_record *out, int *got, pm_error *err);
void pmx_argilla_free(pm_records *r);
/* PM_EPARSE for a Parquet file (magic PAR1): which library is missing and
 * how to convert it. */
pm_status pmx_argilla_parquet(const pm_records *r, pm_error *err);
/* records_document.c: the open file read whole as one JSON document into
 * r->doc (r->doc_text its bytes), up to max_document bytes (PM_ELIMIT),
 * and with max_memory up to PM_RECORDS_TREE_FACTOR x its text (PM_ELIMIT,
 * up front for a regular file); `what` names the export in messages and
 * `remedy` ends a limit's message ("raise the limit or split the export"). */
pm_status pmx_load_document(pm_records *r, const char *what, const char *remedy, pm_error *err);

/* Shared by the readers: check a key field's UTF-8, error at its column. */
pm_status pmx_check_key(const pm_records *r, const char *field, const char *s, size_t n, long line,
                        long col, pm_error *err);

/* records_csv.c: a header naming a column twice (case aside) refused, at
 * the second one. */
pm_status pmx_header_unique(const pm_records *r, const pm_csv_field *f, size_t nf, pm_error *err);
/* records_csv.c: the header record of a delimited file: read, refused when
 * missing or over PMX_MAX_COLUMNS, r->col reset and r->ncols set. */
pm_status pmx_header_fields(pm_records *r, const pm_csv_field **fields, size_t *count,
                            pm_error *err);

#endif
