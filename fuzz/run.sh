#!/usr/bin/env bash
# Builds one libFuzzer target with the 'fuzz' preset (clang, ASan+UBSan) into build/fuzz and runs it.
#
#   fuzz/run.sh TARGET SECONDS [extra libFuzzer flags...]
#
# TARGET is sip_message_fuzz or sip_uri_fuzz. The run works on a copy of the committed seed
# corpus in build/fuzz/corpus-TARGET (new inputs land there, not in fuzz/corpus/), writes crash,
# leak and timeout inputs to build/fuzz/artifacts/, and exits non-zero when it found one.
set -euo pipefail

usage() {
  echo "usage: $0 {sip_message_fuzz|sip_uri_fuzz} SECONDS [libFuzzer flags...]" >&2
  exit 2
}
[[ $# -ge 2 ]] || usage
target=$1
seconds=$2
shift 2
[[ $seconds =~ ^[0-9]+$ ]] || usage
case $target in
  sip_message_fuzz) seeds=sip_message ;;
  sip_uri_fuzz) seeds=sip_uri ;;
  *) usage ;;
esac

root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build/fuzz
cd "$root"
[[ -f $build/CMakeCache.txt ]] || cmake --preset fuzz
cmake --build "$build" --target "$target" -j 2

work=$build/corpus-$target
artifacts=$build/artifacts
mkdir -p "$work" "$artifacts"
# Seed the working corpus; inputs already there from earlier runs are kept.
cp -n "$root/fuzz/corpus/$seeds"/* "$work"/

# UBSan only stops the run (so libFuzzer reports a crash) when told to halt.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:abort_on_error=1:print_stacktrace=1}

rc=0
"$build/fuzz/$target" \
  -max_total_time="$seconds" \
  -max_len=8192 \
  -timeout=30 \
  -dict="$root/fuzz/sip.dict" \
  -artifact_prefix="$artifacts/" \
  -print_final_stats=1 \
  "$@" "$work" || rc=$?
if [[ $rc -ne 0 ]]; then
  echo "$target: libFuzzer exited $rc; artifacts in $artifacts:" >&2
  ls -l "$artifacts" >&2 || true
fi
exit "$rc"
