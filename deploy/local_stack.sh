#!/usr/bin/env bash
# The whole server stack on this machine, on free 127.0.0.1 ports, for tests and benchmarks:
#   a throw-away PostgreSQL cluster  -> the demo data (python -m geo demo) and the test accounts
#   N Streamlit processes            -> streamlit run server.py (TDN_TRUST_PROXY=1), default N=2
#   nginx in front of them           -> deploy/nginx/tdn-proxy.conf (the deployed proxy settings), sticky
#                                       on the session cookie like deploy/nginx/tdn.conf
#
#   bash deploy/local_stack.sh start    start it all; the last line printed is the nginx URL
#   bash deploy/local_stack.sh status   what runs, where (exit 1 when something is down)
#   bash deploy/local_stack.sh stop     stop every process it started (by pid) and remove its folder
#   bash deploy/local_stack.sh env      the stack's settings (KEY=value lines, for scripts)
# Exit codes of start: 0 running, 3 nginx missing and not installable (or refused to start), 4 no PostgreSQL.
#
# Settings (environment):
#   TDN_STACK_DIR   the stack's folder (default ${TMPDIR:-/tmp}/tdn-local-stack-$UID): configs, pids, logs,
#                   the database cluster; removed by stop
#   TDN_STACK_APPS  number of app processes (default 2)
#   PYTHON          the project's Python (default .venv/bin/python)
#   NGINX_BIN       an nginx binary to use (default: nginx on PATH or /usr/sbin/nginx, else apt-get install nginx)
#   PGBIN           PostgreSQL's programs (default: the newest /usr/lib/postgresql/*/bin)
#
# Everything listens on 127.0.0.1 only. nginx is Debian's package, installed with apt-get when missing
# (as root, or with sudo), without starting its system service; here it runs as a foreground instance
# with its own config, pid and logs in the stack's folder. Test accounts: tests/browser_support.py
# (TEST_USERS, PASSWORD). Never for production: see deploy/README.md for a real server.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
DIR=${TDN_STACK_DIR:-${TMPDIR:-/tmp}/tdn-local-stack-$(id -u)}
APPS=${TDN_STACK_APPS:-2}
PY=${PYTHON:-$ROOT/.venv/bin/python}
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
STATE="$DIR/stack.env"

say() { printf '[local_stack %3ss] %s\n' "$SECONDS" "$*" >&2; }
die() { say "ERROR: $1"; exit "${2:-1}"; }

free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }

