#!/usr/bin/env bash
# Build Cueflow's installers. One command per target (see packaging/README.md):
#
#   packaging/build.sh linux        PyInstaller onedir bundle dist/cueflow + dist/cueflow_<ver>_amd64.deb
#                                   (then lintian; its report goes to dist/lintian.txt)
#   packaging/build.sh nsis-check   compile packaging/windows/cueflow.nsi against a placeholder
#                                   payload with makensis, to prove the script is valid
#   packaging/build.sh windows      on Windows (Git Bash): bundle + installer (needs NSIS)
#   packaging/build.sh macos        on macOS: dist/Cueflow.app + dist/Cueflow-<ver>.dmg
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
PY=${PYTHON:-python3}
VERSION=$("$PY" -c 'import tomllib;print(tomllib.load(open("pyproject.toml","rb"))["project"]["version"])')
DIST=$ROOT/dist
WORK=$ROOT/build

log() { printf '== %s\n' "$*" >&2; }

need_apt() {  # need_apt COMMAND PACKAGE: install a Debian tool when it is missing
  command -v "$1" >/dev/null && return
  command -v apt-get >/dev/null || { echo "$1 is missing (install the $2 package)" >&2; exit 1; }
  log "installing $2"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null ||
    { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null; }
}

bundle() {  # the PyInstaller onedir bundle: dist/cueflow/cueflow
  # PyInstaller is a build dependency only, never a runtime one.
  "$PY" -m PyInstaller --version >/dev/null 2>&1 || "$PY" -m pip install -q "pyinstaller>=6.10"
  "$PY" -m pip install -q --disable-pip-version-check --no-deps -e . >/dev/null  # metadata for copy_metadata
  log "PyInstaller bundle"
  "$PY" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath "$DIST" --workpath "$WORK/pyinstaller" packaging/cueflow.spec
  "$DIST/cueflow/cueflow" --self-test >/dev/null || { echo "the bundle fails its self-test" >&2; exit 1; }
}

