#!/usr/bin/env bash
# macOS only: packaging/macos/cueflow.icns from resources/icons/cueflow.svg (iconutil + sips).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
set_dir=$(mktemp -d)/cueflow.iconset; mkdir -p "$set_dir"
src=$ROOT/resources/icons/cueflow-256.png
# a 1024 px master: render the SVG if rsvg-convert is there (brew install librsvg), else upscale 256
if command -v rsvg-convert >/dev/null; then
  rsvg-convert -w 1024 -h 1024 "$ROOT/resources/icons/cueflow.svg" -o "$set_dir/master.png"; src=$set_dir/master.png
fi
for s in 16 32 128 256 512; do
  sips -z $s $s "$src" --out "$set_dir/icon_${s}x${s}.png" >/dev/null
  sips -z $((s*2)) $((s*2)) "$src" --out "$set_dir/icon_${s}x${s}@2x.png" >/dev/null
done
rm -f "$set_dir/master.png"
iconutil -c icns "$set_dir" -o "$ROOT/packaging/macos/cueflow.icns"
echo "packaging/macos/cueflow.icns"
