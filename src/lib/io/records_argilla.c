/*
** Argilla exports (FeedbackDataset in Argilla 1.x, Dataset in 2.x), as JSON
** Lines (one record per line, streamed by the bounded line reader) or as
** one JSON list of records (read whole under max_document / max_memory by
** pmx_load_document, its tree counted by pm_records_bytes). Four record
** shapes, told apart per record:
**   v1 records   {"fields": {...}, "responses": [{"user_id": "<uuid>",
**                "values": {"q": {"value": ...}}, "status": "submitted",
**                "inserted_at": ..., "updated_at": ...}], "suggestions": [...],
**                "metadata": {...}, "external_id": ...}  (FeedbackRecord /
**                the server's records; record.json(), the REST API);
**   v1 rows      the FeedbackDataset as a `datasets` table (format_as
**                ("datasets"), push_to_huggingface): the fields as columns,
**                per question q a list [{"user_id", "value", "status"}],
**                q-suggestion, q-suggestion-metadata, external_id, metadata
**                (a JSON string); a ranking value there is a list of {value,
**                rank} or, as `datasets` writes a Sequence of structs, the
**                object {"value": [...], "rank": [...]};
**   v2 records   dataset.records.to_json(): {"id", "fields": {...},
**                "metadata", "suggestions", "responses": {"q": [{"value",
**                "user_id"[, "status"]}]}, "vectors", "status", "_server_id"};
**   v2 flat      to_list(flatten=True) / to_datasets / the hub export as
**                JSON: fields, metadata and vectors as top-level keys,
**                "q.responses" (values), "q.responses.users" (user ids) and
**                "q.responses.status", aligned lists; q.suggestion(.score,
**                .agent).
** Checked against: argilla-io/argilla argilla/src/argilla/records/_io/
** _generic.py (to_list, _record_to_dict flatten: the .responses,
** .responses.users, .responses.status keys), _io/_json.py (to_json writes
** to_list(flatten=False)), records/_resource.py (Record.to_dict and
** RecordResponses.to_dict: {value, user_id}; some SDK versions add status),
** argilla/src/argilla/responses.py (UserResponse.from_model: a ranking
** value becomes [v["value"] for v in value], the ranks are dropped; status
** draft/submitted/discarded), the v1 src/argilla/client/feedback/schemas/
** records.py (ResponseSchema {user_id, values, status = submitted},
** RankingValueSchema {value, rank >= 1, ties allowed}, FeedbackRecord) and
** integrations/huggingface/dataset.py (_huggingface_format: per question
** [{user_id, value, status}], ranking Sequence({rank, value})); the
** Argilla JSON schema of a response (id, values, status, record_id,
** user_id, inserted_at, updated_at).
**
** Mapping:
**   annotator  user_id (the UUID as written; a null user or v2's "None",
**              a response made without a user, is an error);
**   item       the SHA-256 (hex) of the record's fields, canonically: the
**              fields sorted by name, each "len:name" "len:value" (strings
**              as written, other values as compact JSON with sorted keys),
**              so the same content logged twice is one item whatever its id
**              or external_id. The fields are the "fields" object; in the
**              flat shapes, every top-level string except the keys the SDK
**              adds (id, external_id, _server_id, status, metadata,
**              suggestions): there a string metadata property joins the
**              key, so name the field with item_field (--item-field),
**              which takes that one field's value as the item instead;
**   label      the question's value: a string as written, a number (rating)
**              as its decimal text, a list of one string that string, a
**              list of several (multi-label) skipped as several-choices in
**              v1; a ranking (v1: [{value, rank}], ranks may tie) one
**              ranking record (pmx_ranking_label). In v2 the SDK writes a
**              ranking as its values in order without ranks, which cannot
**              be told from a multi-label answer: a v2 list of several
**              values is read as a strict ranking, best first, and
**              pm_records_note says so (ties cannot be recovered);
**   question   label_field (--label-field) names it; else the export must
**              hold one question (an error lists them otherwise);
**   status     submitted (or none: SDK versions that write none) is read;
**              draft and discarded are skipped and counted; anything else
**              is an error;
**   timestamp  v1 records: updated_at, else inserted_at; none elsewhere.
** Suggestions are model predictions, not labels: ignored. A response
** without a value for the question is skipped as no-result.
** Parquet (the hub's default files) needs a Parquet library, which Debian
** 12 does not ship: refused with how to convert it.
** Positions: a JSON Lines record is its line; in a JSON list, "record N".
*/
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "io/records_internal.h"
#include "prefmon/sha256.h"

