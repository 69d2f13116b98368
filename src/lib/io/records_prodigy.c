/*
** Prodigy `db-out` JSON Lines: one annotated task per line, as Prodigy
** stores it, with its hashes and the annotator's answer:
**   {"text": ..., "label": ..., "_input_hash": 12, "_task_hash": 34,
**    "_view_id": "classification", "answer": "accept",
**    "_timestamp": 1700000000, "_annotator_id": "ds-alice",
**    "_session_id": "ds-alice"}
** Checked against: prodi.gy/docs/workflow-evaluation ("Prodigy will
** randomly map the inputs A and B to accept and reject. This mapping is
** passed through to the front-end"; "the accept button will always approve
** the second output"), support.prodi.gy "difference between input hash and
** task hash" (the input hash names the input, the task hash the question
** asked about it), and explosion/prodigy-recipes compare.py (the compare
** task {"id", "input", "accept": output, "reject": output, "mapping":
** {"A": "accept", "B": "reject"} or {"B": "accept", "A": "reject"}}),
** ner/ner_eval_ab.py (the choice form of the same A/B evaluation:
** "A" and "B" objects, "mapping", "options" [{"id": "A"|"B", ...}] in the
** mapping's order, the chosen id in the "accept" list) and
** explosion/prodigy-openai-recipes openai_ab.py (ab.openai.prompts: a choice
** task whose options, ids the prompt names, are shuffled; no mapping).
**
** Shapes read (the task's own keys decide; no recipe name is stored):
**   A/B compare (compare recipe, view compare or diff): "mapping" and the
**     "accept" and "reject" outputs. answer accept prefers the output mapped
**     to accept, reject the one mapped to reject; the label is that letter
**     (A|B: the underlying systems, so a pair shown in either order gives
**     the same label). shown_left: the letter mapped to reject (shown
**     first). item: _input_hash | digest(A's output) | digest(B's output).
**   A/B choice (ner.eval-ab and the like): "mapping" and two "options" with
**     ids A and B; answer accept with one id in "accept" is that letter;
**     shown_left: the first option's id. item as above, from the options.
**   choice (textcat.manual with several labels, ab.openai.prompts, choice):
**     "options" without "mapping": the one chosen option id is the label; an
**     answer with several ids is skipped (several-choices), one with none or
**     a reject answer is skipped (no-result). item: _input_hash | the option
**     ids sorted (byte order), so a shuffled copy is the same item.
**   binary (textcat.teach, ner.teach, mark, classification): no "options",
**     no "mapping": the label is the answer, accept|reject; item: _task_hash
**     (the question: the input and the label or span asked about).
** Everywhere: answer "ignore" is skipped (ignored); annotator _annotator_id,
** else _session_id (pm_records_note says so); timestamp _timestamp (epoch
** seconds). Refused with file:line:field: an answer other than
** accept/reject/ignore, a mapping that is not {A, B} -> {accept, reject},
** missing hashes, the manual views (_view_id ner_manual, spans_manual,
** rel_manual, image_manual, text_input, blocks, ...: their answer accepts an
** edit, not a label) and review records ("versions": a reviewer's merged
** decision). Lines are read by the bounded line reader (max_line).
*/
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/records_internal.h"

pm_status pmx_prodigy_start(pm_records *r, pm_error *err)
{
    (void)err;
    pm_csv_dialect(r->csv, '\0', 0);
    const unsigned char *p;
    size_t n = pm_csv_peek(r->csv, &p);
    static const char key[] = "\"_annotator_id\"";
    int found = 0;
    for (size_t i = 0; !found && i + sizeof key - 1 <= n; i++)
        found = memcmp(p + i, key, sizeof key - 1) == 0;
    if (!found) {
        static const char note[] =
            "Prodigy log without _annotator_id: annotators are its _session_id values";
        if (pmx_buf_set(&r->note, note, sizeof note - 1))
            return pm_error_set(err, PM_ENOMEM, "out of memory");
    }
    return PM_OK;
}

static pm_status bad(pm_records *r, long line, const char *field, const char *what, pm_error *err)
{
    return pm_error_at(err, PM_EPARSE, r->name, line, 0, "field '%s': %s", field, what);
}

