/*
** Label Studio JSON export (Project > Export > JSON): a list of tasks
**   {"id": 1, "data": {...}, "annotations": [{"completed_by": 10,
**    "result": [{"from_name": "pw", "type": "pairwise",
**                "value": {"selected": "left"}}],
**    "was_cancelled": false, "ground_truth": false,
**    "created_at": "2021-03-09T22:16:08.728353Z", "lead_time": 4.288}]}
** Checked against: labelstud.io/guide/task_format ("Label Studio JSON format
** of annotated tasks": completed_by an integer, was_cancelled, ground_truth,
** lead_time, created_at), label-studio data_export/serializers.py
** (CompletedBySerializer: completed_by as an object {id, email, first_name,
** last_name} in newer exports), labelstud.io/tags/pairwise and the
** data-juicer Label Studio mapper tests (pairwise value {"selected": "left"}).
**
** The export is one JSON document, so it is read whole with jansson, up to
** max_document bytes of text (PM_ELIMIT beyond). jansson's tree costs a
** multiple of the text (8.5x on a 43 MB export of short values, 21.6x on
** a 100 MB one): with max_memory set, a document whose text times
** PM_RECORDS_TREE_FACTOR passes it is refused, up front for a regular file
** (its size), else as soon as that much has been read. Mapping:
**   item       data.<item_field> (string or number); without it the task id
**              (only right when every copy of an item is the same task);
**   annotator  completed_by: the integer, or the object's id (its email
**              when it has no id), so both export shapes give the same key;
**   label      the one control's result: choices (exactly one; an
**              annotation with several is skipped, counted as
**              several-choices),
**              pairwise selected left|right mapped through data.shown_left
**              (A|B; absent: left is A), rating (the number); a task with
**              several label controls needs label_field (their from_name);
**              other result types (textarea, ...) are not labels;
**              ranker (a ranking, records.h "Rankings"): value.ranker is
**              {"<Ranker name>": [ids best first]} (labelstud.io/tags/ranker:
**              "a dict with the only key of tag's name and with value of
**              array of ids in new order"); the internal "_" column of a
**              Ranker with Buckets is ignored, and a result with one bucket
**              is that bucket's order; several buckets are a grouping, not
**              one ranking, and are refused. The item is then
**              data.<item_field>|the ids in byte order joined by '='; a
**              ground-truth ranking is refused (no gold rankings);
**   duration   lead_time; timestamp: created_at (ISO 8601).
** Skipped and counted: was_cancelled, ground_truth (its label becomes the
** item's gold for every record, read in a first pass), no usable result,
** several choices in one answer.
** Positions: there are no lines in a parsed document, so messages name the
** task (1-based number and id) and record.line is the task number.
*/
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "io/records_internal.h"

static const char *task_id(pm_records *r, json_t *task)
{
    const char *id = pmx_json_text(r, json_object_get(task, "id"), 3);
    return id ? id : "none";
}

static pm_status ls_error(pm_records *r, pm_status code, json_t *task, size_t ann, const char *what,
                          pm_error *err)
{
    if (ann)
        return pm_error_at(err, code, r->name, 0, 0, "task %zu (id %s), annotation %zu: %s",
                           r->task_i + 1, task_id(r, task), ann, what);
    return pm_error_at(err, code, r->name, 0, 0, "task %zu (id %s): %s", r->task_i + 1,
                       task_id(r, task), what);
}

/* Two controls of one annotation both give a label: the caller must name one. */
static pm_status two_controls(pm_records *r, json_t *task, size_t ann, const char *a, const char *b,
                              pm_error *err)
{
    char msg[400];
    snprintf(msg, sizeof msg,
             "controls '%.150s' and '%.150s' both give a label: choose one with label_field "
             "(--label-field)",
             a, b);
    return ls_error(r, PM_EPARSE, task, ann, msg, err);
}

static pm_status item_of(pm_records *r, json_t *task, const char **item, pm_error *err)
{
    char msg[300];
    json_t *data = json_object_get(task, "data");
    json_t *v = json_is_object(data) ? json_object_get(data, r->item_field) : NULL;
    *item = v ? pmx_json_text(r, v, 0) : NULL;
    if (*item && **item)
        return PM_OK;
    if (*item) {
        snprintf(msg, sizeof msg, "data.%.200s is empty: every task needs an item key",
                 r->item_field);
        return ls_error(r, PM_EPARSE, task, 0, msg, err);
    }
    if (v || r->opt.item_field) {
        snprintf(msg, sizeof msg, "data.%.200s is %s: it must be a string or an integer item key",
                 r->item_field, v ? "not a string or an integer" : "missing");
        return ls_error(r, PM_EPARSE, task, 0, msg, err);
    }
    *item = pmx_json_text(r, json_object_get(task, "id"), 0);
    if (!*item)
        return ls_error(r, PM_EPARSE, task, 0, "no data.item and no integer task id", err);
    return PM_OK;
}

