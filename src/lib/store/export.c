/* The store as CSV (one table) or JSON (any or all tables), rows in key
 * order, through the caller's writer. Text cells of CSV are guarded with
 * the one reversible guard (pm_csv_guard); doubles in their shortest
 * round-trip form; NULL is an empty cell or JSON null. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prefmon/text.h"
#include "store/db.h"

typedef struct table {
    const char *name;
    const char *cols;  /* comma-separated */
    const char *types; /* t i d per column */
    const char *order;
} table;

static const table tables[] = {
    {"batches", "id,name,imported_at,parameters,records_new,records_skipped", "itttii", "id"},
    {"batch_files", "batch_id,pos,name,sha256,size", "iitti", "batch_id, pos"},
    {"annotator_batches",
     "batch_id,annotator,labels,pairs,consistent,gold_n,gold_agree,left_n,left_k,duration_median,"
     "duration_n,decision,action,reason,flags",
     "itiiiiiiiditttt", "batch_id, annotator"},
    {"label_counts", "batch_id,annotator,label,count", "itti", "batch_id, annotator, label"},
    {"pairs", "annotator,seq,batch_id,item,agree,q0,delta,m0,m1", "tiitidddd", "annotator, seq"},
    {"last_labels", "annotator,item,label,batch_id", "ttti", "annotator, item"},
    {"record_keys", "key,batch_id", "ti", "key"},
    {"ledger", "id,batch,annotator,cents,currency,kind,upload_sha256,recorded_at", "ittitttt",
     "id"},
};
#define NTABLES (sizeof tables / sizeof tables[0])

const char *const *pm_history_tables(void)
{
    static const char *const names[NTABLES + 1] = {
        "batches",      "batch_files", "annotator_batches",
        "label_counts", "pairs",       "last_labels",
        "record_keys",  "ledger",      NULL};
    return names;
}

typedef struct out {
    pm_history_write_fn write;
    void *ctx;
    int failed;
} out;

static void put(out *o, const char *s, size_t len)
{
    if (!o->failed && len && o->write(o->ctx, s, len))
        o->failed = 1;
}

static void puts_(out *o, const char *s)
{
    put(o, s, strlen(s));
}

static void csv_text(out *o, const char *s)
{
    size_t need = pm_csv_guard(s, NULL, 0);
    char small[256], *g = need < sizeof small ? small : malloc(need + 1);
    if (!g) {
        o->failed = 1;
        return;
    }
    pm_csv_guard(s, g, need + 1);
    if (strpbrk(g, ",\"\r\n")) {
        put(o, "\"", 1);
        for (const char *p = g; *p; p++) {
            if (*p == '"')
                put(o, "\"", 1);
            put(o, p, 1);
        }
        put(o, "\"", 1);
    } else {
        puts_(o, g);
    }
    if (g != small)
        free(g);
}

static void json_text(out *o, const char *s)
{
    put(o, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        char esc[8];
        if (*p == '"' || *p == '\\') {
            esc[0] = '\\';
            esc[1] = (char)*p;
            put(o, esc, 2);
        } else if (*p < 0x20 || *p == 0x7f) {
            snprintf(esc, sizeof esc, "\\u%04x", *p);
            put(o, esc, 6);
        } else {
            put(o, (const char *)p, 1);
        }
    }
    put(o, "\"", 1);
}

static void cell(pm_history *h, pmx_stmt *st, int i, char type, int json, out *o)
{
    const char *t = pmx_text(h, st, i);
    char buf[PM_DOUBLE_TEXT + 8];
    if (!t) {
        if (json)
            puts_(o, "null");
        return;
    }
    if (type == 't') {
        if (json)
            json_text(o, t);
        else
            csv_text(o, t);
    } else if (type == 'i') {
        snprintf(buf, sizeof buf, "%lld", pmx_int(h, st, i));
        puts_(o, buf);
    } else {
        pm_fmt_double(pmx_double(h, st, i), buf, sizeof buf);
        puts_(o, buf);
    }
}

static pm_status one_table(pm_history *h, const table *t, int json, out *o, pm_error *err)
{
    char sql[512], what[96], cols[256];
    snprintf(sql, sizeof sql, "SELECT %s FROM %s ORDER BY %s", t->cols, t->name, t->order);
    snprintf(what, sizeof what, "cannot export table %s", t->name);
    snprintf(cols, sizeof cols, "%s", t->cols);
    const char *names[16];
    int nc = 0;
    for (char *tok = strtok(cols, ","); tok && nc < 16; tok = strtok(NULL, ","))
        names[nc++] = tok;
    char types[16];
    int k = 0;
    for (const char *p = t->types; *p && k < 16; p++)
        if (*p != ' ')
            types[k++] = *p;
    pmx_stmt *st;
    pm_status s = pmx_prep(h, sql, what, &st, err);
    if (s != PM_OK)
        return s;
    if (!json) {
        puts_(o, t->cols);
        puts_(o, "\n");
    } else {
        json_text(o, t->name);
        puts_(o, ": [");
    }
    int r, first = 1;
    while ((r = pmx_step(h, st, what, err)) > 0 && !o->failed) {
        if (json) {
            puts_(o, first ? "\n      {" : ",\n      {");
            for (int i = 0; i < nc; i++) {
                if (i)
                    puts_(o, ", ");
                json_text(o, names[i]);
                puts_(o, ": ");
                cell(h, st, i, types[i], 1, o);
            }
            puts_(o, "}");
        } else {
            for (int i = 0; i < nc; i++) {
                if (i)
                    puts_(o, ",");
                cell(h, st, i, types[i], 0, o);
            }
            puts_(o, "\n");
        }
        first = 0;
    }
    pmx_finalize(h, st);
    if (json)
        puts_(o, first ? "]" : "\n    ]");
    if (r < 0)
        return err ? err->code : PM_EIO;
    return PM_OK;
}

pm_status pm_history_export(pm_history *h, const char *table_name, pm_history_format format,
                            pm_history_write_fn write, void *ctx, pm_error *err)
{
    const table *only = NULL;
    if (table_name) {
        for (size_t i = 0; i < NTABLES; i++)
            if (!strcmp(tables[i].name, table_name))
                only = &tables[i];
        if (!only)
            return pm_error_set(err, PM_EINVAL,
                                "%s: no table '%s' to export (batches, batch_files, "
                                "annotator_batches, label_counts, pairs, last_labels, "
                                "record_keys, ledger)",
                                h->name, table_name);
    }
    if (format == PM_HISTORY_CSV && !only)
        return pm_error_set(err, PM_EINVAL, "%s: a CSV export is one table: name it", h->name);
    if (!write)
        return pm_error_set(err, PM_EINVAL, "%s: export: no writer", h->name);
    out o = {write, ctx, 0};
    pm_status s = pmx_read_begin(h, err);
    if (s != PM_OK)
        return s;
    if (format == PM_HISTORY_CSV) {
        s = one_table(h, only, 0, &o, err);
    } else {
        char head[64];
        snprintf(head, sizeof head, "{\n  \"schema_version\": %d,\n  \"tables\": {", h->version);
        puts_(&o, head);
        int first = 1;
        for (size_t i = 0; i < NTABLES && s == PM_OK; i++) {
            if (only && only != &tables[i])
                continue;
            puts_(&o, first ? "\n    " : ",\n    ");
            first = 0;
            s = one_table(h, &tables[i], 1, &o, err);
        }
        puts_(&o, "\n  }\n}\n");
    }
    pmx_read_end(h);
    if (s == PM_OK && o.failed)
        s = pm_error_set(err, PM_EIO, "%s: export: the output could not be written", h->name);
    return s;
}