/* A key field: a non-empty string or integer without NUL, valid UTF-8. */
static pm_status key_of(pm_records *r, json_t *task, const char *field, int slot, long line,
                        const char **out, pm_error *err)
{
    json_t *v = json_object_get(task, field);
    if (!v)
        return bad(r, line, field, "missing", err);
    *out = pmx_json_text(r, v, slot);
    if (!*out)
        return bad(r, line, field, "expected a string or an integer", err);
    size_t n = json_is_string(v) ? json_string_length(v) : strlen(*out);
    if (n == 0)
        return bad(r, line, field, "is empty", err);
    if (memchr(*out, '\0', n))
        return bad(r, line, field, "the string contains a NUL character (\\u0000)", err);
    return pmx_check_key(r, field, *out, n, line, 0, err);
}

/* 64-bit FNV-1a of a value's canonical JSON (compact, sorted keys), as 16
 * hex digits appended to b: the content of an option, whatever its order. */
static int add_digest(pmx_buf *b, json_t *v)
{
    char *s = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
    if (!s)
        return -1;
    uint64_t h = 0xcbf29ce484222325u;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        h = (h ^ *p) * 0x100000001b3u;
    free(s);
    char hex[20];
    snprintf(hex, sizeof hex, "%016llx", (unsigned long long)h);
    return pmx_buf_add(b, hex, 16);
}

/* The mapping {A: accept|reject, B: the other}: *a_accept = 1 when A is
 * mapped to accept. */
static pm_status read_mapping(pm_records *r, json_t *m, long line, int *a_accept, pm_error *err)
{
    json_t *a = json_object_get(m, "A"), *b = json_object_get(m, "B");
    const char *as = json_string_value(a), *bs = json_string_value(b);
    int ok = json_is_object(m) && json_object_size(m) == 2 && as && bs &&
             ((!strcmp(as, "accept") && !strcmp(bs, "reject")) ||
              (!strcmp(as, "reject") && !strcmp(bs, "accept")));
    if (!ok)
        return bad(r, line, "mapping",
                   "expected {\"A\": \"accept\", \"B\": \"reject\"} or {\"A\": \"reject\", \"B\": "
                   "\"accept\"}",
                   err);
    *a_accept = !strcmp(as, "accept");
    return PM_OK;
}

/* The ids of the "accept" list: *n of them, the first in *first. */
static pm_status chosen(pm_records *r, json_t *task, long line, size_t *n, const char **first,
                        pm_error *err)
{
    json_t *acc = json_object_get(task, "accept");
    *n = 0;
    *first = NULL;
    if (!acc || json_is_null(acc))
        return PM_OK;
    if (!json_is_array(acc))
        return bad(r, line, "accept", "expected the list of chosen option ids", err);
    *n = json_array_size(acc);
    if (*n && !(*first = pmx_json_text(r, json_array_get(acc, 0), 2)))
        return bad(r, line, "accept", "an option id must be a string or an integer", err);
    return PM_OK;
}

/* The one option an accepted choice task chose: *pick, or NULL when the
 * answer is skipped and counted (no choice or a reject: no-result; several
 * chosen: several-choices). */
static pm_status one_choice(pm_records *r, json_t *task, long line, const char *answer,
                            const char **pick, pm_error *err)
{
    size_t nacc;
    pm_status st = chosen(r, task, line, &nacc, pick, err);
    if (st)
        return st;
    if (strcmp(answer, "accept") != 0 || nacc != 1) {
        r->stats.skipped[nacc > 1 && !strcmp(answer, "accept") ? PM_RECORDS_SKIP_SEVERAL_CHOICES
                                                               : PM_RECORDS_SKIP_NO_RESULT]++;
        *pick = NULL;
    }
    return PM_OK;
}

