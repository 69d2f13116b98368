#!/bin/sh
# Check the library's layering from its object files' symbols (nm), so that
# what is checked is what the linker sees, not what the includes suggest.
#
#   usage: scripts/check-layers.sh OBJECT...
#
# Layers, lowest first (README "Layout"): core stats model contract io store
# pipeline report. An object file may use symbols defined in its own layer
# or a lower one. It fails (exit 1) when
#   - a file uses a symbol defined in a higher layer (an upward dependency);
#   - files depend on each other in a cycle (A uses B and B uses A, or longer);
#   - a library file references stdout/stderr or calls printf, puts, exit or
#     abort: the library never prints and never exits.
set -eu
LAYERS="core stats model contract io store pipeline report"
[ $# -gt 0 ] || { echo "check-layers: no object files given" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rank() { # layer index of an object path (the directory below src/lib), or ?
    l=$(printf '%s\n' "$1" | sed -n 's|.*src/lib/\([a-z]*\)/.*|\1|p')
    i=0
    for x in $LAYERS; do
        [ "$x" = "$l" ] && { echo "$i"; return; }
        i=$((i + 1))
    done
    echo "?"
}
name() { printf '%s\n' "$1" | sed 's|.*/src/lib/||; s|\.o$||; s|\.c$||'; }
: >"$tmp/defs"
: >"$tmp/uses"
for o in "$@"; do
    nm "$o" >/dev/null || { echo "check-layers: cannot read $o" >&2; exit 2; }
    n=$(name "$o")
    nm -g --defined-only "$o" | awk -v f="$n" 'NF >= 3 {print $3, f}' >>"$tmp/defs"
    nm -u "$o" | awk -v f="$n" '{print f, $NF}' >>"$tmp/uses"
done
fail=0
for o in "$@"; do
    if [ "$(rank "$o")" = "?" ]; then
        echo "check-layers: $(name "$o"): not in a known layer ($LAYERS)" >&2
        fail=1
    fi
done
sort -k1,1 "$tmp/defs" >"$tmp/defs.s"
sort -k2,2 "$tmp/uses" | join -1 2 -2 1 - "$tmp/defs.s" |
    awk '$2 != $3 {print $2, $3, $1}' | sort -u >"$tmp/edges"
# edges: user definer symbol. The layer of a file is its directory.
awk -v layers="$LAYERS" '
    BEGIN { n = split(layers, l, " "); for (i = 1; i <= n; i++) rank[l[i]] = i }
    function r(f,  d) { d = f; sub(/\/.*/, "", d); return (d in rank) ? rank[d] : 0 }
    { ru = r($1); rd = r($2)
      if (ru && rd && rd > ru) {
          printf "check-layers: upward dependency: %s uses %s from %s\n", $1, $3, $2
          bad = 1 } }
    END { exit bad }' "$tmp/edges" >&2 || fail=1
awk '{print $1, $2}' "$tmp/edges" | sort -u >"$tmp/pairs"
if ! tsort "$tmp/pairs" >/dev/null 2>"$tmp/loop"; then
    echo "check-layers: files depend on each other in a cycle:" >&2
    sed 's/^tsort: /  /' "$tmp/loop" >&2
    fail=1
fi
for o in "$@"; do
    bad=$(nm -u "$o" | awk '{print $NF}' |
        grep -E '^(stdout|stderr|printf|vprintf|puts|putchar|perror|exit|_exit|abort)$' || true)
    if [ -n "$bad" ]; then
        echo "check-layers: $(name "$o") prints or exits: $(echo $bad)" >&2
        fail=1
    fi
done
[ $fail -eq 0 ] && echo "check-layers: $(wc -l <"$tmp/pairs") file dependencies across $# files: layered, acyclic, no printing" || true
exit $fail
