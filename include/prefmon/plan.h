/*
** prefmon — annotation queues with hidden duplicates and gold items
** (self-consistency monitoring, arXiv 2502.06387 §4: an item shown twice
** to the same annotator; the repeat is the monitoring signal).
**
** A plan gives every annotator a queue of L slots:
**   d duplicated items, each shown twice: copy 1, then copy 2 at least G
**     positions later (position2 - position1 >= G), with the two responses
**     swapped (copy 2 shows on the left what copy 1 showed on the right),
**     so that a side-clicker is not counted as consistent;
**   g gold items (each at most once per annotator), interleaved;
**   L - g - 2d items shown once.
** Each annotator sees L - g - d distinct pool items, drawn without
** replacement from the pool; different annotators draw independently.
** Slot types are drawn left to right like cards from an urn (weights =
** how many of each type are left), restricted at every step to choices that
** keep the gap constraint satisfiable, so the plan never fails when the
** request is feasible and duplicates are spread over the whole queue (the
** draw is not exactly uniform over all valid queues when the gap binds).
** Which response is on the left is a fair coin for copy 1, single items and
** gold.
**
** Determinism: annotator j uses stream j of the seed (prefmon/rng.h:
** xoshiro256**, the seed's state jumped j times), so a queue depends only
** on the seed, the annotator's index, the request and the pools — adding
** annotators at the end does not change the queues before them.
**
** Exported files (CSV, JSONL, Label Studio) carry the item key on every row,
** so that the assessment matches copies by content, never by a platform
** task id, and do NOT mark duplicates or gold: only the private manifest
** does.
**
** Ownership: pools own copies of their strings. A plan borrows the pools
** and the annotator names of its request: they must outlive the plan.
** Handles are not thread-safe; distinct handles are independent.
*/
#ifndef PREFMON_PLAN_H
#define PREFMON_PLAN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "prefmon/export.h"
#include "prefmon/monitor.h"
#include "prefmon/status.h"

PM_BEGIN_DECLS

/* ---- item pools ------------------------------------------------------- */

typedef struct pm_plan_pool pm_plan_pool;

/** An empty pool, or NULL with PM_ENOMEM in err when out of memory. */
PM_API pm_plan_pool *pm_plan_pool_new(pm_error *err);
PM_API void pm_plan_pool_free(pm_plan_pool *p);

/** Hex characters of a content key (128 bits of SHA-256), plus the NUL. */
#define PM_PLAN_KEY_SIZE 33

/** The content key of an item: the first 128 bits of SHA-256(a || 0x00 ||
 *  b), as 32 lowercase hex digits. Copies of an item share it. */
PM_API void pm_plan_content_key(const char *a, const char *b, char key[PM_PLAN_KEY_SIZE]);

/** Add an item. key NULL: the content key of (a, b). a and b are the two
 *  responses (both or neither, NULL for a key-only pool); copied. A key
 *  already in the pool is not added again: *added (may be NULL) says so. */
PM_API pm_status pm_plan_pool_add(pm_plan_pool *p, const char *key, const char *a, const char *b,
                                  int *added, pm_error *err);

/**
 * Read a preference dataset, one JSON object per line with string fields
 * "chosen" (response A) and "rejected" (response B) and an optional "id"
 * (string or integer: the item key; else the content key). Blank lines are
 * skipped. An item whose key is already in the pool is skipped and counted
 * in *duplicates (may be NULL). Errors: PM_EPARSE "name:line:col: what"
 * (invalid JSON or UTF-8, a missing or non-string field), PM_ELIMIT for a
 * line over PM_PLAN_MAX_LINE bytes (read no further), PM_EIO. On error the
 * items read from this stream are removed again.
 */
PM_API pm_status pm_plan_pool_read_jsonl(pm_plan_pool *p, FILE *fp, const char *name,
                                         size_t *duplicates, pm_error *err);

#define PM_PLAN_MAX_LINE ((size_t)16 << 20)

