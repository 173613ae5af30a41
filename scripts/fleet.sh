#!/usr/bin/env bash
# Fleet load run (docs/scaling.md; not part of scripts/test.sh):
# TERMINALS simulated terminals (tgsim fleet, split over PROCS processes,
# each terminal its own MQTT connection and outbox, exactly as tgagent
# speaks) -> one mosquitto -> tgdispatch on SQLite (DB=pg: two tgdispatch
# instances sharing the subscription, on a PostgreSQL started here). RATE alerts/s with a
# BURST every 30 s; halfway, one process in ten (10 % of the terminals) is
# killed with SIGKILL and started again 20 s later on the same outboxes.
# Then it checks that every alert queued by a terminal became exactly one
# incident and every session record was stored once, and prints alerts/s,
# alert ts -> incident in the console's store (p50/p90/p99/max, and the
# max by 15 s of alert time), the CPU and peak RSS of mosquitto and
# tgdispatch, and with DB=pg what PostgreSQL's backends waited on
# (pg_stat_activity, sampled each second).
#
#   TERMINALS=2000 PROCS=10 RATE=50 DURATION=120 bash scripts/fleet.sh
#   DB=pg TERMINALS=5000 bash scripts/fleet.sh        # as root (runs postgres as user postgres)
set -euo pipefail
cd "$(dirname "$0")/.."
WITH_FLEET=1 bash scripts/deps.sh
TERMINALS=${TERMINALS:-1000} PROCS=${PROCS:-10} RATE=${RATE:-50} BURST=${BURST:-100}
DURATION=${DURATION:-120} PORT=${PORT:-18830} HTTP=${HTTP:-18080} DB=${DB:-sqlite} PGPORT=${PGPORT:-18432} WORKERS=${WORKERS:-4}
INFLIGHT=${INFLIGHT:-20}   # mosquitto max_inflight_messages: unacknowledged messages per connection (its default, 20)
per=$((TERMINALS / PROCS))
work=$(mktemp -d /tmp/tgfleet.XXXX)
echo "fleet: $TERMINALS terminals in $PROCS processes, $DB ($WORKERS workers, in flight $INFLIGHT), $RATE alerts/s, burst $BURST/30 s, ${DURATION}s; work dir $work"
ulimit -n "$(ulimit -Hn)"   # mosquitto needs one descriptor per connection
go build -o "$work/" ./cmd/tgsim ./cmd/tgdispatch
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

cat > "$work/mosquitto.conf" <<CONF
listener $PORT 127.0.0.1
allow_anonymous true
max_connections -1
max_queued_messages 10000
max_inflight_messages $INFLIGHT
persistence false
log_type error
CONF
mosquitto -c "$work/mosquitto.conf" >"$work/mosquitto.log" 2>&1 & mpid=$!; pids+=($mpid)
sleep 1
# CPU seconds and RSS (KB) of a process and its children, sampled every 2 s into $work/<name>.samples.
sample() { while kill -0 "$2" 2>/dev/null; do
  ps -o times=,rss= -p "$2" --ppid "$2" | awk -v t="$(date +%s.%N)" '{c+=$1; r+=$2} END {print t, c, r}' >>"$work/$1.samples"
  sleep 2; done; }
