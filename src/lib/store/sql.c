/* The store's SQL helpers over the backend interface: one dialect in, the
 * engine's out; every failure named by store and step. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/db.h"

char *pmx_sql_translate(const char *sql, pmx_dialect d)
{
    static const char *const tok[2][2] = {
        {"TEXT", "INTEGER PRIMARY KEY AUTOINCREMENT"},
        {"TEXT COLLATE \"C\"", "BIGSERIAL PRIMARY KEY"},
    };
    size_t len = strlen(sql), cap = 2 * len + 64, o = 0;
    char *out = malloc(cap);
    if (!out)
        return NULL;
    int param = 0;
    char quote = 0;
    for (size_t i = 0; i < len; i++) {
        const char *rep = NULL;
        size_t skip = 0;
        char num[16];
        if (quote) {
            if (sql[i] == quote)
                quote = 0;
        } else if (sql[i] == '\'' || sql[i] == '"') {
            quote = sql[i];
        } else if (sql[i] == '?' && d == PMX_PG) {
            snprintf(num, sizeof num, "$%d", ++param);
            rep = num;
        } else if (!strncmp(sql + i, "{TEXT}", 6)) {
            rep = tok[d][0];
            skip = 5;
        } else if (!strncmp(sql + i, "{ID}", 4)) {
            rep = tok[d][1];
            skip = 3;
        }
        if (rep) {
            size_t rl = strlen(rep);
            if (o + rl + 1 >= cap) {
                char *n = realloc(out, cap = 2 * cap + rl);
                if (!n)
                    return free(out), NULL;
                out = n;
            }
            memcpy(out + o, rep, rl);
            o += rl;
            i += skip;
            continue;
        }
        if (o + 2 >= cap) {
            char *n = realloc(out, cap *= 2);
            if (!n)
                return free(out), NULL;
            out = n;
        }
        out[o++] = sql[i];
    }
    out[o] = '\0';
    return out;
}

pm_status pmx_fail(const pm_history *h, pm_error *err, const char *what)
{
    if (!err)
        return PM_EIO;
    char msg[PM_ERROR_TEXT];
    snprintf(msg, sizeof msg, "%s", err->text[0] ? err->text : pm_strerror(err->code));
    pm_status code = err->code ? err->code : PM_EIO;
    return pm_error_set(err, code, "%s: %s: %s", h->name, what, msg);
}

pm_status pmx_exec(pm_history *h, const char *sql, const char *what, pm_error *err)
{
    pm_error e = {0};
    pm_status st = h->db->ops->exec(h->db, sql, &e);
    if (st != PM_OK) {
        if (err) {
            *err = e;
            pmx_fail(h, err, what);
        }
        return st;
    }
    return PM_OK;
}

pm_status pmx_prep(pm_history *h, const char *sql, const char *what, pmx_stmt **out, pm_error *err)
{
    pm_error e = {0};
    pm_status st = h->db->ops->prepare(h->db, sql, out, &e);
    if (st != PM_OK) {
        *out = NULL;
        if (err) {
            *err = e;
            pmx_fail(h, err, what);
        }
    }
    return st;
}

pm_status pmx_bind_text(pm_history *h, pmx_stmt *st, int i, const char *v)
{
    return h->db->ops->bind_text(st, i, v);
}
pm_status pmx_bind_int(pm_history *h, pmx_stmt *st, int i, long long v)
{
    return h->db->ops->bind_int(st, i, v);
}
pm_status pmx_bind_double(pm_history *h, pmx_stmt *st, int i, double v)
{
    return h->db->ops->bind_double(st, i, v);
}

int pmx_step(pm_history *h, pmx_stmt *st, const char *what, pm_error *err)
{
    pm_error e = {0};
    int r = h->db->ops->step(st, &e);
    if (r < 0 && err) {
        *err = e;
        pmx_fail(h, err, what);
    }
    return r;
}

const char *pmx_text(pm_history *h, pmx_stmt *st, int i)
{
    return h->db->ops->col_text(st, i);
}
long long pmx_int(pm_history *h, pmx_stmt *st, int i)
{
    return h->db->ops->col_int(st, i);
}
double pmx_double(pm_history *h, pmx_stmt *st, int i)
{
    return h->db->ops->col_double(st, i);
}
void pmx_reset(pm_history *h, pmx_stmt *st)
{
    h->db->ops->reset(st);
}
void pmx_finalize(pm_history *h, pmx_stmt *st)
{
    if (st)
        h->db->ops->finalize(st);
}

static pm_status bind_va(pm_history *h, pmx_stmt *st, const char *types, va_list ap)
{
    pm_status s = PM_OK;
    for (int i = 0; types && types[i] && s == PM_OK; i++) {
        switch (types[i]) {
        case 't':
            s = pmx_bind_text(h, st, i + 1, va_arg(ap, const char *));
            break;
        case 'i':
            s = pmx_bind_int(h, st, i + 1, va_arg(ap, long long));
            break;
        default:
            s = pmx_bind_double(h, st, i + 1, va_arg(ap, double));
            break;
        }
    }
    return s;
}

/* sql prepared and its parameters bound from ap (types as pmx_run's); on
 * failure nothing is left prepared. */
