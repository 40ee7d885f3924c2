#!/usr/bin/env bash
# The operations of docs/deploy.md tried, not only described, on this machine with Debian's
# packages: a PostgreSQL primary with WAL archived by pgBackRest, a streaming replica made with
# pg_basebackup, pgbouncer in front of the primary; the collector (release, `server` profile)
# writing through pgbouncer and reading the organizer's counts from the replica
# (--read-database-url); wrk for DURATION s (default 20) straight to the primary and then
# through pgbouncer; the replica's counts against the primary's after catch-up, with the lag;
# a pgBackRest full backup restored into a third cluster whose recount must be equal.
# A benchmark, never a CI pass/fail (scripts/test does not call it). Everything lives in a
# temp folder and is removed at the end. Results also go to target/bench-results/ops-<time>.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup ops
export PATH="$HOME/.cargo/bin:/usr/sbin:$PATH"
. scripts/pg-temp.sh

DURATION=${DURATION:-20}
CONNECTIONS=${CONNECTIONS:-32}
BIN=target/server/kepu-collector
cargo build --profile server -p kepu-collector --bins --examples
mkdir -p target/bench-results
OUT=target/bench-results/ops-$(date -u +%Y%m%dT%H%M%SZ).txt
say() { printf '%s\n' "$*" | tee -a "$OUT"; }
PGBIN=$(pg_temp_bin)

work=$(mktemp -d "${TMPDIR:-/tmp}/kepu-ops.XXXXXX")
[ "$(id -u)" = 0 ] && chown postgres: "$work"
pids=()
clusters=()
cleanup() {
  pgbouncer_stop 2>/dev/null || true
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; done
  for dir in "${clusters[@]}"; do pg_temp_as "$PGBIN/pg_ctl" -D "$dir" stop -m immediate >/dev/null 2>&1 || true; done
  pg_temp_stop
  rm -rf "$work"
}
trap cleanup EXIT

# Runs a command as the clusters' owner, in the work folder.
as_pg() { (cd "$work" && pg_temp_as "$@"); }
sql() { psql "$1" -v ON_ERROR_STOP=1 -Atc "$2"; }
# Starts a cluster of data folder $1 on port $2 (a socket in the work folder), extra settings after.
start_cluster() {
  local dir=$1 port=$2
  shift 2
  as_pg "$PGBIN/pg_ctl" -D "$dir" -l "$dir.log" -w -t 120 \
    -o "-p $port -k $work -c listen_addresses=127.0.0.1 $*" start >/dev/null
  clusters+=("$dir")
}
ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
# "attempts participants participations" of a database: the tables and the counters.
tallies() {
  sql "$1" "SELECT (SELECT count(*) FROM attempts) || ' ' || (SELECT count(*) FROM participants) || ' ' || (SELECT coalesce(sum(participations), 0) FROM region_counters)"
}

# -- The primary, archiving its WAL with pgBackRest.
pg_temp_start
PRIMARY=$DATABASE_URL
cat > "$work/pgbackrest.conf" <<EOF
[global]
repo1-path=$work/repo
repo1-retention-full=1
log-path=$work/pgbackrest-log
lock-path=$work/pgbackrest-lock
spool-path=$work/pgbackrest-spool
start-fast=y
compress-type=lz4
log-level-console=warn
[kepu]
pg1-path=$PG_TEMP_DIR/data
pg1-port=$PG_TEMP_PORT
pg1-socket-path=$PG_TEMP_DIR
pg1-user=kepu
EOF
mkdir -p "$work/repo" "$work/pgbackrest-log" "$work/pgbackrest-lock" "$work/pgbackrest-spool"
[ "$(id -u)" = 0 ] && chown -R postgres: "$work"
PGBR=(pgbackrest --config="$work/pgbackrest.conf" --stanza=kepu)
sql "$PRIMARY" "ALTER SYSTEM SET archive_mode = on" >/dev/null
sql "$PRIMARY" "ALTER SYSTEM SET archive_command = 'pgbackrest --config=$work/pgbackrest.conf --stanza=kepu archive-push %p'" >/dev/null
pg_temp_ctl restart -w -t 120 >/dev/null
as_pg "${PGBR[@]}" stanza-create
as_pg "${PGBR[@]}" check
say "== operations trial, $(date -u +%FT%TZ), $(nproc) cores, PostgreSQL $(sql "$PRIMARY" 'SHOW server_version'), $(pgbouncer --version | head -1), $(pgbackrest version)"

# -- The collector's schema, then a streaming replica of it.
export KEPU_ORGANIZER_TOKEN=ops-token
target/server/examples/sample-attempt questions kepu-demo > "$work/body.json"
# Starts the collector; status 1 (its log in $work/collector.log) when it does not come up.
try_collector() { # listen-port database-url [more flags]
  local port=$1 url=$2
  shift 2
  "$BIN" --listen "127.0.0.1:$port" --contests questions --database-url "$url" "$@" >> "$work/collector.log" 2>&1 &
  cpid=$!
  pids+=("$cpid")
  for _ in $(seq 600); do
    curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && return 0
    kill -0 "$cpid" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}
