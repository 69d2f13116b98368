#!/bin/sh
# The weekly job on the embedded real data (make demo), as a team runs it
# week after week into one history store:
#   0. the AdultContent2 MTurk log split into 4 batches of equal rows in file
#      order (the log has no dates: file order stands in for time), one
#      "week" each, 2026-W01 .. 2026-W04;
#   1. each batch imported into a fresh SQLite store with assess --history:
#      every annotator decided over all their pairs so far by the two
#      sequential tests (valid at every weekly look), one action each (pay,
#      hold, review, block), printed batch by batch as the decisions
#      accumulate;
#   2. a binary contract for the last batch's median annotator's number of
#      duplicate pairs (self-consistency, that pool's median chance
#      agreement q0, no negative wages);
#   3. the last batch paid from its own assessment under that contract, pay
#      following the action and recorded in the store's ledger (no upload
#      file: the log is MTurk's and carries no assignment ids, which
#      SendBonus needs, and a Prolific file of MTurk worker ids is refused:
#      uploads never rewrite ids);
#   4. the weekly page from the store (report --history: this week's
#      actions first, shown in prefmon's own table view, each annotator's
#      evidence week by week, drift, pay per week), and the last batch's
#      one-week page (report --assessment).
# usage: scripts/demo.sh [PREFMON] [OUTDIR]
set -eu
P=${1:-build/prefmon}
out=${2:-build/demo}
# The embedded data: $PREFMON_DATADIR when set (as pm_data_path looks),
# else the data/ directory beside this script, wherever it is run from.
data=${PREFMON_DATADIR:-$(cd "$(dirname "$0")/.." && pwd)/data}
log=$data/adultcontent2/labels.txt
gold=$data/adultcontent2/gold.txt
mkdir -p "$out"
store=$out/store.db
# A fresh store: the demo shows the record built from nothing.
rm -f "$store" "$store-wal" "$store-shm"
# Run a step with its diagnostics indented under it (on fd 3, the terminal:
# the step's own stdout may be redirected to a file); on failure show them
# and stop.
exec 3>&1
step() {
    if "$@" 2>"$out/step.err"; then
        sed 's/^/   /' "$out/step.err" >&3
    else
        rc=$?
        cat "$out/step.err" >&2
        exit $rc
    fi
}

# awk that reads prefmon's CSV (cells holding commas, e.g. reasons, are
# quoted): put "$CSV" before a program; each line is then split into
# f[1..nf], and h[name] numbers the header's columns.
CSV='function csv(   s, c, q, i, ch) {
        nf = 0; s = $0; c = ""; q = 0
        for (i = 1; i <= length(s); i++) {
            ch = substr(s, i, 1)
            if (q && ch == "\"" && substr(s, i + 1, 1) == "\"") { c = c ch; i++ }
            else if (ch == "\"") q = !q
            else if (ch == "," && !q) { f[++nf] = c; c = "" }
            else c = c ch
        }
        f[++nf] = c
    }
    { sub(/\r$/, ""); csv() }
    NR == 1 { for (i = 1; i <= nf; i++) h[f[i]] = i; next }
'

batches=4
rows=$(wc -l <"$log" | tr -d ' ')
echo "== 0. $log: $rows labels, split in file order into $batches batches of equal rows (one a week)"
awk -v n="$rows" -v b="$batches" -v dir="$out" '
    { k = int((NR - 1) * b / n) + 1; print > (dir "/batch-" k ".txt") }' "$log"
for k in $(seq 1 $batches); do
    printf '   2026-W0%s: %s labels (%s)\n' "$k" "$(wc -l <"$out/batch-$k.txt" | tr -d ' ')" \
        "$out/batch-$k.txt"
done

echo
echo "== 1. prefmon assess --history $store --batch 2026-W0k, batch by batch"
echo "   (each import decides everyone over all their pairs so far; what prefmon prints on stderr,"
echo "   then the verdicts and actions of the annotators with pairs)"
for k in $(seq 1 $batches); do
    echo "-- 2026-W0$k"
    step "$P" assess --input-format gal "$out/batch-$k.txt" --gold "$gold" --history "$store" \
        --batch "2026-W0$k" --format csv >"$out/assess-W0$k.csv"
    awk "$CSV"'
        f[h["pairs"]] > 0 { n++; v[f[h["verdict"]]]++; a[f[h["action"]]]++; p += f[h["pairs"]] }
        END { printf "   %d annotators with pairs (%d pairs so far): pass %d, fail %d, continue %d, no-signal %d; pay %d, hold %d, review %d, block %d\n",
              n, p, v["pass"], v["fail"], v["continue"], v["no-signal"], a["pay"], a["hold"], a["review"], a["block"] }' \
        "$out/assess-W0$k.csv"
