#!/bin/sh
# The README's weekly-job example runs as written (every claim in the README
# stays true): the ```sh block after "The weekly job", run with the built
# prefmon in a scratch directory that sees the repository's data/.
#   usage: tests/cli/readme_week.sh PREFMON   (from the repository root)
set -eu
prefmon=$1
root=$(pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/prefmon-readme.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
awk '/^The weekly job/ { on = 1; next } on && /^```sh/ { take = 1; next }
     take && /^```/ { exit } take { print }' README.md >"$tmp/week.sh"
[ -s "$tmp/week.sh" ] || { echo "readme_week: no weekly-job block in README.md" >&2; exit 1; }
ln -s "$root/data" "$tmp/data"
cd "$tmp"
n=0
while IFS= read -r line; do
    n=$((n + 1))
    case $line in
    prefmon\ *) ;;
    *) echo "readme_week: line $n is not a prefmon command: $line" >&2; exit 1 ;;
    esac
    eval "\"\$prefmon\" ${line#prefmon }" >/dev/null 2>"$tmp/err" || {
        echo "readme_week: failed: $line" >&2
        cat "$tmp/err" >&2
        exit 1
    }
done <"$tmp/week.sh"
for f in assessment.json contract.json payments.csv store.db report.html; do
    [ -s "$f" ] || { echo "readme_week: $f was not written" >&2; exit 1; }
done
echo "readme_week: $n commands ran"
