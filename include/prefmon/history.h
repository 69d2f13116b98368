/*
** prefmon — the history store: every week's assessment, pair outcomes,
** last labels, imported record keys and payments, kept across weeks in one
** SQLite file or one PostgreSQL database (same schema, same behaviour;
** doc/history.md describes the tables).
**
** A store is named by a URI:
**   postgresql://... or postgres://...   a PostgreSQL database (libpq's
**                                        connection URI, e.g.
**                                        postgresql:///db?host=/tmp/pg&port=5433)
**   anything else                        a SQLite file path (WAL mode, 5 s
**                                        busy timeout)
**
** An import is one transaction:
**     pm_history_begin_import(h, &batch, flags, err)      the batch row, its files
**       pm_history_put_row(h, &row, err)                   per annotator
**       pm_history_append_pairs(h, ann, pairs, n, err)     per annotator, in order
**       pm_history_get_last_label / pm_history_put_last_labels
**       pm_history_mark_key(h, key, &seen, err)            per input record
**     pm_history_commit(h, err)        or pm_history_rollback(h)
** Nothing of an import is visible before commit; a process killed, a
** connection lost or a call failed in between leaves the store as it was
** (after a failed call inside an import, only pm_history_rollback is
** allowed). Two imports at once are serialised: the second waits for the
** first (SQLite: BEGIN IMMEDIATE with a 5 s busy timeout; PostgreSQL: an
** advisory lock and a lock on the batches table, with a 5 s lock_timeout)
** and then lands, or after 5 s is refused (PM_EIO, "busy" in the message);
** never a mix.
**
** Errors: every message starts with the store's name (the SQLite path, or
** the PostgreSQL URI without its password) and says what failed:
**   "store.db: not a prefmon history store (no schema_version table)"
**   "store.db: schema 3 is newer than this prefmon (2): upgrade prefmon"
**   "store.db: batch '2026-W49' is already imported (id 3, 2026-12-07T05:00:00Z);
**    give --replace to replace it"
** Status codes: PM_EIO when the store cannot be opened, read or written
** (missing file, server gone, busy, read-only); PM_EPARSE when its content
** is refused (not a store, a newer schema, a corrupt file, a batch or file
** already imported, a check that fails); PM_EINVAL for a bad argument or a
** call out of order (put_row outside an import, an import on a read-only
** handle); PM_ENOMEM.
**
** Reading: the list/query functions call a callback once per record; the
** strings in the record are valid only during the callback (copy what you
** keep). A callback returning nonzero stops the walk; the call then
** returns PM_OK. A callback may read (start another walk) but not write:
** an import or a ledger append from inside one is PM_EINVAL.
**
** Ownership: pm_history is an opaque handle owned by the caller (free with
** pm_history_close). Every struct passed in is borrowed for the call only.
** Not thread-safe: one handle per thread.
*/
#ifndef PREFMON_HISTORY_H
#define PREFMON_HISTORY_H

#include <stddef.h>

#include "prefmon/export.h"
#include "prefmon/sha256.h"
#include "prefmon/status.h"

PM_BEGIN_DECLS

/** The schema version this prefmon writes. A store from an older schema is
 *  migrated on open (in one transaction; not with PM_HISTORY_READONLY);
 *  a newer one is refused. */
#define PM_HISTORY_SCHEMA 2

typedef struct pm_history pm_history;

/** pm_history_open flags. */
enum {
    PM_HISTORY_READONLY = 1u, /* no writes (SQLite mode=ro; PostgreSQL read-only transactions) */
    PM_HISTORY_CREATE = 2u    /* create the store when the file is missing or the database empty */
};

/** Open the store at uri. Without PM_HISTORY_CREATE a missing SQLite file
 *  is PM_EIO; a file or database holding other tables but no prefmon schema
 *  is PM_EPARSE ("not a prefmon history store"). */
PM_API pm_status pm_history_open(const char *uri, unsigned flags, pm_history **out, pm_error *err);

