/* The PostgreSQL backend (libpq): parameters sent as text, each statement
 * run with PQexecParams on its first step and its rows walked from the
 * result. A write transaction takes a transaction-scoped advisory lock
 * first, so that two imports (and a store being created) are serialised:
 * the second waits for the first to commit or roll back (up to 5 s, the
 * lock_timeout, as SQLite's busy timeout), then sees its rows. Read-only
 * handles run every transaction READ ONLY. */
#include <libpq-fe.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prefmon/text.h"
#include "store/db.h"

/* The advisory lock key of prefmon's writers ("pfmn"). */
#define PG_LOCK_KEY "1885758830"

typedef struct pg_db {
    pmx_db base;
    PGconn *conn;
    int readonly;
} pg_db;

struct pmx_stmt {
    pg_db *db;
    char *sql;
    int nparams;
    char **params; /* nparams, NULL for SQL NULL */
    PGresult *res;
    int row, nrows;
};

/* libpq's messages end with a newline and may span lines: keep the first. */
static pm_status pg_err(pg_db *d, const char *msg, pm_error *err)
{
    char buf[512];
    snprintf(buf, sizeof buf, "%s", msg && *msg ? msg : PQerrorMessage(d->conn));
    buf[strcspn(buf, "\n")] = '\0';
    if (!buf[0])
        snprintf(buf, sizeof buf, "unknown error");
    if (PQstatus(d->conn) == CONNECTION_BAD)
        return pm_error_set(err, PM_EIO, "%s (the connection to the server is lost)", buf);
    return pm_error_set(err, PM_EIO, "%s", buf);
}

static pm_status res_check(pg_db *d, PGresult *r, pm_error *err)
{
    ExecStatusType s = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK)
        return PM_OK;
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    pm_status st = pg_err(d, r ? PQresultErrorMessage(r) : NULL, err);
    /* class 23: integrity constraint violation; 22: data exception */
    if (state && (!strncmp(state, "23", 2) || !strncmp(state, "22", 2)) && err)
        err->code = st = PM_EPARSE;
    if (state && !strcmp(state, "55P03") && err) /* lock_not_available: lock_timeout */
        snprintf(err->text + strlen(err->text), sizeof err->text - strlen(err->text),
                 " (busy: another process holds the store for more than 5 s)");
    if (state && !strcmp(state, "25006") && err) /* read_only_sql_transaction */
        snprintf(err->text + strlen(err->text), sizeof err->text - strlen(err->text),
                 " (the store is opened read-only)");
    return st;
}

static pm_status pg_exec(pmx_db *db, const char *sql, pm_error *err)
{
    pg_db *d = (pg_db *)db;
    char *t = pmx_sql_translate(sql, PMX_PG);
    if (!t)
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    PGresult *r = PQexec(d->conn, t);
    free(t);
    pm_status st = res_check(d, r, err);
    PQclear(r);
    return st;
}

static pm_status pg_prepare(pmx_db *db, const char *sql, pmx_stmt **out, pm_error *err)
{
    pmx_stmt *s = calloc(1, sizeof *s);
    if (!s || !(s->sql = pmx_sql_translate(sql, PMX_PG))) {
        free(s);
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    }
    s->db = (pg_db *)db;
    for (const char *p = s->sql; (p = strchr(p, '$')); p++) {
        int n = atoi(p + 1);
        if (n > s->nparams)
            s->nparams = n;
    }
    if (s->nparams && !(s->params = calloc((size_t)s->nparams, sizeof *s->params))) {
        free(s->sql);
        free(s);
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    }
    *out = s;
    return PM_OK;
}

static pm_status set_param(pmx_stmt *st, int i, const char *v)
{
    if (i < 1 || i > st->nparams)
        return PM_EINVAL;
    free(st->params[i - 1]);
    st->params[i - 1] = NULL;
    if (v && !(st->params[i - 1] = strdup(v)))
        return PM_ENOMEM;
    return PM_OK;
}

static pm_status pg_bind_text(pmx_stmt *st, int i, const char *v)
{
    return set_param(st, i, v);
}

static pm_status pg_bind_int(pmx_stmt *st, int i, long long v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", v);
    return set_param(st, i, buf);
}

static pm_status pg_bind_double(pmx_stmt *st, int i, double v)
{
    char buf[PM_DOUBLE_TEXT];
    if (isnan(v))
        return set_param(st, i, NULL);
    pm_fmt_double(v, buf, sizeof buf);
    if (isinf(v))
        snprintf(buf, sizeof buf, "%s", v > 0 ? "Infinity" : "-Infinity");
    return set_param(st, i, buf);
}

