#!/bin/sh
# The default table of every command, as a person sees it in a terminal of
# 80 and of 100 columns (tmux): no line longer than the terminal, no row
# wrapped. capture-pane -J joins a wrapped line back into one, so a row
# that wrapped shows up as a line longer than the width.
# usage: tmux_width.sh PREFMON (run from the repository root)
set -eu
P=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(cd "$(dirname "$0")/../.." && pwd)
command -v tmux >/dev/null || { echo "tmux_width: tmux is not installed (scripts/install-deps.sh)" >&2; exit 1; }
tmp=$(mktemp -d)
sock=$tmp/sock
trap 'tmux -S "$sock" kill-server 2>/dev/null || true; rm -rf "$tmp"' EXIT
f=tests/cli/fixtures
# One command per line, arguments after prefmon. At 80 columns stdout only
# (the tables); at 100 columns assess's summary on stderr too, which a
# person reads beside its table (its one-off warnings are messages, left
# to wrap).
cat >"$tmp/cmds" <<CMDS
assess --eta0 0.6 $f/assess/generic.csv
assess --eta0 0.6 $f/assess/long_annotator.csv
assess data/adultcontent2/labels.txt --gold data/adultcontent2/gold.txt
assess $f/assess/rankings.jsonl
assess tests/fixtures/records/arena_clean_battle_conv.json
pay --assessment $f/pay/assessment.json --contract $f/pay/contract-binary.json --unit 10 --currency USD --paid 0.50
budget --dup-cost 1e-5 --gold-cost 1e-4 --cbar 0.6 --queue-length 500
power --eta0 0.8 --eta1 1 --delta 0.02 --n 100
compare --eta0 0.8 --eta1 1 --delta 0.02 --pref-scores data/ultrafeedback-sample.jsonl --target 0.05
gap --n-range 10:100000:5
bound --pref-scores data/ultrafeedback-sample.jsonl --eta0 0.8 --eta1 1 --n 10,50,100,200
samplesize --eta0 0.8 --eta1 1 --delta 0.02 --target 0.05
estimate --n 100 --passes 90 --delta 0.02 --eta0 0.8
simulate --annotators 6 --eta 1,0.9,0.6 --spammer-share 0.17 --longer-share 0.17 --queue-length 60 --dup-count 12 --min-gap 5 --gold-rate 0.2 --eta0 0.5 --seed 1
report --assessment $f/report/assessment.json --contract $f/pay/contract-binary.json --payments $f/report/payments.csv --out $tmp/r.html --gap-n 5,10,50,100
history list --history $f/history/store.db
history show =carol --history $f/history/store.db
reproduce --grid off --table loglog-fit
CMDS
fail=0
for width in 80 100; do
    n=0
    while IFS= read -r args; do
        n=$((n + 1))
        out=$tmp/pane-$width-$n
        sock=$tmp/sock-$width-$n
        err=2\>/dev/null
        case $width/$args in 100/assess*) err=2\>\&1 ;; esac
        tmux -S "$sock" -f /dev/null new-session -d -x "$width" -y 50 -c "$root" \
            "sh -c 'LC_ALL=C \"$P\" $args $err; echo __done__; sleep 60'"
        i=0
        while ! tmux -S "$sock" capture-pane -p -J -S - -t 0 >"$out" 2>/dev/null ||
            ! grep -q '^__done__' "$out"; do
            i=$((i + 1))
            if [ $i -gt 600 ]; then
                echo "tmux_width: timed out: prefmon $args" >&2
                exit 1
            fi
            sleep 0.1
        done
        tmux -S "$sock" kill-server 2>/dev/null || true
        # Every line the command printed (the pane's own lines end at __done__).
        sed '/^__done__/,$d' "$out" >"$out.lines"
        if [ "$(wc -l <"$out.lines")" -lt 2 ]; then
            echo "tmux_width: no output at $width columns: prefmon $args" >&2
            cat "$out" >&2
            fail=1
        fi
        long=$(awk -v w="$width" 'length($0) > w' "$out.lines")
        if [ -n "$long" ]; then
            echo "tmux_width: at $width columns, lines longer than the terminal (wrapped) from: prefmon $args" >&2
            printf '%s\n' "$long" >&2
            fail=1
        fi
    done <"$tmp/cmds"
done
exit $fail
