#!/usr/bin/env bash
# Builds hub_request_fuzz with the 'fuzz' preset (clang, ASan+UBSan) into build/fuzz and runs it,
# as fuzz/run.sh does for the SIP targets.
#
#   fuzz/hub/run.sh SECONDS [extra libFuzzer flags...]
#
# The run works on a copy of the committed seed corpus in build/fuzz/corpus-hub_request (new
# inputs land there, not in fuzz/hub/corpus/), uses fuzz/sip.dict plus fuzz/hub/hub.dict, writes
# crash, leak and timeout inputs to build/fuzz/artifacts/, and exits non-zero when it found one.
set -euo pipefail

usage() {
  echo "usage: $0 SECONDS [libFuzzer flags...]" >&2
  exit 2
}
[[ $# -ge 1 ]] || usage
seconds=$1
shift
[[ $seconds =~ ^[0-9]+$ ]] || usage
target=hub_request_fuzz

root=$(cd "$(dirname "$0")/../.." && pwd)
build=$root/build/fuzz
cd "$root"
[[ -f $build/CMakeCache.txt ]] || cmake --preset fuzz
cmake --build "$build" --target "$target" -j 2

work=$build/corpus-hub_request
artifacts=$build/artifacts
dict=$build/hub_request.dict
mkdir -p "$work" "$artifacts"
# Seed the working corpus; inputs already there from earlier runs are kept.
cp -n "$root/fuzz/hub/corpus/hub_request"/* "$work"/
cat "$root/fuzz/sip.dict" "$root/fuzz/hub/hub.dict" > "$dict"

# UBSan only stops the run (so libFuzzer reports a crash) when told to halt.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:abort_on_error=1:print_stacktrace=1}

rc=0
"$build/fuzz/hub/$target" \
  -max_total_time="$seconds" \
  -max_len=16384 \
  -timeout=30 \
  -dict="$dict" \
  -artifact_prefix="$artifacts/" \
  -print_final_stats=1 \
  "$@" "$work" || rc=$?
if [[ $rc -ne 0 ]]; then
  echo "$target: libFuzzer exited $rc; artifacts in $artifacts:" >&2
  ls -l "$artifacts" >&2 || true
fi
exit "$rc"
