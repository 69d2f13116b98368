/* assess: rankings of k responses (records.h, "Rankings"; doc/assess.md,
 * "Rankings"). A repeat of a ranking item is compared pairwise: each of the
 * C(k, 2) unordered pairs {i, j} of responses is i > j, j > i or a tie in
 * each ranking. Per repeat this file records the share of pairs on which
 * the two rankings agree and Kendall's tau-b between them; those are
 * descriptive. The decisions (exact test, interval, eta-hat, sequential)
 * use ONE Bernoulli unit per repeat, because the C(k, 2) pairs of one
 * ranking are not independent: the pair is chosen by a hash of (annotator
 * name, item key, repeat index), not by a random generator, so the same
 * log gives the same units in any run and any input order of the
 * annotators, and the unit is 1 when both rankings put that pair the same
 * way. Its expectation is the repeat's pairwise agreement, and units of
 * different repeats are independent given the rankings, so the exact
 * binomial test holds for them.
 *
 * Everything here is kept per label id (the parsed ranking) and per
 * annotator (the counters); assess.c calls in at the one place a repeat is
 * paired and at the timestamp re-pairing of finish.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/hash.h"
#include "pipeline/assess_internal.h"

/* A ranking label parsed: its k responses in byte order of their ids, each
 * with its rank group (0 best), and the counts of its pairs {i < j} (byte
 * order) by how they are ranked (for the chance agreement q0). */
typedef struct rank_label {
    uint32_t k;
    uint64_t set; /* hash of the sorted ids: two rankings of one set have equal sets */
    long lt, gt, tie;
    uint32_t g[]; /* g[i] the group of the i-th id in byte order */
} rank_label;

/* What one annotator's ranking repeats add up to. */
typedef struct rank_acc {
    long repeats, pairs, agree, tau_n;
    double share_sum; /* sum over repeats of agree / C(k, 2) */
    double tau_sum;   /* sum of the defined tau-b */
} rank_acc;

struct pmx_rank {
    rank_label **lab; /* by label id; NULL: not a ranking */
    size_t lab_cap;
    rank_acc *acc; /* by annotator id */
    size_t acc_cap;
    /* (annotator, item) -> pairs made so far, for the repeat index */
    uint64_t *rkey;
    uint32_t *rval;
    size_t rcap, rcount;
    size_t bytes;
};

void pmx_rank_free(pmx_rank *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->lab_cap; i++)
        free(r->lab[i]);
    free(r->lab);
    free(r->acc);
    free(r->rkey);
    free(r->rval);
    free(r);
}

pm_status pmx_rank_merge(pmx_rank **to, pmx_rank *from, const uint32_t *lmap, size_t nlab,
                         const uint32_t *amap, size_t nann)
{
    if (!from)
        return PM_OK;
    if (!*to && !(*to = calloc(1, sizeof **to)))
        return PM_ENOMEM;
    pmx_rank *r = *to;
    for (size_t l = 0; l < from->lab_cap && l < nlab; l++) {
        if (!from->lab[l] || pmx_rank_is(r, lmap[l]))
            continue;
        size_t cap = r->lab_cap;
        if (!pmx_reserve_z((void **)&r->lab, &r->lab_cap, (size_t)lmap[l] + 1, sizeof *r->lab, 1))
            return PM_ENOMEM;
        r->bytes += (r->lab_cap - cap) * sizeof *r->lab + sizeof *from->lab[l] +
                    from->lab[l]->k * sizeof(uint32_t);
        r->lab[lmap[l]] = from->lab[l]; /* moved */
        from->lab[l] = NULL;
    }
    for (size_t i = 0; i < from->acc_cap && i < nann; i++) {
        size_t cap = r->acc_cap;
        if (!pmx_reserve_z((void **)&r->acc, &r->acc_cap, (size_t)amap[i] + 1, sizeof *r->acc, 1))
            return PM_ENOMEM;
        r->bytes += (r->acc_cap - cap) * sizeof *r->acc;
        /* an annotator is in one shard only: a copy, the sums for safety */
        rank_acc *t = &r->acc[amap[i]];
        const rank_acc *f = &from->acc[i];
        t->repeats += f->repeats;
        t->pairs += f->pairs;
        t->agree += f->agree;
        t->tau_n += f->tau_n;
        t->share_sum += f->share_sum;
        t->tau_sum += f->tau_sum;
    }
    return PM_OK;
}

