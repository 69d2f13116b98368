/* pmx_par_for (core/par.h). */
#include <pthread.h>

#include "core/par.h"

typedef struct par_job {
    void (*fn)(void *ctx, size_t lo, size_t hi, int k);
    void *ctx;
    size_t lo, hi;
    int k;
} par_job;

static void *run(void *arg)
{
    par_job *j = arg;
    j->fn(j->ctx, j->lo, j->hi, j->k);
    return NULL;
}

int pmx_par_for(size_t n, int threads, size_t min_each,
                void (*fn)(void *ctx, size_t lo, size_t hi, int k), void *ctx)
{
    if (n == 0)
        return 0;
    size_t t = threads < 1 ? 1 : threads > PMX_PAR_MAX ? PMX_PAR_MAX : (size_t)threads;
    if (min_each < 1)
        min_each = 1;
    if (t > n / min_each)
        t = n / min_each ? n / min_each : 1;
    par_job job[PMX_PAR_MAX];
    pthread_t tid[PMX_PAR_MAX];
    int started[PMX_PAR_MAX] = {0};
    for (size_t k = 0; k < t; k++)
        job[k] = (par_job){fn, ctx, n * k / t, n * (k + 1) / t, (int)k};
    for (size_t k = 1; k < t; k++)
        started[k] = pthread_create(&tid[k], NULL, run, &job[k]) == 0;
    run(&job[0]);
    for (size_t k = 1; k < t; k++) {
        if (started[k])
            pthread_join(tid[k], NULL);
        else
            run(&job[k]);
    }
    return (int)t;
}
