/* io/records: pmx_ranking_label, the one builder of canonical ranking
 * labels. The reference here is independent of its sort: for every order
 * in which the same ranking can be given (all k! permutations of the
 * entries, k <= 5), the label must be the same, and it must equal the
 * label written out by hand from the ranks. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "io/records_internal.h"

static pm_status label_of(const char **ids, const double *rank, size_t k, pmx_buf *out,
                          pm_error *err)
{
    pmx_rank_entry e[8];
    for (size_t i = 0; i < k; i++)
        e[i] = (pmx_rank_entry){ids[i], strlen(ids[i]), rank[i]};
    return pmx_ranking_label(out, e, k, "f.jsonl", 7, "ranking", err);
}

/* Every permutation of idx[0..k) by Heap's algorithm, each checked. */
static void all_orders(const char **ids, const double *rank, size_t k, const char *want)
{
    size_t c[8] = {0}, idx[8];
    for (size_t i = 0; i < k; i++)
        idx[i] = i;
    pmx_buf out = {0};
    size_t i = 0;
    long seen = 0;
    for (;;) {
        const char *pid[8];
        double pr[8];
        for (size_t j = 0; j < k; j++) {
            pid[j] = ids[idx[j]];
            pr[j] = rank[idx[j]];
        }
        assert_int_equal(label_of(pid, pr, k, &out, NULL), PM_OK);
        assert_string_equal(out.s, want);
        seen++;
        while (i < k && c[i] >= i) {
            c[i] = 0;
            i++;
        }
        if (i >= k)
            break;
        size_t a = i % 2 ? c[i] : 0, t = idx[a];
        idx[a] = idx[i];
        idx[i] = t;
        c[i]++;
        i = 0;
    }
    long fact = 1;
    for (size_t j = 2; j <= k; j++)
        fact *= (long)j;
    assert_int_equal(seen, fact);
    pmx_buf_free(&out);
}

static void test_strict_and_ties(void **state)
{
    (void)state;
    const char *ids[] = {"r1", "r2", "r3", "r10", "b"};
    double strict[] = {2, 1, 3, 5, 4};
    all_orders(ids, strict, 5, "r2>r1>r3>b>r10");
    double ties[] = {2, 1, 2, 1, 3}; /* {r2, r10} first, {r1, r3}, then b; byte order in a group */
    all_orders(ids, ties, 5, "r10=r2>r1=r3>b");
    double all_tied[] = {1, 1, 1};
    all_orders(ids, all_tied, 3, "r1=r2=r3");
    double two[] = {0.5, -3}; /* any finite ranks: only their order counts */
    all_orders(ids, two, 2, "r2>r1");
}

static void refused(const char **ids, const double *rank, size_t k, const char *needle)
{
    pmx_buf out = {0};
    pm_error err = {0};
    assert_int_equal(label_of(ids, rank, k, &out, &err), PM_EPARSE);
    if (!strstr(err.text, needle) || !strstr(err.text, "f.jsonl:7"))
        fail_msg("message '%s' lacks '%s' or the position", err.text, needle);
    pmx_buf_free(&out);
}

static void test_refusals(void **state)
{
    (void)state;
    double r3[] = {1, 2, 3};
    const char *one[] = {"a"};
    refused(one, r3, 1, "at least 2");
    const char *twice[] = {"a", "b", "a"};
    refused(twice, r3, 3, "'a' is ranked twice");
    const char *sep[] = {"a", "b>c", "d"};
    refused(sep, r3, 3, "'>' or '='");
    const char *eq[] = {"a=", "b", "d"};
    refused(eq, r3, 3, "'>' or '='");
    const char *empty[] = {"a", "", "d"};
    refused(empty, r3, 3, "empty response id");
    const char *ctl[] = {"a", "b\tc", "d"};
    refused(ctl, r3, 3, "control character");
    const char *bad[] = {"a", "\xff", "d"};
    refused(bad, r3, 3, "UTF-8");
    const char *ok[] = {"a", "b", "c"};
    double nanr[] = {1, NAN, 2};
    refused(ok, nanr, 3, "not a finite number");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_strict_and_ties),
        cmocka_unit_test(test_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