enum { AG_NONE, AG_V1, AG_V1_ROWS, AG_V2, AG_V2_FLAT };

typedef struct pmx_argilla {
    int doc;            /* 1: a JSON list read whole (r->doc) */
    size_t rec_i;       /* ... its next record */
    json_t *rec;        /* the current record (borrowed) */
    long line;          /* its line, or its 1-based number in the list */
    int shape;          /* AG_* of the current record */
    json_t *list;       /* its responses (v1: all; else the question's) */
    json_t *users;      /* v2 flat: the aligned user ids ... */
    json_t *status;     /* ... and statuses (NULL: none) */
    size_t resp_i, n;   /* the next response, how many */
    int have_item;      /* item holds the current record's key */
    char *question;     /* the question read (label_field or the only one) */
    long question_line; /* ... where it was first seen (0: label_field) */
    int question_seen;  /* some record held it */
    pmx_buf first_qs;   /* the first record's questions, for messages */
    pmx_buf item, label, tmp;
    pmx_rank_entry *ent;
    size_t nent; /* ... of the current ranking */
    size_t ent_cap;
} pmx_argilla;

static void ag_free(pmx_argilla *ag)
{
    if (!ag)
        return;
    free(ag->question);
    pmx_buf_free(&ag->first_qs);
    pmx_buf_free(&ag->item);
    pmx_buf_free(&ag->label);
    pmx_buf_free(&ag->tmp);
    free(ag->ent);
    free(ag);
}

void pmx_argilla_free(pm_records *r)
{
    ag_free(r->ag);
    r->ag = NULL;
}

pm_status pmx_argilla_parquet(const pm_records *r, pm_error *err)
{
    return pm_error_at(
        err, PM_EPARSE, r->name, 0, 0,
        "a Parquet file (the Hugging Face Hub's export): Debian 12 ships no Parquet library, so "
        "it cannot be read here. Convert it to JSON Lines, e.g. python3 -c \"import pandas; "
        "pandas.read_parquet('in.parquet').to_json('out.jsonl', orient='records', lines=True)\" "
        "(pandas with pyarrow), or export with the Argilla SDK (dataset.records.to_json)");
}

/* An error at the current record: "file:line: what" for JSON Lines,
 * "file: record N: what" for a JSON list. */
