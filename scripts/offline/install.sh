#!/usr/bin/env bash
# Tuyến & Điểm nóng — install or update from this offline bundle. Needs no network at all.
#
#   bash install.sh [TARGET_DIR] [--port N] [--user NAME] [--no-demo] [--no-backup] [--start]
#
# TARGET_DIR (default /opt/tuyen-diem-nong) afterwards holds:
#   tdn                    the control script: tdn start | geo … | version | rollback (tdn help)
#   tdn.env                this installation's settings (PORT, TDN_DATABASE_URL, …); kept by updates
#   current -> releases/V  the version in use; previous -> the one before (kept for rollback)
#   releases/V/            the app, boundaries, facts, caches, fonts; .venv -> its Python environment in
#   venvs/                 (one per set of packages: an update that changes no package installs none)
#   data/                  the store (tdn.sqlite), FIRST_SIGNIN.txt, install.log; data/backups/: a copy of
#                          the store taken before every update
# The machine must already have: Debian 12 (x86-64) with python3 3.11 and its venv module (Debian packages
# python3 and python3-venv), about 2 GB of free disk. Installing a newer bundle over an older one keeps the
# store (data, imports, accounts, audit trail) and tdn.env, backs the store up first, and keeps the
# previous version for `tdn rollback`.
#   --port N      the dashboard's port in a new tdn.env (default 8501)
#   --user NAME   the account the dashboard runs as (e.g. a systemd service user): data/ is given to it
#   --no-demo     a new store gets no demonstration data (DỮ LIỆU MINH HỌA)
#   --no-backup   skip the backup (only when you made your own, e.g. of a PostgreSQL store)
#   --start       start the dashboard at the end (in the foreground)
set -euo pipefail
umask 022
BUNDLE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
say() { printf '\n== [%3d s] %s\n' "$SECONDS" "$*"; }
refuse() { printf '\nINSTALL REFUSED: %s\nNothing was installed or changed.\n' "$*" >&2; exit 1; }
usage() { echo "usage: bash install.sh [TARGET_DIR] [--port N] [--user NAME] [--no-demo] [--no-backup] [--start]" >&2
          exit 2; }

TARGET=/opt/tuyen-diem-nong PORT="" RUN_AS="" DEMO=1 BACKUP=1 START=0
while [ $# -gt 0 ]; do
  case "$1" in
    --port) PORT=${2:?}; shift 2 ;;
    --user) RUN_AS=${2:?}; shift 2 ;;
    --no-demo) DEMO=0; shift ;;
    --no-backup) BACKUP=0; shift ;;
    --start) START=1; shift ;;
    -h|--help) sed -n '2,25p' "$BUNDLE/install.sh" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) usage ;;
    *) TARGET=$1; shift ;;
  esac
done
TARGET=$(realpath -m "$TARGET")
parent=$TARGET
while [ ! -d "$parent" ]; do parent=$(dirname "$parent"); done
[ -w "$parent" ] || refuse "cannot write to $parent (run as root, or choose a folder you may write)"
field() { sed -n "s/^$1: //p" "$BUNDLE/MANIFEST" 2>/dev/null | head -1; }
VERSION=$(field version)
[ -n "$VERSION" ] || refuse "MANIFEST is missing from $BUNDLE: the bundle is incomplete; copy it again"
say "Tuyến & Điểm nóng $VERSION ($(field target)) -> $TARGET"

# 1. What the machine must already have
say "Checking this machine"
[ "$(uname -s)-$(uname -m)" = Linux-x86_64 ] || refuse "this bundle is for $(field target); this machine is $(uname -s) $(uname -m)"
PY=${PYTHON:-python3}
command -v "$PY" >/dev/null 2>&1 || refuse "python3 is missing (looked for $PY): install the Debian package \
python3 (Python 3.11) and python3-venv, e.g. apt-get install python3 python3-venv from the Debian 12 DVD or your local mirror"
PYV=$("$PY" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])' 2>/dev/null) \
  || refuse "$PY does not run: reinstall the Debian package python3"