collector() {
  try_collector "$@" || { echo "the collector did not start" >&2; cat "$work/collector.log" >&2; exit 1; }
}
stop_collector() { kill -TERM "$cpid"; wait "$cpid" 2>/dev/null || true; }
CPORT=$(pg_temp_free_port)
collector "$CPORT" "$PRIMARY"  # migrates the primary
stop_collector
RPORT=$(pg_temp_free_port)
started=$(date +%s%N)
as_pg "$PGBIN/pg_basebackup" -h 127.0.0.1 -p "$PG_TEMP_PORT" -U kepu -D "$work/replica" -R -X stream -c fast
start_cluster "$work/replica" "$RPORT" -c hot_standby=on
REPLICA="postgres://kepu@127.0.0.1:$RPORT/kepu"
say "replica: pg_basebackup and start in $(ms_since "$started") ms; in recovery: $(sql "$REPLICA" 'SELECT pg_is_in_recovery()')"

# -- pgbouncer in front of the primary. Transaction pooling needs pgbouncer 1.21+ for sqlx's
# prepared statements (max_prepared_statements); an older one pools by session.
BPORT=$(pg_temp_free_port)
version=$(pgbouncer --version | sed -nE 's/^(PgBouncer|pgbouncer) ([0-9]+)\.([0-9]+).*/\2 \3/ip' | head -1)
read -r major minor <<< "$version"
if [ "${POOL_MODE:-}" = "" ]; then
  if [ "$major" -gt 1 ] || [ "$minor" -ge 21 ]; then POOL_MODE=transaction; else POOL_MODE=session; fi
fi
pgbouncer_start() { # pool-mode
  cat > "$work/pgbouncer.ini" <<EOF
[databases]
kepu = host=127.0.0.1 port=$PG_TEMP_PORT dbname=kepu user=kepu
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $BPORT
unix_socket_dir =
auth_type = trust
auth_file = $work/userlist.txt
pool_mode = $1
default_pool_size = 16
max_client_conn = 500
ignore_startup_parameters = extra_float_digits,options
logfile = $work/pgbouncer.log
pidfile = $work/pgbouncer.pid
EOF
  if [ "$major" -gt 1 ] || [ "$minor" -ge 21 ]; then echo "max_prepared_statements = 200" >> "$work/pgbouncer.ini"; fi
  echo '"kepu" ""' > "$work/userlist.txt"
  [ "$(id -u)" = 0 ] && chown postgres: "$work/pgbouncer.ini" "$work/userlist.txt"
  as_pg pgbouncer -d "$work/pgbouncer.ini"
  for _ in $(seq 100); do sql "postgres://kepu@127.0.0.1:$BPORT/kepu" "SELECT 1" >/dev/null 2>&1 && return; sleep 0.1; done
  echo "pgbouncer did not start" >&2; cat "$work/pgbouncer.log" >&2; exit 1
}
pgbouncer_stop() {
  [ -f "$work/pgbouncer.pid" ] || return 0
  kill -TERM "$(cat "$work/pgbouncer.pid")"
  for _ in $(seq 100); do [ -f "$work/pgbouncer.pid" ] || return 0; sleep 0.1; done
}
BOUNCER="postgres://kepu@127.0.0.1:$BPORT/kepu"

# Replication lag while wrk runs: the largest replay lag (ms) and WAL bytes behind, sampled
# every 0.2 s from pg_stat_replication.
sample_lag() {
  while :; do
    sql "$PRIMARY" "SELECT coalesce(extract(epoch FROM replay_lag) * 1000, 0)::bigint || ' ' || pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) FROM pg_stat_replication" 2>/dev/null >> "$work/lag.txt" || true
    sleep 0.2
  done
}
run_wrk() { # label port
  : > "$work/lag.txt"
  sample_lag &
  local lag_pid=$!
  KEPU_BODY="$work/body.json" KEPU_RUN="$1$RANDOM" wrk -t2 -c"$CONNECTIONS" -d"$DURATION"s --timeout 10s \
    -s bench/collector-load.lua "http://127.0.0.1:$2" > "$work/wrk-$1.txt"
  kill "$lag_pid"; wait "$lag_pid" 2>/dev/null || true
  say "-- $1: wrk -t2 -c$CONNECTIONS ${DURATION} s"
  grep -E '^(requests|latency)' "$work/wrk-$1.txt" | while read -r line; do say "  $line"; done
  say "  replica lag during the run: max $(sort -n "$work/lag.txt" | tail -1 | cut -d' ' -f1) ms replay lag, max $(sort -n -k2 "$work/lag.txt" | tail -1 | cut -d' ' -f2) bytes of WAL behind"
}

