/* Shared by the records unit tests: read a text (written to a temporary
 * file named in.<ext>) or a file into copied records, with the status,
 * error and counters. Header-only; each test program includes it once. */
#ifndef TEST_RECORDS_UTIL_H
#define TEST_RECORDS_UTIL_H

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "prefmon/records.h"

#define MAX_RECS 64

typedef struct trec {
    char annotator[128], item[256], label[128], gold[128];
    int has_gold;
    char shown;
    double ts, dur;
    long line;
} trec;

typedef struct trun {
    trec v[MAX_RECS];
    int n;
    pm_status st;
    pm_error err;
    pm_records_stats stats;
    pm_records_format fmt;
    char ignored[256];
} trun;

static char tmpdir[64];

static void copy(char *dst, size_t cap, const char *s)
{
    assert_non_null(s);
    assert_true(strlen(s) < cap);
    strcpy(dst, s);
}

/* Read every record of path (after the gold file, if any) into *out. */
static void read_path(trun *out, const char *path, const pm_records_options *opt, const char *gold)
{
    memset(out, 0, sizeof *out);
    pm_records *r = pm_records_new(opt, &out->err);
    assert_non_null(r);
    out->st = gold ? pm_records_read_gold(r, gold, &out->err) : PM_OK;
    if (!out->st)
        out->st = pm_records_open(r, path, &out->err);
    out->fmt = pm_records_detected(r);
    copy(out->ignored, sizeof out->ignored, pm_records_ignored(r));
    while (!out->st) {
        pm_record rec;
        int got = -1;
        out->st = pm_records_next(r, &rec, &got, &out->err);
        if (out->st || !got)
            break;
        assert_true(out->n < MAX_RECS);
        trec *t = &out->v[out->n++];
        copy(t->annotator, sizeof t->annotator, rec.annotator);
        copy(t->item, sizeof t->item, rec.item);
        copy(t->label, sizeof t->label, rec.label);
        t->has_gold = rec.gold != NULL;
        if (rec.gold)
            copy(t->gold, sizeof t->gold, rec.gold);
        t->shown = rec.shown_left;
        t->ts = rec.timestamp;
        t->dur = rec.duration;
        t->line = rec.line;
        assert_non_null(rec.file);
    }
    pm_records_stats_get(r, &out->stats);
    pm_records_free(r);
}

static const char *write_tmp(const char *name, const char *text, size_t len)
{
    static char path[128];
    if (!tmpdir[0]) {
        strcpy(tmpdir, "/tmp/test_records_XXXXXX");
        assert_non_null(mkdtemp(tmpdir));
    }
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(text, 1, len, fp), len);
    assert_int_equal(fclose(fp), 0);
    return path;
}

static void read_text(trun *out, const char *text, const pm_records_options *opt,
                      const char *gold_text)
{
    char gold_path[128] = "";
    if (gold_text)
        snprintf(gold_path, sizeof gold_path, "%s",
                 write_tmp("gold.txt", gold_text, strlen(gold_text)));
    read_path(out, write_tmp("in.txt", text, strlen(text)), opt, gold_text ? gold_path : NULL);
}

/* The error is st and its text contains "in.txt" followed by want
 * (":line:col: message start"). */
static void assert_error(const trun *t, pm_status st, const char *want)
{
    if (t->st != st || !strstr(t->err.text, want))
        fail_msg("expected status %d with \"%s\", got %d: \"%s\"", st, want, t->st, t->err.text);
}

static void assert_rec(const trec *t, const char *annotator, const char *item, const char *label,
                       const char *gold, char shown)
{
    assert_string_equal(t->annotator, annotator);
    assert_string_equal(t->item, item);
    assert_string_equal(t->label, label);
    if (gold) {
        assert_true(t->has_gold);
        assert_string_equal(t->gold, gold);
    } else {
        assert_false(t->has_gold);
    }
    assert_int_equal(t->shown, shown);
}

static void cleanup_tmp(void)
{
    if (!tmpdir[0])
        return;
    char path[160];
    const char *names[] = {"in.txt", "gold.txt", "big.txt"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", tmpdir, names[i]);
        unlink(path);
    }
    rmdir(tmpdir);
}

#endif