/* The option ids of "options", checked: strings or integers, no repeats. */
static pm_status option_ids(pm_records *r, json_t *opts, long line, const char **ids, size_t *n,
                            pm_error *err)
{
    if (!json_is_array(opts) || json_array_size(opts) == 0)
        return bad(r, line, "options", "expected a non-empty list of options", err);
    *n = json_array_size(opts);
    if (*n > PMX_MAX_SLOTS)
        return pm_error_at(err, PM_ELIMIT, r->name, line, 0,
                           "field 'options': %zu options, more than the limit of %d", *n,
                           PMX_MAX_SLOTS);
    for (size_t i = 0; i < *n; i++) {
        json_t *id = json_object_get(json_array_get(opts, i), "id");
        if (!json_is_string(id) && !json_is_integer(id))
            return bad(r, line, "options", "every option needs an id (a string or an integer)",
                       err);
        ids[i] = json_is_string(id) ? json_string_value(id) : NULL;
    }
    return PM_OK;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Text of option i's id (integers printed into r->key2 as a scratch list). */
static pm_status choice_record(pm_records *r, json_t *task, long line, const char *answer,
                               pm_record *out, int *use, pm_error *err)
{
    json_t *opts = json_object_get(task, "options");
    const char *ids[PMX_MAX_SLOTS];
    size_t n = 0;
    pm_status st = option_ids(r, opts, line, ids, &n, err);
    if (st)
        return st;
    /* Integer ids as text: printed one after another into key2. */
    size_t off[PMX_MAX_SLOTS];
    r->key2.len = 0;
    for (size_t i = 0; i < n; i++) {
        off[i] = (size_t)-1;
        if (ids[i])
            continue;
        char num[32];
        json_t *id = json_object_get(json_array_get(opts, i), "id");
        int k = snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(id));
        off[i] = r->key2.len;
        if (pmx_buf_add(&r->key2, num, (size_t)k + 1))
            return pm_error_set(err, PM_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < n; i++)
        if (!ids[i])
            ids[i] = r->key2.s + off[i];
    const char *pick;
    if ((st = one_choice(r, task, line, answer, &pick, err)) || !pick)
        return st;
    const char *label = NULL;
    for (size_t i = 0; i < n && !label; i++)
        if (!strcmp(ids[i], pick))
            label = ids[i];
    if (!label)
        return pm_error_at(err, PM_EPARSE, r->name, line, 0,
                           "field 'accept': '%.100s' is not the id of an option", pick);
    const char *input;
    if ((st = key_of(r, task, "_input_hash", 1, line, &input, err)))
        return st;
    qsort(ids, n, sizeof *ids, cmp_str);
    if (pmx_buf_set(&r->key, input, strlen(input)) || pmx_buf_add(&r->key, "|", 1))
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++)
        if ((i && pmx_buf_add(&r->key, ",", 1)) || pmx_buf_add(&r->key, ids[i], strlen(ids[i])))
            return pm_error_set(err, PM_ENOMEM, "out of memory");
    if ((st = pmx_check_key(r, "accept", label, strlen(label), line, 0, err)))
        return st;
    out->item = r->key.s;
    out->label = label;
    *use = 1;
    return PM_OK;
}

/* The A/B forms: compare (accept/reject outputs) and choice (options A, B). */
static pm_status ab_record(pm_records *r, json_t *task, long line, const char *answer,
                           pm_record *out, int *use, pm_error *err)
{
    int a_accept = 0;
    pm_status st = read_mapping(r, json_object_get(task, "mapping"), line, &a_accept, err);
    if (st)
        return st;
    json_t *opts = json_object_get(task, "options"), *va, *vb;
    if (opts) {
        if (!json_is_array(opts) || json_array_size(opts) != 2)
            return bad(r, line, "options", "an A/B task (with a mapping) needs two options", err);
        json_t *o0 = json_array_get(opts, 0), *o1 = json_array_get(opts, 1);
        const char *i0 = json_string_value(json_object_get(o0, "id"));
        const char *i1 = json_string_value(json_object_get(o1, "id"));
        if (!i0 || !i1 ||
            !((!strcmp(i0, "A") && !strcmp(i1, "B")) || (!strcmp(i0, "B") && !strcmp(i1, "A"))))
            return bad(r, line, "options", "an A/B task's options have the ids A and B", err);
        va = !strcmp(i0, "A") ? o0 : o1;
        vb = va == o0 ? o1 : o0;
        out->shown_left = i0[0];
        const char *pick;
        if ((st = one_choice(r, task, line, answer, &pick, err)) || !pick)
            return st;
        if (strcmp(pick, "A") != 0 && strcmp(pick, "B") != 0)
            return pm_error_at(err, PM_EPARSE, r->name, line, 0,
                               "field 'accept': '%.100s' is not A or B", pick);
        out->label = pick[0] == 'A' ? "A" : "B";
    } else {
        json_t *acc = json_object_get(task, "accept"), *rej = json_object_get(task, "reject");
        if (!acc || !rej || json_is_array(acc))
            return bad(r, line, acc ? "reject" : "accept",
                       "an A/B compare task needs the accept and reject outputs (or two options)",
                       err);
        va = a_accept ? acc : rej;
        vb = a_accept ? rej : acc;
        out->shown_left = a_accept ? 'B' : 'A'; /* the output mapped to reject comes first */
        int a_won = !strcmp(answer, "accept") ? a_accept : !a_accept;
        out->label = a_won ? "A" : "B";
    }
    const char *input;
    if ((st = key_of(r, task, "_input_hash", 1, line, &input, err)))
        return st;
    if (pmx_buf_set(&r->key, input, strlen(input)) || pmx_buf_add(&r->key, "|", 1) ||
        add_digest(&r->key, va) || pmx_buf_add(&r->key, "|", 1) || add_digest(&r->key, vb))
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    out->item = r->key.s;
    *use = 1;
    return PM_OK;
}

