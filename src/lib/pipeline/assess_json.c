/* The assessment file: written by `assess --out`, read back by `pay`. */
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/batched.h"

#include "core/hash.h"
#include "io/json_file.h"
#include "pipeline/assess_internal.h"
#include "prefmon/text.h"

#define FORMAT_NAME "prefmon-assessment"
#define FORMAT_VERSION 1

/* Undefined (NaN) and non-finite values as null: jansson has no real for
 * inf and json_real returns NULL for it, which json_pack reported as out of
 * memory. */
static json_t *num_or_null(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

static json_t *params_json(const pm_assess_options *o, const pm_assess_summary *s)
{
    return json_pack("{s:o, s:s, s:o, s:f, s:f, s:f, s:f, s:o, s:f, s:f, s:s, s:s, s:s}", "delta",
                     num_or_null(s->delta), "delta_mode", o->delta_estimate ? "estimate" : "fixed",
                     "q0", isnan(o->q0) ? json_string("per-annotator") : json_real(o->q0), "level",
                     o->level, "eta0", o->eta0, "eta1", o->eta1, "max_error", o->max_error,
                     "min_duration", num_or_null(o->min_duration), "fast_ratio", o->fast_ratio,
                     "alpha", o->alpha, "convention", "general", "rule", "likelihood-ratio",
                     "multiplicity", "holm");
}

/* The repeats of the summary (assess.h, Repeats). */
static json_t *repeats_json(const pm_assess_summary *s)
{
    return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:o, s:I}", "pairs_timestamped",
                     (json_int_t)s->pairs_timestamped, "pairs_untimed",
                     (json_int_t)s->pairs_untimed, "pairs_identical",
                     (json_int_t)s->pairs_identical, "untimed_disagree",
                     (json_int_t)s->untimed_disagree, "dup_dropped", (json_int_t)s->dup_dropped,
                     "identical_dropped", (json_int_t)s->identical_dropped, "p",
                     num_or_null(s->repeats_p), "flagged", (json_int_t)s->repeats_flagged);
}

static json_t *summary_json(const pm_assess_summary *s)
{
    json_t *dec = json_object(), *fl = json_object();
    for (int i = 0; i < PM_DECISION_COUNT; i++)
        json_object_set_new(dec, pm_decision_name((pm_decision)i), json_integer(s->decisions[i]));
    for (int i = 0; i < PM_FLAG_COUNT; i++)
        json_object_set_new(fl, pm_flag_name(i), json_integer(s->flags[i]));
    return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:o, s:o, s:o, s:b, s:o, s:o, s:I, s:I, s:I}",
                     "rows", (json_int_t)s->rows, "rows_skipped", (json_int_t)s->rows_skipped,
                     "annotators", (json_int_t)s->annotators, "items", (json_int_t)s->items, "keys",
                     (json_int_t)s->keys, "pairs", (json_int_t)s->pairs, "decisions", dec, "flags",
                     fl, "delta", num_or_null(s->delta), "delta_estimated", s->delta_estimated,
                     "delta_low", num_or_null(s->delta_low), "delta_high",
                     num_or_null(s->delta_high), "delta_annotators",
                     (json_int_t)s->delta_annotators, "delta_pairs", (json_int_t)s->delta_pairs,
                     "delta_disagree", (json_int_t)s->delta_disagree);
}

/* Each kept repeat's Kendall tau-b (null for a plain pair or an undefined
 * tau-b), in the order of pair_outcomes; NULL when the row has no ranking
 * repeat kept. */
static json_t *pair_tau_json(const pm_assess *a, size_t row)
{
    size_t n = 0;
    const pm_assess_pair *p = pm_assess_row_pairs(a, row, &n);
    int any = 0;
    for (size_t i = 0; i < n; i++)
        any |= p[i].rank_pairs > 0;
    if (!any)
        return NULL;
    json_t *v = json_array();
    for (size_t i = 0; v && i < n; i++)
        if (json_array_append_new(v, num_or_null(p[i].tau_b)) != 0)
            v = (json_decref(v), NULL);
    return v;
}

