/* io/records_split: the chunk boundaries of the threaded reader. Every
 * chunk must start where a record starts, with the line number of that
 * place, and the chunks must tile the data after the header. The record
 * starts are found here independently, byte by byte, by the RFC 4180
 * state machine (outside quotes a line end ends a record; inside, only a
 * quote not followed by another quote closes the field), and the chunks
 * are asked for at every size from 1 byte to past the file, so that the
 * naive split points fall inside quoted fields holding line ends, next to
 * doubled quotes, on CRs of CRLF and on the last byte. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "io/records_split.h"

static const char csv[] = "\xEF\xBB\xBF"
                          "annotator,item,label\r\n"
                          "a,\"x\ny\",A\r\n"
                          "\"b\"\"q\",i2,B\r\n"
                          "c,\"\"\"\n\"\"\n\",tie\n"
                          "d,\"\",A\n"
                          "\n"
                          "e,\"line\r\nend\",B\r\n"
                          "f,g,A";

/* Record starts after the header (offsets), by the state machine. */
static size_t starts(const char *s, size_t n, size_t *out)
{
    size_t k = 0, i = 3; /* after the BOM */
    int inq = 0, header = 1;
    for (; i < n; i++) {
        char c = s[i];
        if (inq) {
            if (c == '"') {
                if (i + 1 < n && s[i + 1] == '"')
                    i++;
                else
                    inq = 0;
            }
        } else if (c == '"') {
            inq = 1;
        } else if (c == '\n') {
            if (!header && i + 1 < n)
                out[k++] = i + 1;
            if (header) {
                header = 0;
                out[k++] = i + 1;
            }
        }
    }
    return k;
}

static long line_at(const char *s, size_t off)
{
    long l = 1;
    for (size_t i = 0; i < off; i++)
        l += s[i] == '\n';
    return l;
}

static void chunks_tile_the_data(void **state)
{
    (void)state;
    char path[] = "/tmp/prefmon-split-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    size_t n = sizeof csv - 1;
    FILE *f = fdopen(fd, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(csv, 1, n, f), n);
    fclose(f);
    size_t st[64];
    size_t nst = starts(csv, n, st);
    assert_int_equal(nst, 7); /* the data's first byte and after 6 records' ends */
    for (size_t size = 1; size <= n + 1; size++) {
        pm_records_options o;
        pm_records_options_default(&o);
        pm_error err = {0};
        pm_records *r = pm_records_new(&o, &err);
        assert_non_null(r);
        assert_int_equal(pm_records_open(r, path, &err), PM_OK);
        pmx_chunk *ch = NULL;
        size_t k = 0;
        assert_int_equal(pmx_records_chunks(r, size, 2, &ch, &k, &err), PM_OK);
        assert_true(k >= 1);
        assert_int_equal(ch[0].start, (long long)st[0]);
        assert_int_equal(ch[k - 1].end, (long long)n);
        for (size_t i = 0; i < k; i++) {
            int found = 0;
            for (size_t j = 0; j < nst; j++)
                found |= (long long)st[j] == ch[i].start;
            assert_true(found);
            assert_int_equal(ch[i].line, line_at(csv, (size_t)ch[i].start));
            assert_true(ch[i].end > ch[i].start);
            if (i + 1 < k)
                assert_int_equal(ch[i].end, ch[i + 1].start);
        }
        /* Each chunk ends at or past the size asked for (or the file's end). */
        for (size_t i = 0; i + 1 < k; i++)
            assert_true(ch[i].end - ch[i].start >= (long long)size);
        free(ch);
        pm_records_free(r);
    }
    remove(path);
}

/* A file of about 1 MB (far past the 4 KB the boundary scan counts in one
 * go): rows with quoted fields holding line ends and doubled quotes at
 * random; every chunk must start at a record start (by the state machine
 * above) with its line number counted byte by byte. */
static void big_file_lines(void **state)
{
    (void)state;
    size_t cap = (size_t)1 << 21, n = 0;
    char *big = malloc(cap);
    assert_non_null(big);
    n += (size_t)sprintf(big, "\xEF\xBB\xBF"
                              "annotator,item,label\n");
    uint64_t x = 88172645463325252ULL;
    while (n < cap - 200) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        switch (x % 4) {
        case 0:
            n += (size_t)sprintf(big + n, "a%u,i%u,A\n", (unsigned)(x >> 8) % 1000,
                                 (unsigned)(x >> 20) % 5000);
            break;
        case 1:
            n += (size_t)sprintf(big + n, "b,\"x\n\"\"y\n\",B\r\n");
            break;
        case 2:
            n += (size_t)sprintf(big + n, "\"c\"\"\",\"%u\",tie\n", (unsigned)(x >> 30) % 97);
            break;
        default:
            n += (size_t)sprintf(big + n, "d,\"\"\"\n\n\",A\n");
        }
    }
    char path[] = "/tmp/prefmon-split-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(big, 1, n, f), n);
    fclose(f);
    size_t *st = malloc(n * sizeof *st);
    assert_non_null(st);
    size_t nst = starts(big, n, st);
    /* sizes around the 64 KiB segments the counts are taken in, each
     * split among 1, 2 and 3 counting threads (the chunks are the same) */
    const size_t sizes[] = {1000, 4095, 4096, 4097, 65535, 65536, 65537, 300001};
    for (size_t z = 0; z < 3 * (sizeof sizes / sizeof *sizes); z++) {
        const int threads = 1 + (int)(z % 3);
        pm_error err = {0};
        pm_records *r = pm_records_new(NULL, &err);
        assert_non_null(r);
        assert_int_equal(pm_records_open(r, path, &err), PM_OK);
        pmx_chunk *ch = NULL;
        size_t k = 0, j = 0, at = 0;
        long line = 1; /* at `at`, counted byte by byte */
        assert_int_equal(pmx_records_chunks(r, sizes[z / 3], threads, &ch, &k, &err), PM_OK);
        assert_true(k >= 2);
        for (size_t i = 0; i < k; i++) {
            while (j < nst && (long long)st[j] < ch[i].start)
                j++;
            assert_true(j < nst && (long long)st[j] == ch[i].start);
            for (; at < (size_t)ch[i].start; at++)
                line += big[at] == '\n';
            assert_int_equal(ch[i].line, line);
            /* and the boundary is the first record start past start + size */
            if (i > 0) {
                size_t m = 0;
                while (m < nst && (long long)st[m] <= ch[i - 1].start + (long long)sizes[z / 3])
                    m++;
                assert_true(m < nst);
                assert_int_equal(ch[i].start, (long long)st[m]);
            }
        }
        assert_int_equal(ch[k - 1].end, (long long)n);
        free(ch);
        pm_records_free(r);
    }
    free(st);
    free(big);
    remove(path);
}

static void standard_input_is_not_split(void **state)
{
    (void)state;
    pm_records *r = pm_records_new(NULL, NULL);
    assert_non_null(r);
    pmx_chunk *ch = NULL;
    size_t k = 5;
    /* No file open: nothing to split (the caller reads it by one thread). */
    assert_int_equal(pmx_records_chunks(r, 10, 2, &ch, &k, NULL), PM_OK);
    assert_int_equal(k, 0);
    assert_null(ch);
    pm_records_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(chunks_tile_the_data),
        cmocka_unit_test(big_file_lines),
        cmocka_unit_test(standard_input_is_not_split),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
