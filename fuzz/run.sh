#!/usr/bin/env bash
# Builds one libFuzzer target with the 'fuzz' preset (clang, ASan+UBSan) into build/fuzz and runs it.
#
#   fuzz/run.sh TARGET SECONDS [extra libFuzzer flags...]
#
# TARGET: sip_message_fuzz, sip_uri_fuzz, hub_request_fuzz, or a package parser target
# (pidf_fuzz, dialog_info_fuzz, message_summary_fuzz, asterisk_devicestate_fuzz,
# asterisk_mwi_fuzz). The run works on a copy of the committed seed corpus in
# build/fuzz/corpus-TARGET (new inputs land there, not in the repository), writes crash, leak and
# timeout inputs to build/fuzz/artifacts/, and exits non-zero when it found one.
set -euo pipefail

usage() {
  echo "usage: $0 TARGET SECONDS [libFuzzer flags...]" >&2
  exit 2
}
[[ $# -ge 2 ]] || usage
target=$1
seconds=$2
shift 2
[[ $seconds =~ ^[0-9]+$ ]] || usage

root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build/fuzz
# Where each target's binary (under build/fuzz) and seed corpus (under fuzz/) live, its
# dictionaries and input size limit.
max_len=8192
dicts=()
case $target in
  sip_message_fuzz) dir=fuzz seeds=fuzz/corpus/sip_message dicts=(fuzz/sip.dict) ;;
  sip_uri_fuzz) dir=fuzz seeds=fuzz/corpus/sip_uri dicts=(fuzz/sip.dict) ;;
  hub_request_fuzz)
    dir=fuzz/hub seeds=fuzz/hub/corpus/hub_request dicts=(fuzz/sip.dict fuzz/hub/hub.dict)
    max_len=16384
    ;;
  pidf_fuzz | dialog_info_fuzz | message_summary_fuzz | asterisk_devicestate_fuzz | asterisk_mwi_fuzz)
    dir=fuzz/packages seeds=fuzz/packages/corpus/${target%_fuzz}
    ;;
  *) usage ;;
esac

cd "$root"
[[ -f $build/CMakeCache.txt ]] || cmake --preset fuzz
cmake --build "$build" --target "$target" -j 2

work=$build/corpus-$target
artifacts=$build/artifacts
mkdir -p "$work" "$artifacts"
# Seed the working corpus; inputs already there from earlier runs are kept.
cp -n "$root/$seeds"/* "$work"/
dict_flag=()
if [[ ${#dicts[@]} -gt 0 ]]; then
  dict=$build/$target.dict
  (cd "$root" && cat "${dicts[@]}") > "$dict"
  dict_flag=(-dict="$dict")
fi

# UBSan only stops the run (so libFuzzer reports a crash) when told to halt.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:abort_on_error=1:print_stacktrace=1}

rc=0
"$build/$dir/$target" \
  -max_total_time="$seconds" \
  -max_len="$max_len" \
  -timeout=30 \
  "${dict_flag[@]}" \
  -artifact_prefix="$artifacts/" \
  -print_final_stats=1 \
  "$@" "$work" || rc=$?
if [[ $rc -ne 0 ]]; then
  echo "$target: libFuzzer exited $rc; artifacts in $artifacts:" >&2
  ls -l "$artifacts" >&2 || true
fi
exit "$rc"