case "$PYV" in
  3.11.*) ;;
  *) refuse "$PY is Python $PYV, but this bundle's packages are for Python 3.11 (Debian 12's python3): use a \
bundle built for this system, or point PYTHON=/path/to/python3.11 at a Python 3.11" ;;
esac
"$PY" -c 'import venv, ensurepip' 2>/dev/null || refuse "Python's venv module is missing: install the Debian \
package python3-venv (python3.11-venv), e.g. apt-get install python3-venv"
"$PY" -c 'import sqlite3' 2>/dev/null || refuse "Python's sqlite3 module is missing: install the Debian package \
libpython3.11-stdlib"
need_glibc=$(field glibc)
have_glibc=$(getconf GNU_LIBC_VERSION 2>/dev/null | awk '{print $2}')
if [ -n "$need_glibc" ] && [ -n "$have_glibc" ] && \
   [ "$(printf '%s\n%s\n' "$need_glibc" "$have_glibc" | sort -V | head -1)" != "$need_glibc" ]; then
  refuse "the C library is glibc $have_glibc; this bundle's packages need glibc $need_glibc or newer (Debian 12 has 2.36)"
fi
free_mb=$(df -Pm "$parent" | awk 'NR==2 {print $4}')
need_mb=$(( $(du -sm "$BUNDLE" | cut -f1) * 4 + 200 ))
[ "$free_mb" -ge "$need_mb" ] || refuse "not enough disk space in $TARGET: $free_mb MB free, about $need_mb MB needed"
if [ -n "$RUN_AS" ]; then id "$RUN_AS" >/dev/null 2>&1 || refuse "there is no account '$RUN_AS' (--user): create it first, e.g. adduser --system --group $RUN_AS"; fi
echo "Python $PYV with venv, glibc ${have_glibc:-?}, $free_mb MB free"

# 2. The bundle: every file exactly as built, and no other file
say "Checking the bundle's files against SHA256SUMS"
cd "$BUNDLE"
[ -f SHA256SUMS ] || refuse "SHA256SUMS is missing from $BUNDLE: the bundle is incomplete; copy it again"
extra=$(LC_ALL=C comm -13 <(sed 's/^[0-9a-f]\{64\}  //' SHA256SUMS | LC_ALL=C sort) \
        <(find . -type f ! -name SHA256SUMS -printf '%P\n' | LC_ALL=C sort))
[ -z "$extra" ] || refuse "files that are not in the bundle's manifest (remove them, or copy the bundle again):
$(printf '%s\n' "$extra" | head -20)"
if ! failed=$(LC_ALL=C sha256sum --quiet --strict -c SHA256SUMS 2>/dev/null); then
  refuse "these files of the bundle differ from its manifest (damaged or changed on the way; copy the archive \
again and check it with sha256sum -c):
$(printf '%s\n' "$failed" | head -20)"
fi
echo "all $(wc -l < SHA256SUMS) files match"

# 3. The new version beside the running one
mkdir -p "$TARGET/releases" "$TARGET/data/backups"
chmod 750 "$TARGET/data"  # the store holds password hashes and case data: not for other accounts
chmod 700 "$TARGET/data/backups"
REL="$TARGET/releases/$VERSION"
OLD_CURRENT=$(readlink "$TARGET/current" 2>/dev/null || true)
STAMP=$(date -u +%Y%m%d-%H%M%S)
ASIDE="" NEW_VENV=""
cleanup() {
  status=$?
  if [ "$status" -ne 0 ]; then
    rm -rf "$REL" ${NEW_VENV:+"$NEW_VENV"}
    [ -n "$ASIDE" ] && [ -d "$ASIDE" ] && mv "$ASIDE" "$REL"
    printf '\nINSTALL FAILED (see above). The version in use was not switched (%s).\n' \
      "${OLD_CURRENT:-nothing installed yet}" >&2
    [ -n "${BACKUP_FILE:-}" ] && printf 'The store was backed up first: %s\n' "$BACKUP_FILE" >&2
  fi
}
trap cleanup EXIT
if [ -e "$REL" ]; then  # the same version again: the old copy waits aside until the new one works
  ASIDE="$TARGET/releases/.$VERSION.replaced-$STAMP"
  mv "$REL" "$ASIDE"