static pm_status fail(const pm_records *r, pm_error *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static pm_status fail(const pm_records *r, pm_error *err, const char *fmt, ...)
{
    char msg[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    const pmx_argilla *ag = r->ag;
    if (ag->doc)
        return pm_error_at(err, PM_EPARSE, r->name, 0, 0, "record %ld: %s", ag->line, msg);
    return pm_error_at(err, PM_EPARSE, r->name, ag->line, 0, "%s", msg);
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

/* v1 rows: a question column is a list of {user_id, ...} objects. */
static int rows_question(const char *key, json_t *v)
{
    size_t i;
    json_t *e;
    if (!json_is_array(v) || ends_with(key, "-suggestion"))
        return 0;
    json_array_foreach(v, i, e) if (!json_is_object(e) || !json_object_get(e, "user_id")) return 0;
    return 1;
}

static int shape_of(json_t *rec)
{
    json_t *resp = json_object_get(rec, "responses");
    if (json_is_array(resp))
        return AG_V1;
    if (json_is_object(resp))
        return AG_V2;
    const char *k;
    json_t *v;
    int rows = 0;
    json_object_foreach(rec, k, v)
    {
        if (ends_with(k, ".responses") || ends_with(k, ".responses.users"))
            return AG_V2_FLAT;
        rows |= rows_question(k, v);
    }
    if (rows)
        return AG_V1_ROWS;
    if (json_object_get(rec, "_server_id")) /* v2 flat without any response */
        return AG_V2_FLAT;
    return AG_NONE;
}

/* Add name to the ", "-separated list b unless it is there. */
static int add_name(pmx_buf *b, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < b->len;) {
        size_t j = i;
        while (j < b->len && !(b->s[j] == ',' && j + 1 < b->len && b->s[j + 1] == ' '))
            j++;
        if (j - i == n && memcmp(b->s + i, name, n) == 0)
            return 0;
        i = j + 2;
    }
    if (b->len && pmx_buf_add(b, ", ", 2))
        return -1;
    return pmx_buf_add(b, name, n);
}

/* The record's question names into ag->tmp ("a, b"); *count how many. */
static pm_status questions_of(pm_records *r, size_t *count, pm_error *err)
{
    pmx_argilla *ag = r->ag;
    json_t *rec = ag->rec, *v, *e;
    const char *k;
    size_t i;
    int bad = 0;
    ag->tmp.len = 0;
    if (pmx_buf_set(&ag->tmp, "", 0))
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    *count = 0;
    switch (ag->shape) {
    case AG_V1:
        json_array_foreach(json_object_get(rec, "responses"), i, e)
        {
            json_t *vals = json_object_get(e, "values");
            json_object_foreach(vals, k, v)
            {
                int rc = add_name(&ag->tmp, k);
                bad |= rc < 0;
            }
        }
        break;
    case AG_V1_ROWS:
        json_object_foreach(rec, k, v) if (rows_question(k, v)) bad |= add_name(&ag->tmp, k) < 0;
        break;
    case AG_V2:
        json_object_foreach(json_object_get(rec, "responses"), k, v) bad |=
            add_name(&ag->tmp, k) < 0;
        break;
    default:
        json_object_foreach(rec, k, v)
        {
            if (!ends_with(k, ".responses"))
                continue;
            size_t n = strlen(k) - strlen(".responses");
            char *q = malloc(n + 1);
            if (!q)
                return pm_error_set(err, PM_ENOMEM, "out of memory");
            memcpy(q, k, n);
            q[n] = '\0';
            bad |= add_name(&ag->tmp, q) < 0;
            free(q);
        }
        break;
    }
    if (bad)
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    for (i = 0; i < ag->tmp.len; i++)
        *count += ag->tmp.s[i] == ',' && i + 1 < ag->tmp.len && ag->tmp.s[i + 1] == ' ';
    *count += ag->tmp.len > 0;
    return PM_OK;
}

/* Is q among the ", "-separated names of b? */
static int has_name(const pmx_buf *b, const char *q)
{
    size_t before = b->len;
    size_t n = strlen(q);
    for (size_t i = 0; i < before;) {
        size_t j = i;
        while (j < before && !(b->s[j] == ',' && j + 1 < before && b->s[j + 1] == ' '))
            j++;
        if (j - i == n && memcmp(b->s + i, q, n) == 0)
            return 1;
        i = j + 2;
    }
    return 0;
}

/* Choose the question for this record (or check it against the one chosen). */
static pm_status choose_question(pm_records *r, pm_error *err)
{
    pmx_argilla *ag = r->ag;
    size_t nq = 0;
    pm_status st = questions_of(r, &nq, err);
    if (st)
        return st;
    if (nq && !ag->first_qs.len && pmx_buf_set(&ag->first_qs, ag->tmp.s, ag->tmp.len))
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    if (r->label_field) {
        if (has_name(&ag->tmp, r->label_field))
            ag->question_seen = 1;
        return PM_OK;
    }
    if (nq > 1)
        return fail(r, err,
                    "the record has %zu questions (%.300s): choose the one to read with "
                    "label_field (--label-field)",
                    nq, ag->tmp.s);
    if (nq == 0)
        return PM_OK;
    if (!ag->question) {
        ag->question = malloc(ag->tmp.len + 1);
        if (!ag->question)
            return pm_error_set(err, PM_ENOMEM, "out of memory");
        memcpy(ag->question, ag->tmp.s, ag->tmp.len + 1);
        ag->question_line = ag->line;
        ag->question_seen = 1;
        return PM_OK;
    }
    if (strcmp(ag->question, ag->tmp.s) != 0)
        return fail(r, err,
                    "question '%.200s' here, but '%.200s' in %s %ld: the export has several "
                    "questions; choose one with label_field (--label-field)",
                    ag->tmp.s, ag->question, ag->doc ? "record" : "line", ag->question_line);
    return PM_OK;
}

static const char *question(const pm_records *r)
{
    return r->label_field ? r->label_field : r->ag->question;
}

/* The flat key "<q><suffix>" in ag->tmp. */
static const char *flat_key(pmx_argilla *ag, const char *q, const char *suffix)
{
    ag->tmp.len = 0;
    if (pmx_buf_add(&ag->tmp, q, strlen(q)) || pmx_buf_add(&ag->tmp, suffix, strlen(suffix) + 1))
        return NULL;
    return ag->tmp.s;
}

/* The responses of the record for the chosen question. */
static pm_status responses_of(pm_records *r, pm_error *err)
{
    pmx_argilla *ag = r->ag;
    const char *q = question(r);
    ag->list = ag->users = ag->status = NULL;
    ag->n = ag->resp_i = 0;
    if (ag->shape == AG_V1) {
        ag->list = json_object_get(ag->rec, "responses");
        ag->n = json_array_size(ag->list);
        return PM_OK;
    }
    if (!q)
        return PM_OK;
    if (ag->shape == AG_V1_ROWS || ag->shape == AG_V2) {
        json_t *base = ag->shape == AG_V2 ? json_object_get(ag->rec, "responses") : ag->rec;
        ag->list = json_object_get(base, q);
        if (ag->list && !json_is_null(ag->list) && !json_is_array(ag->list))
            return fail(r, err, "%s%.200s: expected a list of responses",
                        ag->shape == AG_V2 ? "responses." : "", q);
        ag->n = json_array_size(ag->list);
        return PM_OK;
    }
    const char *k = flat_key(ag, q, ".responses");
    if (!k)
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    ag->list = json_object_get(ag->rec, k);
    if (!ag->list || json_is_null(ag->list))
        return PM_OK;
    if (!json_is_array(ag->list))
        return fail(r, err, "%.200s.responses: expected a list of values", q);
    ag->n = json_array_size(ag->list);
    ag->users = json_object_get(ag->rec, flat_key(ag, q, ".responses.users"));
    if (json_array_size(ag->users) != ag->n || !json_is_array(ag->users))
        return fail(r, err,
                    "%.200s.responses.users: expected a list of %zu user ids, aligned with "
                    "%.200s.responses",
                    q, ag->n, q);
    ag->status = json_object_get(ag->rec, flat_key(ag, q, ".responses.status"));
    if (json_is_null(ag->status))
        ag->status = NULL;
    if (ag->status && (!json_is_array(ag->status) || json_array_size(ag->status) != ag->n))
        return fail(r, err,
                    "%.200s.responses.status: expected a list of %zu statuses, aligned with "
                    "%.200s.responses",
                    q, ag->n, q);
    return PM_OK;
}

/* Keys the SDK adds beside the fields of a flat record. */
static int flat_meta(const char *k)
{
    static const char *const names[] = {"id", "external_id", "_server_id", "status", "metadata"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(k, names[i]) == 0)
            return 1;
    return ends_with(k, "-suggestion") || ends_with(k, "-suggestion-metadata") ||
           ends_with(k, ".suggestion") || ends_with(k, ".suggestion.agent") ||
           ends_with(k, ".suggestion.score") || ends_with(k, ".responses") ||
           ends_with(k, ".responses.users") || ends_with(k, ".responses.status");
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void hash_part(pm_sha256 *h, const char *s, size_t n)
{
    char len[32];
    int k = snprintf(len, sizeof len, "%zu:", n);
    pm_sha256_update(h, len, (size_t)k);
    pm_sha256_update(h, s, n);
}

/* The item key of the current record into ag->item. */
static pm_status item_of(pm_records *r, pm_error *err)
{
    pmx_argilla *ag = r->ag;
    int flat = ag->shape == AG_V1_ROWS || ag->shape == AG_V2_FLAT;
    json_t *fields = flat ? ag->rec : json_object_get(ag->rec, "fields");
    const char *where = flat ? "" : "fields.";
    if (!json_is_object(fields))
        return fail(r, err, "fields: missing or not an object");
    if (r->opt.item_field) {
        json_t *v = json_object_get(fields, r->item_field);
        char num[32];
        const char *s = json_string_value(v);
        size_t n = s ? json_string_length(v) : 0;
        if (json_is_integer(v)) {
            snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
            s = num;
            n = strlen(num);
        }
        if (!s || !n || memchr(s, '\0', n))
            return fail(r, err, "%s%.200s: %s (item_field: a non-empty string or integer)", where,
                        r->item_field,
                        !v  ? "missing"
                        : s ? (n ? "holds a NUL character" : "empty")
                            : "not a string or an integer");
        if (pmx_buf_set(&ag->item, s, n))
            return pm_error_set(err, PM_ENOMEM, "out of memory");
        return PM_OK;
    }
    size_t count = 0, i = 0;
    const char *k;
    json_t *v;
    json_object_foreach(fields, k, v) count++;
    const char **names = count ? malloc(count * sizeof *names) : NULL;
    if (count && !names)
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    json_object_foreach(fields, k, v)
    {
        if (json_is_null(v) || (flat && (!json_is_string(v) || flat_meta(k))))
            continue;
        names[i++] = k;
    }
    if (i == 0) {
        free(names);
        return fail(r, err,
                    "the record has no %s to key the item on (name one with item_field, "
                    "--item-field)",
                    flat ? "string fields" : "fields");
    }
    qsort(names, i, sizeof *names, by_name);
    pm_sha256 h;
    pm_sha256_init(&h);
    for (size_t j = 0; j < i; j++) {
        v = json_object_get(fields, names[j]);
        hash_part(&h, names[j], strlen(names[j]));
        if (json_is_string(v)) {
            hash_part(&h, json_string_value(v), json_string_length(v));
            continue;
        }
        char *text = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
        if (!text) {
            free(names);
            return pm_error_set(err, PM_ENOMEM, "out of memory");
        }
        hash_part(&h, text, strlen(text));
        free(text);
    }
    free(names);
    unsigned char d[32];
    char hex[PM_SHA256_HEX];
    pm_sha256_final(&h, d);
    pm_sha256_hex(d, hex);
    if (pmx_buf_set(&ag->item, hex, strlen(hex)))
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    return PM_OK;
}

/* Room for k ranking entries. */
static int ent_room(pmx_argilla *ag, size_t k)
{
    if (k <= ag->ent_cap)
        return 0;
    pmx_rank_entry *e = realloc(ag->ent, k * sizeof *e);
    if (!e)
        return -1;
    ag->ent = e;
    ag->ent_cap = k;
    return 0;
}

enum { VAL_LABEL, VAL_SKIP_NONE, VAL_SKIP_EMPTY, VAL_SKIP_SEVERAL };

/* The label of a ranking given as value/rank pairs. */
static pm_status ranking(pm_records *r, json_t *vals, json_t *ranks, const char *path,
                         pm_error *err)
{
    pmx_argilla *ag = r->ag;
    size_t k = json_array_size(vals);
    ag->nent = k;
    if (ent_room(ag, k ? k : 1))
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    for (size_t i = 0; i < k; i++) {
        json_t *e = json_array_get(vals, i), *v, *rk;
        if (ranks) { /* parallel lists, or a v2 list in order (ranks NULL) */
            v = e;
            rk = json_array_get(ranks, i);
        } else if (json_is_object(e)) {
            v = json_object_get(e, "value");
            rk = json_object_get(e, "rank");
        } else {
            v = e;
            rk = NULL;
        }
        if (!json_is_string(v))
            return fail(r, err, "%s[%zu]: the ranked value is not a string", path, i);
        ag->ent[i].id = json_string_value(v);
        ag->ent[i].len = json_string_length(v);
        if (json_is_object(e) || ranks) {
            if (!json_is_number(rk) || json_number_value(rk) < 1)
                return fail(r, err,
                            "%s[%zu]: rank %s (a ranking answer needs a rank >= 1 per value)", path,
                            i, rk && !json_is_null(rk) ? "is not a number >= 1" : "missing");
            ag->ent[i].rank = json_number_value(rk);
        } else {
            ag->ent[i].rank = (double)(i + 1);
        }
    }
    if (ag->doc) {
        char where[440];
        snprintf(where, sizeof where, "record %ld: %s", ag->line, path);
        return pmx_ranking_label(&ag->label, ag->ent, k, r->name, 0, where, err);
    }
    return pmx_ranking_label(&ag->label, ag->ent, k, r->name, ag->line, path, err);
}

/* The label of a value: *kind says whether to use it or why it is skipped. */
static pm_status value_label(pm_records *r, json_t *v, const char *path, int *kind, int *rank,
                             pm_error *err)
{
    pmx_argilla *ag = r->ag;
    *kind = VAL_LABEL;
    *rank = 0;
    if (!v || json_is_null(v)) {
        *kind = VAL_SKIP_NONE;
        return PM_OK;
    }
    if (json_is_string(v)) {
        size_t n = json_string_length(v);
        if (memchr(json_string_value(v), '\0', n))
            return fail(r, err, "%s: the value holds a NUL character (\\u0000)", path);
        if (n == 0)
            *kind = VAL_SKIP_EMPTY;
        else if (pmx_buf_set(&ag->label, json_string_value(v), n))
            return pm_error_set(err, PM_ENOMEM, "out of memory");
        return PM_OK;
    }
    if (json_is_number(v)) {
        double x = json_number_value(v);
        char num[40];
        snprintf(num, sizeof num, x == floor(x) && fabs(x) < 1e15 ? "%.0f" : "%.17g", x);
        if (pmx_buf_set(&ag->label, num, strlen(num)))
            return pm_error_set(err, PM_ENOMEM, "out of memory");
        return PM_OK;
    }
    if (json_is_object(v)) { /* datasets' Sequence of {value, rank}: two lists */
        json_t *vals = json_object_get(v, "value"), *ranks = json_object_get(v, "rank");
        if (!json_is_array(vals) || !json_is_array(ranks) ||
            json_array_size(vals) != json_array_size(ranks))
            return fail(r, err,
                        "%s: an object value must be a ranking {\"value\": [...], \"rank\": "
                        "[...]} with lists of one length",
                        path);
        *rank = 1;
        return ranking(r, vals, ranks, path, err);
    }
    if (!json_is_array(v))
        return fail(r, err, "%s: expected a string, a number or a list, got %s", path,
                    json_is_boolean(v) ? "true/false" : "another type");
    size_t k = json_array_size(v);
    json_t *first = json_array_get(v, 0);
    if (k == 0) {
        *kind = VAL_SKIP_NONE;
        return PM_OK;
    }
    if (json_is_object(first)) {
        *rank = 1;
        return ranking(r, v, NULL, path, err);
    }
    for (size_t i = 0; i < k; i++)
        if (!json_is_string(json_array_get(v, i)))
            return fail(r, err, "%s[%zu]: expected a string (a label list holds strings)", path, i);
    if (k == 1)
        return value_label(r, first, path, kind, rank, err);
    if (ag->shape == AG_V2 || ag->shape == AG_V2_FLAT) {
        *rank = 1;
        return ranking(r, v, NULL, path, err);
    }
    *kind = VAL_SKIP_SEVERAL;
    return PM_OK;
}

/* Fill out from response i of the current record; *use = 0 when skipped. */
static pm_status fill(pm_records *r, size_t i, pm_record *out, int *use, pm_error *err)
{
    pmx_argilla *ag = r->ag;
    const char *q = question(r);
    json_t *resp = ag->shape == AG_V2_FLAT ? NULL : json_array_get(ag->list, i);
    json_t *user, *status, *value = NULL;
    char path[400], upath[420], spath[420];
    *use = 0;
    memset(out, 0, sizeof *out);
    out->file = r->name;
    out->line = ag->line;
    out->timestamp = out->duration = NAN;
    r->stats.rows_read++;
    switch (ag->shape) {
    case AG_V1:
        snprintf(path, sizeof path, "responses[%zu]", i);
        break;
    case AG_V1_ROWS:
        snprintf(path, sizeof path, "%.200s[%zu]", q, i);
        break;
    case AG_V2:
        snprintf(path, sizeof path, "responses.%.200s[%zu]", q, i);
        break;
    default:
        snprintf(path, sizeof path, "%.200s.responses[%zu]", q, i);
        break;
    }
    if (ag->shape == AG_V2_FLAT) {
        user = json_array_get(ag->users, i);
        status = ag->status ? json_array_get(ag->status, i) : NULL;
        value = json_array_get(ag->list, i);
        snprintf(upath, sizeof upath, "%.200s.responses.users[%zu]", q, i);
        snprintf(spath, sizeof spath, "%.200s.responses.status[%zu]", q, i);
    } else {
        if (!json_is_object(resp))
            return fail(r, err, "%s: a response must be an object", path);
        user = json_object_get(resp, "user_id");
        status = json_object_get(resp, "status");
        snprintf(upath, sizeof upath, "%s.user_id", path);
        snprintf(spath, sizeof spath, "%s.status", path);
    }
    const char *who = json_string_value(user);
    size_t wn = who ? json_string_length(user) : 0;
    if (!who || !wn || strcmp(who, "None") == 0 || memchr(who, '\0', wn))
        return fail(r, err, "%s: %s (every response needs its annotator's user id)", upath,
                    !user || json_is_null(user)       ? "missing"
                    : !who                            ? "not a string"
                    : !wn || strcmp(who, "None") == 0 ? "empty (a response made without a user)"
                                                      : "holds a NUL character");
    if (status && !json_is_null(status)) {
        const char *s = json_string_value(status);
        if (s && strcmp(s, "draft") == 0) {
            r->stats.skipped[PM_RECORDS_SKIP_DRAFT]++;
            return PM_OK;
        }
        if (s && strcmp(s, "discarded") == 0) {
            r->stats.skipped[PM_RECORDS_SKIP_DISCARDED]++;
            return PM_OK;
        }
        if (!s || strcmp(s, "submitted") != 0)
            return fail(r, err, "%s: '%.60s' is not submitted, draft or discarded", spath,
                        s ? s : "(not a string)");
    }
    if (ag->shape == AG_V1) {
        json_t *vals = json_object_get(resp, "values");
        if (vals && !json_is_null(vals) && !json_is_object(vals))
            return fail(r, err, "%s.values: expected an object {question: {value}}", path);
        json_t *qv = q ? json_object_get(vals, q) : NULL;
        if (qv && !json_is_object(qv))
            return fail(r, err, "%s.values.%.200s: expected an object {\"value\": ...}", path, q);
        value = json_object_get(qv, "value");
        snprintf(path + strlen(path), sizeof path - strlen(path), ".values.%.200s.value",
                 q ? q : "");
    } else if (ag->shape != AG_V2_FLAT) {
        value = json_object_get(resp, "value");
        snprintf(path + strlen(path), sizeof path - strlen(path), ".value");
    }
    int kind, rank;
    pm_status st = value_label(r, value, path, &kind, &rank, err);
    if (st)
        return st;
    if (kind != VAL_LABEL) {
        r->stats.skipped[kind == VAL_SKIP_EMPTY     ? PM_RECORDS_SKIP_EMPTY_LABEL
                         : kind == VAL_SKIP_SEVERAL ? PM_RECORDS_SKIP_SEVERAL_CHOICES
                                                    : PM_RECORDS_SKIP_NO_RESULT]++;
        return PM_OK;
    }
    if (!ag->have_item) {
        if ((st = item_of(r, err)))
            return st;
        ag->have_item = 1;
    }
    if (ag->shape == AG_V1) {
        const char *tk = "updated_at";
        json_t *t = json_object_get(resp, tk);
        if (!t || json_is_null(t))
            t = json_object_get(resp, tk = "inserted_at");
        if (t && !json_is_null(t)) {
            const char *ts = json_string_value(t);
            int bad = ts ? pmx_parse_time(ts, &out->timestamp) : PMX_TIME_SYNTAX;
            if (bad)
                return fail(r, err, "responses[%zu].%s: '%.60s' is not %s%s", i, tk,
                            ts ? ts : "(not a string)",
                            bad > 0 ? "a possible time: " : "an ISO 8601 time",
                            bad > 0 ? pmx_time_problem(bad) : "");
        }
    }
    out->annotator = who;
    out->item = ag->item.s;
    /* A ranking's item names the ranked set, as every ranking reader's does
     * (records.h, "Rankings"): the key of the record's content alone would
     * let rankings of two different sets share a key. */
    if (rank) {
        if ((st =
                 pmx_ranking_item(&r->rank_item, ag->item.s, ag->item.len, ag->ent, ag->nent, err)))
            return st;
        out->item = r->rank_item.s;
    }
    out->label = ag->label.s;
    out->ranking = rank;
    out->gold = pmx_gold_get(&r->gold, ag->item.s);
    r->stats.rows_used++;
    *use = 1;
    return PM_OK;
}

static int blank(const char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '\r')
        s++;
    return *s == '\0';
}

/* The next record into ag->rec (NULL at the end). */
static pm_status next_record(pm_records *r, pm_error *err)
{
    pmx_argilla *ag = r->ag;
    ag->rec = NULL;
    if (ag->doc) {
        if (ag->rec_i >= json_array_size(r->doc))
            return PM_OK;
        ag->rec = json_array_get(r->doc, ag->rec_i++);
        ag->line = (long)ag->rec_i;
    } else {
        for (;;) {
            pmx_csv_row in;
            int got;
            pm_status st = pmx_next_row(r, &got, &in, err);
            if (st || !got)
                return st;
            if (blank(in.f[0].s))
                continue;
            json_error_t je;
            json_decref(r->line_json);
            ag->line = in.line;
            r->line_json = json_loadb(in.f[0].s, in.f[0].len, JSON_REJECT_DUPLICATES, &je);
            if (!r->line_json)
                return pm_error_at(err, PM_EPARSE, r->name, in.line, je.column > 0 ? je.column : 0,
                                   "not a JSON object: %s", je.text);
            ag->rec = r->line_json;
            break;
        }
    }
    if (!json_is_object(ag->rec))
        return fail(r, err, "an Argilla record must be a JSON object {...}");
    ag->shape = shape_of(ag->rec);
    if (ag->shape == AG_NONE)
        return fail(r, err,
                    "not an Argilla record: no responses list (v1) or object (v2), no "
                    "<question>.responses keys and no question column of [{user_id, value, "
                    "status}]");
    ag->have_item = 0;
    pm_status st = choose_question(r, err);
    return st ? st : responses_of(r, err);
}

pm_status pmx_argilla_record(pm_records *r, pm_record *out, int *got, pm_error *err)
{
    pmx_argilla *ag = r->ag;
    *got = 0;
    for (;;) {
        while (ag->rec && ag->resp_i < ag->n) {
            int use;
            pm_status st = fill(r, ag->resp_i++, out, &use, err);
            if (st)
                return st;
            if (use) {
                *got = 1;
                return PM_OK;
            }
        }
        pm_status st = next_record(r, err);
        if (st)
            return st;
        if (!ag->rec)
            break;
    }
    if (r->label_field && !ag->question_seen && ag->first_qs.len)
        return pm_error_at(err, PM_EPARSE, r->name, 0, 0,
                           "no record has the question '%.200s' (label_field, --label-field); "
                           "the export's questions: %.400s",
                           r->label_field, ag->first_qs.s);
    return PM_OK;
}

pm_status pmx_argilla_start(pm_records *r, pm_error *err)
{
    pmx_argilla_free(r);
    r->ag = calloc(1, sizeof *r->ag);
    if (!r->ag || pmx_buf_set(&r->ag->first_qs, "", 0))
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    pmx_argilla *ag = r->ag;
    const unsigned char *p;
    size_t n = pm_csv_peek(r->csv, &p), i = 0;
    if (n >= 4 && memcmp(p, "PAR1", 4) == 0)
        return pmx_argilla_parquet(r, err);
    if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
        i = 3;
    while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
        i++;
    int v2 = pmx_contains(p, n, ".responses.users\"") || pmx_contains(p, n, "\"_server_id\"");
    if (i < n && p[i] == '[') {
        ag->doc = 1;
        pm_status st =
            pmx_load_document(r, "Argilla export",
                              "raise the limit, split the export or write it as JSON Lines", err);
        if (st)
            return st;
        if (!json_is_array(r->doc))
            return pm_error_at(err, PM_EPARSE, r->name, 1, 1,
                               "an Argilla JSON export is a list of records");
        if (json_array_size(r->doc) == 0)
            return pm_error_at(err, PM_EPARSE, r->name, 0, 0,
                               "no records: the export is an empty list");
        json_t *rec;
        size_t k;
        v2 = 0;
        json_array_foreach(r->doc, k, rec)
        {
            int s = json_is_object(rec) ? shape_of(rec) : AG_NONE;
            v2 |= s == AG_V2 || s == AG_V2_FLAT;
        }
    } else if (i < n && p[i] == '{') {
        pm_csv_dialect(r->csv, '\0', 0);
    } else if (i < n) {
        return pm_error_at(err, PM_EPARSE, r->name, 1, 0,
                           "an Argilla export is JSON: a list of records, or one record per line");
    }
    if (v2) {
        static const char note[] =
            "Argilla v2 export: the SDK writes a ranking answer as its values in order, without "
            "ranks, so a list of several values is read as a strict ranking (ties cannot be "
            "recovered)";
        if (pmx_buf_set(&r->note, note, sizeof note - 1))
            return pm_error_set(err, PM_ENOMEM, "out of memory");
    }
    if (r->label_field && pmx_buf_set(&ag->first_qs, "", 0))
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    return PM_OK;
}
