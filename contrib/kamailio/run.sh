#!/usr/bin/env bash
# run.sh: starts and stops Kamailio 5.6 as pinana's presence server (pinana-presence.cfg beside
# this file) on 127.0.0.1, for tests, benchmarks and trials. Everything it starts lives in WORKDIR:
# Kamailio's runtime dir and log, and in POSTGRES mode an own PostgreSQL cluster (initdb, on a
# free port of 127.0.0.1 and a unix socket in WORKDIR). It never touches Debian's system services.
#
#   run.sh start MODE PORT WORKDIR [WORKERS]
#       MODE: memory | postgres. PORT: the UDP port on 127.0.0.1. WORKERS: UDP workers (2).
#       Waits until Kamailio answers OPTIONS with 200 (bounded), prints Kamailio's main pid on
#       stdout, exits 0. If this WORKDIR's Kamailio already runs, prints its pid and exits 0.
#       In postgres mode an existing cluster in WORKDIR is reused, with its data (so
#       publications and subscriptions survive a stop/start).
#   run.sh stop WORKDIR
#       Stops Kamailio (SIGTERM to its process group, SIGKILL after 10 s) and PostgreSQL
#       (pg_ctl stop -m fast). Exits 0 when nothing of WORKDIR's runs any more.
#   run.sh restart WORKDIR
#       Stops and starts Kamailio only, with the mode, port and workers of the last start (the
#       database keeps running). Prints the new main pid.
#
# Environment:
#   KAMAILIO_SHM_MB      shared memory in MB (default 256)
#   KAMAILIO_PKG_MB      private memory per process in MB (default 16)
#   KAMAILIO_DEFINES     extra config defines, space-separated, each passed as -A (for example
#                        "CLEAN_PERIOD=5 STATELESS WITH_DEBUG"; see the config's header)
#   KAMAILIO_START_TIMEOUT  seconds to wait for the OPTIONS answer (default 15)
#   DMQ_PEER             a cluster of presence servers (docs/kamailio-dmq.md): the DMQ address
#                        of another server, sip:127.0.0.1:PORT (loopback only). Set, the config
#                        is started WITH_DMQ: publications are replicated to the peers. Start
#                        the first server with the second's address and the second with the
#                        first's (the order does not matter; each announces itself to the other).
#   DMQ_PORT             with DMQ_PEER: an own UDP port on 127.0.0.1 for the KDMQ traffic
#                        (default: none, KDMQ shares PORT, and this server's DMQ address is
#                        sip:127.0.0.1:PORT)
#                        restart reuses the DMQ settings of the last start.
# Runs as root (CI is root): Kamailio drops to the `kamailio` user and PostgreSQL runs as
# `postgres`, so WORKDIR is made traversable (o+x) and its subdirectories are chowned to them.
# Exit codes: 0 ok; 1 failure (the reason and the log's tail on stderr); 2 usage.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CFG="$HERE/pinana-presence.cfg"
KAMAILIO="${KAMAILIO:-kamailio}"
PG_BIN="${PG_BIN:-}"
SQL_DIR="${KAMAILIO_SQL_DIR:-/usr/share/kamailio/postgres}"

die() { echo "run.sh: $*" >&2; exit 1; }
usage() {
  echo "usage: run.sh start memory|postgres PORT WORKDIR [WORKERS] | stop WORKDIR | restart WORKDIR" >&2
  exit 2
}

alive() { [[ -n "${1:-}" ]] && kill -0 "$1" 2>/dev/null; }

find_pg_bin() {
  if [[ -z "$PG_BIN" ]]; then
    PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
  fi
  [[ -x "$PG_BIN/initdb" && -x "$PG_BIN/pg_ctl" ]] ||
    die "PostgreSQL server binaries not found (apt-get install postgresql)"
}

as_pg() { runuser -u postgres -- "$@"; }

free_tcp_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# Sends OPTIONS to 127.0.0.1:$1 until a 200 comes back or $2 seconds pass; exit 0 on a 200.
probe_options() {
  python3 - "$1" "$2" <<'EOF'
import socket, sys, time, random
port, budget = int(sys.argv[1]), float(sys.argv[2])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
me = s.getsockname()[1]
deadline = time.monotonic() + budget
while time.monotonic() < deadline:
    branch = "z9hG4bKprobe%08x" % random.getrandbits(32)
    msg = ("OPTIONS sip:127.0.0.1:%d SIP/2.0\r\n"
           "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=%s;rport\r\n"
           "Max-Forwards: 70\r\nFrom: <sip:probe@127.0.0.1>;tag=p%d\r\n"
           "To: <sip:127.0.0.1:%d>\r\nCall-ID: %s@127.0.0.1\r\nCSeq: 1 OPTIONS\r\n"
           "Content-Length: 0\r\n\r\n" % (port, me, branch, me, port, branch)).encode()
    s.sendto(msg, ("127.0.0.1", port))
    s.settimeout(0.3)
    try:
        while True:
            data = s.recv(65535)
            if branch.encode() in data and data.startswith(b"SIP/2.0 200"):
                sys.exit(0)
    except (socket.timeout, ConnectionRefusedError):
        pass
    time.sleep(0.1)
sys.exit(1)
EOF
}