fi
say "App files -> releases/$VERSION"
cp -a "$BUNDLE/app" "$REL"
if [ -f "$TARGET/data/tdn.pid" ] && kill -0 "$(cat "$TARGET/data/tdn.pid")" 2>/dev/null; then
  echo "note: the dashboard is running (pid $(cat "$TARGET/data/tdn.pid")); it keeps the old version until restarted"
fi

# One Python environment per set of wheels (and Python version), shared by the versions that have the same
# packages: an update that changes no package installs none
VENV_KEY=$( { echo "$PYV"; grep '  wheels/' SHA256SUMS; sha256sum < "$REL/requirements.txt"; } | sha256sum | cut -c1-16)
VENV="$TARGET/venvs/py$PYV-$VENV_KEY"
if [ -f "$VENV/.complete" ]; then
  say "Python packages: the same as an installed version's ($VENV)"
else
  say "Python packages (from the bundle's wheels; no index, no network) -> venvs/$(basename "$VENV")"
  NEW_VENV="$VENV"
  rm -rf "$VENV"
  mkdir -p "$TARGET/venvs"
  "$PY" -m venv "$VENV"
  # only the bundle's wheels: no index, and no pip settings of this machine (index, proxy, constraints)
  env -u PIP_INDEX_URL -u PIP_EXTRA_INDEX_URL -u PIP_FIND_LINKS -u PIP_CONSTRAINT -u PIP_REQUIREMENT \
      PIP_CONFIG_FILE=/dev/null PIP_NO_INDEX=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    "$VENV/bin/python" -m pip install --quiet --no-index --no-compile --find-links "$BUNDLE/wheels" \
    -r "$REL/requirements.txt"
  touch "$VENV/.complete"
fi
ln -s "../../venvs/$(basename "$VENV")" "$REL/.venv"

# the installation's settings (kept by updates) and its control script
if [ ! -f "$TARGET/tdn.env" ]; then
  cat > "$TARGET/tdn.env" <<EOF
# Tuyến & Điểm nóng — settings of this installation (read by $TARGET/tdn; kept by updates).
# Plain KEY=value lines. Every setting: README "Configuration (environment variables)".
PORT=${PORT:-8501}
# the store: SQLite in $TARGET/data by default; a PostgreSQL server instead (README "PostgreSQL"):
# TDN_DATABASE_URL=postgresql+psycopg://user:password@host:5432/tdn
# behind nginx with TLS (README "Serving a network"):
# TDN_COOKIE_SECURE=1
# TDN_TRUST_PROXY=1
EOF
  chmod 640 "$TARGET/tdn.env"
elif [ -n "$PORT" ]; then
  echo "note: --port $PORT not used: $TARGET/tdn.env exists and keeps its PORT (edit it to change the port)"
fi
tdn_new() { TDN_HOME="$TARGET" TDN_RELEASE="$REL" bash "$REL/scripts/offline/tdn" "$@"; }
PORT=$(tdn_new python -c 'import os; print(os.environ.get("PORT", "8501"))')

# 4. The store: back it up, then create or upgrade it
say "The store: backup, then create or upgrade"
backup_args=(--backup "$TARGET/data/backups" --label "before-$VERSION")
[ "$BACKUP" = 1 ] || backup_args=()
migrate_rc=0
migrated=$(tdn_new geo store migrate "${backup_args[@]}") || migrate_rc=$?
printf '%s\n' "$migrated"
if [ "$migrate_rc" -eq 3 ]; then
  echo "The store was upgraded by a newer version than $VERSION. To go back to an older version use" \
       "'$TARGET/tdn rollback', or restore a backup from $TARGET/data/backups" >&2
