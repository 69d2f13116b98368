/*
** Fuzz target for the plan manifest reader (pm_plan_read_manifest) over
** fixed pools: items k0 .. k29 and gold g0 .. g4 (the corpus's manifests
** were written by prefmon plan over exactly these keys: --items a file
** "k0".."k29" one per line, --gold "g0".."g4" TAB A; two_annotators_gold:
** --gold-rate 0.2 --annotators 2 --queue-length 10 --dup-count 2 --min-gap 3
** --seed 4; all_pairs_names: --annotator-names 'x,y "z"' --queue-length 6
** --dup-count 3 --min-gap 3 --seed 18446744073709551615; one_slot:
** --annotators 1 --queue-length 1 --dup-count 0 --seed 0; the others are
** those cut, edited or joined by hand: truncated, CRLF, no final newline, a
** repeat not swapped, a partner out of range, an extra row).
**
** libFuzzer entry point; also built as fuzz_plan_manifest_replay
** (replay_main.c) to replay tests/fuzz/corpus/fuzz_plan_manifest/ under
** ctest. Invariants:
**   - on failure the status is PM_EPARSE, PM_ELIMIT, PM_EIO or PM_ENOMEM
**     and the message names the input ("fuzz:...");
**   - on success the plan obeys plan.h, checked here from its rows alone:
**     rows = annotators x L, positions 1..L in order, every copy 2 has a
**     copy 1 pointing back at least G earlier with the same item and the
**     other side on the left, d pairs and g gold rows per annotator;
**   - its manifest, written again, reads back to the same bytes.
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prefmon/plan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what)
{
    fprintf(stderr, "fuzz_plan_manifest: invariant violated: %s\n", what);
    abort();
}

static pm_plan_pool *key_pool(size_t n, const char *prefix)
{
    pm_plan_pool *p = pm_plan_pool_new(NULL);
    for (size_t i = 0; p && i < n; i++) {
        char k[32];
        snprintf(k, sizeof k, "%s%zu", prefix, i);
        if (pm_plan_pool_add(p, k, NULL, NULL, NULL, NULL) != PM_OK)
            fail("pool");
    }
    return p;
}

static void check_rows(const pm_plan *p)
{
    pm_plan_summary s;
    if (pm_plan_summarize(p, NULL, &s, NULL) != PM_OK)
        fail("summary");
    size_t n;
    const pm_plan_row *r = pm_plan_rows(p, &n);
    if (n != s.annotators * (size_t)s.length)
        fail("row count");
    for (size_t a = 0; a < s.annotators; a++) {
        const pm_plan_row *q = r + a * (size_t)s.length;
        long seconds = 0, gold = 0;
        for (long t = 0; t < s.length; t++) {
            if (q[t].annotator != a || q[t].position != t + 1)
                fail("order");
            gold += q[t].is_gold;
            if (q[t].copy != 2)
                continue;
            long f = q[t].partner - 1;
            if (f < 0 || f >= t || t - f < s.min_gap || q[f].copy != 1 || q[f].partner != t + 1 ||
                q[f].item != q[t].item || q[f].is_gold || q[t].is_gold ||
                q[f].shown_left == q[t].shown_left)
                fail("duplicate pair");
            seconds++;
        }
        if (seconds != s.duplicates || gold != s.gold)
            fail("counts per annotator");
    }
}

static char *manifest_of(const pm_plan *p, size_t *len)
{
    char *buf = NULL;
    FILE *fp = open_memstream(&buf, len);
    if (!fp || pm_plan_write_manifest(p, fp, NULL) != PM_OK)
        fail("write");
    fclose(fp);
    return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pm_plan_pool *items = key_pool(30, "k"), *gold = key_pool(5, "g");
    FILE *fp = fmemopen((void *)data, size ? size : 1, "r");
    if (!items || !gold || !fp)
        fail("setup");
    if (size == 0)
        fgetc(fp); /* fmemopen needs size >= 1: consume it, read nothing */
    pm_plan *p = NULL;
    pm_error e;
    pm_status st = pm_plan_read_manifest(fp, "fuzz", items, gold, &p, &e);
    fclose(fp);
    if (st != PM_OK) {
        if (st != PM_EPARSE && st != PM_ELIMIT && st != PM_EIO && st != PM_ENOMEM)
            fail("unexpected status");
        if (strncmp(e.text, "fuzz:", 5) != 0 && st != PM_ENOMEM)
            fail("message does not name the input");
        if (p)
            fail("a plan on failure");
    } else {
        check_rows(p);
        size_t len, len2;
        char *m = manifest_of(p, &len);
        pm_plan *back = NULL;
        fp = fmemopen(m, len, "r");
        if (!fp || pm_plan_read_manifest(fp, "again", items, gold, &back, NULL) != PM_OK)
            fail("a written manifest does not read back");
        fclose(fp);
        char *m2 = manifest_of(back, &len2);
        if (len != len2 || memcmp(m, m2, len) != 0)
            fail("manifest bytes differ after a round trip");
        free(m);
        free(m2);
        pm_plan_free(back);
        pm_plan_free(p);
    }
    pm_plan_pool_free(items);
    pm_plan_pool_free(gold);
    return 0;
}
