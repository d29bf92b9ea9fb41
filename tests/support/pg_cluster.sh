#!/bin/sh
# pg_cluster.sh - a throwaway PostgreSQL 15 cluster for the ledger tests.
#
#   pg_cluster.sh start STATE    initdb + start; writes STATE/env (sourceable:
#                                TFA_PG_URL, TFA_PG_ADMIN_URL, TFA_PG_PASSWORD)
#   pg_cluster.sh restart STATE  fast restart (the fault tests)
#   pg_cluster.sh stop STATE     stop and remove everything
#
# Debian's server binaries (postgresql-15, `make deps`), never a mock. The
# server refuses to run as root, and CI runs as root: then the cluster
# belongs to the "postgres" system user (created by the package) and runs
# under runuser. Its files live in a private directory under /tmp, because
# that user cannot enter a root-owned build tree. Clients reach it on a
# loopback TCP port with a password (scram-sha-256), so the wrong-password
# path is real too.
set -eu

cmd=${1:?usage: pg_cluster.sh start|restart|stop STATE}
state=${2:?usage: pg_cluster.sh start|restart|stop STATE}
bindir=${TFA_PG_BINDIR:-/usr/lib/postgresql/15/bin}

as_owner() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u "$owner" -- "$@"
    else
        "$@"
    fi
}

load() {
    [ -f "$state/cluster" ] || { echo "pg_cluster: no cluster in $state" >&2; exit 2; }
    . "$state/cluster"
}

case $cmd in
start)
    if [ ! -x "$bindir/initdb" ]; then
        echo "pg_cluster: $bindir/initdb not found (apt-get install postgresql-15, or make deps)" >&2
        exit 2
    fi
    owner=$(id -un)
    if [ "$(id -u)" = 0 ]; then
        owner=postgres
        id "$owner" >/dev/null 2>&1 || owner=nobody
    fi
    [ -f "$state/cluster" ] && "$0" stop "$state" || true
    mkdir -p "$state"
    dir=$(mktemp -d /tmp/tfa-pg.XXXXXX)
    chmod 755 "$dir"
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    password=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
    printf '%s\n' "$password" > "$dir/pwfile"
    [ "$(id -u)" = 0 ] && chown -R "$owner" "$dir"
    cat > "$state/cluster" <<EOF
dir=$dir
port=$port
owner=$owner
EOF
    as_owner "$bindir/initdb" -D "$dir/data" -U tfaudit --pwfile="$dir/pwfile" \
        --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
        { cat "$dir/initdb.log" >&2; exit 2; }
    rm -f "$dir/pwfile"
    as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c fsync=on -c max_connections=64" \
        start >/dev/null || { cat "$dir/server.log" >&2; exit 2; }
    cat > "$state/env" <<EOF
TFA_PG_URL='postgresql://tfaudit:$password@127.0.0.1:$port/postgres'
TFA_PG_BASE='postgresql://tfaudit:$password@127.0.0.1:$port'
TFA_PG_PASSWORD='$password'
TFA_PG_PORT='$port'
EOF
    ;;
restart)
    load
    as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -m fast restart >/dev/null
    ;;
stop)
    load
    as_owner "$bindir/pg_ctl" -D "$dir/data" -w -t 60 -m fast stop >/dev/null 2>&1 || true
    case $dir in /tmp/tfa-pg.*) rm -rf "$dir" ;; esac
    rm -f "$state/cluster" "$state/env"
    ;;
*)
    echo "usage: pg_cluster.sh start|restart|stop STATE" >&2
    exit 2
    ;;
esac
