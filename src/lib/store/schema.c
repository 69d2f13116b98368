/* The store's schema and its versions. Each migration takes the store from
 * version i - 1 to i and runs, with the version update, in one write
 * transaction: a store is at one version or the next, never between.
 *   1  batches, their files, per-annotator rows and label counts, pair
 *      outcomes, last labels, record keys
 *   2  the payment ledger
 * doc/history.md describes every table. */
#include <stdio.h>
#include <string.h>

#include "store/db.h"

static const char *const migration1[] = {
    "CREATE TABLE batches (id {ID}, name {TEXT} NOT NULL UNIQUE, imported_at {TEXT} NOT NULL,"
    " parameters {TEXT} NOT NULL, records_new BIGINT NOT NULL DEFAULT 0,"
    " records_skipped BIGINT NOT NULL DEFAULT 0)",
    "CREATE TABLE batch_files (batch_id BIGINT NOT NULL REFERENCES batches(id) ON DELETE CASCADE,"
    " pos BIGINT NOT NULL, name {TEXT} NOT NULL, sha256 {TEXT} NOT NULL, size BIGINT NOT NULL,"
    " PRIMARY KEY (batch_id, pos))",
    "CREATE INDEX batch_files_sha256 ON batch_files (sha256)",
    "CREATE TABLE annotator_batches (batch_id BIGINT NOT NULL REFERENCES batches(id) ON DELETE "
    "CASCADE, annotator {TEXT} NOT NULL, labels BIGINT NOT NULL, pairs BIGINT NOT NULL,"
    " consistent BIGINT NOT NULL, gold_n BIGINT NOT NULL, gold_agree BIGINT NOT NULL,"
    " left_n BIGINT NOT NULL, left_k BIGINT NOT NULL, duration_median DOUBLE PRECISION,"
    " duration_n BIGINT NOT NULL, decision {TEXT}, action {TEXT}, reason {TEXT}, flags {TEXT},"
    " PRIMARY KEY (batch_id, annotator))",
    "CREATE INDEX annotator_batches_annotator ON annotator_batches (annotator, batch_id)",
    "CREATE TABLE label_counts (batch_id BIGINT NOT NULL, annotator {TEXT} NOT NULL,"
    " label {TEXT} NOT NULL, count BIGINT NOT NULL, PRIMARY KEY (batch_id, annotator, label),"
    " FOREIGN KEY (batch_id, annotator) REFERENCES annotator_batches (batch_id, annotator)"
    " ON DELETE CASCADE)",
    "CREATE TABLE pairs (annotator {TEXT} NOT NULL, seq BIGINT NOT NULL,"
    " batch_id BIGINT NOT NULL REFERENCES batches(id) ON DELETE CASCADE, item {TEXT} NOT NULL,"
    " agree INTEGER NOT NULL CHECK (agree IN (0, 1)), q0 DOUBLE PRECISION,"
    " delta DOUBLE PRECISION, m0 DOUBLE PRECISION, m1 DOUBLE PRECISION,"
    " PRIMARY KEY (annotator, seq))",
    "CREATE INDEX pairs_batch ON pairs (batch_id, annotator)",
    "CREATE TABLE last_labels (annotator {TEXT} NOT NULL, item {TEXT} NOT NULL,"
    " label {TEXT} NOT NULL, batch_id BIGINT NOT NULL REFERENCES batches(id) ON DELETE CASCADE,"
    " PRIMARY KEY (annotator, item))",
    "CREATE INDEX last_labels_batch ON last_labels (batch_id)",
    "CREATE TABLE record_keys (key {TEXT} NOT NULL PRIMARY KEY,"
    " batch_id BIGINT NOT NULL REFERENCES batches(id) ON DELETE CASCADE)",
    "CREATE INDEX record_keys_batch ON record_keys (batch_id)",
    NULL,
};

static const char *const migration2[] = {
    "CREATE TABLE ledger (id {ID}, batch {TEXT} NOT NULL, annotator {TEXT} NOT NULL,"
    " cents BIGINT NOT NULL CHECK (cents >= 0), currency {TEXT} NOT NULL,"
    " kind {TEXT} NOT NULL CHECK (kind IN ('paid', 'held', 'released')),"
    " upload_sha256 {TEXT}, recorded_at {TEXT} NOT NULL)",
    "CREATE INDEX ledger_batch ON ledger (batch, annotator)",
    NULL,
};

static const char *const *const migrations[PM_HISTORY_SCHEMA] = {migration1, migration2};

