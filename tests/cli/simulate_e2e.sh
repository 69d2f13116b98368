#!/bin/sh
# End to end on a simulated pool (issue 8): prefmon simulate writes the label
# log a platform would export and the gold labels of its gold items; the
# real prefmon assess reads that log with --gold, and prefmon pay pays from
# the assessment. What it shows, and asserts:
#   - spammers (fair coins) ARE flagged by self-consistency (low-effort);
#   - "longer response" clickers are NOT flagged by self-consistency (they
#     answer every swapped repeat the same way, 60 of 60 consistent) but ARE
#     flagged by gold agreement (consistent-but-wrong): only gold sees them;
#   - careful annotators (eta 0.95) are flagged by neither;
#   - the JSONL and Label Studio exports of the same simulation assess to
#     the same table as the CSV export;
#   - pay's table has one row per annotator; under the binary contract every
#     spammer fails the threshold and every longer clicker passes it (a
#     contract paid on self-consistency alone pays the heuristic clicker).
#   usage: tests/cli/simulate_e2e.sh PREFMON   (from the repository root)
set -eu
prefmon=$1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/prefmon-sim.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail() { echo "simulate_e2e: $*" >&2; exit 1; }

"$prefmon" simulate --annotators 20 --eta fixed:0.95 --spammer-share 0.2 --longer-share 0.2 \
    --queue-length 600 --dup-rate 0.1 --gold-rate 0.25 --seed 7 --eta0 0.5 \
    --convention paper --delta 0.04 \
    --out "$tmp/log.csv" --truth-out "$tmp/truth.csv" --gold-out "$tmp/gold.tsv" \
    >"$tmp/sim.txt" 2>"$tmp/sim.err" || fail "simulate failed: $(cat "$tmp/sim.err")"
# The simulation's paper convention with delta 0.04 is the general one with
# delta 0.02 and q0 = 1/2: assess is told exactly that.
"$prefmon" assess "$tmp/log.csv" --gold "$tmp/gold.tsv" --delta 0.02 --q0 0.5 --eta0 0.5 \
    --format csv --out "$tmp/assessment.json" >"$tmp/assess.csv" 2>"$tmp/assess.err" ||
    fail "assess failed: $(cat "$tmp/assess.err")"
"$prefmon" pay --assessment "$tmp/assessment.json" \
    --contract tests/cli/fixtures/pay/contract-binary.json --unit 1 --currency USD \
    --format csv >"$tmp/pay.csv" 2>"$tmp/pay.err" || fail "pay failed: $(cat "$tmp/pay.err")"

# Join the truth (kind) with assess's flags and check every annotator.
awk -F, 'NR == FNR { if (FNR > 1) kind[$1] = $2; next }
    FNR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
    {
        k = kind[$1]; f = $col["flags"]; n[k]++
        self = f ~ /low-effort/; gold = f ~ /consistent-but-wrong/
        if (k == "spammer" && !self) { print "spammer " $1 " not flagged by self-consistency"; bad = 1 }
        if (k == "longer" && self) { print "longer clicker " $1 " flagged by self-consistency"; bad = 1 }
        if (k == "longer" && !gold) { print "longer clicker " $1 " not flagged by gold"; bad = 1 }
        if (k == "careful" && (self || gold)) { print "careful " $1 " flagged: " f; bad = 1 }
    }
    END {
        if (n["spammer"] != 4 || n["longer"] != 4 || n["careful"] != 12) {
            print "expected 4 spammers, 4 longer, 12 careful; got " n["spammer"] ", " n["longer"] ", " n["careful"]; bad = 1
        }
        exit bad
    }' "$tmp/truth.csv" "$tmp/assess.csv" >&2 || fail "flags do not match the truth"

# pay: 20 rows; spammers fail the binary threshold and get the base wage.
rows=$(awk 'END { print NR - 1 }' "$tmp/pay.csv")
[ "$rows" -eq 20 ] || fail "pay wrote $rows rows, not 20"
# The log's names are opaque (a0001 ...): only the truth file says who is who.
awk -F, 'NR == FNR { if (FNR > 1) kind[$1] = $2; next }
    FNR == 1 { next }
    kind[$1] == "" { print "pay row " $1 " is no annotator of the truth"; bad = 1 }
    kind[$1] == "spammer" && !/below threshold: / { print "spammer " $1 " not below: " $0; bad = 1 }
    kind[$1] == "longer" && !/passed: / { print "longer clicker " $1 " not passed: " $0; bad = 1 }
    END { exit bad }' "$tmp/truth.csv" "$tmp/pay.csv" >&2 || fail "pay does not follow the consistency outcomes"
# No name in the log tells the kind: every annotator is "a" and digits.
awk -F, 'NR > 1 && $1 !~ /^a[0-9]+$/ { print "log names annotator " $1; bad = 1; exit } END { exit bad }' \
    "$tmp/log.csv" >&2 || fail "the log's annotator names are not opaque"
# The same simulation exported as JSONL and as a Label Studio export reads
# back to the same assessment (the readers see the same records), and the
# --html page parses.
for f in jsonl labelstudio; do
    "$prefmon" simulate --annotators 20 --eta fixed:0.95 --spammer-share 0.2 --longer-share 0.2 \
        --queue-length 600 --dup-rate 0.1 --gold-rate 0.25 --seed 7 --eta0 0.5 \
        --convention paper --delta 0.04 --log-format "$f" --out "$tmp/log.$f" \
        --html "$tmp/sim.html" >/dev/null 2>&1 || fail "simulate --log-format $f failed"
    "$prefmon" assess "$tmp/log.$f" --gold "$tmp/gold.tsv" --delta 0.02 --q0 0.5 --eta0 0.5 \
        --format csv >"$tmp/assess.$f" 2>/dev/null || fail "assess of the $f log failed"
    cmp -s "$tmp/assess.csv" "$tmp/assess.$f" || fail "the $f log assesses differently from the CSV log"
done
if [ -x /usr/bin/python3 ] && [ -f tests/report/check_html.py ]; then
    /usr/bin/python3 tests/report/check_html.py "$tmp/sim.html" >/dev/null ||
        fail "the --html page does not parse"
fi
# Several --dup-rate values: the page has a section per run. At 20 pairs
# (eta0 0.5, eta1 0.9) the fixed-n test's error sum is above 0.2, but the
# sequential evidence on those pairs decides (too-few no longer hides it):
# no group is "not decidable" any more.
"$prefmon" simulate --annotators 100 --eta uniform:0.4,1 --spammer-share 0.1 --queue-length 400 \
    --dup-rate 0.05,0.1,0.2 --eta0 0.5 --eta1 0.9 --seed 2 --show detection \
    --html "$tmp/runs.html" >"$tmp/runs.txt" 2>/dev/null || fail "simulate with three dup rates failed"
for id in detection-1 detection-2 detection-3 coverage-3; do
    grep -q "id=\"$id\"" "$tmp/runs.html" || fail "the --html page has no section $id"
done
undecided=$(grep -o 'not decidable: all [0-9]* annotators had too few pairs' "$tmp/runs.html" | wc -l)
[ "$undecided" -eq 0 ] || fail "expected no undecidable group, found $undecided"
# Every group (20, 40 and 80 pairs, 4 groups each) is judged against the
# exact Poisson-binomial law of its flag count, and all agree.
laws=$(grep -o 'Poisson-binomial) has mean [^:]*: inside' "$tmp/runs.html" | wc -l)
[ "$laws" -eq 12 ] || fail "expected 12 group flag counts inside their exact law, found $laws"
echo "simulate_e2e: spammers flagged by self-consistency, longer clickers only by gold, pay ok"
