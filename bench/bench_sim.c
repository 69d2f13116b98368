/*
** bench_sim: how many simulated labels per second does `simulate` make,
** alone and written as a log (issue 8: at least 10 million labels per
** second on one core, including writing CSV)?
**
**   bench_sim [ANNOTATORS] [LENGTH] [REPEATS] [OUT]   (1000 1000 10 /dev/null)
**
** A pool of 5000 items with texts of 20..219 bytes; a plan of ANNOTATORS
** queues of LENGTH slots, 10% duplicates (min gap 10) and 5% gold; a mixed
** pool (careful eta ~ beta:8,2, 10% spammers, 10% longer-response, 5%
** left clickers). Each of REPEATS rounds labels every row (pm_sim_labels)
** and writes the log to OUT through the records writer (CSV, then JSONL and
** Label Studio once each, for scale). CPU seconds of the process; the plan
** is made once, outside the clock (it is prefmon plan's work, not the
** simulation's).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"
#include "prefmon/records_write.h"
#include "prefmon/sim.h"

static const pm_plan_pool *items, *gold;

static int write_log(const pm_plan *plan, const char *labels, size_t rows, pm_records_format f,
                     const char *out)
{
    FILE *fp = fopen(out, "wb");
    pm_records_writer *w;
    pm_error err = {0};
    if (!fp || pm_records_writer_new(fp, out, f, PM_RECW_SHOWN_LEFT, &w, &err) != PM_OK)
        return 1;
    (void)rows;
    if (pm_sim_write_log(plan, labels, items, gold, w, &err) != PM_OK) {
        pm_records_writer_free(w);
        fclose(fp);
        return 1;
    }
    int bad = pm_records_writer_close(w, &err) != PM_OK;
    return fclose(fp) != 0 || bad;
}

int main(int argc, char **argv)
{
    size_t nann = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000;
    long len = argc > 2 ? strtol(argv[2], NULL, 10) : 1000;
    int reps = argc > 3 ? atoi(argv[3]) : 10;
    const char *out = argc > 4 ? argv[4] : "/dev/null";
    bench_header(argc, argv);
    pm_plan_pool *ipool = pm_plan_pool_new(NULL), *gpool = pm_plan_pool_new(NULL);
    items = ipool;
    gold = gpool;
    size_t nitems = 5000, ngold = 100;
    double *p = malloc(nitems * sizeof *p), *pg = malloc(ngold * sizeof *pg);
    char a[256], b[256];
    pm_rng r;
    pm_rng_seed(&r, 1);
    for (size_t i = 0; i < nitems + ngold; i++) {
        size_t la = 20 + pm_rng_below(&r, 200), lb = 20 + pm_rng_below(&r, 200);
        snprintf(a, sizeof a, "%zu", i);
        snprintf(b, sizeof b, "%zu", i);
        memset(a + strlen(a), 'a', la - strlen(a));
        memset(b + strlen(b), 'b', lb - strlen(b));
        a[la] = b[lb] = '\0';
        int isg = i >= nitems;
        pm_plan_pool_add(isg ? gpool : ipool, NULL, a, b, NULL, NULL);
        (isg ? pg : p)[isg ? i - nitems : i] = 0.5 + 0.5 * pm_rng_unit(&r);
    }
    pm_plan_request req = {ipool, gpool, NULL, nann, len, -1, 0.1, 10, 0.05, 7};
    pm_plan *plan = NULL;
    pm_error err = {0};
    if (pm_plan_make(&req, &plan, &err) != PM_OK) {
        fprintf(stderr, "bench_sim: %s\n", err.text);
        return 1;
    }
    pm_sim_annotator *pool = malloc(nann * sizeof *pool);
    pm_sim_effort e;
    pm_sim_effort_parse("beta:8,2", &e, NULL);
    size_t ns = nann / 10, nl = nann / 10, nleft = nann / 20;
    pm_sim_pool(&e, nann - ns - nl - nleft, ns, nl, nleft, 7, pool, NULL);
    size_t rows;
    pm_plan_rows(plan, &rows);
    char *labels = malloc(rows);
    pm_sim_request sr = {plan, ipool, gpool, p, pg, pool, 0.02, 7};
    double t0 = bench_cpu();
    for (int k = 0; k < reps; k++) {
        sr.seed = 7 + (uint64_t)k;
        if (pm_sim_labels(&sr, labels, &err) != PM_OK)
            return 1;
    }
    double t1 = bench_cpu();
    for (int k = 0; k < reps; k++)
        if (write_log(plan, labels, rows, PM_RECORDS_CSV, out))
            return 1;
    double t2 = bench_cpu();
    if (write_log(plan, labels, rows, PM_RECORDS_JSONL, out))
        return 1;
    double t3 = bench_cpu();
    if (write_log(plan, labels, rows, PM_RECORDS_LABELSTUDIO, out))
        return 1;
    double t4 = bench_cpu();
    double n = (double)rows * reps;
    printf("rows per round %zu (annotators %zu x length %ld), rounds %d, out %s\n", rows, nann, len,
           reps, out);
    printf("labels only:          %8.2f M labels/s (CPU)\n", n / (t1 - t0) / 1e6);
    printf("CSV writing only:     %8.2f M rows/s\n", n / (t2 - t1) / 1e6);
    printf("labels + CSV:         %8.2f M labels/s  <- issue 8 target: >= 10\n",
           n / (t2 - t0) / 1e6);
    printf("JSONL writing:        %8.2f M rows/s\n", (double)rows / (t3 - t2) / 1e6);
    printf("Label Studio writing: %8.2f M rows/s\n", (double)rows / (t4 - t3) / 1e6);
    free(labels);
    free(pool);
    free(p);
    free(pg);
    pm_plan_free(plan);
    pm_plan_pool_free(ipool);
    pm_plan_pool_free(gpool);
    return 0;
}