/* What result_label gives for a choices result with several choices (a
 * multi-select answer): not a label, the annotation is skipped and counted
 * (PM_RECORDS_SKIP_SEVERAL_CHOICES) rather than read as one joined label. */
static const char several_choices[] = "(several choices)";

/* The label of one result entry, several_choices, or NULL when it holds none. */
static const char *result_label(pm_records *r, json_t *task, json_t *res, char *shown)
{
    const char *type = json_string_value(json_object_get(res, "type"));
    json_t *value = json_object_get(res, "value");
    if (!type || !json_is_object(value))
        return NULL;
    if (strcmp(type, "choices") == 0) {
        json_t *ch = json_object_get(value, "choices");
        if (json_array_size(ch) > 1) /* a multi-select answer is not one label */
            return several_choices;
        return json_string_value(json_array_get(ch, 0));
    }
    if (strcmp(type, "pairwise") == 0) {
        const char *sel = json_string_value(json_object_get(value, "selected"));
        const char *sl =
            json_string_value(json_object_get(json_object_get(task, "data"), "shown_left"));
        *shown = sl && pmx_strieq(sl, "B") ? 'B' : sl && pmx_strieq(sl, "A") ? 'A' : 0;
        if (!sel || (strcmp(sel, "left") != 0 && strcmp(sel, "right") != 0))
            return NULL;
        return (sel[0] == 'l') == (*shown != 'B') ? "A" : "B";
    }
    if (strcmp(type, "rating") == 0) {
        json_t *v = json_object_get(value, "rating");
        if (!json_is_number(v))
            return NULL;
        double x = json_number_value(v);
        snprintf(r->num[2], sizeof r->num[2], x == floor(x) && fabs(x) < 1e15 ? "%.0f" : "%.17g",
                 x);
        return r->num[2];
    }
    return NULL;
}

/* A ranker result's ranking into r->rank_label (and its entries in
 * r->rank_e[0..rank_n)); *label NULL when it holds no ids. */
static pm_status ranker_label(pm_records *r, json_t *task, json_t *res, size_t ano,
                              const char **label, pm_error *err)
{
    json_t *rk = json_object_get(json_object_get(res, "value"), "ranker"), *list = NULL, *v;
    const char *k, *first = NULL;
    char msg[400];
    *label = NULL;
    r->rank_n = 0;
    if (!json_is_object(rk))
        return ls_error(r, PM_EPARSE, task, ano, "ranker result without a value.ranker object",
                        err);
    json_object_foreach(rk, k, v)
    {
        if (strcmp(k, "_") == 0) /* a Ranker with Buckets: the list itself, internal */
            continue;
        if (list) {
            snprintf(msg, sizeof msg,
                     "ranker result with several buckets ('%.100s', '%.100s'): a grouping, not "
                     "one ranking",
                     first, k);
            return ls_error(r, PM_EPARSE, task, ano, msg, err);
        }
        list = v;
        first = k;
    }
    if (!list || json_array_size(list) == 0)
        return PM_OK;
    if (!json_is_array(list))
        return ls_error(r, PM_EPARSE, task, ano, "value.ranker: a list of item ids is expected",
                        err);
    pm_status st = pmx_rank_room(r, json_array_size(list), err);
    size_t i;
    json_array_foreach(list, i, v)
    {
        if (st)
            return st;
        if (!json_is_string(v) || memchr(json_string_value(v), '\0', json_string_length(v))) {
            snprintf(msg, sizeof msg, "value.ranker.%.100s[%zu] is not an item id string", first,
                     i);
            return ls_error(r, PM_EPARSE, task, ano, msg, err);
        }
        r->rank_e[r->rank_n++] =
            (pmx_rank_entry){json_string_value(v), json_string_length(v), (double)i};
    }
    snprintf(msg, sizeof msg, "task %zu (id %s), annotation %zu: value.ranker", r->task_i + 1,
             task_id(r, task), ano);
    if ((st = pmx_ranking_label(&r->rank_label, r->rank_e, r->rank_n, r->name, 0, msg, err)))
        return st;
    *label = r->rank_label.s;
    return PM_OK;
}

