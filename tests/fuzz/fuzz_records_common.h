/*
** Shared body of the fuzz_records_<format> targets (one per reader; each
** .c file sets FUZZ_FORMAT and includes this). The input bytes are the file.
** A target may set FUZZ_MAP, the column map (pm_records_options.map) of
** every read. Every input is read twice: with the default limits and with tiny ones
** (max_line 64, max_document 512), so that the limit paths are fuzzed too.
** Invariants checked on every input:
**   - success: every record has annotator, item, label (non-empty, valid
**     UTF-8), shown_left is 0, 'A' or 'B', a pairwise label with a side is
**     A, B or tie, a ranking has a canonical label and an item naming the
**     ranked set, lines never go backwards for line-based formats; stats
**     add up (rows_read = rows_used + skipped, rows_used = records seen);
**   - failure: the status is PM_EPARSE, PM_ELIMIT, PM_EIO or PM_ENOMEM, the
**     message names the input ("fuzz" first) and is one line; next after a
**     failure is PM_EINVAL, not a crash;
**   - csv/tsv/gal (mturk: structure only): an independent RFC 4180 / TSV splitter (below) decides
**     structure: input it finds malformed must be rejected, and on success
**     rows_read equals its count of data rows.
** A violated invariant aborts, which both libFuzzer and the replay report.
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prefmon/records.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_fail(const char *what, const pm_error *err)
{
    fprintf(stderr, "fuzz_records(%s): invariant violated: %s (message \"%s\")\n",
            pm_records_format_name(FUZZ_FORMAT), what, err ? err->text : "");
    abort();
}

static int valid_utf8(const char *str)
{
    const unsigned char *s = (const unsigned char *)str;
    while (*s) {
        int k = *s < 0x80             ? 0
                : (*s & 0xE0) == 0xC0 ? 1
                : (*s & 0xF0) == 0xE0 ? 2
                : (*s & 0xF8) == 0xF0 ? 3
                                      : -1;
        if (k < 0 || (k == 1 && *s < 0xC2))
            return 0;
        for (int j = 1; j <= k; j++)
            if ((s[j] & 0xC0) != 0x80)
                return 0;
        s += k + 1;
    }
    return 1;
}

/* Independent splitter: the number of non-blank records after the first
 * (the header; for gal every record counts), or -1 when the input is
 * malformed (quote misuse, unclosed quote, NUL byte). Quoting only for CSV. */
