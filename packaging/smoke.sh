#!/usr/bin/env bash
# Smoke-test the .deb built by `packaging/build.sh linux`:
#   1. unpack it with `dpkg -x` into a throw-away root (no root rights, no system changes),
#   2. check the files a Debian user relies on (command, .desktop entry, icons),
#   3. run `<root>/opt/cueflow/cueflow --self-test` (exit 0 required),
#   4. start the window from the bundle under Xvfb, wait for it (xdotool), screenshot
#      it to docs/bundle.png,
#   5. record bundle size and start-up times in packaging/MEASUREMENTS.md,
#   6. install it for real with apt (as root), check the manual page, completions,
#      systemd user unit and metainfo, and remove it (see install_check).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
VERSION=$(python3 -c 'import tomllib;print(tomllib.load(open("pyproject.toml","rb"))["project"]["version"])')
DEB=${1:-dist/cueflow_${VERSION}_amd64.deb}
[[ $DEB == --install-only ]] && DEB=${2:-dist/cueflow_${VERSION}_amd64.deb}
[[ -f $DEB ]] || { echo "no $DEB: run packaging/build.sh linux first" >&2; exit 1; }
for bin in Xvfb xdotool import; do
  command -v "$bin" >/dev/null || {
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq xvfb xdotool imagemagick openbox >/dev/null
  }
done

