# A throw-away PostgreSQL cluster in a temp folder (initdb + pg_ctl, Debian's postgresql-15),
# for scripts/collector and bench/. Source it, then:
#   pg_temp_start     creates and starts one; sets PG_TEMP_DIR, PG_TEMP_PORT and DATABASE_URL
#   pg_temp_ctl ARGS  runs pg_ctl on it (e.g. "restart -m fast")
#   pg_temp_stop      stops it and deletes the folder
# PostgreSQL refuses to run as root, so as root the cluster belongs to the postgres user.

pg_temp_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -n "$dir" ] || { echo "PostgreSQL is not installed (scripts/setup installs it)" >&2; return 1; }
  echo "$dir"
}

pg_temp_as() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_temp_free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 30000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
}

pg_temp_start() {
  local bin
  bin=$(pg_temp_bin) || return 1
  PG_TEMP_DIR=$(mktemp -d "${TMPDIR:-/tmp}/kepu-pg.XXXXXX")
  PG_TEMP_PORT=${PG_TEMP_PORT:-$(pg_temp_free_port)}
  [ "$(id -u)" = 0 ] && chown postgres: "$PG_TEMP_DIR"
  pg_temp_as "$bin/initdb" -D "$PG_TEMP_DIR/data" -U kepu --auth=trust --encoding=UTF8 --locale=C >/dev/null
  pg_temp_ctl start -w -t 60 >/dev/null
  pg_temp_as "$bin/createdb" -h 127.0.0.1 -p "$PG_TEMP_PORT" -U kepu kepu
  DATABASE_URL="postgres://kepu@127.0.0.1:$PG_TEMP_PORT/kepu"
  export PG_TEMP_DIR PG_TEMP_PORT DATABASE_URL
}

pg_temp_ctl() {
  local bin
  bin=$(pg_temp_bin) || return 1
  pg_temp_as "$bin/pg_ctl" -D "$PG_TEMP_DIR/data" -l "$PG_TEMP_DIR/log" \
    -o "-p $PG_TEMP_PORT -k $PG_TEMP_DIR -c listen_addresses=127.0.0.1 ${PG_TEMP_OPTIONS:-}" "$@"
}

pg_temp_stop() {
  [ -n "${PG_TEMP_DIR:-}" ] && [ -d "$PG_TEMP_DIR" ] || return 0
  pg_temp_ctl stop -m fast >/dev/null 2>&1 || true
  rm -rf "$PG_TEMP_DIR"
}
