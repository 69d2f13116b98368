# Synthetic annotation log in the generic long CSV format, for benchmarks:
#   awk -v n=10000000 -f bench/gen_log.awk > /tmp/log.csv
# Variables: n rows (default 1e6), annotators (1000), items (200000), seed (1),
# dup (0.2: share of rows that repeat the annotator's previous item, so that
# there are duplicate pairs to assess), runs (1: rows per session; with
# runs=50 an annotator labels 50 rows in a row, as exports grouped by
# session are; 1 draws the annotator anew for every row, the same output as
# before runs existed). Each annotator labels a pairwise item with
# shown_left A or B; an epoch timestamp increases with the row number.
# A shuffled copy (random annotator and timestamp order) for the benchmark:
#   (head -n 1 log.csv; tail -n +2 log.csv | shuf --random-source=log.csv) > shuf.csv
BEGIN {
    if (!n) n = 1000000
    if (!annotators) annotators = 1000
    if (!items) items = 200000
    if (dup == "") dup = 0.2
    if (!runs) runs = 1
    srand(seed ? seed : 1)
    print "annotator,item,label,shown_left,timestamp"
    for (i = 0; i < n; i++) {
        if (i % runs == 0)
            a = int(rand() * annotators)
        if (rand() < dup && (a in last))
            it = last[a]
        else
            it = int(rand() * items)
        last[a] = it
        u = rand()
        lab = u < 0.45 ? "A" : (u < 0.9 ? "B" : "tie")
        printf "w%04d,item-%07d,%s,%s,%d\n", a, it, lab, rand() < 0.5 ? "A" : "B", 1700000000 + i
    }
}