tmp=$(mktemp -d)
xvfb=0; app=0; wm=0
cleanup() { kill "$app" "$wm" "$xvfb" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
fail() { echo "SMOKE FAIL: $*" >&2; exit 1; }

# 6. `apt install ./cueflow_….deb` for real (as root, when no cueflow is installed
#    already), check what a Debian user gets beyond the bundle — manual page,
#    completions, the systemd user unit, AppStream metainfo — then remove it.
#    `packaging/smoke.sh --install-only [DEB]` runs just this step.
install_check() {
  echo "== apt install ./$(basename "$DEB")"
  if [[ $(id -u) != 0 ]] || ! command -v apt-get >/dev/null || dpkg -s cueflow >/dev/null 2>&1; then
    echo "   skipped: needs root and apt, and no cueflow package installed already"
    return
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$(realpath "$DEB")" >/dev/null 2>&1 ||
    fail "apt install of $DEB failed"
  local f
  for f in /usr/bin/cueflow /usr/share/man/man1/cueflow.1.gz \
           /usr/share/bash-completion/completions/cueflow /usr/share/zsh/vendor-completions/_cueflow \
           /usr/share/fish/vendor_completions.d/cueflow.fish \
           /usr/lib/systemd/user/cueflow-runner.service \
           /usr/share/metainfo/io.cueflow.Cueflow.metainfo.xml /usr/share/applications/cueflow.desktop; do
    [[ -e $f ]] || { apt-get remove -y -qq cueflow >/dev/null 2>&1; fail "$f missing after apt install"; }
  done
  local problems=""
  man -w cueflow >/dev/null 2>&1 || problems+=" man-page"
  bash -c 'source /usr/share/bash-completion/completions/cueflow && complete -p cueflow' >/dev/null ||
    problems+=" bash-completion"
  if command -v systemd-analyze >/dev/null; then
    systemd-analyze verify /usr/lib/systemd/user/cueflow-runner.service || problems+=" unit"
  fi
  if command -v appstreamcli >/dev/null; then
    appstreamcli validate --no-net /usr/share/metainfo/io.cueflow.Cueflow.metainfo.xml >/dev/null ||
      problems+=" metainfo"
  fi
  DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq cueflow >/dev/null 2>&1 || problems+=" remove"
  [[ -z $problems ]] || fail "installed .deb:$problems"
  echo "   man page, completions, unit and metainfo in place; removed again"
}
if [[ ${1:-} == --install-only ]]; then
  DEB=${2:-dist/cueflow_${VERSION}_amd64.deb}
  install_check
  exit 0
fi

echo "== unpacking $DEB"
dpkg -x "$DEB" "$tmp/root"
r=$tmp/root
for f in opt/cueflow/cueflow usr/bin/cueflow usr/share/applications/cueflow.desktop \
         usr/share/icons/hicolor/scalable/apps/cueflow.svg \
         usr/share/icons/hicolor/48x48/apps/cueflow.png usr/share/icons/hicolor/256x256/apps/cueflow.png \
         usr/share/man/man1/cueflow.1.gz usr/share/bash-completion/completions/cueflow \
         usr/share/zsh/vendor-completions/_cueflow usr/share/fish/vendor_completions.d/cueflow.fish \
         usr/lib/systemd/user/cueflow-runner.service usr/share/metainfo/io.cueflow.Cueflow.metainfo.xml; do
  [[ -e $r/$f ]] || fail "$f missing from the package"
done
[[ -x $r/opt/cueflow/cueflow && -x $r/usr/bin/cueflow ]] || fail "cueflow is not executable"
grep -qx 'Exec=cueflow' "$r/usr/share/applications/cueflow.desktop" || fail "Exec= is not cueflow"
grep -qx 'Icon=cueflow' "$r/usr/share/applications/cueflow.desktop" || fail "Icon= is not cueflow"
if command -v desktop-file-validate >/dev/null; then
  desktop-file-validate "$r/usr/share/applications/cueflow.desktop"
fi
bash -n "$r/usr/share/bash-completion/completions/cueflow" || fail "the bash completion does not parse"
if command -v appstreamcli >/dev/null; then
  appstreamcli validate --no-net "$r/usr/share/metainfo/io.cueflow.Cueflow.metainfo.xml" >/dev/null ||
    fail "the AppStream metainfo does not validate"
fi
dpkg-deb -f "$DEB" Package Version Architecture Depends | sed 's/^/   /'

echo "== self-test from the unpacked bundle"
export CUEFLOW_DATA_DIR=$tmp/data  # never the user's data
start=$(date +%s.%N)
env -u DISPLAY -u WAYLAND_DISPLAY "$r/opt/cueflow/cueflow" --self-test || fail "--self-test failed"
selftest_s=$(echo "$(date +%s.%N) - $start" | bc)

echo "== window from the bundle under Xvfb"
disp=:$((120 + RANDOM % 100))
Xvfb "$disp" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 & xvfb=$!
sleep 1
export DISPLAY=$disp
unset QT_QPA_PLATFORM WAYLAND_DISPLAY
if command -v openbox >/dev/null; then openbox >/dev/null 2>&1 & wm=$!; sleep 0.5; fi
start=$(date +%s.%N)
"$r/opt/cueflow/cueflow" > "$tmp/window.log" 2>&1 & app=$!
window_s=""
for _ in $(seq 1 300); do
  if xdotool search --onlyvisible --name '^Cueflow' >/dev/null 2>&1; then
    window_s=$(echo "$(date +%s.%N) - $start" | bc); break
  fi
  kill -0 "$app" 2>/dev/null || { cat "$tmp/window.log" >&2; fail "the window process exited"; }
  sleep 0.1
done
[[ -n $window_s ]] || { cat "$tmp/window.log" >&2; fail "no Cueflow window within 30 s"; }
sleep 2  # let it paint
mkdir -p docs
import -window root docs/bundle.png
echo "screenshot: docs/bundle.png"
kill "$app"; wait "$app" 2>/dev/null || true; app=0

bundle_size=$(du -sh "$r/opt/cueflow" | cut -f1)
deb_size=$(du -h "$DEB" | cut -f1)
installed=$(du -sh "$r" | cut -f1)
printf -v selftest_s '%.2f' "$selftest_s"; printf -v window_s '%.2f' "$window_s"
cat > packaging/MEASUREMENTS.md <<MD
# Packaging measurements

Measured by \`packaging/smoke.sh\` on $(date -u +%Y-%m-%d) ($(uname -m), $(. /etc/os-release; echo "$PRETTY_NAME"),
cueflow $VERSION, PyInstaller $(python3 -m PyInstaller --version 2>/dev/null || echo "?")), from the .deb
unpacked with \`dpkg -x\`. Start-up times are for a warm file cache.

| What | Value |
|---|---|
| .deb file ($(basename "$DEB")) | $deb_size |
| bundle /opt/cueflow (du -sh) | $bundle_size |
| everything the .deb installs | $installed |
| \`cueflow --self-test\` start to done | ${selftest_s} s |
| \`cueflow\` start to window visible (Xvfb, xdotool search --name Cueflow) | ${window_s} s |

Screenshot of the window started from the bundle: [docs/bundle.png](../docs/bundle.png).
MD
cat packaging/MEASUREMENTS.md

install_check  # (below) the .deb installed for real
echo "SMOKE OK"