/* Does the store have a table of this name? */
static pm_status has_table(pm_history *h, const char *table, int *yes, pm_error *err)
{
    const char *sql = h->db->dialect == PMX_SQLITE
                          ? "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"
                          : "SELECT 1 FROM information_schema.tables WHERE table_schema = "
                            "current_schema() AND table_name = ?";
    return pmx_scalar(h, "cannot read the list of tables", err, NULL, yes, sql, "t", table);
}

/* Number of tables of any kind (a foreign store is not empty). */
static pm_status table_count(pm_history *h, long long *n, pm_error *err)
{
    const char *sql = h->db->dialect == PMX_SQLITE
                          ? "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'"
                          : "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = "
                            "current_schema()";
    return pmx_scalar(h, "cannot read the list of tables", err, n, NULL, sql, "");
}

static pm_status read_version(pm_history *h, int *version, pm_error *err)
{
    long long v = 0;
    int found = 0;
    pm_status st = pmx_scalar(h, "cannot read the schema version", err, &v, &found,
                              "SELECT MAX(version) FROM schema_version", "");
    if (st != PM_OK)
        return st;
    if (!found || v <= 0)
        return pm_error_set(err, PM_EPARSE,
                            "%s: not a prefmon history store (schema_version table is empty)",
                            h->name);
    *version = (int)v;
    return PM_OK;
}

static pm_status migrate(pm_history *h, int from, int to, pm_error *err)
{
    pm_error e = {0};
    pm_status st = h->db->ops->begin(h->db, 1, &e);
    if (st != PM_OK) {
        if (err)
            *err = e;
        return pmx_fail(h, err, "cannot lock the store to set up its schema");
    }
    /* Another process may have created or migrated it while we waited. */
    int yes = 0, now = 0;
    if ((st = has_table(h, "schema_version", &yes, err)) != PM_OK)
        goto fail;
    if (yes && (st = read_version(h, &now, err)) != PM_OK)
        goto fail;
    if (!yes) {
        if ((st = pmx_exec(h, "CREATE TABLE schema_version (version INTEGER NOT NULL)",
                           "cannot create the schema", err)) != PM_OK)
            goto fail;
        if ((st = pmx_run(h, "cannot create the schema", err,
                          "INSERT INTO schema_version (version) VALUES (0)", "")) != PM_OK)
            goto fail;
    }
    (void)from;
    for (int v = now + 1; v <= to; v++) {
        char what[64];
        snprintf(what, sizeof what, "cannot migrate the schema to version %d", v);
        for (const char *const *s = migrations[v - 1]; *s; s++)
            if ((st = pmx_exec(h, *s, what, err)) != PM_OK)
                goto fail;
        if ((st = pmx_run(h, what, err, "UPDATE schema_version SET version = ?", "i",
                          (long long)v)) != PM_OK)
            goto fail;
    }
    st = h->db->ops->commit(h->db, &e);
    if (st != PM_OK) {
        if (err)
            *err = e;
        pmx_fail(h, err, "cannot commit the schema");
        goto fail;
    }
    h->version = now > to ? now : to;
    return PM_OK;
fail:
    h->db->ops->rollback(h->db);
    return st;
}

pm_status pmx_schema_prepare(pm_history *h, int create, int upto, pm_error *err)
{
    int yes = 0;
    pm_status st = has_table(h, "schema_version", &yes, err);
    if (st != PM_OK) {
        if (pmx_sqlite_not_a_db(h->db))
            return pm_error_set(err, PM_EPARSE, "%s: not a prefmon history store (%s)", h->name,
                                "the file is not a SQLite database or is corrupt");
        return st;
    }
    if (!yes) {
        long long n = 0;
        if ((st = table_count(h, &n, err)) != PM_OK)
            return st;
        if (n > 0 || !create)
            return pm_error_set(err, PM_EPARSE,
                                "%s: not a prefmon history store (no schema_version table%s)",
                                h->name, n > 0 ? "; it holds other tables" : "; it is empty");
        return migrate(h, 0, upto, err);
    }
    int v = 0;
    if ((st = read_version(h, &v, err)) != PM_OK)
        return st;
    if (v > PM_HISTORY_SCHEMA)
        return pm_error_set(err, PM_EPARSE,
                            "%s: schema %d is newer than this prefmon (%d): upgrade prefmon",
                            h->name, v, PM_HISTORY_SCHEMA);
    h->version = v;
    if (v < upto) {
        if (h->flags & PM_HISTORY_READONLY)
            return pm_error_set(err, PM_EPARSE,
                                "%s: schema %d is older than this prefmon's (%d): open it once "
                                "for writing to migrate it",
                                h->name, v, PM_HISTORY_SCHEMA);
        return migrate(h, v, upto, err);
    }
    return PM_OK;
}
