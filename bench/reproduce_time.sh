#!/bin/sh
# `prefmon reproduce` on the embedded UltraFeedback sample, whole process, in
# each grid mode: the figures doc/reproduce.md states ("Cost and the grid
# mode"). Times come from /usr/bin/time (GNU time: %e wall, %U user, %S sys,
# %M peak RSS); on a shared machine the CPU time is the figure to compare.
#
#   sh bench/reproduce_time.sh BUILD_DIR        (from the repository root)
set -eu
build=${1:-build}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/prefmon-repro-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
[ -x /usr/bin/time ] || { echo "reproduce_time: needs GNU time (/usr/bin/time)" >&2; exit 2; }
echo "# machine: $(uname -m), $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')"
echo "# date:    $(date -u '+%Y-%m-%d %H:%M:%S UTC'); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# prefmon: $("$build/prefmon" --version)"
echo "# command: /usr/bin/time -f '%e %U %S %M' $build/prefmon reproduce --grid MODE --out FILE"
echo "#          (dataset: data/ultrafeedback-sample.jsonl, seed 42, all four Figure 3 settings)"
printf '%-8s %9s %9s %9s %10s\n' grid wall_s user_s sys_s peak_MB
for mode in off coarse full; do
    /usr/bin/time -o "$tmp/t" -f '%e %U %S %M' \
        "$build/prefmon" reproduce --grid "$mode" --out "$tmp/r.html" >/dev/null
    read -r e u s m <"$tmp/t"
    printf '%-8s %9s %9s %9s %10.1f\n' "$mode" "$e" "$u" "$s" "$(awk -v m="$m" 'BEGIN { print m / 1024 }')"
done
