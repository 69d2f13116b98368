/* The block and review lists of an import (decide.h, "exports"). */
#include <stdio.h>
#include <string.h>

#include "prefmon/csv.h"
#include "prefmon/decide.h"

static pm_status put(const pm_writer *w, const char *s, pm_error *err)
{
    return pm_write(w, s, strlen(s), err);
}

pm_status pm_import_write_blocks(const pm_import_result *r, pm_block_format format,
                                 const pm_writer *w, pm_error *err)
{
    pm_status st = format == PM_BLOCK_MTURK ? put(w, "WorkerId,Reason\r\n", err) : PM_OK;
    for (size_t i = 0; st == PM_OK && i < r->n; i++) {
        const pm_import_row *x = &r->rows[i];
        if (x->action != PM_ACTION_BLOCK)
            continue;
        if (format == PM_BLOCK_MTURK) {
            if ((st = pm_csv_write_cell_to(w, x->annotator, err)) == PM_OK &&
                (st = put(w, ",", err)) == PM_OK &&
                (st = pm_csv_write_cell_to(w, x->reason, err)) == PM_OK)
                st = put(w, "\r\n", err);
        } else if ((st = put(w, x->annotator, err)) == PM_OK) {
            st = put(w, "\n", err);
        }
    }
    return st;
}

/* The row's flags with drift and below-chance, joined by ';'. */
static void flags_text(const pm_import_row *x, char *buf, size_t size)
{
    size_t k = pm_flags_format(x->flags, ";", "", buf, size);
    if (k >= size)
        return;
    if (x->res.drift)
        k += (size_t)snprintf(buf + k, size - k, "%sdrift", k ? ";" : "");
    if (k < size && x->res.below_chance)
        snprintf(buf + k, size - k, "%sbelow-chance", k ? ";" : "");
}

pm_status pm_import_write_review(const pm_import_result *r, const pm_writer *w, pm_error *err)
{
    pm_status st = put(w, "annotator,action,reason,flags\r\n", err);
    for (size_t i = 0; st == PM_OK && i < r->n; i++) {
        const pm_import_row *x = &r->rows[i];
        if (x->action != PM_ACTION_REVIEW)
            continue;
        char flags[300];
        flags_text(x, flags, sizeof flags);
        const char *cells[4] = {x->annotator, pm_action_name(x->action), x->reason, flags};
        for (int c = 0; st == PM_OK && c < 4; c++) {
            if (c)
                st = put(w, ",", err);
            if (st == PM_OK)
                st = pm_csv_write_cell_to(w, cells[c], err);
        }
        if (st == PM_OK)
            st = put(w, "\r\n", err);
    }
    return st;
}