# ---- PostgreSQL ---------------------------------------------------------------------------

pg_running() {
  local pidfile="$1/pg/data/postmaster.pid"
  [[ -f "$pidfile" ]] && alive "$(head -1 "$pidfile")"
}

pg_start() {
  local work="$1" pg="$1/pg"
  find_pg_bin
  id postgres >/dev/null 2>&1 || die "system user 'postgres' missing (apt-get install postgresql)"
  mkdir -p "$pg/sock"
  chown postgres:postgres "$pg" "$pg/sock"
  chmod 700 "$pg"
  if pg_running "$work"; then
    return 0
  fi
  if [[ ! -f "$pg/data/PG_VERSION" ]]; then
    rm -rf "$pg/data"
    as_pg "$PG_BIN/initdb" -D "$pg/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
      >"$pg/initdb.log" 2>&1 || { tail -20 "$pg/initdb.log" >&2; die "initdb failed"; }
  fi
  local port tries=0
  while :; do
    port="$(free_tcp_port)"
    # fsync off: a throw-away cluster for tests and benchmarks (the database is not the object
    # of the measurement, and commits must not wait for a shared disk).
    if as_pg "$PG_BIN/pg_ctl" -D "$pg/data" -l "$pg/postgres.log" -w -t 30 start \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $pg/sock -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      >"$pg/pg_ctl.log" 2>&1; then
      break
    fi
    tries=$((tries + 1))
    if ((tries >= 3)); then
      tail -20 "$pg/postgres.log" >&2 || true
      die "PostgreSQL did not start"
    fi
  done
  echo "$port" >"$pg/port"
  local psql=("$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$pg/sock" -p "$port" -U postgres)
  if ! as_pg "${psql[@]}" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='kamailio'" |
    grep -q 1; then
    as_pg "${psql[@]}" -d postgres -c "CREATE ROLE kamailio LOGIN PASSWORD 'kamailio'" \
      >/dev/null 2>&1 || true
    as_pg "${psql[@]}" -d postgres -c "CREATE DATABASE kamailio OWNER kamailio" >/dev/null ||
      die "CREATE DATABASE failed"
    local f
    for f in standard-create.sql presence-create.sql; do
      [[ -f "$SQL_DIR/$f" ]] || die "$SQL_DIR/$f missing (apt-get install kamailio-postgres-modules)"
      as_pg "${psql[@]}" -U kamailio -d kamailio -f "$SQL_DIR/$f" >"$pg/schema.log" 2>&1 ||
        { cat "$pg/schema.log" >&2; die "loading $f failed"; }
    done
  fi
}

pg_stop() {
  local work="$1" pg="$1/pg"
  [[ -d "$pg/data" ]] || return 0
  if pg_running "$work"; then
    find_pg_bin
    as_pg "$PG_BIN/pg_ctl" -D "$pg/data" -w -t 20 stop -m fast >/dev/null 2>&1 || true
    if pg_running "$work"; then
      kill -KILL "$(head -1 "$pg/data/postmaster.pid")" 2>/dev/null || true
    fi
  fi
}

# ---- Kamailio -----------------------------------------------------------------------------

kam_pid() { [[ -f "$1/kamailio.pid" ]] && cat "$1/kamailio.pid" || true; }

kam_start() {
  local mode="$1" port="$2" work="$3" workers="$4"
  local pid
  pid="$(kam_pid "$work")"
  if alive "$pid"; then
    probe_options "$port" 5 || die "Kamailio $pid of $work runs but does not answer on $port"
    echo "$pid"
    return 0
  fi
  command -v "$KAMAILIO" >/dev/null || die "kamailio not installed (apt-get install kamailio kamailio-presence-modules)"
  [[ -f "$CFG" ]] || die "$CFG missing"
  local run="$work/kamailio-run"
  mkdir -p "$run"
  local user=()
  if [[ "$(id -u)" == 0 ]] && id kamailio >/dev/null 2>&1; then
    chown kamailio:kamailio "$run"
    user=(-u kamailio -g kamailio)
  fi
  local defs=(-A "${mode^^}" -A "LISTEN=udp:127.0.0.1:$port"
    -A "SERVER_ADDR=\"sip:127.0.0.1:$port\"" -A "WORKERS=$workers")
  if [[ "$mode" == postgres ]]; then
    defs+=(-A "DBURL=\"postgres://kamailio:kamailio@127.0.0.1:$(cat "$work/pg/port")/kamailio\"")
  fi
  local d
  for d in ${KAMAILIO_DEFINES:-}; do defs+=(-A "$d"); done
  printf '%s\n' "$mode" "$port" "$workers" >"$work/params"
  if [[ -n "${DMQ_PEER:-}" ]]; then
    defs+=(-A WITH_DMQ -A "DMQ_PEER=\"$DMQ_PEER\"")
    if [[ -n "${DMQ_PORT:-}" ]]; then
      defs+=(-A "DMQ_LISTEN=udp:127.0.0.1:$DMQ_PORT" -A "DMQ_ADDR=\"sip:127.0.0.1:$DMQ_PORT\"")
    else
      defs+=(-A "DMQ_ADDR=\"sip:127.0.0.1:$port\"")
    fi
    printf 'DMQ_PEER=%s\nDMQ_PORT=%s\n' "$DMQ_PEER" "${DMQ_PORT:-}" >"$work/dmq"
  else
    rm -f "$work/dmq"
  fi
  # -DD: the main process stays in the foreground of its own session (setsid), so $! is the
  # main pid and its process group holds every Kamailio process; -E: log to the log file.
  setsid "$KAMAILIO" -f "$CFG" "${defs[@]}" -DD -E -m "${KAMAILIO_SHM_MB:-256}" \
    -M "${KAMAILIO_PKG_MB:-16}" -Y "$run" "${user[@]}" </dev/null >>"$work/kamailio.log" 2>&1 &
  pid=$!
  echo "$pid" >"$work/kamailio.pid"
  local budget="${KAMAILIO_START_TIMEOUT:-15}"
  local deadline=$((SECONDS + budget))
  while ((SECONDS < deadline)); do
    if ! alive "$pid"; then
      tail -25 "$work/kamailio.log" >&2
      rm -f "$work/kamailio.pid"
      die "Kamailio exited during start-up (log: $work/kamailio.log)"
    fi
    if probe_options "$port" 1; then
      echo "$pid"
      return 0
    fi
  done
  tail -25 "$work/kamailio.log" >&2
  kam_stop "$work"
  die "Kamailio did not answer OPTIONS on 127.0.0.1:$port within ${budget}s"
}

