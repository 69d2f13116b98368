#!/bin/sh
# make install, checked (ctest `install`): install the build into a scratch
# DESTDIR, check every part is there (libprefmon.so.0, .so, .a, headers,
# prefmon.pc, the binary, the man page, the data with its README), build
# examples/weekly.c against it through pkg-config alone, run it, and run
# the installed binary's simulate on the installed data from an empty
# directory.
# usage: tests/api/install.sh BUILD_DIR SOURCE_DIR SCRATCH_DIR
# ($PM_SAN_FLAGS, set by a sanitizer build, is added to the compile.)
set -eu
build=$1
src=$2
scratch=$3
stage=$scratch/stage
rm -rf "$scratch"
mkdir -p "$scratch/empty"
DESTDIR=$stage cmake --install "$build" >"$scratch/install.log"
fail() {
    echo "install: $*" >&2
    exit 1
}
pc=$(find "$stage" -name prefmon.pc | head -n 1)
[ -n "$pc" ] || fail "no prefmon.pc installed under $stage"
export PKG_CONFIG_PATH="$(dirname "$pc")" PKG_CONFIG_SYSROOT_DIR="$stage"
# the variables as written (pkgconf would put the sysroot in front)
var() { PKG_CONFIG_SYSROOT_DIR= pkg-config --variable="$1" prefmon; }
libdir=$stage$(var libdir)
incdir=$stage$(var includedir)
datadir=$stage$(var datadir)
prefix=$stage$(var prefix)
for f in "$libdir/libprefmon.so.0" "$libdir/libprefmon.so" "$libdir/libprefmon.a" \
    "$incdir/prefmon/prefmon.h" "$incdir/prefmon/export.h" "$prefix/bin/prefmon" \
    "$prefix/share/man/man1/prefmon.1" "$datadir/README.md" \
    "$datadir/ultrafeedback-sample.jsonl" "$datadir/adultcontent2/labels.txt"; do
    [ -e "$f" ] || fail "not installed: $f"
done
for h in "$src"/include/prefmon/*.h; do
    cmp -s "$h" "$incdir/prefmon/$(basename "$h")" || fail "header $(basename "$h") not installed as is"
done
[ "$(pkg-config --modversion prefmon)" = "$("$prefix/bin/prefmon" --version | sed 's/^prefmon //')" ] ||
    fail "prefmon.pc's version is not the binary's"
# shellcheck disable=SC2046,SC2086
${CC:-cc} -std=c99 -Wall -Wextra -Werror ${PM_SAN_FLAGS:-} $(pkg-config --cflags prefmon) \
    "$src/examples/weekly.c" -o "$scratch/weekly" $(pkg-config --libs prefmon)
readelf -d "$scratch/weekly" | grep -q 'NEEDED.*libprefmon\.so\.0' ||
    fail "the example is not linked against libprefmon.so.0"
(cd "$scratch/empty" && LD_LIBRARY_PATH=$libdir "$scratch/weekly") >"$scratch/weekly.out" ||
    fail "examples/weekly failed: $(cat "$scratch/weekly.out")"
grep -q '^careful  60 of 60 pairs consistent  pass$' "$scratch/weekly.out" ||
    fail "examples/weekly: unexpected output: $(cat "$scratch/weekly.out")"
grep -q '^annotator,pairs,consistent,wage,paid,bonus,reason,currency,unit' "$scratch/weekly.out" ||
    fail "examples/weekly wrote no payment table"
grep -q '^weekly page: [0-9][0-9]* bytes of HTML, <!DOCTYPE html>$' "$scratch/weekly.out" ||
    fail "examples/weekly built no weekly page: $(tail -n 2 "$scratch/weekly.out")"
(cd "$scratch/empty" && PREFMON_DATADIR=$datadir "$prefix/bin/prefmon" simulate --annotators 3 \
    --queue-length 20 --dup-count 4 --seed 1 >/dev/null 2>"$scratch/simulate.err") ||
    fail "installed simulate on the installed data: $(cat "$scratch/simulate.err")"
echo "install: installed under $stage; examples/weekly built with pkg-config and ran"
cat "$scratch/weekly.out"
