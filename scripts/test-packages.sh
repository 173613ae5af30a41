#!/usr/bin/env bash
# Builds the .deb packages, installs them with dpkg on this machine (root
# only), checks unit file, user, conffile and binaries, then purges them.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "test-packages: needs root (dpkg -i)" >&2; exit 1; }
bash scripts/package.sh
fail() { echo "test-packages: $*" >&2; dpkg --purge tgagent tgctl >/dev/null 2>&1 || true; exit 1; }
dpkg -i dist/tgagent_*.deb dist/tgctl_*.deb >/dev/null || apt-get install -f -y -qq >/dev/null || fail "dpkg -i failed"
[ -f /lib/systemd/system/tgagent.service ] || fail "unit file missing"
getent passwd tgagent >/dev/null || fail "user tgagent missing"
id -nG tgagent | grep -qw dialout || fail "tgagent not in dialout"
[ "$(stat -c '%U %a' /var/lib/transferguard)" = "tgagent 700" ] || fail "state dir not tgagent 0700"
dpkg-query --showformat='${Conffiles}\n' --show tgagent | grep -q /etc/transferguard/agent.yaml || fail "agent.yaml not a conffile"
/usr/bin/tgagent --help >/dev/null || fail "tgagent --help"
/usr/bin/tgctl --help >/dev/null 2>&1 || /usr/bin/tgctl help >/dev/null 2>&1 || true
dpkg --purge tgagent tgctl >/dev/null
getent passwd tgagent >/dev/null && fail "user tgagent left after purge"
[ ! -e /var/lib/transferguard ] || fail "state dir left after purge"
echo "test-packages: tgagent and tgctl install, check and purge clean"
