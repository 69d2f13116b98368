/* The SQLite backend: a file in WAL mode with a 5 s busy timeout, foreign
 * keys enforced; read-only opens go through a mode=ro URI so that nothing,
 * not even the journal mode, is written. */
#include <errno.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "store/db.h"

typedef struct sq_db {
    pmx_db base;
    sqlite3 *conn;
    int last_rc; /* the primary result code of the last failure */
} sq_db;

struct pmx_stmt {
    sq_db *db;
    sqlite3_stmt *st;
};

static pm_status sq_status(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_NOMEM:
        return PM_ENOMEM;
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
    case SQLITE_CONSTRAINT:
    case SQLITE_MISMATCH:
        return PM_EPARSE;
    case SQLITE_MISUSE:
    case SQLITE_RANGE:
        return PM_EINVAL;
    default:
        return PM_EIO;
    }
}

static pm_status sq_err(sq_db *d, int rc, pm_error *err)
{
    d->last_rc = rc & 0xff;
    const char *msg = sqlite3_errmsg(d->conn);
    if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
        return pm_error_set(err, PM_EIO,
                            "%s (busy: another process holds the store for more than 5 s)", msg);
    if ((rc & 0xff) == SQLITE_READONLY)
        return pm_error_set(err, PM_EIO, "%s (the store is read-only)", msg);
    return pm_error_set(err, sq_status(rc), "%s", msg ? msg : sqlite3_errstr(rc));
}

static pm_status sq_exec(pmx_db *db, const char *sql, pm_error *err)
{
    sq_db *d = (sq_db *)db;
    char *t = pmx_sql_translate(sql, PMX_SQLITE);
    if (!t)
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    int rc = sqlite3_exec(d->conn, t, NULL, NULL, NULL);
    free(t);
    return rc == SQLITE_OK ? PM_OK : sq_err(d, rc, err);
}

static pm_status sq_prepare(pmx_db *db, const char *sql, pmx_stmt **out, pm_error *err)
{
    sq_db *d = (sq_db *)db;
    char *t = pmx_sql_translate(sql, PMX_SQLITE);
    pmx_stmt *s = calloc(1, sizeof *s);
    if (!t || !s) {
        free(t);
        free(s);
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    }
    int rc = sqlite3_prepare_v2(d->conn, t, -1, &s->st, NULL);
    free(t);
    if (rc != SQLITE_OK) {
        free(s);
        return sq_err(d, rc, err);
    }
    s->db = d;
    *out = s;
    return PM_OK;
}