static json_t *row_json(const pm_assess_row *r, json_t *pair_tau)
{
    json_t *flags = json_array();
    for (int i = 0; i < PM_FLAG_COUNT; i++)
        if (r->flags & (1u << i))
            json_array_append_new(flags, json_string(pm_flag_name(i)));
    json_t *o = json_pack(
        "{s:s, s:I, s:I, s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:s, s:I, s:I, s:o, "
        "s:o, s:o, s:o}",
        "annotator", r->annotator, "labels", (json_int_t)r->labels, "dup_pairs",
        (json_int_t)r->dup_pairs, "consistent", (json_int_t)r->consistent, "consistency",
        num_or_null(r->consistency), "q0", num_or_null(r->q0), "eta_hat", num_or_null(r->eta_hat),
        "ci_low", num_or_null(r->ci_low), "ci_high", num_or_null(r->ci_high), "p_value",
        num_or_null(r->p_value), "decision", pm_decision_name(r->decision), "gold_n",
        (json_int_t)r->gold_n, "gold_agree", (json_int_t)r->gold_agree, "gold_rate",
        num_or_null(r->gold_rate), "left_rate", num_or_null(r->left_rate), "median_duration",
        num_or_null(r->median_duration), "flags", flags);
    /* The sequential evidence and the action (read back when present:
     * files written before them stay readable). */
    if (o && (json_object_set_new(o, "sequential",
                                  json_string(pm_seq_verdict_name(r->sequential))) != 0 ||
              json_object_set_new(o, "e_pass", num_or_null(r->e_pass)) != 0 ||
              json_object_set_new(o, "e_fail", num_or_null(r->e_fail)) != 0 ||
              json_object_set_new(o, "below_chance", json_boolean(r->below_chance)) != 0 ||
              json_object_set_new(o, "action", json_string(pm_action_name(r->action))) != 0)) {
        json_decref(o);
        return NULL;
    }
    /* Rankings (doc/assess.md), only for a row that has them: a file
     * without rankings stays as it was. */
    if (o && r->rank_labels > 0 &&
        (json_object_set_new(o, "rank_labels", json_integer(r->rank_labels)) != 0 ||
         json_object_set_new(o, "rank_repeats", json_integer(r->rank_repeats)) != 0 ||
         json_object_set_new(o, "rank_pairs", json_integer(r->rank_pairs)) != 0 ||
         json_object_set_new(o, "rank_pairs_agree", json_integer(r->rank_pairs_agree)) != 0 ||
         json_object_set_new(o, "rank_consistency", num_or_null(r->rank_consistency)) != 0 ||
         json_object_set_new(o, "tau_b_mean", num_or_null(r->tau_b_mean)) != 0 ||
         json_object_set_new(o, "tau_b_n", json_integer(r->tau_b_n)) != 0)) {
        json_decref(o);
        return NULL;
    }
    /* Only when kept: a plain assessment file stays as it was. */
    if (o && r->pair_outcomes &&
        json_object_set_new(o, "pair_outcomes", json_string(r->pair_outcomes)) != 0) {
        json_decref(o);
        return NULL;
    }
    /* ... and each ranking repeat's tau-b beside its outcome */
    if (pair_tau && (!o || json_object_set_new(o, "pair_tau_b", pair_tau) != 0)) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* jansson prints a real with %.17g (19.8 as 19.800000000000001); the
 * file's numbers are the shortest decimal that reads back exactly
 * (pm_fmt_double). jansson hands each real to the callback as one chunk of
 * its own, and a chunk of exactly one quote opens or closes a string (a
 * quote inside one is escaped), so a chunk outside strings holding '.' or
 * 'e' is a real. */
typedef struct dump_ctx {
    const pm_writer *w;
    int in_string;
    int pad; /* spaces after each line end: the depth the value is written at */
} dump_ctx;

/* buf with `pad` spaces after each line end (jansson's own are for depth 0). */
static int write_padded(const char *buf, size_t size, const dump_ctx *d)
{
    static const char spaces[] = "        ";
    for (const char *nl; size && (nl = memchr(buf, '\n', size));) {
        size_t n = (size_t)(nl - buf) + 1;
        if (d->w->write(d->w->ctx, buf, n) != 0 ||
            d->w->write(d->w->ctx, spaces, (size_t)d->pad) != 0)
            return -1;
        buf += n;
        size -= n;
    }
    return d->w->write(d->w->ctx, buf, size) != 0 ? -1 : 0;
}

static int dump_shortest(const char *buf, size_t size, void *data)
{
    dump_ctx *d = data;
    if (size == 1 && buf[0] == '"')
        d->in_string = !d->in_string;
    else if (!d->in_string && size < PM_DOUBLE_TEXT &&
             (buf[0] == '-' || (buf[0] >= '0' && buf[0] <= '9')) &&
             (memchr(buf, '.', size) || memchr(buf, 'e', size))) {
        char num[PM_DOUBLE_TEXT], out[PM_DOUBLE_TEXT + 2];
        memcpy(num, buf, size);
        num[size] = '\0';
        size_t n = pm_fmt_double(strtod(num, NULL), out, sizeof out);
        if (!strpbrk(out, ".e")) /* stays a real for a reader that types numbers */
            n += (size_t)snprintf(out + n, sizeof out - n, ".0");
        return d->w->write(d->w->ctx, out, n) != 0 ? -1 : 0;
    }
    return write_padded(buf, size, d);
}

/* v (stolen) written at depth pad; -1 on a write error or when v is NULL
 * (out of memory building it). */
static int dump_at(json_t *v, const pm_writer *w, int pad)
{
    if (!v)
        return -2;
    dump_ctx d = {w, 0, pad};
    int rc = json_dump_callback(v, dump_shortest, &d, JSON_INDENT(2) | JSON_REAL_PRECISION(17));
    json_decref(v);
    return rc ? -1 : 0;
}

/* s through w: 0, or -1 on a write error. */
static int put(const pm_writer *w, const char *s)
{
    return w->write(w->ctx, s, strlen(s)) != 0 ? -1 : 0;
}

pm_status pm_assess_save_json(const pm_assess *a, FILE *fp, const char *name, pm_error *err)
{
    pm_writer w = pm_writer_file(fp);
    pm_status st = pm_assess_save_json_to(a, &w, name, err);
    if (st == PM_OK && ferror(fp))
        return pm_error_set(err, PM_EIO, "%s: write error", name);
    return st;
}

static pm_status save_json(const pm_assess *a, const pm_writer *w, const char *name, pm_error *err);

pm_status pm_assess_save_json_to(const pm_assess *a, const pm_writer *w, const char *name,
                                 pm_error *err)
{
    if (!w || !w->write)
        return pm_error_set(err, PM_EINVAL, "%s: writer without a write callback", name);
    /* jansson's tokens gathered into blocks (core/batched.h); written
     * directly when the block cannot be had. */
    pmx_batch *b = malloc(sizeof *b);
    if (!b)
        return save_json(a, w, name, err);
    pm_writer bw = pmx_batch_writer(b, w);
    pm_status st = save_json(a, &bw, name, err);
    if (pmx_batch_flush(b) && st == PM_OK)
        st = pm_error_set(err, PM_EIO, "%s: write error", name);
    free(b);
    return st;
}

static pm_status save_json(const pm_assess *a, const pm_writer *w, const char *name, pm_error *err)
{
    size_t n;
    const pm_assess_row *rows = pm_assess_rows(a, &n);
    if (!rows)
        return pm_error_set(err, PM_EINVAL, "assess: save before finish");
    const pm_assess_summary *s = pm_assess_summary_get(a);
    const pm_assess_options *o = pm_assess_options_get(a);
    /* Written piece by piece, one row's tree at a time, in the layout of
     * one json_dumpf of the whole object: a tree of a million rows would
     * cost gigabytes that --max-memory does not see. */
    json_t *params = params_json(o, s), *sum = summary_json(s);
    if (params && json_object_set_new(params, "drop_identical", json_boolean(o->drop_identical)))
        params = (json_decref(params), NULL);
    if (sum && json_object_set_new(sum, "repeats", repeats_json(s)))
        sum = (json_decref(sum), NULL);
    char head[128];
    snprintf(head, sizeof head,
             "{\n  \"format\": \"%s\",\n  \"format_version\": %d,\n  \"parameters\": ", FORMAT_NAME,
             FORMAT_VERSION);
    int rc = put(w, head);
    if (!rc)
        rc = dump_at(params, w, 2);
    else
        json_decref(params);
    if (!rc)
        rc = put(w, ",\n  \"summary\": ") ? -1 : dump_at(sum, w, 2);
    else
        json_decref(sum);
    if (!rc)
        rc = put(w, n ? ",\n  \"annotators\": [" : ",\n  \"annotators\": []");
    for (size_t i = 0; !rc && i < n; i++)
        rc = put(w, i ? ",\n    " : "\n    ")
                 ? -1
                 : dump_at(row_json(&rows[i], rows[i].pair_outcomes ? pair_tau_json(a, i) : NULL),
                           w, 4);
    if (!rc && put(w, n ? "\n  ]\n}\n" : "\n}\n"))
        rc = -1;
    if (rc == -2)
        return pm_error_set(err, PM_ENOMEM, "%s: out of memory building the assessment", name);
    if (rc)
        return pm_error_set(err, PM_EIO, "%s: write error", name);
    return PM_OK;
}

/* ---- loading: every field checked, "path: where.key: what" -------------- */

typedef struct ctx {
    const char *path;
    char where[64]; /* "parameters", "summary", "annotators[3]" */
    pm_error *err;
} ctx;

static pm_status bad(ctx *c, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static pm_status bad(ctx *c, const char *key, const char *fmt, ...)
{
    char what[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    /* "file: annotators[2].consistent: what", "file: format: what" */
    return pm_error_set(c->err, PM_EPARSE, "%s: %s%s%s: %s", c->path, c->where,
                        key && *c->where ? "." : "", key ? key : "", what);
}

/* Every key of obj is in keys (all required) or is `optional` (a field
 * added after files were written: may be absent; NULL for none). */
static pm_status only_keys_opts(ctx *c, json_t *obj, const char *const *keys,
                                const char *const *optional)
{
    const char *k;
    json_t *v;
    json_object_foreach(obj, k, v)
    {
        size_t i = 0, j = 0;
        while (keys[i] && strcmp(keys[i], k) != 0)
            i++;
        while (optional[j] && strcmp(optional[j], k) != 0)
            j++;
        if (!keys[i] && !optional[j])
            return bad(c, k, "unknown field");
    }
    for (size_t i = 0; keys[i]; i++)
        if (!json_object_get(obj, keys[i]))
            return bad(c, keys[i], "missing");
    return PM_OK;
}

static pm_status only_keys_opt(ctx *c, json_t *obj, const char *const *keys, const char *optional)
{
    const char *k;
    json_t *v;
    json_object_foreach(obj, k, v)
    {
        size_t i = 0;
        while (keys[i] && strcmp(keys[i], k) != 0)
            i++;
        if (!keys[i] && !(optional && strcmp(k, optional) == 0))
            return bad(c, k, "unknown field");
    }
    for (size_t i = 0; keys[i]; i++)
        if (!json_object_get(obj, keys[i]))
            return bad(c, keys[i], "missing");
    return PM_OK;
}

static pm_status only_keys(ctx *c, json_t *obj, const char *const *keys)
{
    return only_keys_opt(c, obj, keys, NULL);
}

static pm_status get_count(ctx *c, json_t *o, const char *key, long lo, long hi, long *out)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi)
        return bad(c, key, "must be an integer in [%ld, %ld]", lo, hi);
    *out = (long)json_integer_value(v);
    return PM_OK;
}

/* A number in [lo, hi]; null (NaN) allowed when nullable. */
static pm_status get_num(ctx *c, json_t *o, const char *key, int nullable, double lo, double hi,
                         double *out)
{
    json_t *v = json_object_get(o, key);
    if (nullable && json_is_null(v)) {
        *out = NAN;
        return PM_OK;
    }
    if (!json_is_number(v) || !(json_number_value(v) >= lo && json_number_value(v) <= hi))
        return bad(c, key, "must be a number in [%g, %g]%s", lo, hi, nullable ? " or null" : "");
    *out = json_number_value(v);
    return PM_OK;
}

static pm_status get_word(ctx *c, json_t *o, const char *key, const char *a, const char *b,
                          int *which)
{
    const char *s = json_string_value(json_object_get(o, key));
    if (s && strcmp(s, a) == 0)
        *which = 0;
    else if (s && b && strcmp(s, b) == 0)
        *which = 1;
    else
        return bad(c, key, "must be \"%s\"%s%s%s", a, b ? " or \"" : "", b ? b : "", b ? "\"" : "");
    return PM_OK;
}

static pm_status load_params(ctx *c, json_t *p, pm_assess_options *o, double *delta)
{
    static const char *const keys[] = {
        "delta",        "delta_mode", "q0",    "level",      "eta0", "eta1",         "max_error",
        "min_duration", "fast_ratio", "alpha", "convention", "rule", "multiplicity", NULL};
    snprintf(c->where, sizeof c->where, "parameters");
    if (!json_is_object(p))
        return bad(c, NULL, "must be an object");
    int w;
    pm_status st = only_keys_opt(c, p, keys, "drop_identical");
    pm_assess_options_default(o);
    json_t *di = json_object_get(p, "drop_identical");
    if (st == PM_OK && di && !json_is_boolean(di))
        st = bad(c, "drop_identical", "must be true or false");
    o->drop_identical = json_is_true(di);
    if (st == PM_OK)
        st = get_num(c, p, "delta", 0, 0, 1, delta);
    if (st == PM_OK)
        st = get_word(c, p, "delta_mode", "fixed", "estimate", &o->delta_estimate);
    if (st == PM_OK && json_is_string(json_object_get(p, "q0")))
        st = get_word(c, p, "q0", "per-annotator", NULL, &w);
    else if (st == PM_OK)
        st = get_num(c, p, "q0", 0, 0, 1, &o->q0);
    if (st == PM_OK)
        st = get_num(c, p, "level", 0, 0, 1, &o->level);
    if (st == PM_OK)
        st = get_num(c, p, "eta0", 0, 0, 1, &o->eta0);
    if (st == PM_OK)
        st = get_num(c, p, "eta1", 0, 0, 1, &o->eta1);
    if (st == PM_OK)
        st = get_num(c, p, "max_error", 0, 0, 2, &o->max_error);
    if (st == PM_OK)
        st = get_num(c, p, "min_duration", 1, 0, INFINITY, &o->min_duration);
    if (st == PM_OK)
        st = get_num(c, p, "fast_ratio", 0, 0, 1, &o->fast_ratio);
    if (st == PM_OK)
        st = get_num(c, p, "alpha", 0, 0, 1, &o->alpha);
    if (st == PM_OK)
        st = get_word(c, p, "convention", "general", NULL, &w);
    if (st == PM_OK)
        st = get_word(c, p, "rule", "likelihood-ratio", NULL, &w);
    if (st == PM_OK)
        st = get_word(c, p, "multiplicity", "holm", NULL, &w);
    if (st != PM_OK)
        return st;
    o->delta = *delta;
    pm_error e;
    if (pmx_assess_check_options(o, &e) != PM_OK)
        return bad(c, NULL, "%s", e.text);
    return PM_OK;
}

static pm_status load_tally(ctx *c, json_t *s, const char *key, long *counts, int n,
                            const char *(*name)(int))
{
    json_t *o = json_object_get(s, key);
    if (!json_is_object(o) || json_object_size(o) != (size_t)n)
        return bad(c, key, "must be an object with one count per name");
    for (int i = 0; i < n; i++) {
        json_t *v = json_object_get(o, name(i));
        if (!json_is_integer(v) || json_integer_value(v) < 0)
            return bad(c, key, "%s: must be an integer >= 0", name(i));
        counts[i] = (long)json_integer_value(v);
    }
    return PM_OK;
}

static const char *decision_name_i(int i)
{
    return pm_decision_name((pm_decision)i);
}

/* summary.repeats (absent in files written before it: all zero, p null). */
static pm_status load_repeats(ctx *c, json_t *r, pm_assess_summary *out)
{
    static const char *const keys[] = {"pairs_timestamped",
                                       "pairs_untimed",
                                       "pairs_identical",
                                       "untimed_disagree",
                                       "dup_dropped",
                                       "identical_dropped",
                                       "p",
                                       "flagged",
                                       NULL};
    snprintf(c->where, sizeof c->where, "summary.repeats");
    if (!json_is_object(r))
        return bad(c, NULL, "must be an object");
    pm_status st = only_keys(c, r, keys);
    long *counts[] = {&out->pairs_timestamped, &out->pairs_untimed, &out->pairs_identical,
                      &out->untimed_disagree,  &out->dup_dropped,   &out->identical_dropped,
                      &out->repeats_flagged};
    const char *names[] = {
        "pairs_timestamped", "pairs_untimed",     "pairs_identical", "untimed_disagree",
        "dup_dropped",       "identical_dropped", "flagged"};
    for (size_t i = 0; st == PM_OK && i < sizeof counts / sizeof *counts; i++)
        st = get_count(c, r, names[i], 0, LONG_MAX, counts[i]);
    if (st == PM_OK)
        st = get_num(c, r, "p", 1, 0, 1, &out->repeats_p);
    snprintf(c->where, sizeof c->where, "summary");
    return st;
}

static pm_status load_summary(ctx *c, json_t *s, pm_assess_summary *out)
{
    static const char *const keys[] = {"rows",
                                       "rows_skipped",
                                       "annotators",
                                       "items",
                                       "keys",
                                       "pairs",
                                       "decisions",
                                       "flags",
                                       "delta",
                                       "delta_estimated",
                                       "delta_low",
                                       "delta_high",
                                       "delta_annotators",
                                       "delta_pairs",
                                       "delta_disagree",
                                       NULL};
    snprintf(c->where, sizeof c->where, "summary");
    if (!json_is_object(s))
        return bad(c, NULL, "must be an object");
    memset(out, 0, sizeof *out);
    out->repeats_p = NAN;
    pm_status st = only_keys_opt(c, s, keys, "repeats");
    long *counts[] = {
        &out->rows,  &out->rows_skipped,     &out->annotators,  &out->items,         &out->keys,
        &out->pairs, &out->delta_annotators, &out->delta_pairs, &out->delta_disagree};
    const char *names[] = {"rows",  "rows_skipped",     "annotators",  "items",         "keys",
                           "pairs", "delta_annotators", "delta_pairs", "delta_disagree"};
    for (size_t i = 0; st == PM_OK && i < sizeof counts / sizeof *counts; i++)
        st = get_count(c, s, names[i], 0, LONG_MAX, counts[i]);
    if (st == PM_OK)
        st = load_tally(c, s, "decisions", out->decisions, PM_DECISION_COUNT, decision_name_i);
    if (st == PM_OK)
        st = load_tally(c, s, "flags", out->flags, PM_FLAG_COUNT, pm_flag_name);
    if (st == PM_OK)
        st = get_num(c, s, "delta", 0, 0, 1, &out->delta);
    if (st == PM_OK && !json_is_boolean(json_object_get(s, "delta_estimated")))
        st = bad(c, "delta_estimated", "must be true or false");
    out->delta_estimated = json_is_true(json_object_get(s, "delta_estimated"));
    if (st == PM_OK)
        st = get_num(c, s, "delta_low", 1, 0, 1, &out->delta_low);
    if (st == PM_OK)
        st = get_num(c, s, "delta_high", 1, 0, 1, &out->delta_high);
    json_t *rep = json_object_get(s, "repeats");
    if (st == PM_OK && rep)
        st = load_repeats(c, rep, out);
    return st;
}

static pm_status load_flags(ctx *c, json_t *o, unsigned *flags)
{
    json_t *a = json_object_get(o, "flags"), *v;
    size_t i;
    if (!json_is_array(a))
        return bad(c, "flags", "must be an array of flag names");
    *flags = 0;
    json_array_foreach(a, i, v)
    {
        int f = json_is_string(v) ? pmx_flag_index(json_string_value(v)) : -1;
        if (f < 0)
            return bad(c, "flags",
                       "[%zu]: not a flag name (low-effort, same-side, too-fast, "
                       "consistent-but-wrong, one-label)",
                       i);
        if (*flags & (1u << f))
            return bad(c, "flags", "[%zu]: '%s' given twice", i, json_string_value(v));
        *flags |= 1u << f;
    }
    return PM_OK;
}

/* The effort fields: null or in [0, 1], an ordered interval. */
static pm_status load_effort(ctx *c, json_t *o, pm_assess_row *r)
{
    const char *names[] = {"consistency", "eta_hat", "ci_low", "ci_high", "p_value"};
    double *dst[] = {&r->consistency, &r->eta_hat, &r->ci_low, &r->ci_high, &r->p_value};
    pm_status st = PM_OK;
    for (size_t i = 0; st == PM_OK && i < 5; i++)
        st = get_num(c, o, names[i], 1, 0, 1, dst[i]);
    if (st != PM_OK)
        return st;
    if (isnan(r->consistency) != (r->dup_pairs == 0))
        return bad(c, "consistency", "must be null exactly when dup_pairs is 0");
    if (r->dup_pairs && fabs(r->consistency - (double)r->consistent / (double)r->dup_pairs) > 1e-9)
        return bad(c, "consistency", "%.17g is not consistent / dup_pairs = %ld / %ld",
                   r->consistency, r->consistent, r->dup_pairs);
    if (r->ci_low > r->ci_high)
        return bad(c, "ci_low", "greater than ci_high");
    return PM_OK;
}

/* The optional sequential fields; absent (an older file): NaN e-values,
 * continue, and the action of the decision and flags alone. */
static pm_status load_sequential(ctx *c, json_t *o, pm_assess_row *r)
{
    r->e_pass = r->e_fail = NAN;
    r->sequential = PM_SEQ_CONTINUE;
    r->below_chance = 0;
    pm_status st;
    if (json_object_get(o, "e_pass") &&
        (st = get_num(c, o, "e_pass", 1, 0, INFINITY, &r->e_pass)) != PM_OK)
        return st;
    if (json_object_get(o, "e_fail") &&
        (st = get_num(c, o, "e_fail", 1, 0, INFINITY, &r->e_fail)) != PM_OK)
        return st;
    json_t *b = json_object_get(o, "below_chance");
    if (b && !json_is_boolean(b))
        return bad(c, "below_chance", "must be true or false");
    r->below_chance = b && json_is_true(b);
    json_t *sq = json_object_get(o, "sequential");
    if (sq) {
        const char *s = json_string_value(sq);
        int i = 0;
        while (s && i < 3 && strcmp(pm_seq_verdict_name((pm_seq_verdict)i), s) != 0)
            i++;
        if (!s || i == 3)
            return bad(c, "sequential", "must be continue, pass or fail");
        r->sequential = (pm_seq_verdict)i;
    }
    json_t *ac = json_object_get(o, "action");
    if (!ac) {
        pm_action_input in = {.verdict = r->decision == PM_DECISION_PASS   ? PM_VERDICT_PASS
                                         : r->decision == PM_DECISION_FAIL ? PM_VERDICT_FAIL
                                                                           : PM_VERDICT_UNDECIDED,
                              .flags = r->flags,
                              .pairs = r->dup_pairs,
                              .consistent = r->consistent};
        r->action = pm_action_decide(&in, NULL, 0);
        return PM_OK;
    }
    const char *s = json_string_value(ac);
    int i = 0;
    while (s && i < PM_ACTION_COUNT && strcmp(pm_action_name((pm_action)i), s) != 0)
        i++;
    if (!s || i == PM_ACTION_COUNT)
        return bad(c, "action", "must be pay, hold, review or block");
    r->action = (pm_action)i;
    return PM_OK;
}

/* The optional "pair_outcomes": '0'/'1' per pair, as many as dup_pairs,
 * as many '1' as consistent. */
static pm_status load_outcomes(ctx *c, json_t *o, pm_assess_row *r)
{
    json_t *v = json_object_get(o, "pair_outcomes");
    r->pair_outcomes = NULL;
    if (!v)
        return PM_OK;
    const char *s = json_string_value(v);
    if (!s)
        return bad(c, "pair_outcomes", "must be a string of 0 and 1");
    size_t n = json_string_length(v);
    long ones = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '0' && s[i] != '1')
            return bad(c, "pair_outcomes", "character %zu is not 0 or 1", i + 1);
        ones += s[i] == '1';
    }
    if ((long)n != r->dup_pairs || ones != r->consistent)
        return bad(c, "pair_outcomes",
                   "%zu outcomes with %ld agreeing, but dup_pairs = %ld and consistent = %ld", n,
                   ones, r->dup_pairs, r->consistent);
    r->pair_outcomes = s;
    return PM_OK;
}

