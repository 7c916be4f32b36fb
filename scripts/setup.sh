#!/usr/bin/env bash
# Set up Tuyến & Điểm nóng on a fresh machine, then start the dashboard or run the tests.
#   bash scripts/setup.sh run    install everything, build caches, start the dashboard
#   bash scripts/setup.sh test   install everything (incl. Debian chromium), run the test suite, then the
#                                store/import/page tests again on a throw-away PostgreSQL cluster
# Every step is skipped when already done, so running it again is quick.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
MODE=${1:-run}
shift || true
PY=${PYTHON:-python3}
VENV="$ROOT/.venv"

say() { printf '\n== %s\n' "$*"; }

# 1. Python packages, pinned in requirements.txt: downloaded once into the git-ignored wheelhouse .wheels/
#    (which the offline bundle, scripts/bundle.sh, reuses), then installed from there
stamp="$VENV/.requirements.sha256"
want=$(sha256sum requirements.txt | cut -d' ' -f1)
WHEELS="$ROOT/.wheels"
if [ "$(cat "$WHEELS/.requirements.sha256" 2>/dev/null)" != "$want" ]; then
  say "Python packages: download (requirements.txt -> .wheels/)"
  [ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
  "$VENV/bin/python" -m pip wheel --quiet --disable-pip-version-check --wheel-dir "$WHEELS" -r requirements.txt
  echo "$want" > "$WHEELS/.requirements.sha256"
fi
if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  say "Python packages: install (.wheels/ -> .venv/)"
  "$PY" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-index --find-links "$WHEELS" \
    -r requirements.txt
  echo "$want" > "$stamp"
fi

# 2. Leaflet & co. from the npm registry, copied into the git-ignored static/ folder
assets_stamp="static/.assets.sha256"
want_assets=$(cat assets/package.json assets/package-lock.json | sha256sum | cut -d' ' -f1)
if [ "$(cat "$assets_stamp" 2>/dev/null)" != "$want_assets" ]; then
  say "Map scripts and styles (npm: leaflet, jquery, leaflet.awesome-markers, fontawesome)"
  (cd assets && npm ci --no-audit --no-fund --loglevel=error)
  rm -rf static/vendor
  mkdir -p static/vendor/leaflet static/vendor/awesome-markers static/vendor/fontawesome static/vendor/jquery
  cp assets/node_modules/jquery/dist/jquery.min.js static/vendor/jquery/
  cp -r assets/node_modules/leaflet/dist/leaflet.js assets/node_modules/leaflet/dist/leaflet.css \
        assets/node_modules/leaflet/dist/images static/vendor/leaflet/
  cp -r assets/node_modules/leaflet.awesome-markers/dist/leaflet.awesome-markers.min.js \
        assets/node_modules/leaflet.awesome-markers/dist/leaflet.awesome-markers.css \
        assets/node_modules/leaflet.awesome-markers/dist/images static/vendor/awesome-markers/
  cp -r assets/node_modules/@fortawesome/fontawesome-free/css assets/node_modules/@fortawesome/fontawesome-free/webfonts \
        static/vendor/fontawesome/
  echo "$want_assets" > "$assets_stamp"
fi

# 3. Boundary caches (rebuilt only when a source file changes) and the demo data
say "Boundary caches (data/cache)"
"$VENV/bin/python" -m geo build-cache
if "$VENV/bin/python" -c "import geo.data.demo" 2>/dev/null; then
  say "Demonstration data (labelled DỮ LIỆU MINH HỌA / DEMO DATA)"
  "$VENV/bin/python" -m geo demo
fi

case "$MODE" in
  run)
    # the first administrator, once: a one-time password in data/FIRST_SIGNIN.txt (owner-only)
    first=$("$VENV/bin/python" -m geo users bootstrap --port "${PORT:-8501}")
    say "Starting the dashboard on http://localhost:${PORT:-8501} (this machine only; README: serving a network)"
    [ -n "$first" ] && printf '%s\n' "$first"
    [ -z "$first" ] && [ -f data/FIRST_SIGNIN.txt ] && \
      echo "First sign-in: user 'admin', one-time password in $ROOT/data/FIRST_SIGNIN.txt"
    exec "$VENV/bin/streamlit" run server.py --server.port "${PORT:-8501}" "$@"
    ;;
  test)
    if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
      say "Debian chromium for the browser tests"
      SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
      $SUDO apt-get update -q
      $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
        chromium chromium-driver fonts-noto-core
    fi
    say "Tests (SQLite store)"
    status=0
    # two workers (this machine kind has two cores); a test file stays on one worker, so its app server and
    # module fixtures start once; TDN_TEST_WORKERS=0 runs in one process
    workers=(-n "${TDN_TEST_WORKERS:-2}" --dist loadfile)
    [ "${TDN_TEST_WORKERS:-2}" = 0 ] && workers=()
    env -u TDN_TEST_PG_URL "$VENV/bin/python" -m pytest "${workers[@]}" "$@" || status=$?
    # The store, import and page tests again on PostgreSQL, in a throw-away cluster (Debian's binaries,
    # installed when missing) stopped and removed on any exit. Skipped with TDN_TEST_PG=0, and when
    # arguments choose the tests (unless TDN_TEST_PG=1); TDN_TEST_PG_FILES replaces the list of files.
    # Left out to keep CI under 15 minutes: test_bad_input.py (1,100 rejected files, one shared store)
    # and test_cellkey.py (statistics, minutes of CPU), whose store use the files below cover, and
    # test_pages_apptest.py (Streamlit glue; the pages' figures on PostgreSQL are test_views.py's page runs).
    if [ "${TDN_TEST_PG:-}" = 1 ] || { [ "${TDN_TEST_PG:-}" != 0 ] && [ $# -eq 0 ]; }; then
      pg_files=()
      for f in ${TDN_TEST_PG_FILES:-tests/test_schema_store.py tests/test_import.py tests/test_import_counting.py \
               tests/test_auth.py tests/test_pg_concurrency.py tests/test_demo.py tests/test_views.py}; do
        [ -f "$f" ] && pg_files+=("$f")
      done
      [ ${#pg_files[@]} -gt 0 ] || { echo "no PostgreSQL test files found" >&2; exit 1; }
      TDN_PG_CLUSTER_DIR=$(mktemp -d "${TMPDIR:-/tmp}/tdn-pg-test.XXXXXX")
      export TDN_PG_CLUSTER_DIR
      trap 'bash scripts/pg_test_cluster.sh stop' EXIT
      trap 'exit 130' INT TERM
      say "PostgreSQL test cluster (scripts/pg_test_cluster.sh)"
      pg_url=$(bash scripts/pg_test_cluster.sh start)
      say "Tests on PostgreSQL: ${pg_files[*]}"
      TDN_TEST_PG_URL="$pg_url" "$VENV/bin/python" -m pytest "${workers[@]}" -m "not browser" "${pg_files[@]}" || status=$?
    fi
    exit "$status"
    ;;
  setup) ;;
  *) echo "usage: bash scripts/setup.sh [run|test|setup]" >&2; exit 2 ;;
esac