static pm_status prep_va(pm_history *h, const char *sql, const char *what, pmx_stmt **st,
                         pm_error *err, const char *types, va_list ap)
{
    pm_status s = pmx_prep(h, sql, what, st, err);
    if (s != PM_OK)
        return s;
    s = bind_va(h, *st, types, ap);
    if (s != PM_OK) {
        pmx_finalize(h, *st);
        *st = NULL;
        return pm_error_set(err, s, "%s: %s: %s", h->name, what, pm_strerror(s));
    }
    return PM_OK;
}

pm_status pmx_run(pm_history *h, const char *what, pm_error *err, const char *sql,
                  const char *types, ...)
{
    pmx_stmt *st;
    va_list ap;
    va_start(ap, types);
    pm_status s = prep_va(h, sql, what, &st, err, types, ap);
    va_end(ap);
    if (s != PM_OK)
        return s;
    int r;
    while ((r = pmx_step(h, st, what, err)) > 0)
        ;
    pmx_finalize(h, st);
    return r < 0 ? (err && err->code ? err->code : PM_EIO) : PM_OK;
}

pm_status pmx_scalar(pm_history *h, const char *what, pm_error *err, long long *v, int *found,
                     const char *sql, const char *types, ...)
{
    pmx_stmt *st;
    va_list ap;
    va_start(ap, types);
    pm_status s = prep_va(h, sql, what, &st, err, types, ap);
    va_end(ap);
    if (s != PM_OK)
        return s;
    int r = pmx_step(h, st, what, err);
    if (found)
        *found = r > 0;
    if (r > 0 && v)
        *v = pmx_int(h, st, 0);
    else if (v)
        *v = 0;
    pmx_finalize(h, st);
    return r < 0 ? (err && err->code ? err->code : PM_EIO) : PM_OK;
}

char *pmx_values_sql(const char *head, int cols, size_t rows, const char *tail)
{
    size_t hl = strlen(head), tl = strlen(tail), group = 3 * (size_t)cols + 4;
    char *sql = malloc(hl + tl + rows * group + 16), *o = sql;
    if (!sql)
        return NULL;
    memcpy(o, head, hl);
    o += hl;
    memcpy(o, " VALUES ", 8);
    o += 8;
    for (size_t r = 0; r < rows; r++) {
        if (r)
            *o++ = ',';
        *o++ = '(';
        for (int c = 0; c < cols; c++) {
            if (c)
                *o++ = ',';
            *o++ = '?';
        }
        *o++ = ')';
    }
    *o++ = ' ';
    memcpy(o, tail, tl + 1);
    return sql;
}

pm_status pmx_read_begin(pm_history *h, pm_error *err)
{
    /* inside an import, or a walk started from another walk's callback:
     * already in a transaction */
    if (h->in_import || h->reading++)
        return PM_OK;
    pm_error e = {0};
    pm_status s = h->db->ops->begin(h->db, 0, &e);
    if (s != PM_OK) {
        h->reading = 0;
        if (err) {
            *err = e;
            pmx_fail(h, err, "cannot start reading");
        }
    }
    return s;
}

void pmx_read_end(pm_history *h)
{
    if (!h->in_import && h->reading && --h->reading == 0)
        h->db->ops->rollback(h->db);
}

void pmx_utc_now(char buf[32])
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Walk a query with one text parameter (NULL: none bound) row by row. */
pm_status pmx_walk(pm_history *h, const char *what, const char *sql, const char *param,
                   pmx_row_fn each, void *arg, pm_error *err)
{
    pm_status s = pmx_read_begin(h, err);
    if (s != PM_OK)
        return s;
    pmx_stmt *st;
    if ((s = pmx_prep(h, sql, what, &st, err)) != PM_OK) {
        pmx_read_end(h);
        return s;
    }
    if (param)
        pmx_bind_text(h, st, 1, param);
    int r, stop = 0;
    while (!stop && (r = pmx_step(h, st, what, err)) > 0)
        stop = each(h, st, arg, err);
    pmx_finalize(h, st);
    pmx_read_end(h);
    if (stop < 0)
        return err ? err->code : PM_EIO;
    return !stop && r < 0 ? (err ? err->code : PM_EIO) : PM_OK;
}