/* The optional "pair_tau_b": beside pair_outcomes, one tau-b in [-1, 1]
 * or null per pair. Checked, not kept (pm_assess_row_pairs of a loaded
 * file is empty). */
static pm_status load_pair_tau(ctx *c, json_t *o, const pm_assess_row *r)
{
    json_t *v = json_object_get(o, "pair_tau_b");
    if (!v)
        return PM_OK;
    if (!json_is_array(v) || !r->pair_outcomes || (long)json_array_size(v) != r->dup_pairs)
        return bad(c, "pair_tau_b", "must be a list beside pair_outcomes, one entry per pair");
    for (size_t i = 0; i < json_array_size(v); i++) {
        json_t *e = json_array_get(v, i);
        if (!json_is_null(e) && (!json_is_number(e) || !(fabs(json_number_value(e)) <= 1)))
            return bad(c, "pair_tau_b", "entry %zu is not a number in [-1, 1] or null", i + 1);
    }
    return PM_OK;
}

/* The ranking fields: all or none (none: a row without rankings). */
static pm_status load_rank(ctx *c, json_t *o, pm_assess_row *r)
{
    r->rank_consistency = r->tau_b_mean = NAN;
    if (!json_object_get(o, "rank_labels"))
        return PM_OK;
    pm_status st;
    if ((st = get_count(c, o, "rank_labels", 1, r->labels, &r->rank_labels)) != PM_OK ||
        (st = get_count(c, o, "rank_repeats", 0, r->dup_pairs, &r->rank_repeats)) != PM_OK ||
        (st = get_count(c, o, "rank_pairs", r->rank_repeats, LONG_MAX, &r->rank_pairs)) != PM_OK ||
        (st = get_count(c, o, "rank_pairs_agree", 0, r->rank_pairs, &r->rank_pairs_agree)) !=
            PM_OK ||
        (st = get_num(c, o, "rank_consistency", r->rank_repeats == 0, 0, 1,
                      &r->rank_consistency)) != PM_OK ||
        (st = get_count(c, o, "tau_b_n", 0, r->rank_repeats, &r->tau_b_n)) != PM_OK ||
        (st = get_num(c, o, "tau_b_mean", r->tau_b_n == 0, -1, 1, &r->tau_b_mean)) != PM_OK)
        return st;
    if (r->rank_repeats == 0 && !isnan(r->rank_consistency))
        return bad(c, "rank_consistency", "must be null when rank_repeats is 0");
    if (r->tau_b_n == 0 && !isnan(r->tau_b_mean))
        return bad(c, "tau_b_mean", "must be null when tau_b_n is 0");
    return PM_OK;
}

