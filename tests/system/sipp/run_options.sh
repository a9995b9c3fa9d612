#!/usr/bin/env bash
# System test: sipp_options_server (pinana's UDP and TCP transports) driven by SIPp on 127.0.0.1.
#   run_options.sh SERVER_BINARY SCENARIO_DIR
# OPTIONS over UDP and over TCP must each get 200 (with rport filled), and INFO must get 501.
# Exits 0 only if every SIPp run passed; prints one line per run and a closing count.
set -u
server_bin=${1:?server binary}
scenarios=${2:?scenario directory}
command -v sipp >/dev/null || { echo "sipp is not installed (Debian package sip-tester)"; exit 1; }

work=$(mktemp -d)
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

"$server_bin" --address 127.0.0.1 --seconds 100 >"$work/server.out" 2>"$work/server.err" &
server_pid=$!
for _ in $(seq 1 100); do
  grep -q '^ready' "$work/server.out" 2>/dev/null && break
  sleep 0.05
done
grep -q '^ready' "$work/server.out" || { echo "server did not start"; cat "$work/server.err"; exit 1; }
udp_port=$(awk '$1 == "udp" {print $2}' "$work/server.out")
tcp_port=$(awk '$1 == "tcp" {print $2}' "$work/server.out")
read -r _ uac_port_1 uac_port_2 control_port < <(grep '^free' "$work/server.out")

passed=0
failed=0
run() {  # name transport server_port local_port scenario
  local name=$1 transport=$2 port=$3 local_port=$4 scenario=$5
  (cd "$work" && timeout 40 sipp "127.0.0.1:$port" -sf "$scenarios/$scenario" -i 127.0.0.1 \
     -p "$local_port" -cp "$control_port" -t "$transport" -m 3 -r 10 -nostdin \
     -timeout 20 -timeout_error -trace_err -error_file "$work/$name.err" >"$work/$name.out" 2>&1)
  local rc=$?
  if [ "$rc" -eq 0 ]; then
    echo "PASS $name"
    passed=$((passed + 1))
  else
    echo "FAIL $name (sipp exit $rc)"
    tail -n 20 "$work/$name.err" "$work/$name.out" 2>/dev/null
    failed=$((failed + 1))
  fi
}

run options_udp u1 "$udp_port" "$uac_port_1" uac_options.xml
run unknown_udp u1 "$udp_port" "$uac_port_1" uac_unknown.xml
run options_tcp t1 "$tcp_port" "$uac_port_2" uac_options.xml
run unknown_tcp t1 "$tcp_port" "$uac_port_2" uac_unknown.xml

if ! kill -0 "$server_pid" 2>/dev/null; then
  echo "FAIL server died"; failed=$((failed + 1))
fi
[ -s "$work/server.err" ] && { echo "server stderr:"; head -n 20 "$work/server.err"; }
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