size_t pmx_rank_bytes(const pmx_rank *r)
{
    return r ? r->bytes : 0;
}

int pmx_rank_is(const pmx_rank *r, uint32_t label)
{
    return r && label < r->lab_cap && r->lab[label] != NULL;
}

typedef struct id_ref {
    const char *s;
    size_t n;
    uint32_t g;
} id_ref;

static int by_bytes(const void *x, const void *y)
{
    const id_ref *a = x, *b = y;
    size_t n = a->n < b->n ? a->n : b->n;
    int c = memcmp(a->s, b->s, n);
    return c ? c : (a->n > b->n) - (a->n < b->n);
}

/* The pair {i, j}, i < j in byte order: -1 when i is ranked better, 1 when
 * j is, 0 for a tie. */
static int rel(const rank_label *l, uint32_t i, uint32_t j)
{
    return l->g[i] < l->g[j] ? -1 : l->g[i] > l->g[j];
}

/* Parse a canonical ranking label ("r2>r1=r3"); NULL when it is not one. */
static rank_label *parse(const char *text)
{
    size_t k = 1;
    for (const char *s = text; *s; s++)
        k += *s == '>' || *s == '=';
    if (k < 2 || k > UINT32_MAX)
        return NULL;
    id_ref *ids = malloc(k * sizeof *ids);
    rank_label *l = malloc(sizeof *l + k * sizeof(uint32_t));
    if (!ids || !l) {
        free(ids);
        free(l);
        return NULL;
    }
    size_t n = 0;
    uint32_t g = 0;
    const char *start = text;
    for (const char *s = text;; s++) {
        if (*s == '>' || *s == '=' || *s == '\0') {
            ids[n++] = (id_ref){start, (size_t)(s - start), g};
            if (s == start) /* an empty id */
                goto bad;
            if (*s == '\0')
                break;
            g += *s == '>';
            start = s + 1;
        }
    }
    qsort(ids, k, sizeof *ids, by_bytes);
    uint64_t h = 0x9e3779b97f4a7c15ULL;
    for (size_t i = 0; i < k; i++) {
        if (i > 0 && by_bytes(&ids[i - 1], &ids[i]) == 0) /* an id twice */
            goto bad;
        h = pmx_hash_u64(h ^ pmx_hash_bytes(ids[i].s, ids[i].n));
        l->g[i] = ids[i].g;
    }
    l->k = (uint32_t)k;
    l->set = h;
    l->lt = l->gt = l->tie = 0;
    for (uint32_t i = 0; i < l->k; i++)
        for (uint32_t j = i + 1; j < l->k; j++) {
            int c = rel(l, i, j);
            l->lt += c < 0;
            l->gt += c > 0;
            l->tie += c == 0;
        }
    free(ids);
    return l;
bad:
    free(ids);
    free(l);
    return NULL;
}

int pmx_rank_valid(const char *text)
{
    rank_label *l = parse(text);
    int ok = l != NULL;
    free(l);
    return ok;
}

pm_status pmx_rank_note(pmx_rank **rp, uint32_t label, const char *text)
{
    if (!*rp && !(*rp = calloc(1, sizeof **rp)))
        return PM_ENOMEM;
    pmx_rank *r = *rp;
    if (pmx_rank_is(r, label))
        return PM_OK;
    size_t cap = r->lab_cap;
    if (!pmx_reserve_z((void **)&r->lab, &r->lab_cap, (size_t)label + 1, sizeof *r->lab, 1))
        return PM_ENOMEM;
    r->bytes += (r->lab_cap - cap) * sizeof *r->lab;
    rank_label *l = parse(text);
    if (!l)
        return PM_EINVAL;
    r->lab[label] = l;
    r->bytes += sizeof *l + l->k * sizeof(uint32_t);
    return PM_OK;
}

/* The repeat index of (ann, item): the pairs that key has made so far
 * (then one more). */
