#!/usr/bin/env bash
# Runs every benchmark of transferguard and the idle measurements; the
# numbers in docs/benchmarks.md come from this command (make bench).
# Benchmarks report; they never fail on a number (the machines are shared).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$PATH"
export GOFLAGS="${GOFLAGS:--buildvcs=false}"
bash scripts/deps.sh
XVFB=(xvfb-run -a -s "-screen 0 1920x1080x24 -nolisten tcp")
b() { echo; echo "### $*"; "$@"; }

b go test -run '^$' -bench . -benchmem -benchtime 200000x ./agent/frame
b go test -run '^$' -bench . -benchmem -benchtime 20000x ./agent/terminal
b go test -run '^$' -bench . -benchmem ./agent/watchlist ./agent/remote
b go test -run '^$' -bench . -benchmem -benchtime 2000x ./drivers/outbox
b go test -run '^$' -bench . -benchmem ./drivers/cardhistory
b go test -run '^$' -bench FrameToAck -benchtime 20000x ./drivers/serialport
b go test -run '^$' -bench Drain10k -benchtime 1x ./drivers/mqttlink
b go test -run '^$' -bench PublishToReceive -benchtime 2000x ./drivers/mqttlink
b go test -tags integration -run '^$' -bench FrameToAlert -benchtime 300x ./test/integration
b bash scripts/idle.sh 30
b bash scripts/bench-ui.sh 20
b go test -run '^$' -bench HandleAlert -benchtime 5000x ./dispatch/service/
b "${XVFB[@]}" go test -tags e2e -run '^$' -bench Console -benchtime 200x ./test/e2e/
