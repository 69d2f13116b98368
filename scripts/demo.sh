#!/bin/sh
# The weekly job on the embedded real data (make demo):
#   1. assess every annotator of the AdultContent2 MTurk log with its gold;
#   2. design a binary contract for the median annotator's number of
#      duplicate pairs (self-consistency, that annotator pool's median
#      chance agreement q0, no negative wages);
#   3. pay each annotator from their own outcome (no upload file: the log is
#      MTurk's and carries no assignment ids, which SendBonus needs, and a
#      Prolific file of MTurk worker ids is refused: uploads never rewrite ids);
#   4. the weekly HTML report of the three (one self-contained page), and
#      the numbers behind its plots as CSV.
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

echo "== 1. prefmon assess $log --gold $gold"
step "$P" assess --input-format gal "$log" --gold "$gold" --format csv \
    --out "$out/assessment.json" >"$out/assessment.csv"
echo "   annotators with duplicate pairs (the rest labelled no item twice):"
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    $c["dup_pairs"] > 0 { printf "   %-16s %5s pairs %5s consistent  q0 %-6.3f eta_hat %-6s %-8s gold %s/%s %s\n",
        $c["annotator"], $c["dup_pairs"], $c["consistent"], $c["q0"],
        $c["eta_hat"] == "" ? "-" : sprintf("%.3f", $c["eta_hat"]), $c["decision"],
        $c["gold_agree"], $c["gold_n"], $c["flags"] }' "$out/assessment.csv" |
    sort -k2,2nr | head -12
echo "   (top 12 by pairs; all rows: $out/assessment.csv)"

# The median annotator (among those with pairs): their pairs and chance agreement.
n=$(awk -F, 'NR > 1 && $3 > 0 { print $3 }' "$out/assessment.csv" | sort -n |
    awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
q0=$(awk -F, 'NR > 1 && $3 > 0 && $6 != "" { print $6 }' "$out/assessment.csv" | sort -g |
    awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')

echo
echo "== 2. prefmon contract --type binary --solve second-best --n $n --q0 $q0 (median annotator)"
step "$P" contract --type binary --solve second-best --n "$n" --monitor self \
    --convention general --q0 "$q0" --wage-min 0 --u0 0.05 --format csv \
    --out "$out/contract.json" >"$out/contract.csv"
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
        { printf "   base %.4f + bonus %.4f units if all %s of %s pairs agree (k = %s); effort %.3f, first-best %.3f\n",
            $c["base"], $c["bonus"], $c["k"], $c["n"], $c["k"], $c["eta"], $c["first_best_eta"] }' "$out/contract.csv"

echo
echo "== 3. prefmon pay --unit 10 --currency USD"
step "$P" pay --assessment "$out/assessment.json" --contract "$out/contract.json" --unit 10 \
    --currency USD --out "$out/payments.csv" --format csv >/dev/null

echo
echo "== 4. prefmon report (the weekly HTML page)"
step "$P" report --assessment "$out/assessment.json" --contract "$out/contract.json" \
    --payments "$out/payments.csv" --out "$out/report.html" --format csv >"$out/report-data.csv"

echo
echo "wrote:"
for f in assessment.csv assessment.json contract.json payments.csv \
    report-data.csv; do
    printf '  %s\n' "$out/$f"
done
rm -f "$out/step.err"
for f in assessment.csv assessment.json contract.json payments.csv \
    report-data.csv report.html; do
    [ -s "$out/$f" ] || { echo "demo: $out/$f was not written" >&2; exit 1; }
done
echo
echo "report: $out/report.html"