static pm_status next_index(pmx_rank *r, uint32_t ann, uint32_t item, uint32_t *out)
{
    if ((r->rcount + 1) * 10 > r->rcap * 7) {
        size_t cap = r->rcap ? r->rcap * 2 : 64;
        uint64_t *k = calloc(cap, sizeof *k);
        uint32_t *v = calloc(cap, sizeof *v);
        if (!k || !v) {
            free(k);
            free(v);
            return PM_ENOMEM;
        }
        for (size_t i = 0; i < r->rcap; i++) {
            if (!r->rkey[i])
                continue;
            size_t s = pmx_hash_u64(r->rkey[i]) & (cap - 1);
            while (k[s])
                s = (s + 1) & (cap - 1);
            k[s] = r->rkey[i];
            v[s] = r->rval[i];
        }
        r->bytes += (cap - r->rcap) * (sizeof *k + sizeof *v);
        free(r->rkey);
        free(r->rval);
        r->rkey = k;
        r->rval = v;
        r->rcap = cap;
    }
    uint64_t key = ((uint64_t)(ann + 1) << 32) | item; /* never 0 */
    size_t s = pmx_hash_u64(key) & (r->rcap - 1);
    while (r->rkey[s] && r->rkey[s] != key)
        s = (s + 1) & (r->rcap - 1);
    if (!r->rkey[s]) {
        r->rkey[s] = key;
        r->rcount++;
    }
    *out = r->rval[s]++;
    return PM_OK;
}

uint64_t pmx_rank_unit_pair(uint64_t ann_hash, uint64_t item_hash, uint32_t repeat, uint32_t k,
                            uint32_t *i, uint32_t *j)
{
    uint64_t h = pmx_hash_u64(ann_hash ^ 0x5bd1e9955bd1e995ULL);
    h = pmx_hash_u64(h ^ item_hash);
    h = pmx_hash_u64(h ^ (uint64_t)repeat);
    uint64_t npairs = (uint64_t)k * (k - 1) / 2, u = h % npairs;
    /* Pairs in the order (0,1), (0,2), ..., (0,k-1), (1,2), ... */
    uint32_t a = 0;
    while (u >= (uint64_t)(k - 1 - a)) {
        u -= k - 1 - a;
        a++;
    }
    *i = a;
    *j = a + 1 + (uint32_t)u;
    return h;
}

void pmx_rank_compare(const pmx_rank *r, uint32_t x, uint32_t y, pmx_rank_cmp *out)
{
    const rank_label *a = r->lab[x], *b = r->lab[y];
    long nc = 0, nd = 0, n1 = 0, n2 = 0, agree = 0, n0 = 0;
    for (uint32_t i = 0; i < a->k; i++)
        for (uint32_t j = i + 1; j < a->k; j++) {
            int p = rel(a, i, j), q = rel(b, i, j);
            n0++;
            agree += p == q;
            nc += p * q > 0;
            nd += p * q < 0;
            n1 += p == 0;
            n2 += q == 0;
        }
    out->pairs = n0;
    out->agree = agree;
    double den = sqrt((double)(n0 - n1) * (double)(n0 - n2));
    out->tau_b = den > 0 ? (double)(nc - nd) / den : NAN;
}

/* Add (sign 1) or take back (-1) the repeat (x then y) of (ann, item) with
 * repeat index idx; the unit's agreement. */
static int account(pmx_rank *r, uint32_t ann, uint64_t ann_hash, uint64_t item_hash, uint32_t idx,
                   uint32_t x, uint32_t y, int sign)
{
    const rank_label *a = r->lab[x], *b = r->lab[y];
    pmx_rank_cmp c;
    pmx_rank_compare(r, x, y, &c);
    uint32_t i, j;
    pmx_rank_unit_pair(ann_hash, item_hash, idx, a->k, &i, &j);
    rank_acc *s = &r->acc[ann];
    s->repeats += sign;
    s->pairs += sign * c.pairs;
    s->agree += sign * c.agree;
    s->share_sum += sign * ((double)c.agree / (double)c.pairs);
    if (!isnan(c.tau_b)) {
        s->tau_n += sign;
        s->tau_sum += sign * c.tau_b;
    }
    return rel(a, i, j) == rel(b, i, j);
}

pm_status pmx_rank_pair(pmx_rank *r, uint32_t ann, uint64_t ann_hash, uint32_t item,
                        uint64_t item_hash, uint32_t old, uint32_t label, int *agree)
{
    if (!pmx_rank_is(r, old) || !pmx_rank_is(r, label) || r->lab[old]->k != r->lab[label]->k ||
        r->lab[old]->set != r->lab[label]->set)
        return PM_EINVAL;
    size_t cap = r->acc_cap;
    if (!pmx_reserve_z((void **)&r->acc, &r->acc_cap, (size_t)ann + 1, sizeof *r->acc, 1))
        return PM_ENOMEM;
    r->bytes += (r->acc_cap - cap) * sizeof *r->acc;
    uint32_t idx;
    pm_status st = next_index(r, ann, item, &idx);
    if (st != PM_OK)
        return st;
    *agree = account(r, ann, ann_hash, item_hash, idx, old, label, 1);
    return PM_OK;
}

