#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The Flatpak manifest (build-aux/io.github.assetmap.AssetMap.json), checked
# where flatpak-builder cannot run (no network): valid JSON for the app id
# and command we build, every library meson.build asks for either in the
# GNOME runtime or built by a module before ours, and no file system access
# (files come through the portals).
#
# Usage: test-flatpak-manifest.py SOURCE_ROOT APPLICATION_ID

import json
import re
import sys

# What the GNOME runtime (org.gnome.Platform 47) provides, by pkg-config name.
IN_RUNTIME = {
    'glib-2.0', 'gio-2.0', 'gio-unix-2.0', 'gtk4', 'libadwaita-1', 'sqlite3', 'libxml-2.0',
    'libarchive', 'json-glib-1.0', 'libsoup-3.0', 'cairo', 'pangocairo', 'gdk-pixbuf-2.0',
}
# What each module of the manifest builds, by pkg-config name.
BUILT_BY = {'libshumate': {'shumate-1.0'}}

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)


def main():
    root, app_id = sys.argv[1], sys.argv[2]
    path = f'{root}/build-aux/{app_id}.json'
    with open(path, encoding='utf-8') as f:
        manifest = json.load(f)

    check(manifest.get('id') == app_id, f'id is {manifest.get("id")!r}, not {app_id!r}')
    check(manifest.get('command') == 'asset-map', 'command is not asset-map')
    check(manifest.get('runtime') == 'org.gnome.Platform', 'runtime is not org.gnome.Platform')
    check(manifest.get('sdk') == 'org.gnome.Sdk', 'sdk is not org.gnome.Sdk')
    check(re.fullmatch(r'\d+', str(manifest.get('runtime-version', ''))) is not None,
          'runtime-version is not a GNOME release')

    args = manifest.get('finish-args', [])
    check('--share=network' in args, 'no network: tiles, routing and place search need it')
    check('--socket=wayland' in args and '--socket=fallback-x11' in args,
          'needs wayland with fallback-x11')
    check(not any(a.startswith('--filesystem') for a in args),
          'asks for file system access: files go through the portals')
    check(not any(a.startswith(('--socket=x11', '--device=all', '--talk-name', '--own-name'))
                  for a in args), 'asks for more than it needs: ' + ' '.join(args))

    modules = manifest.get('modules', [])
    names = [m.get('name') for m in modules]
    check(names and names[-1] == 'asset-map', 'the app is not the last module')
    for module in modules:
        check(module.get('buildsystem') == 'meson', f'{module.get("name")} is not built with meson')
        for source in module.get('sources', []):
            kind = source.get('type')
            check(kind in ('git', 'archive', 'dir'), f'{module.get("name")}: source type {kind}')
            if kind == 'git':
                check('tag' in source or 'commit' in source,
                      f'{module.get("name")}: a git source must name a tag or commit')
            if kind == 'archive':
                check('sha256' in source, f'{module.get("name")}: an archive needs its sha256')
    app = modules[-1] if modules else {}
    check({'type': 'dir', 'path': '..'} in app.get('sources', []),
          'the app module does not build this source tree')
    check('-Dtests=false' in app.get('config-opts', []), 'the app module builds the tests')

    provided = set(IN_RUNTIME)
    for name in names[:-1]:
        check(name in BUILT_BY, f'module {name}: unknown to this test, say what it builds')
        provided |= BUILT_BY.get(name, set())

    wanted = set()
    for build_file in ('meson.build', 'src/core/meson.build', 'src/gui/meson.build'):
        with open(f'{root}/{build_file}', encoding='utf-8') as f:
            wanted |= set(re.findall(r"dependency\('([^']+)'", f.read()))
    wanted.discard('m')
    for dep in sorted(wanted - provided):
        failures.append(f'{dep}: neither in the GNOME runtime nor built by a module')

    for failure in failures:
        print(f'not ok: {failure}')
    if not failures:
        print(f'ok: {path}: {len(modules)} modules, {len(wanted)} dependencies provided')
    return 1 if failures else 0


sys.exit(main())
