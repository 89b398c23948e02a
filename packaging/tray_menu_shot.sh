#!/usr/bin/env bash
# Start `cueflow --tray ARGS…` and open its tray menu, for a screenshot:
#
#   /work/shared/tools/desktop-shot docs/tray.png 8 -- packaging/tray_menu_shot.sh --data-dir DIR
#
# Needs DISPLAY with a tray host (desktop-shot provides Xvfb + openbox + trayer)
# and xdotool/xwininfo. Stops cueflow when it is stopped itself.
set -euo pipefail
cueflow --tray "$@" & app=$!
trap 'kill $app 2>/dev/null || true; wait $app 2>/dev/null || true' EXIT TERM INT
icon=""
for _ in $(seq 50); do
  for tray in $(xdotool search --class trayer 2>/dev/null); do
    icon=$(xwininfo -tree -id "$tray" | awk '/"Cueflow"\)/ {print $1; exit}')
    [[ -n $icon ]] && break 2
  done
  sleep 0.2
done
[[ -n $icon ]] || { echo "no Cueflow icon in the tray" >&2; exit 1; }
sleep 1
xdotool mousemove --window "$icon" 10 12 click 3   # right click: the context menu
sleep 0.7
xdotool mousemove_relative -- -80 168                 # hover "Run workflow": its submenu
wait $app