as_pg() {  # run a PostgreSQL binary as the postgres user when root (initdb refuses root)
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

wait_http() {  # URL TIMEOUT PID
  local url=$1 timeout=$2 pid=${3:-} t=0
  while [ "$t" -lt $((timeout * 4)) ]; do
    if "$PY" -c "import sys,urllib.request; sys.exit(0 if urllib.request.urlopen('$url', timeout=2).status == 200 else 1)" 2>/dev/null; then
      return 0
    fi
    if [ -n "$pid" ] && ! alive "$pid"; then return 1; fi
    sleep 0.25; t=$((t + 1))
  done
  return 1
}

nginx_bin() {
  if [ -n "${NGINX_BIN:-}" ]; then [ -x "$NGINX_BIN" ] && echo "$NGINX_BIN"; return; fi
  if command -v nginx >/dev/null 2>&1; then command -v nginx; return 0; fi
  [ -x /usr/sbin/nginx ] && { echo /usr/sbin/nginx; return 0; }
  return 1
}

install_nginx() {
  say "nginx is missing: installing Debian's package (apt-get install nginx; its system service is not started)"
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null || return 1
    sudo="sudo -n"
  fi
  # policy-rc.d answering 101 keeps the package from starting the system nginx on port 80
  local guard=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    guard=$(mktemp)
    printf '#!/bin/sh\nexit 101\n' > "$guard"; chmod 755 "$guard"
    $sudo cp "$guard" /usr/sbin/policy-rc.d && rm -f "$guard" && guard=/usr/sbin/policy-rc.d
  fi
  local rc=0
  { $sudo apt-get install -y -q --no-install-recommends nginx >&2 ||
    { $sudo apt-get update -q >&2 && $sudo env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -q --no-install-recommends nginx >&2; }; } || rc=$?
  [ "$guard" = /usr/sbin/policy-rc.d ] && $sudo rm -f /usr/sbin/policy-rc.d
  return $rc
}

load_state() { [ -f "$STATE" ] && . "$STATE"; }

# ---------------------------------------------------------------------------------------------------
start() {
  if load_state && alive "${NGINX_PID:-}"; then
    say "already running (TDN_STACK_DIR=$DIR)"; echo "$NGINX_URL"; return 0
  fi
  [ -x "$PY" ] || die "no Python at $PY (run: bash scripts/setup.sh setup)"
  [ -x "$PGBIN/initdb" ] || die "PostgreSQL binaries not found (apt-get install postgresql, or set PGBIN=/usr/lib/postgresql/NN/bin)" 4
  local NGINX; NGINX=$(nginx_bin) || { [ -z "${NGINX_BIN:-}" ] && { install_nginx || true; }
    NGINX=$(nginx_bin) || die "nginx is not installed and could not be installed (apt-get install nginx)" 3; }
  [ -e "$DIR" ] && die "$DIR exists but the stack is not running: run 'stop' first"
  mkdir -p "$DIR"; chmod 755 "$DIR"   # the postgres and nginx workers' users must reach their subfolders
  : > "$STATE"; chmod 600 "$STATE"
  # on any failure: stop what was started, keep the folder (its logs) for a look; 'stop' removes it
  trap 'rc=$?; if [ $rc -ne 0 ]; then say "start failed: stopping what was started; logs kept in $DIR (run stop to remove)"; stop keep >/dev/null 2>&1 || true; fi' EXIT

  # 1. PostgreSQL: a throw-away cluster, password auth on 127.0.0.1, socket in the stack's folder
  local pg_port pg_pw; pg_port=$(free_port); pg_pw=$("$PY" -c 'import secrets; print(secrets.token_hex(16))')
  mkdir -p "$DIR/pg" "$DIR/pgsock"; chmod 700 "$DIR/pg"
  printf '%s\n' "$pg_pw" > "$DIR/pgpw"
  if [ "$(id -u)" -eq 0 ]; then chown postgres: "$DIR/pg" "$DIR/pgsock" "$DIR/pgpw"; fi
  say "PostgreSQL: initdb $DIR/pg (port $pg_port)"
  as_pg "$PGBIN/initdb" -D "$DIR/pg" -U tdn --pwfile="$DIR/pgpw" -E UTF8 --locale=C.UTF-8 --no-sync \
    --auth-local=trust --auth-host=scram-sha-256 >"$DIR/initdb.log" 2>&1 || { cat "$DIR/initdb.log" >&2; false; }
  rm -f "$DIR/pgpw"
  { echo "PGDATA='$DIR/pg'"; echo "PG_PORT=$pg_port"; } >> "$STATE"
  as_pg "$PGBIN/pg_ctl" -D "$DIR/pg" -l "$DIR/pg/postgres.log" -w -t 60 start \
    -o "-c listen_addresses=127.0.0.1 -p $pg_port -c unix_socket_directories=$DIR/pgsock -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" >&2
  as_pg "$PGBIN/createdb" -h "$DIR/pgsock" -p "$pg_port" -U tdn tdn
  local db_url="postgresql+psycopg://tdn:$pg_pw@127.0.0.1:$pg_port/tdn"
  echo "DATABASE_URL='$db_url'" >> "$STATE"

  # 2. the demo data and the test accounts (meanwhile the app processes start)
  say "demo data (python -m geo demo) and test accounts (tests/browser_support.TEST_USERS), in the background"
  ( TDN_DATABASE_URL=$db_url "$PY" -m geo demo && TDN_DATABASE_URL=$db_url "$PY" - <<'PYEOF'
from geo.auth import accounts
from tests.browser_support import PASSWORD, TEST_USERS
for name, (role, provinces) in TEST_USERS.items():
    accounts.add_user(name, role, provinces, password=PASSWORD, by="local_stack")
print(f"accounts: {', '.join(TEST_USERS)}")
PYEOF
  ) </dev/null >"$DIR/data.log" 2>&1 &
  local data_pid=$!

  # 3. the app processes
  local urls="" pids="" port pid i
  local -a app_urls=() app_pids=()
  for i in $(seq 1 "$APPS"); do
    port=$(free_port)
    say "app process $i: streamlit run server.py on 127.0.0.1:$port"
    TDN_DATABASE_URL=$db_url TDN_TRUST_PROXY=1 setsid "$PY" -m streamlit run server.py --server.port "$port" \
      --server.address 127.0.0.1 --server.headless true </dev/null >"$DIR/app-$port.log" 2>&1 &
    pid=$!
    app_urls+=("http://127.0.0.1:$port"); app_pids+=("$pid")
    urls="${app_urls[*]}"; pids="${app_pids[*]}"
    { echo "APP_URLS='$urls'"; echo "APP_PIDS='$pids'"; } >> "$STATE"
  done
  for i in "${!app_urls[@]}"; do
    wait_http "${app_urls[$i]}/_stcore/health" 120 "${app_pids[$i]}" ||
      die "the app at ${app_urls[$i]} did not start; see $DIR/app-${app_urls[$i]##*:}.log"
  done

  wait "$data_pid" || { cat "$DIR/data.log" >&2; die "loading the demo data or the accounts failed; see $DIR/data.log"; }
  say "demo data and accounts loaded"

  # 4. nginx: sticky on the session cookie, the deployed proxy settings, loopback only
  local ng_port ng_first_port; ng_port=$(free_port); ng_first_port=$(free_port)
  mkdir -p "$DIR/nginx/tmp" "$DIR/nginx/logs"
  local user_line=""
  if [ "$(id -u)" -eq 0 ]; then user_line="user nobody nogroup;"; chown nobody:nogroup "$DIR/nginx/tmp"; fi
  local servers="" first=""
  for url in $urls; do
    servers="$servers        server ${url#http://} max_fails=1 fail_timeout=5s;"$'\n'
    [ -z "$first" ] && first="        server ${url#http://};"
  done
  cat > "$DIR/nginx/nginx.conf" <<EOF
# generated by deploy/local_stack.sh for a local test stack; the real site is deploy/nginx/tdn.conf
$user_line
worker_processes 1;
pid $DIR/nginx/nginx.pid;
error_log $DIR/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log $DIR/nginx/logs/access.log;
    client_body_temp_path $DIR/nginx/tmp/body;
    proxy_temp_path $DIR/nginx/tmp/proxy;
    fastcgi_temp_path $DIR/nginx/tmp/fastcgi;
    uwsgi_temp_path $DIR/nginx/tmp/uwsgi;
    scgi_temp_path $DIR/nginx/tmp/scgi;
    server_tokens off;
    map \$http_upgrade \$connection_upgrade { default upgrade; "" ""; }

    upstream tdn_app {
        hash \$cookie_tdn_session consistent;
$servers        keepalive 16;
    }
    # the first app process alone (benchmarks: 1 process against 2, both through nginx)
    upstream tdn_first {
$first
        keepalive 16;
    }
    server {
        listen 127.0.0.1:$ng_port;
        location / {
            proxy_pass http://tdn_app;
            include $ROOT/deploy/nginx/tdn-proxy.conf;
            add_header X-TDN-Upstream \$upstream_addr always;  # local stack only: which process answered
        }
    }
    server {
        listen 127.0.0.1:$ng_first_port;
        location / {
            proxy_pass http://tdn_first;
            include $ROOT/deploy/nginx/tdn-proxy.conf;
            add_header X-TDN-Upstream \$upstream_addr always;
        }
    }
}
EOF
  "$NGINX" -t -q -e "$DIR/nginx/logs/error.log" -p "$DIR/nginx" -c "$DIR/nginx/nginx.conf" >&2 ||
    die "nginx refused its configuration: $DIR/nginx/nginx.conf" 3
  say "nginx on 127.0.0.1:$ng_port (all $APPS processes) and 127.0.0.1:$ng_first_port (the first only)"
  setsid "$NGINX" -e "$DIR/nginx/logs/error.log" -p "$DIR/nginx" -c "$DIR/nginx/nginx.conf" -g 'daemon off;' \
    </dev/null >"$DIR/nginx/logs/stdout.log" 2>&1 &
  local ng_pid=$!
  { echo "NGINX_PID=$ng_pid"; echo "NGINX_URL=http://127.0.0.1:$ng_port"; echo "NGINX_URL_FIRST=http://127.0.0.1:$ng_first_port"
    echo "NGINX_CONF='$DIR/nginx/nginx.conf'"; echo "STACK_DIR='$DIR'"; } >> "$STATE"
  wait_http "http://127.0.0.1:$ng_port/_stcore/health" 20 "$ng_pid" ||
    die "nginx did not start; see $DIR/nginx/logs/error.log" 3
  trap - EXIT
  say "ready: nginx http://127.0.0.1:$ng_port -> $urls; store $DIR/pg (PostgreSQL, port $pg_port)"
  echo "http://127.0.0.1:$ng_port"
}