static pm_status load_row(ctx *c, json_t *o, pm_assess_row *r)
{
    static const char *const keys[] = {
        "annotator",  "labels",    "dup_pairs", "consistent",      "consistency", "q0",
        "eta_hat",    "ci_low",    "ci_high",   "p_value",         "decision",    "gold_n",
        "gold_agree", "gold_rate", "left_rate", "median_duration", "flags",       NULL};
    if (!json_is_object(o))
        return bad(c, NULL, "must be an object");
    static const char *const optional[] = {
        "pair_outcomes",    "sequential",  "e_pass",       "e_fail",     "below_chance",
        "action",           "rank_labels", "rank_repeats", "rank_pairs", "rank_pairs_agree",
        "rank_consistency", "tau_b_mean",  "tau_b_n",      "pair_tau_b", NULL};
    pm_status st = only_keys_opts(c, o, keys, optional);
    if (st != PM_OK)
        return st;
    r->annotator = json_string_value(json_object_get(o, "annotator"));
    if (!r->annotator || !*r->annotator)
        return bad(c, "annotator", "must be a non-empty string");
    int d;
    if ((st = get_count(c, o, "labels", 1, LONG_MAX, &r->labels)) != PM_OK ||
        (st = get_count(c, o, "dup_pairs", 0, r->labels - 1, &r->dup_pairs)) != PM_OK ||
        (st = get_count(c, o, "consistent", 0, r->dup_pairs, &r->consistent)) != PM_OK ||
        (st = get_num(c, o, "q0", 0, 0, 1, &r->q0)) != PM_OK ||
        (st = load_effort(c, o, r)) != PM_OK ||
        (st = get_count(c, o, "gold_n", 0, r->labels, &r->gold_n)) != PM_OK ||
        (st = get_count(c, o, "gold_agree", 0, r->gold_n, &r->gold_agree)) != PM_OK ||
        (st = get_num(c, o, "gold_rate", r->gold_n == 0, 0, 1, &r->gold_rate)) != PM_OK ||
        (st = get_num(c, o, "left_rate", 1, 0, 1, &r->left_rate)) != PM_OK ||
        (st = get_num(c, o, "median_duration", 1, 0, INFINITY, &r->median_duration)) != PM_OK ||
        (st = load_flags(c, o, &r->flags)) != PM_OK)
        return st;
    if (r->gold_n == 0 && !isnan(r->gold_rate))
        return bad(c, "gold_rate", "must be null when gold_n is 0");
    const char *ds = json_string_value(json_object_get(o, "decision"));
    if (!ds || (d = pmx_decision_index(ds)) < 0)
        return bad(c, "decision", "must be pass, fail, too-few or no-pairs");
    r->decision = (pm_decision)d;
    if ((r->decision == PM_DECISION_NO_PAIRS) != (r->dup_pairs == 0))
        return bad(c, "decision", "must be no-pairs exactly when dup_pairs is 0");
    if ((st = load_sequential(c, o, r)) != PM_OK || (st = load_rank(c, o, r)) != PM_OK)
        return st;
    if ((st = load_outcomes(c, o, r)) != PM_OK)
        return st;
    return load_pair_tau(c, o, r);
}