static pm_status sq_bind_text(pmx_stmt *st, int i, const char *v)
{
    int rc =
        v ? sqlite3_bind_text(st->st, i, v, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(st->st, i);
    return rc == SQLITE_OK ? PM_OK : sq_status(rc);
}

static pm_status sq_bind_int(pmx_stmt *st, int i, long long v)
{
    int rc = sqlite3_bind_int64(st->st, i, (sqlite3_int64)v);
    return rc == SQLITE_OK ? PM_OK : sq_status(rc);
}

static pm_status sq_bind_double(pmx_stmt *st, int i, double v)
{
    int rc = isnan(v) ? sqlite3_bind_null(st->st, i) : sqlite3_bind_double(st->st, i, v);
    return rc == SQLITE_OK ? PM_OK : sq_status(rc);
}

static int sq_step(pmx_stmt *st, pm_error *err)
{
    int rc = sqlite3_step(st->st);
    if (rc == SQLITE_ROW)
        return 1;
    if (rc == SQLITE_DONE)
        return 0;
    sq_err(st->db, rc, err);
    return -1;
}

static const char *sq_col_text(pmx_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(st->st, i);
}

static long long sq_col_int(pmx_stmt *st, int i)
{
    return (long long)sqlite3_column_int64(st->st, i);
}

static double sq_col_double(pmx_stmt *st, int i)
{
    if (sqlite3_column_type(st->st, i) == SQLITE_NULL)
        return NAN;
    return sqlite3_column_double(st->st, i);
}

static void sq_reset(pmx_stmt *st)
{
    sqlite3_reset(st->st);
}

static void sq_finalize(pmx_stmt *st)
{
    sqlite3_finalize(st->st);
    free(st);
}

static pm_status sq_begin(pmx_db *db, int write, pm_error *err)
{
    /* IMMEDIATE takes the write lock now (waiting up to the busy timeout),
     * so two imports never interleave and never deadlock on an upgrade. */
    return sq_exec(db, write ? "BEGIN IMMEDIATE" : "BEGIN", err);
}

static pm_status sq_commit(pmx_db *db, pm_error *err)
{
    return sq_exec(db, "COMMIT", err);
}

static void sq_rollback(pmx_db *db)
{
    sq_db *d = (sq_db *)db;
    if (!sqlite3_get_autocommit(d->conn))
        sqlite3_exec(d->conn, "ROLLBACK", NULL, NULL, NULL);
}

static void sq_close(pmx_db *db)
{
    sq_db *d = (sq_db *)db;
    sqlite3_close_v2(d->conn);
    free(d);
}

static const pmx_db_ops sq_ops = {
    sq_exec,     sq_prepare,  sq_bind_text, sq_bind_int,   sq_bind_double,
    sq_step,     sq_col_text, sq_col_int,   sq_col_double, sq_reset,
    sq_finalize, sq_begin,    sq_commit,    sq_rollback,   sq_close,
};

int pmx_sqlite_not_a_db(pmx_db *db)
{
    sq_db *d = (sq_db *)db;
    return db->dialect == PMX_SQLITE &&
           (d->last_rc == SQLITE_NOTADB || d->last_rc == SQLITE_CORRUPT);
}

/* "file:" + path with the bytes a URI gives a meaning to escaped. */
static char *ro_uri(const char *path)
{
    size_t len = strlen(path);
    char *u = malloc(3 * len + 32), *o = u;
    if (!u)
        return NULL;
    o += sprintf(o, "file:");
    for (const char *p = path; *p; p++) {
        if (*p == '%' || *p == '?' || *p == '#')
            o += sprintf(o, "%%%02X", (unsigned char)*p);
        else
            *o++ = *p;
    }
    strcpy(o, "?mode=ro");
    return u;
}

pm_status pmx_sqlite_open(const char *path, unsigned flags, pmx_db **out, pm_error *err)
{
    *out = NULL;
    struct stat sb;
    int exists = stat(path, &sb) == 0;
    if (!exists &&
        (errno != ENOENT || !(flags & PM_HISTORY_CREATE) || (flags & PM_HISTORY_READONLY)))
        return pm_error_set(err, PM_EIO, "%s: cannot open: %s%s", path, strerror(errno),
                            errno == ENOENT && !(flags & PM_HISTORY_READONLY)
                                ? " (no history store there yet; an import creates one)"
                                : "");
    if (exists && S_ISDIR(sb.st_mode))
        return pm_error_set(err, PM_EIO, "%s: is a directory, not a history store", path);
    sq_db *d = calloc(1, sizeof *d);
    if (!d)
        return pm_error_set(err, PM_ENOMEM, "%s: out of memory", path);
    d->base.ops = &sq_ops;
    d->base.dialect = PMX_SQLITE;
    int rc;
    if (flags & PM_HISTORY_READONLY) {
        char *u = ro_uri(path);
        if (!u) {
            free(d);
            return pm_error_set(err, PM_ENOMEM, "%s: out of memory", path);
        }
        rc = sqlite3_open_v2(u, &d->conn, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
        free(u);
    } else {
        rc = sqlite3_open_v2(
            path, &d->conn,
            SQLITE_OPEN_READWRITE | ((flags & PM_HISTORY_CREATE) ? SQLITE_OPEN_CREATE : 0), NULL);
    }
    if (rc != SQLITE_OK) {
        pm_error_set(err, sq_status(rc), "%s: cannot open: %s", path,
                     d->conn ? sqlite3_errmsg(d->conn) : sqlite3_errstr(rc));
        sqlite3_close_v2(d->conn);
        free(d);
        return PM_EIO;
    }
    sqlite3_busy_timeout(d->conn, 5000);
    *out = &d->base;
    return PM_OK;
}
