#!/usr/bin/env bash
# Reproduces static/vendor/ from the npm registry: only the built files the pages load, each
# package's LICENSE beside them. Many government offices run on closed intranets, so nothing is
# loaded from a CDN at run time; run this only when upgrading a version, then commit the result.
set -euo pipefail
cd "$(dirname "$0")/.."

BOOTSTRAP=5.3.9
HTMX=2.0.11
CHARTJS=4.6.1
LEAFLET=1.9.4

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "bootstrap@$BOOTSTRAP" "htmx.org@$HTMX" "chart.js@$CHARTJS" "leaflet@$LEAFLET" >/dev/null)

# unpack NAME TARBALL: extracts the npm tarball into $work/NAME (npm packs under "package/").
unpack() {
  mkdir -p "$work/$1"
  tar -xzf "$work/$2" -C "$work/$1" --strip-components=1
}
unpack bootstrap "bootstrap-$BOOTSTRAP.tgz"
unpack htmx "htmx.org-$HTMX.tgz"
unpack chartjs "chart.js-$CHARTJS.tgz"
unpack leaflet "leaflet-$LEAFLET.tgz"

# copy SRC_DIR DEST_DIR FILE...: copies FILEs (paths relative to SRC_DIR) flat into DEST_DIR.
copy() {
  local src=$1 dest=$2
  shift 2
  rm -rf "$dest"
  mkdir -p "$dest"
  for f in "$@"; do cp "$src/$f" "$dest/"; done
}

vendor=static/vendor
copy "$work/bootstrap" "$vendor/bootstrap-$BOOTSTRAP" \
  dist/css/bootstrap.min.css dist/css/bootstrap.min.css.map \
  dist/js/bootstrap.bundle.min.js dist/js/bootstrap.bundle.min.js.map LICENSE
copy "$work/htmx" "$vendor/htmx.org-$HTMX" dist/htmx.min.js LICENSE
copy "$work/chartjs" "$vendor/chart.js-$CHARTJS" dist/chart.umd.min.js LICENSE.md
copy "$work/leaflet" "$vendor/leaflet-$LEAFLET" dist/leaflet.js dist/leaflet.js.map dist/leaflet.css LICENSE
mkdir -p "$vendor/leaflet-$LEAFLET/images"
cp "$work/leaflet"/dist/images/*.png "$vendor/leaflet-$LEAFLET/images/"

echo "Vendored bootstrap $BOOTSTRAP, htmx.org $HTMX, chart.js $CHARTJS, leaflet $LEAFLET into $vendor/"