static long oracle_rows(const uint8_t *d, size_t n, int quoting, int header)
{
    size_t i = 0;
    long records = 0;
    if (n >= 3 && d[0] == 0xEF && d[1] == 0xBB && d[2] == 0xBF)
        i = 3;
    while (i < n) {
        int fields = 1, empty = 1;
        for (;;) { /* one field */
            if (i < n && quoting && d[i] == '"') {
                empty = 0;
                i++;
                for (;;) {
                    if (i >= n)
                        return -1;
                    if (d[i] == 0)
                        return -1;
                    if (d[i] == '"') {
                        if (i + 1 < n && d[i + 1] == '"') {
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    i++;
                }
                if (i < n && d[i] != ',' && d[i] != '\n' &&
                    !(d[i] == '\r' && (i + 1 == n || d[i + 1] == '\n')))
                    return -1;
                if (i < n && d[i] == '\r' && i + 1 == n)
                    i++;
            } else {
                while (i < n && d[i] != (quoting ? ',' : '\t') && d[i] != '\n') {
                    if (d[i] == 0 || (quoting && d[i] == '"'))
                        return -1;
                    if (!(d[i] == '\r' && (i + 1 == n || d[i + 1] == '\n')))
                        empty = 0;
                    i++;
                }
            }
            if (i < n && d[i] == (quoting ? ',' : '\t')) {
                fields++;
                empty = 0;
                i++;
                continue;
            }
            break;
        }
        if (i < n) /* '\n' */
            i++;
        if (!(fields == 1 && empty))
            records++;
    }
    return header ? (records > 0 ? records - 1 : 0) : records;
}

static void run_once(const uint8_t *data, size_t size, size_t max_line, size_t max_doc)
{
#ifndef FUZZ_MAP
#define FUZZ_MAP NULL
#endif
    pm_records_options opt = {
        .format = FUZZ_FORMAT, .max_line = max_line, .max_document = max_doc, .map = FUZZ_MAP};
    pm_error err = {0};
    pm_records *r = pm_records_new(&opt, &err);
    if (!r)
        return;
    FILE *fp = size ? fmemopen((void *)data, size, "r") : fopen("/dev/null", "r");
    if (!fp) {
        pm_records_free(r);
        return;
    }
    pm_status st = pm_records_open_stream(r, fp, "fuzz", &err);
    long seen = 0, last_line = 0;
    int line_based = FUZZ_FORMAT != PM_RECORDS_LABELSTUDIO;
    while (st == PM_OK) {
        pm_record rec;
        int got = -1;
        st = pm_records_next(r, &rec, &got, &err);
        if (st != PM_OK || !got)
            break;
        seen++;
        if (!rec.annotator || !rec.item || !rec.label || !*rec.annotator || !*rec.item ||
            !*rec.label)
            fuzz_fail("record with a missing or empty key", &err);
        if (!valid_utf8(rec.annotator) || !valid_utf8(rec.item) || !valid_utf8(rec.label) ||
            (rec.gold && !valid_utf8(rec.gold)))
            fuzz_fail("key that is not valid UTF-8", &err);
        if (rec.shown_left != 0 && rec.shown_left != 'A' && rec.shown_left != 'B')
            fuzz_fail("shown_left not 0, A or B", &err);
        if (rec.shown_left && FUZZ_FORMAT != PM_RECORDS_LABELSTUDIO && strcmp(rec.label, "A") &&
            strcmp(rec.label, "B") && strcmp(rec.label, "tie"))
            fuzz_fail("pairwise label not A, B or tie", &err);
        /* a ranking: a canonical label (at least two ids, no gold, no side)
         * and an item key that names the ranked set */
        if (rec.ranking && (!strpbrk(rec.label, ">=") || rec.gold || rec.shown_left ||
                            !strchr(rec.item, '|') || rec.label[0] == '>' || rec.label[0] == '='))
            fuzz_fail("ranking record not in the canonical form", &err);
        if (line_based && (rec.line < 1 || rec.line < last_line))
            fuzz_fail("line numbers go backwards", &err);
        last_line = rec.line;
    }
    pm_records_stats s;
    pm_records_stats_get(r, &s);
    long skipped = 0;
    for (int k = 0; k < PM_RECORDS_SKIP_COUNT; k++)
        skipped += s.skipped[k];
    if (s.rows_used != seen || (st == PM_OK && s.rows_read != s.rows_used + skipped))
        fuzz_fail("counters do not add up", &err);
    if (st != PM_OK) {
        if (st != PM_EPARSE && st != PM_ELIMIT && st != PM_EIO && st != PM_ENOMEM)
            fuzz_fail("unexpected status", &err);
        if (strncmp(err.text, "fuzz", 4) != 0 || strchr(err.text, '\n') || err.code != st)
            fuzz_fail("message does not name the input or spans lines", &err);
        pm_record rec;
        int got;
        if (pm_records_next(r, &rec, &got, NULL) != PM_EINVAL)
            fuzz_fail("next after a failure is not EINVAL", &err);
    }
    int split = FUZZ_FORMAT == PM_RECORDS_CSV || FUZZ_FORMAT == PM_RECORDS_TSV ||
                FUZZ_FORMAT == PM_RECORDS_GAL;
    if (split && (max_line ? max_line : PM_RECORDS_MAX_LINE) >= size + 1) {
        long want =
            oracle_rows(data, size, FUZZ_FORMAT == PM_RECORDS_CSV, FUZZ_FORMAT != PM_RECORDS_GAL);
        if (want < 0 && st == PM_OK)
            fuzz_fail("accepted input that the independent splitter finds malformed", &err);
        if (st == PM_OK && want != s.rows_read)
            fuzz_fail("rows read differ from the independent splitter's count", &err);
    }
    /* MTurk is RFC 4180 too, but one row may hold several items (rows_read
     * counts items): only the structure is checked. */
    if (FUZZ_FORMAT == PM_RECORDS_MTURK && size < PM_RECORDS_MAX_LINE && st == PM_OK &&
        oracle_rows(data, size, 1, 1) < 0)
        fuzz_fail("accepted input that the independent splitter finds malformed", &err);
    fclose(fp);
    pm_records_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    run_once(data, size, 0, 0);
    run_once(data, size, 64, 512);
    return 0;
}
