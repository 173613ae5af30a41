#!/usr/bin/env bash
# Windows builds and tests under wine (docs/windows.md):
#   1. the commands ($CMDS, default all) build for windows/amd64 without cgo;
#   2. `go test -c` binaries of the packages that run on a terminal ($PKGS),
#      cross-compiled in one go and run under wine64, each from its package
#      directory; drivers/serialport also over a COM pair (a socat pty pair
#      mapped as COM8 and COM9, as com0com is on an ATM);
#   3. E2E=1: one frame -> ACK -> alert at mosquitto: tgagent.exe on COM5,
#      one end of a socat pty pair; tgsim plays the panic scenario onto the
#      other end and the alert (kind panic, level high) must reach the
#      broker (tgctl watch).
# scripts/test.sh runs it as a stage with the packages the issue names:
#   PKGS="agent/frame agent/terminal drivers/outbox drivers/serialport" CMDS=./cmd/tgagent E2E=1 bash scripts/test-windows.sh
# Debian's wine 8.0 lacks bcryptprimitives.dll, which every Go >= 1.22
# Windows binary loads at start; a stub exporting ProcessPrng (over
# RtlGenRandom) is built with mingw and put in the prefix's system32.
# Installs wine64 and gcc-mingw-w64-x86-64 (WITH_WINE=1 scripts/deps.sh). The prefix lives
# in $WINEPREFIX (default ~/.cache/transferguard/wine), made once and reused.
# Prints one line per package, PASS or FAIL with the failing tests; exit 1 if
# any fails unless ALLOW_FAIL lists it (space-separated package paths).
set -euo pipefail
cd "$(dirname "$0")/.."
WITH_WINE=1 bash scripts/deps.sh
WINE=${WINE:-$(command -v wine64 || echo /usr/lib/wine/wine64)}
WINESERVER=${WINESERVER:-$(command -v wineserver || echo /usr/lib/wine/wineserver)}
[ -x "$WINE" ] || { echo "test-windows: wine64 missing (apt-get install wine64)" >&2; exit 1; }
command -v x86_64-w64-mingw32-gcc >/dev/null || { echo "test-windows: x86_64-w64-mingw32-gcc missing (apt-get install gcc-mingw-w64-x86-64)" >&2; exit 1; }
export WINEPREFIX=${WINEPREFIX:-$HOME/.cache/transferguard/wine} WINEDEBUG=${WINEDEBUG:--all} WINEDLLOVERRIDES="mscoree,mshtml="
PKGS=${PKGS:-"agent/frame agent/terminal drivers/outbox drivers/serialport drivers/logfile"}
CMDS=${CMDS:-./cmd/...}
xgo() { GOOS=windows GOARCH=amd64 CGO_ENABLED=0 nice go "$@"; } # the cross builds
# One run at a time per prefix: its COM links are shared, and the end of a
# run stops the prefix's wine server.
mkdir -p "$(dirname "$WINEPREFIX")"
exec 9>"$WINEPREFIX.lock"
flock 9
out=$(mktemp -d)
bg=() ep=() # background processes this script (and the e2e attempt) started, stopped on exit
cleanup() {
  for p in "${bg[@]}" "${ep[@]}"; do kill "$p" 2>/dev/null || true; done
  "$WINESERVER" -k 2>/dev/null || true # the server started below, and any wine process of this prefix left
  wait 2>/dev/null || true
  [ -n "${KEEP:-}" ] && echo "test-windows: kept $out" || rm -rf "$out"
}
trap cleanup EXIT
t0=$(date +%s)
took() { echo "test-windows: $1 ($(($(date +%s) - t0)) s so far)"; }

# Cross builds: the commands and every test binary, in one go command each.
xgo build -o "$out/" $CMDS
took "built $(cd "$out" && ls ./*.exe | xargs -n1 basename | tr '\n' ' ')"
mkdir -p "$out/t"
if [ -n "${PKGS// /}" ] && ! xgo test -c -o "$out/t/" $(printf './%s ' $PKGS) >"$out/build.log" 2>&1; then
  echo "test-windows: some test binaries do not compile for windows:"; sed 's/^/    /' "$out/build.log" | head -20
