#!/bin/sh
# The demo's weekly report in a real browser (headless Chromium): the page
# loads, its sort script runs, and the DOM the browser built has the title,
# one table row per annotator of the assessment and drawn plots; screenshots
# at a desktop and a phone width are written.
#
#   usage: tests/browser/render.sh PREFMON OUTDIR
#
# Runs scripts/demo.sh into OUTDIR, then Chromium with --dump-dom and
# --screenshot on OUTDIR/report.html; the screenshots stay in OUTDIR
# (report-desktop.png, report-phone.png) to be looked at. Without Chromium
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
page=$out/report.html
[ -s "$page" ] || { echo "render.sh: FAIL: demo wrote no $page" >&2; exit 1; }

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
run_chromium --screenshot="$out/report-desktop.png" --window-size=1200,2000 "$url" >/dev/null &&
    run_chromium --screenshot="$out/report-phone.png" --window-size=390,2000 "$url" >/dev/null || {
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
    "$out/report-desktop.png:1200" "$out/report-phone.png:390" || exit 1
"$PY" "$root/tests/report/check_html.py" "$page" --min-plots 4 || exit 1
echo "render.sh: screenshots: $out/report-desktop.png $out/report-phone.png"
