#!/usr/bin/env bash
# macOS only: a drag-to-Applications disk image from dist/Cueflow.app.
#   packaging/macos/make_dmg.sh dist/Cueflow.app dist/Cueflow-0.1.0.dmg
set -euo pipefail
app=${1:?Cueflow.app}; out=${2:?output .dmg}
if command -v create-dmg >/dev/null; then   # brew install create-dmg
  rm -f "$out"
  create-dmg --volname "Cueflow" --window-size 540 360 --icon-size 96 \
    --icon "Cueflow.app" 140 170 --app-drop-link 400 170 --hide-extension "Cueflow.app" \
    "$out" "$app"
else                                        # plain hdiutil fallback, same layout minus the looks
  stage=$(mktemp -d); cp -R "$app" "$stage/"; ln -s /Applications "$stage/Applications"
  hdiutil create -volname Cueflow -srcfolder "$stage" -ov -format UDZO "$out"
fi
echo "$out"
