#!/bin/sh
# Every worked example in doc/*.md ("    $ prefmon ARGS" followed by its
# indented output) must be a doc_* CLI case with the same command and the
# same output, so the pages cannot drift from the binary (the cases
# themselves check the binary).
#   sh tests/cli/check_doc_examples.sh [REPO_ROOT]
set -u
root=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$root" || exit 2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/prefmon-doc.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
fail=0
for page in doc/*.md; do
    # Split the page into one file per example: cmd.N and out.N (a blank
    # line belongs to the output when more indented output follows it).
    awk -v dir="$tmp" '
        /^    \$ prefmon / { n++; print substr($0, 15) > (dir "/cmd." n); in_ex = 1; pend = "";
                              printf "" > (dir "/out." n); next }
        in_ex && /^    / { printf "%s%s\n", pend, substr($0, 5) >> (dir "/out." n); pend = ""; next }
        in_ex && /^$/ { pend = pend "\n"; next }
        in_ex { in_ex = 0 }
        END { print n + 0 > (dir "/count") }' "$page"
    count=$(cat "$tmp/count")
    i=1
    while [ "$i" -le "$count" ]; do
        cmd=$(cat "$tmp/cmd.$i")
        found=
        for c in tests/cli/cases/doc_*; do
            if [ "$(cat "$c/cmd")" = "$cmd" ]; then
                found=$c
                break
            fi
        done
        if [ -z "$found" ]; then
            echo "$page: example 'prefmon $cmd' is not a doc_* case in tests/cli/cases"
            fail=1
        elif ! cmp -s "$found/stdout" "$tmp/out.$i"; then
            echo "$page: example 'prefmon $cmd' differs from $found/stdout (- case, + page):"
            diff -u "$found/stdout" "$tmp/out.$i"
            fail=1
        fi
        i=$((i + 1))
    done
done
exit "$fail"