int pmx_rank_unit(const pmx_rank *r, uint64_t ann_hash, uint64_t item_hash, uint32_t idx,
                  uint32_t old, uint32_t label)
{
    const rank_label *a = r->lab[old], *b = r->lab[label];
    uint32_t i, j;
    pmx_rank_unit_pair(ann_hash, item_hash, idx, a->k, &i, &j);
    return rel(a, i, j) == rel(b, i, j);
}

int pmx_rank_repair(pmx_rank *r, uint32_t ann, uint64_t ann_hash, uint64_t item_hash, uint32_t idx,
                    uint32_t old, uint32_t label, int sign)
{
    return account(r, ann, ann_hash, item_hash, idx, old, label, sign);
}

double pmx_rank_q0(const pmx_rank *r, const long *hist, size_t hist_len, long plain_pairs,
                   long rank_repeats)
{
    long lt = 0, gt = 0, tie = 0, plain = 0, ranks = 0;
    for (size_t id = 0; id < hist_len; id++) {
        if (!hist[id])
            continue;
        if (!pmx_rank_is(r, (uint32_t)id)) {
            plain += hist[id];
            continue;
        }
        const rank_label *l = r->lab[id];
        ranks += hist[id];
        lt += hist[id] * l->lt;
        gt += hist[id] * l->gt;
        tie += hist[id] * l->tie;
    }
    long pc[3] = {lt, gt, tie};
    double q_rank = pmx_q0(pc, 3, lt + gt + tie);
    if (!plain)
        return q_rank;
    /* The plain labels' own q0: their histogram without the rankings. */
    long *ph = malloc(hist_len * sizeof *ph);
    if (!ph)
        return NAN;
    for (size_t id = 0; id < hist_len; id++)
        ph[id] = pmx_rank_is(r, (uint32_t)id) ? 0 : hist[id];
    double q_plain = pmx_q0(ph, hist_len, plain);
    free(ph);
    if (!ranks)
        return q_plain;
    /* Both kinds: a unit is a plain repeat or a ranking repeat, so its
     * chance agreement is the mixture, weighted by the units of each kind
     * (by the labels of each kind while there are no units). */
    double wp = (double)plain_pairs, wr = (double)rank_repeats;
    if (wp + wr == 0) {
        wp = (double)plain;
        wr = (double)ranks;
    }
    return (wp * q_plain + wr * q_rank) / (wp + wr);
}

void pmx_rank_row(const pmx_rank *r, uint32_t ann, const long *hist, size_t hist_len,
                  pm_assess_row *row)
{
    row->rank_labels = 0;
    for (size_t id = 0; id < hist_len; id++)
        if (pmx_rank_is(r, (uint32_t)id))
            row->rank_labels += hist[id];
    const rank_acc *s = r && ann < r->acc_cap ? &r->acc[ann] : NULL;
    row->rank_repeats = s ? s->repeats : 0;
    row->rank_pairs = s ? s->pairs : 0;
    row->rank_pairs_agree = s ? s->agree : 0;
    row->rank_consistency = s && s->repeats ? s->share_sum / (double)s->repeats : NAN;
    row->tau_b_n = s ? s->tau_n : 0;
    row->tau_b_mean = s && s->tau_n ? s->tau_sum / (double)s->tau_n : NAN;
}

int pmx_rank_distinct(const pmx_rank *r, const long *hist, size_t hist_len)
{
    long lt = 0, gt = 0, tie = 0;
    size_t plain = 0;
    for (size_t id = 0; id < hist_len; id++) {
        if (!hist[id])
            continue;
        if (!pmx_rank_is(r, (uint32_t)id)) {
            plain++;
            continue;
        }
        lt += r->lab[id]->lt;
        gt += r->lab[id]->gt;
        tie += r->lab[id]->tie;
    }
    return (int)plain + (lt > 0) + (gt > 0) + (tie > 0);
}
