#!/usr/bin/env bash
# Makes sure the browser tests have a Chromium: Debian's chromium package at /usr/bin/chromium
# (playwright-core drives it; it downloads no browser of its own), and CJK fonts so that
# screenshots of the Chinese pages show characters, not boxes.
# Installs with apt-get when we are root and it is missing; otherwise says what to do. In CI
# (CI=true) a missing browser is an error here, so that the browser tests cannot be skipped.
set -euo pipefail
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"

# (no grep -q: with pipefail, fc-list killed by SIGPIPE would make this false)
have_fonts() { fc-list 2>/dev/null | grep -i 'cjk' >/dev/null; }

if [ -x "$CHROMIUM" ] && have_fonts; then
  echo "ensure-chromium: $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM") ready"
  exit 0
fi

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: installing chromium and fonts-noto-cjk with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
  "$CHROMIUM" --version || true
  exit 0
fi

msg="ensure-chromium: no Chromium at $CHROMIUM and cannot install it (needs root and apt-get).
  Install it yourself: sudo apt-get install chromium fonts-noto-cjk   (or set CHROMIUM_PATH)"
if [ "${CI:-}" = "true" ]; then
  echo "$msg" >&2
  exit 1
fi
echo "$msg" >&2
echo "ensure-chromium: the browser tests will be skipped." >&2
