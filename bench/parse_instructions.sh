#!/usr/bin/env bash
# Instructions per pinana parse of each parser-benchmark message, counted by callgrind (repeatable
# whatever the load). Needs valgrind and a release build: make build.
set -euo pipefail
bin=${1:-build/release/bench/sip_parse_loop}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for i in 0 1 2; do
  name=$("$bin" "$i" 1 | cut -d' ' -f1)
  valgrind --tool=callgrind --callgrind-out-file="$out/cg.$i" --toggle-collect='parse_loop*' \
    "$bin" "$i" 1000 >/dev/null 2>&1
  total=$(callgrind_annotate "$out/cg.$i" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}')
  echo "$name: $((total / 1001)) instructions per parse"
done
