/*
** Who is who in a simulated pool (prefmon/sim_score.h): opaque names for
** the log, and the truth file that alone maps them to kinds and efforts.
*/
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "prefmon/rng.h"
#include "prefmon/sim_score.h"
#include "prefmon/text.h"

pm_status pm_sim_names(size_t n, uint64_t seed, char ***names, pm_error *err)
{
    *names = calloc(n ? n : 1, sizeof **names);
    size_t *num = malloc((n ? n : 1) * sizeof *num);
    if (!*names || !num) {
        free(*names);
        free(num);
        *names = NULL;
        return pm_error_set(err, PM_ENOMEM, "out of memory");
    }
    /* A Fisher–Yates shuffle of 1..n from its own stream (the seed's state
     * long-jumped twice: efforts use it long-jumped once, labels the
     * plain streams), so the names change no label or effort. */
    pm_rng r;
    pm_rng_seed(&r, seed);
    pm_rng_long_jump(&r);
    pm_rng_long_jump(&r);
    for (size_t i = 0; i < n; i++)
        num[i] = i + 1;
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)pm_rng_below(&r, i), x = num[i - 1];
        num[i - 1] = num[j];
        num[j] = x;
    }
    int width = snprintf(NULL, 0, "%zu", n);
    width = width < 4 ? 4 : width;
    pm_status st = PM_OK;
    for (size_t i = 0; i < n && st == PM_OK; i++) {
        (*names)[i] = malloc((size_t)width + 2);
        if (!(*names)[i])
            st = pm_error_set(err, PM_ENOMEM, "out of memory");
        else
            snprintf((*names)[i], (size_t)width + 2, "a%0*zu", width, num[i]);
    }
    free(num);
    if (st != PM_OK) {
        pm_sim_names_free(*names, n);
        *names = NULL;
    }
    return st;
}

void pm_sim_names_free(char **names, size_t n)
{
    for (size_t i = 0; names && i < n; i++)
        free(names[i]);
    free(names);
}

/* One text cell: guarded against formula injection, quoted per RFC 4180
 * when it holds a comma, quote or line break. */
static int put_text(FILE *fp, const char *s)
{
    size_t need = pm_csv_guard(s, NULL, 0) + 1;
    char small[128], *g = need <= sizeof small ? small : malloc(need);
    if (!g)
        return 1;
    pm_csv_guard(s, g, need);
    int bad = 0;
    if (strpbrk(g, ",\"\r\n")) {
        bad |= fputc('"', fp) == EOF;
        for (const char *c = g; *c && !bad; c++)
            bad |= (*c == '"' && fputc('"', fp) == EOF) || fputc(*c, fp) == EOF;
        bad |= fputc('"', fp) == EOF;
    } else {
        bad |= fputs(g, fp) == EOF;
    }
    if (g != small)
        free(g);
    return bad;
}

pm_status pm_sim_write_truth(FILE *fp, const pm_sim_truth *t, uint64_t seed, uint64_t label_seed,
                             pm_error *err)
{
    int bad = fputs("annotator,kind,eta,delta,seed,label_seed\n", fp) == EOF;
    char delta[32];
    pm_fmt_double(t->delta_r, delta, sizeof delta);
    for (size_t i = 0; i < t->n && !bad; i++) {
        char eta[32] = "";
        if (!isnan(t->pool[i].eta))
            pm_fmt_double(t->pool[i].eta, eta, sizeof eta);
        bad |= put_text(fp, t->names[i]);
        bad |= fprintf(fp, ",%s,%s,%s,%" PRIu64 ",%" PRIu64 "\n", pm_sim_kind_name(t->pool[i].kind),
                       eta, delta, seed, label_seed) < 0;
    }
    return bad || ferror(fp) ? pm_error_set(err, PM_EIO, "write error") : PM_OK;
}

pm_status pm_sim_write_gold(FILE *fp, const pm_plan_pool *gold, const double *p_gold, pm_error *err)
{
    for (size_t i = 0; i < pm_plan_pool_count(gold); i++)
        fprintf(fp, "%s\t%s\n", pm_plan_pool_key(gold, i), pm_sim_gold_label(p_gold[i]));
    return ferror(fp) ? pm_error_set(err, PM_EIO, "write error") : PM_OK;
}
