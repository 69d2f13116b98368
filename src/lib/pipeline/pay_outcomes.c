/*
** Each annotator's pair outcomes in order, from the assessment file
** (prefmon/pay.h: pm_pay_read_outcomes). Pay needs them to judge an
** annotator on the contract's n pairs (the first n) rather than on however
** many pairs they happened to produce.
*/
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "io/json_file.h"
#include "prefmon/pay.h"

static pm_status check(const char *path, const pm_pay_input *r, const char *s, pm_error *err)
{
    size_t len = strlen(s);
    long ones = 0;
    for (size_t j = 0; j < len; j++) {
        if (s[j] != '0' && s[j] != '1')
            return pm_error_set(err, PM_EPARSE,
                                "%s: annotator '%s': field 'pair_outcomes': character %zu is "
                                "not '0' or '1'",
                                path, r->annotator, j + 1);
        ones += s[j] == '1';
    }
    if ((long)len != r->pairs || ones != r->consistent)
        return pm_error_set(err, PM_EPARSE,
                            "%s: annotator '%s': field 'pair_outcomes': %zu outcomes with %ld "
                            "consistent, but the row has %ld pairs with %ld consistent",
                            path, r->annotator, len, ones, r->pairs, r->consistent);
    return PM_OK;
}

pm_status pm_pay_read_outcomes(const char *path, const pm_pay_input *in, pm_pay_evidence *ev,
                               size_t count, char **arena, size_t *found, pm_error *err)
{
    if (!path || !arena || (count && (!in || !ev)))
        return pm_error_set(err, PM_EINVAL, "pm_pay_read_outcomes: NULL argument");
    *arena = NULL;
    if (found)
        *found = 0;
    pm_status st;
    json_t *root = pmx_json_load_file(path, &st, err);
    if (!root)
        return st;
    json_t *arr = json_object_get(root, "annotators");
    size_t n = json_array_size(arr), total = 0, hits = 0;
    /* One block for every string: sized first, then filled. */
    for (size_t i = 0; i < n; i++) {
        const char *s =
            json_string_value(json_object_get(json_array_get(arr, i), "pair_outcomes"));
        total += (s ? strlen(s) : 0) + 1;
    }
    char *block = malloc(total ? total : 1), *p = block;
    st = block ? PM_OK : pm_error_set(err, PM_ENOMEM, "out of memory");
    for (size_t i = 0; st == PM_OK && i < n; i++) {
        json_t *o = json_array_get(arr, i), *v = json_object_get(o, "pair_outcomes");
        const char *name = json_string_value(json_object_get(o, "annotator"));
        if (!v || !name)
            continue;
        const char *s = json_string_value(v);
        if (!s) {
            st = pm_error_set(err, PM_EPARSE,
                              "%s: annotator '%s': field 'pair_outcomes': must be a string of "
                              "'0' and '1'",
                              path, name);
            break;
        }
        for (size_t j = 0; j < count; j++) {
            if (strcmp(in[j].annotator, name) != 0)
                continue;
            if ((st = check(path, &in[j], s, err)) != PM_OK)
                break;
            size_t len = strlen(s);
            memcpy(p, s, len + 1);
            ev[j].outcomes = p;
            p += len + 1;
            hits++;
            break;
        }
    }
    json_decref(root);
    if (st != PM_OK) {
        for (size_t j = 0; j < count; j++)
            if (ev[j].outcomes >= block && ev[j].outcomes < block + total)
                ev[j].outcomes = NULL;
        free(block);
        return st;
    }
    *arena = block;
    if (found)
        *found = hits;
    return PM_OK;
}
