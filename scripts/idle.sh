#!/usr/bin/env bash
# Measures idle CPU and RSS of a headless tgagent (standby, link up via
# heartbeats) on a socat pty against a local mosquitto, over SECONDS (30).
# Extra tgagent flags in $TG_IDLE_FLAGS (e.g. "--metrics 127.0.0.1:9464").
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-30}"
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$tmp"' EXIT
go build -o "$tmp/" ./cmd/tgagent ./cmd/tgsim
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
printf 'listener %s 127.0.0.1\nallow_anonymous true\nuser root\n' "$port" > "$tmp/m.conf"
mosquitto -c "$tmp/m.conf" >/dev/null 2>&1 &
socat pty,raw,echo=0,link="$tmp/ctl" pty,raw,echo=0,link="$tmp/agent" 2>/dev/null &
sleep 0.5
"$tmp/tgagent" --serial "$tmp/agent" --broker "tcp://127.0.0.1:$port" --site BENCH --terminal IDLE --state-dir "$tmp/state" ${TG_IDLE_FLAGS:-} 2>"$tmp/agent.log" &
apid=$!
printf 'HELLO proto=1\nwait 1h\n' > "$tmp/idle.txt"
"$tmp/tgsim" --serial "$tmp/ctl" "$tmp/idle.txt" >/dev/null 2>&1 &
sleep 3
ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
t0=$(ticks $apid); sleep "$secs"; t1=$(ticks $apid)
rss=$(awk '/VmRSS/{print $2}' /proc/$apid/status)
python3 - "$t0" "$t1" "$hz" "$secs" "$rss" <<'PY'
import sys
t0, t1, hz, secs, rss = map(float, sys.argv[1:])
print(f"tgagent idle: {(t1-t0)/hz/secs*100:.2f} % of a core over {secs:.0f} s, RSS {rss/1024:.1f} MiB")
PY