fi
[ "$migrate_rc" -eq 0 ] || exit 1
BACKUP_FILE=$(sed -n 's/^backup: //p' <<<"$migrated")
FRESH=0
grep -q '(created)$' <<<"$migrated" && FRESH=1
[ "$FRESH" = 1 ] || [ "$BACKUP" = 1 ] || echo "backup skipped (--no-backup)"

say "Boundary caches (the bundle's, checked against its boundary files)"
if tdn_new python -c 'import sys; from geo.admin import cache; sys.exit(0 if cache.cache_is_current() else 1)'; then
  echo "the bundle's caches match its boundary files"
else
  tdn_new geo build-cache
fi
if [ "$FRESH" = 1 ] && [ "$DEMO" = 1 ]; then
  say "Demonstration data (labelled DỮ LIỆU MINH HỌA / DEMO DATA; remove with: tdn geo demo --remove)"
  tdn_new geo demo
fi
FIRST=$(tdn_new geo users bootstrap --port "$PORT")

# 5. Switch to the new version; keep the one before for rollback; drop older ones
ln -sfn "releases/$VERSION" "$TARGET/.current.new" && mv -T "$TARGET/.current.new" "$TARGET/current"
if [ -n "$OLD_CURRENT" ] && [ "$OLD_CURRENT" != "releases/$VERSION" ]; then
  ln -sfn "$OLD_CURRENT" "$TARGET/.previous.new" && mv -T "$TARGET/.previous.new" "$TARGET/previous"
fi
install -m 755 "$REL/scripts/offline/tdn" "$TARGET/tdn"
keep_prev=$(readlink "$TARGET/previous" 2>/dev/null || true)
for dir in "$TARGET"/releases/* "$TARGET"/releases/.*.replaced-*; do
  [ -d "$dir" ] || continue
  rel="releases/$(basename "$dir")"
  [ "$rel" = "releases/$VERSION" ] || [ "$rel" = "$keep_prev" ] || rm -rf "$dir"
done
for dir in "$TARGET"/venvs/*; do  # environments no kept version uses
  [ -d "$dir" ] || continue
  used=0
  for link in "$TARGET/current" "$TARGET/previous"; do
    [ "$(readlink -f "$link/.venv" 2>/dev/null)" = "$(readlink -f "$dir")" ] && used=1
  done
  [ "$used" = 1 ] || rm -rf "$dir"
done
ASIDE="" NEW_VENV=""
if [ -n "$RUN_AS" ]; then  # the service account owns the data and reads the settings
  chown -R "$RUN_AS:" "$TARGET/data" "$REL/data/cache"  # (the app may add derived tables to its cache)
  chgrp "$(id -gn "$RUN_AS")" "$TARGET/tdn.env"
fi
printf '%s version=%s previous=%s backup=%s bundle=%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$VERSION" \
  "${keep_prev:-none}" "${BACKUP_FILE:-none}" "$BUNDLE" >> "$TARGET/data/install.log"

say "Installed: Tuyến & Điểm nóng $VERSION in $TARGET"
[ -n "$keep_prev" ] && echo "previous version kept: $keep_prev (go back: $TARGET/tdn rollback)"
[ -n "$BACKUP_FILE" ] && echo "store backed up before the update: $BACKUP_FILE"
[ -n "$FIRST" ] && printf '%s\n' "$FIRST"
cat <<EOF
Start the dashboard:   $TARGET/tdn start          (then open http://localhost:$PORT)
As a service:          README "Installing without network" (systemd unit)
Accounts, imports:     $TARGET/tdn geo users list | $TARGET/tdn geo import FILE | $TARGET/tdn help
EOF
trap - EXIT
[ "$START" = 0 ] || exec "$TARGET/tdn" start
