#!/bin/sh
# The demo's two pages in a real browser (headless Chromium).
#   The one-week page (report --assessment, OUTDIR/week.html): it loads, its
#   sort script runs, and the DOM the browser built has the title, one table
#   row per annotator of the assessment and drawn plots.
#   The page from the history store (report --history, OUTDIR/report.html):
#   at 1280 px, this week's actions table shows its decision and flags
#   columns without horizontal scrolling (getBoundingClientRect through
#   history_probe.js), one row per action report --history printed, in the
#   order block, review, hold, pay.
# Screenshots at a desktop and a phone width are written.
#
#   usage: tests/browser/render.sh PREFMON OUTDIR
#
# Runs scripts/demo.sh into OUTDIR, then Chromium with --dump-dom and
# --screenshot; the screenshots stay in OUTDIR (week-desktop.png,
# week-phone.png, report-1280.png) to be looked at. Without Chromium
# this FAILS: CI installs it (scripts/install-deps.sh, Debian's chromium).
set -u
P=${1:?usage: render.sh PREFMON OUTDIR}
out=${2:?usage: render.sh PREFMON OUTDIR}
PY=/usr/bin/python3
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

browser=
for b in chromium chromium-browser; do
    if command -v "$b" >/dev/null 2>&1; then
        browser=$b
        break
    fi
done
if [ -z "$browser" ]; then
    echo "render.sh: FAIL: chromium is not installed; install it with" \
        "'sh scripts/install-deps.sh' (Debian package chromium) - this test needs a real browser" >&2
    exit 1
fi

rm -rf "$out"
mkdir -p "$out" || exit 1
(cd "$root" && sh scripts/demo.sh "$P" "$out" >"$out/demo.log" 2>&1) || {
    echo "render.sh: FAIL: scripts/demo.sh failed:" >&2
    cat "$out/demo.log" >&2
    exit 1
}
page=$out/week.html
[ -s "$page" ] || { echo "render.sh: FAIL: demo wrote no $page" >&2; exit 1; }
[ -s "$out/report.html" ] || { echo "render.sh: FAIL: demo wrote no $out/report.html" >&2; exit 1; }

# One Chromium run: a fresh profile each time, nothing from the network.
run_chromium() {
    prof=$(mktemp -d "${TMPDIR:-/tmp}/prefmon-chromium.XXXXXX") || return 1
    timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --hide-scrollbars --user-data-dir="$prof" "$@" 2>>"$out/chromium.log"
    rc=$?
    rm -rf "$prof"
    return $rc
}

url="file://$(cd "$(dirname "$page")" && pwd)/$(basename "$page")"
run_chromium --dump-dom "$url" >"$out/dom.html" || {
    echo "render.sh: FAIL: chromium --dump-dom failed (log: $out/chromium.log)" >&2
    tail -5 "$out/chromium.log" >&2
    exit 1
}
run_chromium --screenshot="$out/week-desktop.png" --window-size=1200,2000 "$url" >/dev/null &&
    run_chromium --screenshot="$out/week-phone.png" --window-size=390,2000 "$url" >/dev/null || {
    echo "render.sh: FAIL: chromium --screenshot failed (log: $out/chromium.log)" >&2
    exit 1
}

# The sort script, clicked: a copy of the page with tests/browser/sort_probe.js
# appended records the orders it shows.
{
    sed 's|</body>||; s|</html>||' "$page"
    printf '<script>\n'
    cat "$here/sort_probe.js"
    printf '</script>\n</body>\n</html>\n'
} >"$out/sort-probe.html"
run_chromium --dump-dom "file://$(cd "$out" && pwd)/sort-probe.html" >"$out/sort-dom.html" || {
    echo "render.sh: FAIL: chromium --dump-dom of the sort probe failed" >&2
    exit 1
}
"$PY" "$here/check_sort.py" "$out/sort-dom.html" || exit 1
"$PY" "$here/check_dom.py" "$out/dom.html" "$out/assessment.json" \
    "$out/week-desktop.png:1200" "$out/week-phone.png:390" || exit 1
"$PY" "$root/tests/report/check_html.py" "$page" --min-plots 4 || exit 1

# The history page at 1280 px: the probe measures the actions table.
hist=$out/report.html
{
    sed 's|</body>||; s|</html>||' "$hist"
    printf '<script>\n'
    cat "$here/history_probe.js"
    printf '</script>\n</body>\n</html>\n'
} >"$out/history-probe.html"
run_chromium --dump-dom --window-size=1280,900 \
    "file://$(cd "$out" && pwd)/history-probe.html" >"$out/history-dom.html" &&
    run_chromium --screenshot="$out/report-1280.png" --window-size=1280,900 \
        "file://$(cd "$out" && pwd)/report.html" >/dev/null || {
    echo "render.sh: FAIL: chromium on the history page failed (log: $out/chromium.log)" >&2
    exit 1
}
"$PY" "$here/check_history.py" "$out/history-dom.html" "$out/report-actions.csv" 1280 \
    "$out/report-1280.png" || exit 1
"$PY" "$root/tests/report/check_html.py" "$hist" --min-plots 3 || exit 1
echo "render.sh: screenshots: $out/week-desktop.png $out/week-phone.png $out/report-1280.png"
