#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the tests (Debian's binaries; no system service).
#   bash scripts/pg_test_cluster.sh start   create a cluster in a temporary folder, start it on 127.0.0.1
#                                           (a free port), print its admin URL
#   bash scripts/pg_test_cluster.sh url     print the admin URL of the running cluster
#   bash scripts/pg_test_cluster.sh stop    stop the cluster and remove its folder
# The URL (postgresql+psycopg://tdn@127.0.0.1:PORT/postgres) is what the tests take as TDN_TEST_PG_URL;
# each test then creates and drops its own database on it (tests/db_support.py).
#
# The folder is $TDN_PG_CLUSTER_DIR when set (it must not exist or be empty), else a new temporary
# folder; its path is kept in a state file under $TMPDIR so `url` and `stop` find it. Installs Debian's
# `postgresql` package when no /usr/lib/postgresql/*/bin/initdb exists (sudo when not root; Debian's
# default cluster is not created then). Runs as the current user, or as the `postgres` system user when
# the current user is root (initdb refuses root). Authentication is `trust`, on 127.0.0.1 only: test data.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
STATE="${TMPDIR:-/tmp}/tdn-pg-test-cluster.$(id -u).$(printf '%s' "$ROOT" | sha256sum | cut -c1-12)"
PG_SUPERUSER=tdn

say() { printf '%s\n' "$*" >&2; }

pg_bin() {
  local init
  init=$(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1 || true)
  [ -n "$init" ] && dirname "$init"
}

install_postgresql() {
  say "== Debian PostgreSQL for the store tests (package postgresql)"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  # no default cluster (and so no system service running it): these tests make their own
  if [ ! -e /etc/postgresql-common/createcluster.conf ]; then
    $sudo mkdir -p /etc/postgresql-common
    printf 'create_main_cluster = false\n' | $sudo tee /etc/postgresql-common/createcluster.conf >/dev/null
  fi
  $sudo apt-get update -q >&2
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold postgresql >&2
}

# run a command as the cluster's owner: the current user, or `postgres` when we are root
as_owner() {
  if [ "$(id -u)" -ne 0 ]; then
    "$@"
  elif command -v runuser >/dev/null 2>&1; then
    runuser -u postgres -- "$@"
  else
    su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
  fi
}

free_port() {
  python3 - <<'EOF'
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
EOF
}

cluster_dir() {
  if [ -n "${TDN_PG_CLUSTER_DIR:-}" ]; then
    printf '%s\n' "$TDN_PG_CLUSTER_DIR"
  elif [ -f "$STATE" ]; then
    cat "$STATE"
  fi
}

cmd_start() {
  local dir bin port url
  dir=$(cluster_dir)
  if [ -n "$dir" ] && [ -f "$dir/url" ] && [ -f "$dir/data/postmaster.pid" ]; then
    say "a test cluster is already running in $dir"
    cat "$dir/url"
    return 0
  fi
  bin=$(pg_bin)
  if [ -z "$bin" ]; then
    install_postgresql
    bin=$(pg_bin)
    [ -n "$bin" ] || { say "no /usr/lib/postgresql/*/bin/initdb after installing postgresql"; exit 1; }
  fi
  if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
    say "running as root, and there is no 'postgres' system user to own the cluster (initdb refuses root)"
    exit 1
  fi
  if [ -z "$dir" ]; then
    dir=$(mktemp -d "${TMPDIR:-/tmp}/tdn-pg-test.XXXXXX")
  else
    mkdir -p "$dir"
    [ -z "$(ls -A "$dir")" ] || { say "$dir is not empty"; exit 1; }
  fi
  [ -n "${TDN_PG_CLUSTER_DIR:-}" ] || printf '%s\n' "$dir" > "$STATE"
  chmod 755 "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
  as_owner "$bin/initdb" -D "$dir/data" -U "$PG_SUPERUSER" --auth=trust -E UTF8 --locale=C.UTF-8 \
    >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
  # a free port, listening on 127.0.0.1 only; the socket in the cluster's folder; no durability needed
  for _ in 1 2 3 4 5; do
    port=$(free_port)
    if as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
         -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories='$dir' -c max_connections=200 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
         >/dev/null; then
      url="postgresql+psycopg://$PG_SUPERUSER@127.0.0.1:$port/postgres"
      printf '%s\n' "$url" | as_owner tee "$dir/url" >/dev/null
      say "PostgreSQL $(basename "$(dirname "$bin")") test cluster in $dir, on 127.0.0.1:$port"
      printf '%s\n' "$url"
      return 0
    fi
    tail -n 5 "$dir/server.log" >&2 || true
  done
  say "the test cluster did not start (log: $dir/server.log)"
  exit 1
}

cmd_url() {
  local dir
  dir=$(cluster_dir)
  [ -n "$dir" ] && [ -f "$dir/url" ] || { say "no test cluster running (bash $0 start)"; exit 1; }
  cat "$dir/url"
}

cmd_stop() {
  local dir bin
  dir=$(cluster_dir)
  [ -n "${TDN_PG_CLUSTER_DIR:-}" ] || rm -f "$STATE"
  [ -n "$dir" ] && [ -d "$dir" ] || return 0
  bin=$(pg_bin)
  if [ -n "$bin" ] && [ -f "$dir/data/postmaster.pid" ]; then
    as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w -t 60 stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
  say "test cluster stopped and removed ($dir)"
}

case "${1:-}" in
  start) cmd_start ;;
  url) cmd_url ;;
  stop) cmd_stop ;;
  *) echo "usage: bash scripts/pg_test_cluster.sh start|url|stop" >&2; exit 2 ;;
esac