static int pg_step(pmx_stmt *st, pm_error *err)
{
    if (!st->res) {
        st->res = PQexecParams(st->db->conn, st->sql, st->nparams, NULL,
                               (const char *const *)st->params, NULL, NULL, 0);
        if (res_check(st->db, st->res, err) != PM_OK) {
            PQclear(st->res);
            st->res = NULL;
            return -1;
        }
        st->nrows = PQntuples(st->res);
        st->row = -1;
    }
    if (st->row + 1 < st->nrows) {
        st->row++;
        return 1;
    }
    return 0;
}

static const char *pg_col_text(pmx_stmt *st, int i)
{
    if (PQgetisnull(st->res, st->row, i))
        return NULL;
    return PQgetvalue(st->res, st->row, i);
}

static long long pg_col_int(pmx_stmt *st, int i)
{
    const char *v = pg_col_text(st, i);
    return v ? strtoll(v, NULL, 10) : 0;
}

static double pg_col_double(pmx_stmt *st, int i)
{
    const char *v = pg_col_text(st, i);
    return v ? strtod(v, NULL) : NAN;
}

static void pg_reset(pmx_stmt *st)
{
    PQclear(st->res);
    st->res = NULL;
}

static void pg_finalize(pmx_stmt *st)
{
    PQclear(st->res);
    for (int i = 0; i < st->nparams; i++)
        free(st->params[i]);
    free(st->params);
    free(st->sql);
    free(st);
}

static pm_status pg_begin(pmx_db *db, int write, pm_error *err)
{
    pg_db *d = (pg_db *)db;
    if (!write)
        return pg_exec(db, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", err);
    if (d->readonly)
        return pm_error_set(err, PM_EINVAL, "the store is opened read-only");
    pm_status st = pg_exec(db, "BEGIN ISOLATION LEVEL READ COMMITTED", err);
    if (st == PM_OK)
        st = pg_exec(db, "SELECT pg_advisory_xact_lock(" PG_LOCK_KEY ")", err);
    if (st != PM_OK)
        PQclear(PQexec(d->conn, "ROLLBACK"));
    return st;
}

static pm_status pg_commit(pmx_db *db, pm_error *err)
{
    return pg_exec(db, "COMMIT", err);
}

static void pg_rollback(pmx_db *db)
{
    pg_db *d = (pg_db *)db;
    if (PQtransactionStatus(d->conn) != PQTRANS_IDLE &&
        PQtransactionStatus(d->conn) != PQTRANS_UNKNOWN)
        PQclear(PQexec(d->conn, "ROLLBACK"));
}

static void pg_close(pmx_db *db)
{
    pg_db *d = (pg_db *)db;
    PQfinish(d->conn);
    free(d);
}

static const pmx_db_ops pg_ops = {
    pg_exec,     pg_prepare,  pg_bind_text, pg_bind_int,   pg_bind_double,
    pg_step,     pg_col_text, pg_col_int,   pg_col_double, pg_reset,
    pg_finalize, pg_begin,    pg_commit,    pg_rollback,   pg_close,
};

static void quiet(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

pm_status pmx_pg_open(const char *uri, const char *name, unsigned flags, pmx_db **out,
                      pm_error *err)
{
    *out = NULL;
    pg_db *d = calloc(1, sizeof *d);
    if (!d)
        return pm_error_set(err, PM_ENOMEM, "%s: out of memory", name);
    d->base.ops = &pg_ops;
    d->base.dialect = PMX_PG;
    d->readonly = (flags & PM_HISTORY_READONLY) != 0;
    d->conn = PQconnectdb(uri);
    if (!d->conn || PQstatus(d->conn) != CONNECTION_OK) {
        char msg[512];
        snprintf(msg, sizeof msg, "%s", d->conn ? PQerrorMessage(d->conn) : "out of memory");
        msg[strcspn(msg, "\n")] = '\0';
        PQfinish(d->conn);
        free(d);
        return pm_error_set(err, PM_EIO, "%s: cannot connect: %s", name, msg);
    }
    /* The server's notices must not reach stderr from a library. */
    PQsetNoticeProcessor(d->conn, quiet, NULL);
    /* lock_timeout: a writer waits for another as long as SQLite's busy
     * timeout, then is refused ("busy") instead of hanging behind a stuck
     * client. */
    PGresult *r = PQexec(d->conn, d->readonly ? "SET default_transaction_read_only = on; "
                                                "SET client_min_messages = warning; "
                                                "SET lock_timeout = '5s'"
                                              : "SET client_min_messages = warning; "
                                                "SET lock_timeout = '5s'");
    pm_status st = res_check(d, r, err);
    PQclear(r);
    if (st != PM_OK) {
        pmx_fail(&(pm_history){.name = (char *)name}, err, "cannot set up the session");
        PQfinish(d->conn);
        free(d);
        return st;
    }
    *out = &d->base;
    return PM_OK;
}
