/*
** Plan files: generic CSV and JSONL, a Label Studio import list, and the
** private manifest. The Label Studio shape was checked against its docs
** (labelstud.io/guide/tasks, "Basic Label Studio JSON format", and the
** import API at api.labelstud.io: a JSON list of tasks whose "data" keys are
** the variables of the labeling config, e.g. $left / $right).
*/
#include <inttypes.h>
#include <string.h>

#include <jansson.h>

#include "prefmon/csv.h"
#include "prefmon/plan.h"
#include "prefmon/rng.h"

/* A text cell: guarded and quoted by the one CSV cell writer (prefmon/csv.h).
 * A key that starts like a formula (=x) is written '=x; every prefmon
 * reader of a label log undoes the guard (pm_csv_unguard), so the labels
 * the platform exports come back under the key of the plan and of the
 * manifest (JSON, exact bytes); doc/plan.md says so. A write error shows in
 * finish() through ferror. */
static void csv_cell(FILE *fp, const char *s)
{
    (void)pm_csv_write_cell(fp, s, NULL);
}

static pm_status finish(FILE *fp, pm_error *err)
{
    if (fflush(fp) != 0 || ferror(fp))
        return pm_error_set(err, PM_EIO, "write error (disk full?)");
    return PM_OK;
}

/* Texts are written when the item pool has them (the first row that is not
 * gold says; an all-gold plan asks its first row). */
static int has_texts(const pm_plan *plan)
{
    size_t n, i = 0;
    const pm_plan_row *rows = pm_plan_rows(plan, &n);
    while (i + 1 < n && rows[i].is_gold)
        i++;
    return n > 0 && pm_plan_row_text(plan, &rows[i], 0) != NULL;
}

pm_status pm_plan_write_csv(const pm_plan *plan, FILE *fp, pm_error *err)
{
    size_t n;
    const pm_plan_row *rows = pm_plan_rows(plan, &n);
    int texts = has_texts(plan);
    fputs(texts ? "annotator,position,item,shown_left,left,right\r\n"
                : "annotator,position,item,shown_left\r\n",
          fp);
    for (size_t i = 0; i < n; i++) {
        const pm_plan_row *r = &rows[i];
        csv_cell(fp, pm_plan_annotator(plan, r->annotator));
        fprintf(fp, ",%ld,", r->position);
        csv_cell(fp, pm_plan_row_key(plan, r));
        fprintf(fp, ",%c", r->shown_left);
        if (texts) {
            fputc(',', fp);
            csv_cell(fp, pm_plan_row_text(plan, r, 0));
            fputc(',', fp);
            csv_cell(fp, pm_plan_row_text(plan, r, 1));
        }
        fputs("\r\n", fp);
    }
    return finish(fp, err);
}

/* Set obj[name] = a JSON string; 0 when the text is not valid UTF-8. */
static int set_str(json_t *obj, const char *name, const char *s)
{
    json_t *v = json_string(s ? s : "");
    return v && json_object_set_new(obj, name, v) == 0;
}

/* The exported fields of a row; NULL when a text is not valid UTF-8. */
static json_t *row_object(const pm_plan *plan, const pm_plan_row *r, int texts, int manifest)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    char side[2] = {r->shown_left, '\0'};
    int ok = set_str(o, "annotator", pm_plan_annotator(plan, r->annotator)) &&
             json_object_set_new(o, "position", json_integer(r->position)) == 0 &&
             set_str(o, "item", pm_plan_row_key(plan, r)) && set_str(o, "shown_left", side);
    if (ok && texts)
        ok = set_str(o, "left", pm_plan_row_text(plan, r, 0)) &&
             set_str(o, "right", pm_plan_row_text(plan, r, 1));
    if (ok && manifest)
        ok = json_object_set_new(o, "is_gold", json_boolean(r->is_gold)) == 0 &&
             json_object_set_new(o, "copy", json_integer(r->copy)) == 0 &&
             json_object_set_new(o, "partner",
                                 r->partner ? json_integer(r->partner) : json_null()) == 0;
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static pm_status dump(FILE *fp, json_t *o, const pm_plan *plan, const pm_plan_row *r, pm_error *err)
{
    if (!o)
        return pm_error_set(
            err, PM_EINVAL, "item '%s' (annotator '%s', position %ld): a text is not valid UTF-8",
            pm_plan_row_key(plan, r), pm_plan_annotator(plan, r->annotator), r->position);
    int bad = json_dumpf(o, fp, JSON_COMPACT) != 0;
    json_decref(o);
    return bad ? pm_error_set(err, PM_EIO, "write error") : PM_OK;
}

pm_status pm_plan_write_jsonl(const pm_plan *plan, FILE *fp, pm_error *err)
{
    size_t n;
    const pm_plan_row *rows = pm_plan_rows(plan, &n);
    int texts = has_texts(plan);
    for (size_t i = 0; i < n; i++) {
        pm_status st = dump(fp, row_object(plan, &rows[i], texts, 0), plan, &rows[i], err);
        if (st != PM_OK)
            return st;
        fputc('\n', fp);
    }
    return finish(fp, err);
}

pm_status pm_plan_write_labelstudio(const pm_plan *plan, FILE *fp, pm_error *err)
{
    size_t n;
    const pm_plan_row *rows = pm_plan_rows(plan, &n);
    int texts = has_texts(plan);
    fputs("[", fp);
    for (size_t i = 0; i < n; i++) {
        json_t *data = row_object(plan, &rows[i], texts, 0);
        json_t *task = data ? json_object() : NULL;
        if (task && json_object_set_new(task, "data", data) != 0) {
            json_decref(task);
            task = NULL;
        } else if (!task) {
            json_decref(data);
        }
        fputs(i ? ",\n" : "\n", fp);
        pm_status st = dump(fp, task, plan, &rows[i], err);
        if (st != PM_OK)
            return st;
    }
    fputs("\n]\n", fp);
    return finish(fp, err);
}

pm_status pm_plan_write_manifest(const pm_plan *plan, FILE *fp, pm_error *err)
{
    pm_plan_summary s;
    pm_status st = pm_plan_summarize(plan, NULL, &s, err);
    if (st != PM_OK)
        return st;
    char seed[32];
    snprintf(seed, sizeof seed, "%" PRIu64, s.seed);
    json_t *h =
        json_pack("{s:s, s:i, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I}", "format",
                  "prefmon-plan-manifest", "format_version", 1, "seed", seed, "rng", PM_RNG_NAME,
                  "annotators", (json_int_t)s.annotators, "length", (json_int_t)s.length,
                  "duplicates", (json_int_t)s.duplicates, "min_gap", (json_int_t)s.min_gap, "gold",
                  (json_int_t)s.gold, "singles", (json_int_t)s.singles);
    if (!h)
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    int bad = json_dumpf(h, fp, JSON_COMPACT) != 0;
    json_decref(h);
    if (bad)
        return pm_error_set(err, PM_EIO, "write error");
    fputc('\n', fp);
    size_t n;
    const pm_plan_row *rows = pm_plan_rows(plan, &n);
    for (size_t i = 0; i < n; i++) {
        if ((st = dump(fp, row_object(plan, &rows[i], 0, 1), plan, &rows[i], err)) != PM_OK)
            return st;
        fputc('\n', fp);
    }
    return finish(fp, err);
}