stop_pid() {  # PID NAME PATTERN: TERM, wait up to 15 s, then KILL (only if the pid still runs PATTERN)
  local pid=$1 name=$2 pattern=$3 t=0
  alive "$pid" || return 0
  tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$pattern" || { say "$name: pid $pid is no longer ours"; return 0; }
  kill -TERM "$pid" 2>/dev/null || true
  while alive "$pid" && [ "$t" -lt 60 ]; do sleep 0.25; t=$((t + 1)); done
  if alive "$pid"; then say "$name ($pid) did not stop: KILL"; kill -KILL "$pid" 2>/dev/null || true; fi
}

stop() {
  if ! load_state; then
    [ -d "$DIR" ] && { say "no state file: removing $DIR"; rm -rf "$DIR"; }
    say "not running (TDN_STACK_DIR=$DIR)"; return 0
  fi
  [ -n "${NGINX_PID:-}" ] && stop_pid "$NGINX_PID" nginx "$DIR/nginx/nginx.conf"
  local pid
  for pid in ${APP_PIDS:-}; do  # TERM to every app process first: they stop in parallel
    if alive "$pid" && tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q "streamlit run server.py"; then
      kill -TERM "$pid" 2>/dev/null || true
    fi
  done
  for pid in ${APP_PIDS:-}; do stop_pid "$pid" "app process" "streamlit run server.py"; done
  if [ -n "${PGDATA:-}" ] && [ -f "$PGDATA/postmaster.pid" ]; then
    as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w -t 30 stop >&2 || true
  fi
  if [ "${1:-}" = keep ]; then return 0; fi
  rm -rf "$DIR"
  say "stopped and removed $DIR"
}

status() {
  load_state || { say "not running (TDN_STACK_DIR=$DIR)"; return 1; }
  local ok=0 url pid state
  if alive "${NGINX_PID:-}"; then state=up; else state=DOWN; ok=1; fi
  printf 'nginx     %-28s pid %-8s %s\n' "${NGINX_URL:-?}" "${NGINX_PID:-?}" "$state"
  local -a pid_list=(${APP_PIDS:-})
  i=0
  for url in ${APP_URLS:-}; do
    if wait_http "$url/_stcore/health" 1; then state=up; else state=DOWN; ok=1; fi
    printf 'app       %-28s pid %-8s %s\n' "$url" "${pid_list[$i]:-?}" "$state"; i=$((i + 1))
  done
  if as_pg "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "${PG_PORT:-0}"; then state=up; else state=DOWN; ok=1; fi
  printf 'postgres  %-28s %-12s %s\n' "127.0.0.1:${PG_PORT:-?}" "" "$state"
  return $ok
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  env) load_state && cat "$STATE" || die "not running (TDN_STACK_DIR=$DIR)" ;;
  *) echo "usage: bash deploy/local_stack.sh start|stop|status|env" >&2; exit 2 ;;
esac
