/*
** gen_shapes: synthetic annotation logs of four shapes, for the assess
** benchmark (bench/assess_shapes.sh). Seeded (xorshift64*), so the same
** arguments give the same bytes; self-contained C (no library), written
** with one buffered fwrite per 1 MiB: 10 million rows take about 1 s.
**
**   gen_shapes SHAPE ROWS [SEED] > log.csv
**
** sessions  like bench/gen_log.awk with runs=50: 1,000 annotators label in
**           sessions of 50 rows, items drawn from 200,000, a row repeats
**           the annotator's previous item with probability 0.2; columns
**           annotator,item,label,shown_left,timestamp (epoch seconds,
**           increasing).
** task      a task-ordered export: rows in task order, each task labelled
**           by two annotators (one in 30 by one), the annotator drawn anew
**           for every row among 2,000 (interleaved row by row); 8 % of rows
**           re-label one of the annotator's 64 latest items (agreeing with
**           probability 0.8). At 10 M rows: about 4.7 M items and 9.3 M
**           (annotator, item) keys. Columns annotator,item,label (A/B/tie):
**           no timestamp, so pairs are in input order.
** rich      every column the generic format has, on every row: 5,000
**           annotators in sessions of 20 rows, 1,000,000 items, a row
**           repeats one of the annotator's 16 latest items with probability
**           0.15; annotator,item,label,gold,shown_left,timestamp (ISO 8601,
**           increasing),duration (seconds, one decimal).
** crowd     a public crowd: ROWS / 10 annotators drawn anew for every row
**           (about 10 labels each), items among ROWS / 2, one row in ten
**           the annotator's own recurring item (a repeat for most, none
**           for many); annotator,item,label (A/B).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned long long rng = 0x9e3779b97f4a7c15ULL;

static unsigned long long rnd(void)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 0x2545f4914f6cdd1dULL;
}

/* Uniform in [0, n). */
static unsigned long below(unsigned long n)
{
    return (unsigned long)((rnd() >> 11) % n);
}

/* Uniform in [0, 1). */
static double unif(void)
{
    return (double)(rnd() >> 11) / 9007199254740992.0;
}

static char out[1 << 20];
static size_t used;

static void flush(void)
{
    if (used && fwrite(out, 1, used, stdout) != used) {
        perror("gen_shapes");
        exit(1);
    }
    used = 0;
}

static void put(const char *s, size_t n)
{
    if (used + n > sizeof out)
        flush();
    memcpy(out + used, s, n);
    used += n;
}

static void puts_(const char *s)
{
    put(s, strlen(s));
}

/* v zero-padded to `width` digits (wider when it needs more). */
static void putnum(unsigned long long v, int width)
{
    char tmp[24];
    int n = 0;
    do
        tmp[n++] = (char)('0' + v % 10);
    while (v /= 10);
    while (n < width)
        tmp[n++] = '0';
    char rev[24];
    for (int i = 0; i < n; i++)
        rev[i] = tmp[n - 1 - i];
    put(rev, (size_t)n);
}

static const char *label3(void)
{
    double u = unif();
    return u < 0.45 ? "A" : u < 0.9 ? "B" : "tie";
}

static void sessions(long n)
{
    enum { ANN = 1000, ITEMS = 200000, RUNS = 50 };
    static long last[ANN];
    for (int i = 0; i < ANN; i++)
        last[i] = -1;
    puts_("annotator,item,label,shown_left,timestamp\n");
    unsigned long a = 0;
    for (long i = 0; i < n; i++) {
        if (i % RUNS == 0)
            a = below(ANN);
        long it = unif() < 0.2 && last[a] >= 0 ? last[a] : (long)below(ITEMS);
        last[a] = it;
        put("w", 1);
        putnum(a, 4);
        put(",item-", 6);
        putnum((unsigned long long)it, 7);
        put(",", 1);
        puts_(label3());
        put(unif() < 0.5 ? ",A," : ",B,", 3);
        putnum(1700000000ULL + (unsigned long long)i, 0);
        put("\n", 1);
    }
}

enum { RING = 64 };

