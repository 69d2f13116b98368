#!/bin/sh
# The shared library exports the public API and nothing else (ctest `symbols`):
#   1. every dynamic symbol it defines starts with pm_ (no pmx_ internal,
#      no helper of a dependency): the library is built with
#      -fvisibility=hidden and only PM_API declarations are exported;
#   2. every function or object the public headers declare is exported:
#      a declaration without PM_API (hidden) or without a definition fails
#      here, and so does an export that no header declares.
# usage: scripts/check-symbols.sh LIBPREFMON.so INCLUDE_DIR
set -eu
lib=$1
inc=$2
tmp=${TMPDIR:-/tmp}/pm-symbols.$$
trap 'rm -f "$tmp".*' EXIT
# (AddressSanitizer adds an __odr_asan.<name> indicator beside each exported
# global of a sanitized build: the instrumentation's, not the library's.)
nm -D --defined-only "$lib" | awk '{ print $NF }' | grep -v '^__odr_asan[._]' | sort -u \
    >"$tmp.exported"
[ -s "$tmp.exported" ] || { echo "symbols: $lib exports nothing" >&2; exit 1; }
rc=0
if grep -v '^pm_' "$tmp.exported" >"$tmp.bad"; then
    echo "symbols: $lib exports names outside the pm_ API (an internal without static or hidden?):" >&2
    sed 's/^/  /' "$tmp.bad" >&2
    rc=1
fi
# Every function and object the headers declare, with or without PM_API
# (comments stripped by the preprocessor, directives dropped, statements
# joined across lines and split at ';'): the first pm_ name followed by
# ( or [ in each statement that is not a typedef. One without PM_API is
# hidden and so missing from the library's exports below.
cc=${CC:-cc}
for h in "$inc"/prefmon/*.h; do
    [ "$(basename "$h")" = export.h ] && continue
    "$cc" -fpreprocessed -dD -E -P "$h" | grep -v '^#' | tr '\n' ' ' | tr ';' '\n' |
        sed -E 's/^ *PM_(BEGIN|END)_DECLS *//' | grep -vE '^ *(typedef|})' |
        grep -oE '(^|[^A-Za-z0-9_])pm_[A-Za-z0-9_]* *[([]' |
        sed -E 's/^[^p]//; s/ *[([]$//'
done | sort -u >"$tmp.declared"
[ -s "$tmp.declared" ] || { echo "symbols: no declaration found under $inc" >&2; exit 1; }
if comm -23 "$tmp.declared" "$tmp.exported" | grep . >"$tmp.missing"; then
    echo "symbols: declared in include/prefmon but not exported by $lib (PM_API missing, or no definition?):" >&2
    sed 's/^/  /' "$tmp.missing" >&2
    rc=1
fi
if comm -13 "$tmp.declared" "$tmp.exported" | grep . >"$tmp.extra"; then
    echo "symbols: exported by $lib but declared in no public header:" >&2
    sed 's/^/  /' "$tmp.extra" >&2
    rc=1
fi
[ $rc -eq 0 ] && echo "symbols: $(wc -l <"$tmp.exported") exported, all pm_, the same as the headers declare"
exit $rc
