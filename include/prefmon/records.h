/*
** prefmon — label events read from annotation logs (arXiv 2502.06387 §3:
** self-consistency needs the same annotator's repeated labels of one item).
**
** One pm_record is one label event: who labelled which item (by content key,
** so that the copies of a duplicated item match whatever task id a platform
** gave them), the label in the item's own orientation, and where it came
** from. Readers stream: memory is bounded by the longest record
** (max_line), except for the Label Studio export, which is one JSON
** document read whole with jansson up to max_document bytes of text
** (PM_ELIMIT beyond) and, with max_memory, up to an estimated tree of
** that many bytes.
**
** Formats (pm_records_format; detected by content unless forced):
**   csv, tsv, jsonl  generic long format. Columns/keys (case-insensitive):
**                    annotator (or worker, performer), item (or task),
**                    label; optional gold, timestamp (ISO 8601, or epoch
**                    seconds), duration (seconds), shown_left (A|B).
**                    With a shown_left column the task is pairwise: label
**                    must be A, B, tie (item orientation) or left, right
**                    (mapped through shown_left). crowd-kit's pairwise
**                    shape worker,left,right,label (label = the winning
**                    id) becomes item "min|max" (byte order), A = the
**                    smaller id. Unknown header columns are ignored and
**                    listed by pm_records_ignored() so that a caller
**                    reports them once (unknown JSONL keys are ignored
**                    silently: they may differ per line). CSV is RFC 4180
**                    (quotes, doubled quotes, newlines inside quotes); TSV
**                    has no quoting.
**   gal              Get-Another-Label: worker TAB item TAB label, no header.
**   mtbench          MT-Bench human judgments (TSV or CSV with a header:
**                    question_id, model_a, model_b, turn, judge, winner).
**                    item = "question|turn|min(model)|max(model)", label A
**                    when the smaller model name won, B the other, tie for
**                    "tie" and "tie (bothbad)"; shown_left unknown (the
**                    release's model order is not the order shown).
**   labelstudio      Label Studio JSON export (see records_labelstudio.c).
**   toloka           Toloka's results TSV (detected by ASSIGNMENT:worker_id
**                    and an OUTPUT:* column; see records_toloka.c): annotator
**                    ASSIGNMENT:worker_id; item the INPUT:* value (several
**                    INPUT:* columns: their values joined by '|'); label
**                    OUTPUT:result (else the only OUTPUT:* column); gold
**                    GOLDEN:<that field>; timestamp ASSIGNMENT:submitted,
**                    else ASSIGNMENT:started; no duration (a task suite's
**                    time is for a page of tasks). The column map may name
**                    any of these columns instead.
**   mturk            Amazon Mechanical Turk batch results CSV (detected by
**                    WorkerId and AssignmentId; see records_mturk.c for the
**                    item rule): annotator WorkerId; one record per item of
**                    the HIT, from Input.item_N / Answer.label_N (optional
**                    Input.gold_N, Input.shown_left_N), or the columns a map
**                    names (item=Input.x,label=Answer.y: Input.x, or
**                    Input.x<N> and Answer.y<N>), or the only numbered
**                    Input.* / Answer.* names; timestamp SubmitTime (its
**                    "Wed Mar 15 10:21:05 PDT 2023" form or ISO 8601);
**                    duration WorkTimeInSeconds only when a HIT holds one
**                    item (else empty, and pm_records_note says so).
**   prodigy          Prodigy db-out JSON Lines (detected by _task_hash or
**                    _input_hash and answer; see records_prodigy.c):
**                    annotator _annotator_id (else _session_id, noted);
**                    timestamp _timestamp; answer ignore skipped (ignored).
**                    A/B tasks (mapping + accept/reject outputs, or + two
**                    options A, B): label A|B of the underlying systems
**                    (the random mapping undone), shown_left from it, item
**                    _input_hash|digest(A)|digest(B); choice tasks: the one
**                    chosen option id, item _input_hash|sorted option ids;
**                    binary tasks: accept|reject, item _task_hash.
**   arena            Chatbot Arena clean_battle JSON (an array of battles,
**                    or one per line; see records_arena.c), streamed with
**                    yajl: memory is a block plus max_line per battle.
**                    annotator judge; the mtbench label rule; shown_left
**                    model_a's letter; timestamp tstamp; duration the time
**                    since the judge's previous vote (<= 30 min); item
**                    "question_id|min|max" (else a digest of the prompt,
**                    else "battle#<n>|min|max"); record.line is the line of
**                    the battle's opening brace.
**   argilla          Argilla exports as JSON Lines (streamed) or one JSON
**                    list (read whole, as Label Studio's): v1 FeedbackDataset
**                    records (responses [{user_id, values, status}]) and its
**                    datasets rows (per question [{user_id, value, status}]),
**                    v2 records (to_json: responses {q: [{value, user_id}]};
**                    flattened: <q>.responses, .responses.users,
**                    .responses.status). annotator user_id; item a SHA-256
**                    of the record's fields (item_field: one field instead);
**                    label the one question's value (label_field names it
**                    among several), a ranking question's answer a ranking
**                    record; draft and discarded responses skipped and
**                    counted; suggestions are not labels. Parquet is
**                    refused (no Parquet library): see records_argilla.c.
**   wmt              The WMT / Appraise human ranking CSV (detected by
**                    judgeId and system1rank; see records_wmt.c): one
**                    ranking per row (see "Rankings"), annotator judgeId,
**                    the systems systemNId ranked by systemNrank (1 best,
**                    ties allowed, -1 blank: left out), item
**                    srclang-trglang|srcIndex|the ranked ids.
**   jsonl rankings   a JSONL line with a "ranking" key instead of "label"
**                    is a ranking (see records_jsonl.c for its shapes).
** Everywhere: a UTF-8 BOM is skipped, CRLF line ends are accepted, blank
** lines are ignored (they hold no label). Keys (annotator, item, label,
** gold) must be valid UTF-8 without NUL bytes.
**
** Skipped and counted, not errors (pm_records_stats): a row with an empty
** label (an unanswered question), a cancelled Label Studio annotation, a
** Label Studio annotation with no result for the chosen control, a Label
** Studio annotation whose choices result holds several choices (a
** multi-select answer is not one label), a Label Studio ground-truth
** annotation (its label becomes the item's gold), and a Prodigy "ignore"
** answer (and, as no-result / several-choices, a Prodigy choice answer
** with no or several chosen options), and an Argilla draft or
** discarded response.
** Everything else that is wrong is an error with file:line:col.
**
** Ownership: a pm_records handle owns everything it reads; the strings of a
** pm_record are borrowed and valid until the next pm_records_next,
** pm_records_open or pm_records_free on the handle. Options are copied by
** pm_records_new. Not thread-safe per handle.
*/
#ifndef PREFMON_RECORDS_H
#define PREFMON_RECORDS_H