done
echo "   (every row: $out/assess-W0$batches.csv; the store's page for the last batch is in step 4)"

last=$out/batch-$batches.txt
echo
echo "== 2. prefmon assess (2026-W0$batches alone) and a contract for its median annotator"
step "$P" assess --input-format gal "$last" --gold "$gold" --format csv \
    --out "$out/assessment.json" >"$out/assessment.csv"
# The median annotator (among those with pairs): their pairs and chance agreement.
n=$(awk -F, 'NR > 1 && $3 > 0 { print $3 }' "$out/assessment.csv" | sort -n |
    awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
q0=$(awk -F, 'NR > 1 && $3 > 0 && $6 != "" { print $6 }' "$out/assessment.csv" | sort -g |
    awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
echo "   prefmon contract --type binary --solve second-best --n $n --q0 $q0"
step "$P" contract --type binary --solve second-best --n "$n" --monitor self \
    --convention general --q0 "$q0" --wage-min 0 --u0 0.05 \
    --out "$out/contract.json" --columns n,base,bonus,k,eta,first_best_eta >"$out/contract.txt"
sed 's/^/   /' "$out/contract.txt"

echo
echo "== 3. prefmon pay --history $store --batch 2026-W0$batches --unit 10 --currency USD"
step "$P" pay --assessment "$out/assessment.json" --contract "$out/contract.json" --unit 10 \
    --currency USD --history "$store" --batch "2026-W0$batches" --out "$out/payments.csv" \
    --format csv >"$out/pay.csv"
awk "$CSV"'
    { a[f[h["action"]]]++; up += f[h["upload"]] }
    END { printf "   pay'"'"'s actions (the store'"'"'s decisions of the batch): pay %d, hold %d, review %d, block %d; bonuses to upload %.2f USD\n",
          a["pay"], a["hold"], a["review"], a["block"], up }' "$out/pay.csv"

echo
echo "== 4. prefmon report --history $store (the weekly page from the store)"
step "$P" report --history "$store" --out "$out/report.html" --format csv >"$out/report-actions.csv"
echo "   this week's actions, first rows, as prefmon prints them (all: $out/report-actions.csv):"
"$P" report --history "$store" --out "$out/report.html" 2>/dev/null | head -n 12
# pay follows the store's decisions: its actions are the page's, annotator by annotator.
awk "$(printf '%s' "$CSV" | sed 's/NR == 1/FNR == 1/')"'
    FILENAME ~ /pay.csv$/ { pay[f[h["annotator"]]] = f[h["action"]]; next }
    f[h["annotator"]] in pay { n++; if (pay[f[h["annotator"]]] != f[h["action"]]) bad++ }
    END { if (bad || n == 0) { printf "demo: pay and the page disagree on %d of %d annotators\n", bad, n > "/dev/stderr"; exit 1 }
          printf "   pay and the page agree on the action of all %d annotators paid\n", n }' \
    "$out/pay.csv" "$out/report-actions.csv" || exit 1
step "$P" report --assessment "$out/assessment.json" --contract "$out/contract.json" \
    --payments "$out/payments.csv" --out "$out/week.html" --format csv >"$out/week-data.csv"

echo
echo "wrote:"
for f in store.db assess-W0$batches.csv assessment.json contract.json payments.csv \
    report-actions.csv week.html; do
    printf '  %s\n' "$out/$f"
done
rm -f "$out/step.err"
for f in assessment.csv assessment.json contract.json payments.csv report-actions.csv \
    report.html week.html week-data.csv; do
    [ -s "$out/$f" ] || { echo "demo: $out/$f was not written" >&2; exit 1; }
done
"$P" history check --history "$store" >/dev/null || { echo "demo: the store fails its check" >&2; exit 1; }
echo
echo "report: $out/report.html"