collector "$CPORT" "$PRIMARY" --read-database-url "$REPLICA"
run_wrk direct "$CPORT"
stop_collector
pgbouncer_start "$POOL_MODE"
collector "$CPORT" "$BOUNCER" --read-database-url "$REPLICA"
run_wrk "pgbouncer-$POOL_MODE" "$CPORT"
say "  pgbouncer pool_mode = $POOL_MODE; server connections to the primary now: $(sql "$PRIMARY" "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' AND application_name <> 'psql'")"
if [ "$POOL_MODE" = session ]; then
  # What transaction pooling does to the collector with this pgbouncer: a few seconds of it.
  stop_collector
  pgbouncer_stop
  pgbouncer_start transaction
  : > "$work/collector.log"
  if try_collector "$CPORT" "$BOUNCER" --read-database-url "$REPLICA"; then
    DURATION=5 run_wrk pgbouncer-transaction "$CPORT"
    stop_collector
  else
    kill -TERM "$cpid" 2>/dev/null || true
    say "-- pgbouncer-transaction: the collector cannot start: $(grep -m1 'prepared statement' "$work/collector.log" || tail -1 "$work/collector.log")"
  fi
  say "  (pgbouncer before 1.21 does not carry the collector's prepared statements (sqlx) from one transaction's server connection to the next; 1.21+ does with max_prepared_statements, so this pgbouncer pools by session)"
  pgbouncer_stop
  pgbouncer_start session
  collector "$CPORT" "$BOUNCER" --read-database-url "$REPLICA"
fi

# -- The replica catches up; its counts against the primary's.
started=$(date +%s%N)
target=$(sql "$PRIMARY" "SELECT pg_current_wal_lsn()")
until [ "$(sql "$REPLICA" "SELECT pg_wal_lsn_diff(pg_last_wal_replay_lsn(), '$target') >= 0")" = t ]; do sleep 0.05; done
say "-- replica caught up $(ms_since "$started") ms after the load stopped"
primary_tallies=$(tallies "$PRIMARY")
replica_tallies=$(tallies "$REPLICA")
served=$(curl -sf -H "Authorization: Bearer $KEPU_ORGANIZER_TOKEN" "http://127.0.0.1:$CPORT/v1/contests/kepu-demo/counts?level=province" | sed -E 's/^\{"participants":([0-9]+),"participations":([0-9]+).*/\1 \2/')
say "  attempts participants participations: primary $primary_tallies, replica $replica_tallies; the collector's counts (read from the replica): $served"
[ "$primary_tallies" = "$replica_tallies" ] || { say "  REPLICA DIFFERS"; exit 1; }
[ "$served" = "$(cut -d' ' -f2- <<< "$replica_tallies")" ] || { say "  SERVED COUNTS DIFFER"; exit 1; }
stop_collector

# -- pgBackRest: a full backup, restored into a third cluster, recounted.
started=$(date +%s%N)
as_pg "${PGBR[@]}" --type=full backup
backup_ms=$(ms_since "$started")
as_pg "${PGBR[@]}" info > "$work/info.txt"
say "-- pgBackRest full backup in $backup_ms ms; database $(du -sh "$PG_TEMP_DIR/data" | cut -f1), repository $(du -sh "$work/repo" | cut -f1)"
grep -E 'full backup|database size|database backup size|repo1: backup set size' "$work/info.txt" | sed 's/^ */  /' | while read -r line; do say "  $line"; done
sql "$PRIMARY" "SELECT pg_switch_wal()" >/dev/null
mkdir -p "$work/restored"
[ "$(id -u)" = 0 ] && chown postgres: "$work/restored"
chmod 700 "$work/restored"
started=$(date +%s%N)
as_pg "${PGBR[@]}" --pg1-path="$work/restored" --type=immediate --target-action=promote restore
XPORT=$(pg_temp_free_port)
start_cluster "$work/restored" "$XPORT" -c archive_mode=off
RESTORED="postgres://kepu@127.0.0.1:$XPORT/kepu"
until [ "$(sql "$RESTORED" 'SELECT pg_is_in_recovery()')" = f ]; do sleep 0.1; done
say "-- restored into a third cluster and promoted in $(ms_since "$started") ms"
restored_tallies=$(tallies "$RESTORED")
say "  attempts participants participations: primary $primary_tallies, restored $restored_tallies"
if "$BIN" recount --database-url "$RESTORED" --contest kepu-demo | tee -a "$OUT"; then :; else say "  RECOUNT MISMATCH"; exit 1; fi
[ "$primary_tallies" = "$restored_tallies" ] || { say "  RESTORED DIFFERS"; exit 1; }
say "== done: $OUT"