sample mosquitto $mpid &
dispatchers=(tgdispatch)
if [ "$DB" = pg ]; then
  pgbin=$(dirname "$(ls /usr/lib/postgresql/*/bin/initdb | sort -V | tail -1)")
  chmod 755 "$work"; install -d -o postgres -g postgres "$work/pg"
  runuser -u postgres -- "$pgbin/initdb" -D "$work/pg/data" -A trust -U postgres -E UTF8 >/dev/null
  runuser -u postgres -- "$pgbin/postgres" -D "$work/pg/data" -h 127.0.0.1 -p "$PGPORT" -k "$work/pg" >"$work/postgres.log" 2>&1 & ppid=$!; pids+=($ppid)
  for _ in $(seq 50); do "$pgbin/pg_isready" -q -h 127.0.0.1 -p "$PGPORT" && break; sleep 0.2; done
  "$pgbin/psql" -q -h 127.0.0.1 -p "$PGPORT" -U postgres -c 'CREATE DATABASE tg'
  dsn="postgres://postgres@127.0.0.1:$PGPORT/tg?sslmode=disable"
  q() { "$pgbin/psql" -At -F'|' -h 127.0.0.1 -p "$PGPORT" -U postgres tg -c "$1"; }
  dispatchers=(tgdispatch tgdispatch2)
  sample postgres "$(head -1 "$work/pg/data/postmaster.pid")" &   # the postmaster and its backends
  # What tgdispatch's backends wait on, once a second (summed at the end).
  pgwait() { while kill -0 "$ppid" 2>/dev/null; do
    q "SELECT coalesce(wait_event_type, 'CPU'), coalesce(wait_event, '-'), state, count(*) FROM pg_stat_activity
       WHERE datname = 'tg' AND pid <> pg_backend_pid() GROUP BY 1, 2, 3" >>"$work/pgwait.samples" 2>/dev/null || true
    sleep 1; done; }
  pgwait &
else
  dsn="sqlite:$work/d.db"
  q() { sqlite3 -cmd '.timeout 5000' "$work/d.db" "$1"; }
fi
for i in "${!dispatchers[@]}"; do
  "$work/tgdispatch" --broker "tcp://127.0.0.1:$PORT" --db "$dsn" --listen "127.0.0.1:$((HTTP + 2 * i))" \
    --metrics "127.0.0.1:$((HTTP + 2 * i + 1))" --client-id "fleet-$i" --workers "$WORKERS" --log-level warn >"$work/${dispatchers[$i]}.log" 2>&1 & dp=$!; pids+=($dp)
  sample "${dispatchers[$i]}" $dp &
  sleep 2
done

start=$(date +%s)
fleet() { # $1 process number, $2 duration
  "$work/tgsim" fleet -n "$per" --first $(($1 * per)) --broker "tcp://127.0.0.1:$PORT" --dir "$work/p$1" \
    --ledger "$work/ledger" --rate "$(echo "$RATE / $PROCS" | bc -l)" --burst $((BURST / PROCS)) \
    --duration "$2s" --connect-rate 100 >>"$work/fleet$1.log" 2>&1
}
fpids=()
for i in $(seq 0 $((PROCS - 1))); do fleet "$i" "$DURATION" & fpids+=($!); done
sleep $((DURATION / 2))
victim=$(pgrep -f -- "--dir $work/p0( |$)" | head -1)   # the tgsim of process 0 (this script started it)
echo "fleet: kill -9 process 0 (pid $victim, $per terminals) at $(( $(date +%s) - start ))s"
kill -9 "$victim"; wait "${fpids[0]}" 2>/dev/null || true
sleep 20
echo "fleet: process 0 back at $(( $(date +%s) - start ))s"
fleet 0 $((DURATION / 2 - 20 > 10 ? DURATION / 2 - 20 : 10)) & fpids[0]=$!
for p in "${fpids[@]}"; do wait "$p" || echo "fleet: a fleet process failed (see $work/fleet*.log)"; done
echo "fleet: all outboxes drained at $(( $(date +%s) - start ))s"

# Wait for tgdispatch to have every alert and session record, at most 120 s.
want=$(grep -c '^A ' "$work/ledger"); recs_want=$(grep -c '^S ' "$work/ledger")
grep '^A ' "$work/ledger" | awk '{print $2}' | sort -u >"$work/want.ids"
for _ in $(seq 60); do
  have=$(q "SELECT count(*) FROM incidents WHERE kind='risk'"); recs_have=$(q "SELECT count(*) FROM session_records")
  [ "$have" -ge "$want" ] && [ "$recs_have" -ge "$recs_want" ] && break; sleep 2
