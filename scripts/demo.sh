#!/usr/bin/env bash
# The one-command demo on a fresh Debian machine (as root or with sudo):
# a simulated ATM (tgsim on a pty) plays every CONTRACT §3 scenario in a
# loop into tgagent, which runs an embedded MQTT broker and shows its
# screens in a tgscreen window; a console prints every alert, session
# record and status change; tgdispatch (when built) serves the guard
# console on http://127.0.0.1:8080 and sends every incident event to a
# local signed-webhook receiver that prints it ([webhook] lines).
#
#   bash scripts/demo.sh            # until Ctrl-C
#   DEMO_SECONDS=120 bash scripts/demo.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$PATH"
bash scripts/deps.sh
go build -o bin/ ./cmd/...

run=$(mktemp -d /tmp/transferguard-demo.XXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  echo "demo: logs and screenshots are in $run"
}
trap cleanup EXIT INT TERM

ui=window
if [ -z "${DISPLAY:-}" ]; then
  echo "demo: no display found — running the screen on a virtual display (Xvfb :77);"
  echo "demo: a screenshot of it is saved every 5 s as $run/screen-*.png"
  Xvfb :77 -screen 0 1280x720x24 -nolisten tcp >"$run/xvfb.log" 2>&1 &
  pids+=($!)
  export DISPLAY=:77
  sleep 1
  ( i=0; while sleep 5; do i=$((i+1)); import -window root "$run/screen-$(printf %03d $i).png" 2>/dev/null || true; done ) &
  pids+=($!)
fi

# The simulated ATM: tgsim makes the pty pair and waits for the agent.
bin/tgsim --pty "$run/atm" --loop --quiet testdata/demo/guard-claim.txt testdata/scenarios/*/signals.txt >"$run/tgsim.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do [ -e "$run/atm" ] && break; sleep 0.1; done

# The dispatch key: tgdispatch signs with the private half, the agent
# trusts only the public half (CONTRACT §12). Made fresh for every demo.
bin/tgctl keygen --out "$run/dispatch" >/dev/null

bin/tgagent --config configs/agent-demo.yaml --serial "$run/atm" --broker embedded \
  --dispatch-key "$run/dispatch.pub" \
  --ui "$ui" --state-dir "$run/state" --log-level info 2>"$run/agent.log" &
pids+=($!)
sleep 1

if [ -x bin/tgdispatch ] && [ -f configs/dispatch-demo.yaml ]; then
  # A webhook receiver standing in for the branch's messaging: it verifies
  # each signed event tgdispatch sends (docs/notifications.md) and prints it,
  # so the alert reaches people with no console open.
  export TG_DEMO_HOOK_SECRET=demo-webhook-secret
  bin/tgctl webhook-listen --addr 127.0.0.1:8099 --secret-env TG_DEMO_HOOK_SECRET \
    > >(sed -u 's/^/[webhook] /') 2>"$run/webhook.log" &
  pids+=($!)
  echo "demo: webhook receiver on http://127.0.0.1:8099 prints every incident event as [webhook] lines"
  bin/tgdispatch --broker tcp://127.0.0.1:1883 --db "sqlite:$run/dispatch.db" \
    --listen 127.0.0.1:8080 --config configs/dispatch-demo.yaml --signing-key "$run/dispatch.key" 2>"$run/dispatch.log" &
  pids+=($!)
  echo "demo: guard console on http://127.0.0.1:8080 (see configs/dispatch-demo.yaml for the demo accounts)"
fi

echo "demo: agent log $run/agent.log, simulator log $run/tgsim.log; alerts follow (Ctrl-C to stop)"
if [ -n "${DEMO_SECONDS:-}" ]; then
  timeout "$DEMO_SECONDS" bin/tgctl watch --broker tcp://127.0.0.1:1883 || true
else
  bin/tgctl watch --broker tcp://127.0.0.1:1883
fi
