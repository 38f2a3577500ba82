#!/usr/bin/env bash
# Fuzzing (docs/fuzzing.md): builds the fuzz build in build-fuzz/ (clang, -DJY_FUZZ=ON: the core
# library itself instrumented for libFuzzer, ASan and UBSan, halting on every finding) and runs
# every fuzz target fuzz/fuzz_<name>.c for a bounded time over a copy of its committed corpus
# fuzz/corpus/<name>/ (which it replays first). Fails when any target finds a crash, a leak, a
# timeout or undefined behaviour; the input that did it is saved in build-fuzz/artifacts/<name>/.
#
#   scripts/fuzz.sh [name ...]      every target, or only the named ones (rules, cases, ...)
#
# Environment:
#   FUZZ_SECONDS  seconds per target (default 60)
#   FUZZ_BUDGET   seconds for all targets together (default 420): each target gets
#                 min(FUZZ_SECONDS, FUZZ_BUDGET / number of targets), so new targets keep CI bounded
#   FUZZ_JOBS     targets run at the same time (default 1)
#   FUZZ_SEED     libFuzzer's random seed (default: a new one each run)
#   FUZZ_RUNS     inputs tried per target at most (default 10000; 0 for no limit), besides the time
#   FUZZ_MERGE=1  afterwards, merge the inputs that found new coverage into fuzz/corpus/<name>/
#                 (a greedy set cover, -set_cover_merge=1; commit them to grow the corpora)
#   FUZZ_BUILD    build directory (default build-fuzz)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${FUZZ_BUILD:-build-fuzz}
per=${FUZZ_SECONDS:-60}
budget=${FUZZ_BUDGET:-420}
jobs=${FUZZ_JOBS:-1}
seed=${FUZZ_SEED:-random}
runs=${FUZZ_RUNS:-10000}

command -v clang >/dev/null || { echo "fuzz: clang is not installed (scripts/deps.sh installs it)" >&2; exit 1; }

names=()
if [ $# -gt 0 ]; then
  names=("$@")
else
  for src in fuzz/fuzz_*.c; do
    n=$(basename "$src" .c)
    names+=("${n#fuzz_}")
  done
fi
[ ${#names[@]} -gt 0 ] || { echo "fuzz: no targets" >&2; exit 1; }
for n in "${names[@]}"; do
  [ -f "fuzz/fuzz_$n.c" ] || { echo "fuzz: no target fuzz/fuzz_$n.c" >&2; exit 1; }
done
share=$((budget / ${#names[@]}))
[ "$share" -ge 1 ] || share=1
[ "$per" -le "$share" ] || per=$share

CC=clang cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Debug -DJY_FUZZ=ON -DJY_WERROR=OFF >/dev/null
targets=()
for n in "${names[@]}"; do targets+=("fuzz_$n"); done
mkdir -p "$build/logs"
cmake --build "$build" -j "$(nproc)" --target "${targets[@]}" >"$build/logs/build.log" 2>&1 ||
  { tail -30 "$build/logs/build.log" >&2; echo "fuzz: the fuzz build failed (log $build/logs/build.log)" >&2; exit 1; }

export JY_POLICY_DIR="$PWD/policy"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

# run_one NAME: fuzzes one target; its log is $build/logs/NAME.log; returns the fuzzer's status
run_one() {
  local n=$1 work="$build/corpus/$1" art="$build/artifacts/$1" log="$build/logs/$1.log"
  rm -rf "$work"
  mkdir -p "$work" "$art" "$build/logs"
  [ -d "fuzz/corpus/$n" ] && cp -r "fuzz/corpus/$n/." "$work/"
  local args=(-max_total_time="$per" -timeout=20 -rss_limit_mb=2048
              -artifact_prefix="$art/" -print_final_stats=1)
  [ -f "fuzz/$n.dict" ] && args+=(-dict="fuzz/$n.dict")
  [ "$seed" = random ] || args+=(-seed="$seed")
  [ "$runs" = 0 ] || args+=(-runs="$runs")
  "$build/fuzz_$n" "${args[@]}" "$work" >"$log" 2>&1
}

echo "fuzz: ${#names[@]} targets, ${per}s each, $jobs at a time (artifacts in $build/artifacts/)"
declare -A status
pids=()
for n in "${names[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do sleep 1; done
  run_one "$n" &
  pids+=("$!:$n")
done
failed=0
for pn in "${pids[@]}"; do
  pid=${pn%%:*} n=${pn#*:}
  if wait "$pid"; then status[$n]=ok; else status[$n]=FAILED; failed=1; fi
  stats=$(grep -E '^(stat::number_of_executed_units|stat::new_units_added):' "$build/logs/$n.log" | awk '{print $2}' | paste -sd/ -)
  cov=$(grep -oE 'cov: [0-9]+' "$build/logs/$n.log" | tail -1)
  printf 'fuzz: %-8s %-6s %s runs/new inputs, %s edges (log %s)\n' "$n" "${status[$n]}" "${stats:-?}" "${cov#cov: }" "$build/logs/$n.log"
  if [ "${status[$n]}" != ok ]; then
    grep -m1 -E 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error|SUMMARY' "$build/logs/$n.log" | sed 's/^/    /' || true
    ls "$build/artifacts/$n/" 2>/dev/null | sed "s|^|    artifact: $build/artifacts/$n/|" || true
  fi
done

if [ "${FUZZ_MERGE:-0}" = 1 ]; then
  for n in "${names[@]}"; do
    mkdir -p "fuzz/corpus/$n"
    "$build/fuzz_$n" -set_cover_merge=1 "fuzz/corpus/$n" "$build/corpus/$n" >"$build/logs/$n.merge.log" 2>&1 ||
      { echo "fuzz: merging $n failed (see $build/logs/$n.merge.log)" >&2; failed=1; }
    echo "fuzz: $n corpus has $(find "fuzz/corpus/$n" -type f | wc -l) inputs"
  done
fi
exit $failed
