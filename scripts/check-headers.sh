#!/bin/sh
# The public headers for bindings and C++ (ctest `headers`):
#   0. every header wraps its declarations in PM_BEGIN_DECLS/PM_END_DECLS
#      and is included by the umbrella header prefmon/prefmon.h;
#   1. a C file including every header compiles as strict C99
#      (-std=c99 -pedantic -Werror) with PM_NO_ATTRIBUTES, and then not one
#      GNU attribute or decoration comes from a prefmon header, so that a
#      plain C parser (cffi, ctypesgen, bindgen in C mode) reads them;
#   2. tests/api/cxx_smoke.cpp (the umbrella header prefmon/prefmon.h from
#      C++) compiles with -pedantic and links against the shared library:
#      the link fails unless the headers declare extern "C". Skipped (with a
#      note) when no C++ compiler is installed.
# ($PM_SAN_FLAGS, set by a sanitizer build, is added to the C++ build.)
# usage: scripts/check-headers.sh SOURCE_DIR LIBDIR SCRATCH_DIR
set -eu
src=$1
libdir=$2
tmp=$3
cc=${CC:-cc}
cxx=${CXX:-c++}
mkdir -p "$tmp"
# Every header is wrapped for C++ and is in the umbrella header.
for h in "$src"/include/prefmon/*.h; do
    b=$(basename "$h")
    case $b in export.h | prefmon.h) continue ;; esac
    grep -q '^PM_BEGIN_DECLS$' "$h" && grep -q '^PM_END_DECLS$' "$h" ||
        { echo "headers: $b lacks PM_BEGIN_DECLS / PM_END_DECLS (extern \"C\")" >&2; exit 1; }
    grep -q "^#include \"prefmon/$b\"\$" "$src/include/prefmon/prefmon.h" ||
        { echo "headers: $b is not included by prefmon/prefmon.h" >&2; exit 1; }
done
for h in "$src"/include/prefmon/*.h; do
    echo "#include \"prefmon/$(basename "$h")\""
done >"$tmp/all_headers.c"
echo 'int main(void) { return 0; }' >>"$tmp/all_headers.c"
"$cc" -std=c99 -pedantic -Wall -Wextra -Werror -DPM_NO_ATTRIBUTES -I"$src/include" \
    -c "$tmp/all_headers.c" -o "$tmp/all_headers.o"
# Lines that come from prefmon's own headers, after preprocessing.
"$cc" -std=c99 -DPM_NO_ATTRIBUTES -I"$src/include" -E "$tmp/all_headers.c" |
    awk '/^# [0-9]+ "/ { own = index($0, "/include/prefmon/") > 0; next } own' >"$tmp/all_headers.i"
if grep -nE '__attribute__|__declspec|extern "C"' "$tmp/all_headers.i"; then
    echo "headers: a GNU attribute left in a prefmon header under PM_NO_ATTRIBUTES" >&2
    exit 1
fi
echo "headers: every header is strict C99 without attributes"
if ! command -v "$cxx" >/dev/null 2>&1; then
    echo "headers: no C++ compiler ($cxx): C++ check skipped"
    exit 0
fi
# shellcheck disable=SC2086
"$cxx" -std=c++11 -pedantic -Wall -Wextra -Werror ${PM_SAN_FLAGS:-} -I"$src/include" "$src/tests/api/cxx_smoke.cpp" \
    -L"$libdir" -lprefmon -Wl,-rpath,"$libdir" -o "$tmp/cxx_smoke"
"$tmp/cxx_smoke"
