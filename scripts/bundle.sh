#!/usr/bin/env bash
# The offline bundle: one archive that installs (and updates) the dashboard on a machine with no network.
#   bash scripts/bundle.sh build [--out DIR] [--version V]
# Run it on a machine with the package registries, of the target's kind: Debian 12, x86-64, CPython 3.11.
# It writes DIR/tuyen-diem-nong-<version>-debian12-x86_64-py311.tar.gz (default DIR: dist/) and, beside it,
# the archive's sha256 (.sha256) to check it after carrying it (sha256sum -c). Inside the archive:
#   install.sh README.txt   the installer (bash install.sh [TARGET_DIR]) and short instructions
#   MANIFEST SHA256SUMS     version, target, commit, what is inside; the sha256 of every file
#   wheels/                 every pinned requirement and its dependencies, for Python 3.11 on x86-64 Linux
#   app/                    the app (tracked files) with static/vendor (Leaflet & co.), fonts/ (Noto Sans,
#                           OFL), data/boundaries and data/facts (with SOURCES.md/README and licences; never
#                           committed to git), data/cache (the prebuilt boundary caches) and data/demo
# Python wheels come from the wheelhouse .wheels/ that scripts/setup.sh fills: nothing is downloaded twice.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

TARGET_NAME=debian12-x86_64-py311
TARGET_TEXT="Debian 12 (bookworm), x86-64, CPython 3.11"
#: the oldest Python the wheels must install on: Debian 12's python3
TARGET_PYTHON=3.11.2
NOTO=/usr/share/fonts/truetype/noto
FONTS="NotoSans-Regular.ttf NotoSans-Bold.ttf NotoSans-Italic.ttf NotoSans-BoldItalic.ttf"

say() { printf '\n== [%3d s] %s\n' "$SECONDS" "$*"; }
die() { printf 'bundle: %s\n' "$*" >&2; exit 1; }
usage() { echo "usage: bash scripts/bundle.sh build [--out DIR] [--version V]" >&2; exit 2; }

[ "${1:-}" = build ] || usage
shift
OUT="$ROOT/dist"
VERSION=""
while [ $# -gt 0 ]; do
  case "$1" in
    --out) OUT=${2:?}; shift 2 ;;
    --version) VERSION=${2:?}; shift 2 ;;
    *) usage ;;
  esac
done
VERSION=${VERSION:-$(tr -d ' \n' < VERSION)}
[[ "$VERSION" =~ ^[0-9A-Za-z][0-9A-Za-z.+_-]*$ ]] || die "bad version '$VERSION'"
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
NAME="tuyen-diem-nong-$VERSION-$TARGET_NAME"

[ "$(uname -s)-$(uname -m)" = Linux-x86_64 ] || die "build on the target's kind of machine ($TARGET_TEXT)"
command -v git >/dev/null && git rev-parse --git-dir >/dev/null 2>&1 || die "run from a git checkout of the project"

# What set-up prepares (wheelhouse, venv, map assets, boundary caches): done once, skipped when current
want=$(sha256sum requirements.txt | cut -d' ' -f1)
if [ "$(cat .wheels/.requirements.sha256 2>/dev/null)" != "$want" ] || [ ! -x .venv/bin/python ] \
   || [ ! -f static/vendor/leaflet/leaflet.js ] || [ ! -d assets/node_modules ]; then
  say "Set-up first (bash scripts/setup.sh setup)"
  [ -d assets/node_modules ] || rm -f static/.assets.sha256  # npm ci again: the licences come from there
  bash scripts/setup.sh setup
fi
PY="$ROOT/.venv/bin/python"
"$PY" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' || die "the venv must be Python 3.11 (the target's)"
for font in $FONTS; do
  if [ ! -f "$NOTO/$font" ]; then
    say "Fonts for the exports (Debian fonts-noto-core)"
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -q
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends fonts-noto-core
    break
  fi
done
say "Boundary caches (checked against the boundary files; rebuilt only if they changed)"
"$PY" -m geo build-cache
mapfile -t where < <("$PY" -c \
  'from geo import config; print(config.boundaries_dir(), config.facts_dir(), config.cache_dir(), sep="\n")')
BOUNDARIES=${where[0]} FACTS=${where[1]} CACHE=${where[2]}

STAGE="$OUT/.staging-$NAME"
rm -rf "$STAGE"
trap 'rm -rf "$STAGE"' EXIT
B="$STAGE/$NAME"
mkdir -p "$B/app" "$B/wheels"

say "App $VERSION (tracked files of $(git rev-parse --short HEAD)), map assets, fonts, boundaries, facts, caches"
git ls-files -z | while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done \
  | tar --null -T - -cf - | tar -xf - -C "$B/app"
printf '%s\n' "$VERSION" > "$B/app/VERSION"
mkdir -p "$B/app/static" "$B/app/static/vendor/LICENSES" "$B/app/fonts" "$B/app/data/cache"
cp -r static/vendor/. "$B/app/static/vendor/"
cp assets/node_modules/leaflet/LICENSE "$B/app/static/vendor/LICENSES/leaflet.txt"
cp assets/node_modules/jquery/LICENSE.txt "$B/app/static/vendor/LICENSES/jquery.txt"
cp assets/node_modules/leaflet.awesome-markers/LICENSE "$B/app/static/vendor/LICENSES/leaflet.awesome-markers.txt"
cp assets/node_modules/@fortawesome/fontawesome-free/LICENSE.txt "$B/app/static/vendor/LICENSES/fontawesome-free.txt"
for font in $FONTS; do cp "$NOTO/$font" "$B/app/fonts/"; done
cp /usr/share/doc/fonts-noto-core/copyright "$B/app/fonts/LICENSE-fonts-noto-core.txt"
cp -rL "$BOUNDARIES" "$B/app/data/boundaries"
cp -rL "$FACTS" "$B/app/data/facts"
tar -C "$CACHE" --exclude='./web' --exclude='*.lock' --exclude='*.part' --exclude='*.tmp' -cf - . | tar -xf - -C "$B/app/data/cache"
cp scripts/offline/install.sh scripts/offline/README.txt "$B/"

