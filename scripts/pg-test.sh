#!/bin/sh
# A throwaway PostgreSQL server for the history store's tests (ctest
# fixture "pg"): Unix socket only, in DIR, on PORT, trust authentication,
# one database "prefmon_test".
#
#   usage: scripts/pg-test.sh start|stop|restart|halt DIR PORT
#
# start    initdb DIR/data, start the server, create the database (fsync off:
#          a throwaway server; commits still survive pg_ctl -m immediate,
#          which the tests rely on, because the OS keeps what was written)
# stop     stop the server (immediate) and remove DIR
# halt     stop the server at once (pg_ctl -m immediate), keep DIR: a
#          server that goes away mid-import (tests)
# restart  start a halted server again
#
# initdb and pg_ctl refuse to run as root; as root they run as the postgres
# user (runuser), so DIR must be a place postgres can enter (e.g. under
# /tmp). Debian keeps them in /usr/lib/postgresql/<version>/bin.
set -eu
[ $# -eq 3 ] || { echo "usage: pg-test.sh start|stop|restart|halt DIR PORT" >&2; exit 2; }
cmd=$1 dir=$2 port=$3
bin=""
for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/pg_ctl" ] && bin=$d
done
if [ -z "$bin" ] && command -v pg_ctl >/dev/null 2>&1; then
    bin=$(dirname "$(command -v pg_ctl)")
fi
if [ -z "$bin" ]; then
    echo "pg-test.sh: PostgreSQL is not installed (no pg_ctl): install it with" >&2
    echo "  apt-get install postgresql libpq-dev   (or scripts/install-deps.sh)" >&2
    exit 1
fi
as_pg() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
ctl() { as_pg "$bin/pg_ctl" -D "$dir/data" "$@"; }
case $cmd in
start)
    if [ -f "$dir/data/postmaster.pid" ]; then ctl -m immediate stop >/dev/null 2>&1 || true; fi
    rm -rf "$dir"
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    as_pg "$bin/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --locale=C --no-sync \
        >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    ctl -w -l "$dir/server.log" -o "-c listen_addresses='' -c unix_socket_directories='$dir' \
-p $port -c fsync=off" start >/dev/null ||
        { cat "$dir/server.log" >&2; exit 1; }
    as_pg "$bin/createdb" -h "$dir" -p "$port" -U postgres prefmon_test
    echo "pg-test.sh: postgresql:///prefmon_test?host=$dir&port=$port&user=postgres"
    ;;
restart)
    ctl -w -l "$dir/server.log" -o "-c listen_addresses='' -c unix_socket_directories='$dir' \
-p $port -c fsync=off" start >/dev/null
    ;;
halt)
    ctl -m immediate stop >/dev/null
    ;;
stop)
    if [ -f "$dir/data/postmaster.pid" ]; then ctl -m immediate stop >/dev/null 2>&1 || true; fi
    rm -rf "$dir"
    ;;
*) echo "pg-test.sh: unknown command '$cmd' (start|stop|restart|halt)" >&2; exit 2 ;;
esac