/** Close the store (rolls back an import not committed). NULL is a no-op. */
PM_API void pm_history_close(pm_history *h);

/** The store's name as used in messages (path, or URI without password). */
PM_API const char *pm_history_name(const pm_history *h);

/** "sqlite" or "postgresql". */
PM_API const char *pm_history_backend(const pm_history *h);

/** The schema version found in the store (after any migration). */
PM_API int pm_history_schema_version(const pm_history *h);

/* ---- import ------------------------------------------------------------ */

/** One input file of a batch. */
typedef struct pm_history_file {
    const char *name;           /* as given (path or basename) */
    char sha256[PM_SHA256_HEX]; /* lower-case hex (pm_sha256_file) */
    long long size;             /* bytes */
} pm_history_file;

/** A batch (one week's import). */
typedef struct pm_history_batch {
    long long id;            /* read: the store's id; ignored on import */
    const char *name;        /* unique, e.g. "2026-W49"; non-empty */
    const char *imported_at; /* UTC "YYYY-MM-DDTHH:MM:SSZ"; NULL on import: now */
    const char *parameters;  /* JSON text (delta, q0 rule, eta0, eta1, alphas,
                                convention, ...); NULL: "{}" */
    const pm_history_file *files;
    size_t n_files;
    /* read only (set by commit): records counted by pm_history_mark_key */
    long long records_new, records_skipped;
} pm_history_batch;

/** pm_history_begin_import flags. */
enum {
    PM_HISTORY_REPLACE = 1u /* replace an earlier batch with the same name or a file
                               with the same SHA-256 instead of refusing */
};

/** Start an import of batch (one transaction; serialised against other
 *  imports). Refused with PM_EPARSE naming the earlier batch when a batch
 *  of that name, or a file with one of these SHA-256 digests, was imported
 *  already, unless PM_HISTORY_REPLACE: then every such earlier batch is
 *  deleted with its rows, pairs (later pairs of the same annotators are
 *  renumbered so that seq stays 1, 2, 3, ...), last labels and record keys
 *  (labels overwritten by the replaced batch are not restored); its ledger
 *  entries stay (money paid is a fact). pm_history_replaced says what was
 *  replaced. */
PM_API pm_status pm_history_begin_import(pm_history *h, const pm_history_batch *batch,
                                         unsigned flags, pm_error *err);

/** What the last begin_import replaced, one line ("batch '2026-W49' (id 3,
 *  imported 2026-12-07T05:00:00Z, 12 annotators)"; several joined by "; "),
 *  or NULL when it replaced nothing. Valid until the next call on h. */
PM_API const char *pm_history_replaced(const pm_history *h);

/** The id the current import's batch will have. */
PM_API long long pm_history_import_id(const pm_history *h);

/** One label count (labels per category, for q0). */
typedef struct pm_history_count {
    const char *label;
    long long count;
} pm_history_count;

/** Per annotator per batch. */
typedef struct pm_history_row {
    const char *batch; /* read: the batch's name; ignored on put */
    const char *annotator;
    long long labels; /* labels given in the batch */
    const pm_history_count *counts;
    size_t n_counts;
    long long pairs, consistent;
    long long gold_n, gold_agree;
    long long left_n, left_k; /* pairwise items shown / chosen left */
    double duration_median;   /* seconds; NaN when none */
    long long duration_n;     /* durations behind the median */
    const char *decision;     /* e.g. "accept", "reject", "inconclusive"; may be NULL */
    const char *action;       /* e.g. "pay", "hold", "warn"; may be NULL */
    const char *reason;       /* free text; may be NULL */
    const char *flags;        /* pm_flags_format text; may be NULL */
} pm_history_row;

/** Store one annotator's row of the current import (once per annotator). */
PM_API pm_status pm_history_put_row(pm_history *h, const pm_history_row *row, pm_error *err);

