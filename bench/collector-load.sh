#!/usr/bin/env bash
# Load and fault runs of the results collector (#15), on this machine: PostgreSQL (a
# throw-away cluster, default settings), the collector (release build, `server` profile) and
# the load generator share its cores. A benchmark, never a CI pass/fail.
#
#   bench/collector-load.sh [load] [faults] [storage]      (default: all three)
#
# load     wrk (Debian) for DURATION (default 60 s), one attempt per request, every request a
#          new attempt id, about 10 % resends (bench/collector-load.lua); attempts/s, latency
#          percentiles, then the counters against a recount from the tables.
# faults   the resend client (collector/examples/resend.rs) sends FAULT_COUNT attempts and
#          retries each until it is accepted or a duplicate, while: the collector is killed
#          with SIGKILL and restarted; PostgreSQL restarts; then everything is sent again.
#          Each ends with exact counts and counters equal to the recount.
# storage  tops the attempts up to STORAGE_ATTEMPTS (default 1,000,000) through the collector
#          and reports the bytes per attempt and per participant.
# Results go to target/bench-results/collector-<time>.txt as well as the terminal.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup collector
if ! command -v wrk >/dev/null; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get install -y -qq wrk >/dev/null 2>&1 || { $SUDO apt-get update -qq; $SUDO apt-get install -y -qq wrk >/dev/null; }
fi
export PATH="$HOME/.cargo/bin:$PATH"
. scripts/pg-temp.sh

