#!/bin/sh
# prefmon assess --out: what the file system sees.
#   - the file equals what --format json prints (one format for both);
#   - a data error in a log leaves no --out file and no temporary file, and
#     an existing --out file unchanged;
#   - a new file gets the mode a shell's > gives, an existing one keeps its own;
#   - a symbolic link stays and its target is replaced.
#   sh tests/cli/assess_out.sh PREFMON   (from anywhere; paths from the repository root)
set -u
prefmon=$1
root=$(cd "$(dirname "$0")/../.." && pwd) || exit 2
cd "$root" || exit 2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/prefmon-assess-out.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
fail=0
no() { echo "assess_out: $*"; fail=1; }
log=tests/cli/fixtures/assess/generic.csv
bad=tests/cli/fixtures/assess/bad_quote.csv

"$prefmon" assess --format json "$log" >"$tmp/stdout.json" 2>/dev/null || no "--format json: exit $?"
"$prefmon" assess --out "$tmp/a.json" "$log" >/dev/null 2>&1 || no "--out: exit $?"
cmp -s "$tmp/stdout.json" "$tmp/a.json" || no "--out differs from --format json"

"$prefmon" assess --out "$tmp/b.json" "$log" "$bad" >/dev/null 2>&1
[ $? = 1 ] || no "a bad second log: exit 1 expected"
[ -e "$tmp/b.json" ] && no "a failed run left its --out file"
echo keep >"$tmp/kept.json"
"$prefmon" assess --out "$tmp/kept.json" "$bad" >/dev/null 2>&1
[ "$(cat "$tmp/kept.json")" = keep ] || no "a failed run changed the existing --out file"

(umask 077 && "$prefmon" assess --out "$tmp/new.json" "$log" >/dev/null 2>&1) || no "umask 077: exit $?"
(umask 077 && : >"$tmp/ref")
[ "$(stat -c %a "$tmp/new.json")" = "$(stat -c %a "$tmp/ref")" ] || no "new file mode $(stat -c %a "$tmp/new.json")"
chmod 0640 "$tmp/kept.json"
"$prefmon" assess --out "$tmp/kept.json" "$log" >/dev/null 2>&1 || no "existing file: exit $?"
[ "$(stat -c %a "$tmp/kept.json")" = 640 ] || no "existing file: mode not kept"
cmp -s "$tmp/stdout.json" "$tmp/kept.json" || no "existing file: not replaced"

echo old >"$tmp/target.json" && ln -s target.json "$tmp/link.json"
"$prefmon" assess --out "$tmp/link.json" "$log" >/dev/null 2>&1 || no "symlink: exit $?"
[ -L "$tmp/link.json" ] || no "symlink: the link was replaced by a file"
cmp -s "$tmp/stdout.json" "$tmp/target.json" || no "symlink: the target was not written"

if ls -A "$tmp" | grep -q '\.tmp'; then
    no "temporary files left: $(ls -A "$tmp" | grep '\.tmp')"
fi
[ "$fail" = 0 ] && echo "assess_out: ok"
exit "$fail"
