# SPDX-License-Identifier: GPL-3.0-or-later
# Sourced by build-aux/run and build-aux/test: the Debian packages Asset Map
# needs, and a function that installs the missing ones.

AMAP_BUILD_PACKAGES=(
  meson ninja-build pkg-config gcc gettext
  libglib2.0-dev libgtk-4-dev libadwaita-1-dev libshumate-dev
  libsqlite3-dev libxml2-dev libarchive-dev libsoup-3.0-dev libjson-glib-dev
  libcairo2-dev libpango1.0-dev libgdk-pixbuf-2.0-dev
  desktop-file-utils appstream
  webp-pixbuf-loader
)

AMAP_TEST_PACKAGES=(
  xvfb xauth xdotool gdal-bin gpsbabel libxml2-utils sqlite3 time poppler-utils
  shared-mime-info libglib2.0-bin
  fonts-cantarell
  clang libclang-rt-14-dev
)

# amap_install_packages PKG...: installs those of PKG that are missing.
amap_install_packages () {
  local missing=() pkg status
  if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
    echo "This is not a Debian-like system. Install these packages (or your system's" >&2
    echo "equivalents), then run this script again:" >&2
    echo "  $*" >&2
    exit 2
  fi
  for pkg in "$@"; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
    [ "$status" = installed ] || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0

  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
      sudo=(sudo)
    else
      echo "These packages are missing and you are not root: ${missing[*]}" >&2
      echo "Install them as root (apt-get install ${missing[*]}), then run this again." >&2
      exit 2
    fi
  fi
  echo "Installing: ${missing[*]}"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# amap_configure DIR [MESON OPTIONS...]: sets up DIR, or reconfigures it.
amap_configure () {
  local dir=$1; shift
  if [ -f "$dir/build.ninja" ]; then
    meson configure "$dir" "$@" >/dev/null
  else
    meson setup "$dir" "$@"
  fi
}