fi
took "test binaries built"

# The wine prefix, once, with the bcryptprimitives stub; then one server
# for every wine process of this run (its output, such as the object dump
# it writes when a pty it holds hangs up, goes to its own log).
sys32="$WINEPREFIX/drive_c/windows/system32"
if [ ! -f "$sys32/bcryptprimitives.dll" ]; then
  mkdir -p "$WINEPREFIX"
  "$WINE" wineboot -i >/dev/null 2>&1 || true
  cat > "$out/bcp.c" <<'C'
#include <windows.h>
#include <ntsecapi.h>
/* Go's runtime asks bcryptprimitives.dll for ProcessPrng; wine 8.0 has none. */
BOOL WINAPI ProcessPrng(PBYTE p, SIZE_T n) { return RtlGenRandom(p, (ULONG)n); }
C
  printf 'LIBRARY bcryptprimitives\nEXPORTS\nProcessPrng\n' > "$out/bcp.def"
  x86_64-w64-mingw32-gcc -shared -O2 -o "$sys32/bcryptprimitives.dll" "$out/bcp.c" "$out/bcp.def" -ladvapi32
  "$WINESERVER" -w # wineboot's server, gone a few seconds after wineboot
  took "wine prefix made: $WINEPREFIX"
fi
"$WINESERVER" -p 2>>"$out/wineserver.log" >/dev/null || echo "test-windows: a wine server already runs for $WINEPREFIX; using it"

# A null-modem pair for drivers/serialport's COM test (TG_COM_PAIR).
if [[ " $PKGS " == *" drivers/serialport "* ]]; then
  socat pty,raw,echo=0,link="$out/comA" pty,raw,echo=0,link="$out/comB" 2>"$out/socat.log" & bg+=($!)
  for _ in $(seq 50); do [ -e "$out/comB" ] && break; sleep 0.1; done
  [ -e "$out/comB" ] || { echo "test-windows: socat made no pty pair: $(cat "$out/socat.log")" >&2; exit 1; }
  ln -sfn "$(readlink -f "$out/comA")" "$WINEPREFIX/dosdevices/com8"
  ln -sfn "$(readlink -f "$out/comB")" "$WINEPREFIX/dosdevices/com9"
  export TG_COM_PAIR=COM8,COM9
fi