/* Views whose answer accepts an edit (spans, relations, text), not a label. */
static int manual_view(const char *v)
{
    return strstr(v, "manual") || strstr(v, "relations") || !strcmp(v, "text_input") ||
           !strcmp(v, "blocks");
}

static pm_status task_record(pm_records *r, json_t *task, long line, pm_record *out, int *use,
                             pm_error *err)
{
    *use = 0;
    json_t *ans = json_object_get(task, "answer");
    const char *answer = json_string_value(ans);
    if (!ans)
        return bad(r, line, "answer", "missing (accept, reject or ignore)", err);
    if (!answer)
        return bad(r, line, "answer", "expected a string: accept, reject or ignore", err);
    if (strcmp(answer, "accept") && strcmp(answer, "reject") && strcmp(answer, "ignore"))
        return pm_error_at(err, PM_EPARSE, r->name, line, 0,
                           "field 'answer': '%.100s' is not accept, reject or ignore", answer);
    json_t *view = json_object_get(task, "_view_id");
    if (view && !json_is_string(view))
        return bad(r, line, "_view_id", "expected a string", err);
    if (view && manual_view(json_string_value(view)))
        return pm_error_at(err, PM_EPARSE, r->name, line, 0,
                           "field '_view_id': '%.100s' tasks are not read (their answer accepts "
                           "an edit, not a label); supported: binary accept/reject tasks, "
                           "choice, and the A/B compare and choice forms",
                           json_string_value(view));
    if (json_object_get(task, "versions"))
        return bad(r, line, "versions",
                   "a review recipe record (a reviewer's merged decision) is not one annotator's "
                   "label; give the annotators' dataset",
                   err);
    memset(out, 0, sizeof *out);
    out->file = r->name;
    out->line = line;
    out->timestamp = out->duration = NAN;
    pm_status st;
    const char *who = json_object_get(task, "_annotator_id") ? "_annotator_id" : "_session_id";
    if ((st = key_of(r, task, who, 0, line, &out->annotator, err)))
        return st;
    json_t *ts = json_object_get(task, "_timestamp");
    if (ts && !json_is_null(ts)) {
        if (!json_is_number(ts))
            return bad(r, line, "_timestamp", "expected epoch seconds (a number)", err);
        out->timestamp = json_number_value(ts);
    }
    if (!strcmp(answer, "ignore")) {
        r->stats.skipped[PM_RECORDS_SKIP_IGNORED]++;
        return PM_OK;
    }
    if (json_object_get(task, "mapping"))
        st = ab_record(r, task, line, answer, out, use, err);
    else if (json_object_get(task, "options"))
        st = choice_record(r, task, line, answer, out, use, err);
    else {
        st = key_of(r, task, "_task_hash", 1, line, &out->item, err);
        out->label = answer[0] == 'a' ? "accept" : "reject";
        *use = st == PM_OK;
    }
    if (!st && *use)
        out->gold = pmx_gold_get(&r->gold, out->item);
    return st;
}

static int blank(const char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '\r')
        s++;
    return *s == '\0';
}

pm_status pmx_prodigy_record(pm_records *r, pm_record *out, int *got, pm_error *err)
{
    for (;;) {
        pmx_csv_row in;
        pm_status st = pmx_next_row(r, got, &in, err);
        if (st || !*got)
            return st;
        const pm_csv_field *f = &in.f[0];
        if (blank(f->s))
            continue;
        json_error_t je;
        json_decref(r->line_json);
        r->line_json = json_loadb(f->s, f->len, JSON_REJECT_DUPLICATES, &je);
        if (!r->line_json)
            return pm_error_at(err, PM_EPARSE, r->name, in.line, je.column > 0 ? je.column : 0,
                               "not a JSON object: %s", je.text);
        if (!json_is_object(r->line_json))
            return pm_error_at(err, PM_EPARSE, r->name, in.line, 1,
                               "a Prodigy record must be an object {...}");
        r->stats.rows_read++;
        int use;
        if ((st = task_record(r, r->line_json, in.line, out, &use, err)))
            return st;
        if (use) {
            r->stats.rows_used++;
            return PM_OK;
        }
    }
}
