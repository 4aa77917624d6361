#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The app's settings come from amap_settings_new() (src/core/amap-settings.c),
# which works where the schema is not installed; g_settings_new() of our own
# schema aborts there. The headless commands look the schema up first
# (amap-cli-tours.c), so src/core may; src/gui may not.
#
# Usage: check-settings.sh SOURCE_ROOT
set -eu
found=$(grep -rn 'g_settings_new *(APPLICATION_ID)' "$1/src/gui" || true)
if [ -n "$found" ]; then
  echo "not ok: use amap_settings_new () instead of g_settings_new (APPLICATION_ID):"
  echo "$found"
  exit 1
fi
echo "ok: every window setting goes through amap_settings_new ()"