kam_stop() {
  local work="$1" pid i
  pid="$(kam_pid "$work")"
  if alive "$pid"; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
      alive "$pid" || break
      sleep 0.1
    done
    if alive "$pid"; then
      kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    fi
    for ((i = 0; i < 50; i++)); do
      alive "$pid" || break
      sleep 0.1
    done
    # children left in the group (a killed main leaves them): the group is Kamailio's alone
    kill -KILL -- "-$pid" 2>/dev/null || true
  fi
  rm -f "$work/kamailio.pid"
}

# DMQ_PEER and DMQ_PORT from the environment, checked: loopback only.
check_dmq() {
  if [[ -n "${DMQ_PEER:-}" ]]; then
    [[ "$DMQ_PEER" =~ ^sip:127\.0\.0\.1:[0-9]+$ ]] ||
      die "bad DMQ_PEER: $DMQ_PEER (sip:127.0.0.1:PORT, loopback only)"
    if [[ -n "${DMQ_PORT:-}" ]]; then
      [[ "$DMQ_PORT" =~ ^[0-9]+$ ]] && ((DMQ_PORT > 0 && DMQ_PORT < 65536)) ||
        die "bad DMQ_PORT: $DMQ_PORT"
    fi
  elif [[ -n "${DMQ_PORT:-}" ]]; then
    die "DMQ_PORT without DMQ_PEER"
  fi
}

# ---- commands -----------------------------------------------------------------------------

cmd="${1:-}"
case "$cmd" in
start)
  [[ $# -ge 4 && $# -le 5 ]] || usage
  mode="${2,,}"
  port="$3"
  work="$4"
  workers="${5:-2}"
  [[ "$mode" == memory || "$mode" == postgres ]] || usage
  [[ "$port" =~ ^[0-9]+$ ]] && ((port > 0 && port < 65536)) || die "bad port: $port"
  [[ "$workers" =~ ^[0-9]+$ ]] && ((workers >= 1 && workers <= 64)) || die "bad workers: $workers"
  check_dmq
  mkdir -p "$work"
  work="$(cd "$work" && pwd)"
  chmod o+x "$work"
  if [[ "$mode" == postgres ]]; then
    command -v runuser >/dev/null || die "runuser (util-linux) missing"
    [[ "$(id -u)" == 0 ]] || die "postgres mode needs root (to run PostgreSQL as user postgres)"
    pg_start "$work"
  fi
  kam_start "$mode" "$port" "$work" "$workers"
  ;;
stop)
  [[ $# -eq 2 ]] || usage
  work="$2"
  [[ -d "$work" ]] || exit 0
  kam_stop "$work"
  pg_stop "$work"
  ;;
restart)
  [[ $# -eq 2 ]] || usage
  work="$(cd "$2" && pwd)"
  [[ -f "$work/params" ]] || die "$work was never started"
  { read -r mode; read -r port; read -r workers; } <"$work/params"
  DMQ_PEER=""
  DMQ_PORT=""
  if [[ -f "$work/dmq" ]]; then
    DMQ_PEER="$(sed -n 's/^DMQ_PEER=//p' "$work/dmq")"
    DMQ_PORT="$(sed -n 's/^DMQ_PORT=//p' "$work/dmq")"
  fi
  check_dmq
  kam_stop "$work"
  if [[ "$mode" == postgres ]]; then pg_start "$work"; fi
  kam_start "$mode" "$port" "$work" "$workers"
  ;;
*) usage ;;
esac
