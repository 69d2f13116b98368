/* core/batched.h: the batched writer passes on exactly the bytes written to
 * it, in order, whatever the sizes of the pieces (below, at and above its
 * block), and a failure underneath is reported by the write that meets it,
 * by every later write and by the flush. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/batched.h"

typedef struct sink {
    pm_buffer buf;
    size_t calls;
    size_t fail_after; /* bytes accepted before failing; SIZE_MAX: never */
} sink;

static int sink_write(void *ctx, const char *p, size_t n)
{
    sink *s = ctx;
    s->calls++;
    if (s->buf.len + n > s->fail_after)
        return 1;
    pm_writer w = pm_writer_buffer(&s->buf);
    return w.write(w.ctx, p, n);
}

static void test_bytes_pass_in_order(void **state)
{
    (void)state;
    sink s = {.fail_after = SIZE_MAX};
    pm_writer under = {sink_write, &s};
    pmx_batch *b = malloc(sizeof *b);
    assert_non_null(b);
    pm_writer w = pmx_batch_writer(b, &under);
    size_t total = 0, cap = (size_t)1 << 22, pieces = 0;
    char *want = malloc(cap), *piece = malloc(PMX_BATCH_BYTES * 3);
    assert_non_null(want);
    assert_non_null(piece);
    uint64_t x = 12345;
    while (total < cap - PMX_BATCH_BYTES * 3) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        /* mostly small pieces; sometimes exactly a block, or past it */
        size_t n = (x >> 33) % 100 == 0
                       ? ((x >> 40) % 3 == 0 ? PMX_BATCH_BYTES : PMX_BATCH_BYTES + (x >> 20) % 1000)
                       : (x >> 33) % 40;
        for (size_t i = 0; i < n; i++)
            piece[i] = (char)('a' + (total + i) % 26);
        assert_int_equal(w.write(w.ctx, piece, n), 0);
        memcpy(want + total, piece, n);
        total += n;
        pieces++;
    }
    assert_int_equal(pmx_batch_flush(b), 0);
    assert_int_equal(s.buf.len, total);
    assert_memory_equal(s.buf.data, want, total);
    /* far fewer writes underneath than pieces */
    assert_true(s.calls * 20 < pieces);
    pm_buffer_free(&s.buf);
    free(want);
    free(piece);
    free(b);
}

static void test_failure_sticks(void **state)
{
    (void)state;
    sink s = {.fail_after = 100000};
    pm_writer under = {sink_write, &s};
    pmx_batch *b = malloc(sizeof *b);
    assert_non_null(b);
    pm_writer w = pmx_batch_writer(b, &under);
    char piece[1000];
    memset(piece, 'x', sizeof piece);
    int failed = 0;
    for (int i = 0; i < 300 && !failed; i++)
        failed = w.write(w.ctx, piece, sizeof piece);
    assert_true(failed); /* 300,000 bytes cannot all pass */
    assert_true(w.write(w.ctx, piece, 1) != 0);
    assert_true(pmx_batch_flush(b) != 0);
    assert_true(s.buf.len <= 100000);
    pm_buffer_free(&s.buf);
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bytes_pass_in_order),
        cmocka_unit_test(test_failure_sticks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
