/* Opening and closing a history store: the backend from the URI, the
 * schema checked (created, migrated or refused), SQLite put in WAL mode. */
#include <stdlib.h>
#include <string.h>

#include "store/db.h"

static int is_pg_uri(const char *uri)
{
    return !strncmp(uri, "postgresql://", 13) || !strncmp(uri, "postgres://", 11);
}

/* The URI as messages show it: a password in the user part or in a
 * password= parameter is replaced by "***". */
static char *display_name(const char *uri)
{
    size_t len = strlen(uri);
    char *out = malloc(len + 8), *o = out;
    if (!out)
        return NULL;
    if (!is_pg_uri(uri)) {
        memcpy(out, uri, len + 1);
        return out;
    }
    const char *rest = strstr(uri, "://") + 3;
    const char *at = strchr(rest, '@');
    const char *slash = strchr(rest, '/');
    const char *colon = strchr(rest, ':');
    memcpy(o, uri, (size_t)(rest - uri));
    o += rest - uri;
    const char *p = rest;
    if (at && (!slash || at < slash) && colon && colon < at) {
        memcpy(o, rest, (size_t)(colon - rest));
        o += colon - rest;
        memcpy(o, ":***", 4);
        o += 4;
        p = at;
    }
    while (*p) {
        if ((p == uri || p[-1] == '?' || p[-1] == '&') && !strncmp(p, "password=", 9)) {
            memcpy(o, "password=***", 12);
            o += 12;
            p += strcspn(p, "&");
            continue;
        }
        *o++ = *p++;
    }
    *o = '\0';
    return out;
}

pm_status pmx_history_open_upto(const char *uri, unsigned flags, int upto, pm_history **out,
                                pm_error *err)
{
    if (!out)
        return pm_error_set(err, PM_EINVAL, "pm_history_open: out is NULL");
    *out = NULL;
    if (!uri || !*uri)
        return pm_error_set(err, PM_EINVAL, "history store: no path or URI given");
    pm_history *h = calloc(1, sizeof *h);
    if (!h || !(h->name = display_name(uri))) {
        free(h);
        return pm_error_set(err, PM_ENOMEM, "%s: out of memory", uri);
    }
    h->flags = flags;
    pm_status st = is_pg_uri(uri) ? pmx_pg_open(uri, h->name, flags, &h->db, err)
                                  : pmx_sqlite_open(uri, flags, &h->db, err);
    if (st != PM_OK) {
        free(h->name);
        free(h);
        return st;
    }
    if (h->db->dialect == PMX_SQLITE &&
        (st = pmx_exec(h, "PRAGMA foreign_keys = ON", "cannot enable foreign keys", err)) != PM_OK)
        goto fail;
    if ((st = pmx_schema_prepare(h, (flags & PM_HISTORY_CREATE) != 0, upto, err)) != PM_OK)
        goto fail;
    /* WAL: readers never block the writer and a killed writer leaves the
     * last commit intact. Only on a store known to be ours. */
    if (h->db->dialect == PMX_SQLITE && !(flags & PM_HISTORY_READONLY) &&
        (st = pmx_exec(h, "PRAGMA journal_mode = WAL", "cannot switch to WAL mode", err)) != PM_OK)
        goto fail;
    *out = h;
    return PM_OK;
fail:
    pm_history_close(h);
    return st;
}

pm_status pm_history_open(const char *uri, unsigned flags, pm_history **out, pm_error *err)
{
    return pmx_history_open_upto(uri, flags, PM_HISTORY_SCHEMA, out, err);
}

void pm_history_close(pm_history *h)
{
    if (!h)
        return;
    if (h->in_import)
        pm_history_rollback(h);
    h->db->ops->close(h->db);
    free(h->batch_name);
    free(h->replaced);
    free(h->name);
    free(h);
}

const char *pm_history_name(const pm_history *h)
{
    return h->name;
}

const char *pm_history_backend(const pm_history *h)
{
    return h->db->dialect == PMX_SQLITE ? "sqlite" : "postgresql";
}

int pm_history_schema_version(const pm_history *h)
{
    return h->version;
}
