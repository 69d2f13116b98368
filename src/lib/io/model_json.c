/*
** The model <-> JSON mapping: the config reader (--config) and the model
** part of contract files. Kept out of the model layer so that the numerics
** do not link jansson.
*/
#include <jansson.h>
#include <string.h>

#include "io/json_file.h"
#include "io/model_json.h"
#include "prefmon/model.h"

static pm_status json_spec(const char *path, json_t *root, const char *key, pm_model *m,
                           pm_error *err)
{
    json_t *v = json_object_get(root, key);
    if (!v)
        return PM_OK;
    if (!json_is_string(v))
        return pm_error_set(err, PM_EPARSE, "%s: \"%s\" must be a string", path, key);
    const char *s = json_string_value(v);
    pm_status st;
    if (strcmp(key, "utility") == 0)
        st = pm_utility_parse(s, &m->G, err);
    else if (strcmp(key, "cost") == 0)
        st = pm_cost_parse(s, &m->E, err);
    else
        st = pm_value_parse(s, &m->mu, err);
    if (st != PM_OK && err) {
        char msg[sizeof err->text];
        snprintf(msg, sizeof msg, "%s", err->text);
        pm_error_set(err, st, "%s: %s", path, msg);
    }
    return st;
}

static pm_status json_number(const char *path, json_t *root, const char *key, double *out,
                             pm_error *err)
{
    json_t *v = json_object_get(root, key);
    if (!v)
        return PM_OK;
    if (!json_is_number(v))
        return pm_error_set(err, PM_EPARSE, "%s: \"%s\" must be a number", path, key);
    *out = json_number_value(v);
    return PM_OK;
}

pm_status pmx_model_from_json(const char *path, json_t *root, pm_model *m, pm_error *err)
{
    static const char *keys[] = {"utility", "cost", "value", "u0", "wage_min", "wage_max"};
    if (!json_is_object(root))
        return pm_error_set(err, PM_EPARSE, "%s: the model must be a JSON object", path);
    /* Unknown keys are errors: a typo must not silently fall back to a
     * default. */
    const char *k;
    json_t *val;
    json_object_foreach(root, k, val)
    {
        size_t i;
        for (i = 0; i < sizeof keys / sizeof *keys; i++)
            if (strcmp(k, keys[i]) == 0)
                break;
        if (i == sizeof keys / sizeof *keys)
            return pm_error_set(err, PM_EPARSE,
                                "%s: unknown key \"%s\" (utility, cost, value, u0, wage_min, "
                                "wage_max)",
                                path, k);
    }
    pm_model tmp = *m;
    pm_status st;
    if ((st = json_spec(path, root, "utility", &tmp, err)) ||
        (st = json_spec(path, root, "cost", &tmp, err)) ||
        (st = json_spec(path, root, "value", &tmp, err)) ||
        (st = json_number(path, root, "u0", &tmp.u0, err)) ||
        (st = json_number(path, root, "wage_min", &tmp.w_min, err)) ||
        (st = json_number(path, root, "wage_max", &tmp.w_max, err)))
        return st;
    *m = tmp;
    return PM_OK;
}

json_t *pmx_model_to_json(const pm_model *m)
{
    char buf[PM_SPEC_MAX]; /* always enough: see PM_SPEC_MAX in model.h */
    json_t *o = json_object();
    json_object_set_new(o, "utility", json_string(pm_utility_format(&m->G, buf, sizeof buf)));
    json_object_set_new(o, "cost", json_string(pm_cost_format(&m->E, buf, sizeof buf)));
    json_object_set_new(o, "value", json_string(pm_value_format(&m->mu, buf, sizeof buf)));
    json_object_set_new(o, "u0", json_real(m->u0));
    json_object_set_new(o, "wage_min", json_real(m->w_min));
    json_object_set_new(o, "wage_max", json_real(m->w_max));
    return o;
}

/* Both readers: the parsed document (or NULL with st set) to a model. */
static pm_status model_doc(json_t *root, pm_status st, const char *path, pm_model *m, pm_error *err)
{
    if (!root)
        return st;
    st = json_is_object(root)
             ? pmx_model_from_json(path, root, m, err)
             : pm_error_set(err, PM_EPARSE, "%s:1:1: expected a JSON object", path);
    json_decref(root);
    return st;
}

pm_status pm_model_read_json(const char *path, pm_model *m, pm_error *err)
{
    pm_status st;
    json_t *root = pmx_json_load_file(path, &st, err);
    return model_doc(root, st, path, m, err);
}

pm_status pm_model_read_json_mem(const char *buf, size_t len, const char *name, pm_model *m,
                                 pm_error *err)
{
    name = name ? name : "<memory>";
    pm_status st;
    json_t *root = pmx_json_load_mem(buf, len, name, &st, err);
    return model_doc(root, st, name, m, err);
}