deb() {  # dist/cueflow_<ver>_amd64.deb from dist/cueflow
  need_apt dpkg-deb dpkg
  local arch=amd64 stage="$WORK/deb/cueflow_${VERSION}_amd64"
  local out="$DIST/cueflow_${VERSION}_${arch}.deb"
  log "staging $stage"
  rm -rf "$stage"
  install -d -m 0755 "$stage/DEBIAN" "$stage/opt" "$stage/usr/bin" \
    "$stage/usr/share/applications" "$stage/usr/share/doc/cueflow" \
    "$stage/usr/share/man/man1" "$stage/usr/share/lintian/overrides" \
    "$stage/usr/share/icons/hicolor/scalable/apps"
  cp -a "$DIST/cueflow" "$stage/opt/cueflow"
  # The command on the PATH: a wrapper rather than a symlink, so the bundle
  # always sees its own folder as the executable's folder.
  printf '#!/bin/sh\nexec /opt/cueflow/cueflow "$@"\n' > "$stage/usr/bin/cueflow"
  install -m 0644 resources/cueflow.desktop "$stage/usr/share/applications/cueflow.desktop"
  install -m 0644 resources/icons/cueflow.svg "$stage/usr/share/icons/hicolor/scalable/apps/cueflow.svg"
  for png in resources/icons/cueflow-*.png; do
    size=${png##*-}; size=${size%.png}
    install -d -m 0755 "$stage/usr/share/icons/hicolor/${size}x${size}/apps"
    install -m 0644 "$png" "$stage/usr/share/icons/hicolor/${size}x${size}/apps/cueflow.png"
  done
  # Debian policy files: copyright, changelog, a manual page, lintian overrides.
  cat > "$stage/usr/share/doc/cueflow/copyright" <<COPYRIGHT
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: cueflow
Source: https://cueflow.io

Files: *
Copyright: $(date -u +%Y) The Cueflow authors
License: proprietary
 Cueflow is proprietary software. The bundle under /opt/cueflow also contains
 Python, Qt for Python (PySide6, LGPL-3.0), SQLAlchemy, Alembic, APScheduler,
 keyring, Jinja2, httpx and PyYAML under their own licenses.
COPYRIGHT
  printf 'cueflow (%s) unstable; urgency=medium\n\n  * Release %s.\n\n -- Cueflow maintainers <packaging@cueflow.io>  %s\n' \
    "$VERSION" "$VERSION" "$(date -u -R)" | gzip -9n > "$stage/usr/share/doc/cueflow/changelog.gz"
  # Shell completions (bash, zsh, fish) and the full manual page, generated from
  # the parser (shtab is a build dependency only), the systemd user unit and the
  # AppStream metainfo.
  "$PY" -c 'import shtab' 2>/dev/null || "$PY" -m pip install -q "shtab>=1.7"
  "$PY" packaging/cli_docs.py "$WORK/cli-docs" "$VERSION"
  install -D -m 0644 "$WORK/cli-docs/man/cueflow.1" "$stage/usr/share/man/man1/cueflow.1"
  install -D -m 0644 "$WORK/cli-docs/completions/cueflow.bash" \
    "$stage/usr/share/bash-completion/completions/cueflow"
  install -D -m 0644 "$WORK/cli-docs/completions/_cueflow" \
    "$stage/usr/share/zsh/vendor-completions/_cueflow"
  install -D -m 0644 "$WORK/cli-docs/completions/cueflow.fish" \
    "$stage/usr/share/fish/vendor_completions.d/cueflow.fish"
  install -D -m 0644 packaging/linux/cueflow-runner.service \
    "$stage/usr/lib/systemd/user/cueflow-runner.service"
  install -D -m 0644 resources/io.cueflow.Cueflow.metainfo.xml \
    "$stage/usr/share/metainfo/io.cueflow.Cueflow.metainfo.xml"
  gzip -9n "$stage/usr/share/man/man1/cueflow.1"
  cp packaging/linux/lintian-overrides "$stage/usr/share/lintian/overrides/cueflow"
  local size_kb
  size_kb=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
  cat > "$stage/DEBIAN/control" <<CONTROL
Package: cueflow
Version: $VERSION
Architecture: $arch
Maintainer: Cueflow maintainers <packaging@cueflow.io>
Installed-Size: $size_kb
Depends: libc6 (>= 2.31), libglib2.0-0, libfontconfig1, libfreetype6, libdbus-1-3, libegl1, libgl1, libx11-6, libx11-xcb1, libxkbcommon0, libxkbcommon-x11-0, libxcb1, libxcb-cursor0, libxcb-icccm4, libxcb-keysyms1, libxcb-shape0, libxcb-render-util0, libxcb-image0, libxcb-xkb1, libxcb-randr0, libxcb-xfixes0, libxcb-sync1, libxcb-shm0, libxcb-render0
Recommends: gnome-keyring | kwalletmanager
Section: utils
Priority: optional
Homepage: https://cueflow.io
Description: design and run backend workflows on the desktop
 Cueflow designs and runs backend workflows: named workflows with typed
 parameters and steps (send an email, change a record, call a web API,
 schedule another workflow) that run in the background, now or at a chosen
 time, while the window or its tray icon is open. Runs are never lost, every
 run is visible, failures can be retried and secrets stay in the OS keychain.
 .
 This package ships a self-contained bundle (Python and Qt included) in
 /opt/cueflow and the cueflow command.
CONTROL
  (cd "$stage" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z |
     xargs -0 md5sum > DEBIAN/md5sums)
  # Permissions: directories 0755, files 0644, executables 0755, owned by root.
  find "$stage" -type d -exec chmod 0755 {} +
  find "$stage" -type f -exec chmod 0644 {} +
  chmod 0755 "$stage/usr/bin/cueflow" "$stage/opt/cueflow/cueflow"
  find "$stage/opt/cueflow" -type f \( -name '*.so' -o -name '*.so.*' \) -exec chmod 0644 {} +
  find "$stage/opt/cueflow" -type f -name 'QtWebEngineProcess' -exec chmod 0755 {} +
  log "dpkg-deb"
  dpkg-deb --root-owner-group -Zxz --build "$stage" "$out" >/dev/null
  echo "$out"
  need_apt lintian lintian
  log "lintian (report: $DIST/lintian.txt)"
  lintian --info --display-info "$out" > "$DIST/lintian.txt" 2>&1 || true
  grep -cE '^[EW]:' "$DIST/lintian.txt" | xargs -I{} echo "lintian: {} error/warning line(s); see dist/lintian.txt" >&2
}

nsis_check() {  # makensis against a placeholder payload, output in a temp folder
  need_apt makensis nsis
  local tmp; tmp=$(mktemp -d); trap 'rm -rf "$tmp"' RETURN
  mkdir -p "$tmp/payload/_internal"
  printf 'MZ placeholder\n' > "$tmp/payload/cueflow.exe"
  printf 'MZ placeholder\n' > "$tmp/payload/cueflow-window.exe"
  printf 'placeholder\n' > "$tmp/payload/_internal/base_library.zip"
  log "makensis (placeholder payload in $tmp)"
  makensis -V2 -DVERSION="$VERSION" -DPAYLOAD="$tmp/payload" -DOUTFILE="$tmp/Cueflow-$VERSION-setup.exe" \
    packaging/windows/cueflow.nsi
  ls -l "$tmp/Cueflow-$VERSION-setup.exe"
}

windows() {  # on Windows: dist/cueflow + dist/Cueflow-<ver>-setup.exe
  bundle
  makensis -V2 -DVERSION="$VERSION" -DPAYLOAD="$DIST/cueflow" -DOUTFILE="$DIST/Cueflow-$VERSION-setup.exe" \
    packaging/windows/cueflow.nsi
}

macos() {  # on macOS: dist/Cueflow.app + dist/Cueflow-<ver>.dmg (see packaging/macos/README.md)
  [[ $(uname) == Darwin ]] || { echo "the macOS target runs on macOS only" >&2; exit 1; }
  [[ -f packaging/macos/cueflow.icns ]] || packaging/macos/make_icns.sh
  bundle
  packaging/macos/make_dmg.sh "$DIST/Cueflow.app" "$DIST/Cueflow-$VERSION.dmg"
}

case ${1:-} in
  linux) bundle; deb ;;
  deb) deb ;;  # repackage an existing dist/cueflow
  nsis-check) nsis_check ;;
  windows) windows ;;
  macos) macos ;;
  *) echo "usage: $0 linux|deb|nsis-check|windows|macos" >&2; exit 2 ;;
esac