#include <stddef.h>
#include <stdio.h>

#include "prefmon/export.h"
#include "prefmon/status.h"

PM_BEGIN_DECLS

typedef struct pm_record {
    const char *annotator; /* borrowed: valid until the next pm_records_next call */
    const char *item;      /* content key shared by every copy of an item */
    const char *label;     /* canonical label in the item's orientation: "A" / "B" / "tie" for a
                              pairwise preference, else the category string */
    const char *gold;      /* gold label in the same canonical form, or NULL */
    char shown_left;       /* 'A' or 'B': which response was shown on the left; 0 unknown */
    double timestamp;      /* seconds since the epoch, NAN when none */
    double duration;       /* seconds, NAN when none */
    const char *file;      /* source name, for messages */
    long line;             /* 1-based source line (first line of a multi-line CSV record); for Label
                              Studio, the 1-based task number in the export */
    int ranking;           /* 1 when label is a ranking of k responses (see "Rankings" below) */
} pm_record;

/* Rankings. A reader of a ranking task (k >= 2 responses ordered, ties
 * allowed) gives one record per ranking: item is a content key of the
 * ranked set, ranking = 1, and label the canonical ranking text: response
 * ids from best to worst, rank groups separated by '>', tied ids inside a
 * group joined by '=' in byte order ("r2>r1=r3"). Ids are non-empty UTF-8
 * without '>', '=' or control characters and unique within a ranking; a
 * reader refuses anything else with file:line. Two rankings of the same
 * set are equal exactly when their labels are equal. */

typedef enum pm_records_format {
    PM_RECORDS_AUTO = 0,
    PM_RECORDS_CSV,
    PM_RECORDS_TSV,
    PM_RECORDS_JSONL,
    PM_RECORDS_GAL,
    PM_RECORDS_MTBENCH,
    PM_RECORDS_LABELSTUDIO,
    PM_RECORDS_TOLOKA,
    PM_RECORDS_MTURK,
    PM_RECORDS_PRODIGY,
    PM_RECORDS_ARENA,
    PM_RECORDS_ARGILLA,
    PM_RECORDS_WMT
} pm_records_format;

