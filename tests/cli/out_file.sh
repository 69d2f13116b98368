#!/bin/sh
# prefmon contract --out: what the file system sees (pm_outfile through the
# CLI). Checks, against what a plain `>` redirection gives:
#   a new file's mode under umask 022 and 077 (0644, 0600), an existing
#   file's mode kept, a symbolic link left in place with its target
#   replaced, /dev/null and a FIFO written through (still a device, still a
#   FIFO), /dev/full refused with exit 3 and one line, and no temporary
#   file left anywhere; budget's two outputs (--out, --curve-out) both
#   written or neither when one is /dev/full.
#   sh tests/cli/out_file.sh PREFMON
set -u
prefmon=$1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/prefmon-out.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
fail=0
no() { echo "out_file: $*"; fail=1; }
run() { "$prefmon" contract --n 10 --out "$@" >/dev/null 2>"$tmp/err"; }

for mask in 022 077; do
    (umask "$mask" && run "$tmp/new$mask") || no "umask $mask: exit $?"
    (umask "$mask" && : >"$tmp/ref$mask") # what a shell's create gives
    want=$(stat -c %a "$tmp/ref$mask")
    got=$(stat -c %a "$tmp/new$mask")
    [ "$got" = "$want" ] || no "umask $mask: mode $got, a plain create gives $want"
    grep -q '"format": "prefmon-contract"' "$tmp/new$mask" || no "umask $mask: not a contract file"
done

: >"$tmp/kept" && chmod 0640 "$tmp/kept"
(umask 077 && run "$tmp/kept") || no "existing file: exit $?"
[ "$(stat -c %a "$tmp/kept")" = 640 ] || no "existing file: mode $(stat -c %a "$tmp/kept"), kept 640 expected"

echo old >"$tmp/target" && ln -s target "$tmp/link"
run "$tmp/link" || no "symlink: exit $?"
[ -L "$tmp/link" ] || no "symlink: the link was replaced by a file"
grep -q '"format": "prefmon-contract"' "$tmp/target" || no "symlink: the target was not written"

# Devices. As root, a broken prefmon would replace the system's /dev/null
# and /dev/full with regular files (the old one did): test on our own
# nodes of the same devices then. Without root /dev cannot be changed.
null=/dev/null full=/dev/full
if [ "$(id -u)" = 0 ] && mknod -m 666 "$tmp/null" c 1 3 && mknod -m 666 "$tmp/full" c 1 7; then
    null=$tmp/null full=$tmp/full
fi
run "$null" || no "$null: exit $?"
[ -c "$null" ] || no "$null is no longer a device"

run "$full"
rc=$?
[ "$rc" = 3 ] || no "$full: exit $rc, expected 3"
[ "$(wc -l <"$tmp/err")" = 1 ] && grep -q 'No space left on device' "$tmp/err" ||
    no "$full: expected one line saying 'No space left on device', got: $(cat "$tmp/err")"
[ -c "$full" ] || no "$full is no longer a device"

# A FIFO is written through (opened, not replaced): the reader gets the file.
mkfifo "$tmp/fifo"
timeout 20 cat "$tmp/fifo" >"$tmp/fifo.out" &
reader=$!
run "$tmp/fifo" || no "FIFO: exit $?"
wait "$reader"
[ -p "$tmp/fifo" ] || no "the FIFO was replaced"
grep -q '"format": "prefmon-contract"' "$tmp/fifo.out" || no "FIFO: the reader got no contract"

# Two outputs are both written or neither: budget --out on a full device
# leaves no --curve-out, and the other way round (and pay, plan alike).
"$prefmon" budget --dup-cost 1e-3 --type linear --max-n 8 --out "$full" \
    --curve-out "$tmp/cu.csv" >/dev/null 2>"$tmp/err"
rc=$?
[ "$rc" = 3 ] || no "budget --out $full: exit $rc, expected 3"
[ -e "$tmp/cu.csv" ] && no "budget --out $full: --curve-out was written anyway"
"$prefmon" budget --dup-cost 1e-3 --type linear --max-n 8 --out "$tmp/best.csv" \
    --curve-out "$full" >/dev/null 2>"$tmp/err"
rc=$?
[ "$rc" = 3 ] || no "budget --curve-out $full: exit $rc, expected 3"
[ -e "$tmp/best.csv" ] && no "budget --curve-out $full: --out was written anyway"
[ -c "$full" ] || no "$full is no longer a device"

mkdir "$tmp/sub"
run "$tmp/sub"
[ "$?" = 3 ] || no "a directory: exit 3 expected"

if ls -A "$tmp" | grep -q '\.tmp'; then
    no "temporary files left: $(ls -A "$tmp" | grep '\.tmp')"
fi
[ "$fail" = 0 ] && echo "out_file: ok"
exit "$fail"
