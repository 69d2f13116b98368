/*
** Fuzz target for the preference-probability reader (pm_prefs_read_stream).
**
** libFuzzer entry point; the same file also builds as fuzz_prefs_replay
** (with replay_main.c) to replay the committed corpus under ctest. The
** input bytes are the file's contents. Invariants checked on every input:
**   - on success: every value is in [0.5, 1]; the number of values added
**     equals the number of data lines (non-blank, not '#') computed here
**     independently, and the JSON row count equals the data lines that
**     start with '{'; the caller's pm_error is left untouched (empty);
**   - for inputs without JSON lines, an independent strtod-based reading of
**     the documented text format decides: a file of valid probabilities
**     must be accepted with exactly those values (folded, in order), a file
**     with a bad line (or a NUL byte, or no data line) must be rejected;
**   - on failure: the status is PM_EPARSE, PM_EIO, PM_ENOMEM or PM_ELIMIT
**     and equals err.code; the message is non-empty and names the input ("fuzz:..."); the handle is
*left as
**     it was (same count, same JSON row count, same earlier values).
** A violated invariant aborts, which both libFuzzer and the replay report.
*/
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prefmon/prefs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_NAME "fuzz"

/* The error of the current input's read; cleared before each. */
static pm_error err;

static void fail(const char *what, const pm_prefs *pr)
{
    fprintf(stderr, "fuzz_prefs: invariant violated: %s (count %zu, message \"%s\")\n", what,
            pm_prefs_count(pr), err.text);
    abort();
}

/* Count the data lines the reader must accept, the way prefs.h documents
 * the format: lines split on '\n', trailing '\r' dropped, a UTF-8 BOM
 * skipped on the first line, leading blanks skipped, then empty lines and
 * '#' comments ignored. */
static void count_lines(const uint8_t *data, size_t size, size_t *lines, size_t *json)
{
    size_t i = 0, lineno = 0;
    *lines = *json = 0;
    while (i < size) {
        size_t end = i;
        while (end < size && data[end] != '\n')
            end++;
        size_t len = end - i;
        const uint8_t *s = data + i;
        lineno++;
        while (len > 0 && s[len - 1] == '\r')
            len--;
        if (lineno == 1 && len >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF) {
            s += 3;
            len -= 3;
        }
        while (len > 0 && (*s == ' ' || *s == '\t' || *s == '\r')) {
            s++;
            len--;
        }
        if (len > 0 && *s != '#') {
            (*lines)++;
            if (*s == '{')
                (*json)++;
        }
        i = end + 1;
    }
}

/* Independent reading of a text-only input. Returns 1 when the reader must
 * accept it (and stores the folded values in vals, which has room for
 * size + 1 entries), 0 when it must reject it, -1 when this oracle cannot
 * tell: a JSON line (not re-implemented here), or a number strtod flags
 * with ERANGE (underflow such as 1e-320: see the note in the report). */
static int text_oracle(const uint8_t *data, size_t size, double *vals, size_t *nvals)
{
    size_t i = 0, lineno = 0;
    *nvals = 0;
    while (i < size) {
        size_t end = i;
        while (end < size && data[end] != '\n')
            end++;
        size_t len = end - i;
        const uint8_t *s = data + i;
        i = end + 1;
        lineno++;
        if (memchr(s, '\0', len))
            return 0;
        while (len > 0 && s[len - 1] == '\r')
            len--;
        if (lineno == 1 && len >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF) {
            s += 3;
            len -= 3;
        }
        while (len > 0 && (*s == ' ' || *s == '\t' || *s == '\r')) {
            s++;
            len--;
        }
        if (len == 0 || *s == '#')
            continue;
        if (*s == '{')
            return -1;
        char *buf = malloc(len + 1), *e;
        if (!buf)
            return -1;
        memcpy(buf, s, len);
        buf[len] = '\0';
        errno = 0;
        double v = strtod(buf, &e);
        int range = errno == ERANGE, empty = e == buf;
        while (*e == ' ' || *e == '\t' || *e == '\r')
            e++;
        int junk = *e != '\0';
        free(buf);
        if (empty || junk)
            return 0;
        if (range)
            return -1;
        if (!(v >= 0 && v <= 1))
            return 0;
        vals[(*nvals)++] = v >= 0.5 ? v : 1 - v;
    }
    return *nvals > 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pm_prefs *pr = pm_prefs_new(NULL);
    if (!pr)
        return 0;
    /* Values already in the handle must survive a failed read untouched. */
    static const double seed[] = {0.25, 0.5, 0.875};
    for (size_t i = 0; i < sizeof seed / sizeof seed[0]; i++)
        if (pm_prefs_add(pr, seed[i], NULL) != PM_OK)
            fail("pm_prefs_add rejected a valid probability", pr);
    const size_t before = pm_prefs_count(pr), before_json = pm_prefs_json_rows(pr);
    double kept[sizeof seed / sizeof seed[0]];
    memcpy(kept, pm_prefs_values(pr), sizeof kept);

    /* fmemopen refuses a zero-sized buffer; an empty input is /dev/null. */
    FILE *fp = size ? fmemopen((void *)data, size, "r") : fopen("/dev/null", "r");
    if (!fp) {
        pm_prefs_free(pr);
        return 0;
    }
    err = (pm_error){.code = PM_OK};
    pm_status st = pm_prefs_read_stream(pr, fp, FUZZ_NAME, &err);
    fclose(fp);

    double *want = malloc((size + 1) * sizeof *want);
    size_t nwant = 0;
    int expect = want ? text_oracle(data, size, want, &nwant) : -1;

    const double *v = pm_prefs_values(pr);
    const size_t count = pm_prefs_count(pr);
    const char *msg = err.text;
    if (count < before || memcmp(v, kept, sizeof kept) != 0)
        fail("earlier values changed", pr);
    if (st == PM_OK) {
        size_t lines, json;
        count_lines(data, size, &lines, &json);
        if (msg[0] != '\0')
            fail("message set on success", pr);
        if (count - before != lines)
            fail("number of values differs from the number of data lines", pr);
        if (pm_prefs_json_rows(pr) - before_json != json)
            fail("JSON row count differs from the lines starting with '{'", pr);
        if (count == before)
            fail("success without any value", pr);
        for (size_t i = before; i < count; i++)
            if (!(v[i] >= 0.5 && v[i] <= 1) || isnan(v[i]))
                fail("value outside [0.5, 1]", pr);
        if (expect == 0)
            fail("accepted an input with a bad line", pr);
        if (expect == 1 &&
            (count - before != nwant || memcmp(v + before, want, nwant * sizeof *want) != 0))
            fail("values differ from an independent strtod reading", pr);
    } else {
        if (expect == 1)
            fail("rejected a valid text input", pr);
        if (st != PM_EPARSE && st != PM_EIO && st != PM_ENOMEM && st != PM_ELIMIT)
            fail("unexpected status", pr);
        if (err.code != st)
            fail("error code differs from the status returned", pr);
        if (msg[0] == '\0')
            fail("empty message on error", pr);
        if (strncmp(msg, FUZZ_NAME ":", sizeof FUZZ_NAME) != 0)
            fail("message does not name the input", pr);
        if (strchr(msg, '\n'))
            fail("message spans several lines", pr);
        if (count != before || pm_prefs_json_rows(pr) != before_json)
            fail("failed read left values behind", pr);
    }
    free(want);
    pm_prefs_free(pr);
    return 0;
}
