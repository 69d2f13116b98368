/*
** bench_assess: how fast does `assess` accumulate label events, and how much
** memory does it hold per distinct (annotator, item) key?
**
**   bench_assess [ROWS] [ANNOTATORS] [DUP_RATE] [LOG.tsv]   (10000000 1000 0.1)
**
** With LOG.tsv the generated log is also written there, for the pandas peer
** of the same per-annotator computation:
**
**   build/bench_assess 2000000 1000 0.1 /tmp/log.tsv
**   /usr/bin/python3 bench/assess_pandas.py /tmp/log.tsv
**
** An in-memory generator (no file, no parsing) makes a log shaped like a
** week of crowd work: annotators label in runs of 50 rows, items are drawn
** from a pool of ROWS/3 keys ("item-<n>", so items are shared by about three
** annotators), each label repeats one of the annotator's recent items with
** probability DUP_RATE, labels are A/B/tie, about one in ten rows has a gold
** label, timestamps increase and every row has a duration. The generator is
** timed alone (CPU time of the process), then generator + pm_assess_add, then pm_assess_finish; the
** accumulator's rate is rows / (both - generator alone). Peak RSS from
** getrusage; bytes per key from the accumulator's own count at finish.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <time.h>

#include "bench_util.h"
#include "prefmon/assess.h"

/* xorshift64*: the generator must cost little next to what it feeds. */
static unsigned long long rng_state = 0x9e3779b97f4a7c15ULL;
static unsigned long long rnd(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dULL;
}

static char *utoa(char *p, unsigned long long v)
{
    char tmp[24];
    int n = 0;
    do
        tmp[n++] = (char)('0' + v % 10);
    while (v /= 10);
    while (n)
        *p++ = tmp[--n];
    *p = '\0';
    return p;
}

typedef struct gen {
    long rows, annotators, pool;
    double dup_rate;
    long i;
    unsigned long long recent[64]; /* the current annotator's recent items */
    int nrecent;
    char ann[32], item[32];
} gen;

static const char *const labels[3] = {"A", "B", "tie"};

static void next_record(gen *g, pm_record *r)
{
    long run = g->i / 50;
    if (g->i % 50 == 0) {
        memcpy(g->ann, "worker-", 7);
        utoa(g->ann + 7, (unsigned long long)(run * 7919 % g->annotators));
        g->nrecent = 0;
    }
    unsigned long long x = rnd(), item;
    if (g->nrecent && (double)(x >> 11) / 9007199254740992.0 < g->dup_rate)
        item = g->recent[(x >> 3) % (unsigned)g->nrecent];
    else {
        item = rnd() % (unsigned long long)g->pool;
        if (g->nrecent < 64)
            g->recent[g->nrecent++] = item;
    }
    memcpy(g->item, "item-", 5);
    utoa(g->item + 5, item);
    r->annotator = g->ann;
    r->item = g->item;
    r->label = labels[(x >> 20) % 3];
    r->gold = (x >> 40) % 10 == 0 ? labels[item % 2] : NULL;
    r->shown_left = (x >> 50) & 1 ? 'A' : 'B';
    r->timestamp = 1.7e9 + (double)g->i;
    r->duration = 5.0 + (double)((x >> 30) % 100) / 10;
    r->ranking = 0;
    r->file = "gen";
    r->line = g->i + 1;
    g->i++;
}

#define BATCHN 64

/* A batch of records whose strings all stay valid together. */
typedef struct batch {
    pm_record r[BATCHN];
    char ann[BATCHN][32], item[BATCHN][32];
} batch;

static void next_batch(gen *g, batch *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        next_record(g, &b->r[i]);
        memcpy(b->ann[i], g->ann, sizeof g->ann);
        memcpy(b->item[i], g->item, sizeof g->item);
        b->r[i].annotator = b->ann[i];
        b->r[i].item = b->item[i];
    }
}

static void gen_init(gen *g, long rows, long annotators, double dup_rate)
{
    memset(g, 0, sizeof *g);
    g->rows = rows;
    g->annotators = annotators;
    g->pool = rows / 3 > 1 ? rows / 3 : 1;
    g->dup_rate = dup_rate;
    rng_state = 0x9e3779b97f4a7c15ULL;
}

static int write_log(const char *path, long rows, long annotators, double dup)
{
    FILE *fp = fopen(path, "w");
    if (!fp)
        return 0;
    gen g;
    pm_record r;
    gen_init(&g, rows, annotators, dup);
    fprintf(fp, "annotator\titem\tlabel\tgold\tshown_left\ttimestamp\tduration\n");
    for (long i = 0; i < rows; i++) {
        next_record(&g, &r);
        fprintf(fp, "%s\t%s\t%s\t%s\t%c\t%.0f\t%.1f\n", r.annotator, r.item, r.label,
                r.gold ? r.gold : "", r.shown_left, r.timestamp, r.duration);
    }
    return fclose(fp) == 0;
}

