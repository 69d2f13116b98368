#!/bin/sh
# Install the Debian 12 packages prefmon needs to build and test, when missing.
# Usage: scripts/install-deps.sh [build|bench|dev]
#   build (default): compiler, CMake, Rmath, jansson, yajl, cmocka; SQLite and libpq
#                    (the history store) and postgresql (its tests start a
#                    throwaway server, scripts/pg-test.sh); python3 (the
#                    strict HTML parse of the report), python3-mpmath (the
#                    report's numbers recomputed, tests/report/check_report_data.py,
#                    and the golden checkers), python3-pandas (tests/cli/check_assess.py)
#                    and chromium (the headless browser test, tests/browser)
#   bench:           + python3-numpy (the NumPy peer of the grid benchmark),
#                      python3-pandas (the pandas peer of the assess benchmark),
#                      time (GNU time: peak RSS in bench/assess_compare.sh)
#   dev:             + clang-format, python3-mpmath, python3-pandas (regenerating
#                      reference tables)
set -eu
want="build-essential cmake pkgconf r-mathlib libjansson-dev libyajl-dev libcmocka-dev libsqlite3-dev libpq-dev postgresql python3 python3-mpmath python3-pandas chromium tmux"
case "${1:-build}" in
build) ;;
bench) want="$want python3 python3-numpy python3-pandas time" ;;
dev) want="$want python3 python3-numpy python3-mpmath python3-pandas clang-format" ;;
*) echo "install-deps.sh: unknown set '$1' (build|bench|dev)" >&2; exit 2 ;;
esac
missing=""
for p in $want; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0
echo "install-deps.sh: installing:$missing" >&2
SUDO=""
if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
        echo "install-deps.sh: need root (or sudo) to install:$missing" >&2; exit 3
    fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