/** Defaults for max_line and max_document (0 in the options). */
#define PM_RECORDS_MAX_LINE ((size_t)1 << 20)
#define PM_RECORDS_MAX_DOCUMENT ((size_t)256 << 20)

typedef struct pm_records_options {
    pm_records_format format; /* PM_RECORDS_AUTO: detect by content */
    const char *item_field;   /* labelstudio: data.<field> is the item key; NULL = "item";
                                 argilla: the field that is the item key; NULL = all fields */
    const char *label_field;  /* labelstudio: the from_name to use when a task has several;
                                 argilla: the question to read when a dataset has several */
    size_t max_line;          /* longest record in bytes; 0 = PM_RECORDS_MAX_LINE */
    size_t max_document;      /* largest Label Studio export; 0 = PM_RECORDS_MAX_DOCUMENT */
    size_t max_memory;        /* labelstudio: PM_ELIMIT when the parsed document, estimated
                               * at PM_RECORDS_TREE_FACTOR bytes per byte of JSON, would
                               * pass this (up front for a regular file); 0 = no limit */
    const char *map; /* csv, tsv, jsonl, toloka: "field=column,..." (see below); NULL none */
} pm_records_options;

/* The column map (pm_records_options.map) names, for the generic csv, tsv
 * and jsonl formats and for toloka, the header column (or JSONL key) that gives a field:
 * "annotator=participant_id,item=task_id,label=choice,timestamp=submitted_at".
 * Fields: annotator, item, label, gold, timestamp, duration, shown_left
 * (and left, right of the crowd-kit pairwise shape). Column names compare
 * case-insensitively, as header names do everywhere; a column name may not
 * contain ',' or '='. A mapped field is taken from its column only: a
 * column that would otherwise give that field by its own name (a stray
 * 'label' beside the mapped 'choice') is then ignored and listed by
 * pm_records_ignored. A mapped column missing from a CSV/TSV header is an
 * error that lists the header's columns. With a map, detection reads a
 * first line holding the mapped annotator column as CSV (TSV with a tab).
 * pm_records_new refuses (PM_EINVAL) an unknown field, a field given twice,
 * an empty column name, or one column mapped to two fields. */

/** Defaults: format PM_RECORDS_AUTO, item_field and label_field NULL,
 *  max_line and max_document 0 (their PM_RECORDS_MAX_* defaults). */
PM_API void pm_records_options_default(pm_records_options *opt);

/** Bytes of jansson tree per byte of Label Studio JSON, for max_memory and
 *  pm_records_bytes: an upper estimate (measured 8.5 on an export of short
 *  values, 21.6 on a 100 MB export). */
#define PM_RECORDS_TREE_FACTOR 24

/** Why a row was skipped (counted in pm_records_stats.skipped). */
typedef enum pm_records_skip {
    PM_RECORDS_SKIP_EMPTY_LABEL = 0, /* a row whose label is empty */
    PM_RECORDS_SKIP_CANCELLED,       /* Label Studio was_cancelled */
    PM_RECORDS_SKIP_NO_RESULT,       /* Label Studio annotation without a usable result */
    PM_RECORDS_SKIP_GROUND_TRUTH,    /* Label Studio ground truth: used as gold, not a label */
    PM_RECORDS_SKIP_SEVERAL_CHOICES, /* Label Studio choices result with more than one choice */
    PM_RECORDS_SKIP_REJECTED,        /* MTurk: an item of an assignment the requester rejected */
    PM_RECORDS_SKIP_IGNORED,         /* Prodigy: an "ignore" answer (the annotator skipped it) */
    PM_RECORDS_SKIP_DRAFT,           /* Argilla: a response saved as a draft, not submitted */
    PM_RECORDS_SKIP_DISCARDED,       /* Argilla: a response the annotator discarded */
    PM_RECORDS_SKIP_COUNT
} pm_records_skip;

typedef struct pm_records_stats {
    long rows_read; /* data rows / annotations seen, over every file so far */
    long rows_used; /* records returned by pm_records_next */
    long skipped[PM_RECORDS_SKIP_COUNT];
} pm_records_stats;

typedef struct pm_records pm_records;

/** A new reader (opt may be NULL: all defaults), or NULL with err set. */
PM_API pm_records *pm_records_new(const pm_records_options *opt, pm_error *err);

