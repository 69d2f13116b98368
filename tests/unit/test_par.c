/* pmx_par_for (core/par.h): the ranges cover [0, n) once each, in order,
 * contiguous, with at most the threads asked for and none smaller than
 * min_each unless there is only one; checked by marking every index. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "core/par.h"

typedef struct marks {
    unsigned char *seen; /* times each index was visited */
    size_t lo[PMX_PAR_MAX], hi[PMX_PAR_MAX];
} marks;

static void mark(void *ctx, size_t lo, size_t hi, int k)
{
    marks *m = ctx;
    m->lo[k] = lo;
    m->hi[k] = hi;
    for (size_t i = lo; i < hi; i++)
        m->seen[i]++;
}

static void ranges_cover_once(void **state)
{
    (void)state;
    const size_t sizes[] = {0, 1, 2, 3, 7, 100, 4095, 4096, 4097, 100003};
    const int threads[] = {-1, 0, 1, 2, 3, 5, 64, 65, 1000};
    const size_t mins[] = {0, 1, 10, 2048};
    for (size_t a = 0; a < sizeof sizes / sizeof *sizes; a++)
        for (size_t b = 0; b < sizeof threads / sizeof *threads; b++)
            for (size_t c = 0; c < sizeof mins / sizeof *mins; c++) {
                size_t n = sizes[a];
                marks *m = calloc(1, sizeof *m);
                assert_non_null(m);
                m->seen = calloc(n + 1, 1);
                assert_non_null(m->seen);
                int r = pmx_par_for(n, threads[b], mins[c], mark, m);
                for (size_t i = 0; i < n; i++)
                    assert_int_equal(m->seen[i], 1);
                if (n == 0) {
                    assert_int_equal(r, 0);
                } else {
                    int cap = threads[b] < 1             ? 1
                              : threads[b] > PMX_PAR_MAX ? PMX_PAR_MAX
                                                         : threads[b];
                    assert_true(r >= 1 && r <= cap);
                    assert_int_equal(m->lo[0], 0);
                    assert_int_equal(m->hi[r - 1], n);
                    for (int k = 0; k < r; k++) {
                        if (k + 1 < r)
                            assert_int_equal(m->hi[k], m->lo[k + 1]);
                        if (r > 1)
                            assert_true(m->hi[k] - m->lo[k] >= (mins[c] ? mins[c] : 1));
                    }
                    /* as many ranges as the threads allow when each is big enough */
                    size_t each = mins[c] ? mins[c] : 1;
                    if ((size_t)cap * each <= n)
                        assert_int_equal(r, cap);
                }
                free(m->seen);
                free(m);
            }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ranges_cover_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
