# Synthetic annotation log in the generic long CSV format, for benchmarks:
#   awk -v n=10000000 -f bench/gen_log.awk > /tmp/log.csv
# Variables: n rows (default 1e6), annotators (1000), items (200000), seed (1),
# dup (0.2: share of rows that repeat the annotator's previous item, so that
# there are duplicate pairs to assess). Each annotator labels a pairwise item
# with shown_left A or B; an epoch timestamp increases with the row number.
BEGIN {
    if (!n) n = 1000000
    if (!annotators) annotators = 1000
    if (!items) items = 200000
    if (dup == "") dup = 0.2
    srand(seed ? seed : 1)
    print "annotator,item,label,shown_left,timestamp"
    for (i = 0; i < n; i++) {
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
