/*
** Internal: the one interface the history store is written against, with a
** SQLite and a PostgreSQL backend behind it, and the helpers the store's
** files share.
**
** SQL is written once, in the dialect both engines accept, with two
** translations done by pmx_sql_translate: ? placeholders become $1, $2 ...
** for PostgreSQL, and the tokens {TEXT} and {ID} become the column types
** that compare text byte-wise and number rows (SQLite: TEXT and INTEGER
** PRIMARY KEY AUTOINCREMENT; PostgreSQL: TEXT COLLATE "C" and BIGSERIAL
** PRIMARY KEY). Doubles travel as text in their shortest round-trip form to
** PostgreSQL; NaN is stored as NULL in both.
**
** Errors from a backend carry the engine's message only; the store's
** helpers (pmx_prep, pmx_step, pmx_exec) turn it into "store: what: message".
**
** Ownership: a pmx_db is owned by its pm_history; a pmx_stmt by whoever
** prepared it (pmx_finalize).
*/
#ifndef PREFMON_STORE_DB_H
#define PREFMON_STORE_DB_H

#include <stddef.h>

#include "prefmon/history.h"
#include "prefmon/status.h"

typedef enum pmx_dialect { PMX_SQLITE = 0, PMX_PG = 1 } pmx_dialect;

typedef struct pmx_db pmx_db;
typedef struct pmx_stmt pmx_stmt;

typedef struct pmx_db_ops {
    pm_status (*exec)(pmx_db *db, const char *sql, pm_error *err);
    pm_status (*prepare)(pmx_db *db, const char *sql, pmx_stmt **out, pm_error *err);
    /* 1-based index; text NULL binds NULL */
    pm_status (*bind_text)(pmx_stmt *st, int i, const char *v);
    pm_status (*bind_int)(pmx_stmt *st, int i, long long v);
    pm_status (*bind_double)(pmx_stmt *st, int i, double v);
    /* 1 a row, 0 done, -1 error (err filled) */
    int (*step)(pmx_stmt *st, pm_error *err);
    /* 0-based column; text NULL for SQL NULL */
    const char *(*col_text)(pmx_stmt *st, int i);
    long long (*col_int)(pmx_stmt *st, int i);
    double (*col_double)(pmx_stmt *st, int i); /* NaN for NULL */
    void (*reset)(pmx_stmt *st);               /* run again with new bindings */
    void (*finalize)(pmx_stmt *st);
    /* a transaction: write ones are serialised against every other writer */
    pm_status (*begin)(pmx_db *db, int write, pm_error *err);
    pm_status (*commit)(pmx_db *db, pm_error *err);
    void (*rollback)(pmx_db *db);
    void (*close)(pmx_db *db);
} pmx_db_ops;

struct pmx_db {
    const pmx_db_ops *ops;
    pmx_dialect dialect;
};

/* Open the backends. name is the store's name for messages; on failure
 * err has the full message (with name) and *out is NULL. */
pm_status pmx_sqlite_open(const char *path, unsigned flags, pmx_db **out, pm_error *err);
pm_status pmx_pg_open(const char *uri, const char *name, unsigned flags, pmx_db **out,
                      pm_error *err);

/* 1 when the failure of the last call on db means the content is not a
 * database (a corrupt or foreign file) rather than an I/O problem. */
int pmx_sqlite_not_a_db(pmx_db *db);

/* The SQL for a dialect, malloc'd (NULL when out of memory). */
char *pmx_sql_translate(const char *sql, pmx_dialect d);

/* ---- the handle and the store's helpers -------------------------------- */

struct pm_history {
    pmx_db *db;
    char *name;
    unsigned flags;
    int version;
    /* the import in progress */
    int in_import, failed;
    long long batch_id;
    char *batch_name;
    long long keys_new, keys_skipped;
    char *replaced;
    int reading; /* depth of read walks (a callback may start another) */
};

/* Fill err as "store: what: <err's current text>", keeping its code. */
pm_status pmx_fail(const pm_history *h, pm_error *err, const char *what);

pm_status pmx_exec(pm_history *h, const char *sql, const char *what, pm_error *err);
pm_status pmx_prep(pm_history *h, const char *sql, const char *what, pmx_stmt **out, pm_error *err);
/* bind helpers on h's backend (never fail for in-range indices except ENOMEM) */
pm_status pmx_bind_text(pm_history *h, pmx_stmt *st, int i, const char *v);
pm_status pmx_bind_int(pm_history *h, pmx_stmt *st, int i, long long v);
pm_status pmx_bind_double(pm_history *h, pmx_stmt *st, int i, double v);
/* 1 row, 0 done, -1 error with err as pmx_fail(what) */
int pmx_step(pm_history *h, pmx_stmt *st, const char *what, pm_error *err);
const char *pmx_text(pm_history *h, pmx_stmt *st, int i);
long long pmx_int(pm_history *h, pmx_stmt *st, int i);
double pmx_double(pm_history *h, pmx_stmt *st, int i);
void pmx_reset(pm_history *h, pmx_stmt *st);
void pmx_finalize(pm_history *h, pmx_stmt *st);

/* One statement run to its end with text / integer parameters given as a
 * format: 't' const char *, 'i' long long, 'd' double; *changed (may be
 * NULL) gets nothing. */
pm_status pmx_run(pm_history *h, const char *what, pm_error *err, const char *sql,
                  const char *types, ...);
/* The first column of the first row as an integer (*found 0 when no row). */
/* Walk a query with one text parameter (NULL: none bound) row by row in a
 * read transaction: each(h, st, arg, err) per row returns 0 to go on, 1 to
 * stop, -1 for an error it set in err. */
typedef int (*pmx_row_fn)(pm_history *h, pmx_stmt *st, void *arg, pm_error *err);
pm_status pmx_walk(pm_history *h, const char *what, const char *sql, const char *param,
                   pmx_row_fn each, void *arg, pm_error *err);

pm_status pmx_scalar(pm_history *h, const char *what, pm_error *err, long long *v, int *found,
                     const char *sql, const char *types, ...);

/* "head VALUES (?, ...), (?, ...) tail" with rows groups of cols
 * placeholders, malloc'd (NULL when out of memory): many rows in one
 * statement, one round trip to a server instead of one per row. */
char *pmx_values_sql(const char *head, int cols, size_t rows, const char *tail);

/* Read transactions for multi-query reads (a consistent snapshot); no-ops
 * inside an import. */
pm_status pmx_read_begin(pm_history *h, pm_error *err);
void pmx_read_end(pm_history *h);

/* The current time as "YYYY-MM-DDTHH:MM:SSZ" into buf[21]. */
void pmx_utc_now(char buf[32]);

/* history.c: open with the schema brought to at most `upto` (tests build
 * an old store with it); pm_history_open brings it to PM_HISTORY_SCHEMA. */
pm_status pmx_history_open_upto(const char *uri, unsigned flags, int upto, pm_history **out,
                                pm_error *err);

/* schema.c: bring the store to PM_HISTORY_SCHEMA (create, migrate, refuse
 * newer); at most `upto` (tests: create an older store). */
pm_status pmx_schema_prepare(pm_history *h, int create, int upto, pm_error *err);

#endif