/* The annotation's label (NULL: none usable; several_choices: a choices
 * result with more than one choice, skipped; r->rank_label.s: a ranking)
 * and shown_left. */
static pm_status ann_label(pm_records *r, json_t *task, json_t *ann, size_t ano, const char **label,
                           char *shown, pm_error *err)
{
    json_t *res;
    size_t i;
    const char *from = NULL;
    *label = NULL;
    *shown = 0;
    json_array_foreach(json_object_get(ann, "result"), i, res)
    {
        const char *fn = json_string_value(json_object_get(res, "from_name"));
        if (r->label_field && (!fn || strcmp(fn, r->label_field) != 0))
            continue;
        char sh = 0;
        const char *l = NULL, *type = json_string_value(json_object_get(res, "type"));
        pm_status st;
        if (type && strcmp(type, "ranker") == 0) {
            if (from) { /* a label is taken: the ranking buffer is not overwritten */
                if (!fn || strcmp(from, fn) == 0)
                    continue;
                return two_controls(r, task, ano, from, fn, err);
            }
            if ((st = ranker_label(r, task, res, ano, &l, err)))
                return st;
        } else {
            l = result_label(r, task, res, &sh);
        }
        if (!l)
            continue;
        if (from && fn && strcmp(from, fn) != 0) {
            return two_controls(r, task, ano, from, fn, err);
        }
        if (!from) {
            from = fn ? fn : "";
            *label = l;
            *shown = sh;
        }
    }
    return PM_OK;
}

static int flag(json_t *ann, const char *key)
{
    return json_is_true(json_object_get(ann, key));
}

/* First pass: ground-truth annotations become gold for their item. */
static pm_status ground_truth(pm_records *r, pm_error *err)
{
    json_t *task, *ann;
    size_t t, a;
    pm_status st;
    json_array_foreach(r->doc, t, task)
    {
        r->task_i = t;
        json_array_foreach(json_object_get(task, "annotations"), a, ann)
        {
            if (!flag(ann, "ground_truth") || flag(ann, "was_cancelled"))
                continue;
            const char *item, *label, *old;
            char shown;
            if ((st = item_of(r, task, &item, err)) ||
                (st = ann_label(r, task, ann, a + 1, &label, &shown, err)))
                return st;
            if (!label || label == several_choices) /* no gold from a multi-select */
                continue;
            if (label == r->rank_label.s)
                return ls_error(r, PM_EPARSE, task, a + 1,
                                "a ground-truth ranking: gold rankings are not supported "
                                "(doc/assess.md, Rankings)",
                                err);
            int rc = pmx_gold_put(&r->gold, item, label, &old);
            if (rc < 0)
                return pm_error_set(err, PM_ENOMEM, "out of memory");
            if (rc > 0) {
                char msg[600];
                snprintf(msg, sizeof msg,
                         "ground truth '%.200s' for item '%.200s' contradicts its gold '%.100s'",
                         label, item, old);
                return ls_error(r, PM_EPARSE, task, a + 1, msg, err);
            }
        }
    }
    r->task_i = 0;
    return PM_OK;
}

static pm_status check_tasks(pm_records *r, pm_error *err)
{
    json_t *task;
    size_t t;
    json_array_foreach(r->doc, t, task)
    {
        r->task_i = t;
        if (!json_is_object(task) || !json_is_array(json_object_get(task, "annotations")))
            return ls_error(r, PM_EPARSE, task, 0,
                            "not a task with an 'annotations' list (export from Label Studio "
                            "with the JSON format, not JSON-MIN or CSV)",
                            err);
    }
    r->task_i = 0;
    if (json_array_size(r->doc) == 0)
        return pm_error_at(err, PM_EPARSE, r->name, 0, 0, "no records: the export has no tasks");
    return PM_OK;
}

pm_status pmx_labelstudio_start(pm_records *r, pm_error *err)
{
    r->task_i = r->ann_i = 0;
    r->ignored.len = 0;
    pm_status ld =
        pmx_load_document(r, "Label Studio export", "raise the limit or split the export", err);
    if (ld != PM_OK)
        return ld;
    if (json_is_object(r->doc)) {
        json_t *list = json_array();
        if (!list || json_array_append_new(list, r->doc))
            return pm_error_set(err, PM_ENOMEM, "out of memory");
        r->doc = list;
    }
    if (!json_is_array(r->doc))
        return pm_error_at(err, PM_EPARSE, r->name, 1, 1,
                           "a Label Studio export is a JSON list of tasks");
    pm_status st = check_tasks(r, err);
    return st ? st : ground_truth(r, err);
}

