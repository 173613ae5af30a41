#!/usr/bin/env bash
# Builds the .deb packages (scripts/package.sh), installs all three with
# dpkg on this machine, and checks what docs/packages.md promises: units
# (systemd-analyze verify, silent), users and groups, state directories and
# their modes, conffiles (dpkg's own list, and an edit surviving a
# reinstall), every binary answering --help; then purges and checks what
# purge removes and keeps. Needs root; refuses to run where transferguard is
# already installed or its directories exist (it would remove them).
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "test-packages: needs root (dpkg -i)" >&2; exit 1; }
command -v systemd-analyze >/dev/null || { echo "test-packages: systemd-analyze missing (apt-get install systemd)" >&2; exit 1; }
pkgs=(tgagent tgdispatch tgctl)
for p in "${pkgs[@]}"; do
  if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q installed; then
    echo "test-packages: $p is installed on this machine; not touching it" >&2; exit 1
  fi
done
for d in /var/lib/transferguard /var/lib/tgdispatch /etc/transferguard; do
  [ ! -e "$d" ] || { echo "test-packages: $d exists; not touching it" >&2; exit 1; }
done

cleanup() {
  dpkg --purge "${pkgs[@]}" >/dev/null 2>&1 || true
  rm -rf /var/lib/tgdispatch   # kept by purge on purpose (docs/packages.md)
}
fail() { echo "test-packages: FAIL: $*" >&2; cleanup; exit 1; }
trap 'cleanup' INT TERM

bash scripts/package.sh
debs=(dist/tgagent_*.deb dist/tgdispatch_*.deb dist/tgctl_*.deb)
out=$(dpkg -i "${debs[@]}" 2>&1) || fail "dpkg -i: $out"

# Units: installed where systemd looks, and verify has nothing to say.
for u in tgagent tgdispatch; do
  [ -f "/lib/systemd/system/$u.service" ] || fail "$u.service not installed"
done
out=$(systemd-analyze verify /lib/systemd/system/tgagent.service /lib/systemd/system/tgdispatch.service 2>&1) ||
  fail "systemd-analyze verify: $out"
[ -z "$out" ] || fail "systemd-analyze verify complained: $out"

# Users, groups, state directories.
for u in tgagent tgdispatch; do
  getent passwd "$u" >/dev/null || fail "user $u missing"
  [ "$(getent passwd "$u" | cut -d: -f7)" = /usr/sbin/nologin ] || fail "user $u has a login shell"
done
id -nG tgagent | grep -qw dialout || fail "tgagent not in group dialout"
[ "$(stat -c '%U:%G %a' /var/lib/transferguard)" = "tgagent:tgagent 700" ] || fail "/var/lib/transferguard: $(stat -c '%U:%G %a' /var/lib/transferguard)"
[ "$(stat -c '%U:%G %a' /var/lib/tgdispatch)" = "tgdispatch:tgdispatch 700" ] || fail "/var/lib/tgdispatch: $(stat -c '%U:%G %a' /var/lib/tgdispatch)"

# Conffiles: in dpkg's list, readable by the service's group only.
conffile() { dpkg-query --showformat='${Conffiles}\n' --show "$1" | grep -q " $2 " || fail "$2 not a conffile of $1"; }
conffile tgagent /etc/transferguard/agent.yaml
conffile tgdispatch /etc/transferguard/dispatch.yaml
conffile tgdispatch /etc/transferguard/tgdispatch.env
[ "$(stat -c '%U:%G %a' /etc/transferguard/agent.yaml)" = "root:tgagent 640" ] || fail "agent.yaml: $(stat -c '%U:%G %a' /etc/transferguard/agent.yaml)"
[ "$(stat -c '%U:%G %a' /etc/transferguard/dispatch.yaml)" = "root:tgdispatch 640" ] || fail "dispatch.yaml: $(stat -c '%U:%G %a' /etc/transferguard/dispatch.yaml)"
[ "$(stat -c '%U:%G %a' /etc/transferguard/tgdispatch.env)" = "root:root 600" ] || fail "tgdispatch.env: $(stat -c '%U:%G %a' /etc/transferguard/tgdispatch.env)"
# An operator's edit survives reinstalling the package (dpkg keeps a
# changed conffile whose packaged version did not change).
echo "# edited by test-packages" >> /etc/transferguard/agent.yaml
out=$(dpkg -i dist/tgagent_*.deb 2>&1) || fail "reinstall: $out"
grep -q "edited by test-packages" /etc/transferguard/agent.yaml || fail "edited agent.yaml replaced on reinstall"

# Binaries answer --help.
# tgscreen links Ebiten, which panics at start-up without an X display, so it
# gets a throwaway Xvfb.
for b in tgagent tgdispatch tgctl tgscreen; do
  run=(timeout 20); [ "$b" = tgscreen ] && run=(xvfb-run -a timeout 20)
  out=$("${run[@]}" "/usr/bin/$b" --help 2>&1) || fail "$b --help exited $?: $(echo "$out" | tail -2)"
  [ -n "$out" ] || fail "$b --help printed nothing"
done
dpkg -s tgagent | grep -q '^Depends:.*fonts-wqy-microhei' || fail "tgagent does not depend on fonts-wqy-microhei"

# A stand-in database, to see purge keep it.
install -o tgdispatch -g tgdispatch -m 0600 /dev/null /var/lib/tgdispatch/tgdispatch.db
# remove keeps users and state; purge removes them (tgdispatch's database is kept, root-owned).
dpkg --remove "${pkgs[@]}" >/dev/null
getent passwd tgagent >/dev/null || fail "remove deleted user tgagent"
[ -d /var/lib/transferguard ] || fail "remove deleted the agent's state"
out=$(dpkg --purge tgagent tgdispatch 2>&1) || fail "purge: $out"
for u in tgagent tgdispatch; do
  getent passwd "$u" >/dev/null && fail "user $u left after purge"
  getent group "$u" >/dev/null && fail "group $u left after purge"
done
[ ! -e /var/lib/transferguard ] || fail "/var/lib/transferguard left after purge"
[ "$(stat -c '%U:%G %a' /var/lib/tgdispatch)" = "root:root 700" ] || fail "/var/lib/tgdispatch not kept root-only after purge"
[ "$(stat -c '%U' /var/lib/tgdispatch/tgdispatch.db)" = root ] || fail "tgdispatch.db not kept (root-owned) after purge"
[ ! -e /etc/transferguard ] || fail "/etc/transferguard left after purge: $(ls -A /etc/transferguard)"
rm -rf /var/lib/tgdispatch
echo "test-packages: tgagent, tgdispatch and tgctl install, verify, keep conffile edits and purge as documented"
