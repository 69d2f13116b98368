#!/bin/sh
# CLI golden test: run one case directory and compare with its expectations.
#
#   sh tests/cli/run_case.sh PREFMON CASE_DIR            check (exit 0 pass, 1 fail)
#   sh tests/cli/run_case.sh --update PREFMON CASE_DIR   rewrite the expectations
#
# A case directory holds
#   cmd     one line: the arguments after `prefmon`, shell-quoted (it is eval'ed)
#   stdout  the expected standard output; numbers may differ by a relative
#           1e-12 (tests/cli/numcmp.awk), everything else byte for byte
#   exit    the expected exit status
#   stderr  optional: the expected standard error, byte for byte; when absent,
#           stderr is not compared, except that a non-zero exit must come with
#           exactly one non-empty line on stderr
#   stdin   optional: fed to the command (otherwise stdin is /dev/null)
# The command runs from the repository root with LC_ALL=C. See tests/cli/README.md.
set -u

update=0
if [ "${1-}" = "--update" ]; then
    update=1
    shift
fi
if [ $# -ne 2 ]; then
    echo "usage: sh tests/cli/run_case.sh [--update] PREFMON CASE_DIR" >&2
    exit 2
fi

here=$(pwd)
abspath() {
    case $1 in
    /*) printf '%s\n' "$1" ;;
    */*) printf '%s/%s\n' "$here" "$1" ;;
    *) printf '%s\n' "$1" ;; # a bare name is looked up in PATH
    esac
}
# shellcheck disable=SC2034 # used inside the eval below
PREFMON=$(abspath "$1")
case_dir=$2
case $case_dir in
/*) ;;
*) case_dir=$here/$case_dir ;;
esac
case_dir=${case_dir%/}
name=${case_dir##*/}

# The repository root is two levels above this script; case commands use
# paths relative to it (data/..., tests/cli/fixtures/...).
root=$(cd "$(dirname "$0")/../.." && pwd) || exit 2
cd "$root" || exit 2

if [ ! -f "$case_dir/cmd" ]; then
    echo "$name: no cmd file in $case_dir" >&2
    exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/prefmon-case.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

args=$(cat "$case_dir/cmd")
stdin=/dev/null
if [ -f "$case_dir/stdin" ]; then
    stdin=$case_dir/stdin
fi
LC_ALL=C
export LC_ALL
eval "\"\$PREFMON\" $args" <"$stdin" >"$tmp/stdout" 2>"$tmp/stderr"
rc=$?
echo "$rc" >"$tmp/exit"

if [ "$update" -eq 1 ]; then
    cp "$tmp/stdout" "$case_dir/stdout"
    cp "$tmp/exit" "$case_dir/exit"
    # stderr is recorded when the case already pins it, when the command
    # failed, or when it printed anything (warnings are part of the contract).
    if [ -f "$case_dir/stderr" ] || [ "$rc" -ne 0 ] || [ -s "$tmp/stderr" ]; then
        cp "$tmp/stderr" "$case_dir/stderr"
    fi
    echo "$name: updated (exit $rc)"
    exit 0
fi

fail=0
shown=0
check() { # check WHAT: compare $case_dir/WHAT with $tmp/WHAT
    if [ ! -f "$case_dir/$1" ]; then
        echo "$name: missing expected file $1" >&2
        fail=1
    elif ! cmp -s "$case_dir/$1" "$tmp/$1" &&
        ! awk -f "$root/tests/cli/numcmp.awk" "$case_dir/$1" "$tmp/$1"; then
        echo "$name: $1 differs (- expected, + actual):"
        diff -u "$case_dir/$1" "$tmp/$1"
        fail=1
    fi
}

if [ ! -f "$case_dir/exit" ]; then
    echo "$name: missing expected file exit" >&2
    fail=1
else
    want=$(tr -d ' \t\r\n' <"$case_dir/exit")
    if [ "$want" != "$rc" ]; then
        echo "$name: exit status $rc, expected $want"
        fail=1
    fi
fi
check stdout
if [ -f "$case_dir/stderr" ]; then
    check stderr
elif [ "$rc" -ne 0 ]; then
    # An error must be reported as exactly one non-empty, newline-terminated line.
    lines=$(wc -l <"$tmp/stderr")
    bytes=$(wc -c <"$tmp/stderr")
    first=$(head -n 1 "$tmp/stderr" | wc -c)
    if [ "$lines" -ne 1 ] || [ "$bytes" -ne "$first" ] || [ "$bytes" -le 1 ]; then
        echo "$name: exit $rc must come with exactly one non-empty line on stderr; got:"
        cat "$tmp/stderr"
        shown=1
        fail=1
    fi
fi

if [ "$fail" -ne 0 ]; then
    echo "$name: command: prefmon $args"
    if [ -s "$tmp/stderr" ] && [ ! -f "$case_dir/stderr" ] && [ "$shown" -eq 0 ]; then
        echo "$name: stderr was:"
        cat "$tmp/stderr"
    fi
    exit 1
fi
exit 0