/** Free the handle and everything it owns; NULL is a no-op. */
PM_API void pm_records_free(pm_records *r);

/** Read gold labels, item TAB label (or CSV item,label; an "item,label"
 *  header line is allowed; empty fields after the label, a stray trailing
 *  tab, are ignored and noted, see pm_records_gold_note), applied to every
 *  record of every format whose
 *  own row has no gold. Labels are taken as written: give pairwise gold as
 *  A, B or tie in the item's orientation (for MT-Bench and crowd-kit pairs
 *  the item key is "min|max"-style, see above). An item given two different
 *  gold labels is an error; Label Studio ground truth joins the same table.
 *  May be called several times, before or between files. On failure the
 *  gold labels before the bad line may have been added: stop there. */
PM_API pm_status pm_records_read_gold(pm_records *r, const char *path, pm_error *err);

/** What the last pm_records_read_gold accepted but the caller should say
 *  once: "file:line: trailing empty field ignored ..." for the first gold
 *  row that ended in empty fields (a stray tab), *lines (may be NULL) the
 *  number of such rows; "" and 0 when none. Borrowed until the next
 *  pm_records_read_gold or pm_records_free. */
PM_API const char *pm_records_gold_note(const pm_records *r, long *lines);

/** Start the next input file ("-" is stdin), closing the previous one.
 *  The format is detected from the first block unless forced; the header
 *  is read and checked here. A regular file that this handle has opened
 *  before (same device and inode: the same path, another path to it, a
 *  link, stdin redirected from it) is refused with PM_EINVAL naming both
 *  names, since reading it again would pair every row with its own copy. */
PM_API pm_status pm_records_open(pm_records *r, const char *path, pm_error *err);

/** As pm_records_open on a stream the caller opened (a pipe, fmemopen);
 *  the handle borrows fp until the next open or free; name is copied. */
PM_API pm_status pm_records_open_stream(pm_records *r, FILE *fp, const char *name, pm_error *err);

/** The next record of the current file: *got = 1 and *out filled, or
 *  *got = 0 at its end. On error the file stays at the error (call
 *  pm_records_open for another file or free the handle). */
PM_API pm_status pm_records_next(pm_records *r, pm_record *out, int *got, pm_error *err);

/** Memory the reader holds beyond its line buffer: the estimated tree of
 *  an open document read whole (Label Studio, an Argilla JSON list:
 *  PM_RECORDS_TREE_FACTOR x its text), the Arena reader's table of each
 *  judge's previous vote (it grows as the file is read), 0 for the other
 *  streaming formats. pm_assess_read counts it against the accumulator's
 *  max_bytes, again at every batch of records. */
PM_API size_t pm_records_bytes(const pm_records *r);

/** Counters over every file read so far. */
PM_API void pm_records_stats_get(const pm_records *r, pm_records_stats *out);

/** "empty-label", "cancelled", "no-result", "ground-truth",
 *  "several-choices", "rejected", "ignored", "draft", "discarded"; "?" otherwise. */
PM_API const char *pm_records_skip_name(int reason);

/** "auto", "csv", "tsv", "jsonl", "gal", "mtbench", "labelstudio", "toloka",
 *  "mturk", "prodigy", "arena", "argilla", "wmt"; "?". */
PM_API const char *pm_records_format_name(pm_records_format f);

/** The inverse of pm_records_format_name; -1 when the name is unknown. */
PM_API int pm_records_format_parse(const char *name);

/** The format of the current file (PM_RECORDS_AUTO before any open). */
PM_API pm_records_format pm_records_detected(const pm_records *r);

/** Rows of the file open in r, estimated from its size and the line
 *  density of the block already read; 0 when unknown (a pipe, a Label
 *  Studio document, no line end in the block). A size hint only (e.g. for
 *  pm_assess_reserve): it may be off either way. */
PM_API size_t pm_records_estimate_rows(const pm_records *r);

/** The header columns of the current file that were ignored, comma
 *  separated ("" when none); borrowed until the next pm_records_open. */
PM_API const char *pm_records_ignored(const pm_records *r);

/** What the caller should say once about how the current file was read
 *  ("" when nothing): e.g. for an MTurk file whose HITs hold several items,
 *  that the per-assignment work time was not used as a duration. Borrowed
 *  until the next pm_records_open. */
PM_API const char *pm_records_note(const pm_records *r);

PM_END_DECLS

#endif