PM_API size_t pm_plan_pool_count(const pm_plan_pool *p);
/** 1 and *index (may be NULL) when key is in the pool, else 0. */
PM_API int pm_plan_pool_find(const pm_plan_pool *p, const char *key, size_t *index);
PM_API const char *pm_plan_pool_key(const pm_plan_pool *p, size_t i);
/** Response A (which = 0) or B (which = 1) of item i; NULL in a key-only pool. */
PM_API const char *pm_plan_pool_response(const pm_plan_pool *p, size_t i, int which);

/**
 * The one rule that splits the items read into the gold set and the pool
 * the queues draw from (plan --gold, simulate --gold-items): the keys of
 * gold_keys, in their order, are the gold set, each with its responses
 * from `all`; every other item of `all`, in its order, goes to items. A
 * gold key not in `all` is added key-only, which only a key-only `all`
 * allows (a platform cannot show an item without its responses):
 * otherwise PM_EPARSE "gold_name: gold item 'k' is not in the items ...".
 * items and gold are the caller's (normally empty) pools; PM_ENOMEM.
 */
PM_API pm_status pm_plan_pool_split(const pm_plan_pool *all, const pm_plan_pool *gold_keys,
                                    const char *gold_name, pm_plan_pool *items, pm_plan_pool *gold,
                                    pm_error *err);

/* ---- plans ------------------------------------------------------------ */

typedef struct pm_plan_request {
    const pm_plan_pool *items;     /* required */
    const pm_plan_pool *gold;      /* NULL: no gold */
    const char *const *annotators; /* names; NULL: "annotator-1" ... */
    size_t n_annotators;           /* >= 1 */
    long length;                   /* L, slots per annotator, >= 1 */
    long duplicates;               /* d; -1: round(dup_rate * L), halves up */
    double dup_rate;               /* used when duplicates < 0, in [0, 0.5] */
    long min_gap;                  /* G >= 1 */
    double gold_rate;              /* g = round(gold_rate * L), in [0, 1] */
    uint64_t seed;
} pm_plan_request;

/** Defaults: no pools or names (set items and length: they are required),
 *  n_annotators 1, length 0, duplicates 0, dup_rate 0, min_gap 10 (as
 *  `prefmon plan`), gold_rate 0, seed 0. */
PM_API void pm_plan_request_default(pm_plan_request *req);

/** One slot of one annotator's queue. */
typedef struct pm_plan_row {
    size_t annotator; /* index into the plan's annotators */
    long position;    /* 1..L */
    size_t item;      /* index into the item pool, or the gold pool when is_gold */
    int is_gold;
    int copy;        /* 1, or 2 for the repeat of a duplicated item */
    long partner;    /* position of the other copy; 0 for an item shown once */
    char shown_left; /* 'A' or 'B': the response shown on the left */
} pm_plan_row;

typedef struct pm_plan pm_plan;

/** Most rows a plan may have (annotators x L): PM_ELIMIT beyond. */
#define PM_PLAN_MAX_ROWS 50000000L

/**
 * Make the plan. Infeasible requests are PM_EINVAL with the limit in the
 * message: 2d + g > L; d > L - G (the gap does not fit); g above the gold
 * set's size; L - g - d above the item pool's size; a gold key also in the
 * item pool (it would be shown twice unmarked). *out is set only on success.
 */
PM_API pm_status pm_plan_make(const pm_plan_request *req, pm_plan **out, pm_error *err);
PM_API void pm_plan_free(pm_plan *plan);

/** All rows, annotator by annotator, position by position. */
PM_API const pm_plan_row *pm_plan_rows(const pm_plan *plan, size_t *count);
PM_API const char *pm_plan_annotator(const pm_plan *plan, size_t i);
/** The item key of a row, and the texts shown on its left and right (NULL
 *  in a key-only pool). */
PM_API const char *pm_plan_row_key(const pm_plan *plan, const pm_plan_row *row);
PM_API const char *pm_plan_row_text(const pm_plan *plan, const pm_plan_row *row, int right);