static pm_status load_rows(ctx *c, json_t *arr, pm_assess_row *rows)
{
    pmx_arena arena;
    pmx_strtab seen;
    pmx_arena_init(&arena);
    if (pmx_strtab_init(&seen, &arena) != PM_OK)
        return pm_error_set(c->err, PM_ENOMEM, "%s: out of memory", c->path);
    pm_status st = PM_OK;
    for (size_t i = 0; st == PM_OK && i < json_array_size(arr); i++) {
        snprintf(c->where, sizeof c->where, "annotators[%zu]", i);
        st = load_row(c, json_array_get(arr, i), &rows[i]);
        uint32_t id;
        int is_new = 1;
        if (st == PM_OK && pmx_strtab_intern(&seen, rows[i].annotator, &id, &is_new) != PM_OK)
            st = pm_error_set(c->err, PM_ENOMEM, "%s: out of memory", c->path);
        if (st == PM_OK && !is_new)
            st = bad(c, "annotator", "'%s' appears twice", rows[i].annotator);
    }
    pmx_strtab_free(&seen);
    pmx_arena_free(&arena);
    return st;
}

static pm_status load_root(ctx *c, json_t *root, pm_assess **out)
{
    static const char *const keys[] = {"format",  "format_version", "parameters",
                                       "summary", "annotators",     NULL};
    c->where[0] = '\0';
    if (!json_is_object(root))
        return pm_error_set(c->err, PM_EPARSE, "%s: not a JSON object", c->path);
    const char *fmt = json_string_value(json_object_get(root, "format"));
    if (!fmt || strcmp(fmt, FORMAT_NAME) != 0)
        return pm_error_set(c->err, PM_EPARSE, "%s: format: not \"" FORMAT_NAME "\"", c->path);
    json_t *ver = json_object_get(root, "format_version");
    if (!json_is_integer(ver) || json_integer_value(ver) != FORMAT_VERSION)
        return pm_error_set(c->err, PM_EPARSE,
                            "%s: format_version: this prefmon reads version %d only", c->path,
                            FORMAT_VERSION);
    pm_status st = only_keys(c, root, keys);
    pm_assess_options opt;
    pm_assess_summary sum;
    double delta;
    if (st == PM_OK)
        st = load_params(c, json_object_get(root, "parameters"), &opt, &delta);
    if (st == PM_OK)
        st = load_summary(c, json_object_get(root, "summary"), &sum);
    if (st != PM_OK)
        return st;
    json_t *arr = json_object_get(root, "annotators");
    snprintf(c->where, sizeof c->where, "annotators");
    if (!json_is_array(arr))
        return bad(c, NULL, "must be an array");
    size_t n = json_array_size(arr);
    if ((long)n != sum.annotators)
        return bad(c, NULL, "%zu rows but summary.annotators = %ld", n, sum.annotators);
    pm_assess_row *rows = calloc(n ? n : 1, sizeof *rows);
    if (!rows)
        return pm_error_set(c->err, PM_ENOMEM, "%s: out of memory", c->path);
    st = load_rows(c, arr, rows);
    pm_assess *a = st == PM_OK ? pm_assess_new(&opt, c->err) : NULL;
    if (a)
        st = pmx_assess_set_rows(a, rows, n, &sum, c->err);
    else if (st == PM_OK)
        st = PM_ENOMEM;
    free(rows);
    if (st != PM_OK) {
        pm_assess_free(a);
        return st;
    }
    *out = a;
    return PM_OK;
}

/* Both loaders: the parsed document (or NULL with st set) to a handle. */
static pm_status load_doc(json_t *root, pm_status st, const char *name, pm_assess **out,
                          pm_error *err)
{
    if (!root)
        return st;
    ctx c = {.path = name, .err = err};
    st = load_root(&c, root, out);
    json_decref(root);
    return st;
}

pm_status pm_assess_load_json(const char *path, pm_assess **out, pm_error *err)
{
    *out = NULL;
    pm_status st;
    json_t *root = pmx_json_load_file(path, &st, err);
    return load_doc(root, st, path, out, err);
}

pm_status pm_assess_load_json_mem(const char *buf, size_t len, const char *name, pm_assess **out,
                                  pm_error *err)
{
    *out = NULL;
    name = name ? name : "<memory>";
    pm_status st;
    json_t *root = pmx_json_load_mem(buf, len, name, &st, err);
    return load_doc(root, st, name, out, err);
}