# Go 1.26's os.RemoveAll deletes with NtSetInformationFile(FileDispositionInformationEx);
# wine 8.0 answers "fixme:file:NtSetInformationFile Unsupported class (64)"
# (STATUS_NOT_IMPLEMENTED, "Invalid function"), which Go does not fall back
# from, so every t.TempDir holding a file fails its cleanup. A run whose only
# failures are those lines passed every assertion; anything else is a failure.
wine_rm='TempDir RemoveAll cleanup: unlinkat .*: Invalid function'
cleanup_only() {
  ! grep -qE 'panic:|fatal error|^FAIL\s+\S+\s+\[build' "$1" &&
    [ "$(grep -E '^\s+\S+\.go:[0-9]+:' "$1" | grep -vc "$wine_rm")" -eq 0 ] &&
    grep -q "$wine_rm" "$1"
}
# E2E=1: tgagent.exe under wine on COM5, one end of a socat pty pair; tgsim
# plays the panic scenario onto the other end (HB every 5 s), with mosquitto
# and tgctl watch. Attempt $1 works in $out/e2e$1.
# Passes when tgsim has every frame answered (each within its 200 ms x 4
# transmissions) and the panic alert reaches the broker. Prints the ACK
# latency of each scenario frame, as tgsim measured it.
e2e() {
  local e=$out/e2e$1 port=${E2E_PORT:-$((20000 + RANDOM % 20000))} simrc=0
  ep=()
  mkdir -p "$e"
  nice go build -o "$out/" ./cmd/tgsim ./cmd/tgctl
  printf 'listener %s 127.0.0.1\nallow_anonymous true\n' "$port" >"$e/m.conf"
  mosquitto -c "$e/m.conf" >"$e/mosquitto.log" 2>&1 & ep+=($!)
  sleep 0.5
  "$out/tgctl" watch --broker "tcp://127.0.0.1:$port" --json >"$e/watch.log" 2>&1 & ep+=($!)
  # A null-modem pair, as com0com is on an ATM: COM5 is the agent's end.
  socat pty,raw,echo=0,link="$e/agent-end" pty,raw,echo=0,link="$e/ctrl-end" 2>"$e/socat.log" & ep+=($!)
  for _ in $(seq 50); do [ -e "$e/ctrl-end" ] && break; sleep 0.1; done
  [ -e "$e/ctrl-end" ] || { echo "FAIL e2e: socat made no pty pair: $(cat "$e/socat.log")"; stop_e2e; return 1; }
  ln -sfn "$(readlink -f "$e/agent-end")" "$WINEPREFIX/dosdevices/com5"
  # A fresh state directory (Z: is /), so no alert of an earlier run is replayed.
  timeout 120 "$WINE" "$out/tgagent.exe" --serial COM5 --broker "tcp://127.0.0.1:$port" --site W1 --terminal T1 \
    --log-level "${E2E_LOG:-info}" --metrics "127.0.0.1:$((port + 1))" --state-dir "Z:${e//\//\\}\\state" >"$e/agent.log" 2>&1 & ep+=($!)
  # tgsim starts once the agent has the port open: the heartbeats it would
  # send while wine starts (seconds) would queue up, and under wine the
  # agent works through such a backlog at ~50 ms a frame, past the
  # retransmissions of the scenario's first frame.
  for _ in $(seq 600); do grep -q '"message":"serial device open"' "$e/agent.log" && break; sleep 0.1; done
  grep -q '"message":"serial device open"' "$e/agent.log" || { echo "FAIL e2e: tgagent.exe never opened COM5"; tail -5 "$e/agent.log"; stop_e2e; return 1; }
  "$out/tgsim" --serial "$e/ctrl-end" --hb 5s --wait 30s --json testdata/scenarios/panic/signals.txt >"$e/sim.out" 2>"$e/sim.err" & local sim=$!
  wait "$sim" || simrc=$?
  for _ in $(seq 100); do grep -q '"kind":"panic","level":"high"' "$e/watch.log" && break; sleep 0.1; done
  echo "e2e: $(grep 'frames sent' "$e/sim.err")"
  echo "e2e: ACK latency of the scenario's frames (ms): $(ack_latency "$e/sim.out")"
  echo "e2e: the agent's own ACK latency (last byte read -> ACK written, all frames): $(agent_ack_latency $((port + 1)))"
  echo "e2e: agent warnings: $(grep -E '"level":"(warn|error)"' "$e/agent.log" | grep -o '"message":"[^"]*"' | sort | uniq -c | tr -s ' \n' ' ')"
  local alerts; alerts=$(grep '"topic":"tg/v1/W1/T1/alert"' "$e/watch.log" | grep -c '"type":"alert",.*"kind":"panic","level":"high"' || true)
  if [ "$simrc" -ne 0 ] || [ "$alerts" -ne 1 ]; then
    echo "FAIL e2e: tgsim exit $simrc, panic alerts at mosquitto $alerts (want 1)"
    grep -E 'FAIL' "$e/sim.err" | head -5 | sed 's/^/    /'
    stop_e2e; return 1
  fi
  stop_e2e
  echo "PASS e2e: frame -> ACK -> alert (kind panic, level high) at mosquitto"
}

# stop_e2e stops what the e2e attempt started.
stop_e2e() {
  for p in "${ep[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${ep[@]}"; do wait "$p" 2>/dev/null || true; done
}

# agent_ack_latency prints tgagent_serial_ack_latency_seconds from the
# agent's /metrics as count and mean, with bash's /dev/tcp (no curl needed).
agent_ack_latency() {
  local m
  m=$(exec 3<>"/dev/tcp/127.0.0.1/$1" && printf 'GET /metrics HTTP/1.0\r\n\r\n' >&3 && cat <&3) || { echo "(no /metrics)"; return; }
  awk '/^tgagent_serial_ack_latency_seconds_sum/ { s = $2 } /^tgagent_serial_ack_latency_seconds_count/ { n = $2 }
    END { if (n > 0) printf "%d ACKs, mean %.1f ms", n, 1000 * s / n; else print "(none)" }' <<<"$m"
}

# ack_latency prints "TYPE ms" for each frame tgsim sent from the scenario's
# start on (the heartbeats before it wait for wine to start).
ack_latency() {
  awk '/"event":"scenario"/ { on = 1; next }
    on && /"dir":"out"/ { match($0, /"seq":[0-9]+/); seq = substr($0, RSTART + 6, RLENGTH - 6) + 0
      match($0, /"type":"[A-Z_]+"/); typ[seq] = substr($0, RSTART + 8, RLENGTH - 9); if (first == "") first = seq }
    on && /"type":"ACK"/ && /"latency_ms"/ { match($0, /"ref":"[0-9]+"/); ref = substr($0, RSTART + 7, RLENGTH - 8) + 0
      if (first != "" && ref >= first) { match($0, /"latency_ms":[0-9.]+/); printf "%s %d  ", typ[ref], substr($0, RSTART + 13, RLENGTH - 13) } }' "$1"
}

failed=()
fail() { [[ " ${ALLOW_FAIL:-} " == *" $1 "* ]] || failed+=("$1"); }
for p in $PKGS; do
  exe="$out/t/$(basename "$p").test.exe"
  log="$out/$(echo "$p" | tr / _).log"
  if [ ! -f "$exe" ]; then
    echo "FAIL $p (does not compile for windows)"
    xgo test -c -o /dev/null "./$p" 2>&1 | head -5 | sed 's/^/    /'; fail "$p"; continue
  fi
  s=$(date +%s)
  if (cd "$p" && timeout 300 "$WINE" "$exe" -test.v -test.count=1 -test.timeout=240s >"$log" 2>&1); then
    echo "PASS $p ($(grep -c '^=== RUN' "$log" || true) runs, $(($(date +%s) - s)) s)"
  elif cleanup_only "$log"; then
    echo "PASS $p apart from t.TempDir cleanup ($(grep -c "$wine_rm" "$log") x: wine 8.0 lacks FileDispositionInformationEx, docs/windows.md; $(($(date +%s) - s)) s)"
  else
    echo "FAIL $p"; grep -E -- '^--- FAIL|^\s+\S+\.go:[0-9]+:|panic:|fatal error' "$log" | head -20 | sed 's/^/    /'
    fail "$p"
  fi
done

# The e2e is tried up to E2E_TRIES times (default 2), each attempt printed:
# under wine each byte read costs a few wineserver round trips, ~1 ms on a
# quiet machine but ten times that under heavy load, and the first session of
# a fresh agent is the slowest, so a loaded machine can run the scenario's
# first frame out of its 4 transmissions (docs/windows.md). A pass after a
# failed attempt says so; a failure on every attempt fails the run.
if [ -n "${E2E:-}" ]; then
  for try in $(seq "${E2E_TRIES:-2}"); do
    echo "e2e: attempt $try"
    if e2e "$try"; then
      ((try == 1)) || echo "e2e: NOTE: passed on attempt $try only; attempt 1 failed as printed above"
      break
    fi
    ((try < ${E2E_TRIES:-2})) || fail e2e
  done
fi
took "done"
((${#failed[@]} == 0)) || { echo "test-windows: failed: ${failed[*]}" >&2; exit 1; }
echo "test-windows: $CMDS build for windows/amd64; $PKGS pass under wine${E2E:+; frame -> ACK -> alert at mosquitto}"
