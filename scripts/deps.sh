#!/usr/bin/env bash
# Installs the Debian packages transferguard needs to build, test and demo,
# when they are missing. Safe to run again; needs root (or sudo).
set -euo pipefail
# What scripts/test.sh and scripts/demo.sh need. WITH_WINE=1 adds wine64
# and mingw for the Windows stage (scripts/test.sh and scripts/test-windows.sh
# ask for it); WITH_FLEET=1 adds the fleet run's packages (scripts/fleet.sh).
pkgs=(
  mosquitto                       # the real broker the integration tests start
  socat                           # serial pairs: manual testing, the COM pair under wine
  gcc libc6-dev pkg-config        # cgo, for Ebiten (tgscreen only)
  libgl-dev libx11-dev libxcursor-dev libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev
  libasound2-dev                  # Ebiten audio
  xvfb xauth                      # a real X server for UI tests and headless demos
  fonts-wqy-microhei              # CJK font with Latin glyphs (docs/screens.md)
  imagemagick                     # screenshots of the Xvfb screen
  openssl                         # DSSE interop test
  postgresql                      # tgdispatch store tests on PostgreSQL (dispatch/pgtest)
  chromium                        # tgdispatch console browser tests (test/e2e, chromedp)
  prometheus                      # real scrape of tgagent/tgdispatch --metrics (drivers/metrics)
  systemd                         # systemd-analyze verify of packaging/systemd units
)
[ -n "${WITH_WINE:-}" ] && pkgs+=(wine64 gcc-mingw-w64-x86-64)   # docs/windows.md
[ -n "${WITH_FLEET:-}" ] && pkgs+=(sqlite3 bc curl)              # docs/scaling.md
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "deps: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if ! command -v go >/dev/null; then
  echo "deps: Go 1.26 or later is required (https://go.dev/dl); /usr/local/go/bin must be on PATH" >&2
  exit 1
fi
# npm for axe-core: Debian's package, unless Node.js and npm are already
# there (a NodeSource install conflicts with Debian's npm package).
if ! command -v npm >/dev/null; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends npm >/dev/null
fi
# axe-core, injected into console pages by test/e2e's accessibility test.
if [ ! -e "$(dirname "$0")/../test/e2e/.axe/node_modules/axe-core/axe.min.js" ]; then
  (cd "$(dirname "$0")/.." && npm install --prefix test/e2e/.axe --no-audit --no-fund --silent axe-core >/dev/null)
fi
# A null sound device, so tgscreen's audio never fails on a machine without one.
if [ ! -e "$HOME/.asoundrc" ] && [ ! -e /dev/snd/controlC0 ]; then
  printf 'pcm.!default { type null }\n' > "$HOME/.asoundrc"
fi