/** One pair outcome. */
typedef struct pm_history_pair {
    const char *annotator; /* read; ignored on append (the argument is used) */
    long long seq;         /* read: 1, 2, 3 ... per annotator across batches; assigned on append */
    const char *batch;     /* read: the batch's name; ignored on append */
    const char *item;
    int agree;     /* 1 consistent, 0 not */
    double q0;     /* chance agreement used */
    double delta;  /* delta used */
    double m0, m1; /* pass probabilities at eta0 and eta1 used */
} pm_history_pair;

/** Append n pair outcomes of annotator in order to the current import;
 *  they get seq numbers after the annotator's last. */
PM_API pm_status pm_history_append_pairs(pm_history *h, const char *annotator,
                                         const pm_history_pair *pairs, size_t n, pm_error *err);

/** The last label of (annotator, item) and the batch it came from. */
typedef struct pm_history_label {
    const char *annotator, *item, *label;
    const char *batch; /* read: the batch's name; ignored on put (the current import's) */
} pm_history_label;

/** Look up the last label of (annotator, item), committed or put in the
 *  current import: *found 1 and label / batch copied (cut to their sizes,
 *  NUL-terminated; either buffer may be NULL with size 0), or *found 0. */
PM_API pm_status pm_history_get_last_label(pm_history *h, const char *annotator, const char *item,
                                           int *found, char *label, size_t label_size, char *batch,
                                           size_t batch_size, pm_error *err);

/** Set the last label of each (annotator, item) to this import's (when
 *  labels repeats a key, the later entry wins). */
PM_API pm_status pm_history_put_last_labels(pm_history *h, const pm_history_label *labels, size_t n,
                                            pm_error *err);

/** Every last label (of annotator; NULL: all), ordered by annotator, item. */
typedef int (*pm_history_label_fn)(void *ctx, const pm_history_label *label);
PM_API pm_status pm_history_last_labels(pm_history *h, const char *annotator,
                                        pm_history_label_fn fn, void *ctx, pm_error *err);

/** A record key (the record's id, or annotator + item + timestamp joined
 *  by the caller): *seen 1 when an earlier batch or this import has it
 *  already (counted as skipped), else 0 and the key is marked for this
 *  import (counted as new). */
PM_API pm_status pm_history_mark_key(pm_history *h, const char *key, int *seen, pm_error *err);

/** 1 in *seen when key was imported (committed, or marked by the import in
 *  progress on this handle), without marking it. */
PM_API pm_status pm_history_key_seen(pm_history *h, const char *key, int *seen, pm_error *err);

/** Make the import visible (all or nothing). */
PM_API pm_status pm_history_commit(pm_history *h, pm_error *err);

/** Drop the current import. No-op without one. */
PM_API void pm_history_rollback(pm_history *h);

/* ---- reading ------------------------------------------------------------ */

/** Every batch, oldest first (files and counts filled). */
typedef int (*pm_history_batch_fn)(void *ctx, const pm_history_batch *batch);
PM_API pm_status pm_history_list_batches(pm_history *h, pm_history_batch_fn fn, void *ctx,
                                         pm_error *err);

/** Every annotator's name, byte-wise ascending. */
typedef int (*pm_history_name_fn)(void *ctx, const char *name);
PM_API pm_status pm_history_annotators(pm_history *h, pm_history_name_fn fn, void *ctx,
                                       pm_error *err);

/** An annotator's rows batch by batch (oldest first, counts filled). */
typedef int (*pm_history_row_fn)(void *ctx, const pm_history_row *row);
PM_API pm_status pm_history_annotator_rows(pm_history *h, const char *annotator,
                                           pm_history_row_fn fn, void *ctx, pm_error *err);

/** An annotator's pair outcomes in seq order. */
typedef int (*pm_history_pair_fn)(void *ctx, const pm_history_pair *pair);
PM_API pm_status pm_history_annotator_pairs(pm_history *h, const char *annotator,
                                            pm_history_pair_fn fn, void *ctx, pm_error *err);

/* ---- ledger ------------------------------------------------------------- */

