#!/usr/bin/env bash
# Measures the screen process (docs/screens.md, "Performance"):
#   idle CPU and RSS of tgscreen showing standby, drawing only on change
#   against Ebiten's default loop (--always-draw), and of its Xvfb, over
#   SECONDS (default 20); then Show -> drawn latency and start-up time.
#
#   bash scripts/bench-ui.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-20}"
export GOFLAGS="${GOFLAGS:--buildvcs=false}"
# The benchmarks run under HOME=$tmp (for its null .asoundrc): keep Go's
# caches where they are, or every run is a cold build.
export GOCACHE="$(go env GOCACHE)" GOMODCACHE="$(go env GOMODCACHE)" GOPATH="$(go env GOPATH)"
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$tmp"' EXIT
go build -o "$tmp/" ./cmd/tgscreen
printf 'pcm.!default { type null }\n' > "$tmp/.asoundrc"

ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)

# idle LABEL MODE-FLAGS...: runs tgscreen on its own Xvfb, shows the
# screens in $SCREENS (default: standby) one a second, and prints CPU of
# tgscreen and Xvfb at rest and tgscreen's RSS.
idle() {
	local label=$1; shift
	Xvfb :77 -screen 0 1920x1080x24 -nolisten tcp 2>/dev/null &
	local xpid=$!
	sleep 1
	mkfifo "$tmp/in"
	HOME="$tmp" DISPLAY=:77 "$tmp/tgscreen" --fullscreen "$@" <"$tmp/in" >"$tmp/out" 2>"$tmp/err.log" &
	local spid=$!
	exec 3>"$tmp/in"
	local seq=0 n
	for n in ${SCREENS:-standby_zh}; do
		seq=$((seq + 1))
		python3 -c 'import json,sys;s=json.load(open("ui/samples/screens/"+sys.argv[1]+".json"));s["seq"]=int(sys.argv[2]);print(json.dumps({"type":"show","screen":s},ensure_ascii=False))' "$n" "$seq" >&3
		sleep 1
	done
	sleep 4
	local s0 x0 s1 x1
	s0=$(ticks $spid); x0=$(ticks $xpid); sleep "$secs"; s1=$(ticks $spid); x1=$(ticks $xpid)
	local rss; rss=$(awk '/VmRSS/{print $2}' /proc/$spid/status)
	python3 - "$label" "$s0" "$s1" "$x0" "$x1" "$hz" "$secs" "$rss" <<'PY'
import sys
label = sys.argv[1]
s0, s1, x0, x1, hz, secs, rss = map(float, sys.argv[2:])
print(f"{label:>22}: tgscreen {(s1-s0)/hz/secs*100:6.2f} % of a core, Xvfb {(x1-x0)/hz/secs*100:6.2f} %, tgscreen RSS {rss/1024:.0f} MiB")
PY
	exec 3>&-
	wait $spid || true
	kill $xpid; wait $xpid 2>/dev/null || true
	rm -f "$tmp/in"
}

echo "idle over $secs s, standby shown, 1920x1080 Xvfb:"
idle "draw on change" 
idle "Ebiten default loop" --always-draw
SCREENS="standby_zh question_zh transfer_warning_zh high_risk_en stopped_zh" idle "after 5 screens"
echo
HOME="$tmp" go test -tags xvfb -run XXX -bench ShowToDraw -benchtime 300x ./drivers/screenproc/ 2>/dev/null | grep -E '^Benchmark|ok'
HOME="$tmp" go test -tags xvfb -run XXX -bench StartToFirstFrame -benchtime 20x ./drivers/screenproc/ 2>/dev/null | grep -E '^Benchmark|ok'
