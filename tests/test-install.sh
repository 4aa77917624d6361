#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# `meson install` into a temporary DESTDIR puts everything the app needs in
# place, and the installed binary runs: --version, and a headless --list
# of a map with the installed settings schema.
#
# Usage: test-install.sh BUILD_ROOT APPLICATION_ID
set -eu

build=$1
app_id=$2
dest=$(mktemp -d "${TMPDIR:-/tmp}/amap-install-XXXXXX")
trap 'rm -rf "$dest"' EXIT
failed=0

fail () {
  echo "not ok: $*"
  failed=1
}

meson install -C "$build" --destdir "$dest" --no-rebuild --quiet >"$dest/install.log" 2>&1 ||
  { cat "$dest/install.log"; fail "meson install failed"; exit 1; }

bin=$(find "$dest" -path '*/bin/asset-map' -type f | head -n 1)
[ -n "$bin" ] || { fail "no bin/asset-map installed"; exit 1; }
prefix=${bin%/bin/asset-map}
share=$prefix/share

for f in \
  "$share/applications/$app_id.desktop" \
  "$share/metainfo/$app_id.metainfo.xml" \
  "$share/glib-2.0/schemas/$app_id.gschema.xml" \
  "$share/icons/hicolor/scalable/apps/$app_id.svg" \
  "$share/icons/hicolor/symbolic/apps/$app_id-symbolic.svg" \
  "$share/mime/packages/$app_id.xml" \
  "$share/asset-map/samples/fruitvale.kml"
do
  [ -s "$f" ] || fail "missing: ${f#"$dest"}"
done

# Every language po/LINGUAS lists has its catalogue.
for lang in $(sed -e 's/#.*//' "$(dirname "$0")/../po/LINGUAS"); do
  [ -s "$share/locale/$lang/LC_MESSAGES/asset-map.mo" ] ||
    fail "missing: ${share#"$dest"}/locale/$lang/LC_MESSAGES/asset-map.mo"
done

# The installed files are valid where they are.
desktop-file-validate "$share/applications/$app_id.desktop" || fail "desktop file"
glib-compile-schemas --strict "$share/glib-2.0/schemas" || fail "schema"

version=$("$bin" --version) || fail "--version failed"
case $version in
  *[0-9].[0-9]*) ;;
  *) fail "--version printed: $version" ;;
esac

map=$dest/School.assetmap
kml=$dest/places.kml
cat >"$kml" <<'KML'
<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document>
<Placemark><name>Fruitvale Library</name><Point><coordinates>-122.2241,37.7752</coordinates></Point></Placemark>
<Placemark><name>Café Luna</name><Point><coordinates>-122.2220,37.7730</coordinates></Point></Placemark>
</Document></kml>
KML
export GSETTINGS_SCHEMA_DIR="$share/glib-2.0/schemas"
export GSETTINGS_BACKEND=memory
export XDG_DATA_DIRS="$share:/usr/share"
"$bin" --database "$map" --import "$kml" >/dev/null || fail "installed --import failed"
listing=$("$bin" --database "$map" --list) || fail "installed --list failed"
printf '%s\n' "$listing" | grep -q 'Café Luna' || fail "--list does not show the imported asset: $listing"
printf '%s\n' "$listing" | grep -q 'Fruitvale Library' || fail "--list does not show the imported asset"

[ $failed -eq 0 ] && echo "ok: installed into $prefix and ran"
exit $failed