typedef struct pm_plan_summary {
    size_t annotators, rows;
    long length, duplicates, gold, singles, min_gap;
    long distinct_items; /* pool items per annotator, L - g - d */
    uint64_t seed;
    int has_test; /* 1 when a test was asked for and d >= 1 */
    pm_test test; /* the test on d pairs per annotator, with its error rates */
} pm_plan_summary;

/** The plan's counts and, when test is not NULL, what d pairs per
 *  annotator buy: pm_test_design(test, d). */
PM_API pm_status pm_plan_summarize(const pm_plan *plan, const pm_test_request *test,
                                   pm_plan_summary *out, pm_error *err);

/* ---- writers (to the caller's stream) ---------------------------------- */

/** Generic CSV (RFC 4180, CRLF): annotator,position,item,shown_left, plus
 *  left,right when the item pool has responses. Cells are quoted, never
 *  altered: item keys must reach the platform byte for byte. */
PM_API pm_status pm_plan_write_csv(const pm_plan *plan, FILE *fp, pm_error *err);

/** JSON Lines with the same fields. */
PM_API pm_status pm_plan_write_jsonl(const pm_plan *plan, FILE *fp, pm_error *err);

/** A Label Studio import file: a JSON list of tasks {"data": {"item",
 *  "left", "right", "annotator", "position", "shown_left"}} (the "Basic
 *  Label Studio JSON format", labelstud.io/guide/tasks; a labeling config
 *  refers to $left and $right). */
PM_API pm_status pm_plan_write_labelstudio(const pm_plan *plan, FILE *fp, pm_error *err);

/** The private manifest (JSON Lines): a header object with the request and
 *  the generator, then every row with is_gold, copy and partner.
 *  pm_plan_read_manifest reads it back into the same plan. */
PM_API pm_status pm_plan_write_manifest(const pm_plan *plan, FILE *fp, pm_error *err);

/* ---- reading a manifest back ------------------------------------------- */

/**
 * Read the header line of a manifest (the first non-blank line): its
 * counts and seed into *out (annotators, rows, length, duplicates, gold,
 * singles, min_gap, distinct_items, seed; no test). The stream is left
 * after that line. Lets a caller size the pools (e.g. the gold set) before
 * pm_plan_read_manifest reads the whole file again. Errors as there.
 */
PM_API pm_status pm_plan_read_manifest_header(FILE *fp, const char *name, pm_plan_summary *out,
                                              pm_error *err);

/**
 * Rebuild the plan a manifest was written from (pm_plan_write_manifest),
 * over the pools it was made from: items, and gold (NULL: none). The plan
 * borrows the pools (they must outlive it) and owns the annotator names.
 * Rows equal the original's field by field, so a simulation labels exactly
 * those queues. Everything is checked, with "name:line:col: what" (col 0:
 * the message names the field): the header (format, version, generator,
 * counts consistent: singles = L - g - 2d, 2d + g <= L, d <= L - G,
 * annotators x L <= PM_PLAN_MAX_ROWS); then exactly annotators x L rows,
 * annotator by annotator, positions 1..L in order, distinct non-empty
 * names; every key in its pool (gold rows in gold, the others in items);
 * copy 1 with partner P > position at least G later, and at P the copy 2
 * pointing back, with the same item and the other side on the left; gold
 * and single rows shown once; per annotator exactly d pairs and g gold
 * rows, and no item twice outside its pair. Blank lines are skipped;
 * unknown fields are ignored. Errors: PM_EPARSE, PM_ELIMIT (a line over
 * PM_PLAN_MAX_LINE), PM_EIO, PM_ENOMEM. Memory grows with the rows read,
 * never with what the header announces. *out is set only on success.
 */
PM_API pm_status pm_plan_read_manifest(FILE *fp, const char *name, const pm_plan_pool *items,
                                       const pm_plan_pool *gold, pm_plan **out, pm_error *err);

PM_END_DECLS

#endif