steps=("$@")
[ ${#steps[@]} -gt 0 ] || steps=(load faults storage)
DURATION=${DURATION:-60}
CONNECTIONS=${CONNECTIONS:-32}
FAULT_COUNT=${FAULT_COUNT:-20000}
STORAGE_ATTEMPTS=${STORAGE_ATTEMPTS:-1000000}

cargo build --profile server -p kepu-collector --bins --examples
BIN=target/server/kepu-collector
RESEND=target/server/examples/resend
mkdir -p target/bench-results
OUT=target/bench-results/collector-$(date -u +%Y%m%dT%H%M%SZ).txt
say() { printf '%s\n' "$*" | tee -a "$OUT"; }

work=$(mktemp -d)
cpid=""
cleanup() {
  [ -n "$cpid" ] && kill -TERM "$cpid" 2>/dev/null && wait "$cpid" 2>/dev/null
  pg_temp_stop
  rm -rf "$work"
}
trap cleanup EXIT
pg_temp_start
PORT=$(pg_temp_free_port)
ADDRESS=127.0.0.1:$PORT
export KEPU_ORGANIZER_TOKEN=bench-token
target/server/examples/sample-attempt questions kepu-demo > "$work/body.json"

start_collector() {
  "$BIN" --listen "$ADDRESS" --contests questions >> "$work/collector.log" 2>&1 &
  cpid=$!
  for _ in $(seq 600); do
    curl -sf "http://$ADDRESS/healthz" >/dev/null 2>&1 && return
    sleep 0.1
  done
  echo "the collector did not start" >&2; cat "$work/collector.log" >&2; exit 1
}

# "participants participations" of the collector's counters (asked again while it answers 503).
counted() {
  local body
  for _ in $(seq 100); do
    if body=$(curl -sf -H "Authorization: Bearer $KEPU_ORGANIZER_TOKEN" "http://$ADDRESS/v1/contests/kepu-demo/counts?level=province"); then
      sed -E 's/^\{"participants":([0-9]+),"participations":([0-9]+).*/\1 \2/' <<< "$body"
      return
    fi
    sleep 0.2
  done
  echo "the collector does not answer" >&2; exit 1
}

# Waits until a third of the run's attempts are stored: the fault comes mid-load.
mid_load() {
  until [ "$(rows "SELECT count(*) FROM attempts WHERE id LIKE '$1-%'")" -ge $((FAULT_COUNT / 3)) ]; do sleep 0.05; done
}

# Fails the run when the counters differ from a recount of the tables.
recount() {
  if "$BIN" recount --database-url "$DATABASE_URL" --contest kepu-demo | tee -a "$OUT"; then :; else
    say "RECOUNT MISMATCH"; exit 1
  fi
}

rows() { psql "$DATABASE_URL" -Atc "$1"; }

start_collector
say "== collector load, $(date -u +%FT%TZ), $(nproc) cores, PostgreSQL $(rows 'SHOW server_version'), wrk -t2 -c$CONNECTIONS"

run_wrk() { # seconds run-prefix
  KEPU_BODY="$work/body.json" KEPU_RUN="$2" wrk -t2 -c"$CONNECTIONS" -d"$1"s --timeout 10s -s bench/collector-load.lua "http://$ADDRESS" > "$work/wrk.txt"
  grep -E '^(requests|latency|distinct)' "$work/wrk.txt" | while read -r line; do say "  $line"; done
}

for step in "${steps[@]}"; do
  case "$step" in
  load)
    read -r p0 n0 <<< "$(counted)"
    say "-- load: ${DURATION} s, every request a new attempt id, ~10 % resends"
    run_wrk "$DURATION" "load$RANDOM"
    read -r p1 n1 <<< "$(counted)"
    accepted=$(sed -nE 's/^RESULT accepted=([0-9]+).*/\1/p' "$work/wrk.txt")
    distinct=$(sed -nE 's/^RESULT .*distinct=([0-9]+).*/\1/p' "$work/wrk.txt")
    # wrk stops without reading the answers in flight (up to one per connection): those
    # attempts are stored and counted, so the count lies between the accepted answers and
    # the distinct ids sent.
    say "  counted: +$((p1 - p0)) participants, +$((n1 - n0)) participations; accepted answers $accepted, distinct ids sent $distinct"
    [ "$((n1 - n0))" -ge "$accepted" ] && [ "$((n1 - n0))" -le "$distinct" ] || { say "  COUNT MISMATCH"; exit 1; }
    recount
    ;;
  faults)
    say "-- fault 1: SIGKILL of the collector a third into $FAULT_COUNT attempts, restarted 1 s later"
    read -r p0 n0 <<< "$(counted)"
    run=k9$RANDOM
    "$RESEND" "$ADDRESS" "$run" "$FAULT_COUNT" 32 > "$work/resend.txt" &
    client=$!
    mid_load "$run"; kill -9 "$cpid"; wait "$cpid" 2>/dev/null || true; cpid=""
    say "  killed at $(rows "SELECT count(*) FROM attempts WHERE id LIKE '$run-%'") attempts stored"
    sleep 1; start_collector
    wait "$client"; say "  $(cat "$work/resend.txt")"
    read -r p1 n1 <<< "$(counted)"
    say "  counted: +$((p1 - p0)) participants, +$((n1 - n0)) participations (expected +$(((FAULT_COUNT + 1) / 2)), +$FAULT_COUNT)"
    [ "$((n1 - n0))" = "$FAULT_COUNT" ] && [ "$((p1 - p0))" = "$(((FAULT_COUNT + 1) / 2))" ] || { say "  COUNT MISMATCH"; exit 1; }
    recount

    say "-- fault 2: PostgreSQL restarted (pg_ctl restart -m fast) a third into $FAULT_COUNT attempts"
    read -r p0 n0 <<< "$(counted)"
    run2=pg$RANDOM
    "$RESEND" "$ADDRESS" "$run2" "$FAULT_COUNT" 32 > "$work/resend2.txt" &
    client=$!
    mid_load "$run2"; say "  restarting PostgreSQL at $(rows "SELECT count(*) FROM attempts WHERE id LIKE '$run2-%'") attempts stored"
    pg_temp_ctl restart -m fast -w >/dev/null
    wait "$client"; say "  $(cat "$work/resend2.txt")"
    read -r p1 n1 <<< "$(counted)"
    say "  counted: +$((p1 - p0)) participants, +$((n1 - n0)) participations (expected +$(((FAULT_COUNT + 1) / 2)), +$FAULT_COUNT)"
    [ "$((n1 - n0))" = "$FAULT_COUNT" ] && [ "$((p1 - p0))" = "$(((FAULT_COUNT + 1) / 2))" ] || { say "  COUNT MISMATCH"; exit 1; }
    recount

    say "-- fault 3: a client resends all $FAULT_COUNT attempts of fault 1"
    read -r p0 n0 <<< "$(counted)"
    "$RESEND" "$ADDRESS" "$run" "$FAULT_COUNT" 32 > "$work/resend3.txt"
    say "  $(cat "$work/resend3.txt")"
    read -r p1 n1 <<< "$(counted)"
    say "  counted: +$((p1 - p0)) participants, +$((n1 - n0)) participations (expected +0, +0)"
    [ "$n1" = "$n0" ] && [ "$p1" = "$p0" ] || { say "  COUNT MISMATCH"; exit 1; }
    recount
    ;;
  storage)
    read -r _ n <<< "$(counted)"
    while [ "$n" -lt "$STORAGE_ATTEMPTS" ]; do
      left=$(( (STORAGE_ATTEMPTS - n) / 4000 + 5 ))
      say "-- storage: $n attempts stored, topping up for ${left} s"
      run_wrk "$left" "fill$RANDOM"
      read -r _ n <<< "$(counted)"
    done
    recount
    rows "VACUUM ANALYZE" >/dev/null
    read -r attempts people <<< "$(rows "SELECT (SELECT count(*) FROM attempts), (SELECT count(*) FROM participants)" | tr '|' ' ')"
    size() { rows "SELECT coalesce(sum(pg_total_relation_size(inhrelid)), 0) FROM pg_inherits WHERE inhparent = '$1'::regclass"; }
    a_bytes=$(size attempts); p_bytes=$(size participants)
    c_bytes=$(rows "SELECT pg_total_relation_size('region_counters')")
    db_bytes=$(rows "SELECT pg_database_size(current_database())")
    say "-- storage at $attempts attempts, $people participants (tables with their indexes, after VACUUM)"
    say "  attempts:     $a_bytes bytes, $((a_bytes / attempts)) per attempt"
    say "  participants: $p_bytes bytes, $((p_bytes / people)) per participant"
    say "  counters:     $c_bytes bytes ($(rows 'SELECT count(*) FROM region_counters') rows)"
    say "  database:     $db_bytes bytes"
    ;;
  *) echo "unknown step $step (load, faults, storage)" >&2; exit 2 ;;
  esac
done
say "results in $OUT"
