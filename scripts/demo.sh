#!/usr/bin/env bash
# What `make demo` runs: a hub and three nodes on loopback with simulated calls and a live table of
# every extension and lamp, until Ctrl-C (DURATION=SECONDS for a bounded run that ends with a
# consistency check). While it runs, each node's API answers on 127.0.0.1:8088-8090 (or free ports
# when those are taken; the demo prints them), e.g. `build/release/pinana hints`.
set -euo pipefail
cd "$(dirname "$0")/.."
args=()
if [ -n "${DURATION:-}" ]; then args+=(--duration "$DURATION"); fi
exec ./build/release/pinana demo "${args[@]}"
