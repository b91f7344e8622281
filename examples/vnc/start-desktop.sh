#!/bin/sh
# Xvfb display :0 with an xterm on it, shared by x11vnc on port 5900 (no password).
set -eu
display=${DISPLAY_NUMBER:-0}
ready=$(mktemp)
# Xvfb writes the display number to fd 3 once it accepts clients.
Xvfb ":$display" -screen 0 1280x800x24 -nolisten tcp -displayfd 3 3>"$ready" &
xvfb=$!
while [ ! -s "$ready" ]; do
    kill -0 "$xvfb" 2>/dev/null || { echo "start-desktop: Xvfb did not start" >&2; exit 1; }
    sleep 0.1
done
export DISPLAY=":$display"
xterm -geometry 120x40+20+20 &
exec x11vnc -display "$DISPLAY" -rfbport "${VNC_PORT:-5900}" -forever -shared -nopw -quiet
