#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Every translation po/LINGUAS lists is complete for the strings the sources
# have now (merged against a template made from them: 0 untranslated, 0
# fuzzy, formats checked), and the headless commands speak it: Spanish with
# LANGUAGE=es, plural forms included.
#
# Usage: test-translations.sh SOURCE_ROOT BUILD_ROOT
set -eu

src=$1
build=$2
binary=$build/src/asset-map
tmp=$(mktemp -d "${TMPDIR:-/tmp}/amap-l10n-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
failed=0

fail () {
  echo "not ok: $*"
  failed=1
}

# The template, as meson's i18n module makes it (preset glib).
xgettext --from-code=UTF-8 --add-comments --keyword=_ --keyword=N_ --keyword=C_:1c,2 \
  --keyword=NC_:1c,2 --keyword=g_dngettext:2,3 --flag=g_dngettext:2:pass-c-format \
  --flag=g_strdup_printf:1:c-format --flag=g_set_error:4:c-format \
  --flag=g_error_new:3:c-format --flag=g_printerr:1:c-format \
  --directory="$src" --files-from="$src/po/POTFILES.in" -o "$tmp/current.pot" 2>"$tmp/xgettext.log" ||
  { cat "$tmp/xgettext.log"; fail "xgettext failed"; exit 1; }

for lang in $(sed -e 's/#.*//' "$src/po/LINGUAS"); do
  po=$src/po/$lang.po
  [ -f "$po" ] || { fail "po/LINGUAS lists $lang but po/$lang.po is missing"; continue; }
  msgmerge --quiet --previous "$po" "$tmp/current.pot" -o "$tmp/$lang.po"
  stats=$(msgfmt --check --statistics -o /dev/null "$tmp/$lang.po" 2>&1) || fail "$lang: msgfmt --check: $stats"
  echo "# $lang: $stats"
  case $stats in
    *untranslated*|*fuzzy*)
      fail "$lang is incomplete for the current sources: $stats"
      msgattrib --untranslated --only-fuzzy "$tmp/$lang.po" 2>/dev/null | grep '^msgid' | head -n 20
      msgattrib --untranslated "$tmp/$lang.po" 2>/dev/null | grep '^msgid "[^"]' | head -n 20
      ;;
  esac
done

# The app in Spanish. C.UTF-8 is always there (glibc 2.35 and later); gettext
# ignores LANGUAGE only in the plain C locale.
grep -qx es "$src/po/LINGUAS" || { echo "ok: no Spanish yet"; exit $failed; }
export LANGUAGE=es LANG=C.UTF-8 LC_ALL=C.UTF-8
export AMAP_LOCALEDIR="$build/po"
export GSETTINGS_BACKEND=memory
cd "$tmp"

out=$("$binary" --help) || fail "--help failed"
printf '%s\n' "$out" | grep -q 'Mapee los recursos de su vecindario' || fail "--help is not in Spanish: $out"

cat >one.kml <<'KML'
<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document>
<Placemark><name>Biblioteca César Chávez</name><Point><coordinates>-122.2246,37.776</coordinates></Point></Placemark>
</Document></kml>
KML
out=$("$binary" --database one.assetmap --import one.kml) || fail "--import failed"
printf '%s\n' "$out" | grep -q 'one.kml: 1 importados, 0 actualizados, 0 omitidos, 0 sin ubicación' ||
  fail "the import report is not in Spanish: $out"

# Plural forms: one asset, then many.
out=$("$binary" --database one.assetmap --salvage one-copy.assetmap) || fail "--salvage failed"
printf '%s\n' "$out" | grep -q 'Se guardó 1 recurso en «one-copy.assetmap»' || fail "singular: $out"
"$binary" --database many.assetmap --import "$src/data/samples/fruitvale.kml" >/dev/null || fail "--import sample failed"
out=$("$binary" --database many.assetmap --salvage many-copy.assetmap) || fail "--salvage failed"
printf '%s\n' "$out" | grep -q 'Se guardaron 18 recursos en «many-copy.assetmap»' || fail "plural: $out"

# Errors too, and the user's own data stays as they wrote it.
out=$("$binary" --database many.assetmap --export-tour "No existe" x.gpx 2>&1) && fail "--export-tour of a missing tour succeeded"
printf '%s\n' "$out" | grep -q 'Este mapa no tiene ningún recorrido llamado «No existe»' || fail "error not in Spanish: $out"
out=$("$binary" --database many.assetmap --list) || fail "--list failed"
printf '%s\n' "$out" | grep -q 'César E. Chávez Branch Library' || fail "--list changed the user's names: $out"

[ $failed -eq 0 ] && echo "ok: translations complete; the headless commands speak Spanish"
exit $failed
