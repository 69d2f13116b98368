/*
** Reader throughput: read every record of the given log files and report
** rows/s (one core, end of the reader only; assess adds its own work).
**
**   bench_records [--print N] [--gold FILE] [--format NAME] FILE...
**
** --print N also writes the first N records as TSV (annotator, item, label,
** gold, shown_left, timestamp, duration, line) to stdout, for inspection.
** Generate a synthetic 10-million-row log with bench/gen_log.awk.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_util.h"
#include "prefmon/records.h"

int main(int argc, char **argv)
{
    long print = 0;
    const char *gold = NULL;
    pm_records_options opt = {0};
    int i = 1;
    for (; i + 1 < argc && strncmp(argv[i], "--", 2) == 0; i += 2) {
        if (strcmp(argv[i], "--print") == 0)
            print = atol(argv[i + 1]);
        else if (strcmp(argv[i], "--gold") == 0)
            gold = argv[i + 1];
        else if (strcmp(argv[i], "--format") == 0 && pm_records_format_parse(argv[i + 1]) >= 0)
            opt.format = (pm_records_format)pm_records_format_parse(argv[i + 1]);
        else
            break;
    }
    if (i >= argc) {
        fprintf(stderr, "usage: bench_records [--print N] [--gold FILE] [--format NAME] FILE...\n");
        return 2;
    }
    bench_header(argc, argv);
    pm_error err = {0};
    pm_records *r = pm_records_new(&opt, &err);
    if (!r || (gold && pm_records_read_gold(r, gold, &err))) {
        fprintf(stderr, "bench_records: %s\n", err.text);
        return 1;
    }
    double t0 = bench_wall();
    long n = 0, golds = 0;
    size_t bytes = 0;
    for (; i < argc; i++) {
        if (pm_records_open(r, argv[i], &err)) {
            fprintf(stderr, "bench_records: %s\n", err.text);
            return 1;
        }
        if (*pm_records_ignored(r))
            fprintf(stderr, "bench_records: %s: ignored columns: %s\n", argv[i],
                    pm_records_ignored(r));
        pm_record rec;
        int got;
        while (pm_records_next(r, &rec, &got, &err) == PM_OK && got) {
            if (n < print)
                printf("%s\t%s\t%s\t%s\t%c\t%.3f\t%g\t%ld\n", rec.annotator, rec.item, rec.label,
                       rec.gold ? rec.gold : "-", rec.shown_left ? rec.shown_left : '-',
                       rec.timestamp, rec.duration, rec.line);
            n++;
            golds += rec.gold != NULL;
            bytes += strlen(rec.item);
        }
        if (err.code) {
            fprintf(stderr, "bench_records: %s\n", err.text);
            return 1;
        }
    }
    double t = bench_wall() - t0;
    pm_records_stats s;
    pm_records_stats_get(r, &s);
    fprintf(stderr,
            "format %s: %ld records (%ld with gold) of %ld rows read in %.3f s: %.2f M rows/s",
            pm_records_format_name(pm_records_detected(r)), n, golds, s.rows_read, t,
            s.rows_read / t / 1e6);
    for (int k = 0; k < PM_RECORDS_SKIP_COUNT; k++)
        if (s.skipped[k])
            fprintf(stderr, ", %ld %s", s.skipped[k], pm_records_skip_name(k));
    fprintf(stderr, " (item bytes %zu)\n", bytes);
    pm_records_free(r);
    return 0;
}