int main(int argc, char **argv)
{
    long rows = argc > 1 ? atol(argv[1]) : 10000000;
    long annotators = argc > 2 ? atol(argv[2]) : 1000;
    double dup = argc > 3 ? atof(argv[3]) : 0.1;
    bench_header(argc, argv);
    if (argc > 4 && !write_log(argv[4], rows, annotators, dup)) {
        fprintf(stderr, "bench_assess: cannot write %s\n", argv[4]);
        return 1;
    }
    gen g;
    pm_record r;
    unsigned long long sink = 0;
    gen_init(&g, rows, annotators, dup);
    double t0 = bench_cpu();
    for (long i = 0; i < rows; i++) {
        next_record(&g, &r);
        sink += (unsigned char)r.item[5];
    }
    double t_gen = bench_cpu() - t0;

    pm_error err;
    pm_assess *a = pm_assess_new(NULL, &err);
    if (!a)
        return 1;
    gen_init(&g, rows, annotators, dup);
    double w0 = bench_wall();
    t0 = bench_cpu();
    for (long i = 0; i < rows; i++) {
        next_record(&g, &r);
        if (pm_assess_add(a, &r, &err) != PM_OK) {
            fprintf(stderr, "bench_assess: %s\n", err.text);
            return 1;
        }
    }
    double t_add = bench_cpu() - t0;
    t0 = bench_cpu();
    if (pm_assess_finish(a, &err) != PM_OK) {
        fprintf(stderr, "bench_assess: %s\n", err.text);
        return 1;
    }
    double t_fin = bench_cpu() - t0, t_wall = bench_wall() - w0;
    const pm_assess_summary sum = *pm_assess_summary_get(a), *s = &sum;
    pm_assess_free(a);

    /* The same rows through pm_assess_add_batch, 64 at a time. */
    static batch b;
    gen_init(&g, rows, annotators, dup);
    t0 = bench_cpu();
    for (long i = 0; i < rows; i += BATCHN) {
        next_batch(&g, &b, rows - i < BATCHN ? (size_t)(rows - i) : BATCHN);
        sink += (unsigned char)b.item[0][5];
    }
    double t_bgen = bench_cpu() - t0;
    pm_assess *ab = pm_assess_new(NULL, &err);
    if (!ab)
        return 1;
    gen_init(&g, rows, annotators, dup);
    t0 = bench_cpu();
    for (long i = 0; i < rows; i += BATCHN) {
        size_t m = rows - i < BATCHN ? (size_t)(rows - i) : BATCHN, done;
        next_batch(&g, &b, m);
        if (pm_assess_add_batch(ab, b.r, m, &done, &err) != PM_OK) {
            fprintf(stderr, "bench_assess: %s\n", err.text);
            return 1;
        }
    }
    double t_badd = bench_cpu() - t0;
    if (pm_assess_finish(ab, &err) != PM_OK || pm_assess_summary_get(ab)->pairs != s->pairs) {
        fprintf(stderr, "bench_assess: the batch run differs\n");
        return 1;
    }
    pm_assess_free(ab);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double t_acc = t_add - t_gen;
    printf("rows %ld  annotators %ld  items %ld  keys %ld  pairs %ld  (checksum %llu)\n", s->rows,
           s->annotators, s->items, s->keys, s->pairs, sink % 1000);
    printf("times are CPU seconds of this process; wall time of generator + add + finish "
           "%.3f s\n",
           t_wall);
    printf("generator alone      %8.3f s  %6.2f M rows/s\n", t_gen, rows / t_gen / 1e6);
    printf("generator + add      %8.3f s  %6.2f M rows/s\n", t_add, rows / t_add / 1e6);
    printf("add (difference)     %8.3f s  %6.2f M rows/s\n", t_acc,
           t_acc > 0 ? rows / t_acc / 1e6 : INFINITY);
    printf("add_batch (64)       %8.3f s  %6.2f M rows/s\n", t_badd - t_bgen,
           rows / (t_badd - t_bgen) / 1e6);
    printf("finish               %8.3f s\n", t_fin);
    printf("add + finish         %8.3f s  %6.2f M rows/s\n", t_acc + t_fin,
           rows / (t_acc + t_fin) / 1e6);
    printf("memory held %.1f MB = %.1f bytes per key (%.1f per row); peak RSS %.1f MB\n",
           (double)s->bytes / 1e6, (double)s->bytes / (double)s->keys,
           (double)s->bytes / (double)s->rows, (double)ru.ru_maxrss / 1024);
    return 0;
}