typedef enum pm_ledger_kind {
    PM_LEDGER_PAID = 0,    /* money sent */
    PM_LEDGER_HELD = 1,    /* money owed but held back */
    PM_LEDGER_RELEASED = 2 /* a hold released (paid now) */
} pm_ledger_kind;

/** "paid", "held", "released" (NULL for another value). */
PM_API const char *pm_ledger_kind_name(pm_ledger_kind kind);

/** One ledger entry. The batch is named, not referenced: entries outlive a
 *  replaced batch. */
typedef struct pm_history_ledger {
    long long id;      /* read: the entry's id; ignored on append */
    const char *batch; /* batch name */
    const char *annotator;
    long long cents;      /* >= 0 */
    const char *currency; /* e.g. "USD" */
    pm_ledger_kind kind;
    const char *upload_sha256; /* SHA-256 hex of the upload file; may be NULL */
    const char *recorded_at;   /* read: UTC time of the append */
} pm_history_ledger;

/** Append n entries in one transaction (not during an import). */
PM_API pm_status pm_history_ledger_append(pm_history *h, const pm_history_ledger *entries, size_t n,
                                          pm_error *err);

/** *paid 1 when a "paid" entry exists for batch and annotator (NULL: any
 *  annotator), else 0. */
PM_API pm_status pm_history_ledger_paid(pm_history *h, const char *batch, const char *annotator,
                                        int *paid, pm_error *err);

/** Every ledger entry (of annotator; NULL: all) in the order appended. */
typedef int (*pm_history_ledger_fn)(void *ctx, const pm_history_ledger *entry);
PM_API pm_status pm_history_ledger_list(pm_history *h, const char *annotator,
                                        pm_history_ledger_fn fn, void *ctx, pm_error *err);

/** Holds pending: per (batch, annotator, currency) with held cents minus
 *  released cents > 0, one record with kind PM_LEDGER_HELD, cents the
 *  pending amount, id 0; ordered by batch, annotator. */
PM_API pm_status pm_history_ledger_holds(pm_history *h, const char *annotator,
                                         pm_history_ledger_fn fn, void *ctx, pm_error *err);

/* ---- export and check ---------------------------------------------------- */

typedef enum pm_history_format {
    PM_HISTORY_CSV = 0, /* one table: header row, then rows; text cells guarded (pm_csv_guard) */
    PM_HISTORY_JSON = 1 /* {"schema_version": N, "tables": {"name": [{col: value}...]}} */
} pm_history_format;

/** The exported tables' names in order, NULL-terminated ("batches",
 *  "batch_files", "annotator_batches", "label_counts", "pairs",
 *  "last_labels", "record_keys", "ledger"). */
PM_API const char *const *pm_history_tables(void);

/** Writes len bytes; returns 0 on success, nonzero to fail the export. */
typedef int (*pm_history_write_fn)(void *ctx, const char *data, size_t len);

/** Export table (one of pm_history_tables; NULL: all, JSON only) in key
 *  order. PM_EIO when write fails, PM_EINVAL for an unknown table or CSV
 *  without a table. */
PM_API pm_status pm_history_export(pm_history *h, const char *table, pm_history_format format,
                                   pm_history_write_fn write, void *ctx, pm_error *err);

/** Called with each problem pm_history_check finds (one line of text). */
typedef void (*pm_history_problem_fn)(void *ctx, const char *problem);

/** Check the store: the schema version, every reference (rows, pairs,
 *  labels, keys, files to a batch), each annotator's pair seq 1..N without
 *  gaps, per batch and annotator the pairs and consistent counts equal to
 *  the stored pair outcomes, and the engine's own check (SQLite PRAGMA
 *  integrity_check). Each problem goes to fn (may be NULL); *problems
 *  (may be NULL) gets their count. PM_OK when none, PM_EPARSE with the
 *  first in err when some, another status when the check could not run. */
PM_API pm_status pm_history_check(pm_history *h, pm_history_problem_fn fn, void *ctx,
                                  size_t *problems, pm_error *err);

PM_END_DECLS

#endif
