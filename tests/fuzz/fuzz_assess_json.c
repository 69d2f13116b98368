/*
** Fuzz target for the assessment-file reader (pm_assess_load_json: the JSON
** that `assess --out` writes and `pay` reads back).
**
** libFuzzer entry point; also built as fuzz_assess_json_replay (replay_main.c)
** to replay tests/fuzz/corpus/fuzz_assess_json/ under ctest. The input bytes
** are the file (an anonymous memfd, named by /proc/self/fd/N, since the
** reader takes a path). Invariants:
**   - failure: the status is PM_EPARSE, PM_EIO, PM_ELIMIT or PM_ENOMEM, no
**     handle is returned, and the message is one non-empty line that names
**     the file;
**   - success: a handle with rows and a summary; writing it with
**     pm_assess_save_json and reading that back succeeds, and writing the
**     second handle gives the same bytes (what is accepted round-trips).
*/
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "prefmon/assess.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, const pm_error *err)
{
    fprintf(stderr, "fuzz_assess_json: invariant violated: %s (message \"%s\")\n", what,
            err ? err->text : "");
    abort();
}

/* The bytes as a file: a memfd and its /proc path; -1 when unavailable. */
static int as_file(const void *data, size_t size, char *path, size_t cap)
{
    int fd = memfd_create("fuzz_assess_json", 0);
    if (fd < 0)
        return -1;
    const char *p = data;
    size_t left = size;
    while (left) {
        ssize_t w = write(fd, p, left);
        if (w <= 0) {
            close(fd);
            return -1;
        }
        p += w;
        left -= (size_t)w;
    }
    snprintf(path, cap, "/proc/self/fd/%d", fd);
    return fd;
}

/* pm_assess_save_json into a malloc'd buffer. */
static char *save(const pm_assess *a, size_t *len)
{
    char *buf = NULL;
    FILE *fp = open_memstream(&buf, len);
    pm_error err = {0};
    if (!fp)
        return NULL;
    if (pm_assess_save_json(a, fp, "fuzz", &err) != PM_OK)
        fail("saving a loaded assessment failed", &err);
    fclose(fp);
    return buf;
}

static pm_assess *load(const void *data, size_t size, pm_status *st, pm_error *err)
{
    char path[64];
    pm_assess *a = NULL;
    int fd = as_file(data, size, path, sizeof path);
    if (fd < 0) {
        *st = PM_EIO;
        return NULL;
    }
    *st = pm_assess_load_json(path, &a, err);
    if (*st != PM_OK) {
        if (*st != PM_EPARSE && *st != PM_EIO && *st != PM_ELIMIT && *st != PM_ENOMEM)
            fail("unexpected status", err);
        if (a)
            fail("a handle returned with an error", err);
        if (!err->text[0] || strchr(err->text, '\n') || !strstr(err->text, path))
            fail("the message is not one line naming the file", err);
    } else if (!a || !pm_assess_summary_get(a)) {
        fail("success without a handle", err);
    }
    close(fd);
    return a;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pm_status st;
    pm_error err = {0};
    pm_assess *a = load(data, size, &st, &err);
    if (!a)
        return 0;
    size_t n = 0;
    if (!pm_assess_rows(a, &n) && n)
        fail("rows missing after load", NULL);
    size_t len1 = 0, len2 = 0;
    char *t1 = save(a, &len1);
    pm_assess_free(a);
    if (!t1)
        return 0;
    pm_assess *b = load(t1, len1, &st, &err);
    if (!b)
        fail("a saved assessment does not load again", &err);
    char *t2 = save(b, &len2);
    pm_assess_free(b);
    if (t2 && (len1 != len2 || memcmp(t1, t2, len1) != 0))
        fail("save -> load -> save changed the file", NULL);
    free(t1);
    free(t2);
    return 0;
}