done
echo "fleet: tgdispatch caught up at $(( $(date +%s) - start ))s"
q "SELECT alert_id FROM incidents WHERE kind='risk'" | sort >"$work/have.ids"
lost=$(comm -23 "$work/want.ids" "$work/have.ids" | wc -l)
extra=$(comm -13 "$work/want.ids" "$work/have.ids" | wc -l)
twice=$(q "SELECT count(*) FROM (SELECT incident_id FROM steps WHERE action='raised' GROUP BY incident_id HAVING count(*) > 1) AS d")
echo "fleet: alerts queued $want ($(sort -u "$work/want.ids" | wc -l) unique), incidents $(wc -l <"$work/have.ids"), lost $lost, not in ledger $extra, raised twice $twice"
grep '^S ' "$work/ledger" | awk '{print $2}' | sort -u >"$work/want.recs"
q "SELECT id FROM session_records" | sort >"$work/have.recs"
recs_lost=$(comm -23 "$work/want.recs" "$work/have.recs" | wc -l)
echo "fleet: session records queued $recs_want, stored $recs_have, lost $recs_lost"
q "SELECT count(*), (max(created)-min(created))/1000.0 FROM incidents WHERE kind='risk'" |
  awk -F'|' '{printf "fleet: %d risk incidents over %.0f s = %.1f alerts/s end to end\n", $1, $2, $1/$2}'
q "SELECT created - raised FROM incidents WHERE kind='risk' ORDER BY 1" | awk '{a[NR]=$1; s+=$1} END {
  printf "fleet: alert ts -> incident stored (ms): p50 %d p90 %d p99 %d max %d mean %.0f (n %d)\n", a[int(NR*.5)], a[int(NR*.9)], a[int(NR*.99)], a[NR], s/NR, NR}'
echo "fleet: by 15 s of alert time (s since the first alert: alerts, max ms):" $(q "SELECT (raised - (SELECT min(raised) FROM incidents WHERE kind='risk')) / 15000 * 15, count(*), max(created - raised)
  FROM incidents WHERE kind='risk' GROUP BY 1 ORDER BY 1" | awk -F'|' '{printf "%s:%s/%s ", $1, $2, $3}')
echo "fleet: offline health incidents: $(q "SELECT count(*) FROM incidents WHERE kind='offline'")"
for n in mosquitto "${dispatchers[@]}" $([ "$DB" = pg ] && echo postgres); do
  awk -v n=$n 'NF<3 {next} !t0 {t0=$1;c0=$2} {t=$1;c=$2; if ($3>m) m=$3} END {printf "fleet: %s CPU %.0f %% of one core on average, peak RSS %.0f MB\n", n, 100*(c-c0)/(t-t0), m/1024}' "$work/$n.samples"
done
if [ "$DB" = pg ]; then
  echo "fleet: PostgreSQL backends of tg by wait (backend-seconds over the run, sampled each second):"
  awk -F'|' '{n[$1"/"$2" ("$3")"]+=$4} END {for (k in n) printf "  %6d %s\n", n[k], k}' "$work/pgwait.samples" | sort -rn | head -12
fi
echo "fleet: mosquitto connections at the end: $(ss -tn state established "( sport = :$PORT )" | tail -n +2 | wc -l)"
for i in "${!dispatchers[@]}"; do
  echo "fleet: ${dispatchers[$i]} handled: $(curl -s "127.0.0.1:$((HTTP + 2 * i + 1))/metrics" | grep -E '^tgdispatch_messages_total' | tr '\n' ' ')"
  curl -s "127.0.0.1:$((HTTP + 2 * i + 1))/metrics" | awk -v n="${dispatchers[$i]}" '/^tgdispatch_ingest_lag_seconds_sum/ {s=$2}
    /^tgdispatch_ingest_lag_seconds_count/ {c=$2} END {if (c) printf "fleet: %s: alert ts -> taken by a worker, mean %.0f ms\n", n, 1000*s/c}'
done
[ "$lost" -eq 0 ] && [ "$twice" -eq 0 ] && [ "$recs_lost" -eq 0 ] || { echo "fleet: FAIL"; exit 1; }
echo "fleet: nothing lost, nothing twice (work dir $work)"
