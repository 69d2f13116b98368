#!/bin/sh
# assess --history over five weekly logs (tests/cli/fixtures/weeks, made by
# make_weeks.py) into a fresh SQLite store. Asserts, batch by batch, the
# CSV output against expected.csv (reviewed by hand: the clicker blocked
# below chance from week 1, the one-label annotator reviewed, the careful
# one passed in week 4, the drifter passed in week 3, then reopened and
# failed with drift starting in week 4), then:
#   - re-importing a batch is refused (exit 1), the same file under
#     another name too;
#   - a cumulative export (weeks 4 and 5 again, as week 6) in --dry-run:
#     every record recognised and skipped, nothing written (the store's
#     bytes unchanged);
#   - another --delta is refused (exit 2) unless --new-delta;
#   - --block-out (Prolific IDs; MTurk WorkerId,Reason) and --review-out
#     hold the week's block and review actions, and a dry run writes none;
#   - --batch without --history is a usage error;
#   - the store passes `prefmon history check`.
#   usage: tests/cli/history_weeks.sh PREFMON   (from the repository root)
set -eu
prefmon=$1
fx=tests/cli/fixtures/weeks
tmp=$(mktemp -d "${TMPDIR:-/tmp}/prefmon-weeks.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail() { echo "history_weeks: $*" >&2; exit 1; }
db="$tmp/store.db"

: >"$tmp/out.csv"
for w in 1 2 3 4 5; do
    echo "# 2026-W0$w" >>"$tmp/out.csv"
    "$prefmon" assess --history "$db" --batch "2026-W0$w" --format csv "$fx/w$w.csv" \
        --block-out "$tmp/block$w.txt" --review-out "$tmp/review$w.csv" \
        >>"$tmp/out.csv" 2>"$tmp/err" || fail "week $w: $(cat "$tmp/err")"
done
# Prolific's custom blocklist: participant IDs, one a line.
printf 'clicker\n' | cmp -s - "$tmp/block1.txt" || fail "week 1 block list: $(cat "$tmp/block1.txt")"
printf 'clicker\ndrifter\n' | cmp -s - "$tmp/block5.txt" || fail "week 5 block list"
printf 'annotator,action,reason,flags\r\nonelabel,review,"one label for (almost) everything: repeats agree by themselves, so they carry no evidence of effort",one-label\r\n' |
    cmp -s - "$tmp/review5.csv" || fail "week 5 review list: $(cat "$tmp/review5.csv")"
diff -u "$fx/expected.csv" "$tmp/out.csv" || fail "output differs from $fx/expected.csv"
grep -q "12 cross-week pairs" "$tmp/err" || fail "cross-week pairs not said: $(cat "$tmp/err")"

set +e
"$prefmon" assess --history "$db" --batch 2026-W05 "$fx/w5.csv" >/dev/null 2>"$tmp/err"
rc=$?
set -e
[ $rc -eq 1 ] || fail "re-import: exit $rc, want 1"
grep -q "already imported" "$tmp/err" || fail "re-import message: $(cat "$tmp/err")"
# --replace: says what it replaced; the MTurk block CSV (WorkerId,Reason).
# (The replaced batch's last labels are gone with it and the ones it
# overwrote are not restored, so its cross-week pairs are not re-made: a
# known limit of the store's last-label table, doc/history.md.)
"$prefmon" assess --history "$db" --batch 2026-W05 --replace --format csv --block-format mturk \
    --block-out "$tmp/mturk.csv" "$fx/w5.csv" >"$tmp/again.csv" 2>"$tmp/err" ||
    fail "replace: $(cat "$tmp/err")"
grep -q "replaced: batch '2026-W05'" "$tmp/err" || fail "replace not said: $(cat "$tmp/err")"
want=$(awk -F, '$16 == "block" { printf "%s,%s\r\n", $1, $17 }' "$tmp/again.csv")
[ "$(printf 'WorkerId,Reason\r\n%s' "$want")" = "$(cat "$tmp/mturk.csv")" ] ||
    fail "MTurk block list: $(cat "$tmp/mturk.csv")"
grep -q '^clicker,' "$tmp/mturk.csv" && grep -q '^drifter,' "$tmp/mturk.csv" ||
    fail "MTurk block list misses someone: $(cat "$tmp/mturk.csv")"
set +e
"$prefmon" assess --history "$db" --batch 2026-W99 "$fx/w5.csv" >/dev/null 2>"$tmp/err"
rc=$?
set -e
[ $rc -eq 1 ] || fail "same file, another name: exit $rc, want 1"

before=$(sha256sum "$db" | cut -c1-64)
{ cat "$fx/w4.csv"; tail -n +2 "$fx/w5.csv"; } >"$tmp/cum.csv"
"$prefmon" assess --history "$db" --batch 2026-W06 --dry-run "$tmp/cum.csv" >/dev/null \
    2>"$tmp/err" || fail "dry run: $(cat "$tmp/err")"
grep -q "dry run: nothing written" "$tmp/err" || fail "dry run not said: $(cat "$tmp/err")"
grep -q "464 records read, 464 already in the store (skipped)" "$tmp/err" ||
    fail "cumulative export not recognised: $(cat "$tmp/err")"
after=$(sha256sum "$db" | cut -c1-64)
"$prefmon" assess --history "$db" --batch 2026-W07 --dry-run --block-format mturk \
    --block-out "$tmp/dry-block.csv" "$tmp/cum.csv" >/dev/null 2>&1 || fail "dry run with exports"
[ ! -e "$tmp/dry-block.csv" ] || fail "a dry run wrote --block-out"
[ "$before" = "$after" ] || fail "the dry run changed the store"

set +e
"$prefmon" assess --history "$db" --batch 2026-W06 --delta 0.05 "$tmp/cum.csv" >/dev/null \
    2>"$tmp/err"
rc=$?
set -e
[ $rc -eq 2 ] || fail "another delta: exit $rc, want 2"
grep -q -- "--new-delta" "$tmp/err" || fail "delta message: $(cat "$tmp/err")"
set +e
"$prefmon" assess --batch x "$fx/w1.csv" >/dev/null 2>"$tmp/err"
rc=$?
set -e
[ $rc -eq 2 ] || fail "--batch alone: exit $rc, want 2"

"$prefmon" history check --history "$db" >/dev/null 2>"$tmp/err" ||
    fail "history check: $(cat "$tmp/err")"
echo "history_weeks: ok"