say "Python wheels for $TARGET_TEXT (from .wheels/, no download)"
platforms=()
for minor in $(seq 36 -1 5); do platforms+=(--platform "manylinux_2_${minor}_x86_64"); done
platforms+=(--platform manylinux2014_x86_64 --platform manylinux2010_x86_64 --platform manylinux1_x86_64
            --platform linux_x86_64)
env -u PIP_FIND_LINKS -u PIP_INDEX_URL -u PIP_EXTRA_INDEX_URL -u PIP_CONSTRAINT PIP_CONFIG_FILE=/dev/null \
  "$PY" -m pip download --quiet --disable-pip-version-check --no-index --find-links "$ROOT/.wheels" \
  --only-binary=:all: --implementation cp --python-version "$TARGET_PYTHON" --abi cp311 "${platforms[@]}" \
  --dest "$B/wheels" -r requirements.txt \
  || die "the wheelhouse .wheels/ lacks a wheel for $TARGET_TEXT (Python $TARGET_PYTHON): see pip's message above"
# the newest C library any wheel needs (manylinux tag), checked by install.sh on the target
GLIBC=$(ls "$B/wheels" | "$PY" -c '
import re, sys
alias = {"manylinux1": 5, "manylinux2010": 12, "manylinux2014": 17}
need = 0
for name in sys.stdin.read().split():
    tags = name[:-4].split("-")[-1].split(".")
    found = [int(m.group(1)) for t in tags for m in [re.match(r"manylinux_2_(\d+)_", t)] if m]
    found += [alias[t.rsplit("_", 1)[0]] for t in tags if t.rsplit("_", 1)[0] in alias]
    need = max(need, min(found) if found else 0)
print(f"2.{need}")')

COMMIT=$(git rev-parse HEAD)
git diff --quiet HEAD -- 2>/dev/null || COMMIT="$COMMIT (with uncommitted changes)"
cat > "$B/MANIFEST" <<EOF
product: Tuyến & Điểm nóng (Routes & Hotspots)
version: $VERSION
target: $TARGET_NAME ($TARGET_TEXT)
python: 3.11 (>= $TARGET_PYTHON)
glibc: $GLIBC
commit: $COMMIT
built: $(date -u +%Y-%m-%dT%H:%M:%SZ)
requirements.txt sha256: $want
wheels: $(ls "$B/wheels" | wc -l) files
boundaries: app/data/boundaries (from $BOUNDARIES; SOURCES.md)
facts: app/data/facts (from $FACTS; README.md, sources.csv)
caches: app/data/cache (boundary caches, manifest.json)
fonts: app/fonts (Noto Sans, SIL Open Font License 1.1)
map assets: app/static/vendor (Leaflet, jQuery, awesome-markers, Font Awesome; LICENSES/)
demo data: app/data/demo (DỮ LIỆU MINH HỌA / DEMO DATA)
sums: SHA256SUMS (sha256sum -c SHA256SUMS)
EOF

say "SHA256SUMS"
(cd "$B" && find . -type f ! -name SHA256SUMS -printf '%P\0' | LC_ALL=C sort -z | xargs -0 sha256sum > SHA256SUMS)

say "Archive"
# The wheels are compressed already: gzip's fastest level costs a fraction of the time for <1% in size, and
# the tar stream is compressed in one piece per processor; the pieces, concatenated, are one valid .tar.gz
# (gzip's multi-member format; tar, gzip and zcat read it as one stream).
tar --owner=0 --group=0 --numeric-owner -C "$STAGE" -cf "$STAGE/all.tar" "$NAME"
size=$(stat -c %s "$STAGE/all.tar")
parts=$(nproc 2>/dev/null || echo 1); [ "$parts" -le 4 ] || parts=4
chunk=$(( (size + parts - 1) / parts ))
for i in $(seq 0 $((parts - 1))); do
  tail -c +$((i * chunk + 1)) "$STAGE/all.tar" | head -c "$chunk" | gzip -1 > "$STAGE/part$i.gz" &
done
wait
for i in $(seq 0 $((parts - 1))); do cat "$STAGE/part$i.gz"; done > "$OUT/$NAME.tar.gz.part"
mv "$OUT/$NAME.tar.gz.part" "$OUT/$NAME.tar.gz"
(cd "$OUT" && sha256sum "$NAME.tar.gz" > "$NAME.tar.gz.sha256")
printf '\n%s (%s)\nsha256: %s\nCheck it after carrying it: cd %s && sha256sum -c %s.tar.gz.sha256\n' \
  "$OUT/$NAME.tar.gz" "$(du -h "$OUT/$NAME.tar.gz" | cut -f1)" "$(cut -d' ' -f1 "$OUT/$NAME.tar.gz.sha256")" \
  "$OUT" "$NAME"