static void task(long n)
{
    enum { ANN = 2000 };
    static long ring[ANN][RING];
    static int ring_n[ANN];
    puts_("annotator,item,label\n");
    long t = 0;
    int left = 0; /* labels the current task still gets */
    for (long i = 0; i < n; i++) {
        unsigned long a = below(ANN);
        long it;
        const char *lab;
        if (unif() < 0.08 && ring_n[a] > 0) {
            int k = ring_n[a] < RING ? ring_n[a] : RING;
            it = ring[a][below((unsigned long)k)];
            lab = label3();
        } else {
            if (left == 0) {
                t++;
                left = unif() < 1.0 / 30 ? 1 : 2;
            }
            left--;
            it = t;
            ring[a][ring_n[a] % RING] = it;
            ring_n[a]++;
            lab = label3();
        }
        put("annot", 5);
        putnum(a, 4);
        put(",task-", 6);
        putnum((unsigned long long)it, 8);
        put(",", 1);
        puts_(lab);
        put("\n", 1);
    }
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static void civil(long long days, int *y, int *m, int *d)
{
    days += 719468;
    long long era = (days >= 0 ? days : days - 146096) / 146097;
    long long doe = days - era * 146097;
    long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long long mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

static void iso(long long t)
{
    int y, m, d;
    civil(t / 86400, &y, &m, &d);
    long s = (long)(t % 86400);
    putnum((unsigned long long)y, 4);
    put("-", 1);
    putnum((unsigned long long)m, 2);
    put("-", 1);
    putnum((unsigned long long)d, 2);
    put("T", 1);
    putnum((unsigned long long)(s / 3600), 2);
    put(":", 1);
    putnum((unsigned long long)(s / 60 % 60), 2);
    put(":", 1);
    putnum((unsigned long long)(s % 60), 2);
    put("Z", 1);
}

static void rich(long n)
{
    enum { ANN = 5000, ITEMS = 1000000, RUNS = 20, RRING = 16 };
    static long ring[ANN][RRING];
    static int ring_n[ANN];
    static const char *const gold[3] = {"A", "B", "tie"};
    puts_("annotator,item,label,gold,shown_left,timestamp,duration\n");
    unsigned long a = 0;
    for (long i = 0; i < n; i++) {
        if (i % RUNS == 0)
            a = below(ANN);
        long it;
        if (unif() < 0.15 && ring_n[a] > 0) {
            int k = ring_n[a] < RRING ? ring_n[a] : RRING;
            it = ring[a][below((unsigned long)k)];
        } else {
            it = (long)below(ITEMS);
            ring[a][ring_n[a] % RRING] = it;
            ring_n[a]++;
        }
        const char *g = gold[(unsigned long long)it * 2654435761ULL % 7 % 3];
        const char *lab = unif() < 0.7 ? g : label3();
        put("ann-", 4);
        putnum(a, 5);
        put(",item-", 6);
        putnum((unsigned long long)it, 7);
        put(",", 1);
        puts_(lab);
        put(",", 1);
        puts_(g);
        put(unif() < 0.5 ? ",A," : ",B,", 3);
        iso(1714521600LL + i);
        put(",", 1);
        unsigned long tenths = 20 + below(400);
        putnum(tenths / 10, 0);
        put(".", 1);
        putnum(tenths % 10, 0);
        put("\n", 1);
    }
}

/* A public crowd: ROWS / 10 annotators (a million at 10 M rows) drawn anew
 * for every row, so each labels about 10 items among ROWS / 2; one row in
 * ten is the annotator's own recurring item, so that most have a repeat or
 * two and many none. Columns annotator,item,label (A/B). */
static void crowd(long n)
{
    unsigned long ann = n / 10 > 0 ? (unsigned long)(n / 10) : 1;
    unsigned long items = n / 2 > 0 ? (unsigned long)(n / 2) : 1;
    puts_("annotator,item,label\n");
    for (long i = 0; i < n; i++) {
        unsigned long a = below(ann);
        unsigned long it = unif() < 0.1 ? (unsigned long)((a * 7919ULL) % items) : below(items);
        put("worker-", 7);
        putnum(a, 7);
        put(",q", 2);
        putnum(it, 8);
        put(unif() < 0.5 ? ",A\n" : ",B\n", 3);
    }
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fputs("usage: gen_shapes sessions|task|rich|crowd ROWS [SEED] > LOG.csv\n", stderr);
        return 2;
    }
    long n = atol(argv[2]);
    if (argc > 3)
        rng ^= strtoull(argv[3], NULL, 10) * 0xbf58476d1ce4e5b9ULL;
    if (!rng)
        rng = 1;
    if (!strcmp(argv[1], "sessions"))
        sessions(n);
    else if (!strcmp(argv[1], "task"))
        task(n);
    else if (!strcmp(argv[1], "rich"))
        rich(n);
    else if (!strcmp(argv[1], "crowd"))
        crowd(n);
    else {
        fprintf(stderr, "gen_shapes: unknown shape '%s'\n", argv[1]);
        return 2;
    }
    flush();
    return fflush(stdout) ? 1 : 0;
}
