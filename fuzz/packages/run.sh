#!/usr/bin/env bash
# Builds one event-package libFuzzer target with the 'fuzz' preset (clang, ASan+UBSan) into
# build/fuzz and runs it, as fuzz/run.sh does for the SIP targets.
#
#   fuzz/packages/run.sh NAME SECONDS [extra libFuzzer flags...]
#
# NAME is pidf, dialog_info, message_summary, asterisk_devicestate or asterisk_mwi (target
# NAME_fuzz, seed corpus fuzz/packages/corpus/NAME). New inputs go to build/fuzz/corpus-NAME_fuzz,
# crash, leak and timeout inputs to build/fuzz/artifacts/; exits non-zero when it found one.
# Needs `add_subdirectory(packages)` in fuzz/CMakeLists.txt.
set -euo pipefail

usage() {
  echo "usage: $0 {pidf|dialog_info|message_summary|asterisk_devicestate|asterisk_mwi} SECONDS [libFuzzer flags...]" >&2
  exit 2
}
[[ $# -ge 2 ]] || usage
name=$1
seconds=$2
shift 2
[[ $seconds =~ ^[0-9]+$ ]] || usage
case $name in
  pidf | dialog_info | message_summary | asterisk_devicestate | asterisk_mwi) ;;
  *) usage ;;
esac
target=${name}_fuzz

root=$(cd "$(dirname "$0")/../.." && pwd)
build=$root/build/fuzz
cd "$root"
[[ -f $build/CMakeCache.txt ]] || cmake --preset fuzz
cmake --build "$build" --target "$target" -j 2

work=$build/corpus-$target
artifacts=$build/artifacts
mkdir -p "$work" "$artifacts"
cp -n "$root/fuzz/packages/corpus/$name"/* "$work"/

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:abort_on_error=1:print_stacktrace=1}

rc=0
"$build/fuzz/packages/$target" \
  -max_total_time="$seconds" \
  -max_len=8192 \
  -timeout=30 \
  -artifact_prefix="$artifacts/" \
  -print_final_stats=1 \
  "$@" "$work" || rc=$?
if [[ $rc -ne 0 ]]; then
  echo "$target: libFuzzer exited $rc; artifacts in $artifacts:" >&2
  ls -l "$artifacts" >&2 || true
fi
exit "$rc"
