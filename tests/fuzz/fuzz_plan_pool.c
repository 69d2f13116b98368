/*
** Fuzz target for the plan item-pool reader (pm_plan_pool_read_jsonl) and
** the planner on what it read.
**
** libFuzzer entry point; also built as fuzz_plan_pool_replay (replay_main.c)
** to replay tests/fuzz/corpus/fuzz_plan_pool/ under ctest. Invariants:
**   - the pool starts with one item; on failure the status is PM_EPARSE,
**     PM_ELIMIT, PM_EIO or PM_ENOMEM, the message names the input
**     ("fuzz:..."), and the pool is back to that one item;
**   - on success: items added + duplicates counted <= data lines (an
**     independent count of lines that are not blank), and every key can be
**     found again;
**   - a plan over the pool (L = min(count, 12), d = L / 4, G = 2) is made
**     and obeys the queue invariants (gap, swap, counts), and the Label
**     Studio writer produces a JSON list that jansson reads back.
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "prefmon/plan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what)
{
    fprintf(stderr, "fuzz_plan_pool: invariant violated: %s\n", what);
    abort();
}

static size_t data_lines(const uint8_t *d, size_t n)
{
    size_t lines = 0, i = 0;
    while (i < n) {
        int blank = 1;
        for (; i < n && d[i] != '\n'; i++)
            if (d[i] != ' ' && d[i] != '\t' && d[i] != '\r')
                blank = 0;
        i++;
        lines += !blank;
    }
    return lines;
}

static void check_plan(const pm_plan_pool *pool)
{
    long count = (long)pm_plan_pool_count(pool);
    long L = count < 12 ? count : 12, d = L / 4;
    pm_plan_request q = {pool, NULL, NULL, 2, L, d, 0, 2, 0, 7};
    pm_plan *p;
    pm_error e;
    if (pm_plan_make(&q, &p, &e) != PM_OK)
        fail("plan on a feasible request failed");
    size_t n;
    const pm_plan_row *r = pm_plan_rows(p, &n);
    long seconds = 0;
    for (size_t i = 0; i < n; i++) {
        if (r[i].copy == 2) {
            const pm_plan_row *f = &r[i - (size_t)(r[i].position - r[i].partner)];
            if (r[i].position - r[i].partner < 2 || f->item != r[i].item ||
                f->shown_left == r[i].shown_left)
                fail("duplicate gap or swap");
            seconds++;
        }
    }
    if (seconds != 2 * d)
        fail("duplicate count");
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    if (!fp)
        fail("open_memstream");
    if (pm_plan_write_labelstudio(p, fp, &e) != PM_OK) {
        /* Only invalid UTF-8 in a text may refuse; jansson decided it. */
        if (!strstr(e.text, "UTF-8"))
            fail("Label Studio writer failed");
    }
    fclose(fp);
    json_t *j = json_loads(buf, 0, NULL);
    if (j && (!json_is_array(j) || json_array_size(j) != n))
        fail("Label Studio file is not a list with one task per row");
    json_decref(j);
    free(buf);
    pm_plan_free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pm_plan_pool *pool = pm_plan_pool_new(NULL);
    if (!pool)
        return 0;
    if (pm_plan_pool_add(pool, "seed-item", "x", "y", NULL, NULL) != PM_OK)
        fail("seed item");
    FILE *fp = fmemopen((void *)data, size ? size : 1, "r");
    if (!fp) {
        pm_plan_pool_free(pool);
        return 0;
    }
    if (size == 0)
        fgetc(fp); /* fmemopen needs size >= 1: consume it, read nothing */
    size_t dups = 0;
    pm_error e;
    pm_status st = pm_plan_pool_read_jsonl(pool, fp, "fuzz", &dups, &e);
    fclose(fp);
    size_t count = pm_plan_pool_count(pool);
    if (st != PM_OK) {
        if (st != PM_EPARSE && st != PM_ELIMIT && st != PM_EIO && st != PM_ENOMEM)
            fail("unexpected status");
        if (strncmp(e.text, "fuzz:", 5) != 0 && st != PM_ENOMEM)
            fail("message does not name the input");
        if (count != 1 || !pm_plan_pool_find(pool, "seed-item", NULL))
            fail("pool not restored after an error");
    } else {
        if (count - 1 + dups > data_lines(data, size))
            fail("more items than data lines");
        for (size_t i = 0; i < count; i++) {
            size_t at;
            if (!pm_plan_pool_find(pool, pm_plan_pool_key(pool, i), &at) || at != i)
                fail("key not found again");
        }
        check_plan(pool);
    }
    pm_plan_pool_free(pool);
    return 0;
}