static pm_status annotator_of(pm_records *r, json_t *task, json_t *ann, size_t ano,
                              const char **who, pm_error *err)
{
    json_t *cb = json_object_get(ann, "completed_by");
    if (json_is_object(cb)) {
        *who = pmx_json_text(r, json_object_get(cb, "id"), 1);
        if (!*who)
            *who = json_string_value(json_object_get(cb, "email"));
    } else {
        *who = pmx_json_text(r, cb, 1);
    }
    if (!*who || !**who)
        return ls_error(r, PM_EPARSE, task, ano,
                        "completed_by is missing or not a user id / {id, email} object", err);
    return PM_OK;
}

static pm_status fill(pm_records *r, json_t *task, json_t *ann, size_t ano, pm_record *out,
                      int *use, pm_error *err)
{
    pm_status st;
    const char *item, *label;
    char shown;
    *use = 0;
    memset(out, 0, sizeof *out);
    out->file = r->name;
    out->line = (long)r->task_i + 1;
    out->timestamp = out->duration = NAN;
    r->stats.rows_read++;
    if (flag(ann, "was_cancelled")) {
        r->stats.skipped[PM_RECORDS_SKIP_CANCELLED]++;
        return PM_OK;
    }
    if (flag(ann, "ground_truth")) {
        r->stats.skipped[PM_RECORDS_SKIP_GROUND_TRUTH]++;
        return PM_OK;
    }
    if ((st = item_of(r, task, &item, err)) ||
        (st = annotator_of(r, task, ann, ano, &out->annotator, err)) ||
        (st = ann_label(r, task, ann, ano, &label, &shown, err)))
        return st;
    if (!label) {
        r->stats.skipped[PM_RECORDS_SKIP_NO_RESULT]++;
        return PM_OK;
    }
    if (label == several_choices) {
        r->stats.skipped[PM_RECORDS_SKIP_SEVERAL_CHOICES]++;
        return PM_OK;
    }
    json_t *lt = json_object_get(ann, "lead_time");
    if (json_is_number(lt) && json_number_value(lt) >= 0)
        out->duration = json_number_value(lt);
    const char *ca = json_string_value(json_object_get(ann, "created_at"));
    int tbad = ca ? pmx_parse_time(ca, &out->timestamp) : 0;
    if (tbad) {
        char msg[300];
        snprintf(msg, sizeof msg, "created_at '%.100s' is not %s%s", ca,
                 tbad > 0 ? "a possible time: " : "an ISO 8601 time",
                 tbad > 0 ? pmx_time_problem(tbad) : "");
        return ls_error(r, PM_EPARSE, task, ano, msg, err);
    }
    out->item = item;
    out->label = label;
    out->shown_left = shown;
    if (label == r->rank_label.s) { /* a ranking: the item names the ranked set */
        if ((st = pmx_ranking_item(&r->rank_item, item, strlen(item), r->rank_e, r->rank_n, err)))
            return st;
        out->item = r->rank_item.s;
        out->ranking = 1;
        if (pmx_gold_get(&r->gold, out->item))
            return ls_error(r, PM_EPARSE, task, ano,
                            "the gold file gives a gold label for this ranking item: gold "
                            "rankings are not supported (doc/assess.md, Rankings)",
                            err);
        r->stats.rows_used++;
        *use = 1;
        return PM_OK;
    }
    out->gold = pmx_gold_get(&r->gold, item);
    r->stats.rows_used++;
    *use = 1;
    return PM_OK;
}

pm_status pmx_labelstudio_record(pm_records *r, pm_record *out, int *got, pm_error *err)
{
    *got = 0;
    while (r->task_i < json_array_size(r->doc)) {
        json_t *task = json_array_get(r->doc, r->task_i);
        json_t *anns = json_object_get(task, "annotations");
        while (r->ann_i < json_array_size(anns)) {
            size_t a = r->ann_i++;
            int use;
            pm_status st = fill(r, task, json_array_get(anns, a), a + 1, out, &use, err);
            if (st)
                return st;
            if (use) {
                *got = 1;
                return PM_OK;
            }
        }
        r->task_i++;
        r->ann_i = 0;
    }
    return PM_OK;
}
